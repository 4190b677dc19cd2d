"""`wkb visit add | list | show | void | edit`: clerks record each contact (measure 14).

Only typer and cli.common are imported at start-up (`wkb visit add` start-up time is benchmarked);
the library (`wkb_tracker.store.visits`) and everything heavy is imported inside each command.

No `from __future__ import annotations` here, unlike elsewhere: Typer reads each option's type
from the command's annotations, and annotations kept as text would be compiled one by one when
`visit add` starts (~0.6 ms for its 19); written out, they are part of the module's bytecode.
Names imported only for type checking are written as strings.
"""

import os
import sys
from typing import TYPE_CHECKING, Any

import typer

from wkb_tracker.cli import completion
from wkb_tracker.cli.common import (
    KNOWN_ON_HELP,
    all_rows_option,
    approved_by_option,
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
    warn,
)
from wkb_tracker.cli.exporting import (
    chosen_format,
    deliver,
    format_option,
    output_option,
    view_format_option,
)
from wkb_tracker.cli.visit_entity import REGISTER_HELP
from wkb_tracker.domain.i18n import join_names, say, term
from wkb_tracker.report.formats import EXPORT_FORMATS, JSON

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from wkb_tracker.domain.errors import Problem
    from wkb_tracker.domain.model import Visit
    from wkb_tracker.domain.policy import Policy

