"""Spreadsheets (.xlsx, .xls, .ods) read row by row: python-calamine reads all three (bench/README.md
weighs it against openpyxl and xlrd), after the checks here have counted, in the file, how many
cells it would lay out.

python-calamine lays each sheet out whole in memory (rows × columns between its first and last
filled cells) and aborts the whole process when it cannot: a cell typed at XFD1048576 asks for
17 billion cells, a .xls cell record may say column 65535, and an .ods may repeat one cell a
million times down and across from a file of 1.5 KB. So before a workbook is handed to it:
- an .xlsx's sheets are searched for the positions of their cells (r="XFD1048576"), and
- an .ods's rows and cells are counted with their repeats, both as calamine counts them;
- an .xls's cell records (BIFF) are read for their row and column.
A workbook whose cells would span more than MAX_SHEET_CELLS is refused, with the row and column
its cells reach; but an .xlsx is read row by row with openpyxl instead (it never lays a sheet
out: a stray far cell of an .xlsx has always loaded). A file whose bytes are another format
than its name says is read as what it is (a .xls renamed .xlsx), and one that is none of the
three is refused before calamine sees it.
"""

from __future__ import annotations

import io
import os
import re
import stat
import struct
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..messages import Message, say
from ..problems import Problems
from .files import (
    MAX_SHEET_CELLS,
    MAX_TABLE_COLUMNS,
    MAX_XLSX_UNPACKED_BYTES,
    TABLE_LIMIT,
    _size,
    cannot_read,
    not_regular,
    read_within,
    too_big,
)
from .text import shown

# (row number, cells as the library gives them: "" or None for an empty one, text, int or float,
# date, datetime, time, bool; read/tables.py makes them what a record holds); a blank row gives
# no cells.
Rows = Iterator[tuple[int, list[Any]]]
# The field a header cell names (read/tables.column_name with the kind's headers): another
# sheet whose header row names two of the first sheet's is said to be unread.
ColumnName = Callable[[Any], str]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and a workbook with a password
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


class _Refused(Exception):
    """What makes a workbook one volsite does not read, as a message."""

    def __init__(self, said: Message):
        super().__init__(said.text)
        self.said = said


class _TooWide(Exception):
    """A sheet whose cells span more than MAX_SHEET_CELLS: its last row and column."""

    def __init__(self, rows: int, columns: int):
        super().__init__(rows, columns)
        self.rows, self.columns = rows, columns


def sheet_rows(path: Path, rel: str, problems: Problems, column: ColumnName) -> Rows:
    """The first sheet's rows, numbered as the spreadsheet numbers them. A second sheet that
    looks like records too is named in a warning; an empty first sheet beside others is a
    problem. Every problem is told to `problems`; none is raised."""
    data = _read(path, rel, problems)
    if data is None:
        return
    try:
        kind = _check(data)
    except _Refused as refused:
        problems.error(rel, None, refused.said)
        return
    except _TooWide as wide:
        if not _looks_like(data, "xlsx"):
            problems.error(rel, None, _too_wide(wide))
            return
        yield from _openpyxl_rows(data, rel, problems, column)
        return
    except Exception as exc:  # noqa: BLE001 - a broken archive or container fails in many ways
        problems.error(rel, None, _unreadable(kind=_kind_named(data), exc=exc))
        return
    yield from _calamine_rows(data, kind, rel, problems, column)


def _read(path: Path, rel: str, problems: Problems) -> bytes | None:
    try:
        with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                problems.error(rel, None, not_regular())
                return None
            if info.st_size > TABLE_LIMIT.bytes:
                problems.error(rel, None, too_big(info.st_size, TABLE_LIMIT))
                return None
            data = read_within(handle, info.st_size, TABLE_LIMIT.bytes)
    except OSError as exc:
        problems.error(rel, None, cannot_read(exc))
        return None
    if len(data) > TABLE_LIMIT.bytes:
        problems.error(rel, None, too_big(len(data), TABLE_LIMIT))
        return None
    return data


