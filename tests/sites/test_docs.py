"""The guide runs (issue 19): every shell block of docs/**/*.md marked ```sh test is run, in
order, so the guide cannot drift from the program.

What a page may mark, in the info string of a fenced block (GitHub and Gitee show the first
word as the language and ignore the rest):

- ```sh test: run with bash -e. A page's blocks share one fresh folder: each starts in the
  folder the previous one ended in (after `cd 我们的网站`, the next is in the site).
  `volsite` is this checkout; VOLSITE_LANG is unset and the system's locale is C.UTF-8, so a
  Chinese site speaks Chinese, as staff see it, and `volsite init` without --language makes
  an English site, as on a Windows machine that names no locale.
- ```<lang> file=PATH: written to PATH (from the current folder) before the next block runs:
  a file the page shows is the file the test builds.
- ```text output: right after an ```sh test block, the lines it must have printed, in order
  (stdout and stderr together); `…` in a line stands for any text (a time, a count).

Every relative link between the pages must lead to a file, and an anchor to a heading.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO

DOCS = REPO / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
# Pages of the guide that must each prove something by running it.
GUIDE_PAGES = sorted([*(DOCS / "guide").glob("*.md"), *(DOCS / "en").glob("*.md")])
BLOCK_TIMEOUT = 120  # seconds; a page's blocks take a few


@dataclass(frozen=True)
class Block:
    line: int  # of the opening fence, counted from 1
    info: tuple[str, ...]
    text: str

    @property
    def runs(self) -> bool:
        return self.info[:2] == ("sh", "test")

    @property
    def expected(self) -> bool:
        return self.info[:2] == ("text", "output")

    @property
    def file(self) -> str | None:
        return next((word[5:] for word in self.info[1:] if word.startswith("file=")), None)


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


def blocks_of(path: Path) -> list[Block]:
    """The fenced code blocks of a Markdown page, as CommonMark reads them (a block ends at a
    fence of its own character at least as long, with nothing after it)."""
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, info = opening.group(1), opening.group(2).strip()
        body: list[str] = []
        j = i + 1
        while j < len(lines):
            closing = _FENCE.match(lines[j])
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
                if not closing.group(2).strip():
                    break
            body.append(lines[j])
            j += 1
        found.append(Block(i + 1, tuple(info.split()), "\n".join(body) + "\n"))
        i = j + 1
    return found


def shim(folder: Path) -> Path:
    """A bin folder whose `volsite` is this checkout's."""
    folder.mkdir()
    volsite = folder / "volsite"
    volsite.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m volsite.cli "$@"\n', encoding="utf-8")
    volsite.chmod(0o755)
    return folder


def doc_environment(bin_folder: Path, home: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("LC_") and name not in ("VOLSITE_LANG", "LANGUAGE", "SOURCE_DATE_EPOCH")
    }
    env["LANG"] = "C.UTF-8"
    env["HOME"] = str(home)
    env["PATH"] = f"{bin_folder}{os.pathsep}{env.get('PATH', '')}"
    generator = str(REPO / "generator")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (generator, env.get("PYTHONPATH")) if p)
    return env


def printed_lines_match(expected: str, printed: str) -> str | None:
    """None when every non-blank expected line is found, in order, among the printed ones
    (`…` stands for any text); else the first line that is not."""
    lines = printed.splitlines()
    at = 0
    for want in (line.rstrip() for line in expected.splitlines()):
        if not want.strip():
            continue
        pattern = re.compile(".*".join(re.escape(part) for part in want.split("…")) + r"\Z")
        while at < len(lines) and not pattern.match(lines[at].rstrip()):
            at += 1
        if at == len(lines):
            return want
        at += 1
    return None


def run_page(page: Path, tmp_path: Path) -> int:
    """Runs the page's blocks; fails naming the page, the block's line and what it printed.
    Returns how many blocks ran."""
    rel = page.relative_to(REPO).as_posix() if page.is_relative_to(REPO) else page.name
    env = doc_environment(shim(tmp_path / "bin"), tmp_path / "home")
    (tmp_path / "home").mkdir()
    cwd = tmp_path / "work"
    cwd.mkdir()
    state = tmp_path / "cwd"
    printed: tuple[Block, str] | None = None
    ran = 0
    for block in blocks_of(page):
        if block.file:
            target = cwd / block.file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text, encoding="utf-8")
        elif block.expected:
            if printed is None:
                pytest.fail(f"{rel}:{block.line}: a ```text output block follows no ```sh test block", pytrace=False)
            ran_block, output = printed
            missing = printed_lines_match(block.text, output)
            if missing is not None:
                pytest.fail(
                    f"{rel}:{block.line}: the block at line {ran_block.line} did not print the line\n  {missing}\n"
                    f"--- it printed:\n{output}",
                    pytrace=False,
                )
        if block.runs:
            script = tmp_path / "block.sh"
            script.write_text(f'{block.text}\npwd > "{state}"\n', encoding="utf-8")
            done = subprocess.run(
                ["bash", "-e", str(script)],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=BLOCK_TIMEOUT,
            )
            if done.returncode != 0:
                pytest.fail(
                    f"{rel}:{block.line}: the block exited with status {done.returncode}\n{block.text}"
                    f"--- it printed:\n{done.stdout}",
                    pytrace=False,
                )
            cwd = Path(state.read_text(encoding="utf-8").strip())
            printed = (block, done.stdout)
            ran += 1
        elif not block.expected:
            printed = None
    return ran


