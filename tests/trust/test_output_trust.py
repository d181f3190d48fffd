"""Issue 15, hostile testing of what a build does outside its content: the output folder
as deploys set it up (a symbolic link to the web root), a build killed alone, the modes
of what it publishes, and a theme's links. Each is checked on a small site built with
the real command line."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import tree_digest
from trustsite import fresh_site, run_cli
from volsite.write import MARKER

STORY = "content/stories/2024-03-05-clinic.md"


def leftovers(*folders: Path) -> list[str]:
    """Staging or retired folders (or links) a build left beside its output."""
    return sorted(p.name for folder in folders for p in folder.iterdir() if ".new-" in p.name or ".old-" in p.name)


def edit_story(root: Path, text: str) -> None:
    story = root / STORY
    story.write_text(story.read_text(encoding="utf-8").replace("正文。", text), encoding="utf-8")


def built(root: Path, *args: str) -> subprocess.CompletedProcess:
    result = run_cli("build", str(root), *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


# ---------------------------------------------------------------- a symlinked output/


@pytest.fixture
def linked_site():
    """A site whose output/ is a link to a web root elsewhere, beside which something else lives."""
    with fresh_site({}) as root:
        srv = root.parent / "srv"
        (srv / "www").mkdir(parents=True)
        (srv / "other-site").mkdir()
        (srv / "other-site/index.html").write_text("another site", encoding="utf-8")
        (srv / "notes.txt").write_text("not volsite's", encoding="utf-8")
        os.symlink(srv / "www", root / "output")
        yield root, srv


def others_in(srv: Path) -> dict[str, str]:
    return {p.relative_to(srv).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(srv.rglob("*")) if p.is_file() and not p.is_relative_to(srv / "www")}


def test_a_symlinked_output_stays_a_link_and_its_target_holds_the_new_site(linked_site):
    root, srv = linked_site
    link = os.readlink(root / "output")
    others = others_in(srv)
    built(root)
    assert (srv / "www" / MARKER).is_file() and (srv / "www/index.html").is_file()
    edit_story(root, "今天来了一百二十位村民。")
    built(root)
    assert (root / "output").is_symlink() and os.readlink(root / "output") == link
    page = next((srv / "www/stories").rglob("index.html"), None)
    assert any("今天来了一百二十位村民" in p.read_text(encoding="utf-8") for p in (srv / "www").rglob("*.html")), page
    assert leftovers(root, srv) == []
    assert sorted(p.name for p in srv.iterdir()) == ["notes.txt", "other-site", "www"]
    assert others_in(srv) == others


def test_through_a_link_an_unchanged_site_is_not_built_again_and_unchanged_files_are_reused(linked_site):
    root, srv = linked_site
    built(root)
    style = next((srv / "www").rglob("style.css"))
    before = style.stat()
    assert "nothing changed since the last build" in built(root).stdout
    edit_story(root, "新的一段。")
    assert "nothing changed" not in built(root).stdout
    after = next((srv / "www").rglob("style.css")).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # linked, not written again
    assert (root / "output").is_symlink() and leftovers(root, srv) == []


def test_a_link_to_a_missing_folder_gets_the_folder_and_stays_a_link(linked_site):
    root, srv = linked_site
    shutil.rmtree(srv / "www")
    built(root)
    assert (root / "output").is_symlink() and (srv / "www" / MARKER).is_file()
    assert leftovers(root, srv) == []


def test_a_link_to_a_folder_volsite_did_not_write_is_refused(linked_site):
    root, srv = linked_site
    (srv / "www/index.html").write_text("hand-made", encoding="utf-8")
    result = run_cli("build", str(root))
    assert result.returncode == 2 and "was not written by volsite" in result.stderr
    assert (srv / "www/index.html").read_text(encoding="utf-8") == "hand-made"
    assert (root / "output").is_symlink() and leftovers(root, srv) == []


def _forbid_writing(folder: Path) -> bool:
    """Make folder one this user may not add to; False if that cannot be done here."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return True
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)  # root may write anywhere else
    return done.returncode == 0 and not os.access(folder, os.W_OK)


def _allow_writing(folder: Path) -> None:
    if os.geteuid() != 0:
        folder.chmod(0o755)
    else:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)


def test_a_link_whose_target_lies_in_a_folder_volsite_may_not_write_is_refused_first(linked_site):
    root, srv = linked_site
    built(root)
    before = tree_digest(srv)
    if not _forbid_writing(srv):
        pytest.skip("cannot make a folder unwritable here (root, without chattr)")
    try:
        edit_story(root, "新的一段。")
        result = run_cli("build", str(root))
    finally:
        _allow_writing(srv)
    assert result.returncode == 2, result.stderr
    assert str(srv) in result.stderr and "may not" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(srv) == before and (root / "output").is_symlink() and leftovers(root, srv) == []


def test_leftovers_reached_through_links_are_never_followed(tmp_path):
    from volsite.write import remove_leftovers, remove_own_folder

    site = tmp_path / "site"
    site.mkdir()
    precious = tmp_path / "precious"
    (precious / "site").mkdir(parents=True)
    for folder in (precious, precious / "site"):
        (folder / MARKER).write_text("looks like volsite's")
        (folder / "index.html").write_text("the live site")
    before = tree_digest(precious)
    os.symlink(precious, site / ".output.new-abc123")
    os.symlink(precious, site / ".output.old-abc123")
    remove_leftovers(site / "output")
    remove_own_folder(site / ".output.new-abc123")
    assert tree_digest(precious) == before
    (site / ".output.old-def456").mkdir()
    os.symlink(precious, site / ".output.old-def456" / "site")
    remove_leftovers(site / "output")
    assert tree_digest(precious) == before
