"""click, in the language volsite speaks to its user: click marks its own words (Usage:,
Options, Show this message and exit., its errors) for gettext, but looks them up in the
process's default domain for the system's locale. `speaking` puts volsite's catalogue in
their place while a command runs, and puts click's back after.

A private part: each click module's own `_` and `ngettext` (`from gettext import gettext as
_`). Pinned in pyproject.toml (click <9); tests/unit/test_bindings.py fails, naming click, if
an upgrade changes how its modules find their words."""

from __future__ import annotations

import gettext
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

# Every click module that looks up words of its own (_winconsole, on Windows only, too).
MODULES = (
    "core",
    "decorators",
    "exceptions",
    "formatting",
    "parser",
    "shell_completion",
    "termui",
    "types",
    "utils",
    "_termui_impl",
)
NAMES = ("_", "ngettext")


def click_modules() -> list[ModuleType]:
    return [importlib.import_module(f"click.{name}") for name in MODULES]


@contextmanager
def speaking(catalogue: gettext.NullTranslations) -> Iterator[None]:
    """click's words from `catalogue` for the time of the with-block."""
    replaced: list[tuple[ModuleType, str, object]] = []
    try:
        for module in click_modules():
            for name, function in (("_", catalogue.gettext), ("ngettext", catalogue.ngettext)):
                if name in vars(module):
                    replaced.append((module, name, vars(module)[name]))
                    setattr(module, name, function)
        yield
    finally:
        for module, name, original in reversed(replaced):
            setattr(module, name, original)
