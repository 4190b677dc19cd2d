"""The settings of one run of wkb — display language, cache switch, parallel reads — as one
frozen object, made once where a run starts (the CLI, the pre-commit hook, a bench script) and
active for exactly that run.

Why not module globals: a global set by one command stays set for the next one in the same
process (tests, a long-lived caller), and every reader depends on who set it last. Here the CLI
activates its `Settings` with `using(...)` for the duration of the command (through click's
`ctx.with_resource`), so it is restored when the command ends; code below reads `active()`.
Outside any run the defaults apply: Chinese, cache on, parallel reads allowed.

A `ContextVar` rather than a plain variable: it is set and restored as a scope, and a thread or
task started elsewhere sees its own value, never a half-finished command's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

LANGUAGES = ("zh", "en")


@dataclass(frozen=True, slots=True)
class Settings:
    """`lang`: what users read (zh | en). `cache`: whether derived data in `.wkb-cache/` may be
    read and written (`--no-cache`). `parallel`: whether bulk reads may fork a helper process
    (`WKB_PARALLEL=0` turns it off)."""

    lang: str = "zh"
    cache: bool = True
    parallel: bool = True

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:  # an unknown language falls back to the notice's own
            object.__setattr__(self, "lang", "zh")


DEFAULT = Settings()
_ACTIVE: ContextVar[Settings] = ContextVar("wkb_settings", default=DEFAULT)


def active() -> Settings:
    """The settings of the run in progress (the defaults outside any run)."""
    return _ACTIVE.get()


@contextmanager
def using(settings: Settings) -> Iterator[Settings]:
    """Make `settings` the active ones inside the `with` block; the previous ones come back when
    it ends, however it ends."""
    token = _ACTIVE.set(settings)
    try:
        yield settings
    finally:
        _ACTIVE.reset(token)
