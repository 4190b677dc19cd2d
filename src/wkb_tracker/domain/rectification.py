"""Measure 15 (限期整改): the status of a rectification item, derived from its history.

Status is never stored. It is computed for an as-of date from the events dated on or before it,
so asking about a past date reconstructs the status as it was then, the same answer every time.

An item's history is its events in order: by date, then `at`, then the event's id (events in the
item's own file, written before one file per event, have no id and come first on a tie). Progress
notes may come at any time; an extension or a closure only while open; a reopening only while
closed; changes of status not dated before the previous change.

There is one walk of a history, `walk`: the status at a date (`state_at`), where an item stands
after everything (`standing`), when it settled (`settled_on`, for the cache) and what `wkb
validate` reports (`history_refusals`) are all read from it. `refuse_event` is the one rule book:
the store applies it before writing an event, the walk applies it to every event on file. An
event the rules refuse (say a second closure merged in from another clone) is reported and
skipped: figures count the history as far as it is valid until someone removes the bad event.

Lateness sticks: an extension dated after the deadline in force has passed (the item was overdue)
needs an approver, and the item's closure then counts as late (超期办结) whatever the new deadline;
the days it was overdue stay overdue when asked about.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from wkb_tracker.domain.i18n import say
from wkb_tracker.domain.model import (
    SATISFACTION,
    UNSATISFIED,
    Rectification,
    RectificationEvent,
)

if TYPE_CHECKING:
    from wkb_tracker.domain.policy import Policy

OPEN = "open"
OVERDUE = "overdue"
CLOSED = "closed"

PROGRESS = "progress"
EXTEND = "extend"
CLOSE = "close"
REOPEN = "reopen"
FOLLOWUP = "followup"  # 回访 after a closure (issue 15.4): not a change of status
STATUS_CHANGES = (EXTEND, CLOSE, REOPEN)


@dataclass(frozen=True, slots=True)
class ItemState:
    """An item as of a date. `closed` is the closure date while closed; `closed_late` says whether
    it closed after the deadline in force then, or after an extension granted once overdue (None
    while not closed). `extended_late`: it was extended after being overdue (lateness sticks)."""

    status: str  # open | overdue | closed
    deadline: date
    closed: date | None
    closed_late: bool | None
    due_soon: bool
    extended_late: bool = False
    extensions: int = 0  # extensions counted (dated by then, allowed by the rules)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an event may not follow an item's history. `field` is the event field at fault."""

    # before_opened | future | closed | not_closed | not_later | before_event | out_of_order
    # | late_unapproved
    code: str
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class Walk:
    """An item after the events walked (see `walk`). `closed_on` is set while closed; `since` is
    the date of the last change of status applied (else the opened date); `refused` lists each
    event the rules refuse, by its index in the events walked."""

    deadline: date
    closed_on: date | None
    closed_late: bool | None
    extended_late: bool
    since: date
    since_kind: str | None
    refused: tuple[tuple[int, Refusal], ...]
    extensions: int = 0

    @property
    def closed(self) -> bool:
        return self.closed_on is not None


@dataclass(frozen=True, slots=True)
class _State:
    """What the rules look at before the next event: the walk so far."""

    deadline: date
    closed: bool
    closed_on: date | None
    since: date
    since_kind: str | None


def event_order(event: RectificationEvent) -> tuple[date, datetime, str]:
    """The order of events in a history: date, then when recorded, then the event's id."""
    return (event.date, event.at, event.id or "")


def in_order(events: Iterable[RectificationEvent]) -> tuple[RectificationEvent, ...]:
    """`events` in history order (stable: embedded events keep their file order on a tie)."""
    return tuple(sorted(events, key=event_order))


def walk(
    item: Rectification,
    *,
    as_of: date | None = None,
    today: date | None = None,
    events: Sequence[RectificationEvent] | None = None,
) -> Walk:
    """The one walk of an item's history (`events`, default all of them, in history order).

    Events dated after `as_of` are left out; with `today`, so are events dated after it (refused
    as `future`). Each event is checked against what came before (`refuse_event`'s rules); a
    refused event is listed and skipped, except an unapproved late extension, which happened
    all the same: it is applied (and makes the closure late), and listed only when it has its own
    file (events embedded by earlier versions were written before approval was required).
    """
    deadline = item.deadline
    closed_on: date | None = None
    closed_late: bool | None = None
    extended_late = False
    since, since_kind = item.opened, None
    refused: list[tuple[int, Refusal]] = []
    extensions = 0
    state = _State(deadline, False, None, since, since_kind)
    for index, event in enumerate(item.events if events is None else events):
        if as_of is not None and event.date > as_of:
            continue
        refusal = _refusal(item, state, event, today)
        if refusal is not None:
            if refusal.code != "late_unapproved":
                refused.append((index, refusal))
                continue
            if event.id is not None:
                refused.append((index, refusal))
        if event.kind not in STATUS_CHANGES:
            continue
        if event.kind == EXTEND and event.deadline is not None:
            if event.date > deadline:  # extended while overdue: lateness sticks
                extended_late = True
            deadline = event.deadline
            extensions += 1
        elif event.kind == CLOSE:
            closed_on = event.date
            closed_late = event.date > deadline or extended_late
        elif event.kind == REOPEN:
            closed_on, closed_late = None, None
        since, since_kind = event.date, event.kind
        state = _State(deadline, closed_on is not None, closed_on, since, since_kind)
    return Walk(
        deadline,
        closed_on,
        closed_late,
        extended_late,
        since,
        since_kind,
        tuple(refused),
        extensions,
    )


