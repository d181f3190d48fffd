"""Markdown → HTML, done once for every text before rendering.

The dialect is CommonMark with GitHub's tables, strikethrough, bare links and
footnotes (cmark-gfm, through volsite.bindings.cmark): what staff meet in other editors,
in linear time whatever is pasted. Headings get pinyin ids and a table of
contents. Links and images written site-absolute (/stories/x/) or
content-relative (media/x.jpg) are rewritten under the base_url path, so a site
served from /volunteer/ works without staff writing that prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import unquote

from ..bindings import cmark
from ..digests import text_digest
from ..seams import NoStore, OneProcess, Store, Workers
from ..slugs import slugify

_CJK_RUNS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")
# (A tag holds no '<': looking for its end no further than the next one keeps a text of
# '<' without '>', which trusted raw HTML may hold, linear.)
_TAG = re.compile(r"<[^<>]*>")
CJK_CHARS_PER_MINUTE = 400
WORDS_PER_MINUTE = 200
TOC_LEVELS = (2, 3)  # the headings a table of contents lists


@dataclass(frozen=True)
class Html:
    html: str
    toc: str  # the table of contents as a nested <ul>, empty when under two headings
    minutes: int  # reading time
    links: tuple[str, ...]  # every href and src, decoded to what staff wrote, for checks


# Link schemes a site that does not trust its Markdown still allows.
SAFE_SCHEMES = ("http", "https", "mailto", "tel")
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):")
# Schemes no link or image keeps, whoever wrote it (cmark-gfm's and Hugo's list): they run
# script, open a document of the attacker's making, or read the reader's own disk. Images
# encoded in the page stay: an <img> runs nothing (SVG, which can hold script, is not among them).
DANGEROUS_SCHEMES = ("javascript", "vbscript", "file", "data")
_HARMLESS_DATA = re.compile(r"data:image/(?:png|gif|jpeg|webp)[;,]", re.I)
# What a browser drops from a URL before it reads the scheme: C0 controls and spaces around
# it, tabs and line breaks anywhere ("java\tscript:" is javascript:).
_AROUND = "".join(map(chr, range(0x21)))
_INSIDE = str.maketrans("", "", "\t\n\r")
# cmark writes every attribute it makes with double quotes and escapes '"' in text,
# so these find exactly the links and headings of the text (and of trusted raw HTML
# written the same way).
# (The space before the attribute is checked in _link: a pattern that starts with it is
# tried at every character of a story, one starting with h or s is found by a fast scan.)
_URL_ATTRIBUTE = re.compile(r'(href|src)="([^"]*)"')
_HEADING = re.compile(r"<h([1-6])>((?:[^<]|<(?!/?h[1-6]>))*)</h\1>")  # (no heading in a heading: linear)
# HTML5 void elements need no closing slash; cmark writes XHTML's.
_VOID_SLASH = re.compile(r"(<(?:br|hr|img)\b[^<>]*?) />")
# cmark labels a footnote's way back in English; the arrow alone is its name, as before.
_BACKREF_LABEL = re.compile(r' aria-label="Back to reference [^"]*"')


class Converter:
    """Converts texts for one base path, trusting raw HTML in them or not."""

    def __init__(self, base_path: str, unsafe_html: bool = True):
        self.base_path = base_path
        self.unsafe_html = unsafe_html
        # Pinyin costs about 0.2 ms a heading, and headings repeat across stories
        # ("活动回顾"): each converter remembers the ids it has made.
        self._heading_ids: dict[str, str] = {}

    def convert(self, text: str) -> Html:
        html = cmark.to_html(text, trust_html=self.unsafe_html)
        # Most stories have no link, image, heading or footnote: each pass is made only
        # where a quick look finds what it changes (about a third of the time of a story).
        links: list[str] = []
        if 'href="' in html or 'src="' in html:
            html = _URL_ATTRIBUTE.sub(lambda m: self._link(m, links), html)
        headings: list[tuple[int, str, str]] = []
        if "<h" in html:
            taken: dict[str, int] = {}
            html = _HEADING.sub(lambda m: self._heading(m, headings, taken), html)
        if " />" in html:
            html = _VOID_SLASH.sub(r"\1>", html)
        if "Back to reference" in html:
            html = _BACKREF_LABEL.sub("", html)
        return Html(html, table_of_contents(headings), reading_minutes(html), tuple(links))

    def _link(self, match: re.Match, links: list[str]) -> str:
        start = match.start()
        if start == 0 or not match.string[start - 1].isspace():
            return match.group(0)  # text such as 'xhref="', not an attribute
        attribute, value = match.group(1), match.group(2)
        written = unquote(unescape(value))
        links.append(written)
        if ":" in written:
            scheme = _SCHEME.match(written)
            if not self.unsafe_html and scheme and scheme.group(1).lower() not in SAFE_SCHEMES or is_dangerous(written):
                return f'{attribute}=""'  # the link leads nowhere, the image shows nothing
        return f'{attribute}="{rewrite_link(value, self.base_path)}"'

    def _heading(self, match: re.Match, headings: list[tuple[int, str, str]], taken: dict[str, int]) -> str:
        level, inner = match.group(1), match.group(2)
        label = _TAG.sub("", inner).strip()
        plain = unescape(label)
        if plain not in self._heading_ids:
            self._heading_ids[plain] = slugify(plain) or "section"
        ident = _unique(self._heading_ids[plain], taken)
        headings.append((int(level), ident, label))
        return f'<h{level} id="{ident}">{inner}</h{level}>'


def is_dangerous(url: str) -> bool:
    """Whether a URL (as written, entities decoded) is one no page publishes: a browser would
    take it for javascript:, vbscript:, file: or data: other than an image's."""
    url = url.lstrip(_AROUND).translate(_INSIDE)
    scheme = _SCHEME.match(url)
    return bool(scheme) and scheme.group(1).lower() in DANGEROUS_SCHEMES and not _HARMLESS_DATA.match(url)


