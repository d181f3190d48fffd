"""Notices (content/notices/, 通知公告): what the organisation announces. Markdown with the
front matter of a story, plus `pinned: true` (listed first, and on the home page) and
`until: <date>` (the last day a pinned notice is on the home page; its page stays)."""

from __future__ import annotations

from ..problems import Problems
from . import documents

FOLDER = "content/notices"
LABEL = "notice"  # what messages call one (documents.parse names it so too)


def parse(rel: str, text: str, problems: Problems) -> documents.Document | None:
    return documents.parse("notice", rel, text, problems)
