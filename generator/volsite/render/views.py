"""Template-safe views of the model.

Templates never see records or the model: only these views, built from the
published Person and from planned URLs. A link is given only when its page
exists, so no template can link to a missing page or to a hidden person.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from functools import cached_property
from urllib.parse import quote, unquote

from ..images.stage import ImageSet
from ..kinds.activities import Activity
from ..kinds.awards import LEVELS
from ..kinds.teams import Team
from ..kinds.volunteers import Qualification
from ..model import routes
from ..model.days import Posting, notice_on_home_page, posting, signup_open
from ..model.figures import (
    Figures,
    MeasureSum,
    TeamFigures,
    activity_measures,
    leaderboard,
    measure_number,
    round_hours,
    stars_at_end_of,
)
from ..model.media import media_path
from ..model.people import Service
from ..model.proofs import ServiceRow, award_numbers, records_as_of, service_rows, statement_numbers
from ..model.resolve import Model
from .markdown import Html
from .qr import qr_svg

ZERO = Decimal(0)


@dataclass(frozen=True)
class MeasureFigure:
    """A figure of a measure site.yaml declares (a result beyond hours): 献血量 12,000 毫升."""

    id: str  # as site.yaml declares it: blood_ml
    label: str  # 献血量
    unit: str  # 毫升; empty for a plain count
    value: Decimal  # exact, without trailing zeros (print with | number)


@dataclass(frozen=True)
class Link:
    """A name and, where its page exists, the link to it (print with the link macro)."""

    text: str
    url: str | None  # relative to the base path (print with | url); None: shown as plain text


@dataclass(frozen=True)
class Picture:
    """A published photo in every size made of it, for <picture>: a <source type="image/webp"
    srcset> and an <img src srcset width height> (the default theme's picture() macro). Give
    `sizes` yourself: how wide the image is shown."""

    src: str  # the widest JPEG or PNG (GIF), under the base path
    srcset: str  # each JPEG or PNG width: "…/a.360w.jpg 360w, …/a.jpg 1440w"
    webp_srcset: str  # each WebP width; empty for an animated GIF
    width: int  # of the widest, in pixels: with height, the shape the page keeps for it
    height: int


@dataclass(frozen=True)
class StoryView:
    """A story (or a standalone page)."""

    slug: str
    url: str  # its page, relative to the base path
    title: str
    date: dt.date
    updated: dt.date | None  # when it was last changed, if the front matter says
    summary: str | None  # one line, as text
    tags: tuple[Link, ...]
    cover: str | None  # the cover image, a path under the site (media/...)
    cover_width: int | None  # in pixels, when the image could be read
    cover_height: int | None
    cover_image: Picture | None  # every size of the cover (None for a drawing)
    author: str | None
    html: str  # the body, HTML
    toc: str  # a table of contents as a nested <ul> (HTML), empty under two headings
    minutes: int  # reading time
    people: tuple[Link, ...]  # the volunteers it is about (masked names, unlinked, for those not public)
    teams: tuple[Link, ...]
    activity: Link | None  # the activity it reports


@dataclass(frozen=True)
class SignupView:
    """How to sign up for an upcoming activity (招募)."""

    until: dt.date | None  # the last day to sign up
    slots: int | None  # how many are wanted
    contact: str | None  # a phone, a place, a person: print with | tel_links
    url: str | None  # an online form (a whole address: print it as it is, not with | url)
    open: bool  # still taking sign-ups today (False: 报名已截止)


@dataclass(frozen=True)
class ActivityBrief:
    """An activity as it is listed (profiles, team pages, the timeline)."""

    id: str
    title: str
    url: str | None  # its page
    date: dt.date
    end: dt.date | None  # the last day of a multi-day activity
    category: str | None
    location: str | None
    participants: int  # distinct volunteers who served
    hours: Decimal  # hours served at it by all who served (the activity's own total)
    people_served: int | None  # 服务人次
    teams: tuple[Link, ...]  # the teams that organised it
    training: bool = False  # a training (培训): its hours are training hours, not service hours
    upcoming: bool = False  # after today: no one has served yet (participants: those who will), no hours
    signup: SignupView | None = None  # how to sign up, while it is upcoming
    time: str | None = None  # the time of day it starts, or starts and ends (08:30–11:30), as `time` gives it
    own_hours: Decimal | None = None  # on a profile: that volunteer's own hours at it (我的时长); elsewhere None


@dataclass(frozen=True)
class AwardBrief:
    """An award (or a nominee under public posting)."""

    id: str
    title: str  # e.g. 优秀志愿者
    level: str | None  # 国家级, 省级, 市级, 区县级 or 单位
    issuer: str | None
    year: int
    date: dt.date | None
    recipient: Link  # a volunteer or a team
    is_team: bool  # the recipient is a team
    url: str | None  # the certificate's page
    citation: str  # HTML, empty when none
    posting_until: dt.date | None  # a nominee's last day of public posting
    number: str  # the certificate's number


@dataclass(frozen=True)
class PersonCard:
    """A volunteer in the directory."""

    link: Link
    role: str | None
    stars: int
    hours: Decimal
    teams: tuple[Link, ...]
    photo: str | None  # a path under the site, only with photo consent
    photo_image: Picture | None  # its square crops


@dataclass(frozen=True)
class Ranked:
    """A row of a leaderboard."""

    rank: int  # equal hours share a rank
    link: Link
    hours: Decimal
    stars: int


@dataclass(frozen=True)
class YearHours:
    year: int
    hours: Decimal


@dataclass(frozen=True)
class ServiceLine:
    """One line of an hours statement: an activity or a ledger row."""

    date: dt.date
    what: Link  # the activity, or the ledger row's note
    note: str | None  # a ledger row's note, beside its activity
    hours: Decimal
    points: Decimal


@dataclass(frozen=True)
class ProfileView:
    """A public volunteer's profile."""

    id: str
    name: str
    role: str | None
    photo: str | None  # a path under the site, only with photo consent
    photo_image: Picture | None  # its square crops
    bio: str  # HTML, empty when none
    skills: tuple[str, ...]
    joined: dt.date | None
    teams: tuple[Link, ...]
    extra: tuple[PublishedField, ...]  # site.yaml publish_fields
    stars: int
    max_stars: int
    hours: Decimal  # all service hours
    to_next_star: Decimal | None  # hours still needed for the next star; None at the top
    next_threshold: Decimal | None  # the hours of the next star
    progress: int  # percent of the way from the last threshold to the next
    points: Decimal
    services: int  # services recorded (人次)
    first_service: dt.date | None
    by_year: tuple[YearHours, ...]  # newest first
    awards: tuple[AwardBrief, ...]  # newest first
    activities: tuple[ActivityBrief, ...]  # service activities held, newest first (own_hours: theirs)
    stories: tuple[StoryView, ...]  # stories about this volunteer
    hours_url: str  # the printable hours statement
    qualifications: tuple[Qualification, ...]  # certificates of skill (红十字救护员证), as the records list them
    upcoming: tuple[ActivityBrief, ...] = ()  # activities after today they will take part in (即将参加), soonest first
    trainings: tuple[ActivityBrief, ...] = ()  # trainings held (培训记录), newest first (own_hours: theirs)
    training_hours: Decimal = ZERO  # all their training hours (not among their service hours)
    star_titles: tuple[AwardBrief, ...] = ()  # awards that are star titles (五星志愿者), apart from stars by hours


@dataclass(frozen=True)
class TeamNode:
    """A team in the organisation tree."""

    link: Link
    category: str | None
    figures: TeamFigures  # with its sub-teams
    children: tuple[TeamNode, ...]  # its sub-teams


@dataclass(frozen=True)
class TeamView:
    """A team's page."""

    id: str
    name: str
    category: str | None
    founded: dt.date | None
    description: str  # HTML, empty when none
    logo: str | None  # a path under the site
    logo_image: Picture | None  # every size of the logo (None for a drawing)
    lead: Link | None
    path: tuple[Link, ...]  # from the root down to the parent
    children: tuple[TeamNode, ...]  # its sub-teams, each with theirs
    members: tuple[Link, ...]  # public members, the lead first, then most hours first
    hidden_members: int  # members counted but not named
    figures: TeamFigures  # with its sub-teams
    services: tuple[ServiceOffer, ...]
    timeline: tuple[YearActivities, ...]  # activities of the team and its sub-teams, newest first
    awards: tuple[AwardBrief, ...]  # awards to the team and its sub-teams
    member_awards: tuple[AwardBrief, ...]  # awards to its public members
    stories: tuple[StoryView, ...]
    upcoming: tuple[ActivityBrief, ...] = ()  # activities after today of the team and its sub-teams, soonest first
    trainings: tuple[ActivityBrief, ...] = ()  # trainings held by the team and its sub-teams, newest first
    measures: tuple[MeasureFigure, ...] = ()  # its measures with its sub-teams', those above 0
    # its service station (public by declaration; named apart from a volunteer's private address)
    location: str | None = None  # the station's place: the team's `address`
    open_hours: str | None = None  # when the station is open
    contact: str | None = None  # a public phone or whom to ask: print with | tel_links


@dataclass(frozen=True)
class Headline:
    """The site's headline figures."""

    volunteers: int
    hours: Decimal
    activities: int
    people_served: int
    stories: int
    awards: int
    star_volunteers: int  # volunteers with one star or more
    services: int  # person-times (服务人次)
    measures: tuple[MeasureFigure, ...] = ()  # each declared measure site-wide, those above 0


@dataclass(frozen=True)
class ServiceOffer:
    """One entry of a team's service menu (服务菜单)."""

    name: str
    description: str | None
    when: str | None = None  # when it is offered, as written (每周二上午)
    booking: str | None = None  # how to ask for it, as written: print with | tel_links (phones and links)


@dataclass(frozen=True)
class PublishedField:
    """A volunteer field that site.yaml publish_fields lets through."""

    name: str  # the field's name as written in the records
    value: str


@dataclass(frozen=True)
class YearActivities:
    year: int
    activities: tuple[ActivityBrief, ...]  # newest first


@dataclass(frozen=True)
class MonthActivities:
    year: int
    month: int
    activities: tuple[ActivityBrief, ...]  # newest first


@dataclass(frozen=True)
class TimelineYear:
    year: int
    months: tuple[MonthActivities, ...]  # newest first


@dataclass(frozen=True)
class TitleAwards:
    """One year's awards of one title, higher levels first."""

    title: str
    awards: tuple[AwardBrief, ...]


@dataclass(frozen=True)
class YearAwards:
    year: int
    titles: tuple[TitleAwards, ...]  # the title given most often first


@dataclass(frozen=True)
class StarRoll:
    stars: int
    people: tuple[Link, ...]  # public volunteers with that many stars, most hours first
    hidden: int  # how many more have that many stars but are not named
    year: int | None = None  # stars held at the end of that year; None: today's


@dataclass(frozen=True)
class StarGroup:
    stars: int  # 0: not yet a star
    cards: tuple[PersonCard, ...]  # most hours first


@dataclass(frozen=True)
class TagCount:
    tag: Link
    count: int  # published stories with the tag


@dataclass(frozen=True)
class Served:
    """One volunteer's hours at an activity."""

    person: Link
    hours: Decimal


@dataclass(frozen=True)
class ActivityPage:
    activity: ActivityBrief
    summary: str  # HTML, empty when none
    served: tuple[Served, ...]  # most hours first (a training's: hours of training)
    story: StoryView | None  # the story that reports it
    going: tuple[Link, ...] = ()  # while it is upcoming: the volunteers who will take part
    measures: tuple[MeasureFigure, ...] = ()  # the measures it records (site.yaml measures), as declared


# A title that is a star level (五星志愿者, 5星志愿者, 三星级志愿者): awarded, apart from the stars reached by hours.
_STAR_TITLE = re.compile(r"[一二三四五六七八九十1-9１-９]\s*星")


def is_star_title(title: str) -> bool:
    return bool(_STAR_TITLE.search(title))


# ------------------------------------------------ statements and certificates that can be checked


@dataclass(frozen=True)
class Verification:
    """What lets whoever holds a printed statement or certificate check it: its number, how far
    the records run, who issued it and how to reach them, and a QR code of the page's address."""

    number: str  # the certificate number: the same in every build, one document's alone
    as_of: dt.date | None  # 记录截至: the latest date among the site's records (not the day it was built)
    issuer: str  # site.yaml statement_issuer's name; empty: the page says it is not an official proof
    contact: str  # the issuer's public contact (a phone), or empty
    person: str  # the issuer's person in charge (负责人), or empty
    url: str  # the page's own address: whole (https://…) when base_url has a host
    qr: str  # a QR code of url, as an <svg> (print with | safe); empty when base_url has no host


@dataclass(frozen=True)
class Honour:
    """An honour as a private statement lists it (no citation: one line each)."""

    title: str
    level: str | None
    issuer: str | None
    year: int
    date: dt.date | None
    number: str  # its certificate's number


# How many rows a printed statement of service shows on its one A4 page: more services are
# summed by content and year (model.proofs.service_rows), and the page says so.
PRINTED_ROWS = 18


@dataclass(frozen=True)
class NoticeView(StoryView):
    """A notice (通知公告): a story's fields, and whether it is pinned."""

    pinned: bool = False  # 'pinned: true': listed first, and on the home page until `until`
    until: dt.date | None = None  # the last day a pinned notice is on the home page (None: no end)
    on_home: bool = False  # pinned and not past `until` today: listed first, and on the home page


class Views:
    def __init__(
        self,
        model: Model,
        figures: Figures,
        html: dict[str, Html],
        urls: frozenset[str],
        record_html: dict[str, Html] | None = None,
        image_sizes: dict[str, tuple[int, int]] | None = None,
        pictures: Mapping[tuple[str, bool], ImageSet] | None = None,
    ):
        self.model, self.figures, self.html, self.urls = model, figures, html, urls
        self.image_sizes = image_sizes or {}
        self.pictures = pictures or {}
        self._pictures: dict[tuple[str, bool], Picture | None] = {}
        self.record_html = record_html if record_html is not None else html
        self.tag_segments = routes.tag_slugs(model.tags)
        self._services_by_volunteer: dict[str, list[Service]] = defaultdict(list)
        self._services_by_activity: dict[str, list[Service]] = defaultdict(list)
        # An activity's brief counts and sums its services (a city's: hundreds); every
        # profile, team page and timeline that lists it shows the same one.
        self._activity_briefs: dict[str, ActivityBrief] = {}
        # A story's card is on its tags' pages, the lists and the home page as well: made once.
        self._stories: dict[str, StoryView] = {}
        self._notices: dict[str, NoticeView] = {}  # (the list, the home page and the feed show them too)
        # A tag's stories, for each of its pages (a city's tag has hundreds).
        self._tag_story_slugs: dict[str, tuple[str, ...]] = {}
        for service in model.services:
            self._services_by_volunteer[service.volunteer].append(service)
            if service.activity:
                self._services_by_activity[service.activity].append(service)
        # Trainings held: their hours are training hours, listed apart from services.
        self._training_by_volunteer: dict[str, list[Service]] = defaultdict(list)
        for service in model.training:
            self._training_by_volunteer[service.volunteer].append(service)
            if service.activity:
                self._services_by_activity[service.activity].append(service)
        # Upcoming activities: who will take part (no hours yet).
        self._going: dict[str, list[str]] = defaultdict(list)
        for vid, ids in model.upcoming_by_volunteer.items():
            for aid in ids:
                self._going[aid].append(vid)

    # ---------------------------------------------------------------- pieces

    def _url(self, url: str) -> str | None:
        return url if url in self.urls else None

    def markdown(self, text: str | None) -> str:
        """A record's Markdown field (bio, description, summary, citation) as HTML."""
        return self.with_pictures(self.record_html[text].html) if text else ""

    def person(self, vid: str) -> Link:
        person = self.model.people[vid]
        url = self._url(routes.volunteer_url(person.id)) if person.public and person.id else None
        return Link(person.name, url)

    def team(self, tid: str) -> Link:
        return Link(self.model.teams[tid].name, self._url(routes.team_url(tid)))

    def tag(self, tag: str) -> Link:
        return Link(tag, self._url(routes.tag_url(self.tag_segments[tag])) if tag in self.tag_segments else None)

    def picture(self, path: str | None, square: bool = False) -> Picture | None:
        """Every size made of a published image (media/...), or None (a drawing, or no image)."""
        if path is None:
            return None
        key = (path, square)
        if key not in self._pictures:
            found = self.pictures.get(key)
            self._pictures[key] = None if found is None else _picture(found, self.model.config.base_path)
        return self._pictures[key]

    def published(self, path: str | None, square: bool = False) -> str | None:
        """Where an image named in a record is published (an iPhone's .heic as .jpg)."""
        found = self.pictures.get((path, square)) if path else None
        return found.src if found is not None else path

    def with_pictures(self, html: str) -> str:
        """Each image of converted Markdown that is a published photo, as a <picture> of every
        size made of it, with its width and height, loaded as it comes into view."""
        if "<img " not in html or not self.pictures:
            return html
        base = self.model.config.base_path
        return _MARKDOWN_IMAGE.sub(lambda found: self._markdown_picture(found, base), html)

    def _markdown_picture(self, found: re.Match[str], base: str) -> str:
        src, alt, title = found.group(1), found.group(2), found.group(3) or ""
        path = unquote(src).removeprefix(base) if src.startswith(base) else None
        picture = self.picture(path)
        if picture is None:
            return found.group(0)
        sizes = BODY_IMAGE_SIZES
        webp = (
            f'<source type="image/webp" srcset="{picture.webp_srcset}" sizes="{sizes}">' if picture.webp_srcset else ""
        )
        return (
            f'<picture>{webp}<img src="{picture.src}" srcset="{picture.srcset}" sizes="{sizes}" '
            f'width="{picture.width}" height="{picture.height}" alt="{alt}"{title} loading="lazy" decoding="async">'
            "</picture>"
        )

    def story(self, slug: str) -> StoryView:
        view = self._stories.get(slug)
        if view is None:
            view = self._stories[slug] = self._story(slug)
        return view

    def _story(self, slug: str, notice: bool = False) -> StoryView:
        d = (self.model.notices if notice else self.model.stories)[slug]
        body = self.html[d.body]
        cover = media_path(d.cover)[0] if d.cover else None
        cover_image = self.picture(cover)
        size = (cover_image.width, cover_image.height) if cover_image else self.image_sizes.get(cover or "")
        activity = None
        if d.activity and d.activity in self.model.activities:
            activity = Link(self.model.activities[d.activity].title, self._url(routes.activity_url(d.activity)))
        return StoryView(
            slug=slug,
            url=routes.notice_url(slug) if notice else routes.story_url(slug),
            title=d.title,
            date=d.date,
            updated=d.updated,
            summary=d.summary,
            tags=tuple(Link(t, None) if notice else self.tag(t) for t in d.tags),  # (tag pages list stories)
            cover=self.published(cover),
            cover_width=size[0] if size else None,
            cover_height=size[1] if size else None,
            cover_image=cover_image,
            author=d.author,
            html=self.with_pictures(body.html),
            toc=body.toc,
            minutes=body.minutes,
            people=tuple(self.person(v) for v in d.volunteers if v in self.model.people),
            teams=tuple(self.team(t) for t in d.teams if t in self.model.teams),
            activity=activity,
        )

    def page(self, slug: str) -> StoryView:
        d = self.model.pages[slug]
        body = self.html[d.body]
        return StoryView(
            slug=slug,
            url=routes.page_url(slug),
            title=d.title,
            date=d.date,
            updated=d.updated,
            summary=d.summary,
            tags=(),
            cover=None,
            cover_width=None,
            cover_height=None,
            cover_image=None,
            author=d.author,
            html=self.with_pictures(body.html),
            toc=body.toc,
            minutes=body.minutes,
            people=(),
            teams=(),
            activity=None,
        )

    def activity(self, aid: str) -> ActivityBrief:
        brief = self._activity_briefs.get(aid)
        if brief is None:
            a = self.model.activities[aid]
            services = self._services_by_activity.get(aid, [])
            upcoming = aid in self.model.upcoming_ids
            brief = ActivityBrief(
                aid,
                a.title,
                self._url(routes.activity_url(aid)),
                a.date,
                a.end,
                a.category,
                a.location,
                len(self._going.get(aid, ())) if upcoming else len({s.volunteer for s in services}),
                sum((s.hours for s in services), ZERO),
                None if a.training else a.people_served,
                tuple(self.team(t) for t in a.teams if t in self.model.teams),
                a.training,
                upcoming,
                self._signup(aid) if upcoming else None,
                clock_text(a.starts, a.ends),
            )
            self._activity_briefs[aid] = brief
        return brief

    def _signup(self, aid: str) -> SignupView | None:
        a = self.model.activities[aid]
        if a.signup is None:
            return None
        s = a.signup
        return SignupView(s.until, s.slots, s.contact, s.url, signup_open(a, self.model.today))

    def upcoming(self, count: int | None = None) -> tuple[ActivityBrief, ...]:
        """Activities after today, soonest first."""
        return tuple(self.activity(aid) for aid in self.model.upcoming[:count])

    def award(self, award_id: str) -> AwardBrief:
        a = self.model.awards[award_id]
        if a.volunteer and a.volunteer in self.model.people:
            recipient = self.person(a.volunteer)
        elif a.team and a.team in self.model.teams:
            recipient = self.team(a.team)
        else:
            recipient = Link(a.recipient, None)
        return AwardBrief(
            award_id,
            a.title,
            a.level,
            a.issuer,
            a.year,
            a.date,
            recipient,
            bool(a.team),
            self._url(routes.certificate_url(award_id)),
            self.markdown(a.citation),
            a.posting_until,
            self.award_numbers[award_id],
        )

    def card(self, vid: str) -> PersonCard:
        person, figures = self.model.people[vid], self.figures.volunteers[vid]
        photo = media_path(person.photo)[0] if person.photo else None
        return PersonCard(
            self.person(vid),
            person.role,
            figures.stars,
            round_hours(figures.hours),
            tuple(self.team(t) for t in person.teams if t in self.model.teams),
            self.published(photo, square=True),
            self.picture(photo, square=True),
        )

    def _awards_sorted(self, ids) -> tuple[AwardBrief, ...]:
        awards = [self.model.awards[i] for i in ids]
        awards.sort(key=lambda a: (a.date or dt.date(a.year, 12, 31), a.id), reverse=True)
        return tuple(self.award(a.id) for a in awards)

    def measure_figures(self, sums: Iterable[MeasureSum], zero: bool = False) -> tuple[MeasureFigure, ...]:
        """The declared measures among `sums`, with their labels, in site.yaml's order; those of 0 only
        with `zero` (an activity that recorded 0 says so; a team that never measured blood says nothing of it)."""
        values = {s.id: s.value for s in sums}
        return tuple(
            MeasureFigure(m.id, m.label, m.unit, measure_number(values[m.id]))
            for m in self.model.config.measures
            if m.id in values and (zero or values[m.id] > 0)
        )

    # ---------------------------------------------------------------- pages

    def headline(self) -> Headline:
        t = self.figures.totals
        return Headline(
            t.volunteers,
            round_hours(t.hours),
            t.activities,
            t.people_served,
            t.stories,
            t.awards,
            sum(self.figures.stars.values()),
            t.services,
            self.measure_figures(t.measures),
        )

    def recent_activities(self, count: int) -> list[ActivityBrief]:
        """The newest activities held (trainings among them), newest first."""
        newest = []
        for a in reversed(self.model.activities.values()):  # (oldest first: the newest are at the end)
            if a.id not in self.model.upcoming_ids:
                newest.append(self.activity(a.id))
                if len(newest) == count:
                    break
        return newest

    def newest_awards(self, count: int) -> list[AwardBrief]:
        return list(self._awards_sorted(a.id for a in self.model.awards.values() if not a.candidate)[:count])

    def directory(self) -> tuple[tuple[StarGroup, ...], int]:
        """Public volunteers grouped by stars, most first; and how many are not named."""
        groups: dict[int, list[PersonCard]] = defaultdict(list)
        hidden = 0
        for vid, person in self.model.people.items():
            if not person.public:
                hidden += 1
                continue
            card = self.card(vid)
            groups[card.stars].append(card)
        ordered = tuple(
            StarGroup(stars, tuple(sorted(groups[stars], key=lambda c: (-c.hours, c.link.text))))
            for stars in sorted(groups, reverse=True)
        )
        return ordered, hidden

    def profile(self, vid: str) -> ProfileView:
        person, f = self.model.people[vid], self.figures.volunteers[vid]
        thresholds = self.model.config.stars
        last = thresholds[f.stars - 1] if f.stars else ZERO
        following = thresholds[f.stars] if f.stars < len(thresholds) else None
        progress = 100 if following is None else int((f.hours - last) * 100 / (following - last))
        hours_of: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for s in self._services_by_volunteer.get(vid, []) + self._training_by_volunteer.get(vid, []):
            if s.activity:
                hours_of[s.activity] += s.hours
        activity_ids = sorted(
            self.model.activities_by_volunteer.get(vid, ()),
            key=lambda a: (self.model.activities[a].date, a),
            reverse=True,
        )
        held = [ActivityBrief(**{**self.activity(a).__dict__, "own_hours": hours_of[a]}) for a in activity_ids]
        activities = tuple(a for a in held if not a.training)
        awards = self._awards_sorted(
            a for a in self.model.awards_by_volunteer.get(vid, ()) if not self.model.awards[a].candidate
        )
        return ProfileView(
            id=vid,
            name=person.name,
            role=person.role,
            photo=self.published(photo := media_path(person.photo)[0] if person.photo else None, square=True),
            photo_image=self.picture(photo, square=True),
            bio=self.markdown(person.bio),
            skills=person.skills,
            joined=person.joined,
            teams=tuple(self.team(t) for t in person.teams if t in self.model.teams),
            extra=tuple(PublishedField(name, value) for name, value in person.extra),
            stars=f.stars,
            max_stars=len(thresholds),
            hours=round_hours(f.hours),
            to_next_star=round_hours(f.to_next_star) if f.to_next_star is not None else None,
            next_threshold=following,
            progress=max(0, min(100, progress)),
            points=f.points,
            services=f.services,
            first_service=f.first_service,
            by_year=tuple(YearHours(y, round_hours(h)) for y, h in sorted(f.hours_by_year.items(), reverse=True)),
            awards=awards,
            activities=activities,
            stories=tuple(
                self.story(s) for s in self.model.stories_by_volunteer.get(vid, ()) if s in self.model.stories
            ),
            hours_url=routes.hours_url(vid),
            qualifications=person.qualifications,
            upcoming=tuple(self.activity(a) for a in self.model.upcoming_by_volunteer.get(vid, ())),
            trainings=tuple(a for a in held if a.training),
            training_hours=round_hours(f.training_hours),
            star_titles=tuple(a for a in awards if is_star_title(a.title)),
        )

    def statement(self, vid: str) -> tuple[list[ServiceLine], list[YearHours]]:
        lines = []
        for s in sorted(self._services_by_volunteer.get(vid, []), key=lambda s: (s.date, s.activity or "", s.line)):
            if s.activity and s.activity in self.model.activities:
                what = Link(self.model.activities[s.activity].title, self._url(routes.activity_url(s.activity)))
            else:
                what = Link(s.note or "", None)
            lines.append(ServiceLine(s.date, what, s.note if s.activity else None, s.hours, s.points))
        by_year = self.figures.volunteers[vid].hours_by_year
        return lines, [YearHours(y, h) for y, h in sorted(by_year.items())]

    # ------------------------------------------------ statements and certificates that can be checked

    @cached_property
    def award_numbers(self) -> dict[str, str]:
        return award_numbers(self.model.awards)

    @cached_property
    def statement_numbers(self) -> dict[str, str]:
        return statement_numbers(self.model.people)

    @cached_property
    def records_as_of(self) -> dt.date | None:
        return records_as_of(self.model)

    def verification(self, url: str, number: str, label: str) -> Verification:
        """What a printed page at `url` gives to check it; `label` names its QR code to a screen reader."""
        config = self.model.config
        issuer = config.statement_issuer
        whole = config.site_origin + config.base_path + url if config.site_origin else ""
        return Verification(
            number,
            self.records_as_of,
            issuer.name,
            issuer.contact,
            issuer.person,
            whole or config.base_path + url,
            qr_svg(whole, label) if whole else "",
        )

    def honours(self, vid: str, year: int | None = None) -> tuple[Honour, ...]:
        """A volunteer's honours (of one year), newest first."""
        awards = [
            self.model.awards[a]
            for a in self.model.awards_by_volunteer.get(vid, ())
            if not self.model.awards[a].candidate and (year is None or self.model.awards[a].year == year)
        ]
        awards.sort(key=lambda a: (a.date or dt.date(a.year, 12, 31), a.id), reverse=True)
        return tuple(Honour(a.title, a.level, a.issuer, a.year, a.date, self.award_numbers[a.id]) for a in awards)

    def services_of(self, vid: str, year: int | None = None) -> list[Service]:
        return [s for s in self._services_by_volunteer.get(vid, []) if year is None or s.date.year == year]

    def titles(self, services: list[Service]) -> dict[str, str]:
        return {
            s.activity: self.model.activities[s.activity].title for s in services if s.activity in self.model.activities
        }

    def statement_rows(self, vid: str) -> tuple[ServiceRow, ...]:
        """A volunteer's service as a printed statement shows it on one page; empty when every
        line fits (the page's table of every line is printed then)."""
        services = self.services_of(vid)
        if len(services) <= PRINTED_ROWS:
            return ()
        return service_rows(services, self.titles(services), PRINTED_ROWS)[0]

    def team_tree(self, tid: str) -> TeamNode:
        team = self.model.teams[tid]
        return TeamNode(
            self.team(tid),
            team.category,
            self.figures.teams[tid],
            tuple(self.team_tree(c) for c in self.model.team_children.get(tid, ())),
        )

    def forest(self) -> tuple[TeamNode, ...]:
        return tuple(self.team_tree(t) for t in self.model.root_teams)

    def team_page(self, tid: str) -> TeamView:
        team = self.model.teams[tid]
        ancestors = []
        parent = team.parent
        while parent is not None and parent in self.model.teams and len(ancestors) < len(self.model.teams):
            ancestors.append(self.team(parent))
            parent = self.model.teams[parent].parent
        members = self.model.team_members.get(tid, ())
        public = sorted(
            (vid for vid in members if self.model.people[vid].public),
            key=lambda v: (-self.figures.volunteers[v].hours, v),
        )
        if team.lead in public:  # the lead first
            public.remove(team.lead)
            public.insert(0, team.lead)
        subtree = self.model.subtree(tid)
        activity_ids = {a for t in subtree for a in self.model.activities_by_team.get(t, ())}
        by_year: dict[int, list[ActivityBrief]] = defaultdict(list)
        trainings: list[ActivityBrief] = []
        for aid in sorted(activity_ids, key=lambda a: (self.model.activities[a].date, a), reverse=True):
            if aid in self.model.upcoming_ids:
                continue
            if self.model.activities[aid].training:
                trainings.append(self.activity(aid))
            else:
                by_year[self.model.activities[aid].date.year].append(self.activity(aid))
        member_ids = {v for t in subtree for v in self.model.team_members.get(t, ())}
        member_awards = [
            a
            for v in member_ids
            for a in self.model.awards_by_volunteer.get(v, ())
            if not self.model.awards[a].candidate and self.model.people[v].public
        ]
        return TeamView(
            id=tid,
            name=team.name,
            category=team.category,
            founded=team.founded,
            description=self.markdown(team.description),
            logo=self.published(logo := media_path(team.logo)[0] if team.logo else None),
            logo_image=self.picture(logo),
            lead=self.person(team.lead) if team.lead in self.model.people else None,
            path=tuple(reversed(ancestors)),
            children=tuple(self.team_tree(c) for c in self.model.team_children.get(tid, ())),
            members=tuple(self.person(v) for v in public),
            hidden_members=len(members) - len(public),
            figures=self.figures.teams[tid],
            services=_offers(team),
            timeline=tuple(YearActivities(year, tuple(items)) for year, items in sorted(by_year.items(), reverse=True)),
            awards=self._awards_sorted(
                a for t in subtree for a in self.model.awards_by_team.get(t, ()) if not self.model.awards[a].candidate
            ),
            member_awards=self._awards_sorted(member_awards),
            stories=tuple(self.story(s) for s in self.model.stories_by_team.get(tid, ()) if s in self.model.stories),
            upcoming=tuple(self.activity(a) for a in self.model.upcoming if a in activity_ids),
            trainings=tuple(trainings),
            measures=self.measure_figures(self.figures.teams[tid].measures),
            location=team.address,
            open_hours=team.open_hours,
            contact=team.contact,
        )

    def activity_page(self, aid: str) -> ActivityPage:
        a = self.model.activities[aid]
        served = tuple(
            Served(self.person(s.volunteer), s.hours)
            for s in sorted(self._services_by_activity.get(aid, []), key=lambda s: (-s.hours, s.volunteer))
        )
        story_slug = self.model.story_of_activity.get(aid)
        going = sorted(self._going.get(aid, ()), key=lambda v: (not self.model.people[v].public, v))
        return ActivityPage(
            self.activity(aid),
            self.markdown(a.summary),
            served,
            self.story(story_slug) if story_slug in self.model.stories else None,
            tuple(self.person(v) for v in going),
            measures=self.measure_figures(activity_measures(a, [m.id for m in self.model.config.measures]), zero=True),
        )

    def timeline(self) -> tuple[TimelineYear, ...]:
        """Every activity held (trainings among them), by year and month, newest first."""
        years: dict[int, dict[int, list[ActivityBrief]]] = defaultdict(lambda: defaultdict(list))
        for a in sorted(self.model.activities.values(), key=lambda a: (a.date, a.id), reverse=True):
            if a.id in self.model.upcoming_ids:
                continue
            years[a.date.year][a.date.month].append(self.activity(a.id))
        return tuple(
            TimelineYear(
                y, tuple(MonthActivities(y, m, tuple(items)) for m, items in sorted(months.items(), reverse=True))
            )
            for y, months in sorted(years.items(), reverse=True)
        )

    def awards_by_title(self, year: int) -> tuple[TitleAwards, ...]:
        """One year's awards grouped by title; within a title, higher levels first."""
        level_order = {level: i for i, level in enumerate(LEVELS)}
        titles: dict[str, list[AwardBrief]] = defaultdict(list)
        for a in self.model.awards.values():
            if a.year == year and not a.candidate:
                titles[a.title].append(self.award(a.id))
        for items in titles.values():
            items.sort(key=lambda b: (level_order.get(b.level or "", 9), b.recipient.text, b.id))
        return tuple(
            TitleAwards(title, tuple(items))
            for title, items in sorted(titles.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        )

    def award_years(self) -> list[int]:
        return sorted({a.year for a in self.model.awards.values() if not a.candidate}, reverse=True)

    def stars_of(self, vid: str, year: int | None = None) -> int:
        """The stars a volunteer holds today, or held at the end of `year`."""
        figures = self.figures.volunteers[vid]
        return figures.stars if year is None else stars_at_end_of(figures, year, self.model.config.stars)

    def star_rolls(self, year: int | None = None) -> tuple[StarRoll, ...]:
        """(stars, public volunteers with that many, and how many more are not named): today's
        stars, or (a year's honour roll) those held at the end of `year`."""
        held: dict[int, list[str]] = defaultdict(list)
        for v in self.figures.volunteers:
            held[self.stars_of(v, year)].append(v)
        rolls = []
        for stars in range(len(self.model.config.stars), 0, -1):
            # (most hours first: among people of equal stars, today's order is the year's)
            ids = sorted(held.get(stars, ()), key=lambda v: (-self.figures.volunteers[v].hours, v))
            named = tuple(self.person(v) for v in ids if self.model.people[v].public)
            rolls.append(StarRoll(stars, named, len(ids) - len(named), year))
        return tuple(rolls)

    def leaderboard(self, year: int | None = None) -> list[Ranked]:
        """Most hours of all time with today's stars, or of `year` with the stars held at its end."""
        size = self.model.config.leaderboard_size
        if year is None:
            hours = {v: f.hours for v, f in self.figures.volunteers.items()}
        else:
            hours = {v: f.hours_by_year.get(year, ZERO) for v, f in self.figures.volunteers.items()}
        ranked, rank, previous = [], 0, None
        for position, (vid, h) in enumerate(leaderboard(hours, size), 1):
            if h != previous:  # equal hours share a rank
                rank, previous = position, h
            ranked.append(Ranked(rank, self.person(vid), round_hours(h), self.stars_of(vid, year)))
        return ranked

    def candidates(self, state: Posting = Posting.OPEN) -> list[AwardBrief]:
        """Nominees whose public posting (公示) is open today, the one that ends first first; or
        those whose posting has ended (Posting.ENDED), the latest first. Not those not yet posted."""
        today = self.model.today
        items = [a for a in self.model.awards.values() if a.candidate and posting(a, today) is state]
        items.sort(key=lambda a: (a.posting_until or dt.date.max, a.title, a.id), reverse=state is Posting.ENDED)
        return [self.award(a.id) for a in items]

    def tags(self) -> tuple[TagCount, ...]:
        counts = sorted(
            (
                (self.tag(t), len(slugs))
                for t, slugs in self.model.tags.items()
                if any(s in self.model.stories for s in slugs)
            ),
            key=lambda kv: (-kv[1], self.tag_segments.get(kv[0].text, "")),
        )
        return tuple(TagCount(tag, count) for tag, count in counts)

    def tag_story_slugs(self, tag: str) -> tuple[str, ...]:
        slugs = self._tag_story_slugs.get(tag)
        if slugs is None:
            slugs = self._tag_story_slugs[tag] = tuple(
                s for s in self.model.tags.get(tag, ()) if s in self.model.stories
            )
        return slugs

    # ---------------------------------------------------------------- notices

    def notice(self, slug: str) -> NoticeView:
        view = self._notices.get(slug)
        if view is None:
            d = self.model.notices[slug]
            story = self._story(slug, notice=True)
            view = self._notices[slug] = NoticeView(
                **{f.name: getattr(story, f.name) for f in fields(StoryView)},
                pinned=d.pinned,
                until=d.until,
                on_home=d.pinned and notice_on_home_page(d.until, self.model.today),
            )
        return view

    def notice_slugs(self) -> tuple[str, ...]:
        """Every notice as /notices/ lists them: those pinned today first, then the others; newest
        first in each (a pinned one past its `until` takes its place among the others)."""
        views = [self.notice(slug) for slug in self.model.notices]  # (newest first)
        return tuple(v.slug for v in views if v.on_home) + tuple(v.slug for v in views if not v.on_home)

    def home_notices(self) -> tuple[NoticeView, ...]:
        """The pinned notices the home page shows today, newest first."""
        return tuple(view for slug in self.model.notices if (view := self.notice(slug)).on_home)

    # ---------------------------------------------------------------- activities

    @cached_property
    def category_segments(self) -> dict[str, str]:
        return routes.category_slugs({a.category for a in self.model.activities.values() if a.category})

    def activity_categories(self, current: str | None) -> tuple[CategoryLink, ...]:
        """Every activity category that has its list, with how many activities it holds, the most first."""
        counts: dict[str, int] = defaultdict(int)
        for a in self.model.activities.values():
            if a.category in self.category_segments:
                counts[a.category] += 1
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], self.category_segments[kv[0]]))
        return tuple(
            CategoryLink(name, self._url(routes.activities_url(self.category_segments[name])), count, name == current)
            for name, count in ordered
        )

    @cached_property
    def _held_newest_first(self) -> tuple[Activity, ...]:
        """Every activity held (not upcoming), newest first: /activities/ and each category's list."""
        held = (a for a in self.model.activities.values() if a.id not in self.model.upcoming_ids)
        return tuple(sorted(held, key=lambda a: (a.date, a.id), reverse=True))

    def activities_list(
        self, category: str | None = None
    ) -> tuple[tuple[ActivityBrief, ...], tuple[YearActivities, ...]]:
        """(upcoming activities, soonest first; past ones by year, newest first), of one category or all."""
        upcoming = tuple(
            self.activity(aid)
            for aid in self.model.upcoming
            if category is None or self.model.activities[aid].category == category
        )
        by_year: dict[int, list[ActivityBrief]] = defaultdict(list)
        for a in self._held_newest_first:
            if category is None or a.category == category:
                by_year[a.date.year].append(self.activity(a.id))
        return upcoming, tuple(YearActivities(y, tuple(items)) for y, items in sorted(by_year.items(), reverse=True))

    # ---------------------------------------------------------------- services and contact

    def services(self) -> tuple[ServiceGroup, ...]:
        """/services/: every team that offers services, by category in the order the tree first
        shows each (teams without one last, under `other`), the teams in tree order."""
        groups: dict[str | None, list[TeamServices]] = {}
        for root in self.model.root_teams:
            for tid in self.model.subtree(root):
                team = self.model.teams[tid]
                if team.services:
                    groups.setdefault(team.category, []).append(
                        TeamServices(
                            self.team(tid),
                            team.contact,
                            team.address,
                            team.open_hours,
                            _offers(team),
                        )
                    )
        ordered = [c for c in groups if c is not None] + ([None] if None in groups else [])
        return tuple(ServiceGroup(c, tuple(groups[c])) for c in ordered)

    def contact(self) -> ContactView | None:
        """The organisation's public contact (site.yaml contact), or None when it gives none."""
        c = self.model.config.contact
        if not c:
            return None
        qr = media_path(c.wechat_qr)[0] if c.wechat_qr else None
        return ContactView(c.phone or None, c.email or None, c.address or None, self.picture(qr))


