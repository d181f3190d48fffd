"""Volunteer records (content/volunteers/): YAML files and CSV/XLSX rosters.

Private fields (phone, ID number, address, ...) and any field not on the
allow-list are read only to be dropped here: they never enter the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..problems import Problems
from ..sources import Raw
from ..problems import did_you_mean
from .fields import Fields, shown

FOLDER = "content/volunteers"

PRIVATE_FIELDS = ("phone", "mobile", "email", "id_number", "address", "wechat")
PUBLISHED_FIELDS = ("id", "name", "teams", "role", "joined", "photo", "bio", "skills")
CONTROL_FIELDS = ("public", "minor", "guardian_consent", "consent", "photo_consent")

CSV_HEADERS = {
    "编号": "id", "志愿者编号": "id", "姓名": "name", "所属队伍": "teams", "队伍": "teams",
    "职务": "role", "注册日期": "joined", "公开": "public", "未成年": "minor",
    "监护人同意": "guardian_consent", "同意公开": "consent", "照片": "photo",
    "照片同意": "photo_consent", "技能": "skills", "简介": "bio",
    "手机": "phone", "手机号": "phone", "联系电话": "phone", "身份证号": "id_number",
    "身份证号码": "id_number", "邮箱": "email", "电子邮箱": "email", "地址": "address",
    "住址": "address", "微信": "wechat", "微信号": "wechat",
}


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
    lines: dict = field(default_factory=dict, compare=False, repr=False)


def parse(raw: Raw, problems: Problems, publish_fields: tuple[str, ...] = ()) -> Volunteer | None:
    f = Fields(raw, "volunteer", problems)
    vid = f.ident("id")
    name = f.text("name", required=True)
    _warn_typos(f, publish_fields)
    record = Volunteer(
        id=vid or "", name=name or "",
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
        extra=tuple((key, text) for key in publish_fields
                    if (text := f.text(key)) is not None),
        path=raw.path, line=raw.line, lines=dict(raw.lines),
    )
    return record if vid else None


def _warn_typos(f: Fields, publish_fields: tuple[str, ...]) -> None:
    # Other fields are private by rule, so they are not errors; but one that is
    # a near miss of a known field ("teems") is almost surely a typo.
    known = PUBLISHED_FIELDS + CONTROL_FIELDS + PRIVATE_FIELDS + tuple(publish_fields)
    for key in f.raw.data:
        key = str(key)
        if key not in known:
            hint = did_you_mean(key[:100], known)
            if hint:
                f.warning(key, f"unknown field '{shown(key)}' is kept private{hint}")
