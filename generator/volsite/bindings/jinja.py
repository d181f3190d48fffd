"""Jinja and MarkupSafe, with two of their private parts: a code generator that prints
{{ values }} through a quicker escape, and a context that calls builtin methods and macros
directly. Pinned in pyproject.toml (jinja2 <3.2, markupsafe <3.1); tests/unit/test_bindings.py
fails, naming the package, if an upgrade changes what these rely on."""

from __future__ import annotations

import types

from jinja2 import Environment
from jinja2.compiler import CodeGenerator
from jinja2.runtime import Context, Macro
from markupsafe import Markup, escape

try:
    from markupsafe import _escape_inner as _escape_str  # str in, str out (in C where built)
except ImportError:  # markupsafe before 3.0, whose escape is all C

    def _escape_str(text: str) -> str:
        return str(escape(text))


def escape_output(value) -> str:
    """What markupsafe.escape makes of a value printed by {{ }}, but as a str: pieces of
    output are only joined, so the Markup wrapper (two Python calls, and for Markup, a
    copy) buys nothing there. About 80 values a page: a third of rendering a story."""
    kind = type(value)
    if kind is str:
        return _escape_str(value)
    if kind is Markup:
        return value
    return escape(value)


class _OutputEscapingCodeGenerator(CodeGenerator):
    """Compiles {{ value }} under autoescape to environment.escape_output(value) rather than
    escape(value); anything Jinja compiles another way is left to it."""

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write("environment.escape_output(")
        else:
            super()._output_child_pre(node, frame, finalize)


# Callables that cannot ask for the context (pass_context and the like mark a function
# with an attribute; these take none): builtin methods such as str.format and
# date.isoformat, and the theme's own macros.
_PLAIN_CALLABLES = frozenset({types.BuiltinFunctionType, Macro})


class ThemeContext(Context):
    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        """Context.call, without its look for a pass_context mark on callables that
        cannot carry one: three calls (t.minutes_read.format, date.isoformat, the macro)
        of each story card, 1.5 us apiece."""
        if type(__obj) not in _PLAIN_CALLABLES:
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Context.call answers it
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


class ThemeEnvironment(Environment):
    code_generator_class = _OutputEscapingCodeGenerator
    context_class = ThemeContext
    escape_output = staticmethod(escape_output)

    def make_globals(self, d):
        """A template's globals as a plain dict, not Jinja's ChainMap over the environment's:
        every page's context copies them, which through a ChainMap is 6 us of a 45 us page.
        Templates are loaded after the globals are set; `set_globals` updates loaded ones."""
        return {**self.globals, **(d or {})}

    def set_globals(self, values: dict) -> None:
        self.globals.update(values)
        for template in self.cache.values() if self.cache is not None else ():
            template.globals.update(values)
