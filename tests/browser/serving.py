"""Build a volsite site, serve it like a plain static host, and start Debian's Chromium.

Shared by the browser tests (conftest.py) and the screenshot script (shoot.py).
Only the standard library here; Playwright is imported by the callers.
"""

from __future__ import annotations

import http.server
import mimetypes
import os
import posixpath
import shutil
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]

CHROMIUM = os.environ.get("CHROME_PATH") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    # Nothing leaves the machine: external hosts fail at once instead of timing out.
    "--no-proxy-server",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]

# Browser context options for the two widths every page is looked at.
WIDTHS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 3,
    },
}


def example_site() -> Path:
    """The site the browser tests look at: the example site, or VOLSITE_TEST_SITE for development."""
    return Path(os.environ.get("VOLSITE_TEST_SITE") or REPO).resolve()


def base_path_of(site: Path) -> str:
    """URL path of the site's base_url ("/volunteer/"), always with slashes at both ends."""
    config = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8")) or {}
    path = urllib.parse.urlsplit(str(config.get("base_url") or "/")).path or "/"
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


def volsite_command() -> list[str]:
    """The `volsite` command of this Python environment."""
    beside = Path(sys.executable).with_name("volsite")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("volsite")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from volsite.cli import main; sys.argv[0] = 'volsite'; main()"]


class BuildError(RuntimeError):
    pass


def build(site: Path, output: Path, base_url: str | None = None) -> Path:
    """`volsite build SITE -o OUTPUT [--base-url URL] -q`; raises BuildError with volsite's output."""
    cmd = volsite_command() + ["build", str(site), "-o", str(output), "-q"]
    if base_url is not None:
        cmd += ["--base-url", base_url]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise BuildError(f"{' '.join(cmd)} exited with {result.returncode}:\n{result.stdout}{result.stderr}")
    return output


_BUILDS: dict[tuple[str, str | None], Path | BuildError] = {}


def build_once(site: Path, folder: Path, base_url: str | None = None) -> Path:
    """Build `site` into `folder`/output once per process (the browser and audit tests share it).

    A failed build is not retried: the same BuildError is raised again.
    """
    key = (str(site), base_url)
    if key not in _BUILDS:
        try:
            _BUILDS[key] = build(site, folder / "output", base_url)
        except BuildError as exc:
            _BUILDS[key] = exc
    result = _BUILDS[key]
    if isinstance(result, BuildError):
        raise result
    return result


def build_once_or_fail(site: Path, folder: Path) -> Path:
    """build_once for a session fixture: a site that does not build fails the tests using it."""
    import pytest

    try:
        return build_once(site, folder)
    except BuildError as exc:
        failure = str(exc)
    pytest.fail(
        f"the example site does not build:\n{failure}", pytrace=False
    )  # outside the except: no chained traceback


class _Handler(http.server.BaseHTTPRequestHandler):
    """A plain static host: index.html for folders, 301 /dir → /dir/, the site's 404.html, no listings."""

    server: _Server
    protocol_version = "HTTP/1.1"

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(body=False)

    def do_GET(self) -> None:  # noqa: N802
        self._serve(body=True)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet
        pass

    def _serve(self, body: bool) -> None:
        root, base = self.server.root, self.server.base_path
        split = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(split.path)
        if not path.startswith(base):
            if path + "/" == base:
                return self._redirect(base, split.query)
            return self._not_found(body)
        rel = posixpath.normpath(path[len(base) :]) if path[len(base) :] else "."
        if rel.startswith("..") or rel.startswith("/") or "\x00" in rel:
            return self._not_found(body)
        target = root / rel
        if target.is_dir():
            if not path.endswith("/"):
                return self._redirect(split.path + "/", split.query)
            target = target / "index.html"
        if not target.is_file():
            return self._not_found(body)
        self._send(200, target.read_bytes(), _content_type(target), body)

    def _redirect(self, location: str, query: str) -> None:
        self.send_response(301)
        self.send_header("Location", location + (f"?{query}" if query else ""))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _not_found(self, body: bool) -> None:
        page = self.server.root / "404.html"
        data = page.read_bytes() if page.is_file() else b"<!DOCTYPE html><title>404</title>Not found\n"
        self._send(404, data, "text/html; charset=utf-8", body)

    def _send(self, status: int, data: bytes, content_type: str, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if body:
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the browser stopped reading (a page left mid-load); not a failure of the site


def _content_type(path: Path) -> str:
    types = {
        ".html": "text/html",
        ".css": "text/css",
        ".js": "text/javascript",
        ".json": "application/json",
        ".xml": "application/xml",
        ".svg": "image/svg+xml",
        ".txt": "text/plain",
        ".webmanifest": "application/manifest+json",
    }
    kind = types.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/json", "application/xml", "image/svg+xml"):
        kind += "; charset=utf-8"
    if path.name == "feed.xml":
        kind = "application/atom+xml; charset=utf-8"
    return kind


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    root: Path
    base_path: str


class StaticServer:
    """Serve the folder `root` at http://127.0.0.1:<free port><base_path> from a thread.

    with StaticServer(out, "/volunteer/") as server:
        server.url("stories/")  # → "http://127.0.0.1:PORT/volunteer/stories/"
    """

    def __init__(self, root: Path, base_path: str = "/"):
        self.root = Path(root).resolve()
        self.base_path = base_path
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> StaticServer:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.root, server.base_path = self.root, self.base_path
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="static-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StaticServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str = "") -> str:
        """Absolute URL of a path relative to the base path ("stories/"), or of an absolute path ("/x/")."""
        if path.startswith("/"):
            return self.origin + path
        return self.origin + self.base_path + path


def chromium_missing_reason() -> str | None:
    if not Path(CHROMIUM).is_file():
        return (
            f"{CHROMIUM} is missing: install Debian's chromium "
            "(bash ../shared/tools/setup.sh, or apt-get install chromium)"
        )
    return None


def launch_chromium(playwright):
    """Debian's Chromium, headless, through Playwright's sync API (`playwright.chromium`)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
