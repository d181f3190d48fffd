"""site.yaml → SiteConfig: every setting declared once, in OPTIONS, with its check, default and help.

`parse_config` is pure (a parsed mapping in, a config and problems out);
`load_config` only reads the file. `python3 -m volsite.config --write README.md`
makes the README's list of settings again from the same table.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .kinds.fields import parse_decimal
from .kinds.volunteers import CONTROL_FIELDS, PUBLISHED_FIELDS, field_key, private_field
from .messages import Message, say, words
from .problems import NOTHING, Problems, did_you_mean
from .read.files import read_text
from .read.text import shown
from .read.yaml import parse_yaml

CONFIG_FILE = "site.yaml"
LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_STARS = (Decimal(100), Decimal(300), Decimal(600), Decimal(1000), Decimal(1500))


class Report(Protocol):
    """Tells a problem of one setting, at its line in site.yaml (or at `line`, one inside it)."""

    def __call__(self, message: Message, line: int | None = None) -> None: ...


def _reporter(problems: Problems, rel: str, at: int | None) -> Report:
    def report(message: Message, line: int | None = None) -> None:
        problems.error(rel, line if line is not None else at, message)

    return report


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str


@dataclass(frozen=True)
class Measure:
    """A result that activities record beyond hours (site.yaml measures): blood_ml → 献血量, 毫升."""

    id: str  # as activities' `measures` name it: blood_ml
    label: str  # shown beside its figures: 献血量
    unit: str  # after the number: 毫升; may be empty


# ------------------------------------------------------- statement_issuer (hour statements, proofs)


@dataclass(frozen=True)
class Issuer:
    """Who issues statements of service and stands behind them (site.yaml statement_issuer):
    public by declaration, the privacy scan lets its values through. Printed as its name, and
    false when there is none, as the plain text it once was."""

    name: str = ""
    contact: str = ""  # a phone or an address whoever holds a statement may ask
    person: str = ""  # the person in charge (负责人)

    def __str__(self) -> str:
        return self.name

    def __bool__(self) -> bool:
        return bool(self.name)


ISSUER_KEYS = ("name", "contact", "person")


def _issuer(value: Any) -> Issuer | dict | None:
    if isinstance(value, dict):
        return value  # its keys are checked by _issuer_of_mapping, which tells each problem
    text = _text(value)
    return None if text is None else Issuer(text)


def _issuer_of_mapping(value: Issuer | dict, report: Report) -> Issuer | None:
    if isinstance(value, Issuer):
        return value
    fields: dict[str, str] = {}
    for key, item in value.items():
        if key not in ISSUER_KEYS:
            report(
                say(
                    "V030",
                    "'statement_issuer' has '{key}', which volsite does not know{hint}: it takes name, contact "
                    "and person, each on its own line under statement_issuer:",
                    key=shown(str(key)),
                    hint=did_you_mean(str(key), ISSUER_KEYS),
                )
            )
        elif item not in (None, ""):
            text = _text(item)
            if text is None:
                report(
                    say(
                        "V031",
                        "'statement_issuer.{key}' must be text, not {value}: write it on the same line as '{key}:'",
                        key=key,
                        value=shown(repr(item)),
                    )
                )
            else:
                fields[key] = text
    if not fields.get("name"):
        if fields or not value:
            report(
                say(
                    "V032",
                    "'statement_issuer' names no issuer: add its name under it (name: 澜州市人民医院志愿服务总队), "
                    "or delete statement_issuer to mark statements as not official",
                )
            )
        return None
    return Issuer(**fields)


# ------------------------------------------------------- contact (the organisation's public contact)


@dataclass(frozen=True)
class Contact:
    """The organisation's public contact (site.yaml contact): on every page's footer, on /join/
    and beside the candidates' posting. Public by declaration: the privacy scan lets it through.
    False when it says nothing."""

    phone: str = ""
    email: str = ""
    address: str = ""
    wechat_qr: str = ""  # an image under content/ (media/wechat-qr.png): a WeChat QR code to scan
    wechat_qr_line: int | None = field(default=None, compare=False)  # its line in site.yaml, for messages

    def __bool__(self) -> bool:
        return bool(self.phone or self.email or self.address or self.wechat_qr)


CONTACT_KEYS = ("phone", "email", "address", "wechat_qr")


def _contact_of_mapping(value: dict, report: Report) -> Contact | None:
    lines = getattr(value, "lines", {})
    fields: dict[str, Any] = {}
    for key, item in value.items():
        if key not in CONTACT_KEYS:
            report(
                say(
                    "V012",
                    "'contact' has '{key}', which volsite does not know{hint}: it takes phone, email, address "
                    "and wechat_qr, each on its own line under contact:",
                    key=shown(str(key)),
                    hint=did_you_mean(str(key), CONTACT_KEYS),
                ),
                lines.get(key),
            )
        elif item not in (None, ""):
            text = _text(item)
            if text is None or not text:
                report(
                    say(
                        "V013",
                        "'contact.{key}' must be text, not {value}: write it on the same line as '{key}:', "
                        "in quotes if it starts with 0 or +",
                        key=key,
                        value=shown(repr(item)),
                    ),
                    lines.get(key),
                )
            else:
                fields[key] = text
    if "wechat_qr" in fields:
        fields["wechat_qr_line"] = lines.get("wechat_qr")
    return Contact(**fields)


# ------------------------------------------------------------------ checks
# Each takes a value as YAML gives it and returns it as SiteConfig holds it, or None when it is wrong.


def _text(value: Any) -> str | None:
    return str(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None


def _positive_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _stars(value: Any) -> tuple[Decimal, ...] | None:
    if not isinstance(value, list) or not value:
        return None
    numbers = [parse_decimal(v) for v in value]
    if any(n is None or n <= 0 for n in numbers):
        return None
    if any(b <= a for a, b in zip(numbers, numbers[1:])):
        return None
    return tuple(numbers)  # type: ignore[arg-type]


def _widths(value: Any) -> tuple[int, ...] | None:
    if not isinstance(value, list) or not value:
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) and 16 <= v <= 4096 for v in value):
        return None
    if any(b <= a for a, b in zip(value, value[1:])):
        return None
    return tuple(value)


def _quality(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 100 else None


def _base_url(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. 'http://[': an IPv6 host that is not one
        return None
    if parts.scheme and (parts.scheme not in ("http", "https") or not parts.netloc):
        return None
    if not parts.scheme and not text.startswith("/"):
        return None
    return text


def _theme_name(value: Any) -> str | None:
    # A name, not a path: the theme is looked for under themes/ and nowhere else.
    return _text(value) if _text(value) and "/" not in str(value) and not str(value).startswith(".") else None


def _zero_or_more(value: Any) -> Decimal | None:
    number = parse_decimal(value)
    return number if number is not None and number >= 0 else None


def _texts(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(_text(v) for v in value):
        return None
    return tuple(_text(v) for v in value)  # type: ignore[misc]


def _list(value: Any) -> list | None:
    return value if isinstance(value, list) else None


def _names(value: Any) -> list[str] | None:
    return value if isinstance(value, list) and all(isinstance(v, str) for v in value) else None


def _patterns(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    names = _names(value)
    return tuple(name.strip() for name in names) if names is not None and all(n.strip() for n in names) else None


# ------------------------------------------------ further checks, telling problems of their own


def _one_of_languages(language: str, report: Report) -> str | None:
    if language in LANGUAGES:
        return language
    report(
        say(
            "V005",
            "'language' must be one of {languages}, not '{value}'{hint}: write zh-CN for a site in Chinese, "
            "en for one in English",
            languages=LANGUAGES,
            value=shown(language),
            hint=did_you_mean(language, LANGUAGES),
        )
    )
    return None


def _publishable(names: list[str], report: Report) -> tuple[str, ...]:
    """The extra fields to publish: each private one is a problem, the ones published anyway are left out."""
    fields = []
    for name in names:
        # Under any of its names (手机号码, Phone, ID_Number) or inside another
        # (紧急联系电话): the one table of private names decides (volunteers.private_field).
        private = private_field(name)
        if private is not None:
            field_name, found = private
            if name == field_name:
                report(
                    say(
                        "V006",
                        "'{name}' is a private field of volunteers and is never published: "
                        "remove it from publish_fields",
                        name=shown(name),
                    )
                )
            elif field_key(name) == field_key(found):
                report(
                    say(
                        "V007",
                        "'{name}' is a private field of volunteers (another name of '{field}') and is never "
                        "published: remove it from publish_fields",
                        name=shown(name),
                        field=field_name,
                    )
                )
            else:
                report(
                    say(
                        "V008",
                        "'{name}' is a private field of volunteers (its name holds '{found}', another name of "
                        "'{field}') and is never published: remove it from publish_fields",
                        name=shown(name),
                        found=found,
                        field=field_name,
                    )
                )
        elif name in PUBLISHED_FIELDS or name in CONTROL_FIELDS:
            continue  # already handled by its own rule
        else:
            fields.append(name)
    return tuple(fields)


# What staff write for China's time when they do not know the zone's name (Asia/Shanghai):
# 北京时间, Beijing, CST, UTC+8.
_CHINA_TIME = ("beijing", "北京", "china", "中国", "cst", "+8", "+08")


# China's time, for a machine with no time zone database (Windows without the tzdata package):
# UTC+8 all year, as China has kept it since 1991.
_CHINA = dt.timezone(dt.timedelta(hours=8), "CST")


def time_zone(name: str) -> dt.tzinfo:
    """The time zone of that name (site.yaml timezone); KeyError or ValueError if there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, OSError):
        if name == DEFAULT_TIMEZONE:
            return _CHINA
        raise KeyError(name) from None


