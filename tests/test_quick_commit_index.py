"""What wkb's quick commit leaves in git's index (store/quick_commit.py, issue 17.3): it stages
with `git update-index --add` and reads blob ids with `git hash-object` instead of `git add` and
`ls-files`, and the commit and the index afterwards are exactly what `git add -- paths` and
`git commit -- paths` give — with line-ending rules, a clean filter, an executable bit, another
staged change left out, a split index, a locked index, an ignored path. Each case runs the same
change through wkb and through git in two copies of one repository and compares them."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from gitrepo import git
from wkb_tracker.store import gitops, quick_commit

VISIT = "data/visits/2026/11/2026-11-04_donghu_V20261104-AAAAAA.yaml"
ITEM = "data/rectifications/2026/11/R20261104-BBBBBB.yaml"
TEXT = b"id: V20261104-AAAAAA\r\nentity: \xe6\xad\xa6\xe6\xb1\x89\r\n"  # CRLF line endings


def _repo(folder: Path, *config: tuple[str, str], attributes: str = "") -> Path:
    """A repository with one commit (a README, .gitattributes) and `config`; its records root
    is the sub-folder `台账` (a records root need not be the repository's top)."""
    folder.mkdir()
    git(folder, "init", "-q")
    git(folder, "config", "user.email", "t@example.invalid")
    for key, value in config:
        git(folder, "config", key, value)
    (folder / "README.txt").write_text("office\n", encoding="utf-8")
    (folder / ".gitattributes").write_text(attributes, encoding="utf-8")
    git(folder, "add", "README.txt", ".gitattributes")
    git(folder, "commit", "-qm", "office")
    (folder / "台账").mkdir()
    return folder / "台账"


def _twins(tmp_path: Path, *config: tuple[str, str], attributes: str = "") -> tuple[Path, Path]:
    """Two identical records roots: one for wkb's commit, one for git's."""
    mine = _repo(tmp_path / "wkb", *config, attributes=attributes)
    theirs = tmp_path / "git"
    shutil.copytree(tmp_path / "wkb", theirs, symlinks=True)
    return mine, theirs / "台账"


def _write(root: Path, rel: str, data: bytes, mode: int = 0o644) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_bytes(data)
    (root / rel).chmod(mode)


@pytest.fixture
def git_steps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The git commands the commit helper ran through `retrying` (add, commit, update-index…)."""
    seen: list[str] = []
    real = gitops.retrying

    def spy(root: Path, *args: str):  # type: ignore[no-untyped-def]
        seen.append(args[0])
        return real(root, *args)

    monkeypatch.setattr(gitops, "retrying", spy)
    return seen


def _same_result(mine: Path, theirs: Path, paths: list[str]) -> None:
    """Commit `paths` with wkb in `mine` and with `git add` + `git commit` in `theirs`: the same
    tree, the same index (every entry, its mode and blob), the same status."""
    assert gitops.commit(mine, paths, "wkb: the change") is None
    git(theirs, "add", "--", *paths)
    git(theirs, "commit", "-qm", "wkb: the change", "--", *paths)
    for command in (
        ("rev-parse", "HEAD^{tree}"),
        ("ls-files", "--stage", "-z"),
        ("diff", "--cached", "--name-status"),
        ("status", "--porcelain", "--untracked-files=all"),
    ):
        assert git(mine, *command) == git(theirs, *command), command
    # the same history: subjects and trees (the ids differ by the commits' seconds)
    assert git(mine, "log", "--format=%s %T") == git(theirs, "log", "--format=%s %T")


@pytest.mark.parametrize(
    ("config", "attributes"),
    [
        ((), ""),
        ((("core.autocrlf", "true"),), ""),  # CRLF → LF in the blob, as on a Windows desk
        ((), "*.yaml text eol=lf\n"),
        ((), "*.yaml filter=upper\n"),  # a clean filter: git runs it for both
        ((("core.autocrlf", "input"), ("feature.manyFiles", "true")), ""),
    ],
    ids=["plain", "autocrlf", "eol-attribute", "clean-filter", "input-manyfiles"],
)
def test_commit__index_and_tree_as_git_add_and_git_commit(
    tmp_path: Path, git_steps: list[str], config: tuple[tuple[str, str], ...], attributes: str
) -> None:
    upper = (("filter.upper.clean", "tr a-z A-Z"), ("filter.upper.smudge", "cat"))
    mine, theirs = _twins(tmp_path, *config, *upper, attributes=attributes)
    for root in (mine, theirs):
        _write(root, VISIT, TEXT)
        _write(root, ITEM, b"id: R20261104-BBBBBB\n")
        # another change staged in the repository, not the commit's: it stays staged
        (root.parent / "README.txt").write_text("staged, not committed\n", encoding="utf-8")
        git(root.parent, "add", "README.txt")
    _same_result(mine, theirs, [VISIT, ITEM])
    assert "add" not in git_steps and "commit" not in git_steps  # the quick path made it
    assert git(mine, "diff", "--cached", "--name-only") == "README.txt\n"
    # A second change to one of them (a tracked file now): the same again.
    for root in (mine, theirs):
        _write(root, VISIT, TEXT.replace(b"\r\n", b"\n") + b"summary: x\n")
    _same_result(mine, theirs, [VISIT])


@pytest.mark.parametrize("filemode", ["true", "false"])
def test_commit__an_executable_file_gets_the_mode_git_add_gives(
    tmp_path: Path, git_steps: list[str], filemode: str
) -> None:
    mine, theirs = _twins(tmp_path, ("core.fileMode", filemode))
    for root in (mine, theirs):
        _write(root, VISIT, b"id: V20261104-AAAAAA\n", mode=0o755)
    _same_result(mine, theirs, [VISIT])
    expected = "100755" if filemode == "true" else "100644"
    assert git(mine, "ls-files", "--stage", VISIT).startswith(expected)
    # With fileMode off a tracked file keeps the mode git has for it.
    if filemode == "false":
        for root in (mine, theirs):
            git(root, "update-index", "--chmod=+x", VISIT)
            git(root, "commit", "-qm", "x")
            _write(root, VISIT, b"id: V20261104-AAAAAA\nsummary: y\n", mode=0o644)
        _same_result(mine, theirs, [VISIT])
        assert git(mine, "ls-files", "--stage", VISIT).startswith("100755")
    assert "add" not in git_steps


@pytest.mark.parametrize("split", [True, False])
def test_commit__with_or_without_a_split_index(
    tmp_path: Path, git_steps: list[str], split: bool
) -> None:
    """git's split index (`git update-index --split-index`, or core.splitIndex set by the office):
    the commit keeps it split and the entries are git's."""
    mine, theirs = _twins(tmp_path)
    for root in (mine, theirs):
        if split:
            git(root, "update-index", "--split-index")
        _write(root, VISIT, b"id: V20261104-AAAAAA\n")
    _same_result(mine, theirs, [VISIT])
    shared = list((mine.parent / ".git").glob("sharedindex.*"))
    assert bool(shared) == split
    assert "add" not in git_steps


def test_commit__an_ignored_path_is_left_to_git_add_which_refuses_it(
    tmp_path: Path, git_steps: list[str]
) -> None:
    mine = _repo(tmp_path / "wkb")
    (mine / ".gitignore").write_text("data/visits/\n", encoding="utf-8")
    _write(mine, VISIT, b"id: V20261104-AAAAAA\n")
    head = git(mine, "rev-parse", "HEAD")
    failure = gitops.commit(mine, [VISIT], "m")
    assert failure is not None and "ignored" in failure
    assert git_steps[0] == "add"  # git's own refusal (then unstaged again)
    assert git(mine, "rev-parse", "HEAD") == head
    assert git(mine, "ls-files", "--stage", VISIT) == ""


def test_commit__a_locked_index_is_waited_for_then_refused_and_nothing_is_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gitops, "_RETRY_DELAYS", (0.01, 0.01))
    mine = _repo(tmp_path / "wkb")
    _write(mine, VISIT, b"id: V20261104-AAAAAA\n")
    head = git(mine, "rev-parse", "HEAD")
    lock = mine.parent / ".git/index.lock"
    lock.write_bytes(b"")
    failure = gitops.commit(mine, [VISIT], "m")
    assert failure is not None and "index.lock" in failure
    lock.unlink()
    assert git(mine, "rev-parse", "HEAD") == head
    assert (mine / VISIT).read_bytes() == b"id: V20261104-AAAAAA\n"  # the record stays
    assert git(mine, "status", "--porcelain", "--untracked-files=all") == f"?? 台账/{VISIT}\n"
    # The lock taken between wkb's look at it and update-index: refused the same way.
    real = quick_commit._stage

    def locked_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        lock.write_bytes(b"")
        return real(*args, **kwargs)

    monkeypatch.setattr(quick_commit, "_stage", locked_meanwhile)
    failure = gitops.commit(mine, [VISIT], "m")
    assert failure is not None and "index.lock" in failure
    lock.unlink()
    assert git(mine, "rev-parse", "HEAD") == head
    assert git(mine, "status", "--porcelain", "--untracked-files=all") == f"?? 台账/{VISIT}\n"


