"""Integrity commands: sealing months (`wkb month`) and the git hook (`wkb hook`)."""

from __future__ import annotations

import typer

from wkb_tracker.cli.common import (
    COMMIT_HELP,
    TableJson,
    begin_commit,
    echo,
    finish_commit,
    session,
)

month_app = typer.Typer(help="月份封存 / sealing finished months", no_args_is_help=True)
hook_app = typer.Typer(help="git 钩子 / git hook", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(month_app, name="month")
    app.add_typer(hook_app, name="hook")


@month_app.command("close")
def month_close(
    ctx: typer.Context,
    month: str = typer.Argument(..., help="YYYY-MM"),
    by: str | None = typer.Option(None, "--by", help="封存人 / who seals (default: recorder)"),
    commit: bool | None = typer.Option(None, "--commit/--no-commit", help=COMMIT_HELP),
) -> None:
    """封存已结束的月份 / seal a finished month (ids, hashes and report figures)."""
    from wkb_tracker.dates import parse_month
    from wkb_tracker.gitops import commit_message, default_recorder
    from wkb_tracker.i18n import say
    from wkb_tracker.sealing import month_figures, seal_month

    current = session(ctx)
    root = current.root()
    first, _last = parse_month(month, field="MONTH")
    from wkb_tracker.text import clean_text

    given = clean_text(by or "", "--by")  # refuses bytes that are not UTF-8 before sealing
    sealer = given or default_recorder(root, current.config().recorder)
    pending = begin_commit(ctx, commit)
    seal = seal_month(root, first.year, first.month, by=sealer, figures=month_figures(root, first))
    finish_commit(
        pending,
        [seal.path],
        commit_message("month close", f"{seal.label} {len(seal.visits)} visits", sealer),
    )
    echo(
        say(
            "已封存 {m}:{n} 条走访,封存人 {b},清单 {p}",
            "sealed {m}: {n} visits, by {b}, manifest {p}",
            m=seal.label,
            n=len(seal.visits),
            b=seal.sealed_by,
            p=seal.path,
        )
    )


@month_app.command("status")
def month_status(
    ctx: typer.Context, format: TableJson = typer.Option(TableJson.table, "--format")
) -> None:
    """各月份是否已封存 / months with sealed or unsealed, who sealed and when."""
    from wkb_tracker.cli.common import warn_skipped
    from wkb_tracker.i18n import say
    from wkb_tracker.render import print_json, print_table
    from wkb_tracker.sealing import month_statuses

    rows, problems = month_statuses(session(ctx).root())
    warn_skipped(list(problems))
    if format is TableJson.json:
        print_json(rows)
        return
    print_table(
        [
            say("月份", "month"),
            say("状态", "status"),
            say("走访数", "visits"),
            say("封存人", "sealed by"),
            say("封存时间", "sealed at"),
        ],
        [
            (
                row["month"],
                say("已封存", "sealed") if row["sealed"] else say("未封存", "unsealed"),
                row["visits"],
                row["sealed_by"] or "",
                row["sealed_at"] or "",
            )
            for row in rows
        ],
    )


@hook_app.command("install")
def hook_install(
    ctx: typer.Context,
    force: bool = typer.Option(
        False, "--force", help="替换已有的其他钩子 / replace a foreign hook"
    ),
) -> None:
    """安装 pre-commit 钩子:提交前运行 wkb validate / install a pre-commit hook running wkb validate."""
    from wkb_tracker.hook import install_hook
    from wkb_tracker.i18n import say

    target = install_hook(session(ctx).root(), force=force)
    echo(say("已安装 pre-commit 钩子:{p}", "installed the pre-commit hook: {p}", p=target))
