"""model/days.py: what the day makes of the records, as pure functions."""

from __future__ import annotations

import datetime as dt

from volsite.kinds.activities import Activity, Signup
from volsite.kinds.awards import Award
from volsite.model.days import Posting, alike_days, is_upcoming, posting, signup_open, turning_days

D = dt.date


def activity(day: dt.date, until: dt.date | None = None) -> Activity:
    signup = Signup(until, None, "驿站", None)
    return Activity("a", "t", day, None, (), None, None, None, (), None, None, None, "p", 1, signup=signup)


def candidate(start: dt.date | None, until: dt.date) -> Award:
    return Award("w", "优秀志愿者", "v", None, start, 2026, None, None, None, "candidate", until, None, "p", 1)


def test_an_activity_is_upcoming_until_its_day_comes():
    assert is_upcoming(activity(D(2026, 12, 20)), D(2026, 12, 19))
    assert not is_upcoming(activity(D(2026, 12, 20)), D(2026, 12, 20))


def test_a_sign_up_is_open_to_its_last_day_and_only_while_upcoming():
    a = activity(D(2026, 12, 20), D(2026, 12, 15))
    assert signup_open(a, D(2026, 12, 15)) and not signup_open(a, D(2026, 12, 16))
    assert signup_open(activity(D(2026, 12, 20), None), D(2026, 12, 19))
    assert not signup_open(activity(D(2026, 12, 20), None), D(2026, 12, 20))


def test_a_posting_opens_on_its_date_and_ends_after_its_last_day():
    award = candidate(D(2026, 11, 25), D(2026, 12, 5))
    assert posting(award, D(2026, 11, 24)) is Posting.NOT_YET
    assert posting(award, D(2026, 11, 25)) is Posting.OPEN
    assert posting(award, D(2026, 12, 5)) is Posting.OPEN
    assert posting(award, D(2026, 12, 6)) is Posting.ENDED
    assert posting(candidate(None, D(2026, 12, 5)), D(2000, 1, 1)) is Posting.OPEN  # (a year only: open at once)


def test_the_days_that_turn_and_the_days_alike():
    turns = turning_days(
        [activity(D(2026, 12, 20), D(2026, 12, 15))], [candidate(D(2026, 11, 25), D(2026, 12, 5))], [D(2027, 1, 31)]
    )
    assert turns == (D(2026, 11, 25), D(2026, 12, 6), D(2026, 12, 16), D(2026, 12, 20), D(2027, 2, 1))
    assert alike_days(D(2026, 12, 3), turns) == (D(2026, 11, 25), D(2026, 12, 5))
    assert alike_days(D(2026, 12, 6), turns) == (D(2026, 12, 6), D(2026, 12, 15))
    assert alike_days(D(2020, 1, 1), turns) == (None, D(2026, 11, 24))
    assert alike_days(D(2030, 1, 1), turns) == (D(2027, 2, 1), None)
    assert alike_days(D(2030, 1, 1), ()) == (None, None)


def test_the_stars_at_a_year_s_end_are_of_the_hours_up_to_it():
    from decimal import Decimal

    from volsite.model.figures import stars_at_end_of, volunteer_figures
    from volsite.model.people import Service

    thresholds = (Decimal(10), Decimal(20))

    def service(day: dt.date, hours: int) -> Service:
        return Service("v", day, Decimal(hours), Decimal(1), None, None, "p", 1)

    figures = volunteer_figures([service(D(2023, 5, 1), 12), service(D(2025, 5, 1), 9)], thresholds)
    assert figures.stars == 2  # 21 hours
    assert [stars_at_end_of(figures, year, thresholds) for year in (2022, 2023, 2024, 2025, 2026)] == [0, 1, 1, 2, 2]
