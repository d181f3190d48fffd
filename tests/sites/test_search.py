"""The search index is part of the build: made before the swap, byte-identical, switchable."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import in_four_parts_counting_runs, tree_digest


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
    import volsite.output.search as search

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

    from volsite.output.search import pagefind_binary, pages_glob

    names = [
        "a(b)/index.html",
        "x,y.html",
        "[z]/q/index.html",
        "c{d}.html",
        "e!f#g$h.html",
        "n*o?.html",
        "普通/页面.html",
        "sp ace.html",
        "k:l<m>.html",
        "back\\slash.html",
    ]
    others = ["other.html", "a(b)/other.html", "nx,y.html", "x/y/z/index.html", "z/q/index.html"]
    for name in names + others:
        path = tmp_path / "site" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'<html lang="zh-CN"><body><main><h1>{name}</h1><p>志愿服务</p></main></body></html>')

    def found(pages):
        done = subprocess.run(
            [
                pagefind_binary(),
                "--site",
                str(tmp_path / "site"),
                "--output-path",
                str(tmp_path / "out"),
                "--glob",
                pages_glob(pages),
                "--verbose",
            ],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return int(re.search(r"Found (\d+) files? matching", done.stdout).group(1))

    expressible = names[:-2]
    assert found(expressible) == len(expressible)
    # a name with : < > or a backslash can only be matched by *.html: the top-level others come in too
    assert found(names) == len(names) + 2


def test_pages_are_generalised_to_their_shapes():
    from volsite.output.search import DEFAULT_GLOB, pages_glob

    assert (
        pages_glob(
            [
                "volunteers/a/index.html",
                "volunteers/b/index.html",
                "about/index.html",
                "stories/2024/x/index.html",
                "index.html",
            ]
        )
        == "{about/index.html,index.html,stories/*/*/index.html,volunteers/*/index.html}"
    )
    assert pages_glob(["a(b)/k:l.html"]) == "a\\(b\\)/*.html"
    assert pages_glob(["x:y/z/index.html"]) == "*/*/index.html"
    assert pages_glob([]) == DEFAULT_GLOB


def test_leaving_unmarked_pages_out_gives_pagefinds_own_index(site, tmp_path):
    import shutil
    import subprocess

    from volsite.output.search import UNUSED, normalise, pagefind_binary

    site()
    out = site.build().built
    whole = tmp_path / "whole"
    shutil.copytree(out, whole, ignore=shutil.ignore_patterns("pagefind"))
    subprocess.run(
        [pagefind_binary(), "--site", str(whole), "--output-path", str(tmp_path / "own"), "--silent"], check=True
    )
    normalise(tmp_path / "own")
    for name in UNUSED:
        (tmp_path / "own" / name).unlink(missing_ok=True)
    ours = {k.removeprefix("pagefind/"): v for k, v in tree_digest(out).items() if k.startswith("pagefind/")}
    assert json.loads((out / "pagefind/parts.json").read_text()) == {"parts": []}  # a small site: one part
    del ours["parts.json"]
    assert ours and ours == tree_digest(tmp_path / "own")


def test_searchable_pages_follow_pagefinds_rule():
    from volsite.output.search import is_marked, searchable_pages

    marked = b"<main><div data-pagefind-body>x</div></main>"
    plain = b"<main>x</main>"
    assert is_marked(marked) and not is_marked(plain)
    pages = {"b/index.html": marked, "a/index.html": plain, "c/index.html": marked, "data/x.json": marked}
    assert searchable_pages({rel: is_marked(data) for rel, data in pages.items()}) == ["b/index.html", "c/index.html"]
    # no page marks its body: Pagefind indexes every page
    assert searchable_pages({"b.html": False, "a.html": False, "x.css": False}) == ["a.html", "b.html"]


def fragments(out):
    """url → the text Pagefind stored for that page."""
    import gzip

    from volsite.bindings.pagefind import SIGNATURE

    found = {}
    for path in (out / "pagefind/fragment").iterdir():
        data = json.loads(gzip.decompress(path.read_bytes())[len(SIGNATURE) :])
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


# ---------------------------------------------------------------- an index in parts


def _indexed_urls(bundle) -> list[str]:
    import gzip

    urls = []
    for fragment in sorted((bundle / "fragment").iterdir()):
        data = gzip.decompress(fragment.read_bytes())
        urls.append(json.loads(data[data.index(b"{") :])["url"])
    return urls


def test_a_rewritten_pagefind_file_never_takes_the_name_of_another(tmp_path):
    import gzip
    import hashlib

    import cbor2

    from volsite.bindings.pagefind import SIGNATURE, _read, _write

    value = ["类型", [["志愿者故事", [0, 1]]]]
    digest = hashlib.sha256(SIGNATURE + cbor2.dumps(value)).hexdigest()
    taken = tmp_path / f"zh-cn_{digest[:7]}.pf_filter"  # another file whose name begins the same
    taken.write_bytes(gzip.compress(SIGNATURE + cbor2.dumps(["年份", []]), mtime=0))
    name = _write(tmp_path, "zh-cn", ".pf_filter", value, 7)
    assert name == f"zh-cn_{digest[:8]}"
    assert _read(tmp_path / f"{name}.pf_filter") == value and _read(taken) == ["年份", []]
    assert _write(tmp_path, "zh-cn", ".pf_filter", value, 7) == name  # the same bytes: the same name


def test_after_an_edit_only_the_part_holding_the_changed_page_is_indexed_again(site, tmp_path, monkeypatch):
    import shutil

    root = site()
    globs = in_four_parts_counting_runs(monkeypatch)
    out = tmp_path / "out"
    assert site.build("-o", str(out)).exit_code == 0
    assert len(globs) == 4
    story = root / "content/stories/2024-03-05-clinic.md"
    story.write_text(story.read_text(encoding="utf-8").replace("正文。", "正本。"), encoding="utf-8")  # same size
    globs.clear()
    assert site.build("-o", str(out)).exit_code == 0
    assert len(globs) == 1 and "stories" in globs[0], globs  # the part that holds the story's page
    assert len(list((root / ".volsite-cache/search-parts").iterdir())) == 4  # only the latest index's parts
    # exactly the index a build from nothing makes
    shutil.rmtree(root / ".volsite-cache")
    globs.clear()
    assert site.build("-o", str(tmp_path / "cold")).exit_code == 0
    assert len(globs) == 4
    assert tree_digest(out / "pagefind") == tree_digest(tmp_path / "cold/pagefind")


@pytest.mark.parametrize("damaged", ["a kept part", "the code of the kept first part"])
def test_a_kept_index_that_lost_a_file_is_not_published(site, tmp_path, monkeypatch, damaged):
    import shutil

    import volsite.bindings.pagefind as pagefind

    root = site()
    globs = in_four_parts_counting_runs(monkeypatch)
    out = tmp_path / "out"
    assert site.build("-o", str(out)).exit_code == 0
    cold = tree_digest(out / "pagefind")
    kept = sorted((root / ".volsite-cache/search-parts").iterdir())
    if damaged == "a kept part":
        next(iter(sorted((kept[0] / "fragment").iterdir()))).unlink()
    else:
        next(part for part in kept if (part / "pagefind.js").is_file()).joinpath("pagefind.js").unlink()
    shutil.rmtree(out)  # so that the build is not one with nothing to do
    globs.clear()
    assert site.build("-o", str(out)).exit_code == 0
    assert len(globs) == 1  # the parts kept whole are used
    assert tree_digest(out / "pagefind") == cold
    assert all(pagefind.is_complete(bundle) for bundle in [out / "pagefind", *(out / "pagefind").glob("part-*")])


def test_a_large_sites_index_is_made_in_parts_that_hold_each_page_once(site, tmp_path, monkeypatch):
    import volsite.output.search as search

    site()
    monkeypatch.setattr(search, "PART_PAGES", 1)  # the fixture's few searchable pages make four parts
    monkeypatch.setattr(search, "MAX_PARTS", 4)
    out = tmp_path / "a"
    assert site.build("-o", str(out)).exit_code == 0
    marked = search.searchable_pages(
        {
            p.relative_to(out).as_posix(): search.is_marked(p.read_bytes())
            for p in out.rglob("*.html")
            if "pagefind" not in p.parts
        }
    )
    assert len(marked) >= 4
    parts = json.loads((out / "pagefind/parts.json").read_text())["parts"]
    assert parts == ["part-2/", "part-3/", "part-4/"]
    bundles = [out / "pagefind"] + [out / "pagefind" / part for part in parts]
    urls = [url for bundle in bundles for url in _indexed_urls(bundle)]
    wanted = sorted("/" + rel.removesuffix("index.html") for rel in marked)  # the base path is added when shown
    assert sorted(urls) == wanted  # every searchable page, in exactly one part
    assert all(_indexed_urls(bundle) for bundle in bundles)
    for bundle in bundles[1:]:  # merged parts are read with the first part's code
        assert (bundle / "pagefind-entry.json").is_file() and not (bundle / "pagefind.js").exists()
        assert not list(bundle.glob("part-*")) and not (bundle / "parts.json").exists()
    assert not [p for p in (tmp_path).iterdir() if p.name.startswith(".pagefind")]
    assert site.build("-o", str(tmp_path / "b")).exit_code == 0
    assert tree_digest(out) == tree_digest(tmp_path / "b")


def test_parts_are_a_function_of_the_page_count_alone():
    from volsite.output.search import MAX_PARTS, PART_PAGES, part_count

    assert [part_count(n) for n in (0, 1, 2 * PART_PAGES - 1)] == [1, 1, 1]
    assert part_count(2 * PART_PAGES) == 2 and part_count(4 * PART_PAGES - 1) == 2
    assert part_count(4 * PART_PAGES) == 4 and part_count(8 * PART_PAGES - 1) == 4
    assert part_count(1000 * PART_PAGES) == MAX_PARTS == 8


def part_globs(pages: list[str], parts: int, sizes: dict[str, int] | None = None) -> list[str] | None:
    """The globs of search.part_plan's parts, checked against the pages it says each holds."""
    from volsite.output.search import part_plan

    plan = part_plan(pages, parts, sizes)
    if plan is None:
        return None
    for glob, held in plan:
        assert sorted(page for page in pages if _glob_regex(glob).fullmatch(page)) == sorted(held), glob
    return [glob for glob, _held in plan]


