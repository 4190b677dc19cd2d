#!/usr/bin/env python3
"""Set-up and checks with nothing but Python: `python3 tasks.py demo | test | test-lowest | coverage | bench | lint |
check-outputs`.

Builds a virtual environment in .venv from this project's own pyproject.toml (re-installed when
pyproject.toml changes), then runs the task inside it. Works the same on Linux and Windows.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

NEEDED = (3, 11)  # pyproject.toml: requires-python = ">=3.11"

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".wkb-installed"


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=HERE, env=env)
    if result.returncode != 0:
        sys.exit(result.returncode)


def check_python() -> None:
    """Say which Python is needed before doing anything (pip would fail 12 s later, obscurely)."""
    if sys.version_info < NEEDED:
        have = ".".join(map(str, sys.version_info[:3]))
        need = ".".join(map(str, NEEDED))
        sys.exit(
            f"wkb 需要 Python {need} 或更新版本,当前是 {have}({sys.executable})。"
            f"请安装 Python {need}+ 后用它运行:python{need} tasks.py ...\n"
            f"wkb needs Python {need} or newer; this is {have} ({sys.executable}). "
            f"Install Python {need}+ and run tasks.py with it."
        )


def wanted_stamp() -> str:
    """What the installed .venv must match: this pyproject and this Python (version and path)."""
    digest = hashlib.sha256((HERE / "pyproject.toml").read_bytes()).hexdigest()
    return f"{digest} {sys.version_info[0]}.{sys.version_info[1]} {Path(sys.executable).resolve()}"


def venv_python_works() -> bool:
    if not PYTHON.exists():
        return False
    probe = subprocess.run(
        [str(PYTHON), "-c", "import sys; print(sys.version_info[:2] >= (3, 11))"],
        capture_output=True,
        text=True,
    )
    return probe.returncode == 0 and probe.stdout.strip() == "True"


def ensure_venv() -> None:
    """Create .venv and install wkb with its dev tools, unless already done for this pyproject
    and this Python. A .venv made by another Python, or left half-installed by a failed run, is
    rebuilt from scratch (the stamp is written only after a complete install)."""
    wanted = wanted_stamp()
    stamp = STAMP.read_text(encoding="utf-8") if STAMP.exists() else ""
    if stamp == wanted and venv_python_works():
        return
    made_by = stamp.partition(" ")[2]  # empty in stamps written before the Python was recorded
    same_python = made_by in ("", wanted.partition(" ")[2])
    if VENV.exists() and not (stamp and same_python and venv_python_works()):
        print(
            "+ .venv 不完整或由其他 Python 创建,重建 / .venv is stale or broken: rebuilding",
            flush=True,
        )
        shutil.rmtree(VENV)
    if not PYTHON.exists():
        print("+ python -m venv .venv", flush=True)
        venv.create(VENV, with_pip=True)
    STAMP.unlink(missing_ok=True)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(wanted, encoding="utf-8")


def demo() -> None:
    """The main job on the bundled example records: the monthly compliance report and what is
    still due. The examples end in November 2026, so the demo's "today" is pinned there
    (WKB_TODAY) and it shows the same report on any day it is run."""
    example = HERE / "examples" / "records"
    env = {**os.environ, "WKB_ROOT": str(example)}
    env.setdefault("WKB_TODAY", "2026-11-25")
    print("== 示例数据 / example records: examples/records (fictional) ==", flush=True)
    month = os.environ.get("WKB_DEMO_MONTH", "2026-10")
    run(BIN / "wkb", "report", "--month", month, env=env)
    run(BIN / "wkb", "report", env=env)
    run(BIN / "wkb", "due", env=env)
    run(BIN / "wkb", "validate", env=env)
    print("\n== 创新主体登记册 / the entity register (issue 14) ==", flush=True)
    run(BIN / "wkb", "entity", "list", env=env)
    run(BIN / "wkb", "entity", "show", "长江数智", env=env)
    demo_outputs(env, month)
    on_path = BIN / "wkb"
    print(
        f"\n== 在任何目录使用 wkb / to use wkb anywhere ==\n"
        f"  直接运行 / run it directly: {on_path}\n"
        + (
            f"  或激活环境 / or activate: {VENV}\\Scripts\\activate\n"
            if os.name == "nt"
            else f"  或激活环境 / or activate: . {VENV}/bin/activate\n"
        )
        + "  日常安装见 README「日常安装」/ for daily use see README, 'Install for daily use'",
        flush=True,
    )


DEMO_OUT = HERE / "demo-out"  # git-ignored


def demo_outputs(env: dict[str, str], month: str) -> None:
    """The office's files for the example month (issue 13): the workbook, the one-file HTML page
    (also for the year, with its twelve-month heat map) and the Word 通报, in demo-out/."""
    print(f"\n== 办公室文件 / office files: {DEMO_OUT.name}/ ==", flush=True)
    DEMO_OUT.mkdir(exist_ok=True)
    year = month[:4]
    for args in (
        ["report", "--month", month, "--output", str(DEMO_OUT / f"report-{month}.xlsx")],
        ["report", "--month", month, "--output", str(DEMO_OUT / f"report-{month}.html")],
        ["report", "--year", year, "--output", str(DEMO_OUT / f"report-{year}.html")],
        ["bulletin", "--month", month, "--output", str(DEMO_OUT / f"bulletin-{month}.docx")],
    ):
        run(BIN / "wkb", *args, env=env)


def check_outputs() -> None:
    """demo-out/ opened as its readers would: headless Chromium for the HTML (a screenshot
    beside it), LibreOffice → PDF → pdftotext for the workbook and the 通报, where installed."""
    example = HERE / "examples" / "records"
    env = {**os.environ, "WKB_ROOT": str(example)}
    env.setdefault("WKB_TODAY", "2026-11-25")
    demo_outputs(env, os.environ.get("WKB_DEMO_MONTH", "2026-10"))
    run(PYTHON, "scripts/check_outputs.py", DEMO_OUT)


RUFF = ("-m", "ruff", "check", "src", "tests", "bench", "scripts", "tasks.py")
MYPY = ("-m", "mypy")


def lint() -> None:
    run(PYTHON, *RUFF)
    run(PYTHON, *MYPY)


def test() -> None:
    """ruff, then mypy and pytest side by side. `--thorough` gives every property test its full
    budget (tests/budget.py); the default quick profile keeps the run under a minute on 2 cores."""
    args = sys.argv[2:]
    env = dict(os.environ)
    if "--thorough" in args:
        args = [a for a in args if a != "--thorough"]
        env["WKB_THOROUGH"] = "1"
    if not any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in args):
        # one pytest worker per core (pytest-xdist); `-n 0` runs everything in this process
        args = ["-n", str(max(1, min(4, os.cpu_count() or 1))), *args]
    if not any(a.startswith("--dist") for a in args):
        # a worker that runs out of tests takes half of another's queue: with the default
        # (`load`) one worker was seen finishing 16 s after the other (2026-12-02, load 8-12)
        args = ["--dist", "worksteal", *args]
    keep_bytecode(env)
    args = [*in_memory_temp(env, args), *args]
    run(PYTHON, *RUFF)
    sys.exit(alongside((PYTHON, *MYPY), (PYTHON, "-m", "pytest", *args), env=env))


PYCACHE = VENV / "pycache"


def keep_bytecode(env: dict[str, str]) -> None:
    """Under PYTHONDONTWRITEBYTECODE every Python the suite starts (each xdist worker, each git
    hook, each `python -m wkb_tracker`) compiles wkb and the test modules from source again:
    measured 2026-12-02, 138 s of CPU for the suite instead of 88 s. For the tests, bytecode is
    kept in .venv/pycache (PYTHONPYCACHEPREFIX), so still nothing is written beside the sources,
    which is what that setting is usually for."""
    if env.pop("PYTHONDONTWRITEBYTECODE", ""):
        env.setdefault("PYTHONPYCACHEPREFIX", str(PYCACHE))


SHM = Path("/dev/shm")
SHM_NEEDED = 2 * 1024**3  # one run writes ~260 MB of temp folders (2026-12-02); room to spare


def in_memory_temp(env: dict[str, str], args: list[str]) -> list[str]:
    """pytest's temp folders in memory (/dev/shm, Linux's tmpfs) where there is room: each test
    makes a records root, many a git repository and a cache database, and on the VM's disk those
    writes and syncs cost ~40% of the wall time of the file-heavy tests (interleaved, load 6:
    36 s → 21 s and 55 s → 28 s for five files, their sys time halved). Folders of passing tests
    are removed as they pass (`tmp_path_retention_policy=failed`), so a run leaves behind only
    what a failure needs. A temp root or --basetemp of the user's own is kept. Returns the
    options to put before `args`."""
    if "PYTEST_DEBUG_TEMPROOT" in env or any(a.startswith("--basetemp") for a in args):
        return []
    try:
        free = os.statvfs(SHM)  # no /dev/shm (Windows, macOS): the default temp folder
    except (OSError, AttributeError):
        return []
    if free.f_bavail * free.f_frsize < SHM_NEEDED or not os.access(SHM, os.W_OK | os.X_OK):
        return []
    env["PYTEST_DEBUG_TEMPROOT"] = str(SHM)
    return ["-o", "tmp_path_retention_policy=failed"]


def alongside(
    background: tuple[str | Path, ...], foreground: tuple[str | Path, ...], env: dict[str, str]
) -> int:
    """Run `background` (output captured) while `foreground` runs on the terminal, then print the
    background's output after the foreground's; the first non-zero exit code, else 0.

    mypy checks cold in ~4 s of CPU on one core (5-10 s wall on a busy machine): run in
    sequence, that was added whole to `python3 tasks.py test`; side by side it shares the cores
    with pytest's workers. Its output is held back so the two never interleave."""
    print("+", " ".join(str(a) for a in background), "(alongside / 同时运行)", flush=True)
    with tempfile.TemporaryFile() as captured:
        checker = subprocess.Popen(
            [str(a) for a in background], cwd=HERE, stdout=captured, stderr=subprocess.STDOUT
        )
        try:
            print("+", " ".join(str(a) for a in foreground), flush=True)
            ran = subprocess.run([str(a) for a in foreground], cwd=HERE, env=env).returncode
            checked = checker.wait()
        finally:
            if checker.poll() is None:  # pytest interrupted (Ctrl-C): stop mypy too
                checker.kill()
                checker.wait()
        captured.seek(0)
        print("+", " ".join(str(a) for a in background), flush=True)
        sys.stdout.flush()
        sys.stdout.buffer.write(captured.read())
        sys.stdout.flush()
    return ran or checked


