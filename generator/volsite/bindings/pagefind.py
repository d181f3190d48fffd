"""Pagefind (its extended build, which segments Chinese) and the layout of the index files
it writes, which volsite reads and rewrites: Pagefind's output is not the same bytes for the
same pages (filters and keys in hash-map order), so `normalise` sorts them; `is_complete`
checks a kept part before it is reused. Pinned in pyproject.toml (pagefind <1.6);
tests/unit/test_bindings.py fails, naming Pagefind, if an upgrade changes this layout."""

from __future__ import annotations

import gzip
import hashlib
import json
from functools import cache
from pathlib import Path

import cbor2


class FormatError(Exception):
    """A file that is not laid out as this module knows Pagefind's."""


ENTRY_FILE = "pagefind-entry.json"
SIGNATURE = b"pagefind_dcd"  # every Pagefind data file starts with it, after gzip
META_PAGES, META_CHUNKS, META_FILTERS = (
    1,
    2,
    3,
)  # the meta file is [version, pages, index chunks, filters, sorts, meta fields]
# Pagefind's ready-made interfaces: volsite's search page uses the search API in
# pagefind.js instead (a labelled form, its own look), and these files carry their
# translators' e-mail addresses, which a privacy scan of the site rightly flags.
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
)
# A merged part is read with the first part's code and WebAssembly.
MERGED_UNUSED = ("pagefind.js", "pagefind-worker.js", "pagefind-highlight.js")


@cache
def version() -> str:
    """The installed Pagefind's version, or "unknown" (a digest made with it then never
    matches one made with a known version)."""
    try:
        from importlib.metadata import version as installed  # (12 ms to load: only when asked)

        return installed("pagefind_bin_extended")
    except Exception:  # noqa: BLE001
        return "unknown"


def binary() -> str:
    try:
        from pagefind_bin_extended import get_executable  # the build that segments Chinese
    except ImportError as exc:
        raise FormatError(
            "Pagefind is not installed: pip install 'pagefind[extended]', or set 'search: false' in site.yaml"
        ) from exc
    return str(get_executable())


def _read(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise FormatError(f"{path.name} is not a Pagefind file this volsite understands")
    return cbor2.loads(data[len(SIGNATURE) :])


def _write(folder: Path, name: str, suffix: str, value, digits: int) -> str:
    """Write value as a Pagefind file named by its content; return the name's hash part."""
    blob = SIGNATURE + cbor2.dumps(value)
    digest = hashlib.sha256(blob).hexdigest()
    packed = gzip.compress(blob, mtime=0)
    while True:  # a longer name where another file's name begins the same (as Pagefind does)
        path = folder / f"{name}_{digest[:digits]}{suffix}"
        if not path.exists() or path.read_bytes() == packed or digits >= len(digest):
            break
        digits += 1
    path.write_bytes(packed)
    return f"{name}_{digest[:digits]}"


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
    entry_path.write_text(
        json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8"
    )


def is_complete(bundle: Path, first: bool = False) -> bool:
    """Whether every file a bundle's entry and meta files name is there, and in the first
    part the code the others are read with (a kept copy that lost a file would be
    published as a search that fails)."""
    try:
        entry = json.loads((bundle / ENTRY_FILE).read_text(encoding="utf-8"))
        named = [bundle / name for name in MERGED_UNUSED if first and name not in UNUSED]
        for info in entry["languages"].values():
            meta = _read(bundle / f"pagefind.{info['hash']}.pf_meta")
            named += [bundle / "index" / f"{chunk[2]}.pf_index" for chunk in meta[META_CHUNKS]]
            named += [bundle / "filter" / f"{name}.pf_filter" for _filter, name in meta[META_FILTERS]]
            named += [bundle / "fragment" / f"{page[0]}.pf_fragment" for page in meta[META_PAGES]]
            if not all(path.is_file() for path in named):
                return False
    except (OSError, ValueError, KeyError, TypeError, IndexError, FormatError, EOFError):
        return False
    return True
