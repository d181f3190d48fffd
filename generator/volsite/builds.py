"""The three ways the pipeline is run: `build` (a whole new output/, swapped in at the end),
`rebuild` (the preview server: only what changed) and `check` (nothing written). Each
chooses its seams: a build shares work out on every core and keeps converted Markdown on
disk; a preview session keeps everything in memory and never forks (its server threads
would be copied mid-work); check needs neither.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .messages import say, words
from .output.checks import declared_public, image_findings, orphan_warnings, privacy_findings, privacy_findings_in
from .output.search import (
    PART_PREFIX,
    SEARCH_FOLDER,
    SearchError,
    index_folder,
    is_marked,
    page_digest,
    searchable_pages,
)
from .output.write import (
    Staging,
    check_output_dir,
    match_umask,
    publish,
    read_umask,
    real_output,
    remove_folder,
    site_lock,
    sync_tree,
)
from .pipeline import Progress, Site, clock_reading, find_site, load_site, render_site
from .problems import ContentError, Problem, UsageError, as_warnings, did_you_mean
from .seams import Store
from .speed.memory import collector_paused, in_a_process_of_its_own
from .speed.record import BuildRecord
from .speed.session import SessionStore
from .speed.store import BuildStore
from .speed.workers import ForkedWorkers


@dataclass(frozen=True)
class BuildResult:
    pages: int
    files: int
    seconds: float
    warnings: list[Problem]
    changed: tuple[str, ...] = ()  # rebuild only: files written or removed
    search: bool = True  # whether the site has a search index (site.yaml search)
    unchanged: bool = False  # build only: nothing had changed, so nothing was done
    images_later: int = 0  # rebuild only: new photos made only at their widest, for now


def build(
    site_root: Path,
    output: Path | None = None,
    drafts: bool = False,
    base_url: str | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """A whole new site in output/, swapped in at the end; the old one stays on any failure.
    Nothing is done if nothing it reads has changed since the last build."""
    started = time.perf_counter()
    tell = progress or (lambda message: None)
    output = output if output is not None else site_root / "output"
    check_output_dir(site_root, output)
    output = real_output(output)  # a link (a deploy's web root elsewhere) stays: its target is replaced
    find_site(site_root)
    moment = clock_reading()  # what today is: read once, for the record and the pipeline alike
    umask = read_umask()  # before any thread or child is started
    with site_lock(site_root, tell=tell), _frozen_until_done():
        record = BuildRecord(site_root, output, {"drafts": drafts, "base_url": base_url}, moment)
        if (last := record.unchanged()) is not None:
            return BuildResult(last.pages, last.files, time.perf_counter() - started, last.warnings, unchanged=True)

        def stage(progress: Progress | None, tell: Progress) -> Staged:
            return _stage(site_root, output, drafts, base_url, umask, progress, tell, record.known_files, moment)

        # Pagefind runs next: what loading and rendering leave in memory goes with their process.
        staged = in_a_process_of_its_own(stage, progress, tell) if record.search else stage(progress, tell)
        try:
            if staged.searchable is not None:
                tell(words("indexing for search"))
                search_store = BuildStore(site_root)
                made = _index(staged.folder, staged.searchable, search_store, staged.page_digests)
                search_store.finish_search_parts()
                if made == 0:
                    tell(words("search index unchanged: every part was kept"))
                index = staged.folder / SEARCH_FOLDER
                match_umask([index, *index.glob(f"{PART_PREFIX}*")], umask)  # parts kept from earlier builds
            record.forget()  # output/ is about to change
            publish(staged.folder, output, umask)
        except BaseException:
            remove_folder(staged.folder)
            raise
        record.save(staged.reads, staged.written, staged.pages, staged.files, staged.warnings, staged.alike)
        return BuildResult(staged.pages, staged.files, time.perf_counter() - started, staged.warnings)


def _index(folder: Path, pages: list[str], store: Store | None = None, digests: dict[str, bytes] | None = None) -> int:
    """folder/pagefind/ for the searchable `pages`, its parts taken from `store` where their
    pages are as they were (by `digests`); how many parts Pagefind made."""
    try:
        return index_folder(folder, pages=pages, store=store, page_digests=digests)
    except SearchError as exc:
        raise ContentError([Problem("site.yaml", None, exc.said)]) from exc


@dataclass(frozen=True)
class Written:
    """What a build keeps of a file it wrote to the new folder as soon as it was rendered."""

    size_and_time: tuple[int, int]  # of the file written (st_size, st_mtime_ns)
    searchable: bool  # search.is_marked (False in a site without search)
    digest: bytes  # record.page_digest of its bytes if searchable, else b""
    findings: tuple[Problem, ...]  # what looked like private data in it


@dataclass(frozen=True)
class Staged:
    """A new site written beside output/, and what is left to do with it."""

    folder: Path
    pages: int
    files: int
    warnings: list[Problem]
    searchable: list[str] | None  # the pages to index for search; None if the site has no search
    page_digests: dict[str, bytes]  # of the searchable pages, by path
    written: dict[str, tuple[int, int]]  # size and time of each file written
    reads: dict[str, tuple]  # what was read of each content file (BuildStore.reads)
    alike: tuple = (None, None)  # the days whose site this is (Site.alike)


def _stage(
    site_root: Path,
    output: Path,
    drafts: bool,
    base_url: str | None,
    umask: int,
    progress: Progress | None,
    tell: Progress,
    known_files: dict[str, list] | None = None,
    moment: int | None = None,
) -> Staged:
    """Load, render and write the new site beside output/, for the day of `moment`; `known_files`
    are the last build's (BuildRecord.known_files): a photo unchanged since is not read to be
    found in the store."""
    workers, store = ForkedWorkers(), BuildStore(site_root, known_files)
    tell(words("loading and checking content"))
    # Loading and rendering make next to no cycles, and the collector's walks of everything
    # loaded cost a fifth of loading a city (and copy memory in forked renderers): paused
    # while loading; what was loaded is then set aside (gc.freeze) for the rest of the build.
    with collector_paused():
        site = load_site(site_root, drafts, base_url, workers, store, moment)
        gc.freeze()
    tell(
        words(
            "rendering {count} pages, writing each to a new folder beside {output}",
            count=len(site.routes),
            output=output,
        )
    )
    staging = Staging(output, umask)
    try:
        rendered = render_site(site, workers, store, _writer(staging, site), progress)
        store.finish_markdown()
        tell(words("copying {count} static and media files", count=len(rendered.copies)))
        copied = {rel: staging.copy(rel, source) for rel, source in sorted(rendered.copies.items())}
        for rel, image in sorted(rendered.images.items()):
            copied[rel] = staging.copy(rel, image) if isinstance(image, Path) else staging.put(rel, image)
        store.finish_images()
        marker = staging.marker()
    except BaseException:
        remove_folder(staging.folder)
        raise
    pages: dict[str, Written] = rendered.pages  # type: ignore[assignment]
    findings = rendered.findings + [problem for rel in sorted(pages) for problem in pages[rel].findings]
    return Staged(
        staging.folder,
        sum(1 for name in pages if name.endswith(".html")),
        len(pages) + len(rendered.copies) + len(rendered.images),
        site.warnings + as_warnings(findings),
        searchable_pages({rel: w.searchable for rel, w in pages.items()}) if site.config.search else None,
        {rel: w.digest for rel, w in pages.items() if w.searchable},
        {**{rel: w.size_and_time for rel, w in pages.items()}, **copied, marker[0]: marker[1]},
        store.reads,
        site.alike,
    )


@contextmanager
def _frozen_until_done() -> Iterator[None]:
    """What _stage set aside (gc.freeze) is the collector's again once the build's last work
    is done: the first full collection after it walks all of it, which a build need not wait for."""
    try:
        yield
    finally:
        gc.unfreeze()


def _writer(staging: Staging, site: Site) -> Callable[[str, bytes], Written]:
    """Each page written as soon as it is rendered, by the process that rendered it, so that a
    big site's pages are never all held at once; what the build needs of it is sent back."""
    allowed, search = declared_public(site.model), site.config.search

    def write(rel: str, data: bytes) -> Written:
        size_and_time = staging.put(rel, data)
        searchable = search and is_marked(data)  # (only a search index needs the marks and digests)
        digest = page_digest(data) if searchable else b""
        return Written(size_and_time, searchable, digest, tuple(privacy_findings_in(rel, data, allowed)))

    return write