def _known_timezone(name: str, report: Report) -> str | None:
    """A time zone of the IANA database (Asia/Shanghai), as zoneinfo knows it."""
    try:
        time_zone(name)
        return name
    except (KeyError, ValueError):  # (an absolute path or '..' is a ValueError)
        pass
    if any(word in name.lower().replace(" ", "") for word in _CHINA_TIME):
        hint = words(" (did you mean '{word}'?)", word="Asia/Shanghai")
    else:
        hint = did_you_mean(name, sorted(available_timezones()))
    report(
        say(
            "V040",
            "'timezone' must be the name of a time zone such as Asia/Shanghai, not '{value}'{hint}: write the "
            "region and city of the zone's name (China is Asia/Shanghai), or delete it to keep Asia/Shanghai",
            value=shown(name),
            hint=hint,
        )
    )
    return None


def _menu(items: list, report: Report) -> tuple[NavItem, ...] | None:
    menu = []
    for item in items:
        if isinstance(item, dict) and _text(item.get("title")) and _text(item.get("url")):
            menu.append(NavItem(_text(item["title"]), _text(item["url"])))  # type: ignore[arg-type]
        else:
            report(
                say(
                    "V009",
                    "each 'nav' item must be a mapping with 'title' and 'url': write each menu item "
                    "on its own line, as - {{title: About us, url: /about/}}",
                )
            )
            return None
    return tuple(menu)


