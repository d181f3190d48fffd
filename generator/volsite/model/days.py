"""What depends on the day: the only part of the model that does.

`today` is given (pipeline.py reads the clock, or SOURCE_DATE_EPOCH, once, at the edge); these
pure functions say what it makes of the records. Three things depend on it, as SPEC section 4
says: upcoming activities (and their sign-up deadlines), open public postings (公示), and
notices past their `until` (not built yet: `turning_days` is where their dates go). Everything
else comes from the records alone, so the same content and the same today give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import Enum

from ..kinds.activities import Activity
from ..kinds.awards import Award

ONE_DAY = dt.timedelta(days=1)


def is_upcoming(activity: Activity, today: dt.date) -> bool:
    """An activity whose date is after today: listed, counted in no figure. On its day it is held."""
    return activity.date > today


def signup_open(activity: Activity, today: dt.date) -> bool:
    """Whether an upcoming activity still takes sign-ups: until its `signup.until`, that day included."""
    signup = activity.signup
    return signup is not None and is_upcoming(activity, today) and (signup.until is None or today <= signup.until)


class Posting(Enum):
    """Where a nominee's public posting (公示) stands on a day."""

    NOT_YET = "not yet"  # before its first day (the award's date): not shown
    OPEN = "open"  # 正在公示: from its date to posting_until, both days included
    # After posting_until: no longer "正在公示" (nor counted on the home page), but still on
    # /honors/candidates/ under 公示已结束 until staff record the result: a posting is a public
    # record (organisations keep their 公示 notices online), and staff see what awaits them.
    ENDED = "ended"


def posting(award: Award, today: dt.date) -> Posting:
    if award.date is not None and today < award.date:
        return Posting.NOT_YET
    if award.posting_until is not None and today > award.posting_until:
        return Posting.ENDED
    return Posting.OPEN


def notice_on_home_page(until: dt.date | None, today: dt.date) -> bool:
    """Whether a notice (content/notices/, SPEC section 3: not built yet) is still shown on the
    home page: until its `until`, that day included; its own page stays. The hook for notices:
    their `until`s go to turning_days too."""
    return until is None or today <= until


def turning_days(
    activities: Iterable[Activity], awards: Iterable[Award], notices_until: Iterable[dt.date] = ()
) -> tuple[dt.date, ...]:
    """Every day on which what the site shows changes by itself: the first day of each new state.

    An activity is held from its date on; a sign-up closes the day after its `until`; a posting
    opens on its date and ends the day after `posting_until`; a notice leaves the home page the
    day after its `until` (notices_until: none until notices are built). Sorted, each once."""
    days: set[dt.date] = {_day_after(until) for until in notices_until}
    for activity in activities:
        days.add(activity.date)
        if activity.signup is not None and activity.signup.until is not None:
            days.add(_day_after(activity.signup.until))
    for award in awards:
        if award.candidate:
            if award.date is not None:
                days.add(award.date)
            if award.posting_until is not None:
                days.add(_day_after(award.posting_until))
    return tuple(sorted(days))


def alike_days(today: dt.date, turns: Iterable[dt.date]) -> tuple[dt.date | None, dt.date | None]:
    """The first and the last day whose site is today's (None: no end that way): the days between
    the turning days either side of today. A build on any of them makes the same bytes."""
    first: dt.date | None = None
    last: dt.date | None = None
    for day in turns:
        if day <= today:
            first = day if first is None or day > first else first
        elif last is None or day - ONE_DAY < last:
            last = day - ONE_DAY
    return first, last


def _day_after(day: dt.date) -> dt.date:
    return day + ONE_DAY if day < dt.date.max else day
