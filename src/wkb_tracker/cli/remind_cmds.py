"""`wkb remind`: digests of what is due, printed or posted to a group robot (issue 15.3).

Never writes a record: it reads like `wkb due` and, with `--send`, makes HTTP requests."""

from __future__ import annotations

import sys
import urllib.parse
from typing import TYPE_CHECKING

import typer

from wkb_tracker.cli.common import (
    KNOWN_ON_HELP,
    as_of_and_known_on,
    as_of_option,
    echo,
    leader_filter_option,
    session,
)
from wkb_tracker.cli.exporting import format_option
from wkb_tracker.domain.i18n import say
from wkb_tracker.report.formats import JSON, MARKDOWN, TABLE

if TYPE_CHECKING:
    from wkb_tracker.domain.dataset import Config
    from wkb_tracker.report.remind import Digest


def register(app: typer.Typer) -> None:
    app.command("remind")(remind)


def remind(
    ctx: typer.Context,
    leader: str | None = leader_filter_option("只给一位责任领导 / one leader only"),
    office: bool = typer.Option(False, "--office", help="只给办公室 / the office's digest only"),
    as_of: str | None = as_of_option(),
    known_on: str | None = typer.Option(None, "--known-on", help=KNOWN_ON_HELP),
    # the one vocabulary (cli.exporting): table, with `text` (remind's first name for it) kept
    format: str = format_option(
        TABLE,
        JSON,
        MARKDOWN,
        default=TABLE,
        help="输出格式:table(默认,旧值 text 同义)、json 或 markdown / table (default; `text` "
        "still works), json or markdown",
    ),
    send: bool = typer.Option(
        False, "--send", help="发送到配置的群机器人 / post to the configured group robot"
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="只显示将发送的内容,不发送 / show what would be sent, send nothing"
    ),
) -> None:
    """催办提醒:每位领导一份、办公室一份 / what is due, one digest per leader and one for the office.

    例 / e.g.:  wkb remind --format markdown;  wkb remind --send --dry-run;  wkb remind --send
    """
    from wkb_tracker.cli.report_cmds import due_report
    from wkb_tracker.domain.errors import UserError
    from wkb_tracker.report.remind import digest_dict, digests, lines
    from wkb_tracker.report.render import print_json

    if leader is not None and office:
        raise UserError(
            say("--leader 与 --office 只能选一个", "give --leader or --office, not both")
        )
    current = session(ctx)
    root = current.root()
    day, known = as_of_and_known_on(as_of, known_on)
    due = due_report(root, day, known, leader)
    config = current.config()
    from wkb_tracker.store.policy_files import checked_policy
    from wkb_tracker.store.sealing import months_to_seal

    policy = checked_policy(root)
    leaders = [entry.leader for entry in policy.table_on(day)]
    chosen = digests(
        due,
        list(dict.fromkeys(leaders)),
        months_to_seal(root, day, config.late_grace_days, config.tracking_start),
        leader=due.leader_filter,
        office=office,
    )
    if send or dry_run:
        _deliver(chosen, config, dry_run=dry_run or not send)
        return
    if format == JSON:
        print_json(
            {
                "as_of": day.isoformat(),
                "month": due.month,
                "digests": [digest_dict(digest) for digest in chosen],
            }
        )
        return
    markdown = format == MARKDOWN
    echo("\n\n".join("\n".join(lines(digest, markdown=markdown)) for digest in chosen))


def _masked(url: str) -> str:
    """The URL with its query values hidden (a robot's key or token is a secret)."""
    parts = urllib.parse.urlsplit(url)
    query = "&".join(
        f"{name}=…" for name, _value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    )
    return urllib.parse.urlunsplit(parts._replace(query=query))


def _deliver(chosen: list[Digest], config: Config, *, dry_run: bool) -> None:
    """Post each digest (or, dry, show what would be posted). One line per failure on stderr
    and exit 1 when any failed; never a write to the records."""
    from wkb_tracker.domain.errors import UserError
    from wkb_tracker.report.remind import lines, title
    from wkb_tracker.report.render import print_json
    from wkb_tracker.store import webhook

    url = config.remind_webhook
    if not url and not dry_run:
        raise UserError(
            say(
                "未配置群机器人:wkb config set remind_webhook URL(写入 wkb.local.toml,不进 git),"
                "或设置环境变量 WKB_REMIND_WEBHOOK",
                "no group robot configured: wkb config set remind_webhook URL (kept in "
                "wkb.local.toml, out of git), or set WKB_REMIND_WEBHOOK",
            )
        )
    failed = 0
    shown = []
    for digest in chosen:
        delivery = webhook.build(
            config.remind_kind,
            url or "https://robot.invalid/not-configured",
            title(digest),
            "\n".join(lines(digest, markdown=True)),
            secret=config.remind_secret or None,
        )
        if dry_run:
            shown.append({"to": digest.to, "url": _masked(delivery.url), "body": delivery.body})
            continue
        try:
            attempts = webhook.send(delivery)
        except webhook.DeliveryError as error:
            failed += 1
            sys.stderr.write(
                say(
                    "发送失败({to}):{e}\n",
                    "not delivered ({to}): {e}\n",
                    to=digest.to,
                    e=error,
                )
            )
            continue
        echo(
            say(
                "已发送:{to}({k},第 {n} 次尝试成功)",
                "sent: {to} ({k}, attempt {n})",
                to=digest.to,
                k=config.remind_kind,
                n=attempts,
            )
        )
    if dry_run:
        print_json({"dry_run": True, "kind": config.remind_kind, "messages": shown})
    if failed:
        raise typer.Exit(1)
