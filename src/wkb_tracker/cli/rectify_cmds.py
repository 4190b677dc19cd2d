"""`wkb rectify`: the problem list with deadlines (问题整改清单,限期整改, measure 15)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

import typer

from wkb_tracker.cli import completion
from wkb_tracker.cli.common import (
    KNOWN_ON_HELP,
    all_rows_option,
    approved_by_option,
    as_of_and_known_on,
    as_of_option,
    begin_commit,
    commit_option,
    district_option,
    echo,
    finish_commit,
    late_reason_option,
    leader_filter_option,
    limit_option,
    more_rows_note,
    recorder_option,
    row_limit,
    session,
    warn_skipped,
)
from wkb_tracker.cli.exporting import (
    chosen_format,
    deliver,
    format_option,
    output_option,
    view_format_option,
)
from wkb_tracker.domain.i18n import say, term
from wkb_tracker.report.formats import EXPORT_FORMATS, JSON

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date
    from pathlib import Path

    from wkb_tracker.domain.model import Rectification, RectificationEvent
    from wkb_tracker.domain.policy import Policy
    from wkb_tracker.store.gitops import PendingCommit

rectify_app = typer.Typer(
    help="问题整改清单(第十五条)/ the rectification list with deadlines (measure 15)",
    no_args_is_help=True,
)


class StatusFilter(StrEnum):
    open = "open"
    overdue = "overdue"
    due_soon = "due-soon"
    closed = "closed"
    all = "all"


def register(app: typer.Typer) -> None:
    app.add_typer(rectify_app, name="rectify")


def _item_argument() -> Any:
    return typer.Argument(
        ..., metavar="ID", help="事项编号 / item id", autocompletion=completion.item_ids
    )


_EXTEND_APPROVED_HELP = (
    "批准人:逾期后延期、或日期在已封存月份时必填 / approver: needed for an extension after the "
    "deadline, or for a date in a sealed month"
)
_DATE_HELP = "日期,默认今天 / date, default today (2026-11-03, 2026/11/3, 2026年11月3日, 今天)"
# -- add and the four events -----------------------------------------------------------------


@rectify_app.command("add")
def add(
    ctx: typer.Context,
    problem: str = typer.Option(..., "--problem", help="问题 / the problem"),
    visit: str | None = typer.Option(
        None,
        "--visit",
        help="关联走访编号(区、来源、立项日期取自走访)/ visit id",
        autocompletion=completion.visit_ids,
    ),
    district: str | None = district_option(
        "区名、id 或唯一前缀;局内问题可不填 / district (optional)"
    ),
    source: str | None = typer.Option(
        None,
        "--source",
        help="来源(无 --visit 时必填):自查|督查|考核|好差评|其他 / self-check|inspection|assessment|review|other",
    ),
    measure: int | None = typer.Option(None, "--measure", help="相关措施 1–17 / related measure"),
    department: str | None = typer.Option(
        None, "--department", help="责任部门(默认取分工表)/ department (default: the table's)"
    ),
    owner: str | None = typer.Option(
        None, "--owner", help="责任人(默认取分工表联系人)/ owner (default: the table's contact)"
    ),
    opened: str | None = typer.Option(
        None, "--opened", help="立项日期 / opened date; " + _DATE_HELP
    ),
    deadline: str | None = typer.Option(
        None,
        "--deadline",
        help="整改期限:日期或 +30d|30天|+2w|1个月(默认立项后 30 天)/ deadline: date or term",
    ),
    approved_by: str | None = approved_by_option(),
    late_reason: str | None = late_reason_option(),
    recorder: str | None = recorder_option(),
    review: str | None = typer.Option(
        None,
        "--review",
        help="好差评来源的评价(编号或文字,仅 --source 好差评)/ the 好差评 review it came from",
    ),
    commit: bool | None = commit_option(),
    format: str = view_format_option(),
) -> None:
    """立项一个整改事项 / open a rectification item."""
    from wkb_tracker.store.rectification_store import add_item

    root = session(ctx).root()
    pending = begin_commit(ctx, commit)
    item = add_item(
        root,
        problem=problem,
        recorder=_recorder(ctx, recorder),
        visit=visit,
        district=district,
        source=source,
        measure=measure,
        department=department,
        owner=owner,
        opened=opened,
        deadline=deadline,
        approved_by=approved_by,
        late_reason=late_reason,
        review=review,
    )
    _commit(pending, item, "add", item.created_by)
    if format == JSON:
        _print_detail(ctx, item)
        return
    echo(
        say(
            "已立项 {i}:{p}\n  {where},责任部门 {dep},责任人 {o},立项 {op},期限 {d}",
            "opened {i}: {p}\n  {where}, department {dep}, owner {o}, opened {op}, deadline {d}",
            i=item.id,
            p=item.problem,
            where=_where(item),
            dep=item.department,
            o=item.owner,
            op=item.opened,
            d=item.deadline,
        )
    )


@rectify_app.command("progress")
def progress(
    ctx: typer.Context,
    item_id: str = _item_argument(),
    note: str = typer.Option(..., "--note", help="进展情况 / progress note"),
    date: str | None = typer.Option(None, "--date", help=_DATE_HELP),
    approved_by: str | None = approved_by_option(),
    late_reason: str | None = late_reason_option(),
    recorder: str | None = recorder_option(),
    commit: bool | None = commit_option(),
    format: str = view_format_option(),
) -> None:
    """记录整改进展 / record progress on an item."""
    from wkb_tracker.store.rectification_store import progress_event

    _record(
        ctx,
        commit,
        format,
        item_id,
        lambda: progress_event(
            note=note,
            by=_recorder(ctx, recorder),
            day=date,
            approved_by=approved_by,
            late_reason=late_reason,
        ),
    )


@rectify_app.command("extend")
def extend(
    ctx: typer.Context,
    item_id: str = _item_argument(),
    deadline: str = typer.Option(
        ...,
        "--deadline",
        help="新期限:日期,或从现行期限起算 +15d|15天|+2w|1个月 / new deadline, or a term from the current one",
    ),
    reason: str = typer.Option(..., "--reason", help="延期理由 / reason"),
    approved_by: str | None = approved_by_option(_EXTEND_APPROVED_HELP),
    date: str | None = typer.Option(None, "--date", help=_DATE_HELP),
    late_reason: str | None = late_reason_option(),
    recorder: str | None = recorder_option(),
    commit: bool | None = commit_option(),
    format: str = view_format_option(),
) -> None:
    """延长整改期限 / extend an open item's deadline."""
    from wkb_tracker.store.rectification_store import extend as extend_item

    root = session(ctx).root()
    pending = begin_commit(ctx, commit)
    item, event = extend_item(
        root,
        item_id,
        deadline=deadline,
        reason=reason,
        approved_by=approved_by,
        by=_recorder(ctx, recorder),
        day=date,
        late_reason=late_reason,
    )
    _commit(pending, item, event.kind, event.by, (event.path,))
    _changed(ctx, format, item, [event])


