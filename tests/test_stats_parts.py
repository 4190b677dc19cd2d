"""`wkb stats` merged from parts kept per month folder (store/stats_figures.py, issue 14.4): the
merged figures are the figures computed from all visits at once, and after a change only the
changed month's parts are computed again."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from builders import make_visit, write_visit
from conftest import Invoke
from stats_reference import reference_compute
from test_answer_cache import filled  # noqa: F401  (a fixture)
from wkb_tracker.domain import stats
from wkb_tracker.domain.entities import Entity, Register
from wkb_tracker.report.stats_view import stats_dict
from wkb_tracker.store.record_cache import DATABASE

YEAR = ("stats", "--year", "2026", "--format", "json")


def parts(root: Path) -> int:
    with sqlite3.connect(root / DATABASE) as db:
        return int(db.execute("SELECT count(*) FROM answer_part").fetchone()[0])


def same_as_computed(wkb: Invoke, *args: str) -> dict:  # type: ignore[type-arg]
    """Asked with the cache (parts reused where kept) and without it: the same bytes."""
    cached = wkb(*YEAR, *args)
    fresh = wkb("--no-cache", *YEAR, *args)
    assert cached.exit_code == fresh.exit_code == 0, cached.stderr
    assert cached.stdout == fresh.stdout
    assert cached.stderr == fresh.stderr
    return json.loads(cached.stdout)  # type: ignore[no-any-return]


def test_parts__a_new_visit_computes_its_own_month_again_only(wkb: Invoke, filled: Path) -> None:  # noqa: F811
    root = filled
    write_visit(root, make_visit(date(2026, 9, 8), entity="某研究院", problems=("人才公寓不足",)))
    before = same_as_computed(wkb)["totals"]
    kept = parts(root)
    assert kept > 0
    write_visit(root, make_visit(date(2026, 10, 9), entity="某科技公司", problems=("融资困难",)))
    after = same_as_computed(wkb)["totals"]
    assert after["visits"] == before["visits"] + 1
    assert after["repeat_problems"] == before["repeat_problems"] + 1  # 融资困难 again
    # October's two parts (what it raised, what it counts) are new; every other month's reused
    assert parts(root) == kept + 2


def test_parts__an_earlier_visit_makes_a_later_kept_month_repeat(
    wkb: Invoke,
    filled: Path,  # noqa: F811
) -> None:
    root = filled
    before = same_as_computed(wkb)["totals"]["repeat_problems"]
    # a problem in September that November's 人才公寓不足 (某研究院) now repeats: November's
    # parts are kept and unchanged, yet its problem is a repeat now
    write_visit(root, make_visit(date(2026, 9, 30), entity="某研究院", problems=("人才公寓不足",)))
    assert same_as_computed(wkb)["totals"]["repeat_problems"] > before


def test_parts__a_visit_copied_into_another_month_counts_once(
    wkb: Invoke,
    filled: Path,  # noqa: F811
) -> None:
    """Regression: November's parts were kept, then a clerk copied an October visit's file into
    November with its date changed. Merged from parts, both copies counted; read at once (as
    `--no-cache` does), the copy is reported and counted once."""
    root = filled
    same_as_computed(wkb)
    october = next((root / "data" / "visits" / "2026" / "10").glob("*.yaml"))
    text = october.read_text(encoding="utf-8").replace("2026-10-20", "2026-11-21")
    (
        root / "data" / "visits" / "2026" / "11" / october.name.replace("2026-10-20", "2026-11-21")
    ).write_text(text, encoding="utf-8")
    computed = wkb("--no-cache", *YEAR)
    assert computed.stderr  # the copy is reported
    assert (
        same_as_computed(wkb)["totals"]["visits"] == json.loads(computed.stdout)["totals"]["visits"]
    )


def test_parts__a_damaged_part_is_computed_again(wkb: Invoke, filled: Path) -> None:  # noqa: F811
    root = filled
    good = wkb(*YEAR).stdout
    with sqlite3.connect(root / DATABASE) as db:
        db.execute("DELETE FROM answer")  # the whole answer gone: merged from parts again
        db.execute("UPDATE answer_part SET value='{not json'")
    assert wkb(*YEAR).stdout == good
    with sqlite3.connect(root / DATABASE) as db:
        values = [json.loads(value) for (value,) in db.execute("SELECT value FROM answer_part")]
    assert values  # replaced by good ones


def test_parts__only_the_most_recently_kept_stay(
    wkb: Invoke,
    filled: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wkb_tracker.store import answer_cache

    monkeypatch.setattr(answer_cache, "KEPT_PARTS", 3)
    same_as_computed(wkb)
    assert parts(filled) == 3


# In process: merged from monthly parts = computed from all visits at once (the oracle in
# tests/stats_reference.py), for any visits, period, grouping and window.
ENTITIES = ("武汉光谷实验室", "武汉 光谷实验室", "某科技公司", "某研究院", "光谷实验室")
PROBLEMS = ("实验用房不足", "实验室用房紧张", "融资难", "融资困难", "人才公寓不足", "用地紧张")
DISTRICTS = (("东湖高新区", "donghu", "胡军"), ("江岸区", "jiangan", "徐涛"))
DAY0 = date(2026, 1, 1)

visit_strategy = st.builds(
    lambda offset, entity, problems, district, mode, measures, entity_id: make_visit(
        DAY0 + timedelta(days=offset),
        district=district[0],
        district_id=district[1],
        leader=district[2],
        entity=entity,
        problems=tuple(problems),
        mode=mode,
        measures=tuple(measures),
        entity_id=entity_id,
    ),
    st.integers(0, 150),
    st.sampled_from(ENTITIES),
    st.lists(st.sampled_from(PROBLEMS), max_size=2),
    st.sampled_from(DISTRICTS),
    st.sampled_from(("实地走访", "座谈交流")),
    st.lists(st.sampled_from((3, 14, 15)), max_size=2, unique=True),
    st.sampled_from((None, None, "E2", "E3")),  # E2 and E3 share a name: two entities
)


@given(
    visits=st.lists(visit_strategy, max_size=25),
    start=st.integers(0, 150),
    length=st.integers(0, 90),
    by=st.sampled_from(stats.GROUPS),
    window=st.integers(1, 60),
    registered=st.booleans(),
)
@settings(max_examples=examples(400, quick=80), deadline=None)
def test_merged_figures_are_the_figures_of_all_visits_at_once(
    visits: list,
    start: int,
    length: int,
    by: str,
    window: int,
    registered: bool,  # type: ignore[type-arg]
) -> None:
    first = DAY0 + timedelta(days=start)
    last = first + timedelta(days=length)
    register = (
        Register(
            [
                Entity(
                    id="E1",
                    name="武汉光谷实验室",
                    aliases=("光谷实验室",),
                    district="东湖高新区",
                    district_id="donghu",
                    type="平台载体",
                    tags=("孵化器",),
                ),
                Entity(id="E2", name="某研究院", district="江岸区", district_id="jiangan"),
                Entity(id="E3", name="某研究院", district="东湖高新区", district_id="donghu"),
            ]
        )
        if registered
        else None
    )
    merged = stats.compute(visits, [], first, last, by=by, window_days=window, register=register)
    whole = reference_compute(visits, [], first, last, by=by, window_days=window, register=register)
    assert stats_dict(merged) == stats_dict(whole)


def test_parts__those_read_when_others_are_kept_outlive_those_not_read(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a part read from the cache kept the time it was first kept, so a run keeping
    new parts dropped the oldest kept — the months that never change and are read on every run
    — before the parts of a month's earlier contents, which no question reads again: after a
    few hundred changes each change recomputed unchanged months too."""
    from wkb_tracker.store import answer_cache

    monkeypatch.setattr(answer_cache, "KEPT_PARTS", 3)
    computed: list[str] = []

    def ask(*names: str) -> None:
        def compute(missing: list[str]) -> tuple[dict[str, object], list[str], set[str]]:
            computed.extend(missing)
            return {name: name for name in missing}, [], set()

        found, _warnings = answer_cache.remembered_parts(
            root, {name: f"key-{name}" for name in names}, compute
        )
        assert found == {name: name for name in names}

    ask("january")  # a month that never changes
    ask("june")  # a month's earlier contents
    ask("january", "july")
    ask("january", "august")  # four kept: the one to drop is june's, not january's
    computed.clear()
    ask("january")
    assert computed == []


