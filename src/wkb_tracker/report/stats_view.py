"""The public JSON of `wkb stats` and its tables (issue 14.4), from `domain.stats.Stats`: the
rows every output shares (the groups with their total, entity names told apart) and the sheets
of the file formats. The terminal's tables are report/stats_screen.py.

JSON keys are a contract: only ever added, never renamed or dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from wkb_tracker.domain.i18n import join_names, say, term
from wkb_tracker.domain.stats import SIMILARITY, Raised, Stats


def _counts(visits: Iterable[int]) -> dict[str, int]:
    """Entities, those visited once and those visited repeatedly, from each entity's visits."""
    counted = list(visits)
    return {
        "entities": len(counted),
        "entities_once": sum(1 for n in counted if n == 1),
        "entities_repeated": sum(1 for n in counted if n >= 2),
    }


def _raised_view(one: Raised) -> dict[str, Any]:
    return {"date": one.date.isoformat(), "visit": one.visit, "entity": one.entity_name, "problem": one.text}


def stats_dict(stats: Stats) -> dict[str, Any]:
    """The public JSON of `wkb stats` (keys are only ever added, never renamed)."""
    same = sum(1 for r in stats.repeats if r.scope == "entity")
    return {
        "period": {"from": stats.first.isoformat(), "to": stats.last.isoformat()},
        "by": stats.by,
        "repeat_window_days": stats.window_days,
        "similarity_threshold": SIMILARITY,
        "totals": {
            "visits": stats.visits,
            # One count per entity (its key), never per name shown: two entries that share a
            # name are two entities (keyed by name they had been merged, the later one's
            # visits standing for both).
            **_counts(e.visits for e in stats.entities),
            "problems": stats.problems,
            "repeat_problems": len(stats.repeats),
            "repeat_problems_same_entity": same,
            "repeat_problems_other_entity": len(stats.repeats) - same,
            "rectifications": sum(stats.items_by_source.values()),
            # with a register only (null without one)
            "registered": stats.registered,
            "registered_never_visited": (
                sum(len(block.entities) for block in stats.never_visited)
                if stats.never_visited is not None
                else None
            ),
        },
        "groups": [
            {
                "key": group.key,
                "visits": group.visits,
                **_counts(group.entities.values()),
                "problems": group.problems,
                "repeat_problems": group.repeat_problems,
                # `--by entity`: the group's register entry (null when unregistered, and for
                # every other grouping); `key` is the entity's name, which entries may share.
                "entity_id": group.entity_id,
            }
            for group in stats.groups
        ],
        "entities": [
            {
                "entity": e.entity,
                "visits": e.visits,
                "first": e.first.isoformat() if e.first else None,
                "last": e.last.isoformat() if e.last else None,
                "districts": sorted(e.districts),
                "leaders": sorted(e.leaders),
                "problems": e.problems,
                "repeat_problems": e.repeat_problems,
                "id": e.id,
            }
            for e in stats.entities
        ],
        "repeat_problems": [
            {
                **_raised_view(r.problem),
                "scope": r.scope,
                "similarity": r.ratio,
                "earlier": _raised_view(r.earlier),
            }
            for r in stats.repeats
        ],
        "rectifications_by_source": stats.items_by_source,
        "never_visited": None
        if stats.never_visited is None
        else [
            {
                "district": block.district,
                "district_id": block.district_id,
                "leader": block.leader,
                "count": len(block.entities),
                "entities": [
                    {"id": e.id, "name": e.name, "type": e.type, "tags": list(e.tags)}
                    for e in block.entities
                ],
            }
            for block in stats.never_visited
        ],
    }


_BY_WORDS = {
    "district": ("区", "district"),
    "leader": ("责任领导", "leader"),
    "entity": ("创新主体", "entity"),
    "type": ("主体类型", "type"),
    "mode": ("联系方式", "mode"),
    "tag": ("措施", "tag"),
}


def _group_heading(by: str) -> str:
    """分组(区) / group (district): the `--by` dimension in the header's own language."""
    zh, en = _BY_WORDS.get(by, (by, by))
    return say("分组({w})", "group ({w})", w=say(zh, en))


_ENTITY_KEYS = ("entities", "entities_once", "entities_repeated")
_VISIT_KEYS = ("visits", "problems", "repeat_problems")


