"""The build cache in .volsite-cache/: same bytes with or without it, never trusted when
stale or damaged, and pages rendered in parallel equal to pages rendered in one process."""

from __future__ import annotations

import json
import shutil
import time

from conftest import shared_out, tree_digest
from volsite.speed.store import CACHE_FOLDER


def test_a_build_from_the_cache_equals_a_build_without(site, tmp_path):
    root = site()
    assert site.build("-o", str(tmp_path / "cold")).exit_code == 0
    assert list((root / CACHE_FOLDER).glob("markdown-*/*.jsonl"))
    assert list((root / CACHE_FOLDER / "search-parts").iterdir())
    warm = site.build("-o", str(tmp_path / "warm"), "-v")
    assert "search index unchanged: every part was kept" in warm.output
    shutil.rmtree(root / CACHE_FOLDER)
    site.build("-o", str(tmp_path / "again"))
    assert tree_digest(tmp_path / "cold") == tree_digest(tmp_path / "warm") == tree_digest(tmp_path / "again")


def test_a_changed_page_makes_a_new_search_index(site, tmp_path):
    root = site()
    site.build()
    site.write({"content/stories/2024-03-05-clinic.md": "---\ntitle: 新标题\ndate: 2024-03-05\n---\n新正文。\n"})
    result = site.build("-v")
    assert "indexing for search" in result.output and "unchanged" not in result.output
    assert len(list((root / CACHE_FOLDER / "search-parts").iterdir())) == 1  # only the latest is kept


def test_a_damaged_cache_is_ignored(site, tmp_path):
    root = site()
    site.build("-o", str(tmp_path / "one"))
    parts = list((root / CACHE_FOLDER).glob("markdown-*/*.jsonl"))
    assert parts
    for path in parts:
        path.write_text("{not json", encoding="utf-8")
    assert site.build("-o", str(tmp_path / "two")).exit_code == 0
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_settings_that_change_the_html_are_not_served_from_the_cache(site, tmp_path):
    root = site()
    site.build("-o", str(tmp_path / "one"))
    site.write(
        {"content/stories/2024-03-05-clinic.md": "---\ntitle: 义诊\ndate: 2024-03-05\n---\n[链接](/teams/hq/)\n"}
    )
    site.build("-o", str(tmp_path / "one"))
    before = set((root / CACHE_FOLDER).glob("markdown-*"))
    site.write({"site.yaml": "title: 测试站\nbase_url: https://example.org/other/\n"})
    site.build("-o", str(tmp_path / "two"))
    assert 'href="/other/teams/hq/"' in (tmp_path / "two/stories/clinic/index.html").read_text()
    after = set((root / CACHE_FOLDER).glob("markdown-*"))
    assert before and after and not before & after  # what other settings made is gone


def test_pages_rendered_in_parallel_equal_pages_rendered_in_one_process():
    from conftest import REPO
    from volsite.pipeline import load_site, render_site
    from volsite.speed.workers import ForkedWorkers

    site = load_site(REPO)
    serial = render_site(site)
    for workers in (2, 3):
        parallel = render_site(site, ForkedWorkers(workers, share_from=0))
        assert list(parallel.pages) == list(serial.pages) and parallel.pages == serial.pages
        assert parallel.findings == serial.findings


def test_pages_of_a_kind_with_one_page_are_rendered_first_and_files_keep_route_order(monkeypatch):
    # The heavy pages (home, sitemap, honours, the directory) first: the run claimed last
    # is then light, and no process ends the phase alone with one of them.
    import collections

    from conftest import REPO
    from volsite.pipeline import load_site, render_site
    from volsite.render.pages import Renderer

    site = load_site(REPO)
    rendered: list[str] = []
    render = Renderer.render

    def noted(self, route, problems):
        rendered.append(route.kind)
        return render(self, route, problems)

    monkeypatch.setattr(Renderer, "render", noted)
    files = render_site(site).pages
    kinds = collections.Counter(route.kind for route in site.routes)
    singles = sum(1 for count in kinds.values() if count == 1)
    assert singles > 5 and all(kinds[kind] == 1 for kind in rendered[:singles])
    assert all(kinds[kind] > 1 for kind in rendered[singles:])
    assert list(files) == [route.output for route in site.routes if route.output in files]


