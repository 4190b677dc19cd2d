"""`rectify list --format json` in bounded memory (issue 17.1): items read one month folder at a
time, each matching item kept only as its finished line of JSON (UTF-8, ~0.6 KB), not as an item
and a view (~3 KB; 30,000 items held 280 MiB).

An item lives in the folder of its opened month with its event files beside it, and a copy of an
item is found (and reported) within its own folder, so reading the folders one by one gives the
same items and the same problems as reading them at once (only the order of the warnings may
differ) — except for a copy in another month folder whose opened date was changed to match it:
read folder by folder, with or without the cache, both copies are listed (the table, which reads
all folders at once, reports the later one). `tests/test_cache_equivalence.py` compares them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from wkb_tracker.domain.errors import Problem
from wkb_tracker.domain.model import Rectification


def item_batches(
    root: Path, *, as_of: date, open_only: bool, known_on: date
) -> Iterator[tuple[list[Rectification], list[Problem]]]:
    """What `load_items` returns, as it is known on `known_on`, one month folder at a time; all
    at once for open items only (the cache leaves settled ones out: few enough to hold, and one
    read of the cache costs far less than one per folder — 0.45 s CPU less at 100k) and when the
    folder tree has anything odd in it (so that it is reported as usual)."""
    from wkb_tracker.domain.knowledge import items_known_on
    from wkb_tracker.store.loader import rectification_months
    from wkb_tracker.store.rectification_store import load_items

    months = None if open_only else rectification_months(root)
    for batch in [None] if months is None else [[month] for month in months]:
        items, problems = load_items(
            root, as_of=as_of, open_only=open_only, known_on=known_on, months=batch
        )
        yield items_known_on(items, known_on), problems


class SortedLines:
    """JSON array elements kept as UTF-8 lines behind their sort key, written sorted: byte for
    byte `render.to_json` of the sorted list (one element per item view)."""

    def __init__(self) -> None:
        self.entries: list[bytes] = []

    def add(self, key: str, element: str) -> None:
        # The key and the element in one bytes object (no tuple per item); NUL never occurs in
        # a key, and UTF-8 bytes sort as the code points they encode. A file name that is not
        # UTF-8 (a lone surrogate in its path) becomes the JSON escape `\udcff`, as
        # report/streams.utf8_stdout writes it for every other JSON output: valid JSON that reads
        # back as the same string (it crashed here).
        self.entries.append(
            key.encode("utf-8", "backslashreplace")
            + b"\0"
            + element.encode("utf-8", "backslashreplace")
        )

    def __len__(self) -> int:
        return len(self.entries)

    def chunks(self, limit: int | None = None) -> Iterator[bytes]:
        """The JSON document in pieces (the first `limit` elements only, when given)."""
        self.entries.sort()
        shown = self.entries if limit is None else self.entries[:limit]
        if not shown:
            yield b"[]\n"
            return
        for index, entry in enumerate(shown):
            yield (b"[\n  " if index == 0 else b",\n  ") + entry[entry.index(b"\0") + 1 :]
        yield b"\n]\n"


def order_key(view: dict[str, object]) -> str:
    """`rectification_store.view_order` as one string that sorts the same way: a one-digit rank
    and two ISO dates have fixed widths, so comparing the strings compares the fields in turn."""
    from wkb_tracker.store.rectification_store import view_order

    rank, deadline, opened, item_id = view_order(view)
    return f"{rank}{deadline.isoformat()}{opened.isoformat()}{item_id}"
