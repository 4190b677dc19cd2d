"""`wkb rectify add | progress | extend | close | reopen | list | show` end to end (measure 15)."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from builders import make_visit, write_visit
from conftest import Invoke

ITEM_KEYS = {
    "satisfaction",  # issue 15.4: the latest return visit, follow-up needed, 好差评 review
    "needs_followup",
    "review",
    "id",
    "problem",
    "district",
    "district_id",
    "leader",
    "department",
    "owner",
    "source",
    "visit",
    "measure",
    "opened",
    "initial_deadline",
    "deadline",
    "status",
    "due_soon",
    "overdue_days",
    "closed",
    "closed_late",
    "extensions",
    "path",
    "extended_late",  # added with "lateness sticks" (issue 10.8)
}


def add(wkb: Invoke, *args: str) -> dict[str, Any]:
    result = wkb("rectify", "add", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    view: dict[str, Any] = json.loads(result.stdout)
    return view


def overdue_item(wkb: Invoke) -> dict[str, Any]:
    """An item of 东湖高新区 opened 2026-10-01 with deadline 2026-10-31 (overdue on 2026-11-25)."""
    return add(
        wkb,
        "--problem",
        "孵化器用地审批慢",
        "--district",
        "东湖",
        "--source",
        "督查",
        "--opened",
        "2026-10-01",
    )


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under data/rectifications, byte for byte."""
    base = root / "data" / "rectifications"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in base.rglob("*") if p.is_file()}


