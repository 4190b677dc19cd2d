"""How wkb answers the way it was called: global options anywhere, usage errors in wkb's own
one-or-two-line style, flags shown without a value placeholder, examples under each help.

Everything here works through click's documented surface (the exception classes and their
attributes, `Context`, `Parameter.metavar`, `Command.epilog`), whichever copy of click Typer
runs on: Typer ≤ 0.17 uses the `click` package, later Typer a vendored copy. The exception
classes are found from `typer.BadParameter` (public in both) rather than imported by path.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any

import typer

from wkb_tracker.domain.i18n import env_language, join_names, say

# The options the top-level callback takes. They are accepted after the command too
# (`wkb report --lang en`): main() moves them in front of the command before click parses.
GLOBAL_VALUE_OPTIONS = ("--root", "--lang")
GLOBAL_FLAGS = ("--no-cache", "--version")
HELP_OPTION_NAMES = ["-h", "--help"]


def click_exceptions() -> ModuleType:
    """The module holding click's exception classes (the `click` package or Typer's copy)."""
    usage_error = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
    return sys.modules[usage_error.__module__]


def hoist_global_options(args: Sequence[str]) -> list[str]:
    """argv with the global options found after the command moved in front of it, so click's
    top-level group sees them. Nothing after `--` moves; a global option left without its value
    (`wkb report --lang`) stays where it is, and click names it."""
    front: list[str] = []
    rest: list[str] = []
    index = 0
    seen_command = False
    while index < len(args):
        token = args[index]
        name = token.split("=", 1)[0]
        if token == "--":
            rest.extend(args[index:])
            break
        if name in GLOBAL_VALUE_OPTIONS:
            if "=" not in token and index + 1 >= len(args):  # no value: click will say so
                rest.append(token)
                index += 1
                continue
            taken = 1 if "=" in token else 2
            front.extend(args[index : index + taken])
            index += taken
            continue
        if token in GLOBAL_FLAGS:
            front.append(token)
        elif seen_command or token.startswith("-"):
            rest.append(token)
        else:
            seen_command = True
            rest.append(token)
        index += 1
    return front + rest


def _option_value(args: Sequence[str], name: str) -> str | None:
    """The value given to the option `name` anywhere in argv (before any `--`), the first one."""
    for index, token in enumerate(args):
        if token == "--":
            break
        if token.startswith(name + "="):
            return token.split("=", 1)[1]
        if token == name and index + 1 < len(args):
            return args[index + 1]
    return None


def requested_language(args: Sequence[str]) -> str:
    """The language a help page is wanted in: `--lang` anywhere in argv, else $WKB_LANG, else
    Chinese. (wkb.toml's `lang` needs the records root, which help does not look for.)"""
    value = _option_value(args, "--lang")
    return value if value in ("zh", "en") else env_language() or "zh"


def message_language(args: Sequence[str]) -> str:
    """The language of a line said when no command ran (a usage error, a cancelled prompt, a
    failed write): as a command's — `--lang`, else $WKB_LANG, else the `lang` of the records root
    argv or the environment names (read quietly), else Chinese."""
    value = _option_value(args, "--lang")
    if value in ("zh", "en") or env_language():
        return requested_language(args)
    from wkb_tracker.store.settings import quiet_root_config

    found = quiet_root_config(_option_value(args, "--root"))
    return (found[1].lang if found is not None else None) or "zh"


def asks_for_help(args: Sequence[str]) -> bool:
    """Whether argv asks for a help page (`-h`/`--help` before any `--`): the command then only
    shows help, in `requested_language`, and never needs the records root."""
    for token in args:
        if token == "--":
            return False
        if token in HELP_OPTION_NAMES:
            return True
    return False


# -- usage errors ------------------------------------------------------------------------------


def usage_message(error: Any, args: Sequence[str], root: Any) -> str:
    """One or two lines for a click usage error, in the current language: what was wrong (with
    the valid choices where there are any), then where the command's help is."""
    exceptions = click_exceptions()
    ctx = getattr(error, "ctx", None)
    # The program is `wkb` however it was started (python -m, a test runner).
    below = ctx.command_path.partition(" ")[2] if ctx is not None else ""
    where = " ".join(["wkb", max(below, command_words(root, args), key=len)]).rstrip()
    hint = say("用法:{c} -h", "usage: {c} -h", c=where)
    if isinstance(error, exceptions.NoSuchOption) and error.option_name in GLOBAL_VALUE_OPTIONS:
        line = say(
            "{o} 需要一个值", "{o} needs a value", o=error.option_name
        )  # `wkb report --lang`
    elif isinstance(error, exceptions.NoSuchOption):
        line = say("没有选项 {o}", "no such option: {o}", o=error.option_name)
        close = _close_options(error.option_name, ctx)
        if close:
            line += say(
                "(是否想用 {p}?)",
                " (did you mean {p}?)",
                p=" 或 ".join(close) if _zh() else " or ".join(close),
            )
    elif isinstance(error, exceptions.MissingParameter):
        line = _missing(error)
    elif isinstance(error, exceptions.BadParameter):
        line = _bad_value(error, args)
    elif isinstance(error, exceptions.BadOptionUsage):
        if "does not take a value" in error.message:
            line = say(
                "{o} 是开关,不接受值", "{o} is a flag and takes no value", o=error.option_name
            )
        else:
            line = say("{o} 需要一个值", "{o} needs a value", o=error.option_name)
    else:
        line = _other(error, ctx)
    return line + "\n" + hint


def command_words(root: Any, args: Sequence[str]) -> str:
    """`visit add` for argv naming that command (options skipped), as far as it names one."""
    words: list[str] = []
    command, skip = root, False
    for token in args:
        if skip or token.startswith("-"):
            skip = token in GLOBAL_VALUE_OPTIONS and not skip
            continue
        child = getattr(command, "commands", {}).get(token)
        if child is None:
            break
        words.append(token)
        command = child
    return " ".join(words)


def _zh() -> bool:
    return say("zh", "en") == "zh"


def _close_options(typed: str, ctx: Any) -> list[str]:
    if ctx is None:
        return []
    names = [
        opt
        for param in ctx.command.get_params(ctx)
        for opt in (*param.opts, *param.secondary_opts)
        if opt.startswith("--")
    ]
    import difflib  # only when a usage error is shown

    return difflib.get_close_matches(typed, names, n=2, cutoff=0.6)


def _param_name(param: Any, fallback: str) -> str:
    if param is None:
        return fallback
    if getattr(param, "param_type_name", "") == "argument":
        return str(param.metavar or param.name or fallback).upper()
    longs = [opt for opt in param.opts if opt.startswith("--")]
    return str((longs or list(param.opts) or [fallback])[0])


def _missing(error: Any) -> str:
    param = getattr(error, "param", None)
    name = _param_name(param, getattr(error, "param_hint", None) or "?")
    if getattr(param, "param_type_name", "") == "argument":
        return say("缺少参数 {n}", "missing argument {n}", n=name)
    return say("缺少选项 {n}", "missing option {n}", n=name)


def _choices(param: Any) -> list[str]:
    """The valid values of a choice parameter: click keeps them on `param.type`, Typer ≥ 0.2x
    (which checks values itself) on the parameter's type descriptor."""
    for holder in (getattr(param, "type", None), getattr(param, "type_descriptor", None)):
        choices = getattr(holder, "choices", None)
        if choices:
            return [str(getattr(choice, "value", choice)) for choice in choices]
    # An option that checks its value itself and shows the choices as its metavar
    # (`--format [table|json|csv]`, cli.exporting).
    shown = re.fullmatch(r"[\[<]([\w-]+(?:\|[\w-]+)+)[\]>]", str(getattr(param, "metavar", "")))
    return shown.group(1).split("|") if shown else []


def _given_value(param: Any, args: Sequence[str]) -> str | None:
    """What the user typed for option `param` (the last occurrence), if it can be seen in argv."""
    found: str | None = None
    for index, token in enumerate(args):
        for opt in getattr(param, "opts", ()):
            if token == opt and index + 1 < len(args):
                found = args[index + 1]
            elif token.startswith(opt + "=") and opt.startswith("--"):
                found = token[len(opt) + 1 :]
    return found


def _bad_value(error: Any, args: Sequence[str]) -> str:
    param = getattr(error, "param", None)
    name = _param_name(param, getattr(error, "param_hint", None) or "?")
    value = _given_value(param, args) if param is not None else None
    # "--format 的值 'xx' 无效" / "invalid value 'xx' for --format"
    shown = say(" {v} ", " {v}", v=repr(value)) if value is not None else ""
    choices = _choices(param)
    if choices:
        return say(
            "{n} 的值{v}无效;可选:{c}",
            "invalid value{v} for {n}; choose from {c}",
            n=name,
            v=shown,
            c="|".join(choices),
        )
    detail = _expected_type(param) or error.message
    return say("{n} 的值{v}无效:{e}", "invalid value{v} for {n}: {e}", n=name, v=shown, e=detail)


def _expected_type(param: Any) -> str | None:
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    kind = getattr(param, "type", None)
    click_type = getattr(kind, "name", "")
    low, high = getattr(kind, "min", None), getattr(kind, "max", None)
    if "range" in click_type and low is not None and high is not None:  # `min=`/`max=` options
        return say(
            "须为 {lo} 到 {hi} 之间的{k}",
            "{k} from {lo} to {hi} is needed",
            lo=low,
            hi=high,
            k=say("整数", "a whole number") if "int" in click_type else say("数", "a number"),
        )
    # click says "integer"; the click that typer 0.26–0.28 carries inside says "int"
    if annotation is int or click_type in ("integer", "int"):
        return say("须为整数", "a whole number is needed")
    if annotation is float or click_type == "float":
        return say("须为数字", "a number is needed")
    return None


# Compiled when a usage error is met (re caches them), not by every command at start-up.
_NO_SUCH_COMMAND = r"No such command '(?P<name>.*?)'"
_EXTRA_ARGUMENTS = r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)"


