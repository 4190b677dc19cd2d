"""Measure 14 counted under the rule in measures.yaml (issue 15.1) and joint visits (15.2): each
option changes the figures as it says; a rule dated later, or sealed months, leave earlier
months untouched."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from builders import make_visit, write_visit
from test_report_support import figure, leader_of, month_report
from wkb_tracker.store.root import MEASURES_FILE

BASE = "      per: leader_district_month\n"


def set_rule(root: Path, extra: str) -> None:
    """Add lines (indented for measure 14's `rule:` mapping) after its `per:` line."""
    path = root / MEASURES_FILE
    text = path.read_text(encoding="utf-8")
    assert text.count(BASE) == 1
    path.write_text(text.replace(BASE, BASE + extra), encoding="utf-8")


def visit(root: Path, day: str, district_id: str, leader: str, **fields: Any) -> str:
    names = {
        "donghu": "东湖高新区",
        "wuchang": "武昌区",
        "qingshan": "青山区",
        "hongshan": "洪山区",
    }
    made = make_visit(date.fromisoformat(day), names[district_id], district_id, leader, **fields)
    write_visit(root, made)
    return made.id


def test_rules__per_leader_month_pools_two_districts(root: Path) -> None:
    # 王振旭 holds 武昌区 and 青山区: 2 contacts in 武昌区, none in 青山区, in October.
    visit(root, "2026-10-08", "wuchang", "王振旭")
    visit(root, "2026-10-20", "wuchang", "王振旭")
    by_district = leader_of(month_report(root, "2026-10", "2026-11-25"), "王振旭")
    assert (by_district.status, sum(d.required for d in by_district.districts)) == ("short", 4)

    (root / MEASURES_FILE).write_text(
        (root / MEASURES_FILE)
        .read_text(encoding="utf-8")
        .replace("per: leader_district_month", "per: leader_month"),
        encoding="utf-8",
    )
    pooled = leader_of(month_report(root, "2026-10", "2026-11-25"), "王振旭")
    assert [(d.district, d.contacts, d.required, d.status) for d in pooled.districts] == [
        ("武昌区", 2, 2, "met"),
        ("青山区", 0, 0, "met"),
    ]
    assert pooled.status == "met"


def test_rules__counted_modes_leave_phone_calls_out(root: Path) -> None:
    visit(root, "2026-10-08", "donghu", "胡军", mode="电话联系")
    visit(root, "2026-10-09", "donghu", "胡军", mode="电话联系")
    assert figure(month_report(root, "2026-10", "2026-11-25"), "胡军", "donghu").status == "met"

    set_rule(root, "      counted_modes: [实地走访, 座谈交流]\n")
    report = month_report(root, "2026-10", "2026-11-25")
    month = figure(report, "胡军", "donghu").months[0]
    assert (month.contacts, month.status) == (0, "short")
    assert [s.reason for s in report.bureau.visits_not_counted] == ["mode_not_counted"] * 2


def test_rules__one_per_entity_per_day(root: Path) -> None:
    visit(root, "2026-10-08", "donghu", "胡军", entity="武汉光谷实验室")
    visit(root, "2026-10-08", "donghu", "胡军", entity=" 武汉光谷实验室")
    visit(root, "2026-10-09", "donghu", "胡军", entity="武汉光谷实验室")
    assert figure(month_report(root, "2026-10", "2026-11-25"), "胡军", "donghu").contacts == 3

    set_rule(root, "      one_per_entity_per_day: true\n")
    report = month_report(root, "2026-10", "2026-11-25")
    assert figure(report, "胡军", "donghu").contacts == 2
    assert [s.reason for s in report.bureau.visits_not_counted] == ["same_entity_same_day"]


def test_decide__one_per_entity_per_day_follows_merges_and_names() -> None:
    """One same-entity rule (domain/identity): a merged entry's id, its survivor's id and a
    name-only visit of the survivor on one day are one entity, counted once."""
    from builders import make_policy
    from wkb_tracker.domain.counting import SAME_ENTITY_SAME_DAY, decide
    from wkb_tracker.domain.counting_rule import CountingRule
    from wkb_tracker.domain.entities import Entity, Register

    kept, gone = "S20261001AAAAAA", "S20261001BBBBBB"
    register = Register(
        [Entity(kept, "武汉光谷实验室"), Entity(gone, "光谷实验室筹备组", merged_into=kept)]
    )
    day = date(2026, 10, 8)
    visits = [
        make_visit(day, entity="武汉光谷实验室", entity_id=kept),
        make_visit(day, entity="光谷实验室筹备组", entity_id=gone),
        make_visit(day, entity="武汉光谷实验室"),  # recorded by name only
    ]
    rule = CountingRule(one_per_entity_per_day=True)
    decided = decide(visits, make_policy(), lambda _day: rule, register)
    assert sorted(str(d.reason) for d in decided) == ["None", *[SAME_ENTITY_SAME_DAY] * 2]


def test_report__one_per_entity_per_day_counts_a_merged_entity_once(root: Path, wkb: Any) -> None:
    def add(name: str) -> str:
        made = wkb("entity", "add", name, "--district", "东湖", "--format", "json")
        assert made.exit_code == 0, made.stderr
        return str(json.loads(made.stdout)["id"])

    kept, gone = add("武汉光谷实验室"), add("光谷实验室筹备组")
    visit(root, "2026-10-08", "donghu", "胡军", entity="光谷实验室筹备组", entity_id=gone)
    assert wkb("entity", "merge", kept, gone).exit_code == 0
    visit(root, "2026-10-08", "donghu", "胡军", entity="武汉光谷实验室", entity_id=kept)
    visit(root, "2026-10-08", "donghu", "胡军", entity="武汉光谷实验室")  # name only
    visit(root, "2026-10-09", "donghu", "胡军", entity="武汉光谷实验室", entity_id=kept)
    set_rule(root, "      one_per_entity_per_day: true\n")

    def shown(*command: str) -> Any:
        result = wkb(*command, "--format", "json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    report = shown("report", "--month", "2026-10", "--as-of", "2026-11-25")
    hu = next(one for one in report["leaders"] if one["leader"] == "胡军")
    donghu = next(d for d in hu["districts"] if d["district_id"] == "donghu")
    assert donghu["contacts"] == 2  # the 8th once, the 9th once
    due = shown("due", "--as-of", "2026-10-08", "--leader", "胡军")
    assert ("donghu", 1) in [(d["district_id"], d["contacts"]) for d in due["districts"]]
    # The seal counts as the report does, and validate recounts the sealed month the same way.
    assert wkb("month", "close", "2026-10", "--no-commit").exit_code == 0
    checked = wkb("validate")
    assert checked.exit_code == 0, checked.stdout + checked.stderr


def test_rules__rounding_and_min_days_held_for_a_reassignment_on_the_2nd(
    root: Path, wkb: Any
) -> None:
    # 东湖高新区 passes from 胡军 to 赵峰 on 2026-10-02: 胡军 held it 1 day of 31.
    assert (
        wkb("districts", "assign", "东湖", "--leader", "赵峰", "--from", "2026-10-02").exit_code
        == 0
    )

    def hu_required() -> int:
        return figure(month_report(root, "2026-10", "2026-11-25"), "胡军", "donghu").required

    assert hu_required() == 1  # ceil(2 × 1/31): today's reading, 未达标 with no contact
    set_rule(root, "      rounding: round\n")
    assert hu_required() == 0
    text = (root / MEASURES_FILE).read_text(encoding="utf-8")
    (root / MEASURES_FILE).write_text(
        text.replace("      rounding: round\n", "      min_days_held: 5\n"), encoding="utf-8"
    )
    assert hu_required() == 0
    zhao = figure(month_report(root, "2026-10", "2026-11-25"), "赵峰", "donghu").months[0]
    assert (zhao.days_covered, zhao.required) == (30, 2)
    text = (root / MEASURES_FILE).read_text(encoding="utf-8")
    (root / MEASURES_FILE).write_text(
        text.replace("      min_days_held: 5\n", "      rounding: floor\n"), encoding="utf-8"
    )
    zhao = figure(month_report(root, "2026-10", "2026-11-25"), "赵峰", "donghu").months[0]
    assert zhao.required == 1  # floor(2 × 30/31)


def test_rules__joint_visit_counts_for_the_responsible_leader_present(root: Path) -> None:
    # 局长 盛继亮 leads a visit in 东湖高新区 (胡军's) with 胡军 present (陪同).
    led = visit(root, "2026-10-08", "donghu", "盛继亮", joint_leaders=("胡军",))
    alone = visit(root, "2026-10-09", "donghu", "盛继亮")
    report = month_report(root, "2026-10", "2026-11-25")
    month = figure(report, "胡军", "donghu").months[0]
    assert (month.visits, month.joint) == ((led,), (led,))
    assert [s.id for s in report.bureau.visits_not_counted] == [alone]
    # --leader 胡军 sees the joint visit counted for him.
    only_hu = month_report(root, "2026-10", "2026-11-25", leader="胡军")
    assert figure(only_hu, "胡军", "donghu").months[0].visits == (led,)

    set_rule(root, "      joint: leader_only\n")
    report = month_report(root, "2026-10", "2026-11-25")
    assert figure(report, "胡军", "donghu").months[0].visits == ()
    assert {s.id for s in report.bureau.visits_not_counted} == {led, alone}


def test_rules__a_rule_dated_later_leaves_earlier_months_untouched(root: Path) -> None:
    for day in ("2026-10-08", "2026-10-09", "2026-11-03", "2026-11-04"):
        visit(root, day, "donghu", "胡军", mode="电话联系")
    set_rule(
        root,
        "      changes:\n        - from: 2026-11-01\n          counted_modes: [实地走访]\n",
    )
    october = figure(month_report(root, "2026-10", "2026-11-25"), "胡军", "donghu").months[0]
    november = figure(month_report(root, "2026-11", "2026-11-25"), "胡军", "donghu").months[0]
    assert (october.contacts, october.status) == (2, "met")
    assert (november.contacts, november.status) == (0, "pending")


def test_rules__sealed_month_keeps_the_rule_it_was_sealed_under(root: Path, wkb: Any) -> None:
    visit(root, "2026-10-08", "donghu", "胡军", mode="电话联系")
    visit(root, "2026-10-09", "donghu", "胡军", mode="电话联系")
    assert wkb("month", "close", "2026-10").exit_code == 0
    manifest = (root / "data/sealed/2026-10.yaml").read_text(encoding="utf-8")
    assert "rule:" in manifest and "rounding: ceil" in manifest

    def october() -> dict[str, Any]:
        data = json.loads(wkb("report", "--month", "2026-10", "--format", "json").stdout)
        hu = next(row for row in data["leaders"] if row["leader"] == "胡军")
        return {"month": hu["districts"][0]["months"][0], "rules": data["counting_rules"]}

    before = october()
    # A retroactive change (from October) that would leave the phone calls out.
    set_rule(
        root,
        "      changes:\n        - from: 2026-10-01\n          counted_modes: [实地走访]\n",
    )
    after = october()
    assert after == before and after["month"]["contacts"] == 2
    assert after["rules"][0]["counted_modes"] is None
    assert wkb("validate").exit_code == 0  # the sealed figures did not move
    # A manifest written before rules were data (no `rule:`) keeps the default rule too.
    path = root / "data/sealed/2026-10.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("rule:")], encoding="utf-8")
    assert october() == before
    assert wkb("validate").exit_code == 0


def test_rules__validate_reports_bad_rule_fields_at_their_line(root: Path, wkb: Any) -> None:
    set_rule(root, "      rounding: up\n      colour: red\n")
    result = wkb("validate")
    assert result.exit_code == 1
    lines = (root / MEASURES_FILE).read_text(encoding="utf-8").splitlines()
    rounding = lines.index("      rounding: up") + 1
    assert (
        f"{MEASURES_FILE}:{rounding}: rounding 为 'up',可选:ceil | round | floor" in result.stdout
    )
    assert "未知的规则字段 colour" in result.stdout


def test_rules__command_shows_the_rule_in_force_on_a_date(root: Path, wkb: Any) -> None:
    set_rule(
        root,
        "      changes:\n        - from: 2027-01-01\n          per: leader_month\n",
    )
    before = json.loads(wkb("rules", "--on", "2026-12-31", "--format", "json").stdout)
    after = json.loads(wkb("rules", "--on", "2027-01-01", "--format", "json").stdout)
    assert (
        before["in_force"]["per"] == "leader_district_month" and before["in_force"]["from"] is None
    )
    assert after["in_force"]["per"] == "leader_month" and after["in_force"]["from"] == "2027-01-01"
    assert [rule["in_force"] for rule in after["rules"]] == [False, True]
    table = wkb("rules").stdout
    assert "每区每月" in table and "2027-01-01" in table


def test_explain__says_who_each_visit_counted_for(root: Path, wkb: Any) -> None:
    led = visit(root, "2026-10-08", "donghu", "盛继亮", joint_leaders=("胡军",))
    phone = visit(root, "2026-10-09", "donghu", "胡军", mode="电话联系")
    set_rule(root, "      counted_modes: [实地走访]\n")
    text = wkb("report", "--month", "2026-10", "--explain").stdout
    assert f"{led}: 带队: 盛继亮; 陪同: 胡军 (责任领导); 计入 胡军(陪同的责任领导)" in text
    assert (
        f"{phone} 2026-10-09 东湖高新区: 带队: 胡军; 不计入: 联系方式 电话联系 不在 counted_modes 中"
        in text
    )
    data = json.loads(
        wkb("--lang", "en", "report", "--month", "2026-10", "--explain", "--format", "json").stdout
    )
    counting = {row["id"]: row for row in data["counting"]}
    assert counting[led]["counted_for"] == "胡军" and counting[led]["role"] == "joint"
    assert counting[phone]["reason"] == "mode_not_counted"
    assert counting[phone]["why"] == "led by: 胡军; not counted: mode phone not in counted_modes"


def test_visit_add__with_names_leaders_present(root: Path, wkb: Any) -> None:
    args = ["visit", "add", "--date", "2026-11-03", "--district", "东湖", "--leader", "盛继亮"]
    args += ["--entity", "光谷实验室", "--type", "team"]
    result = wkb(*args, "--with", "胡军", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "不计入" not in result.stderr  # the responsible leader was present: it counts
    view = json.loads(result.stdout)
    assert view["joint_leaders"] == ["胡军"]
    assert "joint_leaders:\n- 胡军" in (root / view["path"]).read_text(encoding="utf-8")
    refused = wkb(*args, "--with", "胡某")
    assert refused.exit_code == 2 and "--with" in refused.stderr
    assert wkb(*args, "--with", "盛继亮").exit_code == 2  # the leading leader himself


def test_register__a_change_that_would_recount_a_sealed_month_is_refused(
    root: Path, wkb: Any
) -> None:
    """Under one_per_entity_per_day the register says which visits are to one entity, so a merge
    (or a new alias, or a new entry joining name-only visits) after a month was sealed moved its
    figures; `validate` then reported "figures changed after sealing". Refused up front now."""

    def add(name: str, *more: str) -> str:
        made = wkb("entity", "add", name, "--district", "东湖", *more, "--format", "json")
        assert made.exit_code == 0, made.stderr
        return str(json.loads(made.stdout)["id"])

    first, second = add("武汉光谷实验室"), add("光谷实验室筹备组")
    visit(root, "2026-10-08", "donghu", "胡军", entity="武汉光谷实验室", entity_id=first)
    visit(root, "2026-10-08", "donghu", "胡军", entity="光谷实验室筹备组", entity_id=second)
    visit(root, "2026-10-08", "donghu", "胡军", entity="某研究院")  # name only, not registered
    visit(root, "2026-10-08", "donghu", "胡军", entity="某研究院筹备处")  # name only
    set_rule(root, "      one_per_entity_per_day: true\n")
    assert wkb("month", "close", "2026-10", "--no-commit").exit_code == 0
    files = sorted(p.read_bytes() for p in (root / "data/entities").iterdir())

    merged = wkb("entity", "merge", first, second)
    assert merged.exit_code == 2
    assert "此改动会改变已封存月份 2026-10 的数字" in merged.stderr
    assert "胡军 东湖高新区:联系 4→3" in merged.stderr
    assert "wkb month reopen 2026-10" in merged.stderr
    alias = wkb("entity", "edit", first, "--alias", "光谷实验室筹备组")
    assert alias.exit_code == 2, alias.stderr  # the alias is another entry's name: refused anyway
    joined = wkb("entity", "add", "某研究院", "--alias", "某研究院筹备处", "--district", "东湖")
    assert joined.exit_code == 2 and "2026-10" in joined.stderr
    assert sorted(p.read_bytes() for p in (root / "data/entities").iterdir()) == files
    assert wkb("validate").exit_code == 0
    # What does not recount the sealed month is still allowed.
    assert wkb("entity", "edit", first, "--tag", "高企培育库").exit_code == 0
    assert wkb("entity", "add", "另一家企业", "--district", "东湖").exit_code == 0
    # Reopened, the month may be recounted.
    reopened = wkb("month", "reopen", "2026-10", "--reason", "主体合并", "--approved-by", "局长")
    assert reopened.exit_code == 0, reopened.stderr
    assert wkb("entity", "merge", first, second).exit_code == 0
