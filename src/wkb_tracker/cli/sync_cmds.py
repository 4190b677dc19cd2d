"""`wkb sync`: pull the office's new records and push one's own (see sync.py for the steps)."""

from __future__ import annotations

import typer

from wkb_tracker.cli.common import echo, session, warn
from wkb_tracker.cli.exporting import view_format_option
from wkb_tracker.report.formats import JSON


def register(app: typer.Typer) -> None:
    app.command("sync")(sync)


def sync(ctx: typer.Context, format: str = view_format_option()) -> None:
    """与共享仓库同步:收取他人记录并推送自己的 / share records with the office's remote.

    退出码 / exit: 0 已同步 synced; 1 待推送的记录有问题,未推送 local records with problems,
    not pushed; 2 拒绝 refused; 3 无法连接远程 remote unreachable;
    4 冲突(已撤销)conflict (undone, nothing lost)."""
    from wkb_tracker.store.sync import summary
    from wkb_tracker.store.sync import sync as run_sync

    state = session(ctx)
    root = state.root()
    result = run_sync(root, person=state.recorder())
    for message in result.warnings:
        warn(message)
    if format == JSON:
        from wkb_tracker.report.render import print_json

        print_json(result.view())
        return
    echo(summary(result))
