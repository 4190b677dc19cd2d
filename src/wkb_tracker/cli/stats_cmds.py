"""`wkb stats`: visits per entity, entities visited once or repeatedly, problems per entity,
repeat problems (measure 3) and items by source, for a period, grouped (issue 14.4). The figures
come from `stats` (pure counting); the records from the loader and its cache."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from wkb_tracker.cli.common import date_option_help, session
from wkb_tracker.cli.exporting import chosen_format, deliver, format_option, output_option
from wkb_tracker.report.formats import EXPORT_FORMATS

if TYPE_CHECKING:
    from wkb_tracker.domain.compliance import Period
    from wkb_tracker.domain.policy import Policy


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
    from wkb_tracker.store.loader import load
    from wkb_tracker.store.policy_files import refuse_broken_policy

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
    base = load(root, visits=False, rectifications=False)  # the config and the policy
    refuse_broken_policy(base.problems)
    view, warnings = _figures(root, base.policy, policy_key, period, by.value, days, day)
    for line in [str(problem) for problem in base.problems] + warnings:
        warn(line)
    if fmt == "table":
        from wkb_tracker.report.stats_view import print_stats

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


def _figures(
    root: Path,
    policy: Policy,
    policy_key: object,
    period: Period,
    by: str,
    days: int,
    day: date,
) -> tuple[dict[str, Any], list[str]]:
    """The public JSON of the figures and the warnings met computing them: remembered in the
    cache under everything they depend on (store/answer_cache.py), so the same question of the
    same records is answered without reading them again."""
    from wkb_tracker.domain.dates import months_between
    from wkb_tracker.domain.settings import active
    from wkb_tracker.store import entity_cache
    from wkb_tracker.store.answer_cache import answer_key, remembered
    from wkb_tracker.store.loader import month_signatures
    from wkb_tracker.store.root import ENTITIES_DIR, RECTIFICATIONS_DIR, VISITS_DIR

    earliest = period.first - timedelta(days=days)  # repeats look back before the period
    # Only the month folders the figures need: visits from the repeat window's start, items
    # opened in the period (an item lives in the folder of its opened month).
    visit_months = months_between(earliest, period.last)
    item_months = period.months()
    if not active().cache:  # --no-cache: nothing is signed, remembered or reused
        return _compute(root, policy, period, by, days, visit_months, item_months, {})
    question = ["stats", period.first, period.last, by, days, day, active().lang]
    visit_folders = month_signatures(root, VISITS_DIR, visit_months)
    item_folders = month_signatures(root, RECTIFICATIONS_DIR, item_months)
    inputs = [
        visit_folders,
        item_folders,
        policy_key,
        entity_cache.key(root, ENTITIES_DIR),
    ]
    signed = {**(visit_folders or {}), **(item_folders or {})}  # not taken twice on a miss
    return remembered(
        root,
        answer_key(question, inputs),
        lambda: _compute(root, policy, period, by, days, visit_months, item_months, signed),
    )


def _compute(
    root: Path,
    policy: Policy,
    period: Period,
    by: str,
    days: int,
    visit_months: list[tuple[int, int]],
    item_months: list[tuple[int, int]],
    signed: dict[str, str],
) -> tuple[dict[str, Any], list[str]]:
    from wkb_tracker.domain import stats as counting
    from wkb_tracker.report.stats_view import stats_dict
    from wkb_tracker.store.entity_store import load_register
    from wkb_tracker.store.loader import load_rectifications, load_visits

    visits, visit_problems, _temps = load_visits(root, visit_months, signed=signed)
    # Only an item's source and opened date count here; no event changes either.
    items, problems, _temps = load_rectifications(
        root, months=item_months, signed=signed, items_only=True
    )
    register, broken = load_register(root)
    warnings = [str(problem) for problem in visit_problems + problems + broken]
    figures = counting.compute(
        visits,
        items,
        period.first,
        period.last,
        by=by,
        window_days=days,
        register=register,
        policy=policy,
    )
    return stats_dict(figures), warnings
