"""`schema.field_values`: the one field loop every record file, JSON view and cache row is made
by. The files it writes are a promise, so their bytes are pinned here as they were before the
loop was shared (each kind's own skip rule: `omit_empty` for files, every field for views,
"required or set" for events)."""

from __future__ import annotations

from datetime import date, datetime

from builders import make_item, make_visit
from wkb_tracker.domain.dates import SHANGHAI
from wkb_tracker.domain.model import VISIT_FIELDS, RectificationEvent, VoidMark
from wkb_tracker.store.records import event_file_mapping, rectification_to_mapping, visit_to_mapping
from wkb_tracker.store.schema import every_field, field_values, written_field
from wkb_tracker.store.storage import dump_yaml
from wkb_tracker.store.visits import visit_view

AT = datetime(2026, 11, 3, 18, 0, tzinfo=SHANGHAI)
DAY = date(2026, 11, 3)
HEAD = (
    "id: V20261103-7KQF2M\ndate: 2026-11-03\ndistrict: 东湖高新区\ndistrict_id: donghu\n"
    "leader: 胡军\nentity: 武汉光谷实验室\ntype: 平台载体\nmode: 实地走访\nmeasures:\n- 14\n"
)


def test_field_values__visit_file_bytes_with_and_without_optional_fields() -> None:
    voided = make_visit(
        DAY,
        id="V20261103-7KQF2M",
        problems=("停车难",),
        joint_leaders=("李四",),
        void=VoidMark("重复录入", "王五", AT),
    )
    assert dump_yaml(visit_to_mapping(voided)) == HEAD + (
        "summary: 了解需求\nproblems:\n- 停车难\nparticipants: []\nrecorder: 测试员\n"
        "recorded_at: 2026-11-03 18:00:00+08:00\nvoid:\n  reason: 重复录入\n  by: 王五\n"
        "  at: 2026-11-03 18:00:00+08:00\njoint_leaders:\n- 李四\n"
    )
    plain = make_visit(DAY, id="V20261103-7KQF2M", summary="")
    # An empty summary is written (not omit_empty); unset omit_empty fields are not.
    assert dump_yaml(visit_to_mapping(plain)) == HEAD + (
        "summary: ''\nproblems: []\nparticipants: []\nrecorder: 测试员\n"
        "recorded_at: 2026-11-03 18:00:00+08:00\n"
    )


def test_field_values__item_and_event_file_bytes() -> None:
    embedded = RectificationEvent("progress", date(2026, 11, 4), "张三", AT, note="已联系")
    own = RectificationEvent(
        "close", date(2026, 11, 5), "张三", AT, resolution="已解决", id="E20261105-ABCDEF"
    )
    item = make_item(DAY, id="R20261103-GHJKMN", events=(embedded, own))
    # Only the event read from the item's own file stays in it; an event's unset fields are out.
    assert dump_yaml(rectification_to_mapping(item)) == (
        "id: R20261103-GHJKMN\nproblem: 孵化器用地审批慢\ndistrict: 东湖高新区\n"
        "district_id: donghu\nsource: 自查\nvisit: null\nmeasure: null\ndepartment: 高新处\n"
        "owner: 彭华魁\nopened: 2026-11-03\ndeadline: 2026-12-03\ncreated_by: 测试员\n"
        "created_at: 2026-11-03 18:00:00+08:00\nevents:\n- kind: progress\n  date: 2026-11-04\n"
        "  by: 张三\n  at: 2026-11-03 18:00:00+08:00\n  note: 已联系\n"
    )
    assert dump_yaml(event_file_mapping(item.id, own)) == (
        "id: E20261105-ABCDEF\nitem: R20261103-GHJKMN\nkind: close\ndate: 2026-11-05\n"
        "by: 张三\nat: 2026-11-03 18:00:00+08:00\nresolution: 已解决\n"
    )


def test_field_values__keep_rule_and_iso() -> None:
    visit = make_visit(DAY, id="V20261103-7KQF2M")
    every = field_values(visit, VISIT_FIELDS, keep=every_field, iso=True)
    assert list(every) == [spec.name for spec in VISIT_FIELDS]
    assert every["date"] == "2026-11-03" and every["measures"] == [14]
    assert every["entity_id"] is None and every["void"] is None
    written = field_values(visit, VISIT_FIELDS, keep=written_field)
    assert "entity_id" not in written and written["date"] == DAY
    view = visit_view(visit)
    assert list(view)[-5:] == ["void", "void_reason", "void_by", "void_at", "path"]
    assert view["void"] is False and view["void_at"] is None
