"""Today (SPEC section 4): upcoming activities, trainings, public postings and the stars of a
year's honour roll, on a small site built for given days (SOURCE_DATE_EPOCH)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from conftest import IN_SITE_LANGUAGE, SiteMaker, build_on, on_day, tree_digest
from conftest import built_page as page

# Stars at 10 and 20 hours, so that a few activities make a star.
SITE = {
    "site.yaml": """
        title: 今天测试站
        base_url: https://example.org/v/
        stars: [10, 20]
        timezone: Asia/Shanghai
    """,
    "content/teams/teams.yaml": """
        - {id: hq, name: 总队, lead: zhang-wei}
        - {id: clinic, name: 医疗队, parent: hq}
        - {id: clinic-a, name: 医疗一组, parent: clinic}
        - {id: desk, name: 服务台, parent: hq}
    """,
    "content/volunteers/people.yaml": """
        - {id: zhang-wei, name: 张伟, teams: [hq]}
        - {id: li-na, name: 李娜, teams: [clinic-a]}
        - {id: wang-fang, name: 王芳, teams: [clinic]}
        - {id: zhao-qiang, name: 赵强, teams: [clinic-a], public: false}
        - {id: chen-jing, name: 陈静, teams: [desk]}
    """,
    "content/activities/2024.yaml": """
        - id: 2024-03-05-clinic
          title: 山区义诊
          date: 2024-03-05
          team: clinic-a
          hours: 4
          participants: [zhang-wei, li-na]
          people_served: 120
        - id: 2024-12-20-winter
          title: 冬日送温暖
          date: 2024-12-20
          team: clinic
          hours: 8
          participants: [li-na, wang-fang]
          people_served: 30
    """,
    "content/activities/2025.yaml": """
        - id: 2025-03-05-lei-feng
          title: 学雷锋义诊
          date: 2025-03-05
          team: clinic-a
          hours: 10
          participants: [li-na, zhao-qiang]
          people_served: 200
        - id: 2025-04-10-first-aid
          title: 红十字救护员培训
          date: 2025-04-10
          type: training
          team: clinic
          category: 应急救援
          hours: 8
          participants: [li-na, wang-fang]
    """,
    "content/activities/2026-12-20-blood.yaml": """
        id: 2026-12-20-blood
        title: 冬季无偿献血志愿者招募
        date: 2026-12-20
        team: clinic-a
        category: 无偿献血
        location: 人民广场献血屋
        hours: 4
        participants: [li-na, {volunteer: wang-fang, hours: 6}, zhao-qiang]
        people_served: 300
        signup:
          until: 2026-12-15
          slots: 20
          contact: 总队办公室 0510-12345678
          url: https://example.org/signup/blood
    """,
    "content/ledger/ledger.csv": """
        date,volunteer,hours,activity,note
        2025-05-01,zhang-wei,3,,导诊
        2025-04-10,chen-jing,8,2025-04-10-first-aid,补记培训
    """,
    "content/awards/awards.yaml": """
        - {title: 优秀志愿者, volunteer: li-na, year: 2024}
        - {title: 五星志愿者, volunteer: zhang-wei, date: 2025-12-01}
        - title: 先进集体
          team: clinic
          status: candidate
          date: 2026-11-25
          posting_until: 2026-12-31
          citation: 医疗队常年坚持送医下乡。
    """,
    "content/stories/2024-03-05-clinic.md": """
        ---
        title: 义诊的一天
        date: 2024-03-05
        volunteers: [li-na]
        activity: 2024-03-05-clinic
        ---
        正文。
    """,
}

UPCOMING = "2026-12-20-blood"
TRAINING = "2025-04-10-first-aid"
BEFORE = dt.date(2026, 12, 3)  # the recruitment is upcoming, its sign-up open, the posting open
AFTER = dt.date(2026, 12, 21)  # the day after the recruitment's: held


@pytest.fixture
def today_site(site: SiteMaker) -> SiteMaker:
    site(SITE, base=False)
    return site


def stats(out: Path) -> dict:
    return json.loads((out / "data/stats.json").read_text(encoding="utf-8"))


def section(html: str, heading: str) -> str:
    """The <section> whose heading (h2) starts with `heading`, or '' when there is none."""
    found = re.search(r"<section[^>]*>\s*<h2[^>]*>" + re.escape(heading) + r".*?</section>", html, re.S)
    return found.group(0) if found else ""


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ---------------------------------------------------------------------------- figures


def without(records: dict[str, str], *ids: str) -> dict[str, str | None]:
    """The site's activity files with the activities `ids` taken out."""
    kept: dict[str, str | None] = {}
    for rel, yaml_text in records.items():
        if not rel.startswith("content/activities/"):
            continue
        blocks = re.split(r"(?m)^        - ", yaml_text.strip("\n"))
        if len(blocks) == 1:  # one activity in the file
            kept[rel] = None if any(f"id: {i}\n" in yaml_text for i in ids) else yaml_text
            continue
        wanted = [b for b in blocks[1:] if not any(b.startswith(f"id: {i}\n") for i in ids)]
        kept[rel] = "\n".join("        - " + b.rstrip() for b in wanted) + "\n" if wanted else None
    return kept


