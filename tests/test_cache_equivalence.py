"""The cache and the reuse give the same answers as reading every file: cached, uncached and
reused answers compared before and after edits, renames, deletions, a `git checkout` of another
branch, a clock moved backwards, and for a past day's knowledge (`--known-on`)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from wkb_tracker.cli import app

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402

from budget import THOROUGH  # noqa: E402
from builders import copy_records  # noqa: E402
from gitrepo import git  # noqa: E402

QUERIES = [
    ["report", "--month", "2026-10", "--explain"],
    ["report", "--month", "2026-11", "--known-on", "2026-11-24", "--explain"],
    ["report", "--year", "2026", "--known-on", "2026-11-24"],
    ["due", "--known-on", "2026-11-24"],
    ["rectify", "list", "--known-on", "2026-11-24"],
    ["rectify", "list", "--status", "all"],
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gen") / "records"
    # October 2026: 400 visits at the bench's density in the thorough profile, 160 (12 per
    # district-month) in the quick one.
    if THOROUGH:
        generate(root, 400, seed=5, end=date(2026, 10, 31))
    else:
        generate(root, 160, seed=5, end=date(2026, 10, 31), per_month=12)
    return root


@pytest.fixture
def records(generated: Path, tmp_path: Path) -> Path:
    return copy_records(generated, tmp_path)


def run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--root", str(root), *args])
    assert result.exit_code == 0, (args, result.stderr)
    return result.stdout


def answers(root: Path, *options: str) -> list[str]:
    return [run(root, *options, *query, "--format", "json") for query in QUERIES]


def same_everywhere(root: Path) -> list[str]:
    """Uncached, then cached twice (the second reuses what the first stored): all equal."""
    uncached = answers(root, "--no-cache")
    assert answers(root) == uncached
    assert answers(root) == uncached
    return uncached


def open_ids(report: dict[str, object]) -> set[str]:
    groups = [leader["rectification_ids"] for leader in report["leaders"]]  # type: ignore[attr-defined]
    bureau = report["bureau"]["rectification_ids"]  # type: ignore[index]
    return {i for ids in [*groups, bureau] for i in ids["open"]}


def test_known_on__an_item_closed_after_that_day_counts_as_open_then(records: Path) -> None:
    """Regression: a report whose knowledge day is before the wall clock's day left the cache's
    "settled before the period" window out altogether (slow), and without that fallback an item
    closed in October but recorded closed on 11-25 would be missed as known on 11-24."""
    same_everywhere(records)
    open_then = json.loads(
        run(records, "rectify", "list", "--as-of", "2026-10-31", "--format", "json")
    )
    item = open_then[0]["id"]
    run(records, "rectify", "close", item, "--resolution", "已整改", "--date", "2026-10-20")
    same_everywhere(records)

    def november_open(*options: str) -> set[str]:
        report = json.loads(
            run(records, *options, "report", "--month", "2026-11", "--known-on", "2026-11-24",
                "--explain", "--format", "json")
        )  # fmt: skip
        return open_ids(report)

    assert item in november_open() == november_open("--no-cache")
    now = run(records, "report", "--month", "2026-11", "--explain", "--format", "json")
    assert item not in open_ids(json.loads(now))
    listed = json.loads(
        run(records, "rectify", "list", "--known-on", "2026-11-24", "--format", "json")
    )
    assert item in {view["id"] for view in listed}


def test_cache__renames_deletions_and_a_clock_moved_backwards(records: Path) -> None:
    same_everywhere(records)
    items = sorted((records / "data/rectifications").rglob("*.yaml"))
    visits = sorted((records / "data/visits/2026/10").glob("*.yaml"))
    # a rename within its folder (still a valid record name? no: reported, in every reading)
    visits[0].rename(visits[0].with_name("x" + visits[0].name))
    items[1].unlink()
    same_everywhere(records)
    # An edit of the same size whose times are put back (cp -p, touch -r) and a clock moved back:
    # the file's ctime still changes, and so does the answer.
    target = items[2]
    status = target.stat()
    text = target.read_text(encoding="utf-8")
    changed = text.replace("problem: ", "problem: 改", 1)[: len(text)]
    with target.open("r+", encoding="utf-8") as stream:
        stream.write(changed)
    os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns))
    os.utime(target.parent, ns=(status.st_atime_ns, target.parent.stat().st_mtime_ns - 10**12))
    same_everywhere(records)


def test_cache__git_checkout_of_another_branch(records: Path) -> None:
    git(records, "init", "-q", "-b", "main")
    git(records, "add", "-A")
    git(records, "commit", "-q", "-m", "data")
    before = same_everywhere(records)
    git(records, "checkout", "-q", "-b", "other")
    open_items = json.loads(run(records, "rectify", "list", "--format", "json"))
    for view in open_items[:3]:
        run(records, "rectify", "close", view["id"], "--resolution", "已整改", "--no-commit")
    sorted((records / "data/visits/2026/10").glob("*.yaml"))[0].unlink()
    git(records, "add", "-A")
    git(records, "commit", "-q", "-m", "closed")
    after = same_everywhere(records)
    assert after != before
    git(records, "checkout", "-q", "main")
    assert same_everywhere(records) == before
    git(records, "checkout", "-q", "other")
    assert same_everywhere(records) == after


def test_known_on__a_past_day_still_leaves_out_items_settled_before_the_period(
    generated: Path,
) -> None:
    """Regression (speed): with a knowledge day before the wall clock's day every item was read,
    settled or not (the whole history at every report)."""
    from wkb_tracker.store.loader import load

    window = (date(2026, 11, 1), date(2026, 11, 24))
    for cache in (False, True, True):
        windowed = load(generated, months=[(2026, 11)], window=window, known_on=date(2026, 11, 24),
                        cache=cache)  # fmt: skip
        everything = load(generated, months=[(2026, 11)], known_on=date(2026, 11, 24), cache=cache)
        assert 0 < len(windowed.rectifications) < len(everything.rectifications)


def validated(root: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--root", str(root), *options, "validate"])
    return result.exit_code, result.stdout


def test_validate__reused_parses_give_the_same_report_before_and_after_changes(
    records: Path,
) -> None:
    """validate reads every byte and reuses only the parse of bytes it parsed before: its report
    is the same with reuse (cold, then warm) and without (--no-cache), after every kind of
    change — an edit in place keeping size and times, a broken file, a copy, a rename, a
    removal — and a broken file is reported on every run, never remembered."""
    plain = validated(records, "--no-cache")
    assert plain[0] == 0
    assert validated(records) == plain  # cold: remembers
    assert validated(records) == plain  # warm: reuses
    items = sorted((records / "data/rectifications").rglob("R*.yaml"))
    visits = sorted((records / "data/visits/2026/10").glob("*.yaml"))
    target = visits[0]
    status = target.stat()
    text = target.read_text(encoding="utf-8")
    with target.open("r+", encoding="utf-8") as stream:  # same size, in place, times put back
        stream.write(text.replace("date: 2026-10-", "date: 2025-10-", 1))
    os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns))
    (items[0]).write_text("id: [unclosed\n", encoding="utf-8")
    shutil.copy(visits[1], visits[1].with_name("copy-" + visits[1].name))  # a second copy
    visits[2].rename(visits[2].with_name(visits[2].name.replace("_V", "_x_V")))
    items[1].unlink()
    changed = validated(records, "--no-cache")
    assert changed[0] == 1 and changed != plain
    assert "2025" in changed[1] and "unclosed" not in changed[1]
    assert validated(records) == changed
    assert validated(records) == changed
    target.write_text(text, encoding="utf-8")  # the first bytes again: reused, and right
    assert validated(records) == validated(records, "--no-cache")


def spread_items(records: Path) -> list[Path]:
    """Copies of some October items as items opened a month earlier (the generated data has one
    month), so that readers going folder by folder meet several folders."""
    october = records / "data" / "rectifications" / "2026" / "10"
    september = october.parent / "09"
    september.mkdir()
    for item in sorted(october.glob("R*.yaml"))[:40:2]:
        text = item.read_text(encoding="utf-8")
        if ".E" not in item.name and "opened: 2026-10-" in text:
            text = text.replace("opened: 2026-10-", "opened: 2026-09-").replace(
                "R202610", "R202609"
            )
            (september / item.name.replace("R202610", "R202609")).write_text(text, encoding="utf-8")
    return [september, october]


def test_cache__a_cold_run_parsing_in_small_batches_gives_the_same_answers(
    records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold run parses changed files a batch of folders at a time (record_cache.PARSE_BATCH):
    the answers are those of reading every file, cold and then warm."""
    from wkb_tracker.store import record_cache

    spread_items(records)
    monkeypatch.setattr(record_cache, "PARSE_BATCH", 5)
    uncached = answers(records, "--no-cache")
    assert answers(records) == uncached
    assert answers(records) == uncached