def rebuild(
    site_root: Path,
    output: Path,
    store: SessionStore,
    drafts: bool = False,
    base_url: str | None = None,
    transform: Callable[[str, bytes], bytes] | None = None,
    search: bool = True,
    keep: tuple[str, ...] = (),
    images_later: bool = False,
) -> BuildResult:
    """Bring output/ up to date with the content, doing only the work the changes need, with
    what the session's `store` kept from its earlier builds.

    `transform` may alter each file before it is written (the preview server adds its script).
    Paths starting with a prefix in `keep` are someone else's and left alone. With
    search=False the search index is left to the caller (the preview server updates it
    after the browser has reloaded). With images_later, a new photo is made only at its widest
    for now (BuildResult.images_later counts them): a rebuild without it makes them whole.
    """
    started = time.perf_counter()
    store.begin(repr((drafts, base_url, _settings(site_root))))
    site = load_site(site_root, drafts, base_url, store=store, moment=clock_reading())
    rendered = render_site(site, store=store, images_later=images_later)
    files: dict[str, bytes] = rendered.pages  # type: ignore[assignment]
    findings = rendered.findings + privacy_findings(files, declared_public(site.model), store=store)
    if transform is not None:
        files = {rel: transform(rel, data) for rel, data in files.items()}
    indexed = (SEARCH_FOLDER + "/",) if site.config.search else ()
    images = rendered.images
    copies = {**rendered.copies, **{rel: image for rel, image in images.items() if isinstance(image, Path)}}
    files = {**files, **{rel: image for rel, image in images.items() if isinstance(image, bytes)}}
    changed = sync_tree(output, files, copies, keep=keep + indexed)
    if (
        search
        and site.config.search
        and (any(rel.endswith(".html") for rel in changed) or not (output / SEARCH_FOLDER).is_dir())
    ):
        _index(output, searchable_pages({rel: is_marked(data) for rel, data in files.items()}))
    return BuildResult(
        sum(1 for name in files if name.endswith(".html")),
        len(files) + len(copies),
        time.perf_counter() - started,
        site.warnings + as_warnings(findings),
        tuple(changed),
        site.config.search,
        images_later=rendered.images_later,
    )


