"""`wkb entity add | list | show | edit | merge | link`: the register of innovation entities.

Thin: each command parses options, calls `entity_store`, prints. Only typer and cli.common are
imported at start-up; the library is imported inside each command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from wkb_tracker.cli import completion
from wkb_tracker.cli.common import (
    begin_commit,
    commit_option,
    district_option,
    echo,
    finish_commit,
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
from wkb_tracker.domain.i18n import join_names, say, term
from wkb_tracker.report.formats import CSV, EXPORT_FORMATS, JSON, TABLE

if TYPE_CHECKING:
    from pathlib import Path

    from wkb_tracker.domain.entities import Entity, Register
    from wkb_tracker.domain.model import Visit

entity_app = typer.Typer(
    help="创新主体登记册 / the register of innovation entities (who the bureau serves)",
    no_args_is_help=True,
)

TAGS_HELP = "标签,可重复(如 高企培育库、孵化载体、联络员单位)/ tag, repeatable (e.g. 高企培育库, 孵化载体, 联络员单位)"
TYPE_HELP = "主体类型 / entity type: 高校院所|平台载体|科技企业|创新团队 (institute|platform|enterprise|team)"


def register(app: typer.Typer) -> None:
    app.add_typer(entity_app, name="entity")


def _register(root: Path) -> Register:
    """The register; files that cannot be read are named on stderr and left out."""
    from wkb_tracker.store.entity_store import load_register

    found, problems = load_register(root)
    for problem in problems:
        warn(say("已跳过有问题的主体文件 ", "skipped a broken entity file ") + str(problem))
    return found


def _by(ctx: typer.Context, by: str | None) -> str:
    return session(ctx).recorder(by)


# -- add ------------------------------------------------------------------------------------------


@entity_app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="登记名称(全称)/ registered name"),
    alias: list[str] | None = typer.Option(None, "--alias", help="别名,可重复 / other name"),
    code: str | None = typer.Option(
        None, "--code", help="统一社会信用代码(18 位,校验)/ unified social credit code"
    ),
    district: str | None = district_option(
        "所在区:名称、id 或唯一前缀 / district name, id or prefix"
    ),
    entity_type: str | None = typer.Option(None, "--type", help=TYPE_HELP),
    tag: list[str] | None = typer.Option(None, "--tag", help=TAGS_HELP),
    contact: str = typer.Option("", "--contact", help="联系人 / contact person"),
    by: str | None = typer.Option(None, "--by", help="登记人(默认记录人)/ who registers"),
    commit: bool | None = commit_option(),
    format: str = view_format_option(),
) -> None:
    """登记一个创新主体 / register an innovation entity."""
    from wkb_tracker.store.entity_store import EntityRequest, add_entity, commit_message
    from wkb_tracker.store.policy_files import checked_policy

    root = session(ctx).root()
    policy = checked_policy(root)
    who = _by(ctx, by)
    pending = begin_commit(ctx, commit)
    request = EntityRequest(
        name=name,
        aliases=list(alias or []),
        code=code,
        district=district,
        type=entity_type,
        tags=list(tag or []),
        contact=contact,
    )
    entity = add_entity(root, policy, _register(root), request, by=who)
    finish_commit(pending, [entity.path], commit_message("add", entity, who))
    if format == JSON:
        _print_json(entity)
        return
    echo(say("已登记主体 {i}:{n}", "registered entity {i}: {n}", i=entity.id, n=entity.name))
    echo(say("文件:{p}", "file: {p}", p=entity.path))


def _print_json(entity: Entity, **extra: Any) -> None:
    from wkb_tracker.report.render import print_json
    from wkb_tracker.store.entity_store import entity_view

    print_json({**entity_view(entity), **extra})


# -- list and show --------------------------------------------------------------------------------


@entity_app.command("list")
def list_entities(
    ctx: typer.Context,
    district: str | None = district_option(),
    entity_type: str | None = typer.Option(None, "--type", help="主体类型 / entity type"),
    tag: str | None = typer.Option(None, "--tag", help="标签 / tag"),
    everything: bool = typer.Option(
        False, "--all", help="含已并入其他主体的条目 / include entries merged into another"
    ),
    format: str | None = format_option(*EXPORT_FORMATS),
    output: str | None = output_option(*EXPORT_FORMATS),
) -> None:
    """列出登记的创新主体(按名称)/ list registered entities (by name)."""
    from wkb_tracker.store.entity_store import entity_view
    from wkb_tracker.store.policy_files import load_policy

    format = chosen_format(ctx, format, output, EXPORT_FORMATS)
    root = session(ctx).root()
    found = _register(root)
    district_id = load_policy(root)[0].resolve_district(district) if district else None
    kind = None
    if entity_type is not None:
        from wkb_tracker.domain.visit_rules import resolve_type

        kind = resolve_type(entity_type)
    chosen = [
        entity
        for entity in (list(found) if everything else found.active())
        if (district_id is None or entity.district_id == district_id)
        and (kind is None or entity.type == kind)
        and (tag is None or tag.strip() in entity.tags)
    ]
    if format == JSON and output is None:
        from wkb_tracker.report.render import print_json

        print_json([entity_view(entity) for entity in chosen])
        return
    header = [
        say("编号", "id"),
        say("名称", "name"),
        say("别名", "aliases"),
        say("统一社会信用代码", "credit code"),
        say("区", "district"),
        say("类型", "type"),
        say("标签", "tags"),
        say("联系人", "contact"),
    ]
    if everything:
        header.append(say("并入", "merged into"))
    rows = [_row(entity, everything) for entity in chosen]
    if format == CSV and output is None:
        from wkb_tracker.report.render import print_csv

        print_csv(header, rows)
        return
    if format != TABLE:  # a file (--output), or Markdown/xlsx/HTML: the shared writers
        from wkb_tracker.cli.exporting import about
        from wkb_tracker.domain.dates import today
        from wkb_tracker.report.formats.cells import Column, Sheet
        from wkb_tracker.report.formats.outputs import sheets_bytes

        title = say("创新主体登记册", "Register of innovation entities")
        sheet = Sheet(say("主体", "Entities"), tuple(Column(h) for h in header), rows, title)
        data = sheets_bytes(
            format,
            [sheet],
            title=title,
            about=lambda: about(ctx, today()),
            json_value=lambda: [entity_view(entity) for entity in chosen],
        )
        deliver(ctx, data, format, output)
        return
    from wkb_tracker.report.render import print_table

    caption = say("共 {n} 个主体", "{n} entities", n=len(rows))
    print_table(header, rows, caption=caption, keep=(0, 3))


def _row(entity: Entity, merged_column: bool) -> list[Any]:
    row = [
        entity.id,
        entity.name,
        join_names(entity.aliases),
        entity.credit_code or "",
        entity.district or "",
        term(entity.type) if entity.type else "",
        join_names(entity.tags),
        entity.contact,
    ]
    if merged_column:
        row.append(entity.merged_into or "")
    return row


@entity_app.command("show")
def show(
    ctx: typer.Context,
    wanted: str = typer.Argument(
        ..., metavar="ID|NAME", help="编号或名称 / id or name", autocompletion=completion.entity_ids
    ),
    format: str = view_format_option(),
) -> None:
    """显示一个主体 / print one entity."""
    from wkb_tracker.store.entity_store import find_entity

    root = session(ctx).root()
    found = _register(root)
    entity = find_entity(found, wanted)
    current = found.canonical(entity.id)
    visits = _visits_of(root, found, current.id if current else entity.id)
    if format == JSON:
        _print_json(entity, visits=[visit.id for visit in visits])
        return
    lines = [
        (say("编号", "id"), entity.id),
        (say("名称", "name"), entity.name),
        (say("别名", "aliases"), join_names(entity.aliases)),
        (say("统一社会信用代码", "credit code"), entity.credit_code or ""),
        (say("区", "district"), entity.district or ""),
        (say("主体类型", "type"), term(entity.type) if entity.type else ""),
        (say("标签", "tags"), join_names(entity.tags)),
        (say("联系人", "contact"), entity.contact),
        (say("登记人", "registered by"), entity.created_by),
        (
            say("登记时间", "registered at"),
            entity.created_at.isoformat(" ") if entity.created_at else "",
        ),
    ]
    if entity.merged_into is not None:
        target = f"{current.name}({current.id})" if current else entity.merged_into
        lines.append(
            (
                say("已并入", "merged into"),
                f"{target}; {entity.merged_by or ''} {entity.merged_at or ''}".strip(),
            )
        )
    lines.append((say("文件", "file"), entity.path))
    shown = ", ".join(f"{visit.date} {visit.id}" for visit in visits[-SHOWN_VISITS:])
    more = "… " if len(visits) > SHOWN_VISITS else ""
    lines.append(
        (
            say("走访", "visits"),
            say("{n} 条", "{n}", n=len(visits)) + (f"({more}{shown})" if visits else ""),
        )
    )
    for label, value in lines:
        echo(f"{label}: {value}")


SHOWN_VISITS = 10  # the latest ones; `--format json` lists every id


def _visits_of(root: Path, register: Register, entity_id: str) -> list[Visit]:
    """The non-void visits that count for the entry `entity_id` (domain/identity's rule)."""
    from wkb_tracker.domain.identity import Identities
    from wkb_tracker.store.loader import load_visits

    visits, _problems, _temps = load_visits(root)
    return Identities(register).visits_of(visits, entity_id)


# -- edit and merge -------------------------------------------------------------------------------


@entity_app.command("edit")
def edit(
    ctx: typer.Context,
    wanted: str = typer.Argument(
        ..., metavar="ID|NAME", help="编号或名称 / id or name", autocompletion=completion.entity_ids
    ),
    name: str | None = typer.Option(
        None,
        "--name",
        help="新的登记名称(原名称保留为别名)/ new name (the old one becomes an alias)",
    ),
    alias: list[str] | None = typer.Option(None, "--alias", help="增加别名 / add an alias"),
    remove_alias: list[str] | None = typer.Option(
        None, "--remove-alias", help="删除别名 / remove an alias"
    ),
    code: str | None = typer.Option(
        None, "--code", help="统一社会信用代码(空字符串清除)/ credit code ('' clears it)"
    ),
    district: str | None = district_option("所在区(空字符串清除)/ district ('' clears it)"),
    entity_type: str | None = typer.Option(None, "--type", help=TYPE_HELP),
    tag: list[str] | None = typer.Option(None, "--tag", help="增加标签 / add a tag"),
    remove_tag: list[str] | None = typer.Option(
        None, "--remove-tag", help="删除标签 / remove a tag"
    ),
    contact: str | None = typer.Option(None, "--contact", help="联系人 / contact person"),
    commit: bool | None = commit_option(),
    format: str = view_format_option(),
) -> None:
    """修改一个主体(改名时原名称保留为别名)/ change an entity (a rename keeps the old name)."""
    from wkb_tracker.store.entity_store import EntityChanges, commit_message, edit_entity
    from wkb_tracker.store.policy_files import checked_policy

    root = session(ctx).root()
    policy = checked_policy(root)
    who = _by(ctx, None)
    changes = EntityChanges(
        name=name,
        add_aliases=list(alias or []),
        remove_aliases=list(remove_alias or []),
        code=code,
        district=district,
        type=entity_type,
        add_tags=list(tag or []),
        remove_tags=list(remove_tag or []),
        contact=contact,
    )
    if changes.is_empty():
        from wkb_tracker.domain.errors import UserError

        raise UserError(
            say(
                "没有要修改的内容:请给出 --name、--alias、--code、--district、--type、--tag、--contact 等选项",
                "nothing to change: give --name, --alias, --code, --district, --type, --tag, "
                "--contact or another option",
            )
        )
    pending = begin_commit(ctx, commit)
    before, after = edit_entity(root, policy, _register(root), wanted, changes)
    if before == after:
        echo(say("未做修改:{i}", "no changes: {i}", i=after.id))
        return
    finish_commit(pending, [after.path], commit_message("edit", after, who))
    if format == JSON:
        _print_json(after)
        return
    echo(say("已保存修改:{i} {n}", "saved: {i} {n}", i=after.id, n=after.name))


@entity_app.command("merge")
def merge(
    ctx: typer.Context,
    keep: str = typer.Argument(
        ...,
        metavar="KEEP",
        help="保留的主体(编号或名称)/ the entry kept",
        autocompletion=completion.entity_ids,
    ),
    gone: str = typer.Argument(
        ...,
        metavar="MERGED",
        help="并入前者的主体(编号或名称)/ the entry merged into it",
        autocompletion=completion.entity_ids,
    ),
    by: str | None = typer.Option(None, "--by", help="操作人(默认记录人)/ who merges"),
    commit: bool | None = commit_option(),
    format: str = view_format_option(),
) -> None:
    """合并两个条目:后者的名称成为前者的别名,后者的文件保留并标记「已并入」,指向后者的走访按前者计
    / merge MERGED into KEEP: its names become aliases, its file stays marked merged_into, and
    visits that point to it count for KEEP when read (no visit file is rewritten)."""
    from wkb_tracker.store.entity_store import commit_message, merge_entities

    root = session(ctx).root()
    who = _by(ctx, by)
    pending = begin_commit(ctx, commit)
    kept, merged = merge_entities(root, _register(root), keep, gone, by=who)
    finish_commit(pending, [kept.path, merged.path], commit_message("merge", kept, who, merged))
    if format == JSON:
        from wkb_tracker.report.render import print_json
        from wkb_tracker.store.entity_store import entity_view

        print_json({"kept": entity_view(kept), "merged": entity_view(merged)})
        return
    echo(
        say(
            "已将 {b}({j})并入 {a}({i});{b} 的名称已成为别名,指向 {j} 的走访计入 {i}",
            "merged {b} ({j}) into {a} ({i}); its names are now aliases, visits pointing to {j} "
            "count for {i}",
            a=kept.name,
            i=kept.id,
            b=merged.name,
            j=merged.id,
        )
    )


# -- link -----------------------------------------------------------------------------------------


@entity_app.command("link")
def link(
    ctx: typer.Context,
    apply: bool = typer.Option(
        False,
        "--apply",
        help="写入建议的编号并提交(默认只列出)/ write the proposed ids (default: list only)",
    ),
    commit: bool | None = commit_option(),
) -> None:
    """为没有 entity_id 的旧走访建议主体编号(默认只列出,--apply 写入)/ propose register ids
    for visits recorded without one (a dry run unless --apply)."""
    from wkb_tracker.cli.common import warn_skipped
    from wkb_tracker.domain.entities import listed
    from wkb_tracker.store.entity_links import apply_link, plan_links, refuse_empty
    from wkb_tracker.store.gitops import commit_message
    from wkb_tracker.store.loader import load_visits
    from wkb_tracker.store.root import sealed_months

    root = session(ctx).root()
    found = _register(root)
    refuse_empty(found)
    who = _by(ctx, None)
    pending = begin_commit(ctx, commit) if apply else None
    visits, problems, _temps = load_visits(root)
    warn_skipped(list(problems))
    plan = plan_links(found, visits, set(sealed_months(root)))
    for proposal in plan.links:
        echo(f"{proposal.path}: {proposal.name} → {proposal.entity.id}({proposal.entity.name})")
    for proposal in plan.sealed:
        echo(
            say(
                "{p}: {n} → {i}(所在月份已封存,不改动)",
                "{p}: {n} → {i} (its month is sealed: left unchanged)",
                p=proposal.path,
                n=proposal.name,
                i=proposal.entity.id,
            )
        )
    for left in plan.unresolved:
        echo(
            say(
                "{p}: {n} → ?(可能是 {c};请用 wkb visit edit 或 wkb entity edit --alias 明确)",
                "{p}: {n} → ? (could be {c}; settle it with wkb visit edit or wkb entity edit --alias)",
                p=left.path,
                n=left.name,
                c=listed(left.candidates),
            )
        )
    if not apply:
        echo(
            say(
                "可关联 {n} 条走访(未写入;加 --apply 写入),{s} 条在已封存月份,{u} 条无法确定,"
                "{k} 条主体未登记",
                "{n} visits can be linked (nothing written; --apply writes them), {s} in sealed "
                "months, {u} undecided, {k} name no registered entity",
                n=len(plan.links),
                s=len(plan.sealed),
                u=len(plan.unresolved),
                k=plan.unknown,
            )
        )
        return
    done: list[str] = []
    from wkb_tracker.domain.errors import WkbError

    for proposal in plan.links:
        try:
            apply_link(root, proposal)
        except WkbError as error:
            warn(error.message)
            continue
        done.append(proposal.path)
    if pending is not None and done:
        finish_commit(pending, done, commit_message("entity link", f"{len(done)} visits", who))
    echo(say("已关联 {n} 条走访", "linked {n} visits", n=len(done)))
