"""The on-disk record format (a public promise): visits and rectification items as YAML mappings.

Each kind declares its fields once, in the order they are written. `*_from_document` turns a parsed
file into a model object or Problems; `*_to_mapping` gives the mapping to write. Later versions
must keep reading every file an earlier one wrote: add optional fields, never rename.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from wkb_tracker.domain import model
from wkb_tracker.domain.errors import Problem
from wkb_tracker.domain.i18n import say
from wkb_tracker.domain.model import (
    EVENT_FIELDS,
    EVENT_FILE_FIELDS,
    EVENT_KINDS,
    EVENT_REQUIRES,
    RECTIFICATION_FIELDS,
    VISIT_FIELDS,
    VOID_FIELDS,
    Visit,
)
from wkb_tracker.store.root import RECTIFICATIONS_DIR, VISITS_DIR
from wkb_tracker.store.schema import Field, check_mapping, every_field, field_values, written_field
from wkb_tracker.store.storage import Document

if TYPE_CHECKING:
    # At run time these classes are `model.…`, looked up when a void mark or an item is read:
    # importing them here would create them in every command, `wkb visit add` too (see
    # domain/model.py).
    from wkb_tracker.domain.model import EventFile, Rectification, RectificationEvent


def visit_path(visit_id: str, day: date, district_id: str) -> str:
    """`data/visits/YYYY/MM/YYYY-MM-DD_<district id>_<id>.yaml`, relative to the root."""
    # Zero-padded by hand: strftime's %Y gives "1", not "0001", for early years on glibc.
    folder = f"{VISITS_DIR}/{day.year:04d}/{day.month:02d}"
    return f"{folder}/{day.isoformat()}_{district_id}_{visit_id}.yaml"


def rectification_path(item_id: str, opened: date) -> str:
    """`data/rectifications/YYYY/MM/<id>.yaml` by opened date, relative to the root."""
    return f"{RECTIFICATIONS_DIR}/{opened.year:04d}/{opened.month:02d}/{item_id}.yaml"


def event_path(item_path: str, item_id: str, event_id: str) -> str:
    """`data/rectifications/YYYY/MM/<item id>.<event id>.yaml`: beside the item's file, so a git
    merge of two clones' events only ever adds files, and a month folder holds all its items'
    history (the cache keys a folder by its files)."""
    folder = item_path.rsplit("/", 1)[0]
    return f"{folder}/{item_id}.{event_id}.yaml"


def is_event_file(name: str) -> bool:
    """An event file's name has two dots (`R….E….yaml`); an item's has one."""
    return name.count(".") >= 2


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list) else ()


def visit_from_document(doc: Document) -> tuple[Visit | None, list[Problem]]:
    """A Visit from a parsed file, or None and the problems that prevent it."""
    raw = doc.value
    problems = check_mapping(doc, raw, VISIT_FIELDS)
    void = raw.get("void") if isinstance(raw, dict) else None
    if isinstance(void, dict):
        problems += check_mapping(doc, void, VOID_FIELDS, "void")
    if problems:
        return None, problems
    return (
        Visit(
            id=raw["id"],
            date=raw["date"],
            district=raw["district"],
            district_id=raw["district_id"],
            leader=raw["leader"],
            entity=raw["entity"],
            entity_id=raw.get("entity_id"),
            type=raw["type"],
            mode=raw["mode"],
            measures=tuple(raw.get("measures") or ()),
            summary=raw.get("summary") or "",
            problems=_strings(raw.get("problems")),
            participants=_strings(raw.get("participants")),
            recorder=raw.get("recorder") or "",
            recorded_at=raw["recorded_at"],
            late_reason=raw.get("late_reason"),
            late_approved_by=raw.get("late_approved_by"),
            void=model.VoidMark(void["reason"], void["by"], void["at"])
            if isinstance(void, dict)
            else None,
            path=doc.rel,
            joint_leaders=_strings(raw.get("joint_leaders")),
        ),
        [],
    )


def visit_to_mapping(visit: Visit) -> dict[str, Any]:
    """The mapping a visit file holds, in `VISIT_FIELDS` order; fields marked `omit_empty` only
    when set (files written before they existed stay as they are)."""
    mapping = field_values(visit, VISIT_FIELDS, keep=written_field)
    if visit.void is not None:
        mapping["void"] = field_values(visit.void, VOID_FIELDS, keep=every_field)
    return mapping


def _event_problems(
    doc: Document, event: Any, fields: tuple[Any, ...], *keys: str | int
) -> list[Problem]:
    found = check_mapping(doc, event, fields, *keys)
    if not found and event["kind"] not in EVENT_KINDS:
        found.append(
            doc.problem(
                say(
                    "未知的事件类型 {k};可选:{v}",
                    "unknown event kind {k}; valid: {v}",
                    k=event["kind"],
                    v=", ".join(EVENT_KINDS),
                ),
                *keys,
                "kind",
            )
        )
    if not found:
        for name in EVENT_REQUIRES[event["kind"]]:
            if event.get(name) is None:
                found.append(
                    doc.problem(
                        say("{k} 事件缺少 {n}", "{k} event lacks {n}", k=event["kind"], n=name),
                        *keys,
                    )
                )
    return found


def _event(raw: dict[str, Any], **origin: Any) -> RectificationEvent:
    values: dict[str, Any] = {spec.name: raw.get(spec.name) for spec in EVENT_FIELDS}
    return model.RectificationEvent(**values, **origin)


def rectification_from_document(doc: Document) -> tuple[Rectification | None, list[Problem]]:
    """An item from its file, with the events embedded in it (the format before one file per
    event; still read, never written). Events in their own files join it in the loader."""
    # Imported here: `wkb visit add` reads no rectification and starts faster without it.
    from wkb_tracker.domain.rectification import in_order

    raw = doc.value
    problems = check_mapping(doc, raw, RECTIFICATION_FIELDS)
    events: list[RectificationEvent] = []
    if not problems:
        for index, event in enumerate(raw.get("events") or []):
            found = _event_problems(doc, event, EVENT_FIELDS, "events", index)
            problems += found
            if not found:
                events.append(_event(event, path=doc.rel, index=index))
    if problems:
        return None, problems
    return (
        model.Rectification(
            id=raw["id"],
            problem=raw["problem"],
            district=raw["district"],
            district_id=raw["district_id"],
            source=raw["source"],
            visit=raw.get("visit"),
            measure=raw.get("measure"),
            department=raw["department"],
            owner=raw["owner"],
            opened=raw["opened"],
            deadline=raw["deadline"],
            created_by=raw.get("created_by") or "",
            created_at=raw.get("created_at"),
            events=in_order(events),
            path=doc.rel,
            late_reason=raw.get("late_reason"),
            late_approved_by=raw.get("late_approved_by"),
            review=raw.get("review"),
        ),
        [],
    )


def event_file_from_document(doc: Document) -> tuple[EventFile | None, list[Problem]]:
    """One event from its own file. Its name must be `<item>.<id>.yaml` as its fields say: the
    name is what keeps two clones' events apart, the fields are what is read."""
    raw = doc.value
    problems = _event_problems(doc, raw, EVENT_FILE_FIELDS)
    if problems:
        return None, problems
    name = doc.rel.rsplit("/", 1)[-1]
    expected = f"{raw['item']}.{raw['id']}.yaml"
    if name != expected:
        message = say(
            "文件名应为 {n}(事项编号.事件编号.yaml)",
            "the file should be named {n} (item id.event id.yaml)",
            n=expected,
        )
        return None, [doc.problem(message, "id")]
    return model.EventFile(raw["item"], _event(raw, id=raw["id"], path=doc.rel), doc.rel), []


def event_to_mapping(event: RectificationEvent) -> dict[str, Any]:
    """An event as written, in `EVENT_FIELDS` order; the fields it does not use left out."""
    return field_values(event, EVENT_FIELDS, keep=_used_by_event)


def _used_by_event(spec: Field, value: Any) -> bool:
    """The four fields every event has, and of the others those set (null is never written; an
    empty text would be, unlike `written_field`'s rule)."""
    return spec.required or value is not None


def event_file_mapping(item_id: str, event: RectificationEvent) -> dict[str, Any]:
    """What an event's own file holds: its id, its item's id, then the event."""
    assert event.id is not None
    return {"id": event.id, "item": item_id, **event_to_mapping(event)}


def rectification_to_mapping(item: Rectification) -> dict[str, Any]:
    """An item's file, in `RECTIFICATION_FIELDS` order: `events` holds only the events written
    in the item's own file (the format before one file per event); fields marked `omit_empty`
    only when set."""
    mapping = field_values(item, RECTIFICATION_FIELDS, keep=written_field)
    mapping["events"] = [event_to_mapping(event) for event in item.events if event.id is None]
    return mapping
