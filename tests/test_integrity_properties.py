"""Property tests (issue 6, hypothesis) over what people type and what wkb writes.

1. Any text in any option of `wkb visit add` and `wkb rectify add` (every code point, lone
   surrogates included: CliRunner hands arguments over as Python strings, as argv would with
   undecodable bytes): each call either exits 0 and `wkb validate` stays clean, or exits 2 with a
   message on stderr, no traceback, and not a byte written.
   Free text includes text that is not UTF-8 (lone surrogates), oversized text and Rich markup
   (issue 11); an accepted record is then listed as a table without a crash.
2. The same for any text in the options of commands that change records on file (`rectify
   progress | extend | close`, `visit void`, `month close --by`): a valid change, or exit 2 and
   not a byte written.
3. Any valid Visit or Rectification written with `records.*_to_mapping` + `storage.dump_yaml`
   and read back with `storage.parse_yaml` + `records.*_from_document` is equal to itself.

One records root serves a whole module; each accepted call's new files are checked, then removed,
so every example starts from the same tree. fsync is switched off here: durability is the crash
tests' subject, and it would make a thousand writes slow.
"""

from __future__ import annotations

import json
import operator
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from budget import examples
from inprocess import invoke, snapshot
from wkb_tracker.domain.dates import FIRST_DAY, LAST_DAY
from wkb_tracker.domain.ids import ALPHABET, new_event_id
from wkb_tracker.domain.model import (
    CONTACT_MODES,
    ENTITY_TYPES,
    RECTIFICATION_SOURCES,
    EventFile,
    Rectification,
    RectificationEvent,
    Visit,
    VoidMark,
)
from wkb_tracker.domain.rectification import in_order
from wkb_tracker.store.records import (
    EVENT_REQUIRES,
    event_file_from_document,
    event_file_mapping,
    event_path,
    rectification_from_document,
    rectification_path,
    rectification_to_mapping,
    visit_from_document,
    visit_path,
    visit_to_mapping,
)
from wkb_tracker.store.root import bundled_policy_file, init_root
from wkb_tracker.store.storage import Document, dump_yaml, parse_yaml

