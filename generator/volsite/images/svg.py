"""SVG drawings under media/: published as they are only when they can do nothing but draw.

An SVG opened from the site runs on the site's origin: a script in it, an event handler, a
foreign object (HTML inside the drawing) or a reference to another address would run or
load there. Read with defusedxml, which refuses entity tricks (billion laughs, external
entities) instead of expanding them.
"""

from __future__ import annotations

import re

_FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
_REFERENCE_ATTRIBUTES = {"href", "src", "action", "formaction"}
_CSS_REFERENCE = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import", re.I)


def svg_problem(data: bytes) -> str | None:
    """Why the drawing may not be published, said for the staff who put it there; None if it
    may be."""
    from defusedxml import ElementTree  # (only where there are drawings)
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return "is not a drawing volsite can read (an .svg file is XML; this is not): save it again"
    if _local(root.tag) != "svg":
        return "is not an SVG drawing (its first element is not <svg>): save it again as SVG"
    for element in root.iter():
        name = _local(element.tag)
        if name in _FORBIDDEN_ELEMENTS:
            written = element.tag.rpartition("}")[2]
            return f"holds a <{written}>, which would run on the site: save the drawing again without it"
        for attribute, value in element.attrib.items():
            key = _local(attribute)
            if key.startswith("on"):
                return f"holds an event handler ({key}), which would run on the site: save the drawing again without it"
            if key in _REFERENCE_ATTRIBUTES and not value.strip().startswith("#"):
                return (
                    f'refers to another file or address ({key}="{value[:60]}"), which a drawing on the site '
                    "may not load: put what it shows into the drawing itself"
                )
            if key == "style" and _CSS_REFERENCE.search(value):
                return "loads something from another address in its style: put what it shows into the drawing itself"
        if name == "style" and _CSS_REFERENCE.search(element.text or ""):
            return "loads something from another address in its style: put what it shows into the drawing itself"
    return None


def _local(name: str) -> str:
    """An element or attribute name without its namespace, lower-cased ({http://...}onLoad → onload)."""
    return name.rpartition("}")[2].lower()
