"""The plain-shape reader (store/plain_yaml.py) returns what PyYAML's safe loader returns, or
None (then PyYAML reads the document): never a different value."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from wkb_tracker.store import plain_yaml
from wkb_tracker.store.storage import parse_yaml

REPO = Path(__file__).resolve().parents[1]


def _agrees(text: str) -> object:
    """plain_yaml's value is the safe loader's (types too), or None; returns it."""
    value = plain_yaml.load(text)
    if value is None:
        return None
    expected = yaml.load(text, Loader=yaml.CSafeLoader)  # raises if YAML refuses what we read
    assert value == expected
    assert repr(value) == repr(expected)  # date vs datetime, int vs bool, str vs int
    return value


@pytest.mark.parametrize(
    "text",
    [
        "id: V1\ndate: 2026-10-10\nmeasures:\n- 1\n- 12\nproblems: []\n",
        "at: 2026-10-10 17:20:00+08:00\nnote: 研发用地紧张,希望协调扩建\n",
        'problem: "研发用地紧张,希望协调扩建"\nx: \'a"b\'\ny: ""\nz: \'\'\n',
        "events:\n- kind: progress\n  date: 2026-10-09\n  by: 李娜\n- kind: closed\nnext: 1\n",
        "void:\n  reason: 重复\n  by: 张三\nafter: x\n",
        "entity: R&D 中心*\nsummary: a - b ? c , d [e] {f} 'g' \"h\" 100% @x `y`\n",
        "a:b: c\n",  # the key `a:b`
        "k: a:b\n",  # a colon without a space is text
        "k: ~\nl: null\nm: Null\nn:\no: yes\np: No\nq: on\nr: y\ns: 0\nt: 7\n",
        "k: 012\n",  # octal to YAML 1.1
        "k: 1_000\n",
        "k: -1\n",
        "k: 1.5\n",
        "k: 2026-02-30\n",  # no such day: PyYAML reports it
        "k: 2026-1-5\n",
        "k: 1:20\n",  # sexagesimal
        "k: =\n",
        "<<: {a: 1}\n",
        "yes: 1\n",  # a boolean key
        "null: 1\n",
        "k: v\nk: w\n",  # a key twice
        "e:\n- a: 1\n  a: 2\n",
        "k: a #comment\n",
        "k: a\n  continued\n",
        "k:\n- a\n  continued\n",
        "k:\n  - a\n",
        "k: v \n",
        "k:  v\n",
        "k: \tv\n",
        "k: v\r\n",
        "k: a\u0085b\n",
        "k: a\u2028b\n",
        "k: a\ufeffb\n",
        "\ufeffk: v\n",
        "k: a\x7fb\n",
        "k: a\u00a0\n",
        "k: \u00a0a\n",
        "k: 'it''s'\n",
        'k: "a\\tb"\n',
        "k: |-\n  a\n  b\n",
        "k: [a, b]\n",
        "k: {}\n",
        "k: &a x\nl: *a\n",
        "k: !!str 1\n",
        "---\nk: v\n",
        "k: v\n...\n",
        "k: v\n\nl: w\n",
        "- a\n- b\n",
        "just text\n",
        "k:\n- \n",
        "k:\n-\n",
        "k:\n- - a\n",
        "k:\n- a:\n",
        "e:\n- a b: 1\n",
        "k: a: b\n",
        "k: a:\n",
        "<<<<<<< HEAD\nk: v\n",
        "k: v",
        "k: " + "x" * 2000 + "\n",
        "k" * 101 + ": v\n",
        "k:\nl:\n",
    ],
)
def test_plain_yaml__agrees_with_the_safe_loader_or_declines(text: str) -> None:
    _agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "k: v\nk: w\n",
        "k: a\n  continued\n",
        "k: 2026-02-30\n",
        "k: &a x\nl: *a\n",
        "k: v \n",
        "\ufeffk: v\n",
        "k:\n  - a\n",
        "<<<<<<< HEAD\nk: v\n",
    ],
)
def test_plain_yaml__declines_what_it_does_not_read_exactly(text: str) -> None:
    assert plain_yaml.load(text) is None


def test_plain_yaml__reads_every_example_record() -> None:
    """The shape wkb writes is read without PyYAML (the point of the module); not the policy
    tables, with their comments."""
    data = REPO / "examples" / "records" / "data"
    files = [path for path in sorted(data.rglob("*.yaml")) if path.parent != data]
    assert len(files) > 100
    read = [path for path in files if _agrees(path.read_text(encoding="utf-8")) is not None]
    assert len(read) == len(files)


# Lines built from pieces that YAML treats specially, to find any place the two disagree.
_KEYS = st.sampled_from(["id", "k", "date", "yes", "null", "On", "y", "a_1", "a b", "_", "9"])
_TRICKY = [
    *"ab 1-:#'\"[]{},&*!|>%@`~?.\\<=_\t",
    "中",
    "\u00a0",
    "\u0085",
    "\u2028",
    "\ufeff",
    "\x7f",
    "\r",
]
_WHOLE = st.sampled_from(
    ["2026-10-10", "2026-02-30", "2026-10-10 17:20:00+08:00", "1", "012", "-1", "yes", "No",
     "~", "null", "[]", "{}", "''", '""', "1.5", "x", "中文", "0x1F", "1:20", "=", "<<"]
)  # fmt: skip
_VALUES = st.one_of(
    _WHOLE,
    st.lists(st.sampled_from([*_TRICKY, ": ", " #", "- "]), max_size=6).map("".join),
)


@st.composite
def _lines(draw: st.DrawFn) -> str:
    shape = draw(st.sampled_from(["{k}: {v}", "{k}:", "- {v}", "- {k}: {v}", "  {k}: {v}",
                                  "   {k}: {v}", "", "# c", "---", "{v}"]))  # fmt: skip
    return shape.format(k=draw(_KEYS), v=draw(_VALUES))


@settings(max_examples=examples(3000, 300), deadline=None)
@given(st.lists(_lines(), min_size=1, max_size=8), st.booleans())
def test_plain_yaml__generated_documents_agree(lines: list[str], final_newline: bool) -> None:
    _agrees("\n".join(lines) + ("\n" if final_newline else ""))


@settings(max_examples=examples(1000, 100), deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["id", "k", "note", "by"]), _VALUES), min_size=1, max_size=6)
)
def test_plain_yaml__generated_records_agree_through_parse_yaml(
    fields: list[tuple[str, str]],
) -> None:
    """Through parse_yaml (plain shape first, PyYAML after): the safe loader's value, or a
    problem where the safe loader refuses the document."""
    text = "".join(f"{key}: {value}\n" for key, value in fields)
    value, problems = parse_yaml(text.encode("utf-8"), "x.yaml")
    try:
        expected = yaml.load(text, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, ValueError, TypeError):
        assert value is None and problems
        return
    if not problems:
        assert repr(value) == repr(expected)


def test_plain_yaml__its_resolver_table_is_pyyaml_s() -> None:
    """The first characters and words it knows are PyYAML's own (a newer PyYAML adding an
    implicit type fails here rather than reading differently)."""
    implicit = yaml.resolver.Resolver.yaml_implicit_resolvers
    # ("!", "&", "*": PyYAML's documentation-only resolver; no plain scalar starts with them.)
    assert set(implicit) - {"", "!", "&", "*"} == plain_yaml.IMPLICIT_FIRST
    resolver = yaml.resolver.Resolver()
    words = [*plain_yaml.WORDS, "yES", "nO", "Nul", "NuLL", "ofF", "y", "n", "Y", "N", "tru"]
    for word in words + [word + "x" for word in words] + ["~~", "~x", "on_time", "nothing"]:
        tag = resolver.resolve(yaml.ScalarNode, word, (True, False))
        expected = yaml.SafeLoader("").construct_object(yaml.ScalarNode(tag, word))
        assert repr(plain_yaml.load(f"k: {word}\n")) == repr({"k": expected}), word


@pytest.mark.parametrize(
    "text", ["0", "7", "10", "2026-10-10", "2026-10-10 17:20:00+08:00", "2026-10-10T17:20:00"]
)
def test_plain_yaml__numbers_and_dates_resolve_as_pyyaml_does(text: str) -> None:
    assert _agrees(f"k: {text}\nl:\n- {text}\n") is not None


_RECORDS = [
    path.read_text(encoding="utf-8")
    for folder in ("visits", "rectifications")
    for path in sorted((REPO / "examples" / "records" / "data" / folder).rglob("*.yaml"))[:40]
]
_PIECES = [*_TRICKY, ": ", " #", "- ", "  ", "\n  ", "\n- ", "\n", "yes", "null", "1", "2026-02-30",
           "1.5", "~", "''", '""', "[]", "{}", "|", ">-", "&a ", "*a", "!!str ", "---\n"]  # fmt: skip


@settings(max_examples=examples(2000, 150), deadline=None)
@given(
    st.sampled_from(_RECORDS),
    st.lists(
        st.tuples(st.floats(0, 1), st.sampled_from(_PIECES), st.integers(0, 3)),
        min_size=1,
        max_size=3,
    ),
)
def test_plain_yaml__edited_records_agree(text: str, edits: list[tuple[float, str, int]]) -> None:
    """Real records with a few pieces inserted (or characters cut) where a hand edit might put
    them: read as the safe loader reads them, or declined."""
    for where, piece, cut in edits:
        at = int(where * len(text))
        text = text[:at] + (piece if not cut else "") + text[at + cut :]
    _agrees(text)


def test_plain_yaml__an_int_past_python_s_digit_limit_is_declined_not_raised() -> None:
    """Regression: `int()` of 5,000 digits raised ValueError out of every reader (wkb stats and
    wkb validate died with a traceback); PyYAML's path reports the file instead."""
    text = "id: V20261101-ABCDEF\nsummary: " + "1" * 5000 + "\n"
    assert plain_yaml.load(text) is None
    value, problems = parse_yaml(text.encode(), "data/visits/2026/11/x.yaml")
    assert value is None and problems  # reported as a problem of the file, with its path
