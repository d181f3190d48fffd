"""Every kind of content volsite reads: one module a kind, one line in KINDS.

A kind's module gives FOLDER (where its files are) and parse. Records (YAML, and tables
where the module gives TABLE_HEADERS) are parsed by parse(raw, problems, config), documents
(Markdown with front matter) by parse(rel, text, problems). A kind of records may also give
MARKDOWN_FIELD (its field of Markdown, whose nesting is checked as it is read) and
PRIVATE_COLUMNS (fields a table may give under two names). kinds/content.py reads every kind
listed here into Content, under the kind's name; model/resolve.py links them.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from . import activities, awards, ledger, pages, stories, teams, volunteers


@dataclass(frozen=True)
class Kind:
    name: str  # its field of Content
    module: ModuleType
    documents: bool = False  # Markdown files with front matter, not records

    @property
    def folder(self) -> str:
        return self.module.FOLDER

    @property
    def table_headers(self) -> dict[str, str] | None:
        """Header names of CSV and spreadsheet tables; None: read from YAML only."""
        return getattr(self.module, "TABLE_HEADERS", None)

    @property
    def markdown_field(self) -> str | None:
        return getattr(self.module, "MARKDOWN_FIELD", None)

    @property
    def private_columns(self) -> frozenset[str]:
        return frozenset(getattr(self.module, "PRIVATE_COLUMNS", ()))


KINDS = (
    Kind("volunteers", volunteers),
    Kind("teams", teams),
    Kind("activities", activities),
    Kind("ledger", ledger),
    Kind("awards", awards),
    Kind("stories", stories, documents=True),
    Kind("pages", pages, documents=True),
)
