"""`wkb sync` with a bare remote and two clones (issue 10.4)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from gitrepo import VISIT, clean, from_template, git, init, ok, subjects, without_identity, wkb


@pytest.fixture(autouse=True)
def _not_interactive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WKB_INTERACTIVE", raising=False)


def _office(folder: Path) -> None:
    remote = folder / "office.git"
    git(folder, "init", "-q", "--bare", "-b", "main", str(remote))
    first, second = folder / "zhang", folder / "li"
    git(folder, "clone", "-q", str(remote), str(first))
    git(first, "config", "user.name", "张三")
    assert init(first).exit_code == 0
    assert ok(first, "sync").stdout == "已同步 origin/main:没有新记录;推送 1 个本地提交\n"
    git(folder, "clone", "-q", str(remote), str(second))
    git(second, "config", "user.name", "李四")


@pytest.fixture
def office(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A bare remote (tmp_path/office.git); 张三 ran `wkb init` in his clone and synced; 李四
    cloned it."""
    from_template("office", tmp_path, _office, tmp_path_factory)
    return tmp_path / "zhang", tmp_path / "li"


def visit(root: Path, day: str, *more: str) -> str:
    view = json.loads(ok(root, *VISIT, "--date", day, "--format", "json", *more).stdout)
    return str(view["path"])


def test_sync__says_what_came_in_and_from_whom(office: tuple[Path, Path]) -> None:
    zhang, li = office
    visit(li, "2026-11-03", "--problem", "缺场地")
    visit(li, "2026-11-04")
    visit(li, "2026-11-05", "--recorder", "王五")
    assert ok(li, "sync").stdout == "已同步 origin/main:没有新记录;推送 3 个本地提交\n"
    visit(zhang, "2026-11-06")
    result = ok(zhang, "sync")
    assert result.stdout == (
        "已同步 origin/main:收到 3 条走访、1 个整改事项,来自 李四、王五;推送 1 个本地提交\n"
    )
    assert clean(zhang)
    assert len(subjects(zhang)) == 5  # rebased: no merge commit
    again = json.loads(ok(li, "sync", "--format", "json").stdout)
    assert again == {
        "remote": "origin",
        "branch": "main",
        "committed": 0,
        "received": {
            "commits": 1,
            "visits": 1,
            "rectifications": 0,
            "sealed": [],
            "other": [],
            "recorders": ["张三"],
            "visits_added": 1,
            "visits_changed": 0,
            "rectification_items": 0,
            "rectification_items_changed": 0,
            "rectification_events": {},
            "reopened": [],
            "removed": [],
            "entities_added": 0,
            "entities_changed": 0,
        },
        "pushed": 0,
        "warnings": [],
    }
    english = wkb(li, "--lang", "en", "sync")
    assert english.stdout == "synced with origin/main: nothing new; nothing to push\n"


def _item(root: Path) -> str:
    visit(root, "2026-11-03", "--problem", "缺场地")
    return str(json.loads(ok(root, "rectify", "list", "--format", "json").stdout)[0]["id"])


