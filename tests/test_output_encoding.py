"""Issue 11.5: output never fails on an encoding.

Under `LC_ALL=C PYTHONIOENCODING=ascii`, or a Windows console in GBK with redirected output, a
command that has written a record must still exit 0 (a traceback after the write made people
retry and duplicate the record). JSON, CSV and Markdown are UTF-8 bytes whatever the locale; text
and tables print escapes for what the console cannot show, and tables draw ASCII boxes.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from inprocess import invoke_raw, run
from wkb_tracker.store.root import init_root

# Not in ASCII, and (✗, 🚀) not in GBK either: every console in the tests lacks some of it.
ENTITY = "光谷✗实验室🚀"
ENCODINGS = ["ascii", "gbk", "latin-1"]


def invoke(root: Path, charset: str, *args: str) -> tuple[int, bytes, bytes, BaseException | None]:
    """`wkb ARGS` with stdout and stderr in `charset` (strict, like a real console's stdout)."""
    return invoke_raw(["--root", str(root), *args], charset=charset)


def visit_files(root: Path) -> list[Path]:
    return sorted((root / "data" / "visits").rglob("*.yaml"))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A root with one visit of 2026-11-03 (entity ENTITY) and the item its problem opened."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WKB_TODAY", "2026-11-25")
        root = init_root(tmp_path_factory.mktemp("encoding") / "records", git=False)
        code, out, err, error = invoke(
            root, "utf-8", "visit", "add", "--date", "2026-11-03", "--district", "东湖",
            "--entity", ENTITY, "--type", "平台载体", "--problem", ENTITY, "--recorder", "测试员",
            "--format", "json",
        )  # fmt: skip
        assert (code, error) == (0, None), err
        visit = json.loads(out)
    return root, {"visit": visit["id"], "item": visit["rectifications"][0]}


