"""`wkb bulletin`: the office's 通报 for a month or a quarter as a Word document (issue 13.3).

The figures are the report's (`wkb report --format json` for the same period); the wording is
the template `templates/bulletin.toml` in the records root when it exists, else wkb's default
(`wkb bulletin --init-template` writes that default there for the office to edit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from wkb_tracker.cli.common import (
    KNOWN_ON_HELP,
    as_of_and_known_on,
    as_of_option,
    echo,
    session,
    warn,
)
from wkb_tracker.cli.exporting import chosen_format, deliver, format_option, output_option
from wkb_tracker.domain.i18n import say
from wkb_tracker.report.formats import BULLETIN_FORMATS

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from wkb_tracker.domain.compliance import Period


def register(app: typer.Typer) -> None:
    app.command("bulletin")(bulletin)


def bulletin(
    ctx: typer.Context,
    month: str | None = typer.Option(
        None, "--month", help="月份 YYYY-MM(默认上月)/ month (default: last month)"
    ),
    quarter: str | None = typer.Option(None, "--quarter", help="季度 / quarter, YYYY-Qn"),
    as_of: str | None = as_of_option(),
    known_on: str | None = typer.Option(None, "--known-on", help=KNOWN_ON_HELP),
    format: str | None = format_option(
        *BULLETIN_FORMATS,
        help="输出格式,默认 docx;markdown 为纯文本预览 / output format: docx (default), or "
        "markdown for a plain preview",
    ),
    output: str | None = output_option(*BULLETIN_FORMATS),
    init_template: bool = typer.Option(
        False,
        "--init-template",
        help="把默认措辞写入 templates/bulletin.toml 供修改 / write the default wording to "
        "templates/bulletin.toml for editing",
    ),
) -> None:
    """按月或季度生成包区服务工作通报(Word,GB/T 9704-2012 版式)/ the monthly or quarterly
    bulletin as a Word document in official layout."""
    root = session(ctx).root()
    if init_template:
        _init_template(root)
        return
    fmt = chosen_format(ctx, format, output, BULLETIN_FORMATS, default="docx")
    day, known = as_of_and_known_on(as_of, known_on)
    period = _bulletin_period(month, quarter, day)

    from wkb_tracker.cli.report_cmds import compute_report, report_items
    from wkb_tracker.report.formats.bulletin import make_bulletin
    from wkb_tracker.report.report_render import report_dict

    dataset, result = compute_report(ctx, period, day, known)
    items = report_items(ctx, dataset, result)
    made = make_bulletin(report_dict(result), items, _template(root), known)
    if fmt == "docx":
        from wkb_tracker.report.formats.docx_bulletin import bulletin_docx

        data = bulletin_docx(made)
    else:
        from wkb_tracker.report.formats.bulletin import bulletin_markdown

        data = bulletin_markdown(made)
    deliver(ctx, data, fmt, output)


def _bulletin_period(month: str | None, quarter: str | None, day: date) -> Period:
    """The month or quarter asked for; without either, the month before `day`'s (a bulletin
    reports a finished month)."""
    from wkb_tracker.domain.compliance import MONTH, QUARTER, make_period
    from wkb_tracker.domain.dates import month_bounds, parse_month, parse_quarter
    from wkb_tracker.domain.errors import UserError

    if month is not None and quarter is not None:
        raise UserError(
            say(
                "--month 与 --quarter 只能给一个",
                "give --month or --quarter, not both",
            )
        )
    if month is not None:
        return make_period(*parse_month(month), MONTH)
    if quarter is not None:
        return make_period(*parse_quarter(quarter), QUARTER)
    year, number = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return make_period(*month_bounds(year, number), MONTH)


def _template(root: Path) -> dict[str, str]:
    """The office's wording (defaults for what it leaves out); problems are warned about."""
    from wkb_tracker.report.formats.bulletin import TEMPLATE_FILE, default_template, parse_template

    path = root / TEMPLATE_FILE
    if not path.is_file():
        return default_template()
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        warn(
            say(
                "{p} 无法读取({e}),使用默认措辞",
                "{p} cannot be read ({e}); the default wording is used",
                p=TEMPLATE_FILE,
                e=error,
            )
        )
        return default_template()
    parts, problems = parse_template(text, TEMPLATE_FILE)
    for problem in problems:
        warn(problem)
    return parts


def _init_template(root: Path) -> None:
    """Write the default template, never over an existing one (exit 2 then)."""
    from wkb_tracker.domain.errors import RefusedWrite
    from wkb_tracker.report.formats.bulletin import DEFAULT_TEMPLATE, TEMPLATE_FILE
    from wkb_tracker.store.storage import create_exclusive

    try:
        create_exclusive(root / TEMPLATE_FILE, DEFAULT_TEMPLATE)
    except FileExistsError:
        raise RefusedWrite(
            say(
                "{p} 已存在,未改动;要恢复默认措辞请先删除或改名",
                "{p} exists and was left as it is; remove or rename it to get the default again",
                p=TEMPLATE_FILE,
            )
        ) from None
    echo(
        say(
            "已写入 {p}:修改其中的措辞即可,占位符见文件开头与 README「通报」",
            "wrote {p}: edit the wording; placeholders are listed at its top and in the README",
            p=TEMPLATE_FILE,
        )
    )
