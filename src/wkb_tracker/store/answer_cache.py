"""Answers computed from many records, kept in the records cache (`.wkb-cache/records.sqlite`)
under a key made of everything they were computed from (issue 14.4: `wkb stats --year` at
100,000 visits compares the problems of ~25,000 visits; asked again of the same records, it
reads one row).

The key is a digest of:
- the question (the command, its period and options, the language of any warnings);
- the signature of every month folder read — the same signature that tells the record cache a
  folder is unchanged (name, size, mtime, ctime and inode of every record file): a record
  added, edited, removed, renamed or merely touched gives another key;
- the keys of the policy and register caches (the size, times and inode of their files), today's
  date (anything judged against "today"), and the code itself (name, size and mtime of every
  module of wkb), so an upgrade or an edited checkout never meets an older answer.

A folder that cannot be signed (a symlink or subfolder in it: read the slow way, where every
oddity is reported) means no reuse. The warnings printed while computing are kept with the
answer and printed again, so a broken file is still reported on every run. Off with `--no-cache`
/ WKB_NO_CACHE=1 like the rest of the cache; a missing or corrupt cache is never an error.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from hashlib import blake2b
from pathlib import Path
from typing import Any

from wkb_tracker.store import settings

KEPT = 32  # answers kept; the least recently used beyond this are dropped


def code_signature(package: Path | None = None) -> str:
    """A digest of wkb's modules (name, size, mtime): another version or an edited checkout
    never reuses an answer computed by this one."""
    package = package or Path(__file__).resolve().parent.parent
    digest = blake2b(digest_size=16)
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("__"))
        for name in sorted(names):
            if name.endswith(".py"):
                status = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def answer_key(question: list[Any], inputs: list[Any]) -> str | None:
    """The key of `question` asked of `inputs` (signatures, cache keys…); None when any input
    could not be signed."""
    if any(part is None for part in inputs):
        return None
    text = json.dumps([question, inputs, code_signature()], ensure_ascii=False, default=str)
    return blake2b(text.encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()


def remembered(
    root: Path, key: str | None, compute: Callable[[], tuple[Any, list[str]]]
) -> tuple[Any, list[str]]:
    """(answer, warnings) for `key`: from the cache when it holds them, else `compute()`d and
    kept. Both must be JSON values."""
    from wkb_tracker.store.record_cache import RecordCache

    if key is None or not settings.cache_enabled():
        return compute()
    cache = RecordCache(root)
    try:
        found = cache.answer(key)
    finally:
        cache.close()
    if found is not None:
        try:
            value = json.loads(found)
            return value["answer"], list(value["warnings"])
        except (ValueError, KeyError, TypeError):
            pass  # a damaged row: computed again and replaced
    answer, warnings = compute()
    cache = RecordCache(root)
    try:
        cache.keep_answer(key, json.dumps({"answer": answer, "warnings": warnings}), KEPT)
    finally:
        cache.close()
    return answer, warnings
