"""The figures of `wkb stats` computed the way they were before they were merged from monthly
parts (domain/stats.py until December 2026): all visits of the period at once. Kept as the
oracle the merged figures are compared with (tests/test_stats_parts.py)."""

# ruff: noqa
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from wkb_tracker.domain.entities import Register
from wkb_tracker.domain.identity import Identities
from wkb_tracker.domain.model import Rectification, Visit
from wkb_tracker.domain.policy import Policy
from wkb_tracker.domain.stats import (
    SIMILARITY,
    EntityFigures,
    GroupFigures,
    GROUPS,
    Raised,
    Stats,
    _group_keys,
    _never_visited,
    _order,
    find_repeats,
    problem_key,
)


def reference_compute(
    visits: Iterable[Visit],
    items: Iterable[Rectification],
    first: date,
    last: date,
    *,
    by: str = "district",
    window_days: int = 180,
    threshold: float = SIMILARITY,
    register: Register | None = None,
    policy: Policy | None = None,
) -> Stats:
    """The figures of first…last. `visits` may include visits before `first` (the window of
    repeat problems looks back `window_days`) and void ones (never counted). With a `register`
    (and the `policy` naming each district's leader), entities are its entries and the entries
    never visited in the period are listed by district."""
    if by not in GROUPS:
        raise ValueError(by)
    identities = Identities(register)
    start = first - timedelta(days=window_days)
    # One sort for both: the repeat window's visits, and those of the period among them.
    ordered = sorted(
        (v for v in visits if not v.is_void and min(start, first) <= v.date <= last),
        key=_order,
    )
    in_period = [visit for visit in ordered if first <= visit.date <= last]
    who = [identities.identify(visit) for visit in in_period]
    names: dict[str, str] = {}
    for visit, (key, entry) in zip(in_period, who, strict=True):
        # the register's name, else the most recently used spelling
        names[key] = entry.name if entry is not None else visit.entity
    looked_at = ordered if start <= first else [v for v in ordered if start <= v.date]
    repeats = find_repeats(_raised(looked_at, identities), first, last, window_days, threshold)
    repeated_visits = Counter(repeat.problem.visit for repeat in repeats)
    entities: dict[str, EntityFigures] = {}
    groups: dict[str, GroupFigures] = {}
    problems = 0
    for visit, (key, entry) in zip(in_period, who, strict=True):
        figures = entities.get(key)
        if figures is None:
            figures = entities[key] = EntityFigures(
                names[key], entry.id if entry is not None else None
            )
        raised = len(visit.problems)
        repeated = repeated_visits[visit.id]
        figures.visits += 1
        figures.first = figures.first or visit.date
        figures.last = visit.date
        figures.districts.add(visit.district)
        figures.leaders.add(visit.leader)
        figures.problems += raised
        figures.repeat_problems += repeated
        problems += raised
        # with `by == "entity"` one group per entity (two entries may share a name)
        for group_key in _group_keys(visit, by, key, entry):
            group = groups.get(group_key)
            if group is None:
                group = groups[group_key] = (
                    GroupFigures(names[key], entry.id if entry is not None else None)
                    if by == "entity"
                    else GroupFigures(group_key)
                )
            group.visits += 1
            group.entities[key] += 1
            group.problems += raised
            group.repeat_problems += repeated
    sources = Counter(item.source for item in items if first <= item.opened <= last)
    return Stats(
        first=first,
        last=last,
        by=by,
        window_days=window_days,
        entities=sorted(entities.values(), key=lambda e: (-e.visits, e.entity, e.id or "")),
        groups=sorted(groups.values(), key=lambda g: (-g.visits, g.key, g.entity_id or "")),
        repeats=repeats,
        items_by_source=dict(sorted(sources.items(), key=lambda pair: (-pair[1], pair[0]))),
        visits=len(in_period),
        problems=problems,
        never_visited=_never_visited(identities, entities, last, policy),
        registered=len(identities.register.active()) if identities.register else None,
    )


def _raised(ordered: Iterable[Visit], who: Identities) -> list[Raised]:
    """`raised_problems` of visits already in the order they were made (void ones left out)."""
    found: list[Raised] = []
    keys: dict[str, str] = {}  # the same few texts come back again and again: normalised once
    for visit in ordered:
        if not visit.problems:
            continue
        entity = who.key(visit)
        for text in visit.problems:
            key = keys.get(text)
            if key is None:
                key = keys[text] = problem_key(text)
            found.append(Raised(len(found), visit.date, visit.id, entity, visit.entity, text, key))
    return found
