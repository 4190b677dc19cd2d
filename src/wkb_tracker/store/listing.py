"""The visits `wkb visit list` shows, streamed one month folder at a time (issue 11.15).

A list of 200,000 visits used to be loaded, turned into views, then into one JSON string or one
Rich table: minutes and gigabytes. Visits live in month folders and a month's visits sort before
the next month's, so reading, filtering and sorting one month at a time yields exactly the old
order while holding only one month in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from wkb_tracker.domain.errors import Problem
from wkb_tracker.domain.model import Visit
from wkb_tracker.store.loader import load, visit_months
from wkb_tracker.store.visit_filter import VisitFilter, select


def stream_visits(
    root: Path,
    chosen: VisitFilter,
    on_problem: Callable[[Problem], None],
    *,
    known_on: date | None = None,
) -> Iterator[Visit]:
    """The visits `chosen` matches (void ones included) in list order, month by month, as known
    on `known_on` (see `loader.load`); each problem met on the way goes to `on_problem` as it is
    found."""
    present = visit_months(root)
    wanted = chosen.months()
    if present is None:  # something irregular: one read of everything reports it all
        batches: list[list[tuple[int, int]] | None] = [wanted]
    elif wanted is None:
        batches = [[month] for month in present]
    else:
        asked = set(wanted)
        batches = [[month] for month in present if month in asked]
    if not batches:  # no month folder at all: still read once, for the policy and config checks
        batches = [wanted]
    seen: set[Problem] = set()  # a config or policy problem comes back with every month: once
    for months in batches:
        data = load(root, rectifications=False, months=months, known_on=known_on)
        for problem in data.problems:
            if problem not in seen:
                seen.add(problem)
                on_problem(problem)
        yield from select(data.visits, chosen)
