"""Rendering of the compliance report and of `wkb due`: JSON (a public contract), CSV, Markdown,
and Rich tables. Nothing is computed here beyond arranging the figures of `compliance`.

The table and Markdown share one layout (headers and rows of cells); a cell may carry a status,
which the Rich table turns into a colour (达标 green, 未达标 red, 进行中 yellow). Colour is only a
second signal: the words and the marks (✗ short, ~ pending, * pro-rated) say the same in plain text,
when piped, and under NO_COLOR.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from wkb_tracker.domain.compliance import (
    MET,
    NOT_TRACKED,
    PENDING,
    SHORT,
    DueReport,
    LeaderFigure,
    MonthFigure,
    RectificationFigures,
    Report,
)
from wkb_tracker.domain.counting import (
    MODE_NOT_COUNTED,
    NOT_RESPONSIBLE,
    SAME_ENTITY_SAME_DAY,
    why,
)
from wkb_tracker.domain.counting_rule import CountingRule
from wkb_tracker.domain.i18n import join_names, language, say
from wkb_tracker.domain.workdays import CHINESE_CALENDAR
from wkb_tracker.report.render import to_csv
from wkb_tracker.report.views import problem_view

# A cell is plain text, or (text, style key) where the key is a status or "heat-" + status.
Cell = str | tuple[str, str]
_STYLES = {
    MET: "green",
    SHORT: "bold red",
    PENDING: "yellow",
    "heat-" + MET: "black on green",
    "heat-" + SHORT: "bold white on red",
    "heat-" + PENDING: "black on yellow",
    NOT_TRACKED: "dim",
    "heat-" + NOT_TRACKED: "dim",
    "overdue": "bold red",
    "due_soon": "yellow",
}
_MARKS = {MET: "", SHORT: "✗", PENDING: "~", NOT_TRACKED: ""}


def status_word(status: str) -> str:
    if status == MET:
        return say("达标", "met")
    if status == SHORT:
        return say("未达标", "short")
    if status == NOT_TRACKED:
        return say("未开始跟踪", "not tracked")
    return say("进行中", "pending")


# -- JSON --------------------------------------------------------------------------------------


def _month_dict(month: MonthFigure, explain: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "month": month.month,
        "contacts": month.contacts,
        "required": month.required,
        "status": month.status,
        "days_covered": month.days_covered,
        "days_in_month": month.days_in_month,
        "sealed": month.sealed,
        "after_seal": len(month.after_seal),
    }
    if explain:
        data["visits"] = list(month.visits)
        data["after_seal_visits"] = list(month.after_seal)
        data["joint_visits"] = list(month.joint)  # counted as 陪同 (issue 15.2)
    return data


def _leader_dict(leader: LeaderFigure, explain: bool) -> dict[str, Any]:
    assessment = leader.assessment
    data: dict[str, Any] = {
        "leader": leader.leader,
        "title": leader.title,
        "status": leader.status,
        "contacts": leader.contacts,
        "districts": [
            {
                "district": district.district,
                "district_id": district.district_id,
                "contacts": district.contacts,
                "required": district.required,
                "status": district.status,
                "months": [_month_dict(month, explain) for month in district.months],
                "after_seal": district.after_seal,
            }
            for district in leader.districts
        ],
        "rectifications": leader.rectifications.counts(),
        "late_entries": len(leader.late_entries),
        "post_seal_entries": len(leader.post_seal_entries),
        "after_seal": len(leader.after_seal),
        "assessment": {
            "months_met": assessment.months_met,
            "months_assessed": assessment.months_assessed,
            "contacts": assessment.contacts,
            "closed_on_time": assessment.closed_on_time,
            "closed_late": assessment.closed_late,
            "on_time_rate": assessment.on_time_rate,
            "late_entries": assessment.late_entries,
            # Issue 15.4 (回访): closures of the period by satisfaction, follow-ups needed.
            "satisfaction": assessment.satisfaction,
            "needs_followup": assessment.needs_followup,
        },
    }
    if explain:
        data["rectification_ids"] = leader.rectifications.ids()
        data["late_entry_ids"] = list(leader.late_entries)
        data["post_seal_entry_ids"] = list(leader.post_seal_entries)
        data["needs_followup_ids"] = list(leader.rectifications.needs_followup)
        data["after_seal_ids"] = list(leader.after_seal)
    return data


def report_dict(report: Report, *, explain: bool = False, counting: bool = True) -> dict[str, Any]:
    """The JSON contract of `wkb report` (keys are stable; new keys may be added). With
    `explain`, the ids behind each figure and (unless `counting` is off) whom each visit
    counted for."""
    bureau: dict[str, Any] = {
        "visits_not_counted": [
            {
                "id": stray.id,
                "date": stray.date.isoformat(),
                "district": stray.district,
                "district_id": stray.district_id,
                "leader": stray.leader,
                "responsible_leader": stray.responsible,
                "reason": stray.reason,  # issue 15.1: not_responsible | mode_not_counted | …
            }
            for stray in report.bureau.visits_not_counted
        ],
        "rectifications": report.bureau.rectifications.counts(),
        "void_visits": len(report.bureau.void_visits),
    }
    if explain:
        bureau["rectification_ids"] = report.bureau.rectifications.ids()
        bureau["void_visit_ids"] = list(report.bureau.void_visits)
        bureau["needs_followup_ids"] = list(report.bureau.rectifications.needs_followup)
    extra: dict[str, Any] = {}
    if explain:  # issue 14.5: the registered entity of each visit the register knows
        extra["visit_entities"] = {
            visit_id: {"entity_id": entity_id, "name": name}
            for visit_id, (entity_id, name) in sorted(report.entities.items())
        }
    return {
        "period": {
            "from": report.period.first.isoformat(),
            "to": report.period.last.isoformat(),
            "kind": report.period.kind,
            "label": report.period.label,
        },
        "as_of": report.as_of.isoformat(),
        "snapshot": report.snapshot.isoformat(),
        "minimum_per_month": report.minimum_per_month,
        "late_grace_days": report.late_grace_days,
        "leader_filter": report.leader_filter,
        "leaders": [_leader_dict(leader, explain) for leader in report.leaders],
        "summary": report.summary_counts(),
        "bureau": bureau,
        "problems": [str(problem) for problem in report.problems],
        "problem_details": [problem_view(problem) for problem in report.problems],
        "sealed_months": [
            {
                "month": sealed.month,
                "version": sealed.version,
                "sealed_by": sealed.sealed_by,
                "sealed_at": sealed.sealed_at.isoformat(),
            }
            for sealed in report.sealed_months
        ],
        "known_on": _iso(report.known_on),
        "tracking_start": report.tracking_start,
        # Measure 14's rule each month was counted under (issue 15.1).
        "counting_rules": [{"month": month, **rule.to_mapping()} for month, rule in report.rules],
        **({"counting": _counting(report)} if explain and counting else {}),
        **extra,
    }


def _counting(report: Report) -> list[dict[str, Any]]:
    """--explain: each visit of the period, who it counted for, in which role, or why not."""
    return [
        {
            "id": decision.visit.id,
            "date": decision.visit.date.isoformat(),
            "district": decision.visit.district,
            "leader": decision.visit.leader,
            "joint_leaders": list(decision.visit.joint_leaders),
            "mode": decision.visit.mode,
            "counted_for": decision.leader,
            "role": decision.role,
            "reason": decision.reason,
            "why": why(decision),
        }
        for decision in report.decisions
    ]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def due_dict(due: DueReport) -> dict[str, Any]:
    """The JSON of `wkb due` (visit ids behind each count included)."""
    return {
        "as_of": due.as_of.isoformat(),
        "month": due.month,
        "days_left": due.days_left,
        "working_days_left": due.working_days_left,
        "calendar": due.calendar,
        "minimum_per_month": due.minimum_per_month,
        "leader_filter": due.leader_filter,
        "districts": [
            {
                "leader": row.leader,
                "title": row.title,
                "district": row.district,
                "district_id": row.district_id,
                "contacts": row.contacts,
                "required": row.required,
                "missing": row.missing,
                "visits": list(row.visits),
            }
            for row in due.districts
        ],
        "rectifications": [
            {
                "id": item.id,
                "problem": item.problem,
                "district": item.district,
                "leader": item.leader,
                "department": item.department,
                "owner": item.owner,
                "deadline": item.deadline.isoformat(),
                "status": item.status,
                "days_overdue": item.days if item.status == "overdue" else None,
                "days_left": item.days if item.status == "due_soon" else None,
            }
            for item in due.items
        ],
        "problems": [str(problem) for problem in due.problems],
        "problem_details": [problem_view(problem) for problem in due.problems],
        "known_on": _iso(due.known_on),
        # Issue 15.4: closed items whose latest return visit found the entity 不满意.
        "followups": [
            {
                "id": item.id,
                "problem": item.problem,
                "district": item.district,
                "leader": item.leader,
                "department": item.department,
                "owner": item.owner,
            }
            for item in due.followups
        ],
    }


# -- CSV ---------------------------------------------------------------------------------------


def report_csv(report: Report, *, explain: bool = False) -> str:
    """One row per leader × district × month, UTF-8 with a BOM (Excel reads the Chinese), headers
    in the display language. The last columns are the leader's figures for the whole period,
    repeated on each of the leader's rows: rectification counts (measure 15), late entries (补录)
    and, for a year, the assessment (measure 17). Columns are only ever added at the end."""
    header = [
        say("起始", "from"),
        say("截止", "to"),
        say("统计日", "as_of"),
        say("责任领导", "leader"),
        say("职务", "title"),
        say("分工区", "district"),
        say("分工区代码", "district_id"),
        say("月份", "month"),
        say("联系次数", "contacts"),
        say("应联系次数", "required"),
        say("状态代码", "status"),
        say("状态", "status_text"),
        say("分工天数", "days_covered"),
        say("当月天数", "days_in_month"),
    ]
    if explain:
        header.append(say("走访编号", "visit_ids"))
    header += [say("已封存", "sealed"), say("封存后补录", "after_seal")]
    header += [
        say("领导未结整改", "leader_open"),
        say("领导逾期整改", "leader_overdue"),
        say("领导按期办结", "leader_closed_on_time"),
        say("领导超期办结", "leader_closed_late"),
        say("领导补录", "leader_late_entries"),
    ]
    year = report.period.kind == "year"
    if year:
        header += [
            say("领导达标月数", "leader_months_met"),
            say("领导考核月数", "leader_months_assessed"),
            say("领导按期办结率", "leader_on_time_rate"),
        ]
    rows = []
    for leader in report.leaders:
        counts = leader.rectifications.counts()
        totals: list[object] = [
            counts["open"],
            counts["overdue"],
            counts["closed_on_time"],
            counts["closed_late"],
            len(leader.late_entries),
        ]
        if year:
            assessment = leader.assessment
            totals += [assessment.months_met, assessment.months_assessed, assessment.on_time_rate]
        for district in leader.districts:
            for month in district.months:
                row: list[object] = [
                    report.period.first,
                    report.period.last,
                    report.as_of,
                    leader.leader,
                    leader.title,
                    district.district,
                    district.district_id,
                    month.month,
                    month.contacts,
                    month.required,
                    month.status,
                    status_word(month.status),
                    month.days_covered,
                    month.days_in_month,
                ]
                if explain:
                    row.append(" ".join(month.visits))
                row += [int(month.sealed), len(month.after_seal), *totals]
                rows.append(row)
    return to_csv(header, rows)


# -- the shared layout -------------------------------------------------------------------------


def _title(report: Report) -> str:
    return say(
        "包区服务合规报告 {p}(截至 {d};每区每月不少于 {n} 次)",
        "District liaison compliance {p} (as of {d}; at least {n} contacts per district a month)",
        p=report.period.label,
        d=report.snapshot,
        n=report.minimum_per_month,
    )


def _ratio(month: MonthFigure) -> str:
    if month.status == NOT_TRACKED:
        return f"{month.contacts}/-"
    prorated = "*" if month.days_covered < month.days_in_month else ""
    return f"{month.contacts}/{month.required}{prorated}"


def _after_seal(month: MonthFigure) -> str:
    """` +2` beside a sealed month's official figure: entries added after sealing (封存后补录)."""
    return f" +{len(month.after_seal)}" if month.after_seal else ""


