"""The only code that touches output/: the whole site is written beside it, then swapped in.

A build that fails or is interrupted leaves the previous output/ as it was.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from stat import S_IMODE, S_ISDIR, S_ISREG

from ..bindings.process import exchange
from ..messages import Tell, say, words
from ..problems import UsageError

MARKER = ".volsite-output"
CACHE_FOLDER = ".volsite-cache"  # volsite's own folder in a site: the build cache and the lock
LOCK_FILE = "build.lock"
MARKER_TEXT = b"This folder is written by volsite build; it is replaced on every build.\n"


def check_output_dir(site_root: Path, output: Path) -> None:
    """Refuse an output folder whose replacement would destroy something else, or that
    cannot be replaced. Where output is a symbolic link, these rules are its target's."""
    site = site_root.resolve()
    try:
        out = output.resolve()
    except (OSError, RuntimeError):  # links in a loop
        raise UsageError(
            say(
                "V703",
                "refusing to write the site to {output}: it is a link that leads in a loop; "
                "choose another output folder (-o)",
                output=output,
            )
        ) from None
    home = Path.home().resolve()
    forbidden = {
        site: words("the site folder itself"),
        site / "content": words("the content folder"),
        site / "themes": words("the themes folder"),
        Path(out.anchor): words("the root of the disk"),
        home: words("your home folder"),
    }
    if out in forbidden:
        raise UsageError(
            say(
                "V704",
                "refusing to write the site to {output}: it is {what}; choose another output folder (-o)",
                output=output,
                what=forbidden[out],
            )
        )
    if out in site.parents:
        raise UsageError(
            say(
                "V705",
                "refusing to write the site to {output}: it holds the site folder; choose another output folder (-o)",
                output=output,
            )
        )
    for inner in ("content", "themes"):
        if (site / inner) in out.parents:
            raise UsageError(
                say(
                    "V706",
                    "refusing to write the site to {output}: it is inside {folder}/; choose an output "
                    "folder outside it (-o)",
                    output=output,
                    folder=inner,
                )
            )
    if out.exists():
        if not out.is_dir():
            raise UsageError(
                say(
                    "V707",
                    "refusing to write the site to {output}: it is a file; choose another output folder (-o)",
                    output=output,
                )
            )
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise UsageError(
                say(
                    "V708",
                    "refusing to replace {output}: it is not empty and was not written by "
                    "volsite; remove it or choose another output folder",
                    output=output,
                )
            )
    _check_writable_beside(output, out)


def _check_writable_beside(output: Path, out: Path) -> None:
    """The new site is made beside the folder it replaces (out, output's target if output
    is a link): refused before anything is done if this user may not make folders there."""
    place = out.parent
    while not place.exists() and place != place.parent:
        place = place.parent  # made when the site is written
    if os.access(place, os.W_OK | os.X_OK, effective_ids=os.access in os.supports_effective_ids):
        return
    linked = Path(os.path.abspath(output)) != out
    if linked:
        raise UsageError(
            say(
                "V709",
                "refusing to write the site to {output}: it is a link to {target}, and the new site is "
                "written beside that, in {place}, where this user may not make folders; let it write to "
                "{place}, or choose an output folder (or a link target) in a folder it may write to",
                output=output,
                target=out,
                place=place,
            )
        )
    raise UsageError(
        say(
            "V710",
            "refusing to write the site to {output}: the new site is written beside it, in {place}, where "
            "this user may not make folders; let it write to {place}, or choose an output folder in a "
            "folder it may write to",
            output=output,
            place=place,
        )
    )


def read_umask() -> int:
    """This process's umask: published files get 0o666 and folders 0o777 less it, as a
    plain open and mkdir do. It can only be read by setting it: a build reads it once, as
    it starts; a file another thread made in between would be private (0o077), never open."""
    umask = os.umask(0o077)
    os.umask(umask)
    return umask


def real_output(output: Path) -> Path:
    """The folder a build really replaces: output, or where output is a symbolic link (a
    deploy's web root elsewhere), the folder it leads to, which is exchanged with the new
    site beside it there. The link itself is never replaced."""
    return output.resolve()


