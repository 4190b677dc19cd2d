"""git, run without a shell: the one way wkb commits a change, and who the recorder is.

Every command that writes records commits through `prepare_commit` → `PendingCommit.commit`:

- `prepare_commit` runs BEFORE anything is written. It decides whether a commit is wanted
  (the command's flag, else `auto_commit`), and refuses (exit 2, nothing written) when git has no
  identity to commit with: a record that cannot be committed would otherwise sit in one working
  copy only.
- `PendingCommit.commit` stages and commits exactly the given paths. wkb processes on one
  repository take turns (a lock file in the git folder), and git's own `index.lock` — held by a
  foreign git process such as an editor's `git status` — is waited for and retried, a bounded
  number of times. A commit that still fails is unstaged again and reported in one line; the
  record stays on disk, never half-staged.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from wkb_tracker.domain.errors import UserError
from wkb_tracker.domain.i18n import say

if TYPE_CHECKING:
    import subprocess

# git's lock files: another git process is writing the index or a ref right now.
_LOCK_SIGNS = ("index.lock", "cannot lock ref", "Unable to create", "unable to lock")
_RETRY_DELAYS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.0, 1.5, 2.0, 2.0, 3.0)  # ≈ 12 s in all
_OWN_LOCK = "wkb-commit.lock"
# update-ref's "cannot lock ref 'HEAD': is at X but expected Y": HEAD was moved, not locked.
REF_MOVED = "but expected"


def git_available() -> bool:
    return shutil.which("git") is not None


def run_git(root: Path, *args: str, errors: str = "replace") -> subprocess.CompletedProcess[str]:
    """`git -C root ARGS` without a shell; output captured as UTF-8 text, never raises on failure.
    Undecodable bytes become U+FFFD (or, with "surrogateescape", lone surrogates, which the text
    rules then refuse: see user_name)."""
    import subprocess  # only when git is really run

    return subprocess.run(
        ["git", "-C", str(root), "-c", "core.quotePath=false", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors=errors,
        check=False,
        stdin=subprocess.DEVNULL,
    )


_git = run_git  # the old private name


def first_line(text: str) -> str:
    """The line of git's output that says what went wrong (its `fatal:`/`error:` line, or the
    verdict of wkb's pre-commit hook, if any)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("fatal:", "error:", "wkb:")):
            return line
    return lines[0] if lines else ""


def _git_dir_of_work_tree(root: Path) -> Path | None:
    """The git folder when `root` is inside a work tree (one git call), else None."""
    if not git_available():
        return None
    result = run_git(root, "rev-parse", "--is-inside-work-tree", "--absolute-git-dir")
    lines = result.stdout.splitlines()
    if result.returncode != 0 or len(lines) != 2 or lines[0].strip() != "true":
        return None
    return Path(lines[1].strip())


class Repository(NamedTuple):
    """Where git keeps what for a records root: found once, before anything is written."""

    git_dir: Path
    top: Path  # the work tree's top (the root may be a folder below it)
    prefix: str  # the root relative to the top, "" or ending in "/"
    hooks: Path
    index_file: Path  # git's index (its lock: the same name + ".lock")


def repository_of(root: Path) -> Repository | None:
    """`Repository` for the work tree holding `root` (one git call), else None."""
    if not git_available():
        return None
    found = run_git(root, "rev-parse", "--is-inside-work-tree", "--absolute-git-dir",
                    "--show-toplevel", "--show-prefix", "--git-path", "hooks", "--git-path",
                    "index")  # fmt: skip
    lines = found.stdout.split("\n")
    if found.returncode != 0 or len(lines) < 6 or lines[0] != "true":
        return None
    return Repository(Path(lines[1]), Path(lines[2]), lines[3], root / lines[4], root / lines[5])


def in_repository(root: Path) -> bool:
    return _git_dir_of_work_tree(root) is not None


