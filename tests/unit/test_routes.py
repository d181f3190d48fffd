"""volsite.model.routes: the URL and output file of every page (SPEC section 5), planned
from a model loaded from a small site by the real loaders."""

from __future__ import annotations

import dataclasses
import math

import pytest

from volsite.model import routes
from volsite.model.routes import RESERVED, Route, plan
from volsite.pipeline import load_site
from volsite.problems import ContentError, Problems

PER_PAGE = 2
# Stories: (file stem, tags, draft). Five are published, and four of them carry 医疗.
STORIES = [
    ("s1", ["医疗"], False),
    ("s2", ["医疗", "助学"], False),
    ("s3", ["医疗"], False),
    ("s4", ["医疗"], False),
    ("s5", [], False),
    ("s6-draft", ["医疗"], True),
]
PUBLISHED = [stem for stem, _tags, draft in STORIES if not draft]


def story_file(stem: str, tags: list[str], draft: bool, day: int) -> str:
    return (
        f"---\ntitle: 故事 {stem}\ndate: 2024-03-{day:02d}\ntags: [{', '.join(tags)}]\n"
        f"draft: {'true' if draft else 'false'}\n---\n正文。\n"
    )


SITE = {
    "site.yaml": f"title: 路由\nbase_url: https://example.org/vol/\npagination: {PER_PAGE}\n",
    "content/teams/t.yaml": """
        - {id: hq, name: 总队}
        - {id: clinic, name: 医疗队, parent: hq}
    """,
    "content/volunteers/v.yaml": """
        - {id: zhang-wei, name: 张伟, teams: [hq]}
        - {id: li-na, name: 李娜, teams: [clinic]}
        - {id: wang-fang, name: 王芳, teams: [clinic], public: false}
    """,
    "content/activities/a.yaml": """
        id: act-1
        title: 义诊
        date: 2024-03-05
        team: clinic
        hours: 3
        participants: [zhang-wei, wang-fang]
    """,
    "content/awards/w.yaml": """
        - {id: aw-zhang, title: 优秀志愿者, volunteer: zhang-wei, year: 2024}
        - {id: aw-wang, title: 优秀志愿者, volunteer: wang-fang, year: 2023}
        - {id: aw-clinic, title: 先进集体, team: clinic, year: 2022}
        - {id: aw-li, title: 优秀志愿者, volunteer: li-na, year: 2025, status: candidate, posting_until: 2025-06-30}
    """,
    "content/pages/about.md": "---\ntitle: 关于我们\ndate: 2024-01-01\n---\n介绍。\n",
    **{
        f"content/stories/{stem}.md": story_file(stem, tags, draft, day)
        for day, (stem, tags, draft) in enumerate(STORIES, 1)
    },
}


@pytest.fixture
def loaded(site):
    site(SITE, base=False)
    return load_site(site.root)


def urls_of(planned: list[Route]) -> dict[str, Route]:
    return {r.url: r for r in planned}


def test_every_page_is_its_url_plus_index_html_and_the_other_files_are_named_as_spec_says(loaded):
    for route in loaded.routes:
        if route.url.endswith("/") or route.url == "":
            assert route.output == route.url + "index.html", route
        else:
            assert route.output == route.url, route
    files = {r.output for r in loaded.routes if not r.output.endswith("index.html")}
    assert files == {"404.html", "feed.xml", "sitemap.xml", "robots.txt", "data/stats.json", "activities.ics"}
    outputs = [r.output for r in loaded.routes]
    assert len(outputs) == len(set(outputs))


def test_the_urls_spec_section_5_gives_for_a_small_model(loaded):
    urls = urls_of(loaded.routes)
    expected = {
        "": "home",
        "stories/": "stories",
        "tags/": "tags",
        "volunteers/": "volunteers",
        "teams/": "teams",
        "timeline/": "timeline",
        "honors/": "honors",
        "honors/candidates/": "candidates",
        "stats/": "stats",
        "search/": "search",
        "teams/hq/": "team",
        "teams/clinic/": "team",
        "activities/act-1/": "activity",
        "about/": "page",
        **{f"stories/{stem}/": "story" for stem in PUBLISHED},
    }
    for url, kind in expected.items():
        assert url in urls, url
        assert urls[url].kind == kind, urls[url]
    assert urls["teams/clinic/"].key == "clinic"
    assert urls["stories/s3/"].key == "s3"


