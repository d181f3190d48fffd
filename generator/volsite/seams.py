"""The two ways speed enters the pipeline, and the plain versions of both.

Stages take a `Workers` to share work out and a `Store` to keep what they made for a
later build; neither changes what a stage makes. `OneProcess` and `NoStore` are the
plain versions: a build with them is the same code, one process, nothing kept, and
gives the same bytes. The fast ones live in volsite.speed, and volsite.builds chooses
between them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


Work = Callable[[list[Item]], list[Result]]  # a result for each item of a run, in order
Cost = Callable[[Item], float]  # an item's work in microseconds, about
Done = Callable[[int], None]  # told how many items are done so far


def one_each(item: object) -> float:
    return 1.0


class Workers(Protocol):
    def map(self, work: Work, items: Sequence[Item], cost: Cost = one_each, done: Done | None = None) -> list[Result]:
        """[result for each item], in order, made by `work` on runs of the items. `cost` decides
        whether sharing the work out is worth it and how to cut it."""
        ...

    def meanwhile(self, task: Callable[[], None]) -> None:
        """Work of another kind (no result) to do while the next map's work is shared out;
        done at once, or by the next map, before it returns."""
        ...


class Store(Protocol):
    """What a build keeps for the next one: values by shelf (what kind of thing) and key
    (what it was made from, as a hash). get gives None for what is not kept."""

    def get(self, shelf: str, key: str) -> Any | None: ...

    def put(self, shelf: str, entries: dict[str, Any]) -> None:
        """Keep each value under its key."""
        ...

    def holds(self, shelf: str) -> bool:
        """Whether anything at all is kept on the shelf: with nothing, no key need be made."""
        ...

    def keeps(self, shelf: str) -> bool:
        """Whether what is put on the shelf is kept: if not, no key need be made."""
        ...


# How many items OneProcess does between two reports to `done`.
RUN_BETWEEN_REPORTS = 32


class OneProcess:
    """Every piece of work done here, in order."""

    def map(self, work: Work, items: Sequence[Item], cost: Cost = one_each, done: Done | None = None) -> list[Result]:
        if done is None:
            return work(list(items))
        results: list[Result] = []
        for start in range(0, len(items), RUN_BETWEEN_REPORTS):
            results += work(list(items[start : start + RUN_BETWEEN_REPORTS]))
            done(len(results))
        return results

    def meanwhile(self, task: Callable[[], None]) -> None:
        task()


class NoStore:
    """Keeps nothing."""

    def get(self, shelf: str, key: str) -> Any | None:
        return None

    def put(self, shelf: str, entries: dict[str, Any]) -> None:
        pass

    def holds(self, shelf: str) -> bool:
        return False

    def keeps(self, shelf: str) -> bool:
        return False
