"""`wkb remind` end to end: digests, and delivery to a local robot on 127.0.0.1 (issue 15.3)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from builders import make_item, make_visit, write_item, write_visit
from test_remind_webhook import OK, Robot, serve  # noqa: F401  (the fixture)
from wkb_tracker.store import webhook


@pytest.fixture
def robots(serve: Callable[[Robot], str]) -> Callable[[Robot], str]:  # noqa: F811
    """Start local robots (test_remind_webhook's `serve`, under a name of this module)."""
    return serve


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".wkb-cache" not in p.parts
    }


@pytest.fixture
def month(root: Path) -> Path:
    """November 2026 as of the 25th: 胡军 has 东湖高新区 met and 汉阳区 short; an overdue item of
    东湖高新区; October has visits and is not sealed."""
    for day in (date(2026, 11, 3), date(2026, 11, 4), date(2026, 10, 8)):
        write_visit(root, make_visit(day))
    write_item(root, make_item(date(2026, 10, 1)))  # deadline 2026-10-31: overdue 25 days
    return root


def test_remind__text_digests_leave_out_leaders_with_nothing_due(month: Path, wkb: Any) -> None:
    result = wkb("remind", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    to = [d["to"] for d in data["digests"]]
    assert to[0] == "胡军" and to[-1] == "办公室" and len(to) == 9  # 8 leaders short + office
    hu = data["digests"][0]
    assert [row["district"] for row in hu["due"]["districts"]] == ["汉阳区"]
    assert [item["status"] for item in hu["due"]["rectifications"]] == ["overdue"]
    office = data["digests"][-1]
    assert office["months_to_seal"] == ["2026-10"] and office["kind"] == "office"
    text = wkb("remind", "--leader", "胡军").stdout
    assert "- 汉阳区:已联系 0 / 应联系 2,还差 2 次" in text
    assert "逾期 25 天" in text and "本月还剩 4 个工作日" in text
    markdown = wkb("remind", "--office", "--format", "markdown").stdout
    assert markdown.startswith("### 包区服务提醒 · 办公室 · 2026-11")
    assert "**待封存月份**:2026-10" in markdown


def test_remind__send_to_wecom_posts_each_digest_and_writes_nothing(
    month: Path, wkb: Any, robots: Callable[[Robot], str]
) -> None:
    robot = Robot([OK])
    url = robots(robot)
    (month / "wkb.local.toml").write_text(f'remind_webhook = "{url}"\n', encoding="utf-8")
    before = files(month)
    result = wkb("remind", "--leader", "胡军", "--send")
    assert result.exit_code == 0, result.stderr
    assert "已发送:胡军" in result.stdout
    ((path, body),) = robot.requests
    assert path == "/robot/send?access_token=t0k"
    assert list(body) == ["msgtype", "markdown"] and body["msgtype"] == "markdown"
    assert body["markdown"]["content"].startswith("### 包区服务提醒 · 胡军 · 2026-11")
    assert files(month) == before


def test_remind__send_to_dingtalk_is_signed_with_the_env_secret(
    month: Path, wkb: Any, robots: Callable[[Robot], str]
) -> None:
    robot = Robot([OK], secret="SECabc")
    env = {"WKB_REMIND_WEBHOOK": robots(robot), "WKB_REMIND_SECRET": "SECabc"}
    (month / "wkb.local.toml").write_text('remind_kind = "dingtalk"\n', encoding="utf-8")
    result = wkb("remind", "--office", "--send", env=env)
    assert result.exit_code == 0, result.stderr
    ((_path, body),) = robot.requests
    assert body["markdown"]["title"] == "包区服务提醒 · 办公室 · 2026-11"
    assert body["markdown"]["text"].startswith("### 包区服务提醒 · 办公室")
    assert robot.signed_ok == [True]


def test_remind__failure_is_one_line_and_exit_1(
    month: Path, wkb: Any, robots: Callable[[Robot], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhook, "BACKOFF_S", 0.0)
    robot = Robot([(503, {}, 0.0)])
    env = {"WKB_REMIND_WEBHOOK": robots(robot)}
    result = wkb("remind", "--office", "--send", env=env)
    assert result.exit_code == 1
    assert result.stderr == "发送失败(办公室):HTTP 503 Service Unavailable (after 3 attempts)\n"
    assert len(robot.requests) == 3


def test_remind__dry_run_sends_nothing_and_hides_the_key(
    month: Path, wkb: Any, robots: Callable[[Robot], str]
) -> None:
    robot = Robot([OK])
    env = {"WKB_REMIND_WEBHOOK": robots(robot)}
    result = wkb("remind", "--leader", "胡军", "--send", "--dry-run", env=env)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    (message,) = data["messages"]
    assert message["url"].endswith("/robot/send?access_token=…")
    assert message["body"]["markdown"]["content"].startswith("### 包区服务提醒 · 胡军")
    assert robot.requests == []


def test_remind__send_without_a_robot_is_refused(month: Path, wkb: Any) -> None:
    result = wkb("remind", "--send")
    assert result.exit_code == 2
    assert "remind_webhook" in result.stderr
    assert wkb("remind", "--leader", "胡军", "--office").exit_code == 2


def test_remind__unsatisfied_return_visit_is_in_the_leaders_digest(month: Path, wkb: Any) -> None:
    item = make_item(date(2026, 11, 2))
    write_item(month, item)
    closed = wkb("rectify", "close", item.id, "--resolution", "已办", "--satisfaction", "不满意")
    assert closed.exit_code == 0, closed.stderr
    text = wkb("remind", "--leader", "胡军").stdout
    assert "回访不满意,需跟进" in text and item.id in text


def test_config_list__hides_the_robot_key_and_secret(month: Path, wkb: Any) -> None:
    (month / "wkb.local.toml").write_text(
        'remind_webhook = "https://oapi.dingtalk.com/robot/send?access_token=abc"\n'
        'remind_secret = "SEC123"\n',
        encoding="utf-8",
    )
    listed = json.loads(wkb("config", "list", "--format", "json").stdout)
    assert listed["remind_webhook"] == "https://oapi.dingtalk.com/robot/send?…"
    assert listed["remind_secret"] == "(已设置)"
    assert "SEC123" not in wkb("config", "list").stdout


def test_remind__format_takes_the_one_vocabulary(month: Path, wkb: Any) -> None:
    """Review 2026-12-01: `wkb remind --format table` was refused (remind knew only `text`),
    while every other command's --format says table, with `text` as the old name."""
    table = wkb("remind", "--office", "--format", "table")
    text = wkb("remind", "--office", "--format", "text")

    assert table.exit_code == 0, table.stderr
    assert table.stdout == text.stdout == wkb("remind", "--office").stdout
    assert table.stdout.startswith("包区服务提醒 · 办公室")


def test_remind__english_digests_have_no_chinese_punctuation(month: Path, wkb: Any) -> None:
    """Regression: the overdue lines and "Months ready to seal" were joined with a full-width
    colon in English too."""
    office = wkb("--lang", "en", "remind", "--office")
    assert office.exit_code == 0
    assert "days overdue: R" in office.stdout and "Months ready to seal" in office.stdout
    leaders = wkb("--lang", "en", "remind")
    for text in (office.stdout, leaders.stdout):
        assert not set(text) & set("：，；（）。")