def _settings(site_root: Path) -> bytes:
    try:
        return (site_root / "site.yaml").read_bytes()
    except OSError:
        return b""


def check_site(site_root: Path, drafts: bool = False) -> list[Problem]:
    """Everything build checks, with nothing written, plus links, privacy and orphans."""
    site = load_site(site_root, drafts, moment=clock_reading())
    rendered = render_site(site)
    found = site.warnings + rendered.findings + privacy_findings(rendered.pages, declared_public(site.model))  # type: ignore[arg-type]
    found += image_findings(rendered.images)
    return sorted(found + orphan_warnings(site.model), key=lambda p: (p.path, p.line or 0, p.message))


# ------------------------------------------------ volsite statements: private proofs for staff to print


@dataclass(frozen=True)
class StatementsResult:
    folder: Path
    written: tuple[str, ...]  # the files written in it
    statements: int  # volunteers with a statement
    skipped: int  # volunteers left out: no service in the years asked for
    pdf: bool  # PDFs were made beside the HTML
    notice: str  # the name of the notice file


def issue_date(timezone: str, environ: Mapping[str, str], now: dt.datetime | None = None) -> dt.date:
    """Today, as a statement is dated: the day of SOURCE_DATE_EPOCH when it is set (a test, a
    reproducible run), else the day it is now, both in the site's time zone (Asia/Shanghai
    unless site.yaml names another)."""
    zone = _zone(timezone)
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), zone).date()
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(zone).date()


def _zone(name: str) -> dt.tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # noqa: BLE001 - no time zone data (Windows without tzdata): China's own time
        return dt.timezone(dt.timedelta(hours=8))


