"""The rectification store beside others: the visit → rectification link, concurrent writers,
and `wkb validate` on histories written by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

import builders
from builders import make_visit
from conftest import Invoke
from wkb_tracker.domain.dates import SHANGHAI
from wkb_tracker.domain.errors import UserError
from wkb_tracker.domain.model import Visit, VoidMark
from wkb_tracker.store import rectification_store, storage


def write_visit(root: Path, day: date = date(2026, 11, 3), **fields: Any) -> Visit:
    """A visit to 东湖高新区 by 胡军, written straight through the on-disk format."""
    visit = make_visit(day, **{"summary": "", **fields})
    builders.write_visit(root, visit)
    return visit


def snapshot(root: Path) -> dict[str, bytes]:
    base = root / "data" / "rectifications"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in base.rglob("*") if p.is_file()}


# -- visit → rectification ---------------------------------------------------------------------


def test_open_for_visit__one_item_per_problem(root: Path, wkb: Invoke) -> None:
    visit = write_visit(root, problems=("用地审批慢", "人才公寓不足"))
    items = rectification_store.open_for_visit(root, visit, recorder="测试员")
    assert [
        (i.problem, i.source, i.visit, i.district, i.opened, i.deadline, i.department, i.owner)
        for i in items
    ] == [
        (
            "用地审批慢",
            "visit",
            visit.id,
            "东湖高新区",
            date(2026, 11, 3),
            date(2026, 12, 3),
            "高新处",
            "彭华魁",
        ),
        (
            "人才公寓不足",
            "visit",
            visit.id,
            "东湖高新区",
            date(2026, 11, 3),
            date(2026, 12, 3),
            "高新处",
            "彭华魁",
        ),
    ]
    assert all((root / i.path).is_file() for i in items)
    listed = json.loads(wkb("rectify", "list", "--format", "json").stdout)
    assert {(v["visit"], v["leader"], v["status"]) for v in listed} == {(visit.id, "胡军", "open")}
    assert wkb("validate").exit_code == 0


def test_open_for_visit__no_problems_no_items(root: Path) -> None:
    assert rectification_store.open_for_visit(root, write_visit(root), recorder="测试员") == []
    assert snapshot(root) == {"data/rectifications/.gitkeep": b""}


def test_open_for_visit__checks_every_problem_before_writing(root: Path) -> None:
    visit = write_visit(root, problems=("用地审批慢", "   "))
    with pytest.raises(UserError, match="--problem 不能为空"):
        rectification_store.open_for_visit(root, visit, recorder="测试员")
    assert snapshot(root) == {"data/rectifications/.gitkeep": b""}


def test_visit_add__opens_linked_items(wkb: Invoke, root: Path) -> None:
    result = wkb(
        "visit", "add", "--date", "2026-11-03", "--district", "东湖", "--entity", "武汉光谷实验室",
        "--type", "platform", "--problem", "用地审批慢", "--problem", "人才公寓不足", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    visit = json.loads(result.stdout)
    listed = json.loads(wkb("rectify", "list", "--format", "json").stdout)
    assert sorted(v["id"] for v in listed) == sorted(visit["rectifications"])
    assert {(v["visit"], v["source"], v["opened"], v["deadline"]) for v in listed} == {
        (visit["id"], "visit", "2026-11-03", "2026-12-03")
    }


def test_visit_add__no_rectify(wkb: Invoke, root: Path) -> None:
    result = wkb(
        "visit", "add", "--date", "2026-11-03", "--district", "东湖", "--entity", "武汉光谷实验室",
        "--type", "platform", "--problem", "用地审批慢", "--no-rectify",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert snapshot(root) == {"data/rectifications/.gitkeep": b""}


def test_rectify_add__from_a_visit(wkb: Invoke, root: Path) -> None:
    visit = write_visit(root, day=date(2026, 11, 4))
    result = wkb(
        "rectify", "add", "--visit", visit.id.lower(), "--problem", "融资难", "--format", "json"
    )
    assert result.exit_code == 0, result.stderr
    view = json.loads(result.stdout)
    assert (
        view["visit"],
        view["source"],
        view["district"],
        view["opened"],
        view["deadline"],
        view["leader"],
    ) == (
        visit.id,
        "visit",
        "东湖高新区",
        "2026-11-04",
        "2026-12-04",
        "胡军",
    )
    assert view["path"] == f"data/rectifications/2026/11/{view['id']}.yaml"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--district", "江岸区"), "--district 江岸区 与走访"),
        (("--source", "督查"), "--visit 已确定来源为 visit,不能再给 --source 督查"),
        (("--opened", "2026-11-05"), "--opened 与走访"),
    ],
)
def test_rectify_add__visit_conflicts(
    wkb: Invoke, root: Path, extra: tuple[str, ...], message: str
) -> None:
    visit = write_visit(root, day=date(2026, 11, 4))
    result = wkb("rectify", "add", "--visit", visit.id, "--problem", "p", *extra)
    assert result.exit_code == 2 and message in result.stderr
    assert snapshot(root) == {"data/rectifications/.gitkeep": b""}


def test_rectify_add__unknown_malformed_or_void_visit(wkb: Invoke, root: Path) -> None:
    void = write_visit(
        root, void=VoidMark("录错了", "测试员", datetime(2026, 11, 5, 9, 0, tzinfo=SHANGHAI))
    )
    unknown = wkb("rectify", "add", "--visit", "V20261103-AAAAAA", "--problem", "p")
    malformed = wkb("rectify", "add", "--visit", "../V20261103-AAAAAA", "--problem", "p")
    voided = wkb("rectify", "add", "--visit", void.id, "--problem", "p")
    assert (unknown.exit_code, unknown.stderr) == (2, "没有编号为 V20261103-AAAAAA 的走访记录\n")
    assert malformed.exit_code == 2 and "编号格式不对" in malformed.stderr
    assert voided.exit_code == 2 and f"走访 {void.id} 已作废" in voided.stderr
    assert snapshot(root) == {"data/rectifications/.gitkeep": b""}


# -- concurrent writers ------------------------------------------------------------------------

_APPEND_NOTES = """
import sys
from pathlib import Path
from wkb_tracker.store.rectification_store import progress_event, record
root, item_id, who = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
for n in range(10):
    record(root, item_id, progress_event(note=f"{who}-{n}", by=who))
