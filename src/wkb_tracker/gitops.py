"""git, run without a shell: commit one record at a time, and find who the recorder is."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess


def _git(root: Path, *args: str, errors: str = "replace") -> subprocess.CompletedProcess[str]:
    """git's output as text; undecodable bytes become U+FFFD (or, with "surrogateescape",
    lone surrogates, which the text rules then refuse)."""
    import subprocess  # only when git is really run

    return subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors=errors,
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
    result = _git(root, "config", "user.name", errors="surrogateescape")
    return result.stdout.strip() if result.returncode == 0 else ""


def default_recorder(root: Path, configured: str) -> str:
    """The recorder's name: config `recorder`, else git's user.name, else the login name.

    Cleaned like a typed name (text.clean_text), each under the name of where it came from:
    a git user.name holding bytes that are not UTF-8 is refused (exit 2) before anything is
    written, not stored as an undecodable escape."""
    from wkb_tracker.text import clean_text

    if configured.strip():
        return clean_text(configured, "wkb.toml recorder")
    name = user_name(root)
    if name:
        return clean_text(name, "git config user.name")
    try:
        import getpass

        return clean_text(getpass.getuser(), "login name")
    except (OSError, KeyError):
        return ""
