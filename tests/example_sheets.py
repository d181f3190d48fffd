#!/usr/bin/env python3
"""Make the example site's old-Excel roster again: content/volunteers/门诊导诊组名单.xls, what an
office PC with Excel 2003 or WPS saves, written by xlwt (a real BIFF8 workbook, not bytes made
by hand). It has what such a roster has and volsite must cope with: a title row merged across
the columns above the header, a serial number column (序号), registration dates as date cells and
one as a bare Excel date serial (a column left as "General"), and private columns (性别,
手机号码, 证件号码) that must never reach the site. A second sheet of notes (填表说明) is not read.

    python3 tests/example_sheets.py [--out content/volunteers]

The same xlwt writes the same bytes: build the example twice and nothing changes.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import xlwt

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "content" / "volunteers"
NAME = "门诊导诊组名单.xls"

TITLE = "门诊导诊组志愿者名单（2025年新注册）"
HEADER = ["序号", "编号", "姓名", "性别", "所属队伍", "职务", "注册日期", "手机号码", "证件号码"]
# The volunteers: id, name, sex, role, registered, mobile, ID number (made up: the check digits
# and area codes are of no one).
PEOPLE = [
    ("wu-jingyi", "吴静怡", "女", "志愿者", dt.date(2025, 3, 2), "13867012345", "330102199508154321"),
    ("jiang-zhiyuan", "蒋志远", "男", "志愿者", dt.date(2025, 3, 9), "15906543210", "330104198811020817"),
    ("han-xuemei", "韩雪梅", "女", "骨干志愿者", dt.date(2025, 4, 20), "18757123456", "33010619700304282X"),
    ("qiu-shaohua", "邱少华", "男", "志愿者", 45809, "13957098765", "330105199201175113"),  # 2025-06-01, "General"
]
NOTES = [
    "填表说明",
    "1. 编号用小写拼音，如 wu-jingyi，填好后不要再改。",
    "2. 手机号码、证件号码仅供内部核对，不会公开。",
]


def workbook() -> xlwt.Workbook:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名单")
    title = xlwt.easyxf("font: bold on, height 280; align: horiz centre")
    bold = xlwt.easyxf("font: bold on; borders: left thin, right thin, top thin, bottom thin")
    cell = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin")
    date = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin", num_format_str="YYYY-MM-DD")
    sheet.write_merge(0, 0, 0, len(HEADER) - 1, TITLE, title)
    for column, name in enumerate(HEADER):
        sheet.write(1, column, name, bold)
    for number, (ident, name, sex, role, joined, mobile, id_number) in enumerate(PEOPLE, 1):
        row = number + 1
        values = [number, ident, name, sex, "guide-desk", role, joined, mobile, id_number]
        for column, value in enumerate(values):
            style = date if isinstance(value, dt.date) else cell
            sheet.write(row, column, value, style)
    notes = book.add_sheet("填表说明")
    for row, text in enumerate(NOTES):
        notes.write(row, 0, text)
    return book


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / NAME
    workbook().save(str(path))
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
