"""What people read in `wkb stats` (issue 14.4, review findings): what the total row counts,
entities that share a name, and the table output's section boundaries at 80 and 120 columns."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from builders import make_visit, write_item, write_visit
from conftest import Invoke
from test_stats import NOV, fixture_items, fixture_visits
from wkb_tracker.domain import stats
from wkb_tracker.domain.entities import Entity, Register
from wkb_tracker.report import stats_screen
from wkb_tracker.report.stats_view import entity_labels, stats_dict, total_label, total_note

E1, E2 = "S20261101-AAAAA1", "S20261101-AAAAA2"  # two entries named alike
LINKONGGANG = {"district": "临空港开发区", "district_id": "linkonggang", "leader": "刘红"}


def test_stats_view__two_entries_sharing_a_name_are_two_entities() -> None:
    """The totals counted entities by the name shown: two register entries named alike were one
    entity, with the visits of whichever came last (here: E1's two visits were lost, so the
    total said nobody was visited repeatedly)."""
    register = Register(
        [
            Entity("E1", "某科技公司", district="东湖高新区", district_id="donghu"),
            Entity("E2", "某科技公司", district="江岸区", district_id="jiangan"),
        ]
    )
    visits = [
        make_visit(date(2026, 11, 3), entity="某科技公司", entity_id="E1"),
        make_visit(date(2026, 11, 10), entity="某科技公司", entity_id="E1"),
        make_visit(date(2026, 11, 12), entity="某科技公司", entity_id="E2"),
    ]

    view = stats_dict(stats.compute(visits, [], *NOV, register=register))

    assert [(e["id"], e["visits"]) for e in view["entities"]] == [("E1", 2), ("E2", 1)]
    totals = view["totals"]
    assert (totals["entities"], totals["entities_once"], totals["entities_repeated"]) == (2, 1, 1)
    assert entity_labels(view["entities"]) == ["某科技公司(E1)", "某科技公司(E2)"]  # told apart


def test_stats_cli__by_entity_one_row_per_entity_not_per_name(
    wkb: Invoke, root: Path, tmp_path: Path
) -> None:
    """Reported: `--by entity` named its groups by the entity's name, so two register entries
    called 某科技公司 (registered in two clones, one in 东湖, one in 江岸) were one row with
    3 visits of "2 entities". Now one row each, told apart by register id in every format
    (JSON: `entity_id` beside `key`), computed or from the cache's parts alike."""
    from wkb_tracker.store.entity_store import write_new

    for entity_id, district, district_id in (
        (E1, "东湖高新区", "donghu"),
        (E2, "江岸区", "jiangan"),
    ):
        write_new(root, Entity(entity_id, "某科技公司", district=district, district_id=district_id))
    jiangan = {"district": "江岸区", "district_id": "jiangan", "leader": "徐涛"}
    for visit in (
        make_visit(date(2026, 11, 3), entity="某科技公司", entity_id=E1),
        make_visit(date(2026, 11, 10), entity="某科技公司", entity_id=E1),
        make_visit(date(2026, 11, 12), entity="某科技公司", entity_id=E2, **jiangan),
        make_visit(date(2026, 11, 13), entity="某研究院", **jiangan),
    ):
        write_visit(root, visit)
    ask = ("stats", "--month", "2026-11", "--by", "entity")

    view = json.loads(wkb(*ask, "--format", "json").stdout)

    assert [(g["key"], g["visits"]) for g in view["groups"]] == [  # was [(某科技公司, 3), (某研究院, 1)]
        ("某科技公司", 2),
        ("某研究院", 1),
        ("某科技公司", 1),
    ]
    assert [(g["key"], g["entity_id"], g["visits"], g["entities"]) for g in view["groups"]] == [
        ("某科技公司", E1, 2, 1),
        ("某研究院", None, 1, 1),
        ("某科技公司", E2, 1, 1),
    ]
    assert json.loads(wkb(*ask, "--format", "json", "--no-cache").stdout) == view
    assert json.loads(wkb(*ask, "--format", "json").stdout) == view  # the whole answer kept
    csv_rows = wkb(*ask, "--format", "csv").stdout.splitlines()[1:]
    assert csv_rows == [
        f"某科技公司({E1}),2,1,0,1,0,0",
        "某研究院,1,1,1,0,0,0",
        f"某科技公司({E2}),1,1,1,0,0,0",
        "合计,4,3,2,1,0,0",
    ]
    table = wkb(*ask, "--no-cache").stdout
    assert table.count(f"某科技公司({E1})") == 2 and table.count(f"某科技公司({E2})") == 2  # groups, entities
    assert f"| 某科技公司({E2}) | 1 | 1 | 1 | 0 | 0 | 0 |" in wkb(*ask, "--format", "markdown").stdout
    assert f"某科技公司({E2})</td>" in wkb(*ask, "--format", "html").stdout
    workbook = tmp_path / "统计.xlsx"
    assert wkb(*ask, "--output", str(workbook)).exit_code == 0
    import openpyxl

    rows = list(openpyxl.load_workbook(workbook)["分组统计"].iter_rows(values_only=True))
    assert [row[:2] for row in rows[-4:-1]] == [(f"某科技公司({E1})", 2), ("某研究院", 1), (f"某科技公司({E2})", 1)]
    english = wkb(*ask, "--format", "csv", "--lang", "en").stdout
    assert f"某科技公司 ({E2}),1,1,1,0,0,0" in english


