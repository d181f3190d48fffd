"""CommonMark to HTML with cmark-gfm, GitHub's C library, as the cmarkgfm package ships it.

cmarkgfm's own functions free neither the document tree nor the HTML they make
(about 36 KB lost a story: 180 MB on a 5,000-story build) and give no way to walk
the tree. Its compiled module exports the whole C library, so this module calls
that directly: parse, turn raw HTML into text where HTML is not trusted, render,
and free what was allocated; and say where a text nests deeper than a page may.
"""

from __future__ import annotations

import ctypes
import re
from functools import cache

import cmarkgfm._cmark as _compiled
from cmarkgfm.cmark import Options

# GitHub's extensions we use; footnotes are an option rather than an extension.
EXTENSIONS = ("table", "strikethrough", "autolink")
OPTIONS = (
    Options.CMARK_OPT_FOOTNOTES | Options.CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES | Options.CMARK_OPT_VALIDATE_UTF8
)

# From cmark-gfm's cmark-gfm.h (cmark_node_type, cmark_event_type).
_BLOCK, _INLINE = 0x8000, 0xC000
BLOCK_QUOTE, ITEM = _BLOCK | 0x0002, _BLOCK | 0x0004
HTML_BLOCK, PARAGRAPH = _BLOCK | 0x0006, _BLOCK | 0x0008
TEXT, HTML_INLINE = _INLINE | 0x0001, _INLINE | 0x0005
# Inline nodes that hold no other (text, soft and hard breaks, code, HTML, footnote references);
# every other inline node (emphasis, strong, link, image, strikethrough) holds some.
_INLINE_LEAVES = frozenset(_INLINE | kind for kind in (0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x000B))
_EVENT_DONE, _EVENT_ENTER = 1, 2


class _Memory(ctypes.Structure):
    # cmark_mem: the allocator that made what cmark_render_html returns, and must free it.
    _fields_ = [
        ("calloc", ctypes.c_void_p),
        ("realloc", ctypes.c_void_p),
        ("free", ctypes.CFUNCTYPE(None, ctypes.c_void_p)),
    ]


class _Library:
    def __init__(self) -> None:
        lib = ctypes.CDLL(_compiled.__file__)
        pointer, number, text = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
        for name, returns, takes in [
            ("cmark_gfm_core_extensions_ensure_registered", None, []),
            ("cmark_find_syntax_extension", pointer, [text]),
            ("cmark_parser_new", pointer, [number]),
            ("cmark_parser_attach_syntax_extension", number, [pointer, pointer]),
            ("cmark_parser_feed", None, [pointer, text, ctypes.c_size_t]),
            ("cmark_parser_finish", pointer, [pointer]),
            ("cmark_parser_get_syntax_extensions", pointer, [pointer]),
            ("cmark_parser_free", None, [pointer]),
            ("cmark_render_html", pointer, [pointer, number, pointer]),
            ("cmark_get_default_mem_allocator", ctypes.POINTER(_Memory), []),
            ("cmark_node_free", None, [pointer]),
            ("cmark_node_new", pointer, [number]),
            ("cmark_node_get_type", number, [pointer]),
            ("cmark_node_get_start_line", number, [pointer]),
            ("cmark_node_get_start_column", number, [pointer]),
            ("cmark_node_get_literal", text, [pointer]),
            ("cmark_node_set_literal", number, [pointer, text]),
            ("cmark_node_replace", number, [pointer, pointer]),
            ("cmark_node_append_child", number, [pointer, pointer]),
            ("cmark_iter_new", pointer, [pointer]),
            ("cmark_iter_next", number, [pointer]),
            ("cmark_iter_get_node", pointer, [pointer]),
            ("cmark_iter_free", None, [pointer]),
        ]:
            function = getattr(lib, name)
            function.restype, function.argtypes = returns, takes
        lib.cmark_gfm_core_extensions_ensure_registered()
        self.lib = lib
        self.extensions = [lib.cmark_find_syntax_extension(name.encode()) for name in EXTENSIONS]
        self.free = lib.cmark_get_default_mem_allocator().contents.free


@cache
def _library() -> _Library:
    return _Library()


