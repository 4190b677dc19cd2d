"""One file per rectification event (issue 10.5, 10.8, 10.7): clones that each add events to the
same item merge without a conflict; conflicting status changes are reported, not resolved;
items written in the older format (events inside the item's file) are still read; lateness
sticks; events dated in a sealed month need an approver and a reason."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from builders import make_item, write_item
from conftest import Invoke
from gitrepo import from_template
from inprocess import invoke
from wkb_tracker.store.rectification_store import find_item
from wkb_tracker.store.root import init_root


def git(*args: str | Path) -> str:
    done = subprocess.run(
        ["git", *map(str, args)], check=False, capture_output=True, text=True, encoding="utf-8"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip()


def wkb_in(clone: Path, *args: str) -> Any:
    result = invoke("--root", str(clone), *args)
    assert result.exit_code == 0, result.stderr
    return result


_ITEM_IDS: dict[str, str] = {}  # the item each template holds (templates: once per worker)


def _clones(folder: Path) -> None:
    origin = init_root(folder / "origin", git=True)
    with (origin / "wkb.toml").open("a", encoding="utf-8") as stream:
        stream.write('recorder = "测试员"\n')
    item = make_item(date(2026, 11, 2))
    _ITEM_IDS["clones"] = item.id
    write_item(origin, item)
    git("-C", origin, "add", "-A")
    git("-C", origin, "commit", "-q", "-m", "records root")
    remote = folder / "remote.git"
    git("clone", "-q", "--bare", origin, remote)
    for clone in (folder / "甲", folder / "乙"):
        git("clone", "-q", remote, clone)
        git("-C", clone, "config", "pull.rebase", "false")


@pytest.fixture
def clones(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A bare remote holding one item (opened 2026-11-02, deadline 12-02), and two clones of it
    (made once per worker and copied)."""
    from_template("event-clones", tmp_path, _clones, tmp_path_factory)
    return tmp_path / "甲", tmp_path / "乙", _ITEM_IDS["clones"]


def _office_and_clerk(folder: Path) -> None:
    origin = init_root(folder / "origin", git=True)
    item = make_item(date(2026, 10, 2))
    _ITEM_IDS["office"] = item.id
    write_item(origin, item)
    git("-C", origin, "add", "-A")
    git("-C", origin, "commit", "-q", "-m", "records root")
    for clone in (folder / "office", folder / "clerk"):
        git("clone", "-q", origin, clone)
        git("-C", clone, "config", "pull.rebase", "false")


def pull(clone: Path) -> None:
    git("-C", clone, "pull", "-q", "--no-edit")  # fails the test on a conflict
    assert git("-C", clone, "status", "--porcelain") == ""


def history(clone: Path, item_id: str) -> list[tuple[str, str, str]]:
    return [
        (e.kind, e.date.isoformat(), e.note or e.resolution or e.reason or "")
        for e in find_item(clone, item_id).events
    ]


