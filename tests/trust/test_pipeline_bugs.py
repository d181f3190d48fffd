"""Bad input that crashed or stalled volsite past the loaders, found by the fuzz tests.

All are fixed and stay as regression tests: config.py (a broken IPv6 base_url, line
breaks in setting names) and markup.py (Markdown nested hundreds of levels deep and
unclosed link brackets, which Python-Markdown took minutes or hours over; cmark-gfm,
which replaced it, is linear)."""

from __future__ import annotations

import pytest
from strategies import record_yaml
from trustsite import assert_not_a_bug, fresh_site, loads, run_cli

NESTED_LIST = "".join("    " * level + "- 项\n" for level in range(300))


@pytest.mark.parametrize("where", ["story", "bio"])
def test_markdown_nested_300_levels_is_not_a_crash(where):
    files = ({"content/stories/deep.md": "---\ntitle: 深\ndate: 2024-01-01\n---\n" + NESTED_LIST}
             if where == "story" else
             {"content/volunteers/deep.yaml": record_yaml([{"id": "wang", "name": "王", "bio": NESTED_LIST}],
                                                          as_list=False)})
    loads(files, render=True)


def test_the_command_line_on_markdown_nested_300_levels_is_not_a_crash():
    with fresh_site({"content/stories/deep.md": "---\ntitle: 深\ndate: 2024-01-01\n---\n" + NESTED_LIST}) as root:
        assert_not_a_bug(run_cli("build", str(root), "-q"))


def test_unclosed_link_brackets_render():
    """Python-Markdown scanned ahead from every '[' (quadratic: 4,000 took 2-4 s)."""
    with fresh_site({"content/stories/brackets.md": "---\ntitle: 括号\ndate: 2024-01-01\n---\n" + "[" * 4000}) as root:
        from volsite.build import load_site, render_site
        rendered = render_site(load_site(root))
    assert "[" * 4000 in rendered.files["stories/brackets/index.html"].decode()


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
    loads({"site.yaml": f"title: t\nsearch: false\nbase_url: '{url}'\n"})


@pytest.mark.parametrize("line", ['"a\\nb": 1', 'language: "zh\\nCN"'])
def test_site_yaml_problems_are_one_line_each(line):
    loads({"site.yaml": f"title: t\nsearch: false\n{line}\n"})


def test_the_command_line_with_a_broken_base_url_exits_1_or_2():
    with fresh_site({}) as root:
        result = run_cli("build", str(root), "-q", "--base-url", "http://[")
    assert result.returncode in (1, 2), result.stderr[-2000:]
