"""Every kind of content volsite reads: one module a kind, one line in KINDS.

A kind's module gives FOLDER (where its files are) and parse. Records (YAML, and tables
where the module gives TABLE_HEADERS) are parsed by parse(raw, problems, config), documents
(Markdown with front matter) by parse(rel, text, problems). A kind of records also gives
LABEL (what messages call one: "team", put into the reader's language by fields.NOUNS; a kind
outside that table may give a Message, words("poster")), and may give
- MARKDOWN_FIELD: its field of Markdown, whose nesting is checked as it is read;
- PRIVATE_COLUMNS: fields a table may give under two names;
- REFERENCES: {field: kind} for each field that names records of another kind by id;
- SHOWN_FIELDS: the fields its pages show as written, which the hidden-name check reads.

kinds/content.py reads every kind listed here into Content.records, under the kind's name.
model/resolve.py links the kinds the site is built around by name, and any other kind by
what its module declares: ids unique, references checked, texts read for hidden names.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from ..messages import Message
from . import activities, awards, ledger, notices, pages, stories, teams, volunteers
from .documents import Document
from .fields import noun, subject


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

    @property
    def label(self) -> str:
        """What messages call one, in English ("ledger row")."""
        return str(getattr(self.module, "LABEL", self.name))

    @property
    def noun(self) -> Message:
        """What messages call one, in the language they are read in (志愿者, 台账记录)."""
        return noun(getattr(self.module, "LABEL", self.name))

    @property
    def references(self) -> dict[str, str]:
        return dict(getattr(self.module, "REFERENCES", {}))

    @property
    def shown_fields(self) -> tuple[str, ...]:
        return tuple(getattr(self.module, "SHOWN_FIELDS", ()))


KINDS = (
    Kind("volunteers", volunteers),
    Kind("teams", teams),
    Kind("activities", activities),
    Kind("ledger", ledger),
    Kind("awards", awards),
    Kind("stories", stories, documents=True),
    Kind("pages", pages, documents=True),
    Kind("notices", notices, documents=True),
)


def kind_named(name: str) -> Kind:
    return next(kind for kind in KINDS if kind.name == name)


def label_of(record: object) -> str:
    """What messages call a record, in English: its kind's LABEL, found by the module that made it."""
    return str(noun_of(record))


def noun_of(record: object) -> Message:
    """What messages call a record, in the language they are read in: its kind's noun."""
    if isinstance(record, Document):
        return noun(record.kind)
    module = type(record).__module__
    return next((kind.noun for kind in KINDS if kind.module.__name__ == module), noun(type(record).__name__.lower()))


def subject_of(record: object) -> Message:
    """What a problem about a record is about: "volunteer 'zhang-wei'", "story 'clinic'"."""
    ident = getattr(record, "id", None) or getattr(record, "slug", None)
    return subject(noun_of(record), ident if isinstance(ident, str) else None)
