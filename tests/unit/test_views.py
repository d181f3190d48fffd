"""volsite.render.views: what a template is given of a volunteer, a team and the honour
roll: named fields holding the right values, and nothing private (phone, id_number,
address, email, nor a hidden person's name or id)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest

from conftest import moment_of, write_files
from volsite.model.figures import TeamFigures
from volsite.pipeline import load_site
from volsite.render.markdown import convert_texts
from volsite.render.site import document_texts, record_texts
from volsite.render.views import (
    ActivityBrief,
    Link,
    ProfileView,
    PublishedField,
    ServiceOffer,
    StarRoll,
    TeamView,
    Views,
    YearActivities,
    YearHours,
)

PRIVATE = {
    "phone": "13912345678",
    "id_number": "110101199001011234",
    "address": "北京市东城区某路1号",
    "email": "zw@example.org",
}
STARS = (5, 10)

SITE = {
    "site.yaml": f"""
        title: 视图
        base_url: https://example.org/
        stars: [{STARS[0]}, {STARS[1]}]
        publish_fields: [hobby]
    """,
    "content/teams/t.yaml": """
        - {id: hq, name: 总队, lead: zhang-wei}
        - id: clinic
          name: 医疗队
          parent: hq
          category: 医疗
          description: "**医疗**服务"
          services: [义诊, {name: 量血压, description: 每周一}]
    """,
    "content/volunteers/v.yaml": f"""
        - id: zhang-wei
          name: 张伟
          teams: [hq]
          role: 队长
          joined: 2020-01-01
          bio: 老队员。
          skills: [急救, 驾驶]
          hobby: 书法
          phone: "{PRIVATE["phone"]}"
          id_number: "{PRIVATE["id_number"]}"
          address: {PRIVATE["address"]}
          email: {PRIVATE["email"]}
        - {{id: li-na, name: 李娜, teams: [clinic]}}
        - {{id: wang-fang, name: 王芳, teams: [clinic], public: false, phone: "13800000000"}}
    """,
    # li-na: 3 + 4 = 7 hours; wang-fang: 3 + 6 = 9; zhang-wei: 3.
    "content/activities/a.yaml": """
        - id: act-1
          title: 义诊
          date: 2023-06-01
          team: clinic
          hours: 3
          participants: [zhang-wei, li-na, wang-fang]
          people_served: 50
        - id: act-2
          title: 量血压
          date: 2024-03-05
          team: clinic
          hours: 4
          participants: [li-na, {volunteer: wang-fang, hours: 6}]
          people_served: 20
    """,
    "content/awards/w.yaml": """
        - {id: aw-1, title: 优秀志愿者, volunteer: zhang-wei, year: 2024, level: 市级, citation: 表彰其服务。, number: NO-1}
        - {id: aw-2, title: 优秀志愿者, volunteer: li-na, year: 2024, level: 国家级}
        - {id: aw-3, title: 先进集体, team: clinic, year: 2024, level: 省级}
        - {id: aw-4, title: 优秀志愿者, volunteer: wang-fang, year: 2024, level: 单位}
        - {id: aw-5, title: 优秀志愿者, volunteer: li-na, year: 2025, status: candidate, posting_until: 2025-06-30}
    """,
}
HOURS = {"zhang-wei": Decimal(3), "li-na": Decimal(3 + 4), "wang-fang": Decimal(3 + 6)}


def stars_of(hours: Decimal) -> int:
    return sum(1 for threshold in STARS if hours >= threshold)


@pytest.fixture(scope="module")
def views(tmp_path_factory) -> Views:
    root = write_files(tmp_path_factory.mktemp("views"), SITE)
    loaded = load_site(root, moment=moment_of(dt.date(2025, 6, 1)))  # aw-5's posting is open
    base = loaded.config.base_path
    html = convert_texts(document_texts(loaded.model), base)
    record_html = convert_texts(record_texts(loaded.model), base, unsafe_html=False)
    return Views(loaded.model, loaded.figures, html, frozenset(r.url for r in loaded.routes), record_html, {})


def field_names(view: type) -> set[str]:
    return {f.name for f in dataclasses.fields(view)}


def everything_in(value: object) -> tuple[set[str], list[str]]:
    """Every field name of every view inside value, and every text it holds."""
    names: set[str] = set()
    texts: list[str] = []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            names.add(f.name)
            inner_names, inner_texts = everything_in(getattr(value, f.name))
            names |= inner_names
            texts += inner_texts
    elif isinstance(value, (tuple, list)):
        for item in value:
            inner_names, inner_texts = everything_in(item)
            names |= inner_names
            texts += inner_texts
    elif isinstance(value, str):
        texts.append(value)
    return names, texts


# ------------------------------------------------------------------ a volunteer


def test_a_profile_gives_the_volunteers_figures_by_name(views):
    p = views.profile("li-na")
    assert isinstance(p, ProfileView)
    assert (p.id, p.name, p.hours) == ("li-na", "李娜", HOURS["li-na"])
    assert p.stars == stars_of(HOURS["li-na"]) == 1
    assert p.max_stars == len(STARS)
    assert p.next_threshold == STARS[1]
    assert p.to_next_star == STARS[1] - HOURS["li-na"]
    assert p.progress == int((HOURS["li-na"] - STARS[0]) * 100 / (STARS[1] - STARS[0]))  # 40
    assert p.points == 2 and p.services == 2  # two services, one point a record (the default)
    assert p.first_service == dt.date(2023, 6, 1)
    assert p.by_year == (YearHours(2024, Decimal(4)), YearHours(2023, Decimal(3)))
    assert p.teams == (Link("医疗队", "teams/clinic/"),)
    assert p.hours_url == "volunteers/li-na/hours/"


def test_a_profile_lists_activities_with_the_volunteers_own_hours_newest_first(views):
    brief = views.activity("act-2")
    assert isinstance(brief, ActivityBrief)
    # The activity's own brief sums everyone: li-na 4 and wang-fang 6.
    assert (brief.participants, brief.hours, brief.people_served) == (2, Decimal(10), 20)
    activities = views.profile("li-na").activities
    assert [(a.id, a.own_hours, a.url) for a in activities] == [
        ("act-2", Decimal(4), "activities/act-2/"),
        ("act-1", Decimal(3), "activities/act-1/"),
    ]
    # beside them, the activity's own figures (我的时长 apart from the activity's, issue 21)
    assert (activities[0].participants, activities[0].hours) == (2, Decimal(10))
    assert brief.own_hours is None  # listed anywhere else, no one's own hours
    assert activities[0].teams == (Link("医疗队", "teams/clinic/"),)


def test_a_profile_shows_allow_listed_and_published_fields_only(views):
    p = views.profile("zhang-wei")
    assert (p.role, p.joined, p.skills) == ("队长", dt.date(2020, 1, 1), ("急救", "驾驶"))
    assert p.bio.startswith("<p>") and "老队员。" in p.bio
    assert p.extra == (PublishedField("hobby", "书法"),)
    assert [a.id for a in p.awards] == ["aw-1"]
    names, texts = everything_in(p)
    assert names.isdisjoint(PRIVATE)
    for value in PRIVATE.values():
        assert not [t for t in texts if value in t], value


def test_a_profile_leaves_out_awards_still_under_posting(views):
    assert [a.id for a in views.profile("li-na").awards] == ["aw-2"]  # not aw-5, a candidate


def test_view_classes_have_no_field_for_private_data():
    for cls in (ProfileView, TeamView, ActivityBrief, Link, StarRoll, ServiceOffer):
        assert field_names(cls).isdisjoint(PRIVATE), cls


def test_a_hidden_person_is_a_masked_name_without_a_link(views):
    assert views.person("wang-fang") == Link("王*", None)
    assert views.person("li-na") == Link("李娜", "volunteers/li-na/")


# ------------------------------------------------------------------ a team


def test_a_team_page_gives_its_tree_people_and_figures(views):
    t = views.team_page("clinic")
    assert isinstance(t, TeamView)
    assert (t.id, t.name, t.category) == ("clinic", "医疗队", "医疗")
    assert "<strong>医疗</strong>" in t.description
    assert t.path == (Link("总队", "teams/hq/"),)
    assert t.lead is None
    assert t.members == (Link("李娜", "volunteers/li-na/"),)  # wang-fang is a member, not named
    assert t.hidden_members == 1
    # its activities' hours count zhang-wei's 3 at act-1 too (a member of hq, not of clinic): 9 + 10
    assert t.figures == TeamFigures(
        members=2,
        hours=HOURS["li-na"] + HOURS["wang-fang"],
        activities=2,
        people_served=50 + 20,
        activity_hours=Decimal(3 * 3 + 4 + 6),
    )
    assert t.services == (ServiceOffer("义诊", None), ServiceOffer("量血压", "每周一"))
    assert t.timeline == (
        YearActivities(2024, (views.activity("act-2"),)),
        YearActivities(2023, (views.activity("act-1"),)),
    )
    assert [a.id for a in t.awards] == ["aw-3"]
    assert [a.id for a in t.member_awards] == ["aw-2"]  # aw-4 is wang-fang's: not shown


def test_the_root_team_names_its_lead_and_its_sub_teams(views):
    hq = views.team_page("hq")
    assert hq.lead == Link("张伟", "volunteers/zhang-wei/")
    assert hq.path == ()
    assert [c.link for c in hq.children] == [Link("医疗队", "teams/clinic/")]
    # With its sub-teams: everyone once.
    assert hq.figures.members == 3 and hq.figures.hours == sum(HOURS.values())
    _names, texts = everything_in(hq)
    assert "王芳" not in "".join(texts) and "wang-fang" not in "".join(texts)


# ------------------------------------------------------------------ the honour roll


def test_a_years_honour_roll_groups_by_title_most_given_first_higher_levels_first(views):
    roll = views.awards_by_title(2024)
    assert [t.title for t in roll] == ["优秀志愿者", "先进集体"]  # 3 awards, then 1
    excellent = roll[0].awards
    assert [(a.id, a.level) for a in excellent] == [("aw-2", "国家级"), ("aw-1", "市级"), ("aw-4", "单位")]
    assert [a.recipient for a in excellent] == [
        Link("李娜", "volunteers/li-na/"),
        Link("张伟", "volunteers/zhang-wei/"),
        Link("王*", None),
    ]
    # A certificate page exists for public recipients only.
    assert [a.url for a in excellent] == ["certificates/aw-2/", "certificates/aw-1/", None]
    aw_1 = excellent[1]
    assert (aw_1.number, aw_1.year, aw_1.is_team) == ("NO-1", 2024, False)
    assert "表彰其服务。" in aw_1.citation
    assert re.fullmatch(r"2024-[0-9A-F]{6}", excellent[0].number)  # made up when staff give none
    (team_award,) = roll[1].awards
    assert (team_award.recipient, team_award.is_team) == (Link("医疗队", "teams/clinic/"), True)


def test_star_rolls_name_public_people_and_count_the_rest(views):
    one_star = sorted((v for v, h in HOURS.items() if stars_of(h) == 1), key=lambda v: -HOURS[v])
    assert one_star == ["wang-fang", "li-na"]
    assert views.star_rolls() == (
        StarRoll(2, (), 0),
        StarRoll(1, (Link("李娜", "volunteers/li-na/"),), 1),
    )


def test_leaderboards_rank_by_hours_and_mask_hidden_people(views):
    board = views.leaderboard()
    assert [(r.rank, r.link, r.hours, r.stars) for r in board] == [
        (1, Link("王*", None), HOURS["wang-fang"], stars_of(HOURS["wang-fang"])),
        (2, Link("李娜", "volunteers/li-na/"), HOURS["li-na"], stars_of(HOURS["li-na"])),
        (3, Link("张伟", "volunteers/zhang-wei/"), HOURS["zhang-wei"], stars_of(HOURS["zhang-wei"])),
    ]
    # 2024 alone: act-2 only (wang-fang 6, li-na 4); zhang-wei had no hours then.
    assert [(r.link.text, r.hours) for r in views.leaderboard(2024)] == [("王*", Decimal(6)), ("李娜", Decimal(4))]


def test_candidates_are_listed_with_their_posting_window(views):
    (candidate,) = views.candidates()
    assert (candidate.id, candidate.posting_until, candidate.url) == ("aw-5", dt.date(2025, 6, 30), None)
    assert views.award_years() == [2024]


def test_nothing_private_in_any_view_of_the_honour_roll(views):
    shown = (views.awards_by_title(2024), views.star_rolls(), views.leaderboard(), views.candidates())
    names, texts = everything_in(shown)
    assert names.isdisjoint(PRIVATE)
    joined = "\n".join(texts)
    assert "王芳" not in joined and "wang-fang" not in joined and "13800000000" not in joined
