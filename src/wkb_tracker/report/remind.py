"""`wkb remind`: what is due, as one digest per leader and one for the office (issue 15.3).

A digest is `wkb due`'s answer (compliance.due, not a copy of it) cut for one reader: the
districts of his still short this month (contacts needed, working days left), his rectification
items overdue or due within `due_soon_days`, his closed items whose return visit found the entity
不满意 (they need a follow-up, 15.4); the office's digest has everything, plus the months ready to
be sealed. A leader with nothing due gets no message (有呼必应、无事不扰, measure 14); the office
always gets one. Rendered as text, markdown (what the robots post) or JSON (the shapes of `wkb
due --format json`, plus keys of its own). Pure: no files, no network.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from wkb_tracker.domain.compliance import DueItem, DueReport
from wkb_tracker.domain.i18n import join_names, say

OFFICE = "office"
LEADER = "leader"


@dataclass(frozen=True, slots=True)
class Digest:
    kind: str  # leader | office
    to: str  # the leader's name; the office's digest: 办公室
    due: DueReport  # cut to this reader
    months_to_seal: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.due.districts or self.due.items or self.months_to_seal or self.followups)

    @property
    def followups(self) -> tuple[DueItem, ...]:
        return self.due.followups


def digests(
    due: DueReport,
    leaders: list[str],
    months_to_seal: list[str],
    *,
    leader: str | None = None,
    office: bool = False,
) -> list[Digest]:
    """The digests asked for: with `leader`, his alone (even when nothing is due: he asked);
    with `office`, the office's alone; else every leader with something due, then the office."""
    chosen: list[Digest] = []
    if not office:
        for name in [leader] if leader is not None else leaders:
            cut = replace(
                due,
                districts=tuple(row for row in due.districts if row.leader == name),
                items=tuple(item for item in due.items if item.leader == name),
                leader_filter=name,
                followups=tuple(item for item in due.followups if item.leader == name),
            )
            digest = Digest(LEADER, name, cut)
            if leader is not None or not digest.empty:
                chosen.append(digest)
    if leader is None:
        chosen.append(Digest(OFFICE, say("办公室", "the office"), due, tuple(months_to_seal)))
    return chosen


def title(digest: Digest) -> str:
    return say(
        "包区服务提醒 · {to} · {m}",
        "Liaison reminder · {to} · {m}",
        to=digest.to,
        m=digest.due.month,
    )


def lines(digest: Digest, *, markdown: bool) -> list[str]:
    """The digest as lines; markdown adds a heading, bold section names and list bullets."""
    due = digest.due
    head = "### " if markdown else ""
    bold = "**" if markdown else ""
    out = [
        head + title(digest),
        say(
            "截至 {d},本月还剩 {w} 个工作日(共 {n} 天)。",
            "As of {d}: {w} working days ({n} days) left this month.",
            d=due.as_of,
            w=due.working_days_left,
            n=due.days_left,
        ),
    ]
    if due.districts:
        out += ["", bold + say("尚差联系", "Contacts still needed") + bold]
        for row in due.districts:
            who = f"{row.leader} " if digest.kind == OFFICE else ""
            out.append(
                "- "
                + say(
                    "{who}{d}:已联系 {c} / 应联系 {r},还差 {m} 次",
                    "{who}{d}: {c} of {r} contacts, {m} still needed",
                    who=who,
                    d=row.district,
                    c=row.contacts,
                    r=row.required,
                    m=row.missing,
                )
            )
    if due.items:
        out += ["", bold + say("整改事项", "Rectifications") + bold]
        for item in due.items:
            if item.status == "overdue":
                state = say("逾期 {n} 天", "{n} days overdue", n=item.days)
            elif item.days == 0:
                state = say("今天到期", "due today")
            else:
                state = say("{n} 天后到期", "due in {n} days", n=item.days)
            out.append(
                f"- {state}{say(':', ': ')}{item.id} {item.problem}"
                + say("(期限 {d})", " (deadline {d})", d=item.deadline)
            )
    if digest.followups:
        out += ["", bold + say("回访不满意,需跟进", "Return visit unsatisfied: follow up") + bold]
        for item in digest.followups:
            out.append(f"- {item.id} {item.problem}")
    if digest.months_to_seal:
        out += [
            "",
            bold
            + say("待封存月份", "Months ready to seal")
            + bold
            + say(":", ": ")
            + join_names(digest.months_to_seal),
        ]
    if digest.empty:
        out += ["", say("本月暂无待办。", "Nothing is due.")]
    return out


def digest_dict(digest: Digest) -> dict[str, Any]:
    """One digest as JSON: `to`, `kind`, the markdown sent, and `wkb due`'s JSON of its part."""
    from wkb_tracker.report.report_render import due_dict

    return {
        "kind": digest.kind,
        "to": digest.to,
        "title": title(digest),
        "empty": digest.empty,
        "months_to_seal": list(digest.months_to_seal),
        "markdown": "\n".join(lines(digest, markdown=True)),
        "due": due_dict(digest.due),
    }
