"""Measure 15's rules as pure functions: status as of a date, and which events may follow which."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from wkb_tracker.domain.dates import SHANGHAI
from wkb_tracker.domain.model import Rectification, RectificationEvent
from wkb_tracker.domain.rectification import (
    Refusal,
    history_refusals,
    in_order,
    refuse_event,
    settled_on,
    standing,
    state_at,
    walk,
)

AT = datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)
TODAY = date(2026, 11, 25)


def event(kind: str, day: date, **fields: object) -> RectificationEvent:
    return RectificationEvent(kind=kind, date=day, by="测试员", at=AT, **fields)  # type: ignore[arg-type]


def item(*events: RectificationEvent, opened: date = date(2026, 10, 1)) -> Rectification:
    return Rectification(
        id="R20261001-AAAAAA",
        problem="孵化器用地审批慢",
        district="东湖高新区",
        district_id="donghu",
        source="督查",
        visit=None,
        measure=None,
        department="高新处",
        owner="彭华魁",
        opened=opened,
        deadline=date(2026, 10, 31),
        events=events,
    )


def refusal_code(refusal: Refusal | None) -> str | None:
    return refusal.code if refusal is not None else None


# -- status as of a date -----------------------------------------------------------------------


def test_state_at__deadline_day_is_open_the_day_after_is_overdue() -> None:
    plain = item()
    assert state_at(plain, date(2026, 10, 31)).status == "open"  # type: ignore[union-attr]
    assert state_at(plain, date(2026, 11, 1)).status == "overdue"  # type: ignore[union-attr]


def test_state_at__before_opened_is_none() -> None:
    assert state_at(item(), date(2026, 9, 30)) is None
    assert state_at(item(), date(2026, 10, 1)).status == "open"  # type: ignore[union-attr]


def test_state_at__due_soon_window() -> None:
    plain = item()
    assert state_at(plain, date(2026, 10, 23), due_soon_days=7).due_soon is False  # type: ignore[union-attr]
    assert state_at(plain, date(2026, 10, 24), due_soon_days=7).due_soon is True  # type: ignore[union-attr]
    assert state_at(plain, date(2026, 10, 31), due_soon_days=7).due_soon is True  # type: ignore[union-attr]
    assert state_at(plain, date(2026, 11, 1), due_soon_days=7).due_soon is False  # type: ignore[union-attr]


def test_state_at__extension_turns_overdue_back_to_open() -> None:
    extended = item(
        event("extend", date(2026, 11, 10), deadline=date(2026, 12, 15), reason="待审批")
    )
    before = state_at(extended, date(2026, 11, 9))
    after = state_at(extended, date(2026, 11, 10))
    assert (before.status, before.deadline) == ("overdue", date(2026, 10, 31))  # type: ignore[union-attr]
    assert (after.status, after.deadline) == ("open", date(2026, 12, 15))  # type: ignore[union-attr]


def test_state_at__past_as_of_reconstructs_each_stage() -> None:
    history = item(
        event("progress", date(2026, 10, 15), note="已协调"),
        event("close", date(2026, 10, 20), resolution="已办结"),
        event("reopen", date(2026, 11, 5), reason="复发"),
        event("extend", date(2026, 11, 6), deadline=date(2026, 11, 20), reason="需市级审批"),
        event("close", date(2026, 11, 22), resolution="再次办结"),
    )
    statuses = {
        day: (s.status, s.deadline, s.closed, s.closed_late)  # type: ignore[union-attr]
        for day in (
            date(2026, 10, 19),
            date(2026, 10, 20),
            date(2026, 11, 5),
            date(2026, 11, 6),
            date(2026, 11, 21),
            date(2026, 11, 25),
        )
        for s in [state_at(history, day)]
    }
    assert statuses == {
        date(2026, 10, 19): ("open", date(2026, 10, 31), None, None),
        date(2026, 10, 20): ("closed", date(2026, 10, 31), date(2026, 10, 20), False),
        date(2026, 11, 5): ("overdue", date(2026, 10, 31), None, None),
        date(2026, 11, 6): ("open", date(2026, 11, 20), None, None),
        date(2026, 11, 21): ("overdue", date(2026, 11, 20), None, None),
        date(2026, 11, 25): ("closed", date(2026, 11, 20), date(2026, 11, 22), True),
    }
    # the same question gets the same answer every time
    assert state_at(history, date(2026, 11, 5)) == state_at(history, date(2026, 11, 5))


def test_state_at__closed_on_the_deadline_day_is_on_time() -> None:
    on_time = item(event("close", date(2026, 10, 31), resolution="已办结"))
    late = item(event("close", date(2026, 11, 1), resolution="已办结"))
    assert state_at(on_time, TODAY).closed_late is False  # type: ignore[union-attr]
    assert state_at(late, TODAY).closed_late is True  # type: ignore[union-attr]


def test_state_at__closed_within_an_extension_is_on_time() -> None:
    extended = item(
        event("extend", date(2026, 10, 30), deadline=date(2026, 11, 30), reason="待审批"),
        event("close", date(2026, 11, 20), resolution="已办结"),
    )
    assert state_at(extended, TODAY).closed_late is False  # type: ignore[union-attr]


# -- which events may follow -------------------------------------------------------------------


def test_standing__after_whole_history() -> None:
    history = item(
        event("extend", date(2026, 10, 30), deadline=date(2026, 11, 30), reason="待审批"),
        event("close", date(2026, 11, 20), resolution="已办结"),
    )
    now = standing(history)
    assert (now.closed, now.deadline, now.closed_on, now.since) == (
        True,
        date(2026, 11, 30),
        date(2026, 11, 20),
        date(2026, 11, 20),
    )


def test_refuse_event__every_valid_transition() -> None:
    open_item = item()
    closed_item = item(event("close", date(2026, 11, 1), resolution="已办结"))
    assert (
        refuse_event(open_item, event("progress", date(2026, 11, 2), note="n"), today=TODAY) is None
    )
    assert (
        refuse_event(closed_item, event("progress", date(2026, 11, 2), note="n"), today=TODAY)
        is None
    )
    assert (
        refuse_event(
            open_item,
            event("extend", date(2026, 10, 30), deadline=date(2026, 12, 1), reason="r"),
            today=TODAY,
        )
        is None
    )
    assert (
        refuse_event(open_item, event("close", date(2026, 11, 2), resolution="r"), today=TODAY)
        is None
    )
    assert (
        refuse_event(closed_item, event("reopen", date(2026, 11, 2), reason="r"), today=TODAY)
        is None
    )


def test_refuse_event__closing_or_extending_a_closed_item() -> None:
    closed_item = item(event("close", date(2026, 11, 1), resolution="已办结"))
    close_again = refuse_event(
        closed_item, event("close", date(2026, 11, 2), resolution="r"), today=TODAY
    )
    extend = refuse_event(
        closed_item,
        event("extend", date(2026, 11, 2), deadline=date(2026, 12, 1), reason="r"),
        today=TODAY,
    )
    assert refusal_code(close_again) == "closed"
    assert refusal_code(extend) == "closed"
    assert close_again is not None and "已于 2026-11-01 关闭" in close_again.message


def test_refuse_event__reopening_an_open_item() -> None:
    refusal = refuse_event(item(), event("reopen", date(2026, 11, 2), reason="r"), today=TODAY)
    assert refusal_code(refusal) == "not_closed"


def test_refuse_event__dates_before_opened_or_in_the_future() -> None:
    early = refuse_event(item(), event("close", date(2026, 9, 30), resolution="r"), today=TODAY)
    future = refuse_event(item(), event("progress", date(2026, 11, 26), note="n"), today=TODAY)
    assert (refusal_code(early), early.field if early else None) == ("before_opened", "date")
    assert refusal_code(future) == "future"


def test_refuse_event__extension_must_move_the_deadline_later() -> None:
    same = event("extend", date(2026, 10, 5), deadline=date(2026, 10, 31), reason="r")
    earlier = event("extend", date(2026, 10, 5), deadline=date(2026, 10, 20), reason="r")
    lapsed = event("extend", date(2026, 11, 20), deadline=date(2026, 11, 10), reason="r")
    assert refusal_code(refuse_event(item(), same, today=TODAY)) == "not_later"
    assert refusal_code(refuse_event(item(), earlier, today=TODAY)) == "not_later"
    assert refusal_code(refuse_event(item(), lapsed, today=TODAY)) == "before_event"


def test_refuse_event__changes_of_status_in_date_order() -> None:
    closed_item = item(event("close", date(2026, 11, 10), resolution="已办结"))
    backdated = refuse_event(
        closed_item, event("reopen", date(2026, 11, 9), reason="r"), today=TODAY
    )
    same_day = refuse_event(
        closed_item, event("reopen", date(2026, 11, 10), reason="r"), today=TODAY
    )
    note = refuse_event(closed_item, event("progress", date(2026, 10, 2), note="补记"), today=TODAY)
    assert refusal_code(backdated) == "out_of_order"
    assert same_day is None
    assert note is None  # a progress note may be back-dated: it changes no status


def test_history_refusals__points_at_each_bad_event() -> None:
    bad = item(
        event("close", date(2026, 11, 1), resolution="已办结"),
        event("close", date(2026, 11, 2), resolution="又办结"),
        event("reopen", date(2026, 11, 3), reason="复发"),
        event("reopen", date(2026, 11, 4), reason="又复发"),
        event("extend", date(2026, 11, 5), deadline=date(2026, 10, 1), reason="r"),
    )
    found = [(index, refusal.code) for index, refusal in history_refusals(bad, today=TODAY)]
    assert found == [(1, "closed"), (3, "not_closed"), (4, "not_later")]


# -- the one walk: every reading of a history agrees -------------------------------------------

_KINDS = st.sampled_from(["progress", "extend", "close", "reopen"])


@st.composite
def histories(draw: st.DrawFn) -> Rectification:
    """Any sequence of events over October–December, allowed by the rules or not (as a merge of
    two clones may give), with or without approvers, in history order."""
    events = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(_KINDS)
        day = date(2026, 10, 1) + timedelta(days=draw(st.integers(0, 80)))
        fields: dict[str, object] = {}
        if kind == "extend":
            fields = {"deadline": day + timedelta(days=draw(st.integers(-5, 40))), "reason": "r"}
            fields["approved_by"] = draw(st.sampled_from([None, "胡军"]))
        elif kind == "close":
            fields = {"resolution": "r"}
        elif kind in ("reopen",):
            fields = {"reason": "r"}
        else:
            fields = {"note": "n"}
        events.append(event(kind, day, **fields))
    return item(*in_order(events))


@settings(max_examples=examples(400))
@given(history=histories(), offset=st.integers(0, 100))
def test_walk__state_standing_and_settled_agree(history: Rectification, offset: int) -> None:
    as_of = date(2026, 10, 1) + timedelta(days=offset)
    state = state_at(history, as_of)
    whole = standing(history)
    settled = settled_on(history)
    # what the whole history ends in is what a date after every event sees
    last = state_at(history, date(2027, 12, 31))
    assert last is not None and (last.status == "closed") == whole.closed
    assert last.deadline == whole.deadline
    # the cache may leave an item out of any period starting after it settled: from then on
    # it is closed, on a date no later than that
    if settled is not None and as_of >= settled and state is not None:
        assert state.status == "closed" and state.closed is not None and state.closed <= settled
    # a closure is late if it came after the deadline in force, or after a late extension
    if state is not None and state.status == "closed":
        assert state.closed_late == (state.closed > state.deadline or state.extended_late)  # type: ignore[operator]
    # the walk skips exactly what the store would refuse at each step (an unapproved late
    # extension embedded by an earlier version is applied, not listed)
    end = date(2027, 12, 31)
    refused = dict(walk(history, today=end).refused)
    for index, one in enumerate(history.events):
        refusal = refuse_event(history, one, today=end, prior=history.events[:index])
        expected = refusal is not None and refusal.code != "late_unapproved"
        assert (index in refused) == expected
