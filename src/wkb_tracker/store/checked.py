"""What `wkb validate` reuses: the parse and per-record checks of files whose bytes are unchanged.

Validate reads every byte of every record file on every run; it never takes content from a cache.
What it may skip is the work done on those bytes: parsing the YAML and building and checking the
record. A file read without any problem is remembered in `.wkb-cache/records.sqlite` under its
path and the blake2b digest of its bytes, with the record it gave (the record cache's row codec);
the next run that reads the same bytes at the same path decodes that row instead of parsing.
Building a record depends on nothing but its bytes and its path (no date, no configuration, no
policy: those checks are the validators', which run on every record every time), so the reused
record is the one a parse would build. Files with problems are never remembered: they are parsed
and reported every time. A row whose file changed or went away is simply never matched again.
(The last clean run's verdict is reused too, when only files were added: store/validate_run.py.)
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from hashlib import blake2b
from pathlib import Path
from typing import Any

from wkb_tracker.domain.errors import Problem
from wkb_tracker.store.record_cache import RecordCache, in_transaction
from wkb_tracker.store.row_codec import (
    decode_item,
    decode_visit,
    encode_item,
    encode_visit,
    forget_shared_values,
)
from wkb_tracker.store.storage import Document, parse_yaml, read_record_bytes

Read = Callable[[Path, str], tuple[Any, list[Problem]]]
Build = Callable[[Document], tuple[Any, list[Problem]]]


def digest_of(data: bytes) -> bytes:
    return blake2b(data, digest_size=16).digest()


# One row per month folder (`checked_folder`, beside the record cache's tables): its file names
# (NUL-separated), their digests end to end and their records' rows (NUL-separated JSON texts).
# A cold validate at 100k visits writes ~300 rows instead of 150,000; one folder's rows are
# parsed in one go, or one row alone for the pre-commit check.
_TABLE = (
    "CREATE TABLE IF NOT EXISTS checked_folder"
    "(folder TEXT PRIMARY KEY, names TEXT, digests BLOB, rows TEXT)"
)


class _Folder:
    """One folder's remembered files: name → (digest, row text), and the rows parsed so far."""

    __slots__ = ("dirty", "entries", "parsed")

    def __init__(self, entries: dict[str, tuple[bytes, str]]) -> None:
        self.entries = entries
        self.parsed: dict[str, Any] | None = None
        self.dirty = False

    @classmethod
    def unpack(cls, names: str, digests: bytes, rows: str) -> _Folder:
        listed = names.split("\0") if names else []
        texts = rows.split("\0") if rows else []
        if len(texts) != len(listed) or len(digests) != 16 * len(listed):
            return cls({})  # damaged: every file of the folder is parsed
        return cls(
            {name: (digests[16 * i : 16 * i + 16], texts[i]) for i, name in enumerate(listed)}
        )

    def packed(self) -> tuple[str, bytes, str]:
        names = list(self.entries)
        return (
            "\0".join(names),
            b"".join(self.entries[name][0] for name in names),
            "\0".join(self.entries[name][1] for name in names),
        )

    def parse_all(self) -> None:
        """Every row at once: one JSON parse for the folder, several times cheaper than one each."""
        names = list(self.entries)
        try:
            rows = json.loads("[" + ",".join(self.entries[name][1] for name in names) + "]")
        except ValueError:
            rows = None
        self.parsed = dict(zip(names, rows, strict=True)) if rows is not None else {}