# ------------------------------------------------------------------ measures (site.yaml `measures`)

MEASURE_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
MEASURE_KEYS = ("label", "unit")


def _mapping(value: Any) -> dict | None:
    return value if isinstance(value, dict) else None


def _measures(declared: dict, report: Report) -> tuple[Measure, ...]:
    """Each measure declared as id: {label, unit}, in the order written; each wrong one told at its line."""
    lines = getattr(declared, "lines", {})
    found = []
    for key, value in declared.items():
        line = lines.get(key)
        if not isinstance(key, str) or not MEASURE_ID.match(key) or len(key) > 100:
            report(
                say(
                    "V050",
                    "measure id '{id}' must be lower-case letters, digits and '_', starting with a letter "
                    "(activities name it in their 'measures'): write it in English or pinyin, such as blood_ml",
                    id=shown(key),
                ),
                line,
            )
            continue
        if not isinstance(value, dict):
            report(
                say(
                    "V051",
                    "measure '{id}' must be a mapping with 'label' and, if it has one, 'unit', not {value}: "
                    "write it as {id}: {{label: Blood donated, unit: ml}}",
                    id=key,
                    value=shown(repr(value)),
                ),
                line,
            )
            continue
        inner = getattr(value, "lines", {})
        for name in value:
            if name not in MEASURE_KEYS:
                report(
                    say(
                        "V052",
                        "measure '{id}' has an unknown key '{key}'{hint}: a measure has 'label' and 'unit'; "
                        "correct its name, or delete it",
                        id=key,
                        key=shown(name),
                        hint=did_you_mean(str(name), MEASURE_KEYS),
                    ),
                    inner.get(name, line),
                )
        label = _text(value.get("label"))
        if not label:
            report(
                say(
                    "V053",
                    "measure '{id}' needs a 'label' written as text, the name shown beside its figures: "
                    "write it as {id}: {{label: Blood donated, unit: ml}}",
                    id=key,
                ),
                inner.get("label", line),
            )
            continue
        unit = value.get("unit")
        if unit is not None and _text(unit) is None:
            report(
                say(
                    "V054",
                    "the 'unit' of measure '{id}' must be text, such as ml, not {value}: write it on the same "
                    "line, or delete it for a count without a unit",
                    id=key,
                    value=shown(repr(unit)),
                ),
                inner.get("unit", line),
            )
            continue
        found.append(Measure(key, label, _text(unit) or ""))
    return tuple(found)


