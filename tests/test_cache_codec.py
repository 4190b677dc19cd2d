"""The cache row codec is derived from the one visit field list (domain/model.VISIT_FIELDS)."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from builders import make_visit
from wkb_tracker.domain.dates import SHANGHAI
from wkb_tracker.domain.model import VISIT_FIELDS, Field, VoidMark
from wkb_tracker.store import record_cache
from wkb_tracker.store.record_cache import (
    SCHEMA_VERSION,
    decode_visit,
    encode_visit,
    schema_version,
    visit_attribute,
)


def test_codec__every_visit_field_is_a_visit_attribute_and_a_row_value() -> None:
    attributes = {f.name for f in dataclass_fields(record_cache.Visit)}
    assert {visit_attribute(spec.name) for spec in VISIT_FIELDS} | {"path"} == attributes


def test_schema_version__adding_a_visit_field_changes_it() -> None:
    """entities (entity_id) and rules (with) add fields: the cache rebuilds itself, by hand
    nobody bumps anything."""
    assert schema_version(VISIT_FIELDS) == SCHEMA_VERSION
    for added in (Field("entity_id", "str", required=False), Field("with", "strs", required=False)):
        assert schema_version((*VISIT_FIELDS, added)) != SCHEMA_VERSION
    changed = tuple(Field(s.name, "text") if s.name == "leader" else s for s in VISIT_FIELDS)
    assert schema_version(changed) != SCHEMA_VERSION


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