@rectify_app.command("close")
def close(
    ctx: typer.Context,
    item_id: str = _item_argument(),
    resolution: str = typer.Option(..., "--resolution", help="整改结果 / how it was resolved"),
    date: str | None = typer.Option(None, "--date", help="关闭日期 / closure date; " + _DATE_HELP),
    approved_by: str | None = approved_by_option(),
    late_reason: str | None = late_reason_option(),
    recorder: str | None = recorder_option(),
    satisfaction: str | None = typer.Option(
        None, "--satisfaction", help="回访满意度 / return visit: 满意|基本满意|不满意"
    ),
    followup_date: str | None = typer.Option(
        None, "--followup-date", help="回访日期(默认关闭日期)/ return visit date"
    ),
    followup_by: str | None = typer.Option(
        None, "--followup-by", help="回访人(默认记录人)/ who made the return visit"
    ),
    followup_note: str | None = typer.Option(
        None, "--followup-note", help="回访情况 / what the entity said"
    ),
    commit: bool | None = commit_option(),
    format: str = view_format_option(),
) -> None:
    """整改完成,关闭事项(可同时记录回访)/ close an item (and record a return visit)."""
    from wkb_tracker.domain.errors import UserError
    from wkb_tracker.store.rectification_store import close_event, followup_event

    given = [followup_date, followup_by, followup_note]
    if satisfaction is None and any(value is not None for value in given):
        raise UserError(
            say(
                "记录回访须给出 --satisfaction(满意|基本满意|不满意)",
                "a return visit needs --satisfaction (满意|基本满意|不满意)",
            )
        )

    def events() -> list[RectificationEvent]:
        by = _recorder(ctx, recorder)
        closing = close_event(
            resolution=resolution,
            by=by,
            day=date,
            approved_by=approved_by,
            late_reason=late_reason,
        )
        if satisfaction is None:
            return [closing]
        # Both are checked before either is written: a return visit that would be refused
        # leaves the item open, nothing written.
        return [
            closing,
            followup_event(
                satisfaction=satisfaction,
                by=followup_by or by,
                day=followup_date or closing.date.isoformat(),
                note=followup_note,
                approved_by=approved_by,
                late_reason=late_reason,
            ),
        ]

    _record(ctx, commit, format, item_id, events)


