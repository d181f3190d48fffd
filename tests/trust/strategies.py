"""Hypothesis strategies for what staff (and attackers) put in content files.

Values come three ways: typed Python values written out as YAML (every type a
field may wrongly get: ints, huge ints, floats with nan/inf, bools, None, dates,
datetimes, nested lists and maps, long and odd Unicode text); raw YAML snippets
that no writer would produce (tags, anchors, broken brackets); and values that
make sense for the field (known ids, dates, hours), so that examples also get
past the field checks into references, figures and routes.
"""

from __future__ import annotations

import datetime as dt
import json

import yaml
from hypothesis import strategies as st

# Ids that exist in BASE_SITE, and some that do not.
VOLUNTEER_IDS = ["zhang-wei", "li-na", "wang-fang", "nobody"]
TEAM_IDS = ["hq", "clinic", "clinic-a", "ghost-team"]
ACTIVITY_IDS = ["2024-03-05-clinic", "2024-05-01-run", "missing-activity"]
STORY_SLUGS = ["clinic", "2024-03-05-clinic", "none-such"]

# Unicode without surrogates (a file cannot hold them), with odd characters on purpose:
# controls, combining marks, RTL marks, non-characters, emoji, CJK beyond the BMP.
odd_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
cjk_text = st.text(
    alphabet=st.sampled_from(list("张王李赵欧阳娜伟志愿服务队义诊山区 -_·，。、；\"'<>&")), min_size=1, max_size=12
)
long_text = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(["志", "a", "<b>", "&amp;", "🙂", "\u202e", "x\n"]),
    st.integers(min_value=200, max_value=20_000),
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**31), max_value=2**31),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(),  # nan, inf, -0.0, subnormals
    st.dates(),  # year 1 to 9999
    st.datetimes(),
    odd_text,
    cjk_text,
    long_text,
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.one_of(odd_text, st.integers()), inner, max_size=4),
    max_leaves=12,
)


class RawYaml(str):
    """A YAML fragment written as it is (it may well not parse)."""


# Fragments a YAML writer never produces. Some are valid YAML with surprising
# meaning, some are broken; all must end as a value or a problem.
raw_snippets = st.sampled_from(
    [
        "",
        "~",
        "null",
        "yes",
        "no",
        "on",
        "off",
        "Y",
        ".nan",
        ".inf",
        "-.inf",
        "0x1F",
        "0o17",
        "0b101",
        "1_000",
        "1:30",
        "190:20:30",
        "1e999999999",
        "-1e-999999999",
        "2024-02-30",
        "2024-13-01",
        "2024-01-01T25:61:00",
        "20224-01-01",
        "0001-01-01",
        "9999-12-31",
        "2024/3/5",
        "2024.3.5",
        "!!int x",
        "!!int ''",
        "!!float x",
        "!!bool maybe",
        "!!timestamp yesterday",
        "!!timestamp 10000-01-01",
        "!!binary aGVsbG8=",
        "!!binary ä",
        "!!set {a, b}",
        "!!omap [a: 1, b: 2]",
        "!!pairs [a]",
        "!!map [1]",
        "!!seq {a: 1}",
        "!!str [1]",
        "!!null x",
        "!foo bar",
        "!!python/object:os.system x",
        "&anchor value",
        "*undefined",
        "[unclosed",
        "{a: 1",
        "]",
        "}",
        "'quote",
        '"quote',
        '"\\x01\\0"',
        '"\\ud800"',
        '"\\U0010FFFF"',
        "|",
        ">-",
        "- a",
        "? x",
        ": x",
        "@reserved",
        "`reserved",
        "%TAG",
        "[[[[[[[[[[]]]]]]]]]]",
        "{a: {b: {c: {d: [1, [2, [3]]]}}}}",
        "[a, b, [c, {d: e}]]",
        "{? [a]: b}",
        "\t",
        "#comment",
        "a #comment",
        "<<: 1",
        '"' + "a" * 5000 + '"',
    ]
)


def flow(value) -> str:
    """One line of YAML for a value (flow style)."""
    if isinstance(value, RawYaml):
        return str(value)
    text = yaml.safe_dump([value], default_flow_style=True, width=2**30, allow_unicode=True, sort_keys=False).strip()
    text = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    if "\n" in text:  # a long string may still be folded: JSON is YAML too
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text


def key_text(key) -> str:
    text = flow(key) if not isinstance(key, str) or not key.isidentifier() else key
    return text or "''"


