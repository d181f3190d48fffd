#!/usr/bin/env python3
"""A whole SPEC site of a chosen size (by default a city's volunteer federation), and its build times.

Generate a site (deterministic: the same --scale and --seed give the same bytes):

    python3 bench/city.py generate --out DIR [--scale 1] [--seed 7] [--no-search] [--check]

    scale 1 ("city"): 2,000 stories, 50,000 volunteers, 500 teams four levels deep,
    5,000 activities, 1,000,000 ledger rows across CSV files, 3,000 awards;
    --scale 0.25 etc. multiplies every count. --check runs `volsite check` on it.

Time it at several scales:

    python3 bench/city.py time [--scales 0.25 0.5 1] [--runs 1] [--timeout 900]
                               [--work DIR] [--out REPORT.md] [--rev HEAD]

For each scale: generate (once, kept in --work, default ~/.cache/volsite-bench/city),
then a cold build (empty output folder, no cache folder), a rebuild with nothing
changed (build again to the same folder), and a rebuild after one story's body
was edited; wall time, CPU and peak memory each (bench/measure.py). A build is
killed after --timeout seconds or above --mem-cap MiB, and that is reported.
Prints a table, how the cost grows from the smallest to the largest scale, and
the targets of issue 5 (full cold build ≤ 120 s within 2 GiB; no-change rebuild
≤ 10 s; time growing no worse than linearly) as met or not met.

What the site holds (SPEC sections 1–3): site.yaml; a team tree of four levels
(city federation → districts → streets → community teams) with service menus;
volunteers in YAML files (one per file for the core, lists for the rest) and in
CSV rosters with Chinese headers (UTF-8, UTF-8 with BOM, GBK), some not public,
some minors, all with private fields (phone, resident ID with a valid check digit,
address, e-mail, WeChat, a workplace) that must never reach the site; activities
with participants (some with their own hours, some over several days); ledgers
as CSV files per district and year (GBK with Chinese headers and 2024/3/5 dates,
UTF-8 with BOM and 2024.3.5 dates, UTF-8 with English headers) and one YAML
ledger; awards and nominees under posting; stories with front matter naming
volunteers, teams and activities, and the Chinese bodies of
../shared/bench-anchors/make_corpus.py. Every reference resolves, ids are
[a-z0-9-], hours are in (0, 24], no volunteer is recorded twice for one activity.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ANCHORS_SRC = REPO.parent / "shared" / "bench-anchors"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ANCHORS_SRC))
from make_corpus import make_story  # noqa: E402  (the Chinese story text of the anchors)

from measure import Result, count_html, machine, run, run_files, volsite_runner  # noqa: E402

CITY = {"stories": 2000, "volunteers": 50_000, "teams": 500, "activities": 5000, "ledger": 1_000_000, "awards": 3000}
MARKER = ".volsite-city"  # in a generated site: what made it (a folder without it is never replaced)
FIRST_YEAR, LAST_YEAR = 2015, 2024

# ----------------------------------------------------------------- word lists
SURNAMES = [
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("林", "lin"),
    ("罗", "luo"),
    ("高", "gao"),
    ("郑", "zheng"),
    ("梁", "liang"),
    ("谢", "xie"),
    ("宋", "song"),
    ("唐", "tang"),
    ("许", "xu"),
    ("韩", "han"),
    ("冯", "feng"),
    ("邓", "deng"),
    ("曹", "cao"),
    ("彭", "peng"),
    ("曾", "zeng"),
    ("萧", "xiao"),
    ("田", "tian"),
    ("董", "dong"),
    ("潘", "pan"),
    ("袁", "yuan"),
    ("蔡", "cai"),
    ("蒋", "jiang"),
    ("余", "yu"),
    ("欧阳", "ouyang"),
    ("司马", "sima"),
]
GIVEN = [
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀英", "xiuying"),
    ("霞", "xia"),
    ("平", "ping"),
    ("刚", "gang"),
    ("桂英", "guiying"),
    ("建华", "jianhua"),
    ("晓东", "xiaodong"),
    ("文", "wen"),
    ("辉", "hui"),
    ("玲", "ling"),
    ("雪", "xue"),
    ("宇", "yu"),
    ("欣怡", "xinyi"),
    ("子涵", "zihan"),
    ("浩然", "haoran"),
    ("梓萱", "zixuan"),
    ("一鸣", "yiming"),
    ("婷", "ting"),
]
DISTRICTS = [
    ("东湖", "dong-hu"),
    ("西山", "xi-shan"),
    ("南江", "nan-jiang"),
    ("北城", "bei-cheng"),
    ("青石", "qing-shi"),
    ("云岭", "yun-ling"),
    ("临河", "lin-he"),
    ("望江", "wang-jiang"),
    ("新港", "xin-gang"),
    ("桃源", "tao-yuan"),
    ("金沙", "jin-sha"),
    ("白鹭", "bai-lu"),
]
STREETS = [
    "解放路",
    "人民路",
    "中山路",
    "建设路",
    "和平街",
    "友谊路",
    "光明街",
    "胜利路",
    "文化路",
    "长江路",
    "滨江路",
    "朝阳街",
    "新华街",
    "育才路",
    "幸福街",
]
COMMUNITY = ["社区", "村", "小区", "学校", "医院", "企业", "商圈", "公园"]
TEAM_KINDS = [
    "助老服务队",
    "青少年服务队",
    "环保服务队",
    "医疗服务队",
    "应急救援队",
    "文明劝导队",
    "法律援助队",
    "助残服务队",
    "心理关爱队",
    "科普宣传队",
]
CATEGORIES = [
    "医疗义诊",
    "助学支教",
    "环境保护",
    "无偿献血",
    "应急救援",
    "扶老助残",
    "社区服务",
    "文明交通",
    "垃圾分类",
    "法律援助",
]
SERVICES = [
    "上门探访",
    "义务理发",
    "健康咨询",
    "课业辅导",
    "家电维修",
    "法律咨询",
    "心理疏导",
    "代购代办",
    "陪同就医",
    "环境清扫",
    "文明劝导",
    "急救培训",
]
ROLES = ["志愿者"] * 12 + ["骨干志愿者"] * 3 + ["队长", "副队长", "联络员"]
SKILLS = ["急救", "摄影", "书法", "维修", "驾驶", "心理咨询", "外语", "手语", "编程", "烹饪", "护理", "法律"]
PLACES = [
    "社区服务站",
    "街道办事处",
    "中心广场",
    "敬老院",
    "儿童福利院",
    "市图书馆",
    "湿地公园",
    "人民医院",
    "火车站广场",
    "乡村小学",
    "江边堤坝",
    "体育馆",
]
NOTES = [
    "社区值班",
    "上门探访",
    "义诊协助",
    "课业辅导",
    "环境清扫",
    "文明劝导",
    "活动保障",
    "物资分发",
    "宣传讲解",
    "图书整理",
    "交通疏导",
    "防汛值守",
    "核酸采样协助",
    "献血引导",
    "助老陪护",
]
AWARD_TITLES = ["优秀志愿者", "志愿者标兵", "五星志愿者", "最美志愿者", "优秀志愿服务组织者", "志愿服务先进个人"]
TEAM_AWARDS = ["先进集体", "优秀志愿服务项目", "最佳志愿服务组织"]
LEVELS = ["国家级", "省级", "市级", "区县级", "单位"]
ISSUERS = [
    "澜州市精神文明建设指导委员会办公室",
    "共青团澜州市委员会",
    "澜州市民政局",
    "澜州市志愿服务联合会",
    "省志愿服务联合会",
]
HOURS = ["1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5", "6", "8"]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
PROVINCES = ["11", "31", "32", "33", "37", "42", "43", "44", "51", "61"]


def scaled(scale: float) -> dict[str, int]:
    counts = {k: max(1, round(v * scale)) for k, v in CITY.items()}
    counts["teams"] = max(4, counts["teams"])  # four levels need four teams
    counts["volunteers"] = max(counts["volunteers"], 2 * counts["teams"])  # every team has members
    return counts


def day(r: random.Random, first: int = FIRST_YEAR, last: int = LAST_YEAR) -> dt.date:
    start = dt.date(first, 1, 1)
    return start + dt.timedelta(days=r.randrange((dt.date(last, 12, 31) - start).days + 1))


def resident_id(r: random.Random, born: dt.date) -> str:
    body = f"{r.choice(PROVINCES)}{r.randint(1, 19):02d}{r.randint(1, 30):02d}{born:%Y%m%d}{r.randint(0, 999):03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS)) % 11]


def yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON strings are YAML strings


@dataclass
class Team:
    id: str
    name: str
    level: int
    parent: str | None
    district: int
    members: list[str] = field(default_factory=list)


@dataclass
class Volunteer:
    n: int
    id: str
    name: str
    teams: list[str]
    district: int
    public: bool  # named on the site (public, and a minor only with a guardian's consent)


class Writer:
    """Counts what it writes."""

    def __init__(self, root: Path):
        self.root = root
        self.files = 0
        self.bytes = 0

    def text(self, rel: str, text: str, encoding: str = "utf-8") -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode(encoding)
        path.write_bytes(data)
        self.files += 1
        self.bytes += len(data)


# ----------------------------------------------------------------- generation
def generate(out: Path, scale: float, seed: int, search: bool) -> dict:
    """Write the site to out (replaced if it is an earlier city site). Returns what was made."""
    started = time.perf_counter()
    counts = scaled(scale)
    if out.exists():
        if not (out / MARKER).is_file():
            sys.exit(f"{out} exists and was not made by bench/city.py: give another --out")
        shutil.rmtree(out)
    w = Writer(out)
    r = random.Random(f"city-{seed}")

    w.text(
        "site.yaml",
        f"""# A city's volunteer federation, made by bench/city.py (scale {scale}, seed {seed})
