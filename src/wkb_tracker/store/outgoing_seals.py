"""What `wkb sync` is about to push that what it has just received makes wrong: a seal it
rejects (measure 17), or a revised responsibility table it no longer matches (measure 14).

A clerk records a visit, an item or an event dated in last month on a clone the office's seal of
that month has not reached yet; `wkb sync` brings the seal in and replays the clerk's commit on
top of it without a conflict. Pushed, the entry would make `wkb validate` fail on every clone
(and the pre-commit hook with it) until someone fixed a file they did not write. So, after the
rebase, sync reads the record files its local commits add or change, and when any of them is
dated in a sealed month without the approval the seal asks for, pushes nothing and says which
(the local commits stay as they are).

The rule is `wkb validate`'s (store/seal_checks.py), applied to those files only:
- a visit the manifest lists must still hold the bytes it was sealed with (an edit, a void, a
  move or a removal on a clone the seal had not reached breaks the seal);
- a visit dated in a sealed month whose manifest does not list it needs a `late_reason`;
- an item opened, or an event dated, in a sealed month and recorded after the seal needs a late
  reason and an approver.
Files that do not read as records are left to `wkb validate` (they are not counted anyway).

A revised table is only worth a warning: a visit led by a leader who no longer holds the district
that day is a valid record (it counts for nobody, `bureau.visits_not_counted`), but when the clerk
let wkb fill in the leader from a table that was already out of date on the office's side, it is
the new leader's contact, and only the clerk knows (`leader_changes`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wkb_tracker.domain.errors import DataError, Problem, UserError
from wkb_tracker.store.root import RECTIFICATIONS_DIR, VISITS_DIR, is_sealed, record_month

if TYPE_CHECKING:
    from wkb_tracker.domain.model import Rectification
    from wkb_tracker.store.manifest import Seal


@dataclass(frozen=True)
class Unapproved:
    path: str  # relative to the records root
    record_id: str  # the visit's or the item's id
    month: str  # the sealed month, YYYY-MM
    visit: bool  # a visit (approved with `wkb visit edit`), else a rectification file
    sealed: bool = False  # a visit the manifest lists, changed or removed: only a reopening helps
    # An item's own file opened by this visit's problems: approving the visit approves it too
    # (`wkb visit edit --late-reason`, rectification_store.approve_items_of_late_visit).
    opened_by: str | None = None


def unapproved_after_seal(root: Path, rels: list[str]) -> list[Unapproved]:
    """The files among `rels` (record files relative to root) that a seal present in `root`
    rejects, in path order."""
    visits = sorted(rel for rel in rels if rel.startswith(VISITS_DIR + "/"))
    items = sorted(rel for rel in rels if rel.startswith(RECTIFICATIONS_DIR + "/"))
    found = _visits(root, visits)
    if items:
        found += _rectification_files(root, items)
    return sorted(found, key=lambda one: one.path)


def _visits(root: Path, rels: list[str]) -> list[Unapproved]:
    from wkb_tracker.store.manifest import hash_matches
    from wkb_tracker.store.visits import parse_current

    seals: dict[tuple[int, int], Seal | None] = {}
    found = []
    for rel in rels:
        # A file the manifest lists is part of the sealed figures: edited, voided, moved or
        # removed here, the seal no longer holds (validate: "changed after … was sealed").
        folder = record_month(rel)
        seal = _seal(root, folder, seals) if folder is not None else None
        entry = next((one for one in seal.visits if one.path == rel), None) if seal else None
        if seal is not None and entry is not None:
            if not hash_matches(root / rel, entry.sha256, seal.hash_scheme):
                found.append(Unapproved(rel, entry.id, seal.label, visit=True, sealed=True))
            continue
        try:
            visit = parse_current(rel, (root / rel).read_bytes())
        except (OSError, DataError):  # removed, or broken (validate reports it)
            continue
        seal = _seal(root, (visit.date.year, visit.date.month), seals)
        if seal is None or visit.late_reason:
            continue
        if all(one.id != visit.id for one in seal.visits):
            found.append(Unapproved(rel, visit.id, seal.label, visit=True))
        # else: a sealed visit moved here; its sealed path is among `rels` as removed
    return found


def _seal(
    root: Path, month: tuple[int, int], seals: dict[tuple[int, int], Seal | None]
) -> Seal | None:
    """The current seal of `month` (read once per month), None when it has none."""
    if month not in seals:
        seals[month] = None
        if is_sealed(root, *month):
            from wkb_tracker.store.manifest import read_seal_book

            book, _problems = read_seal_book(root, [month])  # broken: validate reports it
            seals[month] = book[month].current if month in book else None
    return seals[month]


def _rectification_files(root: Path, rels: list[str]) -> list[Unapproved]:
    """Item and event files: each item is read with its whole history (the check needs the
    item's dates), and only the problems about the files in `rels` count."""
    from wkb_tracker.store.rectification_store import item_with_readable_events
    from wkb_tracker.store.seal_checks import unapproved_after_seal as problems_of

    wanted = set(rels)
    item_ids = sorted({os.path.basename(rel).split(".", 1)[0] for rel in rels})
    found = []
    for item_id in item_ids:
        try:
            # a broken event file beside them is validate's to report, and must not let an
            # unapproved one through
            item = item_with_readable_events(root, item_id)
        except (UserError, DataError, OSError):
            continue
        for problem in problems_of(root, [item]):
            if problem.path in wanted:
                month = _month_of(problem.path, item)
                opened_by = item.visit if problem.path == item.path else None
                found.append(
                    Unapproved(problem.path, item.id, month, visit=False, opened_by=opened_by)
                )
    return found


def _month_of(path: str, item: Rectification) -> str:
    """The sealed month an item's or event's file is dated in, for the message."""
    for event in item.events:
        if event.id is not None and path.endswith(f".{event.id}.yaml"):
            return f"{event.date:%Y-%m}"
    return f"{item.opened:%Y-%m}"


def leader_changes(root: Path, rels: list[str]) -> list[str]:
    """One warning per visit among `rels` whose leader does not hold its district on its day under
    the table now in `root` (nor was present, `--with`), saying who does and how to correct it."""
    from wkb_tracker.domain.i18n import say
    from wkb_tracker.store.policy_files import load_policy
    from wkb_tracker.store.visits import parse_current

    visits = sorted(rel for rel in rels if rel.startswith(VISITS_DIR + "/"))
    if not visits:
        return []
    policy, problems = load_policy(root)
    if problems:
        return []  # a broken table is reported by every command; nothing to compare with
    warnings = []
    for rel in visits:
        try:
            visit = parse_current(rel, (root / rel).read_bytes())
        except (OSError, DataError):
            continue
        entry = policy.assignment_on(visit.district_id, visit.date)
        if visit.void is not None or entry is None:
            continue
        if entry.leader == visit.leader or entry.leader in visit.joint_leaders:
            continue
        warnings.append(
            say(
                "注意:收到的分工表中 {d} 自 {f} 起由 {n} 负责,本地走访 {i}({day})记为 {o} 带队,"
                "不计入 {n} 的联系;若实际由 {n} 带队,请用 wkb visit edit {i} 改正",
                "note: under the table just received, {d} is {n}'s from {f}; local visit {i} ({day})"
                " is recorded as led by {o} and does not count for {n}; if {n} led it, correct it"
                " with wkb visit edit {i}",
                d=entry.district,
                f=entry.start.isoformat(),
                n=entry.leader,
                i=visit.id,
                day=visit.date.isoformat(),
                o=visit.leader,
            )
        )
    return warnings


def broken_files(root: Path, rels: list[str]) -> list[Problem]:
    """The problems of the outgoing record files themselves (a hand edit that no longer reads as
    the record it was, or reads with problems), as `wkb validate` reports them at `path:line`.
    Pushed, each would fail `wkb validate` on every clone; removed files have none."""
    from wkb_tracker.store.loader import item_from_doc, read_doc, visit_from_doc

    problems: list[Problem] = []
    for rel in sorted(rels):
        if not os.path.lexists(root / rel):
            continue
        doc = read_doc(root, rel)
        _record, found = (
            visit_from_doc(doc) if rel.startswith(VISITS_DIR + "/") else item_from_doc(doc)
        )
        problems += [problem for problem in found if problem.path == rel]
    return problems
