"""/activities/ (upcoming first with how to sign up, past ones by year, category pages as plain
links), an activity's `time`, sign-up on the home page and on an activity's page, and the
iCalendar feed /activities.ics, parsed back with icalendar (SPEC section 5, issue 21)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from conftest import SiteMaker, build_on
from conftest import built_page as page

SITE = {
    "site.yaml": """
        title: 活动测试站
        base_url: https://example.org/v/
        timezone: Asia/Shanghai
    """,
    "content/teams/teams.yaml": """
        - {id: hq, name: 总队}
        - {id: clinic, name: 医疗队, parent: hq}
    """,
    "content/volunteers/people.yaml": """
        - {id: zhang-wei, name: 张伟, teams: [hq]}
        - {id: li-na, name: 李娜, teams: [clinic]}
    """,
    "content/activities/past.yaml": """
        - id: 2024-03-05-clinic
          title: 山区义诊
          date: 2024-03-05
          team: clinic
          category: 医疗义诊
          hours: 4
          participants: [zhang-wei, li-na]
        - id: 2025-06-14-blood
          title: 献血日引导
          date: 2025-06-14
          team: hq
          category: 无偿献血
          hours: 3
          participants: [li-na]
        - id: 2025-04-10-first-aid
          title: 红十字救护员培训
          date: 2025-04-10
          type: training
          team: clinic
          category: 应急救援
          hours: 8
          participants: [li-na]
    """,
    "content/activities/2026-12-20-blood.yaml": """
        id: 2026-12-20-blood
        title: 冬季无偿献血志愿者招募
        date: 2026-12-20
        time: 08:30-11:30
        team: clinic
        category: 无偿献血
        location: 人民广场献血屋
        summary: 招募 **20 名**志愿者，承担引导和茶点服务。
        signup:
          until: 2026-12-15
          slots: 20
          contact: 总队办公室 0510-12345678
          url: https://example.org/signup/blood
    """,
    "content/activities/2027-01-23-station.yaml": """
        id: 2027-01-23-station
        title: 春运火车站服务
        date: 2027-01-23
        end: 2027-01-24
        team: hq
        category: 应急救援
        location: 火车站
    """,
}

BEFORE = dt.date(2026, 12, 3)  # both upcoming; the blood drive's sign-up open
CLOSED = dt.date(2026, 12, 16)  # the sign-up closed, the drive still upcoming
UPCOMING = ("2026-12-20-blood", "2027-01-23-station")


@pytest.fixture
def activities_site(site: SiteMaker) -> SiteMaker:
    site(SITE, base=False)
    return site


def section(html: str, heading: str) -> str:
    found = re.search(r"<section[^>]*>\s*<h2[^>]*>" + re.escape(heading) + r".*?</section>", html, re.S)
    return found.group(0) if found else ""


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def uid(aid: str) -> str:
    """An event's UID, as RFC 7986 suggests: a UUID, here of the activity page's address."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"example.org/v/activities/{aid}/")).upper()


def events(out: Path) -> dict[str, icalendar.Event]:
    """The feed's events by UID."""
    calendar = icalendar.Calendar.from_ical((out / "activities.ics").read_bytes())
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


# ---------------------------------------------------------------------------- /activities/


