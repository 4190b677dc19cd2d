"""The flat config reader (store/plain_toml.py) returns what tomllib returns, or None (then tomllib
reads the text): never a different table."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from wkb_tracker.store import plain_toml
from wkb_tracker.store.config import CONFIG_FILE, LOCAL_FILE, read_toml, write_config


def _agrees(text: str) -> object:
    """plain_toml's table is tomllib's (types too), or None; returns it."""
    table = plain_toml.read(text)
    if table is None:
        return None
    expected = tomllib.loads(text)  # raises if TOML refuses what was read
    assert table == expected
    assert repr(table) == repr(expected)  # 1 vs True, "1" vs 1
    return table


@pytest.mark.parametrize(
    ("text", "table"),
    [
        ("", {}),
        ('# wkb 配置\nauto_commit = false\nrecorder = "办公室"\n', {}),
        ('lang = "en"\r\nmonthly_minimum = 3\r\n', {}),
        ('\t a\t=\t"x" # note\n\n  # indented comment\nb=-0\nc = true#c\n', {}),
        ('k = "tab\tinside"\n', None),
        ('k = "a\\"b"\n', None),  # an escape
        ("k = 'literal'\n", None),
        ('k = """many"""\n', None),
        ("k = +1\n", None),
        ("k = 1_000\n", None),
        ("k = 012\n", None),
        ("k = 1.5\n", None),
        ("k = 2026-11-01\n", None),
        ("k = []\n", None),
        ("k = {}\n", None),
        ("[table]\nk = 1\n", None),
        ("a.b = 1\n", None),
        ('"quoted" = 1\n', None),
        ("k = 1\nk = 2\n", None),  # twice: tomllib says where
        ("k = 1\r", None),  # a CR not before LF
        ("k = 1\rj = 2\n", None),
        ("\ufeffk = 1\n", None),
        ("k = 1 # \x7f\n", None),
        ("k = 1 # \x00\n", None),
        ("k = True\n", None),
        ("k = 1 2\n", None),
        ("k =\n", None),
        ("k = 1234567890123456789\n", None),  # 19 digits: left to tomllib
    ],
)
def test_read__the_flat_shape_or_none(text: str, table: object) -> None:
    read = _agrees(text)
    if table is None:
        assert read is None
    else:
        assert read == tomllib.loads(text)


def test_read__what_wkb_config_set_writes_is_read_without_tomllib(tmp_path: Path) -> None:
    raw = {"auto_commit": True, "monthly_minimum": 3, "recorder": "王 \"小\" 明", "lang": "en"}
    for rel in (CONFIG_FILE, LOCAL_FILE):
        write_config(tmp_path, {"tracking_start": "2026-01", "recorder": "办公室"}, rel)
        text = (tmp_path / rel).read_text(encoding="utf-8")
        assert _agrees(text) == {"tracking_start": "2026-01", "recorder": "办公室"}
    write_config(tmp_path, raw)  # a quote is written escaped: tomllib reads that file
    assert plain_toml.read((tmp_path / CONFIG_FILE).read_text(encoding="utf-8")) is None
    assert read_toml(tmp_path, CONFIG_FILE)[0] == raw


_PIECES = st.sampled_from(
    [
        "k", "lang", "a-b", "_", "1", " ", "\t", "=", " = ", '"', "'", "\\", "#", "\n", "\r\n",
        "\r", "0", "-0", "7", "-12", "+1", "1_0", "1.5", "true", "false", "True", "[", "]", "{",
        "}", ".", ",", "办公室", "\x7f", "\x00", "\x85", "\ufeff", "e", "2026-11-01", "inf",
    ]
)  # fmt: skip
_LINE = st.tuples(
    st.sampled_from(["k", "lang", "a-b", "x_1", "9"]),
    st.sampled_from(["=", " = ", "\t=\t", "= "]),
    st.one_of(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8).map(
            lambda s: f'"{s}"'
        ),
        st.integers(-(10**19), 10**19).map(str),
        st.sampled_from(["true", "false"]),
    ),
    st.sampled_from(["", " ", " # c", "#", "\t# 注\t"]),
).map("".join)


@settings(max_examples=examples(2000))
@given(st.lists(st.one_of(_LINE, st.lists(_PIECES, max_size=8).map("".join)), max_size=6))
def test_read__agrees_with_tomllib_on_generated_texts(lines: list[str]) -> None:
    for ending in ("\n", "\r\n"):
        _agrees(ending.join(lines))
        _agrees(ending.join(lines) + ending)


_PLAIN_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='"\\\x7f'), max_size=8
).filter(lambda s: not any(ord(ch) < 0x20 for ch in s))
_FLAT_VALUE = st.one_of(
    _PLAIN_TEXT.map(lambda s: f'"{s}"'),
    st.integers(-(10**18) + 1, 10**18 - 1).map(str),
    st.sampled_from(["true", "false"]),
)


@settings(max_examples=examples(500))
@given(
    st.dictionaries(
        st.sampled_from(["k", "lang", "a-b", "x_1", "9"]),
        st.tuples(st.sampled_from(["=", " = ", "\t=\t"]), _FLAT_VALUE, st.sampled_from(["", " # c"])),
        max_size=4,
    )
)
def test_read__reads_every_generated_flat_config(lines: dict[str, tuple[str, str, str]]) -> None:
    """Distinct keys, values of the shape: read here (and as tomllib reads them)."""
    text = "".join(f"{key}{sep}{value}{tail}\n" for key, (sep, value, tail) in lines.items())
    assert _agrees(text) is not None
