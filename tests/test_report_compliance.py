"""The measure-14/15/17 computation, with hand-computed expectations (no CLI unless the case is
about one: the reassignment goes through `wkb districts assign`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from test_report_support import (
    add_item,
    add_visit,
    figure,
    leader_of,
    month_report,
    range_report,
)
from wkb_tracker.domain.compliance import QUARTER, YEAR, required_contacts


def test_report__month_boundaries_first_and_last_day(root: Path) -> None:
    # 胡军 holds 东湖高新区. Sep 30 and Nov 1 belong to their own months.
    sep30 = add_visit(root, "2026-09-30", "donghu")
    oct1 = add_visit(root, "2026-10-01", "donghu")
    oct31 = add_visit(root, "2026-10-31", "donghu")
    nov1 = add_visit(root, "2026-11-01", "donghu")

    report = range_report(root, "2026-09-01", "2026-11-30", "2026-11-25", QUARTER)
    months = {m.month: m for m in figure(report, "胡军", "donghu").months}

    assert months["2026-09"].visits == (sep30,)
    assert months["2026-10"].visits == (oct1, oct31)
    assert months["2026-10"].contacts == 2
    assert months["2026-10"].status == "met"
    assert months["2026-11"].visits == (nov1,)


def test_report__month_ends_on_its_last_day(root: Path) -> None:
    add_visit(root, "2026-10-01", "donghu")

    on_last_day = month_report(root, "2026-10", "2026-10-31")
    day_after = month_report(root, "2026-10", "2026-11-01")

    assert figure(on_last_day, "胡军", "donghu").months[0].status == "pending"
    assert figure(day_after, "胡军", "donghu").months[0].status == "short"


def test_report__leader_with_two_districts_short_in_one(root: Path) -> None:
    # 胡军: 东湖高新区 2 contacts, 汉阳区 1, in October; as of 2026-11-25 October has ended.
    add_visit(root, "2026-10-08", "donghu")
    add_visit(root, "2026-10-20", "donghu")
    add_visit(root, "2026-10-09", "hanyang")

    report = month_report(root, "2026-10", "2026-11-25")
    hu = leader_of(report, "胡军")

    assert [(d.district, d.contacts, d.required, d.status) for d in hu.districts] == [
        ("东湖高新区", 2, 2, "met"),
        ("汉阳区", 1, 2, "short"),
    ]
    assert hu.contacts == 3
    assert hu.status == "short"


def test_report__mid_month_reassignment_pro_rated_for_both(root: Path, wkb: Any) -> None:
    # 江夏区 passes from 赵峰 to 徐涛 on 2026-10-16. October has 31 days:
    # 赵峰 held it 15 days → ceil(2 × 15/31) = 1; 徐涛 16 days → ceil(2 × 16/31) = 2.
    assert (
        wkb("districts", "assign", "江夏区", "--leader", "徐涛", "--from", "2026-10-16").exit_code
        == 0
    )
    zhao = add_visit(root, "2026-10-05", "jiangxia")
    late_zhao = add_visit(root, "2026-10-20", "jiangxia", "赵峰")
    xu = [add_visit(root, "2026-10-17", "jiangxia"), add_visit(root, "2026-10-30", "jiangxia")]

    report = month_report(root, "2026-10", "2026-11-25")
    zhao_month = figure(report, "赵峰", "jiangxia").months[0]
    xu_month = figure(report, "徐涛", "jiangxia").months[0]

    assert (zhao_month.days_covered, zhao_month.required, zhao_month.visits) == (15, 1, (zhao,))
    assert zhao_month.status == "met"
    assert (xu_month.days_covered, xu_month.required, xu_month.visits) == (16, 2, tuple(xu))
    assert xu_month.status == "met"
    assert [d.district_id for d in leader_of(report, "徐涛").districts] == ["jiangan", "jiangxia"]
    # 赵峰's visit after the 16th counts for nobody; it is shown bureau-wide.
    (stray,) = report.bureau.visits_not_counted
    assert (stray.id, stray.leader, stray.responsible) == (late_zhao, "赵峰", "徐涛")
    # November: 江夏区 is no longer 赵峰's.
    november = month_report(root, "2026-11", "2026-11-25")
    assert [d.district_id for d in leader_of(november, "赵峰").districts] == ["wuhankaifa"]


def test_report__required_rounds_up() -> None:
    assert required_contacts(2, 31, 31) == 2
    assert required_contacts(2, 15, 31) == 1
    assert required_contacts(2, 16, 31) == 2
    assert required_contacts(2, 1, 28) == 1
    assert required_contacts(3, 10, 30) == 1


def test_report__void_visits_not_counted(root: Path) -> None:
    kept = add_visit(root, "2026-10-08", "donghu")
    voided = add_visit(root, "2026-10-09", "donghu", void=True)

    report = month_report(root, "2026-10", "2026-11-25")
    month = figure(report, "胡军", "donghu").months[0]

    assert (month.contacts, month.visits, month.status) == (1, (kept,), "short")
    assert report.bureau.void_visits == (voided,)
    assert report.bureau.visits_not_counted == ()


def test_report__visit_by_non_responsible_leader_goes_to_bureau(root: Path) -> None:
    # 东湖高新区 is 胡军's; 赵峰 visiting it counts for neither.
    stray = add_visit(root, "2026-10-08", "donghu", "赵峰")

    report = month_report(root, "2026-10", "2026-11-25")

    assert figure(report, "胡军", "donghu").contacts == 0
    assert leader_of(report, "赵峰").contacts == 0
    (shown,) = report.bureau.visits_not_counted
    assert (shown.id, shown.district, shown.leader, shown.responsible) == (
        stray,
        "东湖高新区",
        "赵峰",
        "胡军",
    )
    assert report.summary["visits_not_counted"] == 1


def test_report__current_month_pending(root: Path) -> None:
    # Today is 2026-11-25: November has not ended.
    add_visit(root, "2026-11-03", "donghu")
    add_visit(root, "2026-11-04", "hanyang")
    add_visit(root, "2026-11-05", "hanyang")

    report = month_report(root, "2026-11", "2026-11-25")
    hu = leader_of(report, "胡军")

    assert [d.status for d in hu.districts] == ["pending", "met"]
    assert hu.status == "pending"
    assert leader_of(report, "赵峰").status == "pending"
    assert report.summary == {
        "leaders": 8,
        "met": 0,
        "short": 0,
        "pending": 8,
        "contacts": 3,
        "visits_not_counted": 0,
    }


def test_report__visits_after_the_as_of_date_not_counted(root: Path) -> None:
    add_visit(root, "2026-11-03", "donghu")
    add_visit(root, "2026-11-20", "donghu")

    report = month_report(root, "2026-11", "2026-11-10")

    assert figure(report, "胡军", "donghu").contacts == 1


def test_report__quarter_with_one_short_month(root: Path) -> None:
    # 刘红 (临空港开发区, one district): July 2, August 1, September 2.
    for day in ("2026-07-02", "2026-07-20", "2026-08-11", "2026-09-01", "2026-09-30"):
        add_visit(root, day, "linkonggang")

    report = range_report(root, "2026-07-01", "2026-09-30", "2026-11-25", QUARTER)
    liu = leader_of(report, "刘红")
    district = figure(report, "刘红", "linkonggang")

    assert [(m.month, m.contacts, m.required, m.status) for m in district.months] == [
        ("2026-07", 2, 2, "met"),
        ("2026-08", 1, 2, "short"),
        ("2026-09", 2, 2, "met"),
    ]
    assert (district.contacts, district.required, liu.status) == (5, 6, "short")
    assert (liu.assessment.months_met, liu.assessment.months_assessed) == (2, 3)
    assert report.snapshot.isoformat() == "2026-09-30"


def test_report__year_assessment(root: Path) -> None:
    # 刘红 in 2026 as of 2026-11-25: January met, February short, the rest empty (short);
    # November and December have not ended, so 10 months are assessed.
    add_visit(root, "2026-01-05", "linkonggang")
    add_visit(root, "2026-01-06", "linkonggang")
    add_visit(root, "2026-02-05", "linkonggang", recorded="2026-03-09")  # 补录: 9 days after
    add_item(root, "2026-03-01", "2026-03-31", "linkonggang", closed="2026-03-20")
    add_item(root, "2026-04-01", "2026-04-30", "linkonggang", closed="2026-05-06")
    add_item(root, "2026-05-01", "2026-05-30", "linkonggang", closed="2026-05-30")

    report = range_report(root, "2026-01-01", "2026-12-31", "2026-11-25", YEAR)
    assessment = leader_of(report, "刘红").assessment

    assert assessment.months_met == 1
    assert assessment.months_assessed == 10
    assert assessment.contacts == 3
    assert (assessment.closed_on_time, assessment.closed_late) == (2, 1)
    assert assessment.on_time_rate == 0.6667
    assert assessment.late_entries == 1


def test_report__rectification_counts_at_snapshot(root: Path) -> None:
    # All 东湖高新区 (胡军). October report.
    a = add_item(root, "2026-09-10", "2026-10-10", "donghu", closed="2026-10-05")
    b = add_item(root, "2026-09-01", "2026-09-30", "donghu", closed="2026-10-20")
    c = add_item(root, "2026-10-10", "2026-10-20", "donghu")
    d = add_item(root, "2026-10-15", "2026-11-15", "donghu", closed="2026-11-10")
    add_item(root, "2026-11-02", "2026-12-02", "donghu")  # opened after the snapshot
    add_item(root, "2026-08-01", "2026-08-31", "donghu", closed="2026-08-20")  # closed before
    g = add_item(root, "2026-10-01", "2026-10-31", "donghu")  # deadline = snapshot: not overdue
    bureau = add_item(root, "2026-10-02", "2026-10-12")  # no district

    # As of 2026-11-25 the snapshot is the period's end, 2026-10-31.
    ended = month_report(root, "2026-10", "2026-11-25")
    figures = leader_of(ended, "胡军").rectifications
    assert figures.open == (g, c, d)
    assert figures.overdue == (c,)
    assert figures.closed_on_time == (a,)
    assert figures.closed_late == (b,)
    assert figures.counts() == {
        "open": 3,
        "overdue": 1,
        "closed_on_time": 1,
        "closed_late": 1,
        "due_soon": 1,
    }
    assert ended.bureau.rectifications.overdue == (bureau,)

    # As of 2026-10-18: b is still open (and overdue), c not yet overdue.
    midway = leader_of(month_report(root, "2026-10", "2026-10-18"), "胡军").rectifications
    assert midway.open == (b, g, c, d)
    assert midway.overdue == (b,)
    assert midway.closed_on_time == (a,)
    assert midway.closed_late == ()


def test_report__rectification_belongs_to_leader_on_opened_date(root: Path, wkb: Any) -> None:
    assert (
        wkb("districts", "assign", "江夏区", "--leader", "徐涛", "--from", "2026-10-16").exit_code
        == 0
    )
    before = add_item(root, "2026-10-10", "2026-12-10", "jiangxia")
    after = add_item(root, "2026-10-20", "2026-12-10", "jiangxia")

    report = month_report(root, "2026-11", "2026-11-25")

    # 赵峰 still holds 武汉开发区 in November, so he is in the report with his item.
    assert leader_of(report, "赵峰").rectifications.open == (before,)
    assert leader_of(report, "徐涛").rectifications.open == (after,)


def test_report__late_entries_after_grace_days(root: Path) -> None:
    # October ends on the 31st; grace is 5 days: recorded on Nov 5 is on time, Nov 6 is late.
    on_time = add_visit(root, "2026-10-08", "donghu", recorded="2026-11-05T23:59:00+08:00")
    late = add_visit(root, "2026-10-09", "donghu", recorded="2026-11-06T00:30:00+08:00")
    # 16:30 UTC on Nov 5 is 00:30 on Nov 6 in Shanghai.
    late_utc = add_visit(root, "2026-10-10", "hanyang", recorded="2026-11-05T16:30:00+00:00")

    report = month_report(root, "2026-10", "2026-11-25")
    hu = leader_of(report, "胡军")

    assert hu.late_entries == (late, late_utc)
    assert on_time in figure(report, "胡军", "donghu").months[0].visits
    assert hu.contacts == 3  # late entries still count


def test_report__post_seal_entries_counted_and_listed(root: Path) -> None:
    sealed = add_visit(
        root, "2026-10-08", "donghu", recorded="2026-11-20", late_reason="纸质台账漏录"
    )

    report = month_report(root, "2026-10", "2026-11-25")
    hu = leader_of(report, "胡军")

    assert hu.post_seal_entries == (sealed,)
    assert hu.late_entries == (sealed,)
    assert hu.contacts == 1


def test_report__range_cutting_months_pro_rates_by_days_in_period(root: Path) -> None:
    # 2026-10-20..2026-11-05: October 12 days → ceil(2 × 12/31) = 1; November 5 → ceil(10/30) = 1.
    add_visit(root, "2026-10-05", "donghu")  # before the period: not counted
    inside = add_visit(root, "2026-10-25", "donghu")

    report = range_report(root, "2026-10-20", "2026-11-05", "2026-11-25")
    months = figure(report, "胡军", "donghu").months

    assert [(m.month, m.days_covered, m.required, m.contacts) for m in months] == [
        ("2026-10", 12, 1, 1),
        ("2026-11", 5, 1, 0),
    ]
    assert months[0].visits == (inside,)
    assert [m.status for m in months] == ["met", "pending"]


def test_report__leader_filter(root: Path) -> None:
    add_visit(root, "2026-10-08", "donghu")
    add_visit(root, "2026-10-08", "wuchang", "胡军")  # 王振旭's district
    add_visit(root, "2026-10-09", "donghu", "赵峰")

    report = month_report(root, "2026-10", "2026-11-25", leader="胡军")

    assert [f.leader for f in report.leaders] == ["胡军"]
    assert [v.leader for v in report.bureau.visits_not_counted] == ["胡军"]


def test_report__config_overrides_minimum(root: Path, wkb: Any) -> None:
    assert wkb("config", "set", "monthly_minimum", "3").exit_code == 0
    for day in ("2026-10-01", "2026-10-02"):
        add_visit(root, day, "donghu")

    report = month_report(root, "2026-10", "2026-11-25")

    assert report.minimum_per_month == 3
    assert figure(report, "胡军", "donghu").months[0].required == 3
    assert figure(report, "胡军", "donghu").status == "short"


def test_period_records_window__is_the_first_day_to_the_snapshot() -> None:
    """One place turns a period into the records window (issue 12.2): report and due use it."""
    from wkb_tracker.domain.compliance import make_period, month_of

    quarter = make_period(date(2026, 7, 1), date(2026, 9, 30), "quarter")
    assert quarter.records_window(date(2026, 11, 25)) == (date(2026, 7, 1), date(2026, 9, 30))
    assert quarter.records_window(date(2026, 8, 10)) == (date(2026, 7, 1), date(2026, 8, 10))
    assert quarter.records_window(date(2026, 6, 1)) == (date(2026, 6, 1), date(2026, 6, 1))
    assert month_of(date(2026, 11, 25)).records_window(date(2026, 11, 25)) == (
        date(2026, 11, 1),
        date(2026, 11, 25),
    )
