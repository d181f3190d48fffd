"""Issue 18: staff's own files. Old Excel (.xls) and OpenDocument (.ods) workbooks, Excel's
"Unicode text", a title line above the header, Excel date serials, the delimiter of a text
table, the roster's 志愿者编号 rule, and a file volsite cannot read being a problem. Every
workbook here is written by a library (xlwt, odfpy, openpyxl) as the office programs write
them; each case is checked on the built site (its figures) and on the lines problems name."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from conftest import IN_SITE_LANGUAGE

xlwt = pytest.importorskip("xlwt")
openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("odf")

DATE = "YYYY-MM-DD"


def xls(rows: list[list], title: str | None = None, sheet: str = "Sheet1", dates=DATE) -> bytes:
    """An Excel 97-2003 workbook: a title merged across the columns (if given), then the rows;
    a date is written as a date cell, as Excel writes one typed in."""
    book = xlwt.Workbook(encoding="utf-8")
    out = book.add_sheet(sheet)
    date = xlwt.easyxf(num_format_str=dates)
    first = 0
    if title is not None:
        out.write_merge(0, 0, 0, max(len(row) for row in rows) - 1, title)
        first = 1
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                out.write(first + number, column, value, date)
            else:
                out.write(first + number, column, value)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def ods(rows: list[list], title: str | None = None) -> bytes:
    """An OpenDocument spreadsheet as LibreOffice and WPS save one: a title spanning the
    columns (the others covered), dates as date cells, numbers as floats."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="台账")
    width = max(len(row) for row in rows)

    def cell(value):
        if value is None:
            return TableCell()
        if isinstance(value, dt.date):
            made = TableCell(valuetype="date", datevalue=value.isoformat())
        elif isinstance(value, (int, float)):
            made = TableCell(valuetype="float", value=str(value))
        else:
            made = TableCell(valuetype="string")
        made.addElement(P(text=str(value)))
        return made

    if title is not None:
        row = TableRow()
        first = TableCell(valuetype="string", numbercolumnsspanned=str(width))
        first.addElement(P(text=title))
        row.addElement(first)
        for _ in range(width - 1):
            row.addElement(CoveredTableCell())
        table.addElement(row)
    for values in rows:
        row = TableRow()
        for value in values:
            row.addElement(cell(value))
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def xlsx(rows: list[list], title: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if title is not None:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(row) for row in rows))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def unicode_text(lines: list[list[str]]) -> bytes:
    """Excel's "Save as Unicode text": UTF-16 little-endian with its byte order mark, cells
    separated by tabs, lines by CR LF."""
    return b"\xff\xfe" + "".join("\t".join(line) + "\r\n" for line in lines).encode("utf-16-le")


def stats(result) -> dict:
    return json.loads((result.built / "data/stats.json").read_text(encoding="utf-8"))


def hours_of(result) -> dict[str, float]:
    return {vid: figures["hours"] for vid, figures in stats(result)["volunteers"].items()}


def errors(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith("content/")]


LEDGER = ["日期", "志愿者编号", "时长", "备注"]


# ---------------------------------------------------------------- every format, on the built site


def test_an_old_excel_roster_and_ledger_load_with_their_volunteers_hours_and_rows(site):
    roster = [
        ["序号", "编号", "志愿者编号", "姓名", "所属队伍", "注册日期", "证件号码", "手机号码"],
        [1, "wang-fang", "33010620250001", "王芳", "hq", dt.date(2025, 3, 2), "330102199508154321", "13867012345"],
        [2, "zhou-li", "33010620250002", "周丽", "clinic", 45809, "330104198811020817", "15906543210"],
    ]
    ledger = [LEDGER, [dt.date(2025, 1, 2), "wang-fang", 3, "导诊"], [45659, "zhou-li", 2.5, "陪诊"], [None] * 4]
    ledger.append(["2025/1/4", "zhang-wei", 1.5, None])
    site(
        {
            "content/volunteers/名单.xls": xls(roster, title="2025年新注册志愿者"),
            "content/ledger/台账.xls": xls(ledger, title="2025年志愿服务台账"),
        }
    )
    result = site.build()
    hours = hours_of(result)
    assert (hours["wang-fang"], hours["zhou-li"], hours["zhang-wei"]) == (3.0, 2.5, 4 + 1.5)
    page = (result.out / "volunteers/zhou-li/index.html").read_text(encoding="utf-8")
    assert "周丽" in page
    for private in ("33010620250002", "330104198811020817", "15906543210"):
        assert not any(private in p.read_text(errors="replace") for p in result.out.rglob("*.html")), private
    # the row numbers Excel shows: the title is row 1, the header row 2
    site.write({"content/ledger/台账.xls": xls(ledger + [["2025/1/5", "zhou-li", "abc", None]], title="台账")})
    assert errors(site.build()) == [
        "content/ledger/台账.xls:7: ledger row: '时长' must be a number, not 'abc': write the hours one volunteer served, a number such as 2 or 1.5 [V210]"
    ]


