"""Notices (通知公告, content/notices/, SPEC sections 3 and 5): /notices/ with those pinned today
first, each notice's page, pinned notices on the home page until their `until`, the feed, the
sitemap, drafts, bad front matter and the hidden-name check, on small sites built for given days."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import IN_SITE_LANGUAGE, SiteMaker, build_on, moment_of, on_day
from conftest import built_page as page
from volsite.pipeline import load_site
from volsite.problems import ContentError

TODAY = dt.date(2026, 12, 3)

NOTICES = {
    # pinned, and on the home page until 12-15
    "content/notices/2026-11-28-冬季献血招募.md": """
        ---
        title: 冬季无偿献血志愿者招募
        date: 2026-11-28
        summary: 招募 30 名志愿者。
        teams: [clinic]
        activity: 2024-03-05-clinic
        author: 总队办公室
        pinned: true
        until: 2026-12-15
        ---
        冬季是血液供应的淡季，请踊跃报名献血服务。
    """,
    # pinned, but past its until: listed among the others, and not on the home page
    "content/notices/2026-11-10-aed.md": """
        ---
        title: AED 培训通知
        date: 2026-11-10
        pinned: true
        until: 2026-11-30
        ---
        请按时到岗。
    """,
    # ordinary, and the newest
    "content/notices/2026-12-01-hours.md": """
        ---
        title: 驿站冬季服务时间调整
        date: 2026-12-01
        ---
        早班提前到七点半。
    """,
    # ordinary, the oldest
    "content/notices/2026-10-01-holiday.md": """
        ---
        title: 国庆假期服务安排
        date: 2026-10-01
        ---
        假期照常服务。
    """,
}

SLUG = "dong-ji-xian-xie-zhao-mu"  # the pinyin of the file name, without its date


@pytest.fixture
def notices_site(site: SiteMaker) -> SiteMaker:
    site(NOTICES)
    return site


def titles(html: str) -> list[str]:
    """The notices a page lists, in order."""
    return re.findall(r'class="notice-title"><a href="[^"]*">([^<]*)</a>', html)


def home_notices(html: str) -> str:
    found = re.search(r'<section class="section home-notices".*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_the_list_has_those_pinned_today_first_then_the_newest(notices_site, tmp_path):
    out = build_on(notices_site, TODAY, tmp_path / "out")
    listed = page(out, "notices")
    assert titles(listed) == ["冬季无偿献血志愿者招募", "驿站冬季服务时间调整", "AED 培训通知", "国庆假期服务安排"]
    # only the one pinned today is marked so; the one past its until is an ordinary notice now
    assert listed.count('<span class="tag pinned">置顶</span>') == 1
    assert re.search(r"冬季无偿献血志愿者招募</a> <span class=\"tag pinned\">置顶</span>", listed)
    # after 12-15 no notice is pinned: newest first
    later = build_on(notices_site, dt.date(2026, 12, 16), tmp_path / "later")
    assert titles(page(later, "notices")) == [
        "驿站冬季服务时间调整",
        "冬季无偿献血志愿者招募",
        "AED 培训通知",
        "国庆假期服务安排",
    ]
    assert "置顶" not in page(later, "notices")


def test_each_notice_has_its_page_with_its_links_and_a_way_back(notices_site, tmp_path):
    out = build_on(notices_site, TODAY, tmp_path / "out")
    notice = page(out, f"notices/{SLUG}")
    assert "<h1>冬季无偿献血志愿者招募</h1>" in notice
    assert '<time datetime="2026-11-28">2026年11月28日</time> · 总队办公室' in notice
    assert "冬季是血液供应的淡季" in notice
    assert '<a href="/volunteer/teams/clinic/">流动医疗队</a>' in notice
    assert '<a href="/volunteer/activities/2024-03-05-clinic/">山区义诊</a>' in notice
    assert '<a href="/volunteer/notices/">← 返回通知公告</a>' in notice
    assert "置顶至 2026年12月15日" in notice
    # shared as an article, like a story
    assert '<meta property="og:type" content="article">' in notice
    # searchable: its body is what Pagefind indexes
    assert "data-pagefind-body" in notice and "data-pagefind-body" not in page(out, "notices")
    # a notice past its until keeps its page
    assert "请按时到岗" in page(out, "notices/aed")
    # the menu has 通知公告
    assert re.search(r'<a[^>]*href="/volunteer/notices/"[^>]*>通知公告</a>', page(out, ""))


def test_the_home_page_shows_the_pinned_notices_until_their_until(notices_site, tmp_path):
    before = home_notices(page(build_on(notices_site, TODAY, tmp_path / "a"), ""))
    assert titles(before) == ["冬季无偿献血志愿者招募"]
    assert '<a href="/volunteer/notices/">全部通知公告 →</a>' in before
    # its until is the last day it is there
    on_until = home_notices(page(build_on(notices_site, dt.date(2026, 12, 15), tmp_path / "b"), ""))
    assert titles(on_until) == ["冬季无偿献血志愿者招募"]
    after = page(build_on(notices_site, dt.date(2026, 12, 16), tmp_path / "c"), "")
    assert home_notices(after) == "" and "home-notices" not in after
    # above 即将开展 and the stories, below the headline figures
    home = page(tmp_path / "a", "")
    assert home.index('class="hero"') < home.index("home-notices") < home.index("最新故事")


def test_a_notice_leaving_the_home_page_is_a_day_the_site_changes(notices_site):
    site = load_site(notices_site.root, moment=moment_of(TODAY))
    assert dt.date(2026, 12, 16) in site.model.turning_days and dt.date(2026, 12, 1) in site.model.turning_days
    # the site of today is the site of every day up to the until, and not of the day after
    assert site.alike[1] == dt.date(2026, 12, 15)


def test_the_feed_has_notices_and_stories_newest_first(notices_site, tmp_path):
    out = build_on(notices_site, TODAY, tmp_path / "out")
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ET.parse(out / "feed.xml").getroot().findall(f"{atom}entry")
    ids = [e.find(f"{atom}id").text for e in entries]
    assert ids == [
        "https://example.org/volunteer/notices/hours/",
        f"https://example.org/volunteer/notices/{SLUG}/",
        "https://example.org/volunteer/notices/aed/",
        "https://example.org/volunteer/notices/holiday/",
        "https://example.org/volunteer/stories/clinic/",
    ]
    first = entries[0]
    assert first.find(f"{atom}title").text == "驿站冬季服务时间调整"
    assert "早班提前到七点半" in first.find(f"{atom}content").text
    assert ET.parse(out / "feed.xml").getroot().find(f"{atom}updated").text == "2026-12-01T00:00:00Z"


def test_the_sitemap_has_the_notices(notices_site, tmp_path):
    out = build_on(notices_site, TODAY, tmp_path / "out")
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/volunteer/notices/</loc>" in sitemap
    assert f"<loc>https://example.org/volunteer/notices/{SLUG}/</loc><lastmod>2026-11-28</lastmod>" in sitemap


def test_many_notices_are_paginated(site, tmp_path):
    site(
        {
            "site.yaml": "title: 测试站\nbase_url: https://example.org/volunteer/\npagination: 2\n",
            **NOTICES,
        }
    )
    out = build_on(site, TODAY, tmp_path / "out")
    assert titles(page(out, "notices")) == ["冬季无偿献血志愿者招募", "驿站冬季服务时间调整"]
    assert titles(page(out, "notices/page/2")) == ["AED 培训通知", "国庆假期服务安排"]
    assert 'href="/volunteer/notices/page/2/"' in page(out, "notices")


def test_a_site_without_notices_says_so_on_its_notices_page_and_has_no_menu_entry(site, tmp_path):
    site()
    out = build_on(site, TODAY, tmp_path / "out")
    assert "暂无通知公告。" in page(out, "notices")  # SPEC 5 names /notices/: it is there, empty
    assert "notices/" not in page(out, "")


def test_a_draft_notice_is_built_only_with_drafts(site, tmp_path):
    site(
        {
            "content/notices/plan.md": "---\ntitle: 草稿通知\ndate: 2026-11-30\npinned: true\ndraft: true\n---\n未定稿。\n",
            "content/notices/done.md": "---\ntitle: 正式通知\ndate: 2026-11-01\n---\n正文。\n",
        }
    )
    out = build_on(site, TODAY, tmp_path / "out")
    assert not (out / "notices/plan").exists() and "草稿通知" not in page(out, "notices")
    assert "草稿通知" not in page(out, "") and "草稿通知" not in (out / "feed.xml").read_text(encoding="utf-8")
    result = site.build("-o", str(tmp_path / "drafts"), "-q", "--drafts", env=on_day(TODAY))
    assert result.exit_code == 0, result.output
    assert "草稿通知" in page(tmp_path / "drafts", "notices/plan")


def test_bad_pinned_and_until_are_errors_at_their_file_and_line(site):
    site(
        {
            "content/notices/a.md": "---\ntitle: 通知\ndate: 2026-11-30\npinned: 也许\nuntil: 下周\n---\n正文。\n",
            # a story is not a notice: pinned is not one of its fields
            "content/stories/s.md": "---\ntitle: 故事\ndate: 2026-11-30\npinned: true\n---\n正文。\n",
        }
    )
    result = site.build()
    assert result.exit_code == 1
    assert "content/notices/a.md:4: notice: 'pinned' must be true or false, not '也许'" in result.output
    assert "content/notices/a.md:5: notice: 'until' must be a date like 2024-03-05, not '下周'" in result.output
    assert re.search(r"content/stories/s\.md:4: .*'pinned'", result.output), result.output


def test_until_that_does_nothing_is_a_warning(site):
    site(
        {
            "content/notices/a.md": "---\ntitle: 通知\ndate: 2026-11-30\nuntil: 2026-12-31\n---\n正文。\n",
            "content/notices/b.md": "---\ntitle: 通知二\ndate: 2026-11-30\npinned: true\nuntil: 2026-11-01\n---\n",
        }
    )
    result = site.build(env=on_day(TODAY))
    assert result.exit_code == 0, result.output
    assert "content/notices/a.md:4: warning: notice: 'until' says until when a pinned notice" in result.output
    assert "content/notices/b.md:5: warning: notice: 'until' (2026-11-01) is before the notice's date" in (
        result.output
    )
    # in the site's language
    chinese = site.build(env={**on_day(TODAY), **IN_SITE_LANGUAGE})
    assert "这条通知没有置顶" in chinese.output and "通知：" in chinese.output


def test_what_a_notice_names_must_exist(site):
    site({"content/notices/a.md": "---\ntitle: 通知\ndate: 2026-11-30\nteams: [nowhere]\n---\n正文。\n"})
    result = site.build()
    assert result.exit_code == 1
    assert "content/notices/a.md:4: notice 'a': 'teams' names a team 'nowhere', which does not exist" in result.output


def test_a_hidden_volunteers_name_in_a_notice_is_caught_as_in_a_story(site):
    site(
        {
            "content/volunteers/hidden.yaml": "id: wang-fang\nname: 王芳\npublic: false\nteams: [hq]\n",
            "content/notices/thanks.md": "---\ntitle: 表扬通知\ndate: 2026-11-30\n---\n\n感谢王芳的付出。\n",
        }
    )
    with pytest.raises(ContentError) as raised:
        load_site(site.root, moment=moment_of(TODAY))
    found = [p for p in raised.value.problems if p.path == "content/notices/thanks.md"]
    assert found and found[0].line == 6 and "王*" in found[0].message and "王芳" not in found[0].message


def test_a_notice_naming_a_hidden_volunteer_is_warned_of_and_masks_the_name(site, tmp_path):
    site(
        {
            "content/volunteers/hidden.yaml": "id: wang-fang\nname: 王芳\npublic: false\nteams: [hq]\n",
            "content/notices/thanks.md": "---\ntitle: 表扬通知\ndate: 2026-11-30\nvolunteers: [wang-fang, li-na]\n---\n正文。\n",
        }
    )
    result = site.build("-o", str(tmp_path / "out"), env=on_day(TODAY))
    assert result.exit_code == 0, result.output
    assert "content/notices/thanks.md:4: warning: notice 'thanks' names 'wang-fang', who is not public" in (
        result.output
    )
    notice = page(tmp_path / "out", "notices/thanks")
    assert "王*" in notice and "王芳" not in notice and '<a href="/volunteer/volunteers/li-na/">李娜</a>' in notice
