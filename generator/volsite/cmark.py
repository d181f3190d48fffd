"""CommonMark to HTML with cmark-gfm, GitHub's C library, as the cmarkgfm package ships it.

cmarkgfm's own functions free neither the document tree nor the HTML they make
(about 36 KB lost a story: 180 MB on a 5,000-story build) and give no way to walk
the tree. Its compiled module exports the whole C library, so this module calls
that directly: parse, turn raw HTML into text where HTML is not trusted, render,
and free what was allocated.
"""

from __future__ import annotations

import ctypes
from functools import cache

import cmarkgfm._cmark as _compiled
from cmarkgfm.cmark import Options

# GitHub's extensions we use; footnotes are an option rather than an extension.
EXTENSIONS = ("table", "strikethrough", "autolink")
OPTIONS = Options.CMARK_OPT_FOOTNOTES | Options.CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES \
    | Options.CMARK_OPT_VALIDATE_UTF8

# From cmark-gfm's cmark-gfm.h (cmark_node_type, cmark_event_type).
_BLOCK, _INLINE = 0x8000, 0xC000
HTML_BLOCK, PARAGRAPH = _BLOCK | 0x0006, _BLOCK | 0x0008
TEXT, HTML_INLINE = _INLINE | 0x0001, _INLINE | 0x0005
_EVENT_DONE, _EVENT_ENTER = 1, 2


class _Memory(ctypes.Structure):
    # cmark_mem: the allocator that made what cmark_render_html returns, and must free it.
    _fields_ = [("calloc", ctypes.c_void_p), ("realloc", ctypes.c_void_p),
                ("free", ctypes.CFUNCTYPE(None, ctypes.c_void_p))]


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
    if untrusted_html:
        data = _without_html_blocks(library, data)
    parser, root = _parse(library, data)
    try:
        if untrusted_html:
            _html_as_text(lib, root)
        options = OPTIONS | Options.CMARK_OPT_UNSAFE if trust_html else OPTIONS
        rendered = lib.cmark_render_html(root, options, lib.cmark_parser_get_syntax_extensions(parser))
        try:
            return ctypes.string_at(rendered).decode("utf-8")
        finally:
            library.free(rendered)
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


def _without_html_blocks(library: _Library, data: bytes) -> bytes:
    """data with a backslash before each '<' that starts a block of raw HTML.

    A block of HTML runs to its end tag or a blank line, taking the Markdown after
    the tag on its lines with it: shown as text, "<script>…</script> **老队员**"
    would lose its bold. Escaped, the '<' is an ordinary character and the rest of
    the line is read as Markdown (inline HTML in it is made text by _html_as_text).
    Escaping a block can let a later line start one (a paragraph's "</div>"), so
    this repeats until no block is left.
    """
    lib = library.lib
    for _ in range(data.count(b"\n") + 2):
        parser, root = _parse(library, data)
        try:
            starts = [(lib.cmark_node_get_start_line(node), lib.cmark_node_get_start_column(node))
                      for node in _nodes(lib, root, (HTML_BLOCK,))]
        finally:
            lib.cmark_node_free(root)
            lib.cmark_parser_free(parser)
        if not starts:
            return data
        lines = data.splitlines(keepends=True)
        for number, column in starts:
            line = lines[number - 1]
            at = column - 1 if line[column - 1: column] == b"<" else line.find(b"<")
            if at >= 0:
                lines[number - 1] = line[:at] + b"\\" + line[at:]
        data = b"".join(lines)
    return data


def _html_as_text(lib, root) -> None:
    """Replace every raw HTML node with a text node of the same characters (after the
    walk that finds them: a tree may not change under its iterator)."""
    for node in _nodes(lib, root, (HTML_BLOCK, HTML_INLINE)):
        literal = lib.cmark_node_get_literal(node) or b""
        text = lib.cmark_node_new(TEXT)
        if lib.cmark_node_get_type(node) == HTML_BLOCK:  # one _without_html_blocks could not escape
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