class Staging:
    """The new site, written file by file into a hidden folder beside output/ (beside its
    target, if output/ is a link), which is not touched; `publish` puts it in place,
    `remove_folder` removes it.

    Forked renderers write their pages through their copy of it: each file is written
    by one process only, and folders are made with exist_ok.
    """

    def __init__(self, output: Path, umask: int | None = None):
        output = real_output(output)
        # Files as a plain open makes them, whatever the previous build's were (it may have
        # run under another umask): one whose mode differs is written again, not linked.
        self._file_mode = 0o666 & ~(read_umask() if umask is None else umask)
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            remove_leftovers(output)
            self.folder = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
        except PermissionError as exc:  # (check_output_dir found it writable: changed since, or an ACL)
            raise UsageError(
                say(
                    "V711",
                    "cannot write the new site beside {output}: {reason} ({file}); free some space or "
                    "choose another output folder",
                    output=output,
                    reason=exc.strerror,
                    file=exc.filename,
                )
            ) from None
        self.previous = output if (output / MARKER).is_file() else None
        (self.folder / MARKER).write_bytes(MARKER_TEXT)  # marks it as volsite's from the start
        # Paths as strings, not pathlib's: joining and splitting each page's path through
        # Path objects was a third of writing it (8 us of 26).
        self._root = os.fspath(self.folder)
        self._made: set[str] = set()

    def put(self, rel: str, data: bytes) -> tuple[int, int]:
        """Write one file; its size and modification time (ns) as written, for the
        build's record of output/ (speed.record.output_manifest, without walking it)."""
        target = os.path.join(self._root, rel)
        _ensure_dir(os.path.dirname(target), self._made)
        if _reuse(self.previous, rel, target, len(data), lambda: data, self._file_mode):
            return _size_and_time(target)
        # os calls on the open file, not pathlib's and a stat after: a page is written in
        # half the time (12 us, of a build's 6,000 and more).
        handle = os.open(target, _NEW_FILE, 0o666)
        try:
            write_all(handle, data)
            info = os.fstat(handle)
        finally:
            os.close(handle)
        return info.st_size, info.st_mtime_ns

    def copy(self, rel: str, source: Path) -> tuple[int, int]:
        target = os.path.join(self._root, rel)
        _ensure_dir(os.path.dirname(target), self._made)
        if not _reuse(self.previous, rel, target, source.stat().st_size, source.read_bytes, self._file_mode):
            shutil.copyfile(source, target)
        return _size_and_time(target)

    def marker(self) -> tuple[str, tuple[int, int]]:
        return MARKER, _size_and_time(self.folder / MARKER)


# Bytes as they are (O_BINARY: Windows would otherwise write each \n as \r\n), not
# inherited by the processes a build starts (Pagefind).
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def write_all(handle: int, data: bytes) -> None:
    """All of data to an open file (one os.write may take less than it is given)."""
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view) :]


def _size_and_time(path: str | Path) -> tuple[int, int]:
    info = os.lstat(path)
    return info.st_size, info.st_mtime_ns


def _reuse(previous: Path | None, rel: str, target: str, size: int, read: Callable[[], bytes], mode: int) -> bool:
    """Hard-link the previous build's file into the new one when its bytes and mode are the same.

    Unchanged files then keep their modification time, so deploy tools that compare
    times (rsync, ossutil, coscmd) upload only what changed, and they cost no write.
    Files of output/ are only ever replaced, never changed in place, so sharing is safe.
    """
    if previous is None:
        return False
    old = previous / rel
    try:
        info = old.lstat()
        if (
            not S_ISREG(info.st_mode)
            or info.st_size != size
            or S_IMODE(info.st_mode) != mode
            or old.read_bytes() != read()
        ):
            return False
        os.link(old, target)
    except OSError:
        return False
    return True


def _ensure_dir(path: str, made: set[str]) -> None:
    if path not in made:
        try:
            os.mkdir(path)  # the parent is there, as a rule: one call, where makedirs makes two
        except FileExistsError:
            if not os.path.isdir(path):  # made by a forked renderer, or a file in the way
                raise
        except FileNotFoundError:
            os.makedirs(path, exist_ok=True)
        made.add(path)


