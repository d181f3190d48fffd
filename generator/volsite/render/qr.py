"""QR codes as inline SVG (segno: pure Python, nothing to install beside it), for the printed
pages that whoever holds them may check by scanning: a statement of service, a certificate."""

from __future__ import annotations

import re

from markupsafe import escape

from ..bindings.segno import make_qr

# Quiet zone: the four modules of white the standard asks for around a QR code, so that a
# phone finds it on a page printed full of text and lines.
BORDER = 4
_DARK_RUNS = re.compile(rb"\x01+")


def qr_svg(text: str, label: str) -> str:
    """A QR code of `text` (a web address), as an <svg> to put in a page: dark modules on white
    whatever the page's colours (a phone reads dark on light), sized by the page's CSS (it has
    a viewBox and no width), its `label` read out by a screen reader. The same text gives the
    same bytes: segno chooses the mask by the standard's rules alone."""
    matrix = make_qr(text, error="m").matrix
    size = len(matrix) + 2 * BORDER
    return (
        f'<svg role="img" aria-label="{escape(label)}" shape-rendering="crispEdges" viewBox="0 0 {size} {size}" '
        f'class="qr"><path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/>'
        f'<path class="qr-modules" stroke="#000" d="{modules_path(matrix)}"/></svg>'
    )


def modules_path(matrix: tuple[bytearray, ...]) -> str:
    """The dark modules as segno's SVG writer draws them, byte for byte: one stroke a module
    high along each run of dark modules of a row, each run from where the last one ended
    (M4 4.5h7m1 0h1…), the quiet zone around them."""
    steps = []
    x, y = 0, 0.0
    for row_number, row in enumerate(matrix):
        row_y = BORDER + row_number + 0.5
        for run in _DARK_RUNS.finditer(bytes(row)):
            start = BORDER + run.start()
            dy = row_y - y
            shown = int(dy) if int(dy) == dy else dy
            steps.append(f"{'m' if steps else 'M'}{start - x} {shown}h{run.end() - run.start()}")
            x, y = BORDER + run.end(), row_y
    return "".join(steps)