def _rect_headers() -> list[str]:
    return [
        say("未结整改", "open"),
        say("逾期", "overdue"),
        say("按期办结", "closed on time"),
        say("超期办结", "closed late"),
    ]


def _rect_cells(figures: RectificationFigures) -> list[Cell]:
    counts = figures.counts()
    overdue: Cell = (str(counts["overdue"]), "overdue") if counts["overdue"] else "0"
    return [str(counts["open"]), overdue, str(counts["closed_on_time"]), str(counts["closed_late"])]


def _month_layout(report: Report) -> tuple[list[str], list[list[Cell]], list[bool]]:
    """A single month: one row per leader × district, leader figures on their first row."""
    headers = [
        say("责任领导", "leader"),
        say("职务", "title"),
        say("分工区", "district"),
        say("联系/应联系", "contacts / required"),
        say("状态", "status"),
        *_rect_headers(),
        say("补录", "late"),
    ]
    rows: list[list[Cell]] = []
    ends: list[bool] = []
    for leader in report.leaders:
        for index, district in enumerate(leader.districts):
            first = index == 0
            month = district.months[0]
            rows.append(
                [
                    leader.leader if first else "",
                    leader.title if first else "",
                    district.district,
                    _ratio(month) + _after_seal(month),
                    (status_word(month.status), month.status),
                    *(_rect_cells(leader.rectifications) if first else ["", "", "", ""]),
                    str(len(leader.late_entries)) if first else "",
                ]
            )
            ends.append(index == len(leader.districts) - 1)
    return headers, rows, ends


