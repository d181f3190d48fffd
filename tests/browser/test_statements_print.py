"""Statements and certificates as whoever holds them gets them: printed from Chromium on one A4
sheet without a cut, and a QR code that a phone's decoder (zxing-cpp, from a screenshot) reads
as the page's own address under base_url. The private 志愿服务记录证明 of `volsite statements`
likewise prints on one A4 page.

VOLSITE_SHOTS=folder keeps what is printed there, each page as a PDF and a PNG, to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from qr_codes import qr_text_of_image
from volsite.cli import main

SHOTS = os.environ.get("VOLSITE_SHOTS")
A4_PORTRAIT, A4_LANDSCAPE = (595, 842), (842, 595)
BASE_URL = "https://example.org/volunteer/"  # the example site's


def sheets(pdf: bytes) -> list[tuple[float, float]]:
    """The size of each sheet of a PDF Chromium printed, in points."""
    count = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    boxes = [[float(x) for x in box.split()] for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)]
    return [(box[2] - box[0], box[3] - box[1]) for box in boxes[:count]]


def printed(page, name: str) -> list[tuple[float, float]]:
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        (Path(SHOTS) / f"{name}.pdf").write_bytes(pdf)
        page.emulate_media(media="print")
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
        page.emulate_media(media="screen")
    return sheets(pdf)


def one_sheet(found: list[tuple[float, float]], size: tuple[int, int]) -> bool:
    return len(found) == 1 and all(abs(a - b) < 3 for a, b in zip(found[0], size))


def scanned(page) -> str | None:
    """What a phone reads from the page's QR code, as the screen shows it."""
    code = page.locator("svg.qr")
    assert code.count() == 1
    code.scroll_into_view_if_needed()
    return qr_text_of_image(code.screenshot(scale="device"))


def test_a_certificate_prints_on_one_sheet_and_its_code_leads_to_it(browser, site):
    path = "certificates/2024-project-yunling-rounds/"
    assert site.has_page(path)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site.url(path))
    assert scanned(page) == BASE_URL + path
    assert one_sheet(printed(page, "certificate"), A4_LANDSCAPE)
    page.close()


@pytest.mark.parametrize("volunteer", ["guo-fengying", "jia-peng"])  # 210 services, summed to print; 3
def test_a_statement_prints_on_one_a4_page_and_its_code_leads_to_it(browser, site, volunteer):
    path = f"volunteers/{volunteer}/hours/"
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=3)
    page.goto(site.url(path))
    assert scanned(page) == BASE_URL + path  # on a phone's screen, too
    assert one_sheet(printed(page, f"statement-{volunteer}"), A4_PORTRAIT)
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation").first.is_visible(), "the site menu is printed"
    page.close()


def test_a_private_statement_prints_on_one_a4_page(browser, site, tmp_path):
    out = tmp_path / "proofs"
    result = CliRunner().invoke(
        main, ["statements", str(site.source), "guo-fengying", "--no-pdf", "--out", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    page = browser.new_page()
    page.goto((out / "guo-fengying.html").as_uri())
    assert scanned(page) == BASE_URL + "volunteers/guo-fengying/hours/"
    assert one_sheet(printed(page, "private-statement"), A4_PORTRAIT)
    page.close()
