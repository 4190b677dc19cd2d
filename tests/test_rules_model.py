"""Measure 14's counting rule as data: parsing, dating, pro-rating (pure, no files)."""

from __future__ import annotations

from datetime import date

from wkb_tracker.domain.counting_rule import (
    CountingRule,
    RuleBook,
    allocate,
    parse_rule_book,
)

TODAY_RULE = {"kind": "monthly_contacts", "minimum_per_month": 2, "per": "leader_district_month"}


def test_rule__todays_mapping_is_the_default_rule() -> None:
    book, problems = parse_rule_book(TODAY_RULE)
    assert problems == []
    assert book.rules == (CountingRule(),)
    assert book.in_force(date(2030, 5, 1)) == CountingRule()


def test_rule__required_by_rounding_and_min_days_held() -> None:
    # A reassignment on the 2nd of a 30-day month: the old leader held the district for 1 day.
    assert CountingRule().required(1, 30) == 1  # ceil (today)
    assert CountingRule(rounding="round").required(1, 30) == 0
    assert CountingRule(rounding="floor").required(29, 30) == 1
    assert CountingRule(rounding="round").required(15, 30) == 1  # exactly half rounds up
    assert CountingRule(rounding="round").required(8, 31) == 1
    assert CountingRule(rounding="round").required(7, 31) == 0
    assert CountingRule(min_days_held=10).required(9, 30) == 0
    assert CountingRule(min_days_held=10).required(10, 30) == 1
    assert CountingRule(minimum=4).required(30, 30) == 4


def test_rule__changes_inherit_and_are_dated() -> None:
    raw = {
        **TODAY_RULE,
        "changes": [
            {"from": date(2027, 1, 1), "counted_modes": ["实地走访", "座谈交流"]},
            {"from": date(2027, 7, 1), "per": "leader_month", "rounding": "floor"},
        ],
    }
    book, problems = parse_rule_book(raw)
    assert problems == []
    assert book.in_force(date(2026, 12, 31)) == CountingRule()
    january = book.for_month(2027, 1)
    assert (
        january.counted_modes == ("实地走访", "座谈交流") and january.per == "leader_district_month"
    )
    july = book.for_month(2027, 7)
    assert (july.counted_modes, july.per, july.rounding) == (
        ("实地走访", "座谈交流"),
        "leader_month",
        "floor",
    )
    assert RuleBook.from_json(book.to_json()) == book


def test_rule__problems_name_the_key() -> None:
    raw = {
        "kind": "monthly_contacts",
        "minimum": 0,
        "per": "leader_year",
        "rounding": "up",
        "counted_modes": ["面谈"],
        "one_per_entity_per_day": "yes",
        "min_days_held": 40,
        "joint": "everyone",
        "colour": "red",
        "changes": [
            {"from": date(2027, 1, 15), "minimum": 3},
            {"from": date(2026, 1, 1), "minimum": 3},
            {"from": date(2027, 3, 1), "minimum": 3, "minimum_per_month": 3},
        ],
    }
    book, problems = parse_rule_book(raw)
    keys = [p.keys for p in problems]
    assert ("colour",) in keys
    for key in (
        "minimum",
        "per",
        "rounding",
        "counted_modes",
        "one_per_entity_per_day",
        "min_days_held",
        "joint",
    ):
        assert (key,) in keys, key
    assert ("changes", 0, "from") in keys  # not the first of a month
    assert ("changes", 1, "from") in keys  # not in date order
    assert ("changes", 2, "minimum") in keys  # both spellings
    assert book.rules == (CountingRule(),)  # broken rules never count


def test_rule__digest_changes_with_any_field() -> None:
    assert CountingRule().digest() != CountingRule(rounding="floor").digest()
    assert CountingRule(start=date(2027, 1, 1)).digest() == CountingRule().digest()


def test_rule__allocate_keeps_sums_and_puts_the_shortfall_once() -> None:
    assert allocate(2, [(2, 31), (0, 31)]) == [2, 0]  # met in one district: both rows met
    assert allocate(2, [(1, 31), (0, 31)]) == [2, 0]  # short by one: shown once, on the first
    assert allocate(2, [(0, 10), (0, 31)]) == [0, 2]  # held longest carries the shortfall
    assert allocate(2, [(3, 31), (1, 31)]) == [2, 0]
    assert allocate(0, [(0, 31)]) == [0]
