"""`wkb validate`: every check, and — after a clean run — only what was added since (issue 17.2).

Every run reads every byte of every record file and hashes it (blake2b); no content is ever
taken from a cache. What a run may reuse is the work done on bytes it has seen:

- the parse and the record built from unchanged bytes (store/checked.py);
- the verdict of the last run that found nothing wrong. That run remembers (in
  `.wkb-cache/records.sqlite`) every record file it read with the digest of its bytes, the ids
  of every visit and item, its counts and its notes, under a context key: the bytes of
  `wkb.toml`, `wkb.local.toml` and the policy files, of every file under `data/sealed/` and
  `data/entities/`, the day (`WKB_TODAY` or the clock), the cache layout, and the size and time
  of every source file of wkb itself. When the next run finds the same context and the same
  files with the same bytes, plus new files only (none changed, none gone, none in a sealed
  month), the records it did not see added are exactly as that clean run checked them; it then
  checks the new files as the full run would, with everything they can affect:

  - each new visit, item and event file: read, parsed and built as every reader does, then the
    per-record rules (the table, dates, names, id and place, the entity a visit names);
  - a new id that an earlier record already holds (a copy: the full run reports both files),
    two new files with one id, or a new event file whose item is not beside it: the full run;
  - the whole history of each item a new item or event file belongs to (its file and every
    event file beside it), an item's visit among all visit ids, and entries recorded after the
    seal of a sealed month they are dated in;
  - the sealing history in git, as every full run checks it;
  - the visits without items (a note), the temp files left by a crash: found again.

Anything else — a changed or deleted file, an odd entry, a file that cannot be read, a new
context — runs every check on every record, handing over the bytes already read. Only a run
that found nothing wrong (and no temp file) is remembered; until the next such run, every run is
compared with that one.
"""

from __future__ import annotations

import gc
import json
import os
import sqlite3
from dataclasses import dataclass
from hashlib import blake2b
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from wkb_tracker.domain.errors import Problem
from wkb_tracker.store import settings
from wkb_tracker.store.root import ENTITIES_DIR, RECTIFICATIONS_DIR, SEALED_DIR, VISITS_DIR

if TYPE_CHECKING:
    from wkb_tracker.domain.dataset import Dataset
    from wkb_tracker.store.checked import CheckedFiles

_CONTEXT_FILES = ("wkb.toml", "wkb.local.toml", "data/measures.yaml", "data/districts.yaml")
# In `.wkb-cache/records.sqlite`, beside the record cache's tables (a change of their columns
# takes new table names: the cache is only ever added to, never migrated).
_TABLES = """
CREATE TABLE IF NOT EXISTS validate_run_meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS validate_run_folder(folder TEXT PRIMARY KEY, digest BLOB, names TEXT,
    digests BLOB);
"""


@dataclass
class Verdict:
    """What `wkb validate` reports: problems (validators' sorted, then the register's), visits
    whose problems have no item (a note), leftover temp files, and what was checked."""

    problems: list[Problem]
    notes: list[str]
    temp_files: list[str]
    measures: int
    districts: int
    visits: int
    items: int
    only_added: bool = False  # the clean run's verdict plus the check of the files added since


def validate_root(root: Path) -> Verdict:
    """The whole `wkb validate` verdict of `root` (module docstring)."""
    # Millions of small acyclic objects live for the whole run (records, rows, digests): the
    # cyclic collector would only scan them again and again.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _validate_root(root)
    finally:
        if enabled:
            gc.enable()


def _validate_root(root: Path) -> Verdict:
    if not settings.cache_enabled():
        return _full(root, None, None)
    from wkb_tracker.store.checked import CheckedFiles

    checked = CheckedFiles(root)
    try:
        db = checked.cache.db
        if db is not None:
            try:
                db.executescript(_TABLES)
            except sqlite3.Error:
                db = None
        context = _context_key(root) if db is not None else None
        if db is not None and context is not None:
            quick = _only_added(root, db, context, checked)
            if quick is not None:
                return quick
        return _full(root, checked, context)  # with the bytes `_only_added` read (preread)
    finally:
        checked.close()


