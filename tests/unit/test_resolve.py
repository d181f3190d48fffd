"""volsite.model.resolve.build_model: references linked both ways, hours resolved per
volunteer, people who are not public withheld, and every unknown reference reported at
its file and line. The model comes from a small site read by the real loaders."""

from __future__ import annotations

import dataclasses
import textwrap
from collections import defaultdict
from decimal import Decimal

import pytest

from volsite.model.people import Person, Service, mask_name
from volsite.pipeline import load_site
from volsite.problems import ContentError

TEAMS = """
    - {id: hq, name: 总队, lead: zhang-wei}
    - {id: clinic, name: 医疗队, parent: hq}
    - {id: clinic-a, name: 医疗一组, parent: clinic}
    - {id: school, name: 助学队, parent: hq}
"""
VOLUNTEERS = """
    - id: zhang-wei
      name: 张伟
      teams: [hq]
      role: 队长
      joined: 2020-01-01
      bio: 老队员。
      phone: "13912345678"
    - id: li-na
      name: 李娜
      teams: [clinic-a]
      photo: media/li-na.png
      photo_consent: true
    - id: wang-fang
      name: 王芳
      teams: [clinic-a, school]
      role: 队员
      joined: 2021-05-04
      bio: 不公开的简介。
      photo: media/wang-fang.png
      photo_consent: true
      public: false
    - {id: zhao-liu, name: 赵六, teams: [school], minor: true}
    - {id: chen-jing, name: 陈静, teams: [school], minor: true, guardian_consent: true, photo: media/chen-jing.png}
"""
# act-1: 4 hours each by default, wang-fang 2.5 of her own; act-2: 1.5 hours each.
ACTIVITIES = """
    - id: act-1
      title: 义诊
      date: 2024-03-05
      team: clinic-a
      hours: 4
      participants: [li-na, {volunteer: wang-fang, hours: 2.5}]
    - id: act-2
      title: 助学
      date: 2024-05-01
      teams: [school]
      hours: 1.5
      participants: [zhao-liu, li-na]
"""
LEDGER = "date,volunteer,hours,activity,points,note\n2024-06-01,zhang-wei,2.25,,,值班\n2024-06-02,li-na,0.5,,3,\n"
STORY = "---\ntitle: 义诊\ndate: 2024-03-06\nvolunteers: [li-na]\nteams: [clinic-a]\nactivity: act-1\n---\n正文。\n"

SITE = {
    "site.yaml": "title: 模型\nbase_url: https://example.org/\n",
    "content/teams/t.yaml": TEAMS,
    "content/volunteers/v.yaml": VOLUNTEERS,
    "content/activities/a.yaml": ACTIVITIES,
    "content/ledger/l.csv": LEDGER,
    "content/stories/s1.md": STORY,
    "content/media/li-na.png": b"\x89PNG li-na",
    "content/media/wang-fang.png": b"\x89PNG wang-fang",
    "content/media/chen-jing.png": b"\x89PNG chen-jing",
}


@pytest.fixture
def model(site):
    site(SITE, base=False)
    return load_site(site.root).model


