"""Where an export (`--output FILE`) may be written, and the write itself (issue 13.1).

An export is never a record: it must not land inside the records (`data/`, the git folder, the
cache) nor replace the root's configuration, where it would be read back as data or clobber a
record. Anywhere else, it is written atomically (a reader never sees half a workbook) and an
existing export is replaced — the caller says so. A link is written through (the file it names
is replaced, the link kept); a pipe, a device or a socket is never replaced by a file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from wkb_tracker.domain.errors import RefusedWrite
from wkb_tracker.domain.i18n import say
from wkb_tracker.store.json_cache import CACHE_DIR

# Inside the records root, these hold records or wkb's own state: never an export's place.
PROTECTED_FOLDERS = ("data", ".git", CACHE_DIR)
PROTECTED_FILES = ("wkb.toml", "wkb.local.toml")


def export_target(root: Path, given: str | Path) -> Path:
    """The absolute path `given` names, checked: refuses (RefusedWrite, exit 2) a folder, a place
    inside the records' own folders (data/, .git/, .wkb-cache/) or the root's config files."""
    path = Path(os.path.abspath(Path(given).expanduser()))
    real = path.resolve()
    home = root.resolve()
    inside = [home / name for name in PROTECTED_FOLDERS]
    if real.is_dir():
        raise RefusedWrite(
            say(
                "--output {p} 是文件夹;请给出文件名,如 {p}/报告.xlsx",
                "--output {p} is a folder; give a file name, e.g. {p}/report.xlsx",
                p=given,
            )
        )
    where = next(
        (f"{folder.name}/" for folder in inside if _within(real, folder)),
        next((name for name in PROTECTED_FILES if _same(real, home / name)), None),
    )
    if where is not None:
        raise RefusedWrite(
            say(
                "--output {p} 在记录根目录的 {d} 中:导出文件不写入记录、git 与缓存所在的位置,"
                "也不覆盖配置;请换一个位置。未写入任何内容",
                "--output {p} is in the records root's {d}: exports never go where records, git "
                "or the cache live, nor over the config; choose another place. Nothing written",
                p=given,
                d=where,
            )
        )
    if not os.path.lexists(path):
        return path
    try:
        kind = os.stat(real).st_mode
    except FileNotFoundError:
        return real  # a link to a file not there yet: made where the link points
    if not stat.S_ISREG(kind):  # an atomic write renames over the path: the device would go
        raise RefusedWrite(
            say(
                "--output {p} 不是普通文件(管道、设备等),导出只写普通文件;未写入任何内容",
                "--output {p} is not a regular file (a pipe, a device, …): exports are written to "
                "plain files only. Nothing written",
                p=given,
            )
        )
    return real if os.path.islink(path) else path


def _key(path: Path) -> str:
    # Windows ignores case in paths: DATA/x.csv there is data/x.csv (normcase lowers it).
    return os.path.normcase(str(path))


def _same(path: Path, other: Path) -> bool:
    return _key(path) == _key(other)


def _within(path: Path, folder: Path) -> bool:
    return _same(path, folder) or _key(path).startswith(_key(folder) + os.sep)


def write_export(path: Path, data: bytes | Iterable[bytes]) -> bool:
    """Write `data` (bytes, or pieces written as they come) to `path` atomically (exact bytes);
    True when it replaced an existing file."""
    from wkb_tracker.store.storage import replace_bytes_atomic

    existed = os.path.lexists(path)
    replace_bytes_atomic(path, data)
    return existed
