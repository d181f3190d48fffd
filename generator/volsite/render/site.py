"""Rendering the whole site: the texts to convert, every page on every core, the media a
page uses. Writes nothing itself: each page goes to what `deliver` does with it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ..config import SiteConfig
from ..images.stage import Images, process_images
from ..messages import Message, words
from ..model.media import media_path
from ..model.records import named
from ..model.resolve import Model
from ..model.routes import Route
from ..problems import Problem, Problems
from ..read.files import image_sizes
from ..seams import OneProcess, Store, Workers
from .markdown import convert_texts, markdown_shelf
from .pages import Renderer

Progress = Callable[[Message], None]


def document_texts(model: Model) -> list[str]:
    """Markdown that staff write as stories, pages and notices: trusted, it may hold HTML."""
    return [d.body for d in model.documents]


def record_texts(model: Model) -> list[str]:
    """Markdown fields of records (bios, descriptions, summaries, citations): not trusted,
    as rosters come from other systems; their HTML is always shown as text."""
    texts = [p.bio for p in model.people.values() if p.bio]
    texts += [t.description for t in model.teams.values() if t.description]
    texts += [a.summary for a in model.activities.values() if a.summary]
    texts += [a.citation for a in model.awards.values() if a.citation]
    return texts


def convert_all(model: Model, config: SiteConfig, workers: Workers, store: Store) -> tuple[dict, dict]:
    """(every story's and page's Markdown as HTML, every record's Markdown field as HTML)."""
    base = config.base_path
    documents = markdown_shelf("documents", base, config.unsafe_html)
    html = convert_texts(document_texts(model), base, config.unsafe_html, workers, store, documents)
    # Records come from other systems: their HTML is always shown as text.
    records = markdown_shelf("records", base, False)
    return html, convert_texts(record_texts(model), base, False, workers, store, records)


def site_images(
    site_root: Path,
    model: Model,
    html: dict,
    media: frozenset[str],
    problems: Problems,
    workers: Workers,
    store: Store,
    later: bool = False,
) -> Images:
    """Every photo of `media` made fit to publish (portraits in square crops too); with `later`,
    new ones only at their widest for now (process_images)."""
    config = model.config
    return process_images(
        site_root, media, portraits(model), config.image_widths, PORTRAIT_WIDTHS, config.image_quality, problems,
        media_users(model, html), workers, store, later,
    )  # fmt: skip


def drawing_sizes(site_root: Path, model: Model, images: Images) -> dict[str, tuple[int, int]]:
    """The size of each cover that is not a photo (a drawing): a photo's is its ImageSet's."""
    covers = {
        media_path(story.cover)[0]
        for story in list(model.stories.values()) + list(model.notices.values())
        if story.cover
    } - {None}
    return image_sizes(site_root, frozenset(covers) - images.processed)


def published_media(model: Model, html: dict, record_html: dict) -> frozenset[str]:
    """content/media is published as it is, except the photos of people who are not shown
    with a photo (not public, or no photo_consent), unless something published uses the file."""
    used = {media_path(d.cover)[0] for d in model.documents if d.cover}
    used |= {media_path(t.logo)[0] for t in model.teams.values() if t.logo}
    if model.config.contact.wechat_qr:  # (site.yaml contact's WeChat QR code)
        used.add(media_path(model.config.contact.wechat_qr)[0])
    used |= {media_path(p.photo)[0] for p in model.people.values() if p.photo}
    for converted in list(html.values()) + list(record_html.values()):
        used |= {link.lstrip("/") for link in converted.links}
    return frozenset(model.media - (model.withheld_photos - used))


# The default theme shows a portrait at 128 px and an avatar at 56: square crops at these widths
# serve both, on screens of up to 2.5 pixels a point.
PORTRAIT_WIDTHS = (160, 320)


def portraits(model: Model) -> frozenset[str]:
    """The photos shown as portraits (square crops)."""
    return frozenset(path for p in model.people.values() if p.photo and (path := media_path(p.photo)[0]))


def media_users(model: Model, html: dict) -> dict[str, Message]:
    """For messages about a media file: one record or story that uses it."""
    users: dict[str, Message] = {}
    for kind, records in (("story", model.stories), ("page", model.pages), ("notice", model.notices)):
        for slug, document in records.items():
            for path in ([media_path(document.cover)[0]] if document.cover else []) + [
                link.lstrip("/") for link in html[document.body].links
            ]:
                if path:
                    users.setdefault(path, named(kind, slug))
    for tid, team in model.teams.items():
        if team.logo and (path := media_path(team.logo)[0]):
            users.setdefault(path, named("team", tid))
    for vid, person in model.people.items():
        if person.photo and (path := media_path(person.photo)[0]):
            users.setdefault(path, named("volunteer", vid))
    if model.config.contact.wechat_qr and (path := media_path(model.config.contact.wechat_qr)[0]):
        users.setdefault(path, words("site.yaml contact.wechat_qr"))
    return users


# Rendering costs about 0.3 ms a page (the pages of a kind that has one page far more).
RENDER_COST_A_PAGE = 300


def render_pages(
    renderer: Renderer,
    routes: list[Route],
    problems: Problems,
    workers: Workers | None = None,
    deliver: Callable[[str, bytes], object] | None = None,
    progress: Progress | None = None,
) -> dict:
    """Every page (path → bytes, or what `deliver` makes of them in the process that rendered
    them: a build writes each page there), in route order, rendered on `workers`."""
    deliver = deliver or _as_is
    # Pages of a kind that has one page (home, honours, timeline, the directory, the sitemap,
    # the feed) are the heaviest, one of them seconds in a city: rendered first, so that the
    # work claimed last is light and the processes end together.
    kinds = Counter(route.kind for route in routes)
    order = sorted(range(len(routes)), key=lambda index: kinds[routes[index].kind] > 1)

    def render_run(run: list[int]) -> list[tuple[object, tuple[Problem, ...]]]:
        done = []
        for index in run:
            found = Problems()
            page = renderer.render(routes[index], found)
            done.append((None if page is None else deliver(routes[index].output, page), tuple(found)))
        return done

    def done(count: int) -> None:
        if progress:
            progress(words("rendering pages: {done}/{count}", done=count, count=len(routes)))

    rendered: dict[int, object] = {}
    for index, (page, found) in zip(
        order, (workers or OneProcess()).map(render_run, order, lambda _: RENDER_COST_A_PAGE, done)
    ):
        rendered[index] = page
        problems.extend(found)
    return {routes[i].output: rendered[i] for i in range(len(routes)) if rendered[i] is not None}


def _as_is(rel: str, data: bytes) -> bytes:
    return data
