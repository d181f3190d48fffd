"""Every internal link and image of a built site, checked against the files on disk."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append(value)
            if name == "id" and value:
                self.ids.add(value)


def page_links(path: Path) -> tuple[list[str], set[str]]:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.found, parser.ids


def target_file(out: Path, base_path: str, url: str) -> Path | None:
    """The file a site-absolute URL under base_path names, or None when it is outside the site."""
    path = unquote(urlsplit(url).path)
    if not path.startswith(base_path):
        return None
    rel = path[len(base_path) :]
    return out / (rel + "index.html" if rel.endswith("/") or rel == "" else rel)


def broken_links(out: Path, base_path: str, origin: str = "") -> list[str]:
    broken = []
    for page in sorted(out.rglob("*.html")):
        links, ids = page_links(page)
        for url in links:
            if url.startswith(("mailto:", "tel:", "data:")):
                continue
            if origin and url.startswith(origin):
                url = url[len(origin) :]
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                continue  # external
            if not parts.path:
                if parts.fragment and parts.fragment not in ids:
                    broken.append(f"{page.relative_to(out)}: #{parts.fragment}")
                continue
            if not parts.path.startswith("/"):
                broken.append(f"{page.relative_to(out)}: relative link {url}")
                continue
            target = target_file(out, base_path, url)
            if target is None or not target.is_file():
                broken.append(f"{page.relative_to(out)}: {url}")
    return broken
