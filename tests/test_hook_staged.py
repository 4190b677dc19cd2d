"""The pre-commit check of what a commit stages (`wkb validate --staged`, store/staged.py): the
problems it reports for the staged files are exactly those `wkb validate` reports for them, and a
change it cannot vouch for per file runs the full validate."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from builders import make_item, make_visit, write_item, write_visit
from gitrepo import from_template, git, init, ok, wkb
from wkb_tracker.store.staged import staged_changes


def _records(folder: Path) -> None:
    root = folder / "records"
    assert init(root).exit_code == 0
    git(root, "config", "user.name", "测试员")
    write_visit(root, make_visit(date(2026, 11, 3)))
    write_visit(root, make_visit(date(2026, 11, 4)))
    write_item(root, make_item(date(2026, 11, 4)))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "data")


@pytest.fixture
def records(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git records root (auto-commit on) with two committed visits and an item (made once per
    worker and copied)."""
    from_template("staged-records", tmp_path, _records, tmp_path_factory)
    return tmp_path / "records"


def full_problems(root: Path, paths: set[str]) -> set[str]:
    """The lines `wkb validate` prints about `paths`."""
    out = wkb(root, "validate").stdout.splitlines()
    return {line for line in out if line.split(":", 1)[0] in paths}


def staged_problems(root: Path) -> tuple[int, set[str]]:
    result = wkb(root, "validate", "--staged")
    lines = set(result.stdout.splitlines())
    return result.exit_code, {line for line in lines if line.startswith("data/")}


def test_staged__a_new_valid_visit_is_checked_alone(records: Path) -> None:
    rel = write_visit(records, make_visit(date(2026, 11, 5)))
    git(records, "add", rel)
    assert staged_changes(records).files == (rel,)
    result = ok(records, "validate", "--staged")
    assert "暂存的 1 条记录" in result.stdout


@pytest.mark.parametrize(
    "case",
    [
        "bad-names",
        "copy-in-month",
        "copy-at-its-own-path",
        "unknown-visit",
        "closed-twice",
        "broken-yaml",
        "no-entity",
    ],
)
def test_staged__reports_what_validate_reports_for_the_staged_files(
    records: Path, case: str
) -> None:
    visits = sorted((records / "data/visits/2026/11").glob("*.yaml"))
    item = next((records / "data/rectifications/2026/11").glob("*.yaml"))
    if case == "bad-names":
        rel = write_visit(records, make_visit(date(2026, 11, 6), district="东湖区", leader="胡君"))
    elif case == "copy-in-month":
        copy = visits[0].with_name(visits[0].name.replace("donghu", "jiangan"))
        shutil.copy(visits[0], copy)
        rel = copy.relative_to(records).as_posix()
    elif case == "copy-at-its-own-path":  # another district's file of the same id: both at
        # their own paths, the first by path counts (the committed donghu one), this is the copy
        first = visits[0].stem.rsplit("_", 1)[1]
        day = date(2026, 11, 3) if visits[0].name.startswith("2026-11-03") else date(2026, 11, 4)
        rel = write_visit(records, make_visit(day, "汉阳区", "hanyang", id=first))
    elif case == "no-entity":  # names an entity the register does not hold
        rel = write_visit(records, make_visit(date(2026, 11, 6), entity_id="S20261106-AAAAAA"))
    elif case == "unknown-visit":
        made = make_item(date(2026, 11, 7), source="visit", visit="V20261107-AAAAAA")
        rel = write_item(records, made)
    elif case == "closed-twice":
        item_id = item.stem
        ok(records, "rectify", "close", item_id, "--resolution", "好", "--no-commit")
        git(records, "add", "-A")
        git(records, "commit", "-qm", "closed")
        text = next((records / "data/rectifications/2026/11").glob(f"{item_id}.E*.yaml"))
        twice = text.with_name(text.name.replace(".E", ".E9", 1)) if ".E" in text.name else text
        twice.write_text(text.read_text(encoding="utf-8").replace(text.stem.split(".")[1],
                         twice.stem.split(".")[1]), encoding="utf-8")  # fmt: skip
        rel = twice.relative_to(records).as_posix()
    else:
        (records / "data/visits/2026/11/2026-11-08_donghu_V20261108-AAAAAA.yaml").write_text(
            "id: [unclosed\n", encoding="utf-8"
        )
        rel = "data/visits/2026/11/2026-11-08_donghu_V20261108-AAAAAA.yaml"
    git(records, "add", rel)
    assert not staged_changes(records).full
    code, found = staged_problems(records)
    paths = {line.split(":", 1)[0] for line in found} | {rel}
    expected = full_problems(records, paths)
    assert code == 1 and expected and found == expected
    if case.startswith("copy"):
        assert any("重复" in line and line.startswith(rel) for line in found)


@pytest.mark.parametrize("change", ["delete", "rename", "table", "sealed"])
def test_staged__a_change_no_file_check_can_vouch_for_runs_the_full_validate(
    records: Path, change: str
) -> None:
    visit = sorted((records / "data/visits/2026/11").glob("*.yaml"))[0]
    if change == "delete":
        git(records, "rm", "-q", visit.relative_to(records).as_posix())
    elif change == "rename":
        git(records, "mv", visit.relative_to(records).as_posix(), "data/visits/2026/11/x.yaml")
    elif change == "table":
        path = records / "data/districts.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        git(records, "add", "data/districts.yaml")
    else:
        ok(records, "month", "close", "2026-10", "--no-commit")
        rel = write_visit(records, make_visit(date(2026, 10, 8)))
        git(records, "add", "-A", rel)
    assert staged_changes(records).full
    staged, full = wkb(records, "validate", "--staged"), wkb(records, "validate")
    assert (staged.exit_code, staged.stdout) == (full.exit_code, full.stdout)


def test_hook__a_visit_committed_by_wkb_passes_the_staged_check(records: Path) -> None:
    ok(records, "hook", "install")
    result = ok(records, "visit", "add", "--date", "2026-11-05", "--district", "东湖",
                "--entity", "武汉光谷实验室", "--type", "platform")  # fmt: skip
    assert git(records, "status", "--porcelain") == ""
    bad = records / "data/visits/2026/11/2026-11-09_donghu_V20261109-AAAAAA.yaml"
    bad.write_text("id: V20261109-AAAAAA\n", encoding="utf-8")
    git(records, "add", bad.relative_to(records).as_posix())
    blocked = subprocess.run(
        ["git", "commit", "-qm", "bad"], cwd=records, capture_output=True, text=True, check=False
    )
    assert blocked.returncode != 0
    assert "wkb validate --staged .\n" in blocked.stderr
    assert "2026-11-09_donghu_V20261109-AAAAAA.yaml:1: 缺少字段" in blocked.stderr
    assert result.exit_code == 0
