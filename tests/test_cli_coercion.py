"""wkb's own coercion of plain options (cli._plain_coercion): same values and refusals as Typer's,
without importing pydantic on every run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_options__coerced_and_refused_like_typer(wkb) -> None:
    assert wkb("measures", "show", "14", "--format", "json").exit_code == 0
    bad_number = wkb("measures", "show", "abc")
    assert bad_number.exit_code == 2
    assert "Input should be a valid integer" in bad_number.stderr
    bad_choice = wkb("report", "--format", "xml")
    assert bad_choice.exit_code == 2
    assert "'xml' is not one of 'table', 'json', 'csv', 'markdown'" in bad_choice.stderr
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


def test_visit_add__does_not_import_pydantic(root: Path) -> None:
    code = (
        "import sys; from wkb_tracker.cli import main; sys.argv = ['wkb', '--root', sys.argv[1], 'visit', 'add', "
        "'--date', '2026-11-03', '--district', '东湖', '--entity', 'x', '--type', 'team', '--no-commit'];\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert e.code in (0, None), e.code\n"
        "print('pydantic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(root)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"
