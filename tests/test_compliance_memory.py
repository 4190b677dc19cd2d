"""Compliance as pure domain logic (issue 12.5): records and the table built in memory with the
one set of builders, no file read or written."""

from __future__ import annotations

from datetime import date

from builders import make_dataset, make_item, make_policy, make_visit
from wkb_tracker.domain import compliance
from wkb_tracker.domain.dataset import Config
from wkb_tracker.domain.knowledge import as_known_on
from wkb_tracker.domain.model import VoidMark

NOVEMBER = compliance.month_of(date(2026, 11, 1))
AS_OF = date(2026, 11, 25)


def donghu(report: compliance.Report) -> compliance.DistrictFigure:
    hu = next(leader for leader in report.leaders if leader.leader == "胡军")
    return hu.districts[0]


def test_compute__two_contacts_meet_measure_14() -> None:
    visits = [make_visit(date(2026, 11, 3)), make_visit(date(2026, 11, 10))]
    report = compliance.compute(make_dataset(visits), NOVEMBER, AS_OF)
    assert (donghu(report).contacts, donghu(report).required) == (2, 2)
    assert donghu(report).status == compliance.MET
    assert report.summary_counts()["contacts"] == 2


def test_compute__a_void_visit_and_a_stray_leader_do_not_count() -> None:
    void = VoidMark("录错", "测试员", make_visit(date(2026, 11, 3)).recorded_at)
    visits = [
        make_visit(date(2026, 11, 3), void=void),
        make_visit(date(2026, 11, 4), leader="赵峰"),
    ]
    report = compliance.compute(make_dataset(visits), NOVEMBER, AS_OF)
    assert donghu(report).contacts == 0 and donghu(report).status == compliance.PENDING
    assert [stray.leader for stray in report.bureau.visits_not_counted] == ["赵峰"]
    assert len(report.bureau.void_visits) == 1


def test_compute__the_minimum_comes_from_config_over_the_policy() -> None:
    visits = [make_visit(date(2026, 11, 3)), make_visit(date(2026, 11, 10))]
    data = make_dataset(visits, policy=make_policy(minimum=2), config=Config(monthly_minimum=3))
    report = compliance.compute(data, NOVEMBER, date(2026, 12, 1))
    assert donghu(report).required == 3 and donghu(report).status == compliance.SHORT


def test_compute__an_open_item_past_its_deadline_is_overdue() -> None:
    item = make_item(date(2026, 9, 1))
    report = compliance.compute(make_dataset(items=[item]), NOVEMBER, AS_OF)
    hu = next(leader for leader in report.leaders if leader.leader == "胡军")
    assert hu.rectifications.overdue == (item.id,)


def test_as_known_on__leaves_out_what_was_recorded_later() -> None:
    late = make_visit(date(2026, 11, 3), recorded_at=make_visit(date(2026, 11, 20)).recorded_at)
    data = as_known_on(make_dataset([late]), date(2026, 11, 10))
    assert compliance.compute(data, NOVEMBER, date(2026, 11, 10)).summary_counts()["contacts"] == 0
