"""A reader for the plain shape record files are written in, with no YAML parser at all.

`wkb validate` parses every record file, and PyYAML — even composing with libyaml — costs about
twice what the rest of a record's checks do (issue 17.2). Record files written by wkb (and most
edited by hand) use a small part of YAML: a block mapping of `key: value` lines, values plain or
quoted on one line, `[]`, and under a bare `key:` a block sequence (`- value` or `- key: value`
with `  key: value` lines after it) or a mapping indented by two spaces. This module reads
exactly that shape, line by line. Whatever else a document holds — a character YAML treats
specially or refuses (`#`, `\\`, tabs, CR, control characters, NEL/LS/PS, a byte-order mark),
a blank line, a comment, a document marker, a block scalar, flow collections, anchors, tags,
a key given twice, a scalar that is not a string, a plain int, null, a boolean or an ISO date —
makes it answer None, and the caller parses the document with PyYAML as before. So a value it
does return is the one `yaml.load(data, CSafeLoader)` returns, type for type
(tests/test_plain_yaml.py compares them on generated documents, tricky characters included).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

# A character outside printable one-line YAML, or special in it, sends the document to PyYAML:
# C0 controls but LF, DEL and C1 controls (NEL among them), LS/PS (line breaks to YAML 1.1),
# surrogates, the byte-order mark, U+FFFE/U+FFFF; '#' (a comment after a space) and '\\' (an
# escape in double quotes). (Written as the few characters refused: a class of the allowed
# ranges takes ~15 ms to compile, a tenth of a `validate --staged`.)
_ODD = re.compile(r"[\x00-\x09\x0b-\x1f#\\\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
# Keys are short names (libyaml refuses a simple key over 1024 characters).
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
# A plain scalar must not start with an indicator (or a space); "-", "?" and ":" may start one
# when a non-space follows, but such values go to PyYAML.
_NOT_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@` ")
_PLAIN_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{6})?(?:[+-][0-9]{2}:[0-9]{2})?"
)
_BOOLS = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}
_STR = "tag:yaml.org,2002:str"
TIMESTAMP = "tag:yaml.org,2002:timestamp"

# The first characters of PyYAML's implicit resolvers (yaml/resolver.py: booleans, floats,
# ints, merge, null, timestamps, value): a plain scalar starting with any other is a string.
IMPLICIT_FIRST = frozenset("yYnNtTfFoO~-+.0123456789<=")
# What starts with a letter (or "~") is a boolean or null only when spelled as one of these.
WORDS: dict[str, bool | None] = {
    **dict.fromkeys(["yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"], True),
    **dict.fromkeys(["no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"], False),
    **dict.fromkeys(["null", "Null", "NULL", "~"]),
}
# A value starting with one of these is not simply its text.
_SPECIAL = _NOT_FIRST | IMPLICIT_FIRST
_resolver: Any = None
# Plain scalar text → its value (immutable: str, int, None, bool, date, datetime), or GIVE_UP.
_values: dict[str, Any] = {}
GIVE_UP = object()
_keys: set[str] = set()  # key names `_key` has accepted


class _Other(Exception):
    """Not the plain shape: PyYAML reads the document."""


def _plain(text: str) -> Any:
    """The value of a plain scalar, as PyYAML's safe loader builds it (or _Other)."""
    if text[0] in _NOT_FIRST or text[-1] in " :" or ": " in text:
        raise _Other
    if text[0] not in IMPLICIT_FIRST:
        return text  # nothing but a string can start like this (PyYAML's resolver table)
    value = _values.get(text)
    if value is None:
        value = _resolve(text)
        # Dates, numbers and words recur in every file; timestamps (to the minute) hardly do.
        if len(text) <= 16 and len(_values) < 100_000:
            _values[text] = value
    if value is GIVE_UP:
        raise _Other
    return value


def _resolve(text: str) -> Any:
    """`text`'s value by the safe loader's implicit resolvers (or GIVE_UP). Words, ISO dates
    and times and plain ints are told apart here (PyYAML is not even imported for a record);
    anything else starting like a number asks PyYAML's resolver."""
    global _resolver
    first = text[0]
    if (first.isascii() and first.isalpha()) or first == "~":
        return WORDS.get(text, text)
    try:  # no float or int pattern matches these: timestamps
        if ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
        if ISO_TIME.fullmatch(text):
            return datetime.fromisoformat(text)
    except ValueError:
        return GIVE_UP  # 2026-02-30: PyYAML reports it, with its line
    if _PLAIN_INT.fullmatch(text):
        return _int(text)  # no float pattern matches without a dot
    import yaml

    if _resolver is None:
        _resolver = yaml.resolver.Resolver()
    return tagged(_resolver.resolve(yaml.ScalarNode, text, (True, False)), text)


