"""Who each volunteer is, as a stamped proof of service names them: the private fields that
kinds/volunteers.py drops as it reads a record (证件类型, 证件号码, 志愿者编号, and the name of
someone shown masked).

Read only by `volsite statements`, for documents that staff print, sign and stamp; never by a
build, whose model holds none of it. Nothing read here is kept anywhere (no cache): it is read
from the files each time, into memory, and given back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..problems import Problems
from ..read.files import TABLE_SUFFIXES, YAML_SUFFIXES, Raw, find_files
from ..read.tables import table_records
from ..read.yaml import yaml_records
from . import volunteers
from .fields import Fields, plain_ident
from .registry import kind_named

# What a proof says when a volunteer's record names no kind of document (SPEC section 2).
DEFAULT_ID_TYPE = "居民身份证"


@dataclass(frozen=True)
class Identity:
    """A volunteer as a private statement names them. Private: never in the site."""

    id: str  # the volunteer's id in the records
    name: str  # the whole name, never masked
    id_type: str  # 证件类型: as the record gives it, else 居民身份证
    id_number: str  # 证件号码, or empty when the record has none
    number: str  # 志愿者编号 on a volunteer platform, or empty


def private_identities(site_root: Path) -> dict[str, Identity]:
    """Every volunteer's identity, by id, read from content/volunteers again. Problems of the
    records are the build's to tell (load_site reads the same files first): left out here."""
    kind = kind_named("volunteers")
    headers = kind.table_headers or {}
    found: dict[str, Identity] = {}
    ignored = Problems()
    suffixes = YAML_SUFFIXES + TABLE_SUFFIXES
    for rel in find_files(site_root, kind.folder, suffixes, ignored):
        if rel.lower().endswith(YAML_SUFFIXES):
            raws = yaml_records(site_root, rel, ignored)
        else:
            raws = table_records(site_root, rel, headers, ignored, private=kind.private_columns, **_table_options())
        for raw in raws:
            identity = _identity(raw)
            if identity is not None:
                found.setdefault(identity.id, identity)
    return found


def _table_options() -> dict[str, Any]:
    """What else the build's reader is told of a roster's columns (kinds/content.py does the
    same): its date columns, and headers that give way to another (志愿者编号 beside 编号)."""
    options: dict[str, Any] = {}
    if hasattr(volunteers, "TABLE_DATES"):
        options["dates"] = frozenset(volunteers.TABLE_DATES)
    if hasattr(volunteers, "TABLE_YIELDING"):
        options["yielding"] = dict(volunteers.TABLE_YIELDING)
    return options


def _identity(raw: Raw) -> Identity | None:
    f = Fields(raw, "volunteer", Problems())
    ident = f.text("id")
    vid = plain_ident(ident) if ident else None
    if vid is None:
        return None
    return Identity(
        id=vid,
        name=f.text("name") or "",
        id_type=f.text("id_type") or DEFAULT_ID_TYPE,
        id_number=f.text("id_number") or "",
        number=f.text(volunteers.PLATFORM_NUMBER) or "",
    )
