"""The notice as data, in memory: its 17 measures and the dated responsibility table (附件).

The Policy answers the questions every command asks: which district does a clerk mean, who was
responsible for it on a given day, how many contacts measure 14 requires. store/policy_files.py
reads it from `data/measures.yaml` and `data/districts.yaml`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from wkb_tracker.domain.counting_rule import RuleBook
from wkb_tracker.domain.errors import UserError
from wkb_tracker.domain.i18n import join_names, say
from wkb_tracker.domain.model import Assignment, Measure, Section


@dataclass(frozen=True)
class Policy:
    """The notice's measures and the dated responsibility table (附件), read from `data/`."""

    sections: tuple[Section, ...]
    measures: tuple[Measure, ...]
    assignments: tuple[Assignment, ...]  # in file order; `end` filled in per district
    monthly_minimum: int  # measure 14's rule, before any config override
    # Measure 14's counting rules, dated (issue 15.1); the defaults when measures.yaml has none.
    rule_book: RuleBook = field(default_factory=RuleBook)

    # -- districts -----------------------------------------------------------------------
    @property
    def district_ids(self) -> list[str]:
        """District ids in the order of the responsibility table."""
        return list(dict.fromkeys(a.district_id for a in self.assignments))

    def district_name(self, district_id: str) -> str:
        for entry in self.assignments:
            if entry.district_id == district_id:
                return entry.district
        raise KeyError(district_id)

    def resolve_district(self, text: str, *, field: str = "--district") -> str:
        """The id of the district a user means: exact name or id, else a unique prefix of either."""
        wanted = text.strip()
        names = self.district_ids_by_name
        ids = set(names.values())
        if wanted in names:
            return names[wanted]
        if wanted.lower() in ids:
            return wanted.lower()
        matches = {
            district_id
            for name, district_id in names.items()
            if wanted and (name.startswith(wanted) or district_id.startswith(wanted.lower()))
        }
        if len(matches) == 1:
            return matches.pop()
        valid = join_names(names)
        if len(matches) > 1:
            raise UserError(
                say(
                    "{field} {text!r} 有歧义,可能是:{options}",
                    "{field} {text!r} is ambiguous; it could be: {options}",
                    field=field,
                    text=text,
                    options=join_names(self.district_name(i) for i in sorted(matches)),
                )
            )
        raise UserError(
            say(
                "未知的区 {field} {text!r}{hint}。可选:{valid}",
                "unknown district {field} {text!r}{hint}. Valid: {valid}",
                field=field,
                text=text,
                hint=did_you_mean(wanted, [*names, *ids]),
                valid=valid,
            )
        )

    def history(self, district_id: str) -> list[Assignment]:
        return sorted(
            (a for a in self.assignments if a.district_id == district_id), key=lambda a: a.start
        )

    # What every visit's check asks of the table (domain/visit_rules), computed once per policy:
    # `wkb validate` checks 100,000 visits against the same one. (cached_property writes the
    # instance's __dict__ directly, so it works on this frozen dataclass.)
    @cached_property
    def district_ids_by_name(self) -> dict[str, str]:
        """Each district's full name → its id."""
        return {a.district: a.district_id for a in self.assignments}

    @cached_property
    def leader_names(self) -> frozenset[str]:
        """Every leader ever in the table, for membership tests."""
        return frozenset(self.leaders)

    @cached_property
    def first_entries(self) -> dict[str, Assignment]:
        """Each district's earliest entry in the table."""
        firsts: dict[str, Assignment] = {}
        for entry in self.assignments:
            known = firsts.get(entry.district_id)
            if known is None or entry.start < known.start:
                firsts[entry.district_id] = entry
        return firsts

    def assignment_on(self, district_id: str, day: date) -> Assignment | None:
        for entry in self.assignments:
            if entry.district_id == district_id and entry.covers(day):
                return entry
        return None

    def table_on(self, day: date) -> list[Assignment]:
        """The responsibility table in force on `day`, in table order."""
        rows = []
        for district_id in self.district_ids:
            entry = self.assignment_on(district_id, day)
            if entry is not None:
                rows.append(entry)
        return rows

    # -- leaders -------------------------------------------------------------------------
    @property
    def leaders(self) -> list[str]:
        """Every leader ever in the table, in order of first appearance."""
        return list(dict.fromkeys(a.leader for a in self.assignments))

    def leaders_starting(self, text: str) -> list[str]:
        """The leaders whose name starts with `text` (stripped), in table order."""
        wanted = text.strip()
        return [name for name in self.leaders if wanted and name.startswith(wanted)]

    def resolve_leader(self, text: str, *, field: str = "--leader", prefix: bool = True) -> str:
        """The leader a user means: the exact name, else (with `prefix`) the one leader whose name
        starts with `text`, as districts accept a unique prefix (`--leader 胡` → 胡军). Refuses an
        ambiguous prefix (naming the candidates) and an unknown name (naming the valid ones)."""
        wanted = text.strip()
        if wanted in self.leader_names:
            return wanted
        matches = self.leaders_starting(wanted) if prefix else []
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise UserError(
                say(
                    "{field} {text!r} 有歧义,可能是:{options}",
                    "{field} {text!r} is ambiguous; it could be: {options}",
                    field=field,
                    text=text,
                    options=join_names(matches),
                )
            )
        raise UserError(
            say(
                "未知的责任领导 {field} {text!r}{hint}。可选:{valid}",
                "unknown leader {field} {text!r}{hint}. Valid: {valid}",
                field=field,
                text=text,
                hint=did_you_mean(wanted, self.leaders),
                valid=join_names(self.leaders),
            )
        )

    def title_of(self, leader: str, day: date | None = None) -> str:
        """The leader's title on `day` (or latest known)."""
        entries = [a for a in self.assignments if a.leader == leader]
        if day is not None:
            current = [a for a in entries if a.covers(day)]
            if current:
                return current[0].title
        return max(entries, key=lambda a: a.start).title if entries else ""

    # -- measures ------------------------------------------------------------------------
    def measure(self, number: int) -> Measure:
        for measure in self.measures:
            if measure.number == number:
                return measure
        raise UserError(
            say(
                "没有第 {n} 条措施;措施编号为 1–17",
                "there is no measure {n}; measures are numbered 1–17",
                n=number,
            )
        )


def did_you_mean(wanted: str, options: list[str]) -> str:
    close = difflib.get_close_matches(wanted, options, n=1, cutoff=0.5)
    return say("(是不是 {c}?)", " (did you mean {c}?)", c=close[0]) if close else ""
