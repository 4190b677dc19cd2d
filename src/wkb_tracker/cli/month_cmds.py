"""Integrity commands: sealing months (`wkb month`) and the git hook (`wkb hook`)."""

from __future__ import annotations

import typer

from wkb_tracker.cli.common import (
    begin_commit,
    commit_option,
    echo,
    finish_commit,
    session,
)
from wkb_tracker.cli.exporting import view_format_option
from wkb_tracker.report.formats import JSON

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
    commit: bool | None = commit_option(),
) -> None:
    """封存已结束的月份 / seal a finished month (ids, hashes and report figures)."""
    from wkb_tracker.domain.dates import parse_month
    from wkb_tracker.domain.i18n import say
    from wkb_tracker.store.gitops import commit_message
    from wkb_tracker.store.sealing import month_figures, month_rule, seal_month

    current = session(ctx)
    root = current.root()
    first, _last = parse_month(month, field="MONTH")
    from wkb_tracker.domain.text import clean_text

    given = clean_text(by or "", "--by")  # refuses bytes that are not UTF-8 before sealing
    sealer = current.recorder(given or None)
    pending = begin_commit(ctx, commit)
    seal = seal_month(
        root,
        first.year,
        first.month,
        by=sealer,
        figures=month_figures(root, first),
        rule=month_rule(root, first),
    )
    finish_commit(
        pending,
        [seal.path],
        commit_message(
            "month close",
            f"{seal.label} {len(seal.visits)} visits"
            + (f", version {seal.version}" if seal.version > 1 else ""),
            sealer,
        ),
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
        + (say("(第 {v} 版)", " (version {v})", v=seal.version) if seal.version > 1 else "")
    )


@month_app.command("reopen")
def month_reopen(
    ctx: typer.Context,
    month: str = typer.Argument(..., help="YYYY-MM"),
    reason: str | None = typer.Option(None, "--reason", help="重开原因(必填)/ why (required)"),
    approved_by: str | None = typer.Option(
        None, "--approved-by", help="批准人(必填)/ who approved it (required)"
    ),
    by: str | None = typer.Option(None, "--by", help="经办人 / who reopens (default: recorder)"),
    commit: bool | None = commit_option(),
) -> None:
    """重开已封存的月份(改动正式数字的唯一途径)/ reopen a sealed month: the only way to change
    its official figures. The manifest is kept as a version; a new close writes the next one."""
    from wkb_tracker.domain.dates import parse_month
    from wkb_tracker.domain.errors import UserError
    from wkb_tracker.domain.i18n import say
    from wkb_tracker.store.gitops import commit_message
    from wkb_tracker.store.sealing import reopen_month

    missing = [name for name, value in (("--reason", reason), ("--approved-by", approved_by))
               if not (value or "").strip()]  # fmt: skip
    if missing:
        raise UserError(
            say(
                "重开封存月份须写明 {m}(原因与批准人都要记录在案)",
                "reopening a sealed month needs {m} (the reason and the approver are both recorded)",
                m=" ".join(missing),
            )
        )
    current = session(ctx)
    root = current.root()
    first, _last = parse_month(month, field="MONTH")
    who = current.recorder((by or "").strip() or None)
    pending = begin_commit(ctx, commit)
    reopening, paths = reopen_month(
        root, first.year, first.month, by=who, reason=reason or "", approved_by=approved_by or ""
    )
    label = f"{first:%Y-%m}"
    finish_commit(
        pending,
        paths,
        commit_message(
            "month reopen",
            f"{label} v{reopening.version}, approved by {reopening.approved_by}: "
            f"{reopening.reason}",
            who,
        ),
    )
    echo(
        say(
            "已重开 {m}(第 {v} 版封存清单保留在 {p});原因:{r};批准人:{a};经办人:{b}",
            "reopened {m} (version {v} kept in {p}); reason: {r}; approved by: {a}; by: {b}",
            m=label,
            v=reopening.version,
            p=paths[1],
            r=reopening.reason,
            a=reopening.approved_by,
            b=reopening.by,
        )
    )
    echo(
        say(
            "改正后请再次 wkb month close {m}:将写入第 {n} 版",
            "when corrected, run wkb month close {m} again: it writes version {n}",
            m=label,
            n=reopening.version + 1,
        )
    )


@month_app.command("status")
def month_status(
    ctx: typer.Context, format: str = view_format_option()
) -> None:
    """各月份是否已封存 / months with sealed or unsealed, who sealed and when."""
    from wkb_tracker.cli.common import warn_skipped
    from wkb_tracker.domain.i18n import say
    from wkb_tracker.report.render import print_json, print_table
    from wkb_tracker.store.sealing import month_statuses

    rows, problems = month_statuses(session(ctx).root())
    warn_skipped(list(problems))
    if format == JSON:
        print_json(rows)
        return
    states = {
        "sealed": say("已封存", "sealed"),
        "reopened": say("已重开", "reopened"),
        "unsealed": say("未封存", "unsealed"),
    }
    print_table(
        [
            say("月份", "month"),
            say("状态", "status"),
            say("走访数", "visits"),
            say("封存人", "sealed by"),
            say("封存时间", "sealed at"),
            say("版本", "version"),
            say("重开记录", "reopenings"),
        ],
        [
            (
                row["month"],
                states[row["state"]],
                row["visits"],
                row["sealed_by"] or "",
                row["sealed_at"] or "",
                "" if row["version"] is None else f"v{row['version']}",
                "\n".join(
                    say(
                        "v{v} {at} {by}(批准:{a}):{r}",
                        "v{v} {at} {by} (approved by {a}): {r}",
                        v=item["version"],
                        at=item["reopened_at"],
                        by=item["reopened_by"],
                        a=item["approved_by"],
                        r=item["reason"],
                    )
                    for item in row["reopenings"]
                ),
            )
            for row in rows
        ],
        keep=(0, 2, 4),
        empty=say("还没有任何月份的走访记录。", "No month has visits yet."),
    )


@hook_app.command("install")
def hook_install(
    ctx: typer.Context,
    force: bool = typer.Option(
        False, "--force", help="替换已有的其他钩子 / replace a foreign hook"
    ),
) -> None:
    """安装 pre-commit 钩子:提交前运行 wkb validate / install a pre-commit hook running wkb validate."""
    from wkb_tracker.domain.i18n import say
    from wkb_tracker.store.hook import install_hook

    target = install_hook(session(ctx).root(), force=force)
    echo(say("已安装 pre-commit 钩子:{p}", "installed the pre-commit hook: {p}", p=target))
