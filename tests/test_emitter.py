"""The record writer (`storage.dump_yaml`) against PyYAML's safe loader: what is written is read
back as exactly the same values, for any text."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from wkb_tracker.store.storage import dump_yaml

REPO = Path(__file__).resolve().parents[1]
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
scalars = st.one_of(
    texts,
    st.integers(-(10**12), 10**12),
    st.none(),
    st.booleans(),
    st.dates(),
    st.datetimes(timezones=st.just(timezone(timedelta(hours=8)))).map(
        lambda d: d.replace(microsecond=0)
    ),
)
keys = st.from_regex(r"[a-z_]{1,12}", fullmatch=True)
records = st.dictionaries(
    keys,
    st.one_of(
        scalars,
        st.lists(texts, max_size=4),
        st.lists(st.integers(1, 17), max_size=3),
        st.dictionaries(keys, scalars, max_size=3),
        st.lists(
            st.dictionaries(keys, st.one_of(scalars, st.lists(texts, max_size=2)), max_size=4),
            max_size=3,
        ),
    ),
    max_size=8,
)


def _load(text: str) -> object:
    return yaml.load(text, Loader=yaml.CSafeLoader)


@settings(max_examples=examples(600), deadline=None)
@given(texts)
def test_dump_yaml__any_text_round_trips(text: str) -> None:
    assert _load(dump_yaml({"summary": text})) == {"summary": text}


@settings(max_examples=examples(300), deadline=None)
@given(records)
def test_dump_yaml__any_record_shape_round_trips(record: dict[str, object]) -> None:
    assert _load(dump_yaml(record)) == record


def test_dump_yaml__reads_like_the_files_pyyaml_wrote() -> None:
    """Every example record, re-written by the emitter, reads back as the same values."""
    files = sorted((REPO / "examples" / "records" / "data").glob("*/*/*/*.yaml"))
    assert files
    for path in files:
        value = _load(path.read_text(encoding="utf-8"))
        assert _load(dump_yaml(value)) == value, path


def test_dump_yaml__style() -> None:
    text = dump_yaml(
        {
            "id": "V20261103-7KQF2M",
            "date": date(2026, 11, 3),
            "entity": "武汉光谷实验室",
            "measures": [14],
            "problems": [],
            "summary": "第一行\n第二行",
            "recorded_at": datetime(2026, 11, 3, 18, 0, tzinfo=timezone(timedelta(hours=8))),
            "void": {"reason": "重复录入"},
            "year": "2026",
        }
    )
    assert text == (
        "id: V20261103-7KQF2M\ndate: 2026-11-03\nentity: 武汉光谷实验室\nmeasures:\n- 14\nproblems: []\n"
        'summary: |-\n  第一行\n  第二行\nrecorded_at: 2026-11-03 18:00:00+08:00\nvoid:\n  reason: 重复录入\nyear: "2026"\n'
    )
