"""volsite serve, as a real process on loopback: rebuilds on save, survives bad content."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

STORY = "content/stories/2024-03-05-clinic.md"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, seconds: float = 15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except (urllib.error.URLError, ConnectionError, json.JSONDecodeError):
            pass
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.fixture
def server(site):
    root = site()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "volsite.cli", "serve", str(root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: fetch(base + "/volunteer/"))
        yield site, base, process
    finally:
        process.terminate()
        process.wait(10)


def test_serves_the_site_under_its_base_path_with_reload_script(server):
    site, base, _ = server
    page = fetch(base + "/volunteer/stories/clinic/")
    assert "义诊的一天" in page
    assert "livereload.js" in page and "/_volsite/overlay.js" in page
    assert "url=/volunteer/" in fetch(base + "/")


def test_saving_a_story_rebuilds_its_page(server):
    site, base, _ = server
    site.write({STORY: "---\ntitle: 改过的标题\ndate: 2024-03-05\nvolunteers: [li-na]\n---\n新的正文。\n"})
    wait_for(lambda: "改过的标题" in fetch(base + "/volunteer/stories/clinic/"))
    assert "新的正文" in fetch(base + "/volunteer/stories/clinic/")


def test_bad_content_keeps_serving_and_shows_problems(server):
    site, base, _ = server
    site.write({"content/ledger/l.csv": "date,volunteer,hours\n2024-01-05,li-na,30\n"})
    problems = wait_for(lambda: json.loads(fetch(base + "/_volsite/problems.json"))["problems"])
    assert problems == [
        "content/ledger/l.csv:2: ledger row: 'hours' must be more than 0 and at most 24, not 30: write the hours one "
        "volunteer served, such as 2 or 1.5 [V211]"
    ]
    assert "义诊的一天" in fetch(base + "/volunteer/stories/clinic/")  # the last good site
    site.write({"content/ledger/l.csv": "date,volunteer,hours\n2024-01-05,li-na,3\n"})
    wait_for(lambda: json.loads(fetch(base + "/_volsite/problems.json"))["problems"] == [])


def test_the_terminal_shows_problems(server):
    site, base, process = server
    site.write({"content/teams/bad.yaml": "id: Bad Team\nname: x\n"})
    wait_for(lambda: json.loads(fetch(base + "/_volsite/problems.json"))["problems"])
    process.terminate()
    output = process.communicate(timeout=10)[0]
    assert "content/teams/bad.yaml:1: team: 'id' must be lower-case letters" in output
    assert "still serving the last good site" in output


def test_port_in_use_is_a_usage_error(site):
    root = site()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "volsite.cli", "serve", str(root), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 2
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr


def test_search_index_catches_up_after_a_new_story(server):
    site, base, _ = server
    count = lambda: json.loads(fetch(base + "/volunteer/pagefind/pagefind-entry.json"))["languages"]["zh-cn"][
        "page_count"
    ]
    before = wait_for(count)
    site.write({"content/stories/new.md": "---\ntitle: 新的一篇\ndate: 2024-06-01\n---\n新的正文。\n"})
    wait_for(lambda: count() == before + 1)


def test_a_site_without_search_gets_no_index_while_serving(site):
    from volsite.serve.server import Preview

    root = site({"site.yaml": "title: x\nbase_url: https://example.org/volunteer/\nsearch: false\n"})
    preview = Preview(root, False, lambda message: None)
    try:
        preview.update()
        site.write({STORY: "---\ntitle: 改\ndate: 2024-03-05\n---\n正文。\n"})
        preview.update()
        preview.search.wait()
        assert not (preview.output / "pagefind").exists()
    finally:
        preview.close()


def test_a_site_at_the_domain_root_is_served_with_the_preview_files_beside_it(site):
    from volsite.serve.server import Preview

    root = site({"site.yaml": "title: x\nbase_url: https://example.org/\nsearch: false\n"})
    preview = Preview(root, False, lambda message: None)
    try:
        assert preview.output == preview.root
        assert preview.update()
        assert "义诊的一天" in (preview.output / "stories/clinic/index.html").read_text()
        assert json.loads((preview.root / "_volsite/problems.json").read_text())["problems"] == []
        site.write({STORY: "---\ntitle: 改过的标题\ndate: 2024-03-05\n---\n正文。\n"})
        assert preview.update()
        assert "改过的标题" in (preview.output / "stories/clinic/index.html").read_text()
        assert (preview.root / "_volsite/overlay.js").is_file()  # the sync left the preview's own files
    finally:
        preview.close()


def test_a_rebuild_while_the_search_index_is_being_made_leaves_the_index_alone(site, monkeypatch):
    """The indexer thread makes pagefind/ while rebuilds sync the pages: neither undoes the other."""
    import volsite.output.search
    from volsite.serve.server import Preview

    root = site()
    said: list[str] = []
    preview = Preview(root, False, said.append)
    real_run = volsite.output.search.subprocess.run
    edits = iter(range(2))

    def pagefind_then_a_save(command, **options):
        done = real_run(command, **options)
        n = next(edits, None)
        if n is not None:  # the author saves while Pagefind's new index is still being finished
            site.write({STORY: f"---\ntitle: 第{n}稿\ndate: 2024-03-05\n---\n正文{n}。\n"})
            assert preview.update()
        return done

    monkeypatch.setattr(volsite.output.search.subprocess, "run", pagefind_then_a_save)
    try:
        preview.update()
        preview.search.wait()
        assert "第1稿" in (preview.output / "stories/clinic/index.html").read_text()
        assert json.loads((preview.root / "_volsite/problems.json").read_text())["problems"] == []
        assert not [line for line in said if "search index not updated" in line or "Traceback" in line], said
        assert sorted(p.name for p in preview.output.iterdir() if p.name.startswith(".")) == [".volsite-output"]
        assert (preview.output / "pagefind/pagefind-entry.json").is_file()
    finally:
        preview.close()


def test_after_a_save_only_the_search_part_holding_the_changed_page_is_indexed_again(site, monkeypatch):
    from conftest import in_four_parts_counting_runs, tree_digest
    from volsite.serve.server import Preview

    root = site()
    globs = in_four_parts_counting_runs(monkeypatch)
    preview = Preview(root, False, lambda message: None)
    try:
        preview.update()
        preview.search.wait()
        assert len(globs) == 4
        globs.clear()
        # only the story's text changes (its activity's page, which links it, stays as it was)
        site.write(
            {
                STORY: "---\ntitle: 义诊的一天\ndate: 2024-03-05\nvolunteers: [li-na]\nactivity: 2024-03-05-clinic\n---\n改过的正文。\n"
            }
        )
        assert preview.update()
        preview.search.wait()
        assert len(globs) == 1 and "stories" in globs[0], globs
        # the index equals one made from nothing for the same pages
        kept = tree_digest(preview.output / "pagefind")
        shutil.rmtree(preview.root / "_volsite" / "search-parts")
        globs.clear()
        preview.search.request()
        preview.search.wait()
        assert len(globs) == 4 and tree_digest(preview.output / "pagefind") == kept
    finally:
        preview.close()


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_stopped_server_removes_its_preview_folder(site, tmp_path, signal_name):
    """Ctrl+C, a `kill` and a closed terminal all stop it the same way: the preview (a whole
    built site) does not stay behind in the temporary folder."""
    import os
    import signal

    root = site()
    port = free_port()
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "volsite.cli", "serve", str(root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "TMPDIR": str(temporary)},
    )
    try:
        wait_for(lambda: fetch(f"http://127.0.0.1:{port}/volunteer/"))
        assert [p.name for p in temporary.iterdir() if p.name.startswith("volsite-serve-")]
        process.send_signal(getattr(signal, signal_name))
        process.wait(15)
    finally:
        process.kill()
        process.wait(10)
    assert process.returncode == 0, process.stdout.read()
    assert not [p.name for p in temporary.iterdir() if p.name.startswith("volsite-serve-")]
