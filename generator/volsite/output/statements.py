"""Where `volsite statements` may write its private statements, and the writing of them.

The statements name each volunteer's identity document (证件号码), so they must never be
published or committed: the folder may not be inside output/ (or any folder a build wrote),
content/, themes/ or .volsite-cache/, nor hold the site; inside the site it must be one that
git ignores. A site that is not a git repository gives no such word: then no folder inside it
is taken, since the whole site folder is what staff copy, zip, sync to a shared drive or later
put under git. Beside the statements goes a notice saying what the folder holds, and a
.gitignore that keeps git away from it wherever it is.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

from ..messages import say
from ..problems import UsageError
from .write import MARKER

# The site's folders that no private statement may be written in.
SITE_FOLDERS = ("output", "content", "themes", ".volsite-cache")
# The file that says what the folder holds, named in the site's language.
NOTICE_NAMES = {"zh-CN": "隐私提示.txt", "en": "PRIVATE.txt"}
GITIGNORE = ".gitignore"
GITIGNORE_TEXT = b"# Private statements of service (volsite statements): never commit them.\n*\n"


def refuse_unsafe_folder(site_root: Path, out: Path, names: tuple[str, ...] = ()) -> None:
    """Raise UsageError (exit 2) unless `out` is a folder where private statements may go.
    `names` are the files about to be written in it (relative to it), checked against git."""
    site = site_root.resolve()
    target = out.resolve()
    if target.exists() and not target.is_dir():
        raise UsageError(
            say(
                "V721",
                "{folder} is a file, not a folder: give a folder for the statements with --out, such as --out ../证明",
                folder=out,
            )
        )
    for name in SITE_FOLDERS:
        folder = site / name
        if target == folder or folder in target.parents:
            raise UsageError(
                say(
                    "V722",
                    "{folder} is inside the site's {name}/, and the statements hold private data (ID numbers): "
                    "write them in a folder outside the site, such as --out ../证明",
                    folder=out,
                    name=name,
                )
            )
    if target == site or target in site.parents:
        raise UsageError(
            say(
                "V723",
                "{folder} holds the site itself: give a folder of its own for the statements, outside the site, "
                "such as --out ../证明",
                folder=out,
            )
        )
    built = next((folder for folder in (target, *target.parents) if (folder / MARKER).is_file()), None)
    if built is not None:
        raise UsageError(
            say(
                "V724",
                "{folder} is inside {built}, a folder that volsite build writes the published site in: write the "
                "statements in a folder that is never published, such as --out ../证明",
                folder=out,
                built=built,
            )
        )
    if site in target.parents:
        _refuse_unless_git_ignores(site, target, out, names)


def _refuse_unless_git_ignores(site: Path, target: Path, out: Path, names: tuple[str, ...]) -> None:
    top = _git_top(site)
    if top is None and any((folder / ".git").exists() for folder in (site, *site.parents)):
        top = site  # a repository git cannot be asked about (git not installed): told below
    if top is None:
        raise UsageError(
            say(
                "V725",
                "{folder} is inside the site, which is not a git repository, so nothing keeps the statements "
                "(private data) out of what is copied, shared or committed with it: write them in a folder "
                "outside the site, such as --out ../证明",
                folder=out,
            )
        )
    rel = target.relative_to(top).as_posix()
    paths = [rel + "/", *(f"{rel}/{name}" for name in names)]
    try:
        found = subprocess.run(
            ["git", "-C", str(top), "check-ignore", "-z", "--stdin"],  # -z: names as they are, not quoted
            input="\0".join(paths) + "\0",
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
    except OSError:
        found = None
    if found is None or found.returncode not in (0, 1):
        raise UsageError(
            say(
                "V726",
                "cannot ask git whether it ignores {folder}: write the statements in a folder outside the site, "
                "such as --out ../证明",
                folder=out,
            )
        )
    ignored = set(found.stdout.split("\0"))
    if not all(path in ignored for path in paths):
        raise UsageError(
            say(
                "V727",
                "{folder} is inside the site and git would commit what is written there (private data): add the "
                "line /{rel}/ to the site's .gitignore, or write the statements in a folder outside the site, "
                "such as --out ../证明",
                folder=out,
                rel=target.relative_to(site).as_posix(),
            )
        )


def _git_top(site: Path) -> Path | None:
    """The top folder of the git work tree the site is in; None when it is in none (or git
    cannot be run: not installed, as on many Windows machines)."""
    try:
        found = subprocess.run(
            ["git", "-C", str(site), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
    except OSError:
        return None
    if found.returncode != 0 or not found.stdout.strip():
        return None
    return Path(found.stdout.strip()).resolve()


def write_statements(out: Path, files: Mapping[str, bytes], done: Callable[[str], None] | None = None) -> list[str]:
    """Write each file into `out` (made if need be), each whole or not at all (written beside
    it, then put in its place), the .gitignore first; the names written, in order."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in [GITIGNORE, *sorted(name for name in files if name != GITIGNORE)]:
        data = files.get(name, GITIGNORE_TEXT if name == GITIGNORE else b"")
        path = out / name
        part = out / f".{name}.part"
        part.write_bytes(data)
        os.replace(part, path)
        written.append(name)
        if done is not None:
            done(name)
    return written
