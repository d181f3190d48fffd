"""Issue 18: every problem the bad-input tests produce is shown in Chinese on a zh-CN site
and in English on an en site, with its code; progress and summary lines too."""

from __future__ import annotations

import re

import pytest
from test_bad_input import CASES

from conftest import IN_SITE_LANGUAGE

PROBLEM_LINE = re.compile(r"^(?P<where>[^:\s][^:]*(?::\d+)?): (?P<message>.*) \[(?P<code>V\d{3})\]$")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def problem_lines(output: str) -> list[re.Match]:
    lines = [line for line in output.splitlines() if line.startswith(("content/", "site.yaml", "themes/", "output"))]
    matches = [PROBLEM_LINE.match(line) for line in lines]
    assert all(matches), [line for line, m in zip(lines, matches) if not m]
    return [m for m in matches if m]


def broken(site, files: dict, language: str | None):
    site()
    if language == "en":
        site.write({"site.yaml": "title: 测试站\nbase_url: https://example.org/volunteer/\nlanguage: en\n"})
        files = {
            rel: (text.replace("title: 测试站\n", "title: 测试站\nlanguage: en\n", 1) if rel == "site.yaml" else text)
            for rel, text in files.items()
        }
    site.write(files)
    result = site.build(env=IN_SITE_LANGUAGE)
    assert result.exit_code == 1, result.output
    return result


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_bad_input_problem_is_in_chinese_on_a_chinese_site(site, name):
    result = broken(site, CASES[name][0], None)
    found = problem_lines(result.output)
    assert found, result.output
    for match in found:
        outside_quotes = QUOTED.sub("", match["message"])
        assert CJK.search(outside_quotes), f"not in Chinese: {match.group(0)}"
    assert "内容中有" in result.output and "本次没有写入任何文件" in result.output


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_bad_input_problem_is_in_english_on_an_english_site(site, name):
    result = broken(site, CASES[name][0], "en")
    found = problem_lines(result.output)
    assert found, result.output
    for match in found:
        outside_quotes = QUOTED.sub("", match["message"])
        assert not CJK.search(outside_quotes), f"not in English: {match.group(0)}"
    assert "problem(s) in the content; nothing was written" in result.output


def test_a_good_build_says_so_in_the_sites_language(site):
    site()
    result = site.build(env=IN_SITE_LANGUAGE)
    assert result.exit_code == 0 and re.fullmatch(
        r"volsite：已生成 \d+ 个页面（共 \d+ 个文件），用时 [\d.]+ 秒\n", result.output
    )
    verbose = site.build("-v", env=IN_SITE_LANGUAGE).output
    assert "正在读取并检查内容" in verbose or "没有任何改动" in verbose


def test_check_as_json_gives_each_problems_code_and_words_in_the_sites_language(site):
    site()
    site.write({"content/ledger/l.csv": "date,volunteer,hours\n2024-01-02,li-na,25\n"})
    result = site.run("check", str(site.root), "--format", "json", env=IN_SITE_LANGUAGE)
    import json

    report = json.loads(result.output)
    (problem,) = [p for p in report["problems"] if p["path"] == "content/ledger/l.csv"]
    assert re.fullmatch(r"V\d{3}", problem["code"]) and CJK.search(problem["message"])


def test_volsite_lang_reads_a_chinese_sites_messages_in_english(site):
    site()
    site.write({"content/ledger/l.csv": "date,volunteer,hours\n2024-01-02,li-na,25\n"})
    result = site.build(env={"VOLSITE_LANG": "en"})
    (match,) = [m for m in problem_lines(result.output) if m["where"] == "content/ledger/l.csv:2"]
    assert not CJK.search(QUOTED.sub("", match["message"]))