"""


def _item(wkb: Invoke) -> dict[str, Any]:
    result = wkb(
        "rectify",
        "add",
        "--problem",
        "p",
        "--district",
        "donghu",
        "--source",
        "自查",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    view: dict[str, Any] = json.loads(result.stdout)
    return view


def test_concurrency__two_writers_lose_no_event(wkb: Invoke, root: Path) -> None:
    item = _item(wkb)
    writers = [
        subprocess.Popen([sys.executable, "-c", _APPEND_NOTES, str(root), item["id"], who])
        for who in ("甲", "乙")
    ]
    assert [w.wait(timeout=60) for w in writers] == [0, 0]
    stored = rectification_store.find_item(root, item["id"])
    notes = [e.note for e in stored.events]
    assert sorted(notes) == sorted([f"甲-{n}" for n in range(10)] + [f"乙-{n}" for n in range(10)])
    assert [n for n in notes if n and n.startswith("甲")] == [f"甲-{n}" for n in range(10)]


def test_concurrency__two_closers_one_wins(wkb: Invoke, root: Path) -> None:
    item = _item(wkb)
    closers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "wkb_tracker",
                "--root",
                str(root),
                "rectify",
                "close",
                item["id"],
                "--resolution",
                who,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("甲办结", "乙办结")
    ]
    outcomes = [(c.wait(timeout=60), c.communicate()[1]) for c in closers]
    assert sorted(code for code, _err in outcomes) == [0, 2]
    assert any("不能再次关闭" in err for code, err in outcomes if code == 2)
    stored = rectification_store.find_item(root, item["id"])
    assert [e.kind for e in stored.events] == ["close"]


def test_concurrency__the_check_uses_the_file_as_it_is_under_the_lock(
    wkb: Invoke, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer closes the item after we looked it up but before we lock: we see that."""
    item = _item(wkb)
    real = storage.locked

    def someone_else_first(path: Path) -> Any:
        monkeypatch.setattr(storage, "locked", real)
        rectification_store.record(
            root, item["id"], rectification_store.close_event(resolution="甲办结", by="甲")
        )
        return real(path)

    monkeypatch.setattr(storage, "locked", someone_else_first)
    with pytest.raises(UserError, match="不能再次关闭"):
        rectification_store.record(
            root, item["id"], rectification_store.close_event(resolution="乙办结", by="乙")
        )
    stored = rectification_store.find_item(root, item["id"])
    assert [(e.kind, e.resolution) for e in stored.events] == [("close", "甲办结")]


# -- validate on hand-written histories --------------------------------------------------------


def test_validate__reports_each_bad_event_with_its_line(wkb: Invoke, root: Path) -> None:
    rel = "data/rectifications/2026/10/R20261001-AAAAAA.yaml"
    (root / rel).parent.mkdir(parents=True)
    (root / rel).write_text(
        """id: R20261001-AAAAAA
problem: 孵化器用地审批慢
district: 东湖高新区
district_id: donghu
source: 督查
visit: null
measure: null
department: 高新处
owner: 彭华魁
opened: 2026-10-01
deadline: 2026-10-31
events:
- kind: close
  date: 2026-10-20
  by: 测试员
  at: 2026-10-20 10:00:00+08:00
  resolution: 已办结
- kind: extend
  date: 2026-10-21
  by: 测试员
  at: 2026-10-21 10:00:00+08:00
  deadline: 2026-11-30
  reason: 补
- kind: reopen
  date: 2026-10-22
  by: 测试员
  at: 2026-10-22 10:00:00+08:00
  reason: 复发
- kind: reopen
  date: 2026-10-23
  by: 测试员
  at: 2026-10-23 10:00:00+08:00
  reason: 又复发
- kind: extend
  date: 2026-10-24
  by: 测试员
  at: 2026-10-24 10:00:00+08:00
  deadline: 2026-10-30
  reason: 缩短
- kind: progress
  date: 2026-12-01
  by: 测试员
  at: 2026-11-24 10:00:00+08:00
  note: 未来
- kind: progress
  date: 2026-09-01
  by: 测试员
  at: 2026-11-24 10:00:00+08:00
  note: 太早
""",
        encoding="utf-8",
    )
    result = wkb("validate")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:-1] == [
        f"{rel}:18: R20261001-AAAAAA 已于 2026-10-20 关闭,不能延期;如需继续整改,请先 `wkb rectify reopen`",
        f"{rel}:29: R20261001-AAAAAA 尚未关闭,无需重新打开",
        # the refused extension (line 18) is not counted: the deadline in force is still 10-31
        f"{rel}:38: 新期限 2026-10-30 须晚于现行期限 2026-10-31",
        f"{rel}:41: 日期 2026-12-01 在未来",
        f"{rel}:46: 事件日期早于立项日期",
    ]
