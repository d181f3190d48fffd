#!/usr/bin/env python3
"""Screenshots of the example site at 1280 px and 390 px, to look at pages.

    python3 tests/browser/shoot.py OUTPUT_DIR [URL_PATH ...]

Builds the example site (or VOLSITE_TEST_SITE), serves it on loopback under its base path,
and saves a full-page PNG of each path at both widths: OUTPUT_DIR/<name>-desktop.png and
<name>-phone.png (the phone one at device scale 3), after scrolling through the page so that
its lazy images have loaded. `--widths 320,390,1280` takes them at those widths instead
(OUTPUT_DIR/<name>-320.png …; up to 600 px as a phone: touch, device scale 2), and
`--open-menu` opens the phone menu (菜单) before each shot. Paths are absolute URL paths ("/volunteer/stories/"). Without
paths: the home page, the story list, the first story, the 404 page, and whichever of
volunteers/ teams/ timeline/ honors/ stats/ exist.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import serving  # noqa: E402

OPTIONAL = ("volunteers/", "teams/", "timeline/", "honors/", "stats/")


def default_paths(output: Path, base: str) -> list[str]:
    paths = [base, base + "stories/"]
    listing = output / "stories" / "index.html"
    if listing.is_file():
        match = re.search(
            r'href="' + re.escape(base) + r'(stories/(?!page/)[^"#?/]+/)"', listing.read_text(encoding="utf-8")
        )
        if match:
            paths.append(base + match.group(1))
    paths.append(base + "404.html")
    paths += [base + p for p in OPTIONAL if (output / p / "index.html").is_file()]
    return paths


def file_name(path: str, base: str) -> str:
    rel = path[len(base) :] if path.startswith(base) else path.lstrip("/")
    name = re.sub(r"[^\w.-]+", "_", rel.strip("/"), flags=re.UNICODE).strip("_")
    return name or "home"


def show_lazy_images(page) -> None:
    """Scroll through the page so that its lazy images load (a full-page screenshot does not
    scroll, and would show the room kept for them empty), wait for them, and go back up."""
    height = page.evaluate("document.documentElement.scrollHeight")
    step = page.viewport_size["height"] if page.viewport_size else 800
    for y in range(0, height + step, step):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(30)
    page.wait_for_function("[...document.images].every(img => img.complete)", timeout=15_000)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(100)


def viewport(width: int) -> dict:
    """Browser context options for a viewport `width` px wide: a phone up to 600 px."""
    if width <= 600:
        return {
            "viewport": {"width": width, "height": 800},
            "is_mobile": True,
            "has_touch": True,
            "device_scale_factor": 2,
        }
    return {"viewport": {"width": width, "height": 900}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output_dir", type=Path, help="where the PNG files go")
    parser.add_argument("paths", nargs="*", help="URL paths, e.g. /volunteer/stories/")
    parser.add_argument("--widths", help="viewport widths in px, e.g. 320,390,1280 (default: desktop and phone)")
    parser.add_argument("--open-menu", action="store_true", help="open the phone menu (菜单) before each shot")
    args = parser.parse_intermixed_args(argv)
    widths = serving.WIDTHS
    if args.widths:
        widths = {str(w): viewport(int(w)) for w in args.widths.split(",")}

    missing = serving.chromium_missing_reason()
    if missing:
        print(f"shoot: {missing}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    site = serving.example_site()
    base = serving.base_path_of(site)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="volsite-shoot-") as tmp:
        try:
            output = serving.build(site, Path(tmp) / "output")
        except serving.BuildError as exc:
            print(f"shoot: {exc}", file=sys.stderr)
            return 1
        paths = args.paths or default_paths(output, base)
        with serving.StaticServer(output, base) as server, sync_playwright() as playwright:
            browser = serving.launch_chromium(playwright)
            try:
                for width, options in widths.items():
                    context = browser.new_context(**options)
                    page = context.new_page()
                    for path in paths:
                        response = page.goto(
                            server.url(path if path.startswith("/") else base + path), wait_until="load"
                        )
                        show_lazy_images(page)
                        if args.open_menu and page.is_visible(".nav-menu summary"):
                            page.click(".nav-menu summary")
                        target = args.output_dir / f"{file_name(path, base)}-{width}.png"
                        page.screenshot(path=str(target), full_page=True)
                        status = response.status if response else "no response"
                        print(f"{target}  ({path}, HTTP {status})")
                    context.close()
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
