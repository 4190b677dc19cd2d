"""`wkb stats` answers kept in the cache (store/answer_cache.py, issue 14.4): a remembered answer
is exactly the computed one, and any change to what it was computed from — a record added,
edited in place, touched or removed, the policy, the register, today's date, the language, the
code — computes it again."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from builders import make_visit, write_item, write_visit
from conftest import Invoke
from test_stats import fixture_items, fixture_visits
from wkb_tracker.store import answer_cache
from wkb_tracker.store.record_cache import DATABASE

STATS = ("stats", "--month", "2026-11", "--format", "json")


def kept(root: Path) -> int:
    with sqlite3.connect(root / DATABASE) as db:
        return int(db.execute("SELECT count(*) FROM answer").fetchone()[0])


def same_as_computed(wkb: Invoke, *args: str) -> dict:  # type: ignore[type-arg]
    """The answer (asked twice: computed or remembered, then remembered) is what --no-cache
    computes from the files."""
    first = wkb(*STATS, *args)
    again = wkb(*STATS, *args)
    fresh = wkb("--no-cache", *STATS, *args)
    assert first.exit_code == again.exit_code == fresh.exit_code == 0, first.stderr
    assert first.stdout == again.stdout == fresh.stdout
    assert first.stderr == again.stderr == fresh.stderr  # warnings too
    return json.loads(first.stdout)  # type: ignore[no-any-return]


@pytest.fixture
def filled(root: Path) -> Path:
    for visit in fixture_visits():
        write_visit(root, visit)
    for item in fixture_items():
        write_item(root, item)
    return root


def test_answer__remembered_then_recomputed_after_every_kind_of_change(
    wkb: Invoke, filled: Path
) -> None:
    root = filled
    assert same_as_computed(wkb)["totals"]["visits"] == 4
    assert kept(root) == 1

    # a new visit in the period
    rel = write_visit(root, make_visit(date(2026, 11, 20), problems=("融资难",)))
    assert same_as_computed(wkb)["totals"]["visits"] == 5

    # the same file edited in place, same size, its mtime put back: only ctime tells
    path = root / rel
    status = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("融资难", "融资慢"), encoding="utf-8")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    view = same_as_computed(wkb)
    assert any(r["problem"] == "融资慢" for r in view["repeat_problems"])

    # removed again
    path.unlink()
    assert same_as_computed(wkb)["totals"]["visits"] == 4

    # a visit in the repeat window before the period (October) counts for repeats
    write_visit(root, make_visit(date(2026, 10, 25), entity="某研究院", problems=("人才公寓不足",)))
    assert same_as_computed(wkb)["totals"]["repeat_problems"] == 3

    # a register entry: the never-visited list appears
    assert wkb("entity", "add", "某孵化器", "--district", "江岸").exit_code == 0
    assert same_as_computed(wkb)["totals"]["registered_never_visited"] == 1

    # another grouping, another window: other questions
    assert same_as_computed(wkb, "--by", "leader")["by"] == "leader"
    assert same_as_computed(wkb, "--window", "3")["totals"]["repeat_problems"] == 0


def test_answer__policy_and_today_are_part_of_the_question(
    wkb: Invoke, filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = filled
    same_as_computed(wkb)
    districts = root / "data" / "districts.yaml"
    districts.write_text(
        districts.read_text(encoding="utf-8").replace("胡军", "胡 军", 1), encoding="utf-8"
    )
    # the policy changed: never the old answer (the leader's name now differs from the visits')
    same_as_computed(wkb)
    before = kept(root)
    monkeypatch.setenv("WKB_TODAY", "2026-11-26")
    same_as_computed(wkb)
    assert kept(root) == before + 1  # another day, another key


def test_answer__a_broken_file_is_warned_about_on_every_run(wkb: Invoke, filled: Path) -> None:
    root = filled
    broken = root / "data" / "visits" / "2026" / "11" / "V20261101-BROKEN.yaml"
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    first = wkb(*STATS)
    again = wkb(*STATS)
    assert "V20261101-BROKEN.yaml" in first.stderr
    assert again.stderr == first.stderr and again.stdout == first.stdout
    english = wkb("--lang", "en", *STATS)
    assert english.stdout == first.stdout and english.stderr != first.stderr  # its own words


def test_answer__a_damaged_row_is_computed_again(wkb: Invoke, filled: Path) -> None:
    root = filled
    good = wkb(*STATS).stdout
    with sqlite3.connect(root / DATABASE) as db:
        db.execute("UPDATE answer SET value='{not json'")
    assert wkb(*STATS).stdout == good
    with sqlite3.connect(root / DATABASE) as db:
        (value,) = db.execute("SELECT value FROM answer").fetchone()
    assert json.loads(value) == json.loads(good)


def test_answer__other_code_never_reuses_an_answer(
    wkb: Invoke, filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = filled
    wkb(*STATS)
    monkeypatch.setattr(answer_cache, "code_signature", lambda: "another version")
    wkb(*STATS)
    assert kept(root) == 2


def test_answer__only_the_most_recently_used_are_kept(
    wkb: Invoke, filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = filled
    monkeypatch.setattr(answer_cache, "KEPT", 3)
    for window in ("1", "2", "3", "4", "5"):
        assert wkb(*STATS, "--window", window).exit_code == 0
    assert kept(root) == 3


def test_answer__not_kept_without_the_cache(wkb: Invoke, filled: Path) -> None:
    root = filled
    wkb("--no-cache", *STATS)
    assert not (root / DATABASE).exists() or kept(root) == 0


def test_code_signature__changes_when_a_module_changes(tmp_path: Path) -> None:
    package = tmp_path / "wkb_tracker"
    (package / "domain").mkdir(parents=True)
    module = package / "domain" / "stats.py"
    module.write_text("SIMILARITY = 0.6\n", encoding="utf-8")
    before = answer_cache.code_signature(package)
    assert answer_cache.code_signature(package) == before
    module.write_text("SIMILARITY = 0.7\n", encoding="utf-8")
    assert answer_cache.code_signature(package) != before
    assert answer_cache.code_signature() == answer_cache.code_signature()  # wkb's own
    code = answer_cache.code_signature()
    key = answer_cache.answer_key(["q"], ["a"], code)
    assert key is not None and answer_cache.answer_key(["q"], ["b"], code) != key
    assert answer_cache.answer_key(["q"], [None], code) is None  # an input that cannot be signed
    assert answer_cache.answer_key(["q"], ["a"], None) is None  # nor the code


def test_answer__the_policy_is_signed_before_it_is_read(
    wkb: Invoke, filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: the policy's key was taken after the policy was read, so a table changed in
    between (a git pull, `districts assign` in another window) stored the old table's figures
    under the new table's key, served from then on."""
    from wkb_tracker.store import policy_files

    root = filled
    assert wkb("entity", "add", "某孵化器", "--district", "江岸").exit_code == 0  # never visited
    districts = root / "data" / "districts.yaml"
    real_load = policy_files.load_policy

    def load_then_the_table_changes(*args: object, **kwargs: object) -> object:
        policy = real_load(*args, **kwargs)  # type: ignore[arg-type]
        with districts.open("a", encoding="utf-8") as table:  # 江岸区 handed over on the 30th
            table.write(
                "  - district: 江岸区\n    id: jiangan\n    leader: 胡军\n    title: 副局长\n"
                "    department: 项目中心\n    contact: 亓巍\n    from: 2026-11-30\n"
            )
        return policy

    monkeypatch.setattr(policy_files, "load_policy", load_then_the_table_changes)
    first = json.loads(wkb(*STATS).stdout)  # computed with the table as it was read
    monkeypatch.setattr(policy_files, "load_policy", real_load)
    assert [b["leader"] for b in first["never_visited"]] == ["徐涛"]
    view = same_as_computed(wkb)  # the changed table: never the answer computed with the old one
    assert [b["leader"] for b in view["never_visited"]] == ["胡军"]


