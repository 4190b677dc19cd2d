"""Settings (issue 10.3, 10.6, 10.9; issue 11.6 config bounds, 11.7 hostile config files):
personal keys in wkb.local.toml, where each value comes from, tracking_start, --known-on."""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from budget import examples
from conftest import Invoke
from wkb_tracker.cli import app
from wkb_tracker.store.config import KEYS, LOCAL_FILE, SCHEMA, read_toml, resolve

runner = CliRunner()


def toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


# -- 10.3 personal vs shared ----------------------------------------------------------------------


@pytest.mark.parametrize(("key", "value"), [("recorder", "张三"), ("lang", "en")])
def test_config_set__personal_keys_go_to_the_local_file(
    wkb: Invoke, root: Path, key: str, value: str
) -> None:
    shared_before = (root / "wkb.toml").read_bytes()
    result = wkb("config", "set", key, value)
    assert result.exit_code == 0, result.stderr
    assert "wkb.local.toml" in result.stdout and len(result.stdout.splitlines()) == 1
    assert (root / "wkb.toml").read_bytes() == shared_before
    assert toml(root / LOCAL_FILE)[key] == value
    assert LOCAL_FILE in (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    listed = json.loads(wkb("config", "list", "--format", "json").stdout)
    assert listed[key] == value and listed["source"][key] == "wkb.local.toml"


def test_config_set__shared_keys_stay_in_wkb_toml(wkb: Invoke, root: Path) -> None:
    result = wkb("config", "set", "due_soon_days", "10")
    assert result.exit_code == 0, result.stderr
    assert "已写入 wkb.toml" in result.stdout
    assert toml(root / "wkb.toml")["due_soon_days"] == 10
    assert not (root / LOCAL_FILE).exists()


def test_config_list__shows_where_each_value_comes_from(wkb: Invoke, root: Path) -> None:
    """The fixture's root is an old one: recorder sits in wkb.toml and is still honoured."""
    wkb("config", "set", "due_soon_days", "10")
    listed = json.loads(wkb("config", "list", "--format", "json", env={"WKB_LANG": "en"}).stdout)
    assert listed["recorder"] == "测试员"
    assert listed["source"] == {
        "monthly_minimum": "default",
        "rectify_deadline_days": "default",
        "due_soon_days": "wkb.toml",
        "late_grace_days": "default",
        "repeat_window_days": "default",
        "tracking_start": "default",
        "auto_commit": "wkb.toml",
        "lang": "env",
        "recorder": "wkb.toml",
        "remind_webhook": "default",  # issue 15.3
        "remind_kind": "default",
        "remind_secret": "default",
    }
    table = wkb("config", "list").stdout
    assert "来源" in table and "wkb.toml" in table
    wkb("config", "set", "recorder", "李四")
    assert wkb("config", "get", "recorder").stdout.strip() == "李四"
    assert toml(root / "wkb.toml")["recorder"] == "测试员"  # the shared file is left alone


def test_local_file__an_office_key_there_is_reported_and_ignored(wkb: Invoke, root: Path) -> None:
    (root / LOCAL_FILE).write_text('recorder = "张三"\n\nmonthly_minimum = 1\n', encoding="utf-8")
    resolved = resolve(root)
    assert resolved.config.monthly_minimum is None and resolved.config.recorder == "张三"
    result = wkb("validate")
    assert result.exit_code == 1
    assert "wkb.local.toml:3: monthly_minimum 是全办公室共用的配置" in result.stdout


def test_init__writes_no_personal_key_and_ignores_the_local_file(tmp_path: Path) -> None:
    target = tmp_path / "office"
    assert runner.invoke(app, ["init", str(target), "--no-git"]).exit_code == 0
    shared = toml(target / "wkb.toml")
    assert "lang" not in shared and "recorder" not in shared
    assert LOCAL_FILE in (target / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_config_set__shared_key_is_committed_personal_key_never(tmp_path: Path) -> None:
    target = tmp_path / "office"
    assert runner.invoke(app, ["init", str(target)]).exit_code == 0  # commits the root
    done = runner.invoke(app, ["--root", str(target), "config", "set", "due_soon_days", "9"])
    assert done.exit_code == 0, done.stderr
    subject = git(target, "log", "-1", "--format=%s").strip()
    assert subject.startswith("config set: due_soon_days = 9 by ")
    assert git(target, "show", "--name-only", "--format=", "HEAD").split() == ["wkb.toml"]
    done = runner.invoke(app, ["--root", str(target), "config", "set", "recorder", "张三"])
    assert done.exit_code == 0, done.stderr
    assert git(target, "status", "--porcelain") == ""  # wkb.local.toml is ignored
    assert git(target, "log", "-1", "--format=%s").strip() == subject


# -- 11.6 bounds -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "rectify_deadline_days",
            "99999999",
            "rectify_deadline_days 不能大于 3650(有效范围 1–3650)",
        ),
        ("rectify_deadline_days", "0", "rectify_deadline_days 不能小于 1(有效范围 1–3650)"),
        ("due_soon_days", "366", "due_soon_days 不能大于 365(有效范围 0–365)"),
        ("due_soon_days", "-1", "due_soon_days 不能小于 0"),
        ("late_grace_days", "367", "late_grace_days 不能大于 366"),
        ("monthly_minimum", "101", "monthly_minimum 不能大于 100(有效范围 1–100)"),
        ("monthly_minimum", str(10**30), "monthly_minimum 不能大于 100"),
        ("tracking_start", "2026-13", "tracking_start 不是有效月份"),
        ("tracking_start", "2099-01", "tracking_start 不能晚于 12 个月之后"),
        ("recorder", "张\udc85三", "recorder 含无法识别的字节"),
        ("recorder", "张\x1b[31m三", "recorder 含不允许的控制字符"),
        ("recorder", "张" * 2001, "recorder 过长"),
    ],
)
def test_config_set__out_of_range_is_refused_with_the_range(
    wkb: Invoke, root: Path, key: str, value: str, message: str
) -> None:
    before = (root / "wkb.toml").read_bytes()
    result = wkb("config", "set", "--", key, value)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert (root / "wkb.toml").read_bytes() == before


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("rectify_deadline_days = 99999999", "rectify_deadline_days 不能大于 3650"),
        ("rectify_deadline_days = -5", "rectify_deadline_days 不能小于 1"),
        ("due_soon_days = 100000", "due_soon_days 不能大于 365"),
        ("late_grace_days = 9999999999999", "late_grace_days 不能大于 366"),
        ("monthly_minimum = 1000", "monthly_minimum 不能大于 100"),
        ('tracking_start = "2026-1"', "tracking_start 须写作 YYYY-MM"),
        ("tracking_start = 2026", "tracking_start 须为字符串"),
        ('lang = "z\\u0007h"', "lang 含不允许的控制字符"),
    ],
)
def test_wkb_toml__hand_edited_out_of_range_is_a_problem_and_the_default_is_used(
    wkb: Invoke, root: Path, line: str, message: str
) -> None:
    with (root / "wkb.toml").open("a", encoding="utf-8") as stream:
        stream.write(line + "\n")
    number = (root / "wkb.toml").read_text(encoding="utf-8").count("\n")
    result = wkb("validate")
    assert result.exit_code == 1
    assert f"wkb.toml:{number}: {message}" in result.stdout
    # The default is used, never the value: adding a visit with a problem opens an item 30 days on.
    added = wkb(
        "visit", "add", "--district", "donghu", "--entity", "光谷实验室", "--type", "科技企业",
        "--mode", "实地走访", "--date", "2026-11-20", "--problem", "用地审批慢", "--format", "json",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert f"wkb.toml:{number}: {message}" in added.stderr
    items = json.loads(wkb("rectify", "list", "--format", "json").stdout)
    assert [item["deadline"] for item in items] == ["2026-12-20"]


# -- 11.7 hostile config files ---------------------------------------------------------------

DEEP = 100_000
HOSTILE = [
    ("a = " + "[" * DEEP + "]" * DEEP + "\n", 1),
    ("a = " + "{b = " * DEEP + "}" * DEEP + "\n", 1),
    ('recorder = "x"\n' + "a" + ".a" * DEEP + " = 1\n", 2),
    ("\n[" + "a." * DEEP + "a]\n", 2),
    ("lang = \n", 1),
    ('recorder = "未闭合\n', 1),
]
COMMANDS = [
    ("validate",),
    ("report", "--month", "2026-11", "--format", "json"),
    ("rectify", "list"),
    ("config", "list"),
    ("districts",),
]


@pytest.mark.parametrize("name", ["wkb.toml", LOCAL_FILE])
@pytest.mark.parametrize(("text", "line"), HOSTILE, ids=range(len(HOSTILE)))
def test_config_file__nested_or_broken_is_a_path_line_problem_in_every_command(
    wkb: Invoke, root: Path, name: str, text: str, line: int
) -> None:
    (root / name).write_text(text, encoding="utf-8")
    for command in COMMANDS:
        result = wkb(*command)
        assert result.exit_code in (0, 1), (command, result.stderr)
        assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr
        assert f"{name}:{line}: " in result.stdout + result.stderr, command
    refused = wkb("config", "set", "recorder" if name == LOCAL_FILE else "due_soon_days", "3")
    assert refused.exit_code == 2
    assert refused.stderr.startswith(f"{name}:{line}: ")
    assert (root / name).read_text(encoding="utf-8") == text


def test_config_file__not_utf8_or_too_large(wkb: Invoke, root: Path) -> None:
    (root / LOCAL_FILE).write_bytes(b'recorder = "\x85"\n')
    assert "wkb.local.toml:1: 不是 UTF-8 文本" in wkb("validate").stdout
    (root / LOCAL_FILE).write_text("# " + "x" * 1_000_000 + "\n", encoding="utf-8")
    assert "wkb.local.toml:1: 文件过大" in wkb("validate").stdout


# -- 10.9 tracking start ---------------------------------------------------------------------


def visit(wkb: Invoke, day: str, *extra: str, env: dict[str, str] | None = None) -> str:
    result = wkb(
        "visit", "add", "--district", "donghu", "--entity", "光谷实验室", "--type", "科技企业",
        "--mode", "实地走访", "--date", day, "--format", "json", *extra, env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    view: dict[str, Any] = json.loads(result.stdout)
    return str(view["id"])


def test_init__records_the_current_month_as_tracking_start(tmp_path: Path) -> None:
    target = tmp_path / "office"
    done = runner.invoke(app, ["init", str(target), "--no-git"], env={"WKB_TODAY": "2026-09-14"})
    assert done.exit_code == 0
    assert toml(target / "wkb.toml")["tracking_start"] == "2026-09"


def test_tracking_start__earlier_months_are_not_tracked_in_every_report(
    wkb: Invoke, root: Path
) -> None:
    visit(wkb, "2026-08-10")
    assert wkb("config", "set", "tracking_start", "2026/9").exit_code == 0
    assert toml(root / "wkb.toml")["tracking_start"] == "2026-09"

    month = json.loads(wkb("report", "--month", "2026-08", "--format", "json").stdout)
    hu = month["leaders"][0]
    assert hu["status"] == "not_tracked"
    assert hu["districts"][0]["months"][0] == {
        "month": "2026-08",
        "contacts": 1,
        "required": 0,
        "status": "not_tracked",
        "days_covered": 31,
        "days_in_month": 31,
        "sealed": False,
        "after_seal": 0,
    }
    assert month["summary"]["not_tracked"] == 8 and month["summary"]["short"] == 0
    assert month["tracking_start"] == "2026-09"
    table = wkb("report", "--month", "2026-08").stdout
    assert "未开始跟踪" in table and "未达标" not in table.split("\n", 1)[1].split("未开始跟踪:")[0]
    csv = wkb("report", "--month", "2026-08", "--format", "csv").stdout
    assert ",not_tracked,未开始跟踪," in csv and ",short," not in csv

    quarter = json.loads(wkb("report", "--quarter", "2026-Q3", "--format", "json").stdout)
    months = {m["month"]: m["status"] for m in quarter["leaders"][0]["districts"][0]["months"]}
    assert months == {"2026-07": "not_tracked", "2026-08": "not_tracked", "2026-09": "short"}
    assert quarter["leaders"][0]["status"] == "short"
    assert "未开始跟踪" in wkb("report", "--quarter", "2026-Q3").stdout

    year = json.loads(wkb("report", "--year", "2026", "--format", "json").stdout)
    assessment = year["leaders"][0]["assessment"]
    assert assessment["months_assessed"] == 2  # September and October; Nov is under way
    assert assessment["contacts"] == 1

    due = json.loads(wkb("due", "--as-of", "2026-08-20", "--format", "json").stdout)
    assert due["districts"] == []


def test_tracking_start__absent_key_keeps_every_month_judged(wkb: Invoke) -> None:
    report = json.loads(wkb("report", "--month", "2026-08", "--format", "json").stdout)
    assert report["leaders"][0]["status"] == "short" and report["tracking_start"] is None


# -- 10.6 --known-on ---------------------------------------------------------------------------

DAY = "2026-11-10"
LATER = {"WKB_TODAY": "2026-11-20"}


def outputs(wkb: Invoke, *known: str) -> dict[str, str]:
    """The JSON of every command that takes --known-on (`known` empty: as produced today)."""
    runs = {
        "report": ("report", "--month", "2026-11", "--format", "json", "--explain"),
        "quarter": ("report", "--quarter", "2026-Q4", "--format", "json"),
        "table": ("report", "--month", "2026-11", "--explain"),
        "csv": ("report", "--year", "2026", "--format", "csv"),
        "due table": ("due",),
        "due": ("due", "--format", "json"),
        "rectify": ("rectify", "list", "--status", "all", "--format", "json"),
        "visits": ("visit", "list", "--month", "2026-11", "--format", "json"),
    }
    env = {"WKB_TODAY": DAY} if not known else None
    found = {}
    for name, args in runs.items():
        result = wkb(*args, *known, env=env)
        assert result.exit_code == 0, result.stderr
        found[name] = result.stdout
    return found


def test_known_on__reproduces_every_output_of_that_day(wkb: Invoke) -> None:
    on_day = {"WKB_TODAY": DAY}
    first = visit(wkb, "2026-11-03", env=on_day)
    visit(wkb, "2026-11-05", "--problem", "用地审批慢", env=on_day)
    made = outputs(wkb)
    items = json.loads(made["rectify"])
    assert len(items) == 1 and json.loads(made["report"])["known_on"] == DAY

    # Later: a back-dated visit, a void, a back-dated closure, a back-dated new item.
    visit(wkb, "2026-11-08", env=LATER)
    assert wkb("visit", "void", first, "--reason", "重复录入", env=LATER).exit_code == 0
    closing = ("rectify", "close", items[0]["id"], "--resolution", "已协调", "--date", "2026-11-09")
    assert wkb(*closing, env=LATER).exit_code == 0
    opened = wkb(
        "rectify", "add", "--problem", "人才公寓不足", "--district", "东湖", "--source", "督查",
        "--opened", "2026-11-06", env=LATER,
    )  # fmt: skip
    assert opened.exit_code == 0, opened.stderr
    # What is known now does change the figures of that day (--as-of) ...
    now = json.loads(wkb("report", "--month", "2026-11", "--as-of", DAY, "--format", "json").stdout)
    then = json.loads(made["report"])
    assert now["bureau"]["void_visits"] == 1 and then["bureau"]["void_visits"] == 0
    assert now["leaders"][0]["rectifications"] != then["leaders"][0]["rectifications"]
    # ... while --known-on gives back exactly what was produced on the day.

    assert outputs(wkb, "--known-on", DAY) == made
    shown = wkb("rectify", "show", items[0]["id"], "--known-on", DAY, "--format", "json")
    assert json.loads(shown.stdout)["status"] != "closed"
    void_then = wkb("visit", "show", first, "--known-on", DAY, "--format", "json")
    assert json.loads(void_then.stdout)["void"] is False


def test_known_on__as_of_stays_separate(wkb: Invoke) -> None:
    visit(wkb, "2026-11-03", env={"WKB_TODAY": "2026-11-21"})
    as_of = json.loads(wkb("report", "--as-of", DAY, "--format", "json").stdout)
    assert (as_of["as_of"], as_of["known_on"]) == (DAY, "2026-11-25")
    assert as_of["summary"]["contacts"] == 1  # recorded on the 21st, known now
    known = json.loads(wkb("report", "--known-on", DAY, "--format", "json").stdout)
    assert (known["as_of"], known["known_on"]) == (DAY, DAY)
    assert known["summary"]["contacts"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("report", "--known-on", "2026-11-26"), "--known-on 2026-11-26 晚于今天"),
        (("due", "--known-on", "明天"), "--known-on 不是有效日期"),
        (("visit", "list", "--known-on", "2026-02-30"), "--known-on 不是有效日期"),
        (("rectify", "list", "--known-on", "x"), "--known-on 不是有效日期"),
    ],
)
def test_known_on__bad_dates_are_refused(wkb: Invoke, args: tuple[str, ...], message: str) -> None:
    result = wkb(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_known_on__unknown_records_are_refused_by_show(wkb: Invoke) -> None:
    later = visit(wkb, "2026-11-03", "--problem", "用地", env=LATER)
    assert "尚未录入" in wkb("visit", "show", later, "--known-on", DAY).stderr
    item = json.loads(wkb("rectify", "list", "--format", "json").stdout)[0]["id"]
    result = wkb("rectify", "show", item, "--known-on", DAY)
    assert result.exit_code == 2 and "尚未录入" in result.stderr


@pytest.mark.parametrize("before", [None, ".wkb-cache/\n", ".wkb-cache/", "/wkb.local.toml\n"])
def test_config_set__an_existing_root_gets_the_local_file_ignored(
    wkb: Invoke, root: Path, before: str | None
) -> None:
    ignore = root / ".gitignore"
    if before is None:
        ignore.unlink()
    else:
        ignore.write_text(before, encoding="utf-8")
    assert wkb("config", "set", "recorder", "张三").exit_code == 0
    lines = ignore.read_text(encoding="utf-8").splitlines()
    assert sum(line.lstrip("/") == LOCAL_FILE for line in lines) == 1
    assert ".wkb-cache/" in lines or before in (None, "/wkb.local.toml\n")


@pytest.mark.parametrize(
    ("key", "value", "file", "said"),
    [
        ("monthly_minimum", "3", "wkb.toml", "(取自第十四条)"),
        ("tracking_start", "2026-09", "wkb.toml", "(全部月份)"),
        ("due_soon_days", "10", "wkb.toml", "7"),  # a key with a default resets too
        ("rectify_deadline_days", "20", "wkb.toml", "30"),
        ("lang", "en", LOCAL_FILE, "zh"),
        ("recorder", "张三", LOCAL_FILE, "(空)"),
    ],
)
def test_config_set__default_resets_any_key_and_says_to_what(
    wkb: Invoke, root: Path, key: str, value: str, file: str, said: str
) -> None:
    assert wkb("config", "set", key, value).exit_code == 0
    result = wkb("--lang", "zh", "config", "set", key, "default")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{key} 已恢复默认值 {said}(已从 {file} 删除该项)\n"
    assert key not in toml(root / file)
    # (the fixture's older-style wkb.toml names a recorder: that office default applies again)
    assert json.loads(wkb("config", "list", "--format", "json").stdout)["source"][key] != file


def test_config_set__a_reset_is_committed_naming_the_default(tmp_path: Path) -> None:
    target = tmp_path / "office"
    assert runner.invoke(app, ["init", str(target)]).exit_code == 0
    for value in ("3", "default"):
        done = runner.invoke(
            app, ["--root", str(target), "config", "set", "monthly_minimum", value]
        )
        assert done.exit_code == 0, done.stderr
    subject = git(target, "log", "-1", "--format=%s").strip()
    assert subject.startswith("config set: monthly_minimum = default by ")
    assert git(target, "status", "--porcelain") == ""


def test_config_set__default_unsets_tracking_start(wkb: Invoke, root: Path) -> None:
    assert wkb("config", "set", "tracking_start", "2026-09").exit_code == 0
    assert wkb("config", "set", "tracking_start", "default").exit_code == 0
    assert "tracking_start" not in toml(root / "wkb.toml")


# -- knowledge.py, in process ---------------------------------------------------------------


def test_knowledge__filters_on_the_model_at_the_end_of_the_day_in_shanghai() -> None:
    from datetime import UTC, date, datetime, timedelta

    from builders import make_item, make_visit
    from wkb_tracker.domain.dates import SHANGHAI
    from wkb_tracker.domain.knowledge import item_known_on, visit_known_on
    from wkb_tracker.domain.model import RectificationEvent, VoidMark

    day = date(2026, 11, 10)
    late_evening = datetime(2026, 11, 10, 23, 59, tzinfo=SHANGHAI)
    next_morning_utc = datetime(2026, 11, 10, 16, 0, tzinfo=UTC)  # 11-11 00:00 Shanghai
    visit = make_visit(date(2026, 11, 3), recorded_at=late_evening)
    assert visit_known_on(visit, day) is visit
    assert visit_known_on(make_visit(date(2026, 11, 3), recorded_at=next_morning_utc), day) is None
    voided = make_visit(
        date(2026, 11, 3), recorded_at=late_evening, void=VoidMark("重复", "张三", next_morning_utc)
    )
    shown = visit_known_on(voided, day)
    assert shown is not None and not shown.is_void
    events = tuple(
        RectificationEvent("progress", date(2026, 11, 5), "张三", at, note="n")
        for at in (late_evening, next_morning_utc)
    )
    item = make_item(date(2026, 11, 1), events=events)
    found = item_known_on(item, day)
    assert found is not None and found.events == events[:1]
    assert item_known_on(make_item(date(2026, 11, 1), created_at=next_morning_utc), day) is None
    undated = make_item(date(2026, 11, 11), created_at=None)  # no created_at: its opened date
    assert item_known_on(undated, day) is None
    assert item_known_on(undated, day + timedelta(days=1)) is not None


def test_config_file__named_even_when_the_language_comes_from_elsewhere(
    wkb: Invoke, root: Path
) -> None:
    (root / "wkb.toml").write_text("a = " + "[" * 1000 + "\n", encoding="utf-8")
    for args in (("--lang", "en", "districts"), ("leaders",)):
        result = wkb(*args, env={"WKB_LANG": "en"})
        assert result.exit_code == 0 and "wkb.toml:1: nested too deeply" in result.stderr


# -- properties: any number, any text, in either config file -----------------------------------

NUMBER_KEYS = [key.name for key in SCHEMA if key.type is int]


@settings(max_examples=examples(300), deadline=None)
@given(
    name=st.sampled_from(NUMBER_KEYS),
    number=st.integers(min_value=-(10**40), max_value=10**40),
)
def test_config__any_number_is_used_only_inside_its_bounds(
    tmp_path_factory: pytest.TempPathFactory, name: str, number: int
) -> None:
    root = tmp_path_factory.mktemp("r")
    (root / "wkb.toml").write_text(f"{name} = {number}\n", encoding="utf-8")
    resolved = resolve(root)
    key = KEYS[name]
    inside = key.minimum is not None and key.maximum is not None
    assert inside and key.minimum is not None and key.maximum is not None
    if key.minimum <= number <= key.maximum:
        assert getattr(resolved.config, name) == number and not resolved.problems
    else:
        assert getattr(resolved.config, name) == key.default
        assert [str(p).split(":")[:2] for p in resolved.problems] == [["wkb.toml", "1"]]


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=st.text(alphabet=st.sampled_from("[]{}.=\"'#\n ab1"), max_size=400))
def test_config__any_text_reads_without_raising(root: Path, text: str) -> None:
    (root / LOCAL_FILE).write_text(text, encoding="utf-8")
    table, _text, problems = read_toml(root, LOCAL_FILE)
    assert isinstance(table, dict)
    assert all(p.path == LOCAL_FILE and p.line >= 1 for p in problems)
    resolve(root)  # never raises either
