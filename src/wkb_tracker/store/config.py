"""Configuration: every key declared once (name, type, default, bounds, scope, help); reading,
checking and the `wkb config` commands all work from that one schema.

Two files in the records root, merged as defaults < `wkb.toml` < `wkb.local.toml` < environment:

- `wkb.toml` is committed and shared by the office: the figures every clone must agree on
  (measure 14's minimum, deadlines, grace days, tracking start, auto_commit).
- `wkb.local.toml` is git-ignored and belongs to the person at this machine (recorder, lang).

A personal key still found in `wkb.toml` (roots written before the split) is read as the office
default for it; an office-wide key in `wkb.local.toml` is reported and ignored, so that no
clone can quietly compute different figures from the others.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wkb_tracker.domain.errors import Problem, UserError
from wkb_tracker.domain.i18n import LANGUAGES, env_language, join_names, say
from wkb_tracker.domain.root_config import Config
from wkb_tracker.store import plain_toml

CONFIG_FILE = "wkb.toml"
LOCAL_FILE = "wkb.local.toml"
GITIGNORE = ".gitignore"
SHARED = "shared"
PERSONAL = "personal"
DEFAULT = "default"
ENV = "env"
MAX_CONFIG_BYTES = 1_000_000  # a config is a few hundred bytes (records have the same limit)
_MAX_NESTING = 50  # wkb's keys are flat; deeper than this is not a config, and tomllib recurses


def check_month_text(value: str) -> str | None:
    """None if `value` is a month written YYYY-MM (years 2000–9999), else what is wrong."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if match and 2000 <= int(match.group(1)) <= 9999 and 1 <= int(match.group(2)) <= 12:
        return None
    return say("须写作 YYYY-MM,如 2026-11", "must be written YYYY-MM, e.g. 2026-11")


@dataclass(frozen=True)
class Key:
    """One configuration key, declared once: its name, type, default, help, bounds and file."""

    name: str
    type: type
    default: Any
    help_zh: str
    help_en: str
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    scope: str = SHARED  # shared: wkb.toml (committed); personal: wkb.local.toml (git-ignored)
    check: Callable[[str], str | None] | None = None  # extra check of a string value

    @property
    def file(self) -> str:
        return CONFIG_FILE if self.scope == SHARED else LOCAL_FILE


# Bounds: generous for any real office, small enough that every date computed from them stays
# far inside the calendar (a 99,999,999-day deadline overflowed `date` in `visit add --problem`).
SCHEMA: tuple[Key, ...] = (
    Key(
        "monthly_minimum",
        int,
        None,
        "每位责任领导每个分工区每月最少联系次数;不设则取 measures.yaml 第十四条(2)",
        "contacts required per leader per district per month; unset = measure 14 in measures.yaml (2)",
        minimum=1,
        maximum=100,
    ),
    Key(
        "rectify_deadline_days",
        int,
        30,
        "整改默认期限(天)",
        "default rectification term in days",
        minimum=1,
        maximum=3650,
    ),
    Key(
        "due_soon_days",
        int,
        7,
        "「即将到期」的提前天数",
        "days before a deadline that count as due soon",
        minimum=0,
        maximum=365,
    ),
    Key(
        "late_grace_days",
        int,
        5,
        "月末后多少天内录入不算补录",
        "days after month end before an entry counts as late (补录)",
        minimum=0,
        maximum=366,
    ),
    Key(
        "repeat_window_days",
        int,
        180,
        "wkb stats:同类问题在多少天内再次出现算「重复问题」(第三条)",
        "wkb stats: days within which a similar problem raised again counts as a repeat (measure 3)",
        minimum=1,
        maximum=3650,
    ),
    Key(
        "tracking_start",
        str,
        None,
        "开始跟踪的月份 YYYY-MM;此前各月显示为「未开始跟踪」,不考核",
        "first tracked month, YYYY-MM; earlier months show as not tracked and are not assessed",
        check=check_month_text,
    ),
    Key(
        "auto_commit",
        bool,
        False,
        "记录后自动 git 提交(全办公室一致)",
        "commit each new or changed record to git (office-wide)",
    ),
    Key("lang", str, "zh", "显示语言", "display language", choices=LANGUAGES, scope=PERSONAL),
    Key("recorder", str, "", "默认记录人", "default recorder name", scope=PERSONAL),
    Key(
        "remind_webhook",
        str,
        "",
        "wkb remind --send 的群机器人 webhook 地址(含密钥,宜写在 wkb.local.toml 或环境变量 WKB_REMIND_WEBHOOK)",
        "wkb remind --send: the group robot's webhook URL (it holds the key: keep it in wkb.local.toml or WKB_REMIND_WEBHOOK)",
        scope=PERSONAL,
    ),
    Key(
        "remind_kind",
        str,
        "wecom",
        "群机器人类型:wecom(企业微信)或 dingtalk(钉钉)",
        "the robot: wecom (企业微信) or dingtalk (钉钉)",
        choices=("wecom", "dingtalk"),
        scope=PERSONAL,
    ),
    Key(
        "remind_secret",
        str,
        "",
        "钉钉机器人加签密钥(SEC…;宜写在 wkb.local.toml 或环境变量 WKB_REMIND_SECRET)",
        "DingTalk signing secret (SEC…; keep it in wkb.local.toml or WKB_REMIND_SECRET)",
        scope=PERSONAL,
    ),
)
KEYS = {key.name: key for key in SCHEMA}
# Environment variables that override a key (the secrets of wkb remind stay out of every file).
REMIND_ENV = {"remind_webhook": "WKB_REMIND_WEBHOOK", "remind_secret": "WKB_REMIND_SECRET"}


