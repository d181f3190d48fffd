"""Volunteer records (content/volunteers/): YAML files and CSV/XLSX rosters.

Private fields (phone, ID number, address, ...) and any field not on the
allow-list are read only to be dropped here: they never enter the record.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..messages import say
from ..problems import Problems, did_you_mean
from ..read.files import Raw
from .fields import Fields, KindConfig, in_dates, parse_date, shown

FOLDER = "content/volunteers"
LABEL = "volunteer"
MARKDOWN_FIELD = "bio"

# The private fields of a volunteer, each with every name a roster or a platform export
# gives its column (志愿中国 exports 证件号码 and 手机号码). This one table is read both by
# the roster reader (TABLE_HEADERS) and by site.yaml's check of publish_fields
# (private_field), so no name of a private column can be private to one and publishable
# by the other. Names are compared by field_key: case, spaces, '_' and '-' do not count.
PRIVATE_NAMES: dict[str, tuple[str, ...]] = {
    "phone": (
        "手机",
        "手机号",
        "手机号码",
        "联系电话",
        "电话",
        "电话号码",
        "联系方式",
        "phone number",
        "telephone",
        "tel",
    ),
    "mobile": ("移动电话", "mobile number", "mobile phone", "cell phone", "cellphone"),
    "email": ("邮箱", "电子邮箱", "电子邮件", "邮箱地址", "e-mail", "mail", "email address"),
    "id_number": (
        "身份证",
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "证件号",
        "证件号码",
        "id card",
        "id card number",
        "id no",
    ),
    "address": (
        "地址",
        "住址",
        "家庭住址",
        "家庭地址",
        "现住址",
        "居住地址",
        "联系地址",
        "通讯地址",
        "户籍地址",
        "home address",
    ),
    "wechat": ("微信", "微信号", "wechat id", "weixin"),
    "qq": ("QQ", "QQ号", "QQ号码"),
    # What kind of document id_number is (居民身份证, 港澳居民来往内地通行证, 护照): for private
    # statements only (SPEC section 2).
    "id_type": ("证件类型", "证件种类", "id type", "document type"),
}
# A volunteer's registration number on a platform (志愿者编号, beside a roster's own 编号): private
# like any field not published, but site.yaml's publish_fields may publish it (SPEC section 2).
PLATFORM_NUMBER = "number"
PRIVATE_FIELDS = tuple(PRIVATE_NAMES) + (PLATFORM_NUMBER,)
PRIVATE_COLUMNS = PRIVATE_FIELDS  # a table may give one under two names (手机号码 and 联系电话)
PUBLISHED_FIELDS = ("id", "name", "teams", "role", "joined", "photo", "bio", "skills", "qualifications")
CONTROL_FIELDS = ("public", "minor", "guardian_consent", "consent", "photo_consent")


def field_key(name: str) -> str:
    """A field or column name as compared: ID_Number, id number, Ｉｄ－ｎｕｍｂｅｒ and
    idnumber are one name (NFKC folds full-width letters, which an input method types)."""
    return _NOT_IN_KEY.sub("", unicodedata.normalize("NFKC", name)).casefold()


_NOT_IN_KEY = re.compile(r"[\s_\-\u2010-\u2015\u00b7\u30fb.]+")


def _private_keys() -> dict[str, tuple[str, str]]:
    keys: dict[str, tuple[str, str]] = {}
    for private, aliases in PRIVATE_NAMES.items():
        for alias in (private,) + aliases:
            keys.setdefault(field_key(alias), (private, alias))  # e-mail is email's, not its own
    return keys


_PRIVATE_KEYS = _private_keys()
# A name that holds one of these is private data as well (紧急联系电话, 监护人手机号,
# parent_email): the Chinese ones, and English ones long enough not to be part of an
# innocent word ("tel" is in "hotel").
_PRIVATE_PARTS = tuple((key, found) for key, found in _PRIVATE_KEYS.items() if not key.isascii() or len(key) >= 5)


def private_field(name: str) -> tuple[str, str] | None:
    """(the private field, the name of it found) that a field or column name is, or holds."""
    key = field_key(name)
    if key in _PRIVATE_KEYS:
        return _PRIVATE_KEYS[key]
    return next((found for part, found in _PRIVATE_PARTS if part in key), None)


TABLE_HEADERS = {
    "编号": "id",
    "志愿者编号": "id",
    "姓名": "name",
    "所属队伍": "teams",
    "队伍": "teams",
    "职务": "role",
    "注册日期": "joined",
    "公开": "public",
    "未成年": "minor",
    "监护人同意": "guardian_consent",
    "同意公开": "consent",
    "照片": "photo",
    "照片同意": "photo_consent",
    "技能": "skills",
    "简介": "bio",
    "资格证书": "qualifications",
    "资质证书": "qualifications",
    # Every other name of a private column (the reader looks a header up as it is and in
    # lower case: QQ号 finds qq号, Phone Number finds phone number).
    **{alias.lower(): private for private, aliases in PRIVATE_NAMES.items() for alias in aliases},
}
# 志愿者编号 is the id of a roster without 编号 (志愿中国's export has only it), and the platform's
# number beside 编号 (an organisation's own roster that keeps both): SPEC section 2.
TABLE_YIELDING = {"志愿者编号": PLATFORM_NUMBER}
# A spreadsheet's numbers in these columns are Excel date serials.
TABLE_DATES = ("joined",)


@dataclass(frozen=True)
class Qualification:
    """A certificate of skill a volunteer holds (红十字救护员证): public, on the profile."""

    name: str
    date: dt.date | None  # when it was obtained, if given


@dataclass(frozen=True)
class Volunteer:
    id: str
    name: str
    teams: tuple[str, ...]
    role: str | None
    joined: dt.date | None
    photo: str | None
    bio: str | None
    skills: tuple[str, ...]
    public: bool
    minor: bool
    guardian_consent: bool
    consent: bool | None
    photo_consent: bool
    extra: tuple[tuple[str, str], ...]  # site.yaml publish_fields, as text
    path: str
    line: int
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    qualifications: tuple[Qualification, ...] = ()


def parse(raw: Raw, problems: Problems, config: KindConfig | None = None) -> Volunteer | None:
    """A volunteer record; `config` (SiteConfig) names the fields site.yaml publishes."""
    publish_fields = config.publish_fields if config is not None else ()
    f = Fields(raw, "volunteer", problems)
    vid = f.ident("id")
    name = f.text("name", required=True)
    _warn_typos(f, publish_fields)
    record = Volunteer(
        id=vid or "",
        name=name or "",
        teams=f.id_list("teams"),
        role=f.text("role"),
        joined=f.date("joined"),
        photo=f.text("photo"),
        bio=f.text("bio"),
        skills=f.text_list("skills"),
        public=bool(f.boolean("public", True)),
        minor=bool(f.boolean("minor", False)),
        guardian_consent=bool(f.boolean("guardian_consent", False)),
        consent=f.boolean("consent", None),
        photo_consent=bool(f.boolean("photo_consent", False)),
        extra=tuple((key, text) for key in publish_fields if (text := f.text(key)) is not None),
        path=raw.path,
        line=raw.line,
        lines=dict(raw.lines),
        qualifications=_qualifications(f),
    )
    return record if vid else None


# ------------------------------------------------------------------ qualifications

QUALIFICATION_KEYS = ("name", "date")
# A roster's cell: "红十字救护员证（2023-05-01）、急救员证" (the date in brackets, either width).
_NAME_AND_DATE = re.compile(r"(.+?)\s*[(（]\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})\s*[)）]\Z")


def _qualifications(f: Fields) -> tuple[Qualification, ...]:
    """`qualifications`: a list of {name, date} (or of names), or a roster's cell of names, each
    maybe with its date in brackets."""
    key = "qualifications"
    value = f.value(key)
    if value in (None, ""):
        return ()
    if isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        items: list[Any] = value
    elif isinstance(value, dict):
        items = [value]
    elif isinstance(value, (str, list)):
        items = list(f.text_list(key))
    else:
        items = [value]
    found: list[Qualification] = []
    for item in items:
        if isinstance(item, dict):
            qualification = _qualification_of_mapping(f, item)
        elif isinstance(item, (str, int, float)) and not isinstance(item, bool):
            qualification = _qualification_of_text(f, str(item).strip())
        else:
            qualification = None
            f.error(
                key,
                say(
                    "V290",
                    "'{field}' must be a list of qualifications, each a name or a mapping with name and date: "
                    "write one a line, as - {{name: 红十字救护员证, date: 2023-05-01}}",
                    field=f.name(key),
                ),
            )
        if qualification is not None:
            found.append(qualification)
    return tuple(found)


def _qualification_of_text(f: Fields, text: str) -> Qualification | None:
    if not text:
        return None
    match = _NAME_AND_DATE.match(text)
    if match is None:
        return Qualification(text, None)
    return Qualification(match.group(1).strip(), _qualification_date(f, match.group(1).strip(), match.group(2)))


def _qualification_of_mapping(f: Fields, item: dict[Any, Any]) -> Qualification | None:
    key = "qualifications"
    for unknown in (str(k) for k in item if str(k) not in QUALIFICATION_KEYS):
        f.error(
            key,
            say(
                "V291",
                "a qualification in '{field}' has the field '{name}', which volsite does not know{hint}: "
                "a qualification has a name and a date, such as {{name: 红十字救护员证, date: 2023-05-01}}",
                field=f.name(key),
                name=shown(unknown),
                hint=did_you_mean(unknown[:100], QUALIFICATION_KEYS),
            ),
        )
    name = item.get("name")
    if not isinstance(name, (str, int, float)) or isinstance(name, bool) or not str(name).strip():
        f.error(
            key,
            say(
                "V292",
                "a qualification in '{field}' has no name: write the certificate's name, such as "
                "{{name: 红十字救护员证, date: 2023-05-01}}",
                field=f.name(key),
            ),
        )
        return None
    name = str(name).strip()
    date = item.get("date")
    return Qualification(name, None if date in (None, "") else _qualification_date(f, name, date))


def _qualification_date(f: Fields, name: str, value: Any) -> dt.date | None:
    parsed = parse_date(value)
    if parsed is None or not in_dates(parsed):
        f.error(
            "qualifications",
            say(
                "V293",
                "the date of the qualification '{name}' must be a date like 2023-05-01, not '{value}': "
                "write the year, month and day it was obtained, or leave the date out",
                name=shown(name),
                value=shown(value),
            ),
        )
        return None
    return parsed


def _warn_typos(f: Fields, publish_fields: tuple[str, ...]) -> None:
    # Other fields are private by rule, so they are not errors; but one that is
    # a near miss of a known field ("teems") is almost surely a typo.
    known = PUBLISHED_FIELDS + CONTROL_FIELDS + PRIVATE_FIELDS + tuple(publish_fields)
    for key in f.raw.data:
        key = str(key)
        if key not in known:
            hint = did_you_mean(key[:100], known)
            if hint:
                f.warning(
                    key,
                    say(
                        "V216",
                        "unknown field '{field}' is kept private{hint}: correct its name if it is a typo",
                        field=shown(f.raw.name_of(key)),
                        hint=hint,
                    ),
                )
