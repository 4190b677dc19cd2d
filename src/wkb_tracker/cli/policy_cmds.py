"""Commands over the policy and the root: init, config, measures, districts, leaders, validate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from wkb_tracker.cli import completion
from wkb_tracker.cli.common import (
    begin_commit,
    commit_option,
    echo,
    finish_commit,
    session,
)
from wkb_tracker.cli.exporting import view_format_option
from wkb_tracker.domain.errors import EXIT_PROBLEMS
from wkb_tracker.domain.i18n import join_names, say
from wkb_tracker.report.formats import JSON

if TYPE_CHECKING:
    from wkb_tracker.store.validate_run import Verdict

measures_app = typer.Typer(
    help="通知的 17 条措施 / the notice's 17 measures", invoke_without_command=True
)
districts_app = typer.Typer(
    help="包区服务责任分工表 / the responsibility table", invoke_without_command=True
)
config_app = typer.Typer(help="配置 wkb.toml / configuration", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(config_app, name="config")
    app.add_typer(measures_app, name="measures")
    app.add_typer(districts_app, name="districts")
    app.command("leaders")(leaders)
    app.command("validate")(validate)
    app.command("check", hidden=True)(validate)


def init(
    directory: Path = typer.Argument(..., help="新记录根目录 / folder for the new records root"),
    no_git: bool = typer.Option(False, "--no-git", help="不执行 git init / don't run git init"),
) -> None:
    """新建记录根目录 / create a fresh records root with the bundled policy data."""
    from wkb_tracker.cli.common import warn
    from wkb_tracker.domain.dates import today
    from wkb_tracker.store.root import create_root

    # Months before the root existed were never recorded here: they show as 未开始跟踪.
    created, warning = create_root(directory, git=not no_git, tracking_start=f"{today():%Y-%m}")
    if warning:
        warn(warning)
    echo(say("已新建记录根目录:{p}", "created records root: {p}", p=created))


# -- config ------------------------------------------------------------------------------------


@config_app.command("get")
def config_get(ctx: typer.Context, key: str = typer.Argument(..., help="配置项 / key")) -> None:
    """显示一个配置项 / print one key's value."""
    from wkb_tracker.store.config import lookup

    lookup(key)
    value = getattr(session(ctx).config(), key)
    echo("" if value is None else str(value).lower() if isinstance(value, bool) else str(value))


@config_app.command("set")
def config_set(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="配置项 / key"),
    value: str = typer.Argument(..., help="值 / value"),
    commit: bool | None = commit_option(),
) -> None:
    """设置一个配置项(类型与范围会检查);个人项写入 wkb.local.toml,共用项写入 wkb.toml(并提交)/
    set one key (type and range checked): personal keys go to wkb.local.toml, shared ones to
    wkb.toml (committed with auto_commit)."""
    from wkb_tracker.store.config import SHARED, lookup, set_value
    from wkb_tracker.store.gitops import commit_message

    current = session(ctx)
    current.quiet_config = True  # a broken file being written to is refused below, by name
    root = current.root()
    # Only the shared file is committed; a personal key is set even where git has no identity.
    pending = begin_commit(ctx, commit) if lookup(key).scope == SHARED else None
    stored, written = set_value(root, key, value)
    # A reset names the default that now applies, never an empty value.
    shown = "default" if stored is None else _show(stored, key)
    if pending is not None:
        finish_commit(
            pending,
            [written],
            commit_message(
                "config set",
                f"{key} = {shown}",
                current.recorder(),
            ),
        )
    if stored is None:
        default = lookup(key).default
        echo(
            say(
                "{k} 已恢复默认值 {d}(已从 {f} 删除该项)",
                "{k} reset to its default {d} (removed from {f})",
                k=key,
                d=say("(空)", "(empty)") if default == "" else _show(default, key),
                f=written,
            )
        )
        return
    echo(say("{k} = {v}(已写入 {f})", "{k} = {v} (written to {f})", k=key, v=shown, f=written))


def _shown(name: str, value: object) -> object:
    """What `config list` prints: the robot's URL with its key hidden, the secret as set or not
    (issue 15.3: both are secrets; `config get` still prints them)."""
    if name == "remind_secret" and value:
        return say("(已设置)", "(set)")
    if name == "remind_webhook" and isinstance(value, str) and "?" in value:
        return value.split("?", 1)[0] + "?…"
    return value


