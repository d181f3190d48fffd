"""Work shared out between this process and forked copies of it.

A forked child starts with everything this process has (the loaded site, the
templates, closures), so nothing is sent to it; only what it makes comes back,
each chunk's result pickled through a pipe as soon as it is made. This process
works too rather than wait: a child is a copy of the whole process, and one fewer
is that much less memory at the peak. A child that fails or is killed costs time,
never the result: what it had not sent back is done again here.

The work is cut into many chunks that the processes claim in turn while they
last, rather than into one fixed share each: one on a faster or less busy core
then does more, and all finish together (on a virtual machine the same work can
take half as long again on one core as on the other; laptops mix fast and
slow cores).
"""

from __future__ import annotations

import collections
import math
import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import TypeVar

from ..bindings.process import die_with_parent
from ..seams import Cost, Done, OneProcess, Work, one_each

Item = TypeVar("Item")
Result = TypeVar("Result")


# Less work than this (in microseconds, as the stages reckon it) is done here: starting
# a second process, and sending its results back, costs more than it saves.
SHARE_FROM = 150_000
# The work a process claims at a time: some milliseconds, so that claiming costs nothing
# beside it and the processes finish within a few milliseconds of each other; and at
# least this many chunks a process, so that one on a slower core does fewer.
CHUNK_COST = 5_000
CHUNKS_A_PROCESS = 64


class ForkedWorkers:
    """volsite.seams.Workers on every core: this process and forked copies of it claim runs
    of items in turn (map_claimed), when there is enough work to be worth it."""

    def __init__(self, processes: int | None = None, share_from: float = SHARE_FROM) -> None:
        self.processes = processes or os.cpu_count() or 1
        self.share_from = share_from
        self._tasks: list[Callable[[], None]] = []

    def meanwhile(self, task: Callable[[], None]) -> None:
        self._tasks.append(task)

    def map(self, work: Work, items: Sequence[Item], cost: Cost = one_each, done: Done | None = None) -> list[Result]:
        tasks, self._tasks = self._tasks, []

        def do_tasks() -> None:
            for task in tasks:
                task()

        costs = [cost(item) for item in items]
        total = sum(costs)
        if self.processes < 2 or total < self.share_from or not items:
            do_tasks()
            return OneProcess().map(work, items, done=done)
        count = min(MAX_CHUNKS, max(CHUNKS_A_PROCESS * self.processes, math.ceil(total / CHUNK_COST)))
        chunks = runs_by_size(range(len(items)), count, costs.__getitem__)
        ends = list(accumulate(map(len, chunks)))
        results = map_claimed(
            lambda chunk: work([items[index] for index in chunk]),
            chunks,
            self.processes,
            claimed=(lambda number: done(ends[number - 1])) if done else None,
            meanwhile=do_tasks,
        )
        return [result for part in results for result in part]


