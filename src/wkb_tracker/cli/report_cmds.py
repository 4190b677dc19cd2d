"""`wkb report` (measure 14 compliance, measure 17 assessment) and `wkb due` (what is still needed
this month). Options are parsed here; the figures come from `compliance`, the output from
`report_render`."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import typer

from wkb_tracker.cli.common import (
    KNOWN_ON_HELP,
    as_of_and_known_on,
    as_of_option,
    date_option_help,
    leader_filter_option,
    session,
    warn,
)
from wkb_tracker.cli.exporting import chosen_format, deliver, format_option, output_option
from wkb_tracker.report.formats import EXPORT_FORMATS

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from wkb_tracker.domain.compliance import DueReport, Period, Report
    from wkb_tracker.domain.dataset import Dataset
    from wkb_tracker.domain.errors import Problem


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("due")(due)


def report(
    ctx: typer.Context,
    month: str | None = typer.Option(
        None, "--month", help="月份 YYYY-MM(默认本月)/ month (default: the current month)"
    ),
    quarter: str | None = typer.Option(None, "--quarter", help="季度 / quarter, YYYY-Qn"),
    year: str | None = typer.Option(None, "--year", help="年度(考核)/ year (assessment), YYYY"),
    start: str | None = typer.Option(
        None, "--from", help="起始日期 / first day; " + date_option_help()
    ),
    end: str | None = typer.Option(None, "--to", help="截止日期 / last day (with --from)"),
    leader: str | None = leader_filter_option(),
    as_of: str | None = as_of_option(),
    known_on: str | None = typer.Option(None, "--known-on", help=KNOWN_ON_HELP),
    format: str | None = format_option(*EXPORT_FORMATS),
    output: str | None = output_option(*EXPORT_FORMATS),
    explain: bool = typer.Option(
        False,
        "--explain",
        help="列出每个数字背后的记录编号 / list the record ids behind each figure",
    ),
) -> None:
    """包区服务合规报告(第十四条)/ per-leader compliance for a month, quarter, year or range."""
    from wkb_tracker.report import report_render

    fmt = chosen_format(ctx, format, output, EXPORT_FORMATS)
    day, known = as_of_and_known_on(as_of, known_on)
    period = _period(month, quarter, year, start, end, day)
    dataset, result = compute_report(ctx, period, day, known, leader)
    if explain:
        result = replace(result, entities=visit_entities(ctx, dataset))
    if fmt == "table":
        report_render.print_report(result, explain=explain)
        return
    from wkb_tracker.cli.exporting import about
    from wkb_tracker.report.formats.outputs import needs_items, report_bytes

    items = report_items(ctx, dataset, result) if needs_items(fmt) else []
    data = report_bytes(fmt, result, explain=explain, items=items, about=lambda: about(ctx, known))
    deliver(ctx, data, fmt, output)


def due(
    ctx: typer.Context,
    as_of: str | None = as_of_option(),
    leader: str | None = leader_filter_option(),
    known_on: str | None = typer.Option(None, "--known-on", help=KNOWN_ON_HELP),
    format: str | None = format_option(*EXPORT_FORMATS),
    output: str | None = output_option(*EXPORT_FORMATS),
) -> None:
    """本月尚需完成的联系与临期整改 / what is still needed this month, and rectifications due."""
    from wkb_tracker.report import report_render

    fmt = chosen_format(ctx, format, output, EXPORT_FORMATS)
    day, known = as_of_and_known_on(as_of, known_on)
    result = due_report(session(ctx).root(), day, known, leader)
    if fmt == "table":
        from wkb_tracker.cli.holidays import calendar_line

        report_render.print_due(result, calendar=calendar_line(day.year))
        return
    from wkb_tracker.cli.exporting import about
    from wkb_tracker.report.formats.list_sheets import due_sheets
    from wkb_tracker.report.formats.outputs import sheets_bytes

    data = sheets_bytes(
        fmt,
        due_sheets(report_render.due_dict(result)),
        title=report_render.due_lines(result),
        about=lambda: about(ctx, known),
        json_value=lambda: report_render.due_dict(result),
    )
    deliver(ctx, data, fmt, output)


def visit_entities(ctx: typer.Context, dataset: Dataset) -> dict[str, tuple[str, str]]:
    """Visit id → (entity id, registered name) of the entry each visit served now
    (domain/identity's rule: its id followed through merges, else its name resolved), for
    `--explain` (issue 14.5); empty without a register."""
    from wkb_tracker.domain.identity import Identities
    from wkb_tracker.store.entity_store import load_register

    register = dataset.register
    if register is None:
        register, _problems = load_register(session(ctx).root())
    who = Identities(register)
    return {
        visit.id: (found.id, found.name)
        for visit in dataset.visits
        if (found := who.entry(visit)) is not None
    }


def report_items(ctx: typer.Context, dataset: Dataset, result: Report) -> list[dict[str, object]]:
    """The views, at the report's snapshot, of the items the report counts (its 整改 sheet)."""
    from wkb_tracker.report.formats.report_sheets import report_item_ids
    from wkb_tracker.report.report_render import report_dict
    from wkb_tracker.store.rectification_store import item_view

    wanted = report_item_ids(report_dict(result, explain=True, counting=False))
    by_id = {item.id: item for item in dataset.rectifications}
    days = session(ctx).config().due_soon_days
    views = []
    for item_id in wanted:
        item = by_id.get(item_id)
        view = (
            item_view(item, dataset.policy, result.snapshot, due_soon_days=days) if item else None
        )
        if view is not None:
            views.append(view)
    return views


def compute_report(
    ctx: typer.Context, period: Period, day: date, known: date, leader: str | None = None
) -> tuple[Dataset, Report]:
    """The report of `period` as of `day`, as known on `known` (sealed months' official figures
    applied, unapproved entries merged into a sealed month set aside), and the data behind it."""
    from wkb_tracker.domain import compliance
    from wkb_tracker.store.counting_register import with_counting_register

    root = session(ctx).root()
    dataset = _load(root, period.months(), period.records_window(day), known)
    name = dataset.policy.resolve_leader(leader) if leader is not None else None
    dataset, set_aside = _set_aside_after_seal(root, dataset)
    seals = _seal_book(root, period)
    rules = None
    if seals is not None:  # a sealed month keeps the counting rule it was sealed under (15.1)
        from wkb_tracker.store.official import sealed_rules

        rules = sealed_rules(
            seals[0],
            known_on=known,
            fallback_minimum=dataset.monthly_minimum,
            override=dataset.config.monthly_minimum,
        )
    counted_under = [*dataset.rule_book.rules, *(rules or {}).values()]
    dataset = with_counting_register(root, dataset, counted_under)
    result = compliance.compute(dataset, period, day, leader=name, sealed_rules=rules)
    result = _official(root, result, known, seals)
    if set_aside:
        result = replace(result, problems=(*result.problems, *set_aside))
    return dataset, result


def due_report(root: Path, day: date, known: date, leader: str | None) -> DueReport:
    """`wkb due`'s answer for `day` (also what `wkb remind` cuts into digests)."""
    from wkb_tracker.domain import compliance
    from wkb_tracker.store.counting_register import with_counting_register

    month = compliance.month_of(day)
    dataset = _load(root, month.months(), month.records_window(day), known)
    dataset, _set_aside = _set_aside_after_seal(root, dataset)
    dataset = with_counting_register(root, dataset, dataset.rule_book.rules)
    name = dataset.policy.resolve_leader(leader) if leader is not None else None
    return compliance.due(dataset, day, leader=name)


def _period(
    month: str | None,
    quarter: str | None,
    year: str | None,
    start: str | None,
    end: str | None,
    as_of: date,
) -> Period:
    """The one period asked for; refuses two at once or half a range."""
    from wkb_tracker.domain.compliance import MONTH, QUARTER, RANGE, YEAR, make_period, month_of
    from wkb_tracker.domain.dates import parse_date, parse_month, parse_quarter, parse_year
    from wkb_tracker.domain.errors import UserError
    from wkb_tracker.domain.i18n import say

    given = [
        name
        for name, value in (
            ("--month", month),
            ("--quarter", quarter),
            ("--year", year),
            ("--from/--to", start or end),
        )
        if value is not None
    ]
    if len(given) > 1:
        raise UserError(
            say(
                "只能指定一个统计期,收到:{g}。可选:--month、--quarter、--year 或 --from 与 --to",
                "give one period only, got: {g}. Choose --month, --quarter, --year, or --from with --to",
                g=", ".join(given),
            )
        )
    if month is not None:
        return make_period(*parse_month(month), MONTH)
    if quarter is not None:
        return make_period(*parse_quarter(quarter), QUARTER)
    if year is not None:
        return make_period(*parse_year(year), YEAR)
    if start is not None or end is not None:
        if start is None or end is None:
            raise UserError(
                say(
                    "--from 与 --to 须同时给出(如 --from 2026-11-01 --to 2026-11-20)",
                    "--from and --to go together (e.g. --from 2026-11-01 --to 2026-11-20)",
                )
            )
        first, last = parse_date(start, field="--from"), parse_date(end, field="--to")
        if last < first:
            raise UserError(
                say(
                    "--to {t} 早于 --from {f}",
                    "--to {t} is before --from {f}",
                    t=last,
                    f=first,
                )
            )
        return make_period(first, last, RANGE)
    return month_of(as_of)


def _load(
    root: Path, months: list[tuple[int, int]], window: tuple[date, date], known_on: date
) -> Dataset:
    """The policy, config, the visits of `months` only, and the rectification items the period
    can count (`window`: not settled before its first day, opened by its snapshot). Broken
    policy files stop the command (exit 1); a broken record is skipped with a warning naming it."""
    from wkb_tracker.store.loader import load
    from wkb_tracker.store.policy_files import refuse_broken_policy

    dataset = load(root, months=months, window=window, known_on=known_on)
    refuse_broken_policy(dataset.problems)
    for problem in dataset.problems:
        warn(str(problem))
    return dataset


def _seal_book(root: Path, period: Period) -> tuple[Any, list[Any]] | None:
    """The seals of the period's months, None for a root that never sealed (nothing read)."""
    from wkb_tracker.store.root import has_sealing_files

    if not has_sealing_files(root):
        return None
    from wkb_tracker.store.manifest import read_seal_book

    return read_seal_book(root, period.months())


def _official(
    root: Path,
    report: Report,
    known_on: date | None = None,
    seals: tuple[Any, list[Any]] | None = None,
) -> Report:
    """Sealed months show their official figures (issue 10.7); `known_on` leaves out seals
    made after that day. Unreadable sealing files are warned about, never applied."""
    if seals is None:  # a root that never sealed: no manifest to read
        return report
    from wkb_tracker.store.official import official_report

    applied, problems = official_report(root, report, known_on=known_on, read=seals)
    for problem in problems:
        warn(problem)
    return applied


def _set_aside_after_seal(root: Path, dataset: Dataset) -> tuple[Dataset, list[Problem]]:
    """A rectification event (or item) merged into a sealed month without approval is not
    counted — a sealed month's figures are final (issue 10.7, measure 17) — and every report
    warns about it (and lists it in JSON `problems`), as validate does, until it is fixed."""
    from wkb_tracker.store.root import has_sealing_files

    if not has_sealing_files(root):  # nothing sealed, nothing to set aside (no import to pay)
        return dataset, []
    from wkb_tracker.store.seal_checks import set_aside_after_seal

    items, problems = set_aside_after_seal(root, dataset.rectifications)
    for problem in problems:
        warn(str(problem))
    return (replace(dataset, rectifications=items) if problems else dataset), problems