def test_pages_written_as_rendered_equal_pages_kept_in_memory(site, tmp_path, monkeypatch):
    """A build writes each page where it was rendered; the bytes, and what the checks
    find in them, are those of rendering into memory, in one process or several."""
    from volsite.builds import _writer
    from volsite.output.checks import privacy_findings
    from volsite.output.search import is_marked, page_digest
    from volsite.output.write import Staging
    from volsite.pipeline import load_site, render_site
    from volsite.speed.workers import ForkedWorkers

    root = site(
        {
            "content/stories/2024-06-01-leak.md": "---\ntitle: 热线\ndate: 2024-06-01\n---\n有事请打 139 1234 5678 找我。\n"
        }
    )
    loaded = load_site(root)
    serial = render_site(loaded)
    in_memory = privacy_findings(serial.pages, loaded.config.privacy_allow)
    assert any("looks like" in p.message for p in in_memory)  # the check has something to find
    for workers in (1, 2, 3):
        staging = Staging(tmp_path / f"out{workers}")
        streamed = render_site(loaded, ForkedWorkers(workers, share_from=0), deliver=_writer(staging, loaded))
        assert list(streamed.pages) == list(serial.pages)
        on_disk = {
            p.relative_to(staging.folder).as_posix(): p.read_bytes()
            for p in staging.folder.rglob("*")
            if p.is_file() and not p.name.startswith(".volsite")
        }
        assert on_disk == serial.pages
        assert {rel: w.digest for rel, w in streamed.pages.items()} == {
            rel: page_digest(data) if is_marked(data) else b"" for rel, data in serial.pages.items()
        }
        assert {rel: w.searchable for rel, w in streamed.pages.items()} == {
            rel: is_marked(data) for rel, data in serial.pages.items()
        }
        assert streamed.findings == serial.findings
        assert [p for rel in sorted(streamed.pages) for p in streamed.pages[rel].findings] == in_memory


def test_a_template_error_in_a_forked_share_is_reported_once(site, monkeypatch):
    shared_out(monkeypatch)
    site(
        {
            "themes/default/templates/volunteer.html": "{% extends 'base.html' %}{% block main %}{{ p.nope }}{% endblock %}"
        }
    )
    result = site.build()
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "template error" in line]
    assert errors and len(errors) == len(set(errors)), result.output


def _stamps(folder):
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_a_build_with_nothing_changed_writes_nothing_and_says_so(site):
    site({"content/volunteers/kid.yaml": "id: kid\nname: 小明\nminor: true\nteams: [clinic]\n"})
    first = site.build()
    before, stamps = tree_digest(first.built), _stamps(first.built)
    again = site.build()
    assert "nothing changed since the last build" in again.output and again.exit_code == 0
    assert "warning: volunteer 'kid'" in again.output  # warnings are said again, every build
    assert tree_digest(again.built) == before and _stamps(again.built) == stamps


def test_any_change_to_what_a_build_reads_builds_again(site, tmp_path):
    root = site()
    site.build()
    edits = [
        lambda: site.write({"content/stories/2024-03-05-clinic.md": "---\ntitle: 改\ndate: 2024-03-05\n---\n新。\n"}),
        lambda: site.write({"site.yaml": (root / "site.yaml").read_text() + "\n"}),
        lambda: site.write(
            {"themes/default/templates/404.html": "{% extends 'base.html' %}{% block main %}无{% endblock %}"}
        ),
        lambda: site.write({"content/media/new.txt": "新文件"}),
    ]
    for edit in edits:
        edit()
        result = site.build()
        assert "nothing changed" not in result.output and result.exit_code == 0, result.output
    assert "无" in (root / "output/404.html").read_text()
    for options in (["--drafts"], ["--base-url", "https://example.org/other/"], ["-o", str(tmp_path / "elsewhere")]):
        assert "nothing changed" not in site.build(*options).output


def test_another_pagefind_builds_a_searchable_site_again_and_is_not_asked_for_without_search(site, monkeypatch):
    import volsite.speed.record as record

    root = site()
    site.build()
    monkeypatch.setattr(record, "search_tool_version", lambda: "0.0.0-other")
    assert "nothing changed" not in site.build().output
    site.write({"site.yaml": (root / "site.yaml").read_text() + "search: false\n"})
    site.build()

    def not_to_be_asked() -> str:
        raise AssertionError("a site without search asked for Pagefind's version")

    monkeypatch.setattr(record, "search_tool_version", not_to_be_asked)
    again = site.build()
    assert "nothing changed since the last build" in again.output and again.exit_code == 0