def problems_of(site, files: dict[str, str | bytes | None]) -> list:
    site({**SITE, **files}, base=False)
    with pytest.raises(ContentError) as caught:
        load_site(site.root)
    return caught.value.problems


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the (dedented) file text on which needle stands."""
    lines = textwrap.dedent(text).lstrip("\n").splitlines()
    (number,) = [n for n, line in enumerate(lines, 1) if needle in line]
    return number


# ------------------------------------------------------------------ the team tree


def test_team_tree_links_parents_to_children_and_finds_the_root(model):
    assert model.root_teams == ("hq",)
    assert model.team_children == {"hq": ("clinic", "school"), "clinic": ("clinic-a",)}
    assert model.subtree("hq") == ("hq", "clinic", "clinic-a", "school")
    assert model.subtree("clinic") == ("clinic", "clinic-a")
    assert model.subtree("school") == ("school",)


def test_team_members_are_the_volunteers_who_name_the_team(model):
    members = {team: set(ids) for team, ids in model.team_members.items()}
    assert members == {
        "hq": {"zhang-wei"},
        "clinic-a": {"li-na", "wang-fang"},
        "school": {"wang-fang", "zhao-liu", "chen-jing"},
    }


def test_activities_and_stories_are_linked_both_ways(model):
    assert model.activities_by_team == {"clinic-a": ("act-1",), "school": ("act-2",)}
    assert model.activities_by_volunteer["li-na"] == ("act-1", "act-2")  # oldest first
    assert model.activities_by_volunteer["wang-fang"] == ("act-1",)
    assert model.story_of_activity == {"act-1": "s1"}
    assert model.stories_by_volunteer == {"li-na": ("s1",)}
    assert model.stories_by_team == {"clinic-a": ("s1",)}


# ------------------------------------------------------------------ hours


def test_hours_are_resolved_per_volunteer_from_activities_and_ledgers(model):
    hours: dict[str, Decimal] = defaultdict(Decimal)
    for service in model.services:
        hours[service.volunteer] += service.hours
    assert dict(hours) == {
        "li-na": Decimal(4) + Decimal("1.5") + Decimal("0.5"),  # act-1 default, act-2, a ledger row
        "wang-fang": Decimal("2.5"),  # her own hours at act-1, not the default 4
        "zhao-liu": Decimal("1.5"),
        "zhang-wei": Decimal("2.25"),  # a ledger row only
    }
    assert "chen-jing" not in hours


def test_each_service_says_where_it_was_recorded(model):
    ledger = sorted((s for s in model.services if s.activity is None), key=lambda s: s.line)
    # Ledger rows: the CSV's line (the header is line 1), the note, and points (given, else 1 a record).
    assert [(s.volunteer, s.path, s.line, s.note, s.points) for s in ledger] == [
        ("zhang-wei", "content/ledger/l.csv", 2, "值班", Decimal(1)),
        ("li-na", "content/ledger/l.csv", 3, None, Decimal(3)),
    ]
    act_1 = [s for s in model.services if s.activity == "act-1"]
    assert {s.volunteer for s in act_1} == {"li-na", "wang-fang"}
    assert {(s.path, s.line) for s in act_1} == {
        ("content/activities/a.yaml", line_of(ACTIVITIES, "participants: [li-na"))
    }
    assert all(isinstance(s, Service) for s in model.services)


def test_the_same_volunteer_twice_at_one_activity_is_an_error_not_double_hours(site):
    ledger = LEDGER + "2024-03-05,li-na,4,act-1,,\n"
    problems = problems_of(site, {"content/ledger/l.csv": ledger})
    (problem,) = [p for p in problems if "recorded twice" in p.message]
    assert (problem.path, problem.line) == ("content/ledger/l.csv", 4)
    assert "activity 'act-1'" in problem.message and "hours would count double" in problem.message


# ------------------------------------------------------------------ who is published


def test_people_who_are_not_public_are_masked_and_withheld(model):
    hidden = model.people["wang-fang"]
    assert hidden == Person(
        id=None,
        name=mask_name("王芳"),
        public=False,
        role="队员",  # a role and teams are shown beside a masked name
        teams=("clinic-a", "school"),
        joined=None,
        photo=None,
        bio=None,
        skills=(),
        extra=(),
    )
    assert hidden.name == "王*"
    assert model.people["zhao-liu"].public is False  # a minor without guardian consent
    assert model.people["zhao-liu"].id is None
    assert model.people["chen-jing"].public is True  # a minor whose guardian consented


def test_public_people_keep_their_allow_listed_fields(model):
    zhang = model.people["zhang-wei"]
    assert (zhang.id, zhang.name, zhang.role, zhang.bio) == ("zhang-wei", "张伟", "队长", "老队员。")
    assert str(zhang.joined) == "2020-01-01"
    assert model.people["li-na"].photo == "media/li-na.png"
    assert {f.name for f in dataclasses.fields(Person)}.isdisjoint({"phone", "id_number", "address", "email"})


def test_photos_without_consent_or_of_hidden_people_are_withheld(model):
    assert model.people["chen-jing"].public and model.people["chen-jing"].photo is None  # no photo_consent
    assert model.withheld_photos == frozenset({"media/wang-fang.png", "media/chen-jing.png"})
    assert {"media/wang-fang.png", "media/chen-jing.png"} <= model.media  # there, but not copied out


def test_a_hidden_persons_name_written_in_a_story_is_an_error_at_its_line(site):
    story = "---\ntitle: 一天\ndate: 2024-03-07\n---\n第一段。\n\n王芳也来了。\n"
    problems = problems_of(site, {"content/stories/s2.md": story})
    (problem,) = [p for p in problems if p.path == "content/stories/s2.md"]
    assert problem.line == story.splitlines().index("王芳也来了。") + 1
    assert "王*" in problem.message and "王芳" not in problem.message


# ------------------------------------------------------------------ unknown references


def test_every_unknown_reference_is_reported_at_its_file_and_line(site):
    teams = TEAMS + "    - {id: orphan, name: 孤队, parent: clinc}\n"
    volunteers = VOLUNTEERS + "    - {id: ghost-member, name: 鬼, teams: [nowhere]}\n"
    activities = ACTIVITIES + "    - {id: act-3, title: 三, date: 2024-07-01, team: no-team, participants: [nobody]}\n"
    ledger = LEDGER + "2024-06-03,no-one,1,no-activity,,\n"
    awards = "- {id: aw-1, title: 优秀志愿者, volunteer: no-volunteer, year: 2024}\n"
    story = "---\ntitle: 二\ndate: 2024-03-08\nvolunteers: [nobody]\nactivity: no-act\n---\n"
    problems = problems_of(
        site,
        {
            "content/teams/t.yaml": teams,
            "content/volunteers/v.yaml": volunteers,
            "content/activities/a.yaml": activities,
            "content/ledger/l.csv": ledger,
            "content/awards/w.yaml": awards,
            "content/stories/s2.md": story,
        },
    )
    unknown = [p for p in problems if "which does not exist" in p.message]
    # Each says what to do after what is wrong: check the id where the records are, or add one.
    assert all(": check the " in p.message and p.code.startswith("V30") for p in unknown), unknown
    found = {(p.path, p.line, p.message.partition(": check the ")[0]) for p in unknown}
    assert found == {
        (
            "content/teams/t.yaml",
            line_of(teams, "orphan"),
            "team 'orphan': 'parent' names a team 'clinc', which does not exist (did you mean 'clinic'?)",
        ),
        (
            "content/volunteers/v.yaml",
            line_of(volunteers, "ghost-member"),
            "volunteer 'ghost-member': 'teams' names a team 'nowhere', which does not exist",
        ),
        (
            "content/activities/a.yaml",
            line_of(activities, "act-3"),
            "activity 'act-3': 'team' names a team 'no-team', which does not exist",
        ),
        (
            "content/activities/a.yaml",
            line_of(activities, "act-3"),
            "activity 'act-3': 'participants' names a volunteer 'nobody', which does not exist",
        ),
        ("content/ledger/l.csv", 4, "ledger row: 'volunteer' names a volunteer 'no-one', which does not exist"),
        ("content/ledger/l.csv", 4, "ledger row: 'activity' names an activity 'no-activity', which does not exist"),
        (
            "content/awards/w.yaml",
            1,
            "award 'aw-1': 'volunteer' names a volunteer 'no-volunteer', which does not exist",
        ),
        (
            "content/stories/s2.md",
            story.splitlines().index("volunteers: [nobody]") + 1,
            "story 's2': 'volunteers' names a volunteer 'nobody', which does not exist",
        ),
        (
            "content/stories/s2.md",
            story.splitlines().index("activity: no-act") + 1,
            "story 's2': 'activity' names an activity 'no-act', which does not exist",
        ),
    }
    (formatted,) = [p.format() for p in problems if "'clinc'" in p.message]
    assert formatted.startswith(f"content/teams/t.yaml:{line_of(teams, 'orphan')}: team 'orphan'")


def test_a_field_on_its_own_line_is_reported_at_that_line(site):
    teams = TEAMS + "    - id: branch\n      name: 分队\n      parent: no-such-team\n"
    problems = problems_of(site, {"content/teams/t.yaml": teams})
    (problem,) = [p for p in problems if "no-such-team" in p.message]
    assert (problem.path, problem.line) == ("content/teams/t.yaml", line_of(teams, "parent: no-such-team"))


def test_an_id_used_twice_names_where_it_was_first(site):
    volunteers = VOLUNTEERS + "    - {id: li-na, name: 李娜二}\n"
    problems = problems_of(site, {"content/volunteers/v.yaml": volunteers})
    (problem,) = [p for p in problems if "used twice" in p.message]
    first = line_of(volunteers, "- id: li-na")  # the block record: its id's line
    assert problem.line == line_of(volunteers, "李娜二")
    assert problem.message.startswith(
        f"volunteer id 'li-na' is used twice (first at content/volunteers/v.yaml:{first}): give each its own id"
    )
