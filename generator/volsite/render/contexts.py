"""What each template is given: one dataclass per template, of named fields only.

A theme author overrides a template knowing only its context: docs/templates.md is
made from these classes (`python3 -m volsite.render.contexts > docs/templates.md`; a test fails
when it is stale). The comment beside a field is its documentation there.

Every template also sees the globals in GLOBALS.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import io
import re
import tokenize
from dataclasses import dataclass
from decimal import Decimal

from ..kinds.identities import Identity
from ..model.figures import YearFigures
from .views import (
    ActivityBrief,
    AwardBrief,
    CategoryLink,
    ContactView,
    Headline,
    Honour,
    MeasureFigure,
    NoticeView,
    ProfileView,
    Ranked,
    ServiceGroup,
    ServiceLine,
    ServiceRow,
    StarGroup,
    StarRoll,
    StoryView,
    TagCount,
    TeamNode,
    TeamView,
    TimelineYear,
    TitleAwards,
    Verification,
    YearActivities,
    YearAwards,
    YearHours,
)
from .views import ActivityPage as ActivityPage  # the view is the whole context of activity.html


@dataclass(frozen=True)
class NavEntry:
    """One entry of the site's menu."""

    title: str
    url: str  # its path from the site's root, starting with / (compare with nav_here)
    href: str  # its link, under the base path


@dataclass(frozen=True)
class HomePage:
    headline: Headline  # the site's headline figures
    stories: tuple[StoryView, ...]  # the six newest stories
    activities: tuple[ActivityBrief, ...]  # the six newest activities held
    awards: tuple[AwardBrief, ...]  # the six newest awards
    candidates: int  # nominees under public posting (公示) now
    upcoming: tuple[ActivityBrief, ...] = ()  # the next six activities after today (即将开展), soonest first
    notices: tuple[NoticeView, ...] = ()  # the pinned notices not past their `until` today (通知公告), newest first
    join: str | None = None  # the page whose slug is join (加入我们, relative to the base path), if the site has one


@dataclass(frozen=True)
class StoriesPage:
    stories: tuple[StoryView, ...]  # this page's stories, newest first
    number: int  # this page's number, from 1
    pages: int  # how many pages the list has
    newer: str | None  # the page before (newer stories), or None on the first
    older: str | None  # the page after (older stories), or None on the last


@dataclass(frozen=True)
class TagPage:
    tag: str  # the tag as written
    stories: tuple[StoryView, ...]  # this page's stories with the tag, newest first
    number: int
    pages: int
    newer: str | None
    older: str | None


@dataclass(frozen=True)
class StoryPage:
    story: StoryView


@dataclass(frozen=True)
class StandalonePage:
    page: StoryView  # a page of content/pages (no tags, people or cover)


@dataclass(frozen=True)
class TagsPage:
    tags: tuple[TagCount, ...]  # most stories first


@dataclass(frozen=True)
class DirectoryPage:
    groups: tuple[StarGroup, ...]  # public volunteers by stars, most stars first
    hidden: int  # volunteers counted but not named


@dataclass(frozen=True)
class ProfilePage:
    profile: ProfileView


@dataclass(frozen=True)
class StatementPage:
    profile: ProfileView  # whose statement it is
    lines: tuple[ServiceLine, ...]  # every service, oldest first
    years: tuple[YearHours, ...]  # hours by year, oldest first
    verification: Verification  # its number, 记录截至, issuer and QR code
    summary: tuple[ServiceRow, ...]  # the lines summed by year and content to print on one page; empty when they fit


@dataclass(frozen=True)
class TeamsPage:
    forest: tuple[TeamNode, ...]  # the teams without a parent, each with its sub-teams


@dataclass(frozen=True)
class TeamPage:
    team: TeamView


@dataclass(frozen=True)
class TimelinePage:
    years: tuple[TimelineYear, ...]  # activities held, newest first
    upcoming: tuple[ActivityBrief, ...] = ()  # activities after today, soonest first


