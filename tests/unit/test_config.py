"""site.yaml: one table of options (volsite.config.OPTIONS) gives SiteConfig's defaults, the known keys,
the checks with their messages, and the README's list of settings."""

from __future__ import annotations

import builtins
import copy
import dataclasses
import re
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import REPO
from volsite import config
from volsite.config import (
    KNOWN_KEYS,
    OPTIONS,
    SETTINGS_END,
    SETTINGS_START,
    Issuer,
    NavItem,
    Section,
    SiteConfig,
    all_options,
    parse_config,
)
from volsite.messages import Message
from volsite.problems import Problems
from volsite.read.yaml import parse_yaml

README = REPO / "README.md"
REMAKE = "PYTHONPATH=generator python3 -m volsite.config --write README.md"


def read(text: str, language: str = "en") -> tuple[SiteConfig, list[str]]:
    """site.yaml text → its config and its problems as the build prints them, in the build's order."""
    problems = Problems()
    data = parse_yaml(text, "site.yaml", problems)
    assert not problems, [p.format() for p in problems]
    site_config, found = parse_config(data)
    return site_config, [p.format(language) for p in found.sorted()]


def told(problems: list[str], *expected: tuple[str, str]) -> bool:
    """Whether `problems` are, one for one, what each of `expected` says is wrong ("site.yaml:3:
    'pagination' must be …"), then what to do, then its code."""
    return len(problems) == len(expected) and all(
        problem.startswith(what + ": ") and problem.endswith(f" [{code}]")
        for problem, (what, code) in zip(problems, expected)
    )


UNKNOWN = ": correct its name, or delete it [V002]"  # what an unknown setting's message says to do


def readme_settings_section() -> str:
    return README.read_text(encoding="utf-8").split("\n### site.yaml\n", 1)[1].split("\n## ", 1)[0]


# ------------------------------------------------------------------ the README


def test_the_readme_list_of_settings_is_made_from_the_table():
    readme = README.read_text(encoding="utf-8")
    start, end = readme.find(SETTINGS_START), readme.find(SETTINGS_END)
    assert 0 <= start < end, f"README.md has lost its settings markers; put them back and run {REMAKE}"
    assert readme[start : end + len(SETTINGS_END)] == config.settings_list(), (
        f"README.md's list of site.yaml settings is stale: run {REMAKE}"
    )


def test_the_readme_list_shows_each_key_with_its_type_default_and_help():
    rows = {
        row.split(" | ")[0].strip("| `"): row for row in config.settings_list().splitlines() if row.startswith("| `")
    }
    assert list(rows) == [option.key for option in all_options()]
    assert (
        rows["points.per_record"]
        == "| `points.per_record` | number ≥ 0 | `1` | points for a ledger row that gives none |"
    )
    assert "| `stars` | list of hours | `[100, 300, 600, 1000, 1500]` |" in rows["stars"]
    assert "| `language` | zh-CN or en | `zh-CN` |" in rows["language"]
    assert "| `markdown.unsafe_html` | true or false | `true` |" in rows["markdown.unsafe_html"]
    assert "| `nav` | list of {title, url} | none |" in rows["nav"]
    assert '| `description` | text | `""` |' in rows["description"]


def test_the_readme_example_is_a_site_yaml_without_problems():
    example = re.search(r"```yaml\n(.*?)```", readme_settings_section(), re.S)
    assert example, "the README's site.yaml section has lost its example"
    site_config, problems = read(example.group(1))
    assert problems == []
    assert site_config != SiteConfig()


def test_rewriting_the_readme_changes_only_what_is_between_the_markers(tmp_path: Path):
    stale = f"# Site\n\nprose before\n\n{SETTINGS_START}\n| old | list |\n{SETTINGS_END}\n\nprose after\n"
    readme = tmp_path / "README.md"
    readme.write_text(stale, encoding="utf-8")
    assert config.main(["--write", str(readme)]) == 0
    made = readme.read_text(encoding="utf-8")
    assert made == f"# Site\n\nprose before\n\n{config.settings_list()}\n\nprose after\n"
    assert config.main(["--write", str(readme)]) == 0 and readme.read_text(encoding="utf-8") == made


