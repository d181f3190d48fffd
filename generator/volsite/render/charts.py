"""Charts drawn as inline SVG at build time: no script, no external library.

Each chart is a pure function from (label, value) pairs to an SVG string; the
page carries the same numbers as a table for screen readers and print.
Colours come from CSS custom properties so dark mode applies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from html import escape

Number = int | Decimal


def _fmt(value: Number) -> str:
    if isinstance(value, Decimal):
        rounded = value.quantize(Decimal("0.1"))
        return str(rounded.quantize(Decimal(1)) if rounded == rounded.to_integral_value() else rounded)
    return str(value)


def _nice_max(value: Number) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 × 10^n at or above value, for a readable axis."""
    value = Decimal(value)
    if value <= 0:
        return Decimal(1)
    scale = Decimal(1)
    while scale * 10 <= value:
        scale *= 10
    while scale > value:
        scale /= 10
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if scale * step >= value:
            return scale * step
    return scale * 10


def bar_chart(items: Sequence[tuple[str, Number]], title: str, unit: str = "") -> str:
    """Horizontal bars, one row per item: good for long Chinese labels on a phone."""
    # Drawn 440 wide so that on a 390 px phone the 15 px text shrinks only a little.
    row, label_width, width, gap = 34, 150, 440, 8
    top = 8
    height = top + row * len(items) + 8
    peak = _nice_max(max((v for _, v in items), default=1))
    plot = width - label_width - 64
    parts = [_open(width, height, title)]
    for i, (label, value) in enumerate(items):
        y = top + i * row
        bar = 0 if peak == 0 else float(Decimal(value) / peak) * plot
        short = label if len(label) <= 9 else label[:8] + "…"  # 9 characters fit the label column
        parts.append(
            f'<text x="{label_width - gap}" y="{y + row / 2 + 5:.1f}" text-anchor="end" class="chart-label">'
            f"{escape(short)}</text>"
            f'<rect x="{label_width}" y="{y + 6}" width="{bar:.1f}" height="{row - 12}" rx="3" class="chart-bar">'
            f"<title>{escape(label)}: {_fmt(value)}{escape(unit)}</title></rect>"
            f'<text x="{label_width + bar + gap:.1f}" y="{y + row / 2 + 5:.1f}" class="chart-value">'
            f"{_fmt(value)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def last_months(months: Mapping[str, Number], count: int) -> list[tuple[str, Number]]:
    """The `count` calendar months up to the last one in `months` ("2024-03" → value, oldest
    first), each month once, those without a value as 0; fewer when the series is shorter."""
    if not months:
        return []
    keys = sorted(months)
    year, month = (int(part) for part in keys[-1].split("-"))
    first = keys[0]
    window: list[tuple[str, Number]] = []
    while len(window) < count:
        key = f"{year:04d}-{month:02d}"
        if key < first:
            break
        window.append((key, months.get(key, 0)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return window[::-1]


def column_chart(items: Sequence[tuple[str, Number]], title: str, unit: str = "", width: int = 720) -> str:
    """Vertical columns, one per month ("2024-03"); the axis names each year once. `width`: the
    drawing's own width (440 fits a 390 px phone with its text shrunk only a little)."""
    height, left, bottom, top = 260, 48, 40, 16
    plot_w, plot_h = width - left - 8, height - top - bottom
    peak = _nice_max(max((v for _, v in items), default=1))
    n = max(1, len(items))
    slot = plot_w / n
    parts = [_open(width, height, title)]
    for fraction in (Decimal(0), Decimal("0.5"), Decimal(1)):
        y = top + plot_h - float(fraction) * plot_h
        parts.append(
            f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" class="chart-grid"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="chart-axis">'
            f"{_fmt(peak * fraction)}</text>"
        )
    for i, (label, value) in enumerate(items):
        h = float(Decimal(value) / peak) * plot_h
        x = left + i * slot
        parts.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{top + plot_h - h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}" class="chart-bar"><title>{escape(label)}: {_fmt(value)}{escape(unit)}'
            f"</title></rect>"
        )
        year, _, month = label.partition("-")
        # the first column's year, unless a January close after it names the next year (no overlap)
        first = i == 0 and not any(m.endswith("-01") for m, _ in items[1:3])
        if first or month == "01" and n <= 240 and (n <= 60 or int(year) % 2 == 0):
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + plot_h}" y2="{top + plot_h + 5}" class="chart-grid"/>'
                f'<text x="{x:.1f}" y="{height - bottom + 20}" text-anchor="start" '
                f'class="chart-axis">{escape(year)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title>"
    )
