"""`wkb rules`: measure 14's counting rules in force on a date (issue 15.1)."""

from __future__ import annotations

import typer

from wkb_tracker.cli.common import TableJson, session
from wkb_tracker.domain.i18n import say


def register(app: typer.Typer) -> None:
    app.command("rules")(rules)


def rules(
    ctx: typer.Context,
    on: str | None = typer.Option(None, "--on", help="日期(默认今天)/ date (default today)"),
    format: TableJson = typer.Option(TableJson.table, "--format"),
) -> None:
    """第十四条计数口径(按日期生效)/ measure 14's counting rules and the one in force on a date.

    例 / e.g.: wkb rules --on 2027-01-01 --format json
    """
    from wkb_tracker.domain.dates import parse_date, today
    from wkb_tracker.report.render import print_json, print_table
    from wkb_tracker.report.rules_view import rule_columns, rule_row, rules_view
    from wkb_tracker.store.config import read_config
    from wkb_tracker.store.policy_files import checked_policy

    root = session(ctx).root()
    day = parse_date(on, field="--on") if on else today()
    config, _problems = read_config(root)
    book = checked_policy(root).rule_book.with_minimum(config.monthly_minimum)
    view = rules_view(book, day, config.monthly_minimum)
    if format is TableJson.json:
        print_json(view)
        return
    in_force = book.in_force(day)
    print_table(
        rule_columns(),
        [rule_row(rule, rule is in_force) for rule in book.rules],
        title=say(
            "第十四条计数口径({d} 现行)", "Measure 14 counting rules (in force on {d})", d=day
        ),
        keep=(0,),
        caption=say(
            "wkb.toml 的 monthly_minimum = {n} 覆盖各口径的最少次数",
            "monthly_minimum = {n} in wkb.toml overrides every rule's minimum",
            n=config.monthly_minimum,
        )
        if config.monthly_minimum is not None
        else None,
    )