def test_a_readme_without_markers_is_refused(tmp_path: Path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("# Site\n", encoding="utf-8")
    assert config.main(["--write", str(readme)]) == 1
    assert "no settings markers" in capsys.readouterr().err
    assert readme.read_text(encoding="utf-8") == "# Site\n"


def test_without_write_the_list_is_printed(capsys):
    assert config.main([]) == 0
    assert capsys.readouterr().out == config.settings_list() + "\n"


# ------------------------------------------------------------------ the table


def test_the_table_fills_every_setting_field_of_site_config_once():
    fields = [option.field for option in all_options()]
    assert len(fields) == len(set(fields))
    settings_fields = {f.name for f in dataclasses.fields(SiteConfig)} - {"drafts", "extra"}
    assert set(fields) == settings_fields


def test_known_keys_are_the_top_level_keys_of_the_table():
    assert KNOWN_KEYS == tuple(entry.key for entry in OPTIONS)
    assert KNOWN_KEYS == (
        "title",
        "base_url",
        "language",
        "description",
        "theme",
        "stars",
        "points",
        "pagination",
        "leaderboard_size",
        "publish_fields",
        "privacy",
        "nav",
        "organization",
        "measures",
        "statement_issuer",
        "contact",
        "search",
        "ignore",
        "timezone",
        "images",
        "markdown",
    )
    assert {entry.key for entry in OPTIONS if isinstance(entry, Section)} == {"points", "privacy", "images", "markdown"}
    for entry in OPTIONS:
        if isinstance(entry, Section):
            assert all(option.key.startswith(entry.key + ".") for option in entry.options)
        else:
            assert "." not in entry.key


def test_nested_options_fill_the_fields_named_in_the_table():
    fields = {option.key: option.field for option in all_options()}
    assert fields["points.per_record"] == "points_per_record"
    assert fields["markdown.unsafe_html"] == "unsafe_html"
    assert fields["privacy.require_consent"] == "require_consent"
    assert fields["privacy.allow"] == "privacy_allow"
    assert fields["title"] == "title"


def test_every_help_is_one_line_for_the_readme_table():
    for option in all_options():
        assert option.help and "\n" not in option.help and "|" not in option.help, option.key


# ------------------------------------------------------------------ defaults


def test_site_config_defaults_are_the_tables():
    defaults = SiteConfig()
    for option in all_options():
        assert getattr(defaults, option.field) == option.default, option.key


def test_the_defaults_themselves():
    defaults = SiteConfig()
    assert (defaults.title, defaults.base_url, defaults.language, defaults.theme) == (
        "志愿服务",
        "/",
        "zh-CN",
        "default",
    )
    assert defaults.stars == (Decimal(100), Decimal(300), Decimal(600), Decimal(1000), Decimal(1500))
    assert (defaults.points_per_record, defaults.pagination, defaults.leaderboard_size) == (Decimal(1), 20, 50)
    assert (defaults.publish_fields, defaults.privacy_allow, defaults.nav) == ((), (), None)
    assert (defaults.require_consent, defaults.search, defaults.unsafe_html, defaults.drafts) == (
        False,
        True,
        True,
        False,
    )
    assert (defaults.description, defaults.organization, defaults.statement_issuer) == ("", "", Issuer())
    assert not defaults.statement_issuer and str(defaults.statement_issuer) == ""  # as the text it once was


@pytest.mark.parametrize("text", [None, {}])
def test_no_settings_are_the_defaults(text):
    site_config, problems = parse_config(text)
    assert site_config == SiteConfig() and list(problems) == []


def test_a_setting_written_empty_keeps_its_default():
    site_config, problems = read("title:\npagination:\nprivacy:\n  allow:\nnav:\n")
    assert problems == [] and site_config == SiteConfig()


def test_every_setting_is_read_into_its_field():
    site_config, problems = read(
        "title: 红马甲\nbase_url: https://example.org/v/\nlanguage: en\ndescription: 故事\ntheme: mine\n"
        "stars: [10, 20.5]\npoints: {per_record: 0}\npagination: 7\nleaderboard_size: 3\n"
        "publish_fields: [skills_note, name]\nprivacy:\n  require_consent: true\n  allow: [0510-12345678, 温馨提示]\n"
        "nav: [{title: 首页, url: /}]\norganization: 总队\nstatement_issuer: 医院\nsearch: false\n"
        "markdown: {unsafe_html: false}\n"
    )
    assert problems == []
    assert site_config == SiteConfig(
        title="红马甲",
        base_url="https://example.org/v/",
        language="en",
        description="故事",
        theme="mine",
        stars=(Decimal(10), Decimal("20.5")),
        points_per_record=Decimal(0),
        pagination=7,
        leaderboard_size=3,
        publish_fields=("skills_note",),  # name is published by its own rule
        require_consent=True,
        privacy_allow=("0510-12345678", "温馨提示"),
        nav=(NavItem("首页", "/"),),
        organization="总队",
        statement_issuer=Issuer("医院"),
        search=False,
        unsafe_html=False,
    )


# ------------------------------------------------------------------ unknown keys

TYPOS = {
    "pagnation": "pagination",
    "titel": "title",
    "privcy": "privacy",
    "mardown": "markdown",
    "leaderbord_size": "leaderboard_size",
}


@pytest.mark.parametrize("typo", sorted(TYPOS))
def test_an_unknown_key_gets_a_suggestion_from_the_table(typo):
    _, problems = read(f"title: t\n{typo}: 1\n")
    assert problems == [f"site.yaml:2: unknown setting '{typo}' (did you mean '{TYPOS[typo]}'?){UNKNOWN}"]


@pytest.mark.parametrize("key", KNOWN_KEYS)
def test_each_key_of_the_table_is_suggested_for_its_misspelling(key):
    _, problems = read(f"{key}x: 1\n")
    assert problems == [f"site.yaml:1: unknown setting '{key}x' (did you mean '{key}'?){UNKNOWN}"]


def test_an_unknown_key_unlike_any_gets_no_suggestion():
    _, problems = read("bogus: 1\ntrue: 2\n")
    assert problems == [
        f"site.yaml:1: unknown setting 'bogus'{UNKNOWN}",
        f"site.yaml:2: unknown setting 'True'{UNKNOWN}",
    ]


@pytest.mark.parametrize("option", [o for o in all_options() if "." in o.key], ids=lambda o: o.key)
def test_a_misspelt_key_in_a_section_is_reported_at_its_line_with_a_suggestion(option):
    section, sub = option.key.split(".")
    _, problems = read(f"title: t\n{section}:\n  {sub}x: 1\n")
    assert problems == [f"site.yaml:3: unknown setting '{section}.{sub}x' (did you mean '{sub}'?){UNKNOWN}"]


def test_an_unknown_key_in_a_section_on_one_line_is_reported_at_the_sections_line():
    _, problems = read("title: t\nprivacy: {require_consent: true, alow: [x], zz: 1}\n")
    assert problems == [
        f"site.yaml:2: unknown setting 'privacy.alow' (did you mean 'allow'?){UNKNOWN}",
        f"site.yaml:2: unknown setting 'privacy.zz'{UNKNOWN}",
    ]


# ------------------------------------------------------------------ wrong values, word for word
# What is wrong, word for word; then what to do, and the code (told checks them).

LONG_LIST = "[" + ", ".join(str(n) for n in range(1, 40)) + "]"
WRONG_VALUES = [
    (
        "images: {widths: [960, 480]}",
        "'images.widths' must be a list of increasing widths in pixels from 16 to 4096, e.g. [360, 720, 1080, 1440]",
        "V003",
    ),
    ("images: {quality: 0}", "'images.quality' must be a whole number from 1 to 100", "V003"),
    ("title: [1]", "'title' must be text, not [1]", "V003"),
    # At the top level a long value is cut short; under a section it is told whole.
    (
        f"title: {LONG_LIST}",
        "'title' must be text, not [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, …",
        "V003",
    ),
    (
        "base_url: ftp://example.org/",
        "'base_url' must be a web address like https://example.org/volunteer/ or a path like /volunteer/, "
        "not 'ftp://example.org/'",
        "V003",
    ),
    (
        "base_url: volunteer/",
        "'base_url' must be a web address like https://example.org/volunteer/ or a path like /volunteer/, not 'volunteer/'",
        "V003",
    ),
    ("language: fr", "'language' must be one of zh-CN, en, not 'fr'", "V005"),
    ("language: zh-cn", "'language' must be one of zh-CN, en, not 'zh-cn' (did you mean 'zh-CN'?)", "V005"),
    ("language: [en]", "'language' must be text, not ['en']", "V003"),
    ("description: true", "'description' must be text, not True", "V003"),
    ("theme: ../other", "'theme' must be the name of a folder under themes/, not '../other'", "V003"),
    ("theme: .hidden", "'theme' must be the name of a folder under themes/, not '.hidden'", "V003"),
    (
        "stars: [300, 100]",
        "'stars' must be a list of increasing positive hour thresholds, e.g. [100, 300, 600, 1000, 1500], not [300, 100]",
        "V003",
    ),
    (
        "stars: []",
        "'stars' must be a list of increasing positive hour thresholds, e.g. [100, 300, 600, 1000, 1500], not []",
        "V003",
    ),
    ("points: 3", "'points' must be a mapping with per_record", "V004"),
    ("points: {per_record: -1}", "'points.per_record' must be a number of 0 or more, not -1", "V003"),
    ("points: {per_record: many}", "'points.per_record' must be a number of 0 or more, not 'many'", "V003"),
    ("points: {per_record: }", "'points.per_record' must be a number of 0 or more, not None", "V003"),
    (
        f"points: {{per_record: {LONG_LIST}}}",
        f"'points.per_record' must be a number of 0 or more, not {LONG_LIST}",
        "V003",
    ),
    ("pagination: 0", "'pagination' must be a whole number of 1 or more, not 0", "V003"),
    ("pagination: true", "'pagination' must be a whole number of 1 or more, not True", "V003"),
    ("leaderboard_size: 2.5", "'leaderboard_size' must be a whole number of 1 or more, not 2.5", "V003"),
    ("publish_fields: skills", "'publish_fields' must be a list of field names", "V003"),
    ("publish_fields: [1]", "'publish_fields' must be a list of field names", "V003"),
    (
        "publish_fields: [skills_note, id_number]",
        "'id_number' is a private field of volunteers and is never published",
        "V006",
    ),
    (
        "publish_fields: [手机号码]",
        "'手机号码' is a private field of volunteers (another name of 'phone') and is never published",
        "V007",
    ),
    ("privacy: []", "'privacy' must be a mapping with require_consent, allow", "V004"),
    ("privacy: {require_consent: 1}", "'privacy.require_consent' must be true or false", "V003"),
    ("privacy: {require_consent: }", "'privacy.require_consent' must be true or false", "V003"),
    (
        "privacy: {allow: 0510-12345678}",
        "'privacy.allow' must be a list of phone numbers or e-mail addresses that are an organisation's public "
        "contacts, or of phrases that are no one's name",
        "V003",
    ),
    ("nav: 首页", "'nav' must be a list of {title, url}", "V003"),
    ("nav: [{title: 首页}]", "each 'nav' item must be a mapping with 'title' and 'url'", "V009"),
    ("organization: {name: 总队}", "'organization' must be text, not {'name': '总队'}", "V003"),
    (
        "measures: 献血量",
        "'measures' must be a mapping of measure ids to {label, unit}, such as blood_ml: {label: Blood donated, "
        "unit: ml}, not '献血量'",
        "V003",
    ),
    (
        "measures: {blood_ml: 献血量}",
        "measure 'blood_ml' must be a mapping with 'label' and, if it has one, 'unit', not '献血量'",
        "V051",
    ),
    (
        "statement_issuer: []",
        "'statement_issuer' must be text (the issuer's name), or a mapping with name, contact and person, not []",
        "V003",
    ),
    (
        "contact: 0510-1234",
        "'contact' must be a mapping with phone, email, address and wechat_qr, each on its own line, not '0510-1234'",
        "V003",
    ),
    ("search: 1", "'search' must be true or false, not 1", "V003"),
    ("ignore: [1, '']", "'ignore' must be a list of file patterns such as [ledger/说明.txt, \"**/*.docx\"]", "V003"),
    (
        "timezone: [Asia/Shanghai]",
        "'timezone' must be the name of a time zone, such as Asia/Shanghai, not ['Asia/Shanghai']",
        "V003",
    ),
    (
        "timezone: asia/shanghai",
        "'timezone' must be the name of a time zone such as Asia/Shanghai, not 'asia/shanghai' (did you mean 'Asia/Shanghai'?)",
        "V040",
    ),
    (
        "timezone: Europe/Berln",
        "'timezone' must be the name of a time zone such as Asia/Shanghai, not 'Europe/Berln' (did you mean 'Europe/Berlin'?)",
        "V040",
    ),
    # what staff write for China's time is not a zone's name: the hint is China's zone
    (
        "timezone: 北京时间",
        "'timezone' must be the name of a time zone such as Asia/Shanghai, not '北京时间' (did you mean 'Asia/Shanghai'?)",
        "V040",
    ),
    (
        "timezone: Asia/Beijing",
        "'timezone' must be the name of a time zone such as Asia/Shanghai, not 'Asia/Beijing' (did you mean 'Asia/Shanghai'?)",
        "V040",
    ),
    (
        "timezone: UTC+8",
        "'timezone' must be the name of a time zone such as Asia/Shanghai, not 'UTC+8' (did you mean 'Asia/Shanghai'?)",
        "V040",
    ),
    (
        "timezone: ../../etc/passwd",
        "'timezone' must be the name of a time zone such as Asia/Shanghai, not '../../etc/passwd'",
        "V040",
    ),
    ("markdown: true", "'markdown' must be a mapping with unsafe_html", "V004"),
    ("markdown: {unsafe_html: 1}", "'markdown.unsafe_html' must be true or false", "V003"),
    ("markdown: {unsafe_html: }", "'markdown.unsafe_html' must be true or false", "V003"),
]


@pytest.mark.parametrize("line, message, code", WRONG_VALUES, ids=[line[:40] for line, _, _ in WRONG_VALUES])
def test_a_wrong_value_is_told_as_before_at_its_line_and_leaves_the_default(line, message, code):
    site_config, problems = read(f"\n\n{line}\n")
    assert told(problems, (f"site.yaml:3: {message}", code)), problems
    key = line.split(":")[0]
    for option in all_options():
        if option.key.split(".")[0] == key and key != "publish_fields":
            assert getattr(site_config, option.field) == option.default, option.key


def test_a_wrong_value_in_a_section_is_told_at_the_sections_line():
    _, problems = read(
        "title: t\nprivacy:\n  require_consent: true\n  allow: 0510-12345678\nmarkdown:\n  unsafe_html: 1\n"
    )
    assert told(
        problems,
        (
            "site.yaml:2: 'privacy.allow' must be a list of phone numbers or e-mail addresses that are an "
            "organisation's public contacts, or of phrases that are no one's name",
            "V003",
        ),
        ("site.yaml:5: 'markdown.unsafe_html' must be true or false", "V003"),
    ), problems


@pytest.mark.parametrize("line, message, code", WRONG_VALUES, ids=[line[:40] for line, _, _ in WRONG_VALUES])
def test_a_wrong_value_is_told_in_chinese_on_a_chinese_site(line, message, code):
    _, problems = read(f"\n\n{line}\n", "zh-CN")
    assert len(problems) == 1 and problems[0].startswith("site.yaml:3: ") and problems[0].endswith(f" [{code}]")
    assert "must" not in problems[0] and "：" in problems[0], problems


def test_site_yaml_problems_in_chinese_word_for_word():
    _, problems = read("title: t\npagnation: 1\npagination: 0\nlanguage: zh-cn\n", "zh-CN")
    assert problems == [
        "site.yaml:2: 未知的设置项 'pagnation'（是不是想写 'pagination'？）：请改正名称，或删除它 [V002]",
        "site.yaml:3: 'pagination' 应为 1 或更大的整数，而不是 0：请改正，或删除这一项以使用默认值 [V003]",
        "site.yaml:4: 'language' 应为 zh-CN、en 之一，而不是 'zh-cn'（是不是想写 'zh-CN'？）：中文网站请写 zh-CN，"
        "英文网站请写 en [V005]",
    ]


def test_every_value_type_says_what_it_expects_in_each_language():
    # A ValueType's `expected` is spliced into "'key' must be {expected}": plain text there
    # would be left in English on a Chinese site.
    for option in all_options():
        expected = option.value_type.expected
        assert isinstance(expected, Message), f"{option.key}: expected=words(...), not {expected!r}"
        assert expected.words("zh-CN") != expected.words("en") or expected.text == "{{title, url}}", option.key


def test_every_option_has_a_wrong_value_above():
    tried = {line.split(":")[0] for line, _, _ in WRONG_VALUES} | {
        f"{line.split(':')[0]}.{sub}" for line, _, _ in WRONG_VALUES for sub in re.findall(r"\{(\w+):", line)
    }
    assert {option.key for option in all_options()} <= tried


def test_site_yaml_that_is_not_a_mapping():
    site_config, problems = parse_config(["title"])
    assert site_config == SiteConfig()
    assert told([p.format() for p in problems], ("site.yaml:1: site.yaml must be a mapping of setting: value", "V001"))


def test_a_wrong_value_without_line_numbers_is_told_without_one():
    _, problems = parse_config({"pagination": "many", "points": {"per_recrd": 1}})
    assert [p.format() for p in problems.sorted()] == [
        "site.yaml: 'pagination' must be a whole number of 1 or more, not 'many': correct it, or delete it to keep "
        "the default [V003]",
        f"site.yaml: unknown setting 'points.per_recrd' (did you mean 'per_record'?){UNKNOWN}",
    ]


# ------------------------------------------------------------------ purity


def test_parse_config_is_pure(monkeypatch):
    """A mapping in, a config and problems out: nothing read or written, the mapping left as it was."""
    data = {
        "title": "  t  ",
        "pagination": 0,
        "privacy": {"allow": [" a ", "b"], "zz": 1},
        "nav": [{"title": "首页", "url": "/"}],
        "publish_fields": ["skills_note", "id_number"],
    }
    before = copy.deepcopy(data)

    def no_files(*args, **kwargs):
        raise AssertionError("parse_config opened a file")

    monkeypatch.setattr(builtins, "open", no_files)
    monkeypatch.setattr(Path, "open", no_files)
    first, first_problems = parse_config(data)
    second, second_problems = parse_config(data)
    assert data == before
    assert first == second and repr(first) == repr(second)
    assert list(first_problems) == list(second_problems) and len(first_problems) == 3
    assert first_problems is not second_problems
    assert first.title == "t" and first.privacy_allow == ("a", "b") and first.publish_fields == ("skills_note",)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "UTC", "Europe/London"])