@dataclass(frozen=True)
class Resolved:
    """The merged config, where each value came from (default | wkb.toml | wkb.local.toml |
    env), and the problems met reading both files."""

    config: Config
    sources: dict[str, str]
    problems: list[Problem]


def _known_keys() -> str:
    """The keys, listed in a message (、 in Chinese)."""
    return join_names(KEYS)


def _check_value(key: Key, value: Any) -> str | None:
    """None if `value` suits `key`, else what is wrong (naming the valid range)."""
    if key.type is int and (isinstance(value, bool) or not isinstance(value, int)):
        return say("{name} 须为整数", "{name} must be an integer", name=key.name)
    if key.type is bool and not isinstance(value, bool):
        return say("{name} 须为 true 或 false", "{name} must be true or false", name=key.name)
    if key.type is str and not isinstance(value, str):
        return say("{name} 须为字符串", "{name} must be a string", name=key.name)
    if key.type is str:
        from wkb_tracker.domain.text import clean_text

        try:  # the same rule as every typed text: UTF-8, no control characters, bounded length
            clean_text(value, key.name)
        except UserError as error:
            return error.message
    if key.minimum is not None and value < key.minimum:
        return say(
            "{name} 不能小于 {min}{valid}",
            "{name} must be at least {min}{valid}",
            name=key.name,
            min=key.minimum,
            valid=_valid_range(key),
        )
    if key.maximum is not None and value > key.maximum:
        return say(
            "{name} 不能大于 {max}{valid}",
            "{name} must be at most {max}{valid}",
            name=key.name,
            max=key.maximum,
            valid=_valid_range(key),
        )
    if key.choices and value not in key.choices:
        return say(
            "{name} 只能是:{choices}",
            "{name} must be one of: {choices}",
            name=key.name,
            choices=join_names(key.choices),
        )
    if key.check is not None:
        wrong = key.check(value)
        if wrong:
            return f"{key.name} {wrong}"
    return None


def _valid_range(key: Key) -> str:
    if key.minimum is None or key.maximum is None:
        return ""
    return say("(有效范围 {a}–{b})", " (valid range {a}–{b})", a=key.minimum, b=key.maximum)


