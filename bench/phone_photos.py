#!/usr/bin/env python3
"""What a story of 12-megapixel phone photos costs a phone: bytes of images and Lighthouse.

    python3 bench/phone_photos.py [--work DIR] [--site DIR --page stories/x/] [--no-lighthouse]

Without --site: makes the site of tests/browser/photo_site.py (one story, a cover and three
photos in its text, 4032 × 3024 JPEGs with EXIF, about 13 s to draw), builds it, opens the
story in Chromium at 390 px with device scale 3 and counts the bytes of the images fetched on
the first screen and after scrolling to the end (as tests/browser/test_phone_photos.py does).
Then Lighthouse (mobile preset) scores that page: site-audit only audits a site's home page,
so it is given a copy of the output (hard links) whose index.html is the story's page; every
URL of a volsite page starts at the base path, so the page loads the same files from there.

--site DIR --page PATH measures a page of another site instead (e.g. `--site . --page
stories/thirteen-years/` for the example site). Needs Chromium (/usr/bin/chromium), Playwright
and, for Lighthouse, ../shared/tools/site-audit after `bash ../shared/tools/setup.sh`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

import photo_site  # noqa: E402
import serving  # noqa: E402

SITE_AUDIT = REPO.parent / "shared" / "tools" / "site-audit"
WORK = Path.home() / ".cache" / "volsite-bench" / "phone-photos"


def page_as_home(output: Path, page: str, folder: Path) -> Path:
    """A copy of `output` (hard links) whose index.html is the page at `page`."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(output, folder, copy_function=os.link)
    (folder / "index.html").unlink()
    shutil.copyfile(output / page / "index.html", folder / "index.html")
    return folder


def lighthouse(output: Path, base: str, report: Path) -> dict:
    subprocess.run(
        [str(SITE_AUDIT), str(output), "--only", "lighthouse", "--base-path", base, "--json", str(report), "--quiet"],
        check=True,
    )
    return json.loads(report.read_text(encoding="utf-8"))["checks"]["lighthouse"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=WORK, help=f"where the site and reports go (default {WORK})")
    parser.add_argument("--site", type=Path, help="another site to measure (default: the photo site, made again)")
    parser.add_argument("--page", default=photo_site.STORY_PATH, help="the page, relative to the base path")
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    args.work.mkdir(parents=True, exist_ok=True)
    if args.site is None:
        source = args.work / "site"
        if source.exists():
            shutil.rmtree(source)
        photo_site.write_site(source)
    else:
        source = args.site.resolve()
    base = serving.base_path_of(source)
    output = serving.build(source, args.work / "output")
    with serving.StaticServer(output, base) as server, sync_playwright() as playwright:
        browser = serving.launch_chromium(playwright)
        try:
            fetched = photo_site.measure(browser, server.url(args.page))
        finally:
            browser.close()
    print(f"{args.page} at 390 px, device scale 3 ({dt.date.today().isoformat()}):")
    print(photo_site.report(fetched))
    if args.no_lighthouse:
        return 0
    home = page_as_home(output, args.page, args.work / "as-home")
    result = lighthouse(home, base, args.work / "lighthouse" / "report.json")
    if result.get("status") != "ok":
        print(f"Lighthouse did not run: {result.get('reason') or result.get('error')}")
        return 1
    print(f"Lighthouse {result['lighthouse_version']} ({result['form_factor']}): {result['scores']}")
    print(f"  metrics: {result['metrics']}")
    print(f"  benchmark index: {result['benchmark_index']}")
    for category, audits in result["failing_audits"].items():
        for audit in audits:
            print(f"  {category}: {audit['id']} {audit['score']} {audit.get('displayValue') or ''}")
    print(f"  report: {args.work / 'lighthouse' / result['report_html']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