title: 澜州志愿服务
organization: 澜州市志愿服务联合会
base_url: https://example.org/city/
language: zh-CN
description: 澜州市各区、街道、社区志愿服务队伍的故事、活动、服务时长与荣誉。
theme: default
stars: [100, 300, 600, 1000, 1500]
points: {{per_record: 1}}
pagination: 20
leaderboard_size: 50
publish_fields: []
privacy: {{require_consent: false}}
search: {"true" if search else "false"}
""",
    )
    for slug, title, body in (
        ("about", "关于我们", "澜州市志愿服务联合会统筹全市志愿服务队伍。"),
        ("join", "加入我们", "在任何一支队伍报名，即可成为注册志愿者。"),
    ):
        w.text(f"content/pages/{slug}.md", f"---\ntitle: {title}\ndate: 2024-01-01\nslug: {slug}\n---\n\n{body}\n")

    teams = make_teams(r, counts["teams"])
    volunteers = make_volunteers(r, counts["volunteers"], teams)
    write_teams(w, r, teams, volunteers)
    write_volunteers(w, r, volunteers, teams)
    public = [v for v in volunteers if v.public]
    activities = make_activities(r, counts["activities"], teams, volunteers)
    stories = write_stories(w, r, counts["stories"], seed, teams, public, activities)
    write_activities(w, r, activities, volunteers)
    ledger_rows = write_ledger(w, r, counts["ledger"], teams, volunteers, activities)
    write_awards(w, r, counts["awards"], teams, volunteers)

    made = dict(
        scale=scale,
        seed=seed,
        search=search,
        script=script_hash(),
        counts=counts,
        stories=stories,
        ledger_rows=ledger_rows,
        files=w.files,
        bytes=w.bytes,
        seconds=round(time.perf_counter() - started, 1),
    )
    (out / MARKER).write_text(json.dumps(made, ensure_ascii=False, indent=1) + "\n")
    return made


def make_teams(r: random.Random, n: int) -> list[Team]:
    n2 = max(1, round(n * 0.02))
    n3 = max(1, round(n * 0.12))
    n4 = n - 1 - n2 - n3
    teams = [Team("city", "澜州市志愿服务联合会", 1, None, 0)]
    level2 = []
    for i in range(n2):
        name, py = DISTRICTS[i % len(DISTRICTS)]
        suffix = "" if i < len(DISTRICTS) else f"-{i // len(DISTRICTS) + 1}"
        level2.append(Team(f"{py}{suffix}", f"{name}区志愿服务总队{suffix.replace('-', '第')}", 2, "city", i))
    level3 = []
    for i in range(n3):
        parent = level2[i % n2]
        k = i // n2 + 1
        level3.append(
            Team(
                f"{parent.id}-s{k:02d}",
                f"{parent.name[:2]}区{STREETS[k % len(STREETS)]}街道志愿服务大队{k}",
                3,
                parent.id,
                parent.district,
            )
        )
    level4 = []
    for i in range(n4):
        parent = level3[i % n3]
        k = i // n3 + 1
        place = f"{STREETS[(k * 7) % len(STREETS)]}{COMMUNITY[k % len(COMMUNITY)]}"
        level4.append(Team(f"{parent.id}-t{k:02d}", f"{place}{r.choice(TEAM_KINDS)}{k}", 4, parent.id, parent.district))
    return teams + level2 + level3 + level4


def make_volunteers(r: random.Random, n: int, teams: list[Team]) -> list[Volunteer]:
    by_level = {lv: [t for t in teams if t.level == lv] for lv in (1, 2, 3, 4)}
    volunteers = []
    for i in range(n):
        sur, sur_py = r.choice(SURNAMES)
        given, given_py = r.choice(GIVEN)
        if i < len(teams):
            team = teams[i]  # every team gets a first member, its lead
        else:
            x = r.random()
            level = 4 if x < 0.85 else 3 if x < 0.95 else 2 if x < 0.99 else 1
            team = r.choice(by_level[level])
        names = [team.id]
        if r.random() < 0.1:
            other = r.choice(teams)
            if other.id != team.id:
                names.append(other.id)
        public = i < len(teams) or r.random() >= 0.05
        v = Volunteer(i, f"{sur_py}-{given_py}-{i + 1:05d}", sur + given, names, team.district, public)
        volunteers.append(v)
    index = {t.id: t for t in teams}
    for v in volunteers:
        for t in v.teams:
            index[t].members.append(v.id)
    return volunteers


def write_teams(w: Writer, r: random.Random, teams: list[Team], volunteers: list[Volunteer]) -> None:
    # The federation and the districts one file each; streets and community teams in a list per district.
    groups: dict[str, list[str]] = {}
    for t in teams:
        lead = t.members[0]
        lines = [f"id: {t.id}", f"name: {t.name}"]
        if t.parent:
            lines.append(f"parent: {t.parent}")
        lines += [
            f"lead: {lead}",
            f"founded: {day(r, 2005, 2020)}",
            f"category: {r.choice(CATEGORIES)}",
            "description: |",
            f"  {t.name}是澜州市志愿服务体系中的第{t.level}级队伍，"
            f"扎根{DISTRICTS[t.district % len(DISTRICTS)][0]}，服务周边居民。",
            "services:",
        ]
        for s in r.sample(SERVICES, r.randint(1, 4)):
            lines.append(
                f"  - {s}" if r.random() < 0.5 else f"  - name: {s}\n    description: 每周固定时间{s}，欢迎居民预约。"
            )
        record = "\n".join(lines) + "\n"
        if t.level <= 2:
            w.text(f"content/teams/{t.id}.yaml", record)
        else:
            key = f"content/teams/{DISTRICTS[t.district % len(DISTRICTS)][1]}-{t.district}/level-{t.level}.yaml"
            groups.setdefault(key, []).append("- " + record.replace("\n", "\n  ").rstrip() + "\n")
    for rel, records in groups.items():
        w.text(rel, "# 街道大队与社区服务队\n" + "\n".join(records))


def write_volunteers(w: Writer, r: random.Random, volunteers: list[Volunteer], teams: list[Team]) -> None:
    core = max(1, len(volunteers) // 100)  # 1 %: one YAML file each
    yaml_share = len(volunteers) // 5  # the next 20 %: YAML lists of up to 500
    batch: list[str] = []
    batch_no = 0
    roster_rows: list[tuple] = []
    for v in volunteers:
        born = day(r, 1950, 2008)
        minor = r.random() < 0.03
        if minor:
            born = day(r, 2008, 2010)
        consent = not minor or r.random() < 0.7
        public = v.public and consent
        v.public = public
        joined = day(r, 2010, 2024)
        phone = f"1{r.choice('3456789')}{r.randrange(10**9):09d}"
        idn = resident_id(r, born)
        address = f"澜州市{DISTRICTS[v.district % len(DISTRICTS)][0]}区{r.choice(STREETS)}{r.randint(1, 300)}号"
        role = r.choice(ROLES)
        if v.n < core + yaml_share:
            lines = [
                f"id: {v.id}",
                f"name: {v.name}",
                f"teams: [{', '.join(v.teams)}]",
                f"role: {role}",
                f"joined: {joined}",
            ]
            if not public:
                lines.append("public: false")
            if minor:
                lines += ["minor: true", f"guardian_consent: {'true' if consent else 'false'}"]
            if r.random() < 0.3:
                lines.append(f"skills: [{', '.join(r.sample(SKILLS, 2))}]")
            if r.random() < 0.2:
                lines.append(
                    f"bio: {yaml_str(f'{v.name}从{joined.year}年开始参加志愿服务，最喜欢{r.choice(SERVICES)}。')}"
                )
            lines += [
                f"phone: '{phone}'",
                f"id_number: '{idn}'",
                f"address: {address}",
                f"email: {v.id}@example.com",
                f"wechat: wx_{v.id.replace('-', '_')}",
                f"workplace: {r.choice(PLACES)}",
            ]
            record = "\n".join(lines) + "\n"
            if v.n < core:
                w.text(f"content/volunteers/core/{v.id}.yaml", "# 骨干志愿者档案\n" + record)
            else:
                batch.append("- " + record.replace("\n", "\n  ").rstrip() + "\n")
                if len(batch) == 500:
                    w.text(f"content/volunteers/registered/batch-{batch_no:03d}.yaml", "\n".join(batch))
                    batch, batch_no = [], batch_no + 1
        else:
            sep = "、" if r.random() < 0.5 else ";"
            roster_rows.append((v, role, joined, public, minor, consent, phone, idn, address, sep))
    if batch:
        w.text(f"content/volunteers/registered/batch-{batch_no:03d}.yaml", "\n".join(batch))
    # CSV rosters by district, in files of up to 2,000 rows (at least six files); the encoding
    # and the date style go round GBK (2024/3/5), UTF-8 with BOM, UTF-8 from file to file
    header = "编号,姓名,所属队伍,职务,注册日期,公开,未成年,监护人同意,手机,身份证号,地址,工作单位"
    roster_rows.sort(key=lambda row: (row[0].district, row[0].n))
    size = max(50, min(2000, len(roster_rows) // 6))
    for k in range(0, len(roster_rows), size):
        rows = roster_rows[k : k + size]
        district = rows[0][0].district
        kind = (k // size) % 3
        encoding = ("gbk", "utf-8-sig", "utf-8")[kind]
        lines = [header]
        for v, role, joined, public, minor, consent, phone, idn, address, sep in rows:
            date = f"{joined.year}/{joined.month}/{joined.day}" if kind == 0 else str(joined)
            lines.append(
                f"{v.id},{v.name},{sep.join(v.teams)},{role},{date},{'是' if public else '否'},"
                f"{'是' if minor else '否'},{'是' if consent else '否'},{phone},{idn},{address},{r.choice(PLACES)}"
            )
        name = DISTRICTS[district % len(DISTRICTS)][1]
        w.text(
            f"content/volunteers/rosters/{name}-{district}-名册-{k // size + 1:03d}.csv",
            "\r\n".join(lines) + "\r\n",
            encoding,
        )


@dataclass
class Activity:
    id: str
    date: dt.date
    days: int
    teams: list[str]
    district: int
    participants: list[str]
    story: str | None = None


def make_activities(r: random.Random, n: int, teams: list[Team], volunteers: list[Volunteer]) -> list[Activity]:
    index = {t.id: t for t in teams}
    children: dict[str, list[str]] = {}
    for t in teams:
        if t.parent:
            children.setdefault(t.parent, []).append(t.id)

    def subtree_members(tid: str) -> list[str]:
        found, stack = [], [tid]
        while stack:
            t = stack.pop()
            found += index[t].members
            stack += children.get(t, [])
        return list(dict.fromkeys(found))

    pools: dict[str, list[str]] = {}
    organisers = [t for t in teams if t.level >= 3] or teams
    activities = []
    used_ids: dict[str, int] = {}
    for _ in range(n):
        team = r.choice(organisers) if r.random() < 0.95 else r.choice(teams)
        if team.id not in pools:
            pools[team.id] = subtree_members(team.id)
        pool = pools[team.id]
        date = day(r)
        days = 1 if r.random() < 0.9 else r.randint(2, 3)
        k = min(len(pool), r.randint(3, 25))
        aid = f"{date}-{team.id}"
        used_ids[aid] = used_ids.get(aid, 0) + 1
        if used_ids[aid] > 1:
            aid += f"-{used_ids[aid]}"
        names = [team.id]
        if r.random() < 0.05 and team.parent:
            names.append(team.parent)
        activities.append(Activity(aid, date, days, names, team.district, r.sample(pool, k)))
    activities.sort(key=lambda a: (a.date, a.id))
    return activities


def write_activities(w: Writer, r: random.Random, activities: list[Activity], volunteers: list[Volunteer]) -> None:
    files: dict[str, list[str]] = {}
    for i, a in enumerate(activities):
        hours = r.choice(HOURS[2:])
        lines = [f"id: {a.id}", f"title: {r.choice(PLACES)}{r.choice(CATEGORIES)}活动", f"date: {a.date}"]
        if a.days > 1:
            lines.append(f"end: {a.date + dt.timedelta(days=a.days - 1)}")
        lines.append(f"team: {a.teams[0]}" if len(a.teams) == 1 else f"teams: [{', '.join(a.teams)}]")
        lines += [
            f"category: {r.choice(CATEGORIES)}",
            f"location: {r.choice(PLACES)}",
            f"hours: {hours}",
            "participants:",
        ]
        for vid in a.participants:
            if r.random() < 0.1:
                lines.append(f"  - {{volunteer: {vid}, hours: {r.choice(HOURS)}}}")
            else:
                lines.append(f"  - {vid}")
        lines.append(f"people_served: {r.randint(10, 2000)}")
        lines.append(f"summary: {r.choice(PLACES)}的{r.choice(SERVICES)}，{r.choice(NOTES)}。")
        if a.story:
            lines.append(f"story: {a.story}")
        record = "\n".join(lines) + "\n"
        if i % 50 == 0:
            w.text(f"content/activities/{a.date.year}/{a.id}.yaml", record)
        else:
            rel = f"content/activities/{a.date.year}/{DISTRICTS[a.district % len(DISTRICTS)][1]}-{a.district}.yaml"
            files.setdefault(rel, []).append("- " + record.replace("\n", "\n  ").rstrip() + "\n")
    for rel, records in files.items():
        w.text(rel, f"# {rel.split('/')[-2]} 年度活动记录\n" + "\n".join(records))


def write_stories(
    w: Writer,
    r: random.Random,
    n: int,
    seed: int,
    teams: list[Team],
    public: list[Volunteer],
    activities: list[Activity],
) -> list[str]:
    reported = r.sample(range(len(activities)), min(n, len(activities)) * 3 // 4)
    slugs = []
    team_names = {t.id: t.name for t in teams}
    for i in range(1, n + 1):
        s = make_story(seed, i)
        about = r.sample(public, min(len(public), r.randint(1, 3)))
        team_ids = list(dict.fromkeys(t for v in about for t in v.teams))[:2]
        date = dt.date.fromisoformat(s["date"])
        activity = None
        if i - 1 < len(reported):
            activity = activities[reported[i - 1]]
            date = activity.date
            if r.random() < 0.5:
                activity.story = s["slug"]
        front = [f"title: {s['title']}", f"date: {date}"]
        named_by_file = i % 2 == 0  # the slug comes from the file name, after its date
        if not named_by_file:
            front.append(f"slug: {s['slug']}")
        front += [
            f"summary: {s['summary']}",
            f"tags: [{', '.join(s['tags'])}]",
            f"volunteers: [{', '.join(v.id for v in about)}]",
            f"teams: [{', '.join(team_ids)}]",
        ]
        if activity:
            front.append(f"activity: {activity.id}")
        front.append(f"author: {r.choice(['宣传部', '团市委', '志愿服务联合会', '社区通讯员'])}")
        links = "、".join(f"[{v.name}](/volunteers/{v.id}/)" for v in about)
        body = (
            s["body"]
            + f"\n本文记录了{links}的故事，"
            + "、".join(f"[{team_names[t]}](/teams/{t}/)" for t in team_ids)
            + "供稿。\n"
        )
        name = f"{date}-{s['slug']}.md" if named_by_file else f"{s['slug']}.md"
        w.text(f"content/stories/{date.year}/{name}", "---\n" + "\n".join(front) + "\n---\n\n" + body)
        slugs.append(f"{date.year}/{name}")
    return slugs


def write_ledger(
    w: Writer, r: random.Random, n: int, teams: list[Team], volunteers: list[Volunteer], activities: list[Activity]
) -> int:
    """n rows: CSV files per district and year (three encodings and header styles), and one YAML file."""
    districts = sorted({t.district for t in teams})
    pool: dict[int, list[str]] = {d: [] for d in districts}
    for v in volunteers:
        pool[v.district].append(v.id)
    pool = {d: ids for d, ids in pool.items() if ids}
    districts = sorted(pool)
    by_cell: dict[tuple[int, int], list[Activity]] = {}
    for a in activities:
        by_cell.setdefault((a.district, a.date.year), []).append(a)
    taken = {(vid, a.id) for a in activities for vid in a.participants}  # (volunteer, activity): once only
    years = list(range(FIRST_YEAR, LAST_YEAR + 1))
    yaml_rows = max(1, n // 1000)
    cells = [(d, y) for d in districts for y in years]
    per_cell, extra = divmod(n - yaml_rows, len(cells))
    written = 0
    heads = (
        "日期,志愿者编号,时长,活动编号,积分,备注",
        "服务日期,志愿者编号,服务时长,活动编号,积分,服务内容",
        "date,volunteer,hours,activity,points,note",
    )
    for c, (d, y) in enumerate(cells):
        rows_here = per_cell + (1 if c < extra else 0)
        kind = (d + y) % 3
        ids = pool[d]
        linkable = by_cell.get((d, y), [])
        start = dt.date(y, 1, 1).toordinal()
        span = dt.date(y, 12, 31).toordinal() - start + 1
        rows = []
        for _ in range(rows_here):
            vid = ids[int(r.random() * len(ids))]
            activity = ""
            if linkable and r.random() < 0.03:
                a = linkable[int(r.random() * len(linkable))]
                if (vid, a.id) not in taken:
                    taken.add((vid, a.id))
                    activity = a.id
                    date = a.date
            if not activity:
                date = dt.date.fromordinal(start + int(r.random() * span))
            points = "" if r.random() < 0.6 else ("1" if r.random() < 0.8 else "2")
            rows.append(
                (date, vid, HOURS[int(r.random() * len(HOURS))], activity, points, NOTES[int(r.random() * len(NOTES))])
            )
        rows.sort()
        if kind == 0:
            text = (
                "\r\n".join(
                    [heads[0]]
                    + [f"{dd.year}/{dd.month}/{dd.day},{v},{h},{a},{p},{note}" for dd, v, h, a, p, note in rows]
                )
                + "\r\n"
            )
            encoding = "gbk"
        elif kind == 1:
            text = (
                "\n".join(
                    [heads[1]]
                    + [f"{dd.year}.{dd.month}.{dd.day},{v},{h},{a},{p},{note}" for dd, v, h, a, p, note in rows]
                )
                + "\n"
            )
            encoding = "utf-8-sig"
        else:
            text = "\n".join([heads[2]] + [f"{dd},{v},{h},{a},{p},{note}" for dd, v, h, a, p, note in rows]) + "\n"
            encoding = "utf-8"
        name = DISTRICTS[d % len(DISTRICTS)][1]
        w.text(f"content/ledger/{name}-{d}/{y}年{DISTRICTS[d % len(DISTRICTS)][0]}区志愿服务台账.csv", text, encoding)
        written += len(rows)
    lines = ["# 补录台账：纸质签到表上有、但未及时录入平台的服务记录"]
    everyone = [v.id for v in volunteers]
    for _ in range(yaml_rows):
        lines += [
            f"- date: {day(r)}",
            f"  volunteer: {r.choice(everyone)}",
            f"  hours: {r.choice(HOURS)}",
            f"  note: 补录：{r.choice(NOTES)}",
        ]
    w.text("content/ledger/补录台账.yaml", "\n".join(lines) + "\n")
    return written + yaml_rows


def write_awards(w: Writer, r: random.Random, n: int, teams: list[Team], volunteers: list[Volunteer]) -> None:
    public = [v for v in volunteers if v.public]
    hidden = [v for v in volunteers if not v.public] or public
    by_year: dict[str, list[str]] = {}
    auto: set[tuple[int, str, str]] = set()
    for i in range(n):
        candidate = r.random() < 0.05
        date = day(r, LAST_YEAR, LAST_YEAR) if candidate else day(r)
        if r.random() < 0.1:
            recipient, key, title = r.choice(teams).id, "team", r.choice(TEAM_AWARDS)
        else:
            recipient = (r.choice(hidden) if r.random() < 0.02 else r.choice(public)).id
            key, title = "volunteer", r.choice(AWARD_TITLES)
        lines = []
        if r.random() < 0.7 or (date.year, title, recipient) in auto:
            lines.append(f"id: award-{i + 1:05d}")
        else:
            auto.add((date.year, title, recipient))
        lines += [f"title: {title}", f"{key}: {recipient}"]
        lines.append(f"date: {date}" if r.random() < 0.8 else f"year: {date.year}")
        lines += [
            f"level: {r.choice(LEVELS)}",
            f"issuer: {r.choice(ISSUERS)}",
            f"citation: 在{r.choice(PLACES)}长期坚持{r.choice(SERVICES)}，服务群众{r.randint(100, 5000)}人次。",
        ]
        if candidate:
            lines += ["status: candidate", f"posting_until: {date + dt.timedelta(days=10)}"]
        record = "- " + "\n  ".join(lines) + "\n"
        by_year.setdefault("candidates" if candidate else str(date.year), []).append(record)
    for year, records in sorted(by_year.items()):
        w.text(f"content/awards/{year}.yaml", f"# {year} 表彰\n" + "\n".join(records))


def script_hash() -> str:
    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update((ANCHORS_SRC / "make_corpus.py").read_bytes())
    return h.hexdigest()[:16]


def stamp_of(site: Path) -> dict | None:
    try:
        return json.loads((site / MARKER).read_text())
    except (OSError, ValueError):
        return None


# ----------------------------------------------------------------- timing
@dataclass
class Step:
    scale: float
    mode: str  # cold, no-change rebuild, one-story edit
    result: Result | None
    html: int = 0
    note: str = ""


def edit_story(site: Path, made: dict, round_no: int) -> tuple[Path, str, str, str]:
    """Append one paragraph to the body of one story; (path, original text, marker, page dir)."""
    rel = made["stories"][len(made["stories"]) // 2]
    path = site / "content" / "stories" / rel
    original = path.read_text(encoding="utf-8")
    marker = f"基准测试第{round_no}次修改的一句话"
    path.write_text(original + f"\n{marker}。\n", encoding="utf-8")
    slug = None
    for line in original.splitlines()[1:]:
        if line.startswith("slug:"):
            slug = line.split(":", 1)[1].strip()
        if line == "---":
            break
    if slug is None:  # from the file name without its leading date
        slug = Path(rel).stem[11:]
    return path, original, marker, f"stories/{slug}"


def time_scales(
    scales: list[float],
    runs: int,
    work: Path,
    seed: int,
    timeout: float,
    mem_cap: float,
    search: bool,
    volsite: tuple[list[str], dict | None],
    keep_going: bool,
) -> tuple[list[Step], list[str]]:
    steps: list[Step] = []
    notes: list[str] = []
    trash, logs, raw = run_files(
        work,
        "city",
        "scale\tmode\trun\twall_s\tuser_s\tsys_s\tmaxrss_kb\ttree_rss_kb\tproportional_kb\trc\t"
        "timed_out\tkilled_for_memory\thtml\tother_cpu_s\tmemory_by_command\n",
    )
    prefix, env = volsite

    def keep(step: Step, n: int) -> None:
        steps.append(step)
        res = step.result
        with open(raw, "a") as f:
            f.write(
                f"{step.scale:g}\t{step.mode}\t{n}\t{res.wall:.2f}\t{res.user:.2f}\t{res.sys:.2f}\t{res.maxrss_kb}\t"
                f"{res.tree_kb}\t{res.proportional_kb}\t{res.rc}\t{res.timed_out}\t{res.killed_for_memory}\t{step.html}\t{res.other_cpu:.2f}\t"
                f"{res.memory_by_command()}\n"
            )
        show(step)

    for scale in scales:
        site = work / f"city-{scale:g}{'' if search else '-nosearch'}"
        made = stamp_of(site)
        if not made or made.get("script") != script_hash() or made.get("seed") != seed:
            print(f"generating scale {scale:g} in {site} ...", flush=True)
            made = generate(site, scale, seed, search)
        notes.append(
            f"scale {scale:g}: {fmt_counts(made)}; generated in {made['seconds']} s "
            f"({made['files']} files, {made['bytes'] / 2**20:.0f} MiB)"
        )
        print(notes[-1], flush=True)
        out = site / "output"
        cmd = [*prefix, "build", str(site), "-o", str(out), "-q"]
        stop = False
        for n in range(1, runs + 1):
            trash.aside(out, site / ".volsite-cache", *site.glob(".output.*"))
            trash.purge()
            cold = run(cmd, site, logs / f"{scale:g}-cold-{n}.log", timeout=timeout, env=env, mem_cap_kb=mem_cap * 1024)
            keep(Step(scale, "cold", cold, count_html(out) if out.is_dir() else 0), n)
            if not cold.ok:
                stop = cold.timed_out or cold.killed_for_memory
                break
            again = run(
                cmd, site, logs / f"{scale:g}-nochange-{n}.log", timeout=timeout, env=env, mem_cap_kb=mem_cap * 1024
            )
            keep(Step(scale, "no-change rebuild", again, count_html(out) if out.is_dir() else 0), n)
            path, original, marker, page = edit_story(site, made, n)
            try:
                edited = run(
                    cmd, site, logs / f"{scale:g}-edit-{n}.log", timeout=timeout, env=env, mem_cap_kb=mem_cap * 1024
                )
            finally:
                path.write_text(original, encoding="utf-8")
            index = out / page / "index.html"
            seen = index.is_file() and marker in index.read_text(encoding="utf-8")
            keep(
                Step(
                    scale,
                    "one-story edit",
                    edited,
                    count_html(out) if out.is_dir() else 0,
                    "" if seen or not edited.ok else f"the edit is NOT in {page}/index.html",
                ),
                n,
            )
            # the next round's cold build starts from the unedited story
        if stop and not keep_going:
            notes.append(f"scale {scale:g}: the cold build did not finish (see above); larger scales skipped")
            break
    return steps, notes


def fmt_counts(made: dict) -> str:
    c = made["counts"]
    return (
        f"{c['stories']:,} stories, {c['volunteers']:,} volunteers, {c['teams']:,} teams, "
        f"{c['activities']:,} activities, {made['ledger_rows']:,} ledger rows, {c['awards']:,} awards"
    )


def show(step: Step) -> None:
    res = step.result
    print(
        f"  scale {step.scale:<5g} {step.mode:<18} wall {res.wall:8.2f} s  cpu {res.cpu:8.2f} s  "
        f"peak {res.peak_mib:7.0f} MiB  html {step.html:>7}  others' cpu {res.other_cpu:6.1f} s  "
        f"{status(res)} {step.note}",
        flush=True,
    )
    print(f"    memory by process: {res.memory_by_command()}", flush=True)
    if not res.ok:
        tail = res.log.read_text(errors="replace").splitlines()[-12:]
        print("    " + "\n    ".join(tail), flush=True)


def status(res: Result) -> str:
    if res.ok:
        return "ok"
    if res.killed_for_memory:
        return f"KILLED above the memory cap after {res.wall:.0f} s"
    if res.timed_out:
        return f"KILLED after {res.wall:.0f} s (time cap)"
    return f"FAILED (exit {res.rc})"


def report(steps: list[Step], notes: list[str], header: list[str]) -> str:
    lines = (
        header
        + [""]
        + [f"- {n}" for n in notes]
        + [
            "",
            "| scale | build | runs ok | median wall s | min–max s | CPU s | peak memory MiB | largest process MiB "
            "| HTML pages | others' CPU s | status |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
    )
    groups: dict[tuple[float, str], list[Step]] = {}
    for s in steps:
        groups.setdefault((s.scale, s.mode), []).append(s)
    med: dict[tuple[float, str], tuple[float, float, float]] = {}
    for (scale, mode), group in groups.items():
        good = [g for g in group if g.result.ok]
        bad = [g for g in group if not g.result.ok]
        if good:
            walls = sorted(g.result.wall for g in good)
            wall = (
                walls[len(walls) // 2] if len(walls) % 2 else sum(walls[len(walls) // 2 - 1 : len(walls) // 2 + 1]) / 2
            )
            peak = max(g.result.peak_mib for g in good)
            cpu = sorted(g.result.cpu for g in good)[len(good) // 2]
            med[(scale, mode)] = (wall, peak, cpu)
            other = max(g.result.other_cpu for g in good)
            largest = max(g.result.maxrss_kb for g in good) / 1024
            note = "; ".join(g.note for g in good if g.note) or "ok"
            lines.append(
                f"| {scale:g} | {mode} | {len(good)}/{len(group)} | {wall:.1f} | {walls[0]:.1f}–{walls[-1]:.1f} | "
                f"{cpu:.1f} | {peak:.0f} | {largest:.0f} | {good[-1].html} | {other:.1f} | {note} |"
            )
        for b in bad:
            lines.append(
                f"| {scale:g} | {mode} | {len(good)}/{len(group)} | ({b.result.wall:.1f}) | | {b.result.cpu:.1f} | "
                f"({b.result.peak_mib:.0f}) | ({b.result.maxrss_kb / 1024:.0f}) | {b.html} | {b.result.other_cpu:.1f} | {status(b.result)}: "
                f"{last_line(b.result)} (log {b.result.log}) |"
            )
    lines += [
        "",
        "Peak memory: the larger of the biggest process's maxrss and the sampled sum of the build's "
        "processes, forked ones counted by their proportional set size (PSS: shared pages once; see "
        "bench/measure.py); largest process: maxrss alone. Others' CPU: what the rest of the machine used meanwhile (contention).",
        "",
    ]

    scales = sorted({s for s, m in med if m == "cold"})
    lines += ["## How the cost grows (cold build)", ""]
    if len(scales) >= 2:
        lines += [
            "| scale | wall s | wall s per unit of scale | CPU s | CPU s per unit of scale | peak MiB "
            "| MiB per unit of scale |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for s in scales:
            wall, peak, cpu = med[(s, "cold")]
            lines.append(
                f"| {s:g} | {wall:.1f} | {wall / s:.1f} | {cpu:.1f} | {cpu / s:.1f} | {peak:.0f} | {peak / s:.0f} |"
            )
        lo, hi = scales[0], scales[-1]
        (w0, p0, c0), (w1, p1, c1) = med[(lo, "cold")], med[(hi, "cold")]
        k = math.log(w1 / w0) / math.log(hi / lo)
        per_unit = (w1 / hi) / (w0 / lo)
        memory_per_unit = (p1 / hi) / (p0 / lo)
        lines += [
            "",
            f"From scale {lo:g} to {hi:g} (×{hi / lo:g}) the cold build's time went ×{w1 / w0:.2f} "
            f"(time per unit of scale ×{per_unit:.2f}; growth exponent {k:.2f}, 1 = linear): "
            f"{'linear or better' if per_unit <= 1.1 else 'worse than linear'}; its peak memory went "
            f"×{p1 / p0:.2f} ({'linear or better' if memory_per_unit <= 1.1 else 'worse than linear'}). "
            f"Its CPU time went ×{c1 / c0:.2f} (per unit of scale ×{(c1 / hi) / (c0 / lo):.2f}), which "
            "contention on the machine disturbs less than wall time.",
        ]
    else:
        lines.append("Fewer than two scales finished a cold build: no growth figure.")
    lines.append("")

    lines += ["## Targets of issue 5", ""]
    full = med.get((1.0, "cold"))
    failed_full = [s for s in steps if s.scale == 1.0 and s.mode == "cold" and not s.result.ok]
    if full:
        lines.append(f"- full cold build ≤ 120 s: {full[0]:.1f} s → {verdict(full[0] <= 120)}")
        lines.append(f"- within 2 GiB (2048 MiB) peak memory: {full[1]:.0f} MiB → {verdict(full[1] <= 2048)}")
    elif failed_full:
        b = failed_full[0].result
        lines.append(
            f"- full cold build ≤ 120 s within 2 GiB: **not met** — {status(b)}, "
            f"peak {b.peak_mib:.0f} MiB so far: {last_line(b)}"
        )
    else:
        lines.append("- full cold build: not measured (scale 1 not run)")
    again = med.get((1.0, "no-change rebuild"))
    if again:
        lines.append(f"- no-change rebuild ≤ 10 s: {again[0]:.1f} s → {verdict(again[0] <= 10)}")
    else:
        lines.append("- no-change rebuild ≤ 10 s: not measured at full scale")
    if len(scales) >= 2:
        lines.append(
            f"- time grows no worse than linearly: ×{per_unit:.2f} per unit of scale from {lo:g} to {hi:g} "
            f"→ {verdict(per_unit <= 1.1)} (within 10 % counts as linear on this noisy machine)"
        )
    for s in scales:
        if s != 1.0 and (s, "no-change rebuild") in med:
            lines.append(
                f"- (scale {s:g}: no-change rebuild {med[(s, 'no-change rebuild')][0]:.1f} s, "
                f"one-story edit {med.get((s, 'one-story edit'), (float('nan'),))[0]:.1f} s)"
            )
    return "\n".join(lines) + "\n"


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def last_line(res: Result) -> str:
    lines = [x for x in res.log.read_text(errors="replace").splitlines() if x.strip()]
    return (lines[-1][:300] if lines else "no output").replace("|", "\\|")


# ----------------------------------------------------------------- command line
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="write a site")
    g.add_argument("--out", type=Path, required=True)
    g.add_argument("--scale", type=float, default=1.0)
    g.add_argument("--seed", type=int, default=7)
    g.add_argument("--no-search", action="store_true", help="search: false in site.yaml")
    g.add_argument("--check", action="store_true", help="then run `volsite check` on it")
    t = sub.add_parser("time", help="generate and time builds at several scales")
    t.add_argument("--scales", nargs="+", default=["0.25", "0.5", "1"], help="0.25 0.5 1, or 0.25,0.5,1")
    t.add_argument("--runs", type=int, default=1, help="rounds of cold / no-change / edit builds per scale")
    t.add_argument("--seed", type=int, default=7)
    t.add_argument("--timeout", type=float, default=900, help="seconds before one build is killed")
    t.add_argument("--mem-cap", type=float, default=16384, help="MiB of the build's process tree before it is killed")
    t.add_argument("--no-search", action="store_true", help="sites with search: false")
    t.add_argument("--keep-going", action="store_true", help="go on to larger scales after a cold build failed")
    t.add_argument("--work", type=Path, default=Path.home() / ".cache" / "volsite-bench" / "city")
    t.add_argument("--out", type=Path, help="also write the report (markdown) here")
    t.add_argument("--rev", help="measure this commit of volsite (a snapshot), not the working tree")
    args = parser.parse_args()

    if args.command == "generate":
        out = args.out.expanduser().resolve()
        if out == REPO or REPO in out.parents:
            parser.error("--out must be outside the repository (generated sites are never committed)")
        made = generate(out, args.scale, args.seed, not args.no_search)
        print(
            f"{out}: {fmt_counts(made)}; {made['files']} files, {made['bytes'] / 2**20:.1f} MiB in {made['seconds']} s"
        )
        if args.check:
            done = subprocess.run([sys.executable, "-m", "volsite.cli", "check", str(out)])
            print(f"volsite check: exit {done.returncode}")
            sys.exit(done.returncode)
        return

    scales = sorted(float(x) for part in args.scales for x in part.split(",") if x.strip())
    work = args.work.expanduser().resolve()
    if work == REPO or REPO in work.parents:
        parser.error("--work must be outside the repository")
    prefix, env, label = volsite_runner(REPO, args.rev, work)
    started = dt.datetime.now()
    header = [
        f"# volsite on a city-sized site ({started:%Y-%m-%d %H:%M})",
        "",
        f"Machine: {machine()}. Command: `python3 bench/city.py time {' '.join(sys.argv[2:])}`".rstrip(),
        f"volsite {label}; search {'off' if args.no_search else 'on'}; each build capped at "
        f"{args.timeout:.0f} s and {args.mem_cap:.0f} MiB; {args.runs} round(s) per scale.",
    ]
    print("\n".join(header), flush=True)
    steps, notes = time_scales(
        scales,
        args.runs,
        work,
        args.seed,
        args.timeout,
        args.mem_cap,
        not args.no_search,
        (prefix, env),
        args.keep_going,
    )
    text = report(steps, notes, header)
    print("\n" + text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"written: {args.out}")


if __name__ == "__main__":
    main()
