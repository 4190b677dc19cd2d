"""`wkb visit add`: every option, every refusal (exit 2, a message naming the field, no file)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from wkb_tracker.domain import visit_rules
from wkb_tracker.store import visits
from wkb_tracker.store.loader import load
from wkb_tracker.store.policy_files import load_policy
from wkb_tracker.store.validation import validate

BASE = (
    "visit",
    "add",
    "--date",
    "2026-11-03",
    "--district",
    "东湖高新区",
    "--entity",
    "武汉光谷实验室",
    "--type",
    "平台载体",
)


@pytest.fixture(autouse=True)
def _not_interactive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WKB_INTERACTIVE", raising=False)


def visit_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / "data/visits").rglob("*.yaml"))


def add_json(wkb, *args: str) -> dict:
    result = wkb(*BASE, *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def replaced(option: str, value: str) -> list[str]:
    """BASE with one option's value replaced."""
    args = list(BASE)
    args[args.index(option) + 1] = value
    return args


def test_visit_add__minimal_fills_defaults_and_writes_one_block_style_file(wkb, root) -> None:
    view = add_json(wkb)
    assert view == {
        "id": view["id"],
        "date": "2026-11-03",
        "district": "东湖高新区",
        "district_id": "donghu",
        "leader": "胡军",
        "entity": "武汉光谷实验室",
        "entity_id": None,  # no register entry (issue 14.2): the key is there, empty
        "type": "平台载体",
        "mode": "实地走访",
        "measures": [],
        "summary": "",
        "problems": [],
        "participants": [],
        "recorder": "测试员",
        "recorded_at": "2026-11-25T12:00:00+08:00",
        "late_reason": None,
        "late_approved_by": None,
        "void": False,
        "void_reason": None,
        "void_by": None,
        "void_at": None,
        "path": f"data/visits/2026/11/2026-11-03_donghu_{view['id']}.yaml",
        "rectifications": [],
        "joint_leaders": [],  # added by issue 15.2 (keys only grow)
        "entity_match": "none",  # issue 14.2: how --entity was found in the register
    }
    assert view["id"].startswith("V20261103-") and len(view["id"]) == 16
    assert visit_files(root) == [view["path"]]
    assert (root / view["path"]).read_text(encoding="utf-8") == (
        f"id: {view['id']}\n"
        "date: 2026-11-03\n"
        "district: 东湖高新区\n"
        "district_id: donghu\n"
        "leader: 胡军\n"
        "entity: 武汉光谷实验室\n"
        "type: 平台载体\n"
        "mode: 实地走访\n"
        "measures: []\n"
        "summary: ''\n"
        "problems: []\n"
        "participants: []\n"
        "recorder: 测试员\n"
        "recorded_at: 2026-11-25 12:00:00+08:00\n"
    )


def test_visit_add__every_option_is_stored(wkb, root) -> None:
    view = add_json(
        wkb,
        "--leader",
        "胡军",
        "--mode",
        "phone",
        "--measure",
        "14",
        "--measure",
        "15",
        "--measure",
        "14",
        "--summary",
        "了解用地需求\n约定下月回访",
        "--problem",
        "实验用房不足",
        "--problem",
        "人才公寓排队久",
        "--no-rectify",
        "--participant",
        "彭华魁",
        "--participant",
        " 李四 ",
        "--recorder",
        "高新处 王五",
        "--late-reason",
        "出差回来补录",
    )
    assert (view["mode"], view["measures"]) == ("电话联系", [14, 15])
    assert view["summary"] == "了解用地需求\n约定下月回访"
    assert view["problems"] == ["实验用房不足", "人才公寓排队久"]
    assert view["participants"] == ["彭华魁", "李四"]
    assert (view["recorder"], view["late_reason"]) == ("高新处 王五", "出差回来补录")
    text = (root / view["path"]).read_text(encoding="utf-8")
    assert "summary: |-\n  了解用地需求\n  约定下月回访\n" in text
    assert "late_reason: 出差回来补录\n" in text
    assert wkb("validate").exit_code == 0


