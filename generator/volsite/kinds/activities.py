"""Activity records (content/activities/): who served, when, for how long."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..messages import say
from ..problems import Problems, did_you_mean
from ..read.files import Raw
from .fields import NUMBER_DIGITS, Fields, KindConfig, more_of, parse_decimal, plain_ident, shown

FOLDER = "content/activities"
LABEL = "activity"
# What its published view shows as written (the hidden-name check reads them).
SHOWN_FIELDS = ("title", "summary", "location", "category", "signup_contact")
MARKDOWN_FIELD = "summary"
KNOWN = (
    "id",
    "title",
    "date",
    "end",
    "time",
    "team",
    "teams",
    "category",
    "location",
    "hours",
    "participants",
    "people_served",
    "summary",
    "story",
    "type",
    "signup",
    "measures",
)
# An activity's `type`: service (the default) or training (培训), whose hours are training hours.
SERVICE, TRAINING = "service", "training"
TYPES = (SERVICE, TRAINING)
# What staff write in Chinese for each.
TYPE_WORDS = {"服务": SERVICE, "志愿服务": SERVICE, "培训": TRAINING}
SIGNUP_KEYS = ("until", "slots", "contact", "url")
# `time`: "08:30" or "08:30-11:30" on a 24-hour clock; between the two, what staff type for "to"
# (read after NFKC, which makes full-width digits, ：, ～ and － plain).
_CLOCK = r"([0-9]{1,2}):([0-9]{2})"
_TIME = re.compile(rf"{_CLOCK}(?:\s*(?:-+|—+|–|~|至|到)\s*{_CLOCK})?")


@dataclass(frozen=True)
class Signup:
    """Recruiting for an upcoming activity (招募): how residents and volunteers sign up."""

    until: dt.date | None  # the last day to sign up
    slots: int | None  # how many are wanted
    contact: str | None  # a phone, a place, a person: how to sign up
    url: str | None  # an online form


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
    type: str = SERVICE
    signup: Signup | None = None

    @property
    def training(self) -> bool:
        return self.type == TRAINING

    @property
    def signup_contact(self) -> str | None:
        """What the sign-up says of whom to ask: published as written (the hidden-name check reads it)."""
        return self.signup.contact if self.signup else None

    # Results beyond hours (blood_ml: 4000), as written; the model checks that site.yaml declares each.
    measures: tuple[tuple[str, Decimal], ...] = ()
    # `time`: when it starts on its day(s), and when it ends if given (08:30-11:30), in the site's time zone.
    starts: dt.time | None = None
    ends: dt.time | None = None

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
    starts, ends = _time(f)
    kind = _type(f)
    signup = _signup(f, date)
    if kind == TRAINING and f.has("people_served"):
        f.warning(
            "people_served",
            say(
                "V276",
                "a training counts no '{field}': its volunteers were trained, no one was served; delete it, "
                "or leave out '{type}: training' if the volunteers served people",
                field=f.name("people_served"),
                type=f.name("type"),
            ),
        )
    measures, measure_lines = _measures(f)
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
        lines={**_lines(raw), **measure_lines},
        type=kind,
        signup=signup,
        measures=measures,
        starts=starts,
        ends=ends,
    )
    return activity if aid else None


def _lines(raw: Raw) -> dict[str, int]:
    lines = dict(raw.lines)
    if "signup" in lines:
        lines["signup_contact"] = lines["signup"]  # (SHOWN_FIELDS: the contact is told at the signup's line)
    return lines


def _time(f: Fields) -> tuple[dt.time | None, dt.time | None]:
    """`time`: "08:30" or "08:30-11:30" (also 8:30—11:30, 08：30～11：30, 8:30至11:30)."""
    value = f.value("time")
    if value in (None, ""):
        return None, None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 60:
        # YAML reads 8:30 (no leading 0) as a number of minutes, 510: the clock it was written as
        value = f"{value // 60}:{value % 60:02d}"
    text = unicodedata.normalize("NFKC", str(value)).strip() if isinstance(value, (str, int, float)) else ""
    found = _TIME.fullmatch(text)
    starts = _clock(found.group(1), found.group(2)) if found else None
    ends = _clock(found.group(3), found.group(4)) if found else None
    if found is None or starts is None or (found.group(3) is not None and ends is None):
        f.error(
            "time",
            say(
                "V225",
                "'{field}' must be a time of day on a 24-hour clock, as 08:30, or a start and an end, as "
                "08:30-11:30, not '{value}': write hours and minutes with a colon",
                field=f.name("time"),
                value=shown(value if not isinstance(value, (dict, list)) else repr(value)),
            ),
        )
        return None, None
    if ends is not None and ends <= starts:
        f.error(
            "time",
            say(
                "V226",
                "'{field}' ends ({ends}) before it starts ({starts}): write the start first, as 08:30-11:30, "
                "on a 24-hour clock (2:30 in the afternoon is 14:30)",
                field=f.name("time"),
                starts=starts.strftime("%H:%M"),
                ends=ends.strftime("%H:%M"),
            ),
        )
        return None, None
    return starts, ends


def _clock(hours: str | None, minutes: str | None) -> dt.time | None:
    if hours is None or minutes is None or int(hours) > 23 or int(minutes) > 59:
        return None
    return dt.time(int(hours), int(minutes))


def _type(f: Fields) -> str:
    value = f.text("type")
    if value is None:
        return SERVICE
    word = TYPE_WORDS.get(value, value.lower())
    if word in TYPES:
        return word
    f.error(
        "type",
        say(
            "V270",
            "'{field}' must be service or training (培训), not '{value}'{hint}: leave it out for a service, "
            "or write training for an activity where the volunteers were trained",
            field=f.name("type"),
            value=shown(value),
            hint=did_you_mean(value.lower()[:100], TYPES + tuple(TYPE_WORDS)),
        ),
    )
    return SERVICE


def _signup(f: Fields, date: dt.date | None) -> Signup | None:
    """`signup: {until, slots, contact, url}`, each checked as a field of its own (signup.until)."""
    value = f.value("signup")
    if value in (None, ""):
        return None
    if not isinstance(value, dict):
        f.error(
            "signup",
            say(
                "V271",
                "'{field}' must be a mapping of until, slots, contact and url, not '{value}': write it as "
                "{field}: {{until: 2026-12-15, slots: 20, contact: 0510-12345678, url: https://…}}",
                field=f.name("signup"),
                value=shown(value),
            ),
        )
        return None
    name = f.raw.name_of("signup")
    raw = Raw(
        f.raw.path,
        f.raw.line_of("signup"),
        value,
        {key: getattr(value, "lines", {}).get(key, f.raw.line_of("signup")) for key in value},
        {str(key): f"{name}.{key}" for key in value},
    )
    sub = Fields(raw, f.kind, f.problems)
    sub.label = f.label
    sub.check_known(SIGNUP_KEYS)
    until = sub.date("until")
    slots = sub.whole("slots")
    if slots == 0:
        sub.error(
            "slots",
            say(
                "V272",
                "'{field}' is 0: write how many people are wanted, such as 20, or leave it out",
                field=sub.name("slots"),
            ),
        )
        slots = None
    contact = sub.text("contact")
    url = sub.text("url")
    if url is not None and not _web_address(url):
        sub.error(
            "url",
            say(
                "V273",
                "'{field}' must be a web address starting with https:// or http://, not '{value}': copy the whole "
                "address of the sign-up form, or write a phone or a place in '{contact}'",
                field=sub.name("url"),
                value=shown(url),
                contact=name + ".contact",
            ),
        )
        url = None
    if until is not None and date is not None and until > date:
        sub.warning(
            "until",
            say(
                "V274",
                "'{field}' ({until}) is after the activity's date ({date}): sign-ups close on or before the day; "
                "correct one of them",
                field=sub.name("until"),
                until=until.isoformat(),
                date=date.isoformat(),
            ),
        )
    if contact is None and url is None:
        f.warning(
            "signup",
            say(
                "V275",
                "'{field}' says neither how nor where to sign up: add '{field}.contact' (a phone, a place) "
                "or '{field}.url' (an online form)",
                field=name,
            ),
        )
    return Signup(until, slots, contact, url)


def _web_address(text: str) -> bool:
    scheme, _, rest = text.partition("://")
    return scheme.lower() in ("http", "https") and bool(rest) and not any(c.isspace() for c in text)


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


# ------------------------------------------------------------------ measures


def _measures(f: Fields) -> tuple[tuple[tuple[str, Decimal], ...], dict[str, int]]:
    """The activity's `measures` ({blood_ml: 4000}): each a number of 0 or more, exact; and the
    line of each, as lines keep it ("measures.blood_ml"), for the model to tell an undeclared one."""
    value = f.value("measures")
    if value in (None, ""):
        return (), {}
    if not isinstance(value, dict):
        f.error(
            "measures",
            say(
                "V280",
                "'{field}' must be a mapping of each measure to its number, not {value}: write it as "
                "{field}: {{blood_ml: 4000, leaflets: 1200}}, with the measures site.yaml declares",
                field=f.name("measures"),
                value=shown(repr(value)),
            ),
        )
        return (), {}
    inner = getattr(value, "lines", {})
    found: list[tuple[str, Decimal]] = []
    lines: dict[str, int] = {}
    for key, number in value.items():
        name = str(key)
        line = inner.get(key, f.raw.line_of("measures"))
        parsed = parse_decimal(number) if not isinstance(number, bool) else None
        if parsed is None and _finite(number):
            f.problems.error(
                f.raw.path,
                line,
                say(
                    "V282",
                    "measure '{measure}' is out of range: '{value}' (a number in a record is below {most} and not "
                    "smaller than 0.000000000001): check it for a typo",
                    measure=shown(name),
                    value=shown(number),
                    most=format(10 ** NUMBER_DIGITS[1], ","),
                ),
                subject=f.label,
            )
            continue
        if parsed is None or parsed < 0:
            f.problems.error(
                f.raw.path,
                line,
                say(
                    "V281",
                    "measure '{measure}' must be a number of 0 or more, not '{value}': write digits only, "
                    "such as 4000 or 1.5, without units or words (the unit is site.yaml's)",
                    measure=shown(name),
                    value=shown(number),
                ),
                subject=f.label,
            )
            continue
        found.append((name, parsed))
        lines[f"measures.{name}"] = line
    return tuple(found), lines


def _finite(value: object) -> bool:
    """A number written out of range (1e20), as opposed to no number at all (4000毫升)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        return False
    try:
        return Decimal(str(value).strip()).is_finite()
    except InvalidOperation:
        return False
