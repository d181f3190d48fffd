"""Work shared out between this process and forked ones: the same results as doing it
all here, whoever claims which chunk, and a child that fails costs only time."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volsite.speed.workers import MAX_CHUNKS, map_claimed, runs, runs_by_size


def slowly(chunk):
    time.sleep(0.01)  # long enough that every process gets to claim some
    return os.getpid(), [n * 2 for n in chunk]


def test_every_chunk_is_done_once_results_keep_their_order_and_all_processes_claim():
    chunks = [[n] for n in range(60)]
    results = map_claimed(slowly, chunks, workers=3)
    assert [doubled for _, doubled in results] == [[n * 2] for n in range(60)]
    pids = {pid for pid, _ in results}
    assert os.getpid() in pids and len(pids) == 3


def test_a_faster_process_claims_more():
    parent = os.getpid()

    def work(chunk):
        time.sleep(0.002 if os.getpid() == parent else 0.02)  # the child is ten times slower
        return os.getpid()

    done_by = map_claimed(work, [[n] for n in range(100)], workers=2)
    assert done_by.count(parent) > 3 * (100 - done_by.count(parent))


def test_claimed_counts_every_chunk_as_it_is_claimed_here():
    seen = []
    map_claimed(lambda chunk: chunk, [[n] for n in range(10)], workers=1, claimed=seen.append)
    assert seen == list(range(1, 11))
    seen = []
    map_claimed(slowly, [[n] for n in range(20)], workers=2, claimed=seen.append)
    assert seen == sorted(set(seen)) and all(1 <= count <= 20 for count in seen)


def test_meanwhile_runs_here_once_while_the_children_claim():
    parent = os.getpid()
    ran = []

    def meanwhile():
        ran.append(os.getpid())
        time.sleep(0.3)

    done_by = map_claimed(
        lambda chunk: time.sleep(0.01) or os.getpid(), [[n] for n in range(20)], workers=2, meanwhile=meanwhile
    )
    assert ran == [parent]
    assert done_by.count(parent) < 10  # the child claimed most while this process was busy
    assert map_claimed(lambda chunk: chunk, [[1], [2]], workers=1, meanwhile=meanwhile) == [[1], [2]]
    assert ran == [parent, parent]  # nothing forked: done all the same, first


def test_a_child_that_raises_or_dies_has_its_chunks_done_here():
    parent = os.getpid()

    def work(chunk):
        time.sleep(0.01)
        if os.getpid() != parent and chunk == ["raise"]:
            raise RuntimeError("broken")
        if os.getpid() != parent and chunk == ["die"]:
            os._exit(9)  # as if killed
        return os.getpid(), chunk

    chunks = [["a"], ["raise"], ["b"], ["die"], ["c"], ["d"]] * 3
    results = map_claimed(work, chunks, workers=3)
    assert [chunk for _, chunk in results] == chunks


def test_what_a_child_sent_before_it_died_is_kept():
    # Each result comes back as soon as it is made: a child killed at its third chunk has
    # sent two, which are not done again here.
    parent = os.getpid()
    made = []

    def work(chunk):
        if os.getpid() == parent:
            time.sleep(0.05)  # slow here: the child claims most
        else:
            made.append(chunk)  # (the child's own copy)
            if len(made) == 3:
                os._exit(9)
        return os.getpid(), chunk

    results = map_claimed(work, [[n] for n in range(20)], workers=2)
    assert [chunk for _, chunk in results] == [[n] for n in range(20)]
    assert len([pid for pid, _ in results if pid != parent]) == 2


def test_a_failure_here_stops_the_children():
    parent = os.getpid()

    def work(chunk):
        time.sleep(0.01)
        if os.getpid() == parent:
            raise RuntimeError("broken here")
        return chunk

    with pytest.raises(RuntimeError):
        map_claimed(work, [[n] for n in range(200)], workers=3)
    assert multiprocessing.active_children() == []


def test_a_result_that_cannot_be_sent_back_is_made_here():
    parent = os.getpid()
    results = map_claimed(
        lambda chunk: (os.getpid(), (lambda: chunk) if os.getpid() != parent else None),
        [[n] for n in range(30)],
        workers=2,
    )
    assert [pid for pid, _ in results] == [parent] * 30


def test_without_fork_everything_is_done_here(monkeypatch):
    def no_fork(method=None):
        raise ValueError("cannot find context for 'fork'")

    monkeypatch.setattr(multiprocessing, "get_context", no_fork)
    assert map_claimed(lambda chunk: os.getpid(), [[1], [2], [3]], workers=4) == [os.getpid()] * 3


def test_no_chunks_no_work():
    assert map_claimed(lambda chunk: 1 / 0, [], workers=2) == []


def test_more_chunks_than_tickets_is_a_mistake():
    with pytest.raises(ValueError):
        map_claimed(lambda chunk: chunk, [[n] for n in range(MAX_CHUNKS + 1)], workers=2)


@given(items=st.lists(st.integers(), max_size=60), count=st.integers(1, 70))
def test_runs_cut_items_in_order_into_about_equal_runs(items, count):
    parts = runs(items, count)
    assert [item for part in parts for item in part] == items
    assert len(parts) <= count
    if parts:
        assert max(map(len, parts)) - min(map(len, parts)) <= 1


@given(sizes=st.lists(st.integers(0, 1000), max_size=60), count=st.integers(1, 20))
def test_runs_by_size_keep_order_and_stay_near_the_target(sizes, count):
    parts = runs_by_size(sizes, count, lambda size: size)
    assert [size for part in parts for size in part] == sizes
    assert len(parts) <= count  # (map_claimed refuses more than MAX_CHUNKS)
    target = max(1, -(-sum(sizes) // count))
    for part in parts:
        assert sum(part[:-1]) <= target  # only a run's last item reaches past its share


def test_runs_by_size_never_make_more_runs_than_asked_for_big_items_among_small_ones():
    """The city's pages at full scale: a greedy cut made 2,058 runs of 2,048 asked for, when
    items larger than a share each took a run of their own, and the build stopped."""
    sizes = [1, 1, 20] * 1500  # a share is 17: cut greedily, each 20 and each pair of 1s took a run
    assert len(runs_by_size(sizes, MAX_CHUNKS, lambda size: size)) <= MAX_CHUNKS
    assert runs_by_size([1, 10, 1], 2, lambda size: size) == [[1, 10], [1]]


def test_a_child_that_cannot_be_forked_leaves_its_share_here(monkeypatch):
    def out_of_processes(self):
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.get_context("fork").Process, "start", out_of_processes)
    assert map_claimed(lambda chunk: (os.getpid(), chunk), [[n] for n in range(6)], workers=3) == [
        (os.getpid(), [n]) for n in range(6)
    ]


def test_a_child_whose_parent_is_already_gone_ends_at_once():
    from volsite.bindings.process import die_with_parent

    context = multiprocessing.get_context("fork")
    child = context.Process(target=die_with_parent, args=(os.getpid() + 1_000_000,))  # not its parent
    child.start()
    child.join(10)
    assert child.exitcode == 1


SHARE_SLOWLY = """
import os, sys, time
from volsite.speed.workers import map_claimed

