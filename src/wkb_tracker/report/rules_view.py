"""`wkb rules`: measure 14's counting rules as JSON and as table rows (issue 15.1)."""

from __future__ import annotations

from datetime import date
from typing import Any

from wkb_tracker.domain.counting_rule import CountingRule, RuleBook
from wkb_tracker.domain.i18n import join_names, say, term


def rules_view(book: RuleBook, on: date, override: int | None) -> dict[str, Any]:
    """The rule in force on `on` and every dated rule (`from` null: from the beginning);
    `monthly_minimum_override` is the config key that overrides every rule's minimum."""
    in_force = book.in_force(on)
    return {
        "on": on.isoformat(),
        "in_force": {"from": _iso(in_force.start), **in_force.to_mapping()},
        "rules": [
            {"from": _iso(rule.start), **rule.to_mapping(), "in_force": rule is in_force}
            for rule in book.rules
        ],
        "monthly_minimum_override": override,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def rule_row(rule: CountingRule, in_force: bool) -> list[str]:
    """One table row: from, per, minimum, modes, one per entity per day, rounding, min days,
    joint, and a mark on the rule in force."""
    modes = (
        join_names(term(m) for m in rule.counted_modes) if rule.counted_modes else say("全部", "all")
    )
    return [
        rule.start.isoformat() if rule.start else say("(起始)", "(beginning)"),
        say("每区每月", "per district")
        if rule.per == "leader_district_month"
        else say("每人每月", "per leader"),
        str(rule.minimum),
        modes,
        say("是", "yes") if rule.one_per_entity_per_day else say("否", "no"),
        rule.rounding,
        str(rule.min_days_held),
        say("陪同的责任领导计入", "responsible leader present counts")
        if rule.joint == "responsible"
        else say("仅带队领导", "leading leader only"),
        "✓" if in_force else "",
    ]


RULE_COLUMNS = (
    ("起始", "from"),
    ("计数单位", "per"),
    ("最少次数", "minimum"),
    ("计入方式", "counted modes"),
    ("同主体同日一次", "one per entity per day"),
    ("不足月取整", "rounding"),
    ("最少在任天数", "min days held"),
    ("陪同", "joint"),
    ("现行", "in force"),
)


def rule_columns() -> list[str]:
    return [say(zh, en) for zh, en in RULE_COLUMNS]
