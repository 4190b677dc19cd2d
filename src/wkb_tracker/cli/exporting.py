"""`--format` and `--output`, declared once for every command that exports (issue 13.1, STYLE 11):
one vocabulary (report.formats), one rule for picking the format, one way bytes leave wkb.

- `--format` takes table|json|csv|markdown|xlsx|docx|html, as far as the command makes it; every
  value an earlier version took still works (`text` is `table`).
- `--output FILE` writes the exact bytes to FILE atomically; the format follows FILE's extension
  unless `--format` says otherwise; one line says what was written (and whether a file was
  replaced). A file inside the records' own folders (data/, .git/, .wkb-cache/) or over the
  config is refused.
- Without `--output`, machine formats go to stdout as bytes (UTF-8, `\\r\\n` kept): a Windows
  console's code page or text mode never touches them. A workbook or document is not sent to a
  terminal (it would be noise): wkb asks for `--output` instead.

Light at import: the formats' writers (openpyxl, python-docx) are imported by the commands that
need them, when they need them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import typer

from wkb_tracker.domain.i18n import say
from wkb_tracker.report.formats import (
    ALL,
    BINARY,
    EXTENSIONS,
    JSON,
    TABLE,
    canonical,
    from_extension,
)

if TYPE_CHECKING:
    from datetime import date

    from wkb_tracker.report.formats.report_sheets import About

FORMAT_HELP = (
    "输出格式;默认表格,给出 --output 时按文件扩展名 / output format; default table, "
    "or by --output's extension"
)
OUTPUT_HELP = "写入文件(格式按扩展名:{e})/ write to FILE (format from its extension)"


def format_option(*allowed: str, default: str | None = None, help: str = FORMAT_HELP) -> Any:
    """The `--format` option of a command that can produce `allowed` (in the vocabulary's
    order). Its value is the canonical name (aliases resolved), or `default` when not given
    (None: decided by `chosen_format` from `--output`)."""
    names = tuple(name for name in ALL if name in allowed)

    def parse(value: str) -> str:
        name = canonical(value)
        if name not in names:
            raise typer.BadParameter(
                f"'{value}' is not one of " + ", ".join(f"'{n}'" for n in names) + "."
            )
        return name

    return typer.Option(
        default, "--format", parser=parse, metavar="[" + "|".join(names) + "]", help=help
    )


def view_format_option() -> Any:
    """`--format table|json` of a command that shows or changes one thing (visit show, rectify
    add, month status, …): the same vocabulary, `text` (their old default) still accepted."""
    return format_option(
        TABLE,
        JSON,
        default=TABLE,
        help="输出格式:table(默认,旧值 text 同义)或 json / table (default; `text` still works) or json",
    )


def output_option(*allowed: str) -> Any:
    """The `--output` option of a command that can write `allowed` (the same tuple its
    `--format` takes): the help names the extensions of those formats only."""
    return typer.Option(
        None, "--output", "-o", metavar="FILE", help=OUTPUT_HELP.format(e=extensions(allowed))
    )


def extensions(allowed: tuple[str, ...]) -> str:
    """The first file extension of each format in `allowed` that makes a file, in the
    vocabulary's order (`.json .csv .md .xlsx .html`)."""
    first: dict[str, str] = {}
    for extension, name in EXTENSIONS.items():
        first.setdefault(name, extension)
    return " ".join(first[name] for name in ALL if name in allowed and name != TABLE)


def chosen_format(
    ctx: typer.Context,
    given: str | None,
    output: str | None,
    allowed: tuple[str, ...],
    default: str = TABLE,
) -> str:
    """The format to produce: `--format` if given, else `--output`'s extension, else `default`.
    Refuses (exit 2), before the command does any work: an extension that names no format this
    command makes, a table (the terminal's view) for a file, and an `--output` place that
    `store.exports.export_target` refuses."""
    from wkb_tracker.domain.errors import UserError

    files = [name for name in allowed if name != TABLE]
    if given is not None:
        fmt = given
    elif output is not None:
        implied = from_extension(output)
        if implied is None or implied not in allowed:
            raise UserError(
                say(
                    "无法从 {p} 的扩展名判断格式;请用 --format 指定:{v}",
                    "cannot tell the format from {p}'s extension; give --format: {v}",
                    p=output,
                    v="|".join(files),
                )
            )
        fmt = implied
    else:
        fmt = default
    if output is not None and fmt == TABLE:
        raise UserError(
            say(
                "表格只显示在终端;写入文件请用 --format {v}",
                "a table is for the terminal; to write a file use --format {v}",
                v="|".join(files),
            )
        )
    if output is not None:
        from wkb_tracker.cli.common import session
        from wkb_tracker.store.exports import export_target

        export_target(session(ctx).root(), output)
    return fmt


def deliver(ctx: typer.Context, data: bytes, fmt: str, output: str | None) -> None:
    """`data` to `--output` (atomically, one line saying so) or to stdout as bytes."""
    deliver_chunks(ctx, [data], fmt, output)


def deliver_chunks(
    ctx: typer.Context, chunks: Iterable[bytes], fmt: str, output: str | None
) -> None:
    """Like `deliver`, for a document made piece by piece: each piece is written as it comes
    (to stdout, or to the temp file that then replaces `--output`), never joined in memory."""
    if output is None:
        _to_stdout(chunks, fmt)
        return
    from wkb_tracker.cli.common import echo, session
    from wkb_tracker.store.exports import export_target, write_export

    path = export_target(session(ctx).root(), output)
    size = 0

    def counted() -> Iterator[bytes]:
        nonlocal size
        for chunk in chunks:
            size += len(chunk)
            yield chunk

    replaced = write_export(path, counted())
    if replaced:
        echo(
            say(
                "已覆盖 {p}({f},{n} 字节)",
                "replaced {p} ({f}, {n} bytes)",
                p=output,
                f=fmt,
                n=size,
            )
        )
    else:
        echo(
            say(
                "已写入 {p}({f},{n} 字节)",
                "wrote {p} ({f}, {n} bytes)",
                p=output,
                f=fmt,
                n=size,
            )
        )


def _to_stdout(chunks: Iterable[bytes], fmt: str) -> None:
    from wkb_tracker.domain.errors import UserError

    if fmt in BINARY and sys.stdout.isatty():
        raise UserError(
            say(
                "{f} 是二进制文件,不能显示在终端;请用 --output 文件名.{f}",
                "{f} is a binary file, not for a terminal; use --output FILE.{f}",
                f=fmt,
            )
        )
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    for data in chunks:
        if buffer is None:  # stdout replaced by a text stream (embedding, some tests)
            sys.stdout.write(data.decode("utf-8", "backslashreplace"))
        else:
            buffer.write(data)
    if buffer is not None:
        buffer.flush()


def about(ctx: typer.Context, made_on: date) -> About:
    """How an export was made: wkb's version, the records root's commit, its date, the config's
    due-soon days (the workbook's 说明 sheet, the page's footer)."""
    from wkb_tracker import __version__
    from wkb_tracker.cli.common import session
    from wkb_tracker.report.formats.report_sheets import About

    state = session(ctx)
    return About(
        version=__version__,
        commit=_commit(state.root()),
        made_on=made_on,
        due_soon_days=state.config().due_soon_days,
    )


def _commit(root: Any) -> str | None:
    try:
        from wkb_tracker.store.gitops import git_available, run_git

        if not git_available():
            return None
        head = run_git(root, "rev-parse", "--short=12", "HEAD")
    except OSError:
        return None
    return head.stdout.strip() or None if head.returncode == 0 else None
