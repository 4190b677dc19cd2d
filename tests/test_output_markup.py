"""Issue 11.4: text from users and files is never read as Rich markup, in any command.

One records root per hostile string, where that string is the entity, recorder, summary,
participant, problem, owner, department, contact, a leader and his title, the sealer and the
configured recorder; then every command that prints is run over it. Each must exit normally and
print the string exactly as typed (so `[red]x[/red]` is neither a crash nor red "x").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from inprocess import invoke
from wkb_tracker.store.root import init_root

HOSTILE = [
    "[/bold]",
    "[red]x[/red]",
    "[link=file:///etc]x[/link]",
    "[",
    "\\[",
    "[bold",
    "[/]",
]


@pytest.fixture(scope="module", params=HOSTILE, ids=range(len(HOSTILE)))
def hostile(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path, dict[str, str]]]:
    """(the string, a root full of it, ids of a visit and an item carrying it)."""
    text: str = request.param
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WKB_TODAY", "2026-11-25")
        patch.setenv("NO_COLOR", "1")
        patch.setenv("COLUMNS", "200")
        root = init_root(tmp_path_factory.mktemp("hostile") / "records", git=False)
        base = ["--root", str(root)]

        def run(*args: str) -> str:
            outcome = invoke(*base, *args)
            assert outcome.exit_code == 0, (args, outcome.stderr, outcome.exception)
            # A command that writes must print the string back as typed, too.
            assert outcome.exception is None
            return outcome.stdout

        run("config", "set", "recorder", text)
        october = json.loads(
            run(
                "visit", "add", "--date", "2026-10-03", "--district", "东湖", "--entity", text,
                "--type", "平台载体", "--summary", text, "--participant", text, "--problem", text,
                "--format", "json",
            )
        )  # fmt: skip
        assert text in run("month", "close", "2026-10", "--by", text)
        assert text in run(
            "districts", "assign", "江岸", "--leader", text, "--title", text,
            "--department", text, "--contact", text, "--from", "2026-11-01",
        )  # fmt: skip
        assert text in run(
            "visit", "add", "--date", "2026-11-03", "--district", "江岸", "--entity", text,
            "--type", "平台载体", "--participant", text,
        )  # fmt: skip
        item = json.loads(
            run(
                "rectify", "add", "--problem", text, "--district", "江岸", "--source", "自查",
                "--opened", "2026-10-20", "--deadline", "2026-11-10", "--owner", text,
                "--department", text, "--late-reason", text, "--approved-by", text,  # sealed
                "--format", "json",
            )
        )  # fmt: skip
        assert text in run(
            "rectify", "progress", item["id"], "--note", text, "--date", "2026-11-20"
        )
        void = run("visit", "add", "--date", "2026-11-04", "--district", "江岸", "--entity", "x",
                   "--type", "平台载体", "--format", "json")  # fmt: skip
        assert text in run("visit", "void", json.loads(void)["id"], "--reason", text, "--by", text)
        yield text, root, {"visit": october["id"], "item": item["id"]}


Reader = Callable[[dict[str, str]], list[str]]

# Every command that prints records, config or the table, as a person would read it.
READERS: dict[str, Reader] = {
    "visit list": lambda ids: ["visit", "list"],
    "visit list en": lambda ids: ["--lang", "en", "visit", "list", "--month", "2026-11"],
    "visit show": lambda ids: ["visit", "show", ids["visit"]],
    "rectify list": lambda ids: ["rectify", "list", "--status", "all"],
    "rectify show": lambda ids: ["rectify", "show", ids["item"]],
    "due": lambda ids: ["due"],
    "config list": lambda ids: ["config", "list"],
    "config get": lambda ids: ["config", "get", "recorder"],
    "districts": lambda ids: ["districts"],
    "leaders": lambda ids: ["leaders"],
    "month status": lambda ids: ["month", "status"],
    "report": lambda ids: ["report", "--explain"],
    "report quarter": lambda ids: ["report", "--quarter", "2026-Q4"],
    "report markdown": lambda ids: ["report", "--format", "markdown"],
}


@pytest.mark.parametrize("reader", list(READERS))
def test_markup__user_text_printed_as_typed(
    hostile: tuple[str, Path, dict[str, str]], reader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, root, ids = hostile
    # The wide table, and (for the first strings, to keep the suite quick) the narrow layout.
    for width in ("200", "20") if HOSTILE.index(text) < 3 else ("200",):
        monkeypatch.setenv("COLUMNS", width)
        outcome = invoke("--root", str(root), *READERS[reader](ids))
        assert outcome.exception is None, outcome.exception
        assert outcome.exit_code == 0, outcome.stderr
        if reader == "report markdown":  # Markdown escapes its own specials (\ | * ~ _)
            assert text.replace("\\", "\\\\") in outcome.stdout
        else:
            assert text in outcome.stdout, width


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_markup__lists_for_scripts_keep_text(
    hostile: tuple[str, Path, dict[str, str]], fmt: str
) -> None:
    text, root, _ids = hostile
    for command in (["visit", "list"], ["rectify", "list", "--status", "all"]):
        outcome = invoke("--root", str(root), *command, "--format", fmt)
        assert outcome.exit_code == 0, outcome.stderr
        if fmt == "json":
            assert text in json.dumps(json.loads(outcome.stdout), ensure_ascii=False)
        else:
            assert text in outcome.stdout


def test_markup__validate_runs(hostile: tuple[str, Path, dict[str, str]]) -> None:
    _text, root, _ids = hostile
    outcome = invoke("--root", str(root), "validate")
    assert outcome.exception is None
    assert outcome.exit_code == 0, outcome.stdout


@pytest.mark.parametrize("text", HOSTILE)
def test_markup__refusals_quote_the_input_as_typed(root: Path, text: str) -> None:
    """Messages about a mistake (ours and the option parser's) quote the value, never style it."""
    for args in (
        ["visit", "list", "--format", text],
        ["visit", "list", "--type", text],
        ["rectify", "list", "--leader", text],
        ["visit", "show", text],
    ):
        outcome = invoke("--root", str(root), *args)
        assert outcome.exception is None, outcome.exception
        assert outcome.exit_code == 2
        assert text in outcome.stderr.replace("\n", "").replace("│", "").replace("  ", ""), (
            args,
            outcome.stderr,
        )
