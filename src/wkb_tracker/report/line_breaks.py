"""Where a table cell may break when it is wider than its column: Chinese text breaks between
characters, but never before closing punctuation nor after an opening bracket (the line-start and
line-end rules of Chinese typesetting), a short bracketed note such as 「(示例)」 stays whole, and
a run of Latin letters, digits or a date stays whole; a break at a space or after 「:」 is taken
before one inside a phrase.

Rich breaks only at spaces and folds anything longer at the column's edge, whatever the
characters: 「新型显示材料创新团队(示例):高企认定…」 came out as 「…团队(示例」 over 「):高企…」
(polish 2). `offsets` says where to break instead; `BreakingText` is a Rich Text that wraps with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len as _cells
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.containers import Lines

# Never at the start of a line (closing brackets and quotes, Chinese and Latin stops).
CLOSING = frozenset("))]}」』》〉】〕’”,。、;:!?,.;:!?%…")
# Never at the end of a line.
OPENING = frozenset("(([{「『《〈【〔‘“")
# After these a new phrase starts: a break there is taken before one inside a phrase.
PHRASE_END = frozenset(":")
# A short bracketed note, kept whole: (示例) (未登记) (E12).
_NOTE = re.compile(r"[((【〔《][^\s(())【】〔〕《》]{1,4}[))】〕》]")
# A run of Latin letters, digits and signs (a word, a number, a date), kept whole.
_LATIN = re.compile(r"[!-~]+")
_SPACE = re.compile(r"\s+")
_PIECE = re.compile(f"{_NOTE.pattern}|{_LATIN.pattern}|.", re.DOTALL)


@dataclass
class _Unit:
    start: int
    end: int
    cells: int


def _units(text: str, start: int, end: int) -> list[_Unit]:
    """The pieces of `text[start:end]` (no spaces in it) that a line may break between: a Latin
    run, a short bracketed note, one character; an opening bracket joined to what follows it,
    closing punctuation to what precedes it."""
    merged: list[list[int]] = []
    glue = False  # the previous piece was an opening bracket
    for match in _PIECE.finditer(text, start, end):
        first, stop = match.span()
        if merged and (glue or text[first] in CLOSING):
            merged[-1][1] = stop
        else:
            merged.append([first, stop])
        glue = stop - first == 1 and text[first] in OPENING
    return [_Unit(first, stop, _cells(text[first:stop])) for first, stop in merged]


def _phrases(text: str) -> list[tuple[int, list[_Unit]]]:
    """Each phrase as (where the spaces before it start, its units): phrases end at spaces and
    after 「:」."""
    phrases: list[tuple[int, list[_Unit]]] = []
    position = 0
    for match in _SPACE.finditer(text + " "):
        if match.start() > position:
            gap = phrases[-1][1][-1].end if phrases else 0
            current: list[_Unit] = []
            for unit in _units(text, position, match.start()):
                current.append(unit)
                if text[unit.end - 1] in PHRASE_END:
                    phrases.append((gap, current))
                    gap, current = unit.end, []
            if current:
                phrases.append((gap, current))
        position = match.end()
    return phrases


def offsets(text: str, width: int, *, cut: bool = True) -> list[int]:
    """Where to break `text` (one line, no line breaks) so each line is at most `width` cells:
    indexes into `text`, as Rich's `Text.divide` takes them. A phrase goes whole onto the line if
    it fits there, else onto a line of its own if it fits one; only a phrase wider than a line is
    broken inside, between its units; a unit wider than a line is cut at the width (`cut`), or
    else left whole on a line of its own, for the terminal to fold (a long address or id stays
    one string to copy)."""
    breaks: list[int] = []
    used = 0  # cells on the current line
    for gap_start, units in _phrases(text):
        start = units[0].start
        length = _cells(text[units[0].start : units[-1].end])
        gap = _cells(text[gap_start:start])
        if used + gap + length <= width:
            used += gap + length
            continue
        if used:  # a line of its own; the spaces before it end the line before
            breaks.append(start)
            used = 0
            if length <= width:
                used = length
                continue
        else:  # the text's first phrase, after the spaces it starts with
            used = gap
        for unit in units:
            if used and used + unit.cells > width:
                breaks.append(unit.start)
                used = 0
            if unit.cells <= width or not cut:
                used += unit.cells
                continue
            for index in range(unit.start, unit.end):  # too wide for any line: cut
                one = _cells(text[index])
                if used and used + one > width:
                    breaks.append(index)
                    used = 0
                used += one
    return breaks


class BreakingText(Text):
    """A Rich Text that, when it must wrap, breaks where `offsets` says instead of at the
    column's edge. Each line is then laid out by Rich as it lays out any text."""

    def wrap(
        self,
        console: Console,
        width: int,
        *,
        justify: Any = None,
        overflow: Any = None,
        tab_size: int = 8,
        no_wrap: bool | None = None,
    ) -> Lines:
        from rich.containers import Lines

        plain = Text.wrap  # each piece fits its line: Rich's own wrap leaves it whole
        whole = no_wrap if no_wrap is not None else self.no_wrap
        text = self.plain
        fits = "\n" not in text and (len(text) * 2 <= width or _cells(text) <= width)
        if fits or whole or overflow == "ignore" or width < 1 or "\t" in text:
            return plain(
                self, console, width, justify=justify, overflow=overflow, tab_size=tab_size, no_wrap=no_wrap
            )
        lines = Lines()
        for line in self.split("\n", allow_blank=True):
            for piece in line.divide(offsets(line.plain, width)) if line.plain else [line]:
                if piece is not line:
                    piece.rstrip()  # the space a break was taken at
                lines.extend(
                    plain(
                        piece, console, width, justify=justify, overflow=overflow, tab_size=tab_size, no_wrap=no_wrap
                    )
                )
        return lines


def breaking(text: Text) -> BreakingText:
    """`text` (its characters, styles and settings) as a BreakingText."""
    if isinstance(text, BreakingText):
        return text
    return BreakingText(
        text.plain,
        style=text.style,
        justify=text.justify,
        overflow=text.overflow,
        no_wrap=text.no_wrap,
        end=text.end,
        tab_size=text.tab_size,
        spans=list(text.spans),
    )
