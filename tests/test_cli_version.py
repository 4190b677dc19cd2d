"""`wkb --version` and `-h`: what a newcomer types first."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wkb_tracker import __version__
from wkb_tracker.cli import app
from wkb_tracker.domain.workdays import covered_years
from wkb_tracker.store.root import init_root


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout


def test_version__names_wkb_python_the_records_commit_and_the_holiday_years(tmp_path: Path) -> None:
    root = init_root(tmp_path / "R", git=True)
    head = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    code, out = _run("--root", str(root), "--version")
    assert code == 0
    years = covered_years()
    assert years is not None and years[1] >= 2026  # pyproject: chinesecalendar>=1.11
    assert out.splitlines()[0] == f"wkb {__version__}"
    assert out.splitlines()[1].startswith("Python 3.")
    assert f"{root}:{head}" in out
    assert f"{years[0]}–{years[1]} 年" in out and "pip install -U chinesecalendar" in out


def test_version__in_english_and_outside_a_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = _run("--lang", "en", "--version")
    assert code == 0
    assert "records root: none found" in out and "holidays (chinesecalendar)" in out


@pytest.mark.parametrize(
    "args",
    [("-h",), ("visit", "-h"), ("visit", "add", "-h"), ("report", "-h"), ("rectify", "list", "-h")],
)
def test_dash_h__is_help_everywhere(args: tuple[str, ...]) -> None:
    code, out = _run(*args)
    assert code == 0
    assert "Usage: " in out and "-h" in out
