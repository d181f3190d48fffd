"""A new kind of record is one module and one line in kinds.registry.KINDS: read from its
folder (YAML and tables), ids checked, references checked, its texts read for hidden names."""

from __future__ import annotations

import datetime as dt
import types
from dataclasses import dataclass, field

import pytest

from conftest import BASE_SITE, write_files
from volsite.kinds import registry
from volsite.kinds.fields import Fields
from volsite.messages import words
from volsite.pipeline import load_site
from volsite.problems import ContentError, Problems
from volsite.read.files import Raw


@dataclass(frozen=True)
class Poster:
    id: str
    title: str
    team: str | None
    path: str
    line: int
    lines: dict[str, int] = field(default_factory=dict, compare=False)


def _parse(raw, problems, config=None):
    f = Fields(raw, "poster", problems)
    nid = f.ident("id")
    title = f.text("title", required=True)
    f.check_known(("id", "title", "team"))
    team = f.ident("team", required=False)
    return Poster(nid, title or "", team, raw.path, raw.line, dict(raw.lines)) if nid else None


POSTERS = types.ModuleType("posters_kind")
POSTERS.__dict__.update(
    FOLDER="content/posters",
    LABEL="poster",
    TABLE_HEADERS={"编号": "id", "标题": "title", "队伍": "team"},
    REFERENCES={"team": "teams"},
    SHOWN_FIELDS=("title",),
    parse=_parse,
)
Poster.__module__ = POSTERS.__name__


@pytest.fixture
def with_posters(monkeypatch):
    monkeypatch.setattr(registry, "KINDS", (*registry.KINDS, registry.Kind("posters", POSTERS)))


def _site(tmp_path, files):
    return write_files(tmp_path / "site", {**BASE_SITE, **files})


def test_a_kind_in_the_registry_is_read_and_linked(tmp_path, with_posters):
    root = _site(
        tmp_path,
        {
            "content/posters/n.yaml": "- {id: water, title: 停水通知, team: hq}\n",
            "content/posters/more.csv": "编号,标题,队伍\npower,停电通知,clinic\n",
        },
    )
    site = load_site(root)
    posters = site.model.records["posters"]
    assert posters["water"].title == "停水通知" and posters["power"].team == "clinic"
    assert posters["power"].path == "content/posters/more.csv" and posters["power"].line == 2


def test_a_registry_kind_gets_unique_ids_and_checked_references_at_file_and_line(tmp_path, with_posters):
    root = _site(
        tmp_path,
        {"content/posters/n.yaml": "- {id: water, title: 停水通知, team: nowhere}\n- {id: water, title: 又一条}\n"},
    )
    with pytest.raises(ContentError) as raised:
        load_site(root)
    messages = [f"{p.path}:{p.line}: {p.message}" for p in raised.value.problems]
    unknown = "content/posters/n.yaml:1: poster 'water': 'team' names a team 'nowhere', which does not exist: "
    assert any(m.startswith(unknown) for m in messages), messages
    assert any(m.startswith("content/posters/n.yaml:2: poster id 'water' is used twice") for m in messages), messages


def test_a_registry_kinds_shown_fields_are_read_for_hidden_names(tmp_path, with_posters):
    root = _site(
        tmp_path,
        {
            "content/volunteers/hidden.yaml": "id: wang-fang\nname: 王芳\npublic: false\nteams: [hq]\n",
            "content/posters/n.yaml": "- {id: thanks, title: 感谢王芳的付出}\n",
        },
    )
    with pytest.raises(ContentError) as raised:
        load_site(root)
    assert any(p.path == "content/posters/n.yaml" and "王*" in p.message for p in raised.value.problems)


def test_without_its_registry_line_the_folder_is_not_read(tmp_path):
    root = _site(tmp_path, {"content/posters/n.yaml": "- {id: water, title: 停水通知, team: nowhere}\n"})
    assert load_site(root).model.records == {}


# ------------------------------------------------------------------ what messages call a record


def test_every_kind_has_a_noun_in_each_language():
    # A new kind whose LABEL is not in fields.NOUNS (nor a Message) would name its records in
    # English on a Chinese site.
    for kind in registry.KINDS:
        assert kind.noun.words("en") == kind.label
        assert kind.noun.words("zh-CN") != kind.label, f"{kind.name}: add its LABEL to kinds.fields.NOUNS"


def test_a_record_is_the_subject_of_its_problems_in_the_readers_language():
    from volsite.kinds.documents import Document
    from volsite.kinds.teams import Team

    team = Team("hq", "总队", None, None, None, None, None, None, (), "content/teams/t.yaml", 1)
    assert registry.subject_of(team).words("en") == "team 'hq'"
    assert registry.subject_of(team).words("zh-CN") == "队伍 'hq'"
    assert registry.label_of(team) == "team"
    story = Document(
        "story", "clinic", "t", dt.date(2024, 1, 1), None, None, (), (), (), None, None, None, False, None, False,
        "", 5, "content/stories/clinic.md", 1,
    )  # fmt: skip
    assert registry.subject_of(story).words("zh-CN") == "故事 'clinic'"


def test_a_registry_kind_may_give_its_label_as_a_message(monkeypatch):
    posters = types.ModuleType("posters_kind_words")
    posters.__dict__.update(POSTERS.__dict__, LABEL=words("poster"))
    kind = registry.Kind("posters", posters)
    assert kind.label == "poster" and kind.noun == words("poster")
    # A plain LABEL outside fields.NOUNS is shown as it is, in every language.
    assert registry.Kind("posters", POSTERS).noun.words("zh-CN") == "poster"


def test_fields_name_the_record_and_each_field_as_the_file_wrote_it():
    raw = Raw("content/ledger/l.csv", 4, {"date": "2024-01-02", "hours": "abc"}, {}, {"hours": "时长", "date": "日期"})
    problems = Problems()
    fields = Fields(raw, "ledger row", problems)
    assert fields.hours("hours", required=True) is None
    assert fields.ident("volunteer") is None
    first, second = problems
    assert first.format("zh-CN") == (
        "content/ledger/l.csv:4: 台账记录：'时长' 应为数字，而不是 'abc'：请填写一位志愿者的服务小时数，例如 2 或 1.5 [V210]"
    )
    assert (
        second.format()
        == "content/ledger/l.csv:4: ledger row: the required field 'volunteer' is missing: fill it in [V200]"
    )
    assert first.subject == words("ledger row") and first.code == "V210"


def test_the_record_is_named_by_its_id_once_it_is_known():
    raw = Raw(
        "v.yaml", 1, {"id": "zhang-wei", "joined": "昨天", "teams": "hq; 医疗队; 二队"}, {"joined": 3, "teams": 4}
    )
    problems = Problems()
    fields = Fields(raw, "volunteer", problems)
    fields.ident("id")
    fields.date("joined")
    fields.id_list("teams")
    assert [p.format("zh-CN").split("：")[0] for p in problems] == [
        "v.yaml:3: 志愿者 'zhang-wei'",
        "v.yaml:4: 志愿者 'zhang-wei'",
    ]
    assert (
        problems.errors[1].words("zh-CN").startswith("志愿者 'zhang-wei'：'teams' 中的 '医疗队'（另有 1 个） 不是编号")
    )
    assert problems.errors[1].message.startswith(
        "volunteer 'zhang-wei': 'teams' holds '医疗队' (and 1 more), which is not"
    )
