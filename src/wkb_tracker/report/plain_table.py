"""A table drawn line by line, byte for byte as Rich draws it, for the common case only.

Rich renders every cell through its layout engine (padding, wrapping, cropping, segments): a
500-row `wkb rectify list` spent ~70% of its time there (issue 17.1). When the output carries no
styles (piped, NO_COLOR without a terminal: `color_system` is None) and every cell, header, title
and caption fits on one line at its natural width, Rich's layout is simple arithmetic: each column
as wide as its widest cell plus one space either side, the box's characters between. That case is
drawn here; anything else (a wrapped or folded cell, a line break or control character in a cell,
colours, a legacy Windows console, a recording console) returns False and the caller lets Rich
draw it. `tests/test_plain_table.py` compares the two on many generated tables.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.box import Box
    from rich.console import Console, ConsoleOptions

# Cells holding any of these are left to Rich (it expands tabs, splits lines, drops some codes).
_UNSAFE = frozenset([*map(chr, (*range(32), 127)), "\x85", "\u2028", "\u2029"])


class _Lines:
    """Finished lines as a Rich renderable: the console still does the writing (its file, its
    broken-pipe handling, a capture in tests), but no layout. A title or caption is a
    (text, justify) pair: Rich wraps and justifies it in the table's width, as a Table does."""

    def __init__(self, lines: list[str | tuple[str, str]], width: int) -> None:
        self.lines = lines
        self.width = width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[object]:
        from rich.segment import Segment
        from rich.text import Text

        new_line = Segment.line()
        notes = options.update(width=self.width, highlight=False, height=None)
        for line in self.lines:
            if isinstance(line, tuple):
                note, how = line
                yield from console.render(Text(note), notes.update(justify=how))  # type: ignore[arg-type]
                continue
            yield Segment(line)
            yield new_line


def _safe(value: str) -> bool:
    return _UNSAFE.isdisjoint(value)


def _justified(value: str, length: int, width: int, how: str) -> str:
    """`value` (`length` cells) in `width` cells as Rich justifies a line of Text."""
    if how == "left":
        return value + " " * (width - length)
    stripped = value.rstrip()  # Rich strips trailing spaces before it centres or right-aligns
    length -= len(value) - len(stripped)
    if how == "right":
        return " " * (width - length) + stripped
    left = (width - length) // 2
    return " " * left + stripped + " " * (width - length - left)


def draw(
    out: Console,
    box: Box,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    justify: Sequence[str],
    title: str | None,
    title_justify: str,
    caption: str | None,
    ends: Sequence[bool] | None,
) -> bool:
    """Print the table (plain strings; `justify` per column) and return True, or return False
    without printing anything when Rich's own layout is needed (see the module docstring)."""
    if out.color_system is not None or out.legacy_windows or out.record:
        return False
    from rich.cells import cell_len

    columns = len(headers)
    if not columns or any(len(row) != columns for row in rows):
        return False
    widths = []
    for index, header in enumerate(headers):
        if not _safe(header):
            return False
        widest = cell_len(header)
        for row in rows:
            cell = row[index]
            if not _safe(cell):
                return False
            length = cell_len(cell)
            if length > widest:
                widest = length
        widths.append(widest + 2)
    table_width = sum(widths) + columns + 1  # the edges and the lines between columns
    if table_width > out.width:
        return False
    for note in (title, caption):
        if note is not None and not _safe(note.replace("\n", " ")):
            return False
    box = box.substitute(out.options, safe=out.safe_box)
    inner = [width - 2 for width in widths]
    lines: list[str | tuple[str, str]] = []
    if title:
        lines.append((title, title_justify))
    lines.append(box.get_top(widths))
    lines.append(_row(headers, inner, justify, box.head_left, box.head_vertical, box.head_right))
    lines.append(box.get_row(widths, "head", edge=True))
    last = len(rows) - 1
    for position, row in enumerate(rows):
        if position == last:
            left, middle, right = box.foot_left, box.foot_vertical, box.foot_right
        else:
            left, middle, right = box.mid_left, box.mid_vertical, box.mid_right
        lines.append(_row(row, inner, justify, left, middle, right))
        if ends and position < last and ends[position]:
            lines.append(box.get_row(widths, "row", edge=True))
    lines.append(box.get_bottom(widths))
    if caption:
        lines.append((caption, "center"))
    out.print(_Lines(lines, table_width))
    return True


def _row(
    cells: Sequence[str],
    inner: Sequence[int],
    justify: Sequence[str],
    left: str,
    middle: str,
    right: str,
) -> str:
    from rich.cells import cell_len

    parts = [
        " " + _justified(cell, cell_len(cell), width, how) + " "
        for cell, width, how in zip(cells, inner, justify, strict=True)
    ]
    return left + middle.join(parts) + right