@dataclass(frozen=True)
class HonoursPage:
    years: tuple[YearAwards, ...]  # years with awards, newest first
    rolls: tuple[StarRoll, ...]  # today's stars, five stars first
    board: tuple[Ranked, ...]  # the leaderboard of all hours
    board_years: tuple[int, ...]  # years with service, newest first
    candidates: int  # nominees under public posting now


@dataclass(frozen=True)
class HonoursYearPage:
    year: int
    titles: tuple[TitleAwards, ...]  # that year's awards by title
    board: tuple[Ranked, ...]  # that year's leaderboard, with the stars each held at the end of the year
    years: tuple[int, ...]  # every year with awards, newest first
    rolls: tuple[StarRoll, ...] = ()  # the stars held at the end of that year, five stars first


@dataclass(frozen=True)
class CandidatesPage:
    candidates: tuple[AwardBrief, ...]  # posted today (正在公示): the posting that ends first, first
    ended: tuple[AwardBrief, ...] = ()  # postings ended, the result not yet recorded: the latest first


@dataclass(frozen=True)
class CertificatePage:
    award: AwardBrief
    verification: Verification  # its number, 记录截至, the issuer to ask and a QR code of the page


@dataclass(frozen=True)
class ProofPage:
    """A 志愿服务记录证明 that `volsite statements` writes for staff to print, sign and stamp: never
    part of the site. It names the volunteer's identity document, so it is a private document."""

    identity: Identity  # PRIVATE: the whole name, 证件类型, 证件号码 and 志愿者编号
    year: int | None  # the year it covers; None: every year
    first: dt.date | None  # the first service it covers
    last: dt.date | None  # the last service it covers
    rows: tuple[ServiceRow, ...]  # service, oldest first: every one, or summed to fit the page (summed)
    summed: bool  # the rows sum several services each
    services: int  # services it covers (人次)
    hours: Decimal  # their hours, in all
    training: tuple[ServiceRow, ...]  # training (培训), recorded apart from service; empty when none is recorded
    training_hours: Decimal
    honours: tuple[Honour, ...]  # newest first
    more_honours: int  # honours left out to keep to one page
    verification: Verification  # its number; a QR code of the public statement when the volunteer has one
    issued: dt.date  # the day it was made (today)


@dataclass(frozen=True)
class ProofEntry:
    """A statement in the folder's index."""

    name: str  # the volunteer's whole name (private)
    file: str  # the statement's HTML file, in the same folder
    pdf: str | None  # its PDF, when one was made
    hours: Decimal
    number: str


@dataclass(frozen=True)
class ProofsPage:
    """index.html of the folder `volsite statements` writes: the statements in it. Private."""

    entries: tuple[ProofEntry, ...]
    year: int | None
    issued: dt.date


@dataclass(frozen=True)
class ChartRow:
    label: str
    value: str  # formatted


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str  # the drawing, as SVG markup (print it with | safe)
    scrolls: bool  # wider than a phone: shown in a box that scrolls sideways
    label_heading: str  # the data table's first column heading
    value_heading: str  # its second column heading
    rows: tuple[ChartRow, ...]  # the drawing's data, as a table
    caption: str = ""  # what the drawing shows when it is not the whole table (最近 24 个月), else empty


@dataclass(frozen=True)
class StatsYear:
    year: int
    figures: YearFigures  # that year's hours, activities, active volunteers, person-times, people served
    measures: tuple[MeasureFigure, ...] = ()  # that year's sum of each measure in headline.measures, in its order


@dataclass(frozen=True)
class StatsPage:
    charts: tuple[Chart, ...]
    years: tuple[StatsYear, ...]  # newest first
    headline: Headline


@dataclass(frozen=True)
class EmptyPage:
    """search.html, 404.html and robots.txt are given the globals only."""


@dataclass(frozen=True)
class FeedPage:
    stories: tuple[StoryView, ...]  # the newest stories
    updated: dt.date | None  # when the newest of them (or of the notices) was last changed
    entries: tuple[StoryView, ...] = ()  # the newest stories and notices together, newest first


