"""One self-contained HTML file (issue 13.4): inline CSS and inline SVG, no script, no web font, no
link to anything, so it opens from a file in any browser, offline, and prints on A4.

The report page shows the per-leader table, a leader × month heat map, contacts against required
per district, the rectification counts (and the items), and for a year the assessment (measure 17).
Everything comes from the report's JSON view (and the item views), in its order, and nothing about
the moment of writing goes in: the same figures give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from html import escape
from typing import Any

from wkb_tracker.domain.i18n import language, say
from wkb_tracker.domain.ids import id_date
from wkb_tracker.report.formats.cells import DATE, INTEGER, RATE, Cell, Sheet, Styled, shown
from wkb_tracker.report.formats.report_sheets import (
    About,
    assessment_sheet,
    detail_sheet,
    items_sheet,
    status_word,
    summary_sheet,
)

# Status colours: fill and text, the same meaning as the terminal's and the workbook's.
COLOURS = {
    "met": ("#c6efce", "#006100"),
    "closed_on_time": ("#c6efce", "#006100"),
    "short": ("#ffc7ce", "#9c0006"),
    "overdue": ("#ffc7ce", "#9c0006"),
    "closed_late": ("#f8cbad", "#833c0b"),
    "pending": ("#ffeb9c", "#9c5700"),
    "due_soon": ("#ffeb9c", "#9c5700"),
    "not_tracked": ("#ededed", "#595959"),
    "open": ("#ddebf7", "#1f3864"),
}

CSS = (
    """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
  "WenQuanYi Micro Hei", sans-serif; color: #1a1a1a; margin: 24px auto; max-width: 1040px;
  padding: 0 16px; line-height: 1.5; font-size: 14px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 2px solid #2f5597; padding-bottom: 2px; }
