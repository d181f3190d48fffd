"""What a preview session (volsite serve) keeps from one build to the next."""

from __future__ import annotations

from typing import Any


class SessionStore:
    """volsite.seams.Store in memory, for the builds of one session: parsed files, converted
    Markdown, rendered pages, compiled templates, privacy scans. Safe to drop at any time.

    What a build did not touch is forgotten when the next one starts (a deleted story's
    page, a text no longer in the site), so the session never grows without end."""

    def __init__(self) -> None:
        self._shelves: dict[str, dict[str, Any]] = {}
        self._touched: dict[str, set[str]] = {}
        self._conditions: str | None = None

    def begin(self, conditions: str) -> None:
        """A new build, under `conditions` (the site's settings): any change to them changes
        how every file is read and every page drawn, and nothing kept is of use."""
        if conditions != self._conditions:
            self._shelves = {}
        else:
            self._shelves = {
                name: {key: value for key, value in shelf.items() if key in self._touched.get(name, ())}
                for name, shelf in self._shelves.items()
                if name in self._touched
            }
        self._conditions = conditions
        self._touched = {}

    def keeps(self, shelf: str) -> bool:
        return True

    def holds(self, shelf: str) -> bool:
        return bool(self._shelves.get(shelf))

    def get(self, shelf: str, key: str) -> Any | None:
        value = self._shelves.get(shelf, {}).get(key)
        if value is not None:
            self._touched.setdefault(shelf, set()).add(key)
        return value

    def put(self, shelf: str, entries: dict[str, Any]) -> None:
        self._shelves.setdefault(shelf, {}).update(entries)
        self._touched.setdefault(shelf, set()).update(entries)
