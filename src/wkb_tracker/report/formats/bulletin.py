"""The 通报 (bulletin) for a month or quarter (issue 13.3): what it says, from the report's JSON view
and the overdue items, in wording the office can edit. Pure: the template's text comes in, the
bulletin's parts go out; `docx_bulletin` lays them out (GB/T 9704-2012), `bulletin_markdown` gives
a plain preview.

The wording lives in `templates/bulletin.toml` in the records root (`wkb bulletin --init-template`
writes the default below there). Each key is one part of the document; a key the file leaves out
keeps its default, so the office may change only the title. Placeholders are written `{name}`
(PLACEHOLDERS lists them); a name wkb does not know is left as typed and warned about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from wkb_tracker.report.formats.bulletin_summary import (
    closing_request,
    contact_summary,
    none_short_key,
    rectification_summary,
)

TEMPLATE_FILE = "templates/bulletin.toml"

# Every placeholder, with what it holds (the README's table is made from the same words).
PLACEHOLDERS: dict[str, str] = {
    "period_name": "统计期的称呼:2026年10月 / 2026年第三季度",
    "year": "年份,如 2026",
    "month": "月份数字(季度通报为该季度最后一个月)",
    "quarter": "季度中文数字:一、二、三、四(月度通报为所在季度)",
    "from": "统计期第一天,如 2026年10月1日",
    "to": "统计期最后一天",
    "as_of": "统计截至日",
    "minimum": "每区每月最低联系次数(第十四条,默认 2)",
    "leaders": "责任领导人数",
    "districts": "涉及的区(开发区)个数",
    "assignments": "分工(责任领导 × 区)项数;met/short/pending 按分工计",
    "contacts": "联系创新主体总次数",
    "required": "应联系总次数",
    "met": "达标的分工项数",
    "short": "未达标的分工项数",
    "pending": "尚在进行中的分工项数",
    "not_tracked": "跟踪起始月之前、不计入考核的分工项数",
    "tracking_start": "跟踪起始月(wkb.toml tracking_start),如 2026年6月;未设则为空",
    "open": "未结整改事项数(含逾期)",
    "overdue": "逾期整改事项数",
    "closed_on_time": "期内按期办结数",
    "closed_late": "期内超期办结数",
    "late_entries": "补录次数",
    "tracked": "计入考核的分工项数(assignments − not_tracked)",
    "closed": "期内办结数(按期 + 超期)",
    "contact_summary": "联系与分工情况的一两句话,按实际情况措辞(如「14项分工均达到最低联系次数。」)",
    "rectification_summary": "整改清单情况的一句话,按实际情况措辞(如「问题整改清单中没有未结事项,期内也没有办结事项。」)",
    "closing_request": "结尾对各责任领导和责任部门的要求,一句话,按实际情况措辞(有未达标分工区才要求抓紧对接联系,有逾期事项才要求限期办结)",
    "date": "成文日期,如 2026年11月25日",
    # in `short_item` only
    "leader": "(short_item)责任领导",
    "title": "(short_item)职务",
    "district": "(short_item / overdue_item)分工区",
    "month_name": "(short_item)月份,如 10月",
    "missing": "(short_item)尚差次数",
    # in `overdue_item` only
    "id": "(overdue_item)事项编号",
    "problem": "(overdue_item)问题",
    "department": "(overdue_item)责任部门",
    "owner": "(overdue_item)责任人",
    "deadline": "(overdue_item)期限",
    "days": "(overdue_item)逾期天数",
}

DEFAULT_TEMPLATE = '''\
# wkb 通报模板 / the wording of `wkb bulletin` (issue 13.3). Edit freely; a key left out keeps
# wkb's default. Placeholders are written {name}; see README「通报」for the list:
# {period_name} {year} {month} {quarter} {from} {to} {as_of} {minimum} {leaders} {districts}
# {assignments} {contacts} {required} {met} {short} {pending} {not_tracked} {tracking_start} {open}
# {overdue} {closed_on_time} {closed_late} {late_entries} {tracked} {closed} {date}
# {contact_summary} {rectification_summary} {closing_request}; in short_item also {leader} {title} {district}
# {month_name} {contacts} {required} {missing}; in overdue_item also {id} {problem} {district}
# {department} {owner} {deadline} {days}.
# {contact_summary}, {rectification_summary} and {closing_request} are sentences worded for what
# there is to say (nothing short, all before tracking_start, no open items, nothing overdue …);
# write the plain figures instead to word them yourself.

title = "关于{period_name}包区服务工作情况的通报"

addressee = "局机关各处室、各直属单位:"

opening = """\
为落实《市科技局关于以创新主体需求为导向持续优化科技领域营商环境的通知》(武科函〔2021〕10号)\
第十四条“每月对口联系区内创新主体不少于{minimum}次”的要求,现将{period_name}包区服务工作情况通报如下:\
{contact_summary}{rectification_summary}"""

# Added to an opening that does not use {contact_summary} (one written for an earlier wkb) when
# some assignments lie before tracking_start (they are not assessed).
untracked_note = "其中{not_tracked}项分工在跟踪起始月({tracking_start})之前,不计入考核。"

table_heading = "一、各分工区对口联系情况"

short_heading = "二、未达到最低联系次数的分工区"
short_item = "{leader}同志({title})对口联系{district},{month_name}联系{contacts}次,应联系{required}次,尚差{missing}次。"
short_none = "本期各分工区均达到最低联系次数。"
# Instead of short_none when the whole period lies before tracking_start,
untracked_none = "本期在跟踪起始月({tracking_start})之前,不作联系次数考核。"
# … when some assignments are still in progress (none short yet),
pending_none = "本期暂无未达到最低联系次数的分工区,{pending}项分工尚在进行中。"
# … when some assignments lie before tracking_start and every other one met the minimum,
tracked_none = "本期计入考核的各分工区均达到最低联系次数。"
# … and when the period has no assignment at all.
no_assignments = "本期没有对口联系分工。"

overdue_heading = "三、逾期未办结的整改事项"
overdue_item = "{district}:{problem}(编号{id},责任部门{department},期限{deadline},已逾期{days}天)。"
overdue_none = "截至{as_of},问题整改清单中没有逾期事项。"

closing = """\
{closing_request}有呼必应、无事不扰,持续优化科技领域营商环境。"""

signature = "武汉市科学技术局办公室"

date_line = "{date}"
'''

KEYS = (
    "title",
    "addressee",
    "opening",
    "untracked_note",
    "table_heading",
    "short_heading",
    "short_item",
    "short_none",
    "untracked_none",
    "pending_none",
    "tracked_none",
    "no_assignments",
    "overdue_heading",
    "overdue_item",
    "overdue_none",
    "closing",
    "signature",
    "date_line",
)

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_QUARTERS = "一二三四"


def default_template() -> dict[str, str]:
    import tomllib

    parsed = tomllib.loads(DEFAULT_TEMPLATE)
    return {key: str(parsed[key]) for key in KEYS}


def parse_template(text: str, rel: str = TEMPLATE_FILE) -> tuple[dict[str, str], list[str]]:
    """The template's parts (defaults for those the file leaves out) and `rel: message` warnings
    for what wkb cannot use (a TOML error keeps every default; an unknown key, a non-text value
    or an unknown placeholder is named and left out / left as typed)."""
    import tomllib

    parts = default_template()
    warnings: list[str] = []
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return parts, [f"{rel}: {error}; 使用默认措辞 / the default wording is used"]
    for key, value in parsed.items():
        if key not in parts:
            warnings.append(f"{rel}: 未知的键 {key};可用:{'、'.join(KEYS)} / unknown key {key}")
            continue
        if not isinstance(value, str):
            warnings.append(f"{rel}: {key} 应为文本 / {key} must be text")
            continue
        for name in _PLACEHOLDER.findall(value):
            if name not in PLACEHOLDERS:
                warnings.append(
                    f"{rel}: {key} 中的占位符 {{{name}}} 未知,原样保留 / unknown placeholder {{{name}}}"
                )
        parts[key] = value
    return parts, warnings


def fill(text: str, values: Mapping[str, object]) -> str:
    """`{name}` replaced by its value; an unknown name stays as typed (never an error, never an
    attribute lookup: `{x.__class__}` is not a placeholder, it is left alone)."""
    return _PLACEHOLDER.sub(
        lambda match: str(values[match[1]]) if match[1] in values else match[0], text
    )


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Bulletin:
    """The parts of a 通报, in reading order, every text final."""

    title: str
    addressee: str
    opening: str
    table_heading: str
    table_header: tuple[str, ...]
    table_rows: list[tuple[str, ...]]
    table_statuses: list[str]  # each row's status key (met/short/pending/not_tracked)
    short_heading: str
    short_lines: list[str]
    overdue_heading: str
    overdue_lines: list[str]
    closing: str
    signature: str
    date_line: str
    made_on: date
    figures: dict[str, Any] = field(default_factory=dict)  # the placeholder values (for tests)


def period_name(report: Mapping[str, Any]) -> str:
    period = report["period"]
    first = date.fromisoformat(period["from"])
    last = date.fromisoformat(period["to"])
    if period["kind"] == "month":
        return f"{first.year}年{first.month}月"
    if period["kind"] == "quarter":
        return f"{first.year}年第{_QUARTERS[(first.month - 1) // 3]}季度"
    if period["kind"] == "year":
        return f"{first.year}年"
    return f"{chinese_date(first)}至{chinese_date(last)}"


def _month_name(month: str | None) -> str:
    """ "2026-06" as 2026年6月 ("" when tracking_start is not set)."""
    if not month:
        return ""
    year, number = str(month).split("-")[:2]
    return f"{int(year)}年{int(number)}月"


def figures(report: Mapping[str, Any], made_on: date) -> dict[str, Any]:
    """The placeholder values of the whole bulletin, from the report's JSON view."""
    period = report["period"]
    first = date.fromisoformat(period["from"])
    last = date.fromisoformat(period["to"])
    district_statuses = [d["status"] for leader in report["leaders"] for d in leader["districts"]]
    counts = dict.fromkeys(("open", "overdue", "closed_on_time", "closed_late"), 0)
    for part in [leader["rectifications"] for leader in report["leaders"]] + [
        report["bureau"]["rectifications"]
    ]:
        for key in counts:
            counts[key] += part[key]
    values: dict[str, Any] = {
        "period_name": period_name(report),
        "year": first.year,
        "month": last.month,
        "quarter": _QUARTERS[(last.month - 1) // 3],
        "from": chinese_date(first),
        "to": chinese_date(last),
        "as_of": chinese_date(date.fromisoformat(report["snapshot"])),
        "minimum": report["minimum_per_month"],
        "leaders": len(report["leaders"]),
        "districts": len(
            {d["district_id"] for leader in report["leaders"] for d in leader["districts"]}
        ),
        "assignments": len(district_statuses),
        "contacts": sum(leader["contacts"] for leader in report["leaders"]),
        "required": sum(d["required"] for leader in report["leaders"] for d in leader["districts"]),
        "met": district_statuses.count("met"),
        "short": district_statuses.count("short"),
        "pending": district_statuses.count("pending"),
        "not_tracked": district_statuses.count("not_tracked"),
        "tracking_start": _month_name(report.get("tracking_start")),
        **counts,
        "late_entries": sum(leader["late_entries"] for leader in report["leaders"]),
        "date": chinese_date(made_on),
    }
    values["tracked"] = values["assignments"] - values["not_tracked"]
    values["closed"] = values["closed_on_time"] + values["closed_late"]
    values["contact_summary"] = contact_summary(values)
    values["rectification_summary"] = rectification_summary(values)
    values["closing_request"] = closing_request(values)
    return values


def overdue_items(items: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The overdue ones of the report's item views, longest overdue first (then by id): the
    order a bulletin names them in."""
    overdue = [view for view in items if view["status"] == "overdue"]
    overdue.sort(key=lambda view: (-int(str(view["overdue_days"])), str(view["id"])))
    return overdue


def make_bulletin(
    report: Mapping[str, Any],
    items: Iterable[Mapping[str, Any]],
    template: Mapping[str, str],
    made_on: date,
) -> Bulletin:
    """The bulletin of `report` (its JSON view) and the views of the items it counts: the
    figures in the opening paragraph, a row per leader × district, a line per district-month
    short of the minimum, a line per overdue item (`overdue_items`)."""
    from dataclasses import replace

    from wkb_tracker.domain.settings import active, using
    from wkb_tracker.report.formats.report_sheets import status_word

    def word(status: str) -> str:
        # The 通报 is a Chinese official document whatever `--lang` the command ran with: its
        # status column is Chinese like its headers (with `--lang en` it said met/short).
        with using(replace(active(), lang="zh")):
            return str(status_word(status))

    values = figures(report, made_on)
    rows: list[tuple[str, ...]] = []
    statuses: list[str] = []
    short_lines: list[str] = []
    for leader in report["leaders"]:
        for district in leader["districts"]:
            rows.append(
                (
                    leader["leader"],
                    leader["title"],
                    district["district"],
                    str(district["contacts"]),
                    str(district["required"]),
                    word(district["status"]),
                )
            )
            statuses.append(district["status"])
            for month in district["months"]:
                if month["status"] != "short":
                    continue
                short_lines.append(
                    fill(
                        template["short_item"],
                        {
                            **values,
                            "leader": leader["leader"],
                            "title": leader["title"],
                            "district": district["district"],
                            "month_name": f"{int(month['month'][5:])}月",
                            "contacts": month["contacts"],
                            "required": month["required"],
                            "missing": month["required"] - month["contacts"],
                        },
                    )
                )
    overdue_lines = [
        fill(
            template["overdue_item"],
            {
                **values,
                "id": item["id"],
                "problem": item["problem"],
                "district": item.get("district") or "局内",
                "department": item.get("department") or "",
                "owner": item.get("owner") or "",
                "deadline": chinese_date(_as_date(item["deadline"])),
                "days": item.get("overdue_days") or 0,
            },
        )
        for item in overdue_items(items)
    ]
    # Assignments before tracking_start are not assessed: {contact_summary} says so where it
    # speaks of the assignments; an opening without it (written for an earlier wkb) gets the
    # untracked note at its end, as it always did.
    opening = fill(template["opening"], values)
    if values["not_tracked"] and "{contact_summary}" not in template["opening"]:
        opening += fill(template["untracked_note"], values)
    if not short_lines:
        short_lines = [fill(template[none_short_key(values)], values)]
    return Bulletin(
        title=fill(template["title"], values),
        addressee=fill(template["addressee"], values),
        opening=opening,
        table_heading=fill(template["table_heading"], values),
        table_header=("责任领导", "职务", "分工区", "联系次数", "应联系次数", "状态"),
        table_rows=rows,
        table_statuses=statuses,
        short_heading=fill(template["short_heading"], values),
        short_lines=short_lines,
        overdue_heading=fill(template["overdue_heading"], values),
        overdue_lines=overdue_lines or [fill(template["overdue_none"], values)],
        closing=fill(template["closing"], values),
        signature=fill(template["signature"], values),
        date_line=fill(template["date_line"], values),
        made_on=made_on,
        figures=values,
    )


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def bulletin_markdown(bulletin: Bulletin) -> bytes:
    """A plain preview of the bulletin (the office sends the .docx)."""
    lines = [f"# {bulletin.title}", "", bulletin.addressee, "", bulletin.opening, ""]
    lines += [f"## {bulletin.table_heading}", ""]
    lines.append("| " + " | ".join(bulletin.table_header) + " |")
    lines.append("|" + "|".join(" --- " for _ in bulletin.table_header) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in bulletin.table_rows]
    lines += ["", f"## {bulletin.short_heading}", ""]
    lines += [part for line in bulletin.short_lines for part in (line, "")]
    lines += [f"## {bulletin.overdue_heading}", ""]
    lines += [part for line in bulletin.overdue_lines for part in (line, "")]
    lines += [bulletin.closing, "", bulletin.signature, bulletin.date_line]
    return ("\n".join(lines) + "\n").encode("utf-8")
