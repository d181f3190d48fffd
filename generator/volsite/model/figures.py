"""Every figure of the site, computed from the model by pure functions.

Hours are Decimal throughout, so sums are exact (0.1 + 0.2 is 0.3); they are
rounded only when shown. A service counts in the year of its date (a
multi-day activity: its start date). An upcoming activity counts in no figure; a
training's hours are training hours, summed apart, toward no star and no points;
activities counted are the service activities held (model.counts).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from ..kinds.activities import Activity
from .people import Service
from .resolve import Model

ZERO = Decimal(0)


# ------------------------------------------------------------ small pure pieces


def stars_for(hours: Decimal, thresholds: Sequence[Decimal]) -> int:
    """Number of thresholds reached: 0 below the first, len(thresholds) at the top."""
    return sum(1 for threshold in thresholds if hours >= threshold)


def hours_to_next_star(hours: Decimal, thresholds: Sequence[Decimal]) -> Decimal | None:
    """Hours still needed for the next star; None at the top."""
    for threshold in thresholds:
        if hours < threshold:
            return threshold - hours
    return None


def round_hours(hours: Decimal) -> Decimal:
    """At most one decimal place, half up, as shown to people (12.25 → 12.3, 12.0 → 12)."""
    rounded = hours.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return rounded.quantize(Decimal(1)) if rounded == rounded.to_integral_value() else rounded


@lru_cache(maxsize=4096)
def hours_text(hours: Decimal) -> str:
    """round_hours as shown in a page. Memoised: a city's statements show a million
    hours, nearly all of them one of a few dozen values (equal Decimals, 2 and 2.0,
    round alike, so sharing an entry is right)."""
    return str(round_hours(hours))


def sum_hours(services: Iterable[Service]) -> Decimal:
    return sum((s.hours for s in services), ZERO)


# ------------------------------------------------------------ the figures


@dataclass(frozen=True)
class MeasureSum:
    """A measure site.yaml declares (a result beyond hours), summed exactly."""

    id: str  # as site.yaml declares it: blood_ml
    value: Decimal  # exact, as summed (a page prints the views' MeasureFigure, with its label and unit)


@dataclass(frozen=True)
class VolunteerFigures:
    hours: Decimal
    stars: int
    to_next_star: Decimal | None
    points: Decimal
    services: int
    hours_by_year: dict[int, Decimal]
    first_service: dt.date | None
    last_service: dt.date | None
    training_hours: Decimal = ZERO  # hours of trainings held: toward no star, no points


@dataclass(frozen=True)
class TeamFigures:
    members: int  # distinct volunteers in the team or any sub-team
    hours: Decimal  # all service hours of those members, each counted once
    activities: int  # service activities held, organised by the team or any sub-team
    people_served: int  # by those activities
    training_hours: Decimal = ZERO  # all training hours of its members, each counted once
    trainings: int = 0  # trainings held, organised by the team or any sub-team
    measures: tuple[MeasureSum, ...] = ()  # each declared measure, over those activities
    # 本队活动时长: the service hours at those activities, whoever served (a member of another team too);
    # `hours` (队员累计服务时长) is its members' hours from anywhere. Trainings count in neither.
    activity_hours: Decimal = ZERO


@dataclass(frozen=True)
class YearFigures:
    hours: Decimal  # service hours that year
    activities: int  # activities held that year
    active_volunteers: int  # distinct volunteers with any service that year
    services: int  # person-times (人次)
    people_served: int
    training_hours: Decimal = ZERO  # hours of trainings held that year
    trainings: int = 0  # trainings held that year
    measures: tuple[MeasureSum, ...] = ()  # each declared measure, over that year's activities
    activity_records: bool = True  # any activity or training held that year; False: its hours come from ledgers only


@dataclass(frozen=True)
class Totals:
    volunteers: int
    public_volunteers: int
    teams: int
    activities: int
    stories: int
    awards: int
    hours: Decimal
    people_served: int
    services: int
    training_hours: Decimal = ZERO
    trainings: int = 0  # trainings held (not among the activities)
    upcoming: int = 0  # activities after today (not among the activities)
    measures: tuple[MeasureSum, ...] = ()  # each declared measure, site-wide


@dataclass(frozen=True)
class Figures:
    volunteers: dict[str, VolunteerFigures]
    teams: dict[str, TeamFigures]
    years: dict[int, YearFigures]  # oldest first
    totals: Totals
    stars: dict[int, int]  # star level (1..n) → number of volunteers
    hours_by_month: dict[str, Decimal]  # "2024-03" → hours, oldest first
    activities_by_category: dict[str, int]  # most first


def compute(model: Model) -> Figures:
    thresholds = model.config.stars
    by_volunteer: dict[str, list[Service]] = defaultdict(list)
    for service in model.services:
        by_volunteer[service.volunteer].append(service)

    trained: dict[str, list[Service]] = defaultdict(list)
    for service in model.training:
        trained[service.volunteer].append(service)
    volunteers = {
        vid: volunteer_figures(by_volunteer.get(vid, []), thresholds, trained.get(vid, ())) for vid in model.people
    }
    stars = {level: 0 for level in range(1, len(thresholds) + 1)}
    for figures in volunteers.values():
        if figures.stars:
            stars[figures.stars] += 1

    at_activity = hours_by_activity(model.services)
    teams = {tid: team_figures(model, tid, volunteers, at_activity) for tid in model.teams}
    years = year_figures(model)
    awarded = [a for a in model.awards.values() if not a.candidate]
    counted = [a for a in model.activities.values() if model.counts(a.id)]
    totals = Totals(
        volunteers=len(model.people),
        public_volunteers=sum(1 for p in model.people.values() if p.public),
        teams=len(model.teams),
        activities=len(counted),
        stories=len(model.stories),
        awards=len(awarded),
        hours=sum_hours(model.services),
        people_served=sum(a.people_served or 0 for a in counted),
        services=len(model.services),
        training_hours=sum_hours(model.training),
        trainings=sum(1 for a in model.activities.values() if a.training and a.id not in model.upcoming_ids),
        upcoming=len(model.upcoming),
        # site-wide: the sum of the years', so of the very activities the years count
        measures=add_measures((y.measures for y in years.values()), measure_ids(model)),
    )
    return Figures(
        volunteers,
        teams,
        years,
        totals,
        stars,
        hours_by_month(model.services),
        activities_by_category(model),
    )


def volunteer_figures(
    services: Sequence[Service], thresholds: Sequence[Decimal], training: Iterable[Service] = ()
) -> VolunteerFigures:
    hours = sum_hours(services)
    by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for service in services:
        by_year[service.date.year] += service.hours
    dates = [s.date for s in services]
    return VolunteerFigures(
        hours=hours,
        stars=stars_for(hours, thresholds),
        to_next_star=hours_to_next_star(hours, thresholds),
        points=sum((s.points for s in services), ZERO),
        services=len(services),
        hours_by_year=dict(sorted(by_year.items())),
        first_service=min(dates) if dates else None,
        last_service=max(dates) if dates else None,
        training_hours=sum_hours(training),
    )


def hours_by_end_of(figures: VolunteerFigures, year: int) -> Decimal:
    """A volunteer's service hours up to the last day of `year`."""
    return sum((h for y, h in figures.hours_by_year.items() if y <= year), ZERO)


