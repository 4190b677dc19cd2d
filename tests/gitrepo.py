"""Real git in temp folders for the collaboration tests: run git, run wkb in-process."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from wkb_tracker.cli import app

VISIT = ("visit", "add", "--district", "东湖", "--entity", "武汉光谷实验室", "--type", "platform")


def git(cwd: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(
        ["git", "-c", "core.quotePath=false", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result.stdout


def wkb(root: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--root", str(root), *args])


def ok(root: Path, *args: str) -> Result:
    result = wkb(root, *args)
    assert result.exit_code == 0, result.stderr
    return result


def init(target: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["init", str(target), *args])


def clean(repo: Path) -> bool:
    return git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def subjects(repo: Path) -> list[str]:
    return git(repo, "log", "--format=%s").splitlines()


def without_identity(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """No git identity anywhere: no GIT_* names, an empty global config that forbids guessing."""
    for name in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{name}_NAME", raising=False)
        monkeypatch.delenv(f"GIT_{name}_EMAIL", raising=False)
    home.mkdir(parents=True, exist_ok=True)
    config = home / "gitconfig"
    config.write_text("[user]\n\tuseConfigOnly = true\n", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
