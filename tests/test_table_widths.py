"""Every table at 80 and at 120 columns (issue 16.2): no id, figure or name is cut or wrapped —
each one the JSON output holds appears whole in the text — and nothing is elided with "…".
Rendered from the example records, in both languages, with Rich's width set by COLUMNS."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from wkb_tracker.cli import app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "records"
ITEM = "R20260918-WKDJ70"  # an overdue item of the example records, with history


def run(*args: str, width: int, lang: str = "zh") -> str:
    result = CliRunner().invoke(
        app,
        ["--root", str(EXAMPLES), "--no-cache", "--lang", lang, *args],
        env={"COLUMNS": str(width)},
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


def values(data: Any, *keys: str) -> Iterator[Any]:
    """Every value of the given keys anywhere in the JSON."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in keys and value is not None:
                yield value
            yield from values(value, *keys)
    elif isinstance(data, list):
        for value in data:
            yield from values(value, *keys)


def ratios(data: Any) -> Iterator[str]:
    """contacts/required of every tracked district-month (how the tables show them)."""
    for month in values(data, "months"):
        for entry in month:
            if entry["status"] != "not_tracked":
                yield f"{entry['contacts']}/{entry['required']}"


Wanted = Callable[[Any], Iterator[Any]]

CASES: list[tuple[tuple[str, ...], Wanted]] = [
    (
        ("report", "--month", "2026-10"),
        lambda d: iter([*ratios(d), *values(d, "district", "leader")]),
    ),
    (("report", "--quarter", "2026-Q3"), lambda d: iter([*ratios(d), *values(d, "district")])),
    (("report", "--year", "2026"), lambda d: iter([*ratios(d), *values(d, "district")])),
    (("due",), lambda d: values(d, "id", "deadline", "district", "contacts", "missing")),
    (
        ("visit", "list", "--month", "2026-10"),
        lambda d: values(d, "id", "date", "district", "leader"),
    ),
    (
        ("rectify", "list", "--status", "all"),
        lambda d: values(d, "id", "deadline", "district", "owner"),
    ),
    (("rectify", "show", ITEM), lambda d: values(d, "id", "deadline", "date")),
    (("month", "status"), lambda d: values(d, "month", "visits")),
    (("districts",), lambda d: values(d, "id", "name", "leader", "contact")),
    (("leaders",), lambda d: values(d, "name", "title")),
    (("measures",), lambda d: values(d, "title")),
    (("stats", "--year", "2026"), lambda d: values(d, "key", "visits", "entities")),
    (("stats", "--year", "2026", "--by", "leader"), lambda d: values(d, "key", "problems")),
]


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize(("args", "wanted"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_table__every_id_figure_and_name_whole(
    args: tuple[str, ...], wanted: Wanted, width: int
) -> None:
    data = json.loads(run(*args, "--format", "json", width=width))
    expected = {str(v) for v in wanted(data) if not isinstance(v, (list, dict, bool))}
    assert expected, args
    for lang in ("zh", "en"):
        table = run(*args, width=width, lang=lang)
        assert "…" not in table
        for value in expected:
            if value.isdigit():  # a count: a whole number, not part of another
                assert re.search(rf"(?<![\d/]){value}(?![\d/])", table), (value, lang)
            else:
                assert value in table, (value, lang, width)


@pytest.mark.parametrize("args", [("config", "list"), ("validate",)])
def test_table__config_and_validate_fit_80_and_120(args: tuple[str, ...]) -> None:
    ellipses = run(*args, width=400).count("…")  # those the text itself holds (SEC…)
    for width in (80, 120):
        table = run(*args, width=width)
        assert table.count("…") == ellipses  # only those the text itself holds
        if args[0] == "config":
            for key in ("monthly_minimum", "rectify_deadline_days", "tracking_start", "recorder"):
                assert key in table


def test_table__lists_use_the_width_at_120_and_blocks_at_80() -> None:
    narrow = run("visit", "list", "--month", "2026-10", width=80)
    wide = run("visit", "list", "--month", "2026-10", width=120)
    assert "┃" not in narrow and "V20261002-WS7R25\n" in narrow  # a block per visit
    assert "┃ 编号" in wide  # a table


def test_table__english_headers_whole_at_120() -> None:
    table = run("report", "--month", "2026-10", width=120, lang="en")
    for word in ("contacts", "required", "status", "overdue", "closed", "time", "late"):
        assert re.search(rf"\b{word}\b", table), word


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("visit", "list"), "没有符合条件的走访记录。"),
        (("rectify", "list"), "没有符合条件的整改事项。"),
        (("month", "status"), "还没有任何月份的走访记录。"),
    ],
)
def test_empty_list__one_line_not_an_empty_frame(wkb, args: tuple[str, ...], line: str) -> None:
    result = wkb(*args)
    assert result.exit_code == 0, result.stderr
    assert line in result.stdout.splitlines()
    assert "┏" not in result.stdout and "└" not in result.stdout
