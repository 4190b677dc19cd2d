#!/usr/bin/env python3
"""The benchmark: wall time (median of several runs after a warm-up) and peak RSS of wkb's main
commands at 1k, 10k and 100k visits, beside a CSafeLoader floor, a minimal Typer app and, when
installed, hledger on the same visits.

    python bench/run.py [--sizes 1000,10000,100000] [--runs 5] [--out DIR]
    python bench/run.py --quick        # CI-sized: 1k and 10k visits, 3 runs, a couple of minutes
    python bench/run.py --only 17.3    # only the commands one issue's targets compare

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
from collections.abc import Callable
from dataclasses import dataclass, field
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
KNOWN_ON = "2026-11-20"  # a past day's knowledge: what a report said then
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


@dataclass
class Command:
    """One measured command: its argv, what runs (unmeasured) before each run, and what runs
    once after all of them (e.g. removing the visits the runs wrote)."""

    argv: list[str]
    before: list[list[str]] = field(default_factory=list)
    after: Callable[[], None] | None = None
    # Unmeasured, after every run, in order: a command line, or a function (e.g. removing what
    # the run wrote, so that every warm command reads the records generate.py made).
    after_each: list[list[str] | Callable[[], None]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)


def run_once(command: Command, env: dict[str, str]) -> tuple[float, float, float]:
    """(wall s, peak MiB, user + system CPU s) of one run; the CPU time counts the processes it
    waited for (git, the hook) too."""
    for argv in command.before:
        subprocess.run(
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
    start = time.perf_counter()
    process = subprocess.Popen(
        command.argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    error = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1) or "Traceback" in error or "提交失败" in error:
        raise SystemExit(f"{' '.join(command.argv)} exited {code}: {error[-500:]}")
    for step in command.after_each:
        if callable(step):
            step()
        else:
            subprocess.run(
                step, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
            )
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def measure_all(
    commands: dict[str, Command], env: dict[str, str], runs: int
) -> dict[str, Measured]:
    """Every command once as a warm-up, then `runs` rounds of every command in turn: the commands
    compared in a ratio run interleaved, so they share the machine's load (medians of wall and CPU
    time, largest peak RSS)."""
    try:
        for round_number in range(runs + 1):
            for command in commands.values():
                wall, peak, cpu = run_once(command, env)
                if round_number:  # round 0 is the warm-up
                    command.times.append(wall)
                    command.peaks.append(peak)
                    command.cpus.append(cpu)
    finally:
        for command in commands.values():
            if command.after is not None:
                command.after()
    return {
        name: Measured(statistics.median(c.times), max(c.peaks), statistics.median(c.cpus))
        for name, c in commands.items()
    }


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
    from wkb_tracker.domain.settings import using
    from wkb_tracker.store.loader import load_visits
    from wkb_tracker.store.settings import settings_for

    with using(settings_for()):  # the same settings a `wkb` command would run with
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


ADDED_MONTH = "data/visits/2026/10"


def forget_added(root: Path) -> Callable[[], None]:
    """Undo what the measured runs wrote: visits added to October (and, in a git root, their
    commits), so every later command and the next benchmark read what generate.py made."""
    folder = root / ADDED_MONTH
    before = set(folder.iterdir())
    head = _git_head(root)

    def undo() -> None:
        if head is not None:
            subprocess.run(["git", "-C", str(root), "reset", "-q", "--soft", head], check=True)
            subprocess.run(["git", "-C", str(root), "reset", "-q"], check=True)
        for added in set(folder.iterdir()) - before:
            added.unlink()

    return undo


def _git_head(root: Path) -> str | None:
    if not (root / ".git").exists():
        return None
    found = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return found.stdout.strip() if found.returncode == 0 else None


def ensure_git(root: Path) -> None:
    """The data as a git repository (once per data set) with the pre-commit hook of this
    installation, for the commit and hook measurements. (A real records root is a git
    repository.) The hook is installed on every run: it names the Python that installed it, and
    data kept from an earlier run may hold the hook of a virtual environment since removed."""
    if _git_head(root) is None:
        _commit_all(root)
    subprocess.run(
        [WKB, "--root", str(root), "hook", "install"], stdout=subprocess.DEVNULL, check=True
    )


def _commit_all(root: Path) -> None:
    print(f"committing {root} to git (once) …", file=sys.stderr, flush=True)
    for args in (
        ("init", "-q", "-b", "main"),
        ("config", "user.name", "bench"),
        ("config", "user.email", "bench@example.invalid"),
        ("add", "-A"),
        ("commit", "-q", "-m", "bench data"),
    ):
        subprocess.run(["git", "-C", str(root), *args], stdout=subprocess.DEVNULL, check=True)


def visit_add(*options: str) -> list[str]:
    return [
        WKB, "visit", "add", "--date", "2026-10-20", "--district", "东湖", "--entity",
        "基准测试企业", "--type", "科技企业", "--no-rectify", *options,
    ]  # fmt: skip


def wanted_by(issue: str | None) -> Callable[[str], bool]:
    """Which commands `--only ISSUE` measures: those its target rows name (and their
    references); every command without it."""
    if issue is None:
        return lambda _name: True
    rows = [(i, name, ref) for i, name, ref, _limit in TARGETS]
    rows += [(i, name, "") for i, name, _limit in (*SECONDS, *MEMORY)]
    names = {name for i, *pair in rows if i == issue for name in pair if name}
    return names.__contains__


def run_size(
    out: Path, size: int, runs: int, only: Callable[[str], bool] = wanted_by(None)
) -> dict[str, Measured]:
    root = ensure_data(out, size)
    ensure_git(root)
    env = bench_env(root)
    drop_cache = [
        sys.executable,
        "-c",
        f"import shutil; shutil.rmtree({str(root / '.wkb-cache')!r}, ignore_errors=True)",
    ]
    stage_new_visit = visit_add("--no-commit")
    git_add_october = ["git", "-C", str(root), "add", ADDED_MONTH]
    undo = forget_added(root)
    report = [WKB, "report", "--month", MONTH, "--format", "json"]
    warm_everything = [
        WKB,
        "report",
        "--from",
        "2000-01-01",
        "--to",
        "2049-12-31",
        "--format",
        "json",
    ]
    stats_month = [WKB, "stats", "--month", MONTH]
    stats_year = [WKB, "stats", "--year", YEAR]
    commands = {
        "wkb --help": Command([WKB, "--help"]),
        "typer minimal app": Command(
            [sys.executable, str(HERE / "mini_typer.py"), "add", "--name", "x"]
        ),
        # Every command that writes is undone after each run: a "warm" command then reads
        # records unchanged since its previous run; "after one new visit" rows show the cost
        # when one record changed in between.
        "wkb visit add": Command(visit_add("--no-commit"), after_each=[undo]),
        "wkb visit add (auto-commit + hook)": Command(visit_add("--commit"), after_each=[undo]),
        "wkb validate --staged (the hook, 1 visit)": Command(
            [WKB, "validate", "--staged"],
            before=[stage_new_visit, git_add_october],
            after_each=[undo],
        ),
        "wkb report --month (cold)": Command(
            [WKB, "--no-cache", "report", "--month", MONTH, "--format", "json"]
        ),
        "wkb report --month (warm)": Command(report),
        "wkb report --month --known-on (warm)": Command([*report, "--known-on", KNOWN_ON]),
        "wkb report --year (warm)": Command([WKB, "report", "--year", YEAR, "--format", "json"]),
        "wkb report, longest period: 600 months (warm)": Command(
            [WKB, "report", "--from", "2000-01-01", "--to", "2049-12-31", "--format", "json"]
        ),
        "wkb rectify list (warm)": Command([WKB, "rectify", "list"]),
        "wkb stats --month (warm)": Command(stats_month),
        "wkb stats --year (warm)": Command(stats_year),
        "wkb stats --month (after one new visit)": Command(
            stats_month, before=[stage_new_visit], after_each=[undo]
        ),
        "wkb stats --year (after one new visit)": Command(
            stats_year, before=[stage_new_visit], after_each=[undo]
        ),
        "wkb report --month (after one new visit)": Command(
            report, before=[stage_new_visit], after_each=[undo]
        ),
        "wkb rectify list --status overdue (warm)": Command(
            [WKB, "rectify", "list", "--status", "overdue", "--format", "json"]
        ),
        "wkb rectify list --status all --format json": Command(
            [WKB, "rectify", "list", "--status", "all", "--format", "json"]
        ),
        # Last in a round, the runs that drop the cache; the last one warms it again (every
        # month and item) for the next round's warm runs.
        "wkb report --month (first run, builds cache)": Command(report, before=[drop_cache]),
        "wkb validate (cold)": Command([WKB, "validate"], before=[drop_cache]),
        "wkb validate (1 new visit)": Command(
            [WKB, "validate"],
            before=[stage_new_visit],
            # the last run of a round to drop the cache: warm it again for the next round's
            # warm runs, the remembered answers of `stats` too
            after_each=[undo, warm_everything, stats_month, stats_year],
        ),
        "floor: CSafeLoader loop": Command([sys.executable, str(HERE / "floor.py"), str(root)]),
    }
    commands["wkb visit add"].after = undo  # also if a run fails
    if shutil.which("hledger"):
        journal = str(root / "visits.journal")
        commands["hledger balance -p MONTH"] = Command(
            ["hledger", "-f", journal, "balance", "-p", MONTH]
        )
    commands = {name: command for name, command in commands.items() if only(name)}
    return measure_all(commands, env, runs)


REFERENCES = ("typer minimal app", "floor: CSafeLoader loop", "hledger balance -p MONTH")

# (issue, command, reference, limit on the ratio of CPU times). Ratios are of CPU time (user +
# system, the waited-for processes included): on a shared machine waiting for a core shows in
# wall time, not in CPU time. The limits are set for 100k visits.
ADD = "wkb visit add"
HLEDGER = "hledger balance -p MONTH"
FLOOR = "floor: CSafeLoader loop"
TARGETS = [
    ("9", ADD, "typer minimal app", 1.15),
    ("17.1", "wkb report --month (warm)", ADD, 1.5),
    ("17.1", "wkb report --month --known-on (warm)", ADD, 1.5),
    ("17.1", "wkb report --year (warm)", ADD, 2.0),
    ("17.1", "wkb rectify list (warm)", ADD, 2.0),
    ("9", "wkb report --month (cold)", HLEDGER, 1.0),
    ("9", "wkb rectify list --status overdue (warm)", HLEDGER, 0.2),
    ("17.2", "wkb validate (1 new visit)", FLOOR, 0.25),
    ("17.2", "wkb validate (cold)", FLOOR, 1.0),
    ("17.3", "wkb validate --staged (the hook, 1 visit)", ADD, 1.5),
    ("17.3", "wkb visit add (auto-commit + hook)", ADD, 3.0),
    ("17.4", "wkb report --month (first run, builds cache)", HLEDGER, 0.4),
]
# (issue, command, peak MiB limit)
MEMORY = [
    ("17.1", "wkb report --month (warm)", 50.0),
    ("17.1", "wkb rectify list --status all --format json", 80.0),
    ("17.4", "wkb report --month (first run, builds cache)", 120.0),
]
# (issue, command, CPU seconds limit): targets given in seconds, not as a ratio
SECONDS = [
    ("14.4", "wkb stats --month (warm)", 0.5),
    ("14.4", "wkb stats --year (warm)", 0.5),
    # warm repeats are answered from the cache; these compute the figures again (one record
    # changed since): the same limit, shown so that a remembered answer cannot hide them
    ("14.4", "wkb stats --month (after one new visit)", 0.5),
    ("14.4", "wkb stats --year (after one new visit)", 0.5),
]
# Growth 10k → 100k (issue 17.5): warm commands cost what their period holds, not the history;
# everything else at most linear.
WARM_GROWTH = 1.3
COLD_GROWTH = 10.0


def verdict(value: float, limit: float) -> str:
    return "ok" if value <= limit else "short"


def print_targets(size: int, results: dict[str, Measured], only: str | None = None) -> None:
    """Each target's ratio (of CPU times), its limit and whether it is met ("short" when not);
    with `only`, that issue's targets."""
    print(f"\n{'target (ratio of CPU times)':82} {'ratio':>7} {'limit':>6}")
    for issue, name, reference, limit in TARGETS:
        label = f"{issue:5} {name} / {reference}"
        if only is not None and issue != only:
            continue
        if reference not in results or name not in results:
            missing = reference if reference not in results else name
            print(f"{label:82} {'-':>7} {limit:6.2f}  (no {missing.split()[0]})")
            continue
        ratio = results[name].cpu_seconds / results[reference].cpu_seconds
        print(f"{label:82} {ratio:7.2f} {limit:6.2f}  {verdict(ratio, limit)}")
    for issue, name, limit in SECONDS:
        if name not in results:
            continue  # not measured (--only)
        cpu = results[name].cpu_seconds
        label = f"{issue:5} {name} CPU s"
        print(f"{label:82} {cpu:7.2f} {limit:6.2f}  {verdict(cpu, limit)}")
    for issue, name, limit in MEMORY:
        if name not in results:
            continue
        peak = results[name].peak_mib
        label = f"{issue:5} {name} peak MiB"
        print(f"{label:82} {peak:7.1f} {limit:6.1f}  {verdict(peak, limit)}")
    if size < 100000:
        print(
            f"(the limits are set for 100k visits; at {size} start-up weighs more in every ratio)"
        )


