"""Keeping a build's memory down: Python's cycle collector paused while a site is loaded,
and the loading and rendering done in a process of its own, which ends before Pagefind
starts, so that the two peaks never add up."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from contextlib import contextmanager
from typing import TypeVar

from ..bindings.process import die_with_parent, release_freed_memory
from ..messages import say
from ..problems import ContentError, Problem

Progress = Callable[[str], None]
Result = TypeVar("Result")


@contextmanager
def collector_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def in_a_process_of_its_own(
    work: Callable[[Progress | None, Progress], Result], progress: Progress | None, tell: Progress
) -> Result:
    """work(progress, tell) in a forked process, its progress and outcome sent back through a pipe.

    What loading and rendering leave behind in a process (a heap freed but fragmented,
    pypinyin's dictionaries: 350 MB at a city's scale) then goes with it, instead of
    being held beside Pagefind's own peak.
    """
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork here: free what can be freed in this process instead
        result = work(progress, tell)
        release_freed_memory()
        return result
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(writer, os.getpid(), work, progress is not None))
    child.start()
    writer.close()
    try:
        while True:
            try:
                kind, value = reader.recv()
            except EOFError:  # it died without a word: killed, out of memory?
                child.join()
                raise ContentError(
                    [
                        Problem(
                            "output/",
                            None,
                            say(
                                "V601",
                                "the build stopped: the process rendering the site ended without finishing "
                                "(exit status {status}); is the machine out of memory? Close other programs "
                                "and build again",
                                status=child.exitcode,
                            ),
                        )
                    ]
                ) from None
            if kind == "tell":
                tell(value)
            elif kind == "done":
                return value
            elif kind == "problems":
                raise ContentError(value)
            else:
                raise value
    finally:
        reader.close()
        child.join()


def _child(writer, parent: int, work: Callable[[Progress | None, Progress], object], relay: bool) -> None:
    die_with_parent(parent)

    def send(message: str) -> None:
        writer.send(("tell", message))

    try:
        result = work(send if relay else None, send if relay else (lambda message: None))
        writer.send(("done", result))
    except ContentError as exc:  # its problems, not its message, are what the parent reports
        writer.send(("problems", exc.problems))
    except BaseException as exc:  # noqa: BLE001 - raised again in the parent
        try:
            writer.send(("error", exc))
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled
            writer.send(("error", RuntimeError(f"{exc.__class__.__name__}: {exc}")))
    finally:
        writer.close()
