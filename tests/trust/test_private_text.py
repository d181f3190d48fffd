"""Private data in what a site publishes, under names and in places the allow-list of
volunteer fields did not see (issue 15's hostile testing):

- a platform export's private columns (证件号码, 手机号码) under their Chinese names, named
  in site.yaml publish_fields, were published, search index included;
"""

from __future__ import annotations

from pathlib import Path

import pytest
from trustsite import SITE_YAML, fresh_site, loads, run_cli

from conftest import output_texts
from volsite.kinds import volunteers as volunteer_kind
from volsite.problems import Problems
from volsite.sources import table_records

# A roster as the national platform (志愿中国) exports it: its private columns under
# their Chinese names, beside the public ones.
EXPORT = ("志愿者编号,姓名,所属队伍,证件号码,手机号码,家庭住址\n"
          "wang-fang,王芳,hq,110101199003070012,13800001111,澜州市东湖区桂花巷18号\n"
          "zhao-lei,赵磊,clinic,11010519491231002X,13900002222,澜州市西湖区荷花路9号\n")
EXPORT_PRIVATE = ("110101199003070012", "13800001111", "澜州市东湖区桂花巷18号",
                  "11010519491231002X", "13900002222", "澜州市西湖区荷花路9号")
SEARCH_ON = SITE_YAML.replace("search: false", "search: true")


# ---------------------------------------------------------------- private columns


@pytest.mark.parametrize("name", ["手机号码", "证件号码", "身份证号", "身份证号码", "手机", "联系电话", "电话",
                                  "住址", "家庭住址", "邮箱", "电子邮箱", "微信号", "QQ", "QQ号",
                                  "Phone", "ID Number", "id-number", "E-mail", "ＷｅＣｈａｔ", "紧急联系电话"])
def test_publish_fields_naming_a_private_field_under_any_name_is_an_error(name):
    result, problems = loads({"site.yaml": SITE_YAML + f"publish_fields:\n  - 政治面貌\n  - '{name}'\n"})
    assert isinstance(result, list), "the site loaded"
    assert [p for p in problems if p.startswith(f"site.yaml:4: '{name}' is a private field of volunteers")
            and "is never published: remove it from publish_fields" in p], problems


def test_publish_fields_naming_a_field_that_is_not_private_still_loads():
    result, problems = loads({"site.yaml": SITE_YAML + "publish_fields: [政治面貌, hobby, skills_note]\n"})
    assert not isinstance(result, list), problems
    assert result.config.publish_fields == ("政治面貌", "hobby", "skills_note")


def test_one_table_names_the_private_columns_for_the_roster_and_for_publish_fields():
    # Every name of a private field in the table maps to it in a roster, and is refused
    # in publish_fields: there is no second list to fall out of step with.
    for private, aliases in volunteer_kind.PRIVATE_NAMES.items():
        assert volunteer_kind.private_field(private) == (private, private)
        for alias in aliases:
            assert volunteer_kind.CSV_HEADERS[alias.lower()] == private, alias
            assert volunteer_kind.private_field(alias)[0] == private, alias
    assert set(volunteer_kind.PRIVATE_FIELDS) >= {"phone", "mobile", "email", "id_number", "address", "wechat"}


def test_a_platform_export_s_private_columns_are_its_private_fields(tmp_path: Path):
    # SPEC section 2: 证件号码 = id_number, 手机号码 = phone.
    (tmp_path / "r.csv").write_text(EXPORT, encoding="utf-8")
    problems = Problems()
    records = table_records(tmp_path, "r.csv", volunteer_kind.CSV_HEADERS, problems)
    assert not list(problems)
    assert records[0].data == {"id": "wang-fang", "name": "王芳", "teams": "hq", "id_number": "110101199003070012",
                               "phone": "13800001111", "address": "澜州市东湖区桂花巷18号"}


def test_a_platform_export_with_its_private_columns_in_publish_fields_fails_and_writes_nothing():
    files = {"site.yaml": SEARCH_ON + "publish_fields: [证件号码, 手机号码]\n",
             "content/volunteers/export.csv": EXPORT}
    with fresh_site(files) as root:
        result = run_cli("build", str(root), "-q")
        assert result.returncode == 1, result.stdout + result.stderr
        output = result.stdout + result.stderr
        assert "site.yaml:4: '证件号码' is a private field of volunteers" in output
        assert "site.yaml:4: '手机号码' is a private field of volunteers" in output
        assert not (root / "output").exists()
        assert not any(value in output for value in EXPORT_PRIVATE)


def test_a_platform_export_s_private_columns_reach_no_output_file():
    files = {"site.yaml": SEARCH_ON, "content/volunteers/export.csv": EXPORT}
    with fresh_site(files) as root:
        result = run_cli("build", str(root), "-q")
        assert result.returncode == 0, result.stdout + result.stderr
        texts = output_texts(root / "output")
        assert any(name.startswith("pagefind/fragment/") for name in texts)  # the index, unzipped, too
        assert "王芳" in texts["volunteers/wang-fang/index.html"]  # the roster was read
        leaks = [f"{name}: {value}" for name, text in texts.items() for value in EXPORT_PRIVATE if value in text]
        assert leaks == []
