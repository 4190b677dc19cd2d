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
from collections.abc import Iterable, Sequence
from importlib import import_module
from typing import Any

import typer
from typer.core import TyperGroup

from wkb_tracker.cli.common import Session, warnings_once
from wkb_tracker.domain.errors import EXIT_USAGE, WkbError
from wkb_tracker.domain.i18n import say
from wkb_tracker.domain.settings import using
from wkb_tracker.report.streams import tolerant_streams
from wkb_tracker.store.settings import settings_for

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
    "entity": "entity_cmds",
    "import": "import_cmds",
    "report": "report_cmds",
    "due": "report_cmds",
    "bulletin": "bulletin_cmds",
    "remind": "remind_cmds",
    "rules": "rules_cmds",
    "stats": "stats_cmds",
    "month": "month_cmds",
    "hook": "month_cmds",
    "sync": "sync_cmds",
}
_GLOBAL_OPTIONS_WITH_VALUE = ("--root", "--lang")
HELP_ONLY = "wkb.help_only"  # ctx.meta key: argv asks for a help page


class WkbGroup(TyperGroup):
    """Turns every WkbError raised below into its message on stderr and its exit code, and
    click's usage errors into wkb's own one-or-two-line messages (cli.usage)."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """click's documented way to handle errors yourself: run with standalone_mode=False
        (click then raises instead of printing its own box) and print wkb's message here."""
        from wkb_tracker.cli import usage

        given = list(sys.argv[1:] if args is None else args)
        argv = usage.hoist_global_options(given)
        if usage.asks_for_help(argv) or command_path(argv)[1] is None:
            # Only a help page shows what tidy_help changes: asked for, or the answer to a group
            # named alone (`wkb visit`). A command and its subcommand (`wkb visit add`) runs, and
            # walking its tree would be ~0.5 ms of its start-up. (wkb's groups are one deep.)
            usage.tidy_help(self, usage.requested_language(argv))
        # Unchanged argv from the command line goes on as None: click then expands wildcards
        # itself on Windows (cmd.exe does not), as it would without this method.
        passed = None if args is None and argv == given else argv
        if not standalone_mode:
            return super().main(passed, prog_name, complete_var, False, **extra)
        exceptions = usage.click_exceptions()
        try:
            result = super().main(passed, prog_name, complete_var, False, **extra)
        except getattr(exceptions, "NoArgsIsHelpError", ()) as error:
            sys.exit(error.exit_code)  # `wkb visit`: the help, printed already, is the answer
        except exceptions.UsageError as error:
            # Options were not understood, so no command ran: said in the language it would use.
            with using(settings_for(lang=usage.message_language(argv))):
                sys.stderr.write(usage.usage_message(error, argv, self) + "\n")
            sys.exit(EXIT_USAGE)
        except exceptions.ClickException as error:  # e.g. a file click could not open
            error.show()
            sys.exit(error.exit_code)
        except typer.Abort:
            with using(settings_for(lang=usage.message_language(argv))):
                sys.stderr.write("\n" + say("已取消", "cancelled") + "\n")
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        from wkb_tracker.cli import usage

        # Read by _global_options: a help page needs no records root (nor its `lang`).
        ctx.meta[HELP_ONLY] = usage.asks_for_help(args)
        return super().parse_args(ctx, args)

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
        except OSError as error:  # e.g. a full disk under `wkb report > file`
            if isinstance(error, BrokenPipeError):  # `wkb report | head`: main() ends quietly
                raise
            # Said here, while the command's settings (its language) are still active.
            sys.stderr.write(cannot_write(error) + "\n")
            raise typer.Exit(EXIT_USAGE) from None


def cannot_write(error: OSError) -> str:
    return say("无法写出结果:{e}", "cannot write the output: {e}", e=error.strerror or error)


def _global_options(
    ctx: typer.Context,
    # --root and --lang are eager so that `wkb --root R --lang en --version` honours them.
    root: str | None = typer.Option(
        None,
        "--root",
        is_eager=True,
        help="记录根目录 / records root (else $WKB_ROOT, else search upwards)",
    ),
    lang: str | None = typer.Option(
        None,
        "--lang",
        is_eager=True,
        help="显示语言 zh|en / display language (else $WKB_LANG, else wkb.toml)",
    ),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="不用也不写缓存 .wkb-cache / bypass the derived-data cache"
    ),
    version: bool = typer.Option(
        False,
        "--version",
        is_eager=True,
        callback=lambda ctx, value: _show_version(ctx, value),
        help="显示版本、Python、记录库提交与节假日数据年份 / show versions, the records' commit and holiday years",
    ),
) -> None:
    if lang is not None and lang not in ("zh", "en"):
        sys.stderr.write(f"--lang must be zh or en, got {lang!r} / --lang 只能是 zh 或 en\n")
        raise typer.Exit(2)
    state = Session.start(
        root_option=root, lang_option=lang, no_cache=no_cache, find_root=not ctx.meta.get(HELP_ONLY)
    )
    ctx.obj = state
    # Active for exactly this command: click closes the resource when the command ends, however
    # it ends, so nothing carries over to the next command run in the same process.
    ctx.with_resource(using(state.settings))
    ctx.with_resource(warnings_once())