class CheckedFiles:
    """The remembered parses, looked up a month folder at a time (files are read in folder
    order), and the new ones, written in one transaction by `close`."""

    def __init__(self, root: Path, *, by_folder: bool = True) -> None:
        """`by_folder`: parse a folder's rows at once (validate reads every file); else only the
        row asked for (the pre-commit check reads a few)."""
        self.cache = RecordCache(root)
        self.by_folder = by_folder
        self.folders: dict[str, _Folder] = {}
        self.current: str | None = None
        # Folders done with (validate moves on folder by folder): packed, awaiting `close`.
        self.done: dict[str, tuple[str, bytes, str]] = {}
        # Bytes this run already read (path → bytes, digest): not read a second time.
        self.preread: dict[str, tuple[bytes, bytes]] = {}
        # Every record file read whole by this run: path → digest (store/validate_run.py).
        self.seen: dict[str, bytes] = {}
        if self.cache.db is not None:
            try:
                self.cache.db.execute(_TABLE)
            except sqlite3.Error:
                self.cache.close()

    def _folder(self, folder: str) -> _Folder:
        found = self.folders.get(folder)
        if found is not None:
            return found
        if self.by_folder and self.current is not None and self.current != folder:
            self._set_aside(self.current)  # validate has moved on: keep memory to one folder
        self.current = folder
        if folder in self.done:
            found = _Folder.unpack(*self.done.pop(folder))
            found.dirty = True
        else:
            found = self._read_folder(folder)
        self.folders[folder] = found
        return found

    def _set_aside(self, folder: str) -> None:
        state = self.folders.pop(folder, None)
        if state is not None and state.dirty:
            self.done[folder] = state.packed()

    def _read_folder(self, folder: str) -> _Folder:
        db = self.cache.db
        if db is None:
            return _Folder({})
        try:
            query = "SELECT names, digests, rows FROM checked_folder WHERE folder=?"
            found = db.execute(query, (folder,)).fetchone()
        except sqlite3.Error:
            self.cache.close()
            return _Folder({})
        return _Folder.unpack(*found) if found is not None else _Folder({})

    def lookup(self, rel: str, digest: bytes) -> Any:
        """The remembered row (parsed JSON) of `rel` if its bytes are the ones remembered."""
        folder, _slash, name = rel.rpartition("/")
        state = self._folder(folder)
        entry = state.entries.get(name)
        if entry is None or entry[0] != digest:
            return None
        if self.by_folder:
            if state.parsed is None:
                state.parse_all()
            return state.parsed.get(name) if state.parsed is not None else None
        try:
            return json.loads(entry[1])
        except ValueError:
            return None

    def remember(self, rel: str, digest: bytes, row: str) -> None:
        folder, _slash, name = rel.rpartition("/")
        state = self._folder(folder)
        state.entries[name] = (digest, row)
        if state.parsed is not None:
            state.parsed.pop(name, None)  # parsed again from `row` if asked (never: just built)
        state.dirty = True

    def close(self) -> None:
        for folder in list(self.folders):
            self._set_aside(folder)
        db = self.cache.db
        if db is not None and self.done:
            rows = [(folder, *packed) for folder, packed in self.done.items()]
            # Not kept when another run holds the cache: remembered next time.
            in_transaction(
                db,
                lambda db: db.executemany(
                    "INSERT OR REPLACE INTO checked_folder VALUES(?,?,?,?)", rows
                ),
            )
        self.cache.close()
        forget_shared_values()  # the rows decoded by this run's reader

    def reader(self, kind: str, build: Build) -> Read:
        """A reader like the loader's: every byte read, the parse reused when they are the same."""
        encode, decode = (
            (encode_visit, decode_visit) if kind == "visits" else (encode_item, decode_item)
        )

        def read(root: Path, rel: str) -> tuple[Any, list[Problem]]:
            if not rel.endswith(".yaml"):  # an odd entry: read (and reported) as ever
                from wkb_tracker.store.loader import read_doc

                return build(read_doc(root, rel))
            known = self.preread.pop(rel, None)
            if known is not None:
                data, digest = known
            else:
                read, problems = read_record_bytes(root, rel)
                if read is None:
                    return None, problems
                data, digest = read, digest_of(read)
            self.seen[rel] = digest
            row = self.lookup(rel, digest)
            if row is not None:
                try:
                    return decode(row), []
                except (ValueError, TypeError, LookupError):
                    pass  # a damaged row: parse the bytes
            value, problems = parse_yaml(data, rel)
            record, found = build(Document(rel, data, value, problems))
            if record is not None and not found:
                self.remember(rel, digest, encode(record))
            return record, found

        return read
