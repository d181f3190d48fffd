"""Issue 15, hostile testing of what a build does outside its content: the output folder
as deploys set it up (a symbolic link to the web root), a build killed alone, the modes
of what it publishes, and a theme's links. Each is checked on a small site built with
the real command line."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from trustsite import SITE_YAML, fresh_site, run_cli

import volsite
from conftest import image_bytes, tree_digest
from volsite.output.write import MARKER, site_lock
from volsite.problems import UsageError

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
    return {
        p.relative_to(srv).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(srv.rglob("*"))
        if p.is_file() and not p.is_relative_to(srv / "www")
    }


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
    from volsite.output.write import remove_leftovers, remove_own_folder

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


# ---------------------------------------------------------------- a build killed alone

LINUX = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc; children die with their parent through Linux's prctl"
)


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(volsite.__file__).resolve().parents[1]) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def stories(count: int) -> dict[str, str]:
    """Enough content that loading and rendering are shared out with forked children
    (over load.PARALLEL_BYTES of stories, over build.PARALLEL_PAGES_FROM pages)."""
    text = "志愿者们一早就来到社区，为老人量血压、讲解健康知识。" * 25
    return {
        f"content/stories/2024-03-05-s{n}.md": f"---\ntitle: 故事{n}\ndate: 2024-03-05\ntags: [t{n % 40}]\n"
        f"---\n{text}\n\n{text}\n"
        for n in range(count)
    }


def parents() -> dict[int, int]:
    """Every live process here and its parent."""
    found = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if fields[0] != "Z":
                found[int(name)] = int(fields[1])
    return found


def descendants(pid: int) -> dict[int, int]:
    """The processes under pid, each with its depth below it."""
    links, found, depth = parents(), {}, {pid: 0}
    changed = True
    while changed:
        changed = False
        for child, parent in links.items():
            if parent in depth and child not in depth:
                depth[child] = found[child] = depth[parent] + 1
                changed = True
    return found


def processes_naming(folder: Path) -> list[int]:
    """Live processes with folder, or a path under it, on their command line (a forked
    child keeps its parent's): the processes of a build of a site in that folder."""
    name = os.fsencode(folder)
    found = []
    for pid in parents():
        try:
            arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if pid != os.getpid() and any(a == name or a.startswith(name + b"/") for a in arguments):
            found.append(pid)
    return found


@LINUX
@pytest.mark.parametrize("search", [True, False], ids=["search", "no-search"])
def test_a_build_killed_alone_takes_its_children_with_it_and_the_next_build_goes_ahead(search):
    """kill -9 of the main process only (a CI timeout, the OOM killer) while forked children
    load and render: they end with it, and the next build neither waits nor refuses."""
    forks = (os.cpu_count() or 1) >= 2
    if not search and not forks:
        pytest.skip("one core: a build without search forks no child")
    site_yaml = SITE_YAML if not search else SITE_YAML.replace("search: false", "search: true")
    with fresh_site({"site.yaml": site_yaml, **stories(1500)}) as root:
        # With search the site is made in a forked child, which shares out its work with its own.
        depth = 2 if search and forks else 1
        build = subprocess.Popen(
            [sys.executable, "-m", "volsite.cli", "build", str(root), "-q"],
            env=cli_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while max(descendants(build.pid).values(), default=0) < depth:
                assert build.poll() is None, "the build ended before it forked"
                time.sleep(0.001)
            os.kill(build.pid, signal.SIGKILL)  # this process only, not its group
            build.wait()
            deadline = time.monotonic() + 5
            while (left := processes_naming(root)) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert left == [], "processes of the killed build are still running"
            started = time.monotonic()
            result = run_cli("build", str(root), "-v", timeout=120)
            assert result.returncode == 0, result.stderr[-3000:]
            assert "waiting for another volsite" not in result.stderr
            assert time.monotonic() - started < 30
        finally:
            end_build(build, root)


def end_build(build: subprocess.Popen, root: Path) -> None:
    """Kill what is left of a build this test started: its processes are those naming its
    site's folder, a fresh temporary one (a child may fork another while this looks)."""
    if build.poll() is None:
        build.kill()
        build.wait()
    for _ in range(20):
        left = processes_naming(root)
        if not left:
            return
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)


HOLD_AND_FORK = """
import os, sys, time
from pathlib import Path
from volsite.output.write import site_lock
with site_lock(Path(sys.argv[1])):
    child = os.fork()
    if child == 0:
        time.sleep(60)
        os._exit(0)
    print(child, flush=True)
    time.sleep(60)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_lock_whose_holder_died_is_taken_over_though_a_child_of_it_lives_on(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_AND_FORK, str(root)], stdout=subprocess.PIPE, text=True, env=cli_env()
    )
    child = int(holder.stdout.readline())
    try:
        with pytest.raises(UsageError, match=f"another volsite is building this site \\(process {holder.pid}\\b"):
            with site_lock(root, wait_seconds=0.3):
                pass
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        started = time.monotonic()
        with site_lock(root, wait_seconds=10):
            pass
        assert time.monotonic() - started < 2
    finally:
        for pid in (holder.pid, child):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        holder.wait()


def test_the_lock_keeps_a_second_holder_in_the_same_process_waiting(tmp_path):
    refused = []

    def second() -> None:
        try:
            with site_lock(tmp_path, wait_seconds=0.3):
                pass
        except UsageError as exc:
            refused.append(str(exc))

    with site_lock(tmp_path):
        thread = threading.Thread(target=second)
        thread.start()
        thread.join()
    assert refused and f"process {os.getpid()}" in refused[0]
    with site_lock(tmp_path, wait_seconds=0.3):  # and the first one's release freed it
        pass


# ---------------------------------------------------------------- the modes of what is published


def build_with_umask(root: Path, umask: int) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "volsite.cli", "build", str(root), "-q"],
        capture_output=True,
        text=True,
        env=cli_env(),
        stdin=subprocess.DEVNULL,
        umask=umask,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def modes(folder: Path) -> dict[str, int]:
    """The permission bits of folder and of every file and folder under it."""
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    for path in folder.rglob("*"):
        found[path.relative_to(folder).as_posix()] = stat.S_IMODE(path.lstat().st_mode)
    return found


def wrong_modes(folder: Path, umask: int) -> dict[str, str]:
    """What does not have the mode a plain mkdir or open would give under umask."""
    return {
        rel: oct(mode)
        for rel, mode in modes(folder).items()
        if mode != (0o777 if (folder / rel).is_dir() else 0o666) & ~umask
    }


@pytest.mark.parametrize("umask", [0o022, 0o027], ids=["022", "027"])
@pytest.mark.parametrize("search", [False, True], ids=["no-search", "search"])
def test_what_is_published_has_the_modes_of_the_umask(umask, search):
    """Files 0644 and folders 0755 under umask 022 (a web server running as another user
    can read them, and `cp -a output/. /var/www/` carries no private mode onto a web root);
    0640 and 0750 under 027."""
    if search:
        pytest.importorskip("pagefind_bin_extended")
    site_yaml = SITE_YAML.replace("search: false", f"search: {str(search).lower()}")
    with fresh_site({"site.yaml": site_yaml}) as root:
        build_with_umask(root, umask)
        out = root / "output"
        assert (out / "pagefind").is_dir() == search
        assert wrong_modes(out, umask) == {}
        assert modes(out)["."] == 0o777 & ~umask and modes(out)["index.html"] == 0o666 & ~umask


def test_files_kept_from_a_build_under_another_umask_get_this_ones_modes():
    """Unchanged files are linked from the previous build, and search index parts from the
    cache: not when they were made under another umask."""
    pytest.importorskip("pagefind_bin_extended")
    with fresh_site({"site.yaml": SITE_YAML.replace("search: false", "search: true")}) as root:
        build_with_umask(root, 0o077)
        assert modes(root / "output")["index.html"] == 0o600
        assert modes(root / "output")["pagefind/pagefind.js"] == 0o600
        (root / "content/media/new.jpg").write_bytes(image_bytes("jpeg"))  # no page changes: the index is kept
        build_with_umask(root, 0o022)
        assert wrong_modes(root / "output", 0o022) == {}
        edit_story(root, "新的一段。")
        build_with_umask(root, 0o022)
        assert wrong_modes(root / "output", 0o022) == {}


# ---------------------------------------------------------------- links in a theme

THEME = {"site.yaml": SITE_YAML + "theme: mine\n", "themes/mine/static/mine.css": "body { color: black }\n"}


def test_a_theme_link_that_leaves_the_theme_is_a_problem_and_nothing_is_published():
    with fresh_site(THEME) as root:
        built(root)
        before = tree_digest(root / "output")
        static = root / "themes/mine/static"
        os.symlink("/etc/passwd", static / "passwd")
        os.symlink("/etc", static / "dir")
        result = run_cli("build", str(root))
        assert result.returncode == 1, result.stderr
        for name in ("passwd", "dir"):
            assert f"themes/mine/static/{name}: is a link that leads out of themes/mine/" in result.stderr
        assert "copy" in result.stderr  # what to do
        assert tree_digest(root / "output") == before
        assert not (root / "output/passwd").exists() and not (root / "output/dir").exists()
        assert not any(
            "root:" in p.read_text(encoding="utf-8", errors="replace")
            for p in (root / "output").rglob("*")
            if p.is_file()
        )
        assert run_cli("check", str(root)).returncode == 1


def test_a_theme_template_that_links_out_of_the_theme_is_a_problem():
    with fresh_site(THEME) as root:
        outside = root.parent / "elsewhere.html"
        outside.write_text("{% extends 'base.html' %}{% block main %}secret{% endblock %}", encoding="utf-8")
        (root / "themes/mine/templates").mkdir()
        os.symlink(outside, root / "themes/mine/templates/page.html")
        os.symlink(root.parent, root / "themes/mine/templates/up")
        result = run_cli("build", str(root))
        assert result.returncode == 1, result.stderr
        assert "themes/mine/templates/page.html: is a link that leads out of themes/mine/" in result.stderr
        assert "themes/mine/templates/up: is a link that leads out of themes/mine/" in result.stderr
        assert not (root / "output").exists()


def test_links_that_stay_inside_the_theme_are_followed_as_before():
    with fresh_site(THEME) as root:
        static = root / "themes/mine/static"
        os.symlink("mine.css", static / "alias.css")
        (root / "themes/mine/shared").mkdir()
        (root / "themes/mine/shared/print.css").write_text("@media print {}\n", encoding="utf-8")
        os.symlink("../shared/print.css", static / "print.css")
        built(root)
        assert (root / "output/alias.css").read_text(encoding="utf-8") == "body { color: black }\n"
        assert (root / "output/print.css").read_text(encoding="utf-8") == "@media print {}\n"
        assert not (root / "output/alias.css").is_symlink()


def test_a_theme_reached_through_a_link_is_the_theme_folder():
    """themes/mine may itself be a link (a theme shared by several sites): links inside it
    are measured against the folder it leads to."""
    with fresh_site({"site.yaml": SITE_YAML + "theme: mine\n"}) as root:
        shared = root.parent / "shared-theme"
        (shared / "static").mkdir(parents=True)
        (shared / "static/mine.css").write_text("body {}\n", encoding="utf-8")
        os.symlink("mine.css", shared / "static/alias.css")
        (root / "themes").mkdir()
        os.symlink(shared, root / "themes/mine")
        built(root)
        assert (root / "output/alias.css").read_text(encoding="utf-8") == "body {}\n"