def work(chunk):
    if os.getpid() != parent:
        os.write(1, f"{os.getpid()}\\n".encode())  # one write: the two children's lines do not mix
    time.sleep(60)  # (each child claims one chunk while this process works on its first)
    return chunk

parent = os.getpid()
map_claimed(work, [[n] for n in range(8)], workers=3)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's prctl(PR_SET_PDEATHSIG)")
def test_children_die_with_the_process_that_forked_them():
    import signal
    import subprocess

    parent = subprocess.Popen([sys.executable, "-c", SHARE_SLOWLY], stdout=subprocess.PIPE, text=True)
    children = [int(parent.stdout.readline()), int(parent.stdout.readline())]
    os.kill(parent.pid, signal.SIGKILL)  # the parent alone
    parent.wait()
    deadline = time.monotonic() + 5
    while (alive := [pid for pid in children if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.02)
    for pid in alive:  # (what this test started, if it failed)
        os.kill(pid, signal.SIGKILL)
    assert alive == []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# A process that starts a program the way volsite starts Pagefind, says its pid, and waits.
START_A_PROGRAM = """
import subprocess, sys, time
from volsite.bindings.process import ending_with_this_process
program = subprocess.Popen(["sleep", "60"], preexec_fn=ending_with_this_process())
print(program.pid, flush=True)
time.sleep(60)
"""


def test_a_program_it_starts_ends_with_it():
    """Pagefind, started by a build that is then killed alone, must not index on for nothing."""
    import signal
    import subprocess

    parent = subprocess.Popen([sys.executable, "-c", START_A_PROGRAM], stdout=subprocess.PIPE, text=True)
    program = int(parent.stdout.readline())
    assert _alive(program)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 5
    while _alive(program) and time.monotonic() < deadline:
        time.sleep(0.02)
    alive = _alive(program)
    if alive:
        os.kill(program, signal.SIGKILL)
    assert not alive


def test_pagefind_is_started_to_end_with_the_build(monkeypatch, tmp_path):
    import subprocess

    from volsite.output import search

    started = {}

    def run(command, **options):
        started.update(options)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(search.subprocess, "run", run)
    assert search._run_pagefind(tmp_path, tmp_path / "out", "**/*.html") is None
    assert started["preexec_fn"].__qualname__.startswith("ending_with_this_process")
