"""Text as people save it: bytes decoded (UTF-8, GB18030/GBK, UTF-16), the characters no page
can show, and a value shortened to one line for a message to quote. Reads no file: files.read_text
reads one through these."""

from __future__ import annotations

import re
import reprlib
from typing import Any

from ..messages import Message, say

_SHOW = reprlib.Repr()
_SHOW.maxstring = _SHOW.maxother = 60
_SHOW.maxlevel = 3
# Every character that ends a line somewhere (str.splitlines): a problem is one line.
_LINE_BREAKS = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in (0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029)
}
_LINE_BREAKS.update({ord("\n"): "\\n", ord("\r"): "\\r"})


def shown(value: Any, width: int = 60) -> str:
    """A value as a message may quote it: one short line, whatever its size or nesting."""
    if isinstance(value, (list, dict, set, tuple)):
        text = _SHOW.repr(value)
    else:
        text = value if isinstance(value, str) else str(value)
        text = text if len(text) <= width else text[:width] + "…"
    return text.translate(_LINE_BREAKS)


# Characters a web page, feed or sitemap cannot carry (XML 1.0 forbids the C0
# controls but tab and line breaks; HTML calls C1 controls and non-characters
# errors), and lone surrogates, which cannot even be written as UTF-8.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def clean_text(text: str, replacement: str = "\ufffd") -> str:
    """text without characters no page can show (for values from YAML escapes and Excel cells)."""
    return _UNSHOWABLE.sub(replacement, text) if _UNSHOWABLE.search(text) else text


def decode_text(data: bytes) -> tuple[str | None, str]:
    """Decode bytes written by a person: UTF-8 (with or without BOM) or GB18030.

    GBK, what Excel in China writes, is a subset of GB18030; UTF-16 with a byte
    order mark ("Unicode text" from Excel or Notepad) is read too. Returns
    (text, encoding) or (None, reason).
    """
    text, how, _line = _decode(data)
    return text, str(how)


def _decode(data: bytes) -> tuple[str | None, str | Message, int | None]:
    """(text, encoding, None) or (None, why not, line of the problem or None)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) and not data.startswith(b"\xff\xfe\x00\x00"):
        try:
            text = data.decode("utf-16")  # the mark gives the byte order and is dropped
        except UnicodeDecodeError:
            return (
                None,
                say(
                    "V111",
                    "starts with a UTF-16 mark but is not UTF-16 text; save it as UTF-8 "
                    "(in Excel: Save As → CSV UTF-8)",
                ),
                None,
            )
        if "\x00" in text:
            return None, _not_text(), None
        return text, "utf-16", None
    if b"\x00" in data:
        return None, _not_text(), None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig", None
        except UnicodeDecodeError as exc:
            line = _line_at(data, exc.start + 3)
            return (
                None,
                say(
                    "V112",
                    "starts with a UTF-8 mark but line {line} is not UTF-8 "
                    "(text pasted from a GBK file?); save it again as UTF-8",
                    line=line,
                ),
                line,
            )
    try:
        utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
        mixed = _mixed_line(data)
        if mixed is not None:
            return (
                None,
                say(
                    "V113",
                    "mixes two encodings: most lines are UTF-8 but line {line} is not "
                    "(text pasted from a GBK file?); save it again as UTF-8",
                    line=mixed,
                ),
                mixed,
            )
    if utf8 is not None and not _looks_like_misread_gbk(data, utf8):
        return utf8, "utf-8", None
    try:
        return data.decode("gb18030"), "gb18030", None
    except UnicodeDecodeError as exc:
        if utf8 is not None:
            return utf8, "utf-8", None
        line = _line_at(data, exc.start)
        return (
            None,
            say(
                "V114",
                "is neither UTF-8 nor GB18030/GBK text (line {line} is neither); save it as UTF-8",
                line=line,
            ),
            line,
        )


def _not_text() -> Message:
    return say(
        "V115",
        "is not a text file (it holds NUL bytes): a table must be saved as CSV or text, a "
        "spreadsheet given its own name (.xlsx, .xls, .ods)",
    )


def _line_at(data: bytes, offset: int) -> int:
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _mixed_line(data: bytes) -> int | None:
    """The first line that is not UTF-8 in a file whose other lines mostly are.

    GBK text can happen to be valid UTF-8 here and there, so a file counts as
    UTF-8 only when most of its non-ASCII lines are (and then the others were
    pasted in from elsewhere); a GBK file stays GBK.
    """
    good, bad = 0, []
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    for number, line in enumerate(lines, 1):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(number)
            continue
        if not _looks_like_misread_gbk(line, text):
            good += 1
    return bad[0] if bad and good > len(bad) else None


# A character at U+0800 or above starts with a byte of E0 or more in UTF-8. (Looked for
# in the bytes: a pattern of that range of characters takes 4 ms to compile, at every start.)
_WIDE_LEAD = re.compile(rb"[\xe0-\xff]")


def _looks_like_misread_gbk(data: bytes, utf8: str) -> bool:
    """Whether bytes that are valid UTF-8 read better as GBK.

    GBK bytes can form valid UTF-8: 志愿 reads as Hebrew and Armenian letters, 欧 as
    Latin ŷ. Chinese text in UTF-8 has characters at U+0800 or above, which GBK
    almost never forms; without any, the reading with more ordinary characters
    (Han, CJK and full-width punctuation, Latin-1 letters) wins, UTF-8 on a tie.
    """
    if data.isascii() or _WIDE_LEAD.search(data):  # (stops at the first; C speed over megabytes)
        return False
    try:
        gbk = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return _ordinary(gbk) > _ordinary(utf8)


def _ordinary(text: str) -> int:
    """How many of text's non-ASCII characters are ones people commonly type."""
    return sum(
        1
        for char in text
        if 0xA0 <= ord(char) <= 0xFF
        or 0x2010 <= ord(char) <= 0x203A
        or 0x3000 <= ord(char) <= 0x303F
        or 0x4E00 <= ord(char) <= 0x9FFF
        or 0xFF01 <= ord(char) <= 0xFF5E
    )
