"""The one rule for "is this the same entity name?": `name_key`.

Clerks type the same organisation many ways: 「武汉光谷实验室」, 「武汉 光谷实验室」, 「武汉光谷实验室(筹)」 with
full-width brackets or half-width ones, with or without 「有限公司」. Every comparison of entity
names (register look-ups, duplicate checks, `entity link`, import) compares keys made here and
nowhere else, so two places can never disagree about what counts as the same name.

Pure: no I/O.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Company-form suffixes folded away (the register keeps the full legal name; the key ignores the
# form): 「某某科技股份有限公司」 and 「某某科技有限公司」 and 「某某科技」 are one key. Longest first.
COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司")
# Bracket characters dropped (their content is kept): NFKC has already made （） into ().
BRACKETS = frozenset("()[]{}【】〔〕〖〗〈〉《》「」『』")
_ROUNDS = 4  # NFKC after removals can (rarely) compose again; the key is taken at a fixed point


def _once(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    kept = "".join(
        char.lower() if char.isascii() else char
        for char in folded
        if not char.isspace() and char not in BRACKETS and unicodedata.category(char) != "Cf"
    )
    while True:  # 「某某有限公司有限公司」: every trailing suffix, but never the whole name
        for suffix in COMPANY_SUFFIXES:
            if kept.endswith(suffix) and len(kept) > len(suffix):
                kept = kept[: -len(suffix)]
                break
        else:
            return unicodedata.normalize("NFKC", kept)


# Cached: the same names recur across visits, stats and register look-ups.
@lru_cache(maxsize=4096)
def name_key(name: str) -> str:
    """The matching key of an entity name: NFKC (full-width letters, digits, brackets and spaces
    become half-width), ASCII letters in lower case, every blank and format character (zero-width
    space) removed, bracket characters removed with their content kept, and trailing
    股份有限公司 / 有限责任公司 / 有限公司 folded away (unless that is the whole name).

    Idempotent: `name_key(name_key(x)) == name_key(x)`. An empty or blank name gives "".
    """
    key = name
    for _round in range(_ROUNDS):
        again = _once(key)
        if again == key:
            break
        key = again
    return key
