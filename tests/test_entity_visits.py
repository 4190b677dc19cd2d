"""Visits know their entity (issue 14.2): `visit add --entity` against the register, `--register`
and the terminal question, `entity link` dry run and --apply, merged entries, old files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from builders import make_visit, write_visit
from wkb_tracker.domain.model import VISIT_FIELDS

ADD = ("visit", "add", "--date", "2026-11-03", "--no-rectify")


@pytest.fixture(autouse=True)
def _not_interactive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WKB_INTERACTIVE", raising=False)


def entity(wkb, *args: str) -> dict:
    result = wkb("entity", "add", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def visit(wkb, *args: str, input: str | None = None) -> dict:
    result = wkb(*ADD, *args, "--format", "json", input=input)
    assert result.exit_code == 0, result.stderr
    # CliRunner echoes answers typed at a prompt to stdout (a terminal would show them as typed).
    return json.loads(result.stdout[result.stdout.index("{") :])


@pytest.fixture
def lab(wkb) -> dict:
    return entity(
        wkb, "武汉光谷实验室", "--alias", "光谷实验室", "--district", "东湖", "--type", "平台载体"
    )


@pytest.mark.parametrize(
    ("typed", "how"),
    [
        ("武汉光谷实验室", "exact"),
        ("光谷实验室", "alias"),
        ("武汉　光谷 实验室", "normalised"),
        ("武汉光谷", "prefix"),
    ],
)
def test_visit_add__entity_resolves_and_fills_type_and_district(
    wkb, root: Path, lab: dict, typed: str, how: str
) -> None:
    view = visit(wkb, "--entity", typed)  # no --district, no --type: the entry's are used
    assert (view["entity"], view["entity_id"], view["entity_match"]) == (
        "武汉光谷实验室",
        lab["id"],
        how,
    )
    assert (view["district_id"], view["type"]) == ("donghu", "平台载体")
    text = (root / view["path"]).read_text(encoding="utf-8")
    assert f"entity: 武汉光谷实验室\nentity_id: {lab['id']}\ntype: 平台载体\n" in text
    assert wkb("validate").exit_code == 0


def test_visit_add__text_output_names_the_entry(wkb, lab: dict) -> None:
    result = wkb(*ADD, "--entity", "光谷实验室")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"主体:武汉光谷实验室({lab['id']}),按 '光谷实验室' 匹配"


def test_visit_add__ambiguous_is_refused_and_writes_nothing(wkb, root: Path) -> None:
    a = entity(wkb, "楚天光电科技有限公司")
    b = entity(wkb, "楚天智能装备有限公司")
    result = wkb(*ADD, "--entity", "楚天", "--district", "江岸", "--type", "enterprise")
    assert result.exit_code == 2
    assert result.stderr == (
        f"--entity '楚天' 有歧义,可能是:{min((a, b), key=lambda e: e['id'])['name']}"
        f"({min(a['id'], b['id'])})、{max((a, b), key=lambda e: e['id'])['name']}"
        f"({max(a['id'], b['id'])})。请写全称或编号\n"
    )
    assert not (root / "data/visits/2026").exists()


def test_visit_add__unknown_id_is_refused(wkb, lab: dict) -> None:
    result = wkb(*ADD, "--entity", "S20261101-ZZZZZZ", "--district", "江岸", "--type", "team")
    assert result.exit_code == 2
    assert result.stderr.startswith("--entity 'S20261101-ZZZZZZ' 不是登记册中的主体编号")


def test_visit_add__unknown_name_kept_as_typed_with_a_did_you_mean(wkb, root: Path, lab) -> None:
    result = wkb(
        *ADD, "--entity", "光谷实验所", "--district", "江岸", "--type", "team", "--format", "json"
    )
    assert result.exit_code == 0
    view = json.loads(result.stdout)
    assert (view["entity"], view["entity_id"], view["entity_match"]) == ("光谷实验所", None, "none")
    assert result.stderr == (
        "警告:光谷实验所 未在主体登记册中(是不是 武汉光谷实验室?);已按输入记录。"
        "登记:wkb entity add 或 --register\n"
    )
    assert "entity_id" not in (root / view["path"]).read_text(encoding="utf-8")


def test_visit_add__without_a_register_nothing_changes(wkb, root: Path) -> None:
    view = visit(wkb, "--entity", "某科技公司", "--district", "江岸", "--type", "team")
    assert (view["entity_id"], view["entity_match"]) == (None, "none")
    assert not (root / "data/entities").exists() and not (root / ".wkb-cache/entities.json").exists()


def test_visit_add__register_on_the_spot(wkb, root: Path) -> None:
    view = visit(
        wkb, "--entity", "楚天光电", "--district", "江岸", "--type", "enterprise", "--register"
    )
    assert view["entity_match"] == "registered"
    shown = json.loads(wkb("entity", "show", view["entity_id"], "--format", "json").stdout)
    assert (shown["name"], shown["type"], shown["district_id"]) == ("楚天光电", "科技企业", "jiangan")
    again = visit(wkb, "--entity", "楚天光电")
    assert (again["entity_id"], again["entity_match"]) == (view["entity_id"], "exact")


def test_visit_add__refused_visit_registers_nothing(wkb, root: Path) -> None:
    result = wkb(
        "visit", "add", "--date", "2099-01-01", "--entity", "楚天光电", "--district", "江岸",
        "--type", "enterprise", "--register",
    )  # fmt: skip
    assert result.exit_code == 2
    assert not (root / "data/entities").exists()


def test_visit_add__terminal_asks_did_you_mean_then_register(
    wkb, lab: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WKB_INTERACTIVE", "1")
    base = ("--entity", "光谷实验所", "--district", "东湖", "--leader", "胡军", "--mode", "visit")
    base += ("--type", "platform", "--measure", "14", "--summary", "s")
    chosen = visit(wkb, *base, input="y\n\n")
    assert (chosen["entity_id"], chosen["entity_match"]) == (lab["id"], "chosen")
    registered = visit(wkb, *base, input="n\ny\n\n")
    assert registered["entity_match"] == "registered"
    assert registered["entity_id"] not in (None, lab["id"])
    other = ("--entity", "光谷实验场", *base[2:])
    neither = visit(wkb, *other, input="n\nn\n\n")
    assert (neither["entity_id"], neither["entity_match"]) == (None, "none")


def test_visit_add__not_a_terminal_never_asks(wkb, lab: dict, root: Path) -> None:
    result = wkb(*ADD, "--entity", "新主体", "--district", "江岸", "--type", "team", input="y\n")
    assert result.exit_code == 0
    assert "?" not in result.stderr and "?" not in result.stdout
    assert len(list((root / "data/entities").iterdir())) == 1


def _old_visit(root: Path, name: str, day: date = date(2026, 10, 9)) -> str:
    return write_visit(root, make_visit(day, entity=name))


def test_entity_link__dry_run_then_apply(wkb, root: Path, lab: dict, tmp_path: Path) -> None:
    exact = _old_visit(root, "武汉光谷实验室")
    spaced = _old_visit(root, "武汉 光谷实验室")
    guess = _old_visit(root, "武汉光谷")  # a prefix: proposed as undecided, never written
    other = _old_visit(root, "某某公司")
    before = {rel: (root / rel).read_bytes() for rel in (exact, spaced, guess, other)}
    dry = wkb("entity", "link")
    assert dry.exit_code == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert sorted(lines[:2]) == sorted(
        [
            f"{exact}: 武汉光谷实验室 → {lab['id']}(武汉光谷实验室)",
            f"{spaced}: 武汉 光谷实验室 → {lab['id']}(武汉光谷实验室)",
        ]
    )
    assert lines[2].startswith(f"{guess}: 武汉光谷 → ?(可能是 武汉光谷实验室({lab['id']})")
    assert lines[3] == "可关联 2 条走访(未写入;加 --apply 写入),0 条在已封存月份,1 条无法确定,1 条主体未登记"
    assert {rel: (root / rel).read_bytes() for rel in before} == before
    applied = wkb("entity", "link", "--apply")
    assert applied.exit_code == 0, applied.stderr
    assert applied.stdout.splitlines()[-1] == "已关联 2 条走访"
    for rel in (exact, spaced):
        text = (root / rel).read_text(encoding="utf-8")
        assert text == before[rel].decode().replace(
            "\ntype:", f"\nentity_id: {lab['id']}\ntype:", 1
        )  # only the one line added; the recorded name stays as it was
    assert (root / guess).read_bytes() == before[guess]
    assert wkb("entity", "link").stdout.splitlines()[-1].startswith("可关联 0 条走访")
    assert wkb("validate").exit_code == 0


def test_entity_link__leaves_sealed_months_alone(wkb, root: Path, lab: dict) -> None:
    rel = _old_visit(root, "武汉光谷实验室", date(2026, 9, 10))
    closed = wkb("month", "close", "2026-09", "--by", "办公室")
    assert closed.exit_code == 0, closed.stderr
    before = (root / rel).read_bytes()
    result = wkb("entity", "link", "--apply")
    assert result.exit_code == 0
    assert f"{rel}: 武汉光谷实验室 → {lab['id']}(所在月份已封存,不改动)" in result.stdout
    assert (root / rel).read_bytes() == before
    assert wkb("validate").exit_code == 0


def test_entity_link__empty_register_is_a_usage_error(wkb) -> None:
    result = wkb("entity", "link")
    assert result.exit_code == 2
    assert result.stderr == "主体登记册为空:先用 wkb entity add 登记主体\n"


def test_merge__visits_of_the_merged_entry_count_for_the_kept_one(wkb, root: Path) -> None:
    keep = entity(wkb, "武汉光谷实验室", "--district", "东湖", "--type", "platform")
    gone = entity(wkb, "光谷实验室(筹)", "--district", "东湖", "--type", "platform")
    old = visit(wkb, "--entity", "光谷实验室(筹)")
    assert old["entity_id"] == gone["id"]
    before = (root / old["path"]).read_bytes()
    assert wkb("entity", "merge", keep["id"], gone["id"]).exit_code == 0
    assert (root / old["path"]).read_bytes() == before  # never rewritten
    new = visit(wkb, "--entity", "光谷实验室(筹)")  # the old name now finds the kept entry
    assert (new["entity_id"], new["entity_match"]) == (keep["id"], "alias")
    shown = wkb("visit", "show", old["id"]).stdout
    assert f"主体编号: {gone['id']} → {keep['id']}(武汉光谷实验室)" in shown
    listed = json.loads(wkb("visit", "list", "--format", "json").stdout)
    assert [v["entity_current"]["id"] for v in listed] == [keep["id"], keep["id"]]
    shown = json.loads(wkb("entity", "show", keep["id"], "--format", "json").stdout)
    assert sorted(shown["visits"]) == sorted([old["id"], new["id"]])
    assert wkb("entity", "show", keep["id"]).stdout.splitlines()[-1].startswith("走访: 2 条(")
    assert wkb("validate").exit_code == 0


def test_validate__visit_pointing_to_no_entry(wkb, root: Path, lab: dict) -> None:
    rel = write_visit(root, make_visit(date(2026, 10, 9), entity_id="S20261001-ZZZZZZ"))
    result = wkb("validate")
    assert result.exit_code == 1
    assert f"{rel}:7: entity_id S20261001-ZZZZZZ 不在主体登记册中(或其合并形成了循环)" in result.stdout


def test_old_visit_files__read_without_entity_id_and_format_keeps_the_key_optional(
    wkb, root: Path
) -> None:
    rel = _old_visit(root, "武汉光谷实验室")
    assert "entity_id" not in (root / rel).read_text(encoding="utf-8")
    assert next(f for f in VISIT_FIELDS if f.name == "entity_id").required is False
    listed = json.loads(wkb("visit", "list", "--format", "json").stdout)
    assert (listed[0]["entity_id"], listed[0]["entity_current"]) == (None, None)


def test_report_explain__names_the_registered_entity(wkb, root: Path, lab: dict) -> None:
    linked = visit(wkb, "--entity", "光谷实验室")
    plain = visit(wkb, "--entity", "某某公司", "--district", "donghu", "--type", "team")
    table = wkb("report", "--month", "2026-11", "--explain")
    assert table.exit_code == 0, table.stderr
    line = next(x for x in table.stdout.splitlines() if x.startswith("  胡军 东湖高新区 2026-11"))
    assert f"{linked['id']}(武汉光谷实验室)" in line
    assert f"{plain['id']}(" not in line and plain["id"] in line  # unregistered: the id alone
    data = json.loads(wkb("report", "--month", "2026-11", "--explain", "--format", "json").stdout)
    assert data["visit_entities"] == {
        linked["id"]: {"entity_id": lab["id"], "name": "武汉光谷实验室"}
    }
    without = json.loads(wkb("report", "--month", "2026-11", "--format", "json").stdout)
    assert "visit_entities" not in without  # only with --explain, as the *_ids keys


def test_register_cache__a_changed_file_is_read_again(wkb, root: Path, lab: dict) -> None:
    assert wkb("entity", "list").exit_code == 0  # writes .wkb-cache/entities.json
    assert (root / ".wkb-cache/entities.json").is_file()
    path = root / lab["path"]
    path.write_text(
        path.read_text(encoding="utf-8").replace("name: 武汉光谷实验室", "name: 武汉光谷实验中心"),
        encoding="utf-8",
    )
    shown = json.loads(wkb("entity", "show", lab["id"], "--format", "json").stdout)
    assert shown["name"] == "武汉光谷实验中心"


def test_entity_show__counts_a_name_only_visit_as_stats_does(wkb, root: Path, lab: dict) -> None:
    """One same-entity rule (domain/identity): a visit recorded by name before the entry existed
    is the entry's visit in `entity show`, `report --explain` and `wkb stats` alike."""
    linked = visit(wkb, "--entity", "光谷实验室")
    rel = _old_visit(root, "武汉 光谷实验室", date(2026, 11, 2))
    old_id = rel.rsplit("_", 1)[-1].removesuffix(".yaml")
    shown = json.loads(wkb("entity", "show", lab["id"], "--format", "json").stdout)
    assert shown["visits"] == [old_id, linked["id"]]
    data = json.loads(wkb("report", "--month", "2026-11", "--explain", "--format", "json").stdout)
    assert data["visit_entities"][old_id] == {"entity_id": lab["id"], "name": "武汉光谷实验室"}
    stats = json.loads(wkb("stats", "--month", "2026-11", "--format", "json").stdout)
    assert [(e["id"], e["visits"]) for e in stats["entities"]] == [(lab["id"], 2)]
