"""The published site: every page of SPEC section 5, links that resolve, escaping,
languages, theme overrides, feed and sitemap."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from linkcheck import broken_links

from conftest import REPO
from volsite.cli import main

SPEC_PAGES = [
    "index.html",
    "stories/index.html",
    "tags/index.html",
    "volunteers/index.html",
    "teams/index.html",
    "timeline/index.html",
    "honors/index.html",
    "honors/candidates/index.html",
    "stats/index.html",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "data/stats.json",
]


@pytest.fixture
def example(example_output) -> Path:
    return example_output


@pytest.fixture(scope="module")
def at_root(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("root") / "output"
    result = CliRunner().invoke(
        main, ["build", str(REPO), "-o", str(out), "-q", "--base-url", "https://vol.example.cn/"]
    )
    assert result.exit_code == 0, result.output
    return out


def test_every_spec_page_exists(example):
    missing = [p for p in SPEC_PAGES if not (example / p).is_file()]
    assert not missing
    for kind in ("stories", "volunteers", "teams", "activities", "certificates", "tags"):
        assert len([p for p in (example / kind).iterdir() if p.is_dir()]) >= 2, kind
    assert (example / "honors/2025/index.html").is_file()
    assert (example / "volunteers/wang-shufen/hours/index.html").is_file()
    assert (example / "stories/page/2/index.html").is_file()
    assert (example / "about/index.html").is_file() and (example / "join/index.html").is_file()
    assert (example / "media").is_dir()


@pytest.mark.parametrize("which", ["example", "at_root"])
def test_every_internal_link_resolves(which, request):
    out = request.getfixturevalue(which)
    base = "/volunteer/" if which == "example" else "/"
    origin = "https://example.org" if which == "example" else "https://vol.example.cn"
    assert broken_links(out, base, origin) == []


def test_links_honour_the_base_path(example, at_root):
    home = (example / "index.html").read_text()
    assert 'href="/volunteer/stories/"' in home and 'href="/stories/"' not in home
    assert 'href="/stories/"' in (at_root / "index.html").read_text()


def test_no_page_of_a_hidden_volunteer(example):
    hidden = ["sima-hui", "ouyang-xue", "feng-yu", "dong-mei", "kong-fanyu", "lin-yiran"]
    for vid in hidden:
        assert not (example / "volunteers" / vid).exists()
    sitemap = (example / "sitemap.xml").read_text()
    feed = (example / "feed.xml").read_text()
    for vid in hidden:
        assert f"/volunteers/{vid}/" not in sitemap and vid not in feed


def test_hidden_people_appear_masked_and_unlinked(example):
    honors = (example / "honors/index.html").read_text()
    board = honors[honors.index("累计服务时长榜") :]
    assert re.search(r'<span class="masked">司马\*</span>', board)
    assert "司马慧" not in honors


def test_profile_shows_stars_hours_and_next_star(example):
    page = (example / "volunteers/ouyang-min/index.html").read_text()
    assert "3星志愿者" in page and "★★★" in page
    assert re.search(r"距4星还需 [\d.]+ 小时", page)
    assert "/volunteer/volunteers/ouyang-min/hours/" in page


def test_hours_statement_totals_and_disclaimer(example):
    import json

    stats = json.loads((example / "data/stats.json").read_text())
    page = (example / "volunteers/wang-shufen/hours/index.html").read_text()
    total = stats["volunteers"]["wang-shufen"]["hours"]
    assert re.search(rf'<tr class="grand"><th scope="row" colspan="2">合计</th><td class="num">{total:,g}</td>', page)
    assert page.count("<tr><td><time") == 304
    # the example names its issuer (site.yaml statement_issuer); without one the page says it is
    # no official proof (tests/sites/test_statements.py)
    assert "出具单位：澜州市人民医院红马甲志愿服务总队" in page and "不作为正式证明" not in page


def test_certificate_has_every_part_and_prints_a4_landscape(example):
    page = (example / "certificates/2024-xian-jin-ji-ti-emergency-squad/index.html").read_text()
    for part in ("荣誉证书", "应急突击队", "先进集体", "证书编号", "2024"):
        assert part in page
    css = (example / "style.css").read_text()
    assert "size: A4 landscape" in css


def test_team_page_rolls_up_and_lists_the_menu(example):
    import json

    stats = json.loads((example / "data/stats.json").read_text())
    page = (example / "teams/red-vest/index.html").read_text()
    assert f"<dd>{stats['teams']['red-vest']['members']}</dd>" in page
    assert "服务菜单" in page and "下级队伍" in page


def test_timeline_is_newest_first(example):
    page = (example / "timeline/index.html").read_text()
    soon, held = page.split('<nav class="year-nav"', 1)  # 即将开展 first (soonest first), then the years
    pattern = r'<span class="activity-date"><time datetime="(\d{4}-\d\d-\d\d)"'
    upcoming, dates = re.findall(pattern, soon), re.findall(pattern, held)
    assert len(upcoming) >= 2 and upcoming == sorted(upcoming)
    assert len(dates) >= 30 and dates == sorted(dates, reverse=True) and dates[0] < upcoming[0]


def test_stats_page_has_charts_with_tables(example):
    page = (example / "stats/index.html").read_text()
    assert page.count('<svg class="chart"') == 4
    assert page.count("<details><summary>数据表</summary>") == 4


def test_feed_and_sitemap_are_well_formed(example):
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(example / "feed.xml").getroot()
    entries = feed.findall(f"{atom}entry")
    assert 1 <= len(entries) <= 20
    ids = [e.find(f"{atom}id").text for e in entries]
    # stories and notices (通知公告), newest first
    assert all(
        i.startswith(("https://example.org/volunteer/stories/", "https://example.org/volunteer/notices/")) for i in ids
    )
    assert any("/notices/" in i for i in ids) and any("/stories/" in i for i in ids)
    published = [e.find(f"{atom}published").text for e in entries]
    assert published == sorted(published, reverse=True)
    sitemap = ET.parse(example / "sitemap.xml").getroot()
    locs = [u.find("{http://www.sitemaps.org/schemas/sitemap/0.9}loc").text for u in sitemap]
    assert "https://example.org/volunteer/" in locs and all(
        loc.startswith("https://example.org/volunteer/") for loc in locs
    )
    assert not any("404" in loc for loc in locs)
    assert "Sitemap: https://example.org/volunteer/sitemap.xml" in (example / "robots.txt").read_text()


def test_drafts_are_not_published(example):
    assert "draft" not in " ".join(p.name for p in (example / "stories").iterdir())
    drafts = [p for p in (REPO / "content/stories").rglob("*.md") if "draft: true" in p.read_text(encoding="utf-8")]
    assert drafts
    for draft in drafts:
        title = re.search(r"^title: *(.+)$", draft.read_text(encoding="utf-8"), re.M).group(1).strip()
        assert title not in (example / "stories/index.html").read_text()


# ------------------------------------------------------------- small sites


def test_record_text_is_escaped_everywhere(site):
    evil = "<script>alert(1)</script>&"
    site(
        {
            "content/teams/teams.yaml": f"""
            - {{id: hq, name: "{evil}", lead: zhang-wei, category: "{evil}"}}
            - {{id: clinic, name: 流动医疗队, parent: hq}}
            - {{id: clinic-a, name: 医疗一组, parent: clinic}}
          """,
            "content/stories/2024-03-05-clinic.md": f"---\ntitle: '{evil}'\ndate: 2024-03-05\nsummary: '{evil}'\ntags: ['{evil}']\nteams: [hq]\n---\n正文\n",
        }
    )
    result = site.build()
    assert result.exit_code == 0, result.output
    for path in result.out.rglob("*"):
        if path.suffix in (".html", ".xml"):
            assert "<script>alert" not in path.read_text(), path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in (result.out / "teams/hq/index.html").read_text()


def test_english_site(site):
    site({"site.yaml": "title: Red Vests\nlanguage: en\n"})
    out = site.build().built
    home = (out / "index.html").read_text()
    assert '<html lang="en">' in home and "Latest stories" in home
    assert "5 March 2024" in (out / "stories/clinic/index.html").read_text()


def test_chinese_dates_and_lang(site):
    site()
    page = (site.build().built / "stories/clinic/index.html").read_text()
    assert '<html lang="zh-CN">' in page and "2024年3月5日" in page


def test_site_theme_overrides_one_template_and_one_asset(site):
    site(
        {
            "themes/default/templates/404.html": "{% extends 'base.html' %}{% block main %}OWN 404{% endblock %}",
            "themes/default/static/style.css": "/* own */",
        }
    )
    out = site.build().built
    assert "OWN 404" in (out / "404.html").read_text()
    assert (out / "style.css").read_text() == "/* own */"
    assert "流动医疗队" in (out / "teams/index.html").read_text()  # the rest falls back to the default
    assert (out / "favicon.svg").is_file()


def test_named_theme_falls_back_to_default(site):
    site(
        {
            "site.yaml": "title: x\ntheme: civic\n",
            "themes/civic/templates/home.html": "{% extends 'base.html' %}{% block main %}CIVIC{% endblock %}",
        }
    )
    out = site.build().built
    assert "CIVIC" in (out / "index.html").read_text()
    assert (out / "stories/clinic/index.html").is_file()


def test_missing_theme_is_an_error(site):
    site({"site.yaml": "title: x\ntheme: nowhere\n"})
    result = site.build()
    assert result.exit_code == 1 and "theme 'nowhere'" in result.output


def test_broken_template_names_its_file_and_line(site):
    site(
        {
            "themes/default/templates/404.html": "{% extends 'base.html' %}\n{% block main %}\n{{ nothing.here }}\n{% endblock %}"
        }
    )
    result = site.build()
    assert result.exit_code == 1
    assert re.search(r"themes/default/templates/404\.html:3: template error while rendering 404\.html", result.output)


def test_page_slug_that_collides_with_a_section_is_an_error(site):
    site({"content/pages/x.md": "---\ntitle: 故事\ndate: 2024-01-01\nslug: stories\n---\n正文\n"})
    result = site.build()
    assert result.exit_code == 1 and "content/pages/x.md:4: page slug 'stories'" in result.output


def test_certificate_only_for_public_recipients(site):
    site(
        {
            "content/volunteers/more.yaml": "id: hidden-one\nname: 隐藏者\npublic: false\n",
            "content/awards/a.yaml": "- {title: 优秀志愿者, volunteer: hidden-one, year: 2024}\n"
            "- {title: 优秀志愿者, volunteer: li-na, year: 2024}\n",
        }
    )
    out = site.build().built
    assert (out / "certificates/2024-you-xiu-zhi-yuan-zhe-li-na/index.html").is_file()
    assert not (out / "certificates/2024-you-xiu-zhi-yuan-zhe-hidden-one").exists()
    assert "隐藏者" not in (out / "honors/2024/index.html").read_text()
    assert "隐*" in (out / "honors/2024/index.html").read_text()


def test_base_url_without_host_warns(site):
    site({"site.yaml": "title: x\nbase_url: /volunteer/\n"})
    result = site.build()
    assert result.exit_code == 0
    assert "site.yaml: warning: base_url '/volunteer/' has no host" in result.output


def test_tag_pages_are_paginated(site):
    stories = {
        f"content/stories/s{i:02d}.md": f"---\ntitle: 第{i}篇\ndate: 2024-01-{i:02d}\ntags: [义诊]\n---\n正文\n"
        for i in range(1, 26)
    }
    site({"site.yaml": "title: x\nbase_url: https://example.org/\npagination: 10\n", **stories}, base=False)
    out = site.build().built
    first, third = (out / "tags/yi-zhen/index.html").read_text(), (out / "tags/yi-zhen/page/3/index.html").read_text()
    assert "第25篇" in first and "第15篇" not in first and 'href="/tags/yi-zhen/page/2/"' in first
    assert "第5篇" in third and 'href="/tags/yi-zhen/page/2/"' in third
    assert not (out / "tags/yi-zhen/page/4").exists()


def test_a_cover_carries_its_own_size_so_the_page_does_not_jump(example, site):
    page = (example / "stories/heat-wave-station/index.html").read_text()
    # (in a <picture>: its srcset and sizes come between src and the size)
    assert re.search(
        r'<img class="cover" src="/volunteer/media/stories/heat-wave.jpg" [^>]*width="1200" height="630"', page
    )
    import io

    from PIL import Image

    portrait = io.BytesIO()
    Image.new("RGB", (300, 500), (200, 30, 30)).save(portrait, format="PNG")
    site(
        {
            "content/media/tall.png": portrait.getvalue(),
            "content/media/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
            "content/stories/2024-04-01-tall.md": "---\ntitle: 竖图\ndate: 2024-04-01\ncover: media/tall.png\n---\n正文。\n",
            "content/stories/2024-04-02-svg.md": "---\ntitle: 矢量\ndate: 2024-04-02\ncover: media/logo.svg\n---\n正文。\n",
        }
    )
    out = site.build().built
    assert re.search(
        r'src="/volunteer/media/tall.png" [^>]*width="300" height="500"', (out / "stories/tall/index.html").read_text()
    )
    # an image Pillow cannot measure keeps the default 16:9 box
    assert (
        'src="/volunteer/media/logo.svg" alt="" width="1280" height="720"'
        in (out / "stories/svg/index.html").read_text()
    )


def _menu(page: Path) -> list[tuple[str, bool]]:
    """The menu of a page: each entry's link, and whether it is marked as where the page is."""
    nav = re.search(r'<nav class="site-nav".*?</nav>', page.read_text(encoding="utf-8"), re.S).group(0)
    return [(href, bool(current)) for href, current in re.findall(r'<a href="([^"]*)"( aria-current="page")?', nav)]


