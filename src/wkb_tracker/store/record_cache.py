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
from collections.abc import Callable
from datetime import date, datetime
from hashlib import blake2b
from pathlib import Path
from typing import Any

from wkb_tracker.domain.model import EventFile, Rectification, RectificationEvent, Visit, VoidMark
from wkb_tracker.domain.rectification import settled_on
from wkb_tracker.store.parallel import in_two_halves

CACHE_DIR = ".wkb-cache"
DATABASE = f"{CACHE_DIR}/records.sqlite"
SCHEMA_VERSION = "8"  # 3: events carry their origin; event-file rows. 4: dates out of range
# are problems. 5: items opened in a sealed month carry late_reason, late_approved_by. 6: a key
# given twice in one mapping is a problem (rows cached before read the last value). 7: a
# visit's entity_id. 8: its joint_leaders (a file with them was a problem to earlier versions)
_MONTH_FOLDER_DEPTH = 2  # <kind dir>/YYYY/MM

# A window over rectification items: (settled before this date → left out, opened after → left out)
Window = tuple[date | None, date | None]


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _datetime(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text is not None else None


def encode_visit(visit: Visit) -> str:
    void = [visit.void.reason, visit.void.by, _iso(visit.void.at)] if visit.void else None
    return json.dumps(
        [
            visit.id, _iso(visit.date), visit.district, visit.district_id, visit.leader,
            visit.entity, visit.type, visit.mode, list(visit.measures), visit.summary,
            list(visit.problems), list(visit.participants), visit.recorder,
            _iso(visit.recorded_at), visit.late_reason, void, visit.path, visit.late_approved_by,
            visit.entity_id,
            list(visit.joint_leaders),
        ],
        ensure_ascii=False,
    )  # fmt: skip


def decode_visit(text: str | list[Any]) -> Visit:
    row = json.loads(text) if isinstance(text, str) else text
    void = row[15]
    return Visit(
        id=row[0], date=date.fromisoformat(row[1]), district=row[2], district_id=row[3],
        leader=row[4], entity=row[5], type=row[6], mode=row[7], measures=tuple(row[8]),
        summary=row[9], problems=tuple(row[10]), participants=tuple(row[11]), recorder=row[12],
        recorded_at=_datetime(row[13]), late_reason=row[14],
        void=VoidMark(void[0], void[1], datetime.fromisoformat(void[2])) if void else None,
        path=row[16], late_approved_by=row[17] if len(row) > 17 else None,
        entity_id=row[18] if len(row) > 18 else None,
        joint_leaders=tuple(row[19]) if len(row) > 19 else (),
    )  # fmt: skip


def _encode_event(e: RectificationEvent) -> list[Any]:
    return [
        e.kind, _iso(e.date), e.by, _iso(e.at), e.note, _iso(e.deadline), e.reason,
        e.approved_by, e.resolution, e.late_reason, e.id, e.path, e.index,
    ]  # fmt: skip


def _decode_event(e: list[Any]) -> RectificationEvent:
    fromisoformat = date.fromisoformat  # positional: rows keep field order
    return RectificationEvent(
        e[0], fromisoformat(e[1]), e[2], datetime.fromisoformat(e[3]), e[4],
        fromisoformat(e[5]) if e[5] else None, e[6], e[7], e[8], e[9], e[10], e[11], e[12],
    )  # fmt: skip


def encode_item(item: Rectification | EventFile) -> str:
    """An item's row (17 values), or an event file's row ([item id, event, path])."""
    if isinstance(item, EventFile):
        return json.dumps([item.item, _encode_event(item.event), item.path], ensure_ascii=False)
    events = [_encode_event(e) for e in item.events]
    return json.dumps(
        [
            item.id, item.problem, item.district, item.district_id, item.source, item.visit,
            item.measure, item.department, item.owner, _iso(item.opened), _iso(item.deadline),
            item.created_by, _iso(item.created_at), events, item.path, item.late_reason,
            item.late_approved_by,
        ],
        ensure_ascii=False,
    )  # fmt: skip


def decode_item(text: str | list[Any]) -> Rectification | EventFile:
    row = json.loads(text) if isinstance(text, str) else text
    if len(row) == 3:  # an event file's row
        return EventFile(row[0], _decode_event(row[1]), row[2])
    fromisoformat = date.fromisoformat  # positional: rows keep field order
    events = tuple([_decode_event(e) for e in row[13]])
    return Rectification(
        row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8],
        fromisoformat(row[9]), fromisoformat(row[10]), row[11], _datetime(row[12]), events, row[14],
        row[15], row[16],
    )  # fmt: skip


