"""URL slugs from names people write: Chinese becomes pinyin (山区义诊 → shan-qu-yi-zhen)."""

from __future__ import annotations

import re
import unicodedata

from .digests import text_digest

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_LEADING_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}[-_ ]?")

# A slug is a folder name in output/ (255 bytes at most on common file systems)
# and part of a web address. A longer one (the pinyin of a long Chinese file
# name or title grows five-fold) is cut, with a hash of the whole text so that
# two long names that begin alike still get different slugs.
MAX_SLUG_LENGTH = 80


def load_dictionary() -> None:
    """Load pypinyin's dictionaries now (a sixth of a second), while other processes work,
    rather than when the first Chinese name is slugified."""
    from pypinyin import lazy_pinyin

    lazy_pinyin("志愿")


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by '-'; Chinese characters by their pinyin."""
    head = text[: 4 * MAX_SLUG_LENGTH]  # enough for any slug; pinyin of megabytes takes seconds
    # ASCII comes out of pypinyin as it went in (in one piece or several, the same slug):
    # only other text needs it.
    return _slug(text, head, [head] if head.isascii() else _pinyin(head))


def _pinyin(head: str) -> list[str]:
    # Imported here: its dictionary takes a sixth of a second to load, which a build with
    # nothing to do (or a site without Chinese names) need not pay.
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(head, style=Style.NORMAL, errors="default")


def _slug(text: str, head: str, parts: list[str]) -> str:
    words = []
    for part in parts:
        # Strip accents from Latin letters (café → cafe) before dropping the rest.
        ascii_part = unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode()
        words.append(_NOT_SLUG.sub("-", ascii_part.lower()).strip("-"))
    slug = "-".join(word for word in words if word)
    if slug and (len(slug) > MAX_SLUG_LENGTH or len(head) < len(text)):
        digest = text_digest(text, size=4)
        slug = slug[: MAX_SLUG_LENGTH - len(digest) - 1].rstrip("-") + "-" + digest
    return slug


def slug_from_filename(stem: str) -> str:
    """A story's slug from its file name: the name without a leading date."""
    return slugify(_LEADING_DATE.sub("", stem)) or slugify(stem)


def pinyin_key(text: str) -> str:
    """What sorts names as a Chinese reader looks them up: by their pinyin (陈 before 王 before 张),
    the name itself breaking ties between names that read alike."""
    parts = [text] if text.isascii() else _pinyin(text)
    return " ".join(part.lower() for part in parts) + "\x00" + text
