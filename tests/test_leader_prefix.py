"""`--leader` takes a unique prefix of a leader's name, like `--district` (issue 16.4): in every
command that takes it; an ambiguous prefix is one line naming the candidates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import Invoke
from wkb_tracker.domain.errors import UserError
from wkb_tracker.store.policy_files import load_policy


def test_resolve_leader__exact_prefix_ambiguous_unknown(root: Path) -> None:
    policy, _ = load_policy(root)
    assert policy.resolve_leader("胡军") == "胡军"
    assert policy.resolve_leader("胡") == "胡军"
    assert policy.resolve_leader(" 余文 ") == "余文珠"
    with pytest.raises(UserError, match="未知的责任领导"):
        policy.resolve_leader("张")
    with pytest.raises(UserError):  # data is checked as written: no prefixes there
        policy.resolve_leader("胡", prefix=False)


@pytest.mark.parametrize(
    "args",
    [
        ("report", "--month", "2026-11"),
        ("due",),
        ("visit", "list"),
        ("rectify", "list"),
        ("remind",),
    ],
)
def test_leader_option__prefix_in_every_reading_command(wkb: Invoke, args: tuple[str, ...]) -> None:
    full = wkb(*args, "--leader", "胡军", "--format", "json")
    short = wkb(*args, "--leader", "胡", "--format", "json")
    assert full.exit_code == short.exit_code == 0, short.stderr
    assert short.stdout == full.stdout


def test_visit_add_and_assign__store_the_full_name(wkb: Invoke, root: Path) -> None:
    added = wkb(
        "visit", "add", "--date", "2026-11-03", "--district", "东湖", "--entity", "光谷实验室",
        "--type", "team", "--leader", "胡", "--no-rectify", "--format", "json",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout)["leader"] == "胡军"
    assigned = wkb("districts", "assign", "江岸", "--leader", "王振", "--from", "2026-12-01")
    assert assigned.exit_code == 0, assigned.stderr
    entries = yaml.safe_load((root / "data" / "districts.yaml").read_text(encoding="utf-8"))
    assert entries["entries"][-1]["leader"] == "王振旭"


def test_leader_option__ambiguous_prefix_names_the_candidates(wkb: Invoke) -> None:
    new = wkb(
        "districts", "assign", "江岸", "--leader", "胡明", "--title", "副局长",
        "--from", "2026-12-01",
    )  # fmt: skip
    assert new.exit_code == 0, new.stderr
    result = wkb("report", "--leader", "胡")
    assert result.exit_code == 2
    assert result.stderr == "--leader '胡' 有歧义,可能是:胡军、胡明\n"
    assert wkb("report", "--leader", "胡明").exit_code == 0


def test_validate__a_stored_leader_must_be_the_full_name(wkb: Invoke, root: Path) -> None:
    """A prefix is for what a clerk types; a record holding "胡" is reported, not read as 胡军."""
    from datetime import date

    from builders import make_visit, write_visit

    write_visit(root, make_visit(date(2026, 11, 3), leader="胡"))
    result = wkb("validate")
    assert result.exit_code == 1
    assert "'胡'" in result.stdout + result.stderr
