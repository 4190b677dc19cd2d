"""Display language. Users are Chinese-speaking staff: Chinese by default, English on request.

Messages are written inline as a (zh, en) pair at the place they are raised, so a reader sees
both texts next to the rule; `say` picks one for the current language.
"""

from __future__ import annotations

import os
from typing import Any

LANGUAGES = ("zh", "en")
_current = "zh"


def set_language(lang: str) -> None:
    global _current
    _current = lang if lang in LANGUAGES else "zh"


def language() -> str:
    return _current


def env_language() -> str | None:
    value = os.environ.get("WKB_LANG", "").strip().lower()
    if value.startswith("en"):
        return "en"
    if value.startswith("zh"):
        return "zh"
    return None


def say(zh: str, en: str, /, **values: Any) -> str:
    """Return the message in the current language, with `{name}` fields filled in."""
    text = zh if _current == "zh" else en
    return text.format(**values) if values else text


def term(value: str) -> str:
    """A term of the notice (entity type, contact mode, rectification source) for display: as
    written in the notice, or its English alias with --lang en. Data and JSON keep the Chinese."""
    if _current == "zh":
        return "走访" if value == "visit" else value
    from wkb_tracker.domain.model import CONTACT_MODES, ENTITY_TYPES, RECTIFICATION_SOURCES

    for table in (ENTITY_TYPES, CONTACT_MODES, RECTIFICATION_SOURCES):
        if value in table:
            return table[value]
    return value