@config_app.command("list")
def config_list(ctx: typer.Context, format: str = view_format_option()) -> None:
    """列出全部配置项及其来源 / list every key with its value, where it comes from and meaning."""
    from wkb_tracker.domain.i18n import language
    from wkb_tracker.report.render import print_json, print_table
    from wkb_tracker.store.config import SCHEMA, resolve

    current = session(ctx)
    current.config()  # names a broken file once, on stderr
    resolved = resolve(current.root())
    config = resolved.config
    rows = [
        (
            key.name,
            _shown(key.name, getattr(config, key.name)),
            resolved.sources[key.name],
            key.default,
            key.help_zh if language() == "zh" else key.help_en,
        )
        for key in SCHEMA
    ]
    if format == JSON:
        data: dict[str, object] = {name: value for name, value, _s, _d, _h in rows}
        data["source"] = {name: source for name, _v, source, _d, _h in rows}
        print_json(data)
        return
    print_table(
        [
            say("配置项", "key"),
            say("当前值", "value"),
            say("来源", "source"),
            say("默认值", "default"),
            say("说明", "meaning"),
        ],
        [
            (name, _show(value, name), source, _show(default, name), meaning)
            for name, value, source, default, meaning in rows
        ],
        keep=(0,),
    )


def _show(value: object, name: str = "monthly_minimum") -> str:
    if value is None and name == "tracking_start":
        return say("(全部月份)", "(every month)")
    if value is None:
        return say("(取自第十四条)", "(from measure 14)")
    return str(value).lower() if isinstance(value, bool) else str(value)


# -- measures ----------------------------------------------------------------------------------


@measures_app.callback()
def measures(ctx: typer.Context, format: str = view_format_option()) -> None:
    """列出 17 条措施 / list the 17 measures."""
    if ctx.invoked_subcommand is not None:
        return
    from wkb_tracker.report.render import print_json, print_table
    from wkb_tracker.report.views import measures_view

    view = measures_view(_policy(ctx))
    if format == JSON:
        print_json(view)
        return
    print_table(
        [say("编号", "No."), say("部分", "section"), say("措施", "measure")],
        [(f"({m['numeral']})", f"{m['section']}、{m['section_title']}", m["title"]) for m in view],
        title=say("武科函〔2021〕10号 措施", "Measures of 武科函〔2021〕10号"),
        keep=(0,),
    )


@measures_app.command("show")
def measures_show(
    ctx: typer.Context,
    number: int = typer.Argument(..., help="措施编号 1–17 / measure number"),
    format: str = view_format_option(),
) -> None:
    """显示一条措施全文 / print one measure in full."""
    from wkb_tracker.report.render import print_json
    from wkb_tracker.report.views import measures_view

    policy = _policy(ctx)
    measure = policy.measure(number)
    view = next(m for m in measures_view(policy) if m["number"] == measure.number)
    if format == JSON:
        print_json(view)
        return
    echo(f"({view['numeral']}){view['title']}")
    echo(f"{view['section']}、{view['section_title']}")
    echo("")
    echo(view["text"])


# -- districts and leaders ---------------------------------------------------------------------


@districts_app.callback()
def districts(
    ctx: typer.Context,
    as_of: str | None = typer.Option(None, "--as-of", help="日期 / date (default today)"),
    format: str = view_format_option(),
) -> None:
    """显示某日有效的责任分工表 / the responsibility table in force on a date."""
    if ctx.invoked_subcommand is not None:
        return
    from wkb_tracker.domain.dates import parse_date, today
    from wkb_tracker.report.render import print_json, print_table
    from wkb_tracker.report.views import districts_view

    day = parse_date(as_of, field="--as-of") if as_of else today()
    view = districts_view(_policy(ctx), day)
    if format == JSON:
        print_json(view)
        return
    print_table(
        [
            say("区(开发区)", "district"),
            "id",
            say("责任领导", "leader"),
            say("职务", "title"),
            say("责任部门", "department"),
            say("联系人", "contact"),
            say("起始", "from"),
        ],
        [
            (
                row["name"],
                row["id"],
                row["leader"],
                row["title"],
                row["department"],
                row["contact"],
                row["from"],
            )
            for row in view
        ],
        title=say("包区服务责任分工表({d})", "Responsibility table ({d})", d=day),
        keep=(1, 6),
    )


