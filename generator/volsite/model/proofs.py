"""What makes a statement of service or a certificate something its reader can check: the
date the records run to (记录截至), certificate numbers that stay the same from build to build
and name one document each, and a volunteer's service summed up to fit one printed page.

Pure functions of the model: the public pages and the private statements (`volsite
statements`) are made from the same ones, so a stamped proof and the page its QR code leads to
say the same number and the same date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..kinds.awards import Award
from ..messages import say
from ..problems import Problems
from .people import Service
from .records import named, place
from .resolve import Model

ZERO = Decimal(0)

# Crockford's base 32: digits and capitals without I, L, O and U, which are misread for 1, 0
# and V (or make words) when a number is read out over the phone or typed from paper.
_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# A statement's number: H (hours) and 8 of those characters of the volunteer id's digest, 40 bits:
# among a city's 50,000 volunteers two share one with a chance of about one in a thousand, and
# then both are made longer (statement_numbers).
STATEMENT_PREFIX = "H-"
STATEMENT_CODE = 8


def records_as_of(model: Model) -> dt.date | None:
    """记录截至: the latest date among the site's records of service and honours. The same on
    every statement and certificate of a build, so each says how far the organisation's
    records run, not when one volunteer last served: a statement of someone who stopped in
    2023, printed from records kept up to 2026, says 2026 (and that nothing came after 2023)."""
    services = [*model.services, *getattr(model, "training", ())]  # (trainings, where the model keeps them apart)
    dates = [service.date for service in services]
    ends = (model.activities[s.activity].end for s in services if s.activity in model.activities)
    dates += [end for end in ends if end is not None]
    dates += [award.date for award in model.awards.values() if award.date is not None and not award.candidate]
    return max(dates, default=None)


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def _base32(data: bytes, length: int) -> str:
    number = int.from_bytes(data, "big")
    bits = len(data) * 8
    return "".join(_BASE32[(number >> (bits - 5 * (i + 1))) & 31] for i in range(length))


def statement_numbers(volunteer_ids: Iterable[str]) -> dict[str, str]:
    """Each volunteer's statement number (H-7K3MQ2ZD): from the id alone, so it stays the same
    from build to build and on the public statement and the private proof alike. Two ids whose
    numbers would be the same both get longer ones (four characters more until they differ),
    so every number names one volunteer."""
    ids = sorted(set(volunteer_ids))
    digests = {vid: _digest("volunteer/" + vid) for vid in ids}
    numbers: dict[str, str] = {}
    length = STATEMENT_CODE
    pending = ids
    while pending:
        codes = {vid: _base32(digests[vid], length) for vid in pending}
        count: dict[str, int] = defaultdict(int)
        for code in codes.values():
            count[code] += 1
        numbers.update({vid: STATEMENT_PREFIX + code for vid, code in codes.items() if count[code] == 1})
        pending = [vid for vid, code in codes.items() if count[code] > 1]
        length += 4
    return numbers


def derived_award_number(award_id: str, year: int, length: int = 6) -> str:
    """A certificate number for an award whose staff gave none: its year and a code of its id
    (2025-3FA2C1), as certificates have carried since the first ones were printed."""
    return f"{year}-{hashlib.sha256(award_id.encode()).hexdigest()[:length].upper()}"


def award_numbers(awards: Mapping[str, Award]) -> dict[str, str]:
    """Each award's certificate number: the one staff gave (`number`), else derived from its id
    and year. A derived number that another certificate has too is made longer (four hex digits
    at a time, for each award that shares it), so that a number names one certificate; the ones
    staff gave are theirs (two alike are a problem: number_problems)."""
    numbers = {aid: a.number for aid, a in awards.items() if a.number}
    taken = set(numbers.values())
    pending = sorted(aid for aid in awards if aid not in numbers)
    length = 6
    while pending:
        codes = {aid: derived_award_number(aid, awards[aid].year, length) for aid in pending}
        count: dict[str, int] = defaultdict(int)
        for code in codes.values():
            count[code] += 1
        unique = {aid: code for aid, code in codes.items() if count[code] == 1 and code not in taken}
        numbers.update(unique)
        pending = [aid for aid in pending if aid not in unique]
        length += 4
    return numbers


def number_problems(awards: Mapping[str, Award], problems: Problems) -> None:
    """Two certificates that staff gave the same number: whoever checks one by its number would
    find the other."""
    first: dict[str, Award] = {}
    for award in sorted(awards.values(), key=lambda a: (a.path, a.lines.get("number", a.line), a.id)):
        if not award.number:
            continue
        earlier = first.setdefault(award.number, award)
        if earlier is not award:
            problems.error(
                award.path,
                award.lines.get("number", award.line),
                say(
                    "V360",
                    "the certificate number '{number}' is given to two awards (also to '{other}' at {first}): "
                    "give each certificate a number of its own, or leave 'number' out to have one made",
                    number=award.number,
                    other=earlier.id,
                    first=place(earlier.path, earlier.lines.get("number", earlier.line)),
                ),
                subject=named("award", award.id),
            )


# ------------------------------------------------------------ a service record on one page


@dataclass(frozen=True)
class ServiceRow:
    """A row of a printed statement: one service, or several of one content in one year summed."""

    first: dt.date  # the date of the service, or of the first of those summed
    last: dt.date  # the date of the last of those summed (first, for one service)
    content: str  # the activity's title, else the ledger row's note; empty for a whole year's service
    note: str  # a ledger row's note beside its activity ('' if none, or if several are summed)
    services: int  # how many services the row sums (1 for one)
    hours: Decimal


def service_rows(
    services: Iterable[Service],
    titles: Mapping[str, str],
    fit: int,
    lines: Callable[[ServiceRow], int] = lambda row: 1,
) -> tuple[tuple[ServiceRow, ...], bool]:
    """The rows of a printed statement, oldest first, and whether they are summed: every
    service on its own row when they take at most `fit` lines (`lines` tells how many a row
    takes: a long title may take two); else one row for each content of each year (the
    activity's title, else the ledger row's note); and when those take more than `fit` too,
    one row for each year."""
    ordered = sorted(services, key=lambda s: (s.date, s.activity or "", s.line))
    each = [_row([s], _content(s, titles), (s.note or "") if s.activity else "") for s in ordered]
    if sum(map(lines, each)) <= fit:
        return tuple(each), False
    by_content: dict[tuple[int, str], list[Service]] = defaultdict(list)
    for s in ordered:
        by_content[(s.date.year, _content(s, titles))].append(s)
    rows = [_row(group, content, "") for (year, content), group in by_content.items()]
    if sum(map(lines, rows)) > fit:
        by_year: dict[int, list[Service]] = defaultdict(list)
        for s in ordered:
            by_year[s.date.year].append(s)
        # (a year of one service keeps what it was)
        rows = [_row(group, _content(group[0], titles) if len(group) == 1 else "", "") for group in by_year.values()]
    return tuple(sorted(rows, key=lambda row: (row.first, row.content))), True


def _content(service: Service, titles: Mapping[str, str]) -> str:
    if service.activity and service.activity in titles:
        return titles[service.activity]
    return service.note or ""


def _row(group: list[Service], content: str, note: str) -> ServiceRow:
    return ServiceRow(group[0].date, group[-1].date, content, note, len(group), sum((s.hours for s in group), ZERO))
