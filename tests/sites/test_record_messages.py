"""Issue 18: a record's problems and site.yaml's in the site's language, each with its code,
naming the record in that language and each field as the file wrote it (a roster's 时长)."""

from __future__ import annotations

import re

from conftest import IN_SITE_LANGUAGE

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
QUOTED = re.compile(r"'[^']*'")

CHINESE_HEADERS = {"content/ledger/l.csv": "日期,志愿者编号,时长\n2024-01-02,li-na,abc\n2024-01-03,li-na,30\n"}


def built(site, files: dict[str, str], language: str = "zh-CN"):
    """A failed build of the base site with `files`, its messages in the site's language."""
    site(files)
    if language == "en":
        text = (site.root / "site.yaml").read_text(encoding="utf-8")
        (site.root / "site.yaml").write_text(text + "language: en\n", encoding="utf-8")
    result = site.build(env=IN_SITE_LANGUAGE)
    assert result.exit_code == 1, result.output
    return result


def test_a_ledger_with_chinese_headers_names_its_columns_as_written_in_english(site):
    output = site(CHINESE_HEADERS) and site.build().output  # the tests read English (conftest)
    assert (
        "content/ledger/l.csv:2: ledger row: '时长' must be a number, not 'abc': write the hours one volunteer "
        "served, a number such as 2 or 1.5 [V210]" in output
    )
    assert (
        "content/ledger/l.csv:3: ledger row: '时长' must be more than 0 and at most 24, not 30: write the hours "
        "one volunteer served, such as 2 or 1.5 [V211]" in output
    )
    assert "'hours'" not in output


def test_a_ledger_with_chinese_headers_names_its_columns_as_written_in_chinese(site):
    output = built(site, CHINESE_HEADERS).output
    assert (
        "content/ledger/l.csv:2: 台账记录：'时长' 应为数字，而不是 'abc'：请填写一位志愿者的服务小时数，例如 2 或 1.5 [V210]"
        in output
    )
    assert (
        "content/ledger/l.csv:3: 台账记录：'时长' 应大于 0 且不超过 24，而不是 30：请填写一位志愿者的服务小时数，"
        "例如 2 或 1.5 [V211]" in output
    )


def test_a_ledger_with_english_headers_names_them_in_english(site):
    output = built(site, {"content/ledger/l.csv": "date,volunteer,hours\n2024-01-02,li-na,abc\n"}).output
    assert "content/ledger/l.csv:2: 台账记录：'hours' 应为数字，而不是 'abc'" in output


BAD_RECORDS = {
    "content/volunteers/more.yaml": "id: wang-fang\nname: 王芳\njoined: 2024-13-01\npublic: 也许\n",
    "content/activities/b.yaml": (
        "id: b\ntitle: 义诊\ndate: 2024-05-03\nend: 2024-05-01\nparticipants: [{volunteer: li-na, hours: 0}]\n"
    ),
    "content/awards/a.yaml": "title: 优秀志愿者\nyear: 2024\n",
    "content/teams/more.yaml": "id: Blood Team\nname: 献血队\n",
    "content/stories/s.md": "---\ntitle: 好\ndate: 2024-01-01\nslug: 好故事\n---\n正文\n",
    "site.yaml": "title: 测试站\nbase_url: https://example.org/volunteer/\npagination: 0\n",
}
# Where each problem is and its code: the same in every language.
BAD_RECORDS_FOUND = [
    ("content/activities/b.yaml:4", "V220"),
    ("content/activities/b.yaml:5", "V223"),
    ("content/activities/b.yaml:5", "V221"),  # a warning: that participant's hours are none
    ("content/awards/a.yaml:1", "V240"),
    ("content/stories/s.md:4", "V263"),
    ("content/teams/more.yaml:1", "V203"),
    ("content/volunteers/more.yaml:3", "V205"),
    ("content/volunteers/more.yaml:4", "V207"),
    ("site.yaml:3", "V003"),
]
PROBLEM_LINE = re.compile(r"^(?P<where>(?:content/|site\.yaml)\S*?): (?P<message>.*) \[(?P<code>V\d{3})\]$", re.M)


def test_bad_records_and_settings_are_told_in_chinese_on_a_chinese_site(site):
    output = built(site, BAD_RECORDS).output
    found = PROBLEM_LINE.findall(output)
    assert [(where, code) for where, _, code in found] == BAD_RECORDS_FOUND, output
    for where, message, code in found:
        assert CJK.search(QUOTED.sub("", message)), f"not in Chinese: {where}: {message} [{code}]"
    for line in (
        "content/volunteers/more.yaml:3: 志愿者 'wang-fang'：'joined' 应为 2024-03-05 这样的日期，而不是 '2024-13-01'："
        "请写出年、月、日（2024-03-05 或 2024/3/5），并确认该月有这一天 [V205]",
        "content/volunteers/more.yaml:4: 志愿者 'wang-fang'：'public' 应为 true 或 false，而不是 '也许'："
        "请填写 true 或 false（表格中可填 是 或 否） [V207]",
        "content/activities/b.yaml:4: 活动 'b'：'end'（2024-05-01）早于 'date'（2024-05-03）：'date' 是第一天，"
        "'end' 是最后一天；请改正其中一个 [V220]",
        "content/awards/a.yaml:1: 荣誉：缺少获奖对象：'volunteer' 和 'team' 应填写且只填写一个：请填写获奖志愿者或获奖队伍的编号 [V240]",
        "content/teams/more.yaml:1: 队伍：'id' 只能由小写字母、数字和 '-' 组成（它会出现在网址中），而不是 'Blood Team'："
        "请用拼音或英文书写，例如 zhang-wei 或 2024-03-05-clinic [V203]",
        "site.yaml:3: 'pagination' 应为 1 或更大的整数，而不是 0：请改正，或删除这一项以使用默认值 [V003]",
    ):
        assert line in output


def test_bad_records_and_settings_are_told_in_english_on_an_english_site(site):
    output = built(site, BAD_RECORDS, "en").output
    found = PROBLEM_LINE.findall(output)
    assert [(where, code) for where, _, code in found] == BAD_RECORDS_FOUND, output
    for where, message, code in found:
        assert not CJK.search(QUOTED.sub("", message)), f"not in English: {where}: {message} [{code}]"
    assert (
        "content/awards/a.yaml:1: award: give exactly one recipient: 'volunteer' or 'team': add the id of the "
        "volunteer or of the team the award went to [V240]" in output
    )
    assert "content/stories/s.md:4: story: 'slug' must be lower-case letters, digits and '-', not '好故事'" in output


def test_volsite_lang_reads_a_chinese_sites_record_problems_in_english(site):
    site(BAD_RECORDS)
    output = site.build(env={"VOLSITE_LANG": "en"}).output
    assert "content/volunteers/more.yaml:4: volunteer 'wang-fang': 'public' must be true or false, not '也许'" in output
