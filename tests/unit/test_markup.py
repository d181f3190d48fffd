"""Markdown conversion: CommonMark with GitHub's extensions, pinyin heading ids and a
table of contents, links under the base path, untrusted HTML shown as text, and
pasted runs of symbols converted as fast as prose."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from volsite.render.markdown import Converter, convert_texts, is_dangerous, reading_minutes


def test_headings_get_pinyin_ids_numbered_when_repeated():
    html = Converter("/").convert("## 早上\n\n正文\n\n## 早上\n\n### 细节 **一**\n").html
    assert '<h2 id="zao-shang">早上</h2>' in html
    assert '<h2 id="zao-shang_1">早上</h2>' in html
    assert '<h3 id="xi-jie-yi">细节 <strong>一</strong></h3>' in html


def test_heading_ids_are_numbered_past_those_taken_by_other_headings():
    html = Converter("/").convert("## a\n\n## a\n\n## a_1\n\n## a\n\n## a-1\n\n## a_1\n").html
    assert re.findall(r'id="([^"]*)"', html) == ["a", "a_1", "a-1", "a_2", "a-1_1", "a-1_2"]


def _best_of_three(convert, text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        convert(text)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("piece", ["## 标题\n\n", "<h2>题\n", "<![CDATA[\n"])
def test_many_headings_and_unclosed_raw_html_convert_in_linear_time(piece):
    """Thousands of headings of one text (each id was checked against all before it), and
    trusted raw HTML with many '<' and no '>' (each '<' was looked past to the end)."""
    convert = Converter("/").convert
    text = "<!--\n" if piece.startswith("<h") else ""
    small, large = _best_of_three(convert, text + piece * 2000), _best_of_three(convert, text + piece * 8000)
    assert large < 8 * max(small, 0.002), (small, large)


def test_the_table_of_contents_nests_level_three_under_level_two():
    converted = Converter("/").convert("### 前言\n\n## 早上\n\n### 细节\n\n## 晚上\n\n#### 不列入\n")
    assert converted.toc == (
        '<ul><li><a href="#qian-yan">前言</a></li>'
        '<li><a href="#zao-shang">早上</a><ul><li><a href="#xi-jie">细节</a></li></ul></li>'
        '<li><a href="#wan-shang">晚上</a></li></ul>'
    )
    assert Converter("/").convert("## 只有一个\n\n正文\n\n#### 四级\n").toc == ""


def test_links_and_images_go_under_the_base_path_and_are_recorded_as_written():
    converted = Converter("/volunteer/").convert(
        "[故事](/stories/a/) ![照片](media/照片.jpg) [外](https://example.org/x?a=1&b=2) [锚](#top)\n"
    )
    assert '<a href="/volunteer/stories/a/">故事</a>' in converted.html
    assert '<img src="/volunteer/media/%E7%85%A7%E7%89%87.jpg" alt="照片">' in converted.html
    assert 'href="https://example.org/x?a=1&amp;b=2"' in converted.html
    assert converted.links == ("/stories/a/", "media/照片.jpg", "https://example.org/x?a=1&b=2", "#top")


def test_only_href_and_src_attributes_are_links():
    converted = Converter("/volunteer/").convert('<p data-href="/a" xsrc="/b">x</p>\n\n[c](/c) href="/d"\n')
    assert 'data-href="/a" xsrc="/b"' in converted.html and 'href="/volunteer/c"' in converted.html
    assert "href=&quot;/d&quot;" in converted.html and converted.links == ("/c",)


def test_untrusted_html_shows_as_text_and_only_safe_schemes_link():
    html = (
        Converter("/", unsafe_html=False)
        .convert(
            '<div class="x">\n块\n</div>\n\n正文 <b onclick="x()">粗</b> `<i>代码</i>` '
            "[坏](javascript:alert(1)) [数据](data:text/html,x) [网](https://a.org/) [电话](tel:123)\n"
        )
        .html
    )
    assert "<div" not in html and "<b " not in html
    assert "<p>&lt;div class=&quot;x&quot;&gt;\n块\n&lt;/div&gt;</p>" in html
    assert "正文 &lt;b onclick=&quot;x()&quot;&gt;粗&lt;/b&gt;" in html
    assert "<code>&lt;i&gt;代码&lt;/i&gt;</code>" in html  # code shows as written, no stray escapes
    assert '<a href="">坏</a>' in html and '<a href="">数据</a>' in html
    assert '<a href="https://a.org/">网</a>' in html and '<a href="tel:123">电话</a>' in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " \x01 javascript:alert(1)",
        "java\tscript:alert(1)",
        "jav\na\rscript:alert(1)",
        "vbscript:msgbox(1)",
        "VbScRiPt:x",
        "data:text/html,<b>x</b>",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "Data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
    ],
)
def test_dangerous_urls_are_known_however_written(url):
    assert is_dangerous(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/",
        "http://a",
        "mailto:a@b.org",
        "tel:123",
        "/stories/a/",
        "media/a.jpg",
        "#top",
        "",
        "data:image/png;base64,iVBOR",
        "DATA:image/jpeg;base64,x",
        "data:image/gif,x",
        "data:image/webp;base64,x",
        "javascript",
        "stories/javascript:x",
        "?q=javascript:x",
        "weixin://dl/chat",
    ],
)
def test_other_urls_are_not_dangerous(url):
    assert not is_dangerous(url)


@pytest.mark.parametrize("trusted", [True, False])
def test_dangerous_links_and_images_lead_nowhere_whether_html_is_trusted_or_not(trusted):
    converted = Converter("/v/", unsafe_html=trusted).convert(
        "[a](javascript:alert(1)) [b](java&#x09;script:x) [c](&#106;avascript:x) ![d](vbscript:x) "
        "[e](data:text/html,x) <javascript:alert(1)> [f][r]\n\n[r]: JavaScript:alert(2)\n"
    )
    html = converted.html
    assert '<a href="">a</a> <a href="">b</a> <a href="">c</a> <img src="" alt="d"> <a href="">e</a>' in html
    assert '<a href="">javascript:alert(1)</a> <a href="">f</a>' in html  # an autolink's text stays text
    assert len(converted.links) == 7  # recorded as written, for the checks


def test_dangerous_urls_in_trusted_raw_html_lead_nowhere():
    html = (
        Converter("/v/")
        .convert(
            '<a href="java&#x09;script:alert(1)">a</a> <a href="&#x6A;avascript:x">b</a> '
            '<a href=" javascript:x">c</a> <iframe src="data:text/html,x"></iframe> <img src="vbscript:x">\n'
            '<iframe src="https://map.example.org/embed?x=1"></iframe>\n'
        )
        .html
    )
    assert '<a href="">a</a> <a href="">b</a> <a href="">c</a> <iframe src=""></iframe> <img src="">' in html
    assert '<iframe src="https://map.example.org/embed?x=1"></iframe>' in html  # embeds stay


def test_images_in_the_page_itself_stay_where_html_is_trusted():
    html = Converter("/v/").convert("![码](data:image/png;base64,iVBORw0KGgo=)\n").html
    assert '<img src="data:image/png;base64,iVBORw0KGgo=" alt="码">' in html


def test_markdown_on_the_lines_of_untrusted_html_is_still_read():
    convert = Converter("/", unsafe_html=False).convert
    assert (
        convert("<script>x()</script> **老队员**").html
        == "<p>&lt;script&gt;x()&lt;/script&gt; <strong>老队员</strong></p>\n"
    )
    assert (
        convert("> <div>\n> **引**\n").html == "<blockquote>\n<p>&lt;div&gt;\n<strong>引</strong></p>\n</blockquote>\n"
    )
    assert convert("段落\n</div>\n**b**").html == "<p>段落\n&lt;/div&gt;\n<strong>b</strong></p>\n"


def test_untrusted_html_before_a_code_fence_leaves_the_code_as_written():
    """A '<' held back so that its line is read as Markdown can let a fence open below it;
    no line in the code shows a mark of that."""
    html = Converter("/", unsafe_html=False).convert("<div>块</div>\n```\n\n<div>码</div>\n").html
    assert html == "<p>&lt;div&gt;块&lt;/div&gt;</p>\n<pre><code>\n&lt;div&gt;码&lt;/div&gt;\n</code></pre>\n"


@pytest.mark.parametrize(
    "text",
    [
        "<div>\n" * 40,
        "<![CDATA[\n" * 40,
        "> <!-- x\n" * 40,
        "- <script>\n" * 40,
        "注[^1]\n\n[^1]: <pre>\n",
        "1) <?php\n" * 40,
        "  </p>\n" * 40,
    ],
)
def test_untrusted_lines_of_raw_html_are_text_with_their_markdown_read(text):
    html = Converter("/", unsafe_html=False).convert(text + "**粗** <https://a.org> <a@b.org>\n").html
    assert "<div" not in html and "<script" not in html and "<pre>\n" not in html and "<!--" not in html
    assert "<strong>粗</strong>" in html and '<a href="https://a.org">' in html and 'href="mailto:a@b.org"' in html


def test_untrusted_lines_of_raw_html_convert_in_linear_time():
    """Each line of these starts a block of HTML that runs to the end of the text."""

    def seconds(lines: int) -> float:
        text = "<![CDATA[\n" * lines
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            Converter("/", unsafe_html=False).convert(text)
            best = min(best, time.perf_counter() - started)
        return best

    assert seconds(8000) < 8 * max(seconds(2000), 0.002)


def test_trusted_html_passes_with_markdown_between_its_tags():
    html = Converter("/v/").convert('<div class="note">\n\n**重点** [链](/teams/hq/)\n\n</div>\n').html
    assert html == '<div class="note">\n<p><strong>重点</strong> <a href="/v/teams/hq/">链</a></p>\n</div>\n'


def test_tables_footnotes_and_breaks_are_html5_without_english():
    html = (
        Converter("/").convert("| 队 | 时长 |\n|:-:|--:|\n| 一 | 2 |\n\n正文[^1]  \n下一行\n\n---\n\n[^1]: 注释\n").html
    )
    assert '<th style="text-align: center">队</th>' in html and "align=" not in html.replace("text-align", "")
    assert "<br>" in html and "<hr>" in html and " />" not in html
    assert 'href="#fn-1"' in html and "↩</a>" in html
    assert "Back to" not in html


def test_reading_time_counts_chinese_characters_and_latin_words():
    assert reading_minutes("<p>" + "志" * 2000 + "</p>") == 5
    assert reading_minutes("<p>" + "word " * 1000 + "</p>") == 5
    assert reading_minutes("<p>短</p>") == 1


@pytest.mark.parametrize(
    "text",
    [
        "[" * 50000,
        "[a](" * 50000,
        "<" * 50000 + "b",
        "*a" * 50000,
        "".join("    " * level + "- 项\n" for level in range(300)),
        "> " * 5000 + "引用",
    ],
)
def test_pasted_runs_of_symbols_convert(text):
    # Python-Markdown took hours on some of these (quadratic scans) or overflowed the stack.
    for trusted in (True, False):
        html = Converter("/", unsafe_html=trusted).convert(text).html
        assert html.startswith("<") and len(html) >= 1


def test_text_that_is_not_valid_unicode_still_converts():
    html = Converter("/", unsafe_html=False).convert("坏\ud800字\x00符").html
    assert html == "<p>坏\ufffd字\ufffd符</p>\n"


def _resident_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads /proc")
def test_converting_frees_what_cmark_allocates():
    # cmarkgfm's own functions keep the tree and the HTML of every text: ~36 KB a story.
    story = "志愿者在门诊大厅为患者指路，**耐心**解答。[详情](/stories/a/)\n\n- 一\n- 二\n\n" * 40
    converter = Converter("/")
    for _ in range(200):
        converter.convert(story)
    before = _resident_bytes()
    for _ in range(3000):
        converter.convert(story)
    assert _resident_bytes() - before < 20 * 2**20


def test_convert_texts_converts_each_distinct_text_once_and_a_session_keeps_only_what_is_used(monkeypatch):
    import volsite.render.markdown
    from volsite.render.markdown import markdown_shelf
    from volsite.speed.session import SessionStore

    converted = []
    to_html = volsite.render.markdown.cmark.to_html
    monkeypatch.setattr(
        volsite.render.markdown.cmark,
        "to_html",
        lambda text, trust_html: converted.append(text) or to_html(text, trust_html),
    )
    store, shelf = SessionStore(), markdown_shelf("documents", "/", True)
    store.begin("settings")
    first = convert_texts(["一", "二", "一"], "/", store=store, shelf=shelf)
    assert set(first) == {"一", "二"} and sorted(converted) == ["一", "二"]
    store.begin("settings")
    second = convert_texts(["二", "三"], "/", store=store, shelf=shelf)
    assert set(second) == {"二", "三"} and second["二"] == first["二"]
    assert sorted(converted) == ["一", "三", "二"]  # 二 was kept
    store.begin("settings")  # 一 was not asked for in the last build: forgotten
    convert_texts(["一"], "/", store=store, shelf=shelf)
    assert converted.count("一") == 2


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("<>/ab\"'= \n`[]()*#!-:志")), max_size=120))
def test_untrusted_markdown_never_makes_a_tag_of_its_own(text):
    html = Converter("/", unsafe_html=False).convert(text).html
    tags = set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", html))
    assert tags <= {
        "p",
        "a",
        "em",
        "strong",
        "code",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "br",
        "hr",
        "blockquote",
        "del",
        "img",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "section",
        "sup",
    }
    assert "onclick" not in re.sub(r"&[a-z]+;", "", "".join(re.findall(r"<[^>]*>", html)))
