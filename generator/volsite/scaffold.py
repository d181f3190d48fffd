"""volsite init and volsite new: a new site, and a new story, volunteer, activity or award
with complete front matter. Neither ever overwrites a file.

init copies the starter site of the chosen language (starter_site/<language>/: every kind of
record, a first story with a photo, the about and join pages, .gitignore, a README for staff
and CI that publishes), its dates made today's, and writes its ledger's Excel workbook.
new makes names pinyin ids and file names (张伟 → zhang-wei); an id already used by another
record gets a number (zhang-wei-2).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .config import load_config
from .kinds.content import load_content
from .messages import say
from .problems import Problems, UsageError
from .slugs import slugify

KINDS = ("story", "notice", "volunteer", "activity", "award")


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
    if kind == "notice":
        slug = _free(words, taken["notice"])
        return Draft(
            f"content/notices/{day}-{slug}.md",
            f"""---
title: {_quote(name)}
date: {day}
slug: {slug}
summary: 一句话摘要，显示在首页、通知列表和分享卡片上
author: 总队办公室
pinned: false       # true：置顶，并显示在首页
# until: {day}      # 置顶的通知在首页显示到哪一天（之后仍在通知公告里）
teams: []           # 相关队伍编号
draft: true         # 写完后改为 false 才会发布
---
通知正文从这里开始：时间、地点、对象、要求和联系方式。
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
# time: 08:30-11:30   # 几点到几点（24 小时制），可以不写
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
        "notice": {d.slug for d in content.notices if d.path != own},
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


STARTERS = Path(__file__).parent / "starter_site"
# What init writes only into a folder that holds no site yet: sample records beside a real
# site's would be counted in its figures.
SAMPLES = ("content/",)
WORKBOOK = "content/ledger/service.xlsx"


@dataclass(frozen=True)
class Started:
    written: list[str]  # relative paths, in the order written
    kept: list[str]  # files that were there already, left as they were
    samples_left_out: bool  # the folder held a site: no sample records were added


def starter_files(language: str, today: dt.date, version: str) -> dict[str, bytes]:
    """The starter site of `language`, dated `today` (pure: reads only volsite's own files)."""
    root = STARTERS / language
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            rel = path.relative_to(root).as_posix()
            data = path.read_bytes()
            if path.suffix != ".jpg":
                text = data.decode("utf-8")
                for name, value in (("today", today.isoformat()), ("year", str(today.year)), ("version", version)):
                    text = text.replace(f"@@{name}@@", value)
                data = text.encode("utf-8")
            files[rel] = data
    files[WORKBOOK] = _ledger_workbook(language, today)
    return files


def _ledger_workbook(language: str, today: dt.date) -> bytes:
    """The starter's Excel ledger: a title line, a header row and two rows, as staff keep one."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if language == "zh-CN":
        sheet.title = "台账"
        rows = [[f"{today.year}年志愿服务台账"], ["日期", "志愿者编号", "时长", "备注"]]
        rows += [[today, "zhang-wei", 2, "健康讲座"], [today, "li-na", 1.5, "社区导引"]]
    else:
        sheet.title = "Ledger"
        rows = [[f"Service ledger {today.year}"], ["date", "volunteer", "hours", "note"]]
        rows += [[today, "zhang-wei", 2, "health talk"], [today, "li-na", 1.5, "guiding visitors"]]
    for row in rows:
        sheet.append(row)
    for cell in sheet["A"][2:]:
        cell.number_format = "yyyy-mm-dd"
    # Its own times and its zip entries' would make every init a different file: today's.
    midnight = dt.datetime(today.year, today.month, today.day)
    book.properties.created = book.properties.modified = midnight
    saved = io.BytesIO()
    book.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as made, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as fixed:
        for entry in made.infolist():
            data = made.read(entry)
            if entry.filename == "docProps/core.xml":  # openpyxl sets `modified` to the time it saves
                stamp = midnight.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            fixed.writestr(zipfile.ZipInfo(entry.filename, midnight.timetuple()[:6]), data)
    return out.getvalue()


def init_site(target: Path, language: str, today: dt.date, version: str) -> Started:
    """Write the starter site into `target` (made if missing), never overwriting a file; into a
    folder that holds a site already, only what is not content (CI, .gitignore, README)."""
    if target.exists() and not target.is_dir():
        raise UsageError(say("V717", "{folder} is a file, not a folder: give a folder for the new site", folder=target))
    holds_site = (target / "site.yaml").is_file() or (target / "content").is_dir()
    written: list[str] = []
    kept: list[str] = []
    for rel, data in starter_files(language, today, version).items():
        if holds_site and rel.startswith(SAMPLES):
            continue
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "xb") as handle:
                handle.write(data)
        except FileExistsError:
            kept.append(rel)
            continue
        if rel.endswith(".sh"):
            path.chmod(0o755)
        written.append(rel)
    return Started(written, kept, holds_site)
