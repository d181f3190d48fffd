"""A build killed at any moment leaves output/ as the complete old site or the complete new one."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import REPO, tree_digest
from volsite.output.write import MARKER, check_output_dir


def copy_example(target):
    shutil.copytree(REPO / "content", target / "content")
    shutil.copy(REPO / "site.yaml", target / "site.yaml")
    return target


def test_sigkill_at_any_moment_leaves_old_or_new(tmp_path):
    site = copy_example(tmp_path / "site")
    build = [sys.executable, "-m", "volsite.cli", "build", str(site), "-q"]
    subprocess.run(build, check=True, capture_output=True)
    old = tree_digest(site / "output")
    story = sorted((site / "content/stories").rglob("*.md"))[0]
    story.write_text(story.read_text(encoding="utf-8").replace("\n\n", "\n\n新的一段。\n\n", 1), encoding="utf-8")
    shutil.copytree(site / "output", tmp_path / "old-output")
    started = time.monotonic()
    subprocess.run(build[:-1] + ["-o", str(tmp_path / "new-output"), "-q"], check=True, capture_output=True)
    duration = time.monotonic() - started
    new = tree_digest(tmp_path / "new-output")
    assert old != new

    outcomes = []
    # kill moments spread over the whole build as this machine runs it now, and past its end
    for fraction in (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0, 1.1, 1.5, 3.0):
        delay = fraction * duration
        shutil.rmtree(site / "output")
        shutil.copytree(tmp_path / "old-output", site / "output")
        process = subprocess.Popen(build, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the whole group, as CI stops a job
        except ProcessLookupError:
            pass
        process.wait()
        now = tree_digest(site / "output")
        assert now in (old, new), f"a mix after a kill at {delay} s"
        outcomes.append("new" if now == new else "old")
    # the kills landed both before and after the swap, so both states were really tested
    assert "old" in outcomes and "new" in outcomes, outcomes
    # and the next build clears what killed builds left beside output/
    subprocess.run(build, check=True, capture_output=True)
    assert not [p.name for p in site.iterdir() if p.name.startswith(".output.")]
    assert tree_digest(site / "output") == new


@pytest.mark.parametrize("where", ["/", "~", "site", "content", "themes", "parent"])
def test_output_folders_that_would_destroy_something_are_refused(tmp_path, where):
    from pathlib import Path

    from volsite.problems import UsageError

    site = tmp_path / "a" / "site"
    (site / "content").mkdir(parents=True)
    (site / "themes").mkdir()
    target = {
        "/": Path("/"),
        "~": Path.home(),
        "site": site,
        "content": site / "content",
        "themes": site / "themes",
        "parent": tmp_path,
    }[where]
    with pytest.raises(UsageError):
        check_output_dir(site, target)


def test_a_folder_volsite_did_not_make_is_never_replaced(site, tmp_path):
    site()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.docx").write_bytes(b"years of work")
    result = site.build("-o", str(precious))
    assert result.exit_code == 2 and "was not written by volsite" in result.output
    assert (precious / "thesis.docx").read_bytes() == b"years of work"
    assert not (precious / MARKER).exists()


def test_a_second_build_waits_for_the_first(site):
    from volsite.output.write import site_lock

    root = site()
    with site_lock(root):
        process = subprocess.Popen(
            [sys.executable, "-m", "volsite.cli", "build", str(root), "-v"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        time.sleep(1.0)
        assert process.poll() is None, "the second build did not wait"
        assert not (root / "output").exists()
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    assert "waiting for another volsite that is building this site" in output


def test_a_waiter_that_runs_out_of_time_refuses_clearly(site):
    from volsite.output.write import site_lock
    from volsite.problems import UsageError

    root = site()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time; from pathlib import Path; from volsite.output.write import site_lock\n"
                f"with site_lock(Path({str(root)!r})):\n    print('held', flush=True); time.sleep(30)"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(UsageError, match="another volsite is building this site"):
            with site_lock(root, wait_seconds=0.3):
                pass
    finally:
        holder.kill()
        holder.wait()
    with site_lock(root, wait_seconds=5):  # a killed holder never keeps the lock
        pass


def test_the_site_is_rendered_in_a_process_that_ends_before_indexing(site, tmp_path, monkeypatch):
    # what loading and rendering leave in a process's memory must not sit beside Pagefind's
    import volsite.builds

    real_stage, real_index = volsite.builds._stage, volsite.builds._index
    pids = {}

    def stage(*args, **kwargs):
        pids["stage"] = os.getpid()
        return real_stage(*args, **kwargs)

    def index(*args, **kwargs):
        pids["index"] = os.getpid()
        return real_index(*args, **kwargs)

    monkeypatch.setattr(volsite.builds, "_stage", stage)
    monkeypatch.setattr(volsite.builds, "_index", index)
    site()
    assert site.build().exit_code == 0
    assert "stage" not in pids and pids["index"] == os.getpid()  # _stage ran in the forked child


def test_a_site_without_search_is_rendered_in_this_process(site, monkeypatch):
    import volsite.builds

    real_stage = volsite.builds._stage
    pids = []
    monkeypatch.setattr(
        volsite.builds, "_stage", lambda *args, **kwargs: pids.append(os.getpid()) or real_stage(*args, **kwargs)
    )
    site({"site.yaml": "title: 测试站\nbase_url: https://example.org/volunteer/\nsearch: false\n"})
    assert site.build().exit_code == 0
    assert pids == [os.getpid()]


def test_a_rendering_process_that_dies_is_reported_and_leaves_output_alone(site, monkeypatch):
    import volsite.builds

    site()
    first = site.build()
    before = tree_digest(first.built)
    monkeypatch.setattr(volsite.builds, "_stage", lambda *args, **kwargs: os._exit(9))
    result = site.build("--drafts")  # not the same build as the last, so it is not skipped
    assert result.exit_code == 1 and "ended without finishing (exit status 9)" in result.output
    assert tree_digest(first.built) == before
    assert not [p.name for p in first.built.parent.iterdir() if p.name.startswith(".output.")]


def test_without_fork_the_site_is_built_in_one_process_the_same(site, tmp_path, monkeypatch):
    import volsite.speed.memory

    site()
    forked = tree_digest(site.build("-o", str(tmp_path / "forked")).built)

    def no_fork(method=None):
        raise ValueError("no fork here")

    monkeypatch.setattr(volsite.speed.memory.multiprocessing, "get_context", no_fork)
    alone = site.build("-o", str(tmp_path / "alone"))
    assert alone.exit_code == 0 and tree_digest(alone.built) == forked
