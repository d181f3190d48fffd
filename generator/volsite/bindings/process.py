"""What volsite asks of the operating system beyond Python's standard library, through the
C library: an atomic exchange of two folders, children that die with their parent, and
memory given back. Each is a no-op or a plain fallback where the call is missing (not
Linux, not glibc); tests/unit/test_bindings.py checks each is there and works."""

from __future__ import annotations

import ctypes
import errno
import gc
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(error, os.strerror(error), str(b))


_PR_SET_PDEATHSIG = 1


def ending_with_this_process() -> Callable[[], None]:
    """preexec_fn for a program this process starts (Pagefind): it is killed when this
    process ends, as a forked child is (die_with_parent)."""
    parent = os.getpid()
    return lambda: die_with_parent(parent)


def die_with_parent(parent: int) -> None:
    """Called first in a forked child: it is killed the moment `parent` (os.getpid() of
    the process that forked it, taken before the fork) ends, however that ends (kill -9
    of it alone, the OOM killer). A child left behind would wait for ever on a pipe to
    it, holding what it holds. If the parent has already gone, the child ends now.

    Linux's prctl(PR_SET_PDEATHSIG); elsewhere only the check. The signal comes when
    the thread that forked ends: children are forked by the thread that waits for them.
    """
    if sys.platform.startswith("linux"):
        try:
            prctl = ctypes.CDLL(None, use_errno=True).prctl
            prctl(
                _PR_SET_PDEATHSIG,
                ctypes.c_ulong(signal.SIGKILL),
                ctypes.c_ulong(0),
                ctypes.c_ulong(0),
                ctypes.c_ulong(0),
            )
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it died before the call above: nothing would have come
        os._exit(1)


def release_freed_memory() -> None:
    """Give back to the system what Python has freed but its allocator keeps (glibc only)."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError, TypeError):
        pass  # another C library: the memory is only reused, not returned
