"""One lock helper for every writer (issue 16.7): an operating-system lock through filelock,
taken on Windows as on POSIX, checked across real processes; and the hook file written with LF
whatever the platform's line ending."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
from pathlib import Path

import pytest

from wkb_tracker.domain.errors import ConcurrentChange
from wkb_tracker.store import gitops, locks, storage
from wkb_tracker.store.hook import install_hook
from wkb_tracker.store.root import init_root

# A second process that takes a lock, says so, and keeps it until told (or killed).
HOLDER = """
import sys
from pathlib import Path
from wkb_tracker.store.locks import hold
with hold(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.readline()
"""

# A second process that appends lines to a record through update_locked.
APPENDER = """
import sys
from pathlib import Path
from wkb_tracker.store.storage import update_locked
for n in range(int(sys.argv[3])):
    update_locked(Path(sys.argv[1]), lambda old: old.decode() + sys.argv[2] + str(n) + "\\n")
"""


def _python(code: str, *args: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        **kwargs,  # type: ignore[call-overload]
    )


def test_hold__another_process_waits_until_the_holder_lets_go_or_dies(tmp_path: Path) -> None:
    lock_file = tmp_path / "x.lock"
    holder = _python(HOLDER, str(lock_file))
    assert holder.stdout is not None and holder.stdin is not None
    assert holder.stdout.readline().strip() == "held"
    with (
        pytest.raises(ConcurrentChange, match="另一个 wkb 进程正在写入"),
        locks.hold(lock_file, wait=0.2),
    ):
        pass
    holder.stdin.write("\n")
    holder.stdin.flush()
    assert holder.wait() == 0
    with locks.hold(lock_file, wait=10):  # released: ours now
        pass
    killed = _python(HOLDER, str(lock_file))
    assert killed.stdout is not None and killed.stdout.readline().strip() == "held"
    killed.kill()  # a crash never leaves the lock taken
    killed.wait()
    with locks.hold(lock_file, wait=10):
        pass


def test_update_locked__no_update_lost_between_processes(tmp_path: Path) -> None:
    root = init_root(tmp_path / "R", git=False)
    record = root / "data" / "note.yaml"
    record.write_text("", encoding="utf-8")
    writers = [_python(APPENDER, str(record), name, "15") for name in ("a", "b")]
    assert [writer.wait() for writer in writers] == [0, 0]
    lines = record.read_text(encoding="utf-8").splitlines()
    assert sorted(lines) == sorted(f"{name}{n}" for name in "ab" for n in range(15))
    # The lock file is under the git-ignored cache, never among the records.
    assert (root / ".wkb-cache" / "locks" / "data" / "note.yaml.lock").exists()
    assert sorted(p.name for p in (root / "data").iterdir() if p.name.startswith(".")) == []


def test_one_lock__record_updates_commits_and_sync_share_the_helper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No platform branch is left: update_locked, locked and the git lock all go through
    locks.hold (so Windows, where the old code took no lock, takes the same one)."""
    root = init_root(tmp_path / "R", git=True)
    taken: list[str] = []
    real = locks.hold

    def spy(lock_file: Path, **kwargs: float):  # type: ignore[no-untyped-def]
        taken.append(lock_file.name)
        return real(lock_file, **kwargs)

    monkeypatch.setattr(locks, "hold", spy)
    monkeypatch.setattr(storage, "on_windows", lambda: True)
    record = root / "data" / "x.yaml"
    record.write_text("a: 1\n", encoding="utf-8")
    storage.update_locked(record, lambda old: old.decode() + "b: 2\n")
    with storage.locked(record):
        pass
    with gitops.repository_locked(root):
        pass
    assert taken == ["x.yaml.lock", "x.yaml.lock", "wkb-commit.lock"]
    source = (
        Path(storage.__file__).read_text(encoding="utf-8"),
        Path(gitops.__file__).read_text(encoding="utf-8"),
    )
    assert not any("fcntl" in text or "msvcrt" in text for text in source)


def test_hook__written_with_lf_even_where_text_files_get_crlf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Git for Windows runs hooks with sh, which fails on "#!/bin/sh\\r". Windows text mode is
    imitated (os.linesep and Path.write_text writing CRLF): the hook's bytes keep LF."""
    root = init_root(tmp_path / "R", git=True)
    real_write_text = pathlib.Path.write_text

    def windows_write_text(self: Path, data: str, *args: object, **kwargs: object) -> int:
        return real_write_text(self, data.replace("\n", "\r\n"), *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pathlib.Path, "write_text", windows_write_text)
    monkeypatch.setattr(os, "linesep", "\r\n")
    monkeypatch.setattr(storage, "on_windows", lambda: True)
    hook = install_hook(root)
    data = hook.read_bytes()
    assert data.startswith(b"#!/bin/sh\n") and b"\r" not in data
