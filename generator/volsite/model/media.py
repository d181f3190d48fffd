"""Media files as staff name them in records: media/x.jpg, /media/x.jpg or content/media/x.jpg."""

from __future__ import annotations

import re
from pathlib import PurePosixPath


def media_path(path: str) -> tuple[str | None, str | None]:
    """(the path under content/ of a media file named in a record, or why it is refused).

    Staff write media/x.jpg, /media/x.jpg or content/media/x.jpg; all mean the same file.
    """
    clean = path.strip().replace("\\", "/")
    if clean.startswith("/media/"):
        clean = clean[1:]
    elif clean.startswith("content/media/"):
        clean = clean[len("content/") :]
    if clean.startswith(("/", "~")) or re.match(r"[A-Za-z]:", clean):
        return None, f"'{path}' is an absolute path; give a path under content/, like media/people/zhang-wei.jpg"
    parts = PurePosixPath(clean).parts
    if ".." in parts:
        return None, f"'{path}' leaves the content folder"
    if not parts or parts[0] != "media" or len(parts) < 2:
        return None, f"'{path}' must be a file under content/media/ (only media/ is published)"
    return "/".join(parts), None


def media_problem(path: str, media: frozenset[str]) -> str | None:
    clean, problem = media_path(path)
    if problem:
        return problem
    if clean not in media:
        return f"names the file content/{clean}, which does not exist"
    return None
