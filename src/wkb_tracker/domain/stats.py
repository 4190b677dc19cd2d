"""`wkb stats`: who was served, not only how many contacts (issue 14.4). Pure counting, no I/O.

Counted for a period (first … last day), from visits that are not void:

- **visits per entity** and the entities visited once vs repeatedly (two or more visits);
- **problems per entity**: the problems raised on those visits (one per line of a visit's
  `problems`);
- **repeat problems** (measure 3: 「同类问题不再重复发生」): a problem raised in the period is a
  repeat when a similar problem was raised up to `window_days` days before it (on an earlier
  visit, possibly before the period) — by the same entity (`scope: entity`: its problem came
  back) or by another (`scope: bureau`: the same kind of problem elsewhere). Texts are similar
  when difflib's `SequenceMatcher.ratio()` of their normalised forms (NFKC, lower case, no
  blanks or punctuation) is at least SIMILARITY (0.6: 「实验用房不足」 and 「实验室用房紧张」 are
  0.62, 「实验用房不足」 and 「人才公寓不足」 0.33);
- **items by source**: rectification items opened in the period, by source (visit, 自查, 督查 …);
- grouped `by` district, leader, entity, type, mode or tag (the measures a visit serves, 第N条).

An entity is what domain/identity says (the one same-entity rule, shared with measure 14's
`one_per_entity_per_day`): with a register, its entry (the visit's `entity_id` followed through
merges, else its name resolved as `visit add` resolves one), otherwise its name key. With a
register the entries **never visited** in the period are listed by district, with the district's
responsible leader on the period's last day; `tag` groups also by the entry's tags (高企培育库,
孵化器 …). For an entity the register does not know, the name shown is the one most recently used.
"""

from __future__ import annotations

import difflib
import unicodedata
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from wkb_tracker.domain.entities import Entity, Register
from wkb_tracker.domain.identity import Identities
from wkb_tracker.domain.model import Rectification, Visit
from wkb_tracker.domain.policy import Policy

SIMILARITY = 0.6
GROUPS = ("district", "leader", "entity", "type", "mode", "tag")


def problem_key(text: str) -> str:
    """A problem's text as compared for similarity: NFKC, lower case, letters and digits only."""
    cleaned = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in cleaned if unicodedata.category(ch)[0] in "LN")


_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def _order(visit: Visit) -> tuple[date, datetime, str]:
    """Visits in the order they were made: date, then recording time, then id."""
    return (visit.date, visit.recorded_at or _EARLIEST, visit.id)


@dataclass(frozen=True, slots=True)
class Raised:
    """One problem raised on one visit."""

    seq: int  # order of raising: date, then recording time, then visit id, then line
    date: date
    visit: str
    entity: str  # entity key
    entity_name: str
    text: str
    key: str  # problem_key(text)


@dataclass(frozen=True, slots=True)
class Repeat:
    problem: Raised
    earlier: Raised
    scope: str  # entity | bureau
    ratio: float


@dataclass
class EntityFigures:
    entity: str
    id: str | None = None  # the register entry, when there is one
    visits: int = 0
    first: date | None = None
    last: date | None = None
    districts: set[str] = field(default_factory=set)
    leaders: set[str] = field(default_factory=set)
    problems: int = 0
    repeat_problems: int = 0


@dataclass
class GroupFigures:
    key: str
    # `by == "entity"`: the entity's register entry (None when unregistered). The key is the
    # entity's name, which two entities may share; a group is one entity, not one name.
    entity_id: str | None = None
    visits: int = 0
    entities: Counter[str] = field(default_factory=Counter)
    problems: int = 0
    repeat_problems: int = 0


@dataclass
class Stats:
    first: date
    last: date
    by: str
    window_days: int
    entities: list[EntityFigures]
    groups: list[GroupFigures]
    repeats: list[Repeat]
    items_by_source: dict[str, int]
    visits: int
    problems: int
    # Registered entries not visited in the period (None without a register), and how many
    # entries the register holds (active ones).
    never_visited: list[NeverVisited] | None = None
    registered: int | None = None


