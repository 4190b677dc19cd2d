"""Prompts with line editing and completion, and shell completion from the records root
(issue 16.3)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from builders import make_item, make_visit, write_item, write_visit
from wkb_tracker.cli import app, completion, prompting


class _Ctx:
    """What a completion callback uses of click's context: the root's parsed --root."""

    def __init__(self, root: Path | None) -> None:
        self.params = {"root": str(root) if root else None}

    def find_root(self) -> Any:
        return self


def test_completer__district_names_ids_and_prefixes() -> None:
    candidates = ["东湖高新区", "洪山区", "江岸区", "江汉区", "donghu", "hongshan", "jiangan"]
    complete = prompting.completer(candidates)
    assert [complete("江", n) for n in range(3)] == ["江岸区", "江汉区", None]
    assert complete("DONG", 0) == "donghu"
    assert complete("东湖高新区", 0) == "东湖高新区"
    assert complete("武", 0) is None


def test_line_editing__only_for_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prompting, "_tried", False)
    monkeypatch.setattr(prompting, "_readline", None)
    monkeypatch.setattr("sys.stdin", io.StringIO("piped\n"))
    assert prompting.line_editing() is None  # a script's answers: no readline
    monkeypatch.setattr(prompting, "_tried", False)
    terminal = io.StringIO()
    terminal.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stdin", terminal)
    readline = prompting.line_editing()
    assert readline is not None and readline.__name__ == "readline"  # Linux has it
    with prompting.completing(["胡军", "胡明"]):
        assert readline.get_completer()("胡", 1) == "胡明"
        assert readline.get_completer_delims() == "\t\n"


def test_print_choices__columns_never_break_a_name(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    names = ["东湖高新区", "武汉开发区", "临空港开发区", "江岸区", "洪山区", "长江新区"]
    for width in ("30", "80"):
        monkeypatch.setenv("COLUMNS", width)
        prompting.print_choices("可选的区:", names)
        lines = capsys.readouterr().err.splitlines()
        assert lines[0] == "可选的区:"
        shown = " ".join(lines[1:])
        for number, name in enumerate(names, 1):
            assert f"{number}.{name}" in shown, (width, lines)
    assert len(lines) == 2  # at 80 columns: one row


def test_shell_completion__names_from_the_root(root: Path) -> None:
    ctx = _Ctx(root)
    assert completion.districts(ctx, "江") == ["江岸区", "江汉区", "江夏区"]
    assert completion.districts(ctx, "jiang") == ["jiangan", "jianghan", "jiangxia"]
    assert "东湖高新区" in completion.districts(ctx, "东") and "donghu" in completion.districts(
        ctx, "dong"
    )
    assert completion.leaders(ctx, "余") == ["余文珠"]
    assert completion.leaders(_Ctx(root / "nowhere"), "余") == []  # silent without a root


def test_shell_completion__record_ids_from_folder_names(root: Path) -> None:
    october = write_visit(root, make_visit(date(2026, 10, 3)))
    november = write_visit(root, make_visit(date(2026, 11, 4)))
    item = make_item(date(2026, 11, 5))
    write_item(root, item)
    (root / "data" / "rectifications" / "2026" / "11" / f"{item.id}.E1-X.yaml").write_text(
        "id: x\n", encoding="utf-8"
    )  # an event file is not an item
    ctx = _Ctx(root)
    visit_10 = Path(october).stem.rsplit("_", 1)[-1]
    visit_11 = Path(november).stem.rsplit("_", 1)[-1]
    assert completion.visit_ids(ctx, "") == [visit_11, visit_10]  # newest first
    assert completion.visit_ids(ctx, "v202610") == [visit_10]
    assert completion.item_ids(ctx, "R") == [item.id]
    assert completion.item_ids(_Ctx(None), "R") in ([], [item.id])  # no --root: $WKB_ROOT or cwd


def test_shell_completion__through_the_shell_protocol(root: Path) -> None:
    result = CliRunner().invoke(
        app,
        [],
        env={
            "_WKB_COMPLETE": "complete_bash",
            "COMP_WORDS": f"wkb --root {root} report --leader 盛",
            "COMP_CWORD": "5",
        },
        prog_name="wkb",
    )
    assert result.stdout.split() == ["盛继亮"]


def test_shell_completion__entity_ids_and_every_district_leader_and_id_option(
    wkb, root: Path
) -> None:
    for name in ("光谷实验室", "楚天光电科技有限公司"):
        assert wkb("entity", "add", name, "--district", "东湖", "--type", "平台载体").exit_code == 0
    ids = completion.entity_ids(_Ctx(root), "s")
    assert len(ids) == 2 and all(i.startswith("S") for i in ids)
    assert completion.entity_ids(_Ctx(root / "nowhere"), "S") == []  # silent without a root

    def offered(words: str) -> list[str]:
        env = {"_WKB_COMPLETE": "complete_bash", "COMP_WORDS": f"wkb --root {root} {words}"}
        env["COMP_CWORD"] = str(len(words.split()) + 2)
        result = CliRunner().invoke(app, [], env=env, prog_name="wkb")
        return result.stdout.split()

    assert offered("entity show S") == ids
    assert offered("entity merge S") == ids
    assert offered("entity add X --district 江") == ["江岸区", "江汉区", "江夏区"]
    assert offered("entity list --district 江") == ["江岸区", "江汉区", "江夏区"]
    assert offered("visit add --with 盛") == ["盛继亮"]


def test_visit_add__district_list_in_columns(wkb, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WKB_INTERACTIVE", "1")
    monkeypatch.setenv("COLUMNS", "60")
    answers = ["2026-11-03", "洪", "", "光谷实验室", "2", "", "", "", ""]
    result = wkb(
        "visit", "add", "--no-rectify", "--format", "json", input="\n".join(answers) + "\n"
    )
    assert result.exit_code == 0, result.stderr
    for name in ("10.洪山区", "3.临空港开发区", "1.东湖高新区"):
        assert name in result.stderr
