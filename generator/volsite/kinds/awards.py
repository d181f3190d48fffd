"""Award records (content/awards/): honours, and nominees under public posting (公示)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..messages import say
from ..problems import Problems
from ..read.files import Raw
from ..slugs import slugify
from .fields import Fields, KindConfig, shown

FOLDER = "content/awards"
LABEL = "award"
# What its published view shows as written (the hidden-name check reads them).
SHOWN_FIELDS = ("title", "citation", "issuer", "number")
MARKDOWN_FIELD = "citation"
KNOWN = (
    "id",
    "title",
    "volunteer",
    "team",
    "date",
    "year",
    "level",
    "issuer",
    "citation",
    "status",
    "posting_until",
    "number",
)
LEVELS = ("国家级", "省级", "市级", "区县级", "单位")
STATUSES = ("awarded", "candidate")


@dataclass(frozen=True)
class Award:
    id: str
    title: str
    volunteer: str | None
    team: str | None
    date: dt.date | None
    year: int
    level: str | None
    issuer: str | None
    citation: str | None
    status: str
    posting_until: dt.date | None
    number: str | None  # certificate number, when staff give one
    path: str
    line: int
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def candidate(self) -> bool:
        return self.status == "candidate"

    @property
    def recipient(self) -> str:
        return self.volunteer or self.team or ""


def parse(raw: Raw, problems: Problems, config: KindConfig | None = None) -> Award | None:
    f = Fields(raw, "award", problems)
    aid = f.ident("id", required=False)
    title = f.text("title", required=True)
    f.check_known(KNOWN)
    volunteer = f.ident("volunteer", required=False)
    team = f.ident("team", required=False)
    if not f.has("volunteer") and not f.has("team"):
        f.error(
            None,
            say(
                "V240",
                "give exactly one recipient: '{volunteer}' or '{team}': add the id of the volunteer or of the "
                "team the award went to",
                volunteer=f.name("volunteer"),
                team=f.name("team"),
            ),
        )
    elif f.has("volunteer") and f.has("team"):
        f.error(
            None,
            say(
                "V241",
                "give exactly one recipient: '{volunteer}' or '{team}', not both: an award to a team and one "
                "to a member of it are two records",
                volunteer=f.name("volunteer"),
                team=f.name("team"),
            ),
        )
    date = f.date("date")
    year = _year(f, date)
    status = f.text("status") or "awarded"
    if status not in STATUSES:
        f.error(
            "status",
            say(
                "V242",
                "'{field}' must be one of {statuses}, not '{value}': leave it out for an award given, "
                "or write candidate for a nominee under public posting",
                field=f.name("status"),
                statuses=STATUSES,
                value=shown(status),
            ),
        )
        status = "awarded"
    posting_until = f.date("posting_until")
    if status == "candidate" and posting_until is None and not f.has("posting_until"):
        f.error(
            "status",
            say(
                "V243",
                "a candidate needs '{field}', the last day of public posting: add it, such as {field}: 2024-05-10",
                field=f.name("posting_until"),
            ),
        )
    recipient = volunteer or team
    if not (title and recipient and year):
        return None
    if aid is None:
        # Stable across builds and across edits of other fields.
        aid = f"{year}-{slugify(title)}-{recipient}"
    return Award(
        aid,
        title,
        volunteer,
        team,
        date,
        year,
        f.text("level"),
        f.text("issuer"),
        f.text("citation"),
        status,
        posting_until,
        f.text("number"),
        raw.path,
        raw.line,
        dict(raw.lines),
    )


def _year(f: Fields, date: dt.date | None) -> int | None:
    if f.has("year"):
        year = f.whole("year")
        if year is not None and not 1900 <= year <= 2999:
            f.error(
                "year",
                say(
                    "V244",
                    "'{field}' must be a year like 2024, not {value}: check it for a typo",
                    field=f.name("year"),
                    value=year,
                ),
            )
            return None
        if year and date and date.year != year:
            f.error(
                "year",
                say(
                    "V245",
                    "'{year_field}' {year} does not match '{date_field}' {date}: correct one of them, "
                    "or give only the date",
                    year_field=f.name("year"),
                    date_field=f.name("date"),
                    year=year,
                    date=date.isoformat(),
                ),
            )
        return year
    if date is None:
        if not f.has("date"):
            f.error(
                None,
                say(
                    "V246",
                    "give the award's '{date}' or '{year}': add one, such as {date}: 2024-05-04 or {year}: 2024",
                    date=f.name("date"),
                    year=f.name("year"),
                ),
            )
        return None
    return date.year
