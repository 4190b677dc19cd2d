"""`wkb stats` on the terminal (issue 14.4): the tables of the public JSON view
(report/stats_view.py) drawn with Rich, one blank line between any two, at any width. The file
formats' tables are `stats_view.stats_sheets`; both take their rows from the same view."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from wkb_tracker.domain.i18n import join_names, say, term
from wkb_tracker.report.stats_view import entity_labels, group_rows, total_note

if TYPE_CHECKING:
    from rich.console import Console

DETAIL_ROWS = 50  # rows of the per-entity and repeat tables on a screen; JSON has them all


def _more(shown: int, total: int) -> list[str]:
    """The line under a table cut at DETAIL_ROWS (none when it shows every row)."""
    if shown >= total:
        return []
    return [
        say(
            "仅显示前 {k} 行,共 {n} 行;全部见 --format json",
            "showing {k} of {n} rows; --format json has them all",
            k=shown,
            n=total,
        )
    ]


def _section(
    out: Console,
    header: list[str],
    rows: list[list[Any]],
    title: str,
    notes: Sequence[str] = (),
) -> None:
    """One table of `wkb stats` and the lines under it, ending in exactly one blank line, so the
    next heading never runs into it: a table drawn as a table ends in its (blank) bottom edge,
    one printed as blocks (too narrow for its columns) does not."""
    from wkb_tracker.report.render import print_table, text

    if print_table(header, rows, title=title, simple=True, out=out):  # printed as blocks
        out.print()
    for note in notes:
        out.print(text(note))
    if notes:
        out.print()


def print_stats(view: dict[str, Any]) -> None:
    """The tables of `wkb stats` on the terminal: groups with their total (and what the total
    counts, when it is not the rows' sum), entities, repeat problems, registered entities not
    visited, items by source; one blank line between any two, at any width."""
    from wkb_tracker.report.render import console

    out = console()
    period = view["period"]
    header, rows = group_rows(view, screen=True)
    note = total_note(view)
    _section(
        out,
        header,
        rows,
        say("服务对象统计 {a} 至 {b}", "who was served, {a} to {b}", a=period["from"], b=period["to"]),
        [note] if note else [],
    )
    if view["entities"]:
        entities = view["entities"][:DETAIL_ROWS]
        _section(
            out,
            [
                say("创新主体", "entity"),
                say("走访次数", "visits"),
                say("首次", "first"),
                say("最近", "last"),
                say("问题数", "problems"),
                say("重复问题", "repeats"),
            ],
            [
                [name, e["visits"], e["first"], e["last"], e["problems"], e["repeat_problems"]]
                for name, e in zip(entity_labels(view["entities"]), entities, strict=False)
            ],
            say("各主体走访与问题", "visits and problems per entity"),
            _more(len(entities), len(view["entities"])),
        )
    repeats = view["repeat_problems"][:DETAIL_ROWS]
    if repeats:
        _section(
            out,
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
            say(
                "重复问题({n} 天内相似度 ≥ {t},第三条「同类问题不再重复发生」)",
                "repeat problems (similarity ≥ {t} within {n} days; measure 3)",
                n=view["repeat_window_days"],
                t=view["similarity_threshold"],
            ),
            _more(len(repeats), len(view["repeat_problems"])),
        )
    never = view["never_visited"]
    if never:
        _section(
            out,
            [say("区", "district"), say("责任领导", "leader"), say("未走访", "not visited"), say("创新主体", "entities")],
            [
                [
                    block["district"] or say("(未填区)", "(no district)"),
                    block["leader"] or "",
                    block["count"],
                    # two entries named alike are told apart, as in the entities table; a
                    # list cut at DETAIL_ROWS says so (the count beside it has them all)
                    join_names(
                        _never_visited_labels(block["entities"]),
                        DETAIL_ROWS,
                        more=say("…等 {n} 个", " … and {n} more"),
                    ),
                ]
                for block in never
            ],
            say(
                "名录中期内未走访的创新主体(共 {n} 个)",
                "registered entities not visited in the period ({n})",
                n=view["totals"]["registered_never_visited"],
            ),
        )
    sources = view["rectifications_by_source"]
    _section(
        out,
        [say("整改来源", "source"), say("期内立项", "opened in the period")],
        [[term(source), count] for source, count in sources.items()] or [[say("(无)", "(none)"), 0]],
        say("整改事项来源", "rectification items by source"),
    )


def _never_visited_labels(entities: list[dict[str, Any]]) -> list[str]:
    """The names of a district's entries not visited, each with its register id when another of
    them has the same name (as in the entities table): 「某科技公司、某科技公司」 says nothing."""
    return entity_labels([{"entity": one["name"], "id": one["id"]} for one in entities])