@districts_app.command("assign")
def districts_assign(
    ctx: typer.Context,
    district: str = typer.Argument(
        ...,
        help="区名、id 或唯一前缀 / district name, id or prefix",
        autocompletion=completion.districts,
    ),
    leader: str = typer.Option(
        ..., "--leader", help="责任领导 / responsible leader", autocompletion=completion.leaders
    ),
    start: str = typer.Option(..., "--from", help="生效日期 / date the entry takes effect"),
    title: str | None = typer.Option(
        None, "--title", help="职务(新领导必填)/ title (required for a new leader)"
    ),
    department: str | None = typer.Option(None, "--department", help="责任部门 / department"),
    contact: str | None = typer.Option(None, "--contact", help="联系人 / contact person"),
    commit: bool | None = commit_option(),
) -> None:
    """记录分工调整(保留历史)/ record a revision of the table from a date, keeping history."""
    from wkb_tracker.store.assign import assign
    from wkb_tracker.store.gitops import commit_message
    from wkb_tracker.store.root import DISTRICTS_FILE

    root = session(ctx).root()
    pending = begin_commit(ctx, commit)
    entry = assign(
        root,
        district,
        leader=leader,
        start=start,
        title=title,
        department=department,
        contact=contact,
    )
    finish_commit(
        pending,
        [DISTRICTS_FILE],
        commit_message(
            "districts assign",
            f"{entry['district']} from {entry['from']} {entry['leader']}",
            session(ctx).recorder(),
            [str(entry["id"])],
        ),
    )
    echo(
        say(
            "已记录分工调整:{d} 自 {f} 起由 {l}({t})负责,责任部门 {dep},联系人 {c}",
            "recorded: from {f}, {d} is {l}'s ({t}), department {dep}, contact {c}",
            d=entry["district"],
            f=entry["from"],
            l=entry["leader"],
            t=entry["title"],
            dep=entry["department"],
            c=entry["contact"],
        )
    )


@districts_app.command("withdraw")
def districts_withdraw(
    ctx: typer.Context,
    district: str = typer.Argument(
        ...,
        help="区名、id 或唯一前缀 / district name, id or prefix",
        autocompletion=completion.districts,
    ),
    start: str = typer.Option(..., "--from", help="要撤回的调整的生效日期 / start of the revision"),
    reason: str = typer.Option(..., "--reason", help="撤回理由 / why it is withdrawn"),
    by: str | None = typer.Option(None, "--by", help="撤回人(默认记录人)/ who (default: recorder)"),
    commit: bool | None = commit_option(),
) -> None:
    """撤回尚未生效的分工调整(留有记录)/ withdraw a revision that has not taken effect yet."""
    from wkb_tracker.store.assign import withdraw
    from wkb_tracker.store.gitops import commit_message
    from wkb_tracker.store.root import DISTRICTS_FILE

    root = session(ctx).root()
    who = session(ctx).recorder(by)
    pending = begin_commit(ctx, commit)
    record = withdraw(root, district, start=start, reason=reason, by=who)
    finish_commit(
        pending,
        [DISTRICTS_FILE],
        commit_message(
            "districts withdraw",
            f"{record['district']} from {record['from']} {record['leader']}: {record['reason']}",
            str(record["withdrawn_by"]),
            [str(record["id"])],
        ),
    )
    echo(
        say(
            "已撤回分工调整:{d} 自 {f} 起由 {l} 负责(撤回人 {b},理由:{r});记录见 {p} 的 withdrawn",
            "withdrawn: from {f}, {d} was to be {l}'s (by {b}, reason: {r}); recorded under withdrawn in {p}",
            d=record["district"],
            f=record["from"],
            l=record["leader"],
            b=record["withdrawn_by"],
            r=record["reason"],
            p=DISTRICTS_FILE,
        )
    )


def leaders(
    ctx: typer.Context,
    as_of: str | None = typer.Option(None, "--as-of", help="日期 / date (default today)"),
    format: str = view_format_option(),
) -> None:
    """责任领导及其分工区 / leaders and their districts on a date."""
    from wkb_tracker.domain.dates import parse_date, today
    from wkb_tracker.report.render import print_json, print_table
    from wkb_tracker.report.views import leaders_view

    day = parse_date(as_of, field="--as-of") if as_of else today()
    view = leaders_view(_policy(ctx), day)
    if format == JSON:
        print_json(view)
        return
    print_table(
        [say("责任领导", "leader"), say("职务", "title"), say("分工区", "districts")],
        [(row["name"], row["title"], join_names(row["districts"])) for row in view],
        title=say("责任领导({d})", "Leaders ({d})", d=day),
    )


