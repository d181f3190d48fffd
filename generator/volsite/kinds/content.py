"""Read every content file of a site into raw, typed records (nothing resolved yet)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..bindings.cmark import MAX_NESTING, too_deep
from ..config import SiteConfig
from ..messages import Message, say, words
from ..problems import Problem, Problems
from ..read.files import (
    MARKDOWN_LIMIT,
    TABLE_LIMIT,
    TABLE_SUFFIXES,
    YAML_SUFFIXES,
    FileRead,
    file_read,
    find_files,
    find_sized_files,
    read_text,
)
from ..read.tables import table_records
from ..read.yaml import yaml_records
from ..seams import NoStore, OneProcess, Store, Workers
from . import activities, awards, ledger, registry, teams, volunteers
from .documents import Document
from .registry import Kind, label_of

# No content file larger than this is read (each kind has its own, smaller limit
# in read/files.py); a larger one is told apart by its size and time, not its bytes.
_LARGEST_READ = TABLE_LIMIT.bytes

MEDIA_FOLDER = "content/media"

# Parsing costs about 0.3 ms a 4 KB story, 5 us a ledger row: some 75 ns a byte.
PARSE_COST_A_BYTE = 0.075

# A content file and how to parse it.
Job = tuple[str, Callable[[Problems], list[Any]]]
# What parsing a file gave: what was read of it (None if it could not be read), its
# records and its problems.
Parsed = tuple[FileRead | None, tuple[Any, ...], tuple[Problem, ...]]


@dataclass(frozen=True)
class Content:
    records: dict[str, tuple[Any, ...]]  # of each kind in registry.KINDS, by its name, as read
    media: frozenset[str]  # files under content/media, as "media/..." paths

    # The kinds the site is built around, by name.
    @property
    def volunteers(self) -> tuple[volunteers.Volunteer, ...]:
        return self.records["volunteers"]

    @property
    def teams(self) -> tuple[teams.Team, ...]:
        return self.records["teams"]

    @property
    def activities(self) -> tuple[activities.Activity, ...]:
        return self.records["activities"]

    @property
    def ledger(self) -> tuple[ledger.LedgerRow, ...]:
        return self.records["ledger"]

    @property
    def awards(self) -> tuple[awards.Award, ...]:
        return self.records["awards"]

    @property
    def stories(self) -> tuple[Document, ...]:
        return self.records["stories"]

    @property
    def pages(self) -> tuple[Document, ...]:
        return self.records["pages"]

    @property
    def notices(self) -> tuple[Document, ...]:
        return self.records["notices"]


def _parsed(
    site_root: Path, jobs: list[Job], sizes: dict[str, int], workers: Workers, store: Store
) -> list[tuple[tuple[Any, ...], tuple[Problem, ...]]]:
    """Each job's records and problems, in order. What the store kept of a file with the
    same bytes (a preview session's earlier build) is not parsed again; what was read of
    each file, and what it gave, is put in the store."""

    def parse_run(run: list[Job]) -> list[Parsed]:
        done: list[Parsed] = []
        for rel, parse in run:
            read = file_read(site_root / rel, _LARGEST_READ)
            kept = store.get("parsed", rel) if read is not None else None
            if kept is not None and read is not None and kept[0] == read[4]:
                done.append((read, kept[1], kept[2]))
                continue
            found = Problems()
            done.append((read, tuple(parse(found)), tuple(found)))
        return done

    largest_first = sorted(jobs, key=lambda job: -sizes[job[0]])
    results: dict[str, Parsed] = dict(
        zip(
            (rel for rel, _ in largest_first),
            workers.map(parse_run, largest_first, cost=lambda job: sizes[job[0]] * PARSE_COST_A_BYTE),
        )
    )
    reads = {rel: read for rel, (read, _, _) in results.items() if read is not None}
    store.put("read", reads)
    store.put(
        "parsed", {rel: (reads[rel][4], items, found) for rel, (_, items, found) in results.items() if rel in reads}
    )
    return [results[rel][1:] for rel, _ in jobs]


def load_content(
    site_root: Path,
    config: SiteConfig,
    problems: Problems,
    workers: Workers | None = None,
    store: Store | None = None,
) -> Content:
    """Every content file parsed, on `workers`, with what `store` kept."""
    sizes: dict[str, int] = {}  # of the files listed, as found
    ignored = ignored_by(config.ignore)

    def files_of(kind: Kind, suffixes: tuple[str, ...]) -> list[tuple[str, int]]:
        found = [(rel, size) for rel, size in find_sized_files(site_root, kind.folder, suffixes, problems)]
        _refuse_unread(site_root, kind.folder, suffixes, ignored, problems)
        return [(rel, size) for rel, size in found if not ignored(rel)]

    def record_jobs(kind: Kind) -> list[Job]:
        tables = kind.table_headers
        suffixes = YAML_SUFFIXES + (TABLE_SUFFIXES if tables is not None else ())
        # A table's date columns (a spreadsheet's date serials are read there), and headers
        # whose meaning gives way to another column's (a roster's 志愿者编号 beside its 编号).
        dates = frozenset(getattr(kind.module, "TABLE_DATES", ()))
        yielding = dict(getattr(kind.module, "TABLE_YIELDING", {}))
        jobs: list[Job] = []
        for rel, size in files_of(kind, suffixes):
            sizes[rel] = size

            def parse_file(local: Problems, rel: str = rel) -> list[Any]:
                raws = (
                    table_records(
                        site_root, rel, tables, local, private=kind.private_columns, dates=dates, yielding=yielding
                    )
                    if tables is not None and not rel.lower().endswith(YAML_SUFFIXES)
                    else yaml_records(site_root, rel, local)
                )
                items = [item for raw in raws if (item := kind.module.parse(raw, local, config)) is not None]
                if kind.markdown_field is not None:
                    for item in items:
                        _check_nesting_in_field(item, kind.markdown_field, local)
                return items

            jobs.append((rel, parse_file))
        return jobs

    def document_jobs(kind: Kind) -> list[Job]:
        jobs: list[Job] = []
        for rel, size in files_of(kind, (".md", ".markdown")):
            sizes[rel] = size

            def parse_file(local: Problems, rel: str = rel) -> list[Any]:
                text = read_text(site_root, rel, local, MARKDOWN_LIMIT)
                doc = kind.module.parse(rel, text, local) if text is not None else None
                if doc is None:
                    return []
                if deep := too_deep(doc.body):
                    line, first = (doc.body_line + number - 1 for number in deep)
                    local.error(
                        rel,
                        line,
                        say(
                            "V171",
                            "quotes, lists or emphasis are nested more than {limit} levels deep here "
                            "(from line {first} on); a page needs a few at most: nest them less",
                            limit=MAX_NESTING,
                            first=first,
                        ),
                        subject=_document_named(doc),
                    )
                return [doc]

            jobs.append((rel, parse_file))
        return jobs

    jobs = {kind.name: (document_jobs if kind.documents else record_jobs)(kind) for kind in registry.KINDS}
    parsed = iter(
        _parsed(
            site_root,
            [job for kind_jobs in jobs.values() for job in kind_jobs],
            sizes,
            workers or OneProcess(),
            store or NoStore(),
        )
    )
    records: dict[str, tuple[Any, ...]] = {}
    for name, kind_jobs in jobs.items():
        found: list[Any] = []
        for _ in kind_jobs:
            items, file_problems = next(parsed)
            problems.extend(file_problems)
            found.extend(items)
        records[name] = tuple(found)
    return Content(
        records,
        media=frozenset(rel.removeprefix("content/") for rel in find_files(site_root, MEDIA_FOLDER, ("",), problems)),
    )


def _document_named(doc: Document) -> Message:
    if doc.kind == "page":
        return words("page '{slug}'", slug=doc.slug)
    if doc.kind == "notice":
        return words("notice '{slug}'", slug=doc.slug)
    return words("story '{slug}'", slug=doc.slug)


def _check_nesting_in_field(item: Any, name: str, problems: Problems) -> None:
    """A record's Markdown field nested too deep, reported at the field's line."""
    text = getattr(item, name)
    if text and (deep := too_deep(text)):
        ident = getattr(item, "id", None)
        problems.error(
            item.path,
            item.lines.get(name, item.line),
            say(
                "V172",
                "'{field}' nests quotes, lists or emphasis more than {limit} levels deep "
                "(from its line {first} on); a page needs a few at most: nest them less",
                field=name,
                limit=MAX_NESTING,
                first=deep[1],
            ),
            subject=words("{kind} '{id}'", kind=label_of(item), id=ident) if ident else None,
        )


def _refuse_unread(
    site_root: Path, folder: str, suffixes: tuple[str, ...], ignored: Callable[[str], bool], problems: Problems
) -> None:
    """A file in a content folder that volsite does not read is a problem: a roster saved as
    .docx or .et would otherwise vanish from every total. Those that site.yaml ignores are
    passed over (and hidden files and Windows' Thumbs.db, by find_files)."""
    for rel in find_files(site_root, folder, ("",), Problems()):  # links were reported already
        if not rel.lower().endswith(suffixes) and not ignored(rel):
            problems.error(
                rel,
                None,
                say(
                    "V170",
                    "is not read: {folder}/ takes {suffixes} files. Save it as one of them, move it under "
                    "content/media/ to publish it as a file, or list it under ignore in site.yaml "
                    "(ignore: [{pattern}]) if volsite is to pass it over",
                    folder=folder.removeprefix("content/"),
                    suffixes=suffixes,
                    pattern=rel.removeprefix("content/"),
                ),
            )


def ignored_by(patterns: Collection[str]) -> Callable[[str], bool]:
    """Whether site.yaml's `ignore` names a file (its path from the site's root): each pattern is
    a path under content/ where * stands for any part of a name, ** for any folders, and a
    pattern without '/' names a file in any folder (README.txt, *.docx); a pattern that ends
    in '/' names a folder and all under it. Letters match in either case."""
    if not patterns:
        return lambda rel: False
    expressions = []
    for pattern in patterns:
        pattern = pattern.strip().replace("\\", "/").removeprefix("./").removeprefix("content/")
        if not pattern:
            continue
        if pattern.endswith("/"):
            pattern += "**"
        if "/" not in pattern:
            pattern = "**/" + pattern
        expressions.append(_glob_expression(pattern))
    found = re.compile("|".join(expressions) or "(?!)", re.IGNORECASE)
    return lambda rel: found.fullmatch(rel.removeprefix("content/")) is not None


def _glob_expression(pattern: str) -> str:
    out, at = [], 0
    while at < len(pattern):
        if pattern.startswith("**/", at):
            out.append("(?:.*/)?")
            at += 3
        elif pattern.startswith("**", at):
            out.append(".*")
            at += 2
        elif pattern[at] == "*":
            out.append("[^/]*")
            at += 1
        elif pattern[at] == "?":
            out.append("[^/]")
            at += 1
        else:
            out.append(re.escape(pattern[at]))
            at += 1
    return "(?:" + "".join(out) + ")"