def test_two_clones__events_on_one_item_merge_without_conflict_in_order(
    clones: tuple[Path, Path, str],
) -> None:
    first, second, item_id = clones
    wkb_in(first, "rectify", "progress", item_id, "--note", "甲协调", "--date", "2026-11-10", "--commit")  # fmt: skip
    wkb_in(first, "rectify", "extend", item_id, "--deadline", "2026-12-31", "--reason", "待审批",
           "--date", "2026-11-12", "--commit")  # fmt: skip
    git("-C", first, "push", "-q")
    wkb_in(second, "rectify", "progress", item_id, "--note", "乙回访", "--date", "2026-11-11", "--commit")  # fmt: skip
    wkb_in(second, "rectify", "close", item_id, "--resolution", "已办结", "--date", "2026-11-20", "--commit")  # fmt: skip
    pull(second)
    git("-C", second, "push", "-q")
    pull(first)
    expected = [
        ("progress", "2026-11-10", "甲协调"),
        ("progress", "2026-11-11", "乙回访"),
        ("extend", "2026-11-12", "待审批"),
        ("close", "2026-11-20", "已办结"),
    ]
    assert history(first, item_id) == history(second, item_id) == expected
    assert "0 条走访记录、1 个整改事项,未发现问题" in wkb_in(first, "validate").stdout
    (view,) = json.loads(
        wkb_in(first, "rectify", "list", "--status", "all", "--format", "json").stdout
    )
    assert (view["status"], view["closed"], view["closed_late"], view["deadline"]) == (
        "closed", "2026-11-20", False, "2026-12-31",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("second_change", "message"),
    [
        (("close", "--resolution", "乙办结", "--date", "2026-11-21"), "不能再次关闭"),
        (
            ("extend", "--deadline", "2026-12-31", "--reason", "r", "--date", "2026-11-22"),
            "不能延期",
        ),
    ],
    ids=["both-closed", "closed-then-extended"],
)
def test_two_clones__conflicting_status_changes_are_reported_not_resolved(
    clones: tuple[Path, Path, str], second_change: tuple[str, ...], message: str
) -> None:
    first, second, item_id = clones
    wkb_in(first, "rectify", "close", item_id, "--resolution", "甲办结", "--date", "2026-11-20", "--commit")  # fmt: skip
    git("-C", first, "push", "-q")
    kind, *options = second_change
    wkb_in(second, "rectify", kind, item_id, *options, "--commit")
    pull(second)  # no git conflict: two different files
    (late,) = [e for e in find_item(second, item_id).events if e.date.isoformat() != "2026-11-20"]
    result = invoke("--root", str(second), "validate")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"{late.path}:3: {item_id} 已于 2026-11-20 关闭,不能"
        + ("再次关闭" if kind == "close" else "延期")
        + ";如需继续整改,请先 `wkb rectify reopen`"
    )
    assert message in result.stdout
    # Meanwhile the history counts as far as it is valid: the first closure, on its date.
    listed = invoke("--root", str(second), "rectify", "list", "--status", "all", "--format", "json")
    assert listed.exit_code == 0
    (view,) = json.loads(listed.stdout)
    assert (view["status"], view["closed"], view["deadline"], view["extensions"]) == (
        "closed",
        "2026-11-20",
        "2026-12-02",
        0,
    )
    assert f"{late.path}:3:" in listed.stderr  # and every reader warns
    report = invoke("--root", str(second), "report", "--month", "2026-11", "--format", "json")
    assert report.exit_code == 0 and f"{late.path}:3:" in report.stderr
    shown = wkb_in(second, "rectify", "show", item_id).stdout
    assert f"    ⚠ 不计入:{item_id} 已于 2026-11-20 关闭" in shown and late.path in shown


# -- the format before: events inside the item's file ----------------------------------------

OLD_ITEM = """id: R20261001-AAAAAA
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
created_by: 测试员
created_at: 2026-10-01 18:00:00+08:00
events:
- kind: progress
  date: 2026-10-15
  by: 测试员
  at: 2026-10-15 10:00:00+08:00
  note: 已协调规划局
- kind: close
  date: 2026-10-28
  by: 测试员
  at: 2026-10-28 10:00:00+08:00
  resolution: 已办结
"""


@pytest.mark.parametrize("cache", [True, False], ids=["cached", "no-cache"])
def test_old_format__embedded_events_are_read_and_merged_with_event_files(
    wkb: Invoke, root: Path, cache: bool
) -> None:
    rel = "data/rectifications/2026/10/R20261001-AAAAAA.yaml"
    (root / rel).parent.mkdir(parents=True)
    (root / rel).write_text(OLD_ITEM, encoding="utf-8")
    options = () if cache else ("--no-cache",)
    view = json.loads(
        wkb(*options, "rectify", "show", "R20261001-AAAAAA", "--format", "json").stdout
    )
    assert (view["status"], view["closed"], view["closed_late"]) == ("closed", "2026-10-28", False)
    assert wkb(*options, "report", "--month", "2026-10", "--format", "json").exit_code == 0
    # new events go to files of their own; the old file is never rewritten
    result = wkb(
        "rectify", "reopen", "R20261001-AAAAAA", "--reason", "复发", "--date", "2026-11-03"
    )
    assert result.exit_code == 0, result.stderr
    assert (root / rel).read_text(encoding="utf-8") == OLD_ITEM
    listed = json.loads(wkb(*options, "rectify", "list", "--format", "json").stdout)
    assert [(v["id"], v["status"]) for v in listed] == [("R20261001-AAAAAA", "overdue")]
    view = json.loads(
        wkb(*options, "rectify", "show", "R20261001-AAAAAA", "--format", "json").stdout
    )
    assert [e["kind"] for e in view["events"]] == ["progress", "close", "reopen"]
    assert wkb("validate").exit_code == 0


