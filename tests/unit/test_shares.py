"""Work shared out between this process and forked ones: the same results as doing it
all here, and a child that fails costs only time."""

from __future__ import annotations

import multiprocessing
import os

from hypothesis import given
from hypothesis import strategies as st

from volsite import shares
from volsite.shares import balanced, dealt, map_shares


def test_each_share_after_the_first_runs_in_a_child_and_results_keep_their_order():
    here = os.getpid()
    results = map_shares(lambda share: (os.getpid(), [n * 2 for n in share]), [[1, 2], [3], [4, 5]])
    assert [doubled for _, doubled in results] == [[2, 4], [6], [8, 10]]
    assert results[0][0] == here and here not in {pid for pid, _ in results[1:]}
    assert len({pid for pid, _ in results[1:]}) == 2


def test_the_first_share_can_be_done_by_another_function_here():
    results = map_shares(lambda share: ("work", share), [["a"], ["b"]], here=lambda share: ("here", share))
    assert results == [("here", ["a"]), ("work", ["b"])]


def test_a_child_that_raises_or_dies_has_its_share_done_here():
    parent = os.getpid()

    def work(share):
        if os.getpid() != parent and share == ["raise"]:
            raise RuntimeError("broken")
        if os.getpid() != parent and share == ["die"]:
            os._exit(9)  # as if killed
        return (os.getpid(), share)

    results = map_shares(work, [["first"], ["raise"], ["die"], ["fine"]])
    assert [share for _, share in results] == [["first"], ["raise"], ["die"], ["fine"]]
    assert results[1][0] == results[2][0] == parent and results[3][0] != parent


def test_a_result_that_cannot_be_sent_back_is_made_here():
    parent = os.getpid()
    results = map_shares(lambda share: (os.getpid(), lambda: share) if os.getpid() != parent else (parent, None),
                         [[1], [2]])
    assert results[1][0] == parent


def test_without_fork_everything_is_done_here(monkeypatch):
    def no_fork(method=None):
        raise ValueError("cannot find context for 'fork'")
    monkeypatch.setattr(multiprocessing, "get_context", no_fork)
    assert map_shares(lambda share: os.getpid(), [[1], [2], [3]]) == [os.getpid()] * 3


def test_no_shares_no_work():
    assert map_shares(lambda share: 1 / 0, []) == []


@given(items=st.lists(st.integers(1, 1000), max_size=60), count=st.integers(1, 5))
def test_balanced_shares_hold_every_item_once_in_order_and_about_equal(items, count):
    labelled = list(enumerate(items))
    parts = balanced(labelled, count, lambda item: item[1])
    assert sorted(item for part in parts for item in part) == labelled
    assert all(part == sorted(part) for part in parts)
    totals = [sum(size for _, size in part) for part in parts]
    assert max(totals) - min(totals) <= max(items, default=0)


def test_dealt_gives_every_count_th_item_to_each():
    assert dealt(range(7), 3) == [[0, 3, 6], [1, 4], [2, 5]]
    assert shares.dealt([], 2) == [[], []]