def test_visit_add__text_output_names_the_record_and_file(wkb, root) -> None:
    result = wkb(*BASE)
    assert result.exit_code == 0
    [rel] = visit_files(root)
    visit_id = rel.rsplit("_", 1)[1].removesuffix(".yaml")
    assert result.stdout == (
        f"已记录走访 {visit_id}:2026-11-03 胡军 东湖高新区 · 武汉光谷实验室(平台载体,实地走访)\n"
        f"文件:{rel}\n"
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-03", "2026-11-03"),
        ("2026-11-3", "2026-11-03"),
        ("2026/11/3", "2026-11-03"),
        ("2026.11.3", "2026-11-03"),
        ("2026年11月3日", "2026-11-03"),
        ("today", "2026-11-25"),
        ("今天", "2026-11-25"),
        ("yesterday", "2026-11-24"),
        ("昨天", "2026-11-24"),
    ],
)
def test_visit_add__date_forms(wkb, typed: str, expected: str) -> None:
    result = wkb(*replaced("--date", typed), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["date"] == expected


@pytest.mark.parametrize("typed", ["东湖高新区", "donghu", "东湖", "DongHu", "dong"])
def test_visit_add__district_by_name_id_or_unique_prefix(wkb, typed: str) -> None:
    view = json.loads(wkb(*replaced("--district", typed), "--format", "json").stdout)
    assert (view["district"], view["district_id"]) == ("东湖高新区", "donghu")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("高校院所", "高校院所"),
        ("institute", "高校院所"),
        ("platform", "平台载体"),
        ("Enterprise", "科技企业"),
        ("team", "创新团队"),
        # short forms ledgers use (trial import: 「实地」 was refused though 实地走访 was meant)
        ("高校", "高校院所"),
        ("平台", "平台载体"),
    ],
)
def test_visit_add__type_and_its_aliases(wkb, typed: str, expected: str) -> None:
    view = json.loads(wkb(*replaced("--type", typed), "--format", "json").stdout)
    assert view["type"] == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("座谈交流", "座谈交流"),
        ("visit", "实地走访"),
        ("meeting", "座谈交流"),
        ("online", "线上交流"),
        ("实地", "实地走访"),
        ("座谈", "座谈交流"),
        ("电话", "电话联系"),
        (" 线上 ", "线上交流"),
    ],
)
def test_visit_add__mode_and_its_aliases(wkb, typed: str, expected: str) -> None:
    assert add_json(wkb, "--mode", typed)["mode"] == expected


@pytest.mark.parametrize(
    ("option", "typed"),
    [("--mode", "交流"), ("--mode", "实"), ("--type", "创新"), ("--type", "vis")],
)
def test_visit_add__only_the_listed_short_forms(wkb, root, option: str, typed: str) -> None:
    """交流 is in 座谈交流 and 线上交流; 创新 is any 创新主体; one character or an English
    fragment is too little (企业 and 走访 are refused below, with a hint)."""
    result = wkb(*replaced(option, typed) if option in BASE else [*BASE, option, typed])
    assert result.exit_code == 2 and "可选:" in result.stderr
    assert visit_files(root) == []


def test_visit_rules__a_file_must_hold_the_value_itself(root) -> None:
    """Short forms are for typing: a record file saying 实地 is still a problem (strict)."""
    from wkb_tracker.domain.errors import UserError

    with pytest.raises(UserError):
        visit_rules.resolve_mode("实地", "mode", aliases=False)


def test_visit_add__leader_defaults_to_the_table_on_that_date(wkb) -> None:
    wkb("districts", "assign", "东湖高新区", "--leader", "赵峰", "--from", "2026-11-10")
    before = json.loads(wkb(*BASE, "--format", "json").stdout)
    after = json.loads(wkb(*replaced("--date", "2026-11-10"), "--format", "json").stdout)
    assert (before["leader"], after["leader"]) == ("胡军", "赵峰")