def test_the_activities_page_lists_upcoming_first_with_their_signup_then_past_ones_by_year(activities_site, tmp_path):
    out = build_on(activities_site, BEFORE, tmp_path / "out")
    html = page(out, "activities")
    soon = section(html, "即将开展")
    past = section(html, "往期活动")
    # upcoming, soonest first, each with date, time, place, slots, deadline and how to sign up
    assert soon.index("activities/2026-12-20-blood/") < soon.index("activities/2027-01-23-station/")
    assert '<time datetime="2026-12-20">2026年12月20日</time> <span class="activity-time">08:30–11:30</span>' in soon
    words = text(soon)
    assert "人民广场献血屋 · 招募 20 人 · 报名截止 2026年12月15日" in words
    assert '<a href="tel:051012345678">0510-12345678</a>' in soon
    assert 'href="https://example.org/signup/blood"' in soon
    # past: newest year first, a jump list of years, the training marked 培训; no upcoming one among them
    assert [y for y in re.findall(r'<h3 id="y(\d{4})"', past)] == ["2025", "2024"]
    assert '<a href="#y2025">2025年</a>' in past
    assert re.search(r"红十字救护员培训</a> <span class=\"tag\">培训</span>", past)
    assert "2026-12-20-blood" not in past and past.index("2025-06-14-blood") < past.index("2024-03-05-clinic")
    # the calendar feed: linked with how to subscribe, and announced in the head of this page only
    assert '<link rel="alternate" type="text/calendar"' in html and 'href="/v/activities.ics"' in html
    assert "订阅到手机日历" in html and "https://example.org/v/activities.ics" in html
    assert "text/calendar" not in page(out, "") and "text/calendar" not in page(out, "timeline")
    # in the menu, and in the sitemap
    assert re.search(r'<a href="/v/activities/" aria-current="page">活动</a>', html)
    assert "<loc>https://example.org/v/activities/</loc>" in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_category_pages_filter_with_plain_links_and_mark_the_current_one(activities_site, tmp_path):
    out = build_on(activities_site, BEFORE, tmp_path / "out")
    everything = page(out, "activities")
    filters = re.search(r'<nav class="filters".*?</nav>', everything, re.S).group(0)
    assert '<a href="/v/activities/" aria-current="page">全部</a>' in filters
    # each category with how many activities it holds (upcoming ones and trainings among them)
    for name, slug, count in (
        ("无偿献血", "wu-chang-xian-xie", 2),
        ("应急救援", "ying-ji-jiu-yuan", 2),
        ("医疗义诊", "yi-liao-yi-zhen", 1),
    ):
        assert f'<a href="/v/activities/category/{slug}/">{name} <small>{count}</small></a>' in filters
        assert (out / f"activities/category/{slug}/index.html").is_file()
    blood = page(out, "activities/category/wu-chang-xian-xie")
    assert "<h1>无偿献血活动</h1>" in blood
    assert '<a href="/v/activities/category/wu-chang-xian-xie/" aria-current="page">无偿献血' in blood
    assert '<a href="/v/activities/">全部</a>' in blood
    assert "activities/2026-12-20-blood/" in section(blood, "即将开展")
    assert "activities/2025-06-14-blood/" in section(blood, "往期活动")
    assert "山区义诊" not in blood and "春运" not in section(blood, "即将开展")
    rescue = page(out, "activities/category/ying-ji-jiu-yuan")
    assert "activities/2027-01-23-station/" in section(rescue, "即将开展")
    assert "红十字救护员培训" in section(rescue, "往期活动")
    assert "<script" not in blood.split("<main", 1)[1]


def test_two_categories_with_one_address_are_an_error(activities_site):
    activities_site.write(
        {"content/activities/more.yaml": "id: x-1\ntitle: 又一次献血\ndate: 2024-05-01\ncategory: wu chang xian xie\n"}
    )
    result = activities_site.build()
    assert result.exit_code == 1
    # told at the first activity of the category sorted second (无偿献血, after the Latin letters)
    assert (
        "content/activities/past.yaml:12: the activity categories 'wu chang xian xie' and '无偿献血'" in result.output
    )
    assert "activities/category/wu-chang-xian-xie/" in result.output


# ---------------------------------------------------------------------------- home and an activity's page


def test_the_home_page_shows_each_upcoming_signup_and_links_to_the_activities_page(activities_site, tmp_path):
    out = build_on(activities_site, BEFORE, tmp_path / "out")
    soon = section(page(out, ""), "即将开展")
    assert "报名截止 2026年12月15日" in text(soon) and "招募 20 人" in text(soon)
    assert "报名：总队办公室 0510-12345678 · 在线报名 →" in text(soon)
    assert '<a href="/v/activities/">全部活动与报名 →</a>' in soon


def test_an_activity_page_shows_its_time_and_signup_while_upcoming(activities_site, tmp_path):
    out = build_on(activities_site, BEFORE, tmp_path / "out")
    html = page(out, "activities/2026-12-20-blood")
    assert '<span class="activity-time">08:30–11:30</span>' in html
    signup = re.search(r'<section class="signup".*?</section>', html, re.S).group(0)
    assert '<dd><a href="tel:051012345678">0510-12345678</a></dd>' not in signup  # the text around it stays
    assert '总队办公室 <a href="tel:051012345678">0510-12345678</a>' in signup
    assert 'href="/v/activities.ics"' in html  # 加入日历
    assert '<p class="crumbs"><a href="/v/activities/">活动</a></p>' in html
    closed = build_on(activities_site, CLOSED, tmp_path / "closed")
    html = page(closed, "activities/2026-12-20-blood")
    assert "报名已截止" in html and "0510-12345678" not in html
    assert "报名已截止" in text(section(page(closed, "activities"), "即将开展"))
    assert "0510-12345678" not in page(closed, "activities")