def stars_at_end_of(figures: VolunteerFigures, year: int, thresholds: Sequence[Decimal]) -> int:
    """The stars a volunteer held at the end of `year` (a year's honour roll shows these)."""
    if figures.last_service is None or figures.last_service.year <= year:
        return figures.stars  # no service since: today's (a city's every roll asks of each volunteer)
    if figures.first_service is not None and figures.first_service.year > year:
        return 0
    return stars_for(hours_by_end_of(figures, year), thresholds)


def hours_by_activity(services: Iterable[Service]) -> dict[str, Decimal]:
    """The service hours at each activity (participants' and ledger rows naming it), exactly."""
    found: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for service in services:
        if service.activity is not None:
            found[service.activity] += service.hours
    return dict(found)


def activity_hours(activity_ids: Iterable[str], at_activity: dict[str, Decimal]) -> Decimal:
    """本队活动时长: the hours served at these activities (each once), whoever served them."""
    return sum((at_activity.get(aid, ZERO) for aid in set(activity_ids)), ZERO)


def team_figures(
    model: Model,
    team_id: str,
    volunteers: dict[str, VolunteerFigures],
    at_activity: dict[str, Decimal] | None = None,
) -> TeamFigures:
    """A team's figures with its sub-teams'. `at_activity` (hours_by_activity of the model's services)
    is made once for every team when given."""
    if at_activity is None:
        at_activity = hours_by_activity(model.services)
    subtree = model.subtree(team_id)
    members = {vid for tid in subtree for vid in model.team_members.get(tid, ())}
    organised = {aid for tid in subtree for aid in model.activities_by_team.get(tid, ())}
    activity_ids = {aid for aid in organised if model.counts(aid)}
    return TeamFigures(
        members=len(members),
        hours=sum((volunteers[vid].hours for vid in members), ZERO),
        activities=len(activity_ids),
        people_served=sum(model.activities[aid].people_served or 0 for aid in activity_ids),
        training_hours=sum((volunteers[vid].training_hours for vid in members), ZERO),
        trainings=sum(1 for aid in organised if model.activities[aid].training and aid not in model.upcoming_ids),
        measures=sum_measures((model.activities[aid] for aid in activity_ids), measure_ids(model)),
        activity_hours=activity_hours(activity_ids, at_activity),
    )