def test_event_file__without_its_item_or_misnamed_is_reported(wkb: Invoke, root: Path) -> None:
    item = make_item(date(2026, 11, 2))
    write_item(root, item)
    folder = root / item.path.rsplit("/", 1)[0]
    body = "kind: progress\ndate: 2026-11-10\nby: 测试员\nat: 2026-11-10 10:00:00+08:00\nnote: n\n"
    orphan = "R20261102-ZZZZZZ.E20261110020000000000-AAAAAA.yaml"
    (folder / orphan).write_text(
        f"id: E20261110020000000000-AAAAAA\nitem: R20261102-ZZZZZZ\n{body}", encoding="utf-8"
    )
    misnamed = f"{item.id}.E20261110020000000000-BBBBBB.yaml"
    (folder / misnamed).write_text(
        f"id: E20261110020000000000-CCCCCC\nitem: {item.id}\n{body}", encoding="utf-8"
    )
    result = wkb("validate")
    assert result.exit_code == 1
    rel = item.path.rsplit("/", 1)[0]
    assert sorted(result.stdout.splitlines()[:2]) == sorted(
        [
            f"{rel}/{orphan}:1: 事件文件没有对应的整改事项 R20261102-ZZZZZZ(事件文件应与事项文件位于同一目录)",
            f"{rel}/{misnamed}:1: 文件名应为 {item.id}.E20261110020000000000-CCCCCC.yaml(事项编号.事件编号.yaml)",
        ]
    )


# -- lateness sticks (10.8) --------------------------------------------------------------------


def _late_item(wkb: Invoke) -> str:
    """An item of 东湖高新区 opened 2026-08-01, deadline 2026-08-31: overdue since 09-01."""
    result = wkb("rectify", "add", "--problem", "用地审批慢", "--district", "东湖", "--source", "督查",
                 "--opened", "2026-08-01", "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    item_id: str = json.loads(result.stdout)["id"]
    return item_id


def test_lateness__an_extension_after_the_deadline_needs_an_approver(
    wkb: Invoke, root: Path
) -> None:
    item_id = _late_item(wkb)
    extend = ("rectify", "extend", item_id, "--deadline", "2026-11-30", "--reason", "需市级审批",
              "--date", "2026-10-20")  # fmt: skip
    before = sorted(p.name for p in (root / "data/rectifications").rglob("*"))
    result = wkb(*extend)
    assert result.exit_code == 2
    assert result.stderr == (
        "期限 2026-08-31 已过(逾期 50 天),逾期后延期须由批准人批准:请加 --approved-by;"
        "该事项仍按逾期计,之后关闭计为超期办结\n"
    )
    assert sorted(p.name for p in (root / "data/rectifications").rglob("*")) == before
    # on the deadline day itself it is not yet overdue: no approver needed
    on_time = _late_item(wkb)
    assert wkb("rectify", "extend", on_time, "--deadline", "2026-09-30", "--reason", "r",
               "--date", "2026-08-31").exit_code == 0  # fmt: skip
    assert wkb(*extend, "--approved-by", "胡军").exit_code == 0


def test_lateness__closing_after_a_late_extension_counts_as_closed_late(wkb: Invoke) -> None:
    item_id = _late_item(wkb)
    assert wkb("rectify", "extend", item_id, "--deadline", "2026-11-30", "--reason", "需市级审批",
               "--approved-by", "胡军", "--date", "2026-10-20").exit_code == 0  # fmt: skip
    assert wkb("rectify", "close", item_id, "--resolution", "已办结", "--date", "2026-11-10").exit_code == 0  # fmt: skip

    def figures(*args: str) -> dict[str, Any]:
        result = wkb("report", *args, "--leader", "胡军", "--format", "json", "--explain")
        assert result.exit_code == 0, result.stderr
        ids: dict[str, Any] = json.loads(result.stdout)["leaders"][0]["rectification_ids"]
        return ids

    # the days it was overdue stay overdue
    assert item_id in figures("--month", "2026-09")["overdue"]
    assert item_id in figures("--month", "2026-10", "--as-of", "2026-10-19")["overdue"]
    assert item_id not in figures("--month", "2026-10")["overdue"]  # extended on 10-20
    november = figures("--month", "2026-11")
    assert item_id in november["closed_late"] and item_id not in november["closed_on_time"]
    view = json.loads(wkb("rectify", "show", item_id, "--format", "json").stdout)
    assert (view["closed_late"], view["extended_late"]) == (True, True)
    explained = wkb("report", "--month", "2026-11", "--explain").stdout
    assert "逾期后才延期的事项(须经批准),关闭时一律计为超期办结" in explained
    assert wkb("validate").exit_code == 0


def test_lateness__unapproved_late_extension_on_file(wkb: Invoke, root: Path) -> None:
    """In an event file (written since the rule) it is reported; embedded in an item's file by an
    earlier version it is read without a problem. Either way the closure counts as late."""
    old = OLD_ITEM.replace(
        "- kind: close\n  date: 2026-10-28",
        "- kind: extend\n  date: 2026-11-05\n  by: 测试员\n  at: 2026-11-05 10:00:00+08:00\n"
        "  deadline: 2026-11-30\n  reason: 待审批\n- kind: close\n  date: 2026-11-20",
    )
    rel = "data/rectifications/2026/10/R20261001-AAAAAA.yaml"
    (root / rel).parent.mkdir(parents=True)
    (root / rel).write_text(old, encoding="utf-8")
    assert wkb("validate").exit_code == 0
    view = json.loads(wkb("rectify", "show", "R20261001-AAAAAA", "--format", "json").stdout)
    assert (view["closed"], view["closed_late"], view["extended_late"]) == (
        "2026-11-20",
        True,
        True,
    )

    item = make_item(date(2026, 10, 2), deadline=date(2026, 10, 31))
    write_item(root, item)
    event_rel = f"{item.path.removesuffix('.yaml')}.E20261105020000000000-AAAAAA.yaml"
    (root / event_rel).write_text(
        f"id: E20261105020000000000-AAAAAA\nitem: {item.id}\nkind: extend\ndate: 2026-11-05\n"
        "by: 测试员\nat: 2026-11-05 10:00:00+08:00\ndeadline: 2026-11-30\nreason: 待审批\n",
        encoding="utf-8",
    )
    result = wkb("validate")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"{event_rel}:4: 期限 2026-10-31 已过(逾期 5 天),逾期后延期须由批准人批准:请加 --approved-by;"
        "该事项仍按逾期计,之后关闭计为超期办结"
    )


