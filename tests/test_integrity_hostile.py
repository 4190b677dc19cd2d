"""Hostile and broken files under data/ (issue 6): `wkb validate` reports each one as
`path:line: message` with exit 1; the readers (`visit list`, `rectify list`, `report`) skip it with
a warning naming the file, still exit 0 and still show the good records. Never a traceback, never
a hang, and nothing in a file ever runs.

Each case writes one file next to a good visit (2026-11-03) and a good rectification item.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from builders import make_item, make_visit, write_item, write_visit
from inprocess import Outcome, invoke, snapshot
from wkb_tracker.store.records import rectification_to_mapping, visit_path, visit_to_mapping
from wkb_tracker.store.root import init_root
from wkb_tracker.store.storage import MAX_FILE_BYTES, dump_yaml

DAY = date(2026, 11, 3)
VISITS = "data/visits/2026/11"
ITEMS = "data/rectifications/2026/11"
NAME = "hostile.yaml"
TAG_NOT_ALLOWED = "YAML 语法错误:不允许的 YAML 标签"


@dataclass(frozen=True)
class Case:
    """Writes one hostile file at `rel` (or, for a misplaced record, beside it under the name wkb
    would give it); returns the file's rel, the line and the message `wkb validate` must give."""

    write: Callable[[Path, str, Path], tuple[str, int, str]]


def _bytes(data: bytes, line: int, message: str) -> Case:
    def write(root: Path, rel: str, _scratch: Path) -> tuple[str, int, str]:
        _parent(root, rel).write_bytes(data)
        return rel, line, message

    return Case(write)


def _parent(root: Path, rel: str) -> Path:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    return root / rel


def _python_tag(root: Path, rel: str, scratch: Path) -> tuple[str, int, str]:
    """Tags that would run code under an unsafe loader: each would create the canary file."""
    canary = scratch / "pwned"
    _parent(root, rel).write_text(
        "id: V20261103-AAAAAA\n"
        "date: 2026-11-03\n"
        f'summary: !!python/object/apply:os.system ["touch {canary}"]\n'
        f"entity: !!python/object/new:subprocess.Popen [[touch, {canary}]]\n",
        encoding="utf-8",
    )
    return rel, 3, f"{TAG_NOT_ALLOWED} (could not determine a constructor for the tag "


def _huge(root: Path, rel: str, _scratch: Path) -> tuple[str, int, str]:
    with _parent(root, rel).open("wb") as stream:
        stream.truncate(50 * 1024 * 1024)  # sparse: instant to make, slow to read
    return rel, 1, "文件过大(52428800 字节,上限 1000000),未读取"


def _symlink_outside(root: Path, rel: str, scratch: Path) -> tuple[str, int, str]:
    """A link to a perfectly valid record outside the root: refused for where it points."""
    outside = scratch / "outside.yaml"
    outside.write_text(dump_yaml(visit_to_mapping(make_visit(DAY))), encoding="utf-8")
    _parent(root, rel).symlink_to(outside)
    return rel, 1, "符号链接指向记录根目录之外,已拒绝读取"


def _fifo(root: Path, rel: str, _scratch: Path) -> tuple[str, int, str]:
    """A named pipe: reading it would block forever."""
    os.mkfifo(_parent(root, rel))
    return rel, 1, "不是普通文件,未读取"


def _wrong_month(root: Path, rel: str, _scratch: Path) -> tuple[str, int, str]:
    """A valid record dated October, in the November folder (named as wkb would name it)."""
    october = date(2026, 10, 3)
    folder = rel.rsplit("/", 1)[0]
    if folder.startswith("data/visits"):
        visit = make_visit(october)
        name = visit_path(visit.id, visit.date, visit.district_id).rsplit("/", 1)[1]
        text = dump_yaml(visit_to_mapping(visit))
        key, message = "date", "文件不在其日期对应的月份目录(data/visits/2026/10)"
    else:
        item = make_item(october)
        name = f"{item.id}.yaml"
        text = dump_yaml(rectification_to_mapping(item))
        key, message = "opened", "文件不在其立项日期对应的月份目录(data/rectifications/2026/10)"
    rel = f"{folder}/{name}"
    _parent(root, rel).write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith(f"{key}:"))
    return rel, line, message