def _unique(ident: str, taken: dict[str, int]) -> str:
    """ident, or ident_1, ident_2 … when a heading of the same text came before; noted in
    `taken` (the ids of the text so far, each with the count its next suffix is tried from,
    so that thousands of headings of one text are numbered in linear time)."""
    count = taken.get(ident, 0)
    candidate = f"{ident}_{count}" if count else ident
    while candidate in taken:
        count += 1
        candidate = f"{ident}_{count}"
    taken[ident] = count + 1
    taken.setdefault(candidate, 0)
    return candidate


def table_of_contents(headings: list[tuple[int, str, str]]) -> str:
    """A nested list of the headings at TOC_LEVELS (level, id, label as HTML), or "" when
    there are fewer than two: one heading needs no contents."""
    listed = [h for h in headings if h[0] in TOC_LEVELS]
    if len(listed) < 2:
        return ""
    parts, nested = ["<ul>"], False
    for index, (level, ident, label) in enumerate(listed):
        link = f'<a href="#{ident}">{label}</a>'
        if level > TOC_LEVELS[0] and index:  # under the heading before it
            if not nested:
                parts.append("<ul>")
                nested = True
            parts.append(f"<li>{link}</li>")
            continue
        if nested:
            parts.append("</ul>")
            nested = False
        if index:
            parts.append("</li>")
        parts.append(f"<li>{link}")
    parts.append("</ul></li></ul>" if nested else "</li></ul>")
    return "".join(parts)


def rewrite_link(url: str, base_path: str) -> str:
    if url.startswith("/") and not url.startswith("//"):
        return base_path + url[1:]
    if url.startswith("media/"):
        return base_path + url
    return url


def reading_minutes(html: str) -> int:
    """Chinese is read by the character, other languages by the word."""
    text = _TAG.sub("", html)
    latin, runs = _CJK_RUNS.subn(" ", text)  # a space for each run keeps the words either side apart
    cjk = len(text) - len(latin) + runs
    minutes = cjk / CJK_CHARS_PER_MINUTE + len(_LATIN_WORD.findall(latin)) / WORDS_PER_MINUTE
    return max(1, round(minutes))


def text_key(text: str) -> str:
    return text_digest(text)


# Converting costs about 0.15 us a character of Markdown (0.15 ms a story), and the
# result comes back pickled.
CONVERT_COST_A_CHAR = 0.15


def markdown_shelf(texts: str, base_path: str, unsafe_html: bool) -> str:
    """The store's shelf for converted `texts` ("documents", "records"): what it holds
    depends on the base path and on whether raw HTML is kept."""
    return f"markdown {texts} {'raw-html' if unsafe_html else 'no-html'} {base_path}"


def convert_texts(
    texts,
    base_path: str,
    unsafe_html: bool = True,
    workers: Workers | None = None,
    store: Store | None = None,
    shelf: str = "",
) -> dict[str, Html]:
    """Every distinct text converted once, on `workers`. What `store` kept on `shelf` is
    taken from it; what is converted is put there, by the process that converted it. The
    result does not depend on how it was made."""
    store = store if store is not None and shelf else NoStore()
    converted: dict[str, Html] = {}
    keys: dict[str, str] = {}
    distinct = list(dict.fromkeys(texts))
    if store.holds(shelf):
        for text in distinct:
            keys[text] = key = text_key(text)
            html = store.get(shelf, key)
            if html is not None:
                converted[text] = html
        missing = [text for text in distinct if text not in converted]
    else:  # nothing to look up (a cold build): each key is made where its text is converted
        missing = distinct
    converter = Converter(base_path, unsafe_html)

    def convert(run: list[str]) -> list[Html]:
        made = {keys.get(text) or text_key(text): converter.convert(text) for text in run}
        store.put(shelf, made)
        return list(made.values())

    missing.sort(key=len, reverse=True)
    made = (workers or OneProcess()).map(convert, missing, cost=lambda text: len(text) * CONVERT_COST_A_CHAR)
    converted.update(zip(missing, made))
    return converted