def publish(staging: Path, output: Path, umask: int) -> None:
    """Put staging where output is (its target, if output is a link: staging was made
    beside that) in one step, so that a kill at any moment leaves the complete old site
    or the complete new one. It gets the mode a plain mkdir gives under `umask` (it was
    made private: mkdtemp's 0700 would keep a web server running as another user out)."""
    output = real_output(output)
    os.chmod(staging, 0o777 & ~umask)
    if not output.exists():
        os.rename(staging, output)
        return
    if exchange(staging, output):
        remove_own_folder(staging)  # it now holds the old site
        return
    # No atomic exchange here (not Linux, or an old kernel): two renames, with a window
    # between them in which a kill leaves the old site under a hidden name beside it.
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    os.rename(output, retired / "site")
    os.rename(staging, output)
    remove_own_folder(retired / "site")
    shutil.rmtree(retired, ignore_errors=True)


def match_umask(folders: list[Path], umask: int) -> None:
    """Give each folder, and what is in it, the modes a plain mkdir and open give under
    umask, where the folder's own mode differs. For folders copied whole from the build
    cache (kept parts of the search index: made together, under one umask), which keep
    the modes of the build that made them, run perhaps under another."""
    folder_mode, file_mode = 0o777 & ~umask, 0o666 & ~umask
    for folder in folders:
        if not _is_folder(folder) or S_IMODE(os.lstat(folder).st_mode) == folder_mode:
            continue
        for dirpath, _folders, filenames in os.walk(folder):
            os.chmod(dirpath, folder_mode)
            for name in filenames:
                path = os.path.join(dirpath, name)
                if S_ISREG(os.lstat(path).st_mode):  # (its links in the cache too: the same file)
                    os.chmod(path, file_mode)


def remove_own_folder(folder: Path) -> None:
    """Delete a folder volsite made, its marker last: a deletion cut short by a kill
    leaves a folder that is still recognisably volsite's, for the next build to finish.
    A link is never followed: a folder reached through one is not volsite's to empty."""
    if not _is_folder(folder):
        return
    for child in sorted(folder.iterdir()):
        if child.name == MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
    (folder / MARKER).unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)


def remove_leftovers(output: Path) -> None:
    """Folders a killed build left beside output/ (its staging, or an old site being retired).

    Only folders volsite made: hidden, named after the output folder, holding the marker;
    never a link, nor a folder reached through one.
    """
    if not output.parent.is_dir():
        return
    for path in output.parent.glob(f".{output.name}.*-*"):
        if _is_folder(path) and (path.name.startswith((f".{output.name}.new-", f".{output.name}.old-"))):
            if (path / MARKER).is_file() or (path / "site" / MARKER).is_file() or not any(path.iterdir()):
                remove_own_folder(path / "site")
                remove_own_folder(path)


def _is_folder(path: Path) -> bool:
    """A folder itself, not a link to one."""
    try:
        return S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def sync_tree(output: Path, files: dict[str, bytes], copies: dict[str, Path], keep: tuple[str, ...] = ()) -> list[str]:
    """Bring `output` to exactly `files` and `copies`, writing only what changed.

    For the preview server, where the folder is volsite's own (a fresh temporary
    folder, or one it marked): unchanged files keep their bytes and times, stale
    files are removed. Returns the paths written or removed.
    """
    output.mkdir(parents=True, exist_ok=True)
    if any(output.iterdir()) and not (output / MARKER).is_file():
        raise UsageError(
            say(
                "V712",
                "refusing to update {output}: it was not written by volsite; remove it or choose another folder",
                output=output,
            )
        )
    (output / MARKER).write_bytes(MARKER_TEXT)
    changed: list[str] = []
    wanted = set(files) | set(copies) | {MARKER}
    # Kept folders are not walked at all: the preview's search indexer replaces them
    # from another thread while this runs.
    for path in sorted(_walk_outside(output, keep), reverse=True):
        rel = path.relative_to(output).as_posix()
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif rel not in wanted:
            path.unlink(missing_ok=True)
            changed.append(rel)
    for rel, data in sorted(files.items()):
        target = output / rel
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            changed.append(rel)
    for rel, source in sorted(copies.items()):
        target = output / rel
        if (
            not target.is_file()
            or target.stat().st_size != source.stat().st_size
            or target.read_bytes() != source.read_bytes()
        ):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            changed.append(rel)
    return changed