def test_stats_view__the_total_says_it_counts_each_entity_once() -> None:
    """An entity visited once in each of two districts is "visited once" in both rows and
    "visited repeatedly" in the total: the table says why the total is not the rows' sum."""
    visits = [
        make_visit(date(2026, 11, 3), entity="某科技公司"),
        make_visit(date(2026, 11, 10), entity="某科技公司", **LINKONGGANG),
    ]
    view = stats_dict(stats.compute(visits, [], *NOV))
    assert [(g["entities_once"], g["entities_repeated"]) for g in view["groups"]] == [(1, 0), (1, 0)]
    assert (view["totals"]["entities_once"], view["totals"]["entities_repeated"]) == (0, 1)

    note = total_note(view)

    assert note is not None and note.startswith("注:合计按整个统计期计,每个主体只计一次")
    by_entity = stats_dict(stats.compute(visits, [], *NOV, by="entity"))
    assert total_note(by_entity) is None  # the rows add up: nothing to explain
    by_tag = stats_dict(stats.compute([make_visit(date(2026, 11, 3), measures=(14, 15))], [], *NOV, by="tag"))
    assert "在每个分组都计入,合计只计一次" in (total_note(by_tag) or "")
    labels = [total_label(one) for one in (view, by_entity, by_tag)]
    assert labels == ["合计(每个主体计一次)", "合计", "合计(每个主体、每次走访计一次)"]


def test_stats_cli__the_note_is_under_the_table_and_the_workbook_says_it_on_the_row(
    wkb: Invoke, root: Path, tmp_path: Path
) -> None:
    for visit in (
        make_visit(date(2026, 11, 3), entity="某科技公司"),
        make_visit(date(2026, 11, 10), entity="某科技公司", **LINKONGGANG),
    ):
        write_visit(root, visit)

    lines = wkb("stats", "--month", "2026-11").stdout.splitlines()
    csv_text = wkb("stats", "--month", "2026-11", "--format", "csv").stdout
    markdown = wkb("stats", "--month", "2026-11", "--format", "markdown").stdout

    total = next(n for n, line in enumerate(lines) if line.strip().startswith("合计"))
    assert lines[total + 1].strip() == "" and lines[total + 2].startswith("注:合计按整个统计期计")
    assert "注" not in csv_text and csv_text.splitlines()[-1] == "合计,2,1,0,1,0,0"  # unchanged
    assert "| 合计(每个主体计一次) | 2 | 1 | 0 | 1 | 0 | 0 |" in markdown  # no line under it there
    workbook = tmp_path / "统计.xlsx"
    assert wkb("stats", "--month", "2026-11", "--output", str(workbook)).exit_code == 0
    import openpyxl

    rows = list(openpyxl.load_workbook(workbook)["分组统计"].iter_rows(values_only=True))
    assert rows[-1] == ("合计(每个主体计一次)", 2, 1, 0, 1, 0, 0)


