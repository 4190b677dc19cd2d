"""The derived-data cache (.wkb-cache): every answer is the same with and without it, before and
after records change, and a broken cache is rebuilt without a word."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wkb_tracker.cli import app
from wkb_tracker.domain import compliance
from wkb_tracker.report.report_render import report_dict
from wkb_tracker.store.loader import load

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402

from budget import THOROUGH  # noqa: E402
from builders import copy_records  # noqa: E402

QUERIES = [
    ["report", "--month", "2026-10"],
    ["report", "--month", "2026-09", "--explain"],
    ["report", "--quarter", "2026-Q3"],
    ["report", "--year", "2026"],
    ["report", "--from", "2026-08-10", "--to", "2026-10-20", "--as-of", "2026-10-01"],
    ["due"],
    ["due", "--as-of", "2026-10-15"],
    ["rectify", "list", "--status", "open"],
    ["rectify", "list", "--status", "overdue", "--as-of", "2026-10-01"],
    ["rectify", "list", "--status", "due-soon", "--as-of", "2026-09-20"],
    ["rectify", "list", "--status", "closed"],
    ["rectify", "list", "--status", "all", "--as-of", "2026-09-30"],
    ["visit", "list", "--month", "2026-10"],
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gen") / "records"
    # September and October 2026 either way, every kind of item event among them: 1500 visits at
    # the bench's density in the thorough profile; 340 (12 per district-month, seed 1 voids two
    # of them) in the quick one, ~450 files for each uncached read instead of ~1,900.
    if THOROUGH:
        generate(root, 1500, seed=11, end=date(2026, 10, 31))
    else:
        generate(root, 340, seed=1, end=date(2026, 10, 31), per_month=12)
    return root


@pytest.fixture
def records(generated: Path, tmp_path: Path) -> Path:
    return copy_records(generated, tmp_path)


def answers(root: Path, *global_options: str) -> list[str]:
    runner = CliRunner()
    out = []
    for query in QUERIES:
        result = runner.invoke(
            app, ["--root", str(root), *global_options, *query, "--format", "json"]
        )
        assert result.exit_code == 0, (query, result.stderr)
        out.append(result.stdout)
    return out


def test_cache__same_answers_with_and_without_it_before_and_after_changes(records: Path) -> None:
    uncached = answers(records, "--no-cache")
    assert not (records / ".wkb-cache" / "records.sqlite").exists()  # --no-cache writes nothing
    assert answers(records) == uncached  # cold: builds the cache
    assert (records / ".wkb-cache" / "records.sqlite").exists()
    assert answers(records) == uncached  # warm

    runner = CliRunner()
    # A change of each kind: a new visit, a voided one, an item closed, a file edited in place,
    # a file removed.
    added = runner.invoke(
        app,
        [
            "--root",
            str(records),
            "visit",
            "add",
            "--date",
            "2026-10-30",
            "--district",
            "江岸区",
            "--entity",
            "新企业",
            "--type",
            "enterprise",
            "--no-rectify",
            "--format",
            "json",
        ],
    )
    assert added.exit_code == 0, added.stderr
    some_visit = sorted((records / "data/visits/2026/10").glob("*.yaml"))[0]
    voided = runner.invoke(
        app,
        [
            "--root",
            str(records),
            "visit",
            "void",
            some_visit.stem.split("_")[-1],
            "--reason",
            "重复",
        ],
    )
    assert voided.exit_code == 0, voided.stderr
    open_items = json.loads(
        runner.invoke(app, ["--root", str(records), "rectify", "list", "--format", "json"]).stdout
    )
    closed = runner.invoke(
        app,
        [
            "--root",
            str(records),
            "rectify",
            "close",
            open_items[0]["id"],
            "--resolution",
            "已解决",
            "--date",
            "2026-11-20",
        ],
    )
    assert closed.exit_code == 0, closed.stderr
    old_item = sorted((records / "data/rectifications").rglob("*.yaml"))[0]
    text = old_item.read_text(encoding="utf-8")
    with old_item.open("r+", encoding="utf-8") as stream:  # in place, as some editors save
        stream.write(text.replace("problem: ", "problem: 改:", 1))
    sorted((records / "data/visits/2026/09").glob("*.yaml"))[-1].unlink()

    assert answers(records) == answers(records, "--no-cache")


def test_cache__a_corrupt_cache_is_rebuilt_silently(records: Path) -> None:
    expected = answers(records, "--no-cache")
    answers(records)
    (records / ".wkb-cache" / "records.sqlite").write_bytes(b"this is not sqlite" * 100)
    (records / ".wkb-cache" / "policy.json").write_text("{broken", encoding="utf-8")
    assert answers(records) == expected
    assert answers(records) == expected


def test_cache__read_commands_write_nothing_but_the_cache(records: Path) -> None:
    before = {p.relative_to(records): p.read_bytes() for p in records.rglob("*") if p.is_file()}
    answers(records)
    after = {
        p.relative_to(records): p.read_bytes()
        for p in records.rglob("*")
        if p.is_file() and ".wkb-cache" not in p.parts
    }
    assert after == before


@pytest.mark.parametrize(
    ("first", "last", "as_of"),
    [
        (date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 25)),
        (date(2026, 7, 1), date(2026, 9, 30), date(2026, 8, 15)),
        (date(2026, 1, 1), date(2026, 12, 31), date(2026, 11, 25)),
        (date(2026, 9, 1), date(2026, 9, 30), date(2026, 9, 10)),
    ],
)
def test_window__leaves_out_only_items_that_cannot_count(
    generated: Path, first: date, last: date, as_of: date
) -> None:
    period = compliance.make_period(first, last)
    everything = load(generated, months=period.months(), cache=False)
    windowed = load(
        generated, months=period.months(), window=(first, min(as_of, last)), cache=False
    )
    assert len(windowed.rectifications) <= len(everything.rectifications)
    if first.month == 10:
        assert len(windowed.rectifications) < len(
            everything.rectifications
        )  # it does leave some out
    full = report_dict(compliance.compute(everything, period, as_of), explain=True)
    assert report_dict(compliance.compute(windowed, period, as_of), explain=True) == full


def test_cache__event_files_join_their_items_and_move_them_in_and_out_of_the_window(
    records: Path,
) -> None:
    """An event file changes its item's folder: the item is read again with its whole history,
    so an item its own file shows closed before October but an event file reopens is counted by
    the October report (and no longer once that file is removed), cached or not."""
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["--root", str(records), *args])
        assert result.exit_code == 0, result.stderr
        return result.stdout

    def october_open(*options: str) -> set[str]:
        report = json.loads(
            run(*options, "report", "--month", "2026-10", "--explain", "--format", "json")
        )
        groups = [leader["rectification_ids"] for leader in report["leaders"]]
        return {i for ids in [*groups, report["bureau"]["rectification_ids"]] for i in ids["open"]}

    answers(records)  # warm
    closed = json.loads(
        run("rectify", "list", "--status", "closed", "--as-of", "2026-09-30", "--format", "json")
    )
    reopened = {view["id"] for view in closed[:3]}
    assert len(reopened) == 3 and not reopened & october_open()
    before = set((records / "data/rectifications").rglob("*.E*.yaml"))
    for item_id in reopened:
        run("rectify", "reopen", item_id, "--reason", "复发", "--date", "2026-10-05")
    assert reopened <= october_open() == october_open("--no-cache")
    assert answers(records) == answers(records, "--no-cache")
    for event_file in set((records / "data/rectifications").rglob("*.E*.yaml")) - before:
        event_file.unlink()
    assert not reopened & october_open()
    assert answers(records) == answers(records, "--no-cache")
