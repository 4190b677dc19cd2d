"""Real git in temp folders for the collaboration tests: run git, run wkb in-process."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
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


_TEMPLATES: dict[str, Path] = {}


def from_template(
    name: str, target: Path, build: Callable[[Path], None], factory: pytest.TempPathFactory
) -> None:
    """Fill the folder `target` with what `build(folder)` makes in an empty folder: built once per
    test process (in the test's own pinned environment, on first use) and copied for every test
    after, with each repository's remote paths pointed at the copy. Copying a few repositories
    costs a tenth of making them again with a dozen git and wkb commands."""
    template = _TEMPLATES.get(name)
    if template is None:
        template = factory.mktemp(f"template-{name}")
        build(template)
        _TEMPLATES[name] = template
    shutil.copytree(template, target, symlinks=True, dirs_exist_ok=True)
    old, new = str(template), str(target)
    for config in [*target.glob("*/.git/config"), *target.glob("*.git/config")]:
        text = config.read_text(encoding="utf-8")
        if old in text:
            config.write_text(text.replace(old, new), encoding="utf-8")
