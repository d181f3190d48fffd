"""The privacy scan looks only near digit runs and '@' signs, and only in pages whose
bytes have a number's shape or an '@', for speed: it must find exactly what the plain
patterns find over the whole text, with full-width digits read as ASCII ones."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from volsite.output.checks import (
    _IMAGE_SUFFIXES,
    EMAIL,
    HALF_WIDTH,
    MOBILE,
    RESIDENT_ID,
    _number_shaped,
    _scan,
    _suspects,
    privacy_findings_in,
    resident_id_valid,
)

pieces = st.sampled_from(
    [
        "13812345678",
        "138-1234-5678",
        "+86 139 1234 5678",
        "0086 13912345678",
        "11010519491231002X",
        "110105194912310021",
        "someone@hospital.cn",
        "a.b+c@x-y.org",
        "logo@2x.png",
        "志愿者",
        "服务",
        " ",
        "-",
        "1",
        "12345",
        "x",
        "@",
        ".",
        "电话：",
        "\n",
        # typed in an input method's full-width mode
        "１３８１２３４５６７８",
        "１３８－１２３４－５６７８",
        "＋８６\u3000１３９",
        "１",
        "－",
        "\u3000",
        "Ｘ",
        "ｘ",
        "１１０１０５１９４９１２３１００２",
        # what a page holds anyway: dates, counts, and characters whose UTF-8 bytes the
        # shape test deletes or reads as digits (【 is E3 80 90, 伙 E4 BC 99, ｃ EF BD 83)
        "2024-05-03",
        "12 人",
        "300",
        "【",
        "】",
        "伙",
        "年",
        "ｃ",
        "，",
        "。",
        "×",
        "😀",
    ]
)


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
    assert found == [(5, "a mobile phone number", "13812345678"), (22, "a resident ID number", "11010519491231002X")]
    assert text[5] == "１" and text[22] == "１"  # positions are those of the text as written


@settings(max_examples=2000)
@given(st.lists(pieces, max_size=30).map("".join))
def test_a_page_is_passed_over_only_when_a_full_scan_finds_nothing(text):
    # The bytes' shape decides whether the text is looked at; the findings must be those
    # of looking at all of it.
    assert privacy_findings_in("p.html", text.encode()) == _scan("output/p.html", text, ())


def test_a_page_of_dates_and_counts_is_not_looked_at_character_by_character():
    page = "<time>2024-05-03</time> · 共 12 人，服务 300 小时（2023 年 1 月 15 日）【队伍 2024】".encode()
    assert not _number_shaped(page)
    assert _number_shaped("电话 138 1234 5678".encode())
    assert _number_shaped("１３８\u3000１２３４－５６７８".encode())


def test_the_calendar_feed_is_scanned_unfolded():
    """/activities.ics (issue 21): a line folded inside a mobile number still shows the number."""
    folded = (
        b"BEGIN:VEVENT\r\nUID:6F9619FF-8B86-D011-B42D-00C04FC964FF\r\n"
        b"DESCRIPTION:\xe6\x8a\xa5\xe5\x90\x8d\xef\xbc\x9a139123\r\n 45678\r\nEND:VEVENT\r\n"
    )
    (found,) = privacy_findings_in("activities.ics", folded)
    assert found.path == "output/activities.ics" and "139" in found.message
    assert privacy_findings_in("activities.ics", folded.replace(b"139123\r\n 45678", b"0510-12345678")) == []