TITLES = {
    "zh": (
        "服务对象统计",
        "各主体走访与问题",
        "重复问题(",
        "名录中期内未走访的创新主体",
        "整改事项来源",
    ),
    "en": (
        "who was served",
        "visits and problems per entity",
        "repeat problems (",
        "registered entities not visited",
        "rectification items by source",
    ),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("columns", ["80", "120"])
def test_stats_table__one_blank_line_before_every_section(
    wkb: Invoke, root: Path, columns: str, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review: at 80 columns the repeat problems, printed as blocks (too narrow for a table),
    ran into the next heading. Every section — each table, the line saying rows were left out,
    the total's note — ends in one blank line, whatever the layout."""
    monkeypatch.setattr(stats_screen, "DETAIL_ROWS", 1)  # so both detail tables say "showing 1 of"
    assert wkb("entity", "add", "某孵化器", "--district", "江岸").exit_code == 0
    for visit in [*fixture_visits(), make_visit(date(2026, 11, 20), entity="某研究院", **LINKONGGANG)]:
        write_visit(root, visit)
    for item in fixture_items():
        write_item(root, item)

    result = wkb("stats", "--month", "2026-11", "--lang", lang, env={"COLUMNS": columns})

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    starts = [n for n, line in enumerate(lines) for title in TITLES[lang] if line.startswith(title)]
    assert len(starts) == 5, result.stdout
    for start in starts[1:]:
        assert lines[start - 1].strip() == "" and lines[start - 2].strip() != "", (
            f"no single blank line before {lines[start]!r}:\n{result.stdout}"
        )
    assert lines[-1].strip() == "" and lines[-2].strip() != ""
    cut = {"zh": "仅显示前 1 行", "en": "showing 1 of"}[lang]
    showing = [n for n, line in enumerate(lines) if line.startswith(cut)]
    assert len(showing) == 2 and all(lines[n + 1].strip() == "" for n in showing)


def test_stats_table__english_district_table_fits_80_columns(wkb: Invoke, root: Path) -> None:
    """The English `--by district` table was one cell too wide for 80 columns (临空港开发区 and
    "visited repeatedly") and fell back to one block per district; on screen the header reads
    "visited 2+ times" (files keep "visited repeatedly")."""
    write_visit(root, make_visit(date(2026, 11, 3), entity="某科技公司", **LINKONGGANG))

    table = wkb("stats", "--month", "2026-11", "--lang", "en", env={"COLUMNS": "80"}).stdout
    csv_text = wkb("stats", "--month", "2026-11", "--lang", "en", "--format", "csv").stdout

    assert any(line.startswith("  临空港开发区 ") and line.rstrip().endswith("0") for line in table.splitlines())
    assert "visits: 1" not in table  # not the block layout
    assert "visited repeatedly" in csv_text.splitlines()[0]


def test_stats_table__registered_entities_named_alike_not_visited_are_told_apart(
    wkb: Invoke, root: Path
) -> None:
    """The table of registered entities not visited listed 「某科技公司、某科技公司」: the same
    name twice, with nothing to tell which entries they are (the files have an id column)."""
    from wkb_tracker.store.entity_store import write_new

    for entity_id in (E1, E2):
        write_new(root, Entity(entity_id, "某科技公司", district="江岸区", district_id="jiangan"))
    write_new(root, Entity("S20261101-AAAAA3", "某研究院", district="江岸区", district_id="jiangan"))

    table = wkb("stats", "--month", "2026-11").stdout

    assert f"某研究院、某科技公司({E1})、某科技公司({E2})" in table, table


def test_stats_table__a_long_list_of_entities_not_visited_says_it_was_cut(
    wkb: Invoke, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The names of a district's entities not visited were cut at DETAIL_ROWS without a word:
    the list read as complete. It now ends saying how many more there are (JSON has them all)."""
    from wkb_tracker.store.entity_store import write_new

    monkeypatch.setattr(stats_screen, "DETAIL_ROWS", 2)
    for n, name in enumerate(["某研究院", "某科技公司", "某孵化器"], start=1):
        write_new(root, Entity(f"S20261101-AAAAB{n}", name, district="江岸区", district_id="jiangan"))

    zh = wkb("stats", "--month", "2026-11", env={"COLUMNS": "120"}).stdout
    en = wkb("stats", "--month", "2026-11", "--lang", "en", env={"COLUMNS": "120"}).stdout

    assert "某孵化器、某研究院…等 1 个" in zh, zh
    assert "某孵化器, 某研究院 … and 1 more" in en, en
