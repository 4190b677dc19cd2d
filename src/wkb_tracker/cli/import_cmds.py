"""`wkb import FILE`: an office 台账 (.xlsx or .csv) into visits or rectification items.

Exit codes: 0 every row imported or already there; 1 some rows are invalid (nothing written, or
with --skip-invalid the valid rows written and the others listed); 2 a usage mistake (no such
file, no header, unknown --map field), nothing written.
"""

from __future__ import annotations

from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from wkb_tracker.cli.common import begin_commit, commit_option, echo, session, warn
from wkb_tracker.cli.exporting import view_format_option
from wkb_tracker.domain.i18n import join_names, say
from wkb_tracker.report.formats import JSON

if TYPE_CHECKING:
    from wkb_tracker.store.ledger_import import Plan, Written


class Kind(StrEnum):
    visits = "visits"
    rectifications = "rectifications"
    entities = "entities"


def register(app: typer.Typer) -> None:
    app.command("import")(import_ledger)


def import_ledger(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="台账文件 .xlsx 或 .csv / the ledger, .xlsx or .csv"),
    kind: Kind = typer.Option(
        Kind.visits,
        "--kind",
        help="导入什么 / what the rows are: visits | rectifications | entities(创新主体名录)",
    ),
    mapping: list[str] | None = typer.Option(
        None,
        "--map",
        help="列名=字段,可重复;列名= 忽略该列 / HEADER=FIELD, repeatable; HEADER= ignores a column",
    ),
    default: list[str] | None = typer.Option(
        None,
        "--default",
        help="字段=值:表中没有该列或单元格为空时使用,如 --default 主体类型=科技企业 / FIELD=VALUE for "
        "a column the sheet lacks or a blank cell",
    ),
    sheet: str | None = typer.Option(
        None, "--sheet", help="工作表名称(默认第一个)/ worksheet name (default: the first)"
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="只显示将写入什么和每个问题,不写入 / show what would be written"
    ),
    skip_invalid: bool = typer.Option(
        False,
        "--skip-invalid",
        help="写入有效的行,列出无效的行(退出码 1)/ write the valid rows, list the others (exit 1)",
    ),
    recorder: str | None = typer.Option(
        None, "--recorder", help="记录人(表中无「记录人」列时;默认取配置或 git user.name)"
    ),
    commit: bool | None = commit_option(),
    format: str = view_format_option(),
) -> None:
    """从 Excel/CSV 台账导入走访或整改事项 / import visits or rectification items from a ledger.

    Example: wkb import 台账.xlsx --dry-run ; wkb import 台账.xlsx ;
    wkb import 整改清单.csv --kind rectifications --default 来源=督查
    """
    from wkb_tracker.domain.ledger_columns import parse_mapping
    from wkb_tracker.store import ledger_import
    from wkb_tracker.store.entity_store import load_register
    from wkb_tracker.store.ledger_files import read_table
    from wkb_tracker.store.loader import load
    from wkb_tracker.store.policy_files import checked_policy

    state = session(ctx)
    root = state.root()
    columns = parse_mapping(kind.value, list(mapping or []))
    defaults = _defaults(kind.value, list(default or []))
    pending = None if dry_run else begin_commit(ctx, commit)  # refused before anything is read
    table = read_table(file, sheet=sheet)
    policy = checked_policy(root)
    who = state.recorder(recorder)
    written = ledger_import.Written()
    with nullcontext() if dry_run else ledger_import.import_lock(root):
        dataset = load(root, rectifications=kind is Kind.rectifications or kind is Kind.visits)
        for problem in dataset.problems:
            warn(say("已跳过有问题的文件 {p}", "skipped a broken file: {p}", p=problem))
        register, broken = load_register(root)
        for problem in broken:
            warn(say("已跳过有问题的主体文件 {p}", "skipped a broken entity file: {p}", p=problem))
        planned = ledger_import.plan(
            root,
            table,
            kind.value,
            mapping=columns,
            defaults=defaults,
            recorder=who,
            visits=dataset.visits,
            items=dataset.rectifications,
            policy=policy,
            config=dataset.config,
            register=register,
        )
        for message in planned.warnings:
            warn(message)
        blocked = bool(planned.problems) and not skip_invalid and not dry_run
        if not dry_run and not blocked:
            try:
                ledger_import.write(root, planned, written)
            finally:
                if pending is not None and written.paths:
                    from wkb_tracker.cli.common import finish_commit
                    from wkb_tracker.store.gitops import commit_message

                    message = commit_message("import", _subject(file, written), who)
                    finish_commit(pending, written.paths, message)
    if format == JSON:
        from wkb_tracker.report.render import print_json

        print_json(_view(planned, written, dry_run=dry_run, blocked=blocked))
    else:
        _print(planned, written, dry_run=dry_run, blocked=blocked)
    if planned.problems:
        raise typer.Exit(1)


def _defaults(kind: str, pairs: list[str]) -> dict[str, str]:
    """`--default FIELD=VALUE` options → {field: value}; fields named as in --map."""
    from wkb_tracker.domain.errors import UserError
    from wkb_tracker.domain.ledger_columns import parse_mapping

    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UserError(
                say(
                    "--default 须写作 字段=值,收到 {p!r}",
                    "--default must be written FIELD=VALUE, got {p!r}",
                    p=pair,
                )
            )
        field = parse_mapping(kind, [f"{name}={name}"])
        values[next(iter(field.values()))] = value.strip()
    return values


