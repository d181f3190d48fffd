"""Markdown → HTML, done once for every text before rendering.

The dialect is CommonMark with GitHub's tables, strikethrough, bare links and
footnotes (cmark-gfm, through volsite.bindings.cmark): what staff meet in other editors,
in linear time whatever is pasted. Headings get pinyin ids and a table of
contents. Links and images written site-absolute (/stories/x/) or
content-relative (media/x.jpg) are rewritten under the base_url path, so a site
served from /volunteer/ works without staff writing that prefix.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from urllib.parse import unquote

from ..bindings import cmark
from ..slugs import slugify
from ..speed.workers import MAX_CHUNKS, map_claimed, runs_by_size

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
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class MarkdownCache:
    """Converted texts by the hash of their Markdown, for one base path.

    Kept in memory between builds of a session (volsite serve), and on disk in
    .volsite-cache/ between runs (see diskcache).
    """

    def __init__(
        self,
        base_path: str,
        done: dict[str, Html] | None = None,
        unsafe_html: bool = True,
        keep: Callable[[list[tuple[str, Html]]], None] | None = None,
    ):
        self.base_path = base_path
        self.unsafe_html = unsafe_html
        self.done: dict[str, Html] = done or {}
        self.added = 0  # conversions since the cache was loaded
        # Given each run of new conversions (key, html) in the process that made them, as
        # they are made: a forked converter's own objects, written out without a copy.
        self.keep = keep
        self._converter: Converter | None = None

    @property
    def converter(self) -> Converter:
        if self._converter is None:
            self._converter = Converter(self.base_path, self.unsafe_html)
        return self._converter


# Below this many characters of new Markdown, forking costs more than it saves
# (a converted story comes back pickled: converting takes about 0.15 ms a story).
PARALLEL_CHARS = 1_000_000


def convert_texts(
    texts, base_path: str, cache: MarkdownCache | None = None, unsafe_html: bool = True, workers: int = 1
) -> dict[str, Html]:
    """Every distinct text once; texts converted before come from the cache, many new
    ones are shared out between `workers` processes. The result does not depend on
    how it was made."""
    if cache is None or cache.base_path != base_path or cache.unsafe_html != unsafe_html:
        cache = MarkdownCache(base_path, unsafe_html=unsafe_html)
    keys: dict[str, str] = {}
    if cache.done:
        keys = {text: text_key(text) for text in set(texts)}
        missing = [text for text, key in keys.items() if key not in cache.done]
    else:  # nothing to look up (a cold build): each key is made where its text is converted
        missing = list(set(texts))
    converter = cache.converter

    def convert(chunk: list[str]) -> list[tuple[str, Html]]:
        pairs = [(keys.get(text) or text_key(text), converter.convert(text)) for text in chunk]
        if cache.keep is not None and pairs:
            cache.keep(pairs)
        return pairs

    if workers > 1 and sum(map(len, missing)) >= PARALLEL_CHARS:
        chunks = runs_by_size(sorted(missing, key=len, reverse=True), min(MAX_CHUNKS, 64 * workers), len)
    else:
        chunks = [missing]
    converted = map_claimed(convert, chunks, workers if len(chunks) > 1 else 1)
    done = zip((text for chunk in chunks for text in chunk), (pair for part in converted for pair in part))
    for text, (key, html) in done:
        keys[text] = key
        cache.done[key] = html
    cache.added += len(missing)
    result = {text: cache.done[key] for text, key in keys.items()}
    used = set(keys.values())
    cache.done = {key: html for key, html in cache.done.items() if key in used}  # no growth without end
    return result