def refused(wkb: Invoke, root: Path, *args: str) -> str:
    """Run a command that must be refused: exit 2, nothing written; returns stderr."""
    before = snapshot(root)
    result = wkb(*args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert snapshot(root) == before
    assert "Traceback" not in result.stderr
    return result.stderr


def listed(wkb: Invoke, *args: str) -> list[dict[str, Any]]:
    result = wkb("rectify", "list", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    views: list[dict[str, Any]] = json.loads(result.stdout)
    return views


# -- add ---------------------------------------------------------------------------------------


def test_rectify_add__district_defaults_from_the_table(wkb: Invoke, root: Path) -> None:
    view = add(
        wkb,
        "--problem",
        "孵化器用地审批慢",
        "--district",
        "东湖",
        "--source",
        "inspection",
        "--opened",
        "2026-11-03",
        "--measure",
        "15",
    )
    assert {
        k: view[k]
        for k in (
            "district",
            "district_id",
            "leader",
            "department",
            "owner",
            "source",
            "measure",
            "opened",
            "deadline",
            "status",
        )
    } == {
        "district": "东湖高新区",
        "district_id": "donghu",
        "leader": "胡军",
        "department": "高新处",
        "owner": "彭华魁",
        "source": "督查",
        "measure": 15,
        "opened": "2026-11-03",
        "deadline": "2026-12-03",
        "status": "open",
    }
    assert view["path"] == f"data/rectifications/2026/11/{view['id']}.yaml"
    text = (root / view["path"]).read_text(encoding="utf-8")
    assert "source: 督查\n" in text and "created_by: 测试员\n" in text and "events: []\n" in text


def test_rectify_add__text_output(wkb: Invoke) -> None:
    result = wkb(
        "rectify",
        "add",
        "--problem",
        "内部流程繁琐",
        "--source",
        "自查",
        "--department",
        "办公室",
        "--owner",
        "张三",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("已立项 R20261125-")
    assert "局内(无区),责任部门 办公室,责任人 张三,立项 2026-11-25,期限 2026-12-25" in result.stdout


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        ("+2w", "2026-11-17"),
        ("30天", "2026-12-03"),
        ("1个月", "2026-12-03"),
        ("2026年12月1日", "2026-12-01"),
        ("2026-11-03", "2026-11-03"),
    ],
)
def test_rectify_add__deadline_forms(wkb: Invoke, deadline: str, expected: str) -> None:
    view = add(
        wkb,
        "--problem",
        "p",
        "--district",
        "donghu",
        "--source",
        "other",
        "--opened",
        "2026-11-03",
        "--deadline",
        deadline,
    )
    assert view["deadline"] == expected


def test_rectify_add__configured_default_term(wkb: Invoke, root: Path) -> None:
    with (root / "wkb.toml").open("a", encoding="utf-8") as stream:
        stream.write("rectify_deadline_days = 10\n")
    view = add(
        wkb, "--problem", "p", "--district", "donghu", "--source", "自查", "--opened", "2026-11-03"
    )
    assert view["deadline"] == "2026-11-13"


def test_rectify_add__source_is_required_without_visit(wkb: Invoke, root: Path) -> None:
    stderr = refused(wkb, root, "rectify", "add", "--problem", "p", "--district", "donghu")
    assert "请用 --source 给出问题来源,或用 --visit 关联走访" in stderr
    assert (
        "自查(self-check)、督查(inspection)、考核(assessment)、好差评(review)、其他(other)"
        in stderr
    )


def test_rectify_add__unknown_source(wkb: Invoke, root: Path) -> None:
    stderr = refused(
        wkb, root, "rectify", "add", "--problem", "p", "--district", "donghu", "--source", "巡视"
    )
    assert "未知的来源 --source '巡视'" in stderr
    stderr = refused(
        wkb, root, "rectify", "add", "--problem", "p", "--district", "donghu", "--source", "visit"
    )
    assert "来源为 visit 时请用 --visit 给出走访编号" in stderr


def test_rectify_add__unknown_district(wkb: Invoke, root: Path) -> None:
    stderr = refused(
        wkb,
        root,
        "rectify",
        "add",
        "--problem",
        "p",
        "--district",
        "东胡高新区",
        "--source",
        "自查",
    )
    assert "未知的区 --district '东胡高新区'" in stderr and "是不是 东湖高新区" in stderr


def test_rectify_add__bureau_internal_needs_department_and_owner(wkb: Invoke, root: Path) -> None:
    stderr = refused(
        wkb, root, "rectify", "add", "--problem", "p", "--source", "自查", "--department", "办公室"
    )
    assert "没有 --district 的局内事项须给出 --department 和 --owner" in stderr


def test_rectify_add__deadline_before_opened(wkb: Invoke, root: Path) -> None:
    stderr = refused(
        wkb,
        root,
        "rectify",
        "add",
        "--problem",
        "p",
        "--district",
        "donghu",
        "--source",
        "自查",
        "--opened",
        "2026-11-03",
        "--deadline",
        "2026-11-02",
    )
    assert "--deadline 2026-11-02 早于立项日期 2026-11-03" in stderr


def test_rectify_add__opened_in_the_future(wkb: Invoke, root: Path) -> None:
    stderr = refused(
        wkb,
        root,
        "rectify",
        "add",
        "--problem",
        "p",
        "--district",
        "donghu",
        "--source",
        "自查",
        "--opened",
        "2026-11-26",
    )
    assert "--opened 2026-11-26 在未来" in stderr


def test_rectify_add__opened_before_the_table(wkb: Invoke, root: Path) -> None:
    stderr = refused(
        wkb,
        root,
        "rectify",
        "add",
        "--problem",
        "p",
        "--district",
        "donghu",
        "--source",
        "自查",
        "--opened",
        "2021-06-30",
    )
    assert "东湖高新区 在 2021-06-30 还没有责任分工" in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--problem", "   "), "--problem 不能为空"),
        (("--problem", "x" * 2001), "--problem 过长:2001 个字符,上限 2000"),
        (("--problem", "a\x1bb"), "--problem 含不允许的控制字符 '\\x1b'"),
        (("--problem", "p", "--measure", "18"), "--measure 18 超出范围"),
        (("--problem", "p", "--deadline", "下周"), "--deadline 无效:'下周'"),
    ],
)
def test_rectify_add__bad_values(
    wkb: Invoke, root: Path, args: tuple[str, ...], message: str
) -> None:
    stderr = refused(wkb, root, "rectify", "add", "--district", "donghu", "--source", "自查", *args)
    assert message in stderr


