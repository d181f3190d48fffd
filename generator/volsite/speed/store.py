"""The build cache on disk, SITE/.volsite-cache/: converted Markdown and the last search
index, kept between runs.

Safe to delete at any time. Never trusted across volsite or Markdown versions, changes
to the code that converts Markdown, or settings that change the HTML: those are part of
the file's name, so a cache written under other conditions is simply not found. Stored
as JSON, not pickle, so that a cache file can hold data but never run code. A file that
does not read is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from stat import S_ISDIR, S_ISREG

from .. import __version__
from ..bindings import cmark
from ..bindings.pagefind import is_complete
from ..output.search import INDEX_LAYOUT
from ..output.write import CACHE_FOLDER, copy_folder, remove_folder, write_all
from ..read.files import FileRead
from ..render import markdown as markup
from ..render.markdown import Html, MarkdownCache
from ..render.theme import default_theme_dir


def _markdown_folder(site_root: Path, base_path: str, unsafe_html: bool, texts: str) -> Path:
    conditions = json.dumps(
        [
            __version__,
            cmark.version(),
            _converter_code(),
            cmark.EXTENSIONS,
            cmark.OPTIONS,
            base_path,
            unsafe_html,
            texts,
        ]
    )
    name = hashlib.blake2b(conditions.encode(), digest_size=8).hexdigest()
    return site_root / CACHE_FOLDER / f"markdown-{name}"


@cache
def _converter_code() -> str:
    """The hash of the code that turns Markdown into HTML: a change to it (which links are
    dropped, say) must not find texts converted the old way."""
    digest = hashlib.blake2b(digest_size=8)
    for module in (markup, cmark):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


class MarkdownParts:
    """Converted Markdown written as it is converted: each process that converts (a build
    shares the work out between forked ones) appends a line of JSON per run of texts to a
    part file of its own, from its own new objects. Saved all at once afterwards, by the
    process that received the rest pickled, it took 0.1-0.2 s of rendering time at 5,000
    stories (25 MB of JSON, and a copy of each page of memory the forked renderers share)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._handle: int | None = None
        self._pid: int | None = None

    def keep(self, pairs: list[tuple[str, Html]]) -> None:
        """Never fails a build: a part that cannot be written is simply not there next time."""
        line = (
            json.dumps({key: [h.html, h.toc, h.minutes, list(h.links)] for key, h in pairs}, ensure_ascii=False) + "\n"
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
            write_all(self._handle, line.encode("utf-8", "surrogatepass"))
        except OSError:
            pass

    def close(self) -> None:
        if self._handle is not None and self._pid == os.getpid():
            os.close(self._handle)
        self._handle = self._pid = None


PART_SUFFIX = ".jsonl"
# Parts are put together into one when there are more than this many, or when more than
# a fifth of what they hold is of texts no longer in the site.
MAX_MARKDOWN_PARTS = 16


@dataclass
class StoredMarkdown:
    """One kind of text's converted Markdown: in memory (cache, whose new conversions go
    to parts as they are made) and on disk (folder)."""

    cache: MarkdownCache
    parts: MarkdownParts
    loaded: int  # entries read from the folder's parts


def load_markdown(site_root: Path, base_path: str, unsafe_html: bool, texts: str) -> StoredMarkdown:
    """What the parts of earlier builds hold for `texts` ("documents", "records"). A line
    that does not read (a build killed while writing it) is passed over."""
    folder = _markdown_folder(site_root, base_path, unsafe_html, texts)
    done: dict[str, Html] = {}
    for path in sorted(folder.glob(f"*{PART_SUFFIX}")):
        try:
            lines = path.read_bytes().split(b"\n")
        except OSError:
            continue
        for line in lines:
            try:
                done.update((key, Html(v[0], v[1], int(v[2]), tuple(v[3]))) for key, v in json.loads(line).items())
            except (ValueError, TypeError, IndexError, AttributeError, KeyError):
                continue
    parts = MarkdownParts(folder)
    return StoredMarkdown(MarkdownCache(base_path, done, unsafe_html, keep=parts.keep), parts, len(done))


def finish_markdown(site_root: Path, *stored: StoredMarkdown) -> None:
    """Once a build's texts are converted (and its caches hold only texts of the site): put
    a folder's parts together into one where there are too many, or too much in them is of
    texts no longer there; remove what was written under other settings or versions.
    Never fails a build."""
    for each in stored:
        each.parts.close()
    folders = {each.parts.folder for each in stored}
    try:
        for old in (site_root / CACHE_FOLDER).glob("markdown-*"):
            if old not in folders:
                remove_folder(old) if old.is_dir() else old.unlink(missing_ok=True)
        for each in stored:
            parts = sorted(each.parts.folder.glob(f"*{PART_SUFFIX}"))
            stale = each.loaded + each.cache.added - len(each.cache.done)
            if len(parts) > MAX_MARKDOWN_PARTS or stale * 5 > len(each.cache.done):
                whole = MarkdownParts(each.parts.folder)
                entries = list(each.cache.done.items())
                for start in range(0, len(entries), 500):
                    whole.keep(entries[start : start + 500])
                whole.close()
                for part in parts:
                    part.unlink(missing_ok=True)
    except OSError:
        pass


def page_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def search_tool_version() -> str:
    try:
        from importlib.metadata import version

        return version("pagefind_bin_extended")
    except Exception:  # noqa: BLE001 - no version known: the digest then never matches a stale one
        return "unknown"


class SearchParts:
    """Parts of the last search index (search.index_folder), kept in `folder` by a digest of
    the pages each was made of: a build in which a story changed makes again only the part
    that holds it (Pagefind's time goes with the pages it reads: 33 s for a city's).
    Only the parts of the latest index are kept (`forget_others`)."""

    def __init__(self, folder: Path, page_digests: dict[str, bytes]):
        self.folder = folder
        self.page_digests = page_digests
        self.version = search_tool_version()
        self.used: set[str] = set()

    def _key(self, pages: list[str], first: bool) -> str | None:
        digest = hashlib.blake2b(digest_size=16)
        # The first part carries the code that the others are read with.
        digest.update(f"{self.version}\0{INDEX_LAYOUT}\0{'first' if first else 'merged'}".encode())
        for rel in sorted(pages):
            page = self.page_digests.get(rel)
            if not page:
                return None  # a page of unknown bytes: never reuse or keep its part
            digest.update(b"\0" + rel.encode("utf-8", "surrogatepass") + b"\0" + page)
        return digest.hexdigest()

    def find(self, pages: list[str], first: bool) -> Path | None:
        key = self._key(pages, first)
        if key is None or not is_complete(self.folder / key, first):
            return None
        self.used.add(key)
        return self.folder / key

    def keep(self, pages: list[str], first: bool, bundle: Path) -> None:
        key = self._key(pages, first)
        if key is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            copy_folder(bundle, self.folder / key)
            self.used.add(key)
        except OSError:
            pass  # a part that cannot be kept only costs time next build

    def forget_others(self) -> None:
        for old in sorted(self.folder.iterdir()) if self.folder.is_dir() else ():
            if old.name not in self.used:
                remove_folder(old)


def kept_search_parts(site_root: Path) -> Path:
    """Where a build keeps the parts of its search index."""
    return site_root / CACHE_FOLDER / "search-parts"


# The last build, to recognise a build with nothing to do: the digest of everything a
# build reads, and the size and time of every file it left in output/.
BUILD_RECORD = "last-build.json"
_SKIPPED_FOLDERS = {"__pycache__"}


def inputs_digest(
    site_root: Path, output: Path, options: dict, known: dict[str, list] | None = None, search: bool = True
) -> tuple[str, dict[str, list]]:
    """The hash of every byte a build reads: site.yaml, content/, themes/, volsite's own code
    and theme, the Pagefind it runs (if it makes a search index), and the options it was
    given; and, for the next time, each file's hash beside its size, times and inode.

    A file whose size, times and inode are those `known` from the last time is not read
    again: ctime cannot be set back by any tool, so only a write within the same clock
    tick could hide, and files changed within seconds of being recorded are not trusted
    (git's "racily clean" rule).
    """
    return scan_inputs(site_root, output, options, known, search).digest({})


class InputScan:
    """The files a build reads, found and (except those left to the reading) hashed."""

    def __init__(self, conditions: bytes, entries: list[tuple[str, list[int], str | None]], now: int):
        self.conditions = conditions
        self.entries = entries  # (path, [size, mtime, ctime, inode], hash or None: hashed as read)
        self.now = now

    def digest(self, reads: dict[str, FileRead]) -> tuple[str, dict[str, list]]:
        """inputs_digest's answer, with what the build read of the files left to it (by
        path: what it read is what the digest must stand for); any such file it did not
        read is hashed now."""
        digest = hashlib.blake2b(self.conditions, digest_size=16)
        seen: dict[str, list] = {}
        for path, signature, file_hash in self.entries:
            if file_hash is None:
                read = reads.get(path)
                if read is not None:
                    signature, file_hash = list(read[:4]), read[4]
                else:
                    file_hash = _file_hash(path)
            if self.now - max(signature[1], signature[2]) > RACY_NS:
                seen[path] = signature + [file_hash]
            digest.update(os.fsencode(path) + b"\0" + file_hash.encode())
        return digest.hexdigest(), seen


# The content files a build reads as it parses them (read.files.read_bytes notes what it read).
PARSED_SUFFIXES = (".md", ".markdown", ".yaml", ".yml", ".csv")


def scan_inputs(
    site_root: Path,
    output: Path,
    options: dict,
    known: dict[str, list] | None = None,
    search: bool = True,
    hash_as_read: bool = False,
) -> InputScan:
    """inputs_digest's walk; with hash_as_read, content files of the kinds parsed that are
    not known are left unhashed, for the build to hash as it reads them (a cold build
    would otherwise read each twice: a tenth of a second at 5,000 stories, before any
    work could be shared out)."""
    known = known or {}
    package = Path(__file__).resolve().parents[1]  # volsite's own code: a new version builds again
    # (Finding Pagefind's version loads importlib.metadata: 12 ms, at every start.)
    conditions = [
        __version__,
        cmark.version(),
        search_tool_version() if search else None,
        str(output.resolve()),
        options,
    ]
    content = os.fspath(site_root / "content") + os.sep
    now = time.time_ns()  # before any file is looked at: one changed since is not trusted
    entries: list[tuple[str, list[int], str | None]] = []
    for top in (site_root / "site.yaml", site_root / "content", site_root / "themes", package, default_theme_dir()):
        for path, stat in _stats_under(os.fspath(top), follow=True):
            signature = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
            before = known.get(path)
            if not S_ISREG(stat.st_mode):
                file_hash = SPECIAL_FILE  # a pipe's reader waits for a writer: never opened (loading refuses it)
            elif before is not None and before[:4] == signature:
                file_hash = before[4]
            elif hash_as_read and path.startswith(content) and path.lower().endswith(PARSED_SUFFIXES):
                file_hash = None
            else:
                file_hash = _file_hash(path)
            entries.append((path, signature, file_hash))
    return InputScan(json.dumps(conditions, sort_keys=True, ensure_ascii=False).encode(), entries, now)


RACY_NS = 2_000_000_000
# The hash of a file that is not a regular one (a pipe, socket or device), which is not read.
SPECIAL_FILE = "not a regular file"


def _file_hash(path: str) -> str:
    # os calls, not open(): a quarter less time a file (11 us, of 5,000 stories' 0.1 s).
    # Non-blocking: a file made a pipe since it was listed gives what it holds, never a wait.
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return "unreadable"
    try:
        digest = hashlib.blake2b(digest_size=16)
        while chunk := os.read(handle, 1 << 20):
            digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return "unreadable"
    finally:
        os.close(handle)


def _stats_under(top: str, follow: bool):
    """(path, stat) of every file at or under top, in a fixed order."""
    try:
        info = os.stat(top, follow_symlinks=follow)
    except OSError:
        return
    if not S_ISDIR(info.st_mode):
        yield top, info
        return
    stack = [top]
    visited: set[tuple[int, int]] = set()
    while stack:
        folder = stack.pop()
        try:
            folder_stat = os.stat(folder)
            if (folder_stat.st_dev, folder_stat.st_ino) in visited:
                continue  # a symbolic link back up the tree
            visited.add((folder_stat.st_dev, folder_stat.st_ino))
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue
        folders = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=follow):
                    if entry.name not in _SKIPPED_FOLDERS:
                        folders.append(entry.path)
                elif not entry.name.endswith(".pyc"):
                    yield entry.path, entry.stat(follow_symlinks=follow)
            except OSError:
                continue
        stack.extend(reversed(folders))


def output_manifest(output: Path) -> dict[str, list[int]]:
    """Size and modification time of every file in output/: any change to it shows here."""
    root = os.fspath(output)
    return {
        os.path.relpath(path, root).replace(os.sep, "/"): [stat.st_size, stat.st_mtime_ns]
        for path, stat in _stats_under(root, follow=False)
    }


def load_build_record(site_root: Path) -> dict | None:
    try:
        record = json.loads((site_root / CACHE_FOLDER / BUILD_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def save_build_record(site_root: Path, record: dict | None) -> None:
    """Write (or, with None, forget) the record; never fail a build over it."""
    path = site_root / CACHE_FOLDER / BUILD_RECORD
    try:
        if record is None:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(exist_ok=True)
        _replace_file(path, json.dumps(record, sort_keys=True))  # ASCII: names may hold surrogates
    except OSError:
        pass


def _replace_file(path: Path, text: str) -> None:
    """Write text to path in one step: a reader sees the old file or the new, never half."""
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
