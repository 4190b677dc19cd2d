"""Cells and sheets shared by every tabular writer (CSV, Markdown, xlsx, HTML), and the one rule
that keeps a spreadsheet from running what a record holds (issue 13.5).

CSV/formula injection (OWASP): a spreadsheet treats a cell that starts with `=`, `+`, `-`, `@`
(and, in some programs, a tab or carriage return before them) as a formula. An entity named
`=1+1` or `=HYPERLINK(…)` typed by anyone who can add a visit would run on the office's machine.
Every text cell of every CSV and xlsx wkb writes goes through `neutralise`, which prefixes such a
cell with `'` — the apostrophe spreadsheets show as "this is text". Numbers and dates are never
text cells, so a negative number stays a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# What a column holds: the writers format and align by it (xlsx number formats, HTML classes).
TEXT = "text"
INTEGER = "integer"
DATE = "date"
RATE = "rate"  # a fraction 0..1 shown as a percentage
STATUS = "status"  # a Styled cell whose key is met/short/pending/not_tracked/overdue/…


def neutralise(text: str) -> str:
    """`text` safe for a spreadsheet cell: prefixed with `'` when it starts with a character a
    spreadsheet would read as the start of a formula (OWASP's list), otherwise unchanged."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def day_cell(value: Any) -> date | None:
    """A JSON view's date (`2026-10-08`, or a timestamp's first ten characters) as a date cell;
    None for no date."""
    if value is None or value == "" or isinstance(value, date):
        return value or None
    return date.fromisoformat(str(value)[:10])


@dataclass(frozen=True, slots=True)
class Styled:
    """A cell shown as `text` and coloured by `key` (a status such as met/short/pending)."""

    text: str
    key: str

    def __str__(self) -> str:
        return self.text


Cell = str | int | float | date | Styled | None


def plain(cell: Cell) -> Any:
    """A cell's value for a CSV row: numbers as numbers, dates in ISO form, styled cells as their
    words, None as empty; every text neutralised."""
    if cell is None:
        return ""
    if isinstance(cell, Styled):
        return neutralise(cell.text)
    if isinstance(cell, datetime):
        return cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, str):
        return neutralise(cell)
    return cell


def shown(cell: Cell) -> str:
    """A cell as people read it (Markdown, HTML): no neutralising, those are not spreadsheets."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:.0%}"
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    kind: str = TEXT


@dataclass(frozen=True)
class Sheet:
    """One table: a worksheet in xlsx, a section in HTML/Markdown, a whole CSV file."""

    name: str  # the worksheet's name (≤ 31 characters, Excel's limit)
    columns: tuple[Column, ...]
    rows: list[list[Cell]] = field(default_factory=list)
    title: str = ""  # a heading above the table (HTML, Markdown, the xlsx print title)

    @property
    def header(self) -> list[str]:
        return [column.title for column in self.columns]
