"""Every image a site publishes, made fit to publish on `workers`, kept in the `store` by its
bytes and the settings (a build with unchanged photos processes none), with what pages need to
show each (ImageSet) and the files to write.

A raster image under content/media is never copied: what is published at its own path is its
re-encoded copy at the largest width (so that every link to it still works), beside the other
widths (`name.480w.webp`, `name.480w.jpg`); a portrait's square crops are `name.sq160w.webp`
and so on. An iPhone's `name.heic` is published as `name.jpg`. An SVG is copied as it is
only when it can do nothing but draw (images.svg).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ..digests import hex_digest, text_digest
from ..messages import Message, say, words
from ..problems import NOTHING, Problems
from ..read.files import MB, Limit, read_bytes
from ..seams import NoStore, OneProcess, Store, Workers
from .made import MAX_BYTES, RASTER_SUFFIXES, ImageError, Processed, too_large
from .svg import svg_problem

SHELF = "images"
# A shelf of what a store may know of a file without reading it: the hash of its bytes, by its
# path in the site, while it is as it was (a warm build need not read 600 MB of photos).
FILE_HASHES = "file hashes"
# Re-encoding costs about 0.3 us a byte of a phone's JPEG (1 s for a 3 MB 12-megapixel photo,
# at three widths in two formats).
PROCESS_COST_A_BYTE = 0.3
IMAGE_LIMIT = Limit(MAX_BYTES, "an image", "export it again at a smaller size")
SVG_LIMIT = Limit(5 * MB, "a drawing", "simplify it, or save it as a PNG")
_FORMAT_OF_SUFFIX = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".gif": "gif", ".webp": "webp"}


@dataclass(frozen=True)
class Variant:
    path: str  # its output path, media/...
    width: int
    height: int
    format: str  # webp, jpeg, png or gif


@dataclass(frozen=True)
class ImageSet:
    """One source image as published: its variants, widest last within each format."""

    source: str  # media/... as staff name it
    width: int  # of the widest variant
    height: int
    variants: tuple[Variant, ...]

    @property
    def src(self) -> str:
        """The widest variant in a format every browser shows: what <img src> and feeds name."""
        return next(v.path for v in reversed(self.variants) if v.format != "webp")

    def of_format(self, form: str) -> tuple[Variant, ...]:
        return tuple(v for v in self.variants if v.format == form)


@dataclass(frozen=True)
class Images:
    sets: dict[tuple[str, bool], ImageSet]  # by (source, square)
    files: dict[str, bytes | Path]  # output path → the bytes, or a file the store keeps
    processed: frozenset[str]  # the sources made into sets: not copied
    refused: frozenset[str]  # sources that may not be published (reported as problems)
    later: int = 0  # images made only at their widest, in one format, to be made whole later


def is_raster(rel: str) -> bool:
    return rel.lower().endswith(RASTER_SUFFIXES)


def process_images(
    site_root: Path,
    media: frozenset[str],
    squares: frozenset[str],
    widths: tuple[int, ...],
    square_widths: tuple[int, ...],
    quality: int,
    problems: Problems,
    users: Mapping[str, Message] | None = None,
    workers: Workers | None = None,
    store: Store | None = None,
    later: bool = False,
) -> Images:
    """The sets and files of every raster image in `media` (paths media/...), and square ones of
    those in `squares` too; each SVG checked. `users` says, by source, what uses it (for the
    problems: "story 'clinic'"). With `later` (a preview, showing a new photo at once), an image the store does
    not hold is made only at its widest, as JPEG or PNG, and not kept: Images.later counts them."""
    workers, store, users = workers or OneProcess(), store or NoStore(), users or {}
    jobs = [(rel, False) for rel in sorted(media) if is_raster(rel)]
    jobs += [(rel, True) for rel in sorted(squares & media) if is_raster(rel)]
    sizes = {rel: _size(site_root / "content" / rel) for rel, _ in jobs}

    def run(batch: list[tuple[str, bool]]) -> list[tuple[Processed | Message | None, str | None, bool]]:
        return [
            _processed(site_root, rel, square, square_widths if square else widths, quality, store, later)
            for rel, square in batch
        ]

    made = workers.map(run, jobs, cost=lambda job: sizes[job[0]] * PROCESS_COST_A_BYTE)
    sets: dict[tuple[str, bool], ImageSet] = {}
    files: dict[str, bytes | Path] = {}
    refused: set[str] = set()
    quick = 0
    for (rel, square), (result, key, fresh) in zip(jobs, made):
        if isinstance(result, Message) or result is None:
            if rel not in refused:  # (a portrait's square crops fail as the photo does: said once)
                problems.error(f"content/{rel}", None, _used_by(result or _UNREAD, users.get(rel)))
            refused.add(rel)
            continue
        if fresh and key is None:
            quick += 1  # (made for now only: not kept)
        elif key is not None and store.keeps(SHELF):
            if fresh:
                store.put(SHELF, {key: result})
            # Asked here, whichever process made or found it: the store keeps what this process
            # asked for, and a store that keeps files gives their paths.
            kept = store.get(SHELF, key)
            result = kept if kept is not None else result
        sets[(rel, square)] = _set_of(rel, square, result, files)
    for rel in sorted(media):
        if rel.lower().endswith(".svg"):
            data = read_bytes(site_root, f"content/{rel}", problems, SVG_LIMIT)
            why = svg_problem(data) if data is not None else _UNREAD
            if why is not None:
                refused.add(rel)
                if data is not None:
                    problems.error(f"content/{rel}", None, _used_by(why, users.get(rel)))
    _check_names(sets, media, problems)
    return Images(sets, files, frozenset(rel for rel, _ in sets), frozenset(refused), quick)


def _processed(
    site_root: Path, rel: str, square: bool, wanted: tuple[int, ...], quality: int, store: Store, later: bool
) -> tuple[Processed | Message | None, str | None, bool]:
    """(what the image made, its key in the store or None if it is not to be kept, whether it
    was made now), or (why it cannot be published, None, False)."""
    from .process import PROCESS_VERSION, process  # (Pillow: loaded only by a site with photos)

    lossless = rel.lower().endswith((".png", ".gif"))

    def key_of(file_hash: str) -> str:
        return text_digest(f"{file_hash} {wanted} {square} {lossless} {quality} {PROCESS_VERSION}")

    known = store.get(FILE_HASHES, f"content/{rel}")
    if known is not None and (kept := store.get(SHELF, key_of(known))) is not None:
        return kept, key_of(known), False
    size = _size(site_root / "content" / rel)
    if size > MAX_BYTES:  # (said here, where what uses it is said too, before read_bytes would refuse it)
        return too_large(size), None, False
    found = Problems()
    data = read_bytes(site_root, f"content/{rel}", found, IMAGE_LIMIT)
    if data is None:
        return next((p.said for p in found), None), None, False
    key = key_of(hex_digest(data))
    kept = store.get(SHELF, key)
    if kept is not None:
        return kept, key, False
    try:
        if later:
            return process(data, wanted[-1:], square, lossless, quality, modern=False), None, True
        return process(data, wanted, square=square, lossless=lossless, quality=quality), key, True
    except ImageError as exc:
        return exc.said, None, False


def _set_of(rel: str, square: bool, made: Processed, files: dict[str, bytes | Path]) -> ImageSet:
    stem, _, suffix = rel.rpartition(".")
    own = _FORMAT_OF_SUFFIX.get("." + suffix.lower())
    widest = max(v.width for v in made.variants)
    variants = []
    for variant in made.variants:
        extension = "jpg" if variant.format == "jpeg" else variant.format
        if not square and variant.width == widest and variant.format == own:
            path = rel  # the original's own path: every link to it still works
        elif not square and variant.width == widest and own is None and variant.format == "jpeg":
            path = f"{stem}.jpg"  # a HEIC photo, for browsers
        else:
            path = f"{stem}.{'sq' if square else ''}{variant.width}w.{extension}"
        files[path] = variant.path if variant.path is not None else variant.data
        variants.append(Variant(path, variant.width, variant.height, variant.format))
    return ImageSet(rel, made.width, made.height, tuple(variants))


def _check_names(sets: dict[tuple[str, bool], ImageSet], media: frozenset[str], problems: Problems) -> None:
    """No published file made from one image may take the path of another file."""
    made_by: dict[str, str] = {}
    for (rel, _square), image_set in sorted(sets.items()):
        for variant in image_set.variants:
            other = made_by.setdefault(variant.path, rel)
            taken = variant.path != rel and variant.path in media
            if other != rel or taken:
                problems.error(
                    f"content/{rel}",
                    None,
                    say(
                        "V412",
                        "would be published as {output}, which is the name of content/{other} too: rename one of "
                        "them (and change what names it)",
                        output=variant.path,
                        other=other if other != rel else variant.path,
                    ),
                )


_UNREAD = say(
    "V413",
    "cannot be read{used_by}: check that the file is there and opens, or copy it again",
    used_by=NOTHING,
)


def _used_by(reason: Message, user: Message | None) -> Message:
    """The reason, saying what uses the image (" (used by story 'clinic')") where its text has a
    {used_by} blank for it."""
    if user is None or not any(name == "used_by" for name, _ in reason.params):
        return reason
    used_by = words(" (used by {user})", user=user)
    params = tuple((name, used_by if name == "used_by" else value) for name, value in reason.params)
    return replace(reason, params=params)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