@dataclass
class NeverVisited:
    """The registered entities of one district not visited in the period, and the leader
    responsible for the district on the period's last day (measure 14: they are whom to visit)."""

    district: str | None
    district_id: str | None
    leader: str | None
    entities: list[Entity]


def _group_keys(visit: Visit, by: str, name: str, entry: Entity | None) -> list[str]:
    """The groups a visit counts in; for `tag`, each measure it serves (第N条) and each tag of
    its registered entity (高企培育库, 孵化器 …), "—" when it has none."""
    if by == "district":
        return [visit.district]
    if by == "leader":
        return [visit.leader]
    if by == "entity":
        return [name]
    if by == "type":
        return [visit.type]
    if by == "mode":
        return [visit.mode]
    if by == "tag":
        tags = [f"第{number}条" for number in visit.measures]
        tags += list(entry.tags) if entry is not None else []
        return list(dict.fromkeys(tags)) or ["—"]
    raise ValueError(by)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def _similar_texts(keys: Sequence[str], threshold: float) -> dict[str, list[tuple[str, float]]]:
    """For each distinct text, the texts similar to it (itself included, ratio 1.0).

    Only pairs sharing a character pair (bigram) are compared: two texts with none in common
    cannot reach the threshold unless very short, and comparing every pair would be quadratic in
    the number of distinct problems."""
    index: dict[str, list[int]] = defaultdict(list)
    grams = [_bigrams(key) for key in keys]
    for number, found in enumerate(grams):
        for gram in found:
            index[gram].append(number)
    similar: dict[str, list[tuple[str, float]]] = {key: [(key, 1.0)] for key in keys}
    for number, key in enumerate(keys):
        candidates = {other for gram in grams[number] for other in index[gram] if other > number}
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(key)
        for other in candidates:
            matcher.set_seq1(keys[other])
            if (
                matcher.real_quick_ratio() >= threshold
                and matcher.quick_ratio() >= threshold
                and (ratio := matcher.ratio()) >= threshold
            ):
                similar[key].append((keys[other], ratio))
                similar[keys[other]].append((key, ratio))
    return similar


def find_repeats(
    raised: Sequence[Raised],
    first: date,
    last: date,
    window_days: int,
    threshold: float = SIMILARITY,
) -> list[Repeat]:
    """The problems raised in first…last that repeat an earlier similar one within the window
    (the nearest earlier one, the same entity's first)."""
    by_text: dict[str, list[Raised]] = defaultdict(list)
    by_text_entity: dict[tuple[str, str], list[Raised]] = defaultdict(list)
    for one in raised:  # already in order of raising
        by_text[one.key].append(one)
        by_text_entity[(one.key, one.entity)].append(one)
    similar = _similar_texts(list(by_text), threshold)
    repeats: list[Repeat] = []
    window = timedelta(days=window_days)
    for problem in raised:
        if not first <= problem.date <= last:
            continue
        best: Repeat | None = None
        for text, ratio in similar[problem.key]:
            for scope, pool in (
                ("entity", by_text_entity.get((text, problem.entity), [])),
                ("bureau", by_text[text]),
            ):
                earlier = _latest_before(pool, problem, window)
                if earlier is None:
                    continue
                candidate = Repeat(problem, earlier, scope, round(ratio, 3))
                if best is None or _better(candidate, best):
                    best = candidate
                break  # the entity's own earlier problem outranks another's of this text
        if best is not None:
            repeats.append(best)
    return repeats


def _better(a: Repeat, b: Repeat) -> bool:
    """Same entity first, then the nearer earlier problem, then the closer text."""
    return (a.scope == "entity", a.earlier.seq, a.ratio) > (
        b.scope == "entity",
        b.earlier.seq,
        b.ratio,
    )


def _latest_before(pool: Sequence[Raised], problem: Raised, window: timedelta) -> Raised | None:
    """The latest of `pool` (in order of raising) raised before `problem`, within `window`."""
    position = bisect_left(pool, problem.seq, key=lambda one: one.seq)
    while position > 0:
        earlier = pool[position - 1]
        if earlier.visit == problem.visit:  # two lines of one visit are one raising
            position -= 1
            continue
        return earlier if problem.date - earlier.date <= window else None
    return None