# ------------------------------------------------------------------ the table


@dataclass(frozen=True)
class ValueType:
    """What a setting holds: how it is checked, and how the README and a message name it."""

    name: str  # in the README's list of settings
    expected: Message  # words(...): the message says "'key' must be {expected}" when check finds the value wrong
    check: Callable[[Any], Any]
    further: Callable[[Any, Report], Any] | None = None  # then checks the checked value, telling its own problems


TEXT = ValueType("text", words("text"), _text)
WEB_ADDRESS = ValueType(
    "web address or path",
    words("a web address like https://example.org/volunteer/ or a path like /volunteer/"),
    _base_url,
)
LANGUAGE = ValueType(" or ".join(LANGUAGES), words("text"), _text, further=_one_of_languages)
THEME = ValueType("folder name", words("the name of a folder under themes/"), _theme_name)
HOUR_THRESHOLDS = ValueType(
    "list of hours",
    words("a list of increasing positive hour thresholds, e.g. [100, 300, 600, 1000, 1500]"),
    _stars,
)
ZERO_OR_MORE = ValueType("number ≥ 0", words("a number of 0 or more"), _zero_or_more)
WHOLE_NUMBER = ValueType("whole number ≥ 1", words("a whole number of 1 or more"), _positive_int)
YES_OR_NO = ValueType("true or false", words("true or false"), _bool)
FIELD_NAMES = ValueType("list of field names", words("a list of field names"), _names, further=_publishable)
PUBLIC_TEXTS = ValueType(
    "list of texts",
    words(
        "a list of phone numbers or e-mail addresses that are an organisation's public contacts, "
        "or of phrases that are no one's name"
    ),
    _texts,
)
IMAGE_WIDTHS = ValueType(
    "list of pixel widths",
    words("a list of increasing widths in pixels from 16 to 4096, e.g. [360, 720, 1080, 1440]"),
    _widths,
)
QUALITY = ValueType("whole number 1-100", words("a whole number from 1 to 100"), _quality)
TIME_ZONE = ValueType(
    "time zone name", words("the name of a time zone, such as Asia/Shanghai"), _text, further=_known_timezone
)
MENU = ValueType("list of {title, url}", words("a list of {{title, url}}"), _list, further=_menu)
FILE_PATTERNS = ValueType(
    "list of file patterns", words('a list of file patterns such as [ledger/说明.txt, "**/*.docx"]'), _patterns
)
MEASURES = ValueType(
    "mapping of id: {label, unit}",
    words("a mapping of measure ids to {{label, unit}}, such as blood_ml: {{label: Blood donated, unit: ml}}"),
    _mapping,
    further=_measures,
)
CONTACT = ValueType(
    "{phone, email, address, wechat_qr}",
    words("a mapping with phone, email, address and wechat_qr, each on its own line"),
    _mapping,
    further=_contact_of_mapping,
)
ISSUER = ValueType(
    "text, or {name, contact, person}",
    words("text (the issuer's name), or a mapping with name, contact and person"),
    _issuer,
    further=_issuer_of_mapping,
)


