"""Issue 6, bad input never crashes: CSV in UTF-8, UTF-8 with BOM, GB18030/GBK and
UTF-16, with random cells, ragged rows, stray quotes and every line ending; and
Excel workbooks written by openpyxl with random cells, formulas, dates and numbers.
Every one gives a model or problems that each read `path:line: message`."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import ACTIVITY_IDS, VOLUNTEER_IDS, cjk_text, id_or_not, long_text, odd_text
from trustsite import FUZZ, assert_not_a_bug, fresh_site, loads, outcome, run_cli

openpyxl = pytest.importorskip("openpyxl")

HEADERS = {
    "ledger": [
        "日期",
        "服务日期",
        "志愿者编号",
        "编号",
        "时长",
        "服务时长",
        "活动编号",
        "积分",
        "备注",
        "姓名",
        "date",
        "volunteer",
        "hours",
        "activity",
        "points",
        "note",
        "DATE",
        " Hours ",
    ],
    "volunteers": [
        "编号",
        "姓名",
        "所属队伍",
        "职务",
        "注册日期",
        "公开",
        "未成年",
        "监护人同意",
        "手机",
        "身份证号",
        "id",
        "name",
        "teams",
        "role",
        "joined",
        "public",
        "minor",
        "skills",
        "photo",
        "bio",
    ],
}

date_text = st.dates().flatmap(
    lambda d: st.sampled_from(
        [
            d.isoformat(),
            f"{d.year}/{d.month}/{d.day}",
            f"{d.year}.{d.month}.{d.day}",
            f"{d.year}年{d.month}月{d.day}日",
            f"{d.month}/{d.day}/{d.year}",
            f"{d.year:04d}-{d.month:02d}-{d.day:02d} 08:00",
        ]
    )
)
cell_text = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "是",
            "否",
            "true",
            "0",
            "1",
            "2.5",
            "三",
            "-1",
            "25",
            "1e999",
            "nan",
            "inf",
            "hq",
            "clinic-a",
            "hq;clinic",
            "hq、clinic",
            '"',
            '""',
            ",",
            "\n",
            "\r",
            "a\r\nb",
            "#N/A",
            "=1+1",
            "@SUM(A1)",
            "\ufeff",
            "\t",
        ]
    ),
    id_or_not(VOLUNTEER_IDS + ACTIVITY_IDS),
    date_text,
    cjk_text,
    odd_text,
    long_text.map(lambda t: t[:3000]),
    st.integers().map(str),
    st.floats().map(repr),
)
header_cell = st.one_of(st.sampled_from(HEADERS["ledger"] + HEADERS["volunteers"]), odd_text)


def header_and_rows(folder: str):
    header = st.lists(st.one_of(st.sampled_from(HEADERS[folder]), header_cell), min_size=1, max_size=7)
    rows = st.lists(st.lists(cell_text, max_size=8), max_size=6)
    return st.tuples(header, rows)


def write_csv(header, rows, how: str, newline: str) -> str:
    if how == "naive":  # no quoting at all: commas and quotes in cells break the columns
        return newline.join(",".join(row) for row in [header] + rows) + newline
    out = io.StringIO()
    quoting = csv.QUOTE_ALL if how == "quote-all" else csv.QUOTE_MINIMAL
    csv.writer(out, lineterminator=newline, quoting=quoting).writerows([header] + rows)
    return out.getvalue()


ENCODE = {
    "utf-8": lambda text: text.encode("utf-8", "surrogatepass"),
    "utf-8-bom": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "gb18030": lambda text: text.encode("gb18030"),
    "gbk": lambda text: text.encode("gbk", "replace"),
    "utf-16": lambda text: text.encode("utf-16"),
    "gbk-then-utf-8": lambda text: (
        text[: len(text) // 2].encode("gbk", "replace") + text[len(text) // 2 :].encode("utf-8")
    ),
}


@FUZZ
@given(
    folder=st.sampled_from(["ledger", "volunteers"]),
    table=st.data(),
    how=st.sampled_from(["minimal", "quote-all", "naive"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(sorted(ENCODE)),
)
def test_csv_files(folder, table, how, newline, encoding):
    header, rows = table.draw(header_and_rows(folder))
    data = ENCODE[encoding](write_csv(header, rows, how, newline))
    loads({f"content/{folder}/fuzz.csv": data})


@FUZZ
@given(data=st.binary(max_size=400), folder=st.sampled_from(["ledger", "volunteers", "teams", "stories"]))
def test_random_bytes_under_any_name(data, folder):
    """Bytes that are not text, or text by accident, in every kind of file."""
    suffix = {"stories": ".md", "teams": ".yaml"}.get(folder, ".csv")
    loads({f"content/{folder}/fuzz{suffix}": data})


@FUZZ
@given(
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", "日期,".encode("gbk")]),
    good=st.lists(st.sampled_from(["2024/1/2,li-na,2,导诊", "2024-01-03,zhang-wei,3,陪诊"]), max_size=4),
    bad=st.lists(st.binary(min_size=1, max_size=6), max_size=3),
)
def test_encodings_mixed_within_a_file(prefix, good, bad):
    lines = ["日期,志愿者编号,时长,备注".encode()] + [line.encode() for line in good] + bad
    loads({"content/ledger/mixed.csv": prefix + b"\n".join(lines) + b"\n"})


# ------------------------------------------------------------------ Excel


def _legal(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)


excel_cell = st.one_of(
    st.none(),
    cell_text.map(_legal),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1)),
    st.times(),
    st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=3)),
    st.sampled_from(
        [
            "=1/0",
            "=A1",
            "=SUM(A1:A3)",
            '="li-na"',
            "=NOW()",
            "=TODAY()",
            "=B2*2",
            "=#REF!",
            '=HYPERLINK("http://x")',
            "=" + "(" * 50 + "1" + ")" * 50,
        ]
    ),
)


def write_xlsx(header, rows, sheets_before: int, far: tuple[int, int] | None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for number in range(sheets_before):  # the first sheet is the one read: maybe an empty one
        book.create_sheet(f"s{number}", 0)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if far is not None:
        sheet.cell(row=far[0], column=far[1], value="far away")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@settings(FUZZ, max_examples=40)
@given(
    folder=st.sampled_from(["ledger", "volunteers"]),
    header=st.lists(
        st.one_of(st.sampled_from(HEADERS["ledger"] + HEADERS["volunteers"]), excel_cell), min_size=1, max_size=6
    ),
    rows=st.lists(st.lists(excel_cell, max_size=7), max_size=5),
    sheets_before=st.sampled_from([0, 0, 0, 1]),
    far=st.one_of(st.none(), st.tuples(st.integers(1, 3000), st.integers(1, 400))),
)
def test_xlsx_files(folder, header, rows, sheets_before, far):
    loads({f"content/{folder}/fuzz.xlsx": write_xlsx(header, rows, sheets_before, far)})


@settings(FUZZ, max_examples=12)
@given(
    rows=st.lists(
        st.tuples(
            st.one_of(st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2025, 1, 1)), date_text),
            id_or_not(VOLUNTEER_IDS),
            st.one_of(st.integers(0, 30), st.floats(0, 30), cell_text.map(_legal)),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_xlsx_ledgers_that_mostly_load_render(rows):
    data = write_xlsx(["日期", "志愿者编号", "时长"], [list(row) for row in rows], 0, None)
    loads({"content/ledger/fuzz.xlsx": data}, render=True)


def test_the_command_line_on_broken_tables_exits_1():
    for files in (
        {"content/ledger/l.csv": b"\xff\xfe\x00"},
        {"content/ledger/l.xlsx": write_xlsx(["日期", "志愿者编号", "时长"], [["=1/0", 1, "x"]], 1, None)},
        {"content/volunteers/v.csv": 'id,name\n"a,b\n'.encode("gbk")},
    ):
        with fresh_site(files) as root:
            assert isinstance(outcome(root), list)
            result = run_cli("build", str(root), "-q")
            assert_not_a_bug(result)
            assert result.returncode == 1
