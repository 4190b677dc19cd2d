"""The compliance report as sheets (issue 13.2): 汇总 per leader, 明细 leader × district × month,
整改 the rectification items the report counts, 考核 the measure-17 assessment, 说明 what the
figures are and where they come from. Built from the report's JSON view only, so every format
shows the JSON's figures (issue 13.6); the xlsx workbook and the HTML page are made from these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from wkb_tracker.domain.i18n import join_names, say
from wkb_tracker.report.formats.cells import (
    INTEGER,
    RATE,
    STATUS,
    Cell,
    Column,
    Sheet,
    Styled,
    day_cell,
)
from wkb_tracker.report.formats.list_sheets import REPORT_WORDS, item_cells, item_columns

# Measure 15 (限期整改): how a closure is judged; the same rule `wkb report --explain` states.
LATENESS_RULE = (
    "关闭日期晚于当时有效的期限计为超期办结;逾期后才延期的事项(须经批准)关闭时一律计为超期办结。",
    "A closure after the deadline in force counts as closed late; an item extended only after it "
    "was overdue (which needs an approver) counts as closed late whenever it closes.",
)


@dataclass(frozen=True, slots=True)
class About:
    """What the 说明 sheet (and the HTML footer, the 通报's date) say about how a file was made."""

    version: str  # wkb's version
    commit: str | None  # the records root's git commit (None outside git or before any commit)
    made_on: date  # the day the output is dated (the known-on day: WKB_TODAY pins it)
    due_soon_days: int = 7


def status_word(status: str) -> str:
    from wkb_tracker.report.report_render import status_word as word

    return word(status)


def report_item_ids(report: Mapping[str, Any]) -> list[str]:
    """The ids of the items a report (JSON with `--explain`) counts: open at its snapshot (overdue
    included) or closed within its period, leaders' and bureau-wide, each once, in order."""
    seen: dict[str, None] = {}
    groups = [leader.get("rectification_ids", {}) for leader in report["leaders"]]
    groups.append(report["bureau"].get("rectification_ids", {}))
    for ids in groups:
        for key in ("open", "closed_on_time", "closed_late"):
            for item_id in ids.get(key, []):
                seen.setdefault(item_id, None)
    return list(seen)


def _styled(status: str) -> Styled:
    return Styled(status_word(status), status)


def summary_sheet(report: Mapping[str, Any]) -> Sheet:
    columns = (
        Column(say("责任领导", "leader")),
        Column(say("职务", "title")),
        Column(say("状态", "status"), STATUS),
        Column(say("联系次数", "contacts"), INTEGER),
        Column(say("应联系次数", "required"), INTEGER),
        Column(say("未结整改", "open"), INTEGER),
        Column(say("逾期", "overdue"), INTEGER),
        Column(say("按期办结", "closed on time"), INTEGER),
        Column(say("超期办结", "closed late"), INTEGER),
        Column(say("补录", "late entries"), INTEGER),
        Column(say("封存后补录", "after seal"), INTEGER),
    )
    rows: list[list[Cell]] = []
    for leader in report["leaders"]:
        counts = leader["rectifications"]
        rows.append(
            [
                leader["leader"],
                leader["title"],
                _styled(leader["status"]),
                leader["contacts"],
                sum(district["required"] for district in leader["districts"]),
                counts["open"],
                counts["overdue"],
                counts["closed_on_time"],
                counts["closed_late"],
                leader["late_entries"],
                leader["after_seal"],
            ]
        )
    return Sheet(say("汇总", "Summary"), columns, rows, _heading(report))


def detail_sheet(report: Mapping[str, Any]) -> Sheet:
    columns = (
        Column(say("责任领导", "leader")),
        Column(say("职务", "title")),
        Column(say("分工区", "district")),
        Column(say("月份", "month")),
        Column(say("联系次数", "contacts"), INTEGER),
        Column(say("应联系次数", "required"), INTEGER),
        Column(say("状态", "status"), STATUS),
        Column(say("分工天数", "days held"), INTEGER),
        Column(say("当月天数", "days in month"), INTEGER),
        Column(say("已封存", "sealed")),
        Column(say("封存后补录", "after seal"), INTEGER),
    )
    rows: list[list[Cell]] = []
    for leader in report["leaders"]:
        for district in leader["districts"]:
            for month in district["months"]:
                rows.append(
                    [
                        leader["leader"],
                        leader["title"],
                        district["district"],
                        month["month"],
                        month["contacts"],
                        month["required"],
                        _styled(month["status"]),
                        month["days_covered"],
                        month["days_in_month"],
                        say("是", "yes") if month["sealed"] else "",
                        month["after_seal"],
                    ]
                )
    return Sheet(
        say("明细", "Detail"),
        columns,
        rows,
        say("明细:责任领导 × 分工区 × 月份", "Detail: leader × district × month"),
    )


def items_sheet(items: Iterable[Mapping[str, Any]]) -> Sheet:
    """The items a report counts: `rectify list`'s columns (one wording), standings in measure
    17's words, then how many days overdue and how many extensions."""
    columns = (
        *item_columns(),
        Column(say("逾期天数", "days overdue"), INTEGER),
        Column(say("延期次数", "extensions"), INTEGER),
    )
    rows: list[list[Cell]] = [
        [
            *item_cells(view, REPORT_WORDS),
            view.get("overdue_days") or 0,
            view.get("extensions") or 0,
        ]
        for view in items
    ]
    return Sheet(
        say("整改", "Rectifications"),
        columns,
        rows,
        say("问题整改清单(第十五条)", "Rectification list (measure 15)"),
    )


def assessment_sheet(report: Mapping[str, Any]) -> Sheet:
    columns = (
        Column(say("责任领导", "leader")),
        Column(say("职务", "title")),
        Column(say("达标月数", "months met"), INTEGER),
        Column(say("考核月数", "months assessed"), INTEGER),
        Column(say("联系次数", "contacts"), INTEGER),
        Column(say("按期办结", "closed on time"), INTEGER),
        Column(say("超期办结", "closed late"), INTEGER),
        Column(say("按期办结率", "on-time rate"), RATE),
        Column(say("补录", "late entries"), INTEGER),
    )
    rows: list[list[Cell]] = []
    for leader in report["leaders"]:
        figures = leader["assessment"]
        rows.append(
            [
                leader["leader"],
                leader["title"],
                figures["months_met"],
                figures["months_assessed"],
                figures["contacts"],
                figures["closed_on_time"],
                figures["closed_late"],
                figures["on_time_rate"],
                figures["late_entries"],
            ]
        )
    return Sheet(
        say("考核", "Assessment"),
        columns,
        rows,
        say("考核材料(第十七条)", "Assessment material (measure 17)"),
    )


def about_sheet(report: Mapping[str, Any], about: About) -> Sheet:
    period = report["period"]
    rows: list[list[Cell]] = [
        [say("统计期", "period"), period["label"]],
        [say("起始", "from"), day_cell(period["from"])],
        [say("截止", "to"), day_cell(period["to"])],
        [say("统计日(as-of)", "as of"), day_cell(report["as_of"])],
        [say("快照日", "snapshot"), day_cell(report["snapshot"])],
        [say("所知截至(known-on)", "known on"), day_cell(report.get("known_on"))],
        [
            say("联系次数规则(第十四条)", "contacts rule (measure 14)"),
            say(
                "每位责任领导每月对口联系每个分工区的创新主体不少于 {n} 次;部分月份按分工天数折算,向上取整",
                "at least {n} contacts per leader, per district, per month; part months "
                "pro-rated by days held, rounded up",
                n=report["minimum_per_month"],
            ),
        ],
        [
            say("补录(登记宽限)", "late entry (grace)"),
            say(
                "月末后超过 {n} 天录入的走访计为补录,照常计数",
                "a visit recorded more than {n} days after its month ended is a late entry "
                "(it still counts)",
                n=report["late_grace_days"],
            ),
        ],
        [say("整改口径(第十五条)", "rectification rule (measure 15)"), say(*LATENESS_RULE)],
        [
            say("即将到期", "due soon"),
            say("{n} 天内到期", "deadline within {n} days", n=about.due_soon_days),
        ],
        [say("开始跟踪", "tracking start"), report.get("tracking_start") or ""],
        [
            say("已封存月份(正式数字)", "sealed months (official figures)"),
            join_names(f"{s['month']} v{s['version']}" for s in report.get("sealed_months", [])),
        ],
        [say("生成", "made by"), f"wkb {about.version}"],
        [say("记录库提交", "records commit"), about.commit or say("(无)", "(none)")],
        [say("生成日期", "made on"), about.made_on],
    ]
    for problem in report.get("problems", []):
        rows.append([say("警告", "warning"), problem])
    return Sheet(
        say("说明", "About"),
        (Column(say("项目", "item")), Column(say("内容", "value"))),
        rows,
        say("说明", "About these figures"),
    )


def _heading(report: Mapping[str, Any]) -> str:
    return say(
        "包区服务合规报告 {p}(截至 {d};每区每月不少于 {n} 次)",
        "District liaison compliance {p} (as of {d}; at least {n} contacts per district a month)",
        p=report["period"]["label"],
        d=report["snapshot"],
        n=report["minimum_per_month"],
    )


def report_sheets(
    report: Mapping[str, Any], items: Iterable[Mapping[str, Any]], about: About
) -> list[Sheet]:
    """汇总, 明细, 整改, 考核, 说明 — in that order (the workbook's tabs)."""
    return [
        summary_sheet(report),
        detail_sheet(report),
        items_sheet(items),
        assessment_sheet(report),
        about_sheet(report, about),
    ]