def test_an_ods_ledger_loads_with_its_title_line_date_cells_and_serials(site):
    rows = [LEDGER, [dt.date(2024, 3, 1), "li-na", 2, "导诊"], [45292, "zhang-wei", 3.5, None]]
    site({"content/ledger/台账.ods": ods(rows, title="2024年志愿服务台账")})
    result = site.build()
    assert hours_of(result)["li-na"] == 4 + 2 and hours_of(result)["zhang-wei"] == 4 + 3.5  # 45292 is 2024-01-01
    assert stats(result)["by_year"]["2024"]["hours"] == 8 + 2 + 3.5
    site.write({"content/ledger/台账.ods": ods(rows + [[dt.date(2024, 3, 2), "li-na", 30, None]], title="台账")})
    assert errors(site.build()) == [
        "content/ledger/台账.ods:5: ledger row: '时长' must be more than 0 and at most 24, not 30: write the hours one volunteer served, such as 2 or 1.5 [V211]"
    ]


def test_unicode_text_as_excel_saves_it_loads_with_its_lines(site):
    lines = [["2024年志愿服务台账", "", "", ""], LEDGER, ["2024/3/6", "li-na", "2", "导诊，陪诊"], ["", "", "", ""]]
    lines.append(["2024/3/7", "zhang-wei", "1.5", ""])
    site({"content/ledger/台账.txt": unicode_text(lines)})
    result = site.build()
    assert hours_of(result)["li-na"] == 4 + 2 and hours_of(result)["zhang-wei"] == 4 + 1.5
    site.write({"content/ledger/台账.txt": unicode_text(lines + [["2024/3/8", "nobody", "1", ""]])})
    assert errors(site.build()) == [
        "content/ledger/台账.txt:6: ledger row: 'volunteer' names a volunteer 'nobody', which does not exist: check the volunteer's id in content/volunteers/, or add the volunteer [V302]"
    ]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("l.csv", "2024年台账,,\n日期,志愿者编号,时长\n2024-03-06,li-na,2\n".encode()),
        ("l.csv", "2024年台账\n\n日期;志愿者编号;时长\n2024-03-06;li-na;2\n".encode("gbk")),
        ("l.tsv", "日期\t志愿者编号\t时长\n2024-03-06\tli-na\t2\n".encode()),
        ("l.xlsx", xlsx([["日期", "志愿者编号", "时长"], ["2024-03-06", "li-na", 2]], title="2024年台账")),
    ],
    ids=["csv-title", "semicolons-gbk", "tsv", "xlsx-title"],
)
def test_a_title_line_and_any_delimiter(site, name, data):
    site({f"content/ledger/{name}": data})
    assert hours_of(site.build())["li-na"] == 4 + 2


def test_excel_date_serials_are_dates_in_a_spreadsheet_only(site):
    site({"content/ledger/l.xlsx": xlsx([["日期", "志愿者编号", "时长"], [45658, "li-na", 2], [61, "li-na", 1]])})
    result = site.build()
    assert stats(result)["by_year"]["2025"]["hours"] == 2  # 45658: 2025-01-01
    assert stats(result)["by_year"]["1900"]["hours"] == 1  # 61: 1900-03-01, after Excel's 29 February 1900
    site.write({"content/ledger/l.xlsx": None, "content/ledger/l.csv": "日期,志愿者编号,时长\n45658,li-na,2\n"})
    assert errors(site.build()) == [
        "content/ledger/l.csv:2: ledger row: '日期' must be a date like 2024-03-05, not '45658': write the year, month and day (2024-03-05 or 2024/3/5), and check that the month has that day [V205]"
    ]


# ---------------------------------------------------------------- the roster's 志愿者编号


def test_volunteer_number_is_the_id_without_a_column_bianhao_and_the_platform_number_beside_one(site):
    site(
        {
            "content/volunteers/export.csv": "志愿者编号,姓名,所属队伍\nwang-fang,王芳,hq\n",
            "content/volunteers/ours.csv": "编号,志愿者编号,姓名,所属队伍\nzhou-li,33010620250002,周丽,hq\n",
            "content/ledger/l.csv": "日期,编号,志愿者编号,时长\n2024-03-06,1,wang-fang,2\n2024-03-07,2,zhou-li,3\n",
        }
    )
    result = site.build()
    assert "warning" not in result.output
    assert (hours_of(result)["wang-fang"], hours_of(result)["zhou-li"]) == (2, 3)
    assert not any("33010620250002" in p.read_text(errors="replace") for p in result.out.rglob("*") if p.is_file())


