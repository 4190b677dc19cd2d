"""The cache row codecs are generated from the one field list of each kind (domain/model:
VISIT_FIELDS, RECTIFICATION_FIELDS, EVENT_FIELDS; store/row_codec.py): every field set reads back
as written, through the codec and through the cache, and a field added changes SCHEMA_VERSION."""

from __future__ import annotations

import dataclasses
from dataclasses import fields as dataclass_fields
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from builders import make_visit, write_visit
from wkb_tracker.domain.dates import SHANGHAI
from wkb_tracker.domain.model import (
    EVENT_FIELDS,
    RECTIFICATION_FIELDS,
    SATISFACTION,
    VISIT_FIELDS,
    EventFile,
    Field,
    Rectification,
    RectificationEvent,
    Visit,
    VoidMark,
)
from wkb_tracker.store import row_codec
from wkb_tracker.store.loader import load
from wkb_tracker.store.record_cache import SCHEMA_VERSION, schema_version
from wkb_tracker.store.records import (
    event_file_mapping,
    event_path,
    rectification_path,
    rectification_to_mapping,
)
from wkb_tracker.store.row_codec import (
    decode_item,
    decode_visit,
    encode_item,
    encode_visit,
    visit_attribute,
)
from wkb_tracker.store.storage import create_exclusive, dump_yaml


def test_codec__every_visit_field_is_a_visit_attribute_and_a_row_value() -> None:
    attributes = {f.name for f in dataclass_fields(Visit)}
    assert {visit_attribute(spec.name) for spec in VISIT_FIELDS} | {"path"} == attributes


def test_codec__a_field_list_and_its_class_must_agree() -> None:
    """A field the class lacks, or a class attribute no list names, stops the codec from being
    made (the import fails) instead of being dropped by the cache without a word."""
    more = (*RECTIFICATION_FIELDS, Field("not_a_field", "str", required=False))
    with pytest.raises(TypeError, match="not_a_field"):
        row_codec.codec_source("item", Rectification, more, row_codec.ITEM_EXTRAS)
    fewer = tuple(spec for spec in EVENT_FIELDS if spec.name != "satisfaction")
    with pytest.raises(TypeError, match="satisfaction"):
        row_codec.codec_source("event", RectificationEvent, fewer, row_codec.EVENT_EXTRAS)


def test_schema_version__adding_a_field_to_any_kind_changes_it() -> None:
    """entities (entity_id) and rules (with) added visit fields, 好差评 an item's review and an
    event's satisfaction: the cache rebuilds itself, by hand nobody bumps anything."""
    assert schema_version(VISIT_FIELDS) == SCHEMA_VERSION
    assert schema_version(VISIT_FIELDS, RECTIFICATION_FIELDS, EVENT_FIELDS) == SCHEMA_VERSION
    added = Field("priority", "str", required=False)
    versions = {
        schema_version((*VISIT_FIELDS, added)),
        schema_version(VISIT_FIELDS, (*RECTIFICATION_FIELDS, added)),
        schema_version(VISIT_FIELDS, RECTIFICATION_FIELDS, (*EVENT_FIELDS, added)),
    }
    assert len(versions) == 3 and SCHEMA_VERSION not in versions
    changed = tuple(Field(s.name, "text") if s.name == "leader" else s for s in VISIT_FIELDS)
    assert schema_version(changed) != SCHEMA_VERSION
    reordered = (RECTIFICATION_FIELDS[1], RECTIFICATION_FIELDS[0], *RECTIFICATION_FIELDS[2:])
    assert schema_version(VISIT_FIELDS, reordered) != SCHEMA_VERSION


@settings(max_examples=examples(200), deadline=None)
@given(
    summary=st.text(max_size=20),
    problems=st.lists(st.text(max_size=8), max_size=3),
    measures=st.lists(st.integers(1, 17), max_size=3),
    late=st.none() | st.text(min_size=1, max_size=5),
    void=st.booleans(),
)
def test_codec__a_visit_reads_back_as_written(
    summary: str, problems: list[str], measures: list[int], late: str | None, void: bool
) -> None:
    at = datetime(2026, 11, 3, 18, 0, tzinfo=SHANGHAI)
    visit = make_visit(
        date(2026, 11, 3),
        summary=summary,
        problems=tuple(problems),
        measures=tuple(measures),
        late_reason=late,
        void=VoidMark("重复", "测试员", at) if void else None,
        path="data/visits/2026/11/x.yaml",
    )
    assert decode_visit(encode_visit(visit)) == visit


