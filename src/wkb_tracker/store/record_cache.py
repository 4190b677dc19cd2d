"""The derived-data cache: parsed records kept in `.wkb-cache/records.sqlite` (git-ignored).

Each month folder (`data/visits/YYYY/MM`, `data/rectifications/YYYY/MM`) has a signature: the
name, size, modification and change times (ns) and inode of every record file in it. A folder whose signature is
unchanged is answered from the cache; any added, changed or removed file changes its folder's
signature, and only the changed files of that folder are parsed again. Broken files are never
cached (they are read, and reported, every time). A missing, corrupt or out-of-date cache is
rebuilt silently; `wkb --no-cache` or WKB_NO_CACHE=1 bypasses it; `wkb validate` never uses it.

For rectification items the cache also keeps the opened date and, for items whose history ends
closed, the date of their last status change ("settled"). A report for a period only needs items
opened by its snapshot and not settled before it starts, and asks the cache for just those.
Events in their own files sit in their item's folder, so a new event changes that folder's
signature; each event's row carries its item's (whole-history) opened and settled dates, so the
window keeps or drops an item and its event files together.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import time
from array import array
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from hashlib import blake2b
from pathlib import Path
from typing import Any

from wkb_tracker.domain.model import (
    EVENT_FIELDS,
    RECTIFICATION_FIELDS,
    VISIT_FIELDS,
    EventFile,
    Field,
    Rectification,
)
from wkb_tracker.domain.rectification import settled_on
from wkb_tracker.store.json_cache import CACHE_DIR
from wkb_tracker.store.parallel import in_two_halves
from wkb_tracker.store.row_codec import ITEM_ID, fields_digest, forget_shared_values, row_codec

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

DATABASE = f"{CACHE_DIR}/records.sqlite"
# The layout of the tables, bumped by hand; the rows' part of SCHEMA_VERSION is derived from the
# field lists they are generated from (store/row_codec.py, schema_version below).
LAYOUT = "10"  # 3: events carry their origin; event-file rows. 4: dates out of range
# are problems. 5: items opened in a sealed month carry late_reason, late_approved_by. 6: a key
# given twice in one mapping is a problem (rows cached before read the last value). 7: items
# carry when their history was last recorded (the knowledge cut of --known-on). 8: parses that
# `wkb validate` reuses (store/checked.py). 9: an event's satisfaction (回访, issue 15.4) and an
# item's review. 10: item and event rows generated from RECTIFICATION_FIELDS and EVENT_FIELDS.
# Fields added to any list (entity_id, joint_leaders, …) need no bump: they change the derived
# part.
_MONTH_FOLDER_DEPTH = 2  # <kind dir>/YYYY/MM
BUSY_WAIT = 5.0  # seconds a run waits for another wkb writing the cache, then goes on without

# A window over rectification items: (settled before this date → left out, opened after → left out)
Window = tuple[date | None, date | None]


def recorded_key(moment: datetime) -> int:
    """A recording instant as whole microseconds since the epoch (sortable in SQL)."""
    return (moment - _EPOCH) // _MICROSECOND


def last_recorded(item: Rectification) -> int | None:
    """When the item's history was last added to (its creation or latest event), as a
    `recorded_key`; None when nothing in it carries a time."""
    moments = [event.at for event in item.events]
    if item.created_at is not None:
        moments.append(item.created_at)
    return recorded_key(max(moments)) if moments else None


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def schema_version(
    visit_fields: tuple[Field, ...] = VISIT_FIELDS,
    item_fields: tuple[Field, ...] = RECTIFICATION_FIELDS,
    event_fields: tuple[Field, ...] = EVENT_FIELDS,
) -> str:
    """`LAYOUT` (the tables) and a digest of the field lists the rows are generated from
    (store/row_codec.py): a field added to visits, items or events, or a kind changed, makes
    every existing cache rebuild itself."""
    return f"{LAYOUT}-{fields_digest(visit_fields, item_fields, event_fields)}"


SCHEMA_VERSION = schema_version()


# Rows per JSON parse: one parse per chunk is most of the saving over one per row, and a small
# chunk keeps its text and lists from raising the peak (1,000 rows cost a warm month at 100k
# visits 3 MiB more; 250 brought it under issue 17.1's 50 MiB).
DECODE_CHUNK = 250


def in_window(
    item: Rectification,
    window: Window | None,
    recorded_before: int | None = None,
    known: tuple[date | None, int | None] | None = None,
) -> bool:
    """Whether a period with this window can count the item (its whole history). The cache's
    query asks the same of a row's columns (`RecordCache.fresh_records`).

    `recorded_before` (a `recorded_key`) is the knowledge cut of `--known-on`: an item settled
    before the window whose history gained anything at or after the cut may not have been
    settled as known then, so it is kept (the knowledge filter then judges it). `known`: the
    item's settled date and `last_recorded`, when the caller has worked them out; else each is
    worked out only when the dates before it do not decide (a walk of the history)."""
    if window is None:
        return True
    settled_before, opened_until = window
    if opened_until is not None and item.opened > opened_until:
        return False
    if settled_before is None:
        return True
    settled = known[0] if known is not None else settled_on(item)
    if settled is None or settled >= settled_before:
        return True
    if recorded_before is None:
        return False
    last = known[1] if known is not None else last_recorded(item)
    return last is not None and last >= recorded_before


def window_conditions(window: Window | None, recorded_before: int | None) -> tuple[str, list[Any]]:
    """`in_window` asked of a cached row's columns (opened, settled, recorded: its whole
    history's; NULL for an event file without its item, always read): SQL conditions to add
    to a query (each after " AND "), and their values."""
    settled_before, opened_until = window if window is not None else (None, None)
    conditions = ""
    values: list[Any] = []
    if settled_before is not None and recorded_before is not None:
        conditions += " AND (settled IS NULL OR settled >= ? OR recorded >= ?)"
        values += [settled_before.isoformat(), recorded_before]
    elif settled_before is not None:
        conditions += " AND (settled IS NULL OR settled >= ?)"
        values.append(settled_before.isoformat())
    if opened_until is not None:
        conditions += " AND (opened IS NULL OR opened <= ?)"
        values.append(opened_until.isoformat())
    return conditions, values


# A cached row: (file name, encoded record, opened, settled, last recorded) — the last three
# only for rectification items and event files (see _item_rows).
Row = tuple[str, str, str | None, str | None, int | None]


class FolderScan:
    """One month folder on disk: its record files with (size, mtime) and its signature."""

    __slots__ = ("files", "rel", "signature")

    def __init__(self, rel: str, files: dict[str, tuple[int, str]], signature: str) -> None:
        self.rel = rel
        self.files = files
        self.signature = signature


# A record file as the signature sees it: name, size, mtime, ctime (ns) and inode. ctime and
# inode too: an edit that keeps the size and puts the old mtime back (cp -p, rsync, touch -r)
# still changes the ctime; a file replaced by another (a rename over it) changes the inode.
_Stat = tuple[str, int, int, int, int]


# Where the platform can, a folder's files are statted by name relative to the open folder
# (fstatat) rather than by their whole path: the kernel then resolves one name, not every folder
# from / down, for each file — ~20% less CPU for the lstat of 52,760 item files (17.5). The same
# numbers either way.
_AT_FOLDER = os.scandir in os.supports_fd and hasattr(os, "O_DIRECTORY")
_FOLDER_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_DIRECTORY", 0)
    | getattr(os, "O_NOFOLLOW", 0)  # a symlinked month folder is irregular, as it always was
    | getattr(os, "O_CLOEXEC", 0)
)


def _stat_records(root: Path, rel: str) -> list[_Stat] | None:
    """Every record file of the folder, sorted by name; None if it holds anything but plain files
    (a symlink, a subfolder): such a folder is read the slow way, where every oddity is
    reported. One lstat per file, the least a change detector that sees in-place edits needs."""
    try:
        if not _AT_FOLDER:
            return _stat_entries(root / rel)
        folder = os.open(f"{os.fspath(root)}/{rel}", _FOLDER_FLAGS)
        try:
            return _stat_entries(folder)
        finally:
            os.close(folder)
    except OSError:
        return None


def _stat_entries(folder: Path | int) -> list[_Stat] | None:
    found: list[_Stat] = []
    regular = stat.S_IFREG
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if name[0] == ".":
                continue  # temp files and the like: never records
            status = entry.stat(follow_symlinks=False)
            if status.st_mode & 0o170000 != regular:
                return None
            if name[-5:] == ".yaml":
                found.append(
                    (name, status.st_size, status.st_mtime_ns, status.st_ctime_ns,
                     status.st_ino)
                )  # fmt: skip
    found.sort()
    return found


def _signature_of(found: list[_Stat]) -> str:
    """The folder's signature: a digest of its files' names and numbers (any file added,
    removed, renamed, rewritten or touched changes it)."""
    digest = blake2b(digest_size=16)
    digest.update("/".join([entry[0] for entry in found]).encode("utf-8", "surrogateescape"))
    try:  # the numbers as machine words: a twentieth of the cost of their repr at 52,000 files
        digest.update(array("q", [number for entry in found for number in entry[1:4]]).tobytes())
        digest.update(array("Q", [entry[4] for entry in found]).tobytes())
    except OverflowError:  # a time or inode beyond 64 bits (never seen): their text instead
        digest.update(repr([number for entry in found for number in entry[1:]]).encode())
    return digest.hexdigest()


def scan_month_folder(root: Path, rel: str) -> FolderScan | None:
    """The folder's record files, or None if it holds anything but plain files (a symlink, a
    subfolder): such a folder is read the slow way, where every oddity is reported."""
    found = _stat_records(root, rel)
    if found is None:
        return None
    files = {name: (size, f"{mtime}:{ctime}:{inode}") for name, size, mtime, ctime, inode in found}
    return FolderScan(rel, files, _signature_of(found))


SPLIT_SCAN_FROM = 20  # folders; a forked helper stats half of them when there are this many


def folder_signatures(root: Path, folders: list[str]) -> list[str | None]:
    """The signature of each folder (None: irregular). Statting every record file is what makes
    the cache exact, and most of a warm run's time: with many folders a forked child stats half
    of them on the other core."""
    return in_two_halves(
        folders, lambda some: [_signature(root, rel) for rel in some], from_size=SPLIT_SCAN_FROM
    )


def _signature(root: Path, rel: str) -> str | None:
    found = _stat_records(root, rel)
    return _signature_of(found) if found is not None else None


# What can stop a write: SQLite's errors, and a text SQLite cannot take — a record file whose
# name is not UTF-8 (kept by Python as a lone surrogate) in a row; that row is simply not kept.
WriteError = sqlite3.Error | UnicodeEncodeError


def in_transaction(
    db: sqlite3.Connection, write: Callable[[sqlite3.Connection], object]
) -> WriteError | None:
    """`write` in one immediate transaction, all or nothing: the error that stopped it (rolled
    back) or None. Every writer of `.wkb-cache/records.sqlite` goes through here."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as error:
        return error
    try:
        write(db)
        db.execute("COMMIT")
    except (sqlite3.Error, UnicodeEncodeError) as error:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        return error
    return None


