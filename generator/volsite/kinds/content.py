"""Read every content file of a site into raw, typed records (nothing resolved yet)."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..bindings.cmark import MAX_NESTING, too_deep
from ..config import SiteConfig
from ..problems import Problem, Problems
from ..read.files import (
    MARKDOWN_LIMIT,
    TABLE_LIMIT,
    TABLE_SUFFIXES,
    YAML_SUFFIXES,
    FileRead,
    find_files,
    find_sized_files,
    read_text,
    read_within,
)
from ..read.tables import table_records
from ..read.yaml import yaml_records
from ..speed.workers import MAX_CHUNKS, map_claimed, runs_by_size
from . import activities, awards, ledger, teams, volunteers
from .documents import Document
from .registry import KINDS, Kind

# No content file larger than this is read (each kind has its own, smaller limit
# in read/files.py); a larger one is told apart by its size and time, not its bytes.
_LARGEST_READ = TABLE_LIMIT.bytes

MEDIA_FOLDER = "content/media"

# Below this many bytes to parse, forking costs more than it saves (parsing takes
# about 0.3 ms a 4 KB story, 5 us a ledger row).
PARALLEL_BYTES = 2_000_000

# A file and how to parse it (noting what it read of the file in the dict it is given, if any).
Job = tuple[str, Callable[[Problems, dict[str, FileRead] | None], list]]


@dataclass(frozen=True)
class Content:
    volunteers: tuple[volunteers.Volunteer, ...]
    teams: tuple[teams.Team, ...]
    activities: tuple[activities.Activity, ...]
    ledger: tuple[ledger.LedgerRow, ...]
    awards: tuple[awards.Award, ...]
    stories: tuple[Document, ...]
    pages: tuple[Document, ...]
    media: frozenset[str]  # files under content/media, as "media/..." paths
    reads: dict[str, FileRead]  # what was read of each file parsed for this load, if noted (load_content)


class ParsedFiles:
    """Records parsed from each content file, kept by the hash of the file's bytes.

    A rebuild (volsite serve) parses again only the files whose bytes changed;
    the problems a file had are kept with it and reported again.
    """

    def __init__(self, reused: bool = True, note_reads: bool = False) -> None:
        # Only files parsed again later need their bytes hashed (a second read of each
        # file, ~30 us a story): one build's own instance is not reused.
        self._reused = reused
        self._entries: dict[str, tuple[bytes, tuple, tuple[Problem, ...]]] = {}
        self._seen: set[str] = set()
        self._fresh: set[str] = set()  # parsed by parse_all for this load: not read again
        # What was read of each file parsed since forget_unseen, if asked for (hashing
        # every file read costs a cold build nothing; other builds would hash for nothing).
        self._note_reads = note_reads
        self.reads: dict[str, FileRead] = {}

    def get(
        self, site_root: Path, rel: str, parse: Callable[[Problems, dict | None], list]
    ) -> tuple[tuple, list[Problem]]:
        self._seen.add(rel)
        entry = self._entries.get(rel)
        if rel in self._fresh and entry is not None:
            return entry[1], list(entry[2])
        if not self._reused:
            found = Problems()
            return tuple(parse(found, self.reads if self._note_reads else None)), list(found)
        try:
            digest = _digest(site_root / rel)
        except OSError:
            digest = b""  # let the parser report why the file cannot be read
        if entry is not None and entry[0] == digest and digest:
            return entry[1], list(entry[2])
        found = Problems()
        items = tuple(parse(found, self.reads if self._note_reads else None))
        self._entries[rel] = (digest, items, tuple(found))
        return items, list(found)

    def parse_all(
        self,
        site_root: Path,
        jobs: list[Job],
        workers: int,
        meanwhile: Callable[[], None] | None = None,
        sizes: dict[str, int] | None = None,
    ) -> None:
        """Parse the files never parsed before (all of them, in a cold build) on `workers`
        processes at once, so that `get` finds them; this process does `meanwhile` first
        (shares.map_claimed). `sizes` are the files' as listed, if known."""
        unknown = [(rel, parse) for rel, parse in jobs if rel not in self._entries]
        sizes = {rel: sizes[rel] if sizes and rel in sizes else _size(site_root / rel) for rel, _ in unknown}
        if workers < 2 or sum(sizes.values()) < PARALLEL_BYTES:
            return

        def parse_chunk(chunk: list[Job]) -> list[tuple[str, bytes, tuple, tuple[Problem, ...], dict | None]]:
            done = []
            for rel, parse in chunk:
                try:
                    digest = _digest(site_root / rel) if self._reused else b""
                except OSError:
                    continue  # get reports it
                found = Problems()
                reads: dict[str, FileRead] | None = {} if self._note_reads else None
                done.append((rel, digest, tuple(parse(found, reads)), tuple(found), reads))
            return done

        largest_first = sorted(unknown, key=lambda job: -sizes[job[0]])
        chunks = runs_by_size(largest_first, min(MAX_CHUNKS, 64 * workers), lambda job: sizes[job[0]])
        for chunk in map_claimed(parse_chunk, chunks, workers, meanwhile=meanwhile):
            for rel, digest, items, found, reads in chunk:
                self._entries[rel] = (digest, items, found)
                self._fresh.add(rel)
                self.reads.update(reads or {})

    def forget_unseen(self) -> None:
        """Drop files that were not asked for since the last call (deleted or renamed)."""
        for rel in set(self._entries) - self._seen:
            del self._entries[rel]
        self._seen = set()
        self._fresh = set()
        self.reads = {}


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _digest(path: Path) -> bytes:
    """The hash of a file's bytes; OSError for one that cannot be read or is not a regular
    file (opened without waiting: a file made a pipe since it was listed would wait for a writer)."""
    with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError("not a regular file")
        if info.st_size > _LARGEST_READ:  # it will be refused: do not read gigabytes to say so
            return f"{info.st_size}:{info.st_mtime_ns}".encode()
        return hashlib.blake2b(read_within(handle, info.st_size, _LARGEST_READ), digest_size=16).digest()