def _kind_named(data: bytes) -> str:
    if data.startswith(_OLE_MAGIC):
        return "xls"
    if data.startswith(_ZIP_MAGIC):
        return "ods" if _looks_like(data, "ods") else "xlsx"
    return ""


def _looks_like(data: bytes, kind: str) -> bool:
    if not data.startswith(_ZIP_MAGIC):
        return kind == "xls" and data.startswith(_OLE_MAGIC)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except Exception:  # noqa: BLE001
        return False
    if kind == "ods":
        return "content.xml" in names and "xl/workbook.xml" not in names
    return kind == "xlsx" and "xl/workbook.xml" in names


# ------------------------------------------------------------------ what a workbook is, before it is read


def _check(data: bytes) -> str:
    """The format of a workbook calamine may read ("xlsx", "xls" or "ods"); raises _Refused for
    one volsite does not read, _TooWide for one whose cells span too much."""
    if data.startswith(_OLE_MAGIC):
        _check_xls(data)
        return "xls"
    if not data.startswith(_ZIP_MAGIC):
        if data[:5].lower().startswith((b"<?xml", b"<html", b"<!doc", b"<tabl")) or b"<html" in data[:512].lower():
            raise _Refused(
                say(
                    "V140",
                    "is not a spreadsheet but a web page or XML file saved under a spreadsheet's name (some "
                    "platforms export those): open it in Excel or WPS and save it as an Excel workbook (.xlsx)",
                )
            )
        raise _Refused(
            say(
                "V141",
                "is not an Excel workbook or other spreadsheet (an .xlsx or .ods file is a zip archive and "
                "an .xls file an OLE document; this is neither): open it in Excel or WPS and save it again "
                "as a workbook, or if it is a CSV file, give it the name .csv",
            )
        )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        unpacked = sum(info.file_size for info in infos)
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise _Refused(
                say(
                    "V142",
                    "unpacks to {size}, more than the {limit} volsite reads from one workbook: "
                    "split it into several files, one per year for example",
                    size=_size(unpacked),
                    limit=_size(MAX_XLSX_UNPACKED_BYTES),
                )
            )
        names = {info.filename for info in infos}
        if "xl/workbook.bin" in names:  # (calamine reads .xlsb too, without these checks)
            raise _Refused(
                say(
                    "V143",
                    "is an Excel binary workbook (.xlsb), which volsite does not read: save it from Excel "
                    "as an Excel workbook (.xlsx)",
                )
            )
        # calamine tries a zip as .xlsx, then as .ods: whatever it may read is checked.
        if "content.xml" in names:
            _check_ods(archive.read("content.xml"))
        if "xl/workbook.xml" in names:
            _check_xlsx(archive, infos)
            return "xlsx"
        if "content.xml" in names and "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIME:
            return "ods"
    raise _Refused(
        say(
            "V144",
            "is not a readable workbook: it is a zip archive, but neither an .xlsx nor an .ods file; open "
            "it in Excel or WPS and save it again as a workbook",
        )
    )


# An .xlsx cell that holds something (a tag that is not empty), with the position calamine
# reads from its r attribute; and every such cell, to see that each has one. Cells without
# a position follow the one before them: those are counted row by row (_xlsx_by_rows).
_XLSX_PLACED = re.compile(rb"""<(?:[A-Za-z_][\w.\-]*:)?c\s(?:[^>]*?\s)?r\s*=\s*["']([A-Za-z]*)(\d*)["'][^>]*(?<!/)>""")
_XLSX_CELL = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c(?:\s[^>]*)?(?<!/)>")
_XLSX_TWICE = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c(?:\s[^>]*)?\sr\s*=[^>]*\sr\s*=")
_XLSX_QUOTED_END = re.compile(rb"""<(?:[A-Za-z_][\w.\-]*:)?c\s[^>]*?=\s*(?:"[^">]*>|'[^'>]*>)""")
_XLSX_ROW_END = re.compile(rb"</(?:[A-Za-z_][\w.\-]*:)?row\s*>|<(?:[A-Za-z_][\w.\-]*:)?row\b[^>]*/>")
_XLSX_ROW_START = re.compile(rb"""<(?:[A-Za-z_][\w.\-]*:)?row\b(?:[^>]*?\s)?(?:r\s*=\s*["'](\d*)["'])?[^>]*>""")
_XLSX_ANY_CELL = re.compile(
    rb"""<(?:[A-Za-z_][\w.\-]*:)?c(?:\s(?:[^>]*?\s)?r\s*=\s*["']([A-Za-z]*)(\d*)["'])?[^>]*?(/?)>"""
)


