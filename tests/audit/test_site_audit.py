"""The built example site through ../shared/tools/site-audit (vnu, links, axe, feeds, sitemap, privacy).

site-audit runs once per session (about 30 s, Lighthouse skipped: see lighthouse.sh) and
measures; these tests judge, one figure of the report's `totals` each, and on failure print
the part of the report that says what and where.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from browser import serving
from volsite.output.checks import declared_public
from volsite.pipeline import load_site

REPO = serving.REPO
TOOL = REPO.parent / "shared" / "tools" / "site-audit"
IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(scope="session")
def report(tmp_path_factory) -> dict:
    if not TOOL.is_file():
        message = f"{TOOL} is missing (the shared tools sit beside the repository, in ../shared/)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    site = serving.example_site()
    output = serving.build_once_or_fail(site, tmp_path_factory.mktemp("site"))
    folder = tmp_path_factory.mktemp("site-audit")
    json_path = folder / "report.json"
    cmd = [
        str(TOOL),
        str(output),
        "--base-path",
        serving.base_path_of(site),
        "--skip",
        "lighthouse",
        "--unmask",  # (whole values, to tell the site's declared public contacts from a leak)
        "--json",
        str(json_path),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    sys.stdout.write(result.stdout)  # shown by pytest with the first failure that uses the report
    if not json_path.is_file():
        pytest.fail(
            f"site-audit wrote no report (exit {result.returncode}); run "
            f"`bash ../shared/tools/setup.sh` first.\n{result.stdout}\n{result.stderr}",
            pytrace=False,
        )
    data = json.loads(json_path.read_text(encoding="utf-8"))
    data["_run"] = {"command": cmd, "exit": result.returncode, "stdout": result.stdout, "stderr": result.stderr}
    return data


def total(report: dict, key: str) -> int:
    totals = report.get("totals") or {}
    assert key in totals, (
        f"site-audit did not measure {key} (a check failed or was skipped): "
        f"{json.dumps(_check_statuses(report), ensure_ascii=False)}"
    )
    return totals[key]


def _check_statuses(report: dict) -> dict:
    return {
        name: {k: v for k, v in check.items() if k in ("status", "reason", "error")}
        for name, check in (report.get("checks") or {}).items()
    }


def show(data, limit: int = 40) -> str:
    """Report details for a failure message: one JSON object a line, at most `limit` lines."""
    items = data if isinstance(data, list) else [data]
    lines = [json.dumps(item, ensure_ascii=False) for item in items[:limit]]
    if len(items) > limit:
        lines.append(f"... and {len(items) - limit} more")
    return "\n".join(lines)


def check(report: dict, name: str) -> dict:
    return (report.get("checks") or {}).get(name) or {}


# ---------------------------------------------------------------- the tool ran


def test_every_check_ran(report):
    found = total(report, "checks_failed")
    assert found == 0, f"site-audit exit {report['_run']['exit']}; setup_error: {report.get('setup_error')}\n" + show(
        [
            {"check": k, **{f: v for f, v in c.items() if f in ("status", "error", "traceback")}}
            for k, c in report["checks"].items()
            if c.get("status") == "error"
        ]
    )


# ---------------------------------------------------------------- html


def test_no_html_errors(report):
    html = check(report, "html")
    messages = [
        {"file": f["file"], "line": m.get("line"), "column": m.get("column"), "message": m["message"]}
        for f in html.get("files", [])
        for m in f.get("messages", [])
        if m.get("type") == "error"
    ]
    found = total(report, "html_errors")
    assert found == 0, show(messages) + (
        "\nnot documents: " + show(html["non_document_errors"]) if html.get("non_document_errors") else ""
    )


# ---------------------------------------------------------------- links


def test_no_broken_links(report):
    found = total(report, "broken_links")
    assert found == 0, show(check(report, "links").get("broken", []))


def test_no_orphan_pages(report):
    found = total(report, "orphan_pages")
    assert found == 0, show(check(report, "links").get("orphans", []))


def test_no_missing_anchors(report):
    found = total(report, "missing_anchors")
    assert found == 0, show(check(report, "links").get("missing_anchors", []))


# ---------------------------------------------------------------- accessibility


def _violations(report: dict, impact: str) -> list[dict]:
    return [
        {
            "page": page["url"],
            "rule": v["id"],
            "help": v.get("help"),
            "nodes": v.get("nodes"),
            "examples": v.get("examples", [])[:3],
        }
        for page in check(report, "a11y").get("pages", [])
        for v in page.get("violations", [])
        if v.get("impact") == impact
    ]


def test_no_critical_accessibility_violations(report):
    found = total(report, "a11y_critical")
    assert found == 0, show(_violations(report, "critical"))


def test_no_serious_accessibility_violations(report):
    found = total(report, "a11y_serious")
    assert found == 0, show(_violations(report, "serious"))


# ---------------------------------------------------------------- feeds


def test_the_site_has_a_feed(report):
    feeds = check(report, "feeds")
    found = total(report, "feeds")
    assert found >= 1, show(feeds.get("feeds", []) or feeds)


def test_feeds_are_well_formed(report):
    bad = [f for f in check(report, "feeds").get("feeds", []) if f.get("bozo")]
    found = total(report, "feed_bozo")
    assert found == 0, show(bad)


# ---------------------------------------------------------------- sitemap


def test_the_site_has_a_sitemap(report):
    sitemap = check(report, "sitemap")
    found = total(report, "sitemap_locs")
    assert found > 0, show(sitemap.get("sitemaps", []) or sitemap)


def test_every_sitemap_location_resolves(report):
    sitemap = check(report, "sitemap")
    bad = (
        sitemap.get("locs_not_resolving", []) + sitemap.get("relative_locs", []) + sitemap.get("locs_on_other_host", [])
    )
    found = total(report, "sitemap_bad_locs")
    assert found == 0, show(bad)


# ---------------------------------------------------------------- privacy


def test_no_personal_data_on_the_site(report):
    """Nothing the audit takes for a phone, an ID number or an e-mail address, except what the
    site declares public (site.yaml contact and statement_issuer, teams' contacts: SPEC 2, 7)."""
    assert total(report, "privacy_matches") >= 0
    public = set(declared_public(load_site(serving.example_site()).model))
    assert public, "the example site declares its contact: the audit must see it let through"
    found = [f for f in check(report, "privacy").get("findings", []) if f.get("value") not in public]
    assert found == [], show(found)
