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

import json
import os
import subprocess
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..bindings.pagefind import MERGED_UNUSED, UNUSED, FormatError, binary, is_complete, normalise
from ..bindings.pagefind import version as pagefind_version
from ..bindings.process import ending_with_this_process
from ..digests import digest, hasher
from ..messages import Message, say
from ..seams import Store
from .write import copy_folder, remove_folder, replace_folder

SEARCH_FOLDER = "pagefind"
BODY_MARK = b"data-pagefind-body"
# Pagefind's globs (the wax crate): these are read as more than a letter unless escaped,
# and these cannot be matched as letters at all (a name holding one is matched by *).
DEFAULT_GLOB = "**/*.{html}"
# Pagefind indexes on one core and holds every page it reads until it writes the index
# (~0.3 MB a long Chinese story): a large site's pages are indexed in parts, by as many
# Pagefinds at once as there are cores, each holding only its part; the search page
# merges them (Pagefind's mergeIndex). Parts hold at least PART_PAGES pages.
PART_PAGES = 500
MAX_PARTS = 8
PART_PREFIX = "part-"
PARTS_FILE = "parts.json"  # the parts the search page merges into the first: {"parts": ["part-2/"]}
INDEX_LAYOUT = f"parts of {PART_PAGES}+ pages, at most {MAX_PARTS}"  # a cached index of another layout is not reused
# A part's glob is one command-line argument, and Linux takes at most 128 KiB in one;
# names that need a longer glob (never seen: it takes thousands of odd names) get one part.
MAX_GLOB = 100_000
GLOB_ESCAPE = set("*?()[]{},")
GLOB_UNMATCHABLE = set(":<>\\")


class SearchError(Exception):
    """The search index could not be made (Pagefind missing or failing): why, and what to do
    (`said`, in English as str())."""

    def __init__(self, said: Message):
        super().__init__(said)
        self.said = said

    def __str__(self) -> str:
        return str(self.said)


def pagefind_binary() -> str:
    try:
        return binary()
    except FormatError as exc:  # (binary's one: not installed)
        raise SearchError(
            say(
                "V620",
                "Pagefind, which makes the search index, is not installed: install it (pip install "
                "'pagefind[extended]'), or set 'search: false' in site.yaml to build without search",
            )
        ) from exc


# The store's shelf of index parts made earlier: a folder by the digest of what it was made of
# (part_key). A build in which a story changed makes again only the part that holds it
# (Pagefind's time goes with the pages it reads: 33 s for a city's).
SEARCH_PARTS = "search parts"


def part_key(pages: list[str], first: bool, page_digests: Mapping[str, bytes]) -> str | None:
    """What a part of the index is made of: Pagefind's version, the index's layout, whether it
    is the first part (which carries the code the others are read with), and each page's
    bytes (by page_digest); None when a page's bytes are not known."""
    digest = hasher()
    digest.update(f"{pagefind_version()}\0{INDEX_LAYOUT}\0{'first' if first else 'merged'}".encode())
    for rel in sorted(pages):
        page = page_digests.get(rel)
        if not page:
            return None
        digest.update(b"\0" + rel.encode("utf-8", "surrogatepass") + b"\0" + page)
    return digest.hexdigest()


def page_digest(data: bytes) -> bytes:
    return digest(data)


