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
