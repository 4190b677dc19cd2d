"""`wkb hook install`: a git pre-commit hook that runs `wkb validate` and blocks a bad commit.

The hook validates the working tree of the records root (what `git commit -a` and most commits
carry), so a commit that would add an invalid record or change a sealed month is refused.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from wkb_tracker.errors import UserError
from wkb_tracker.i18n import say

MARKER = "# installed by wkb hook install"


def hook_script(python: str) -> str:
    return f"""#!/bin/sh
{MARKER}
# Runs `wkb validate` on the records root; a non-zero exit blocks the commit.
top=$(git rev-parse --show-toplevel) || exit 1
{shlex.quote(python)} -m wkb_tracker --root "$top" validate >&2 || {{
  echo "wkb: commit blocked: fix the problems above (or git commit --no-verify)" >&2
  exit 1
}}
"""


def install_hook(root: Path, *, force: bool = False) -> Path:
    """Write .git/hooks/pre-commit for the repository holding `root`; refuse to replace a
    foreign hook unless `force`."""
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
        hooks = root / hooks
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
    target.write_text(hook_script(sys.executable), encoding="utf-8")
    target.chmod(0o755)
    return target
