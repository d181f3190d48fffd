"""Team records (content/teams/): the organisation tree and service menus."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..problems import Problems
from ..sources import Raw
from .fields import Fields

FOLDER = "content/teams"
KNOWN = ("id", "name", "parent", "lead", "founded", "category", "description", "logo", "services")


@dataclass(frozen=True)
class Service:
    name: str
    description: str | None


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    parent: str | None
    lead: str | None
    founded: dt.date | None
    category: str | None
    description: str | None
    logo: str | None
    services: tuple[Service, ...]
    path: str
    line: int
    lines: dict = field(default_factory=dict, compare=False, repr=False)


def parse(raw: Raw, problems: Problems) -> Team | None:
    f = Fields(raw, "team", problems)
    tid = f.ident("id")
    name = f.text("name", required=True)
    f.check_known(KNOWN)
    team = Team(
        id=tid or "", name=name or "",
        parent=f.ident("parent", required=False),
        lead=f.ident("lead", required=False),
        founded=f.date("founded"),
        category=f.text("category"),
        description=f.text("description"),
        logo=f.text("logo"),
        services=_services(f),
        path=raw.path, line=raw.line, lines=dict(raw.lines),
    )
    return team if tid else None


def _services(f: Fields) -> tuple[Service, ...]:
    value = f.value("services")
    if value in (None, ""):
        return ()
    if not isinstance(value, list):
        value = [value]
    services = []
    for item in value:
        if isinstance(item, dict):
            name = item.get("name")
            if not name:
                f.error("services", "each service given as a mapping needs a 'name'")
                continue
            description = item.get("description")
            services.append(Service(str(name).strip(), str(description).strip() if description else None))
        elif isinstance(item, (str, int, float)) and str(item).strip():
            services.append(Service(str(item).strip(), None))
        else:
            f.error("services", "'services' must be a list of names or of {name, description}")
    return tuple(services)
