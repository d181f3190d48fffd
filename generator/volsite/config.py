"""site.yaml → SiteConfig: every setting declared with its type, checked, then derived.

`parse_config` is pure (a parsed mapping in, a config and problems out);
`load_config` only reads the file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .kinds.fields import parse_decimal
from .kinds.volunteers import CONTROL_FIELDS, PUBLISHED_FIELDS, field_key, private_field
from .problems import Problems, did_you_mean
from .read.files import read_text
from .read.text import shown
from .read.yaml import LineMap, parse_yaml

CONFIG_FILE = "site.yaml"
LANGUAGES = ("zh-CN", "en")
DEFAULT_STARS = (Decimal(100), Decimal(300), Decimal(600), Decimal(1000), Decimal(1500))


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str


@dataclass(frozen=True)
class SiteConfig:
    title: str = "志愿服务"
    base_url: str = "/"
    language: str = "zh-CN"
    description: str = ""
    theme: str = "default"
    stars: tuple[Decimal, ...] = DEFAULT_STARS
    points_per_record: Decimal = Decimal(1)
    pagination: int = 20
    leaderboard_size: int = 50
    publish_fields: tuple[str, ...] = ()
    require_consent: bool = False
    # Public contacts the privacy scan lets through, and phrases that hold a hidden
    # volunteer's name but are no one's name (温馨提示, when someone is named 温馨).
    privacy_allow: tuple[str, ...] = ()
    nav: tuple[NavItem, ...] | None = None
    organization: str = ""  # who runs the site; shown on certificates and in the footer
    statement_issuer: str = ""  # names the issuer of hour statements; else they say "not official"
    search: bool = True  # build the Pagefind index and the /search/ page
    unsafe_html: bool = True  # Markdown may hold raw HTML (staff are trusted); false turns it into text
    drafts: bool = False  # set by the command line, not by site.yaml
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def base_path(self) -> str:
        """The path part of base_url, always with leading and trailing '/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def site_origin(self) -> str:
        """scheme://host of base_url, or '' for a site given only as a path."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# ------------------------------------------------------------------ checks


class _Reader:
    def __init__(self, data: LineMap, rel: str, problems: Problems):
        self.data, self.rel, self.problems = data, rel, problems

    def line(self, key: str) -> int | None:
        return getattr(self.data, "lines", {}).get(key)

    def error(self, key: str, message: str) -> None:
        self.problems.error(self.rel, self.line(key), message)

    def get(self, key: str, check: Callable[[Any], Any], expected: str) -> Any:
        value = self.data.get(key)
        if value is None:
            return None
        result = check(value)
        if result is None:
            self.error(key, f"'{key}' must be {expected}, not {shown(repr(value))}")
        return result


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


KNOWN_KEYS = (
    "title",
    "base_url",
    "language",
    "description",
    "theme",
    "stars",
    "points",
    "pagination",
    "leaderboard_size",
    "publish_fields",
    "privacy",
    "nav",
    "organization",
    "statement_issuer",
    "search",
    "markdown",
)


def parse_config(data: Any, rel: str = CONFIG_FILE) -> tuple[SiteConfig, Problems]:
    problems = Problems()
    if data is None:
        data = LineMap()
        data.lines = {}
    if not isinstance(data, dict):
        problems.error(rel, 1, "site.yaml must be a mapping of setting: value")
        return SiteConfig(), problems
    r = _Reader(data, rel, problems)
    for key in data:
        if key not in KNOWN_KEYS:
            r.error(key, f"unknown setting '{shown(key)}'{did_you_mean(str(key), KNOWN_KEYS)}")
    values: dict[str, Any] = {}

    def put(name: str, value: Any) -> None:
        if value is not None:
            values[name] = value

    put("title", r.get("title", _text, "text"))
    put(
        "base_url",
        r.get("base_url", _base_url, "a web address like https://example.org/volunteer/ or a path like /volunteer/"),
    )
    language = r.get("language", _text, "text")
    if language is not None and language not in LANGUAGES:
        r.error(
            "language",
            f"'language' must be one of {', '.join(LANGUAGES)}, not '{shown(language)}'"
            f"{did_you_mean(language, LANGUAGES)}",
        )
        language = None
    put("language", language)
    put("description", r.get("description", _text, "text"))
    put(
        "theme",
        r.get(
            "theme",
            lambda v: _text(v) if _text(v) and "/" not in str(v) and not str(v).startswith(".") else None,
            "the name of a folder under themes/",
        ),
    )
    put(
        "stars",
        r.get("stars", _stars, "a list of increasing positive hour thresholds, e.g. [100, 300, 600, 1000, 1500]"),
    )
    put("pagination", r.get("pagination", _positive_int, "a whole number of 1 or more"))
    put("leaderboard_size", r.get("leaderboard_size", _positive_int, "a whole number of 1 or more"))
    put("organization", r.get("organization", _text, "text"))
    put("statement_issuer", r.get("statement_issuer", _text, "text"))
    put("search", r.get("search", _bool, "true or false"))
    _points(r, put)
    markdown_section = _section(r, "markdown", ("unsafe_html",))
    if markdown_section and "unsafe_html" in markdown_section:
        value = _bool(markdown_section["unsafe_html"])
        if value is None:
            r.error("markdown", "'markdown.unsafe_html' must be true or false")
        put("unsafe_html", value)
    _privacy(r, put)
    _publish_fields(r, put)
    _nav(r, put)
    return SiteConfig(**values), problems


def _section(r: _Reader, key: str, known: tuple[str, ...]) -> dict | None:
    section = r.data.get(key)
    if section is None:
        return None
    if not isinstance(section, dict):
        r.error(key, f"'{key}' must be a mapping with {', '.join(known)}")
        return None
    lines = getattr(section, "lines", {})
    for sub in section:
        if sub not in known:
            r.problems.error(
                r.rel,
                lines.get(sub, r.line(key)),
                f"unknown setting '{shown(key)}.{shown(sub)}'{did_you_mean(str(sub), known)}",
            )
    return section


def _points(r: _Reader, put) -> None:
    section = _section(r, "points", ("per_record",))
    if section and "per_record" in section:
        number = parse_decimal(section["per_record"])
        if number is None or number < 0:
            r.error("points", f"'points.per_record' must be a number of 0 or more, not {section['per_record']!r}")
        else:
            put("points_per_record", number)


def _privacy(r: _Reader, put) -> None:
    section = _section(r, "privacy", ("require_consent", "allow"))
    if section and "require_consent" in section:
        value = _bool(section["require_consent"])
        if value is None:
            r.error("privacy", "'privacy.require_consent' must be true or false")
        put("require_consent", value)
    if section and section.get("allow") is not None:
        allow = section["allow"]
        if not isinstance(allow, list) or not all(_text(v) for v in allow):
            r.error(
                "privacy",
                "'privacy.allow' must be a list of phone numbers or e-mail addresses "
                "that are an organisation's public contacts, or of phrases that are no one's name",
            )
        else:
            put("privacy_allow", tuple(_text(v) for v in allow))


def _publish_fields(r: _Reader, put) -> None:
    value = r.data.get("publish_fields")
    if value is None:
        return
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        r.error("publish_fields", "'publish_fields' must be a list of field names")
        return
    fields = []
    for name in value:
        # Under any of its names (手机号码, Phone, ID_Number) or inside another
        # (紧急联系电话): the one table of private names decides (volunteers.private_field).
        private = private_field(name)
        if private is not None:
            field_name, found = private
            if name == field_name:
                what = ""
            elif field_key(name) == field_key(found):
                what = f" (another name of '{field_name}')"
            else:
                what = f" (its name holds '{found}', another name of '{field_name}')"
            r.error(
                "publish_fields",
                f"'{shown(name)}' is a private field of volunteers{what} and is never "
                "published: remove it from publish_fields",
            )
        elif name in PUBLISHED_FIELDS or name in CONTROL_FIELDS:
            continue  # already handled by its own rule
        else:
            fields.append(name)
    put("publish_fields", tuple(fields))


def _nav(r: _Reader, put) -> None:
    value = r.data.get("nav")
    if value is None:
        return
    items = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and _text(item.get("title")) and _text(item.get("url")):
                items.append(NavItem(_text(item["title"]), _text(item["url"])))  # type: ignore[arg-type]
            else:
                r.error("nav", "each 'nav' item must be a mapping with 'title' and 'url'")
                return
    else:
        r.error("nav", "'nav' must be a list of {title, url}")
        return
    put("nav", tuple(items))


def load_config(site_root: Path, problems: Problems, **overrides: Any) -> SiteConfig:
    # (lexists: a pipe or a device in its place is read's to refuse, not a site without settings)
    text = read_text(site_root, CONFIG_FILE, problems) if os.path.lexists(site_root / CONFIG_FILE) else ""
    data = parse_yaml(text, CONFIG_FILE, problems) if text else None
    config, found = parse_config(data)
    problems.extend(found)
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if "base_url" in overrides and _base_url(overrides["base_url"]) is None:
        problems.error("--base-url", None, f"'{shown(overrides['base_url'])}' is not a web address or a path")
        overrides.pop("base_url")
    return replace(config, **overrides)
