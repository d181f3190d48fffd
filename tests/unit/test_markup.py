"""Markdown conversion: link text found by an index gives Python-Markdown's own answers,
and a text that would take too long is a problem, not a build that never ends."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.inlinepatterns import LinkInlineProcessor

import volsite.markup as markup
from volsite.markup import Converter


def stock_converter() -> Converter:
    converter = Converter("/")
    for processor in converter._md.inlinePatterns:
        if isinstance(processor, LinkInlineProcessor):
            del processor.getText  # back to the library's own scan
    return converter


bracket_text = st.text(alphabet=st.sampled_from(list("[[]]()!^a 志\n*`")), max_size=400)


@pytest.mark.parametrize("scan", [0, 2, markup._SCAN_BRACKETS])
@settings(max_examples=150, deadline=None)
@given(text=bracket_text)
def test_link_text_from_the_index_is_what_python_markdown_finds(text, scan):
    saved = markup._SCAN_BRACKETS
    markup._SCAN_BRACKETS = scan  # 0: every lookup goes through the index
    try:
        assert Converter("/").convert(text).html == stock_converter().convert(text).html
    finally:
        markup._SCAN_BRACKETS = saved


@settings(max_examples=300, deadline=None)
@given(data=st.text(alphabet=st.sampled_from(list("[[]]a志")), max_size=200), start=st.integers(0, 200))
def test_the_index_finds_the_same_closing_bracket_as_the_scan(data, start):
    index = min(start, len(data))
    processor = next(p for p in Converter("/")._md.inlinePatterns if isinstance(p, LinkInlineProcessor))
    saved = markup._SCAN_BRACKETS
    markup._SCAN_BRACKETS = 0
    try:
        assert processor.getText(data, index) == LinkInlineProcessor.getText(processor, data, index)
    finally:
        markup._SCAN_BRACKETS = saved


def test_real_links_still_work_through_the_index(monkeypatch):
    monkeypatch.setattr(markup, "_SCAN_BRACKETS", 0)
    text = "[" * 100 + " 见[义诊 [现场]](/stories/clinic/) 与 ![照片](media/a.jpg) 和 [^1]\n\n[^1]: 注\n"
    assert Converter("/v/").convert(text).html == stock_converter().convert(text).html.replace('"/', '"/v/')


def test_thousands_of_unclosed_brackets_convert_quickly():
    # The library's own scan takes minutes, far over the text's time budget.
    html = Converter("/").convert("前言" + "[" * 20000 + "后记")
    assert html.problem is None and html.html.count("[") == 20000


def test_a_text_over_its_time_budget_is_a_problem(monkeypatch):
    monkeypatch.setattr(markup, "budget_seconds", lambda text: 0.3)
    started = time.perf_counter()
    html = Converter("/").convert("[a](" * 6000)  # quadratic in Python-Markdown's link scan
    assert time.perf_counter() - started < 3
    assert html.problem and "took more than" in html.problem
    assert Converter("/").convert("普通的一段话。").problem is None  # the alarm is gone afterwards
    time.sleep(0.4)


def test_long_real_text_is_within_its_budget():
    story = ("志愿者在门诊大厅为患者指路，[查看详情](/stories/clinic/)。\n\n" * 2000)  # about 150 KB
    assert Converter("/").convert(story).problem is None