def _check_xlsx(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Raises _TooWide if any sheet's filled cells would span more than MAX_SHEET_CELLS. Every
    part is searched (calamine finds a sheet's part by the workbook's links, whatever its name)."""
    for info in infos:
        if info.file_size == 0 or info.is_dir():
            continue
        xml = archive.read(info)
        if b"sheetData" not in xml:
            continue
        rows, columns = _xlsx_reach(xml)
        if rows * columns > MAX_SHEET_CELLS:
            raise _TooWide(rows, columns)


# A sheet as Excel, WPS, LibreOffice and openpyxl write it: every cell's tag starts <c r="B12",
# no tag has a namespace prefix, no tag gives r twice (calamine takes the last).
_PLAIN_CELL = re.compile(rb"<c[\s>/]")
_PLAIN_PLACED = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_PLAIN_ROW = re.compile(rb"<row[\s>/]")
_ANY_R = re.compile(rb"\sr\s*=")
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.\-]*:(?:c|row)[\s>/]")


def _xlsx_reach(xml: bytes) -> tuple[int, int]:
    """The last row and column a sheet's cells reach, as calamine places them (or more)."""
    if not _PREFIXED.search(xml):
        cells = len(_PLAIN_CELL.findall(xml))
        placed = _PLAIN_PLACED.findall(xml)
        if len(placed) == cells and len(_ANY_R.findall(xml)) <= cells + len(_PLAIN_ROW.findall(xml)):
            if not placed:
                return 0, 0
            letters, digits = zip(*placed)
            return max(map(int, digits)), max(map(_column_number, set(letters)))
    if _XLSX_TWICE.search(xml) or _XLSX_QUOTED_END.search(xml):
        # A cell that gives its position twice, or a '>' inside a value of a cell's tag, where
        # the search below would lose its place: read it the careful way.
        raise _TooWide(0, 0)
    placed = _XLSX_PLACED.findall(xml)
    if len(placed) == len(_XLSX_CELL.findall(xml)):
        rows = max((int(row) for _, row in placed if row), default=0)
        columns = max((_column_number(letters) for letters in {letters for letters, _ in placed}), default=0)
        return rows, columns
    return _xlsx_by_rows(xml)


def _xlsx_by_rows(xml: bytes) -> tuple[int, int]:
    """The last row and column a sheet's cells reach when some have no r attribute: as calamine
    places them, after the cell before them in their row (or at the row's start), in the row
    after the one before (or the row the row says). Empty cells are counted too (a bound)."""
    row, rows, columns = 0, 0, 0
    for part in _XLSX_ROW_END.split(xml):
        start = _XLSX_ROW_START.search(part)
        if start and start.group(1):
            row = int(start.group(1)) - 1
        column = 0
        for letters, digits, _empty in _XLSX_ANY_CELL.findall(part):
            if digits:
                column = _column_number(letters) - 1
                rows = max(rows, int(digits))
            columns = max(columns, column + 1)
            rows = max(rows, row + 1)
            column += 1
        row += 1
    return rows, columns


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


# BIFF records that place a cell (BIFF8, and the older ones' FORMULA, INTEGER, NUMBER, LABEL,
# BOOLERR): row, then column, as two 16-bit numbers. MULRK lays several from its first column.
_XLS_CELLS = frozenset({0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006, 0x0206, 0x0406, 0x00D6, 2, 3, 4, 5})
_XLS_MULRK = 0x00BD
_XLS_BOF = frozenset({0x0809, 0x0409, 0x0209, 0x0009})
_TWO = struct.Struct("<HH")


def _check_xls(data: bytes) -> None:
    import olefile

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with olefile.OleFileIO(data) as ole:
            names = [entry for entry in ole.listdir(streams=True, storages=False)]
            if any(path[-1] in ("EncryptedPackage", "EncryptionInfo") for path in names):
                raise _Refused(_password())
            books = [path for path in names if len(path) == 1 and path[0].lower() in ("workbook", "book")]
            if not books or len(books) > 2:
                raise _Refused(_not_xls())
            for path in books:
                _check_biff(ole.openstream(path).read())


def _check_biff(stream: bytes) -> None:
    """Raises _TooWide if the cells of any sheet in a BIFF stream span more than MAX_SHEET_CELLS,
    _Refused if the workbook has a password (FILEPASS)."""
    rows = columns = 0
    at, end = 0, len(stream) - 4
    unpack = _TWO.unpack_from
    while at <= end:
        kind, length = unpack(stream, at)
        body = at + 4
        if kind in _XLS_CELLS and length >= 4:
            row, column = unpack(stream, body)
            rows, columns = max(rows, row + 1), max(columns, column + 1)
        elif kind == _XLS_MULRK and length >= 6:
            row, first = unpack(stream, body)
            (last,) = struct.unpack_from("<H", stream, body + length - 2)
            rows, columns = max(rows, row + 1), max(columns, first + (length - 6) // 6, last + 1)
        elif kind in _XLS_BOF:
            if rows * columns > MAX_SHEET_CELLS:
                raise _TooWide(rows, columns)
            rows = columns = 0
        elif kind == 0x002F:
            raise _Refused(_password())
        at = body + length
    if rows * columns > MAX_SHEET_CELLS:
        raise _TooWide(rows, columns)


# The tags of an .ods table that calamine reads (by these names, prefixes as written): its
# rows, their cells, and where a table starts.
_ODS_TAG = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>")
_ODS_COLUMNS = re.compile(rb"""table:number-columns-repeated\s*=\s*["']\+?(\d+)["']""")
_ODS_ROWS = re.compile(rb"""table:number-rows-repeated\s*=\s*["']\+?(\d+)["']""")
_ODS_FILLED = re.compile(
    rb"""office:(?:value|string-value|date-value|time-value|boolean-value)\s*=|"""
    rb"""office:value-type\s*=\s*["']string["']|table:formula\s*="""
)


def _check_ods(xml: bytes) -> None:
    """Raises _TooWide if a table's cells, with their repeats, span more than MAX_SHEET_CELLS, or
    would be more than that to read. As calamine reads a row, it lays out each cell as many
    times as it repeats, but the empty ones only when a cell follows them; it then lays out the
    rows down to the last filled one, each as many times as it repeats."""
    read = 0  # cells laid out as rows are read, in every table
    rows: list[tuple[int, int]] = []  # each row of a table: (repeats, columns up to its last filled cell)
    laid = pending = filled_to = 0
    in_row = False
    for found_tag in _ODS_TAG.finditer(xml):  # (not findall: a list of every tag would be 100 MB)
        closing, name, attributes = found_tag.groups()
        if name == b"table":
            if rows:
                _check_ods_table(rows)
            rows, in_row = [], False
        elif name == b"table-row":
            if not closing:
                found = _ODS_ROWS.search(attributes)
                repeats = int(found.group(1)) if found else 1
                laid = pending = filled_to = 0
                in_row = True
            if closing or attributes.endswith(b"/"):
                if in_row:
                    rows.append((repeats, filled_to))
                    read += laid
                    if read > MAX_SHEET_CELLS:
                        raise _TooWide(len(rows), laid)
                in_row = False
        elif not closing and in_row:
            found = _ODS_COLUMNS.search(attributes)
            repeats_across = int(found.group(1)) if found else 1
            if _ODS_FILLED.search(attributes):
                laid += pending + repeats_across
                pending, filled_to = 0, laid
            else:
                laid += pending
                pending = repeats_across
            if laid > MAX_SHEET_CELLS:
                raise _TooWide(len(rows) + 1, laid)
    if rows:
        _check_ods_table(rows)


def _check_ods_table(rows: list[tuple[int, int]]) -> None:
    filled = [number for number, (_, columns) in enumerate(rows) if columns]
    if not filled:
        return
    down = sum(repeats for repeats, _ in rows[: filled[-1] + 1])
    across = max(columns for _, columns in rows)
    if down * across > MAX_SHEET_CELLS:
        raise _TooWide(down, across)


# ------------------------------------------------------------------ reading


def _calamine_rows(data: bytes, kind: str, rel: str, problems: Problems, column: ColumnName) -> Rows:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        problems.error(rel, None, _password())
        return
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds for a broken workbook
        problems.error(rel, None, _unreadable(kind=kind, exc=exc))
        return
    number = 0
    try:
        names = [sheet.name for sheet in book.sheets_metadata if str(sheet.typ).endswith("WorkSheet")]
        if not names:
            problems.error(rel, None, say("V145", "has no worksheet: volsite reads the first sheet of a workbook"))
            return
        sheet = book.get_sheet_by_name(names[0])
        offset = sheet.start[1] if sheet.height else 0
        width = None
        for number, row in enumerate(sheet.iter_rows(), 1):
            end = len(row)
            while end and row[end - 1] == "":
                end -= 1
            if not end:
                yield number, []
                continue
            if offset + end > MAX_TABLE_COLUMNS:
                problems.error(rel, number, _too_many_columns())
                return
            width = end if width is None else width
            yield number, ([""] * offset + row[:end]) if offset else row[:end]
        if len(names) > 1:
            _other_sheets(book, names, width is None, rel, problems, column)
    except Exception as exc:  # noqa: BLE001 - a broken sheet fails as it is read
        problems.error(rel, number + 1, _broken_from_here(exc))
    finally:
        book.close()


def _other_sheets(book, names: list[str], first_empty: bool, rel: str, problems: Problems, column: ColumnName) -> None:
    if first_empty:
        problems.error(rel, None, _first_sheet_empty(names[0]))
        return
    # A year's ledger kept on a second sheet would vanish from every total: a sheet whose
    # header row names two of the first sheet's columns is said to be unread. Sheets of
    # instructions (填表说明) or of what each column means name one at most in a row.
    columns = set().union(*_header_rows(_calamine_values(book, names[0]), column))
    unread = [name for name in names[1:] if _like_records(_calamine_values(book, name), columns, column)]
    if unread:
        problems.warning(rel, None, _unread_sheets(unread))


def _like_records(rows: Iterator[tuple[Any, ...]], columns: set[str], column: ColumnName) -> bool:
    """Whether a sheet's header row names two of the first sheet's columns (or its one)."""
    return any(len(row & columns) >= min(2, len(columns)) for row in _header_rows(rows, column))


def _calamine_values(book, name: str) -> Iterator[tuple[Any, ...]]:
    for row in book.get_sheet_by_name(name).iter_rows():
        yield tuple(None if value == "" else value for value in row[:MAX_TABLE_COLUMNS])


def _header_rows(rows: Iterator[tuple[Any, ...]], column: ColumnName) -> list[set[str]]:
    """The column names each of a sheet's first two rows with values would give as its header
    row (the first may be a title line), read no further."""
    found = []
    for row in rows:
        if row.count(None) != len(row):
            found.append({column(cell) for cell in row if isinstance(cell, str) and cell.strip()})
            if len(found) == 2:
                break
    return found


def _openpyxl_rows(data: bytes, rel: str, problems: Problems, column: ColumnName) -> Rows:
    """An .xlsx whose cells span too much for calamine, read row by row by openpyxl (which
    never holds a sheet whole), 200 columns wide."""
    try:
        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no default style" and the like: not the staff's concern
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook
        problems.error(rel, None, _unreadable(kind="xlsx", exc=exc))
        return
    number = 0
    try:
        if not book.worksheets:
            problems.error(rel, None, say("V145", "has no worksheet: volsite reads the first sheet of a workbook"))
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
                problems.error(rel, number, _too_many_columns())
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
        if len(book.worksheets) > 1:
            if width is None:
                problems.error(rel, None, _first_sheet_empty(sheet.title))
                return
            columns = set().union(*_header_rows(_openpyxl_values(sheet), column))
            unread = [
                other.title for other in book.worksheets[1:] if _like_records(_openpyxl_values(other), columns, column)
            ]
            if unread:
                problems.warning(rel, None, _unread_sheets(unread))
    except Exception as exc:  # noqa: BLE001 - a broken sheet fails as it is read
        problems.error(rel, number + 1, _broken_from_here(exc))
    finally:
        book.close()


def _openpyxl_values(sheet) -> Iterator[tuple[Any, ...]]:
    sheet.reset_dimensions()
    return sheet.iter_rows(max_col=MAX_TABLE_COLUMNS, values_only=True)


# ------------------------------------------------------------------ messages


def _password() -> Message:
    return say(
        "V146",
        "has a password, so volsite cannot read it: open it in Excel or WPS, remove the password "
        "(File → Info → Protect Workbook) and save it again",
    )


def _not_xls() -> Message:
    return say(
        "V147",
        "is an OLE document but not an Excel workbook: open it in Excel or WPS and save it "
        "as an Excel workbook (.xlsx)",
    )


def _unreadable(kind: str, exc: Exception) -> Message:
    return say(
        "V148",
        "is not a readable workbook ({reason}): open it in Excel or WPS, check that the records are "
        "there, and save it again as an Excel workbook (.xlsx)",
        reason=f"{kind + ': ' if kind else ''}{exc.__class__.__name__}: {shown(exc, 80)}",
    )


def _too_wide(wide: _TooWide) -> Message:
    return say(
        "V149",
        "has cells down to row {rows} and across to column {columns}, more than volsite reads from one "
        "sheet ({limit} cells): delete the rows and columns beyond the records (a value typed far away "
        "by mistake?), or copy the records into a new workbook",
        rows=f"{wide.rows:,}",
        columns=_column_letters(wide.columns),
        limit=f"{MAX_SHEET_CELLS:,}",
    )


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


def _too_many_columns() -> Message:
    return say(
        "V150",
        "this row has more than {limit} columns, more than volsite reads: keep the records in the first columns",
        limit=MAX_TABLE_COLUMNS,
    )


def _first_sheet_empty(title: str) -> Message:
    return say(
        "V151",
        "the first sheet ('{sheet}') is empty, and volsite reads only the first sheet: "
        "move the records to it, or the sheet to the front",
        sheet=shown(title),
    )


def _unread_sheets(unread: list[str]) -> Message:
    names = tuple(f"'{shown(title)}'" for title in unread[:5]) + (("…",) if len(unread) > 5 else ())
    if len(unread) == 1:
        return say(
            "V152",
            "has a sheet besides the first that volsite does not read ({sheets}): "
            "move the records to the first sheet, or each sheet into a file of its own",
            sheets=names,
        )
    return say(
        "V153",
        "has {count} sheets besides the first that volsite does not read ({sheets}): "
        "move the records to the first sheet, or each sheet into a file of its own",
        count=len(unread),
        sheets=names,
    )


def _broken_from_here(exc: Exception) -> Message:
    return say(
        "V154",
        "the sheet cannot be read from this row on ({reason}): open it in Excel or WPS and save it again",
        reason=f"{exc.__class__.__name__}: {shown(exc, 80)}",
    )
