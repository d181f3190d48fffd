"""The search index is part of the build: made before the swap, byte-identical, switchable."""

from __future__ import annotations

import json

from conftest import tree_digest


def test_search_page_and_index_are_built(site, tmp_path):
    site()
    out = site.build().built
    page = (out / "search/index.html").read_text()
    assert '<label for="q">搜索内容</label>' in page and 'src="/volunteer/search.js"' in page
    assert 'data-base="/volunteer/"' in page
    assert (out / "pagefind/pagefind.js").is_file() and (out / "search.js").is_file()
    # Pagefind's ready-made interfaces are not shipped (they carry their translators' e-mail addresses)
    assert not list((out / "pagefind").glob("pagefind-*ui*")) and not (out / "pagefind/pagefind-highlight.js").exists()
    entry = (out / "pagefind/pagefind-entry.json").read_text()
    data = json.loads(entry)
    assert "zh-cn" in data["languages"]
    assert entry == json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert 'href="/volunteer/search/"' in (out / "index.html").read_text()


def test_only_marked_content_is_indexed(site):
    site()
    out = site.build().built
    story = (out / "stories/clinic/index.html").read_text()
    assert "data-pagefind-body" in story
    assert "data-pagefind-body" not in (out / "stories/index.html").read_text()  # lists are not results
    assert "data-pagefind-body" in (out / "volunteers/li-na/index.html").read_text()


def test_search_index_is_byte_identical(site, tmp_path):
    site()
    site.build("-o", str(tmp_path / "a"))
    site.build("-o", str(tmp_path / "b"))
    a = {k: v for k, v in tree_digest(tmp_path / "a").items() if k.startswith("pagefind/")}
    assert a and a == {k: v for k, v in tree_digest(tmp_path / "b").items() if k.startswith("pagefind/")}


def test_search_can_be_switched_off(site):
    site({"site.yaml": "title: x\nbase_url: https://example.org/volunteer/\nsearch: false\n"})
    out = site.build().built
    assert not (out / "pagefind").exists() and not (out / "search").exists()
    assert "search/" not in (out / "index.html").read_text()


def test_pagefind_is_shown_only_the_marked_pages(site, tmp_path, monkeypatch):
    import volsite.search as search

    site()
    out = site.build().built
    real = search.pagefind_binary()
    seen = tmp_path / "seen.txt"
    spy = tmp_path / "pagefind-spy"
    # records the HTML files in the folder Pagefind is given, then runs the real one
    spy.write_text(f'#!/bin/sh\n(cd "$2" && find . -name "*.html" | sort) > "{seen}"\nexec "{real}" "$@"\n')
    spy.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_binary", lambda: str(spy))
    before = tree_digest(out)
    search.index_folder(out)  # the pages are read back from the folder, as the preview server does
    shown = [line.removeprefix("./") for line in seen.read_text().split()]
    assert "stories/clinic/index.html" in shown and "volunteers/li-na/index.html" in shown
    every_page = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    left_out = set(every_page) - set(shown)
    assert {"stories/index.html", "index.html"} <= left_out
    assert all("data-pagefind-body" not in (out / rel).read_text() for rel in left_out)
    assert all("data-pagefind-body" in (out / rel).read_text() for rel in shown)
    # the same index as the build made, and nothing of the shown folder is left behind
    assert tree_digest(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".pagefind")]


def test_leaving_unmarked_pages_out_gives_pagefinds_own_index(site, tmp_path):
    import shutil
    import subprocess

    from volsite.search import UNUSED, normalise, pagefind_binary

    site()
    out = site.build().built
    whole = tmp_path / "whole"
    shutil.copytree(out, whole, ignore=shutil.ignore_patterns("pagefind"))
    subprocess.run([pagefind_binary(), "--site", str(whole), "--output-path", str(tmp_path / "own"), "--silent"],
                   check=True)
    normalise(tmp_path / "own")
    for name in UNUSED:
        (tmp_path / "own" / name).unlink(missing_ok=True)
    ours = {k.removeprefix("pagefind/"): v for k, v in tree_digest(out).items() if k.startswith("pagefind/")}
    assert ours and ours == tree_digest(tmp_path / "own")


def test_searchable_pages_follow_pagefinds_rule():
    from volsite.search import searchable_pages

    marked = b'<main><div data-pagefind-body>x</div></main>'
    plain = b"<main>x</main>"
    assert searchable_pages({"b/index.html": marked, "a/index.html": plain, "c/index.html": marked,
                             "data/x.json": marked}) == ["b/index.html", "c/index.html"]
    # no page marks its body: Pagefind indexes every page
    assert searchable_pages({"b.html": plain, "a.html": plain, "x.css": plain}) == ["a.html", "b.html"]


def fragments(out):
    """url → the text Pagefind stored for that page."""
    import gzip

    from volsite.search import SIGNATURE

    found = {}
    for path in (out / "pagefind/fragment").iterdir():
        data = json.loads(gzip.decompress(path.read_bytes())[len(SIGNATURE):])
        found[data["url"]] = data["content"].replace("\u200b", "").replace(" ", "")
    return found


def test_figures_and_lists_of_names_are_not_searched(site):
    site()
    out = site.build().built
    texts = fragments(out)
    profile = texts["/volunteers/li-na/"]
    page = (out / "volunteers/li-na/index.html").read_text()
    assert "李娜" in profile
    # on the page, but a search for 小时 or 积分 must not bring up every volunteer
    for label in ("累计服务时长", "积分", "服务记录"):
        assert label in page and label not in profile, label
    teams_and_activities = [url for url in texts if url.startswith(("/teams/", "/activities/"))]
    assert any(url.startswith("/activities/") for url in teams_and_activities)
    for url in teams_and_activities:
        assert "服务时长" not in texts[url] and "参与人数" not in texts[url], url
