"""Reading back the QR codes volsite draws, with a decoder of its own (zxing-cpp), as a phone would.

`qr_text(svg)` draws the modules of a page's inline <svg> as segno wrote them (one path of
runs, "M4 4.5h7m1 0h1…") into a picture and decodes it; `qr_text_of_image(png)` decodes a
screenshot (the browser tests'). Both return the text the code holds, or None.
"""

from __future__ import annotations

import io
import re

SVG = re.compile(r"<svg\b[^>]*\bclass=\"qr\"[^>]*>.*?</svg>", re.S)
_VIEWBOX = re.compile(r'viewBox="0 0 (\d+) (\d+)"')
_MODULES = re.compile(r'<path class="qr-modules"[^>]*\bd="([^"]+)"')
_STEP = re.compile(r"([MmHhVv])\s*(-?[\d.]+)(?:\s+(-?[\d.]+))?")


def qr_svgs(html: str) -> list[str]:
    """Every QR code of a page, as its <svg>."""
    return SVG.findall(html)


def modules(svg: str) -> list[list[bool]]:
    """The dark modules of a QR code's <svg>, row by row (the quiet zone included)."""
    size = _VIEWBOX.search(svg)
    path = _MODULES.search(svg)
    assert size and path, svg[:200]
    width, height = int(size.group(1)), int(size.group(2))
    grid = [[False] * width for _ in range(height)]
    x = y = 0.0
    for command, first, second in _STEP.findall(path.group(1)):
        a = float(first)
        b = float(second) if second else 0.0
        if command == "M":
            x, y = a, b
        elif command == "m":
            x, y = x + a, y + b
        elif command in "hH":
            end = x + a if command == "h" else a
            for column in range(int(min(x, end)), int(max(x, end))):
                grid[int(y)][column] = True
            x = end
        else:  # v: not written by segno for rows of modules
            y = y + a if command == "v" else a
    return grid


def qr_text(svg: str, scale: int = 8) -> str | None:
    """The text of a QR code drawn as segno draws it, read by zxing-cpp from a picture of it."""
    from PIL import Image

    grid = modules(svg)
    picture = Image.new("L", (len(grid[0]) * scale, len(grid) * scale), 255)
    for row, cells in enumerate(grid):
        for column, dark in enumerate(cells):
            if dark:
                picture.paste(0, (column * scale, row * scale, (column + 1) * scale, (row + 1) * scale))
    return _decoded(picture)


def qr_text_of_image(png: bytes) -> str | None:
    """The text of the (one) QR code in a screenshot."""
    from PIL import Image

    return _decoded(Image.open(io.BytesIO(png)).convert("L"))


def _decoded(picture) -> str | None:
    import zxingcpp

    found = [code for code in zxingcpp.read_barcodes(picture) if code.format == zxingcpp.BarcodeFormat.QRCode]
    return found[0].text if len(found) == 1 else None