def _subject(file: Path, written: Written) -> str:
    if written.entities:
        return f"{file.name} {len(written.entities)} entities"
    return (
        f"{file.name} {len(written.visits)} visits, {len(written.items)} rectification items, "
        f"{written.events} events"
    )


def _row_text(row: Any) -> str:
    if row.entity is not None:
        entity = row.entity
        return f"{entity.name} {entity.district or ''} {entity.credit_code or ''}".rstrip()
    if row.visit is not None:
        visit = row.visit
        text = f"{visit.date} {visit.leader} {visit.district} · {visit.entity}"
    else:
        item = row.items[0].item
        text = f"{item.opened} {item.district or say('局内', 'bureau')} · {item.problem}"
    return text.replace("\n", " ")


def _status(row: Any) -> str:
    new_items = sum(not entry.exists for entry in row.items)
    events = sum(len(entry.events) for entry in row.items)
    if row.new_files == 0:
        return say("已导入", "already imported")
    if row.entity is not None:
        return say("新主体", "new entity")
    parts = []
    if row.visit is not None and not row.visit_exists:
        parts.append(say("新走访", "new visit"))
    if row.visit is None and new_items:
        parts.append(say("新整改事项", "new item"))
    elif new_items:
        parts.append(say("{n} 个整改事项", "{n} item(s)", n=new_items))
    if events:
        parts.append(say("{n} 个整改事件", "{n} event(s)", n=events))
    return "+".join(parts)


def _print(planned: Plan, written: Written, *, dry_run: bool, blocked: bool) -> None:
    import sys

    for problem in planned.problems:
        sys.stderr.write(f"{problem}\n")
    columns = join_names(
        f"{planned.columns.headers[col]}→{name}" for col, name in planned.columns.fields.items()
    )
    echo(say("表头第 {r} 行:{c}", "header row {r}: {c}", r=planned.columns.header_row, c=columns))
    if planned.columns.ignored:
        echo(say("未使用的列:{c}", "columns not used: {c}", c=join_names(planned.columns.ignored)))
    new = [row for row in planned.rows if row.new_files]
    known = len(planned.rows) - len(new)
    bad_rows = len({problem.line for problem in planned.problems})
    if dry_run:
        for row in new:
            echo(f"{planned.file}:{row.row}: {_status(row)} {_row_text(row)}")
        echo(
            say(
                "试运行,未写入:将新增 {n} 行,已导入 {k} 行,无效 {b} 行",
                "dry run, nothing written: {n} row(s) to add, {k} already imported, {b} invalid",
                n=len(new),
                k=known,
                b=bad_rows,
            )
        )
        return
    if blocked:
        sys.stderr.write(
            say(
                "未写入任何内容:{b} 行有问题。改正后重新导入,或用 --skip-invalid 只导入有效的行\n",
                "nothing written: {b} row(s) have problems. Fix them and import again, or use "
                "--skip-invalid to import the valid rows only\n",
                b=bad_rows,
            )
        )
        return
    skipped = (
        say(";跳过无效的 {b} 行", "; skipped {b} invalid row(s)", b=bad_rows) if bad_rows else ""
    )
    if planned.kind == "entities":
        echo(
            say(
                "已登记 {n} 个创新主体;已登记过 {k} 行{s}",
                "registered {n} entities; {k} row(s) were already registered{s}",
                n=len(written.entities),
                k=known,
                s=skipped,
            )
        )
        return
    echo(
        say(
            "已导入 {v} 条走访、{i} 个整改事项、{e} 个整改事件;已导入过 {k} 行{s}",
            "imported {v} visit(s), {i} rectification item(s), {e} event(s); {k} row(s) were "
            "already imported{s}",
            v=len(written.visits),
            i=len(written.items),
            e=written.events,
            k=known,
            s=say(";跳过无效的 {b} 行", "; skipped {b} invalid row(s)", b=bad_rows)
            if bad_rows
            else "",
        )
    )


def _view(planned: Plan, written: Written, *, dry_run: bool, blocked: bool) -> dict[str, Any]:
    rows = []
    for row in planned.rows:
        rows.append(
            {
                "row": row.row,
                "status": "new" if row.new_files else "existing",
                "visit": row.visit.id if row.visit is not None else None,
                "rectifications": [entry.item.id for entry in row.items],
                "new_files": row.new_files,
                "entity": row.entity.id if row.entity is not None else None,
            }
        )
    return {
        "file": planned.file,
        "sheet": planned.sheet,
        "kind": planned.kind,
        "dry_run": dry_run,
        "written": not dry_run and not blocked,
        "header_row": planned.columns.header_row,
        "columns": {
            planned.columns.headers[col]: name for col, name in planned.columns.fields.items()
        },
        "ignored_columns": planned.columns.ignored,
        "rows": rows,
        "problems": [
            {
                "row": problem.line,
                "code": problem.code,
                "message": problem.message,
                "text": str(problem),
            }
            for problem in planned.problems
        ],
        "warnings": planned.warnings,
        "visits_written": written.visits,
        "rectifications_written": written.items,
        "events_written": written.events,
        "entities_written": written.entities,
        "paths": written.paths,
    }