def test_upcoming_and_training_count_in_no_figure(today_site, tmp_path):
    """Every figure of stats.json is what the site makes without the upcoming activity and the
    training (and the ledger row of that training): only training_hours and upcoming differ."""
    full = stats(build_on(today_site, BEFORE, tmp_path / "full"))
    plain = SiteMaker(tmp_path / "plain")
    plain(
        {
            **SITE,
            **without(SITE, UPCOMING, TRAINING),
            "content/ledger/ledger.csv": "date,volunteer,hours,activity,note\n2025-05-01,zhang-wei,3,,导诊\n",
        },
        base=False,
    )
    bare = stats(build_on(plain, BEFORE, tmp_path / "bare"))
    assert full["upcoming"] == [UPCOMING] and bare["upcoming"] == []
    training = {year: entry.pop("training_hours") for year, entry in full["by_year"].items()}
    team_training = {tid: entry.pop("training_hours") for tid, entry in full["teams"].items()}
    for entry in list(bare["by_year"].values()) + list(bare["teams"].values()):
        assert entry.pop("training_hours") == 0.0
    full.pop("upcoming"), bare.pop("upcoming")
    assert full == bare
    # the training's 8 hours for li-na, wang-fang and chen-jing (a ledger row names it): in 2025 only
    assert training == {"2024": 0.0, "2025": 24.0}
    # a team's training hours are its members' (sub-teams' included), each counted once
    assert team_training == {"hq": 24.0, "clinic": 16.0, "clinic-a": 8.0, "desk": 8.0}
    # hand-worked, for the record: 2024 (zhang-wei 4, li-na 4 + 8, wang-fang 8), 2025 (li-na 10,
    # zhao-qiang 10, zhang-wei 3 in the ledger); li-na's points: three services, none for the training
    assert full["totals"]["hours"] == 47.0 and full["totals"]["activities"] == 3
    assert full["totals"]["people_served"] == 120 + 30 + 200
    assert full["volunteers"]["li-na"] == {"hours": 22.0, "stars": 2, "points": 3}
    assert full["volunteers"]["chen-jing"] == {"hours": 0.0, "stars": 0, "points": 0}


