"""Each kind's references checked and linked both ways, for build_model (resolve.py).

Each step takes the records it links and what they may name, reports at its file and
line every name of something that does not exist (with a did-you-mean), and returns the
indexes it makes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from ..kinds import registry
from ..kinds.activities import Activity
from ..kinds.awards import Award
from ..kinds.documents import Document
from ..kinds.ledger import LedgerRow
from ..kinds.teams import Team
from ..kinds.volunteers import Volunteer
from ..messages import Message, say
from ..problems import Problems, did_you_mean
from .media import media_problem
from .people import Person, Service
from .records import Record, field_name, kind_noun, named, place

# An index as it is made: a team's members, a tag's stories, ... in the order found.
Groups = dict[str, list[str]]


class Links:
    """Checks that what a record names exists, and says where it does not: at the record's
    file and the line of the field."""

    def __init__(self, problems: Problems, media: frozenset[str]) -> None:
        self.problems = problems
        self.media = media

    def ref(self, record: Record, key: str, wanted: str, known: Mapping[str, object], value: str | None) -> bool:
        """Whether `value` (of the field `key`, naming a record of the kind `wanted`: "teams")
        is one of `known`; None names nothing."""
        if value is None or value in known:
            return value is not None
        self.problems.error(
            record.path,
            record.lines.get(key, record.line),
            _unknown(wanted, field_name(record, key), value, known),
            subject=label(record),
        )
        return False

    def media_ref(self, record: Record, key: str, path: str | None) -> None:
        if path is None:
            return
        problem = media_problem(field_name(record, key), path, self.media)
        if problem:
            self.problems.error(record.path, record.lines.get(key, record.line), problem, subject=label(record))


def _unknown(kind: str, key: str, value: str, known: Mapping[str, object]) -> Message:
    """A field names a record of `kind` (a kind's name: "teams") that does not exist."""
    hint = did_you_mean(value, known)
    if kind == "teams":
        return say(
            "V301",
            "'{field}' names a team '{team}', which does not exist{hint}: check the team's id in content/teams/, "
            "or add the team",
            field=key,
            team=value,
            hint=hint,
        )
    if kind == "volunteers":
        return say(
            "V302",
            "'{field}' names a volunteer '{volunteer}', which does not exist{hint}: check the volunteer's id in "
            "content/volunteers/, or add the volunteer",
            field=key,
            volunteer=value,
            hint=hint,
        )
    if kind == "activities":
        return say(
            "V303",
            "'{field}' names an activity '{activity}', which does not exist{hint}: check the activity's id in "
            "content/activities/, or add the activity",
            field=key,
            activity=value,
            hint=hint,
        )
    if kind == "stories":
        return say(
            "V304",
            "'{field}' names a story '{story}', which does not exist{hint}: check the story's slug (its 'slug' "
            "field, or else its file name in content/stories/ without the date in front)",
            field=key,
            story=value,
            hint=hint,
        )
    target = registry.kind_named(kind)
    return say(
        "V305",
        "'{field}' names the {kind} '{name}', which does not exist{hint}: check its id in {folder}/, or add it",
        field=key,
        kind=kind_noun(target.label),
        name=value,
        hint=hint,
        folder=target.folder,
    )


def link_volunteers(volunteers: dict[str, Volunteer], teams: dict[str, Team], links: Links) -> Groups:
    """volunteers → teams: each team's direct members. Photos are checked, and a minor
    without a guardian's consent is reported as not named."""
    members: Groups = defaultdict(list)
    for volunteer in volunteers.values():
        for team_id in volunteer.teams:
            if links.ref(volunteer, "teams", "teams", teams, team_id):
                members[team_id].append(volunteer.id)
        links.media_ref(volunteer, "photo", volunteer.photo)
        if volunteer.minor and volunteer.public and not volunteer.guardian_consent:
            links.problems.warning(
                volunteer.path,
                volunteer.lines.get("minor", volunteer.line),
                say(
                    "V306",
                    "a minor without 'guardian_consent: true' is not named on the site: their hours still count in "
                    "the totals; once a guardian consents, set 'guardian_consent: true' to name them",
                ),
                subject=label(volunteer),
            )
    return members


def link_teams(teams: dict[str, Team], volunteers: dict[str, Volunteer], links: Links) -> Groups:
    """teams → parent, lead: each team's sub-teams. Logos are checked; the tree must not loop."""
    children: Groups = defaultdict(list)
    for team in teams.values():
        # (ref is True only for a value in `known`, never None: mypy cannot see that, hence the ignores)
        if links.ref(team, "parent", "teams", teams, team.parent):
            children[team.parent].append(team.id)  # type: ignore[index]
        lead = links.ref(team, "lead", "volunteers", volunteers, team.lead)
        if lead and team.id not in volunteers[team.lead].teams:  # type: ignore[index]
            links.problems.warning(
                team.path,
                team.lines.get("lead", team.line),
                say(
                    "V307",
                    "its lead '{lead}' is not a member: add '{team}' to the 'teams' of volunteer '{lead}', or "
                    "give the team another lead",
                    lead=team.lead,
                    team=team.id,
                ),
                subject=label(team),
            )
        links.media_ref(team, "logo", team.logo)
    _check_tree(teams, links.problems)
    return children


def link_services(
    activities: dict[str, Activity],
    ledger: Iterable[LedgerRow],
    volunteers: dict[str, Volunteer],
    teams: dict[str, Team],
    all_stories: dict[str, Document],
    stories: dict[str, Document],
    per_record: Decimal,
    links: Links,
    today: dt.date | None = None,
) -> tuple[list[Service], Groups, Groups, dict[str, str]]:
    """activities → teams, participants, story; ledger rows → volunteer, activity. Each
    participation and each row is a Service, whatever the day (resolve.py sets apart those at
    upcoming activities and at trainings). (services, each volunteer's activities, each
    team's activities, the story of an activity that names its own)."""
    services, by_volunteer, by_team, story_of_activity = _link_activities(
        activities, volunteers, teams, all_stories, stories, per_record, links
    )
    services += _link_ledger(ledger, volunteers, activities, per_record, links, by_volunteer, today)
    _check_double_service(services, links.problems)
    return services, by_volunteer, by_team, story_of_activity


def _link_activities(
    activities: dict[str, Activity],
    volunteers: dict[str, Volunteer],
    teams: dict[str, Team],
    all_stories: dict[str, Document],
    stories: dict[str, Document],
    per_record: Decimal,
    links: Links,
) -> tuple[list[Service], Groups, Groups, dict[str, str]]:
    services: list[Service] = []
    by_volunteer: Groups = defaultdict(list)
    by_team: Groups = defaultdict(list)
    story_of_activity: dict[str, str] = {}
    for activity in activities.values():
        for team_id in activity.teams:
            if links.ref(activity, "team" if "team" in activity.lines else "teams", "teams", teams, team_id):
                by_team[team_id].append(activity.id)
        for participant in activity.participants:
            if links.ref(activity, "participants", "volunteers", volunteers, participant.volunteer):
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
        if activity.story is not None and links.ref(activity, "story", "stories", all_stories, activity.story):
            if activity.story in stories:
                story_of_activity[activity.id] = activity.story
    return services, by_volunteer, by_team, story_of_activity


def _link_ledger(
    ledger: Iterable[LedgerRow],
    volunteers: dict[str, Volunteer],
    activities: dict[str, Activity],
    per_record: Decimal,
    links: Links,
    by_volunteer: Groups,
    today: dt.date | None = None,
) -> list[Service]:
    """The services of the ledger's rows. An activity a row names is added to the
    volunteer's activities in `by_volunteer` (a ledger of a million rows: no copy of it).
    A row dated after `today` is told of (a typo of the year, mostly)."""
    services: list[Service] = []
    for row in ledger:
        ok = links.ref(row, "volunteer", "volunteers", volunteers, row.volunteer)
        if row.activity is not None and links.ref(row, "activity", "activities", activities, row.activity):
            if ok and row.activity not in by_volunteer[row.volunteer]:
                by_volunteer[row.volunteer].append(row.activity)
            if row.points is not None and activities[row.activity].training:
                links.problems.warning(
                    row.path,
                    row.lines.get("points", row.line),
                    say(
                        "V340",
                        "the row gives {points} points for the training '{activity}', but a training earns no "
                        "points (its hours are training hours): leave the points empty",
                        points=row.points,
                        activity=row.activity,
                    ),
                    subject=label(row),
                )
        if today is not None and row.date > today:
            links.problems.warning(
                row.path,
                row.lines.get("date", row.line),
                say(
                    "V341",
                    "the row is dated {date}, after today ({today}), but a ledger records service already done: "
                    "check the date for a typo (its hours count in {year})",
                    date=row.date.isoformat(),
                    today=today.isoformat(),
                    year=row.date.year,
                ),
                subject=label(row),
            )
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
    return services


def link_documents(
    stories: dict[str, Document],
    pages: dict[str, Document],
    people: dict[str, Person],
    volunteers: dict[str, Volunteer],
    teams: dict[str, Team],
    activities: dict[str, Activity],
    links: Links,
) -> tuple[Groups, Groups, Groups, dict[str, str]]:
    """stories → volunteers, teams, activity, tags; covers of stories and pages.
    (stories by volunteer, stories by team, stories by tag, the newest story naming each activity)."""
    stories_by_volunteer: Groups = defaultdict(list)
    stories_by_team: Groups = defaultdict(list)
    tags: Groups = defaultdict(list)
    told: dict[str, str] = {}
    for document in list(stories.values()) + list(pages.values()):
        links.media_ref(document, "cover", document.cover)
        if document.kind == "page":
            continue
        for vid in document.volunteers:
            if links.ref(document, "volunteers", "volunteers", volunteers, vid):
                stories_by_volunteer[vid].append(document.slug)
                if not people[vid].public:
                    links.problems.warning(
                        document.path,
                        document.lines.get("volunteers", 1),
                        say(
                            "V308",
                            "story '{story}' is about '{volunteer}', who is not public: the name is masked in lists, "
                            "and written in full in the story it is an error, but check the text for other ways of "
                            "naming them (a nickname, a class)",
                            story=document.slug,
                            volunteer=vid,
                        ),
                    )
        for team_id in document.teams:
            if links.ref(document, "teams", "teams", teams, team_id):
                stories_by_team[team_id].append(document.slug)
        if links.ref(document, "activity", "activities", activities, document.activity):
            told.setdefault(document.activity, document.slug)  # type: ignore[arg-type]  # as in link_teams
        for tag in document.tags:
            tags[tag].append(document.slug)
    return stories_by_volunteer, stories_by_team, tags, told


def link_awards(
    awards: dict[str, Award], volunteers: dict[str, Volunteer], teams: dict[str, Team], links: Links
) -> tuple[Groups, Groups]:
    """awards → recipient: (each volunteer's awards, each team's awards), newest first."""
    awards_by_volunteer: Groups = defaultdict(list)
    awards_by_team: Groups = defaultdict(list)
    for award in sorted(awards.values(), key=lambda a: (a.date or dt.date(a.year, 12, 31), a.id), reverse=True):
        if award.volunteer and links.ref(award, "volunteer", "volunteers", volunteers, award.volunteer):
            awards_by_volunteer[award.volunteer].append(award.id)
        if award.team and links.ref(award, "team", "teams", teams, award.team):
            awards_by_team[award.team].append(award.id)
    return awards_by_volunteer, awards_by_team


def link_notices(
    notices: dict[str, Document],
    people: dict[str, Person],
    volunteers: dict[str, Volunteer],
    teams: dict[str, Team],
    activities: dict[str, Activity],
    links: Links,
) -> None:
    """notices → cover, volunteers, teams, activity: each checked as a story's is. A notice is
    listed on none of their pages (a volunteer's page lists the stories about them)."""
    for notice in notices.values():
        links.media_ref(notice, "cover", notice.cover)
        for vid in notice.volunteers:
            if links.ref(notice, "volunteers", "volunteers", volunteers, vid) and not people[vid].public:
                links.problems.warning(
                    notice.path,
                    notice.lines.get("volunteers", 1),
                    say(
                        "V375",
                        "notice '{notice}' names '{volunteer}', who is not public: the name is masked where the "
                        "notice lists them, and written in full in the notice it is an error, but check the text "
                        "for other ways of naming them (a nickname, a class)",
                        notice=notice.slug,
                        volunteer=vid,
                    ),
                )
        for team_id in notice.teams:
            links.ref(notice, "teams", "teams", teams, team_id)
        links.ref(notice, "activity", "activities", activities, notice.activity)


def label(record: Record) -> Message:
    """What messages call the record: "volunteer 'li-na'", "story 'clinic'", "ledger row"."""
    kind = record.kind if isinstance(record, Document) else registry.label_of(record)
    name = getattr(record, "id", None) or getattr(record, "slug", None)
    return named(kind, name)


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
                    say(
                        "V309",
                        "the team tree loops: {loop}: change the 'parent' of one of these teams, so that the "
                        "tree has a top",
                        loop=" → ".join(loop + [current]),
                    ),
                    subject=label(team),
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
                    say(
                        "V314",
                        "the team tree is more than {levels} levels deep here; a tree needs a few (committee → "
                        "branch → group): check the 'parent' of the teams above it",
                        levels=MAX_TEAM_DEPTH,
                    ),
                    subject=label(team),
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
                say(
                    "V315",
                    "volunteer '{volunteer}' is recorded twice for activity '{activity}' (also at {other}); hours "
                    "would count double: keep one of the two (the activity's 'participants' or the ledger row) "
                    "and remove the other",
                    volunteer=service.volunteer,
                    activity=service.activity,
                    other=place(other.path, other.line),
                ),
            )
        else:
            first[key] = service