def _month_header(label: str, same_year: bool) -> str:
    """`7月` / `Jul` within one year, else the full YYYY-MM."""
    if not same_year:
        return label
    month = int(label[5:])
    return f"{month}月" if language() == "zh" else _EN_MONTHS[month - 1]


_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _grid_layout(report: Report) -> tuple[list[str], list[list[Cell]], list[bool]]:
    """Several months: the heat map, one row per leader × district, one column per month."""
    labels = report.month_labels()
    same_year = len({label[:4] for label in labels}) == 1
    headers = [
        say("责任领导", "leader"),
        say("分工区", "district"),
        *(_month_header(label, same_year) for label in labels),
        say("合计", "total"),
        say("状态", "status"),
    ]
    rows: list[list[Cell]] = []
    ends: list[bool] = []
    for leader in report.leaders:
        for index, district in enumerate(leader.districts):
            by_month = {month.month: month for month in district.months}
            cells: list[Cell] = []
            for label in labels:
                month = by_month.get(label)
                if month is None:
                    cells.append("-")
                elif month.status == NOT_TRACKED:
                    cells.append((status_word(NOT_TRACKED), "heat-" + NOT_TRACKED))
                else:
                    cells.append(
                        (
                            _ratio(month) + _MARKS[month.status] + _after_seal(month),
                            "heat-" + month.status,
                        )
                    )
            rows.append(
                [
                    leader.leader if index == 0 else "",
                    district.district,
                    *cells,
                    f"{district.contacts}/{district.required}",
                    (status_word(district.status), district.status),
                ]
            )
            ends.append(index == len(leader.districts) - 1)
    return headers, rows, ends


