"""Output: Rich tables for people, JSON and CSV for scripts. No computation happens here.

Three promises hold for every command (issue 11):

- Text from users and files is never read as Rich markup: every cell, title and caption becomes a
  `rich.text.Text` here (`[/bold]` in an entity name is printed as typed, never styled or fatal).
- Output never fails on an encoding: JSON, CSV and Markdown go to stdout as UTF-8 bytes whatever
  the locale (`utf8_stdout`); text and tables on a console that cannot show a character print an
  escape instead (`tolerant_streams`) and Rich draws ASCII boxes there. A record already written
  is never followed by a traceback and exit 1 (a retry would duplicate it).
- Figures and record ids are never cut: a table that cannot give them their full width is printed
  as one block of `header: value` lines per row (`print_table`), never with `…`.

Rich measures CJK characters as two cells wide, so Chinese columns line up; it drops colour when
the output is piped and honours NO_COLOR.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from wkb_tracker.report.streams import tolerant_streams, utf8_stdout

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

PIPED_WIDTH = 200
MIN_TEXT_WIDTH = 4  # cells a wrapping text column keeps in a table (two Chinese characters)
# A column whose every cell is at most this wide (six Chinese characters: 临空港开发区) holds
# names, not prose: it is never wrapped. Longer text (a problem, an entity) may wrap.
SHORT_TEXT = 12
# Prose folded narrower than this (eight Chinese characters a line) is hard to read: a table
# that cannot give it this much is printed as blocks instead.
PROSE_WIDTH = 16


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_text(text: str) -> None:
    """Markdown, CSV or any finished document: UTF-8 bytes on stdout."""
    with utf8_stdout() as out:
        out.write(text)


# -- JSON and CSV ------------------------------------------------------------------------------


def to_json(data: Any) -> str:
    """Stable JSON: English keys, UTF-8 unescaped, two-space indent."""
    if isinstance(data, list) and data:  # a list view: flat items through the C encoder
        return "[\n  " + ",\n  ".join([json_element(item) for item in data]) + "\n]"
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def print_json(data: Any) -> None:
    write_text(to_json(data) + "\n")


def print_json_array(items: Iterable[Any]) -> None:
    """A JSON array written item by item as the items are produced (constant memory), byte for
    byte what `print_json(list(items))` prints."""
    with utf8_stdout() as out:
        first = True
        for item in items:
            out.write("[\n  " if first else ",\n  ")
            out.write(json_element(item))
            first = False
        out.write("[]\n" if first else "\n]\n")


def json_element(item: Any) -> str:
    """`item` as `to_json` prints it inside an array (after its "[\n  " or ",\n  ")."""
    flat = _flat_json_in_array(item)
    # json.dumps escapes newlines inside strings, so every "\n" here is structure.
    return flat if flat is not None else to_json(item).replace("\n", "\n  ")


_SCALARS = (str, int, float, bool, type(None), date)
# indent=2 makes json use its pure-Python encoder (~5x slower: 70% of `rectify list --status all
# --format json` at 30k items); without `indent` the C encoder runs, and these separators give the
# same bytes for a flat mapping one level inside an array.
_FLAT = json.JSONEncoder(
    ensure_ascii=False, separators=(",\n    ", ": "), default=_default, check_circular=False
)


def _flat_json_in_array(item: Any) -> str | None:
    """`item` as an element of a `to_json` array (indented), when it is a non-empty mapping of
    string keys to scalars; None otherwise (the caller formats it the general way)."""
    if not isinstance(item, dict) or not item:
        return None
    for key, value in item.items():
        if not isinstance(key, str) or not isinstance(value, _SCALARS):
            return None
    return "{\n    " + _FLAT.encode(item)[1:-1] + "\n  }"


def _csv_cell(cell: Any) -> Any:
    """A CSV cell: numbers as they are, dates in ISO form, None empty, and every text cell
    neutralised against formula injection (issue 13.5: one rule, report.formats.cells)."""
    from wkb_tracker.report.formats.cells import plain

    return plain(cell)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> str:
    """CSV text; with a BOM so Excel opens the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return ("\ufeff" if bom else "") + buffer.getvalue()