@pytest.mark.parametrize("term", ["+1d", "+1w", "1个月", "+30天"])
def test_extend__a_term_past_the_last_date_is_refused(wkb: Invoke, term: str) -> None:
    result = wkb("rectify", "add", "--problem", "p", "--district", "东湖", "--source", "督查",
                 "--deadline", "2100-12-31", "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    item_id = json.loads(result.stdout)["id"]
    refused = wkb("rectify", "extend", item_id, "--deadline", term, "--reason", "r")
    assert refused.exit_code == 2 and refused.exception is not None  # SystemExit, no traceback
    # The last date wkb accepts is dates.LAST_DAY (hard-dates: 2100-12-31), not Python's 9999-12-31.
    assert refused.stderr.startswith("--deadline ") and refused.stderr.count("\n") == 1
    assert f"(2100-12-31 {term})" in refused.stderr and "2000-01-01 至 2100-12-31" in refused.stderr


# -- events in a sealed month (10.7) -----------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        ("progress", "--note", "补记进展"),
        ("close", "--resolution", "已办结"),
        ("extend", "--deadline", "2026-12-31", "--reason", "需审批"),
    ],
    ids=["progress", "close", "extend"],
)
def test_sealed_month__an_event_dated_in_it_needs_approver_and_reason(
    wkb: Invoke, root: Path, change: tuple[str, ...]
) -> None:
    item = make_item(date(2026, 10, 2))
    write_item(root, item)
    assert wkb("month", "close", "2026-10", "--by", "办公室王").exit_code == 0
    kind, *options = change
    args = ("rectify", kind, item.id, *options, "--date", "2026-10-20")
    before = sorted(p.name for p in (root / "data/rectifications").rglob("*"))
    for missing in ((), ("--approved-by", "胡军"), ("--late-reason", "漏记")):
        result = wkb(*args, *missing)
        assert result.exit_code == 2
        assert result.stderr == (
            "2026-10 已封存:日期为 2026-10-20 的整改事件会改变该月已封存的数字;"
            "如确需补记,请同时给出 --late-reason(原因)和 --approved-by(批准人)\n"
        )
    assert sorted(p.name for p in (root / "data/rectifications").rglob("*")) == before
    # a date after the sealed month is not affected
    later = wkb("rectify", "progress", item.id, "--note", "n", "--date", "2026-11-02")
    assert later.exit_code == 0, later.stderr
    done = wkb(*args, "--approved-by", "胡军", "--late-reason", "漏记", "--format", "json")
    assert done.exit_code == 0, done.stderr
    event = json.loads(done.stdout)["events"][0]
    assert (event["approved_by"], event["late_reason"]) == ("胡军", "漏记")


