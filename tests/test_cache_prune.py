"""The cached rows of a month folder that is gone (deleted, or taken away by a `git checkout`) are
removed by the first run that looks for it, not kept in `.wkb-cache/records.sqlite` forever; a
run that looks at other months leaves them alone."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

from builders import make_item, make_visit, write_item, write_visit
from conftest import Invoke
from wkb_tracker.store.record_cache import DATABASE


def cached_folders(root: Path) -> dict[str, set[str]]:
    """Per kind, the folders that have rows or a signature in the cache."""
    found: dict[str, set[str]] = {"visits": set(), "rectifications": set()}
    with closing(sqlite3.connect(root / DATABASE)) as db:
        for kind, folder in db.execute(
            "SELECT kind, folder FROM record UNION SELECT kind, rel FROM folder"
        ):
            found[kind].add(folder)
    return found


def same_as_files(wkb: Invoke, *args: str) -> list[str]:
    cached = wkb(*args, "--format", "json")
    uncached = wkb("--no-cache", *args, "--format", "json")
    assert cached.exit_code == uncached.exit_code == 0, cached.stderr
    assert (cached.stdout, cached.stderr) == (uncached.stdout, uncached.stderr)
    return [view["id"] for view in json.loads(cached.stdout)]


def test_cache__a_removed_month_folder_loses_its_rows(wkb: Invoke, root: Path) -> None:
    """Regression: the rows (and signature) of a removed month folder stayed in the cache."""
    for day in (date(2026, 9, 8), date(2026, 10, 14), date(2026, 11, 3)):
        write_visit(root, make_visit(day))
        write_item(root, make_item(day))
    assert len(same_as_files(wkb, "visit", "list")) == 3
    assert len(same_as_files(wkb, "rectify", "list", "--status", "all")) == 3
    september, october = "2026/09", "2026/10"
    assert cached_folders(root) == {
        kind: {f"data/{kind}/{month}" for month in (september, october, "2026/11")}
        for kind in ("visits", "rectifications")
    }
    for kind in ("visits", "rectifications"):
        shutil.rmtree(root / "data" / kind / september)
        shutil.rmtree(root / "data" / kind / october)

    # a run that asks for another month leaves October's rows: it never looked for them
    assert len(same_as_files(wkb, "visit", "list", "--month", "2026-11")) == 1
    assert "data/visits/2026/10" in cached_folders(root)["visits"]
    # one that asks for October itself sees it gone
    assert same_as_files(wkb, "visit", "list", "--month", "2026-10") == []
    assert cached_folders(root)["visits"] == {"data/visits/2026/09", "data/visits/2026/11"}
    # a year's report looks for every month of the year, and for every folder of items
    report = ("report", "--year", "2026", "--explain", "--format", "json")
    assert wkb(*report).stdout == wkb("--no-cache", *report).stdout
    assert cached_folders(root) == {
        "visits": {"data/visits/2026/11"},
        "rectifications": {"data/rectifications/2026/11"},
    }
    assert len(same_as_files(wkb, "rectify", "list", "--status", "all")) == 1
