"""The figures of `wkb stats` from the records (issue 14.4): computed, or remembered.

Two levels of remembering, both in the records cache (store/answer_cache.py):
- the whole answer, under the question and the signature of every month folder it read: the
  same question of the same records reads one row;
- parts per month folder (what its visits count, the problems they raised, its items by
  source), under that folder's signature: after one new visit, a year's figures decode one
  month's visits and merge the other months' parts (domain/stats.py `combine`), instead of
  decoding ~25,000 visits again.

A part is never mixed with records it was not computed from: its key holds the folder's
signature, the register's key (an entity's identity depends on it) and the code. One visit or
item id in two month folders (a copied file) makes the figures come from all the records at
once, where the copy is reported as everywhere else.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wkb_tracker.domain import stats as counting
from wkb_tracker.domain.dates import months_between

if TYPE_CHECKING:
    from wkb_tracker.domain.compliance import Period
    from wkb_tracker.domain.entities import Register
    from wkb_tracker.domain.policy import Policy

Month = tuple[int, int]
PartName = tuple[str, str]  # (kind, month folder)


def stats_figures(
    root: Path,
    policy: Policy,
    policy_key: object,
    period: Period,
    by: str,
    days: int,
    day: date,
    lang: str,
    *,
    view: Callable[[counting.Stats], dict[str, Any]],
    cache: bool = True,
) -> tuple[dict[str, Any], list[str]]:
    """The figures of `period` as `view` shows them (the public JSON, a JSON value: it is what
    is remembered) and the warnings met computing them. `policy_key`: the policy cache's key
    taken before the policy was read."""
    from wkb_tracker.store import entity_cache
    from wkb_tracker.store.answer_cache import answer_key, code_signature, remembered
    from wkb_tracker.store.loader import month_signatures
    from wkb_tracker.store.root import ENTITIES_DIR, RECTIFICATIONS_DIR, VISITS_DIR

    earliest = min(period.first - timedelta(days=days), period.first)  # repeats look back
    # Only the month folders the figures need: visits from the repeat window's start, items
    # opened in the period (an item lives in the folder of its opened month).
    visit_months = months_between(earliest, period.last)
    item_months = period.months()
    question = _Question(period.first, period.last, by, days, policy, view)
    if not cache:  # --no-cache: nothing is signed, remembered or reused
        return _from_records(root, question, visit_months, item_months, {}, None)
    visit_folders = month_signatures(root, VISITS_DIR, visit_months)
    item_folders = month_signatures(root, RECTIFICATIONS_DIR, item_months)
    register_key = entity_cache.key(root, ENTITIES_DIR)
    code = code_signature()
    whole = answer_key(
        ["stats", period.first, period.last, by, days, day, lang],
        [visit_folders, item_folders, policy_key, register_key],
        code,
    )
    # Not taken twice on a miss: the folders' and the register's signatures are read under.
    signed = {**(visit_folders or {}), **(item_folders or {})}

    def compute() -> tuple[dict[str, Any], list[str]]:
        if visit_folders is None or item_folders is None or register_key is None or code is None:
            return _from_records(root, question, visit_months, item_months, signed, register_key)
        return _from_parts(
            root, question, visit_folders, item_folders, register_key, code, visit_months, signed
        )

    return remembered(root, whole, compute)


@dataclass(frozen=True)
class _Question:
    """What is asked: the period, the grouping, the repeat window, the policy naming each
    district's leader (for the never-visited list), and how the figures are shown."""

    first: date
    last: date
    by: str
    days: int
    policy: Policy
    view: Callable[[counting.Stats], dict[str, Any]]

    def clip(self, month: Month) -> tuple[date, date] | None:
        """The days of `month` inside the period (None: none)."""
        year, number = month
        first = max(self.first, date(year, number, 1))
        last = min(self.last, date(year, number, calendar.monthrange(year, number)[1]))
        return (first, last) if first <= last else None

    def combine(
        self,
        counts: list[counting.MonthCounts],
        raised: list[counting.RaisedRow],
        sources: list[dict[str, int]],
        register: Register | None,
    ) -> dict[str, Any]:
        from wkb_tracker.domain.identity import Identities

        figures = counting.combine(
            counts,
            raised,
            sources,
            self.first,
            self.last,
            by=self.by,
            window_days=self.days,
            identities=Identities(register),
            policy=self.policy,
        )
        return self.view(figures)


def _from_records(
    root: Path,
    question: _Question,
    visit_months: list[Month],
    item_months: list[Month],
    signed: dict[str, str],
    register_key: str | None,
) -> tuple[dict[str, Any], list[str]]:
    """The figures from every record they need, read at once (no part reused). `signed`: the
    folders' signatures, `register_key` the register's, already taken (None: not taken)."""
    from wkb_tracker.store.entity_store import load_signed_register
    from wkb_tracker.store.loader import load_rectifications, load_visits

    visits, visit_problems, _temps = load_visits(root, visit_months, signed=signed)
    # Only an item's source and opened date count here; no event changes either.
    items, problems, _temps = load_rectifications(
        root, months=item_months, signed=signed, items_only=True
    )
    register, broken = load_signed_register(root, register_key)
    warnings = [str(problem) for problem in visit_problems + problems + broken]
    figures = counting.compute(
        visits,
        items,
        question.first,
        question.last,
        by=question.by,
        window_days=question.days,
        register=register,
        policy=question.policy,
    )
    return question.view(figures), warnings


