"""Committing a few record files without `git commit`'s pass over the whole index (issue 17.3).

`git commit` — with paths or without — re-stats every file git tracks before it writes the
commit (it refreshes the index): ~0.3–0.5 s of CPU at 130,000 record files, several times what
`wkb visit add` costs. `git add` itself, beside the one read and write of the index any staging
costs, walks the path's folder and hashes every name in the index (~40 ms). Here a commit of
exactly the given paths is built from HEAD with git's plumbing instead, touching only the index
entries of those paths and the trees on the way down to them:

- the paths are staged with `git update-index --add` (the same entries as `git add`: content
  through the same filters and line-ending rules, stat data, git's index lock, waited for),
  after `git check-ignore` (an ignored path is left to `git add`, which refuses it);
- their blob ids come from `git hash-object --stdin-paths` (the same filters, chosen by the same
  path), trusted only while each file's stat data is the same before and after (else the index
  is read back: `ls-files --stage`); the mode is git's rule for a regular file (`core.fileMode`);
- HEAD and each tree from the root down to them are read by one `cat-file --batch` (each tree
  checked to be the one its parent names, so all are that commit's) and the trees written
  again with the new entries (`mktree`); nothing else in the index is looked at, so other
  staged changes stay out;
- the pre-commit check runs in this process when the installed hook is wkb's own (the very
  script `wkb hook install` writes for this Python): what that hook would run for a commit of
  exactly these paths (store/staged.py), without starting a second Python;
- `commit-tree` and `update-ref HEAD NEW OLD` (if another git moved HEAD meanwhile, `git
  commit` commits the staged paths on top of it), with the reflog line `git commit` writes; then
  `git maintenance run --auto`, as `git commit` runs it.

Whenever git would do more than this — a merge or rebase under way, no commit yet, any hook
other than wkb's own pre-commit (a post-commit, a foreign pre-commit…), signing, a cleanup mode,
a sparse checkout, an ignored path, a file that is not a regular file, a symlink or submodule
at the path in HEAD, under core.ignoreCase a name HEAD has in another case, a deletion or a change the pre-commit check hands to the full validate, a
path outside the records root — `(False, None)` is returned and the caller runs `git add` and
`git commit` itself.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import stat
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from wkb_tracker.domain.i18n import join_names, say

if TYPE_CHECKING:
    from wkb_tracker.store.gitops import Repository

_UNDER_WAY = ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "rebase-merge", "rebase-apply")

Done = str | None  # None: committed (or nothing to commit); a str: why not, one line


class _Refused(Exception):
    """A git step failed: its first error line."""


class _LeaveToGit(Exception):
    """Nothing is committed yet, and `git commit` had better do it (see `_new_trees`)."""


def quick_commit(
    root: Path, paths: Sequence[str], message: str, repository: Repository | None = None
) -> tuple[bool, Done]:
    """Stage and commit `paths` (relative to root, each a file on disk) as `git add -- paths` and
    `git commit -- paths` would. (False, None) when this cannot stand in for them (nothing was
    committed; a path may be staged already, which the caller's `git add` repeats harmlessly):
    the caller commits the usual way; else (True, outcome). `repository`: where git keeps what
    for `root`, when the caller found it already."""
    from wkb_tracker.store.gitops import repository_of

    repository = repository or repository_of(root)
    if repository is None:
        return False, None
    git_dir, top, prefix, hooks, index = repository
    if any((git_dir / name).exists() for name in _UNDER_WAY):
        return False, None
    own_hook = _own_hook(hooks)
    if own_hook is None or any(posixpath.normpath(rel) != rel or rel.startswith(("../", "/"))
                               for rel in paths):  # fmt: skip
        return False, None
    settings = _settings(root)
    if settings is None:
        return False, None
    if own_hook:
        from wkb_tracker.store.staged import changes_of

        staged = changes_of(root, [("A", rel) for rel in paths])
        if staged.full:
            return False, None  # the hook would run the full validate: let it
        blocked = _pre_commit_check(root, staged.files)
        if blocked is not None:
            return True, blocked
    if os.path.lexists(f"{index}.lock"):
        # Another git process is writing the index: `git add` waits for it (gitops.retrying).
        # (update-index would not, when the index already holds these files as they are.)
        return False, None
    top_paths = [prefix + rel for rel in paths]
    try:
        trees = _head_trees(root, "HEAD", top_paths)
        if settings.ignorecase and _case_clash(trees, top_paths):
            return False, None  # `git add` would file it under the case git has for the name
        entries = _stage(root, top, top_paths, paths, filemode=settings.filemode)
        if entries is None:
            return False, None
        return True, _commit(root, entries, message, trees)
    except _Refused as refused:
        return True, str(refused)
    except _LeaveToGit:
        return False, None


# Configuration that changes what `git commit -m` writes, or what `git add` stages beyond what
# `_stage` does: let git itself do such commits. (Any value: `commit.gpgsign=false` too.)
_LEAVE_TO_GIT = ("commit.gpgsign", "commit.cleanup", "core.commentchar", "user.signingkey")
_SETTINGS = (
    r"^(commit\.(gpgsign|cleanup)|user\.signingkey"
    r"|core\.(commentchar|sparsecheckout|filemode|ignorecase))$"
)
_FALSE = ("false", "no", "off", "0")


class _Settings(NamedTuple):
    filemode: bool  # core.fileMode: a file's executable bit is its mode in git (default true)
    ignorecase: bool  # core.ignoreCase: `git add` files a name under the case git has for it


def _settings(root: Path) -> _Settings | None:
    """What of git's configuration `_stage` must follow, or None when it asks for what only
    `git add`/`git commit` do (signing, a message cleanup, a sparse checkout, whose `git add`
    refuses paths outside it)."""
    from wkb_tracker.store.gitops import run_git

    found = {"core.filemode": True, "core.ignorecase": False}
    for line in run_git(root, "config", "--get-regexp", _SETTINGS).stdout.splitlines():
        key, _space, value = line.partition(" ")
        if key in _LEAVE_TO_GIT:
            return None
        setting = value.strip().lower() not in _FALSE  # a key without a value means true
        if key == "core.sparsecheckout" and setting:
            return None
        found[key] = setting
    return _Settings(found["core.filemode"], found["core.ignorecase"])


def _case_clash(trees: _Trees, top_paths: list[str]) -> bool:
    """True when HEAD has a name on the way to one of `top_paths` that differs from it only in
    case (ASCII, as git compares names under core.ignoreCase): `git add` would use HEAD's."""
    _head, names, old = trees
    by_folder = dict(zip(_folders_of(top_paths), names, strict=True))
    for path in top_paths:
        parts = path.split("/")
        for depth, part in enumerate(parts):
            tree = old.get(by_folder["/".join(parts[:depth])])
            if tree is None:
                break  # a folder HEAD lacks: nothing below it to clash with
            wanted = part.encode("utf-8", "surrogateescape")
            if any(n != wanted and n.lower() == wanted.lower() for n in tree[1]):
                return True
    return False


# An entry's mode left to `_new_trees`: the regular mode HEAD has for the path, else 100644
# (`git add` with core.fileMode=false keeps a tracked file's mode and adds a new one as 100644).
_AS_IN_HEAD = ""


def _stage(
    root: Path, top: Path, top_paths: list[str], rels: Sequence[str], *, filemode: bool
) -> dict[str, tuple[str, str]] | None:
    """Stage `rels` as `git add` does, and say what the index now holds for them: {path relative
    to the work tree's top: (mode, blob id)}. None when `git add` must decide (an ignored path,
    not a regular file).

    `git add` reads and writes the whole index and also walks the path's folder and hashes the
    index's names (~0.1 s at 150,000 entries); `git update-index --add` stages the same entry
    (content through the same filters and line-ending rules, stat data, the index lock) without
    those; ignore rules, which update-index does not apply, are asked of `git check-ignore`
    first. The blob ids come from `git hash-object --stdin-paths` run at the top (the path
    selects the same .gitattributes), not from a second read of the index — valid because each
    file's stat data is the same before and after both (else the index is read: `ls-files`)."""
    from wkb_tracker.store.gitops import first_line, retrying, run_git

    ignored = run_git(root, "check-ignore", "--no-index", "--", *rels)
    if ignored.returncode != 1:  # 0: a path is ignored (git add refuses it); 128: git failed
        return None
    before = [_signature(root / rel) for rel in rels]
    if any(signature is None for signature in before):
        return None
    staged = retrying(root, "update-index", "--add", "--", *rels)
    if staged.returncode != 0:
        raise _Refused(first_line(staged.stderr) or "git update-index failed")
    blobs = _git_out(top, "hash-object", "--stdin-paths", stdin="".join(
        path + "\n" for path in top_paths)).split()  # fmt: skip
    if [_signature(root / rel) for rel in rels] != before or len(blobs) != len(rels):
        return _index_entries(root, top_paths)  # changed meanwhile: what the index holds
    entries: dict[str, tuple[str, str]] = {}
    for path, blob, signature in zip(top_paths, blobs, before, strict=True):
        assert signature is not None
        executable = signature[0] & stat.S_IXUSR
        mode = ("100755" if executable else "100644") if filemode else _AS_IN_HEAD
        entries[path] = (mode, blob)
    return entries


def _signature(path: Path) -> tuple[int, int, int, int, int, int] | None:
    """What tells a file's content changed (as git's own stat data does), or None if `path` is not
    a regular file."""
    try:
        found = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(found.st_mode):
        return None
    return (found.st_mode, found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino,
            found.st_dev)  # fmt: skip


def _index_entries(root: Path, top_paths: list[str]) -> dict[str, tuple[str, str]]:
    """What the index holds for `top_paths` (relative to the work tree's top): (mode, blob id)."""
    listed = _git_out(root, "ls-files", "--stage", "--full-name", "-z", "--", *[
        ":(top,literal)" + path for path in top_paths])  # fmt: skip
    entries: dict[str, tuple[str, str]] = {}
    for line in listed.split("\0"):
        if line:
            info, _tab, path = line.partition("\t")
            mode, blob, stage = info.split(" ")
            if stage != "0":
                raise _Refused(say("{p} 有未解决的冲突", "{p} has an unresolved conflict", p=path))
            entries[path] = (mode, blob)
    if set(entries) != set(top_paths):
        missing = [path for path in top_paths if path not in entries] or top_paths
        raise _Refused(
            say("未能暂存 {p}", "could not stage {p}", p=join_names(missing, 3, more=" …"))
        )
    return entries


def _own_hook(hooks: Path) -> bool | None:
    """True: wkb's own pre-commit hook for this Python is the only hook; False: no hook at all;
    None: another hook (or an older wkb's, or another Python's) that only git can run."""
    try:
        names = [name for name in os.listdir(hooks) if not name.endswith(".sample")]
    except FileNotFoundError:
        return False
    except OSError:
        return None
    if not names:
        return False
    if names != ["pre-commit"]:
        return None
    from wkb_tracker.store.hook import hook_script

    try:
        script = (hooks / "pre-commit").read_bytes()
    except OSError:
        return None
    if script != hook_script(sys.executable).encode("utf-8"):
        return None
    return os.access(hooks / "pre-commit", os.X_OK) or None


def _pre_commit_check(root: Path, files: tuple[str, ...]) -> Done:
    """What wkb's pre-commit hook says about a commit of exactly `files`: None when it passes,
    else its verdict line (the line `git commit` would have failed with)."""
    if not files:
        return None
    from wkb_tracker.store.hook import blocked_line
    from wkb_tracker.store.staged import check_staged

    problems, _count = check_staged(root, files)
    return blocked_line() if problems else None


def _git_out(root: Path, *args: str, stdin: str | None = None) -> str:
    """git's output; _Refused with its first error line when it fails."""
    import subprocess

    from wkb_tracker.store.gitops import first_line

    done = subprocess.run(
        ["git", "-C", str(root), "-c", "core.quotePath=false", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        check=False,
    )
    if done.returncode != 0:
        raise _Refused(first_line(done.stderr or done.stdout) or f"git {args[0]} failed")
    return done.stdout


def _commit(root: Path, entries: dict[str, tuple[str, str]], message: str, found: _Trees) -> Done:
    """The commit: HEAD's tree with `entries` (path relative to the work tree's top → mode, blob
    id) put in; None when that is HEAD's tree already (nothing to commit, as `git commit` —
    whose "nothing to commit" the caller takes as success)."""
    head = found[0]
    trees = _new_trees(root, head, entries, found)
    if trees is None:
        raise _LeaveToGit
    old_tree, new_tree = trees
    if new_tree == old_tree:
        return None
    cleaned = _cleaned(message)
    commit = _git_out(root, "commit-tree", new_tree, "-p", head, "-F", "-", stdin=cleaned).strip()
    subject = cleaned.split("\n", 1)[0]
    from wkb_tracker.store.gitops import REF_MOVED, first_line, retrying, run_git

    # HEAD moves from `head` to the new commit, or not at all: a ref lock held by another git
    # process is waited for, as for `git commit`; if another git moved HEAD meanwhile, `git
    # commit` makes the commit on top of it (the paths are staged; this commit is left unused).
    moved = retrying(root, "update-ref", "-m", f"commit: {subject}", "HEAD", commit, head)
    if moved.returncode != 0:
        if REF_MOVED in moved.stderr:
            raise _LeaveToGit
        raise _Refused(first_line(moved.stderr) or "git update-ref failed")
    run_git(root, "maintenance", "run", "--auto", "--quiet")  # as `git commit` does after
    return None


_TREE_MODE = b"40000"
_REGULAR = (b"100644", b"100755")


# HEAD's commit id and its trees on the way down to some paths: their `revision:folder` names,
# deepest first (see `_folders_of`), and what `_read_trees` found under those names.
_Trees = tuple[str, list[str], dict[str, tuple[str, dict[bytes, tuple[bytes, bytes]]]]]


def _folders_of(top_paths: Iterable[str]) -> list[str]:
    """The folders holding `top_paths`, the top ("") included, deepest first: so a folder's
    subfolders have their new ids when it is built (and mktree answers in this order)."""
    folders = {""}
    for path in top_paths:
        parts = path.split("/")[:-1]
        folders.update("/".join(parts[:depth]) for depth in range(1, len(parts) + 1))
    return sorted(folders, key=lambda folder: (-(folder.count("/") + 1 if folder else 0), folder))


def _head_trees(root: Path, rev: str, top_paths: Iterable[str]) -> _Trees:
    """The commit `rev` (HEAD) names and its trees on the way down to `top_paths`, with one
    `cat-file --batch` that resolves `rev` itself (no `rev-parse` first): the commit first, the
    root tree last, and every tree must be the one its parent names — so all are the commit's
    even if another git moved HEAD while they were read (`update-ref` then expects HEAD to be
    that commit). _LeaveToGit when there is no commit yet or HEAD moved meanwhile."""
    folders = _folders_of(top_paths)
    names = [f"{rev}:{folder}" if folder else f"{rev}^{{tree}}" for folder in folders]
    found = _read_trees(root, [rev, *names])
    commit = found.get(rev)
    if commit is None:
        raise _LeaveToGit  # no commit yet: `git commit` makes the first one
    name_of = dict(zip(folders, names, strict=True))
    for folder, name in name_of.items():
        if not folder:
            held: str | None = commit[1][b"tree"][1].hex()  # the commit's own tree
        else:
            parent, _slash, base = folder.rpartition("/")
            rows = found.get(name_of[parent], ("", {}))[1]
            mode, raw = rows.get(base.encode("utf-8", "surrogateescape"), (b"", b""))
            held = raw.hex() if mode == _TREE_MODE else None
        if (found[name][0] if name in found else None) != held:
            raise _LeaveToGit  # HEAD moved while the trees were read: `git commit` does it
    return commit[0], names, found


def _new_trees(
    root: Path, head: str, entries: dict[str, tuple[str, str]], found: _Trees | None = None
) -> tuple[str, str] | None:
    """(HEAD's tree, the new tree): HEAD's tree with `entries` (top-relative path → mode, blob)
    put in. Every tree on the way down is read (`_head_trees`, unless `found` already), built
    again here (git's tree format: entries sorted by name, a folder's name as if it ended in
    "/") and written with one `mktree --batch`, which must agree on every id; None if it does
    not."""
    order = _folders_of(entries)
    _head, names, old = found if found is not None else _head_trees(root, head, entries)
    algorithm = "sha1" if len(head) == 40 else "sha256"
    # folder → {name: (mode, raw id)}: HEAD's entries, then the new files and subfolders
    content = {
        folder: dict(old.get(name, (None, {}))[1])
        for folder, name in zip(order, names, strict=True)
    }
    for path, (file_mode, blob) in entries.items():
        folder, _slash, name = path.rpartition("/")
        key = name.encode("utf-8", "surrogateescape")
        was = content[folder].get(key, (None, b""))[0]
        if was is not None and was not in _REGULAR:
            raise _LeaveToGit  # a symlink, submodule or folder in HEAD: git knows what to keep
        mode = file_mode.encode() if file_mode != _AS_IN_HEAD else was or b"100644"
        content[folder][key] = (mode, bytes.fromhex(blob))
    new_ids: list[str] = []
    batch: list[str] = []
    for folder in order:
        rows = content[folder]
        ordered = sorted(
            rows.items(), key=lambda row: row[0] + (b"/" if row[1][0] == _TREE_MODE else b"")
        )
        body = b"".join(mode + b" " + entry + b"\0" + oid for entry, (mode, oid) in ordered)
        tree_id = hashlib.new(algorithm, b"tree %d\0" % len(body) + body).digest()
        new_ids.append(tree_id.hex())
        if folder:  # into its parent's entries, built later
            parent, _slash, name = folder.rpartition("/")
            content[parent][name.encode("utf-8", "surrogateescape")] = (_TREE_MODE, tree_id)
        for entry, (mode, oid) in ordered:
            kind = "tree" if mode == _TREE_MODE else "commit" if mode == b"160000" else "blob"
            text = entry.decode("utf-8", "surrogateescape")
            batch.append(f"{mode.decode()} {kind} {oid.hex()}\t{text}")
        batch.append("")
    try:
        written = _git_out(
            root, "mktree", "-z", "--batch", stdin="".join(row + "\0" for row in batch)
        )
    except _Refused:
        return None  # e.g. a blob not in the object store: `git commit` does it right or says why
    if written.split() != new_ids:
        return None
    old_root = old.get(names[-1])  # the root folder: last
    if old_root is None:
        return None
    return old_root[0], new_ids[-1]


def _read_trees(
    root: Path, names: list[str]
) -> dict[str, tuple[str, dict[bytes, tuple[bytes, bytes]]]]:
    """The trees `names` (revision:path) as (id, {name: (mode, raw id)}); absent ones left out."""
    import subprocess

    done = subprocess.run(
        ["git", "-C", str(root), "cat-file", "--batch"],
        input="".join(name + "\n" for name in names).encode("utf-8", "surrogateescape"),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise _Refused(done.stderr.decode("utf-8", "replace").strip() or "git cat-file failed")
    out = done.stdout
    found: dict[str, tuple[str, dict[bytes, tuple[bytes, bytes]]]] = {}
    at = 0
    for name in names:
        end = out.index(b"\n", at)
        header = out[at:end].split(b" ")
        at = end + 1
        if header[-1] in (b"missing", b"ambiguous") or len(header) != 3:
            continue  # "<name> missing": no such folder in HEAD yet (the name may hold spaces)
        oid, kind, size = header[0].decode(), header[1], int(header[2])
        body = out[at : at + size]
        at += size + 1
        if kind == b"commit":  # HEAD itself: its id, and its tree's under the name b"tree"
            tree = body.split(b"\n", 1)[0].removeprefix(b"tree ").decode()
            found[name] = (oid, {b"tree": (_TREE_MODE, bytes.fromhex(tree))})
            continue
        if kind != b"tree":
            continue  # a file where a folder is wanted: git refuses the same commit
        width = len(oid) // 2
        rows: dict[bytes, tuple[bytes, bytes]] = {}
        pos = 0
        while pos < len(body):
            space = body.index(b" ", pos)
            nul = body.index(b"\0", space)
            rows[body[space + 1 : nul]] = (body[pos:space], body[nul + 1 : nul + 1 + width])
            pos = nul + 1 + width
        found[name] = (oid, rows)
    return found


def _cleaned(message: str) -> str:
    """The message as `git commit -m` stores it (cleanup "whitespace"): lines without trailing
    blanks, no blank lines at either end, runs of blank lines made one, a final newline."""
    lines = [line.rstrip() for line in message.replace("\r\n", "\n").split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept) + "\n"
