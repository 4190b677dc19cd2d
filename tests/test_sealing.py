"""Sealed months (issue 6): what sealing protects, and the pre-commit hook."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from builders import make_visit, write_visit
from wkb_tracker.store.records import visit_to_mapping
from wkb_tracker.store.storage import dump_yaml


def test_month_close__writes_a_manifest_and_status_shows_it(wkb, root: Path) -> None:
    first = write_visit(root, make_visit(date(2026, 10, 3)))
    write_visit(root, make_visit(date(2026, 10, 20), "汉阳区", "hanyang"))
    result = wkb("month", "close", "2026-10", "--by", "办公室王")
    assert result.exit_code == 0, result.stderr
    assert "已封存 2026-10:2 条走访" in result.stdout
    manifest = (root / "data/sealed/2026-10.yaml").read_text(encoding="utf-8")
    assert first in manifest and "sealed_by: 办公室王" in manifest
    status = json.loads(wkb("month", "status", "--format", "json").stdout)
    assert (
        status[0]["month"] == "2026-10" and status[0]["sealed"] is True and status[0]["visits"] == 2
    )
    assert wkb("validate").exit_code == 0


def test_month_close__refuses_unfinished_and_already_sealed(wkb, root: Path) -> None:
    result = wkb("month", "close", "2026-11")
    assert result.exit_code == 2
    assert "尚未结束" in result.stderr
    assert not (root / "data/sealed/2026-11.yaml").exists()
    assert wkb("month", "close", "2026-09").exit_code == 0
    again = wkb("month", "close", "2026-09")
    assert again.exit_code == 2 and "已经封存" in again.stderr


def test_validate__reports_changed_removed_and_unexplained_additions(wkb, root: Path) -> None:
    changed = make_visit(date(2026, 10, 3))
    removed = make_visit(date(2026, 10, 4))
    changed_rel = write_visit(root, changed)
    removed_rel = write_visit(root, removed)
    assert wkb("month", "close", "2026-10").exit_code == 0
    (root / changed_rel).write_text(
        dump_yaml(visit_to_mapping(replace(changed, summary="改过"))), encoding="utf-8"
    )
    (root / removed_rel).unlink()
    added_rel = write_visit(root, make_visit(date(2026, 10, 5)))
    explained_rel = write_visit(
        root, make_visit(date(2026, 10, 6), late_reason="领导出差回来后补录")
    )
    result = wkb("validate")
    assert result.exit_code == 1
    manifest = (root / "data/sealed/2026-10.yaml").read_text(encoding="utf-8").splitlines()
    removed_line = next(n for n, line in enumerate(manifest, 1) if removed.id in line)
    assert f"{changed_rel}:1: 2026-10 封存后此走访被修改" in result.stdout
    assert (
        f"data/sealed/2026-10.yaml:{removed_line}: 2026-10 封存后走访 {removed.id} 被删除"
        in result.stdout
    )
    assert f"{added_rel}:1: 2026-10 封存后补录却没有 late_reason" in result.stdout
    assert explained_rel not in result.stdout


def test_hook_install__blocks_a_commit_with_an_invalid_record(wkb, root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    result = wkb("hook", "install")
    assert result.exit_code == 0, result.stderr
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "add", "-A"], check=True)
    assert subprocess.run([*git, "commit", "-qm", "init"], capture_output=True).returncode == 0
    bad = write_visit(root, make_visit(date(2026, 11, 3), leader="无名氏"))
    subprocess.run([*git, "add", bad], check=True)
    blocked = subprocess.run([*git, "commit", "-qm", "bad"], capture_output=True, text=True)
    assert blocked.returncode != 0
    assert "未知的责任领导 leader '无名氏'" in blocked.stderr


def test_hook_install__keeps_a_foreign_hook(wkb, root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    hook = root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho mine\n")
    result = wkb("hook", "install")
    assert result.exit_code == 2 and "--force" in result.stderr
    assert hook.read_text() == "#!/bin/sh\necho mine\n"


@pytest.mark.parametrize(
    "given",
    [[], ["--late-reason", "领导出差,补录"], ["--approved-by", "办公室主任"]],
    ids=["neither", "reason only", "approver only"],
)
def test_visit_add__sealed_month_needs_a_late_reason_and_an_approver(
    wkb, root: Path, given: list[str]
) -> None:
    assert wkb("month", "close", "2026-10").exit_code == 0
    args = [
        "visit",
        "add",
        "--date",
        "2026-10-15",
        "--district",
        "东湖",
        "--entity",
        "光谷实验室",
        "--type",
        "platform",
    ]
    refused = wkb(*args, *given)
    assert refused.exit_code == 2
    assert "2026-10 已封存,只能补录" in refused.stderr
    assert "--late-reason" in refused.stderr and "--approved-by" in refused.stderr
    assert not list((root / "data/visits").glob("2026/10/*.yaml"))
    accepted = wkb(*args, "--late-reason", "领导出差,补录", "--approved-by", "办公室主任")
    assert accepted.exit_code == 0, accepted.stderr
    (written,) = (root / "data/visits").glob("2026/10/*.yaml")
    assert "late_approved_by: 办公室主任" in written.read_text(encoding="utf-8")
    assert wkb("validate").exit_code == 0


def test_month_close__manifest_keeps_the_report_figures(wkb, root: Path) -> None:
    write_visit(root, make_visit(date(2026, 10, 3)))
    write_visit(root, make_visit(date(2026, 10, 9)))
    assert wkb("month", "close", "2026-10").exit_code == 0
    import yaml

    manifest = yaml.safe_load((root / "data/sealed/2026-10.yaml").read_text(encoding="utf-8"))
    figures = manifest["figures"]
    assert figures["minimum_per_month"] == 2
    hu = next(leader for leader in figures["leaders"] if leader["leader"] == "胡军")
    assert hu["contacts"] == 2 and hu["status"] == "short"  # 汉阳区 had none
    assert {"district": "东湖高新区", "contacts": 2, "required": 2} in hu["districts"]


def test_validate__sealed_figures_changed_by_a_table_or_config_edit(wkb, root: Path) -> None:
    write_visit(root, make_visit(date(2026, 10, 3)))
    write_visit(root, make_visit(date(2026, 10, 9)))
    assert wkb("month", "close", "2026-10").exit_code == 0
    assert wkb("validate").exit_code == 0
    late = wkb(
        "visit",
        "add",
        "--date",
        "2026-10-20",
        "--district",
        "汉阳",
        "--entity",
        "补录企业",
        "--type",
        "team",
        "--late-reason",
        "补录",
        "--approved-by",
        "办公室主任",
    )
    assert late.exit_code == 0, late.stderr
    assert (
        wkb("validate").exit_code == 0
    )  # a declared late entry is not a change of the sealed figures
    assert wkb("config", "set", "monthly_minimum", "3").exit_code == 0
    result = wkb("validate")
    assert result.exit_code == 1
    assert "2026-10 封存后报告数字变了" in result.stdout
    assert "余文珠 新洲区:联系 0→0,应联系 2→3" in result.stdout
