"""`wkb due`: what is still needed this month, with days and working days left."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from test_report_support import add_item, add_visit
from wkb_tracker.domain.workdays import CHINESE_CALENDAR, WEEKDAYS, left_in_month, working_days


def test_due__working_days_follow_the_chinese_calendar() -> None:
    # October 2026: National Day holiday Oct 1–7, Saturday Oct 10 is a make-up working day.
    # Working days: Oct 8, 9, 10, then 3 full weeks (12–16, 19–23, 26–30) = 18; weekdays = 22.
    assert working_days(date(2026, 10, 1), date(2026, 10, 31)) == (18, CHINESE_CALENDAR)
    # 2026-11-25 (Wed) to 11-30 (Mon): 25, 26, 27, 30.
    left = left_in_month(date(2026, 11, 25))
    assert (left.days, left.working_days, left.calendar) == (6, 4, CHINESE_CALENDAR)


def test_due__plain_weekdays_when_the_year_is_unknown() -> None:
    # chinese_calendar has no data for 2031: March 10 (Mon) to 31 (Mon) has 16 weekdays.
    left = left_in_month(date(2031, 3, 10))
    assert (left.days, left.working_days, left.calendar) == (22, 16, WEEKDAYS)


def test_due__last_day_of_month() -> None:
    left = left_in_month(date(2026, 11, 30))
    assert (left.days, left.working_days) == (1, 1)


def test_due__json(root: Path, wkb: Any) -> None:
    # Today is 2026-11-25. 胡军: 东湖高新区 2 (met), 汉阳区 1 (short by 1).
    add_visit(root, "2026-11-03", "donghu")
    add_visit(root, "2026-11-04", "donghu")
    hanyang = add_visit(root, "2026-11-05", "hanyang")
    overdue = add_item(root, "2026-10-01", "2026-11-20", "hanyang", id="R20261001-000001")
    soon = add_item(root, "2026-11-01", "2026-11-25", id="R20261101-000002")  # no district
    add_item(root, "2026-11-01", "2026-12-25", "donghu")  # not due soon
    add_item(root, "2026-10-01", "2026-10-20", "donghu", closed="2026-10-19")  # closed

    result = wkb("due", "--format", "json")

    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert {
        k: data[k] for k in ("as_of", "month", "days_left", "working_days_left", "calendar")
    } == {
        "as_of": "2026-11-25",
        "month": "2026-11",
        "days_left": 6,
        "working_days_left": 4,
        "calendar": "chinese_calendar",
    }
    hu = [row for row in data["districts"] if row["leader"] == "胡军"]
    assert hu == [
        {
            "leader": "胡军",
            "title": "副局长",
            "district": "汉阳区",
            "district_id": "hanyang",
            "contacts": 1,
            "required": 2,
            "missing": 1,
            "visits": [hanyang],
        }
    ]
    assert len(data["districts"]) == 13  # the other 12 districts have no contact yet
    assert data["rectifications"] == [
        {
            "id": overdue,
            "problem": "测试问题",
            "district": "汉阳区",
            "leader": "胡军",
            "department": "办公室",
            "owner": "测试员",
            "deadline": "2026-11-20",
            "status": "overdue",
            "days_overdue": 5,
            "days_left": None,
        },
        {
            "id": soon,
            "problem": "测试问题",
            "district": None,
            "leader": None,
            "department": "办公室",
            "owner": "测试员",
            "deadline": "2026-11-25",
            "status": "due_soon",
            "days_overdue": None,
            "days_left": 0,
        },
    ]


def test_due__table(root: Path, wkb: Any) -> None:
    add_visit(root, "2026-11-05", "hanyang")
    add_item(root, "2026-10-01", "2026-11-20", "hanyang", id="R20261001-000001")
    add_item(root, "2026-11-01", "2026-11-25", id="R20261101-000002")
    add_item(root, "2026-11-01", "2026-11-28", "donghu", id="R20261101-000003")

    result = wkb("due", "--leader", "胡军")

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "2026-11 尚需完成(截至 2026-11-25):本月还剩 6 天(含当天),其中工作日 4 天(按中国法定节假日安排计算)"
    )
    assert next(line for line in lines if "汉阳区" in line and "胡军" in line).split() == [
        "胡军",
        "副局长",
        "汉阳区",
        "1",
        "2",
        "1",
    ]
    assert "逾期 5 天" in result.stdout
    assert "3 天后到期" in result.stdout
    # --leader: the district-less item and other leaders' districts are left out.
    assert "R20261101-000002" not in result.stdout
    assert "赵峰" not in result.stdout


def test_due__owner_header_is_the_one_every_item_view_uses(root: Path, wkb: Any) -> None:
    # `owner` is 责任人 in the ledger import, `rectify list` and the report; `due` said 负责人.
    from wkb_tracker.report.formats.list_sheets import due_sheets, item_columns

    add_item(root, "2026-10-01", "2026-11-20", "hanyang", id="R20261001-000001")
    owner = item_columns()[5].title
    assert owner == "责任人"

    table = wkb("due", "--leader", "胡军")
    assert table.exit_code == 0
    header = next(line for line in table.stdout.splitlines() if "期限" in line).split()
    assert owner in header and "负责人" not in table.stdout

    view = json.loads(wkb("due", "--format", "json").stdout)
    titles = [column.title for sheet in due_sheets(view) for column in sheet.columns]
    assert owner in titles and "负责人" not in titles


def test_due__nothing_due(root: Path, wkb: Any) -> None:
    for district in ("donghu", "hanyang"):
        add_visit(root, "2026-11-03", district)
        add_visit(root, "2026-11-04", district)

    result = wkb("due", "--leader", "胡军")

    assert "本月各分工区均已达到最低联系次数。" in result.stdout
    assert "没有逾期或即将到期的整改事项。" in result.stdout


def test_due__as_of_in_a_year_the_calendar_does_not_know(root: Path, wkb: Any) -> None:
    result = wkb("--lang", "en", "due", "--as-of", "2031-03-10")

    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == (
        "Still due in 2031-03 (as of 2031-03-10): 22 days left this month (today included), "
        "16 working days (chinese_calendar has no data for that year: plain Monday–Friday)"
    )


def test_due__refuses_a_bad_date(root: Path, wkb: Any) -> None:
    result = wkb("due", "--as-of", "2026-02-30")

    assert result.exit_code == 2
    assert "--as-of 不是有效日期:'2026-02-30'" in result.stderr
    assert result.stdout == ""
