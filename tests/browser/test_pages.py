"""What a visitor sees on each kind of page, at 1280 px and at 390 px.

Every test that takes `visit` runs at both widths. `visit(path)` opens a page and has
already checked its status, its scripts, its resources and that no hidden volunteer is named
on it (see conftest.py). A new kind of page is one small function here, and one line in PAGES
so that the checks every page gets (lang, no sideways scroll, links) cover it too.
"""

from __future__ import annotations

import html as html_lib
import http.client
import re
import urllib.parse
from decimal import ROUND_HALF_UP, Decimal

import pytest

# The headline figures of the home page: what the visitor reads beside each number, and
# where the number comes from in data/stats.json.
FIGURES = {
    "志愿者": lambda s: s["totals"]["volunteers"],
    "服务时长": lambda s: s["totals"]["hours"],
    "活动": lambda s: s["totals"]["activities"],
    "服务人次": lambda s: s["totals"]["people_served"],
    "星级志愿者": lambda s: sum(s["stars"].values()),
}


def first_story(site) -> str:
    """The first story linked from the story list, as a path relative to the base path."""
    stories = story_links(site.get("stories/").decode("utf-8"), site.base_path)
    assert stories, "the story list links to no story"
    return stories[0]


def story_links(text: str, base_path: str) -> list[str]:
    pattern = re.escape(base_path) + r"(stories/(?!page/)[^\"'#?/]+/)"
    found = []
    for match in re.finditer(r'href="' + pattern + '"', text):
        path = html_lib.unescape(match.group(1))
        if path not in found:
            found.append(path)
    return found


# Pages every general check opens: name → path relative to the base path (or a function of the
# served site that finds it). Add the new kinds of pages here as they appear.
PAGES = {
    "home": "",
    "stories": "stories/",
    "story": first_story,
    "not-found": "no-such-page/",
}


def path_of(name: str, site) -> str:
    path = PAGES[name]
    return path(site) if callable(path) else path


def status_of(name: str) -> int:
    return 404 if name == "not-found" else 200


# ---------------------------------------------------------------- helpers


def figures_beside(page, labels) -> dict[str, list[str]]:
    """For each label, the text around it that holds numbers.

    Finds the visible elements in <main> whose text is the label (or, failing that, contains it
    with no digit), and climbs to the nearest ancestor that shows a digit; returns that text with
    the label removed, for each such element.
    """
    return page.evaluate(
        """labels => {
            const main = document.querySelector('main') || document.body;
            const clean = t => (t || '').replace(/\\s+/g, ' ').trim();
            const elements = [...main.querySelectorAll('*')].filter(e => e.checkVisibility());
            const out = {};
            for (const label of labels) {
                let hits = elements.filter(e => clean(e.innerText) === label);
                if (!hits.length) {
                    hits = elements.filter(e => {
                        const t = clean(e.innerText);
                        return t.includes(label) && !/\\d/.test(t) && t.length <= label.length + 8;
                    });
                }
                out[label] = hits.map(e => {
                    let a = e.parentElement;
                    while (a && a !== main && !/\\d/.test(a.innerText)) a = a.parentElement;
                    return a ? clean(a.innerText).replace(label, ' ') : '';
                });
            }
            return out;
        }""",
        list(labels),
    )


NUMBER = re.compile(r"(\d[\d,，\u00a0\u202f ]*\d|\d)(?:\.(\d+))?\s*(万)?")


def numbers_in(text: str) -> list[tuple[Decimal, Decimal]]:
    """Each number a reader sees in `text`, with the unit of its last shown digit
    ("1,234.5" → (1234.5, 0.1); "1.2万" → (12000, 1000))."""
    found = []
    for whole, decimals, wan in NUMBER.findall(text):
        digits = re.sub(r"[^\d]", "", whole)
        value = Decimal(digits + ("." + decimals if decimals else ""))
        unit = Decimal(1).scaleb(-len(decimals)) if decimals else Decimal(1)
        if wan:
            value, unit = value * 10000, unit * 10000
        found.append((value, unit))
    return found


def shows(number, texts: list[str]) -> bool:
    """Whether one of the texts shows `number`, to the precision it is written with."""
    expected = Decimal(str(number))
    for text in texts:
        for value, unit in numbers_in(text):
            if value == (expected / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP) * unit:
                return True
    return False


