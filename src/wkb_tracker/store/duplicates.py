"""One record per id: a copied file (`cp` of a visit to another name) must not count twice.

Every reader goes through `one_per_id` after loading, so reports, lists, `due` and `validate`
agree. Which copy counts is deterministic: the one at the path wkb gives that record (its
canonical path), else the first by path. Every other copy is a `Problem` at its `id` line naming
the copy that counts: `wkb validate` reports it (exit 1), the other commands warn.

A copy can also stand beside a record the reader did not load (an item outside a report's
window, a visit in a month not asked for): a record found away from its canonical path is
checked against the file at that path, which wins when it holds the same id. Only misplaced
records cost that extra read, so the common case costs one dictionary pass.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

from wkb_tracker.domain.errors import Problem
from wkb_tracker.domain.i18n import say
from wkb_tracker.store.storage import node_line, read_yaml


class Record(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def path(self) -> str | None: ...


R = TypeVar("R", bound=Record)


def duplicate_problem(root: Path, rel: str, record_id: str, kept: str) -> Problem:
    """`rel:line-of-id: duplicate id … (also in kept): counted once, as in kept`."""
    try:
        line = node_line((root / rel).read_text(encoding="utf-8"), "id")
    except (OSError, UnicodeDecodeError):
        line = 1
    message = say(
        "编号 {i} 重复(另见 {p}):此副本不计入",
        "duplicate id {i} (also in {p}): this copy is not counted",
        i=record_id,
        p=kept,
    )
    return Problem(rel, line, message)


def _holds(root: Path, rel: str, record_id: str) -> bool:
    """True when the file at `rel` reads as a mapping with this id (rare: misplaced records)."""
    if not os.path.lexists(root / rel):
        return False
    doc = read_yaml(root, rel)
    return not doc.problems and isinstance(doc.value, dict) and doc.value.get("id") == record_id


def one_per_id(
    root: Path, records: Sequence[R], canonical: Callable[[Any], str], *, check_homes: bool
) -> tuple[list[R], list[Problem]]:
    """`records` with one record per id (order kept), and a Problem for each copy left out.

    `check_homes`: also look for a record's canonical file when the reader did not load it
    (items: a report loads only those of its window). Visits need not: a visit is only loaded
    from the month folder of its date, which is where its canonical file is too."""
    unique = len({record.id for record in records}) == len(records)  # one C-speed pass
    strays = [r for r in records if r.path != canonical(r)] if check_homes else []
    if unique and not strays:
        return list(records), []
    by_id: dict[str, list[R]] = {}
    for record in records:
        by_id.setdefault(record.id, []).append(record)
    # In path order, whatever order the reader handed the records in (the record cache gives
    # the folders it parsed again first): the warnings read the same with or without it.
    groups = sorted(
        (copies for copies in by_id.values() if len(copies) > 1),
        key=lambda copies: min(record.path or "" for record in copies),
    )
    groups += sorted(
        ([stray] for stray in strays if len(by_id[stray.id]) == 1),
        key=lambda alone: alone[0].path or "",
    )
    loaded = {record.path for record in records}
    dropped: set[int] = set()
    problems: list[Problem] = []
    for copies in groups:
        record_id = copies[0].id
        ranked = sorted(copies, key=lambda r: (r.path != canonical(r), r.path or ""))
        kept = ranked[0]
        for copy in ranked[1:]:
            dropped.add(id(copy))
            problems.append(duplicate_problem(root, copy.path or "", record_id, kept.path or ""))
        home = canonical(kept)
        if (
            check_homes
            and kept.path != home
            and home not in loaded
            and _holds(root, home, record_id)
        ):
            dropped.add(id(kept))
            problems.append(duplicate_problem(root, kept.path or "", record_id, home))
    return [record for record in records if id(record) not in dropped], problems
