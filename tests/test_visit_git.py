"""Visits under concurrency and git: parallel adds, per-record commits, clones that merge cleanly."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import inprocess
from wkb_tracker.cli import app
from wkb_tracker.store.loader import load
from wkb_tracker.store.root import init_root
from wkb_tracker.store.validation import validate

ADD = ("visit", "add", "--district", "东湖", "--entity", "武汉光谷实验室", "--type", "platform")


@pytest.fixture(autouse=True)
def _not_interactive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WKB_INTERACTIVE", raising=False)


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=测试员", "-c", "user.email=test@example.invalid", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--root", str(root), *args])


def add(root: Path, *args: str) -> dict:
    result = run(root, *ADD, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A records root in git (auto_commit on, as `wkb init` makes it, with its first commit)."""
    created = init_root(tmp_path / "origin", git=True)
    git(created, "config", "user.name", "测试员")  # the recorder, whatever this machine's config
    return created


def test_visit_add__twenty_processes_at_once_give_twenty_valid_files(
    root: Path, tmp_path: Path
) -> None:
    """Twenty processes (forked, released at one moment) add a visit each to the same folder."""

    def clerk(number: int) -> int:
        return inprocess.run(
            ["--root", str(root), *ADD, "--date", "2026-11-03", "--summary", str(number)]
        )

    inprocess.warm(*ADD, "--date", "2026-11-03")
    assert inprocess.workers(20, clerk, errors=tmp_path) == [0] * 20
    assert [(tmp_path / f"{n}.err").read_bytes() for n in range(20)] == [b""] * 20
    files = list((root / "data/visits/2026/11").glob("*.yaml"))
    assert len(files) == 20
    data = load(root)
    assert validate(data) == []
    assert sorted(v.summary for v in data.visits) == sorted(str(n) for n in range(20))
    assert len({v.id for v in data.visits}) == 20


def test_visit_add__auto_commit_commits_the_file_alone(origin: Path) -> None:
    (origin / "notes.txt").write_text("not a record\n", encoding="utf-8")
    view = add(origin, "--date", "2026-11-03")
    subject = git(origin, "log", "-1", "--format=%s").strip()
    assert subject == f"visit: 胡军 东湖高新区 2026-11-03 ({view['id']}) by 测试员"
    committed = git(origin, "show", "--name-only", "--format=", "HEAD").split()
    assert committed == [view["path"]]
    assert git(origin, "status", "--porcelain").strip() == "?? notes.txt"


def test_visit_void_and_edit__commit_with_their_own_messages(origin: Path, monkeypatch) -> None:
    view = add(origin, "--date", "2026-11-03")
    assert run(origin, "visit", "void", view["id"], "--reason", "错录").exit_code == 0
    assert git(origin, "log", "-1", "--format=%s").strip() == (
        f"visit void: 胡军 东湖高新区 2026-11-03 ({view['id']}) by 测试员"
    )
    other = add(origin, "--date", "2026-11-04")
    monkeypatch.setenv("EDITOR", "sed -i s/武汉光谷实验室/湖北实验室/")
    assert run(origin, "visit", "edit", other["id"]).exit_code == 0
    assert git(origin, "log", "-1", "--format=%s").strip() == (
        f"visit edit: 胡军 东湖高新区 2026-11-04 ({other['id']}) by 测试员"
    )
    assert git(origin, "status", "--porcelain") == ""


def test_visit_add__no_commit_overrides_the_config(origin: Path) -> None:
    view = add(origin, "--date", "2026-11-03", "--no-commit")
    assert git(origin, "status", "--porcelain").strip() == "?? data/visits/2026/"
    assert (origin / view["path"]).is_file()


def test_visit_add__commit_option_without_git_warns_and_keeps_the_file(root) -> None:
    result = run(root, *ADD, "--date", "2026-11-03", "--commit")
    assert result.exit_code == 0
    assert result.stderr == "警告:记录根目录不是 git 仓库,未提交\n"
    assert len(list((root / "data/visits").rglob("*.yaml"))) == 1


def test_visit_add__a_failed_commit_warns_and_keeps_the_file(origin: Path) -> None:
    hook = origin / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho refused by hook >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    result = run(origin, *ADD, "--date", "2026-11-03")
    assert result.exit_code == 0
    assert result.stderr == "警告:git 提交失败(refused by hook);记录已保存,未提交\n"
    assert len(list((origin / "data/visits").rglob("*.yaml"))) == 1


def test_visit_add__two_clones_merge_without_conflict(origin: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "clerk-a", tmp_path / "clerk-b"
    git(tmp_path, "clone", "-q", str(origin), str(first))
    git(tmp_path, "clone", "-q", str(origin), str(second))
    mine = [add(first, "--date", day)["id"] for day in ("2026-11-03", "2026-11-03", "2026-11-05")]
    theirs = [add(second, "--date", day)["id"] for day in ("2026-11-03", "2026-11-04")]
    git(first, "pull", "-q", "--no-rebase", "--no-edit", str(second))
    git(second, "pull", "-q", "--no-rebase", "--no-edit", str(first))
    for clone in (first, second):
        assert git(clone, "status", "--porcelain") == ""
        data = load(clone)
        assert validate(data) == []
        assert sorted(v.id for v in data.visits) == sorted(mine + theirs)
        assert run(clone, "validate").exit_code == 0


def test_rectify_add__commit_option_without_git_warns_as_visit_add_does(root) -> None:
    """One commit helper (issue 12.2): the same warning, in one language, for every command."""
    args = ("rectify", "add", "--district", "donghu", "--source", "自查", "--problem", "问题")
    result = run(root, *args, "--commit")
    assert result.exit_code == 0
    assert result.stderr == "警告:记录根目录不是 git 仓库,未提交\n"
    english = run(root, "--lang", "en", *args, "--commit")
    assert english.stderr == "warning: the records root is not a git repository; not committed\n"
