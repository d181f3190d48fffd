"""Issue 21, on a phone: the menu in one tap, the 加入我们 button, figures that say whose
hours they are, the monthly chart of the last 24 months, star rolls read once, and the
sharing tags (Open Graph, Twitter card) with whole addresses and no unpublished photo."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

from PIL import Image

from volsite.render.charts import column_chart, last_months

ORIGIN = "https://example.org/volunteer/"


def jpeg(width: int = 800, height: int = 450, colour=(180, 40, 30)) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(data, "JPEG")
    return data.getvalue()


def meta(html: str, name: str) -> list[str]:
    """The content of each <meta property|name="name">."""
    return re.findall(r'<meta (?:property|name)="' + re.escape(name) + r'" content="([^"]*)">', html)


def read(out, path: str) -> str:
    return (out / path / "index.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------ sharing


SHARING = {
    "content/volunteers/people.yaml": """
        - id: zhang-wei
          name: 张伟
          teams: [hq]
          photo: media/people/zhang-wei.jpg
          photo_consent: true
        - id: li-na
          name: 李娜
          teams: [clinic-a]
          photo: media/people/li-na-private.jpg
    """,
    "content/stories/2024-03-05-clinic.md": """
        ---
        title: 义诊的一天
        date: 2024-03-05
        summary: 山里的一天义诊。
        volunteers: [li-na]
        activity: 2024-03-05-clinic
        cover: media/stories/clinic.jpg
        ---
        正文。
    """,
    "content/stories/2024-04-01-plain.md": "---\ntitle: 没有封面的故事\ndate: 2024-04-01\n---\n正文。\n",
}


def sharing_site(site):
    site(SHARING)
    site.write(
        {
            "content/media/people/zhang-wei.jpg": jpeg(600, 600),
            "content/media/people/li-na-private.jpg": jpeg(600, 600, (20, 90, 200)),
            "content/media/stories/clinic.jpg": jpeg(),
        }
    )
    return site.build().built


def test_a_story_with_a_cover_shares_a_large_card_with_its_whole_address(site):
    out = sharing_site(site)
    story = read(out, "stories/clinic")
    assert meta(story, "og:image") == [ORIGIN + "media/stories/clinic.jpg"]
    assert meta(story, "og:image:alt") == ["义诊的一天"]
    assert meta(story, "og:image:width") == ["800"] and meta(story, "og:image:height") == ["450"]
    assert meta(story, "twitter:card") == ["summary_large_image"]
    assert meta(story, "twitter:title") == meta(story, "og:title") == ["义诊的一天 · 测试站"]
    assert meta(story, "twitter:description") == ["山里的一天义诊。"]
    assert meta(story, "og:type") == ["article"]
    assert '<link rel="canonical" href="' + ORIGIN + 'stories/clinic/">' in story
    assert meta(story, "og:url") == [ORIGIN + "stories/clinic/"]
    # without a cover: a small card, no image
    plain = read(out, "stories/plain")
    assert meta(plain, "og:image") == [] and meta(plain, "og:image:alt") == []
    assert meta(plain, "twitter:card") == ["summary"]


def test_a_profile_shares_its_portrait_only_with_photo_consent(site):
    out = sharing_site(site)
    shown = read(out, "volunteers/zhang-wei")
    (image,) = meta(shown, "og:image")
    assert image.startswith(ORIGIN + "media/people/zhang-wei") and image.endswith(".jpg")
    assert meta(shown, "og:image:alt") == ["张伟"] and meta(shown, "og:type") == ["profile"]
    assert meta(shown, "twitter:card") == ["summary_large_image"]
    kept = read(out, "volunteers/li-na")
    assert meta(kept, "og:image") == [] and meta(kept, "twitter:card") == ["summary"]
    assert "li-na-private" not in kept
    assert not list(out.rglob("li-na-private*"))


def test_an_activity_shares_the_cover_of_its_story(site):
    out = sharing_site(site)
    activity = read(out, "activities/2024-03-05-clinic")
    assert meta(activity, "og:image") == [ORIGIN + "media/stories/clinic.jpg"]
    assert meta(activity, "og:image:alt") == ["义诊的一天"]
    assert meta(activity, "twitter:card") == ["summary_large_image"]
    assert meta(activity, "og:type") == ["article"]
    assert meta(activity, "og:description") == ["2024年3月5日 · 组织队伍：医疗一组"]


def test_sharing_addresses_follow_another_base_path(site):
    site(SHARING)
    site.write({"content/media/stories/clinic.jpg": jpeg(), "content/media/people/zhang-wei.jpg": jpeg(600, 600)})
    site.write({"content/media/people/li-na-private.jpg": jpeg(600, 600)})
    out = site.build("--base-url", "https://vol.example.cn/sub/").built
    story = read(out, "stories/clinic")
    assert meta(story, "og:image") == ["https://vol.example.cn/sub/media/stories/clinic.jpg"]
    assert '<link rel="canonical" href="https://vol.example.cn/sub/stories/clinic/">' in story


# ------------------------------------------------------------------ the menu and the hero


def test_the_menu_is_a_button_on_a_phone_and_a_bar_elsewhere_each_marking_the_page(site):
    site()
    out = site.build().built
    page = read(out, "stories")
    phone = re.search(r'<nav class="nav-menu" aria-label="主导航">.*?</nav>', page, re.S).group(0)
    bar = re.search(r'<nav class="site-nav" aria-label="主导航">.*?</nav>', page, re.S).group(0)
    assert page.index(phone) < page.index(bar)  # the CSS hides the bar that follows the button
    assert re.search(r"<details[^>]*>\s*<summary>.*菜单</summary>", phone, re.S)  # its name: 菜单
    links = r'<a href="([^"]*)"( aria-current="page")?>'
    assert re.findall(links, phone) == re.findall(links, bar)
    assert ("/volunteer/stories/", ' aria-current="page"') in re.findall(links, phone)
    assert "<script" not in page


def test_the_home_page_has_a_join_button_when_the_site_has_a_join_page(site):
    site()
    home = read(site.build().built, "")
    assert "hero-join" not in home and "加入我们" not in home
    site.write({"content/pages/join.md": "---\ntitle: 如何加入\ndate: 2024-01-01\n---\n来报名吧。\n"})
    home = read(site.build().built, "")
    hero = re.search(r'<section class="hero">.*?</section>', home, re.S).group(0)
    assert '<a class="button" href="/volunteer/join/">加入我们 →</a>' in hero


# ------------------------------------------------------------------ whose hours


def test_activity_lines_say_whose_hours_they_are(site):
    site(
        {
            "content/activities/a.yaml": """
                id: 2024-03-05-clinic
                title: 山区义诊
                date: 2024-03-05
                team: clinic-a
                hours: 4
                participants: [zhang-wei, {volunteer: li-na, hours: 3}]
                people_served: 120
            """
        }
    )
    out = site.build().built
    profile = read(out, "volunteers/li-na")
    line = re.search(r'<span class="activity-meta">(.*?)</span>\n', profile).group(1)
    assert line == '<strong class="own-hours">我的时长 3 小时</strong> · 本次活动 2 人参加，共 7 小时 · 服务人次 120'
    timeline = read(out, "timeline")
    assert '<span class="activity-meta">2 人参加 · 共 7 小时 · 服务人次 120</span>' in timeline
    assert "我的时长" not in timeline and "我的时长" not in read(out, "teams/clinic-a")


# ------------------------------------------------------------------ /stats/


def test_the_monthly_chart_draws_the_last_24_months_and_its_table_keeps_every_month(site):
    site(
        {
            "content/ledger/2020.csv": "date,volunteer,hours\n2020-01-10,zhang-wei,2\n2020-06-10,li-na,3\n",
            "content/ledger/2023.csv": "date,volunteer,hours\n2023-01-15,li-na,5\n",
        }
    )
    out = site.build().built
    stats = read(out, "stats")
    chart = re.search(r"<h2>每月服务时长</h2>.*?</section>", stats, re.S).group(0)
    svg = re.search(r"<svg.*?</svg>", chart, re.S).group(0)
    assert svg.count("<rect") == 24  # 2022-04 … 2024-03, the months without hours as 0
    assert "2020" not in svg and "2024-03: 8小时" in svg and "2022-04: 0小时" in svg
    assert "图中为最近 24 个月（2022年4月—2024年3月）" in chart
    table = re.search(r"<table.*?</table>", chart, re.S).group(0)
    assert re.findall(r'<th scope="row">([\d-]+)</th>', table) == ["2020-01", "2020-06", "2023-01", "2024-03"]


def test_a_year_without_activity_records_shows_a_dash_and_says_why(site):
    site({"content/ledger/2020.csv": "date,volunteer,hours\n2020-01-10,zhang-wei,2\n"})
    out = site.build().built
    stats = read(out, "stats")
    row = re.search(r'<tr><th scope="row">2020</th>.*?</tr>', stats).group(0)
    cells = re.findall(r'<td class="num">(.*?)</td>', row)
    assert cells[:5] == ["2", '—<span class="vh">无活动记录</span>', "1", "1", '—<span class="vh">无活动记录</span>']
    row = re.search(r'<tr><th scope="row">2024</th>.*?</tr>', stats).group(0)
    assert re.findall(r'<td class="num">(.*?)</td>', row)[:5] == ["8", "1", "2", "2", "120"]
    assert "标“—”的年份没有活动记录：这些年的服务时长来自服务台账。" in stats
    # the open data keeps its numbers: 0 stays 0
    by_year = json.loads((out / "data/stats.json").read_text())["by_year"]
    assert by_year["2020"]["activities"] == 0 and by_year["2024"]["activities"] == 1


def test_last_months_is_a_window_of_calendar_months_ending_at_the_last_record():
    series = {"2023-11": Decimal(1), "2024-02": Decimal(2)}
    assert last_months(series, 3) == [("2023-12", 0), ("2024-01", 0), ("2024-02", Decimal(2))]
    assert last_months(series, 24)[0] == ("2023-11", Decimal(1))  # never before the first record
    assert len(last_months(series, 24)) == 4 and last_months({}, 24) == []
    # the first column's year is left out when a January close after it names the next one
    svg = column_chart(last_months(series, 3), "t")
    assert re.findall(r'class="chart-axis">(\d{4})</text>', svg) == ["2024"]


# ------------------------------------------------------------------ star rolls


def test_a_star_roll_heading_is_read_once(site):
    site({"site.yaml": "title: 测试站\nbase_url: https://example.org/volunteer/\nstars: [1, 2, 3, 4, 5]\n"})
    out = site.build().built
    for page in ("honors", "volunteers"):
        html = read(out, page)
        headings = re.findall(r"<h[23]><span class=\"stars\".*?</h[23]>", html)
        assert headings, page
        for heading in headings:
            assert heading.count("星志愿者") == 1, heading  # the words once; the drawn stars hidden
            assert '<span class="stars" aria-hidden="true">' in heading
