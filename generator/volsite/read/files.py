"""Content files on disk: the limits on what is read, finding the files under a folder, and
reading their bytes and text, each refused with a problem (never an exception) when it cannot be.
Raw is a record as read from any of them (yaml.py, tables.py)."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ..digests import hex_digest
from ..messages import Message, say, words
from ..problems import Problems
from .text import _UNSHOWABLE, _decode, clean_text, shown

YAML_SUFFIXES = (".yaml", ".yml")
# Text tables: CSV, and what Excel saves as "Unicode text" or "Text (tab delimited)" (.txt) and
# other programs as .tsv. Spreadsheets: Excel (.xlsx, and the .xls of Excel 97-2003 that offices
# and WPS still save) and OpenDocument (.ods, LibreOffice and WPS).
TEXT_TABLE_SUFFIXES = (".csv", ".tsv", ".txt")
SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".ods")
TABLE_SUFFIXES = TEXT_TABLE_SUFFIXES + SPREADSHEET_SUFFIXES
# Files that programs leave beside the ones staff save, passed over without a word: Windows'
# thumbnail caches and folder settings (hidden files, .DS_Store and the lock files of Excel
# and WPS, ~$名单.xlsx, are passed over by their first character).
SYSTEM_FILES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini"})

MB = 1_000_000


@dataclass(frozen=True)
class Limit:
    """The largest file of one kind that is read, and what to do with a larger one."""

    bytes: int
    what: Message | str
    advice: Message | str


# Each limit is far above what staff write by hand, and keeps one stray file (a
# database dump, a video renamed .md) from holding a build for minutes or eating
# the machine's memory; a larger file is refused before it is read.
#
# Markdown: 1 MB is about 330,000 Chinese characters, a whole book; converting
# Markdown costs about 3 s per MB and no resident reads such a page on a phone.
MARKDOWN_LIMIT = Limit(
    1 * MB,
    words("a story or page"),
    words("split it into several stories, or link to the full text as a file under media/"),
)
# YAML: reading YAML costs more than a second per MB, more for larger files (a
# 4.9 MB ledger of 60,000 rows loads in about 6 s and 380 MB); 5 MB is some
# 60,000 ledger rows or 20,000 volunteers in one file.
YAML_LIMIT = Limit(
    5 * MB,
    words("a YAML file"),
    words("split the records over several files (one per year, say), or keep long ledgers in CSV"),
)
# Tables and spreadsheets: 20 MB is about 500,000 ledger rows of CSV (a 19.9 MB ledger loads
# in about 8 s and 550 MB); Excel itself cannot open a sheet of more than 1,048,576
# rows. A larger ledger is an export of a whole database, not one organisation's
# records; a 50 MB one took 23 s and 1.4 GB to load and 2 minutes to build.
TABLE_LIMIT = Limit(
    20 * MB,
    words("a table (CSV or spreadsheet) file"),
    words("split it into several files, one per year for example"),
)
# An .xlsx or .ods is a zip archive: a small file may unpack into gigabytes (a zip bomb).
# 100,000 ledger rows unpack to 22 MB of .xlsx; 50 MB is some 225,000 rows, about what
# TABLE_LIMIT allows a CSV (bench/README.md: python-calamine reads them in about a second).
MAX_XLSX_UNPACKED_BYTES = 50 * MB
# Cells a spreadsheet reader may lay out for one sheet: the rows down to its last filled cell
# times the columns across to its rightmost one. python-calamine lays every sheet out whole,
# 32 bytes a cell, before volsite sees a row; a cell typed at XFD1048576 of an empty sheet
# asks it for 17 billion (it aborts the process), and a 1.5 KB .ods that repeats one cell
# 100,000 times down and 1,000 across for 12 GB. read/sheets.py counts them in the file first.
# 5 million cells (160 MB) hold 225,000 rows of 20 columns, more than MAX_XLSX_UNPACKED_BYTES.
MAX_SHEET_CELLS = 5_000_000
# Columns read from a sheet. A sheet may claim 16,384 columns per row; a roster or ledger has
# a dozen, a national platform's export some thirty.
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
    # Each field's name as the file wrote it, where that is not the field's own name (a
    # roster's 时长 column for `hours`): messages name a field as staff wrote it.
    names: Mapping[str, str] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)

    def name_of(self, key: str) -> str:
        return self.names.get(key, key)


def _size(count: int) -> Message:
    if count >= MB // 10:
        return words("{size} MB", size=f"{count / MB:.1f}")
    return words("{count} bytes", count=f"{count:,}")


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


# What was read of a file: its size, times and inode as it was opened, and the hash of its
# bytes (the one speed.record's inputs digest makes, so that a build need not read it again).
FileRead = tuple[int, int, int, int, str]


def file_read(path: Path, limit: int) -> FileRead | None:
    """What a file is as it is read, with the hash of its bytes; None for one that cannot be
    read, is not a regular file (opened without waiting: a file made a pipe since it was
    listed would wait for a writer) or is larger than `limit` (reading it says why)."""
    try:
        with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
                return None
            data = read_within(handle, info.st_size, limit)
    except OSError:
        return None
    digest = hex_digest(data)
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, digest


def read_bytes(site_root: Path, rel: str, problems: Problems, limit: Limit = YAML_LIMIT) -> bytes | None:
    """The bytes of a file, or None (with the problem recorded) when it cannot be read or is too big."""
    try:
        # Non-blocking, so that a pipe named like a content file cannot hang the build.
        descriptor = os.open(site_root / rel, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                problems.error(rel, None, not_regular())
                return None
            data = read_within(handle, info.st_size, limit.bytes)
            if len(data) > limit.bytes:
                size = max(os.fstat(handle.fileno()).st_size, len(data))
                problems.error(rel, None, too_big(size, limit))
                return None
    except OSError as exc:
        problems.error(rel, None, cannot_read(exc))
        return None
    return data


def too_big(size: int, limit: Limit) -> Message:
    return say(
        "V101",
        "is {size}, more than the {limit} {what} may hold: {advice}",
        size=_size(size),
        limit=_size(limit.bytes),
        what=limit.what,
        advice=limit.advice,
    )


def cannot_read(exc: OSError) -> Message:
    return say(
        "V102",
        "cannot be read: {reason}. Check that the file is not open in another program and that "
        "you may read it, then build again",
        reason=shown(exc.strerror or exc),
    )


def read_text(site_root: Path, rel: str, problems: Problems, limit: Limit = YAML_LIMIT) -> str | None:
    """A text file as a str with '\\n' line ends, or None with the problem recorded."""
    data = read_bytes(site_root, rel, problems, limit)
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
        character = f"U+{ord(found.group()):04X}"
        problems.warning(
            rel,
            line,
            say(
                "V103",
                "holds an invisible control character ({character}) on this line that no web page can show; "
                "it is read as a space: delete it",
                character=character,
            )
            if count == 1
            else say(
                "V104",
                "holds {count} invisible control characters that no web page can show ({character} on this "
                "line is the first); they are read as spaces: delete them",
                count=count,
                character=character,
            ),
        )
        text = _UNSHOWABLE.sub(" ", text)
    return text


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
                    say(
                        "V105",
                        "is a link to a folder, which volsite does not follow: move the folder here instead",
                    ),
                )
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith((".", "~$")) or name.lower() in SYSTEM_FILES:
                continue
            full = os.path.join(dirpath, name)
            rel = f"{rel_dir}/{name}"
            if not name.lower().endswith(suffixes):
                # Not read, but a pipe here is no file staff meant to keep (and would stall a tool
                # that reads the folder): said like one that is read.
                if _is_special(full):
                    problems.error(_printable(rel), None, not_regular())
                continue
            # A printable name (a C-speed test) holds no undecodable byte (a lone surrogate),
            # line break or control character; only others need the checks that say which.
            if not rel.isprintable():
                if _printable(rel) != rel:
                    problems.error(
                        _printable(rel),
                        None,
                        say(
                            "V106",
                            "the file name is not valid UTF-8 (� marks the bytes that are not): rename the file",
                        ),
                    )
                    continue
                if shown(rel, len(rel)) != rel or _UNSHOWABLE.search(rel):
                    problems.error(
                        shown(clean_text(rel), len(rel)),
                        None,
                        say("V107", "the file name holds a line break or control character: rename the file"),
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
                        problems.error(
                            rel,
                            None,
                            say(
                                "V108",
                                "is a link that points outside {folder}/: put the file itself here instead of a link",
                                folder=folder,
                            ),
                        )
                        continue
            except (OSError, RuntimeError):  # a broken link, or a loop of links
                problems.error(rel, None, say("V109", "is a link that leads nowhere (or in a loop): remove it"))
                continue
            if not stat.S_ISREG(info.st_mode):
                problems.error(rel, None, not_regular())
                continue
            found.append((rel, info.st_size))
    return sorted(found)


def empty_file() -> Message:
    return say("V110", "holds no records (it is empty): add records to it, or delete it")


def not_regular() -> Message:
    return say("V100", "is not a regular file (a pipe, socket or device?): remove it")


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
