"""The command line. Only calls the pipeline; all output to the terminal is here."""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .builds import build, check_site
from .pipeline import find_site
from .problems import ContentError, Problem, UsageError

EXIT_CONTENT = 1
EXIT_USAGE = 2
EXIT_BUG = 3


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(problem.format(), err=True)


def _fail_unexpected(exc: BaseException, verbose: bool) -> None:
    click.echo(
        f"volsite: internal error ({exc.__class__.__name__}: {exc}). This is a bug in "
        "volsite, not in your content; please report it with the command you ran.",
        err=True,
    )
    if verbose:
        traceback.print_exc()
    sys.exit(EXIT_BUG)


class Reporter:
    """Progress as staff see it: one line that updates on a terminal; plain lines in CI
    (no terminal) only with -v; nothing but problems with -q."""

    def __init__(self, quiet: bool, verbose: bool, tty: bool):
        self.quiet, self.verbose, self.tty = quiet, verbose, tty
        self.live = False  # a progress line is on screen and must be cleared

    def __call__(self, message: str) -> None:
        if self.quiet:
            return
        if self.verbose:
            self.clear()
            click.echo(f"  {message}", err=True)
        elif self.tty:
            click.echo(f"\r\033[K  {message}", nl=False, err=True)
            self.live = True

    def clear(self) -> None:
        if self.live:
            click.echo("\r\033[K", nl=False, err=True)
            self.live = False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="volsite")
def main() -> None:
    """volsite: websites for volunteer organisations."""


@main.command("build")
@click.argument("site", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output folder (default SITE/output).")
@click.option("--drafts", is_flag=True, help="Include stories marked draft: true.")
@click.option("--base-url", help="Override site.yaml base_url (e.g. for a preview host).")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.option("-v", "--verbose", is_flag=True, help="Print each phase.")
def build_command(
    site: Path, output: Path | None, drafts: bool, base_url: str | None, quiet: bool, verbose: bool
) -> None:
    """Build the site in SITE into its output folder."""
    reporter = Reporter(quiet, verbose, sys.stderr.isatty())
    try:
        result = build(site, output, drafts=drafts, base_url=base_url, progress=reporter)
    except UsageError as exc:
        reporter.clear()
        click.echo(f"volsite: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except ContentError as exc:
        reporter.clear()
        _report(exc.problems)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        click.echo(
            f"volsite: {errors} problem(s) in the content; nothing was written (the previous output is unchanged).",
            err=True,
        )
        sys.exit(EXIT_CONTENT)
    except Exception as exc:  # noqa: BLE001 - a bug must not look like a content problem
        _fail_unexpected(exc, verbose)
    reporter.clear()
    _report(result.warnings)
    if not quiet:
        done = "nothing changed since the last build, so output/ already holds" if result.unchanged else "built"
        click.echo(
            f"volsite: {done} {result.pages} pages ({result.files} files) in {result.seconds:.2f} s"
            + (f", {len(result.warnings)} warning(s)" if result.warnings else "")
        )


@main.command("serve")
@click.argument("site", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--drafts", is_flag=True, help="Show stories marked draft: true.")
def serve_command(site: Path, host: str, port: int, drafts: bool) -> None:
    """Preview SITE in the browser; every saved change rebuilds and reloads the page."""
    from .serve.server import serve

    try:
        find_site(site)
        serve(site, host, port, drafts, lambda message: click.echo(message, err=True))
    except UsageError as exc:
        click.echo(f"volsite: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except OSError as exc:
        click.echo(f"volsite: cannot serve on {host}:{port}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        pass


@main.command("new")
@click.argument("kind", type=click.Choice(["story", "volunteer", "activity", "award"]))
@click.argument("name")
@click.argument("site", default=".", type=click.Path(file_okay=False, path_type=Path))
def new_command(kind: str, name: str, site: Path) -> None:
    """Start a new KIND named NAME in SITE and print the file's path."""
    import datetime as dt

    from .scaffold import plan_new, taken_names, write_new

    try:
        find_site(site)
        today = dt.date.today()
        draft = plan_new(kind, name, today, taken_names(site, kind, name, today))
        path = write_new(site, draft)
    except UsageError as exc:
        click.echo(f"volsite: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(path)
    if kind == "award":
        click.echo("volsite: fill in the recipient ('volunteer' or 'team') before the next build", err=True)
    elif kind == "story":
        click.echo("volsite: the story is a draft (draft: true) until you change it", err=True)


@main.command("check")
@click.argument("site", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--drafts", is_flag=True, help="Check stories marked draft: true as well.")
def check_command(site: Path, strict: bool, fmt: str, drafts: bool) -> None:
    """Check the content of SITE without writing anything."""
    try:
        problems = check_site(site, drafts=drafts)
    except UsageError as exc:
        click.echo(f"volsite: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except ContentError as exc:
        problems = exc.problems
    except Exception as exc:  # noqa: BLE001
        _fail_unexpected(exc, False)
    failing = [p for p in problems if p.severity == "error" or strict]
    if fmt == "json":
        click.echo(
            json.dumps({"ok": not failing, "problems": [p.as_json() for p in problems]}, ensure_ascii=False, indent=2)
        )
    else:
        _report(problems)
        if not failing:
            click.echo("volsite: no problems" + (f" ({len(problems)} warning(s))" if problems else ""))
    sys.exit(EXIT_CONTENT if failing else 0)


def run() -> None:
    """The volsite command: `main`, after which the process ends as soon as what it printed
    is flushed, without Python's teardown.

    What a build loaded (pypinyin's dictionaries, a large site's model) would otherwise be
    freed object by object and walked by the collector once more on the way out: 0.2 s
    after a 5,000-story build, for memory the system takes back whole. By then every
    command has closed its files and removed its folders, and joined its processes and
    threads.
    """
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # as Python prints sys.exit("message")
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    run()
