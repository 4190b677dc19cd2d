"""The one way in: a records root → a Dataset (policy, config, records) plus every Problem found.

Bad files never stop a load: they become Problems and are left out of the Dataset.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from wkb_tracker.config import Config, read_config
from wkb_tracker.errors import Problem
from wkb_tracker.model import Rectification, Visit
from wkb_tracker.policy import Policy, load_policy
from wkb_tracker.records import rectification_from_document, visit_from_document
from wkb_tracker.root import RECTIFICATIONS_DIR, VISITS_DIR
from wkb_tracker.storage import is_temp_file, read_yaml


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
    touches other months' files.
    """
    if months is not None:
        tops = [f"{directory}/{year:04d}/{month:02d}" for year, month in months]
    else:
        tops = [directory]
    records: list[str] = []
    temps: list[str] = []
    for top in tops:
        base = root / top
        if not base.is_dir():
            continue
        for folder, subfolders, names in os.walk(base):
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            rel_folder = Path(folder).relative_to(root).as_posix()
            for name in names:
                if is_temp_file(name):
                    temps.append(f"{rel_folder}/{name}")
                elif name.endswith(".yaml") and not name.startswith("."):
                    records.append(f"{rel_folder}/{name}")
    return sorted(records), sorted(temps)


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