visit_app = typer.Typer(
    help="走访记录(第十四条)/ visit records: contacts with innovation entities (measure 14)",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(visit_app, name="visit")


def interactive() -> bool:
    """Prompt for missing options? WKB_INTERACTIVE=1/0 forces it; else only when stdin is a terminal."""
    forced = os.environ.get("WKB_INTERACTIVE", "").strip()
    if forced in ("1", "0"):
        return forced == "1"
    return sys.stdin.isatty()


# -- add ----------------------------------------------------------------------------------------


@visit_app.command("add")
def add(
    ctx: typer.Context,
    date: str | None = typer.Option(
        None,
        "--date",
        help="联系日期(必填)/ date (required): 2026-11-03, 2026/11/3, 2026年11月3日, 今天, 昨天",
    ),
    district: str | None = district_option(
        "区名、id 或唯一前缀(必填)/ district name, id or prefix (required)"
    ),
    leader: str | None = typer.Option(
        None,
        "--leader",
        help="责任领导(默认取当日分工表)/ leader (default: the table on that date)",
        autocompletion=completion.leaders,
    ),
    entity: str | None = typer.Option(
        None, "--entity", help="创新主体名称(必填)/ innovation entity (required)"
    ),
    entity_type: str | None = typer.Option(
        None,
        "--type",
        help="主体类型(必填)/ entity type (required): 高校院所|平台载体|科技企业|创新团队 "
        "(institute|platform|enterprise|team)",
    ),
    mode: str | None = typer.Option(
        None,
        "--mode",
        help="联系方式 / contact mode: 实地走访|座谈交流|电话联系|线上交流 "
        "(visit|meeting|phone|online), default 实地走访",
    ),
    measure: list[str] | None = typer.Option(
        None, "--measure", help="相关措施编号 1–17,可重复 / measure served, repeatable"
    ),
    summary: str = typer.Option("", "--summary", help="情况摘要 / summary"),
    problem: list[str] | None = typer.Option(
        None, "--problem", help="主体反映的困难问题,可重复 / a problem raised, repeatable"
    ),
    participant: list[str] | None = typer.Option(
        None, "--participant", help="参加人员,可重复 / participant, repeatable"
    ),
    recorder: str | None = recorder_option(),
    late_reason: str | None = late_reason_option(),
    approved_by: str | None = approved_by_option(),
    joint: list[str] | None = typer.Option(
        None,
        "--with",
        help="陪同的局领导,可重复;其为当日该区责任领导时计入其要求 / another leader present, "
        "repeatable; counts for him where he is the district's responsible leader that day",
        autocompletion=completion.leaders,
    ),
    no_rectify: bool = typer.Option(
        False,
        "--no-rectify",
        help="不为 --problem 开立整改事项 / don't open rectification items for --problem",
    ),
    register_entity: bool | None = typer.Option(
        None, "--register/--no-register", help=REGISTER_HELP
    ),
    commit: bool | None = commit_option(),
    format: str = view_format_option(),
) -> None:
    """录入一次走访(对口联系)/ record a contact with an innovation entity."""
    from wkb_tracker.store.visits import VisitRequest, add_visit

    state = session(ctx)
    root = state.root()
    policy = _policy(root)
    pending = begin_commit(ctx, commit)  # no git identity: refused before any prompt or write
    values: dict[str, Any] = {
        "date": date,
        "district": district,
        "leader": leader,
        "entity": entity,
        "type": entity_type,
        "mode": mode,
        "measures": list(measure or []),
        "summary": summary,
        "problems": list(problem or []),
        "participants": list(participant or []),
        "joint_leaders": list(joint or []),
    }
    from wkb_tracker.cli.visit_entity import EntityStep

    entity_step = EntityStep.start(root, values)  # the register fills --type/--district it knows
    missing = [name for name in ("date", "district", "entity", "type") if values[name] is None]
    if missing:
        if not interactive():
            raise _usage_error(missing)
        _prompt_missing(
            policy, values, leader_given=leader is not None, mode_given=mode is not None
        )
    register_now = entity_step.finish(values, register_entity, interactive())
    request = VisitRequest(
        **values,
        recorder=state.recorder(recorder),
        late_reason=late_reason,
        approved_by=approved_by,
        entity_id=entity_step.entity_id,
    )
    if register_now:
        request = entity_step.register_new(policy, request)
    added = add_visit(policy, root, request)
    visit = added.visit
    for message in added.warnings:
        warn(message)
    paths = [visit.path, *entity_step.paths]
    opened: list[tuple[str, str, str]] = []
    if visit.problems and not no_rectify:
        # After the visit: a crash in between leaves a visit whose problems have no item, which
        # `wkb validate` lists (with the command that opens them); nothing half-written.
        opened = _open_rectifications(root, visit, request.recorder)
        paths += [path for _item_id, path, _problem in opened]
    from wkb_tracker.store.visits import commit_message

    finish_commit(pending, paths, commit_message(visit))
    if format == JSON:
        from wkb_tracker.report.render import print_json
        from wkb_tracker.store.visits import visit_view

        print_json(
            {
                **visit_view(visit),
                "rectifications": [item_id for item_id, _p, _t in opened],
                "entity_match": entity_step.how(),
            }
        )
        return
    echo(
        say(
            "已记录走访 {i}:{d} {l} {n} · {e}({t},{m})",
            "recorded visit {i}: {d} {l} {n} · {e} ({t}, {m})",
            i=visit.id,
            d=visit.date,
            l=visit.leader,
            n=visit.district,
            e=visit.entity,
            t=term(visit.type),
            m=term(visit.mode),
        )
    )
    echo(say("文件:{p}", "file: {p}", p=visit.path))
    if visit.entity_id:
        echo(entity_step.line())
    for item_id, _path, text in opened:
        echo(say("已开立整改事项 {i}:{t}", "opened rectification item {i}: {t}", i=item_id, t=text))


def _usage_error(missing: list[str]) -> Exception:
    from wkb_tracker.domain.errors import UserError

    options = join_names(f"--{name}" for name in missing)
    return UserError(
        say(
            "缺少必填选项 {o}(标准输入不是终端,无法提问)。见 wkb visit add --help",
            "missing required option {o} (standard input is not a terminal, so wkb cannot ask). "
            "See wkb visit add --help",
            o=options,
        )
    )


def _open_rectifications(root: "Path", visit: "Visit", recorder: str) -> list[tuple[str, str, str]]:
    """Open one linked rectification item per problem (issue 4); (id, path, problem) of each."""
    from wkb_tracker.domain.errors import WkbError
    from wkb_tracker.store.records import rectification_path
    from wkb_tracker.store.rectification_store import open_for_visit

    try:
        items = open_for_visit(root, visit, recorder=recorder)
    except WkbError as error:
        warn(
            say(
                "走访已记录,但未能开立整改事项:{m}。可用 wkb rectify add --visit {i} 补开",
                "the visit is recorded, but no rectification item could be opened: {m}. "
                "Use wkb rectify add --visit {i}",
                m=error.message,
                i=visit.id,
            )
        )
        return []
    return [
        (item.id, item.path or rectification_path(item.id, item.opened), item.problem)
        for item in items
    ]


# -- prompts ------------------------------------------------------------------------------------


def _ask(
    label: str, check: Any, *, default: str | None = None, complete: "Sequence[str]" = ()
) -> Any:
    """Ask until `check(answer)` accepts it; each refusal's message is shown and the question
    repeated. Tab completes from `complete` where the terminal edits lines (cli.prompting)."""
    from wkb_tracker.cli.prompting import completing
    from wkb_tracker.domain.errors import UserError

    while True:
        with completing(complete):
            answer = typer.prompt(label, default=default, err=True, show_default=bool(default))
        try:
            return check(answer)
        except UserError as error:
            sys.stderr.write(error.message + "\n")


def _pick(options: list[str], answer: str, fallback: Any) -> Any:
    """A number from the shown list picks that option; anything else goes to `fallback`."""
    cleaned = answer.strip()
    if cleaned.isascii() and cleaned.isdigit() and 1 <= int(cleaned) <= len(options):
        return options[int(cleaned) - 1]
    return fallback(cleaned)


def _prompt_missing(
    policy: "Policy", values: dict[str, Any], *, leader_given: bool, mode_given: bool
) -> None:
    """Ask for each missing required value (showing what is valid), then the optional ones."""
    from wkb_tracker.cli.prompting import line_editing, print_choices
    from wkb_tracker.domain.dates import today
    from wkb_tracker.domain.model import CONTACT_MODES, ENTITY_TYPES
    from wkb_tracker.domain.visit_rules import (
        parse_measure,
        parse_visit_date,
        resolve_mode,
        resolve_type,
    )

    line_editing()  # ←/→ edit the answer instead of typing "^[[D" into it
    if values["date"] is None:
        day = _ask(
            say("联系日期(如 2026-11-03、今天、昨天)", "date (e.g. 2026-11-03, today, yesterday)"),
            parse_visit_date,
            default=today().isoformat(),
        )
        values["date"] = day.isoformat()
    if values["district"] is None:
        names = [policy.district_name(i) for i in policy.district_ids]
        print_choices(say("可选的区:", "districts:"), names)
        values["district"] = _ask(
            say(
                "区(填编号、名称或前缀,Tab 补全)",
                "district (number, name or prefix; Tab completes)",
            ),
            lambda answer: policy.district_name(
                _pick(policy.district_ids, answer, policy.resolve_district)
            ),
            complete=[*names, *policy.district_ids],
        )
    if not leader_given:
        from wkb_tracker.domain.dates import parse_date

        entry = policy.assignment_on(
            policy.resolve_district(values["district"]), parse_date(values["date"])
        )
        values["leader"] = _ask(
            say("责任领导", "leader"),
            policy.resolve_leader,
            default=entry.leader if entry else None,
            complete=policy.leaders,
        )
    if values["entity"] is None:
        from wkb_tracker.domain.text import clean_text

        values["entity"] = _ask(
            say("创新主体名称", "innovation entity"),
            lambda answer: clean_text(answer, "--entity", required=True),
        )
    if values["type"] is None:
        kinds = list(ENTITY_TYPES)
        print_choices(say("主体类型:", "entity types:"), kinds)
        values["type"] = _ask(
            say("主体类型(填编号或名称)", "entity type (number or name)"),
            lambda answer: _pick(kinds, answer, resolve_type),
            complete=[*kinds, *ENTITY_TYPES.values()],
        )
    if not mode_given:
        modes = list(CONTACT_MODES)
        print_choices(say("联系方式:", "contact modes:"), modes)
        values["mode"] = _ask(
            say("联系方式(填编号或名称)", "contact mode (number or name)"),
            lambda answer: _pick(modes, answer, resolve_mode),
            default=modes[0],
            complete=[*modes, *CONTACT_MODES.values()],
        )
    if not values["measures"]:
        values["measures"] = _ask(
            say(
                "相关措施编号(可多个,空格分隔;回车跳过)",
                "measures served (space-separated; Enter to skip)",
            ),
            lambda answer: [parse_measure(part) for part in answer.replace(",", " ").split()],
            default="",
        )
    if not values["summary"]:
        values["summary"] = typer.prompt(
            say("情况摘要(回车跳过)", "summary (Enter to skip)"),
            default="",
            err=True,
            show_default=False,
        )
    if not values["problems"]:
        while True:
            answer = typer.prompt(
                say(
                    "反映的困难问题(每次一条;回车结束)",
                    "a problem raised (one at a time; Enter to finish)",
                ),
                default="",
                err=True,
                show_default=False,
            )
            if not answer.strip():
                break
            values["problems"].append(answer)


# -- list and show ------------------------------------------------------------------------------


@visit_app.command("list")
def list_visits(
    ctx: typer.Context,
    month: str | None = typer.Option(None, "--month", help="月份 YYYY-MM / month"),
    start: str | None = typer.Option(None, "--from", help="起始日期 / first date"),
    end: str | None = typer.Option(None, "--to", help="截止日期 / last date"),
    leader: str | None = leader_filter_option(),
    district: str | None = district_option(),
    entity_type: str | None = typer.Option(None, "--type", help="主体类型 / entity type"),
    limit: int | None = limit_option(),
    everything: bool = all_rows_option(),
    known_on: str | None = typer.Option(None, "--known-on", help=KNOWN_ON_HELP),
    format: str | None = format_option(*EXPORT_FORMATS),
    output: str | None = output_option(*EXPORT_FORMATS),
) -> None:
    """列出走访记录(含已作废,另有标记)/ list visits (void ones included, marked)."""
    from itertools import islice

    from wkb_tracker.cli.common import as_of_and_known_on
    from wkb_tracker.store.listing import stream_visits
    from wkb_tracker.store.policy_files import load_policy
    from wkb_tracker.store.visit_filter import make_filter
    from wkb_tracker.store.visits import visit_view

    root = session(ctx).root()
    policy, _problems = load_policy(root)
    chosen = make_filter(
        policy,
        month=month,
        start=start,
        end=end,
        leader=leader,
        district=district,
        type=entity_type,
    )
    fmt = chosen_format(ctx, format, output, EXPORT_FORMATS)
    most = row_limit(limit, everything, table=fmt == "table")
    _day, known = as_of_and_known_on(None, known_on)

    def skipped(problem: "Problem") -> None:
        if problem.path.startswith("data/visits/"):
            warn(say("已跳过无法读取的记录 ", "skipped an unreadable record ") + str(problem))
        else:
            warn(str(problem))

    # One month folder at a time, each view made as it is written (issue 11.15).
    visits = stream_visits(root, chosen, skipped, known_on=known)
    from wkb_tracker.cli.entity_cmds import _register
    from wkb_tracker.cli.visit_entity import current, id_text

    entities = _register(root)
    views = (
        {**visit_view(visit), "entity_current": current(entities, visit.entity_id)}
        for visit in islice(visits, most)
    )
    if fmt == "json" and output is None:
        from wkb_tracker.report.render import print_json_array

        print_json_array(views)  # streamed: constant memory whatever the number of visits
        return
    if fmt == "csv" and output is None:
        from wkb_tracker.report.formats.list_sheets import visit_cells, visit_columns
        from wkb_tracker.report.render import print_csv

        print_csv([c.title for c in visit_columns()], (visit_cells(view) for view in views))
        return
    if fmt != "table":
        from wkb_tracker.cli.exporting import about
        from wkb_tracker.report.formats.list_sheets import visit_sheet
        from wkb_tracker.report.formats.outputs import sheets_bytes

        shown = list(views)
        sheet = visit_sheet(shown)
        data = sheets_bytes(
            fmt,
            [sheet],
            title=sheet.title,
            about=lambda: about(ctx, known),
            json_value=lambda: shown,
        )
        deliver(ctx, data, fmt, output)
        return
    from wkb_tracker.report.formats.list_sheets import visit_columns
    from wkb_tracker.report.render import print_table

    # The sheets' first ten columns (one wording): id … status; the file and void reason are
    # for files only.
    header = [column.title for column in visit_columns()[:TABLE_COLUMNS]]

    rows, void, linked = [], 0, []
    for view in views:
        rows.append(_visit_row(view))
        linked.append(id_text(entities, view["entity_id"]))
        void += view["void"]
    if any(linked):  # the register is in use: which entry each visit counts for
        header.insert(5, say("主体编号", "entity id"))
        rows = [
            [*row[:5], entity_id, *row[5:]] for row, entity_id in zip(rows, linked, strict=True)
        ]
    total = len(rows)
    for visit in visits:  # the rows past the table's bound are only counted
        total, void = total + 1, void + visit.is_void
    caption = say("共 {n} 条,其中作废 {v} 条", "{n} visits, {v} of them void", n=total, v=void)
    if len(rows) < total:
        caption += "\n" + more_rows_note(
            len(rows), total, "--month, --from/--to, --district, --leader, --type"
        )
    # Narrower consoles leave out the recorder, the mode and the type before going to blocks
    # (with the entity register in use, its id column sits before the type: one further on).
    shift = 1 if any(linked) else 0
    print_table(
        header,
        rows,
        caption=caption,
        keep=(0, 1, 7 + shift, 9 + shift),
        drop=(8 + shift, 6 + shift, 5 + shift),
        empty=say("没有符合条件的走访记录。", "No visits match."),
    )


TABLE_COLUMNS = 10


def _visit_row(view: dict[str, Any]) -> list[Any]:
    """The table's cells of a visit: the sheets' cells as plain text."""
    from wkb_tracker.report.formats.cells import Styled
    from wkb_tracker.report.formats.list_sheets import visit_cells

    return [
        cell.text if isinstance(cell, Styled) else "" if cell is None else str(cell)
        for cell in visit_cells(view)[:TABLE_COLUMNS]
    ]


def _visit_argument() -> Any:
    return typer.Argument(
        ..., metavar="ID", help="走访编号 / visit id", autocompletion=completion.visit_ids
    )


@visit_app.command("show")
def show(
    ctx: typer.Context,
    visit_id: str = _visit_argument(),
    known_on: str | None = typer.Option(None, "--known-on", help=KNOWN_ON_HELP),
    format: str = view_format_option(),
) -> None:
    """显示一条走访记录 / print one visit."""
    from wkb_tracker.cli.common import as_of_and_known_on
    from wkb_tracker.domain.errors import UserError
    from wkb_tracker.domain.knowledge import visit_known_on
    from wkb_tracker.store.visits import find_visit, visit_view

    _day, known = as_of_and_known_on(None, known_on)
    found = find_visit(session(ctx).root(), visit_id)
    visit = visit_known_on(found, known)
    if visit is None:
        raise UserError(
            say(
                "走访 {i} 在 {d} 尚未录入",
                "visit {i} had not been recorded yet on {d}",
                i=found.id,
                d=known,
            )
        )
    from wkb_tracker.cli.entity_cmds import _register
    from wkb_tracker.cli.visit_entity import current, id_text

    entities = _register(session(ctx).root())
    view = {**visit_view(visit), "entity_current": current(entities, visit.entity_id)}
    if format == JSON:
        from wkb_tracker.report.render import print_json

        print_json(view)
        return
    _print_view(view)
    if visit.entity_id:  # after the fixed lines, so their order stays as it was
        echo(say("主体编号", "entity id") + ": " + id_text(entities, visit.entity_id))


def _print_view(view: dict[str, Any]) -> None:
    lines = [
        (say("编号", "id"), view["id"]),
        (say("日期", "date"), view["date"]),
        (say("区", "district"), f"{view['district']} ({view['district_id']})"),
        (say("责任领导", "leader"), view["leader"]),
        (say("创新主体", "entity"), view["entity"]),
        (say("主体类型", "type"), term(view["type"])),
        (say("联系方式", "mode"), term(view["mode"])),
        (say("相关措施", "measures"), ", ".join(str(number) for number in view["measures"])),
        (say("情况摘要", "summary"), view["summary"]),
        (say("反映问题", "problems"), "; ".join(view["problems"])),
        (say("参加人员", "participants"), join_names(view["participants"])),
        (say("记录人", "recorder"), view["recorder"]),
        (say("记录时间", "recorded at"), view["recorded_at"]),
    ]
    if view.get("joint_leaders"):
        lines.append((say("陪同领导", "with leaders"), join_names(view["joint_leaders"])))
    if view["late_reason"]:
        lines.append((say("补录原因", "late reason"), view["late_reason"]))
    if view.get("late_approved_by"):
        lines.append((say("补录批准人", "late entry approved by"), view["late_approved_by"]))
    status = (
        say(
            "已作废({r};{b},{a})",
            "void ({r}; {b}, {a})",
            r=view["void_reason"],
            b=view["void_by"],
            a=view["void_at"],
        )
        if view["void"]
        else say("有效", "valid")
    )
    lines += [(say("状态", "status"), status), (say("文件", "file"), view["path"])]
    for label, value in lines:
        echo(f"{label}: {value}")


# -- void and edit ------------------------------------------------------------------------------


@visit_app.command("void")
def void(
    ctx: typer.Context,
    visit_id: str = _visit_argument(),
    reason: str = typer.Option(..., "--reason", help="作废原因(必填)/ why (required)"),
    by: str | None = typer.Option(None, "--by", help="操作人(默认记录人)/ who (default recorder)"),
    commit: bool | None = commit_option(),
) -> None:
    """作废一条走访(记录保留,不再计数)/ void a visit: it stays on file and stops counting."""
    from wkb_tracker.store.visit_changes import void_visit
    from wkb_tracker.store.visits import commit_message

    state = session(ctx)
    root = state.root()
    who = state.recorder(by)
    pending = begin_commit(ctx, commit)
    visit = void_visit(root, visit_id, reason=reason, by=who)
    finish_commit(pending, [visit.path], commit_message(visit, "void", who))
    echo(
        say(
            "已作废 {i}({d} {l} {n} · {e}),原因:{r}",
            "voided {i} ({d} {l} {n} · {e}), reason: {r}",
            i=visit.id,
            d=visit.date,
            l=visit.leader,
            n=visit.district,
            e=visit.entity,
            r=reason.strip(),
        )
    )


@visit_app.command("edit")
def edit(
    ctx: typer.Context,
    visit_id: str = _visit_argument(),
    late_reason: str | None = late_reason_option(
        "补录原因:给已封存月份中未列入封存清单的走访补上批准(不打开编辑器),须同时给 --approved-by"
        " / the late reason of a visit its sealed month's manifest does not list (no editor)"
    ),
    approved_by: str | None = approved_by_option(
        "补录批准人,与 --late-reason 同用 / who approved the late entry"
    ),
    commit: bool | None = commit_option(),
) -> None:
    """用 $EDITOR 修改一条走访,校验通过才保存 / edit a visit in $EDITOR; kept only if it validates."""
    from wkb_tracker.store.visit_changes import edit_visit
    from wkb_tracker.store.visits import commit_message

    state = session(ctx)
    root = state.root()
    if late_reason is not None or approved_by is not None:
        _approve_late(ctx, visit_id, late_reason, approved_by, commit)
        return
    pending = begin_commit(ctx, commit)
    result = edit_visit(_policy(root), root, visit_id)
    for message in result.warnings:
        warn(message)
    if not result.changed:
        echo(say("未做修改:{i}", "no changes: {i}", i=result.visit.id))
        return
    visit = result.visit
    paths = [visit.path, *([result.old_path] if result.old_path else [])]
    editor = state.recorder()
    finish_commit(pending, paths, commit_message(visit, "edit", editor))
    echo(say("已保存修改:{i}({p})", "saved: {i} ({p})", i=visit.id, p=visit.path))


def _approve_late(
    ctx: typer.Context,
    visit_id: str,
    late_reason: str | None,
    approved_by: str | None,
    commit: bool | None,
) -> None:
    """`visit edit ID --late-reason … --approved-by …`: a visit added to a sealed month without
    approval (recorded on a clone the seal had not reached; `wkb sync` refuses to push it) becomes
    a declared late entry (measure 17)."""
    from wkb_tracker.domain.errors import UserError
    from wkb_tracker.store.visit_changes import approve_late_visit
    from wkb_tracker.store.visits import commit_message

    if not (late_reason and approved_by):
        raise UserError(
            say(
                "补录批准须同时给出 --late-reason(原因)和 --approved-by(批准人)",
                "a late approval needs both --late-reason and --approved-by",
            )
        )
    state = session(ctx)
    pending = begin_commit(ctx, commit)
    visit, items = approve_late_visit(
        state.root(), visit_id, reason=late_reason, approved_by=approved_by
    )
    paths = [visit.path, *(item.path for item in items if item.path)]
    finish_commit(pending, paths, commit_message(visit, "late-approval", state.recorder()))
    echo(
        say(
            "已记录补录批准:{i}({d} {n} · {e}),原因:{r},批准人 {p}",
            "late entry approved: {i} ({d} {n} · {e}), reason: {r}, approved by {p}",
            i=visit.id,
            d=visit.date,
            n=visit.district,
            e=visit.entity,
            r=visit.late_reason,
            p=visit.late_approved_by,
        )
    )
    if items:
        echo(
            say(
                "其开立的整改事项同样记为已批准补录:{i}",
                "the rectification items it opened are approved likewise: {i}",
                i=join_names([item.id for item in items]),
            )
        )


# -- shared -------------------------------------------------------------------------------------


def _policy(root: "Path") -> "Policy":
    """The policy; a broken policy file stops the command (exit 1) with every problem."""
    from wkb_tracker.store.policy_files import checked_policy

    return checked_policy(root)
