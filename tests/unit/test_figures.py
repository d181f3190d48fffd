"""Figures are pure functions: exact sums, stars at their edges, stable rankings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from volsite.model.figures import (
    hours_text,
    hours_to_next_star,
    leaderboard,
    round_hours,
    stars_for,
    sum_hours,
    volunteer_figures,
)
from volsite.model.people import Service

STARS = tuple(Decimal(n) for n in (100, 300, 600, 1000, 1500))
tenths = st.integers(min_value=1, max_value=240).map(lambda n: Decimal(n) / 10)


def service(hours: Decimal, volunteer: str = "v", date: dt.date = dt.date(2024, 1, 1)) -> Service:
    return Service(volunteer, date, hours, Decimal(1), None, None, "x", 1)


def test_tenths_add_up_exactly():
    assert sum_hours([service(Decimal("0.1")), service(Decimal("0.2"))]) == Decimal("0.3")


@given(st.lists(tenths, max_size=200))
def test_sum_of_hours_is_exact(values):
    total = sum_hours([service(h) for h in values])
    assert total == Decimal(sum(int(h * 10) for h in values)) / 10


@given(st.lists(tenths, max_size=50), st.randoms())
def test_sum_does_not_depend_on_order(values, rnd):
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert sum_hours([service(h) for h in values]) == sum_hours([service(h) for h in shuffled])


def test_stars_at_threshold_edges():
    assert stars_for(Decimal("99.9"), STARS) == 0
    assert stars_for(Decimal(100), STARS) == 1
    assert stars_for(Decimal("299.9"), STARS) == 1
    assert stars_for(Decimal(300), STARS) == 2
    assert stars_for(Decimal(1499), STARS) == 4
    assert stars_for(Decimal(1500), STARS) == 5
    assert stars_for(Decimal(99999), STARS) == 5
    assert hours_to_next_star(Decimal("99.5"), STARS) == Decimal("0.5")
    assert hours_to_next_star(Decimal(100), STARS) == Decimal(200)
    assert hours_to_next_star(Decimal(1500), STARS) is None


@given(st.decimals(min_value=0, max_value=5000, places=1))
def test_stars_and_next_star_agree(hours):
    stars = stars_for(hours, STARS)
    gap = hours_to_next_star(hours, STARS)
    if stars == len(STARS):
        assert gap is None
    else:
        assert gap is not None and gap > 0
        assert stars_for(hours + gap, STARS) == stars + 1
        assert stars_for(hours + gap - Decimal("0.1"), STARS) == stars


@given(st.decimals(min_value=0, max_value=100000, places=3, allow_nan=False))
def test_hours_text_is_round_hours_as_text_whatever_was_shown_before(hours):
    assert hours_text(hours) == str(round_hours(hours))
    same_value = hours.quantize(Decimal("0.0001"))  # equal, written with more places
    assert hours_text(same_value) == str(round_hours(same_value)) == hours_text(hours)


def test_round_hours_shows_at_most_one_decimal():
    assert str(round_hours(Decimal("12.25"))) == "12.3"
    assert str(round_hours(Decimal("12.0"))) == "12"
    assert str(round_hours(Decimal("0.04"))) == "0"
    assert str(round_hours(Decimal("1499.95"))) == "1500"


def test_hours_by_year_use_the_service_date():
    figures = volunteer_figures(
        [
            service(Decimal(3), date=dt.date(2023, 12, 31)),
            service(Decimal(2), date=dt.date(2024, 1, 1)),
            service(Decimal("0.5"), date=dt.date(2024, 6, 1)),
        ],
        STARS,
    )
    assert figures.hours_by_year == {2023: Decimal(3), 2024: Decimal("2.5")}
    assert figures.hours == Decimal("5.5")
    assert figures.points == 3


@given(
    st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), tenths, max_size=40),
    st.integers(min_value=1, max_value=50),
)
def test_leaderboard_is_sorted_and_stable(hours, size):
    board = leaderboard(hours, size)
    assert len(board) == min(size, len(hours))
    assert board == sorted(board, key=lambda kv: (-kv[1], kv[0]))
    assert board == leaderboard(dict(reversed(list(hours.items()))), size)