# The quick profile runs 60 of each CLI property (each example is a command, often two or three):
# every option still gets its wild turn several times; the thorough one runs 1200.
CLI = settings(
    max_examples=examples(1200, quick=60),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FORMAT = settings(
    max_examples=examples(600), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

TABLE = yaml.safe_load(bundled_policy_file("districts.yaml"))["entries"]
DISTRICT_WORDS = sorted(
    {entry["district"] for entry in TABLE}
    | {entry["id"] for entry in TABLE}
    | {"东湖", "江", "HONG"}
)
DISTRICT_NAMES = sorted({entry["district"] for entry in TABLE} | {entry["id"] for entry in TABLE})
LEADERS = sorted({entry["leader"] for entry in TABLE})
TYPE_WORDS = [*ENTITY_TYPES, *ENTITY_TYPES.values()]
MODE_WORDS = [*CONTACT_MODES, *CONTACT_MODES.values()]
SOURCE_WORDS = ["visit", *(s for s in RECTIFICATION_SOURCES if s != "visit")]
SOURCE_WORDS += [alias for alias in RECTIFICATION_SOURCES.values() if alias != "visit"]
NAMES = ["武汉光谷实验室", "华中科技大学", "光谷 创新 团队", "  前后有空格  ", "O'Brien & Co: 1#"]

# -- what people type ---------------------------------------------------------------------------

ANY_CHAR = st.characters(exclude_categories=())  # every code point, lone surrogates included
ANY_TEXT = st.text(ANY_CHAR, max_size=24)
# Text a person could mean: letters, digits, punctuation, symbols, spaces, line breaks.
HUMAN_TEXT = st.text(
    st.characters(categories=["L", "N", "P", "S", "Zs"], include_characters="\n\t"), max_size=40
)
LONG_TEXT = st.builds(operator.mul, st.sampled_from(["字", "a ", "行\n"]), st.integers(990, 1005))
# Undecodable input (issue 11.8): argv and git hand an invalid byte over as a lone surrogate.
NON_UTF8 = st.builds("{}{}{}".format, HUMAN_TEXT, st.characters(categories=["Cs"]), HUMAN_TEXT)
# Oversized (issue 11.9): at and over the 2000-character limit of a free-text field.
OVERSIZED = st.builds(operator.mul, st.sampled_from(["字", "x", "行\n"]), st.integers(1999, 2100))
# Rich markup (issue 11.4): stored and printed as typed, never styled, never a crash.
MARKUP = st.builds(
    "{}{}{}".format,
    HUMAN_TEXT,
    st.sampled_from(["[/bold]", "[red]x[/red]", "[link=file:///etc]x[/link]", "[", "\\[", "[b"]),
    HUMAN_TEXT,
)
FREE_TEXT = st.one_of(
    st.sampled_from(NAMES), HUMAN_TEXT, HUMAN_TEXT, ANY_TEXT, LONG_TEXT, NON_UTF8, OVERSIZED, MARKUP
)


def word(words: list[str]) -> st.SearchStrategy[str]:
    """Mostly a valid word, else one typed sloppily, or anything at all."""
    valid = st.sampled_from(words)
    return st.one_of(
        valid,
        valid,
        valid,
        valid.map(lambda text: f" {text}\t"),
        valid.map(str.upper),
        valid.map(lambda text: text[:1]),
        ANY_TEXT,
    )


DAY_FORMS: list[Callable[[date], str]] = [
    date.isoformat,
    lambda day: f"{day.year}/{day.month}/{day.day}",
    lambda day: f"{day.year}年{day.month}月{day.day}日",
    lambda day: f" {day.year}.{day.month:02d}.{day.day} ",
]
PAST = st.builds(  # a day the responsibility table covers, up to today (2026-11-25)
    lambda form, day: form(day),
    st.sampled_from(DAY_FORMS),
    st.dates(date(2021, 7, 1), date(2026, 11, 25)),
)
DATE_TEXT = st.one_of(
    st.builds(
        lambda form, day: form(day),
        st.sampled_from(DAY_FORMS),
        st.dates(date(2021, 6, 1), date(2026, 12, 31)),
    ),
    st.builds(lambda form, day: form(day), st.sampled_from(DAY_FORMS), st.dates()),
    st.sampled_from(["今天", "昨天", "前天", "today", "Yesterday", "", " ", "2026-02-29"]),
    st.sampled_from(["2026-11-31", "0000-01-01", "2026-13-01", "9999-12-31", "２０２６-１１-０３"]),
    ANY_TEXT,
)
DEADLINE_TEXT = st.one_of(
    DATE_TEXT,
    st.builds(
        "{}{}{}".format,
        st.sampled_from(["", "+", "-", " + "]),
        st.integers(0, 10**6),
        st.sampled_from(["d", "天", "w", "周", "m", "个月", "月", "y", ""]),
    ),
)


@dataclass(frozen=True)
class Option:
    """How to fill one option: a value a careful clerk would type, or anything at all."""

    valid: st.SearchStrategy[str]
    wild: st.SearchStrategy[str]
    required: bool = False
    repeated: bool = False


@st.composite
def cli_args(draw: Callable[[Any], Any], command: list[str], spec: dict[str, Option]) -> list[str]:
    """`command` with options: all careful, all wild, or careful but for one wild option (so
    each option's own handling is exercised with the others accepted). `--name=value` keeps a
    value that starts with - from being read as an option."""
    wild = draw(st.sampled_from([None, "*", *spec]))
    args = [*command]
    for name, option in spec.items():
        values = option.wild if wild in ("*", name) else option.valid
        if option.repeated:
            count = draw(st.integers(0, 2))
        elif wild in ("*", name):
            count = int(draw(st.integers(0, 9)) > 0)
        else:
            count = int(option.required or draw(st.booleans()))
        args += [f"{name}={draw(values)}" for _ in range(count)]
    return args


VISIT_ADD = {
    "--date": Option(PAST, DATE_TEXT, required=True),
    "--district": Option(st.sampled_from(DISTRICT_NAMES), word(DISTRICT_WORDS), required=True),
    "--entity": Option(st.sampled_from(NAMES), FREE_TEXT, required=True),
    "--type": Option(st.sampled_from(TYPE_WORDS), word(TYPE_WORDS), required=True),
    "--leader": Option(st.sampled_from(LEADERS), word(LEADERS)),
    "--mode": Option(st.sampled_from(MODE_WORDS), word(MODE_WORDS)),
    "--summary": Option(HUMAN_TEXT, FREE_TEXT),
    "--recorder": Option(st.sampled_from(NAMES), FREE_TEXT),
    "--problem": Option(st.sampled_from(NAMES), FREE_TEXT, repeated=True),
    "--participant": Option(st.sampled_from(NAMES), FREE_TEXT, repeated=True),
    "--measure": Option(
        st.integers(1, 17).map(str), st.integers(-1, 19).map(str) | ANY_TEXT, repeated=True
    ),
}
RECTIFY_ADD = {
    "--problem": Option(st.sampled_from(NAMES), FREE_TEXT, required=True),
    "--source": Option(st.sampled_from(SOURCE_WORDS[1:]), word(SOURCE_WORDS), required=True),
    "--district": Option(st.sampled_from(DISTRICT_NAMES), word(DISTRICT_WORDS)),
    "--department": Option(st.sampled_from(NAMES), FREE_TEXT),
    "--owner": Option(st.sampled_from(NAMES), FREE_TEXT),
    "--opened": Option(PAST, DATE_TEXT),
    "--deadline": Option(st.sampled_from(["+30d", "2周", "1个月", "2027-01-31"]), DEADLINE_TEXT),
    "--recorder": Option(st.sampled_from(NAMES), FREE_TEXT),
}


# -- the contract -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = init_root(tmp_path_factory.mktemp("properties") / "records", git=False)
    with (root / "wkb.toml").open("a", encoding="utf-8") as stream:
        stream.write('recorder = "测试员"\n')
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fsync", lambda _fd: None)
        yield root


def files(root: Path) -> dict[str, bytes | int]:
    """The records root's files, less the derived cache (rebuilt at will, never a record)."""
    return {rel: data for rel, data in snapshot(root).items() if not rel.startswith(".wkb-cache/")}


def accepted_or_refused(root: Path, args: list[str]) -> None:
    """Exit 0, nothing changed but new files, and `wkb validate` clean (then the new files are
    removed again); or exit 2 with a message on stderr and not a byte written. Never a traceback."""
    before = files(root)
    result = invoke("--root", str(root), *args)
    assert result.exception is None, f"{args!r} raised {result.exception!r}"
    assert "Traceback" not in result.stdout + result.stderr
    after = files(root)
    if result.exit_code != 0:
        event(f"refused: {result.stderr.split(':')[0][:20]}")
        assert result.exit_code == 2, (args, result.exit_code, result.stderr)
        assert result.stderr.strip(), f"{args!r} refused without a message"
        assert after == before, f"{args!r} refused but wrote {sorted(set(after) - set(before))}"
        return
    event("accepted")
    assert [rel for rel in before if after.get(rel) != before[rel]] == []
    added = sorted(set(after) - set(before))
    assert added, f"{args!r} succeeded without writing a record"
    try:
        validated = invoke("--root", str(root), "validate")
        assert validated.exit_code == 0, (
            f"{args!r} wrote records that fail validate:\n{validated.stdout}"
        )
        if args[0] in ("visit", "rectify"):  # shown as a table (markup never read, 11.4)
            every = ["--status", "all"] if args[0] == "rectify" else []
            listed = invoke("--root", str(root), args[0], "list", *every)
            assert (listed.exit_code, listed.exception) == (0, None), (args, listed.stderr)
    finally:
        for rel in added:
            (root / rel).unlink()


@CLI
@given(args=cli_args(["visit", "add"], VISIT_ADD))
def test_visit_add__any_input_is_recorded_validly_or_refused_cleanly(
    shared_root: Path, args: list[str]
) -> None:
    accepted_or_refused(shared_root, args)


@CLI
@given(args=cli_args(["rectify", "add"], RECTIFY_ADD))
def test_rectify_add__any_input_is_recorded_validly_or_refused_cleanly(
    shared_root: Path, args: list[str]
) -> None:
    accepted_or_refused(shared_root, args)


# -- changes to records on file: free text into events, voids and seals -----------------------

EVENT_DAY = st.builds(
    lambda form, day: form(day),
    st.sampled_from(DAY_FORMS),
    st.dates(date(2026, 11, 3), date(2026, 11, 25)),
)
RECORDER = Option(st.sampled_from(NAMES), FREE_TEXT)
CHANGES: dict[str, tuple[list[str], dict[str, Option]]] = {
    "progress": (
        ["rectify", "progress", "{item}"],
        {
            "--note": Option(st.sampled_from(NAMES), FREE_TEXT, required=True),
            "--recorder": RECORDER,
            "--date": Option(EVENT_DAY, DATE_TEXT),
        },
    ),
    "extend": (
        ["rectify", "extend", "{item}"],
        {
            "--deadline": Option(
                st.sampled_from(["+30d", "2周", "1个月", "2027-03-01"]),
                DEADLINE_TEXT,
                required=True,
            ),
            "--reason": Option(st.sampled_from(NAMES), FREE_TEXT, required=True),
            "--approved-by": RECORDER,
            "--recorder": RECORDER,
        },
    ),
    "close": (
        ["rectify", "close", "{item}"],
        {
            "--resolution": Option(st.sampled_from(NAMES), FREE_TEXT, required=True),
            "--recorder": RECORDER,
        },
    ),
    "void": (
        ["visit", "void", "{visit}"],
        {"--reason": Option(st.sampled_from(NAMES), FREE_TEXT, required=True), "--by": RECORDER},
    ),
    "seal": (["month", "close", "2026-10"], {"--by": RECORDER}),
}
CHANGE_ARGS = st.sampled_from(sorted(CHANGES)).flatmap(
    lambda kind: cli_args(CHANGES[kind][0], CHANGES[kind][1])
)


@pytest.fixture(scope="module")
def change_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, str]]:
    """A root holding one visit and one open item (2026-11-03) to change."""
    root = init_root(tmp_path_factory.mktemp("changes") / "records", git=False)
    with (root / "wkb.toml").open("a", encoding="utf-8") as stream:
        stream.write('recorder = "测试员"\n')
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fsync", lambda _fd: None)
        added = invoke(
            "--root", str(root), "visit", "add", "--date", "2026-11-03", "--district", "donghu",
            "--entity", "光谷", "--type", "科技企业", "--problem", "用地", "--format", "json",
        )  # fmt: skip
        assert added.exit_code == 0, added.stderr
        view = json.loads(added.stdout)
        yield root, view["id"], view["rectifications"][0]


