"""Output: Rich tables for people, JSON and CSV for scripts. No computation happens here.

Rich measures CJK characters as two cells wide, so Chinese columns line up; it drops colour when
the output is piped and honours NO_COLOR.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

PIPED_WIDTH = 200


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any) -> str:
    """Stable JSON: English keys, UTF-8 unescaped, two-space indent."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def print_json(data: Any) -> None:
    sys.stdout.write(to_json(data) + "\n")
    sys.stdout.flush()


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> str:
    """CSV text; with a BOM so Excel opens the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                "" if cell is None else _default(cell) if isinstance(cell, date) else cell
                for cell in row
            ]
        )
    return ("\ufeff" if bom else "") + buffer.getvalue()


def print_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    sys.stdout.write(to_csv(header, rows))
    sys.stdout.flush()


def console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    class PipeFriendlyConsole(Console):
        def on_broken_pipe(self) -> None:
            """`wkb report | head` is not an error: the reader has what it wanted (exit 0)."""
            self.quiet = True
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(0)

    terminal = PipeFriendlyConsole(stderr=stderr, highlight=False)
    if terminal.is_terminal or "COLUMNS" in os.environ:
        return terminal
    # Piped to a file or another program: no terminal width to respect, so never cut a cell.
    return PipeFriendlyConsole(stderr=stderr, highlight=False, width=PIPED_WIDTH)


def print_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    caption: str | None = None,
    justify: dict[int, str] | None = None,
) -> None:
    """A Rich table with the given headers; cells may be plain values or Rich renderables/markup."""
    from rich.table import Table

    table = Table(title=title, caption=caption, show_lines=False, header_style="bold")
    for index, column in enumerate(columns):
        table.add_column(column, justify=(justify or {}).get(index, "left"), overflow="fold")  # type: ignore[arg-type]
    for row in rows:
        table.add_row(
            *(
                ""
                if cell is None
                else cell
                if not isinstance(cell, int | float | date)
                else str(cell)
                for cell in row
            )
        )
    console().print(table)


def warn(message: str) -> None:
    """A warning on stderr, so JSON on stdout stays parseable."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
