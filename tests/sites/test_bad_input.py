"""SPEC section 6: every kind of bad input is reported as path:line: message,
all at once, with exit status 1, and the previous output/ left as it was."""

from __future__ import annotations

import pytest

from conftest import tree_digest


def built_then_broken(site, files):
    """Build a good site, then break it with `files` and build again."""
    site()
    first = site.build()
    assert first.exit_code == 0, first.output
    before = tree_digest(first.out)
    site.write(files)
    result = site.build()
    assert result.exit_code == 1, result.output
    assert tree_digest(result.out) == before, "a failed build changed output/"
    assert "nothing was written" in result.output
    return result


CASES = {
    "yaml_does_not_parse": (
        {"content/teams/more.yaml": "- id: x\n  name: [unclosed\n"},
        "content/teams/more.yaml:2: YAML does not parse",
    ),
    "front_matter_does_not_parse": (
        {"content/stories/x.md": "---\ntitle: 好\ndate: 2024-01-01\nslug: [x\n---\n正文\n"},
        "content/stories/x.md:4: YAML does not parse",
    ),
    "csv_does_not_parse": (
        {"content/ledger/l.csv": 'date,volunteer,hours\n2024-01-02,li-na,"3\n2024-01-03,li-na,2\n'},
        "content/ledger/l.csv:2: CSV does not parse",
    ),
    "missing_required_field": (
        {"content/activities/b.yaml": "id: b\ndate: 2024-01-01\n"},
        "content/activities/b.yaml:1: activity 'b': the required field 'title' is missing",
    ),
    "missing_story_title": (
        {"content/stories/x.md": "---\ndate: 2024-01-01\n---\n正文\n"},
        "content/stories/x.md:1: story: the required field 'title' is missing",
    ),
    "wrong_type": (
        {"content/activities/b.yaml": "id: b\ntitle: 活动\ndate: 2024-01-01\npeople_served: 很多\n"},
        "content/activities/b.yaml:4: activity 'b': 'people_served' must be a number, not '很多'",
    ),
    "wrong_date": (
        {"content/activities/b.yaml": "id: b\ntitle: 活动\ndate: 2024-02-30\n"},
        "content/activities/b.yaml:3: activity 'b': 'date' must be a date like 2024-03-05, not '2024-02-30'",
    ),
    "wrong_date_in_csv": (
        {"content/ledger/l.csv": "日期,志愿者编号,时长\n2024/2/30,li-na,2\n"},
        "content/ledger/l.csv:2: ledger row: '日期' must be a date like 2024-03-05, not '2024/2/30'",
    ),
    "unknown_reference": (
        {"content/volunteers/more.yaml": "id: wang-fang\nname: 王芳\nteams: [hq, nursing]\n"},
        "content/volunteers/more.yaml:3: volunteer 'wang-fang': 'teams' names a team 'nursing', which does not exist",
    ),
    "unknown_reference_in_ledger": (
        {"content/ledger/l.csv": "date,volunteer,hours\n2024-01-02,li-na,2\n2024-01-03,wang-wu,2\n"},
        "content/ledger/l.csv:3: ledger row: 'volunteer' names a volunteer 'wang-wu', which does not exist",
    ),
    "duplicate_id": (
        {"content/volunteers/more.yaml": "id: li-na\nname: 李娜二\n"},
        "content/volunteers/people.yaml:5: volunteer id 'li-na' is used twice (first at content/volunteers/more.yaml:1)",
    ),
    "duplicate_slug": (
        {"content/stories/sub/clinic.md": "---\ntitle: 又一篇\ndate: 2024-01-01\n---\n正文\n"},
        "story slug 'clinic' is used twice",
    ),
    "hours_over_24": (
        {"content/ledger/l.csv": "date,volunteer,hours\n2024-01-02,li-na,25\n"},
        "content/ledger/l.csv:2: ledger row: 'hours' must be more than 0 and at most 24, not 25",
    ),
    "hours_zero": (
        {"content/ledger/l.yaml": "- date: 2024-01-02\n  volunteer: li-na\n  hours: 0\n"},
        "content/ledger/l.yaml:3: ledger row: 'hours' must be more than 0 and at most 24, not 0",
    ),
    "hours_not_a_number": (
        {"content/ledger/l.csv": "date,volunteer,hours\n2024-01-02,li-na,三\n"},
        "content/ledger/l.csv:2: ledger row: 'hours' must be a number, not '三'",
    ),
    "double_service": (
        {"content/ledger/l.csv": "date,volunteer,hours,activity\n2024-03-05,li-na,2,2024-03-05-clinic\n"},
        "content/ledger/l.csv:2: volunteer 'li-na' is recorded twice for activity '2024-03-05-clinic'",
    ),
    "private_field_published": (
        {"site.yaml": "title: 测试站\npublish_fields: [skills_note, id_number]\n"},
        "site.yaml:2: 'id_number' is a private field of volunteers and is never published",
    ),
    "path_escapes_folder": (
        {"content/volunteers/more.yaml": "id: wang-fang\nname: 王芳\nphoto: ../../etc/passwd\nphoto_consent: true\n"},
        "content/volunteers/more.yaml:3: volunteer 'wang-fang': 'photo' '../../etc/passwd' leaves the content folder",
    ),
    "absolute_path": (
        {"content/stories/x.md": "---\ntitle: 好\ndate: 2024-01-01\ncover: /etc/passwd\n---\n正文\n"},
        "content/stories/x.md:4: story 'x': 'cover' '/etc/passwd' is an absolute path",
    ),
    "missing_media_file": (
        {"content/stories/x.md": "---\ntitle: 好\ndate: 2024-01-01\ncover: media/none.jpg\n---\n正文\n"},
        "content/stories/x.md:4: story 'x': 'cover' names the file content/media/none.jpg, which does not exist",
    ),
    "unknown_setting": (
        {"site.yaml": "title: 测试站\npagnation: 10\n"},
        "site.yaml:2: unknown setting 'pagnation' (did you mean 'pagination'?)",
    ),
    "bad_id": (
        {"content/teams/more.yaml": "id: Blood Drive\nname: 献血队\n"},
        "content/teams/more.yaml:1: team: 'id' must be lower-case letters, digits and '-'",
    ),
    "not_text": ({"content/stories/x.md": b"---\x00\x00binary"}, "content/stories/x.md: is not a text file"),
    "team_tree_loops": (
        {
            "content/teams/teams.yaml": "- {id: hq, name: 总队, parent: clinic-a}\n- {id: clinic, name: 医疗队, parent: hq}\n"
            "- {id: clinic-a, name: 一组, parent: clinic}\n"
        },
        "the team tree loops",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_reported_with_file_and_line(site, name):
    files, expected = CASES[name]
    result = built_then_broken(site, files)
    assert expected in result.output


def test_every_problem_is_reported_at_once(site):
    result = built_then_broken(
        site,
        {
            "content/activities/b.yaml": "id: b\ndate: 2024-02-30\ntitle: x\n",
            "content/ledger/l.csv": "date,volunteer,hours\n2024-01-02,li-na,25\n2024-01-03,nobody,2\n",
            "site.yaml": "title: x\nbogus: 1\n",
        },
    )
    for expected in (
        "content/activities/b.yaml:2:",
        "content/ledger/l.csv:2:",
        "content/ledger/l.csv:3:",
        "site.yaml:2:",
    ):
        assert expected in result.output
    assert "4 problem(s)" in result.output


def test_gbk_csv_error_names_the_line(site):
    csv = "日期,志愿者编号,时长\n2024/1/2,li-na,2\n2024/1/3,李四,2\n".encode("gbk")
    result = built_then_broken(site, {"content/ledger/l.csv": csv})
    assert "content/ledger/l.csv:3: ledger row: 'volunteer' holds" not in result.output
    assert "content/ledger/l.csv:3:" in result.output and "'李四'" in result.output


def test_first_build_with_errors_writes_no_output(site):
    site({"content/ledger/l.csv": "date,volunteer,hours\n2024-01-02,li-na,99\n"})
    result = site.build()
    assert result.exit_code == 1
    assert not result.out.exists()
    assert not [p for p in site.root.iterdir() if p.name.startswith(".output")], "staging folder left behind"


def test_warnings_do_not_fail_the_build(site):
    site({"content/teams/more.yaml": "id: x\nname: 新队\ncolour: red\n"})
    result = site.build()
    assert result.exit_code == 0
    assert "content/teams/more.yaml:3: warning: team 'x': unknown field 'colour' is ignored" in result.output


@pytest.mark.parametrize("output", [".", "content", "themes", ".."])
def test_unsafe_output_folder_is_usage_error(site, output):
    site()
    (site.root / "themes").mkdir(exist_ok=True)
    result = site.build("-o", str(site.root / output))
    assert result.exit_code == 2
    assert "refusing" in result.output
    assert (site.root / "content/stories/2024-03-05-clinic.md").exists()


def test_foreign_output_folder_is_not_replaced(site):
    site()
    foreign = site.root / "output"
    foreign.mkdir()
    (foreign / "precious.txt").write_text("not volsite's")
    result = site.build()
    assert result.exit_code == 2
    assert (foreign / "precious.txt").read_text() == "not volsite's"


def test_not_a_site_is_usage_error(site, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = site.run("build", str(empty))
    assert result.exit_code == 2
    assert "not a volsite site" in result.output


def test_check_reports_without_writing(site):
    site({"content/ledger/l.csv": "date,volunteer,hours\n2024-01-02,li-na,30\n"})
    result = site.run("check", str(site.root))
    assert result.exit_code == 1
    assert "content/ledger/l.csv:2:" in result.output
    assert not result.out.exists()


def test_a_themes_static_file_at_a_pages_address_names_the_file(site):
    result = built_then_broken(
        site,
        {
            "site.yaml": "title: 测试站\nbase_url: https://example.org/volunteer/\ntheme: mine\n",
            "themes/mine/static/stories/index.html": "<p>旧页面</p>\n",
        },
    )
    assert (
        "themes/mine/static/stories/index.html: the file themes/mine/static/stories/index.html would overwrite the page stories/index.html"
        in result.output
    )
    assert "[V506]" in result.output
