"""The theme authors' guide (docs/themes.md) and its example theme (tests/themes/harbour).

The guide cannot drift from the theme: each snippet it quotes (`<!-- quote: PATH -->` before a
code block) is a run of lines of that file, and every file of the theme is quoted; the
snippets it only shows (`<!-- tried: NAME -->`) are put into a theme here and built. A site
with the theme builds with no problem; its home page has the theme's hero and no other page
does; every other page is the default theme's but for the three marked lines of the theme's
base.html; its static files are published and linked.
"""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import pytest

from browser import theme_site
from conftest import REPO, SiteMaker, write_files

GUIDE = REPO / "docs" / "themes.md"
DEFAULT = REPO / "themes" / "default"
THEME = theme_site.THEME
BASE = theme_site.BASE_PATH

# A marker comment, then a fenced code block (maybe indented, inside a list item).
SNIPPET = re.compile(r"<!-- (quote|tried): (\S+) -->\n( *)```[\w+-]*\n(.*?)\n\3```", re.S)


def snippets(kind: str) -> list[tuple[str, str]]:
    """(what the marker names, the code block's text) of each `kind` snippet of the guide."""
    found = []
    for match in SNIPPET.finditer(GUIDE.read_text(encoding="utf-8")):
        if match.group(1) == kind:
            indent = match.group(3)
            lines = [line.removeprefix(indent) for line in match.group(4).split("\n")]
            found.append((match.group(2), "\n".join(lines)))
    return found


def tried(name: str) -> str:
    [text] = [text for found, text in snippets("tried") if found == name]
    return text + "\n"


def is_run_of_lines(part: str, whole: str) -> bool:
    want, have = part.split("\n"), whole.rstrip("\n").split("\n")
    return any(have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1))


# ------------------------------------------------------------------ the guide and the theme


def test_every_snippet_the_guide_quotes_is_in_the_file_it_names():
    quotes = snippets("quote")
    assert len(quotes) >= 8, f"the guide's quote markers are not found: {quotes}"
    for path, text in quotes:
        source = REPO / path
        assert source.is_file(), f"docs/themes.md quotes {path}, which does not exist"
        assert is_run_of_lines(text, source.read_text(encoding="utf-8")), (
            f"docs/themes.md quotes {path}, but this is not in it (copy the file's lines again):\n{text}"
        )


def test_the_guide_quotes_every_file_of_the_example_theme():
    quoted = {path for path, _ in snippets("quote")}
    files = {p.relative_to(REPO).as_posix() for p in THEME.rglob("*") if p.is_file()}
    assert files - quoted == set(), "files of the example theme that docs/themes.md does not show"


def test_the_guide_names_every_template_and_every_kind_of_page():
    text = GUIDE.read_text(encoding="utf-8")
    templates = {p.name for p in (DEFAULT / "templates").iterdir() if p.is_file()}
    listed = set(re.findall(r"^\| `([\w.]+)` \|", text, re.M))
    assert templates - listed == set(), "default templates missing from the guide's table"
    routes = (REPO / "generator" / "volsite" / "model" / "routes.py").read_text(encoding="utf-8")
    kinds = set(re.findall(r'(?:_page|Route)\("(\w+)"', routes))
    assert kinds, "no route kinds found in routes.py"
    in_guide = set(re.findall(r"^\| `[\w.]+` \| [^|\n]* \| `(\w+)` \|", text, re.M))
    in_guide |= {kind for kind in ("stats_json", "calendar") if f"`{kind}`" in text}  # (written without a template)
    assert in_guide == kinds, "the guide's route.kind column differs from the kinds routes.py plans"


def test_the_guide_lists_the_default_stylesheets_custom_properties():
    css = (DEFAULT / "static" / "style.css").read_text(encoding="utf-8")
    root = re.search(r":root\s*\{(.*?)\}", css, re.S)
    assert root is not None
    declared = set(re.findall(r"(--[\w-]+)\s*:", root.group(1)))
    listed = set(re.findall(r"^\| `(--[\w-]+)` \|", GUIDE.read_text(encoding="utf-8"), re.M))
    assert listed == declared, "docs/themes.md's table of custom properties differs from style.css's :root"


def test_the_themes_base_html_keeps_every_block_of_the_default_one():
    def blocks(path: Path) -> set[str]:
        return set(re.findall(r"{%-? *block +(\w+)", path.read_text(encoding="utf-8")))

    default = blocks(DEFAULT / "templates" / "base.html")
    assert {"title", "main", "head"} <= default
    assert default - blocks(THEME / "templates" / "base.html") == set()


# ------------------------------------------------------------------ a site with the theme


