"""Teams' services, team figures and the site's contact (issue 21; SPEC sections 2, 5, 7): /services/
grouped by category with when and how to book, phones as tel: links; a team's 队员累计服务时长 and
本队活动时长 told apart; sibling teams by `order`, then the pinyin of their names; site.yaml
`contact` in every page's footer, on /join/ and the candidates page, its WeChat QR published; team
and site contacts pass the privacy scan, a volunteer's phone does not."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from conftest import image_bytes, on_day

SITE = {
    "site.yaml": """
        title: 服务
        base_url: https://example.org/volunteer/
        contact:
          phone: 0510-85512345
          email: volunteer@example.org
          address: 门诊楼一楼志愿服务驿站
          wechat_qr: media/wechat-qr.png
    """,
    # ids sort otherwise than the tree: by order, then by pinyin (陈 chen < 王 wang < 张 zhang)
    "content/teams/t.yaml": """
        - {id: a-root, name: 总队}
        - {id: b-zhang, name: 张家湾服务队, parent: a-root, category: 医疗义诊}
        - {id: c-wang, name: 王庄服务队, parent: a-root, category: 医疗义诊}
        - {id: d-chen, name: 陈村服务队, parent: a-root, category: 敬老助残}
        - {id: e-first, name: 驿站, parent: a-root, order: 1, category: 导诊服务}
        - {id: f-sub, name: 驿站一组, parent: e-first}
        - {id: z-other, name: 其他队伍, parent: a-root, order: 9}
    """,
    "content/teams/services.yaml": """
        - id: g-station
          name: 便民服务站
          parent: a-root
          order: 2
          address: 门诊楼一楼大厅
          open_hours: 工作日 7:30—17:30
          contact: 驿站电话 0510-85512346，手机 13800001111
          services:
            - name: 轮椅借还
              description: 凭证件登记借用。
              when: 工作日全天
              booking: 电话 13800001111 或 https://example.org/book?x=1&y=2
            - 问询指引
    """,
    "content/volunteers/v.yaml": """
        - {id: li-na, name: 李娜, teams: [f-sub], phone: "13912345678"}
        - {id: wang-fang, name: 王芳, teams: [b-zhang]}
        - {id: zhou-min, name: 周敏, teams: [d-chen]}
    """,
    # f-sub (under e-first): act-1 4h li-na + 2h zhou-min (of d-chen) = 6;
    # d-chen: act-2 3h zhou-min + 1.5h li-na = 4.5; an upcoming and a training count in neither
    "content/activities/a.yaml": """
        - {id: act-1, title: 门诊导诊, date: 2024-03-05, team: f-sub, hours: 4,
           participants: [li-na, {volunteer: zhou-min, hours: 2}]}
        - {id: act-2, title: 敬老院探访, date: 2024-05-01, team: d-chen, hours: 3,
           participants: [zhou-min, {volunteer: li-na, hours: 1.5}]}
        - {id: act-3, title: 培训, date: 2024-06-01, team: f-sub, type: training, hours: 2, participants: [li-na]}
        - {id: act-4, title: 以后的活动, date: 2030-01-01, team: f-sub, hours: 5, participants: [li-na]}
    """,
    "content/ledger/l.csv": "date,volunteer,hours,activity\n2024-03-06,li-na,0.1,\n2024-03-07,wang-fang,0.2,act-1\n",
    "content/pages/join.md": "---\ntitle: 如何加入\ndate: 2024-01-01\nslug: join\n---\n欢迎加入。\n",
    "content/pages/about.md": "---\ntitle: 关于\ndate: 2024-01-01\n---\n关于我们。\n",
    "content/awards/w.yaml": """
        - {id: c-1, title: 优秀志愿者, volunteer: li-na, year: 2024, status: candidate, posting_until: 2024-12-31}
    """,
}
TODAY = dt.date(2024, 12, 1)


def with_services(site, extra: dict | None = None):
    site({**SITE, **(extra or {})}, base=False)
    site.write({"content/media/wechat-qr.png": image_bytes("png", size=(64, 64))})
    return site


@pytest.fixture
def built(site):
    result = with_services(site).build(env=on_day(TODAY))
    return result.built


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def figure(page: str, label: str) -> str:
    found = re.search(rf"<dt>{re.escape(label)}</dt><dd>([^<]*)", page)
    assert found, label
    return found.group(1).strip()


# ---------------------------------------------------------------- /services/


def test_services_lists_every_teams_services_grouped_by_category_with_how_to_book(built):
    page = (built / "services/index.html").read_text()
    assert re.findall(r"<h2>([^<]*)</h2>", page) == ["其他"]  # g-station has no category
    assert "便民服务站" in page and "轮椅借还" in page and "问询指引" in page
    assert "凭证件登记借用。" in page and "工作日全天" in page
    assert '<a href="tel:13800001111">13800001111</a>' in page
    assert '<a href="https://example.org/book?x=1&amp;y=2" rel="noopener">' in page
    assert '<a href="/volunteer/teams/g-station/">便民服务站</a>' in page
    assert "门诊楼一楼大厅" in page and "工作日 7:30—17:30" in page and 'href="tel:051085512346"' in page


def test_services_groups_by_category_in_tree_order_and_the_uncategorised_last(site):
    with_services(
        site,
        {
            "content/teams/more.yaml": """
                - {id: m-1, name: 乙组, parent: a-root, category: 医疗义诊, services: [义诊]}
                - {id: m-2, name: 甲组, parent: a-root, services: [理发]}
                - {id: m-3, name: 丙组, parent: a-root, order: 0, category: 敬老助残, services: [探访]}
                - {id: m-4, name: 丁组, parent: m-3, category: 医疗义诊, services: [量血压]}
            """
        },
    )
    page = (site.build(env=on_day(TODAY)).built / "services/index.html").read_text()
    # tree: m-3 (order 0) › m-4, g-station (order 2), then by pinyin: 甲 jia (m-2), 乙 yi (m-1)
    assert re.findall(r"<h2>([^<]*)</h2>", page) == ["敬老助残", "医疗义诊", "其他"]
    teams = re.findall(r'<h3 class="card-title"><a href="/volunteer/teams/([^/]+)/">', page)
    assert teams == ["m-3", "m-4", "m-1", "g-station", "m-2"]


def test_the_menu_has_services_and_a_site_without_services_says_so_and_has_no_menu_entry(site, built):
    assert 'href="/volunteer/services/"' in (built / "index.html").read_text()
    site({**SITE, "content/teams/services.yaml": None}, base=False)
    site.write({"content/media/wechat-qr.png": image_bytes("png", size=(64, 64))})
    plain = site.build(env=on_day(TODAY)).built
    assert "各队伍还没有登记便民服务。" in (plain / "services/index.html").read_text()
    assert 'href="/volunteer/services/"' not in (plain / "index.html").read_text()


def test_a_team_page_shows_its_station_and_each_service_when_and_booking(built):
    page = (built / "teams/g-station/index.html").read_text()
    assert "<dt>服务地点</dt><dd>门诊楼一楼大厅</dd>" in page
    assert "<dt>开放时间</dt><dd>工作日 7:30—17:30</dd>" in page
    assert '驿站电话 <a href="tel:051085512346">0510-85512346</a>' in page
    assert "<dt>服务时间</dt><dd>工作日全天</dd>" in page
    assert '<dt>预约方式</dt><dd>电话 <a href="tel:13800001111">' in page


# ---------------------------------------------------------------- team figures


def test_team_pages_tell_members_hours_from_the_hours_of_the_teams_activities(built):
    page = (built / "teams/e-first/index.html").read_text()
    # members: li-na, everywhere: 4 + 1.5 + 0.1 = 5.6; activities of e-first and f-sub: act-1 is
    # 4 (li-na) + 2 (zhou-min, of d-chen) + 0.2 (wang-fang's ledger row naming it) = 6.2
    assert figure(page, "队员累计服务时长") == "5.6"
    assert figure(page, "本队活动时长") == "6.2"
    assert "本队活动时长：本队组织的活动中所有参与者的服务时长之和" in page
    chen = (built / "teams/d-chen/index.html").read_text()
    assert figure(chen, "队员累计服务时长") == "5"  # zhou-min: 2 at act-1 + 3
    assert figure(chen, "本队活动时长") == "4.5"  # act-2: 3 + li-na's 1.5
    stats = json.loads((built / "data/stats.json").read_text())
    assert stats["teams"]["e-first"]["activity_hours"] == 6.2
    assert stats["teams"]["e-first"]["hours"] == 5.6  # (the SPEC's key, unchanged)
    assert stats["teams"]["a-root"]["activity_hours"] == 10.7
    assert "各队伍队员累计服务时长" in (built / "stats/index.html").read_text()


def test_teams_follow_order_then_the_pinyin_of_their_names(built):
    page = (built / "teams/index.html").read_text()
    order = re.findall(r'<a href="/volunteer/teams/([^/]+)/">', page)
    # e-first (1) › f-sub, g-station (2), z-other (9); then 陈 chen, 王 wang, 张 zhang
    assert order == ["a-root", "e-first", "f-sub", "g-station", "z-other", "d-chen", "c-wang", "b-zhang"]


# ---------------------------------------------------------------- contact


def test_the_contact_is_in_the_footer_of_every_page(built):
    pages = sorted(built.rglob("index.html")) + [built / "404.html"]
    assert len(pages) > 10
    for path in pages:
        footer = path.read_text().split('<footer class="site-footer">')[1]
        assert '<a href="tel:051085512345">0510-85512345</a>' in footer, path
        assert '<a href="mailto:volunteer@example.org">volunteer@example.org</a>' in footer, path
        assert "门诊楼一楼志愿服务驿站" in footer, path


def test_the_join_page_and_the_candidates_page_give_the_contact_and_the_wechat_qr(built):
    join = (built / "join/index.html").read_text()
    main = join.split('<footer class="site-footer">')[0]
    assert 'class="contact-block"' in main and "联系我们" in main
    assert 'alt="微信扫码关注/联系"' in main and "/volunteer/media/wechat-qr" in main
    assert 'class="contact-block"' not in (built / "about/index.html").read_text()
    candidates = (built / "honors/candidates/index.html").read_text().split('<footer class="site-footer">')[0]
    intro = candidates.index("请向组织方反映")
    assert candidates.index('class="contact-block"') > intro
    assert 'href="tel:051085512345"' in candidates[intro:] and "wechat-qr" in candidates[intro:]
    assert list((built / "media").glob("wechat-qr*.webp")) and (built / "media/wechat-qr.png").is_file()


def test_declared_contacts_pass_the_privacy_scan_and_a_volunteers_phone_does_not(site):
    with_services(site)
    # g-station's mobile 13800001111, in its contact and a service's booking, is public by declaration
    assert site.run("check", str(site.root)).exit_code == 0
    site.write({"content/pages/about.md": "---\ntitle: 关于\ndate: 2024-01-01\n---\n服务站热线 13800001111\n"})
    assert site.run("check", str(site.root)).exit_code == 0
    site.write({"content/pages/about.md": "---\ntitle: 关于\ndate: 2024-01-01\n---\n找李娜：13912345678\n"})
    checked = site.run("check", str(site.root))
    assert checked.exit_code == 1 and "[V611]" in checked.output and "13912345678" not in checked.output


def test_a_wrong_contact_key_and_a_missing_qr_image_are_errors_at_their_site_yaml_lines(site):
    with_services(site)
    site.write(
        {
            "site.yaml": "title: 服务\nbase_url: https://example.org/\ncontact:\n  phone: 0510-1\n"
            "  wechat: 扫码\n  wechat_qr: media/qr.png\n",
        }
    )
    result = site.build()
    assert result.exit_code == 1
    assert "site.yaml:5: 'contact' has 'wechat', which volsite does not know (did you mean 'wechat_qr'?)" in (
        result.output
    )
    assert "site.yaml:6: 'contact.wechat_qr' names the file content/media/qr.png, which does not exist" in (
        result.output
    )


@pytest.mark.parametrize(
    ("service", "code"),
    [
        ("{name: 义诊, booking: [a, b]}", "V254"),
        ("{name: 义诊, whn: 周一}", "V253"),
    ],
)
def test_a_wrong_service_field_is_an_error_naming_file_and_line(site, service, code):
    site(
        {
            "content/teams/x.yaml": f"id: x\nname: 某队\norder: 1\nservices:\n  - {service}\n",
        }
    )
    result = site.build()
    assert result.exit_code == 1 and "content/teams/x.yaml:4: " in result.output and f"[{code}]" in result.output


def test_a_wrong_order_is_an_error_at_its_line(site):
    site({"content/teams/x.yaml": "id: x\nname: 某队\norder: 第一\n"})
    result = site.build()
    assert result.exit_code == 1 and "content/teams/x.yaml:3: " in result.output and "[V209]" in result.output
