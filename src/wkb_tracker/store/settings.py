"""Where a run's `Settings` (domain/settings.py) come from: the options given, the environment
(`WKB_LANG`, `WKB_NO_CACHE`, `WKB_PARALLEL`) and the records root's configured `lang`. Read once
when a run starts (the CLI, the pre-commit hook); nothing here is remembered between runs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from wkb_tracker.domain.i18n import env_language
from wkb_tracker.domain.settings import Settings, active

if TYPE_CHECKING:
    from wkb_tracker.domain.errors import Problem
    from wkb_tracker.domain.root_config import Config

_OFF = ("0", "false", "no")


def quiet_root_config(root_option: str | None) -> tuple[Path, Config, list[Problem]] | None:
    """The records root `--root` (else the environment, else the working folder) names, its
    config and the config's problems, looked up quietly: None where there is no root or its
    config cannot be read — the command that needs the root meets the same failure and reports
    it; a run's language is chosen before any command runs (its `configured_lang`)."""
    from wkb_tracker.domain.errors import WkbError
    from wkb_tracker.store.config import read_config
    from wkb_tracker.store.root import find_root

    try:
        root = find_root(root_option)
        config, problems = read_config(root)
    except (WkbError, OSError):
        return None
    return root, config, problems


def settings_for(
    *, lang: str | None = None, no_cache: bool = False, configured_lang: str | None = None
) -> Settings:
    """The settings of a run: language from `lang` (`--lang`), else $WKB_LANG, else the root's
    `configured_lang` (wkb.toml / wkb.local.toml), else Chinese; the cache off with `--no-cache`
    or WKB_NO_CACHE=1; parallel reads off with WKB_PARALLEL=0."""
    return Settings(
        lang=lang or env_language() or configured_lang or "zh",
        cache=not no_cache and os.environ.get("WKB_NO_CACHE", "") not in ("1", "true", "yes"),
        parallel=os.environ.get("WKB_PARALLEL", "") not in _OFF,
    )


def cache_enabled() -> bool:
    """False with `wkb --no-cache` or WKB_NO_CACHE=1: read every record file, write no cache."""
    return active().cache


def can_fork_helpers() -> bool:
    """Whether bulk reads may fork a helper process: Linux (fork is safe there), two or more
    cores, and not switched off."""
    import sys

    return sys.platform == "linux" and (os.cpu_count() or 1) > 1 and active().parallel
