"""Display language. Users are Chinese-speaking staff: Chinese by default, English on request.

Messages are written inline as a (zh, en) pair at the place they are raised, so a reader sees
both texts next to the rule; `say` picks one for the language of the active settings
(domain/settings.py: made once by the CLI, Chinese outside any command).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any

from wkb_tracker.domain.settings import LANGUAGES, active

__all__ = [
    "LANGUAGES",
    "Phrase",
    "env_language",
    "join_names",
    "language",
    "message_code",
    "say",
    "term",
]


def language() -> str:
    """The language being shown: that of the active settings."""
    return active().lang


def env_language() -> str | None:
    value = os.environ.get("WKB_LANG", "").strip().lower()
    if value.startswith("en"):
        return "en"
    if value.startswith("zh"):
        return "zh"
    return None


class Phrase(str):
    """A message as `say` made it: the text in the language of the moment, which also keeps both
    texts and their values (`source`), so that it can be shown again in the other language
    (`in_language`) and named by a code. A Problem found while loading is thus translated when
    it is shown, not when it was found."""

    source: tuple[str, str, dict[str, Any]]  # (zh, en, values): one attribute, cheap to make

    def in_language(self, lang: str) -> str:
        """The message in `lang` (zh | en), with its values filled in."""
        source: tuple[str, str, dict[str, Any]] | None = getattr(self, "source", None)
        if source is None:  # made by hand: only its text is known
            return str(self)
        zh, en, values = source
        text: str = zh if lang == "zh" else en
        if not values:
            return text
        # a value that is itself a phrase (a list from `join_names`) follows the message's language
        shown = {k: v.in_language(lang) if isinstance(v, Phrase) else v for k, v in values.items()}
        return text.format(**shown)

    @property
    def code(self) -> str:
        """A stable, language-free name of the message: its English wording up to the first
        value or punctuation, as lowercase words joined by '-' ("unknown-district")."""
        source: tuple[str, str, dict[str, Any]] | None = getattr(self, "source", None)
        return message_code(source[1]) if source is not None else "problem"

    def __add__(self, other: str) -> Phrase:
        """A phrase followed by untranslated text (a parser's detail) stays a phrase."""
        phrase = Phrase(str.__add__(self, other))
        phrase.source = (self.in_language("zh") + other, self.in_language("en") + other, {})
        return phrase


def message_code(template: str) -> str:
    """The code of an English message template (see `Phrase.code`); "problem" if it has none."""
    head = re.split(r"[{.:;,(]", template.replace("_", " "), maxsplit=1)[0]
    if not head.strip():  # the template begins with a value: take the words after it
        head = re.split(r"[.:;,(]", re.sub(r"\{[^}]*\}", " ", template), maxsplit=1)[0]
    words = re.findall(r"[a-z0-9]+", head.lower())
    return "-".join(words[:6]) or "problem"


def say(zh: str, en: str, /, **values: Any) -> str:
    """Return the message in the current language, with `{name}` fields filled in (a `Phrase`:
    it remembers both languages)."""
    text = zh if active().lang == "zh" else en
    phrase = Phrase(text.format(**values) if values else text)
    phrase.source = (zh, en, values)
    return phrase


def join_names(
    items: Iterable[str], limit: int | None = None, *, more: str = "…", sep: str | None = None
) -> str:
    """Names (or values) listed in running text: joined with 、 in Chinese, with ", " in English
    ("Valid: 胡军, 赵峰", not "Valid: 胡军、赵峰"), or with `sep` where a message has its own.
    With `limit`, only the first `limit`, then `more` if any were left out (`{n}` in it: how
    many), so that a long list stays one readable line."""
    names = [str(item) for item in items]
    left_out = len(names) - limit if limit is not None else 0
    if left_out > 0:
        del names[limit:]
    shown = say("、".join(names), ", ".join(names)) if sep is None else sep.join(names)
    return shown + more.format(n=left_out) if left_out > 0 else shown


def term(value: str) -> str:
    """A term of the notice (entity type, contact mode, rectification source) for display: as
    written in the notice, or its English alias with --lang en. Data and JSON keep the Chinese."""
    if active().lang == "zh":
        return "走访" if value == "visit" else value
    from wkb_tracker.domain.model import CONTACT_MODES, ENTITY_TYPES, RECTIFICATION_SOURCES

    for table in (ENTITY_TYPES, CONTACT_MODES, RECTIFICATION_SOURCES):
        if value in table:
            return table[value]
    return value
