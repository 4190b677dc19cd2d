"""A records repository that clones, and every change committed (issue 10.1, 10.2, 11.12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import inprocess
from gitrepo import VISIT, clean, from_template, git, init, ok, subjects, without_identity, wkb
from wkb_tracker.store import gitops
from wkb_tracker.store.loader import load
from wkb_tracker.store.root import init_root
from wkb_tracker.store.validation import validate

FIRST_COMMIT = {
    ".gitattributes",
    ".gitignore",
    "wkb.toml",
    "data/measures.yaml",
    "data/districts.yaml",
    "data/visits/.gitkeep",
    "data/rectifications/.gitkeep",
    "data/sealed/.gitkeep",
}


@pytest.fixture(autouse=True)
def _not_interactive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WKB_INTERACTIVE", raising=False)


def _records(folder: Path) -> None:
    root = folder / "records"
    assert init(root).exit_code == 0
    git(root, "config", "user.name", "测试员")


@pytest.fixture
def records(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`wkb init` with git: auto_commit on, its first commit made, recorder 测试员 (git user.name).
    Made once per worker and copied (the init tests below still run `wkb init` themselves)."""
    from_template("collab-records", tmp_path, _records, tmp_path_factory)
    return tmp_path / "records"


# -- 10.1 a records repository that clones ------------------------------------------------------


def test_init__first_commit_holds_everything_a_clone_needs(records: Path) -> None:
    assert clean(records)
    assert set(git(records, "ls-files").split()) == FIRST_COMMIT
    assert [subject.split(" by ")[0] for subject in subjects(records)] == ["wkb init: records root"]
    ignored = (records / ".gitignore").read_text(encoding="utf-8").split()
    assert ignored == [".wkb-cache/", "wkb.local.toml"]
    assert git(records, "check-attr", "text", "--", "data/visits/2026/11/x.yaml").strip() == (
        "data/visits/2026/11/x.yaml: text: unset"
    )


def test_clone__every_command_works_at_once(records: Path, tmp_path: Path) -> None:
    remote = tmp_path / "office.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(records, "push", "-q", str(remote), "HEAD:refs/heads/main")
    clone = tmp_path / "clerk"
    git(tmp_path, "clone", "-q", "-b", "main", str(remote), str(clone))
    git(clone, "config", "user.name", "李四")
    view = ok(clone, *VISIT, "--date", "2026-11-03", "--problem", "缺场地", "--format", "json")
    item = ok(clone, "rectify", "list", "--format", "json").stdout
    assert "缺场地" in item
    for args in (
        ("report", "--month", "2026-11"),
        ("validate",),
        ("month", "status"),
        ("districts",),
        ("rectify", "list"),
        ("due",),
    ):
        ok(clone, *args)
    assert clean(clone)
    assert subjects(clone)[0].startswith("visit: 胡军 东湖高新区 2026-11-03 (")
    assert subjects(clone)[0].endswith(") by 李四")
    assert view.exit_code == 0


def test_init__in_a_clone_of_an_empty_remote_commits_there(tmp_path: Path) -> None:
    remote = tmp_path / "office.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(tmp_path, "clone", "-q", str(remote), str(tmp_path / "clone"))
    clone = tmp_path / "clone"
    result = init(clone)
    assert result.exit_code == 0, result.stderr
    assert clean(clone)
    assert set(git(clone, "ls-files").split()) == FIRST_COMMIT
    git(clone, "push", "-q", "origin", "HEAD")
    assert git(tmp_path / "office.git", "ls-tree", "-r", "--name-only", "HEAD").split() == sorted(
        FIRST_COMMIT
    )


def test_init__a_sub_folder_of_a_larger_repository(tmp_path: Path) -> None:
    repo = tmp_path / "office"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "README.txt").write_text("office files\n", encoding="utf-8")
    (repo / "draft.txt").write_text("not mine to commit\n", encoding="utf-8")
    git(repo, "add", "README.txt", "draft.txt")
    git(repo, "commit", "-qm", "office")
    (repo / "README.txt").write_text("changed, not staged\n", encoding="utf-8")
    root = repo / "台账" / "records"
    assert init(root).exit_code == 0
    assert not (root / ".git").exists()
    assert set(git(repo, "show", "--name-only", "--format=", "HEAD").split()) == {
        f"台账/records/{path}" for path in FIRST_COMMIT
    }
    assert git(repo, "status", "--porcelain") == " M README.txt\n"
    ok(root, *VISIT, "--date", "2026-11-03")
    assert git(repo, "status", "--porcelain") == " M README.txt\n"
    assert subjects(repo)[0].startswith("visit: ")