def test_a_time_zone_of_the_database_is_taken_as_it_is(zone):
    site_config, problems = read(f"timezone: {zone}\n")
    assert not problems and site_config.timezone == zone


def test_the_time_zone_is_china_s_unless_told():
    assert read("title: t\n")[0].timezone == "Asia/Shanghai"


def test_china_s_time_is_known_without_a_time_zone_database(monkeypatch):
    """Windows has no time zone database unless the tzdata package is installed: the default
    zone is still known (UTC+8, no summer time since 1991); another is a problem, not a crash."""
    import datetime as dt
    import zoneinfo

    from volsite import config as config_module
    from volsite.pipeline import today_at

    def no_database(name):
        raise zoneinfo.ZoneInfoNotFoundError(name)

    monkeypatch.setattr(config_module, "ZoneInfo", no_database)
    assert read("timezone: Asia/Shanghai\n") == (SiteConfig(), [])
    moment = int(dt.datetime(2026, 12, 3, 20, tzinfo=dt.timezone.utc).timestamp())
    assert today_at(moment, "Asia/Shanghai") == dt.date(2026, 12, 4)
    assert today_at(moment, "Europe/London") == dt.date(2026, 12, 4)  # (told as V040 by the config)
    assert read("timezone: Europe/London\n")[1][0].endswith("[V040]")


