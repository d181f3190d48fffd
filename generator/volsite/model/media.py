"""Media files as staff name them in records: media/x.jpg, /media/x.jpg or content/media/x.jpg."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from ..messages import Message, say

# Why a path is refused: media_path's second value, put into words by media_problem.
ABSOLUTE, LEAVES, NOT_MEDIA = "absolute", "leaves", "not media"


def media_path(path: str) -> tuple[str | None, str | None]:
    """(the path under content/ of a media file named in a record, or why it is refused:
    ABSOLUTE, LEAVES or NOT_MEDIA).

    Staff write media/x.jpg, /media/x.jpg or content/media/x.jpg; all mean the same file.
    """
    clean = path.strip().replace("\\", "/")
    if clean.startswith("/media/"):
        clean = clean[1:]
    elif clean.startswith("content/media/"):
        clean = clean[len("content/") :]
    if clean.startswith(("/", "~")) or re.match(r"[A-Za-z]:", clean):
        return None, ABSOLUTE
    parts = PurePosixPath(clean).parts
    if ".." in parts:
        return None, LEAVES
    if not parts or parts[0] != "media" or len(parts) < 2:
        return None, NOT_MEDIA
    return "/".join(parts), None


def media_problem(field: str, path: str, media: frozenset[str]) -> Message | None:
    """What is wrong with the media file a record's `field` names, said for staff; None if
    it is a file under content/media/ that is there."""
    clean, why = media_path(path)
    if why == ABSOLUTE:
        return say(
            "V310",
            "'{field}' '{path}' is an absolute path: give a path under content/, like media/people/zhang-wei.jpg",
            field=field,
            path=path,
        )
    if why == LEAVES:
        return say(
            "V311",
            "'{field}' '{path}' leaves the content folder: give a path under content/, like media/people/zhang-wei.jpg",
            field=field,
            path=path,
        )
    if why is not None or clean is None:
        return say(
            "V312",
            "'{field}' '{path}' must be a file under content/media/ (only media/ is published): put the file "
            "there and give its path, like media/people/zhang-wei.jpg",
            field=field,
            path=path,
        )
    if clean not in media:
        return say(
            "V313",
            "'{field}' names the file content/{path}, which does not exist: check the file's name (capitals and "
            "its ending, like .jpg, count too), or put the file there",
            field=field,
            path=clean,
        )
    return None
