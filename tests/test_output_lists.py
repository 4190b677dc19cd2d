"""Issue 11.15 and 11.16: long lists stream and stay bounded; narrow terminals keep every figure.

- JSON and CSV rows are written as they are produced (the JSON array byte for byte as before);
  a table longer than TABLE_ROWS shows its first rows and says how many there are and how to
  filter or get them all (`--limit N`, `--all`, `--format csv`).
- At any width (20, 40, 80, 120 columns) every figure and record id of `report` (month, quarter,
  year), `due`, `visit list` and `rectify list` is printed whole: never cut to `…`, never folded.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from builders import make_item, make_visit, write_item, write_visit
from inprocess import Outcome, invoke
from wkb_tracker.cli import common
from wkb_tracker.domain.errors import Problem
from wkb_tracker.report.render import print_csv, print_json_array, to_csv, to_json
from wkb_tracker.store import listing
from wkb_tracker.store.loader import load
from wkb_tracker.store.root import init_root
from wkb_tracker.store.visit_filter import VisitFilter, select
from wkb_tracker.store.visits import visit_view

# (day, district id, leader) — the bundled table: 胡军 has 东湖 and 汉阳, 赵峰 武汉开发区 and 江夏.
VISITS = [
    (date(2026, 9, 3), "donghu", "胡军"),
    (date(2026, 9, 9), "donghu", "胡军"),
    (date(2026, 9, 17), "jiangxia", "赵峰"),
    (date(2026, 10, 8), "hanyang", "胡军"),
    (date(2026, 10, 9), "hanyang", "胡军"),
    (date(2026, 10, 12), "donghu", "胡军"),
    (date(2026, 10, 30), "wuchang", "王振旭"),
    (date(2026, 11, 2), "donghu", "胡军"),
    (date(2026, 11, 3), "donghu", "胡军"),
    (date(2026, 11, 4), "jiangxia", "赵峰"),
    (date(2026, 11, 5), "jiangxia", "赵峰"),
    (date(2026, 11, 6), "hongshan", "盛继亮"),
]
DISTRICTS = {
    "donghu": "东湖高新区",
    "hanyang": "汉阳区",
    "jiangxia": "江夏区",
    "wuchang": "武昌区",
    "hongshan": "洪山区",
}
WIDTHS = ["20", "40", "80", "120"]


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve visits over Sep–Nov 2026 and three open items (overdue, due soon, later)."""
    root = init_root(tmp_path_factory.mktemp("lists") / "records", git=False)
    for day, district_id, leader in VISITS:
        write_visit(
            root,
            make_visit(
                day, district=DISTRICTS[district_id], district_id=district_id, leader=leader
            ),
        )
    write_item(root, make_item(date(2026, 10, 1), deadline=date(2026, 11, 10)))
    write_item(root, make_item(date(2026, 11, 1), deadline=date(2026, 11, 27)))
    write_item(root, make_item(date(2026, 9, 1), deadline=date(2026, 12, 20)))
    return root


def run(root: Path, *args: str) -> Outcome:
    outcome = invoke("--root", str(root), *args)
    assert outcome.exception is None, outcome.exception
    assert outcome.exit_code == 0, outcome.stderr
    return outcome


def listed_ids(text: str, prefix: str) -> list[str]:
    return re.findall(prefix + r"\d{8}-[0-9A-Z]{6}", text)


