"""What was known on a given day: the records as they stood at the end of that day.

`--as-of D` asks for the state on day D computed from everything recorded up to now; `--known-on
D` asks for the output exactly as it could have been produced on day D. This module answers the
second: it leaves out what was recorded after the end of D (Asia/Shanghai) —

- visits whose `recorded_at` is later,
- rectification items whose `created_at` is later (items without one: opened later),
- rectification events whose `at` is later (filtered on the model, whatever file holds them),
- void marks whose `at` is later (the visit then counts as not void).

Edits of a visit in place (`wkb visit edit`) are not reconstructed: its file holds only the
current text (git history holds the earlier ones). Pure functions; no I/O.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from wkb_tracker.domain.dates import SHANGHAI
from wkb_tracker.domain.model import Rectification, Visit

if TYPE_CHECKING:
    from wkb_tracker.domain.dataset import Dataset


def end_of(day: date) -> datetime:
    """The first instant after `day` in Asia/Shanghai (capped at the calendar's last instant)."""
    if day == date.max:
        return datetime.max.replace(tzinfo=SHANGHAI)
    return datetime.combine(day + timedelta(days=1), time(), SHANGHAI)


def known(moment: datetime | None, day: date) -> bool:
    """Recorded by the end of `day` in Asia/Shanghai (a record without a time is taken as known:
    nothing says otherwise)."""
    return moment is None or moment < end_of(day)


def _visit(visit: Visit, cutoff: datetime) -> Visit | None:
    if visit.recorded_at is not None and visit.recorded_at >= cutoff:
        return None
    if visit.void is not None and visit.void.at >= cutoff:
        return replace(visit, void=None)
    return visit


def _item(item: Rectification, day: date, cutoff: datetime) -> Rectification | None:
    if item.created_at is not None:
        if item.created_at >= cutoff:
            return None
    elif item.opened > day:
        return None
    events = tuple(event for event in item.events if event.at < cutoff)
    return item if len(events) == len(item.events) else replace(item, events=events)


def visit_known_on(visit: Visit, day: date) -> Visit | None:
    """The visit as known on `day` (a void mark made later removed), or None if it was
    recorded later."""
    return _visit(visit, end_of(day))


def item_known_on(item: Rectification, day: date) -> Rectification | None:
    """The item with the events known on `day`, or None if it was created later (an item
    without `created_at`: opened later)."""
    return _item(item, day, end_of(day))


def visits_known_on(visits: list[Visit], day: date) -> list[Visit]:
    cutoff = end_of(day)
    return [found for visit in visits if (found := _visit(visit, cutoff)) is not None]


def items_known_on(items: list[Rectification], day: date) -> list[Rectification]:
    cutoff = end_of(day)
    return [found for item in items if (found := _item(item, day, cutoff)) is not None]


def as_known_on(dataset: Dataset, day: date) -> Dataset:
    """The dataset as it could have been read at the end of `day`; `known_on` records the day so
    that later steps (a seal made after it must not apply) can check against it."""
    return replace(
        dataset,
        visits=visits_known_on(dataset.visits, day),
        rectifications=items_known_on(dataset.rectifications, day),
        known_on=day,
    )
