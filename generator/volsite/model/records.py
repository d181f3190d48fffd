"""What the model asks of a record of any kind: where it was read, and its id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class Record(Protocol):
    """What every kind of record gives a message about it: where it was read."""

    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def lines(self) -> Mapping[str, int]: ...


class Identified(Record, Protocol):
    """A record with an id of its own (a volunteer, team, activity or award)."""

    @property
    def id(self) -> str: ...
