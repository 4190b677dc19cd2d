"""Joining rectification events read from their own files with their items (measure 15).

Since one file per event (`data/rectifications/YYYY/MM/<item id>.<event id>.yaml`, beside the
item), an item's history is the events embedded in its own file (the format before; still read)
plus every event file beside it, in history order (`rectification.in_order`). Two clones that
each add events only ever add files, so git merges them without a conflict; the walk of the
merged history then decides what counts (see rectification.py).

An event file is joined only with an item in the same folder (the folder the cache keys on); one
without its item there is a problem. A merged history the rules refuse in part (both clones
closed the item) is reported at each refused event's own file and line (`history_problems`): by
`wkb validate`, and as a warning by every command that loads the item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from wkb_tracker.domain.errors import Problem
from wkb_tracker.domain.i18n import say
from wkb_tracker.domain.model import EventFile, Rectification, RectificationEvent
from wkb_tracker.domain.rectification import in_order, walk
from wkb_tracker.store.storage import node_line


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0]


def join(records: Iterable[Any]) -> tuple[list[Rectification], list[Problem]]:
    """The items among `records` with their event files' events merged in, in the order the items
    came; and a problem for each event file whose item is not in its folder (left out)."""
    items: list[Rectification] = []
    events: dict[tuple[str, str], list[EventFile]] = defaultdict(list)
    for record in records:
        if isinstance(record, EventFile):
            events[(_folder(record.path), record.item)].append(record)
        else:
            items.append(record)
    if not events:
        return items, []
    # Events join the item at its own file name, `<id>.yaml`, when a copy of it stands beside it
    # (duplicates.py counts that one); else the first item with the id in their folder.
    target: dict[tuple[str, str], int] = {}
    wanted = {item_id for _folder_rel, item_id in events}
    for index, item in enumerate(items):
        if item.id not in wanted:  # most items have no event file: no key to build
            continue
        key = (_folder(item.path), item.id)
        if key not in target or item.path.endswith(f"/{item.id}.yaml"):
            target[key] = index
    joined = list(items)
    for key, index in target.items():
        found = events.pop(key, None)
        if found:
            item = joined[index]
            merged = in_order([*item.events, *(loose.event for loose in found)])
            joined[index] = replace(item, events=merged)
    problems = [
        Problem(
            loose.path,
            1,
            say(
                "事件文件没有对应的整改事项 {i}(事件文件应与事项文件位于同一目录)",
                "event file without its rectification item {i} (event files sit beside the "
                "item's file)",
                i=item_id,
            ),
        )
        for (_folder_rel, item_id), orphans in sorted(events.items())
        for loose in orphans
    ]
    return joined, problems


def event_problem(
    root: Path, item: Rectification, event: RectificationEvent, message: str, field: str
) -> Problem:
    """A Problem at the line of `field` of `event`: in its own file, or in the item's `events`."""
    keys: tuple[str | int, ...]
    if event.id is not None:
        rel, keys = event.path, (field,)
    else:
        rel, keys = item.path, ("events", event.index or 0, field)
    try:
        text = (root / rel).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return Problem(rel, 1, message)
    return Problem(rel, node_line(text, *keys), message)


def history_problems(root: Path, item: Rectification, *, today: date) -> list[Problem]:
    """Each event of the item's history that the rules refuse (see `rectification.walk`), at its
    own line. (An event dated before the opened date is reported by the field checks.)"""
    return [
        event_problem(root, item, item.events[index], refusal.message, refusal.field)
        for index, refusal in walk(item, today=today).refused
        if refusal.code != "before_opened"
    ]
