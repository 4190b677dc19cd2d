"""Helpers for the report and due tests: records written through records/storage (the on-disk
format), not through the CLI, so these tests do not depend on `wkb visit add`."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from wkb_tracker.domain.compliance import MONTH, RANGE, Report, compute, make_period
from wkb_tracker.domain.dates import SHANGHAI
from wkb_tracker.domain.ids import RECTIFICATION, VISIT, new_id
from wkb_tracker.domain.model import Rectification, RectificationEvent, Visit, VoidMark
from wkb_tracker.store.loader import load
from wkb_tracker.store.policy_files import load_policy
from wkb_tracker.store.records import (
    rectification_path,
    rectification_to_mapping,
    visit_path,
    visit_to_mapping,
)
from wkb_tracker.store.storage import create_exclusive, dump_yaml


def _day(text: str | date) -> date:
    return text if isinstance(text, date) else date.fromisoformat(text)


def _at(text: str) -> datetime:
    """'2026-11-05' (18:00 Shanghai) or a full ISO timestamp with offset."""
    if "T" in text or " " in text:
        return datetime.fromisoformat(text)
    day = date.fromisoformat(text)
    return datetime(day.year, day.month, day.day, 18, 0, tzinfo=SHANGHAI)


def add_visit(
    root: Path,
    day: str,
    district_id: str,
    leader: str | None = None,
    *,
    id: str | None = None,
    recorded: str | None = None,
    void: bool = False,
    late_reason: str | None = None,
) -> str:
    """Write one visit file; the leader defaults to the district's responsible leader that day."""
    when = _day(day)
    policy, _problems = load_policy(root)
    entry = policy.assignment_on(district_id, when)
    assert entry is not None, (district_id, when)
    visit = Visit(
        id=id or new_id(VISIT, when),
        date=when,
        district=entry.district,
        district_id=district_id,
        leader=leader or entry.leader,
        entity="测试科技有限公司",
        type="科技企业",
        mode="实地走访",
        measures=(14,),
        recorder="测试员",
        recorded_at=_at(recorded or day),
        late_reason=late_reason,
        void=VoidMark("录错", "测试员", _at(day)) if void else None,
    )
    path = root / visit_path(visit.id, visit.date, visit.district_id)
    create_exclusive(path, dump_yaml(visit_to_mapping(visit)))
    return visit.id


def add_item(
    root: Path,
    opened: str,
    deadline: str,
    district_id: str | None = None,
    *,
    id: str | None = None,
    closed: str | None = None,
    events: tuple[dict[str, Any], ...] = (),
) -> str:
    """Write one rectification item; `closed` adds a close event on that day."""
    day = _day(opened)
    district = None
    if district_id is not None:
        policy, _problems = load_policy(root)
        district = policy.district_name(district_id)
    steps = [
        *events,
        *([{"kind": "close", "date": closed, "resolution": "已解决"}] if closed else []),
    ]
    item = Rectification(
        id=id or new_id(RECTIFICATION, day),
        problem="测试问题",
        district=district,
        district_id=district_id,
        source="自查",
        visit=None,
        measure=14,
        department="办公室",
        owner="测试员",
        opened=day,
        deadline=_day(deadline),
        created_by="测试员",
        created_at=_at(opened),
        events=tuple(
            RectificationEvent(
                kind=step["kind"],
                date=_day(step["date"]),
                by="测试员",
                at=_at(step["date"]),
                deadline=_day(step["deadline"]) if "deadline" in step else None,
                reason=step.get("reason"),
                resolution=step.get("resolution"),
            )
            for step in steps
        ),
    )
    path = root / rectification_path(item.id, item.opened)
    create_exclusive(path, dump_yaml(rectification_to_mapping(item)))
    return item.id


def month_report(root: Path, month: str, as_of: str, leader: str | None = None) -> Report:
    first = date.fromisoformat(month + "-01")
    period = make_period(first, _month_end(first), MONTH)
    return compute(load(root, months=period.months()), period, _day(as_of), leader=leader)


def range_report(root: Path, first: str, last: str, as_of: str, kind: str = RANGE) -> Report:
    period = make_period(_day(first), _day(last), kind)
    return compute(load(root, months=period.months()), period, _day(as_of))


def _month_end(first: date) -> date:
    import calendar

    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def figure(report: Report, leader: str, district_id: str) -> Any:
    """The DistrictFigure of `leader` × `district_id`."""
    found = next(f for f in report.leaders if f.leader == leader)
    return next(d for d in found.districts if d.district_id == district_id)


def leader_of(report: Report, leader: str) -> Any:
    return next(f for f in report.leaders if f.leader == leader)


# -- the helpers write what `wkb validate` accepts -----------------------------------------------


def test_report_support__written_records_validate(root: Path, wkb: Any) -> None:
    add_visit(root, "2026-10-03", "donghu")
    add_visit(root, "2026-10-04", "donghu", void=True, late_reason="补录")
    add_item(root, "2026-10-03", "2026-11-02", "donghu", closed="2026-10-20")
    add_item(root, "2026-10-03", "2026-11-02")

    result = wkb("validate")

    assert result.exit_code == 0, result.stdout
    assert "2 条走访记录、2 个整改事项" in result.stdout
