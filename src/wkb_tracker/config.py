"""`wkb.toml`: every key declared once (name, type, default, help); reading, checking and the
`wkb config` commands all work from that one schema."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wkb_tracker.errors import Problem, UserError
from wkb_tracker.i18n import LANGUAGES, say

CONFIG_FILE = "wkb.toml"


@dataclass(frozen=True)
class Key:
    name: str
    type: type
    default: Any
    help_zh: str
    help_en: str
    choices: tuple[str, ...] = ()
    minimum: int | None = None


SCHEMA: tuple[Key, ...] = (
    Key(
        "monthly_minimum",
        int,
        None,
        "每位责任领导每个分工区每月最少联系次数;不设则取 measures.yaml 第十四条(2)",
        "contacts required per leader per district per month; unset = measure 14 in measures.yaml (2)",
        minimum=1,
    ),
    Key(
        "rectify_deadline_days",
        int,
        30,
        "整改默认期限(天)",
        "default rectification term in days",
        minimum=1,
    ),
    Key(
        "due_soon_days",
        int,
        7,
        "「即将到期」的提前天数",
        "days before a deadline that count as due soon",
        minimum=0,
    ),
    Key(
        "late_grace_days",
        int,
        5,
        "月末后多少天内录入不算补录",
        "days after month end before an entry counts as late (补录)",
        minimum=0,
    ),
    Key("lang", str, "zh", "显示语言", "display language", choices=LANGUAGES),
    Key("recorder", str, "", "默认记录人", "default recorder name"),
    Key(
        "auto_commit",
        bool,
        False,
        "记录后自动 git 提交",
        "commit each new or changed record to git",
    ),
)
KEYS = {key.name: key for key in SCHEMA}


@dataclass(frozen=True)
class Config:
    monthly_minimum: int | None = None
    rectify_deadline_days: int = 30
    due_soon_days: int = 7
    late_grace_days: int = 5
    lang: str = "zh"
    recorder: str = ""
    auto_commit: bool = False


def _known_keys() -> str:
    return ", ".join(KEYS)


def _check_value(key: Key, value: Any) -> str | None:
    """None if `value` suits `key`, else what is wrong."""
    if key.type is int and (isinstance(value, bool) or not isinstance(value, int)):
        return say("{name} 须为整数", "{name} must be an integer", name=key.name)
    if key.type is bool and not isinstance(value, bool):
        return say("{name} 须为 true 或 false", "{name} must be true or false", name=key.name)
    if key.type is str and not isinstance(value, str):
        return say("{name} 须为字符串", "{name} must be a string", name=key.name)
    if key.minimum is not None and value < key.minimum:
        return say(
            "{name} 不能小于 {min}", "{name} must be at least {min}", name=key.name, min=key.minimum
        )
    if key.choices and value not in key.choices:
        return say(
            "{name} 只能是:{choices}",
            "{name} must be one of: {choices}",
            name=key.name,
            choices=", ".join(key.choices),
        )
    return None


def _line_of_key(text: str, name: str) -> int:
    match = re.search(rf"^\s*{re.escape(name)}\s*=", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def read_config(root: Path) -> tuple[Config, list[Problem]]:
    """The config of `root`, with defaults for what is missing; bad keys are problems, not crashes."""
    path = root / CONFIG_FILE
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except FileNotFoundError:
        return Config(), []
    except (OSError, UnicodeDecodeError) as error:
        return Config(), [Problem(CONFIG_FILE, 1, str(error))]
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        return Config(), [Problem(CONFIG_FILE, int(match.group(1)) if match else 1, str(error))]
    values: dict[str, Any] = {}
    problems = []
    for name, value in raw.items():
        key = KEYS.get(name)
        if key is None:
            problems.append(
                Problem(
                    CONFIG_FILE,
                    _line_of_key(text, name),
                    say(
                        "未知配置项 {name};可用:{known}",
                        "unknown key {name}; known keys: {known}",
                        name=name,
                        known=_known_keys(),
                    ),
                )
            )
            continue
        wrong = _check_value(key, value)
        if wrong:
            problems.append(Problem(CONFIG_FILE, _line_of_key(text, name), wrong))
        else:
            values[name] = value
    return Config(**values), problems


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
    wrong = _check_value(key, value)
    if wrong:
        raise UserError(wrong)
    return value


def write_config(root: Path, raw: dict[str, Any]) -> None:
    import tomli_w

    from wkb_tracker.storage import replace_atomic

    header = "# wkb 配置 / wkb configuration. Keys: " + _known_keys() + "\n"
    replace_atomic(root / CONFIG_FILE, header + tomli_w.dumps(raw))


def set_value(root: Path, name: str, text: str) -> Any:
    """Set one key in wkb.toml (unset `monthly_minimum` with 'default'); returns the stored value."""
    key = lookup(name)
    path = root / CONFIG_FILE
    raw = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    if key.default is None and text.strip().lower() in ("default", "none", "unset", ""):
        raw.pop(name, None)
        value = None
    else:
        value = convert(key, text)
        raw[name] = value
    write_config(root, raw)
    return value
