"""Checks on the rendered site that the model alone cannot make.

- links and images written in Markdown that point at no page or file;
- records nothing refers to (a volunteer in no team, a team with no one in it);
- a privacy scan of every output file for what looks like a mainland mobile
  number, a resident ID number (with a valid checksum) or an e-mail address,
  whether typed in ASCII or in an input method's full-width digits.

`volsite build` reports these as warnings; `volsite check` reports links and
privacy findings as errors. All are pure functions of the model and the bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..messages import Message, say, words
from ..model.records import named
from ..model.resolve import Model
from ..problems import Problem
from ..render.markdown import Html, is_dangerous
from ..seams import NoStore, Store

# Digits are ASCII ones, and an input method's full-width ones read as ASCII (HALF_WIDTH):
# what people type a number in.
MOBILE = re.compile(r"(?<![0-9])(?:(?:\+|00)86[- ]?)?(1[3-9][0-9])[- ]?([0-9]{4})[- ]?([0-9]{4})(?![0-9])")
RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])([0-9]{17}[0-9Xx])(?![0-9A-Za-z])")
# ASCII local parts only: real addresses are, and a \w that matched Chinese would make the
# pattern try every run of a CJK paragraph (seconds on a large site).
EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})(?![A-Za-z0-9-])"
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif")


def resident_id_valid(number: str) -> bool:
    """A mainland resident ID: province code, a real birth date, ISO 7064 MOD 11-2 check digit."""
    if not re.fullmatch(r"\d{17}[\dXx]", number) or not 11 <= int(number[:2]) <= 91:
        return False
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


def _mask(value: str) -> str:
    keep = 3 if len(value) > 6 else 1
    return value[:keep] + "*" * max(1, len(value) - keep - 2) + value[-2:]


TEXT_SUFFIXES = (".html", ".xml", ".json", ".txt", ".js", ".css", ".ics")


def declared_public(model: Model) -> tuple[str, ...]:
    """What the privacy scan lets through: what site.yaml declares (config.declared_public), and
    the phone numbers and e-mail addresses in what teams declare public by writing it in their
    contact, address, open_hours and their services' booking (SPEC section 2). Only the numbers
    and addresses found there, never the whole text: a short open_hours such as "9" would
    otherwise let through every number that holds a 9."""
    texts = (
        text
        for team in model.teams.values()
        for text in (team.contact, team.address, team.open_hours, *(s.booking for s in team.services))
        if text
    )
    found = sorted({value for text in texts for _, _, value in _suspects(text)})
    return model.config.declared_public + tuple(found)


def privacy_findings(
    files: dict[str, bytes],
    allowed: tuple[str, ...] = (),
    prefix: str = "output/",
    suffixes: tuple[str, ...] = TEXT_SUFFIXES,
    store: Store | None = None,
) -> list[Problem]:
    """Everything in the output that looks like private contact or identity data. What a
    `store` kept of a file with the same bytes is not scanned again."""
    store = store or NoStore()
    findings: list[Problem] = []
    scanned: dict[str, tuple[bytes, list[Problem]]] = {}
    for rel, data in sorted(files.items()):
        if not rel.endswith(suffixes):
            continue
        earlier = store.get("privacy", rel)
        found = (
            earlier[1]
            if earlier is not None and earlier[0] == data
            else privacy_findings_in(rel, data, allowed, prefix)
        )
        scanned[rel] = (data, found)
        findings.extend(found)
    store.put("privacy", scanned)
    return findings


# What metadata looks like inside an image file, whatever its format: an EXIF block (which
# holds the GPS position), an XMP packet, an IPTC record, a comment.
_METADATA_MARKS = (b"Exif\x00\x00", b"<x:xmpmeta", b"http://ns.adobe.com/xap/", b"Photoshop 3.0\x00", b"GPSInfo")


def image_findings(images: Mapping[str, bytes | Path], prefix: str = "output/") -> list[Problem]:
    """Every published image that still carries metadata (it never should: images are
    re-encoded without it), read as Pillow reads it and by its bytes."""
    from PIL import Image  # (only where there are images)

    found = []
    for rel, image in sorted(images.items()):
        data = image if isinstance(image, bytes) else image.read_bytes()
        marks = [mark for mark in _METADATA_MARKS if mark in data]
        try:
            with Image.open(io.BytesIO(data)) as opened:
                if opened.getexif():
                    marks.append(b"EXIF")
                marks += [key.encode() for key in ("exif", "xmp", "comment", "icc_profile") if key in opened.info]
        except (OSError, ValueError, SyntaxError):
            marks.append(b"unreadable")
        if marks:
            what = ", ".join(sorted({mark.decode("latin-1").strip("\x00 ") for mark in marks}))
            found.append(
                Problem(
                    prefix + rel,
                    None,
                    say(
                        "V610",
                        "this image carries metadata ({what}), which must not be published: volsite should have "
                        "removed it, so do not publish this build, and report it to volsite's developers",
                        what=what,
                    ),
                )
            )
    return found


def privacy_findings_in(
    rel: str,
    data: bytes,
    allowed: tuple[str, ...] = (),
    prefix: str = "output/",
    suffixes: tuple[str, ...] = TEXT_SUFFIXES,
) -> list[Problem]:
    """What looks like private data in one output file (as privacy_findings, for one)."""
    if not rel.endswith(suffixes):
        return []
    if rel.endswith(".ics"):
        data = _calendar_text(data)
    numbers, addresses = _number_shaped(data), b"@" in data
    if not numbers and not addresses:
        return []  # most pages: nothing to decode and look at character by character
    return _scan(prefix + rel, data.decode("utf-8", errors="replace"), allowed, numbers, addresses)


def _calendar_text(data: bytes) -> bytes:
    """An iCalendar file as its lines read unfolded: a number split across two lines is whole again."""
    return re.sub(rb"\r?\n[ \t]", b"", data)


def _number_shaped(data: bytes) -> bool:
    """Whether the bytes could hold a phone or ID number, as the patterns read them: 11
    digits with at most a separator between, or 17 in a row (it may say yes to more).

    Looked for in a copy where each digit is "0" and separators are gone, by a scan for
    a literal that runs far faster than a pattern tried at each character of a Chinese
    page (which almost always holds digits: dates, counts). A full-width digit is the
    bytes EF BC 90-99 and its separators EF BC 8D and E3 80 80: deleting EF, BC, E3, 80
    and 8D wherever they are leaves each as its "0" or nothing. Other characters may
    leave a "0" too (【 is E3 80 90): a page is then scanned in full for nothing, but
    no digit or separator of a number is ever turned into a ".".
    """
    return b"0" * 11 in data.translate(_SHAPES, _SEPARATOR_BYTES)


_SHAPES = bytes(ord("0") if 0x30 <= b <= 0x39 or 0x90 <= b <= 0x99 else ord(".") for b in range(256))
_SEPARATOR_BYTES = b" -\xef\xbc\xe3\x80\x8d"


def _scan(
    name: str, text: str, allowed: tuple[str, ...], numbers: bool = True, addresses: bool = True
) -> list[Problem]:
    found = []
    for start, kind, value in sorted(set(_suspects(text, numbers, addresses))):
        if not any(value in allow or allow in value for allow in allowed):
            found.append(
                Problem(
                    name,
                    text.count("\n", 0, start) + 1,
                    say(
                        "V611",
                        "looks like {kind} ({masked}): private data must not be published; find it in the content "
                        "and take it out, or, if it is an organisation's public contact, list it in site.yaml "
                        "privacy.allow",
                        kind=_LOOKS_LIKE[kind],
                        masked=_mask(value),
                    ),
                )
            )
    return found


# Runs of digits (with the separators people type) and '@' signs are cheap to find; the
# exact patterns, whose optional prefixes and look-arounds are slow to try at every
# position of a long Chinese page, then run only on a small window around each.
_DIGIT_RUN = re.compile(r"[0-9\uff10-\uff19][0-9\uff10-\uff19 \-\uff0d\u3000]{9,}[0-9\uff10-\uff19Xx\uff38\uff58]?")
# What a Chinese input method types in full-width mode is the same number to a reader:
# digits, plus, hyphen, space and X are read as their ASCII selves (one character for
# one, so positions and lines stay true).
HALF_WIDTH = str.maketrans(
    "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff0b\uff0d\u3000\uff38\uff58", "0123456789+- Xx"
)
# What the privacy scan says a value looks like, by what _suspects calls it.
_LOOKS_LIKE = {
    "a mobile phone number": words("a mobile phone number"),
    "a resident ID number": words("a resident ID number"),
    "an e-mail address": words("an e-mail address"),
}
_LOCAL_PART = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")


def _suspects(text: str, numbers: bool = True, addresses: bool = True):
    # pos/endpos instead of slices: the look-behinds and look-aheads then see the real
    # neighbouring characters.
    for run in _DIGIT_RUN.finditer(text) if numbers else ():
        start, end = max(0, run.start() - 5), run.end() + 1  # room for a +86 before the run
        first = max(0, start - 1)  # and a character either side for the look-arounds
        window = text[first : end + 1].translate(HALF_WIDTH)
        for match in MOBILE.finditer(window, start - first, end - first):
            yield first + match.start(), "a mobile phone number", "".join(match.groups())
        for match in RESIDENT_ID.finditer(window, start - first, end - first):
            if resident_id_valid(match.group(1)):
                yield first + match.start(), "a resident ID number", match.group(1)
    consumed = 0  # like finditer, an address never overlaps the one before it
    at = text.find("@") if addresses else -1
    while at != -1:
        start = at
        while start > consumed and text[start - 1] in _LOCAL_PART:  # back over the local part
            start -= 1
        following = text.find("@", at + 1)
        match = EMAIL.search(text, start, following if following != -1 else len(text))
        if match is not None and match.start() <= at:
            consumed = match.end()
            if not match.group(2).lower().endswith(_IMAGE_SUFFIXES):  # logo@2x.png is a file name
                yield match.start(), "an e-mail address", match.group(0)
        at = following


def link_findings(model: Model, html: dict[str, Html], urls: frozenset[str], files: frozenset[str]) -> list[Problem]:
    """Links and images in staff Markdown that lead nowhere on the built site."""
    findings = []
    for document in model.documents:
        searched_from: dict[str, int] = {}  # a link written twice is found at its second place the second time
        for link in html[document.body].links:
            line, searched_from[link] = _place_of(document.body, link, searched_from.get(link, 0))
            why = _broken(link, urls, files, model.config.base_path)
            if why:
                findings.append(
                    Problem(document.path, document.body_line + line, why, subject=named(document.kind, document.slug))
                )
    return findings


def _broken(link: str, urls: frozenset[str], files: frozenset[str], base_path: str) -> Message | None:
    parts = urlsplit(link)
    kind = _IMAGE if unquote(parts.path).lower().endswith(_IMAGE_SUFFIXES) else _LINK
    if is_dangerous(link):
        return say(
            "V612",
            "the {kind} '{link}' would run a script or open a document its writer made, so it leads nowhere on the "
            "site: remove it",
            kind=kind,
            link=link,
        )
    if parts.scheme or parts.netloc or link.startswith("#") or not parts.path:
        return None
    path = unquote(parts.path)
    if path.startswith("media/"):
        path = "/" + path
    if not path.startswith("/"):
        return say(
            "V613",
            "the {kind} '{link}' is relative: write it from the site's root, like /stories/<slug>/",
            kind=kind,
            link=link,
        )
    if base_path != "/" and path.startswith(base_path):
        without = path[len(base_path) :]
        return say(
            "V614",
            "the {kind} '{link}' starts with the base path {base}: write it without, like /{without}",
            kind=kind,
            link=link,
            base=base_path,
            without=without,
        )
    target = path[1:]
    if target in urls or target in files or (target + "/") in urls:
        return None
    return say(
        "V615",
        "the {kind} '{link}' points to nothing on the site: check the address (a story is at /stories/<slug>/, a "
        "file under content/media/ at /media/...), or add what it points to",
        kind=kind,
        link=link,
    )


_IMAGE, _LINK = words("image"), words("link")


def _place_of(body: str, link: str, start: int) -> tuple[int, int]:
    """(the line, from 0, of the link's first place in body at or after start; where to look
    for its next place). A place is the whole link, as Markdown writes one, not part of a
    longer, similar one (media/a.jpg inside media/a.jpg.bak, or after an earlier ![](media/a.jpg?v=2))."""
    found = re.search(r"(?<![^\s(<\"'\]:])" + re.escape(link) + r"(?![^\s)>\"'])", body[start:])
    if found is None:  # written otherwise (%-escaped, an entity): the first place it is in at all
        index = body.find(link)
        return (body.count("\n", 0, index) if index >= 0 else 0), start
    index = start + found.start()
    return body.count("\n", 0, index), start + found.end()


def orphan_warnings(model: Model) -> list[Problem]:
    found = []
    for vid, person in model.people.items():
        if not person.teams:
            path, line = model.positions[vid]
            found.append(
                Problem(
                    path,
                    line,
                    say(
                        "V616",
                        "volunteer '{volunteer}' is in no team: name their team in 'teams', if they have one",
                        volunteer=vid,
                    ),
                    "warning",
                )
            )
    for tid, team in model.teams.items():
        if not any(model.team_members.get(t) for t in model.subtree(tid)):
            found.append(
                Problem(
                    team.path,
                    team.lines.get("id", team.line),
                    say(
                        "V617",
                        "team '{team}' has no members (no volunteer names it in 'teams'): add it to its members' "
                        "'teams', or remove the team if it has been disbanded",
                        team=tid,
                    ),
                    "warning",
                )
            )
    return found
