"""Defects found in review, each pinned by the test that reproduced it."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from builders import copy_records, make_visit, write_visit
from wkb_tracker.cli import app

REPO = Path(__file__).resolve().parents[1]


def _same_size_same_mtime_edit(path: Path, old: str, new: str) -> None:
    """Edit a file in place keeping its size and putting its mtime back (as cp -p or touch -r do)."""
    assert len(old.encode()) == len(new.encode())
    status = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))


def test_validate__reads_the_policy_files_not_the_cache(wkb, root: Path) -> None:
    assert wkb("districts").exit_code == 0  # fills .wkb-cache/policy.json
    _same_size_same_mtime_edit(root / "data/districts.yaml", "from: 2021-07-01", "from: 2021-13-01")
    result = wkb("validate")
    assert result.exit_code == 1
    assert "data/districts.yaml" in result.stdout
    assert "未知的区" not in result.stdout  # records are not all flagged against a broken table


def test_cache__an_edit_keeping_size_and_mtime_is_seen(wkb, root: Path) -> None:
    rel = write_visit(root, make_visit(date(2026, 10, 16), "江岸区", "jiangan", "徐涛"))
    args = ("report", "--month", "2026-10", "--format", "json")
    first = json.loads(wkb(*args).stdout)
    _same_size_same_mtime_edit(root / rel, "leader: 徐涛", "leader: 赵峰")
    again = json.loads(wkb(*args).stdout)
    assert again == json.loads(wkb("--no-cache", *args).stdout)
    assert again != first


def test_districts_assign__refuses_a_start_in_a_sealed_month(wkb, root: Path) -> None:
    write_visit(root, make_visit(date(2026, 10, 3), "汉阳区", "hanyang"))
    assert wkb("month", "close", "2026-10").exit_code == 0
    before = (root / "data/districts.yaml").read_bytes()
    refused = wkb("districts", "assign", "汉阳", "--leader", "赵峰", "--from", "2026-10-10")
    assert refused.exit_code == 2
    assert "已封存" in refused.stderr
    assert (root / "data/districts.yaml").read_bytes() == before
    assert (
        wkb("districts", "assign", "汉阳", "--leader", "赵峰", "--from", "2026-11-01").exit_code
        == 0
    )


def test_report__as_of_before_the_period_keeps_items_open_then(wkb) -> None:
    opened = wkb(
        "rectify",
        "add",
        "--problem",
        "用地紧张",
        "--district",
        "临空港",
        "--source",
        "督查",
        "--opened",
        "2026-08-14",
    )
    assert opened.exit_code == 0, opened.stderr
    report = json.loads(
        wkb(
            "report",
            "--month",
            "2026-11",
            "--as-of",
            "2026-10-20",
            "--leader",
            "刘红",
            "--format",
            "json",
        ).stdout
    )
    assert report["leaders"][0]["rectifications"]["open"] == 1


def test_visit_add__end_of_input_at_a_prompt_exits_2(wkb, root: Path) -> None:
    result = wkb("visit", "add", input="2026-11-20\n东湖\n", env={"WKB_INTERACTIVE": "1"})
    assert result.exit_code == 2
    assert not list((root / "data/visits").rglob("*.yaml"))


def test_init__refuses_a_folder_inside_a_records_root(root: Path) -> None:
    result = CliRunner().invoke(app, ["init", str(root / "data" / "visits")])
    assert result.exit_code == 2
    assert "位于记录根目录" in result.stderr
    assert not (root / "data" / "visits" / "wkb.toml").exists()


def test_examples__validate_clean(tmp_path: Path) -> None:
    copy = copy_records(REPO / "examples" / "records", tmp_path)
    assert CliRunner().invoke(app, ["--root", str(copy), "validate"]).exit_code == 0


def test_rectify_list__a_department_seen_only_on_closed_items_is_known(wkb) -> None:
    opened = wkb(
        "rectify",
        "add",
        "--problem",
        "报销慢",
        "--source",
        "自查",
        "--department",
        "财政局",
        "--owner",
        "李",
        "--opened",
        "2026-11-01",
        "--format",
        "json",
    )
    assert opened.exit_code == 0, opened.stderr
    item = json.loads(opened.stdout)["id"]
    assert (
        wkb("rectify", "close", item, "--resolution", "已办", "--date", "2026-11-05").exit_code == 0
    )
    listed = wkb("rectify", "list", "--department", "财政局", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    assert json.loads(listed.stdout) == []


def test_visit_void_and_edit__refused_in_a_sealed_month(wkb, root: Path) -> None:
    visit = make_visit(date(2026, 10, 2))
    rel = write_visit(root, visit)
    assert wkb("month", "close", "2026-10").exit_code == 0
    before = (root / rel).read_bytes()
    voided = wkb("visit", "void", visit.id, "--reason", "重复")
    assert voided.exit_code == 2 and "2026-10 已封存" in voided.stderr
    edited = wkb("visit", "edit", visit.id, env={"EDITOR": "true"})
    assert edited.exit_code == 2 and "2026-10 已封存" in edited.stderr
    assert (root / rel).read_bytes() == before
    assert wkb("validate").exit_code == 0


def test_visit_edit__file_name_follows_a_new_date_and_district(
    wkb, root: Path, tmp_path: Path
) -> None:
    visit = make_visit(date(2026, 10, 16), "江岸区", "jiangan", "徐涛")
    rel = write_visit(root, visit)
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "t = p.read_text(encoding='utf-8').replace('date: 2026-10-16', 'date: 2026-10-20')\n"
        "t = t.replace('江岸区', '江夏区').replace('jiangan', 'jiangxia').replace('徐涛', '赵峰')\n"
        "p.write_text(t, encoding='utf-8')\n",
        encoding="utf-8",
    )
    import sys

    result = wkb("visit", "edit", visit.id, env={"EDITOR": f"{sys.executable} {script}"})
    assert result.exit_code == 0, result.stderr
    assert not (root / rel).exists()
    assert (root / f"data/visits/2026/10/2026-10-20_jiangxia_{visit.id}.yaml").exists()
    assert wkb("validate").exit_code == 0