@pytest.mark.parametrize("options", [(), ("--no-cache",)], ids=["cached", "no-cache"])
def test_event_files__join_the_item_that_counts_when_a_copy_stands_beside_it(
    wkb: Invoke, root: Path, options: tuple[str, ...]
) -> None:
    """A stale copy of an item (closed in its own file on 10-20, the copy made before) beside
    it, and an event file reopening it on 11-03: the event joins the item at `<id>.yaml`, in
    the window of a November report, cached or not; the copy is reported, not counted."""
    item = make_item(date(2026, 10, 5))
    write_item(root, item)
    copy = item.path.replace(".yaml", "-copy.yaml")
    (root / copy).write_bytes((root / item.path).read_bytes())
    closed = wkb("rectify", "close", item.id, "--resolution", "好", "--date", "2026-10-20")
    assert closed.exit_code == 0, closed.stderr
    assert (
        wkb("rectify", "reopen", item.id, "--reason", "复发", "--date", "2026-11-03").exit_code == 0
    )
    for _cold_then_warm in range(2):
        listed = wkb(*options, "rectify", "list", "--format", "json")
        views = json.loads(listed.stdout)
        assert [(v["id"], v["path"], v["status"]) for v in views] == [
            (item.id, item.path, "overdue")
        ]
        assert f"{copy}:1: 编号 {item.id} 重复" in listed.stderr
        report = json.loads(
            wkb(*options, "report", "--month", "2026-11", "--explain", "--format", "json").stdout
        )
        (leader,) = [x for x in report["leaders"] if x["leader"] == "胡军"]
        assert leader["rectification_ids"]["overdue"] == [item.id]


def test_sealed_month__an_item_opened_in_it_needs_approver_and_reason(
    wkb: Invoke, root: Path
) -> None:
    assert wkb("month", "close", "2026-10", "--by", "办公室王").exit_code == 0
    args = ("rectify", "add", "--problem", "补录的问题", "--district", "东湖", "--source", "督查",
            "--opened", "2026-10-12")  # fmt: skip
    for missing in ((), ("--approved-by", "胡军"), ("--late-reason", "漏记")):
        result = wkb(*args, *missing)
        assert (result.exit_code, result.stderr) == (
            2,
            "2026-10 已封存:立项日期为 2026-10-12 的整改事项会改变该月已封存的数字;"
            "如确需补记,请同时给出 --late-reason(原因)和 --approved-by(批准人)\n",
        )
    assert sorted(p.name for p in (root / "data/rectifications").rglob("*.yaml")) == []
    done = wkb(*args, "--approved-by", "胡军", "--late-reason", "漏记", "--format", "json")
    assert done.exit_code == 0, done.stderr
    path = json.loads(done.stdout)["path"]
    assert "late_reason: 漏记\nlate_approved_by: 胡军\n" in (root / path).read_text("utf-8")
    assert find_item(root, json.loads(done.stdout)["id"]).late_approved_by == "胡军"
    assert wkb("validate").exit_code == 0
    # the cache keeps the two fields too
    assert wkb("rectify", "list", "--format", "json").exit_code == 0
    assert (
        wkb("rectify", "list", "--format", "json").stdout
        == wkb("--no-cache", "rectify", "list", "--format", "json").stdout
    )


