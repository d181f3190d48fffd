"""volsite serve in a real browser: a saved change reloads the open page by itself,
and bad content shows its problems over the last good page."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest

SITE = {
    "site.yaml": "title: 预览\nbase_url: https://example.org/volunteer/\n",
    "content/volunteers/v.yaml": "- {id: li-na, name: 李娜}\n",
    "content/stories/a.md": "---\ntitle: 第一版标题\ndate: 2024-03-05\n---\n正文。\n",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def preview(tmp_path):
    root = tmp_path / "site"
    for rel, text in SITE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text), encoding="utf-8")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "volsite.cli", "serve", str(root), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/volunteer/"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base, timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    yield root, base
    process.terminate()
    process.wait(10)


def test_saving_reloads_the_open_page_and_problems_show_over_it(browser, preview):
    root, base = preview
    page = browser.new_page()
    page.goto(base + "stories/a/")
    assert page.get_by_role("heading", level=1).inner_text() == "第一版标题"
    page.wait_for_timeout(500)  # let livereload's socket connect

    (root / "content/stories/a.md").write_text(
        "---\ntitle: 第二版标题\ndate: 2024-03-05\n---\n正文。\n", encoding="utf-8"
    )
    page.get_by_role("heading", level=1, name="第二版标题").wait_for(timeout=15_000)

    (root / "content/ledger").mkdir()
    (root / "content/ledger/l.csv").write_text("date,volunteer,hours\n2024-01-05,li-na,30\n", encoding="utf-8")
    alert = page.get_by_role("alert")
    alert.wait_for(timeout=15_000)
    assert "content/ledger/l.csv:2:" in alert.inner_text()
    assert page.get_by_role("heading", level=1).first.inner_text() == "第二版标题"  # the last good page

    (root / "content/ledger/l.csv").write_text("date,volunteer,hours\n2024-01-05,li-na,3\n", encoding="utf-8")
    alert.wait_for(state="detached", timeout=15_000)
    page.close()