@dataclass(frozen=True)
class SitemapEntry:
    url: str  # the page's path from the site's root (print with | abs_url)
    updated: dt.date | None  # a story's last change; None for other pages


@dataclass(frozen=True)
class SitemapPage:
    pages: tuple[SitemapEntry, ...]


@dataclass(frozen=True)
class NoticesPage:
    notices: tuple[NoticeView, ...]  # this page's notices: those pinned today first, then newest first
    number: int  # this page's number, from 1
    pages: int  # how many pages the list has
    newer: str | None  # the page before, or None on the first
    older: str | None  # the page after, or None on the last


@dataclass(frozen=True)
class NoticePage:
    notice: NoticeView


@dataclass(frozen=True)
class ServicesPage:
    groups: tuple[ServiceGroup, ...]  # the teams that offer services, by category (those without one last)


@dataclass(frozen=True)
class ActivitiesPage:
    """/activities/ and each category's list (activities/category/<slug>/)."""

    category: str | None  # the category listed, None: every activity
    categories: tuple[CategoryLink, ...]  # every category, as filter links (current: the one listed)
    upcoming: tuple[ActivityBrief, ...]  # activities after today, soonest first, each with its sign-up
    years: tuple[YearActivities, ...]  # activities held, by year, newest first
    calendar: str  # the iCalendar feed of upcoming activities (activities.ics: print with | url or | abs_url)


# Every template, the class of its context.
TEMPLATES: dict[str, type] = {
    "home.html": HomePage,
    "stories.html": StoriesPage,
    "tag.html": TagPage,
    "story.html": StoryPage,
    "page.html": StandalonePage,
    "tags.html": TagsPage,
    "volunteers.html": DirectoryPage,
    "volunteer.html": ProfilePage,
    "hours.html": StatementPage,
    "teams.html": TeamsPage,
    "team.html": TeamPage,
    "activity.html": ActivityPage,
    "timeline.html": TimelinePage,
    "honors.html": HonoursPage,
    "honors_year.html": HonoursYearPage,
    "candidates.html": CandidatesPage,
    "certificate.html": CertificatePage,
    "proof.html": ProofPage,
    "proofs.html": ProofsPage,
    "stats.html": StatsPage,
    "search.html": EmptyPage,
    "404.html": EmptyPage,
    "robots.txt": EmptyPage,
    "feed.xml": FeedPage,
    "sitemap.xml": SitemapPage,
    "notices.html": NoticesPage,
    "notice.html": NoticePage,
    "services.html": ServicesPage,
    "activities.html": ActivitiesPage,
}

# What every template sees besides its context: name → (type, meaning).
GLOBALS: dict[str, tuple[str, str]] = {
    "site": (
        "SiteConfig",
        "the settings of site.yaml (site.title, site.description, site.organization, "
        "site.stars, site.statement_issuer, site.base_url, …)",
    ),
    "t": (
        "strings",
        "the interface's words in the site's language, by name: {{ t.stories }}; the list is render/i18n.py",
    ),
    "lang": ("str", "the site's language: zh-CN or en"),
    "nav": ("tuple[NavEntry, ...]", "the menu"),
    "nav_here": ("frozenset[str]", "the url of each menu entry this page is at or under"),
    "max_stars": ("int", "how many stars there are (site.yaml stars)"),
    "contact": (
        "ContactView | None",
        "the organisation's public contact (site.yaml contact: phone, email, address, WeChat QR), None when none",
    ),
    "route": ("Route", "this page: route.url (its path from the site's root), route.kind, route.key, route.number"),
}

FILTERS: dict[str, str] = {
    "url": "a path from the site's root → a link under the base path ('stories/' | url)",
    "abs_url": "the same, with the site's origin (for feeds, sitemaps, sharing)",
    "date": "a date in the site's language (2024年3月5日, 5 March 2024)",
    "month": "(year, month) in the site's language",
    "hours": "hours with at most one decimal place",
    "number": "a number with the language's separators (1,880)",
    "stars": "n → n ★",
    "tel_links": "a text with each phone number as a tel: link and each web address as a link, the rest escaped",
}


