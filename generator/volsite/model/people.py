"""What may be published of a volunteer, and their service.

A Person is the one output that templates may see of a volunteer: the allow-listed
fields, with the name masked and the id withheld for anyone who is not public.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..kinds.volunteers import Qualification, Volunteer

# Two-character surnames, so that 欧阳娜娜 is masked as 欧阳** and not 欧***.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 "
    "端木 独孤 南宫 西门 澹台 公冶 宗政 濮阳 太叔 申屠 闻人 赫连 呼延 万俟 拓跋 百里 "
    "东郭 南门 羊舌 微生 梁丘 左丘 第五".split()
)


def mask_name(name: str) -> str:
    """张伟 → 张*, 欧阳娜娜 → 欧阳**, Anna Lee → A*******."""
    name = name.strip()
    keep = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:keep] + "*" * max(1, len(name) - keep)


def is_public(volunteer: Volunteer, require_consent: bool) -> bool:
    if not volunteer.public:
        return False
    if volunteer.minor and not volunteer.guardian_consent:
        return False
    if volunteer.consent is False:
        return False
    return not (require_consent and volunteer.consent is not True)


@dataclass(frozen=True)
class Person:
    """What may be published of a volunteer. Built from an allow-list, never a copy."""

    id: str | None  # None unless public: ids are often the name in pinyin
    name: str  # masked unless public
    public: bool
    role: str | None
    teams: tuple[str, ...]
    joined: dt.date | None
    photo: str | None  # only with photo consent
    bio: str | None
    skills: tuple[str, ...]
    extra: tuple[tuple[str, str], ...]
    qualifications: tuple[Qualification, ...] = ()  # certificates of skill, shown on the profile


def publish(volunteer: Volunteer, require_consent: bool) -> Person:
    if not is_public(volunteer, require_consent):
        return Person(None, mask_name(volunteer.name), False, volunteer.role, volunteer.teams, None, None, None, (), ())
    return Person(
        volunteer.id,
        volunteer.name,
        True,
        volunteer.role,
        volunteer.teams,
        volunteer.joined,
        volunteer.photo if volunteer.photo_consent else None,
        volunteer.bio,
        volunteer.skills,
        volunteer.extra,
        volunteer.qualifications,
    )


@dataclass(frozen=True)
class Service:
    """One volunteer's service: a participation in an activity or a ledger row."""

    volunteer: str
    date: dt.date
    hours: Decimal
    points: Decimal
    activity: str | None
    note: str | None
    path: str
    line: int
