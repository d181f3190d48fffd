"""volsite help: the guide for staff (docs/guide/, in Chinese; docs/en/ in English) and the
list of problem codes (docs/problems.md), read in the terminal, offline. The wheel carries
docs/ as volsite/docs/; a checkout reads its docs/ folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CODE = re.compile(r"[Vv]\d{3}")


def docs_folder() -> Path:
    package = Path(__file__).resolve().parent
    packaged = package / "docs"  # in an installed wheel
    return packaged if packaged.is_dir() else package.parents[1] / "docs"


@dataclass(frozen=True)
class Topic:
    name: str  # the file's name without .md: what `volsite help NAME` takes
    title: str  # its first heading
    path: Path


def topics(language: str) -> list[Topic]:
    """The guide's pages in `language` (the Chinese guide for a language without one)."""
    folder = docs_folder() / ("en" if language == "en" else "guide")
    if not folder.is_dir():
        folder = docs_folder() / "guide"
    found = []
    # The theme authors' pages (docs/themes.md, docs/templates.md) after the staff's.
    extra = [docs_folder() / name for name in ("themes.md", "templates.md")]
    for path in [*sorted(folder.glob("*.md")), *(p for p in extra if p.is_file())]:
        text = path.read_text(encoding="utf-8")
        heading = next((line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("# ")), path.stem)
        found.append(Topic(path.stem, heading, path))
    return found


def code_entry(code: str) -> str | None:
    """What docs/problems.md says of one problem code, or None."""
    page = docs_folder() / "problems.md"
    if not page.is_file():
        return None
    text = page.read_text(encoding="utf-8")
    match = re.search(rf"^### {code.upper()}\n(.*?)(?=^#|\Z)", text, flags=re.M | re.S)
    return f"{code.upper()}\n{match.group(1).rstrip()}" if match else None


def find_topic(language: str, asked: str) -> Topic | None:
    """The page `asked` names: by file name, or by a word of its title (台账 → 名册与台账)."""
    pages = topics(language) + (topics("zh-CN") if language == "en" else [])
    asked = asked.strip().lower()
    for page in pages:
        if page.name.lower() == asked:
            return page
    return next((page for page in pages if asked and asked in page.title.lower()), None)
