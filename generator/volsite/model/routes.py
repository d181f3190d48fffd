"""The URL and output file of every page, planned once, before anything renders.

URLs here are relative to the site's base path ("stories/x/"; "" is the home
page); templates turn them into links with the `url` filter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..messages import say
from ..problems import Problems
from ..slugs import slugify
from .resolve import Model

# First URL segments the generator owns; a standalone page may not take them.
RESERVED = (
    "stories",
    "notices",
    "tags",
    "volunteers",
    "teams",
    "activities",
    "timeline",
    "honors",
    "certificates",
    "stats",
    "search",
    "data",
    "media",
    "pagefind",
    "feed.xml",
    "activities.ics",
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "index.html",
    "static",
    "assets",
    "services",
)


@dataclass(frozen=True)
class Route:
    kind: str  # which page: "home", "story", "stories", "page", "404", "stats_json"
    url: str  # relative to the base path
    output: str  # file under output/
    key: str | None = None  # the slug or id the page is about
    number: int = 1  # page number of a paginated list


def story_url(slug: str) -> str:
    return f"stories/{slug}/"


def stories_url(number: int) -> str:
    return "stories/" if number == 1 else f"stories/page/{number}/"


def notice_url(slug: str) -> str:
    return f"notices/{slug}/"


def notices_url(number: int) -> str:
    return "notices/" if number == 1 else f"notices/page/{number}/"


def page_url(slug: str) -> str:
    return f"{slug}/"


def volunteer_url(vid: str) -> str:
    return f"volunteers/{vid}/"


def team_url(tid: str) -> str:
    return f"teams/{tid}/"


def activity_url(aid: str) -> str:
    return f"activities/{aid}/"


def certificate_url(award_id: str) -> str:
    return f"certificates/{award_id}/"


def tag_url(tag_slug: str, number: int = 1) -> str:
    return f"tags/{tag_slug}/" if number == 1 else f"tags/{tag_slug}/page/{number}/"


def services_url() -> str:
    return "services/"


def activities_url(category_slug: str | None = None) -> str:
    """/activities/, or one category's list of them (activities/category/wu-chang-xian-xue/)."""
    return "activities/" if category_slug is None else f"activities/category/{category_slug}/"


CALENDAR_URL = "activities.ics"  # the iCalendar feed of upcoming activities


def _page(kind: str, url: str, key: str | None = None, number: int = 1) -> Route:
    return Route(kind, url, url + "index.html", key, number)