def _policy(ctx: typer.Context):  # type: ignore[no-untyped-def]
    """The policy, refusing to go on (exit 1) when the policy files themselves are broken."""
    from wkb_tracker.store.policy_files import checked_policy

    return checked_policy(session(ctx).root())


# -- validate ----------------------------------------------------------------------------------


def _validate_staged(root: Path) -> bool:
    """`validate --staged`: the staged records and what they can affect (store/staged.py). False
    when the staged change needs the full validate instead; exit 1 on problems."""
    from wkb_tracker.store.staged import check_staged, staged_changes

    changes = staged_changes(root)
    if changes.full:
        return False
    problems, count = check_staged(root, changes.files)
    for problem in problems:
        echo(str(problem))
    if problems:
        echo(say("发现 {n} 个问题", "{n} problems found", n=len(problems)))
        raise typer.Exit(EXIT_PROBLEMS)
    echo(
        say(
            "检查通过:暂存的 {n} 条记录及其影响,未发现问题",
            "ok: checked the {n} staged records and what they affect; no problems",
            n=count,
        )
    )
    return True


def _validate_json(root: Path, verdict: Verdict, fix: bool) -> None:
    """`wkb validate --format json`: every problem with its code (exit 1 when there is one)."""
    from wkb_tracker.report.render import print_json
    from wkb_tracker.report.views import problem_view

    problems = verdict.problems
    removed = 0
    if verdict.temp_files and fix:
        from wkb_tracker.store.leftovers import remove

        removed, stuck = remove(root, verdict.temp_files)
        problems = [*problems, *stuck]
    print_json(
        {
            "ok": not problems,
            "problems": [problem_view(problem) for problem in problems],
            "visits_without_items": verdict.notes,
            "temp_files": len(verdict.temp_files) - removed,
            "removed_temp_files": removed,
        }
    )
    if problems:
        raise typer.Exit(EXIT_PROBLEMS)


def validate(
    ctx: typer.Context,
    fix: bool = typer.Option(
        False,
        "--fix",
        help="清理崩溃遗留的临时文件(不动记录)/ remove temp files left by a crash (never records)",
    ),
    staged: bool = typer.Option(
        False,
        "--staged",
        help="只检查 git 暂存的改动及其影响(pre-commit 钩子所用)/ check what git has staged and "
        "what it can affect (as the pre-commit hook does)",
    ),
    format: str = view_format_option(),
) -> None:
    """检查全部数据,逐条报告 path:line: message / check everything, report every problem."""
    session(ctx).quiet_config = True  # config problems are listed below with the others
    root = session(ctx).root()
    if staged and format != JSON and _validate_staged(root):  # JSON: the full report
        return
    from wkb_tracker.store.validate_run import validate_root

    # Every byte is read, never taken from the cache; the work on unchanged bytes is reused.
    verdict = validate_root(root)
    problems = list(verdict.problems)
    if format == JSON:
        _validate_json(root, verdict, fix)
        return
    for problem in problems:
        echo(str(problem))
    for visit_id in verdict.notes:
        echo(
            say(
                "提示:走访 {i} 记录了问题但没有整改事项;如需立项:wkb rectify add --visit {i} --problem …",
                "note: visit {i} records problems but no rectification item; to open one: wkb rectify add --visit {i} --problem …",
                i=visit_id,
            )
        )
    if verdict.temp_files:
        if fix:
            from wkb_tracker.store.leftovers import remove

            removed, stuck = remove(root, verdict.temp_files)
            echo(say("已清理 {n} 个临时文件", "removed {n} temp files", n=removed))
            for problem in stuck:
                echo(str(problem))
            problems += stuck
        else:
            echo(
                say(
                    "有 {n} 个崩溃遗留的临时文件(不计为记录);`wkb validate --fix` 可清理",
                    "{n} temp files left by a crash (not records); `wkb validate --fix` removes them",
                    n=len(verdict.temp_files),
                )
            )
    if problems:
        echo(say("发现 {n} 个问题", "{n} problems found", n=len(problems)))
        raise typer.Exit(EXIT_PROBLEMS)
    echo(
        say(
            "检查通过:{m} 条措施、{d} 个区、{v} 条走访记录、{r} 个整改事项,未发现问题",
            "ok: checked {m} measures, {d} districts, {v} visits, {r} rectification items; no problems",
            m=verdict.measures,
            d=verdict.districts,
            v=verdict.visits,
            r=verdict.items,
        )
    )
