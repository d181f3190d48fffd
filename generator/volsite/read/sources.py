"""Finding content files and reading them into raw records with positions.

This is the only module of the loading side that touches the disk. It knows
file formats (YAML, CSV, XLSX, text encodings), not what a record means:
that is the job of the modules in kinds/.

Nothing in a content file is trusted: whatever its bytes, reading it gives
records or problems that name the file (and the line where there is one),
in time and memory bounded by the limits below, never an exception.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import reprlib
import stat
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml
from yaml.events import AliasEvent, DocumentEndEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent, StreamEndEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..problems import Problems

YAML_SUFFIXES = (".yaml", ".yml")
TABLE_SUFFIXES = (".csv", ".xlsx")

MB = 1_000_000


@dataclass(frozen=True)
class Limit:
    """The largest file of one kind that is read, and what to do with a larger one."""

    bytes: int
    what: str
    advice: str


# Each limit is far above what staff write by hand, and keeps one stray file (a
# database dump, a video renamed .md) from holding a build for minutes or eating
# the machine's memory; a larger file is refused before it is read.
#
# Markdown: 1 MB is about 330,000 Chinese characters, a whole book; converting
# Markdown costs about 3 s per MB and no resident reads such a page on a phone.
MARKDOWN_LIMIT = Limit(
    1 * MB, "a story or page", "split it into several stories, or link to the full text as a file under media/"
)
# YAML: reading YAML costs more than a second per MB, more for larger files (a
# 4.9 MB ledger of 60,000 rows loads in about 6 s and 380 MB); 5 MB is some
# 60,000 ledger rows or 20,000 volunteers in one file.
YAML_LIMIT = Limit(
    5 * MB, "a YAML file", "split the records over several files (one per year, say), or keep long ledgers in CSV"
)
# CSV and XLSX: 20 MB is about 500,000 ledger rows (a 19.9 MB ledger loads in
# about 8 s and 550 MB); Excel itself cannot open a sheet of more than 1,048,576
# rows. A larger ledger is an export of a whole database, not one organisation's
# records; a 50 MB one took 23 s and 1.4 GB to load and 2 minutes to build.
TABLE_LIMIT = Limit(20 * MB, "a table (CSV or Excel) file", "split it into several files, one per year for example")
# An .xlsx is a zip archive: a small file may unpack into gigabytes (a zip bomb).
# Reading a sheet costs its unpacked size: openpyxl reads some 20,000 rows a
# second, and 100,000 ledger rows unpack to 22 MB; 50 MB is some 225,000 rows
# and 11 s, about what TABLE_LIMIT allows a CSV.
MAX_XLSX_UNPACKED_BYTES = 50 * MB
# Columns read from an Excel sheet. A sheet may claim 16,384 columns per row;
# a roster or ledger has a dozen.
MAX_TABLE_COLUMNS = 200
# YAML nesting: a record needs 4 or 5 levels (list → record → participants →
# participant). The C YAML reader crashes the whole process (a segmentation
# fault, no message) on some 100,000 levels, so depth is checked as it reads.
MAX_YAML_DEPTH = 64
# YAML aliases (*name) repeat a value anchored elsewhere (&name). Nine aliases of
# nine aliases ... ("billion laughs") stand for billions of values in a few
# hundred bytes; sharing defaults (<<: *defaults) in every record of a big file
# needs a few tens of thousands.
MAX_YAML_ALIAS_VALUES = 100_000


@dataclass(frozen=True, slots=True)
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


_SHOW = reprlib.Repr()
_SHOW.maxstring = _SHOW.maxother = 60
_SHOW.maxlevel = 3
# Every character that ends a line somewhere (str.splitlines): a problem is one line.
_LINE_BREAKS = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in (0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029)
}
_LINE_BREAKS.update({ord("\n"): "\\n", ord("\r"): "\\r"})


def shown(value: Any, width: int = 60) -> str:
    """A value as a message may quote it: one short line, whatever its size or nesting."""
    if isinstance(value, (list, dict, set, tuple)):
        text = _SHOW.repr(value)
    else:
        text = value if isinstance(value, str) else str(value)
        text = text if len(text) <= width else text[:width] + "…"
    return text.translate(_LINE_BREAKS)


def _size(count: int) -> str:
    return f"{count / MB:.1f} MB" if count >= MB // 10 else f"{count:,} bytes"


# ---------------------------------------------------------------- text

# Characters a web page, feed or sitemap cannot carry (XML 1.0 forbids the C0
# controls but tab and line breaks; HTML calls C1 controls and non-characters
# errors), and lone surrogates, which cannot even be written as UTF-8.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def clean_text(text: str, replacement: str = "\ufffd") -> str:
    """text without characters no page can show (for values from YAML escapes and Excel cells)."""
    return _UNSHOWABLE.sub(replacement, text) if _UNSHOWABLE.search(text) else text


def decode_text(data: bytes) -> tuple[str | None, str]:
    """Decode bytes written by a person: UTF-8 (with or without BOM) or GB18030.

    GBK, what Excel in China writes, is a subset of GB18030; UTF-16 with a byte
    order mark ("Unicode text" from Excel or Notepad) is read too. Returns
    (text, encoding) or (None, reason).
    """
    text, how, _line = _decode(data)
    return text, how


def _decode(data: bytes) -> tuple[str | None, str, int | None]:
    """(text, encoding, None) or (None, reason, line of the problem or None)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) and not data.startswith(b"\xff\xfe\x00\x00"):
        try:
            text = data.decode("utf-16")  # the mark gives the byte order and is dropped
        except UnicodeDecodeError:
            return None, "starts with a UTF-16 mark but is not UTF-16 text; save it as UTF-8", None
        if "\x00" in text:
            return None, "is not a text file (it holds NUL characters)", None
        return text, "utf-16", None
    if b"\x00" in data:
        return None, "is not a text file (it holds NUL bytes)", None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig", None
        except UnicodeDecodeError as exc:
            line = _line_at(data, exc.start + 3)
            return (
                None,
                (
                    f"starts with a UTF-8 mark but line {line} is not UTF-8 "
                    "(text pasted from a GBK file?); save it again as UTF-8"
                ),
                line,
            )
    try:
        utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
        mixed = _mixed_line(data)
        if mixed is not None:
            return (
                None,
                (
                    f"mixes two encodings: most lines are UTF-8 but line {mixed} is not "
                    "(text pasted from a GBK file?); save it again as UTF-8"
                ),
                mixed,
            )
    if utf8 is not None and not _looks_like_misread_gbk(data, utf8):
        return utf8, "utf-8", None
    try:
        return data.decode("gb18030"), "gb18030", None
    except UnicodeDecodeError as exc:
        if utf8 is not None:
            return utf8, "utf-8", None
        line = _line_at(data, exc.start)
        return None, (f"is neither UTF-8 nor GB18030/GBK text (line {line} is neither); save it as UTF-8"), line