def test_rectify_add__english_messages(wkb: Invoke, root: Path) -> None:
    stderr = refused(
        wkb, root, "--lang", "en", "rectify", "add", "--problem", "p", "--district", "donghu"
    )
    assert "give the problem's source with --source, or link a visit with --visit" in stderr


# -- events ------------------------------------------------------------------------------------


def test_rectify_progress__appends_a_note(wkb: Invoke, root: Path) -> None:
    item = overdue_item(wkb)
    result = wkb(
        "rectify", "progress", item["id"], "--note", "已协调规划局", "--date", "2026-10-15"
    )
    assert result.exit_code == 0, result.stderr
    assert (
        result.stdout
        == f"{item['id']}:已记录进展:已协调规划局(2026-10-15)\n  当前状态:逾期,期限 2026-10-31\n"
    )
    # the item's file is untouched; the event is a file of its own beside it
    (event_file,) = (root / item["path"]).parent.glob(f"{item['id']}.E*.yaml")
    event_id = event_file.name.split(".")[1]
    assert event_file.read_text(encoding="utf-8") == (
        f"id: {event_id}\nitem: {item['id']}\nkind: progress\ndate: 2026-10-15\nby: 测试员\n"
        "at: 2026-11-25 12:00:00+08:00\nnote: 已协调规划局\n"
    )
    assert "kind:" not in (root / item["path"]).read_text(encoding="utf-8")