def build(root: Path, output: Path | None = None) -> Path:
    maker = SiteMaker(root)
    result = maker.build(*(["-o", str(output)] if output else []))
    out = result.built
    assert "warning" not in result.output.lower(), result.output
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """The guide's site built with harbour, and the same content built with the default theme."""
    root = theme_site.write_site(tmp_path_factory.mktemp("harbour") / "site")
    harbour = build(root)
    plain = tmp_path_factory.mktemp("default") / "site"
    shutil.copytree(root / "content", plain / "content")
    write_files(plain, {"site.yaml": theme_site.SITE_YAML.replace("theme: harbour", "theme: default")})
    return harbour, build(plain)


def pages(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html"))}


def without_base_html_changes(html: str) -> str:
    """A page of harbour's as the default's base.html would have framed it."""
    html = html.replace(f'<link rel="stylesheet" href="{BASE}harbour.css">\n', "")
    html = html.replace('<meta name="theme-color" content="#12344d">', '<meta name="theme-color" content="#b3261e">')
    return re.sub(r'(<body class="[^"]*") data-kind="\w+"', r"\1", html)


def test_the_home_page_has_the_themes_hero_and_no_other_page_has(built):
    harbour, _ = built
    found = pages(harbour)
    home = found["index.html"]
    hero = re.search(r'<section class="harbour-hero".*?</section>', home, re.S)
    assert hero is not None, home
    assert '<h1 id="harbour-title">测试站</h1>' in hero.group(0)
    assert "港口社区的志愿者" in hero.group(0)  # site.yaml's description
    assert f'<a class="harbour-button" href="{BASE}stories/">全部故事</a>' in hero.group(0)
    assert f'<a class="harbour-button harbour-button-quiet" href="{BASE}join/">如何加入</a>' in hero.group(0)
    assert '<section class="hero">' not in home
    assert home.count("<h1") == 1
    elsewhere = sorted(name for name, html in found.items() if "harbour-hero" in html and name != "index.html")
    assert elsewhere == []
    assert len(found) > 15


STALE_COPY = (
    "harbour's {template} is a copy of the default theme's, which has changed since: copy "
    "themes/default/templates/{template} into tests/themes/harbour/templates/ again, redo the "
    "changes marked 'harbour:', and update the snippets docs/themes.md quotes from it"
)


def difference(name: str, themed: str, default: str) -> str:
    lines = difflib.unified_diff(
        default.splitlines(), themed.splitlines(), "default theme", "harbour", lineterm="", n=1
    )
    return f"{name}:\n" + "\n".join(list(lines)[:20])


def test_every_other_page_is_the_default_themes_but_for_the_marked_lines_of_base_html(built):
    harbour, plain = built
    themed, default = pages(harbour), pages(plain)
    assert themed.keys() == default.keys()
    for name in sorted(themed.keys() - {"index.html"}):
        page = without_base_html_changes(themed[name])
        assert page == default[name], (
            STALE_COPY.format(template="base.html") + "\n" + difference(name, page, default[name])
        )
    # the home page too, but for its hero: the frame, then the stories, activities and honours
    home, plain_home = without_base_html_changes(themed["index.html"]), default["index.html"]
    main, rest = "<main", '<section class="section">'
    assert home[: home.index(main)] == plain_home[: plain_home.index(main)], STALE_COPY.format(template="base.html")
    assert home[home.index(rest) :] == plain_home[plain_home.index(rest) :], (
        STALE_COPY.format(template="home.html")
        + "\n"
        + difference("index.html", home[home.index(rest) :], plain_home[plain_home.index(rest) :])
    )


def test_the_themes_static_files_are_published_and_its_stylesheet_linked_after_the_default(built):
    harbour, _ = built
    assert (harbour / "harbour.css").read_bytes() == (THEME / "static" / "harbour.css").read_bytes()
    assert (harbour / "favicon.svg").read_bytes() == (THEME / "static" / "favicon.svg").read_bytes()
    assert (harbour / "style.css").read_bytes() == (DEFAULT / "static" / "style.css").read_bytes()
    assert (harbour / "search.js").read_bytes() == (DEFAULT / "static" / "search.js").read_bytes()
    for name, html in pages(harbour).items():
        sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)
        assert sheets == [f"{BASE}style.css", f"{BASE}harbour.css"], name
        assert '<meta name="theme-color" content="#12344d">' in html, name


