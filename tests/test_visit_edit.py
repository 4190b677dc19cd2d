"""`wkb visit edit`: $EDITOR on a copy; the change is kept only if it still validates."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

# The "editor": replaces WKB_TEST_OLD with WKB_TEST_NEW in the file it is given (exit status
# WKB_TEST_EXIT), like a clerk changing one line.
EDITOR_SCRIPT = """\
import os, sys
path = sys.argv[-1]
with open(path, encoding="utf-8") as stream:
    text = stream.read()
text = text.replace(os.environ["WKB_TEST_OLD"], os.environ["WKB_TEST_NEW"])
with open(path, "w", encoding="utf-8") as stream:
    stream.write(text)
sys.exit(int(os.environ.get("WKB_TEST_EXIT", "0")))
"""


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    script = tmp_path / "editor.py"
    script.write_text(EDITOR_SCRIPT, encoding="utf-8")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", shlex.join([sys.executable, str(script)]))
    monkeypatch.delenv("WKB_INTERACTIVE", raising=False)

    def change(old: str, new: str, status: int = 0) -> None:
        monkeypatch.setenv("WKB_TEST_OLD", old)
        monkeypatch.setenv("WKB_TEST_NEW", new)
        monkeypatch.setenv("WKB_TEST_EXIT", str(status))

    return change


@pytest.fixture
def visit(wkb, root) -> tuple[str, Path]:
    """One visit (2026-11-03, 东湖高新区, 胡军); returns (id, file)."""
    result = wkb(
        "visit",
        "add",
        "--date",
        "2026-11-03",
        "--district",
        "东湖",
        "--entity",
        "武汉光谷实验室",
        "--type",
        "platform",
        "--format",
        "json",
    )
    view = json.loads(result.stdout)
    return view["id"], root / view["path"]


def test_visit_edit__a_valid_change_is_kept(wkb, editor, visit) -> None:
    visit_id, path = visit
    editor("entity: 武汉光谷实验室", "entity: 湖北光谷实验室")
    result = wkb("visit", "edit", visit_id)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"已保存修改:{visit_id}(data/visits/2026/11/")
    assert "entity: 湖北光谷实验室\n" in path.read_text(encoding="utf-8")
    assert wkb("validate").exit_code == 0


def test_visit_edit__date_may_move_within_its_month(wkb, editor, visit) -> None:
    visit_id, _path = visit
    editor("date: 2026-11-03", "date: 2026-11-04")
    assert wkb("visit", "edit", visit_id).exit_code == 0
    assert json.loads(wkb("visit", "show", visit_id, "--format", "json").stdout)["date"] == (
        "2026-11-04"
    )
    assert wkb("validate").exit_code == 0


def test_visit_edit__a_block_summary_is_kept_without_its_trailing_newline(
    wkb, editor, visit
) -> None:
    visit_id, path = visit
    editor("summary: ''", "summary: |\n  了解用地需求\n  约定回访\n")
    result = wkb("visit", "edit", visit_id)
    assert result.exit_code == 0, result.stderr
    assert "summary: |-\n  了解用地需求\n  约定回访\n" in path.read_text(encoding="utf-8")
    assert wkb("validate").exit_code == 0


def test_visit_edit__no_change_says_so(wkb, editor, visit) -> None:
    visit_id, path = visit
    before = path.read_bytes()
    editor("nothing-to-find", "")
    result = wkb("visit", "edit", visit_id)
    assert (result.exit_code, result.stdout) == (0, f"未做修改:{visit_id}\n")
    assert path.read_bytes() == before


def test_visit_edit__non_responsible_leader_is_kept_with_a_warning(wkb, editor, visit) -> None:
    visit_id, _path = visit
    editor("leader: 胡军", "leader: 赵峰")
    result = wkb("visit", "edit", visit_id)
    assert result.exit_code == 0
    assert "赵峰 在 2026-11-03 不是 东湖高新区 的责任领导(当日为 胡军)" in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("type: 平台载体", "type: platform", "未知的主体类型 type 'platform'(是不是 platform"),
        ("type: 平台载体", "type: 平台", "未知的主体类型 type '平台'"),
        ("mode: 实地走访", "mode: 走访", "未知的联系方式 mode '走访'"),
        ("district: 东湖高新区", "district: 东湖", "未知的区 district '东湖'"),
        ("district_id: donghu", "district_id: hanyang", "district_id 应为 donghu(东湖高新区)"),
        ("leader: 胡军", "leader: 胡君", "未知的责任领导 leader '胡君'(是不是 胡军?)"),
        ("entity: 武汉光谷实验室", "entity: '  '", "字段 entity 应为非空字符串"),
        ("measures: []", "measures: [18]", "measures 须为 1–17 的措施编号,收到 '18'"),
        ("date: 2026-11-03", "date: 2026-11-26", "date 2026-11-26 在未来"),
        ("date: 2026-11-03", "date: 2026-10-30", "date 只能在同一个月内修改(2026-11)"),
        ("date: 2026-11-03", "date: 2026-11-31", "无法解析:day is out of range for month"),
        ("id: V", "id: X", "id 不能修改"),
        ("recorded_at: 2026-11-25", "recorded_at: 2026-11-24", "recorded_at 不能修改"),
        ("summary: ''", "summary: [", "YAML 语法错误"),
        ("summary: ''", "colour: red", "未知字段 colour"),
        ("summary: ''", 'summary: "x\\u0007"', "summary 含不允许的控制字符"),
        (
            "summary: ''",
            "void: {reason: x, by: y, at: 2026-11-25 12:00:00+08:00}",
            "void 不能通过编辑修改",
        ),
    ],
)
def test_visit_edit__invalid_changes_are_refused_and_the_file_left_as_it_was(
    wkb, editor, visit, old: str, new: str, message: str
) -> None:
    visit_id, path = visit
    before = path.read_bytes()
    editor(old, new)
    result = wkb("visit", "edit", visit_id)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "记录未改动;你的修改保留在 " in result.stderr
    kept = Path(result.stderr.rsplit("你的修改保留在 ", 1)[1].strip())
    assert new in kept.read_text(encoding="utf-8")
    kept.unlink()
    assert path.read_bytes() == before
    assert wkb("validate").exit_code == 0


def test_visit_edit__an_editor_that_fails_changes_nothing(wkb, editor, visit) -> None:
    visit_id, path = visit
    before = path.read_bytes()
    editor("entity: 武汉光谷实验室", "entity: 别的", status=3)
    result = wkb("visit", "edit", visit_id)
    assert (result.exit_code, result.stderr) == (2, "编辑器退出码 3,未做任何修改\n")
    assert path.read_bytes() == before


def test_visit_edit__a_missing_editor_is_explained(wkb, visit, monkeypatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "/nonexistent/editor --wait")
    result = wkb("visit", "edit", visit[0])
    assert result.exit_code == 2
    assert result.stderr.startswith("无法启动编辑器 /nonexistent/editor:")


def test_visit_edit__a_void_visit_is_not_edited(wkb, editor, visit) -> None:
    visit_id, _path = visit
    wkb("visit", "void", visit_id, "--reason", "错录")
    editor("entity: 武汉光谷实验室", "entity: 别的")
    result = wkb("visit", "edit", visit_id)
    assert result.exit_code == 2
    assert result.stderr == f"{visit_id} 已作废,不能再编辑;如需更正请重新录入\n"


def test_visit_edit__date_moves_the_file_where_hard_links_are_unavailable(
    wkb, editor, visit, root, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FAT/exFAT sticks and some network shares refuse hard links: the edit is already saved, so
    the file is renamed instead and the clerk is told (issue 16: no misleading failure)."""
    import errno
    import os

    def no_links(source: object, target: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    visit_id, path = visit
    monkeypatch.setattr(os, "link", no_links)
    editor("date: 2026-11-03", "date: 2026-11-04")
    result = wkb("visit", "edit", visit_id)
    assert result.exit_code == 0, result.stderr
    assert "不支持硬链接,已直接改名为 data/visits/2026/11/2026-11-04_donghu_" in result.stderr
    assert not path.exists()
    (moved,) = (root / "data/visits/2026/11").glob("2026-11-04_donghu_*.yaml")
    assert "date: 2026-11-04\n" in moved.read_text(encoding="utf-8")
    assert wkb("validate").exit_code == 0
