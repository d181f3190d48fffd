"""Markdown → HTML, done once for every text before rendering.

Links and images written site-absolute (/stories/x/) or content-relative
(media/x.jpg) are rewritten under the base_url path, so a site served from
/volunteer/ works without staff writing that prefix.
"""

from __future__ import annotations

import bisect
import hashlib
import multiprocessing
from html import escape
import re
import signal
import threading
import time
import types
import xml.etree.ElementTree as etree
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import LinkInlineProcessor
from markdown.treeprocessors import Treeprocessor

from .slugs import slugify

EXTENSIONS = ["tables", "footnotes", "fenced_code", "attr_list", "sane_lists", "toc", "md_in_html"]
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")
_TAG = re.compile(r"<[^>]+>")
CJK_CHARS_PER_MINUTE = 400
WORDS_PER_MINUTE = 200


@dataclass(frozen=True)
class Html:
    html: str
    toc: str  # the table of contents as a nested <ul>, empty when under two headings
    minutes: int  # reading time
    links: tuple[str, ...]  # every href and src as written by staff, for checks
    problem: str | None = None  # why the text could not be converted (it is then shown as plain text)


def _heading_id(text: str, separator: str) -> str:
    # Chinese headings get pinyin ids (#zao-shang), readable in a shared link.
    return slugify(text) or "section"


# Link schemes a site that does not trust its Markdown still allows.
SAFE_SCHEMES = ("http", "https", "mailto", "tel")
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):")


class _RewriteLinks(Treeprocessor):
    def __init__(self, md, base_path: str, found: list[str], unsafe_html: bool):
        super().__init__(md)
        self.base_path = base_path
        self.found = found
        self.unsafe_html = unsafe_html

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is None:
                    continue
                self.found.append(value)
                scheme = _SCHEME.match(value)
                if not self.unsafe_html and scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
                    del element.attrib[attribute]  # javascript:, data:, vbscript: … lead nowhere
                    continue
                element.set(attribute, rewrite_link(value, self.base_path))


_BRACKET = re.compile(r"[\[\]]")
# Brackets scanned one by one before the index of a whole text is built: enough for any
# real link text, and it keeps the common case as cheap as Python-Markdown's own scan.
_SCAN_BRACKETS = 64


class _BracketIndex:
    """Where each '[' of one text closes, found in one pass.

    Python-Markdown looks for the ']' that closes a link's text by scanning ahead
    from every '[', to the end of the text when there is none: thousands of
    unclosed '[' cost quadratic time (4,000 took 2 s). This answers the same
    question from an index, in logarithmic time.
    """

    def __init__(self, data: str):
        self.data = data
        self.positions: list[int] = []  # of every bracket, in order
        self.depths: list[int] = []  # depth just before each of them
        closers: dict[int, list[int]] = {}  # depth before a ']' → the ']' positions at it
        depth = 0
        for match in _BRACKET.finditer(data):
            position = match.start()
            self.positions.append(position)
            self.depths.append(depth)
            if data[position] == "[":
                depth += 1
            else:
                closers.setdefault(depth, []).append(position)
                depth -= 1
        self.closers = closers

    def closing(self, index: int) -> int | None:
        """The first ']' at or after index that brings the depth one below its depth at index."""
        before = bisect.bisect_left(self.positions, index)
        if before < len(self.positions):
            depth = self.depths[before]
        else:
            return None
        candidates = self.closers.get(depth, [])
        found = bisect.bisect_left(candidates, index)
        return candidates[found] if found < len(candidates) else None


def _indexed_get_text(processor, data: str, index: int) -> tuple[str, int, bool]:
    """LinkInlineProcessor.getText with the same answers, in bounded time."""
    brackets = getattr(processor, "_volsite_brackets", None)
    if brackets is None or brackets.data is not data:
        depth = 1
        for scanned, match in enumerate(_BRACKET.finditer(data, index)):
            if scanned == _SCAN_BRACKETS:
                break
            depth += 1 if match.group() == "[" else -1
            if depth == 0:
                return data[index:match.start()], match.start() + 1, True
        else:
            return data[index:], len(data), False
        brackets = _BracketIndex(data)
        processor._volsite_brackets = brackets
    closing = brackets.closing(index)
    if closing is None:
        return data[index:], len(data), False
    return data[index:closing], closing + 1, True