@rectify_app.command("followup")
def followup(
    ctx: typer.Context,
    item_id: str = _item_argument(),
    satisfaction: str = typer.Option(
        ..., "--satisfaction", help="满意度 / satisfaction: 满意|基本满意|不满意"
    ),
    note: str | None = typer.Option(None, "--note", help="回访情况 / what the entity said"),
    date: str | None = typer.Option(None, "--date", help="回访日期 / date; " + _DATE_HELP),
    by: str | None = typer.Option(None, "--by", help="回访人(默认记录人)/ who made it"),
    approved_by: str | None = approved_by_option(),
    late_reason: str | None = late_reason_option(),
    commit: bool | None = commit_option(),
    format: str = view_format_option(),
) -> None:
    """回访已关闭的事项,记录创新主体满意度 / record a return visit to a closed item.

    例 / e.g.: wkb rectify followup R20261103-ABCDEF --satisfaction 不满意 --note "仍未解决"
    """
    from wkb_tracker.store.rectification_store import followup_event

    _record(
        ctx,
        commit,
        format,
        item_id,
        lambda: followup_event(
            satisfaction=satisfaction,
            by=by or _recorder(ctx, None),
            day=date,
            note=note,
            approved_by=approved_by,
            late_reason=late_reason,
        ),
    )


@rectify_app.command("reopen")
def reopen(
    ctx: typer.Context,
    item_id: str = _item_argument(),
    reason: str = typer.Option(..., "--reason", help="重新打开的理由 / reason"),
    date: str | None = typer.Option(None, "--date", help=_DATE_HELP),
    approved_by: str | None = approved_by_option(),
    late_reason: str | None = late_reason_option(),
    recorder: str | None = recorder_option(),
    commit: bool | None = commit_option(),
    format: str = view_format_option(),
) -> None:
    """重新打开已关闭的事项(沿用原期限)/ reopen a closed item (keeps its last deadline)."""
    from wkb_tracker.store.rectification_store import reopen_event

    _record(
        ctx,
        commit,
        format,
        item_id,
        lambda: reopen_event(
            reason=reason,
            by=_recorder(ctx, recorder),
            day=date,
            approved_by=approved_by,
            late_reason=late_reason,
        ),
    )


# -- reading ---------------------------------------------------------------------------------


