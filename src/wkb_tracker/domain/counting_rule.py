"""Measure 14's counting rule as data, and dated (issue 15.1).

The notice says "每月对口联系区内创新主体不少于2次" (measure 14) and leaves open how offices count:
per district or per leader, which contact modes count, whether two calls to one firm on one day
are two contacts, how a part month is pro-rated, and whether a leader's presence on a visit led by
someone else counts. The answers live in `data/measures.yaml`, on measure 14's `rule:` mapping:

    rule:
      kind: monthly_contacts
      minimum_per_month: 2            # or `minimum`
      per: leader_district_month      # | leader_month
      counted_modes: [实地走访, 座谈交流]  # default: every mode
      one_per_entity_per_day: false
      rounding: ceil                  # | round | floor   (part months)
      min_days_held: 1                # fewer days held in a month: nothing required
      joint: responsible              # | leader_only
      changes:                        # later readings, each from the first day of a month
        - from: 2027-01-01
          counted_modes: [实地走访, 座谈交流]

The base mapping is in force from the beginning; absent fields give the behaviour wkb always had.
Each entry of `changes` states only what changes from the rule before it, from its `from` date
(the first day of a month: contacts are counted per calendar month, so a month has one rule).

Pure: mappings in, `CountingRule`/`RuleBook` and problems (key path + message) out; no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from wkb_tracker.domain.i18n import join_names, say
from wkb_tracker.domain.model import CONTACT_MODES

if TYPE_CHECKING:
    from wkb_tracker.domain.deferred_model import RuleProblem

PER_DISTRICT = "leader_district_month"
PER_LEADER = "leader_month"
PERS = (PER_DISTRICT, PER_LEADER)
CEIL, ROUND, FLOOR = "ceil", "round", "floor"
ROUNDINGS = (CEIL, ROUND, FLOOR)
JOINT_RESPONSIBLE = "responsible"  # a joint leader's presence counts for a district he holds
JOINT_LEADER_ONLY = "leader_only"  # only the leader who led the visit can count it
JOINTS = (JOINT_RESPONSIBLE, JOINT_LEADER_ONLY)
DEFAULT_MINIMUM = 2  # 不少于2次 (measure 14)

# Keys of the rule mapping (the base rule also has `kind` and `changes`; an entry of `changes`
# has `from`). `minimum_per_month` is the key measures.yaml always had; `minimum` is its alias.
RULE_KEYS = (
    "minimum",
    "minimum_per_month",
    "per",
    "counted_modes",
    "one_per_entity_per_day",
    "rounding",
    "min_days_held",
    "joint",
)
BASE_KEYS = ("kind", *RULE_KEYS, "changes")
CHANGE_KEYS = ("from", *RULE_KEYS)

Keys = tuple[str | int, ...]


def rule_problem(keys: Keys, message: str) -> RuleProblem:
    """Something wrong in the rule mapping. Its class (domain/deferred_model.py) is created only
    when a rule has a problem: a clean policy read from its cache, as in every `wkb visit add`,
    has none."""
    from wkb_tracker.domain.deferred_model import RuleProblem

    return RuleProblem(keys, message)


@dataclass(frozen=True, slots=True)
class CountingRule:
    """One reading of measure 14, in force from `start` (None: from the beginning).

    The defaults are wkb's behaviour before rules were data: 2 contacts per leader, district and
    month, every mode, every contact, ceil for part months, any day held, joint visits counted
    for the responsible leader present."""

    start: date | None = None
    minimum: int = DEFAULT_MINIMUM
    per: str = PER_DISTRICT
    counted_modes: tuple[str, ...] | None = None  # None: every contact mode
    one_per_entity_per_day: bool = False
    rounding: str = CEIL
    min_days_held: int = 1
    joint: str = JOINT_RESPONSIBLE

    def counts_mode(self, mode: str) -> bool:
        return self.counted_modes is None or mode in self.counted_modes

    def required(self, covered: int, days_in_month: int) -> int:
        """Contacts required for `covered` days held of a `days_in_month` month: the minimum
        pro-rated with the rule's rounding, in exact integer arithmetic; 0 when fewer than
        `min_days_held` days were held."""
        if covered < self.min_days_held:
            return 0
        top = self.minimum * covered
        if self.rounding == FLOOR:
            return top // days_in_month
        if self.rounding == ROUND:  # half up: 2 × 15/30 = 1, 2 × 8/31 ≈ 0.52 → 1
            return (2 * top + days_in_month) // (2 * days_in_month)
        return -(-top // days_in_month)

    def to_mapping(self) -> dict[str, Any]:
        """Every field, as written in measures.yaml and stored in a seal manifest (no `from`)."""
        return {
            "per": self.per,
            "minimum": self.minimum,
            "counted_modes": list(self.counted_modes) if self.counted_modes is not None else None,
            "one_per_entity_per_day": self.one_per_entity_per_day,
            "rounding": self.rounding,
            "min_days_held": self.min_days_held,
            "joint": self.joint,
        }

    def digest(self) -> str:
        """SHA-256 of the canonical JSON of `to_mapping` (what a seal was counted under)."""
        import hashlib  # here: loading OpenSSL costs ~2 ms of every command's start-up

        text = json.dumps(self.to_mapping(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class RuleBook:
    """The rules of measure 14 in date order; the first is in force from the beginning."""

    rules: tuple[CountingRule, ...] = (CountingRule(),)

    def in_force(self, day: date) -> CountingRule:
        found = self.rules[0]
        for rule in self.rules[1:]:
            if rule.start is not None and rule.start <= day:
                found = rule
        return found

    def for_month(self, year: int, month: int) -> CountingRule:
        return self.in_force(date(year, month, 1))

    def with_minimum(self, minimum: int | None) -> RuleBook:
        """Every rule with `minimum` (the config key `monthly_minimum` overrides the data)."""
        if minimum is None:
            return self
        return RuleBook(tuple(replace(rule, minimum=minimum) for rule in self.rules))

    def to_json(self) -> list[dict[str, Any]]:
        return [
            {"from": rule.start.isoformat() if rule.start else None, **rule.to_mapping()}
            for rule in self.rules
        ]

    @classmethod
    def from_json(cls, rows: Sequence[dict[str, Any]]) -> RuleBook:
        """The inverse of `to_json` (the policy cache); raises on anything else."""
        rules = []
        for row in rows:
            rule, problems = parse_rule(row, CountingRule(), CHANGE_KEYS)
            start = row.get("from")
            if problems or rule is None:
                raise ValueError(problems)
            rules.append(replace(rule, start=date.fromisoformat(start) if start else None))
        if not rules:
            raise ValueError("no rules")
        return cls(tuple(rules))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_rule(
    raw: Any, base: CountingRule, known: Sequence[str] = BASE_KEYS, *prefix: str | int
) -> tuple[CountingRule | None, list[RuleProblem]]:
    """`base` with the fields `raw` sets, or None and the problems (unknown keys, bad values).

    A stored rule (seal manifest, cache) is read with the same function, so what is accepted in
    measures.yaml is what is accepted everywhere."""
    if not isinstance(raw, dict):
        return None, [rule_problem(prefix, say("应为映射(键: 值)", "expected a mapping"))]
    problems: list[RuleProblem] = []
    for key in raw:
        if key not in known:
            problems.append(
                rule_problem(
                    (*prefix, str(key)),
                    say(
                        "未知的规则字段 {k};可用字段:{v}",
                        "unknown rule field {k}; known fields: {v}",
                        k=key,
                        v=", ".join(known),
                    ),
                )
            )
    values: dict[str, Any] = {}

    def bad(key: str, zh: str, en: str, **params: Any) -> None:
        problems.append(rule_problem((*prefix, key), say(zh, en, **params)))

    if "minimum" in raw and "minimum_per_month" in raw:
        bad(
            "minimum",
            "minimum 与 minimum_per_month 只能写一个",
            "give minimum or minimum_per_month, not both",
        )
    for key in ("minimum", "minimum_per_month"):
        if key in raw:
            value = raw[key]
            if _is_int(value) and value >= 1:
                values["minimum"] = value
            else:
                bad(key, "{k} 须为正整数", "{k} must be a positive integer", k=key)
    choices = (("per", PERS), ("rounding", ROUNDINGS), ("joint", JOINTS))
    for key, allowed in choices:
        if key in raw:
            if raw[key] in allowed:
                values[key] = raw[key]
            else:
                bad(
                    key,
                    "{k} 为 {v!r},可选:{a}",
                    "{k} is {v!r}; valid: {a}",
                    k=key,
                    v=raw[key],
                    a=" | ".join(allowed),
                )
    if "one_per_entity_per_day" in raw:
        if isinstance(raw["one_per_entity_per_day"], bool):
            values["one_per_entity_per_day"] = raw["one_per_entity_per_day"]
        else:
            bad(
                "one_per_entity_per_day",
                "one_per_entity_per_day 须为 true 或 false",
                "one_per_entity_per_day must be true or false",
            )
    if "min_days_held" in raw:
        value = raw["min_days_held"]
        if _is_int(value) and 1 <= value <= 31:
            values["min_days_held"] = value
        else:
            bad(
                "min_days_held",
                "min_days_held 须为 1–31 的整数",
                "min_days_held must be an integer from 1 to 31",
            )
    if "counted_modes" in raw:
        modes = raw["counted_modes"]
        if modes is None:
            values["counted_modes"] = None
        elif (
            isinstance(modes, list)
            and modes
            and all(isinstance(m, str) and m in CONTACT_MODES for m in modes)
            and len(set(modes)) == len(modes)
        ):
            values["counted_modes"] = tuple(modes)
        else:
            bad(
                "counted_modes",
                "counted_modes 须为不重复的联系方式列表,可选:{v}",
                "counted_modes must be a list of distinct contact modes: {v}",
                v=join_names(CONTACT_MODES),
            )
    if problems:
        return None, problems
    return replace(base, **values), []


def parse_rule_book(raw: Any) -> tuple[RuleBook, list[RuleProblem]]:
    """Measure 14's `rule:` mapping → the rule book, with every problem (keys under `rule`).

    A broken base rule gives the default rule; a broken change is left out (both reported)."""
    base, problems = parse_rule(raw, CountingRule())
    if base is None:
        base = CountingRule()  # reported; the defaults stand in
    rules = [base]
    changes = raw.get("changes") if isinstance(raw, dict) else None
    if changes is None:
        return RuleBook(tuple(rules)), problems
    if not isinstance(changes, list):
        problems.append(
            rule_problem(("changes",), say("changes 应为列表", "changes must be a list"))
        )
        return RuleBook(tuple(rules)), problems
    last_from: date | None = None  # of the entry before, even a broken one: order is checked
    for index, entry in enumerate(changes):
        where: Keys = ("changes", index)
        start = entry.get("from") if isinstance(entry, dict) else None
        rule, found = parse_rule(entry, rules[-1], CHANGE_KEYS, *where)
        if not isinstance(start, date) or start.day != 1:
            found.append(
                rule_problem(
                    (*where, "from"),
                    say(
                        "from 须为某月 1 日(如 2027-01-01):按自然月计数,一个月只用一个口径",
                        "from must be the first day of a month (e.g. 2027-01-01): contacts are "
                        "counted per calendar month, so a month has one rule",
                    ),
                )
            )
        elif last_from is not None and start <= last_from:
            found.append(
                rule_problem(
                    (*where, "from"),
                    say(
                        "from {d} 须晚于上一条的 {p}(按日期先后排列)",
                        "from {d} must be later than the entry before ({p}); list them in date order",
                        d=start,
                        p=last_from,
                    ),
                )
            )
        if isinstance(start, date):
            last_from = start
        problems += found
        if rule is not None and not found:
            assert isinstance(start, date)
            rules.append(replace(rule, start=start))
    return RuleBook(tuple(rules)), problems


def allocate(total: int, shares: Sequence[tuple[int, int]]) -> list[int]:
    """Split a leader's monthly requirement (`per: leader_month`) over the districts he held, so
    each district row still adds up: `shares` is (contacts, days held) per district in table
    order. Contacts are covered where they were made; what remains is put on the district held
    longest (the first in table order on a tie). The leader is met exactly when his contacts
    reach `total`, and a district row is short only where the shortfall is shown."""
    result = [0] * len(shares)
    left = total
    for index, (contacts, _days) in enumerate(shares):
        take = min(contacts, left)
        result[index] = take
        left -= take
    if left and shares:
        longest = max(range(len(shares)), key=lambda i: (shares[i][1], -i))
        result[longest] += left
    return result
