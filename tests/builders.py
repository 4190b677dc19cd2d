"""The one set of test builders: records and a policy in memory (`make_*`), and records written
straight through the on-disk format (`write_*`, no CLI). Domain tests use only the first."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from wkb_tracker.domain.dataset import Config, Dataset
from wkb_tracker.domain.dates import SHANGHAI
from wkb_tracker.domain.ids import RECTIFICATION, VISIT, new_id
from wkb_tracker.domain.model import Assignment, Rectification, Visit
from wkb_tracker.domain.policy import Policy
from wkb_tracker.store.records import (
    rectification_path,
    rectification_to_mapping,
    visit_path,
    visit_to_mapping,
)
from wkb_tracker.store.storage import create_exclusive, dump_yaml


def make_visit(
    day: date,
    district: str = "东湖高新区",
    district_id: str = "donghu",
    leader: str = "胡军",
    **fields: Any,
) -> Visit:
    values: dict[str, Any] = {
        "id": new_id(VISIT, day),
        "date": day,
        "district": district,
        "district_id": district_id,
        "leader": leader,
        "entity": "武汉光谷实验室",
        "type": "平台载体",
        "mode": "实地走访",
        "measures": (14,),
        "summary": "了解需求",
        "recorder": "测试员",
        "recorded_at": datetime(day.year, day.month, day.day, 18, 0, tzinfo=SHANGHAI),
    }
    values.update(fields)
    return Visit(**values)


def write_visit(root: Path, visit: Visit, **raw: Any) -> str:
    """Write `visit` as its file would hold it; `raw` replaces keys of the written mapping as
    they stand (for files wkb would refuse: wrong types, unknown names). Returns the path."""
    mapping = {**visit_to_mapping(visit), **raw}
    rel = visit_path(str(mapping["id"]), visit.date, visit.district_id)
    create_exclusive(root / rel, dump_yaml(mapping))
    return rel


def make_item(opened: date, **fields: Any) -> Rectification:
    """An open rectification item of 东湖高新区 (source 自查), deadline 30 days after `opened`."""
    item_id = new_id(RECTIFICATION, opened)
    values: dict[str, Any] = {
        "id": item_id,
        "problem": "孵化器用地审批慢",
        "district": "东湖高新区",
        "district_id": "donghu",
        "source": "自查",
        "visit": None,
        "measure": None,
        "department": "高新处",
        "owner": "彭华魁",
        "opened": opened,
        "deadline": opened + timedelta(days=30),
        "created_by": "测试员",
        "created_at": datetime(opened.year, opened.month, opened.day, 18, 0, tzinfo=SHANGHAI),
        "path": rectification_path(item_id, opened),
    }
    values.update(fields)
    return Rectification(**values)


def write_item(root: Path, item: Rectification) -> str:
    create_exclusive(root / item.path, dump_yaml(rectification_to_mapping(item)))
    return item.path


def make_policy(*rows: tuple[str, str, str, date], minimum: int = 2) -> Policy:
    """A responsibility table in memory: (district id, district, leader, from) rows in table
    order, each entry ending the day before the district's next one. Default: 东湖高新区 胡军
    and 汉阳区 赵峰, both from 2021-03-01 (the notice's date)."""
    rows = rows or (
        ("donghu", "东湖高新区", "胡军", date(2021, 3, 1)),
        ("hanyang", "汉阳区", "赵峰", date(2021, 3, 1)),
    )
    entries = []
    for index, (district_id, district, leader, start) in enumerate(rows):
        later = [r[3] for r in rows[index + 1 :] if r[0] == district_id]
        end = min(later) - timedelta(days=1) if later else None
        entries.append(
            Assignment(
                district_id, district, leader, "副局长", "高新处", "彭华魁", start, end, "", 0
            )
        )
    return Policy((), (), tuple(entries), minimum)


def make_dataset(
    visits: list[Visit] | None = None,
    items: list[Rectification] | None = None,
    *,
    policy: Policy | None = None,
    config: Config | None = None,
) -> Dataset:
    """A Dataset in memory, as the loader would give it (no files)."""
    return Dataset(
        Path("/nonexistent"),
        config or Config(),
        policy or make_policy(),
        visits=list(visits or []),
        rectifications=list(items or []),
    )


def copy_records(source: Path, into: Path) -> Path:
    """A fresh copy of the records root `source` at `into`/records, without its .wkb-cache."""
    root = into / "records"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(".wkb-cache"))
    return root