def _glob_regex(glob: str) -> re.Pattern:
    """The globs part_plan writes ({a,b}, *, backslash escapes), as Pagefind's wax reads them."""
    out, index = [], 0
    while index < len(glob):
        char = glob[index]
        if char == "\\":
            out.append(re.escape(glob[index + 1]))
            index += 2
            continue
        out.append({"{": "(?:", "}": ")", ",": "|", "*": "[^/]*"}.get(char, re.escape(char)))
        index += 1
    return re.compile("".join(out))


PAGE_NAMES = ["a", "ab", "abc", "abd", "b", "ba", "x-1", "x-10", "x-2", "普通", "(q)", "s,t", "u{v}"]


@pytest.mark.parametrize("parts", [2, 3, 4])
def test_part_globs_match_each_page_once_and_no_other_of_its_shape(parts):
    pages = sorted(
        {f"stories/{name}/index.html" for name in PAGE_NAMES}
        | {f"t/{a}/{b}/index.html" for a in PAGE_NAMES[:5] for b in PAGE_NAMES[5:9]}
        | {"index.html", "about/index.html", "x.html"}
    )
    others = [f"stories/{name}z/index.html" for name in PAGE_NAMES] + ["stories/a/b/index.html", "t/a/index.html"]
    globs = part_globs(pages, parts)
    assert len(globs) == parts
    matchers = [_glob_regex(glob) for glob in globs]
    for page in pages:
        assert sum(bool(m.fullmatch(page)) for m in matchers) == 1, page
    sizes = [sum(bool(m.fullmatch(page)) for page in pages) for m in matchers]
    assert max(sizes) - min(sizes) <= 1  # equal runs
    for other in others:  # a page outside the list may be let in (Pagefind drops it), but by one part
        assert sum(bool(m.fullmatch(other)) for m in matchers) <= 1, other


