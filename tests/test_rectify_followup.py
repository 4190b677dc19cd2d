"""回访 and satisfaction (issue 15.4): return visits after a closure, 不满意 items in `due` and
reports, satisfaction counts in the assessment, 好差评 items linking their review."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from builders import make_item, write_item


def open_item(root: Path, opened: str = "2026-11-02") -> str:
    item = make_item(date.fromisoformat(opened))
    write_item(root, item)
    return item.id


def event_files(root: Path, item_id: str) -> list[dict[str, Any]]:
    return [
        yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted(root.glob(f"data/rectifications/*/*/{item_id}.E*.yaml"))
    ]


def test_close__with_a_return_visit_writes_two_event_files(root: Path, wkb: Any) -> None:
    item = open_item(root)
    result = wkb(
        "rectify",
        "close",
        item,
        "--resolution",
        "已协调用地",
        "--date",
        "2026-11-10",
        "--satisfaction",
        "基本满意",
        "--followup-date",
        "2026-11-12",
        "--followup-by",
        "彭华魁",
        "--followup-note",
        "进度可以更快",
    )
    assert result.exit_code == 0, result.stderr
    # both events are said (was: only the closure, though the return visit was written too)
    assert [
        line.split("已记录")[1][:2] for line in result.stdout.splitlines() if "已记录" in line
    ] == [
        "关闭",
        "回访",
    ]
    kinds = [(e["kind"], e["date"]) for e in event_files(root, item)]
    assert sorted(kinds) == [("close", date(2026, 11, 10)), ("followup", date(2026, 11, 12))]
    (followup,) = [e for e in event_files(root, item) if e["kind"] == "followup"]
    assert (followup["satisfaction"], followup["by"], followup["note"]) == (
        "基本满意",
        "彭华魁",
        "进度可以更快",
    )
    shown = json.loads(wkb("rectify", "show", item, "--format", "json").stdout)
    assert shown["satisfaction"] == "基本满意" and shown["needs_followup"] is False
    assert wkb("validate").exit_code == 0


def test_close__a_refused_return_visit_writes_nothing(root: Path, wkb: Any) -> None:
    item = open_item(root)
    early = wkb(
        "rectify", "close", item, "--resolution", "好了", "--date", "2026-11-10",
        "--satisfaction", "满意", "--followup-date", "2026-11-09",
    )  # fmt: skip
    assert early.exit_code == 2 and "早于关闭日期" in early.stderr
    bad = wkb("rectify", "close", item, "--resolution", "好了", "--satisfaction", "还行")
    assert bad.exit_code == 2 and "满意 | 基本满意 | 不满意" in bad.stderr
    orphan = wkb("rectify", "close", item, "--resolution", "好了", "--followup-note", "x")
    assert orphan.exit_code == 2 and "--satisfaction" in orphan.stderr
    assert event_files(root, item) == []


def test_followup__unsatisfied_item_shows_in_due_and_the_report(root: Path, wkb: Any) -> None:
    item = open_item(root)
    assert (
        wkb("rectify", "close", item, "--resolution", "已办", "--date", "2026-11-10").exit_code == 0
    )
    refused = wkb("rectify", "followup", open_item(root), "--satisfaction", "满意")
    assert refused.exit_code == 2 and "尚未关闭" in refused.stderr
    result = wkb(
        "rectify", "followup", item, "--satisfaction", "不满意", "--note", "仍未解决",
        "--date", "2026-11-20",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "回访:不满意" in result.stdout
    due = json.loads(wkb("due", "--format", "json").stdout)
    assert [row["id"] for row in due["followups"]] == [item]
    assert "回访不满意、需跟进的整改事项 1 项" in wkb("due").stdout
    report = json.loads(wkb("report", "--month", "2026-11", "--format", "json").stdout)
    hu = next(row for row in report["leaders"] if row["leader"] == "胡军")
    assert hu["assessment"]["needs_followup"] == 1
    assert hu["assessment"]["satisfaction"] == {
        "satisfied": 0,
        "basically_satisfied": 0,
        "unsatisfied": 1,
        "no_followup": 0,
    }
    assert "回访不满意、需跟进的整改事项 1 项:" + item in wkb("report", "--month", "2026-11").stdout
    # A later, satisfied return visit clears it.
    assert wkb("rectify", "followup", item, "--satisfaction", "满意").exit_code == 0
    assert json.loads(wkb("due", "--format", "json").stdout)["followups"] == []


def test_followup__an_unsatisfied_item_closed_last_month_still_shows_in_due(
    root: Path, wkb: Any
) -> None:
    item = open_item(root, "2026-10-02")
    assert wkb("rectify", "close", item, "--resolution", "已办", "--date", "2026-10-10",
               "--satisfaction", "不满意").exit_code == 0  # fmt: skip
    # November's `due` reads only items not settled before November: 不满意 is not settled.
    due = json.loads(wkb("due", "--format", "json").stdout)
    assert [row["id"] for row in due["followups"]] == [item]
    year = json.loads(wkb("report", "--year", "2026", "--format", "json").stdout)
    hu = next(row for row in year["leaders"] if row["leader"] == "胡军")
    assert hu["assessment"]["satisfaction"]["unsatisfied"] == 1


def test_rectify_add__review_links_a_haochaping_item(root: Path, wkb: Any) -> None:
    args = ["rectify", "add", "--problem", "窗口办理慢", "--district", "东湖", "--format", "json"]
    result = wkb(*args, "--source", "好差评", "--review", "HCP-2026-0117")
    assert result.exit_code == 0, result.stderr
    view = json.loads(result.stdout)
    assert view["review"] == "HCP-2026-0117"
    assert "review: HCP-2026-0117" in (root / view["path"]).read_text(encoding="utf-8")
    refused = wkb(*args, "--source", "自查", "--review", "HCP-1")
    assert refused.exit_code == 2 and "好差评" in refused.stderr
    plain = json.loads(wkb(*args, "--source", "自查").stdout)
    assert plain["review"] is None
    assert "review" not in (root / plain["path"]).read_text(encoding="utf-8")


def test_show__a_return_visit_line_carries_its_note(root: Path, wkb: Any) -> None:
    """Review 2026-12-01: `rectify show` printed 回访:不满意 without what the entity said."""
    item = open_item(root)
    wkb("rectify", "close", item, "--resolution", "已协调", "--date", "2026-11-10")
    assert (
        wkb("rectify", "followup", item, "--satisfaction", "不满意", "--note", "利率太高").exit_code
        == 0
    )

    shown = wkb("rectify", "show", item).stdout

    assert "回访:不满意,利率太高" in shown


def test_close__a_return_visit_refused_by_a_sealed_month_writes_nothing(
    root: Path, wkb: Any
) -> None:
    """Both events are checked (rules and sealed months) before either is written: a return
    visit dated in a sealed month leaves the item open, no closure half-recorded."""
    item = open_item(root, "2026-09-10")
    assert wkb("month", "close", "2026-10", "--no-commit").exit_code == 0
    result = wkb(
        "rectify", "close", item, "--resolution", "已协调", "--date", "2026-09-30",
        "--satisfaction", "满意", "--followup-date", "2026-10-02",
    )  # fmt: skip
    assert result.exit_code == 2 and "2026-10 已封存" in result.stderr
    assert event_files(root, item) == []
