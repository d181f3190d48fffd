"""Small sites written inline by the tests, built with the real command line."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import os
import textwrap
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from volsite.cli import main
from volsite.messages import OVERRIDE

REPO = Path(__file__).resolve().parents[1]

# The day the example site is built for in the tests (SOURCE_DATE_EPOCH): its recruitment is
# after it, its public posting open on it. A build without SOURCE_DATE_EPOCH takes the machine's
# date, and the example's upcoming activities become past ones by themselves as the days go by.
EXAMPLE_TODAY = dt.date(2026, 12, 3)


def moment_of(day: dt.date, timezone: str = "Asia/Shanghai") -> int:
    """Noon of `day` in `timezone`, as seconds since 1970 (SOURCE_DATE_EPOCH, load_site's moment)."""
    return int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(timezone)).timestamp())


def on_day(day: dt.date, timezone: str = "Asia/Shanghai") -> dict[str, str | None]:
    """The environment of a build for `day` (SOURCE_DATE_EPOCH)."""
    return {"SOURCE_DATE_EPOCH": str(moment_of(day, timezone))}


BASE_SITE = {
    "site.yaml": """
        title: 测试站
        base_url: https://example.org/volunteer/
    """,
    "content/teams/teams.yaml": """
        - {id: hq, name: 总队, lead: zhang-wei}
        - {id: clinic, name: 流动医疗队, parent: hq}
        - {id: clinic-a, name: 医疗一组, parent: clinic}
    """,
    "content/volunteers/people.yaml": """
        - id: zhang-wei
          name: 张伟
          teams: [hq]
          phone: "13912345678"
        - id: li-na
          name: 李娜
          teams: [clinic-a]
    """,
    "content/activities/a.yaml": """
        id: 2024-03-05-clinic
        title: 山区义诊
        date: 2024-03-05
        team: clinic-a
        hours: 4
        participants: [zhang-wei, li-na]
        people_served: 120
    """,
    "content/stories/2024-03-05-clinic.md": """
        ---
        title: 义诊的一天
        date: 2024-03-05
        volunteers: [li-na]
        activity: 2024-03-05-clinic
        ---
        正文。
    """,
}


@dataclass
class Result:
    exit_code: int
    output: str  # stdout and stderr together
    site: Path

    @property
    def out(self) -> Path:
        return self.site / "output"

    @property
    def built(self) -> Path:
        """The output folder of a build that must have succeeded."""
        assert self.exit_code == 0, self.output
        return self.out


def write_files(root: Path, files: dict[str, str | bytes | None], dedent=lambda rel: True) -> Path:
    """Write each file under root (None deletes it); text whose `dedent(rel)` is true loses
    its common indentation and leading newline, as written inside a test."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if data is None:
            path.unlink(missing_ok=True)
        elif isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data).lstrip("\n") if dedent(rel) else data, encoding="utf-8")
    return root


class SiteMaker:
    def __init__(self, root: Path):
        self.root = root

    def write(self, files: dict[str, str | bytes]) -> Path:
        return write_files(self.root, files)

    def __call__(self, files: dict[str, str | bytes] | None = None, base: bool = True) -> Path:
        return self.write({**(BASE_SITE if base else {}), **(files or {})})

    def run(self, *args: str, env: dict[str, str | None] | None = None) -> Result:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)
        return Result(result.exit_code, result.output, self.root)

    def build(self, *args: str, env: dict[str, str | None] | None = None) -> Result:
        return self.run("build", str(self.root), *args, env=env)


# What a build prints in the site's own language (the tests' default is English, below).
IN_SITE_LANGUAGE = {OVERRIDE: None}


@pytest.fixture(scope="session", autouse=True)
def messages_in_english():
    """The tests read volsite's messages in English, its code's own words, whatever the site's
    language (most test sites are Chinese); a test of the Chinese messages passes
    env=IN_SITE_LANGUAGE, and subprocesses inherit this."""
    os.environ[OVERRIDE] = "en"
    yield
    os.environ.pop(OVERRIDE, None)


@pytest.fixture(scope="session")
def example_output(tmp_path_factory) -> Path:
    """The example site, built once for every test that only reads it, for EXAMPLE_TODAY."""
    out = tmp_path_factory.mktemp("example") / "output"
    result = CliRunner().invoke(main, ["build", str(REPO), "-o", str(out), "-q"], env=on_day(EXAMPLE_TODAY))
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def site(tmp_path: Path) -> SiteMaker:
    return SiteMaker(tmp_path / "site")


def build_on(site: SiteMaker, day: dt.date, out: Path, **files: str | None) -> Path:
    """Build `site` for `day` into `out` (writing `files` first: content__x.md is content/x.md)."""
    if files:
        site.write({rel.replace("__", "/"): text for rel, text in files.items()})
    result = site.build("-o", str(out), "-q", env=on_day(day))
    assert result.exit_code == 0, result.output
    return out


def built_page(out: Path, path: str) -> str:
    """The text of the page at `path` ("" is home) of a site built into `out`."""
    return (out / path / "index.html").read_text(encoding="utf-8")


def readable_text(path: Path) -> str:
    """A built file as text a leak scan can search: search-index files are gzip'd, so unzip them."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def output_texts(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): readable_text(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under folder with the hash of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def in_four_parts_counting_runs(monkeypatch) -> list[str]:
    """Index the fixture's few searchable pages in four parts; the glob of each Pagefind run
    is added to the list returned."""
    import volsite.output.search as search

    monkeypatch.setattr(search, "PART_PAGES", 1)
    monkeypatch.setattr(search, "MAX_PARTS", 4)
    globs: list[str] = []
    run_pagefind = search._run_pagefind
    monkeypatch.setattr(
        search, "_run_pagefind", lambda folder, output, glob: globs.append(glob) or run_pagefind(folder, output, glob)
    )
    return globs


def shared_out(monkeypatch, processes: int = 2) -> None:
    """Builds share every piece of work out between `processes`, however little there is:
    the Workers seam a build is given (volsite.builds), with no threshold."""
    import volsite.builds
    from volsite.speed.workers import ForkedWorkers

    monkeypatch.setattr(volsite.builds, "ForkedWorkers", lambda: ForkedWorkers(processes, share_from=0))


def image_bytes(form: str = "png", shade: int = 0, size: tuple[int, int] = (8, 8)) -> bytes:
    """A real, tiny image (volsite re-encodes every photo: a file that only starts like a PNG
    is a problem now). `shade` makes images of different bytes."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (shade % 256, 80, 160)).save(out, "JPEG" if form in ("jpg", "jpeg") else form.upper())
    return out.getvalue()