def _show_version(ctx: typer.Context, wanted: bool) -> None:
    """`wkb --version`: answered while options are parsed, before a command is required."""
    if wanted:
        lang = ctx.params.get("lang")
        with using(settings_for(lang=lang if lang in ("zh", "en") else None)):
            sys.stdout.write(version_text(ctx.params.get("root")) + "\n")
        raise typer.Exit(0)


def version_text(root_option: str | None = None) -> str:
    """What `wkb --version` prints: wkb, Python, the records root's git commit (when there is one)
    and the years chinesecalendar knows (later years fall back to plain weekdays in `wkb due`)."""
    import platform

    from wkb_tracker import __version__
    from wkb_tracker.domain.workdays import covered_years

    lines = [f"wkb {__version__}", f"Python {platform.python_version()} ({sys.executable})"]
    try:
        from wkb_tracker.store.gitops import run_git
        from wkb_tracker.store.root import find_root

        root = find_root(root_option)
        head = run_git(root, "rev-parse", "--short=12", "HEAD")
        commit = head.stdout.strip() if head.returncode == 0 else say("无提交", "no commit")
        lines.append(say("记录根目录 {r}:{c}", "records root {r}: {c}", r=root, c=commit))
    except (WkbError, OSError):
        lines.append(say("记录根目录:未找到", "records root: none found"))
    years = covered_years()
    if years is None:
        lines.append(
            say("节假日数据:未安装 chinesecalendar", "holidays: chinesecalendar not installed")
        )
    else:
        from wkb_tracker.cli.holidays import upgrade_command

        lines.append(
            say(
                "节假日数据(chinesecalendar):{a}–{b} 年;更晚的年份按周一至周五计算,升级:{c}",
                "holidays (chinesecalendar): {a}–{b}; later years count Monday–Friday; "
                "upgrade: {c}",
                a=years[0],
                b=years[1],
                c=upgrade_command(),
            )
        )
    return "\n".join(lines)


def build_app(commands: Iterable[str] | None = None, *, only: str | None = None) -> typer.Typer:
    """The `wkb` app with the groups registering `commands` (all of them when None).

    `only` narrows a command group to that one subcommand (`wkb visit add` builds `add` alone),
    when the group has it; otherwise the whole group is kept (help, unknown names)."""
    app = typer.Typer(
        cls=WkbGroup,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},  # -h everywhere, like git
        help="wkb:武科函〔2021〕10号 包区服务合规台账 / compliance tracker for the Wuhan S&T Bureau notice.",
    )
    app.callback()(_global_options)
    wanted = set(commands) if commands is not None else set(COMMANDS)
    for module_name in dict.fromkeys(COMMANDS[name] for name in COMMANDS if name in wanted):
        import_module(f"wkb_tracker.cli.{module_name}").register(app)
    if commands is not None:
        # A module registers several commands; Typer builds every one it is given (validate
        # would build the ten of policy_cmds.py): keep those argv names.
        app.registered_commands = [c for c in app.registered_commands if c.name in wanted]
        app.registered_groups = [g for g in app.registered_groups if g.name in wanted]
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
    # Start-up (Typer building the command, wkb's modules) makes many objects that live for the
    # whole run and no garbage: collecting over and over while they are made is wasted time. The
    # `wkb` script pauses the collector before importing anything (wkb_tracker.__main__); this is
    # for callers of main() itself. The command turns it back on (cli.common.session).
    gc.disable()
    tolerant_streams()
    name, sub = command_path(sys.argv[1:])
    app = build_app([name], only=sub) if name in COMMANDS else build_app()
    try:
        app(prog_name="wkb")
    except BrokenPipeError:  # `wkb report | head`: the reader has what it wanted
        sys.stderr.close()
        os._exit(0)
    except OSError as error:  # a write failing after the command (WkbGroup.invoke says the rest)
        from wkb_tracker.cli.usage import message_language

        with using(settings_for(lang=message_language(sys.argv[1:]))):
            sys.stderr.write(cannot_write(error) + "\n")
        sys.exit(EXIT_USAGE)