def changed_or_refused(root: Path, args: list[str]) -> None:
    """Exit 0 and `wkb validate` clean (then every file is put back as it was); or exit 2 with a
    message and not a byte written (no temp file either). Never a traceback."""
    before = files(root)
    result = invoke("--root", str(root), *args)
    assert result.exception is None, f"{args!r} raised {result.exception!r}"
    assert "Traceback" not in result.stdout + result.stderr
    after = files(root)
    if result.exit_code != 0:
        event(f"refused: {result.stderr.split(':')[0][:20]}")
        assert result.exit_code == 2, (args, result.exit_code, result.stderr)
        assert result.stderr.strip(), f"{args!r} refused without a message"
        assert after == before, f"{args!r} refused but wrote {sorted(set(after) ^ set(before))}"
        return
    event("accepted")
    try:
        validated = invoke("--root", str(root), "validate")
        assert validated.exit_code == 0, f"{args!r} wrote what fails validate:\n{validated.stdout}"
    finally:
        for rel in set(after) - set(before):
            (root / rel).unlink()
        for rel, data in before.items():
            if after.get(rel) != data and isinstance(data, bytes):
                (root / rel).write_bytes(data)


@CLI
@given(args=CHANGE_ARGS)
def test_changes__any_text_is_recorded_validly_or_refused_cleanly(
    change_root: tuple[Path, str, str], args: list[str]
) -> None:
    root, visit_id, item_id = change_root
    targets = {"{visit}": visit_id, "{item}": item_id}
    changed_or_refused(root, [targets.get(arg, arg) for arg in args])


