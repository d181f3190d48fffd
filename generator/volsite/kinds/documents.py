"""Stories and standalone pages: Markdown with YAML front matter.

Both kinds share this reader; stories.py and pages.py say what each needs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..messages import say
from ..problems import Problems
from ..read.files import Raw
from ..read.yaml import LineMap, parse_yaml
from ..slugs import slug_from_filename
from .fields import ID_PATTERN, MAX_ID_LENGTH, Fields, shown

KNOWN = (
    "title",
    "date",
    "slug",
    "summary",
    "tags",
    "volunteers",
    "teams",
    "activity",
    "cover",
    "author",
    "draft",
    "updated",
    "order",
    "menu",
)
# Notices (通知公告) only: shown first and on the home page, and until when there.
NOTICE_FIELDS = ("pinned", "until")

_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(\n|\Z)", re.S)


@dataclass(frozen=True)
class Document:
    kind: str  # "story", "page" or "notice"
    slug: str
    title: str
    date: dt.date
    updated: dt.date | None
    summary: str | None
    tags: tuple[str, ...]
    volunteers: tuple[str, ...]
    teams: tuple[str, ...]
    activity: str | None
    cover: str | None
    author: str | None
    draft: bool
    order: int | None  # pages: position in the menu
    menu: bool  # pages: listed in the site menu
    body: str  # Markdown
    body_line: int  # file line where the body starts
    path: str
    line: int
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    pinned: bool = False  # notices: shown first, and on the home page until `until`
    until: dt.date | None = None  # notices: the last day a pinned one is on the home page


def split_front_matter(text: str, rel: str, problems: Problems) -> tuple[LineMap | None, str, int]:
    """(front matter, body, first line of the body)."""
    match = _FRONT.match(text)
    if not match:
        problems.error(
            rel,
            1,
            say(
                "V260",
                "must start with front matter between two '---' lines (title and date at least): put a line of "
                "three dashes first, then a 'title:' line and a 'date:' line, then three dashes again",
            ),
        )
        return None, text, 1
    front_text = match.group(1) or ""
    body = text[match.end() :]
    body_line = front_text.count("\n") + 3
    front = parse_yaml(front_text, rel, problems, line_offset=1)
    if front is None:
        if not front_text.strip():
            problems.error(
                rel,
                1,
                say(
                    "V261",
                    "front matter is empty: give at least title and date, one a line between the '---' lines, "
                    "such as date: 2024-03-05",
                ),
            )
        return None, body, body_line
    if not isinstance(front, LineMap):
        problems.error(
            rel,
            2,
            say(
                "V262",
                "front matter must be a mapping of field: value: write one field a line, such as "
                "title: A day at the clinic",
            ),
        )
        return None, body, body_line
    front.lines = {k: v + 1 for k, v in front.lines.items()}
    return front, body, body_line


def parse(kind: str, rel: str, text: str, problems: Problems) -> Document | None:
    front, body, body_line = split_front_matter(text, rel, problems)
    if front is None:
        return None
    raw = Raw(rel, 1, front, front.lines)
    f = Fields(raw, kind, problems)
    f.check_known(KNOWN + NOTICE_FIELDS if kind == "notice" else KNOWN)
    title = f.text("title", required=True)
    date = f.date("date", required=True)
    slug = f.text("slug")
    if slug is not None and not ID_PATTERN.match(slug):
        f.error(
            "slug",
            say(
                "V263",
                "'{field}' must be lower-case letters, digits and '-', not '{value}': write it in pinyin or "
                "English, such as blood-drive-2024",
                field=f.name("slug"),
                value=shown(slug),
            ),
        )
        slug = None
    elif slug is not None and len(slug) > MAX_ID_LENGTH:
        f.error(
            "slug",
            say(
                "V264",
                "'{field}' is {length} characters long; a slug may have at most {limit} "
                "(it appears in web addresses): shorten it",
                field=f.name("slug"),
                length=len(slug),
                limit=MAX_ID_LENGTH,
            ),
        )
        slug = None
    if slug is None:
        slug = slug_from_filename(PurePosixPath(rel).stem)
        if not slug:
            f.error(
                None,
                say(
                    "V265",
                    "the file name gives no slug: add a 'slug' field, such as slug: blood-drive-2024 "
                    "(letters, digits and '-')",
                ),
            )
    order = f.whole("order")
    pinned, until = _pinned(f, date) if kind == "notice" else (False, None)
    document = Document(
        kind=kind,
        slug=slug or "",
        title=title or "",
        date=date or dt.date.min,
        updated=f.date("updated"),
        summary=f.text("summary"),
        tags=tuple(dict.fromkeys(f.text_list("tags"))),
        volunteers=f.id_list("volunteers"),
        teams=f.id_list("teams"),
        activity=f.ident("activity", required=False),
        cover=f.text("cover"),
        author=f.text("author"),
        draft=bool(f.boolean("draft", False)),
        order=order,
        menu=bool(f.boolean("menu", kind == "page")),
        body=body,
        body_line=body_line,
        path=rel,
        line=1,
        lines=dict(front.lines),
        pinned=pinned,
        until=until,
    )
    return document if slug else None


def _pinned(f: Fields, date: dt.date | None) -> tuple[bool, dt.date | None]:
    """A notice's `pinned` and `until`, with a warning where `until` would do nothing."""
    pinned = bool(f.boolean("pinned", False))
    until = f.date("until")
    if until is not None and not pinned:
        f.warning(
            "until",
            say(
                "V231",
                "'{field}' says until when a pinned notice stays on the home page, but this notice is not "
                "pinned, so it does nothing: add 'pinned: true' to show it on the home page until then, "
                "or remove '{field}'",
                field=f.name("until"),
            ),
        )
    elif until is not None and date is not None and until < date:
        f.warning(
            "until",
            say(
                "V232",
                "'{field}' ({until}) is before the notice's date ({date}), so it is never on the home page: "
                "correct the date, or remove '{field}' to keep it there",
                field=f.name("until"),
                until=until.isoformat(),
                date=date.isoformat(),
            ),
        )
    return pinned, until
