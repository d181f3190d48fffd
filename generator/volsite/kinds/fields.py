"""Reading typed fields out of a raw record, collecting what is wrong.

Shared by every kind; imports no kind. Each reader returns a clean value or
None, and records a problem naming the file and the line of the field.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Protocol

from ..messages import Message, say, words
from ..problems import NOTHING, Problems, did_you_mean
from ..read.files import Raw
from ..read.text import shown  # noqa: F401 - shown is used by every kind

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_DATE_PATTERN = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\Z")
_LIST_SEPARATORS = re.compile(r"[;；、,，]")
_TRUE = {"true", "yes", "y", "1", "是", "对", "t"}
_FALSE = {"false", "no", "n", "0", "否", "不", "f"}

# Ids and slugs become folder names in output/ (at most 255 bytes on every
# common file system) and parts of web addresses people type or share.
MAX_ID_LENGTH = 100
# Dates outside these years are typos (0224-03-05, 20224-03-05), and date
# arithmetic near year 1 or 9999 overflows.
FIRST_DATE, LAST_DATE = dt.date(1800, 1, 1), dt.date(2999, 12, 31)
# Numbers in records are hours, points and counts of people. Bounding them keeps
# sums exact, and keeps Decimal from overflowing (1e999999999 is a valid
# number) or Python from building an int of a million digits.
NUMBER_DIGITS = (-12, 15)  # 0.000000000001 <= |x| < 10**15, or 0
HOURS_LIMIT = Decimal(24)  # hours in one record: a day


class KindConfig(Protocol):
    """What a kind's parse may read of site.yaml: the part of config.SiteConfig it needs
    (config sits above the kinds, which do not import it)."""

    @property
    def publish_fields(self) -> tuple[str, ...]: ...


def parse_date(value: Any) -> dt.date | None:
    """A date from YAML (already a date) or text (2024-03-05, 2024/3/5, 2024.3.5)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return _date_of_text(value)
    return None


# Memoised, as is _decimal_of_text: a ledger's million rows hold a few thousand
# distinct dates and a few dozen distinct hours; the values are immutable, so rows
# share them (a third of a row's memory, and of its parsing time).
@lru_cache(maxsize=65536)
def _date_of_text(text: str) -> dt.date | None:
    match = _DATE_PATTERN.match(text.strip())
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            return None
    return None


@lru_cache(maxsize=65536)
def plain_ident(text: str) -> str | None:
    """text as a valid id (stripped, and interned: a city's ledger names each of 50,000
    volunteers in some twenty rows, one string each), or None: Fields.ident says why."""
    value = text.strip()
    if not value or not ID_PATTERN.match(value) or len(value) > MAX_ID_LENGTH:
        return None
    return sys.intern(value)


def in_dates(date: dt.date) -> bool:
    return FIRST_DATE <= date <= LAST_DATE


def parse_decimal(value: Any) -> Decimal | None:
    """A number from YAML, CSV or Excel, or None when it is none or out of range (NUMBER_DIGITS)."""
    number = _decimal(value)
    return number if number is not None and _in_range(number) else None


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, str):
        return _decimal_of_text(value)
    if isinstance(value, float):
        value = repr(value)  # 0.1 stays 0.1, not 0.1000000000000000055...
    elif isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None
    return _decimal_of_text(str(value))


