"""The `wkb` command: a thin layer that parses options, calls the library, prints, exits.

Exit codes: 0 success; 1 problems in the data; 2 a user's mistake or a refused action.

Start-up time matters (`wkb visit add` is typed many times a day), so `main()` builds only the
command group that argv names: Typer inspects every registered command's signature when it
builds the click command tree, and importing the other groups would be wasted work. `--help`,
completion and unknown names get the full app. `wkb_tracker.cli.app` (used by tests) is the full app.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from importlib import import_module
from typing import Any

import typer
from typer.core import TyperGroup

from wkb_tracker import settings
from wkb_tracker.cli.common import Session, apply_language
from wkb_tracker.errors import WkbError

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
}
_GLOBAL_OPTIONS_WITH_VALUE = ("--root", "--lang")


class WkbGroup(TyperGroup):
    """Turns every WkbError raised below into its message on stderr and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except WkbError as error:
            sys.stderr.write(error.message.rstrip("\n") + "\n")
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            sys.stderr.write("\n")
            raise typer.Exit(130) from None


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
    settings.set_cache_enabled(not no_cache)
    ctx.obj = Session(root_option=root, lang_option=lang)


def _share_type_adapters() -> None:
    """Typer 0.29 builds a pydantic TypeAdapter for every option on every run (about 0.7 ms each),
    and `wkb visit add` has twenty options. For plain `str`, `list[str]` and `bool` options
    without a custom parser the adapter depends on the annotation alone (typer's
    `build_leaf_adapter`), so one adapter per annotation is shared. Anything else, or a typer
    without this private hook, is left exactly as typer does it.
    """
    try:
        from typer import _adapters
    except ImportError:  # pragma: no cover - another typer layout: nothing to share
        return
    build = getattr(_adapters, "try_build_adapter", None)
    if build is None or getattr(build, "wkb_shared", False):
        return
    shared: dict[Any, Any] = {}
    plain = (str, bool, list[str])

    def try_build_adapter(annotation: Any, parameter_info: Any) -> Any:
        if getattr(parameter_info, "parser", None) is not None or annotation not in plain:
            return build(annotation, parameter_info)
        if annotation not in shared:
            shared[annotation] = build(annotation, parameter_info)
        return shared[annotation]

    try_build_adapter.wkb_shared = True  # type: ignore[attr-defined]
    _adapters.try_build_adapter = try_build_adapter


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
    _share_type_adapters()
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
    name, sub = command_path(sys.argv[1:])
    if name in COMMANDS:
        build_app([name], only=sub)(prog_name="wkb")
    else:
        build_app()(prog_name="wkb")
