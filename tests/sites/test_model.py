"""The model and stats.json of small sites whose figures are worked out by hand."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from PIL import Image

from conftest import image_bytes, output_texts, tree_digest
from volsite.model.figures import stats_json
from volsite.pipeline import load_site

TREE_SITE = {
    "site.yaml": "title: 树\nbase_url: /\nstars: [10, 20]\npoints: {per_record: 2}\n",
    "content/teams/t.yaml": """
        - {id: hq, name: 党委, lead: a}
        - {id: b1, name: 第一支部, parent: hq}
        - {id: b2, name: 第二支部, parent: hq}
        - {id: g1, name: 第一小组, parent: b1}
    """,
    "content/volunteers/v.yaml": """
        - {id: a, name: 张伟, teams: [hq]}
        - {id: b, name: 李娜, teams: [b1, b2]}
        - {id: c, name: 欧阳娜娜, teams: [g1], public: false}
        - {id: d, name: 王小明, teams: [g1], minor: true}
        - {id: e, name: 赵六, teams: g1, minor: true, guardian_consent: true}
    """,
    "content/activities/a.yaml": """
        - id: act-1
          title: 义诊
          date: 2023-12-30
          end: 2024-01-02
          team: g1
          hours: 5
          participants: [c, d, {volunteer: b, hours: 30}]
          people_served: 100
        - id: act-2
          title: 献血
          date: 2024-05-01
          teams: [b2]
          hours: 0.1
          participants: [b, e]
          people_served: 7
    """,
    "content/ledger/l.csv": "日期,志愿者编号,时长,积分\n2024/1/5,a,0.2,\n2024/1/6,a,9.7,5\n2025.2.1,c,3,\n",
    "content/awards/w.yaml": """
        - {title: 优秀志愿者, volunteer: b, year: 2024, level: 市级}
        - {title: 先进集体, team: b1, date: 2024-12-01}
        - {title: 优秀志愿者, volunteer: a, date: 2026-11-20, status: candidate, posting_until: 2026-12-05}
    """,
    "content/stories/s.md": "---\ntitle: 一\ndate: 2024-01-03\nvolunteers: [b]\nteams: [g1]\nactivity: act-1\n---\n正文\n",
    "content/stories/d.md": "---\ntitle: 草稿\ndate: 2024-01-04\ndraft: true\n---\n草稿\n",
}


@pytest.fixture
def tree(site):
    site(TREE_SITE, base=False)
    return load_site(site.root)


def test_stats_json_matches_hand_worked_figures(tree):
    stats = stats_json(tree.model, tree.figures)
    # measures: this site declares none (tests/sites/test_measures.py sums them), so each is {}
    assert stats.pop("measures") == {}
    for entry in [*stats["by_year"].values(), *stats["teams"].values()]:
        assert entry.pop("measures") == {}
    # hours: act-1 c5 d5 b30; act-2 b0.1 e0.1; ledger a0.2 a9.7 c3 = 53.1
    assert stats["totals"] == {
        "volunteers": 5,
        "teams": 4,
        "activities": 2,
        "stories": 1,
        "awards": 2,
        "hours": 53.1,
        "people_served": 107,
    }
    assert stats["stars"] == {"1": 0, "2": 1}  # a 9.9 → 0; b 30.1 → 2; c 8; d 5; e 0.1
    assert stats["by_year"] == {
        "2023": {"hours": 40.0, "activities": 1, "active_volunteers": 3, "training_hours": 0.0},
        "2024": {"hours": 10.1, "activities": 1, "active_volunteers": 3, "training_hours": 0.0},
        "2025": {"hours": 3.0, "activities": 0, "active_volunteers": 1, "training_hours": 0.0},
    }
    # activity_hours (an added key): the hours at the activities each organised, whoever served:
    # act-1 (g1) 40, act-2 (b2) 0.2, where b (of b1 and b2) and e (of g1) served
    activity_hours = {team: entry.pop("activity_hours") for team, entry in stats["teams"].items()}
    assert activity_hours == {"hq": 40.2, "b1": 40.0, "b2": 0.2, "g1": 40.0}
    assert stats["teams"] == {
        # hq: everyone once (b is in two sub-teams): 53.1; activities act-1 (g1) and act-2 (b2)
        "hq": {"hours": 53.1, "members": 5, "activities": 2, "training_hours": 0.0},
        "b1": {"hours": 30.1 + 8 + 5 + 0.1, "members": 4, "activities": 1, "training_hours": 0.0},
        "b2": {"hours": 30.1, "members": 1, "activities": 1, "training_hours": 0.0},
        "g1": {"hours": 13.1, "members": 3, "activities": 1, "training_hours": 0.0},
    }
    # only public volunteers by id: not c (public: false), not d (minor without consent)
    assert stats["volunteers"] == {
        "a": {"hours": 9.9, "stars": 0, "points": 7},
        "b": {"hours": 30.1, "stars": 2, "points": 4},
        "e": {"hours": 0.1, "stars": 0, "points": 2},
    }
    assert stats["upcoming"] == []  # every activity is held (tests/sites/test_today.py has upcoming ones)


def test_hours_are_exact_decimals(tree):
    assert tree.figures.volunteers["a"].hours == Decimal("9.9")
    assert tree.figures.totals.hours == Decimal("53.1")
    assert tree.figures.volunteers["a"].to_next_star == Decimal("0.1")


def test_references_go_both_ways(tree):
    m = tree.model
    assert m.stories_by_volunteer["b"] == ("s",)
    assert m.stories_by_team["g1"] == ("s",)
    assert m.story_of_activity["act-1"] == "s"
    assert m.activities_by_volunteer["b"] == ("act-1", "act-2")
    assert m.activities_by_team == {"b2": ("act-2",), "g1": ("act-1",)}
    # sub-teams by the pinyin of their names (no `order`): 第二 di er before 第一 di yi
    assert m.team_children == {"b1": ("g1",), "hq": ("b2", "b1")}
    assert m.team_members["g1"] == ("c", "d", "e")
    assert m.subtree("hq") == ("hq", "b2", "b1", "g1")
    assert set(m.awards_by_volunteer) == {"a", "b"}
    assert m.awards_by_team["b1"] == ("2024-xian-jin-ji-ti-b1",)


def test_private_people_are_masked_and_have_no_id(tree):
    people = tree.model.people
    assert (people["c"].id, people["c"].name, people["c"].public) == (None, "欧阳**", False)
    assert (people["d"].id, people["d"].name) == (None, "王**")
    assert (people["e"].id, people["e"].name) == ("e", "赵六")


def test_drafts_are_left_out_unless_asked(site):
    site(TREE_SITE, base=False)
    assert set(load_site(site.root).model.stories) == {"s"}
    assert set(load_site(site.root, drafts=True).model.stories) == {"s", "d"}


def test_require_consent_masks_those_without_consent(site):
    site(
        {
            **TREE_SITE,
            "site.yaml": "title: 树\nprivacy: {require_consent: true}\n",
            "content/volunteers/v.yaml": "- {id: a, name: 张伟, consent: true}\n- {id: b, name: 李娜}\n"
            "- {id: c, name: 王五, consent: false}\n- {id: d, name: 赵六}\n- {id: e, name: 钱七}\n",
        },
        base=False,
    )
    people = load_site(site.root).model.people
    assert [(p.id, p.name) for p in people.values()] == [
        ("a", "张伟"),
        (None, "李*"),
        (None, "王*"),
        (None, "赵*"),
        (None, "钱*"),
    ]


def test_multi_day_activity_counts_in_its_start_year(tree):
    assert tree.figures.years[2023].hours == Decimal(40)


def test_build_writes_stats_json_and_is_byte_identical(site, tmp_path):
    site(TREE_SITE, base=False)
    first = site.build("-o", str(tmp_path / "one"))
    second = site.build("-o", str(tmp_path / "two"))
    assert first.exit_code == second.exit_code == 0
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")
    stats = json.loads((tmp_path / "one/data/stats.json").read_text())
    assert stats["totals"]["hours"] == 53.1


def test_non_public_names_and_ids_never_reach_output(site):
    site(TREE_SITE, base=False)
    result = site.build()
    assert result.exit_code == 0
    texts = output_texts(result.out)
    assert any(name.startswith("pagefind/fragment/") for name in texts)  # the index is scanned too
    for name, text in texts.items():
        for secret in ("欧阳娜娜", "王小明", '"c"', '"d"', "volunteers/c/", "volunteers/d/"):
            assert secret not in text, f"{secret} in {name}"


def test_story_page_links_under_the_base_path(site):
    site(
        {
            "site.yaml": "title: 测试站\nbase_url: https://example.org/volunteer/\n",
            "content/stories/2024-03-05-clinic.md": "---\ntitle: 义诊\ndate: 2024-03-05\n---\n"
            "## 上午\n\n见[另一篇](/stories/other/)和![图](media/a.png)。\n\n## 下午\n\n完。\n",
            "content/media/a.png": image_bytes("png"),
        }
    )
    result = site.build()
    page = (result.out / "stories/clinic/index.html").read_text()
    assert 'href="/volunteer/stories/other/"' in page
    assert 'src="/volunteer/media/a.png"' in page
    assert 'id="shang-wu"' in page  # pinyin heading ids
    assert '<link rel="canonical" href="https://example.org/volunteer/stories/clinic/">' in page
    with Image.open(result.out / "media/a.png") as published:  # the image made again, not copied
        assert published.format == "PNG" and published.size == (8, 8)
    assert 'href="/volunteer/style.css"' in (result.out / "index.html").read_text()


def test_base_url_override_on_the_command_line(site):
    site()
    result = site.build("--base-url", "/preview/")
    assert 'href="/preview/stories/"' in (result.out / "index.html").read_text()


def test_slug_from_chinese_file_name(site):
    site({"content/stories/2024/山区义诊.md": "---\ntitle: 山区\ndate: 2024-01-01\n---\n正文\n"})
    result = site.build()
    assert (result.out / "stories/shan-qu-yi-zhen/index.html").is_file()


def test_pagination_of_story_list(site):
    stories = {
        f"content/stories/s{i:02d}.md": f"---\ntitle: 第{i}篇\ndate: 2024-01-{i:02d}\n---\n正文\n" for i in range(1, 26)
    }
    site({"site.yaml": "title: x\npagination: 10\n", **stories}, base=False)
    out = site.build().built
    assert (out / "stories/page/3/index.html").is_file()
    assert not (out / "stories/page/4/index.html").exists()
    first = (out / "stories/index.html").read_text()
    assert first.index("第25篇") < first.index("第16篇") and "第15篇" not in first


def test_csv_roster_with_chinese_headers_in_gbk(site):
    roster = (
        "编号,姓名,所属队伍,职务,注册日期,公开,未成年,手机,身份证号\n"
        "wang-fang,王芳,hq、clinic,队员,2023/5/4,是,否,13800001111,110101199003070012\n"
        "zhao-lei,赵磊,clinic;clinic-a,骨干志愿者,2023.6.1,否,,13900002222,\n"
        "xiao-yu,小雨,clinic-a,,2024-01-01,,是,,\n"
    )
    site({"content/volunteers/roster.csv": roster.encode("gbk")})
    model = load_site(site.root).model
    wang = model.people["wang-fang"]
    assert (wang.name, wang.teams, wang.role, str(wang.joined)) == ("王芳", ("hq", "clinic"), "队员", "2023-05-04")
    assert (model.people["zhao-lei"].name, model.people["zhao-lei"].teams) == ("赵*", ("clinic", "clinic-a"))
    assert model.people["xiao-yu"].id is None  # a minor without guardian consent
    out = site.build().built
    for text in output_texts(out).values():
        assert "13800001111" not in text and "110101199003070012" not in text and "赵磊" not in text


def test_xlsx_roster_and_ledger(site):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["编号", "姓名", "所属队伍"])
    book.active.append(["wang-fang", "王芳", "hq"])
    book.save(site.root.parent / "roster.xlsx")
    ledger = openpyxl.Workbook()
    ledger.active.append(["日期", "志愿者编号", "时长"])
    ledger.active.append(["2024/2/1", "wang-fang", 2.5])
    ledger.save(site.root.parent / "ledger.xlsx")
    site(
        {
            "content/volunteers/r.xlsx": (site.root.parent / "roster.xlsx").read_bytes(),
            "content/ledger/l.xlsx": (site.root.parent / "ledger.xlsx").read_bytes(),
        }
    )
    loaded = load_site(site.root)
    assert loaded.figures.volunteers["wang-fang"].hours == Decimal("2.5")


def test_symlink_out_of_content_is_an_error(site, tmp_path):
    site()
    outside = tmp_path / "secret.yaml"
    outside.write_text("id: x\nname: 外人\n", encoding="utf-8")
    (site.root / "content/volunteers/link.yaml").symlink_to(outside)
    result = site.build()
    assert result.exit_code == 1
    assert "content/volunteers/link.yaml: is a link that points outside content/volunteers/" in result.output


def test_award_without_id_gets_a_stable_id(site):
    site({"content/awards/a.yaml": "- {title: 优秀志愿者, volunteer: li-na, year: 2024}\n"})
    assert list(load_site(site.root).model.awards) == ["2024-you-xiu-zhi-yuan-zhe-li-na"]