def year_figures(model: Model) -> dict[int, YearFigures]:
    hours: dict[int, Decimal] = defaultdict(lambda: ZERO)
    active: dict[int, set[str]] = defaultdict(set)
    services: dict[int, int] = defaultdict(int)
    for service in model.services:
        year = service.date.year
        hours[year] += service.hours
        active[year].add(service.volunteer)
        services[year] += 1
    activities: dict[int, int] = defaultdict(int)
    served: dict[int, int] = defaultdict(int)
    trainings: dict[int, int] = defaultdict(int)
    training_hours: dict[int, Decimal] = defaultdict(lambda: ZERO)
    held: dict[int, list[Activity]] = defaultdict(list)  # the activities counted in each year, for its measures
    for activity in model.activities.values():
        if model.counts(activity.id):
            activities[activity.date.year] += 1
            served[activity.date.year] += activity.people_served or 0
            held[activity.date.year].append(activity)
        elif activity.training and activity.id not in model.upcoming_ids:
            trainings[activity.date.year] += 1
    for service in model.training:
        training_hours[service.date.year] += service.hours
    years = sorted(set(hours) | set(activities) | set(trainings) | set(training_hours))
    ids = measure_ids(model)
    recorded = years_with_activities(model)
    return {
        y: YearFigures(
            hours[y],
            activities[y],
            len(active[y]),
            services[y],
            served[y],
            training_hours[y],
            trainings[y],
            measures=sum_measures(held[y], ids),
            activity_records=y in recorded,
        )
        for y in years
    }


def years_with_activities(model: Model) -> frozenset[int]:
    """The years in which any activity or training was held (upcoming ones are not held yet): a
    year outside them has only ledger rows, so it has no activities and no people served to tell."""
    return frozenset(a.date.year for a in model.activities.values() if a.id not in model.upcoming_ids)


def hours_by_month(services: Iterable[Service]) -> dict[str, Decimal]:
    months: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for service in services:
        months[f"{service.date.year:04d}-{service.date.month:02d}"] += service.hours
    return dict(sorted(months.items()))


def activities_by_category(model: Model) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for activity in model.activities.values():
        if model.counts(activity.id):
            counts[activity.category or ""] += 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


# ------------------------------------------------------------ measures (site.yaml measures)
# Summed like hours: exactly, over the activities each figure counts (an activity organised by
# two teams of one subtree counts once, as it does in the team's activities).


