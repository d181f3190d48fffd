"""CSV and Excel (.xlsx) files read row by row into records: header names mapped to fields, each
record with its line (the row number in a sheet)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import stat
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..problems import Problems
from .files import (
    MAX_TABLE_COLUMNS,
    MAX_XLSX_UNPACKED_BYTES,
    NOT_REGULAR,
    TABLE_LIMIT,
    Raw,
    _size,
    read_text,
)
from .text import _UNSHOWABLE, clean_text, shown


def table_records(
    site_root: Path,
    rel: str,
    headers: Mapping[str, str],
    problems: Problems,
    private: frozenset[str] = frozenset(),
) -> list[Raw]:
    """Rows of a CSV or XLSX file as records; header names mapped through `headers`. A column
    named in `private` may be given twice (an export's 手机号码 beside its 联系电话): it is read
    only to be dropped, so the first value is kept and the repeat is no problem."""
    errors = len(problems.errors)
    clean = _clean_cell
    if rel.lower().endswith(".xlsx"):
        rows = _xlsx_rows(site_root / rel, rel, problems, headers)
    else:
        text = read_text(site_root, rel, problems, TABLE_LIMIT)
        rows = _csv_rows(text, rel, problems) if text is not None else iter(())
        if text is not None and not _UNSHOWABLE.search(text):
            clean = _strip_cell  # every cell is text and none needs cleaning: a city's ledger is 6 million cells
    records: list[Raw] = []
    columns: list[str] | None = None
    names: dict[str, str] = {}
    for line, cells in rows:
        cells = [clean(c) for c in cells]
        if cells.count(None) == len(cells):
            continue  # blank lines are skipped
        if columns is None:
            columns = [_column_name(c, headers) for c in cells]
            names = {
                name: str(cell).strip() for name, cell in zip(columns, cells) if name and str(cell).strip() != name
            }
            seen: set[str] = set()
            for name in columns:
                if name and name in seen and name not in private:
                    problems.error(rel, line, f"the column '{shown(name)}' is given twice")
                seen.add(name)
            continue
        if len(cells) > len(columns) and any(c is not None for c in cells[len(columns) :]):
            problems.error(rel, line, f"this row has {len(cells)} cells but the header has {len(columns)}")
        if len(set(columns)) == len(columns):
            data = {name: value for name, value in zip(columns, cells) if name and value is not None}
        else:  # a private field under two names: its first value
            data = {}
            for name, value in zip(columns, cells):
                if name and value is not None:
                    data.setdefault(name, value)
        records.append(Raw(rel, line, data, {}, names))
    if columns is None and len(problems.errors) == errors:
        problems.warning(rel, None, "holds no records (it is empty)")
    return records


def _column_name(cell: Any, headers: Mapping[str, str]) -> str:
    name = "" if cell is None else str(cell).strip()
    return headers.get(name, headers.get(name.lower(), name.lower()))


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


def _csv_rows(text: str, rel: str, problems: Problems) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text), strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.error(rel, start, f"CSV does not parse: {exc} (a stray quote mark?)")
            return
        yield start, row
        start = reader.line_num + 1


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx


def _xlsx_problem(path: Path) -> str | None:
    """Why a file cannot be an .xlsx worth opening, before openpyxl sees it."""
    try:
        with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                return NOT_REGULAR
            size = info.st_size
            head = handle.read(8)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if size > TABLE_LIMIT.bytes:
        return (
            f"is {_size(size)}, more than the {_size(TABLE_LIMIT.bytes)} {TABLE_LIMIT.what} "
            f"may hold: {TABLE_LIMIT.advice}"
        )
    if head == _OLE_MAGIC:
        return (
            "is an old Excel 97-2003 workbook (or a workbook with a password): "
            "save it from Excel as 'Excel Workbook (.xlsx)' without a password"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception:  # noqa: BLE001 - zipfile raises many kinds for a broken archive
        return "is not an Excel workbook (an .xlsx file is a zip archive; this is not one): save it again from Excel"
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        return (
            f"unpacks to {_size(unpacked)}, more than the {_size(MAX_XLSX_UNPACKED_BYTES)} volsite reads "
            "from one workbook: split it into several files, one per year for example"
        )
    return None


def _header_rows(sheet, headers: Mapping[str, str]) -> list[set[str]]:
    """The column names each of a sheet's first two rows with values would give as its header
    row (the first may be a title line), read no further."""
    sheet.reset_dimensions()
    rows = []
    for row in sheet.iter_rows(max_col=MAX_TABLE_COLUMNS, values_only=True):
        if row.count(None) != len(row):
            rows.append({_column_name(cell, headers) for cell in row if isinstance(cell, str) and cell.strip()})
            if len(rows) == 2:
                break
    return rows


def _xlsx_rows(path: Path, rel: str, problems: Problems, headers: Mapping[str, str]) -> Iterator[tuple[int, list[Any]]]:
    problem = _xlsx_problem(path)
    if problem:
        problems.error(rel, None, problem)
        return
    try:
        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no default style" and the like: not the staff's concern
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook
        problems.error(
            rel,
            None,
            f"is not a readable Excel workbook ({exc.__class__.__name__}: {shown(exc, 80)}): save it again from Excel",
        )
        return
    number = 0
    try:
        if not book.worksheets:
            problems.error(rel, None, "has no worksheet (volsite reads the first sheet)")
            return
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the size a sheet claims is not to be trusted; read its rows
        # Rows come padded to max_col; keep the header's width (cheap slices, no loop per cell).
        width = None
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_TABLE_COLUMNS + 1, values_only=True), 1):
            if row.count(None) == len(row):
                yield number, []
                continue
            if len(row) > MAX_TABLE_COLUMNS and row[MAX_TABLE_COLUMNS] is not None:
                problems.error(
                    rel,
                    number,
                    f"this row has more than {MAX_TABLE_COLUMNS} columns, "
                    "more than volsite reads: keep the records in the first columns",
                )
                return
            row = row[:MAX_TABLE_COLUMNS]
            if width is not None and row[width:].count(None) == len(row) - width:
                yield number, list(row[:width])
                continue
            end = len(row)
            while row[end - 1] is None:
                end -= 1
            width = end if width is None else width
            yield number, list(row[:end])
        if width is None and len(book.worksheets) > 1:
            problems.error(
                rel,
                None,
                f"the first sheet ('{shown(sheet.title)}') is empty, and volsite reads only "
                "the first sheet: move the records to it, or the sheet to the front",
            )
        elif len(book.worksheets) > 1:
            # A year's ledger kept on a second sheet would vanish from every total: a sheet whose
            # header row names two of the first sheet's columns is said to be unread. Sheets of
            # instructions (填表说明) or of what each column means name one at most in a row.
            columns = set().union(*_header_rows(book.worksheets[0], headers))
            unread = [
                other.title
                for other in book.worksheets[1:]
                if any(len(row & columns) >= min(2, len(columns)) for row in _header_rows(other, headers))
            ]
            if unread:
                names = ", ".join(f"'{shown(title)}'" for title in unread[:5]) + (", …" if len(unread) > 5 else "")
                problems.warning(
                    rel,
                    None,
                    f"has {'a sheet' if len(unread) == 1 else f'{len(unread)} sheets'} "
                    f"besides the first that volsite does not read ({names}): "
                    "move the records to the first sheet, or each sheet into a file of its own",
                )
    except Exception as exc:  # noqa: BLE001 - a broken sheet fails as it is read
        problems.error(
            rel,
            number + 1,
            f"the sheet cannot be read from this row on "
            f"({exc.__class__.__name__}: {shown(exc, 80)}): save it again from Excel",
        )
    finally:
        book.close()