def test_parts__a_file_with_a_problem_keeps_only_its_own_month_from_being_kept(
    wkb: Invoke,
    filled: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Regression: a part was kept only when computing met no warning at all, so while one file
    in the year had a problem (warned about on every run), every month computed beside it — each
    month changed since — was computed again on every run."""
    root = filled
    write_visit(root, make_visit(date(2026, 3, 4)), mode=["座谈"])  # warned about on every run
    same_as_computed(wkb)
    write_visit(root, make_visit(date(2026, 10, 9), entity="某科技公司", problems=("融资困难",)))
    same_as_computed(wkb)
    computed: list[date] = []
    real = stats.month_counts

    def counted(visits: Any, *args: Any) -> stats.MonthCounts:
        computed.append(args[2])  # the first day counted
        return real(visits, *args)

    monkeypatch.setattr(stats, "month_counts", counted)
    again = wkb(*YEAR)
    assert "data/visits/2026/03/" in again.stderr  # still warned about
    assert computed == [date(2026, 3, 1)]  # only March's part computed again, not October's


def test_stats__reads_the_config_once_and_signs_the_register_once(
    wkb: Invoke, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a miss the entities folder was signed twice (for the answer's key, then again inside
    `load_register`), and `wkb.toml` was read again (with the sealed folder listed) after the
    session had read it."""
    from wkb_tracker.store import config, entity_cache, loader

    assert wkb("entity", "add", "某科技公司", "--district", "东湖").exit_code == 0
    write_visit(root, make_visit(date(2026, 11, 3), entity="某科技公司"))
    calls: list[str] = []

    def counted(name: str, real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(entity_cache, "key", counted("sign", entity_cache.key))
    for module in (config, loader):
        monkeypatch.setattr(module, "read_config", counted("config", module.read_config))
    monkeypatch.setattr(loader, "folder_problems", counted("folder", loader.folder_problems))

    first = wkb("stats", "--month", "2026-11", "--format", "json")  # computed: a miss
    again = wkb("stats", "--month", "2026-11", "--format", "json")  # the answer kept

    assert first.exit_code == 0 and first.stdout == again.stdout
    assert json.loads(first.stdout)["entities"][0]["id"] is not None  # the register was read
    assert calls.count("sign") == 2 and calls.count("config") == 2  # once per run
    assert "folder" not in calls  # no seal is read by `stats`