def test_upcoming_and_training_hours_are_in_no_page_figure(today_site, tmp_path):
    out = build_on(today_site, BEFORE, tmp_path / "out")
    profile = page(out, "volunteers/li-na")
    assert "<dt>累计服务时长</dt><dd>22 <small>小时</small>" in profile  # not 22 + 8 trained + 4 upcoming
    assert "<dt>培训时长</dt><dd>8 <small>小时</small>" in profile
    assert "<dt>积分</dt><dd>3</dd>" in profile
    home = page(out, "")
    assert "<dt>服务时长</dt><dd>47 <small>小时</small>" in home
    assert "<dt>服务人次</dt><dd>350</dd>" in home
    team = page(out, "teams/clinic-a")
    assert "<dt>队员累计服务时长</dt><dd>32 <small>小时</small>" in team  # li-na 22 + zhao-qiang 10
    assert "<dt>本队活动时长</dt><dd>28 <small>小时</small>" in team  # 2 × 4 + 2 × 10: no training, nothing upcoming
    assert "<dt>活动</dt><dd>2</dd>" in team
    assert "<dt>队员培训时长</dt><dd>8 <small>小时</small>" in team
    # the leaderboards rank hours of service: wang-fang's 8 trained hours are not among them
    board = section(page(out, "honors"), "累计服务时长榜")
    assert re.search(r"王芳</a></td><td class=\"num\">8</td>", board)  # her 2024 service only
    directory = page(out, "volunteers")
    assert "冬季无偿献血" not in directory and "红十字" not in directory


# ---------------------------------------------------------------------------- upcoming, listed apart


def test_an_upcoming_activity_shows_its_signup_and_who_will_take_part_without_hours(today_site, tmp_path):
    out = build_on(today_site, BEFORE, tmp_path / "out")
    html = page(out, f"activities/{UPCOMING}")
    assert '<span class="tag soon">即将开展</span>' in html
    signup = re.search(r'<section class="signup".*?</section>', html, re.S).group(0)
    assert '<time datetime="2026-12-15">2026年12月15日</time>' in signup
    assert "<dt>招募人数</dt><dd>20 人</dd>" in signup
    assert '总队办公室 <a href="tel:051012345678">0510-12345678</a>' in signup  # the phone, one tap to call
    assert 'href="https://example.org/signup/blood"' in signup
    going = section(html, "即将参加的志愿者")
    assert '<a href="/v/volunteers/li-na/">李娜</a>' in going and '<a href="/v/volunteers/wang-fang/">王芳</a>' in going
    assert '<span class="masked">赵*</span>' in going and "赵强" not in html  # not public: masked, as anywhere
    assert "小时" not in text(going)  # no hours named before it is held
    assert "总服务时长" not in html and "参与志愿者" not in html


def test_an_upcoming_activity_is_listed_apart_on_home_profiles_team_pages_and_the_timeline(today_site, tmp_path):
    out = build_on(today_site, BEFORE, tmp_path / "out")
    link = f'href="/v/activities/{UPCOMING}/"'
    home = page(out, "")
    assert link in section(home, "即将开展") and link not in section(home, "近期活动")
    assert "报名截止 2026年12月15日" in text(section(home, "即将开展"))
    for vid in ("li-na", "wang-fang"):
        profile = page(out, f"volunteers/{vid}")
        assert link in section(profile, "即将参加") and link not in section(profile, "参与的活动")
    assert "即将参加" not in page(out, "volunteers/zhang-wei")
    for tid in ("clinic-a", "clinic", "hq"):  # the team that organises it and those above it
        team = page(out, f"teams/{tid}")
        assert link in section(team, "即将开展") and link not in section(team, "活动时间线")
    assert "即将开展" not in page(out, "teams/desk")
    timeline = page(out, "timeline")
    assert link in section(timeline, "即将开展") and timeline.count(link) == 1


