"""What a visitor sees on each kind of page, at 1280 px and at 390 px.

Every test that takes `visit` runs at both widths. `visit(path)` opens a page and has
already checked its status, its scripts, its resources, and that no hidden volunteer is named
or linked on it and no masked name is a link (see conftest.py).

Two layers:
- PAGES: one example of each kind of page. Each gets the checks every page gets (lang, one
  <h1>, no sideways scroll, every link resolving under /volunteer/ and at the root, canonical),
  from one load per page and width. A kind the site does not have yet is skipped.
- One small function per kind of page for what is particular to it (figures, lists, print).
"""

from __future__ import annotations

import html as html_lib
import http.client
import re
import urllib.parse
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pytest

from volsite.model.routes import RESERVED

# ---------------------------------------------------------------- finding pages


def links_in(text: str, base_path: str, prefix: str) -> list[str]:
    """Paths (relative to the base path) of the links in `text` to base_path + prefix + "<segment>/"."""
    pattern = r'href="' + re.escape(base_path + prefix) + r'([^"#?/]+/)"'
    found = []
    for match in re.finditer(pattern, text):
        path = prefix + html_lib.unescape(match.group(1))
        if path not in found:
            found.append(path)
    return found


def first_link(site, listing: str, prefix: str, skip: tuple[str, ...] = ()) -> str | None:
    if not site.has_page(listing):
        return None
    found = [
        p
        for p in links_in(site.get(listing).decode("utf-8"), site.base_path, prefix)
        if not any(p.startswith(prefix + s) for s in skip)
    ]
    return found[0] if found else None


def standalone_pages(site) -> list[str]:
    owned = set(RESERVED)  # the first segments the generator keeps for itself
    return sorted(
        f"{d.name}/"
        for d in site.output.iterdir()
        if d.is_dir() and d.name not in owned and (d / "index.html").is_file()
    )


def _hours_statement(site):
    profile = first_link(site, "volunteers/", "volunteers/")
    return profile and profile + "hours/"


# One example of each kind of page: name → path relative to the base path, or a function of the
# served site that finds one (None when the site has none yet). Add new kinds here.
PAGES = {
    "home": "",
    "stories": "stories/",
    "story": lambda site: first_link(site, "stories/", "stories/", skip=("page/",)),
    "page": lambda site: (standalone_pages(site) or [None])[0],
    "volunteers": "volunteers/",
    "profile": lambda site: first_link(site, "volunteers/", "volunteers/"),
    "hours": _hours_statement,
    "teams": "teams/",
    "team": lambda site: first_link(site, "teams/", "teams/"),
    "timeline": "timeline/",
    "activity": lambda site: first_link(site, "timeline/", "activities/"),
    "activities": "activities/",
    "activities-category": lambda site: first_link(site, "activities/", "activities/category/"),
    "honors": "honors/",
    "honors-year": lambda site: first_link(site, "honors/", "honors/", skip=("candidates/",)),
    "candidates": "honors/candidates/",
    "certificate": lambda site: first_link(site, "honors/", "certificates/"),
    "stats": "stats/",
    "tags": "tags/",
    "tag": lambda site: first_link(site, "tags/", "tags/"),
    "search": "search/",
    "not-found": "no-such-page/",
}


def path_of(name: str, site) -> str:
    """The path of that kind of page on this site; skips the test when the site has none yet."""
    path = PAGES[name]
    path = path(site) if callable(path) else path
    if path is None or (name != "not-found" and not site.has_page(path)):
        pytest.skip(f"the site has no {name} page yet")
    return path


def status_of(name: str) -> int:
    return 404 if name == "not-found" else 200


# ---------------------------------------------------------------- reading a page


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


NUMBER = re.compile(r"(\d[\d,，\u00a0\u202f]*\d|\d)(?:\.(\d+))?\s*(万)?")


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