def _line_at(data: bytes, offset: int) -> int:
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _mixed_line(data: bytes) -> int | None:
    """The first line that is not UTF-8 in a file whose other lines mostly are.

    GBK text can happen to be valid UTF-8 here and there, so a file counts as
    UTF-8 only when most of its non-ASCII lines are (and then the others were
    pasted in from elsewhere); a GBK file stays GBK.
    """
    good, bad = 0, []
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    for number, line in enumerate(lines, 1):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(number)
            continue
        if not _looks_like_misread_gbk(line, text):
            good += 1
    return bad[0] if bad and good > len(bad) else None


# A character at U+0800 or above starts with a byte of E0 or more in UTF-8. (Looked for
# in the bytes: a pattern of that range of characters takes 4 ms to compile, at every start.)
_WIDE_LEAD = re.compile(rb"[\xe0-\xff]")


def _looks_like_misread_gbk(data: bytes, utf8: str) -> bool:
    """Whether bytes that are valid UTF-8 read better as GBK.

    GBK bytes can form valid UTF-8: 志愿 reads as Hebrew and Armenian letters, 欧 as
    Latin ŷ. Chinese text in UTF-8 has characters at U+0800 or above, which GBK
    almost never forms; without any, the reading with more ordinary characters
    (Han, CJK and full-width punctuation, Latin-1 letters) wins, UTF-8 on a tie.
    """
    if data.isascii() or _WIDE_LEAD.search(data):  # (stops at the first; C speed over megabytes)
        return False
    try:
        gbk = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return _ordinary(gbk) > _ordinary(utf8)


