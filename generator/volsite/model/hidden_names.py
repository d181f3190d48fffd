"""Names in text: the real name of someone who is not public, written by hand in a text
that is published (a story, a summary, a citation, a ledger note).

Their name is masked wherever volsite lists them; this finds it where staff typed it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from ..config import SiteConfig
from ..kinds import registry
from ..kinds.documents import Document
from ..kinds.teams import Team
from ..kinds.volunteers import Volunteer
from ..messages import Message, say, words
from ..problems import Problem
from ..read.text import shown
from .people import Person, Service, mask_name
from .records import Record, as_is, named

# A text that is published, with where it is: (text, file, line, whose (their kind and id or
# slug), which field (None: a Markdown body), whether the line moves on with each line of the
# text: a Markdown body does, a field is told by its line). Put into words only for a problem.
Text = tuple[str, str, int, tuple[str, str | None], str | None, bool]


def published_texts(
    volunteers: dict[str, Volunteer],
    people: dict[str, Person],
    records: dict[str, Mapping[str, Any]],
    stories: dict[str, Document],
    pages: dict[str, Document],
    services: list[Service],
    notices: Mapping[str, Document] | None = None,
) -> Iterator[Text]:
    """Every text a published view gives templates (views.py), where staff or a roster could
    write a person's name: what a theme may show, whether or not the default one does."""

    def fields(record: Record, label: tuple[str, str | None], *given: tuple[str, object]) -> Iterator[Text]:
        for key, value in given:
            for text in value if isinstance(value, tuple) else (value,):
                if text:
                    yield text, record.path, record.lines.get(key, record.line), label, key, False

    for document in list(stories.values()) + list(pages.values()) + list((notices or {}).values()):
        label = (document.kind, document.slug)
        yield from fields(
            document,
            label,
            ("title", document.title),
            ("summary", document.summary),
            ("author", document.author),
            ("tags", document.tags),
        )
        yield document.body, document.path, document.body_line, label, None, True
    # The fields of each kind of record that its published view shows as written.
    for kind in registry.KINDS:
        for rid, record in records.get(kind.name, {}).items() if kind.shown_fields else ():
            yield from fields(record, (kind.label, rid), *((key, getattr(record, key)) for key in kind.shown_fields))
    teams: Mapping[str, Team] = records["teams"]
    for tid, team in teams.items():
        offered = tuple(text for s in team.services for text in (s.name, s.description, s.when, s.booking) if text)
        yield from fields(team, ("team", tid), ("services", offered))
    for vid, volunteer in volunteers.items():
        person = people[vid]  # what is published of them: a hidden person's role, and no bio
        yield from fields(
            volunteer,
            ("volunteer", vid),
            ("role", person.role),
            ("bio", person.bio),
            ("skills", person.skills),
            *((key, text) for key, text in person.extra),
        )
    yield from _ledger_notes(services, people)


def _ledger_notes(services: list[Service], people: dict[str, Person]) -> Iterator[Text]:
    """Notes of ledger rows, on the hour statements of people who are public. A city's
    million rows hold a few thousand notes: each is looked at once."""
    notes: dict[str, Service] = {}
    for service in services:
        if service.note and service.note not in notes and people[service.volunteer].public:
            notes[service.note] = service
    for note, service in notes.items():
        yield note, service.path, service.line, ("ledger row", None), "note", False


def hidden_name_problems(
    volunteers: dict[str, Volunteer], people: dict[str, Person], config: SiteConfig, texts: Iterable[Text]
) -> list[Problem]:
    """The real name of someone who is not public, written in a text that is published.

    Their name is masked wherever volsite lists them, but staff write stories, summaries
    and citations by hand, and a name typed there would be published on the page, in its
    lists, the feed and the search index.
    """
    public_names = {v.name for vid, v in volunteers.items() if people[vid].public}
    hidden: dict[str, Volunteer] = {}
    for volunteer in sorted(volunteers.values(), key=lambda v: (v.path, v.line, v.id)):
        # One character (a name given only as 丽) is in too many words to be looked for. A
        # name that a public volunteer has as well may be theirs in the text: it is let be,
        # as the public one could not otherwise be named at all. A name that site.yaml
        # privacy.allow lists is a word to the staff who listed it (温馨, 高峰).
        if (
            not people[volunteer.id].public
            and len(volunteer.name) >= 2
            and volunteer.name not in public_names
            and volunteer.name not in config.privacy_allow
        ):
            hidden.setdefault(volunteer.name, volunteer)
    if not hidden:
        return []
    finder = _name_finder(tuple(sorted(hidden)), tuple(sorted(public_names)), config.privacy_allow)
    problems: dict[tuple[str, int, str], Problem] = {}
    for text, path, line, whose, key, multiline in texts:
        for start, name in finder(text):
            at = line + text.count("\n", 0, start) if multiline else line
            if (path, at, name) not in problems:
                where = words("the text") if key is None else as_is(f"'{shown(key)}'")
                said = _named_message(where, hidden[name], config)
                problems[path, at, name] = Problem(path, at, said, subject=named(*whose))
    return list(problems.values())


