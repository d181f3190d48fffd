"""Shared by the benchmarks in bench/: time one command, with its peak memory.

`run()` starts the command in a session of its own and waits for it with
wait4(), which gives the wall time, the CPU time (user + sys, reaped children
included) and the largest resident set of any one process in the tree
(ru_maxrss: what `/usr/bin/time %M` prints). Because a build may run several
processes at once (forked workers, Pagefinds), a thread also samples the
summed resident set (VmRSS) of every process in the session every 0.1 s. That
sum counts the pages a forked worker still shares with its parent once per
process (the interpreter, the loaded site: 90 MiB of 300 on 5,000 stories), so
while the session holds forks (two processes of one command) the thread also
reads their proportional set size (PSS, smaps_rollup: shared pages split between
the processes sharing them, the kernel's own measure), as often as costs at most
5 % of a core (it takes about 30 ms of CPU per GB). The peak memory reported is
the largest of the biggest process's maxrss and the sampled sums, with PSS
standing in for the RSS of forked processes; the plain RSS sum is kept too, as an
upper bound. Nothing here knows about volsite.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")


def busy_seconds() -> float:
    """CPU seconds the whole machine has been busy so far (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        fields = f.readline().split()
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[1:8])
    return (user + nice + system + irq + softirq) / CLK_TCK


def _session_pids(sid: int) -> list[tuple[int, str]]:
    """(pid, command name) of every process in the session."""
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid pgrp session ...; comm may hold spaces or parentheses
        close = stat.rfind(b")")
        rest = stat[close + 2 :].split()
        if int(rest[3]) == sid:
            pids.append((int(name), stat[stat.find(b"(") + 1 : close].decode(errors="replace")))
    return pids


def _proc_kb(pid: int, file: str, field: bytes) -> int | None:
    """A 'Field:   1234 kB' line of /proc/PID/file, in KiB; None if the process is gone."""
    try:
        with open(f"/proc/{pid}/{file}", "rb") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _pss_kb(pid: int) -> int | None:
    return _proc_kb(pid, "smaps_rollup", b"Pss:")


def _rss_kb(pid: int) -> int:
    return _proc_kb(pid, "status", b"VmRSS:") or 0


@dataclass
class Result:
    wall: float  # seconds
    user: float
    sys: float
    maxrss_kb: int  # largest single process (ru_maxrss)
    tree_kb: int  # largest sampled sum of VmRSS over the process tree (an upper bound)
    rc: int | None  # exit status; None when killed for running too long
    timed_out: bool
    killed_for_memory: bool
    other_cpu: float  # CPU seconds used by everything else on the machine meanwhile
    log: Path
    by_command: dict  # command name → largest sampled resident set (KiB) of one such process
    proportional_kb: int = 0  # largest sampled sum with forked processes counted by PSS

    @property
    def cpu(self) -> float:
        return self.user + self.sys

    @property
    def peak_mib(self) -> float:
        return max(self.maxrss_kb, self.proportional_kb) / 1024

    @property
    def rss_sum_mib(self) -> float:
        return max(self.maxrss_kb, self.tree_kb) / 1024

    def memory_by_command(self) -> str:
        """'python3 2127 MiB, pagefind_extend 3776 MiB': the biggest sample of each kind of process."""
        return ", ".join(
            f"{name} {kb / 1024:.0f} MiB"
            for name, kb in sorted(self.by_command.items(), key=lambda x: -x[1])
            if kb > 10240
        )

    @property
    def ok(self) -> bool:
        return self.rc == 0 and not self.timed_out