def is_damaged(error: WriteError) -> bool:
    """Whether an error of the cache file means it is damaged — not a database, malformed
    (SQLITE_NOTADB, SQLITE_CORRUPT: sqlite3.DatabaseError) — and is to be removed and rebuilt.
    An OperationalError only means it cannot be used now: busy or locked (another wkb writing
    past BUSY_WAIT), read-only, a disk I/O error or a full disk on a shared root; the run goes
    on without it and leaves the file, and its rows, alone."""
    return isinstance(error, sqlite3.DatabaseError) and not isinstance(
        error, sqlite3.OperationalError
    )


# A new layout: every table of the file goes, as it holds rows in the old one or verdicts read
# with them (checked.py and validate_run.py create theirs again; answer tables are made below).
_NEW_LAYOUT = (
    "DROP TABLE IF EXISTS folder",
    "DROP TABLE IF EXISTS record",
    "DROP TABLE IF EXISTS checked",  # before 8: per-file parses (one row per folder now)
    "DROP TABLE IF EXISTS answer",
    "DROP TABLE IF EXISTS answer_part",
    "DROP TABLE IF EXISTS checked_folder",
    "DROP TABLE IF EXISTS validate_run_meta",
    "DROP TABLE IF EXISTS validate_run_folder",
    "DELETE FROM meta WHERE key = 'copied-items'",  # read with the record rows
    "CREATE TABLE folder(kind TEXT, rel TEXT, signature TEXT, PRIMARY KEY(kind, rel))",
    "CREATE TABLE record(kind TEXT, folder TEXT, name TEXT, size INT, mtime INT,"
    " opened TEXT, settled TEXT, recorded INT, row TEXT, PRIMARY KEY(kind, folder, name))",
    "CREATE INDEX record_window ON record(kind, folder, settled, opened)",
)


