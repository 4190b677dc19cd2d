"""Sheets as CSV and Markdown bytes: the plain formats of every list and of the report's sheets.

CSV is UTF-8 with a BOM (Excel needs it to read Chinese; LibreOffice honours it too) and rows end
in exactly `\\r\\n` (RFC 4180): the bytes are built here, so no text-mode stream can turn them into
`\\r\\r\\n`. Every text cell is neutralised (cells.neutralise).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import IO

from wkb_tracker.report.formats.cells import Cell, Sheet, plain, shown

BOM = "\ufeff"


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]], *, bom: bool = True) -> str:
    """CSV text (BOM first, `\\r\\n` rows), every text cell neutralised, headers too."""
    buffer = io.StringIO(newline="")
    write_csv(buffer, header, rows)
    return (BOM if bom else "") + buffer.getvalue()


def write_csv(stream: IO[str], header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    """Rows written to `stream` one by one as they are produced (constant memory)."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([plain(title) for title in header])
    for row in rows:
        writer.writerow([plain(cell) for cell in row])


def sheet_csv(sheet: Sheet) -> bytes:
    return csv_text(sheet.header, sheet.rows).encode("utf-8")


def _md(cell: Cell) -> str:
    text = shown(cell)
    for special in ("\\", "|", "*", "~", "_"):
        text = text.replace(special, "\\" + special)
    return text.replace("\r", " ").replace("\n", " ") or " "


def markdown_table(sheet: Sheet) -> list[str]:
    lines = [
        "| " + " | ".join(_md(title) for title in sheet.header) + " |",
        "|" + "|".join(" --- " for _ in sheet.columns) + "|",
    ]
    lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in sheet.rows]
    return lines


def sheets_markdown(sheets: Sequence[Sheet]) -> bytes:
    """Each sheet as a heading and a pipe table (Word and WPS turn a pasted one into a table
    when pasted through a Markdown-aware editor; for Word directly, use --format docx/html)."""
    lines: list[str] = []
    for sheet in sheets:
        if lines:
            lines.append("")
        lines += [f"### {sheet.title or sheet.name}", "", *markdown_table(sheet)]
    return ("\n".join(lines) + "\n").encode("utf-8")