def test_answer__a_symlinked_register_entry_is_never_remembered(wkb: Invoke, filled: Path) -> None:
    """Regression: the register's key stats links, not their targets, so an edit of a linked
    entry's target left the register (and the figures) stale."""
    root = filled
    assert wkb("entity", "add", "某孵化器", "--district", "江岸", "--tag", "孵化器").exit_code == 0
    (entry,) = (root / "data" / "entities").iterdir()
    target = root / "shared-entry.yaml"
    target.write_bytes(entry.read_bytes())
    entry.unlink()
    entry.symlink_to(Path("..") / ".." / target.name)
    from wkb_tracker.store import entity_cache
    from wkb_tracker.store.root import ENTITIES_DIR

    assert entity_cache.key(root, ENTITIES_DIR) is None
    same_as_computed(wkb, "--by", "tag")
    target.write_text(
        target.read_text(encoding="utf-8").replace("孵化器", "高企培育库"), encoding="utf-8"
    )
    view = same_as_computed(wkb, "--by", "tag")
    assert [e["tags"] for b in view["never_visited"] for e in b["entities"]] == [["高企培育库"]]
    assert kept(root) == 0


def test_answer__not_kept_when_computing_met_a_warning(wkb: Invoke, filled: Path) -> None:
    root = filled
    (root / "data" / "visits" / "2026" / "11" / "V20261101-BROKEN.yaml").write_text(
        "id: [unclosed\n", encoding="utf-8"
    )
    assert wkb(*STATS).exit_code == 0
    assert kept(root) == 0