# -- streaming -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "items",
    [
        [],
        [1],
        [{}],
        [[]],
        ["a\nb", {"k": "line\nbreak", "nested": [1, {"x": None, "y": []}], "中文": "是"}],
        [{"id": f"V{n}", "measures": [n, n + 1]} for n in range(5)],
    ],
)
def test_stream__json_array_is_byte_for_byte_the_old_output(
    items: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="utf-8"))
    print_json_array(iter(items))
    assert raw.getvalue() == (to_json(items) + "\n").encode("utf-8")


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_stream__rows_are_written_as_they_are_produced(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long before the last row is produced, the first ones are already on stdout."""
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="utf-8"))
    seen_while_producing: list[int] = []
    rows = [[f"V{n:08d}", "东湖高新区", n] for n in range(3000)]

    def produce() -> Iterator[list[Any]]:
        for number, row in enumerate(rows):
            if number == 2000:
                seen_while_producing.append(len(raw.getvalue()))
            yield row

    if kind == "json":
        print_json_array(produce())
        assert raw.getvalue() == (to_json(rows) + "\n").encode()
    else:
        print_csv(["id", "district", "n"], produce())
        assert raw.getvalue() == to_csv(["id", "district", "n"], rows).encode()
    assert seen_while_producing[0] > 20_000


def test_stream__visit_list_json_unchanged(records: Path) -> None:
    data = load(records, rectifications=False)
    views = [
        {**visit_view(v), "entity_current": None}  # no register here (issue 14.2)
        for v in select(data.visits, VisitFilter())
    ]
    expected = to_json(views) + "\n"
    assert run(records, "visit", "list", "--format", "json").stdout == expected
    assert len(json.loads(expected)) == len(VISITS)


@pytest.mark.parametrize(
    ("command", "prefix", "total"),
    [
        (["visit", "list"], "V", len(VISITS)),
        (["rectify", "list", "--status", "all"], "R", 3),
    ],
    ids=["visit", "rectify"],
)
def test_stream__long_table_shows_first_rows_and_says_how_many(
    records: Path,
    command: list[str],
    prefix: str,
    total: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(common, "TABLE_ROWS", 2)
    everything = listed_ids(run(records, *command, "--all").stdout, prefix)
    assert len(everything) == total
    cut = run(records, *command)
    assert listed_ids(cut.stdout, prefix) == everything[:2]
    assert f"仅显示前 2 条,共 {total} 条" in cut.stdout
    assert "--all" in cut.stdout and "--format csv" in cut.stdout
    english = run(records, "--lang", "en", *command)
    assert f"showing the first 2 of {total} rows" in english.stdout
    assert listed_ids(run(records, *command, "--limit", "1").stdout, prefix) == everything[:1]
    # JSON and CSV are never cut by the table bound, only by an explicit --limit.
    assert len(json.loads(run(records, *command, "--format", "json").stdout)) == total
    csv_rows = run(records, *command, "--format", "csv").stdout.strip().split("\n")
    assert len(csv_rows) == total + 1
    limited = json.loads(run(records, *command, "--format", "json", "--limit", "1").stdout)
    assert [view["id"] for view in limited] == everything[:1]


@pytest.mark.parametrize("limit", ["0", "-3"])
@pytest.mark.parametrize("command", [["visit", "list"], ["rectify", "list"]], ids=" ".join)
def test_stream__limit_must_be_positive(records: Path, command: list[str], limit: str) -> None:
    outcome = invoke("--root", str(records), *command, "--limit", limit)
    assert outcome.exit_code == 2
    assert "--limit" in outcome.stderr and "Traceback" not in outcome.stderr


# -- narrow terminals ------------------------------------------------------------------------


def _figures(report: dict[str, Any]) -> Counter[str]:
    """Every figure a person reads in the report's table: per month contacts/required, per
    district and leader the totals, the months met; each as many times as it must appear."""
    wanted: Counter[str] = Counter()
    months = {m["month"] for ld in report["leaders"] for d in ld["districts"] for m in d["months"]}
    for leader in report["leaders"]:
        wanted[leader["leader"]] += 1
        for district in leader["districts"]:
            wanted[district["district"]] += 1
            for month in district["months"]:
                wanted[f"{month['contacts']}/{month['required']}"] += 1
            if len(months) > 1:
                wanted[f"{district['contacts']}/{district['required']}"] += 1
        if len(months) > 1:
            assessment = leader["assessment"]
            wanted[f"{assessment['months_met']}/{assessment['months_assessed']}"] += 1
    return wanted


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "period",
    [["--month", "2026-11"], ["--month", "2026-10"], ["--quarter", "2026-Q4"], ["--year", "2026"]],
    ids=" ".join,
)
def test_narrow__report_keeps_every_figure(
    records: Path, period: list[str], width: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = json.loads(run(records, "report", *period, "--format", "json").stdout)
    monkeypatch.setenv("COLUMNS", width)
    shown = run(records, "report", *period).stdout
    assert "…" not in shown
    for figure, times in _figures(report).items():
        assert shown.count(figure) >= times, (figure, times, shown)


@pytest.mark.parametrize("width", WIDTHS)
def test_narrow__due_keeps_every_figure_and_id(
    records: Path, width: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    due = json.loads(run(records, "due", "--format", "json").stdout)
    assert due["districts"] and due["rectifications"]
    monkeypatch.setenv("COLUMNS", width)
    shown = run(records, "due").stdout
    assert "…" not in shown
    for row in due["districts"]:
        assert f"{row['district']}" in shown
        assert str(row["missing"]) in shown
    for item in due["rectifications"]:
        assert item["id"] in shown and item["deadline"] in shown


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    ("command", "fields"),
    [
        (["visit", "list"], ("id", "date")),
        (["rectify", "list", "--status", "all"], ("id", "opened", "deadline")),
    ],
    ids=["visit list", "rectify list"],
)
def test_narrow__lists_keep_every_id_and_date(
    records: Path,
    command: list[str],
    fields: tuple[str, ...],
    width: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    views = json.loads(run(records, *command, "--format", "json").stdout)
    monkeypatch.setenv("COLUMNS", width)
    shown = run(records, *command).stdout
    assert "…" not in shown
    for view in views:
        for field in fields:
            assert view[field] in shown, (field, view[field])


def test_stream__a_problem_of_every_month_is_warned_once(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each month folder is read with the config and policy: their problems come back with every
    month, and are passed on once."""
    for day in (date(2026, 9, 3), date(2026, 10, 3), date(2026, 11, 3)):
        write_visit(root, make_visit(day))
    real_load = listing.load

    def load_with_a_policy_problem(*args: Any, **kwargs: Any) -> Any:
        data = real_load(*args, **kwargs)
        data.problems.append(Problem("data/measures.yaml", 1, "x"))
        return data

    monkeypatch.setattr(listing, "load", load_with_a_policy_problem)
    seen: list[Problem] = []
    visits = list(listing.stream_visits(root, VisitFilter(), seen.append))
    assert [visit.date.month for visit in visits] == [9, 10, 11]
    assert seen == [Problem("data/measures.yaml", 1, "x")]


_FLAT_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.dates(),
)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.dictionaries(st.text(), _FLAT_VALUES, max_size=6), max_size=4))
def test_stream__flat_items_use_the_c_encoder_with_the_same_bytes(
    items: list[dict[str, Any]],
) -> None:
    """Flat mappings (every list view) are encoded by json's C encoder, not the pure-Python one
    `indent=2` forces; the array is byte for byte what `json.dumps(indent=2)` gives."""
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8")
    saved, sys.stdout = sys.stdout, stream
    try:
        print_json_array(iter(items))
    finally:
        sys.stdout = saved
    stream.flush()
    from wkb_tracker.report.render import _default

    indented = json.dumps(items, ensure_ascii=False, indent=2, default=_default)
    assert to_json(items) == indented
    assert raw.getvalue() == (indented + "\n").encode("utf-8")
