"""An incremental rebuild (volsite serve) always gives the bytes of a clean build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, image_bytes, tree_digest
from volsite.builds import build, rebuild
from volsite.problems import ContentError
from volsite.speed.session import SessionStore

MARKER = ".volsite-output"

SITE = {
    "site.yaml": "title: 增量\nbase_url: https://example.org/v/\n",
    "content/teams/t.yaml": "- {id: hq, name: 总队, lead: a}\n- {id: g1, name: 一组, parent: hq}\n",
    "content/volunteers/v.yaml": "- {id: a, name: 张伟, teams: [hq], bio: 老队员}\n- {id: b, name: 李娜, teams: [g1]}\n",
    "content/volunteers/roster.csv": "编号,姓名,所属队伍,公开\nc,王芳,g1,是\nd,赵磊,g1,否\n",
    "content/activities/a.yaml": "- {id: act-1, title: 义诊, date: 2024-03-05, team: g1, hours: 4, participants: [a, b], story: s1}\n",
    "content/ledger/l.csv": "date,volunteer,hours\n2024-01-05,a,2\n2024-02-05,c,3\n",
    "content/awards/w.yaml": "- {title: 优秀志愿者, volunteer: a, year: 2024}\n",
    "content/stories/2024-03-05-s1.md": "---\ntitle: 第一篇\ndate: 2024-03-05\nvolunteers: [a]\ntags: [义诊]\n---\n正文一。\n",
    "content/stories/s2.md": "---\ntitle: 第二篇\ndate: 2024-04-01\nteams: [g1]\n---\n## 小标题\n\n正文二。\n",
    "content/pages/about.md": "---\ntitle: 关于\ndate: 2024-01-01\n---\n关于我们。\n",
    "content/media/a.png": image_bytes("png", 1),
}

STEPS = [
    (
        "edit a story body",
        {
            "content/stories/s2.md": "---\ntitle: 第二篇\ndate: 2024-04-01\nteams: [g1]\n---\n## 小标题\n\n改过的正文。\n"
        },
    ),
    (
        "edit a story title",
        {"content/stories/s2.md": "---\ntitle: 第二篇（修订）\ndate: 2024-04-01\nteams: [g1]\n---\n正文。\n"},
    ),
    (
        "add a story",
        {
            "content/stories/2024/新故事.md": "---\ntitle: 新故事\ndate: 2024-05-01\nvolunteers: [b]\ntags: [新标签]\n---\n新的。\n"
        },
    ),
    (
        "rename a story file",
        {
            "content/stories/2024/新故事.md": None,
            "content/stories/2024/renamed.md": "---\ntitle: 新故事\ndate: 2024-05-01\nvolunteers: [b]\n---\n新的。\n",
        },
    ),
    ("delete a story", {"content/stories/2024/renamed.md": None}),
    ("draft a story", {"content/stories/s2.md": "---\ntitle: 第二篇\ndate: 2024-04-01\ndraft: true\n---\n正文。\n"}),
    (
        "edit a volunteer",
        {
            "content/volunteers/v.yaml": "- {id: a, name: 张伟, teams: [hq], bio: 新简介}\n- {id: b, name: 李娜, teams: [g1, hq]}\n"
        },
    ),
    ("hide a volunteer", {"content/volunteers/roster.csv": "编号,姓名,所属队伍,公开\nc,王芳,g1,否\nd,赵磊,g1,否\n"}),
    ("add a roster in GBK", {"content/volunteers/more.csv": "编号,姓名,所属队伍\ne,钱七,g1\n".encode("gbk")}),
    ("add a team", {"content/teams/g2.yaml": "id: g2\nname: 二组\nparent: hq\nservices: [陪诊]\n"}),
    ("move a team", {"content/teams/g2.yaml": "id: g2\nname: 二组\nparent: g1\n"}),
    (
        "edit an activity",
        {
            "content/activities/a.yaml": "- {id: act-1, title: 义诊, date: 2024-03-05, team: g1, hours: 5, participants: [a, b, e], story: s1}\n"
        },
    ),
    ("add ledger rows", {"content/ledger/m.csv": "日期,志愿者编号,时长\n2025/1/1,b,8\n2025/1/2,e,1.5\n".encode("gbk")}),
    ("delete a ledger", {"content/ledger/l.csv": None}),
    ("add an award", {"content/awards/x.yaml": "title: 先进集体\nteam: g1\ndate: 2025-01-10\n"}),
    (
        "add a candidate",
        {
            "content/awards/c.yaml": "title: 优秀志愿者\nvolunteer: b\ndate: 2026-11-20\nstatus: candidate\nposting_until: 2026-12-01\n"
        },
    ),
    ("edit a page", {"content/pages/about.md": "---\ntitle: 关于我们\ndate: 2024-01-01\n---\n新的介绍。\n"}),
    (
        "take a page out of the menu",
        {"content/pages/about.md": "---\ntitle: 关于我们\ndate: 2024-01-01\nmenu: false\n---\n新的介绍。\n"},
    ),
    (
        "add and change media",
        {"content/media/b.png": image_bytes("png", 2), "content/media/a.png": image_bytes("png", 3)},
    ),
    ("delete media", {"content/media/b.png": None}),
    (
        "override a template",
        {"themes/default/templates/404.html": "{% extends 'base.html' %}{% block main %}自己的 404{% endblock %}"},
    ),
    ("change a static file", {"themes/default/static/style.css": "body { color: red }"}),
    ("drop the override", {"themes/default/templates/404.html": None, "themes/default/static/style.css": None}),
    (
        "change site.yaml",
        {"site.yaml": "title: 改名\nbase_url: https://example.org/w/\nstars: [5, 10]\npagination: 1\n"},
    ),
    ("change the language", {"site.yaml": "title: Renamed\nlanguage: en\nbase_url: https://example.org/w/\n"}),
]


def clean_build(site_root: Path, out: Path) -> dict[str, str]:
    shutil.rmtree(out, ignore_errors=True)
    build(site_root, out)
    return tree_digest(out)


def test_every_kind_of_change_matches_a_clean_build(site, tmp_path):
    root = site(SITE, base=False)
    cache = SessionStore()
    live = tmp_path / "live"
    rebuild(root, live, cache)
    assert tree_digest(live) == clean_build(root, tmp_path / "clean")
    for name, files in STEPS:
        site.write(files)
        result = rebuild(root, live, cache)
        assert tree_digest(live) == clean_build(root, tmp_path / "clean"), name
        assert result.changed, f"{name}: nothing was written"


def test_a_story_edit_renders_only_what_it_touches(site, tmp_path):
    root = site(SITE, base=False)
    cache = SessionStore()
    live = tmp_path / "live"
    rebuild(root, live, cache)
    site.write({"content/stories/s2.md": "---\ntitle: 第二篇\ndate: 2024-04-01\nteams: [g1]\n---\n别的正文。\n"})
    result = rebuild(root, live, cache)
    assert set(result.changed) == {"stories/s2/index.html", "feed.xml"}


def test_nothing_changed_writes_nothing(site, tmp_path):
    root = site(SITE, base=False)
    cache = SessionStore()
    rebuild(root, tmp_path / "live", cache)
    assert rebuild(root, tmp_path / "live", cache).changed == ()


def test_bad_content_keeps_the_last_good_site_and_recovers(site, tmp_path):
    root = site(SITE, base=False)
    cache = SessionStore()
    live = tmp_path / "live"
    rebuild(root, live, cache)
    good = tree_digest(live)
    site.write({"content/ledger/l.csv": "date,volunteer,hours\n2024-01-05,a,99\n"})
    with pytest.raises(ContentError) as failure:
        rebuild(root, live, cache)
    assert [p.format() for p in failure.value.problems] == [
        "content/ledger/l.csv:2: ledger row: 'hours' must be more than 0 and at most 24, not 99: write the hours one "
        "volunteer served, such as 2 or 1.5 [V211]"
    ]
    assert tree_digest(live) == good
    site.write({"content/ledger/l.csv": "date,volunteer,hours\n2024-01-05,a,9\n"})
    rebuild(root, live, cache)
    assert tree_digest(live) == clean_build(root, tmp_path / "clean")


def test_example_site_story_edit_matches_a_clean_build(tmp_path):
    root = tmp_path / "example"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    cache = SessionStore()
    rebuild(root, tmp_path / "live", cache)
    story = sorted((root / "content/stories").rglob("*.md"))[0]
    story.write_text(story.read_text(encoding="utf-8").replace("\n\n", "\n\n新加的一段。\n\n", 1), encoding="utf-8")
    rebuild(root, tmp_path / "live", cache)
    assert tree_digest(tmp_path / "live") == clean_build(root, tmp_path / "clean")
