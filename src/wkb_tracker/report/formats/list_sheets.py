"""The lists as sheets — `visit list`, `rectify list`, `due` — for CSV, Markdown, xlsx and HTML.
Columns and their order are those the CSV of each list has always had (CSV headers are words, not
a contract, but scripts read them by position too); dates are dates and counts are numbers, so a
workbook sorts and sums them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from wkb_tracker.domain.i18n import say, term
from wkb_tracker.report.formats.cells import (
    DATE,
    INTEGER,
    STATUS,
    Cell,
    Column,
    Sheet,
    Styled,
    day_cell,
)


def visit_columns() -> tuple[Column, ...]:
    return (
        Column(say("编号", "id")),
        Column(say("日期", "date"), DATE),
        Column(say("区", "district")),
        Column(say("责任领导", "leader")),
        Column(say("创新主体", "entity")),
        Column(say("类型", "type")),
        Column(say("方式", "mode")),
        Column(say("措施", "measures")),
        Column(say("记录人", "recorder")),
        Column(say("状态", "status"), STATUS),
        Column(say("作废原因", "void reason")),
        Column(say("文件", "path")),
        Column(say("主体编号", "entity id")),
    )


def visit_cells(view: Mapping[str, Any]) -> list[Cell]:
    void = bool(view["void"])
    return [
        view["id"],
        day_cell(view["date"]),
        view["district"],
        view["leader"],
        view["entity"],
        term(view["type"]),
        term(view["mode"]),
        ",".join(str(number) for number in view["measures"]),
        view["recorder"],
        Styled(say("已作废", "void"), "short") if void else Styled(say("有效", "valid"), "met"),
        view["void_reason"],
        view["path"],
        _entity_id(view),
    ]


def _entity_id(view: Mapping[str, Any]) -> str:
    """The register entry a visit counts for now (`entity_current`, followed through merges),
    else the id its file holds, else empty (issue 14.2)."""
    current = view.get("entity_current")
    return str(current["id"]) if current else str(view.get("entity_id") or "")


def visit_sheet(views: Iterable[Mapping[str, Any]]) -> Sheet:
    return Sheet(
        say("走访", "Visits"),
        visit_columns(),
        [visit_cells(view) for view in views],
        say("走访记录(第十四条)", "Visits (measure 14)"),
    )


ITEM_KEYS = (
    ("id", "编号", "id", ""),
    ("problem", "问题", "problem", ""),
    ("district", "区", "district", ""),
    ("leader", "责任领导", "leader", ""),
    ("department", "责任部门", "department", ""),
    ("owner", "责任人", "owner", ""),
    ("source", "来源", "source", ""),
    ("opened", "立项", "opened", DATE),
    ("deadline", "期限", "deadline", DATE),
    ("status", "状态", "status", STATUS),
    ("closed", "关闭", "closed", DATE),
    ("measure", "相关措施", "measure", INTEGER),
    ("visit", "走访", "visit", ""),
)


def bureau_word() -> str:
    """What a sheet shows for an item of no district (a bureau-internal one)."""
    return say("(局内)", "(bureau)")


def item_columns() -> tuple[Column, ...]:
    return tuple(Column(say(zh, en), kind or "text") for _key, zh, en, kind in ITEM_KEYS)


# An item's standing → (Chinese, English, colour key). `rectify list` has always said 已关闭 /
# 逾期关闭; the report says 按期办结 / 超期办结, measure 17's words for the same two standings.
LIST_WORDS = {
    "open": ("进行中", "open", "open"),
    "due_soon": ("即将到期", "due soon", "due_soon"),
    "overdue": ("逾期", "overdue", "overdue"),
    "closed": ("已关闭", "closed", "closed_on_time"),
    "closed_late": ("逾期关闭", "closed late", "closed_late"),
}
REPORT_WORDS = {
    **LIST_WORDS,
    "closed": ("按期办结", "closed on time", "closed_on_time"),
    "closed_late": ("超期办结", "closed late", "closed_late"),
}


def standing(status: str | None, due_soon: bool | None, closed_late: bool | None) -> str:
    """An item's standing, a key of LIST_WORDS: its status (open | overdue | closed), with
    open items due soon and closures after the deadline told apart."""
    if status == "open" and due_soon:
        return "due_soon"
    if status == "closed" and closed_late:
        return "closed_late"
    return status if status in LIST_WORDS else "open"


def view_standing(view: Mapping[str, Any]) -> str:
    """`standing` of an item's view (rectification_store.item_view)."""
    return standing(view.get("status"), view.get("due_soon"), view.get("closed_late"))


def standing_word(standing: str, words: Mapping[str, tuple[str, str, str]] = LIST_WORDS) -> Styled:
    """A standing (a key of `words`) as words and a colour key."""
    zh, en, key = words[standing]
    return Styled(say(zh, en), key)


def item_word(
    view: Mapping[str, Any], words: Mapping[str, tuple[str, str, str]] = LIST_WORDS
) -> Styled:
    """An item's standing as words and a colour key."""
    return standing_word(view_standing(view), words)


def item_cells(
    view: Mapping[str, Any], words: Mapping[str, tuple[str, str, str]] = LIST_WORDS
) -> list[Cell]:
    cells: list[Cell] = []
    for key, _zh, _en, kind in ITEM_KEYS:
        value = view.get(key)
        if key == "status":
            cells.append(item_word(view, words))
        elif kind == DATE:
            cells.append(day_cell(value))
        elif key == "source" and value:
            cells.append(term(value))
        elif key == "district":
            cells.append(value or bureau_word())
        else:
            cells.append(value)
    return cells


def item_sheet(views: Iterable[Mapping[str, Any]]) -> Sheet:
    return Sheet(
        say("整改", "Rectifications"),
        item_columns(),
        [item_cells(view) for view in views],
        say("问题整改清单(第十五条)", "Rectification list (measure 15)"),
    )


def due_sheets(due: Mapping[str, Any]) -> list[Sheet]:
    """`wkb due` (its JSON view): the districts still short this month, then the items overdue
    or due soon."""
    districts = Sheet(
        say("尚未达标", "Still short"),
        (
            Column(say("责任领导", "leader")),
            Column(say("职务", "title")),
            Column(say("分工区", "district")),
            Column(say("已联系", "contacts"), INTEGER),
            Column(say("应联系", "required"), INTEGER),
            Column(say("尚缺", "missing"), INTEGER),
        ),
        [
            [
                row["leader"],
                row["title"],
                row["district"],
                row["contacts"],
                row["required"],
                row["missing"],
            ]
            for row in due["districts"]
        ],
        say("{m} 尚未达标的分工区", "Districts still short in {m}", m=due["month"]),
    )
    items = Sheet(
        say("临期整改", "Due items"),
        (
            Column(say("编号", "id")),
            Column(say("问题", "problem")),
            Column(say("分工区", "district")),
            Column(say("责任领导", "leader")),
            Column(say("责任人", "owner")),
            Column(say("期限", "deadline"), DATE),
            Column(say("状态", "status"), STATUS),
            Column(say("逾期天数", "days overdue"), INTEGER),
            Column(say("剩余天数", "days left"), INTEGER),
        ),
        [
            [
                item["id"],
                item["problem"],
                item["district"] or bureau_word(),
                item["leader"] or "",
                item["owner"],
                day_cell(item["deadline"]),
                standing_word(item["status"]),  # overdue | due_soon
                item["days_overdue"],
                item["days_left"],
            ]
            for item in due["rectifications"]
        ],
        say("逾期或即将到期的整改事项", "Rectifications overdue or due soon"),
    )
    return [districts, items]
