"""`wkb stats`: visits per entity, entities visited once or repeatedly, problems per entity,
repeat problems (measure 3) and items by source, for a period, grouped (issue 14.4). The figures
come from `stats` (pure counting); the records from the loader and its cache."""

from __future__ import annotations

from enum import StrEnum

import typer

from wkb_tracker.cli.common import date_option_help, session
from wkb_tracker.cli.exporting import chosen_format, deliver, format_option, output_option
from wkb_tracker.report.formats import EXPORT_FORMATS


class By(StrEnum):
    district = "district"
    leader = "leader"
    entity = "entity"
    type = "type"
    mode = "mode"
    tag = "tag"


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)


def stats(
    ctx: typer.Context,
    month: str | None = typer.Option(None, "--month", help="月份 YYYY-MM(默认本月)/ month"),
    quarter: str | None = typer.Option(None, "--quarter", help="季度 / quarter, YYYY-Qn"),
    year: str | None = typer.Option(None, "--year", help="年度 / year, YYYY"),
    start: str | None = typer.Option(
        None, "--from", help="起始日期 / first day; " + date_option_help()
    ),
    end: str | None = typer.Option(None, "--to", help="截止日期 / last day (with --from)"),
    by: By = typer.Option(
        By.district,
        "--by",
        help="分组:district|leader|entity|type|mode|tag(措施) / group by",
    ),
    window: int | None = typer.Option(
        None,
        "--window",
        min=1,
        max=3650,
        help="重复问题的回看天数(默认配置 repeat_window_days,180)/ repeat-problem window in days",
    ),
    format: str | None = format_option(*EXPORT_FORMATS),
    output: str | None = output_option(*EXPORT_FORMATS),
) -> None:
    """服务对象统计:走访了谁、几次、反映了什么问题、哪些问题重复出现(第三条)/ who was served.

    Example: wkb stats --quarter 2026-Q4 --by leader ; wkb stats --year 2026 --format json
    """
    from wkb_tracker.cli.common import warn
    from wkb_tracker.cli.report_cmds import _period
    from wkb_tracker.domain.dates import today
    from wkb_tracker.store.policy_files import load_policy, refuse_broken_policy

    fmt = chosen_format(ctx, format, output, EXPORT_FORMATS)
    day = today()
    period = _period(month, quarter, year, start, end, day)
    state = session(ctx)
    root = state.root()
    days = window if window is not None else state.config().repeat_window_days
    from wkb_tracker.store import policy_cache

    # The policy files' identity is taken before they are read: changed in between, the answer
    # is kept under the older key and never served for the newer table.
    policy_key = policy_cache.key(root)
    # The config is the session's (read once, its problems warned once); no seal is read here.
    policy, policy_problems = load_policy(root)
    refuse_broken_policy(policy_problems)
    from wkb_tracker.domain.settings import active
    from wkb_tracker.report.stats_view import stats_dict
    from wkb_tracker.store.stats_figures import stats_figures

    view, warnings = stats_figures(
        root,
        policy,
        policy_key,
        period,
        by.value,
        days,
        day,
        active().lang,
        view=stats_dict,
        cache=active().cache,
    )
    for line in [str(problem) for problem in policy_problems] + warnings:
        warn(line)
    if fmt == "table":
        from wkb_tracker.report.stats_screen import print_stats

        print_stats(view)
        return
    from wkb_tracker.cli.exporting import about
    from wkb_tracker.domain.i18n import say
    from wkb_tracker.report.formats import CSV
    from wkb_tracker.report.formats.outputs import sheets_bytes
    from wkb_tracker.report.stats_view import stats_sheets

    title = say("服务对象统计 {p}", "Who was served {p}", p=period.label)
    sheets = stats_sheets(view, every_table=fmt != CSV)
    data = sheets_bytes(
        fmt, sheets, title=title, about=lambda: about(ctx, day), json_value=lambda: view
    )
    deliver(ctx, data, fmt, output)