def measure_ids(model: Model) -> tuple[str, ...]:
    """The declared measures' ids, in the order site.yaml declares them."""
    return tuple(m.id for m in model.config.measures)


def activity_measures(activity: Activity, ids: Sequence[str]) -> tuple[MeasureSum, ...]:
    """What one activity records of the declared measures, in the declared order (those it records)."""
    recorded = dict(activity.measures)
    return tuple(MeasureSum(i, recorded[i]) for i in ids if i in recorded)


def sum_measures(activities: Iterable[Activity], ids: Sequence[str]) -> tuple[MeasureSum, ...]:
    """Each declared measure summed over the activities, exactly; 0 where none records it."""
    return add_measures((activity_measures(activity, ids) for activity in activities), ids)


def add_measures(parts: Iterable[Iterable[MeasureSum]], ids: Sequence[str]) -> tuple[MeasureSum, ...]:
    """Sums of measures (of years, say) added up, exactly; each declared measure once, in the declared order."""
    sums = dict.fromkeys(ids, ZERO)
    for part in parts:
        for measure in part:
            if measure.id in sums:
                sums[measure.id] += measure.value
    return tuple(MeasureSum(i, value) for i, value in sums.items())


def measure_number(value: Decimal) -> Decimal:
    """A measure as shown to people: exact, without trailing zeros or an exponent (4000.0 → 4000, 1.50 → 1.5)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def leaderboard(hours: dict[str, Decimal], size: int) -> list[tuple[str, Decimal]]:
    """Volunteer ids with the most hours, most first; ties by id, so the order is stable."""
    ranked = sorted(((vid, h) for vid, h in hours.items() if h > 0), key=lambda kv: (-kv[1], kv[0]))
    return ranked[:size]


# ------------------------------------------------------------ open data


def stats_json(model: Model, figures: Figures) -> dict[str, Any]:
    """data/stats.json as SPEC section 5 gives it; non-public volunteers only in totals."""
    t = figures.totals
    data: dict[str, Any] = {
        "totals": {
            "volunteers": t.volunteers,
            "teams": t.teams,
            "activities": t.activities,
            "stories": t.stories,
            "awards": t.awards,
            "hours": _number(t.hours),
            "people_served": t.people_served,
        },
        "stars": {str(level): count for level, count in figures.stars.items()},
        "by_year": {
            str(year): {
                "hours": _number(y.hours),
                "activities": y.activities,
                "active_volunteers": y.active_volunteers,
                "training_hours": _number(y.training_hours),
            }
            for year, y in figures.years.items()
        },
        "teams": {
            tid: {
                "hours": _number(f.hours),
                "members": f.members,
                "activities": f.activities,
                "training_hours": _number(f.training_hours),
            }
            for tid, f in sorted(figures.teams.items())
        },
        "volunteers": {
            vid: {"hours": _number(f.hours), "stars": f.stars, "points": _points(f.points)}
            for vid, f in sorted(figures.volunteers.items())
            if model.people[vid].public
        },
        "upcoming": list(model.upcoming),  # soonest first
    }
    # measures (SPEC section 5): site-wide, and in each year's and each team's entry
    data["measures"] = _measures_json(t.measures)
    for year, y in figures.years.items():
        data["by_year"][str(year)]["measures"] = _measures_json(y.measures)
    for tid, f in figures.teams.items():
        data["teams"][tid]["measures"] = _measures_json(f.measures)
        # (an added key: the hours of the activities the team and its sub-teams organised)
        data["teams"][tid]["activity_hours"] = _number(f.activity_hours)
    return data


def _number(hours: Decimal) -> float:
    # Decimal sums with few places convert to the float whose shortest repr is the same digits.
    return float(hours)


def _points(points: Decimal) -> int | float:
    return int(points) if points == points.to_integral_value() else float(points)


def _measures_json(measures: Iterable[MeasureSum]) -> dict[str, int | float]:
    # Whole numbers as integers (12000, not 12000.0); others as the hours are written.
    return {m.id: int(m.value) if m.value == m.value.to_integral_value() else float(m.value) for m in measures}