def test_an_output_folder_changed_by_hand_is_built_again(site):
    site()
    out = site.build().built
    cold = tree_digest(out)
    (out / "feed.xml").unlink()
    assert "nothing changed" not in site.build().output and tree_digest(out) == cold
    (out / "index.html").write_text("被改了", encoding="utf-8")
    assert "nothing changed" not in site.build().output and tree_digest(out) == cold
    (out / "extra.html").write_text("多余", encoding="utf-8")
    assert "nothing changed" not in site.build().output and tree_digest(out) == cold


def test_a_failed_build_leaves_the_record_of_the_last_good_one_true(site):
    root = site()
    out = site.build().built
    good = tree_digest(out)
    story = root / "content/stories/2024-03-05-clinic.md"
    text = story.read_text()
    site.write({"content/stories/2024-03-05-clinic.md": "---\ntitle: [\n---\n"})
    assert site.build().exit_code == 1
    site.write({"content/stories/2024-03-05-clinic.md": text})
    back = site.build()
    assert "nothing changed" in back.output and tree_digest(back.built) == good


def test_an_edit_that_keeps_size_and_time_is_still_seen(site, monkeypatch):
    """Files are re-read only when size, times or inode differ; ctime gives away an edit
    whose mtime was put back (as `touch -d` or an unzip would)."""
    import os

    import volsite.speed.record

    monkeypatch.setattr(volsite.speed.record, "RACY_NS", 0)  # trust files however fresh
    root = site()
    story = root / "content/stories/2024-03-05-clinic.md"
    text = story.read_text()
    site.build()
    again = site.build()
    assert "nothing changed" in again.output
    before = story.stat()
    story.write_text(text.replace("义诊的一天", "义诊的两天"), encoding="utf-8")  # same size in bytes
    os.utime(story, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert story.stat().st_size == before.st_size and story.stat().st_mtime_ns == before.st_mtime_ns
    result = site.build()
    assert "nothing changed" not in result.output
    assert "义诊的两天" in (result.built / "stories/clinic/index.html").read_text()


def test_a_build_keeps_unchanged_files_as_they_were_and_equals_a_cold_build(site, tmp_path):
    """Unchanged files are the previous build's, hard-linked: same inode, same time (deploy
    tools that compare times upload only what changed); the tree is that of a cold build."""
    site()
    out = site.build().built
    unchanged = out / "volunteers/li-na/index.html"
    story = out / "stories/clinic/index.html"
    before = unchanged.stat()
    site.write(
        {
            "content/stories/2024-03-05-clinic.md": "---\ntitle: 义诊的一天\ndate: 2024-03-05\n"
            "volunteers: [li-na]\n---\n改过的正文。\n"
        }
    )
    assert site.build().exit_code == 0
    assert "改过的正文" in story.read_text()
    after = unchanged.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    site.write({"content/stories/2024-03-05-clinic.md": None})
    assert site.build().exit_code == 0
    assert not story.exists()
    site.build("-o", str(tmp_path / "cold"))
    assert tree_digest(out) == tree_digest(tmp_path / "cold")


def test_files_parsed_in_parallel_equal_files_parsed_in_one_process(tmp_path, monkeypatch):
    """A cold load parses files in forked processes (given ForkedWorkers): the same
    records and problems as one process, each file parsed once, by one of the processes
    (a share whose records could not be sent back would be parsed again here)."""
    import os

    import volsite.kinds.content
    import volsite.read.files
    from conftest import REPO
    from volsite.config import load_config
    from volsite.problems import Problems
    from volsite.seams import OneProcess
    from volsite.speed.workers import ForkedWorkers

    def load(workers):
        problems = Problems()
        content = volsite.kinds.content.load_content(REPO, load_config(REPO, Problems()), problems, workers)
        return content, list(problems)

    serial = load(OneProcess())
    assert serial[0].ledger and serial[0].stories and serial[0].volunteers
    log = tmp_path / "parsed"
    read_bytes = volsite.read.files.read_bytes

    def read_telling_who(site_root, rel, *args):
        with open(log, "a") as out:
            out.write(f"{os.getpid()} {rel}\n")
        time.sleep(0.003)  # slow enough that a process forked last still gets to claim some
        return read_bytes(site_root, rel, *args)

    monkeypatch.setattr(volsite.read.files, "read_bytes", read_telling_who)
    for workers in (1, 2, 3):
        log.write_text("")
        assert load(ForkedWorkers(workers, share_from=0)) == serial
        entries = [line.split(" ", 1) for line in log.read_text().splitlines()]
        assert len({path for _, path in entries}) == len(entries) > 20  # each parsed once
        assert len({pid for pid, _ in entries}) == workers and str(os.getpid()) in {pid for pid, _ in entries}


def test_markdown_converted_in_parallel_equals_one_process(tmp_path, monkeypatch):
    import os
    import time

    import volsite.render.markdown
    from volsite.render.markdown import convert_texts
    from volsite.speed.workers import ForkedWorkers

    texts = [
        f"## 第{i}节\n\n正文 **{i}** [链接](/stories/s{i}/)\n\n| a | b |\n|---|---|\n| {i} | 2 |\n\n注[^1]\n\n"
        f"[^1]: 脚注{i}"
        for i in range(40)
    ]
    serial = convert_texts(texts, "/v/")
    converters = tmp_path / "pids"
    to_html = volsite.render.markdown.cmark.to_html

    def to_html_telling_who(text, trust_html):
        with open(converters, "a") as log:
            log.write(f"{os.getpid()}\n")
        time.sleep(0.01)  # slow enough that every process gets to claim some
        return to_html(text, trust_html)

    monkeypatch.setattr(volsite.render.markdown.cmark, "to_html", to_html_telling_who)
    for workers in (2, 3):
        converters.write_text("")
        assert convert_texts(texts, "/v/", workers=ForkedWorkers(workers, share_from=0)) == serial
        pids = converters.read_text().split()
        assert len(pids) == len(texts) and len(set(pids)) == workers  # each once, in every process


def test_a_serve_session_never_forks(site, tmp_path, monkeypatch):
    """The preview server's threads would be copied mid-work into a fork: its rebuilds
    load, convert and render in its own process, however big the work."""
    import volsite.speed.workers
    from volsite.builds import rebuild
    from volsite.pipeline import load_site, render_site
    from volsite.speed.session import SessionStore
    from volsite.speed.workers import ForkedWorkers

    forks = []
    monkeypatch.setattr(volsite.speed.workers, "_start", lambda work: forks.append(work))
    shared_out(monkeypatch)  # what a build would be given
    root = site()
    rebuild(root, tmp_path / "out", SessionStore(), search=False)
    assert (tmp_path / "out/index.html").exists() and forks == []
    workers = ForkedWorkers(2, share_from=0)
    render_site(load_site(root, workers=workers), workers)  # as a build does: it forks
    assert forks


def test_the_record_of_output_is_what_is_on_disk_without_walking_it(site, tmp_path):
    """The build records each file's size and time as it writes it (and walks only
    Pagefind's folder): the record is exactly what a walk of output/ finds, with search
    on or off, on a cold build and on one that reuses files."""
    from volsite.speed.record import load_build_record, output_manifest

    root = site()
    for options in ((), ("--drafts",)):  # cold, then reusing the unchanged files
        out = site.build(*options).built
        assert load_build_record(root)["manifest"] == output_manifest(out)
        assert any(name.startswith("pagefind/") for name in output_manifest(out))
    site.write({"site.yaml": (root / "site.yaml").read_text() + "search: false\n"})
    out = site.build().built
    assert load_build_record(root)["manifest"] == output_manifest(out)


def test_the_cycle_collector_is_paused_while_loading_and_skips_the_loaded_site_to_the_end(site, tmp_path, monkeypatch):
    import gc

    import volsite.builds
    import volsite.speed.record

    seen = {}
    real_load, real_render = volsite.builds.load_site, volsite.builds.render_site

    def load_site(*args, **kwargs):
        seen["loading"] = gc.isenabled()
        return real_load(*args, **kwargs)

    def render_site(site_, *args, **kwargs):
        seen["rendering"] = (gc.isenabled(), gc.get_freeze_count() > 0)
        return real_render(site_, *args, **kwargs)

    def save_build_record(root_, record):
        if record is not None:  # the build's last work: still without the loaded site in its walks
            seen["recording"] = gc.get_freeze_count() > 0
        return real_save(root_, record)

    real_save = volsite.speed.record.save_build_record
    monkeypatch.setattr(volsite.builds, "load_site", load_site)
    monkeypatch.setattr(volsite.builds, "render_site", render_site)
    monkeypatch.setattr(volsite.speed.record, "save_build_record", save_build_record)
    root = site({"site.yaml": "title: 测试站\nbase_url: https://example.org/volunteer/\nsearch: false\n"})
    assert gc.isenabled()
    volsite.builds.build(root, tmp_path / "out")  # no search: staged in this process
    assert seen == {"loading": False, "rendering": (True, True), "recording": True}
    assert gc.isenabled() and gc.get_freeze_count() == 0  # as it was


def test_a_storys_card_is_made_once_per_build_and_equals_a_fresh_one():
    """Tag pages, lists and the home page all show story cards: one StoryView per story."""
    from conftest import REPO
    from volsite.pipeline import load_site
    from volsite.render.markdown import convert_texts
    from volsite.render.site import document_texts
    from volsite.render.views import Views

    site = load_site(REPO)
    html = convert_texts(document_texts(site.model), site.config.base_path)
    views = Views(site.model, site.figures, html, frozenset(r.url for r in site.routes), {}, {})
    slug = next(iter(site.model.stories))
    first = views.story(slug)
    assert views.story(slug) is first and first == views._story(slug) and first.html


def test_strings_and_menu_items_read_as_attributes_and_as_a_dict():
    """Templates read t.skip and item.url; Fields answers at once and stays a dict."""
    from volsite.render.i18n import strings
    from volsite.render.pages import Fields

    plain = strings("zh-CN")
    fields = Fields(plain)
    assert fields == plain and repr(fields) == repr(plain) and fields.get("skip") == plain["skip"]
    assert all(getattr(fields, key) == value for key, value in plain.items())
    assert "skip" in vars(fields)  # found by the plain attribute lookup, no failed one first


def test_the_whole_indexes_earlier_versions_kept_are_removed(site):
    root = site()
    old = root / CACHE_FOLDER / "search" / "0123abcd"
    old.mkdir(parents=True)
    (old / "pagefind-entry.json").write_text("{}", encoding="utf-8")
    assert site.build().exit_code == 0
    assert not (root / CACHE_FOLDER / "search").exists()


def _conversions(monkeypatch) -> list[str]:
    """The texts converted from now on in this process."""
    import volsite.render.markdown

    converted: list[str] = []
    convert = volsite.render.markdown.Converter.convert

    def counted(self, text):
        converted.append(text)
        return convert(self, text)

    monkeypatch.setattr(volsite.render.markdown.Converter, "convert", counted)
    return converted


def _stories(count: int, word: str = "正文") -> dict[str, str]:
    return {
        f"content/stories/2024-04-{day:02d}-s{day}.md": f"---\ntitle: 第{day}篇\ndate: 2024-04-{day:02d}\n---\n{word}{day}。\n"
        for day in range(1, count + 1)
    }


def test_each_process_that_converts_writes_its_own_part_and_the_next_build_converts_nothing(site, monkeypatch):
    import volsite.render.markdown

    root = site(_stories(12))
    to_html = volsite.render.markdown.cmark.to_html

    def slowly(text, trust_html):
        time.sleep(0.02)  # slow enough that both processes get to claim some
        return to_html(text, trust_html)

    monkeypatch.setattr(volsite.render.markdown.cmark, "to_html", slowly)
    shared_out(monkeypatch)
    assert site.build().exit_code == 0
    parts = {part.parent.name: [] for part in (root / CACHE_FOLDER).glob("markdown-*/*.jsonl")}
    for part in (root / CACHE_FOLDER).glob("markdown-*/*.jsonl"):
        parts[part.parent.name].append(part.name.split("-")[0])
    assert [len(set(pids)) for pids in parts.values()] == [2]  # the stories' texts (records have none here)
    converted = _conversions(monkeypatch)
    assert site.build("-o", str(root / "again")).exit_code == 0
    assert converted == []


def test_parts_are_put_together_once_many_of_their_texts_are_gone(site, monkeypatch):
    root = site(_stories(20))  # and the base site's story: 21 texts
    site.build()
    folder = max((root / CACHE_FOLDER).glob("markdown-*"), key=lambda f: len(list(f.iterdir())))
    site.write({rel: text.replace("正文", "改写") for rel, text in _stories(3).items()})
    site.build()
    assert len(list(folder.glob("*.jsonl"))) == 2  # the first build's and this one's: 3 of 24 texts unused
    site.write({rel: text.replace("正文", "再改") for rel, text in _stories(3).items()})
    site.build()  # 6 of 27 unused, more than a fifth: put together, without them
    [whole] = folder.glob("*.jsonl")
    assert sum(len(json.loads(line)) for line in whole.read_text(encoding="utf-8").splitlines()) == 21
    converted = _conversions(monkeypatch)
    site.build("-o", str(root / "again"))
    assert converted == []


def test_a_line_cut_short_costs_only_its_own_texts(site, tmp_path, monkeypatch):
    root = site(_stories(5))
    site.build("-o", str(tmp_path / "one"))
    [part] = [
        p
        for p in (root / CACHE_FOLDER).glob("markdown-*/*.jsonl")
        if "第" in p.read_text(encoding="utf-8") or "正文" in p.read_text(encoding="utf-8")
    ]
    lines = part.read_bytes().splitlines(keepends=True)
    part.write_bytes(b"".join(lines) + b'{"cut": ["<p>' + "半".encode() * 3)  # as a killed build leaves it
    converted = _conversions(monkeypatch)
    assert site.build("-o", str(tmp_path / "two")).exit_code == 0
    assert converted == []
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_stories_and_records_keep_apart_caches_when_neither_may_hold_html(site, monkeypatch):
    # With markdown.unsafe_html: false both kinds of text are converted alike; one cache
    # file for both was written twice, each time with only one kind's texts.
    root = site(
        {
            "site.yaml": "title: 测试站\nbase_url: https://example.org/v/\nmarkdown: {unsafe_html: false}\n",
            "content/volunteers/people.yaml": (
                "- {id: zhang-wei, name: 张伟, teams: [hq]}\n- id: li-na\n  name: 李娜\n  bio: 退休**教师**。\n"
            ),
            **_stories(2),
        }
    )
    assert site.build().exit_code == 0
    assert len(list((root / CACHE_FOLDER).glob("markdown-*"))) == 2
    converted = _conversions(monkeypatch)
    site.build("-o", str(root / "again"))
    assert converted == []


def test_a_cold_build_hashes_what_it_parses_as_it_reads_it_and_records_the_same_digest(site, monkeypatch):
    import volsite.speed.record as diskcache
    from volsite.speed.record import inputs_digest, load_build_record

    root = site({"content/ledger/2024.csv": "date,volunteer,hours\n2024-01-02,li-na,2\n"})
    hashed: list[str] = []
    file_hash = diskcache._file_hash

    def noted(path):
        hashed.append(path)
        return file_hash(path)

    monkeypatch.setattr(diskcache, "_file_hash", noted)
    assert site.build().exit_code == 0
    parsed = [p for p in hashed if p.startswith(str(root / "content")) and p.endswith((".md", ".yaml", ".csv"))]
    assert parsed == [] and any(p.endswith("site.yaml") for p in hashed)  # the rest is still hashed before
    record = load_build_record(root)
    monkeypatch.setattr(diskcache, "_file_hash", file_hash)
    whole, _ = inputs_digest(root, root / "output", {"drafts": False, "base_url": None})
    assert record["inputs"] == whole
    assert "nothing changed" in site.build().output


def test_a_file_changed_after_the_build_read_it_is_built_again(site, monkeypatch):
    import volsite.pipeline

    root = site()
    story = root / "content/stories/2024-03-05-clinic.md"
    build_model = volsite.pipeline.build_model

    def edited_once_read(content, config, problems, today):
        story.write_text(story.read_text(encoding="utf-8").replace("正文", "改过的正文"), encoding="utf-8")
        return build_model(content, config, problems, today)

    monkeypatch.setattr(volsite.pipeline, "build_model", edited_once_read)
    first = site.build()
    assert "改过的正文" not in (first.built / "stories/clinic/index.html").read_text(encoding="utf-8")
    monkeypatch.setattr(volsite.pipeline, "build_model", build_model)
    again = site.build()
    assert "nothing changed" not in again.output
    assert "改过的正文" in (again.built / "stories/clinic/index.html").read_text(encoding="utf-8")


def test_the_plain_seams_give_the_bytes_of_a_build_on_every_core_with_its_store(tmp_path, monkeypatch):
    """One process and nothing kept (volsite.seams) is the same pipeline as a build's forked
    workers and disk store: the same pages, byte for byte, cold and with the store filled."""
    from conftest import REPO
    from volsite.builds import build
    from volsite.pipeline import load_site, render_site

    root = tmp_path / "site"
    for name in ("content", "themes"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shared_out(monkeypatch)
    plain = render_site(load_site(root))
    assert len(plain.pages) > 100
    for run in ("cold", "from the store"):
        out = tmp_path / run
        assert build(root, out).unchanged is False
        for rel, data in plain.pages.items():
            assert (out / rel).read_bytes() == data, f"{run}: {rel}"
        for rel, source in plain.copies.items():
            assert (out / rel).read_bytes() == source.read_bytes(), f"{run}: {rel}"
    assert list((root / CACHE_FOLDER).glob("markdown-*/*.jsonl"))  # the second build had a store to read
