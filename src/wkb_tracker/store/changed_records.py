"""The records of a change, read as `wkb validate` reads them: each visit file it adds or
changes, and the whole history of every item one of its item or event files belongs to.

Two checks look at a change instead of the whole root and share these steps: the pre-commit
check of what is staged (store/staged.py) and validate after files were only added
(store/validate_run.py). Each hands in its own reader (plain, or reusing the parse of unchanged
bytes) and decides itself what an event file without its item means.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wkb_tracker.domain.errors import Problem
from wkb_tracker.store.root import RECTIFICATIONS_DIR, VISITS_DIR

if TYPE_CHECKING:
    from wkb_tracker.domain.model import Rectification, Visit
    from wkb_tracker.store.checked import Read


@dataclass
class ChangedRecords:
    """What `read_changed` found: the visits read (path → visit), the items of the histories
    joined, every file of those histories, the ids of the item files among the change's own,
    the event files whose item is not beside them, and the problems of the files read."""

    visits: dict[str, Visit] = field(default_factory=dict)
    items: list[Rectification] = field(default_factory=list)
    item_files: list[str] = field(default_factory=list)
    new_item_ids: list[str] = field(default_factory=list)
    orphans: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_changed(
    root: Path, files: Iterable[str], read_visit: Read, read_item: Read
) -> ChangedRecords:
    """The records of the change's `files` (root-relative record paths; see the module
    docstring). An item's history is read whole, its own files and every event file beside it,
    since a new event can break what the earlier ones said."""
    from wkb_tracker.store.records import is_event_file

    files = tuple(files)
    found = ChangedRecords()
    for rel in files:
        if rel.startswith(VISITS_DIR + "/"):
            visit, problems = read_visit(root, rel)
            found.problems += problems
            if visit is not None:
                found.visits[rel] = visit
    found.item_files = item_histories(root, files)
    if not found.item_files:
        return found
    # Only now: the item model behind `join` is ~6 ms of class creation at start-up, which a
    # commit of one visit (`visit add` with auto-commit, its pre-commit check) need not pay.
    from wkb_tracker.store.event_files import join

    own = set(files)
    records = []
    for rel in found.item_files:
        record, problems = read_item(root, rel)
        found.problems += problems
        if record is not None:
            records.append(record)
            if rel in own and not is_event_file(rel.rsplit("/", 1)[-1]):
                found.new_item_ids.append(record.id)
    found.items, found.orphans = join(records)
    return found


def item_histories(root: Path, files: Iterable[str]) -> list[str]:
    """The files of every item an item or event file of `files` belongs to: `ID.yaml` and each
    `ID.E….yaml` beside it, in their month folder."""
    from wkb_tracker.store.records import is_event_file

    wanted: dict[str, set[str]] = {}
    found: set[str] = set()
    for rel in files:
        if not rel.startswith(RECTIFICATIONS_DIR + "/"):
            continue
        found.add(rel)
        folder, _slash, name = rel.rpartition("/")
        item_id = name.split(".", 1)[0]
        wanted.setdefault(folder, set()).add(item_id)
    for folder, ids in wanted.items():
        try:
            names = [entry.name for entry in (root / folder).iterdir()]
        except OSError:
            continue
        for name in names:
            if not name.endswith(".yaml"):
                continue
            stem = name.split(".", 1)[0]
            if stem in ids and (name == f"{stem}.yaml" or is_event_file(name)):
                found.add(f"{folder}/{name}")
    return sorted(found)
