"""Work shared out between this process and forked copies of it, one share each.

A forked child starts with everything this process has (the loaded site, the
templates, closures), so nothing is sent to it; only what it returns comes back,
pickled, through a pipe. This process does the first share itself rather than
wait: a child is a copy of the whole process, and one fewer is that much less
memory at the peak. A child that fails or is killed costs time, never the
result: its share is done again here.
"""

from __future__ import annotations

import multiprocessing
from typing import Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def dealt(items: Sequence[Item], count: int) -> list[list[Item]]:
    """items dealt out in turn into count shares (every count-th item to each)."""
    return [list(items[start::count]) for start in range(count)]


def balanced(items: Sequence[Item], count: int, size: Callable[[Item], int]) -> list[list[Item]]:
    """items in count shares of about equal total size, each share in the items' order."""
    totals = [0] * count
    chosen: list[list[int]] = [[] for _ in range(count)]
    for index in sorted(range(len(items)), key=lambda i: -size(items[i])):  # largest first
        lightest = totals.index(min(totals))
        chosen[lightest].append(index)
        totals[lightest] += size(items[index])
    return [[items[i] for i in sorted(share)] for share in chosen]


def map_shares(work: Callable[[list[Item]], Result], shares: list[list[Item]],
               here: Callable[[list[Item]], Result] | None = None) -> list[Result]:
    """[work(share) for share in shares], the shares after the first each in a forked
    process, all at once; `here`, if given, does the first share in this process
    instead of work (to report progress, say). Without fork, all are done here."""
    if not shares:
        return []
    children = [_start(work, share) for share in shares[1:]]
    results = [(here or work)(shares[0])]
    for share, child in zip(shares[1:], children):
        results.append(_finish(work, share, child))
    return results


def _start(work, share):
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this system: the share is done here, in _finish
        return None
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=_run, args=(work, share, writer), daemon=True)
    process.start()
    writer.close()
    return process, reader


def _run(work, share, writer) -> None:
    try:
        writer.send(("done", work(share)))
    except BaseException as exc:  # noqa: BLE001 - the parent does the share again and reports
        writer.send(("failed", exc.__class__.__name__))
    finally:
        writer.close()


def _finish(work, share, child):
    if child is not None:
        process, reader = child
        try:
            answer = reader.recv()
        except (EOFError, OSError):  # killed (out of memory?)
            answer = None
        finally:
            reader.close()
            process.join()
        if answer is not None and answer[0] == "done":
            return answer[1]
    return work(share)