def record_yaml(records: list[dict], as_list: bool = True) -> str:
    """Records as one YAML file: a list of mappings, or one mapping."""
    lines = []
    for record in records:
        first = True
        for key, value in record.items():
            lead = ("- " if first else "  ") if as_list else ""
            lines.append(f"{lead}{key_text(key)}: {flow(value)}")
            first = False
        if first:
            lines.append("- {}" if as_list else "{}")
    return "\n".join(lines) + "\n"


def field_value(sensible, wild: bool = True) -> st.SearchStrategy:
    if wild:
        return st.one_of(sensible, sensible, values, raw_snippets.map(RawYaml))
    wild_value = st.one_of(values, raw_snippets.map(RawYaml))
    return st.integers(0, 19).flatmap(lambda n: sensible if n else wild_value)  # one in 20 is wild


dates = st.one_of(
    st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2025, 12, 31)),
    st.dates().map(lambda d: f"{d.year}/{d.month}/{d.day}"),
)
hours = st.one_of(
    st.integers(min_value=-2, max_value=30),
    st.decimals(min_value=0, max_value=48, places=2).map(float),
    st.sampled_from(["3", "2.5", "三", "0", "24", "24.0001"]),
)


def id_or_not(ids: list[str]) -> st.SearchStrategy:
    """Mostly an id of the site (the last one of `ids` names nothing), now and then any id."""
    return st.integers(0, 9).flatmap(
        lambda n: st.sampled_from(ids) if n else st.from_regex(r"[a-z0-9][a-z0-9-]{0,8}", fullmatch=True)
    )


def record(fields: dict[str, st.SearchStrategy], extra_keys: bool = True, wild: bool = True) -> st.SearchStrategy:
    """A mapping with any subset of the fields, each sensible or not, and maybe unknown keys.

    With wild=False a field is seldom anything but sensible, so that many records pass.
    """
    present = st.fixed_dictionaries(
        {}, optional={name: field_value(strategy, wild) for name, strategy in fields.items()}
    )
    if not extra_keys:
        return present
    extra = st.dictionaries(st.one_of(odd_text, st.sampled_from(["teems", "phone", "nmae", "<<"])), values, max_size=2)
    return st.builds(lambda known, more: {**more, **known}, present, extra)


VOLUNTEER = {
    "id": id_or_not(VOLUNTEER_IDS),
    "name": st.one_of(cjk_text, odd_text),
    "teams": st.lists(id_or_not(TEAM_IDS), max_size=3),
    "role": cjk_text,
    "joined": dates,
    "photo": st.sampled_from(["media/p.jpg", "../../etc/passwd", "/etc/passwd", "media/"]),
    "bio": odd_text,
    "skills": st.lists(cjk_text, max_size=3),
    "public": st.booleans(),
    "minor": st.booleans(),
    "guardian_consent": st.booleans(),
    "consent": st.booleans(),
    "photo_consent": st.booleans(),
    "phone": st.just("13912345678"),
    "id_number": st.just("110101199003074514"),
}
TEAM = {
    "id": id_or_not(TEAM_IDS),
    "name": cjk_text,
    "parent": id_or_not(TEAM_IDS),
    "lead": id_or_not(VOLUNTEER_IDS),
    "founded": dates,
    "category": cjk_text,
    "description": odd_text,
    "logo": st.just("media/logo.png"),
    "services": st.lists(
        st.one_of(cjk_text, st.fixed_dictionaries({"name": cjk_text}, optional={"description": odd_text})), max_size=3
    ),
}
participant = st.one_of(
    id_or_not(VOLUNTEER_IDS), st.fixed_dictionaries({"volunteer": id_or_not(VOLUNTEER_IDS)}, optional={"hours": hours})
)
ACTIVITY = {
    "id": id_or_not(ACTIVITY_IDS),
    "title": cjk_text,
    "date": dates,
    "end": dates,
    "team": id_or_not(TEAM_IDS),
    "teams": st.lists(id_or_not(TEAM_IDS), max_size=2),
    "category": cjk_text,
    "location": cjk_text,
    "hours": hours,
    "participants": st.lists(participant, max_size=4),
    "people_served": st.integers(min_value=-5, max_value=10**6),
    "summary": odd_text,
    "story": st.sampled_from(STORY_SLUGS),
}
LEDGER = {
    "date": dates,
    "volunteer": id_or_not(VOLUNTEER_IDS),
    "hours": hours,
    "activity": id_or_not(ACTIVITY_IDS),
    "points": st.one_of(st.integers(min_value=-3, max_value=100), st.floats()),
    "note": odd_text,
    "name": cjk_text,
}
AWARD = {
    "id": id_or_not(["award-1", "award-2"]),
    "title": cjk_text,
    "volunteer": id_or_not(VOLUNTEER_IDS),
    "team": id_or_not(TEAM_IDS),
    "date": dates,
    "year": st.integers(min_value=1800, max_value=3100),
    "level": st.sampled_from(["国家级", "省级", "市级", "区县级", "单位", "宇宙级"]),
    "issuer": cjk_text,
    "citation": odd_text,
    "status": st.sampled_from(["awarded", "candidate", "maybe"]),
    "posting_until": dates,
    "number": st.text(max_size=8),
}
FRONT = {
    "title": st.one_of(cjk_text, odd_text),
    "date": dates,
    "slug": id_or_not(["clinic", "about", "x"]),
    "summary": odd_text,
    "tags": st.lists(st.one_of(cjk_text, odd_text), max_size=3),
    "volunteers": st.lists(id_or_not(VOLUNTEER_IDS), max_size=2),
    "teams": st.lists(id_or_not(TEAM_IDS), max_size=2),
    "activity": id_or_not(ACTIVITY_IDS),
    "cover": st.sampled_from(["media/c.jpg", "/etc/passwd", "../x.jpg"]),
    "author": cjk_text,
    "draft": st.booleans(),
    "updated": dates,
    "order": st.integers(min_value=-3, max_value=10),
    "menu": st.booleans(),
}

