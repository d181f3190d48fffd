"""What processing an image makes (images.process), and the limits it keeps: without Pillow,
which only the processing loads (a site without photos never does)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..messages import Message, say
from ..problems import NOTHING

# Phones take 12 to 50 megapixels; a larger image is a scan or a mistake, and decoding one
# costs 4 bytes a pixel (a 30,000 × 30,000 PNG of a few kilobytes would take 3.6 GB).
MAX_PIXELS = 64_000_000
MAX_BYTES = 40 * 1024 * 1024
RASTER_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".heif")
# WebP: as small as AVIF for photos at these widths (24/44/69 KB against 20/42/73 KB for a
# 12-megapixel photo at 480/960/1600 px) in half its time; every browser since 2020 shows it.
MODERN = "webp"


class ImageError(Exception):
    """Why an image cannot be published, said for the staff who put it there: its message (a
    Message whose {used_by} blank the images stage fills with what uses the image)."""

    def __init__(self, said: Message):
        super().__init__(said)
        self.said = said

    def __str__(self) -> str:
        return str(self.said)


def too_large(size: int) -> Message:
    """Why an image of `size` bytes is not read."""
    return say(
        "V401",
        "is {size} MB, more than the {limit} MB volsite reads from one image{used_by}: export it again at "
        "a smaller size",
        size=round(size / 1024 / 1024),
        limit=MAX_BYTES // 1024 // 1024,
        used_by=NOTHING,
    )


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    format: str  # "webp", "jpeg", "png" or "gif"
    data: bytes  # empty where a store keeps it as a file (path)
    path: Path | None = None


@dataclass(frozen=True)
class Processed:
    width: int  # of the largest variant
    height: int
    variants: tuple[Variant, ...]  # each width in the modern format, then in the fallback one
