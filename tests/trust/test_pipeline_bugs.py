"""Bad input that crashed or stalled volsite past the loaders, found by the fuzz tests.

All are fixed and stay as regression tests: config.py (a broken IPv6 base_url, line
breaks in setting names) and markup.py (unclosed link brackets, which Python-Markdown took
minutes or hours over; cmark-gfm, which replaced it, is linear; Markdown nested hundreds of
levels deep, which Python-Markdown crashed on, is now a problem naming its line)."""

from __future__ import annotations

import pytest
from strategies import record_yaml
from trustsite import assert_not_a_bug, fresh_site, loads, run_cli

NESTED_LIST = "".join("    " * level + "- 项\n" for level in range(300))


@pytest.mark.parametrize("where", ["story", "bio"])
def test_markdown_nested_300_levels_is_a_problem_naming_the_line(where):
    """cmark-gfm converts it in linear time, but a page nested 300 levels deep is no page
    anyone wrote, and indexing one for search grows with the square of its depth
    (tests/trust/test_unbounded.py)."""
    files = (
        {"content/stories/deep.md": "---\ntitle: 深\ndate: 2024-01-01\n---\n" + NESTED_LIST}
        if where == "story"
        else {
            "content/volunteers/deep.yaml": record_yaml(
                [{"id": "wang", "name": "王", "bio": NESTED_LIST}], as_list=False
            )
        }
    )
    _result, problems = loads(files, render=True)
    if where == "story":  # the body starts on line 5: level 33 is on line 37
        assert problems == [
            "content/stories/deep.md:37: story 'deep': quotes, lists or emphasis are nested more "
            "than 32 levels deep here (from line 5 on); a page needs a few at most: nest them less [V171]"
        ]
    else:
        assert problems == [
            "content/volunteers/deep.yaml:3: volunteer 'wang': 'bio' nests quotes, lists or "
            "emphasis more than 32 levels deep (from its line 1 on); a page needs a few at most: "
            "nest them less [V172]"
        ], problems


def test_the_command_line_on_markdown_nested_300_levels_is_a_problem():
    with fresh_site({"content/stories/deep.md": "---\ntitle: 深\ndate: 2024-01-01\n---\n" + NESTED_LIST}) as root:
        result = run_cli("build", str(root), "-q")
        assert_not_a_bug(result)
        assert result.returncode == 1
        assert (
            "content/stories/deep.md:37: story 'deep': quotes, lists or emphasis are nested more than 32 "
            "levels deep here" in result.stderr
        ), result.stderr


def test_unclosed_link_brackets_render():
    """Python-Markdown scanned ahead from every '[' (quadratic: 4,000 took 2-4 s)."""
    with fresh_site({"content/stories/brackets.md": "---\ntitle: 括号\ndate: 2024-01-01\n---\n" + "[" * 4000}) as root:
        from volsite.pipeline import load_site, render_site

        rendered = render_site(load_site(root))
    assert "[" * 4000 in rendered.pages["stories/brackets/index.html"].decode()


def test_markdown_that_took_python_markdown_hours_builds():
    """'[a](' twenty thousand times: hours in Python-Markdown (it scanned for ')' to the end)."""
    story = "---\ntitle: 括号\ndate: 2024-01-01\n---\n" + "[a](" * 20000
    with fresh_site({"content/stories/brackets.md": story}) as root:
        result = run_cli("build", str(root), "-q")
        assert_not_a_bug(result)
        assert result.returncode == 0, result.stderr
        assert "[a](" * 100 in (root / "output/stories/brackets/index.html").read_text()


@pytest.mark.parametrize("url", ["http://[", "https://[::1/v/"])
def test_a_base_url_with_a_broken_ipv6_host_is_a_problem(url):
    result, texts = loads({"site.yaml": f"title: t\nsearch: false\nbase_url: '{url}'\n"})
    assert isinstance(result, list), "a broken base_url must stop the build"
    assert (
        f"site.yaml:3: 'base_url' must be a web address like https://example.org/volunteer/ or a path like "
        f"/volunteer/, not '{url}': correct it, or delete it to keep the default [V003]" in texts
    )


@pytest.mark.parametrize("line", ['"a\\nb": 1', 'language: "zh\\nCN"'])
def test_site_yaml_problems_are_one_line_each(line):
    result, texts = loads({"site.yaml": f"title: t\nsearch: false\n{line}\n"})
    assert isinstance(result, list), "a setting with a line break in it must be a problem"
    reported = [text for text in texts if text.startswith("site.yaml:3: ")]
    assert reported, texts
    assert all("\n" not in text for text in texts) and all("\\n" in text for text in reported), texts


def test_the_command_line_with_a_broken_base_url_exits_1_or_2():
    with fresh_site({}) as root:
        result = run_cli("build", str(root), "-q", "--base-url", "http://[")
    assert result.returncode in (1, 2), result.stderr[-2000:]
