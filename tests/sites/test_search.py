"""The search index is part of the build: made before the swap, byte-identical, switchable."""

from __future__ import annotations

import json
import re

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


def test_pagefind_reads_only_pages_of_the_shapes_it_indexes(site, tmp_path, monkeypatch):
    import volsite.search as search

    site()
    out = site.build().built
    real = search.pagefind_binary()
    seen = tmp_path / "seen.txt"
    spy = tmp_path / "pagefind-spy"
    # runs the real one, keeping what it says about the files its glob matched
    spy.write_text(f'#!/bin/sh\nexec "{real}" "$@" --verbose > "{seen}"\n')
    spy.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_binary", lambda: str(spy))
    before = tree_digest(out)
    search.index_folder(out)  # the pages are read back from the folder, as the preview server does
    said = seen.read_text()
    found = int(re.search(r"Found (\d+) files? matching", said).group(1))
    every_page = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    marked = [rel for rel in every_page if "data-pagefind-body" in (out / rel).read_text()]
    assert len(marked) <= found < len(every_page) and f"Indexed {len(marked)} pages" in said
    # hours statements, lists and tag pages are not read at all
    assert found <= len(marked) + 2, said  # honors/candidates/ shares its shape with the years
    # the same index as the build made
    assert tree_digest(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".pagefind")]


def test_the_glob_matches_odd_names_as_themselves(tmp_path):
    import subprocess

    from volsite.search import pagefind_binary, pages_glob

    names = ["a(b)/index.html", "x,y.html", "[z]/q/index.html", "c{d}.html", "e!f#g$h.html",
             "n*o?.html", "普通/页面.html", "sp ace.html", "k:l<m>.html", "back\\slash.html"]
    others = ["other.html", "a(b)/other.html", "nx,y.html", "x/y/z/index.html", "z/q/index.html"]
    for name in names + others:
        path = tmp_path / "site" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'<html lang="zh-CN"><body><main><h1>{name}</h1><p>志愿服务</p></main></body></html>')

    def found(pages):
        done = subprocess.run([pagefind_binary(), "--site", str(tmp_path / "site"), "--output-path",
                               str(tmp_path / "out"), "--glob", pages_glob(pages), "--verbose"],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        return int(re.search(r"Found (\d+) files? matching", done.stdout).group(1))

    expressible = names[:-2]
    assert found(expressible) == len(expressible)
    # a name with : < > or a backslash can only be matched by *.html: the top-level others come in too
    assert found(names) == len(names) + 2


def test_pages_are_generalised_to_their_shapes():
    from volsite.search import DEFAULT_GLOB, pages_glob

    assert pages_glob(["volunteers/a/index.html", "volunteers/b/index.html", "about/index.html",
                       "stories/2024/x/index.html", "index.html"]) == \
        "{about/index.html,index.html,stories/*/*/index.html,volunteers/*/index.html}"
    assert pages_glob(["a(b)/k:l.html"]) == "a\\(b\\)/*.html"
    assert pages_glob(["x:y/z/index.html"]) == "*/*/index.html"
    assert pages_glob([]) == DEFAULT_GLOB


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
    from volsite.search import is_marked, searchable_pages

    marked = b'<main><div data-pagefind-body>x</div></main>'
    plain = b"<main>x</main>"
    assert is_marked(marked) and not is_marked(plain)
    pages = {"b/index.html": marked, "a/index.html": plain, "c/index.html": marked, "data/x.json": marked}
    assert searchable_pages({rel: is_marked(data) for rel, data in pages.items()}) == ["b/index.html", "c/index.html"]
    # no page marks its body: Pagefind indexes every page
    assert searchable_pages({"b.html": False, "a.html": False, "x.css": False}) == ["a.html", "b.html"]


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
