"""The fast read path of `storage.parse_yaml` always returns what PyYAML's safe loader returns."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from wkb_tracker.store.storage import dump_yaml, parse_yaml

REPO = Path(__file__).resolve().parents[1]


def _standard(data: bytes) -> object:
    return yaml.load(data.decode("utf-8"), Loader=yaml.CSafeLoader)


def _same(data: bytes) -> None:
    """parse_yaml gives the safe loader's value (same types too), or problems where it fails."""
    value, problems = parse_yaml(data, "x.yaml")
    try:
        expected = _standard(data)
    except (yaml.YAMLError, ValueError, TypeError):
        assert value is None and problems
        return
    assert problems == []
    assert value == expected
    assert repr(value) == repr(expected)  # date vs datetime, int vs bool


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: -3\nc: 0x1F\nd: 1_000\ne: 1.5\nf: .inf\ng: 0o17\nh: 190:20:30\n",
        "a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: n\ng: true\nh: ~\ni: null\nj:\n",
        "a: 2026-11-03\nb: 2026-11-03 18:00:00+08:00\nc: 2026-11-03T18:00:00Z\nd: 2026-11-3\n"
        "e: 2026-11-03 18:00:00.5\nf: 2026-11-03 18:00:00\ng: 2026-1-3 1:02:03\n",
        "? [a, b]\n: 1\n1: one\n2.5: x\nnull: y\n",
        "a: !!str 123\nb: !!int '7'\nc: !!binary aGk=\nd: !!set {x: null}\ne: !!omap [{a: 1}]\n",
        "base: {a: 1}\nchild:\n  <<: {b: 2}\n  c: 3\n",
        "a: 'single'\nb: \"dbl\\tq\"\nc: |\n  lit\n  block\nd: >\n  folded\n  text\ne: =\n",
        "- 1\n- [2, 3]\n- {k: v}\n- - nested\n",
        "just a string\n",
        "中文: 值\n列表:\n- 东湖高新区\n- 2026年\n",
    ],
)
def test_parse_yaml__fast_path_matches_the_safe_loader(text: str) -> None:
    _same(text.encode("utf-8"))


def test_parse_yaml__every_example_record_matches() -> None:
    files = sorted((REPO / "examples" / "records" / "data").rglob("*.yaml"))
    assert len(files) > 100
    for path in files:
        _same(path.read_bytes())


def test_parse_yaml__invalid_timestamp_is_still_a_problem() -> None:
    value, problems = parse_yaml(b"date: 2026-13-45\n", "x.yaml")
    assert value is None and problems


scalars = st.one_of(
    st.text(max_size=20),
    st.integers(),
    st.booleans(),
    st.none(),
    st.dates(),
    st.floats(allow_nan=False),
)


@settings(max_examples=examples(400), deadline=None)
@given(
    st.dictionaries(
        st.text(max_size=8), st.one_of(scalars, st.lists(scalars, max_size=3)), max_size=6
    )
)
def test_parse_yaml__pyyaml_dumped_documents_match(mapping: dict[str, object]) -> None:
    _same(yaml.dump(mapping, allow_unicode=True, Dumper=yaml.CSafeDumper).encode("utf-8"))


@settings(max_examples=examples(300), deadline=None)
@given(
    st.dictionaries(
        st.from_regex(r"[a-z]{1,8}", fullmatch=True),
        st.one_of(
            scalars.filter(lambda v: not isinstance(v, float)),
            st.lists(st.text(max_size=10), max_size=3),
        ),
        max_size=6,
    )
)
def test_parse_yaml__our_dumped_documents_match(mapping: dict[str, object]) -> None:
    _same(dump_yaml(mapping).encode("utf-8"))


def test_parse_yaml__fast_path_is_taken_for_records(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every example record is read by the fast path: the standard loader is never asked."""
    from wkb_tracker.store import storage

    def refuse(data: bytes, rel: str) -> object:
        raise AssertionError(f"{rel}: the fast path gave up")

    monkeypatch.setattr(storage, "_standard_load", refuse)
    files = sorted((REPO / "examples" / "records" / "data").rglob("*.yaml"))
    for path in files:
        value, problems = parse_yaml(path.read_bytes(), path.name)
        assert problems == [] and value is not None


def test_parse_yaml__ampersand_and_asterisk_in_text_take_the_fast_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Regression: any "&" or "*" in a file ("R&D" in a summary) sent it to the standard
    loader, about three times slower; only a real alias has to be looked at."""
    from wkb_tracker.store import storage

    def refuse(data: bytes, rel: str) -> object:
        raise AssertionError(f"{rel}: the fast path gave up")

    monkeypatch.setattr(storage, "_standard_load", refuse)
    data = "entity: R&D 中心\nsummary: '*重点* & 难点'\nproblems: [a*b, '&c']\n".encode()
    assert parse_yaml(data, "x.yaml") == (yaml.load(data, Loader=yaml.CSafeLoader), [])


@pytest.mark.parametrize(
    "text",
    [
        "entity: &e 某企业\nsummary: *e\n",  # an alias of a plain value
        "a: &a [1, 2]\nb: *a\n",  # of a list
        "a: &a {k: v}\nb: [*a]\n",  # of a mapping
        "a: &a [*a]\n",  # of itself
        "entity: &e 某企业\nsummary: *e\ndate: 2026-02-30\n",  # the fast path gives up: same
    ],
)
def test_parse_yaml__every_alias_is_reported(text: str) -> None:
    """The README promises anchors/aliases are reported: an alias of a plain value too."""
    value, problems = parse_yaml(text.encode(), "x.yaml")
    assert value is None
    assert [p.message for p in problems] == ["不允许 YAML 锚点和别名"]


def test_parse_yaml__an_anchor_nothing_refers_to_reads_as_its_value() -> None:
    assert parse_yaml(b"entity: &e x\n", "x.yaml") == ({"entity": "x"}, [])
