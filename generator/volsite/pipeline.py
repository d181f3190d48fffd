"""The pipeline: load → check → model → figures → routes → markup → render → write.

`build` writes a whole new output folder and swaps it in. `rebuild` is for the
preview server: given the same BuildCache across calls, it parses again only
changed files, converts only new Markdown, renders only pages whose inputs
changed and writes only files whose bytes changed. Both give the same bytes.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .config import CONFIG_FILE, SiteConfig, load_config
from .kinds.content import load_content
from .model.figures import Figures, compute
from .model.resolve import Model, build_model, media_path
from .model.routes import Route, plan
from .output.checks import link_findings, orphan_warnings, privacy_findings, privacy_findings_in
from .output.search import PART_PREFIX, SEARCH_FOLDER, SearchError, index_folder, is_marked, searchable_pages
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
from .problems import ContentError, Problem, Problems, UsageError, as_warnings
from .read.files import FileRead, image_sizes
from .render.markdown import MarkdownCache, convert_texts
from .render.pages import Renderer
from .render.site import document_texts, published_media, record_texts, render_pages
from .render.theme import static_files, templates_digest, theme_link_problems
from .slugs import load_dictionary
from .speed.memory import collector_paused, in_a_process_of_its_own
from .speed.session import BuildCache
from .speed.store import (
    CACHE_FOLDER,
    SearchParts,
    finish_markdown,
    inputs_digest,
    kept_search_parts,
    load_build_record,
    load_markdown,
    output_manifest,
    page_digest,
    save_build_record,
    scan_inputs,
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Site:
    """A loaded, checked site: everything needed to render it."""

    root: Path
    config: SiteConfig
    model: Model
    figures: Figures
    routes: list[Route]
    warnings: list[Problem]
    reads: dict[str, FileRead] = field(default_factory=dict)  # what loading read of each content file, if noted


@dataclass(frozen=True)
class BuildResult:
    pages: int
    files: int
    seconds: float
    warnings: list[Problem]
    changed: tuple[str, ...] = ()  # rebuild only: files written or removed
    search: bool = True  # whether the site has a search index (site.yaml search)
    unchanged: bool = False  # build only: nothing had changed, so nothing was done


def find_site(site_root: Path) -> Path:
    if not site_root.is_dir():
        raise UsageError(f"{site_root} is not a folder")
    if not (site_root / CONFIG_FILE).is_file() and not (site_root / "content").is_dir():
        raise UsageError(f"{site_root} is not a volsite site: it has neither {CONFIG_FILE} nor content/")
    return site_root


def load_site(
    site_root: Path,
    drafts: bool = False,
    base_url: str | None = None,
    cache: BuildCache | None = None,
    note_reads: bool = False,
) -> Site:
    """Load and check everything; raise ContentError with every problem found. With
    note_reads, Site.reads holds what was read of each content file (for the inputs digest)."""
    find_site(site_root)
    problems = Problems()
    config = load_config(site_root, problems, drafts=drafts or None, base_url=base_url)
    if config.theme != "default" and not (site_root / "themes" / config.theme).is_dir():
        problems.error(CONFIG_FILE, None, f"theme '{config.theme}' is not a folder under themes/")
    theme_link_problems(site_root, config.theme, problems)
    if not config.site_origin:
        problems.warning(
            CONFIG_FILE,
            None,
            f"base_url '{config.base_url}' has no host (like https://example.org/): "
            "the feed, sitemap and sharing links need one",
        )
    if cache is not None:
        cache.for_config(config, templates_digest(site_root, config.theme))
    # A serve session (cache) never forks: its server threads would be copied mid-work.
    # While forked processes parse the files, this one loads what planning needs next.
    content = load_content(
        site_root,
        config,
        problems,
        cache.parsed if cache else None,
        workers=1 if cache else os.cpu_count() or 1,
        meanwhile=load_dictionary,
        note_reads=note_reads,
    )
    model = build_model(content, config, problems)
    routes = plan(model, problems)
    if problems.errors:
        raise ContentError(problems.sorted())
    return Site(site_root, config, model, compute(model), routes, problems.sorted(), content.reads)


@dataclass(frozen=True)
class Rendered:
    files: dict[str, bytes]  # every generated file, in memory (none if they were written as rendered)
    copies: dict[str, Path]  # static and media files to copy, by output path
    findings: list[Problem]  # links that lead nowhere, and what looks like private data
    written: dict[str, Written] = field(default_factory=dict)  # files written as rendered


@dataclass(frozen=True)
class Written:
    """What a build keeps of a file it wrote to the new folder as soon as it was rendered."""

    digest: bytes  # diskcache.page_digest of its bytes if searchable, else b"" (kept index parts)
    searchable: bool  # search.is_marked (False in a site without search)
    findings: tuple[Problem, ...]  # what looked like private data in it
    size_and_time: tuple[int, int]  # of the file written (st_size, st_mtime_ns)


def render_site(
    site: Site,
    cache: BuildCache | None = None,
    progress: Progress | None = None,
    markdown: tuple[MarkdownCache, MarkdownCache] | None = None,
    staging: Staging | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Rendered:
    """Every output file, the static files to copy, and what the checks found in them.

    The files are kept in memory, or with `staging` written there by whichever process
    rendered them, so that a big site's pages are never all held at once. `meanwhile`
    is done once the Markdown is converted, while forked processes start rendering.
    """
    model = site.model
    if progress:
        progress("converting Markdown")
    workers = 1 if cache else os.cpu_count() or 1  # a serve session never forks (load_site)
    documents, records = (cache.markdown, cache.record_markdown) if cache else markdown or (None, None)
    html = convert_texts(
        document_texts(model), site.config.base_path, documents, unsafe_html=site.config.unsafe_html, workers=workers
    )
    record_html = convert_texts(record_texts(model), site.config.base_path, records, unsafe_html=False, workers=workers)
    covers = {media_path(s.cover)[0] for s in model.stories.values() if s.cover}
    renderer = Renderer(
        site.root,
        model,
        site.figures,
        html,
        site.routes,
        cache.pages if cache else None,
        record_html,
        image_sizes(site.root, covers - {None}),
    )
    problems = Problems()
    # A serve session renders again only pages whose inputs changed (cache.pages): one
    # process. A build renders everything: every core.
    keep = _writer(staging, site.config.privacy_allow, site.config.search) if staging is not None else None
    kept = render_pages(renderer, site.routes, problems, progress, workers, keep, meanwhile)
    copies = static_files(site.root, site.config.theme, published_media(model, html, record_html))
    for rel in sorted(set(kept) & set(copies)):
        problems.error("themes/", None, f"the static file {rel} would overwrite a page of the site")
    if problems.errors:
        raise ContentError(problems.sorted())
    findings = link_findings(model, html, frozenset(r.url for r in site.routes), frozenset(copies))
    if staging is None:
        findings += privacy_findings(kept, site.config.privacy_allow, scans=cache.privacy if cache else None)
        return Rendered(kept, copies, findings)
    findings += [problem for rel in sorted(kept) for problem in kept[rel].findings]
    return Rendered({}, copies, findings, kept)


def _writer(staging: Staging, allowed: tuple[str, ...], search: bool) -> Callable[[str, bytes], Written]:
    def write(rel: str, data: bytes) -> Written:
        size_and_time = staging.put(rel, data)
        # Only a search index needs the marks, and the digests of the pages it reads.
        searchable = search and is_marked(data)
        return Written(
            page_digest(data) if searchable else b"",
            searchable,
            tuple(privacy_findings_in(rel, data, allowed)),
            size_and_time,
        )

    return write


def build(
    site_root: Path,
    output: Path | None = None,
    drafts: bool = False,
    base_url: str | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """A whole new site in output/, swapped in at the end; the old one stays on any failure."""
    started = time.perf_counter()
    say = progress or (lambda message: None)
    output = output if output is not None else site_root / "output"
    check_output_dir(site_root, output)
    # A link (a deploy's web root elsewhere) stays as it is: its target is replaced.
    output = real_output(output)
    find_site(site_root)
    umask = read_umask()  # before any thread or child is started
    with site_lock(site_root, say=say):
        try:
            return _build_locked(site_root, output, drafts, base_url, progress, say, started, umask)
        finally:
            # What _stage set aside is the collector's again once the build's last work
            # is done: the first full collection after it walks all of it (70 ms at
            # 5,000 stories), which a build need not wait for.
            gc.unfreeze()


def _build_locked(
    site_root: Path,
    output: Path,
    drafts: bool,
    base_url: str | None,
    progress: Progress | None,
    say: Progress,
    started: float,
    umask: int,
) -> BuildResult:
    record = load_build_record(site_root)
    searching = load_config(site_root, Problems(), drafts=drafts or None, base_url=base_url).search
    options = {"drafts": drafts, "base_url": base_url}
    scan = None
    if record is None:
        # Nothing to compare with: the files loading parses are hashed as it reads them.
        scan = scan_inputs(site_root, output, options, None, searching, hash_as_read=True)
    else:
        inputs, input_files = inputs_digest(site_root, output, options, record.get("input_files"), searching)
        if record.get("inputs") == inputs and output.is_dir() and record.get("manifest") == output_manifest(output):
            try:
                warnings = [Problem(**w) for w in record["warnings"]]
                return BuildResult(
                    record["pages"], record["files"], time.perf_counter() - started, warnings, unchanged=True
                )
            except (KeyError, TypeError):
                pass  # a record from an older volsite: build

    # Only Pagefind needs what loading and rendering leave in memory given back first;
    # without a search index, forking would only add a process.
    def stage(progress: Progress | None, say: Progress) -> Staged:
        return _stage(site_root, output, drafts, base_url, progress, say, scan is not None, umask)

    staged = in_a_process_of_its_own(stage, progress, say) if searching else stage(progress, say)
    if scan is not None:
        inputs, input_files = scan.digest({os.fspath(site_root / rel): read for rel, read in staged.reads.items()})
    try:
        if staged.searchable is not None:
            make_search_index(site_root, staged.folder, staged.searchable, staged.page_digests, say)
            index = staged.folder / SEARCH_FOLDER
            match_umask([index, *index.glob(f"{PART_PREFIX}*")], umask)  # parts kept from earlier builds
        save_build_record(site_root, None)  # output/ is about to change
        publish(staged.folder, output, umask)
    except BaseException:
        remove_folder(staged.folder)
        raise
    # What was written is known; only the search index's files are listed from disk.
    manifest = {
        **staged.manifest,
        **{f"{SEARCH_FOLDER}/{rel}": entry for rel, entry in output_manifest(output / SEARCH_FOLDER).items()},
    }
    save_build_record(
        site_root,
        {
            "inputs": inputs,
            "input_files": input_files,
            "manifest": dict(sorted(manifest.items())),
            "pages": staged.pages,
            "files": staged.files,
            "warnings": [w.as_json() for w in staged.warnings],
        },
    )
    return BuildResult(staged.pages, staged.files, time.perf_counter() - started, staged.warnings)


@dataclass(frozen=True)
class Staged:
    """A new site written beside output/, and what is left to do with it."""

    folder: Path
    pages: int
    files: int
    warnings: list[Problem]
    searchable: list[str] | None  # the pages to index for search; None if the site has no search
    page_digests: dict[str, bytes]  # of the searchable pages, by path (diskcache.page_digest)
    manifest: dict[str, list[int]]  # size and time of each file written so far (diskcache.output_manifest)
    reads: dict[str, FileRead]  # what loading read of each content file (Site.reads)


def _stage(
    site_root: Path,
    output: Path,
    drafts: bool,
    base_url: str | None,
    progress: Progress | None,
    say: Progress,
    note_reads: bool = False,
    umask: int | None = None,
) -> Staged:
    """Load, render and write the new site beside output/ (in a process of its own:
    in_a_process_of_its_own); with note_reads, Staged.reads holds what was read of each content file.
    Files get the modes a plain open gives under `umask` (read_umask, if None)."""
    say("loading and checking content")
    # Python's cycle collector walks every object again and again as their number
    # grows: a fifth of loading a city's site, a third of rendering an hours statement,
    # and in a forked renderer each walk copies the memory it touches. Loading and
    # rendering make next to no cycles: paused while loading; then what was loaded is
    # set aside (gc.freeze) before the collector runs again (its first walk would be of
    # all of it), and collections while rendering walk only what it made (see build).
    with collector_paused():
        site = load_site(site_root, drafts, base_url, note_reads=note_reads)
        gc.freeze()
    return _render_staged(site, site_root, output, progress, say, umask)


def _render_staged(
    site: Site, site_root: Path, output: Path, progress: Progress | None, say: Progress, umask: int | None = None
) -> Staged:
    say(f"rendering {len(site.routes)} pages, writing each to a new folder beside {output}")
    stored = (
        load_markdown(site_root, site.config.base_path, site.config.unsafe_html, "documents"),
        load_markdown(site_root, site.config.base_path, False, "records"),
    )
    staging = Staging(output, umask)
    try:
        # Converted Markdown is written for the next build as it is converted (a build
        # that then fails has it all the same); what is left to tidy is done while forked
        # processes render.
        rendered = render_site(
            site,
            progress=progress,
            markdown=(stored[0].cache, stored[1].cache),
            staging=staging,
            meanwhile=lambda: finish_markdown(site_root, *stored),
        )
        say(f"copying {len(rendered.copies)} static and media files")
        copied = {rel: staging.copy(rel, source) for rel, source in sorted(rendered.copies.items())}
    except BaseException:
        remove_folder(staging.folder)
        raise
    written = rendered.written
    marker, marker_size_and_time = staging.marker()
    manifest = {rel: list(w.size_and_time) for rel, w in written.items()}
    manifest.update((rel, list(size_and_time)) for rel, size_and_time in copied.items())
    manifest[marker] = list(marker_size_and_time)
    return Staged(
        staging.folder,
        sum(1 for name in written if name.endswith(".html")),
        len(written) + len(rendered.copies),
        site.warnings + as_warnings(rendered.findings),
        searchable_pages({rel: w.searchable for rel, w in written.items()}) if site.config.search else None,
        {rel: w.digest for rel, w in written.items() if w.searchable},
        manifest,
        site.reads,
    )


def make_search_index(
    site_root: Path, folder: Path, searchable: list[str], page_digests: dict[str, bytes], say: Progress
) -> None:
    """folder/pagefind/: Pagefind's index of the searchable pages, made again only for the
    parts whose pages changed (`page_digests`) since they were kept."""
    say("indexing for search")
    kept = SearchParts(kept_search_parts(site_root), page_digests)
    try:
        made = index_folder(folder, pages=searchable, kept=kept)
    except SearchError as exc:
        raise ContentError([Problem("site.yaml", None, f"search: {exc}")]) from exc
    kept.forget_others()
    if made == 0:
        say("search index unchanged: every part was kept")
    # Where earlier builds kept whole indexes beside the parts: as large as the parts, unused now.
    remove_folder(site_root / CACHE_FOLDER / "search")


def rebuild(
    site_root: Path,
    output: Path,
    cache: BuildCache,
    drafts: bool = False,
    base_url: str | None = None,
    transform: Callable[[str, bytes], bytes] | None = None,
    search: bool = True,
    keep: tuple[str, ...] = (),
) -> BuildResult:
    """Bring output/ up to date with the content, doing only the work the changes need.

    `transform` may alter each file before it is written (the preview server adds its script).
    Paths starting with a prefix in `keep` are someone else's and left alone.
    With search=False the search index is left to the caller (the preview server
    updates it after the browser has reloaded).
    """
    started = time.perf_counter()
    site = load_site(site_root, drafts, base_url, cache)
    rendered = render_site(site, cache)
    files, copies = rendered.files, rendered.copies
    if transform is not None:
        files = {rel: transform(rel, data) for rel, data in files.items()}
    changed = sync_tree(output, files, copies, keep=keep + ((SEARCH_FOLDER + "/",) if site.config.search else ()))
    if (
        search
        and site.config.search
        and (any(rel.endswith(".html") for rel in changed) or not (output / SEARCH_FOLDER).is_dir())
    ):
        try:
            index_folder(output, pages=searchable_pages({rel: is_marked(data) for rel, data in files.items()}))
        except SearchError as exc:
            raise ContentError([Problem("site.yaml", None, f"search: {exc}")]) from exc
    pages = sum(1 for name in files if name.endswith(".html"))
    return BuildResult(
        pages,
        len(files) + len(copies),
        time.perf_counter() - started,
        site.warnings + as_warnings(rendered.findings),
        tuple(changed),
        site.config.search,
    )


def check_site(site_root: Path, drafts: bool = False) -> list[Problem]:
    """Everything build checks, with nothing written, plus links, privacy and orphans."""
    site = load_site(site_root, drafts)
    rendered = render_site(site)
    return sorted(
        site.warnings + rendered.findings + orphan_warnings(site.model), key=lambda p: (p.path, p.line or 0, p.message)
    )
