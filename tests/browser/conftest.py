"""Browser tests: the example site built once, served on loopback, looked at in Chromium.

Fixtures
- `site`: the example site served under the path of its base_url (/volunteer/);
  `root_site`: the same site built with `--base-url /` and served at the root.
- `browser`: Debian's Chromium through Playwright (sync API), one per session.
- `width`: "desktop" (1280×900) or "phone" (390×844, touch, DPR 3); tests that use `visit`
  run once at each width.
- `visit(path)`: opens a page at the current width and returns it, after checking its HTTP
  status, that no script failed, that no resource of the site failed to load, and that no
  hidden volunteer is named on it.

VOLSITE_TEST_SITE=/path/to/site points the tests at another site (for development, while the
example content does not build).
"""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from . import serving
from .people import hidden_ids, hidden_names

IN_CI = bool(os.environ.get("CI"))


@dataclass
class Site:
    """A built site and the server in front of it."""

    source: Path
    output: Path
    server: serving.StaticServer
    hidden: set[str] = field(default_factory=set)  # real names that must never show
    hidden_ids: set[str] = field(default_factory=set)  # ids whose profile must never be linked

    def url(self, path: str = "") -> str:
        return self.server.url(path)

    @property
    def base_path(self) -> str:
        return self.server.base_path

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.url(path), timeout=30) as response:
            return response.read()

    def stats(self) -> dict:
        return json.loads(self.get("data/stats.json"))

    def has_page(self, path: str) -> bool:
        """Whether the built site has the page at `path` (relative to the base path)."""
        target = self.output / path
        return (target / "index.html").is_file() if path.endswith("/") or not path else target.is_file()


def _serve(source: Path, output: Path, base_path: str):
    server = serving.StaticServer(output, base_path).start()
    return Site(source, output, server, hidden_names(source), hidden_ids(source))


@pytest.fixture(scope="session")
def site_source() -> Path:
    return serving.example_site()


@pytest.fixture(scope="session")
def site(site_source, tmp_path_factory):
    output = serving.build_once_or_fail(site_source, tmp_path_factory.mktemp("site"))
    served = _serve(site_source, output, serving.base_path_of(site_source))
    yield served
    served.server.stop()


@pytest.fixture(scope="session")
def root_site(site_source, tmp_path_factory):
    try:
        output = serving.build_once(site_source, tmp_path_factory.mktemp("site-root"), base_url="/")
    except serving.BuildError as exc:
        output = None
        failure = str(exc)
    if output is None:
        pytest.fail(f"the example site does not build with --base-url /:\n{failure}", pytrace=False)
    served = _serve(site_source, output, "/")
    yield served
    served.server.stop()


@pytest.fixture(scope="session")
def browser():
    missing = serving.chromium_missing_reason()
    if missing:
        if IN_CI:
            pytest.fail(f"{missing} (CI is set, so this is a failure, not a skip)", pytrace=False)
        pytest.skip(missing)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - the test extras install it
        if IN_CI:
            pytest.fail(f"playwright is not installed: {exc}", pytrace=False)
        pytest.skip(f"playwright is not installed (pip install -e '.[test]'): {exc}")
    playwright = sync_playwright().start()
    try:
        chromium = serving.launch_chromium(playwright)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(params=list(serving.WIDTHS))
def width(request) -> str:
    return request.param


class Visitor:
    """Opens pages at one width; every page it opens is checked for what must never happen."""

    def __init__(self, browser, width: str, site: Site):
        self.browser, self.width, self.site = browser, width, site
        self.contexts = []

    def context(self, javascript: bool = True):
        context = self.browser.new_context(**serving.WIDTHS[self.width], java_script_enabled=javascript)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        return context

    @property
    def viewport_width(self) -> int:
        return serving.WIDTHS[self.width]["viewport"]["width"]

    def __call__(self, path: str = "", *, status: int = 200, javascript: bool = True, site: Site | None = None):
        """Open `path` (relative to the site's base path, or absolute "/x/") and return the page."""
        site = site or self.site
        page = self.context(javascript).new_page()
        errors: list[str] = []
        failed: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "response",
            lambda r: (
                failed.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document" and not r.url.endswith("/favicon.ico")
                else None
            ),
        )
        url = site.url(path)
        response = page.goto(url, wait_until="load")
        assert response is not None, f"no response for {url}"
        assert response.status == status, f"{url} answered {response.status}, expected {status}"
        assert not errors, f"script errors on {url} ({self.width}): {errors}"
        assert not failed, f"resources of {url} that failed to load ({self.width}): {failed}"
        html = page.content()
        leaked = sorted(name for name in site.hidden if name in html)
        assert not leaked, f"{url} ({self.width}) names hidden volunteers: {leaked}"
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        linked = sorted({vid for vid in site.hidden_ids for href in hrefs if f"/volunteers/{vid}/" in href})
        assert not linked, f"{url} ({self.width}) links hidden volunteers: {linked}"
        masked_links = page.eval_on_selector_all(
            "a", "links => links.map(a => a.innerText.trim()).filter(t => /^[\\u3400-\\u9fff]{1,3}[*＊]+$/.test(t))"
        )
        assert not masked_links, f"{url} ({self.width}) links masked names: {masked_links}"
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def visit(browser, width, site):
    visitor = Visitor(browser, width, site)
    yield visitor
    visitor.close()
