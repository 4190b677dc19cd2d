"""`wkb stats`: visits per entity, entities visited once or repeatedly, problems per entity,
repeat problems (measure 3) and items by source, for a period, grouped (issue 14.4). The figures
come from `stats` (pure counting); the records from the loader and its cache."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import typer

from wkb_tracker.cli.common import date_option_help, session
from wkb_tracker.i18n import say


class By(StrEnum):
    district = "district"
    leader = "leader"
    entity = "entity"
    type = "type"
    mode = "mode"
    tag = "tag"


class StatsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


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
    format: StatsFormat = typer.Option(StatsFormat.table, "--format"),
) -> None:
    """服务对象统计:走访了谁、几次、反映了什么问题、哪些问题重复出现(第三条)/ who was served.

    Example: wkb stats --quarter 2026-Q4 --by leader ; wkb stats --year 2026 --format json
    """
    from datetime import timedelta

    from wkb_tracker import stats as counting
    from wkb_tracker.cli.report_cmds import _load, _period
    from wkb_tracker.dates import months_between, today

    day = today()
    period = _period(month, quarter, year, start, end, day)
    state = session(ctx)
    root = state.root()
    days = window if window is not None else state.config().repeat_window_days
    earliest = period.first - timedelta(days=days)  # repeats look back before the period
    dataset = _load(
        root, months_between(earliest, period.last), (period.first, period.last), day
    )
    figures = counting.compute(
        dataset.visits,
        dataset.rectifications,
        period.first,
        period.last,
        by=by.value,
        window_days=days,
    )
    view = counting.stats_dict(figures)
    if format is StatsFormat.json:
        from wkb_tracker.render import print_json

        print_json(view)
    elif format is StatsFormat.csv:
        from wkb_tracker.render import print_csv

        header, rows = _group_rows(view)
        print_csv(header, rows)
    else:
        _print(view)


def _group_rows(view: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The `--by` table with a total row: one header language (`--lang`)."""
    header = [
        say("分组", "group") + f"({view['by']})",
        say("走访次数", "visits"),
        say("主体数", "entities"),
        say("走访一次", "visited once"),
        say("多次走访", "visited repeatedly"),
        say("问题数", "problems"),
        say("重复问题", "repeat problems"),
    ]
    keys = ("visits", "entities", "entities_once", "entities_repeated", "problems", "repeat_problems")
    rows = [[group["key"], *(group[k] for k in keys)] for group in view["groups"]]
    totals = view["totals"]
    rows.append([say("合计", "total"), *(totals[k] for k in keys)])
    return header, rows


def _print(view: dict[str, Any]) -> None:
    from wkb_tracker.render import print_table

    period = view["period"]
    header, rows = _group_rows(view)
    print_table(
        header,
        rows,
        title=say(
            "服务对象统计 {a} 至 {b}", "who was served, {a} to {b}", a=period["from"], b=period["to"]
        ),
        simple=True,
    )
    if view["entities"]:
        print_table(
            [
                say("创新主体", "entity"),
                say("走访次数", "visits"),
                say("首次", "first"),
                say("最近", "last"),
                say("问题数", "problems"),
                say("重复问题", "repeats"),
            ],
            [
                [e["entity"], e["visits"], e["first"], e["last"], e["problems"], e["repeat_problems"]]
                for e in view["entities"]
            ],
            title=say("各主体走访与问题", "visits and problems per entity"),
            simple=True,
        )
    repeats = view["repeat_problems"]
    if repeats:
        print_table(
            [
                say("日期", "date"),
                say("创新主体", "entity"),
                say("问题", "problem"),
                say("此前", "earlier"),
                say("范围", "scope"),
                say("相似度", "similarity"),
            ],
            [
                [
                    r["date"],
                    r["entity"],
                    r["problem"],
                    f"{r['earlier']['date']} {r['earlier']['entity']}:{r['earlier']['problem']}",
                    say("同一主体", "same entity")
                    if r["scope"] == "entity"
                    else say("其他主体", "another entity"),
                    r["similarity"],
                ]
                for r in repeats
            ],
            title=say(
                "重复问题({n} 天内相似度 ≥ {t},第三条「同类问题不再重复发生」)",
                "repeat problems (similarity ≥ {t} within {n} days; measure 3)",
                n=view["repeat_window_days"],
                t=view["similarity_threshold"],
            ),
            simple=True,
        )
    sources = view["rectifications_by_source"]
    from wkb_tracker.i18n import term

    print_table(
        [say("整改来源", "source"), say("期内立项", "opened in the period")],
        [[term(source), count] for source, count in sources.items()]
        or [[say("(无)", "(none)"), 0]],
        title=say("整改事项来源", "rectification items by source"),
        simple=True,
    )
