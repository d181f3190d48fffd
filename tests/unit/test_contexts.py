"""What templates are given: named fields of view dataclasses, documented in docs/templates.md."""

from __future__ import annotations

import dataclasses
import re

from conftest import REPO
from volsite.render import contexts
from volsite.render.theme import default_theme_dir

DOCS = REPO / "docs" / "templates.md"


def test_the_theme_authors_page_is_current():
    """Run `python3 -m volsite.render.contexts > docs/templates.md` after changing a context or a view."""
    assert DOCS.read_text(encoding="utf-8") == contexts.templates_page(), (
        "docs/templates.md is stale: run python3 -m volsite.render.contexts > docs/templates.md"
    )


def test_every_template_of_the_default_theme_has_a_documented_context():
    templates = {
        p.name
        for p in (default_theme_dir() / "templates").iterdir()
        if not p.name.startswith("_") and p.name != "base.html"
    }
    assert templates == set(contexts.TEMPLATES)
    page = contexts.templates_page()
    for name in templates:
        assert f"\n## {name}\n" in page


def _reachable() -> list[type]:
    return contexts._classes_used(list(contexts.TEMPLATES.values()) + [contexts.NavEntry])


def _tuple_arguments(kind: str) -> list[str]:
    """What stands between the brackets of each tuple[...] in a type, nested ones too."""
    found = []
    for start in (m.end() for m in re.finditer(r"tuple\[", kind)):
        depth, end = 1, start
        while depth:
            depth += {"[": 1, "]": -1}.get(kind[end], 0)
            end += 1
        found.append(kind[start : end - 1])
    return found


def test_the_tuple_check_sees_nested_tuples():
    assert _tuple_arguments("tuple[tuple[str, str | None], ...]") == ["tuple[str, str | None], ...", "str, str | None"]


def test_templates_see_named_fields_only():
    """No positional tuples (`for title, svg, scrolls, heads, rows in charts`), no bare dicts,
    no one-letter names: a theme author reads `chart.title`, not `chart[0]`."""
    classes = _reachable()
    assert len(classes) > 30, [c.__name__ for c in classes]
    for cls in classes:
        for field in dataclasses.fields(cls):
            kind = str(field.type)
            assert len(field.name) > 1, f"{cls.__name__}.{field.name}: a one-letter name"
            assert "dict[" not in kind and kind != "dict", f"{cls.__name__}.{field.name}: a bare dict ({kind})"
            for inner in _tuple_arguments(kind):
                assert inner.endswith(", ..."), f"{cls.__name__}.{field.name}: a positional tuple ({kind})"
            assert not kind.startswith("list"), f"{cls.__name__}.{field.name}: a list ({kind}); give a tuple"


def test_a_context_gives_its_fields_by_name():
    page = contexts.TagsPage(tags=())
    assert contexts.context_fields(page) == {"tags": ()}
