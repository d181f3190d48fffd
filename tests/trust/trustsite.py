"""Shared by the tests of tests/trust: small sites written into a fresh folder and
loaded in-process, and the one rule they check (SPEC section 6, issue 6):

    any input gives a model, or problems that each read `path:line: message`
    (or `path: message`), naming a file of the site; never another exception.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, settings

import volsite
from conftest import BASE_SITE, image_bytes, write_files
from volsite.pipeline import Site, load_site, render_site
from volsite.problems import ContentError, Problem

# Derandomized and without the example database: CI runs the same examples every
# time, and a run leaves nothing behind. Bounded so the whole folder stays quick.
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

# site.yaml of every site here: search off, so that a real build needs no Pagefind run.
SITE_YAML = "title: 测试站\nbase_url: https://example.org/volunteer/\nsearch: false\n"

# Files the fuzzed records may name (photo, logo, cover).
MEDIA = {
    f"content/media/{name}": data
    for name, data in {
        "p.jpg": image_bytes("jpeg", 1),
        "c.jpg": image_bytes("jpeg", 2),
        "logo.png": image_bytes("png", 3),
    }.items()
}

_FORMAT = re.compile(r"(?P<path>[^\n:]+?)(?::(?P<line>[1-9][0-9]*))?: (?P<message>[^\n]+)\Z")


def write_site(root: Path, files: dict[str, str | bytes | None], base: bool = True) -> Path:
    """BASE_SITE of tests/conftest.py (with search off) plus `files`; None deletes a file."""
    wanted = {**BASE_SITE, "site.yaml": SITE_YAML, **MEDIA} if base else {}
    wanted.update(files)
    return write_files(root, wanted, dedent=lambda rel: rel in BASE_SITE)  # fuzzed text stays as it is


@contextmanager
def fresh_site(files: dict[str, str | bytes | None], base: bool = True) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="volsite-trust-") as folder:
        yield write_site(Path(folder) / "site", files, base)


def check_problem(root: Path, problem: Problem) -> None:
    """One problem as the rule wants it: one line, naming a file of the site (and a line in it)."""
    text = problem.format()
    match = _FORMAT.match(text)
    assert match, f"not 'path:line: message': {text!r}"
    path = problem.path
    assert path == "site.yaml" or path.startswith(("content/", "themes/")), f"names no file of the site: {text!r}"
    assert problem.message.strip(), f"an empty message: {text!r}"
    if problem.line is not None:
        assert problem.line >= 1, text
        file = root / path
        if file.is_file() and not path.endswith(".xlsx") and file.stat().st_size < 60_000_000:  # xlsx: rows
            data = file.read_bytes()
            lines = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n") + 1
            assert problem.line <= lines, f"line {problem.line} of a file of {lines} lines: {text!r}"


def outcome(root: Path, render: bool = False) -> Site | list[Problem]:
    """load_site (and, with render, render_site): a Site, or the problems, each checked.

    Any exception but ContentError fails the test: that is the bug the rule forbids.
    """
    try:
        site = load_site(root)
        if render:
            render_site(site)
        return site
    except ContentError as exc:
        assert exc.problems, "ContentError without problems"
        assert any(p.severity == "error" for p in exc.problems), "ContentError with warnings only"
        for problem in exc.problems:
            check_problem(root, problem)
        return exc.problems


def warnings_checked(root: Path, site: Site) -> None:
    for problem in site.warnings:
        check_problem(root, problem)


def loads(files: dict[str, str | bytes | None], base: bool = True, render: bool = False):
    """Write a site, load it, check the outcome; return (the Site or problems, formatted texts)."""
    with fresh_site(files, base) as root:
        result = outcome(root, render)
        if isinstance(result, Site):
            warnings_checked(root, result)
            return result, [p.format() for p in result.warnings]
        return result, [p.format() for p in result]


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real command line in a child process, on the volsite these tests import."""
    env = dict(os.environ)
    package_root = str(Path(volsite.__file__).resolve().parents[1])
    env["PYTHONPATH"] = package_root + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "volsite.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def assert_not_a_bug(result: subprocess.CompletedProcess) -> None:
    output = result.stdout + result.stderr
    assert result.returncode in (0, 1), f"exit status {result.returncode}:\n{output[-3000:]}"
    assert "internal error" not in output and "Traceback" not in output, output[-3000:]


_MEASURE = r"""
import json, resource, sys, time
from pathlib import Path
from volsite.pipeline import load_site
from volsite.problems import ContentError
started = time.perf_counter()
try:
    site = load_site(Path(sys.argv[1]))
    problems = [p.format() for p in site.warnings]
    ok = True
except ContentError as exc:
    problems = [p.format() for p in exc.problems]
    ok = False
print(json.dumps({"ok": ok, "problems": problems[:50], "seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measured_load(root: Path, timeout: float = 120) -> dict:
    """load_site in a child process: its outcome, time, and peak memory (MB, the whole process).

    A child, so that the peak is this load's alone, and so that a crash of the process
    itself (a C library's stack overflow) fails the test instead of killing pytest.
    """
    import json

    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(volsite.__file__).resolve().parents[1]) + os.pathsep + env.get("PYTHONPATH", "")
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(root)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, f"the load died (status {result.returncode}):\n{result.stderr[-3000:]}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def baseline_peak_mb() -> float:
    """Peak memory of a child that loads the small base site: what a measured load adds to."""
    with fresh_site({}) as root:
        return measured_load(root)["peak_mb"]