def _ordinary(text: str) -> int:
    """How many of text's non-ASCII characters are ones people commonly type."""
    return sum(
        1
        for char in text
        if 0xA0 <= ord(char) <= 0xFF
        or 0x2010 <= ord(char) <= 0x203A
        or 0x3000 <= ord(char) <= 0x303F
        or 0x4E00 <= ord(char) <= 0x9FFF
        or 0xFF01 <= ord(char) <= 0xFF5E
    )


def image_sizes(site_root: Path, rels) -> dict[str, tuple[int, int]]:
    """Width and height in pixels of each image under content/ that Pillow can read, from its
    header alone; the rest (SVG, damaged files) are left out."""
    if not rels:
        return {}
    from PIL import Image, UnidentifiedImageError  # imported here: only sites with covers need it

    sizes: dict[str, tuple[int, int]] = {}
    for rel in sorted(set(rels)):
        try:
            with Image.open(site_root / "content" / rel) as image:
                width, height = image.size
        except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
            continue
        if width > 0 and height > 0:
            sizes[rel] = (width, height)
    return sizes


def read_within(handle: BinaryIO, size: int, limit: int) -> bytes:
    """An open file's bytes, at most limit + 1 (one more than allowed shows it is too big).

    Asked for by the size the file had (and a byte more, to see that it ended), not by
    the limit: asking for limit + 1 at once allocates that much for every file (1 MB a
    story, two thirds of the time of reading one). A file that grew since is read on.
    """
    wanted = min(size, limit) + 1
    data = handle.read(wanted)
    if len(data) == wanted:
        data += handle.read(limit + 1 - len(data))
    return data


# What was read of a file: its size, times and inode as it was opened, and the hash of the
# bytes read (diskcache.inputs_digest's, so that a build need not read the file again).
FileRead = tuple[int, int, int, int, str]


