"""Tables read row by row into records: text tables (CSV; tab-separated .tsv and .txt, what Excel
saves as "Unicode text") and spreadsheets (.xlsx, .xls, .ods: read/sheets.py). Header names are
mapped to fields, a title line above the header row is passed over, and each record keeps its
line (the row number in a sheet)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..messages import Message, say
from ..problems import Problems
from .files import SPREADSHEET_SUFFIXES, TABLE_LIMIT, Raw, empty_file, read_text
from .sheets import sheet_rows
from .text import _UNSHOWABLE, clean_text, shown

# Title lines above the header row ("2025年志愿服务台账", "填报单位：……"): rows with a single
# filled cell before the first row with two or more. More than this many is a one-column table.
MAX_TITLE_LINES = 3
# The delimiters a text table may use: comma (CSV), tab (Excel's "Unicode text", .tsv) and
# semicolon (CSV as Excel writes it where a comma is the decimal point).
DELIMITERS = (",", "\t", ";")
# How much of a text table is looked at to tell its delimiter.
_SAMPLE_LINES = 20
_SAMPLE_CHARS = 64_000


def table_records(
    site_root: Path,
    rel: str,
    headers: Mapping[str, str],
    problems: Problems,
    private: Collection[str] = frozenset(),
    dates: Collection[str] = frozenset(),
    yielding: Mapping[str, str] | None = None,
) -> list[Raw]:
    """Rows of a table file as records, header names mapped through `headers`.

    - A column named in `private` may be given twice (an export's 手机号码 beside its 联系电话):
      it is read only to be dropped, so the first value is kept and the repeat is no problem.
    - In a spreadsheet, a number in a column of `dates` is an Excel date serial (45658 is
      2025-01-01); in a text table it stays text (and a date field says it is no date).
    - `yielding` names headers that mean another field when a second column gives theirs: a
      roster's 志愿者编号 is its `id`, but its `number` beside a column 编号 (SPEC section 2).
    """
    errors = len(problems.errors)
    spreadsheet = rel.lower().endswith(SPREADSHEET_SUFFIXES)
    clean = _clean_cell
    rows: Iterator[tuple[int, list[Any]]]
    if spreadsheet:
        rows = sheet_rows(site_root / rel, rel, problems, lambda cell: column_name(cell, headers))
        clean = _sheet_cell
    else:
        text = read_text(site_root, rel, problems, TABLE_LIMIT)
        rows = _text_rows(text, rel, problems) if text is not None else iter(())
        if text is not None and not _UNSHOWABLE.search(text):
            clean = _strip_cell  # every cell is text and none needs cleaning: a city's ledger is 6 million cells
    header = _header_row(rows, clean)
    if header is None:
        if len(problems.errors) == errors:
            problems.warning(rel, None, empty_file())
        return []
    line, cells, titles = header
    columns = _columns(cells, headers, yielding or {})
    names = {name: str(cell).strip() for name, cell in zip(columns, cells) if name and str(cell).strip() != name}
    if not _check_columns(columns, cells, headers, private, rel, line, problems):
        return []
    serials = [number for number, name in enumerate(columns) if name in dates] if spreadsheet else []
    records: list[Raw] = []
    width = len(columns)
    unique = len(set(columns)) == width
    for line, cells in _chained(titles, rows) if titles else rows:
        if serials:
            _dates_of_serials(cells, serials)
        cells = [clean(c) for c in cells]
        if cells.count(None) == len(cells):
            continue  # blank lines are skipped
        if len(cells) > width and any(c is not None for c in cells[width:]):
            problems.error(rel, line, _too_many_cells(len(cells), width))
        if unique:
            data = {name: value for name, value in zip(columns, cells) if name and value is not None}
        else:  # a private field under two names: its first value
            data = {}
            for name, value in zip(columns, cells):
                if name and value is not None:
                    data.setdefault(name, value)
        records.append(Raw(rel, line, data, {}, names))
    return records


def _header_row(
    rows: Iterator[tuple[int, list[Any]]], clean
) -> tuple[int, list[Any], list[tuple[int, list[Any]]]] | None:
    """(its line, its cells, rows before it that are data after all) of the header row: the first
    row with two or more filled cells, after at most MAX_TITLE_LINES rows of one (title lines);
    else the first row (a table of one column). None for a table with no row."""
    held: list[tuple[int, list[Any]]] = []  # as read: the rows after the header are cleaned later
    for line, cells in rows:
        cleaned = [clean(c) for c in cells]
        filled = len(cleaned) - cleaned.count(None)
        if not filled:
            continue
        if filled == 1 and len(held) < MAX_TITLE_LINES:
            held.append((line, cells))
            continue
        if filled == 1:  # one column all along: the first row was its header
            held.append((line, cells))
            break
        return line, cleaned, []
    if not held:
        return None
    first_line, first_cells = held[0]
    return first_line, [clean(c) for c in first_cells], held[1:]


def _chained(first: list[tuple[int, list[Any]]], rest: Iterator[tuple[int, list[Any]]]):
    yield from first
    yield from rest


def column_name(cell: Any, headers: Mapping[str, str]) -> str:
    name = "" if cell is None else str(cell).strip()
    return headers.get(name, headers.get(name.lower(), name.lower()))


def _columns(cells: list[Any], headers: Mapping[str, str], yielding: Mapping[str, str]) -> list[str]:
    columns = [column_name(c, headers) for c in cells]
    if not yielding:
        return columns
    written = ["" if c is None else str(c).strip() for c in cells]
    yields = [yielding.get(w, yielding.get(w.lower())) for w in written]
    return [
        second
        if second is not None
        and any(other == name and yields[at] is None for at, other in enumerate(columns) if at != number)
        else name
        for number, (name, second) in enumerate(zip(columns, yields))
    ]


def _check_columns(
    columns: list[str],
    cells: list[Any],
    headers: Mapping[str, str],
    private: Collection[str],
    rel: str,
    line: int,
    problems: Problems,
) -> bool:
    """Whether the header row names a column of the kind's (else no row is read); a column
    given twice is a problem."""
    known = set(headers.values())
    if not any(name in known for name in columns):
        problems.error(rel, line, _no_known_column(headers))
        return False
    given: dict[str, list[str]] = {}
    for name, cell in zip(columns, cells):
        if name:
            given.setdefault(name, []).append(str(cell).strip())
    for name, written in given.items():
        if len(written) > 1 and name not in private:
            problems.error(rel, line, _given_twice(name, written))
    return True


def _no_known_column(headers: Mapping[str, str]) -> Message:
    examples: dict[str, str] = {}
    for header, name in headers.items():
        if not header.isascii():
            examples.setdefault(name, header)
    return say(
        "V161",
        "the header row names none of the columns volsite reads here (such as {examples}): the first "
        "row with two or more filled cells must name the columns. If this file holds no records, move "
        "it out of this folder (under content/media/ to publish it), or list it under ignore in site.yaml",
        examples=tuple(list(examples.values())[:5]),
    )


def _given_twice(name: str, written: list[str]) -> Message:
    if len(set(written)) == 1:
        return say(
            "V162",
            "the column '{column}' is given twice: delete one of them, or rename one if they hold different things",
            column=shown(written[0]),
        )
    return say(
        "V163",
        "the columns {columns} all mean '{field}', which a record has once: keep one of them, or rename the others",
        columns=tuple(f"'{shown(w)}'" for w in written),
        field=name,
    )


def _too_many_cells(cells: int, columns: int) -> Message:
    return say(
        "V164",
        "this row has {cells} cells but the header has {columns}: remove the extra cells, "
        "or add a column name for them in the header row",
        cells=cells,
        columns=columns,
    )


def _strip_cell(value: str) -> str | None:
    return value.strip() or None


def _clean_cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return clean_text(value) if value else None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    return value


def _sheet_cell(value: Any) -> Any:
    """A spreadsheet's cell as the text a CSV file would hold, where there is one: a number as
    Excel shows it (1001, 3.5; 15 significant digits, so a formula's 0.30000000000000004 is
    0.3), a date as 2024-03-05. Records are then read as a CSV file's are (a ledger row by the
    quick reader, kinds/ledger.plain_row). True and false, a time of day and a date with one
    stay as they are; an empty cell is None."""
    kind = type(value)
    if kind is str:
        value = value.strip()
        # (isprintable: at C speed, and false for every character clean_text takes out)
        return (value if value.isprintable() else clean_text(value)) if value else None
    if kind is float:
        return str(int(value)) if value.is_integer() and -1e15 < value < 1e15 else f"{value:.15g}"
    if kind is int:
        return str(value)
    if kind is dt.date:
        return value.isoformat()
    if kind is dt.datetime and value.time() == _MIDNIGHT:
        return value.date().isoformat()
    return value


_MIDNIGHT = dt.time()


# ------------------------------------------------------------------ Excel date serials

_DAY = dt.timedelta(days=1)
# Excel counts days from 1900-01-01 (serial 1), and counts a 29 February 1900 that never was
# (serial 60, Lotus 1-2-3's mistake, kept): from serial 61 on, a date is a day earlier than the
# count says. The last date Excel has is 9999-12-31, serial 2,958,465.
_EXCEL_DAY_ZERO = dt.date(1899, 12, 31)
_EXCEL_LAST_SERIAL = 2_958_465


def excel_serial_date(value: Any) -> dt.date | None:
    """The date of an Excel date serial (45658 → 2025-01-01; its fraction is a time of day),
    or None for what is not one."""
    if type(value) not in (int, float) or not 1 <= value < _EXCEL_LAST_SERIAL + 1:  # (bool is no number here)
        return None
    days = int(value)
    if days == 60:
        return None  # 1900-02-29
    return _EXCEL_DAY_ZERO + (days - (1 if days > 60 else 0)) * _DAY


def _dates_of_serials(cells: list[Any], columns: list[int]) -> None:
    for number in columns:
        if number < len(cells):
            date = excel_serial_date(cells[number])
            if date is not None:
                cells[number] = date


# ------------------------------------------------------------------ text tables


def _text_rows(text: str, rel: str, problems: Problems) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter_of(text), strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.error(rel, start, _does_not_parse(exc))
            return
        yield start, row
        start = reader.line_num + 1


def delimiter_of(text: str) -> str:
    """The delimiter of a text table: of comma, tab and semicolon, the one that splits more of
    its first lines into two cells or more (a title line has none, a note may hold another),
    then the one its header row has more of; a comma when none does (one column)."""
    lines = [line for line in text[:_SAMPLE_CHARS].split("\n")[:_SAMPLE_LINES] if line.strip()]
    if not lines:
        return ","
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            continue
        split = [row for row in rows if sum(1 for cell in row if cell.strip()) >= 2]
        score = (len(split), len(split[0]) if split else 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _does_not_parse(exc: csv.Error) -> Message:
    return say(
        "V165",
        'CSV does not parse from this line on ({reason}): a cell that starts with a quote mark (") '
        "must end with one; put the whole cell in quotes and double any quote mark inside it "
        '(""), or remove the stray quote mark',
        reason=shown(exc, 80),
    )