@rectify_app.command("list")
def list_items(
    ctx: typer.Context,
    status: StatusFilter = typer.Option(
        StatusFilter.open,
        "--status",
        help="open=未关闭(含逾期)|overdue|due-soon|closed|all / open = not closed, overdue included",
    ),
    as_of: str | None = as_of_option("截至日期,默认今天 / as of (default today)"),
    district: str | None = district_option(),
    leader: str | None = leader_filter_option(),
    department: str | None = typer.Option(None, "--department", help="责任部门 / department"),
    limit: int | None = limit_option(),
    everything: bool = all_rows_option(),
    known_on: str | None = typer.Option(None, "--known-on", help=KNOWN_ON_HELP),
    format: str | None = format_option(*EXPORT_FORMATS),
    output: str | None = output_option(*EXPORT_FORMATS),
) -> None:
    """列出整改事项及其状态 / list items with their status as of a date."""
    from wkb_tracker.domain.knowledge import items_known_on
    from wkb_tracker.store.rectification_store import load_items, select

    fmt = chosen_format(ctx, format, output, EXPORT_FORMATS)
    root = session(ctx).root()
    day, known = as_of_and_known_on(as_of, known_on)
    most = row_limit(limit, everything, table=fmt == "table")
    # A department filter is checked against every item's department, so read them all then.
    # An item closed since a past day's knowledge may still have been open then: load_items
    # keeps every item with anything recorded after `known` (see record_cache.in_window).
    open_only = status.value in ("open", "overdue", "due-soon") and department is None
    if fmt == JSON:  # a folder at a time, each item kept as its line of JSON (issue 17.1)
        filters = (status.value, district, leader, department)
        _list_json(ctx, day, known, open_only, filters, most, output)
        return
    items, problems = load_items(root, as_of=day, open_only=open_only, known_on=known)
    items = items_known_on(items, known)
    warn_skipped(list(problems))
    views = select(
        items,
        _policy(root),
        as_of=day,
        due_soon_days=session(ctx).config().due_soon_days,
        status=status.value,
        district=district,
        leader=leader,
        department=department,
    )
    shown = views[:most] if most is not None else views
    if fmt != "table":
        from wkb_tracker.cli.exporting import about
        from wkb_tracker.report.formats.list_sheets import item_sheet
        from wkb_tracker.report.formats.outputs import sheets_bytes

        sheet = item_sheet(shown)
        data = sheets_bytes(
            fmt,
            [sheet],
            title=sheet.title,
            about=lambda: about(ctx, known),
            json_value=lambda: shown,
        )
        deliver(ctx, data, fmt, output)
        return
    columns = [
        ("id", say("编号", "id")),
        ("problem", say("问题", "problem")),
        ("district", say("区", "district")),
        ("leader", say("责任领导", "leader")),
        ("department", say("责任部门", "department")),
        ("owner", say("责任人", "owner")),
        ("source", say("来源", "source")),
        ("opened", say("立项", "opened")),
        ("deadline", say("期限", "deadline")),
        ("status", say("状态", "status")),
        ("closed", say("关闭", "closed")),
    ]
    _print_table(columns, views, shown, day, status.value)


def _list_json(
    ctx: typer.Context,
    day: date,
    known: date,
    open_only: bool,
    filters: tuple[str, str | None, str | None, str | None],
    most: int | None,
    output: str | None,
) -> None:
    """`rectify list --format json`: byte for byte the sorted views' JSON, with only one month
    folder's items in memory at a time (store/item_batches.py)."""
    from wkb_tracker.cli.exporting import deliver_chunks
    from wkb_tracker.report.render import json_element
    from wkb_tracker.store.item_batches import SortedLines, item_batches, order_key
    from wkb_tracker.store.rectification_store import ItemFilter

    root = session(ctx).root()
    wanted = ItemFilter(_policy(root), *filters)
    days = session(ctx).config().due_soon_days
    lines = SortedLines()
    departments: set[str] = set()
    problems: list[object] = []
    for items, found in item_batches(root, as_of=day, open_only=open_only, known_on=known):
        problems += found
        departments.update(item.department for item in items)
        for view in wanted.views(items, as_of=day, due_soon_days=days):
            lines.add(order_key(view), json_element(view))
    warn_skipped(problems)
    wanted.check_department(departments)
    deliver_chunks(ctx, lines.chunks(most), JSON, output)


@rectify_app.command("show")
def show(
    ctx: typer.Context,
    item_id: str = _item_argument(),
    as_of: str | None = as_of_option("截至日期,默认今天 / as of (default today)"),
    known_on: str | None = typer.Option(None, "--known-on", help=KNOWN_ON_HELP),
    format: str = view_format_option(),
) -> None:
    """显示一个事项及其全部历史 / show an item and its whole history."""
    from wkb_tracker.domain.errors import UserError
    from wkb_tracker.domain.knowledge import item_known_on
    from wkb_tracker.store.rectification_store import find_item

    root = session(ctx).root()
    day, known = as_of_and_known_on(as_of, known_on)
    found = find_item(root, item_id)
    item = item_known_on(found, known)
    if item is None:
        raise UserError(
            say(
                "事项 {i} 在 {d} 尚未录入",
                "item {i} had not been recorded yet on {d}",
                i=found.id,
                d=known,
            )
        )
    if format == JSON:
        _print_detail(ctx, item, day)
        return
    _print_history(ctx, item, day)


# -- shared pieces ---------------------------------------------------------------------------


def _policy(root: Path) -> Policy:
    from wkb_tracker.store.policy_files import checked_policy

    return checked_policy(root)


