"""The benchmark's data stays valid for the wkb of today, so `python3 tasks.py bench` cannot rot
unnoticed: what bench/generate.py writes (at a tiny size; no timing here — performance lives in
bench/) passes `wkb validate` and gives the report the benchmark measures."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

from typer.testing import CliRunner

from wkb_tracker.cli import app

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))
from generate import generate  # noqa: E402


def bench_run_module() -> ModuleType:
    """bench/run.py under a name of its own (its constants: the month and "today" it measures)."""
    spec = importlib.util.spec_from_file_location("wkb_bench_run", BENCH / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # @dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


def test_generated_bench_data_validates_clean_and_reports(tmp_path: Path) -> None:
    run = bench_run_module()
    month, today = run.MONTH, run.TODAY
    # Where the benchmark keeps its data by default is outside any records root (the repository
    # is one, and wkb refuses a records root inside another: the bench once broke on exactly that).
    assert run.records_root_around(run.DEFAULT_OUT) is None
    assert run.records_root_around(BENCH / "out") is not None
    root = tmp_path / "bench-data"
    counts = generate(root, 150, seed=7, end=date(2026, 10, 31))
    assert counts["visits"] == 150 and counts["rectifications"] > 0
    runner = CliRunner()
    env = {"WKB_TODAY": today}

    checked = runner.invoke(app, ["--root", str(root), "--lang", "en", "validate"], env=env)
    assert checked.exit_code == 0, checked.output
    assert "no problems" in checked.stdout.lower(), checked.stdout
    assert not checked.stderr, checked.stderr

    report = runner.invoke(
        app, ["--root", str(root), "report", "--month", month, "--format", "json"], env=env
    )
    assert report.exit_code == 0, report.output
    assert not report.stderr, report.stderr
    shown = json.loads(report.stdout)
    assert shown["period"]["label"] == month
    assert sum(leader["contacts"] for leader in shown["leaders"]) > 0
    # Generating again over its own earlier output is allowed; over anything else it is not.
    generate(root, 20, seed=7, end=date(2026, 10, 31))
    other = tmp_path / "someone's records"
    other.mkdir()
    (other / "keep.yaml").write_text("x: 1\n", encoding="utf-8")
    try:
        generate(other, 20, seed=7, end=date(2026, 10, 31))
    except SystemExit as refused:
        assert "not made by bench/generate.py" in str(refused)
    else:
        raise AssertionError("generate.py replaced a folder it did not make")
    assert (other / "keep.yaml").is_file()
