"""Process-wide switches set once by the CLI's global options."""

from __future__ import annotations

import os

_cache_enabled = True


def set_cache_enabled(enabled: bool) -> None:
    global _cache_enabled
    _cache_enabled = enabled


def cache_enabled() -> bool:
    """False with `wkb --no-cache` or WKB_NO_CACHE=1: read every record file, write no cache."""
    return _cache_enabled and os.environ.get("WKB_NO_CACHE", "") not in ("1", "true", "yes")


def parallel_enabled() -> bool:
    """False with WKB_PARALLEL=0: read large record sets in this process only."""
    return os.environ.get("WKB_PARALLEL", "") not in ("0", "false", "no")


def can_fork_helpers() -> bool:
    """Whether bulk reads may fork a helper process: Linux (fork is safe there), two or more
    cores, and not switched off."""
    import sys

    return sys.platform == "linux" and (os.cpu_count() or 1) > 1 and parallel_enabled()