def test_answer__a_busy_cache_is_left_alone_not_removed(
    filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: with another process writing the cache, keeping an answer (and before it,
    storing a folder) timed out and then deleted the whole cache file."""
    from wkb_tracker.store import record_cache

    root = filled
    monkeypatch.setattr(record_cache, "BUSY_WAIT", 0.05)
    cache = record_cache.RecordCache(root)
    cache.close()
    other = sqlite3.connect(root / DATABASE, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another wkb, mid-write
    try:
        cache = record_cache.RecordCache(root)
        cache.keep_values("answer", {"k": "{}"}, 32)
        assert cache.kept_values("answer", ["k"]) == {}
        cache.close()
        assert (root / DATABASE).exists()
    finally:
        other.execute("ROLLBACK")
        other.close()
    cache = record_cache.RecordCache(root)
    cache.keep_values("answer", {"k": "1"}, 32)
    assert cache.kept_values("answer", ["k"]) == {"k": "1"}
    cache.close()


def test_answer__a_busy_cache_from_before_the_answer_tables_is_kept(
    filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a cache written before the answer tables existed (same layout, its parsed
    records kept) gets them on first open; with another process writing it then, the tables
    could not be added and the whole cache file was deleted under that process."""
    from wkb_tracker.store import record_cache

    root = filled
    cache = record_cache.RecordCache(root)
    assert cache.db is not None
    cache.db.execute("INSERT INTO folder VALUES('visits', 'data/visits/2026/11', 'sig')")
    for table in record_cache.ANSWER_TABLES:
        cache.db.execute(f"DROP TABLE {table}")
    cache.close()
    monkeypatch.setattr(record_cache, "BUSY_WAIT", 0.05)
    other = sqlite3.connect(root / DATABASE, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another wkb, mid-write
    try:
        cache = record_cache.RecordCache(root)
        assert cache.signatures("visits") == {"data/visits/2026/11": "sig"}
        assert cache.kept_values("answer", ["k"]) == {}
        cache.keep_values("answer", {"k": "{}"}, 32)  # not kept, no error
        cache.close()
        assert (root / DATABASE).exists()
    finally:
        other.execute("ROLLBACK")
        other.close()
    cache = record_cache.RecordCache(root)  # not busy: the tables are added now
    assert cache.signatures("visits") == {"data/visits/2026/11": "sig"}
    cache.keep_values("answer", {"k": "1"}, 32)
    assert cache.kept_values("answer", ["k"]) == {"k": "1"}
    cache.close()


def test_code_signature__none_without_modules(tmp_path: Path) -> None:
    assert answer_cache.code_signature(tmp_path) is None


def test_items_only__the_items_of_a_full_load_without_reading_their_events(
    wkb: Invoke, filled: Path
) -> None:
    """`wkb stats` counts items by source and opened date, which no event changes: it loads the
    items alone (`items_only`), with and without the cache alike; an orphan event file is not its
    concern, an unreadable one is still reported."""
    from wkb_tracker.domain.settings import Settings, using
    from wkb_tracker.store.loader import load_rectifications

    root = filled
    item_id = json.loads(wkb("rectify", "list", "--status", "all", "--format", "json").stdout)[0][
        "id"
    ]
    assert (
        wkb("rectify", "progress", item_id, "--note", "已协调", "--date", "2026-11-21").exit_code
        == 0
    )
    assert (
        wkb("rectify", "close", item_id, "--resolution", "已办结", "--date", "2026-11-22").exit_code
        == 0
    )
    folder = next((root / "data" / "rectifications").glob("2026/*/" + item_id + ".yaml")).parent
    (folder / "R20261102-ZZZZZZ.E20261110020000000000-AAAAAA.yaml").write_text(
        "id: E20261110020000000000-AAAAAA\nitem: R20261102-ZZZZZZ\nkind: progress\n"
        "date: 2026-11-10\nby: 测试员\nat: 2026-11-10 10:00:00+08:00\nnote: n\n",
        encoding="utf-8",
    )
    months = [(2026, 10), (2026, 11)]
    answers = []
    for cache in (True, True, False):  # builds the cache, reads it, reads the files
        with using(Settings(cache=cache)):
            full, full_problems, _ = load_rectifications(root, months=months)
            alone, problems, _ = load_rectifications(root, months=months, items_only=True)
        assert [(i.id, i.source, i.opened) for i in alone] == [
            (i.id, i.source, i.opened) for i in full
        ]
        assert all(not item.events for item in alone)  # as their own files hold them
        assert any("R20261102-ZZZZZZ" in str(p) for p in full_problems)
        assert problems == []
        answers.append([(i.id, i.source, i.opened) for i in alone])
    assert answers[0] == answers[1] == answers[2]
    (folder / f"{item_id}.E20261123000000000000-BROKEN.yaml").write_text(
        "kind: [\n", encoding="utf-8"
    )
    for cache in (True, False):
        with using(Settings(cache=cache)):
            _alone, problems, _ = load_rectifications(root, months=months, items_only=True)
        assert any("BROKEN" in str(p) for p in problems)
    same_as_computed(wkb)
