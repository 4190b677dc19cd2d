"""Measure 15 (限期整改): the status of a rectification item, derived from its history.

Status is never stored. It is computed for an as-of date from the events dated on or before it,
so asking about a past date reconstructs the status as it was then, the same answer every time.

The history is a sequence: progress notes at any time; an extension or a closure only while open;
a reopening only while closed. Changes of status (extend, close, reopen) are recorded in date
order, so the deadline in force when an item closed is the same whatever date is asked about.
`refuse_event` is the one rule book: the store applies it before appending an event, and
`wkb validate` applies it to every history on file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from wkb_tracker.i18n import say
from wkb_tracker.model import Rectification, RectificationEvent

if TYPE_CHECKING:
    from wkb_tracker.policy import Policy

OPEN = "open"
OVERDUE = "overdue"
CLOSED = "closed"

PROGRESS = "progress"
EXTEND = "extend"
CLOSE = "close"
REOPEN = "reopen"
STATUS_CHANGES = (EXTEND, CLOSE, REOPEN)


@dataclass(frozen=True, slots=True)
class ItemState:
    """An item as of a date. `closed` is the closure date while closed; `closed_late` compares it
    with the deadline in force when it closed (None while not closed)."""

    status: str  # open | overdue | closed
    deadline: date
    closed: date | None
    closed_late: bool | None
    due_soon: bool


def state_at(item: Rectification, as_of: date, *, due_soon_days: int = 7) -> ItemState | None:
    """The item's state on `as_of`, or None if it was not yet opened then.

    overdue = still open and `as_of` is after the deadline (the deadline day itself is not overdue);
    due soon = open, not overdue, deadline within `due_soon_days`.
    """
    if as_of < item.opened:
        return None
    deadline = item.deadline
    closed: date | None = None
    closed_late: bool | None = None
    for event in item.events:
        if event.date > as_of:
            continue
        if event.kind == "extend" and event.deadline is not None:
            deadline = event.deadline
        elif event.kind == "close":
            closed = event.date
            closed_late = event.date > deadline
        elif event.kind == "reopen":
            closed, closed_late = None, None
    if closed is not None:
        return ItemState(CLOSED, deadline, closed, closed_late, False)
    if as_of > deadline:
        return ItemState(OVERDUE, deadline, None, None, False)
    return ItemState(OPEN, deadline, None, None, (deadline - as_of).days <= due_soon_days)


@dataclass(frozen=True, slots=True)
class Standing:
    """Where an item stands after its whole recorded history, whatever the dates.

    `since` is the date of the last change of status (extend, close, reopen), else the opened date:
    the next change may not be dated before it.
    """

    closed: bool
    deadline: date
    closed_on: date | None
    since: date
    since_kind: str | None


def standing(item: Rectification, events: Sequence[RectificationEvent] | None = None) -> Standing:
    """The item after `events` (default: all of them), applied in recorded order."""
    closed = False
    deadline = item.deadline
    closed_on: date | None = None
    since, since_kind = item.opened, None
    for event in item.events if events is None else events:
        if event.kind not in STATUS_CHANGES:
            continue
        if event.kind == EXTEND and event.deadline is not None:
            deadline = event.deadline
        elif event.kind == CLOSE:
            closed, closed_on = True, event.date
        elif event.kind == REOPEN:
            closed, closed_on = False, None
        since, since_kind = event.date, event.kind
    return Standing(closed, deadline, closed_on, since, since_kind)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an event may not follow an item's history. `field` is the event field at fault."""

    code: str  # before_opened | future | closed | not_closed | not_later | before_event | out_of_order
    field: str
    message: str


_KIND_ZH = {PROGRESS: "进展", EXTEND: "延期", CLOSE: "关闭", REOPEN: "重新打开"}


def kind_label(kind: str) -> str:
    return say(_KIND_ZH.get(kind, kind), kind)


def refuse_event(
    item: Rectification,
    event: RectificationEvent,
    *,
    today: date,
    prior: Sequence[RectificationEvent] | None = None,
) -> Refusal | None:
    """None if `event` may follow `prior` (default: the item's whole history), else why not.

    Refused: a date before the opened date or after `today`; closing or extending a closed item;
    reopening an open one; an extension that does not move the deadline later, or that ends before
    its own date; a change of status dated before the previous change (history is in date order).
    """
    if event.date < item.opened:
        return Refusal(
            "before_opened",
            "date",
            say(
                "日期 {d} 早于立项日期 {o}",
                "date {d} is before the opened date {o}",
                d=event.date,
                o=item.opened,
            ),
        )
    if event.date > today:
        return Refusal(
            "future",
            "date",
            say("日期 {d} 在未来", "date {d} is in the future", d=event.date),
        )
    if event.kind not in STATUS_CHANGES:
        return None
    now = standing(item, prior)
    if event.kind in (CLOSE, EXTEND) and now.closed:
        return Refusal(
            "closed",
            "kind",
            say(
                "{i} 已于 {d} 关闭,不能{k};如需继续整改,请先 `wkb rectify reopen`",
                "{i} was closed on {d}; it cannot be {k}; reopen it first (`wkb rectify reopen`)",
                i=item.id,
                d=now.closed_on,
                k=say("再次关闭", "closed again")
                if event.kind == CLOSE
                else say("延期", "extended"),
            ),
        )
    if event.kind == REOPEN and not now.closed:
        return Refusal(
            "not_closed",
            "kind",
            say(
                "{i} 尚未关闭,无需重新打开",
                "{i} is not closed; there is nothing to reopen",
                i=item.id,
            ),
        )
    if event.kind == EXTEND and event.deadline is not None:
        if event.deadline <= now.deadline:
            return Refusal(
                "not_later",
                "deadline",
                say(
                    "新期限 {n} 须晚于现行期限 {c}",
                    "the new deadline {n} must be later than the deadline in force, {c}",
                    n=event.deadline,
                    c=now.deadline,
                ),
            )
        if event.deadline < event.date:
            return Refusal(
                "before_event",
                "deadline",
                say(
                    "新期限 {n} 早于延期日期 {d}",
                    "the new deadline {n} is before the extension's date {d}",
                    n=event.deadline,
                    d=event.date,
                ),
            )
    if now.since_kind is not None and event.date < now.since:
        return Refusal(
            "out_of_order",
            "date",
            say(
                "日期 {d} 早于上一次状态变更({k},{s});状态变更须按日期先后记录",
                "date {d} is before the previous change of status ({k}, {s}); changes are recorded in date order",
                d=event.date,
                k=kind_label(now.since_kind),
                s=now.since,
            ),
        )
    return None


def history_refusals(item: Rectification, *, today: date) -> list[tuple[int, Refusal]]:
    """Every event of the item's history that its predecessors do not allow, by index."""
    found = []
    for index, event in enumerate(item.events):
        refusal = refuse_event(item, event, today=today, prior=item.events[:index])
        if refusal is not None:
            found.append((index, refusal))
    return found


def leader_of(item: Rectification, policy: Policy) -> str | None:
    """The item's leader: the district's responsible leader on its opened date (None without)."""
    if item.district_id is None:
        return None
    entry = policy.assignment_on(item.district_id, item.opened)
    return entry.leader if entry is not None else None