def runs(items: Sequence[Item], count: int) -> list[list[Item]]:
    """items cut into at most count runs of about equal length, in order."""
    count = max(1, min(count, len(items)))
    bounds = [len(items) * k // count for k in range(count + 1)]
    return [list(items[a:b]) for a, b in zip(bounds, bounds[1:]) if b > a]


def runs_by_size(items: Sequence[Item], count: int, size: Callable[[Item], int]) -> list[list[Item]]:
    """items cut, in order, into at most `count` runs of about total size / count each: an item
    goes to the run in whose share of the total it starts, so an item larger than a share ends
    its run, and never more runs than `count` (map_claimed takes at most MAX_CHUNKS). Put the
    largest first, and the chunks claimed last are small ones: no process is left with a big one
    at the end."""
    sizes = [size(item) for item in items]
    total, count = sum(sizes), max(1, count)
    chunks: dict[int, list[Item]] = {}
    start = 0
    for item, item_size in zip(items, sizes):
        chunks.setdefault(min(count - 1, start * count // total) if total else 0, []).append(item)
        start += item_size
    return [chunks[number] for number in sorted(chunks)]


# Chunks are claimed by reading two-byte tickets from a pipe, filled before the children
# are forked: 2,048 tickets fill 4 KiB, what even a pipe cut down to a single page holds,
# so filling it never waits for a reader. A read of two bytes takes one whole ticket, and
# a process that dies holds no lock that could stop the others.
MAX_CHUNKS = 2048
_TICKET = 2


def map_claimed(
    work: Callable[[list[Item]], Result],
    chunks: list[list[Item]],
    workers: int,
    claimed: Callable[[int], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[Result]:
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

    def claim_and_send(send: Callable[[int, Result], None]) -> None:
        while (number := take()) is not None:
            send(number, work(chunks[number]))

    children: list[_Child] = []
    done: dict[int, Result] = {}
    finished = False
    try:
        children = [
            child for _ in range(min(workers, len(chunks)) - 1) if (child := _start(claim_and_send)) is not None
        ]
        for child in children:  # (threads only once every child is forked)
            child.listen()
        if meanwhile:
            meanwhile()
        while (number := take()) is not None:
            done[number] = work(chunks[number])
            if claimed:
                claimed(number + 1)
            for child in children:
                child.take_results(done)
        for child in children:
            child.finish(done)
        finished = True
    finally:
        os.close(tickets)
        for child in children:
            child.close(stop=not finished)  # (this process failed: the children's work is not wanted)
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


class _Child:
    """A forked process claiming chunks, and what it has sent back so far.

    It sends each chunk's result as soon as it is made; a thread here reads them off the
    pipe as they come (the child never waits for this process to be free), and this process
    unpickles them between chunks of its own. Sent all at once at the end, a child's results
    were pickled there and unpickled here while the other process waited: a tenth of a
    second for each phase of a 5,000-story build."""

    def __init__(self, process, reader):
        self.process = process
        self.reader = reader
        self.arrived: collections.deque[bytes] = collections.deque()  # pickled messages
        self._thread: threading.Thread | None = None

    def listen(self) -> None:
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            while True:
                self.arrived.append(self.reader.recv_bytes())
        except (EOFError, OSError):  # done and closed, or killed
            self.arrived.append(b"")

    def take_results(self, done: dict) -> None:
        """Unpickle the results that have arrived into done (number: result); the child's
        last word ("done", "failed", or its pipe closing) needs no answer."""
        while self.arrived:
            message = _message(self.arrived.popleft())
            if message is not None and message[0] == "chunk":
                done[message[1]] = message[2]

    def finish(self, done: dict) -> None:
        """Wait for everything the child sends, then take it."""
        if self._thread is not None:
            self._thread.join()
        self.take_results(done)

    def close(self, stop: bool = False) -> None:
        if stop:
            self.process.terminate()
        self.process.join()  # its end of the pipe closes: the reading thread stops
        if self._thread is not None:
            self._thread.join()
        self.reader.close()


def _message(data: bytes):
    try:
        return pickle.loads(data) if data else None
    except Exception:  # noqa: BLE001 - half a message from a killed child
        return None


def _start(claim_and_send: Callable[[Callable[[int, Result], None]], None]) -> _Child | None:
    """A child claiming chunks, or None if none can be started (no memory or processes
    left to fork): the others then do its share."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=_run, args=(claim_and_send, writer, os.getpid()), daemon=True)
    try:
        process.start()
    except OSError:
        reader.close()
        return None
    finally:
        writer.close()
    return _Child(process, reader)


def _run(claim_and_send, writer, parent: int) -> None:
    die_with_parent(parent)
    try:
        claim_and_send(lambda number, result: writer.send(("chunk", number, result)))
        writer.send(("done",))
    except BaseException as exc:  # noqa: BLE001 - the parent does the rest again
        writer.send(("failed", exc.__class__.__name__))
    finally:
        writer.close()
