"""`wkb stats` against figures counted by hand on a small fixture (issue 14.4)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from builders import make_item, make_visit, write_item, write_visit
from conftest import Invoke
from wkb_tracker.domain import stats
from wkb_tracker.domain.model import Visit, VoidMark
from wkb_tracker.report.stats_view import stats_dict

JIANGAN = {"district": "江岸区", "district_id": "jiangan", "leader": "徐涛"}
NOV = (date(2026, 11, 1), date(2026, 11, 30))


def fixture_visits() -> list[Visit]:
    """Counted by hand for November 2026 (window 180 days):

    entity A 武汉光谷实验室: 10-20 (before the period) 实验用房不足; 11-03 实验室用房紧张 + 融资难;
      11-10 (written 「武汉 光谷实验室」: the same entity) no problem
    entity B 某科技公司: 11-12 融资困难
    entity C 某研究院: 11-15 人才公寓不足; 11-16 void (not counted)
    an April visit of A with 人才公寓不足 lies outside the window of C's 11-15 problem.

    → visits 4; entities 3 (A twice, B and C once); problems 4; repeats 2: A's 用房 (same entity,
      0.615 against 10-20) and B's 融资困难 (another entity, 0.857 against A's 融资难 of 11-03).
    """
    a = {"entity": "武汉光谷实验室"}
    return [
        make_visit(date(2026, 4, 1), **a, problems=("人才公寓不足",)),
        make_visit(date(2026, 10, 20), **a, problems=("实验用房不足",)),
        make_visit(date(2026, 11, 3), **a, measures=(14,), problems=("实验室用房紧张", "融资难")),
        make_visit(date(2026, 11, 10), entity="武汉 光谷实验室", measures=(), mode="座谈交流"),
        make_visit(
            date(2026, 11, 12),
            **JIANGAN,
            entity="某科技公司",
            type="科技企业",
            measures=(14, 15),
            problems=("融资困难",),
        ),
        make_visit(date(2026, 11, 15), **JIANGAN, entity="某研究院", measures=(), problems=("人才公寓不足",)),
        make_visit(
            date(2026, 11, 16),
            **JIANGAN,
            entity="某研究院",
            problems=("人才公寓不足",),
            void=VoidMark("重复录入", "测试员", make_visit(date(2026, 11, 16)).recorded_at),  # type: ignore[arg-type]
        ),
    ]


def fixture_items() -> list:  # type: ignore[type-arg]
    return [
        make_item(date(2026, 10, 1)),
        make_item(date(2026, 11, 5)),
        make_item(date(2026, 11, 20), source="督查"),
    ]


def test_stats__hand_counted_figures_by_district() -> None:
    view = stats_dict(stats.compute(fixture_visits(), fixture_items(), *NOV, window_days=180))

    assert view["totals"] == {
        "visits": 4,
        "entities": 3,
        "entities_once": 2,
        "entities_repeated": 1,
        "problems": 4,
        "repeat_problems": 2,
        "repeat_problems_same_entity": 1,
        "repeat_problems_other_entity": 1,
        "rectifications": 2,
        "registered": None,  # no register: the never-visited part is left out
        "registered_never_visited": None,
    }
    assert view["never_visited"] is None
    assert view["groups"] == [
        {"key": "东湖高新区", "visits": 2, "entities": 1, "entities_once": 0,
         "entities_repeated": 1, "problems": 2, "repeat_problems": 1, "entity_id": None},
        {"key": "江岸区", "visits": 2, "entities": 2, "entities_once": 2,
         "entities_repeated": 0, "problems": 2, "repeat_problems": 1, "entity_id": None},
    ]
    assert [(e["entity"], e["visits"], e["problems"], e["repeat_problems"]) for e in view["entities"]] == [
        ("武汉 光谷实验室", 2, 2, 1),
        ("某研究院", 1, 1, 0),
        ("某科技公司", 1, 1, 1),
    ]
    repeats = [
        (r["date"], r["problem"], r["scope"], r["similarity"], r["earlier"]["date"], r["earlier"]["problem"])
        for r in view["repeat_problems"]
    ]
    assert repeats == [
        ("2026-11-03", "实验室用房紧张", "entity", 0.615, "2026-10-20", "实验用房不足"),
        ("2026-11-12", "融资困难", "bureau", 0.857, "2026-11-03", "融资难"),
    ]
    assert view["rectifications_by_source"] == {"督查": 1, "自查": 1}


def test_stats__a_shorter_window_and_other_groupings() -> None:
    narrow = stats_dict(stats.compute(fixture_visits(), [], *NOV, window_days=10))
    assert [r["problem"] for r in narrow["repeat_problems"]] == ["融资困难"]  # 9 days back; 10-20 is 14

    by_tag = stats_dict(stats.compute(fixture_visits(), [], *NOV, by="tag"))
    assert [(g["key"], g["visits"]) for g in by_tag["groups"]] == [
        ("—", 2),
        ("第14条", 2),
        ("第15条", 1),
    ]
    by_mode = stats_dict(stats.compute(fixture_visits(), [], *NOV, by="mode"))
    assert [(g["key"], g["visits"]) for g in by_mode["groups"]] == [("实地走访", 3), ("座谈交流", 1)]


def test_stats__two_lines_of_one_visit_are_not_a_repeat_of_each_other() -> None:
    visit = make_visit(date(2026, 11, 3), problems=("融资难", "融资困难"))
    assert stats.compute([visit], [], *NOV).repeats == []


def test_stats_cli__json_and_csv(wkb: Invoke, root: Path) -> None:
    for visit in fixture_visits():
        write_visit(root, visit)
    for item in fixture_items():
        write_item(root, item)

    result = wkb("stats", "--month", "2026-11", "--format", "json")

    assert result.exit_code == 0, result.stderr
    view = json.loads(result.stdout)
    assert list(view) == [  # the JSON contract: keys are only ever added
        "period", "by", "repeat_window_days", "similarity_threshold", "totals", "groups",
        "entities", "repeat_problems", "rectifications_by_source", "never_visited",
    ]
    assert view["period"] == {"from": "2026-11-01", "to": "2026-11-30"}
    assert view["totals"]["repeat_problems"] == 2 and view["repeat_window_days"] == 180
    assert view["rectifications_by_source"] == {"督查": 1, "自查": 1}  # the October item is not read
    csv_text = wkb("stats", "--month", "2026-11", "--by", "leader", "--format", "csv").stdout
    assert csv_text.splitlines()[1:] == ["徐涛,2,2,2,0,2,1", "胡军,2,1,0,1,2,1", "合计,4,3,2,1,4,2"]
    wkb("config", "set", "repeat_window_days", "10")
    assert json.loads(wkb("stats", "--month", "2026-11", "--format", "json").stdout)["totals"][
        "repeat_problems"
    ] == 1
    table = wkb("stats", "--month", "2026-11").stdout
    assert "重复问题" in table and "融资困难" in table


def test_stats_cli__workbook_has_every_table_with_the_json_figures(
    wkb: Invoke, root: Path, tmp_path: Path
) -> None:
    import openpyxl

    for visit in fixture_visits():
        write_visit(root, visit)
    target = tmp_path / "统计.xlsx"

    result = wkb("stats", "--month", "2026-11", "--output", str(target))

    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[:4] == ["分组统计", "创新主体", "重复问题", "整改来源"]
    groups = [[cell.value for cell in row] for row in book["分组统计"].iter_rows(min_row=2)]
    assert ["合计", 4, 3, 2, 1, 4, 2] in groups
    repeats = list(book["重复问题"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2], r[3]) for r in repeats if r[0] is not None] == [
        ("武汉光谷实验室", "实验室用房紧张", "同一主体"),
        ("某科技公司", "融资困难", "其他主体"),
    ]


def test_stats__with_a_register(wkb: Invoke, root: Path) -> None:
    """Registered: A 武汉光谷实验室 (东湖, 高企培育库, alias 光谷实验室), B 某科技公司 (江岸), D 某孵化器
    (江岸, 孵化器) and E 洪山某公司 (洪山). The fixture visits A (as 「武汉 光谷实验室」 too) and B;
    C 某研究院 is not registered. Never visited in November: D (江岸区, 徐涛) and E (洪山区, 盛继亮)."""
    for args in (
        ("武汉光谷实验室", "--district", "东湖", "--tag", "高企培育库", "--alias", "光谷实验室"),
        ("某科技公司", "--district", "江岸"),
        ("某孵化器", "--district", "江岸", "--tag", "孵化器"),
        ("洪山某公司", "--district", "洪山"),
    ):
        assert wkb("entity", "add", *args).exit_code == 0
    for visit in fixture_visits():
        write_visit(root, visit)

    view = json.loads(wkb("stats", "--month", "2026-11", "--by", "tag", "--format", "json").stdout)

    assert (view["totals"]["registered"], view["totals"]["registered_never_visited"]) == (4, 2)
    assert view["totals"]["entities"] == 3 and view["totals"]["repeat_problems"] == 2
    assert [(b["district"], b["leader"], [e["name"] for e in b["entities"]]) for b in view["never_visited"]] == [
        ("江岸区", "徐涛", ["某孵化器"]),
        ("洪山区", "盛继亮", ["洪山某公司"]),
    ]
    a = next(e for e in view["entities"] if e["entity"] == "武汉光谷实验室")
    assert a["visits"] == 2 and a["id"] is not None
    assert ("高企培育库", 2) in [(g["key"], g["visits"]) for g in view["groups"]]
    table = wkb("stats", "--month", "2026-11").stdout
    assert "名录中期内未走访的创新主体(共 2 个)" in table and "某孵化器" in table


def test_stats_cli__the_group_header_is_in_one_language(wkb: Invoke, root: Path) -> None:
    """Review 2026-12-01: the Chinese header read 分组(district), the English key in a Chinese
    table and CSV."""
    for visit in fixture_visits():
        write_visit(root, visit)

    zh = wkb("stats", "--month", "2026-11", "--by", "leader", "--format", "csv").stdout
    en = wkb("stats", "--month", "2026-11", "--lang", "en", "--format", "csv").stdout

    assert zh.lstrip("\ufeff").splitlines()[0].startswith("分组(责任领导),走访次数")
    assert en.lstrip("\ufeff").splitlines()[0].startswith("group (district),visits")
    assert "分组(区)" in wkb("stats", "--month", "2026-11").stdout


def test_stats__a_negative_window_still_counts_every_visit_of_the_period() -> None:
    """Regression (review of the one-sort rewrite): with window_days < 0 the repeat window
    starts after the period does, and the period's first visits were dropped from the counts."""
    figures = stats.compute(fixture_visits(), [], *NOV, window_days=-5)
    assert figures.visits == 4 and figures.problems == 4
