"""Crash safety (issue 6): `wkb visit add` and `wkb rectify close` killed with SIGKILL at any
point leave either no record or a whole one, never touch what was recorded before, and leave at
most temp files (`.wkb-*.tmp`) that readers ignore and `wkb validate --fix` removes.

Each run is a child forked from this already-imported process (running the CLI in-process), so a
few hundred kills take seconds. Random kills are seeded (`random.Random`); the exact windows
between writing the temp file and linking or renaming it are hit deterministically by making
the child kill itself there.
"""

from __future__ import annotations

import os
import random
import signal
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from budget import THOROUGH
from builders import make_item, make_visit, write_item, write_visit
from inprocess import command, die, fork, invoke, kill_after, run, wait
from wkb_tracker.domain.model import RectificationEvent
from wkb_tracker.store.loader import record_files
from wkb_tracker.store.records import (
    event_file_from_document,
    is_event_file,
    rectification_from_document,
    visit_from_document,
)
from wkb_tracker.store.rectification_store import find_item
from wkb_tracker.store.root import RECTIFICATIONS_DIR, VISITS_DIR
from wkb_tracker.store.storage import read_yaml

pytestmark = pytest.mark.durable  # os.fsync stays real here (tests/conftest.py)

DISTRICTS = ("donghu", "hanyang", "jiangxia", "wuchang", "hongshan")
# The thorough profile (tests/budget.py) kills 200 adds and 150 closes; the quick one a third.
KILLED_ADDS = 200 if THOROUGH else 70
KILLED_CLOSES = 150 if THOROUGH else 50


@dataclass
class Ledger:
    """Every record file seen so far and its (inode, size, mtime): a record is never rewritten by
    `visit add`, and only the item being closed may change under `rectify close`."""

    root: Path
    seen: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    def files(self) -> tuple[list[str], list[str]]:
        visits, visit_temps = record_files(self.root, VISITS_DIR)
        items, item_temps = record_files(self.root, RECTIFICATIONS_DIR)
        return visits + items, visit_temps + item_temps

    def check(self, changing: str | None = None) -> list[str]:
        """Assert every record file is whole and valid and none seen before is gone or changed
        (except `changing`); returns the files that are new since the last check."""
        files, _temps = self.files()
        missing = set(self.seen) - set(files)
        assert not missing, f"records lost: {sorted(missing)}"
        fresh = []
        for rel in files:
            status = os.stat(self.root / rel)
            key = (status.st_ino, status.st_size, status.st_mtime_ns)
            if rel in self.seen and rel != changing:
                assert self.seen[rel] == key, f"{rel} changed"
                continue
            if self.seen.get(rel) != key:
                whole(self.root, rel)
                fresh.append(rel)
            self.seen[rel] = key
        return fresh


def whole(root: Path, rel: str) -> Any:
    """The record in `rel`, asserting it reads as one without a single problem."""
    doc = read_yaml(root, rel)
    assert not doc.problems, f"partial or broken record: {doc.problems}"
    parse: Callable[[Any], tuple[Any, Any]] = (
        visit_from_document
        if rel.startswith(VISITS_DIR)
        else event_file_from_document
        if is_event_file(rel.rsplit("/", 1)[1])
        else rectification_from_document
    )
    record, problems = parse(doc)
    assert record is not None, f"partial or broken record: {problems}"
    return record


def history(root: Path, rel: str) -> tuple[RectificationEvent, ...]:
    """The whole history of the item in `rel`: its file's events and its own event files."""
    return find_item(root, rel.rsplit("/", 1)[1].removesuffix(".yaml")).events


def typical_duration(works: list[Callable[[], int]]) -> float:
    """Median wall time of each of `works` but the first in a forked child left to finish: the
    range that random kills aim at, whatever the speed of the machine. The first runs here, so
    that every child inherits what the command imports and builds and the kills land in the
    command's own work, not in its imports."""
    command()  # built once here, inherited by every child
    assert works[0]() == 0
    times = []
    for work in works[1:]:
        started = time.perf_counter()
        assert wait(fork(work)) == 0
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def records_bytes(root: Path) -> dict[str, bytes]:
    files, _temps = Ledger(root).files()
    return {rel: (root / rel).read_bytes() for rel in files}


