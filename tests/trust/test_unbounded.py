"""Input that held a build for ever or for minutes (issue 15, item 7): a pipe, socket or
device among the content files, Markdown nested thousands of levels deep, a workbook
whose other sheets were passed over without a word."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess

import pytest
from trustsite import assert_not_a_bug, fresh_site, loads, run_cli

from conftest import tree_digest

NOT_REGULAR = "is not a regular file (a pipe, socket or device?): remove it"

# ------------------------------------------------------------------ special files

SPECIAL_PLACES = [
    "content/stories/pipe.md",
    "content/volunteers/pipe.yaml",
    "content/ledger/pipe.csv",
    "content/ledger/pipe.xlsx",
    "content/media/pipe.jpg",
    "content/media/photos/pipe.png",
    "content/stories/notes.txt",
]


def _build(root, timeout: float = 30) -> subprocess.CompletedProcess:
    try:
        result = run_cli("build", str(root), "-q", timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the build waited more than {timeout} s")
    assert_not_a_bug(result)
    return result


@pytest.mark.parametrize("remembered", [True, False], ids=["with-a-build-record", "cold"])
@pytest.mark.parametrize("where", SPECIAL_PLACES)
def test_a_pipe_among_the_content_files_is_a_problem_not_a_hang(where, remembered):
    """A pipe opened for reading waits for a writer for ever: the no-change check (which hashes
    every input), the reading of content and the listing of media must all refuse it unopened."""
    with fresh_site({}) as root:
        assert _build(root).returncode == 0
        if not remembered:  # nothing to compare with: the build hashes what it reads as it reads it
            shutil.rmtree(root / ".volsite-cache")
        before = tree_digest(root / "output")
        (root / where).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(root / where)
        result = _build(root)
        assert result.returncode == 1, result.stdout + result.stderr
        assert f"{where}: {NOT_REGULAR}" in result.stderr, result.stderr
        assert tree_digest(root / "output") == before


def test_a_socket_among_the_stories_is_a_problem(monkeypatch):
    with fresh_site({}) as root:
        listening = socket.socket(socket.AF_UNIX)
        try:
            monkeypatch.chdir(root)  # a socket's path is limited to about 100 bytes: bound relative to here
            listening.bind("content/stories/socket.md")
            result = _build(root)
        finally:
            listening.close()
    assert result.returncode == 1
    assert f"content/stories/socket.md: {NOT_REGULAR}" in result.stderr, result.stderr


# ------------------------------------------------------------------ nesting

STORY = "---\ntitle: 深\ndate: 2024-01-01\n---\n"  # the body starts on line 5
NEST_LESS = "a page needs a few at most: nest them less"


def _story_problem(line: int, first: int, slug: str = "deep") -> str:
    return (
        f"content/stories/{slug}.md:{line}: story '{slug}': quotes, lists or emphasis are nested more than "
        f"32 levels deep here (from line {first} on); {NEST_LESS} [V171]"
    )


def _list(levels: int, indent: str = "  ") -> str:
    return "".join(indent * level + "- 项\n" for level in range(levels))


@pytest.mark.parametrize(
    "body, line, first",
    [
        ("正文\n\n" + ">" * 100_000 + " 引\n", 7, 7),
        ("正文\n\n" + "> " * 33 + "引\n", 7, 7),
        (_list(300), 37, 5),
        (_list(40, "\t"), 37, 5),  # a tab is two levels of indent
        ("前\n\n" + "1. " * 20 + "> " * 13 + "引\n", 7, 7),
        ("".join("*a _b " for _ in range(5000)) + "".join("c_ d*" for _ in range(5000)), 5, 5),
        ("前\n\n- 项\n  - " + "~甲 " * 40 + "乙" + " 甲~" * 40 + "\n", 8, 7),
        ("前\n\n[" + "![" * 40 + "图" + "](a)" * 41 + "\n", 7, 7),
        ("[^注]\n\n[^注]: " + ">" * 50 + " 深\n", 7, 7),
    ],
    ids=[
        "100000-quotes",
        "spaced-quotes",
        "list",
        "tabbed-list",
        "lists-in-quotes",
        "emphasis",
        "strikethrough-in-a-list",
        "images-in-a-link",
        "in-a-footnote",
    ],
)
def test_markdown_nested_too_deep_is_a_problem_at_its_line(body, line, first):
    _result, problems = loads({"content/stories/deep.md": STORY + body})
    assert problems == [_story_problem(line, first)], problems


@pytest.mark.parametrize(
    "body",
    [
        "> " * 32 + "引\n",
        _list(32),
        "1. " * 16 + "> " * 16 + "引\n",
        "- " * 16 + "*a _b *c _d " * 4 + "e" + " f_ g* h_ i*" * 4 + "\n",
        "\n\n".join(["**粗体**，[链接](/a_b_c/)，~~删除~~，_斜体_。" * 10] * 20),
    ],
)
def test_markdown_nested_32_levels_or_with_many_marks_builds(body):
    result, problems = loads({"content/stories/deep.md": STORY + body}, render=True)
    assert not [p for p in problems if "nested" in p or "nests" in p], problems


@pytest.mark.parametrize(
    "folder, record, field, label",
    [
        ("volunteers", "- id: wang\n  name: 王\n  teams: [hq]\n  bio: |\n    {}\n", "bio", "volunteer 'wang'"),
        ("teams", "- id: deep\n  name: 深\n  description: '{}'\n", "description", "team 'deep'"),
        ("activities", "- id: deep\n  title: 深\n  date: 2024-01-01\n  summary: '{}'\n", "summary", "activity 'deep'"),
        (
            "awards",
            "- id: deep\n  title: 优秀\n  volunteer: li-na\n  year: 2024\n  citation: '{}'\n",
            "citation",
            "award 'deep'",
        ),
    ],
    ids=["bio", "description", "summary", "citation"],
)
def test_a_record_field_nested_too_deep_is_a_problem_at_the_field(folder, record, field, label):
    line = record.splitlines().index(next(x for x in record.splitlines() if x.strip().startswith(field))) + 1
    _result, problems = loads({f"content/{folder}/deep.yaml": record.format(">" * 100_000 + " x")})
    assert (
        f"content/{folder}/deep.yaml:{line}: {label}: '{field}' nests quotes, lists or emphasis more than 32 "
        f"levels deep (from its line 1 on); {NEST_LESS} [V172]" in problems
    ), problems


def test_a_roster_bio_nested_too_deep_is_a_problem_at_its_row():
    roster = "编号,姓名,所属队伍,简介\nzhao,赵,hq,好\nwang,王,hq," + "*a _b " * 40 + "c_ d*" * 40 + "\n"
    _result, problems = loads({"content/volunteers/roster.csv": roster})
    assert problems == [
        f"content/volunteers/roster.csv:3: volunteer 'wang': 'bio' nests quotes, lists or emphasis "
        f"more than 32 levels deep (from its line 1 on); {NEST_LESS} [V172]"
    ], problems


def test_100000_nested_quotes_stop_the_build_at_once():
    """Indexed for search, the page took 30 s (and 4x for twice the depth): the build now stops
    before it renders anything, and the output stays as it was."""
    with fresh_site({"site.yaml": "title: 测试站\nbase_url: https://example.org/volunteer/\n"}) as root:
        assert _build(root, timeout=120).returncode == 0
        before = tree_digest(root / "output")
        (root / "content/stories/deep.md").write_text(STORY + ">" * 100_000 + " 引\n", encoding="utf-8")
        result = _build(root)
        assert result.returncode == 1, result.stderr
        assert _story_problem(5, 5) in result.stderr, result.stderr
        assert tree_digest(root / "output") == before


# ------------------------------------------------------------------ workbooks


def _workbook(*sheets: tuple[str, list[list]]) -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


LEDGER_2024 = [["日期", "志愿者编号", "时长"], ["2024-02-01", "li-na", 2]]
LEDGER_2023 = [["日期", "志愿者编号", "时长"], ["2023-02-01", "li-na", 3]]


def test_a_workbook_whose_second_sheet_holds_records_is_warned_about():
    site, warnings = loads(
        {"content/ledger/hours.xlsx": _workbook(("2024", LEDGER_2024), ("2023", LEDGER_2023), ("空白", []))}
    )
    assert (
        "content/ledger/hours.xlsx: warning: has a sheet besides the first that volsite does not read "
        "('2023'): move the records to the first sheet, or each sheet into a file of its own [V152]" in warnings
    ), warnings
    assert site.figures.volunteers["li-na"].hours == 4 + 2  # the activity, and the first sheet alone


def test_a_workbook_whose_later_sheets_hold_records_under_a_title_line_is_warned_about():
    roster = [["2024年新志愿者"], ["编号", "姓名"], ["wang-fang", "王芳"]]
    _site, warnings = loads(
        {
            "content/volunteers/people.xlsx": _workbook(
                ("一月", [["id", "name"], ["zhao-lei", "赵磊"]]),
                ("二月", roster),
                ("三月", roster),
                ("四月", roster),
                ("五月", roster),
                ("六月", roster),
                ("七月", roster),
            )
        }
    )
    assert (
        "content/volunteers/people.xlsx: warning: has 6 sheets besides the first that volsite does not read "
        "('二月', '三月', '四月', '五月', '六月', …): move the records to the first sheet, or each sheet into "
        "a file of its own [V153]" in warnings
    ), warnings


def test_a_workbook_with_empty_sheets_or_instructions_after_the_first_is_not_warned_about():
    """Excel and WPS once made every new workbook with three sheets, two of them empty; a
    sheet of instructions (填表说明) holds no records."""
    _site, warnings = loads(
        {
            "content/ledger/hours.xlsx": _workbook(
                ("Sheet1", LEDGER_2024),
                ("Sheet2", []),
                ("Sheet3", [[None, None]]),
                ("填表说明", [["每行记录一名志愿者一天的服务。"], ["时长单位为小时，最多 24。"]]),
                ("字段", [["字段", "说明"], ["日期", "服务的日期"]]),
            )
        }
    )
    assert not [w for w in warnings if "hours.xlsx" in w], warnings


def test_a_pipe_in_place_of_site_yaml_is_a_problem_not_default_settings():
    with fresh_site({}) as root:
        (root / "site.yaml").unlink()
        os.mkfifo(root / "site.yaml")
        result = run_cli("build", str(root), "-q", timeout=30)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "site.yaml: is not a regular file" in result.stderr + result.stdout
        assert not (root / "output").exists()


def _team_chain(levels: int) -> str:
    return "".join(f"- {{id: t{n}, name: 队{n}{', parent: t' + str(n - 1) if n else ''}}}\n" for n in range(levels))


def test_a_team_tree_thousands_of_levels_deep_is_one_problem_at_once():
    """3,000 levels ended in a RecursionError (exit 3) after 75 s; 200 blamed the theme."""
    with fresh_site({"content/teams/deep.yaml": _team_chain(3000)}) as root:
        result = run_cli("build", str(root), "-q", timeout=60)
        assert result.returncode == 1, result.stderr[-2000:]
        deep = [line for line in result.stderr.splitlines() if "levels deep" in line]
        assert deep == [
            "content/teams/deep.yaml:13: team 't12': the team tree is more than 12 levels deep here; a tree "
            "needs a few (committee → branch → group): check the 'parent' of the teams above it [V314]"
        ], result.stderr[-2000:]
        assert not (root / "output").exists()


def test_a_team_tree_of_twelve_levels_builds():
    with fresh_site({"content/teams/deep.yaml": _team_chain(12)}) as root:
        result = run_cli("build", str(root), "-q")
        assert result.returncode == 0, result.stderr[-2000:]
        assert (root / "output/teams/t11/index.html").is_file()


def test_a_loop_in_the_team_tree_is_still_named_once():
    chain = "- {id: a, name: 甲, parent: c}\n- {id: b, name: 乙, parent: a}\n- {id: c, name: 丙, parent: b}\n"
    chain += "- {id: d, name: 丁, parent: a}\n"
    result, texts = loads({"content/teams/loop.yaml": chain})
    assert [t for t in texts if "loops" in t] == [
        "content/teams/loop.yaml:1: team 'a': the team tree loops: a → c → b → a: change the 'parent' of one of "
        "these teams, so that the tree has a top [V309]"
    ]
