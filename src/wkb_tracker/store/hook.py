"""`wkb hook install`: a git pre-commit hook that validates a commit and blocks a bad one.

The hook checks every records root the commit carries — each folder holding a `wkb.toml` that git
tracks or is about to (a root may be a sub-folder of a larger repository, or there may be
several) — so a commit that would add an invalid record or change a sealed month is refused. It
checks what the commit stages and what that can break (store/staged.py: `wkb validate --staged`),
in its own process; a commit that deletes or renames records, or touches a sealed month, the
table or `wkb.toml`, runs the full `wkb validate`.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from wkb_tracker.domain.errors import UserError
from wkb_tracker.domain.i18n import say
from wkb_tracker.domain.settings import Settings, using

if TYPE_CHECKING:
    from wkb_tracker.store.staged import Staged

MARKER = "# installed by wkb hook install"


def hook_script(python: str) -> str:
    """The hook names the Python that installed it (a clerk's commit must not depend on PATH);
    when that Python is gone — the virtual environment was rebuilt or moved, or the records were
    copied from another machine — it falls back to a `python3`/`python` on PATH that has wkb,
    and otherwise blocks the commit saying how to repair it (a line in Chinese, one in English)."""
    return f"""#!/bin/sh
{MARKER}
# Runs `wkb validate` on every records root in the commit; a non-zero exit blocks the commit.
py={shlex.quote(python)}
if [ ! -x "$py" ]; then
  gone=$py
  for py in python3 python ""; do
    [ -n "$py" ] && "$py" -c "import wkb_tracker" >/dev/null 2>&1 && break
  done
  if [ -z "$py" ]; then
    echo "wkb: pre-commit 钩子找不到安装它的 Python($gone),请重新运行 wkb hook install" >&2
    echo "wkb: the pre-commit hook's Python ($gone) is gone: run wkb hook install again" >&2
    exit 1
  fi
fi
exec "$py" -m wkb_tracker.store.hook
"""


def records_roots(top: Path) -> list[Path]:
    """The records roots inside the work tree at `top`: folders of every `wkb.toml` in git's
    index (tracked or staged), the top-level one included."""
    listed = subprocess.run(
        ["git", "-C", str(top), "ls-files", "-z", "--", ":(glob)**/wkb.toml"],
        capture_output=True,
        check=False,
    )
    names = [name for name in listed.stdout.decode("utf-8", "replace").split("\0") if name]
    roots = [(top / name).parent for name in names]
    return [root for root in roots if (root / "wkb.toml").is_file()]


def run_hook() -> int:
    """The pre-commit hook itself: validate each root in the repository; 1 blocks the commit."""
    found = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=False
    )
    if found.returncode != 0:
        sys.stderr.write(found.stderr)
        return 1
    top = Path(found.stdout.strip())
    staged = _touched_roots(top)
    with using(hook_settings(list(staged))):
        return _check_roots(top, staged)


def _touched_roots(top: Path) -> dict[Path, Staged]:
    """Each records root the commit changes something in, with what it stages there (found with
    one `git diff --cached` of the whole repository: reading git's index is most of a hook's
    git time, ~25 ms at 150,000 files). Before the first commit there is no HEAD: the diff is
    then against the empty tree, every staged file added (each root's `wkb.toml` among them,
    so each root is checked in full).

    A root is a folder whose `wkb.toml` is in git's index (as `records_roots` finds them): in
    HEAD and not deleted by the commit, or added by it. A root the commit changes nothing in
    has nothing to check (`_check_root` would pass it)."""
    from wkb_tracker.store.staged import Staged, cached_changes, changes_of

    listed = cached_changes(top)
    if listed is None:  # git could not read its index: every root, in full
        return {root: Staged((), True) for root in records_roots(top)}
    changes = [(status, path) for status, path in listed if path]
    statuses = {path: status for status, path in changes}
    candidates = sorted({_marker(folder) for _s, path in changes for folder in _folders(path)})
    in_head = _in_head(top, [c for c in candidates if c not in statuses])
    roots: dict[Path, list[tuple[str, str]]] = {}
    for marker in candidates:
        status = statuses.get(marker)
        tracked = status[:1] != "D" if status is not None else marker in in_head
        if not tracked or not (top / marker).is_file():
            continue
        folder = marker.rpartition("/")[0]
        prefix = f"{folder}/" if folder else ""
        roots[top / folder if folder else top] = [
            (status, path[len(prefix) :]) for status, path in changes if path.startswith(prefix)
        ]
    return {root: changes_of(root, mine) for root, mine in sorted(roots.items())}


def _folders(path: str) -> list[str]:
    """The folders holding `path`, relative to the repository's top ("" for the top itself)."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[:i]) for i in range(len(parts) + 1)]


def _marker(folder: str) -> str:
    return f"{folder}/wkb.toml" if folder else "wkb.toml"


def _in_head(top: Path, paths: list[str]) -> set[str]:
    """Those of `paths` that HEAD's tree holds (git ls-tree: no index read)."""
    if not paths:
        return set()
    listed = subprocess.run(
        ["git", "-C", str(top), "ls-tree", "-z", "--full-name", "--name-only", "HEAD", "--",
         *paths],
        capture_output=True,
        check=False,
    )  # fmt: skip
    return set(listed.stdout.decode("utf-8", "surrogateescape").split("\0")) - {""}


def _check_roots(top: Path, staged: dict[Path, Staged]) -> int:
    failed = False
    for root, changes in staged.items():
        failed = not _check_root(top, root, changes) or failed
    if failed:
        sys.stderr.write(blocked_line() + "\n")
        return 1
    return 0


def blocked_line() -> str:
    """The hook's verdict on a refused commit: one line starting `wkb:`, the line `wkb visit
    add` & co. quote when their commit fails."""
    return say(
        "wkb: 提交被拦下:pre-commit 钩子的 wkb validate 发现问题,请改正上面列出的问题"
        "(或 git commit --no-verify)",
        "wkb: commit blocked: the pre-commit hook's wkb validate found problems; fix the"
        " problems above (or git commit --no-verify)",
    )


def _check_root(top: Path, root: Path, changes: Staged) -> bool:
    """Check what the commit stages in `root` (`changes`, store/staged.py) here in the hook's
    process; a change a per-file check cannot vouch for runs the full `wkb validate`. True when
    clean."""
    from wkb_tracker.store.staged import check_staged

    # Problems are `path:line` inside their root: name the root first.
    name = root.relative_to(top).as_posix()
    if changes.full:
        sys.stderr.write(f"wkb validate {name}\n")
        sys.stderr.flush()
        checked = subprocess.run(
            [sys.executable, "-m", "wkb_tracker", "--root", str(root), "validate"],
            stdout=sys.stderr.fileno(),
            check=False,
        )
        return checked.returncode == 0
    if not changes.files:
        return True
    sys.stderr.write(f"wkb validate --staged {name}\n")
    problems, _count = check_staged(root, changes.files)
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    return not problems


def hook_settings(roots: list[Path]) -> Settings:
    """The hook's settings, as the CLI makes them: the language from WKB_LANG, else the first
    root's configured `lang` (the full `wkb validate` it may run finds its own the same way)."""
    from wkb_tracker.domain.i18n import env_language
    from wkb_tracker.store.config import read_config
    from wkb_tracker.store.settings import settings_for

    configured = read_config(roots[0])[0].lang if roots and env_language() is None else None
    return settings_for(configured_lang=configured)


def install_hook(root: Path, *, force: bool = False) -> Path:
    """Write the pre-commit hook (`core.hooksPath` respected) of the repository holding `root`;
    refuse to replace a foreign hook unless `force`."""
    found = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--git-path", "hooks"],
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode != 0:
        raise UserError(say("{r} 不在 git 仓库中", "{r} is not in a git repository", r=root))
    hooks = Path(found.stdout.strip())
    if not hooks.is_absolute():
        hooks = (root / hooks).resolve()  # `records/../.git/hooks` is said as `.git/hooks`
    hooks.mkdir(parents=True, exist_ok=True)
    target = hooks / "pre-commit"
    if (
        target.exists()
        and MARKER not in target.read_text(encoding="utf-8", errors="replace")
        and not force
    ):
        raise UserError(
            say(
                "{p} 已有其他 pre-commit 钩子,未覆盖;确需替换请加 --force",
                "{p} already holds another pre-commit hook; not replaced (use --force)",
                p=target,
            )
        )
    # Bytes with LF endings: Git for Windows runs hooks with its sh, which chokes on "\r".
    target.write_bytes(hook_script(sys.executable).encode("utf-8"))
    target.chmod(0o755)
    from wkb_tracker.store.gitops import tune_for_many_files

    tune_for_many_files(root)  # a clone made with plain `git clone`
    return target


if __name__ == "__main__":
    sys.exit(run_hook())
