"""Problems found in a site's content, collected and reported together.

Every phase returns its problems as values instead of raising on the first
one, so a publicity officer sees everything wrong with a build at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from difflib import get_close_matches
from functools import lru_cache

from .messages import SOURCE_LANGUAGE, Message, words

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    said: Message
    severity: str = ERROR
    subject: Message | None = None  # what the problem is about: "volunteer 'zhang-wei'"

    def __post_init__(self) -> None:
        if not isinstance(self.said, Message):
            raise TypeError(f"a problem is said with say(code, text, ...), not {type(self.said).__name__}")

    @property
    def message(self) -> str:
        """The message in English (the code's own words), after its subject."""
        return self.words()

    def words(self, language: str = SOURCE_LANGUAGE) -> str:
        """The message in `language`, after what it is about, if it is about a record."""
        if self.subject is None:
            return self.said.words(language)
        return words("{subject}: {message}", subject=self.subject, message=self.said).words(language)

    @property
    def code(self) -> str:
        return self.said.code

    def format(self, language: str = SOURCE_LANGUAGE) -> str:
        """`path:line: message [code]` in `language`, as SPEC section 6 prints it."""
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        text = self.words(language)
        if self.severity != ERROR:
            text = words("warning: {message}", message=text).words(language)
        return f"{where}: {text} [{self.said.code}]" if self.said.code else f"{where}: {text}"

    def as_json(self, language: str = SOURCE_LANGUAGE) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "code": self.said.code,
            "message": self.words(language),
            "severity": self.severity,
        }

    def kept(self) -> dict:
        """As JSON that `from_kept` makes the same Problem of again (a build's record keeps
        its warnings so that a build with nothing changed can show them)."""
        kept = {"path": self.path, "line": self.line, "severity": self.severity, "said": _kept_message(self.said)}
        return kept if self.subject is None else {**kept, "subject": _kept_message(self.subject)}

    @classmethod
    def from_kept(cls, kept: dict) -> Problem:
        subject = _message_of(kept["subject"]) if "subject" in kept else None
        return cls(kept["path"], kept["line"], _message_of(kept["said"]), kept["severity"], subject)


def _kept_message(message: Message) -> list:
    return [message.code, message.text, [[name, *_kept_value(value)] for name, value in message.params]]


def _kept_value(value: str | Message | tuple[str, ...]) -> list:
    if isinstance(value, Message):
        return ["message", _kept_message(value)]
    return ["list", list(value)] if isinstance(value, tuple) else ["text", value]


def _message_of(kept: list) -> Message:
    code, text, params = kept
    values = {"message": _message_of, "list": tuple, "text": str}
    return Message(code, text, tuple((name, values[kind](value)) for name, kind, value in params))


def _said(message: Message) -> Message:
    # Every message a user reads is said with say() (a code, words in each language): a plain
    # text would never be translated.
    if not isinstance(message, Message):
        raise TypeError(f"a problem is said with say(code, text, ...), not {type(message).__name__}")
    return message


class Problems:
    """An append-only list of problems with helpers for the common cases."""

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def error(self, path: str, line: int | None, message: Message, subject: Message | None = None) -> None:
        self._items.append(Problem(path, line, _said(message), ERROR, subject))

    def warning(self, path: str, line: int | None, message: Message, subject: Message | None = None) -> None:
        self._items.append(Problem(path, line, _said(message), WARNING, subject))

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
        return in_order(self._items)


def in_order(problems: Iterable[Problem]) -> list[Problem]:
    """Stable order for humans and for byte-identical logs: by file, then line, then message."""
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.message, p.severity))


class ContentError(Exception):
    """Raised by the pipeline when the content has errors; carries all of them."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the content")
        self.problems = problems


class UsageError(Exception):
    """Wrong usage or unsafe settings (exit status 2)."""

    def __init__(self, message: Message):
        self.said = _said(message)
        super().__init__(self.said.words())


def did_you_mean(word: str, choices: Iterable[str]) -> Message:
    """A hint to put at the end of a message: " (did you mean 'title'?)", or nothing."""
    close = _closest(word, tuple(choices))
    return words(" (did you mean '{word}'?)", word=close) if close else NOTHING


NOTHING = Message("", "")  # a blank left empty


@lru_cache(maxsize=4096)
def _closest(word: str, choices: tuple[str, ...]) -> str | None:
    # Memoised: a city's 50,000 volunteer files tend to carry the same few extra
    # fields, and difflib's comparison is 0.1 ms a time.
    close = get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def as_warnings(problems: list[Problem]) -> list[Problem]:
    """The same problems, as warnings (what a build only warns of, check reports)."""
    return [replace(p, severity="warning") for p in problems]
