"""Reading files as staff save them: encodings, CSV and XLSX, with line numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from volsite.kinds.ledger import TABLE_HEADERS
from volsite.problems import Problems
from volsite.read.tables import table_records
from volsite.read.text import decode_text
from volsite.read.yaml import yaml_records

# Text a volunteer roster may hold: CJK, Latin, digits, punctuation; every
# character representable in GBK, so the round trip is possible in all three.
cell_text = (
    st.text(
        alphabet=st.sampled_from(list("张王李赵刘陈杨黄欧阳娜伟芳明红马甲志愿服务队 abcXYZ019-·，。（）\"'")),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)

ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-bom": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "gbk": lambda text: text.encode("gbk"),
    "gb18030": lambda text: text.encode("gb18030"),
}


def write_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(cell_text, cell_text), min_size=1, max_size=8))
def test_csv_round_trips_in_every_encoding(tmp_path, encoding, rows):
    text = write_csv([["备注", "志愿者编号"]] + [list(r) for r in rows])
    (tmp_path / "l.csv").write_bytes(ENCODINGS[encoding](text))
    problems = Problems()
    records = table_records(tmp_path, "l.csv", TABLE_HEADERS, problems)
    assert not list(problems)
    assert [(r.data["note"], r.data["volunteer"]) for r in records] == rows
    assert [r.line for r in records] == list(range(2, len(rows) + 2))


def test_decode_prefers_utf8_and_falls_back_to_gb18030():
    assert decode_text("志愿".encode()) == ("志愿", "utf-8")
    assert decode_text(b"\xef\xbb\xbf" + "志愿".encode()) == ("志愿", "utf-8-sig")
    assert decode_text("志愿".encode("gbk")) == ("志愿", "gb18030")
    assert decode_text(b"a\x00b")[0] is None


def test_gbk_whose_lines_happen_to_be_utf8_stays_gbk():
    # 欧 in GBK is C5 B7, which is also UTF-8 for ŷ; Hypothesis found this file
    text = "备注,志愿者编号\n0,欧\n1,欧\n"
    assert decode_text(text.encode("gbk")) == (text, "gb18030")
    assert decode_text("José,Müller\n".encode()) == ("José,Müller\n", "utf-8")  # a tie keeps UTF-8


def test_a_gbk_line_pasted_into_a_utf8_file_is_named():
    data = "备注,志愿者编号\n".encode() + "李娜,li-na\n".encode("gbk") + "王伟,wang-wei\n".encode()
    text, reason = decode_text(data)
    assert text is None and "line 2 is not" in reason


def test_blank_lines_are_skipped_and_lines_still_count(tmp_path):
    (tmp_path / "l.csv").write_text("date,volunteer,hours\n\n2024-01-01,a,2\n,,\n2024-01-02,b,3\n")
    records = table_records(tmp_path, "l.csv", TABLE_HEADERS, Problems())
    assert [(r.line, r.data["volunteer"]) for r in records] == [(3, "a"), (5, "b")]


def test_xlsx_reads_the_first_sheet_with_row_numbers(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["日期", "志愿者编号", "时长", "备注"])
    sheet.append([dt.datetime(2024, 3, 5), "zhang-wei", 3.5, "导诊"])
    sheet.append([None, None, None, None])
    sheet.append(["2024/3/6", "li-na", 2, None])
    book.create_sheet("other").append(["ignored"])
    book.save(tmp_path / "l.xlsx")
    records = table_records(tmp_path, "l.xlsx", TABLE_HEADERS, Problems())
    # a spreadsheet's cells are the text a CSV file would hold: a date cell as 2024-03-05, a number as Excel shows it
    assert [(r.line, r.data) for r in records] == [
        (2, {"date": "2024-03-05", "volunteer": "zhang-wei", "hours": "3.5", "note": "导诊"}),
        (4, {"date": "2024/3/6", "volunteer": "li-na", "hours": "2"}),
    ]


@pytest.mark.parametrize(
    ("serial", "date"),
    [
        (1, dt.date(1900, 1, 1)),
        (59, dt.date(1900, 2, 28)),
        (60, None),  # 1900-02-29, which Excel counts and the calendar has not
        (61, dt.date(1900, 3, 1)),
        (45658, dt.date(2025, 1, 1)),
        (45658.75, dt.date(2025, 1, 1)),  # 18:00 that day
        (2_958_465, dt.date(9999, 12, 31)),
        (2_958_466, None),
        (0, None),
        (-3, None),
        (True, None),
        ("45658", None),
    ],
)
def test_excel_date_serials(serial, date):
    from volsite.read.tables import excel_serial_date

    assert excel_serial_date(serial) == date


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("  导诊 ", "导诊"),
        ("", None),
        ("   ", None),
        ("a\x01b", "a\ufffdb"),
        (3.0, "3"),
        (3.5, "3.5"),
        (0.1 + 0.2, "0.3"),
        (1001, "1001"),
        (13800138000.0, "13800138000"),
        (dt.date(2024, 3, 5), "2024-03-05"),
        (dt.datetime(2024, 3, 5), "2024-03-05"),
        (dt.datetime(2024, 3, 5, 10, 30), dt.datetime(2024, 3, 5, 10, 30)),
        (True, True),
        (None, None),
    ],
)
def test_a_spreadsheet_cell_is_the_text_a_csv_would_hold(value, cell):
    from volsite.read.tables import _sheet_cell

    assert _sheet_cell(value) == cell


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("日期,志愿者编号,时长\n2024-01-01,a,2\n", ","),
        ("日期\t志愿者编号\t时长\n2024-01-01\ta,b\t2\n", "\t"),  # a comma in a note
        ("日期;志愿者编号;时长\n2024-01-01;a;2,5\n", ";"),  # a decimal comma
        ("2025年志愿服务台账\t\t\n日期\t志愿者编号\t时长\n", "\t"),  # a title line
        ("编号,姓名,技能\nzhang-wei,张伟,急救;导诊\nli-na,李娜,导诊;陪诊\n", ","),  # lists in a cell
        ("姓名\n张伟\n", ","),  # one column
        ("", ","),
    ],
)
def test_the_delimiter_of_a_text_table(text, delimiter):
    from volsite.read.tables import delimiter_of

    assert delimiter_of(text) == delimiter


def test_title_lines_are_passed_over_and_a_one_column_table_keeps_its_rows(tmp_path):
    (tmp_path / "l.csv").write_text(
        "2025年志愿服务台账,,\n填报单位：门诊部,,\n\n日期,志愿者编号,时长\n2025-01-02,a,2\n"
    )
    records = table_records(tmp_path, "l.csv", TABLE_HEADERS, Problems())
    assert [(r.line, r.data["volunteer"]) for r in records] == [(5, "a")]
    (tmp_path / "n.csv").write_text("备注\n一\n二\n三\n四\n五\n")
    records = table_records(tmp_path, "n.csv", TABLE_HEADERS, Problems())
    assert [(r.line, r.data["note"]) for r in records] == [(2, "一"), (3, "二"), (4, "三"), (5, "四"), (6, "五")]


@pytest.mark.parametrize(
    ("patterns", "ignored", "read"),
    [
        (
            ["ledger/README.txt"],
            ["content/ledger/README.txt", "content/ledger/readme.TXT"],
            ["content/ledger/a/README.txt"],
        ),
        (["README.txt"], ["content/ledger/README.txt", "content/ledger/2024/README.txt"], ["content/ledger/README.md"]),
        (["**/*.docx"], ["content/a.docx", "content/ledger/x/y.docx"], ["content/ledger/x.docx.csv"]),
        (
            ["content/stories/drafts/"],
            ["content/stories/drafts/a.md", "content/stories/drafts/x/b.jpg"],
            ["content/stories/a.md"],
        ),
        (["ledger/*.txt"], ["content/ledger/a.txt"], ["content/ledger/2024/a.txt"]),
        ([], [], ["content/ledger/a.txt"]),
    ],
)
def test_ignore_patterns(patterns, ignored, read):
    from volsite.kinds.content import ignored_by

    matches = ignored_by(patterns)
    assert [rel for rel in ignored + read if matches(rel)] == ignored


def test_yaml_records_keep_the_line_of_every_key(tmp_path):
    (tmp_path / "t.yaml").write_text(
        "# teams\n- id: a\n  name: 甲\n\n- id: b\n  name: 乙\n  parent: a\n", encoding="utf-8"
    )
    records = yaml_records(tmp_path, "t.yaml", Problems())
    assert [(r.line, r.line_of("id"), r.line_of("parent")) for r in records] == [(2, 2, 2), (5, 5, 7)]


def test_yaml_duplicate_key_is_a_problem(tmp_path):
    (tmp_path / "t.yaml").write_text("id: a\nname: 甲\nname: 乙\n", encoding="utf-8")
    problems = Problems()
    assert yaml_records(tmp_path, "t.yaml", problems) == []
    assert [p.format() for p in problems] == [
        "t.yaml:3: YAML does not parse: the key 'name' is given twice: keep one of them [V130]"
    ]


# ---------------------------------------------------------------- YAML: the quick composer


def _parsed_both_ways(text: str, monkeypatch) -> tuple:
    """parse_yaml's value, line numbers and problems, by the quick path and by _compose alone."""
    import volsite.read.yaml as reader

    def parse():
        problems = Problems()
        value = reader.parse_yaml_by_pyyaml(text, "x.yaml", problems)
        return value, _lines_of(value), [(p.line, p.message) for p in problems]

    quick = parse()
    with monkeypatch.context() as patch:
        patch.setattr(reader, "QUICK_COMPOSE_CHARS", -1)
        careful = parse()
    return quick, careful


