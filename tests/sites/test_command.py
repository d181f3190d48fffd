"""The volsite command as a shell or CI runs it: a process that ends without Python's
teardown once it is done, yet whose output reaches a pipe whole and whose exit status
is the documented one."""

from __future__ import annotations

import subprocess
import sys


def volsite(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "volsite.cli", *args], capture_output=True, text=True, timeout=120)


def test_a_build_says_what_it_built_into_a_pipe(site):
    root = site()
    done = volsite("build", str(root), "--base-url", "https://example.org/x/")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("volsite: built ") and done.stdout.endswith("\n")
    assert (root / "output/index.html").is_file()
    warm = volsite("build", str(root), "--base-url", "https://example.org/x/")
    assert "nothing changed since the last build" in warm.stdout


def test_problems_and_usage_errors_keep_their_exit_status(site):
    root = site({"content/stories/bad.md": "---\ntitle: 无日期\n---\n正文。\n"})
    bad = volsite("build", str(root))
    assert bad.returncode == 1
    assert "content/stories/bad.md" in bad.stderr and "nothing was written" in bad.stderr
    assert volsite("build", str(root / "missing")).returncode == 2
    assert volsite("no-such-command").returncode == 2


def test_check_writes_its_whole_report(site):
    import json

    root = site()
    done = volsite("check", str(root), "--format", "json")
    assert json.loads(done.stdout)["ok"] is (done.returncode == 0)


def test_a_site_without_covers_or_search_loads_neither_pillow_nor_package_metadata(site):
    # Each is some 10 ms of every start, before any work can be shared out.
    root = site()
    (root / "site.yaml").write_text((root / "site.yaml").read_text() + "search: false\n", encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from volsite.builds import build; "
        f"build(Path({str(root)!r})); "
        "print(sorted(m for m in ('PIL', 'importlib.metadata') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert (root / "output/index.html").is_file()