def _named_message(where: Message, volunteer: Volunteer, config: SiteConfig) -> Message:
    """What to say of a hidden person's name found in a text: why they are hidden (where
    their record says so), and what to do. Only the masked form of the name is said."""
    masked = mask_name(volunteer.name)
    position = f"{volunteer.path}:{volunteer.lines.get('name', volunteer.line)}"
    if not volunteer.public:
        return say(
            "V330",
            "{where} names {masked}, who is not public ('public: false', {position}): write the masked form "
            "{masked} or leave the name out, or ask for consent and set 'public: true' (not a name here? list "
            "the phrase in site.yaml privacy.allow)",
            where=where,
            masked=masked,
            position=position,
        )
    if volunteer.minor and not volunteer.guardian_consent:
        return say(
            "V331",
            "{where} names {masked}, who is not public (a minor without 'guardian_consent: true', {position}): "
            "write the masked form {masked} or leave the name out, or set 'guardian_consent: true' once a "
            "guardian consents (not a name here? list the phrase in site.yaml privacy.allow)",
            where=where,
            masked=masked,
            position=position,
        )
    if volunteer.consent is False:  # they said no
        return say(
            "V332",
            "{where} names {masked}, who is not public ('consent: false', {position}): write the masked form "
            "{masked} or leave the name out (not a name here? list the phrase in site.yaml privacy.allow)",
            where=where,
            masked=masked,
            position=position,
        )
    return say(
        "V333",
        "{where} names {masked}, who is not public (no 'consent: true', which privacy.require_consent asks for, "
        "{position}): write the masked form {masked} or leave the name out, or set 'consent: true' once they "
        "consent (not a name here? list the phrase in site.yaml privacy.allow)",
        where=where,
        masked=masked,
        position=position,
    )


@lru_cache(maxsize=4)  # volsite serve rebuilds with the same people
def _name_finder(
    hidden: tuple[str, ...], public: tuple[str, ...], allowed: tuple[str, ...]
) -> Callable[[str], Iterator[tuple[int, str]]]:
    """A function giving (offset, name) for each name of `hidden` in a text, found by one
    pattern of all of them, in one pass.

    Where a name is part of a longer public volunteer's name (王明 in 王明月) or of a phrase
    of site.yaml privacy.allow (a person named 温馨, in 温馨提示), the text names that
    person or says that word: the pattern matches the longer one there, which is then let
    be. A name that begins or ends with a Latin letter or digit is found only as a word
    (Al is not in Also).
    """
    names = set(hidden)
    first = _words_pattern(hidden)
    covers = {w for w in public + allowed if w not in names and first.search(w)}
    pattern = _words_pattern(tuple(sorted(names | covers))) if covers else first

    def find(text: str) -> Iterator[tuple[int, str]]:
        for match in pattern.finditer(text):
            name = match.group()
            if name not in names:
                continue  # a longer name or an allowed phrase
            start, end = match.span()
            if (name[0].isascii() and name[0].isalnum() and start and _word_char(text[start - 1])) or (
                name[-1].isascii() and name[-1].isalnum() and end < len(text) and _word_char(text[end])
            ):
                continue
            yield start, name

    return find


def _word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


# A trie of names: each character leads to the rest; "" marks the end of a name.
Trie = dict[str, "Trie"]


def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern that finds any of `words`, the longest where several begin at one place.

    Its branches are a trie (王(?:明(?:月)?|芳)): at each place in a text, the engine
    follows one character at a time, instead of trying each of thousands of names in turn
    (a flat alternation of 2,000 names is ~20 times slower on a Chinese story).
    """
    trie: Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    try:
        return re.compile(_branches(trie))
    except (RecursionError, re.error, OverflowError):
        # Names nested hundreds deep (a, ab, abc, ...): a flat alternation, longest first.
        return re.compile("|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))))


def _branches(node: Trie) -> str:
    ends = "" in node
    options = []
    for char in sorted(key for key in node if key):
        run, child = char, node[char]
        while len(child) == 1 and "" not in child:  # a run of single children: one literal
            ((char, child),) = child.items()
            run += char
        options.append(re.escape(run) + (_branches(child) if set(child) != {""} else ""))
    if not options:
        return ""
    body = options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"
    if ends:  # a word ends here, and longer ones go on: the longer ones first (greedy)
        return f"(?:{body})?"
    return body
