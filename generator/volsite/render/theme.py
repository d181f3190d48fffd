"""The theme: where its files are (the site's own theme, then the default one for what it
leaves out), that none of its links leads out of it, its static files, and a digest of its
templates."""

from __future__ import annotations

import os
from pathlib import Path

from ..digests import hasher
from ..messages import say
from ..problems import Problems


def theme_dirs(site_root: Path, theme: str) -> list[Path]:
    """The site's own theme first, then volsite's default theme for whatever it does not override."""
    dirs = [site_root / "themes" / theme]
    default = default_theme_dir()
    if default.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(default)
    return [d for d in dirs if d.is_dir()]


def default_theme_dir() -> Path:
    package = Path(__file__).resolve().parents[1]
    packaged = package / "default_theme"  # in an installed wheel
    return packaged if packaged.is_dir() else package.parents[1] / "themes" / "default"


def templates_digest(site_root: Path, theme: str) -> str:
    digest = hasher()
    for folder in theme_dirs(site_root, theme):
        for path in sorted((folder / "templates").rglob("*")):
            if path.is_file():
                digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def theme_problems(site_root: Path, theme: str, problems: Problems) -> None:
    """The theme site.yaml names is a folder under themes/, and no link in the site's theme
    leads out of it: its static files are published as they are and its templates read,
    through links too (a link to /etc/passwd would be published). The theme folder itself
    may be a link: what is inside is measured against its target."""
    if theme != "default" and not (site_root / "themes" / theme).is_dir():
        problems.error(
            "site.yaml",
            None,
            say(
                "V504",
                "theme '{theme}' is not a folder under themes/: check the name given as 'theme', or leave 'theme' "
                "out to use the default theme",
                theme=theme,
            ),
        )
    folder = site_root / "themes" / theme
    if not folder.is_dir():
        return
    inside = folder.resolve()
    for dirpath, dirnames, filenames in os.walk(folder):  # (links to folders are not entered)
        for name in sorted(dirnames + filenames):
            path = Path(dirpath, name)
            if not path.is_symlink():
                continue
            rel = path.relative_to(site_root).as_posix().encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            try:
                leads_out = not path.resolve(strict=True).is_relative_to(inside)
            except (OSError, RuntimeError):  # leads nowhere, or in a loop: not read, as before
                continue
            if leads_out:
                problems.error(
                    rel,
                    None,
                    say(
                        "V505",
                        "is a link that leads out of themes/{theme}/: copy what it points to into the theme instead "
                        "(a theme's files are published or read as they are)",
                        theme=theme,
                    ),
                )


def static_files(site_root: Path, theme: str, media: frozenset[str]) -> dict[str, Path]:
    """The theme's static files (none that a link leads to out of its theme folder:
    theme_problems reports those) and the published media, by output path."""
    copies: dict[str, Path] = {}
    for theme_dir in reversed(theme_dirs(site_root, theme)):  # the site's own theme wins
        static = theme_dir / "static"
        inside = theme_dir.resolve()
        if static.is_dir() and static.resolve().is_relative_to(inside):
            for dirpath, dirnames, filenames in os.walk(static):  # (links to folders are not entered)
                dirnames.sort()
                for name in sorted(filenames):
                    path = Path(dirpath, name)
                    if (
                        not name.startswith(".")
                        and path.is_file()
                        and (not path.is_symlink() or path.resolve().is_relative_to(inside))
                    ):
                        copies[path.relative_to(static).as_posix()] = path
    for rel in sorted(media):
        copies[rel] = site_root / "content" / rel
    return copies
