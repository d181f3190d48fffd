"""The resolved model: every reference checked and linked both ways.

Reads no files and calls no clock. Its one output that templates may see of
a volunteer is a Person: the allow-listed fields, with the name masked and
the id withheld for anyone who is not public.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any, Protocol, TypeVar

from ..config import SiteConfig
from ..kinds import registry
from ..kinds.activities import Activity
from ..kinds.awards import Award
from ..kinds.content import Content
from ..kinds.documents import Document
from ..kinds.teams import Team
from ..kinds.volunteers import Volunteer
from ..problems import Problem, Problems, did_you_mean
from ..read.text import shown

# Two-character surnames, so that 欧阳娜娜 is masked as 欧阳** and not 欧***.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 "
    "端木 独孤 南宫 西门 澹台 公冶 宗政 濮阳 太叔 申屠 闻人 赫连 呼延 万俟 拓跋 百里 "
    "东郭 南门 羊舌 微生 梁丘 左丘 第五".split()
)


def mask_name(name: str) -> str:
    """张伟 → 张*, 欧阳娜娜 → 欧阳**, Anna Lee → A*******."""
    name = name.strip()
    keep = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:keep] + "*" * max(1, len(name) - keep)


def is_public(volunteer: Volunteer, require_consent: bool) -> bool:
    if not volunteer.public:
        return False
    if volunteer.minor and not volunteer.guardian_consent:
        return False
    if volunteer.consent is False:
        return False
    return not (require_consent and volunteer.consent is not True)


class Record(Protocol):
    """What every kind of record gives a message about it: where it was read."""

    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def lines(self) -> Mapping[str, int]: ...


class Identified(Record, Protocol):
    """A record with an id of its own (a volunteer, team, activity or award)."""

    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=Identified)


@dataclass(frozen=True)
class Person:
    """What may be published of a volunteer. Built from an allow-list, never a copy."""

    id: str | None  # None unless public: ids are often the name in pinyin
    name: str  # masked unless public
    public: bool
    role: str | None
    teams: tuple[str, ...]
    joined: dt.date | None
    photo: str | None  # only with photo consent
    bio: str | None
    skills: tuple[str, ...]
    extra: tuple[tuple[str, str], ...]


def publish(volunteer: Volunteer, require_consent: bool) -> Person:
    if not is_public(volunteer, require_consent):
        return Person(None, mask_name(volunteer.name), False, volunteer.role, volunteer.teams, None, None, None, (), ())
    return Person(
        volunteer.id,
        volunteer.name,
        True,
        volunteer.role,
        volunteer.teams,
        volunteer.joined,
        volunteer.photo if volunteer.photo_consent else None,
        volunteer.bio,
        volunteer.skills,
        volunteer.extra,
    )


@dataclass(frozen=True)
class Service:
    """One volunteer's service: a participation in an activity or a ledger row."""

    volunteer: str
    date: dt.date
    hours: Decimal
    points: Decimal
    activity: str | None
    note: str | None
    path: str
    line: int


@dataclass(frozen=True)
class Model:
    config: SiteConfig
    people: dict[str, Person]  # by volunteer id; only figures and routes use the key
    teams: dict[str, Team]
    team_children: dict[str, tuple[str, ...]]
    team_members: dict[str, tuple[str, ...]]  # direct members, by volunteer id
    activities: dict[str, Activity]  # oldest first
    services: tuple[Service, ...]
    awards: dict[str, Award]  # awarded and candidates
    stories: dict[str, Document]  # published stories by slug, newest first
    pages: dict[str, Document]
    media: frozenset[str]
    stories_by_volunteer: dict[str, tuple[str, ...]]
    stories_by_team: dict[str, tuple[str, ...]]
    story_of_activity: dict[str, str]
    activities_by_volunteer: dict[str, tuple[str, ...]]
    activities_by_team: dict[str, tuple[str, ...]]  # organised by the team itself
    awards_by_volunteer: dict[str, tuple[str, ...]]
    awards_by_team: dict[str, tuple[str, ...]]
    tags: dict[str, tuple[str, ...]]  # tag → story slugs, newest first
    positions: dict[str, tuple[str, int]]  # volunteer id → (file, line), for messages only
    withheld_photos: frozenset[str]  # photos of people not shown with a photo: never copied out
    # Records of the kinds linked by what their module declares (kinds.registry), by kind and id.
    records: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def root_teams(self) -> tuple[str, ...]:
        return tuple(t for t, team in self.teams.items() if team.parent is None)

    def subtree(self, team_id: str) -> tuple[str, ...]:
        """The team and all its sub-teams, all the way down."""
        found, stack = [], [team_id]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(reversed(self.team_children.get(current, ())))
        return tuple(found)


