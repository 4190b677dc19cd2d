"""The record cache's rows (store/record_cache.py): a visit, a rectification item with its events,
or an event from its own file as one JSON array, and back.

Every row codec is generated from the one field list of its kind (domain/model: VISIT_FIELDS,
RECTIFICATION_FIELDS, EVENT_FIELDS), as dataclasses generates `__init__`: a row is the fields'
values in list order, then where the record was read from (`path`; an event's `id`, `path`,
`index`). A field added to a list (and to its class) flows into the rows, and into the cache's
SCHEMA_VERSION (`fields_digest`), with no edit here; a class attribute that is neither a listed
field nor a known extra stops the import (it would otherwise be dropped by the cache without a
word). The classes are built positionally, in their own attribute order (the quickest call).
"""

from __future__ import annotations

import dataclasses
import json
import keyword
from collections.abc import Callable
from datetime import date, datetime
from hashlib import blake2b
from typing import Any

from wkb_tracker.domain.model import (
    EVENT_FIELDS,
    RECTIFICATION_FIELDS,
    VISIT_FIELDS,
    EventFile,
    Field,
    Rectification,
    RectificationEvent,
    Visit,
    VoidMark,
)

# Where a record was read from, after its fields in its row (not fields of its file).
VISIT_EXTRAS = ("path",)
ITEM_EXTRAS = ("path",)
EVENT_EXTRAS = ("id", "path", "index")

# Values many rows repeat (districts, departments, owners, recurring problem texts, kinds,
# dates), shared by the rows decoded in one read instead of one copy each: a warm month at 100k
# keeps ~7,000 items, and their repeated strings were a fifth of its Python objects. Emptied
# after each load. Only a choice of what to share: a field not named here is decoded all the same.
SHARED_ITEM_TEXTS = frozenset(
    {"problem", "district", "district_id", "source", "department", "owner", "created_by"}
)
SHARED_EVENT_TEXTS = frozenset({"kind", "by", "note"})
_texts: dict[Any, Any] = {}
_days: dict[str, date] = {}


def forget_shared_values() -> None:
    """Empty the shared values once the rows of one read are decoded (every reader of rows calls
    this when it is done: the tables would otherwise grow for the life of the process)."""
    _texts.clear()
    _days.clear()


def _text(value: Any) -> Any:
    return _texts.setdefault(value, value)


def _day(text: str) -> date:
    found = _days.get(text)
    if found is None:
        found = _days[text] = date.fromisoformat(text)
    return found


_ENCODE = {
    "date": "{v}.isoformat()",
    "any_date": "{v}.isoformat()",
    "datetime": "{v}.isoformat()",
    "ints": "list({v})",
    "strs": "list({v})",
    "list": "list({v})",
    "mapping": "_encode_mapping({v})",
}
_DECODE = {
    "date": "_date({v})",
    "any_date": "_date({v})",
    "datetime": "_datetime({v})",
    "ints": "tuple({v})",
    "strs": "tuple({v})",
    "list": "tuple({v})",
    "mapping": "_decode_mapping({v})",
}


def _encode_mapping(value: Any) -> Any:
    """A visit's void mark as [reason, by, at]; any other mapping as it is."""
    if isinstance(value, VoidMark):
        return [value.reason, value.by, value.at.isoformat()]
    return value


def _decode_mapping(value: Any) -> Any:
    if isinstance(value, list):
        return VoidMark(value[0], value[1], datetime.fromisoformat(value[2]))
    return value


# `json.dumps(row, ensure_ascii=False)` builds an encoder on every call (its arguments are not
# the defaults); one built once writes the same text, a quarter cheaper (a cold validate
# encodes 150,000 rows at 100k visits).
_to_json = json.JSONEncoder(ensure_ascii=False).encode


def visit_attribute(name: str) -> str:
    """The record attribute of a file key (`with` → `with_`, as Python spells a keyword)."""
    return name + "_" if keyword.iskeyword(name) else name


def _may_be_none(cls: type, attribute: str) -> bool:
    """Whether the class lets the attribute hold None (its annotation says `| None`, as text
    under `from __future__ import annotations` or as a type): only then does its row value need
    a None check."""
    annotation = str({f.name: f.type for f in dataclasses.fields(cls)}[attribute])
    return "None" in annotation or "Optional" in annotation


