"""The resolved model: every reference checked and linked both ways.

Reads no files and calls no clock. Its one output that templates may see of
a volunteer is a Person (people.py): the allow-listed fields, with the name
masked and the id withheld for anyone who is not public.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar

from ..config import CONFIG_FILE, SiteConfig
from ..kinds import registry
from ..kinds.activities import Activity
from ..kinds.awards import Award
from ..kinds.content import Content
from ..kinds.documents import Document
from ..kinds.teams import Team
from ..kinds.volunteers import Volunteer
from ..messages import say
from ..problems import Problems, did_you_mean
from ..read.text import shown
from ..slugs import pinyin_key
from .days import is_upcoming, turning_days
from .hidden_names import hidden_name_problems, published_texts
from .links import (
    Groups,
    Links,
    link_awards,
    link_documents,
    link_notices,
    link_services,
    link_teams,
    link_volunteers,
)
from .media import media_path, media_problem
from .people import Person, Service, publish
from .records import Identified, kind_noun, place

R = TypeVar("R", bound=Identified)


@dataclass(frozen=True)
class Model:
    config: SiteConfig
    people: dict[str, Person]  # by volunteer id; only figures and routes use the key
    teams: dict[str, Team]
    team_children: dict[str, tuple[str, ...]]
    team_members: dict[str, tuple[str, ...]]  # direct members, by volunteer id
    activities: dict[str, Activity]  # oldest first
    services: tuple[Service, ...]  # that count: at service activities held, and ledger rows
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
    # What depends on the day (days.py): the day the site is built for, the activities after it
    # (whose services are in none of the lists above or below), the hours of trainings held.
    today: dt.date = dt.date.max  # (a model made without a day: nothing is upcoming)
    upcoming: tuple[str, ...] = ()  # activity ids after today, soonest first
    upcoming_by_volunteer: dict[str, tuple[str, ...]] = field(default_factory=dict)  # soonest first
    training: tuple[Service, ...] = ()  # participations in trainings held: training hours, no points
    turning_days: tuple[dt.date, ...] = ()  # days on which what the site shows changes by itself
    notices: dict[str, Document] = field(default_factory=dict)  # published notices by slug, newest first

    @property
    def documents(self) -> tuple[Document, ...]:
        """Every Markdown document staff write: stories, standalone pages and notices."""
        return (*self.stories.values(), *self.pages.values(), *self.notices.values())

    @cached_property
    def upcoming_ids(self) -> frozenset[str]:
        return frozenset(self.upcoming)

    def counts(self, activity_id: str) -> bool:
        """Whether an activity counts in the figures: held, and a service (not a training)."""
        return activity_id not in self.upcoming_ids and not self.activities[activity_id].training

    @cached_property
    def root_teams(self) -> tuple[str, ...]:
        """The teams without a parent, in team_order."""
        return tuple(sorted((t for t, team in self.teams.items() if team.parent is None), key=self._team_order))

    def _team_order(self, tid: str) -> TeamOrder:
        return team_order(self.teams[tid])

    def subtree(self, team_id: str) -> tuple[str, ...]:
        """The team and all its sub-teams, all the way down."""
        found, stack = [], [team_id]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(reversed(self.team_children.get(current, ())))
        return tuple(found)


def build_model(content: Content, config: SiteConfig, problems: Problems, today: dt.date) -> Model:
    """The model of the content on the day `today` (days.py: what depends on it)."""
    people, volunteers = _people(content, config, problems)
    teams = _unique(content.teams, "team", problems)
    activities = _unique(sorted(content.activities, key=lambda a: (a.date, a.id)), "activity", problems)
    awards = _unique(content.awards, "award", problems)
    _check_measures(activities, config, problems)
    _check_contact(config, content.media, problems)
    stories = _documents(content.stories, config, problems)
    pages = _documents(content.pages, config, problems)
    notices = _documents(content.notices, config, problems)
    all_stories = {d.slug: d for d in content.stories}
    links = Links(problems, content.media)

    members = link_volunteers(volunteers, teams, links)
    children = link_teams(teams, volunteers, links)
    services, by_volunteer, by_team, story_of_activity = link_services(
        activities, content.ledger, volunteers, teams, all_stories, stories, config.points_per_record, links, today
    )
    upcoming = tuple(a.id for a in activities.values() if is_upcoming(a, today))  # (activities: oldest first)
    waiting = frozenset(upcoming)
    held, training = _held_services(services, activities, waiting)
    stories_by_volunteer, stories_by_team, tags, told = link_documents(
        stories, pages, people, volunteers, teams, activities, links
    )
    # an activity's own 'story' first, else the newest story that names the activity
    story_of_activity |= {aid: slug for aid, slug in told.items() if aid not in story_of_activity}
    awards_by_volunteer, awards_by_team = link_awards(awards, volunteers, teams, links)
    link_notices(notices, people, volunteers, teams, activities, links)

    # any other kind → what its module says it names
    named: dict[str, Mapping[str, Any]] = {
        "volunteers": volunteers,
        "teams": teams,
        "activities": activities,
        "awards": awards,
    }
    records = _declared_kinds(content, {**named, "stories": all_stories}, links)

    problems.extend(
        hidden_name_problems(
            volunteers,
            people,
            config,
            published_texts(volunteers, people, {**named, **records}, stories, pages, services, notices),
        )
    )

    return Model(
        config=config,
        people=people,
        teams=teams,
        team_children=in_team_order(_frozen(children), teams),
        team_members=_frozen(members),
        activities=activities,
        services=tuple(held),
        awards=awards,
        stories=stories,
        pages=pages,
        media=content.media,
        stories_by_volunteer=_frozen(stories_by_volunteer),
        stories_by_team=_frozen(stories_by_team),
        story_of_activity=story_of_activity,
        activities_by_volunteer=_frozen(_held_only(by_volunteer, waiting)),
        activities_by_team=_frozen(by_team),
        awards_by_volunteer=_frozen(awards_by_volunteer),
        awards_by_team=_frozen(awards_by_team),
        tags=_frozen(tags),
        positions={vid: (v.path, v.lines.get("id", v.line)) for vid, v in volunteers.items()},
        withheld_photos=_withheld_photos(volunteers, people),
        records=records,
        today=today,
        upcoming=upcoming,
        upcoming_by_volunteer=_upcoming_by_volunteer(by_volunteer, activities, waiting),
        training=tuple(training),
        turning_days=turning_days(
            activities.values(), awards.values(), (d.until for d in notices.values() if d.pinned and d.until)
        ),
        notices=notices,
    )


def _check_contact(config: SiteConfig, media: frozenset[str], problems: Problems) -> None:
    """The WeChat QR image site.yaml contact names must be a file under content/media/ that is there."""
    qr = config.contact.wechat_qr
    problem = media_problem("contact.wechat_qr", qr, media) if qr else None
    if problem is not None:
        problems.error(CONFIG_FILE, config.contact.wechat_qr_line, problem)


# Where a team stands among its siblings: (no order given, its order, pinyin of its name, its id).
TeamOrder = tuple[bool, Decimal, str, str]


def team_order(team: Team) -> TeamOrder:
    """Where a team stands among its sibling teams: by its `order` (those without one after
    those with one), then by the pinyin of its name, then by its id."""
    return (team.order is None, team.order or Decimal(0), pinyin_key(team.name), team.id)


def in_team_order(children: dict[str, tuple[str, ...]], teams: Mapping[str, Team]) -> dict[str, tuple[str, ...]]:
    """Each team's sub-teams in team_order (/teams/, a team's page and /services/ follow it)."""
    return {tid: tuple(sorted(ids, key=lambda c: team_order(teams[c]))) for tid, ids in children.items()}


def _held_services(
    services: list[Service], activities: Mapping[str, Activity], upcoming: frozenset[str]
) -> tuple[list[Service], list[Service]]:
    """(the services that count, the participations in trainings held). A service at an upcoming
    activity is in neither: its hours count once the day has come. A training earns no points."""
    if not upcoming and not any(a.training for a in activities.values()):
        return services, []
    held, training = [], []
    for service in services:
        activity = activities.get(service.activity) if service.activity else None
        if activity is None:
            held.append(service)
        elif activity.id in upcoming:
            continue
        elif activity.training:
            training.append(replace(service, points=NO_POINTS))
        else:
            held.append(service)
    return held, training


NO_POINTS = Decimal(0)


def _held_only(by_volunteer: Groups, waiting: frozenset[str]) -> Groups:
    """Each volunteer's activities held (not those after today)."""
    if not waiting:
        return by_volunteer
    held = {vid: [a for a in ids if a not in waiting] for vid, ids in by_volunteer.items()}
    return {vid: ids for vid, ids in held.items() if ids}


