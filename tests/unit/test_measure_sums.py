"""Measures as pure functions: exact sums over activities, in site.yaml's order, shown exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from volsite.kinds.activities import Activity
from volsite.model.figures import MeasureSum, activity_measures, add_measures, measure_number, sum_measures
from volsite.render.i18n import format_number

IDS = ("blood_ml", "leaflets")
tenths = st.integers(min_value=0, max_value=100_000).map(lambda n: Decimal(n) / 10)


def activity(**measures: str | int) -> Activity:
    return Activity(
        id="a",
        title="t",
        date=dt.date(2024, 1, 1),
        end=None,
        teams=(),
        category=None,
        location=None,
        hours=None,
        participants=(),
        people_served=None,
        summary=None,
        story=None,
        path="content/activities/a.yaml",
        line=1,
        measures=tuple((key, Decimal(str(value))) for key, value in measures.items()),
    )


def as_dict(sums: tuple[MeasureSum, ...]) -> dict[str, Decimal]:
    return {m.id: m.value for m in sums}


def test_tenths_add_up_exactly():
    total = sum_measures([activity(leaflets="0.1"), activity(leaflets="0.2")], IDS)
    assert as_dict(total) == {"blood_ml": Decimal(0), "leaflets": Decimal("0.3")}


def test_every_declared_measure_once_in_the_declared_order():
    total = sum_measures([activity(leaflets=5), activity(blood_ml=200, leaflets=1)], ("leaflets", "blood_ml", "x"))
    assert [m.id for m in total] == ["leaflets", "blood_ml", "x"]
    assert as_dict(total) == {"leaflets": 6, "blood_ml": 200, "x": 0}


def test_an_undeclared_measure_is_left_out_of_every_sum():
    # (the model tells it as a problem; a sum never holds a measure without a label)
    assert as_dict(sum_measures([activity(blod_ml=400, blood_ml=1)], IDS)) == {"blood_ml": 1, "leaflets": 0}


def test_no_activity_no_measure():
    assert sum_measures([], IDS) == (MeasureSum("blood_ml", Decimal(0)), MeasureSum("leaflets", Decimal(0)))
    assert sum_measures([activity(blood_ml=1)], ()) == ()


def test_what_one_activity_records_in_the_declared_order():
    recorded = activity(leaflets=0, blood_ml=4000)
    assert activity_measures(recorded, IDS) == (MeasureSum("blood_ml", Decimal(4000)), MeasureSum("leaflets", 0))
    assert activity_measures(activity(blood_ml=1), ("leaflets",)) == ()


def test_parts_add_up_to_the_whole():
    years = [sum_measures([activity(blood_ml="0.1")], IDS), sum_measures([activity(blood_ml="0.2", leaflets=3)], IDS)]
    assert as_dict(add_measures(years, IDS)) == {"blood_ml": Decimal("0.3"), "leaflets": 3}


@given(st.lists(st.tuples(tenths, tenths), max_size=60), st.randoms())
def test_sums_are_exact_and_do_not_depend_on_order(values, rnd):
    activities = [activity(blood_ml=str(a), leaflets=str(b)) for a, b in values]
    total = as_dict(sum_measures(activities, IDS))
    assert total["blood_ml"] == Decimal(sum(int(a * 10) for a, _ in values)) / 10
    rnd.shuffle(activities)
    assert as_dict(sum_measures(activities, IDS)) == total
    # halves summed apart, then added, give the same
    half = len(activities) // 2
    parts = [sum_measures(activities[:half], IDS), sum_measures(activities[half:], IDS)]
    assert as_dict(add_measures(parts, IDS)) == total


def test_a_measure_is_shown_exactly_without_trailing_zeros_or_exponent():
    assert str(measure_number(Decimal("4000.0"))) == "4000"
    assert str(measure_number(Decimal("4E+3"))) == "4000"
    assert str(measure_number(Decimal("1.50"))) == "1.5"
    assert str(measure_number(Decimal("0.125"))) == "0.125"  # exact, not rounded like hours
    assert format_number(measure_number(Decimal("139600")), "zh-CN") == "139,600"
    assert format_number(measure_number(Decimal("1500.50")), "en") == "1,500.5"
    assert format_number(measure_number(Decimal("0.0000001")), "en") == "0.0000001"  # never 1E-7