def test_visit_add__non_responsible_leader_is_kept_with_a_warning(wkb, root) -> None:
    result = wkb(*replaced("--district", "武昌区"), "--leader", "胡军")
    assert result.exit_code == 0
    assert result.stderr == (
        "警告:胡军 在 2026-11-03 不是 武昌区 的责任领导(当日为 王振旭);"
        "此次联系照常记录,但不计入 武昌区 的第十四条每月要求\n"
    )
    assert len(visit_files(root)) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            replaced("--date", "2026-13-01"),
            "--date 不是有效日期:'2026-13-01'。可用写法:2026-11-03, 2026-11-3, 2026/11/3",
        ),
        (replaced("--date", "下周"), "--date 不是有效日期:'下周'"),
        (
            replaced("--date", "2026-11-26"),
            "--date 2026-11-26 在未来(今天是 2026-11-25);只能记录已经发生的联系",
        ),
        (
            replaced("--date", "2021-06-30"),
            "--date 2021-06-30 早于 东湖高新区 在责任分工表中的第一条分工(自 2021-07-01 起)",
        ),
        (
            replaced("--district", "东湖高薪区"),
            "未知的区 --district '东湖高薪区'(是不是 东湖高新区?)。可选:东湖高新区、武汉开发区",
        ),
        (
            replaced("--district", "江"),
            "--district '江' 有歧义,可能是:江岸区、江汉区、江夏区",
        ),
        (
            [*BASE, "--leader", "胡君"],
            "未知的责任领导 --leader '胡君'(是不是 胡军?)。可选:胡军、赵峰",
        ),
        (
            replaced("--type", "企业"),
            "未知的主体类型 --type '企业'(是不是 科技企业?)。可选:高校院所 (institute) | "
            "平台载体 (platform) | 科技企业 (enterprise) | 创新团队 (team)",
        ),
        (
            [*BASE, "--mode", "走访"],
            "未知的联系方式 --mode '走访'(是不是 实地走访?)。可选:实地走访 (visit) | "
            "座谈交流 (meeting) | 电话联系 (phone) | 线上交流 (online)",
        ),
        (replaced("--entity", "   "), "--entity 不能为空"),
        (replaced("--entity", ""), "--entity 不能为空"),
        (replaced("--entity", "光谷\n实验室"), "--entity 含不允许的控制字符 '\\n'"),
        (replaced("--entity", "x" * 2001), "--entity 过长:2001 个字符,上限 2000"),
        ([*BASE, "--summary", "y" * 2001], "--summary 过长:2001 个字符,上限 2000"),
        ([*BASE, "--problem", "z" * 2001, "--no-rectify"], "--problem 过长:2001 个字符"),
        ([*BASE, "--problem", " ", "--no-rectify"], "--problem 不能为空"),
        ([*BASE, "--participant", ""], "--participant 不能为空"),
        ([*BASE, "--recorder", "王\x1b五"], "--recorder 含不允许的控制字符 '\\x1b'"),
        ([*BASE, "--measure", "0"], "--measure 须为 1–17 的措施编号,收到 '0'"),
        ([*BASE, "--measure", "18"], "--measure 须为 1–17 的措施编号,收到 '18'"),
        ([*BASE, "--measure", "十四"], "--measure 须为 1–17 的措施编号,收到 '十四'"),
    ],
)
def test_visit_add__refusals_exit_2_name_the_field_and_write_nothing(
    wkb, root, args: list[str], message: str
) -> None:
    result = wkb(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert visit_files(root) == []
    assert not list((root / "data").rglob("*.tmp"))


def test_visit_add__missing_options_without_a_terminal_is_a_usage_error(wkb, root) -> None:
    result = wkb("visit", "add", "--date", "今天", "--district", "东湖")
    assert result.exit_code == 2
    assert result.stderr == (
        "缺少必填选项 --entity、--type(标准输入不是终端,无法提问)。见 wkb visit add --help\n"
    )
    assert visit_files(root) == []


def test_visit_add__messages_in_english_on_request(wkb, root) -> None:
    result = wkb("--lang", "en", *replaced("--type", "enterprize"))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "unknown entity type --type 'enterprize' (did you mean enterprise?). Valid: 高校院所"
    )
    assert visit_files(root) == []