def _upcoming_by_volunteer(
    by_volunteer: Groups, activities: Mapping[str, Activity], waiting: frozenset[str]
) -> dict[str, tuple[str, ...]]:
    """Each volunteer's upcoming activities, soonest first."""
    if not waiting:
        return {}
    found: Groups = {}
    for vid, ids in by_volunteer.items():
        if ids := sorted((a for a in ids if a in waiting), key=lambda a: (activities[a].date, a)):
            found[vid] = ids
    return _frozen(found)


def _frozen(groups: Groups) -> dict[str, tuple[str, ...]]:
    """An index as the model keeps it: keys sorted, each id or slug once, in the order found."""
    return {key: tuple(dict.fromkeys(values)) for key, values in sorted(groups.items())}


def _withheld_photos(volunteers: dict[str, Volunteer], people: dict[str, Person]) -> frozenset[str]:
    """Photos of people not shown with a photo: never copied out."""
    return frozenset(
        path
        for vid, v in volunteers.items()
        if v.photo and people[vid].photo is None and (path := media_path(v.photo)[0]) is not None
    )


# The kinds build_model links by name; any other is linked by what its module declares.
LINKED_BY_NAME = frozenset({"volunteers", "teams", "activities", "ledger", "awards", "stories", "pages", "notices"})


