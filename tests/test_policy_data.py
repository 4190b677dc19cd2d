"""The bundled policy data against the notice itself (docs/notice.txt is the published text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wkb_tracker.store.policy_files import load_policy

REPO = Path(__file__).resolve().parents[1]
NOTICE = (REPO / "docs" / "notice.txt").read_text(encoding="utf-8")

# The attachment table, row for row, as printed in the notice (阮聪 without the page's digits).
TABLE = [
    ("东湖高新区", "胡军", "副局长", "高新处", "彭华魁"),
    ("武汉开发区", "赵峰", "副局长", "成果处", "程乐学"),
    ("临空港开发区", "刘红", "二级巡视员", "平台处", "刘维华"),
    ("江岸区", "徐涛", "副局长", "项目中心", "亓巍"),
    ("江汉区", "余文珠", "一级调研员", "机关党委", "石俊马"),
    ("硚口区", "金开红", "一级调研员", "规划处", "郑雪"),
    ("汉阳区", "胡军", "副局长", "转化中心", "李少良"),
    ("武昌区", "王振旭", "副局长", "合作处", "黄静"),
    ("青山区", "王振旭", "副局长", "发促中心", "胡远"),
    ("洪山区", "盛继亮", "局长", "法制处", "王建平"),
    ("江夏区", "赵峰", "副局长", "企业中心", "郭峰"),
    ("蔡甸区", "金开红", "一级调研员", "财务处", "杨敏华"),
    ("黄陂区", "盛继亮", "局长", "农社处", "王琼姣"),
    ("新洲区", "余文珠", "一级调研员", "办公室", "阮聪"),
]


def test_bundled_policy__loads_without_problems() -> None:
    policy, problems = load_policy(REPO)
    assert problems == []
    assert len(policy.sections) == 4
    assert len(policy.measures) == 17
    assert policy.monthly_minimum == 2


def test_districts_json__matches_the_attachment_table_field_for_field(wkb) -> None:
    result = wkb("districts", "--as-of", "2021-07-01", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [
        (r["name"], r["leader"], r["title"], r["department"], r["contact"]) for r in rows
    ] == TABLE
    assert all(r["from"] == "2021-07-01" and r["to"] is None for r in rows)
    assert len({r["id"] for r in rows}) == 14
    assert all(r["id"].isascii() for r in rows)


def test_districts__before_the_notice_is_empty(wkb) -> None:
    result = wkb("districts", "--as-of", "2021-06-30", "--format", "json")
    assert json.loads(result.stdout) == []


def test_leaders__eight_with_their_districts(wkb) -> None:
    result = wkb("leaders", "--format", "json")
    leaders = json.loads(result.stdout)
    assert [row["name"] for row in leaders] == [
        "胡军",
        "赵峰",
        "刘红",
        "徐涛",
        "余文珠",
        "金开红",
        "王振旭",
        "盛继亮",
    ]
    two = {row["name"] for row in leaders if len(row["districts"]) == 2}
    assert two == {"胡军", "赵峰", "王振旭", "金开红", "余文珠", "盛继亮"}
    assert next(r for r in leaders if r["name"] == "胡军")["districts"] == ["东湖高新区", "汉阳区"]


def test_measures__verbatim_from_the_notice(wkb) -> None:
    result = wkb("measures", "--format", "json")
    measures = json.loads(result.stdout)
    numerals = [
        "一",
        "二",
        "三",
        "四",
        "五",
        "六",
        "七",
        "八",
        "九",
        "十",
        "十一",
        "十二",
        "十三",
        "十四",
        "十五",
        "十六",
        "十七",
    ]
    assert [m["number"] for m in measures] == list(range(1, 18))
    assert [m["numeral"] for m in measures] == numerals
    joined = NOTICE.replace("将以创新主体需求为导向\n\n持续优化", "将以创新主体需求为导向持续优化")
    for measure in measures:
        assert f"({measure['numeral']}){measure['text']}" in joined
        assert measure["text"].startswith(measure["title"] + "。")
        assert "。" not in measure["title"]
    sections = {(m["section"], m["section_title"]) for m in measures}
    assert sections == {
        ("一", "更大力度优化政务服务环境"),
        ("二", "更大力度改进科技监管方式"),
        ("三", "更大力度提升科技服务质效"),
        ("四", "更大力度完善工作推进机制"),
    }
    assert [m["section"] for m in measures].count("四") == 4


def test_measures_show__fourteen_in_english_keys(wkb) -> None:
    result = wkb("measures", "show", "14", "--format", "json")
    measure = json.loads(result.stdout)
    assert measure["title"] == "建立领导干部服务创新主体机制"
    assert "每月对口联系区内创新主体不少于2次" in measure["text"]


def test_measures_show__unknown_number_is_refused(wkb) -> None:
    result = wkb("measures", "show", "18")
    assert result.exit_code == 2
    assert "1–17" in result.stderr


def test_policy_files__carry_no_page_artefacts() -> None:
    for name in ("measures.yaml", "districts.yaml"):
        text = (REPO / "data" / name).read_text(encoding="utf-8")
        assert "今天是" not in text
        assert "阮聪1" not in text


@pytest.mark.parametrize("name", ["measures.yaml", "districts.yaml"])
def test_bundled_copy__is_the_repository_data(name: str) -> None:
    from wkb_tracker.store.root import bundled_policy_file

    assert bundled_policy_file(name) == (REPO / "data" / name).read_bytes()


@pytest.mark.parametrize(
    "args",
    [
        ("districts", "assign", "汉阳", "--leader", "赵峰", "--from", "2027-01-01"),
        ("visit", "add", "--date", "2026-11-03", "--district", "donghu", "--entity", "光谷"),
        ("rectify", "add", "--district", "donghu", "--source", "自查", "--problem", "问题"),
        ("report",),
        ("due",),
        ("leaders",),
    ],
)
def test_broken_policy_file__stops_every_command_with_exit_1(wkb, root: Path, args) -> None:
    """One policy guard (issue 12.2): `districts assign` exited 2 here while the others exit 1."""
    (root / "data" / "districts.yaml").write_text("entries: 3\n", encoding="utf-8")
    result = wkb(*args)
    assert result.exit_code == 1, result.stderr
    assert "data/districts.yaml:1:" in result.stderr