RUNNABLE = [page for page in PAGES if any(block.runs for block in blocks_of(page))]


@pytest.mark.parametrize("page", RUNNABLE, ids=lambda page: page.relative_to(DOCS).as_posix())
def test_the_commands_of_a_page_run_as_written(page, tmp_path):
    assert run_page(page, tmp_path)


@pytest.mark.parametrize("page", [p for p in GUIDE_PAGES if p.name != "README.md"], ids=lambda p: p.name)
def test_every_page_of_the_guide_runs_something(page):
    assert page in RUNNABLE, f"{page.relative_to(REPO)} has no ```sh test block: what does it prove?"


# Links: [text](target) outside code; images too.
_LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_CODE_SPAN = re.compile(r"(`+).+?\1")


def prose(path: Path, code_spans: bool = False) -> str:
    """The page without its fenced blocks, where a link is only text; without its code spans
    too, unless `code_spans` (a heading's id keeps their words)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for block in blocks_of(path):
        end = block.line + block.text.count("\n")
        for i in range(block.line - 1, min(end, len(lines))):
            lines[i] = ""
    text = "\n".join(lines)
    return text if code_spans else _CODE_SPAN.sub("", text)


def heading_anchors(path: Path) -> set[str]:
    """The ids GitHub gives a page's headings: lower case, punctuation dropped (letters of any
    script, digits, '_' and '-' kept), spaces as '-', a repeated one with -1, -2."""
    anchors: set[str] = set()
    text = prose(path, code_spans=True)
    for match in re.finditer(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$", text, re.M):
        heading = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", match.group(1))  # a link's text
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        candidate, n = slug, 0
        while candidate in anchors:
            n += 1
            candidate = f"{slug}-{n}"
        anchors.add(candidate)
    return anchors


def relative_links(path: Path) -> list[str]:
    return [
        target
        for target in _LINK.findall(prose(path))
        if not re.match(r"[a-z][a-z0-9+.-]*:", target, re.I) and not target.startswith("//")
    ]


@pytest.mark.parametrize("page", [*PAGES, REPO / "README.md"], ids=lambda page: page.relative_to(REPO).as_posix())
def test_links_between_pages_lead_somewhere(page):
    wrong = []
    for target in relative_links(page):
        file_part, _, anchor = target.partition("#")
        linked = (page.parent / file_part).resolve() if file_part else page
        if not linked.exists():
            wrong.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in heading_anchors(linked):
            wrong.append(f"{target}: no heading #{anchor} in {linked.relative_to(REPO).as_posix()}")
    assert not wrong, f"{page.relative_to(REPO)}: " + "; ".join(wrong)


def test_the_runner_reads_blocks_and_matches_lines(tmp_path):
    page = tmp_path / "p.md"
    page.write_text(
        "text\n\n```sh test\necho 你好 42\n```\n\n```text output\n你好 …\n```\n\n````md\n```\n````\n",
        encoding="utf-8",
    )
    found = blocks_of(page)
    assert [(b.line, b.info) for b in found] == [(3, ("sh", "test")), (7, ("text", "output")), (11, ("md",))]
    assert found[2].text == "```\n"
    assert printed_lines_match("你好 …\n", "x\n你好 42\n") is None
    assert printed_lines_match("b\na\n", "a\nb\n") == "a"
    assert run_page(page, tmp_path) == 1


def test_heading_anchors_are_githubs(tmp_path):
    page = tmp_path / "p.md"
    page.write_text(
        "# volsite 使用指南\n\n## 6. The interface's words (`t`)\n\n## Gitee（码云）\n\n## Gitee（码云）\n\n"
        "```sh\n# not a heading\n```\n\n### [链接](x.md) and_more\n",
        encoding="utf-8",
    )
    assert heading_anchors(page) == {
        "volsite-使用指南",
        "6-the-interfaces-words-t",
        "gitee码云",
        "gitee码云-1",
        "链接-and_more",
    }
