"""Revising the responsibility table (分工调整) without rewriting history.

A revision is a new entry for a district from a later date; the earlier entry stays, in force
until the day before. Fields not given carry over from the district's latest entry.
"""

from __future__ import annotations

from pathlib import Path

from wkb_tracker.dates import parse_date
from wkb_tracker.errors import UserError
from wkb_tracker.i18n import say
from wkb_tracker.policy import (
    assignments_from_document,
    leading_comments,
    load_policy,
    render_districts,
)
from wkb_tracker.root import DISTRICTS_FILE, sealed_months
from wkb_tracker.storage import Document, parse_yaml, update_locked


def assign(
    root: Path,
    district: str,
    *,
    leader: str,
    start: str,
    title: str | None = None,
    department: str | None = None,
    contact: str | None = None,
) -> dict[str, object]:
    """Append a table entry; returns it. Refuses an unknown district, a start not after the
    district's latest entry, a new leader without a title, or a table that would not validate."""
    policy, problems = load_policy(root)
    if problems:
        raise UserError("\n".join(str(p) for p in problems))
    district_id = policy.resolve_district(district)
    day = parse_date(start, field="--from")
    latest = policy.history(district_id)[-1]
    if day <= latest.start:
        raise UserError(
            say(
                "--from {d} 须晚于 {n} 现行分工的起始日 {s}(历史不可改写)",
                "--from {d} must be after the start of {n}'s latest entry, {s} (history is not rewritten)",
                d=day,
                n=latest.district,
                s=latest.start,
            )
        )
    sealed = max(sealed_months(root), default=None)
    if sealed is not None and (day.year, day.month) <= sealed:
        raise UserError(
            say(
                "--from {d} 落在已封存的月份({m} 及以前已封存);分工调整只能从未封存的月份开始",
                "--from {d} falls in a sealed month (months up to {m} are sealed); a revision can only start in an unsealed month",
                d=day,
                m=f"{sealed[0]:04d}-{sealed[1]:02d}",
            )
        )
    name = leader.strip()
    if not name:
        raise UserError(say("--leader 不能为空", "--leader must not be empty"))
    if name not in policy.leaders and not (title and title.strip()):
        raise UserError(
            say(
                "{l} 是新的责任领导,请用 --title 给出职务(如 副局长)",
                "{l} is a new leader: give their title with --title (e.g. 副局长)",
                l=name,
            )
        )
    entry: dict[str, object] = {
        "district": latest.district,
        "id": district_id,
        "leader": name,
        "title": (title or "").strip() or policy.title_of(name, day),
        "department": (department or "").strip() or latest.department,
        "contact": (contact or "").strip() or latest.contact,
        "from": day,
    }

    def build(current: bytes) -> str:
        value, found = parse_yaml(current, DISTRICTS_FILE)
        if found or not isinstance(value, dict) or not isinstance(value.get("entries"), list):
            raise UserError(
                "\n".join(str(p) for p in found)
                or say("districts.yaml 结构有误", "districts.yaml is malformed")
            )
        text = render_districts(
            leading_comments(current.decode("utf-8")), [*value["entries"], entry]
        )
        doc = Document(
            DISTRICTS_FILE, text.encode("utf-8"), *parse_yaml(text.encode("utf-8"), DISTRICTS_FILE)
        )
        _rows, refused = assignments_from_document(doc)
        if refused:
            raise UserError("\n".join(p.message for p in refused))
        return text

    update_locked(root / DISTRICTS_FILE, build)
    return {**entry, "from": day.isoformat()}