def _unsummed(view: dict[str, Any]) -> tuple[bool, bool]:
    """Whether the total's entity figures, and its visit figures, differ from the rows' sums."""
    groups, totals = view["groups"], view["totals"]

    def differs(keys: tuple[str, ...]) -> bool:
        return any(totals[key] != sum(group[key] for group in groups) for key in keys)

    return differs(_ENTITY_KEYS), differs(_VISIT_KEYS)


def total_label(view: dict[str, Any]) -> str:
    """The total row's first cell in a workbook, page or document, which has no line under the
    table: 合计, or what it counts once when that makes it differ from the rows' sum."""
    entities, visits = _unsummed(view)
    if entities and visits:
        return say("合计(每个主体、每次走访计一次)", "total (each entity and visit once)")
    if entities:
        return say("合计(每个主体计一次)", "total (each entity once)")
    if visits:
        return say("合计(每次走访计一次)", "total (each visit once)")
    return say("合计", "total")


def total_note(view: dict[str, Any]) -> str | None:
    """What the total row counts, when it is not the sum of the rows above it (None when it is).

    The total counts each entity once over the whole period (`totals.entities_once` is about
    all of an entity's visits), while a group row counts the entity within that group: one
    entity visited once in each of two districts is "visited once" in both rows and "visited
    repeatedly" in the total. With `--by tag` a visit serving two measures is in two rows and
    once in the total."""
    entities, visits = _unsummed(view)
    notes = []
    if entities:
        notes.append(
            say(
                "合计按整个统计期计,每个主体只计一次(在几个分组各走访一次的主体,合计中算多次走访),"
                "所以主体数不是各行之和。",
                "The total counts each entity once over the whole period (one visited once in "
                "each of several groups counts as visited repeatedly), so its entity figures "
                "are not the sums of the rows.",
            )
        )
    if visits:
        notes.append(
            say(
                "一次走访服务几条措施(或主体有几个标签)时在每个分组都计入,合计只计一次。",
                "A visit serving several measures (or to an entity with several tags) counts "
                "in each of their groups and once in the total.",
            )
        )
    if not notes:
        return None
    return say("注:", "Note: ") + say("", " ").join(notes)


def group_rows(
    view: dict[str, Any], *, screen: bool = False, label: str | None = None
) -> tuple[list[str], list[list[Any]]]:
    """The `--by` table with a total row (its first cell `label`, else 合计): one header
    language (`--lang`). `screen`: the shorter English header of the terminal's table ("visited
    2+ times"), which lets the district table fit 80 columns instead of falling back to one
    block per district; files keep their headers (a script may read them)."""
    header = [
        _group_heading(view["by"]),
        say("走访次数", "visits"),
        say("主体数", "entities"),
        say("走访一次", "visited once"),
        say("多次走访", "visited 2+ times" if screen else "visited repeatedly"),
        say("问题数", "problems"),
        say("重复问题", "repeat problems"),
    ]
    keys = ("visits", "entities", "entities_once", "entities_repeated", "problems", "repeat_problems")
    groups = view["groups"]
    names = (
        _labels((group["key"], group.get("entity_id")) for group in groups)
        if view["by"] == "entity"
        else [group["key"] for group in groups]
    )
    rows = [[name, *(group[k] for k in keys)] for name, group in zip(names, groups, strict=True)]
    totals = view["totals"]
    rows.append([label or say("合计", "total"), *(totals[k] for k in keys)])
    return header, rows


def entity_labels(entities: list[dict[str, Any]]) -> list[str]:
    """Each entity's name as a table shows it, with its register id (or 未登记) when another
    entity of the list has the same name: two entries named alike are two rows, and a reader
    must tell them apart (JSON has `id` beside `entity`)."""
    return _labels((e["entity"], e["id"]) for e in entities)


def _labels(named: Iterable[tuple[str, str | None]]) -> list[str]:
    """`entity_labels` of (name, register id or None) pairs: the entities table's rows and the
    `--by entity` groups (JSON: `entity_id` beside `key`) name entities the same way."""
    pairs = list(named)
    seen = Counter(name for name, _id in pairs)
    return [
        name
        if seen[name] == 1
        else say("{n}({i})", "{n} ({i})", n=name, i=entity_id or say("未登记", "unregistered"))
        for name, entity_id in pairs
    ]


