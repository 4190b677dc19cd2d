"""Field-by-field checks of a YAML mapping against a declared shape.

Each record kind declares its fields once (name, kind, required); the same declaration checks
hand-edited files and fixes the key order when writing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from wkb_tracker.errors import Problem
from wkb_tracker.i18n import say
from wkb_tracker.model import MAX_TEXT
from wkb_tracker.storage import Document

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


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: str
    required: bool = True
    nullable: bool = False


def _too_long(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) > MAX_TEXT
    if isinstance(value, list):
        return any(isinstance(item, str) and len(item) > MAX_TEXT for item in value)
    return False


def check_mapping(
    doc: Document, value: Any, fields: tuple[Field, ...], *keys: str | int
) -> list[Problem]:
    """Problems with `value` as a mapping of `fields` (at `keys` inside the document)."""
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
    problems = []
    known = {field.name for field in fields}
    for name in value:
        if name not in known:
            problems.append(
                doc.problem(
                    say(
                        "未知字段 {name};可用字段:{known}",
                        "unknown field {name}; known fields: {known}",
                        name=name,
                        known=", ".join(f.name for f in fields),
                    ),
                    *keys,
                    name,
                )
            )
    for field in fields:
        if field.name not in value:
            if field.required:
                problems.append(
                    doc.problem(
                        say("缺少字段 {name}", "missing field {name}", name=field.name), *keys
                    )
                )
            continue
        item = value[field.name]
        if item is None and (field.nullable or not field.required):
            continue
        check, zh, en = _KINDS[field.kind]
        if not check(item):
            problems.append(
                doc.problem(
                    say(
                        "字段 {name} 应为{zh}",
                        "field {name} must be {en}",
                        name=field.name,
                        zh=zh,
                        en=en,
                    ),
                    *keys,
                    field.name,
                )
            )
        elif _too_long(item):
            problems.append(
                doc.problem(
                    say(
                        "字段 {name} 超过 {max} 个字符",
                        "field {name} is longer than {max} characters",
                        name=field.name,
                        max=MAX_TEXT,
                    ),
                    *keys,
                    field.name,
                )
            )
    return problems
