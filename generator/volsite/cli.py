"""The command line. Only calls the pipeline; all output to the terminal is here."""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

import click
import yaml

from . import __version__
from .bindings.click import speaking
from .builds import build, check_site
from .config import CONFIG_FILE, DEFAULT_LANGUAGE, LANGUAGES
from .messages import OVERRIDE, SOURCE_LANGUAGE, Message, catalogue, chosen_language, say, words
from .pipeline import find_site, site_today
from .problems import ContentError, Problem, UsageError

EXIT_CONTENT = 1
EXIT_USAGE = 2
EXIT_BUG = 3


class Reporter:
    """Progress as staff see it: one line that updates on a terminal; plain lines in CI
    (no terminal) only with -v; nothing but problems with -q."""

    def __init__(self, quiet: bool, verbose: bool, tty: bool, language: str = SOURCE_LANGUAGE):
        self.quiet, self.verbose, self.tty, self.language = quiet, verbose, tty, language
        self.live = False  # a progress line is on screen and must be cleared

    def __call__(self, message: Message | str) -> None:
        if self.quiet:
            return
        text = message.words(self.language) if isinstance(message, Message) else message
        if self.verbose:
            self.clear()
            click.echo(f"  {text}", err=True)
        elif self.tty:
            click.echo(f"\r\033[K  {text}", nl=False, err=True)
            self.live = True

    def clear(self) -> None:
        if self.live:
            click.echo("\r\033[K", nl=False, err=True)
            self.live = False