def read_bytes(
    site_root: Path, rel: str, problems: Problems, limit: Limit = YAML_LIMIT, reads: dict[str, FileRead] | None = None
) -> bytes | None:
    """The bytes of a file, or None (with the problem recorded) when it cannot be read or is too big.
    With `reads`, what was read is noted there under rel."""
    try:
        # Non-blocking, so that a pipe named like a content file cannot hang the build.
        descriptor = os.open(site_root / rel, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                problems.error(rel, None, NOT_REGULAR)
                return None
            data = read_within(handle, info.st_size, limit.bytes)
            if len(data) > limit.bytes:
                size = max(os.fstat(handle.fileno()).st_size, len(data))
                problems.error(
                    rel,
                    None,
                    f"is {_size(size)}, more than the {_size(limit.bytes)} {limit.what} may hold: {limit.advice}",
                )
                return None
    except OSError as exc:
        problems.error(rel, None, f"cannot be read: {exc.strerror or exc}")
        return None
    if reads is not None:
        reads[rel] = (
            info.st_size,
            info.st_mtime_ns,
            info.st_ctime_ns,
            info.st_ino,
            hashlib.blake2b(data, digest_size=16).hexdigest(),
        )
    return data


def read_text(
    site_root: Path, rel: str, problems: Problems, limit: Limit = YAML_LIMIT, reads: dict[str, FileRead] | None = None
) -> str | None:
    """A text file as a str with '\\n' line ends, or None with the problem recorded."""
    data = read_bytes(site_root, rel, problems, limit, reads)
    if data is None:
        return None
    text, how, line = _decode(data)
    if text is None:
        problems.error(rel, line, how)
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = _UNSHOWABLE.search(text)
    if found:
        count = len(_UNSHOWABLE.findall(text))
        line = text.count("\n", 0, found.start()) + 1
        what = "an invisible control character" if count == 1 else f"{count} invisible control characters"
        problems.warning(
            rel,
            line,
            f"holds {what} (U+{ord(found.group()):04X} on this line, the first) "
            "that no web page can show; read as spaces: delete them",
        )
        text = _UNSHOWABLE.sub(" ", text)
    return text


# ---------------------------------------------------------------- discovery


def find_files(site_root: Path, folder: str, suffixes: tuple[str, ...], problems: Problems) -> list[str]:
    """Every file under site_root/folder with one of the suffixes, sorted (find_sized_files)."""
    return [rel for rel, _size in find_sized_files(site_root, folder, suffixes, problems)]


def find_sized_files(
    site_root: Path, folder: str, suffixes: tuple[str, ...], problems: Problems
) -> list[tuple[str, int]]:
    """Every file under site_root/folder with one of the suffixes, and its size, sorted.

    Hidden files and Office lock files (~$x.xlsx) are passed over. A file that
    resolves outside the folder (a symlink out), a link that leads nowhere or
    in a loop, and anything that is not a plain file (a pipe, a device) are
    refused; links to folders are not followed.
    """
    base = site_root / folder
    if not base.is_dir():
        return []
    real_base = base.resolve()
    found: list[tuple[str, int]] = []
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        rel_dir = Path(dirpath).relative_to(site_root).as_posix()
        for name in list(dirnames):
            if not name.startswith(".") and os.path.islink(os.path.join(dirpath, name)):
                rel = (Path(dirpath) / name).relative_to(site_root).as_posix()
                problems.warning(
                    _printable(rel),
                    None,
                    "is a link to a folder, which volsite does not follow: move the folder here instead",
                )
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith((".", "~$")):
                continue
            full = os.path.join(dirpath, name)
            rel = f"{rel_dir}/{name}"
            if not name.lower().endswith(suffixes):
                # Not read, but a pipe here is no file staff meant to keep (and would stall a tool
                # that reads the folder): said like one that is read.
                if _is_special(full):
                    problems.error(_printable(rel), None, NOT_REGULAR)
                continue
            # A printable name (a C-speed test) holds no undecodable byte (a lone surrogate),
            # line break or control character; only others need the checks that say which.
            if not rel.isprintable():
                if _printable(rel) != rel:
                    problems.error(
                        _printable(rel),
                        None,
                        "the file name is not valid UTF-8 (� marks the bytes that are not): rename the file",
                    )
                    continue
                if shown(rel, len(rel)) != rel or _UNSHOWABLE.search(rel):
                    problems.error(
                        shown(clean_text(rel), len(rel)),
                        None,
                        "the file name holds a line break or control character: rename the file",
                    )
                    continue
            try:
                info = os.lstat(full)
                if stat.S_ISLNK(info.st_mode):
                    # Only a link can lead out: the walk enters no linked folder, so a
                    # file that is no link lies under base (resolving each costs ~50 us).
                    resolved = Path(full).resolve(strict=True)
                    info = resolved.stat()
                    if not _inside(resolved, real_base):
                        problems.error(rel, None, f"is a link that points outside {folder}/")
                        continue
            except (OSError, RuntimeError):  # a broken link, or a loop of links
                problems.error(rel, None, "is a link that leads nowhere (or in a loop): remove it")
                continue
            if not stat.S_ISREG(info.st_mode):
                problems.error(rel, None, NOT_REGULAR)
                continue
            found.append((rel, info.st_size))
    return sorted(found)


NOT_REGULAR = "is not a regular file (a pipe, socket or device?): remove it"


def _is_special(path: str) -> bool:
    """Whether path is itself a pipe, socket or device (not a link to one, not a folder)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode))


def _printable(rel: str) -> str:
    """A path as it can be printed: bytes of a file name that are not UTF-8 become �."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- YAML

_MERGE_TAG = "tag:yaml.org,2002:merge"
# What a constructor of PyYAML raises on a value that does not fit its tag
# (!!int abc, !!bool maybe, !!timestamp yesterday, !!map [1]).
_VALUE_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, UnicodeError)