def _leader_layout(report: Report) -> tuple[list[str], list[list[Cell]]]:
    """Per leader over the period: the material for assessment (measure 17)."""
    headers = [
        say("责任领导", "leader"),
        say("职务", "title"),
        say("状态", "status"),
        say("达标月数", "months met"),
        say("联系次数", "contacts"),
        *_rect_headers(),
        say("按期办结率", "on-time rate"),
        say("补录", "late"),
    ]
    rows: list[list[Cell]] = []
    for leader in report.leaders:
        assessment = leader.assessment
        rate = assessment.on_time_rate
        rows.append(
            [
                leader.leader,
                leader.title,
                (status_word(leader.status), leader.status),
                f"{assessment.months_met}/{assessment.months_assessed}",
                str(leader.contacts),
                *_rect_cells(leader.rectifications),
                "-" if rate is None else f"{rate:.0%}",
                str(len(leader.late_entries)),
            ]
        )
    return headers, rows


def _legend(report: Report) -> list[str]:
    """What the marks mean; the pro-rating note only when some figure is pro-rated."""
    parts = []
    if len(report.month_labels()) > 1:
        parts.append(say("✗ 未达标  ~ 进行中  - 未分工", "✗ short  ~ pending  - not assigned"))
    if any(
        month.days_covered < month.days_in_month
        for leader in report.leaders
        for district in leader.districts
        for month in district.months
    ):
        parts.append(
            say(
                "* 当月仅部分天数在分工或统计期内,应联系次数按天数折算(向上取整)",
                "* only part of the month is assigned or in the period: required is pro-rated by days (rounded up)",
            )
        )
    if report.sealed_months:
        parts.append(
            say(
                "已封存月份 {m} 显示封存清单中的正式数字;+N 为封存后补录 N 次,列出但不计入、不改变状态",
                "sealed months {m} show the official figures of their manifests; +N: N entries added after sealing, listed but not counted and not changing the status",
                m=join_names(f"{s.month}(v{s.version})" for s in report.sealed_months),
            )
        )
    if report.tracking_start is not None and any(
        month.status == NOT_TRACKED
        for leader in report.leaders
        for district in leader.districts
        for month in district.months
    ):
        parts.append(
            say(
                "未开始跟踪:{m} 之前的月份(tracking_start),不计未达标,不考核",
                "not tracked: months before {m} (tracking_start), never short, not assessed",
                m=report.tracking_start,
            )
        )
    if report.known_on is not None and report.known_on != report.as_of:
        parts.append(
            say(
                "按 {k} 当日所知的记录重现(其后录入的记录、整改进展与作废不计)",
                "as known on {k}: records, rectification events and voids made later are left out",
                k=report.known_on,
            )
        )
    parts.append(
        say(
            "「补录」列:月末 {g} 天后才录入的走访(仍计入)",
            "column late: visits recorded more than {g} days after the month ended (still counted)",
            g=report.late_grace_days,
        )
    )
    return parts


def _summary_view(report: Report) -> dict[str, Any]:
    """What `summary_lines` reads: the JSON view with the ids, without whom each visit counted
    for (a line per visit of the period, which no summary line needs)."""
    return report_dict(report, explain=True, counting=False)


def followup_line(ids: list[str]) -> str:
    """The line naming the closed items whose return visit found the entity 不满意 (issue 15.4):
    the report's summary and `wkb due` say it alike."""
    return say(
        "回访不满意、需跟进的整改事项 {n} 项:{i}",
        "{n} closed items need a follow-up (return visit: 不满意): {i}",
        n=len(ids),
        i=join_names(ids),
    )


