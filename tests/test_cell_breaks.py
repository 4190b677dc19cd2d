"""Where a table cell breaks when it is wider than its column (polish 2): `wkb stats`' repeat
problems broke 「(示例」 over 「):」 at 120 columns. Chinese text breaks between characters but
never before closing punctuation nor after an opening bracket; a short note 「(示例)」, a Latin
word and a date stay whole; spaces and 「:」 are preferred."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from budget import examples
from builders import make_visit, write_visit
from conftest import Invoke
from wkb_tracker.report.line_breaks import offsets


def lines(text: str, width: int, *, cut: bool = True) -> list[str]:
    cuts = offsets(text, width, cut=cut)
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        (
            "2026-05-12 新型显示材料创新团队(示例):高企认定材料准备缺少辅导",
            26,
            ["2026-05-12 ", "新型显示材料创新团队", "(示例):", "高企认定材料准备缺少辅导"],
        ),
        (
            "2026-05-12 新型显示材料创新团队(示例):高企认定材料准备缺少辅导",
            40,
            ["2026-05-12 新型显示材料创新团队(示例):", "高企认定材料准备缺少辅导"],
        ),
        ("武汉某大学产业技术研究院(示例)", 24, ["武汉某大学产业技术研究院", "(示例)"]),
        ("武汉某大学产业技术研究院(示例)", 22, ["武汉某大学产业技术研究", "院(示例)"]),
        ("融资难,人才公寓不足。", 8, ["融资难,", "人才公寓", "不足。"]),
        ("问题「融资」未解决", 6, ["问题", "「融", "资」未", "解决"]),
        ("visited repeatedly in the period", 10, ["visited ", "repeatedly ", "in the ", "period"]),
        ("abcdefghijklmnopqrstuvwxyz", 10, ["abcdefghij", "klmnopqrst", "uvwxyz"]),
        ("短", 10, ["短"]),
    ],
)
def test_offsets__breaks_where_the_text_may_break(text: str, width: int, expected: list[str]) -> None:
    assert lines(text, width) == expected


PIECES = st.sampled_from(
    ["创", "新", "主", "体", "(示例)", ":", ",", "。", "(", ")", "「", "」", " ", "2026-05-12", "abc", "E12"]
)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join), st.integers(min_value=2, max_value=40))
def test_offsets__every_line_fits_and_nothing_is_lost(text: str, width: int) -> None:
    got = lines(text, width)

    assert "".join(got) == text
    assert all(cell_len(line.rstrip()) <= width for line in got), got


CLOSING_AT_START = re.compile(r"(?:^|\s)[)):,。、]")  # a cell's line starting with a closer
OPENING_AT_END = re.compile(r"[((](?:\s|$)")


def repeat_visits(root: Path, entity: str) -> None:
    """Two entities reporting the same problem in the window: one repeat problem in November,
    its 此前 cell 「2026-10-05 {entity}:高企认定材料准备缺少辅导」."""
    problem = ("高企认定材料准备缺少辅导",)
    write_visit(root, make_visit(date(2026, 10, 5), entity=entity, problems=problem))
    write_visit(root, make_visit(date(2026, 11, 12), entity="武汉某大学产业技术研究院(示例)", problems=problem))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("columns", ["80", "100", "120", "160"])
@pytest.mark.parametrize(
    "entity", ["新型显示材料创新团队(示例)", "武汉东湖新技术开发区光电子信息产业创新发展研究中心(示例)"]
)
def test_stats_table__repeat_problems_break_at_sensible_places(
    wkb: Invoke, root: Path, columns: str, lang: str, entity: str
) -> None:
    """At 120 columns the 此前 cell came out as 「…创新团队(示例」 over 「):高企认定…」. At any
    width, in the table and in the narrow layout (one block per repeat): the entity's name
    keeps 「(示例)」 and the colon after it, no line of a cell starts with closing punctuation
    or ends with an opening bracket, and no line is wider than the terminal."""
    repeat_visits(root, entity)

    result = wkb("stats", "--month", "2026-11", "--lang", lang, env={"COLUMNS": columns})

    assert result.exit_code == 0, result.stderr
    out = result.stdout
    section = out[out.index("重复问题" if lang == "zh" else "repeat problems") :]
    section = section[: section.index("整改事项来源" if lang == "zh" else "rectification items")]
    assert "(示例):" in section, section
    for line in section.splitlines():
        assert not CLOSING_AT_START.search(line), f"{line!r}\n{section}"
        assert not OPENING_AT_END.search(line), f"{line!r}\n{section}"
        assert cell_len(line.rstrip()) <= int(columns), f"{line!r}\n{section}"


def test_stats_table__a_long_piece_of_the_narrow_layout_hangs_under_its_header(
    wkb: Invoke, root: Path
) -> None:
    """A `header: value` piece wider than the terminal was printed whole for the terminal to
    fold at its edge; it is now broken at sensible places, its later lines indented."""
    entity = "武汉东湖新技术开发区光电子信息产业创新发展研究中心(示例)"
    repeat_visits(root, entity)

    out = wkb("stats", "--month", "2026-11", env={"COLUMNS": "80"}).stdout

    at = out.splitlines()
    first = next(n for n, line in enumerate(at) if line.startswith("  此前: 2026-10-05"))
    assert at[first + 1].startswith("    ") and at[first + 1].strip()
    said = "".join(line.strip() for line in at[first : first + 3])
    assert f"2026-10-05{entity}:高企认定材料准备缺少辅导" in said.replace(" ", "")


def test_offsets__without_cut_a_word_wider_than_a_line_stays_whole() -> None:
    """The block layout leaves an address or a long id whole (the terminal folds it; copied,
    it is still one string)."""
    assert lines("见 [link=file:///etc]x[/link] 处", 10, cut=False) == ["见 ", "[link=file:///etc]x[/link] ", "处"]
