"""`wkb report` end to end: the JSON contract pinned whole, CSV, Markdown, the table, --explain,
and the refusals."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from test_report_support import add_item, add_visit

SMALL_TABLE = """\
version: 1
entries:
  - district: 东湖高新区
    id: donghu
    leader: 胡军
    title: 副局长
    department: 高新处
    contact: 彭华魁
    from: 2021-07-01
  - district: 江岸区
    id: jiangan
    leader: 徐涛
    title: 副局长
    department: 项目中心
    contact: 亓巍
    from: 2021-07-01
  - district: 汉阳区
    id: hanyang
    leader: 胡军
    title: 副局长
    department: 转化中心
    contact: 李少良
    from: 2021-07-01
"""


@pytest.fixture
def small(root: Path) -> Path:
    """Three districts, two leaders, October 2026 (today is 2026-11-25)."""
    (root / "data" / "districts.yaml").write_text(SMALL_TABLE, encoding="utf-8")
    add_visit(root, "2026-10-08", "donghu", id="V20261008-000001")
    add_visit(root, "2026-10-21", "donghu", id="V20261021-000002")
    add_visit(root, "2026-10-30", "donghu", id="V20261030-000003", recorded="2026-11-10")
    add_visit(root, "2026-10-12", "hanyang", id="V20261012-000004")
    add_visit(root, "2026-10-13", "jiangan", id="V20261013-000005")
    add_visit(root, "2026-10-14", "jiangan", id="V20261014-000006", void=True)
    add_visit(root, "2026-10-15", "donghu", "徐涛", id="V20261015-000007")
    add_visit(root, "2026-10-16", "jiangan", id="V20261016-000008")
    add_item(root, "2026-09-20", "2026-10-20", "donghu", id="R20260920-000001", closed="2026-10-25")
    add_item(root, "2026-10-05", "2026-10-25", "hanyang", id="R20261005-000002")
    add_item(root, "2026-10-10", "2026-11-09", "jiangan", id="R20261010-000003")
    add_item(root, "2026-10-11", "2026-11-10", id="R20261011-000004", closed="2026-10-30")
    return root


def test_report__json_pinned(small: Path, wkb: Any) -> None:
    result = wkb("report", "--month", "2026-10", "--format", "json")

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "period": {"from": "2026-10-01", "to": "2026-10-31", "kind": "month", "label": "2026-10"},
        "as_of": "2026-11-25",
        "snapshot": "2026-10-31",
        "minimum_per_month": 2,
        "late_grace_days": 5,
        "leader_filter": None,
        "leaders": [
            {
                "leader": "胡军",
                "title": "副局长",
                "status": "short",
                "contacts": 4,
                "districts": [
                    {
                        "district": "东湖高新区",
                        "district_id": "donghu",
                        "contacts": 3,
                        "required": 2,
                        "status": "met",
                        "months": [
                            {
                                "month": "2026-10",
                                "contacts": 3,
                                "required": 2,
                                "status": "met",
                                "days_covered": 31,
                                "days_in_month": 31,
                                "sealed": False,
                                "after_seal": 0,
                            }
                        ],
                        "after_seal": 0,
                    },
                    {
                        "district": "汉阳区",
                        "district_id": "hanyang",
                        "contacts": 1,
                        "required": 2,
                        "status": "short",
                        "months": [
                            {
                                "month": "2026-10",
                                "contacts": 1,
                                "required": 2,
                                "status": "short",
                                "days_covered": 31,
                                "days_in_month": 31,
                                "sealed": False,
                                "after_seal": 0,
                            }
                        ],
                        "after_seal": 0,
                    },
                ],
                "rectifications": {
                    "open": 1,
                    "overdue": 1,
                    "closed_on_time": 0,
                    "closed_late": 1,
                    "due_soon": 0,
                },
                "late_entries": 1,
                "post_seal_entries": 0,
                "after_seal": 0,
                "assessment": {
                    "months_met": 0,
                    "months_assessed": 1,
                    "contacts": 4,
                    "closed_on_time": 0,
                    "closed_late": 1,
                    "on_time_rate": 0.0,
                    "late_entries": 1,
                    "satisfaction": {  # issue 15.4
                        "satisfied": 0,
                        "basically_satisfied": 0,
                        "unsatisfied": 0,
                        "no_followup": 1,
                    },
                    "needs_followup": 0,
                },
            },
            {
                "leader": "徐涛",
                "title": "副局长",
                "status": "met",
                "contacts": 2,
                "districts": [
                    {
                        "district": "江岸区",
                        "district_id": "jiangan",
                        "contacts": 2,
                        "required": 2,
                        "status": "met",
                        "months": [
                            {
                                "month": "2026-10",
                                "contacts": 2,
                                "required": 2,
                                "status": "met",
                                "days_covered": 31,
                                "days_in_month": 31,
                                "sealed": False,
                                "after_seal": 0,
                            }
                        ],
                        "after_seal": 0,
                    }
                ],
                "rectifications": {
                    "open": 1,
                    "overdue": 0,
                    "closed_on_time": 0,
                    "closed_late": 0,
                    "due_soon": 0,
                },
                "late_entries": 0,
                "post_seal_entries": 0,
                "after_seal": 0,
                "assessment": {
                    "months_met": 1,
                    "months_assessed": 1,
                    "contacts": 2,
                    "closed_on_time": 0,
                    "closed_late": 0,
                    "on_time_rate": None,
                    "late_entries": 0,
                    "satisfaction": {
                        "satisfied": 0,
                        "basically_satisfied": 0,
                        "unsatisfied": 0,
                        "no_followup": 0,
                    },
                    "needs_followup": 0,
                },
            },
        ],
        "summary": {
            "leaders": 2,
            "met": 1,
            "short": 1,
            "pending": 0,
            "contacts": 6,
            "visits_not_counted": 1,
            "not_tracked": 0,
        },
        "bureau": {
            "visits_not_counted": [
                {
                    "id": "V20261015-000007",
                    "date": "2026-10-15",
                    "district": "东湖高新区",
                    "district_id": "donghu",
                    "leader": "徐涛",
                    "responsible_leader": "胡军",
                    "reason": "not_responsible",  # issue 15.1
                }
            ],
            "rectifications": {
                "open": 0,
                "overdue": 0,
                "closed_on_time": 1,
                "closed_late": 0,
                "due_soon": 0,
            },
            "void_visits": 1,
        },
        "problems": [],
        "problem_details": [],  # issue 12.4: each problem's path, line, code and message
        "sealed_months": [],
        "known_on": "2026-11-25",
        "tracking_start": None,
        "counting_rules": [  # issue 15.1: the default rule, as wkb always counted
            {
                "month": "2026-10",
                "per": "leader_district_month",
                "minimum": 2,
                "counted_modes": None,
                "one_per_entity_per_day": False,
                "rounding": "ceil",
                "min_days_held": 1,
                "joint": "responsible",
            }
        ],
    }


def test_report__json_explain_lists_ids(small: Path, wkb: Any) -> None:
    result = wkb("report", "--month", "2026-10", "--format", "json", "--explain")

    data = json.loads(result.stdout)
    hu, xu = data["leaders"]
    assert hu["districts"][0]["months"][0]["visits"] == [
        "V20261008-000001",
        "V20261021-000002",
        "V20261030-000003",
    ]
    assert hu["districts"][1]["months"][0]["visits"] == ["V20261012-000004"]
    assert hu["rectification_ids"] == {
        "open": ["R20261005-000002"],
        "overdue": ["R20261005-000002"],
        "closed_on_time": [],
        "closed_late": ["R20260920-000001"],
        "due_soon": [],
    }
    assert hu["late_entry_ids"] == ["V20261030-000003"]
    assert xu["districts"][0]["months"][0]["visits"] == ["V20261013-000005", "V20261016-000008"]
    assert data["bureau"]["rectification_ids"]["closed_on_time"] == ["R20261011-000004"]
    assert data["bureau"]["void_visit_ids"] == ["V20261014-000006"]


def test_report__table_month(small: Path, wkb: Any) -> None:
    result = wkb("report", "--month", "2026-10")

    assert result.exit_code == 0
    out = result.stdout
    assert "包区服务合规报告 2026-10(截至 2026-10-31;每区每月不少于 2 次)" in out
    assert "\x1b[" not in out  # NO_COLOR / not a terminal: plain text
    hu_row = next(line for line in out.splitlines() if "东湖高新区" in line)
    assert hu_row.split() == [
        "胡军",
        "副局长",
        "东湖高新区",
        "3/2",
        "达标",
        "1",
        "1",
        "0",
        "1",
        "1",
    ]
    assert next(line for line in out.splitlines() if "汉阳区" in line).split() == [
        "汉阳区",
        "1/2",
        "未达标",
    ]
    assert "共 2 位责任领导:达标 1,未达标 1,进行中 0;计入联系 6 次。" in out
    assert "V20261015-000007  2026-10-15  东湖高新区  徐涛(责任领导:胡军)" in out
    assert "已作废的走访 1 条,不计入。" in out


def test_report__table_explain_lists_ids(small: Path, wkb: Any) -> None:
    result = wkb("report", "--month", "2026-10", "--explain")

    assert (
        "胡军 东湖高新区 2026-10 3/2: V20261008-000001, V20261021-000002, V20261030-000003"
        in result.stdout
    )
    assert "胡军 整改: 未结 R20261005-000002; 逾期 R20261005-000002;" in result.stdout
    assert "胡军 补录: V20261030-000003" in result.stdout


def test_report__table_in_english(small: Path, wkb: Any) -> None:
    result = wkb("--lang", "en", "report", "--month", "2026-10")

    lines = result.stdout.splitlines()
    assert next(line for line in lines if "汉阳区" in line).split() == ["汉阳区", "1/2", "short"]
    assert "2 leaders: 1 met, 1 short, 0 pending; 6 contacts counted." in result.stdout


def test_report__quarter_heat_map(small: Path, wkb: Any) -> None:
    result = wkb("report", "--quarter", "2026-Q4")

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    header = next(line for line in lines if "10月" in line)
    assert header.split() == ["责任领导", "分工区", "10月", "11月", "12月", "合计", "状态"]
    assert next(line for line in lines if "汉阳区" in line).split() == [
        "汉阳区",
        "1/2✗",
        "0/2~",
        "0/2~",
        "1/6",
        "未达标",
    ]
    assert "✗ 未达标  ~ 进行中  - 未分工" in result.stdout


def test_report__year_assessment_table(small: Path, wkb: Any) -> None:
    result = wkb("report", "--year", "2026")

    lines = result.stdout.splitlines()
    assert any("考核材料(第十七条)" in line for line in lines)
    xu = next(line for line in lines if line.split()[:2] == ["徐涛", "副局长"])
    # 徐涛: January–October assessed (10), only October met; 2 contacts; 1 item open, overdue
    # since 2026-11-10 (the snapshot is today); no closure, so no on-time rate.
    assert xu.split() == ["徐涛", "副局长", "未达标", "1/10", "2", "1", "1", "0", "0", "-", "0"]


def test_report__csv_read_back(small: Path, wkb: Any) -> None:
    result = wkb("report", "--month", "2026-10", "--format", "csv", "--explain")

    assert result.stdout.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert [(r["责任领导"], r["分工区"], r["月份"]) for r in rows] == [
        ("胡军", "东湖高新区", "2026-10"),
        ("胡军", "汉阳区", "2026-10"),
        ("徐涛", "江岸区", "2026-10"),
    ]
    assert rows[1] == {
        "起始": "2026-10-01",
        "截止": "2026-10-31",
        "统计日": "2026-11-25",
        "责任领导": "胡军",
        "职务": "副局长",
        "分工区": "汉阳区",
        "分工区代码": "hanyang",
        "月份": "2026-10",
        "联系次数": "1",
        "应联系次数": "2",
        "状态代码": "short",
        "状态": "未达标",
        "分工天数": "31",
        "当月天数": "31",
        "走访编号": "V20261012-000004",
        "已封存": "0",
        "封存后补录": "0",
        # the leader's figures for the period, on each of the leader's rows (issue 13.5)
        "领导未结整改": "1",
        "领导逾期整改": "1",
        "领导按期办结": "0",
        "领导超期办结": "1",
        "领导补录": "1",
    }


def test_report__markdown_table(small: Path, wkb: Any) -> None:
    result = wkb("report", "--month", "2026-10", "--format", "markdown")

    lines = result.stdout.splitlines()
    assert lines[0] == "### 包区服务合规报告 2026-10(截至 2026-10-31;每区每月不少于 2 次)"
    assert (
        "| 责任领导 | 职务 | 分工区 | 联系/应联系 | 状态 | 未结整改 | 逾期 | 按期办结 | 超期办结 | 补录 |"
        in lines
    )
    assert "| 胡军 | 副局长 | 东湖高新区 | 3/2 | 达标 | 1 | 1 | 0 | 1 | 1 |" in lines
    assert "|   |   | 汉阳区 | 1/2 | 未达标 |   |   |   |   |   |" in lines
    assert "- V20261015-000007  2026-10-15  东湖高新区  徐涛(责任领导:胡军)" in lines


def test_report__leader_option(small: Path, wkb: Any) -> None:
    result = wkb("report", "--month", "2026-10", "--leader", "徐涛", "--format", "json")

    data = json.loads(result.stdout)
    assert [leader["leader"] for leader in data["leaders"]] == ["徐涛"]
    assert data["leader_filter"] == "徐涛"
    assert data["bureau"]["visits_not_counted"][0]["id"] == "V20261015-000007"


def test_report__default_period_is_the_as_of_month(small: Path, wkb: Any) -> None:
    today = json.loads(wkb("report", "--format", "json").stdout)
    october = json.loads(wkb("report", "--as-of", "2026-10-20", "--format", "json").stdout)

    assert today["period"]["label"] == "2026-11"
    assert october["period"] == {
        "from": "2026-10-01",
        "to": "2026-10-31",
        "kind": "month",
        "label": "2026-10",
    }
    assert october["snapshot"] == "2026-10-20"


def test_report__range_option(small: Path, wkb: Any) -> None:
    result = wkb("report", "--from", "2026-10-10", "--to", "2026-10-21", "--format", "json")

    month = json.loads(result.stdout)["leaders"][0]["districts"][0]["months"][0]
    # 12 of 31 days: ceil(2 × 12/31) = 1; of 东湖高新区's visits only Oct 21 falls inside.
    assert (month["days_covered"], month["required"], month["contacts"]) == (12, 1, 1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--month", "2026-13"), "--month 不是有效月份:'2026-13'。请写作 YYYY-MM,如 2026-11"),
        (("--quarter", "2026-Q5"), "--quarter 不是有效季度"),
        (("--year", "26"), "--year 不是有效年份"),
        (
            ("--month", "2026-10", "--year", "2026"),
            "只能指定一个统计期,收到:--month, --year。",
        ),
        (("--from", "2026-10-01"), "--from 与 --to 须同时给出"),
        (("--from", "2026-10-10", "--to", "2026-10-01"), "--to 2026-10-01 早于 --from 2026-10-10"),
        (("--as-of", "someday"), "--as-of 不是有效日期"),
        (("--leader", "胡君"), "未知的责任领导 --leader '胡君'"),
    ],
)
def test_report__refusals(small: Path, wkb: Any, args: tuple[str, ...], message: str) -> None:
    result = wkb("report", *args)

    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_report__reads_only_the_period_months(root: Path, wkb: Any) -> None:
    broken = root / "data" / "visits" / "2026" / "09" / "2026-09-03_donghu_V20260903-000001.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text("id: [unclosed\n", encoding="utf-8")

    october = wkb("report", "--month", "2026-10")
    quarter = wkb("report", "--quarter", "2026-Q3")

    assert october.exit_code == 0
    assert october.stderr == ""
    assert quarter.exit_code == 0
    assert "data/visits/2026/09/2026-09-03_donghu_V20260903-000001.yaml:2:" in quarter.stderr


def test_report__broken_policy_stops_the_report(root: Path, wkb: Any) -> None:
    (root / "data" / "districts.yaml").write_text("entries: 3\n", encoding="utf-8")

    result = wkb("report")

    assert result.exit_code == 1
    assert "data/districts.yaml:1:" in result.stderr
