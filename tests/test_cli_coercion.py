"""Options are coerced and refused by Typer itself (wkb patches nothing in Typer), and the
start-up pause of the garbage collector ends before the command runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import Invoke


def test_options__coerced_and_refused_like_typer(wkb: Invoke) -> None:
    assert wkb("measures", "show", "14", "--format", "json").exit_code == 0
    bad_number = wkb("measures", "show", "abc")
    assert bad_number.exit_code == 2
    # Typer refuses the value; wkb says so in its own words (cli.usage, issue 16.1).
    assert bad_number.stderr.splitlines()[0] == "NUMBER 的值无效:须为整数"
    bad_choice = wkb("report", "--format", "xml")
    assert bad_choice.exit_code == 2
    assert "'xml' 无效;可选:table|json|csv|markdown" in bad_choice.stderr
    listed = wkb(
        "visit",
        "add",
        "--date",
        "2026-11-03",
        "--district",
        "东湖",
        "--entity",
        "光谷实验室",
        "--type",
        "team",
        "--measure",
        "14",
        "--measure",
        "15",
        "--no-rectify",
        "--format",
        "json",
    )
    assert listed.exit_code == 0, listed.stderr
    assert '"measures": [\n    14,\n    15\n  ]' in listed.stdout


def test_main__collector_back_on_when_the_command_runs(root: Path) -> None:
    """main() pauses the cyclic GC for start-up only: the command itself runs with it on."""
    code = (
        "import gc, sys; from wkb_tracker.cli import main; from wkb_tracker.cli import common\n"
        "seen = []; original = common.session\n"
        "def spy(ctx):\n    obj = original(ctx); seen.append(gc.isenabled()); return obj\n"
        "common.session = spy\n"
        "import wkb_tracker.cli.visit_cmds as v; v.session = spy\n"
        "sys.argv = ['wkb', '--root', sys.argv[1], 'visit', 'add', "
        "'--date', '2026-11-03', '--district', '东湖', '--entity', 'x', '--type', 'team', '--no-commit']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert e.code in (0, None), e.code\n"
        "print(seen)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(root)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    seen = done.stdout.strip().splitlines()[-1]
    assert seen.startswith("[True") and "False" not in seen, seen


def test_source__uses_no_private_api_of_a_dependency() -> None:
    """A dependency's `_private` modules and names may change in any release (issue 12.3)."""
    import ast

    src = Path(__file__).resolve().parent.parent / "src" / "wkb_tracker"
    found = []
    for path in sorted(src.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                parts = node.module.split(".")
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.Import):
                parts = [part for alias in node.names for part in alias.name.split(".")]
                names = []
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                parts, names = [node.value.id], [node.attr]
                if parts[0] not in ("typer", "click", "yaml", "rich"):
                    continue
            else:
                continue
            if parts[0] in ("wkb_tracker", "__future__"):
                continue
            private = [p for p in parts[1:] + names if p.startswith("_") and not p.startswith("__")]
            if private:
                found.append(f"{path.relative_to(src).as_posix()}: {'.'.join(parts)} {private}")
    assert found == []


def test_options__a_value_out_of_range_is_refused_in_the_user_s_language(wkb: Invoke) -> None:
    """Regression: `--window 0` printed click's English "0 is not in the range 1<=x<=3650."
    inside the Chinese line (and "is not a valid int range." for a word)."""
    for value in ("0", "5000", "abc"):
        zh = wkb("stats", "--window", value)
        assert zh.exit_code == 2 and "须为 1 到 3650 之间的整数" in zh.stderr
        en = wkb("--lang", "en", "stats", "--window", value)
        assert en.exit_code == 2 and "a whole number from 1 to 3650 is needed" in en.stderr
        assert "range" not in zh.stderr and "<=" not in en.stderr


def test_usage_error__in_the_language_the_root_is_configured_for(wkb: Invoke) -> None:
    """Regression: with `lang = "en"` in the root's config, a wrong value (`--by nonsense`) was
    refused in Chinese while the command itself would have answered in English."""
    assert wkb("config", "set", "lang", "en").exit_code == 0
    for args in (("stats", "--by", "nonsense"), ("stats", "--window", "0"), ("report", "--nope")):
        refused = wkb(*args)
        assert refused.exit_code == 2
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in refused.stderr), refused.stderr
    chinese = wkb("--lang", "zh", "stats", "--by", "nonsense")
    assert chinese.exit_code == 2 and "无效" in chinese.stderr