def test_a_draft_has_no_page_unless_drafts_are_built(site):
    site(SITE, base=False)
    assert "stories/s6-draft/" not in urls_of(load_site(site.root).routes)
    assert "stories/s6-draft/" in urls_of(load_site(site.root, drafts=True).routes)


def test_profiles_and_hour_statements_only_for_public_volunteers(loaded):
    urls = urls_of(loaded.routes)
    for vid in ("zhang-wei", "li-na"):
        assert urls[f"volunteers/{vid}/"].kind == "volunteer"
        assert urls[f"volunteers/{vid}/hours/"].kind == "hours"
        assert urls[f"volunteers/{vid}/hours/"].key == vid
    assert not [url for url in urls if "wang-fang" in url]


def test_stories_are_paginated_by_site_yaml_pagination(loaded):
    pages = math.ceil(len(PUBLISHED) / PER_PAGE)  # 5 stories, 2 a page: 3 pages
    listed = [r for r in loaded.routes if r.kind == "stories"]
    assert [r.url for r in listed] == ["stories/"] + [f"stories/page/{n}/" for n in range(2, pages + 1)]
    assert [r.number for r in listed] == list(range(1, pages + 1))


def test_tag_pages_use_the_pinyin_segment_and_count_only_published_stories(loaded):
    tagged = sum(
        1 for _stem, tags, draft in STORIES if "医疗" in tags and not draft
    )  # 4 (the draft not: 2 pages, not 3)
    pages = math.ceil(tagged / PER_PAGE)
    medical = [r for r in loaded.routes if r.kind == "tag" and r.key == "医疗"]
    assert [r.url for r in medical] == ["tags/yi-liao/"] + [f"tags/yi-liao/page/{n}/" for n in range(2, pages + 1)]
    assert [r.url for r in loaded.routes if r.kind == "tag" and r.key == "助学"] == ["tags/zhu-xue/"]


def test_an_empty_list_still_has_its_first_page(site):
    site({**SITE, **{f"content/stories/{stem}.md": None for stem, _t, _d in STORIES}}, base=False)
    listed = [r for r in load_site(site.root).routes if r.kind == "stories"]
    assert [(r.url, r.number) for r in listed] == [("stories/", 1)]


def test_honours_by_year_and_certificates_leave_out_candidates_and_hidden_people(loaded):
    urls = urls_of(loaded.routes)
    years = sorted((r.key for r in loaded.routes if r.kind == "honors_year"), reverse=True)
    assert years == ["2024", "2023", "2022"]  # the years of aw-zhang, aw-wang, aw-clinic; not aw-li's 2025
    assert "honors/2025/" not in urls
    certificates = {r.key for r in loaded.routes if r.kind == "certificate"}
    # aw-wang is for a volunteer who is not public; aw-li is a candidate under posting.
    assert certificates == {"aw-zhang", "aw-clinic"}
    assert urls["certificates/aw-zhang/"].output == "certificates/aw-zhang/index.html"


def test_no_search_page_when_search_is_off(site):
    site({**SITE, "site.yaml": SITE["site.yaml"] + "search: false\n"}, base=False)
    assert "search" not in {r.kind for r in load_site(site.root).routes}


def test_every_segment_the_generator_uses_is_reserved(loaded):
    """A standalone page may take any slug but these: each page volsite makes itself starts
    with one of them, so no page can be written over one of volsite's."""
    firsts = {r.output.split("/")[0] for r in loaded.routes if r.kind not in ("page", "home")}
    assert firsts <= set(RESERVED), firsts - set(RESERVED)


def test_a_page_may_not_take_a_reserved_segment(site):
    taken = [s for s in RESERVED if "." not in s]  # the rest cannot be slugs (no '.')
    files = {f"content/pages/{s}.md": f"---\ntitle: {s}\ndate: 2024-01-01\nslug: {s}\n---\n" for s in taken}
    site({**SITE, **files}, base=False)
    with pytest.raises(ContentError) as caught:
        load_site(site.root)
    reported = {p.path: p for p in caught.value.problems if "volsite uses itself" in p.message}
    assert set(reported) == set(files)
    slug_line = files["content/pages/stories.md"].splitlines().index("slug: stories") + 1
    assert reported["content/pages/stories.md"].line == slug_line
    assert "page slug 'stories'" in reported["content/pages/stories.md"].message


