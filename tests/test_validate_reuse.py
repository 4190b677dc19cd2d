"""`wkb validate` after a clean run checks only what was added (store/validate_run.py, issue
17.2): its report is the one a run without any reuse (`--no-cache`) gives, after every kind of
change, and the added files alone are checked only when nothing else changed."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import copy_records, make_item, make_visit, write_item, write_visit
from conftest import Invoke
from wkb_tracker.cli import app
from wkb_tracker.store import validate_run

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402

VISIT = ("visit", "add", "--district", "东湖", "--entity", "武汉光谷实验室", "--type", "platform")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gen") / "records"
    generate(root, 120, seed=7, end=date(2026, 10, 31))
    return root


@pytest.fixture
def records(generated: Path, tmp_path: Path) -> Path:
    return copy_records(generated, tmp_path)


@pytest.fixture
def full_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per run that checked every record (the others checked only what was added)."""
    runs: list[int] = []
    real = validate_run._full

    def counted(*args: object) -> validate_run.Verdict:
        runs.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(validate_run, "_full", counted)
    return runs


def validated(root: Path, *options: str) -> tuple[int, str, str]:
    table = CliRunner().invoke(app, ["--root", str(root), *options, "validate"])
    as_json = CliRunner().invoke(app, ["--root", str(root), *options, "validate", "-f", "json"])
    return table.exit_code, table.stdout, as_json.stdout


def same_as_without_reuse(root: Path, full_runs: list[int], *, only_added: bool) -> str:
    """validate twice (the second after the first remembered its clean run) equals --no-cache;
    `only_added`: the first of them checked the added files alone."""
    plain = validated(root, "--no-cache")
    full_runs.clear()
    assert validated(root) == plain
    assert (not full_runs) == only_added, full_runs
    assert validated(root) == plain
    return plain[1]


