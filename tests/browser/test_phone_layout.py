"""Every kind of page at 320, 390 and 1280 px (issue 21): the page never scrolls sideways
(a table may, inside its own box: WCAG 1.4.10), every menu entry is on screen or one tap
away (the 菜单 button), running text is at least 16 px, and the footer is there.

The pages are one of each kind found in the built site's sitemap.xml, grouped by the shape
of their address, so a kind of page added later is looked at without changing this file.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

WIDTHS = {
    320: {"viewport": {"width": 320, "height": 700}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
    390: {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
    1280: {"viewport": {"width": 1280, "height": 900}},
}

# Address segments that name a kind of page rather than one record: kept as they are.
WORDS = {"page", "hours", "candidates"}

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def kind_of(path: str) -> tuple[str, ...]:
    """The shape of a site path: "stories/some-slug/" → ("stories", "*"); "honors/2025/" → ("honors", "N")."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        return ("home",)
    if len(parts) == 1:
        return (parts[0],)
    return (parts[0], *("N" if p.isdigit() else p if p in WORDS else "*" for p in parts[1:]))


def one_page_of_each_kind(site) -> list[str]:
    """Site paths (under the base path), one of each kind in sitemap.xml, and the 404 page."""
    root = ET.fromstring(site.get("sitemap.xml"))
    base = site.base_path
    chosen: dict[tuple[str, ...], str] = {}
    for loc in root.iter(SITEMAP + "loc"):
        path = urlsplit(loc.text.strip()).path
        rel = path[len(base) :] if path.startswith(base) else path.lstrip("/")
        if rel.endswith((".xml", ".json", ".ics", ".txt")):
            continue
        chosen.setdefault(kind_of(rel), rel)
    return sorted(chosen.values()) + ["404.html"]


# What each page is checked for, in the page: a list of what is wrong (empty: all is well).
PROBLEMS = """(width) => {
  const out = [];
  // the width asked for, not innerWidth: a phone zooms out to show a page that is too wide
  if (window.innerWidth > width) out.push(`the phone zoomed out to ${window.innerWidth}px to show it all`);
  const doc = document.documentElement;
  if (doc.scrollWidth > width) {
    const wide = [...document.querySelectorAll('body *')].filter(e => {
      const r = e.getBoundingClientRect();
      return r.right > width + 1 && !e.closest('.table-wrap, .chart-scroll, .prose table, .prose pre');
    }).slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + e.className);
    out.push(`the page scrolls sideways: ${doc.scrollWidth} > ${width} (${wide.join(', ')})`);
  }
  const footer = document.querySelector('footer.site-footer');
  if (!footer || !footer.getBoundingClientRect().height) out.push('no footer');
  // running text: paragraphs, the values of facts (a service's when and booking), the lines of a
  // list item (an activity's place and sign-up); tags and chart labels are labels, not text
  for (const p of document.querySelectorAll('main p, main dd, main li > span:not(.tag)')) {
    if (!p.offsetParent || !p.textContent.trim()) continue;
    const size = parseFloat(getComputedStyle(p).fontSize);
    const tag = p.tagName.toLowerCase();
    if (size < 16) out.push(`text of ${size}px < 16px: <${tag} class="${p.className}">${p.textContent.trim().slice(0, 30)}`);
  }
  return out;
}"""

# Each menu entry on screen: its text, and whether the whole of it is visible in the viewport.
MENU = """([selector, width]) => [...document.querySelectorAll(selector)].map(a => {
  const r = a.getBoundingClientRect();
  const shown = r.width > 0 && r.height > 0 && getComputedStyle(a).visibility !== 'hidden';
  return [a.textContent.trim(), shown && r.left >= 0 && r.right <= width + 0.5];
})"""


@pytest.fixture(scope="module")
def pages(site) -> list[str]:
    found = one_page_of_each_kind(site)
    kinds = {kind_of(p)[0] for p in found}
    assert {"home", "stories", "volunteers", "teams", "activities", "stats", "honors"} <= kinds, found
    return found


def menu_entries(page, width: int) -> list[tuple[str, bool]]:
    """The menu as the visitor can reach it: the bar, or the 菜单 button's entries after one tap."""
    button = page.locator(".nav-menu summary")
    if button.count() and button.is_visible():
        assert not page.locator(".site-nav").is_visible(), "both the 菜单 button and the bar are shown"
        button.click()
        return page.evaluate(MENU, [".nav-menu a", width])
    return page.evaluate(MENU, [".site-nav a", width])


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_kind_of_page_fits_the_screen_and_reaches_every_menu_entry(browser, site, pages, width):
    context = browser.new_context(**WIDTHS[width])
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    try:
        for path in pages:
            response = page.goto(site.url(path), wait_until="load")
            assert response is not None and response.status == 200, path  # (404.html asked for by name)
            problems += [f"{path} at {width}px: {p}" for p in page.evaluate(PROBLEMS, width)]
            entries = menu_entries(page, width)
            titles = [title for title, _ in entries]
            assert len(titles) >= 8 and "搜索" in titles, (path, width, titles)
            problems += [f"{path} at {width}px: menu entry {t!r} is off-screen" for t, seen in entries if not seen]
            # with the menu open, the page still does not scroll sideways
            if page.evaluate(f"document.documentElement.scrollWidth > Math.min(innerWidth, {width})"):
                problems.append(f"{path} at {width}px: the open menu makes the page scroll sideways")
            if path == "":
                marked = page.eval_on_selector_all(
                    ".nav-menu a[aria-current], .site-nav a[aria-current]",
                    "links => links.filter(a => a.offsetParent).map(a => a.textContent.trim())",
                )
                assert marked == ["首页"], (width, marked)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_the_phone_menu_opens_from_the_keyboard_and_has_a_name(browser, site):
    context = browser.new_context(**WIDTHS[390])
    try:
        page = context.new_page()
        page.goto(site.url("stories/"), wait_until="load")
        summary = page.locator(".nav-menu summary")
        assert re.sub(r"\s+", "", summary.inner_text()) == "菜单"
        summary.focus()
        page.keyboard.press("Enter")
        assert page.locator(".nav-menu details").get_attribute("open") is not None
        current = page.locator(".nav-menu a[aria-current=page]")
        assert current.is_visible() and current.inner_text() == "志愿者故事"
        # the bar's copy of the menu is not shown, so a screen reader meets the menu once
        assert page.locator(".site-nav").evaluate("n => getComputedStyle(n).display") == "none"
    finally:
        context.close()
