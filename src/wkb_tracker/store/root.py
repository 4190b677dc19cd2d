"""The records root: a folder with `wkb.toml` and `data/`. Found like git finds its repository."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from wkb_tracker.domain.errors import RootNotFound, UserError
from wkb_tracker.domain.i18n import say
from wkb_tracker.store.config import CONFIG_FILE, write_config

DATA = "data"
MEASURES_FILE = "data/measures.yaml"
DISTRICTS_FILE = "data/districts.yaml"
VISITS_DIR = "data/visits"
RECTIFICATIONS_DIR = "data/rectifications"
ENTITIES_DIR = "data/entities"  # the entity register, one file per entity (issue 14)
SEALED_DIR = "data/sealed"
POLICY_FILES = ("measures.yaml", "districts.yaml")


def manifest_path(year: int, month: int) -> str:
    """`data/sealed/YYYY-MM.yaml`: the manifest of a sealed month (see sealing.py)."""
    return f"{SEALED_DIR}/{year:04d}-{month:02d}.yaml"


def is_sealed(root: Path, year: int, month: int) -> bool:
    """One stat, cheap enough for `wkb visit add`; anything at the manifest's path counts."""
    return os.path.lexists(root / manifest_path(year, month))


def record_month(rel: str) -> tuple[int, int] | None:
    """The (year, month) of the month folder holding a record file, `data/<kind>/YYYY/MM/…`
    relative to the root; None for any other path."""
    parts = rel.split("/")
    if len(parts) >= 5 and parts[2].isdigit() and parts[3].isdigit():
        return int(parts[2]), int(parts[3])
    return None


def has_sealing_files(root: Path) -> bool:
    """Whether `data/sealed/` holds anything but its .gitkeep (manifests, history, stray files):
    one directory read, so reports of a root that never sealed skip the sealing modules."""
    try:
        with os.scandir(root / SEALED_DIR) as entries:
            return any(entry.name != ".gitkeep" for entry in entries)
    except FileNotFoundError:
        return False
    except OSError:  # unreadable: let the sealing readers report it
        return True


def sealed_months(root: Path) -> list[tuple[int, int]]:
    """Every (year, month) with a manifest, oldest first."""
    folder = root / SEALED_DIR
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        stem = path.name.removesuffix(".yaml")
        if path.name.endswith(".yaml") and len(stem) == 7 and stem[4] == "-":
            year, month = stem[:4], stem[5:]
            if year.isdigit() and month.isdigit():
                found.append((int(year), int(month)))
    return sorted(found)


def is_root(path: Path) -> bool:
    return (path / CONFIG_FILE).is_file()


def find_root(explicit: str | None = None, start: Path | None = None) -> Path:
    """`--root DIR`, else $WKB_ROOT, else the nearest folder upwards holding wkb.toml."""
    chosen = explicit or os.environ.get("WKB_ROOT")
    if chosen:
        path = Path(chosen).expanduser().absolute()
        if not is_root(path):
            raise RootNotFound(
                say(
                    "{path} 不是 wkb 记录根目录(缺少 wkb.toml)。可用 `wkb init {path}` 新建",
                    "{path} is not a wkb records root (no wkb.toml). Create one with `wkb init {path}`",
                    path=path,
                )
            )
        return path
    here = (start or Path.cwd()).absolute()
    for candidate in (here, *here.parents):
        if is_root(candidate):
            return candidate
    raise RootNotFound(
        say(
            "当前目录不在任何 wkb 记录根目录中。请进入记录目录,或用 --root DIR / 环境变量 WKB_ROOT 指定,或用 `wkb init DIR` 新建",
            "not inside a wkb records root. cd into one, pass --root DIR or set WKB_ROOT, or create one with `wkb init DIR`",
        )
    )


def bundled_policy_file(name: str) -> bytes:
    """The policy data shipped with wkb: packaged copy in a wheel, else this source checkout's."""
    from importlib import resources  # here: it costs ~2 ms of every command's start-up

    packaged = resources.files("wkb_tracker").joinpath("bundled", name)
    if packaged.is_file():
        return packaged.read_bytes()
    return (Path(__file__).resolve().parents[3] / DATA / name).read_bytes()


