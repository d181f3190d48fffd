"""A new kind of record is one module and one line in kinds.registry.KINDS: read from its
folder (YAML and tables), ids checked, references checked, its texts read for hidden names."""

from __future__ import annotations

import types
from dataclasses import dataclass, field

import pytest

from conftest import BASE_SITE, write_files
from volsite.kinds import registry
from volsite.kinds.fields import Fields
from volsite.pipeline import load_site
from volsite.problems import ContentError


@dataclass(frozen=True)
class Notice:
    id: str
    title: str
    team: str | None
    path: str
    line: int
    lines: dict[str, int] = field(default_factory=dict, compare=False)


def _parse(raw, problems, config=None):
    f = Fields(raw, "notice", problems)
    nid = f.ident("id")
    title = f.text("title", required=True)
    f.check_known(("id", "title", "team"))
    team = f.ident("team", required=False)
    return Notice(nid, title or "", team, raw.path, raw.line, dict(raw.lines)) if nid else None


NOTICES = types.ModuleType("notices_kind")
NOTICES.__dict__.update(
    FOLDER="content/notices",
    LABEL="notice",
    TABLE_HEADERS={"编号": "id", "标题": "title", "队伍": "team"},
    REFERENCES={"team": "teams"},
    SHOWN_FIELDS=("title",),
    parse=_parse,
)
Notice.__module__ = NOTICES.__name__


@pytest.fixture
def with_notices(monkeypatch):
    monkeypatch.setattr(registry, "KINDS", (*registry.KINDS, registry.Kind("notices", NOTICES)))


def _site(tmp_path, files):
    return write_files(tmp_path / "site", {**BASE_SITE, **files})


def test_a_kind_in_the_registry_is_read_and_linked(tmp_path, with_notices):
    root = _site(
        tmp_path,
        {
            "content/notices/n.yaml": "- {id: water, title: 停水通知, team: hq}\n",
            "content/notices/more.csv": "编号,标题,队伍\npower,停电通知,clinic\n",
        },
    )
    site = load_site(root)
    notices = site.model.records["notices"]
    assert notices["water"].title == "停水通知" and notices["power"].team == "clinic"
    assert notices["power"].path == "content/notices/more.csv" and notices["power"].line == 2


def test_a_registry_kind_gets_unique_ids_and_checked_references_at_file_and_line(tmp_path, with_notices):
    root = _site(
        tmp_path,
        {"content/notices/n.yaml": "- {id: water, title: 停水通知, team: nowhere}\n- {id: water, title: 又一条}\n"},
    )
    with pytest.raises(ContentError) as raised:
        load_site(root)
    messages = [f"{p.path}:{p.line}: {p.message}" for p in raised.value.problems]
    unknown = "content/notices/n.yaml:1: notice 'water': 'team' names a team 'nowhere', which does not exist: "
    assert any(m.startswith(unknown) for m in messages), messages
    assert any(m.startswith("content/notices/n.yaml:2: notice id 'water' is used twice") for m in messages), messages


def test_a_registry_kinds_shown_fields_are_read_for_hidden_names(tmp_path, with_notices):
    root = _site(
        tmp_path,
        {
            "content/volunteers/hidden.yaml": "id: wang-fang\nname: 王芳\npublic: false\nteams: [hq]\n",
            "content/notices/n.yaml": "- {id: thanks, title: 感谢王芳的付出}\n",
        },
    )
    with pytest.raises(ContentError) as raised:
        load_site(root)
    assert any(p.path == "content/notices/n.yaml" and "王*" in p.message for p in raised.value.problems)


def test_without_its_registry_line_the_folder_is_not_read(tmp_path):
    root = _site(tmp_path, {"content/notices/n.yaml": "- {id: water, title: 停水通知, team: nowhere}\n"})
    assert load_site(root).model.records == {}