def _other(error: Any, ctx: Any) -> str:
    message = str(getattr(error, "message", error))
    unknown = re.search(_NO_SUCH_COMMAND, message)
    if unknown:
        name = unknown.group("name")
        line = say("没有命令 {n}", "no such command: {n}", n=name)
        commands = list(ctx.command.list_commands(ctx)) if ctx is not None else []
        import difflib

        close = difflib.get_close_matches(name, commands, n=1, cutoff=0.6)
        if close:
            line += say("(是否想用 {p}?)", " (did you mean {p}?)", p=join_names(close))
        elif commands:
            line += say(";可用:{p}", "; commands: {p}", p=join_names(commands))
        return line
    extra = re.search(_EXTRA_ARGUMENTS, message)
    if extra:
        return say(
            "多余的参数:{a}(含空格的值请加引号)",
            "unexpected extra argument(s): {a} (quote a value that has spaces)",
            a=extra.group("args"),
        )
    return say("用法错误:{m}", "usage error: {m}", m=message)


# -- help pages --------------------------------------------------------------------------------


def walk(command: Any, ctx: Any) -> Iterator[tuple[str, Any, Any]]:
    """(path, command, context) for `command` and every command below it, depth first; `path`
    is the command's words after `wkb` ("" for wkb itself, "visit add")."""
    yield (ctx.command_path.partition(" ")[2], command, ctx)
    for name in getattr(command, "commands", {}):
        child = command.commands[name]
        yield from walk(child, typer.Context(child, info_name=name, parent=ctx))


_TIDIED = "_wkb_help_tidied_for"  # on the command: the language its tree was last tidied for


def tidy_help(command: Any, lang: str) -> None:
    """Before click parses: flags show no value placeholder (`--no-cache`, not
    `--no-cache <bool>`), and each command's help ends with its examples in `lang`.

    Once per command tree and language: a `wkb` process runs one command, but whatever runs many
    on one tree in-process (the test suite: thousands) would walk all of it every time."""
    from wkb_tracker.cli.examples import epilog

    if getattr(command, _TIDIED, None) == lang:
        return
    root = typer.Context(command, info_name="wkb", help_option_names=HELP_OPTION_NAMES)
    for path, each, ctx in walk(command, root):
        for param in each.get_params(ctx):  # includes -h/--help, made once per command
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
        text = epilog(path, lang)
        if text is not None:
            each.epilog = text
    setattr(command, _TIDIED, lang)