def print_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """CSV (with a BOM for Excel) written row by row as the rows are produced."""
    with utf8_stdout() as out:
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_csv_cell(cell) for cell in row])


# -- Rich --------------------------------------------------------------------------------------


def console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    class PipeFriendlyConsole(Console):
        def on_broken_pipe(self) -> None:
            """`wkb report | head` is not an error: the reader has what it wanted (exit 0)."""
            self.quiet = True
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(0)

    tolerant_streams()
    terminal = PipeFriendlyConsole(stderr=stderr, highlight=False)
    if terminal.is_terminal or "COLUMNS" in os.environ:
        return terminal
    # Piped to a file or another program: no terminal width to respect, so never cut a cell.
    return PipeFriendlyConsole(stderr=stderr, highlight=False, width=PIPED_WIDTH)


def text(cell: Any) -> Text:
    """A cell as Rich text, never as markup: None → empty, (words, style) → styled words,
    a Text as it is, anything else → its str()."""
    from rich.text import Text

    if isinstance(cell, Text):
        return cell
    if cell is None:
        return Text("")
    if isinstance(cell, tuple):
        words, style = cell
        return Text(str(words), style=style)
    return Text(str(cell))


def _is_figure(cell: Any) -> bool:
    return isinstance(cell, int | float | date) and not isinstance(cell, bool)


def plain(cell: Any) -> str:
    """The characters `text(cell)` holds, without building it (Rich drops a few control codes)."""
    from rich.control import strip_control_codes

    if cell is None:
        return ""
    if isinstance(cell, tuple):
        return strip_control_codes(str(cell[0]))
    if hasattr(cell, "plain"):  # a Text already
        return str(cell.plain)
    return strip_control_codes(str(cell))


class _Cells:
    """A table's cells as plain strings, and each column's widest line (in cells), measured once:
    the layout asks about the same columns several times (which to drop, whether headers fold)."""

    def __init__(self, columns: Sequence[str], rows: list[list[Any]]) -> None:
        from rich.cells import cell_len

        self.columns = [plain(column) for column in columns]
        self.rows = [[plain(cell) for cell in row] for row in rows]
        self.widest: list[int] = []
        self.figures: list[bool] = []
        for index in range(len(columns)):
            widest = 0
            for row in self.rows:
                if index < len(row):
                    cell = row[index]
                    if "\n" in cell:
                        length = max(cell_len(line) for line in cell.split("\n"))
                    else:
                        length = cell_len(cell)
                    widest = max(widest, length)
            self.widest.append(widest)
            self.figures.append(any(_is_figure(row[index]) for row in rows if index < len(row)))

    def kept(self, keep: Collection[int]) -> set[int]:
        """The columns never cut: those asked for, any holding numbers or dates, and any of short
        words only — names, districts, titles, states (issue 16: "王建 / 平" is not a name)."""
        return set(keep) | {
            index
            for index in range(len(self.columns))
            if self.figures[index] or self.widest[index] <= SHORT_TEXT
        }

    def kept_width(self, index: int) -> int:
        """A kept column is as wide as its widest cell; its header wraps into that width between
        words (an English header keeps its longest word whole: "closed / on / time", never
        "clos / ed"), a Chinese one folds but keeps MIN_TEXT_WIDTH cells, two characters a line."""
        from rich.cells import cell_len

        header = self.columns[index]
        words = header.split()
        if header.isascii() and words:
            floor = max(cell_len(word) for word in words)
        else:
            floor = min(cell_len(header), MIN_TEXT_WIDTH)
        return max(self.widest[index], floor)

    def fits(
        self, width: int, shown: Sequence[int], kept: Collection[int], whole_headers: bool
    ) -> bool:
        """Whether the `shown` columns fit `width` with the `kept` ones (ids, figures, names) at
        full width (and their headers on one line, with `whole_headers`) and every other column
        at least PROSE_WIDTH cells wide."""
        from rich.cells import cell_len

        needed = len(shown) + 1  # the box's vertical lines
        for index in shown:
            if index in kept and whole_headers:
                needed += max(cell_len(self.columns[index]), self.widest[index]) + 2
            elif index in kept:
                needed += self.kept_width(index) + 2
            else:
                needed += min(self.widest[index], PROSE_WIDTH) + 2
        return needed <= width