@pytest.mark.parametrize(
    "page, kind",
    [
        ("index.html", "home"),
        ("stories/index.html", "stories"),
        ("stories/harbour-day/index.html", "story"),
        ("teams/hq/index.html", "team"),
        ("join/index.html", "page"),
        ("404.html", "404"),
    ],
)
def test_every_page_says_its_kind_for_the_stylesheet(built, page, kind):
    harbour, _ = built
    html = (harbour / page).read_text(encoding="utf-8")
    assert re.search(rf'<body class="[^"]*" data-kind="{kind}">', html), page


def test_the_site_with_the_theme_checks_clean(site):
    theme_site.write_site(site.root)
    result = site.run("check", str(site.root), "--strict")
    assert result.exit_code == 0, result.output


def test_the_hero_speaks_english_on_an_english_site_and_shows_no_join_button_without_a_join_page(site):
    theme_site.write_site(site.root)
    write_files(
        site.root,
        {
            "site.yaml": theme_site.SITE_YAML.replace("description:", "language: en\n    description:"),
            "content/pages/join.md": None,
        },
    )
    home = (build(site.root) / "index.html").read_text(encoding="utf-8")
    assert f'<a class="harbour-button" href="{BASE}stories/">All stories</a>' in home
    assert "harbour-button-quiet" not in home


def test_the_hero_escapes_what_it_prints(site):
    theme_site.write_site(site.root)
    write_files(
        site.root,
        {"site.yaml": theme_site.SITE_YAML.replace("title: 测试站", 'title: "港湾<b>&志愿</b>"')},
    )
    home = (build(site.root) / "index.html").read_text(encoding="utf-8")
    assert '<h1 id="harbour-title">港湾&lt;b&gt;&amp;志愿&lt;/b&gt;</h1>' in home
    assert "<b>&" not in home


# ------------------------------------------------------------------ the guide's other snippets


def test_words_changed_in_base_html_reach_the_page_templates_only(site):
    """Section 6: the `set t = dict(t, ...)` line at the top of base.html changes the words the
    page templates (and the partials they include) print, not the macros' nor the menu's."""
    theme = theme_site.write_site(site.root) / "themes" / "harbour" / "templates"
    base = theme / "base.html"
    snippet = tried("words")
    assert "latest_stories" in snippet and "all_stories" in snippet
    base.write_text(snippet + base.read_text(encoding="utf-8"), encoding="utf-8")
    out = build(site.root)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "<h2>港湾新闻</h2>" in home and "最新故事" not in home
    assert f'<a class="harbour-button" href="{BASE}stories/">全部新闻</a>' in home  # in the hero partial
    assert "全部故事" not in home
    # the same way with a word a macro prints: the macro keeps the default's
    base.write_text(
        base.read_text(encoding="utf-8").replace('all_stories="全部新闻"', 'minutes_read="约{n}分钟读完"'),
        encoding="utf-8",
    )
    out = build(site.root)
    home = (out / "index.html").read_text(encoding="utf-8")
    story = (out / "stories" / "harbour-day" / "index.html").read_text(encoding="utf-8")
    assert "阅读约 1 分钟" in home and "分钟读完" not in home  # story_card, a macro
    assert "约1分钟读完" in story  # story.html's own line
    assert f'<a href="{BASE}stories/" aria-current="page">志愿者故事</a>' in story  # the menu's own words


def test_a_page_template_gives_one_page_its_own_look_by_route_key(site):
    """Section 7: page.html with `route.key == "join"`: the join page has the hero band, the
    about page is as the default theme makes it."""
    theme_site.write_site(site.root)
    default_about = (build(site.root) / "about" / "index.html").read_text(encoding="utf-8")
    write_files(site.root, {"themes/harbour/templates/page.html": tried("join-page")}, dedent=lambda rel: False)
    out = build(site.root)
    join = (out / "join" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<header class="harbour-hero">\s*<h1>如何加入</h1>', join), join
    assert "每周六上午到码头服务站报名。" in join
    assert (out / "about" / "index.html").read_text(encoding="utf-8") == default_about


def test_a_mistake_in_a_template_is_told_as_the_guide_shows(site, monkeypatch):
    """Section 10: `stories` misspelt in harbour's home.html; `volsite check`, run in the site's
    folder, fails with a line that begins as the guide's example does."""
    home = theme_site.write_site(site.root) / "themes" / "harbour" / "templates" / "home.html"
    text = home.read_text(encoding="utf-8")
    assert text.count("{% for s in stories %}") == 1
    home.write_text(text.replace("{% for s in stories %}", "{% for s in storys %}"), encoding="utf-8")
    monkeypatch.chdir(site.root)
    result = site.run("check")
    assert result.exit_code == 1, result.output
    example = tried("template-error").strip()
    assert any(line.startswith(example) for line in result.output.splitlines()), result.output
