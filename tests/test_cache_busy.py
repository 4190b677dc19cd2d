"""A cache that is only busy or read-only is left alone; only a damaged one is removed.

`.wkb-cache/records.sqlite` is derived data, but on a shared root another wkb may be writing it
(holding its write lock past BUSY_WAIT) or the file may not be writable: an OperationalError
then means "go on without it this run", never "delete it" — the other process's rows and every
row parsed so far stay. A file that is not a database, or is malformed, is removed and rebuilt."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from builders import make_item, make_visit, write_item, write_visit
from conftest import Invoke
from wkb_tracker.store import record_cache
from wkb_tracker.store.record_cache import DATABASE, SCHEMA_VERSION

QUERIES = (
    ("report", "--month", "2026-11", "--explain", "--format", "json"),
    ("rectify", "list", "--status", "all", "--format", "json"),
    ("visit", "list", "--format", "json"),
)


@pytest.fixture
def filled(root: Path, wkb: Invoke) -> Path:
    """A root with visits and items in three months and a warm cache."""
    for day in (date(2026, 9, 8), date(2026, 10, 14), date(2026, 11, 3), date(2026, 11, 12)):
        write_visit(root, make_visit(day, problems=("融资难",)))
    for day in (date(2026, 9, 20), date(2026, 10, 1), date(2026, 11, 5)):
        write_item(root, make_item(day))
    answers(wkb)
    return root


def answers(wkb: Invoke, *options: str) -> list[tuple[str, str]]:
    found = []
    for query in QUERIES:
        result = wkb(*options, *query)
        assert result.exit_code == 0, result.stderr
        found.append((result.stdout, result.stderr))
    return found


def cache_rows(root: Path) -> tuple[int, str, int]:
    """The cache file's inode (a file removed and built again is another one), its schema and
    its number of record rows."""
    with closing(sqlite3.connect(root / DATABASE)) as db:
        schema = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0]
        rows = db.execute("SELECT count(*) FROM record").fetchone()[0]
    return (root / DATABASE).stat().st_ino, schema, rows


def set_schema(root: Path, schema: str) -> None:
    """As if the cache had been written by a version with another layout."""
    with closing(sqlite3.connect(root / DATABASE, isolation_level=None)) as db:
        db.execute("UPDATE meta SET value=? WHERE key='schema'", (schema,))


@pytest.fixture
def another_writer(filled: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[sqlite3.Connection]:
    """Another wkb in the middle of writing the cache: a real write lock on the file (sqlite
    locks between connections of one process as between processes), held past a short wait."""
    monkeypatch.setattr(record_cache, "BUSY_WAIT", 0.05)
    other = sqlite3.connect(filled / DATABASE, isolation_level=None)
    try:
        yield other
    finally:
        other.close()


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_open__a_busy_cache_is_used_or_skipped_but_never_removed(
    filled: Path, wkb: Invoke, another_writer: sqlite3.Connection, journal: str
) -> None:
    """Regression: `RecordCache.__init__` removed the cache on any sqlite error while opening.
    wal: a layout change meets another writer's lock (the old tables cannot be dropped); delete:
    a cache in rollback-journal mode (as a file system without shared memory leaves it) cannot
    even be read while another process writes it. Either way the answers are the files', and
    the cache and its rows are still there afterwards."""
    root = filled
    expected = answers(wkb, "--no-cache")
    if journal == "wal":
        set_schema(root, "0-older")
    else:
        another_writer.execute("PRAGMA journal_mode=DELETE")
    before = cache_rows(root)
    assert before[2] > 0
    another_writer.execute("BEGIN EXCLUSIVE")
    try:
        assert answers(wkb) == expected
        assert (root / DATABASE).exists()
    finally:
        another_writer.execute("ROLLBACK")
    assert cache_rows(root) == before
    assert answers(wkb) == expected  # free again: used (or rebuilt for the new layout)
    assert cache_rows(root) == (before[0], SCHEMA_VERSION, before[2])


def test_open__a_layout_change_is_made_whole_or_not_at_all(
    filled: Path, wkb: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A layout change stopped midway (here its last statement fails) leaves the old tables
    whole, with their version, for the next run to change: each statement used to be committed
    on its own, so that another wkb could read half-dropped tables."""
    root = filled
    expected = answers(wkb, "--no-cache")
    set_schema(root, "0-older")
    before = cache_rows(root)
    with monkeypatch.context() as patch:
        failing = (*record_cache._NEW_LAYOUT, "CREATE TABLE folder(kind)")  # already made
        patch.setattr(record_cache, "_NEW_LAYOUT", failing, raising=False)
        assert record_cache.RecordCache(root).db is None
        assert answers(wkb) == expected
    assert cache_rows(root) == before
    assert answers(wkb) == expected
    assert cache_rows(root) == (before[0], SCHEMA_VERSION, before[2])