# -- every field set, whatever the lists hold: a field added to a list is set here by itself --

OPENED = date(2026, 10, 12)
ITEM_ID = "R20261012-7KQF2M"


def _value(spec: Field, index: int) -> Any:
    """A value of the field's kind unlike its default (index: to tell fields apart)."""
    day = OPENED + timedelta(days=index)
    return {
        "date": day,
        "any_date": day,
        "datetime": datetime(day.year, day.month, day.day, 9, index % 60, tzinfo=SHANGHAI),
        "int": 14,
        "ints": (3, 14),
        "strs": (f"{spec.name}一", f"{spec.name}二"),
    }.get(spec.kind, f"{spec.name}·{index}")


def _event(kind: str, day: int, **origin: Any) -> RectificationEvent:
    values = {spec.name: _value(spec, day + n) for n, spec in enumerate(EVENT_FIELDS)}
    # what the checks ask of the values: a later deadline, a satisfaction of the three
    values.update(
        kind=kind,
        date=OPENED + timedelta(days=day),
        deadline=OPENED + timedelta(days=60 + day),
        satisfaction=SATISFACTION[1],
    )
    return RectificationEvent(**values, **origin)


def _full_item() -> tuple[Rectification, list[EventFile]]:
    """An item with every field of its list set, three events in its own file (the last closes it) and a return visit in a file
    of its own, each with every event field set."""
    path = rectification_path(ITEM_ID, OPENED)
    values = {spec.name: _value(spec, n) for n, spec in enumerate(RECTIFICATION_FIELDS)}
    values.update(id=ITEM_ID, opened=OPENED, deadline=OPENED + timedelta(days=30))
    values["events"] = tuple(
        _event(kind, n + 1, path=path, index=n)
        for n, kind in enumerate(("progress", "extend", "close"))
    )
    event_id = "E20261020010000000000-AAAAAA"
    own = _event("followup", 8, id=event_id, path=event_path(path, ITEM_ID, event_id))
    return Rectification(**values, path=path), [EventFile(ITEM_ID, own, own.path)]


def test_codec__an_item_and_an_event_file_with_every_field_read_back_as_written() -> None:
    item, event_files = _full_item()
    assert all(getattr(item, f.name) not in (None, "", ()) for f in dataclass_fields(item))
    for event in (*item.events, *(e.event for e in event_files)):
        assert all(getattr(event, spec.name) is not None for spec in EVENT_FIELDS)
    assert decode_item(encode_item(item)) == item
    assert [decode_item(encode_item(e)) for e in event_files] == event_files
    row_codec.forget_shared_values()


def test_cache__a_record_with_every_field_set_reads_as_without_the_cache(root: Path) -> None:
    """Written to its files, the fully set item (and a fully set visit) is read the same way
    cold, warm and without the cache."""
    item, event_files = _full_item()
    create_exclusive(root / item.path, dump_yaml(rectification_to_mapping(item)))
    for event_file in event_files:
        mapping = event_file_mapping(ITEM_ID, event_file.event)
        create_exclusive(root / event_file.path, dump_yaml(mapping))
    visit = make_visit(
        date(2026, 11, 3),
        **{
            visit_attribute(spec.name): _value(spec, n)
            for n, spec in enumerate(VISIT_FIELDS)
            if spec.kind != "mapping" and spec.name not in ("id", "date", "district", "district_id")
        },
        void=VoidMark("重复", "测试员", datetime(2026, 11, 4, 9, tzinfo=SHANGHAI)),
    )
    visit = dataclasses.replace(visit, path=write_visit(root, visit))
    assert all(getattr(visit, f.name) not in (None, "", ()) for f in dataclass_fields(visit))

    uncached = load(root, cache=False)
    assert [problem.message for problem in uncached.problems] == []
    whole = dataclasses.replace(
        item, events=(*item.events, *(e.event for e in event_files))
    )  # its event file joined
    assert uncached.rectifications == [whole] and uncached.visits == [visit]
    for _run in ("cold", "warm"):
        cached = load(root)
        assert cached.rectifications == uncached.rectifications
        assert cached.visits == uncached.visits
        assert cached.problems == []
