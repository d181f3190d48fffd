"""volsite.output.write: the new site is staged beside output/ with the modes the umask
gives, swapped in whole, and the preview's folder is synced by writing only what changed."""

from __future__ import annotations

import os
from pathlib import Path
from stat import S_IMODE

import pytest

from volsite.output import write
from volsite.output.write import MARKER, MARKER_TEXT, Staging, publish, sync_tree
from volsite.problems import UsageError

UMASK = 0o002  # files 0o664, folders 0o775: neither the usual 0o022 nor mkdtemp's 0o700
FILE_MODE, FOLDER_MODE = 0o666 & ~UMASK, 0o777 & ~UMASK


@pytest.fixture
def umask():
    old = os.umask(UMASK)
    try:
        yield UMASK
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return S_IMODE(path.stat().st_mode)


def beside(output: Path) -> list[str]:
    """What else is in output's folder: a build leaves nothing of its own there."""
    return sorted(p.name for p in output.parent.iterdir() if p.name != output.name)


def staged(output: Path, files: dict[str, bytes]) -> Staging:
    staging = Staging(output)
    for rel, data in files.items():
        staging.put(rel, data)
    return staging


# ------------------------------------------------------------------ Staging


def test_put_writes_the_file_beside_output_with_the_umasks_modes(tmp_path, umask):
    output = tmp_path / "site" / "output"
    staging = Staging(output)
    assert staging.folder.parent == output.parent and staging.folder.name.startswith(".output.new-")
    assert (staging.folder / MARKER).read_bytes() == MARKER_TEXT
    data = b"<p>a</p>"
    size, mtime_ns = staging.put("stories/a/index.html", data)
    target = staging.folder / "stories" / "a" / "index.html"
    assert target.read_bytes() == data
    assert (size, mtime_ns) == (len(data), target.stat().st_mtime_ns)
    assert mode(target) == FILE_MODE
    assert mode(staging.folder / "stories") == mode(staging.folder / "stories" / "a") == FOLDER_MODE
    assert not output.exists()  # nothing is in place before publish


def test_copy_copies_the_bytes_but_not_the_sources_mode(tmp_path, umask):
    source = tmp_path / "logo.png"
    source.write_bytes(b"\x89PNG logo")
    source.chmod(0o755)
    staging = Staging(tmp_path / "output")
    size, _ = staging.copy("media/logo.png", source)
    target = staging.folder / "media" / "logo.png"
    assert target.read_bytes() == source.read_bytes() and size == len(b"\x89PNG logo")
    assert mode(target) == FILE_MODE


# ------------------------------------------------------------------ publish


def test_publish_puts_the_first_site_in_place(tmp_path, umask):
    output = tmp_path / "output"
    staging = staged(output, {"index.html": b"home", "a/index.html": b"a"})
    publish(staging.folder, output, umask)
    assert (output / "index.html").read_bytes() == b"home" and (output / "a" / "index.html").read_bytes() == b"a"
    assert (output / MARKER).is_file()
    assert mode(output) == FOLDER_MODE  # not mkdtemp's 0o700: a web server may read it
    assert not staging.folder.exists() and beside(output) == []


@pytest.mark.parametrize("atomic", [True, False], ids=["exchange", "two-renames"])
def test_publish_swaps_the_new_site_in_and_removes_the_old(tmp_path, umask, monkeypatch, atomic):
    if not atomic:  # a system without renameat2's exchange
        monkeypatch.setattr(write, "exchange", lambda a, b: False)
    output = tmp_path / "output"
    first = staged(output, {"same.html": b"same", "changed.html": b"old", "gone/index.html": b"gone"})
    publish(first.folder, output, umask)
    same_inode = (output / "same.html").stat().st_ino
    changed_inode = (output / "changed.html").stat().st_ino

    second = staged(output, {"same.html": b"same", "changed.html": b"new", "added.html": b"added"})
    assert second.previous == output.resolve()
    publish(second.folder, output, umask)

    assert sorted(p.relative_to(output).as_posix() for p in output.rglob("*")) == [
        MARKER,
        "added.html",
        "changed.html",
        "same.html",
    ]
    assert (output / "changed.html").read_bytes() == b"new"
    # An unchanged file is the old one, linked (its time kept for deploy tools); a changed one is new.
    assert (output / "same.html").stat().st_ino == same_inode
    assert (output / "changed.html").stat().st_ino != changed_inode
    assert beside(output) == []  # neither the staging folder nor the old site is left