def figure_problems(page, expected: dict[str, object]) -> list[str]:
    """`expected`: label → number; what is wrong with the numbers shown beside those labels."""
    seen = figures_beside(page, expected)
    problems = []
    for label, number in expected.items():
        if not seen[label]:
            problems.append(f"no visible '{label}' in <main>")
        elif not shows(number, seen[label]):
            problems.append(f"'{label}' should show {number} (data/stats.json); beside it: {seen[label]}")
    return problems


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
            if (
                fragment
                and fragment != "top"
                and not page.evaluate(
                    "f => !!(document.getElementById(f) || document.getElementsByName(f).length)", fragment
                )
            ):
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
            broken.append(f"{status}{extra} {target[len(origin) :]} <- {referrer}")
            continue
        fragment = urllib.parse.unquote(fragment)
        if fragment and fragment != "top":
            text = body.decode("utf-8", "replace")
            quoted = re.escape(html_lib.escape(fragment, quote=True))
            if not re.search(rf'\b(?:id|name)=["\']?{quoted}["\'\s>]', text):
                broken.append(f"missing #{fragment} in {target[len(origin) :]} <- {referrer}")
    return sorted(set(broken))


def overflow(page, viewport_width: int) -> dict | None:
    """None when nothing is wider than the viewport; else the sizes and the widest culprits."""
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


# ---------------------------------------------------------------- every kind of page


@dataclass
class Facts:
    """What the general checks need from one page, read on one load."""

    path: str
    lang: str | None
    overflow: dict | None
    h1: list[str]
    broken: list[str]
    canonical: str | None


_FACTS: dict[tuple[str, str, str], Facts] = {}


def facts(visit, site, name: str) -> Facts:
    path = path_of(name, site)
    key = (site.base_path, visit.width, name)
    if key not in _FACTS:
        page = visit(path, status=status_of(name), site=site)
        _FACTS[key] = Facts(
            path=path,
            lang=page.get_attribute("html", "lang"),
            overflow=overflow(page, visit.viewport_width),
            h1=[t.strip() for t in page.get_by_role("heading", level=1).all_inner_texts()],
            broken=broken_links(page, site),
            canonical=page.locator("link[rel=canonical]").first.get_attribute("href")
            if page.locator("link[rel=canonical]").count()
            else None,
        )
        page.context.close()
    return _FACTS[key]


@pytest.mark.parametrize("name", PAGES)
def test_page_is_in_chinese(visit, site, name):
    assert facts(visit, site, name).lang == "zh-CN"


@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scroll(visit, site, name):
    found = facts(visit, site, name)
    assert found.overflow is None, f"/{found.path} scrolls sideways at {visit.viewport_width} px: {found.overflow}"


@pytest.mark.parametrize("name", PAGES)
def test_page_has_one_main_heading(visit, site, name):
    found = facts(visit, site, name)
    headings = found.h1
    assert len(headings) == 1, f"/{found.path} should have one level-1 heading, has {headings}"


@pytest.mark.parametrize("name", PAGES)
def test_every_link_resolves(visit, site, name):
    found = facts(visit, site, name)
    assert not found.broken, f"/{found.path}:\n" + "\n".join(found.broken)


@pytest.mark.parametrize("name", PAGES)
def test_every_link_resolves_at_the_root(visit, root_site, name):
    """The same site built with --base-url / and served at the root."""
    found = facts(visit, root_site, name)
    assert not found.broken, f"/{found.path}:\n" + "\n".join(found.broken)


@pytest.mark.parametrize("name", [n for n in PAGES if n != "not-found"])
def test_canonical_is_the_page_address(visit, site, name):
    found = facts(visit, site, name)
    assert found.canonical and urllib.parse.urlsplit(found.canonical).path == site.base_path + found.path, (
        f"canonical of {site.base_path}{found.path}: {found.canonical}"
    )


# ---------------------------------------------------------------- home

# The headline figures: what the visitor reads beside each number, and where it comes from.
HOME_FIGURES = {
    "志愿者": lambda s: s["totals"]["volunteers"],
    "服务时长": lambda s: s["totals"]["hours"],
    "活动": lambda s: s["totals"]["activities"],
    "服务人次": lambda s: s["totals"]["people_served"],
    "星级志愿者": lambda s: sum(s["stars"].values()),
}