@lru_cache(maxsize=65536)
def _decimal_of_text(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _in_range(number: Decimal) -> bool:
    low, high = NUMBER_DIGITS
    return not number or low <= number.adjusted() < high


# What messages call a record of each kind, in the reader's language ("volunteer 'zhang-wei':
# …" / "志愿者 'zhang-wei'：…"). A kind of record outside this table (a registry kind of a
# site's own) may give its LABEL as a Message; a plain name is shown as it is.
NOUNS: dict[str, Message] = {
    "volunteer": words("volunteer"),
    "team": words("team"),
    "activity": words("activity"),
    "ledger row": words("ledger row"),
    "award": words("award"),
    "story": words("story"),
    "page": words("page"),
    "notice": words("notice"),
}


def noun(kind: str | Message) -> Message:
    """What messages call a record of `kind` ("volunteer"), in the language they are read in."""
    if isinstance(kind, Message):
        return kind
    return NOUNS.get(kind) or Message("", "{noun}", (("noun", kind),))


def subject(kind: str | Message, ident: str | None) -> Message:
    """What a problem is about: "volunteer 'zhang-wei'", or only the kind before its id is known."""
    return words("{kind} '{id}'", kind=noun(kind), id=ident) if ident else noun(kind)


class Fields:
    """Typed access to one raw record's fields."""

    def __init__(self, raw: Raw, kind: str | Message, problems: Problems):
        self.raw = raw
        self.kind = kind
        self.problems = problems
        self.label = noun(kind)  # refined to "volunteer 'zhang-wei'" once the id is known

    # -- reporting

    def error(self, key: str | None, message: Message) -> None:
        line = self.raw.line_of(key) if key else self.raw.line
        self.problems.error(self.raw.path, line, message, subject=self.label)

    def warning(self, key: str | None, message: Message) -> None:
        line = self.raw.line_of(key) if key else self.raw.line
        self.problems.warning(self.raw.path, line, message, subject=self.label)

    def name(self, key: str) -> str:
        """A field's name as the file wrote it (a roster's 时长 for `hours`), as messages quote it."""
        return shown(self.raw.name_of(key))

    def has(self, key: str) -> bool:
        return self.raw.data.get(key) not in (None, "")

    def value(self, key: str) -> Any:
        return self.raw.data.get(key)

    def missing(self, key: str) -> None:
        self.error(None, say("V200", "the required field '{field}' is missing: fill it in", field=self.name(key)))

    # -- typed readers

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.value(key)
        if isinstance(value, str):
            value = value.strip()  # a title of only spaces is no title
        if value in (None, ""):
            if required:
                self.missing(key)
            return None
        if isinstance(value, list):
            self.error(
                key,
                say(
                    "V201",
                    "'{field}' must be text, not a list: write the text on the same line as '{field}:', "
                    "in quotes if it starts with [ or -",
                    field=self.name(key),
                ),
            )
            return None
        if isinstance(value, dict):
            self.error(
                key,
                say(
                    "V202",
                    "'{field}' must be text, not a mapping: write the text on the same line as '{field}:', "
                    "in quotes if it holds a colon and a space",
                    field=self.name(key),
                ),
            )
            return None
        if isinstance(value, (dt.date, bool)):
            return str(value).lower() if isinstance(value, bool) else value.isoformat()
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a spreadsheet cell 1001.0 means 1001
        return str(value).strip()

    def ident(self, key: str = "id", required: bool = True) -> str | None:
        value = self.text(key, required)
        if value is None:
            return None
        ident = plain_ident(value)
        if ident is None and not ID_PATTERN.match(value):
            self.error(
                key,
                say(
                    "V203",
                    "'{field}' must be lower-case letters, digits and '-' (it appears in web addresses), "
                    "not '{value}': write it in pinyin or English, such as zhang-wei or 2024-03-05-clinic",
                    field=self.name(key),
                    value=shown(value),
                ),
            )
        elif ident is None:
            self.error(
                key,
                say(
                    "V204",
                    "'{field}' is {length} characters long; an id may have at most {limit} "
                    "(it appears in web addresses): shorten it",
                    field=self.name(key),
                    length=len(value),
                    limit=MAX_ID_LENGTH,
                ),
            )
        elif key == "id":
            self.label = subject(self.kind, ident)
        return ident

    def date(self, key: str, required: bool = False) -> dt.date | None:
        value = self.value(key)
        if value in (None, ""):
            if required:
                self.missing(key)
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error(
                key,
                say(
                    "V205",
                    "'{field}' must be a date like 2024-03-05, not '{value}': write the year, month and day "
                    "(2024-03-05 or 2024/3/5), and check that the month has that day",
                    field=self.name(key),
                    value=shown(value),
                ),
            )
        elif not in_dates(parsed):
            self.error(
                key,
                say(
                    "V206",
                    "'{field}' must be a date between {first} and {last}, not {value}: check the year for a typo",
                    field=self.name(key),
                    first=FIRST_DATE.year,
                    last=LAST_DATE.year,
                    value=parsed.isoformat(),
                ),
            )
            return None
        return parsed

    def boolean(self, key: str, default: bool | None) -> bool | None:
        value = self.value(key)
        if value in (None, ""):
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        word = str(value).strip().lower() if isinstance(value, (str, int, float)) else ""
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        self.error(
            key,
            say(
                "V207",
                "'{field}' must be true or false, not '{value}': write true or false (yes or no)",
                field=self.name(key),
                value=shown(value),
            ),
        )
        return default

    def number(self, key: str, required: bool = False) -> Decimal | None:
        value = self.value(key)
        if value in (None, ""):
            if required:
                self.missing(key)
            return None
        number = parse_decimal(value)
        if number is None:
            if _decimal(value) is not None:
                self._out_of_range(key, value)
            else:
                self.error(
                    key,
                    say(
                        "V209",
                        "'{field}' must be a number, not '{value}': write digits only, such as 12 or 1.5, "
                        "without units or words",
                        field=self.name(key),
                        value=shown(value),
                    ),
                )
        return number

    def _out_of_range(self, key: str, value: Any) -> None:
        self.error(
            key,
            say(
                "V208",
                "'{field}' is out of range: '{value}' (a number in a record is below {most} and not smaller "
                "than 0.000000000001): check it for a typo",
                field=self.name(key),
                value=shown(value),
                most=format(10 ** NUMBER_DIGITS[1], ","),
            ),
        )

    def hours(self, key: str, required: bool = False, limit: Decimal = HOURS_LIMIT) -> Decimal | None:
        value = self.value(key)
        if value in (None, ""):
            if required:
                self.missing(key)
            return None
        if _decimal(value) is None:
            self.error(
                key,
                say(
                    "V210",
                    "'{field}' must be a number, not '{value}': write the hours one volunteer served, "
                    "a number such as 2 or 1.5",
                    field=self.name(key),
                    value=shown(value),
                ),
            )
            return None
        number = parse_decimal(value)
        if number is None:
            self._out_of_range(key, value)
            return None
        if not Decimal(0) < number <= limit:
            self.error(
                key,
                say(
                    "V211",
                    "'{field}' must be more than 0 and at most {limit}, not {value}: write the hours one "
                    "volunteer served, such as 2 or 1.5",
                    field=self.name(key),
                    limit=limit,
                    value=number,
                ),
            )
            return None
        return number

    def whole(self, key: str) -> int | None:
        number = self.number(key)
        if number is None:
            return None
        if number != number.to_integral_value() or number < 0:
            self.error(
                key,
                say(
                    "V212",
                    "'{field}' must be a whole number of 0 or more, not {value}: write a count such as 120, "
                    "without units",
                    field=self.name(key),
                    value=shown(self.value(key)),
                ),
            )
            return None
        return int(number)

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.value(key)
        if value in (None, ""):
            return ()
        if isinstance(value, str):
            items = [part.strip() for part in _LIST_SEPARATORS.split(value)]
        elif isinstance(value, list):
            items = []
            for item in value:
                if isinstance(item, (dict, list)) or item is None:
                    self.error(
                        key,
                        say(
                            "V213",
                            "'{field}' must be a list of plain values: write them as [a, b], or one a line "
                            "after '- ', each a word or a number",
                            field=self.name(key),
                        ),
                    )
                    return ()
                items.append(str(item).strip())
        else:
            items = [str(value).strip()]
        return tuple(item for item in items if item)

    def id_list(self, key: str) -> tuple[str, ...]:
        ids, wrong = [], []
        for item in self.text_list(key):
            if (ident := plain_ident(item)) is not None:
                ids.append(ident)
            else:
                wrong.append(item)
        if wrong:
            self.error(
                key,
                say(
                    "V214",
                    "'{field}' holds '{value}'{more}, which is not an id: write ids (lower-case letters, "
                    "digits and '-', as in the records they name), separated by ';' or '、'",
                    field=self.name(key),
                    value=shown(wrong[0]),
                    more=more_of(len(wrong) - 1),
                ),
            )
        return tuple(dict.fromkeys(ids))

    def check_known(self, known: Iterable[str]) -> None:
        """Unknown fields are usually typos: warn, with a suggestion."""
        known = set(known)
        for key in self.raw.data:
            if str(key) not in known:
                self.warning(
                    str(key),
                    say(
                        "V215",
                        "unknown field '{field}' is ignored{hint}: correct its name, or delete it",
                        field=shown(self.raw.name_of(str(key))),
                        hint=did_you_mean(str(key)[:100], known),
                    ),
                )


def more_of(count: int) -> Message:
    """ " (and 3 more)" after the first of several wrong values, or nothing."""
    return words(" (and {count} more)", count=format(count, ",")) if count > 0 else NOTHING
