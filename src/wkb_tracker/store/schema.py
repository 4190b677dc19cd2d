"""Field-by-field checks of a YAML mapping against a declared shape, and a record's values by it.

Each record kind declares its fields once (name, kind, required); the same declaration checks
hand-edited files and, through `field_values`, gives the key order of the file written, the JSON
view and the cache row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from wkb_tracker.domain.dates import FIRST_DAY, LAST_DAY, in_range
from wkb_tracker.domain.errors import Problem
from wkb_tracker.domain.i18n import join_names, say

# The declarations are domain data (a record kind's fields, domain/model.py); this module checks
# a parsed mapping against them. `Field` is named here too for the store modules declaring theirs.
from wkb_tracker.domain.model import MAX_TEXT
from wkb_tracker.domain.model import Field as Field
from wkb_tracker.store.storage import Document

# kind → (check, description zh, description en)
_KINDS: dict[str, tuple[Any, str, str]] = {
    "str": (lambda v: isinstance(v, str) and v.strip() != "", "非空字符串", "a non-empty string"),
    "text": (lambda v: isinstance(v, str), "字符串", "a string"),
    "int": (lambda v: isinstance(v, int) and not isinstance(v, bool), "整数", "an integer"),
    "date": (
        lambda v: isinstance(v, date) and not isinstance(v, datetime),
        "日期(YYYY-MM-DD)",
        "a date (YYYY-MM-DD)",
    ),
    # A date kept only as a record of what was written (a withdrawn table entry's start): never
    # computed with, so it is not held to the accepted range the way "date" is.
    "any_date": (
        lambda v: isinstance(v, date) and not isinstance(v, datetime),
        "日期(YYYY-MM-DD)",
        "a date (YYYY-MM-DD)",
    ),
    "datetime": (
        lambda v: isinstance(v, datetime) and v.tzinfo is not None,
        "带时区的时间(如 2026-11-03 10:00:00+08:00)",
        "a timestamp with offset (e.g. 2026-11-03 10:00:00+08:00)",
    ),
    "strs": (
        lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v),
        "字符串列表",
        "a list of strings",
    ),
    "ints": (
        lambda v: (
            isinstance(v, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in v)
        ),
        "整数列表",
        "a list of integers",
    ),
    "mapping": (lambda v: isinstance(v, dict), "映射(键: 值)", "a mapping (key: value)"),
    "list": (lambda v: isinstance(v, list), "列表", "a list"),
}


_MISSING = object()
_TEXT_KINDS = frozenset({"str", "text", "strs"})
_DATED_KINDS = frozenset({"date", "datetime"})
_Check = tuple[str, bool, bool, Any, bool, bool, int]
# Per declaration: (known names, [(name, required, skip None, check, checks length, checks
# range, inline kind)]), built once. Inline kinds — 1: "str", 2: "text", 0: any other — are
# checked in the loop itself, without a call: most fields of most records are texts.
_INLINE = {"str": 1, "text": 2}
_SHAPES: dict[int, tuple[frozenset[str], list[_Check]]] = {}


def _shape(
    fields: tuple[Field, ...],
) -> tuple[frozenset[str], list[_Check]]:
    shape = _SHAPES.get(id(fields))
    if shape is None:
        shape = (
            frozenset(field.name for field in fields),
            [
                (
                    field.name,
                    field.required,
                    field.nullable or not field.required,
                    _KINDS[field.kind][0],
                    field.kind in _TEXT_KINDS,
                    field.kind in _DATED_KINDS,
                    _INLINE.get(field.kind, 0),
                )
                for field in fields
            ],
        )
        _SHAPES[id(fields)] = shape
    return shape


def _too_long(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) > MAX_TEXT
    if isinstance(value, list):
        return any(isinstance(item, str) and len(item) > MAX_TEXT for item in value)
    return False


def check_mapping(
    doc: Document, value: Any, fields: tuple[Field, ...], *keys: str | int
) -> list[Problem]:
    """Problems with `value` as a mapping of `fields` (at `keys` inside the document).

    This runs once per record on every load, so the common case (nothing wrong) is one pass with
    no messages built; messages and line numbers are only made for actual problems.
    """
    if not isinstance(value, dict):
        return [
            doc.problem(
                say(
                    "此处应为映射(键: 值),实际是 {kind}",
                    "expected a mapping (key: value) here, got {kind}",
                    kind=type(value).__name__,
                ),
                *keys,
            )
        ]
    known, checks = _shape(fields)
    wrong: list[tuple[str, str]] = []  # (problem kind, field name)
    if not known.issuperset(value):
        wrong += [("unknown", str(name)) for name in value if name not in known]
    for name, required, skip_none, check, text, dated, inline in checks:
        item = value.get(name, _MISSING)
        if item is _MISSING:
            if required:
                wrong.append(("missing", name))
        elif item is None and skip_none:
            continue
        elif inline:  # as _KINDS["str"] / ["text"], then _too_long, for a string
            if not isinstance(item, str) or (inline == 1 and item.strip() == ""):
                wrong.append(("type", name))
            elif len(item) > MAX_TEXT:
                wrong.append(("long", name))
        elif not check(item):
            wrong.append(("type", name))
        elif text and _too_long(item):
            wrong.append(("long", name))
        elif dated and not in_range(item):
            # A date outside dates.FIRST_DAY..LAST_DAY is a problem, and its record is left out:
            # counted, it would overflow the arithmetic of every report that met it.
            wrong.append(("range", name))
    if not wrong:
        return []
    return [_problem(doc, fields, kind, name, keys, value.get(name)) for kind, name in wrong]


def _problem(
    doc: Document,
    fields: tuple[Field, ...],
    kind: str,
    name: str,
    keys: tuple[str | int, ...],
    value: Any = None,
) -> Problem:
    if kind == "unknown":
        message = say(
            "未知字段 {name};可用字段:{known}",
            "unknown field {name}; known fields: {known}",
            name=name,
            known=join_names(f.name for f in fields),
        )
        return doc.problem(message, *keys, name)
    if kind == "missing":
        return doc.problem(say("缺少字段 {name}", "missing field {name}", name=name), *keys)
    if kind == "type":
        field = next(f for f in fields if f.name == name)
        _check, zh, en = _KINDS[field.kind]
        message = say("字段 {name} 应为{zh}", "field {name} must be {en}", name=name, zh=zh, en=en)
        return doc.problem(message, *keys, name)
    if kind == "range":
        message = say(
            "字段 {name} 的日期 {value} 超出可用范围({a} 至 {b})",
            "field {name}: {value} is outside the accepted dates ({a} to {b})",
            name=name,
            value=value,
            a=FIRST_DAY,
            b=LAST_DAY,
        )
        return doc.problem(message, *keys, name)
    message = say(
        "字段 {name} 超过 {max} 个字符",
        "field {name} is longer than {max} characters",
        name=name,
        max=MAX_TEXT,
    )
    return doc.problem(message, *keys, name)


# Which fields a mapping holds: a rule of (field, its value) → kept. Each caller names its own.
Keep = Callable[[Field, Any], bool]


def every_field(spec: Field, value: Any) -> bool:
    """Views and cache rows: every field, null when unset."""
    return True


def written_field(spec: Field, value: Any) -> bool:
    """A record file: a field marked `omit_empty` only when set, so files written before it
    existed stay as they are (and earlier versions, which refuse unknown keys, read the rest)."""
    return not spec.omit_empty or bool(value)


def field_values(
    record: Any, fields: tuple[Field, ...], *, keep: Keep, iso: bool = False
) -> dict[str, Any]:
    """`record`'s values of `fields`, in their order, those `keep` refuses left out: tuples as
    lists, and with `iso` dates and times as ISO text (JSON has neither). A field whose value is
    itself a record (a visit's void mark, an item's events) is the caller's to replace."""
    values: dict[str, Any] = {}
    for spec in fields:
        value = getattr(record, spec.name)
        if not keep(spec, value):
            continue
        if isinstance(value, tuple):
            value = list(value)
        elif iso and isinstance(value, date):
            value = value.isoformat()
        values[spec.name] = value
    return values