def _make_loader():
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class LineLoader(base):  # type: ignore[misc, valid-type]
        def construct_object(self, node, deep=False):
            try:
                return super().construct_object(node, deep)
            except (yaml.YAMLError, RecursionError):
                raise
            except _VALUE_ERRORS:
                if getattr(node, "implicit", False):
                    # A plain value YAML took for a number or date it cannot be (an int of
                    # 5,000 digits): keep the text, and let the field check say what is wrong.
                    return node.value
                tag = node.tag.rsplit(":", 1)[-1] if node.tag.startswith("tag:yaml.org") else node.tag
                value = f" '{shown(node.value)}'" if isinstance(node, ScalarNode) else ""
                raise yaml.constructor.ConstructorError(
                    None, None, f"the value{value} cannot be read as !!{tag}", node.start_mark
                ) from None

    def construct_mapping(loader, node, deep=False):
        if not isinstance(node, MappingNode):
            raise yaml.constructor.ConstructorError(None, None, "a mapping was expected here", node.start_mark)
        own_keys = {id(key) for key, _ in node.value if key.tag != _MERGE_TAG}
        loader.flatten_mapping(node)
        mapping = LineMap()
        mapping.line = node.start_mark.line + 1
        mapping.lines = {}
        seen = set()
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a key here is not a plain value", key_node.start_mark
                ) from None
            # Keys merged in from '<<: *defaults' may be given again: that is what merging is for.
            if id(key_node) in own_keys:
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key '{shown(key)}' is given twice", key_node.start_mark
                    )
                seen.add(key)
            mapping[key] = loader.construct_object(value_node, deep=True)
            mapping.lines[key] = key_node.start_mark.line + 1
        return mapping

    def construct_timestamp(loader, node):
        # 2024-13-01 looks like a date to YAML but is none: keep the text, and let
        # the field check say which field and line is wrong.
        try:
            return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
        except _VALUE_ERRORS:
            return loader.construct_scalar(node)

    def construct_str(loader, node):
        # "\x01" and "\0" are valid YAML escapes, but no page can show them.
        return clean_text(loader.construct_scalar(node))

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    LineLoader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)
    LineLoader.add_constructor("tag:yaml.org,2002:str", construct_str)
    return LineLoader


_LOADER = _make_loader()


def _compose(loader) -> Any:
    """The node tree of a one-document stream, read event by event without recursion.

    PyYAML's own composer (in C with the C loader) recurses once per level and
    crashes the process on very deep input; this one keeps its own stack, stops
    at MAX_YAML_DEPTH, and counts what aliases stand for (MAX_YAML_ALIAS_VALUES).
    """
    compose_error = yaml.composer.ComposerError
    get_event, resolve = loader.get_event, loader.resolve
    get_event()  # the stream start
    start = get_event()
    if isinstance(start, StreamEndEvent):
        return None
    anchors: dict[str, Any] = {}
    sizes: dict[int, tuple[int, int]] = {}  # id(anchored node) → (values, levels) once complete
    stack: list[list] = []  # [node, pending key node, values, levels, anchor]
    aliased = 0
    root = None
    while True:
        event = get_event()
        kind = type(event)
        if kind is ScalarEvent:
            tag = event.tag
            implicit = tag is None or tag == "!"
            if implicit:
                tag = resolve(ScalarNode, event.value, event.implicit)
            node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
            node.implicit = implicit
            values, levels = 1, 1
            if event.anchor is not None:
                anchors[event.anchor] = node
                sizes[id(node)] = (1, 1)
        elif kind is AliasEvent:
            node = anchors.get(event.anchor)
            if node is None:
                raise compose_error(
                    None,
                    None,
                    f"the alias '*{shown(event.anchor)}' names no anchor '&{shown(event.anchor)}' above it",
                    event.start_mark,
                )
            if id(node) not in sizes:
                raise compose_error(
                    None,
                    None,
                    f"the alias '*{shown(event.anchor)}' is inside the value it names (a loop)",
                    event.start_mark,
                )
            values, levels = sizes[id(node)]
            aliased += values
            if aliased > MAX_YAML_ALIAS_VALUES:
                raise compose_error(
                    None,
                    None,
                    f"aliases (*name) here repeat more than {MAX_YAML_ALIAS_VALUES:,} "
                    'values in all (a "billion laughs" file?): write the values '
                    "out, or use fewer aliases",
                    event.start_mark,
                )
            if len(stack) + levels > MAX_YAML_DEPTH:
                raise compose_error(
                    None, None, f"this alias nests values more than {MAX_YAML_DEPTH} levels deep", event.start_mark
                )
        elif kind is SequenceStartEvent or kind is MappingStartEvent:
            if len(stack) >= MAX_YAML_DEPTH:
                raise compose_error(
                    None,
                    None,
                    f"values are nested more than {MAX_YAML_DEPTH} levels deep here; a record needs a few",
                    event.start_mark,
                )
            node_class = SequenceNode if kind is SequenceStartEvent else MappingNode
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(node_class, None, event.implicit)
            node = node_class(tag, [], event.start_mark, None, flow_style=event.flow_style)
            if event.anchor is not None:
                anchors[event.anchor] = node
            stack.append([node, None, 1, 1, event.anchor])
            continue
        elif kind is DocumentEndEvent:
            break
        else:  # the end of a sequence or mapping
            node, _key, values, levels, anchor = stack.pop()
            node.end_mark = event.end_mark
            if anchor is not None:
                sizes[id(node)] = (values, levels)
        if not stack:
            root = node
            continue
        parent = stack[-1]
        parent[2] += values
        if levels + 1 > parent[3]:
            parent[3] = levels + 1
        if type(parent[0]) is SequenceNode:
            parent[0].value.append(node)
        elif parent[1] is None:
            parent[1] = node
        else:
            parent[0].value.append((parent[1], node))
            parent[1] = None
    event = get_event()
    if not isinstance(event, StreamEndEvent):
        raise compose_error(
            None,
            None,
            "a second YAML document starts here; a file holds one record "
            "or one list of records: remove this '---' line",
            event.start_mark,
        )
    return root