def test_a_past_activity_became_past_by_itself_and_changed_exactly_the_pages_it_should(today_site, tmp_path):
    before = build_on(today_site, BEFORE, tmp_path / "before")
    after = build_on(today_site, AFTER, tmp_path / "after")
    old, new = tree_digest(before), tree_digest(after)
    changed = {
        rel for rel in old.keys() | new.keys() if not rel.startswith("pagefind/") and old.get(rel) != new.get(rel)
    }
    people = ("li-na", "wang-fang")  # (zhao-qiang too, but not public: counted in figures only)
    assert changed == {
        "index.html",  # headline figures; from 即将开展 to the newest held
        f"activities/{UPCOMING}/index.html",  # who served and how long, instead of the sign-up
        "timeline/index.html",
        # /activities/ and its category's list: from 即将开展 to the year's; the feed no longer holds it
        "activities/index.html",
        "activities/category/wu-chang-xian-xie/index.html",
        "activities.ics",
        "data/stats.json",
        "stats/index.html",
        "honors/index.html",  # the leaderboard and today's stars
        "volunteers/index.html",  # hours and stars in the directory
        *(f"volunteers/{vid}/index.html" for vid in people),
        *(f"volunteers/{vid}/hours/index.html" for vid in people),
        "teams/index.html",  # the tree's figures
        *(f"teams/{tid}/index.html" for tid in ("hq", "clinic", "clinic-a")),
        # every statement and certificate says 记录截至 the site's latest record: now the activity's day
        *(rel for rel in new if rel.startswith(("certificates/", "volunteers/")) and rel.endswith("/hours/index.html")),
        *(rel for rel in new if rel.startswith("certificates/")),
    }
    assert stats(after)["upcoming"] == []
    html = page(after, f"activities/{UPCOMING}")
    assert "即将开展" not in html and "招募报名" not in html
    assert "<dt>总服务时长</dt><dd>14 <small>小时</small>" in html  # li-na 4, wang-fang 6, zhao-qiang 4
    assert f'href="/v/activities/{UPCOMING}/"' in section(page(after, "volunteers/li-na"), "参与的活动")


def test_a_sign_up_closes_after_its_last_day(today_site, tmp_path):
    out = build_on(today_site, dt.date(2026, 12, 16), tmp_path / "out")
    html = page(out, f"activities/{UPCOMING}")
    assert "报名已截止" in html and "即将开展" in html
    assert "https://example.org/signup/blood" not in html and "0510-12345678" not in html
    assert "报名已截止" in text(section(page(out, ""), "即将开展"))


def test_the_time_zone_says_when_a_day_begins(today_site, tmp_path):
    # 2026-12-19 20:00 UTC is 2026-12-20 04:00 in Shanghai: the recruitment's day has come there
    moment = {"SOURCE_DATE_EPOCH": str(int(dt.datetime(2026, 12, 19, 20, tzinfo=dt.timezone.utc).timestamp()))}
    assert today_site.build("-o", str(tmp_path / "shanghai"), "-q", env=moment).exit_code == 0
    assert stats(tmp_path / "shanghai")["upcoming"] == []
    today_site.write({"site.yaml": SITE["site.yaml"].replace("Asia/Shanghai", "UTC")})
    assert today_site.build("-o", str(tmp_path / "utc"), "-q", env=moment).exit_code == 0
    assert stats(tmp_path / "utc")["upcoming"] == [UPCOMING]


# ---------------------------------------------------------------------------- trainings


def test_a_training_is_listed_apart_on_profiles_and_team_pages(today_site, tmp_path):
    out = build_on(today_site, BEFORE, tmp_path / "out")
    link = f'href="/v/activities/{TRAINING}/"'
    profile = page(out, "volunteers/li-na")
    record = section(profile, "培训记录")
    assert link in record and link not in section(profile, "参与的活动")
    assert re.search(
        r'<time datetime="2025-04-10">2025年4月10日</time></span>\s*<span class="activity-main"><a [^>]*>红十字救护员培训</a></span>'
        r'\s*<span class="activity-meta">培训时长 8 小时</span>',
        record,
    )
    # chen-jing's training is a ledger row that names it: hers too
    assert link in section(page(out, "volunteers/chen-jing"), "培训记录")
    team = page(out, "teams/clinic")
    assert link in section(team, "培训活动") and link not in section(team, "活动时间线")
    assert "<dt>队员培训时长</dt><dd>16 <small>小时</small>" in team
    activity = page(out, f"activities/{TRAINING}")
    assert "<dt>培训时长</dt><dd>24 <small>小时</small>" in activity  # li-na, wang-fang, chen-jing's ledger row
    assert "参加培训的志愿者" in activity and "总服务时长" not in activity
    # held, it is on the timeline and the home page, marked as a training
    assert re.search(link + r'>红十字救护员培训</a> <span class="tag">培训</span>', page(out, "timeline"))


