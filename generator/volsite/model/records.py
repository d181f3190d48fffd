"""What the model asks of a record of any kind: where it was read, and its id; and what
messages call a record ("volunteer 'li-na'"), in the language they are read in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from ..kinds.fields import NOUNS
from ..messages import Message, words


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


def kind_noun(label: str) -> Message:
    """A kind's name in messages: "volunteer" (志愿者). A kind volsite does not know the words
    for (a site's own) is called by its LABEL as it is."""
    return NOUNS.get(label) or as_is(label)


def named(label: str, name: str | None = None) -> Message:
    """What a message calls one record: "volunteer 'li-na'", or "ledger row" for one that has
    no id or slug."""
    noun = kind_noun(label)
    return words("{kind} '{id}'", kind=noun, id=name) if name else noun


def field_name(record: object, key: str) -> str:
    """A field's name as the file wrote it (a roster's 志愿者编号 for `volunteer`), where the
    record kept it; else the field's own name."""
    names = getattr(record, "names", None)
    return str(names.get(key, key)) if isinstance(names, Mapping) else key


def as_is(text: str) -> Message:
    """A text shown as it is in every language (a name, a path): no words to translate."""
    return Message("", "{text}", (("text", text),))


def place(path: str, line: int | None) -> str:
    """Where something is, as messages give it: file:line."""
    return path if line is None else f"{path}:{line}"
