#!/usr/bin/env python3
"""volsite beside Hugo, Eleventy and Pelican on the same corpus of Chinese stories.

    bash ../shared/bench-anchors/setup.sh          # once: Hugo, Pelican, Eleventy
    python3 bench/anchors.py [--sizes 1000 5000] [--runs 3] [--tools volsite,hugo,...]
                             [--out FILE.md] [--work DIR] [--timeout 900] [--rev HEAD]

For each size, ../shared/bench-anchors/make_corpus.py writes the corpus once (in
--work, default ~/.cache/volsite-bench/anchors) with the same site for Hugo,
Eleventy and Pelican; beside it go two volsite sites holding the same content/
(hard links): `volsite` (search on, as a real site would be) and
`volsite-nosearch` (search: false), so that the Pagefind share shows. The others
build no search index; `hugo+pagefind` is Hugo followed by the same Pagefind volsite
runs (`pagefind --site public`, as Pagefind's docs tell a Hugo site to add search),
the like-for-like anchor for volsite with its index.

Then, after one untimed warm-up build of each tool, every tool is run round
robin (volsite, volsite-nosearch, hugo, hugo+pagefind, eleventy, pelican, ...) --runs
times: a cold build each time, the old output (and any cache folder) moved aside
before the timing and deleted only after the last run of a size (deleting many files
right before a build slows its file creation on this disk). Right after
each cold volsite build, a second build to the same folder times the rebuild with
nothing changed. Measured: wall time, CPU (user + sys), peak memory (the larger of
the biggest process's maxrss and the sampled sum over the process tree, forked
processes by PSS: see measure.py), the HTML
pages written, and the CPU that anything else on the machine used meanwhile.

Prints a table of medians (min–max over the runs), volsite's ratios to each tool
and the targets of issue 5 as met or not met. The machine is noisy: compare the
ratios of one run, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import Result, count_files, count_html, git_version, machine, median, run, run_files, volsite_runner  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
ANCHORS_SRC = REPO.parent / "shared" / "bench-anchors"
ANCHORS_HOME = Path(os.environ.get("VOLSITE_ANCHORS_HOME", Path.home() / ".cache" / "volsite-anchors"))
TOOLS = ("volsite", "volsite-nosearch", "hugo", "hugo+pagefind", "eleventy", "pelican")
VOLSITE = ("volsite", "volsite-nosearch")
SITE_YAML = """title: 志愿者故事
base_url: https://example.org/
language: zh-CN
pagination: 20
search: {search}
"""


@dataclass
class Spec:
    cwd: Path
    cmd: list[str]
    clean: list[Path]  # moved aside before a cold build
    output: Path
    env: dict | None = None


def spec(tool: str, corpus: Path, volsite: tuple[list[str], dict | None]) -> Spec:
    if tool in VOLSITE:
        site = corpus / tool
        leftovers = sorted(site.glob(".output.*"))  # staging folders a failed build may leave
        return Spec(
            site,
            [*volsite[0], "build", ".", "-o", "output", "-q"],
            [site / "output", site / ".volsite-cache", *leftovers],
            site / "output",
            volsite[1],
        )
    if tool == "hugo":
        d = corpus / "hugo"
        return Spec(d, ["hugo", "--quiet"], [d / "public", d / "resources"], d / "public")
    if tool == "hugo+pagefind":  # search as Pagefind's docs tell a Hugo site to add it
        d = corpus / "hugo"
        return Spec(
            d,
            ["sh", "-c", f"hugo --quiet && '{pagefind_binary()}' --site public --silent"],
            [d / "public", d / "resources"],
            d / "public",
        )
    if tool == "eleventy":
        d = corpus / "eleventy"
        cli = ANCHORS_HOME / "eleventy-tool" / "node_modules" / "@11ty" / "eleventy" / "cmd.cjs"
        return Spec(
            d, ["node", str(cli), "--config=eleventy.config.cjs", "--quiet"], [d / "_site", d / ".cache"], d / "_site"
        )
    if tool == "pelican":
        d = corpus / "pelican"
        return Spec(
            d,
            [
                str(ANCHORS_HOME / ".venv-pelican" / "bin" / "pelican"),
                "content",
                "-s",
                "pelicanconf.py",
                "-o",
                "output",
                "-q",
            ],
            [d / "output", d / "cache", d / "__pycache__"],
            d / "output",
        )
    raise ValueError(tool)


def pagefind_binary() -> str:
    """The Pagefind volsite runs (its extended build, which segments Chinese)."""
    from pagefind_bin_extended import get_executable

    return str(get_executable())


def check_tools(tools: list[str]) -> None:
    missing = []
    if {"hugo", "hugo+pagefind"} & set(tools) and not shutil.which("hugo"):
        missing.append("hugo")
    if "hugo+pagefind" in tools:
        try:
            pagefind_binary()
        except ImportError:
            missing.append("pagefind (pip install 'pagefind[extended]')")
    if "pelican" in tools and not (ANCHORS_HOME / ".venv-pelican" / "bin" / "pelican").exists():
        missing.append("pelican")
    if "eleventy" in tools and not (ANCHORS_HOME / "eleventy-tool" / "node_modules" / "@11ty").exists():
        missing.append("eleventy")
    if missing:
        sys.exit(f"not installed: {', '.join(missing)}; run: bash {ANCHORS_SRC / 'setup.sh'}")


def prepare(size: int, work: Path) -> Path:
    """The corpus of `size` stories and the two volsite sites beside it (made once)."""
    corpus = work / "corpus" / str(size)
    maker = ANCHORS_SRC / "make_corpus.py"
    stamp = f"{size} {hashlib.sha256(maker.read_bytes()).hexdigest()} {hashlib.sha256(SITE_YAML.encode()).hexdigest()}"
    done = corpus / ".done"
    if done.is_file() and done.read_text() == stamp:
        return corpus
    print(f"making the corpus of {size} stories in {corpus} ...", flush=True)
    subprocess.run([sys.executable, str(maker), "--stories", str(size), "--out", str(corpus)], check=True)
    for tool in VOLSITE:
        site = corpus / tool
        shutil.copytree(corpus / "content", site / "content", copy_function=os.link)
        (site / "site.yaml").write_text(
            SITE_YAML.format(search="false" if tool.endswith("nosearch") else "true"), encoding="utf-8"
        )
    done.write_text(stamp)
    return corpus


@dataclass
class Row:
    tool: str
    mode: str  # "cold" or "no-change rebuild"
    size: int
    run: int
    result: Result
    html: int
    aliases: int  # Hugo's page/1 redirects, counted in html
    files: int


def versions(volsite_label: str) -> list[str]:
    def out(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "not found"

    try:
        from importlib.metadata import version

        pagefind = version("pagefind_bin_extended")
    except Exception:  # noqa: BLE001 - only a label
        pagefind = "?"
    return [
        f"volsite {volsite_label} (Python {sys.version.split()[0]}, Pagefind extended {pagefind})",
        out(["hugo", "version"]),
        "Pelican " + out([str(ANCHORS_HOME / ".venv-pelican" / "bin" / "pelican"), "--version"]),
        f"Eleventy {out(['node', str(ANCHORS_HOME / 'eleventy-tool/node_modules/@11ty/eleventy/cmd.cjs'), '--version'])}"
        f" (Node {out(['node', '--version'])})",
    ]


def measure_all(
    sizes: list[int],
    runs: int,
    tools: list[str],
    work: Path,
    timeout: float,
    rebuild: bool,
    warmup: bool,
    volsite: tuple[list[str], dict | None],
) -> list[Row]:
    rows: list[Row] = []
    trash, logs, raw = run_files(
        work,
        "anchors",
        "tool\tmode\tsize\trun\twall_s\tuser_s\tsys_s\tmaxrss_kb\t"
        "tree_rss_kb\tproportional_kb\trc\thtml\tfiles\tother_cpu_s\tmemory_by_command\n",
    )

    def record(tool: str, mode: str, size: int, r: int, result: Result, s: Spec) -> None:
        html = count_html(s.output) if s.output.is_dir() else 0
        aliases = html - count_html(s.output, skip_aliases=True) if tool.startswith("hugo") and html else 0
        files = count_files(s.output) if s.output.is_dir() else 0
        row = Row(tool, mode, size, r, result, html, aliases, files)
        rows.append(row)
        with open(raw, "a") as f:
            f.write(
                f"{tool}\t{mode}\t{size}\t{r}\t{result.wall:.3f}\t{result.user:.2f}\t{result.sys:.2f}\t"
                f"{result.maxrss_kb}\t{result.tree_kb}\t{result.proportional_kb}\t{result.rc}\t{html}\t{files}\t{result.other_cpu:.2f}\t"
                f"{result.memory_by_command()}\n"
            )
        status = "ok" if result.ok else ("TIMED OUT" if result.timed_out else f"FAILED rc={result.rc}")
        print(
            f"  {tool:<17} {mode:<17} {size:>6} run {r}  wall {result.wall:7.2f} s  cpu {result.cpu:7.2f} s  "
            f"peak {result.peak_mib:7.0f} MiB  html {html:>6}  other cpu {result.other_cpu:5.2f} s  {status}",
            flush=True,
        )
        if not result.ok:
            tail = result.log.read_text(errors="replace").splitlines()[-15:]
            print("    " + "\n    ".join(tail), flush=True)

    for size in sizes:
        corpus = prepare(size, work)
        trash.purge()
        if warmup:  # one untimed build of each tool: the page cache and the tools' own files warm
            for tool in tools:
                s = spec(tool, corpus, volsite)
                trash.aside(*s.clean)
                result = run(s.cmd, s.cwd, logs / f"{tool}-warmup-{size}.log", timeout=timeout, env=s.env)
                print(
                    f"  {tool:<17} warm-up (not counted) {size:>6}  wall {result.wall:7.2f} s"
                    f"{'' if result.ok else '  FAILED, see ' + str(result.log)}",
                    flush=True,
                )
            trash.purge()
        for r in range(1, runs + 1):
            for tool in tools:
                s = spec(tool, corpus, volsite)
                trash.aside(*s.clean)
                result = run(s.cmd, s.cwd, logs / f"{tool}-cold-{size}-{r}.log", timeout=timeout, env=s.env)
                record(tool, "cold", size, r, result, s)
                if tool in VOLSITE and rebuild and result.ok:
                    again = run(s.cmd, s.cwd, logs / f"{tool}-rebuild-{size}-{r}.log", timeout=timeout, env=s.env)
                    record(tool, "no-change rebuild", size, r, again, s)
        trash.purge()  # the old outputs wait in the trash: nothing is deleted between timed runs
    return rows


@dataclass
class Summary:
    tool: str
    mode: str
    size: int
    ok: int
    runs: int
    wall: float
    lo: float
    hi: float
    cpu: float
    peak: float
    rss_sum: float  # MiB: the plain sum of resident sets, an upper bound
    largest: float  # MiB of the largest single process
    html: int
    aliases: int
    files: int
    other: float
    failure: str


def summarise(rows: list[Row]) -> dict[tuple[str, str, int], Summary]:
    groups: dict[tuple[str, str, int], list[Row]] = {}
    for row in rows:
        groups.setdefault((row.tool, row.mode, row.size), []).append(row)
    out = {}
    for key, group in groups.items():
        good = [g for g in group if g.result.ok]
        bad = [g for g in group if not g.result.ok]
        failure = ""
        if bad:
            b = bad[0].result
            failure = (
                f"timed out after {b.wall:.0f} s" if b.timed_out else f"exit {b.rc} after {b.wall:.1f} s"
            ) + f" (log {b.log})"
        walls = [g.result.wall for g in good]
        out[key] = Summary(
            *key,
            ok=len(good),
            runs=len(group),
            wall=median(walls),
            lo=min(walls, default=float("nan")),
            hi=max(walls, default=float("nan")),
            cpu=median([g.result.cpu for g in good]),
            peak=max((g.result.peak_mib for g in good), default=float("nan")),
            rss_sum=max((g.result.rss_sum_mib for g in good), default=float("nan")),
            largest=max((g.result.maxrss_kb / 1024 for g in good), default=float("nan")),
            html=good[-1].html if good else 0,
            aliases=good[-1].aliases if good else 0,
            files=good[-1].files if good else 0,
            other=max((g.result.other_cpu for g in group), default=0.0),
            failure=failure,
        )
    return out


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def report(
    summaries: dict[tuple[str, str, int], Summary], sizes: list[int], tools: list[str], header: list[str]
) -> str:
    lines = header + [
        "",
        "| tool | mode | stories | runs ok | median wall s | min–max s | median CPU s | peak memory MiB "
        "| RSS sum MiB | largest process MiB | HTML pages | files | others' CPU s (max) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    order = [(t, m) for t in tools for m in (("cold", "no-change rebuild") if t in VOLSITE else ("cold",))]
    for size in sizes:
        for tool, mode in order:
            s = summaries.get((tool, mode, size))
            if s is None:
                continue
            html = f"{s.html - s.aliases} (+{s.aliases} aliases)" if s.aliases else str(s.html)
            if s.ok:
                lines.append(
                    f"| {tool} | {mode} | {size} | {s.ok}/{s.runs} | {s.wall:.2f} | {s.lo:.2f}–{s.hi:.2f} | "
                    f"{s.cpu:.2f} | {s.peak:.0f} | {s.rss_sum:.0f} | {s.largest:.0f} | {html} | {s.files} | {s.other:.1f} |"
                )
            if s.failure:
                lines.append(f"| {tool} | {mode} | {size} | {s.ok}/{s.runs} | failed: {s.failure} | | | | | | | | |")
    lines += [
        "",
        "Peak memory: the largest over the runs of the larger of the biggest process's maxrss and "
        "the sampled sum of the build's processes, forked ones (two or more of one command) counted by "
        "their proportional set size (PSS: pages they share counted once); RSS sum: the plain sum of "
        "resident sets, which counts shared pages once per process (an upper bound); largest process: "
        "maxrss alone. Others' CPU: what the rest of the machine used during "
        "the run (contention). Pages and files are those of the last good run. "
        "volsite writes its own page set (stories, tags, volunteers, teams, timeline, honours, stats, "
        "search, feed, 404, ...), so its page count differs from the anchors' common set.",
        "",
    ]

    # ratios
    lines += [
        "## volsite's ratios (median wall, peak memory)",
        "",
        "| stories | volsite variant | vs | wall: volsite ÷ tool | tool ÷ volsite (× faster) | memory: volsite ÷ tool |",
        "|---:|---|---|---:|---:|---:|",
    ]
    for size in sizes:
        for v in (t for t in tools if t in VOLSITE):
            mine = summaries.get((v, "cold", size))
            if not mine or not mine.ok:
                continue
            for other in (t for t in tools if t not in VOLSITE):
                theirs = summaries.get((other, "cold", size))
                if not theirs or not theirs.ok:
                    continue
                lines.append(
                    f"| {size} | {v} cold | {other} cold | {mine.wall / theirs.wall:.2f} | "
                    f"{theirs.wall / mine.wall:.2f} | {mine.peak / theirs.peak:.2f} |"
                )
            again = summaries.get((v, "no-change rebuild", size))
            hugo = summaries.get(("hugo", "cold", size))
            if again and again.ok and hugo and hugo.ok:
                lines.append(
                    f"| {size} | {v} no-change rebuild | hugo cold | {again.wall / hugo.wall:.2f} | "
                    f"{hugo.wall / again.wall:.2f} | {again.peak / hugo.peak:.2f} |"
                )
        search, plain = summaries.get(("volsite", "cold", size)), summaries.get(("volsite-nosearch", "cold", size))
        if search and plain and search.ok and plain.ok:
            lines.append(
                f"| {size} | Pagefind share | | {search.wall - plain.wall:.2f} s of {search.wall:.2f} s "
                f"({(search.wall - plain.wall) / search.wall:.0%}) | | |"
            )
    lines.append("")

    # targets of issue 5 (set for the 5000-story corpus; shown for every size measured)
    lines += [
        "## Targets of issue 5",
        "",
        "Hugo, Eleventy and Pelican build no search index; volsite builds one with Pagefind unless "
        "`search: false`. So each target is shown like for like twice (without an index: "
        "volsite-nosearch beside hugo and pelican; with a Pagefind index: volsite beside "
        "hugo+pagefind, which runs Pagefind on Hugo's output as Pagefind's docs tell a Hugo site to), "
        "and then volsite with its index beside the tools without one.",
        "",
    ]
    comparisons = [
        ("without a search index", "volsite-nosearch", "hugo", "pelican"),
        ("with a Pagefind index", "volsite", "hugo+pagefind", None),
        ("volsite with its index, the others without", "volsite", "hugo", "pelican"),
    ]
    for size in sizes:
        note = "" if size == 5000 else " (the issue sets the targets at 5000; shown for reference)"
        for title, mine, hugo_like, pelican in comparisons:
            v = summaries.get((mine, "cold", size))
            h = summaries.get((hugo_like, "cold", size))
            p = summaries.get((pelican, "cold", size)) if pelican else None
            again = summaries.get((mine, "no-change rebuild", size))
            if not (v and v.ok) or not (h and h.ok):
                continue
            lines.append(f"{size} stories, {title} ({mine} vs {hugo_like}){note}:")
            lines.append(
                f"- wall ≤ 1.0× {hugo_like}'s: {v.wall:.2f} s vs {h.wall:.2f} s = {v.wall / h.wall:.2f}× → "
                f"{verdict(v.wall <= h.wall)}"
            )
            if p and p.ok:
                lines.append(
                    f"- ≥ 4× faster than Pelican: Pelican {p.wall:.2f} s ÷ {mine} {v.wall:.2f} s = "
                    f"{p.wall / v.wall:.2f}× → {verdict(p.wall / v.wall >= 4)}"
                )
            lines.append(
                f"- peak memory ≤ 0.5× {hugo_like}'s: {v.peak:.0f} MiB vs {h.peak:.0f} MiB = "
                f"{v.peak / h.peak:.2f}× → {verdict(v.peak <= 0.5 * h.peak)}"
            )
            if again and again.ok:
                lines.append(
                    f"- no-change rebuild ≤ 0.2× {hugo_like}'s cold build: {again.wall:.2f} s vs "
                    f"{h.wall:.2f} s = {again.wall / h.wall:.2f}× → {verdict(again.wall <= 0.2 * h.wall)}"
                )
            lines.append("")
        missing = [
            t
            for t in ("volsite", "volsite-nosearch")
            if not (summaries.get((t, "cold", size)) and summaries[(t, "cold", size)].ok)
        ]
        for tool in missing:
            if tool in tools:
                failed = summaries.get((tool, "cold", size))
                lines += [f"- {tool} did not build at {size}: {failed.failure if failed else 'not run'}", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", nargs="+", default=["1000", "5000"], help="stories per corpus: 1000 5000, or 1000,5000"
    )
    parser.add_argument("--runs", type=int, default=3, help="cold builds per tool and size (median)")
    parser.add_argument(
        "--tools", default=",".join(TOOLS), help=f"comma-separated, in run order; of {', '.join(TOOLS)}"
    )
    parser.add_argument("--out", type=Path, help="also write the report (markdown) to this file")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path.home() / ".cache" / "volsite-bench" / "anchors",
        help="corpora, logs and raw rows (never the repository)",
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds before one build is killed")
    parser.add_argument("--no-rebuild", action="store_true", help="skip volsite's no-change rebuild")
    parser.add_argument(
        "--rev",
        help="measure this commit of volsite (HEAD, a tag, a hash), extracted to --work, "
        "instead of the working tree as it is",
    )
    parser.add_argument(
        "--no-warmup", action="store_true", help="skip the untimed build of each tool before the timed rounds"
    )
    args = parser.parse_args()
    args.sizes = [int(n) for part in args.sizes for n in part.split(",") if n.strip()]
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = [t for t in tools if t not in TOOLS]
    if unknown:
        parser.error(f"unknown tool {', '.join(unknown)}; choose from {', '.join(TOOLS)}")
    check_tools(tools)
    work = args.work.expanduser().resolve()
    if work == REPO or REPO in work.parents:
        parser.error("--work must be outside the repository")

    started = dt.datetime.now()
    header = [
        f"# volsite beside Hugo, Eleventy and Pelican ({started:%Y-%m-%d %H:%M})",
        "",
        f"Machine: {machine()}. Command: `python3 bench/anchors.py {' '.join(sys.argv[1:])}`".rstrip(),
        f"Cold builds from an empty output folder, round robin ({', '.join(tools)}), "
        f"{args.runs} runs each; medians, min–max over the runs.",
        "",
    ]
    prefix, env, label = volsite_runner(REPO, args.rev, work)
    git_version_at_start = git_version(REPO)
    header += [f"- {v}" for v in versions(label)]
    print("\n".join(header), flush=True)
    rows = measure_all(
        args.sizes, args.runs, tools, work, args.timeout, not args.no_rebuild, not args.no_warmup, (prefix, env)
    )
    after = git_version(REPO)
    if after != git_version_at_start and not args.rev:
        header.append(f"- **volsite changed during the run**: {git_version_at_start} at the start, {after} at the end")
    text = report(summarise(rows), args.sizes, tools, header)
    print("\n" + text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
        print(f"written: {args.out}")


if __name__ == "__main__":
    main()