def context_fields(context) -> dict:
    """A context's fields by name, as the template gets them (not deep: views stay views)."""
    return {name: getattr(context, name) for name in _field_names(type(context))}


_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


# ------------------------------------------------------------------ the theme authors' page


def _field_comments(cls: type) -> dict[str, str]:
    """The comment written beside each field of a dataclass, by field name."""
    found: dict[str, str] = {}
    tokens = tokenize.generate_tokens(io.StringIO(inspect.getsource(cls)).readline)
    name = None
    for token in tokens:
        if token.type == tokenize.NAME and name is None and token.start[1] == 4:
            name = token.string
        elif token.type == tokenize.COMMENT and name is not None:
            found[name] = token.string.lstrip("# ").strip()
        if token.type in (tokenize.NEWLINE, tokenize.NL):
            name = None
    return found


def _type_name(annotation: str) -> str:
    return re.sub(r"\bdt\.", "", annotation).replace("|", "\\|")  # a bare | would end the table cell


def _classes_used(roots: list[type]) -> list[type]:
    """Every dataclass reachable from the contexts' fields, in the order first met."""
    import sys

    from ..model import figures, routes
    from . import views

    known = {
        name: value
        for module in (views, figures, routes, sys.modules[__name__])
        for name, value in vars(module).items()
        if dataclasses.is_dataclass(value)
    }
    seen: list[type] = []
    queue = list(roots)
    while queue:
        cls = queue.pop(0)
        if cls in seen:
            continue
        seen.append(cls)
        for f in dataclasses.fields(cls):
            queue += [known[word] for word in re.findall(r"[A-Z][A-Za-z]+", str(f.type)) if word in known]
    return seen


def _table(cls: type) -> list[str]:
    comments = _field_comments(cls)
    rows = ["| field | type | meaning |", "| --- | --- | --- |"]
    for f in dataclasses.fields(cls):
        rows.append(f"| `{f.name}` | `{_type_name(str(f.type))}` | {comments.get(f.name, '')} |")
    return rows if dataclasses.fields(cls) else ["(nothing besides the globals)"]


def templates_page() -> str:
    """docs/templates.md: every template's context, and the views they are made of."""
    out = [
        "# Templates and what they are given",
        "",
        "<!-- Made by `python3 -m volsite.render.contexts > docs/templates.md`; "
        "tests/unit/test_contexts.py fails when it is stale. -->",
        "",
        "A theme overrides a template by putting a file of the same name in "
        "`themes/<name>/templates/`; the templates it leaves out come from the default theme. "
        "Each template is given the fields below by name (`{{ story.title }}`), and the globals. "
        "Text is escaped for you; fields marked HTML are already HTML (print them with `| safe`).",
        "",
        "## Every template",
        "",
        "| name | type | meaning |",
        "| --- | --- | --- |",
    ]
    out += [f"| `{name}` | `{kind}` | {meaning} |" for name, (kind, meaning) in GLOBALS.items()]
    out += ["", "Filters: " + "; ".join(f"`{name}`: {meaning}" for name, meaning in FILTERS.items()) + ".", ""]
    for template, cls in TEMPLATES.items():
        out += [f"## {template}", "", f"`{cls.__name__}`", ""] + _table(cls) + [""]
    out += ["## The views", "", "What the fields above are made of.", ""]
    for cls in _classes_used([NavEntry, ContactView] + list(dict.fromkeys(TEMPLATES.values()))):
        if cls in TEMPLATES.values():
            continue
        doc = inspect.getdoc(cls) or ""
        out += [f"### {cls.__name__}", ""] + ([doc, ""] if doc and not doc.startswith(cls.__name__ + "(") else [])
        out += _table(cls) + [""]
    return "\n".join(out)


if __name__ == "__main__":
    print(templates_page(), end="")
