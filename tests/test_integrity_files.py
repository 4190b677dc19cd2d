"""Hard cases about files (issue 11: 11.1, 11.2, 11.8, 11.9, 11.10, 11.13).

- A copied record counts once; the copy is reported (validate: exit 1; readers: a warning).
- A folder or file under data/ that cannot be read is reported, never read as empty.
- Text that is not UTF-8 (a lone surrogate, as argv or git hand over an undecodable byte) is
  refused with exit 2 before anything is written.
- A write that would exceed the read limit is refused with exit 2, nothing written.
- Writes never follow a symlinked folder out of the root.
- Crash leftovers (temp files, editor copies) are found and cleared by `validate --fix`,
  whatever shape they take.

Tests run as root, so "no permission" is simulated by making os.scandir / Path.read_bytes raise
PermissionError for one path. Each reader runs twice: through the cache (warmed first) and with
--no-cache.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from builders import make_item, make_visit, write_item, write_visit
from inprocess import Outcome, fork, invoke, run, snapshot
from wkb_tracker.domain.dates import SHANGHAI
from wkb_tracker.domain.errors import RefusedWrite
from wkb_tracker.domain.model import RectificationEvent, Visit
from wkb_tracker.store.leftovers import EDIT_DIR
from wkb_tracker.store.records import rectification_to_mapping, visit_to_mapping
from wkb_tracker.store.storage import MAX_FILE_BYTES, create_exclusive, dump_yaml, replace_atomic

DAY = date(2026, 11, 3)
BAD = "\udc85"  # what an undecodable byte 0x85 becomes in argv (surrogateescape)
NOT_UTF8 = "含无法识别的字节(不是有效的 UTF-8 文本"
CACHE_MODES = [(), ("--no-cache",)]


@pytest.fixture(autouse=True)
def _no_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "fsync", lambda _fd: None)  # durability is the crash tests' subject


def wkb(root: Path, *args: str) -> Outcome:
    outcome = invoke("--root", str(root), *args)
    assert outcome.exception is None, repr(outcome.exception)
    assert "Traceback" not in outcome.stdout + outcome.stderr
    return outcome


def files(root: Path) -> dict[str, bytes | int]:
    """Every file but the derived cache (rebuilt at will; its own temp files do count)."""
    return {
        rel: data
        for rel, data in snapshot(root).items()
        if not rel.startswith(".wkb-cache/") or rel.rsplit("/", 1)[-1].startswith(".wkb-")
    }


def ids_of(outcome: Outcome) -> list[str]:
    assert outcome.exit_code == 0, outcome.stderr
    return [view["id"] for view in json.loads(outcome.stdout)]


# -- 11.1 a copied record counts once ---------------------------------------------------------


def _copy_visit(root: Path, name: str) -> Callable[[], tuple[str, str, str]]:
    def make() -> tuple[str, str, str]:
        visit = make_visit(DAY)
        rel = write_visit(root, visit)
        copy = f"{rel.rsplit('/', 1)[0]}/{name}"
        shutil.copyfile(root / rel, root / copy)
        return visit.id, rel, copy

    return make


def _copy_item(root: Path, name: str) -> Callable[[], tuple[str, str, str]]:
    def make() -> tuple[str, str, str]:
        item = make_item(DAY)
        rel = write_item(root, item)
        copy = f"{rel.rsplit('/', 1)[0]}/{name}"
        shutil.copyfile(root / rel, root / copy)
        return item.id, rel, copy

    return make


def _stale_item_copy(root: Path) -> tuple[str, str, str]:
    """The item closed in October (outside a November report's window); a copy made before it
    was closed says it is still open: the canonical file wins though the report never loads it."""
    item = make_item(date(2026, 10, 5))
    at = datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI)
    closed = replace(
        item,
        events=(RectificationEvent("close", date(2026, 10, 20), "测试员", at, resolution="好"),),
    )
    rel = write_item(root, closed)
    copy = rel.replace(".yaml", "-copy.yaml")
    create_exclusive(root / copy, dump_yaml(rectification_to_mapping(item)))
    return item.id, rel, copy


DUPLICATES: dict[str, Callable[[Path], Callable[[], tuple[str, str, str]]]] = {
    "visit-copy-named-after": lambda root: _copy_visit(root, "zz-copy.yaml"),
    "visit-copy-named-before": lambda root: _copy_visit(root, "0-copy.yaml"),
    "item-copy-same-folder": lambda root: _copy_item(root, "R-copy.yaml"),
    "item-copy-outside-the-window": lambda root: lambda: _stale_item_copy(root),
}


@pytest.mark.parametrize("options", CACHE_MODES)
@pytest.mark.parametrize("case", DUPLICATES)
def test_duplicate_record__counted_once_and_reported_everywhere(
    root: Path, case: str, options: tuple[str, ...]
) -> None:
    record_id, kept, copy = DUPLICATES[case](root)()
    reported = f"{copy}:1: 编号 {record_id} 重复(另见 {kept})"

    validated = wkb(root, "validate")
    assert validated.exit_code == 1 and reported in validated.stdout
    for _warm_then_cached in range(2):
        report = wkb(root, *options, "report", "--month", "2026-11", "--format", "json")
        assert report.exit_code == 0 and reported in report.stderr
        if record_id.startswith("V"):
            assert json.loads(report.stdout)["summary"]["contacts"] == 1
            assert ids_of(wkb(root, *options, "visit", "list", "--format", "json")) == [record_id]
            listed = wkb(root, *options, "visit", "list", "--month", "2026-11", "--format", "json")
            assert ids_of(listed) == [record_id] and reported in listed.stderr
        else:
            items = wkb(root, *options, "rectify", "list", "--status", "all", "--format", "json")
            assert ids_of(items) == [record_id] and reported in items.stderr
            views = json.loads(items.stdout)
            assert views[0]["path"] == kept
            overdue = wkb(root, *options, "rectify", "list", "--format", "json")
            assert record_id not in overdue.stdout or case != "item-copy-outside-the-window"


# -- 11.2 an unreadable folder or file is a reported problem ---------------------------------


def _deny_listing(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    os.chmod(path, 0)  # what a person would do (root still reads it: hence the patch below)
    real = os.scandir
    target = os.fspath(path)

    # A folder is also listed by its descriptor (the cache's fstatat scan; shutil.rmtree): for
    # this user, opening it fails, as it does for anyone but root (open_folder below).
    def scandir(where: object = ".") -> object:
        if not isinstance(where, int) and os.fspath(where) == target:  # type: ignore[call-overload]
            raise PermissionError(13, "Permission denied", target)
        return real(where)  # type: ignore[call-overload]

    real_listdir = os.listdir

    def listdir(where: object = ".") -> list[str]:
        if not isinstance(where, int) and os.fspath(where) == target:  # type: ignore[call-overload]
            raise PermissionError(13, "Permission denied", target)
        return real_listdir(where)  # type: ignore[call-overload]

    real_open = os.open

    def open_folder(where: object, flags: int, *args: object, **kwargs: object) -> int:
        if kwargs.get("dir_fd") is None and os.fspath(where) == target:  # type: ignore[call-overload]
            raise PermissionError(13, "Permission denied", target)  # as opening it to list it
        return real_open(where, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "listdir", listdir)
    monkeypatch.setattr(os, "open", open_folder)


def _deny_reading(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    os.chmod(path, 0)  # changes the file's ctime, as a real chmod would, so the cache sees it
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == path:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    real_open = os.open

    def os_open(name: str | os.PathLike[str], flags: int, *args: int, **kwargs: int) -> int:
        if os.fspath(name) == os.fspath(path):  # records are read with os.open (storage.py)
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)


def _file_instead_of_folder(_monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("id: V20251003-AAAAAA\n", encoding="utf-8")


# case → (the path that cannot be read, how, the readers that must name it)
VISIT_READERS = ("visit list", "report 2026-11", "visit list 2026-11", "due")
UNREADABLE: dict[str, tuple[str, Callable[[pytest.MonkeyPatch, Path], None], tuple[str, ...]]] = {
    "visit-month-folder": ("data/visits/2026/11", _deny_listing, VISIT_READERS),
    "visit-year-folder": ("data/visits/2026", _deny_listing, ("visit list",)),
    "visits-folder": ("data/visits", _deny_listing, ("visit list",)),
    "item-month-folder": (
        "data/rectifications/2026/11",
        _deny_listing,
        ("rectify list", "report 2026-11"),
    ),
    "rectifications-folder": (
        "data/rectifications",
        _deny_listing,
        ("rectify list", "report 2026-11"),
    ),
    "sealed-folder": ("data/sealed", _deny_listing, ("report 2026-11", "due")),
    "visit-file": ("visit", _deny_reading, VISIT_READERS),
    "item-file": ("item", _deny_reading, ("rectify list", "report 2026-11")),
    "year-is-a-file": (
        "data/visits/2025",
        _file_instead_of_folder,
        ("visit list", "report 2025-10"),
    ),
    "month-is-a-file": (
        "data/visits/2026/10",
        _file_instead_of_folder,
        ("visit list", "report 2026-10"),
    ),
}
READERS = {
    "visit list": ("visit", "list", "--format", "json"),
    "visit list 2026-11": ("visit", "list", "--month", "2026-11", "--format", "json"),
    "report 2026-11": ("report", "--month", "2026-11", "--format", "json"),
    "report 2026-10": ("report", "--month", "2026-10", "--format", "json"),
    "report 2025-10": ("report", "--month", "2025-10", "--format", "json"),
    "due": ("due", "--format", "json"),
    "rectify list": ("rectify", "list", "--status", "all", "--format", "json"),
}


@pytest.mark.parametrize("options", CACHE_MODES)
@pytest.mark.parametrize("case", UNREADABLE)
def test_unreadable_path__reported_by_validate_and_named_by_every_reader(
    root: Path, monkeypatch: pytest.MonkeyPatch, case: str, options: tuple[str, ...]
) -> None:
    visit_rel = write_visit(root, make_visit(DAY))
    item_rel = write_item(root, make_item(DAY))
    where, deny, readers = UNREADABLE[case]
    rel = {"visit": visit_rel, "item": item_rel}.get(where, where)
    for reader in READERS.values():  # warm the cache with everything readable
        assert wkb(root, *options, *reader).exit_code == 0
    deny(monkeypatch, root / rel)

    validated = wkb(root, "validate")
    assert validated.exit_code == 1
    assert f"{rel}:1: " in validated.stdout, validated.stdout
    for name in readers:
        result = wkb(root, *options, *READERS[name])
        assert result.exit_code == 0, (name, result.stderr)
        assert f"{rel}:1: " in result.stderr, (name, result.stderr)


def test_unreadable_month_folder__month_status_names_it_and_visit_add_refuses(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_visit(root, make_visit(DAY))
    _deny_listing(monkeypatch, root / "data/visits/2026/11")
    status = wkb(root, "month", "status")
    assert status.exit_code == 0 and "data/visits/2026/11:1: " in status.stderr
    before = files(root)
    added = wkb(root, *ADD, "--entity", "光谷")
    assert added.exit_code == 2 and "data/visits/2026/11" in added.stderr
    assert files(root) == before


def test_unreadable_month_folder__is_not_sealed_as_empty(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_visit(root, make_visit(date(2026, 10, 3)))
    _deny_listing(monkeypatch, root / "data/visits/2026/10")
    closed = wkb(root, "month", "close", "2026-10")
    assert closed.exit_code == 2 and "data/visits/2026/10" in closed.stderr
    assert not (root / "data/sealed/2026-10.yaml").exists()


# -- 11.8 text that is not UTF-8 is refused before anything is written -----------------------


def _visit_and_item(root: Path) -> tuple[str, str]:
    visit = make_visit(DAY)
    write_visit(root, visit)
    item = make_item(DAY)
    write_item(root, item)
    return visit.id, item.id


ADD = ("visit", "add", "--date", "2026-11-03", "--district", "donghu", "--type", "科技企业")
RADD = ("rectify", "add", "--district", "donghu", "--source", "自查")
NON_UTF8_COMMANDS: list[tuple[str, ...]] = [
    (*ADD, "--entity", f"光谷{BAD}"),
    (*ADD, "--entity", "光谷", "--summary", f"摘要{BAD}"),
    (*ADD, "--entity", "光谷", "--recorder", f"张{BAD}"),
    (*ADD, "--entity", "光谷", "--participant", BAD),
    (*ADD, "--entity", "光谷", "--problem", f"难{BAD}"),
    (*ADD, "--entity", "光谷", "--late-reason", BAD),
    ("visit", "void", "{visit}", "--reason", f"重{BAD}"),
    ("visit", "void", "{visit}", "--reason", "重复", "--by", BAD),
    (*RADD, "--problem", f"问题{BAD}"),
    (*RADD, "--problem", "问题", "--department", BAD),
    (*RADD, "--problem", "问题", "--owner", BAD),
    (*RADD, "--problem", "问题", "--recorder", BAD),
    ("rectify", "progress", "{item}", "--note", BAD),
    ("rectify", "progress", "{item}", "--note", "进展", "--recorder", BAD),
    ("rectify", "extend", "{item}", "--deadline", "+5d", "--reason", BAD),
    ("rectify", "extend", "{item}", "--deadline", "+5d", "--reason", "r", "--approved-by", BAD),
    ("rectify", "close", "{item}", "--resolution", BAD),
    ("month", "close", "2026-10", "--by", f"办公室{BAD}"),
    ("config", "set", "recorder", f"张{BAD}"),
    (
        "districts",
        "assign",
        "东湖",
        "--leader",
        f"新{BAD}",
        "--title",
        "副局长",
        "--from",
        "2026-12-01",
    ),
]


@pytest.mark.parametrize(
    "args", NON_UTF8_COMMANDS, ids=lambda args: " ".join(args[:2] + args[-2:-1])
)
def test_non_utf8_text__refused_with_exit_2_and_nothing_written(
    root: Path, args: tuple[str, ...]
) -> None:
    visit_id, item_id = _visit_and_item(root)
    filled = [arg.format(visit=visit_id, item=item_id) for arg in args]
    before = files(root)
    result = wkb(root, *filled)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "UTF-8" in result.stderr
    assert files(root) == before  # no record, no temp file, no folder


def _git_root(root: Path, name: bytes) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run([b"git", b"-C", os.fsencode(root), b"config", b"user.name", name], check=True)
    text = (root / "wkb.toml").read_text(encoding="utf-8").replace('recorder = "测试员"\n', "")
    (root / "wkb.toml").write_text(text, encoding="utf-8")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.parametrize(
    "args",
    [
        (*ADD, "--entity", "光谷"),
        (*RADD, "--problem", "问题"),
        ("rectify", "progress", "{item}", "--note", "n"),
    ],
    ids=["visit add", "rectify add", "rectify progress"],
)
def test_non_utf8_git_user_name__refused_before_writing(root: Path, args: tuple[str, ...]) -> None:
    _visit_id, item_id = _visit_and_item(root)
    _git_root(root, b"\xe5\xbc\xa0\x85")  # 张 and a stray byte
    before = files(root)
    result = wkb(root, *(arg.format(item=item_id) for arg in args))
    assert result.exit_code == 2 and "git config user.name" in result.stderr
    assert "UTF-8" in result.stderr
    assert files(root) == before


@pytest.mark.parametrize("text", [BAD, f"a{BAD}b", "\ud800", "x" * 10 + "\udfff"])
def test_storage__refuses_text_that_is_not_utf8_and_leaves_no_temp_file(
    root: Path, text: str
) -> None:
    target = root / "data/visits/2026/11/x.yaml"
    for write in (create_exclusive, replace_atomic):
        with pytest.raises(RefusedWrite, match="UTF-8"):
            write(target, f"summary: {text}\n")
        with pytest.raises(RefusedWrite, match="UTF-8"):
            write(target, dump_yaml({"summary": text}))  # not as a \\uDC85 escape either
    assert not (root / "data/visits/2026").exists()


# -- 11.9 never write what cannot be read back ------------------------------------------------

LONG = "长" * 2000  # the longest free text accepted (MAX_TEXT), 6000 bytes in UTF-8


def _just_under_the_limit(build: Callable[[int], str]) -> int:
    """How many copies of a long text fit in a file still under the read limit, the next not."""
    empty, one = len(build(0).encode()), len(build(1).encode())
    return (MAX_FILE_BYTES - empty) // (one - empty)


def _big_visit(root: Path) -> str:
    """A visit file so close to the read limit that one more long text would not fit."""

    def visit(count: int) -> Visit:
        return make_visit(DAY, participants=tuple(LONG for _ in range(count)))

    fit = _just_under_the_limit(lambda n: dump_yaml(visit_to_mapping(visit(n))))
    made = replace(visit(fit), id=make_visit(DAY).id)
    rel = write_visit(root, made)
    assert MAX_FILE_BYTES - 6010 < (root / rel).stat().st_size <= MAX_FILE_BYTES
    return made.id


OVERSIZED: dict[str, tuple[Callable[[Path], str], tuple[str, ...]]] = {
    "visit add, many participants": (
        lambda _root: "",
        (*ADD, "--entity", "光谷", *[arg for _ in range(170) for arg in ("--participant", LONG)]),
    ),
    "visit add, many problems": (
        lambda _root: "",
        (
            *ADD,
            "--entity",
            "光谷",
            "--no-rectify",
            *[a for _ in range(170) for a in ("--problem", LONG)],
        ),
    ),
    "visit void of a big visit": (_big_visit, ("visit", "void", "{id}", "--reason", LONG)),
}


@pytest.mark.parametrize("case", OVERSIZED)
def test_oversized_write__refused_with_exit_2_and_nothing_written(root: Path, case: str) -> None:
    make, args = OVERSIZED[case]
    record_id = make(root)
    before = files(root)
    result = wkb(root, *(arg.format(id=record_id) for arg in args))
    assert result.exit_code == 2, result.stderr[:300]
    assert f"上限 {MAX_FILE_BYTES} 字节" in result.stderr
    assert files(root) == before  # what is on file (under the limit) still reads


def test_storage__refuses_more_than_the_read_limit(root: Path) -> None:
    target = root / "data/visits/2026/11/x.yaml"
    with pytest.raises(RefusedWrite, match="上限"):
        create_exclusive(target, "a" * (MAX_FILE_BYTES + 1))
    create_exclusive(target, "a" * MAX_FILE_BYTES)  # exactly the limit is readable
    assert os.listdir(target.parent) == ["x.yaml"]


# -- 11.10 writes never follow a symlinked folder out of the root ------------------------------


def _link_out(root: Path, rel: str, outside: Path) -> None:
    """Move `rel` (created if absent) outside the root and leave a symlink in its place."""
    (root / rel).mkdir(parents=True, exist_ok=True)
    target = outside / rel.replace("/", "_")
    shutil.move(root / rel, target)
    (root / rel).symlink_to(target, target_is_directory=True)


SYMLINKED: dict[str, tuple[str, tuple[str, ...]]] = {
    "visit add, month folder": ("data/visits/2026/11", (*ADD, "--entity", "光谷")),
    "visit add, year folder": ("data/visits/2026", (*ADD, "--entity", "光谷")),
    "visit add, visits folder": ("data/visits", (*ADD, "--entity", "光谷")),
    "visit add, data folder": ("data", (*ADD, "--entity", "光谷")),
    "rectify add, month folder": (
        "data/rectifications/2026/11",
        (*RADD, "--problem", "问题", "--opened", "2026-11-03"),
    ),
    "rectify progress, month folder": (
        "data/rectifications/2026/11",
        ("rectify", "progress", "{item}", "--note", "n"),
    ),
    "visit void, month folder": (  # not even found: no reader looks through the link
        "data/visits/2026/11",
        ("visit", "void", "{visit}", "--reason", "r"),
    ),
    "month close, sealed folder": ("data/sealed", ("month", "close", "2026-10")),
}


@pytest.mark.parametrize("case", SYMLINKED)
def test_symlinked_folder__writes_refused_nothing_written_outside(
    root: Path, tmp_path: Path, case: str
) -> None:
    visit_id, item_id = _visit_and_item(root)
    outside = tmp_path / "outside"
    outside.mkdir()
    linked, args = SYMLINKED[case]
    _link_out(root, linked, outside)
    before_outside = snapshot(outside)
    before = files(root)
    result = wkb(root, *(arg.format(visit=visit_id, item=item_id) for arg in args))
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert f"{linked} 是符号链接" in result.stderr or "没有编号为" in result.stderr
    assert snapshot(outside) == before_outside
    assert files(root) == before


def test_symlinked_cache_folder__readers_work_and_write_nothing_outside(
    root: Path, tmp_path: Path
) -> None:
    _visit_and_item(root)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / ".wkb-cache").symlink_to(outside, target_is_directory=True)
    report = wkb(root, "report", "--month", "2026-11", "--format", "json")
    assert report.exit_code == 0 and json.loads(report.stdout)["summary"]["contacts"] == 1
    assert os.listdir(outside) == []


# -- 11.13 crash leftovers ----------------------------------------------------------------------


def test_visit_edit__killed_leaves_its_copy_where_validate_fix_clears_it(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit_id, _item_id = _visit_and_item(root)
    pattern = f"wkb-{visit_id}-"
    in_tmp = {name for name in os.listdir(tempfile.gettempdir()) if name.startswith(pattern)}
    monkeypatch.setenv("EDITOR", "sh -c 'kill -9 $PPID' sh")  # the editor kills wkb itself
    pid = fork(lambda: run(["--root", str(root), "visit", "edit", visit_id]))
    _pid, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert {n for n in os.listdir(tempfile.gettempdir()) if n.startswith(pattern)} == in_tmp
    copies = os.listdir(root / EDIT_DIR)
    assert len(copies) == 1 and copies[0].startswith(pattern)

    listed = wkb(root, "validate")
    assert listed.exit_code == 0 and "有 1 个崩溃遗留的临时文件" in listed.stdout
    fixed = wkb(root, "validate", "--fix")
    assert fixed.exit_code == 0 and "已清理 1 个临时文件" in fixed.stdout
    assert os.listdir(root / EDIT_DIR) == []


def test_validate_fix__leaves_a_copy_being_edited_alone(root: Path) -> None:
    (root / EDIT_DIR).mkdir(parents=True)
    live = root / EDIT_DIR / f"wkb-V20261103-AAAAAA-{os.getppid()}-abc.yaml"
    live.write_text("id: x\n", encoding="utf-8")
    assert wkb(root, "validate", "--fix").exit_code == 0
    assert live.exists()


LEFTOVERS: dict[str, Callable[[Path, Path], None]] = {
    "empty folder": lambda path, _outside: path.mkdir(),
    "link to a folder outside": lambda path, outside: path.symlink_to(outside),
    "plain file": lambda path, _outside: path.write_bytes(b"half a reco"),
}


@pytest.mark.parametrize("where", ["", "data/sealed", "data/visits/2026/11"])
@pytest.mark.parametrize("shape", LEFTOVERS)
def test_validate_fix__handles_whatever_carries_a_temp_name(
    root: Path, tmp_path: Path, where: str, shape: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep", encoding="utf-8")
    folder = root / where
    folder.mkdir(parents=True, exist_ok=True)
    LEFTOVERS[shape](folder / ".wkb-x.tmp", outside)
    fixed = wkb(root, "validate", "--fix")
    assert fixed.exit_code == 0, fixed.stdout
    assert not os.path.lexists(folder / ".wkb-x.tmp") or shape == "empty folder"
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "keep"


def test_validate_fix__a_folder_it_must_not_empty_is_reported(root: Path) -> None:
    busy = root / "data/.wkb-x.tmp"
    busy.mkdir()
    (busy / "something.txt").write_text("not wkb's", encoding="utf-8")
    fixed = wkb(root, "validate", "--fix")
    assert fixed.exit_code == 1
    assert "data/.wkb-x.tmp:1: 崩溃遗留的临时文件无法清理" in fixed.stdout
    assert (busy / "something.txt").exists()