def work_tree_top(root: Path) -> Path | None:
    """The top of the git work tree holding `root` (may be above it), or None outside git."""
    if not git_available():
        return None
    result = run_git(root, "rev-parse", "--show-toplevel")
    return Path(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip() else None


def identity_problem(where: Path) -> str | None:
    """None when git can commit here (author and committer known), else one line saying how to
    set them. `where` need not be inside a repository (global config is read all the same)."""
    probe = where if where.is_dir() else next(p for p in where.parents if p.is_dir())
    for variable in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
        if run_git(probe, "var", variable).returncode != 0:
            return say(
                "未设置 git 身份,未写入任何内容。请先运行:"
                'git config --global user.name "姓名" 和 git config --global user.email "邮箱"',
                "git has no identity; nothing was written. Set one first: "
                'git config --global user.name "Your Name" and git config --global user.email "you@example.org"',
            )
    return None


def require_identity(where: Path) -> None:
    """Raise UserError (exit 2) when git could not commit here for want of an identity."""
    problem = identity_problem(where)
    if problem:
        raise UserError(problem)


@contextmanager
def taking_turns(git_dir: Path) -> Iterator[None]:
    """Serialise wkb's own git work on one repository — commits, and `wkb sync`'s rebase — under
    one lock in the git folder (wkb_tracker.store.locks; Windows included). git's own index.lock is
    still retried: another git program may hold it."""
    from wkb_tracker.store.locks import hold

    with hold(git_dir / _OWN_LOCK):
        yield


@contextmanager
def repository_locked(root: Path) -> Iterator[None]:
    """`taking_turns` for the repository holding `root` (nothing to lock outside git)."""
    git_dir = _git_dir_of_work_tree(root)
    if git_dir is None:
        yield
        return
    with taking_turns(git_dir):
        yield


def retrying(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run git; while it fails on a lock another git process holds, wait and try again (bounded)."""
    result = run_git(root, *args)
    for delay in _RETRY_DELAYS:
        if result.returncode == 0 or not any(sign in result.stderr for sign in _LOCK_SIGNS):
            return result
        if args[0] == "update-ref" and REF_MOVED in result.stderr:
            # a ref at another commit than the one given as its old value: no wait changes
            # that (a `git commit` run again, by contrast, reads the new HEAD)
            return result
        time.sleep(delay)
        result = run_git(root, *args)
    return result


# A records repository holds one file per visit, item and event: 130,000 files at 100k visits.
# `feature.manyFiles` makes git keep its index in the smaller version 4 and remember untracked
# folders, so `git add` and `git status` cost less; set when wkb creates or first meets the
# repository (init, hook install, sync), never over a value the office chose. (Not git's split
# index, `core.splitIndex`, though it makes every index write cheaper still: libgit2, under many
# git GUIs and prompt tools, cannot open a split index. An office may set it per clone.)
_MANY_FILES = (("feature.manyFiles", "true"),)


def tune_for_many_files(root: Path) -> None:
    """Set `_MANY_FILES` in the repository holding `root` where the office has not set them."""
    if not git_available():
        return
    for key, value in _MANY_FILES:
        if run_git(root, "config", "--get", key).returncode == 1:  # 1: unset (not an error)
            run_git(root, "config", "--local", key, value)
    _index_as_configured(root)


def _index_as_configured(root: Path) -> None:
    """git applies `index.version` (which `feature.manyFiles` sets to 4) only to an index it
    creates: a clone's index, written before wkb set `feature.manyFiles`, stays in version 2.
    Write it once in version 4 when the configuration asks for that (its paths are stored
    prefix-compressed: 12 instead of 19 MB at 150,000 files, ~20% less CPU for every `git add`
    and wkb commit)."""
    wanted = run_git(root, "config", "--get", "index.version").stdout.strip()
    if not wanted:
        many = run_git(root, "config", "--type=bool", "--get", "feature.manyFiles")
        wanted = "4" if many.stdout.strip() == "true" else ""
    if wanted != "4":
        return  # the office's own choice, or git's default
    found = run_git(root, "rev-parse", "--git-path", "index")
    if found.returncode != 0:
        return
    try:
        with open(root / found.stdout.strip(), "rb") as index:
            header = index.read(8)
    except OSError:
        return  # no index yet: git writes the first one as configured
    if header[:4] == b"DIRC" and int.from_bytes(header[4:8], "big") in (2, 3):
        retrying(root, "update-index", "--index-version", "4")


def _has_head(root: Path) -> bool:
    return run_git(root, "rev-parse", "-q", "--verify", "HEAD").returncode == 0


def _unstage(root: Path, paths: Sequence[str]) -> None:
    """Put the index back as HEAD has these paths: a failed commit leaves nothing staged."""
    if _has_head(root):
        retrying(root, "reset", "-q", "HEAD", "--", *paths)
    else:
        retrying(root, "rm", "-q", "--cached", "--ignore-unmatch", "--", *paths)


def commit(
    root: Path, paths: Sequence[str], message: str, repository: Repository | None = None
) -> str | None:
    """Commit exactly `paths` (relative to root) with `message`. Returns None on success, else
    why not (one line). Other staged or unstaged changes in the repository are left alone, and a
    failed commit leaves these paths unstaged. `repository`: found already by the caller (else
    one git call finds it)."""
    repository = repository or repository_of(root)
    if repository is None:
        return say("记录根目录不是 git 仓库", "the records root is not a git repository")
    git_dir = repository.git_dir
    paths = list(dict.fromkeys(paths))
    with taking_turns(git_dir):
        present = [path for path in paths if os.path.lexists(root / path)]
        gone = [path for path in paths if path not in present]
        if gone:  # a record moved away (visit edit): commit its removal when git knew it
            known = run_git(root, "ls-files", "-z", "--", *gone).stdout.split("\0")
            gone = [path for path in gone if path in known]
            removed = retrying(root, "rm", "-q", "--cached", "--ignore-unmatch", "--", *gone)
            if gone and removed.returncode != 0:
                return first_line(removed.stderr)
        if present and not gone:
            # The usual case, new or changed records: staged and committed without git's passes
            # over the whole index (store/quick_commit.py), unless only git can do it.
            from wkb_tracker.store.quick_commit import quick_commit

            handled, failure = quick_commit(root, present, message, repository)
            if handled:
                if failure is not None:
                    _unstage(root, present)
                return failure
        if present:
            added = retrying(root, "add", "--", *present)
            if added.returncode != 0:
                _unstage(root, present)
                return first_line(added.stderr)
        wanted = present + gone
        if not wanted:
            return None
        done = retrying(root, "commit", "-q", "-m", message, "--", *wanted)
        if done.returncode != 0:
            if _has_head(root) and _unchanged(root, wanted):
                return None  # nothing to commit: the files already are as committed
            _unstage(root, wanted)
            return first_line(done.stderr or done.stdout)
    return None


def _unchanged(root: Path, paths: Sequence[str]) -> bool:
    """True when the index and work tree hold these paths exactly as HEAD does."""
    staged = run_git(root, "diff", "--cached", "--quiet", "HEAD", "--", *paths).returncode
    return staged == 0 and run_git(root, "diff", "--quiet", "--", *paths).returncode == 0


@dataclass(frozen=True)
class PendingCommit:
    """What `prepare_commit` decided, before anything was written; `commit` after writing."""

    root: Path
    active: bool  # commit after writing
    explain_skip: bool = False  # asked for explicitly, but the root is not in git: say so
    repository: Repository | None = None  # found before writing: not asked of git again

    def commit(self, paths: Sequence[str], message: str) -> str | None:
        """Commit `paths`; None when done (or not wanted), else a one-line warning to show:
        the record itself is saved either way."""
        if self.explain_skip:
            return say(
                "记录根目录不是 git 仓库,未提交",
                "the records root is not a git repository; not committed",
            )
        if not self.active:
            return None
        failure = commit(self.root, paths, message, self.repository)
        if failure is None:
            return None
        return say(
            "git 提交失败({why});记录已保存,未提交",
            "git commit failed ({why}); the record is saved but not committed",
            why=failure,
        )


def prepare_commit(root: Path, wanted: bool | None, auto: bool) -> PendingCommit:
    """Call before writing. `wanted`: the command's own choice (None = the `auto_commit` config,
    `auto`). Raises UserError (exit 2) when a commit is wanted and git has no identity."""
    active = auto if wanted is None else wanted
    if not active:
        return PendingCommit(root, active=False)
    repository = repository_of(root)
    if repository is None:
        return PendingCommit(root, active=False, explain_skip=bool(wanted))
    require_identity(root)
    return PendingCommit(root, active=True, repository=repository)


def commit_message(action: str, subject: str, person: str, ids: Sequence[str] = ()) -> str:
    """`<action>: <subject> (<ids>) by <person>` — what was done, to what, by whom."""
    text = f"{action}: {subject}".rstrip()
    if ids:
        text += f" ({', '.join(ids)})"
    if person:
        text += f" by {person}"
    return text


def user_name(root: Path) -> str:
    if not git_available():
        return ""
    result = run_git(root, "config", "user.name", errors="surrogateescape")
    return result.stdout.strip() if result.returncode == 0 else ""


def default_recorder(root: Path, configured: str) -> str:
    """The recorder's name: config `recorder`, else git's user.name, else the login name.

    Cleaned like a typed name (text.clean_text), each under the name of where it came from:
    a git user.name holding bytes that are not UTF-8 is refused (exit 2) before anything is
    written, not stored as an undecodable escape."""
    from wkb_tracker.domain.text import clean_text

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