# How a message names the wrong value after "must be …". Each setting keeps the wording it has
# always had, byte for byte: tests and the scripts of those who build sites match on it.
def _says_value_shortly(value: Any) -> Message:
    return words(", not {value}", value=shown(repr(value)))


def _says_value_whole(value: Any) -> Message:
    return words(", not {value}", value=repr(value))


def _says_no_value(value: Any) -> Message:
    return NOTHING


@dataclass(frozen=True)
class Option:
    """One setting of site.yaml."""

    key: str  # as written in site.yaml; dotted under a section: 'points.per_record'
    value_type: ValueType
    default: Any
    help: str  # one line, for the README
    field: str = ""  # the SiteConfig field it fills; its key when not named otherwise
    wrong_value: Callable[[Any], Message] = _says_value_shortly
    empty_is_default: bool = True  # 'key:' with no value leaves the default; else it is a wrong value

    def __post_init__(self) -> None:
        if not self.field:
            object.__setattr__(self, "field", self.key)


@dataclass(frozen=True)
class Section:
    """A setting that is a mapping of settings of its own: points: {per_record: 1}."""

    key: str
    options: tuple[Option, ...]

    @property
    def sub_keys(self) -> tuple[str, ...]:
        return tuple(option.key.removeprefix(self.key + ".") for option in self.options)