def coverage() -> None:
    """pytest on every core with line coverage of src/wkb_tracker; fails under 93% (pyproject
    [tool.coverage.report]). Kept out of `test`, whose time it would raise."""
    args = sys.argv[2:]
    if not any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in args):
        args = ["-n", str(max(1, min(4, os.cpu_count() or 1))), *args]
    run(PYTHON, "-m", "pytest", "--cov", "--cov-report=term", *args)


LOWEST = HERE / ".venv-lowest"
LOWEST_PINS = HERE / "constraints-lowest.txt"  # the `>=` minimums of pyproject.toml, pinned


def test_lowest() -> None:
    """pytest with the LOWEST versions pyproject.toml allows (constraints-lowest.txt), in its own
    .venv-lowest: the ranges in pyproject.toml are the ones actually tested."""
    python = LOWEST / ("Scripts" if os.name == "nt" else "bin") / PYTHON.name
    if not python.exists():
        print("+ python -m venv .venv-lowest", flush=True)
        venv.create(LOWEST, with_pip=True)
    run(python, "-m", "pip", "install", "--quiet", "-c", LOWEST_PINS, "-e", ".[dev]")
    run(python, "-m", "pytest", *sys.argv[2:])


def bench() -> None:
    run(PYTHON, "bench/run.py", *sys.argv[2:])


def wheel() -> None:
    """Build dist/wkb_tracker-VERSION-py3-none-any.whl for a daily-use install (pipx / uv tool /
    pip --user on another desk), with the notice's data bundled inside."""
    run(PYTHON, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", "dist", ".")
    built = sorted((HERE / "dist").glob("wkb_tracker-*.whl"))
    print(f"\n已生成 / built: {built[-1] if built else 'dist/'}")
    print("安装 / install:  pipx install <wheel>   或 / or   uv tool install <wheel>")


TASKS = {
    "demo": demo,
    "test": test,
    "test-lowest": test_lowest,
    "coverage": coverage,
    "lint": lint,
    "bench": bench,
    "wheel": wheel,
    "check-outputs": check_outputs,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(TASKS)}}} [args]")
    check_python()
    ensure_venv()
    TASKS[sys.argv[1]]()
