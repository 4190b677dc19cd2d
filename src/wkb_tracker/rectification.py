"""Measure 15 (限期整改): the status of a rectification item, derived from its history.

Status is never stored. It is computed for an as-of date from the events dated on or before it,
so asking about a past date reconstructs the status as it was then, the same answer every time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from wkb_tracker.model import Rectification

OPEN = "open"
OVERDUE = "overdue"
CLOSED = "closed"


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
