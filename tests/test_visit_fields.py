"""One field list for a visit (issue 12.2): `VISIT_FIELDS` in the domain model is what the file
mapping and the public JSON view are derived from; the Visit class and the list agree."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from builders import make_visit
from wkb_tracker.domain.dates import SHANGHAI
from wkb_tracker.domain.model import VISIT_FIELDS, VOID_FIELDS, Visit, VoidMark
from wkb_tracker.store.records import visit_from_document, visit_to_mapping
from wkb_tracker.store.storage import Document, dump_yaml, parse_yaml
from wkb_tracker.store.visits import visit_view

VOIDED = VoidMark("重复录入", "测试员", datetime(2026, 11, 4, 9, 0, tzinfo=SHANGHAI))


def test_visit_fields__name_every_field_of_the_visit_but_its_path() -> None:
    names = [spec.name for spec in VISIT_FIELDS]
    assert names == [f.name for f in dataclasses.fields(Visit) if f.name != "path"]
    assert [spec.name for spec in VOID_FIELDS] == [f.name for f in dataclasses.fields(VoidMark)]


def test_visit_to_mapping__writes_the_declared_order_and_leaves_out_empty_optional_fields() -> None:
    plain = visit_to_mapping(make_visit(date(2026, 11, 3)))
    assert list(plain) == [spec.name for spec in VISIT_FIELDS if not spec.omit_empty]
    late = make_visit(
        date(2026, 11, 3),
        late_reason="漏录",
        late_approved_by="主任",
        void=VOIDED,
        joint_leaders=("赵峰",),  # issue 15.2
        entity_id="S20261101-AAAAAA",
    )
    full = visit_to_mapping(late)
    assert list(full) == [spec.name for spec in VISIT_FIELDS]
    assert full["void"] == {"reason": "重复录入", "by": "测试员", "at": VOIDED.at}
    assert full["measures"] == [14] and full["problems"] == []


def test_visit_file__round_trips_every_field() -> None:
    visit = make_visit(
        date(2026, 11, 3),
        problems=("用地审批慢",),
        participants=("李四",),
        late_reason="漏录",
        late_approved_by="主任",
        void=VOIDED,
        joint_leaders=("赵峰", "盛继亮"),
        entity_id="S20261101-AAAAAA",
        path="data/visits/2026/11/x.yaml",
    )
    data = dump_yaml(visit_to_mapping(visit)).encode("utf-8")
    value, problems = parse_yaml(data, visit.path)
    assert problems == []
    read, problems = visit_from_document(Document(visit.path, data, value, []))
    assert problems == [] and read == visit


def test_visit_view__keys_follow_the_field_list_with_the_void_mark_spread() -> None:
    view = visit_view(make_visit(date(2026, 11, 3), void=VOIDED, path="p.yaml"))
    fields = [spec.name for spec in VISIT_FIELDS if spec.name != "void"]
    assert list(view) == [*fields, "void", "void_reason", "void_by", "void_at", "path"]
    assert view["void"] is True and view["void_at"] == "2026-11-04T09:00:00+08:00"
    assert view["date"] == "2026-11-03" and view["measures"] == [14]
    assert visit_view(make_visit(date(2026, 11, 3)))["void_at"] is None
