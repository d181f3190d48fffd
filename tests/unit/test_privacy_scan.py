"""The privacy scan looks only near digit runs and '@' signs, for speed: it must find
exactly what the plain patterns find over the whole text, with full-width digits read
as ASCII ones."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from volsite.checks import EMAIL, HALF_WIDTH, MOBILE, RESIDENT_ID, _IMAGE_SUFFIXES, _suspects, resident_id_valid

pieces = st.sampled_from([
    "13812345678", "138-1234-5678", "+86 139 1234 5678", "0086 13912345678", "11010519491231002X",
    "110105194912310021", "someone@hospital.cn", "a.b+c@x-y.org", "logo@2x.png", "志愿者", "服务",
    " ", "-", "1", "12345", "x", "@", ".", "电话：", "\n",
    # typed in an input method's full-width mode
    "１３８１２３４５６７８", "１３８－１２３４－５６７８", "＋８６\u3000１３９", "１", "－", "\u3000", "Ｘ", "ｘ",
    "１１０１０５１９４９１２３１００２",
])


def plain(text: str) -> set:
    found = set()
    numbers = text.translate(HALF_WIDTH)  # e-mail addresses are looked for as written
    for m in MOBILE.finditer(numbers):
        found.add((m.start(), "a mobile phone number", "".join(m.groups())))
    for m in RESIDENT_ID.finditer(numbers):
        if resident_id_valid(m.group(1)):
            found.add((m.start(), "a resident ID number", m.group(1)))
    for m in EMAIL.finditer(text):
        if not m.group(2).lower().endswith(_IMAGE_SUFFIXES):
            found.add((m.start(), "an e-mail address", m.group(0)))
    return found


@settings(max_examples=2000)
@given(st.lists(pieces, max_size=30).map("".join))
def test_windowed_scan_equals_the_plain_patterns(text):
    assert set(_suspects(text)) == plain(text)


def test_full_width_numbers_are_found_as_typed_in_ascii():
    text = "联系电话：１３８－１２３４－５６７８，身份证１１０１０５１９４９１２３１００２Ｘ。"
    found = sorted(_suspects(text))
    assert found == [(5, "a mobile phone number", "13812345678"),
                     (22, "a resident ID number", "11010519491231002X")]
    assert text[5] == "１" and text[22] == "１"  # positions are those of the text as written
