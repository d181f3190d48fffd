"""Finding content files and reading them into raw records with positions.

This is the only module of the loading side that touches the disk. It knows
file formats (YAML, CSV, XLSX, text encodings), not what a record means:
that is the job of the modules in kinds/.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

import yaml

from .problems import Problems

YAML_SUFFIXES = (".yaml", ".yml")
TABLE_SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class Raw:
    """One record as read from a file, before it is given a meaning."""

    path: str  # relative to the site root, with forward slashes
    line: int  # where the record starts (1-based; the row number for XLSX)
    data: Mapping[str, Any]
    lines: Mapping[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class LineMap(dict):
    """A YAML mapping that remembers the line of each key."""

    line: int = 0
    lines: dict


# ---------------------------------------------------------------- text


def decode_text(data: bytes) -> tuple[str | None, str]:
    """Decode bytes written by a person: UTF-8 (with or without BOM) or GB18030.

    GBK, what Excel in China writes, is a subset of GB18030. Returns
    (text, encoding) or (None, reason).
    """
    if b"\x00" in data:
        return None, "is not a text file (it holds NUL bytes)"
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return None, "starts with a UTF-8 mark but is not valid UTF-8"
    try:
        utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    if utf8 is not None and not _looks_like_misread_gbk(utf8):
        return utf8, "utf-8"
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        if utf8 is not None:
            return utf8, "utf-8"
        return None, "is neither UTF-8 nor GB18030/GBK text; save it as UTF-8"


def _looks_like_misread_gbk(text: str) -> bool:
    """GBK bytes can form valid UTF-8, read as Greek, Cyrillic, Hebrew or Armenian
    letters (志愿 → ־Ը). Chinese text in UTF-8 always has characters at U+0800 or
    above; a text with none, but with letters of U+0250-U+07FF, is taken for GBK."""
    has_mid_range = False
    for char in text:
        code = ord(char)
        if code >= 0x800:
            return False
        if 0x250 <= code < 0x800:
            has_mid_range = True
    return has_mid_range


def read_text(site_root: Path, rel: str, problems: Problems) -> str | None:
    try:
        data = (site_root / rel).read_bytes()
    except OSError as exc:
        problems.error(rel, None, f"cannot be read: {exc.strerror or exc}")
        return None
    text, how = decode_text(data)
    if text is None:
        problems.error(rel, None, how)
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------- discovery


def find_files(site_root: Path, folder: str, suffixes: tuple[str, ...],
               problems: Problems) -> list[str]:
    """Every file under site_root/folder with one of the suffixes, sorted.

    Hidden files and Office lock files (~$x.xlsx) are passed over. A file that
    resolves outside the folder (a symlink out) is refused.
    """
    base = site_root / folder
    if not base.is_dir():
        return []
    real_base = base.resolve()
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith((".", "~$")):
                continue
            if not name.lower().endswith(suffixes):
                continue
            full = Path(dirpath) / name
            rel = full.relative_to(site_root).as_posix()
            if not _inside(full.resolve(), real_base):
                problems.error(rel, None, f"is a link that points outside {folder}/")
                continue
            found.append(rel)
    return sorted(found)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- YAML


def _make_loader():
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class LineLoader(base):  # type: ignore[misc, valid-type]
        pass

    def construct_mapping(loader, node, deep=False):
        loader.flatten_mapping(node)
        mapping = LineMap()
        mapping.line = node.start_mark.line + 1
        mapping.lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a key here is not a plain value", key_node.start_mark)
            if key in mapping:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key '{key}' is given twice", key_node.start_mark)
            mapping[key] = loader.construct_object(value_node, deep=True)
            mapping.lines[key] = key_node.start_mark.line + 1
        return mapping

    def construct_timestamp(loader, node):
        # 2024-13-01 looks like a date to YAML but is none: keep the text, and let
        # the field check say which field and line is wrong.
        try:
            return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
        except ValueError:
            return loader.construct_scalar(node)

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                               construct_mapping)
    LineLoader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)
    return LineLoader


_LOADER = _make_loader()


def parse_yaml(text: str, rel: str, problems: Problems, line_offset: int = 0) -> Any:
    """Parse YAML text; on failure record the problem with its line and return None."""
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct began (an unclosed
        # bracket, a key without ':'); the problem mark is where YAML gave up.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 + line_offset if mark else None
        what = exc.problem or exc.context or "is not valid YAML"
        if exc.context_mark and exc.problem_mark and exc.problem_mark.line != exc.context_mark.line:
            what += f" (noticed at line {exc.problem_mark.line + 1 + line_offset})"
        problems.error(rel, line, f"YAML does not parse: {what}")
    except yaml.YAMLError as exc:
        problems.error(rel, None, f"YAML does not parse: {exc}")
    except RecursionError:
        problems.error(rel, None, "YAML is nested too deeply")
    return None


def yaml_records(site_root: Path, rel: str, problems: Problems) -> list[Raw]:
    """A YAML file holds one record (a mapping) or a list of records."""
    text = read_text(site_root, rel, problems)
    if text is None:
        return []
    doc = parse_yaml(text, rel, problems)
    if doc is None:
        return []
    items = doc if isinstance(doc, list) else [doc]
    records = []
    for position, item in enumerate(items, 1):
        if isinstance(item, LineMap):
            records.append(Raw(rel, item.line, item, item.lines))
        else:
            problems.error(rel, None, f"item {position} is not a record (a mapping of field: value)")
    return records


# ---------------------------------------------------------------- tables


def table_records(site_root: Path, rel: str, headers: Mapping[str, str],
                  problems: Problems) -> list[Raw]:
    """Rows of a CSV or XLSX file as records; header names mapped through `headers`."""
    if rel.lower().endswith(".xlsx"):
        rows = _xlsx_rows(site_root / rel, rel, problems)
    else:
        text = read_text(site_root, rel, problems)
        rows = _csv_rows(text, rel, problems) if text is not None else iter(())
    records: list[Raw] = []
    columns: list[str] | None = None
    for line, cells in rows:
        cells = [_clean_cell(c) for c in cells]
        if all(c is None for c in cells):
            continue  # blank lines are skipped
        if columns is None:
            columns = [_column_name(c, headers) for c in cells]
            seen: set[str] = set()
            for name in columns:
                if name and name in seen:
                    problems.error(rel, line, f"the column '{name}' is given twice")
                seen.add(name)
            continue
        if len(cells) > len(columns) and any(c is not None for c in cells[len(columns):]):
            problems.error(rel, line, f"this row has {len(cells)} cells but the header has {len(columns)}")
        data = {name: value for name, value in zip(columns, cells) if name and value is not None}
        records.append(Raw(rel, line, data, {}))
    return records


def _column_name(cell: Any, headers: Mapping[str, str]) -> str:
    name = "" if cell is None else str(cell).strip()
    return headers.get(name, headers.get(name.lower(), name.lower()))


def _clean_cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
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


def _xlsx_rows(path: Path, rel: str, problems: Problems) -> Iterator[tuple[int, list[Any]]]:
    try:
        import openpyxl
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        problems.error(rel, None, f"is not a readable Excel workbook: {exc.__class__.__name__}")
        return
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
            yield number, list(row)
    finally:
        book.close()