@pytest.mark.parametrize(
    ("changes", "zh", "en", "events"),
    [
        # a new item is an item, never "progress" (the old summary called every file progress)
        ([], "1 条走访、1 个整改事项", "1 visits, 1 rectification items", {}),
        (
            [("progress", "--note", "已协调"), ("progress", "--note", "再协调")],
            "1 条走访、1 个整改事项、2 条整改进展",
            "1 visits, 1 rectification items, 2 rectification progress notes",
            {"progress": 2},
        ),
        (
            [
                ("extend", "--deadline", "+15d", "--reason", "需审批"),
                ("close", "--resolution", "已办结"),
                ("reopen", "--reason", "复发"),
            ],
            "1 条走访、1 个整改事项、1 次整改延期、1 次整改关闭、1 次整改重新打开",
            "1 visits, 1 rectification items, 1 rectification extensions,"
            " 1 rectification closures, 1 rectification reopenings",
            {"close": 1, "extend": 1, "reopen": 1},
        ),
        (  # review 2026-12-01: a return visit was told as "1 条其他整改事件"
            [("close", "--resolution", "已办结", "--satisfaction", "满意")],
            "1 条走访、1 个整改事项、1 次整改关闭、1 次回访",
            "1 visits, 1 rectification items, 1 rectification closures, 1 return visits",
            {"close": 1, "followup": 1},
        ),
    ],
    ids=["item", "progress", "extend-close-reopen", "close-followup"],
)
def test_sync__tells_new_items_from_their_events(
    office: tuple[Path, Path],
    changes: list[tuple[str, ...]],
    zh: str,
    en: str,
    events: dict[str, int],
) -> None:
    zhang, li = office
    item = _item(li)
    for kind, *options in changes:
        ok(li, "rectify", kind, item, *options, "--date", "2026-11-04")
    ok(li, "sync")
    git(zhang, "branch", "-q", "before")
    assert ok(zhang, "sync").stdout == f"已同步 origin/main:收到 {zh},来自 李四;无需推送\n"
    git(zhang, "reset", "-q", "--hard", "before")
    english = json.loads(ok(zhang, "--lang", "en", "sync", "--format", "json").stdout)
    assert english["received"]["rectification_items"] == 1
    assert english["received"]["rectification_events"] == events
    # files, as before (one item file and one file per event)
    assert english["received"]["rectifications"] == 1 + sum(events.values())
    git(zhang, "reset", "-q", "--hard", "before")
    assert ok(zhang, "--lang", "en", "sync").stdout == (
        f"synced with origin/main: received {en} from 李四; nothing to push\n"
    )


def test_sync__entity_register_files_are_told_as_entities(office: tuple[Path, Path]) -> None:
    """Review 2026-12-01: registered and merged entities came in as "N 个其他文件(data/entities/…)"."""
    zhang, li = office
    ok(li, "entity", "add", "武汉光谷实验室", "--district", "东湖", "--type", "platform")
    ok(li, "sync")
    ok(zhang, "sync")
    ok(li, "entity", "add", "光谷实验室", "--district", "东湖", "--type", "platform")
    ok(li, "entity", "merge", "武汉光谷实验室", "光谷实验室")
    ok(li, "sync")

    result = json.loads(ok(zhang, "sync", "--format", "json").stdout)["received"]

    assert (result["entities_added"], result["entities_changed"], result["other"]) == (1, 1, [])
    git(zhang, "reset", "-q", "--hard", "HEAD~2")
    assert ok(zhang, "sync").stdout == (
        "已同步 origin/main:收到 1 个新登记主体、1 个主体登记改动,来自 李四;无需推送\n"
    )


def test_sync__a_void_is_a_changed_visit_not_a_new_one(office: tuple[Path, Path]) -> None:
    zhang, li = office
    visit(li, "2026-11-03")
    ok(li, "sync")
    ok(zhang, "sync")
    listed = json.loads(ok(li, "visit", "list", "--format", "json").stdout)
    ok(li, "visit", "void", listed[0]["id"], "--reason", "误录", "--by", "王五")
    ok(li, "sync")
    result = ok(zhang, "sync")
    assert "收到 1 条走访改动,来自 " in result.stdout
    assert "王五" in result.stdout


def test_sync__a_reopening_is_said_as_one_and_other_files_are_named(
    office: tuple[Path, Path],
) -> None:
    zhang, li = office
    ok(li, "month", "close", "2026-10")
    ok(li, "sync")
    assert ok(zhang, "sync").stdout == "已同步 origin/main:收到 封存 2026-10,来自 李四;无需推送\n"
    reopen = ("month", "reopen", "2026-10", "--reason", "补录核实", "--approved-by", "局长")
    ok(li, *reopen, "--by", "王五")
    ok(li, "config", "set", "due_soon_days", "10")
    ok(li, "sync")
    git(zhang, "branch", "-q", "before")
    said = ok(zhang, "sync").stdout
    assert said == (
        "已同步 origin/main:收到 重开 2026-10、1 个其他文件(wkb.toml),来自 王五;无需推送\n"
    )
    git(zhang, "reset", "-q", "--hard", "before")
    view = json.loads(ok(zhang, "sync", "--format", "json").stdout)["received"]
    assert (view["sealed"], view["reopened"], view["other"]) == ([], ["2026-10"], ["wkb.toml"])
    ok(li, "month", "close", "2026-10", "--by", "办公室王")
    ok(li, "sync")
    said = ok(zhang, "sync").stdout
    assert said == "已同步 origin/main:收到 封存 2026-10,来自 办公室王;无需推送\n"


