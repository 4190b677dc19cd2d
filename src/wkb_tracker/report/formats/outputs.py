"""The one formatter interface (STYLE 11): a report, or a list as sheets, in any format as bytes.
Commands choose a format once (cli.exporting) and call `report_bytes` or `sheets_bytes`; no
command has its own if/elif over formats beyond the terminal table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from wkb_tracker.report.formats import CSV, HTML, JSON, MARKDOWN, XLSX

if TYPE_CHECKING:
    from wkb_tracker.domain.compliance import Report
    from wkb_tracker.report.formats.cells import Sheet
    from wkb_tracker.report.formats.report_sheets import About


def needs_items(fmt: str) -> bool:
    """Whether the format lists the report's rectification items (the 整改 sheet / section)."""
    return fmt in (XLSX, HTML)


def report_bytes(
    fmt: str,
    report: Report,
    *,
    explain: bool = False,
    items: Sequence[Mapping[str, Any]] = (),
    about: Callable[[], About] | None = None,
) -> bytes:
    """`report` as `fmt` (json, csv, markdown, xlsx, html). `items` are the views of the items
    the report counts (report_sheets.report_item_ids), for xlsx and html; `about` says how the
    file was made (xlsx's 说明 sheet, html's footer)."""
    from wkb_tracker.report.render import to_json
    from wkb_tracker.report.report_render import report_csv, report_dict, report_markdown

    if fmt == JSON:
        return (to_json(report_dict(report, explain=explain)) + "\n").encode("utf-8")
    if fmt == CSV:
        return report_csv(report, explain=explain).encode("utf-8")
    if fmt == MARKDOWN:
        return report_markdown(report, explain=explain).encode("utf-8")
    view = report_dict(report, explain=True, counting=False)  # the ids; sheets need no `counting`
    if about is None:
        raise ValueError("xlsx and html need `about`")
    if fmt == XLSX:
        from wkb_tracker.report.formats.report_sheets import report_sheets
        from wkb_tracker.report.formats.xlsx_book import workbook_bytes

        made = about()
        return workbook_bytes(
            report_sheets(view, items, made), title=_title(view), made_on=made.made_on
        )
    if fmt == HTML:
        from wkb_tracker.report.formats.html_page import report_html

        return report_html(view, items, about())
    raise ValueError(f"no report format {fmt!r}")


def _title(view: Mapping[str, Any]) -> str:
    from wkb_tracker.domain.i18n import say

    return say("包区服务合规报告 {p}", "District liaison compliance {p}", p=view["period"]["label"])


def sheets_bytes(
    fmt: str,
    sheets: Sequence[Sheet],
    *,
    title: str,
    about: Callable[[], About],
    json_value: Callable[[], Any] | None = None,
) -> bytes:
    """A list (one or more sheets) as `fmt`. JSON is the command's own JSON view
    (`json_value`), never the sheets: JSON keys are a contract, sheet headers are words."""
    if fmt == JSON:
        from wkb_tracker.report.render import to_json

        if json_value is None:
            raise ValueError("json needs json_value")
        return (to_json(json_value()) + "\n").encode("utf-8")
    if fmt == CSV:
        from wkb_tracker.report.formats.tabular import csv_text

        if len(sheets) == 1:
            return csv_text(sheets[0].header, sheets[0].rows).encode("utf-8")
        # Several tables in one CSV: one after another, a blank line between (Excel reads it).
        parts = [
            csv_text(sheet.header, sheet.rows, bom=index == 0) for index, sheet in enumerate(sheets)
        ]
        return "\r\n".join(parts).encode("utf-8")
    if fmt == MARKDOWN:
        from wkb_tracker.report.formats.tabular import sheets_markdown

        return sheets_markdown(sheets)
    if fmt == XLSX:
        from wkb_tracker.report.formats.xlsx_book import workbook_bytes

        return workbook_bytes(sheets, title=title, made_on=about().made_on)
    if fmt == HTML:
        from wkb_tracker.report.formats.html_page import sheets_html

        return sheets_html(sheets, title, about())
    raise ValueError(f"no list format {fmt!r}")
