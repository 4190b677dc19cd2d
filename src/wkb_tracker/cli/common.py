"""What every command shares: the session (root, settings), output formats, error plumbing.

Kept light: command modules import this at start-up, so anything heavy is imported inside functions.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from wkb_tracker.domain.i18n import env_language, say
from wkb_tracker.domain.settings import DEFAULT, Settings

if TYPE_CHECKING:
    from collections.abc import Sequence

    from wkb_tracker.domain.dataset import Config
    from wkb_tracker.domain.errors import Problem
    from wkb_tracker.store.gitops import PendingCommit


COMMIT_HELP = "提交到 git(默认取配置 auto_commit)/ commit to git (default: config auto_commit)"

# A visit or rectification event dated in a sealed month needs both (issue 10.7); declared once
# for `visit add` and every `rectify` command that records a dated event.
APPROVED_HELP = "批准人:日期在已封存月份时必填 / approver: needed for a date in a sealed month"
LATE_HELP = (
    "补录原因:日期在已封存月份时必填(另需 --approved-by)/ why a date in a sealed month is "
    "entered now (with --approved-by)"
)


def commit_option() -> Any:
    """`--commit/--no-commit` of every command that writes a record."""
    return typer.Option(None, "--commit/--no-commit", help=COMMIT_HELP)


RECORDER_HELP = "记录人(默认取配置或 git user.name)/ who records this (default: config, git)"


def recorder_option() -> Any:
    return typer.Option(None, "--recorder", help=RECORDER_HELP)


AS_OF_HELP = "统计日(默认今天)/ as-of date (default today)"


def as_of_option(help: str = AS_OF_HELP) -> Any:
    return typer.Option(None, "--as-of", help=help)


def leader_filter_option(help: str = "只看一位责任领导 / one leader only") -> Any:
    """`--leader` of a command that shows one leader's part (a unique prefix is enough)."""
    from wkb_tracker.cli import completion

    return typer.Option(None, "--leader", help=help, autocompletion=completion.leaders)


def district_option(help: str = "区 / district") -> Any:
    """`--district NAME` with completion of the table's districts (each command words its help)."""
    from wkb_tracker.cli import completion

    return typer.Option(None, "--district", help=help, autocompletion=completion.districts)


def limit_option() -> Any:
    """`--limit N` of a list: at most N rows (a table shows TABLE_ROWS unless `--all`)."""
    return typer.Option(
        None, "--limit", help=f"最多列出 N 条(表格默认 {TABLE_ROWS})/ at most N rows"
    )


def all_rows_option() -> Any:
    return typer.Option(False, "--all", help="表格也列出全部 / every row, even in a table")


def approved_by_option(help: str = APPROVED_HELP) -> Any:
    return typer.Option(None, "--approved-by", help=help)


def late_reason_option(help: str = LATE_HELP) -> Any:
    return typer.Option(None, "--late-reason", help=help)


# Superseded by the one vocabulary of cli.exporting (format_option, view_format_option); kept so
# that code written against them still imports.
class TableJson(StrEnum):
    table = "table"
    json = "json"


class Session:
    """The run's global options: the records root (found lazily: commands that need no root —
    init, --help — never look) and the settings the run uses (`settings`, made once by `start`)."""

    __slots__ = (
        "_config",
        "_config_problems",
        "_root",
        "quiet_config",
        "root_option",
        "settings",
    )

    def __init__(self, root_option: str | None = None) -> None:
        self.root_option = root_option
        self._root: Path | None = None
        self._config: Config | None = None
        self._config_problems: list[Problem] | None = None  # None once they were shown
        self.quiet_config = False  # `wkb validate` lists config problems itself
        self.settings: Settings = DEFAULT

    @classmethod
    def start(
        cls,
        root_option: str | None = None,
        lang_option: str | None = None,
        no_cache: bool = False,
        *,
        find_root: bool = True,
    ) -> Session:
        """The session of a command about to run, its settings resolved once: the language from
        `--lang`, else $WKB_LANG, else the root's configured `lang` (looked up quietly: a missing
        or broken root is reported by the command that needs it, as `root()` does). Without
        `find_root` (a help page) the root is not looked for, and its `lang` does not apply."""
        from wkb_tracker.store.settings import quiet_root_config, settings_for

        state = cls(root_option)
        configured = None
        if find_root and lang_option is None and env_language() is None:
            # read quietly: a missing or broken root is reported by `root()` / `config()`
            found = quiet_root_config(root_option)
            if found is not None:
                state._root, state._config, state._config_problems = found
                configured = state._config.lang
        state.settings = settings_for(
            lang=lang_option, no_cache=no_cache, configured_lang=configured
        )
        return state

    def root(self) -> Path:
        self.config()  # read by every command: a broken config is named in each
        return self._found_root()

    def _found_root(self) -> Path:
        if self._root is None:
            from wkb_tracker.store.root import find_root

            self._root = find_root(self.root_option)
        return self._root

    def config(self) -> Config:
        if self._config is None:
            from wkb_tracker.store.config import read_config

            self._config, self._config_problems = read_config(self._found_root())
        if self._config_problems is not None:
            problems, self._config_problems = self._config_problems, None
            if not self.quiet_config:  # a broken wkb.toml is named in every command
                for problem in problems:
                    warn(str(problem))
        return self._config

    def recorder(self, given: str | None = None) -> str:
        """`given` (a `--recorder` or `--by`) when given, else who records by default: the
        root's configured `recorder`, else git's user.name (gitops.default_recorder)."""
        if given is not None:
            return given
        from wkb_tracker.store.gitops import default_recorder

        return default_recorder(self.root(), self.config().recorder)


