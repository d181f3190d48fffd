"""Issue 6, hostile files: each is read in bounded time and memory, or refused with a
clear message that names the file (and says what to do). The limits are the named
constants of volsite.read.files and volsite.kinds.fields."""

from __future__ import annotations

import io
import os
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from trustsite import assert_not_a_bug, baseline_peak_mb, fresh_site, loads, measured_load, outcome, run_cli, write_site

from volsite.kinds.fields import MAX_ID_LENGTH
from volsite.pipeline import Site
from volsite.read.files import (
    MARKDOWN_LIMIT,
    MAX_XLSX_UNPACKED_BYTES,
    MAX_YAML_ALIAS_VALUES,
    MAX_YAML_DEPTH,
    YAML_LIMIT,
)
from volsite.slugs import MAX_SLUG_LENGTH

openpyxl = pytest.importorskip("openpyxl")

LEDGER_HEADER = "日期,志愿者编号,时长,备注\n"


def problems_of(files, base=True) -> list[str]:
    result, texts = loads(files, base)
    assert not isinstance(result, Site), f"expected problems, the site loaded: {texts}"
    return texts


def one_problem(files, *needles, base=True) -> str:
    """The problems name the file, and one of them says all of `needles`."""
    texts = problems_of(files, base)
    found = [t for t in texts if all(n in t for n in needles)]
    assert found, f"no problem says {needles}: {texts}"
    return found[0]


def timed(function, *args, limit: float = 5.0):
    started = time.perf_counter()
    value = function(*args)
    seconds = time.perf_counter() - started
    assert seconds < limit, f"took {seconds:.1f} s (at most {limit} s)"
    return value


# ------------------------------------------------------------------ YAML


def billion_laughs(levels: int = 9) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for n in range(1, levels + 1):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("field", ["participants", "date", "title", "nonsense"])
def test_yaml_alias_bomb_is_refused_at_once(field):
    record = {"id": "bomb", "title": "炸弹", "date": "2024-01-01", field: "*a9"}
    text = billion_laughs() + "".join(f"{key}: {value}\n" for key, value in record.items())
    message = timed(one_problem, {"content/activities/bomb.yaml": text}, "content/activities/bomb.yaml:", "aliases")
    assert f"{MAX_YAML_ALIAS_VALUES:,}" in message


def test_yaml_alias_bomb_in_front_matter_and_site_yaml():
    timed(
        one_problem,
        {"content/stories/x.md": "---\n" + billion_laughs() + "title: x\ndate: 2024-01-01\ntags: *a9\n---\n正文\n"},
        "content/stories/x.md:",
        "aliases",
    )
    timed(one_problem, {"site.yaml": billion_laughs() + "title: *a9\n"}, "site.yaml:", "aliases")


def test_yaml_aliases_for_shared_defaults_still_work():
    text = (
        "- &clinic {id: a-1, title: 义诊, date: 2024-01-01, team: clinic-a, hours: 2}\n"
        "- {<<: *clinic, id: a-2, date: 2024-01-08, hours: 3}\n"
        "- {<<: *clinic, id: a-3, participants: &both [zhang-wei, li-na]}\n"
        "- {<<: *clinic, id: a-4, date: 2024-01-15, participants: *both}\n"
    )
    site, texts = loads({"content/activities/more.yaml": text})
    assert isinstance(site, Site), texts
    assert site.model.activities["a-2"].hours == 3
    assert [p.volunteer for p in site.model.activities["a-4"].participants] == ["zhang-wei", "li-na"]


def test_yaml_alias_loop_is_refused():
    one_problem(
        {"content/teams/loop.yaml": "id: x\nname: y\nservices: &s [a, *s]\n"}, "content/teams/loop.yaml:3:", "loop"
    )


DEEP = {
    "flow lists": lambda n: "id: x\nname: y\nservices: " + "[" * n + "]" * n + "\n",
    "flow maps": lambda n: "id: x\nname: y\nservices: " + "{a: " * n + "1" + "}" * n + "\n",
    "block lists": lambda n: "id: x\nname: y\nservices:\n" + "".join("  " * i + "-\n" for i in range(1, n)),
    "block lists on one line": lambda n: "id: x\nname: y\nservices:\n" + "- " * n + "x\n",
    "block maps": lambda n: "id: x\nname: y\n" + "".join(" " * i + "k:\n" for i in range(n)),
}