def _full(root: Path, checked: CheckedFiles | None, context: str | None) -> Verdict:
    """Every check on every record; remembered when nothing is wrong (and `context` is given)."""
    from wkb_tracker.store.entity_store import check_register
    from wkb_tracker.store.loader import load
    from wkb_tracker.store.validation import problems_without_items, validate

    data = load(root, cache=False, checked=checked)
    problems = validate(data)
    register, entity_problems = check_register(root, data.policy)
    problems += entity_problems
    if len(register) or any(visit.entity_id for visit in data.visits):
        from wkb_tracker.store.entity_links import visit_problems

        problems += visit_problems(root, register, data.visits)
    verdict = Verdict(
        problems,
        problems_without_items(data),
        data.temp_files,
        len(data.policy.measures),
        len(data.policy.district_ids),
        len(data.visits),
        len(data.rectifications),
    )
    db = checked.cache.db if checked is not None else None
    if db is not None and context is not None and not problems and not data.temp_files:
        _remember(db, context, checked.seen if checked is not None else {}, data, verdict)
    return verdict


# -- the context key ---------------------------------------------------------------------------


def _context_key(root: Path) -> str | None:
    """A digest of everything a record's checks depend on besides the record files; None when
    wkb's own modules cannot be listed (then nothing is remembered)."""
    from wkb_tracker.domain.dates import today
    from wkb_tracker.store.answer_cache import code_signature
    from wkb_tracker.store.record_cache import SCHEMA_VERSION

    code = code_signature()
    if code is None:
        return None
    digest = blake2b(digest_size=20)
    digest.update(f"{SCHEMA_VERSION}\0{today().isoformat()}\0{code}\0".encode())
    for rel in _CONTEXT_FILES:
        digest.update(rel.encode() + b"\0" + _file_digest(root, rel))
    for top in (SEALED_DIR, ENTITIES_DIR):
        for folder, _folders, names in sorted(os.walk(root / top)):
            for name in sorted(names):
                rel = (Path(folder) / name).relative_to(root).as_posix()
                digest.update(rel.encode() + b"\0" + _file_digest(root, rel))
    return digest.hexdigest()


def _file_digest(root: Path, rel: str) -> bytes:
    """The file's bytes digested, read as every record is (storage.read_record_bytes: a pipe or
    a device never opened — `wkb validate` once hung on one —, a link followed only inside the
    root, a size limit); a file that cannot be read is keyed by why, in no particular language."""
    from wkb_tracker.store.checked import digest_of
    from wkb_tracker.store.storage import read_record_bytes

    data, problems = read_record_bytes(root, rel)
    if data is None:
        return ("unread:" + "|".join(problem.shown("en") for problem in problems)).encode()
    return digest_of(data)


# -- the remembered clean run ------------------------------------------------------------------


def _listing_digest(entries: list[tuple[str, bytes]]) -> bytes:
    digest = blake2b(digest_size=16)
    for name, file_digest in entries:
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0" + file_digest)
    return digest.digest()


