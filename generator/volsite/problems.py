"""Problems found in a site's content, collected and reported together.

Every phase returns its problems as values instead of raising on the first
one, so a publicity officer sees everything wrong with a build at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from difflib import get_close_matches
from functools import lru_cache

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    message: str
    severity: str = ERROR

    def format(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        tag = "" if self.severity == ERROR else "warning: "
        return f"{where}: {tag}{self.message}"

    def as_json(self) -> dict:
        return {"path": self.path, "line": self.line, "message": self.message, "severity": self.severity}


class Problems:
    """An append-only list of problems with helpers for the common cases."""

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def error(self, path: str, line: int | None, message: str) -> None:
        self._items.append(Problem(path, line, message, ERROR))

    def warning(self, path: str, line: int | None, message: str) -> None:
        self._items.append(Problem(path, line, message, WARNING))

    def extend(self, other: Iterable[Problem]) -> None:
        self._items.extend(other)

    def __iter__(self):
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self._items if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self._items if p.severity == WARNING]

    def sorted(self) -> list[Problem]:
        # Stable order for humans and for byte-identical logs: by file, then line.
        return sorted(self._items, key=lambda p: (p.path, p.line or 0, p.message))


class ContentError(Exception):
    """Raised by the pipeline when the content has errors; carries all of them."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the content")
        self.problems = problems


class UsageError(Exception):
    """Wrong usage or unsafe settings (exit status 2)."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    return _closest(word, tuple(choices))


@lru_cache(maxsize=4096)
def _closest(word: str, choices: tuple[str, ...]) -> str:
    # Memoised: a city's 50,000 volunteer files tend to carry the same few extra
    # fields, and difflib's comparison is 0.1 ms a time.
    close = get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def as_warnings(problems: list[Problem]) -> list[Problem]:
    """The same problems, as warnings (what a build only warns of, check reports)."""
    return [replace(p, severity="warning") for p in problems]
