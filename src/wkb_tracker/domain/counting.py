"""Which visit counts for whom under measure 14's rule in force (issue 15.1, 15.2). Pure.

For each non-void visit, in date and id order, `decide` says who it counts for and in which
role, or why it counts for nobody:

- the leader who led it (带队) counts it for the district when he is the district's responsible
  leader that day;
- otherwise, with `joint: responsible` (the default), a leader named as present (陪同, `--with`)
  who is the district's responsible leader that day counts it (a visit counts once, for the
  district's responsible leader only);
- a contact mode outside `counted_modes` counts for nobody;
- with `one_per_entity_per_day`, a second contact with the same entity on the same day, for the
  same leader and district, counts for nobody; "the same entity" is domain/identity's one rule
  (with the register: its id followed through merges, or the entry its name resolves to).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from wkb_tracker.domain.counting_rule import JOINT_RESPONSIBLE, CountingRule
from wkb_tracker.domain.i18n import join_names, say, term
from wkb_tracker.domain.identity import Identities
from wkb_tracker.domain.model import Visit

if TYPE_CHECKING:
    from wkb_tracker.domain.entities import Register
    from wkb_tracker.domain.policy import Policy

LEAD = "lead"  # 带队: the leader who led the visit
JOINT = "joint"  # 陪同: present, and responsible for the district that day

NOT_RESPONSIBLE = "not_responsible"
MODE_NOT_COUNTED = "mode_not_counted"
SAME_ENTITY_SAME_DAY = "same_entity_same_day"
REASONS = (NOT_RESPONSIBLE, MODE_NOT_COUNTED, SAME_ENTITY_SAME_DAY)


@dataclass(frozen=True, slots=True)
class Decision:
    visit: Visit
    leader: str | None  # who the visit counts for; None: nobody
    role: str | None  # lead | joint (when counted)
    reason: str | None  # not_responsible | mode_not_counted | same_entity_same_day
    responsible: str | None  # the district's responsible leader on the visit's date


def decide(
    visits: Iterable[Visit],
    policy: Policy,
    rule_on: Callable[[date], CountingRule],
    register: Register | None = None,
) -> list[Decision]:
    """A decision for each of `visits` (non-void), in date and id order. `register` (the
    entity register, for its merges and names) decides which visits are to the same entity."""
    identities = Identities(register)
    seen: set[tuple[str, str, str, date]] = set()
    decisions = []
    for visit in sorted(visits, key=lambda v: (v.date, v.id)):
        rule = rule_on(visit.date)
        holder = policy.assignment_on(visit.district_id, visit.date)
        responsible = holder.leader if holder is not None else None
        leader: str | None = None
        role: str | None = None
        reason: str | None = None
        if responsible is not None and responsible == visit.leader:
            leader, role = responsible, LEAD
        elif (
            responsible is not None
            and rule.joint == JOINT_RESPONSIBLE
            and responsible in visit.joint_leaders
        ):
            leader, role = responsible, JOINT
        else:
            reason = NOT_RESPONSIBLE
        if reason is None and not rule.counts_mode(visit.mode):
            reason = MODE_NOT_COUNTED
        if reason is None and rule.one_per_entity_per_day:
            assert leader is not None
            key = (leader, visit.district_id, identities.key(visit), visit.date)
            if key in seen:
                reason = SAME_ENTITY_SAME_DAY
            seen.add(key)
        if reason is not None:
            leader, role = None, None
        decisions.append(Decision(visit, leader, role, reason, responsible))
    return decisions


def why(decision: Decision) -> str:
    """One line a reader understands: who led, who was present, and whom it counted for."""
    visit = decision.visit
    parts = [say("带队: {l}", "led by: {l}", l=visit.leader)]
    if visit.joint_leaders:
        present = [
            name + (say(" (责任领导)", " (responsible)") if name == decision.responsible else "")
            for name in visit.joint_leaders
        ]
        parts.append(say("陪同: {p}", "with: {p}", p=join_names(present)))
    if decision.reason is None:
        whom = say("计入 {l}", "counts for {l}", l=decision.leader)
        if decision.role == JOINT:
            whom += say("(陪同的责任领导)", " (present as the responsible leader)")
        parts.append(whom)
    else:
        parts.append(not_counted(decision))
    return "; ".join(parts)


def not_counted(decision: Decision) -> str:
    """Why a visit counts for nobody."""
    visit = decision.visit
    if decision.reason == MODE_NOT_COUNTED:
        return say(
            "不计入: 联系方式 {m} 不在 counted_modes 中",
            "not counted: mode {m} not in counted_modes",
            m=term(visit.mode),
        )
    if decision.reason == SAME_ENTITY_SAME_DAY:
        return say(
            "不计入: 同一创新主体同一天只计一次",
            "not counted: same entity same day",
        )
    if decision.responsible is None:
        return say("不计入: 当日该区无责任领导", "not counted: nobody held the district that day")
    return say(
        "不计入: 当日该区责任领导为 {r}",
        "not counted: the responsible leader that day was {r}",
        r=decision.responsible,
    )