def summary_lines(view: Mapping[str, Any]) -> list[str]:
    """The summary line, then the bureau-wide part: what counts for no leader, never dropped.

    Read from the report's JSON view with `explain` (report_dict), so the table, Markdown and
    the HTML page say the same sentences about the same figures."""
    summary = view["summary"]
    leaders = view["leaders"]
    bureau = view["bureau"]
    lines = [
        say(
            "共 {n} 位责任领导:达标 {met},未达标 {short},进行中 {pending};计入联系 {c} 次。",
            "{n} leaders: {met} met, {short} short, {pending} pending; {c} contacts counted.",
            n=summary["leaders"],
            met=summary["met"],
            short=summary["short"],
            pending=summary["pending"],
            c=summary["contacts"],
        )
    ]
    if summary.get("not_tracked"):
        lines.append(
            say(
                "其中 {n} 位责任领导在统计期内均未开始跟踪(tracking_start {m})。",
                "Of them, {n} are not tracked in the whole period (tracking_start {m}).",
                n=summary["not_tracked"],
                m=view.get("tracking_start"),
            )
        )
    after_seal = {i for leader in leaders for i in leader.get("after_seal_ids", [])}
    post_seal = sum(
        1
        for leader in leaders
        for i in leader.get("post_seal_entry_ids", [])
        if i not in after_seal
    )
    if after_seal:
        lines.append(
            say(
                "封存后补录 {n} 条:列在正式数字旁,不计入、不改变已封存月份的状态。",
                "{n} entries added after sealing: listed beside the official figures, not counted, the sealed status unchanged.",
                n=len(after_seal),
            )
        )
    if post_seal:
        lines.append(
            say(
                "封存后补录(带补录原因)的走访 {n} 条,已计入。",
                "{n} visits entered after their month was sealed (with a reason), counted.",
                n=post_seal,
            )
        )
    followups = [i for leader in leaders for i in leader.get("needs_followup_ids", [])]
    followups += bureau.get("needs_followup_ids", [])
    if followups:  # issue 15.4: closed, but the entity was 不满意 at the return visit
        lines.append(followup_line(followups))
    strays = bureau["visits_not_counted"]
    if strays:
        by_rule = any(stray["reason"] != NOT_RESPONSIBLE for stray in strays)
        lines.append(
            say(
                "未计入的联系 {n} 次(联系人不是当日该区的责任领导,或按计数口径不计):",
                "{n} contacts not counted (the visiting leader was not responsible for the district that day, or the counting rule leaves them out):",
                n=len(strays),
            )
            if by_rule
            else say(
                "未计入的联系 {n} 次(联系人不是当日该区的责任领导):",
                "{n} contacts not counted (the visiting leader was not responsible for the district that day):",
                n=len(strays),
            )
        )
        for stray in strays:
            lines.append(
                "  "
                + say(
                    "{i}  {d}  {district}  {l}(责任领导:{r})",
                    "{i}  {d}  {district}  {l} (responsible: {r})",
                    i=stray["id"],
                    d=stray["date"],
                    district=stray["district"],
                    l=stray["leader"],
                    r=stray["responsible_leader"] or say("无", "none"),
                )
                + (
                    f"  {_reason_text(stray['reason'])}"
                    if stray["reason"] != NOT_RESPONSIBLE
                    else ""
                )
            )
    counts = bureau["rectifications"]
    if any(counts.values()):
        lines.append(
            say(
                "无对应责任领导的整改事项(局内或未分工):未结 {open},逾期 {overdue},按期办结 {on},超期办结 {late}。",
                "Rectifications with no responsible leader (bureau-internal or unassigned): {open} open, {overdue} overdue, {on} closed on time, {late} closed late.",
                open=counts["open"],
                overdue=counts["overdue"],
                on=counts["closed_on_time"],
                late=counts["closed_late"],
            )
        )
    if bureau["void_visits"]:
        lines.append(
            say(
                "已作废的走访 {n} 条,不计入。",
                "{n} voided visits, not counted.",
                n=bureau["void_visits"],
            )
        )
    return lines


def _ids(ids: tuple[str, ...] | list[str]) -> str:
    return ", ".join(ids) if ids else "-"


# Measure 15 (限期整改): how a closure is judged on time or late; see rectification.walk.
LATENESS_RULE = (
    "  整改口径:关闭日期晚于当时有效的期限计为超期办结;逾期后才延期的事项(须经批准),"
    "关闭时一律计为超期办结,逾期期间始终计为逾期。",
    "  Rectification rule: a closure after the deadline in force counts as closed late; an item "
    "extended only after it was overdue (which needs an approver) counts as closed late whenever "
    "it closes, and as overdue for the days it was overdue.",
)