# ------------------------------------------------------------------ statement_issuer


def test_the_statement_issuer_is_a_mapping_or_its_name_alone():
    site_config, problems = read("statement_issuer:\n  name: 总队\n  contact: 13912345678\n  person: 王主任\n")
    assert problems == []
    assert site_config.statement_issuer == Issuer("总队", "13912345678", "王主任")
    assert str(site_config.statement_issuer) == "总队"  # a theme printing it as text still shows the name
    site_config, problems = read("statement_issuer: 总队\n")
    assert problems == [] and site_config.statement_issuer == Issuer("总队")


def test_the_issuers_contact_is_public_by_declaration():
    site_config, _ = read("privacy: {allow: [0510-1234567]}\nstatement_issuer: {name: 总队, contact: 13912345678}\n")
    assert site_config.declared_public == ("0510-1234567", "13912345678")
    assert read("statement_issuer: 总队\n")[0].declared_public == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "statement_issuer:\n  nme: 总队\n",
            [("site.yaml:1: 'statement_issuer' has 'nme', which volsite does not know (did you mean 'name'?)", "V030")],
        ),
        ("statement_issuer:\n  contact: 0510-1234567\n", [("site.yaml:1: 'statement_issuer' names no issuer", "V032")]),
        ("statement_issuer: {}\n", [("site.yaml:1: 'statement_issuer' names no issuer", "V032")]),
        (
            "statement_issuer: {name: 总队, person: [王, 李]}\n",
            [("site.yaml:1: 'statement_issuer.person' must be text, not ['王', '李']", "V031")],
        ),
    ],
)
def test_a_wrong_statement_issuer_says_what_to_write(text, expected):
    site_config, problems = read(text)
    assert told(problems, *expected), problems
    assert site_config.statement_issuer in (Issuer(), Issuer("总队"))  # what is wrong is left out


