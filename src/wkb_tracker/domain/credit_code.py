"""统一社会信用代码 (unified social credit code): the two check characters, checked before storing.

GB 32100-2015: 18 characters from the 31-character set `0123456789ABCDEFGHJKLMNPQRTUWXY` (no I, O,
Z, S, V). Position 1 is the registration authority, 2 the kind of organisation, 3–8 the
administrative division (GB/T 2260, six digits), 9–17 the 9-character organisation code (主体标识码,
GB 11714) and 18 the check character: weights 3^(i-1) mod 31, check = 31 - (sum mod 31), 31 → 0.

The organisation code inside it carries its own check character at position 17 (GB 11714-1997):
values 0–9 and A=10 … Z=35, weights 3, 7, 9, 10, 5, 8, 4, 2, check = 11 - (sum mod 11), 10 → X,
11 → 0. Both are verified: a code that passes one and fails the other was mistyped.

Pure: no I/O. The rules are public arithmetic; the codes a bureau types are checked here so that
a typo is refused (exit 2) rather than stored as an entity's identity.
"""

from __future__ import annotations

import unicodedata

from wkb_tracker.domain.errors import UserError
from wkb_tracker.domain.i18n import join_names, say

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: value for value, char in enumerate(CHARSET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, …
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
LENGTH = 18


def check_character(body: str) -> str:
    """The GB 32100-2015 check character (position 18) of the first 17 characters `body`.

    Refuses (ValueError) a body that is not 17 characters of the code's character set."""
    if len(body) != LENGTH - 1 or any(char not in VALUES for char in body):
        raise ValueError(f"not 17 characters of {CHARSET}: {body!r}")
    total = sum(VALUES[char] * weight for char, weight in zip(body, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def _org_value(char: str) -> int:
    # GB 11714: digits are their value, letters A=10 … Z=35 (the full Latin alphabet).
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def org_check_character(body: str) -> str:
    """The GB 11714 check character of an 8-character organisation-code body (0–9, A–Z)."""
    if len(body) != 8 or not all(char.isascii() and char.isalnum() for char in body.upper()):
        raise ValueError(f"not 8 letters or digits: {body!r}")
    total = sum(_org_value(char) * w for char, w in zip(body.upper(), ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def normalise_code(text: str) -> str:
    """The code as stored: full-width characters made half-width (NFKC), upper case, without
    blanks and hyphens (a code is often typed in groups, or pasted from a document)."""
    folded = unicodedata.normalize("NFKC", text).upper()
    return "".join(char for char in folded if not char.isspace() and char != "-")


def code_problem(code: str) -> str | None:
    """Why `code` (already normalised) is not a valid 统一社会信用代码, or None when it is."""
    if len(code) != LENGTH:
        return say(
            "应为 18 位,实际 {n} 位",
            "it must have 18 characters, it has {n}",
            n=len(code),
        )
    wrong = [char for char in code if char not in VALUES]
    if wrong:
        return say(
            "含不允许的字符 {c}(只用数字和大写字母,不含 I、O、Z、S、V)",
            "it holds {c}, which a code never has (digits and capitals except I, O, Z, S, V)",
            c=join_names(dict.fromkeys(wrong)),
        )
    if not code[2:8].isdigit():
        return say(
            "第 3–8 位是登记机关的行政区划码,应为 6 位数字",
            "positions 3–8 are the registering authority's division code: six digits",
        )
    expected = org_check_character(code[8:16])
    if code[16] != expected:
        return say(
            "第 9–17 位组织机构代码的校验位(第 17 位)应为 {e},实际为 {a}(GB 11714)",
            "the organisation code (positions 9–17) ends in {a}, its check character is {e} (GB 11714)",
            e=expected,
            a=code[16],
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        return say(
            "校验码(第 18 位)应为 {e},实际为 {a}(GB 32100-2015)",
            "the check character (position 18) is {a}, it should be {e} (GB 32100-2015)",
            e=expected,
            a=code[17],
        )
    return None


def parse_code(text: str, label: str = "--code") -> str:
    """The normalised code; refuses (UserError, exit 2) one that fails any check above."""
    code = normalise_code(text)
    why = code_problem(code)
    if why is not None:
        raise UserError(
            say(
                "{label} {t!r} 不是有效的统一社会信用代码:{why}",
                "{label} {t!r} is not a valid unified social credit code: {why}",
                label=label,
                t=text,
                why=why,
            )
        )
    return code


def complete(body: str) -> str:
    """`body` of 16 characters (positions 1–16) completed with both check characters: how the
    example records' fictional codes are made (valid in form, belonging to no one)."""
    org = body[8:16] + org_check_character(body[8:16])
    first = body[:8] + org
    return first + check_character(first)
