"""Model classes most commands never build: a visit's void mark, a rectification item (问题整改清单,
measure 15) and its events, a problem in measure 14's rule mapping, as plain data.

Part of the model (domain/model.py gives these classes under their usual names, and their
fields' declarations are there); kept apart so that a command that builds none of them — `wkb
visit add`, typed many times a day — does not create them: each frozen dataclass takes ~0.5 ms
to create at start-up. No imports from the package, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

Day = date  # for annotations inside classes that have a field named `date`


@dataclass(frozen=True, slots=True)
class VoidMark:
    """Why, by whom and when a visit was voided (`wkb visit void`): it stays on file, uncounted."""

    reason: str
    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class RectificationEvent:
    """One step in an item's history. `kind` is progress | extend | close | reopen."""

    kind: str
    date: date
    by: str
    at: datetime
    note: str | None = None  # progress
    deadline: Day | None = None  # extend
    reason: str | None = None  # extend, reopen
    approved_by: str | None = None  # extend (a late one); any kind dated in a sealed month
    resolution: str | None = None  # close
    late_reason: str | None = None  # any kind dated in a sealed month
    # Where the event was read from: its own file (`id` set, `path` that file) or, in the format
    # before one file per event, the item's file (`id` None, `index` its place in `events`).
    id: str | None = None
    path: str = ""
    index: int | None = None
    # A return visit after the closure (回访, issue 15.4; measure 4's 好差评 loop): the entity's
    # satisfaction. Only in events of kind `followup`, which only have their own files.
    satisfaction: str | None = None


@dataclass(frozen=True, slots=True)
class Rectification:
    """An entry on the problem list (问题整改清单, measure 15). Status is derived, never stored."""

    id: str
    problem: str
    district: str | None
    district_id: str | None
    source: str
    visit: str | None
    measure: int | None
    department: str
    owner: str
    opened: date
    deadline: date  # the deadline set when opened; extensions live in `events`
    created_by: str = ""
    created_at: datetime | None = None
    events: tuple[RectificationEvent, ...] = field(default_factory=tuple)
    path: str = ""
    # Opened on a day of a month already sealed (measure 17): why it is recorded now, and who
    # approved it (as for a visit added to a sealed month).
    late_reason: str | None = None
    late_approved_by: str | None = None
    # The review an item of source 好差评 came from (measure 4): free text or an id (issue 15.4).
    review: str | None = None


@dataclass(frozen=True, slots=True)
class EventFile:
    """A rectification event read from its own file, before it joins its item (by `item` id)."""

    item: str
    event: RectificationEvent
    path: str


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """Something wrong in measure 14's rule mapping: where (keys under `rule`) and what
    (domain/counting_rule.py makes them)."""

    keys: tuple[str | int, ...]
    message: str
