"""A ledger row read the quick way (plain_row) is exactly the row the checked way reads,
and anything the checked way would complain about is left to it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from volsite.kinds.ledger import checked_row, parse, plain_row
from volsite.problems import Problems
from volsite.read.files import Raw

DATES = [
    "2024-03-05",
    " 2024/3/5 ",
    "2024.03.05",
    "2024-02-30",
    "0224-03-05",
    "1799-12-31",
    "2999-12-31",
    "3000-01-01",
    "",
    "  ",
    "昨天",
    "2024-3-5x",
]
IDS = ["wang-fang", " wang-fang ", "Wang-Fang", "wang fang", "-x", "x" * 100, "x" * 101, "", "王芳", "a1"]
NUMBERS = [
    "8",
    "8.0",
    " 2.5 ",
    "0",
    "-1",
    "24",
    "24.01",
    "1e3",
    "1e-13",
    "NaN",
    "inf",
    "",
    "三",
    "0.000000000001",
    "999999999999999",
    "1000000000000000",
]
NOTES = ["核酸采样协助", "  带 空格  ", "", "   ", "a\tb"]


def cells(values):
    return st.one_of(
        st.none(),
        st.sampled_from(values),
        st.text(max_size=6),
        st.integers(-5, 30),
        st.floats(allow_nan=True),
        st.dates(),
        st.booleans(),
    )


def fingerprint(row):
    """Every field with its type and text: Decimal('8') and Decimal('8.0') print differently."""
    if row is None:
        return None
    return tuple(
        (type(v).__name__, str(v))
        for v in (row.date, row.volunteer, row.hours, row.activity, row.points, row.note, row.path, row.line)
    )


@settings(max_examples=600, deadline=None)
@given(
    date=cells(DATES),
    volunteer=cells(IDS),
    hours=cells(NUMBERS),
    activity=cells(IDS),
    points=cells(NUMBERS),
    note=cells(NOTES),
)
def test_the_quick_way_agrees_with_the_checked_way(date, volunteer, hours, activity, points, note):
    data = {
        key: value
        for key, value in (
            ("date", date),
            ("volunteer", volunteer),
            ("hours", hours),
            ("activity", activity),
            ("points", points),
            ("note", note),
        )
        if value is not None
    }
    raw = Raw("content/ledger/a.csv", 7, data, {})
    quick = plain_row(raw)
    problems = Problems()
    checked = checked_row(raw, problems)
    if quick is not None:
        assert not list(problems) and fingerprint(quick) == fingerprint(checked)
    problems = Problems()
    assert fingerprint(parse(raw, problems)) == fingerprint(checked)


def test_a_usual_row_is_read_the_quick_way():
    raw = Raw(
        "content/ledger/a.csv",
        2,
        {"date": "2024-03-05", "volunteer": "wang-fang", "hours": "2.5", "points": "1", "note": " 导诊 "},
        {},
    )
    row = plain_row(raw)
    assert row is not None
    assert (row.date, row.volunteer, row.hours, row.activity, row.points, row.note) == (
        dt.date(2024, 3, 5),
        "wang-fang",
        Decimal("2.5"),
        None,
        Decimal("1"),
        "导诊",
    )


BASE = {
    "date": "2024-03-05",
    "volunteer": "wang-fang",
    "hours": "2.5",
    "activity": "clinic",
    "points": "1",
    "note": "导诊",
}
ODD = [None, 8, 2.5, True, dt.date(2024, 3, 5), Decimal("2"), ["x"], {"a": 1}]
POOLS = {"date": DATES, "volunteer": IDS, "hours": NUMBERS, "activity": IDS, "points": NUMBERS, "note": NOTES}


def test_every_field_varied_alone_agrees_with_the_checked_way():
    quick_rows = 0
    for key, pool in POOLS.items():
        for value in pool + ODD:
            data = {k: v for k, v in {**BASE, key: value}.items() if v is not None}
            raw = Raw("content/ledger/a.csv", 3, data, {})
            problems = Problems()
            checked = checked_row(raw, problems)
            quick = plain_row(raw)
            if quick is not None:
                quick_rows += 1
                assert not list(problems), (key, value, list(problems))
                assert fingerprint(quick) == fingerprint(checked), (key, value)
    assert quick_rows > 20  # the quick way is really taken


def test_rows_pickled_between_processes_come_back_equal_and_sharing_the_empty_line_map():
    import pickle

    from volsite.kinds.ledger import NO_LINES

    one_line = plain_row(Raw("content/ledger/a.csv", 2, dict(BASE), {}))
    problems = Problems()
    with_lines = checked_row(Raw("content/ledger/a.yaml", 4, dict(BASE), {"date": 4, "hours": 5}), problems)
    assert one_line.lines is NO_LINES and with_lines.lines == {"date": 4, "hours": 5}
    back = pickle.loads(pickle.dumps([one_line, with_lines], protocol=pickle.HIGHEST_PROTOCOL))
    assert back == [one_line, with_lines] and fingerprint(back[1]) == fingerprint(with_lines)
    assert back[0].lines is NO_LINES and back[1].lines == {"date": 4, "hours": 5}
