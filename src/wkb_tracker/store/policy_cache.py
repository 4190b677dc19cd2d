"""A derived copy of the parsed policy files in `.wkb-cache/policy.json`.

Keyed by the size, mtime, ctime (ns) and inode of measures.yaml and districts.yaml: any change to either makes
the key differ and the files are parsed again. Missing, corrupt or stale → silently rebuilt.
Only a policy without problems is cached, so `wkb validate` always sees the files themselves.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wkb_tracker.domain.model import Assignment, Measure, Section
from wkb_tracker.store import json_cache
from wkb_tracker.store.root import DISTRICTS_FILE, MEASURES_FILE

if TYPE_CHECKING:
    from wkb_tracker.domain.policy import Policy

FILE = f"{json_cache.CACHE_DIR}/policy.json"
VERSION = 3  # 3: table entries with dates out of range are problems


def key(root: Path) -> list[int] | None:
    try:
        stats = [(root / rel).stat() for rel in (MEASURES_FILE, DISTRICTS_FILE)]
    except OSError:
        return None
    return [
        VERSION,
        *(part for st in stats for part in (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)),
    ]


def read(root: Path, wanted: list[int] | None) -> Policy | None:
    raw = json_cache.load(root, FILE, wanted)
    if raw is None:
        return None
    try:
        return _decode(raw)
    except (ValueError, KeyError, TypeError, IndexError):
        return None  # corrupt: parse the YAML instead


def write(root: Path, wanted: list[int] | None, policy: Policy) -> None:
    if wanted is None:
        return
    json_cache.save(root, FILE, lambda: _encode(wanted, policy))


def _encode(wanted: list[int], policy: Policy) -> dict[str, Any]:
    return {
        "key": wanted,
        "minimum": policy.monthly_minimum,
        "rules": policy.rule_book.to_json(),
        "sections": [[s.numeral, s.title] for s in policy.sections],
        "measures": [
            [m.number, m.numeral, m.section, m.section_title, m.title, m.text, m.rule]
            for m in policy.measures
        ],
        "assignments": [
            [
                a.district_id,
                a.district,
                a.leader,
                a.title,
                a.department,
                a.contact,
                a.start.isoformat(),
                a.end.isoformat() if a.end else None,
                a.path,
                a.line,
            ]
            for a in policy.assignments
        ],
    }


def _decode(raw: dict[str, Any]) -> Policy:
    from wkb_tracker.domain.counting_rule import RuleBook
    from wkb_tracker.domain.policy import Policy

    assignments = tuple(
        Assignment(
            district_id=row[0],
            district=row[1],
            leader=row[2],
            title=row[3],
            department=row[4],
            contact=row[5],
            start=date.fromisoformat(row[6]),
            end=date.fromisoformat(row[7]) if row[7] else None,
            path=row[8],
            line=row[9],
        )
        for row in raw["assignments"]
    )
    return Policy(
        tuple(Section(*row) for row in raw["sections"]),
        tuple(Measure(*row) for row in raw["measures"]),
        assignments,
        int(raw["minimum"]),
        RuleBook.from_json(raw["rules"]),
    )
