"""Jinja rendering of planned routes, in memory. Writes nothing, converts no Markdown."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound
from markupsafe import Markup

from ..bindings.jinja import ThemeEnvironment
from ..digests import digest
from ..images.stage import ImageSet
from ..messages import say
from ..model.days import Posting
from ..model.figures import Figures, hours_text, stats_json
from ..model.resolve import Model
from ..model.routes import CALENDAR_URL, Route, notices_url, page_count, page_url, stories_url, tag_url
from ..problems import Problems
from ..seams import Store
from . import charts, i18n
from .calendar import calendar_ics
from .contexts import (
    ActivitiesPage,
    CandidatesPage,
    CertificatePage,
    Chart,
    ChartRow,
    DirectoryPage,
    EmptyPage,
    FeedPage,
    HomePage,
    HonoursPage,
    HonoursYearPage,
    NavEntry,
    NoticePage,
    NoticesPage,
    ProfilePage,
    ServicesPage,
    SitemapEntry,
    SitemapPage,
    StandalonePage,
    StatementPage,
    StatsPage,
    StatsYear,
    StoriesPage,
    StoryPage,
    TagPage,
    TagsPage,
    TeamPage,
    TeamsPage,
    TimelinePage,
    context_fields,
)
from .markdown import Html
from .theme import templates_digest, theme_dirs
from .views import Views, YearAwards, tel_links

# The feed carries this many newest stories.
FEED_SIZE = 20
# /stats/ draws the hours of the last two years of months; its table keeps every month
CHART_MONTHS = 24


def template_problem(problems: Problems, exc: Exception, theme: str, template: str, page: str, key: str) -> None:
    """The problem a theme's template gave while rendering `page` (the record `key`'s, if any):
    a template it names that is missing, or an error at its own file and line."""
    if isinstance(exc, TemplateNotFound):
        problems.error(
            f"themes/{theme}",
            None,
            say(
                "V501",
                "the template {template} is missing (needed for {page}): check its name where the theme's "
                "templates include or extend it (docs/templates.md lists the templates a theme has)",
                template=exc.name,
                page=page,
            ),
        )
        return
    name, line = _template_position(exc, template)
    error = f"{exc.__class__.__name__}: {exc}"
    problems.error(
        name,
        line,
        say(
            "V503",
            "template error while rendering {page} for {key}: {error}: correct the template at this place "
            "(docs/templates.md says what each template is given)",
            page=page,
            key=key,
            error=error,
        )
        if key
        else say(
            "V502",
            "template error while rendering {page}: {error}: correct the template at this place "
            "(docs/templates.md says what each template is given)",
            page=page,
            error=error,
        ),
    )


def _template_position(exc: BaseException, fallback: str) -> tuple[str, int | None]:
    """The template file and line where rendering failed (Jinja keeps template frames)."""
    if isinstance(exc, TemplateError) and getattr(exc, "filename", None):
        return str(exc.filename), getattr(exc, "lineno", None)
    position = (fallback, None)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            position = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return position


class Fields(dict):
    """A dict whose keys templates read as attributes at once: Jinja tries getattr before
    [key], and on a plain dict every such miss raises first (some 50 a page: a fifth of
    the time of rendering one)."""

    def __init__(self, items) -> None:
        super().__init__(items)
        self.__dict__.update(self)


class Renderer:
    def __init__(
        self,
        site_root: Path,
        model: Model,
        figures: Figures,
        html: dict[str, Html],
        routes: list[Route],
        record_html: dict[str, Html] | None = None,
        image_sizes: dict[str, tuple[int, int]] | None = None,
        store: Store | None = None,
        pictures: Mapping[tuple[str, bool], ImageSet] | None = None,
    ):
        """With a `store` that keeps pages (a preview session's), a page whose context is what
        it was when the store kept it is not rendered again; the compiled templates are kept
        there too."""
        # A page is the pure result of (templates, context): with the templates unchanged
        # and the context's fingerprint the same, the old bytes are the new bytes.
        self.store = store if store is not None and store.keeps("pages") else None
        templates = templates_digest(site_root, model.config.theme) if self.store is not None else ""
        self.pages_shelf = f"pages {templates}"
        self.model, self.figures, self.config = model, figures, model.config
        self.routes = routes
        self.views = Views(
            model, figures, html, frozenset(r.url for r in routes), record_html or {}, image_sizes, pictures
        )
        language = self.config.language
        self.t = Fields(i18n.strings(language))
        kept_env = self.store.get("templates", templates) if self.store is not None else None
        if kept_env is not None:
            self.env = kept_env
        else:
            self.env = ThemeEnvironment(
                loader=ChoiceLoader(
                    [FileSystemLoader(str(d / "templates")) for d in theme_dirs(site_root, self.config.theme)]
                ),
                autoescape=True,
                undefined=StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=True,
                # Only a serve session keeps templates from one build to the next; a build
                # need not stat each template again for every page.
                auto_reload=self.store is not None,
            )
            if self.store is not None:
                self.store.put("templates", {templates: self.env})
        base = self.config.base_path
        origin = self.config.site_origin
        self.env.filters.update(
            url=lambda u: base + (u or "").lstrip("/"),
            abs_url=lambda u: origin + base + (u or "").lstrip("/"),
            date=lambda d: i18n.format_date(d, language),
            month=lambda ym: i18n.format_month(ym[0], ym[1], language),
            hours=hours_text,
            number=lambda n: i18n.format_number(n, language),
            stars=lambda n: "★" * n,
            tel_links=lambda text: Markup(tel_links(text)),
        )
        self.nav = self._nav()
        site_globals = dict(
            site=self.config,
            t=self.t,
            lang=language,
            nav=self.nav,
            max_stars=len(self.config.stars),
            contact=self.views.contact(),
        )
        self.env.set_globals(site_globals)
        # Every page sees the globals too (the menu holds page titles), so they are part of
        # each page's fingerprint.
        self._globals_key = repr(site_globals)

    def _nav(self) -> tuple[NavEntry, ...]:
        """The menu: each entry's title, its site path (url) and its link (href, under the
        base path)."""
        base = self.config.base_path
        if self.config.nav is not None:
            return tuple(NavEntry(n.title, n.url, base + n.url.lstrip("/")) for n in self.config.nav)
        t = self.t
        urls = {r.url for r in self.routes}
        if not self.model.notices:
            urls.discard("notices/")
        if not any(team.services for team in self.model.teams.values()):
            urls.discard("services/")
        items = [
            ("", t["home"]),
            # what residents come for first: what's on, what's announced, what help there is
            # (/timeline/, month by month, is linked from /activities/ and the home page instead)
            ("activities/", t["activities"]),
            ("notices/", t["notices"]),
            ("services/", t["services_page"]),
            ("stories/", t["stories"]),
            ("volunteers/", t["volunteers"]),
            ("teams/", t["teams"]),
            ("honors/", t["honours"]),
            ("stats/", t["stats"]),
            ("search/", t["search"]),
        ]
        items += [
            (f"{slug}/", d.title)
            for slug, d in sorted(
                self.model.pages.items(), key=lambda kv: (kv[1].order if kv[1].order is not None else 999, kv[0])
            )
            if d.menu
        ]
        return tuple(NavEntry(title, "/" + url, base + url) for url, title in items if url in urls)

    def nav_here(self, route: Route) -> frozenset[str]:
        """The urls of the menu entries a page is at or under (the home entry only at home)."""
        here = "/" + route.url
        return frozenset(
            item.url for item in self.nav if here == item.url or (item.url != "/" and here.startswith(item.url))
        )

    def render(self, route: Route, problems: Problems) -> bytes | None:
        if route.kind == "stats_json":
            data = stats_json(self.model, self.figures)
            return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
        if route.kind == "calendar":
            return calendar_ics(self.model, self.views)
        template_name, context = getattr(self, f"_{route.kind}")(route)
        fingerprint = b""
        if self.store is not None:
            fingerprint = digest(repr((self._globals_key, template_name, route, context)).encode())
            hit = self.store.get(self.pages_shelf, route.output)
            if hit is not None and hit[0] == fingerprint:
                return hit[1]
        try:
            text = self.env.get_template(template_name).render(
                route=route, nav_here=self.nav_here(route), **context_fields(context)
            )
        except Exception as exc:  # noqa: BLE001 - a theme's mistake is reported, not raised
            template_problem(problems, exc, self.config.theme, template_name, route.output, route.key)
            return None
        data = text.encode("utf-8")
        if self.store is not None:
            self.store.put(self.pages_shelf, {route.output: (fingerprint, data)})
        return data

    # one method per kind of page: (template, context)

    def _home(self, route: Route):
        v = self.views
        return "home.html", HomePage(
            v.headline(),
            tuple(v.story(slug) for slug in list(self.model.stories)[:6]),
            tuple(v.recent_activities(6)),
            tuple(v.newest_awards(6)),
            len(v.candidates()),
            v.upcoming(6),
            v.home_notices(),
            join=page_url("join") if "join" in self.model.pages else None,  # (every page is planned)
        )

    def _paginated(self, slugs: Sequence[str], number: int, url_of, view=None) -> tuple:
        """One page of a list of stories (or of what `view` makes of each slug: notices): its
        items, its number and count, and the links either side."""
        per_page = self.config.pagination
        pages = page_count(len(slugs), per_page)
        view = view or self.views.story
        shown = tuple(view(s) for s in slugs[(number - 1) * per_page : number * per_page])
        return (
            shown,
            number,
            pages,
            url_of(number - 1) if number > 1 else None,
            url_of(number + 1) if number < pages else None,
        )

    def _stories(self, route: Route):
        return "stories.html", StoriesPage(*self._paginated(list(self.model.stories), route.number, stories_url))

    def _story(self, route: Route):
        return "story.html", StoryPage(self.views.story(route.key))

    def _tags(self, route: Route):
        return "tags.html", TagsPage(self.views.tags())

    def _tag(self, route: Route):
        segment = self.views.tag_segments[route.key]
        return "tag.html", TagPage(
            route.key,
            *self._paginated(
                self.views.tag_story_slugs(route.key), route.number, lambda number: tag_url(segment, number)
            ),
        )

    def _page(self, route: Route):
        return "page.html", StandalonePage(self.views.page(route.key))

    def _volunteers(self, route: Route):
        return "volunteers.html", DirectoryPage(*self.views.directory())

    def _volunteer(self, route: Route):
        return "volunteer.html", ProfilePage(self.views.profile(route.key))

    def _hours(self, route: Route):
        lines, years = self.views.statement(route.key)
        v = self.views
        verification = v.verification(route.url, v.statement_numbers[route.key], self.t["scan_to_verify"])
        return "hours.html", StatementPage(
            v.profile(route.key), tuple(lines), tuple(years), verification, v.statement_rows(route.key)
        )

    def _teams(self, route: Route):
        return "teams.html", TeamsPage(self.views.forest())

    def _team(self, route: Route):
        return "team.html", TeamPage(self.views.team_page(route.key))

    def _activity(self, route: Route):
        return "activity.html", self.views.activity_page(route.key)

    def _timeline(self, route: Route):
        return "timeline.html", TimelinePage(self.views.timeline(), self.views.upcoming())

    def _honors(self, route: Route):
        v = self.views
        return "honors.html", HonoursPage(
            tuple(YearAwards(y, v.awards_by_title(y)) for y in v.award_years()),
            v.star_rolls(),
            tuple(v.leaderboard()),
            tuple(sorted(self.figures.years, reverse=True)),
            len(v.candidates()),
        )

    def _honors_year(self, route: Route):
        year = int(route.key)
        v = self.views
        return "honors_year.html", HonoursYearPage(
            year, v.awards_by_title(year), tuple(v.leaderboard(year)), tuple(v.award_years()), v.star_rolls(year)
        )

    def _candidates(self, route: Route):
        return "candidates.html", CandidatesPage(
            tuple(self.views.candidates()), tuple(self.views.candidates(Posting.ENDED))
        )

    def _certificate(self, route: Route):
        award = self.views.award(route.key)
        return "certificate.html", CertificatePage(
            award, self.views.verification(route.url, award.number, self.t["scan_to_verify"])
        )

    def _stats(self, route: Route):
        f, t = self.figures, self.t
        months = [(m, h) for m, h in f.hours_by_month.items()]
        # the chart: the last CHART_MONTHS months up to the latest record; its table: every month
        shown = charts.last_months(f.hours_by_month, CHART_MONTHS)
        window = t["chart_last_months"].format(
            n=len(shown),
            first=i18n.format_month(*map(int, shown[0][0].split("-")), self.config.language) if shown else "",
            last=i18n.format_month(*map(int, shown[-1][0].split("-")), self.config.language) if shown else "",
        )
        categories = [(c or t["uncategorised"], n) for c, n in f.activities_by_category.items()]
        stars = [(f"{'★' * s}", n) for s, n in sorted(f.stars.items(), reverse=True)]
        teams = sorted(
            ((self.model.teams[tid].name, tf.hours) for tid, tf in f.teams.items()), key=lambda kv: (-kv[1], kv[0])
        )
        hours_head = f"{t['hours']}（{t['hours_unit']}）"

        def rows(pairs) -> tuple[ChartRow, ...]:
            return tuple(ChartRow(label, value) for label, value in pairs)

        charts_ = (
            Chart(
                t["chart_hours_by_month"],
                charts.column_chart(shown, t["chart_hours_by_month"], t["hours_unit"], width=440),
                False,
                t["month"],
                hours_head,
                rows((m, hours_text(h)) for m, h in months),
                caption=window if shown else "",
            ),
            Chart(
                t["chart_activities_by_category"],
                charts.bar_chart(categories, t["chart_activities_by_category"]),
                False,
                t["category"],
                t["count"],
                rows((c, str(n)) for c, n in categories),
            ),
            Chart(
                t["chart_volunteers_by_stars"],
                charts.bar_chart(stars, t["chart_volunteers_by_stars"]),
                False,
                t["stars"],
                t["people"],
                rows((t["star_level"].format(n=s), str(n)) for s, n in sorted(f.stars.items(), reverse=True)),
            ),
            Chart(
                t["chart_teams"],
                charts.bar_chart(teams, t["chart_teams"], t["hours_unit"]),
                False,
                t["teams"],
                hours_head,
                rows((name, hours_text(h)) for name, h in teams),
            ),
        )
        headline = self.views.headline()
        # each year's measures: those the site has any of (headline.measures), 0 included, as columns
        shown = {m.id for m in headline.measures}
        years = tuple(
            StatsYear(
                year,
                figures,
                self.views.measure_figures((m for m in figures.measures if m.id in shown), zero=True),
            )
            for year, figures in sorted(f.years.items(), reverse=True)
        )
        return "stats.html", StatsPage(charts_, years, headline)

    def _services(self, route: Route):
        return "services.html", ServicesPage(self.views.services())

    def _search(self, route: Route):
        return "search.html", EmptyPage()

    def _404(self, route: Route):
        return "404.html", EmptyPage()

    def _feed(self, route: Route):
        stories = tuple(self.views.story(s) for s in list(self.model.stories)[:FEED_SIZE])
        notices = tuple(self.views.notice(s) for s in list(self.model.notices)[:FEED_SIZE])
        # newest first; on one day, stories before notices, each kind in its own order
        entries = tuple(
            entry
            for _, _, _, entry in sorted(
                [(-e.date.toordinal(), 0, n, e) for n, e in enumerate(stories)]
                + [(-e.date.toordinal(), 1, n, e) for n, e in enumerate(notices)],
                key=lambda item: item[:3],
            )
        )[:FEED_SIZE]
        updated = max((s.updated or s.date for s in entries), default=None)
        return "feed.xml", FeedPage(stories, updated, entries)

    def _sitemap(self, route: Route):
        def updated(r: Route):
            documents = {"story": self.model.stories, "notice": self.model.notices}.get(r.kind)
            story = documents[r.key] if documents is not None and r.key is not None else None
            return (story.updated or story.date) if story else None

        return "sitemap.xml", SitemapPage(
            tuple(SitemapEntry(r.url, updated(r)) for r in self.routes if r.output.endswith("index.html"))
        )

    def _robots(self, route: Route):
        return "robots.txt", EmptyPage()

    def _notices(self, route: Route):
        return "notices.html", NoticesPage(
            *self._paginated(self.views.notice_slugs(), route.number, notices_url, self.views.notice)
        )

    def _notice(self, route: Route):
        return "notice.html", NoticePage(self.views.notice(route.key))

    # activities

    def _activities(self, route: Route):
        """/activities/ (no key), or one category's list (the category is the route's key)."""
        upcoming, years = self.views.activities_list(route.key)
        return "activities.html", ActivitiesPage(
            route.key, self.views.activity_categories(route.key), upcoming, years, CALENDAR_URL
        )

    _activities_category = _activities
