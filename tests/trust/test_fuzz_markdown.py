"""Issue 15, Markdown bodies: whatever staff paste, converting it never raises and takes time
in proportion to its size, never to its square; nesting too deep is refused before it is
converted (cmark.too_deep, the check a build makes as it loads each text), and that check,
which looks before it parses, finds exactly what a parse finds.

Bodies are made of runs of what makes a parser work hardest: quotes, list markers and indents
nested in one another, indented code, brackets and half links, runs of emphasis marks,
entities, tables, HTML-ish text, up to tens of KB."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from trustsite import FUZZ, loads

from volsite.bindings.cmark import MAX_NESTING, nested_deeper, too_deep
from volsite.render.markdown import Converter

PIECES = [
    # nesting
    "> ",
    ">",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "2) ",
    "123456789. ",
    "  ",
    "    ",
    "\t",
    "\n",
    "\n\n",
    "\n> ",
    "\n- ",
    "\n  - ",
    "\n    ",
    "\n\t",
    "\r\n",
    "\r",
    "[^1]: ",
    "[^注]: ",
    # brackets, links and images
    "[",
    "]",
    "(",
    ")",
    "[a](",
    "](/x)",
    "![",
    "![图](media/a.jpg)",
    "[链接](https://example.org/a_b)",
    "[^1]",
    "<http://a.org>",
    "www.example.org ",
    "[r]: /x\n",
    "[r]",
    # emphasis runs
    "*",
    "**",
    "***",
    "_",
    "__",
    "~",
    "~~",
    "*a ",
    " b*",
    "_a ",
    " b_",
    "~a ",
    " b~",
    "字*",
    "*字",
    # entities and URLs
    "&amp;",
    "&#0;",
    "&#x6A;",
    "&#1114112;",
    "&Tab;",
    "&",
    "javascript:",
    "java&#x09;script:",
    "data:text/html,",
    # tables and code
    "|",
    "| a | b |\n",
    "| --- | :-: |\n",
    "|" * 30,
    "```",
    "~~~",
    "`",
    "``",
    # HTML-ish text
    "<",
    "</",
    "<div>",
    "</div>",
    "<span>",
    "<!--",
    "-->",
    '<a href="javascript:x">',
    "<![CDATA[",
    "<?",
    "<b",
    # text
    "字",
    "正文。",
    "text ",
    "2024-03-05 ",
    " ",
    "\u3000",
    "\u202e",
    "🙂",
]

pieces = st.sampled_from(PIECES)
runs = st.tuples(st.lists(pieces, min_size=1, max_size=4).map("".join), st.integers(1, 2000))
MAX_CHARACTERS = 40_000
markdown_bodies = st.lists(runs, min_size=1, max_size=12).map(
    lambda parts: "".join(piece * times for piece, times in parts)[:MAX_CHARACTERS]
)

# Generous: Markdown converts at some 3 ms a KB here; a CI machine may be ten times slower.
# A quadratic blow-up on 40 KB takes seconds.
SECONDS_PER_KB = 0.05
SECONDS_AT_LEAST = 0.25


def build_path(text: str) -> float:
    """What a build does with a text (its nesting checked as it is loaded; converted, unless
    that is a problem), timed; conversion must not raise, trusted or not."""
    started = time.perf_counter()
    if too_deep(text) is None:
        Converter("/v/", unsafe_html=True).convert(text)
        Converter("/v/", unsafe_html=False).convert(text)
    return time.perf_counter() - started


@settings(FUZZ, max_examples=60)
@given(text=markdown_bodies)
def test_markdown_converts_in_time_in_proportion_to_its_size(text):
    seconds = build_path(text)
    kb = len(text.encode("utf-8", "surrogatepass")) / 1000
    assert seconds < SECONDS_AT_LEAST + SECONDS_PER_KB * kb, f"{seconds:.2f} s for {kb:.0f} KB"
    # Deep or not, conversion itself never raises either.
    Converter("/v/", unsafe_html=True).convert(text)


@settings(FUZZ, max_examples=200)
@given(text=markdown_bodies)
def test_the_look_before_parsing_finds_what_a_parse_finds(text):
    """too_deep parses only texts whose ASCII marks could nest deep enough; it must never pass
    over one that does."""
    assert too_deep(text) == nested_deeper(text, MAX_NESTING)


@settings(FUZZ, max_examples=15)
@given(text=markdown_bodies)
def test_a_story_and_a_bio_of_such_markdown_build_or_are_problems(text):
    yaml_text = text.replace("\r", "").replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    loads(
        {
            "content/stories/fuzz.md": "---\ntitle: 试\ndate: 2024-01-01\n---\n" + text,
            "content/volunteers/fuzz.yaml": f'- {{id: fuzz, name: 试, teams: [hq], bio: "{yaml_text}"}}\n',
        },
        render=True,
    )


# Each pattern that made a Markdown parser (or the search indexer after it) slow down with the
# square of its size, written n times.
PATTERNS = {
    "quotes nested": lambda n: ">" * n + " 引\n",
    "list items nested": lambda n: "- " * n + "项\n",
    "quotes and lists at the limit, again and again": lambda n: ("> - " * (MAX_NESTING // 2) + "项\n\n") * (n // 64),
    "half links": lambda n: "[a](" * (n // 4),
    "emphasis marks": lambda n: "*" * n,
    "emphasis interleaved": lambda n: "*a _b " * (n // 12) + "c_ d*" * (n // 12),
    "open brackets": lambda n: "[" * n,
    "less-than signs": lambda n: "<" * n,
    "HTML tags": lambda n: "<span>" * (n // 6),
    "table columns": lambda n: "|" + " a |" * (n // 4) + "\n|" + " --- |" * (n // 4) + "\n|" + " 1 |" * (n // 4) + "\n",
    "table rows": lambda n: "| a | b |\n| --- | --- |\n" + "| 1 | 2 |\n" * (n // 10),
    "bold phrases": lambda n: "**粗**，" * (n // 12),
    "headings of one text": lambda n: "## 标题\n\n" * (n // 12),
    "raw HTML blocks, one a line": lambda n: "<![CDATA[\n" * (n // 10),
    "headings in an unclosed comment": lambda n: "<!--\n" + "<h2>题\n" * (n // 8),
    "raw HTML blocks in quotes and lists": lambda n: "> <div>\n- <script>\n" * (n // 20),
}


@pytest.mark.parametrize("name", PATTERNS)
def test_four_times_the_input_takes_less_than_eight_times_as_long(name):
    """Linear, with room for noise: quadratic would be sixteen times."""

    def best_of_three(size: int) -> float:
        text = PATTERNS[name](size)
        return min(build_path(text) for _ in range(3))

    small, large = best_of_three(16_000), best_of_three(64_000)
    assert large < 8 * max(small, 0.002), f"{name}: {small * 1000:.1f} ms for 16 KB, {large * 1000:.1f} ms for 64 KB"
