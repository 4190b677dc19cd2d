#!/usr/bin/env python3
"""Set-up and checks with nothing but Python: `python3 tasks.py demo | test | bench | lint`.

Builds a virtual environment in .venv from this project's own pyproject.toml (re-installed when
pyproject.toml changes), then runs the task inside it. Works the same on Linux and Windows.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

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


def ensure_venv() -> None:
    """Create .venv and install wkb with its dev tools, unless already done for this pyproject."""
    wanted = hashlib.sha256((HERE / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("+ python -m venv .venv", flush=True)
        venv.create(VENV, with_pip=True)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(wanted)


def demo() -> None:
    """The main job on the bundled example records: the monthly compliance report and what is
    still due. The examples end in November 2026, so the demo's "today" is pinned there
    (WKB_TODAY) and it shows the same report on any day it is run."""
    example = HERE / "examples" / "records"
    env = {**os.environ, "WKB_ROOT": str(example)}
    env.setdefault("WKB_TODAY", "2026-11-25")
    print("== 示例数据 / example records: examples/records (fictional) ==", flush=True)
    run(BIN / "wkb", "report", "--month", os.environ.get("WKB_DEMO_MONTH", "2026-10"), env=env)
    run(BIN / "wkb", "report", env=env)
    run(BIN / "wkb", "due", env=env)
    run(BIN / "wkb", "validate", env=env)


def lint() -> None:
    run(PYTHON, "-m", "ruff", "check", "src", "tests", "bench", "tasks.py")
    run(PYTHON, "-m", "mypy")


def test() -> None:
    """ruff, mypy and pytest. `--thorough` gives every property test its full budget
    (tests/budget.py); the default quick profile keeps the run under a minute on 2 cores."""
    args = sys.argv[2:]
    env = dict(os.environ)
    if "--thorough" in args:
        args = [a for a in args if a != "--thorough"]
        env["WKB_THOROUGH"] = "1"
    lint()
    run(PYTHON, "-m", "pytest", *args, env=env)


def bench() -> None:
    run(PYTHON, "bench/run.py", *sys.argv[2:])


TASKS = {"demo": demo, "test": test, "lint": lint, "bench": bench}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(TASKS)}}} [args]")
    ensure_venv()
    TASKS[sys.argv[1]]()
