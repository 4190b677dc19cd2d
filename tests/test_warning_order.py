"""Warnings come in the same order whether records were read through the record cache or file by
file (`--no-cache`): the path order of the files. The cache hands back the folders it parsed
again before those it held, and reads a folder it cannot sign (a symlink in it) last."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from builders import make_visit, write_visit
from conftest import Invoke

YEAR = ("stats", "--year", "2026", "--format", "json")


def stderr_same_as_computed(wkb: Invoke) -> str:
    cached = wkb(*YEAR)
    fresh = wkb("--no-cache", *YEAR)
    assert cached.exit_code == fresh.exit_code == 0, cached.stderr
    assert cached.stdout == fresh.stdout
    assert cached.stderr == fresh.stderr
    return cached.stderr


def test_warnings__copies_of_ids_in_path_order_with_some_folders_cached(
    wkb: Invoke, root: Path
) -> None:
    """Regression: with April's folder changed and the others cached, the copy of April's visit
    was reported before the copy of March's (records came stale folders first)."""
    for day, copy_day in (
        (date(2026, 3, 4), date(2026, 5, 6)),
        (date(2026, 4, 4), date(2026, 6, 6)),
    ):
        visit = make_visit(day)
        write_visit(root, visit)
        write_visit(root, dataclasses.replace(visit, date=copy_day))  # same id, another month
    first = stderr_same_as_computed(wkb)
    assert first.count("重复") == 2
    write_visit(root, make_visit(date(2026, 4, 20)))  # April stale, the others kept
    assert stderr_same_as_computed(wkb) == first


def test_warnings__a_folder_read_file_by_file_in_its_place(wkb: Invoke, root: Path) -> None:
    """Regression: March's folder holds a symlink, so the cache reads it file by file, after
    every other folder: its file's problems came after May's."""
    march = root / write_visit(root, make_visit(date(2026, 3, 4)), mode=["座谈"])
    write_visit(root, make_visit(date(2026, 5, 6)), mode=["座谈"])
    (march.parent / "link.yaml").symlink_to(march)
    shown = stderr_same_as_computed(wkb)
    assert shown.index("/2026/03/") < shown.index("/2026/05/")
    assert stderr_same_as_computed(wkb) == shown  # warm