# ---------------------------------------------------------------------------- postings (公示)

NOMINEE = "医疗队常年坚持送医下乡"


@pytest.mark.parametrize(
    "day, state",
    [
        (dt.date(2026, 11, 24), "not yet"),  # the day before its first
        (dt.date(2026, 11, 25), "open"),
        (dt.date(2026, 12, 31), "open"),  # its last day
        (dt.date(2027, 1, 1), "ended"),
    ],
)
def test_a_posting_is_open_from_its_date_to_its_last_day(today_site, tmp_path, day, state):
    out = build_on(today_site, day, tmp_path / "out")
    candidates, home, honours = page(out, "honors/candidates"), page(out, ""), page(out, "honors")
    notice = "1 项评选正在公示"
    if state == "not yet":
        assert NOMINEE not in candidates and "目前没有公示中的人选" in candidates
        assert notice not in home
    elif state == "open":
        assert NOMINEE in candidates and '<span class="tag soon">正在公示</span>' in candidates
        assert "公示已结束" not in candidates
        assert notice in home and notice in honours
    else:
        assert "目前没有公示中的人选" in candidates
        ended = section(candidates, "公示已结束")
        assert NOMINEE in ended and '<time datetime="2026-12-31">2026年12月31日</time>' in ended
        assert notice not in home and notice not in honours
    # the honour roll never shows a candidate, nor its certificate
    assert NOMINEE not in honours
    assert not [p for p in (out / "certificates").iterdir() if p.name.endswith("-clinic")]
    assert not (out / "honors/2026").exists()


# ---------------------------------------------------------------------------- stars of a year's roll


def test_a_year_s_honour_roll_shows_the_stars_held_at_the_end_of_that_year(today_site, tmp_path):
    out = build_on(today_site, BEFORE, tmp_path / "out")
    li_na = '<a href="/v/volunteers/li-na/">李娜</a>'
    # li-na: 12 hours by the end of 2024 (one star at 10), 22 now (two stars at 20)
    roll_2024 = section(page(out, "honors/2024"), "2024年底星级志愿者")
    assert re.search(r"1星志愿者 <small>\(1\)</small></h3>\s*<ul class=\"chips\"><li>" + re.escape(li_na), roll_2024)
    assert "2星志愿者" not in roll_2024
    board_2024 = section(page(out, "honors/2024"), "2024年服务时长榜")
    assert re.search(
        re.escape(li_na) + r'</td><td class="num">12</td><td><span class="stars"><span class="vh">1星志愿者', board_2024
    )
    roll_2025 = section(page(out, "honors/2025"), "2025年底星级志愿者")
    assert re.search(r"2星志愿者 <small>\(1\)</small></h3>\s*<ul class=\"chips\"><li>" + re.escape(li_na), roll_2025)
    today = section(page(out, "honors"), "星级志愿者名录")
    assert re.search(r"2星志愿者 <small>\(1\)</small></h3>\s*<ul class=\"chips\"><li>" + re.escape(li_na), today)
    assert "按目前的累计服务时长评定" in today


def test_a_profile_tells_stars_by_hours_from_a_star_title_awarded(today_site, tmp_path):
    out = build_on(today_site, BEFORE, tmp_path / "out")
    profile = page(out, "volunteers/zhang-wei")
    # 7 hours: no star by hours, and the title 五星志愿者 awarded in 2025
    assert re.search(r'<span class="vh">尚未评星</span>.*?按累计服务时长评定', profile, re.S)
    assert '<p class="star-titles">星级称号（表彰授予）：五星志愿者（2025年）</p>' in profile
    assert "星级称号" not in page(out, "volunteers/li-na")  # 优秀志愿者 is no star title


# ---------------------------------------------------------------------------- the same day, the same bytes