# The figures of a period are merged from parts, one per month folder, so that after one new
# visit a year's figures recompute one month, not twelve (issue 14.4; the parts are kept by
# store/stats_figures.py under each folder's signature). Parts are plain JSON values.
#
# MonthCounts: what the visits of one month inside the period count —
#   "entities": entity key → [name, entry id, visits, first, last, districts, leaders, problems]
#               (name: the register's, else the spelling most recently used in the month)
#   "groups":   group key → [visits, {entity key: visits}, problems]; with `by == "entity"` the
#               key is the entity key, one group per entity, named when the months are merged
#               (the period's last name) and given its entry id (two entities may share a name)
#   "repeat_groups": visit id → its group keys, for the visits with problems (their repeats
#               count in those groups once the period's repeats are known)
#   "visits", "problems": totals
# Raised rows: one per problem of a month's non-void visits, in the order raised —
#   [date, visit id, entity key, entity name, text, problem_key(text)]
MonthCounts = dict[str, Any]
RaisedRow = list[str]


def month_raised(visits: Iterable[Visit], identities: Identities) -> list[RaisedRow]:
    """The problems of one month's (non-void) visits, in the order they were raised."""
    ordered = sorted((v for v in visits if not v.is_void and v.problems), key=_order)
    rows: list[RaisedRow] = []
    keys: dict[str, str] = {}  # the same few texts come back again and again: normalised once
    for visit in ordered:
        entity = identities.key(visit)
        day = visit.date.isoformat()
        for text in visit.problems:
            key = keys.get(text)
            if key is None:
                key = keys[text] = problem_key(text)
            rows.append([day, visit.id, entity, visit.entity, text, key])
    return rows


def month_counts(
    visits: Iterable[Visit], identities: Identities, by: str, first: date, last: date
) -> MonthCounts:
    """What one month's non-void visits of first…last count (see MonthCounts)."""
    if by not in GROUPS:
        raise ValueError(by)
    ordered = sorted((v for v in visits if not v.is_void and first <= v.date <= last), key=_order)
    entities: dict[str, list[Any]] = {}
    groups: dict[str, list[Any]] = {}
    repeat_groups: dict[str, list[str]] = {}
    problems = 0
    for visit in ordered:
        key, entry = identities.identify(visit)
        raised = len(visit.problems)
        day = visit.date.isoformat()
        figures = entities.get(key)
        if figures is None:
            figures = entities[key] = [None, entry.id if entry else None, 0, day, day, [], [], 0]
        figures[0] = entry.name if entry is not None else visit.entity
        figures[2] += 1
        figures[4] = day
        for position, value in ((5, visit.district), (6, visit.leader)):
            if value not in figures[position]:
                figures[position].append(value)
        figures[7] += raised
        problems += raised
        keys = _group_keys(visit, by, key, entry)
        for group_key in keys:
            group = groups.get(group_key)
            if group is None:
                group = groups[group_key] = [0, {}, 0]
            group[0] += 1
            group[1][key] = group[1].get(key, 0) + 1
            group[2] += raised
        if raised:
            repeat_groups[visit.id] = keys
    return {
        "entities": entities,
        "groups": groups,
        "repeat_groups": repeat_groups,
        "visits": len(ordered),
        "problems": problems,
    }


def month_sources(items: Iterable[Rectification], first: date, last: date) -> dict[str, int]:
    """Rectification items opened in first…last, by source."""
    return dict(Counter(item.source for item in items if first <= item.opened <= last))