OPTIONS: tuple[Option | Section, ...] = (
    Option("title", TEXT, "志愿服务", "the site's name: in every page's title and on the home page"),
    Option(
        "base_url",
        WEB_ADDRESS,
        "/",
        "where the site is published, maybe under a path; the feed, sitemap and sharing links need a host",
    ),
    Option("language", LANGUAGE, DEFAULT_LANGUAGE, "the language of the theme's own words: menus, labels, dates"),
    Option("description", TEXT, "", "the home page's lead line; else the theme's own"),
    Option("theme", THEME, "default", "a folder under themes/; what it leaves out comes from the default theme"),
    Option("stars", HOUR_THRESHOLDS, DEFAULT_STARS, "hours for one star, two stars, and so on"),
    Section(
        "points",
        (
            Option(
                "points.per_record",
                ZERO_OR_MORE,
                Decimal(1),
                "points for a ledger row that gives none",
                field="points_per_record",
                wrong_value=_says_value_whole,
                empty_is_default=False,
            ),
        ),
    ),
    Option("pagination", WHOLE_NUMBER, 20, "how many stories each page of a list shows"),
    Option("leaderboard_size", WHOLE_NUMBER, 50, "how many volunteers each leaderboard ranks"),
    Option(
        "publish_fields",
        FIELD_NAMES,
        (),
        "extra volunteer fields that may be published; private ones never are",
        wrong_value=_says_no_value,
    ),
    Section(
        "privacy",
        (
            Option(
                "privacy.require_consent",
                YES_OR_NO,
                False,
                "true: only volunteers with consent: true are named",
                field="require_consent",
                wrong_value=_says_no_value,
                empty_is_default=False,
            ),
            Option(
                "privacy.allow",
                PUBLIC_TEXTS,
                (),
                "public contacts the privacy scan lets through, and phrases that hold a hidden volunteer's name "
                "but are no one's name (温馨提示, when someone is named 温馨)",
                field="privacy_allow",
                wrong_value=_says_no_value,
            ),
        ),
    ),
    Option("nav", MENU, None, "replaces the theme's menu", wrong_value=_says_no_value),
    Option("organization", TEXT, "", "who runs the site: on certificates and in the footer"),
    Option(
        "measures",
        MEASURES,
        (),
        "results that activities record beyond hours (blood_ml: {label: 献血量, unit: 毫升}): summed per activity, "
        "team, year and site",
    ),
    Option(
        "statement_issuer",
        ISSUER,
        Issuer(),
        "who issues statements of service: name, contact and person in charge, printed on statements and "
        "certificates (public, like privacy.allow); text alone is the name. Without it they say they are not official",
    ),
    Option(
        "contact",
        CONTACT,
        Contact(),
        "the organisation's public contact: phone, email, address and wechat_qr (a QR image under content/, "
        "media/wechat-qr.png), on every page's footer, on the join page and beside the candidates' posting "
        "(public, like privacy.allow)",
    ),
    Option("search", YES_OR_NO, True, "build the Pagefind index and the /search/ page"),
    Option(
        "ignore",
        FILE_PATTERNS,
        (),
        "files in content/'s folders that volsite passes over (any other file it cannot read is a problem): "
        "paths under content/, * for any part of a name, ** for any folders, a name alone in any folder "
        '(`[ledger/说明.txt, "**/*.docx"]`); media/ is published as it is',
        wrong_value=_says_no_value,
    ),
    Option(
        "timezone",
        TIME_ZONE,
        DEFAULT_TIMEZONE,
        "what today is (a build's date there, unless SOURCE_DATE_EPOCH is set): which activities are "
        "upcoming and which public postings are open",
    ),
    Section(
        "images",
        (
            Option(
                "images.widths",
                IMAGE_WIDTHS,
                (360, 720, 1080, 1440),
                "the widths each photo is published at (never wider than it is), as WebP and JPEG or PNG",
                field="image_widths",
                wrong_value=_says_no_value,
            ),
            Option(
                "images.quality",
                QUALITY,
                80,
                "how finely photos are saved: more is sharper and heavier (80 is hard to tell from the photo)",
                field="image_quality",
                wrong_value=_says_no_value,
            ),
        ),
    ),
    Section(
        "markdown",
        (
            Option(
                "markdown.unsafe_html",
                YES_OR_NO,
                True,
                "Markdown may hold raw HTML (staff are trusted); false turns it into text",
                field="unsafe_html",
                wrong_value=_says_no_value,
                empty_is_default=False,
            ),
        ),
    ),
)

KNOWN_KEYS = tuple(entry.key for entry in OPTIONS)


def all_options() -> Iterator[Option]:
    """Every option of OPTIONS, those of sections in their place."""
    for entry in OPTIONS:
        yield from entry.options if isinstance(entry, Section) else (entry,)


_DEFAULT = MappingProxyType({option.field: option.default for option in all_options()})