def index_folder(
    folder: Path,
    work: Path | None = None,
    pages: list[str] | None = None,
    workers: int | None = None,
    store: Store | None = None,
    page_digests: Mapping[str, bytes] | None = None,
) -> int:
    """Write folder/pagefind/ for the HTML pages in folder, replacing any earlier index.

    The new index is made in `work` (default: folder itself), which must be on the
    same file system; the preview server keeps it out of the folder it is syncing.
    `pages` are the searchable ones (`searchable_pages`) if the caller knows them;
    otherwise the folder's pages are read to find them. A large site's index is made
    in parts (`part_plan`), up to `workers` (default: every core) at once. With a `store`
    and the `page_digests` of the pages, a part whose pages are all as they were is taken
    from the store, and each new one put there. How many parts Pagefind made (the others
    were kept).
    """
    fresh = (work or folder) / f".{SEARCH_FOLDER}-new"
    remove_folder(fresh)
    chosen = pages if pages is not None else searchable_pages(_pages_in(folder))
    parts = part_count(len(chosen))
    plan = (part_plan(chosen, parts, _sizes(folder, chosen)) if parts > 1 else None) or [(pages_glob(chosen), chosen)]
    bundles = [fresh] + [fresh.with_name(f"{fresh.name}-{number}") for number in range(2, len(plan) + 1)]
    for bundle in bundles[1:]:
        remove_folder(bundle)
    try:
        keys = [
            part_key(part, number == 1, page_digests) if store is not None and page_digests is not None else None
            for number, (_glob, part) in enumerate(plan, 1)
        ]
        found = [_kept(store, key, number == 1) for number, key in enumerate(keys, 1)]
        for bundle, earlier in zip(bundles, found):
            if earlier is not None:
                copy_folder(earlier, bundle)
        jobs = [(bundle, glob) for bundle, (glob, _part), earlier in zip(bundles, plan, found) if earlier is None]
        with ThreadPoolExecutor(max(1, min(len(jobs), workers or os.cpu_count() or 1))) as pool:
            failures = [failure for failure in pool.map(lambda job: _run_pagefind(folder, *job), jobs) if failure]
        if failures:
            raise SearchError(failures[0])
        for number, (bundle, key, earlier) in enumerate(zip(bundles, keys, found), 1):
            if earlier is None:
                try:
                    normalise(bundle)
                except FormatError as exc:
                    raise SearchError(
                        say(
                            "V623",
                            "the search index Pagefind made cannot be read ({error}): build again; if it happens "
                            "again, install volsite again (it brings the Pagefind it reads), or set 'search: false' "
                            "in site.yaml to build without search",
                            error=exc,
                        )
                    ) from exc
                for name in UNUSED + (MERGED_UNUSED if number > 1 else ()):
                    (bundle / name).unlink(missing_ok=True)
                if store is not None and key is not None:
                    store.put(SEARCH_PARTS, {key: bundle})
            if number > 1:
                bundle.rename(fresh / f"{PART_PREFIX}{number}")
        parts = [f"{PART_PREFIX}{number}/" for number in range(2, len(bundles) + 1)]
        (fresh / PARTS_FILE).write_text(json.dumps({"parts": parts}) + "\n", encoding="utf-8")
    except BaseException:
        for bundle in bundles:
            remove_folder(bundle)
        raise
    replace_folder(fresh, folder / SEARCH_FOLDER)
    return len(jobs)


def _kept(store: Store | None, key: str | None, first: bool) -> Path | None:
    kept = store.get(SEARCH_PARTS, key) if store is not None and key is not None else None
    return kept if kept is not None and is_complete(kept, first) else None


def _run_pagefind(site: Path, output: Path, glob: str) -> Message | None:
    """Run Pagefind on the pages of `site` that `glob` matches; why it failed, or None."""
    try:
        command = [pagefind_binary(), "--site", str(site), "--output-path", str(output), "--silent", "--glob", glob]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=600, preexec_fn=ending_with_this_process()
        )
    except SearchError as exc:
        return exc.said
    except (OSError, subprocess.TimeoutExpired) as exc:
        return say(
            "V621",
            "Pagefind, which makes the search index, did not run ({error}): build again; if it happens again, set "
            "'search: false' in site.yaml to build without search",
            error=exc,
        )
    if done.returncode != 0:
        return say(
            "V622",
            "Pagefind failed to make the search index ({error}): build again; if it happens again, set 'search: "
            "false' in site.yaml to build without search, and send this message to volsite's developers",
            error=(done.stderr or done.stdout).strip()[:2000],
        )
    return None


def _sizes(folder: Path, pages: list[str]) -> dict[str, int]:
    sizes = {}
    for rel in pages:
        try:
            sizes[rel] = os.stat(folder / rel).st_size
        except OSError:
            sizes[rel] = 0
    return sizes


def part_count(pages: int) -> int:
    """How many parts to index `pages` searchable pages in: a function of the content
    alone, so that the same site gives the same index on any machine."""
    parts = 1
    while parts < MAX_PARTS and pages >= 2 * parts * PART_PAGES:
        parts *= 2
    return parts