def test_init__refuses_nested_git_init_and_without_git_still_works(tmp_path: Path) -> None:
    result = init(tmp_path / "plain", "--no-git")
    assert result.exit_code == 0
    assert not (tmp_path / "plain" / ".git").exists()
    assert (tmp_path / "plain" / ".gitattributes").is_file()


def test_init__keeps_the_lines_of_existing_ignore_and_attribute_files(tmp_path: Path) -> None:
    target = tmp_path / "clone"
    target.mkdir()
    git(target, "init", "-q")
    (target / ".gitignore").write_bytes(b"*.bak")
    assert init(target).exit_code == 0
    assert (target / ".gitignore").read_bytes() == b"*.bak\n.wkb-cache/\nwkb.local.toml\n"
    assert clean(target)


# -- 11.12 the hook finds the records roots ---------------------------------------------------


def test_hook__validates_a_root_in_a_sub_folder_and_is_written_with_lf(tmp_path: Path) -> None:
    repo = tmp_path / "office"
    repo.mkdir()
    git(repo, "init", "-q")
    root = repo / "records"
    assert init(root).exit_code == 0
    result = ok(root, "hook", "install")
    hook = Path(result.stdout.split(":", 1)[1].strip())
    assert hook == repo.resolve() / ".git/hooks/pre-commit"  # said plainly, not records/../.git
    data = hook.read_bytes()
    assert data.startswith(b"#!/bin/sh\n") and b"\r" not in data
    # A second root in the same repository: its first commit passes the hook (which ran).
    second = repo / "second"
    assert init(second).exit_code == 0
    assert clean(repo)
    assert subjects(repo)[0] == subjects(repo)[1]  # both "wkb init: records root by …"
    bad = root / "data/visits/2026/11/bad.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text("id: V20261103-AAAAAA\ndate: 2026-11-03\nleader: 无名氏\n", encoding="utf-8")
    git(repo, "add", "records/data/visits/2026/11/bad.yaml")
    blocked = subprocess.run(
        ["git", "commit", "-qm", "bad"], cwd=repo, capture_output=True, text=True, check=False
    )
    assert blocked.returncode != 0
    assert "wkb validate --staged records\n" in blocked.stderr
    assert "data/visits/2026/11/bad.yaml:1: 缺少字段 district\n" in blocked.stderr
    assert "wkb: 提交被拦下:pre-commit 钩子的 wkb validate 发现问题" in blocked.stderr


@pytest.mark.parametrize(
    ("how", "said"),
    [
        ("default", "git 提交失败(wkb: 提交被拦下:pre-commit 钩子的 wkb validate 发现问题"),
        ("WKB_LANG", "git commit failed (wkb: commit blocked: the pre-commit hook's wkb validate"),
        ("config", "git commit failed (wkb: commit blocked: the pre-commit hook's wkb validate"),
    ],
    ids=["zh", "WKB_LANG-en", "config-en"],
)
def test_hook__a_blocked_commit_is_named_in_the_users_language(
    records: Path, monkeypatch: pytest.MonkeyPatch, how: str, said: str
) -> None:
    """Not the hook's first line (`wkb validate .`) but its verdict, in the user's language.
    (A commit of wkb.toml runs the full validate, which reads the broken file in the work tree;
    a commit of records checks just those: tests/test_hook_staged.py.)"""
    ok(records, "hook", "install")
    if how == "WKB_LANG":
        monkeypatch.setenv("WKB_LANG", "en")
    elif how == "config":
        ok(records, "config", "set", "lang", "en")
    bad = records / "data/visits/2026/11/bad.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text("id: V20261103-AAAAAA\n", encoding="utf-8")
    result = wkb(records, "config", "set", "due_soon_days", "10")
    assert result.exit_code == 0, result.stderr
    assert said in result.stderr
    assert git(records, "diff", "--cached", "--name-only") == ""  # nothing left staged