def home_figures(stats) -> dict:
    return {label: source(stats) for label, source in HOME_FIGURES.items()}


def test_home_shows_the_figures_of_stats_json(visit, site):
    problems = figure_problems(visit(""), home_figures(site.stats()))
    assert not problems, "\n".join(problems)


def test_home_figures_without_javascript(visit, site):
    problems = figure_problems(visit("", javascript=False), home_figures(site.stats()))
    assert not problems, "\n".join(problems)


def test_navigation_works_without_javascript(visit, site):
    """The menu reaches the story list on a phone too, with scripts off."""
    page = visit("", javascript=False)
    nav = page.get_by_role("navigation").first
    link = nav.get_by_role("link", name="志愿者故事")
    if not link.is_visible():  # a menu that opens without scripts (<details>, :target...)
        page.get_by_role("button", name=re.compile("菜单|导航|目录")).or_(page.locator("summary")).first.click()
    link.click()
    assert urllib.parse.urlsplit(page.url).path == site.base_path + "stories/"
    assert page.get_by_role("heading", level=1).inner_text().strip() == "志愿者故事"


# ---------------------------------------------------------------- stories


def test_story_list_reaches_every_story(visit, site):
    """Following the 'older' links from the first page lists each story once."""
    seen: list[str] = []
    page = visit("stories/")
    for _ in range(100):
        seen += links_in(page.content(), site.base_path, "stories/")
        seen = [p for p in seen if not p.startswith("stories/page/")]
        older = page.locator("a[rel=next]")
        if not older.count():
            break
        older.first.click()
        page.wait_for_load_state()
    assert len(seen) == len(set(seen)), "a story is listed twice"
    assert len(seen) == site.stats()["totals"]["stories"]


def test_story_page_is_titled_like_its_card(visit, site):
    list_page = visit("stories/")
    path = path_of("story", site)
    card_title = list_page.locator(f'main a[href="{site.base_path}{path}"]').first.inner_text().strip()
    page = visit(path)
    assert page.get_by_role("heading", level=1).inner_text().strip() == card_title
    assert card_title in page.title()


def test_no_story_names_a_hidden_volunteer(visit, site):
    """visit() fails on any page that names or links a hidden volunteer: open every story."""
    assert site.hidden, "the example site should have hidden volunteers to test with"
    lists = ["stories/"] + sorted(
        {
            p.parent.relative_to(site.output).as_posix() + "/"
            for p in (site.output / "stories" / "page").glob("*/index.html")
        }
    )
    stories = [
        p
        for p in links_in("".join(site.get(p).decode("utf-8") for p in lists), site.base_path, "stories/")
        if not p.startswith("stories/page/")
    ]
    for path in lists + stories:
        visit(path).context.close()


# ---------------------------------------------------------------- volunteers


def test_directory_lists_every_public_volunteer(visit, site):
    """Public volunteers are those stats.json names by id; each is linked from the directory."""
    path_of("volunteers", site)
    page = visit("volunteers/")
    linked = {p.split("/")[1] for p in links_in(page.content(), site.base_path, "volunteers/")}
    public = set(site.stats()["volunteers"])
    assert linked == public, f"missing: {sorted(public - linked)}; not public: {sorted(linked - public)}"


def test_profiles_show_hours_and_stars(visit, site):
    path_of("profile", site)
    stats = site.stats()["volunteers"]
    problems = []
    for path in links_in(site.get("volunteers/").decode("utf-8"), site.base_path, "volunteers/")[:4]:
        figures = stats[path.split("/")[1]]
        page = visit(path)
        problems += [f"/{path}: {p}" for p in figure_problems(page, {"累计服务时长": figures["hours"]})]
        if figures["stars"]:
            if not page.get_by_role("main").get_by_text(f"{figures['stars']}星志愿者").count():
                problems.append(f"/{path}: does not say {figures['stars']}星志愿者")
        page.context.close()
    assert not problems, "\n".join(problems)


