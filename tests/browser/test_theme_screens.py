"""The guide's example theme (tests/themes/harbour, docs/themes.md) in Chromium: the home page
and a story at 390 px and 1280 px, in light and dark mode. The header and the links take the
theme's colours, not the default's; its pairs of colours are readable (WCAG AA); the home page
shows the theme's hero and the story page the rule its stylesheet gives stories; nothing is
wider than the phone. Full-page screenshots are saved under the session's temporary folder
(its path is printed: pytest -s shows it)."""

from __future__ import annotations

import pytest

from . import serving, theme_site

PAGES = {"home": "", "story": theme_site.STORY}

# harbour.css's colours, as the browser computes them
HARBOUR = {
    "light": {"header": "rgb(18, 52, 77)", "header_fg": "rgb(255, 255, 255)", "accent": "rgb(10, 102, 128)"},
    "dark": {"header": "rgb(13, 34, 51)", "header_fg": "rgb(232, 241, 245)", "accent": "rgb(124, 200, 221)"},
}
DEFAULT_ACCENT = {"light": "rgb(168, 34, 26)", "dark": "rgb(255, 154, 143)"}

# Pairs of harbour's custom properties that are text on a background: (text, background).
READABLE = [
    ("--fg", "--bg"),
    ("--accent", "--bg"),
    ("--accent", "--soft"),
    ("--accent", "--softer"),
    ("--muted", "--soft"),
    ("--header-fg", "--header-bg"),
    ("--hero-fg", "--hero-from"),
    ("--hero-fg", "--hero-to"),
    ("--hero-from", "--hero-fg"),  # the filled button's text
    ("--accent-fg", "--accent"),
]


@pytest.fixture(scope="module")
def harbour(tmp_path_factory):
    """The guide's site with the harbour theme, built and served under /volunteer/."""
    root = theme_site.write_site(tmp_path_factory.mktemp("harbour-site") / "site")
    try:
        output = serving.build(root, root / "output")
    except serving.BuildError as exc:
        pytest.fail(str(exc), pytrace=False)
    with serving.StaticServer(output, theme_site.BASE_PATH) as server:
        yield server


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("theme-shots")
    print(f"\nscreenshots of the harbour theme: {folder}")
    return folder


def open_page(browser, server, width: str, scheme: str, path: str):
    context = browser.new_context(**serving.WIDTHS[width], color_scheme=scheme)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    failed: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    response = page.goto(server.url(path), wait_until="load")
    assert response is not None and response.status == 200, path
    assert not errors, errors
    assert not failed, failed
    return context, page


def show_lazy_images(page) -> None:
    """Scroll to the end and back so that lazy images are in the screenshot."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height + 800, 800):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(20)
    page.wait_for_function("[...document.images].every(img => img.complete)")
    page.evaluate("window.scrollTo(0, 0)")


def style(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"e => getComputedStyle(e).getPropertyValue('{prop}')")


def overflowing(page) -> list[str]:
    """Elements whose right edge is past the window's, but for those inside a box that scrolls
    or clips sideways by design (the menu, wide tables, the months chart)."""
    return page.evaluate(
        """() => {
        const width = document.documentElement.clientWidth;
        const clipped = e => {
          for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
            if (getComputedStyle(p).overflowX !== 'visible') return true;
          }
          return false;
        };
        return [...document.body.querySelectorAll('*')]
          .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > width + 0.5 && !clipped(e))
          .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
                    + ' right=' + Math.round(e.getBoundingClientRect().right));
      }"""
    )


def luminance(rgb: str) -> float:
    text = rgb.strip()
    if text.startswith("#"):
        channels = [int(text[i : i + 2], 16) for i in (1, 3, 5)]
    else:
        channels = [int(float(c)) for c in text[text.index("(") + 1 : text.index(")")].split(",")[:3]]

    def linear(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_harbour_pages_have_its_colours_and_fit_the_phone(browser, harbour, shots, width, scheme, name):
    colours = HARBOUR[scheme]
    context, page = open_page(browser, harbour, width, scheme, PAGES[name])
    try:
        # the theme's stylesheet is there, after the default's
        sheets = page.eval_on_selector_all("link[rel=stylesheet]", "ls => ls.map(l => new URL(l.href).pathname)")
        assert sheets == ["/volunteer/style.css", "/volunteer/harbour.css"]
        # the header and the links are harbour's
        assert style(page, ".site-header", "background-color") == colours["header"]
        assert style(page, ".brand", "color") == colours["header_fg"]
        assert style(page, ".site-nav a[aria-current]", "color") == colours["accent"]
        link = "main .more a" if name == "home" else "main .related a"
        assert style(page, link, "color") == colours["accent"]
        assert colours["accent"] != DEFAULT_ACCENT[scheme]
        # each pair of the theme's colours that is text on a background reads (WCAG AA: 4.5)
        props = page.evaluate(
            "names => Object.fromEntries(names.map(n => [n, getComputedStyle(document.documentElement)"
            ".getPropertyValue(n).trim()]))",
            sorted({n for pair in READABLE for n in pair}),
        )
        for fg, bg in READABLE:
            ratio = contrast(props[fg], props[bg])
            assert ratio >= 4.5, f"{fg} {props[fg]} on {bg} {props[bg]} ({scheme}): {ratio:.2f}"
        if name == "home":
            # the theme's hero, not the default's
            assert page.locator(".harbour-hero h1").inner_text() == "测试站"
            assert page.locator("section.hero").count() == 0
            assert "linear-gradient" in style(page, ".harbour-hero", "background-image")
            assert page.locator(".harbour-button").count() == 2
            box = page.locator(".harbour-hero").bounding_box()
            assert box is not None and box["width"] <= page.viewport_size["width"]
        else:
            # stories: the rule beside the heading that harbour.css gives pages of data-kind="story"
            assert page.evaluate("document.body.dataset.kind") == "story"
            assert style(page, ".story-header", "border-left-width") == "6px"
            assert style(page, ".story-header", "border-left-color") == colours["accent"]
            assert style(page, ".prose h2", "color") == colours["accent"]
            cover = page.locator("img.cover")
            assert cover.get_attribute("width") and cover.get_attribute("height")
        # nothing is wider than the window
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        assert overflowing(page) == []
        show_lazy_images(page)
        page.screenshot(path=str(shots / f"{name}-{width}-{scheme}.png"), full_page=True)
    finally:
        context.close()
