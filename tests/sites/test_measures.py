"""Measures (SPEC sections 2, 4, 5, 7): results beyond hours that site.yaml declares and activities
record, summed exactly per activity, per team through its sub-teams, per year and site-wide; shown on
the activity, team, stats and home pages and in data/stats.json; and their problems."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from conftest import IN_SITE_LANGUAGE
from volsite.pipeline import load_site

# Three levels of teams: hq → b1 → g1, and hq → b2; b3 organised nothing.
# By hand, each measure over the activities each figure counts:
#   act-1 2024-03-01 g1        blood 4000           weight 0.1
#   act-2 2024-06-01 g1 + b2   leaflets 1200        weight 0.2
#   act-3 2025-01-02 b2        blood 1500.5, leaflets 0
#   act-4 2023-12-31..2024-01-01 b1                 weight 0.7   (counts in 2023, its start)
#   act-5 2025-05-05 no team   leaflets 300
MEASURES_SITE = {
    "site.yaml": """
        title: 成果
        base_url: https://example.org/
        measures:
          blood_ml: {label: 献血量, unit: 毫升}
          leaflets: {label: 发放资料, unit: 份}
          weight_kg:
            label: 物资重量
            unit: 千克
          records: {label: 建立健康档案}
    """,
    "content/teams/t.yaml": """
        - {id: hq, name: 党委}
        - {id: b1, name: 第一支部, parent: hq}
        - {id: g1, name: 第一小组, parent: b1}
        - {id: b2, name: 第二支部, parent: hq}
        - {id: b3, name: 第三支部, parent: hq}
    """,
    "content/volunteers/v.yaml": """
        - {id: zhang-wei, name: 张伟, teams: [g1]}
    """,
    "content/activities/a.yaml": """
        - id: act-1
          title: 集体献血
          date: 2024-03-01
          team: g1
          category: 无偿献血
          hours: 2
          participants: [zhang-wei]
          measures: {blood_ml: 4000, weight_kg: 0.1}
        - id: act-2
          title: 健康宣讲
          date: 2024-06-01
          teams: [g1, b2]
          measures:
            leaflets: 1200
            weight_kg: 0.2
        - id: act-3
          title: 冬季献血
          date: 2025-01-02
          team: b2
          measures: {blood_ml: 1500.5, leaflets: 0}
        - id: act-4
          title: 跨年送温暖
          date: 2023-12-31
          end: 2024-01-01
          team: b1
          measures: {weight_kg: 0.7}
        - id: act-5
          title: 广场宣传
          date: 2025-05-05
          measures: {leaflets: 300}
    """,
}


@pytest.fixture
def measured(site):
    site(MEASURES_SITE, base=False)
    return site


def sums(figures) -> dict[str, Decimal]:
    return {m.id: m.value for m in figures.measures}


def test_site_yaml_declares_measures_in_order(measured):
    loaded = load_site(measured.root)
    assert [(m.id, m.label, m.unit) for m in loaded.config.measures] == [
        ("blood_ml", "献血量", "毫升"),
        ("leaflets", "发放资料", "份"),
        ("weight_kg", "物资重量", "千克"),
        ("records", "建立健康档案", ""),
    ]


def test_teams_sum_through_three_levels_each_activity_once(measured):
    figures = load_site(measured.root).figures
    zero = Decimal(0)
    # g1: act-1, act-2 — 0.1 + 0.2 is 0.3, exactly
    assert sums(figures.teams["g1"]) == {
        "blood_ml": Decimal(4000),
        "leaflets": Decimal(1200),
        "weight_kg": Decimal("0.3"),
        "records": zero,
    }
    # b1: g1's and its own act-4
    assert sums(figures.teams["b1"]) == {
        "blood_ml": Decimal(4000),
        "leaflets": Decimal(1200),
        "weight_kg": Decimal("1.0"),
        "records": zero,
    }
    assert sums(figures.teams["b2"]) == {
        "blood_ml": Decimal("1500.5"),
        "leaflets": Decimal(1200),
        "weight_kg": Decimal("0.2"),
        "records": zero,
    }
    # hq: act-1 to act-4; act-2, organised by g1 and b2, once (its leaflets are 1200, not 2400)
    assert sums(figures.teams["hq"]) == {
        "blood_ml": Decimal("5500.5"),
        "leaflets": Decimal(1200),
        "weight_kg": Decimal("1.0"),
        "records": zero,
    }
    assert figures.teams["hq"].activities == 4
    assert sums(figures.teams["b3"]) == dict.fromkeys(("blood_ml", "leaflets", "weight_kg", "records"), zero)


def test_years_by_start_date_and_site_wide(measured):
    figures = load_site(measured.root).figures
    assert {year: sums(y) for year, y in figures.years.items()} == {
        2023: {"blood_ml": 0, "leaflets": 0, "weight_kg": Decimal("0.7"), "records": 0},
        2024: {"blood_ml": 4000, "leaflets": 1200, "weight_kg": Decimal("0.3"), "records": 0},
        2025: {"blood_ml": Decimal("1500.5"), "leaflets": 300, "weight_kg": 0, "records": 0},
    }
    # every activity, the one of no team too; 0.1 + 0.2 + 0.7 is 1, exactly
    assert sums(figures.totals) == {
        "blood_ml": Decimal("5500.5"),
        "leaflets": Decimal(1500),
        "weight_kg": Decimal(1),
        "records": 0,
    }
    assert all(isinstance(m.value, Decimal) for m in figures.totals.measures)


def test_stats_json_carries_measures_everywhere(measured):
    stats = json.loads((measured.build().built / "data/stats.json").read_text(encoding="utf-8"))
    # integers where whole (1, not 1.0 nor 0.9999999999999999), else as the hours are written
    assert stats["measures"] == {"blood_ml": 5500.5, "leaflets": 1500, "weight_kg": 1, "records": 0}
    assert stats["by_year"]["2023"]["measures"] == {"blood_ml": 0, "leaflets": 0, "weight_kg": 0.7, "records": 0}
    assert stats["by_year"]["2024"]["measures"] == {"blood_ml": 4000, "leaflets": 1200, "weight_kg": 0.3, "records": 0}
    assert stats["teams"]["hq"]["measures"] == {"blood_ml": 5500.5, "leaflets": 1200, "weight_kg": 1, "records": 0}
    assert stats["teams"]["g1"]["measures"]["weight_kg"] == 0.3
    assert isinstance(stats["measures"]["leaflets"], int) and isinstance(
        stats["teams"]["hq"]["measures"]["weight_kg"], int
    )
    assert list(stats["measures"]) == ["blood_ml", "leaflets", "weight_kg", "records"]  # as site.yaml declares them


def figures_of(html: str) -> list[str]:
    """Each headline figure of a page as text: '献血量 5,500.5 毫升'."""
    found = []
    for block in re.findall(r'<dl class="figures".*?</dl>', html, re.S):
        for figure in re.findall(r'<div class="figure">(.*?)</div>', block, re.S):
            found.append(" ".join(re.sub(r"<[^>]+>", " ", figure).split()))
    return found


def test_pages_show_measures_with_label_number_and_unit(measured):
    out = measured.build().built
    page = (out / "activities/act-1/index.html").read_text(encoding="utf-8")
    assert {"献血量 4,000 毫升", "物资重量 0.1 千克"} <= set(figures_of(page))
    assert not any(f.startswith("发放资料") for f in figures_of(page))  # act-1 records no leaflets
    # an activity that recorded 0 says so; 1500.5 keeps its decimal
    page = (out / "activities/act-3/index.html").read_text(encoding="utf-8")
    assert {"献血量 1,500.5 毫升", "发放资料 0 份"} <= set(figures_of(page))
    page = (out / "teams/hq/index.html").read_text(encoding="utf-8")
    assert {"献血量 5,500.5 毫升", "发放资料 1,200 份", "物资重量 1 千克"} <= set(figures_of(page))
    # a team that measured nothing shows no measure; nor does anyone a measure nobody recorded
    page = (out / "teams/b3/index.html").read_text(encoding="utf-8")
    assert not any(f.startswith(("献血量", "发放资料", "物资重量")) for f in figures_of(page))
    for path in ("index.html", "stats/index.html"):
        shown = figures_of((out / path).read_text(encoding="utf-8"))
        assert {"献血量 5,500.5 毫升", "发放资料 1,500 份", "物资重量 1 千克"} <= set(shown), path
        assert not any(f.startswith("建立健康档案") for f in shown)


def test_the_stats_page_gives_each_measure_a_column_by_year(measured):
    page = (measured.build().built / "stats/index.html").read_text(encoding="utf-8")
    table = re.search(r"<table class=\"data\">.*?</table>", page, re.S).group(0)
    heads = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)
    assert heads[-3:] == ["献血量（毫升）", "发放资料（份）", "物资重量（千克）"]
    rows = {
        re.search(r'<th scope="row">(\d+)</th>', row).group(1): re.findall(r'<td class="num">(.*?)</td>', row)[-3:]
        for row in re.findall(r"<tr><th scope=\"row\">.*?</tr>", table)
    }
    assert rows == {"2025": ["1,500.5", "300", "0"], "2024": ["4,000", "1,200", "0.3"], "2023": ["0", "0", "0.7"]}


def test_an_english_site_shows_the_unit_in_plain_brackets(site):
    english = MEASURES_SITE["site.yaml"].replace("title: 成果\n", "title: 成果\n        language: en\n")
    site({**MEASURES_SITE, "site.yaml": english}, base=False)
    page = (site.build().built / "stats/index.html").read_text(encoding="utf-8")
    assert "献血量 (毫升)" in page


def test_a_site_without_measures_shows_none_and_writes_empty_mappings(site):
    site()
    out = site.build().built
    stats = json.loads((out / "data/stats.json").read_text(encoding="utf-8"))
    assert stats["measures"] == {}
    assert all(entry["measures"] == {} for entry in [*stats["by_year"].values(), *stats["teams"].values()])
    assert len(figures_of((out / "index.html").read_text(encoding="utf-8"))) == 5


# ------------------------------------------------------------------ problems


def build_with(site, files: dict[str, str]):
    site({**MEASURES_SITE, **files}, base=False)
    return site.build()


def test_an_undeclared_measure_is_a_problem_with_did_you_mean(site):
    result = build_with(
        site,
        {
            "content/activities/b.yaml": """
                id: b
                title: 献血
                date: 2024-01-01
                measures:
                  blood_ml: 200
                  blod_ml: 400
            """
        },
    )
    assert result.exit_code == 1
    assert (
        "content/activities/b.yaml:6: activity 'b': measure 'blod_ml' is not declared in site.yaml "
        "(did you mean 'blood_ml'?): correct its name, or declare it under 'measures' in site.yaml with its "
        "label and unit, as blod_ml: {label: Blood donated, unit: ml} [V350]"
    ) in result.output


def test_an_undeclared_measure_on_a_site_that_declares_none(site):
    site({"content/activities/b.yaml": "id: b\ntitle: 宣传\ndate: 2024-01-01\nmeasures: {leaflets: 50}\n"})
    result = site.build()
    assert result.exit_code == 1
    assert "content/activities/b.yaml:4: activity 'b': measure 'leaflets' is not declared in site.yaml: " in (
        result.output
    )
    assert "[V350]" in result.output


def test_an_undeclared_measure_is_told_in_chinese_on_a_chinese_site(site):
    site({"content/activities/b.yaml": "id: b\ntitle: 献血\ndate: 2024-01-01\nmeasures: {blood: 400}\n"})
    site.write({"site.yaml": MEASURES_SITE["site.yaml"]})
    result = site.build(env=IN_SITE_LANGUAGE)
    assert result.exit_code == 1
    assert (
        "content/activities/b.yaml:4: 活动 'b'：成果指标 'blood' 没有在 site.yaml 里登记（是不是想写 'blood_ml'？）："
        "请改正名称，或在 site.yaml 的 'measures' 下登记它的名称和单位，例如 blood: {label: 献血量, unit: 毫升} [V350]"
    ) in result.output


@pytest.mark.parametrize(
    ("measures", "told"),
    [
        (
            "measures: [blood_ml]",
            "content/activities/b.yaml:4: activity 'b': 'measures' must be a mapping of each measure to its number, "
            "not ['blood_ml']: write it as measures: {blood_ml: 4000, leaflets: 1200}, with the measures site.yaml "
            "declares [V280]",
        ),
        (
            "measures:\n  blood_ml: 4000\n  leaflets: 很多",
            "content/activities/b.yaml:6: activity 'b': measure 'leaflets' must be a number of 0 or more, not '很多': "
            "write digits only, such as 4000 or 1.5, without units or words (the unit is site.yaml's) [V281]",
        ),
        ("measures: {blood_ml: 400毫升}", "b.yaml:4: activity 'b': measure 'blood_ml' must be a number of 0 or more, "),
        ("measures: {blood_ml: -200}", "not '-200': write digits only"),
        ("measures: {blood_ml: true}", "measure 'blood_ml' must be a number of 0 or more, not 'True'"),
        ("measures: {blood_ml: 1e20}", "b.yaml:4: activity 'b': measure 'blood_ml' is out of range: '1e20' ("),
    ],
)
def test_a_measure_that_is_no_number_is_a_problem(site, measures, told):
    result = build_with(site, {"content/activities/b.yaml": f"id: b\ntitle: 献血\ndate: 2024-01-01\n{measures}\n"})
    assert result.exit_code == 1
    assert told in result.output


@pytest.mark.parametrize(
    ("declared", "told"),
    [
        (
            "measures: 献血量",
            "site.yaml:2: 'measures' must be a mapping of measure ids to {label, unit}, such as blood_ml: "
            "{label: Blood donated, unit: ml}, not '献血量': correct it, or delete it to keep the default [V003]",
        ),
        (
            "measures:\n  blood_ml: {label: 献血量}\n  Blood-ML: {label: 献血量}",
            "site.yaml:4: measure id 'Blood-ML' must be lower-case letters, digits and '_', starting with a letter "
            "(activities name it in their 'measures'): write it in English or pinyin, such as blood_ml [V050]",
        ),
        (
            "measures:\n  blood_ml: 献血量",
            "site.yaml:3: measure 'blood_ml' must be a mapping with 'label' and, if it has one, 'unit', not '献血量': "
            "write it as blood_ml: {label: Blood donated, unit: ml} [V051]",
        ),
        (
            "measures:\n  blood_ml:\n    label: 献血量\n    units: 毫升",
            "site.yaml:5: measure 'blood_ml' has an unknown key 'units' (did you mean 'unit'?): a measure has "
            "'label' and 'unit'; correct its name, or delete it [V052]",
        ),
        (
            "measures:\n  leaflets: {unit: 份}",
            "site.yaml:3: measure 'leaflets' needs a 'label' written as text, the name shown beside its figures: "
            "write it as leaflets: {label: Blood donated, unit: ml} [V053]",
        ),
        (
            "measures:\n  blood_ml:\n    label: 献血量\n    unit: [毫升]",
            "site.yaml:5: the 'unit' of measure 'blood_ml' must be text, such as ml, not ['毫升']: write it on the "
            "same line, or delete it for a count without a unit [V054]",
        ),
    ],
)
def test_a_wrongly_declared_measure_is_a_problem_at_its_line(site, declared, told):
    site({"site.yaml": f"title: 成果\n{declared}\n"})
    result = site.build()
    assert result.exit_code == 1
    assert told in result.output


def test_a_wrongly_declared_measure_is_told_in_chinese(site):
    site({"site.yaml": "title: 成果\nmeasures:\n  leaflets: {unit: 份}\n"})
    result = site.build(env=IN_SITE_LANGUAGE)
    assert result.exit_code == 1
    assert (
        "site.yaml:3: 成果指标 'leaflets' 缺少文字写的 'label'（名称），网站上的数字旁边要显示它："
        "请写成 leaflets: {label: 献血量, unit: 毫升} [V053]"
    ) in result.output


def test_the_starter_site_mentions_measures_and_builds_with_none(site, tmp_path):
    from volsite.scaffold import STARTERS

    for language in ("zh-CN", "en"):
        text = (STARTERS / language / "site.yaml").read_text(encoding="utf-8")
        lines = text.splitlines()
        at = lines.index("measures: {}")
        assert lines[at - 1].startswith("#") and "#   blood_ml: {label: " in text
    site({"site.yaml": (STARTERS / "zh-CN" / "site.yaml").read_text(encoding="utf-8")})
    result = site.build()
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output and "measure" not in result.output
