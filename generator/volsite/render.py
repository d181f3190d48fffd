"""Jinja rendering of planned routes, in memory. Writes nothing, converts no Markdown."""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import (ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError,
                    TemplateNotFound)

from . import i18n
from .figures import Figures, round_hours, stats_json
from .index import Model
from .markup import Html
from .problems import Problems
from .routes import Route, page_count, stories_url
from .views import Views


def theme_dirs(site_root: Path, theme: str) -> list[Path]:
    """The site's own theme first, then volsite's default theme for whatever it does not override."""
    dirs = [site_root / "themes" / theme]
    default = default_theme_dir()
    if default.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(default)
    return [d for d in dirs if d.is_dir()]


def default_theme_dir() -> Path:
    here = Path(__file__).resolve().parent
    packaged = here / "default_theme"  # in an installed wheel
    return packaged if packaged.is_dir() else here.parents[1] / "themes" / "default"


class Renderer:
    def __init__(self, site_root: Path, model: Model, figures: Figures, html: dict[str, Html],
                 routes: list[Route]):
        self.model, self.figures, self.config = model, figures, model.config
        self.routes = routes
        self.views = Views(model, figures, html, frozenset(r.url for r in routes))
        language = self.config.language
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(str(d / "templates")) for d in theme_dirs(site_root, self.config.theme)]),
            autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        base = self.config.base_path
        self.env.filters.update(
            url=lambda u: base + (u or "").lstrip("/"),
            date=lambda d: i18n.format_date(d, language),
            hours=lambda h: str(round_hours(h)),
        )
        self.env.globals.update(site=self.config, t=i18n.strings(language), lang=language,
                                nav=self._nav())

    def _nav(self) -> list[dict]:
        if self.config.nav is not None:
            return [{"title": n.title, "url": n.url} for n in self.config.nav]
        t = i18n.strings(self.config.language)
        urls = {r.url for r in self.routes}
        items = [("", t["home"]), ("stories/", t["stories"]), ("volunteers/", t["volunteers"]),
                 ("teams/", t["teams"]), ("timeline/", t["activities"]), ("honors/", t["awards"]),
                 ("stats/", t["open_data"])]
        items += [(f"{slug}/", d.title) for slug, d in sorted(self.model.pages.items(),
                  key=lambda kv: (kv[1].order if kv[1].order is not None else 999, kv[0])) if d.menu]
        return [{"title": title, "url": "/" + url} for url, title in items if url in urls]

    def render(self, route: Route, problems: Problems) -> bytes | None:
        if route.kind == "stats_json":
            data = stats_json(self.model, self.figures)
            return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode()
        template_name, context = getattr(self, f"_{route.kind}")(route)
        try:
            text = self.env.get_template(template_name).render(route=route, **context)
        except TemplateNotFound as exc:
            problems.error(f"themes/{self.config.theme}", None,
                           f"the template {exc.name} is missing (needed for {route.output})")
            return None
        except TemplateError as exc:
            line = getattr(exc, "lineno", None)
            name = getattr(exc, "filename", None) or template_name
            problems.error(str(name), line, f"template error while rendering {route.output}"
                                            f"{' for ' + route.key if route.key else ''}: {exc}")
            return None
        return text.encode("utf-8")

    # one method per kind of page: (template, context)

    def _home(self, route: Route):
        v = self.views
        stories = [v.story(slug) for slug in list(self.model.stories)[:6]]
        return "home.html", {"headline": v.headline(), "stories": stories,
                             "activities": v.recent_activities(6), "awards": v.newest_awards(6),
                             "stars": self.figures.stars}

    def _stories(self, route: Route):
        per_page = self.config.pagination
        slugs = list(self.model.stories)
        chunk = slugs[(route.number - 1) * per_page: route.number * per_page]
        pages = page_count(len(slugs), per_page)
        return "stories.html", {
            "stories": [self.views.story(s) for s in chunk], "number": route.number, "pages": pages,
            "newer": stories_url(route.number - 1) if route.number > 1 else None,
            "older": stories_url(route.number + 1) if route.number < pages else None,
        }

    def _story(self, route: Route):
        return "story.html", {"story": self.views.story(route.key)}

    def _page(self, route: Route):
        return "page.html", {"page": self.views.page(route.key)}

    def _404(self, route: Route):
        return "404.html", {}