def assert_figures(page, stats) -> None:
    seen = figures_beside(page, FIGURES)
    problems = []
    for label, source in FIGURES.items():
        expected = source(stats)
        if not seen[label]:
            problems.append(f"no visible '{label}' in <main>")
        elif not shows(expected, seen[label]):
            problems.append(f"'{label}' should show {expected} (data/stats.json); beside it: {seen[label]}")
    assert not problems, "\n".join(problems)


def links_on(page) -> list[tuple[str, str, bool]]:
    """(absolute URL, what refers to it, whether it is "#x" in the same page) for every link and
    resource the page names."""
    return page.evaluate(
        """() => {
            const out = [];
            const add = (url, el, attr) => { if (url) out.push([url, `${el.tagName.toLowerCase()}[${attr}] ${(el.innerText || el.getAttribute(attr) || '').trim().slice(0, 40)}`, (el.getAttribute(attr) || '').startsWith('#')]); };
            for (const el of document.querySelectorAll('a[href], area[href]')) add(el.href, el, 'href');
            for (const el of document.querySelectorAll('link[href]')) add(el.href, el, 'href');
            for (const el of document.querySelectorAll('img[src], script[src], source[src], iframe[src], video[src], audio[src]')) add(el.src, el, 'src');
            for (const el of document.querySelectorAll('img[srcset], source[srcset]'))
                for (const part of el.getAttribute('srcset').split(','))
                    add(new URL(part.trim().split(/\\s+/)[0], document.baseURI).href, el, 'srcset');
            return out;
        }"""
    )


_FETCHED: dict[str, tuple[int, bytes, str]] = {}


def fetch(url: str) -> tuple[int, bytes, str]:
    """GET without following redirects: (status, body, location)."""
    if url not in _FETCHED:
        parts = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
            response = connection.getresponse()
            _FETCHED[url] = (response.status, response.read(), response.getheader("Location") or "")
        finally:
            connection.close()
    return _FETCHED[url]


def broken_links(page, site) -> list[str]:
    """Links of the page, on the site's own server, that do not answer 200 (or whose #anchor is missing)."""
    broken = []
    origin = site.server.origin
    for url, referrer, same_page in links_on(page):
        if same_page:
            fragment = urllib.parse.unquote(url.partition("#")[2])
            if fragment and fragment != "top" and not page.evaluate(
                    "f => !!(document.getElementById(f) || document.getElementsByName(f).length)", fragment):
                broken.append(f"missing #{fragment} in this page <- {referrer}")
            continue
        if not url.startswith(origin + "/"):
            if url.startswith(("http://127.0.0.1", "http://localhost")):
                broken.append(f"{url} (another local server) <- {referrer}")
            continue
        target, _, fragment = url.partition("#")
        status, body, location = fetch(target)
        if status != 200:
            extra = f" → {location}" if location else ""
            broken.append(f"{status}{extra} {target[len(origin):]} <- {referrer}")
            continue
        fragment = urllib.parse.unquote(fragment)
        if fragment and fragment != "top":
            text = body.decode("utf-8", "replace")
            quoted = re.escape(html_lib.escape(fragment, quote=True))
            if not re.search(rf'\b(?:id|name)=["\']?{quoted}["\'\s>]', text):
                broken.append(f"missing #{fragment} in {target[len(origin):]} <- {referrer}")
    return sorted(set(broken))


def overflow(page, viewport_width: int) -> dict | None:
    sizes = page.evaluate(
        """() => ({scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
                   wide: [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                        .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                                       + ' ' + (e.innerText || '').trim().slice(0, 30))})"""
    )
    if sizes["scrollWidth"] <= min(sizes["innerWidth"], viewport_width):
        return None
    return sizes


# ---------------------------------------------------------------- every page


@pytest.mark.parametrize("name", PAGES)
def test_page_is_in_chinese(visit, site, name):
    page = visit(path_of(name, site), status=status_of(name))
    assert page.get_attribute("html", "lang") == "zh-CN"


@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scroll(visit, site, name):
    page = visit(path_of(name, site), status=status_of(name))
    assert overflow(page, visit.viewport_width) is None, \
        f"{name} scrolls sideways at {visit.viewport_width} px: {overflow(page, visit.viewport_width)}"


@pytest.mark.parametrize("name", PAGES)
def test_page_has_one_main_heading(visit, site, name):
    page = visit(path_of(name, site), status=status_of(name))
    headings = page.get_by_role("heading", level=1)
    assert headings.count() == 1, f"{name}: {headings.all_inner_texts()}"
    assert headings.first.is_visible()


