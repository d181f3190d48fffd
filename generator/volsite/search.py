"""The search index: Pagefind (its extended build, which segments Chinese) run on a
built folder before it is published.

Pagefind reads only the parts of pages marked data-pagefind-body, so what is
searchable is decided in the templates; hidden volunteers' names never reach a
page, so they never reach the index.

volsite's output must be byte-identical for the same content, and Pagefind's is
not: the values inside each filter file, the list of filters in the meta file
and the keys of the entry file come out in hash-map order. `normalise` sorts
them and renames the rewritten files by their new content, as Pagefind does.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
from collections.abc import Mapping
from pathlib import Path

import cbor2

from .write import remove_folder, replace_folder

SEARCH_FOLDER = "pagefind"
ENTRY_FILE = "pagefind-entry.json"
SIGNATURE = b"pagefind_dcd"  # every Pagefind data file starts with it, after gzip
# Pagefind's ready-made interfaces: volsite's search page uses the search API in
# pagefind.js instead (a labelled form, its own look), and these files carry their
# translators' e-mail addresses, which a privacy scan of the site rightly flags.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")
META_FILTERS = 3  # the meta file is [version, pages, index chunks, filters, sorts, meta fields]
BODY_MARK = b"data-pagefind-body"
# Pagefind's globs (the wax crate): these are read as more than a letter unless escaped,
# and these cannot be matched as letters at all (a name holding one is matched by *).
DEFAULT_GLOB = "**/*.{html}"
GLOB_ESCAPE = set("*?()[]{},")
GLOB_UNMATCHABLE = set(":<>\\")


class SearchError(Exception):
    """The search index could not be made (Pagefind missing or failing)."""


def pagefind_binary() -> str:
    try:
        from pagefind_bin_extended import get_executable  # the build that segments Chinese
    except ImportError as exc:
        raise SearchError("Pagefind is not installed: pip install 'pagefind[extended]', "
                          "or set 'search: false' in site.yaml") from exc
    return str(get_executable())


def index_folder(folder: Path, work: Path | None = None, pages: list[str] | None = None) -> None:
    """Write folder/pagefind/ for the HTML pages in folder, replacing any earlier index.

    The new index is made in `work` (default: folder itself), which must be on the
    same file system; the preview server keeps it out of the folder it is syncing.
    `pages` are the searchable ones (`searchable_pages`) if the caller knows them;
    otherwise the folder's pages are read to find them.
    """
    fresh = (work or folder) / f".{SEARCH_FOLDER}-new"
    remove_folder(fresh)
    chosen = pages if pages is not None else searchable_pages(_pages_in(folder))
    command = [pagefind_binary(), "--site", str(folder), "--output-path", str(fresh), "--silent",
               "--glob", pages_glob(chosen)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchError(f"Pagefind did not run: {exc}") from exc
    if done.returncode != 0:
        remove_folder(fresh)
        raise SearchError(f"Pagefind failed: {(done.stderr or done.stdout).strip()[:2000]}")
    normalise(fresh)
    for name in UNUSED:
        (fresh / name).unlink(missing_ok=True)
    replace_folder(fresh, folder / SEARCH_FOLDER)


def searchable_pages(marked: Mapping[str, bool]) -> list[str]:
    """The HTML pages Pagefind will index, of path → whether the page is_marked.

    Pagefind's rule: once any page marks a part of itself data-pagefind-body, pages
    without that mark are left out.
    """
    html = sorted(rel for rel in marked if rel.endswith(".html"))
    return [rel for rel in html if marked[rel]] or html


def is_marked(data: bytes) -> bool:
    """Whether a page marks its searchable part. One that merely mentions the attribute
    in its text counts too, and Pagefind decides."""
    return BODY_MARK in data


def pages_glob(pages: list[str]) -> str:
    """A Pagefind --glob for the folder that matches every one of `pages` and few others.

    Pagefind parses and segments every page its glob matches and holds the result to
    the end, even those its rule will then leave out: on a city's site the hours
    statements are half the HTML, and half Pagefind's time. Each page is generalised
    to its shape (first folder, one * per folder below it, file name), so the glob
    stays short however many pages there are. A shape shared with pages that are not
    searchable (honors/*/index.html) lets those in too; Pagefind's rule drops them, so
    the index is the same as without a glob, only made faster.
    """
    if not pages:
        return DEFAULT_GLOB
    shapes = set()
    for rel in pages:
        *folders, name = rel.split("/")
        shape = [_glob_literal(folders[0], "*")] + ["*"] * (len(folders) - 1) if folders else []
        shapes.add("/".join(shape + [_glob_literal(name, "*.html")]))
    ordered = sorted(shapes)
    return ordered[0] if len(ordered) == 1 else "{" + ",".join(ordered) + "}"


def _glob_literal(name: str, unmatchable: str) -> str:
    """`name` as a glob matching only itself, or `unmatchable` (a wider one) if it cannot be."""
    if GLOB_UNMATCHABLE & set(name):
        return unmatchable
    return "".join("\\" + c if c in GLOB_ESCAPE else c for c in name)


def _pages_in(folder: Path) -> dict[str, bool]:
    pages = {}
    for path in folder.rglob("*.html"):
        rel = path.relative_to(folder).as_posix()
        if not rel.startswith((".", SEARCH_FOLDER + "/")) and path.is_file():
            pages[rel] = is_marked(path.read_bytes())
    return pages


def _read(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise SearchError(f"{path.name} is not a Pagefind file this volsite understands")
    return cbor2.loads(data[len(SIGNATURE):])


def _write(folder: Path, name: str, suffix: str, value, digits: int) -> str:
    """Write value as a Pagefind file named by its content; return the name's hash part."""
    blob = SIGNATURE + cbor2.dumps(value)
    name = f"{name}_{hashlib.sha256(blob).hexdigest()[:digits]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(blob, mtime=0))
    return name


def normalise(bundle: Path) -> None:
    """Put Pagefind's hash-map orders in sorted order, so that equal content gives equal bytes."""
    entry_path = bundle / ENTRY_FILE
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        filters = []
        for filter_name, old in meta[META_FILTERS]:
            old_path = bundle / "filter" / f"{old}.pf_filter"
            content = _read(old_path)
            content[1].sort(key=lambda pair: pair[0])  # [name, [[value, [pages]], ...]]
            old_path.unlink()
            filters.append([filter_name, _write(bundle / "filter", language, ".pf_filter", content, 7)])
        meta[META_FILTERS] = sorted(filters)
        meta_path.unlink()
        info["hash"] = _write(bundle, f"pagefind.{language}", ".pf_meta", meta, 13).removeprefix("pagefind.")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                          encoding="utf-8")