def page_count(items: int, per_page: int) -> int:
    return max(1, -(-items // per_page))


def volunteers_url() -> str:
    return "volunteers/"


def hours_url(vid: str) -> str:
    return f"volunteers/{vid}/hours/"


def honors_url(year: int | None = None) -> str:
    return "honors/" if year is None else f"honors/{year}/"


def tag_slugs(tags: Iterable[str], problems: Problems | None = None) -> dict[str, str]:
    """Tag → URL segment (its pinyin). Two tags with one segment are an error."""

    def clash(first: str, second: str, segment: str) -> None:
        if problems is not None:
            problems.error(
                "content/stories",
                None,
                say(
                    "V320",
                    "the tags '{first}' and '{second}' would share the web address tags/{segment}/: rename one of "
                    "them in the stories' 'tags'",
                    first=first,
                    second=second,
                    segment=segment,
                ),
            )

    return _pinyin_segments(tags, "tag", clash)


def category_slugs(
    categories: Iterable[str],
    problems: Problems | None = None,
    where: Mapping[str, tuple[str, int | None]] | None = None,
) -> dict[str, str]:
    """Activity category → URL segment of its list (its pinyin). Two categories with one segment
    are an error, told at the first activity of the second (`where`: category → file and line)."""

    def clash(first: str, second: str, segment: str) -> None:
        if problems is not None:
            path, line = (where or {}).get(second, ("content/activities", None))
            problems.error(
                path,
                line,
                say(
                    "V370",
                    "the activity categories '{first}' and '{second}' would share the web address "
                    "activities/category/{segment}/: write them alike (one of the two) in the activities' "
                    "'category', or rename one",
                    first=first,
                    second=second,
                    segment=segment,
                ),
            )

    return _pinyin_segments(categories, "category", clash)


def _pinyin_segments(names: Iterable[str], fallback: str, clash: Callable[[str, str, str], None]) -> dict[str, str]:
    """Name → URL segment (its pinyin, else `fallback`), in sorted order; a name whose segment an
    earlier one took gets none, and `clash(earlier, name, segment)` is called."""
    found: dict[str, str] = {}
    taken: dict[str, str] = {}
    for name in sorted(names):
        segment = slugify(name) or fallback
        if segment in taken:
            clash(taken[segment], name, segment)
            continue
        taken[segment] = name
        found[name] = segment
    return found


def plan(model: Model, problems: Problems) -> list[Route]:
    routes = [_page("home", "")]
    pages = page_count(len(model.stories), model.config.pagination)
    routes += [_page("stories", stories_url(n), number=n) for n in range(1, pages + 1)]
    routes += [_page("story", story_url(slug), slug) for slug in model.stories]
    # /notices/ and /services/ are there in every site (SPEC section 5), saying so when empty;
    # the menu names them only when they hold something.
    notice_pages = page_count(len(model.notices), model.config.pagination)
    routes += [_page("notices", notices_url(n), number=n) for n in range(1, notice_pages + 1)]
    routes += [_page("notice", notice_url(slug), slug) for slug in model.notices]
    routes.append(_page("tags", "tags/"))
    for tag, segment in tag_slugs(model.tags, problems).items():
        count = sum(1 for slug in model.tags[tag] if slug in model.stories)
        routes += [
            _page("tag", tag_url(segment, n), tag, n) for n in range(1, page_count(count, model.config.pagination) + 1)
        ]
    routes.append(_page("volunteers", volunteers_url()))
    for vid, person in model.people.items():
        if person.public:
            routes.append(_page("volunteer", volunteer_url(vid), vid))
            routes.append(_page("hours", hours_url(vid), vid))
    routes.append(_page("teams", "teams/"))
    routes += [_page("team", team_url(tid), tid) for tid in model.teams]
    routes.append(_page("activities", activities_url()))
    where: dict[str, tuple[str, int | None]] = {}
    for a in model.activities.values():
        if a.category:
            where.setdefault(a.category, (a.path, a.lines.get("category", a.line)))
    routes += [
        _page("activities_category", activities_url(segment), category)
        for category, segment in category_slugs(where, problems, where).items()
    ]
    routes += [_page("activity", activity_url(aid), aid) for aid in model.activities]
    routes.append(_page("timeline", "timeline/"))
    routes.append(_page("honors", honors_url()))
    years = sorted({a.year for a in model.awards.values() if not a.candidate}, reverse=True)
    routes += [_page("honors_year", honors_url(year), str(year)) for year in years]
    routes.append(_page("candidates", "honors/candidates/"))
    for award_id, award in model.awards.items():
        public_recipient = award.team or (
            award.volunteer and model.people.get(award.volunteer) and model.people[award.volunteer].public
        )
        if not award.candidate and public_recipient:
            routes.append(_page("certificate", certificate_url(award_id), award_id))
    routes.append(_page("stats", "stats/"))
    routes.append(_page("services", services_url()))
    if model.config.search:
        routes.append(_page("search", "search/"))
    for slug, document in model.pages.items():
        if slug in RESERVED:
            problems.error(
                document.path,
                document.lines.get("slug", 1),
                say(
                    "V321",
                    "page slug '{slug}' is a web address volsite uses itself: choose another 'slug'",
                    slug=slug,
                ),
            )
            continue
        routes.append(_page("page", page_url(slug), slug))
    routes.append(Route("404", "404.html", "404.html"))
    routes.append(Route("feed", "feed.xml", "feed.xml"))
    routes.append(Route("calendar", CALENDAR_URL, CALENDAR_URL))
    routes.append(Route("sitemap", "sitemap.xml", "sitemap.xml"))
    routes.append(Route("robots", "robots.txt", "robots.txt"))
    routes.append(Route("stats_json", "data/stats.json", "data/stats.json"))
    return _unique(routes, problems)


def _unique(routes: list[Route], problems: Problems) -> list[Route]:
    seen: dict[str, Route] = {}
    for route in routes:
        if route.output in seen:
            problems.error(
                "(routes)",
                None,
                say(
                    "V322",
                    "two pages would be written to {output}: {first} and {second}; give the page another 'slug'",
                    output=route.output,
                    first=seen[route.output].kind,
                    second=route.kind,
                ),
            )
            continue
        seen[route.output] = route
    return list(seen.values())
