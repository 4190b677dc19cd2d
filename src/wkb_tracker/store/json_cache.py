"""One derived JSON file under `.wkb-cache/` (the policy and entity caches): read only when it is
a regular file whose key matches, written atomically, and silently skipped when it cannot be.

A cache is never the truth: anything odd (missing, corrupt, stale, a pipe or link in its place,
a read-only root, caching switched off) means "parse the YAML instead", never an error."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wkb_tracker.store import settings

CACHE_DIR = ".wkb-cache"


def load(root: Path, rel: str, wanted: object) -> dict[str, Any] | None:
    """The cache file's JSON object when its `key` is `wanted`; else None."""
    if wanted is None or not settings.cache_enabled():
        return None
    try:
        if not stat.S_ISREG(os.lstat(root / rel).st_mode):
            return None  # a pipe or link where the cache should be: never read it
        raw = json.loads((root / rel).read_text(encoding="utf-8"))
        if not isinstance(raw, dict) or raw["key"] != wanted:
            return None
        return raw
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(root: Path, rel: str, build: Callable[[], dict[str, Any]]) -> None:
    """Write `{"key": …, …}` from `build()` (called only when caching is on)."""
    if not settings.cache_enabled():
        return
    from wkb_tracker.domain.errors import RefusedWrite
    from wkb_tracker.store.storage import replace_atomic

    try:
        (root / CACHE_DIR).mkdir(exist_ok=True)
        # `default=str`: a policy rule's `changes` carry dates (kept as ISO text; only shown).
        replace_atomic(root / rel, json.dumps(build(), ensure_ascii=False, default=str))
    except (OSError, RefusedWrite):
        pass  # a read-only root (or a linked .wkb-cache) simply goes without the cache