# -- round trip through the file format ---------------------------------------------------------

CLEAN_CHAR = st.characters(exclude_categories=["Cs"])  # a file is UTF-8: no lone surrogates
TEXT = st.text(CLEAN_CHAR, max_size=40) | st.sampled_from(
    ["", "null", "~", "yes", "No", "2026-11-03", "12", "0x1F", "- a", "a: b", "#x", "|", "'", '"']
)
SOLID = st.characters(exclude_categories=["Cs", "Cc", "Z"])  # not whitespace
WORD = st.builds("{}{}{}".format, TEXT, SOLID, TEXT)  # a "str" field: not blank
ZONES = st.integers(-23 * 60 + 1, 23 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
# Records hold dates in dates.FIRST_DAY..LAST_DAY (others are problems: see test_dates_bounds).
STAMPS = st.datetimes(datetime(2000, 1, 1), datetime(2100, 12, 31, 23, 59), timezones=ZONES)
DAYS = st.dates(FIRST_DAY, LAST_DAY)


@st.composite
def record_ids(draw: Callable[[Any], Any], kind: str) -> str:
    day = draw(st.dates(date(2000, 1, 1), date(2099, 12, 31)))
    suffix = draw(st.text(st.sampled_from(ALPHABET), min_size=6, max_size=6))
    return f"{kind}{day:%Y%m%d}-{suffix}"


VISITS = st.builds(
    Visit,
    id=record_ids("V"),
    date=DAYS,
    district=WORD,
    district_id=WORD,
    leader=WORD,
    entity=WORD,
    type=WORD,
    mode=WORD,
    measures=st.lists(st.integers(), max_size=3).map(tuple),
    summary=TEXT,
    problems=st.lists(TEXT, max_size=3).map(tuple),
    participants=st.lists(TEXT, max_size=3).map(tuple),
    recorder=TEXT,
    recorded_at=STAMPS,
    late_reason=st.none() | WORD,
    void=st.none() | st.builds(VoidMark, reason=WORD, by=TEXT, at=STAMPS),
)


@st.composite
def events(draw: Callable[[Any], Any]) -> RectificationEvent:
    kind = draw(st.sampled_from(sorted(EVENT_REQUIRES)))
    fields = {
        "note": draw(st.none() | WORD),
        "deadline": draw(st.none() | DAYS),
        "reason": draw(st.none() | WORD),
        "approved_by": draw(st.none() | TEXT),
        "resolution": draw(st.none() | WORD),
        "late_reason": draw(st.none() | WORD),
        "satisfaction": draw(st.none() | WORD),  # issue 15.4 (followup events)
    }
    for name in EVENT_REQUIRES[kind]:
        if fields[name] is None:
            fields[name] = draw(DAYS if name == "deadline" else WORD)
    return RectificationEvent(kind=kind, date=draw(DAYS), by=draw(TEXT), at=draw(STAMPS), **fields)


ITEMS = st.builds(
    Rectification,
    id=record_ids("R"),
    problem=WORD,
    district=st.none() | WORD,
    district_id=st.none() | WORD,
    source=WORD,
    visit=st.none() | WORD,
    measure=st.none() | st.integers(),
    department=TEXT,
    owner=TEXT,
    opened=DAYS,
    deadline=DAYS,
    created_by=TEXT,
    created_at=st.none() | STAMPS,
    events=st.lists(events(), max_size=4).map(tuple),
)


def read_back(rel: str, text: str, parse: Callable[[Document], tuple[Any, list[Any]]]) -> Any:
    data = text.encode("utf-8")
    value, problems = parse_yaml(data, rel)
    assert problems == [], f"{problems}\n{text}"
    record, problems = parse(Document(rel, data, value, []))
    assert problems == [], f"{problems}\n{text}"
    return record


@FORMAT
@given(visit=VISITS)
def test_visit__written_and_read_back_is_equal(visit: Visit) -> None:
    rel = visit_path(visit.id, visit.date, "donghu")
    text = dump_yaml(visit_to_mapping(visit))
    assert read_back(rel, text, visit_from_document) == replace(visit, path=rel)


@FORMAT
@given(item=ITEMS)
def test_rectification__written_and_read_back_is_equal(item: Rectification) -> None:
    rel = rectification_path(item.id, item.opened)
    text = dump_yaml(rectification_to_mapping(item))
    # events embedded in the item's file (the format before one file per event) come back in
    # history order, each knowing where it was read from
    events = in_order(replace(e, path=rel, index=i) for i, e in enumerate(item.events))
    assert read_back(rel, text, rectification_from_document) == replace(
        item, path=rel, events=events
    )


@FORMAT
@given(item=ITEMS, event=events())
def test_rectification_event_file__written_and_read_back_is_equal(
    item: Rectification, event: RectificationEvent
) -> None:
    event_id = new_event_id()
    rel = event_path(rectification_path(item.id, item.opened), item.id, event_id)
    written = replace(event, id=event_id, path=rel)
    text = dump_yaml(event_file_mapping(item.id, written))
    assert read_back(rel, text, event_file_from_document) == EventFile(item.id, written, rel)
