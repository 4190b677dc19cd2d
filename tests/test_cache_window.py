"""One judgement of whether a period can count an item (`record_cache.in_window`): on the item,
on the dates its caller worked out, and as the cache's query asks it of a row's columns."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from builders import make_item
from wkb_tracker.domain.dates import SHANGHAI
from wkb_tracker.domain.model import RectificationEvent
from wkb_tracker.domain.rectification import settled_on
from wkb_tracker.store.record_cache import (
    in_window,
    last_recorded,
    recorded_key,
    window_conditions,
)

START = date(2026, 1, 1)
STEP = {
    "close": {"resolution": "已解决"},
    "reopen": {"reason": "复发"},
    "progress": {"note": "推进"},
}


def _when(day: int) -> date:
    return START + timedelta(days=day)


@settings(max_examples=examples(300), deadline=None)
@given(
    opened=st.integers(0, 60),
    steps=st.lists(
        st.tuples(st.sampled_from(sorted(STEP)), st.integers(0, 120), st.integers(0, 30)),
        max_size=4,
    ),
    settled_before=st.none() | st.integers(0, 200),
    opened_until=st.none() | st.integers(0, 200),
    cut=st.none() | st.integers(0, 220),
)
def test_in_window__the_item_its_worked_out_dates_and_the_cache_query_agree(
    opened: int,
    steps: list[tuple[str, int, int]],
    settled_before: int | None,
    opened_until: int | None,
    cut: int | None,
) -> None:
    events = []
    for kind, after, late in sorted(steps, key=lambda step: step[1]):
        day = _when(opened + after)
        at = datetime(day.year, day.month, day.day, 18, tzinfo=SHANGHAI) + timedelta(days=late)
        events.append(RectificationEvent(kind, day, "彭华魁", at, **STEP[kind]))
    item = make_item(_when(opened), events=tuple(events))
    window = (
        None if settled_before is None else _when(settled_before),
        None if opened_until is None else _when(opened_until),
    )
    recorded_before = (
        None
        if cut is None
        else recorded_key(datetime.combine(_when(cut), datetime.min.time(), tzinfo=SHANGHAI))
    )
    settled, last = settled_on(item), last_recorded(item)
    verdict = in_window(item, window, recorded_before)
    assert in_window(item, window, recorded_before, known=(settled, last)) == verdict
    # the row's columns, as the cache's query asks
    conditions, values = window_conditions(window, recorded_before)
    query = f"SELECT count(*) FROM r WHERE 1{conditions}"
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute("CREATE TABLE r(opened TEXT, settled TEXT, recorded INT)")
        db.execute(
            "INSERT INTO r VALUES(?,?,?)",
            (item.opened.isoformat(), settled.isoformat() if settled else None, last),
        )
        assert db.execute(query, values).fetchone()[0] == int(verdict)
