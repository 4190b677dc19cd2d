"""Taking turns: the one lock helper every writer uses (record updates, rectification events,
the responsibility table, wkb's git commits and `wkb sync`'s rebase).

An exclusive lock held by the operating system through `filelock` (fcntl.flock on POSIX,
msvcrt.locking on Windows — wkb's desks), on a small lock file beside what it guards, never on
the record itself: records are replaced by renaming a new file over them, which would leave a
waiter holding a lock on the old file. The OS drops the lock when its holder exits or dies, so a
crash never leaves a root locked. A lock file is empty and may be deleted when no wkb runs.

Lock files of records live under `.wkb-cache/locks/` (git-ignored in every root), mirroring the
record's path; the commit lock lives in the git folder, shared by every root in the repository.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from wkb_tracker.domain.errors import ConcurrentChange
from wkb_tracker.domain.i18n import say
from wkb_tracker.store.json_cache import CACHE_DIR

LOCK_DIR = f"{CACHE_DIR}/locks"
# A writer holds a lock for milliseconds (a commit: well under a second; a sync's rebase: a few
# seconds). Waiting a minute covers a slow network share without hanging a clerk for good.
WAIT_SECONDS = 60.0


def record_lock_file(path: Path) -> Path:
    """The lock file guarding the record file `path`: under the records root's .wkb-cache (the
    nearest folder above holding wkb.toml), else — a file outside any root — in the system's
    temporary folder, named after the file's absolute path (never beside the file)."""
    for folder in path.parents:
        if (folder / "wkb.toml").is_file():
            return folder / LOCK_DIR / (path.relative_to(folder).as_posix() + ".lock")
    import hashlib
    import tempfile

    digest = hashlib.sha256(str(path.absolute()).encode("utf-8", "surrogatepass")).hexdigest()
    return Path(tempfile.gettempdir()) / "wkb-locks" / f"{digest[:32]}.lock"


@contextmanager
def hold(lock_file: Path, *, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the exclusive lock named by `lock_file` while the block runs (made, with its folder,
    if missing). Refuses (ConcurrentChange, exit 2, nothing written) after `wait` seconds."""
    from filelock import FileLock, Timeout

    lock_file.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_file), timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise ConcurrentChange(
            say(
                "另一个 wkb 进程正在写入(锁 {p} 已被占用 {s:.0f} 秒),未写入任何内容;请稍后重试",
                "another wkb process is writing (lock {p} held for {s:.0f} s); nothing was "
                "written, try again shortly",
                p=lock_file,
                s=wait,
            )
        ) from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def record_locked(path: Path) -> Iterator[None]:
    """Hold the lock of the record file `path` (see `record_lock_file`)."""
    with hold(record_lock_file(path)):
        yield
