"""Shell completion of what a clerk types most: district names and ids, leader names, visit and
rectification ids — from the current records root (`wkb --install-completion` once).

Called by the shell on every Tab, so each answer must be quick and quiet: names come from the
policy (its cache), ids from folder listings (a typed date prefix narrows them to one year or
month folder; no record file is opened), and any failure — no root, a broken file — completes
nothing rather than printing an error into the command line being typed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_DATE_PREFIX = r"^[VR](?P<year>\d{4})(?P<month>\d{2})?"  # compiled on first use


def _root(ctx: Any) -> Path:
    from wkb_tracker.store.root import find_root

    return find_root(ctx.find_root().params.get("root"))


def _quietly(work: Any) -> list[str]:
    try:
        return list(work())
    except Exception:  # completion never shows an error; it just offers nothing
        return []


def districts(ctx: Any, incomplete: str) -> list[str]:
    """District names and ids that `incomplete` begins (a prefix is accepted by --district)."""

    def work() -> Iterator[str]:
        from wkb_tracker.cli.prompting import matches
        from wkb_tracker.store.policy_files import load_policy

        policy, _problems = load_policy(_root(ctx))
        names = [policy.district_name(i) for i in policy.district_ids]
        return iter(matches([*names, *policy.district_ids], incomplete))

    return _quietly(work)


def leaders(ctx: Any, incomplete: str) -> list[str]:
    """Leader names that `incomplete` begins."""

    def work() -> Iterator[str]:
        from wkb_tracker.cli.prompting import matches
        from wkb_tracker.store.policy_files import load_policy

        policy, _problems = load_policy(_root(ctx))
        return iter(matches(policy.leaders, incomplete))

    return _quietly(work)


def _ids(root: Path, kind: str, incomplete: str) -> Iterator[str]:
    """Ids under data/<kind>/YYYY/MM that `incomplete` begins, newest month first."""
    wanted = incomplete.strip().upper()
    date = re.match(_DATE_PREFIX, wanted)
    base = root / "data" / kind
    years = [date["year"]] if date else sorted(_names(base), reverse=True)
    for year in years:
        months = (
            [date["month"]] if date and date["month"] else sorted(_names(base / year), reverse=True)
        )
        for month in months:
            for name in sorted(_names(base / year / month), reverse=True):
                if not name.endswith(".yaml") or name.startswith("."):
                    continue
                stem = name[: -len(".yaml")]
                found = stem.rsplit("_", 1)[-1]  # visits: date_district_ID; items: ID
                if "." not in found and found.startswith(wanted):  # ID.EVENT: an event file
                    yield found


def _names(folder: Path) -> list[str]:
    try:
        return [entry.name for entry in os.scandir(folder)]
    except OSError:
        return []


def visit_ids(ctx: Any, incomplete: str) -> list[str]:
    """Visit ids that `incomplete` begins (V20261103-…)."""
    return _quietly(lambda: _ids(_root(ctx), "visits", incomplete))


def item_ids(ctx: Any, incomplete: str) -> list[str]:
    """Rectification item ids that `incomplete` begins (R20261103-…)."""
    return _quietly(lambda: _ids(_root(ctx), "rectifications", incomplete))


def entity_ids(ctx: Any, incomplete: str) -> list[str]:
    """Entity register ids that `incomplete` begins (S20261201-…): one flat folder, one file each."""

    def work() -> Iterator[str]:
        from wkb_tracker.store.root import ENTITIES_DIR

        wanted = incomplete.strip().upper()
        for name in sorted(_names(_root(ctx) / ENTITIES_DIR)):
            stem = name[: -len(".yaml")] if name.endswith(".yaml") else ""
            if stem and not name.startswith(".") and stem.startswith(wanted):
                yield stem

    return _quietly(work)