def test_the_same_content_and_the_same_today_build_the_same_bytes(today_site, tmp_path):
    first = tree_digest(build_on(today_site, BEFORE, tmp_path / "one"))
    assert tree_digest(build_on(today_site, BEFORE, tmp_path / "two")) == first
    # and any day up to the next that changes something: 2026-12-04 crosses no date of the site
    assert tree_digest(build_on(today_site, dt.date(2026, 12, 4), tmp_path / "three")) == first


def test_a_new_day_rebuilds_only_when_it_crosses_a_date_the_site_depends_on(today_site):
    def build(day: dt.date):
        result = today_site.build(env=on_day(day))
        assert result.exit_code == 0, result.output
        return result.output

    build(BEFORE)
    assert "nothing changed" in build(BEFORE)
    assert "nothing changed" in build(dt.date(2026, 12, 4))  # crosses nothing
    assert "nothing changed" in build(dt.date(2026, 12, 15))  # the sign-up's last day: still open
    assert "nothing changed" not in build(dt.date(2026, 12, 16))  # the sign-up has closed
    assert "nothing changed" in build(dt.date(2026, 12, 19))
    assert "nothing changed" not in build(AFTER)  # the recruitment is held
    assert "nothing changed" in build(dt.date(2026, 12, 31))
    assert "nothing changed" not in build(dt.date(2027, 1, 1))  # the posting has ended
    assert "nothing changed" in build(dt.date(2030, 1, 1))  # nothing left to turn
    assert "nothing changed" not in build(BEFORE)  # back in time: the site of that day again
    assert stats(today_site.root / "output")["upcoming"] == [UPCOMING]


def test_a_site_with_nothing_that_turns_is_not_built_again_on_a_new_day(site):
    site()  # the base site: one activity, long past; no candidate
    assert "nothing changed" not in site.build(env=on_day(BEFORE)).output
    assert "nothing changed" in site.build(env=on_day(dt.date(2031, 5, 1))).output


# ---------------------------------------------------------------------------- what staff get wrong


