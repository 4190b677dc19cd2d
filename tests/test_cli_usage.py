"""How wkb answers the way it is called (issue 16.1): usage errors in one or two lines of wkb's
own style, global options after the command, flags without a value placeholder, examples in
every command's help."""

from __future__ import annotations

import shlex
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import inprocess
from wkb_tracker.cli import app
from wkb_tracker.cli.examples import EXAMPLES
from wkb_tracker.cli.usage import hoist_global_options, walk


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (["report", "--bogus"], "没有选项 --bogus", "no such option: --bogus"),
        (
            ["report", "--explan"],
            "没有选项 --explan(是否想用 --explain?)",
            "no such option: --explan (did you mean --explain?)",
        ),
        (
            ["report", "--format", "xml"],
            "--format 的值 'xml' 无效;可选:table|json|csv|markdown|xlsx|html",
            "invalid value 'xml' for --format; choose from table|json|csv|markdown|xlsx|html",
        ),
        (["visit", "show"], "缺少参数 ID", "missing argument ID"),
        (["report", "--month"], "--month 需要一个值", "--month needs a value"),
        (
            ["visit", "list", "--limit", "abc"],
            "--limit 的值 'abc' 无效:须为整数",
            "invalid value 'abc' for --limit: a whole number is needed",
        ),
        (
            ["report", "--explain=1"],
            "--explain 是开关,不接受值",
            "--explain is a flag and takes no value",
        ),
        (
            ["visit", "show", "a", "b"],
            "多余的参数:b(含空格的值请加引号)",
            "unexpected extra argument(s): b (quote a value that has spaces)",
        ),
        (
            ["reprot"],
            "没有命令 reprot(是否想用 report?)",
            "no such command: reprot (did you mean report?)",
        ),
        (["report", "--lang"], "--lang 需要一个值", "--lang needs a value"),
    ],
)
def test_usage_error__one_line_and_the_help_to_read(wkb, args: list[str], zh: str, en: str) -> None:
    named = [word for word in args[:2] if word in ("report", "visit", "show", "list")]
    where = " ".join(["wkb", *named])
    for lang, line, hint in (("zh", zh, "用法:"), ("en", en, "usage: ")):
        result = wkb(*args, env={"WKB_LANG": lang})
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.splitlines() == [line, f"{hint}{where} -h"]


def test_usage_error__english_with_lang_after_the_command(wkb) -> None:
    result = wkb("report", "--format", "xml", "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "invalid value 'xml' for --format; choose from table|json|csv|markdown|xlsx|html",
        "usage: wkb report -h",
    ]


def test_global_options__accepted_after_the_command(wkb) -> None:
    english = wkb("report", "--month", "2026-10", "--lang", "en")
    assert english.exit_code == 0, english.stderr
    assert english.stdout.startswith("District liaison compliance 2026-10")
    assert wkb("report", "--no-cache", "--lang=en").exit_code == 0
    assert wkb("--no-cache", "report").exit_code == 0  # a flag, no value to give
    assert wkb("visit", "list", "--format", "json", "--no-cache").exit_code == 0


def test_hoist_global_options__moves_only_globals_and_stops_at_double_dash() -> None:
    assert hoist_global_options(["report", "--lang", "en", "--month", "2026-10"]) == [
        "--lang",
        "en",
        "report",
        "--month",
        "2026-10",
    ]
    assert hoist_global_options(["--root", "R", "visit", "add", "--root=S", "--no-cache"]) == [
        "--root",
        "R",
        "--root=S",
        "--no-cache",
        "visit",
        "add",
    ]
    assert hoist_global_options(["visit", "add", "--", "--lang", "en"]) == [
        "visit",
        "add",
        "--",
        "--lang",
        "en",
    ]
    assert hoist_global_options(["report", "--lang"]) == ["report", "--lang"]


def _help(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_help__flags_show_no_value_placeholder() -> None:
    for args in (("-h",), ("report", "-h"), ("visit", "add", "-h")):
        text = _help(*args)
        assert "<bool>" not in text and "BOOLEAN" not in text
    assert "--no-cache " in _help("-h")


def test_help__examples_in_chinese_and_in_english() -> None:
    zh = _help("report", "-h")
    assert "示例:" in zh and "wkb report --quarter 2026-Q3" in zh and "季度热力图" in zh
    en = _help("report", "-h", "--lang", "en")
    assert "Examples:" in en and "a quarter's heat map" in en and "季度热力图" not in en


def _every_command() -> list[tuple[str, Any]]:
    command = typer.main.get_command(app)
    root = typer.Context(command, info_name="wkb", help_option_names=["-h", "--help"])
    return [(path, each) for path, each, _ in walk(command, root)]


def test_examples__every_command_has_one_to_three() -> None:
    paths = [path for path, _ in _every_command()]
    missing = [path for path in paths if not 1 <= len(EXAMPLES.get(path, ())) <= 3]
    assert missing == []
    assert sorted(set(EXAMPLES) - set(paths)) == []  # no examples for a command that is gone


def _parse(line: str) -> None:
    """Parse an example as click would, without running it: any usage error fails the test."""
    words = shlex.split(line.split(" > ")[0])[1:]
    args = hoist_global_options(words)
    command = inprocess.command()  # built once: building it for each of ~60 examples cost ~1 s
    ctx = typer.Context(command, info_name="wkb", help_option_names=["-h", "--help"])
    start = next(i for i, word in enumerate(args) if word in command.commands)
    if args[:start]:
        ctx = command.make_context("wkb", args[:start])
    args = args[start:]
    while args and args[0] in getattr(command, "commands", {}):
        name, command, args = args[0], command.commands[args[0]], args[1:]
        if args and args[0] in getattr(command, "commands", {}):
            ctx = typer.Context(command, info_name=name, parent=ctx)
            continue
        if args or not getattr(command, "commands", None):
            command.make_context(name, args, parent=ctx)
        return


@pytest.mark.parametrize(
    "line", sorted({line for examples in EXAMPLES.values() for line, _, _ in examples})
)
def test_examples__parse_without_a_usage_error(line: str) -> None:
    _parse(line)


def test_help__sealed_month_options_say_the_same_in_visit_and_rectify(wkb: Any) -> None:
    """--late-reason and --approved-by are declared once (cli.common) for every command."""
    for command in (["visit", "add"], ["rectify", "add"], ["rectify", "close"]):
        shown = wkb(*command, "-h").stdout
        assert "补录原因:日期在已封存月份时必填" in shown, command
        assert "批准人:日期在已封存月份时必填" in shown, command


@pytest.mark.parametrize("name", ["validate", "check", "config", "report", "due", "hook"])
def test_build_app__argv_s_command_alone_is_built_and_runs(name: str) -> None:
    """`main()` builds the command argv names, not the other commands of its module (Typer
    builds every command it is given: `validate` built the ten of policy_cmds.py)."""
    from wkb_tracker.cli import build_app

    built = build_app([name])
    names = [c.name for c in built.registered_commands] + [g.name for g in built.registered_groups]
    assert names == [name]
    result = CliRunner().invoke(built, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert f"wkb {name}" in result.output or f"{name} [OPTIONS]" in result.output