def test_commit__a_file_changed_while_staging_is_read_back_from_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The blob ids come from hash-object only while each file's stat data stayed the same;
    otherwise the index itself is read (`ls-files`), so the commit is what the index holds."""
    mine = _repo(tmp_path / "wkb")
    _write(mine, VISIT, b"id: V20261104-AAAAAA\n")
    calls: list[Path] = []
    real = quick_commit._signature

    def changing(path: Path):  # type: ignore[no-untyped-def]
        calls.append(path)
        found = real(path)
        return None if found is None else (*found[:-1], found[-1] + len(calls))

    monkeypatch.setattr(quick_commit, "_signature", changing)
    read_back = quick_commit._index_entries
    seen: list[list[str]] = []

    def spy(root: Path, top_paths: list[str]):  # type: ignore[no-untyped-def]
        seen.append(top_paths)
        return read_back(root, top_paths)

    monkeypatch.setattr(quick_commit, "_index_entries", spy)
    assert gitops.commit(mine, [VISIT], "m") is None
    assert seen == [[f"台账/{VISIT}"]]
    assert git(mine, "status", "--porcelain", "--untracked-files=all") == ""


def _index_version(repo: Path) -> int:
    return int.from_bytes((repo / ".git/index").read_bytes()[4:8], "big")


def test_many_files__an_existing_index_is_written_once_in_version_4(tmp_path: Path) -> None:
    """git applies `feature.manyFiles`' index version only to a new index: wkb's tuning (init,
    hook install, sync) writes a clone's older index in version 4 — never against the office's
    own `index.version` or `feature.manyFiles`."""
    cases = {"unset": (), "office-v2": (("index.version", "2"),),
             "office-off": (("feature.manyFiles", "false"),)}  # fmt: skip
    for name, config in cases.items():
        root = _repo(tmp_path / name, *config)
        assert _index_version(root.parent) == 2
        gitops.tune_for_many_files(root)
        assert _index_version(root.parent) == (4 if name == "unset" else 2), name
        assert git(root, "status", "--porcelain") == ""


def test_commit__under_core_ignorecase_a_name_git_has_in_another_case_is_left_to_git_add(
    tmp_path: Path, git_steps: list[str]
) -> None:
    """With core.ignoreCase (Windows, macOS) `git add` files a new file under the case HEAD has
    for its folders (data/Visits here); update-index would add a second spelling. The quick
    path declines before staging anything."""
    mine, theirs = _twins(tmp_path, ("core.ignoreCase", "true"))
    other = VISIT.replace("visits", "Visits").replace("AAAAAA", "CCCCCC")
    for root in (mine, theirs):
        _write(root, other, b"id: V20261104-CCCCCC\n")
        git(root, "add", other)
        git(root, "commit", "-qm", "an older spelling")
    _write(mine, VISIT, b"id: V20261104-AAAAAA\n")
    staged = git(mine, "ls-files", "--stage")
    assert quick_commit.quick_commit(mine, [VISIT], "m") == (False, None)
    assert git(mine, "ls-files", "--stage") == staged and git_steps == []
    (mine / VISIT).unlink()
    # Without such a name the quick path stages it, as git add does.
    for root in (mine, theirs):
        _write(root, ITEM, b"id: R20261104-BBBBBB\n")
    _same_result(mine, theirs, [ITEM])
    assert "add" not in git_steps


def test_commit__a_root_whose_path_has_a_space_and_a_month_head_lacks(
    tmp_path: Path, git_steps: list[str]
) -> None:
    """`cat-file --batch` answers "<name> missing" for a folder HEAD lacks; a name holding a
    space (a records root "台 账") was taken for an object header (ValueError, a traceback)."""
    mine, theirs = _twins(tmp_path)
    spaced = [root.parent / "台 账" for root in (mine, theirs)]
    for root in spaced:
        _write(root, VISIT, b"id: V20261104-AAAAAA\n")
    _same_result(spaced[0], spaced[1], [VISIT])
    assert git(spaced[0], "log", "-1", "--name-only", "--format=").strip() == f"台 账/{VISIT}"
    assert "add" not in git_steps


def test_commit__head_moved_while_its_trees_were_read_or_no_commit_yet_is_left_to_git(
    tmp_path: Path, git_steps: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """HEAD is read by the same `cat-file` as its trees; a tree that is not the one its parent
    names (another git moved HEAD in between) leaves the commit to `git commit`."""
    mine, theirs = _twins(tmp_path)
    real = quick_commit._read_trees

    def moved(root: Path, names: list[str]):  # type: ignore[no-untyped-def]
        found = real(root, names)
        oid, rows = found[names[-1]]  # the root tree, read last: another commit's now
        found[names[-1]] = ("0" * len(oid), rows)
        return found

    monkeypatch.setattr(quick_commit, "_read_trees", moved)
    for root in (mine, theirs):
        _write(root, VISIT, b"id: V20261104-AAAAAA\n")
    assert quick_commit.quick_commit(mine, [VISIT], "m") == (False, None)
    _same_result(mine, theirs, [VISIT])
    assert git_steps[-2:] == ["add", "commit"]
    # Only the patched reader goes back: `monkeypatch.undo()` also dropped the conftest's git
    # identity, and the commit below failed wherever git has none of its own (`env -i`, CI).
    monkeypatch.setattr(quick_commit, "_read_trees", real)
    # No commit at all yet: git makes the first one.
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    _write(empty, VISIT, b"id: V20261104-AAAAAA\n")
    assert quick_commit.quick_commit(empty, [VISIT], "m") == (False, None)
    assert gitops.commit(empty, [VISIT], "first") is None
    assert git(empty, "log", "--format=%s") == "first\n"


def test_visit_add__with_autocrlf_and_the_hook_commits_and_stages_as_git_would(
    tmp_path: Path, git_steps: list[str]
) -> None:
    """`wkb visit add` with auto-commit and wkb's hook, core.autocrlf=true (a Windows desk): the
    quick path commits; a copy of the repository before it, given the same files by `git add`
    and `git commit`, has the same tree and the same index entries."""
    from gitrepo import VISIT as ADD_VISIT
    from gitrepo import init, ok

    root = tmp_path / "records"
    assert init(root).exit_code == 0
    git(root, "config", "core.autocrlf", "true")
    git(root, "config", "user.name", "测试员")
    ok(root, "hook", "install")
    copy = tmp_path / "copy"
    shutil.copytree(root, copy, symlinks=True)
    git_steps.clear()  # init's first commit is git's own
    ok(root, *ADD_VISIT, "--date", "2026-11-03", "--problem", "缺场地")
    assert git_steps == ["update-index", "update-ref"]  # the quick path, not git add/commit
    committed = git(root, "show", "--name-only", "--format=", "HEAD").split()
    assert len(committed) == 2
    for rel in committed:
        _write(copy, rel, (root / rel).read_bytes())
    git(copy, "add", "--", *committed)
    git(copy, "commit", "-qm", "same", "--no-verify", "--", *committed)
    assert git(root, "rev-parse", "HEAD^{tree}") == git(copy, "rev-parse", "HEAD^{tree}")
    assert git(root, "ls-files", "--stage", "-z") == git(copy, "ls-files", "--stage", "-z")
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""


def test_commit__head_moved_by_another_git_before_update_ref_is_committed_on_top(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """update-ref refuses a HEAD that is not the commit the trees were read from; that is not a
    lock to wait for (it was retried ~12 s), and `git commit` then commits the staged paths on
    top of the other commit."""
    mine = _repo(tmp_path / "wkb")
    _write(mine, VISIT, b"id: V20261104-AAAAAA\n")
    real = quick_commit._stage

    def another_commit_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = real(*args, **kwargs)
        # another process commits (what it staged: nothing; ours stays staged, not its)
        other = git(mine, "commit-tree", "HEAD^{tree}", "-p", "HEAD", "-m", "another git's commit")
        git(mine, "update-ref", "HEAD", other.strip())
        return found

    sleeps: list[float] = []
    monkeypatch.setattr(quick_commit, "_stage", another_commit_meanwhile)
    monkeypatch.setattr(time, "sleep", sleeps.append)
    assert gitops.commit(mine, [VISIT], "wkb's") is None
    assert sleeps == []
    assert git(mine, "log", "--format=%s") == "wkb's\nanother git's commit\noffice\n"
    assert git(mine, "status", "--porcelain", "--untracked-files=all") == ""
