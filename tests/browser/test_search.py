"""Search as a resident uses it, in Chromium, on a small site built for the purpose:
a Chinese word found only in one story's body, a volunteer's name, and a hidden
volunteer's real name, which must find nothing."""

from __future__ import annotations

import textwrap

import pytest

from . import serving

FIXTURE = {
    "site.yaml": "title: 搜索测试\nbase_url: https://example.org/volunteer/\n",
    "content/teams/t.yaml": "- {id: hq, name: 总队}\n",
    "content/volunteers/v.yaml": """
        - {id: li-na, name: 李娜, teams: [hq], role: 队员}
        - {id: zhao-lei, name: 赵磊, teams: [hq], public: false}
        - {id: xiao-yu, name: 孙小雨, teams: [hq], minor: true}
    """,
    "content/ledger/l.csv": "date,volunteer,hours\n2024-01-05,zhao-lei,3\n2024-01-06,xiao-yu,2\n",
    "content/stories/a.md": """
        ---
        title: 社区里的一天
        date: 2024-03-05
        volunteers: [li-na]
        ---
        清晨，志愿者在社区花园里种下了一排蒲公英，老人们围过来看。
    """,
    "content/stories/b.md": """
        ---
        title: 医院门口的故事
        date: 2024-04-05
        ---
        门诊大厅里人来人往，导诊台前排着长队。
    """,
}


@pytest.fixture(scope="module", params=["one index", "index in parts"])
def search_site(request, tmp_path_factory):
    output = built_fixture(tmp_path_factory)
    if request.param == "index in parts":  # as a large site's: each page in one of four parts
        index_in_parts(output)
    with serving.StaticServer(output, "/volunteer/") as server:
        yield server


def built_fixture(tmp_path_factory):
    """FIXTURE written out and built; its output folder."""
    source = tmp_path_factory.mktemp("search-site")
    for rel, text in FIXTURE.items():
        path = source / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return serving.build(source, tmp_path_factory.mktemp("search-out") / "output")


def index_in_parts(output):
    import json

    import volsite.output.search as search

    wanted = search.PART_PAGES, search.MAX_PARTS
    search.PART_PAGES, search.MAX_PARTS = 1, 4
    try:
        search.index_folder(output)
    finally:
        search.PART_PAGES, search.MAX_PARTS = wanted
    assert len(json.loads((output / "pagefind/parts.json").read_text())["parts"]) == 3


@pytest.fixture
def search(browser, width, search_site):
    context = browser.new_context(**serving.WIDTHS[width])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def run(query: str) -> list[str]:
        page.goto(search_site.url("search/"))
        page.get_by_label("搜索内容").fill(query)
        page.wait_for_function("document.querySelector('.search-status').textContent.length > 0", timeout=15_000)
        page.wait_for_timeout(300)  # let a slower earlier search settle
        return [a.get_attribute("href") for a in page.locator(".search-results h2 a").all()]

    yield run
    assert errors == []
    context.close()


def test_a_word_only_in_one_story_body_finds_that_story(search):
    assert search("蒲公英") == ["/volunteer/stories/a/"]


def test_a_volunteers_name_finds_their_profile_first(search):
    results = search("李娜")
    assert results and results[0] == "/volunteer/volunteers/li-na/"


# The parts merged into the first come slowly, as on a phone's network.
SLOW_PARTS = """
const fetchNow = window.fetch;
window.fetch = async (resource, ...rest) => {
  if (String(resource.url || resource).includes("/pagefind/part-")) {
    await new Promise((resume) => setTimeout(resume, 1500));
  }
  return fetchNow(resource, ...rest);
};
"""


def test_words_typed_while_the_parts_load_are_looked_up_in_all_of_them(browser, search_site, width):
    # Pages are cut into parts in folder order: volunteers/ last, so the profile is in
    # a merged part: searched before it is merged, her name finds nothing.
    context = browser.new_context(**serving.WIDTHS[width])
    context.add_init_script(SLOW_PARTS)
    page = context.new_page()
    page.goto(search_site.url("search/"))
    page.get_by_label("搜索内容").fill("李娜")
    page.wait_for_function("document.querySelector('.search-status').textContent.length > 0", timeout=15_000)
    results = [a.get_attribute("href") for a in page.locator(".search-results h2 a").all()]
    assert results and results[0] == "/volunteer/volunteers/li-na/"
    context.close()


@pytest.mark.parametrize("name", ["赵磊", "孙小雨"])
def test_a_hidden_volunteers_real_name_finds_nothing(search, name):
    assert search(name) == []


def test_record_text_in_results_stays_text(browser, tmp_path_factory):
    """A name typed as markup into a roster must not become markup in search results."""
    source = tmp_path_factory.mktemp("evil-site")
    evil = "<img src=x onerror=alert(2)>张<script>alert(1)</script>"
    files = {
        "site.yaml": "title: t\nbase_url: https://example.org/volunteer/\n",
        "content/volunteers/v.yaml": f"- {{id: a, name: {evil!r}, role: {evil!r}, bio: {evil!r}}}\n",
    }
    for rel, text in files.items():
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        (source / rel).write_text(text, encoding="utf-8")
    output = serving.build(source, tmp_path_factory.mktemp("evil-out") / "output")
    with serving.StaticServer(output, "/volunteer/") as server:
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(server.url("search/?q=alert"))
        page.locator(".search-results h2 a").first.wait_for(timeout=15_000)
        page.wait_for_timeout(500)
        assert dialogs == []
        assert page.locator(".search-results img, .search-results script").count() == 0
        assert "onerror=alert" in page.locator(".search-results").inner_text()
        page.close()


def test_a_part_missing_on_the_server_leaves_the_others_searchable(browser, tmp_path_factory):
    """An upload still under way: parts.json names a part the server does not have yet."""
    import shutil

    output = built_fixture(tmp_path_factory)
    index_in_parts(output)
    shutil.rmtree(output / "pagefind" / "part-2")
    wanted = {
        "蒲公英": {"/volunteer/stories/a/"},
        "李娜": {"/volunteer/volunteers/li-na/", "/volunteer/stories/a/"},
        "导诊台": {"/volunteer/stories/b/"},
    }
    with serving.StaticServer(output, "/volunteer/") as server:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        found = {}
        for query in wanted:
            page.goto(server.url("search/"))
            page.get_by_label("搜索内容").fill(query)
            page.wait_for_function("document.querySelector('.search-status').textContent.length > 0", timeout=15_000)
            page.wait_for_timeout(300)
            found[query] = {a.get_attribute("href") for a in page.locator(".search-results h2 a").all()}
        page.close()
    assert errors == []
    assert all(found[query] <= wanted[query] for query in wanted), found
    assert any(found.values()), found  # the parts that are there are searched