@dataclass(frozen=True)
class SiteConfig:
    """The checked settings. Each field but drafts and extra is filled by one option of OPTIONS,
    which holds its default, its check and its help."""

    title: str = _DEFAULT["title"]
    base_url: str = _DEFAULT["base_url"]
    language: str = _DEFAULT["language"]
    description: str = _DEFAULT["description"]
    theme: str = _DEFAULT["theme"]
    stars: tuple[Decimal, ...] = _DEFAULT["stars"]
    points_per_record: Decimal = _DEFAULT["points_per_record"]
    pagination: int = _DEFAULT["pagination"]
    leaderboard_size: int = _DEFAULT["leaderboard_size"]
    publish_fields: tuple[str, ...] = _DEFAULT["publish_fields"]
    require_consent: bool = _DEFAULT["require_consent"]
    privacy_allow: tuple[str, ...] = _DEFAULT["privacy_allow"]
    nav: tuple[NavItem, ...] | None = _DEFAULT["nav"]
    organization: str = _DEFAULT["organization"]
    measures: tuple[Measure, ...] = _DEFAULT["measures"]  # in the order site.yaml declares them
    statement_issuer: Issuer = _DEFAULT["statement_issuer"]
    contact: Contact = _DEFAULT["contact"]
    search: bool = _DEFAULT["search"]
    ignore: tuple[str, ...] = _DEFAULT["ignore"]
    timezone: str = _DEFAULT["timezone"]
    image_widths: tuple[int, ...] = _DEFAULT["image_widths"]
    image_quality: int = _DEFAULT["image_quality"]
    unsafe_html: bool = _DEFAULT["unsafe_html"]
    drafts: bool = False  # set by the command line, not by site.yaml
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def base_path(self) -> str:
        """The path part of base_url, always with leading and trailing '/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def declared_public(self) -> tuple[str, ...]:
        """What the privacy scan lets through: privacy.allow, and what site.yaml declares public
        by where it writes it: the statement issuer's contact (its name and person are no phone
        number or address the scan looks for), and the site's contact's phone, email and address."""
        contact = self.statement_issuer.contact
        site = (self.contact.phone, self.contact.email, self.contact.address)
        return self.privacy_allow + ((contact,) if contact else ()) + tuple(text for text in site if text)

    @property
    def site_origin(self) -> str:
        """scheme://host of base_url, or '' for a site given only as a path."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# ------------------------------------------------------------------ reading


def parse_config(data: Any, rel: str = CONFIG_FILE) -> tuple[SiteConfig, Problems]:
    """site.yaml as YAML gave it (None when there is none) → its settings, each wrong value left at its default,
    and every problem, at its line when data knows lines."""
    problems = Problems()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.error(
            rel,
            1,
            say(
                "V001",
                "site.yaml must be a mapping of setting: value: write one setting a line, "
                "such as title: Our volunteers",
            ),
        )
        return SiteConfig(), problems
    lines = getattr(data, "lines", {})
    for key in data:
        if key not in KNOWN_KEYS:
            problems.error(rel, lines.get(key), _unknown(shown(key), did_you_mean(str(key), KNOWN_KEYS)))
    values: dict[str, Any] = {}
    for entry in OPTIONS:
        line = lines.get(entry.key)
        if isinstance(entry, Section):
            if data.get(entry.key) is not None:
                values.update(_read_section(entry, data[entry.key], rel, problems, line))
        else:
            values.update(_read_option(entry, data, entry.key, _reporter(problems, rel, line)))
    return SiteConfig(**values), problems


def _unknown(key: str, hint: Message) -> Message:
    return say(
        "V002",
        "unknown setting '{key}'{hint}: correct its name, or delete it",
        key=key,
        hint=hint,
    )


def _read_option(option: Option, mapping: dict, key: str, report: Report) -> dict[str, Any]:
    """{option's field: its checked value}, or {} when mapping leaves it out or holds a wrong one (told)."""
    if key not in mapping or (mapping[key] is None and option.empty_is_default):
        return {}
    value = mapping[key]
    checked = option.value_type.check(value)
    if checked is None:
        report(
            say(
                "V003",
                "'{key}' must be {expected}{value}: correct it, or delete it to keep the default",
                key=option.key,
                expected=option.value_type.expected,
                value=option.wrong_value(value),
            )
        )
        return {}
    if option.value_type.further is not None:
        checked = option.value_type.further(checked, report)
    return {} if checked is None else {option.field: checked}


