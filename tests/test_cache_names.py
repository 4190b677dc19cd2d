"""A record file whose name is not UTF-8 (a byte the file system keeps, Python spells as a lone
surrogate) is read, and reported, as `--no-cache` reads it: SQLite cannot take such a name in
a row, so that row is not kept — the run goes on, nothing is half-written, nothing crashes."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from builders import make_item, make_visit, write_item, write_visit
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


def test_rectify_list_json_names_such_a_file_in_valid_json(root: Path, wkb: Invoke) -> None:
    """Review rv6b: `rectify list --format json` ended in a traceback (UnicodeEncodeError) for an
    item file whose name is not UTF-8, with or without the cache; the streamed list's lines were
    encoded strictly. Now the path is the JSON escape, as in every other JSON output."""
    rel = write_item(root, make_item(date(2026, 11, 3)))
    rename_to_bytes(root, rel)
    for status in ("open", "all"):
        for cache in ((), ("--no-cache",)):
            result = wkb(*cache, "rectify", "list", "--status", status, "--format", "json")
            assert result.exception is None or isinstance(result.exception, SystemExit)
            listed = json.loads(result.stdout)
            assert [one["path"] for one in listed] == [rel[: -len(".yaml")] + "\udcff.yaml"]
