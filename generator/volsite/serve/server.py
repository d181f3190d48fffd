"""volsite serve: build, serve on loopback, rebuild on every save, reload the browser.

The site is built into a temporary folder (never output/, so drafts shown in a
preview are never published by accident), under its base path so that links
work as in production. Bad content never stops the server: the last good site
stays browsable, and the problems show in the terminal and over the page.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..builds import rebuild
from ..config import CONFIG_FILE, load_config
from ..messages import SOURCE_LANGUAGE, Message, Tell, words
from ..output.search import SEARCH_FOLDER, SearchError, index_folder, page_digest, read_pages, searchable_pages
from ..output.write import new_preview_folder, remove_preview_folder, site_lock
from ..problems import ContentError, Problem, Problems, UsageError
from ..speed.session import SessionStore
from ..speed.store import FolderShelf

POLL_SECONDS = 0.1
SERVE_DIR = "_volsite"  # the preview's own files, beside the site's
# The preview's own files sit at the server root, outside the site's base path.
OVERLAY_TAG = b'<script src="/' + SERVE_DIR.encode() + b'/overlay.js" defer></script>'

OVERLAY_JS = """// volsite serve: shows content problems over the page until they are fixed, and
// reloads the page after every build, even one whose live-reload message came while
// this page was still connecting.
(function () {
  var base = document.currentScript.src.replace(/_volsite\\/overlay\\.js.*$/, "");
  var state = base + "_volsite/problems.json";
  var shown = null;
  function look() {
    fetch(state, {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (data) {
      if (shown === null) { shown = data.build; show(data); }
      else if (data.build !== shown) { location.reload(); }
    }).catch(function () {}).then(function () { setTimeout(look, 1000); });
  }
  function show(data) {
      if (!data.problems || !data.problems.length) return;
      var box = document.createElement("section");
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:99999;" +
        "background:#2b0b0b;color:#fff;font:15px/1.5 ui-monospace,monospace;padding:1rem 1.25rem;" +
        "border-top:4px solid #ff6b6b;white-space:pre-wrap";
      var title = document.createElement("strong");
      title.textContent = data.title;
      box.appendChild(title);
      data.problems.forEach(function (p) {
        var line = document.createElement("div");
        line.textContent = p;
        box.appendChild(line);
      });
      document.body.appendChild(box);
  }
  look();
})();
"""


@dataclass
class Snapshot:
    """Size and modification time of every file a build reads."""

    files: dict[str, tuple[int, int]]

    @classmethod
    def take(cls, site_root: Path) -> Snapshot:
        found: dict[str, tuple[int, int]] = {}
        config = site_root / CONFIG_FILE
        for top in (config, site_root / "content", site_root / "themes"):
            paths = [top] if top.is_file() else _walk(top)
            for path in paths:
                try:
                    stat = path.stat()
                except OSError:
                    continue
                found[str(path)] = (stat.st_mtime_ns, stat.st_size)
        return cls(found)


def _walk(folder: Path):
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            yield Path(dirpath) / name


class SearchIndexer:
    """Updates the preview's search index in the background, one run at a time.

    Pagefind takes longer than a page rebuild; the page is written and the
    browser reloaded first, then the index catches up: a large site's index in parts,
    of which only those holding a changed page are made again (the others are kept in
    the preview's own folder, `work`, for the session).
    """

    def __init__(self, output: Path, work: Path, tell: Tell):
        self.output, self.work, self.tell = output, work, tell
        self.lock = threading.Lock()
        self.wanted = False
        self.running = False

    def request(self) -> None:
        with self.lock:
            self.wanted = True
            if self.running:
                return  # the running worker will go round once more
            self.running = True
        threading.Thread(target=self._work, daemon=True).start()

    def _work(self) -> None:
        while True:
            with self.lock:
                if not self.wanted:
                    self.running = False
                    return
                self.wanted = False
            try:
                marks, digests = read_pages(self.output, page_digest)
                kept = FolderShelf(self.work / "search-parts")
                index_folder(self.output, self.work, searchable_pages(marks), store=kept, page_digests=digests)
                kept.forget_others()
            except SearchError as exc:
                self.tell(words("volsite: search index not updated: {reason}", reason=exc.said))

    def wait(self, seconds: float = 30.0) -> None:
        deadline = time.monotonic() + seconds
        while self.running and time.monotonic() < deadline:
            time.sleep(0.02)


class Preview:
    """The build side of the preview server: one folder kept up to date, with problems recorded."""

    def __init__(self, site_root: Path, drafts: bool, tell: Tell, language: str = SOURCE_LANGUAGE):
        self.site_root, self.drafts, self.language = site_root, drafts, language
        self.tell: Tell = lambda message: tell(message.words(language) if isinstance(message, Message) else message)
        self.store = SessionStore()
        self.root = new_preview_folder()
        problems = Problems()
        config = load_config(site_root, problems)
        self.base_path = config.base_path
        self.output = self.root / self.base_path.strip("/") if self.base_path != "/" else self.root
        (self.root / SERVE_DIR).mkdir(parents=True, exist_ok=True)
        (self.root / SERVE_DIR / "overlay.js").write_text(OVERLAY_JS, encoding="utf-8")
        if self.base_path != "/":
            (self.root / "index.html").write_text(
                f'<!DOCTYPE html><meta charset="utf-8"><meta http-equiv="refresh" content="0; url={self.base_path}">'
                f'<title>volsite</title><a href="{self.base_path}">{self.base_path}</a>\n',
                encoding="utf-8",
            )
        self.snapshot = Snapshot({})
        self.images_later = False  # the last rebuild made new photos only at their widest
        self.warnings: list[Problem] = []
        self.builds = 0
        self.search = SearchIndexer(self.output, self.root / SERVE_DIR, self.tell)
        # At the domain root the preview's own files share the site's folder.
        self.keep = (SERVE_DIR + "/",) if self.output == self.root else ()

    def _inject(self, rel: str, data: bytes) -> bytes:
        if not rel.endswith(".html"):
            return data
        return data.replace(b"</body>", OVERLAY_TAG + b"</body>", 1)

    def _record(self, title: Message, problems: list[Problem]) -> None:
        # Each page carries the overlay, which shows these problems over the last good pages
        # and reloads when the build number moves on.
        self.builds += 1
        text = json.dumps(
            {
                "build": self.builds,
                "title": title.words(self.language),
                "problems": [p.format(self.language) for p in problems],
            },
            ensure_ascii=False,
        )
        (self.root / SERVE_DIR / "problems.json").write_text(text, encoding="utf-8")

    def update(self) -> bool:
        """Rebuild if any file changed since the last look; True when something was rebuilt."""
        snapshot = Snapshot.take(self.site_root)
        # A new photo is shown at once at its widest; its other sizes are made at the next look.
        if snapshot == self.snapshot and not self.images_later:
            return False
        images_later, self.images_later = snapshot != self.snapshot, False
        self.snapshot = snapshot
        started = time.perf_counter()
        try:
            with site_lock(self.site_root, tell=self.tell):
                result = rebuild(
                    self.site_root,
                    self.output,
                    self.store,
                    drafts=self.drafts,
                    transform=self._inject,
                    search=False,
                    keep=self.keep,
                    images_later=images_later,
                )
        except UsageError as exc:  # another volsite held the site too long: try at the next save
            self.tell(words("volsite: {reason}", reason=exc.said))
            self.snapshot = Snapshot({})
            return False
        except ContentError as exc:
            errors = [p for p in exc.problems if p.severity == "error"]
            for problem in exc.problems:
                self.tell(problem.format(self.language))
            self.tell(words("volsite: {count} problem(s); still serving the last good site", count=len(errors)))
            self._record(
                words(
                    "volsite: {count} problem(s) in the content; this page is the last good build. Mend them "
                    "and save: the page reloads by itself.",
                    count=len(errors),
                ),
                exc.problems,
            )
            return True
        except Exception as exc:  # a bug in volsite: say so where the author looks, and keep serving
            self.tell("".join(traceback.format_exception(exc)).rstrip())
            self._record(
                words(
                    "volsite: internal error while rebuilding; this page is the last good build "
                    "(please report it; saving again retries)"
                ),
                [Problem("volsite", None, words("{error}", error=": ".join((type(exc).__name__, str(exc)))))],
            )
            return True
        self.images_later = result.images_later > 0
        if result.warnings != self.warnings:  # say warnings once, not on every save
            for problem in result.warnings:
                self.tell(problem.format(self.language))
            self.warnings = result.warnings
        self._record(Message("", ""), [])
        if result.search and (
            any(rel.endswith(".html") for rel in result.changed) or not (self.output / SEARCH_FOLDER).is_dir()
        ):
            self.search.request()
        self.tell(
            words(
                "volsite: rebuilt in {seconds} s ({changed} file(s) changed, {pages} pages)",
                seconds=format(time.perf_counter() - started, ".2f"),
                changed=len(result.changed),
                pages=result.pages,
            )
        )
        return True

    def close(self) -> None:
        self.search.wait()
        remove_preview_folder(self.root)


def serve(site_root: Path, host: str, port: int, drafts: bool, tell: Tell, language: str = SOURCE_LANGUAGE) -> None:
    """Serve until interrupted. Raises OSError when the port cannot be opened."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from tornado import ioloop

    preview = Preview(site_root, drafts, tell, language)
    restore = _stop_on_hangup_and_terminate()
    try:
        preview.update()
        server = Server()
        # livereload polls what it watches every 0.8 s and throttles reloads; volsite
        # watches the site itself, so livereload is given one empty folder to watch.
        server.watch(str(preview.root / SERVE_DIR / "nothing"), delay="forever")

        def poll() -> None:
            if preview.update():
                LiveReloadHandler.reload_waiters(path="*")

        ioloop.PeriodicCallback(poll, POLL_SECONDS * 1000).start()
        preview.tell(
            words(
                "volsite: serving {site} at {address} (Ctrl+C to stop)",
                site=site_root.resolve(),
                address="".join(("http://", host, ":", str(port), preview.base_path)),
            )
        )
        server.serve(port=port, host=host, root=str(preview.root), open_url_delay=None)
    finally:
        restore()
        preview.close()


def _stop_on_hangup_and_terminate() -> Callable[[], None]:
    """Make a closed terminal (SIGHUP) or a `kill` (SIGTERM) stop the server as Ctrl+C does,
    so that the preview folder (a whole built site) is removed, not left in the temporary
    folder; what puts the earlier handlers back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # only the main thread may set handlers (and receives signals)

    def interrupt(number, frame):
        raise KeyboardInterrupt

    earlier = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)  # no SIGHUP on Windows
        if number is not None:
            earlier[number] = signal.signal(number, interrupt)

    def restore() -> None:
        for number, handler in earlier.items():
            signal.signal(number, handler)

    return restore