class _LinkExtension(Extension):
    def __init__(self, base_path: str, found: list[str], unsafe_html: bool):
        super().__init__()
        self.base_path, self.found, self.unsafe_html = base_path, found, unsafe_html

    def extendMarkdown(self, md):  # noqa: N802 - the library's name
        # After inline parsing (priority below 'inline' = 20) so links exist as elements.
        md.treeprocessors.register(_RewriteLinks(md, self.base_path, self.found, self.unsafe_html),
                                   "volsite_links", 1)
        for processor in md.inlinePatterns:
            if isinstance(processor, LinkInlineProcessor):
                processor.getText = types.MethodType(_indexed_get_text, processor)
        if not self.unsafe_html:
            # Raw HTML blocks and inline tags are then read as text, and escaped.
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")


def rewrite_link(url: str, base_path: str) -> str:
    if url.startswith("/") and not url.startswith("//"):
        return base_path + url[1:]
    if url.startswith("media/"):
        return base_path + url
    return url


class Converter:
    """One Markdown instance reused for many texts (building it costs more than a short text)."""

    def __init__(self, base_path: str, unsafe_html: bool = True):
        self._found: list[str] = []
        # Pinyin costs about 0.2 ms a heading, and headings repeat across stories
        # ("活动回顾"): each converter remembers the ids it has made.
        heading_ids: dict[str, str] = {}

        def heading_id(text: str, separator: str) -> str:
            if text not in heading_ids:
                heading_ids[text] = _heading_id(text, separator)
            return heading_ids[text]

        # md_in_html reads Markdown inside raw HTML blocks: meaningless once HTML is text.
        extensions = EXTENSIONS if unsafe_html else [e for e in EXTENSIONS if e != "md_in_html"]
        self._md = markdown.Markdown(
            extensions=extensions + [_LinkExtension(base_path, self._found, unsafe_html)],
            extension_configs={"toc": {"permalink": False, "toc_depth": "2-3", "slugify": heading_id},
                               "footnotes": {"BACKLINK_TITLE": "↩"}},
            output_format="html",
        )

    def convert(self, text: str) -> Html:
        self._found.clear()
        self._md.reset()
        try:
            with _time_limit(budget_seconds(text)):
                html = self._md.convert(text)
        except _TooSlow:
            return self._unconverted(text, f"its Markdown took more than {budget_seconds(text):.0f} s to "
                                           "convert, far longer than text of its size should (thousands of "
                                           "unclosed '[', '(' or '<'?); look for a pasted run of symbols")
        except RecursionError:
            # Python-Markdown recurses once per level of nested lists or quotes.
            return self._unconverted(text, "its Markdown is nested too deeply (lists or quotes hundreds of "
                                           "levels inside one another); flatten it")
        toc_tokens = getattr(self._md, "toc_tokens", [])
        toc = self._md.toc if _count_headings(toc_tokens) >= 2 else ""
        return Html(html, toc, reading_minutes(html), tuple(self._found))

    def _unconverted(self, text: str, problem: str) -> Html:
        """The start of text as plain text, with why it could not be converted."""
        self._md.reset()
        return Html(f"<p>{escape(text[:200])}</p>", "", 1, (), problem)


def budget_seconds(text: str) -> float:
    """How long converting text may take: ten times what a slow machine needs.

    Some inputs make Python-Markdown's scanning quadratic ("[a](" four thousand times
    takes seconds, a megabyte of it hours); a text over its budget is a problem named
    with its file instead of a build that never ends.
    """
    return 2.0 + len(text) / 100_000


class _TooSlow(Exception):
    pass