@pytest.mark.parametrize("wkb_on_path", [True, False], ids=["python-on-path", "none"])
def test_hook__its_python_gone_falls_back_to_path_or_blocks_with_the_repair(
    records: Path, tmp_path: Path, wkb_on_path: bool
) -> None:
    """A hook installed by a virtual environment that was since removed (rebuilt, moved, or the
    records copied from another machine) must not fail with `exec: …: not found`."""
    hook = Path(ok(records, "hook", "install").stdout.split(":", 1)[1].strip())
    gone = str(tmp_path / "removed-venv/bin/python")
    hook.write_bytes(hook.read_bytes().replace(sys.executable.encode(), gone.encode()))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if wkb_on_path:  # a python3 on PATH that has wkb (a wrapper: a venv needs its own path)
        wrapper = bin_dir / "python3"
        wrapper.write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n', encoding="utf-8")
        wrapper.chmod(0o755)
    for name in ("git", "sh", "cat"):  # PATH holds no other Python (nor one with wkb)
        found = subprocess.run(["which", name], capture_output=True, text=True, check=True)
        (bin_dir / name).symlink_to(found.stdout.strip())
    bad = records / "data/visits/2026/11/bad.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text("id: V20261103-AAAAAA\n", encoding="utf-8")
    git(records, "add", "data/visits/2026/11/bad.yaml")
    env = {**os.environ, "PATH": str(bin_dir)}
    blocked = subprocess.run(
        ["git", "commit", "-qm", "bad"],
        cwd=records,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert blocked.returncode != 0
    assert "not found" not in blocked.stderr
    if wkb_on_path:  # the record was validated by the Python found on PATH
        assert "data/visits/2026/11/bad.yaml:1: 缺少字段" in blocked.stderr
    else:
        assert blocked.stderr.startswith(
            f"wkb: pre-commit 钩子找不到安装它的 Python({gone}),请重新运行 wkb hook install\n"
        )


def test_hook__one_diff_finds_what_each_root_stages(tmp_path: Path) -> None:
    """The hook reads git's index once (one `git diff --cached` for the repository): the roots it
    finds, and what each stages, are those `git ls-files` and a diff in each root give. A root
    the commit does not touch (b), and one whose wkb.toml the commit deletes (c), are not
    checked; one the commit creates (e) is."""
    from wkb_tracker.store.hook import _touched_roots, records_roots
    from wkb_tracker.store.staged import staged_changes

    repo = tmp_path / "office"
    repo.mkdir()
    git(repo, "init", "-q")
    for name in ("a", "b", "c"):
        assert init(repo / name).exit_code == 0
    (repo / "README").write_text("x\n", encoding="utf-8")
    new_visit = "data/visits/2026/11/2026-11-03_donghu_V20261103-AAAAAA.yaml"
    for name in ("a", "c"):
        (repo / name / new_visit).parent.mkdir(parents=True)
        (repo / name / new_visit).write_text("id: V20261103-AAAAAA\n", encoding="utf-8")
    git(repo, "add", "README", f"a/{new_visit}", f"c/{new_visit}")
    git(repo, "rm", "-q", "--cached", "c/wkb.toml")  # c stops being a root
    assert init(repo / "d").exit_code == 0  # a new root, committed by init
    (repo / "d" / "data/measures.yaml").write_text("x\n", encoding="utf-8")
    git(repo, "add", "d/data/measures.yaml")
    assert init(repo / "e", "--no-git").exit_code == 0
    git(repo, "add", "e/wkb.toml")  # a root the commit creates
    found = _touched_roots(repo)
    assert sorted(found) == [repo / "a", repo / "d", repo / "e"]
    every = records_roots(repo)
    assert set(found) <= set(every)
    for root in every:
        if root in found:
            assert found[root] == staged_changes(root), root
        else:
            assert staged_changes(root).files == () and not staged_changes(root).full, root
    assert found[repo / "a"].files == (new_visit,)
    assert found[repo / "d"].full and found[repo / "e"].full  # the table, wkb.toml: in full


def test_hook__a_repository_without_commits_is_read_with_the_same_diff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Before the first commit there is no HEAD: `git diff --cached` then shows every staged
    file as added (git-diff(1): "If HEAD does not exist (e.g. unborn branches) … it shows all
    staged changes"), so the hook's one diff serves here too. The root's own wkb.toml is among
    them: the root is checked in full, and a bad visit blocks the first commit."""
    from wkb_tracker.store.hook import _touched_roots, run_hook
    from wkb_tracker.store.staged import Staged

    repo = tmp_path / "fresh"
    assert init(repo, "--no-git").exit_code == 0
    git(repo, "init", "-q")
    bad = repo / "data/visits/2026/11/bad.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text("id: V20261103-AAAAAA\n", encoding="utf-8")
    git(repo, "add", "-A")
    assert git(repo, "rev-parse", "-q", "--verify", "HEAD", check=False) == ""  # no commit
    listed = git(repo, "diff", "--cached", "--name-status")  # succeeds (git() checks)
    assert "A\tdata/visits/2026/11/bad.yaml\n" in listed and "A\twkb.toml\n" in listed
    assert _touched_roots(repo) == {repo: Staged((), True)}
    monkeypatch.chdir(repo)
    assert run_hook() == 1
    assert "data/visits/2026/11/bad.yaml:1: 缺少字段" in capfd.readouterr().err


def test_hook__nothing_to_validate_outside_roots_passes(tmp_path: Path) -> None:
    repo = tmp_path / "plain"
    repo.mkdir()
    git(repo, "init", "-q")
    root = repo / "records"
    assert init(root, "--no-git").exit_code == 0  # not staged: the hook has no root to check
    ok(root, "hook", "install")
    (repo / "a.txt").write_text("a\n", encoding="utf-8")
    git(repo, "add", "a.txt")
    git(repo, "commit", "-qm", "a")


# -- 10.2 every change is committed ------------------------------------------------------------


def test_commit__assign_close_and_config_name_action_person_and_ids(records: Path) -> None:
    ok(records, "districts", "assign", "东湖", "--leader", "赵峰", "--from", "2026-12-01")
    ok(records, "month", "close", "2026-10")
    ok(records, "config", "set", "due_soon_days", "10")
    assert subjects(records)[:3] == [
        "config set: due_soon_days = 10 by 测试员",
        "month close: 2026-10 0 visits by 测试员",
        "districts assign: 东湖高新区 from 2026-12-01 赵峰 (donghu) by 测试员",
    ]
    assert clean(records)


def test_commit__no_commit_option_and_auto_commit_off(records: Path) -> None:
    ok(
        records,
        "districts",
        "assign",
        "东湖",
        "--leader",
        "赵峰",
        "--from",
        "2026-12-01",
        "--no-commit",
    )
    assert git(records, "status", "--porcelain") == " M data/districts.yaml\n"


@pytest.mark.parametrize(
    "args",
    [
        (*VISIT, "--date", "2026-11-03", "--problem", "缺场地"),
        ("rectify", "add", "--problem", "p", "--district", "东湖", "--source", "自查"),
        ("districts", "assign", "东湖", "--leader", "赵峰", "--from", "2026-12-01"),
        ("month", "close", "2026-10"),
        ("config", "set", "due_soon_days", "10"),
    ],
    ids=["visit", "rectify", "assign", "close", "config"],
)
def test_commit__without_git_identity_refuses_before_writing(
    records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    git(records, "config", "--unset", "user.name")
    without_identity(monkeypatch, tmp_path / "home")
    result = wkb(records, *args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "git config --global user.name" in result.stderr
    assert clean(records)


def test_init__without_git_identity_refuses_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_identity(monkeypatch, tmp_path / "home")
    result = init(tmp_path / "new")
    assert result.exit_code == 2
    assert "git config --global user.email" in result.stderr
    assert not (tmp_path / "new").exists()
    assert init(tmp_path / "new", "--no-git").exit_code == 0  # without git it still works


def test_commit__a_failed_commit_is_one_line_and_leaves_nothing_staged(records: Path) -> None:
    hook = records / ".git/hooks/pre-commit"
    hook.write_bytes(b"#!/bin/sh\necho first >&2\necho 'error: refused by policy' >&2\nexit 1\n")
    hook.chmod(0o755)
    result = wkb(records, *VISIT, "--date", "2026-11-03", "--problem", "缺场地")
    assert result.exit_code == 0
    assert result.stderr == "警告:git 提交失败(error: refused by policy);记录已保存,未提交\n"
    status = git(records, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert status and all(line.startswith("?? ") for line in status)  # nothing staged


def test_commit__waits_for_a_foreign_index_lock(records: Path) -> None:
    lock = records / ".git/index.lock"
    lock.write_bytes(b"")
    release = threading.Timer(0.3, lock.unlink)
    release.start()
    try:
        result = wkb(records, *VISIT, "--date", "2026-11-03")
    finally:
        release.join()
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert clean(records)


def test_commit__gives_up_on_a_lock_that_stays_and_unstages(
    records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gitops, "_RETRY_DELAYS", (0.01, 0.01))
    (records / "data/visits/a.yaml").write_text("x: 1\n", encoding="utf-8")
    git(records, "add", "data/visits/a.yaml")
    (records / ".git/index.lock").write_bytes(b"")
    failure = gitops.commit(records, ["data/visits/a.yaml"], "m")
    assert failure is not None and "index.lock" in failure
    (records / ".git/index.lock").unlink()


def test_visit_add__twenty_processes_commit_every_record(records: Path, tmp_path: Path) -> None:
    """Twenty processes (forked, released at one moment) add a visit each with auto-commit: every
    record and its item is committed, one commit each, none lost to git's index lock."""

    def clerk(number: int) -> int:
        args = [*VISIT, "--date", "2026-11-03", "--problem", f"问题{number}"]
        return inprocess.run(["--root", str(records), *args, "--summary", str(number)])

    inprocess.warm(*VISIT, "--date", "2026-11-03", "--problem", "问题")
    assert inprocess.workers(20, clerk, errors=tmp_path) == [0] * 20
    assert [(tmp_path / f"{n}.err").read_bytes() for n in range(20)] == [b""] * 20
    assert clean(records)
    assert len(subjects(records)) == 21
    tracked = git(records, "ls-files", "data/visits", "data/rectifications").split()
    assert len([path for path in tracked if path.endswith(".yaml")]) == 40
    assert validate(load(records)) == []


def test_init_root__library_call_commits_too(tmp_path: Path) -> None:
    root = init_root(tmp_path / "lib", git=True)
    assert clean(root) and len(subjects(root)) == 1


def test_commit__a_file_without_changes_is_no_commit_and_no_warning(records: Path) -> None:
    ok(records, "config", "set", "due_soon_days", "10")
    result = ok(records, "config", "set", "due_soon_days", "10")
    assert result.stderr == ""
    assert len(subjects(records)) == 2
    assert gitops.commit(records, ["wkb.toml"], "again") is None
    assert clean(records)


def test_clone__with_autocrlf_keeps_record_bytes(records: Path, tmp_path: Path) -> None:
    view = ok(
        records, *VISIT, "--date", "2026-11-03", "--summary", "两行\n摘要", "--format", "json"
    )
    path = json.loads(view.stdout)["path"]
    clone = tmp_path / "windows-clone"
    git(tmp_path, "clone", "-q", "-c", "core.autocrlf=true", str(records), str(clone))
    for rel in (path, "wkb.toml", "data/districts.yaml"):
        assert (clone / rel).read_bytes() == (records / rel).read_bytes(), rel
        assert b"\r" not in (clone / rel).read_bytes()
    assert clean(clone)


def test_init__a_refused_first_commit_warns_once_and_stages_nothing(tmp_path: Path) -> None:
    repo = tmp_path / "office"
    repo.mkdir()
    git(repo, "init", "-q")
    hook = repo / ".git/hooks/pre-commit"
    hook.write_bytes(b"#!/bin/sh\necho 'error: not today' >&2\nexit 1\n")
    hook.chmod(0o755)
    result = init(repo / "records")
    assert result.exit_code == 0
    assert result.stderr == "警告:git 提交失败(error: not today);记录根目录已建好,未提交\n"
    assert git(repo, "diff", "--cached", "--name-only") == ""
    assert (repo / "records/wkb.toml").is_file()