@dataclass(frozen=True)
class TeamServices:
    """A team's services as /services/ lists them, with where and whom to ask."""

    team: Link
    contact: str | None  # a public phone or whom to ask: print with | tel_links
    location: str | None  # the team's `address`: its station's place
    open_hours: str | None
    services: tuple[ServiceOffer, ...]


@dataclass(frozen=True)
class ServiceGroup:
    """The teams of one category on /services/."""

    category: str | None  # None: teams without a category (shown under t.uncategorised)
    teams: tuple[TeamServices, ...]  # in the order of the organisation tree


@dataclass(frozen=True)
class ContactView:
    """The organisation's public contact (site.yaml contact): the global `contact` of every template."""

    phone: str | None  # print with | tel_links
    email: str | None
    address: str | None
    wechat_qr: Picture | None  # a WeChat QR code to scan, in every size made of it


# A phone number as residents write one: a mobile (138 1234 5678), a landline with its area code
# (0510-85512345), a 400/800 service line; not inside a longer run of digits (a date, a count).
_PHONE = re.compile(
    r"(?<![0-9])(?:\+?86[ -]?)?"
    r"(?:1[3-9][0-9](?:[ -]?[0-9]{4}){2}|0[0-9]{2,3}[ -]?[0-9]{7,8}|[48]00[ -]?[0-9]{3}[ -]?[0-9]{4})"
    r"(?![0-9])"
)
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"'，。；、）)]+")
_LINKABLE = re.compile(f"(?P<url>{_WEB_ADDRESS.pattern})|(?P<phone>{_PHONE.pattern})")


