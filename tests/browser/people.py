"""Who must never be named on the site, read straight from content/volunteers/.

Read independently of volsite (PyYAML, csv, openpyxl), so that a bug in volsite's own
readers cannot hide a leak: volunteers with `public: false`, minors without
`guardian_consent: true`, and (with site.yaml `privacy.require_consent`) those without
`consent: true`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

# Chinese roster headers (content contract) → field names.
HEADERS = {
    "编号": "id",
    "姓名": "name",
    "公开": "public",
    "未成年": "minor",
    "监护人同意": "guardian_consent",
    "同意公开": "consent",
}
TRUE = {"true", "yes", "y", "1", "是", "对", "t"}
FALSE = {"false", "no", "n", "0", "否", "不", "f"}


def _flag(value, default: bool | None) -> bool | None:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    return default


def _yaml_records(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    if isinstance(data, dict) and isinstance(data.get("volunteers"), list):
        data = data["volunteers"]
    if isinstance(data, dict):
        data = [data]
    return [r for r in data or [] if isinstance(r, dict)]


def _table(rows: list[list]) -> list[dict]:
    rows = [r for r in rows if any(c not in (None, "") for c in r)]
    if not rows:
        return []
    header = [HEADERS.get(str(h or "").strip(), str(h or "").strip()) for h in rows[0]]
    return [dict(zip(header, r)) for r in rows[1:]]


def _csv_records(path: Path) -> list[dict]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise AssertionError(f"{path}: neither UTF-8 nor GBK")
    return _table(list(csv.reader(io.StringIO(text))))


def _xlsx_records(path: Path) -> list[dict]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [
            r for sheet in book.worksheets for r in _table([list(row) for row in sheet.iter_rows(values_only=True)])
        ]
    finally:
        book.close()


def volunteer_records(site: Path) -> list[dict]:
    records = []
    folder = site / "content" / "volunteers"
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            records += _yaml_records(path)
        elif suffix == ".csv":
            records += _csv_records(path)
        elif suffix == ".xlsx":
            records += _xlsx_records(path)
    return records


def is_hidden(record: dict, require_consent: bool) -> bool:
    if _flag(record.get("public"), True) is False:
        return True
    if _flag(record.get("minor"), False) and not _flag(record.get("guardian_consent"), False):
        return True
    consent = _flag(record.get("consent"), None)
    return consent is False or (require_consent and consent is not True)


def hidden_ids(site: Path) -> set[str]:
    """Ids of the people who may only appear masked: no page of theirs, no link to one."""
    config = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8")) or {}
    require = bool((config.get("privacy") or {}).get("require_consent"))
    return {str(r["id"]).strip() for r in volunteer_records(site) if r.get("id") and is_hidden(r, require)}


def hidden_names(site: Path) -> set[str]:
    """Real names of the people who may only appear masked.

    A hidden name that is also (part of) a public volunteer's name is left out: it may rightly
    appear on the site as that other person.
    """
    config = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8")) or {}
    require = bool((config.get("privacy") or {}).get("require_consent"))
    records = volunteer_records(site)
    hidden = {str(r["name"]).strip() for r in records if r.get("name") and is_hidden(r, require)}
    shown = {str(r["name"]).strip() for r in records if r.get("name") and not is_hidden(r, require)}
    return {name for name in hidden if len(name) >= 2 and not any(name in other for other in shown)}