def session(ctx: typer.Context) -> Session:
    if not gc.isenabled():  # paused by cli.main() for start-up: every command begins here
        gc.freeze()  # what start-up made stays for the whole run: no later pass scans it
        gc.enable()
    obj = ctx.find_root().obj
    if not isinstance(obj, Session):  # a command invoked without the app's callback (tests)
        obj = Session()
        ctx.find_root().obj = obj
    return obj


def echo(message: str) -> None:
    sys.stdout.write(message + "\n")


# The warnings a command has printed: one set per command, made when it starts (`warnings_once`,
# entered with the settings) and gone when it ends, so nothing is remembered between commands.
_WARNED: ContextVar[set[str] | None] = ContextVar("wkb_warned", default=None)


@contextmanager
def warnings_once() -> Iterator[None]:
    """Within the block the same warning is printed once (a config problem is found both when
    the session reads the config and when a report loads its data)."""
    token = _WARNED.set(set())
    try:
        yield
    finally:
        _WARNED.reset(token)


def warn(message: str) -> None:
    warned = _WARNED.get()
    if warned is not None:
        if message in warned:
            return
        warned.add(message)
    sys.stderr.write(say("警告:", "warning: ") + message + "\n")


TABLE_ROWS = 500  # rows a list shows as a table by default; a screenful is far less (issue 11.15)


def row_limit(limit: int | None, everything: bool, *, table: bool) -> int | None:
    """How many rows a list prints: all with --all, N with --limit N, else TABLE_ROWS for a table
    and all for JSON/CSV (whose content never depends on the terminal). Refuses N < 1 (exit 2)."""
    if everything:
        return None
    if limit is not None:
        if limit < 1:
            from wkb_tracker.domain.errors import UserError

            raise UserError(
                say(
                    "--limit 须为正整数,收到 {n}(要显示全部请用 --all)",
                    "--limit must be a positive number, got {n} (use --all to show everything)",
                    n=limit,
                )
            )
        return limit
    return TABLE_ROWS if table else None


def more_rows_note(shown: int, total: int, filters: str) -> str:
    """The line under a cut table: how many rows there are and how to see them."""
    return say(
        "仅显示前 {k} 条,共 {n} 条。可用 {f} 缩小范围,--limit N 或 --all 显示更多,或 --format csv 导出全部",
        "showing the first {k} of {n} rows. Narrow with {f}, show more with --limit N or --all, "
        "or export everything with --format csv",
        k=shown,
        n=total,
        f=filters,
    )


def date_option_help() -> str:
    return "YYYY-MM-DD (also 2026/11/3, 2026年11月3日, today, 今天)"


KNOWN_ON_HELP = (
    "按当日所知重现(不含其后录入的记录);默认今天 / reproduce the output as of what was known "
    "on that day (records made later left out); default today"
)


def as_of_and_known_on(as_of: str | None, known_on: str | None) -> tuple[date, date]:
    """(as-of day, known-on day). Both default to today (WKB_TODAY pins both); `--known-on D`
    alone also moves the as-of day to D: the output as it could have been produced on D.
    Refuses a known-on day after today (nothing is known about the future)."""
    from wkb_tracker.domain.dates import parse_date, today
    from wkb_tracker.domain.errors import UserError

    now = today()
    known = parse_date(known_on, field="--known-on") if known_on else now
    if known > now:
        raise UserError(
            say(
                "--known-on {d} 晚于今天({t})",
                "--known-on {d} is after today ({t})",
                d=known,
                t=now,
            )
        )
    day = parse_date(as_of, field="--as-of") if as_of else known
    return day, known


def warn_skipped(problems: list[object]) -> None:
    """Readers skip broken files; say which (on stderr, so JSON output stays parseable)."""
    for problem in problems:
        warn(say("已跳过有问题的文件 {p}", "skipped a broken file: {p}", p=problem))


def begin_commit(ctx: typer.Context, wanted: bool | None) -> PendingCommit:
    """Before a command writes: will its change be committed (`--commit/--no-commit`, else the
    `auto_commit` config)? Refuses (exit 2, nothing written) when git has no identity."""
    from wkb_tracker.store.gitops import prepare_commit

    state = session(ctx)
    return prepare_commit(state.root(), wanted, state.config().auto_commit)


def finish_commit(pending: PendingCommit, paths: Sequence[str], message: str) -> None:
    """After the write: commit `paths` alone; a failure is one warning line, the record stays."""
    warning = pending.commit(paths, message)
    if warning:
        warn(warning)
