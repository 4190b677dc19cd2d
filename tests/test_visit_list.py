"""`wkb visit list | show | void`: reading visits back, and voiding without deleting."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from wkb_tracker.store.records import visit_path


@pytest.fixture(autouse=True)
def _not_interactive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WKB_INTERACTIVE", raising=False)


def add(wkb, day: str, district: str, kind: str = "team", *extra: str) -> str:
    """Add a visit through the CLI; returns its id."""
    result = wkb(
        "visit",
        "add",
        "--date",
        day,
        "--district",
        district,
        "--entity",
        f"{district}的企业",
        "--type",
        kind,
        "--format",
        "json",
        *extra,
    )
    assert result.exit_code == 0, result.stderr
    return str(json.loads(result.stdout)["id"])


def listed(wkb, *args: str) -> list[str]:
    result = wkb("visit", "list", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return [view["id"] for view in json.loads(result.stdout)]


@pytest.fixture
def three(wkb) -> dict[str, str]:
    """Oct 31 东湖 (胡军, team), Nov 1 汉阳 (胡军, platform), Nov 20 武昌 (王振旭, team)."""
    return {
        "oct": add(wkb, "2026-10-31", "东湖"),
        "nov1": add(wkb, "2026-11-01", "汉阳", "platform"),
        "nov20": add(wkb, "2026-11-20", "武昌"),
    }


def test_visit_list__filters(wkb, three) -> None:
    assert listed(wkb) == [three["oct"], three["nov1"], three["nov20"]]
    assert listed(wkb, "--month", "2026-11") == [three["nov1"], three["nov20"]]
    assert listed(wkb, "--month", "2026-10") == [three["oct"]]
    assert listed(wkb, "--from", "2026-10-31", "--to", "2026-11-01") == [
        three["oct"],
        three["nov1"],
    ]
    assert listed(wkb, "--from", "2026-11-02") == [three["nov20"]]
    assert listed(wkb, "--to", "2026/11/1") == [three["oct"], three["nov1"]]
    assert listed(wkb, "--leader", "胡军") == [three["oct"], three["nov1"]]
    assert listed(wkb, "--district", "汉阳") == [three["nov1"]]
    assert listed(wkb, "--type", "team") == [three["oct"], three["nov20"]]
    assert listed(wkb, "--month", "2026-11", "--leader", "胡军", "--type", "平台载体") == [
        three["nov1"]
    ]
    assert listed(wkb, "--month", "2026-09") == []


def test_visit_list__json_items_are_the_record_plus_void(wkb, three) -> None:
    [view] = json.loads(wkb("visit", "list", "--format", "json", "--district", "武昌").stdout)
    assert set(view) >= {
        "id",
        "date",
        "district",
        "district_id",
        "leader",
        "entity",
        "type",
        "mode",
        "measures",
        "summary",
        "problems",
        "participants",
        "recorder",
        "recorded_at",
        "path",
        "void",
    }
    assert (view["id"], view["leader"], view["void"]) == (three["nov20"], "王振旭", False)


def test_visit_list__csv_with_bom_reads_back(wkb, three) -> None:
    result = wkb("visit", "list", "--format", "csv", "--month", "2026-11")
    assert result.stdout.startswith(
        "\ufeff编号,日期,区,责任领导,创新主体,类型,方式,措施,记录人,状态"
    )
    rows = list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert [row[0] for row in rows[1:]] == [three["nov1"], three["nov20"]]
    assert rows[1][2:4] == ["汉阳区", "胡军"]


def test_visit_list__table_marks_void_visits(wkb, three) -> None:
    assert wkb("visit", "void", three["nov1"], "--reason", "重复录入").exit_code == 0
    result = wkb("visit", "list", "--month", "2026-11")
    assert result.exit_code == 0
    assert "已作废" in result.stdout
    assert "共 2 条,其中作废 1 条" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2026-11", "--from", "2026-11-01"], "--month 不能与 --from/--to 同时使用"),
        (["--month", "2026-13"], "--month 不是有效月份:'2026-13'"),
        (["--from", "2026-11-05", "--to", "2026-11-01"], "--from 2026-11-05 晚于 --to 2026-11-01"),
        (["--leader", "胡君"], "未知的责任领导 --leader '胡君'(是不是 胡军?)"),
        (["--district", "江"], "有歧义"),
        (["--type", "企业"], "未知的主体类型 --type '企业'"),
    ],
)
def test_visit_list__bad_filters_exit_2(wkb, args: list[str], message: str) -> None:
    result = wkb("visit", "list", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_visit_list__warns_about_unreadable_files_and_lists_the_rest(wkb, root, three) -> None:
    (root / "data/visits/2026/11/broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    result = wkb("visit", "list", "--format", "json")
    assert result.exit_code == 0
    assert "警告:已跳过无法读取的记录 data/visits/2026/11/broken.yaml:" in result.stderr
    assert len(json.loads(result.stdout)) == 3


def test_visit_list__a_month_reads_only_its_folder(wkb, root, three) -> None:
    (root / "data/visits/2026/10/broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    result = wkb("visit", "list", "--month", "2026-11")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_visit_show__text_and_json(wkb, three) -> None:
    visit_id = three["nov1"]
    text = wkb("visit", "show", visit_id.lower())
    assert text.exit_code == 0
    assert (
        f"编号: {visit_id}\n日期: 2026-11-01\n区: 汉阳区 (hanyang)\n责任领导: 胡军\n" in text.stdout
    )
    assert "状态: 有效\n" in text.stdout
    view = json.loads(wkb("visit", "show", visit_id, "--format", "json").stdout)
    assert view["path"] == visit_path(visit_id, date(2026, 11, 1), "hanyang")


@pytest.mark.parametrize(
    "typed",
    ["../../etc/passwd", "V20261103-7KQF2M/../x", "R20261103-7KQF2M", "V2026-11-03", "", "."],
)
def test_visit_show__malformed_ids_are_refused_before_any_path(wkb, typed: str) -> None:
    result = wkb("visit", "show", typed)
    assert result.exit_code == 2
    assert f"编号格式不对:{typed!r}。编号形如 V20261103-7KQF2M" in result.stderr


@pytest.mark.parametrize("command", ["show", "void", "edit"])
def test_visit_commands__unknown_id(wkb, command: str) -> None:
    extra = ["--reason", "x"] if command == "void" else []
    result = wkb("visit", command, "V20261103-7KQF2M", *extra)
    assert result.exit_code == 2
    assert result.stderr == "没有编号为 V20261103-7KQF2M 的走访记录\n"


def test_visit_void__marks_the_visit_in_its_file_and_keeps_it(wkb, root, three) -> None:
    visit_id = three["nov1"]
    result = wkb("visit", "void", visit_id, "--reason", "重复录入")
    assert result.exit_code == 0
    assert result.stdout == (
        f"已作废 {visit_id}(2026-11-01 胡军 汉阳区 · 汉阳的企业),原因:重复录入\n"
    )
    [path] = list((root / "data/visits").rglob(f"*_{visit_id}.yaml"))
    text = path.read_text(encoding="utf-8")
    assert text.endswith(
        "void:\n  reason: 重复录入\n  by: 测试员\n  at: 2026-11-25 12:00:00+08:00\n"
    )
    view = json.loads(wkb("visit", "show", visit_id, "--format", "json").stdout)
    assert (view["void"], view["void_reason"], view["void_by"]) == (True, "重复录入", "测试员")
    assert (
        "状态: 已作废(重复录入;测试员,2026-11-25T12:00:00+08:00)"
        in wkb("visit", "show", visit_id).stdout
    )
    assert wkb("validate").exit_code == 0


def test_visit_void__by_option(wkb, root, three) -> None:
    assert (
        wkb("visit", "void", three["oct"], "--reason", "错录", "--by", "办公室 张三").exit_code == 0
    )
    view = json.loads(wkb("visit", "show", three["oct"], "--format", "json").stdout)
    assert view["void_by"] == "办公室 张三"


def test_visit_void__refuses_twice_and_an_empty_reason_leaving_the_file(wkb, root, three) -> None:
    visit_id = three["nov20"]
    [path] = list((root / "data/visits").rglob(f"*_{visit_id}.yaml"))
    empty = wkb("visit", "void", visit_id, "--reason", "  ")
    assert (empty.exit_code, empty.stderr) == (2, "--reason 不能为空\n")
    assert "void" not in path.read_text(encoding="utf-8")
    assert wkb("visit", "void", visit_id, "--reason", "错录").exit_code == 0
    before = path.read_bytes()
    again = wkb("visit", "void", visit_id, "--reason", "再来一次")
    assert again.exit_code == 2
    assert again.stderr == (
        f"{visit_id} 已于 2026-11-25 12:00:00+08:00 作废(原因:错录),不能重复作废\n"
    )
    assert path.read_bytes() == before


def test_visit_void__missing_reason_is_a_usage_error(wkb, three) -> None:
    result = wkb("visit", "void", three["oct"])
    assert result.exit_code == 2
    assert "--reason" in result.stderr


def test_visit_show__a_broken_file_is_a_data_problem(wkb, root, three) -> None:
    [path] = list((root / "data/visits").rglob(f"*_{three['oct']}.yaml"))
    path.write_text("id: [unclosed\n", encoding="utf-8")
    result = wkb("visit", "show", three["oct"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path.relative_to(root).as_posix()}:")
    void = wkb("visit", "void", three["oct"], "--reason", "x")
    assert void.exit_code == 1
    assert path.read_text(encoding="utf-8") == "id: [unclosed\n"


def test_visit_show__a_symlink_out_of_the_root_is_never_followed(wkb, root, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("secret: 1\n", encoding="utf-8")
    folder = root / "data/visits/2026/11"
    folder.mkdir(parents=True)
    (folder / "2026-11-03_donghu_V20261103-7KQF2M.yaml").symlink_to(outside)
    result = wkb("visit", "show", "V20261103-7KQF2M")
    assert result.exit_code == 2
    assert "secret" not in result.stdout + result.stderr
    assert wkb("visit", "void", "V20261103-7KQF2M", "--reason", "x").exit_code == 2
    assert outside.read_text(encoding="utf-8") == "secret: 1\n"
