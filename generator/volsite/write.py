"""The only code that touches output/: the whole site is written beside it, then swapped in.

A build that fails or is interrupted leaves the previous output/ as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from .problems import UsageError

MARKER = ".volsite-output"
MARKER_TEXT = b"This folder is written by volsite build; it is replaced on every build.\n"


def check_output_dir(site_root: Path, output: Path) -> None:
    """Refuse an output folder whose replacement would destroy something else."""
    site = site_root.resolve()
    out = output.resolve()
    home = Path.home().resolve()
    forbidden = {site: "the site folder itself", site / "content": "the content folder",
                 site / "themes": "the themes folder", Path(out.anchor): "the root of the disk",
                 home: "your home folder"}
    if out in forbidden:
        raise UsageError(f"refusing to write the site to {output}: it is {forbidden[out]}")
    if out in site.parents:
        raise UsageError(f"refusing to write the site to {output}: it holds the site folder")
    for inner in ("content", "themes"):
        if (site / inner) in out.parents:
            raise UsageError(f"refusing to write the site to {output}: it is inside {inner}/")
    if out.exists():
        if not out.is_dir():
            raise UsageError(f"refusing to write the site to {output}: it is a file")
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise UsageError(f"refusing to replace {output}: it is not empty and was not written by "
                             "volsite; remove it or choose another output folder")


def write_site(output: Path, files: dict[str, bytes], copies: dict[str, Path],
               finish: Callable[[Path], None] | None = None) -> None:
    """Write `files` (path → bytes) and `copies` (path → source file) as the new output/.

    `finish` runs on the complete new folder before it replaces the old one (the search index).
    """
    parent = output.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=parent))
    try:
        made: set[Path] = set()
        for rel, source in sorted(copies.items()):
            target = staging / rel
            _ensure_dir(target.parent, made)
            shutil.copyfile(source, target)
        for rel, data in sorted(files.items()):
            target = staging / rel
            _ensure_dir(target.parent, made)
            target.write_bytes(data)
        (staging / MARKER).write_bytes(MARKER_TEXT)
        if finish is not None:
            finish(staging)
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _ensure_dir(path: Path, made: set[Path]) -> None:
    if path not in made:
        path.mkdir(parents=True, exist_ok=True)
        made.add(path)


def _swap(staging: Path, output: Path) -> None:
    if not output.exists():
        os.rename(staging, output)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    os.rename(output, retired / "site")
    os.rename(staging, output)
    shutil.rmtree(retired, ignore_errors=True)


def sync_tree(output: Path, files: dict[str, bytes], copies: dict[str, Path],
              keep: tuple[str, ...] = ()) -> list[str]:
    """Bring `output` to exactly `files` and `copies`, writing only what changed.

    For the preview server, where the folder is volsite's own (a fresh temporary
    folder, or one it marked): unchanged files keep their bytes and times, stale
    files are removed. Returns the paths written or removed.
    """
    output.mkdir(parents=True, exist_ok=True)
    if any(output.iterdir()) and not (output / MARKER).is_file():
        raise UsageError(f"refusing to update {output}: it was not written by volsite")
    (output / MARKER).write_bytes(MARKER_TEXT)
    changed: list[str] = []
    wanted = set(files) | set(copies) | {MARKER}
    for path in sorted(output.rglob("*"), reverse=True):
        rel = path.relative_to(output).as_posix()
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif rel not in wanted and not rel.startswith(keep):
            path.unlink()
            changed.append(rel)
    for rel, data in sorted(files.items()):
        target = output / rel
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            changed.append(rel)
    for rel, source in sorted(copies.items()):
        target = output / rel
        if not target.is_file() or target.stat().st_size != source.stat().st_size \
                or target.read_bytes() != source.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            changed.append(rel)
    return changed


def new_preview_folder() -> Path:
    """A fresh private folder for the preview server's copy of the site."""
    return Path(tempfile.mkdtemp(prefix="volsite-serve-"))


def remove_preview_folder(folder: Path) -> None:
    remove_folder(folder)


def copy_folder(source: Path, target: Path) -> None:
    """A copy of `source` at `target`, replacing what was there (for the search index cache).

    Files are hard-linked where both sides are on one disk: the search index is
    thousands of small files that are never changed in place, only replaced.
    """
    partial = target.with_name(f".{target.name}.copy")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        shutil.copytree(source, partial, copy_function=os.link)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(source, partial)
    shutil.rmtree(target, ignore_errors=True)
    os.rename(partial, target)


def remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def replace_folder(new: Path, old: Path) -> None:
    """Put `new` where `old` is (inside a folder being built or the preview's own)."""
    shutil.rmtree(old, ignore_errors=True)
    os.rename(new, old)