def state_at(item: Rectification, as_of: date, *, due_soon_days: int = 7) -> ItemState | None:
    """The item's state on `as_of`, or None if it was not yet opened then.

    overdue = still open and `as_of` is after the deadline (the deadline day itself is not overdue);
    due soon = open, not overdue, deadline within `due_soon_days`.
    """
    if as_of < item.opened:
        return None
    done = walk(item, as_of=as_of)
    deadline = done.deadline
    if done.closed_on is not None:
        return ItemState(
            CLOSED,
            deadline,
            done.closed_on,
            done.closed_late,
            False,
            done.extended_late,
            done.extensions,
        )
    if as_of > deadline:
        return ItemState(OVERDUE, deadline, None, None, False, done.extended_late, done.extensions)
    due_soon = (deadline - as_of).days <= due_soon_days
    return ItemState(OPEN, deadline, None, None, due_soon, done.extended_late, done.extensions)


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


def standing(
    item: Rectification,
    events: Sequence[RectificationEvent] | None = None,
    *,
    today: date | None = None,
) -> Standing:
    """The item after `events` (default: all of them), as the walk leaves it."""
    done = walk(item, events=events, today=today)
    return Standing(done.closed, done.deadline, done.closed_on, done.since, done.since_kind)


def settled_on(item: Rectification) -> date | None:
    """The date of the last change of status of an item whose history ends closed; else None.

    From that date on the item is closed whatever the as-of date, so a report whose period starts
    after it has nothing to count for the item (the cache leaves such items out). An item whose
    latest return visit found the entity 不满意 is not settled: it needs a follow-up (15.4)."""
    done = walk(item)
    if done.closed and needs_followup(item):
        return None
    return done.since if done.closed else None


_KIND_ZH = {PROGRESS: "进展", EXTEND: "延期", CLOSE: "关闭", REOPEN: "重新打开", FOLLOWUP: "回访"}


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
    its own date, or that comes after the deadline in force has passed without an approver; a
    change of status dated before the previous change (history is in date order).
    """
    done = walk(item, events=prior, today=today)
    state = _State(done.deadline, done.closed, done.closed_on, done.since, done.since_kind)
    return _refusal(item, state, event, today)


def _refusal(
    item: Rectification, now: _State, event: RectificationEvent, today: date | None
) -> Refusal | None:
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
    if today is not None and event.date > today:
        return Refusal(
            "future",
            "date",
            say("日期 {d} 在未来", "date {d} is in the future", d=event.date),
        )
    if event.kind == FOLLOWUP:
        return _followup_refusal(item, now, event)
    if event.kind not in STATUS_CHANGES:
        return None
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
    if event.kind == EXTEND and event.date > now.deadline and not event.approved_by:
        # Measure 15's 限期整改: a deadline that has already passed is not extended quietly.
        return Refusal(
            "late_unapproved",
            "date",
            say(
                "期限 {c} 已过(逾期 {n} 天),逾期后延期须由批准人批准:请加 --approved-by;"
                "该事项仍按逾期计,之后关闭计为超期办结",
                "the deadline {c} has passed ({n} days overdue); an extension after the deadline "
                "needs an approver: add --approved-by; the item still counts as overdue for those "
                "days and its closure will count as closed late",
                c=now.deadline,
                n=(event.date - now.deadline).days,
            ),
        )
    return None


def _followup_refusal(
    item: Rectification, now: _State, event: RectificationEvent
) -> Refusal | None:
    """A return visit (回访) follows a closure: refused while the item is open, before the
    closure's date, or with a satisfaction other than 满意 | 基本满意 | 不满意."""
    if event.satisfaction not in SATISFACTION:
        return Refusal(
            "bad_satisfaction",
            "satisfaction",
            say(
                "满意度 {s!r} 无效;可选:{v}",
                "satisfaction {s!r} is not valid; valid: {v}",
                s=event.satisfaction,
                v=" | ".join(SATISFACTION),
            ),
        )
    if not now.closed:
        return Refusal(
            "not_closed",
            "kind",
            say(
                "{i} 尚未关闭;回访记录在关闭之后",
                "{i} is not closed; a return visit follows the closure",
                i=item.id,
            ),
        )
    if now.closed_on is not None and event.date < now.closed_on:
        return Refusal(
            "before_closure",
            "date",
            say(
                "回访日期 {d} 早于关闭日期 {c}",
                "the return visit's date {d} is before the closure, {c}",
                d=event.date,
                c=now.closed_on,
            ),
        )
    return None


def satisfaction_at(item: Rectification, as_of: date | None = None) -> str | None:
    """The entity's satisfaction at the latest return visit since the item's last closure, as of
    `as_of` (default: everything recorded); None while open or before any return visit. A
    reopening clears it; events the rules refuse are skipped, as in `walk`."""
    if all(event.kind != FOLLOWUP for event in item.events):
        return None  # most histories have no return visit: no second walk to find none
    refused = {index for index, _refusal in walk(item, as_of=as_of).refused}
    found: str | None = None
    for index, event in enumerate(item.events):
        if (as_of is not None and event.date > as_of) or index in refused:
            continue
        if event.kind in (CLOSE, REOPEN):
            found = None
        elif event.kind == FOLLOWUP:
            found = event.satisfaction
    return found


def needs_followup(item: Rectification, as_of: date | None = None) -> bool:
    """Closed, and the latest return visit found the entity 不满意 (issue 15.4)."""
    return satisfaction_at(item, as_of) == UNSATISFIED


def history_refusals(item: Rectification, *, today: date) -> list[tuple[int, Refusal]]:
    """Every event of the item's history that the rules refuse, by index (see `walk`)."""
    return list(walk(item, today=today).refused)


def leader_of(item: Rectification, policy: Policy) -> str | None:
    """The item's leader: the district's responsible leader on its opened date (None without)."""
    if item.district_id is None:
        return None
    entry = policy.assignment_on(item.district_id, item.opened)
    return entry.leader if entry is not None else None
