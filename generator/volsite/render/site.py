"""Rendering the whole site: the texts to convert, every page on every core, the media a
page uses. Writes nothing itself: each page goes to the `keep` it is given."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from itertools import accumulate

from ..model.resolve import Model, media_path
from ..model.routes import Route
from ..problems import Problem, Problems
from ..speed.workers import MAX_CHUNKS, map_claimed, runs
from .pages import Renderer

Progress = Callable[[str], None]


def document_texts(model: Model) -> list[str]:
    """Markdown that staff write as stories and pages: trusted, it may hold HTML."""
    return [d.body for d in list(model.stories.values()) + list(model.pages.values())]


def record_texts(model: Model) -> list[str]:
    """Markdown fields of records (bios, descriptions, summaries, citations): not trusted,
    as rosters come from other systems; their HTML is always shown as text."""
    texts = [p.bio for p in model.people.values() if p.bio]
    texts += [t.description for t in model.teams.values() if t.description]
    texts += [a.summary for a in model.activities.values() if a.summary]
    texts += [a.citation for a in model.awards.values() if a.citation]
    return texts


def published_media(model: Model, html: dict, record_html: dict) -> frozenset[str]:
    """content/media is published as it is, except the photos of people who are not shown
    with a photo (not public, or no photo_consent), unless something published uses the file."""
    used = {media_path(d.cover)[0] for d in list(model.stories.values()) + list(model.pages.values()) if d.cover}
    used |= {media_path(t.logo)[0] for t in model.teams.values() if t.logo}
    used |= {media_path(p.photo)[0] for p in model.people.values() if p.photo}
    for converted in list(html.values()) + list(record_html.values()):
        used |= {link.lstrip("/") for link in converted.links}
    return frozenset(model.media - (model.withheld_photos - used))


# Below this many pages, starting a second process costs more than it saves.
PARALLEL_PAGES_FROM = 500


def render_pages(
    renderer: Renderer,
    routes: list[Route],
    problems: Problems,
    progress: Progress | None,
    workers: int,
    keep: Callable[[str, bytes], object] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> dict:
    """Every page (path → bytes, or what `keep` makes of them where they were rendered),
    in route order; with workers > 1 runs of routes are claimed in turn by this process
    and workers - 1 forked ones (this one does `meanwhile` first)."""
    keep = keep or _as_is
    if len(routes) < PARALLEL_PAGES_FROM:
        workers = 1
    # Pages of a kind that has one page (home, honours, timeline, the directory, the sitemap,
    # the feed) are the heaviest, one of them seconds in a city: rendered first, so that the
    # runs claimed last are light and the processes end together. (It was the last run, the
    # one to end the phase alone.)
    kinds = Counter(route.kind for route in routes)
    order = sorted(range(len(routes)), key=lambda index: kinds[routes[index].kind] > 1)
    chunks = runs(order, min(MAX_CHUNKS, math.ceil(len(routes) / ROUTES_A_CHUNK)))
    ends = list(accumulate(map(len, chunks)))

    def render_chunk(chunk: list[int]) -> tuple[list, list[Problem]]:
        found = Problems()
        return [_render_one(renderer, routes[index], found, keep) for index in chunk], list(found)

    def claimed(count: int) -> None:
        if progress and (count % 2 == 0 or count == len(chunks)):
            progress(f"rendering pages: {ends[count - 1]}/{len(routes)}")

    rendered: dict[int, object] = {}
    for chunk, (pages, found) in zip(chunks, map_claimed(render_chunk, chunks, workers, claimed, meanwhile)):
        rendered.update(zip(chunk, pages))
        problems.extend(found)
    return {routes[i].output: rendered[i] for i in range(len(routes)) if rendered[i] is not None}


# A run of routes a process claims at a time: some milliseconds of work, so that claiming
# costs nothing beside it and the processes finish within a few milliseconds of each other.
ROUTES_A_CHUNK = 16


def _as_is(rel: str, data: bytes) -> bytes:
    return data


def _render_one(renderer: Renderer, route: Route, problems: Problems, keep: Callable[[str, bytes], object]):
    page = renderer.render(route, problems)
    return None if page is None else keep(route.output, page)
