"""Slugs: ASCII names skip pypinyin (and its sixth of a second of loading) and still come
out as they would through it."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from volsite.slugs import MAX_SLUG_LENGTH, _pinyin, _slug, slugify


@given(
    st.one_of(
        st.text(alphabet=st.characters(max_codepoint=127), max_size=40),
        st.text(alphabet=st.sampled_from(list("ab- _.9Z,'")), max_size=4 * MAX_SLUG_LENGTH + 20),
    )
)
@settings(max_examples=500, deadline=None)
def test_ascii_names_get_the_slug_pypinyin_would_give(text):
    head = text[: 4 * MAX_SLUG_LENGTH]
    assert slugify(text) == _slug(text, head, _pinyin(head))


def test_chinese_names_still_go_through_pypinyin():
    assert slugify("山区义诊") == "shan-qu-yi-zhen"
    assert slugify("重庆 Clinic 2024") == "chong-qing-clinic-2024"


def test_an_ascii_name_does_not_load_pypinyin():
    code = (
        "import sys; from volsite.slugs import slugify; assert slugify('Clinic day 2') == 'clinic-day-2'; "
        "print('pypinyin' in sys.modules)"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
        == "False"
    )
