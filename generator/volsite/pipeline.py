"""The pipeline: read and check the content, model it, plan the pages, convert the Markdown,
render every page. Each stage takes the value the one before gave and adds its problems.

Speed enters through two seams, given by the caller (volsite.builds): `workers` share the
work out, `store` keeps what was made for a later build. With the plain ones (one process,
nothing kept) the same code gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .config import CONFIG_FILE, SiteConfig, load_config, time_zone
from .kinds.content import load_content
from .messages import Message, say, words
from .model.days import alike_days
from .model.figures import Figures, compute
from .model.proofs import number_problems
from .model.resolve import Model, build_model
from .model.routes import Route, plan
from .output.checks import link_findings
from .problems import ContentError, Problem, Problems, UsageError
from .render.pages import Renderer
from .render.site import convert_all, drawing_sizes, published_media, render_pages, site_images
from .render.theme import static_files, theme_problems
from .seams import NoStore, OneProcess, Store, Workers
from .slugs import load_dictionary

Progress = Callable[[Message], None]


@dataclass(frozen=True)
class Site:
    """A loaded, checked site: everything needed to render it."""

    root: Path
    config: SiteConfig
    model: Model
    figures: Figures
    routes: list[Route]
    warnings: list[Problem]
    # The days whose site is this one, today's included (None: no end that way): a build on
    # another day must make the site again (speed/record.py).
    alike: tuple[dt.date | None, dt.date | None] = (None, None)

    @property
    def today(self) -> dt.date:
        return self.model.today


@dataclass(frozen=True)
class Rendered:
    pages: dict[str, object]  # every page, by output path: its bytes, or what `deliver` made of them
    copies: dict[str, Path]  # static and media files to copy, by output path
    findings: list[Problem]  # links that lead nowhere
    images: dict[str, bytes | Path] = field(default_factory=dict)  # images made fit to publish, by output path
    images_later: int = 0  # images made only at their widest for now (render_site's images_later)


# SOURCE_DATE_EPOCH (reproducible-builds.org): the moment a build is made for, as seconds since
# 1970-01-01 UTC; when it is not set, the build machine's clock.
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


def clock_reading(environ: Mapping[str, str] | None = None) -> int:
    """The moment a build is for, in seconds since 1970 (UTC): SOURCE_DATE_EPOCH when it is set,
    else now. Read once, by whoever runs the pipeline (builds.py), and given to load_site: the
    model and the pages never look at a clock."""
    environ = os.environ if environ is None else environ
    given = environ.get(SOURCE_DATE_EPOCH, "").strip()
    if not given:
        return int(time.time())
    if not given.isascii() or not given.isdigit() or len(given) > 12:
        raise UsageError(
            say(
                "V041",
                "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC, such as 1764720000, "
                "not '{value}': correct it, or unset it to build for the machine's date",
                value=given[:40],
            )
        )
    return int(given)


def today_at(moment: int, timezone: str) -> dt.date:
    """The date at `moment` (seconds since 1970, UTC) in `timezone` (site.yaml): the site's today."""
    try:
        zone = time_zone(timezone)
    except (KeyError, ValueError):  # (site.yaml's is checked: this is a wrong one told already)
        zone = time_zone(SiteConfig().timezone)
    try:
        return dt.datetime.fromtimestamp(moment, zone).date()
    except (OverflowError, OSError, ValueError):  # past year 9999
        return dt.date.max


def site_today(site_root: Path | None = None) -> dt.date:
    """Today for the site at `site_root`, in its time zone, or for a new site (site.yaml's
    default time zone): the date `volsite new` and `volsite init` give what they write."""
    timezone = SiteConfig().timezone
    if site_root is not None:
        timezone = load_config(site_root, Problems()).timezone
    return today_at(clock_reading(), timezone)


def find_site(site_root: Path) -> Path:
    if not site_root.is_dir():
        raise UsageError(
            say("V701", "{folder} is not a folder: give the folder that holds site.yaml", folder=site_root)
        )
    if not (site_root / CONFIG_FILE).is_file() and not (site_root / "content").is_dir():
        above = next((folder for folder in site_root.resolve().parents if (folder / CONFIG_FILE).is_file()), None)
        if above is not None:
            raise UsageError(
                say(
                    "V719",
                    "{folder} is not a volsite site, but it is inside the site {site}: run volsite there "
                    "(cd {site}), or give that folder (volsite build {site})",
                    folder=site_root,
                    site=above,
                )
            )
        raise UsageError(
            say(
                "V702",
                "{folder} is not a volsite site: it has neither site.yaml nor content/. Run volsite in "
                "the site's folder, or give that folder (volsite build path/to/site)",
                folder=site_root,
            )
        )
    return site_root


def load_site(
    site_root: Path,
    drafts: bool = False,
    base_url: str | None = None,
    workers: Workers | None = None,
    store: Store | None = None,
    moment: int | None = None,
) -> Site:
    """Read, check and model everything, for the day that `moment` (clock_reading: read now when
    not given) is in the site's time zone; raise ContentError with every problem found."""
    workers, store = workers or OneProcess(), store or NoStore()
    moment = clock_reading() if moment is None else moment
    find_site(site_root)
    problems = Problems()
    config = load_config(site_root, problems, drafts=drafts or None, base_url=base_url)
    today = today_at(moment, config.timezone)
    theme_problems(site_root, config.theme, problems)
    workers.meanwhile(load_dictionary)  # (planning needs it next)
    content = load_content(site_root, config, problems, workers, store)
    model = build_model(content, config, problems, today)
    number_problems(model.awards, problems)  # two certificates given one number
    routes = plan(model, problems)
    if problems.errors:
        raise ContentError(problems.sorted())
    alike = alike_days(today, model.turning_days)
    return Site(site_root, config, model, compute(model), routes, problems.sorted(), alike)


def render_site(
    site: Site,
    workers: Workers | None = None,
    store: Store | None = None,
    deliver: Callable[[str, bytes], object] | None = None,
    progress: Progress | None = None,
    images_later: bool = False,
) -> Rendered:
    """Every page (given to `deliver` as it is rendered, if given), the images made fit to
    publish, the static and media files to copy, and the links that lead nowhere. With
    `images_later` (a preview), a new photo is made only at its widest for now."""
    workers, store = workers or OneProcess(), store or NoStore()
    model, problems = site.model, Problems()
    if progress:
        progress(words("converting Markdown"))
    html, record_html = convert_all(model, site.config, workers, store)
    media = published_media(model, html, record_html)
    images = site_images(site.root, model, html, media, problems, workers, store, images_later)
    sizes = drawing_sizes(site.root, model, images)
    renderer = Renderer(site.root, model, site.figures, html, site.routes, record_html, sizes, store, images.sets)
    pages = render_pages(renderer, site.routes, problems, workers, deliver, progress)
    copies = static_files(site.root, site.config.theme, media - images.processed - images.refused)
    for rel in sorted(set(pages) & (set(copies) | set(images.files))):
        source = copies.get(rel)
        inside = source is not None and source.resolve().is_relative_to(site.root.resolve())
        where = source.resolve().relative_to(site.root.resolve()).as_posix() if inside else f"themes/.../static/{rel}"
        problems.error(
            where,
            None,
            say(
                "V506",
                "the file {file} would overwrite the page {page} of the site: rename it, or move it into a folder",
                file=where,
                page=rel,
            ),
        )
    if problems.errors:
        raise ContentError(problems.sorted())
    published = frozenset(copies) | frozenset(images.files) | images.processed
    findings = link_findings(model, html, frozenset(route.url for route in site.routes), published)
    return Rendered(pages, copies, findings, images.files, images.later)