def test_a_wrong_source_date_epoch_is_refused_before_anything_is_done(today_site):
    result = today_site.build(env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC" in result.output
    assert "[V041]" in result.output and not (today_site.root / "output").exists()


def test_a_wrong_time_zone_is_a_problem_with_a_suggestion(today_site):
    today_site.write({"site.yaml": SITE["site.yaml"].replace("Asia/Shanghai", "Asia/Shanghia")})
    result = today_site.build(env=on_day(BEFORE))
    assert result.exit_code == 1
    assert "site.yaml:4: 'timezone' must be the name of a time zone such as Asia/Shanghai, not " in result.output
    assert "(did you mean 'Asia/Shanghai'?)" in result.output and "[V040]" in result.output


WRONG_ACTIVITY = """
    id: 2026-12-20-blood
    title: 冬季无偿献血志愿者招募
    date: 2026-12-20
    type: {type}
    hours: 4
    participants: [li-na]
    signup: {signup}
"""


@pytest.mark.parametrize(
    "type_, signup, said",
    [
        (
            "trainning",
            "{slots: 5, contact: 驿站}",
            "'type' must be service or training (培训), not 'trainning' (did you mean 'training'?)",
        ),
        ("service", "[2026-12-15]", "'signup' must be a mapping of until, slots, contact and url, not"),
        (
            "service",
            "{until: 2026-12-32, contact: 驿站}",
            "'signup.until' must be a date like 2024-03-05, not '2026-12-32'",
        ),
        ("service", "{slots: 0, contact: 驿站}", "'signup.slots' is 0: write how many people are wanted"),
        ("service", "{slots: 2.5, contact: 驿站}", "'signup.slots' must be a whole number of 0 or more, not 2.5"),
        (
            "service",
            "{url: wjx.cn/vm/abc}",
            "'signup.url' must be a web address starting with https:// or http://, not 'wjx.cn/vm/abc'",
        ),
    ],
)
def test_a_wrong_type_or_signup_is_a_problem_at_its_line(today_site, type_, signup, said):
    today_site.write({f"content/activities/{UPCOMING}.yaml": WRONG_ACTIVITY.format(type=type_, signup=signup)})
    result = today_site.build(env=on_day(BEFORE))
    assert result.exit_code == 1, result.output
    line = 4 if "'type'" in said else 7
    assert f"content/activities/{UPCOMING}.yaml:{line}: activity '{UPCOMING}': {said}" in result.output


@pytest.mark.parametrize(
    "type_, signup, said, line",
    [
        (
            "service",
            "{until: 2026-12-21, contact: 驿站}",
            "'signup.until' (2026-12-21) is after the activity's date (2026-12-20)",
            7,
        ),
        ("service", "{slots: 5}", "'signup' says neither how nor where to sign up", 7),
        ("service", "{deadline: 2026-12-15, contact: 驿站}", "unknown field 'signup.deadline' is ignored", 7),
        ("培训", "{contact: 驿站}", None, None),  # 培训 is training, in Chinese
    ],
)
def test_a_doubtful_signup_is_a_warning(today_site, type_, signup, said, line):
    today_site.write({f"content/activities/{UPCOMING}.yaml": WRONG_ACTIVITY.format(type=type_, signup=signup)})
    result = today_site.build(env=on_day(BEFORE))
    assert result.exit_code == 0, result.output
    if said is None:
        assert "warning" not in result.output
    else:
        assert f"content/activities/{UPCOMING}.yaml:{line}: warning: activity '{UPCOMING}': {said}" in result.output


def test_people_served_at_a_training_and_points_for_a_training_are_warned_of(today_site):
    training = SITE["content/activities/2025.yaml"].replace(
        "          hours: 8\n", "          hours: 8\n          people_served: 40\n"
    )
    today_site.write(
        {
            "content/activities/2025.yaml": training,
            "content/ledger/ledger.csv": "date,volunteer,hours,activity,points\n"
            "2025-04-10,chen-jing,8,2025-04-10-first-aid,2\n2027-05-01,zhang-wei,3,,\n",
        }
    )
    result = today_site.build(env=on_day(BEFORE))
    assert result.exit_code == 0, result.output
    assert "a training counts no 'people_served': its volunteers were trained, no one was served" in result.output
    assert (
        "content/ledger/ledger.csv:2: warning: ledger row: the row gives 2 points for the training '2025-04-10-first-aid'"
        in result.output
    )
    assert (
        "content/ledger/ledger.csv:3: warning: ledger row: the row is dated 2027-05-01, after today (2026-12-03)"
        in result.output
    )
    figures = stats(today_site.root / "output")
    assert figures["volunteers"]["chen-jing"]["points"] == 0  # a training earns none, whatever the row says
    assert figures["totals"]["people_served"] == 350  # not the training's 40


def test_the_messages_of_today_are_in_the_site_s_language(today_site):
    today_site.write(
        {f"content/activities/{UPCOMING}.yaml": WRONG_ACTIVITY.format(type="trainning", signup="{slots: 0}")}
    )
    result = today_site.build(env={**on_day(BEFORE), **IN_SITE_LANGUAGE})
    assert (
        "'type' 只能写 service（志愿服务）或 training（培训），不能是 'trainning'（是不是想写 'training'？）"
        in result.output
    )
    assert "'signup.slots' 是 0：请写要招募的人数" in result.output


def test_a_hidden_volunteer_s_name_in_a_sign_up_contact_is_a_problem(today_site):
    blood = SITE["content/activities/2026-12-20-blood.yaml"].replace("总队办公室 0510-12345678", "找赵强报名")
    today_site.write({f"content/activities/{UPCOMING}.yaml": blood})
    result = today_site.build(env=on_day(BEFORE))
    assert result.exit_code == 1
    assert f"content/activities/{UPCOMING}.yaml:10:" in result.output and "[V330]" in result.output
