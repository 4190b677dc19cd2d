"""The `wkb` command: a thin layer that parses options, calls the library, prints, exits.

Exit codes: 0 success; 1 problems in the data; 2 a user's mistake or a refused action.

Start-up time matters (`wkb visit add` is typed many times a day), so `main()` builds only the
command group that argv names: Typer inspects every registered command's signature when it
builds the click command tree, and importing the other groups would be wasted work. `--help`,
completion and unknown names get the full app. `wkb_tracker.cli.app` (used by tests) is the full app.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterable
from importlib import import_module
from typing import Any

import typer
from typer.core import TyperGroup

from wkb_tracker import settings
from wkb_tracker.cli.common import Session, apply_language, reset_warnings
from wkb_tracker.errors import EXIT_USAGE, WkbError
from wkb_tracker.i18n import say
from wkb_tracker.streams import tolerant_streams

# Top-level command → the module that registers it, in the order `wkb --help` lists them.
COMMANDS: dict[str, str] = {
    "init": "policy_cmds",
    "config": "policy_cmds",
    "measures": "policy_cmds",
    "districts": "policy_cmds",
    "leaders": "policy_cmds",
    "validate": "policy_cmds",
    "check": "policy_cmds",
    "visit": "visit_cmds",
    "rectify": "rectify_cmds",
    "report": "report_cmds",
    "due": "report_cmds",
    "month": "month_cmds",
    "hook": "month_cmds",
    "sync": "sync_cmds",
}
_GLOBAL_OPTIONS_WITH_VALUE = ("--root", "--lang")


class WkbGroup(TyperGroup):
    """Turns every WkbError raised below into its message on stderr and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        tolerant_streams()  # a console that cannot show a character gets an escape, not a crash
        try:
            return super().invoke(ctx)
        except WkbError as error:
            sys.stderr.write(error.message.rstrip("\n") + "\n")
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            sys.stderr.write("\n")
            raise typer.Exit(130) from None
        except typer.Abort:  # end of input at a prompt: nothing was written
            sys.stderr.write(
                "\n" + say("已取消,未写入任何内容", "cancelled; nothing was written") + "\n"
            )
            raise typer.Exit(2) from None


def _global_options(
    ctx: typer.Context,
    root: str | None = typer.Option(
        None, "--root", help="记录根目录 / records root (else $WKB_ROOT, else search upwards)"
    ),
    lang: str | None = typer.Option(
        None, "--lang", help="显示语言 zh|en / display language (else $WKB_LANG, else wkb.toml)"
    ),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="不用也不写缓存 .wkb-cache / bypass the derived-data cache"
    ),
) -> None:
    if lang is not None and lang not in ("zh", "en"):
        sys.stderr.write(f"--lang must be zh or en, got {lang!r} / --lang 只能是 zh 或 en\n")
        raise typer.Exit(2)
    apply_language(lang)
    reset_warnings()
    settings.set_cache_enabled(not no_cache)
    ctx.obj = Session(root_option=root, lang_option=lang)


def build_app(commands: Iterable[str] | None = None, *, only: str | None = None) -> typer.Typer:
    """The `wkb` app with the groups registering `commands` (all of them when None).

    `only` narrows a command group to that one subcommand (`wkb visit add` builds `add` alone),
    when the group has it; otherwise the whole group is kept (help, unknown names)."""
    app = typer.Typer(
        cls=WkbGroup,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        help="wkb:武科函〔2021〕10号 包区服务合规台账 / compliance tracker for the Wuhan S&T Bureau notice.",
    )
    app.callback()(_global_options)
    wanted = set(commands) if commands is not None else set(COMMANDS)
    for module_name in dict.fromkeys(COMMANDS[name] for name in COMMANDS if name in wanted):
        import_module(f"wkb_tracker.cli.{module_name}").register(app)
    if only is not None and commands is not None:
        _narrow(app, set(commands), only)
    return app


def _narrow(app: typer.Typer, groups: set[str], only: str) -> None:
    import copy

    for info in app.registered_groups:
        group = info.typer_instance
        if info.name in groups and group is not None:
            chosen = [command for command in group.registered_commands if command.name == only]
            if chosen and not group.registered_groups:
                narrowed = copy.copy(group)
                narrowed.registered_commands = chosen
                info.typer_instance = narrowed


def command_path(argv: list[str]) -> tuple[str | None, str | None]:
    """(command, subcommand) that argv names, skipping global options; None where it names none
    (`--help`, an option right after the command, nothing at all)."""
    index = 0
    while index < len(argv):
        token = argv[index]
        if token in _GLOBAL_OPTIONS_WITH_VALUE:
            index += 2
        elif token.startswith("-") and (
            token.split("=")[0] in _GLOBAL_OPTIONS_WITH_VALUE or token == "--no-cache"
        ):
            index += 1
        elif token.startswith("-"):
            return None, None
        else:
            following = argv[index + 1] if index + 1 < len(argv) else ""
            return token, (following if following and not following.startswith("-") else None)
    return None, None


_full_app: typer.Typer | None = None


def __getattr__(name: str) -> Any:
    if name == "app":
        global _full_app
        if _full_app is None:
            _full_app = build_app()
        return _full_app
    raise AttributeError(name)


def main() -> None:
    # Start-up (Typer building the command, pydantic's import and schemas, wkb's modules) makes
    # many objects that live for the whole run and no garbage: collecting over and over while
    # they are made is wasted time. The command turns the collector back on (cli.common.session).
    gc.disable()
    tolerant_streams()
    name, sub = command_path(sys.argv[1:])
    app = build_app([name], only=sub) if name in COMMANDS else build_app()
    try:
        app(prog_name="wkb")
    except BrokenPipeError:  # `wkb report | head`: the reader has what it wanted
        sys.stderr.close()
        os._exit(0)
    except OSError as error:  # e.g. a full disk under `wkb report > file`
        sys.stderr.write(
            say("无法写出结果:{e}", "cannot write the output: {e}", e=error.strerror or error)
            + "\n"
        )
        sys.exit(EXIT_USAGE)