@contextmanager
def _time_limit(seconds: float):
    """Raise _TooSlow in this thread after `seconds`. Only the main thread can be
    interrupted (by SIGALRM); elsewhere, and on systems without it, there is no limit."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise _TooSlow()

    previous = signal.signal(signal.SIGALRM, interrupt)
    earlier_delay, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if earlier_delay:  # someone else's alarm: put it back with what was left of it
            signal.setitimer(signal.ITIMER_REAL, max(0.001, earlier_delay - (time.monotonic() - started)))


def _count_headings(tokens) -> int:
    return sum(1 + _count_headings(t.get("children", [])) for t in tokens)


def reading_minutes(html: str) -> int:
    """Chinese is read by the character, other languages by the word."""
    text = _TAG.sub("", html)
    cjk = len(_CJK.findall(text))
    words = len(_LATIN_WORD.findall(_CJK.sub(" ", text)))
    minutes = cjk / CJK_CHARS_PER_MINUTE + words / WORDS_PER_MINUTE
    return max(1, round(minutes))


def text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class MarkdownCache:
    """Converted texts by the hash of their Markdown, for one base path.

    Kept in memory between builds of a session (volsite serve), and on disk in
    .volsite-cache/ between runs (see diskcache).
    """

    def __init__(self, base_path: str, done: dict[str, Html] | None = None, unsafe_html: bool = True):
        self.base_path = base_path
        self.unsafe_html = unsafe_html
        self.done: dict[str, Html] = done or {}
        self.added = 0  # conversions since the cache was loaded
        self._converter: Converter | None = None

    @property
    def converter(self) -> Converter:
        if self._converter is None:
            self._converter = Converter(self.base_path, self.unsafe_html)
        return self._converter


# Below this many new texts, starting worker processes costs more than it saves.
PARALLEL_FROM = 64


def convert_texts(texts, base_path: str, cache: MarkdownCache | None = None,
                  workers: int = 1, unsafe_html: bool = True) -> dict[str, Html]:
    """Every distinct text once; texts converted before come from the cache, new ones are
    converted on `workers` processes. The result does not depend on how it was made."""
    if cache is None or cache.base_path != base_path or cache.unsafe_html != unsafe_html:
        cache = MarkdownCache(base_path, unsafe_html=unsafe_html)
    wanted = {text: text_key(text) for text in sorted(set(texts))}
    missing = [text for text, key in wanted.items() if key not in cache.done]
    if workers > 1 and len(missing) >= PARALLEL_FROM:
        converted = _convert_in_parallel(missing, base_path, workers, unsafe_html)
    else:
        converted = [cache.converter.convert(text) for text in missing]
    # Texts that failed are not kept: the build stops on them, and a text that ran out
    # of time on a busy machine deserves another try.
    failed = {text: html for text, html in zip(missing, converted) if html.problem}
    for text, html in zip(missing, converted):
        if not html.problem:
            cache.done[wanted[text]] = html
    cache.added += len(missing)
    result = {text: failed[text] if text in failed else cache.done[key] for text, key in wanted.items()}
    used = set(wanted.values())
    cache.done = {key: html for key, html in cache.done.items() if key in used}  # no growth without end
    return result


def _convert_chunk(job: tuple[str, bool, list[str]]) -> list[Html]:
    base_path, unsafe_html, texts = job
    converter = Converter(base_path, unsafe_html)  # one per chunk: a few milliseconds against a chunk's seconds
    return [converter.convert(text) for text in texts]


def _convert_in_parallel(texts: list[str], base_path: str, workers: int, unsafe_html: bool) -> list[Html]:
    """Chunks shared out between this process and workers - 1 forked ones.

    This process converts its own share rather than wait: a forked worker is a copy
    of the whole build so far, and one fewer is that much less memory at the peak.
    """
    size = max(8, len(texts) // (workers * 8))
    jobs = [(base_path, unsafe_html, texts[i: i + size]) for i in range(0, len(texts), size)]
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this system: convert here
        return [html for job in jobs for html in _convert_chunk(job)]
    with ProcessPoolExecutor(workers - 1, mp_context=context) as pool:
        theirs = {i: pool.submit(_convert_chunk, job) for i, job in enumerate(jobs) if i % workers}
        mine = {i: _convert_chunk(job) for i, job in enumerate(jobs) if not i % workers}
        return [html for i in range(len(jobs)) for html in (mine[i] if i in mine else theirs[i].result())]