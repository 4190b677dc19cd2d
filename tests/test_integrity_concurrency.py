"""Concurrency (issue 6): writers side by side never lose or merge each other's records.

Workers are children forked from this process, each running the CLI in-process many times (not
one interpreter per call); a pipe releases them at the same moment.
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from budget import THOROUGH
from builders import make_item, write_item
from inprocess import invoke, run, workers
from wkb_tracker.store.loader import load, record_files
from wkb_tracker.store.root import RECTIFICATIONS_DIR, VISITS_DIR, init_root

RECORDED = re.compile(r"^已记录走访 (V\d{8}-[0-9A-Z]{6}):", re.MULTILINE)
DISTRICTS = ("donghu", "hanyang", "jiangxia", "wuchang", "hongshan")
# Records per writer: the thorough profile (tests/budget.py) writes 200 per racing process and 300
# per clone; the quick one 80 and 120, still many to a folder and a day.
RACED = 200 if THOROUGH else 80
CLONED = 300 if THOROUGH else 120


def validate_clean(root: Path) -> str:
    result = invoke("--root", str(root), "validate")
    assert result.exit_code == 0, result.stdout
    return result.stdout


def test_visit_add__two_processes_adding_at_once_give_every_record_distinct(
    root: Path, tmp_path: Path
) -> None:
    """Same day, same district, same folder: the ids are drawn independently and every file is
    created exclusively, so no record overwrites another."""

    def clerk(number: int) -> int:
        failures = 0
        for index in range(RACED):
            args = ["--root", str(root), "visit", "add", "--date", "2026-11-20"]
            args += [
                "--district",
                "donghu",
                "--type",
                "科技企业",
                "--entity",
                f"主体{number}-{index}",
            ]
            failures += run(args) != 0
        return min(failures, 1)

    assert workers(2, clerk, output=tmp_path) == [0, 0]
    reported = [RECORDED.findall((tmp_path / f"{n}.out").read_text("utf-8")) for n in range(2)]
    assert [len(ids) for ids in reported] == [RACED, RACED]
    files, temps = record_files(root, VISITS_DIR)
    assert len(files) == 2 * RACED and temps == []
    data = load(root, rectifications=False)
    assert sorted(visit.id for visit in data.visits) == sorted(reported[0] + reported[1])
    assert {visit.entity for visit in data.visits} == {
        f"主体{n}-{i}" for n in range(2) for i in range(RACED)
    }
    assert f"{2 * RACED} 条走访记录" in validate_clean(root)


def test_rectify_progress__two_processes_50_notes_each_on_one_item_keep_all_100(
    root: Path,
) -> None:
    rel = write_item(root, make_item(date(2026, 11, 2)))
    item_id = rel.rsplit("/", 1)[1].removesuffix(".yaml")

    def owner(number: int) -> int:
        failures = 0
        for index in range(50):
            note = f"进展{number}-{index}"
            failures += run(["--root", str(root), "rectify", "progress", item_id, "--note", note])
        return min(failures, 1)

    assert workers(2, owner) == [0, 0]
    (item,) = load(root, visits=False).rectifications
    notes = [event.note or "" for event in item.events]
    assert sorted(notes) == sorted(f"进展{n}-{i}" for n in range(2) for i in range(50))
    for number in range(2):  # each writer's own notes stay in the order it wrote them
        own = [note for note in notes if note.startswith(f"进展{number}-")]
        assert own == [f"进展{number}-{i}" for i in range(50)]
    validate_clean(root)


def test_rectify_close__four_racing_closers_close_the_item_exactly_once(root: Path) -> None:
    """The loser re-reads under the lock, sees the item closed, and is refused (exit 2)."""
    rels = [write_item(root, make_item(date(2026, 11, 2))) for _ in range(11)]
    warm = rels.pop().rsplit("/", 1)[1].removesuffix(".yaml")
    # closed here first: the 40 children inherit what `rectify close` imports (0.1 s each)
    assert (
        invoke("--root", str(root), "rectify", "close", warm, "--resolution", "办结").exit_code == 0
    )
    for rel in rels:
        item_id = rel.rsplit("/", 1)[1].removesuffix(".yaml")

        def closer(number: int, item_id: str = item_id) -> int:
            args = ["rectify", "close", item_id, "--resolution", f"办结{number}"]
            return run(["--root", str(root), *args])

        statuses = workers(4, closer)
        assert sorted(statuses) == [0, 2, 2, 2]
    for item in load(root, visits=False).rectifications:
        assert [event.kind for event in item.events] == ["close"]
    validate_clean(root)


# -- two clones ------------------------------------------------------------------------------


def git(*args: str | Path) -> str:
    done = subprocess.run(
        ["git", *map(str, args)], check=False, capture_output=True, text=True, encoding="utf-8"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip()


def record_many(clone: Path, clerk: str) -> None:
    """CLONED visits through the CLI (no auto-commit; every 30th opens an item), one commit."""
    for index in range(CLONED):
        args = ["visit", "add", "--date", f"2026-11-{1 + index % 25:02d}", "--no-commit"]
        args += ["--district", DISTRICTS[index % len(DISTRICTS)], "--type", "科技企业"]
        args += ["--entity", f"{clerk}走访{index}", "--recorder", clerk]
        if index % 30 == 0:
            args += ["--problem", f"{clerk}发现的问题{index}"]
        result = invoke("--root", str(clone), *args)
        assert result.exit_code == 0, result.stderr
    git("-C", clone, "add", "-A")
    git("-C", clone, "commit", "-q", "-m", f"{clerk}: {CLONED} visits")


def test_two_clones__many_records_each_merge_both_ways_without_conflict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "fsync", lambda _fd: None)  # not about durability: keep it quick
    origin = init_root(tmp_path / "origin", git=True)
    with (origin / "wkb.toml").open("a", encoding="utf-8") as stream:
        stream.write('recorder = "测试员"\n')
    git("-C", origin, "add", "-A")
    git("-C", origin, "commit", "-q", "-m", "records root")
    first, second = tmp_path / "甲", tmp_path / "乙"
    git("clone", "-q", origin, first)
    git("clone", "-q", origin, second)
    record_many(first, "甲")
    record_many(second, "乙")
    for clone in (first, second):
        git("-C", clone, "branch", "own")  # each clone's work before any merge

    for clone, other in ((first, second), (second, first)):
        git("-C", clone, "fetch", "-q", other, "own")
        git("-C", clone, "merge", "-q", "--no-edit", "FETCH_HEAD")  # raises on a conflict
        assert git("-C", clone, "status", "--porcelain") == ""
        visits, _temps = record_files(clone, VISITS_DIR)
        items, _temps = record_files(clone, RECTIFICATIONS_DIR)
        assert (len(visits), len(items)) == (2 * CLONED, 2 * CLONED // 30)
        assert f"{2 * CLONED} 条走访记录、{2 * CLONED // 30} 个整改事项" in validate_clean(clone)
    assert git("-C", first, "rev-parse", "HEAD^{tree}") == git(
        "-C", second, "rev-parse", "HEAD^{tree}"
    )
