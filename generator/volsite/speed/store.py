"""The build cache on disk, SITE/.volsite-cache/: converted Markdown and the last search
index, kept between runs.

Safe to delete at any time. Never trusted across volsite or Markdown versions, changes
to the code that converts Markdown, or settings that change the HTML: those are part of
the file's name, so a cache written under other conditions is simply not found. Stored
as JSON, not pickle, so that a cache file can hold data but never run code. A file that
does not read is ignored and rebuilt.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .. import __version__
from ..bindings import cmark
from ..digests import hasher, hex_digest
from ..images.made import Processed
from ..images.made import Variant as ImageVariant
from ..images.stage import FILE_HASHES
from ..images.stage import SHELF as IMAGES
from ..output.search import SEARCH_PARTS
from ..output.write import CACHE_FOLDER, copy_folder, remove_folder, write_all
from ..render import markdown as markup
from ..render.markdown import Html


def _markdown_folder(site_root: Path, shelf: str) -> Path:
    conditions = json.dumps([__version__, cmark.version(), _converter_code(), cmark.EXTENSIONS, cmark.OPTIONS, shelf])
    name = hex_digest(conditions.encode(), size=8)
    return site_root / CACHE_FOLDER / f"markdown-{name}"


@cache
def _converter_code() -> str:
    """The hash of the code that turns Markdown into HTML: a change to it (which links are
    dropped, say) must not find texts converted the old way."""
    digest = hasher(size=8)
    for module in (markup, cmark):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


class MarkdownParts:
    """Converted Markdown written as it is converted: each process that converts (a build
    shares the work out between forked ones) appends a line of JSON per run of texts to a
    part file of its own, from its own new objects."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._handle: int | None = None
        self._pid: int | None = None

    def keep(self, pairs: dict[str, Html]) -> None:
        """Never fails a build: a part that cannot be written is simply not there next time."""
        line = json.dumps(
            {key: [h.html, h.toc, h.minutes, list(h.links)] for key, h in pairs.items()}, ensure_ascii=False
        )
        try:
            if self._pid != os.getpid():  # the first run in this process (or in a forked copy)
                self.folder.mkdir(parents=True, exist_ok=True)
                (self.folder.parent / ".gitignore").write_text("*\n", encoding="utf-8")
                name = f"{os.getpid()}-{os.urandom(4).hex()}{PART_SUFFIX}"
                self._handle = os.open(
                    self.folder / name,
                    os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0),
                    0o666,
                )
                self._pid = os.getpid()
            write_all(self._handle, (line + "\n").encode("utf-8", "surrogatepass"))
        except OSError:
            pass

    def close(self) -> None:
        if self._handle is not None and self._pid == os.getpid():
            os.close(self._handle)
        self._handle = self._pid = None

    def load(self) -> dict[str, Html]:
        """What the parts hold. A line that does not read (a build killed while writing it)
        is passed over."""
        done: dict[str, Html] = {}
        for path in sorted(self.folder.glob(f"*{PART_SUFFIX}")):
            try:
                lines = path.read_bytes().split(b"\n")
            except OSError:
                continue
            for line in lines:
                try:
                    done.update((key, Html(v[0], v[1], int(v[2]), tuple(v[3]))) for key, v in json.loads(line).items())
                except (ValueError, TypeError, IndexError, AttributeError, KeyError):
                    continue
        return done


PART_SUFFIX = ".jsonl"
# Parts are put together into one when there are more than this many, or when more than
# a fifth of what they hold is of texts no longer in the site.
MAX_MARKDOWN_PARTS = 16


@dataclass
class _MarkdownShelf:
    parts: MarkdownParts
    kept: dict[str, Html]  # read from the parts, and put by this process
    loaded: int  # entries read from the parts
    asked: set[str] = field(default_factory=set)  # keys looked up by this process
    found: set[str] = field(default_factory=set)  # of them, those read from the parts