def _int(text: str) -> Any:
    """A plain int, or GIVE_UP past Python's digit limit (PyYAML's path reports that file)."""
    try:
        return int(text)
    except ValueError:
        return GIVE_UP


def tagged(tag: str, text: str) -> Any:
    """The value the safe loader builds for a scalar of `tag`, or GIVE_UP for what is not built
    here exactly (floats, other int forms, odd or impossible timestamps, merge and value keys):
    PyYAML's own constructor decides those, and reports what it refuses with its line."""
    if tag == _STR:
        return text
    if tag == "tag:yaml.org,2002:int" and _PLAIN_INT.fullmatch(text):
        return _int(text)
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool" and text.lower() in _BOOLS:
        return _BOOLS[text.lower()]
    if tag == TIMESTAMP:
        try:
            if ISO_DATE.fullmatch(text):
                return date.fromisoformat(text)
            if ISO_TIME.fullmatch(text):
                return datetime.fromisoformat(text)
        except ValueError:
            return GIVE_UP  # 2026-02-30
    return GIVE_UP


def _scalar(text: str) -> Any:
    """A value written on one line: plain, quoted without escapes, or `[]`."""
    if not text:
        raise _Other
    first = text[0]
    if first == '"' or first == "'":
        if len(text) >= 2 and text[-1] == first and first not in text[1:-1]:
            return text[1:-1]  # no quote inside: no escape ('' or \\) to undo
        raise _Other
    if text == "[]":
        return []
    return _plain(text)


def _key(text: str) -> str:
    """`text` as a mapping key: a short name that PyYAML reads as a string (not `yes`, `null`)."""
    if text in _keys:
        return text
    if _KEY.fullmatch(text) is None or (text[0] in IMPLICIT_FIRST and _plain(text) != text):
        raise _Other
    if len(_keys) < 10_000:
        _keys.add(text)
    return text


def _value(text: str) -> Any:
    """`_scalar`, with the most common case — a plain string — decided inline."""
    if not text or text[0] in _NOT_FIRST or text[-1] in " :" or ": " in text:
        return _scalar(text)
    if text[0] in IMPLICIT_FIRST:
        return _plain(text)
    return text


def load(text: str) -> Any:
    """The document's value, or None when it is not in the plain shape (module docstring)."""
    if _ODD.search(text) is not None:
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if not lines:
        return None
    try:
        return _mapping(lines)
    except _Other:
        return None


def _mapping(lines: list[str]) -> dict[str, Any] | None:
    mapping: dict[str, Any] = {}
    bare: str | None = None  # the last line was `key:` alone: its value follows
    items: list[Any] | None = None  # the sequence being read (under a bare key)
    inner: dict[str, Any] | None = None  # the mapping being read (`  key: value` lines)
    for line in lines:
        first = line[:1]
        if first == "-":  # `- value` or `- key: value`: an item of the sequence
            if line[1:2] != " ":
                return None
            if items is None:
                if bare is None:
                    return None
                items = mapping[bare] = []
                bare = None
            body = line[2:]
            name, sep, rest = body.partition(": ")
            if sep:  # a mapping (its key must be a name, as everywhere here)
                inner = {_key(name): _value(rest)}
                items.append(inner)
            elif body[-1:] == ":":
                return None  # `- key:`: a nested value
            else:
                items.append(_value(body))
                inner = None
        elif first == " ":  # `  key: value` in a sequence's mapping or under a bare key
            if line[1:2] != " ":
                return None
            if inner is None:
                if bare is None:
                    return None
                inner = mapping[bare] = {}
                bare = None
            name, sep, rest = line[2:].partition(": ")
            if not sep or name in inner:
                return None  # a key twice: PyYAML refuses it, with both lines
            inner[_key(name)] = _value(rest)
        else:  # `key: value` or `key:` in the document's mapping
            items = inner = None
            name, sep, rest = line.partition(": ")
            if sep:
                # Most values are plain strings: `_value`'s first test, without the call.
                if rest and rest[0] not in _SPECIAL and rest[-1] not in " :" and ": " not in rest:
                    value = rest
                else:
                    value = _value(rest)
                bare = None
            elif line[-1:] == ":":
                name = line[:-1]
                value = None
                bare = name
            else:
                return None
            if name in mapping:
                return None  # a key twice
            mapping[name if name in _keys else _key(name)] = value
    return mapping