@pytest.mark.parametrize("shape", sorted(DEEP))
def test_yaml_nested_10000_levels_is_refused(shape):
    text = DEEP[shape](10_000)
    if len(text) > YAML_LIMIT.bytes:  # 10,000 indented lines are 50 MB: the size limit says no first
        message = timed(one_problem, {"content/teams/deep.yaml": text}, "content/teams/deep.yaml:", "MB")
    else:
        message = timed(
            one_problem,
            {"content/teams/deep.yaml": text},
            "content/teams/deep.yaml:",
            f"nested more than {MAX_YAML_DEPTH} levels",
        )
    assert "\n" not in message


def test_yaml_nested_a_million_levels_does_not_kill_the_process():
    """PyYAML's C composer recursed once per level and died with a segmentation fault
    near 100,000 levels; run it in a child so that a regression fails here, not pytest."""
    with fresh_site(
        {
            "content/teams/deep.yaml": "services: " + "[" * 1_000_000 + "]" * 1_000_000 + "\n",
            "content/stories/deep.md": "---\ntitle: " + "{a: " * 200_000 + "\n---\n",
        }
    ) as root:
        result = measured_load(root)
    assert not result["ok"] and result["seconds"] < 10
    assert any(p.startswith("content/teams/deep.yaml:1: ") and "nested" in p for p in result["problems"])
    assert any(p.startswith("content/stories/deep.md:2: ") for p in result["problems"])


@pytest.mark.parametrize(
    "tagged", ["!!int x", "!!float x", "!!bool maybe", "!!binary ä", "!!int 0x", "!!map [1]", "!!int ''", "!!float ._"]
)
def test_yaml_values_that_do_not_fit_their_tag(tagged):
    message = one_problem({"content/teams/t.yaml": f"id: x\nname: {tagged}\n"}, "content/teams/t.yaml:2:")
    assert "YAML does not parse: " in message


def test_yaml_python_tags_are_refused():
    one_problem(
        {"content/teams/t.yaml": "id: !!python/object/apply:os.system [echo hi]\nname: y\n"},
        "content/teams/t.yaml:1:",
        "constructor",
    )


def test_a_second_yaml_document_is_named_by_its_line():
    one_problem(
        {"content/teams/t.yaml": "id: a\nname: b\n---\nid: c\nname: d\n"},
        "content/teams/t.yaml:3:",
        "second YAML document",
    )


# ------------------------------------------------------------------ size


def write_big_ledger(path: Path, size: int) -> int:
    """A CSV ledger of about `size` bytes, every row valid; returns the rows written."""
    rows = [
        f"2024/{month}/{day},{who},{hours},社区服务第{month}月\n"
        for month in range(1, 13)
        for day in range(1, 29)
        for who, hours in (("li-na", 2), ("zhang-wei", 3))
    ]
    chunk = "".join(rows).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with open(path, "wb") as out:
        out.write(LEDGER_HEADER.encode())
        while written < size:
            out.write(chunk)
            written += len(chunk)
    return written // len(chunk) * len(rows)


def test_a_50_mb_csv_ledger_is_refused_by_its_size_in_bounded_time_and_memory(tmp_path):
    """TABLE_LIMIT (20 MB, some 450,000 rows, past what Excel can open) refuses it before it is read."""
    root = write_site(tmp_path / "site", {})
    write_big_ledger(root / "content/ledger/big.csv", 50_000_000)
    result = measured_load(root)
    assert not result["ok"]
    [message] = [p for p in result["problems"] if p.startswith("content/ledger/big.csv")]
    assert message.startswith("content/ledger/big.csv: is 50.") and "20.0 MB" in message and "split" in message
    assert result["seconds"] < 5
    assert result["peak_mb"] < baseline_peak_mb() + 30, result  # not read into memory


