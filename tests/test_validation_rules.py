"""Every cross-record check of `wkb validate` runs (issue 12.2: most never ran in tests), over
records built in memory: no file exists, so each problem points at line 1 of its record."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from builders import make_dataset, make_item, make_visit
from wkb_tracker.domain.dates import SHANGHAI
from wkb_tracker.domain.model import RectificationEvent
from wkb_tracker.store.validation import (
    check_rectification_fields,
    check_visit_places,
    problems_without_items,
    validate,
)

OPENED = date(2026, 10, 8)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"id": "R-bad"}, "malformed-id"),
        ({"path": "data/rectifications/2026/09/x.yaml"}, "file-should-be-at"),
        ({"district": "东湖"}, "unknown-district"),
        ({"district_id": "hanyang"}, "district-id-should-be"),
        ({"source": "电话"}, "unknown-source"),
        ({"source": "visit"}, "source-visit-needs-a-visit-id"),
        ({"source": "visit", "visit": "V20261003-AAAAAA"}, "unknown-visit-id"),
        ({"measure": 18}, "measure"),
        ({"deadline": OPENED - timedelta(days=1)}, "deadline-is-before-the-opened-date"),
    ],
)
def test_check_rectification_fields__reports_each_defect(fields: dict[str, object], code: str):
    item = make_item(OPENED, **fields)
    found = list(check_rectification_fields(make_dataset(items=[item])))
    assert [problem.code for problem in found] == [code]
    assert found[0].path == item.path and found[0].line == 1


def test_check_rectification_fields__an_event_before_the_opened_date() -> None:
    at = datetime(2026, 10, 1, 9, 0, tzinfo=SHANGHAI)
    early = RectificationEvent("progress", date(2026, 10, 1), "张三", at, note="早")
    item = make_item(OPENED)
    item = replace(item, events=(early,))
    found = list(check_rectification_fields(make_dataset(items=[item])))
    assert [problem.code for problem in found] == ["event-date-is-before-the-opened"]


def test_check_visit_places__a_malformed_id_and_a_file_named_after_another_id() -> None:
    bad = make_visit(date(2026, 11, 3), id="V-1", path="data/visits/2026/11/a_V-1.yaml")
    other = make_visit(date(2026, 11, 3), path="data/visits/2026/11/x_V20261103-ZZZZZZ.yaml")
    found = list(check_visit_places(make_dataset([bad, other])))
    assert [problem.code for problem in found] == ["malformed-id", "file-name-does-not-match-id"]


def test_validate__a_clean_dataset_has_no_problem_and_names_problems_without_items() -> None:
    visit = make_visit(date(2026, 11, 3), problems=("用地审批慢",))
    visit = replace(visit, path=f"data/visits/2026/11/2026-11-03_donghu_{visit.id}.yaml")
    data = make_dataset([visit])
    assert validate(data) == []
    assert problems_without_items(data) == [visit.id]
    linked = make_item(date(2026, 11, 3), source="visit", visit=visit.id)
    assert problems_without_items(make_dataset([visit], [linked])) == []