def _billion_laughs() -> bytes:
    rows = [b'lol1: &lol1 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(2, 10):
        aliases = b",".join([b"*lol%d" % (level - 1)] * 9)
        rows.append(b"lol%d: &lol%d [%s]" % (level, level, aliases))
    return b"\n".join(rows) + b"\n"


CASES: dict[str, Case] = {
    "python-object-tag": Case(_python_tag),
    "unknown-tag": _bytes(
        b"id: V20261103-AAAAAA\ndate: 2026-11-03\nentity: !include /etc/passwd\n",
        3,
        f"{TAG_NOT_ALLOWED} (could not determine a constructor for the tag '!include')",
    ),
    "alias-bomb": _bytes(_billion_laughs(), 1, "不允许 YAML 锚点和别名"),
    "50-MB": Case(_huge),
    "nesting-10000-deep": _bytes(
        b"id: V20261103-AAAAAA\nsummary: " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
        2,
        "YAML 语法错误:exceeded maximum nesting depth",
    ),
    "invalid-utf8": _bytes(
        b"id: V20261103-AAAAAA\ndate: 2026-11-03\nentity: \xff\xfe\xe5\x85\n",
        3,
        "不是有效的 UTF-8 编码",
    ),
    "nul-byte": _bytes(
        b"id: V20261103-AAAAAA\ndate: 2026-11-03\ndistrict: donghu\nentity: a\x00b\n",
        4,
        "文件含 NUL 字节",
    ),
    "byte-order-mark": _bytes(
        b"\xef\xbb\xbfid: V20261103-AAAAAA\n",
        1,
        "文件以字节顺序标记(BOM)开头;请存为不带 BOM 的 UTF-8",
    ),
    "conflict-markers": _bytes(
        b"id: V20261103-AAAAAA\n<<<<<<< HEAD\nsummary: a\n=======\nsummary: b\n>>>>>>> other\n",
        2,
        "残留的 git 合并冲突标记;请先解决冲突",
    ),
    "empty": _bytes(b"", 1, "文件为空"),
    "list-not-mapping": _bytes(
        b"- id: V20261103-AAAAAA\n- date: 2026-11-03\n",
        1,
        "此处应为映射(键: 值),实际是 list",
    ),
    # YAML keeps the last of two equal keys silently: a hand merge leaving two dates would move
    # a visit to another day with nothing said. Refused at the second key's line.
    "duplicate-key": _bytes(
        b"id: V20261103-AAAAAA\ndate: 2026-11-03\nsummary: a\ndate: 2026-11-30\n",
        4,
        "键 date 出现两次(第 2 行已有);只能保留一个值",
    ),
    "duplicate-quoted-key": _bytes(
        b"id: V20261103-AAAAAA\nsummary: a\n'summary': b\n",
        3,
        "键 summary 出现两次(第 2 行已有);只能保留一个值",
    ),
    "duplicate-nested-key": _bytes(
        b"id: V20261103-AAAAAA\nvoid:\n  reason: x\n  by: a\n  by: b\n",
        5,
        "键 by 出现两次(第 4 行已有);只能保留一个值",
    ),
    "symlink-outside-root": Case(_symlink_outside),
    "named-pipe": Case(_fifo),
    "wrong-month-folder": Case(_wrong_month),
}
FOLDERS = {"visit": VISITS, "rectification": ITEMS}
WHOLE_FILE_CASES = [name for name in CASES if name != "wrong-month-folder"]
ADD = ("visit", "add", "--district", "donghu", "--entity", "光谷实验室", "--type", "科技企业")


class Hang(BaseException):
    """Not an Exception, nor an OSError like TimeoutError: wkb's handlers of unreadable files let
    it through, so a hang fails the test (a TimeoutError was once reported as an unreadable
    file, and a named pipe that hung `wkb validate` passed after a minute)."""


@pytest.fixture(autouse=True)
def _watchdog() -> Iterator[None]:
    """A hang (say, a reader blocking on a named pipe) fails the test instead of stalling the
    suite. Not a timing assertion: the limit is far above what any case needs."""

    def expire(_signum: int, _frame: object) -> None:
        raise Hang("a hostile file made wkb hang")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def good(root: Path) -> tuple[str, str]:
    """A good visit and a good item (ids) beside the hostile file."""
    visit = make_visit(DAY)
    item = make_item(DAY)
    write_visit(root, visit)
    write_item(root, item)
    return visit.id, item.id


def wkb(root: Path, *args: str) -> Outcome:
    outcome = invoke("--root", str(root), *args)
    assert outcome.exception is None, repr(outcome.exception)
    assert "Traceback" not in outcome.stdout + outcome.stderr
    return outcome


@pytest.mark.parametrize("kind", FOLDERS)
@pytest.mark.parametrize("case", CASES)
def test_hostile_file__validate_reports_it_at_its_line(
    root: Path, tmp_path: Path, good: tuple[str, str], kind: str, case: str
) -> None:
    rel, line, message = CASES[case].write(root, f"{FOLDERS[kind]}/{NAME}", tmp_path)
    result = wkb(root, "validate")
    assert result.exit_code == 1
    assert f"{rel}:{line}: {message}" in result.stdout
    assert "发现 1 个问题" in result.stdout  # the hostile file only: the good records are fine
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("kind", FOLDERS)
@pytest.mark.parametrize("case", CASES)
def test_hostile_file__readers_skip_it_with_a_warning(
    root: Path, tmp_path: Path, good: tuple[str, str], kind: str, case: str
) -> None:
    visit_id, item_id = good
    rel, line, message = CASES[case].write(root, f"{FOLDERS[kind]}/{NAME}", tmp_path)
    warning = f"{rel}:{line}: {message}"

    visits = wkb(root, "visit", "list", "--format", "json")
    assert visits.exit_code == 0
    assert [view["id"] for view in json.loads(visits.stdout)] == [visit_id]
    assert (warning in visits.stderr) is (kind == "visit")

    items = wkb(root, "rectify", "list", "--status", "all", "--format", "json")
    assert items.exit_code == 0
    assert [view["id"] for view in json.loads(items.stdout)] == [item_id]
    assert (warning in items.stderr) is (kind == "rectification")

    report = wkb(root, "report", "--month", "2026-11", "--format", "json", "--explain")
    assert report.exit_code == 0
    assert warning in report.stderr
    assert visit_id in report.stdout and item_id in report.stdout
    assert json.loads(report.stdout)["summary"]["contacts"] == 1
    assert not (tmp_path / "pwned").exists()


def test_hostile_files__all_at_once_validate_quickly_and_readers_keep_the_good_records(
    root: Path, tmp_path: Path, good: tuple[str, str]
) -> None:
    visit_id, item_id = good
    expected = []
    for kind, folder in FOLDERS.items():
        for case, hostile in CASES.items():
            scratch = tmp_path / f"{kind}-{case}"
            scratch.mkdir()
            rel, line, message = hostile.write(root, f"{folder}/{case}.yaml", scratch)
            expected.append(f"{rel}:{line}: {message}")
    for month, case in enumerate(("alias-bomb", "50-MB", "nesting-10000-deep", "byte-order-mark")):
        manifest = f"data/sealed/2026-0{month + 1}.yaml"
        rel, line, message = CASES[case].write(root, manifest, tmp_path)
        expected.append(f"{rel}:{line}: {message}")

    result = wkb(root, "validate")
    assert result.exit_code == 1
    for problem in expected:
        assert problem in result.stdout
    assert f"发现 {len(expected)} 个问题" in result.stdout
    assert [v["id"] for v in json.loads(wkb(root, "visit", "list", "--format", "json").stdout)] == [
        visit_id
    ]
    items = wkb(root, "rectify", "list", "--status", "all", "--format", "json")
    assert [view["id"] for view in json.loads(items.stdout)] == [item_id]
    report = wkb(root, "report", "--month", "2026-11", "--format", "json", "--explain")
    assert report.exit_code == 0 and visit_id in report.stdout
    assert not any((tmp_path / name / "pwned").exists() for name in os.listdir(tmp_path))


@pytest.mark.parametrize("case", WHOLE_FILE_CASES)
def test_hostile_districts_file__reported_and_commands_that_need_it_refuse(
    root: Path, tmp_path: Path, good: tuple[str, str], case: str
) -> None:
    """The responsibility table cannot be skipped like a record: commands that need it stop with
    exit 1 and the problem, write nothing; `visit list` does not need it and goes on."""
    visit_id, _item_id = good
    (root / "data/districts.yaml").unlink()
    rel, line, message = CASES[case].write(root, "data/districts.yaml", tmp_path)
    if case == "list-not-mapping":  # the table's own wording: it is a mapping holding a list
        message = "应为含 entries 列表的映射"
    problem = f"{rel}:{line}: {message}"

    result = wkb(root, "validate")
    assert result.exit_code == 1 and problem in result.stdout
    before = snapshot(root)
    added = wkb(root, *ADD, "--date", "2026-11-04")
    assert added.exit_code == 1 and problem in added.stderr
    assert snapshot(root) == before
    for reader in (("report", "--month", "2026-11"), ("rectify", "list")):
        refused = wkb(root, *reader)
        assert refused.exit_code == 1 and problem in refused.stderr
    visits = wkb(root, "visit", "list", "--format", "json")
    assert visits.exit_code == 0 and problem in visits.stderr
    assert [view["id"] for view in json.loads(visits.stdout)] == [visit_id]
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("case", WHOLE_FILE_CASES)
def test_hostile_manifest__reported_and_its_month_stays_sealed(
    root: Path, tmp_path: Path, good: tuple[str, str], case: str
) -> None:
    rel, line, message = CASES[case].write(root, "data/sealed/2026-09.yaml", tmp_path)
    result = wkb(root, "validate")
    assert result.exit_code == 1 and f"{rel}:{line}: {message}" in result.stdout
    assert wkb(root, "month", "status").exit_code == 0
    again = wkb(root, "month", "close", "2026-09")
    assert again.exit_code == 2 and "2026-09 已经封存" in again.stderr
    if case != "named-pipe":  # sealing.is_sealed asks is_file(): a pipe is not one
        before = snapshot(root)
        added = wkb(root, *ADD, "--date", "2026-09-10")
        assert added.exit_code == 2 and "2026-09 已封存" in added.stderr
        assert snapshot(root) == before
    assert not (tmp_path / "pwned").exists()


def test_hostile_manifest__month_status_warns_naming_it(root: Path) -> None:
    (root / "data/sealed/2026-09.yaml").write_bytes(b"- not a manifest\n")
    status = wkb(root, "month", "status")
    assert status.exit_code == 0
    assert "data/sealed/2026-09.yaml:1: 此处应为映射(键: 值),实际是 list" in status.stderr


def test_hostile_manifest__entry_outside_the_root_is_reported_not_read(
    root: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("not a record\n", encoding="utf-8")
    digest = hashlib.sha256(outside.read_bytes()).hexdigest()
    (root / "data/sealed/2026-09.yaml").write_text(
        "month: 2026-09\nsealed_by: 办公室\nsealed_at: 2026-10-01 09:00:00+08:00\nvisits:\n"
        f"- id: V20260903-AAAAAA\n  path: {outside}\n  sha256: {digest}\n",
        encoding="utf-8",
    )
    result = wkb(root, "validate")
    assert result.exit_code == 1
    assert "data/sealed/2026-09.yaml:5:" in result.stdout


def test_hostile_file__at_a_sealed_visits_path_is_not_read(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rel = write_visit(root, make_visit(date(2026, 10, 3)))
    assert wkb(root, "month", "close", "2026-10").exit_code == 0
    with (root / rel).open("wb") as stream:
        stream.truncate(50 * 1024 * 1024)
    real_read = Path.read_bytes

    def guarded(path: Path) -> bytes:
        assert path.stat().st_size <= MAX_FILE_BYTES, f"read {path} ({path.stat().st_size} bytes)"
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", guarded)
    result = wkb(root, "validate")
    assert result.exit_code == 1
    assert f"{rel}:1: 文件过大(52428800 字节,上限 1000000),未读取" in result.stdout


@pytest.mark.parametrize("linked", ["data/visits/2026/10", "data/visits/2025"])
def test_symlinked_folder_outside_root__refused_by_every_reader(
    root: Path, tmp_path: Path, good: tuple[str, str], linked: str
) -> None:
    """Records behind a linked folder would be counted by one-month readers (which look inside)
    and missed by the others: instead the link itself is reported and nothing behind it read."""
    visit_id, _item_id = good
    elsewhere = init_root(tmp_path / "elsewhere", git=False)
    day = date(int(linked.split("/")[2]), 10, 3)
    stray = make_visit(day)
    write_visit(elsewhere, stray)
    (root / linked).parent.mkdir(parents=True, exist_ok=True)
    (root / linked).symlink_to(elsewhere / linked)
    problem = f"{linked}:1: 符号链接指向记录根目录之外,已拒绝读取"

    result = wkb(root, "validate")
    assert result.exit_code == 1 and problem in result.stdout and "发现 1 个问题" in result.stdout
    for month in (None, f"{day:%Y-%m}"):
        listed = wkb(
            root, "visit", "list", "--format", "json", *(["--month", month] if month else [])
        )
        assert listed.exit_code == 0 and problem in listed.stderr
        assert [view["id"] for view in json.loads(listed.stdout)] == ([] if month else [visit_id])
    report = wkb(root, "report", "--month", f"{day:%Y-%m}", "--format", "json", "--explain")
    assert report.exit_code == 0 and problem in report.stderr and stray.id not in report.stdout


@pytest.mark.parametrize("row", ["garbage", '["V20261103-AAAAAA"]', "[]", "[1, 2, 3]"])
def test_damaged_record_cache__readers_fall_back_to_the_files(
    root: Path, good: tuple[str, str], row: str
) -> None:
    """.wkb-cache/records.sqlite is derived data: a damaged row is never worth a traceback."""
    visit_id, item_id = good
    assert wkb(root, "report", "--month", "2026-11").exit_code == 0  # fills the cache
    with sqlite3.connect(root / ".wkb-cache/records.sqlite") as db:
        assert db.execute("UPDATE record SET row = ?", (row,)).rowcount == 2
    visits = wkb(root, "visit", "list", "--format", "json")
    assert [view["id"] for view in json.loads(visits.stdout)] == [visit_id]
    items = wkb(root, "rectify", "list", "--status", "all", "--format", "json")
    assert [view["id"] for view in json.loads(items.stdout)] == [item_id]
    report = wkb(root, "report", "--month", "2026-11", "--format", "json", "--explain")
    assert report.exit_code == 0 and visit_id in report.stdout and item_id in report.stdout
