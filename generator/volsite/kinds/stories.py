"""Stories (content/stories/): the exemplary deeds of volunteers."""

from __future__ import annotations

from ..problems import Problems
from . import documents

FOLDER = "content/stories"
LABEL = "story"  # what messages call one (documents.parse names it so too)


def parse(rel: str, text: str, problems: Problems) -> documents.Document | None:
    return documents.parse("story", rel, text, problems)
