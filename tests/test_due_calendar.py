"""`wkb due` says which years the holiday calendar covers, and for a year it does not cover, how
to upgrade chinesecalendar where this wkb is installed (issue 16.6)."""

from __future__ import annotations

import sys

import pytest

from conftest import Invoke
from wkb_tracker.cli import holidays
from wkb_tracker.domain.workdays import covered_years


def test_due__names_the_years_the_calendar_covers(wkb: Invoke) -> None:
    years = covered_years()
    assert years is not None
    result = wkb("due")
    assert result.exit_code == 0, result.stderr
    assert (
        result.stdout.splitlines()[1] == f"节假日数据(chinesecalendar)覆盖 {years[0]}–{years[1]} 年"
    )


def test_due__a_year_not_covered_says_how_to_upgrade(wkb: Invoke) -> None:
    years = covered_years()
    assert years is not None
    later = years[1] + 1
    result = wkb("due", "--lang", "en", env={"WKB_TODAY": f"{later}-03-10"})
    assert result.exit_code == 0, result.stderr
    line = result.stdout.splitlines()[1]
    assert line == (
        f"chinesecalendar knows {years[0]}–{years[1]} only, so {later} counts Monday–Friday; "
        f"upgrade: {sys.executable} -m pip install -U chinesecalendar"
    )


@pytest.mark.parametrize(
    ("prefix", "command"),
    [
        (
            "/home/u/.local/share/pipx/venvs/wkb-tracker",
            "pipx runpip wkb-tracker install -U chinesecalendar",
        ),
        ("/home/u/.local/share/uv/tools/wkb-tracker", "uv tool upgrade wkb-tracker"),
        (
            r"C:\Users\u\pipx\venvs\wkb-tracker",
            "pipx runpip wkb-tracker install -U chinesecalendar",
        ),
    ],
)
def test_upgrade_command__per_install_path(
    monkeypatch: pytest.MonkeyPatch, prefix: str, command: str
) -> None:
    monkeypatch.setattr(sys, "prefix", prefix.replace("\\", "/"))
    assert holidays.upgrade_command() == command


def test_upgrade_command__a_path_with_spaces_is_quoted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "prefix", "/opt/venv")
    monkeypatch.setattr(sys, "executable", "C:/Program Files/Python311/python.exe")
    assert (
        holidays.upgrade_command()
        == '"C:/Program Files/Python311/python.exe" -m pip install -U chinesecalendar'
    )
