"""The `wkb` command: a thin layer that parses options, calls the library, prints, exits.

Exit codes: 0 success; 1 problems in the data; 2 a user's mistake or a refused action.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

from wkb_tracker.cli.common import Session, apply_language
from wkb_tracker.errors import WkbError


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


app = typer.Typer(
    cls=WkbGroup,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    help="wkb:武科函〔2021〕10号 包区服务合规台账 / compliance tracker for the Wuhan S&T Bureau notice.",
)


@app.callback()
def _global_options(
    ctx: typer.Context,
    root: str | None = typer.Option(
        None, "--root", help="记录根目录 / records root (else $WKB_ROOT, else search upwards)"
    ),
    lang: str | None = typer.Option(
        None, "--lang", help="显示语言 zh|en / display language (else $WKB_LANG, else wkb.toml)"
    ),
) -> None:
    if lang is not None and lang not in ("zh", "en"):
        sys.stderr.write(f"--lang must be zh or en, got {lang!r} / --lang 只能是 zh 或 en\n")
        raise typer.Exit(2)
    apply_language(lang)
    ctx.obj = Session(root_option=root, lang_option=lang)


def _register() -> None:
    from wkb_tracker.cli import policy_cmds

    policy_cmds.register(app)
    for name in ("visit_cmds", "rectify_cmds", "report_cmds", "month_cmds"):
        try:
            module = __import__(f"wkb_tracker.cli.{name}", fromlist=["register"])
        except ModuleNotFoundError as error:
            if error.name != f"wkb_tracker.cli.{name}":
                raise
            continue
        module.register(app)


_register()


def main() -> None:
    app(prog_name="wkb")