def compute(
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
    identities = Identities(register)
    by_month: dict[tuple[int, int], list[Visit]] = defaultdict(list)
    for visit in visits:
        by_month[(visit.date.year, visit.date.month)].append(visit)
    months = sorted(by_month)
    return combine(
        [month_counts(by_month[month], identities, by, first, last) for month in months],
        [row for month in months for row in month_raised(by_month[month], identities)],
        [month_sources(items, first, last)],
        first,
        last,
        by=by,
        window_days=window_days,
        threshold=threshold,
        identities=identities,
        policy=policy,
    )


def combine(
    counts: Sequence[MonthCounts],
    raised: Iterable[RaisedRow],
    sources: Iterable[dict[str, int]],
    first: date,
    last: date,
    *,
    by: str,
    window_days: int,
    threshold: float = SIMILARITY,
    identities: Identities,
    policy: Policy | None = None,
) -> Stats:
    """The figures of first…last from its months' parts, the months in order: `counts` of the
    months in the period, `raised` rows of the months from the repeat window's start (rows
    outside start…last are left out here), `sources` of the item folders."""
    if by not in GROUPS:
        raise ValueError(by)
    start = first - timedelta(days=window_days)
    window_first, window_last = start.isoformat(), last.isoformat()
    looked_at = [
        Raised(seq, date.fromisoformat(row[0]), row[1], row[2], row[3], row[4], row[5])
        for seq, row in enumerate(row for row in raised if window_first <= row[0] <= window_last)
    ]
    repeats = find_repeats(looked_at, first, last, window_days, threshold)
    entities: dict[str, EntityFigures] = {}
    for month in counts:
        for key, (name, entry_id, visits, first_day, last_day, districts, leaders, problems) in (
            month["entities"].items()
        ):
            figures = entities.get(key)
            if figures is None:
                figures = entities[key] = EntityFigures(
                    name, entry_id, first=date.fromisoformat(first_day)
                )
            figures.entity = name  # the most recent spelling wins
            figures.visits += visits
            figures.last = date.fromisoformat(last_day)
            figures.districts.update(districts)
            figures.leaders.update(leaders)
            figures.problems += problems
    repeated_groups: Counter[str] = Counter()
    for repeat in repeats:
        entities[repeat.problem.entity].repeat_problems += 1
    repeated_visits = Counter(repeat.problem.visit for repeat in repeats)
    for month in counts:
        for visit_id, keys in month["repeat_groups"].items():
            if visit_id in repeated_visits:
                for group_key in keys:
                    repeated_groups[group_key] += repeated_visits[visit_id]
    # Groups stay under their parts' keys: with `by == "entity"` that is the entity key, so two
    # entities sharing a name are two groups (named alike, told apart by `entity_id`).
    groups: dict[str, GroupFigures] = {}
    for month in counts:
        for key, (visits, counted, problems) in month["groups"].items():
            group = groups.get(key)
            if group is None:
                group = groups[key] = (
                    GroupFigures(entities[key].entity, entities[key].id)
                    if by == "entity"
                    else GroupFigures(key)
                )
            group.visits += visits
            group.entities.update(counted)
            group.problems += problems
    for key, repeated in repeated_groups.items():
        groups[key].repeat_problems += repeated
    by_source: Counter[str] = Counter()
    for part in sources:
        by_source.update(part)
    register = identities.register
    return Stats(
        first=first,
        last=last,
        by=by,
        window_days=window_days,
        entities=sorted(entities.values(), key=lambda e: (-e.visits, e.entity, e.id or "")),
        groups=sorted(groups.values(), key=lambda g: (-g.visits, g.key, g.entity_id or "")),
        repeats=repeats,
        items_by_source=dict(sorted(by_source.items(), key=lambda pair: (-pair[1], pair[0]))),
        visits=sum(month["visits"] for month in counts),
        problems=sum(month["problems"] for month in counts),
        never_visited=_never_visited(identities, entities, last, policy),
        registered=len(register.active()) if register else None,
    )


def _never_visited(
    identities: Identities, visited: dict[str, EntityFigures], last: date, policy: Policy | None
) -> list[NeverVisited] | None:
    if identities.register is None:
        return None
    by_district: dict[str | None, list[Entity]] = defaultdict(list)
    for entity in identities.register.active():
        if "id:" + entity.id not in visited:
            by_district[entity.district_id].append(entity)
    found = []
    order: dict[str | None, int] = (
        {district: n for n, district in enumerate(policy.district_ids)} if policy else {}
    )
    for district_id, entries in sorted(
        by_district.items(), key=lambda pair: (order.get(pair[0], len(order)), pair[0] or "")
    ):
        entry = policy.assignment_on(district_id, last) if policy and district_id else None
        found.append(
            NeverVisited(
                entries[0].district,
                district_id,
                entry.leader if entry is not None else None,
                sorted(entries, key=lambda e: e.name),
            )
        )
    return found
