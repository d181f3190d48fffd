"""What the command line prints: progress on a terminal, plain lines with -v, silence with -q."""

from __future__ import annotations

import re

from click.testing import CliRunner

from volsite.cli import Reporter, main


def test_default_output_in_ci_is_one_summary_line(site):
    site()
    result = site.build()
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert re.fullmatch(r"volsite: built \d+ pages \(\d+ files\) in \d+\.\d\d s", lines[0])


def test_verbose_prints_each_phase(site):
    site()
    output = site.build("-v").output
    for phase in ("loading and checking content", "rendering pages:", "writing", "indexing for search"):
        assert phase in output
    assert "\r" not in output


def test_quiet_prints_nothing_on_success_and_problems_on_failure(site):
    site()
    assert site.build("-q").output == ""
    site.write({"content/ledger/l.csv": "date,volunteer,hours\n2024-01-01,li-na,99\n"})
    result = site.build("-q")
    assert result.exit_code == 1 and "content/ledger/l.csv:2:" in result.output


def test_terminal_progress_updates_one_line_and_clears_it():
    runner = CliRunner()

    @__import__("click").command()
    def show():
        reporter = Reporter(quiet=False, verbose=False, tty=True)
        reporter("rendering pages: 25/100")
        reporter("rendering pages: 50/100")
        reporter.clear()
        print("volsite: built")

    output = runner.invoke(show, color=True).output  # as on a real terminal
    assert output.startswith("\r\x1b[K  rendering pages: 25/100\r\x1b[K  rendering pages: 50/100\r\x1b[K")
    assert output.endswith("volsite: built\n") and "\n" not in output[: output.index("volsite")]


def test_version():
    assert CliRunner().invoke(main, ["--version"]).output.startswith("volsite, version ")
