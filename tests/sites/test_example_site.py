"""The example site in content/: it builds, its figures are right, nothing private leaks."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import REPO, output_texts, tree_digest
from volsite.cli import main
from volsite.kinds import ledger as ledger_kind
from volsite.kinds import volunteers as volunteer_kind
from volsite.output.checks import privacy_findings
from volsite.problems import Problems
from volsite.read.tables import table_records
from volsite.read.yaml import yaml_records

ALLOWED = set(volunteer_kind.PUBLISHED_FIELDS) | set(volunteer_kind.CONTROL_FIELDS)


@pytest.fixture
def built(example_output) -> Path:
    return example_output


def volunteer_records():
    problems = Problems()
    folder = REPO / "content" / "volunteers"
    records = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(REPO).as_posix()
        if path.suffix in (".yaml", ".yml"):
            records += yaml_records(REPO, rel, problems)
        elif path.suffix in (".csv", ".xlsx"):
            records += table_records(REPO, rel, volunteer_kind.TABLE_HEADERS, problems)
    assert not problems.errors
    return records


def private_values() -> set[str]:
    """Every value of every field that is not allowed out, and the names of hidden people."""
    site = yaml.safe_load((REPO / "site.yaml").read_text(encoding="utf-8"))
    allowed = ALLOWED | set(site.get("publish_fields") or [])
    values: set[str] = set()
    for record in volunteer_records():
        for key, value in record.data.items():
            if key not in allowed and value not in (None, "") and not isinstance(value, bool):
                values.add(str(value))
        hidden = (
            record.data.get("public") in (False, "false", "否", "0")
            or (
                str(record.data.get("minor")).lower() in ("true", "是", "1")
                and str(record.data.get("guardian_consent")).lower() not in ("true", "是", "1")
            )
            or record.data.get("consent") in (False, "false", "否")
        )
        if hidden:
            values.add(str(record.data["name"]))
            values.add(f"volunteers/{record.data['id']}/")
            values.add(f'"{record.data["id"]}"')
    return {v for v in values if len(v) >= 2}


def test_example_site_meets_the_issue_minimums():
    records = volunteer_records()
    assert len(records) >= 60
    assert sum(1 for r in records if str(r.data.get("minor")).lower() in ("true", "是", "1")) == 2
    stories = list((REPO / "content/stories").rglob("*.md"))
    assert len(stories) >= 15
    ledger_rows = sum(
        len(table_records(REPO, p.relative_to(REPO).as_posix(), ledger_kind.TABLE_HEADERS, Problems()))
        for p in (REPO / "content/ledger").rglob("*")
        if p.suffix in (".csv", ".xlsx")
    )
    assert ledger_rows >= 2000
    encodings = {p.suffix for p in (REPO / "content/ledger").rglob("*")}
    assert {".csv", ".xlsx"} <= encodings
    assert any(not _is_utf8(p.read_bytes()) for p in (REPO / "content/ledger").rglob("*.csv")), "no GBK ledger"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_there_are_private_values_to_look_for():
    values = private_values()
    assert any(v.isdigit() and len(v) == 11 for v in values), "no phone numbers in the example"
    assert any(len(v) == 18 for v in values), "no ID numbers in the example"
    assert any("@" in v for v in values), "no e-mail addresses in the example"


def test_no_private_value_reaches_any_output_file(built):
    values = sorted(private_values())
    leaks = []
    texts = output_texts(built)
    assert sum(1 for name in texts if name.startswith("pagefind/")) > 50  # the search index is scanned too
    for name, text in texts.items():
        leaks += [f"{name}: {v}" for v in values if v in text]
    assert not leaks


def test_nothing_in_the_output_looks_like_private_data(built):
    # The same patterns as `volsite check` and site-audit, over every file written, the search index included.
    files = {name: text.encode() for name, text in output_texts(built).items()}
    found = privacy_findings(files, prefix="", suffixes=("",))
    assert [p.format() for p in found] == []


def test_stats_json_agrees_with_an_independent_sum(built):
    stats = json.loads((built / "data/stats.json").read_text(encoding="utf-8"))
    problems = Problems()
    hours = Decimal(0)
    by_year: dict[str, Decimal] = defaultdict(Decimal)
    people_served = 0
    activities = 0
    for path in sorted((REPO / "content/activities").rglob("*.y*ml")):
        for record in yaml_records(REPO, path.relative_to(REPO).as_posix(), problems):
            activities += 1
            people_served += int(record.data.get("people_served") or 0)
            default = Decimal(str(record.data.get("hours") or 0))
            for p in record.data.get("participants") or []:
                h = Decimal(str(p["hours"])) if isinstance(p, dict) and p.get("hours") else default
                hours += h
                by_year[str(record.data["date"])[:4]] += h
    for path in sorted((REPO / "content/ledger").rglob("*")):
        rel = path.relative_to(REPO).as_posix()
        rows = (
            yaml_records(REPO, rel, problems)
            if path.suffix in (".yaml", ".yml")
            else table_records(REPO, rel, ledger_kind.TABLE_HEADERS, problems)
        )
        for row in rows:
            h = Decimal(str(row.data["hours"]))
            hours += h
            by_year[str(row.data["date"]).replace("/", "-")[:4]] += h
    assert not problems.errors
    assert stats["totals"]["hours"] == float(hours)
    assert stats["totals"]["people_served"] == people_served
    assert stats["totals"]["activities"] == activities
    assert stats["totals"]["volunteers"] == len(volunteer_records())
    assert {y: v["hours"] for y, v in stats["by_year"].items()} == {y: float(h) for y, h in sorted(by_year.items())}
    assert sum(stats["stars"].values()) > 0 and all(stats["stars"][str(n)] > 0 for n in range(1, 6))


def test_example_site_builds_byte_identical(built, tmp_path):
    again = tmp_path / "again"
    result = CliRunner().invoke(main, ["build", str(REPO), "-o", str(again), "-q"])
    assert result.exit_code == 0
    assert tree_digest(again) == tree_digest(built)


def test_example_site_has_no_problems_or_warnings_but_the_intended_ones():
    result = CliRunner().invoke(main, ["check", str(REPO)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if ": warning: " in line]
    # The one intended warning: a minor without guardian consent is counted but not named.
    assert all("minor without" in w for w in warnings), warnings
