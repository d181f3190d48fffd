"""URL slugs from names people write: Chinese becomes pinyin (山区义诊 → shan-qu-yi-zhen)."""

from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_LEADING_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}[-_ ]?")


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by '-'; Chinese characters by their pinyin."""
    parts = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    words = []
    for part in parts:
        # Strip accents from Latin letters (café → cafe) before dropping the rest.
        ascii_part = unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode()
        words.append(_NOT_SLUG.sub("-", ascii_part.lower()).strip("-"))
    return "-".join(word for word in words if word)


def slug_from_filename(stem: str) -> str:
    """A story's slug from its file name: the name without a leading date."""
    return slugify(_LEADING_DATE.sub("", stem)) or slugify(stem)