def codec_source(
    name: str,
    cls: type,
    fields: tuple[Field, ...],
    extras: tuple[str, ...],
    *,
    shared: frozenset[str] = frozenset(),
    nested: dict[str, str] | None = None,
) -> str:
    """The source of `<name>_values(record)` (the row as a list), `encode_<name>(record)` (as
    JSON text), `<name>_of(row)` (the record of a row as a list) and `decode_<name>(text)` (of
    a row as JSON text or as a list; one call, as a visit is decoded 100,000 times). `shared`: fields whose
    texts and dates are shared within one read (`_text`, `_day`); `nested`: a list field whose
    elements have their own codec (field → that codec's name)."""
    nested = nested or {}
    attributes = [visit_attribute(spec.name) for spec in fields]
    wanted = [f.name for f in dataclasses.fields(cls)]
    given = attributes + list(extras)
    if sorted(given) != sorted(wanted):
        raise TypeError(
            f"the {name} row codec has values for {sorted(set(given) - set(wanted))} that"
            f" {cls.__name__} lacks, and none for {sorted(set(wanted) - set(given))}"
        )
    encoded: list[str] = []
    decoded: dict[str, str] = {}
    for index, (spec, attribute) in enumerate(zip(fields, attributes, strict=True)):
        value = f"record.{attribute}"
        cell = f"row[{index}]"
        if spec.name in nested:
            inner = nested[spec.name]
            encoded.append(f"[{inner}_values(each) for each in {value}]")
            decoded[attribute] = f"tuple([{inner}_of(each) for each in {cell}])"
            continue
        to_row = _ENCODE.get(spec.kind, "{v}")
        from_row = _DECODE.get(spec.kind, "{v}")
        if spec.name in shared:
            from_row = "_day({v})" if spec.kind == "date" else "_text({v})"
        if _may_be_none(cls, attribute):  # else no check: the class never holds None there
            # values kept as they are, a mapping's codec and a shared text take None as it is
            as_it_is = ("{v}", "_encode_mapping({v})", "_decode_mapping({v})", "_text({v})")
            if to_row not in as_it_is:
                to_row = f"(None if {{v}} is None else {to_row})"
            if from_row not in as_it_is:
                from_row = f"(None if {{v}} is None else {from_row})"
        encoded.append(to_row.format(v=value))
        decoded[attribute] = from_row.format(v=cell)
    for index, attribute in enumerate(extras, start=len(fields)):
        encoded.append(f"record.{attribute}")
        decoded[attribute] = f"row[{index}]"
    positional = [decoded[f.name] for f in dataclasses.fields(cls) if not f.kw_only]
    named = [f"{f.name}={decoded[f.name]}" for f in dataclasses.fields(cls) if f.kw_only]
    values = ", ".join(encoded)
    built = ", ".join(positional + named)
    return (
        f"def {name}_values(record):\n"
        f"    return [{values}]\n"
        f"def encode_{name}(record):\n"
        f"    return _dumps([{values}])\n"
        f"def {name}_of(row):\n"
        f"    return {cls.__name__}({built})\n"
        f"def decode_{name}(text):\n"
        f"    row = _loads(text) if isinstance(text, str) else text\n"
        f"    return {cls.__name__}({built})\n"
    )


def _generated(source: str, classes: tuple[type, ...]) -> dict[str, Any]:
    names: dict[str, Any] = {
        "_dumps": _to_json,
        "_loads": json.loads,
        "_date": date.fromisoformat,
        "_datetime": datetime.fromisoformat,
        "_day": _day,
        "_text": _text,
        "_encode_mapping": _encode_mapping,
        "_decode_mapping": _decode_mapping,
        **{cls.__name__: cls for cls in classes},
    }
    exec(source, names)
    return names


def _codecs() -> str:
    # Dates of items and events are shared (`_day`) like their repeated texts; a visit's are
    # not (visit rows are also decoded outside the reads that empty the shared values).
    shared_event = SHARED_EVENT_TEXTS | {s.name for s in EVENT_FIELDS if s.kind == "date"}
    shared_item = SHARED_ITEM_TEXTS | {s.name for s in RECTIFICATION_FIELDS if s.kind == "date"}
    return (
        codec_source("visit", Visit, VISIT_FIELDS, VISIT_EXTRAS)
        + codec_source("event", RectificationEvent, EVENT_FIELDS, EVENT_EXTRAS, shared=shared_event)
        + codec_source(
            "item",
            Rectification,
            RECTIFICATION_FIELDS,
            ITEM_EXTRAS,
            shared=shared_item,
            nested={"events": "event"},
        )
    )


_made = _generated(_codecs(), (Visit, Rectification, RectificationEvent))
encode_visit: Callable[[Visit], str] = _made["encode_visit"]
decode_visit: Callable[[str | list[Any]], Visit] = _made["decode_visit"]
_event_values: Callable[[RectificationEvent], list[Any]] = _made["event_values"]
_event_of: Callable[[list[Any]], RectificationEvent] = _made["event_of"]
_encode_item: Callable[[Rectification], str] = _made["encode_item"]
_item_of: Callable[[list[Any]], Rectification] = _made["item_of"]
ITEM_ID = [spec.name for spec in RECTIFICATION_FIELDS].index("id")  # an item row's id: row[ITEM_ID]
_EVENT_FILE_ROW = 3  # [item id, event, path]; an item's row is longer (fields and path)
assert len(RECTIFICATION_FIELDS) + len(ITEM_EXTRAS) != _EVENT_FILE_ROW


def encode_item(item: Rectification | EventFile) -> str:
    """An item's row, or an event file's row ([item id, event, path])."""
    if isinstance(item, EventFile):
        return _to_json([item.item, _event_values(item.event), item.path])
    return _encode_item(item)


def decode_item(text: str | list[Any]) -> Rectification | EventFile:
    row = json.loads(text) if isinstance(text, str) else text
    if len(row) == _EVENT_FILE_ROW:
        return EventFile(row[0], _event_of(row[1]), row[2])
    return _item_of(row)


def row_codec(kind: str) -> tuple[Callable[[Any], str], Callable[[Any], Any]]:
    """(encode, decode) of a kind's rows ("visits", else items and event files)."""
    return (encode_visit, decode_visit) if kind == "visits" else (encode_item, decode_item)


def fields_digest(
    visit_fields: tuple[Field, ...] = VISIT_FIELDS,
    item_fields: tuple[Field, ...] = RECTIFICATION_FIELDS,
    event_fields: tuple[Field, ...] = EVENT_FIELDS,
) -> str:
    """A digest of the rows' layout: every field list (name, kind, nullable) and the extras after
    the fields. A field added to any kind, or a kind changed, changes it."""
    listed = repr(
        [
            [(spec.name, spec.kind, spec.nullable) for spec in fields] + [extras]
            for fields, extras in (
                (visit_fields, VISIT_EXTRAS),
                (item_fields, ITEM_EXTRAS),
                (event_fields, EVENT_EXTRAS),
            )
        ]
    )
    return blake2b(listed.encode(), digest_size=6).hexdigest()