def test_hours_statement_totals_the_profile_hours(visit, site):
    path = path_of("hours", site)
    hours = site.stats()["volunteers"][path.split("/")[1]]["hours"]
    page = visit(path)
    problems = figure_problems(page, {"合计": hours})
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- teams


def test_teams_tree_links_every_team(visit, site):
    path_of("teams", site)
    page = visit("teams/")
    linked = {p.split("/")[1] for p in links_in(page.content(), site.base_path, "teams/")}
    assert linked == set(site.stats()["teams"])


def test_team_pages_show_their_figures(visit, site):
    path_of("team", site)
    problems = []
    for tid, figures in sorted(site.stats()["teams"].items()):
        page = visit(f"teams/{tid}/")
        problems += [
            f"/teams/{tid}/: {p}"
            for p in figure_problems(
                page, {"队员": figures["members"], "服务时长": figures["hours"], "活动": figures["activities"]}
            )
        ]
        page.context.close()
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- activities and timeline


def test_timeline_is_newest_first(visit, site):
    path_of("timeline", site)
    page = visit("timeline/")
    items = page.eval_on_selector_all(
        "main li",
        "items => items.filter(li => li.querySelector('time[datetime]')).map(li => ["
        "li.querySelector('time[datetime]').getAttribute('datetime'), li.classList.contains('upcoming'),"
        "[...li.querySelectorAll('.tag')].some(t => t.textContent === '培训')])",
    )
    dates = [date for date, _, _ in items]
    stats = site.stats()
    # the activities counted, the trainings held, and first those after today (即将开展)
    assert sum(1 for _, upcoming, training in items if not upcoming and not training) == stats["totals"]["activities"]
    assert len([date for date, upcoming, _ in items if upcoming]) == len(stats["upcoming"])
    soon = [date for date, upcoming, _ in items if upcoming]
    held = [date for date, upcoming, _ in items if not upcoming]
    assert dates == soon + held  # what is coming up above what was held
    assert soon == sorted(soon) and held == sorted(held, reverse=True)  # the soonest, then the newest first


def test_activity_page_names_its_activity(visit, site):
    path = path_of("activity", site)
    title = visit("timeline/").locator(f'main a[href="{site.base_path}{path}"]').first.inner_text().strip()
    page = visit(path)
    assert page.get_by_role("heading", level=1).inner_text().strip() == title


# ---------------------------------------------------------------- honours and certificates


def test_candidates_show_their_posting_window(visit, site):
    path_of("candidates", site)
    page = visit("honors/candidates/")
    assert page.get_by_role("main").get_by_text("公示期").count() >= 1


def test_certificate_prints_on_one_a4_landscape_sheet(visit, site):
    path = path_of("certificate", site)
    page = visit(path)
    recipient = page.get_by_role("main").get_by_role("article").first
    assert recipient.is_visible()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    sheets = re.findall(rb"/Type\s*/Page[^s]", pdf)
    boxes = [[float(x) for x in box.split()] for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)]
    assert len(sheets) == 1, f"the certificate prints on {len(sheets)} sheets"
    width, height = boxes[0][2] - boxes[0][0], boxes[0][3] - boxes[0][1]
    assert abs(width - 842) < 3 and abs(height - 595) < 3, f"sheet is {width:.0f}×{height:.0f} pt, not A4 landscape"
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation").first.is_visible(), "the site menu is printed"


# ---------------------------------------------------------------- stats


