#!/usr/bin/env python3
"""Loading ledgers (issue 18): the city's CSV ledgers with volsite before and after, and the
spreadsheet readers side by side on the same rows saved as .xlsx, .xls and .ods.

    python3 bench/tables.py --city ~/.cache/volsite-bench/tables/city-1 --old 48841bd --runs 5 --out /tmp/tables.md

--city is a site made by `python3 bench/city.py generate --scale 1` (1,000,000 ledger rows, in
CSV files of three encodings and header styles); --old is the commit to compare with (its
generator/ is unpacked under --work). Each figure is the median of --runs runs, taken round
robin, each in a fresh process that times the loading alone (not Python's start, not the
imports) and reports its peak memory (ru_maxrss). "Loading" is what content loading does with a
ledger file: table_records, then ledger.parse of every row.

The spreadsheets are the first --sheet-rows rows of the city's ledgers (an .xls holds at most
65,535 rows under its header), written by openpyxl, xlwt and odfpy with dates as date cells
and hours as numbers. Readers: python-calamine (what volsite reads all three with now), openpyxl
in read-only mode (what it read .xlsx with before), xlrd (.xls) and odfpy (.ods); each reads
every cell of the first sheet. Then volsite's own loading of each file, before (.xlsx only)
and after.

The machine is shared: the report gives its load average, the CPU the rest of the machine
used during the runs ("others' CPU"), and each loading's own CPU time, which a busy machine
disturbs less than the wall time; compare ratios measured in one run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import busy_seconds  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
WORK = Path.home() / ".cache" / "volsite-bench" / "tables"

# The peak memory of the process since it started (VmHWM: ru_maxrss would count the bench's own
# memory, which the child had until it started Python).
PEAK = r"""
def PEAK():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
"""

# Loads every CSV ledger of a site as content loading does, and says how long it took.
LOAD_LEDGERS = (
    PEAK
    + r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from volsite.kinds import ledger
from volsite.problems import Problems
from volsite.read.tables import table_records

root, suffix = Path(sys.argv[2]), sys.argv[3]
files = sorted(p.relative_to(root).as_posix() for p in (root / "content/ledger").rglob("*" + suffix))
extra = {k: getattr(ledger, n) for k, n in (("dates", "TABLE_DATES"), ("yielding", "TABLE_YIELDING")) if hasattr(ledger, n)}
problems = Problems()
start, cpu = time.perf_counter(), time.process_time()
rows = 0
for rel in files:
    for raw in table_records(root, rel, ledger.TABLE_HEADERS, problems, **extra):
        if ledger.parse(raw, problems) is not None:
            rows += 1
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": rows, "files": len(files), "errors": len(problems.errors),
                  "peak_mib": PEAK()}))
"""
)

