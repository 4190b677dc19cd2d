"""git, run without a shell: commit one record at a time, and find who the recorder is."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    import subprocess  # only when git is really run

    return subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def in_repository(root: Path) -> bool:
    if shutil.which("git") is None:
        return False
    result = _git(root, "rev-parse", "--is-inside-work-tree")
    return result.returncode == 0 and result.stdout.strip() == "true"


def commit(root: Path, paths: Sequence[str], message: str) -> str | None:
    """Commit exactly `paths` (relative to root) with `message`. Returns None on success, else why not.

    Other staged or unstaged changes in the repository are left alone (`git commit -- paths`).
    """
    if not in_repository(root):
        return "not a git repository"
    added = _git(root, "add", "--", *paths)
    if added.returncode != 0:
        return added.stderr.strip()
    done = _git(root, "commit", "-q", "-m", message, "--", *paths)
    if done.returncode != 0:
        return (done.stderr or done.stdout).strip()
    return None


def user_name(root: Path) -> str:
    if shutil.which("git") is None:
        return ""
    result = _git(root, "config", "user.name")
    return result.stdout.strip() if result.returncode == 0 else ""


def default_recorder(root: Path, configured: str) -> str:
    """The recorder's name: config `recorder`, else git's user.name, else the login name."""
    if configured.strip():
        return configured.strip()
    name = user_name(root)
    if name:
        return name
    try:
        import getpass

        return getpass.getuser()
    except (OSError, KeyError):
        return ""