def issue_statements(
    site_root: Path,
    out: Path,
    ids: tuple[str, ...] = (),
    year: int | None = None,
    pdf: bool = True,
    environ: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> StatementsResult:
    """One private 志愿服务记录证明 per volunteer (those named by `ids`, else everyone with service
    in the years asked for) in `out`, as HTML and, where WeasyPrint can be loaded, PDF; an
    index, a notice of what the folder holds, and a .gitignore. Refuses (UsageError) a folder
    where private data could be published or committed; writes nothing anywhere else, and
    keeps nothing of what it read."""
    from .kinds.identities import Identity, private_identities
    from .output.statements import NOTICE_NAMES, refuse_unsafe_folder, write_statements
    from .render.contexts import ProofEntry
    from .render.proofs import Proofs, pdf_maker

    tell = progress or (lambda message: None)
    environ = os.environ if environ is None else environ
    find_site(site_root)
    refuse_unsafe_folder(site_root, out)
    moment = clock_reading(environ)  # upcoming activities count in no proof, as on the site
    site = load_site(site_root, moment=moment)
    people = site.model.people
    unknown = [vid for vid in ids if vid not in people]
    if unknown:
        raise UsageError(
            say(
                "V728",
                "there is no volunteer '{id}' in content/volunteers/{hint}: give the id of the volunteer's record "
                "(its 编号), or no id for every volunteer",
                id=unknown[0],
                hint=did_you_mean(unknown[0], people),
            )
        )
    proofs = Proofs(site.root, site.model, site.figures, site.routes)
    served = {vid for vid in people if proofs.views.services_of(vid, year)}
    chosen = list(dict.fromkeys(ids)) if ids else sorted(served)
    if not chosen:
        raise UsageError(
            say("V729", "no volunteer has any service in {year}: nothing was written", year=year)
            if year is not None
            else say("V730", "no volunteer has any service recorded yet: nothing was written")
        )
    language = site.config.language
    notice = NOTICE_NAMES.get(language, NOTICE_NAMES["en"])
    stems = {vid: vid if year is None else f"{vid}-{year}" for vid in chosen}
    make_pdf = pdf_maker() if pdf else None
    names = ["index.html", notice, *(f"{stems[vid]}.html" for vid in chosen)]
    names += [f"{stems[vid]}.pdf" for vid in chosen] if make_pdf else []
    refuse_unsafe_folder(site_root, out, tuple(names))
    identities = private_identities(site_root)
    issued = issue_date(getattr(site.config, "timezone", "Asia/Shanghai"), environ)
    files: dict[str, bytes] = {}
    entries = []
    for vid in chosen:
        identity = identities.get(vid) or Identity(vid, people[vid].name, "", "", "")
        tell(words("statement of {name} ({id})", name=identity.name, id=vid))
        page, html = proofs.proof(identity, year, issued)
        files[f"{stems[vid]}.html"] = html.encode("utf-8")
        if make_pdf is not None:
            files[f"{stems[vid]}.pdf"] = make_pdf(html)
        entries.append(
            ProofEntry(
                identity.name,
                f"{stems[vid]}.html",
                f"{stems[vid]}.pdf" if make_pdf else None,
                page.hours,
                page.verification.number,
            )
        )
    files["index.html"] = proofs.index(tuple(entries), year, issued).encode("utf-8")
    files[notice] = (
        words(
            "This folder holds statements of volunteer service (志愿服务记录证明) that volsite statements made on "
            "{date} from the records of {site}. They give each volunteer's ID number and other private data: "
            "print, sign and stamp them, and hand each to its volunteer. Do not publish them, put them in the "
            "site's folder or in git, or forward them in a chat; delete them when they have been handed over.",
            date=issued.isoformat(),
            site=site.config.title,
        ).words(language)
        + "\n"
    ).encode("utf-8")
    written = write_statements(out, files)
    skipped = 0 if ids else len(people) - len(chosen)
    return StatementsResult(out, tuple(written), len(chosen), skipped, make_pdf is not None, notice)