# What a clone needs and what stays personal. `.wkb-cache/` is derived data; `wkb.local.toml`
# holds one person's settings (recorder, language), never shared.
GITIGNORE_LINES = (".wkb-cache/", "wkb.local.toml")
# `-text`: git never converts line endings of records, in either direction, whatever a clone's
# `core.autocrlf` says — the bytes wkb wrote (LF) are the bytes every clone holds, so seal hashes
# and `git status` agree on every desk. (`eol=lf` would instead rewrite a hand-edited CRLF file
# on commit, leaving the working copy and the repository with different bytes.)
GITATTRIBUTES_LINES = ("data/** -text", "wkb.toml -text")


def _add_lines(path: Path, lines: tuple[str, ...]) -> None:
    """Append the lines `path` lacks; an existing file's own lines are kept as they are."""
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    have = {line.strip() for line in current.splitlines()}
    missing = [line for line in lines if line not in have]
    if not missing:
        return
    if current and not current.endswith("\n"):
        current += "\n"
    path.write_bytes((current + "".join(line + "\n" for line in missing)).encode("utf-8"))


def init_root(target: Path, *, git: bool = True, tracking_start: str | None = None) -> Path:
    """Create a fresh records root at `target`; refuse to touch an existing one. See create_root."""
    return create_root(target, git=git, tracking_start=tracking_start)[0]


def create_root(
    target: Path, *, git: bool = True, tracking_start: str | None = None
) -> tuple[Path, str | None]:
    """Create a fresh records root at `target` and, with git, commit everything a clone needs.

    `tracking_start` (YYYY-MM; `wkb init` passes the current month) goes into wkb.toml. Personal
    keys (recorder, lang) are never written there: they belong in the git-ignored wkb.local.toml.

    Returns the root and a one-line warning when the first commit failed (the root is made all
    the same). Inside an existing git work tree (a clone of an empty remote, or a sub-folder of a
    larger repository) it commits there instead of running `git init`. Refuses (nothing written)
    an existing root, a folder inside a root, or — with git — a missing git identity."""
    from wkb_tracker.store import gitops

    target = target.expanduser().absolute()
    if is_root(target) or (target / DATA).exists():
        raise UserError(
            say(
                "{path} 已经是记录根目录(或已有 data/),未做任何改动",
                "{path} is already a records root (or has a data/ folder); nothing changed",
                path=target,
            )
        )
    inside = next((parent for parent in target.parents if is_root(parent)), None)
    if inside is not None:
        raise UserError(
            say(
                "{path} 位于记录根目录 {root} 之内,未做任何改动",
                "{path} is inside the records root {root}; nothing changed",
                path=target,
                root=inside,
            )
        )
    if target.exists() and not target.is_dir():
        raise UserError(say("{path} 不是目录", "{path} is not a folder", path=target))
    git_ok = git and gitops.git_available()
    existing = next(p for p in (target, *target.parents) if p.is_dir())
    if git_ok:
        gitops.require_identity(existing)  # before anything is written
    in_work_tree = git_ok and gitops.work_tree_top(existing) is not None
    target.mkdir(parents=True, exist_ok=True)
    data = target / DATA
    created = []
    for sub in ("visits", "rectifications", "sealed"):
        (data / sub).mkdir(parents=True, exist_ok=True)
        (data / sub / ".gitkeep").touch()
        created.append(f"{DATA}/{sub}/.gitkeep")
    for name in POLICY_FILES:
        (data / name).write_bytes(bundled_policy_file(name))
        created.append(f"{DATA}/{name}")
    _add_lines(target / ".gitignore", GITIGNORE_LINES)
    _add_lines(target / ".gitattributes", GITATTRIBUTES_LINES)
    shared: dict[str, object] = {"auto_commit": git_ok}
    if tracking_start is not None:
        shared["tracking_start"] = tracking_start
    write_config(target, shared)
    created += [CONFIG_FILE, ".gitignore", ".gitattributes"]
    if not git_ok:
        return target, None
    if not in_work_tree:
        subprocess.run(["git", "init", "-q", str(target)], check=True, capture_output=True)
    gitops.tune_for_many_files(target)
    person = gitops.user_name(target)
    failure = gitops.commit(
        target, created, gitops.commit_message("wkb init", "records root", person)
    )
    if failure:
        return target, say(
            "git 提交失败({why});记录根目录已建好,未提交",
            "git commit failed ({why}); the records root is made but not committed",
            why=failure,
        )
    return target, None