def run(
    cmd: list[str],
    cwd: Path | str,
    log: Path,
    timeout: float = 900,
    env: dict | None = None,
    sample: float = 0.1,
    mem_cap_kb: float | None = None,
) -> Result:
    """Run cmd once (its output to log) and measure it. Never raises on failure.

    The command is killed after `timeout` seconds, or once its process tree's
    sampled memory passes `mem_cap_kb`, so that a runaway build cannot take the
    machine (and the other work on it) down."""
    log.parent.mkdir(parents=True, exist_ok=True)
    os.sync()  # flush the previous run's dirty pages before timing
    busy0 = busy_seconds()
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        state = {"peak": 0, "proportional": 0, "timed_out": False, "memory": False}
        by_command: dict[str, int] = {}
        stop = threading.Event()

        def watch() -> None:
            next_pss, pss_every = 0.0, 0.2
            while not stop.wait(sample):
                total = 0
                processes = _session_pids(proc.pid)
                names = [command for _pid, command in processes]
                forked = {pid for pid, command in processes if names.count(command) > 1}
                rss = {}
                for pid, command in processes:
                    kb = rss[pid] = _rss_kb(pid)
                    total += kb
                    by_command[command] = max(by_command.get(command, 0), kb)
                state["peak"] = max(state["peak"], total)
                if not forked:
                    state["proportional"] = max(state["proportional"], total)
                elif time.perf_counter() >= next_pss:
                    cost = time.process_time()
                    proportional = sum((_pss_kb(pid) or rss[pid]) if pid in forked else rss[pid] for pid in rss)
                    cost = time.process_time() - cost
                    state["proportional"] = max(state["proportional"], proportional)
                    next_pss = time.perf_counter() + max(pss_every, 20 * cost)  # at most 5 % of a core
                over_time = time.perf_counter() - started > timeout
                over_memory = mem_cap_kb is not None and total > mem_cap_kb
                if (over_time or over_memory) and not state["timed_out"]:
                    state["timed_out"] = True
                    state["memory"] = over_memory and not over_time
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)  # the session we started
                    except ProcessLookupError:
                        pass

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        stop.set()
        watcher.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    busy1 = busy_seconds()
    # leftovers of the session we started (a daemon the tool left behind) would skew the next run
    if _session_pids(proc.pid):  # (the build's own pid is gone: reaped above)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    cpu = usage.ru_utime + usage.ru_stime
    return Result(
        wall=wall,
        user=usage.ru_utime,
        sys=usage.ru_stime,
        maxrss_kb=usage.ru_maxrss,
        tree_kb=state["peak"],
        rc=None if state["timed_out"] else proc.returncode,
        timed_out=state["timed_out"],
        killed_for_memory=state["memory"],
        other_cpu=max(0.0, busy1 - busy0 - cpu),
        log=log,
        by_command=by_command,
        proportional_kb=state["proportional"],
    )


def count_html(root: Path, skip_aliases: bool = False) -> int:
    """HTML files under root; skip_aliases leaves out Hugo's …/page/1/index.html redirects."""
    n = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if name.endswith(".html"):
                if skip_aliases and name == "index.html" and folder.endswith(os.sep + "page" + os.sep + "1"):
                    continue
                n += 1
    return n


def count_files(root: Path) -> int:
    return sum(len(files) for _f, _d, files in os.walk(root))


# ext4 without a journal (as here) passes over inodes freed within the last
# dirty_expire_centisecs (30 s) when it makes a file: a build started right after
# 100,000 files were deleted spends seconds of system time scanning for inodes.
SETTLE_S = 35.0


class Trash:
    """Old outputs are moved here (outside the timing) and deleted only between rounds,
    followed by a wait (SETTLE_S), never right before a timed run."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def aside(self, *paths: Path) -> None:
        for path in paths:
            if path.exists() or path.is_symlink():
                shutil.move(str(path), tempfile.mkdtemp(dir=self.folder))

    def purge(self, settle: float = SETTLE_S) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        os.sync()
        time.sleep(settle)


def run_files(work: Path, name: str, header: str) -> tuple[Trash, Path, Path]:
    """For one benchmark run: the trash folder, this run's log folder, and its raw rows file
    (a TSV started with `header`), both named by the time the run started."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    logs = work / "logs" / stamp
    raw = work / "results" / f"{name}-{stamp}.tsv"
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text(header)
    print(f"raw rows: {raw}\nlogs: {logs}", flush=True)
    return Trash(work / ".trash"), logs, raw


def median(values):
    return statistics.median(values) if values else float("nan")


def git_version(repo: Path) -> str:
    """The commit of the generator being measured, marked when its tree has local changes."""
    try:
        rev = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--", "generator", "themes"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        return rev + (" + uncommitted changes in generator/ or themes/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> str:
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({model}), {mem:.0f} GiB"


def volsite_runner(repo: Path, rev: str | None, work: Path) -> tuple[list[str], dict | None, str]:
    """(command prefix, environment, label) that run volsite.

    Without rev: the working tree as installed (editable), whatever it holds now. With
    rev (HEAD, a tag, a commit): a snapshot of that commit's generator/ and themes/,
    extracted once under work/, so that edits made meanwhile do not change what is measured.
    """
    import sys

    prefix = [sys.executable, "-m", "volsite.cli"]
    if not rev:
        return prefix, None, f"{git_version(repo)} (the working tree)"
    sha = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--verify", f"{rev}^{{commit}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    snap = work / "volsite-src" / sha
    if not (snap / ".done").is_file():
        shutil.rmtree(snap, ignore_errors=True)
        snap.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(repo), "archive", sha, "generator", "themes"], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(snap)], input=archive, check=True)
        (snap / ".done").write_text(sha)
    # Byte-compiled, as pip leaves an installed package (and the other tools' own code):
    # otherwise, where PYTHONDONTWRITEBYTECODE is set (as on these machines), every run
    # would compile volsite's modules again (0.09 s).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(snap / "generator")], check=True)
    env = dict(os.environ, PYTHONPATH=str(snap / "generator"))
    return prefix, env, f"{sha[:7]} (a snapshot of {rev})"
