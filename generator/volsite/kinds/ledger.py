"""Service-hour ledgers (content/ledger/, 台账): one row, one volunteer's service on one day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, TypeVar

from ..messages import say
from ..problems import Problems
from ..read.files import Raw
from .fields import HOURS_LIMIT, Fields, KindConfig, in_dates, parse_date, parse_decimal, plain_ident

FOLDER = "content/ledger"
LABEL = "ledger row"
KNOWN = ("date", "volunteer", "hours", "activity", "points", "note", "name")

TABLE_HEADERS = {
    "日期": "date",
    "服务日期": "date",
    "志愿者编号": "volunteer",
    "编号": "volunteer",
    "志愿者": "volunteer",
    "姓名": "name",
    "时长": "hours",
    "服务时长": "hours",
    "小时": "hours",
    "活动编号": "activity",
    "活动": "activity",
    "积分": "points",
    "备注": "note",
    "服务内容": "note",
}
# Beside a column 志愿者编号, 编号 is the row's own number (序号), and 志愿者 the volunteer's name.
TABLE_YIELDING = {"编号": "number", "志愿者": "name"}
# A spreadsheet's numbers in this column are Excel date serials.
TABLE_DATES = ("date",)


# A city has a million rows: slots, and one shared empty map of field lines (a CSV
# row is on one line), keep each row under 200 bytes.
@dataclass(frozen=True, slots=True)
class LedgerRow:
    date: dt.date
    volunteer: str
    hours: Decimal
    activity: str | None
    points: Decimal | None
    note: str | None
    path: str
    line: int
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __reduce__(self) -> tuple[type[LedgerRow], tuple[Any, ...]]:
        # Rows parsed in another process come back pickled (load.parse_all): the fields
        # as arguments cost half of the default, a dictionary of slots for each row.
        return LedgerRow, (
            self.date,
            self.volunteer,
            self.hours,
            self.activity,
            self.points,
            self.note,
            self.path,
            self.line,
            self.lines,
        )


class _NoLines(Mapping[str, int]):
    """The empty, read-only map of field lines that every one-line row shares. Pickled as
    a reference to NO_LINES, so rows parsed in another process (load.parse_all) share
    this one too."""

    def __getitem__(self, key: str) -> int:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __reduce__(self) -> str:
        return "NO_LINES"


NO_LINES: Mapping[str, int] = _NoLines()


def parse(raw: Raw, problems: Problems, config: KindConfig | None = None) -> LedgerRow | None:
    return plain_row(raw) or checked_row(raw, problems)


def plain_row(raw: Raw) -> LedgerRow | None:
    """The usual row (cells of text, every one valid) read without Fields' reporting,
    which costs more than the reading: a city has a million rows. None for anything
    else, which checked_row then reads, and explains if it is wrong."""
    data = raw.data
    date_text, volunteer_text, hours_text = data.get("date"), data.get("volunteer"), data.get("hours")
    if type(date_text) is not str or type(volunteer_text) is not str or type(hours_text) is not str:
        return None
    date, volunteer, hours = parse_date(date_text), plain_ident(volunteer_text), parse_decimal(hours_text)
    if date is None or not in_dates(date) or volunteer is None or hours is None or not 0 < hours <= HOURS_LIMIT:
        return None
    activity = _plain_optional(data.get("activity"), plain_ident)
    points = _plain_optional(data.get("points"), parse_decimal)
    note = _plain_optional(data.get("note"), _stripped)
    if activity is False or points is False or note is False or (points is not None and points < 0):
        return None
    return LedgerRow(
        date, volunteer, hours, activity, points, note, raw.path, raw.line, dict(raw.lines) if raw.lines else NO_LINES
    )


T = TypeVar("T")


def _plain_optional(value: object, read: Callable[[str], T | None]) -> T | Literal[False] | None:
    """None for an empty cell, the value read from text, or False (read it the checked way)."""
    if value is None or value == "":
        return None
    if type(value) is not str:
        return False
    read_value = read(value)
    return False if read_value is None else read_value


def _stripped(text: str) -> str | None:
    return text.strip() or None


def checked_row(raw: Raw, problems: Problems) -> LedgerRow | None:
    f = Fields(raw, "ledger row", problems)
    date = f.date("date", required=True)
    volunteer = f.ident("volunteer", required=True)
    hours = f.hours("hours", required=True)
    activity = f.ident("activity", required=False)
    points = f.number("points")
    if points is not None and points < 0:
        f.error(
            "points",
            say(
                "V230",
                "'{field}' must not be negative, not {value}: write 0 or more, or leave it empty for the site's "
                "points per record",
                field=f.name("points"),
                value=points,
            ),
        )
        points = None
    if not volunteer:
        return None
    return LedgerRow(
        date or dt.date.min,
        volunteer,
        hours or Decimal(0),
        activity,
        points,
        f.text("note"),
        raw.path,
        raw.line,
        dict(raw.lines) if raw.lines else NO_LINES,
    )
