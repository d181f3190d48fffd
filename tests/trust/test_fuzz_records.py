"""Issue 6, bad input never crashes: YAML records of every kind and the front matter
of stories and pages, with any value in any field, give a model or problems that
each read `path:line: message` — never a traceback."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import FRONT, KINDS, SITE, RawYaml, bodies, fences, record, record_yaml, values
from trustsite import FUZZ, assert_not_a_bug, fresh_site, loads, outcome, run_cli


def kind_files(kind: str):
    """One or two YAML files of records of `kind`, each a list or a single record."""
    one_file = st.tuples(st.lists(record(KINDS[kind]), min_size=1, max_size=3), st.booleans()).map(
        lambda pair: record_yaml(pair[0], as_list=pair[1] or len(pair[0]) > 1)
    )
    return st.lists(one_file, min_size=1, max_size=2).map(
        lambda texts: {f"content/{kind}/fuzz-{n}.yaml": text for n, text in enumerate(texts)}
    )


@FUZZ
@given(files=kind_files("volunteers"))
def test_volunteer_records(files):
    loads(files)


@FUZZ
@given(files=kind_files("teams"))
def test_team_records(files):
    loads(files)


@FUZZ
@given(files=kind_files("activities"))
def test_activity_records(files):
    loads(files)


@FUZZ
@given(files=kind_files("ledger"))
def test_ledger_records(files):
    loads(files)


@FUZZ
@given(files=kind_files("awards"))
def test_award_records(files):
    loads(files)


@FUZZ
@given(kind=st.sampled_from(sorted(KINDS)), document=values)
def test_any_yaml_document_as_a_record_file(kind, document):
    """Not records at all: a scalar, a list of lists, a mapping of mappings."""
    loads({f"content/{kind}/any.yaml": record_yaml([{"x": document}], as_list=False).replace("x: ", "", 1)})


def front_matter_file(fields, fence, body) -> str:
    opening, closing = fence
    return opening + record_yaml([fields], as_list=False) + closing + body


@FUZZ
@given(
    folder=st.sampled_from(["stories", "pages"]),
    fields=record(FRONT),
    fence=fences,
    body=bodies,
    name=st.sampled_from(["x.md", "2024-03-05-义诊.md", "关于我们.md", "----.md", "sub/a b.markdown"]),
)
def test_front_matter(folder, fields, fence, body, name):
    loads({f"content/{folder}/{name}": front_matter_file(fields, fence, body)})


@FUZZ
@given(fields=record(FRONT, extra_keys=False, wild=False), body=bodies)
def test_front_matter_that_mostly_loads_renders(fields, body):
    """Close to valid, so that many examples reach the renderer too."""
    fields = {"title": "好", "date": RawYaml("2024-03-05"), **fields}
    loads({"content/stories/x.md": front_matter_file(fields, ("---\n", "---\n"), body)}, render=True)


@FUZZ
@given(kind=st.sampled_from(sorted(KINDS)), data=st.data())
def test_records_that_mostly_load_render(kind, data):
    """Records of each kind that often pass every check, rendered into pages."""
    fields = data.draw(record(KINDS[kind], extra_keys=False, wild=False))
    base = {
        "volunteers": {"id": "wang-fang", "name": "王芳"},
        "teams": {"id": "new-team", "name": "新队", "parent": "hq"},
        "activities": {"id": "2024-05-01-run", "title": "义跑", "date": RawYaml("2024-05-01")},
        "ledger": {"date": RawYaml("2024-05-02"), "volunteer": "li-na", "hours": 2},
        "awards": {"title": "优秀志愿者", "volunteer": "li-na", "year": 2024},
    }[kind]
    loads({f"content/{kind}/fuzz.yaml": record_yaml([{**base, **fields}], as_list=False)}, render=True)


@settings(FUZZ, max_examples=40)
@given(fields=record(SITE, extra_keys=False))
def test_site_yaml_settings(fields):
    """site.yaml with any value in any setting (two known bugs aside: test_pipeline_bugs.py)."""
    loads({"site.yaml": record_yaml([{"search": False, **fields}], as_list=False)}, render=True)


def cli_agrees(files) -> int:
    """The real command line builds the site with exit status 0, or 1 when load_site finds problems."""
    with fresh_site(files) as root:
        expected = outcome(root)
        result = run_cli("build", str(root), "-q")
        assert_not_a_bug(result)
        assert result.returncode == (1 if isinstance(expected, list) else 0), result.stderr[-2000:]
        return result.returncode


@settings(FUZZ, max_examples=4)
@given(kind=st.sampled_from(sorted(KINDS)), data=st.data())
def test_the_command_line_on_fuzzed_records_exits_0_or_1(kind, data):
    records = data.draw(st.lists(record(KINDS[kind]), min_size=1, max_size=2))
    cli_agrees({f"content/{kind}/fuzz.yaml": record_yaml(records)})


def test_the_command_line_exits_0_for_a_good_site_and_1_for_bad_input():
    assert cli_agrees({}) == 0
    assert cli_agrees({"content/stories/x.md": "---\ntitle: [\n---\n"}) == 1
    assert cli_agrees({"content/ledger/l.csv": "日期,志愿者编号,时长\n2024/2/30,li-na,99\n"}) == 1