def test_sync__a_removed_file_is_named_and_a_moved_visit_is_a_change(
    office: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Removals are said, by name (wkb never removes a record: someone did it by hand, as the
    README's fix for a refused event says); a visit edited to another date moves to another
    file and is one changed visit, not a new one plus a removal."""
    zhang, li = office
    item = _item(li)
    moving = visit(li, "2026-11-04")
    ok(li, "rectify", "close", item, "--resolution", "办结", "--date", "2026-11-05")
    ok(li, "sync")
    ok(zhang, "sync")
    (event,) = sorted((li / "data/rectifications/2026/11").glob(f"{item}.E*.yaml"))
    git(li, "rm", "-q", str(event))
    git(li, "commit", "-qm", "drop the closure: recorded by mistake")
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import pathlib, sys\np = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text('utf-8').replace('date: 2026-11-04', 'date: 2026-11-06'), 'utf-8')\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    ok(li, "visit", "edit", moving.rsplit("_", 1)[-1].removesuffix(".yaml"))
    ok(li, "sync")
    rel = event.relative_to(li).as_posix()
    said = ok(zhang, "sync").stdout
    assert (
        said
        == f"已同步 origin/main:收到 1 条走访改动、删除 1 个记录文件({rel}),来自 李四;无需推送\n"
    )


def test_sync__without_identity_receives_but_never_commits(
    office: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader without a git identity gets the office's records (a fast-forward commits
    nothing); anything that would commit or replay a commit is refused first, nothing changed."""
    zhang, _li = office
    without_identity(monkeypatch, tmp_path / "home")
    reader = tmp_path / "reader"
    git(tmp_path, "clone", "-q", str(tmp_path / "office.git"), str(reader))
    monkeypatch.setenv("GIT_AUTHOR_NAME", "张三")  # zhang's own commits: his identity
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "z@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "张三")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "z@example.org")
    visit(zhang, "2026-11-03", "--problem", "缺场地")
    ok(zhang, "sync")
    for name in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{name}_NAME")
        monkeypatch.delenv(f"GIT_{name}_EMAIL")
    said = ok(reader, "sync").stdout
    assert said == "已同步 origin/main:收到 1 条走访、1 个整改事项,来自 张三;无需推送\n"
    assert clean(reader)
    visit(reader, "2026-11-04", "--no-commit")  # would need a commit: refused before it
    head = git(reader, "rev-parse", "HEAD")
    refused = wkb(reader, "sync")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("未设置 git 身份,未写入任何内容。")
    assert git(reader, "rev-parse", "HEAD") == head
    assert git(reader, "status", "--porcelain").startswith("?? data/visits/")


def test_sync__commits_uncommitted_records_first(office: tuple[Path, Path]) -> None:
    _zhang, li = office
    visit(li, "2026-11-03", "--no-commit")
    result = ok(li, "sync")
    assert "先提交了 1 个未提交的记录文件;推送 1 个本地提交" in result.stdout
    assert subjects(li)[0] == "sync: 1 uncommitted record file(s) by 李四"
    assert clean(li)


def test_sync__a_conflict_is_undone_and_nothing_is_lost(office: tuple[Path, Path]) -> None:
    zhang, li = office
    path = visit(zhang, "2026-11-03")
    ok(zhang, "sync")
    ok(li, "sync")
    for root, text in ((zhang, "张三改的"), (li, "李四改的")):
        file = root / path
        file.write_text(file.read_text(encoding="utf-8") + f"# {text}\n", encoding="utf-8")
        git(root, "commit", "-qam", f"hand edit {text}")
    ok(zhang, "sync")
    head = git(li, "rev-parse", "HEAD")
    result = wkb(li, "sync")
    assert result.exit_code == 4
    assert result.stderr.startswith(f"同步冲突:本地与远程都改动了 {path};已撤销合并")
    assert result.stderr.count("\n") == 1
    assert git(li, "rev-parse", "HEAD") == head
    assert clean(li)
    assert not (li / ".git/rebase-merge").exists()
    assert "李四改的" in (li / path).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("setup", "code", "start"),
    [
        ("no-remote", 2, "没有配置远程仓库,无法同步;请先运行:git remote add origin"),
        ("offline", 3, "无法连接远程仓库 origin("),
        ("dirty", 2, "工作区有不属于 wkb 记录的未提交改动(notes.txt)"),
        ("not-git", 2, "记录根目录不在 git 仓库中"),
    ],
)
def test_sync__refusals_leave_the_repository_as_it_was(
    office: tuple[Path, Path], tmp_path: Path, setup: str, code: int, start: str
) -> None:
    zhang, _li = office
    root = zhang
    if setup == "no-remote":
        git(zhang, "remote", "remove", "origin")
    elif setup == "offline":
        git(zhang, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    elif setup == "dirty":
        (zhang / "notes.txt").write_text("a\n", encoding="utf-8")
        git(zhang, "add", "notes.txt")
        git(zhang, "commit", "-qm", "notes")
        (zhang / "notes.txt").write_text("b\n", encoding="utf-8")
    else:
        root = tmp_path / "plain"
        assert init(root, "--no-git").exit_code == 0
    before = git(zhang, "rev-parse", "HEAD")
    visit(root, "2026-11-03", "--no-commit")
    result = wkb(root, "sync")
    assert (result.exit_code, result.stderr[: len(start)]) == (code, start)
    assert result.stderr.count("\n") == 1
    assert git(zhang, "rev-parse", "HEAD") == before


def test_sync__someone_pushing_in_between_is_fetched_and_rebased(
    office: tuple[Path, Path],
) -> None:
    zhang, li = office
    visit(li, "2026-11-03")
    visit(zhang, "2026-11-04")  # committed in 张三's clone, pushed by the hook below
    hook = li / ".git/hooks/pre-push"
    hook.write_bytes(
        f"#!/bin/sh\nrm \"$0\"\ngit -C '{zhang}' push -q origin HEAD >/dev/null 2>&1\n".encode()
    )
    hook.chmod(0o755)
    result = ok(li, "sync")
    assert result.stdout == "已同步 origin/main:收到 1 条走访,来自 张三;推送 1 个本地提交\n"
    assert git(li, "rev-parse", "HEAD") == git(li, "rev-parse", "origin/main")
    assert clean(li)


def test_sync__lists_in_messages_use_the_language_s_separator(office: tuple[Path, Path]) -> None:
    """Polish 3: the paths of a refusal and of a conflict, and the remotes, were joined with
    ", " in Chinese too; the rest of the Chinese output lists with 、 (English keeps ", ")."""
    zhang, li = office
    paths = [visit(zhang, "2026-11-03"), visit(zhang, "2026-11-04")]
    ok(zhang, "sync")
    ok(li, "sync")
    for root, text in ((zhang, "张三改的"), (li, "李四改的")):
        for path in paths:
            file = root / path
            file.write_text(file.read_text(encoding="utf-8") + f"# {text}\n", encoding="utf-8")
        git(root, "commit", "-qam", f"hand edit {text}")
    ok(zhang, "sync")

    conflict = wkb(li, "sync").stderr
    conflict_en = wkb(li, "--lang", "en", "sync").stderr
    for name in ("a.txt", "b.txt"):
        (li / name).write_text("a\n", encoding="utf-8")
    git(li, "add", "a.txt", "b.txt")
    git(li, "commit", "-qm", "notes")
    for name in ("a.txt", "b.txt"):
        (li / name).write_text("b\n", encoding="utf-8")
    dirty = wkb(li, "sync").stderr
    dirty_en = wkb(li, "--lang", "en", "sync").stderr
    git(li, "checkout", "-q", "--", "a.txt", "b.txt")
    git(li, "remote", "rename", "origin", "office")
    git(li, "remote", "add", "backup", str(li))
    git(li, "branch", "-q", "--unset-upstream")
    remotes = wkb(li, "sync").stderr
    remotes_en = wkb(li, "--lang", "en", "sync").stderr

    assert f"本地与远程都改动了 {paths[0]}、{paths[1]};" in conflict
    assert f"sync conflict: {paths[0]}, {paths[1]} changed" in conflict_en
    assert "未提交改动(a.txt、b.txt)" in dirty and "changes (a.txt, b.txt)" in dirty_en
    assert "有多个远程仓库(backup、office)" in remotes and "several remotes (backup, office)" in remotes_en
