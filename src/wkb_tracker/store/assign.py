"""Revising the responsibility table (分工调整) without rewriting history.

A revision is a new entry for a district from a later date; the earlier entry stays, in force
until the day before. Fields not given carry over from the district's latest entry.

A revision starts at most ASSIGN_AHEAD_MONTHS after today: a later one would block every
revision in between (each must start after the latest). One that has not taken effect yet can be
withdrawn: it moves from `entries` to the `withdrawn` list of districts.yaml, with who withdrew
it, when and why. An entry in force, or starting in a sealed month, is history and stays.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from wkb_tracker.domain.dates import FIRST_DAY, LAST_DAY, add_months, now, parse_date, today
from wkb_tracker.domain.errors import UserError
from wkb_tracker.domain.i18n import join_names, say
from wkb_tracker.store.policy_files import (
    assignments_from_document,
    checked_policy,
    leading_comments,
    load_policy,
    render_districts,
)
from wkb_tracker.store.root import DISTRICTS_FILE, sealed_months
from wkb_tracker.store.storage import Document, parse_yaml, update_locked

ASSIGN_AHEAD_MONTHS = 12


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
    district's latest entry or more than ASSIGN_AHEAD_MONTHS ahead of today, a new leader without
    a title, or a table that would not validate."""
    policy = checked_policy(root)
    district_id = policy.resolve_district(district)
    day = parse_date(start, field="--from")
    latest = policy.history(district_id)[-1]
    horizon = add_months(today(), ASSIGN_AHEAD_MONTHS)
    if day > horizon:
        raise UserError(
            say(
                "--from {d} 超过一年以后(最晚 {h});分工调整最多提前 {m} 个月记录",
                "--from {d} is more than a year ahead (latest {h}); a revision is recorded at most {m} months ahead",
                d=day,
                h=horizon,
                m=ASSIGN_AHEAD_MONTHS,
            )
        )
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
    sealed = sealed_through(root, day)
    if sealed is not None:
        raise UserError(
            say(
                "--from {d} 落在已封存的月份({m} 及以前已封存);分工调整只能从未封存的月份开始",
                "--from {d} falls in a sealed month (months up to {m} are sealed); a revision can only start in an unsealed month",
                d=day,
                m=sealed,
            )
        )
    name = leader.strip()
    if not name:
        raise UserError(say("--leader 不能为空", "--leader must not be empty"))
    if name not in policy.leaders and not (title and title.strip()) and policy.leaders_starting(name):
        # Without --title the name is an existing leader's: a unique prefix will do (胡 → 胡军).
        name = policy.resolve_leader(name)
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
        value = _table(current)
        text = render_districts(
            leading_comments(current.decode("utf-8")),
            [*value["entries"], entry],
            _withdrawn(value),
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


def last_sealed(root: Path) -> tuple[int, int] | None:
    """The latest sealed (year, month). A manifest named for a month outside the accepted dates
    (say `data/sealed/9999-12.yaml`, which `wkb month close` never writes) is not taken as a seal
    here: it would otherwise freeze the table for good."""
    years = range(FIRST_DAY.year, LAST_DAY.year + 1)
    return max((m for m in sealed_months(root) if m[0] in years), default=None)


def _table(current: bytes) -> dict[str, Any]:
    """districts.yaml as it stands under the lock; refuses (exit 2) a file that is not a table."""
    value, found = parse_yaml(current, DISTRICTS_FILE)
    if found or not isinstance(value, dict) or not isinstance(value.get("entries"), list):
        raise UserError(
            "\n".join(str(p) for p in found)
            or say("districts.yaml 结构有误", "districts.yaml is malformed")
        )
    return value


def sealed_through(root: Path, day: date) -> str | None:
    """The last sealed month (YYYY-MM) when `day` falls in it or before it, else None: the
    responsibility table may not change for a sealed month (measure 17)."""
    sealed = last_sealed(root)
    if sealed is None or (day.year, day.month) > sealed:
        return None
    return f"{sealed[0]:04d}-{sealed[1]:02d}"


def _withdrawn(value: dict[str, object]) -> list[dict[str, object]]:
    found = value.get("withdrawn")
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def withdraw(root: Path, district: str, *, start: str, reason: str, by: str) -> dict[str, object]:
    """Withdraw the district's table entry starting on `start`; returns the withdrawal record.

    Refuses an entry that is in force (it started on or before today: visits and reports may
    already rest on it), one starting in a sealed month, the district's first entry, an empty
    reason, or no such entry. Also works on an entry the table refuses (a start outside the
    accepted dates, written before they were checked): withdrawing it is how such a table is
    repaired, so `start` is matched as written, without the date range."""
    why = reason.strip()
    if not why:
        raise UserError(say("--reason 不能为空", "--reason must not be empty"))
    who = by.strip()
    if not who:
        raise UserError(say("--by 不能为空", "--by must not be empty"))
    day = parse_date(start, field="--from", bounded=False)
    policy, _problems = load_policy(root, cache=False)
    district_id = policy.resolve_district(district)
    if day <= today():
        raise UserError(
            say(
                "{d} 自 {f} 起的分工已生效,不能撤回;如需改变,请用 wkb districts assign 记录新的调整",
                "{d}'s entry from {f} is already in force and cannot be withdrawn; record a new revision with wkb districts assign",
                d=policy.district_name(district_id),
                f=day,
            )
        )
    sealed = sealed_through(root, day)
    if sealed is not None:
        raise UserError(
            say(
                "{f} 落在已封存的月份({m} 及以前已封存),该分工不能撤回",
                "{f} falls in a sealed month (months up to {m} are sealed); the entry cannot be withdrawn",
                f=day,
                m=sealed,
            )
        )
    stamp = now()
    record: dict[str, object] = {}

    def build(current: bytes) -> str:
        value = _table(current)
        entries: list[object] = value["entries"]
        mine = [
            (index, entry)
            for index, entry in enumerate(entries)
            if isinstance(entry, dict) and entry.get("id") == district_id
        ]
        chosen = [(index, entry) for index, entry in mine if entry.get("from") == day]
        if not chosen:
            pending = sorted(
                str(entry.get("from")) for _index, entry in mine if _after(entry.get("from"))
            )
            raise UserError(
                say(
                    "{d} 没有自 {f} 起的分工;尚未生效、可撤回的:{p}",
                    "{d} has no entry from {f}; not yet in force (can be withdrawn): {p}",
                    d=policy.district_name(district_id),
                    f=day,
                    p=join_names(pending) or say("无", "none"),
                )
            )
        index, entry = chosen[0]
        earlier = [o for _i, o in mine if isinstance(o.get("from"), date) and o["from"] < day]
        if not earlier:
            raise UserError(
                say(
                    "这是 {d} 的第一条分工,不能撤回",
                    "this is {d}'s first entry; it cannot be withdrawn",
                    d=policy.district_name(district_id),
                )
            )
        record.clear()
        record.update(entry)
        record.update({"withdrawn_at": stamp, "withdrawn_by": who, "reason": why})
        kept = [e for position, e in enumerate(entries) if position != index]
        text = render_districts(
            leading_comments(current.decode("utf-8")),
            [e for e in kept if isinstance(e, dict)],
            [*_withdrawn(value), record],
        )
        before = {p.message for p in assignments_from_document(_document(current))[1]}
        refused = [
            p
            for p in assignments_from_document(_document(text.encode("utf-8")))[1]
            if p.message not in before
        ]
        if refused:
            raise UserError("\n".join(p.message for p in refused))
        return text

    update_locked(root / DISTRICTS_FILE, build)
    return {**record, "from": day.isoformat(), "withdrawn_at": stamp.isoformat(" ")}


def _document(data: bytes) -> Document:
    return Document(DISTRICTS_FILE, data, *parse_yaml(data, DISTRICTS_FILE))


def _after(start: object) -> bool:
    """Whether a raw `from` value is a date after today."""
    return isinstance(start, date) and start > today()