@pytest.fixture
def fresh(template: tuple[Path, dict[str, str]], tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the template root, for a test that writes."""
    copy = tmp_path / "records"
    shutil.copytree(template[0], copy)
    return copy, template[1]


Writer = Callable[[dict[str, str]], list[str]]

WRITERS: dict[str, Writer] = {
    "visit add": lambda ids: [
        "visit", "add", "--date", "2026-11-04", "--district", "江夏", "--entity", ENTITY,
        "--type", "高校院所", "--recorder", ENTITY,
    ],
    "visit void": lambda ids: ["visit", "void", ids["visit"], "--reason", ENTITY, "--by", ENTITY],
    "rectify add": lambda ids: [
        "rectify", "add", "--problem", ENTITY, "--source", "自查", "--district", "东湖",
        "--owner", ENTITY,
    ],
    "rectify progress": lambda ids: ["rectify", "progress", ids["item"], "--note", ENTITY],
    "rectify close": lambda ids: ["rectify", "close", ids["item"], "--resolution", ENTITY],
    "config set": lambda ids: ["config", "set", "recorder", ENTITY],
    "month close": lambda ids: ["month", "close", "2026-10", "--by", ENTITY],
    "districts assign": lambda ids: [
        "districts", "assign", "江岸", "--leader", "徐涛", "--from", "2026-11-01",
        "--contact", ENTITY,
    ],
}  # fmt: skip


@pytest.mark.parametrize("charset", ENCODINGS)
@pytest.mark.parametrize("writer", list(WRITERS))
def test_encoding__a_write_is_never_followed_by_a_crash(
    fresh: tuple[Path, dict[str, str]], writer: str, charset: str
) -> None:
    root, ids = fresh
    before = visit_files(root)
    code, out, err, error = invoke(root, charset, *WRITERS[writer](ids))
    assert error is None, error
    assert code == 0, err
    assert b"Traceback" not in err
    assert out.decode(charset)  # what the console can show, escapes for the rest
    if writer == "visit add":
        assert len(visit_files(root)) == len(before) + 1


SCRIPTED = {
    "visit list json": (["visit", "list", "--format", "json"], "json"),
    "visit list csv": (["visit", "list", "--format", "csv"], "csv"),
    "rectify list json": (["rectify", "list", "--format", "json"], "json"),
    "rectify list csv": (["rectify", "list", "--format", "csv"], "csv"),
    "visit show json": (["visit", "list", "--format", "json", "--limit", "1"], "json"),
    "report json": (["report", "--format", "json", "--explain"], "json"),
    "report csv": (["report", "--format", "csv"], "csv"),
    "report markdown": (["report", "--format", "markdown"], "markdown"),
    "due json": (["due", "--format", "json"], "json"),
}


@pytest.mark.parametrize("charset", ["ascii", "gbk"])
@pytest.mark.parametrize("scripted", list(SCRIPTED))
def test_encoding__scripts_get_utf8_whatever_the_locale(
    template: tuple[Path, dict[str, str]], scripted: str, charset: str
) -> None:
    root, _ids = template
    args, kind = SCRIPTED[scripted]
    expected = invoke(root, "utf-8", *args)[1]
    code, out, err, error = invoke(root, charset, *args)
    assert (code, error) == (0, None), err
    assert out == expected  # the same UTF-8 bytes as under a UTF-8 locale
    text = out.decode("utf-8")
    if kind == "json":
        json.loads(text)
    if kind == "csv":
        assert out.startswith("\ufeff".encode())
        assert b"\r\r\n" not in out and out.count(b"\r\n") == out.count(b"\n")
    if "report" not in scripted and "due" not in scripted:
        assert ENTITY in text


TABLES = [
    ["visit", "list"],
    ["visit", "show"],
    ["rectify", "list"],
    ["report"],
    ["report", "--quarter", "2026-Q4"],
    ["due"],
    ["month", "status"],
    ["districts"],
    ["config", "list"],
    ["validate"],
]


@pytest.mark.parametrize("charset", ["ascii", "gbk"])
@pytest.mark.parametrize("args", TABLES, ids=" ".join)
def test_encoding__tables_and_text_degrade(
    template: tuple[Path, dict[str, str]], args: list[str], charset: str
) -> None:
    root, ids = template
    if args == ["visit", "show"]:
        args = [*args, ids["visit"]]
    code, out, err, error = invoke(root, charset, *args)
    assert error is None, error
    assert code == 0, err
    shown = out.decode(charset)
    if charset == "ascii":
        assert shown.isascii()
        assert "\\u" in shown  # escapes stand in for the Chinese
    if args[0] == "visit":
        assert "\\u2717" in shown  # ✗ is in neither encoding


def test_encoding__windows_text_mode_keeps_csv_line_ends(
    template: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A redirected Windows stdout: GBK text mode translating "\\n" to "\\r\\n" on write. CSV and
    JSON bypass it (bytes), so CSV rows end in exactly \\r\\n and nothing is re-encoded."""
    root, _ids = template
    monkeypatch.setattr(os, "linesep", "\r\n")
    for args, check in (
        (["visit", "list", "--format", "csv"], lambda data: b"\r\r\n" not in data),
        (["report", "--format", "csv"], lambda data: data.count(b"\r\n") == data.count(b"\n")),
        (["visit", "list", "--format", "json"], lambda data: b"\r" not in data),
    ):
        raw = io.BytesIO()
        stream = io.TextIOWrapper(raw, encoding="gbk", newline="\r\n", write_through=True)
        monkeypatch.setattr(sys, "stdout", stream)
        assert run(["--root", str(root), *args]) == 0
        stream.flush()
        data = raw.getvalue()
        assert check(data), data[:200]
        assert ENTITY.encode() in data or "report" in args


@pytest.mark.parametrize("encoding", ["ascii", "gbk"])
def test_encoding__real_process_under_a_narrow_locale(root: Path, encoding: str) -> None:
    """The reported case, as a user runs it: `visit add` under LC_ALL=C and a narrow
    PYTHONIOENCODING writes one record and exits 0 (no traceback, so no retry, no duplicate)."""
    env = {
        **os.environ,
        "LC_ALL": "C",
        "LANG": "C",
        "PYTHONIOENCODING": encoding,
    }
    done = subprocess.run(
        [
            sys.executable, "-m", "wkb_tracker", "--root", str(root), "visit", "add",
            "--date", "2026-11-03", "--district", "东湖", "--entity", ENTITY,
            "--type", "平台载体",
        ],
        env=env, capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode(encoding, "replace")
    assert b"Traceback" not in done.stderr
    assert len(visit_files(root)) == 1
    assert "V20261103-" in done.stdout.decode(encoding)