def _lay_out(db: sqlite3.Connection) -> None:
    """The tables of this SCHEMA_VERSION, in place of any others (in a write transaction)."""
    version = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    if version is not None and version[0] == SCHEMA_VERSION:
        return  # another wkb laid them out while this one waited
    for statement in _NEW_LAYOUT:
        db.execute(statement)
    db.execute("INSERT OR REPLACE INTO meta VALUES('schema', ?)", (SCHEMA_VERSION,))


_COPIES = "copied-items"  # meta key: the item rows sharing an id (RecordCache.copied_items)
ANSWER_TABLES = ("answer", "answer_part")  # computed answers, store/answer_cache.py


class RecordCache:
    """The sqlite file; every method degrades to "nothing cached" if the file is unusable."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db: sqlite3.Connection | None = None
        try:
            if os.path.islink(root / CACHE_DIR):
                return  # writes never follow a link out of the root: run without the cache
            (root / CACHE_DIR).mkdir(exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                existing = root / (DATABASE + suffix)
                if os.path.lexists(existing) and not stat.S_ISREG(os.lstat(existing).st_mode):
                    return  # not a plain file (a pipe, a link): run without the cache
            self.db = sqlite3.connect(root / DATABASE, timeout=BUSY_WAIT, isolation_level=None)
            self._prepare()
        except OSError:  # a read-only root, a folder it may not enter: nothing is damaged
            self.close()
        except sqlite3.Error as error:
            self._give_up(error)

    def _prepare(self) -> None:
        assert self.db is not None
        self.db.execute("PRAGMA journal_mode=WAL")
        # Derived data: a commit lost to a power cut only means rows parsed again (WAL keeps the
        # file whole either way); not syncing each commit to disk spares a first run ~0.1 s.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)")
        version = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if version is None or version[0] != SCHEMA_VERSION:
            # All or nothing: another wkb never reads half-made tables, and a run stopped
            # midway (busy, read-only) leaves the old ones whole, with their version.
            error = in_transaction(self.db, _lay_out)
            if error is not None:
                raise error
        # Computed answers (store/answer_cache.py); added without a layout bump, so that an
        # existing cache keeps its parsed records.
        # `answer_part`: the parts answers are merged from (`wkb stats`' figures of one month
        # folder), kept apart from whole answers: a year asks for ~30 of them at once.
        # Busy (another wkb writing) or read-only, a cache from before them goes on without
        # them this run (answers computed, not kept), its records still served: not removed.
        for table in ANSWER_TABLES:
            try:
                self.db.execute(
                    f"CREATE TABLE IF NOT EXISTS {table}(key TEXT PRIMARY KEY, value TEXT, used INT)"
                )
            except sqlite3.OperationalError:
                break

    def _give_up(self, error: sqlite3.Error) -> None:
        """The run goes on without the cache; the file is removed only when it is damaged."""
        if is_damaged(error):
            self._reset()
        else:
            self.close()

    def _reset(self) -> None:
        """A corrupt cache file is removed and the run goes on without a cache."""
        if self.db is not None:
            self.db.close()
        self.db = None
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                (self.root / (DATABASE + suffix)).unlink(missing_ok=True)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def signatures(self, kind: str) -> dict[str, str]:
        if self.db is None:
            return {}
        try:
            return dict(self.db.execute("SELECT rel, signature FROM folder WHERE kind=?", (kind,)))
        except sqlite3.Error as error:
            self._give_up(error)
            return {}

    def kept_values(self, table: str, keys: Iterable[str]) -> dict[str, str]:
        """The kept values of these keys in an answer table (store/answer_cache.py: `answer`,
        `answer_part`). Read only: a hit never waits for a writer."""
        if self.db is None:
            return {}
        assert table in ANSWER_TABLES
        wanted = list(keys)
        found: dict[str, str] = {}
        try:
            for start in range(0, len(wanted), 500):  # SQLite's limit on bound parameters
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key, value FROM {table} WHERE key IN ({marks})"
                found.update(self.db.execute(query, chunk))
        except sqlite3.OperationalError:
            return {}  # busy or locked: computed this time
        except sqlite3.Error:
            self._reset()
            return {}
        return found

    def keep_values(
        self, table: str, values: dict[str, str], kept: int, read: Iterable[str] = ()
    ) -> None:
        """Keep values in an answer table; only the `kept` most recently kept or `read` stay.
        `read`: the keys this run took from the cache, marked used now while writing anyway (a
        hit alone never writes), so that what no question reads any more goes first — not the
        parts of months that never change, kept long ago and read on every run."""
        assert table in ANSWER_TABLES

        def write(db: sqlite3.Connection) -> None:
            now = time.time_ns()
            db.executemany(
                f"INSERT OR REPLACE INTO {table} VALUES(?,?,?)",
                [(key, value, now) for key, value in values.items()],
            )
            db.executemany(f"UPDATE {table} SET used=? WHERE key=?", [(now, key) for key in read])
            db.execute(
                f"DELETE FROM {table} WHERE key NOT IN "
                f"(SELECT key FROM {table} ORDER BY used DESC LIMIT ?)",
                (kept,),
            )

        self._in_transaction(write)

    def _in_transaction(self, write: Callable[[sqlite3.Connection], None]) -> bool:
        """`write` in one immediate transaction, or nothing (False). A busy, locked or read-only
        database (another wkb writing, a shared root) only means this run keeps nothing; a
        damaged one is removed (rebuilt by the next run)."""
        if self.db is None:
            return False
        error = in_transaction(self.db, write)
        if error is not None and is_damaged(error):
            self._reset()
        return error is None

    def rows(self, kind: str, folder: str) -> dict[str, tuple[int, str, str]]:
        """Cached rows of one folder: name → (size, mtime, row)."""
        if self.db is None:
            return {}
        try:
            query = "SELECT name, size, mtime, row FROM record WHERE kind=? AND folder=?"
            return {
                name: (size, mtime, row)
                for name, size, mtime, row in self.db.execute(query, (kind, folder))
            }
        except sqlite3.Error as error:
            self._give_up(error)
            return {}

    def fresh_records(
        self,
        kind: str,
        folders: list[str],
        decode: Callable[[Any], Any],
        window: Window | None,
        recorded_before: int | None = None,
        items_only: bool = False,
    ) -> list[Any] | None:
        """The decoded records of unchanged folders (within the window, for items, as
        `in_window` judges; no event files with `items_only`); None if unreadable. Rows are
        fetched and decoded a chunk at a time, so only one chunk's text is in memory beside the
        records."""
        if self.db is None or not folders:
            return [] if self.db is not None else None
        conditions, asked = window_conditions(window, recorded_before)
        records: list[Any] = []
        try:
            for start in range(0, len(folders), 500):
                chunk = folders[start : start + 500]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT row FROM record WHERE kind=? AND folder IN ({marks}){conditions}"
                values: list[Any] = [kind, *chunk, *asked]
                if items_only:  # an event file's name has two dots (records.is_event_file)
                    query += " AND name NOT GLOB '*.*.*'"
                cursor = self.db.execute(query, values)
                while fetched := cursor.fetchmany(DECODE_CHUNK):
                    text = "[" + ",".join([cell for (cell,) in fetched]) + "]"
                    del fetched
                    records += [decode(row) for row in json.loads(text)]
        except sqlite3.Error as error:
            self._give_up(error)
            return None
        return records

    def copied_items(self) -> list[tuple[str, str]] | None:
        """(folder, name) of every cached item row whose id another item row shares — a copied
        file, which a windowed read must still weigh (loader `_load_kind`). Found by one pass
        over the items' rows the first time it is asked after they changed (~0.1 s at 30,000
        items), then remembered until a folder of items is stored again. None: unreadable."""
        if self.db is None:
            return None
        item_rows = "kind='rectifications' AND name NOT GLOB '*.*.*'"  # not event files
        query = (
            f"SELECT folder, name FROM record WHERE {item_rows} AND json_extract(row, '$[{ITEM_ID}]')"
            f" IN (SELECT json_extract(row, '$[{ITEM_ID}]') AS id FROM record WHERE {item_rows}"
            " GROUP BY id HAVING count(*) > 1) ORDER BY folder, name"
        )
        pairs: list[tuple[str, str]] = []
        try:
            found = self.db.execute("SELECT value FROM meta WHERE key=?", (_COPIES,)).fetchone()
            if found is not None:
                return [(folder, name) for folder, name in json.loads(found[0])]

            def find_and_remember(db: sqlite3.Connection) -> None:
                # Looked for and remembered in one write transaction: another wkb storing a
                # folder (and forgetting the list) in between would have it remembered stale.
                pairs[:] = [(folder, name) for folder, name in db.execute(query)]
                db.execute("INSERT OR REPLACE INTO meta VALUES(?, ?)", (_COPIES, json.dumps(pairs)))

            if self._in_transaction(find_and_remember):
                return pairs
            if self.db is None:  # damaged, removed
                return None
            return [(folder, name) for folder, name in self.db.execute(query)]  # busy, read-only
        except sqlite3.Error as error:
            self._give_up(error)
            return None
        except ValueError:  # the remembered list is not what was written: damaged
            self._reset()
            return None

    def rows_at(self, kind: str, pairs: list[tuple[str, str]]) -> list[str]:
        """The cached rows of these (folder, name) files."""
        if self.db is None or not pairs:
            return []
        query = "SELECT row FROM record WHERE kind=? AND folder=? AND name=?"
        found = [self.db.execute(query, (kind, folder, name)).fetchone() for folder, name in pairs]
        return [row[0] for row in found if row is not None]

    def event_rows(self, kind: str, items: Iterable[tuple[str, str]]) -> list[str]:
        """The cached rows of the event files of these (folder, item id) pairs (named
        `<item id>.<event id>.yaml`, records.is_event_file)."""
        if self.db is None:
            return []
        query = "SELECT name, row FROM record WHERE kind=? AND folder=? AND substr(name, 1, ?)=?"
        found = []
        for folder, item_id in sorted(set(items)):
            prefix = f"{item_id}."
            for name, row in self.db.execute(query, (kind, folder, len(prefix), prefix)):
                if name.count(".") >= 2:
                    found.append(row)
        return found

    def store(self, kind: str, folders: list[tuple[FolderScan, list[Row]]]) -> bool:
        """Replace these folders' cached rows: (name, row, opened, settled, recorded) for every
        good file; in one transaction (one commit, not one per folder). False: not stored (a
        busy or read-only cache), the cached rows of these folders are out of date."""

        def write(db: sqlite3.Connection) -> None:
            if kind == "rectifications":  # the copies among items are found again when asked
                db.execute("DELETE FROM meta WHERE key=?", (_COPIES,))
            for scan, rows in folders:
                db.execute("DELETE FROM record WHERE kind=? AND folder=?", (kind, scan.rel))
                db.executemany(
                    "INSERT INTO record VALUES(?,?,?,?,?,?,?,?,?)",
                    [
                        (kind, scan.rel, name, *scan.files[name], opened, settled, recorded, row)
                        for name, row, opened, settled, recorded in rows
                    ],
                )
                signature = scan.signature if len(rows) == len(scan.files) else "incomplete"
                db.execute(
                    "INSERT OR REPLACE INTO folder VALUES(?,?,?)", (kind, scan.rel, signature)
                )

        return self._in_transaction(write) if folders else True

    def forget(self, kind: str, folders: list[str]) -> None:
        """Remove the rows of month folders that are gone (kept when the cache is busy: the next
        run that sees them gone tries again)."""

        def write(db: sqlite3.Connection) -> None:
            if kind == "rectifications":  # the copies are found again among the rows left
                db.execute("DELETE FROM meta WHERE key=?", (_COPIES,))
            for rel in folders:
                db.execute("DELETE FROM record WHERE kind=? AND folder=?", (kind, rel))
                db.execute("DELETE FROM folder WHERE kind=? AND rel=?", (kind, rel))

        self._in_transaction(write)


# Files parsed per batch on a cold run: large enough for two processes to pay (parallel.py
# forks from 4,000), small enough that a first run never holds every parsed file (~1.5 KB each).
PARSE_BATCH = 8000


# A stale folder's job: its scan, its cached rows (name → (size, mtime, row)), the files to parse.
_Job = tuple[FolderScan, dict[str, tuple[int, str, str]], list[str]]
# What a stale folder gives: its rows, the problems met, the indices of the rows whose records a
# reader keeps, and those records (None when sent back from the forked child: decoded here).
_Done = tuple[list[Row], list[Any], list[int], list[Any] | None]


def cached_load(
    root: Path,
    kind: str,
    folders: list[str],
    parse_files: Callable[[list[str]], list[tuple[Any, list[Any]]]],
    window: Window | None,
    recorded_before: int | None = None,
    signed: dict[str, str] | None = None,
    items_only: bool = False,
    split_from: int | None = None,
    weigh_copies: bool = False,
    asked: Collection[str] | None = (),
) -> tuple[list[Any], list[Any], list[str], list[Any]] | None:
    """Load the records of these month folders through the cache (`signed`: their signatures,
    when this command has just taken them). `asked`: the month folders the caller looked for,
    there or not (None: it listed every month folder of the kind, `folders`): the cached rows of
    those it did not find are removed (a month folder deleted, or gone with a `git checkout`).

    `parse_files(rels)` reads files the slow way and returns (record or None, problems) for each,
    in order. With `split_from`, a batch of at least that many changed files in two or more
    folders is split by folder between two processes (parallel.py). Returns (records, problems,
    folders the cache could not handle, and — with a window and `weigh_copies` — the items
    outside the window that share an id with another item file, with the event files beside
    them), or None when the cache cannot be used at all (the caller then reads everything
    itself).
    """
    _encode, decode = row_codec(kind)
    cache = RecordCache(root)
    if cache.db is None:
        return None
    try:
        known = cache.signatures(kind)
        if cache.db is None:  # unreadable now (busy, damaged): every file is read instead
            return None
        fresh: list[str] = []
        irregular: list[str] = []
        stale: list[_Job] = []
        records: list[Any] = []
        problems: list[Any] = []
        unstored: list[str] = []  # stale folders whose new rows could not be stored

        def refresh(jobs: Sequence[_Job]) -> list[_Done]:
            done: list[_Done] = []
            for scan, old, names in jobs:
                parsed = dict(zip(names, parse_files(names), strict=True))
                done.append(_refresh_folder(kind, scan, old, parsed, window, recorded_before))
            return done

        def ship(done: list[_Done]) -> list[_Done]:
            return [(rows, found, kept, None) for rows, found, kept, _records in done]

        def unship(sent: list[_Done]) -> list[_Done]:
            return [
                (rows, found, kept, [decode(rows[index][1]) for index in kept])
                for rows, found, kept, _none in sent
            ]

        def parse_stale() -> None:
            """Parse the changed files of the stale folders so far (one batch), cache their rows
            and keep their records; then forget the parses. A first run thus holds one batch of
            parsed files at a time, not every file (17.4). A batch of many files is split by
            folder between two processes: the child parses, joins, judges and encodes whole
            folders and sends back their rows (strings pickle at a tenth of the cost of record
            objects); only the records a reader keeps are decoded here."""
            files = sum(len(names) for _scan, _old, names in stale)
            split = split_from is not None and files >= split_from
            results = in_two_halves(
                stale, refresh, from_size=2 if split else len(stale) + 1, ship=ship, unship=unship
            )
            for _rows, found, _kept, kept_records in results:
                problems.extend(found)
                records.extend(kept_records or [])
            if not cache.store(
                kind, [(job[0], done[0]) for job, done in zip(stale, results, strict=True)]
            ):
                unstored.extend(job[0].rel for job in stale)
            stale.clear()

        # Only a folder the cache holds can be fresh: the others (all of them on a first run)
        # are listed once, by the scan below, not signed first and then scanned again.
        held = [rel for rel in folders if rel in known]
        signatures: dict[str, str | None]
        if signed is not None and all(rel in signed for rel in held):
            signatures = {rel: signed[rel] for rel in held}
        else:
            signatures = dict(zip(held, folder_signatures(root, held), strict=True))
        for rel in folders:
            signature = signatures.get(rel)
            if signature is not None and known.get(rel) == signature:
                fresh.append(rel)
                continue
            scan = scan_month_folder(root, rel)
            if scan is None:
                irregular.append(rel)
            elif known.get(rel) == scan.signature:
                fresh.append(rel)
            else:
                old = cache.rows(kind, rel) if rel in known else {}
                names = [
                    f"{rel}/{name}"
                    for name, stats in scan.files.items()
                    if name not in old or old[name][:2] != stats
                ]
                stale.append((scan, old, names))
                if sum(len(job[2]) for job in stale) >= PARSE_BATCH:
                    parse_stale()
        parse_stale()
        present = set(folders)
        gone = [rel for rel in known if rel not in present and (asked is None or rel in asked)]
        if gone:
            cache.forget(kind, gone)
        fresh_records = cache.fresh_records(
            kind, fresh, decode, window if kind != "visits" else None, recorded_before, items_only
        )
        if fresh_records is None:
            return None
        records += fresh_records
        outside: list[Any] = []
        if weigh_copies and window is not None and kind == "rectifications":
            # The copies are found among the cached rows: only those of the folders read now
            # say what is on disk (a removed folder's rows go only once it is seen gone, and
            # not at all while the cache is busy), and only when
            # every folder's rows are the files' (else every file is read instead): each
            # changed one's were stored, and none is irregular (read the slow way, its rows
            # are never stored: a copy in it would go unseen).
            copies = cache.copied_items() if not unstored and not irregular else None
            if copies is None:
                return None
            loaded = {record.path for record in records}
            present = set(folders)
            missing = [
                pair
                for pair in copies
                if pair[0] in present and f"{pair[0]}/{pair[1]}" not in loaded
            ]
            outside = [decode(row) for row in cache.rows_at(kind, missing)]
            # and their event files: those of a copy that is not counted are reported as
            # having no item, as a file-by-file read reports them
            homes = [(record.path.rsplit("/", 1)[0], record.id) for record in outside]
            outside += [decode(row) for row in cache.event_rows(kind, homes)]
        return records, problems, irregular, outside
    finally:
        cache.close()
        forget_shared_values()


def _refresh_folder(
    kind: str,
    scan: FolderScan,
    old: dict[str, tuple[int, str, str]],
    parsed: dict[str, tuple[Any, list[Any]]],
    window: Window | None,
    recorded_before: int | None,
) -> _Done:
    """A stale folder's rows, from its parsed files and the cached rows of its unchanged ones
    (decoded: an item's history may join files of both kinds); every visit is kept, items as
    the window says."""
    encode, decode = row_codec(kind)
    rows: list[Row] = []
    folder_records: list[Any] = []
    problems: list[Any] = []
    for name in scan.files:
        record: Any
        done = parsed.get(f"{scan.rel}/{name}")
        if done is None:  # unchanged since it was cached
            row = old[name][2]
            record = decode(row)
        else:
            record, found = done
            problems.extend(found)
            if record is None:
                continue
            row = encode(record)
        rows.append((name, row, None, None, None))
        folder_records.append(record)
    if kind == "visits":
        return rows, problems, list(range(len(rows))), folder_records
    rows, kept = _item_rows(rows, folder_records, window, recorded_before)
    return rows, problems, kept, [folder_records[index] for index in kept]


def _item_rows(
    rows: list[Row], records: list[Any], window: Window | None, recorded_before: int | None
) -> tuple[list[Row], list[int]]:
    """One folder's item and event-file rows with the opened and settled dates of the whole
    history they belong to, and the indices of the records in the window. `rows[i]` is
    `records[i]`'s row."""
    from wkb_tracker.store.event_files import join

    joined, _orphans = join(records)
    by_path = {item.path: item for item in joined}  # a copy of an item is judged on its own
    by_id: dict[str, Rectification] = {}
    for item in joined:  # the item its event files joined (see join)
        if item.id not in by_id or item.path.endswith(f"/{item.id}.yaml"):
            by_id[item.id] = item
    # What each whole history says, worked out once for it and its event files (the walk of a
    # history is most of the cost of a row after parsing).
    judged: dict[int, tuple[str | None, str | None, int | None, bool]] = {}
    filled: list[Row] = []
    kept: list[int] = []
    for index, ((name, row, *_dates), record) in enumerate(zip(rows, records, strict=True)):
        whole = (
            by_id.get(record.item) if isinstance(record, EventFile) else by_path.get(record.path)
        )
        if whole is None:  # an event file without its item: always read, and reported
            filled.append((name, row, None, None, None))
            kept.append(index)
            continue
        facts = judged.get(id(whole))
        if facts is None:
            settled = settled_on(whole)
            last = last_recorded(whole)
            facts = judged[id(whole)] = (
                whole.opened.isoformat(),
                _iso(settled),
                last,
                in_window(whole, window, recorded_before, known=(settled, last)),
            )
        opened, settled_text, last, inside = facts
        filled.append((name, row, opened, settled_text, last))
        if inside:
            kept.append(index)
    return filled, kept