# ------------------------------------------------------------------ contact (issue 21)


def test_the_contact_is_read_and_public_by_declaration():
    site_config, problems = read(
        "contact:\n  phone: 0510-85512345\n  email: volunteer@example.org\n  address: 门诊楼一楼\n"
        "  wechat_qr: media/wechat-qr.png\n"
    )
    assert problems == []
    c = site_config.contact
    assert (c.phone, c.email, c.address, c.wechat_qr, c.wechat_qr_line) == (
        "0510-85512345",
        "volunteer@example.org",
        "门诊楼一楼",
        "media/wechat-qr.png",
        5,
    )
    assert site_config.declared_public == ("0510-85512345", "volunteer@example.org", "门诊楼一楼")
    assert not SiteConfig().contact and read("contact: {}\n") == (SiteConfig(), [])


def test_a_wrong_contact_key_or_value_is_told_at_its_line():
    site_config, problems = read("title: t\ncontact:\n  phone: 0510-1\n  emial: a@example.org\n  address: [a, b]\n")
    assert told(
        problems,
        ("site.yaml:4: 'contact' has 'emial', which volsite does not know (did you mean 'email'?)", "V012"),
        ("site.yaml:5: 'contact.address' must be text, not ['a', 'b']", "V013"),
    ), problems
    assert site_config.contact.phone == "0510-1" and not site_config.contact.email