def decode_many(decode: Callable[[str], Any], rows: list[str]) -> list[Any]:
    """Decode many rows; one JSON parse for all of them is several times cheaper than one each."""
    if not rows:
        return []
    parsed = json.loads("[" + ",".join(rows) + "]")
    return [decode(row) for row in parsed]


def in_window(item: Rectification, window: Window | None) -> bool:
    if window is None:
        return True
    settled_before, opened_until = window
    if opened_until is not None and item.opened > opened_until:
        return False
    settled = settled_on(item) if settled_before is not None else None
    return settled is None or settled_before is None or settled >= settled_before


class FolderScan:
    """One month folder on disk: its record files with (size, mtime) and its signature."""

    __slots__ = ("files", "rel", "signature")

    def __init__(self, rel: str, files: dict[str, tuple[int, str]]) -> None:
        self.rel = rel
        self.files = files
        listing = repr(sorted(files.items())).encode("utf-8", "surrogateescape")
        self.signature = blake2b(listing, digest_size=16).hexdigest()


def scan_month_folder(root: Path, rel: str) -> FolderScan | None:
    """The folder's record files, or None if it holds anything but plain files (a symlink, a
    subfolder): such a folder is read the slow way, where every oddity is reported."""
    files: dict[str, tuple[int, str]] = {}
    regular = stat.S_IFREG
    try:
        with os.scandir(root / rel) as entries:
            for entry in entries:
                name = entry.name
                if name[0] == ".":
                    continue  # temp files and the like: never records
                status = entry.stat(follow_symlinks=False)
                if stat.S_IFMT(status.st_mode) != regular:
                    return None
                if name[-5:] == ".yaml":
                    # ctime and inode too: an edit that keeps the size and puts the old mtime
                    # back (cp -p, rsync, touch -r) still changes the ctime.
                    files[name] = (
                        status.st_size,
                        f"{status.st_mtime_ns}:{status.st_ctime_ns}:{status.st_ino}",
                    )
    except OSError:
        return None
    return FolderScan(rel, files)


SPLIT_SCAN_FROM = 20  # folders; a forked helper stats half of them when there are this many


def folder_signatures(root: Path, folders: list[str]) -> list[str | None]:
    """The signature of each folder (None: irregular). Statting every record file is what makes
    the cache exact, and most of a warm run's time: with many folders a forked child stats half
    of them on the other core."""
    return in_two_halves(
        folders, lambda some: [_signature(root, rel) for rel in some], from_size=SPLIT_SCAN_FROM
    )


def _signature(root: Path, rel: str) -> str | None:
    scan = scan_month_folder(root, rel)
    return scan.signature if scan is not None else None


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
            self.db = sqlite3.connect(root / DATABASE, timeout=5, isolation_level=None)
            self._prepare()
        except (OSError, sqlite3.Error):
            self._reset()

    def _prepare(self) -> None:
        assert self.db is not None
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)")
        version = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if version is None or version[0] != SCHEMA_VERSION:
            self.db.executescript(
                """
                DROP TABLE IF EXISTS folder; DROP TABLE IF EXISTS record;
                CREATE TABLE folder(kind TEXT, rel TEXT, signature TEXT, PRIMARY KEY(kind, rel));
                CREATE TABLE record(kind TEXT, folder TEXT, name TEXT, size INT, mtime INT,
                    opened TEXT, settled TEXT, row TEXT, PRIMARY KEY(kind, folder, name));
                CREATE INDEX record_window ON record(kind, folder, settled, opened);
                """
            )
            self.db.execute("INSERT OR REPLACE INTO meta VALUES('schema', ?)", (SCHEMA_VERSION,))

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
        except sqlite3.Error:
            self._reset()
            return {}

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
        except sqlite3.Error:
            self._reset()
            return {}

    def fresh_rows(self, kind: str, folders: list[str], window: Window | None) -> list[str] | None:
        """The rows of unchanged folders (within the window, for items); None if unreadable."""
        if self.db is None or not folders:
            return [] if self.db is not None else None
        settled_before, opened_until = window if window is not None else (None, None)
        rows: list[str] = []
        try:
            for start in range(0, len(folders), 500):
                chunk = folders[start : start + 500]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT row FROM record WHERE kind=? AND folder IN ({marks})"
                values: list[Any] = [kind, *chunk]
                if settled_before is not None:
                    query += " AND (settled IS NULL OR settled >= ?)"
                    values.append(settled_before.isoformat())
                if opened_until is not None:
                    query += " AND (opened IS NULL OR opened <= ?)"
                    values.append(opened_until.isoformat())
                rows += [row for (row,) in self.db.execute(query, values)]
        except sqlite3.Error:
            self._reset()
            return None
        return rows

    def store(
        self, kind: str, scan: FolderScan, rows: list[tuple[str, str, str | None, str | None]]
    ) -> None:
        """Replace a folder's cached rows: (name, row, opened, settled) for every good file."""
        if self.db is None:
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("DELETE FROM record WHERE kind=? AND folder=?", (kind, scan.rel))
            self.db.executemany(
                "INSERT INTO record VALUES(?,?,?,?,?,?,?,?)",
                [
                    (kind, scan.rel, name, *scan.files[name], opened, settled, row)
                    for name, row, opened, settled in rows
                ],
            )
            self.db.execute(
                "INSERT OR REPLACE INTO folder VALUES(?,?,?)",
                (kind, scan.rel, scan.signature if len(rows) == len(scan.files) else "incomplete"),
            )
            self.db.execute("COMMIT")
        except sqlite3.Error:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                self._reset()


