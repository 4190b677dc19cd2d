"""Lists in messages (issue 12.2): one helper, `i18n.join_names`, joins with 、 in Chinese and
", " in English, so an English message never reads "Valid: 胡军、赵峰"."""

from __future__ import annotations

from typing import Any

from wkb_tracker.domain.i18n import join_names
from wkb_tracker.domain.settings import Settings, using

ADD = ("visit", "add", "--date", "2026-11-03", "--entity", "某公司", "--type", "team")


def test_join_names__by_language() -> None:
    assert join_names(["胡军", "赵峰"]) == "胡军、赵峰"
    with using(Settings(lang="en")):
        assert join_names(["胡军", "赵峰"]) == "胡军, 赵峰"
        assert join_names(iter(["{x}"])) == "{x}"  # values are never a format template
    assert join_names([]) == ""


def test_unknown_leader_and_district__english_lists_with_commas(wkb: Any) -> None:
    leader = wkb(*ADD, "--district", "东湖", "--with", "火星人", "--lang", "en")
    assert leader.exit_code == 2
    assert "Valid: 胡军, 赵峰, " in leader.stderr and "、" not in leader.stderr
    district = wkb(*ADD, "--district", "火星", "--lang", "en")
    assert district.exit_code == 2
    assert "Valid: 东湖高新区, 武汉开发区, " in district.stderr and "、" not in district.stderr
    chinese = wkb(*ADD, "--district", "东湖", "--with", "火星人")
    assert "可选:胡军、赵峰、" in chinese.stderr


def test_join_names__limit_names_the_first_then_says_more() -> None:
    names = ["a", "b", "c", "d"]
    assert join_names(names, 3) == "a、b、c…"
    assert join_names(names, 4) == "a、b、c、d"  # none left out: nothing added
    assert join_names(iter(names), 2, more=" …") == "a、b …"
    assert join_names(names, 3, sep="; ") == "a; b; c…"
    assert join_names(["{x}", "y"], 1, more=" +{n}") == "{x} +1"  # only `more` is a template
    with using(Settings(lang="en")):
        assert join_names(names, 2, more=" and {n} more") == "a, b and 2 more"


def test_messages_listing_files_keys_and_commands__chinese_joins_with_dunhao(
    wkb: Any, root: Any
) -> None:
    """Review: these Chinese messages joined their lists with ", " (an id held by several files,
    the config keys and values, a record's known fields, the commands a typo may have meant)."""
    from datetime import date

    from builders import make_visit, write_visit

    visit = make_visit(date(2026, 11, 3))
    rel = write_visit(root, visit)
    copy = rel.replace("_donghu_", "_hanyang_")
    (root / copy).write_bytes((root / rel).read_bytes())
    held = wkb("visit", "show", visit.id)
    assert held.exit_code == 2 and f"{rel}、{copy}" in held.stderr, held.stderr
    assert f"{rel}, {copy}" in wkb("visit", "show", visit.id, "--lang", "en").stderr
    key = wkb("config", "set", "colour", "red").stderr
    assert "可用:monthly_minimum、rectify_deadline_days、" in key
    assert "lang 只能是:zh、en" in wkb("config", "set", "lang", "fr").stderr
    assert "must be one of: zh, en" in wkb("config", "set", "lang", "fr", "--lang", "en").stderr
    (root / copy).unlink()
    write_visit(root, make_visit(date(2026, 11, 4)), colour="red")
    fields = wkb("validate").stdout + wkb("validate").stderr
    assert "可用字段:id、" in fields, fields
    commands = wkb("xyzzy").stderr
    assert "没有命令 xyzzy;可用:" in commands and ", " not in commands, commands
