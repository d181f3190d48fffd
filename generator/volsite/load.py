"""Read every content file of a site into raw, typed records (nothing resolved yet)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import SiteConfig
from .kinds import activities, awards, ledger, pages, stories, teams, volunteers
from .kinds.documents import Document
from .problems import Problems
from .sources import TABLE_SUFFIXES, YAML_SUFFIXES, find_files, read_text, table_records, yaml_records

MEDIA_FOLDER = "content/media"


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


def load_content(site_root: Path, config: SiteConfig, problems: Problems) -> Content:
    def records(folder: str, tables: dict | None = None):
        found = []
        suffixes = YAML_SUFFIXES + (TABLE_SUFFIXES if tables is not None else ())
        for rel in find_files(site_root, folder, suffixes, problems):
            if rel.lower().endswith(YAML_SUFFIXES):
                found.extend(yaml_records(site_root, rel, problems))
            else:
                found.extend(table_records(site_root, rel, tables, problems))
        _warn_ignored(site_root, folder, suffixes, problems)
        return found

    def documents(folder: str, parse):
        found = []
        for rel in find_files(site_root, folder, (".md", ".markdown"), problems):
            text = read_text(site_root, rel, problems)
            if text is not None and (doc := parse(rel, text, problems)) is not None:
                found.append(doc)
        return tuple(found)

    def kept(items):
        return tuple(item for item in items if item is not None)

    return Content(
        volunteers=kept(volunteers.parse(raw, problems, config.publish_fields)
                        for raw in records(volunteers.FOLDER, volunteers.CSV_HEADERS)),
        teams=kept(teams.parse(raw, problems) for raw in records(teams.FOLDER)),
        activities=kept(activities.parse(raw, problems) for raw in records(activities.FOLDER)),
        ledger=kept(ledger.parse(raw, problems) for raw in records(ledger.FOLDER, ledger.CSV_HEADERS)),
        awards=kept(awards.parse(raw, problems) for raw in records(awards.FOLDER)),
        stories=documents(stories.FOLDER, stories.parse),
        pages=documents(pages.FOLDER, pages.parse),
        media=frozenset(rel.removeprefix("content/")
                        for rel in find_files(site_root, MEDIA_FOLDER, ("",), problems)),
    )


def _warn_ignored(site_root: Path, folder: str, suffixes: tuple[str, ...], problems: Problems) -> None:
    # A roster saved as .xls or .txt would silently vanish from every total.
    for rel in find_files(site_root, folder, ("",), Problems()):  # links were reported already
        if not rel.lower().endswith(suffixes):
            problems.warning(rel, None, f"is not read: {folder}/ takes {', '.join(suffixes)} files")