def _packed(entries: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """A folder's file names (NUL never is one's part) and their digests, end to end."""
    return "\0".join(name for name, _digest in entries), b"".join(d for _name, d in entries)


def _unpacked(names: str, digests: bytes) -> dict[str, bytes]:
    listed = names.split("\0") if names else []
    size = len(digests) // len(listed) if listed else 0
    return {name: digests[i * size : (i + 1) * size] for i, name in enumerate(listed)}


def _by_folder(seen: dict[str, bytes]) -> dict[str, list[tuple[str, bytes]]]:
    folders: dict[str, list[tuple[str, bytes]]] = {}
    for rel, digest in seen.items():  # read folder by folder: no sort of every path needed
        folder, _slash, name = rel.rpartition("/")
        folders.setdefault(folder, []).append((name, digest))
    for entries in folders.values():
        entries.sort()  # in the order `_only_added` lists them (sorted), nearly free
    return folders


def _remember(
    db: sqlite3.Connection, context: str, seen: dict[str, bytes], data: Dataset, verdict: Verdict
) -> None:
    """The clean run: every file and digest, by folder; every id; counts and notes."""
    rows = [
        (folder, _listing_digest(entries), *_packed(entries))
        for folder, entries in _by_folder(seen).items()
    ]
    _store(
        db,
        context,
        rows,
        [visit.id for visit in data.visits],
        [item.id for item in data.rectifications],
        verdict,
        replace=True,
    )


def _store(
    db: sqlite3.Connection,
    context: str,
    rows: list[tuple[str, bytes, str, bytes]],
    visit_ids: list[str],
    item_ids: list[str],
    verdict: Verdict,
    *,
    replace: bool,
) -> None:
    """The clean run's files by folder (`rows`: all, or with `replace` false those of folders
    that changed), every id, and its counts and notes."""
    from wkb_tracker.store.record_cache import in_transaction

    summary = {"visits": verdict.visits, "items": verdict.items, "notes": verdict.notes}
    meta = [
        ("summary", json.dumps(summary)),
        ("visit_ids", json.dumps(visit_ids)),
        ("item_ids", json.dumps(item_ids)),
        ("context", context),
    ]

    def write(db: sqlite3.Connection) -> None:
        if replace:
            db.execute("DELETE FROM validate_run_folder")
        db.executemany("INSERT OR REPLACE INTO validate_run_folder VALUES(?,?,?,?)", rows)
        db.executemany("INSERT OR REPLACE INTO validate_run_meta VALUES(?,?)", meta)

    # Not kept when another run holds the cache: checked in full next time.
    in_transaction(db, write)


def _meta(db: sqlite3.Connection, key: str) -> str | None:
    found = db.execute("SELECT value FROM validate_run_meta WHERE key=?", (key,)).fetchone()
    return found[0] if found is not None else None


# -- a run that checks only what was added -----------------------------------------------------


def _only_added(
    root: Path, db: sqlite3.Connection, context: str, checked: CheckedFiles
) -> Verdict | None:
    """The verdict when only new files were added since the remembered clean run; else None,
    the bytes read so far left in `checked.preread` for the full run."""
    try:
        if _meta(db, "context") != context:
            return None
        remembered_folders = dict(db.execute("SELECT folder, digest FROM validate_run_folder"))
    except sqlite3.Error:
        return None
    from wkb_tracker.store.checked import digest_of
    from wkb_tracker.store.loader import folder_problems, other_temp_files, record_files
    from wkb_tracker.store.storage import read_record_bytes

    if folder_problems(root, SEALED_DIR):
        return None
    visit_files, visit_temps = record_files(root, VISITS_DIR)
    item_files, item_temps = record_files(root, RECTIFICATIONS_DIR)
    files = visit_files + item_files
    if not all(rel.endswith(".yaml") for rel in files):
        return None  # an odd entry: the full run reports it
    preread = checked.preread
    changed: list[tuple[str, list[tuple[str, bytes]]]] = []
    for folder, group in groupby(files, key=lambda rel: rel.rpartition("/")[0]):
        entries = []
        for rel in group:
            data, _problems = read_record_bytes(root, rel)
            if data is None:
                return None  # unreadable: the full run reports it
            digest = digest_of(data)
            preread[rel] = (data, digest)
            entries.append((rel.rpartition("/")[2], digest))
        if remembered_folders.pop(folder, None) != _listing_digest(entries):
            changed.append((folder, entries))
    if remembered_folders:
        return None  # a folder is gone
    added: list[str] = []
    rows: list[tuple[str, bytes, str, bytes]] = []
    for folder, entries in changed:
        query = "SELECT names, digests FROM validate_run_folder WHERE folder=?"
        known_row = db.execute(query, (folder,)).fetchone()
        known = _unpacked(*known_row) if known_row is not None else {}
        now = dict(entries)
        if any(now.get(name) != digest for name, digest in known.items()):
            return None  # a file changed or is gone
        added += [f"{folder}/{name}" for name in now if name not in known]
        rows.append((folder, _listing_digest(entries), *_packed(entries)))
    from wkb_tracker.store.root import is_sealed

    for rel in added:
        parts = rel.split("/")
        if len(parts) != 5 or is_sealed(root, int(parts[2]), int(parts[3])):
            return None  # in a sealed month: checked against the seal, by the full run
    outcome = _check_added(root, db, checked, added)
    if outcome is None:
        return None
    verdict, visit_ids, item_ids = outcome
    verdict.temp_files = sorted(visit_temps + item_temps + other_temp_files(root))
    if not verdict.problems and not verdict.temp_files:
        # The clean run now includes the added files: their folders, ids, counts and notes.
        _store(db, context, rows, visit_ids, item_ids, verdict, replace=False)
    return verdict


def _check_added(
    root: Path, db: sqlite3.Connection, checked: CheckedFiles, added: list[str]
) -> tuple[Verdict, list[str], list[str]] | None:
    """The full run's verdict given the clean run's, with the `added` files, and every visit
    and item id with theirs; None when the full run must decide (a copy of an id, an event file
    without its item)."""
    from wkb_tracker.domain.dataset import Dataset
    from wkb_tracker.store.changed_records import read_changed
    from wkb_tracker.store.config import read_config
    from wkb_tracker.store.loader import item_from_doc, visit_from_doc
    from wkb_tracker.store.policy_files import load_policy
    from wkb_tracker.store.seal_checks import check_git_history, check_rectifications
    from wkb_tracker.store.validation import (
        check_rectification_histories,
        check_visit_places,
        check_visit_rules,
        rectification_field_problems,
    )

    summary_text = _meta(db, "summary")
    visit_ids_text = _meta(db, "visit_ids")
    item_ids_text = _meta(db, "item_ids")
    if summary_text is None or visit_ids_text is None or item_ids_text is None:
        return None
    summary = json.loads(summary_text)
    config, problems = read_config(root)
    policy, policy_problems = load_policy(root, cache=False)
    problems += policy_problems
    changed = read_changed(
        root,
        added,
        checked.reader("visits", visit_from_doc),
        checked.reader("rectifications", item_from_doc),
    )
    if changed.orphans:
        return None  # an event file without its item: the full run reports it
    problems += changed.problems
    new_visits = list(changed.visits.values())
    visit_ids: list[str] = json.loads(visit_ids_text)
    item_ids: list[str] = json.loads(item_ids_text)
    new_visit_ids = [visit.id for visit in new_visits]
    known_visits, known_items = set(visit_ids), set(item_ids)
    if (
        len(set(new_visit_ids)) != len(new_visit_ids)
        or known_visits.intersection(new_visit_ids)
        or len(set(changed.new_item_ids)) != len(changed.new_item_ids)
        or known_items.intersection(changed.new_item_ids)
    ):
        return None  # copies of an id: the full run names which copy counts
    data = Dataset(root, config, policy, visits=new_visits, rectifications=changed.items)
    problems += check_visit_rules(data)
    problems += check_visit_places(data)
    problems += rectification_field_problems(data, changed.items, known_visits.union(new_visit_ids))
    problems += check_rectification_histories(data)
    from wkb_tracker.store.manifest import read_seal_book

    book, seal_problems = read_seal_book(root)
    problems += seal_problems
    seals = {key: seals.current for key, seals in book.items() if seals.current is not None}
    problems += check_rectifications(root, changed.items, seals)
    problems += check_git_history(root, book)
    found_all: list[Problem] = sorted(set(problems))
    if any(visit.entity_id for visit in new_visits):
        from wkb_tracker.store.entity_links import visit_problems
        from wkb_tracker.store.entity_store import load_register

        register, _register_problems = load_register(root, cache=False)
        found_all += visit_problems(root, register, new_visits)
    linked = {item.visit for item in changed.items if item.visit}
    notes = [visit_id for visit_id in summary["notes"] if visit_id not in linked]
    notes += [
        visit.id
        for visit in new_visits
        if visit.problems and not visit.is_void and visit.id not in linked
    ]
    verdict = Verdict(
        found_all,
        sorted(notes),
        [],
        len(policy.measures),
        len(policy.district_ids),
        summary["visits"] + len(new_visits),
        summary["items"] + len(changed.new_item_ids),
        only_added=True,
    )
    return verdict, visit_ids + new_visit_ids, item_ids + changed.new_item_ids
