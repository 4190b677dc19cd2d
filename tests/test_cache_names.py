"""A record file whose name is not UTF-8 (a byte the file system keeps, Python spells as a lone
surrogate) is read, and reported, as `--no-cache` reads it: SQLite cannot take such a name in
a row, so that row is not kept — the run goes on, nothing is half-written, nothing crashes."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from builders import make_visit, write_visit
from conftest import Invoke


def rename_to_bytes(root: Path, rel: str) -> None:
    """The file at `rel` renamed with a byte that is not UTF-8 before `.yaml`."""
    old = os.fsencode(root / rel)
    os.rename(old, old[: -len(b".yaml")] + b"\xff.yaml")


def test_a_file_name_that_is_not_utf8_changes_no_answer(root: Path, wkb: Invoke) -> None:
    write_visit(root, make_visit(date(2026, 11, 3)))
    rename_to_bytes(root, write_visit(root, make_visit(date(2026, 11, 12))))
    for query in (("validate",), ("visit", "list", "--format", "json")):
        expected = wkb("--no-cache", *query)
        assert expected.exception is None or isinstance(expected.exception, SystemExit)
        for _run in ("cold", "warm"):
            result = wkb(*query)
            assert (result.exit_code, result.stdout, result.stderr) == (
                expected.exit_code,
                expected.stdout,
                expected.stderr,
            ), result.exception