def test_two_tags_with_one_segment_are_reported_and_only_one_gets_pages(site):
    extra = {"content/stories/s7.md": "---\ntitle: 七\ndate: 2024-04-01\ntags: [yi liao]\n---\n"}
    site({**SITE, **extra}, base=False)
    with pytest.raises(ContentError) as caught:
        load_site(site.root)
    (problem,) = [p for p in caught.value.problems if "share" in p.message]
    assert "'yi liao'" in problem.message and "'医疗'" in problem.message and "tags/yi-liao/" in problem.message


def test_two_routes_to_one_file_are_a_problem_not_an_overwrite(loaded, monkeypatch):
    """Were the reserved list short of a segment, a page could land on a page of volsite's:
    the plan reports it and keeps the first."""
    monkeypatch.setattr(routes, "RESERVED", ())
    document = loaded.model.pages["about"]
    pages = {**loaded.model.pages, "stories": document}
    model = dataclasses.replace(loaded.model, pages=pages)
    problems = Problems()
    planned = plan(model, problems)
    (error,) = problems.errors
    assert error.message.startswith("two pages would be written to stories/index.html: stories and page")
    assert urls_of(planned)["stories/"].kind == "stories"


def test_the_spec_section_5_pages_of_residents_are_planned(loaded):
    urls = urls_of(loaded.routes)
    assert urls["activities/"].kind == "activities"
    assert urls["activities.ics"].output == "activities.ics"
    assert urls["services/"].kind == "services"
    assert urls["notices/"].kind == "notices"


# ---------------------------------------------------------------------------- issue 21: activities

CATEGORISED = {
    "content/activities/more.yaml": """
        - {id: act-2, title: 献血, date: 2024-06-14, category: 无偿献血}
        - {id: act-3, title: 演练, date: 2024-09-12, category: 应急救援}
        - {id: act-4, title: 又一次献血, date: 2025-06-14, category: 无偿献血}
    """,
}


def test_the_activities_list_each_category_s_list_and_the_calendar_feed(site):
    site({**SITE, **CATEGORISED}, base=False)
    urls = urls_of(load_site(site.root).routes)
    assert urls["activities/"] == Route("activities", "activities/", "activities/index.html")
    categories = {url: r.key for url, r in urls.items() if r.kind == "activities_category"}
    assert categories == {
        "activities/category/wu-chang-xian-xie/": "无偿献血",
        "activities/category/ying-ji-jiu-yuan/": "应急救援",
    }
    assert urls["activities.ics"] == Route("calendar", "activities.ics", "activities.ics")
    assert "activities.ics" in RESERVED


def test_a_site_without_activities_still_has_the_list_and_the_feed(site):
    site({**SITE, "content/activities/a.yaml": None}, base=False)
    urls = urls_of(load_site(site.root).routes)
    assert urls["activities/"].kind == "activities" and urls["activities.ics"].kind == "calendar"
    assert not [url for url in urls if url.startswith("activities/category/")]


def test_two_categories_with_one_segment_are_reported_and_only_one_gets_a_page(site):
    clash = {
        "content/activities/clash.yaml": "id: act-5\ntitle: 献血\ndate: 2024-07-01\ncategory: 'wu chang xian xie'\n"
    }
    site({**SITE, **CATEGORISED, **clash}, base=False)
    with pytest.raises(ContentError) as caught:
        load_site(site.root)
    (problem,) = [p for p in caught.value.problems if "share" in p.message]
    assert "'wu chang xian xie'" in problem.message and "'无偿献血'" in problem.message
    assert "activities/category/wu-chang-xian-xie/" in problem.message
    assert (problem.path, problem.line) == ("content/activities/more.yaml", 1)  # the first 无偿献血
    assert routes.category_slugs(["无偿献血", "wu chang xian xie"]) == {"wu chang xian xie": "wu-chang-xian-xie"}
