"""Standalone pages (content/pages/): about, how to join, ..."""

from __future__ import annotations

from ..problems import Problems
from . import documents

FOLDER = "content/pages"
LABEL = "page"  # what messages call one (documents.parse names it so too)


def parse(rel: str, text: str, problems: Problems) -> documents.Document | None:
    return documents.parse("page", rel, text, problems)
