"""volsite check: the build's checks plus links, unreferenced records and a privacy scan."""

from __future__ import annotations

import json

import pytest

from conftest import image_bytes
from volsite.output.checks import privacy_findings, resident_id_valid

STORY = "content/stories/2024-03-05-clinic.md"


def story(body: str) -> dict:
    return {STORY: f"---\ntitle: 义诊的一天\ndate: 2024-03-05\nvolunteers: [li-na]\n---\n第一段。\n\n{body}\n"}


def test_a_broken_link_is_an_error_in_check_and_a_warning_in_build(site):
    site(story("见[另一篇](/stories/nothing-here/)。"))
    check = site.run("check", str(site.root))
    assert check.exit_code == 1
    assert (
        "content/stories/2024-03-05-clinic.md:8: story 'clinic': the link '/stories/nothing-here/' "
        "points to nothing on the site"
    ) in check.output
    build = site.build()
    assert build.exit_code == 0 and "warning: story 'clinic': the link '/stories/nothing-here/'" in build.output


@pytest.mark.parametrize(
    "body, message",
    [
        ("![图](media/missing.jpg)", "the image 'media/missing.jpg' points to nothing"),
        ("[相对](../other/)", "the link '../other/' is relative"),
        ("[带前缀](/volunteer/stories/clinic/)", "starts with the base path /volunteer/"),
        ("[隐藏的人](/volunteers/hidden-one/)", "points to nothing"),
        ("[点我](javascript:alert(1))", "the link 'javascript:alert(1)' would run a script"),
        ("![图](vbscript:x)", "the link 'vbscript:x' would run a script"),
    ],
)
def test_links_that_lead_nowhere(site, body, message):
    site({**story(body), "content/volunteers/h.yaml": "id: hidden-one\nname: 隐者\nteams: [hq]\npublic: false\n"})
    result = site.run("check", str(site.root))
    assert result.exit_code == 1 and message in result.output


def test_a_broken_image_is_reported_at_its_own_line_not_at_a_similar_one_before_it(site):
    """Issue 15: the warning quoted the line of an earlier, similar image."""
    body = (
        "![封面](media/a.png?v=2)\n\n![旧图](media/a.png.bak)\n\n![图](media/a.png)\n\n"
        "![另一张](media/gone.jpg)\n\n再一次：![另一张](media/gone.jpg)"
    )
    site({**story(body), "content/media/a.png.bak": b"x"})
    result = site.run("check", str(site.root))
    broken = [line for line in result.output.splitlines() if "points to nothing" in line]
    assert all(line.endswith(" [V615]") for line in broken), broken
    found = sorted(line.partition(": check the address")[0] for line in broken)
    # the body's first line is the file's 8th
    assert found == sorted(
        [
            "content/stories/2024-03-05-clinic.md:12: story 'clinic': the image 'media/a.png' points to nothing on the site",
            "content/stories/2024-03-05-clinic.md:8: story 'clinic': the image 'media/a.png?v=2' points to nothing on the site",
            "content/stories/2024-03-05-clinic.md:14: story 'clinic': the image 'media/gone.jpg' points to nothing on the site",
            "content/stories/2024-03-05-clinic.md:16: story 'clinic': the image 'media/gone.jpg' points to nothing on the site",
        ]
    ), result.output


def test_good_links_pass(site):
    site(
        {
            **story(
                "[张伟](/volunteers/zhang-wei/) [队伍](/teams/clinic/) [活动](/activities/2024-03-05-clinic/) "
                "![图](media/a.png) [外站](https://example.com/) [本页](#top) [列表](/stories/)"
            ),
            "content/media/a.png": image_bytes("png"),
        }
    )
    result = site.run("check", str(site.root))
    assert result.exit_code == 0, result.output


def test_unreferenced_records_are_warnings_and_strict_makes_them_errors(site):
    site(
        {"content/volunteers/more.yaml": "id: lone\nname: 独行\n", "content/teams/more.yaml": "id: empty\nname: 空队\n"}
    )
    result = site.run("check", str(site.root))
    assert result.exit_code == 0
    assert "content/volunteers/more.yaml:1: warning: volunteer 'lone' is in no team" in result.output
    assert "content/teams/more.yaml:1: warning: team 'empty' has no members" in result.output
    assert site.run("check", str(site.root), "--strict").exit_code == 1


@pytest.mark.parametrize(
    "body, found",
    [
        (
            "联系人：138-1234-5678，邮箱 someone@hospital.cn，证件 11010519491231002X。",
            [
                "looks like a mobile phone number (138******78)",
                "looks like a resident ID number (110*************2X)",
                "looks like an e-mail address",
            ],
        ),
        # A Chinese input method in full-width mode types these; a reader dials them all the same.
        (
            "联系人：１３８－１２３４－５６７８，证件 １１０１０５１９４９１２３１００２Ｘ。",
            ["looks like a mobile phone number (138******78)", "looks like a resident ID number (110*************2X)"],
        ),
    ],
    ids=["ascii", "full-width"],
)
def test_privacy_scan_finds_numbers_typed_into_a_story(site, body, found):
    site(story(body))
    result = site.run("check", str(site.root))
    assert result.exit_code == 1
    assert "output/stories/clinic/index.html:" in result.output
    assert [message for message in found if message not in result.output] == []
    assert "13812345678" not in result.output and "11010519491231002X" not in result.output


def test_privacy_allow_lets_an_organisations_public_contact_through(site):
    site(
        {
            **story("志愿者服务站电话 13800001111，邮箱 volunteer@hospital.cn。"),
            "site.yaml": "title: x\nbase_url: https://example.org/volunteer/\n"
            "privacy: {allow: ['13800001111', volunteer@hospital.cn]}\n",
        }
    )
    assert site.run("check", str(site.root)).exit_code == 0


def test_check_json_format(site):
    site(story("[坏链接](/nowhere/)"))
    result = site.run("check", str(site.root), "--format", "json")
    data = json.loads(result.output)
    assert data["ok"] is False
    assert data["problems"][0]["path"] == STORY and data["problems"][0]["line"] == 8
    assert data["problems"][0]["severity"] == "error"


def test_check_writes_nothing(site):
    site()
    assert site.run("check", str(site.root)).exit_code == 0
    assert not (site.root / "output").exists()


def test_resident_id_checksum():
    assert resident_id_valid("11010519491231002X")
    assert not resident_id_valid("110105194912310021")  # wrong check digit
    assert not resident_id_valid("110105194902300023")  # 30 February
    assert not resident_id_valid("990105194912310021")  # no such province


def test_privacy_scan_ignores_long_digit_runs_and_file_names():
    files = {"a.html": b"order 113812345678901 and logo@2x.png and 12345678901234567890"}
    assert privacy_findings(files) == []
    found = privacy_findings({"a.html": b"<p>call +86 139 1234 5678</p>"})
    assert [p.line for p in found] == [1]
