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
from conftest import tree_digest
from trustsite import assert_not_a_bug, fresh_site, loads, run_cli

NOT_REGULAR = "is not a regular file (a pipe, socket or device?): remove it"

# ------------------------------------------------------------------ special files

SPECIAL_PLACES = ["content/stories/pipe.md", "content/volunteers/pipe.yaml", "content/ledger/pipe.csv",
                  "content/ledger/pipe.xlsx", "content/media/pipe.jpg", "content/media/photos/pipe.png",
                  "content/stories/notes.txt"]


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
    site, warnings = loads({"content/ledger/hours.xlsx": _workbook(("2024", LEDGER_2024), ("2023", LEDGER_2023),
                                                                   ("空白", []))})
    assert "content/ledger/hours.xlsx: warning: has a sheet besides the first that volsite does not read " \
           "('2023'): move the records to the first sheet, or each sheet into a file of its own" in warnings, warnings
    assert site.figures.volunteers["li-na"].hours == 4 + 2  # the activity, and the first sheet alone


def test_a_workbook_whose_later_sheets_hold_records_under_a_title_line_is_warned_about():
    roster = [["2024年新志愿者"], ["编号", "姓名"], ["wang-fang", "王芳"]]
    _site, warnings = loads({"content/volunteers/people.xlsx": _workbook(
        ("一月", [["id", "name"], ["zhao-lei", "赵磊"]]), ("二月", roster), ("三月", roster), ("四月", roster),
        ("五月", roster), ("六月", roster), ("七月", roster))})
    assert "content/volunteers/people.xlsx: warning: has 6 sheets besides the first that volsite does not read " \
           "('二月', '三月', '四月', '五月', '六月', …): move the records to the first sheet, or each sheet into " \
           "a file of its own" in warnings, warnings


def test_a_workbook_with_empty_sheets_or_instructions_after_the_first_is_not_warned_about():
    """Excel and WPS once made every new workbook with three sheets, two of them empty; a
    sheet of instructions (填表说明) holds no records."""
    _site, warnings = loads({"content/ledger/hours.xlsx": _workbook(
        ("Sheet1", LEDGER_2024), ("Sheet2", []), ("Sheet3", [[None, None]]),
        ("填表说明", [["每行记录一名志愿者一天的服务。"], ["时长单位为小时，最多 24。"]]),
        ("字段", [["字段", "说明"], ["日期", "服务的日期"]]))})
    assert not [w for w in warnings if "hours.xlsx" in w], warnings
