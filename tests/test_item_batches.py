"""`rectify list --format json` sorts compact lines (store/item_batches.py) as `select` sorts views."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from wkb_tracker.report.render import json_element, to_json
from wkb_tracker.store.item_batches import SortedLines, order_key
from wkb_tracker.store.rectification_store import view_order

VIEWS = st.fixed_dictionaries(
    {
        "id": st.text(st.sampled_from("R2026-AZ09东\x01é"), min_size=1, max_size=6),
        "status": st.sampled_from(["open", "overdue", "closed"]),
        "deadline": st.dates(date(1, 1, 1), date(9999, 12, 31)),
        "opened": st.dates(date(1, 1, 1), date(9999, 12, 31)),
        "problem": st.text(max_size=5),
    }
)


@settings(max_examples=examples(400))
@given(
    st.lists(VIEWS, max_size=12, unique_by=lambda view: view["id"]), st.none() | st.integers(0, 5)
)
def test_sorted_lines__the_bytes_of_the_sorted_views(
    views: list[dict[str, object]], limit: int | None
) -> None:
    lines = SortedLines()
    for view in views:
        lines.add(order_key(view), json_element(view))
    ordered = sorted(views, key=view_order)
    shown = ordered if limit is None else ordered[:limit]
    assert b"".join(lines.chunks(limit)) == (to_json(shown) + "\n").encode()