def _lines_of(value):
    from volsite.read.yaml import LineMap

    if isinstance(value, LineMap):
        return (value.line, dict(value.lines), {k: _lines_of(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_lines_of(v) for v in value]
    return None


yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.dates(),
    st.text(alphabet=st.sampled_from(list("志愿者 abc:-#'\"[]{},?|>%@`\\\t")), max_size=8),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(alphabet=st.sampled_from(list("abc名字")), min_size=1, max_size=4), inner, max_size=4),
    ),
    max_leaves=20,
)


@given(yaml_values, st.sampled_from([False, True, None]))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_quick_composer_reads_yaml_as_the_careful_one(monkeypatch, value, flow):
    import yaml

    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=flow)
    quick, careful = _parsed_both_ways(text, monkeypatch)
    assert quick == careful


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\n---\nb: 2\n",
        "a: 1\na: 2\n",
        "date: 2024-13-01\n",
        "n: " + "9" * 4500 + "\n",
        "<<: {a: 1}\nb: 2\n",
        "a:\n\t- 1\n",
        "",
        "---\n",
        "[1, [2, [3]]]\n",
        "[" * 70 + "]" * 70 + "\n",
        "- - - - - a\n",
        "a: [1, 2\n",
        "a: !!int x\n",
        "a: &x 1\nb: *x\n",
        "a: 5*3\n",
        "? [a]\n: 1\n",
        "title: 标题\ndate: 2024-03-05\ntags: [甲, 乙]\n",
    ],
    ids=lambda text: repr(text[:24]),
)
def test_the_quick_composer_agrees_on_edge_cases(monkeypatch, text):
    quick, careful = _parsed_both_ways(text, monkeypatch)
    assert quick == careful