def _declared_kinds(
    content: Content, known: dict[str, Mapping[str, object]], links: Links
) -> dict[str, dict[str, Any]]:
    """The records of every kind not linked by name, by kind and id: ids unique within the
    kind, and every field its module's REFERENCES name checked against the kind it names."""
    kinds = [kind for kind in registry.KINDS if kind.name not in LINKED_BY_NAME]
    records = {kind.name: _unique(content.records[kind.name], kind.label, links.problems) for kind in kinds}
    known = {**known, **records}
    for kind in kinds:
        for record in records[kind.name].values():
            for key, target in kind.references.items():
                value = getattr(record, key)
                for name in value if isinstance(value, tuple) else (value,):
                    links.ref(record, key, target, known[target], name)
    return records


def _unique(records: Iterable[R], kind: str, problems: Problems) -> dict[str, R]:
    found: dict[str, R] = {}
    for record in records:
        if record.id in found:
            first = found[record.id]
            problems.error(
                record.path,
                record.lines.get("id", record.line),
                say(
                    "V316",
                    "{kind} id '{id}' is used twice (first at {first}): give each its own id (and change whatever "
                    "names the one you change)",
                    kind=kind_noun(kind),
                    id=record.id,
                    first=place(first.path, first.lines.get("id", first.line)),
                ),
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
                say(
                    "V317",
                    "{kind} slug '{slug}' is used twice (also {other}): give one of them another 'slug'",
                    kind=kind_noun(document.kind),
                    slug=document.slug,
                    other=first.path,
                ),
            )
            continue
        found[document.slug] = document
    return {slug: d for slug, d in found.items() if config.drafts or not d.draft}


# ------------------------------------------------------------------ measures


def _check_measures(activities: Mapping[str, Activity], config: SiteConfig, problems: Problems) -> None:
    """Each measure an activity records is one site.yaml declares (it has a label and a unit there)."""
    declared = tuple(m.id for m in config.measures)
    for activity in activities.values():
        for key, _ in activity.measures:
            if key in declared:
                continue
            problems.error(
                activity.path,
                activity.lines.get(f"measures.{key}", activity.lines.get("measures", activity.line)),
                say(
                    "V350",
                    "measure '{measure}' is not declared in site.yaml{hint}: correct its name, or declare it "
                    "under 'measures' in site.yaml with its label and unit, as {measure}: {{label: Blood donated, "
                    "unit: ml}}",
                    measure=shown(key),
                    hint=did_you_mean(key[:100], declared),
                ),
                subject=registry.subject_of(activity),
            )
