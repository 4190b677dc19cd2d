"""Answers computed from many records, kept in the records cache (`.wkb-cache/records.sqlite`)
under a key made of everything they were computed from (issue 14.4: `wkb stats --year` at
100,000 visits compares the problems of ~25,000 visits; asked again of the same records, it
reads one row).

The key is a digest of:
- the question (the command, its period and options, the language of any warnings);
- the signature of every month folder read — the same signature that tells the record cache a
  folder is unchanged (name, size, mtime, ctime and inode of every record file): a record
  added, edited, removed, renamed or merely touched gives another key;
- the keys of the policy and register caches (the size, times and inode of their files; the
  caller takes the policy's before reading it), today's date (anything judged against "today"),
  and the code itself (wkb's and Python's versions, name, size and mtime of every module of
  wkb), so an upgrade or an edited checkout never meets an older answer.

A folder that cannot be signed (a symlink or subfolder in it: read the slow way, where every
oddity is reported) means no reuse, and so does a computation that met any warning (a broken
file is read, and reported, on every run; a file left out for a reason outside the key — a
permission, a read error — is tried again). Off with `--no-cache` / WKB_NO_CACHE=1 like the rest
of the cache; a missing, corrupt or busy cache is never an error.

Like the record cache it rests on, it cannot see a same-size rewrite that keeps the old mtime on
a file system without change times (Windows reports a creation time there, and no inode), nor
one made within the file system's timestamp tick after a folder was signed (git's "racily clean"
case); `--no-cache` reads everything.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Hashable
from hashlib import blake2b
from pathlib import Path
from typing import Any, TypeVar

from wkb_tracker.store import settings

KEPT = 32  # answers kept; the least recently kept beyond this are dropped


def code_signature(package: Path | None = None) -> str | None:
    """A digest of wkb's modules (name, size, mtime), its version and Python's (NFKC follows the
    Unicode version): another version or an edited checkout never reuses an answer computed by
    this one. None when the modules cannot be listed (a zip, a module vanishing mid-upgrade)."""
    import sys

    from wkb_tracker import __version__

    package = package or Path(__file__).resolve().parent.parent
    digest = blake2b(f"{__version__}\0{sys.version}".encode(), digest_size=16)
    found = 0
    try:
        for folder, subfolders, names in os.walk(package):
            subfolders[:] = sorted(name for name in subfolders if not name.startswith("__"))
            for name in sorted(names):
                if name.endswith(".py"):
                    status = os.stat(os.path.join(folder, name))
                    line = f"{folder}/{name}\0{status.st_size}\0{status.st_mtime_ns}\n"
                    digest.update(line.encode("utf-8", "surrogateescape"))
                    found += 1
    except OSError:
        return None
    return digest.hexdigest() if found else None


def answer_key(question: list[Any], inputs: list[Any], code: str | None) -> str | None:
    """The key of `question` asked of `inputs` (signatures, cache keys…) by the code `code`
    (`code_signature()`); None when the code or any input could not be signed."""
    if code is None or any(part is None for part in inputs):
        return None
    text = json.dumps([question, inputs, code], ensure_ascii=False, default=str)
    return blake2b(text.encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()


KEPT_PARTS = 400  # parts kept (a month folder's figures for one question: ~30 a year asked)

Name = TypeVar("Name", bound=Hashable)
_WHOLE = "answer"


def remembered(
    root: Path, key: str | None, compute: Callable[[], tuple[Any, list[str]]]
) -> tuple[Any, list[str]]:
    """(answer, warnings) for `key`: from the cache when it holds it, else `compute()`d and
    kept — only when computing met no warning: a file left out for a reason outside the key (a
    permission, a read error) must be read again next time. The answer must be a JSON value."""

    def compute_whole(_names: list[str]) -> tuple[dict[str, Any], list[str], set[str]]:
        answer, warnings = compute()
        return {_WHOLE: answer}, warnings, ({_WHOLE} if warnings else set())

    found, warnings = _remembered(root, "answer", KEPT, {_WHOLE: key}, compute_whole)
    return found[_WHOLE], warnings


def remembered_parts(
    root: Path,
    keys: dict[Name, str | None],
    compute: Callable[[list[Name]], tuple[dict[Name, Any], list[str], set[Name]]],
) -> tuple[dict[Name, Any], list[str]]:
    """(part by name, warnings) for the parts named in `keys`: those the cache holds under their
    key, the others `compute`d (it is given their names and returns the parts, the warnings met
    and the names of the parts a warning was about) and kept — each only when no warning was
    about it: what a file left out (a permission, a read error) changes must be computed again
    next time, not what the other files say. Parts must be JSON values."""
    return _remembered(root, "answer_part", KEPT_PARTS, keys, compute)


def _remembered(
    root: Path,
    table: str,
    kept: int,
    keys: dict[Name, str | None],
    compute: Callable[[list[Name]], tuple[dict[Name, Any], list[str], set[Name]]],
) -> tuple[dict[Name, Any], list[str]]:
    """The one way answers are remembered: look up every key at once (None: never kept),
    compute the missing ones, keep those no warning was about. A missing, damaged or busy cache
    means computing, never an error."""
    from wkb_tracker.store.record_cache import RecordCache

    found: dict[Name, Any] = {}
    enabled = settings.cache_enabled()
    if enabled and any(key is not None for key in keys.values()):
        cache = RecordCache(root)
        try:
            values = cache.kept_values(table, (key for key in keys.values() if key is not None))
        finally:
            cache.close()
        for name, key in keys.items():
            if key is not None and key in values:
                with contextlib.suppress(ValueError):  # a damaged row: computed again, replaced
                    found[name] = json.loads(values[key])
    missing = [name for name in keys if name not in found]
    if not missing:
        return found, []
    read = [key for name in found if (key := keys[name]) is not None]
    computed, warnings, unkept = compute(missing)
    found.update(computed)
    new = {
        key: json.dumps(computed[name], ensure_ascii=False)
        for name in missing
        if (key := keys[name]) is not None and name in computed and name not in unkept
    }
    if new and enabled:
        cache = RecordCache(root)
        try:
            cache.keep_values(table, new, kept, read)
        finally:
            cache.close()
    return found, warnings
