"""Issue 18: what the model, the images, the theme and the site's checks say is said in the
site's language, with its code, and says what to do: a zh-CN site's staff read Chinese, an
`language: en` site's read English (the same problems, the same codes)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import IN_SITE_LANGUAGE
from volsite.builds import _index
from volsite.messages import words
from volsite.output import search
from volsite.problems import ContentError, Problem

PACKAGE = Path(search.__file__).parents[1]
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
ENGLISH_SITE = "title: 测试站\nbase_url: https://example.org/volunteer/\nlanguage: en\n"

# A hidden volunteer, named in a story; a volunteer in a team that does not exist; a ledger row
# naming someone close to a volunteer's id.
MODEL_PROBLEMS = {
    "content/volunteers/more.yaml": "- {id: wang-fang, name: 王芳, teams: [hq, nursing]}\n"
    "- {id: sun-li, name: 孙丽, teams: [hq], public: false}\n",
    "content/ledger/l.csv": "日期,志愿者编号,时长\n2024-01-02,li-nna,2\n",
    "content/stories/2024-03-05-clinic.md": "---\ntitle: 义诊的一天\ndate: 2024-03-05\n---\n孙丽一早就到了。\n",
}
# A cover that is no image, and a drawing that would run a script.
IMAGE_PROBLEMS = {
    "content/media/bad.jpg": b"not a photo",
    "content/media/logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "content/stories/y.md": "---\ntitle: 图\ndate: 2024-01-02\ncover: media/bad.jpg\n---\n正文 ![](media/logo.svg)\n",
}
# A link to no page, a phone number typed into a story, a team nobody is in.
CHECK_FINDINGS = {
    "content/teams/more.yaml": "- {id: empty, name: 空队}\n",
    "content/stories/x.md": "---\ntitle: 好\ndate: 2024-01-01\n---\n[报名](/join/)\n\n电话 13812345678\n",
}


def lines_of(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("content/", "output/"))]


def test_model_problems_on_a_chinese_site_are_in_chinese_with_their_codes(site):
    site(MODEL_PROBLEMS)
    result = site.build(env=IN_SITE_LANGUAGE)
    assert result.exit_code == 1
    for expected in (
        "content/volunteers/more.yaml:1: 志愿者 'wang-fang'：'teams' 中的队伍 'nursing' 不存在：请核对 content/teams/ "
        "中该队伍的 id，或先添加这支队伍 [V301]",
        "content/ledger/l.csv:2: 台账记录：'volunteer' 中的志愿者 'li-nna' 不存在（是不是想写 'li-na'？）："
        "请核对 content/volunteers/ 中该志愿者的 id，或先添加这位志愿者 [V302]",
        "content/stories/2024-03-05-clinic.md:5: 故事 'clinic'：正文中写出了 孙* 的真实姓名，此人未公开"
        "（'public: false'，content/volunteers/more.yaml:2）：请改写成隐去姓名的 孙*，或删去姓名",
    ):
        assert expected in result.output, result.output
    assert "[V330]" in result.output
    assert "孙丽" not in result.output  # the message names the hidden person only masked


def test_image_problems_on_a_chinese_site_name_the_story_that_uses_the_image(site):
    site(IMAGE_PROBLEMS)
    result = site.build(env=IN_SITE_LANGUAGE)
    assert result.exit_code == 1
    assert (
        "content/media/bad.jpg: 不是 volsite 能读取的图片（JPEG、PNG、GIF、WebP 或 HEIC）（故事 'y' 用到了它）："
        "请另存为 JPEG 或 PNG [V404]"
    ) in result.output
    assert (
        "content/media/logo.svg: 含有事件处理代码（onload），它会在网站上运行（故事 'y' 用到了它）："
        "请去掉它，重新保存这张图 [V409]"
    ) in result.output


def test_the_checks_on_a_chinese_site_are_in_chinese_and_keep_private_values_masked(site):
    site(CHECK_FINDINGS)
    result = site.run("check", str(site.root), env=IN_SITE_LANGUAGE)
    assert result.exit_code == 1
    found = lines_of(result.output)
    assert "content/stories/x.md:5: 故事 'x'：链接 '/join/' 在网站上指向的内容不存在：" in "\n".join(found)
    assert "content/teams/more.yaml:1: 警告：队伍 'empty' 没有队员" in "\n".join(found)
    privacy = [line for line in found if line.startswith("output/stories/x/")]
    assert privacy and all("看起来像手机号码（138******78）" in line and line.endswith("[V611]") for line in privacy)
    assert "13812345678" not in result.output
    for line in found:
        assert re.search(r" \[V\d{3}\]$", line) and CJK.search(QUOTED.sub("", line)), line


@pytest.mark.parametrize("files", [MODEL_PROBLEMS, IMAGE_PROBLEMS], ids=["model", "images"])
def test_an_english_site_says_the_same_problems_in_english_with_the_same_codes(site, files):
    site(files)
    chinese = site.build(env=IN_SITE_LANGUAGE)
    site.write({"site.yaml": ENGLISH_SITE})
    english = site.build(env=IN_SITE_LANGUAGE)
    assert chinese.exit_code == english.exit_code == 1

    def codes(output: str) -> list[tuple[str, str]]:
        return [(line.split(": ", 1)[0], line.rsplit(" ", 1)[1]) for line in lines_of(output)]

    assert codes(english.output) == codes(chinese.output) and codes(english.output)
    for line in lines_of(english.output):  # (a hidden person's masked name, 孙*, is a value)
        assert not CJK.search(QUOTED.sub("", line.split(": ", 1)[1]).replace("孙*", "")), line
    assert "(used by story 'y')" in english.output or "'teams' names a team 'nursing'" in english.output


def test_check_on_an_english_site_is_in_english(site):
    site({**CHECK_FINDINGS, "site.yaml": ENGLISH_SITE})
    result = site.run("check", str(site.root), env=IN_SITE_LANGUAGE)
    assert "story 'x': the link '/join/' points to nothing on the site: check the address" in result.output
    assert "looks like a mobile phone number (138******78): private data must not be published" in result.output


def test_search_that_cannot_be_made_is_a_problem_with_a_code_in_the_sites_language(tmp_path, monkeypatch):
    def missing() -> str:
        raise search.FormatError("no Pagefind")

    monkeypatch.setattr(search, "binary", missing)
    (tmp_path / "index.html").write_text("<html><body data-pagefind-body>x</body></html>", encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        _index(tmp_path, ["index.html"])
    (problem,) = raised.value.problems
    assert problem.code == "V620" and problem.path == "site.yaml"
    assert problem.format().startswith("site.yaml: Pagefind, which makes the search index, is not installed")
    assert "没有安装生成搜索索引的 Pagefind" in problem.format("zh-CN")


def test_an_image_problem_naming_its_user_is_kept_by_a_build_record_as_it_was(site):
    from volsite.images.stage import _used_by
    from volsite.images.svg import svg_problem
    from volsite.model.records import named

    said = _used_by(svg_problem(b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"), named("story", "y"))
    problem = Problem("content/media/a.svg", None, said)
    assert Problem.from_kept(problem.kept()) == problem
    assert problem.format("zh-CN") == (
        "content/media/a.svg: 含有 <script>，它会在网站上运行（故事 'y' 用到了它）：请去掉它，重新保存这张图 [V408]"
    )
    assert words("{x}", x=named("ledger row")).words("zh-CN") == "台账记录"


# The code ranges of the stages (issue 18): a code tells staff and developers where a problem
# comes from.
RANGES = {
    "model": ("V3", ()),
    "images": ("V4", ()),
    "render": ("V5", ()),
    # (the output folder's own checks are the command line's, V7xx, and so are those of the
    # folder volsite statements writes in)
    "output": ("V6", ("write.py", "statements.py")),
    "speed": ("V6", ()),
}


def test_each_stage_gives_its_problems_codes_of_its_own_range():
    wrong = []
    for folder, (prefix, others) in RANGES.items():
        for path in sorted((PACKAGE / folder).glob("*.py")):
            if path.name in others:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say":
                    code = node.args[0].value if isinstance(node.args[0], ast.Constant) else "?"
                    if not code.startswith(prefix):
                        wrong.append(f"{folder}/{path.name}:{node.lineno}: {code} is not {prefix}xx")
    assert not wrong, wrong


def test_an_image_too_large_to_read_names_what_uses_it(tmp_path, monkeypatch):
    from volsite.images import stage
    from volsite.model.records import named
    from volsite.problems import Problems

    (tmp_path / "content/media").mkdir(parents=True)
    (tmp_path / "content/media/big.jpg").write_bytes(b"x" * 200)
    monkeypatch.setattr(stage, "MAX_BYTES", 100)  # (the real limit is 40 MB)
    problems = Problems()
    users = {"media/big.jpg": named("volunteer", "li-na")}
    made = stage.process_images(
        tmp_path, frozenset({"media/big.jpg"}), frozenset(), (480,), (160,), 80, problems, users
    )
    assert made.refused == frozenset({"media/big.jpg"})
    (problem,) = problems
    assert problem.code == "V401" and "(used by volunteer 'li-na')" in problem.message
    assert "（志愿者 'li-na' 用到了它）" in problem.format("zh-CN")