def part_plan(
    pages: list[str], parts: int, sizes: Mapping[str, int] | None = None
) -> list[tuple[str, list[str]]] | None:
    """The parts to index `pages` in: each part's Pagefind glob and the pages it matches.
    Together the globs match each of `pages` exactly once (and no other page of the same
    shape outside its part). None when one part will do or a page's name cannot be
    matched literally.

    The pages, ordered by shape (as in pages_glob) and then by the folders that vary
    in it, are cut into runs of about equal bytes (by `sizes`; of equal length without):
    Pagefind's time goes with the text it reads, and a city's activity pages are ten
    times the size of its profiles. A run of one shape is matched by the shortest
    prefixes of those folders that no page outside the run shares.
    """
    if parts < 2 or len(pages) < parts:
        return None
    shaped = []
    for rel in pages:
        if GLOB_UNMATCHABLE & set(rel):
            return None
        *folders, name = rel.split("/")
        first = folders[0] if folders else None
        shaped.append(((first is None, first or "", len(folders), name), "/".join(folders[1:]), rel))
    shaped.sort()
    middles: dict[tuple, list[str]] = {}
    for shape, middle, _rel in shaped:
        middles.setdefault(shape, []).append(middle)
    starts, position = {}, 0
    for shape, found in middles.items():
        starts[shape] = position
        position += len(found)
    cuts = _cuts([max(1, sizes.get(rel, 0)) if sizes else 1 for _shape, _middle, rel in shaped], parts)
    plan = []
    for begin, end in zip(cuts, cuts[1:]):
        terms = []
        for shape, found in middles.items():
            low, high = max(begin - starts[shape], 0), min(end - starts[shape], len(found))
            if low < high:
                terms += [_part_term(shape, prefix, whole) for prefix, whole in _prefix_cover(found, low, high)]
        plan.append(
            (
                terms[0] if len(terms) == 1 else "{" + ",".join(terms) + "}",
                [rel for _shape, _middle, rel in shaped[begin:end]],
            )
        )
    if max(len(glob) for glob, _pages in plan) > MAX_GLOB:
        return None
    return plan


def _cuts(weights: list[int], parts: int) -> list[int]:
    """Where to cut items of these weights (at least `parts` of them) into `parts` runs
    of about equal weight, none empty: [0, ..., len(weights)]."""
    total, cuts, reached = sum(weights), [0], 0
    for index in range(1, len(weights)):
        reached += weights[index - 1]
        needed = parts - len(cuts)
        if not needed:
            break
        # cut before the item if most of it lies past the next mark, or if every item
        # left must start a run of its own
        if reached + weights[index] / 2 >= total * len(cuts) / parts or len(weights) - index <= needed:
            cuts.append(index)
    return cuts + [len(weights)]


def _prefix_cover(names: list[str], low: int, high: int) -> list[tuple[str, bool]]:
    """(prefix, is a whole name) pairs matching names[low:high] of the sorted, distinct
    `names` and none of the others: a prefix stands for every name starting with it."""
    cover: list[tuple[str, bool]] = []

    def walk(first: int, last: int, length: int) -> None:  # names[first:last] share length chars
        if last <= low or first >= high:
            return
        prefix = names[first][:length]
        if low <= first and last <= high:
            cover.append((prefix, first + 1 == last and len(names[first]) == length))
            return
        if len(names[first]) == length:  # the prefix is itself a name (sorted first)
            if low <= first < high:
                cover.append((prefix, True))
            first += 1
        while first < last:
            letter, stop = names[first][length], first
            while stop < last and names[stop][length] == letter:
                stop += 1
            walk(first, stop, length + 1)
            first = stop

    walk(0, len(names), 0)
    return cover


def _part_term(shape: tuple, prefix: str, whole: bool) -> str:
    top_level, first, folders, name = shape
    head = "" if top_level else _glob_literal(first, "") + "/"
    if folders <= 1:
        return head + _glob_literal(name, "")
    middle = _glob_literal(prefix, "")
    if not whole:
        middle += "*" + "/*" * (folders - 2 - prefix.count("/"))
    return head + middle + "/" + _glob_literal(name, "")


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
    return read_pages(folder)[0]


def read_pages(
    folder: Path, digest: Callable[[bytes], bytes] | None = None
) -> tuple[dict[str, bool], dict[str, bytes]]:
    """The HTML pages in folder (not the index's own): whether each is_marked, and with
    `digest` what it makes of each page's bytes."""
    marks, digests = {}, {}
    for path in folder.rglob("*.html"):
        rel = path.relative_to(folder).as_posix()
        if not rel.startswith((".", SEARCH_FOLDER + "/")) and path.is_file():
            data = path.read_bytes()
            marks[rel] = is_marked(data)
            if digest is not None:
                digests[rel] = digest(data)
    return marks, digests
