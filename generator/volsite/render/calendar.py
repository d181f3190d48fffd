"""/activities.ics: the iCalendar feed (RFC 5545) of upcoming activities, written with icalendar.

Residents subscribe to it on a phone and see what is coming up in their own calendar. Like
every page, its bytes come from the records and today alone: no clock. Each event's UID is a
UUID made from its page's address (RFC 7986 5.3: stable across builds and days, unique to the
site, and not shaped like an e-mail address), its DTSTAMP the activity's own date at 00:00 UTC.
An activity with a `time` is timed in the site's time zone (site.yaml timezone, with its
VTIMEZONE); one without is all-day (DTEND the day after its last day). The calendar always
carries the site's VTIMEZONE, so that a site with nothing coming up still gives a valid
calendar that subscribers keep.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar

from ..config import time_zone
from ..model import routes
from . import i18n

if TYPE_CHECKING:
    from ..model.resolve import Model
    from .views import ActivityBrief, Views

# The VTIMEZONE's rules are written from here on (the default, 1970, would carry China's
# 1986–1991 summer times into every feed); a fixed day, so that the bytes never depend on today.
ZONE_RULES_FROM = dt.date(2000, 1, 1)
ZONE_RULES_UNTIL = dt.date(2038, 1, 1)
# How often a subscribed calendar should look again (Apple's and Google's calendars read these).
REFRESH = dt.timedelta(hours=12)


def calendar_ics(model: Model, views: Views) -> bytes:
    """The feed of every upcoming activity, soonest first, as bytes (CRLF lines, folded)."""
    config = model.config
    t = i18n.strings(config.language)
    zone = _zone(config.timezone)
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//volsite//{config.title}//{'ZH' if config.language == 'zh-CN' else 'EN'}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", config.title)
    calendar.add("x-wr-caldesc", t["calendar_description"].format(title=config.title))
    calendar.add("x-wr-timezone", config.timezone)
    calendar.add("refresh-interval", icalendar.vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    if isinstance(zone, ZoneInfo):
        calendar.add_component(
            icalendar.Timezone.from_tzid(config.timezone, first_date=ZONE_RULES_FROM, last_date=ZONE_RULES_UNTIL)
        )
    host = urlsplit(config.base_url).hostname or "volsite"
    origin = config.site_origin
    for aid in model.upcoming:
        activity, brief = model.activities[aid], views.activity(aid)
        event = icalendar.Event()
        event.add("uid", event_uid(host, config.base_path, aid))
        event.add("dtstamp", dt.datetime.combine(activity.date, dt.time(0), dt.timezone.utc))
        event.add("summary", activity.title)
        last = activity.end or activity.date
        if activity.starts is not None:
            event.add("dtstart", _at(activity.date, activity.starts, zone))
            if activity.ends is not None:
                event.add("dtend", _at(last, activity.ends, zone))
        else:
            event.add("dtstart", activity.date)
            event.add("dtend", last + dt.timedelta(days=1))
        if activity.location:
            event.add("location", activity.location)
        url = origin + config.base_path + routes.activity_url(aid) if origin else ""
        event.add("description", _description(brief, views.markdown(activity.summary), url, t, config.language))
        if url:
            event.add("url", url)
        categories = [c for c in (activity.category, t["training"] if activity.training else None) if c]
        if categories:
            event.add("categories", categories)
        event.add("transp", "TRANSPARENT")  # a resident's time is not taken up by a listing
        calendar.add_component(event)
    return calendar.to_ical()


def event_uid(host: str, base_path: str, aid: str) -> str:
    """An activity's UID: the UUID of its page's address (host and path; the same on http and https)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{host}{base_path}{routes.activity_url(aid)}")).upper()


def _zone(name: str) -> dt.tzinfo:
    try:
        return time_zone(name)
    except (KeyError, ValueError):  # (site.yaml's is checked: a wrong one is told already)
        return time_zone("Asia/Shanghai")


def _at(day: dt.date, clock: dt.time, zone: dt.tzinfo) -> dt.datetime:
    moment = dt.datetime.combine(day, clock, zone)
    # A zone icalendar cannot name (China's fixed UTC+8, on a machine with no time zone database): UTC.
    return moment if isinstance(zone, ZoneInfo) else moment.astimezone(dt.timezone.utc)


def _description(brief: ActivityBrief, summary_html: str, url: str, t: dict[str, str], language: str) -> str:
    """The summary as plain text, then how to sign up, then the activity's page."""
    lines = []
    summary = _plain(summary_html)
    if summary:
        lines += [summary, ""]
    if brief.teams:
        lines.append(f"{t['organisers']}{t['colon']}{'、'.join(team.text for team in brief.teams)}")
    signup = brief.signup
    if signup is not None:
        if signup.slots:
            lines.append(t["signup_slots_n"].format(n=i18n.format_number(signup.slots, language)))
        if not signup.open:
            lines.append(t["signup_closed"])
        else:
            if signup.until:
                lines.append(f"{t['signup_until']}{t['colon']}{i18n.format_date(signup.until, language)}")
            if signup.contact:
                lines.append(f"{t['signup_contact']}{t['colon']}{signup.contact}")
            if signup.url:
                lines.append(f"{t['signup_online']}{t['colon']}{signup.url}")
    if url:
        lines.append(f"{t['calendar_details']}{t['colon']}{url}")
    return "\n".join(lines).strip()


_BREAKS = re.compile(r"<br\s*/?>|</(?:p|li|h[1-6]|blockquote|tr)>", re.I)
_TAGS = re.compile(r"<[^>]+>")


def _plain(markup: str) -> str:
    """HTML of a record's Markdown as plain text: a line for each paragraph and list item."""
    text = html.unescape(_TAGS.sub("", _BREAKS.sub("\n", markup)))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