class BuildStore:
    """volsite.seams.Store for a build: converted Markdown is kept in SITE/.volsite-cache/
    between runs; what was read of each content file (the "read" shelf) is kept in memory
    for the build's record (reads); nothing else is kept."""

    def __init__(self, site_root: Path, known_files: dict[str, list] | None = None) -> None:
        self.site_root = site_root
        self._known_files = known_files or {}
        self.reads: dict[str, tuple] = {}  # by path relative to the site
        self._markdown: dict[str, _MarkdownShelf] = {}
        self._search_parts = FolderShelf(kept_search_parts(site_root))
        self._images = ImageShelf(site_root / CACHE_FOLDER / "images")

    def keeps(self, shelf: str) -> bool:
        return shelf in ("read", SEARCH_PARTS, IMAGES) or shelf.startswith("markdown ")

    def _file_hash(self, rel: str) -> str | None:
        """The hash of a file of the site as the last build recorded it, if the file is as it
        was then (same size, times and inode: ctime cannot be set back)."""
        path = os.fspath(self.site_root / rel)
        entry = self._known_files.get(path)
        if not isinstance(entry, list) or len(entry) != 5:
            return None
        try:
            info = os.stat(path)
        except OSError:
            return None
        same = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino] == entry[:4]
        return str(entry[4]) if same else None

    def _shelf(self, shelf: str) -> _MarkdownShelf | None:
        if not shelf.startswith("markdown "):
            return None
        if shelf not in self._markdown:
            parts = MarkdownParts(_markdown_folder(self.site_root, shelf))
            kept = parts.load()
            self._markdown[shelf] = _MarkdownShelf(parts, kept, len(kept))
        return self._markdown[shelf]

    def holds(self, shelf: str) -> bool:
        if shelf == SEARCH_PARTS:
            return self._search_parts.holds(shelf)
        if shelf == IMAGES:
            return self._images.holds(shelf)
        found = self._shelf(shelf)
        return bool(found and found.kept)

    def get(self, shelf: str, key: str) -> Any | None:
        if shelf == FILE_HASHES:
            return self._file_hash(key)
        if shelf == SEARCH_PARTS:
            return self._search_parts.get(shelf, key)
        if shelf == IMAGES:
            return self._images.get(shelf, key)
        found = self._shelf(shelf)
        if found is None:
            return None
        found.asked.add(key)
        html = found.kept.get(key)
        if html is not None:
            found.found.add(key)
        return html

    def put(self, shelf: str, entries: dict[str, Any]) -> None:
        if shelf == "read":
            self.reads.update(entries)
        elif shelf == SEARCH_PARTS:
            self._search_parts.put(shelf, entries)
        elif shelf == IMAGES:
            self._images.put(shelf, entries)
        elif entries and (found := self._shelf(shelf)) is not None:
            found.parts.keep(entries)  # (written by whichever process made them)
            found.kept.update(entries)

    def finish_images(self) -> None:
        """Once every image is processed: only the files of the site's images are kept."""
        self._images.forget_others()

    def finish_search_parts(self) -> None:
        """Once the search index is made: only the parts of the latest index are kept."""
        self._search_parts.forget_others()
        # Where earlier builds kept whole indexes beside the parts: as large as the parts, unused now.
        remove_folder(self.site_root / CACHE_FOLDER / "search")

    def finish_markdown(self) -> None:
        """Once a build's texts are converted: put a shelf's parts together into one where
        there are too many, or too much in them is of texts no longer there; remove what was
        written under other settings or versions. Never fails a build."""
        for shelf in self._markdown.values():
            shelf.parts.close()
        folders = {shelf.parts.folder for shelf in self._markdown.values()}
        try:
            for old in (self.site_root / CACHE_FOLDER).glob("markdown-*"):
                if old not in folders:
                    remove_folder(old) if old.is_dir() else old.unlink(missing_ok=True)
            for shelf in self._markdown.values():
                _compact(shelf)
        except OSError:
            pass


def _compact(shelf: _MarkdownShelf) -> None:
    parts = sorted(shelf.parts.folder.glob(f"*{PART_SUFFIX}"))
    # With nothing loaded, nothing was looked up: every text was converted, by this build.
    stale = shelf.loaded - len(shelf.found) if shelf.asked else 0
    if len(parts) <= MAX_MARKDOWN_PARTS and stale * 5 <= len(shelf.asked):
        return
    # What forked processes converted is on disk only: read back (rarely: a compaction).
    entries = shelf.parts.load()
    if shelf.asked:
        entries = {key: html for key, html in entries.items() if key in shelf.asked}
    whole = MarkdownParts(shelf.parts.folder)
    items = list(entries.items())
    for start in range(0, len(items), 500):
        whole.keep(dict(items[start : start + 500]))
    whole.close()
    for part in parts:
        part.unlink(missing_ok=True)


class FolderShelf:
    """volsite.seams.Store for the one shelf whose values are folders (output.search's index
    parts): each kept as a copy under `folder`, by its key. Only those asked for or put since
    it was made are kept by `forget_others`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def get(self, shelf: str, key: str) -> Path | None:
        path = self.folder / key
        if not path.is_dir():
            return None
        self.used.add(key)
        return path

    def put(self, shelf: str, entries: dict[str, Any]) -> None:
        for key, bundle in entries.items():
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                copy_folder(bundle, self.folder / key)
                self.used.add(key)
            except OSError:
                pass  # a part that cannot be kept only costs time next build

    def holds(self, shelf: str) -> bool:
        return self.folder.is_dir()

    def keeps(self, shelf: str) -> bool:
        return True

    def forget_others(self) -> None:
        for old in sorted(self.folder.iterdir()) if self.folder.is_dir() else ():
            if old.name not in self.used:
                remove_folder(old)


class ImageShelf(FolderShelf):
    """volsite.seams.Store for processed images (images.stage): each image's files under
    `folder`/key, with a list of them (variants.json) written last, so that a key whose list
    is there has all its files. Only those asked for or put since it was made are kept by
    `forget_others`."""

    def get(self, shelf: str, key: str) -> Processed | None:  # type: ignore[override]
        try:
            listed = json.loads((self.folder / key / "variants.json").read_text(encoding="utf-8"))
            variants = tuple(
                ImageVariant(width, height, form, b"", self.folder / key / name) for name, width, height, form in listed
            )
        except (OSError, ValueError, TypeError):
            return None
        self.used.add(key)
        widest = variants[-1]
        return Processed(widest.width, widest.height, variants)

    def put(self, shelf: str, entries: dict[str, Any]) -> None:
        for key, made in entries.items():
            folder = self.folder / key
            try:
                folder.mkdir(parents=True, exist_ok=True)
                listed = []
                for number, variant in enumerate(made.variants):
                    name = f"{number}.{variant.format}"
                    _replace_bytes(folder / name, variant.data)
                    listed.append([name, variant.width, variant.height, variant.format])
                _replace_bytes(folder / "variants.json", json.dumps(listed).encode())
                self.used.add(key)
            except OSError:
                pass  # an image that cannot be kept is only made again next build


def _replace_bytes(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_bytes(data)
    os.replace(partial, path)


def kept_search_parts(site_root: Path) -> Path:
    """Where a build keeps the parts of its search index."""
    return site_root / CACHE_FOLDER / "search-parts"