def _line_of_key(text: str, name: str) -> int:
    match = re.search(rf"^[ \t]*{re.escape(name)}[ \t]*=", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _too_deep(text: str) -> int | None:
    """The line where brackets or dotted keys nest deeper than any wkb config can, else None.

    tomllib recurses once per bracket (100,000 of them: RecursionError) and is quadratic in the
    parts of a dotted key (`a.a.a…`: minutes and gigabytes), so such text is refused before it
    is parsed. Quoted strings are skipped roughly (a real config has no fifty brackets anyway).
    """
    depth = dots = 0
    line = 1
    quote = ""
    index, size = 0, len(text)
    while index < size:
        char = text[index]
        if char == "\n":
            line += 1
            dots = 0
        elif quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            newline = text.find("\n", index)
            index = size if newline < 0 else newline
            continue
        elif char in "[{":
            depth += 1
            if depth > _MAX_NESTING:
                return line
        elif char in "]}":
            depth = max(0, depth - 1)
        elif char == ".":
            dots += 1
            if dots > _MAX_NESTING:
                return line
        index += 1
    return None


def read_toml(root: Path, rel: str) -> tuple[dict[str, Any], str, list[Problem]]:
    """(table, text, problems) of one config file; a missing file is an empty table. Never
    raises: a broken, oversized or absurdly nested file is one `path:line: message` problem."""
    path = root / rel
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            return (
                {},
                "",
                [
                    Problem(
                        rel,
                        1,
                        say(
                            "文件过大(超过 {n} 字节),不是 wkb 配置",
                            "file too large (over {n} bytes) for a wkb config",
                            n=MAX_CONFIG_BYTES,
                        ),
                    )
                ],
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, "", []
    except UnicodeDecodeError:
        return {}, "", [Problem(rel, 1, say("不是 UTF-8 文本", "not UTF-8 text"))]
    except OSError as error:
        return {}, "", [Problem(rel, 1, str(error.strerror or error))]
    plain = plain_toml.read(text)  # the shape wkb writes, read without importing tomllib
    if plain is not None:
        return plain, text, []
    import tomllib

    deep = _too_deep(text)
    if deep is not None:
        message = say(
            "嵌套过深(超过 {n} 层),无法作为配置读取",
            "nested too deeply (over {n} levels) to be a config",
            n=_MAX_NESTING,
        )
        return {}, text, [Problem(rel, deep, message)]
    try:
        return tomllib.loads(text), text, []
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        return {}, text, [Problem(rel, int(match.group(1)) if match else 1, str(error))]
    except (RecursionError, MemoryError, ValueError) as error:  # defence in depth
        return {}, text, [Problem(rel, 1, type(error).__name__)]


def _unknown(rel: str, text: str, name: str) -> Problem:
    return Problem(
        rel,
        _line_of_key(text, name),
        say(
            "未知配置项 {name};可用:{known}",
            "unknown key {name}; known keys: {known}",
            name=name,
            known=_known_keys(),
        ),
    )


def resolve(root: Path) -> Resolved:
    """Merge defaults < wkb.toml < wkb.local.toml < environment (WKB_LANG). A bad value is a
    problem at its line and the value below it (in the end the default) is used."""
    values: dict[str, Any] = {}
    sources = {key.name: DEFAULT for key in SCHEMA}
    problems: list[Problem] = []
    for rel in (CONFIG_FILE, LOCAL_FILE):
        raw, text, found = read_toml(root, rel)
        problems += found
        for name, value in raw.items():
            key = KEYS.get(name)
            if key is None:
                problems.append(_unknown(rel, text, name))
                continue
            if rel == LOCAL_FILE and key.scope == SHARED:
                problems.append(
                    Problem(
                        rel,
                        _line_of_key(text, name),
                        say(
                            "{name} 是全办公室共用的配置,应写在 wkb.toml(此处已忽略);可用 `wkb config set {name} …`",
                            "{name} is an office-wide key and belongs in wkb.toml (ignored here); use `wkb config set {name} …`",
                            name=name,
                        ),
                    )
                )
                continue
            wrong = _check_value(key, value)
            if wrong:
                problems.append(Problem(rel, _line_of_key(text, name), wrong))
            else:
                values[name] = value
                sources[name] = rel
    lang = env_language() if os.environ.get("WKB_LANG") else None
    if lang is not None:
        values["lang"] = lang
        sources["lang"] = ENV
    for name, variable in REMIND_ENV.items():  # secrets kept out of every file (issue 15.3)
        if os.environ.get(variable):
            values[name] = os.environ[variable]
            sources[name] = ENV
    return Resolved(Config(**values), sources, problems)


def read_config(root: Path) -> tuple[Config, list[Problem]]:
    """The config of `root`, with defaults for what is missing; bad keys are problems, not crashes."""
    resolved = resolve(root)
    return resolved.config, resolved.problems


def lookup(name: str) -> Key:
    key = KEYS.get(name)
    if key is None:
        raise UserError(
            say(
                "未知配置项 {name};可用:{known}",
                "unknown key {name}; known keys: {known}",
                name=name,
                known=_known_keys(),
            )
        )
    return key


def convert(key: Key, text: str) -> Any:
    """Turn a command-line string into the key's type, or refuse with what is valid."""
    value: Any = text.strip()
    if key.type is int:
        try:
            value = int(value)
        except ValueError:
            raise UserError(
                say(
                    "{name} 须为整数,收到 {text!r}",
                    "{name} must be an integer, got {text!r}",
                    name=key.name,
                    text=text,
                )
            ) from None
    elif key.type is bool:
        lowered = value.lower()
        if lowered in ("true", "yes", "on", "1", "是", "开"):
            value = True
        elif lowered in ("false", "no", "off", "0", "否", "关"):
            value = False
        else:
            raise UserError(
                say(
                    "{name} 须为 true 或 false,收到 {text!r}",
                    "{name} must be true or false, got {text!r}",
                    name=key.name,
                    text=text,
                )
            )
    elif key.name == "tracking_start":
        value = _tracking_start(text)
    elif key.type is str:
        from wkb_tracker.domain.text import clean_text

        value = clean_text(text, key.name)
    wrong = _check_value(key, value)
    if wrong:
        raise UserError(wrong)
    return value


def _tracking_start(text: str) -> str:
    """A month as clerks type it (2026-01, 2026/1, 2026年1月), not more than a year ahead: a
    start far in the future would mark every month 未开始跟踪 and hide every shortfall."""
    from wkb_tracker.domain.dates import parse_month, today

    first, _last = parse_month(text, field="tracking_start")
    now = today()
    if (first.year - now.year) * 12 + first.month - now.month > 12:
        raise UserError(
            say(
                "tracking_start 不能晚于 12 个月之后,收到 {m}",
                "tracking_start cannot be more than 12 months ahead, got {m}",
                m=f"{first:%Y-%m}",
            )
        )
    return f"{first:%Y-%m}"


def _header(rel: str) -> str:
    if rel == LOCAL_FILE:
        names = ", ".join(key.name for key in SCHEMA if key.scope == PERSONAL)
        return f"# wkb 个人配置,不提交 / personal settings, git-ignored. Keys: {names}\n"
    # the file's header is the same in either language
    return "# wkb 配置 / wkb configuration. Keys: " + ", ".join(KEYS) + "\n"


def _dump(rel: str, raw: dict[str, Any]) -> str:
    import tomli_w

    try:
        return _header(rel) + tomli_w.dumps(raw)
    except (RecursionError, TypeError, ValueError) as error:
        raise UserError(
            say(
                "{f} 含无法写回的内容({e}),请先手工修正",
                "{f} holds content that cannot be written back ({e}); fix it by hand first",
                f=rel,
                e=type(error).__name__,
            )
        ) from None


def write_config(root: Path, raw: dict[str, Any], rel: str = CONFIG_FILE) -> None:
    from wkb_tracker.store.storage import replace_atomic

    replace_atomic(root / rel, _dump(rel, raw))


def ignore_local_file(root: Path) -> bool:
    """Make sure `.gitignore` lists wkb.local.toml (personal settings never reach the shared
    repository); returns True if it had to be changed."""
    from wkb_tracker.store.storage import replace_atomic

    path = root / GITIGNORE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError):
        return False  # a .gitignore we cannot read is the user's; leave it alone
    if any(line.strip().lstrip("/") == LOCAL_FILE for line in text.splitlines()):
        return False
    replace_atomic(
        path, text + ("" if not text or text.endswith("\n") else "\n") + LOCAL_FILE + "\n"
    )
    return True


def set_value(root: Path, name: str, text: str) -> tuple[Any, str]:
    """Set one key in the file its scope names ('default' removes it, so its default applies);
    returns the stored value (None when removed) and the file written (relative to root). Refuses an unknown key,
    a value out of range, and a file that cannot be read back (nothing written)."""
    key = lookup(name)
    rel = key.file
    word = text.strip().lower()
    # 'default' resets any key (README: `default` 恢复); the other words only unset optional keys.
    if word == DEFAULT or (key.default is None and word in ("none", "unset", "")):
        value = None
    else:
        value = convert(key, text)
    raw, _text, problems = read_toml(root, rel)
    if problems:
        raise UserError(
            str(problems[0])
            + "\n"
            + say("请先修正该文件,未做任何改动", "fix that file first; nothing changed")
        )
    if value is None:
        raw.pop(name, None)
    else:
        raw[name] = value
    content = _dump(rel, raw)
    if rel == LOCAL_FILE:
        ignore_local_file(root)
    from wkb_tracker.store.storage import replace_atomic

    replace_atomic(root / rel, content)
    return value, rel