def test_every_chart_has_a_name_and_a_table(visit, site):
    path_of("stats", site)
    page = visit("stats/")
    charts = page.eval_on_selector_all(
        "main svg",
        """svgs => svgs.map(svg => ({
            name: svg.getAttribute('aria-label') || (svg.querySelector(':scope > title') || {}).textContent || '',
            role: svg.getAttribute('role'),
            table: !!(svg.closest('section, figure, div') && svg.closest('section, figure, div').parentElement
                      .querySelector('table')),
        }))""",
    )
    charts = [c for c in charts if c["role"] == "img" or c["name"]]
    assert len(charts) >= 4, f"hours by month, activities by category, volunteers by stars, teams: {charts}"
    assert all(c["name"].strip() and c["table"] for c in charts), charts


# ---------------------------------------------------------------- 404


def test_not_found_page(visit, site):
    page = visit("no-such-page/", status=404)
    assert page.get_by_role("heading", level=1).inner_text().strip() == "页面未找到"
    page.get_by_role("main").get_by_role("link", name="返回首页").click()
    assert urllib.parse.urlsplit(page.url).path == site.base_path


def test_not_found_page_at_the_root(visit, root_site):
    page = visit("no/such/page.html", status=404, site=root_site)
    page.get_by_role("main").get_by_role("link", name="返回首页").click()
    assert urllib.parse.urlsplit(page.url).path == "/"


# ---------------------------------------------------------------- standalone pages


def test_standalone_pages(visit, site):
    pages = standalone_pages(site)
    if not pages:
        pytest.skip("the example site has no standalone pages yet")
    problems = []
    for path in pages:
        page = visit(path)
        if page.get_by_role("heading", level=1).count() != 1:
            problems.append(f"/{path}: not one <h1>")
        if overflow(page, visit.viewport_width):
            problems.append(f"/{path}: scrolls sideways: {overflow(page, visit.viewport_width)}")
        problems += [f"/{path}: {b}" for b in broken_links(page, site)]
        page.context.close()
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- search


def test_search_finds_a_story_by_its_chinese_title(visit, site):
    """Type the first words of a story's title into the search box; a result links to the story."""
    path_of("search", site)
    story = path_of("story", site)
    title = visit(story).get_by_role("heading", level=1).inner_text().strip()
    query = re.sub(r"[^\u3400-\u9fff]", "", title)[:4] or title
    page = visit("search/")
    main = page.get_by_role("main")
    box = main.get_by_role("searchbox").or_(main.get_by_role("textbox")).first
    result = main.locator(f'a[href^="{site.base_path}{story}"], a[href^="{site.url(story)}"]').first
    assert not result.count(), "the story is linked before anything was searched"
    box.fill(query)
    result.wait_for(state="visible", timeout=15_000)


# ---------------------------------------------------------------- issue 21: what is coming up, and how to join


@pytest.mark.parametrize("where", ["activities/", ""])
def test_an_upcoming_activity_shows_how_to_sign_up_with_scripts_off(visit, site, where):
    """On /activities/ and on the home page, at each width and without JavaScript: the first
    upcoming activity, its deadline, a phone to tap and the online form are there to be seen."""
    if not site.stats()["upcoming"]:
        pytest.skip("the site has nothing coming up")
    page = visit(where, javascript=False)
    first = page.locator("main li.activity.upcoming").first
    assert first.is_visible()
    assert first.locator(".activity-main a").first.is_visible()
    signup = first.locator(".activity-signup")
    if signup.count():
        links = signup.locator("a")
        assert links.count() >= 1 and all(links.nth(i).is_visible() for i in range(links.count()))
        for i in range(links.count()):
            href = links.nth(i).get_attribute("href") or ""
            assert href.startswith(("tel:", "https://", "http://")), href


def test_the_calendar_feed_is_linked_from_activities_and_parses(visit, site):
    import icalendar

    page = visit("activities/", javascript=False)
    link = page.locator('main a[type="text/calendar"]').first
    assert link.is_visible()
    href = link.get_attribute("href") or ""
    assert href.endswith("activities.ics")
    calendar = icalendar.Calendar.from_ical(site.get("activities.ics"))
    pages = [str(event["URL"]).rstrip("/").rsplit("/", 1)[-1] for event in calendar.walk("VEVENT")]
    assert pages == site.stats()["upcoming"]
