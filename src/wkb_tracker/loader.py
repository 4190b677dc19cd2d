"""The one way in: a records root → a Dataset (policy, config, records) plus every Problem found.

Bad files never stop a load: they become Problems and are left out of the Dataset. So does a
record outside the month folder of its date: a one-month reader would never see it there.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from wkb_tracker.config import Config, read_config
from wkb_tracker.errors import Problem
from wkb_tracker.i18n import say
from wkb_tracker.model import Rectification, Visit
from wkb_tracker.policy import Policy, load_policy
from wkb_tracker.records import rectification_from_document, visit_from_document
from wkb_tracker.root import RECTIFICATIONS_DIR, VISITS_DIR
from wkb_tracker.storage import Document, is_temp_file, read_yaml


@dataclass
class Dataset:
    root: Path
    config: Config
    policy: Policy
    visits: list[Visit] = field(default_factory=list)
    rectifications: list[Rectification] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    temp_files: list[str] = field(default_factory=list)

    @property
    def monthly_minimum(self) -> int:
        """Measure 14's minimum contacts per leader, district and month (config may override)."""
        return self.config.monthly_minimum or self.policy.monthly_minimum


def record_files(
    root: Path, directory: str, months: Iterable[tuple[int, int]] | None = None
) -> tuple[list[str], list[str]]:
    """(record files, leftover temp files) under `directory`, relative to root, sorted.

    With `months`, only the `YYYY/MM` folders of those months are listed: a month's report never
    touches other months' files. A symlinked folder below `directory` is never entered; it is
    listed among the records instead, so that reading it reports it (a symlink leaving the root,
    or not a file) rather than its contents being counted by some commands and not by others.
    """
    if months is not None:
        tops = [f"{directory}/{year:04d}/{month:02d}" for year, month in months]
    else:
        tops = [directory]
    records: set[str] = set()
    temps: list[str] = []
    for top in tops:
        link = _linked_folder(root, directory, top)
        if link is not None:
            records.add(link)
            continue
        base = root / top
        if not base.is_dir():
            continue
        for folder, subfolders, names in os.walk(base):
            rel_folder = Path(folder).relative_to(root).as_posix()
            kept = []
            for name in subfolders:
                if name.startswith("."):
                    continue
                if os.path.islink(os.path.join(folder, name)):
                    records.add(f"{rel_folder}/{name}")
                else:
                    kept.append(name)
            subfolders[:] = kept
            for name in names:
                if is_temp_file(name):
                    temps.append(f"{rel_folder}/{name}")
                elif name.endswith(".yaml") and not name.startswith("."):
                    records.add(f"{rel_folder}/{name}")
    return sorted(records), sorted(temps)


def _linked_folder(root: Path, directory: str, top: str) -> str | None:
    """The first folder between `directory` and `top` (both relative) that is a symlink."""
    parts = top[len(directory) :].strip("/").split("/") if top != directory else []
    rel = directory
    for part in parts:
        rel = f"{rel}/{part}"
        if os.path.islink(root / rel):
            return rel
    return None


def month_folder(directory: str, day: date) -> str:
    """`data/visits/YYYY/MM`: where the record of `day` belongs."""
    return f"{directory}/{day.year:04d}/{day.month:02d}"


def _visit_misplaced(doc: Document, visit: Visit) -> list[Problem]:
    """A visit outside the month folder of its date is left out rather than counted by some
    readers and missed by others (a one-month reader only looks in that month's folder)."""
    folder = month_folder(VISITS_DIR, visit.date)
    if doc.rel.startswith(folder + "/"):
        return []
    message = say(
        "文件不在其日期对应的月份目录({f})",
        "file is not in the month folder of its date ({f})",
        f=folder,
    )
    return [doc.problem(message, "date")]


def _item_misplaced(doc: Document, item: Rectification) -> list[Problem]:
    folder = month_folder(RECTIFICATIONS_DIR, item.opened)
    if doc.rel.startswith(folder + "/"):
        return []
    message = say(
        "文件不在其立项日期对应的月份目录({f})",
        "file is not in the month folder of its opened date ({f})",
        f=folder,
    )
    return [doc.problem(message, "opened")]


@contextmanager
def _bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while thousands of small acyclic records are built:
    it would otherwise rescan them again and again (up to 1.6x slower on large loads)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_visits(
    root: Path, months: Iterable[tuple[int, int]] | None = None
) -> tuple[list[Visit], list[Problem], list[str]]:
    files, temps = record_files(root, VISITS_DIR, months)
    visits: list[Visit] = []
    problems: list[Problem] = []
    with _bulk():
        for rel in files:
            doc = read_yaml(root, rel)
            if doc.problems:
                problems += doc.problems
                continue
            visit, found = visit_from_document(doc)
            if visit is not None and (misplaced := _visit_misplaced(doc, visit)):
                visit, found = None, misplaced
            problems += found
            if visit is not None:
                visits.append(visit)
    return visits, problems, temps


def load_rectifications(root: Path) -> tuple[list[Rectification], list[Problem], list[str]]:
    files, temps = record_files(root, RECTIFICATIONS_DIR)
    items: list[Rectification] = []
    problems: list[Problem] = []
    with _bulk():
        for rel in files:
            doc = read_yaml(root, rel)
            if doc.problems:
                problems += doc.problems
                continue
            item, found = rectification_from_document(doc)
            if item is not None and (misplaced := _item_misplaced(doc, item)):
                item, found = None, misplaced
            problems += found
            if item is not None:
                items.append(item)
    return items, problems, temps


def load(
    root: Path,
    *,
    visits: bool = True,
    rectifications: bool = True,
    months: Iterable[tuple[int, int]] | None = None,
) -> Dataset:
    """Load what a command needs: the policy and config always, records on request."""
    config, problems = read_config(root)
    policy, policy_problems = load_policy(root)
    dataset = Dataset(root, config, policy, problems=problems + policy_problems)
    if visits:
        dataset.visits, found, temps = load_visits(root, months)
        dataset.problems += found
        dataset.temp_files += temps
    if rectifications:
        dataset.rectifications, found, temps = load_rectifications(root)
        dataset.problems += found
        dataset.temp_files += temps
    return dataset