# Reads every cell of a workbook's first sheet with one library.
READ_SHEET = (
    PEAK
    + r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
reader, path = sys.argv[1], sys.argv[2]
start, cpu = time.perf_counter(), time.process_time()
cells = 0
if reader == "calamine":
    import python_calamine
    book = python_calamine.CalamineWorkbook.from_path(path)
    for row in book.get_sheet_by_index(0).iter_rows():
        cells += sum(1 for value in row if value != "")
elif reader == "openpyxl":
    import openpyxl
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for row in book.worksheets[0].iter_rows(values_only=True):
        cells += sum(1 for value in row if value is not None)
elif reader == "xlrd":
    import xlrd
    book = xlrd.open_workbook(path, on_demand=True)
    sheet = book.sheet_by_index(0)
    for number in range(sheet.nrows):
        cells += sum(1 for value in sheet.row_values(number) if value != "")
elif reader == "odfpy":
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow
    from odf import teletype
    table = load(path).spreadsheet.getElementsByType(Table)[0]
    for row in table.getElementsByType(TableRow):
        for cell in row.getElementsByType(TableCell):
            if cell.getAttribute("valuetype") or teletype.extractText(cell):
                cells += 1
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu": cpu, "cells": cells, "peak_mib": PEAK()}))
"""
)


def unpack(rev: str, work: Path) -> Path:
    """generator/ of a commit, unpacked under work (once)."""
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", rev], capture_output=True, text=True, check=True)
    sha = commit.stdout.strip()
    folder = work / f"volsite-{sha[:10]}"
    if not (folder / "generator").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", sha, "generator"], capture_output=True, check=True)
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
    return folder / "generator"


def ledger_rows(city: Path, count: int) -> list[tuple[dt.date, str, float, str, str, str]]:
    """The first `count` rows of the city's UTF-8 ledgers (date, volunteer, hours, activity, points, note)."""
    rows = []
    for path in sorted((city / "content/ledger").rglob("*.csv")):
        data = path.read_bytes()
        if data.startswith(b"\xef\xbb\xbf") or not data.isascii() and b"," not in data[:200]:
            text = data.decode("utf-8-sig")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("gb18030")
        reader = csv.reader(io.StringIO(text))
        next(reader)
        for day, volunteer, hours, activity, points, note in reader:
            y, m, d = (int(part) for part in day.replace("/", "-").replace(".", "-").split("-"))
            rows.append((dt.date(y, m, d), volunteer, float(hours), activity, points, note))
            if len(rows) == count:
                return rows
    return rows


HEADER = ["日期", "志愿者编号", "时长", "活动编号", "积分", "备注"]


def write_xlsx(rows, path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append(HEADER)
    for row in rows:
        sheet.append([row[0], row[1], row[2], row[3] or None, int(row[4]) if row[4] else None, row[5]])
    book.save(path)


def write_xls(rows, path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("台账")
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for column, name in enumerate(HEADER):
        sheet.write(0, column, name)
    for number, row in enumerate(rows[:65535], 1):
        sheet.write(number, 0, row[0], date)
        sheet.write(number, 1, row[1])
        sheet.write(number, 2, row[2])
        if row[3]:
            sheet.write(number, 3, row[3])
        if row[4]:
            sheet.write(number, 4, int(row[4]))
        sheet.write(number, 5, row[5])
    book.save(str(path))


def write_ods(rows, path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="台账")

    def text(value):
        cell = TableCell(valuetype="string")
        cell.addElement(P(text=value))
        return cell

    def number(value):
        cell = TableCell(valuetype="float", value=str(value))
        cell.addElement(P(text=str(value)))
        return cell

    head = TableRow()
    for name in HEADER:
        head.addElement(text(name))
    table.addElement(head)
    for day, volunteer, hours, activity, points, note in rows:
        row = TableRow()
        date = TableCell(valuetype="date", datevalue=day.isoformat())
        date.addElement(P(text=day.isoformat()))
        row.addElement(date)
        row.addElement(text(volunteer))
        row.addElement(number(hours))
        row.addElement(text(activity) if activity else TableCell())
        row.addElement(number(int(points)) if points else TableCell())
        row.addElement(text(note))
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))


def child(script: str, *args: str, timeout: float = 1800) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=timeout, env=_env()
    )
    if done.returncode != 0:
        raise SystemExit(f"failed: {args}\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _env() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)  # each child puts the tree it measures first
    return env


def round_robin(jobs: dict[str, tuple], runs: int) -> dict[str, dict]:
    """name → the medians of its runs (seconds, peak_mib) and the others' CPU meanwhile."""
    measured: dict[str, list[dict]] = {name: [] for name in jobs}
    for run in range(runs):
        for name, args in jobs.items():
            busy = busy_seconds()
            started = time.perf_counter()
            result = child(*args)
            wall = time.perf_counter() - started
            result["others"] = max(0.0, busy_seconds() - busy - wall)  # CPU beyond this one process's, about
            measured[name].append(result)
            print(f"  run {run + 1}: {name}: {result['seconds']:.2f} s", flush=True)
    return {
        name: {
            "seconds": statistics.median(r["seconds"] for r in results),
            "cpu": statistics.median(r["cpu"] for r in results),
            "runs": [round(r["seconds"], 2) for r in results],
            "peak_mib": statistics.median(r["peak_mib"] for r in results),
            "others": statistics.median(r["others"] for r in results),
            **{k: results[0][k] for k in ("rows", "cells", "errors") if k in results[0]},
        }
        for name, results in measured.items()
    }


def machine() -> str:
    with open("/proc/cpuinfo") as info:
        model = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "?")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}; load average {load}"


