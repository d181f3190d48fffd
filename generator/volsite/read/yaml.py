"""YAML read into values that keep the line of each key (LineMap), within the depth and aliases
the limits allow; front matter of plain `key: value` lines is read without PyYAML's machinery."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent, DocumentEndEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent, StreamEndEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..messages import Message, say, words
from ..problems import Problems
from .files import MAX_YAML_ALIAS_VALUES, MAX_YAML_DEPTH, YAML_LIMIT, Raw, empty_file, read_text
from .text import clean_text, shown


def _said(kind: type, said: Message, mark) -> yaml.MarkedYAMLError:
    """PyYAML's error of `kind` at `mark`, carrying volsite's message for it."""
    error = kind(None, None, said.words(), mark)
    error.said = said
    return error


class LineMap(dict):
    """A YAML mapping that remembers the line of each key."""

    line: int = 0
    lines: dict


_MERGE_TAG = "tag:yaml.org,2002:merge"
# What a constructor of PyYAML raises on a value that does not fit its tag
# (!!int abc, !!bool maybe, !!timestamp yesterday, !!map [1]).
_VALUE_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, UnicodeError)


def _make_loader():
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class LineLoader(base):  # type: ignore[misc, valid-type]
        def construct_object(self, node, deep=False):
            try:
                return super().construct_object(node, deep)
            except (yaml.YAMLError, RecursionError):
                raise
            except _VALUE_ERRORS:
                if getattr(node, "implicit", False):
                    # A plain value YAML took for a number or date it cannot be (an int of
                    # 5,000 digits): keep the text, and let the field check say what is wrong.
                    return node.value
                tag = node.tag.rsplit(":", 1)[-1] if node.tag.startswith("tag:yaml.org") else node.tag
                said = (
                    words(
                        "the value '{value}' cannot be read as !!{tag}: "
                        "remove the !!{tag}, or write a value of that kind",
                        value=shown(node.value),
                        tag=tag,
                    )
                    if isinstance(node, ScalarNode)
                    else words(
                        "the value cannot be read as !!{tag}: remove the !!{tag}, or write a value of that kind",
                        tag=tag,
                    )
                )
                raise _said(yaml.constructor.ConstructorError, said, node.start_mark) from None

    def construct_mapping(loader, node, deep=False):
        if not isinstance(node, MappingNode):
            raise _said(
                yaml.constructor.ConstructorError,
                words("a mapping was expected here: write the record as lines of 'field: value'"),
                node.start_mark,
            )
        own_keys = {id(key) for key, _ in node.value if key.tag != _MERGE_TAG}
        loader.flatten_mapping(node)
        mapping = LineMap()
        mapping.line = node.start_mark.line + 1
        mapping.lines = {}
        seen = set()
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise _said(
                    yaml.constructor.ConstructorError,
                    words("a key here is not a plain value: a field's name is a word, such as title"),
                    key_node.start_mark,
                ) from None
            # Keys merged in from '<<: *defaults' may be given again: that is what merging is for.
            if id(key_node) in own_keys:
                if key in seen:
                    raise _said(
                        yaml.constructor.ConstructorError,
                        words(
                            "the key '{key}' is given twice: keep one of them",
                            key=shown(key),
                        ),
                        key_node.start_mark,
                    )
                seen.add(key)
            mapping[key] = loader.construct_object(value_node, deep=True)
            mapping.lines[key] = key_node.start_mark.line + 1
        return mapping

    def construct_timestamp(loader, node):
        # 2024-13-01 looks like a date to YAML but is none: keep the text, and let
        # the field check say which field and line is wrong.
        try:
            return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
        except _VALUE_ERRORS:
            return loader.construct_scalar(node)

    def construct_str(loader, node):
        # "\x01" and "\0" are valid YAML escapes, but no page can show them.
        return clean_text(loader.construct_scalar(node))

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    LineLoader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)
    LineLoader.add_constructor("tag:yaml.org,2002:str", construct_str)
    return LineLoader


_LOADER = _make_loader()


def _compose(loader) -> Any:
    """The node tree of a one-document stream, read event by event without recursion.

    PyYAML's own composer (in C with the C loader) recurses once per level and
    crashes the process on very deep input; this one keeps its own stack, stops
    at MAX_YAML_DEPTH, and counts what aliases stand for (MAX_YAML_ALIAS_VALUES).
    """
    compose_error = yaml.composer.ComposerError
    get_event, resolve = loader.get_event, loader.resolve
    get_event()  # the stream start
    start = get_event()
    if isinstance(start, StreamEndEvent):
        return None
    anchors: dict[str, Any] = {}
    sizes: dict[int, tuple[int, int]] = {}  # id(anchored node) → (values, levels) once complete
    stack: list[list] = []  # [node, pending key node, values, levels, anchor]
    aliased = 0
    root = None
    while True:
        event = get_event()
        kind = type(event)
        if kind is ScalarEvent:
            tag = event.tag
            implicit = tag is None or tag == "!"
            if implicit:
                tag = resolve(ScalarNode, event.value, event.implicit)
            node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
            node.implicit = implicit
            values, levels = 1, 1
            if event.anchor is not None:
                anchors[event.anchor] = node
                sizes[id(node)] = (1, 1)
        elif kind is AliasEvent:
            node = anchors.get(event.anchor)
            if node is None:
                raise _said(
                    compose_error,
                    words(
                        "the alias '*{name}' names no anchor '&{name}' above it: write the value out, or "
                        "mark the value it stands for with &{name}",
                        name=shown(event.anchor),
                    ),
                    event.start_mark,
                )
            if id(node) not in sizes:
                raise _said(
                    compose_error,
                    words(
                        "the alias '*{name}' is inside the value it names (a loop): write the value out",
                        name=shown(event.anchor),
                    ),
                    event.start_mark,
                )
            values, levels = sizes[id(node)]
            aliased += values
            if aliased > MAX_YAML_ALIAS_VALUES:
                raise _said(
                    compose_error,
                    words(
                        'aliases (*name) here repeat more than {limit} values in all (a "billion laughs" '
                        "file?): write the values out, or use fewer aliases",
                        limit=f"{MAX_YAML_ALIAS_VALUES:,}",
                    ),
                    event.start_mark,
                )
            if len(stack) + levels > MAX_YAML_DEPTH:
                raise _said(
                    compose_error,
                    words(
                        "this alias nests values more than {limit} levels deep: write the value out",
                        limit=MAX_YAML_DEPTH,
                    ),
                    event.start_mark,
                )
        elif kind is SequenceStartEvent or kind is MappingStartEvent:
            if len(stack) >= MAX_YAML_DEPTH:
                raise _said(compose_error, _too_deep(), event.start_mark)
            node_class = SequenceNode if kind is SequenceStartEvent else MappingNode
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(node_class, None, event.implicit)
            node = node_class(tag, [], event.start_mark, None, flow_style=event.flow_style)
            if event.anchor is not None:
                anchors[event.anchor] = node
            stack.append([node, None, 1, 1, event.anchor])
            continue
        elif kind is DocumentEndEvent:
            break
        else:  # the end of a sequence or mapping
            node, _key, values, levels, anchor = stack.pop()
            node.end_mark = event.end_mark
            if anchor is not None:
                sizes[id(node)] = (values, levels)
        if not stack:
            root = node
            continue
        parent = stack[-1]
        parent[2] += values
        if levels + 1 > parent[3]:
            parent[3] = levels + 1
        if type(parent[0]) is SequenceNode:
            parent[0].value.append(node)
        elif parent[1] is None:
            parent[1] = node
        else:
            parent[0].value.append((parent[1], node))
            parent[1] = None
    event = get_event()
    if not isinstance(event, StreamEndEvent):
        raise _said(
            compose_error,
            words(
                "a second YAML document starts here; a file holds one record "
                "or one list of records: remove this '---' line",
            ),
            event.start_mark,
        )
    return root


# PyYAML's composer in C builds the same tree as _compose for less (a story's front
# matter parses in 53 us instead of 83), but recurses once per level: it is used only on
# text too short to nest deeper than it can go (one level at most per character; it
# has composed 10,000 levels here) and with none of what _compose watches over
# (no & anchors, * aliases or ! tags); anything it refuses is composed again by _compose.
QUICK_COMPOSE_CHARS = 5_000
_NOT_QUICK = object()


def _compose_quickly(loader, text: str) -> Any:
    """The node tree of text by PyYAML's C composer, or _NOT_QUICK."""
    if len(text) > QUICK_COMPOSE_CHARS or "&" in text or "*" in text or "!" in text:
        return _NOT_QUICK
    try:
        root = loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        return _NOT_QUICK  # _compose says what is wrong, its own way
    stack = [(root, 1)] if root is not None else []
    while stack:  # as _compose marks them: no ! tag, so every scalar's tag was implicit
        node, depth = stack.pop()
        if depth >= MAX_YAML_DEPTH:
            return _NOT_QUICK
        if isinstance(node, ScalarNode):
            node.implicit = True
        elif isinstance(node, SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
        else:
            stack.extend((part, depth + 1) for pair in node.value for part in pair)
    return root


# Most front matter is a few lines of `key: value` and `key: [a, b]` (a story's title,
# date, tags). Read by PyYAML, each value goes through its parser, composer and the
# constructor's generic machinery: 45 us a story; read here line by line, 17 us. Only
# text every line of which is such a line, with plain values free of any character that
# means something to YAML, is read here, and into exactly what PyYAML makes of it: the
# same resolver decides what each value is, and anything but text goes to the same
# constructor. Everything else (comments, quotes, nesting, blocks, anchors, a key given
# twice, an odd tag) is left to PyYAML, which also reports what is wrong.
_NOT_PLAIN = "\x00-\x1f\x7f-\x9f:#\\[\\]{},&*!|>'\"%@`\\\\\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff"
_PLAIN = f"[^ \\-?{_NOT_PLAIN}](?:[^{_NOT_PLAIN}]*[^ {_NOT_PLAIN}])?"
_SIMPLE_LINE = re.compile(f"([A-Za-z_][A-Za-z0-9_]*): +(?:({_PLAIN})|\\[ *((?:{_PLAIN} *, *)*{_PLAIN})? *\\]) *")
_ITEMS_APART = re.compile(" *, *")
_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_SIMPLE_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null", "timestamp"))


def read_simple_mapping(text: str) -> LineMap | None:
    """text as PyYAML reads it, if every line is a simple `key: value` or `key: [a, b]`
    line (or empty); otherwise None."""
    mapping = LineMap()
    mapping.lines = {}
    loader = None
    resolve = _RESOLVER.resolve
    for number, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        match = _SIMPLE_LINE.fullmatch(line)
        if match is None:
            return None
        key, plain, items = match.groups()
        if key in mapping or resolve(ScalarNode, key, (True, False)) != _STR_TAG:
            return None
        values = []
        for value in [plain] if plain is not None else _ITEMS_APART.split(items) if items is not None else []:
            tag = resolve(ScalarNode, value, (True, False))
            if tag == _STR_TAG:
                values.append(clean_text(value))
                continue
            if tag not in _SIMPLE_TAGS:
                return None
            if loader is None:
                loader = _LOADER("")
            node = ScalarNode(tag, value)
            node.implicit = True  # as _compose marks a plain value
            values.append(loader.construct_object(node, deep=True))
        mapping[key] = values[0] if plain is not None else values
        mapping.lines[key] = number
    if not mapping:
        return None
    mapping.line = next(iter(mapping.lines.values()))
    return mapping


def parse_yaml(text: str, rel: str, problems: Problems, line_offset: int = 0) -> Any:
    """Parse YAML text; on failure record the problem with its line and return None."""
    simple = read_simple_mapping(text)
    return simple if simple is not None else parse_yaml_by_pyyaml(text, rel, problems, line_offset)


def parse_yaml_by_pyyaml(text: str, rel: str, problems: Problems, line_offset: int = 0) -> Any:
    """parse_yaml, all of it by PyYAML."""
    loader = None
    try:
        loader = _LOADER(text)
        node = _compose_quickly(loader, text)
        if node is _NOT_QUICK:
            loader.dispose()
            loader = _LOADER(text)
            node = _compose(loader)
        return loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct began (an unclosed
        # bracket, a key without ':'); the problem mark is where YAML gave up.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 + line_offset if mark else None
        problem = exc.problem or exc.context or ""
        if "maximum nesting depth" in problem:  # libyaml's own limit (PyYAML 6.0.4 on), met before ours
            problems.error(rel, line, _too_deep())
            return None
        what = getattr(exc, "said", None) or _PYYAML_SAYS.get(problem.strip()) or shown(problem or "?", 200)
        if exc.context_mark and exc.problem_mark and exc.problem_mark.line != exc.context_mark.line:
            noticed = exc.problem_mark.line + 1 + line_offset
            problems.error(
                rel,
                line,
                say("V131", "YAML does not parse: {what} (noticed at line {noticed})", what=what, noticed=noticed),
            )
        else:
            problems.error(rel, line, say("V130", "YAML does not parse: {what}", what=what))
    except yaml.reader.ReaderError as exc:
        # The C reader gives a byte offset into the UTF-8 text.
        head = text.encode("utf-8", "replace")[: exc.position]
        line = head.count(b"\n") + 1 + line_offset
        problems.error(
            rel,
            line,
            say(
                "V132",
                "YAML does not parse: the character {character} is not allowed: delete it",
                character=f"U+{exc.character:04X}",
            ),
        )
    except yaml.YAMLError as exc:
        problems.error(rel, None, say("V130", "YAML does not parse: {what}", what=shown(exc, 200)))
    except RecursionError:
        # A chain of merges (<<: *a where a merges b, ...) is flattened recursively.
        problems.error(
            rel,
            None,
            say(
                "V133",
                "YAML does not parse: merges (<<: *name) are chained too deeply: write the values out",
            ),
        )
    except _VALUE_ERRORS as exc:
        problems.error(
            rel, None, say("V130", "YAML does not parse: {what}", what=f"{exc.__class__.__name__}: {shown(exc, 80)}")
        )
    finally:
        if loader is not None:
            loader.dispose()
    return None


def yaml_records(site_root: Path, rel: str, problems: Problems) -> list[Raw]:
    """A YAML file holds one record (a mapping) or a list of records."""
    text = read_text(site_root, rel, problems, YAML_LIMIT)
    if text is None:
        return []
    errors = len(problems.errors)
    doc = parse_yaml(text, rel, problems)
    if doc is None:
        if len(problems.errors) == errors:
            problems.warning(rel, None, empty_file())
        return []
    items = doc if isinstance(doc, list) else [doc]
    records = []
    for position, item in enumerate(items, 1):
        if isinstance(item, LineMap):
            records.append(Raw(rel, item.line, item, item.lines))
        else:
            problems.error(
                rel,
                None,
                say(
                    "V134",
                    "item {position} is not a record (a mapping of field: value): write each record as "
                    "lines of 'field: value' under its '-'",
                    position=position,
                ),
            )
    return records


def _too_deep() -> Message:
    return say(
        "V135",
        "values are nested more than {limit} levels deep here; a record needs a few: nest them less",
        limit=MAX_YAML_DEPTH,
    )


# What PyYAML says of the commonest slips, in words staff can act on (others are shown as
# PyYAML says them, in English).
_PYYAML_SAYS = {
    "could not find expected ':'": words(
        "a line here has no ':' after its field's name (or a quote mark is not closed): write field: value"
    ),
    "mapping values are not allowed here": words(
        "a ':' here is read as a second field on the line: put quotes around a value that holds ': '"
    ),
    "mapping values are not allowed in this context": words(
        "a ':' here is read as a second field on the line: put quotes around a value that holds ': '"
    ),
    "did not find expected key": words(
        "a line here is not indented like the fields around it (or a quote mark is not closed)"
    ),
    "found character that cannot start any token": words(
        "a value here starts with a character that YAML reserves (such as @, ` or a tab): put quotes around it, "
        "and indent with spaces, not tabs"
    ),
    "found a tab character that violates indentation": words("a line here is indented with a tab: indent with spaces"),
    "found a tab character where an indentation space is expected": words(
        "a line here is indented with a tab: indent with spaces"
    ),
    "did not find expected '-' indicator": words("a line of this list does not start with '-' as the others do"),
    "found unexpected end of stream": words("the file ends inside a value: a quote mark or bracket is not closed"),
    "did not find expected ',' or ']'": words("a list in [ ] here is not closed with ']' (or a ',' is missing)"),
    "did not find expected ',' or '}'": words("a mapping in {{ }} here is not closed with '}}' (or a ',' is missing)"),
    "found undefined alias": words("an alias (*name) here names no anchor (&name) above it"),
    "found unknown escape character": words(
        "a value in double quotes holds a '\\' that starts no escape: write '\\\\', or use single quotes"
    ),
}