def _month(rel: str) -> Month:
    """The month of a month folder `data/<kind>/YYYY/MM`."""
    year, number = rel.rsplit("/", 2)[1:]
    return int(year), int(number)


def _from_parts(
    root: Path,
    question: _Question,
    visit_folders: dict[str, str],
    item_folders: dict[str, str],
    register_key: str,
    code: str,
    visit_months: list[Month],
    signed: dict[str, str],
) -> tuple[dict[str, Any], list[str]]:
    """The figures merged from each month folder's parts, those not kept computed from the
    folder's records (and kept, when nothing was wrong)."""
    from wkb_tracker.domain.identity import Identities
    from wkb_tracker.store.answer_cache import answer_key, remembered_parts
    from wkb_tracker.store.entity_store import load_signed_register
    from wkb_tracker.store.loader import load_rectifications, load_visits

    item_months = sorted(_month(rel) for rel in item_folders)  # those that exist
    register, broken = load_signed_register(root, register_key)
    if broken:  # a register entry left out: its reason may lie outside any key
        return _from_records(root, question, visit_months, item_months, signed, register_key)
    keys: dict[PartName, str | None] = {}
    for rel, signature in sorted(visit_folders.items()):
        month = _month(rel)
        # what a month's visits raised does not depend on the question; what they count does
        keys[("raised", rel)] = answer_key(["stats-raised", rel], [signature, register_key], code)
        if (clip := question.clip(month)) is not None:
            keys[("counts", rel)] = answer_key(
                ["stats-counts", rel, clip, question.by], [signature, register_key], code
            )
    for rel, signature in sorted(item_folders.items()):
        keys[("sources", rel)] = answer_key(
            ["stats-sources", rel, question.clip(_month(rel))], [signature], code
        )

    def compute(
        missing: list[PartName],
    ) -> tuple[dict[PartName, Any], list[str], set[PartName]]:
        identities = Identities(register)
        computed: dict[PartName, Any] = {}
        visit_rels = sorted({rel for kind, rel in missing if kind != "sources"})
        item_rels = sorted({rel for kind, rel in missing if kind == "sources"})
        visits, visit_problems, _temps = (
            load_visits(root, [_month(rel) for rel in visit_rels], signed=signed)
            if visit_rels
            else ([], [], [])
        )
        by_month = _by_month(visits, lambda visit: visit.date)
        for rel in visit_rels:
            month = by_month.get(_month(rel), [])
            ids = [visit.id for visit in month]
            computed[("raised", rel)] = {
                "rows": counting.month_raised(month, identities),
                "ids": ids,
            }
            if (clip := question.clip(_month(rel))) is not None:
                computed[("counts", rel)] = counting.month_counts(
                    month, identities, question.by, *clip
                )
        items, item_problems, _temps = (
            load_rectifications(
                root, months=[_month(rel) for rel in item_rels], signed=signed, items_only=True
            )
            if item_rels
            else ([], [], [])
        )
        items_by_month = _by_month(items, lambda item: item.opened)
        for rel in item_rels:
            month = items_by_month.get(_month(rel), [])
            clip = question.clip(_month(rel))
            assert clip is not None  # item folders are the period's months
            computed[("sources", rel)] = {
                "sources": counting.month_sources(month, *clip),
                "ids": [item.id for item in month],
            }
        problems = visit_problems + item_problems
        # A problem is a file's (or a folder's, when it cannot be read): the parts of that
        # folder are not kept, those of the folders read beside it are.
        met = {problem.path for problem in problems}
        met |= {path.rpartition("/")[0] for path in met}
        unkept = {name for name in computed if name[1] in met}
        return computed, [str(problem) for problem in problems], unkept

    parts, warnings = remembered_parts(root, keys, compute)
    if not _one_home_each(parts):  # a record copied into another month: read all at once
        return _from_records(root, question, visit_months, item_months, signed, register_key)
    answer = question.combine(
        [parts[name] for name in keys if name[0] == "counts"],
        [row for name in keys if name[0] == "raised" for row in parts[name]["rows"]],
        [parts[name]["sources"] for name in keys if name[0] == "sources"],
        register,
    )
    return answer, warnings


def _by_month(records: list[Any], day: Callable[[Any], date]) -> dict[Month, list[Any]]:
    found: dict[Month, list[Any]] = defaultdict(list)
    for record in records:
        when = day(record)
        found[(when.year, when.month)].append(record)
    return found


def _one_home_each(parts: dict[PartName, Any]) -> bool:
    """No visit id, nor item id, in two month folders' parts."""
    for kind in ("raised", "sources"):
        ids = [one for (of, _rel), part in parts.items() if of == kind for one in part["ids"]]
        if len(ids) != len(set(ids)):
            return False
    return True
