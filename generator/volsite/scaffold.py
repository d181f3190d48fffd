"""volsite new: start a story, volunteer, activity or award with complete front matter.

Names become pinyin ids and file names (张伟 → zhang-wei); an id already used
by another record gets a number (zhang-wei-2). Never overwrites a file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .config import load_config
from .kinds.content import load_content
from .messages import say
from .problems import Problems, UsageError
from .slugs import slugify

KINDS = ("story", "volunteer", "activity", "award")


@dataclass(frozen=True)
class Draft:
    path: str  # relative to the site root
    text: str


def _free(base: str, taken: set[str]) -> str:
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def plan_new(kind: str, name: str, today: dt.date, taken: dict[str, set[str]]) -> Draft:
    """What to write for `volsite new KIND NAME` (pure: no disk, no clock).

    `taken` holds the ids and slugs other records use. Running the same command
    twice names the same file, which write_new then refuses to overwrite.
    """
    name = name.strip()
    if not name:
        raise UsageError(say("V714", 'give a name or title, e.g. volsite new story "山区义诊的一天"'))
    words = slugify(name) or kind
    day = today.isoformat()
    if kind == "story":
        slug = _free(words, taken["story"])
        return Draft(
            f"content/stories/{day}-{slug}.md",
            f"""---
title: {_quote(name)}
date: {day}
slug: {slug}
summary: 一句话摘要，显示在列表和分享卡片上
tags: []
volunteers: []      # 故事主人公的志愿者编号，如 [zhang-wei]
teams: []           # 相关队伍编号
activity:           # 报道的活动编号（可留空）
cover:              # 封面图，如 media/stories/{slug}.jpg
author: 宣传科
draft: true         # 写完后改为 false 才会发布
---
正文从这里开始。可以使用 **加粗**、列表、表格和脚注[^1]。

## 小标题

[^1]: 脚注内容。
""",
        )
    if kind == "volunteer":
        vid = _free(words, taken["volunteer"])
        return Draft(
            f"content/volunteers/{vid}.yaml",
            f"""id: {vid}
name: {_quote(name)}
teams: []             # 所属队伍编号，如 [mobile-clinic]
role: 志愿者
joined: {day}
skills: []
bio: ""
public: true          # false：不公开姓名，只计入总数
consent: true         # 本人同意公开姓名
photo_consent: false  # true 才会发布照片
# photo: media/people/{vid}.jpg
# 以下为隐私字段：只用于核对，永远不会发布到网站上
phone: ""
id_number: ""
""",
        )
    if kind == "activity":
        aid = _free(f"{day}-{words}", taken["activity"])
        return Draft(
            f"content/activities/{aid}.yaml",
            f"""id: {aid}
title: {_quote(name)}
date: {day}
# end: {day}          # 多日活动的结束日期
team:                 # 组织队伍编号
category:             # 如 医疗义诊、健康科普、应急救援
location: ""
hours: 2              # 每位参与者的默认时长
participants: []      # 志愿者编号，或 {{volunteer: 编号, hours: 时长}}
people_served: 0
summary: ""
""",
        )
    if kind == "award":
        aid = _free(f"{today.year}-{words}", taken["award"])
        return Draft(
            f"content/awards/{aid}.yaml",
            f"""id: {aid}
title: {_quote(name)}
volunteer:            # 获奖志愿者编号（或改用 team: 队伍编号）
date: {day}
level: 单位           # 国家级、省级、市级、区县级、单位
issuer: ""
citation: ""
# status: candidate   # 公示中的人选
# posting_until: {day}
""",
        )
    raise UsageError(say("V715", "volsite new takes one of {kinds}, not '{kind}'", kinds=KINDS, kind=kind))


def _quote(text: str) -> str:
    escaped = text.replace("\\\\", "\\\\\\\\").replace('"', '\\\\"')
    return f'"{escaped}"'


def taken_names(site_root: Path, kind: str, name: str, today: dt.date) -> dict[str, set[str]]:
    """Ids and slugs used by other records, read leniently: a site with problems can still grow.

    The file this very command would write does not count as "other", so that
    running it twice is refused rather than making a second copy.
    """
    problems = Problems()
    config = load_config(site_root, problems)
    content = load_content(site_root, config, problems)
    own = plan_new(kind, name, today, {k: set() for k in KINDS}).path
    return {
        "story": {d.slug for d in content.stories if d.path != own},
        "volunteer": {v.id for v in content.volunteers if v.path != own},
        "activity": {a.id for a in content.activities if a.path != own},
        "award": {a.id for a in content.awards if a.path != own},
    }


def write_new(site_root: Path, draft: Draft) -> Path:
    path = site_root / draft.path
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(draft.text)
    except FileExistsError:
        raise UsageError(
            say(
                "V716",
                "{path} exists already; volsite new never overwrites a file: give another name, or edit that file",
                path=draft.path,
            )
        ) from None
    return path
