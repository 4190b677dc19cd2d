"""Prompts a clerk types into (`wkb visit add` in a terminal): line editing and completion.

Python's `input()` — which click's prompt calls — edits lines with readline once the `readline`
module is imported: ←/→, Home/End, history, and Tab completion from the completer set here.
Imported only when standard input is a terminal (a script's piped answers need none of it).
Windows' Python has no readline: its console already edits lines (←/→, F7 history), without
Tab completion; nothing else changes there.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

_readline: ModuleType | None = None
_tried = False


def line_editing() -> ModuleType | None:
    """The readline module, imported (which turns line editing on for `input()`) when standard
    input is a terminal and the platform has it; None otherwise."""
    global _readline, _tried
    if not _tried:
        _tried = True
        if sys.stdin is not None and sys.stdin.isatty():
            try:
                import readline
            except ImportError:  # Windows: the console edits lines itself
                readline = None  # type: ignore[assignment]
            _readline = readline
    return _readline


def matches(candidates: Sequence[str], text: str) -> list[str]:
    """The candidates `text` begins (any case for Latin letters), in their order, each once."""
    wanted = text.strip().lower()
    return list(dict.fromkeys(c for c in candidates if c.lower().startswith(wanted)))


def completer(candidates: Sequence[str]) -> Callable[[str, int], str | None]:
    """A readline completer over `candidates`: the `state`-th match of `text`, else None."""

    def complete(text: str, state: int) -> str | None:
        found = matches(candidates, text)
        return found[state] if state < len(found) else None

    return complete


@contextmanager
def completing(candidates: Sequence[str]) -> Iterator[None]:
    """Tab completes from `candidates` while the block runs (when line editing is on)."""
    readline = line_editing()
    if readline is None or not candidates:
        yield
        return
    previous: Any = readline.get_completer()
    delimiters = readline.get_completer_delims()
    readline.set_completer(completer(candidates))
    readline.set_completer_delims("\t\n")  # a whole answer is one word, Chinese included
    if "libedit" in (readline.__doc__ or ""):  # macOS's readline speaks libedit's language
        readline.parse_and_bind("bind ^I rl_complete")
    else:
        readline.parse_and_bind("tab: complete")
    try:
        yield
    finally:
        readline.set_completer(previous)
        readline.set_completer_delims(delimiters)


def print_choices(heading: str, options: Sequence[str]) -> None:
    """A numbered list of options on stderr, laid out in columns as wide as the terminal, never
    breaking an option ("洪山 / 区" is not a district)."""
    from rich.columns import Columns
    from rich.text import Text

    from wkb_tracker.report.render import console

    out = console(stderr=True)
    out.print(Text(heading), soft_wrap=True)
    items = [Text(f"{number}.{option}", no_wrap=True) for number, option in enumerate(options, 1)]
    out.print(Columns(items, padding=(0, 2), column_first=True))