def add(root: Path, *args: str) -> dict[str, str]:
    result = CliRunner().invoke(app, ["--root", str(root), *VISIT, *args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    view: dict[str, str] = json.loads(result.stdout)
    return view


def test_reuse__added_records_alone_give_the_full_report(
    records: Path, full_runs: list[int]
) -> None:
    assert "未发现问题" in same_as_without_reuse(records, full_runs, only_added=False)
    same_as_without_reuse(records, full_runs, only_added=True)  # nothing added
    add(records, "--date", "2026-11-03")
    same_as_without_reuse(records, full_runs, only_added=True)
    # A visit with a problem opens an item; a second problem-visit without an item is a note.
    add(records, "--date", "2026-11-04", "--problem", "缺场地")
    add(records, "--date", "2026-11-05", "--problem", "缺资金", "--no-rectify")
    out = same_as_without_reuse(records, full_runs, only_added=True)
    assert "提示:走访" in out
    # An item for that visit clears the note; an event file joins an existing item.
    noted = add(records, "--date", "2026-11-06", "--problem", "缺人", "--no-rectify")["id"]
    same_as_without_reuse(records, full_runs, only_added=True)
    opened = CliRunner().invoke(app, ["--root", str(records), "rectify", "add", "--visit", noted,
                                      "--problem", "缺人", "--format", "json"])  # fmt: skip
    assert opened.exit_code == 0, opened.stderr
    item = json.loads(opened.stdout)["id"]
    same_as_without_reuse(records, full_runs, only_added=True)
    progressed = CliRunner().invoke(
        app, ["--root", str(records), "rectify", "progress", item, "--note", "已联系"]
    )
    assert progressed.exit_code == 0, progressed.stderr
    same_as_without_reuse(records, full_runs, only_added=True)
    (records / "data/visits/2026/10/.wkb-x.tmp").write_text("x", "utf-8")  # found every run
    assert "临时文件" in same_as_without_reuse(records, full_runs, only_added=True)


@pytest.mark.parametrize(
    "case",
    ["broken", "unknown-names", "copy", "two-copies-new", "unknown-visit", "future", "entity"],
)
def test_reuse__a_wrong_added_file_is_reported_as_the_full_run_reports_it(
    records: Path, full_runs: list[int], case: str
) -> None:
    same_as_without_reuse(records, full_runs, only_added=False)
    folder = records / "data/visits/2026/11"
    folder.mkdir(parents=True, exist_ok=True)
    only_added = True
    if case == "broken":
        (folder / "2026-11-03_donghu_V20261103-AAAAAA.yaml").write_text("id: [\n", "utf-8")
    elif case == "unknown-names":
        write_visit(records, make_visit(date(2026, 11, 3), district="无此区", leader="无名氏"))
    elif case == "copy":  # an id an earlier record holds: the full run names the copy
        first = sorted((records / "data/visits/2026/10").glob("*.yaml"))[0]
        shutil.copy(first, first.with_name("copy-" + first.name))
        only_added = False
    elif case == "two-copies-new":
        rel = write_visit(records, make_visit(date(2026, 11, 3)))
        shutil.copy(records / rel, folder / ("copy-" + Path(rel).name))
        only_added = False
    elif case == "unknown-visit":
        write_item(records, make_item(date(2026, 11, 4), visit="V20261104-ZZZZZZ"))
    elif case == "future":
        write_visit(records, make_visit(date(2026, 11, 28)))
    else:
        write_visit(records, make_visit(date(2026, 11, 3), entity_id="S20261201-7KQF2M"))
    plain = validated(records, "--no-cache")
    assert plain[0] == 1
    full_runs.clear()
    assert validated(records) == plain
    assert (not full_runs) == only_added
    assert validated(records) == plain  # compared with the last clean run again
    assert (not full_runs) == only_added


@pytest.mark.parametrize("kind", ["visit", "item"])
def test_reuse__ids_added_by_a_partial_run_are_remembered(
    records: Path, full_runs: list[int], kind: str
) -> None:
    """A run that checked only added files remembers their ids with the earlier ones: a copy of
    an added record's id, added later, is a copy (the full run names it)."""
    same_as_without_reuse(records, full_runs, only_added=False)
    if kind == "visit":
        rel = write_visit(records, make_visit(date(2026, 11, 3)))
    else:
        rel = write_item(records, make_item(date(2026, 11, 4)))
    same_as_without_reuse(records, full_runs, only_added=True)
    shutil.copy(records / rel, (records / rel).with_name("copy-" + Path(rel).name))
    plain = validated(records, "--no-cache")
    assert plain[0] == 1
    full_runs.clear()
    assert validated(records) == plain
    assert full_runs


@pytest.mark.parametrize("case", ["edited", "deleted", "policy", "today", "sealed"])
def test_reuse__any_other_change_checks_everything(
    records: Path, full_runs: list[int], monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    same_as_without_reuse(records, full_runs, only_added=False)
    visits = sorted((records / "data/visits/2026/10").glob("*.yaml"))
    if case == "edited":  # same size, a date in another month: misplaced
        text = visits[0].read_text(encoding="utf-8")
        visits[0].write_text(text.replace("date: 2026-10-", "date: 2025-10-", 1), "utf-8")
    elif case == "deleted":  # an item may name the visit that is gone
        for item in sorted((records / "data/rectifications").rglob("R*.yaml")):
            visit_id = item.read_text(encoding="utf-8").partition("visit: ")[2].split("\n")[0]
            if visit_id:
                next((records / "data/visits").rglob(f"*_{visit_id}.yaml")).unlink()
                break
    elif case == "policy":
        table = records / "data/districts.yaml"
        table.write_text(table.read_text(encoding="utf-8").replace("胡军", "胡 军"), "utf-8")
    elif case == "today":  # the clock moved back: October's last visits are in the future
        monkeypatch.setenv("WKB_TODAY", "2026-10-15")
    elif case == "sealed":  # a visit added to a sealed month is checked against its seal
        result = CliRunner().invoke(app, ["--root", str(records), "month", "close", "2026-09"])
        assert result.exit_code == 0, result.stderr
        same_as_without_reuse(records, full_runs, only_added=False)
        write_visit(records, make_visit(date(2026, 9, 30)))
    plain = validated(records, "--no-cache")
    full_runs.clear()
    assert validated(records) == plain
    assert full_runs


def test_validate_reuse__a_new_cache_layout_forgets_the_remembered_parses(
    wkb: Invoke, root: Path
) -> None:
    """Regression: a layout change of the cache (SCHEMA_VERSION: e.g. a visit field added or
    reordered) dropped the record rows but kept validate's remembered parses and verdicts, which
    were then decoded with the new layout."""
    import sqlite3

    from wkb_tracker.store.record_cache import DATABASE, RecordCache

    assert wkb("visit", "add", "--date", "2026-11-03", "--district", "东湖", "--entity", "某企业",
               "--type", "科技企业", "--no-rectify").exit_code == 0  # fmt: skip
    assert wkb("validate").exit_code == 0
    with sqlite3.connect(root / DATABASE) as db:
        assert db.execute("SELECT count(*) FROM checked_folder").fetchone()[0] > 0
        db.execute("UPDATE meta SET value='an older layout' WHERE key='schema'")
    RecordCache(root).close()
    with sqlite3.connect(root / DATABASE) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert not tables & {"checked_folder", "validate_run_meta", "validate_run_folder"}
    assert wkb("validate").exit_code == 0  # and validate builds them again


def test_validate_reuse__leaves_no_decoded_values_behind(wkb: Invoke, root: Path) -> None:
    """Regression: the values shared by the rows of one read (row_codec._texts, _days) were
    emptied only by the cached loader, so every `wkb validate` in a process (its reuse decodes
    remembered rows) left them growing for the life of the process."""
    from wkb_tracker.store import row_codec

    write_item(root, make_item(date(2026, 11, 2)))
    write_visit(root, make_visit(date(2026, 11, 3)))
    for run in range(2):  # the second run decodes the rows the first remembered
        if run:  # another context: every check again, on the remembered parses
            with (root / "wkb.toml").open("a", encoding="utf-8") as config:
                config.write("# 备注\n")
        assert wkb("validate").exit_code in (0, 1)
        assert row_codec._texts == {} and row_codec._days == {}


def test_validators__the_partial_runs_cover_each_one() -> None:
    """validate after new files only runs these checks by hand on the new records: a validator
    added to VALIDATORS fails here until validate_run._check_added runs it too."""
    from wkb_tracker.store.validation import VALIDATORS

    assert [validator.__name__ for validator in VALIDATORS] == [
        "check_visit_rules",  # on the new visits
        "check_visit_places",
        "check_rectification_fields",  # as rectification_field_problems on the new items
        "check_rectification_histories",
        "check_sealed_months",  # as the seal checks of the new items and git history
    ]