def _rule_lines(report: Report) -> list[str]:
    """Measure 14's rule per month, shown when any month is counted otherwise than by default."""
    if all(rule == CountingRule(minimum=rule.minimum) for _month, rule in report.rules):
        return []
    lines = []
    for month, rule in report.rules:
        fields = join_names(f"{key}={value}" for key, value in rule.to_mapping().items())
        lines.append("  " + say("计数口径 {m}:{f}", "counting rule {m}: {f}", m=month, f=fields))
    return lines


def _reason_text(reason: str) -> str:
    if reason == MODE_NOT_COUNTED:
        return say("联系方式不在 counted_modes 中", "mode not in counted_modes")
    if reason == SAME_ENTITY_SAME_DAY:
        return say("同一创新主体同一天只计一次", "same entity same day")
    return reason


def _visit_ids(ids: tuple[str, ...] | list[str], report: Report) -> str:
    """Visit ids, each followed by its entity's registered name where the register knows it
    (issue 14.5: who was served, not only how many contacts)."""
    if not ids:
        return "-"
    return ", ".join(
        f"{visit_id}({report.entities[visit_id][1]})" if visit_id in report.entities else visit_id
        for visit_id in ids
    )


def explain_lines(report: Report) -> list[str]:
    """The record ids behind every figure, one line each."""
    lines = [say("依据(记录编号):", "Behind each figure (record ids):")]
    decisions = {decision.visit.id: decision for decision in report.decisions}
    names = {
        "open": say("未结", "open"),
        "overdue": say("逾期", "overdue"),
        "due_soon": say("即将到期", "due soon"),
        "closed_on_time": say("按期办结", "closed on time"),
        "closed_late": say("超期办结", "closed late"),
    }

    def rect_line(who: str, figures: RectificationFigures) -> str:
        parts = [f"{names[key]} {_ids(ids)}" for key, ids in figures.ids().items()]
        return f"  {who} {say('整改', 'rectifications')}: " + "; ".join(parts)

    for leader in report.leaders:
        for district in leader.districts:
            for month in district.months:
                lines.append(
                    f"  {leader.leader} {district.district} {month.month} "
                    f"{month.contacts}/{month.required}: {_visit_ids(month.visits, report)}"
                )
                for visit_id in month.joint:  # counted as 陪同 (issue 15.2): say why
                    lines.append(f"    {visit_id}: {why(decisions[visit_id])}")
                if month.sealed:
                    lines.append(
                        "    "
                        + say(
                            "已封存(正式数字);封存后补录 +{n}:{i}",
                            "sealed (official figures); added after sealing +{n}: {i}",
                            n=len(month.after_seal),
                            i=_ids(month.after_seal),
                        )
                    )
        lines.append(rect_line(leader.leader, leader.rectifications))
        if leader.late_entries:
            lines.append(f"  {leader.leader} {say('补录', 'late')}: {_ids(leader.late_entries)}")
        if leader.post_seal_entries:
            lines.append(
                f"  {leader.leader} {say('封存后补录', 'post-seal')}: "
                f"{_ids(leader.post_seal_entries)}"
            )
    bureau = report.bureau
    for decision in report.decisions:
        if decision.reason is not None:
            visit = decision.visit
            lines.append(f"  {visit.id} {visit.date} {visit.district}: {why(decision)}")
    lines += _rule_lines(report)
    lines.append(rect_line(say("局级", "bureau"), bureau.rectifications))
    lines.append(say(*LATENESS_RULE))
    if bureau.void_visits:
        lines.append(f"  {say('已作废', 'voided')}: {_ids(bureau.void_visits)}")
    return lines


# -- Markdown ----------------------------------------------------------------------------------


def _md_cell(cell: Cell) -> str:
    text = cell if isinstance(cell, str) else cell[0]
    for special in ("\\", "|", "*", "~", "_"):
        text = text.replace(special, "\\" + special)
    return text.replace("\n", " ") or " "