def test_visit_add__prompts_for_what_is_missing_in_a_terminal(wkb, root, monkeypatch) -> None:
    monkeypatch.setenv("WKB_INTERACTIVE", "1")
    answers = [
        "2026年11月3日",  # date
        "东胡",  # unknown district: told why, asked again
        "1",  # 东湖高新区 by its number
        "",  # leader: the default from the table (胡军)
        "武汉光谷实验室",
        "企业",  # unknown type: asked again
        "2",  # 平台载体
        "",  # mode: default 实地走访
        "14 15",
        "了解用地需求",
        "实验用房不足",
        "",  # no more problems
    ]
    result = wkb(
        "visit", "add", "--no-rectify", "--format", "json", input="\n".join(answers) + "\n"
    )
    assert result.exit_code == 0, result.stderr
    assert "可选的区:\n1.东湖高新区  2.武汉开发区" in result.stderr
    assert "未知的区 --district '东胡'" in result.stderr
    assert "主体类型:\n1.高校院所  2.平台载体  3.科技企业  4.创新团队" in result.stderr
    assert "责任领导 [胡军]" in result.stderr
    # CliRunner echoes the typed answers to stdout (a terminal would show them as typed).
    view = json.loads(result.stdout[result.stdout.index("{") :])
    assert (view["date"], view["district"], view["leader"]) == ("2026-11-03", "东湖高新区", "胡军")
    assert (view["entity"], view["type"], view["mode"]) == (
        "武汉光谷实验室",
        "平台载体",
        "实地走访",
    )
    assert (view["measures"], view["summary"], view["problems"]) == (
        [14, 15],
        "了解用地需求",
        ["实验用房不足"],
    )
    assert visit_files(root) == [view["path"]]


def test_visit_add__no_prompts_when_everything_required_is_given(wkb, monkeypatch) -> None:
    monkeypatch.setenv("WKB_INTERACTIVE", "1")
    result = wkb(*BASE, input="")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_visit_add__no_rectify_opens_nothing(wkb, root) -> None:
    view = add_json(wkb, "--problem", "实验用房不足", "--no-rectify")
    assert view["problems"] == ["实验用房不足"]
    assert view["rectifications"] == []
    assert list((root / "data/rectifications").rglob("*.yaml")) == []


def test_write_new__a_taken_id_draws_a_fresh_one_and_keeps_the_other_file(
    root, monkeypatch
) -> None:
    policy, _ = load_policy(root)
    request = visits.VisitRequest(date="2026-11-03", district="东湖", entity="甲", type="team")
    first = visits.add_visit(policy, root, request).visit
    before = (root / first.path).read_bytes()
    drawn = iter([first.id, first.id, "V20261103-ZZZZZZ"])
    monkeypatch.setattr(visits.ids, "new_id", lambda kind, day: next(drawn))
    second = visits.add_visit(policy, root, request).visit
    assert second.id == "V20261103-ZZZZZZ"
    assert (root / first.path).read_bytes() == before
    assert len(visit_files(root)) == 2


def test_build_visit__check_visit_accepts_what_it_builds(root) -> None:
    policy, _ = load_policy(root)
    request = visits.VisitRequest(
        date="2026-11-3", district="洪山", entity="华中科技大学", type="institute", mode="meeting"
    )
    built = visits.build_visit(policy, request)
    assert built.visit.date == date(2026, 11, 3)
    assert (built.visit.leader, built.visit.district_id) == ("盛继亮", "hongshan")
    assert visit_rules.check_visit(policy, built.visit) == []


def test_visit_add__validate_stays_clean_after_many_adds(wkb, root) -> None:
    for district, kind in [("东湖", "team"), ("江岸", "platform"), ("新洲", "institute")]:
        assert wkb(*replaced("--district", district), "--type", kind).exit_code == 0
    data = load(root)
    assert validate(data) == []
    assert len(data.visits) == 3