def test_rectify_list_json__folder_by_folder_equals_all_items_at_once(records: Path) -> None:
    """`rectify list --format json` reads one month folder at a time (store/item_batches.py):
    the same bytes as the views of every item loaded at once, and the same warnings, also with a
    broken file, a copied item and an event file without its item in the tree."""
    from wkb_tracker.domain.knowledge import items_known_on
    from wkb_tracker.report.render import to_json
    from wkb_tracker.store.policy_files import checked_policy
    from wkb_tracker.store.rectification_store import load_items, select

    october = records / "data" / "rectifications" / "2026" / "10"
    september = october.parent / "09"
    september.mkdir()
    for item in sorted(october.glob("R*.yaml"))[:40:2]:  # items opened a month earlier
        text = item.read_text(encoding="utf-8")
        if ".E" not in item.name and "opened: 2026-10-" in text:
            text = text.replace("opened: 2026-10-", "opened: 2026-09-").replace(
                "R202610", "R202609"
            )
            (september / item.name.replace("R202610", "R202609")).write_text(text, encoding="utf-8")
    folders = [september, october]
    first = sorted(folders[0].glob("R*.yaml"))[0]
    shutil.copy(first, first.with_name("copy-of-an-item.yaml"))
    (folders[1] / "R20990101-BROKEN.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    orphan = folders[-1] / "R20261001-NOITEM.E20261002000000000000-NOITEM.yaml"
    orphan.write_text("kind: progress\n", encoding="utf-8")
    as_of, known = date(2026, 11, 25), date(2026, 11, 24)
    for status, open_only in (("all", False), ("open", True), ("closed", False)):
        for options in ([], ["--no-cache"], []):
            result = CliRunner().invoke(
                app,
                ["--root", str(records), *options, "rectify", "list", "--status", status,
                 "--as-of", "2026-11-25", "--known-on", "2026-11-24", "--format", "json"],
            )  # fmt: skip
            assert result.exit_code == 0, result.stderr
            items, problems = load_items(records, as_of=as_of, open_only=open_only, known_on=known)
            views = select(
                items_known_on(items, known),
                checked_policy(records),
                as_of=as_of,
                due_soon_days=7,
                status=status,
            )
            assert result.stdout == to_json(views) + "\n"
            assert sorted(result.stderr.splitlines()) == sorted(
                f"警告:已跳过有问题的文件 {problem}" for problem in problems
            )
            assert len(problems) >= 3
    target = records.parent / "items.json"
    for _round in range(2):  # written, then replaced
        result = CliRunner().invoke(
            app,
            ["--root", str(records), "rectify", "list", "--status", "closed", "--as-of",
             "2026-11-25", "--known-on", "2026-11-24", "--format", "json", "-o", str(target)],
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        written = target.read_bytes()
        assert written == (to_json(views) + "\n").encode()
        assert f"{len(written)} 字节" in result.stdout


def full_answers(root: Path, *options: str) -> list[tuple[str, str]]:
    """(stdout, stderr) of every query: the warnings must agree too."""
    found = []
    for query in QUERIES:
        result = CliRunner().invoke(
            app, ["--root", str(root), *options, *query, "--format", "json"]
        )
        assert result.exit_code == 0, (query, result.stderr)
        found.append((result.stdout, result.stderr))
    return found


def test_cache__a_first_run_split_between_two_processes_gives_the_same_answers(
    records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """17.4: a first run's forked child sends its records back as cache rows (not pickled
    objects) and the parent decodes them: the answers and warnings — a broken file, a copied
    item, an event file without its item — are those of one process reading every file, cold,
    warm, and after one folder changed."""
    from wkb_tracker.store import loader, settings

    if sys.platform != "linux":
        pytest.skip("wkb forks on Linux only")
    folders = spread_items(records)
    first = sorted(folders[0].glob("R*.yaml"))[0]
    shutil.copy(first, first.with_name("copy-of-an-item.yaml"))
    (folders[1] / "R20990101-BROKEN.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    orphan = folders[1] / "R20261001-NOITEM.E20261002000000000000-NOITEM.yaml"
    orphan.write_text("kind: progress\n", encoding="utf-8")
    monkeypatch.setattr(settings, "can_fork_helpers", lambda: False)
    alone = full_answers(records, "--no-cache")
    assert all("BROKEN" in stderr for _stdout, stderr in alone[:2])
    monkeypatch.setattr(settings, "can_fork_helpers", lambda: True)
    monkeypatch.setattr(loader, "PARALLEL_FROM", 2)
    assert full_answers(records, "--no-cache") == alone
    assert full_answers(records) == alone  # first run: builds the cache in two processes
    assert full_answers(records) == alone  # warm
    item = next(path for path in sorted(folders[1].glob("R*.yaml")) if ".E" not in path.name)
    item.unlink()
    changed = full_answers(records, "--no-cache")
    assert changed != alone
    assert full_answers(records) == changed
    # Both folders stale (an edit in place each, its times put back): the child re-reads
    # its folder's changed file and decodes the cached rows of the others.
    for folder in folders:
        target = next(p for p in sorted(folder.glob("R*.yaml")) if "problem: " in p.read_text())
        status = target.stat()
        text = target.read_text(encoding="utf-8")
        with target.open("r+", encoding="utf-8") as stream:
            stream.write(text.replace("problem: ", "problem: 改", 1)[: len(text)])
        os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns))
    edited = full_answers(records, "--no-cache")
    assert edited != changed
    assert full_answers(records) == edited
    assert full_answers(records) == edited


def test_cache__a_read_split_between_two_processes_lets_go_of_the_values_its_rows_shared(
    records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """17.4: the rows a forked child sends back share their repeated texts and dates while they
    are decoded (store/row_codec.py); the tables are emptied once they are, as after every
    other read of rows, instead of being held for the life of the process."""
    from wkb_tracker.store import loader, row_codec, settings

    if sys.platform != "linux":
        pytest.skip("wkb forks on Linux only")
    monkeypatch.setattr(settings, "can_fork_helpers", lambda: True)
    monkeypatch.setattr(loader, "PARALLEL_FROM", 2)
    row_codec.forget_shared_values()
    items, _problems, _temps = loader.load_rectifications(records, cache=False)
    assert items
    assert row_codec._texts == {}
    assert row_codec._days == {}


# Copies of an item file in another month folder, their opened date changed to match it: what
# a windowed read through the cache must weigh as a file-by-file read does (the tests below).
CLOSED_IN_JUNE = (
    "events:\n- kind: close\n  date: 2026-06-01\n  by: 彭华魁\n"
    "  at: 2026-06-01 10:00:00+08:00\n  resolution: 已解决\n"
)


def _three_reads(root: Path, *query: str) -> list[tuple[int, str, str]]:
    """(exit code, stdout, stderr) read file by file, then through a cold and a warm cache."""
    outputs = []
    for options in (["--no-cache"], [], []):
        result = CliRunner().invoke(app, ["--root", str(root), *options, *query])
        outputs.append((result.exit_code, result.stdout, result.stderr))
    return outputs


def _new_root(tmp_path: Path) -> Path:
    root = tmp_path / "records"
    assert CliRunner().invoke(app, ["init", str(root)]).exit_code == 0
    return root


def _item_file(root: Path, opened: date, *, closed: bool = False) -> Path:
    """An item's file (closed on 2026-06-01 by an event in it, with `closed`)."""
    from builders import make_item, write_item

    path = root / write_item(root, make_item(opened))
    if closed:
        text = path.read_text(encoding="utf-8").replace("events: []\n", CLOSED_IN_JUNE)
        path.write_text(text, encoding="utf-8")
    return path


def _copy(item: Path, folder: Path, opened: date, *, events: str | None = None) -> Path:
    """A copy of `item`'s file in `folder`, opened on `opened` (its events `events`, when given:
    `CLOSED_IN_JUNE` or none)."""
    text = item.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("opened: "))
    text = text.replace(old, f"opened: {opened.isoformat()}")
    if events is not None:
        text = text.replace(CLOSED_IN_JUNE, "").replace("events: []\n", "") + events
    folder.mkdir(parents=True, exist_ok=True)
    (folder / item.name).write_text(text, encoding="utf-8")
    return folder / item.name


def _month(root: Path, year: int, month: int) -> Path:
    return root / "data" / "rectifications" / f"{year:04d}" / f"{month:02d}"


def test_cache__a_copy_outside_the_window_still_decides_which_copy_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (review of stop 22): an item closed in June kept in 2026/05, and a copy of its
    file in 2026/10 with its opened date changed and no events. Read file by file, the copy is
    reported and not counted; through the cache, a windowed reader (rectify list, a report) saw
    only the October file — the May one is settled before the window — and listed it as open.
    Copies wholly outside the window were warned about only without the cache too."""
    monkeypatch.setenv("WKB_TODAY", "2026-11-25")
    root = _new_root(tmp_path)
    may = _item_file(root, date(2026, 5, 10), closed=True)
    october = _copy(may, _month(root, 2026, 10), date(2026, 10, 2), events="events: []\n")
    # wholly outside the window of an October report: a closed March item copied to April
    march = _item_file(root, date(2026, 3, 3), closed=True)
    april = _copy(march, _month(root, 2026, 4), date(2026, 4, 3))
    for query, warned in (
        (["rectify", "list"], True),
        (["report", "--month", "2026-10", "--format", "json"], True),
        # read month folder by month folder (item_batches): neither copy is seen by the other
        (["rectify", "list", "--status", "all", "--format", "json"], False),
    ):
        outputs = _three_reads(root, *query)
        assert outputs[0] == outputs[1] == outputs[2], query
        # both copies are warned about, the one outside the window too
        assert (october.name in outputs[0][2] and april.name in outputs[0][2]) == warned, query


def test_cache__a_removed_month_folder_holds_no_copy_that_hides_an_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (review of 84bfaea): an open item in 2026/10 and a closed copy of its file in
    2026/04 (opened date changed). Once the April folder was removed, its rows stayed in the
    cache's table and the warm cache still weighed them as a copy outside the window: the April
    ghost counted and the overdue October item vanished from `rectify list` and the reports."""
    monkeypatch.setenv("WKB_TODAY", "2026-11-25")
    root = _new_root(tmp_path)
    october = _item_file(root, date(2026, 10, 10))
    april = _copy(october, _month(root, 2026, 4), date(2026, 4, 2), events=CLOSED_IN_JUNE)
    query = ("rectify", "list", "--format", "json")
    before = _three_reads(root, *query)
    assert before[0] == before[1] == before[2]
    assert json.loads(before[0][1]) == []  # the April copy counts (first by path), closed
    shutil.rmtree(april.parent)
    after = _three_reads(root, *query)
    assert after[0] == after[1] == after[2]
    assert [item["id"] for item in json.loads(after[0][1])] == [october.stem]
    assert after[0][2] == ""


def test_cache__a_copy_made_while_the_cache_is_busy_is_still_weighed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (review of 84bfaea): with the cache busy (another wkb writing) or read-only,
    the rows of a changed folder are not stored, and the copies were looked for among the old
    rows: a copy of a closed May item added in 2026/10 was listed as open, and not warned about,
    until the cache could be written again."""
    import sqlite3

    from wkb_tracker.store import record_cache

    monkeypatch.setenv("WKB_TODAY", "2026-11-25")
    monkeypatch.setattr(record_cache, "BUSY_WAIT", 0.05)
    root = _new_root(tmp_path)
    may = _item_file(root, date(2026, 5, 10), closed=True)
    _item_file(root, date(2026, 10, 3))
    query = ("rectify", "list", "--format", "json")
    before = _three_reads(root, *query)
    assert before[0] == before[1] == before[2]
    copy = _copy(may, _month(root, 2026, 10), date(2026, 10, 2), events="events: []\n")
    writer = sqlite3.connect(root / record_cache.DATABASE, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another wkb writing the cache
        busy = _three_reads(root, *query)
    finally:
        writer.close()
    assert busy[0] == busy[1] == busy[2]
    assert len(json.loads(busy[0][1])) == 1
    assert copy.name in busy[0][2]


def test_cache__the_event_files_of_an_uncounted_copy_outside_the_window_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (review of 84bfaea): an open May item and a copy of its file in 2026/06
    (opened date changed) closed by an event file beside it. The May file counts; read file by
    file, the June event file joins no item and is reported. Through the cache the June folder
    lies wholly before an October window: the copy was weighed, its event file never seen."""
    monkeypatch.setenv("WKB_TODAY", "2026-11-25")
    root = _new_root(tmp_path)
    may = _item_file(root, date(2026, 5, 10))
    june = _copy(may, _month(root, 2026, 6), date(2026, 6, 2))
    item_id = may.stem
    event_id = "E20260620020000000000-AAAAAA"
    event = june.parent / f"{item_id}.{event_id}.yaml"
    event.write_text(
        f"id: {event_id}\nitem: {item_id}\nkind: close\ndate: 2026-06-20\nby: 彭华魁\n"
        "at: 2026-06-20 10:00:00+08:00\nresolution: 已解决\n",
        encoding="utf-8",
    )
    for query in (
        ("rectify", "list", "--format", "json"),
        ("report", "--month", "2026-10", "--format", "json"),
        ("due",),
    ):
        outputs = _three_reads(root, *query)
        assert outputs[0] == outputs[1] == outputs[2], query
        assert event.name in outputs[0][2] and june.name in outputs[0][2], query


def test_cache__refused_events_are_warned_about_in_path_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (review of 84bfaea): two items in 2026/03 and 2026/06, each closed twice by
    event files (two clones). The record cache hands back a folder it parsed again before those
    it held: after the June folder changed, its refused events were warned about before March's
    with the cache, after them without."""
    from builders import make_item, write_item

    monkeypatch.setenv("WKB_TODAY", "2026-11-25")
    root = _new_root(tmp_path)
    for opened in (date(2026, 3, 10), date(2026, 6, 10)):
        item = make_item(opened)
        folder = (root / write_item(root, item)).parent
        for day in (20, 21):
            event_id = f"E{opened:%Y%m}{day}020000000000-AAAAAA"
            (folder / f"{item.id}.{event_id}.yaml").write_text(
                f"id: {event_id}\nitem: {item.id}\nkind: close\n"
                f"date: {opened:%Y-%m}-{day}\nby: 彭华魁\n"
                f"at: {opened:%Y-%m}-{day} 10:00:00+08:00\nresolution: 已解决\n",
                encoding="utf-8",
            )
    query = ("report", "--year", "2026")
    before = _three_reads(root, *query)
    assert before[0] == before[1] == before[2]
    write_item(root, make_item(date(2026, 6, 11)))  # the June folder changes
    after = _three_reads(root, *query)
    assert after[0] == after[1] == after[2]
    assert after[0][2].index("/2026/03/") < after[0][2].index("/2026/06/")


def test_cache__copies_found_while_another_wkb_stores_a_copy_are_not_remembered_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (review of 84bfaea): one wkb looked for the copies among the cached rows, then
    another stored a folder holding a new copy (forgetting the remembered list) before the first
    remembered what it had found: the list without the copy was kept, and every later windowed
    read listed the copy of a closed item as open."""
    from wkb_tracker.store.record_cache import RecordCache

    monkeypatch.setenv("WKB_TODAY", "2026-11-25")
    root = _new_root(tmp_path)
    may = _item_file(root, date(2026, 5, 10), closed=True)
    _item_file(root, date(2026, 10, 3))
    query = ("rectify", "list", "--format", "json")
    assert len(set(_three_reads(root, *query))) == 1
    slow = RecordCache(root)
    assert slow.db is not None
    slow.db.execute("DELETE FROM meta WHERE key='copied-items'")  # as after a folder changed
    write = slow._in_transaction

    def another_wkb_first(step: Any) -> bool:  # between looking and remembering
        _copy(may, _month(root, 2026, 10), date(2026, 10, 2), events="events: []\n")
        assert CliRunner().invoke(app, ["--root", str(root), *query]).exit_code == 0
        return write(step)

    monkeypatch.setattr(slow, "_in_transaction", another_wkb_first)
    try:
        slow.copied_items()
    finally:
        slow.close()
    outputs = _three_reads(root, *query)
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(json.loads(outputs[0][1])) == 1


def test_cache__a_copy_in_a_folder_read_the_slow_way_is_weighed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (review of 84bfaea): a copy of a closed May item put in 2026/10 beside a
    subfolder. That folder is read file by file, its rows never cached, so the copies looked for
    among the cached rows missed it: the copy was listed as open with the cache."""
    monkeypatch.setenv("WKB_TODAY", "2026-11-25")
    root = _new_root(tmp_path)
    may = _item_file(root, date(2026, 5, 10), closed=True)
    october = _item_file(root, date(2026, 10, 3)).parent
    query = ("rectify", "list", "--format", "json")
    assert len(set(_three_reads(root, *query))) == 1
    (october / "attachments").mkdir()
    _copy(may, october, date(2026, 10, 2), events="events: []\n")
    outputs = _three_reads(root, *query)
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(json.loads(outputs[0][1])) == 1
