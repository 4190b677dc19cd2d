#!/usr/bin/env python3
"""The benchmark: wall time (median of several runs after a warm-up) and peak RSS of wkb's main
commands at 1k, 10k and 100k visits, beside a CSafeLoader floor, a minimal Typer app and, when
installed, hledger on the same visits.

    python bench/run.py [--sizes 1000,10000,100000] [--runs 5] [--out DIR]
    python bench/run.py --quick        # CI-sized: 1k and 10k visits, 3 runs, a couple of minutes

Data is generated once per size under DIR (default: wkb-bench in the system's temp folder;
deterministic, see generate.py) and reused until GENERATOR_VERSION changes. DIR must not be inside
a records root — the wkb repository itself is one — since wkb refuses a records root inside
another.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = Path(tempfile.gettempdir()) / "wkb-bench"
MARKER = ".bench-generated"  # as in generate.py (not imported: this process must stay small)
BIN = Path(sys.executable).parent
WKB = str(BIN / "wkb")
TODAY = (
    "2026-11-25"  # the data ends 2026-10-31; reports look at October, as a leader would in November
)
MONTH = "2026-10"
YEAR = "2026"
# 2: about half the items with one file per event; 3: recorder in wkb.local.toml, roots marked
GENERATOR_VERSION = "3"
QUICK_SIZES = "1000,10000"
QUICK_RUNS = 3


@dataclass
class Measured:
    seconds: float
    peak_mib: float
    # User + system CPU time (median): steadier than wall time on a shared, loaded machine, where
    # waiting for a core counts in wall time but not here.
    cpu_seconds: float


def measure(
    argv: list[str], *, env: dict[str, str], runs: int, before: list[str] | None = None
) -> Measured:
    """Median wall time, median CPU time and the largest peak RSS over `runs` runs, after one
    warm-up run.

    `before` is run (unmeasured) before every run, e.g. to drop the cache for a cold run."""
    times, peaks, cpus = [], [], []
    for index in range(runs + 1):
        if before:
            subprocess.run(
                before, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
            )
        start = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        error = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
        if process.stderr:
            process.stderr.close()
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1) or "Traceback" in error:
            raise SystemExit(f"{' '.join(argv)} exited {code}: {error[-500:]}")
        if index:  # the first run is the warm-up
            times.append(elapsed)
            peaks.append(usage.ru_maxrss / 1024)
            cpus.append(usage.ru_utime + usage.ru_stime)
    return Measured(statistics.median(times), max(peaks), statistics.median(cpus))


def records_root_around(folder: Path) -> Path | None:
    """The records root (a folder with wkb.toml) that holds `folder`, if any."""
    return next((p for p in (folder, *folder.parents) if (p / "wkb.toml").is_file()), None)


def ensure_data(out: Path, size: int) -> Path:
    root = out / f"v{size}"
    stamp = root / MARKER
    if stamp.exists() and stamp.read_text() == GENERATOR_VERSION:
        return root
    print(f"generating {size} visits in {root} …", file=sys.stderr, flush=True)
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), str(root), "--visits", str(size)], check=True
    )
    # In a child process: this process must stay small, since a forked child's peak RSS counts
    # the parent's pages until it execs the measured command.
    subprocess.run([sys.executable, str(HERE / "run.py"), "--journal", str(root)], check=True)
    stamp.write_text(GENERATOR_VERSION)
    return root


def write_journal(root: Path) -> None:
    """The same (non-void) visits as an hledger journal: one transaction per contact."""
    sys.path.insert(0, str(HERE.parent / "src"))
    from wkb_tracker.store.loader import load_visits

    visits, _problems, _temps = load_visits(root)
    lines = []
    for visit in sorted(visits, key=lambda v: v.date):
        if visit.is_void:
            continue
        lines.append(f"{visit.date.isoformat()} {visit.entity}")
        lines.append(f"    contacts:{visit.leader}:{visit.district}    1")
        lines.append("    required")
        lines.append("")
    (root / "visits.journal").write_text("\n".join(lines), encoding="utf-8")


def bench_env(root: Path) -> dict[str, str]:
    """The environment every measured command runs in. Bytecode caching is on (an installed wkb
    has .pyc files; PYTHONDONTWRITEBYTECODE would recompile every module on every run)."""
    env = {
        **os.environ,
        "WKB_ROOT": str(root),
        "WKB_TODAY": TODAY,
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_sources() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    src = HERE.parent / "src"
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(src), str(HERE)],
        env=env,
        stdout=subprocess.DEVNULL,
        check=False,
    )


def measure_adding(add: list[str], root: Path, env: dict[str, str], runs: int) -> Measured:
    """`wkb visit add`, then the visits it wrote are removed, so the data every later command
    (and the next benchmark) reads stays what generate.py made."""
    folder = root / "data" / "visits" / "2026" / "10"
    before = set(folder.iterdir())
    try:
        return measure(add, env=env, runs=runs)
    finally:
        for added in set(folder.iterdir()) - before:
            added.unlink()


def run_size(out: Path, size: int, runs: int) -> dict[str, Measured]:
    root = ensure_data(out, size)
    env = bench_env(root)
    drop_cache = [
        sys.executable,
        "-c",
        f"import shutil; shutil.rmtree({str(root / '.wkb-cache')!r}, ignore_errors=True)",
    ]
    results: dict[str, Measured] = {}
    results["wkb --help"] = measure([WKB, "--help"], env=env, runs=runs)
    results["typer minimal app"] = measure(
        [sys.executable, str(HERE / "mini_typer.py"), "add", "--name", "x"], env=env, runs=runs
    )
    add = [
        WKB,
        "visit",
        "add",
        "--date",
        "2026-10-20",
        "--district",
        "东湖",
        "--entity",
        "基准测试企业",
        "--type",
        "科技企业",
        "--no-commit",
        "--no-rectify",
    ]
    results["wkb visit add"] = measure_adding(add, root, env, runs)
    results["wkb report --month (first run, builds cache)"] = measure(
        [WKB, "report", "--month", MONTH, "--format", "json"], env=env, runs=runs, before=drop_cache
    )
    results["wkb report --month (cold)"] = measure(
        [WKB, "--no-cache", "report", "--month", MONTH, "--format", "json"], env=env, runs=runs
    )
    results["wkb report --month (warm)"] = measure(
        [WKB, "report", "--month", MONTH, "--format", "json"], env=env, runs=runs
    )
    results["wkb report --year (warm)"] = measure(
        [WKB, "report", "--year", YEAR, "--format", "json"], env=env, runs=runs
    )
    results["wkb report, longest period: 600 months (warm)"] = measure(
        [WKB, "report", "--from", "2000-01-01", "--to", "2049-12-31", "--format", "json"],
        env=env,
        runs=runs,
    )
    results["wkb rectify list --status overdue (warm)"] = measure(
        [WKB, "rectify", "list", "--status", "overdue", "--format", "json"], env=env, runs=runs
    )
    results["wkb validate (cold)"] = measure(
        [WKB, "validate"], env=env, runs=max(1, runs // 2), before=drop_cache
    )
    results["floor: CSafeLoader loop"] = measure(
        [sys.executable, str(HERE / "floor.py"), str(root)], env=env, runs=max(1, runs // 2)
    )
    if shutil.which("hledger"):
        journal = str(root / "visits.journal")
        results["hledger balance -p MONTH"] = measure(
            ["hledger", "-f", journal, "balance", "-p", MONTH], env=env, runs=max(1, runs // 2)
        )
    return results


REFERENCES = ("typer minimal app", "floor: CSafeLoader loop", "hledger balance -p MONTH")

# (command, reference, target ratio)
TARGETS = [
    ("wkb visit add", "typer minimal app", 1.15),
    ("wkb report --month (warm)", "hledger balance -p MONTH", 0.1),
    ("wkb report --month (cold)", "hledger balance -p MONTH", 1.0),
    ("wkb report --year (warm)", "hledger balance -p MONTH", 0.2),
    ("wkb rectify list --status overdue (warm)", "hledger balance -p MONTH", 0.2),
    ("wkb validate (cold)", "floor: CSafeLoader loop", 1.2),
]


def print_targets(size: int, results: dict[str, Measured]) -> None:
    """Each target's ratio, its limit and whether it is met ("short" when not)."""
    print(f"\n{'target':66} {'ratio':>7} {'limit':>6}")
    for name, reference, limit in TARGETS:
        if reference not in results:
            print(
                f"{name + ' / ' + reference:66} {'-':>7} {limit:6.2f}  (no {reference.split()[0]})"
            )
            continue
        ratio = results[name].seconds / results[reference].seconds
        mark = "ok" if ratio <= limit else "short"
        print(f"{name + ' / ' + reference:66} {ratio:7.2f} {limit:6.2f}  {mark}")
    hledger = results.get("hledger balance -p MONTH")
    if hledger:
        for name, limit in (
            ("wkb report --month (warm)", 80.0),
            ("wkb report --month (cold)", 0.5 * hledger.peak_mib),
        ):
            peak = results[name].peak_mib
            mark = "ok" if peak <= limit else "short"
            print(f"{name + ' peak MiB':66} {peak:7.1f} {limit:6.1f}  {mark}")
    if size < 100000:
        print(
            f"(the limits are set for 100k visits; at {size} start-up weighs more in every ratio)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"CI-sized: sizes {QUICK_SIZES}, {QUICK_RUNS} runs (unless given)",
    )
    parser.add_argument("--sizes", help="visits per data set, comma-separated (1000,10000,100000)")
    parser.add_argument("--runs", type=int, help="measured runs per command (5)")
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"where generated data is kept and reused (default {DEFAULT_OUT})",
    )
    parser.add_argument("--journal", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.journal:
        write_journal(args.journal)
        return 0
    sizes_text = args.sizes or (QUICK_SIZES if args.quick else "1000,10000,100000")
    runs = args.runs or (QUICK_RUNS if args.quick else 5)
    try:
        sizes = [int(s) for s in sizes_text.split(",")]
    except ValueError:
        parser.error(f"--sizes: whole numbers separated by commas, not {sizes_text!r}")
    if runs < 1 or any(size < 1 for size in sizes):
        parser.error("--runs and every size must be at least 1")
    out = args.out.expanduser().absolute()
    around = records_root_around(out)
    if around is not None:
        parser.error(
            f"--out {out} is inside the records root {around} (it has wkb.toml); "
            f"choose a folder outside it, e.g. {DEFAULT_OUT}"
        )
    compile_sources()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {date.today()}, load average {load}; data in {out}"
    )
    every: dict[int, dict[str, Measured]] = {}
    for size in sizes:
        every[size] = run_size(out, size, runs)
        print(f"\n## {size} visits")
        print(f"{'command':46} {'median s':>9} {'peak MiB':>9} {'cpu s':>7}")
        for name, result in every[size].items():
            print(
                f"{name:46} {result.seconds:9.3f} {result.peak_mib:9.1f} {result.cpu_seconds:7.3f}"
            )
        print_targets(size, every[size])
    for small, large in itertools.pairwise(sizes):
        if large != 10 * small:
            continue
        print(f"\n## growth {small} → {large} visits (limit 11×)")
        for name in every[large]:
            if name not in every[small]:
                continue
            growth = every[large][name].seconds / every[small][name].seconds
            verdict = "reference" if name in REFERENCES else ("ok" if growth <= 11 else "short")
            print(f"{name:46} {growth:6.2f}×  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
