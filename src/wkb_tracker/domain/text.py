"""What a free-text value may hold: the one check every typed text passes before it is stored.

Options, prompts, an editor's copy, `git config user.name`: whatever a person typed is cleaned
here, so a value wkb stores always reads back as what was typed. Refused (`UserError`, exit 2,
nothing written): an empty required value; control characters (line breaks and tabs only where
a field may span lines); text that is not valid UTF-8 (an undecodable byte reaches Python as a
lone surrogate such as U+DC85: a terminal or git configured in another encoding); more than
MAX_TEXT characters.
"""

from __future__ import annotations

import re
from functools import cache

from wkb_tracker.domain.errors import UserError
from wkb_tracker.domain.i18n import say
from wkb_tracker.domain.model import MAX_TEXT

_REFUSED = frozenset({"Cc", "Cs", "Zl", "Zp"})
# Every character of those categories, as character classes: Cc is U+0000–001F and U+007F–009F,
# Cs the surrogates, Zl U+2028, Zp U+2029 (tests/test_visit_rules.py checks this against
# unicodedata over every code point). `wkb validate` checks ~400,000 texts at 100k visits: a
# printable text (str.isprintable: no character of "Other" or "Separator" but the space, so none
# of those four) is clean at once, and one regex search tells the others clean, or where to look
# character by character for the message. The patterns are compiled on first use: their ranges
# beyond Latin-1 take ~0.3 ms each to compile, and most runs (`wkb visit add`) never need them.
_ANY_REFUSED = "[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]"
_REFUSED_IN_LINES = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]"


@cache
def refused_pattern(multiline: bool) -> re.Pattern[str]:
    """The regex finding a refused character (line breaks and tabs allowed when `multiline`)."""
    return re.compile(_REFUSED_IN_LINES if multiline else _ANY_REFUSED)


def not_utf8(label: str) -> UserError:
    """The refusal for text holding bytes that are not UTF-8 (lone surrogates in Python)."""
    return UserError(
        say(
            "{label} 含无法识别的字节(不是有效的 UTF-8 文本,可能终端或 git 使用了其他编码);"
            "请用 UTF-8 重新输入",
            "{label} holds bytes that are not valid UTF-8 text (the terminal or git may use "
            "another encoding); type it again in UTF-8",
            label=label,
        )
    )


def clean_text(text: str, label: str, *, required: bool = False, multiline: bool = False) -> str:
    """`text` without surrounding blanks (CRLF read as LF). Refuses an empty required value,
    bytes that are not UTF-8, control characters (line breaks and tabs only when `multiline`)
    and more than MAX_TEXT characters."""
    cleaned = text.replace("\r\n", "\n").strip()
    if required and not cleaned:
        raise UserError(say("{label} 不能为空", "{label} must not be empty", label=label))
    if not cleaned.isprintable() and refused_pattern(multiline).search(cleaned) is not None:
        _refuse_character(cleaned, label, multiline)
    if len(cleaned) > MAX_TEXT:
        raise UserError(
            say(
                "{label} 过长:{n} 个字符,上限 {max}",
                "{label} is too long: {n} characters, the limit is {max}",
                label=label,
                n=len(cleaned),
                max=MAX_TEXT,
            )
        )
    return cleaned


def _refuse_character(text: str, label: str, multiline: bool) -> None:
    """Refuse `text`, which holds a character of a refused category: name the first one."""
    import unicodedata  # only here, where a text is refused

    for char in text:
        if multiline and char in "\n\t":
            continue
        category = unicodedata.category(char)
        if category in _REFUSED:
            if category == "Cs":
                raise not_utf8(label)
            raise UserError(
                say(
                    "{label} 含不允许的控制字符 {c!r}",
                    "{label} contains a control character {c!r}, which is not allowed",
                    label=label,
                    c=char,
                )
            )


def optional_text(text: str | None, label: str, *, multiline: bool = False) -> str | None:
    """None when `text` is absent or blank, else `text` cleaned by `clean_text`."""
    if text is None or not text.strip():
        return None
    return clean_text(text, label, multiline=multiline)


def has_surrogates(text: str) -> bool:
    """True when `text` cannot be written as UTF-8 (it holds a lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