def test_sealed_month__items_from_an_approved_visit_carry_its_approval(
    wkb: Invoke, root: Path
) -> None:
    assert wkb("month", "close", "2026-10", "--by", "办公室王").exit_code == 0
    added = wkb("visit", "add", "--date", "2026-10-12", "--district", "东湖", "--entity", "某企业",
                "--type", "enterprise", "--problem", "用地审批慢", "--late-reason", "漏记",
                "--approved-by", "胡军", "--format", "json")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    (item_id,) = json.loads(added.stdout)["rectifications"]
    item = find_item(root, item_id)
    assert (item.opened, item.late_reason, item.late_approved_by) == (
        date(2026, 10, 12),
        "漏记",
        "胡军",
    )


@pytest.mark.parametrize(
    ("change", "reported"),
    [
        (("progress", "--note", "补记进展"), True),
        (("close", "--resolution", "已办结"), True),
        (("extend", "--deadline", "2026-12-31", "--reason", "需审批"), True),
        (("add", "--problem", "新问题", "--district", "东湖", "--source", "督查"), True),
        # recorded before the seal: part of what was sealed
        (("close", "--resolution", "已办结"), False),
    ],
    ids=["progress", "close", "extend", "item", "before-the-seal"],
)
def test_sealed_month__an_unapproved_event_merged_after_the_seal_is_reported(
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    change: tuple[str, ...],
    reported: bool,
) -> None:
    """One clerk records an event dated in October on a clone that does not know October was
    sealed; the merge brings it in with no git conflict and the store's check never ran:
    `wkb validate` reports it, and reports leave it out: the sealed month's rectification
    figures do not move (measure 17)."""
    # an item opened 2026-10-02 in a records root (origin) and two clones of it; made once
    from_template("office-and-clerk", tmp_path, _office_and_clerk, tmp_path_factory)
    item_id = _ITEM_IDS["office"]
    office, clerk = tmp_path / "office", tmp_path / "clerk"
    monkeypatch.setenv("WKB_NOW", "2026-11-25T10:00:00+08:00")
    wkb_in(office, "month", "close", "2026-10", "--by", "办公室王", "--commit")
    monkeypatch.setenv("WKB_NOW", f"2026-11-25T{'11' if reported else '09'}:00:00+08:00")
    kind, *options = change
    target = () if kind == "add" else (item_id,)
    day = ("--opened" if kind == "add" else "--date", "2026-10-20")
    wkb_in(clerk, "rectify", kind, *target, *options, *day, "--commit")
    sealed = invoke("--root", str(office), "report", "--month", "2026-10", "--format", "json")
    as_listed = ("--root", str(office), "rectify", "list", "--status", "all", "--format", "json")
    listed_before = invoke(*as_listed, "--as-of", "2026-10-31")
    git("-C", office, "pull", "-q", "--no-edit", str(clerk))
    result = invoke("--root", str(office), "validate")
    report = invoke("--root", str(office), "report", "--month", "2026-10", "--format", "json")
    assert report.exit_code == 0
    problems = json.loads(report.stdout)["problems"]
    if reported:  # the sealed month's figures, rectification counts included, stay as sealed
        assert json.loads(report.stdout)["leaders"] == json.loads(sealed.stdout)["leaders"]
        assert json.loads(report.stdout)["bureau"] == json.loads(sealed.stdout)["bureau"]
        # and the list agrees with the report: the entry is left out there too, with a warning
        listed_after = invoke(*as_listed, "--as-of", "2026-10-31")
        assert listed_after.exit_code == 0
        assert json.loads(listed_after.stdout) == json.loads(listed_before.stdout)
        assert "封存" in listed_after.stderr
    if not reported:
        assert result.exit_code == 0, result.stdout
        assert problems == [] and report.stderr == ""
        return
    # every report warns too (its figures move until the file is fixed), as validate reports
    assert problems == [result.stdout.splitlines()[0]]
    assert report.stderr == f"警告:{problems[0]}\n"
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()[:-1]
    assert line.split(": ", 1)[1] == (
        "日期 2026-10-20 在已封存的 2026-10 内,却在封存(2026-11-25T10:00:00+08:00)之后才记录,"
        "且没有补录原因和批准人:报告不计入此项(否则会改变该月已封存的整改数字)。请删除此文件,"
        "再用 --late-reason 和 "
        "--approved-by 重新记录,或按规定重开该月"
    )
    assert line.startswith("data/rectifications/2026/10/R20261")