def test_store__a_busy_cache_keeps_the_rows_it_has(
    filled: Path, wkb: Invoke, another_writer: sqlite3.Connection
) -> None:
    """A folder changed while another wkb writes the cache: its new rows cannot be stored, the
    answer comes from the files, and every cached row stays."""
    root = filled
    write_visit(root, make_visit(date(2026, 11, 20)))
    expected = answers(wkb, "--no-cache")
    before = cache_rows(root)
    another_writer.execute("BEGIN IMMEDIATE")
    try:
        assert answers(wkb) == expected
    finally:
        another_writer.execute("ROLLBACK")
    assert cache_rows(root) == before
    assert answers(wkb) == expected
    assert cache_rows(root) == (before[0], SCHEMA_VERSION, before[2] + 1)


def read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """wkb's connections open the cache read-only, as on a share it may not write (tests run as
    root here, whom file permissions do not stop)."""
    connect: Callable[..., sqlite3.Connection] = sqlite3.connect

    def connect_read_only(path: Any, *args: Any, **options: Any) -> sqlite3.Connection:
        return connect(f"file:{path}?mode=ro", *args, uri=True, **options)

    monkeypatch.setattr(record_cache.sqlite3, "connect", connect_read_only)


@pytest.mark.parametrize("layout", ["same", "changed"])
def test_open__a_read_only_cache_is_read_or_skipped_but_never_removed(
    filled: Path, wkb: Invoke, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    """Regression: a read-only cache from another layout ("attempt to write a readonly
    database" while dropping its tables) was removed; one of this layout is read, a changed
    folder's rows are not kept, and nothing is removed."""
    root = filled
    write_item(root, make_item(date(2026, 11, 21)))
    expected = answers(wkb, "--no-cache")
    if layout == "changed":
        set_schema(root, "0-older")
    before = cache_rows(root)
    with monkeypatch.context() as patch:
        read_only(patch)
        assert answers(wkb) == expected
    assert cache_rows(root) == before
    assert answers(wkb) == expected
    assert cache_rows(root) == (before[0], SCHEMA_VERSION, before[2] + 1)


def _garbage(data: bytes) -> bytes:
    return b"this is not sqlite" * 100


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _pages_overwritten(data: bytes) -> bytes:
    """A readable header over pages of noise: damage that shows only at the first query."""
    return data[:4096] + bytes(range(256)) * ((len(data) - 4096) // 256)


@pytest.mark.parametrize("damage", [_garbage, _truncated, _pages_overwritten])
def test_open__a_damaged_cache_is_removed_and_rebuilt(
    filled: Path, wkb: Invoke, damage: Callable[[bytes], bytes]
) -> None:
    root = filled
    expected = answers(wkb, "--no-cache")
    rows = cache_rows(root)[2]
    with closing(sqlite3.connect(root / DATABASE)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every row in the main file
    path = root / DATABASE
    path.write_bytes(damage(path.read_bytes()))
    assert answers(wkb) == expected
    assert answers(wkb) == expected
    assert cache_rows(root)[1:] == (SCHEMA_VERSION, rows)


def test_is_damaged__only_what_says_the_file_is_no_database() -> None:
    assert record_cache.is_damaged(sqlite3.DatabaseError("file is not a database"))
    assert record_cache.is_damaged(sqlite3.DatabaseError("database disk image is malformed"))
    for error in ("database is locked", "attempt to write a readonly database", "disk I/O error"):
        assert not record_cache.is_damaged(sqlite3.OperationalError(error))