def _read_section(section: Section, mapping: Any, rel: str, problems: Problems, line: int | None) -> dict[str, Any]:
    """The fields a section's options fill. Problems are told at the section's line,
    an unknown key's at its own."""
    at_section = _reporter(problems, rel, line)
    if not isinstance(mapping, dict):
        at_section(
            say(
                "V004",
                "'{key}' must be a mapping with {keys}: write each of them on its own line under '{key}:', "
                "indented by two spaces",
                key=section.key,
                keys=section.sub_keys,
            )
        )
        return {}
    lines = getattr(mapping, "lines", {})
    for sub in mapping:
        if sub not in section.sub_keys:
            problems.error(
                rel,
                lines.get(sub, line),
                _unknown(f"{shown(section.key)}.{shown(sub)}", did_you_mean(str(sub), section.sub_keys)),
            )
    values: dict[str, Any] = {}
    for option, sub in zip(section.options, section.sub_keys):
        values.update(_read_option(option, mapping, sub, at_section))
    return values


def load_config(site_root: Path, problems: Problems, **overrides: Any) -> SiteConfig:
    # (lexists: a pipe or a device in its place is read's to refuse, not a site without settings)
    text = read_text(site_root, CONFIG_FILE, problems) if os.path.lexists(site_root / CONFIG_FILE) else ""
    data = parse_yaml(text, CONFIG_FILE, problems) if text else None
    config, found = parse_config(data)
    problems.extend(found)
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if "base_url" in overrides and _base_url(overrides["base_url"]) is None:
        problems.error(
            "--base-url",
            None,
            say(
                "V010",
                "'{value}' is not a web address or a path: give one like https://example.org/volunteer/ or /volunteer/",
                value=shown(overrides["base_url"]),
            ),
        )
        overrides.pop("base_url")
    config = replace(config, **overrides)
    if not config.site_origin:
        problems.warning(
            CONFIG_FILE,
            None,
            say(
                "V011",
                "base_url '{url}' has no host (like https://example.org/), which the feed, sitemap and sharing "
                "links need: write the whole address the site is published at, such as https://example.org{url}",
                url=config.base_url,
            ),
        )
    return config


# ------------------------------------------------------------------ the README's list

SETTINGS_START = "<!-- settings: made by python3 -m volsite.config --write README.md; do not edit by hand -->"
SETTINGS_END = "<!-- end of settings -->"


def settings_list() -> str:
    """The README's table of settings, between its markers."""
    rows = ["| setting | type | default | what it does |", "| --- | --- | --- | --- |"]
    for option in all_options():
        default = "`{}`" if option.value_type is MEASURES else _default_shown(option.default)
        cells = (f"`{option.key}`", option.value_type.name, default, option.help)
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join([SETTINGS_START, *rows, SETTINGS_END])


def _default_shown(default: Any) -> str:
    """A default as site.yaml would write it."""
    if default is None or (dataclasses.is_dataclass(default) and not default):  # an empty mapping, as Contact()
        return "none"
    if isinstance(default, bool):
        return "`true`" if default else "`false`"
    if isinstance(default, tuple):
        return f"`[{', '.join(str(item) for item in default)}]`"
    return f"`{default}`" if str(default) != "" else '`""`'


def with_settings_list(readme: str) -> str:
    """readme with the text from its settings markers to their end made again."""
    start, end = readme.find(SETTINGS_START), readme.find(SETTINGS_END)
    if start < 0 or end < start:
        raise ValueError(f"no settings markers: the list goes between '{SETTINGS_START}' and '{SETTINGS_END}'")
    return readme[:start] + settings_list() + readme[end + len(SETTINGS_END) :]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m volsite.config", description="Print the README's list of site.yaml settings."
    )
    parser.add_argument("--write", metavar="README", type=Path, help="put the list in that file, between its markers")
    args = parser.parse_args(argv)
    if args.write is None:
        print(settings_list())
        return 0
    try:
        readme = args.write.read_text(encoding="utf-8")
        made = with_settings_list(readme)
        if made != readme:
            args.write.write_text(made, encoding="utf-8")
    except (OSError, ValueError) as exc:
        print(f"{args.write}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
