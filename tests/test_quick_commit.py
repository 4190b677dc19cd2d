"""wkb's commits of new or changed records without `git commit` (store/quick_commit.py, issue
17.3): the commit is the one `git commit -- paths` makes, other staged changes stay staged, the
pre-commit check of wkb's own hook runs in-process with the hook's verdict, and anything else
(another hook, a merge under way, no commit yet) is left to `git commit`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from builders import make_item, make_visit, write_item, write_visit
from gitrepo import VISIT, clean, git, init, ok, subjects
from wkb_tracker.store import gitops, quick_commit
from wkb_tracker.store.hook import blocked_line


@pytest.fixture
def records(tmp_path: Path) -> Path:
    """`wkb init` (auto-commit on) in a sub-folder of an office repository with a file of its
    own, and wkb's pre-commit hook installed."""
    repo = tmp_path / "office"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "README.txt").write_text("office\n", encoding="utf-8")
    git(repo, "add", "README.txt")
    git(repo, "commit", "-qm", "office")
    root = repo / "台账"
    assert init(root).exit_code == 0
    git(root, "config", "user.name", "测试员")
    ok(root, "hook", "install")
    return root


@pytest.fixture
def git_commits(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Every `git commit` the commit helper runs (the quick path runs none)."""
    seen: list[tuple[str, ...]] = []
    real = gitops.retrying

    def spy(root: Path, *args: str):  # type: ignore[no-untyped-def]
        if args[0] == "commit":
            seen.append(args)
        return real(root, *args)

    monkeypatch.setattr(gitops, "retrying", spy)
    return seen


def test_quick__the_commit_is_the_one_git_commit_makes(
    records: Path, git_commits: list[tuple[str, ...]], tmp_path: Path
) -> None:
    repo = records.parent
    (repo / "other.txt").write_text("staged, not wkb's to commit\n", encoding="utf-8")
    git(repo, "add", "other.txt")
    (repo / "README.txt").write_text("changed, not staged\n", encoding="utf-8")
    view = ok(records, *VISIT, "--date", "2026-11-03", "--problem", "缺场地", "--format", "json")
    assert git_commits == []  # the quick path made it
    committed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert len(committed) == 2 and all(path.startswith("台账/data/") for path in committed)
    assert git(repo, "status", "--porcelain") == " M README.txt\nA  other.txt\n"
    subject = git(repo, "log", "-1", "--format=%s").strip()
    assert subject.startswith("visit: ") and view.stdout
    assert git(repo, "log", "-1", "-g", "--format=%gs").strip() == f"commit: {subject}"
    # The same change made by `git commit -- paths` in a copy gives the same tree.
    copy = tmp_path / "copy"
    git(tmp_path, "clone", "-q", str(repo), str(copy))
    git(copy, "reset", "-q", "--hard", "HEAD~1")
    for path in committed:
        (copy / path).parent.mkdir(parents=True, exist_ok=True)
        (copy / path).write_bytes((repo / path).read_bytes())
    git(copy, "add", *committed)
    git(copy, "-c", "user.name=x", "-c", "user.email=x@y", "commit", "-qm", subject, "--no-verify")
    assert git(copy, "rev-parse", "HEAD^{tree}") == git(repo, "rev-parse", "HEAD^{tree}")


def test_quick__trees_built_by_hand_are_the_ones_git_writes(records: Path) -> None:
    """`_new_trees` over files in folders HEAD has and folders it lacks (new years and months,
    both record kinds): HEAD's tree id, and the new tree's id equal to `git write-tree` of an
    index holding HEAD plus those files."""
    repo = records.parent
    first = write_visit(records, make_visit(date(2026, 11, 3)))
    assert gitops.commit(records, [first], "first") is None
    days = (date(2026, 11, 4), date(2026, 11, 5), date(2026, 10, 2), date(2025, 1, 5))
    paths = [write_visit(records, make_visit(day)) for day in days]
    paths += [write_item(records, make_item(day)) for day in days[1:3]]
    git(records, "add", *paths)
    entries = {}
    for line in git(repo, "ls-files", "--stage", "-z").split("\0"):
        info, _tab, path = line.partition("\t")
        if path.removeprefix("台账/") in paths:
            mode, blob, _stage = info.split(" ")
            entries[path] = (mode, blob)
    assert len(entries) == len(paths)
    head = git(repo, "rev-parse", "HEAD").strip()
    assert quick_commit._new_trees(repo, head, entries) == (
        git(repo, "rev-parse", "HEAD^{tree}").strip(),
        git(repo, "write-tree").strip(),
    )


def test_quick__wkbs_hook_runs_in_process_and_blocks_with_its_verdict(
    records: Path, git_commits: list[tuple[str, ...]]
) -> None:
    rel = "data/visits/2026/11/2026-11-09_donghu_V20261109-AAAAAA.yaml"
    (records / rel).parent.mkdir(parents=True)
    (records / rel).write_text("id: V20261109-AAAAAA\n", encoding="utf-8")
    before = subjects(records)
    assert gitops.commit(records, [rel], "bad") == blocked_line()
    assert git_commits == []
    assert subjects(records) == before
    assert git(records, "diff", "--cached", "--name-only") == ""  # nothing left staged
    # A good record passes the same check.
    good = write_visit(records, make_visit(date(2026, 11, 4)))
    assert gitops.commit(records, [good], "good") is None
    assert subjects(records)[0] == "good" and git_commits == []


def test_quick__nothing_changed_is_no_commit(records: Path) -> None:
    rel = write_visit(records, make_visit(date(2026, 11, 4)))
    assert gitops.commit(records, [rel], "one") is None
    assert gitops.commit(records, [rel], "again") is None
    assert subjects(records)[0] == "one" and clean(records.parent)


@pytest.mark.parametrize("case", ["foreign-hook", "post-commit", "merge", "deleted", "sealed"])
def test_quick__what_only_git_commit_may_do_is_left_to_it(
    records: Path, git_commits: list[tuple[str, ...]], case: str
) -> None:
    hooks = records.parent / ".git/hooks"
    rel = write_visit(records, make_visit(date(2026, 11, 4)))
    paths = [rel]
    if case == "foreign-hook":
        (hooks / "pre-commit").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    elif case == "post-commit":
        (hooks / "post-commit").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
        (hooks / "post-commit").chmod(0o755)
    elif case == "merge":  # a merge under way: `git commit` refuses a partial commit itself
        head = git(records, "rev-parse", "HEAD").strip()
        (records.parent / ".git/MERGE_HEAD").write_text(head + "\n", encoding="utf-8")
    elif case == "deleted":  # the hook runs the full validate on a deletion
        assert gitops.commit(records, [rel], "add") is None
        (records / rel).unlink()
        git_commits.clear()
    else:  # a change in a sealed month: the hook checks it against the seal (full validate)
        ok(records, "month", "close", "2026-10")
        paths = [write_visit(records, make_visit(date(2026, 10, 4)))]
        git_commits.clear()
    if case != "deleted":  # (a deletion never reaches the quick path)
        assert quick_commit.quick_commit(records, paths, "m") == (False, None)
    gitops.commit(records, paths, "m")
    assert len(git_commits) == 1


def test_quick__paths_the_index_lacks_are_named_as_every_message_lists_names(
    records: Path,
) -> None:
    """The paths it could not stage, joined as names are in running text (、 in Chinese), the
    first three of a long list."""
    names = ["a.yaml", "b.yaml", "c.yaml", "d.yaml"]
    with pytest.raises(quick_commit._Refused) as refused:
        quick_commit._index_entries(records, names)
    assert str(refused.value) == "未能暂存 a.yaml、b.yaml、c.yaml …"


def test_many_files__set_by_init_and_hook_install_never_over_the_offices_choice(
    records: Path, tmp_path: Path
) -> None:
    assert git(records, "config", "--get", "feature.manyFiles").strip() == "true"
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(records.parent), str(clone))
    git(clone, "config", "feature.manyFiles", "false")  # the office's choice
    ok(clone / "台账", "hook", "install")
    assert git(clone, "config", "--get", "feature.manyFiles").strip() == "false"
    plain = tmp_path / "plain"
    git(tmp_path, "clone", "-q", str(records.parent), str(plain))
    ok(plain / "台账", "hook", "install")
    assert git(plain, "config", "--get", "feature.manyFiles").strip() == "true"