def test_the_quick_composer_is_used_on_front_matter(monkeypatch):
    import volsite.read.yaml as reader

    calls = []
    compose = reader._compose
    monkeypatch.setattr(reader, "_compose", lambda loader: calls.append(1) or compose(loader))
    assert reader.parse_yaml_by_pyyaml("title: 标题\ntags: [甲]\n# 注\n", "x.md", Problems()) == {
        "title": "标题",
        "tags": ["甲"],
    }
    assert calls == []
    reader.parse_yaml_by_pyyaml("a: &x 1\nb: *x\n", "x.yaml", Problems())
    assert calls == [1]


# ---------------------------------------------------------------- YAML: simple lines read without PyYAML


def _typed(value):
    """value with the type of everything in it, so that True and 1, or 1 and 1.0, differ."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, value)


def _simple_equals_pyyaml(text: str) -> bool:
    """True if the simple reader took text; then it must read it as PyYAML does."""
    from volsite.read.yaml import parse_yaml_by_pyyaml, read_simple_mapping

    simple = read_simple_mapping(text)
    if simple is None:
        return False
    problems = Problems()
    full = parse_yaml_by_pyyaml(text, "x.md", problems)
    assert list(problems) == []
    assert _typed(simple) == _typed(full) and list(simple) == list(full)
    assert _lines_of(simple) == _lines_of(full)
    return True


simple_keys = st.sampled_from(
    ["title", "date", "tags", "a", "_b", "c1", "n", "y", "x_y"] * 4 + ["on", "yes", "null", "True", "Off"]
)
# Mostly what plain values are made of, now and then something that means more to YAML.
_PLAIN_PIECES = [
    "志愿者",
    "服务",
    "a",
    "b",
    "x",
    " ",
    "  ",
    "1",
    "0",
    "12",
    "-",
    ".",
    "5",
    "e",
    "+",
    "_",
    "yes",
    "no",
    "on",
    "~",
    "null",
    "true",
    "0x1F",
    "0o17",
    "017",
    "1_000",
    "1e3",
    ".inf",
    ".nan",
    "2024-03-05",
    "2024-13-01",
    "2024-3-5",
    "\xa0",
    "\u3000",
    "\U0001f600",
    "\ufdd0",
    "/",
    "(",
    ")",
    "，",
    "<<",
    "=",
    "?",
    "-1",
]
_YAML_PIECES = [
    ":",
    "#",
    "'",
    '"',
    "[",
    "]",
    "{",
    "}",
    ",",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    "\\",
    "\t",
    "\r",
    "\x85",
    "\u2028",
    "\ufeff",
    "\x7f",
    "\x00",
]
simple_pieces = st.sampled_from(_PLAIN_PIECES * 8 + _YAML_PIECES)
simple_values = st.one_of(
    st.lists(simple_pieces, min_size=1, max_size=5).map("".join),
    st.lists(st.lists(simple_pieces, min_size=1, max_size=3).map("".join), max_size=4).map(
        lambda items: "[" + (", ".join(items) if len(items) % 2 else " ,".join(items)) + "]"
    ),
)
key_value_lines = st.tuples(simple_keys, st.sampled_from([": "] * 6 + [":  ", ":", ":\t", " : "]), simple_values).map(
    "".join
)
other_lines = st.sampled_from(["", " ", "# 注", "---", "...", "- a", "  a: 1", "a:", "a: b: c"])
simple_lines = st.integers(0, 9).flatmap(lambda n: key_value_lines if n else other_lines)


@given(st.lists(simple_lines, max_size=8).map("\n".join), st.sampled_from(["", "\n"]))
@settings(max_examples=3000, deadline=None)
def test_simple_lines_are_read_as_pyyaml_reads_them(text, end):
    _simple_equals_pyyaml(text + end)


@given(
    st.dictionaries(
        st.text(alphabet=st.sampled_from(list("abcxyz_")), min_size=1, max_size=6),
        st.one_of(yaml_scalars, st.lists(yaml_scalars, max_size=4)),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from([False, True, None]),
)
@settings(max_examples=1000, deadline=None)
def test_simple_lines_read_what_yaml_dump_writes_as_pyyaml_does(value, flow):
    import yaml

    _simple_equals_pyyaml(yaml.safe_dump(value, allow_unicode=True, default_flow_style=flow))


@pytest.mark.parametrize(
    "text",
    [
        "title: 社区服务站的空巢老人故事\nslug: story-00001\ndate: 2021-06-26\ntags: [关爱儿童, 留守儿童]\n"
        "summary: 深夜十一点，青年突击队赶到海岛渔村。\n",
        "title: Clinic day\ndate: 2024-03-05\nvolunteers: [li-na, zhang-wei]\ncover: media/a.jpg\nfeatured: yes\n",
        "a: 1\n\nb: [ ]\nc: [1 , x,y]\nd: x  y  \n",
    ],
    ids=["story", "english", "spacing"],
)
def test_the_simple_reader_takes_ordinary_front_matter(text):
    assert _simple_equals_pyyaml(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",
        "a: 'x'\n",
        "a: x # note\n",
        "# note\na: 1\n",
        "a:\n  - x\n",
        "a: |\n  x\n",
        "a: -1\n",
        "a: [x, [y]]\n",
        "a: {b: 1}\n",
        "a: &x 1\n",
        "yes: 1\n",
        "a: =\n",
        "a: x\r\n",
        "a:\tx\n",
        "",
        "\n\n",
        "a: x\u2028y\n",
        "a: [x,]\n",
        "a: 12:30\n",
    ],
    ids=repr,
)
def test_the_simple_reader_leaves_anything_else_to_pyyaml(text):
    from volsite.read.yaml import read_simple_mapping

    assert read_simple_mapping(text) is None


@pytest.mark.parametrize("size", [0, 1, 99, 100, 101, 5000])
@pytest.mark.parametrize("told", [0, 10, 100, 10**6])
def test_a_file_is_read_whole_up_to_its_limit_whatever_its_size_was_when_opened(tmp_path, monkeypatch, size, told):
    """read_bytes asks for the size the file had when opened; a file that grew since (here:
    one whose size is told smaller or larger than it is) is still read to its end, and
    refused past the limit."""
    import os

    from volsite.read import files

    (tmp_path / "f.md").write_bytes(b"x" * size)
    real_fstat = os.fstat

    def fstat(descriptor):
        info = real_fstat(descriptor)
        return os.stat_result(
            (
                info.st_mode,
                info.st_ino,
                info.st_dev,
                info.st_nlink,
                info.st_uid,
                info.st_gid,
                told,
                int(info.st_atime),
                int(info.st_mtime),
                int(info.st_ctime),
            )
        )

    monkeypatch.setattr(files.os, "fstat", fstat)
    limit = files.Limit(100, "a test file", "keep it short")
    problems = Problems()
    data = files.read_bytes(tmp_path, "f.md", problems, limit)
    if size <= 100:
        assert data == b"x" * size and not list(problems)
    else:
        assert data is None
        [message] = [problem.message for problem in problems]
        assert message.startswith("is ") and message.endswith(
            ", more than the 100 bytes a test file may hold: keep it short"
        )


@pytest.mark.parametrize("told", [0, 10, 5000])
def test_a_files_digest_for_the_serve_cache_is_of_all_its_bytes_though_it_grew(tmp_path, monkeypatch, told):
    import hashlib
    import os

    from volsite.read import files as load

    path = tmp_path / "s.md"
    path.write_bytes("故事".encode() * 1000)
    real_fstat = os.fstat

    def fstat(descriptor):
        info = real_fstat(descriptor)
        return os.stat_result((*info[:6], told, *info[7:10]))

    monkeypatch.setattr(load.os, "fstat", fstat)
    assert load.file_read(path, 1 << 20)[4] == hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


@pytest.mark.parametrize("suffix", [".xls", ".ods", ".xlsx", ".txt"])
def test_every_table_names_its_fields_as_the_header_wrote_them(tmp_path, suffix):
    """Raw.names: messages name a field as staff wrote its column (时长, not hours)."""
    header, row = ["日期", "志愿者编号", "时长", "note"], ["2024/3/6", "li-na", "abc", "x"]
    path = tmp_path / f"l{suffix}"
    if suffix == ".xls":
        xlwt = pytest.importorskip("xlwt")
        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("台账")
        for number, values in enumerate([["2024年台账"], header, row]):
            for column, value in enumerate(values):
                sheet.write(number, column, value)
        book.save(str(path))
    elif suffix == ".ods":
        pytest.importorskip("odf")
        from odf.opendocument import OpenDocumentSpreadsheet
        from odf.table import Table, TableCell, TableRow
        from odf.text import P

        doc = OpenDocumentSpreadsheet()
        table = Table(name="台账")
        for values in [["2024年台账"], header, row]:
            table_row = TableRow()
            for value in values:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
                table_row.addElement(cell)
            table.addElement(table_row)
        doc.spreadsheet.addElement(table)
        doc.save(str(path))
    elif suffix == ".xlsx":
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.Workbook()
        for values in [["2024年台账"], header, row]:
            book.active.append(values)
        book.save(path)
    else:
        text = "\r\n".join("\t".join(values) for values in [["2024年台账"], header, row]) + "\r\n"
        path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    problems = Problems()
    [record] = table_records(tmp_path, path.name, TABLE_HEADERS, problems)
    assert not list(problems)
    assert record.line == 3 and record.data["hours"] == "abc"
    assert record.names == {"date": "日期", "volunteer": "志愿者编号", "hours": "时长"}
    assert record.name_of("hours") == "时长" and record.name_of("note") == "note"