KINDS = {
    "volunteers": VOLUNTEER,
    "teams": TEAM,
    "activities": ACTIVITY,
    "ledger": LEDGER,
    "awards": AWARD,
}

# Two fences around the front matter, right or wrong.
fences = st.sampled_from(
    [
        ("---\n", "---\n"),
        ("---\n", "---"),
        ("---  \n", "--- \t\n"),
        ("---\n", ""),
        ("", "---\n"),
        ("----\n", "----\n"),
        ("--- x\n", "---\n"),
        ("\n---\n", "---\n"),
        ("---\n", "...\n"),
        ("\ufeff---\n", "---\n"),
        ("---\r\n", "---\r\n"),
        ("---\r", "---\r"),
        ("+++\n", "+++\n"),
        ("---\n---\n", "---\n"),
    ]
)
bodies = st.one_of(
    odd_text,
    st.sampled_from(
        [
            "",
            "正文。\n",
            "---\n",
            "# 标题\n\n- a\n- b\n",
            "<script>alert(1)</script>\n",
            "[链接](../../etc/passwd)\n",
            "![图](media/none.jpg)\n",
            "| a | b |\n|---|---|\n| 1 | 2 |\n",
            "脚注[^1]\n\n[^1]: 注\n",
            "```\ncode\n```\n",
            "> " * 50 + "深\n",
            "*" * 500 + "\n",
            "[" * 300 + "\n",
            "<" * 300 + "\n",
            "&#0; &#xD800; &#1114112;\n",
        ]
    ),
)

SITE = {
    "title": cjk_text,
    "base_url": st.sampled_from(
        ["https://example.org/volunteer/", "/v/", "https://x.org", "ftp://x/", "https://x:99999/", "//x/", "x/y"]
    ),
    "language": st.sampled_from(["zh-CN", "en", "fr", "EN"]),
    "description": odd_text,
    "theme": st.sampled_from(["default", "mine", "../x", ".hidden"]),
    "stars": st.lists(st.one_of(st.integers(-5, 2000), st.floats(0, 2000)), max_size=6),
    "points": st.fixed_dictionaries({}, optional={"per_record": st.one_of(st.integers(-2, 5), st.floats())}),
    "pagination": st.integers(-1, 50),
    "leaderboard_size": st.integers(-1, 100),
    "publish_fields": st.lists(
        st.sampled_from(["skills_note", "id_number", "phone", "name", "hobby", "bio"]), max_size=3
    ),
    "privacy": st.fixed_dictionaries(
        {},
        optional={
            "require_consent": st.booleans(),
            "allow": st.lists(st.sampled_from(["13912345678", "a@b.cn"]), max_size=2),
        },
    ),
    "statement_issuer": st.one_of(
        cjk_text,
        st.fixed_dictionaries(
            {"name": cjk_text},
            optional={"contact": st.sampled_from(["0510-12345678", "13912345678"]), "person": cjk_text},
        ),
    ),
    "organization": cjk_text,
    "search": st.just(False),
    "markdown": st.fixed_dictionaries({}, optional={"unsafe_html": st.booleans()}),
    "nav": st.lists(
        st.fixed_dictionaries({"title": cjk_text, "url": st.sampled_from(["/", "stories/", "javascript:x"])}),
        max_size=3,
    ),
}