p.meta { color: #555; margin: 0 0 12px; font-size: 13px; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; font-size: 13px; }
th, td { border: 1px solid #bfbfbf; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #d9e1f2; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.date { white-space: nowrap; }
td.id { white-space: nowrap; font-variant-numeric: tabular-nums; }
th { white-space: nowrap; }  /* short words (来源, 状态): never one character a line */
"""
    + "".join(
        f"td.s-{key} {{ background: {fill}; color: {ink}; }}\n"
        for key, (fill, ink) in COLOURS.items()
    )
    + """
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: inherit; }
.legend span { display: inline-block; padding: 0 8px; margin-right: 6px; border-radius: 3px; }
ul.notes { color: #444; font-size: 13px; padding-left: 20px; }
ul.notes li.detail { margin-left: 16px; list-style: circle; }
footer { margin-top: 28px; color: #666; font-size: 12px; border-top: 1px solid #ccc; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 11px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  section { break-inside: avoid-page; }
  section.long { break-inside: auto; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}
"""
)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _td(cell: Cell, kind: str) -> str:
    classes = []
    if isinstance(cell, Styled):
        classes.append(f"s-{cell.key}")
    if kind in (INTEGER, RATE) or (isinstance(cell, int | float) and not isinstance(cell, bool)):
        classes.append("num")
    elif kind == DATE or isinstance(cell, date):
        classes.append("date")  # never broken over two lines
    elif isinstance(cell, str) and id_date(cell) is not None:
        classes.append("id")  # a record id is copied whole into `wkb … show`: never broken
    if kind == RATE:  # a fraction, or None when there was nothing to rate
        text = "-" if cell is None else f"{cell:.0%}" if isinstance(cell, float) else shown(cell)
    else:
        text = shown(cell)
    attribute = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{attribute}>{_e(text)}</td>"


def table_html(sheet: Sheet, *, table_id: str) -> str:
    head = "".join(f"<th>{_e(column.title)}</th>" for column in sheet.columns)
    body = []
    for row in sheet.rows:
        cells = "".join(
            _td(cell, sheet.columns[index].kind if index < len(sheet.columns) else "")
            for index, cell in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    if not sheet.rows:
        body.append(f'<tr><td colspan="{len(sheet.columns)}">{_e(say("(无)", "(none)"))}</td></tr>')
    return (
        f'<table id="{table_id}"><thead><tr>{head}</tr></thead>'
        f"<tbody>\n{chr(10).join(body)}\n</tbody></table>"
    )


def _month_short(label: str, same_year: bool) -> str:
    if not same_year:
        return label
    month = int(label[5:])
    names = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return f"{month}月" if language() == "zh" else names[month - 1]


def _worst(statuses: Iterable[str]) -> str:
    found = set(statuses)
    if found <= {"not_tracked"} and found:
        return "not_tracked"
    for status in ("short", "pending"):
        if status in found:
            return status
    return "met"


def heat_map_svg(report: Mapping[str, Any]) -> str:
    """Leader × month: each cell the leader's contacts/required that month (all their districts),
    filled by the month's status (the worst of their districts)."""
    labels: list[str] = []
    for leader in report["leaders"]:
        for district in leader["districts"]:
            for month in district["months"]:
                if month["month"] not in labels:
                    labels.append(month["month"])
    labels.sort()
    same_year = len({label[:4] for label in labels}) == 1
    name_w, cell_w, cell_h, top = 96, 62, 30, 26
    width = name_w + cell_w * max(1, len(labels)) + 4
    height = top + cell_h * max(1, len(report["leaders"])) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="heatmap" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{_e(say("热力图", "heat map"))}">'
    ]
    for column, label in enumerate(labels):
        x = name_w + column * cell_w + cell_w // 2
        parts.append(
            f'<text x="{x}" y="{top - 9}" text-anchor="middle" font-size="12">'
            f"{_e(_month_short(label, same_year))}</text>"
        )
    for row, leader in enumerate(report["leaders"]):
        y = top + row * cell_h
        parts.append(
            f'<text x="4" y="{y + cell_h // 2 + 5}" font-size="13">{_e(leader["leader"])}</text>'
        )
        for column, label in enumerate(labels):
            months = [
                month
                for district in leader["districts"]
                for month in district["months"]
                if month["month"] == label
            ]
            x = name_w + column * cell_w
            if not months:
                parts.append(
                    f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" '
                    'fill="#ffffff" stroke="#d9d9d9"/>'
                )
                continue
            status = _worst(month["status"] for month in months)
            fill, ink = COLOURS[status]
            contacts = sum(month["contacts"] for month in months)
            required = sum(month["required"] for month in months)
            words = status_word(status)
            parts.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="{fill}" stroke="#ffffff" data-leader="{_e(leader["leader"])}" '
                f'data-month="{label}" data-contacts="{contacts}" data-required="{required}" '
                f'data-status="{status}"><title>{_e(leader["leader"])} {label}: '
                f"{contacts}/{required} {_e(words)}</title></rect>"
            )
            parts.append(
                f'<text x="{x + cell_w // 2}" y="{y + cell_h // 2 + 5}" text-anchor="middle" '
                f'font-size="12" fill="{ink}">{contacts}/{required}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts)


def district_bars_svg(report: Mapping[str, Any]) -> str:
    """Per district (over every leader who held it in the period): contacts as a bar, coloured
    met/short/pending, against required as a grey bar behind it, both numbers written."""
    districts: dict[str, list[Any]] = {}
    for leader in report["leaders"]:
        for district in leader["districts"]:
            entry = districts.setdefault(district["district"], [0, 0, []])
            entry[0] += district["contacts"]
            entry[1] += district["required"]
            entry[2].append(district["status"])
    name_w, bar_w, row_h, top = 110, 420, 24, 8
    most = max([1, *(max(c, r) for c, r, _s in districts.values())])
    width = name_w + bar_w + 90
    height = top + row_h * max(1, len(districts)) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="district-bars" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{_e(say("各区联系次数与应联系次数", "contacts against required per district"))}">'
    ]
    for row, (name, (contacts, required, statuses)) in enumerate(districts.items()):
        y = top + row * row_h
        status = _worst(statuses)
        fill = COLOURS[status][1] if status != "met" else "#2e7d32"
        need = round(bar_w * required / most)
        have = round(bar_w * contacts / most)
        parts.append(f'<text x="4" y="{y + 16}" font-size="13">{_e(name)}</text>')
        parts.append(
            f'<rect x="{name_w}" y="{y + 3}" width="{need}" height="{row_h - 6}" fill="#d9d9d9"/>'
        )
        parts.append(
            f'<rect x="{name_w}" y="{y + 7}" width="{have}" height="{row_h - 14}" fill="{fill}" '
            f'data-district="{_e(name)}" data-contacts="{contacts}" data-required="{required}"/>'
        )
        parts.append(
            f'<text x="{name_w + max(need, have) + 6}" y="{y + 16}" font-size="12">'
            f"{contacts}/{required}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _rect_totals(report: Mapping[str, Any]) -> dict[str, int]:
    keys = ("open", "overdue", "closed_on_time", "closed_late")
    totals = dict.fromkeys(keys, 0)
    for counts in [leader["rectifications"] for leader in report["leaders"]] + [
        report["bureau"]["rectifications"]
    ]:
        for key in keys:
            totals[key] += counts[key]
    return totals


def _rect_counts_table(report: Mapping[str, Any]) -> str:
    totals = _rect_totals(report)
    words = {
        "open": say("未结(含逾期)", "open (overdue included)"),
        "overdue": say("逾期", "overdue"),
        "closed_on_time": say("按期办结", "closed on time"),
        "closed_late": say("超期办结", "closed late"),
    }
    cells = "".join(f'<td class="num s-{key}" data-key="{key}">{totals[key]}</td>' for key in words)
    head = "".join(f"<th>{_e(word)}</th>" for word in words.values())
    return (
        f'<table id="rect-counts"><thead><tr>{head}</tr></thead>'
        f"<tbody><tr>{cells}</tr></tbody></table>"
    )


def _page(title: str, meta: str, sections: Sequence[str], footer: str) -> bytes:
    lang = "zh-CN" if language() == "zh" else "en"
    text = (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header><h1>{_e(title)}</h1>\n<p class="meta">{meta}</p></header>\n'
        + "\n".join(sections)
        + f"\n<footer>{footer}</footer>\n</body>\n</html>\n"
    )
    return text.encode("utf-8")


def _footer(about: About) -> str:
    commit = about.commit or say("无", "none")
    return _e(
        say(
            "由 wkb {v} 生成,记录库提交 {c},日期 {d}。数字与 `wkb report --format json` 相同。",
            "Made by wkb {v} from records commit {c} on {d}. The figures are those of "
            "`wkb report --format json`.",
            v=about.version,
            c=commit,
            d=about.made_on.isoformat(),
        )
    )


def _summary_html(report: Mapping[str, Any]) -> str:
    """The summary the table and Markdown print (report_render.summary_lines): its first line
    as a paragraph, the rest as a list (a detail line's leading blanks become nesting)."""
    from wkb_tracker.report.report_render import summary_lines

    first, *rest = summary_lines(report)
    items = "".join(
        f'<li class="{"detail" if line.startswith("  ") else "line"}">{_e(line.strip())}</li>'
        for line in rest
    )
    return f"<p>{_e(first)}</p>" + (f'<ul class="notes">{items}</ul>' if items else "")


def report_html(
    report: Mapping[str, Any], items: Sequence[Mapping[str, Any]], about: About
) -> bytes:
    """The report page (UTF-8 bytes)."""
    period = report["period"]
    title = say("包区服务合规报告 {p}", "District liaison compliance {p}", p=period["label"])
    meta = _e(
        say(
            "统计期 {f} 至 {t};截至 {d};每区每月不少于 {n} 次(第十四条)",
            "{f} to {t}; as of {d}; at least {n} contacts per district a month (measure 14)",
            f=period["from"],
            t=period["to"],
            d=report["snapshot"],
            n=report["minimum_per_month"],
        )
    )
    legend = "".join(
        f'<span style="background:{COLOURS[key][0]};color:{COLOURS[key][1]}">'
        f"{_e(status_word(key))}</span>"
        for key in ("met", "short", "pending", "not_tracked")
    )
    sections = [
        '<section id="leaders">'
        f"<h2>{_e(say('责任领导汇总', 'Per leader'))}</h2>"
        + _summary_html(report)
        + table_html(summary_sheet(report), table_id="leader-table")
        + "</section>",
        '<section id="heat">'
        f"<h2>{_e(say('责任领导 × 月份', 'Leader × month'))}</h2>"
        f'<p class="legend">{legend}</p>' + heat_map_svg(report) + "</section>",
        '<section id="districts">'
        f"<h2>{_e(say('各区联系次数与应联系次数', 'Contacts against required, per district'))}</h2>"
        + district_bars_svg(report)
        + "</section>",
        '<section id="rectifications" class="long">'
        f"<h2>{_e(say('整改事项(第十五条)', 'Rectifications (measure 15)'))}</h2>"
        + _rect_counts_table(report)
        + table_html(items_sheet(items), table_id="items-table")
        + "</section>",
    ]
    if period["kind"] == "year":
        sections.append(
            '<section id="assessment">'
            f"<h2>{_e(say('年度考核材料(第十七条)', 'Year assessment (measure 17)'))}</h2>"
            + table_html(assessment_sheet(report), table_id="assessment-table")
            + "</section>"
        )
    sections.append(
        '<section id="detail" class="long">'
        f"<h2>{_e(say('明细', 'Detail'))}</h2>"
        + table_html(detail_sheet(report), table_id="detail-table")
        + "</section>"
    )
    notes = [*report.get("problems", [])]
    if notes:
        sections.append(
            '<section id="warnings">'
            f'<h2>{_e(say("警告", "Warnings"))}</h2><ul class="notes">'
            + "".join(f"<li>{_e(note)}</li>" for note in notes)
            + "</ul></section>"
        )
    return _page(title, meta, sections, _footer(about))


def sheets_html(sheets: Sequence[Sheet], title: str, about: About) -> bytes:
    """A list (visits, items, what is due) as a page of tables."""
    sections = [
        f'<section id="sheet-{index}" class="long"><h2>{_e(sheet.title or sheet.name)}</h2>'
        + table_html(sheet, table_id=f"table-{index}")
        + "</section>"
        for index, sheet in enumerate(sheets, start=1)
    ]
    return _page(title, "", sections, _footer(about))