# ---------------------------------------------------------------------------- time


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("08:30", "08:30"),
        ("'8:30'", "08:30"),
        ("8:30", "08:30"),  # YAML reads it as 510 (minutes): the clock it was written as
        ("14:00", "14:00"),
        ("8:30—11:30", "08:30–11:30"),
        ("08：30～11：30", "08:30–11:30"),
        ("8:30至11:30", "08:30–11:30"),
        ("8:30 到 11:30", "08:30–11:30"),
        ("8:30 ~ 11:30", "08:30–11:30"),
        ("8:30–11:30", "08:30–11:30"),
    ],
)
def test_time_is_read_as_staff_write_it(activities_site, tmp_path, written, shown):
    activities_site.write(
        {"content/activities/2027-01-23-station.yaml": SITE["content/activities/2027-01-23-station.yaml"]}
    )
    path = activities_site.root / "content/activities/2026-12-20-blood.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("time: 08:30-11:30", f"time: {written}"), encoding="utf-8")
    out = build_on(activities_site, BEFORE, tmp_path / "out")
    assert f'<span class="activity-time">{shown}</span>' in page(out, "activities/2026-12-20-blood")


@pytest.mark.parametrize("written", ["25:00", "8点半", "11:30-08:30", "9", "08:30-", "[8, 30]"])
def test_a_bad_time_is_an_error_naming_file_and_line(activities_site, written):
    path = activities_site.root / "content/activities/2026-12-20-blood.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("time: 08:30-11:30", f"time: {written}"), encoding="utf-8")
    result = activities_site.build()
    assert result.exit_code == 1, result.output
    assert "content/activities/2026-12-20-blood.yaml:4:" in result.output
    assert "'time'" in result.output and ("[V225]" in result.output or "[V226]" in result.output)


# ---------------------------------------------------------------------------- the calendar feed


def test_the_calendar_feed_parses_back_with_its_upcoming_events(activities_site, tmp_path):
    out = build_on(activities_site, BEFORE, tmp_path / "out")
    data = (out / "activities.ics").read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")  # CRLF lines
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == "活动测试站"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    found = events(out)
    assert list(found) == [uid(aid) for aid in UPCOMING]  # no past activity; soonest first
    assert b"@" not in data.replace(b"https://example.org/signup/blood", b"")  # no UID shaped like an e-mail
    timed = found[uid("2026-12-20-blood")]
    shanghai = ZoneInfo("Asia/Shanghai")
    assert timed["DTSTART"].dt == dt.datetime(2026, 12, 20, 8, 30, tzinfo=shanghai)
    assert timed["DTEND"].dt == dt.datetime(2026, 12, 20, 11, 30, tzinfo=shanghai)
    assert timed["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert str(timed["SUMMARY"]) == "冬季无偿献血志愿者招募" and str(timed["LOCATION"]) == "人民广场献血屋"
    assert str(timed["URL"]) == "https://example.org/v/activities/2026-12-20-blood/"
    assert [str(c) for c in timed["CATEGORIES"].cats] == ["无偿献血"]
    description = str(timed["DESCRIPTION"])
    assert description.startswith("招募 20 名志愿者，承担引导和茶点服务。")  # the summary as plain text
    assert "报名截止：2026年12月15日" in description and "报名方式：总队办公室 0510-12345678" in description
    assert "在线报名：https://example.org/signup/blood" in description
    assert timed["DTSTAMP"].dt == dt.datetime(2026, 12, 20, tzinfo=dt.timezone.utc)  # from the record, not a clock
    all_day = found[uid("2027-01-23-station")]
    assert all_day["DTSTART"].dt == dt.date(2027, 1, 23) and all_day["DTEND"].dt == dt.date(2027, 1, 25)
    assert all_day["DTSTART"].params.get("VALUE") == "DATE"


def test_the_calendar_is_the_same_bytes_while_no_activity_changes_state(activities_site, tmp_path):
    first = build_on(activities_site, BEFORE, tmp_path / "a").joinpath("activities.ics").read_bytes()
    again = build_on(activities_site, BEFORE, tmp_path / "b").joinpath("activities.ics").read_bytes()
    next_day = build_on(activities_site, BEFORE + dt.timedelta(days=1), tmp_path / "c")
    assert first == again == next_day.joinpath("activities.ics").read_bytes()
    # once the blood drive is held, it leaves the feed; the UID of the other stays the same
    after = build_on(activities_site, dt.date(2026, 12, 21), tmp_path / "d")
    assert list(events(after)) == [uid("2027-01-23-station")]


def test_a_site_with_no_activities_has_an_empty_valid_calendar(site, tmp_path):
    site({rel: text for rel, text in SITE.items() if not rel.startswith("content/activities/")}, base=False)
    out = build_on(site, BEFORE, tmp_path / "out")
    calendar = icalendar.Calendar.from_ical((out / "activities.ics").read_bytes())
    assert calendar.walk("VEVENT") == [] and str(calendar["X-WR-CALNAME"]) == "活动测试站"
    assert calendar.walk("VTIMEZONE")  # a component, as RFC 5545 asks of a calendar
    html = page(out, "activities")
    assert "近期暂无即将开展的活动" in html and "还没有活动记录。" in html