def to_html(text: str, trust_html: bool) -> str:
    """The HTML of one Markdown text. Untrusted, raw HTML in it becomes text that shows
    as written, with the Markdown around it still read; URLs are left for the caller
    to check (cmark blanks javascript: and the like where HTML is not trusted)."""
    library = _library()
    lib = library.lib
    data = text.encode("utf-8", "surrogatepass")  # what is not UTF-8, cmark replaces
    untrusted_html = not trust_html and b"<" in data
    held = False
    if untrusted_html:
        data, held = _without_html_blocks(data)
    parser, root = _parse(library, data)
    try:
        if untrusted_html:
            _html_as_text(lib, root)
        options = OPTIONS | Options.CMARK_OPT_UNSAFE if trust_html else OPTIONS
        rendered = lib.cmark_render_html(root, options, lib.cmark_parser_get_syntax_extensions(parser))
        try:
            html = ctypes.string_at(rendered)
        finally:
            library.free(rendered)
        if held:  # the '<' held back, as cmark writes one in text, and in a URL
            html = html.replace(_HELD, b"&lt;").replace(_HELD_IN_URL, b"%3C")
        return html.decode("utf-8")
    finally:
        lib.cmark_node_free(root)
        lib.cmark_parser_free(parser)


def _parse(library: _Library, data: bytes):
    """(parser, document); the caller frees both."""
    lib = library.lib
    parser = lib.cmark_parser_new(OPTIONS)
    for extension in library.extensions:
        lib.cmark_parser_attach_syntax_extension(parser, extension)
    lib.cmark_parser_feed(parser, data, len(data))
    return parser, lib.cmark_parser_finish(parser)


def _nodes(lib, root, kinds: tuple[int, ...]) -> list:
    """The nodes of those kinds, in document order."""
    found = []
    walk = lib.cmark_iter_new(root)
    try:
        while (event := lib.cmark_iter_next(walk)) != _EVENT_DONE:
            if event == _EVENT_ENTER:
                node = lib.cmark_iter_get_node(walk)
                if lib.cmark_node_get_type(node) in kinds:
                    found.append(node)
    finally:
        lib.cmark_iter_free(walk)
    return found


# Quotes, list items, emphasis and links nest in one another. No page needs more than a few
# levels, and indexing a page for search takes time with the square of its depth (30 s for
# 100,000 nested quotes, 7 s for 50,000): deeper nesting is a problem (too_deep,
# asked of every text as it is loaded).
MAX_NESTING = 32
# Whether a text can nest that deep is seen without parsing it (a parse and a walk of its
# tree cost a story some 100 us; these looks, 3 us), in its ASCII characters alone: every
# mark that nests is one, and a Chinese story has a tenth as many. Dropping the others can
# only make more marks seem to follow one another, never fewer.
# - A block level is opened by marks at the start of a line, after those of the levels
#   around it: '>', '-', '+' or '*' and a space, a number and '.' or ')' and a space, and
#   list items' indent (two columns a level at least, so up to two levels a tab); a footnote
#   ("[^1]: ") may come first. A line that starts with fewer than 8 of these, spaces and tabs
#   counted one by one, is within 2 x 7 + 1 (an empty item after them) = 15 block levels.
#   (First looked for without digits, which Chinese text dropped around them leaves in
#   runs at the start of many lines: each mark but a footnote keeps a character then.)
_MARKS = rb"(?:[ \t>]|[-*+][ \t]|[0-9]{1,9}[.)][ \t]|\[\^[^\]\n]*\]:){8}"
_DEEP_PREFIX_FIRST, _DEEP_PREFIX = re.compile(_MARKS), re.compile(rb"\n" + _MARKS)
_MARKS_WITHOUT_DIGITS = rb"[ \t>*+\-.)]{8}"
_LONG_PREFIX_FIRST, _LONG_PREFIX = re.compile(_MARKS_WITHOUT_DIGITS), re.compile(rb"\n" + _MARKS_WITHOUT_DIGITS)
_DIGITS = b"0123456789"
# - An inline level (emphasis, strong, strikethrough, a link or an image) takes two of these
#   characters at least, and cannot span a blank line; an autolink takes none (one level,
#   counted twice here). Text between blank lines with fewer than 30 of them is within
#   14 + 2 = 16 inline levels. (Blank lines are looked for in the whole text: a line of
#   Chinese alone has no ASCII.)
_INLINE_MARKS = "*_~[]"
_INLINE_MARK_BYTES = _INLINE_MARKS.encode()
_DEEP_INLINE = 30
_BLANK_LINE = re.compile(r"(?:\r\n?|\n)[ \t]*(?:\r\n?|\n)")


def too_deep(text: str) -> tuple[int, int] | None:
    """Where text nests quotes, lists or emphasis more than MAX_NESTING levels deep: (the line
    of the first level too deep, the line where the outermost of them starts), or None."""
    marks = text.encode("ascii", "ignore")
    if b"\r" in marks:  # a line break too (in a spreadsheet's cell)
        marks = marks.replace(b"\r", b"\n")
    shape = marks.translate(None, _DIGITS)
    deep_blocks = (_LONG_PREFIX_FIRST.match(shape) or _LONG_PREFIX.search(shape) or b"[^" in shape) and (
        _DEEP_PREFIX_FIRST.match(marks) or _DEEP_PREFIX.search(marks)
    )
    if not deep_blocks and (
        len(marks) - len(marks.translate(None, _INLINE_MARK_BYTES)) < _DEEP_INLINE
        or all(sum(map(part.count, _INLINE_MARKS)) < _DEEP_INLINE for part in _BLANK_LINE.split(text))
    ):
        return None  # at most 15 + 16 levels
    return nested_deeper(text, MAX_NESTING)