def test_a_large_csv_ledger_under_the_limit_loads_in_bounded_time_and_memory(tmp_path):
    """5 MB, some 115,000 rows: loaded, every hour counted, within 20 s and 600 MB more than a tiny site."""
    root = write_site(tmp_path / "site", {})
    rows = write_big_ledger(root / "content/ledger/big.csv", 5_000_000)
    result = measured_load(root, timeout=180)
    assert result["ok"], result["problems"]
    assert result["seconds"] < 20, result
    assert result["peak_mb"] < baseline_peak_mb() + 600, result
    assert rows > 100_000


def test_a_10_mb_markdown_story_is_refused_by_its_size():
    body = ("志愿者们在社区里开展了**义诊**活动。\n\n" * 300_000).encode()
    assert len(body) > 10_000_000
    message = timed(
        one_problem,
        {"content/stories/big.md": b"---\ntitle: t\ndate: 2024-01-01\n---\n" + body},
        "content/stories/big.md: is 1",
    )
    assert f"{MARKDOWN_LIMIT.bytes // 1_000_000}.0 MB" in message and "split" in message


def test_a_story_just_under_the_limit_loads():
    body = "段落。" * ((MARKDOWN_LIMIT.bytes - 100) // 9)
    site, texts = timed(loads, {"content/stories/long.md": f"---\ntitle: 长文\ndate: 2024-01-01\n---\n{body}"})
    assert isinstance(site, Site), texts


def test_a_yaml_file_over_its_limit_is_refused_by_its_size():
    text = "- {id: x, name: y}\n" * (YAML_LIMIT.bytes // 19 + 1)
    timed(one_problem, {"content/teams/big.yaml": text}, "content/teams/big.yaml: is 5.", "split")


# ------------------------------------------------------------------ not text


@pytest.mark.parametrize(
    "rel",
    [
        "content/teams/t.yaml",
        "content/ledger/l.csv",
        "content/stories/s.md",
        "content/volunteers/v.yml",
        "content/pages/p.markdown",
        "site.yaml",
    ],
)
def test_a_nul_byte(rel):
    one_problem({rel: b"id: a\x00b\n"}, f"{rel}: is not a text file")


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.mark.parametrize("rel", ["content/teams/t.yaml", "content/ledger/l.csv", "content/stories/s.md"])
@pytest.mark.parametrize(
    "data", [PNG, bytes(range(0x80, 0x100)) * 4, b"\xff\xfe\xfe\xff" * 10], ids=["png", "high", "ff"]
)
def test_a_binary_file_under_a_text_name(rel, data):
    result, texts = loads({rel: data})
    assert any(t.startswith(rel) for t in texts), texts  # refused, or read with a warning


def test_an_xlsx_that_is_not_a_zip():
    one_problem({"content/ledger/l.xlsx": b"date,volunteer,hours\n"}, "content/ledger/l.xlsx: is not an Excel", "zip")
    one_problem(  # an OLE document, as .xls files are, but a broken one
        {"content/ledger/l.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)},
        "content/ledger/l.xlsx: is not a readable workbook",
    )
    one_problem({"content/ledger/l.xlsx": zip_of({"hello.txt": b"hi"})}, "content/ledger/l.xlsx: is not a readable")


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def good_xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_zip_bomb_xlsx_is_refused_before_it_is_unpacked(tmp_path):
    """A workbook whose sheet unpacks to more than MAX_XLSX_UNPACKED_BYTES (50 MB) from a few hundred KB."""
    with zipfile.ZipFile(io.BytesIO(good_xlsx([["日期", "志愿者编号", "时长"]]))) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b" " * 1_000_000
            for _ in range(MAX_XLSX_UNPACKED_BYTES // len(block) + 2):
                sheet.write(block)
    assert bomb.stat().st_size < 1_000_000
    root = write_site(tmp_path / "site", {"content/ledger/bomb.xlsx": bomb.read_bytes()})
    result = measured_load(root)
    assert not result["ok"] and result["seconds"] < 5
    assert result["peak_mb"] < baseline_peak_mb() + 30, result
    assert any(
        p.startswith("content/ledger/bomb.xlsx: unpacks to 5") and "split it" in p for p in result["problems"]
    ), result


def test_an_xlsx_with_xml_entity_expansion_is_refused():
    """Billion laughs in the XML of a sheet: the XML parser refuses it, volsite says so."""
    with zipfile.ZipFile(io.BytesIO(good_xlsx([["日期", "志愿者编号", "时长"]]))) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10))
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace("<worksheet", f"<!DOCTYPE worksheet [{entities}]><worksheet", 1)
    sheet = sheet.replace(
        "</sheetData>", '<row r="2"><c r="A2" t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData>'
    )
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    message = timed(one_problem, {"content/ledger/lol.xlsx": zip_of(parts)}, "content/ledger/lol.xlsx")
    assert "\n" not in message


def test_an_xlsx_that_claims_every_row_and_column():
    """A cell at XFD1048576: the sheet claims 17 billion cells; only its rows are read, 200 columns wide."""
    book = openpyxl.Workbook()
    book.active.append(["日期", "志愿者编号", "时长"])
    book.active.append(["2024/1/2", "li-na", 2])
    book.active.cell(row=1_048_576, column=16_384, value="far")
    out = io.BytesIO()
    book.save(out)
    site, texts = timed(loads, {"content/ledger/wide.xlsx": out.getvalue()}, limit=10)
    assert isinstance(site, Site), texts


def test_an_xlsx_whose_first_sheet_is_empty():
    book = openpyxl.Workbook()
    book.create_sheet("台账").append(["日期", "志愿者编号", "时长"])
    out = io.BytesIO()
    book.save(out)
    one_problem({"content/ledger/l.xlsx": out.getvalue()}, "content/ledger/l.xlsx: the first sheet ('Sheet')")


# ------------------------------------------------------------------ encodings


def test_a_utf8_file_with_a_gbk_line_names_the_line():
    data = (
        (LEDGER_HEADER + "2024/1/2,li-na,2,导诊\n2024/1/3,li-na,2,陪诊\n").encode()
        + "2024/1/4,li-na,2,挂号\n".encode("gbk")
        + "2024/1/5,li-na,2,取药\n".encode()
    )
    message = one_problem({"content/ledger/l.csv": data}, "content/ledger/l.csv:4:", "line 4", "UTF-8")
    assert "save it again as UTF-8" in message


def test_a_gbk_file_with_a_utf8_line_gives_a_model_or_problems():
    data = (LEDGER_HEADER + "2024/1/2,li-na,2,导诊\n2024/1/3,li-na,2,陪诊\n").encode(
        "gbk"
    ) + "2024/1/4,li-na,2,挂号\n".encode()
    loads({"content/ledger/l.csv": data})


def test_utf16_with_a_byte_order_mark_is_read():
    for encoding in ("utf-16-le", "utf-16-be"):
        mark = b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff"
        data = mark + (LEDGER_HEADER + "2024/1/2,li-na,2,导诊\n").encode(encoding)
        site, texts = loads({"content/ledger/l.csv": data})
        assert isinstance(site, Site), texts
        assert any(s.note == "导诊" for s in site.model.services)


def test_invalid_utf8_after_a_bom_names_the_line():
    data = b"\xef\xbb\xbf" + LEDGER_HEADER.encode() + "2024/1/2,li-na,2,导诊\n".encode("gbk")
    one_problem({"content/ledger/l.csv": data}, "content/ledger/l.csv:2:", "UTF-8")


KINDS_OF_FILE = [
    "content/teams/t.yaml",
    "content/volunteers/v.yml",
    "content/ledger/l.csv",
    "content/volunteers/v.xlsx",
    "content/stories/s.md",
    "content/pages/p.markdown",
]


@pytest.mark.parametrize("rel", KINDS_OF_FILE)
@pytest.mark.parametrize(
    "data", [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\n\n  \r\n"], ids=["empty", "bom", "utf16-bom", "blank"]
)
def test_empty_and_bom_only_files(rel, data):
    result, texts = loads({rel: data})
    mine = [t for t in texts if t.startswith(rel)]
    assert mine, f"nothing said about {rel}: {texts}"
    if rel.endswith((".md", ".markdown", ".xlsx")):
        assert not isinstance(result, Site)  # a story needs a title; an empty workbook is no workbook
    else:
        assert mine == [f"{rel}: warning: holds no records (it is empty): add records to it, or delete it [V110]"], mine


def test_an_empty_site_yaml_is_read_as_no_settings():
    result, texts = loads({"site.yaml": b""})
    assert isinstance(result, Site), texts


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_crlf_and_lone_cr_line_endings(newline):
    files = {
        "content/teams/t.yaml": "id: t\nname: 队\nfounded: 2024-02-30\n",
        "content/ledger/l.csv": LEDGER_HEADER + "2024/1/2,li-na,2,导诊\n2024/1/3,li-na,99,陪诊\n",
        "content/stories/s.md": "---\ntitle: 好\ndate: 2024-01-32\n---\n正文\n",
    }
    texts = problems_of({rel: text.replace("\n", newline).encode() for rel, text in files.items()})
    for expected in ("content/teams/t.yaml:3:", "content/ledger/l.csv:3:", "content/stories/s.md:3:"):
        assert any(t.startswith(expected) for t in texts), (expected, texts)


def test_control_characters_are_reported_and_kept_out_of_the_site(tmp_path):
    site_root = write_site(
        tmp_path / "site",
        {
            "content/stories/s.md": '---\ntitle: "好\\x01人\\0"\ndate: 2024-01-01\n---\n正文\x0b有\x7f控制\x1b符。\n',
            "content/teams/t.yaml": "id: t\nname: 队\x0c名\n",
        },
    )
    result = run_cli("build", str(site_root), "-q")
    assert_not_a_bug(result)
    assert result.returncode == 0, result.stderr
    assert "content/stories/s.md:5: warning: holds 3 invisible control characters" in result.stderr
    assert "content/teams/t.yaml:2: warning: holds an invisible control character" in result.stderr
    for path in (site_root / "output").rglob("*"):
        if path.suffix in (".html", ".xml", ".json"):
            text = path.read_text(encoding="utf-8")
            assert not any(ord(c) < 0x20 and c not in "\t\n\r" for c in text), path
    ET.parse(site_root / "output/feed.xml")  # well-formed XML


# ------------------------------------------------------------------ the file system


def test_a_symlink_loop_in_content(tmp_path):
    root = write_site(tmp_path / "site", {})
    (root / "content/teams/loop.yaml").symlink_to("loop.yaml")
    (root / "content/ledger").mkdir()
    os.symlink(root / "content/ledger/b.csv", root / "content/ledger/a.csv")
    os.symlink(root / "content/ledger/a.csv", root / "content/ledger/b.csv")
    (root / "content/stories/again").symlink_to(root / "content/stories", target_is_directory=True)
    (root / "content/media/m.jpg").symlink_to("m.jpg")
    result = timed(outcome, root)
    assert isinstance(result, list)
    texts = [p.format() for p in result]
    for rel in ("content/teams/loop.yaml", "content/ledger/a.csv", "content/ledger/b.csv", "content/media/m.jpg"):
        assert f"{rel}: is a link that leads nowhere (or in a loop): remove it [V109]" in texts, texts
    assert (
        "content/stories/again: warning: is a link to a folder, which volsite does not follow: "
        "move the folder here instead [V105]" in texts
    )
    cli = run_cli("build", str(root), "-q")
    assert_not_a_bug(cli)
    assert cli.returncode == 1


def test_a_pipe_and_a_device_named_like_content(tmp_path):
    root = write_site(tmp_path / "site", {})
    os.mkfifo(root / "content/teams/pipe.yaml")
    (root / "content/ledger").mkdir()
    (root / "content/ledger/zero.csv").symlink_to("/dev/zero")
    result = timed(outcome, root)  # a pipe opened for reading would wait for a writer for ever
    texts = [p.format() for p in result]
    assert "content/teams/pipe.yaml: is not a regular file (a pipe, socket or device?): remove it [V100]" in texts, (
        texts
    )
    assert (
        "content/ledger/zero.csv: is a link that points outside content/ledger/: put the file itself here "
        "instead of a link [V108]" in texts
    ), texts


def test_a_file_name_that_is_not_utf8(tmp_path):
    root = write_site(tmp_path / "site", {})
    name = os.fsencode(root / "content/stories") + b"/\xff\xfe-story.md"
    with open(name, "wb") as out:
        out.write("---\ntitle: 好\ndate: 2024-01-01\n---\n正文\n".encode())
    texts = [p.format() for p in timed(outcome, root)]
    assert (
        "content/stories/��-story.md: the file name is not valid UTF-8 (� marks the bytes that are not): "
        "rename the file [V106]" in texts
    ), texts
    cli = run_cli("build", str(root), "-q")
    assert_not_a_bug(cli)
    assert cli.returncode == 1 and "rename the file" in cli.stderr


def test_a_file_name_with_a_line_break(tmp_path):
    root = write_site(tmp_path / "site", {"content/teams/a\nb.yaml": "id: x\nname: y\n"})
    texts = [p.format() for p in outcome(root)]
    assert (
        "content/teams/a\\nb.yaml: the file name holds a line break or control character: rename the file [V107]"
        in texts
    ), texts


def test_a_long_chinese_file_name_gives_a_short_slug_and_builds(tmp_path):
    name = "山区巡回义诊的第十个春天" * 6 + ".md"  # 216 bytes: a legal name, a slug of 300 letters in pinyin
    root = write_site(tmp_path / "site", {f"content/stories/{name}": "---\ntitle: 长\ndate: 2024-01-01\n---\n正文\n"})
    site = outcome(root)
    assert isinstance(site, Site), site
    [slug] = [d.slug for d in site.model.stories.values() if d.title == "长"]
    assert len(slug) <= MAX_SLUG_LENGTH and slug.startswith("shan-qu-xun-hui-yi-zhen")
    cli = run_cli("build", str(root), "-q")
    assert_not_a_bug(cli)
    assert cli.returncode == 0, cli.stderr
    assert (root / "output/stories" / slug / "index.html").is_file()


def test_an_id_too_long_for_a_web_address():
    long_id = "a" * (MAX_ID_LENGTH + 1)
    one_problem(
        {"content/volunteers/v.yaml": f"id: {long_id}\nname: 长\n"},
        "content/volunteers/v.yaml:1:",
        f"at most {MAX_ID_LENGTH}",
    )
    one_problem(
        {"content/stories/s.md": f"---\ntitle: t\ndate: 2024-01-01\nslug: {long_id}\n---\n"},
        "content/stories/s.md:4:",
        f"at most {MAX_ID_LENGTH}",
    )


@pytest.mark.parametrize(
    "value, needle",
    [
        ("1e999999999", "out of range"),
        ("1e-999999999", "out of range"),
        ("9" * 5000, "out of range"),
        (".nan", "must be a number"),
        ("-.inf", "must be a number"),
    ],
    ids=["huge", "tiny", "5000-digits", "nan", "-inf"],
)
def test_numbers_that_would_overflow_or_take_minutes(value, needle):
    for field in ("people_served", "hours"):
        timed(
            one_problem,
            {"content/activities/a.yaml": f"id: a\ntitle: t\ndate: 2024-01-01\n{field}: {value}\n"},
            "content/activities/a.yaml:4:",
            needle,
            limit=2,
        )
    timed(
        one_problem,
        {"content/ledger/l.yaml": f"- {{date: 2024-01-02, volunteer: li-na, hours: 1, points: {value}}}\n"},
        "content/ledger/l.yaml:1:",
        needle,
        limit=2,
    )


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "1799-12-31", "3000-01-01"])
def test_dates_outside_the_years_of_volunteering(date):
    one_problem(
        {"content/awards/a.yaml": f"title: t\nvolunteer: li-na\ndate: {date}\n"},
        "content/awards/a.yaml:3:",
        "between 1800 and 2999",
    )
