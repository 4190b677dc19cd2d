"""What a killed wkb can leave behind, and how `wkb validate --fix` clears it.

Two kinds of leftover, neither ever a record: temp files of an interrupted atomic write
(`.wkb-*.tmp`, beside the file being written) and copies `wkb visit edit` hands to the editor
(`.wkb-cache/edit/wkb-<id>-<pid>-*.yaml`, inside the root so that they are found again; a copy whose
`wkb` process is still running is being edited and is left alone). `remove` clears whatever it is
given without ever raising: what it cannot remove (a folder that happens to carry a temp name,
a file without permission) comes back as a Problem to report.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from wkb_tracker.domain.errors import Problem
from wkb_tracker.domain.i18n import say
from wkb_tracker.store.json_cache import CACHE_DIR

EDIT_DIR = f"{CACHE_DIR}/edit"  # editor copies: git-ignored with the rest of .wkb-cache
EDIT_PREFIX = "wkb-"


def edit_copy_prefix(record_id: str) -> str:
    """`wkb-<id>-<pid>-`: the pid tells `validate --fix` whether the edit is still going on."""
    return f"{EDIT_PREFIX}{record_id}-{os.getpid()}-"


def _running(pid: int) -> bool:
    if os.name == "nt":  # pragma: no cover - os.kill(pid, 0) would terminate it on Windows
        return False  # an open copy cannot be removed there anyway: reported, not lost
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _pid_of(name: str) -> int | None:
    """The pid in `wkb-<id>-<pid>-<random>.yaml` (ids hold one '-'), or None."""
    parts = name.split("-")
    if len(parts) >= 5 and parts[3].isdigit():
        return int(parts[3])
    return None


def editor_copies(root: Path) -> list[str]:
    """Editor copies (relative to root) whose `wkb visit edit` is no longer running."""
    try:
        names = sorted(os.listdir(root / EDIT_DIR))
    except OSError:
        return []
    found = []
    for name in names:
        if name.startswith("."):
            continue
        pid = _pid_of(name)
        if pid is not None and pid != os.getpid() and _running(pid):
            continue
        found.append(f"{EDIT_DIR}/{name}")
    return found


def remove(root: Path, rels: list[str]) -> tuple[int, list[Problem]]:
    """Remove each leftover (a file or a link: never followed); returns how many went and a
    Problem for each that could not (a non-empty folder is never emptied: it is not wkb's)."""
    removed = 0
    problems: list[Problem] = []
    for rel in rels:
        path = root / rel
        try:
            status = os.lstat(path)
            if stat.S_ISDIR(status.st_mode):
                os.rmdir(path)  # only if empty
            else:
                path.unlink()
        except FileNotFoundError:
            continue
        except OSError as error:
            why = error.strerror or str(error)
            problems.append(
                Problem(
                    rel,
                    1,
                    say(
                        "崩溃遗留的临时文件无法清理({w});请手动检查后删除",
                        "left by a crash but cannot be removed ({w}); check it and remove it by hand",
                        w=why,
                    ),
                )
            )
            continue
        removed += 1
    return removed, problems
