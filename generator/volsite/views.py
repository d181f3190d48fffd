"""Template-safe views of the model.

Templates never see records or the model: only these views, built from the
published Person and from planned URLs. A link is given only when its page
exists, so no template can link to a missing page or to a hidden person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from . import routes
from .figures import Figures, round_hours
from .index import Model, media_path
from .kinds.documents import Document
from .markup import Html


@dataclass(frozen=True)
class Link:
    text: str
    url: str | None  # relative to the base path; None: shown as plain text


@dataclass(frozen=True)
class StoryView:
    slug: str
    url: str
    title: str
    date: dt.date
    summary: str | None
    tags: tuple[str, ...]
    cover: str | None  # media path
    author: str | None
    html: str
    toc: str
    minutes: int
    people: tuple[Link, ...]
    teams: tuple[Link, ...]
    activity: Link | None


@dataclass(frozen=True)
class ActivityBrief:
    title: str
    url: str | None
    date: dt.date
    end: dt.date | None
    category: str | None
    location: str | None
    participants: int
    people_served: int | None


@dataclass(frozen=True)
class AwardBrief:
    title: str
    level: str | None
    year: int
    date: dt.date | None
    recipient: Link
    url: str | None


@dataclass(frozen=True)
class Headline:
    volunteers: int
    hours: Decimal
    activities: int
    people_served: int
    stories: int
    awards: int
    star_volunteers: int


class Views:
    def __init__(self, model: Model, figures: Figures, html: dict[str, Html], urls: frozenset[str]):
        self.model, self.figures, self.html, self.urls = model, figures, html, urls

    def _url(self, url: str) -> str | None:
        return url if url in self.urls else None

    def person(self, vid: str) -> Link:
        person = self.model.people[vid]
        url = self._url(routes.volunteer_url(person.id)) if person.public and person.id else None
        return Link(person.name, url)

    def team(self, tid: str) -> Link:
        return Link(self.model.teams[tid].name, self._url(routes.team_url(tid)))

    def story(self, slug: str) -> StoryView:
        d: Document = self.model.stories[slug]
        body = self.html[d.body]
        activity = None
        if d.activity and d.activity in self.model.activities:
            activity = Link(self.model.activities[d.activity].title, self._url(routes.activity_url(d.activity)))
        return StoryView(
            slug=slug, url=routes.story_url(slug), title=d.title, date=d.date, summary=d.summary,
            tags=d.tags, cover=media_path(d.cover)[0] if d.cover else None, author=d.author,
            html=body.html, toc=body.toc, minutes=body.minutes,
            people=tuple(self.person(v) for v in d.volunteers if v in self.model.people),
            teams=tuple(self.team(t) for t in d.teams if t in self.model.teams),
            activity=activity,
        )

    def page(self, slug: str) -> StoryView:
        d = self.model.pages[slug]
        body = self.html[d.body]
        return StoryView(slug, routes.page_url(slug), d.title, d.date, d.summary, (), None, d.author,
                         body.html, body.toc, body.minutes, (), (), None)

    def activity(self, aid: str) -> ActivityBrief:
        a = self.model.activities[aid]
        return ActivityBrief(a.title, self._url(routes.activity_url(aid)), a.date, a.end, a.category,
                             a.location, len(a.participants), a.people_served)

    def award(self, award_id: str) -> AwardBrief:
        a = self.model.awards[award_id]
        recipient = self.person(a.volunteer) if a.volunteer else self.team(a.team or "")
        return AwardBrief(a.title, a.level, a.year, a.date, recipient,
                          self._url(routes.certificate_url(award_id)))

    def headline(self) -> Headline:
        t = self.figures.totals
        return Headline(t.volunteers, round_hours(t.hours), t.activities, t.people_served, t.stories,
                        t.awards, sum(self.figures.stars.values()))

    def recent_activities(self, count: int) -> list[ActivityBrief]:
        newest = sorted(self.model.activities.values(), key=lambda a: (a.date, a.id), reverse=True)
        return [self.activity(a.id) for a in newest[:count]]

    def newest_awards(self, count: int) -> list[AwardBrief]:
        awarded = [a for a in self.model.awards.values() if not a.candidate]
        awarded.sort(key=lambda a: (a.date or dt.date(a.year, 12, 31), a.id), reverse=True)
        return [self.award(a.id) for a in awarded[:count]]