def load_content(
    site_root: Path,
    config: SiteConfig,
    problems: Problems,
    parsed: ParsedFiles | None = None,
    workers: int = 1,
    meanwhile: Callable[[], None] | None = None,
    note_reads: bool = False,
) -> Content:
    """Every content file parsed; with note_reads (and no `parsed` of a session), Content.reads
    holds what was read of each."""
    parsed = parsed if parsed is not None else ParsedFiles(reused=False, note_reads=note_reads)
    sizes: dict[str, int] = {}  # of the files listed, as found

    def record_jobs(kind: Kind) -> list[Job]:
        tables = kind.table_headers
        suffixes = YAML_SUFFIXES + (TABLE_SUFFIXES if tables is not None else ())
        jobs = []
        for rel, size in find_sized_files(site_root, kind.folder, suffixes, problems):
            sizes[rel] = size

            def parse_file(local: Problems, reads: dict[str, FileRead] | None, rel=rel):
                raws = (
                    yaml_records(site_root, rel, local, reads)
                    if rel.lower().endswith(YAML_SUFFIXES)
                    else table_records(site_root, rel, tables, local, reads, kind.private_columns)
                )
                items = [item for raw in raws if (item := kind.module.parse(raw, local, config)) is not None]
                if kind.markdown_field is not None:
                    for item in items:
                        _check_nesting_in_field(item, kind.markdown_field, local)
                return items

            jobs.append((rel, parse_file))
        _warn_ignored(site_root, kind.folder, suffixes, problems)
        return jobs

    def document_jobs(kind: Kind) -> list[Job]:
        jobs = []
        for rel, size in find_sized_files(site_root, kind.folder, (".md", ".markdown"), problems):
            sizes[rel] = size

            def parse_file(local: Problems, reads: dict[str, FileRead] | None, rel=rel):
                text = read_text(site_root, rel, local, MARKDOWN_LIMIT, reads)
                doc = kind.module.parse(rel, text, local) if text is not None else None
                if doc is None:
                    return []
                if deep := too_deep(doc.body):
                    line, first = (doc.body_line + number - 1 for number in deep)
                    local.error(
                        rel,
                        line,
                        f"{doc.kind} '{doc.slug}': quotes, lists or emphasis are nested more than "
                        f"{MAX_NESTING} levels deep here (from line {first} on); {_NEST_LESS}",
                    )
                return [doc]

            jobs.append((rel, parse_file))
        return jobs

    jobs = {kind.name: (document_jobs if kind.documents else record_jobs)(kind) for kind in KINDS}
    parsed.parse_all(site_root, [job for kind in jobs.values() for job in kind], workers, meanwhile, sizes)

    def items(kind: str) -> tuple:
        found = []
        for rel, parse in jobs[kind]:
            parsed_items, file_problems = parsed.get(site_root, rel, parse)
            problems.extend(file_problems)
            found.extend(parsed_items)
        return tuple(found)

    content = Content(
        **{kind.name: items(kind.name) for kind in KINDS},
        media=frozenset(rel.removeprefix("content/") for rel in find_files(site_root, MEDIA_FOLDER, ("",), problems)),
        reads=parsed.reads,
    )
    parsed.forget_unseen()
    return content


_NEST_LESS = "a page needs a few at most: nest them less"


def _check_nesting_in_field(item, name: str, problems: Problems) -> None:
    """A record's Markdown field nested too deep, reported at the field's line."""
    text = getattr(item, name)
    if text and (deep := too_deep(text)):
        ident = getattr(item, "id", None)
        label = type(item).__name__.lower() + (f" '{ident}'" if ident else "")
        problems.error(
            item.path,
            item.lines.get(name, item.line),
            f"{label}: '{name}' nests quotes, lists or emphasis more than {MAX_NESTING} levels deep "
            f"(from its line {deep[1]} on); {_NEST_LESS}",
        )


def _warn_ignored(site_root: Path, folder: str, suffixes: tuple[str, ...], problems: Problems) -> None:
    # A roster saved as .xls or .txt would silently vanish from every total.
    for rel in find_files(site_root, folder, ("",), Problems()):  # links were reported already
        if not rel.lower().endswith(suffixes):
            problems.warning(rel, None, f"is not read: {folder}/ takes {', '.join(suffixes)} files")
