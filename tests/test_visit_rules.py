"""The one visit rule set (issue 12.2), in memory: every rule `visit add`/`visit edit` raise and
`wkb validate` reports, with where in the file it points. No files are read or written."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from builders import make_policy, make_visit
from wkb_tracker.domain.dates import SHANGHAI
from wkb_tracker.domain.errors import UserError
from wkb_tracker.domain.model import VoidMark
from wkb_tracker.domain.visit_rules import OPTION_LABELS, check_visit, visit_findings

TODAY = date(2026, 11, 25)
POLICY = make_policy()


def findings(**fields: object) -> list[tuple[tuple[str | int, ...], str]]:
    return list(visit_findings(POLICY, make_visit(date(2026, 11, 3), **fields), today=TODAY))


def test_visit_findings__a_clean_visit_breaks_no_rule() -> None:
    assert findings() == []


@pytest.mark.parametrize(
    ("fields", "where", "words"),
    [
        ({"date": date(2026, 11, 26)}, ("date",), "date 2026-11-26 在未来"),
        ({"district": "东湖"}, ("district",), "未知的区 district '东湖'(是不是 东湖高新区?)"),
        ({"district_id": "hanyang"}, ("district_id",), "district_id 应为 donghu(东湖高新区)"),
        ({"date": date(2021, 2, 1)}, ("date",), "早于 东湖高新区 在责任分工表中的第一条分工"),
        ({"leader": "胡君"}, ("leader",), "未知的责任领导 leader '胡君'(是不是 胡军?)"),
        ({"leader": " 胡军"}, ("leader",), "leader 前后不能有空格"),
        ({"type": "enterprise"}, ("type",), "未知的主体类型 type 'enterprise'"),
        ({"mode": "走访"}, ("mode",), "未知的联系方式 mode '走访'"),
        ({"measures": (14, 18)}, ("measures", 1), "measures 须为 1–17 的措施编号,收到 '18'"),
        ({"entity": ""}, ("entity",), "entity 不能为空"),
        ({"entity": "光谷 "}, ("entity",), "entity 前后不能有空格"),
        ({"summary": "a\x07b"}, ("summary",), "summary 含不允许的控制字符"),
        ({"recorder": "张\n三"}, ("recorder",), "recorder 含不允许的控制字符"),
        ({"late_reason": " "}, ("late_reason",), "late_reason 不能为空"),
        ({"late_approved_by": "主任 "}, ("late_approved_by",), "late_approved_by 前后不能有空格"),
        ({"problems": ("好", " 坏")}, ("problems", 1), "problems 前后不能有空格"),
        ({"participants": ("李\n四",)}, ("participants", 0), "participants 含不允许的控制字符"),
        ({"summary": "x" * 2001}, ("summary",), "summary 过长:2001 个字符"),
    ],
)
def test_visit_findings__each_rule_points_at_its_field(
    fields: dict[str, object], where: tuple[str | int, ...], words: str
) -> None:
    found = findings(**fields)
    assert [place for place, _message in found] == [where]
    assert words in found[0][1]


def test_visit_findings__a_void_mark_needs_a_reason() -> None:
    void = VoidMark(" ", "张三", datetime(2026, 11, 4, 9, 0, tzinfo=SHANGHAI))
    assert [where for where, _m in findings(void=void)] == [("void", "reason")]


def test_visit_findings__lists_every_broken_rule_for_validate() -> None:
    found = findings(leader="胡君", type="企业", measures=(0, 18))
    assert [where for where, _m in found] == [
        ("leader",),
        ("type",),
        ("measures", 0),
        ("measures", 1),
    ]


def test_check_visit__raises_the_first_rule_with_the_option_names(monkeypatch) -> None:
    monkeypatch.setenv("WKB_TODAY", TODAY.isoformat())
    visit = make_visit(date(2026, 11, 3), district="东湖", leader="胡君")
    with pytest.raises(UserError) as raised:
        check_visit(POLICY, visit, OPTION_LABELS)
    assert str(raised.value).startswith("未知的区 --district '东湖'")


def test_check_visit__warns_when_the_leader_was_not_responsible_that_day(monkeypatch) -> None:
    monkeypatch.setenv("WKB_TODAY", TODAY.isoformat())
    warnings = check_visit(POLICY, make_visit(date(2026, 11, 3), leader="赵峰"))
    assert len(warnings) == 1 and "不计入 东湖高新区 的第十四条每月要求" in warnings[0]


def test_clean_text__its_quick_search_refuses_exactly_the_refused_categories() -> None:
    """`clean_text` looks for refused characters with one regex (validate checks every text of
    every record): its classes hold exactly the characters of the refused categories, over every
    code point of this Python's Unicode, line breaks and tabs aside where a field spans lines.
    It skips the regex for a printable text: no refused character is printable."""
    import unicodedata

    from wkb_tracker.domain import text

    refused = {c for c in range(0x110000) if unicodedata.category(chr(c)) in text._REFUSED}
    # Every code point in one string, each at its own index: where the one-character pattern
    # matches in it is where it matches the character alone (one search, not 1.1 million).
    everything = "".join(map(chr, range(0x110000)))

    def found(pattern: re.Pattern[str]) -> set[int]:
        matches = list(pattern.finditer(everything))
        assert all(m.end() - m.start() == 1 for m in matches)  # one character at a time
        return {m.start() for m in matches}

    assert found(text.refused_pattern(False)) == refused
    in_lines = {c for c in refused if chr(c) not in "\n\t"}
    assert found(text.refused_pattern(True)) == in_lines
    assert not any(chr(c).isprintable() for c in refused)


def test_visit_findings__a_joint_leader_is_checked_by_exact_name_like_the_leading_one() -> None:
    """A prefix is for what a clerk types (`--with 赵`), not for a record: a stored 陪同 name
    must be the table's, as the leading leader's must."""
    assert findings(leader="胡军", joint_leaders=("赵峰",)) == []
    found = findings(leader="胡军", joint_leaders=("赵",))
    assert [where for where, _message in found] == [("joint_leaders", 0)]
