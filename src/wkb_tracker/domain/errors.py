"""One error family for everything a user can get wrong, plus the `Problem` record for bad data.

Exit codes (a public interface): 0 success; 1 problems found in the data; 2 a user's mistake or
a refused action.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class WkbError(Exception):
    """Base class: carries a ready-to-print (already translated) message and an exit code."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UserError(WkbError):
    """A bad option value, an unknown name or key, an invalid transition: exit 2, nothing written."""

    exit_code = EXIT_USAGE


class RefusedWrite(UserError):
    """A write wkb will not make: bytes it could not read back (not UTF-8, over the read limit)
    or a folder that is a symlink or not a folder. Raised before anything is written."""


class RootNotFound(UserError):
    """No records root (a folder holding wkb.toml) could be found."""


class DataError(WkbError):
    """The records themselves are broken in a way that stops the command: exit 1."""

    exit_code = EXIT_PROBLEMS


class ConcurrentChange(UserError):
    """Another writer changed a record between our read and our write."""


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """Something wrong in a data file, reported as `path:line: message` (path relative to root)."""

    path: str
    line: int
    message: str

    @property
    def code(self) -> str:
        """What kind of problem this is, in no language ("unknown-district", "yaml-error"): a
        key for scripts, shown beside the message in JSON."""
        code = getattr(self.message, "code", None)
        return code if isinstance(code, str) else "problem"

    def shown(self, lang: str | None = None) -> str:
        """The message in `lang` (default: the language being shown), translated only now."""
        from wkb_tracker.domain.i18n import Phrase, language

        if isinstance(self.message, Phrase):
            return self.message.in_language(lang or language())
        return self.message

    def text(self, lang: str | None = None) -> str:
        """`path:line: message` in `lang` (default: the language being shown)."""
        return f"{self.path}:{self.line}: {self.shown(lang)}"

    def __str__(self) -> str:
        return self.text()