def _recorder(ctx: typer.Context, given: str | None) -> str:
    from wkb_tracker.domain.text import clean_text

    if given is not None:
        return clean_text(given, "--recorder", required=True)
    return session(ctx).recorder()


def _record(
    ctx: typer.Context,
    commit: bool | None,
    format: str,
    item_id: str,
    make: Callable[[], RectificationEvent | list[RectificationEvent]],
) -> None:
    """Add the event(s) `make` builds (after the commit is prepared: a missing git identity is
    refused before anything is checked or written) to the item — all or none —, commit their
    files in one commit and show each."""
    from wkb_tracker.store.rectification_store import record

    root = session(ctx).root()
    pending = begin_commit(ctx, commit)
    made = make()
    item, written = record(root, item_id, *(made if isinstance(made, list) else [made]))
    first = written[0]
    _commit(pending, item, first.kind, first.by, tuple(event.path for event in written))
    _changed(ctx, format, item, written)


def _commit(
    pending: PendingCommit, item: Rectification, action: str, by: str, paths: tuple[str, ...] = ()
) -> None:
    """Commit the item's file (and `paths`, e.g. an event's own file) alone when asked."""
    from wkb_tracker.store.gitops import commit_message

    finish_commit(
        pending,
        [item.path, *paths],
        commit_message(f"rectify {action}", item.district or "", by, [item.id]),
    )


def _changed(
    ctx: typer.Context, format: str, item: Rectification, written: Sequence[RectificationEvent]
) -> None:
    """Show the item after `written` (a line for each event, then its standing; or its JSON)."""
    if format == JSON:
        _print_detail(ctx, item)
        return
    from wkb_tracker.domain.dates import today
    from wkb_tracker.domain.rectification import state_at

    state = state_at(item, today(), due_soon_days=session(ctx).config().due_soon_days)
    for event in written:
        echo(
            say(
                "{i}:已记录{k}({d})",
                "{i}: recorded {k} ({d})",
                i=item.id,
                k=_event_text(event),
                d=event.date,
            )
        )
    if state is not None:
        echo(
            say(
                "  当前状态:{s},期限 {dl}",
                "  now: {s}, deadline {dl}",
                s=_word(state.status, state.due_soon, state.closed_late),
                dl=state.deadline,
            )
        )


def _print_detail(ctx: typer.Context, item: Rectification, day: date | None = None) -> None:
    from wkb_tracker.domain.dates import today
    from wkb_tracker.report.render import print_json
    from wkb_tracker.store.rectification_store import detail_view

    print_json(
        detail_view(
            item,
            _policy(session(ctx).root()),
            day or today(),
            due_soon_days=session(ctx).config().due_soon_days,
        )
    )


def _where(item: Rectification) -> str:
    return item.district or say("局内(无区)", "bureau-internal (no district)")


# The Rich style of each standing (report/formats/list_sheets.standing); the words are its.
_STYLES = {
    "open": "green",
    "due_soon": "yellow",
    "overdue": "bold red",
    "closed": "dim",
    "closed_late": "magenta",
}


def _word(status: str | None, due_soon: bool, closed_late: bool | None) -> str:
    from wkb_tracker.report.formats.list_sheets import LIST_WORDS, standing

    if status is None:
        return say("尚未立项", "not yet opened")
    zh, en, _key = LIST_WORDS[standing(status, due_soon, closed_late)]
    return say(zh, en)


