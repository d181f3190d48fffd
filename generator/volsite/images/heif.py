"""HEIC/HEIF (iPhones' photos) through pillow-heif, registered with Pillow once a process."""

from __future__ import annotations

from functools import cache


@cache
def register_heif() -> bool:
    """Whether Pillow now opens HEIC/HEIF (False where pillow-heif is not installed)."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return False
    register_heif_opener()
    return True