def _offers(team: Team) -> tuple[ServiceOffer, ...]:
    """A team's service menu as its page and /services/ show it."""
    return tuple(ServiceOffer(s.name, s.description, s.when, s.booking) for s in team.services)


def tel_links(text: str | None) -> str:
    """A text of how to reach someone as HTML: each phone number in it a tel: link, each web
    address (http:// or https://) a link, everything else escaped. Pure; the `tel_links` filter."""
    if not text:
        return ""
    out, at = [], 0
    for found in _LINKABLE.finditer(text):
        out.append(html.escape(text[at : found.start()]))
        shown = html.escape(found.group(0))
        if found.group("url"):
            out.append(f'<a href="{shown}" rel="noopener">{shown}</a>')
        else:
            number = re.sub(r"[^0-9+]", "", found.group(0))
            out.append(f'<a href="tel:{number}">{shown}</a>')
        at = found.end()
    out.append(html.escape(text[at:]))
    return "".join(out)


# An image in a story's text, as cmark writes it (the <img> of a Markdown image, nothing else).
_MARKDOWN_IMAGE = re.compile(r'<img src="([^"]*)" alt="([^"]*)"((?: title="[^"]*")?)>')
# How wide the default theme shows an image in a story's text: the story's column.
BODY_IMAGE_SIZES = "(max-width: 46rem) calc(100vw - 2rem), 44rem"


def _picture(image: ImageSet, base: str) -> Picture:
    def srcset(form: str) -> str:
        return ", ".join(f"{_href(base, v.path)} {v.width}w" for v in image.of_format(form))

    fallback = next(v.format for v in reversed(image.variants) if v.format != "webp")
    return Picture(_href(base, image.src), srcset(fallback), srcset("webp"), image.width, image.height)


def _href(base: str, path: str) -> str:
    return quote(base + path, safe="/")


# ---------------------------------------------------------------- activities


@dataclass(frozen=True)
class CategoryLink:
    """An activity category as a filter of /activities/."""

    name: str  # as the records write it: 无偿献血
    url: str | None  # its list (activities/category/wu-chang-xian-xue/)
    count: int  # activities of the category, upcoming ones included
    current: bool  # the list shown is this category's


def clock_text(starts: dt.time | None, ends: dt.time | None) -> str | None:
    """08:30, or 08:30–11:30."""
    if starts is None:
        return None
    return starts.strftime("%H:%M") + ("–" + ends.strftime("%H:%M") if ends is not None else "")
