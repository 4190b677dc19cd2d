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
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from hashlib import blake2b
from pathlib import Path
from typing import Any

from wkb_tracker.domain.errors import Problem
from wkb_tracker.store.record_cache import (
    RecordCache,
    decode_item,
    decode_visit,
    encode_item,
    encode_visit,
)
from wkb_tracker.store.storage import Document, parse_yaml, read_record_bytes

Read = Callable[[Path, str], tuple[Any, list[Problem]]]
Build = Callable[[Document], tuple[Any, list[Problem]]]


def digest_of(data: bytes) -> bytes:
    return blake2b(data, digest_size=16).digest()


class CheckedFiles:
    """The remembered parses, looked up a month folder at a time (files are read in folder
    order), and the new ones, written in one transaction by `close`."""

    def __init__(self, root: Path, *, by_folder: bool = True) -> None:
        """`by_folder`: look rows up a month folder at a time (validate reads every file);
        else one query per file (the pre-commit check reads a few)."""
        self.cache = RecordCache(root)
        self.by_folder = by_folder
        self.folder: str | None = None
        self.known: dict[str, tuple[bytes, Any]] = {}
        self.new: list[tuple[str, str, bytes, str]] = []
        # Bytes this run already read (path → bytes, digest): not read a second time.
        self.preread: dict[str, tuple[bytes, bytes]] = {}
        # Every record file read whole by this run: path → digest (store/validate_run.py).
        self.seen: dict[str, bytes] = {}

    def lookup(self, rel: str, digest: bytes) -> Any:
        """The remembered row (parsed JSON) of `rel` if its bytes are the ones remembered."""
        folder, _slash, name = rel.rpartition("/")
        if not self.by_folder:
            return self._one_row(folder, name, digest)
        if folder != self.folder:
            self.folder = folder
            self.known = self._folder_rows(folder)
        found = self.known.get(name)
        return found[1] if found is not None and found[0] == digest else None

    def _one_row(self, folder: str, name: str, digest: bytes) -> Any:
        db = self.cache.db
        if db is None:
            return None
        try:
            query = "SELECT row FROM checked WHERE folder=? AND name=? AND digest=?"
            found = db.execute(query, (folder, name, digest)).fetchone()
            return json.loads(found[0]) if found is not None else None
        except (sqlite3.Error, ValueError):
            return None

    def _folder_rows(self, folder: str) -> dict[str, tuple[bytes, Any]]:
        db = self.cache.db
        if db is None:
            return {}
        try:
            query = "SELECT name, digest, row FROM checked WHERE folder=?"
            found = db.execute(query, (folder,)).fetchall()
        except sqlite3.Error:
            self.cache.close()
            return {}
        try:  # one JSON parse for the folder: several times cheaper than one per row
            rows = json.loads("[" + ",".join([row for _name, _digest, row in found]) + "]")
        except ValueError:
            return {}  # damaged rows: every file of the folder is parsed
        return {name: (digest, row) for (name, digest, _text), row in zip(found, rows, strict=True)}

    def remember(self, rel: str, digest: bytes, row: str) -> None:
        folder, _slash, name = rel.rpartition("/")
        self.new.append((folder, name, digest, row))

    def close(self) -> None:
        db = self.cache.db
        if db is not None and self.new:
            try:
                db.execute("BEGIN IMMEDIATE")
                db.executemany("INSERT OR REPLACE INTO checked VALUES(?,?,?,?)", self.new)
                db.execute("COMMIT")
            except sqlite3.Error:
                pass  # another run holds the cache: the parses are remembered next time
        self.cache.close()

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
