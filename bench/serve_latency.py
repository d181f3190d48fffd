#!/usr/bin/env python3
"""How long from saving a story to its rebuilt page being served, with `volsite serve` running.

    python3 bench/serve_latency.py [--site DIR] [--edits 21]

Copies the site (default: the example site) to a temporary folder, starts
`volsite serve` on a free loopback port, then repeatedly appends a unique
sentence to one story and polls the story's page over HTTP (every 5 ms) until
the sentence appears. Prints the median and spread: this machine is noisy, so
read the median. The figure includes volsite's 0.1 s polling for changes.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=REPO)
    parser.add_argument("--edits", type=int, default=21)
    parser.add_argument("--verbose", action="store_true", help="print the server's log")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        shutil.copytree(args.site / "content", root / "content")
        shutil.copy(args.site / "site.yaml", root / "site.yaml")
        if (args.site / "themes").is_dir():
            shutil.copytree(args.site / "themes", root / "themes")
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "volsite.cli", "serve", str(root), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=open(Path(tmp) / "serve.log", "w"),
        )
        try:
            story = sorted((root / "content/stories").rglob("*.md"))[0]
            text = story.read_text(encoding="utf-8")
            slug = _slug(root, story)
            base = _base_path(root)
            url = f"http://127.0.0.1:{port}{base}stories/{slug}/"
            _wait(lambda: fetch(url))
            time.sleep(1.5)  # the first search index run, in the background
            times = []
            for number in range(args.edits):
                marker = f"基准测试第{number}次修改"
                story.write_text(text + f"\n\n{marker}。\n", encoding="utf-8")
                started = time.perf_counter()
                _wait(lambda marker=marker: marker in fetch(url), pause=0.005)
                times.append(time.perf_counter() - started)
                time.sleep(0.8)  # let the background search index finish, as between real saves
        finally:
            server.terminate()
            server.wait(10)
            if args.verbose:
                print((Path(tmp) / "serve.log").read_text(encoding="utf-8"))
    times.sort()
    print(f"volsite serve, save one story → rebuilt page served ({args.edits} edits, {args.site.name}):")
    print(
        f"  median {statistics.median(times):.3f} s   p90 {times[int(len(times) * 0.9) - 1]:.3f} s   "
        f"min {times[0]:.3f} s   max {times[-1]:.3f} s"
    )


def _slug(root: Path, story: Path) -> str:
    sys.path.insert(0, str(REPO / "generator"))
    from volsite.kinds.documents import parse
    from volsite.problems import Problems

    return parse("story", story.relative_to(root).as_posix(), story.read_text(encoding="utf-8"), Problems()).slug


def _base_path(root: Path) -> str:
    from volsite.config import load_config
    from volsite.problems import Problems

    return load_config(root, Problems()).base_path


def _wait(check, seconds: float = 60.0, pause: float = 0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(pause)
    raise SystemExit("timed out waiting for the page")


if __name__ == "__main__":
    main()
