"""What wkb says about its holiday calendar (chinesecalendar): the years it covers, and — for a
year it does not know yet — the exact command that upgrades it where this wkb is installed.

chinesecalendar learns each year's holidays from the State Council's notice, published late in
the year before; a release that predates it falls back to plain weekdays in `wkb due`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from wkb_tracker.domain.i18n import say
from wkb_tracker.domain.workdays import covered_years

DISTRIBUTION = "wkb-tracker"


def upgrade_command() -> str:
    """The command that upgrades chinesecalendar for the Python running wkb: pipx and `uv tool`
    keep their own environments (their command), anything else (the repository's .venv, a
    `pip install --user`, a virtualenv) is upgraded through this very interpreter."""
    prefix = Path(sys.prefix).as_posix().lower()
    if "/pipx/venvs/" in prefix:
        return f"pipx runpip {DISTRIBUTION} install -U chinesecalendar"
    if "/uv/tools/" in prefix:
        return f"uv tool upgrade {DISTRIBUTION}"
    python = sys.executable
    shown = f'"{python}"' if " " in python else python
    return f"{shown} -m pip install -U chinesecalendar"


def calendar_line(year: int) -> str:
    """One line for `wkb due` about `year`: the years covered, or how to get `year` covered."""
    years = covered_years()
    if years is None:
        return say(
            "未安装 chinesecalendar,工作日按周一至周五计算;安装:{c}",
            "chinesecalendar is not installed: working days are Monday–Friday; install: {c}",
            c=upgrade_command().replace(" -U ", " "),
        )
    first, last = years
    if first <= year <= last:
        return say(
            "节假日数据(chinesecalendar)覆盖 {a}–{b} 年",
            "holiday data (chinesecalendar) covers {a}–{b}",
            a=first,
            b=last,
        )
    return say(
        "chinesecalendar 只有 {a}–{b} 年的节假日数据,{y} 年暂按周一至周五计算;升级:{c}",
        "chinesecalendar knows {a}–{b} only, so {y} counts Monday–Friday; upgrade: {c}",
        a=first,
        b=last,
        y=year,
        c=upgrade_command(),
    )