def test_a_file_written_under_another_umask_is_written_again_not_linked(tmp_path, umask):
    output = tmp_path / "output"
    os.umask(0o022)  # the previous build ran under another umask
    first = staged(output, {"same.html": b"same"})
    publish(first.folder, output, 0o022)
    assert mode(output / "same.html") == 0o644
    old_inode = (output / "same.html").stat().st_ino
    os.umask(UMASK)
    second = staged(output, {"same.html": b"same"})
    publish(second.folder, output, UMASK)
    assert mode(output / "same.html") == FILE_MODE
    assert (output / "same.html").stat().st_ino != old_inode


def test_a_staging_folder_a_killed_build_left_is_cleared_by_the_next(tmp_path, umask):
    output = tmp_path / "output"
    left = staged(output, {"index.html": b"half"}).folder  # never published
    Staging(output)
    assert not left.exists()


# ------------------------------------------------------------------ sync_tree (the preview)


def backdate(folder: Path, seconds: int = 1_000_000_000) -> None:
    """Set every file's time far back, to tell a file written again from one left alone."""
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (seconds, seconds))


def test_sync_tree_writes_only_what_changed_and_removes_stale_files(tmp_path):
    output = tmp_path / "preview"
    css = tmp_path / "style.css"
    css.write_bytes(b"body{}")
    files = {"index.html": b"home", "a/index.html": b"a", "b/index.html": b"b"}
    first = sync_tree(output, files, {"static/style.css": css})
    assert sorted(first) == sorted([*files, "static/style.css"])
    assert (output / "static" / "style.css").read_bytes() == b"body{}"
    assert (output / MARKER).is_file()

    backdate(output)
    assert sync_tree(output, files, {"static/style.css": css}) == []
    assert {p.stat().st_mtime for p in output.rglob("*") if p.is_file() and p.name != MARKER} == {1_000_000_000}

    changed = sync_tree(output, {"index.html": b"home", "a/index.html": b"a2"}, {"static/style.css": css})
    assert changed == ["b/index.html", "a/index.html"]  # removed first, then written
    assert not (output / "b").exists()  # its folder, now empty, goes too
    assert (output / "a" / "index.html").read_bytes() == b"a2"
    assert (output / "index.html").stat().st_mtime == 1_000_000_000  # left alone


def test_sync_tree_leaves_the_kept_prefixes_alone(tmp_path):
    output = tmp_path / "preview"
    sync_tree(output, {"index.html": b"home"}, {})
    index = output / "pagefind" / "index" / "part.pf"
    index.parent.mkdir(parents=True)
    index.write_bytes(b"search index")
    (output / "stale.html").write_bytes(b"stale")
    changed = sync_tree(output, {"index.html": b"home"}, {}, keep=("pagefind/",))
    assert changed == ["stale.html"]
    assert index.read_bytes() == b"search index"
    # Without the prefix kept, the index is a stale file like any other.
    assert sync_tree(output, {"index.html": b"home"}, {}) == ["pagefind/index/part.pf"]


def test_sync_tree_refuses_a_folder_volsite_did_not_write(tmp_path):
    output = tmp_path / "someone-elses"
    output.mkdir()
    (output / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="not written by volsite"):
        sync_tree(output, {"index.html": b"home"}, {})
    assert [p.name for p in output.iterdir()] == ["notes.txt"]
