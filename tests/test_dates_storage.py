"""Date forms clerks type, and the safety of reading and writing record files."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wkb_tracker.domain.dates import (
    FIRST_DAY,
    LAST_DAY,
    parse_date,
    parse_deadline,
    parse_month,
    parse_quarter,
)
from wkb_tracker.domain.errors import UserError
from wkb_tracker.store.storage import create_exclusive, dump_yaml, parse_yaml, update_locked


@pytest.mark.parametrize(
    "text",
    ["2026-11-03", "2026-11-3", "2026/11/3", "2026.11.3", "2026年11月3日", " 2026-11-03 "],
)
def test_parse_date__every_written_form(text: str) -> None:
    assert parse_date(text) == date(2026, 11, 3)


def test_parse_date__relative_words() -> None:
    assert parse_date("today") == parse_date("今天") == date(2026, 11, 25)
    assert parse_date("yesterday") == parse_date("昨天") == date(2026, 11, 24)


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "11/3/2026", "", "明天", "2026-11"])
def test_parse_date__refuses_with_the_valid_forms(text: str) -> None:
    with pytest.raises(UserError, match="2026年11月3日"):
        parse_date(text)


@given(st.dates(min_value=FIRST_DAY, max_value=LAST_DAY))
def test_parse_date__iso_round_trip(day: date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.year}年{day.month}月{day.day}日") == day


@given(
    st.dates(max_value=FIRST_DAY - timedelta(days=1))
    | st.dates(min_value=LAST_DAY + timedelta(days=1))
)
def test_parse_date__outside_the_accepted_range_is_refused(day: date) -> None:
    with pytest.raises(UserError, match="2000-01-01"):
        parse_date(f"{day.year:04d}-{day.month:02d}-{day.day:02d}")


@given(st.text(max_size=30))
def test_parse_date__any_string_is_a_date_or_a_user_error(text: str) -> None:
    with contextlib.suppress(UserError):
        assert isinstance(parse_date(text), date)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+30d", date(2026, 12, 3)),
        ("30天", date(2026, 12, 3)),
        ("+2w", date(2026, 11, 17)),
        ("1个月", date(2026, 12, 3)),
        ("2026-12-31", date(2026, 12, 31)),
    ],
)
def test_parse_deadline__offsets_and_dates(text: str, expected: date) -> None:
    assert parse_deadline(text, opened=date(2026, 11, 3)) == expected


def test_parse_deadline__month_end_clips() -> None:
    assert parse_deadline("+1m", opened=date(2026, 1, 31)) == date(2026, 2, 28)


def test_periods() -> None:
    assert parse_month("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert parse_quarter("2026-Q4") == (date(2026, 10, 1), date(2026, 12, 31))
    with pytest.raises(UserError):
        parse_month("2026-13")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件为空"),
        (b"\xef\xbb\xbfid: x\n", "BOM"),
        (b"id: x\n\x00\n", "NUL"),
        (b"id: \xff\xfe\n", "UTF-8"),
        (b"a: 1\n<<<<<<< HEAD\n", "冲突标记"),
        (b"a: !!python/object/apply:os.system ['echo hi']\n", "YAML"),
        (b"a: &a [1, 2]\nb: *a\n", "锚点"),
    ],
)
def test_parse_yaml__hostile_inputs_are_problems_not_crashes(data: bytes, message: str) -> None:
    value, problems = parse_yaml(data, "x.yaml")
    assert value is None
    assert problems and message in problems[0].message


def test_parse_yaml__billion_laughs_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        ref = ",".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{ref}]")
    value, problems = parse_yaml("\n".join(lines).encode(), "bomb.yaml")
    assert value is None and "别名" in problems[0].message


def test_parse_yaml__deep_nesting_is_a_problem() -> None:
    value, problems = parse_yaml(b"a: " + b"[" * 10_000 + b"]" * 10_000 + b"\n", "deep.yaml")
    assert value is None and problems


def test_dump_yaml__block_style_chinese_unescaped_key_order() -> None:
    text = dump_yaml(
        {
            "id": "V1",
            "entity": "武汉大学",
            "problems": ["缺场地", "融资难"],
            "summary": "第一行\n第二行",
        }
    )
    assert text.splitlines()[:5] == [
        "id: V1",
        "entity: 武汉大学",
        "problems:",
        "- 缺场地",
        "- 融资难",
    ]
    assert "summary: |-" in text
    assert parse_yaml(text.encode(), "x.yaml")[0]["summary"] == "第一行\n第二行"


def test_create_exclusive__never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.yaml"
    create_exclusive(target, "one: 1\n")
    with pytest.raises(FileExistsError):
        create_exclusive(target, "two: 2\n")
    assert target.read_text() == "one: 1\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["b.yaml"]


def test_update_locked__refusal_leaves_the_file(tmp_path: Path) -> None:
    target = tmp_path / "r.yaml"
    target.write_text("n: 1\n")

    def refuse(_current: bytes) -> str:
        raise UserError("no")

    with pytest.raises(UserError):
        update_locked(target, refuse)
    assert target.read_text() == "n: 1\n"
    update_locked(target, lambda current: current.decode() + "m: 2\n")
    assert target.read_text() == "n: 1\nm: 2\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.yaml"]


def test_parse_yaml__an_impossible_date_is_reported_at_its_line() -> None:
    value, problems = parse_yaml(b"id: x\nname: y\ndate: 2026-02-30\nend: 2026-02-28\n", "v.yaml")
    assert value is None
    assert problems[0].line == 3