def test_the_menu_marks_the_section_a_page_is_in(example, at_root):
    def current(page: Path) -> list[str]:
        return [href for href, marked in _menu(page) if marked]

    assert current(example / "index.html") == ["/volunteer/"]  # home: only the home entry
    assert current(example / "stories/index.html") == ["/volunteer/stories/"]
    story = next((example / "stories").glob("*/index.html"))
    assert current(story) == ["/volunteer/stories/"]  # a page under a section marks it, not home
    assert current(example / "honors/candidates/index.html") == ["/volunteer/honors/"]
    assert current(example / "404.html") == []
    # links follow the base path; the marks do not depend on it
    assert [href for href, _ in _menu(at_root / "stories/index.html")][:2] == ["/", "/activities/"]
    assert current(at_root / "stories/index.html") == ["/stories/"]


def test_a_pages_title_and_summary_are_also_its_sharing_title_and_description(example):
    text = next((example / "stories").glob("*/index.html")).read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", text).group(1)
    description = re.search(r'<meta name="description" content="([^"]*)"', text).group(1)
    assert re.search(r'<meta property="og:title" content="([^"]*)"', text).group(1) == title.strip()
    assert re.search(r'<meta property="og:description" content="([^"]*)"', text).group(1) == description.strip()
    assert " · " in title and description  # the story's own title before the site's, and its summary
