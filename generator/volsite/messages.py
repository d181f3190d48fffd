"""What volsite says to the people who run it, in their language.

A message is a value (Message): an English text with {named} blanks, a short code that staff
can look up (V212: docs/problems.md lists every one) and the values for the blanks. It is made
where a problem is found, with `say`, and put into words only where it is shown, in the
language of whoever reads it: the site's (site.yaml `language`), unless VOLSITE_LANG names
another. So problems found in worker processes, or kept in the build's cache, are the same
values whatever language they are read in.

Other languages' words are gettext catalogues, generator/volsite/locale/<ll_CC>/LC_MESSAGES/
volsite.po, with the code as each message's context; `python3 -m volsite.catalogue` keeps
them in step with the code (it extracts every `say` and `words` with Babel) and compiles the
.mo files read here. tests/unit/test_catalogue.py fails while a message has no translation.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

LANGUAGES = ("zh-CN", "en")
SOURCE_LANGUAGE = "en"  # the language the code writes its messages in
DOMAIN = "volsite"
LOCALE_FOLDER = Path(__file__).parent / "locale"
OVERRIDE = "VOLSITE_LANG"  # read messages in another language than the site's


@dataclass(frozen=True)
class Message:
    code: str  # "V212", or "" for what is not a problem (progress, summaries, help)
    text: str  # English, with {named} blanks: the gettext msgid
    params: tuple[tuple[str, str | Message | tuple[str, ...]], ...] = ()

    def words(self, language: str = SOURCE_LANGUAGE) -> str:
        """The message in `language`, its blanks filled (a Message in a blank in the same
        language, a list joined as that language joins one)."""
        if not self.text:
            return ""
        found = catalogue(language)
        text = found.pgettext(self.code, self.text) if self.code else found.gettext(self.text)
        values = {name: _in_words(value, language) for name, value in self.params}
        return text.format_map(values)

    def __str__(self) -> str:
        return self.words(SOURCE_LANGUAGE)

    def __bool__(self) -> bool:
        return bool(self.text)  # an empty message (no hint to give) is nothing


# Whatever shows a message to the person running volsite (a terminal line, the preview's log).
Tell = Callable[["Message | str"], None]


def say(code: str, text: str, **params: object) -> Message:
    """A problem's message. `code` and `text` must be literals (the catalogue is extracted
    from the source); the values for the blanks are kept as text."""
    return Message(code, text, _kept(params))


def words(text: str, **params: object) -> Message:
    """A message that is not a problem (progress, a summary line, help): no code."""
    return Message("", text, _kept(params))


def _kept(params: Mapping[str, object]) -> tuple[tuple[str, str | Message | tuple[str, ...]], ...]:
    kept: list[tuple[str, str | Message | tuple[str, ...]]] = []
    for name, value in params.items():
        if isinstance(value, Message):
            kept.append((name, value))
        elif isinstance(value, (list, tuple, set, frozenset)):
            kept.append((name, tuple(str(item) for item in value)))
        elif isinstance(value, Decimal):
            kept.append((name, format(value.normalize(), "f") if value == value.to_integral() else str(value)))
        else:
            kept.append((name, str(value)))
    return tuple(kept)


_LIST_SEPARATOR = {"zh-CN": "、", "en": ", "}


def _in_words(value: str | Message | tuple[str, ...], language: str) -> str:
    if isinstance(value, Message):
        return value.words(language)
    if isinstance(value, tuple):
        return _LIST_SEPARATOR.get(language, ", ").join(value)
    return value


@cache
def catalogue(language: str) -> gettext.NullTranslations:
    """The gettext catalogue of `language` (for English, the code's own words)."""
    if language == SOURCE_LANGUAGE or language not in LANGUAGES:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_FOLDER, languages=[locale_name(language)])


def locale_name(language: str) -> str:
    """gettext's name for a site's language: zh-CN → zh_CN."""
    return language.replace("-", "_")


def chosen_language(site_language: str | None, environ: Mapping[str, str]) -> str:
    """The language to speak to whoever runs volsite: VOLSITE_LANG when it names one we speak,
    else the site's, else (outside a site) the one the system's locale asks for, else English."""
    asked = _language_named(environ.get(OVERRIDE, ""))
    if asked:
        return asked
    if site_language in LANGUAGES:
        return site_language
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            return _language_named(value.split(":")[0]) or SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def _language_named(value: str) -> str | None:
    value = value.strip().lower().replace("_", "-")
    if value.startswith("zh"):
        return "zh-CN"
    if value.startswith("en") or value in ("c", "posix", "c.utf-8"):
        return "en"
    return None