def fits(
    out: Console,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    keep: Collection[int],
    *,
    whole_headers: bool = False,
) -> bool:
    """Whether a table of these cells fits the console with the `keep` columns (ids, figures,
    names) at full width (and their headers on one line, with `whole_headers`) and every other
    column at least PROSE_WIDTH cells wide."""
    cells = _Cells(columns, [list(row) for row in rows])
    shown = range(len(columns))
    return cells.fits(out.width, shown, cells.kept(keep), whole_headers)


def print_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    caption: str | None = None,
    justify: dict[int, str] | None = None,
    keep: Collection[int] = (),
    heading: Sequence[int] = (0,),
    ends: Sequence[bool] | None = None,
    simple: bool = False,
    drop: Sequence[int] = (),
    empty: str | None = None,
    out: Console | None = None,
) -> bool:
    """A table of plain cells (strings, numbers, dates, None, or (words, style) pairs), none of
    them read as markup. True when it was printed as blocks (see below), which end without the
    blank line a drawn table ends in.

    Columns in `keep` (and any column of numbers, dates or short names) are never wrapped or
    cut. When the console is too narrow to give them their full width and every other column
    at least PROSE_WIDTH cells, the `drop` columns (the least needed first) are left out one by
    one; if it still does not fit, each row is printed as a block instead, with every column:
    the `heading` cells on one line, then `header: value` pieces. `simple`: the lighter look of
    the reports (rules under the header and between `ends` sections, title on the left).
    No rows: the title and one line (`empty`, else "没有记录"), never an empty frame."""
    out = out or console()
    raw = [list(row) for row in rows]
    if not raw:
        from wkb_tracker.domain.i18n import say

        if title:
            out.print(text(title), style="bold", soft_wrap=True)
        out.print(text(empty or say("没有记录。", "Nothing to list.")), soft_wrap=True)
        return False
    cells = _Cells(columns, raw)
    kept = cells.kept(keep)
    shown = list(range(len(columns)))
    for column in drop:
        if cells.fits(out.width, shown, kept, False):
            break
        shown.remove(column)
    if not cells.fits(out.width, shown, kept, False):
        texts = [[text(cell) for cell in row] for row in raw]
        _print_stacked(out, [text(column) for column in columns], texts, title, caption, heading)
        return True
    how = {shown.index(i): way for i, way in (justify or {}).items() if i in shown}
    if all(len(row) == len(columns) for row in raw):
        from rich import box

        from wkb_tracker.report.plain_table import draw

        if draw(
            out,
            box.SIMPLE_HEAD if simple else box.HEAVY_HEAD,
            [cells.columns[i] for i in shown],
            [[row[i] for i in shown] for row in cells.rows],
            justify=[how.get(position, "left") for position in range(len(shown))],
            title=plain(title) if title is not None else None,
            title_justify="left" if simple else "center",
            caption=plain(caption) if caption is not None else None,
            ends=ends,
        ):
            return False
    _print_grid(
        out,
        [columns[i] for i in shown],
        _pick(raw, shown),
        _renumber(kept, shown),
        title=title,
        caption=caption,
        justify=how,
        ends=ends,
        simple=simple,
        fold=not cells.fits(out.width, shown, kept, True),
    )
    return False


def _pick(rows: list[list[Any]], shown: list[int]) -> list[list[Any]]:
    return [[row[i] for i in shown if i < len(row)] for row in rows]


def _renumber(indices: Collection[int], shown: list[int]) -> set[int]:
    return {shown.index(i) for i in indices if i in shown}


