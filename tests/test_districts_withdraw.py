"""Issue 11.11: a table revision is bounded (at most a year ahead) and one not yet in force can be
withdrawn, with who, when and why recorded in districts.yaml and committed.

Before: `districts assign 东湖 --leader 赵峰 --from 9999-12-31` was accepted, after which every
later assign was refused (a revision must start after the latest) and nothing could undo it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import Invoke
from inprocess import snapshot
from wkb_tracker.store.root import DISTRICTS_FILE

TODAY = "2026-11-25"  # conftest's pinned WKB_TODAY
A_YEAR_AHEAD = "2027-11-25"


def table(root: Path) -> dict[str, object]:
    value = yaml.safe_load((root / DISTRICTS_FILE).read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def donghu_starts(root: Path) -> list[str]:
    entries = table(root)["entries"]
    assert isinstance(entries, list)
    return [str(e["from"]) for e in entries if e["id"] == "donghu"]


def refused(wkb: Invoke, root: Path, *args: str) -> str:
    before = snapshot(root)
    result = wkb(*args)
    assert result.exit_code == 2, (args, result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    assert 0 < len(result.stderr.strip().splitlines()) <= 2, result.stderr
    assert {k: v for k, v in snapshot(root).items() if not k.startswith(".wkb-cache")} == {
        k: v for k, v in before.items() if not k.startswith(".wkb-cache")
    }
    return result.stderr


# -- assign: --from is bounded -----------------------------------------------------------------


@pytest.mark.parametrize("start", ["9999-12-31", "2100-12-31", "2027-11-26", "2030-01-01"])
def test_districts_assign__more_than_a_year_ahead_is_refused(
    wkb: Invoke, root: Path, start: str
) -> None:
    stderr = refused(wkb, root, "districts", "assign", "东湖", "--leader", "赵峰", "--from", start)
    assert "--from" in stderr


@pytest.mark.parametrize("start", ["2021-06-30", "2021-07-01", "2000-01-01", "1999-12-31"])
def test_districts_assign__on_or_before_the_tables_start_is_refused(
    wkb: Invoke, root: Path, start: str
) -> None:
    refused(wkb, root, "districts", "assign", "东湖", "--leader", "赵峰", "--from", start)


def test_districts_assign__exactly_a_year_ahead_is_accepted(wkb: Invoke, root: Path) -> None:
    result = wkb("districts", "assign", "东湖", "--leader", "赵峰", "--from", A_YEAR_AHEAD)
    assert result.exit_code == 0, result.stderr
    assert donghu_starts(root) == ["2021-07-01", A_YEAR_AHEAD]


# -- withdraw ------------------------------------------------------------------------------------


def test_districts_withdraw__undoes_a_pending_revision_and_records_it(
    wkb: Invoke, root: Path
) -> None:
    assert (
        wkb("districts", "assign", "东湖", "--leader", "赵峰", "--from", A_YEAR_AHEAD).exit_code
        == 0
    )
    # The far revision blocks an earlier one ...
    refused(wkb, root, "districts", "assign", "东湖", "--leader", "刘红", "--from", "2027-03-01")

    result = wkb(
        "districts",
        "withdraw",
        "东湖",
        "--from",
        A_YEAR_AHEAD,
        "--reason",
        "任命未下达",
        "--by",
        "办公室王",
    )

    assert result.exit_code == 0, result.stderr
    assert "赵峰" in result.stdout
    assert donghu_starts(root) == ["2021-07-01"]
    withdrawn = table(root)["withdrawn"]
    assert isinstance(withdrawn, list) and len(withdrawn) == 1
    record = withdrawn[0]
    assert record["leader"] == "赵峰" and str(record["from"]) == A_YEAR_AHEAD
    assert record["withdrawn_by"] == "办公室王" and record["reason"] == "任命未下达"
    assert str(record["withdrawn_at"]).startswith(TODAY)
    assert wkb("validate").exit_code == 0
    # ... and once withdrawn, the earlier one goes in; the record of the withdrawal stays.
    again = wkb("districts", "assign", "东湖", "--leader", "刘红", "--from", "2027-03-01")
    assert again.exit_code == 0, again.stderr
    assert donghu_starts(root) == ["2021-07-01", "2027-03-01"]
    assert len(table(root)["withdrawn"]) == 1  # type: ignore[arg-type]
    view = json.loads(wkb("districts", "--as-of", "2027-12-01", "--format", "json").stdout)
    assert next(row for row in view if row["id"] == "donghu")["leader"] == "刘红"


def test_districts_withdraw__by_defaults_to_the_recorder(wkb: Invoke, root: Path) -> None:
    assert (
        wkb("districts", "assign", "汉阳", "--leader", "赵峰", "--from", "2027-01-01").exit_code
        == 0
    )
    result = wkb("districts", "withdraw", "hanyang", "--from", "2027/1/1", "--reason", "撤回")
    assert result.exit_code == 0, result.stderr
    assert table(root)["withdrawn"][0]["withdrawn_by"] == "测试员"  # type: ignore[index]


@pytest.mark.parametrize(
    ("start", "why"),
    [
        ("2021-07-01", "已生效"),  # the table's first entry: in force
        (TODAY, "已生效"),  # starts today: in force
        ("2027-02-01", "没有自"),  # no such entry
        ("2026-13-01", "不是有效日期"),
    ],
)
def test_districts_withdraw__refuses_what_is_not_a_pending_revision(
    wkb: Invoke, root: Path, start: str, why: str
) -> None:
    assert (
        wkb("districts", "assign", "东湖", "--leader", "赵峰", "--from", "2027-03-01").exit_code
        == 0
    )
    stderr = refused(wkb, root, "districts", "withdraw", "东湖", "--from", start, "--reason", "r")
    assert why in stderr
    if why == "没有自":
        assert "2027-03-01" in stderr  # names what can be withdrawn


@pytest.mark.parametrize("missing", ["--reason", "--by"])
def test_districts_withdraw__needs_a_reason_and_a_name(
    wkb: Invoke, root: Path, missing: str
) -> None:
    assert (
        wkb("districts", "assign", "东湖", "--leader", "赵峰", "--from", "2027-03-01").exit_code
        == 0
    )
    values = {"--reason": "r", "--by": "办公室王", missing: "  "}
    options = [part for name, value in values.items() for part in (name, value)]
    stderr = refused(wkb, root, "districts", "withdraw", "东湖", "--from", "2027-03-01", *options)
    assert missing in stderr


def test_districts_withdraw__a_revision_that_took_effect_is_history(
    wkb: Invoke, root: Path
) -> None:
    assert (
        wkb("districts", "assign", "东湖", "--leader", "赵峰", "--from", "2026-12-01").exit_code
        == 0
    )
    later = {"WKB_TODAY": "2026-12-01"}
    result = wkb(
        "districts", "withdraw", "东湖", "--from", "2026-12-01", "--reason", "r", env=later
    )
    assert result.exit_code == 2
    assert "已生效" in result.stderr
    assert donghu_starts(root) == ["2021-07-01", "2026-12-01"]


def test_districts_withdraw__a_revision_in_a_sealed_month_stays(wkb: Invoke, root: Path) -> None:
    # A clock set back after sealing: the revision looks pending, but its month is sealed.
    assert (
        wkb("districts", "assign", "东湖", "--leader", "赵峰", "--from", "2026-12-10").exit_code
        == 0
    )
    sealed = wkb("month", "close", "2026-12", "--by", "办公室王", env={"WKB_TODAY": "2027-01-05"})
    assert sealed.exit_code == 0, sealed.stderr
    stderr = refused(
        wkb, root, "districts", "withdraw", "东湖", "--from", "2026-12-10", "--reason", "r"
    )
    assert "封存" in stderr


def test_districts_withdraw__repairs_a_table_with_a_far_revision(wkb: Invoke, root: Path) -> None:
    # A table an earlier version let through: an entry from 9999-12-31. The table is refused
    # (path:line), assign is blocked, and withdrawing that entry is the repair.
    path = root / DISTRICTS_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text
        + "  - district: 东湖高新区\n    id: donghu\n    leader: 赵峰\n    title: 副局长\n"
        + "    department: 高新处\n    contact: 彭华魁\n    from: 9999-12-31\n",
        encoding="utf-8",
    )
    checked = wkb("validate")
    assert checked.exit_code == 1 and f"{DISTRICTS_FILE}:" in checked.stdout
    assert wkb("report").exit_code == 1
    before = path.read_bytes()
    blocked = wkb("districts", "assign", "东湖", "--leader", "刘红", "--from", "2027-03-01")
    assert blocked.exit_code == 1  # broken policy files: exit 1 everywhere (one guard, issue 12)
    assert f"{DISTRICTS_FILE}:" in blocked.stderr and path.read_bytes() == before

    result = wkb("districts", "withdraw", "东湖", "--from", "9999-12-31", "--reason", "年份错录")

    assert result.exit_code == 0, result.stderr
    assert wkb("validate").exit_code == 0
    assert str(table(root)["withdrawn"][0]["from"]) == "9999-12-31"  # type: ignore[index]
    assert (
        wkb("districts", "assign", "东湖", "--leader", "刘红", "--from", "2027-03-01").exit_code
        == 0
    )


@pytest.mark.parametrize(
    "withdrawn",
    [
        "withdrawn: 3\n",
        "withdrawn:\n  - district: 东湖高新区\n    reason: r\n",
        "withdrawn:\n  - {district: 东湖高新区, id: donghu, leader: 赵峰, title: 副局长, "
        "department: 高新处, contact: 彭华魁, from: 2027-01-01, withdrawn_at: 9999-12-31 "
        "23:00:00-12:00, withdrawn_by: x, reason: r}\n",
    ],
)
def test_districts_file__a_malformed_withdrawn_list_is_a_problem(
    wkb: Invoke, root: Path, withdrawn: str
) -> None:
    path = root / DISTRICTS_FILE
    path.write_text(path.read_text(encoding="utf-8") + withdrawn, encoding="utf-8")
    checked = wkb("validate")
    assert checked.exit_code == 1
    assert f"{DISTRICTS_FILE}:" in checked.stdout
    assert "Traceback" not in checked.stdout + checked.stderr


def test_districts_withdraw__committed_with_auto_commit(wkb: Invoke, root: Path) -> None:
    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "start")
    assert wkb("config", "set", "auto_commit", "true").exit_code == 0
    assert (
        wkb("districts", "assign", "东湖", "--leader", "赵峰", "--from", "2027-03-01").exit_code
        == 0
    )
    git("commit", "-qam", "assign")

    result = wkb("districts", "withdraw", "东湖", "--from", "2027-03-01", "--reason", "任命未下达")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    last = git("log", "-1", "--format=%s", "--name-only")
    assert "districts withdraw" in last and "东湖高新区" in last and "2027-03-01" in last
    assert DISTRICTS_FILE in last
    assert git("status", "--porcelain", "--", DISTRICTS_FILE) == ""


@pytest.mark.parametrize("name", ["9999-12", "0001-01", "2101-01"])
def test_districts_assign__a_manifest_named_outside_the_dates_does_not_freeze_the_table(
    wkb: Invoke, root: Path, name: str
) -> None:
    assert wkb("month", "close", "2026-10", "--by", "办公室王").exit_code == 0
    sealed = root / "data" / "sealed"
    (sealed / f"{name}.yaml").write_bytes((sealed / "2026-10.yaml").read_bytes())
    result = wkb("districts", "assign", "东湖", "--leader", "赵峰", "--from", "2027-01-01")
    assert result.exit_code == 0, result.stderr
    # a real seal still holds: no revision from inside October 2026
    stderr = refused(
        wkb, root, "districts", "assign", "汉阳", "--leader", "赵峰", "--from", "2026-10-15"
    )
    assert "封存" in stderr
