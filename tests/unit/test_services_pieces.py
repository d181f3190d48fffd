"""The pure pieces of issue 21's services: the hours of a team's activities (本队活动时长), summed
exactly, and tel_links, which makes phone numbers and web addresses in a text links."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from volsite.model.figures import activity_hours, hours_by_activity
from volsite.model.people import Service
from volsite.render.views import tel_links


def test_the_activity_hours_are_summed_exactly():
    def service(volunteer, activity, hours):
        return Service(volunteer, dt.date(2024, 1, 1), Decimal(hours), Decimal(1), activity, None, "l.csv", 1)

    at = hours_by_activity(
        [service("a", "x", "0.1"), service("b", "x", "0.2"), service("a", None, "5"), service("c", "y", "1")]
    )
    assert at == {"x": Decimal("0.3"), "y": Decimal(1)}
    assert activity_hours(["x", "y", "x"], at) == Decimal("1.3")  # each activity once
    assert activity_hours(["z"], at) == 0


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("电话 0510-85512345", '电话 <a href="tel:051085512345">0510-85512345</a>'),
        ("手机 138 1234 5678。", '手机 <a href="tel:13812345678">138 1234 5678</a>。'),
        ("+86 13812345678", '<a href="tel:+8613812345678">+86 13812345678</a>'),
        ("热线 400-123-4567", '热线 <a href="tel:4001234567">400-123-4567</a>'),
        (
            "网上预约 https://example.org/b?x=1&y=2，谢谢",
            '网上预约 <a href="https://example.org/b?x=1&amp;y=2" rel="noopener">https://example.org/b?x=1&amp;y=2</a>，谢谢',
        ),
        ("<b>驿站</b> & 大厅", "&lt;b&gt;驿站&lt;/b&gt; &amp; 大厅"),
        # not phones: a date, a count, a longer run of digits, a number in a word
        ("2024-03-05 服务 120 人次", "2024-03-05 服务 120 人次"),
        ("编号 1381234567890", "编号 1381234567890"),
        ("", ""),
        (None, ""),
    ],
)
def test_tel_links_links_phones_and_web_addresses_and_escapes_the_rest(text, html):
    assert tel_links(text) == html