def cached_load(
    root: Path,
    kind: str,
    folders: list[str],
    parse_files: Callable[[list[str]], list[tuple[Any, list[Any]]]],
    window: Window | None,
) -> tuple[list[Any], list[Any], list[str]] | None:
    """Load the records of these month folders through the cache.

    `parse_files(rels)` reads files the slow way and returns (record or None, problems) for each,
    in order. Returns (records, problems, folders the cache could not handle), or None when the
    cache cannot be used at all (the caller then reads everything itself).
    """
    encode, decode = (
        (encode_visit, decode_visit) if kind == "visits" else (encode_item, decode_item)
    )
    cache = RecordCache(root)
    if cache.db is None:
        return None
    try:
        known = cache.signatures(kind)
        fresh: list[str] = []
        irregular: list[str] = []
        stale: list[tuple[FolderScan, dict[str, tuple[int, str, str]]]] = []
        to_parse: list[str] = []
        signatures = folder_signatures(root, folders)
        for rel, signature in zip(folders, signatures, strict=True):
            if signature is not None and known.get(rel) == signature:
                fresh.append(rel)
                continue
            scan = scan_month_folder(root, rel)
            if scan is None:
                irregular.append(rel)
            elif known.get(rel) == scan.signature:
                fresh.append(rel)
            else:
                old = cache.rows(kind, rel)
                stale.append((scan, old))
                to_parse += [
                    f"{rel}/{name}"
                    for name, stats in scan.files.items()
                    if name not in old or old[name][:2] != stats
                ]
        parsed = dict(zip(to_parse, parse_files(to_parse), strict=True))  # one batch: parallel
        records: list[Any] = []
        problems: list[Any] = []
        for scan, old in stale:
            rows: list[tuple[str, str, str | None, str | None]] = []
            folder_records: list[Any] = []
            for name in scan.files:
                record: Any
                done = parsed.get(f"{scan.rel}/{name}")
                if done is None:  # unchanged since it was cached
                    row = old[name][2]
                    record = decode(row)
                else:
                    record, found = done
                    problems += found
                    if record is None:
                        continue
                    row = encode(record)
                if kind == "visits":
                    rows.append((name, row, None, None))
                    records.append(record)
                else:
                    rows.append((name, row, None, None))
                    folder_records.append(record)
            if kind != "visits":
                rows, kept = _item_rows(rows, folder_records, window)
                records += kept
            cache.store(kind, scan, rows)
        fresh_rows = cache.fresh_rows(kind, fresh, window if kind != "visits" else None)
        if fresh_rows is None:
            return None
        records += decode_many(decode, fresh_rows)
        return records, problems, irregular
    finally:
        cache.close()


def _item_rows(
    rows: list[tuple[str, str, str | None, str | None]], records: list[Any], window: Window | None
) -> tuple[list[tuple[str, str, str | None, str | None]], list[Any]]:
    """One folder's item and event-file rows with the opened and settled dates of the whole
    history they belong to, and the records in the window. `rows[i]` is `records[i]`'s row."""
    from wkb_tracker.store.event_files import join

    joined, _orphans = join(records)
    by_path = {item.path: item for item in joined}  # a copy of an item is judged on its own
    by_id: dict[str, Rectification] = {}
    for item in joined:  # the item its event files joined (see join)
        if item.id not in by_id or item.path.endswith(f"/{item.id}.yaml"):
            by_id[item.id] = item
    filled: list[tuple[str, str, str | None, str | None]] = []
    kept: list[Any] = []
    for (name, row, _opened, _settled), record in zip(rows, records, strict=True):
        whole = (
            by_id.get(record.item) if isinstance(record, EventFile) else by_path.get(record.path)
        )
        if whole is None:  # an event file without its item: always read, and reported
            filled.append((name, row, None, None))
            kept.append(record)
            continue
        filled.append((name, row, whole.opened.isoformat(), _iso(settled_on(whole))))
        if in_window(whole, window):
            kept.append(record)
    return filled, kept