def _print_grid(
    out: Console,
    columns: Sequence[str],
    raw: list[list[Any]],
    kept: set[int],
    *,
    title: str | None,
    caption: str | None,
    justify: dict[int, str],
    ends: Sequence[bool] | None,
    simple: bool,
    fold: bool,
) -> None:
    """Rich's own table. `fold`: the headers of kept columns fold, since the table cannot have
    them whole."""
    from rich import box
    from rich.table import Table

    from wkb_tracker.report.line_breaks import breaking

    # A column that wraps breaks its cells where Chinese text may break (never 「(示例」 over
    # 「):」), not wherever the column's edge falls; kept columns never wrap.
    cells = [
        [text(cell) if index in kept else breaking(text(cell)) for index, cell in enumerate(row)]
        for row in raw
    ]
    headers = [text(column) for column in columns]
    measured = _Cells(columns, raw)
    table = Table(
        title=text(title) if title is not None else None,
        caption=text(caption) if caption is not None else None,
        show_lines=False,
        header_style="bold",
        box=box.SIMPLE_HEAD if simple else box.HEAVY_HEAD,
        title_justify="left" if simple else "center",
    )
    for index, header in enumerate(headers):
        width = measured.kept_width(index) if index in kept else None
        header.no_wrap, header.overflow = False, "fold"  # a header may wrap, its cells never
        table.add_column(
            header,
            justify=justify.get(index, "left"),  # type: ignore[arg-type]
            overflow="ellipsis" if index in kept else "fold",
            no_wrap=index in kept,
            min_width=width,
            max_width=width if fold else None,
        )
    for position, row in enumerate(cells):
        table.add_row(*row, end_section=bool(ends and ends[position] and position < len(cells) - 1))
    out.print(table)


_HANGING = "    "  # the lines of a piece after its first, in the narrow layout


def _print_stacked(
    out: Console,
    headers: list[Text],
    rows: list[list[Text]],
    title: str | None,
    caption: str | None,
    heading: Sequence[int],
) -> None:
    """The narrow layout: per row, its heading cells on one line, then its other cells as
    `header: value` pieces, as many to a line as the width holds. A piece is broken only when
    it is wider than the console: it gets lines of their own, broken where Chinese text may
    break (`line_breaks`), the lines after its first indented under it — not wherever the
    terminal's edge falls; a word or address wider than a line stays whole, for the terminal
    to fold."""
    from rich.cells import cell_len
    from rich.text import Text

    from wkb_tracker.report.line_breaks import offsets

    if title:
        out.print(text(title), style="bold", soft_wrap=True)
    for row in rows:
        head = [row[index] for index in heading if index < len(row) and row[index].plain]
        if head:
            out.print(Text(" ").join(head), style="bold", soft_wrap=True)
        line = Text("  ")
        for index, cell in enumerate(row):
            if index in heading or not cell.plain:
                continue
            piece = Text()
            piece.append_text(headers[index])
            piece.append(": ")
            piece.append_text(cell)
            if "\n" in piece.plain:  # several lines (a history): a line of its own each
                piece = Text(" ").join(piece.split("\n"))
            if line.plain.strip() and cell_len(line.plain) + 2 + cell_len(piece.plain) > out.width:
                out.print(line, soft_wrap=True)
                line = Text("  ")
            room = out.width - len(_HANGING)
            if cell_len(piece.plain) + 2 > out.width and room >= MIN_TEXT_WIDTH:
                parts = piece.divide(offsets(piece.plain, room, cut=False))
                for position, part in enumerate(parts):
                    part.rstrip()
                    out.print(Text("  " if position == 0 else _HANGING) + part, soft_wrap=True)
                continue
            if line.plain.strip():
                line.append("  ")
            line.append_text(piece)
        if line.plain.strip():
            out.print(line, soft_wrap=True)
    if caption:
        out.print(text(caption), soft_wrap=True)


def warn(message: str) -> None:
    """A warning on stderr, so JSON on stdout stays parseable."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
