"""Work shared out between this process and forked copies of it.

A forked child starts with everything this process has (the loaded site, the
templates, closures), so nothing is sent to it; only what it returns comes back,
pickled, through a pipe. This process works too rather than wait: a child is a
copy of the whole process, and one fewer is that much less memory at the peak.
A child that fails or is killed costs time, never the result: its work is done
again here.

The work is cut into many chunks that the processes claim in turn while they
last, rather than into one fixed share each: one on a faster or less busy core
then does more, and all finish together (on a virtual machine the same work can
take half as long again on one core as on the other; laptops mix fast and
slow cores).
"""

from __future__ import annotations

import math
import multiprocessing
import os
from typing import Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def runs(items: Sequence[Item], count: int) -> list[list[Item]]:
    """items cut into at most count runs of about equal length, in order."""
    count = max(1, min(count, len(items)))
    bounds = [len(items) * k // count for k in range(count + 1)]
    return [list(items[a:b]) for a, b in zip(bounds, bounds[1:]) if b > a]


def runs_by_size(items: Sequence[Item], count: int, size: Callable[[Item], int]) -> list[list[Item]]:
    """items cut, in order, into runs of about total size / count each; an item larger
    than that makes a run of its own. Put the largest first, and the chunks claimed
    last are small ones: no process is left with a big one at the end."""
    target = max(1, math.ceil(sum(size(item) for item in items) / max(1, count)))
    chunks: list[list[Item]] = []
    run: list[Item] = []
    total = 0
    for item in items:
        if run and total + size(item) > target:
            chunks.append(run)
            run, total = [], 0
        run.append(item)
        total += size(item)
    if run:
        chunks.append(run)
    return chunks


# Chunks are claimed by reading two-byte tickets from a pipe, filled before the children
# are forked: 2,048 tickets fill 4 KiB, what even a pipe cut down to a single page holds,
# so filling it never waits for a reader. A read of two bytes takes one whole ticket, and
# a process that dies holds no lock that could stop the others.
MAX_CHUNKS = 2048
_TICKET = 2


def map_claimed(work: Callable[[list[Item]], Result], chunks: list[list[Item]], workers: int,
                claimed: Callable[[int], None] | None = None,
                meanwhile: Callable[[], None] | None = None) -> list[Result]:
    """[work(chunk) for chunk in chunks], the chunks claimed in turn by this process and
    workers - 1 forked ones while they last. `claimed`, if given, is told in this process
    how many chunks have been claimed so far, as it goes. `meanwhile`, if given, is work of
    another kind this process does first, once the others have started claiming. Without
    fork, or with one worker, all are done here."""
    if len(chunks) > MAX_CHUNKS:
        raise ValueError(f"at most {MAX_CHUNKS} chunks, not {len(chunks)}")
    if workers < 2 or len(chunks) < 2 or not _can_fork():
        if meanwhile:
            meanwhile()
        return _claim_all(work, chunks, claimed)
    tickets, filler = os.pipe()
    try:
        os.write(filler, b"".join(number.to_bytes(_TICKET, "little") for number in range(len(chunks))))
    finally:
        os.close(filler)  # an empty pipe then reads as the end: no more work

    def take() -> int | None:
        ticket = os.read(tickets, _TICKET)
        return int.from_bytes(ticket, "little") if len(ticket) == _TICKET else None

    def claim_while_they_last(report: Callable[[int], None] | None) -> dict[int, Result]:
        done = {}
        while (number := take()) is not None:
            done[number] = work(chunks[number])
            if report:
                report(number + 1)
        return done

    try:
        children = [_start(lambda: claim_while_they_last(None)) for _ in range(min(workers, len(chunks)) - 1)]
        if meanwhile:
            meanwhile()
        done = claim_while_they_last(claimed)
        for child in children:
            answer = _answer(child)
            if answer is not None:
                done.update(answer[0])
    finally:
        os.close(tickets)
    for number, chunk in enumerate(chunks):  # what a failed child had claimed
        if number not in done:
            done[number] = work(chunk)
    return [done[number] for number in range(len(chunks))]


def _claim_all(work, chunks, claimed):
    results = []
    for number, chunk in enumerate(chunks):
        results.append(work(chunk))
        if claimed:
            claimed(number + 1)
    return results


def _can_fork() -> bool:
    try:
        multiprocessing.get_context("fork")
    except ValueError:
        return False
    return True


def _start(work: Callable[[], Result]):
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=_run, args=(work, writer), daemon=True)
    process.start()
    writer.close()
    return process, reader


def _run(work, writer) -> None:
    try:
        writer.send(("done", work()))
    except BaseException as exc:  # noqa: BLE001 - the parent does the work again
        writer.send(("failed", exc.__class__.__name__))
    finally:
        writer.close()


def _answer(child) -> tuple | None:
    """(what a child's work returned,), or None if it failed or never started."""
    if child is None:
        return None
    process, reader = child
    try:
        answer = reader.recv()
    except (EOFError, OSError):  # killed (out of memory?)
        answer = None
    finally:
        reader.close()
        process.join()
    return (answer[1],) if answer is not None and answer[0] == "done" else None