def nested_deeper(text: str, limit: int) -> tuple[int, int] | None:
    """Where text nests deeper than limit, counting block quotes, list items and inline
    nodes that hold others (emphasis, links, …) inside one another: (the line of the first
    node too deep, the line of its outermost ancestor counted), or None. Stops there, so
    that it is as quick on 100,000 levels as on 33."""
    library = _library()
    lib = library.lib
    parser, root = _parse(library, text.encode("utf-8", "surrogatepass"))
    walk = lib.cmark_iter_new(root)
    next_event, node_at, type_of, line_of = (
        lib.cmark_iter_next,
        lib.cmark_iter_get_node,
        lib.cmark_node_get_type,
        lib.cmark_node_get_start_line,
    )
    try:
        lines: list[int] = []  # of the nesting nodes open around the walk
        while (event := next_event(walk)) != _EVENT_DONE:
            node = node_at(walk)
            kind = type_of(node)
            if kind == BLOCK_QUOTE or kind == ITEM or (kind & _INLINE) == _INLINE and kind not in _INLINE_LEAVES:
                if event != _EVENT_ENTER:
                    lines.pop()
                    continue
                lines.append(line_of(node))
                if len(lines) > limit:
                    return lines[-1], lines[0]
        return None
    finally:
        lib.cmark_iter_free(walk)
        lib.cmark_node_free(root)
        lib.cmark_parser_free(parser)


# A '<' that may start a block of raw HTML: the first character of its line but for the
# marks of the blocks it is in (indents, quotes, list items, footnotes), before a tag, a
# comment, a declaration or an instruction; not an autolink (<https://…>, <name@host>).
_HTML_BLOCK_START = re.compile(
    rb"(?:^|(?<=\r))((?:[ \t>]|(?:[-*+]|[0-9]{1,9}[.)])(?=[ \t\r\n]|$)|\[\^[^\]\r\n]*\]:)*)"
    rb"<(?=[A-Za-z/!?])(?![A-Za-z][A-Za-z0-9+.-]{1,31}:[^\x00-\x20<>]*>)(?![^\x00-\x20<>@]+@[^\x00-\x20<>]+>)",
    re.M,
)
# What such a '<' is held back as: a noncharacter, which content never holds (the loader
# reads it as a space; to_html as U+FFFD), written back as '<' once the HTML is made.
_HELD_CHARACTER = "\ufdd0"
_HELD = _HELD_CHARACTER.encode()
_HELD_IN_URL = b"%EF%B7%90"


def _without_html_blocks(data: bytes) -> tuple[bytes, bool]:
    """data with each '<' that could start a block of raw HTML held back (_HELD), and
    whether there was one.

    A block of HTML runs to its end tag or a blank line, taking the Markdown after the
    tag on its lines with it: shown as text, "<script>…</script> **老队员**" would lose
    its bold. Held back, the '<' is an ordinary character and the rest of the line is
    read as Markdown (inline HTML in it is made text by _html_as_text). They are found
    by their marks, in one pass: found by parsing, each block held back could let the
    next line start one, and text of "<![CDATA[" lines would take a parse a line.
    """
    if _HELD in data:
        data = data.replace(_HELD, "\ufffd".encode())
    held = _HTML_BLOCK_START.sub(lambda match: match.group(1) + _HELD, data)
    return held, held != data


def _html_as_text(lib, root) -> None:
    """Replace every raw HTML node with a text node of the same characters (after the
    walk that finds them: a tree may not change under its iterator)."""
    for node in _nodes(lib, root, (HTML_BLOCK, HTML_INLINE)):
        literal = lib.cmark_node_get_literal(node) or b""
        text = lib.cmark_node_new(TEXT)
        if lib.cmark_node_get_type(node) == HTML_BLOCK:  # one _without_html_blocks did not see
            lib.cmark_node_set_literal(text, literal.rstrip(b"\n"))
            replacement = lib.cmark_node_new(PARAGRAPH)
            lib.cmark_node_append_child(replacement, text)
        else:
            lib.cmark_node_set_literal(text, literal)
            replacement = text
        lib.cmark_node_replace(node, replacement)
        lib.cmark_node_free(node)


def version() -> str:
    return _compiled.ffi.string(_compiled.lib.cmark_version_string()).decode()