def stats_sheets(view: dict[str, Any], *, every_table: bool) -> list[Any]:
    """The tables of `wkb stats` for the file formats: the `--by` table with its total (alone in
    a CSV, one table a program can read), and for a workbook, page or document also the
    entities, the repeat problems (measure 3) and the items by source."""
    from wkb_tracker.report.formats.cells import DATE, INTEGER, Column, Sheet

    # A workbook, page or document says on the total row what it counts; a CSV keeps 合计 (it
    # is what scripts read, one table of figures).
    header, rows = group_rows(view, label=total_label(view) if every_table else None)
    period = view["period"]
    span = f"{period['from']} – {period['to']}"
    groups = Sheet(
        say("分组统计", "Groups"),
        (Column(header[0]), *(Column(h, INTEGER) for h in header[1:])),
        [list(row) for row in rows],
        say("服务对象统计 {p}", "Who was served {p}", p=span),
    )
    if not every_table:
        return [groups]
    from datetime import date

    def day(text: str | None) -> date | None:
        return date.fromisoformat(text) if text else None

    entities = Sheet(
        say("创新主体", "Entities"),
        (
            Column(say("创新主体", "entity")),
            Column(say("走访次数", "visits"), INTEGER),
            Column(say("首次", "first"), DATE),
            Column(say("最近", "last"), DATE),
            Column(say("区", "districts")),
            Column(say("责任领导", "leaders")),
            Column(say("问题数", "problems"), INTEGER),
            Column(say("重复问题", "repeat problems"), INTEGER),
        ),
        [
            [
                name,
                e["visits"],
                day(e["first"]),
                day(e["last"]),
                join_names(e["districts"]),
                join_names(e["leaders"]),
                e["problems"],
                e["repeat_problems"],
            ]
            for name, e in zip(entity_labels(view["entities"]), view["entities"], strict=True)
        ],
        say("各主体走访与问题", "Visits and problems per entity"),
    )
    repeats = Sheet(
        say("重复问题", "Repeat problems"),
        (
            Column(say("日期", "date"), DATE),
            Column(say("创新主体", "entity")),
            Column(say("问题", "problem")),
            Column(say("范围", "scope")),
            Column(say("相似度", "similarity")),
            Column(say("此前日期", "earlier date"), DATE),
            Column(say("此前主体", "earlier entity")),
            Column(say("此前问题", "earlier problem")),
        ),
        [
            [
                day(r["date"]),
                r["entity"],
                r["problem"],
                say("同一主体", "same entity") if r["scope"] == "entity" else say("其他主体", "another entity"),
                f"{r['similarity']:.3f}",
                day(r["earlier"]["date"]),
                r["earlier"]["entity"],
                r["earlier"]["problem"],
            ]
            for r in view["repeat_problems"]
        ],
        say(
            "重复问题({n} 天内相似度 ≥ {t},第三条)",
            "Repeat problems (similarity ≥ {t} within {n} days, measure 3)",
            n=view["repeat_window_days"],
            t=view["similarity_threshold"],
        ),
    )
    sources = Sheet(
        say("整改来源", "Sources"),
        (Column(say("整改来源", "source")), Column(say("期内立项", "opened in the period"), INTEGER)),
        [[term(source), count] for source, count in view["rectifications_by_source"].items()],
        say("整改事项来源", "Rectification items by source"),
    )
    sheets = [groups, entities, repeats, sources]
    if view["never_visited"] is not None:
        sheets.append(
            Sheet(
                say("未走访", "Not visited"),
                (
                    Column(say("区", "district")),
                    Column(say("责任领导", "leader")),
                    Column(say("创新主体", "entity")),
                    Column(say("编号", "id")),
                    Column(say("主体类型", "type")),
                    Column(say("标签", "tags")),
                ),
                [
                    [
                        block["district"] or "",
                        block["leader"] or "",
                        e["name"],
                        e["id"],
                        e["type"] or "",
                        join_names(e["tags"]),
                    ]
                    for block in view["never_visited"]
                    for e in block["entities"]
                ],
                say("名录中期内未走访的创新主体", "Registered entities not visited in the period"),
            )
        )
    return sheets