def validate_clean_then_fix(root: Path, records: int) -> None:
    """`wkb validate` is clean and counts exactly the record files; `--fix` removes every temp
    file and not a byte of any record."""
    files, temps = Ledger(root).files()
    visits = sum(1 for rel in files if rel.startswith(VISITS_DIR))
    assert len(files) == records
    items = sum(
        1 for rel in files[visits:] if not is_event_file(rel.rsplit("/", 1)[1])
    )  # the rest are events, one file each
    result = invoke("--root", str(root), "validate")
    assert result.exit_code == 0, result.stdout
    assert f"{visits} 条走访记录、{items} 个整改事项" in result.stdout
    if temps:
        assert f"有 {len(temps)} 个崩溃遗留的临时文件(不计为记录)" in result.stdout
    before = records_bytes(root)
    fixed = invoke("--root", str(root), "validate", "--fix")
    assert fixed.exit_code == 0
    assert Ledger(root).files()[1] == []
    assert records_bytes(root) == before


# -- random kills ----------------------------------------------------------------------------


def adder(root: Path, number: int) -> Callable[[], int]:
    args = add_args(root, number)
    return lambda: run(args)


def add_args(root: Path, number: int) -> list[str]:
    """A `visit add` that varies: district, date, and every fifth one opens a rectification item
    (visit file first, then the item's)."""
    args = [
        "--root",
        str(root),
        "visit",
        "add",
        "--date",
        f"2026-11-{1 + number % 25:02d}",
        "--district",
        DISTRICTS[number % len(DISTRICTS)],
        "--entity",
        f"创新主体{number}",
        "--type",
        "科技企业",
        "--summary",
        "了解需求" * (1 + number % 40),
    ]
    if number % 5 == 0:
        args += ["--problem", f"用地审批慢{number}"]
    return args


def test_visit_add__killed_at_random_points_leaves_whole_records_only(root: Path) -> None:
    rng = random.Random(20261125)
    ledger = Ledger(root)
    for day in (1, 2, 3):  # recorded before the crashes: must survive them untouched
        write_visit(root, make_visit(date(2026, 11, day)))
    span = typical_duration([adder(root, -n) for n in range(0, 6)]) * 1.3
    ledger.check()
    killed = 0
    for number in range(1, KILLED_ADDS + 1):
        if number % 10 == 0:  # now and then one left to finish: after the crashes, adds still work
            assert wait(fork(adder(root, number))) == 0
        else:
            killed += kill_after(fork(adder(root, number)), rng.uniform(0, span))
        ledger.check()
    assert killed > 0  # kills landed mid-command (not only after the child had finished)
    validate_clean_then_fix(root, len(ledger.seen))


def test_rectify_close__killed_at_random_points_closes_once_or_not_at_all(root: Path) -> None:
    rng = random.Random(15)
    ledger = Ledger(root)
    items = [write_item(root, make_item(date(2026, 11, 1 + n % 20))) for n in range(200)]
    ids = {rel: rel.rsplit("/", 1)[1].removesuffix(".yaml") for rel in items}

    def close(rel: str, number: int) -> Callable[[], int]:
        args = [
            "--root",
            str(root),
            "rectify",
            "close",
            ids[rel],
            "--resolution",
            f"已办结{number}",
        ]
        return lambda: run(args)

    span = typical_duration([close(items.pop(), 0) for _ in range(6)]) * 1.3
    ledger.check()
    killed = 0
    for number in range(1, KILLED_CLOSES + 1):
        rel = items[rng.randrange(len(items))]
        before = history(root, rel)
        if number % 10 == 0:  # one left to finish: no lock is left behind by the killed ones
            assert wait(fork(close(rel, number))) == 0
        else:
            killed += kill_after(fork(close(rel, number)), rng.uniform(0, span))
        ledger.check(changing=rel)
        after = history(root, rel)
        if after != before:  # closed: exactly one event more, the one this command wrote
            assert after[:-1] == before
            assert (after[-1].kind, after[-1].resolution) == ("close", f"已办结{number}")
            items.remove(rel)
    assert killed > 0
    validate_clean_then_fix(root, len(ledger.seen))


# -- the exact windows -----------------------------------------------------------------------


def _crash(name: str, *, after: bool) -> Callable[[], None]:
    """Replace os.<name> in the child with one that SIGKILLs the child just before (or just
    after) doing the real thing to a file under data/ (the derived cache in .wkb-cache/ is
    written the same way and left alone)."""
    real = getattr(os, name)

    def crashing(*args: Any, **kwargs: Any) -> Any:
        target = os.readlink(f"/proc/self/fd/{args[0]}") if name == "fsync" else str(args[0])
        if "/data/" not in target:
            return real(*args, **kwargs)
        if after:
            real(*args, **kwargs)
        die()

    return lambda: setattr(os, name, crashing)


