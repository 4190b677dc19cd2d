"""The plain table path (report/plain_table.py) prints exactly what Rich prints, or leaves the table
to Rich: every generated table is printed both ways and compared byte for byte (issue 17.1)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from budget import examples
from wkb_tracker.report import plain_table, render

WORDS = st.sampled_from(
    [
        "", "R20261001-02J22G", "东湖", "外籍人才工作许可办理慢", "open", "closed late",
        "a  b", " lead", "trail ", "王建 / 平", "2026-10-31", "[bold]x[/]", "ｆｕｌｌ", "é",
        "tab\there", "two\nlines", "bell\x07", "临空港开发区", "x" * 30, "很长的问题描述" * 4,
    ]
)  # fmt: skip
CELLS = st.one_of(WORDS, st.integers(-5, 12345), st.none(), st.tuples(WORDS, st.just("red")))


@st.composite
def tables(draw: Any) -> dict[str, Any]:
    width = draw(st.integers(1, 6))
    rows = draw(st.lists(st.lists(CELLS, min_size=width, max_size=width), min_size=1, max_size=6))
    return {
        "columns": draw(st.lists(WORDS, min_size=width, max_size=width)),
        "rows": rows,
        "title": draw(st.one_of(st.none(), WORDS)),
        "caption": draw(st.one_of(st.none(), WORDS, st.just("共 9 项:进行中 3,逾期 6\n仅显示前 5 条"))),
        "justify": draw(st.dictionaries(st.integers(0, width - 1), st.sampled_from(["left", "right", "center"]))),
        "keep": draw(st.sets(st.integers(0, width - 1))),
        "ends": draw(st.one_of(st.none(), st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))),
        "simple": draw(st.booleans()),
        "drop": draw(st.lists(st.integers(0, width - 1), unique=True, max_size=2)),
    }  # fmt: skip


def printed(table: dict[str, Any], width: int, *, plain: bool, ascii_only: bool = False) -> str:
    buffer = io.StringIO()
    out = Console(
        file=_Ascii(buffer) if ascii_only else buffer,
        width=width,
        color_system=None,
        highlight=False,
        force_terminal=False,
        legacy_windows=False,
        _environ={},
    )
    saved = plain_table.draw
    if not plain:
        plain_table.draw = lambda *args, **kwargs: False  # type: ignore[assignment]
    try:
        render.print_table(out=out, **table)
    finally:
        plain_table.draw = saved  # type: ignore[assignment]
    return buffer.getvalue()


class _Ascii(io.StringIO):
    """A stream whose encoding is not UTF-8: Rich then draws ASCII boxes."""

    def __init__(self, target: io.StringIO) -> None:
        super().__init__()
        self.target = target

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "ascii"

    def write(self, text: str) -> int:
        return self.target.write(text)


@settings(max_examples=examples(600))
@given(tables(), st.integers(20, 160), st.booleans())
def test_plain_table__prints_what_rich_prints(
    table: dict[str, Any], width: int, ascii_only: bool
) -> None:
    assert printed(table, width, plain=True, ascii_only=ascii_only) == printed(
        table, width, plain=False, ascii_only=ascii_only
    )


@pytest.mark.parametrize("simple", [False, True])
def test_plain_table__draws_a_fitting_table_itself(simple: bool) -> None:
    """The fast path is taken for an ordinary list (else the test above proves nothing)."""
    table = {
        "columns": ["编号", "问题", "期限"],
        "rows": [["R1", "外籍人才工作许可办理慢", "2026-10-31"], ["R2", None, 3]],
        "title": "问题整改清单",
        "caption": "共 2 项(截至 2026-11-25):进行中 1,逾期 1,一行放不下的长说明" * 2,
        "justify": {2: "right"},
        "ends": [True, False],
        "simple": simple,
    }
    calls: list[bool] = []
    saved = plain_table.draw

    def spy(*args: Any, **kwargs: Any) -> bool:
        calls.append(saved(*args, **kwargs))
        return calls[-1]

    plain_table.draw = spy  # type: ignore[assignment]
    try:
        fast = printed(table, 60, plain=True)
    finally:
        plain_table.draw = saved  # type: ignore[assignment]
    assert calls == [True]
    assert fast == printed(table, 60, plain=False)
