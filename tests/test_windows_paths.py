"""Code paths that only Windows (or file systems like FAT/exFAT) take, selected here by
monkeypatching `storage.on_windows` (os.name itself would break pathlib) and the failing call:
CI runs on Linux."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from wkb_tracker.domain.errors import RefusedWrite
from wkb_tracker.store import storage


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(storage.time, "sleep", slept.append)
    return slept


def _flaky_replace(monkeypatch: pytest.MonkeyPatch, failures: int) -> list[int]:
    """os.replace that raises PermissionError `failures` times (a scanner holding the file)."""
    real = os.replace
    calls: list[int] = []

    def replace(source: str | Path, target: str | Path) -> None:
        calls.append(1)
        if len(calls) <= failures:
            raise PermissionError(errno.EACCES, "The process cannot access the file")
        real(source, target)

    monkeypatch.setattr(storage.os, "replace", replace)
    return calls


@pytest.mark.parametrize("failures", [1, 3, 7])
def test_replace_atomic__windows_retries_while_another_program_holds_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_sleep: list[float], failures: int
) -> None:
    target = tmp_path / "item.yaml"
    target.write_text("old\n", encoding="utf-8")
    calls = _flaky_replace(monkeypatch, failures)
    monkeypatch.setattr(storage, "on_windows", lambda: True)
    storage.replace_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert len(calls) == failures + 1 and len(no_sleep) == failures
    assert sum(no_sleep) < 2.5  # bounded
    assert [p.name for p in tmp_path.iterdir()] == ["item.yaml"]  # no temp file left


def test_replace_atomic__windows_gives_up_with_one_clear_line_and_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_sleep: list[float]
) -> None:
    target = tmp_path / "item.yaml"
    target.write_text("old\n", encoding="utf-8")
    _flaky_replace(monkeypatch, failures=100)
    monkeypatch.setattr(storage, "on_windows", lambda: True)
    with pytest.raises(RefusedWrite, match="正被其他程序占用"):
        storage.replace_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["item.yaml"]


def test_replace_atomic__posix_permission_errors_are_not_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_sleep: list[float]
) -> None:
    target = tmp_path / "item.yaml"
    target.write_text("old\n", encoding="utf-8")
    _flaky_replace(monkeypatch, failures=1)
    monkeypatch.setattr(storage, "on_windows", lambda: False)
    with pytest.raises(PermissionError):
        storage.replace_atomic(target, "new\n")
    assert no_sleep == []


@pytest.mark.parametrize("code", [errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV])
@pytest.mark.parametrize("system", ["posix", "nt"])
def test_create_exclusive__without_hard_links_renames_and_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, system: str
) -> None:
    def no_links(source: object, target: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(storage.os, "link", no_links)
    monkeypatch.setattr(storage, "on_windows", lambda: system == "nt")
    new = tmp_path / "visit.yaml"
    storage.create_exclusive(new, "id: V1\n")
    assert new.read_text(encoding="utf-8") == "id: V1\n"
    with pytest.raises(FileExistsError):
        storage.create_exclusive(new, "id: V2\n")
    assert new.read_text(encoding="utf-8") == "id: V1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["visit.yaml"]