def _temps(root: Path) -> list[str]:
    return Ledger(root).files()[1]


@pytest.mark.parametrize(
    ("patch", "recorded"),
    [
        (_crash("fsync", after=False), False),  # temp file written, not yet synced
        (_crash("link", after=False), False),  # temp file whole, not yet linked as the record
        (_crash("link", after=True), True),  # record linked, temp name not yet removed
    ],
    ids=["before-temp-fsync", "before-link", "after-link-before-temp-removed"],
)
def test_visit_add__killed_inside_the_atomic_write(
    root: Path, patch: Callable[[], None], recorded: bool
) -> None:
    earlier = write_visit(root, make_visit(date(2026, 11, 2)))
    before = records_bytes(root)
    command()

    def crashing_add() -> int:
        patch()
        return run(add_args(root, 7))

    assert wait(fork(crashing_add)) == -signal.SIGKILL  # it died where we made it
    files, temps = Ledger(root).files()
    assert len(temps) == 1
    new = [rel for rel in files if rel not in before]
    assert len(new) == (1 if recorded else 0)
    for rel in new:
        assert whole(root, rel).entity == "创新主体7"
    assert (root / earlier).read_bytes() == before[earlier]
    validate_clean_then_fix(root, len(files))


def test_rectify_close__killed_holding_the_lock_leaves_the_item_unchanged_and_no_stale_lock(
    root: Path,
) -> None:
    rel = write_item(root, make_item(date(2026, 11, 2)))
    item_id = rel.rsplit("/", 1)[1].removesuffix(".yaml")
    before = (root / rel).read_bytes()
    command()
    args = ["--root", str(root), "rectify", "close", item_id, "--resolution", "已办结"]

    def crashing_close() -> int:
        _crash("link", after=False)()  # under the lock, the event whole in its temp file
        return run(args)

    assert wait(fork(crashing_close)) == -signal.SIGKILL
    assert (root / rel).read_bytes() == before
    assert history(root, rel) == ()
    assert len(_temps(root)) == 1
    validate_clean_then_fix(root, 1)
    # the dead writer's lock died with it: the next writer goes straight through
    assert wait(fork(lambda: run(args)), timeout=10) == 0
    events = history(root, rel)
    assert [(e.kind, e.resolution) for e in events] == [("close", "已办结")]


def test_rectify_close__killed_right_after_the_link_is_closed_exactly_once(root: Path) -> None:
    rel = write_item(root, make_item(date(2026, 11, 2)))
    item_id = rel.rsplit("/", 1)[1].removesuffix(".yaml")
    command()
    args = ["--root", str(root), "rectify", "close", item_id, "--resolution", "已办结"]

    def crashing_close() -> int:
        _crash("link", after=True)()  # the event file linked, its temp name not yet removed
        return run(args)

    assert wait(fork(crashing_close)) == -signal.SIGKILL
    assert [e.kind for e in history(root, rel)] == ["close"]
    assert len(_temps(root)) == 1
    again = invoke(*args)
    assert again.exit_code == 2 and again.exception is None
    assert [e.kind for e in history(root, rel)] == ["close"]
    validate_clean_then_fix(root, 2)


def test_visit_add__killed_between_the_visit_and_its_rectification_items(root: Path) -> None:
    """A crash after the visit file is linked but before its items are written must not lose the
    problem from the rectification list (measure 15) silently: `wkb validate` stays clean (no
    record is broken) but names the visit and the command that opens its item."""
    command()

    def crashing_add() -> int:
        _crash("link", after=True)()  # the first record linked is the visit
        return run(add_args(root, 5))  # number 5 carries a --problem

    assert wait(fork(crashing_add)) == -signal.SIGKILL
    visits = [whole(root, rel) for rel in Ledger(root).files()[0] if rel.startswith(VISITS_DIR)]
    assert [visit.problems for visit in visits] == [("用地审批慢5",)]
    items, _temps = record_files(root, RECTIFICATIONS_DIR)
    assert items == []
    result = invoke("--root", str(root), "validate")
    assert result.exit_code == 0
    assert f"走访 {visits[0].id} 记录了问题但没有整改事项" in result.stdout
    assert f"wkb rectify add --visit {visits[0].id}" in result.stdout