def _walk_outside(output: Path, keep: tuple[str, ...]) -> list[Path]:
    """Every file and folder under output, except those under the kept prefixes."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(output):
        here = Path(dirpath)
        rel = here.relative_to(output).as_posix()
        prefix = "" if rel == "." else rel + "/"
        dirnames[:] = [d for d in dirnames if not (prefix + d + "/").startswith(keep)]
        found.extend(here / d for d in dirnames)
        found.extend(here / f for f in filenames if not (prefix + f).startswith(keep))
    return found


def new_preview_folder() -> Path:
    """A fresh private folder for the preview server's copy of the site, marked as volsite's."""
    folder = Path(tempfile.mkdtemp(prefix="volsite-serve-"))
    (folder / MARKER).write_bytes(MARKER_TEXT)
    return folder


def remove_preview_folder(folder: Path) -> None:
    remove_folder(folder)


def copy_folder(source: Path, target: Path) -> None:
    """A copy of `source` at `target`, replacing what was there (for the search index cache).

    Files are hard-linked where both sides are on one disk: the search index is
    thousands of small files that are never changed in place, only replaced.
    """
    partial = target.with_name(f".{target.name}.copy")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        shutil.copytree(source, partial, copy_function=os.link)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(source, partial)
    shutil.rmtree(target, ignore_errors=True)
    os.rename(partial, target)


def remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def replace_folder(new: Path, old: Path) -> None:
    """Put `new` where `old` is (inside a folder being built or the preview's own)."""
    shutil.rmtree(old, ignore_errors=True)
    os.rename(new, old)


@contextmanager
def site_lock(site_root: Path, wait_seconds: float = 60.0, tell: Tell | None = None):
    """Only one volsite builds a site at a time (two `build`s, or `build` beside `serve`).

    The lock is the operating system's, so a killed volsite never leaves it held: a POSIX
    record lock (lockf), which belongs to the process that took it and is not inherited by
    the processes it forks, so it is free the moment that process ends, even if a child of
    it lingers (flock's lock went with every copy of the file, and a forked child kept it).
    The holder's process id is written in the file, for the message of a second volsite,
    which waits, then refuses with a message saying why.
    """
    try:
        import fcntl
    except ImportError:  # not on Unix: no locking
        yield
        return
    folder = site_root / CACHE_FOLDER
    folder.mkdir(exist_ok=True)
    (folder / ".gitignore").write_text("*\n", encoding="utf-8")
    path = folder / LOCK_FILE
    waiting = _Waiting(wait_seconds, tell)
    # Record locks do not keep out a second holder in the same process, and closing any
    # descriptor of the file drops them: within a process, one holder a site at a time,
    # and the file is opened only by it.
    turn = _turns.setdefault(os.path.realpath(path), threading.Lock())
    while not turn.acquire(timeout=_POLL_SECONDS):
        waiting.another(os.getpid())
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        try:
            while True:
                try:
                    fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EACCES, errno.EAGAIN):
                        raise
                waiting.another(_holder(handle))
                time.sleep(_POLL_SECONDS)
            os.ftruncate(handle, 0)
            os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
            try:
                yield
            finally:
                os.ftruncate(handle, 0)
                fcntl.lockf(handle, fcntl.LOCK_UN)
        finally:
            os.close(handle)
    finally:
        turn.release()


_turns: dict[str, threading.Lock] = {}
_POLL_SECONDS = 0.1


class _Waiting:
    """A volsite waiting for another to finish with the site: said once, refused after a while."""

    def __init__(self, seconds: float, tell: Tell | None):
        self.seconds, self.tell = seconds, tell
        self.deadline = time.monotonic() + seconds
        self.told = False

    def another(self, holder: int | None) -> None:
        who = holder or "?"
        if time.monotonic() >= self.deadline:
            raise UsageError(
                say(
                    "V713",
                    "another volsite is building this site (process {process}), a build or a serve that is "
                    "rebuilding; it still was after {seconds} s, so this one stops: try again when it has finished",
                    process=who,
                    seconds=format(self.seconds, ".0f"),
                )
            )
        if self.tell and not self.told:
            self.tell(words("waiting for another volsite that is building this site (process {process})", process=who))
            self.told = True


def _holder(handle: int) -> int | None:
    """The process id the lock's holder wrote in the file (none while it is writing it)."""
    try:
        return int(os.pread(handle, 32, 0))
    except (OSError, ValueError):
        return None