def print_growth(small: int, large: int, every: dict[int, dict[str, Measured]]) -> None:
    """CPU time at `large` over CPU time at `small`, for every command measured at both."""
    print(f"\n## growth {small} → {large} visits (CPU time; warm ≤ {WARM_GROWTH}×, "
          f"others ≤ {COLD_GROWTH}×)")  # fmt: skip
    for name in every[large]:
        if name not in every[small]:
            continue
        growth = every[large][name].cpu_seconds / every[small][name].cpu_seconds
        limit = WARM_GROWTH if "(warm)" in name else COLD_GROWTH
        mark = "reference" if name in REFERENCES else verdict(growth, limit)
        print(f"17.5  {name:52} {growth:6.2f}×  {mark}")


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
    parser.add_argument(
        "--only", metavar="ISSUE", help="only the commands of one issue's targets, e.g. 17.3"
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
    issues = sorted({str(row[0]) for row in (*TARGETS, *SECONDS, *MEMORY)})
    if args.only is not None and args.only not in issues:
        parser.error(f"--only: one of {', '.join(issues)}, not {args.only!r}")
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
        every[size] = run_size(out, size, runs, wanted_by(args.only))
        print(f"\n## {size} visits")
        print(f"{'command':52} {'median s':>9} {'peak MiB':>9} {'cpu s':>7}")
        for name, result in every[size].items():
            print(
                f"{name:52} {result.seconds:9.3f} {result.peak_mib:9.1f} {result.cpu_seconds:7.3f}"
            )
        print_targets(size, every[size], args.only)
    for small, large in itertools.pairwise(sizes):
        if large == 10 * small:
            print_growth(small, large, every)
    return 0


if __name__ == "__main__":
    sys.exit(main())
