"""Activity records (content/activities/): who served, when, for how long."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ..messages import say
from ..problems import Problems
from ..read.files import Raw
from .fields import Fields, KindConfig, more_of, parse_decimal, plain_ident, shown

FOLDER = "content/activities"
LABEL = "activity"
# What its published view shows as written (the hidden-name check reads them).
SHOWN_FIELDS = ("title", "summary", "location", "category")
MARKDOWN_FIELD = "summary"
KNOWN = (
    "id",
    "title",
    "date",
    "end",
    "team",
    "teams",
    "category",
    "location",
    "hours",
    "participants",
    "people_served",
    "summary",
    "story",
)


@dataclass(frozen=True)
class Participant:
    volunteer: str
    hours: Decimal | None  # None: the activity's default hours


@dataclass(frozen=True)
class Activity:
    id: str
    title: str
    date: dt.date
    end: dt.date | None
    teams: tuple[str, ...]
    category: str | None
    location: str | None
    hours: Decimal | None
    participants: tuple[Participant, ...]
    people_served: int | None
    summary: str | None
    story: str | None
    path: str
    line: int
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def days(self) -> int:
        return (self.end - self.date).days + 1 if self.end else 1

    def hours_of(self, participant: Participant) -> Decimal:
        hours = participant.hours if participant.hours is not None else self.hours
        return hours if hours is not None else Decimal(0)


def parse(raw: Raw, problems: Problems, config: KindConfig | None = None) -> Activity | None:
    f = Fields(raw, "activity", problems)
    aid = f.ident("id")
    title = f.text("title", required=True)
    date = f.date("date", required=True)
    end = f.date("end")
    f.check_known(KNOWN)
    if date and end and end < date:
        f.error(
            "end",
            say(
                "V220",
                "'{end_field}' ({end}) is before '{date_field}' ({date}): '{date_field}' is the first day, "
                "'{end_field}' the last; correct one of them",
                end_field=f.name("end"),
                end=end.isoformat(),
                date_field=f.name("date"),
                date=date.isoformat(),
            ),
        )
        end = None
    days = (end - date).days + 1 if date and end else 1
    # A multi-day activity may give each participant up to 24 hours a day.
    limit = Decimal(24 * days)
    hours = f.hours("hours", limit=limit)
    teams = f.id_list("teams") + f.id_list("team")
    participants = _participants(f, limit)
    if participants and hours is None and any(p.hours is None for p in participants):
        f.warning(
            "participants",
            say(
                "V221",
                "participants have no hours: give the activity '{hours}' or each participant's hours; "
                "they count 0 hours",
                hours=f.name("hours"),
            ),
        )
    activity = Activity(
        id=aid or "",
        title=title or "",
        date=date or dt.date.min,
        end=end,
        teams=tuple(dict.fromkeys(teams)),
        category=f.text("category"),
        location=f.text("location"),
        hours=hours,
        participants=participants,
        people_served=f.whole("people_served"),
        summary=f.text("summary"),
        story=f.text("story"),
        path=raw.path,
        line=raw.line,
        lines=dict(raw.lines),
    )
    return activity if aid else None


def _participants(f: Fields, limit: Decimal) -> tuple[Participant, ...]:
    value = f.value("participants")
    if value in (None, ""):
        return ()
    if not isinstance(value, list):
        f.error(
            "participants",
            say(
                "V222",
                "'{field}' must be a list of volunteer ids or of {{volunteer: id, hours: n}}: write one volunteer "
                "a line, as - zhang-wei or - {{volunteer: zhang-wei, hours: 3}}",
                field=f.name("participants"),
            ),
        )
        return ()
    found, wrong = [], []
    for item in value:
        if isinstance(item, dict):
            vid, hours_value = item.get("volunteer", item.get("id")), item.get("hours")
        else:
            vid, hours_value = item, None
        if isinstance(vid, float) and vid.is_integer():
            vid = int(vid)
        vid = str(vid).strip() if isinstance(vid, (str, int)) and not isinstance(vid, bool) else vid
        if not isinstance(vid, str) or plain_ident(vid) is None:
            wrong.append(vid)
            continue
        hours = None
        if hours_value not in (None, ""):
            hours = parse_decimal(hours_value)
            if hours is None or not Decimal(0) < hours <= limit:
                f.error(
                    "participants",
                    say(
                        "V223",
                        "hours of participant '{volunteer}' must be a number more than 0 and at most {limit}, "
                        "not '{value}': write the hours they served, such as 2 or 1.5",
                        volunteer=vid,
                        limit=limit,
                        value=shown(hours_value),
                    ),
                )
                hours = None
        found.append(Participant(vid, hours))
    if wrong:
        f.error(
            "participants",
            say(
                "V224",
                "participant '{value}'{more} is not a volunteer id: write the 'id' of the volunteer's record "
                "(lower-case letters, digits and '-', such as zhang-wei)",
                value=shown("" if wrong[0] is None else wrong[0]),
                more=more_of(len(wrong) - 1),
            ),
        )
    return tuple(found)
