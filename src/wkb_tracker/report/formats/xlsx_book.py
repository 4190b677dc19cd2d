"""Sheets as an Excel workbook (issue 13.2), with openpyxl — the library `wkb import` reads
workbooks with, so one dependency serves both directions. Imported only when a workbook is made:
`wkb visit add` and `wkb report` never pay for it.

What the office gets: numbers are numbers and dates are dates (sums and filters work), the header
row is frozen and filterable, column widths fit Chinese text (two cells a character), statuses are
filled in colour (达标 green, 未达标 red, 进行中 yellow; 逾期 red), and every sheet prints on A4
landscape, one page wide, with the header repeated on each page. Every text cell is neutralised
(cells.neutralise): a record's text never becomes a formula.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from wkb_tracker.report.formats.cells import (
    DATE,
    RATE,
    Cell,
    Sheet,
    Styled,
    neutralise,
)

# Fill colours (Excel's own "good / bad / neutral" cell styles), by status key.
FILLS = {
    "met": "C6EFCE",
    "closed_on_time": "C6EFCE",
    "short": "FFC7CE",
    "overdue": "FFC7CE",
    "closed_late": "F8CBAD",
    "pending": "FFEB9C",
    "due_soon": "FFEB9C",
    "not_tracked": "EDEDED",
}
HEADER_FILL = "D9E1F2"
MAX_WIDTH = 60  # cells; a longer text wraps inside its column
MIN_WIDTH = 6


def display_width(text: str) -> int:
    """Columns `text` needs in a spreadsheet: two for a wide (CJK) character, one otherwise."""
    longest = 0
    for line in text.split("\n"):
        width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        longest = max(longest, width)
    return longest


def _value(cell: Cell) -> Any:
    """What goes into the cell: numbers and dates as themselves, every text neutralised."""
    if cell is None:
        return None
    if isinstance(cell, Styled):
        return neutralise(cell.text)
    if isinstance(cell, str):
        return neutralise(cell)
    if isinstance(cell, datetime):
        return cell.replace(tzinfo=None)
    return cell


def _shown_width(cell: Cell) -> int:
    if cell is None:
        return 0
    if isinstance(cell, date):
        return 10
    if isinstance(cell, float):
        return 5
    return display_width(str(cell))


def _safe_name(name: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts: ≤ 31 characters, none of []:*?/\\, unique."""
    for bad in "[]:*?/\\":
        name = name.replace(bad, " ")
    name = name.strip()[:31] or "Sheet"
    candidate, number = name, 2
    while candidate in taken:
        suffix = f" ({number})"
        candidate, number = name[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate)
    return candidate


def workbook_bytes(
    sheets: Sequence[Sheet], *, title: str = "", made_on: date | None = None
) -> bytes:
    """The workbook as .xlsx bytes: one worksheet per sheet, in order; dated `made_on` (then the
    same sheets give the same bytes on any day, see zipped.reproducible)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    if title:
        book.properties.title = title
    book.properties.creator = "wkb"
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
    fills = {
        key: PatternFill("solid", start_color=rgb, end_color=rgb) for key, rgb in FILLS.items()
    }
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    taken: set[str] = set()
    for sheet in sheets:
        ws = book.create_sheet(_safe_name(sheet.name, taken))
        ws.append([neutralise(title) for title in sheet.header])
        for cell in ws[1]:
            cell.font, cell.fill = header_font, header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        widths = [max(MIN_WIDTH, display_width(title) + 2) for title in sheet.header]
        for row in sheet.rows:
            ws.append([_value(cell) for cell in row])
            written = ws[ws.max_row]
            for index, cell in enumerate(row):
                target = written[index]
                kind = sheet.columns[index].kind if index < len(sheet.columns) else ""
                if isinstance(cell, Styled) and cell.key in fills:
                    target.fill = fills[cell.key]
                if kind == DATE or isinstance(cell, date):
                    target.number_format = "yyyy-mm-dd"
                elif kind == RATE:
                    target.number_format = "0%"
                needed = _shown_width(cell) + 2
                target.alignment = wrap if needed > MAX_WIDTH else top
                if index < len(widths):
                    widths[index] = max(widths[index], min(needed, MAX_WIDTH))
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        if sheet.rows:
            ws.auto_filter.ref = ws.dimensions
        # Printable: A4 landscape, one page wide, the header row on every page.
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1"
        ws.print_options.gridLines = True
        if sheet.title:
            ws.oddHeader.center.text = sheet.title.replace("&", "&&")
        ws.oddFooter.center.text = "&P / &N"
    buffer = io.BytesIO()
    book.save(buffer)
    if made_on is None:
        return buffer.getvalue()
    from wkb_tracker.report.formats.zipped import reproducible

    return reproducible(buffer.getvalue(), made_on)
