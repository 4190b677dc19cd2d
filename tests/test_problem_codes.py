"""Problems carry a code and are translated when shown (issue 12.4); validate's JSON carries the
code beside the message."""

from __future__ import annotations

import json
import pickle
from datetime import date
from pathlib import Path

from builders import make_visit, write_visit
from wkb_tracker.domain.errors import Problem
from wkb_tracker.domain.i18n import message_code, say
from wkb_tracker.domain.settings import Settings, using


def test_problem__found_in_one_language_is_shown_in_the_other() -> None:
    problem = Problem("a.yaml", 3, say("未知的区 {d}", "unknown district {d}", d="东湖"))
    assert str(problem) == "a.yaml:3: 未知的区 东湖"
    with using(Settings(lang="en")):
        assert str(problem) == "a.yaml:3: unknown district 东湖"
        assert problem.text("zh") == "a.yaml:3: 未知的区 东湖"
    assert str(problem) == "a.yaml:3: 未知的区 东湖"
    assert problem.code == "unknown-district"


def test_problem__code_survives_a_detail_and_a_second_process() -> None:
    problem = Problem("a.yaml", 1, say("YAML 语法错误:", "YAML error: ") + "line {x}")
    assert problem.code == "yaml-error" and problem.shown("en") == "YAML error: line {x}"
    again = pickle.loads(pickle.dumps(problem))  # the loader's helper process sends problems back
    assert again == problem and again.code == "yaml-error" and again.shown("en").startswith("YAML")
    assert Problem("b.yaml", 1, "plain text").code == "problem"


def test_message_code__is_the_english_wording_before_the_first_value() -> None:
    assert message_code("unknown leader {field} {text!r}{hint}. Valid: {valid}") == "unknown-leader"
    assert message_code("{label} {d} is in the future (today is {t})") == "is-in-the-future"
    assert message_code("district_id should be {i} ({d})") == "district-id-should-be"


def test_validate_json__each_problem_with_path_line_code_and_message(wkb, root: Path) -> None:
    rel = write_visit(root, make_visit(date(2026, 11, 3), district="东湖区"))
    result = wkb("--lang", "en", "validate", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["temp_files"] == 0
    (problem,) = data["problems"]
    assert problem["path"] == rel and problem["line"] == 3
    assert problem["code"] == "unknown-district"
    assert problem["message"].startswith("unknown district district '东湖区'")
    assert problem["text"] == f"{rel}:3: {problem['message']}"
    chinese = json.loads(wkb("validate", "--format", "json").stdout)["problems"][0]
    assert chinese["code"] == "unknown-district" and chinese["message"].startswith("未知的区")


def test_validate_json__a_clean_root_is_ok(wkb) -> None:
    result = wkb("validate", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["ok"] is True


def _broken_visit(root: Path) -> str:
    rel = "data/visits/2026/11/2026-11-03_broken.yaml"
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text("id: V20261103-AAAAAA\ndate: [\n", encoding="utf-8")
    return rel


def test_report_and_due_json__problems_stay_strings_and_details_carry_the_code(
    wkb, root: Path
) -> None:
    """`problems` keeps its type (a list of `path:line: message` strings, a public contract);
    `problem_details` adds each problem's path, line, language-free code and shown message."""
    rel = _broken_visit(root)
    for command in (("report", "--month", "2026-11"), ("due",)):
        english = json.loads(wkb("--lang", "en", *command, "--format", "json").stdout)
        (text,) = english["problems"]
        assert text.startswith(f"{rel}:3: YAML error: ")
        assert english["problem_details"] == [
            {
                "path": rel,
                "line": 3,
                "code": "yaml-error",
                "message": text.removeprefix(f"{rel}:3: "),
                "text": text,
            }
        ]
        chinese = json.loads(wkb(*command, "--format", "json").stdout)
        (detail,) = chinese["problem_details"]
        assert detail["code"] == "yaml-error" and detail["message"].startswith("YAML 语法错误")
        assert chinese["problems"] == [detail["text"]]


def test_report_json__a_clean_root_has_empty_details(wkb) -> None:
    data = json.loads(wkb("report", "--month", "2026-11", "--format", "json").stdout)
    assert data["problems"] == [] and data["problem_details"] == []
