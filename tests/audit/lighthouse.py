#!/usr/bin/env python3
"""Lighthouse scores of the example site's home page, for the README.

    python3 tests/audit/lighthouse.py [--preset mobile|desktop] [--report-dir DIR]

Builds the example site (or VOLSITE_TEST_SITE), runs `../shared/tools/site-audit --only
lighthouse` on it under its base path, and prints the four scores, the failing audits and a
line to paste into the README. Needs `bash ../shared/tools/setup.sh` (`bash .ci/run` does it).
One run on 2 cores: scores move a few points between runs. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))

import serving  # noqa: E402

TOOL = serving.REPO.parent / "shared" / "tools" / "site-audit"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=("mobile", "desktop"), default="mobile")
    parser.add_argument("--report-dir", type=Path, help="keep lighthouse.report.html/.json here")
    args = parser.parse_args(argv)
    if not TOOL.is_file():
        print(f"lighthouse: {TOOL} is missing", file=sys.stderr)
        return 1
    site = serving.example_site()
    with tempfile.TemporaryDirectory(prefix="volsite-lighthouse-") as tmp:
        try:
            output = serving.build(site, Path(tmp) / "output")
        except serving.BuildError as exc:
            print(f"lighthouse: {exc}", file=sys.stderr)
            return 1
        report_dir = args.report_dir or Path(tmp) / "report"
        report_path = report_dir / "report.json"
        cmd = [
            str(TOOL),
            str(output),
            "--base-path",
            serving.base_path_of(site),
            "--only",
            "lighthouse",
            "--lighthouse-preset",
            args.preset,
            "--json",
            str(report_path),
        ]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if not report_path.is_file():
            print(
                f"lighthouse: site-audit wrote no report (exit {result.returncode})\n{result.stdout}{result.stderr}",
                file=sys.stderr,
            )
            return 1
        check = json.loads(report_path.read_text(encoding="utf-8"))["checks"]["lighthouse"]
    if check.get("status") != "ok":
        print(f"lighthouse did not run: {check.get('reason') or check.get('error')}", file=sys.stderr)
        return 1
    scores = check["scores"]
    print(f"Lighthouse {check.get('lighthouse_version')} on {check.get('url')} ({check.get('form_factor')}):")
    for name in CATEGORIES:
        failing = ", ".join(a["id"] for a in check.get("failing_audits", {}).get(name, []))
        print(f"  {name:15} {scores.get(name)}" + (f"   (below 0.9: {failing})" if failing else ""))
    print("  metrics: " + ", ".join(f"{k} {v}" for k, v in (check.get("metrics") or {}).items()))
    print(
        "README: Lighthouse (home page, "
        + check.get("form_factor", args.preset)
        + "): "
        + ", ".join(f"{name} {scores.get(name)}" for name in CATEGORIES)
    )
    if args.report_dir:
        print(f"full report: {args.report_dir / 'lighthouse.report.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