def _md_table(headers: list[str], rows: list[list[Cell]]) -> list[str]:
    lines = [
        "| " + " | ".join(_md_cell(h) for h in headers) + " |",
        "|" + "|".join(" --- " for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def report_markdown(report: Report, *, explain: bool = False) -> str:
    """A Markdown document: title, the table(s), the legend and the summary."""
    lines = [f"### {_title(report)}", ""]
    if len(report.month_labels()) == 1:
        headers, rows, _ends = _month_layout(report)
        lines += _md_table(headers, rows)
    else:
        headers, rows, _ends = _grid_layout(report)
        lines += _md_table(headers, rows)
        lines += ["", f"#### {_leader_title(report)}", ""]
        lines += _md_table(*_leader_layout(report))
    lines += ["", *(_md_cell(part) + "  " for part in _legend(report)), ""]
    lines += [_md_line(line) for line in summary_lines(_summary_view(report))]
    if explain:
        lines += ["", *(_md_line(line) for line in explain_lines(report))]
    return "\n".join(lines) + "\n"


def _md_line(line: str) -> str:
    """Indented detail lines become list items."""
    return "- " + line.strip() if line.startswith("  ") else line


def _leader_title(report: Report) -> str:
    if report.period.kind == "year":
        return say("考核材料(第十七条)", "Assessment material (measure 17)")
    return say("责任领导汇总", "Per leader")


# -- Rich tables -------------------------------------------------------------------------------


def _rich_cell(cell: Cell) -> Any:
    from rich.text import Text

    if isinstance(cell, str):
        return Text(cell)
    return Text(cell[0], style=_STYLES.get(cell[1], ""))


def _rich_table(
    out: Any,
    headers: list[str],
    rows: list[list[Cell]],
    ends: list[bool] | None = None,
    *,
    title: str | None = None,
    numeric_from: int = 99,
    keep: tuple[int, ...] = (),
    heading: tuple[int, ...] = (0,),
) -> None:
    """Figures (columns from `numeric_from`, and `keep`) are right-aligned and never cut, nor are
    the `heading` cells saying whose figures they are (leader, district); on a terminal too
    narrow for them all the rows become blocks headed by the `heading` cells."""
    from wkb_tracker.report.render import print_table

    print_table(
        headers,
        [[_rich_cell(cell) for cell in row] for row in rows],
        title=title,
        justify={index: "right" for index in range(numeric_from, len(headers))},
        keep={*range(numeric_from, len(headers)), *keep, *heading},
        heading=heading,
        ends=ends,
        simple=True,
        out=out,
    )


def _tables_fit(out: Any, report: Report) -> bool:
    """Whether the report's tables fit the console with every name and figure whole."""
    from wkb_tracker.report.render import fits

    if len(report.month_labels()) == 1:
        headers, rows, _ends = _month_layout(report)
        return bool(fits(out, headers, _plain(rows), range(len(headers))))
    headers, rows, _ends = _grid_layout(report)
    leader_headers, leader_rows = _leader_layout(report)
    return bool(
        fits(out, headers, _plain(rows), range(len(headers)))
        and fits(out, leader_headers, _plain(leader_rows), range(len(leader_headers)))
    )


def _plain(rows: list[list[Cell]]) -> list[list[str]]:
    return [[cell if isinstance(cell, str) else cell[0] for cell in row] for row in rows]


def _status_text(status: str) -> Any:
    from rich.text import Text

    return Text(status_word(status), style=_STYLES[status])


def _leader_blocks(report: Report, width: int) -> list[Any]:
    """The narrow layout (issue 11.16): one block per leader, one line per district with its
    figures, then the leader's rectification (and, over several months, assessment) figures.
    Lines are printed unwrapped; nothing is cut."""
    from rich.text import Text

    labels = report.month_labels()
    single = len(labels) == 1
    same_year = len({label[:4] for label in labels}) == 1
    per_line = max(1, (width - 4) // 12)  # month cells per line, `10月 0/2✗` ≈ 10 cells each
    names = _rect_headers()
    lines: list[Any] = []
    for leader in report.leaders:
        head = Text(f"{leader.leader} {leader.title}", style="bold")
        if not single:
            head.append(" ")
            head.append_text(_status_text(leader.status))
        lines.append(head)
        for district in leader.districts:
            line = Text(f"  {district.district}: ")
            if single:
                line.append(_ratio(district.months[0]) + " ")
                line.append_text(_status_text(district.months[0].status))
            else:
                line.append(f"{district.contacts}/{district.required} ")
                line.append_text(_status_text(district.status))
            lines.append(line)
            if not single:
                cells = [
                    f"{_month_header(m.month, same_year)} {_ratio(m)}{_MARKS[m.status]}"
                    for m in district.months
                ]
                for start in range(0, len(cells), per_line):
                    lines.append(Text("    " + "  ".join(cells[start : start + per_line])))
        figures = [
            f"{name} {cell if isinstance(cell, str) else cell[0]}"
            for name, cell in zip(names, _rect_cells(leader.rectifications), strict=True)
        ]
        figures.append(f"{say('补录', 'late')} {len(leader.late_entries)}")
        if not single:
            assessment = leader.assessment
            rate = assessment.on_time_rate
            figures = [
                f"{say('达标月数', 'months met')} "
                f"{assessment.months_met}/{assessment.months_assessed}",
                f"{say('联系次数', 'contacts')} {leader.contacts}",
                *figures[:-1],
                f"{say('按期办结率', 'on-time rate')} {'-' if rate is None else f'{rate:.0%}'}",
                figures[-1],
            ]
        lines.append(Text("  " + say(",", ", ").join(figures), style="dim"))
    return lines


def print_report(report: Report, *, explain: bool = False) -> None:
    """The report for people: one table for a month, a heat map plus a leader table otherwise."""
    from rich.text import Text

    from wkb_tracker.report.render import console

    out = console()
    if not report.leaders:
        out.print(Text(_title(report)))
        out.print(Text(say("该期间没有需要统计的分工。", "No assignments in this period.")))
    elif not _tables_fit(out, report):
        out.print(Text(_title(report), style="bold"), soft_wrap=True)
        for line in _leader_blocks(report, out.width):
            out.print(line, soft_wrap=True)
    elif len(report.month_labels()) == 1:
        headers, rows, ends = _month_layout(report)
        _rich_table(
            out, headers, rows, ends, title=_title(report), numeric_from=3, heading=(0, 1, 2)
        )
    else:
        headers, rows, ends = _grid_layout(report)
        _rich_table(out, headers, rows, ends, title=_title(report), numeric_from=2, heading=(0, 1))
        leader_headers, leader_rows = _leader_layout(report)
        _rich_table(
            out,
            leader_headers,
            leader_rows,
            title=_leader_title(report),
            numeric_from=3,
            keep=(2,),
            heading=(0, 1),
        )
    # Soft wrap: the terminal may fold a long line, but wkb never breaks an id or a figure.
    for part in _legend(report):
        out.print(Text(part, style="dim"), soft_wrap=True)
    for line in summary_lines(_summary_view(report)):
        out.print(Text(line), soft_wrap=True)
    if explain:
        out.print()
        for line in explain_lines(report):
            out.print(Text(line), soft_wrap=True)


def calendar_note(due: DueReport) -> str:
    if due.calendar == CHINESE_CALENDAR:
        return say("按中国法定节假日安排计算", "by the Chinese statutory holiday calendar")
    return say(
        "chinese_calendar 无该年数据,仅按周一至周五计算",
        "chinese_calendar has no data for that year: plain Monday–Friday",
    )


def due_lines(due: DueReport) -> str:
    return say(
        "{m} 尚需完成(截至 {d}):本月还剩 {n} 天(含当天),其中工作日 {w} 天({c})",
        "Still due in {m} (as of {d}): {n} days left this month (today included), {w} working days ({c})",
        m=due.month,
        d=due.as_of,
        n=due.days_left,
        w=due.working_days_left,
        c=calendar_note(due),
    )


def print_due(due: DueReport, *, calendar: str | None = None) -> None:
    """`wkb due` for people: the heading (and the `calendar` line: which years the holiday data
    covers, or how to upgrade it), districts still short, rectifications overdue/due soon."""
    from rich.text import Text

    from wkb_tracker.report.render import console

    out = console()
    out.print(Text(due_lines(due), style="bold"), soft_wrap=True)
    if calendar:
        out.print(Text(calendar, style="dim"), soft_wrap=True)
    if due.districts:
        rows: list[list[Cell]] = [
            [
                row.leader,
                row.title,
                row.district,
                str(row.contacts),
                str(row.required),
                (str(row.missing), SHORT),
            ]
            for row in due.districts
        ]
        _rich_table(
            out,
            [
                say("责任领导", "leader"),
                say("职务", "title"),
                say("分工区", "district"),
                say("已联系", "contacts"),
                say("应联系", "required"),
                say("尚缺", "missing"),
            ],
            rows,
            title=say("尚未达标的分工区", "Districts still short this month"),
            numeric_from=3,
            heading=(0, 1, 2),
        )
    else:
        out.print(
            Text(
                say(
                    "本月各分工区均已达到最低联系次数。",
                    "Every district has its minimum contacts this month.",
                ),
                style=_STYLES[MET],
            )
        )
    if due.items:
        item_rows: list[list[Cell]] = []
        for item in due.items:
            if item.status == "overdue":
                state: Cell = (say("逾期 {n} 天", "{n} days overdue", n=item.days), "overdue")
            elif item.days == 0:
                state = (say("今天到期", "due today"), "due_soon")
            else:
                state = (say("{n} 天后到期", "due in {n} days", n=item.days), "due_soon")
            item_rows.append(
                [
                    item.id,
                    item.problem,
                    item.district or say("(局内)", "(bureau)"),
                    item.leader or "-",
                    item.owner,
                    item.deadline.isoformat(),
                    state,
                ]
            )
        _rich_table(
            out,
            [
                say("编号", "id"),
                say("问题", "problem"),
                say("分工区", "district"),
                say("责任领导", "leader"),
                say("责任人", "owner"),
                say("期限", "deadline"),
                say("状态", "status"),
            ],
            item_rows,
            title=say("逾期或即将到期的整改事项", "Rectifications overdue or due soon"),
            keep=(0, 5, 6),
        )
    else:
        out.print(
            Text(say("没有逾期或即将到期的整改事项。", "No rectification is overdue or due soon."))
        )
    if due.followups:  # issue 15.4: closed, but the entity was 不满意 at the return visit
        out.print(
            Text(followup_line([item.id for item in due.followups]), style="bold red"),
            soft_wrap=True,
        )