def test_two_columns_for_one_field_are_named_as_staff_wrote_them(site):
    site({"content/volunteers/v.csv": "编号,id,姓名\nwang-fang,wang-fang,王芳\n"})
    assert errors(site.build()) == [
        "content/volunteers/v.csv:1: the columns '编号', 'id' all mean 'id', which a record has once: "
        "keep one of them, or rename the others [V163]"
    ]


# ---------------------------------------------------------------- files that are not read


def test_a_file_volsite_cannot_read_is_an_error_unless_ignored(site):
    site({"content/ledger/说明.docx": b"PK\x03\x04 a Word file", "content/volunteers/名单.et": b"\xd0\xcf\x11\xe0"})
    result = site.build()
    assert result.exit_code == 1
    assert errors(result) == [
        "content/ledger/说明.docx: is not read: ledger/ takes .yaml, .yml, .csv, .tsv, .txt, .xlsx, .xls, .ods "
        "files. Save it as one of them, move it under content/media/ to publish it as a file, or list it under "
        "ignore in site.yaml (ignore: [ledger/说明.docx]) if volsite is to pass it over [V170]",
        "content/volunteers/名单.et: is not read: volunteers/ takes .yaml, .yml, .csv, .tsv, .txt, .xlsx, .xls, "
        ".ods files. Save it as one of them, move it under content/media/ to publish it as a file, or list it "
        "under ignore in site.yaml (ignore: [volunteers/名单.et]) if volsite is to pass it over [V170]",
    ]
    site.write(
        {
            "site.yaml": "title: 测试站\nbase_url: https://example.org/volunteer/\n"
            'ignore: ["**/*.docx", volunteers/名单.et, stories/drafts/]\n',
            "content/stories/drafts/x.md": "not front matter",
            "content/ledger/.DS_Store": b"\x00\x00\x00\x01Bud1",
            "content/ledger/~$台账.xlsx": b"\x00lock",
            "content/volunteers/Thumbs.db": b"\xd0\xcf\x11\xe0",
            "content/volunteers/desktop.ini": "[.ShellClassInfo]\n",
        }
    )
    result = site.build()
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


def test_a_text_file_beside_the_ledgers_that_is_no_table_is_one_problem(site):
    site({"content/ledger/README.txt": "这里存放每年的志愿服务台账。\n请勿删除。\n"})
    assert errors(site.build()) == [
        "content/ledger/README.txt:1: the header row names none of the columns volsite reads here (such as "
        "日期, 志愿者编号, 姓名, 时长, 活动编号): the first row with two or more filled cells must name the "
        "columns. If this file holds no records, move it out of this folder (under content/media/ to publish "
        "it), or list it under ignore in site.yaml [V161]"
    ]


# ---------------------------------------------------------------- workbooks that are refused


def test_an_xls_whose_cells_span_too_much_is_refused_and_said_in_chinese(site):
    book = xlwt.Workbook()
    sheet = book.add_sheet("台账")
    for column, name in enumerate(LEDGER):
        sheet.write(0, column, name)
    sheet.write(65535, 255, "远处的格子")
    out = io.BytesIO()
    book.save(out)
    site({"content/ledger/l.xls": out.getvalue()})
    english = site.build()
    assert errors(english) == [
        "content/ledger/l.xls: has cells down to row 65,536 and across to column IV, more than volsite reads "
        "from one sheet (5,000,000 cells): delete the rows and columns beyond the records (a value typed far "
        "away by mistake?), or copy the records into a new workbook [V149]"
    ]
    chinese = site.build(env=IN_SITE_LANGUAGE)
    assert chinese.exit_code == 1
    [line] = errors(chinese)
    assert line.startswith("content/ledger/l.xls: 表格中的内容一直延伸到第 65,536 行、第 IV 列") and line.endswith(
        "[V149]"
    )


def test_an_ods_that_repeats_a_cell_a_billion_times_is_refused_at_once(site):
    content = (
        '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="s"><table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="1000"/>'
        "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        )
        archive.writestr("content.xml", content)
    site({"content/ledger/l.ods": out.getvalue()})
    [line] = errors(site.build())
    assert line.startswith("content/ledger/l.ods: has cells down to row 1,000,000 and across to column ALL")


def test_a_web_page_saved_as_xls_is_named_for_what_it_is(site):
    site({"content/volunteers/export.xls": "<html><body><table><tr><td>编号</td></tr></table></body></html>"})
    [line] = errors(site.build())
    assert line.startswith("content/volunteers/export.xls: is not a spreadsheet but a web page")
