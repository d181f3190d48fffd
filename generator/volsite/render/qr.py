"""QR codes as inline SVG (segno: pure Python, nothing to install beside it), for the printed
pages that whoever holds them may check by scanning: a statement of service, a certificate."""

from __future__ import annotations

import segno
from markupsafe import escape

# Quiet zone: the four modules of white the standard asks for around a QR code, so that a
# phone finds it on a page printed full of text and lines.
BORDER = 4


def qr_svg(text: str, label: str) -> str:
    """A QR code of `text` (a web address), as an <svg> to put in a page: dark modules on white
    whatever the page's colours (a phone reads dark on light), sized by the page's CSS (it has
    a viewBox and no width), its `label` read out by a screen reader. The same text gives the
    same bytes: segno chooses the mask by the standard's rules alone."""
    code = segno.make_qr(text, error="m")
    svg = code.svg_inline(
        scale=1, border=BORDER, omitsize=True, dark="#000", light="#fff", svgclass="qr", lineclass="qr-modules"
    )
    return svg.replace(
        "<svg ", f'<svg role="img" aria-label="{escape(label)}" shape-rendering="crispEdges" ', 1
    ).strip()