@pytest.mark.parametrize("name", ["home", "stories", "story", "not-found"])
def test_every_link_resolves(visit, site, name):
    page = visit(path_of(name, site), status=status_of(name))
    broken = broken_links(page, site)
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("name", ["home", "story", "not-found"])
def test_every_link_resolves_at_the_root(visit, root_site, name):
    """The same site built with --base-url / and served at the root."""
    page = visit(path_of(name, root_site), status=status_of(name), site=root_site)
    broken = broken_links(page, root_site)
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("name", ["home", "stories", "story"])
def test_canonical_is_the_page_address(visit, site, name):
    path = path_of(name, site)
    page = visit(path)
    canonical = page.get_attribute("link[rel=canonical]", "href")
    assert canonical and urllib.parse.urlsplit(canonical).path == site.base_path + path


# ---------------------------------------------------------------- home


def test_home_shows_the_figures_of_stats_json(visit, site):
    page = visit("")
    assert_figures(page, site.stats())


def test_home_figures_without_javascript(visit, site):
    page = visit("", javascript=False)
    assert_figures(page, site.stats())


def test_navigation_works_without_javascript(visit, site):
    """The menu reaches the story list on a phone too, with scripts off."""
    page = visit("", javascript=False)
    nav = page.get_by_role("navigation").first
    link = nav.get_by_role("link", name="志愿者故事")
    if not link.is_visible():  # a menu that opens without scripts (<details>, :target...)
        page.get_by_role("button", name=re.compile("菜单|导航|目录")).or_(
            page.locator("summary")).first.click()
    link.click()
    assert urllib.parse.urlsplit(page.url).path == site.base_path + "stories/"
    assert page.get_by_role("heading", level=1).inner_text().strip() == "志愿者故事"


# ---------------------------------------------------------------- stories


def test_story_list_reaches_every_story(visit, site):
    """Following the 'older' links from the first page lists each story once."""
    seen: list[str] = []
    page = visit("stories/")
    for _ in range(100):
        seen += story_links(page.content(), site.base_path)
        older = page.locator("a[rel=next]")
        if not older.count():
            break
        older.first.click()
        page.wait_for_load_state()
    assert len(seen) == len(set(seen)), "a story is listed twice"
    assert len(seen) == site.stats()["totals"]["stories"]


def test_story_page_is_titled_like_its_card(visit, site):
    list_page = visit("stories/")
    path = first_story(site)
    card_title = list_page.locator(f'main a[href="{site.base_path}{path}"]').first.inner_text().strip()
    page = visit(path)
    assert page.get_by_role("heading", level=1).inner_text().strip() == card_title
    assert card_title in page.title()


def test_no_story_names_a_hidden_volunteer(visit, site):
    """visit() fails on any page that names a hidden volunteer; open every story and list page."""
    assert site.hidden, "the example site should have hidden volunteers to test with"
    lists = ["stories/"] + sorted({p.parent.relative_to(site.output).as_posix() + "/"
                                   for p in (site.output / "stories" / "page").glob("*/index.html")})
    stories = story_links("".join(site.get(p).decode("utf-8") for p in lists), site.base_path)
    for path in lists + stories:
        visit(path).context.close()


# ---------------------------------------------------------------- 404


def test_not_found_page(visit, site):
    page = visit("no-such-page/", status=404)
    assert page.get_by_role("heading", level=1).inner_text().strip() == "页面未找到"
    home = page.get_by_role("main").get_by_role("link", name="返回首页")
    home.click()
    assert urllib.parse.urlsplit(page.url).path == site.base_path


def test_not_found_page_at_the_root(visit, root_site):
    page = visit("no/such/page.html", status=404, site=root_site)
    page.get_by_role("main").get_by_role("link", name="返回首页").click()
    assert urllib.parse.urlsplit(page.url).path == "/"


# ---------------------------------------------------------------- standalone pages


def standalone_pages(site) -> list[str]:
    owned = {"stories", "tags", "volunteers", "teams", "activities", "timeline", "honors",
             "certificates", "stats", "search", "data", "media", "pagefind", "static", "assets"}
    return sorted(f"{d.name}/" for d in site.output.iterdir()
                  if d.is_dir() and d.name not in owned and (d / "index.html").is_file())


def test_standalone_pages(visit, site):
    pages = standalone_pages(site)
    if not pages:
        pytest.skip("the example site has no standalone pages yet")
    for path in pages:
        page = visit(path)
        assert page.get_by_role("heading", level=1).is_visible()
        assert overflow(page, visit.viewport_width) is None, f"{path} scrolls sideways"
        broken = broken_links(page, site)
        assert not broken, f"{path}:\n" + "\n".join(broken)
        page.context.close()