def build_model(content: Content, config: SiteConfig, problems: Problems) -> Model:
    people, volunteers = _people(content, config, problems)
    teams = _unique(content.teams, "team", problems)
    activities = _unique(sorted(content.activities, key=lambda a: (a.date, a.id)), "activity", problems)
    awards = _unique(content.awards, "award", problems)
    stories = _documents(content.stories, config, problems)
    pages = _documents(content.pages, config, problems)
    all_stories = {d.slug: d for d in content.stories}
    media = content.media

    def ref(record: Record, key: str, wanted: str, known: Mapping[str, object], value: str | None) -> bool:
        if value is None or value in known:
            return value is not None
        problems.error(
            record.path,
            record.lines.get(key, record.line),
            f"{_label(record)}: '{key}' names {wanted} '{value}', which does not exist{did_you_mean(value, known)}",
        )
        return False

    def media_ref(record: Record, key: str, path: str | None) -> None:
        if path is None:
            return
        problem = media_problem(path, media)
        if problem:
            problems.error(record.path, record.lines.get(key, record.line), f"{_label(record)}: '{key}' {problem}")

    # volunteers → teams
    members: dict[str, list[str]] = defaultdict(list)
    for volunteer in volunteers.values():
        for team_id in volunteer.teams:
            if ref(volunteer, "teams", "a team", teams, team_id):
                members[team_id].append(volunteer.id)
        media_ref(volunteer, "photo", volunteer.photo)
        if volunteer.minor and volunteer.public and not volunteer.guardian_consent:
            problems.warning(
                volunteer.path,
                volunteer.lines.get("minor", volunteer.line),
                f"volunteer '{volunteer.id}': a minor without 'guardian_consent: true' is not named on the site",
            )

    # teams → parent, lead; the tree must not loop
    children: dict[str, list[str]] = defaultdict(list)
    for team in teams.values():
        # (ref is True only for a value in `known`, never None: mypy cannot see that, hence the ignores)
        if ref(team, "parent", "a team", teams, team.parent):
            children[team.parent].append(team.id)  # type: ignore[index]
        if ref(team, "lead", "a volunteer", volunteers, team.lead) and team.id not in volunteers[team.lead].teams:  # type: ignore[index]
            problems.warning(
                team.path,
                team.lines.get("lead", team.line),
                f"team '{team.id}': its lead '{team.lead}' is not a member (add '{team.id}' to the volunteer's teams)",
            )
        media_ref(team, "logo", team.logo)
    _check_tree(teams, problems)

    # activities → teams, participants, story; services
    services: list[Service] = []
    by_volunteer: dict[str, list[str]] = defaultdict(list)
    by_team: dict[str, list[str]] = defaultdict(list)
    story_of_activity: dict[str, str] = {}
    per_record = config.points_per_record
    for activity in activities.values():
        for team_id in activity.teams:
            if ref(activity, "team" if "team" in activity.lines else "teams", "a team", teams, team_id):
                by_team[team_id].append(activity.id)
        for participant in activity.participants:
            if ref(activity, "participants", "a volunteer", volunteers, participant.volunteer):
                by_volunteer[participant.volunteer].append(activity.id)
                services.append(
                    Service(
                        participant.volunteer,
                        activity.date,
                        activity.hours_of(participant),
                        per_record,
                        activity.id,
                        None,
                        activity.path,
                        activity.lines.get("participants", activity.line),
                    )
                )
        if activity.story is not None and ref(activity, "story", "a story", all_stories, activity.story):
            if activity.story in stories:
                story_of_activity[activity.id] = activity.story

    for row in content.ledger:
        ok = ref(row, "volunteer", "a volunteer", volunteers, row.volunteer)
        if row.activity is not None and ref(row, "activity", "an activity", activities, row.activity):
            if ok and row.activity not in by_volunteer[row.volunteer]:
                by_volunteer[row.volunteer].append(row.activity)
        if ok:
            services.append(
                Service(
                    row.volunteer,
                    row.date,
                    row.hours,
                    row.points if row.points is not None else per_record,
                    row.activity,
                    row.note,
                    row.path,
                    row.line,
                )
            )
    _check_double_service(services, problems)

    # stories → volunteers, teams, activity
    stories_by_volunteer: dict[str, list[str]] = defaultdict(list)
    stories_by_team: dict[str, list[str]] = defaultdict(list)
    tags: dict[str, list[str]] = defaultdict(list)
    for document in list(stories.values()) + list(pages.values()):
        media_ref(document, "cover", document.cover)
        if document.kind == "page":
            continue
        for vid in document.volunteers:
            if ref(document, "volunteers", "a volunteer", volunteers, vid):
                stories_by_volunteer[vid].append(document.slug)
                if not people[vid].public:
                    problems.warning(
                        document.path,
                        document.lines.get("volunteers", 1),
                        f"story '{document.slug}' is about '{vid}', who is not public: "
                        "the name is masked in lists, and written in full in the story it is an "
                        "error, but check the text for other ways of naming them (a nickname, a class)",
                    )
        for team_id in document.teams:
            if ref(document, "teams", "a team", teams, team_id):
                stories_by_team[team_id].append(document.slug)
        if ref(document, "activity", "an activity", activities, document.activity):
            story_of_activity.setdefault(document.activity, document.slug)  # type: ignore[arg-type]  # as for teams
        for tag in document.tags:
            tags[tag].append(document.slug)

    # awards → recipient
    awards_by_volunteer: dict[str, list[str]] = defaultdict(list)
    awards_by_team: dict[str, list[str]] = defaultdict(list)
    for award in sorted(awards.values(), key=lambda a: (a.date or dt.date(a.year, 12, 31), a.id), reverse=True):
        if award.volunteer and ref(award, "volunteer", "a volunteer", volunteers, award.volunteer):
            awards_by_volunteer[award.volunteer].append(award.id)
        if award.team and ref(award, "team", "a team", teams, award.team):
            awards_by_team[award.team].append(award.id)

    # any other kind → what its module says it names
    named: dict[str, Mapping[str, Any]] = {
        "volunteers": volunteers,
        "teams": teams,
        "activities": activities,
        "awards": awards,
    }
    records = _declared_kinds(content, {**named, "stories": all_stories}, ref, problems)

    problems.extend(
        hidden_name_problems(
            volunteers,
            people,
            config,
            _published_texts(volunteers, people, {**named, **records}, stories, pages, services),
        )
    )

    def frozen(groups: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
        return {key: tuple(dict.fromkeys(values)) for key, values in sorted(groups.items())}

    return Model(
        config=config,
        people=people,
        teams=teams,
        team_children=frozen(children),
        team_members=frozen(members),
        activities=activities,
        services=tuple(services),
        awards=awards,
        stories=stories,
        pages=pages,
        media=media,
        stories_by_volunteer=frozen(stories_by_volunteer),
        stories_by_team=frozen(stories_by_team),
        story_of_activity=story_of_activity,
        activities_by_volunteer=frozen(by_volunteer),
        activities_by_team=frozen(by_team),
        awards_by_volunteer=frozen(awards_by_volunteer),
        awards_by_team=frozen(awards_by_team),
        tags=frozen(tags),
        positions={vid: (v.path, v.lines.get("id", v.line)) for vid, v in volunteers.items()},
        withheld_photos=frozenset(
            path
            for vid, v in volunteers.items()
            if v.photo and people[vid].photo is None and (path := media_path(v.photo)[0]) is not None
        ),
        records=records,
    )


# The kinds build_model links by name; any other is linked by what its module declares.
LINKED_BY_NAME = frozenset({"volunteers", "teams", "activities", "ledger", "awards", "stories", "pages"})


def _declared_kinds(
    content: Content,
    known: dict[str, Mapping[str, object]],
    ref: Callable[[Any, str, str, Mapping[str, object], str | None], bool],
    problems: Problems,
) -> dict[str, dict[str, Any]]:
    """The records of every kind not linked by name, by kind and id: ids unique within the
    kind, and every field its module's REFERENCES name checked against the kind it names."""
    kinds = [kind for kind in registry.KINDS if kind.name not in LINKED_BY_NAME]
    records = {kind.name: _unique(content.records[kind.name], kind.label, problems) for kind in kinds}
    known = {**known, **records}
    for kind in kinds:
        for record in records[kind.name].values():
            for key, target in kind.references.items():
                value = getattr(record, key)
                for name in value if isinstance(value, tuple) else (value,):
                    ref(record, key, f"a {registry.kind_named(target).label}", known[target], name)
    return records


def media_path(path: str) -> tuple[str | None, str | None]:
    """(the path under content/ of a media file named in a record, or why it is refused).

    Staff write media/x.jpg, /media/x.jpg or content/media/x.jpg; all mean the same file.
    """
    clean = path.strip().replace("\\", "/")
    if clean.startswith("/media/"):
        clean = clean[1:]
    elif clean.startswith("content/media/"):
        clean = clean[len("content/") :]
    if clean.startswith(("/", "~")) or re.match(r"[A-Za-z]:", clean):
        return None, f"'{path}' is an absolute path; give a path under content/, like media/people/zhang-wei.jpg"
    parts = PurePosixPath(clean).parts
    if ".." in parts:
        return None, f"'{path}' leaves the content folder"
    if not parts or parts[0] != "media" or len(parts) < 2:
        return None, f"'{path}' must be a file under content/media/ (only media/ is published)"
    return "/".join(parts), None


def media_problem(path: str, media: frozenset[str]) -> str | None:
    clean, problem = media_path(path)
    if problem:
        return problem
    if clean not in media:
        return f"names the file content/{clean}, which does not exist"
    return None


def _label(record: Record) -> str:
    kind = record.kind if isinstance(record, Document) else registry.label_of(record)
    name = getattr(record, "id", None) or getattr(record, "slug", None)
    return f"{kind} '{name}'" if name else kind


def _unique(records: Iterable[R], kind: str, problems: Problems) -> dict[str, R]:
    found: dict[str, R] = {}
    for record in records:
        if record.id in found:
            first = found[record.id]
            problems.error(
                record.path,
                record.lines.get("id", record.line),
                f"{kind} id '{record.id}' is used twice (first at {first.path}:{first.lines.get('id', first.line)})",
            )
        else:
            found[record.id] = record
    return found


def _people(content: Content, config: SiteConfig, problems: Problems) -> tuple[dict[str, Person], dict[str, Volunteer]]:
    volunteers = _unique(content.volunteers, "volunteer", problems)
    people = {vid: publish(v, config.require_consent) for vid, v in sorted(volunteers.items())}
    return people, volunteers


def _documents(documents: Iterable[Document], config: SiteConfig, problems: Problems) -> dict[str, Document]:
    found: dict[str, Document] = {}
    ordered = sorted(documents, key=lambda d: (d.date, d.slug), reverse=True)
    for document in ordered:
        if document.slug in found:
            first = found[document.slug]
            problems.error(
                document.path,
                document.lines.get("slug", 1),
                f"{document.kind} slug '{document.slug}' is used twice (also {first.path}); "
                "give one of them another 'slug'",
            )
            continue
        found[document.slug] = document
    return {slug: d for slug, d in found.items() if config.drafts or not d.draft}


# A team tree is a few levels (committee → branch → group); a deeper one is a mistake in the
# teams' 'parent's, and every page that shows the tree nests a list a level.
MAX_TEAM_DEPTH = 12


def _check_tree(teams: dict[str, Team], problems: Problems) -> None:
    """The tree neither loops nor goes deeper than MAX_TEAM_DEPTH. Each team's chain of
    parents is walked once (a depth found is kept), so a tree of thousands of levels costs
    what a flat one does."""
    depth: dict[str, int] = {}  # levels from the root (1), or 0 for a team in or under a loop
    reported: set[str] = set()
    for start in teams:
        chain: list[str] = []
        place: dict[str, int] = {}
        current: str | None = start
        while current is not None and current in teams and current not in depth and current not in place:
            place[current] = len(chain)
            chain.append(current)
            current = teams[current].parent
        if current is not None and current in place:  # a loop
            loop = chain[place[current] :]
            if current not in reported:
                team = teams[current]
                problems.error(
                    team.path,
                    team.lines.get("parent", team.line),
                    f"team '{current}': the team tree loops: {' → '.join(loop + [current])}",
                )
            reported.update(loop)
            depth.update(dict.fromkeys(chain, 0))
            continue
        if current is not None and depth.get(current) == 0:  # under a loop, reported above
            depth.update(dict.fromkeys(chain, 0))
            continue
        above = depth.get(current, 0) if current is not None else 0  # (a parent that does not exist: a root)
        for level, tid in enumerate(reversed(chain), above + 1):
            depth[tid] = level
            if level == MAX_TEAM_DEPTH + 1:
                team = teams[tid]
                problems.error(
                    team.path,
                    team.lines.get("parent", team.line),
                    f"team '{tid}': the team tree is more than {MAX_TEAM_DEPTH} levels deep here; a tree needs "
                    "a few (committee → branch → group): check the 'parent' of the teams above it",
                )


def _check_double_service(services: list[Service], problems: Problems) -> None:
    first: dict[tuple[str, str], Service] = {}
    for service in services:
        if service.activity is None:
            continue
        key = (service.volunteer, service.activity)
        if key in first:
            other = first[key]
            problems.error(
                service.path,
                service.line,
                f"volunteer '{service.volunteer}' is recorded twice for activity "
                f"'{service.activity}' (also at {other.path}:{other.line}); "
                "hours would count double",
            )
        else:
            first[key] = service


# ------------------------------------------------------------------ names in text

# A text that is published, with where it is: (text, file, line, whose, which field, whether
# the line moves on with each line of the text: a Markdown body does, a field is told by its line).
Text = tuple[str, str, int, str, str, bool]


def _published_texts(
    volunteers: dict[str, Volunteer],
    people: dict[str, Person],
    records: dict[str, Mapping[str, Any]],
    stories: dict[str, Document],
    pages: dict[str, Document],
    services: list[Service],
) -> Iterator[Text]:
    """Every text a published view gives templates (views.py), where staff or a roster could
    write a person's name: what a theme may show, whether or not the default one does."""

    def fields(record: Record, label: str, *named: tuple[str, object]) -> Iterator[Text]:
        for key, value in named:
            for text in value if isinstance(value, tuple) else (value,):
                if text:
                    yield text, record.path, record.lines.get(key, record.line), label, f"'{shown(key)}'", False

    for document in list(stories.values()) + list(pages.values()):
        label = f"{document.kind} '{document.slug}'"
        yield from fields(
            document,
            label,
            ("title", document.title),
            ("summary", document.summary),
            ("author", document.author),
            ("tags", document.tags),
        )
        yield document.body, document.path, document.body_line, label, "the text", True
    # The fields of each kind of record that its published view shows as written.
    for kind in registry.KINDS:
        for rid, record in records.get(kind.name, {}).items() if kind.shown_fields else ():
            yield from fields(
                record, f"{kind.label} '{rid}'", *((key, getattr(record, key)) for key in kind.shown_fields)
            )
    teams: Mapping[str, Team] = records["teams"]
    for tid, team in teams.items():
        offered = tuple(text for s in team.services for text in (s.name, s.description) if text)
        yield from fields(team, f"team '{tid}'", ("services", offered))
    for vid, volunteer in volunteers.items():
        person = people[vid]  # what is published of them: a hidden person's role, and no bio
        yield from fields(
            volunteer,
            f"volunteer '{vid}'",
            ("role", person.role),
            ("bio", person.bio),
            ("skills", person.skills),
            *((key, text) for key, text in person.extra),
        )
    # Notes of ledger rows, on the hour statements of people who are public. A city's
    # million rows hold a few thousand notes: each is looked at once.
    notes: dict[str, Service] = {}
    for service in services:
        if service.note and service.note not in notes and people[service.volunteer].public:
            notes[service.note] = service
    for note, service in notes.items():
        yield note, service.path, service.line, "ledger row", "'note'", False


def hidden_name_problems(
    volunteers: dict[str, Volunteer], people: dict[str, Person], config: SiteConfig, texts: Iterable[Text]
) -> list[Problem]:
    """The real name of someone who is not public, written in a text that is published.

    Their name is masked wherever volsite lists them, but staff write stories, summaries
    and citations by hand, and a name typed there would be published on the page, in its
    lists, the feed and the search index.
    """
    public_names = {v.name for vid, v in volunteers.items() if people[vid].public}
    hidden: dict[str, Volunteer] = {}
    for volunteer in sorted(volunteers.values(), key=lambda v: (v.path, v.line, v.id)):
        # One character (a name given only as 丽) is in too many words to be looked for. A
        # name that a public volunteer has as well may be theirs in the text: it is let be,
        # as the public one could not otherwise be named at all. A name that site.yaml
        # privacy.allow lists is a word to the staff who listed it (温馨, 高峰).
        if (
            not people[volunteer.id].public
            and len(volunteer.name) >= 2
            and volunteer.name not in public_names
            and volunteer.name not in config.privacy_allow
        ):
            hidden.setdefault(volunteer.name, volunteer)
    if not hidden:
        return []
    finder = _name_finder(tuple(sorted(hidden)), tuple(sorted(public_names)), config.privacy_allow)
    problems: dict[tuple[str, int, str], Problem] = {}
    for text, path, line, label, where, multiline in texts:
        for start, name in finder(text):
            at = line + text.count("\n", 0, start) if multiline else line
            if (path, at, name) not in problems:
                problems[path, at, name] = Problem(path, at, _named_message(label, where, hidden[name], config))
    return list(problems.values())


def _named_message(label: str, where: str, volunteer: Volunteer, config: SiteConfig) -> str:
    masked = mask_name(volunteer.name)
    if not volunteer.public:
        why, fix = "'public: false'", ", or ask for consent and set 'public: true'"
    elif volunteer.minor and not volunteer.guardian_consent:
        why, fix = (
            "a minor without 'guardian_consent: true'",
            ", or set 'guardian_consent: true' once a guardian consents",
        )
    elif volunteer.consent is False:
        why, fix = "'consent: false'", ""  # they said no
    else:
        why, fix = (
            "no 'consent: true', which privacy.require_consent asks for",
            ", or set 'consent: true' once they consent",
        )
    position = f"{volunteer.path}:{volunteer.lines.get('name', volunteer.line)}"
    return (
        f"{label}: {where} names {masked}, who is not public ({why}, {position}): write the masked "
        f"form {masked} or leave the name out{fix} (not a name here? list the phrase in site.yaml privacy.allow)"
    )


@lru_cache(maxsize=4)  # volsite serve rebuilds with the same people
def _name_finder(
    hidden: tuple[str, ...], public: tuple[str, ...], allowed: tuple[str, ...]
) -> Callable[[str], Iterator[tuple[int, str]]]:
    """A function giving (offset, name) for each name of `hidden` in a text, found by one
    pattern of all of them, in one pass.

    Where a name is part of a longer public volunteer's name (王明 in 王明月) or of a phrase
    of site.yaml privacy.allow (a person named 温馨, in 温馨提示), the text names that
    person or says that word: the pattern matches the longer one there, which is then let
    be. A name that begins or ends with a Latin letter or digit is found only as a word
    (Al is not in Also).
    """
    names = set(hidden)
    first = _words_pattern(hidden)
    covers = {w for w in public + allowed if w not in names and first.search(w)}
    pattern = _words_pattern(tuple(sorted(names | covers))) if covers else first

    def find(text: str) -> Iterator[tuple[int, str]]:
        for match in pattern.finditer(text):
            name = match.group()
            if name not in names:
                continue  # a longer name or an allowed phrase
            start, end = match.span()
            if (name[0].isascii() and name[0].isalnum() and start and _word_char(text[start - 1])) or (
                name[-1].isascii() and name[-1].isalnum() and end < len(text) and _word_char(text[end])
            ):
                continue
            yield start, name

    return find


def _word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


# A trie of names: each character leads to the rest; "" marks the end of a name.
Trie = dict[str, "Trie"]


def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern that finds any of `words`, the longest where several begin at one place.

    Its branches are a trie (王(?:明(?:月)?|芳)): at each place in a text, the engine
    follows one character at a time, instead of trying each of thousands of names in turn
    (a flat alternation of 2,000 names is ~20 times slower on a Chinese story).
    """
    trie: Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    try:
        return re.compile(_branches(trie))
    except (RecursionError, re.error, OverflowError):
        # Names nested hundreds deep (a, ab, abc, ...): a flat alternation, longest first.
        return re.compile("|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))))


def _branches(node: Trie) -> str:
    ends = "" in node
    options = []
    for char in sorted(key for key in node if key):
        run, child = char, node[char]
        while len(child) == 1 and "" not in child:  # a run of single children: one literal
            ((char, child),) = child.items()
            run += char
        options.append(re.escape(run) + (_branches(child) if set(child) != {""} else ""))
    if not options:
        return ""
    body = options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"
    if ends:  # a word ends here, and longer ones go on: the longer ones first (greedy)
        return f"(?:{body})?"
    return body
