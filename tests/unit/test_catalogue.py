"""Messages in the site's language (issue 18): every message volsite can say has its Chinese
words, the catalogue files are in step with the code, and a message is a value that is put
into words only where it is shown."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from volsite import catalogue as tool
from volsite.bindings.click import MODULES, speaking
from volsite.cli import main
from volsite.messages import Message, catalogue, chosen_language, say, words
from volsite.problems import Problem, did_you_mean

PACKAGE = Path(tool.__file__).parent


@pytest.fixture(scope="module")
def found():
    return tool.extract()


def test_every_message_has_chinese_words(found):
    missing = tool.untranslated(tool.updated_catalogue("zh-CN", found))
    assert not missing, (
        "\n".join(missing[:40]) + f"\n({len(missing)} in all: translate them in {tool.po_path('zh-CN')})"
    )


def test_codes_are_well_formed_and_each_names_one_message(found):
    assert tool.problems_of(found) == []
    assert sum(1 for item in found if item.code) >= 2


def test_catalogue_files_are_in_step_with_the_code():
    stale = [f"{path}: {why}" for path, _, why in tool.differences()]
    assert not stale, "run python3 -m volsite.catalogue:\n" + "\n".join(stale)


def _calls(name: str):
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name:
                yield path.relative_to(PACKAGE), node


def test_every_message_is_written_as_a_literal_the_catalogue_can_find():
    # A text built at run time (an f-string, a variable) would never be translated.
    wrong = []
    for name, literal_args in (("say", 2), ("words", 1)):
        for path, call in _calls(name):
            args = call.args[:literal_args]
            if len(args) < literal_args or not all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args
            ):
                wrong.append(f"{path}:{call.lineno}: {name}(...) with a text that is not a literal")
    assert not wrong, "\n".join(wrong)


def test_a_message_is_words_in_each_language():
    message = say("V701", "{folder} is not a folder: give the folder that holds site.yaml", folder="网站")
    assert message.words("en") == "网站 is not a folder: give the folder that holds site.yaml"
    assert message.words("zh-CN") == "网站 不是文件夹：请给出存放 site.yaml 的文件夹"
    assert str(message) == message.words("en")


def test_a_message_within_a_message_and_a_list_are_in_the_same_language():
    inner = did_you_mean("titel", ["title", "date"])
    outer = words("{reason}", reason=Message("", "warning: {message}", (("message", inner),)))
    assert outer.words("en") == "warning:  (did you mean 'title'?)"
    assert outer.words("zh-CN") == "警告：（是不是想写 'title'？）"
    assert did_you_mean("zzzz", ["title"]).words("zh-CN") == ""
    listed = words("{reason}", reason=("a", "b"))
    assert listed.words("en") == "a, b" and listed.words("zh-CN") == "a、b"


def test_a_problem_is_formatted_as_spec_says_with_its_code():
    problem = Problem(
        "content/x.yaml", 3, say("V701", "{folder} is not a folder: give the folder that holds site.yaml", folder="x")
    )
    assert problem.format() == "content/x.yaml:3: x is not a folder: give the folder that holds site.yaml [V701]"
    assert problem.format("zh-CN") == "content/x.yaml:3: x 不是文件夹：请给出存放 site.yaml 的文件夹 [V701]"
    assert problem.as_json("zh-CN")["code"] == "V701"
    warning = Problem("a", None, problem.said, "warning")
    assert warning.format("zh-CN").startswith("a: 警告：x 不是文件夹")


def test_a_problem_kept_by_a_build_record_comes_back_the_same():
    inner = did_you_mean("titel", ["title"])
    problem = Problem(
        "a.yaml",
        2,
        Message("V701", "{folder} {hint} {names}", (("folder", "x"), ("hint", inner), ("names", ("p", "q")))),
        "warning",
    )
    assert Problem.from_kept(problem.kept()) == problem


@pytest.mark.parametrize(
    ("site", "environ", "expected"),
    [
        ("zh-CN", {}, "zh-CN"),
        ("en", {"LANG": "zh_CN.UTF-8"}, "en"),
        ("zh-CN", {"VOLSITE_LANG": "en"}, "en"),
        ("en", {"VOLSITE_LANG": "zh_CN"}, "zh-CN"),
        (None, {"LANG": "zh_CN.UTF-8"}, "zh-CN"),
        (None, {"LANGUAGE": "zh_TW:en", "LANG": "en_US.UTF-8"}, "zh-CN"),
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {}, "en"),
        (None, {"VOLSITE_LANG": "fr", "LANG": "zh_CN.UTF-8"}, "zh-CN"),
    ],
)
def test_the_language_spoken_is_the_sites_unless_asked_otherwise(site, environ, expected):
    assert chosen_language(site, environ) == expected


def test_help_is_in_the_sites_language(tmp_path):
    (tmp_path / "site.yaml").write_text("title: 站\nbase_url: https://e.org/\n", encoding="utf-8")
    env = {"VOLSITE_LANG": None, "LANG": "C.UTF-8"}
    chinese = CliRunner().invoke(main, ["build", str(tmp_path), "--help"], env=env).output
    assert "用法:" in chinese and "选项:" in chinese and "把 SITE 中的网站生成到输出文件夹。" in chinese
    assert "显示本帮助并退出。" in chinese and "Usage" not in chinese and "Show this" not in chinese
    (tmp_path / "site.yaml").write_text("title: Site\nbase_url: https://e.org/\nlanguage: en\n", encoding="utf-8")
    english = CliRunner().invoke(main, ["build", str(tmp_path), "--help"], env=env).output
    assert "Usage:" in english and "Build the site in SITE into its output folder." in english
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english)


def test_outside_a_site_help_follows_the_systems_language(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {"VOLSITE_LANG": None, "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None}
    assert "命令" in CliRunner().invoke(main, ["--help"], env={**env, "LANG": "zh_CN.UTF-8"}).output
    assert "Commands" in CliRunner().invoke(main, ["--help"], env={**env, "LANG": "en_GB.UTF-8"}).output


def test_clicks_errors_are_in_the_sites_language_and_click_is_itself_after(tmp_path):
    (tmp_path / "site.yaml").write_text("title: 站\nbase_url: https://e.org/\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--no-such"], env={"VOLSITE_LANG": None})
    assert result.exit_code == 2 and "错误：没有 '--no-such' 这个选项。" in result.output
    assert click.core._ is gettext.gettext  # put back once the command is done


def test_click_still_looks_up_its_words_as_the_binding_expects():
    # bindings/click.py swaps each of these modules' own `_`/`ngettext`: an upgrade of click
    # that finds its words another way leaves its help in English. Pinned click <9.
    import importlib

    for name in MODULES:
        module = importlib.import_module(f"click.{name}")
        assert vars(module).get("_") is gettext.gettext, f"click.{name} no longer has gettext as _"
    zh = catalogue("zh-CN")
    with speaking(zh):
        assert click.formatting._("Usage:") == "用法:"
        assert (
            click.exceptions.ngettext(
                "Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 2
            )
            == "多出了参数（{args}）"
        )
    assert click.formatting._ is gettext.gettext


def test_a_problem_about_a_record_names_it_in_the_same_language():
    subject = words("{subject}: {message}", subject="volunteer 'li-na'", message="x")
    problem = Problem(
        "v.yaml",
        2,
        say("V701", "{folder} is not a folder: give the folder that holds site.yaml", folder="f"),
        subject=subject,
    )
    assert problem.message.startswith("volunteer 'li-na': x: f is not a folder")
    assert problem.format("zh-CN").startswith("v.yaml:2: volunteer 'li-na'：x：f 不是文件夹")
    assert Problem.from_kept(problem.kept()) == problem


def test_volsite_help_explains_a_code_and_lists_the_guide(tmp_path):
    (tmp_path / "site.yaml").write_text("title: 站\n", encoding="utf-8")
    env = {"VOLSITE_LANG": None}
    entry = CliRunner().invoke(main, ["help", "V701"], env=env)
    assert (
        entry.exit_code == 0
        and "V701" in entry.output
        and "不是文件夹" in entry.output
        and "is not a folder" in entry.output
    )
    unknown = CliRunner().invoke(main, ["help", "V999"], env=env)
    assert unknown.exit_code == 2 and "V999" in unknown.output
    listing = CliRunner().invoke(main, ["help"], env=env)
    assert listing.exit_code == 0 and "volsite help V212" in listing.output


def test_a_problem_in_plain_text_is_refused():
    # Plain text would never be translated: every problem is said with say().
    from volsite.problems import Problems, UsageError

    with pytest.raises(TypeError):
        Problems().error("a", 1, "no code, no Chinese")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Problem("a", 1, "no code")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        UsageError("no code")  # type: ignore[arg-type]
