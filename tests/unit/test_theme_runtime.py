"""volsite's quicker paths through Jinja's runtime keep its meaning: values printed by {{ }}
are escaped as markupsafe escapes them (bindings.jinja.escape_output), in every place a template
prints one; calls skip the look for a pass_context mark only where none can be
(bindings.jinja.ThemeContext)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import DictLoader, StrictUndefined, UndefinedError
from markupsafe import Markup, escape

from volsite.bindings.jinja import ThemeEnvironment, escape_output


class Shown:
    def __html__(self) -> str:
        return "<b>已是 HTML</b>"


@given(st.text())
@settings(max_examples=500, deadline=None)
def test_text_is_escaped_as_markupsafe_escapes_it(text):
    assert escape_output(text) == str(escape(text))
    assert type(escape_output(text)) is str


@pytest.mark.parametrize(
    "value", [Markup("<i>安全</i>"), 2024, 1.5, None, True, datetime.date(2024, 3, 5), Shown(), Markup("&amp;")]
)
def test_other_values_are_escaped_as_markupsafe_escapes_them(value):
    assert escape_output(value) == str(escape(value))


def _environment(templates: dict[str, str]) -> ThemeEnvironment:
    return ThemeEnvironment(loader=DictLoader(templates), autoescape=True, undefined=StrictUndefined)


def test_templates_print_through_the_quicker_path():
    source = _environment({}).compile("<p>{{ value }}</p>", raw=True)
    assert "environment.escape_output(" in source and "escape(" not in source.replace("escape_output(", "")


def test_printed_values_are_escaped_once_in_blocks_macros_sets_and_includes():
    evil = "<script>alert('x')</script>&"
    shown = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"
    env = _environment(
        {
            "base.html": "<title>{% block title %}{{ evil }}{% endblock %}</title>{% block main %}{% endblock %}",
            "_macros.html": "{% macro card(text) %}<div>{{ text }}</div>{% endmacro %}",
            "_part.html": "<em>{{ evil }}</em>",
            "page.html": (
                "{% extends 'base.html' %}{% from '_macros.html' import card %}"
                "{% block main %}{% set kept %}<b>{{ evil }}</b>{% endset %}{{ kept }}{{ card(evil) }}"
                "{% include '_part.html' %}{{ safe }}{{ evil | safe }}{{ year }}{{ evil ~ '!' }}"
                "{% for item in [evil] %}{{ item }}{% endfor %}{% endblock %}"
            ),
        }
    )
    page = env.get_template("page.html").render(evil=evil, safe=Markup("<hr>"), year=2024)
    assert page == (
        f"<title>{shown}</title><b>{shown}</b><div>{shown}</div><em>{shown}</em><hr>{evil}2024{shown}!{shown}"
    )


def test_an_undefined_value_is_still_an_error():
    with pytest.raises(UndefinedError):
        _environment({"page.html": "{{ missing }}"}).get_template("page.html").render()


def test_builtin_methods_and_macros_are_called_without_looking_for_a_context_mark(monkeypatch):
    from jinja2.runtime import Context

    def looked(*args, **kwargs):
        raise AssertionError("Context.call looked for a pass_context mark")

    monkeypatch.setattr(Context, "call", looked)
    env = _environment(
        {
            "page.html": (
                "{% macro card(n) %}<i>{{ n }}</i>{% endmacro %}{% block main %}"
                "{% for n in [1, 2] %}{{ '第{}页'.format(n) }}{{ card(n) }}{{ day.isoformat() }}{% endfor %}"
                "{% endblock %}"
            ),
        }
    )
    page = env.get_template("page.html").render(day=datetime.date(2024, 3, 5))
    assert page == "第1页<i>1</i>2024-03-05第2页<i>2</i>2024-03-05"


def test_functions_that_ask_for_the_context_or_environment_still_get_it():
    from jinja2 import pass_context, pass_environment

    @pass_context
    def who(context, suffix):
        return context["name"] + suffix

    @pass_environment
    def kind(environment):
        return type(environment).__name__

    page = (
        _environment({"page.html": "{{ who('!') }} {{ kind() }}"})
        .get_template("page.html")
        .render(name="小明", who=who, kind=kind)
    )
    assert page == "小明! ThemeEnvironment"


def test_a_builtin_that_stops_an_iteration_gives_an_undefined_value_as_in_jinja():
    page = (
        _environment({"page.html": "{{ next(empty) is defined }}"})
        .get_template("page.html")
        .render(next=next, empty=iter([]))
    )
    assert page == "False"
