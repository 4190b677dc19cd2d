"""A reader for the flat shape wkb's config files are written in, with no TOML parser at all.

Every command reads `wkb.toml` and `wkb.local.toml`, and importing tomllib is ~1.8 ms of `wkb
visit add`'s start-up (~2% of it, issue 9). Both files hold a few `key = value` lines (`wkb config
set` writes them with tomli_w, under a comment). This module reads exactly that shape: lines that
are blank, a comment, or a bare key, `=` and one value — a basic string without escapes, a
decimal integer of at most 18 digits, `true` or `false` — with an optional comment after it, and
lines ended by LF or CRLF. Anything else — a table, an array, a dotted or quoted key, a key given
twice, an escape, a tab in a string, a literal string, a float, a date, a `+` or `_` in a
number, a control character, a lone CR, a byte-order mark — makes it answer None, and the caller
parses the text with tomllib as before. So a table it does return is the one `tomllib.loads`
returns, type for type (tests/test_plain_toml.py compares them on generated texts).
"""

from __future__ import annotations

import re

# What tomllib refuses in a string or a comment is an ASCII control character other than tab
# (U+0000–0008, 000A–001F, 007F); strings here also leave out tab, `"` and `\`.
_LINE = re.compile(
    r"[ \t]*"
    r"(?:(?P<key>[A-Za-z0-9_-]+)[ \t]*=[ \t]*"
    r'(?:"(?P<text>[^"\\\x00-\x1f\x7f]*)"|(?P<int>-?(?:0|[1-9][0-9]{0,17}))|(?P<bool>true|false))'
    r"[ \t]*)?"
    r"(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?"
)


def read(text: str) -> dict[str, str | int | bool] | None:
    """The table `text` holds when it has the flat shape above, else None."""
    table: dict[str, str | int | bool] = {}
    lines = text.split("\n")
    last = len(lines) - 1
    for number, line in enumerate(lines):
        if number < last and line.endswith("\r"):
            line = line[:-1]  # CRLF; a CR anywhere else is refused below
        match = _LINE.fullmatch(line)
        if match is None:
            return None
        key = match["key"]
        if key is None:
            continue  # a blank line or a comment
        if key in table:
            return None  # tomllib refuses it and says where
        if match["text"] is not None:
            table[key] = match["text"]
        elif match["int"] is not None:
            table[key] = int(match["int"])
        else:
            table[key] = match["bool"] == "true"
    return table