def command_line(language: str) -> click.Group:
    """The volsite command with its help, and everything it prints, in `language`."""
    _ = catalogue(language).gettext

    def echo(message: Message | str, err: bool = True) -> None:
        click.echo(message.words(language) if isinstance(message, Message) else message, err=err)

    def report(problems: list[Problem]) -> None:
        for problem in problems:
            click.echo(problem.format(language), err=True)

    def refuse(exc: UsageError) -> NoReturn:
        said = words("volsite: {reason}", reason=exc.said).words(language)
        click.echo(f"{said} [{exc.said.code}]" if exc.said.code else said, err=True)
        sys.exit(EXIT_USAGE)

    def fail_unexpected(exc: BaseException, verbose: bool) -> NoReturn:
        echo(
            words(
                "volsite: internal error ({error}). This is a bug in volsite, not in your content; "
                "please report it with the command you ran.",
                error=": ".join((exc.__class__.__name__, str(exc))),
            )
        )
        if verbose:
            traceback.print_exc()
        sys.exit(EXIT_BUG)

    site_argument = click.argument("site", default=".", type=click.Path(file_okay=False, path_type=Path))
    drafts_option = click.option("--drafts", is_flag=True, help=_("Include stories marked draft: true."))

    @click.group(
        context_settings={"help_option_names": ["-h", "--help"]},
        help=_("volsite: websites for volunteer organisations."),
        epilog=_("The guide: volsite help. What a problem's code (such as V212) means: volsite help V212."),
        options_metavar=_("[OPTIONS]"),
        subcommand_metavar=_("COMMAND [ARGS]..."),
    )
    @click.version_option(__version__, prog_name="volsite")
    def group() -> None:
        pass

    @group.command("build", options_metavar=_("[OPTIONS]"), help=_("Build the site in SITE into its output folder."))
    @site_argument
    @click.option("-o", "--output", type=click.Path(path_type=Path), help=_("Output folder (default SITE/output)."))
    @drafts_option
    @click.option("--base-url", metavar="URL", help=_("Override site.yaml base_url (e.g. for a preview host)."))
    @click.option("-q", "--quiet", is_flag=True, help=_("Print only problems."))
    @click.option("-v", "--verbose", is_flag=True, help=_("Print each phase."))
    def build_command(
        site: Path, output: Path | None, drafts: bool, base_url: str | None, quiet: bool, verbose: bool
    ) -> None:
        reporter = Reporter(quiet, verbose, sys.stderr.isatty(), language)
        try:
            result = build(site, output, drafts=drafts, base_url=base_url, progress=reporter)
        except UsageError as exc:
            reporter.clear()
            refuse(exc)
        except ContentError as exc:
            reporter.clear()
            report(exc.problems)
            errors = sum(1 for p in exc.problems if p.severity == "error")
            echo(
                words(
                    "volsite: {count} problem(s) in the content; nothing was written (the previous output "
                    "is unchanged). Mend them and build again.",
                    count=errors,
                )
            )
            sys.exit(EXIT_CONTENT)
        except Exception as exc:  # noqa: BLE001 - a bug must not look like a content problem
            fail_unexpected(exc, verbose)
        reporter.clear()
        report(result.warnings)
        if quiet:
            return
        if result.unchanged:
            done = words(
                "volsite: nothing changed since the last build, so output/ already holds {pages} pages "
                "({files} files) ({seconds} s)",
                pages=result.pages,
                files=result.files,
                seconds=format(result.seconds, ".2f"),
            )
        else:
            done = words(
                "volsite: built {pages} pages ({files} files) in {seconds} s",
                pages=result.pages,
                files=result.files,
                seconds=format(result.seconds, ".2f"),
            )
        if result.warnings:
            done = words("{done}, {count} warning(s)", done=done, count=len(result.warnings))
        echo(done, err=False)

    @group.command(
        "serve",
        options_metavar=_("[OPTIONS]"),
        help=_("Preview SITE in the browser; every saved change rebuilds and reloads the page."),
    )
    @site_argument
    @click.option("--host", default="127.0.0.1", metavar="HOST", show_default=True, help=_("Address to listen on."))
    @click.option(
        "--port",
        default=8000,
        show_default=True,
        type=click.IntRange(1, 65535),
        metavar="PORT",
        help=_("Port to listen on."),
    )
    @click.option("--drafts", is_flag=True, help=_("Show stories marked draft: true."))
    def serve_command(site: Path, host: str, port: int, drafts: bool) -> None:
        from .serve.server import serve

        try:
            find_site(site)
            serve(site, host, port, drafts, lambda message: echo(message), language)
        except UsageError as exc:
            refuse(exc)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            refuse(
                UsageError(
                    say(
                        "V720",
                        "cannot serve on {host}:{port}: {reason}. If another program (or another volsite serve) "
                        "uses that port, stop it or choose another: volsite serve --port 8001",
                        host=host,
                        port=port,
                        reason=reason,
                    )
                )
            )
        except KeyboardInterrupt:
            pass

    @group.command(
        "new", options_metavar=_("[OPTIONS]"), help=_("Start a new KIND named NAME in SITE and print the file's path.")
    )
    @click.argument("kind", type=click.Choice(["story", "notice", "volunteer", "activity", "award"]))
    @click.argument("name")
    @site_argument
    def new_command(kind: str, name: str, site: Path) -> None:
        from .scaffold import plan_new, taken_names, write_new

        try:
            find_site(site)
            today = site_today(site)
            draft = plan_new(kind, name, today, taken_names(site, kind, name, today))
            path = write_new(site, draft)
        except UsageError as exc:
            refuse(exc)
        click.echo(path)
        if kind == "award":
            echo(words("volsite: fill in the recipient ('volunteer' or 'team') before the next build"))
        elif kind == "story":
            echo(words("volsite: the story is a draft (draft: true) until you change it"))
        elif kind == "notice":
            echo(words("volsite: the notice is a draft (draft: true) until you change it"))

    @group.command(
        "init",
        options_metavar=_("[OPTIONS]"),
        help=_(
            "Make a new site in DIR (default: this folder): settings, one record of each kind, a first "
            "story, and CI that publishes it. Never overwrites a file."
        ),
    )
    @click.argument("folder", metavar="[DIR]", default=".", type=click.Path(path_type=Path))
    @click.option(
        "--language",
        "site_language_chosen",
        type=click.Choice(LANGUAGES),
        default=None,
        help=_("The new site's language (default: the language volsite speaks to you in)."),
    )
    def init_command(folder: Path, site_language_chosen: str | None) -> None:
        from .scaffold import init_site

        # A site's language unless asked: the one the system's locale names (Windows names none:
        # then the default, zh-CN, as for a site.yaml without `language`).
        told = any(os.environ.get(name) for name in (OVERRIDE, "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"))
        chosen = site_language_chosen or (language if told else DEFAULT_LANGUAGE)
        try:
            started = init_site(folder, chosen, site_today(), __version__)
        except UsageError as exc:
            refuse(exc)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            problem = say("V718", "cannot write the new site in {folder}: {reason}", folder=folder, reason=reason)
            refuse(UsageError(problem))

        def tell(message: Message) -> None:
            click.echo(message.words(chosen))

        for rel in started.written:
            tell(words("  made {file}", file=rel))
        if started.kept:
            tell(words("volsite: left alone, as they were: {files}", files=started.kept))
        if started.samples_left_out:
            tell(words("volsite: {folder} holds a site already, so no sample records were added", folder=folder))
        if not started.written:
            tell(words("volsite: nothing was changed", folder=folder))
        elif not started.samples_left_out:
            tell(
                words(
                    "volsite: a new site is ready in {folder}. Next: cd {folder}, then volsite serve to see it "
                    "in the browser; change the files under content/ to make it yours.",
                    folder=folder,
                )
            )

    @group.command(
        "help",
        options_metavar=_("[OPTIONS]"),
        help=_("Read the guide: volsite help lists its pages; volsite help V212 explains a problem code."),
    )
    @click.argument("topic", metavar="TOPIC", required=False)
    def help_command(topic: str | None) -> None:
        from .guide import CODE, code_entry, find_topic, topics

        if topic and CODE.fullmatch(topic):
            entry = code_entry(topic)
            if entry is None:
                echo(words("volsite: there is no problem code {code}; volsite help lists the guide", code=topic))
                sys.exit(EXIT_USAGE)
            click.echo(entry)
            return
        if topic:
            page = find_topic(language, topic)
            if page is None:
                echo(words("volsite: the guide has no page '{topic}'; volsite help lists them", topic=topic))
                sys.exit(EXIT_USAGE)
            click.echo(page.path.read_text(encoding="utf-8"))
            return
        echo(words("The guide (volsite help PAGE shows one; volsite help V212 explains a problem code):"), err=False)
        for page in topics(language):
            click.echo(f"  {page.name:<16} {page.title}")

    @group.command(
        "statements",
        options_metavar=_("[OPTIONS]"),
        help=_(
            "Write one 志愿服务记录证明 (a statement of service, with the volunteer's ID number) per volunteer "
            "of SITE into DIR, for staff to print, sign and stamp: HTML, and PDF where WeasyPrint is installed. "
            "Every volunteer with service, or those whose ids are given. They hold private data, so DIR must be "
            "outside the site, or a folder of it that git ignores."
        ),
    )
    @click.argument("names", metavar=_("[SITE] [VOLUNTEER_ID]..."), nargs=-1)
    @click.option(
        "--out",
        "out",
        required=True,
        type=click.Path(path_type=Path),
        metavar="DIR",
        help=_("The folder to write them in (made if need be), outside the site, such as ../证明."),
    )
    @click.option(
        "--year",
        type=click.IntRange(1800, 2999),
        metavar="YYYY",
        help=_("Only the service of that year (default: every year)."),
    )
    @click.option("--no-pdf", "no_pdf", is_flag=True, help=_("Write HTML only, without PDFs."))
    def statements_command(names: tuple[str, ...], out: Path, year: int | None, no_pdf: bool) -> None:
        from .builds import issue_statements

        site, ids = Path("."), names
        if names and (Path(names[0]).is_dir() or "/" in names[0] or "\\" in names[0]):
            site, ids = Path(names[0]), names[1:]
        reporter = Reporter(False, False, sys.stderr.isatty(), language)
        try:
            result = issue_statements(site, out, tuple(ids), year, pdf=not no_pdf, progress=reporter)
        except UsageError as exc:
            reporter.clear()
            refuse(exc)
        except ContentError as exc:
            reporter.clear()
            report(exc.problems)
            errors = sum(1 for p in exc.problems if p.severity == "error")
            echo(
                words(
                    "volsite: {count} problem(s) in the content; no statement was written. Mend them and try again.",
                    count=errors,
                )
            )
            sys.exit(EXIT_CONTENT)
        except Exception as exc:  # noqa: BLE001
            reporter.clear()
            fail_unexpected(exc, False)
        reporter.clear()
        if result.pdf:
            done = words(
                "volsite: wrote {count} statement(s) in {folder}, each as HTML and PDF, and index.html listing them",
                count=result.statements,
                folder=result.folder,
            )
        else:
            done = words(
                "volsite: wrote {count} statement(s) in {folder} as HTML, and index.html listing them: open one "
                "in a browser and print it on A4",
                count=result.statements,
                folder=result.folder,
            )
        echo(done, err=False)
        if not result.pdf and not no_pdf:
            echo(words('volsite: for PDFs as well, install WeasyPrint: pip install "volsite[pdf]"'), err=False)
        if result.skipped:
            echo(
                words(
                    "volsite: {count} volunteer(s) without service in that time were left out",
                    count=result.skipped,
                ),
                err=False,
            )
        echo(
            words(
                "volsite: they hold private data (ID numbers): hand each to its volunteer, and never publish, "
                "commit or forward them ({notice} says so in the folder)",
                notice=result.notice,
            ),
            err=False,
        )

    @group.command(
        "check", options_metavar=_("[OPTIONS]"), help=_("Check the content of SITE without writing anything.")
    )
    @site_argument
    @click.option("--strict", is_flag=True, help=_("Treat warnings as errors."))
    @click.option(
        "--format", "fmt", type=click.Choice(["text", "json"]), default="text", help=_("How to print the problems.")
    )
    @click.option("--drafts", is_flag=True, help=_("Check stories marked draft: true as well."))
    def check_command(site: Path, strict: bool, fmt: str, drafts: bool) -> None:
        try:
            problems = check_site(site, drafts=drafts)
        except UsageError as exc:
            refuse(exc)
        except ContentError as exc:
            problems = exc.problems
        except Exception as exc:  # noqa: BLE001
            fail_unexpected(exc, False)
        failing = [p for p in problems if p.severity == "error" or strict]
        if fmt == "json":
            click.echo(
                json.dumps(
                    {"ok": not failing, "problems": [p.as_json(language) for p in problems]},
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            report(problems)
            if not failing:
                echo(
                    words("volsite: no problems ({count} warning(s))", count=len(problems))
                    if problems
                    else words("volsite: no problems"),
                    err=False,
                )
        sys.exit(EXIT_CONTENT if failing else 0)

    return group


class _InTheirLanguage(click.Group):
    """The volsite command: chooses the language first (of the site it is run on, or
    VOLSITE_LANG, or the system's), then runs `command_line` in it, click's own words too."""

    def main(self, args=None, prog_name=None, **extra):  # type: ignore[override]
        args = list(sys.argv[1:] if args is None else args)
        language = chosen_language(site_language(args), os.environ)
        with speaking(catalogue(language)):
            return command_line(language).main(args, prog_name or "volsite", **extra)


main = _InTheirLanguage("volsite")


def site_language(args: list[str]) -> str | None:
    """The `language` of the site a command is run on: the first argument that is a site
    folder, else the current folder; None outside a site. Read leniently: a site.yaml with
    problems is reported by the command itself."""
    here = Path.cwd()
    around = [here, *here.parents]  # (run inside a site's content/: the site above speaks)
    for candidate in [*(Path(arg) for arg in args if not arg.startswith("-")), *around]:
        config = candidate / CONFIG_FILE
        try:
            if not config.is_file():
                continue
            declared = yaml.load(
                config.read_text(encoding="utf-8-sig"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            )
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError):
            return DEFAULT_LANGUAGE
        language = declared.get("language") if isinstance(declared, dict) else None
        return language if isinstance(language, str) and language in LANGUAGES else DEFAULT_LANGUAGE
    return None


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
