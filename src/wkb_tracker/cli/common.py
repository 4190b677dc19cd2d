"""What every command shares: the session (root, language), output formats, error plumbing.

Kept light: command modules import this at start-up, so anything heavy is imported inside functions.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from wkb_tracker.i18n import env_language, say, set_language

if TYPE_CHECKING:
    from collections.abc import Sequence

    from wkb_tracker.config import Config
    from wkb_tracker.gitops import PendingCommit


COMMIT_HELP = "提交到 git(默认取配置 auto_commit)/ commit to git (default: config auto_commit)"


class TableJson(StrEnum):
    table = "table"
    json = "json"


class TextJson(StrEnum):
    text = "text"
    json = "json"


class TableJsonCsv(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Session:
    """Global options, resolved lazily: commands that need no root (init, --help) never look."""

    __slots__ = ("_config", "_root", "lang_option", "root_option")

    def __init__(self, root_option: str | None = None, lang_option: str | None = None) -> None:
        self.root_option = root_option
        self.lang_option = lang_option
        self._root: Path | None = None
        self._config: Config | None = None

    def root(self) -> Path:
        if self._root is None:
            from wkb_tracker.root import find_root

            self._root = find_root(self.root_option)
            if self.lang_option is None and env_language() is None:
                set_language(self.config().lang)
        return self._root

    def config(self) -> Config:
        if self._config is None:
            from wkb_tracker.config import read_config

            self._config, _problems = read_config(self.root())
        return self._config


def session(ctx: typer.Context) -> Session:
    obj = ctx.find_root().obj
    if not isinstance(obj, Session):  # a command invoked without the app's callback (tests)
        obj = Session()
        ctx.find_root().obj = obj
    return obj


def apply_language(option: str | None) -> None:
    set_language(option or env_language() or "zh")


def echo(message: str) -> None:
    sys.stdout.write(message + "\n")


def warn(message: str) -> None:
    sys.stderr.write(say("警告:", "warning: ") + message + "\n")


def date_option_help() -> str:
    return "YYYY-MM-DD (also 2026/11/3, 2026年11月3日, today, 今天)"


def warn_skipped(problems: list[object]) -> None:
    """Readers skip broken files; say which (on stderr, so JSON output stays parseable)."""
    for problem in problems:
        warn(say("已跳过有问题的文件 {p}", "skipped a broken file: {p}", p=problem))


def begin_commit(ctx: typer.Context, wanted: bool | None) -> PendingCommit:
    """Before a command writes: will its change be committed (`--commit/--no-commit`, else the
    `auto_commit` config)? Refuses (exit 2, nothing written) when git has no identity."""
    from wkb_tracker.gitops import prepare_commit

    state = session(ctx)
    return prepare_commit(state.root(), wanted, state.config().auto_commit)


def finish_commit(pending: PendingCommit, paths: Sequence[str], message: str) -> None:
    """After the write: commit `paths` alone; a failure is one warning line, the record stays."""
    warning = pending.commit(paths, message)
    if warning:
        warn(warning)