def test_rectify_extend__turns_an_overdue_item_back_to_open(wkb: Invoke, root: Path) -> None:
    item = overdue_item(wkb)
    assert listed(wkb, "--status", "overdue")[0]["id"] == item["id"]
    result = wkb(
        "rectify",
        "extend",
        item["id"],
        "--deadline",
        "2026-12-31",
        "--reason",
        "需市级审批",
        "--approved-by",
        "胡军",
        "--date",
        "2026-11-20",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    view = json.loads(result.stdout)
    assert (view["status"], view["deadline"], view["initial_deadline"], view["extensions"]) == (
        "open",
        "2026-12-31",
        "2026-10-31",
        1,
    )
    event = view["events"][-1]
    assert event.pop("path") == f"{item['path'].removesuffix('.yaml')}.{event.pop('id')}.yaml"
    assert event == {
        "kind": "extend",
        "date": "2026-11-20",
        "by": "测试员",
        "at": "2026-11-25T12:00:00+08:00",
        "deadline": "2026-12-31",
        "reason": "需市级审批",
        "approved_by": "胡军",
    }
    assert listed(wkb, "--status", "overdue") == []
    # before the extension it was overdue, and still is when asked about that day
    assert listed(wkb, "--status", "overdue", "--as-of", "2026-11-19")[0]["id"] == item["id"]


def test_rectify_extend__a_term_counts_from_the_deadline_in_force(wkb: Invoke) -> None:
    item = overdue_item(wkb)
    result = wkb(
        "rectify", "extend", item["id"], "--deadline", "+30d", "--reason", "r",
        "--approved-by", "胡军", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["deadline"] == "2026-11-30"


def test_rectify_extend__must_move_the_deadline_later(wkb: Invoke, root: Path) -> None:
    item = overdue_item(wkb)
    stderr = refused(
        wkb, root, "rectify", "extend", item["id"], "--deadline", "2026-10-31", "--reason", "r"
    )
    assert "新期限 2026-10-31 须晚于现行期限 2026-10-31" in stderr
    stderr = refused(
        wkb, root, "rectify", "extend", item["id"], "--deadline", "2026-10-15", "--reason", "r"
    )
    assert "新期限 2026-10-15 须晚于现行期限 2026-10-31" in stderr


def test_rectify_close__on_time_and_late(wkb: Invoke) -> None:
    on_time = overdue_item(wkb)
    late = overdue_item(wkb)
    assert (
        wkb(
            "rectify", "close", on_time["id"], "--resolution", "已办结", "--date", "2026-10-31"
        ).exit_code
        == 0
    )
    assert (
        wkb(
            "rectify", "close", late["id"], "--resolution", "已办结", "--date", "2026-11-01"
        ).exit_code
        == 0
    )
    views = {v["id"]: v for v in listed(wkb, "--status", "closed")}
    assert (views[on_time["id"]]["closed"], views[on_time["id"]]["closed_late"]) == (
        "2026-10-31",
        False,
    )
    assert (views[late["id"]]["closed"], views[late["id"]]["closed_late"]) == ("2026-11-01", True)
    assert listed(wkb) == []


def test_rectify_close__refused_when_closed(wkb: Invoke, root: Path) -> None:
    item = overdue_item(wkb)
    assert (
        wkb(
            "rectify", "close", item["id"], "--resolution", "已办结", "--date", "2026-11-20"
        ).exit_code
        == 0
    )
    stderr = refused(wkb, root, "rectify", "close", item["id"], "--resolution", "再办结")
    assert (
        stderr
        == f"{item['id']} 已于 2026-11-20 关闭,不能再次关闭;如需继续整改,请先 `wkb rectify reopen`\n"
    )


def test_rectify_extend__refused_when_closed(wkb: Invoke, root: Path) -> None:
    item = overdue_item(wkb)
    assert wkb("rectify", "close", item["id"], "--resolution", "已办结").exit_code == 0
    stderr = refused(
        wkb, root, "rectify", "extend", item["id"], "--deadline", "2027-01-31", "--reason", "r"
    )
    assert "已于 2026-11-25 关闭,不能延期" in stderr


def test_rectify_reopen__refused_when_open(wkb: Invoke, root: Path) -> None:
    item = overdue_item(wkb)
    stderr = refused(wkb, root, "rectify", "reopen", item["id"], "--reason", "复发")
    assert stderr == f"{item['id']} 尚未关闭,无需重新打开\n"


def test_rectify_reopen__after_close_keeps_the_last_deadline(wkb: Invoke) -> None:
    item = overdue_item(wkb)
    assert (
        wkb(
            "rectify", "close", item["id"], "--resolution", "已办结", "--date", "2026-10-20"
        ).exit_code
        == 0
    )
    result = wkb(
        "rectify",
        "reopen",
        item["id"],
        "--reason",
        "复发",
        "--date",
        "2026-11-02",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    view = json.loads(result.stdout)
    assert (view["status"], view["closed"], view["closed_late"], view["deadline"]) == (
        "overdue",
        None,
        None,
        "2026-10-31",
    )
    assert [e["kind"] for e in view["events"]] == ["close", "reopen"]
    # as of the day it was closed, it was closed on time
    assert listed(wkb, "--status", "closed", "--as-of", "2026-10-25")[0]["closed_late"] is False


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        ("close", ("--resolution", "r")),
        ("progress", ("--note", "n")),
        ("extend", ("--deadline", "2027-01-31", "--reason", "r")),
    ],
)
def test_rectify_events__date_before_opened_or_in_the_future(
    wkb: Invoke, root: Path, command: str, extra: tuple[str, ...]
) -> None:
    item = overdue_item(wkb)
    stderr = refused(wkb, root, "rectify", command, item["id"], *extra, "--date", "2026-09-30")
    assert "日期 2026-09-30 早于立项日期 2026-10-01" in stderr
    stderr = refused(wkb, root, "rectify", command, item["id"], *extra, "--date", "2026-11-26")
    assert "--date 2026-11-26 在未来" in stderr


def test_rectify_events__status_changes_in_date_order(wkb: Invoke, root: Path) -> None:
    item = overdue_item(wkb)
    assert (
        wkb(
            "rectify", "close", item["id"], "--resolution", "已办结", "--date", "2026-11-10"
        ).exit_code
        == 0
    )
    stderr = refused(
        wkb, root, "rectify", "reopen", item["id"], "--reason", "复发", "--date", "2026-11-09"
    )
    assert "日期 2026-11-09 早于上一次状态变更(关闭,2026-11-10)" in stderr


@pytest.mark.parametrize(
    "text", ["../../etc/passwd", "R20261001", "V20261001-AAAAAA", "R2026/1001-AAAAAA"]
)
def test_rectify_events__malformed_id(wkb: Invoke, root: Path, text: str) -> None:
    stderr = refused(wkb, root, "rectify", "close", text, "--resolution", "r")
    assert "编号格式不对" in stderr and "R20261103-7KQF2M" in stderr


def test_rectify_events__unknown_id(wkb: Invoke, root: Path) -> None:
    stderr = refused(wkb, root, "rectify", "progress", "r20261001-aaaaaa", "--note", "n")
    assert "没有编号为 R20261001-AAAAAA 的整改事项" in stderr
    assert refused(wkb, root, "rectify", "show", "R20261001-AAAAAA")


def test_rectify_events__broken_file_is_a_data_error(wkb: Invoke, root: Path) -> None:
    item = overdue_item(wkb)
    path = root / item["path"]
    path.write_text(
        path.read_text(encoding="utf-8").replace("owner: 彭华魁\n", ""), encoding="utf-8"
    )
    before = path.read_bytes()
    result = wkb("rectify", "close", item["id"], "--resolution", "r")
    assert result.exit_code == 1
    assert "缺少字段 owner" in result.stderr
    assert path.read_bytes() == before


# -- list and show -----------------------------------------------------------------------------


def test_rectify_list__overdue_boundary(wkb: Invoke) -> None:
    item = add(
        wkb,
        "--problem",
        "p",
        "--district",
        "donghu",
        "--source",
        "自查",
        "--opened",
        "2026-11-01",
        "--deadline",
        "2026-11-20",
    )
    on_deadline = listed(wkb, "--as-of", "2026-11-20")
    day_after = listed(wkb, "--as-of", "2026-11-21")
    assert (
        on_deadline[0]["status"],
        on_deadline[0]["due_soon"],
        on_deadline[0]["overdue_days"],
    ) == ("open", True, 0)
    assert (day_after[0]["status"], day_after[0]["overdue_days"]) == ("overdue", 1)
    assert listed(wkb, "--status", "overdue", "--as-of", "2026-11-20") == []
    assert [v["id"] for v in listed(wkb, "--status", "overdue", "--as-of", "2026-11-21")] == [
        item["id"]
    ]
    assert listed(wkb, "--as-of", "2026-10-31") == []  # not yet opened then


def test_rectify_list__status_filters(wkb: Invoke) -> None:
    overdue = overdue_item(wkb)
    soon = add(
        wkb, "--problem", "soon", "--district", "donghu", "--source", "自查", "--deadline", "+3d"
    )
    later = add(wkb, "--problem", "later", "--district", "donghu", "--source", "自查")
    closed = overdue_item(wkb)
    assert wkb("rectify", "close", closed["id"], "--resolution", "r").exit_code == 0

    def ids(*args: str) -> list[str]:
        return [v["id"] for v in listed(wkb, *args)]

    assert ids() == [
        overdue["id"],
        soon["id"],
        later["id"],
    ]  # default: not closed, most urgent first
    assert ids("--status", "open") == ids()
    assert ids("--status", "overdue") == [overdue["id"]]
    assert ids("--status", "due-soon") == [soon["id"]]
    assert ids("--status", "closed") == [closed["id"]]
    assert ids("--status", "all") == [overdue["id"], soon["id"], later["id"], closed["id"]]
    result = wkb("rectify", "list", "--status", "late")
    assert result.exit_code == 2 and "open" in result.stderr and "due-soon" in result.stderr


def test_rectify_list__json_keys(wkb: Invoke) -> None:
    overdue_item(wkb)
    (view,) = listed(wkb)
    assert set(view) == ITEM_KEYS
    assert (view["status"], view["closed"], view["closed_late"], view["leader"]) == (
        "overdue",
        None,
        None,
        "胡军",
    )


def test_rectify_list__district_department_filters(wkb: Invoke, root: Path) -> None:
    donghu = overdue_item(wkb)
    jiangan = add(wkb, "--problem", "p", "--district", "江岸区", "--source", "考核")
    internal = add(
        wkb, "--problem", "p", "--source", "好差评", "--department", "办公室", "--owner", "张三"
    )
    assert [v["id"] for v in listed(wkb, "--district", "江岸")] == [jiangan["id"]]
    assert [v["id"] for v in listed(wkb, "--department", "高新处")] == [donghu["id"]]
    assert [v["id"] for v in listed(wkb, "--department", "办公室")] == [internal["id"]]
    assert listed(wkb, "--department", "平台处") == []  # a department of the table with no items
    stderr = refused(wkb, root, "rectify", "list", "--department", "不存在处")
    assert "未知的责任部门 --department '不存在处'" in stderr
    assert "未知的区" in refused(wkb, root, "rectify", "list", "--district", "火星区")


def test_rectify_list__leader_on_the_opened_date(wkb: Invoke, root: Path) -> None:
    before = add(
        wkb, "--problem", "p", "--district", "donghu", "--source", "自查", "--opened", "2026-11-05"
    )
    result = wkb("districts", "assign", "东湖高新区", "--leader", "赵峰", "--from", "2026-11-10")
    assert result.exit_code == 0, result.stderr
    after = add(
        wkb, "--problem", "p", "--district", "donghu", "--source", "自查", "--opened", "2026-11-12"
    )
    assert [v["id"] for v in listed(wkb, "--leader", "胡军")] == [before["id"]]
    assert [v["id"] for v in listed(wkb, "--leader", "赵峰")] == [after["id"]]
    internal = add(
        wkb, "--problem", "p", "--source", "自查", "--department", "办公室", "--owner", "张三"
    )
    assert internal["leader"] is None
    assert "未知的责任领导" in refused(wkb, root, "rectify", "list", "--leader", "张三")


def test_rectify_list__table_and_csv(wkb: Invoke) -> None:
    overdue_item(wkb)
    add(
        wkb,
        "--problem",
        "[bold]标记[/x]",
        "--source",
        "自查",
        "--department",
        "办公室",
        "--owner",
        "张三",
    )
    table = wkb("rectify", "list")
    assert table.exit_code == 0, table.stderr
    assert "问题整改清单:未关闭(含逾期)" in table.stdout
    assert "逾期" in table.stdout and "进行中" in table.stdout and "局内" in table.stdout
    assert "[bold]标记[/x]" in table.stdout  # user text is shown as typed, never as markup
    assert "共 2 项(截至 2026-11-25):进行中 1,即将到期 0,逾期 1,已关闭 0,逾期关闭 0" in table.stdout
    csv = wkb("rectify", "list", "--format", "csv")
    lines = csv.stdout.splitlines()
    assert (
        lines[0]
        == "\ufeff编号,问题,区,责任领导,责任部门,责任人,来源,立项,期限,状态,关闭,相关措施,走访"
    )
    assert lines[1].endswith(",胡军,高新处,彭华魁,督查,2026-10-01,2026-10-31,逾期,,,")


def test_rectify_show__text_and_json(wkb: Invoke) -> None:
    item = overdue_item(wkb)
    assert (
        wkb("rectify", "progress", item["id"], "--note", "已协调", "--date", "2026-10-15").exit_code
        == 0
    )
    assert (
        wkb(
            "rectify",
            "extend",
            item["id"],
            "--deadline",
            "2026-12-31",
            "--reason",
            "需审批",
            "--approved-by",
            "胡军",
            "--date",
            "2026-11-20",
        ).exit_code
        == 0
    )
    text = wkb("rectify", "show", item["id"].lower())
    assert text.exit_code == 0, text.stderr
    assert text.stdout.splitlines()[:10] == [
        f"{item['id']}  进行中(截至 2026-11-25)",
        "问题:孵化器用地审批慢",
        "区:东湖高新区(责任领导 胡军)",
        "来源:督查",
        "相关措施:—",
        "责任部门:高新处",
        "责任人:彭华魁",
        "立项:2026-10-01",
        "期限:2026-12-31(原定 2026-10-31)",
        "记录:测试员 2026-11-25T12:00:00+08:00",
    ]
    assert "  2026-10-15  进展:已协调  — 测试员 2026-11-25T12:00:00+08:00" in text.stdout
    assert "  2026-11-20  延期至 2026-12-31,理由:需审批,批准人:胡军  — 测试员" in text.stdout
    past = json.loads(
        wkb("rectify", "show", item["id"], "--as-of", "2026-11-19", "--format", "json").stdout
    )
    assert (past["status"], past["deadline"], past["as_of"]) == (
        "overdue",
        "2026-10-31",
        "2026-11-19",
    )
    assert [e["kind"] for e in past["events"]] == [
        "progress",
        "extend",
    ]  # the whole history, always
    assert set(past) == ITEM_KEYS | {"as_of", "created_by", "created_at", "events"}


# -- git ---------------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout


def test_rectify__commits_each_change_alone(wkb: Invoke, root: Path) -> None:
    _git(root, "init", "-q")
    item = add(wkb, "--problem", "p", "--district", "donghu", "--source", "自查", "--commit")
    assert wkb("rectify", "close", item["id"], "--resolution", "已办结", "--commit").exit_code == 0
    assert wkb("rectify", "progress", item["id"], "--note", "回访", "--no-commit").exit_code == 0
    log = _git(root, "log", "--format=%s").splitlines()
    assert log == [
        f"rectify close: 东湖高新区 ({item['id']}) by 测试员",
        f"rectify add: 东湖高新区 ({item['id']}) by 测试员",
    ]
    # the uncommitted progress note is a new file of its own; the item's file never changes
    untracked = _git(root, "status", "--porcelain", "--", "data/rectifications/2026").splitlines()
    assert [line[:3] for line in untracked] == ["?? "]
    assert untracked[0].startswith(f"?? {item['path'].removesuffix('.yaml')}.E")
    assert _git(root, "status", "--porcelain", "--", item["path"]) == ""


def test_rectify__validate_stays_clean(wkb: Invoke) -> None:
    item = overdue_item(wkb)
    for args in (
        ("progress", item["id"], "--note", "n", "--date", "2026-10-10"),
        ("extend", item["id"], "--deadline", "+10d", "--reason", "r", "--date", "2026-10-30"),
        ("close", item["id"], "--resolution", "r", "--date", "2026-11-05"),
        ("reopen", item["id"], "--reason", "r", "--date", "2026-11-06"),
        ("close", item["id"], "--resolution", "r"),
    ):
        assert wkb("rectify", *args).exit_code == 0
    result = wkb("validate")
    assert result.exit_code == 0, result.stdout


@pytest.mark.parametrize("option", ["--recorder", "--department", "--owner"])
def test_rectify_add__a_name_is_one_line_as_in_visit_add(wkb, root: Path, option: str) -> None:
    """One text cleaner (issue 12.2): names are single-line everywhere; rectify add let a line
    break through where visit add refused it."""
    args = ("rectify", "add", "--district", "donghu", "--source", "自查", "--problem", "问题")
    result = wkb(*args, option, "张\n三")
    assert result.exit_code == 2 and "控制字符" in result.stderr
    assert not (root / "data" / "rectifications").exists() or not any(
        (root / "data" / "rectifications").rglob("*.yaml")
    )
    visit = wkb(
        "visit",
        "add",
        "--date",
        "2026-11-03",
        "--district",
        "donghu",
        "--entity",
        "光谷",
        "--type",
        "科技企业",
        "--recorder",
        "张\n三",
    )
    assert visit.exit_code == 2 and "控制字符" in visit.stderr


def test_rectify_add__visit_id_held_by_two_files_is_refused_as_in_visit_show(
    wkb, root: Path
) -> None:
    """One visit lookup (issue 12.2): rectify add took the first of two files with the id."""
    visit = make_visit(date(2026, 11, 3))
    rel = write_visit(root, visit)
    (root / rel.replace("_donghu_", "_hanyang_")).write_bytes((root / rel).read_bytes())
    args = ("rectify", "add", "--visit", visit.id, "--problem", "问题", "--source", "visit")
    result = wkb(*args)
    assert result.exit_code == 2 and "多个文件" in result.stderr, result.stderr
    assert "多个文件" in wkb("visit", "show", visit.id).stderr