def table(results: dict[str, dict], base: str | None, what: str) -> list[str]:
    lines = [
        f"| {what} | median | runs (s) | its CPU | peak memory | others' CPU | × {base or ''} | × in CPU |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in results.items():
        ratio = f"{r['seconds'] / results[base]['seconds']:.2f}" if base else ""
        cpu_ratio = f"{r['cpu'] / results[base]['cpu']:.2f}" if base else ""
        lines.append(
            f"| {name} | {r['seconds']:.2f} s | {', '.join(map(str, r['runs']))} | {r['cpu']:.2f} s "
            f"| {r['peak_mib']:.0f} MiB | {r['others']:.1f} s | {ratio} | {cpu_ratio} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--city", type=Path, required=True, help="a site made by bench/city.py generate")
    parser.add_argument("--old", default="48841bd", help="the commit to compare with")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sheet-rows", type=int, default=100_000)
    parser.add_argument(
        "--ods-rows", type=int, default=80_000, help="an .ods of 100,000 rows unpacks to more than volsite reads"
    )
    parser.add_argument("--skip", default="", help="comma-separated: csv, sheets, odfpy")
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    args.work.mkdir(parents=True, exist_ok=True)
    old, new = str(unpack(args.old, args.work)), str(REPO / "generator")
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    report = [
        f"# Loading ledgers: volsite at {args.old} and at {head.stdout.strip()} (working tree)",
        "",
        f"Machine: {machine()} at the start. Median of {args.runs} runs, round robin.",
        "",
    ]
    if "csv" not in skip:
        print("CSV ledgers of the city", flush=True)
        csv_results = round_robin(
            {
                f"before ({args.old})": (LOAD_LEDGERS, old, str(args.city), ".csv"),
                "after": (LOAD_LEDGERS, new, str(args.city), ".csv"),
            },
            args.runs,
        )
        rows = csv_results["after"]["rows"]
        report += [f"## The city's CSV ledgers: {rows:,} rows", ""]
        report += table(csv_results, f"before ({args.old})", "loading")
        report += [""]
    if "sheets" not in skip:
        folder = args.work / f"sheets-{args.sheet_rows}"
        folder.mkdir(exist_ok=True)
        rows = ledger_rows(args.city, args.sheet_rows)
        files = {".xlsx": write_xlsx, ".xls": write_xls, ".ods": write_ods}
        counts = {".xlsx": len(rows), ".xls": min(len(rows), 65_535), ".ods": min(len(rows), args.ods_rows)}
        for suffix, write in files.items():
            path = folder / f"content/ledger/台账{suffix}"
            written = folder / f"{suffix[1:]}-rows.txt"  # how many rows the file holds
            if not path.exists() or not written.exists() or written.read_text() != str(counts[suffix]):
                path.parent.mkdir(parents=True, exist_ok=True)
                print(f"writing {path}", flush=True)
                write(rows[: counts[suffix]], path)
                written.write_text(str(counts[suffix]))
        sizes = {s: (folder / f"content/ledger/台账{s}").stat().st_size for s in files}
        readers = {
            ".xlsx": ["calamine", "openpyxl"],
            ".xls": ["calamine", "xlrd"],
            ".ods": ["calamine"] + ([] if "odfpy" in skip else ["odfpy"]),
        }
        for suffix, names in readers.items():
            path = str(folder / f"content/ledger/台账{suffix}")
            jobs = {name: (READ_SHEET, name, path) for name in names}
            jobs["volsite after: loading"] = (LOAD_LEDGERS, new, str(folder), suffix)
            if suffix == ".xlsx":
                jobs[f"volsite before ({args.old}): loading"] = (LOAD_LEDGERS, old, str(folder), suffix)
            print(f"{suffix}", flush=True)
            results = round_robin(jobs, args.runs)
            report += [f"## {suffix}: {counts[suffix]:,} ledger rows, {sizes[suffix] / 1e6:.1f} MB", ""]
            report += table(results, "calamine", "reader")
            report += [""]
    report += [f"Load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}.", ""]
    text = "\n".join(report)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
