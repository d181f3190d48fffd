"""Team records (content/teams/): the organisation tree and service menus."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ..messages import say
from ..problems import Problems, did_you_mean
from ..read.files import Raw
from .fields import Fields, KindConfig, shown

FOLDER = "content/teams"
LABEL = "team"
# What its published view shows as written (the hidden-name check reads them).
SHOWN_FIELDS = ("name", "description", "category", "address", "open_hours", "contact")
MARKDOWN_FIELD = "description"
KNOWN = (
    "id",
    "name",
    "parent",
    "lead",
    "founded",
    "category",
    "description",
    "logo",
    "services",
    "order",
    "address",
    "open_hours",
    "contact",
)
# What a service given as a mapping may say (SPEC section 2).
SERVICE_KEYS = ("name", "description", "when", "booking")


@dataclass(frozen=True)
class Service:
    name: str
    description: str | None
    when: str | None = None  # when it is offered: 每周二上午
    booking: str | None = None  # how a resident asks for it: a public phone, a link or a place


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
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    # A service station's public details (SPEC section 2): public by declaration.
    order: Decimal | None = None  # position among its sibling teams; then by the pinyin of the name
    address: str | None = None
    open_hours: str | None = None
    contact: str | None = None  # a public phone, or whom to ask


def parse(raw: Raw, problems: Problems, config: KindConfig | None = None) -> Team | None:
    f = Fields(raw, "team", problems)
    tid = f.ident("id")
    name = f.text("name", required=True)
    f.check_known(KNOWN)
    team = Team(
        id=tid or "",
        name=name or "",
        parent=f.ident("parent", required=False),
        lead=f.ident("lead", required=False),
        founded=f.date("founded"),
        category=f.text("category"),
        description=f.text("description"),
        logo=f.text("logo"),
        services=_services(f),
        path=raw.path,
        line=raw.line,
        lines=dict(raw.lines),
        order=f.number("order"),
        address=f.text("address"),
        open_hours=f.text("open_hours"),
        contact=f.text("contact"),
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
            name, description = _plain(item.get("name")), item.get("description")
            if name is None:
                f.error(
                    "services",
                    say(
                        "V250",
                        "each service given as a mapping needs a 'name' (text), not '{value}': "
                        "write it as - {{name: Haircuts at home, description: …}}",
                        value=shown(item.get("name")),
                    ),
                )
                continue
            if description is not None and _plain(description) is None and description != "":
                f.error(
                    "services",
                    say(
                        "V251",
                        "the description of service '{name}' must be text, not '{value}': write it on one line "
                        "after 'description:', in quotes if it holds a colon and a space",
                        name=shown(name),
                        value=shown(description),
                    ),
                )
                description = None
            for key in item:
                if key not in SERVICE_KEYS:
                    f.error(
                        "services",
                        say(
                            "V253",
                            "service '{name}' has '{key}', which volsite does not know{hint}: a service has name, "
                            "description, when and booking",
                            name=shown(name),
                            key=shown(str(key)),
                            hint=did_you_mean(str(key)[:100], SERVICE_KEYS),
                        ),
                    )
            when, booking = (_service_text(f, name, key, item.get(key)) for key in ("when", "booking"))
            services.append(Service(name, _plain(description), when, booking))
        elif (name := _plain(item)) is not None:
            services.append(Service(name, None))
        else:
            f.error(
                "services",
                say(
                    "V252",
                    "'{field}' must be a list of names or of {{name, description}}, not '{value}': "
                    "write one service a line, as - Haircuts at home or - {{name: Haircuts at home, description: …}}",
                    field=f.name("services"),
                    value=shown(item),
                ),
            )
    return tuple(services)


def _service_text(f: Fields, name: str, key: str, value: object) -> str | None:
    """A service's `when` or `booking` as text, or None (told when it is not text)."""
    if value in (None, ""):
        return None
    text = _plain(value)
    if text is None:
        f.error(
            "services",
            say(
                "V254",
                "the '{key}' of service '{name}' must be text, not '{value}': write it on one line after '{key}:', "
                "in quotes if it holds a colon and a space",
                key=key,
                name=shown(name),
                value=shown(value),
            ),
        )
    return text


def _plain(value: object) -> str | None:
    """A name or description as text; None for nothing, a list or a mapping."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, dt.date)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
    return text or None