# PyYAML's composer in C builds the same tree as _compose for less (a story's front
# matter parses in 53 us instead of 83), but recurses once per level: it is used only on
# text too short to nest deeper than it can go (one level at most per character; it
# has composed 10,000 levels here) and with none of what _compose watches over
# (no & anchors, * aliases or ! tags); anything it refuses is composed again by _compose.
QUICK_COMPOSE_CHARS = 5_000
_NOT_QUICK = object()


def _compose_quickly(loader, text: str) -> Any:
    """The node tree of text by PyYAML's C composer, or _NOT_QUICK."""
    if len(text) > QUICK_COMPOSE_CHARS or "&" in text or "*" in text or "!" in text:
        return _NOT_QUICK
    try:
        root = loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        return _NOT_QUICK  # _compose says what is wrong, its own way
    stack = [(root, 1)] if root is not None else []
    while stack:  # as _compose marks them: no ! tag, so every scalar's tag was implicit
        node, depth = stack.pop()
        if depth >= MAX_YAML_DEPTH:
            return _NOT_QUICK
        if isinstance(node, ScalarNode):
            node.implicit = True
        elif isinstance(node, SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
        else:
            stack.extend((part, depth + 1) for pair in node.value for part in pair)
    return root


# Most front matter is a few lines of `key: value` and `key: [a, b]` (a story's title,
# date, tags). Read by PyYAML, each value goes through its parser, composer and the
# constructor's generic machinery: 45 us a story; read here line by line, 17 us. Only
# text every line of which is such a line, with plain values free of any character that
# means something to YAML, is read here, and into exactly what PyYAML makes of it: the
# same resolver decides what each value is, and anything but text goes to the same
# constructor. Everything else (comments, quotes, nesting, blocks, anchors, a key given
# twice, an odd tag) is left to PyYAML, which also reports what is wrong.
_NOT_PLAIN = "\x00-\x1f\x7f-\x9f:#\\[\\]{},&*!|>'\"%@`\\\\\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff"
_PLAIN = f"[^ \\-?{_NOT_PLAIN}](?:[^{_NOT_PLAIN}]*[^ {_NOT_PLAIN}])?"
_SIMPLE_LINE = re.compile(f"([A-Za-z_][A-Za-z0-9_]*): +(?:({_PLAIN})|\\[ *((?:{_PLAIN} *, *)*{_PLAIN})? *\\]) *")
_ITEMS_APART = re.compile(" *, *")
_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_SIMPLE_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null", "timestamp"))


def read_simple_mapping(text: str) -> LineMap | None:
    """text as PyYAML reads it, if every line is a simple `key: value` or `key: [a, b]`
    line (or empty); otherwise None."""
    mapping = LineMap()
    mapping.lines = {}
    loader = None
    resolve = _RESOLVER.resolve
    for number, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        match = _SIMPLE_LINE.fullmatch(line)
        if match is None:
            return None
        key, plain, items = match.groups()
        if key in mapping or resolve(ScalarNode, key, (True, False)) != _STR_TAG:
            return None
        values = []
        for value in [plain] if plain is not None else _ITEMS_APART.split(items) if items is not None else []:
            tag = resolve(ScalarNode, value, (True, False))
            if tag == _STR_TAG:
                values.append(clean_text(value))
                continue
            if tag not in _SIMPLE_TAGS:
                return None
            if loader is None:
                loader = _LOADER("")
            node = ScalarNode(tag, value)
            node.implicit = True  # as _compose marks a plain value
            values.append(loader.construct_object(node, deep=True))
        mapping[key] = values[0] if plain is not None else values
        mapping.lines[key] = number
    if not mapping:
        return None
    mapping.line = next(iter(mapping.lines.values()))
    return mapping


def parse_yaml(text: str, rel: str, problems: Problems, line_offset: int = 0) -> Any:
    """Parse YAML text; on failure record the problem with its line and return None."""
    simple = read_simple_mapping(text)
    return simple if simple is not None else parse_yaml_by_pyyaml(text, rel, problems, line_offset)


def parse_yaml_by_pyyaml(text: str, rel: str, problems: Problems, line_offset: int = 0) -> Any:
    """parse_yaml, all of it by PyYAML."""
    loader = None
    try:
        loader = _LOADER(text)
        node = _compose_quickly(loader, text)
        if node is _NOT_QUICK:
            loader.dispose()
            loader = _LOADER(text)
            node = _compose(loader)
        return loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct began (an unclosed
        # bracket, a key without ':'); the problem mark is where YAML gave up.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 + line_offset if mark else None
        what = shown(exc.problem or exc.context or "is not valid YAML", 200)
        if "maximum nesting depth" in what:  # libyaml's own limit (PyYAML 6.0.4 on), met before ours
            problems.error(
                rel, line, f"values are nested more than {MAX_YAML_DEPTH} levels deep here; a record needs a few"
            )
            return None
        if exc.context_mark and exc.problem_mark and exc.problem_mark.line != exc.context_mark.line:
            what += f" (noticed at line {exc.problem_mark.line + 1 + line_offset})"
        problems.error(rel, line, f"YAML does not parse: {what}")
    except yaml.reader.ReaderError as exc:
        # The C reader gives a byte offset into the UTF-8 text.
        head = text.encode("utf-8", "replace")[: exc.position]
        line = head.count(b"\n") + 1 + line_offset
        problems.error(rel, line, f"YAML does not parse: the character U+{exc.character:04X} is not allowed")
    except yaml.YAMLError as exc:
        problems.error(rel, None, f"YAML does not parse: {shown(exc, 200)}")
    except RecursionError:
        # A chain of merges (<<: *a where a merges b, ...) is flattened recursively.
        problems.error(rel, None, "YAML does not parse: merges (<<: *name) are chained too deeply")
    except _VALUE_ERRORS as exc:
        problems.error(rel, None, f"YAML does not parse: {exc.__class__.__name__}: {shown(exc, 80)}")
    finally:
        if loader is not None:
            loader.dispose()
    return None


def yaml_records(site_root: Path, rel: str, problems: Problems, reads: dict[str, FileRead] | None = None) -> list[Raw]:
    """A YAML file holds one record (a mapping) or a list of records."""
    text = read_text(site_root, rel, problems, YAML_LIMIT, reads)
    if text is None:
        return []
    errors = len(problems.errors)
    doc = parse_yaml(text, rel, problems)
    if doc is None:
        if len(problems.errors) == errors:
            problems.warning(rel, None, "holds no records (it is empty)")
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


def table_records(
    site_root: Path,
    rel: str,
    headers: Mapping[str, str],
    problems: Problems,
    reads: dict[str, FileRead] | None = None,
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
        text = read_text(site_root, rel, problems, TABLE_LIMIT, reads)
        rows = _csv_rows(text, rel, problems) if text is not None else iter(())
        if text is not None and not _UNSHOWABLE.search(text):
            clean = _strip_cell  # every cell is text and none needs cleaning: a city's ledger is 6 million cells
    records: list[Raw] = []
    columns: list[str] | None = None
    for line, cells in rows:
        cells = [clean(c) for c in cells]
        if cells.count(None) == len(cells):
            continue  # blank lines are skipped
        if columns is None:
            columns = [_column_name(c, headers) for c in cells]
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
        records.append(Raw(rel, line, data, {}))
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
