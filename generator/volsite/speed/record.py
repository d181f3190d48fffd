"""The record of the last build, SITE/.volsite-cache/last-build.json: the digest of everything
a build reads, the size and time of every file it left in output/, and the days whose site it
made (a new day can make another: an activity held, a posting ended), so that a build with
nothing to do is recognised and does nothing."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISDIR, S_ISREG

from .. import __version__
from ..bindings import cmark
from ..bindings.pagefind import version as search_tool_version
from ..config import load_config
from ..digests import hasher
from ..output.search import SEARCH_FOLDER
from ..output.write import CACHE_FOLDER
from ..pipeline import today_at
from ..problems import Problem, Problems
from ..read.files import FileRead
from ..render.theme import default_theme_dir

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
        digest = hasher()
        digest.update(self.conditions)
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


# The content files a build reads as it parses them (kinds.content hashes them as it reads them).
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
        digest = hasher()
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


@dataclass(frozen=True)
class LastBuild:
    pages: int
    files: int
    warnings: list[Problem]


class BuildRecord:
    """The record of the last build of a site into `output`, with `options`: whether nothing
    has changed since, and the new record once a build is done."""

    def __init__(self, site_root: Path, output: Path, options: dict, moment: int | None = None) -> None:
        """`moment`: what the build is for (pipeline.clock_reading); None: whatever day it is."""
        self.site_root, self.output, self.options = site_root, output, options
        drafts, base_url = options.get("drafts") or None, options.get("base_url")
        config = load_config(site_root, Problems(), drafts=drafts, base_url=base_url)
        self.search = config.search
        self.today = None if moment is None else today_at(moment, config.timezone)
        self._last = load_build_record(site_root)
        self._scan: InputScan | None = None
        self._inputs: tuple[str, dict[str, list]] | None = None

    @property
    def known_files(self) -> dict[str, list]:
        """The last build's files: path → [size, mtime, ctime, inode, hash] (none changed since
        it was recorded within seconds of its last change: inputs_digest's racy rule)."""
        known = (self._last or {}).get("input_files")
        return known if isinstance(known, dict) else {}

    def unchanged(self) -> LastBuild | None:
        """What the last build made, if everything it read is as it was and output/ is as it left it."""
        last = self._last
        if last is None:
            # Nothing to compare with: the content files loading parses are hashed as it reads them.
            self._scan = scan_inputs(self.site_root, self.output, self.options, None, self.search, hash_as_read=True)
            return None
        self._inputs = inputs_digest(self.site_root, self.output, self.options, last.get("input_files"), self.search)
        if last.get("inputs") != self._inputs[0] or not self.output.is_dir():
            return None
        if last.get("manifest") != output_manifest(self.output):
            return None
        if not _among(self.today, last.get("alike")):
            return None  # a new day that makes another site: an activity held, a posting ended
        try:
            return LastBuild(last["pages"], last["files"], [Problem.from_kept(w) for w in last["warnings"]])
        except (KeyError, TypeError):
            return None  # a record from an older volsite: build

    def forget(self) -> None:
        save_build_record(self.site_root, None)

    def save(
        self,
        reads: dict[str, FileRead],
        written: dict[str, tuple[int, int]],
        pages: int,
        files: int,
        warnings: list[Problem],
        alike: tuple[dt.date | None, dt.date | None] = (None, None),
    ) -> None:
        """The record of the build just published: `reads` is what it read of each content
        file (by path relative to the site), `written` the size and time of each file it wrote,
        `alike` the first and last days whose site it made (pipeline.Site.alike)."""
        if self._scan is not None:
            inputs, input_files = self._scan.digest(
                {os.fspath(self.site_root / rel): read for rel, read in reads.items()}
            )
        else:
            assert self._inputs is not None, "unchanged() was not asked"
            inputs, input_files = self._inputs
        # What was written is known; only the search index's files are listed from disk.
        manifest = {rel: list(entry) for rel, entry in written.items()}
        manifest.update(
            (f"{SEARCH_FOLDER}/{rel}", entry) for rel, entry in output_manifest(self.output / SEARCH_FOLDER).items()
        )
        save_build_record(
            self.site_root,
            {
                "inputs": inputs,
                "input_files": input_files,
                "manifest": dict(sorted(manifest.items())),
                "pages": pages,
                "files": files,
                "warnings": [w.kept() for w in warnings],
                "alike": [None if day is None else day.isoformat() for day in alike],
            },
        )


def _among(today: dt.date | None, alike: object) -> bool:
    """Whether `today` is among the days a record says make its site ([first, last], ISO dates,
    None for no end). A record without them (an older volsite's) says nothing: build."""
    if today is None:
        return True  # (a record asked with no day: the caller builds whatever day it is)
    if not isinstance(alike, list) or len(alike) != 2:
        return False
    try:
        first, last = (None if day is None else dt.date.fromisoformat(day) for day in alike)
    except (TypeError, ValueError):
        return False
    return (first is None or first <= today) and (last is None or today <= last)