@given(
    st.sets(st.text(alphabet="ab-1", min_size=1, max_size=5), min_size=2, max_size=40),
    st.integers(min_value=2, max_value=4),
)
@settings(max_examples=300, deadline=None)
def test_part_globs_cover_any_names(names, parts):
    pages = sorted(f"v/{name}/index.html" for name in names)
    globs = part_globs(pages, parts)
    if len(pages) < parts:
        assert globs is None
        return
    matchers = [_glob_regex(glob) for glob in globs]
    for page in pages:
        assert sum(bool(m.fullmatch(page)) for m in matchers) == 1, (page, globs)


def test_names_pagefind_cannot_match_give_one_part():
    assert part_globs(["a/x/index.html", "a/y:z/index.html"], 2) is None
    assert part_globs(["a/x/index.html", "a/y/index.html"], 1) is None


def test_names_that_would_need_too_long_a_glob_give_one_part(monkeypatch):
    import volsite.output.search as search

    pages = [f"a/{n:05d}/index.html" for n in range(0, 3000, 7)]
    globs = part_globs(pages, 2)
    assert globs is not None and len(globs) == 2
    monkeypatch.setattr(search, "MAX_GLOB", max(map(len, globs)) - 1)
    assert part_globs(pages, 2) is None


def test_pagefind_reads_part_globs_as_we_do(tmp_path):
    import subprocess

    from volsite.output.search import pagefind_binary

    marked = sorted(
        [f"stories/s-{i:02d}/index.html" for i in range(23)]
        + ["about/index.html"]
        + [f"volunteers/v{i}/index.html" for i in range(9)]
        + ["a(b)/x,y.html"]
    )
    unmarked = ["stories/page/2/index.html", "volunteers/v1/hours/2024/index.html", "index.html"]
    for rel in marked + unmarked:
        path = tmp_path / "site" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "data-pagefind-body" if rel in marked else ""
        path.write_text(f'<html lang="zh-CN"><body><main {body}><h1>{rel}</h1><p>志愿服务</p></main></body></html>')
    for parts in (2, 3, 4):
        indexed = 0
        for number, glob in enumerate(part_globs(marked, parts)):
            done = subprocess.run(
                [
                    pagefind_binary(),
                    "--site",
                    str(tmp_path / "site"),
                    "--output-path",
                    str(tmp_path / f"out-{parts}-{number}"),
                    "--glob",
                    glob,
                    "--verbose",
                ],
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, done.stdout + done.stderr
            found = int(re.search(r"Found (\d+) files? matching", done.stdout).group(1))
            count = int(re.search(r"Indexed (\d+) pages?", done.stdout).group(1))
            assert found == count > 0, done.stdout  # its own pages, and no unmarked one
            indexed += count
        assert indexed == len(marked)


@given(st.lists(st.integers(min_value=1, max_value=1000), min_size=8, max_size=60), st.sampled_from([2, 4, 8]))
@settings(max_examples=300, deadline=None)
def test_parts_are_cut_into_runs_of_about_equal_bytes(weights, parts):
    from volsite.output.search import _cuts

    cuts = _cuts(weights, parts)
    assert cuts[0] == 0 and cuts[-1] == len(weights) and len(cuts) == parts + 1
    assert all(a < b for a, b in zip(cuts, cuts[1:]))  # no part empty
    runs = [sum(weights[a:b]) for a, b in zip(cuts, cuts[1:])]
    # each run is within one item of its share (or a single item)
    assert all(run <= sum(weights) / parts + max(weights) or b - a == 1 for run, a, b in zip(runs, cuts, cuts[1:])), (
        runs,
        cuts,
    )


def test_heavy_pages_are_spread_over_the_parts():
    """A city's activity pages are ten times its profiles: parts share the bytes, not the count."""
    pages = [f"activities/a{i:03d}/index.html" for i in range(100)] + [
        f"volunteers/v{i:04d}/index.html" for i in range(1000)
    ]
    sizes = {rel: 10_000 if rel.startswith("activities") else 1_000 for rel in pages}
    matchers = [_glob_regex(glob) for glob in part_globs(sorted(pages), 2, sizes)]
    loads = [sum(sizes[rel] for rel in pages if m.fullmatch(rel)) for m in matchers]
    assert abs(loads[0] - loads[1]) <= 10_000 and sum(loads) == sum(sizes.values())


def test_a_notices_words_are_found(site):
    site(
        {
            "content/notices/2026-11-28-blood.md": "---\ntitle: 冬季献血招募\ndate: 2026-11-28\npinned: true\n---\n"
            "请到人民广场献血屋报名。\n"
        }
    )
    out = site.build().built
    texts = fragments(out)
    assert "人民广场献血屋" in texts["/notices/blood/"]
    # the list and the home page, which show its title, are not results of their own
    assert "/notices/" not in texts and "人民广场献血屋" not in texts.get("/", "")
