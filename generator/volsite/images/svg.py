"""SVG drawings under media/: published as they are only when they can do nothing but draw.

An SVG opened from the site runs on the site's origin: a script in it, an event handler, a
foreign object (HTML inside the drawing) or a reference to another address would run or
load there. Read with defusedxml, which refuses entity tricks (billion laughs, external
entities) instead of expanding them.
"""

from __future__ import annotations

import re

from ..messages import Message, say
from ..problems import NOTHING

_FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
_REFERENCE_ATTRIBUTES = {"href", "src", "action", "formaction"}
_CSS_REFERENCE = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import", re.I)


def svg_problem(data: bytes) -> Message | None:
    """Why the drawing may not be published, said for the staff who put it there (with a
    {used_by} blank the images stage fills); None if it may be."""
    from defusedxml import ElementTree  # (only where there are drawings)
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return say(
            "V406",
            "is not a drawing volsite can read (an .svg file is XML; this is not){used_by}: save it again as SVG",
            used_by=NOTHING,
        )
    if _local(root.tag) != "svg":
        return say(
            "V407",
            "is not an SVG drawing (its first element is not <svg>){used_by}: save it again as SVG",
            used_by=NOTHING,
        )
    for element in root.iter():
        name = _local(element.tag)
        if name in _FORBIDDEN_ELEMENTS:
            written = element.tag.rpartition("}")[2]
            return say(
                "V408",
                "holds a <{element}>, which would run on the site{used_by}: save the drawing again without it",
                element=written,
                used_by=NOTHING,
            )
        for attribute, value in element.attrib.items():
            key = _local(attribute)
            if key.startswith("on"):
                return say(
                    "V409",
                    "holds an event handler ({attribute}), which would run on the site{used_by}: save the drawing "
                    "again without it",
                    attribute=key,
                    used_by=NOTHING,
                )
            if key in _REFERENCE_ATTRIBUTES and not value.strip().startswith("#"):
                return say(
                    "V410",
                    'refers to another file or address ({attribute}="{value}"), which a drawing on the site may '
                    "not load{used_by}: put what it shows into the drawing itself",
                    attribute=key,
                    value=value[:60],
                    used_by=NOTHING,
                )
            if key == "style" and _CSS_REFERENCE.search(value):
                return _STYLE_LOADS
        if name == "style" and _CSS_REFERENCE.search(element.text or ""):
            return _STYLE_LOADS
    return None


_STYLE_LOADS = say(
    "V411",
    "loads something from another address in its style{used_by}: put what it shows into the drawing itself",
    used_by=NOTHING,
)


def _local(name: str) -> str:
    """An element or attribute name without its namespace, lower-cased ({http://...}onLoad → onload)."""
    return name.rpartition("}")[2].lower()