def _print_table(
    columns: list[tuple[str, str]],
    views: list[dict[str, Any]],
    shown: list[dict[str, Any]],
    day: date,
    status: str,
) -> None:
    """The table of `shown` (the first rows of `views`); the caption counts all of `views`."""
    from wkb_tracker.report.formats.list_sheets import item_word, view_standing
    from wkb_tracker.report.render import print_table

    rows = []
    for view in shown:
        cells: list[Any] = []
        for name, _label in columns:
            if name == "status":  # plain text, never markup
                cells.append((item_word(view).text, _STYLES[view_standing(view)]))
            elif name == "district":
                cells.append(view["district"] or say("局内", "bureau"))
            elif name == "source":
                cells.append(term(view["source"]))
            else:
                cells.append(view[name])
        rows.append(cells)
    counts = {key: 0 for key in _STYLES}
    for view in views:
        counts[view_standing(view)] += 1
    caption = say(
        "共 {n} 项(截至 {d}):进行中 {o},即将到期 {s},逾期 {v},已关闭 {c},逾期关闭 {l}",
        "{n} items as of {d}: open {o}, due soon {s}, overdue {v}, closed {c}, closed late {l}",
        n=len(views),
        d=day,
        o=counts["open"],
        s=counts["due_soon"],
        v=counts["overdue"],
        c=counts["closed"],
        l=counts["closed_late"],
    )
    if len(shown) < len(views):
        caption += "\n" + more_rows_note(
            len(shown), len(views), "--status, --district, --leader, --department, --as-of"
        )
    print_table(
        [label for _name, label in columns],
        rows,
        keep=(0, 7, 8, 9, 10),
        # Narrower consoles leave these out (closed, source, opened, department) before blocks.
        drop=(10, 6, 7, 4),
        empty=say("没有符合条件的整改事项。", "No rectification items match."),
        title=say("问题整改清单:{s}", "Rectification list: {s}", s=say(*_FILTER_WORDS[status])),
        caption=caption,
    )


_FILTER_WORDS = {
    "open": ("未关闭(含逾期)", "not closed (overdue included)"),
    "overdue": ("逾期", "overdue"),
    "due-soon": ("即将到期", "due soon"),
    "closed": ("已关闭", "closed"),
    "all": ("全部", "all"),
}


def _event_text(event: RectificationEvent) -> str:
    if event.kind == "progress":
        return say("进展:{n}", "progress: {n}", n=event.note)
    if event.kind == "extend":
        text = say(
            "延期至 {d},理由:{r}", "extension to {d}, reason: {r}", d=event.deadline, r=event.reason
        )
        if event.approved_by:
            text += say(",批准人:{a}", ", approved by {a}", a=event.approved_by)
        return text
    if event.kind == "close":
        return say("关闭:{r}", "closure: {r}", r=event.resolution)
    if event.kind == "followup":
        text = say("回访:{s}", "return visit: {s}", s=event.satisfaction)
        if event.note:  # what the entity said is the point of a return visit
            text += say(",{n}", ", {n}", n=event.note)
        return text
    return say("重新打开,理由:{r}", "reopening, reason: {r}", r=event.reason)


def _print_history(ctx: typer.Context, item: Rectification, day: date) -> None:
    from wkb_tracker.domain.dates import today
    from wkb_tracker.domain.rectification import leader_of, state_at, walk

    policy = _policy(session(ctx).root())
    state = state_at(item, day, due_soon_days=session(ctx).config().due_soon_days)
    leader = leader_of(item, policy)
    status = (
        _word(state.status, state.due_soon, state.closed_late)
        if state
        else _word(None, False, None)
    )
    source = term(item.source) + (f" {item.visit}" if item.visit else "")
    lines = [
        f"{item.id}  {status}" + say("(截至 {d})", " (as of {d})", d=day),
        say("问题:", "problem: ") + item.problem,
        say("区:", "district: ")
        + _where(item)
        + (say("(责任领导 {l})", " (leader {l})", l=leader) if leader else ""),
        say("来源:", "source: ") + source,
        say("相关措施:", "measure: ") + (str(item.measure) if item.measure else "—"),
        say("责任部门:", "department: ") + item.department,
        say("责任人:", "owner: ") + item.owner,
        say("立项:", "opened: ") + str(item.opened),
        say("期限:", "deadline: ")
        + str(state.deadline if state else item.deadline)
        + (
            say("(原定 {d})", " (originally {d})", d=item.deadline)
            if state and state.deadline != item.deadline
            else ""
        ),
        say("记录:", "recorded: ")
        + f"{item.created_by} {item.created_at.isoformat() if item.created_at else ''}".rstrip(),
        say("历史:", "history:"),
    ]
    if not item.events:
        lines.append(say("  (暂无)", "  (none yet)"))
    refused = dict(walk(item, today=today()).refused)
    for index, event in enumerate(item.events):
        lines.append(f"  {event.date}  {_event_text(event)}  — {event.by} {event.at.isoformat()}")
        if index in refused:  # e.g. a second closure merged in from another clone
            lines.append(
                say(
                    "    ⚠ 不计入:{m}({p})",
                    "    ⚠ not counted: {m} ({p})",
                    m=refused[index].message,
                    p=event.path,
                )
            )
    for line in lines:
        echo(line)
