"""`wkb sync`: share records with the office's remote in one step, for clerks who don't use git.

The steps, each of which leaves the repository clean if it stops:

1. refuse what sync cannot handle safely (not in git, no remote, no identity, a rebase or merge
   already under way, changed files that are not wkb records);
2. fetch (offline or unreachable: stop here, nothing changed);
3. commit any wkb record files left uncommitted (made with `--no-commit` or `auto_commit` off),
   so that nothing a clerk recorded stays behind, then REBASE the local commits onto the remote
   branch. Rebase, not merge: each record is its own file and its own commit, so replaying them
   on top keeps the history a straight list of "who recorded what" with no merge commits; a
   conflict (two people hand-edited the same file) aborts the rebase, so the local commits stay
   exactly as they were;
4. push (again from 3 if someone pushed in between, a bounded number of times);
5. say what came in: visit and rectification files changed by the incoming commits, and the
   distinct recorders written in those files.

Exit codes: 0 synced; 1 a local record file the push would carry has problems (committed,
not pushed: correct it and sync again); 2 refused (nothing changed); 3 the remote could not be
reached, or the
push failed (the local records are safe, try again later); 4 a conflict (the rebase was aborted,
the local commits are kept, nothing was pushed), or local records dated in a month the remote
sealed before they were pushed, without approval (rebased, kept, not pushed:
store/outgoing_seals.py), or a local seal of a month whose records came in meanwhile and that it
does not hold.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wkb_tracker.domain.errors import UserError, WkbError
from wkb_tracker.domain.i18n import join_names, say
from wkb_tracker.store import gitops
from wkb_tracker.store.root import DATA, ENTITIES_DIR, RECTIFICATIONS_DIR, SEALED_DIR, VISITS_DIR

EXIT_UNREACHABLE = 3
EXIT_CONFLICT = 4
_PUSH_ATTEMPTS = 3
_REJECTED = ("rejected", "non-fast-forward", "fetch first", "stale info")


class RemoteUnreachable(WkbError):
    """Fetch or push failed: offline, wrong address, no access. Local records are untouched."""

    exit_code = EXIT_UNREACHABLE


class SyncConflict(WkbError):
    """The same file was changed here and there; the rebase was aborted, nothing lost."""

    exit_code = EXIT_CONFLICT


@dataclass
class Received:
    commits: int = 0
    visits: int = 0
    rectifications: int = 0
    sealed: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    recorders: list[str] = field(default_factory=list)
    # `visits` and `rectifications` count files (the contract since the first sync); what those
    # files are is told apart here, so the summary never calls a new item "progress" or a void
    # a new visit.
    visits_changed: int = 0  # an existing visit file changed (void, edit)
    rectification_items: int = 0  # new items
    rectification_items_changed: int = 0  # an item's own file changed (older embedded events)
    rectification_events: dict[str, int] = field(default_factory=dict)  # new events by kind
    reopened: list[str] = field(default_factory=list)  # months reopened (`wkb month reopen`)
    removed: list[str] = field(default_factory=list)  # record files removed (by hand: git rm)
    # the entity register (data/entities/, one file per entry): registered, or edited / merged
    entities_added: int = 0
    entities_changed: int = 0

    def view(self) -> dict[str, Any]:
        return {
            "commits": self.commits,
            "visits": self.visits,
            "rectifications": self.rectifications,
            "sealed": self.sealed,
            "other": self.other,
            "recorders": self.recorders,
            "visits_added": self.visits - self.visits_changed,
            "visits_changed": self.visits_changed,
            "rectification_items": self.rectification_items,
            "rectification_items_changed": self.rectification_items_changed,
            "rectification_events": dict(sorted(self.rectification_events.items())),
            "reopened": self.reopened,
            "removed": self.removed,
            "entities_added": self.entities_added,
            "entities_changed": self.entities_changed,
        }


@dataclass
class SyncResult:
    remote: str
    branch: str
    committed: int = 0  # record files committed before syncing
    received: Received = field(default_factory=Received)
    pushed: int = 0  # local commits sent
    # what the pushed records may have got wrong, given what came in (store/outgoing_seals.py)
    warnings: list[str] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        return {
            "remote": self.remote,
            "branch": self.branch,
            "committed": self.committed,
            "received": self.received.view(),
            "pushed": self.pushed,
            "warnings": self.warnings,
        }


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return gitops.run_git(root, *args)


def _out(root: Path, *args: str) -> str:
    result = _git(root, *args)
    return result.stdout.strip() if result.returncode == 0 else ""


def _config(root: Path, key: str) -> str:
    return _out(root, "config", "--get", key)


def _refuse(zh: str, en: str, **values: Any) -> UserError:
    return UserError(say(zh, en, **values))


def _where(root: Path) -> tuple[Path, str]:
    """The work tree's top and the root's path inside it ('' at the top, else 'a/b/')."""
    top = gitops.work_tree_top(root)
    if top is None:
        raise _refuse(
            "记录根目录不在 git 仓库中,无法同步(先按 README「协作」一节建立共享仓库)",
            "the records root is not in a git repository; nothing to sync (see README, Working together)",
        )
    rel = root.resolve().relative_to(top.resolve()).as_posix()
    return top, "" if rel == "." else rel + "/"


def _branch_and_remote(root: Path) -> tuple[str, str, str, bool]:
    """(local branch, remote, remote branch, whether the upstream is configured)."""
    branch = _out(root, "symbolic-ref", "--short", "-q", "HEAD")
    if not branch:
        raise _refuse(
            "当前不在任何分支上(detached HEAD),无法同步;请先 git switch 到工作分支",
            "not on a branch (detached HEAD); switch to your working branch first",
        )
    if _git(root, "rev-parse", "-q", "--verify", "HEAD").returncode != 0:
        raise _refuse(
            "本仓库还没有任何提交;请先运行 wkb init",
            "this repository has no commit yet; run wkb init first",
        )
    remote = _config(root, f"branch.{branch}.remote")
    merge = _config(root, f"branch.{branch}.merge")
    if remote and remote != "." and merge.startswith("refs/heads/"):
        return branch, remote, merge.removeprefix("refs/heads/"), True
    remotes = _out(root, "remote").split()
    if not remotes:
        raise _refuse(
            "没有配置远程仓库,无法同步;请先运行:git remote add origin <共享仓库地址>",
            "no remote is configured; add one first: git remote add origin <shared repository URL>",
        )
    if "origin" in remotes:
        return branch, "origin", branch, False
    if len(remotes) == 1:
        return branch, remotes[0], branch, False
    raise _refuse(
        "有多个远程仓库({r}),不知道与哪个同步;请运行:git branch -u <远程>/{b}",
        "several remotes ({r}); choose one: git branch -u <remote>/{b}",
        r=join_names(remotes),
        b=branch,
    )


def _operation_under_way(root: Path) -> bool:
    for name in ("rebase-merge", "rebase-apply", "MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD"):
        path = Path(_out(root, "rev-parse", "--git-path", name) or name)
        if not path.is_absolute():
            path = root / path
        if path.exists():
            return True
    return False


def _changed_paths(top: Path) -> list[tuple[str, str]]:
    """(status, path relative to the top) of every changed or untracked file, renames split."""
    listed = _git(top, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    fields = listed.stdout.split("\0")
    changes = []
    index = 0
    while index < len(fields):
        entry = fields[index]
        index += 1
        if len(entry) < 4:
            continue
        status, path = entry[:2], entry[3:]
        changes.append((status, path))
        if "R" in status or "C" in status:
            changes.append((status, fields[index]))  # the rename's source
            index += 1
    return changes


def _is_record(prefix: str, path: str) -> bool:
    from wkb_tracker.store.config import CONFIG_FILE
    from wkb_tracker.store.storage import is_temp_file

    if not path.startswith(prefix):
        return False
    rel = path[len(prefix) :]
    if is_temp_file(rel.rsplit("/", 1)[-1]):
        return False
    # wkb writes YAML records and the shared config; an editor's backup file is not a record.
    return rel == CONFIG_FILE or (rel.startswith(DATA + "/") and rel.endswith(".yaml"))


def _commit_pending(root: Path, top: Path, prefix: str, person: str) -> int:
    """Commit the root's uncommitted record files; refuse when other files are changed."""
    changes = _changed_paths(top)
    records = [path for _status, path in changes if _is_record(prefix, path)]
    others = [path for status, path in changes if status != "??" and not _is_record(prefix, path)]
    if others:
        raise _refuse(
            "工作区有不属于 wkb 记录的未提交改动({p}),未同步;请先提交或撤销这些改动",
            "files other than wkb records have uncommitted changes ({p}); commit or undo them first",
            p=join_names(others, 3, more=" …"),
        )
    if not records:
        return 0
    paths = [path[len(prefix) :] for path in dict.fromkeys(records)]
    failure = gitops.commit(
        root,
        paths,
        gitops.commit_message("sync", f"{len(paths)} uncommitted record file(s)", person),
    )
    if failure:
        raise _refuse(
            "未能提交本地未提交的记录({w}),未同步",
            "could not commit the local uncommitted records ({w}); nothing synced",
            w=failure,
        )
    return len(paths)


def _fetch(root: Path, remote: str) -> None:
    fetched = _git(root, "fetch", "--quiet", remote)
    if fetched.returncode != 0:
        raise RemoteUnreachable(
            say(
                "无法连接远程仓库 {r}({w});本地记录未变,稍后再运行 wkb sync",
                "cannot reach the remote {r} ({w}); local records are unchanged, run wkb sync later",
                r=remote,
                w=gitops.first_line(fetched.stderr),
            )
        )


def _upstream_documents(root: Path, upstream: str, top_paths: list[str]) -> dict[str, Any]:
    """Each file as the upstream has it, parsed (None when unreadable)."""
    from wkb_tracker.store.storage import parse_yaml

    documents: dict[str, Any] = {}
    for path in top_paths:
        shown = subprocess.run(
            ["git", "-C", str(root), "cat-file", "blob", f"{upstream}:{path}"],
            capture_output=True,
            check=False,
        )
        documents[path] = parse_yaml(shown.stdout, path)[0] if shown.returncode == 0 else None
    return documents


def _recorders_in(documents: dict[str, Any]) -> list[str]:
    """People named in these files (`recorder`, `created_by`, an event's `by`, the last embedded
    event's `by`, a void's `by`, who sealed or reopened a month)."""
    found: set[str] = set()
    for value in documents.values():
        if not isinstance(value, dict):
            continue
        void = value.get("void")
        names = [value.get(key) for key in ("recorder", "by", "created_by")]
        names += [value.get("sealed_by"), value.get("reopened_by")]  # a seal or a reopening
        names.append(value.get("merged_by"))  # an entity entry merged into another
        if isinstance(void, dict):  # a void made on another clone: the voider sent it
            names.append(void.get("by"))
        events = value.get("events")
        if isinstance(events, list) and events and isinstance(events[-1], dict):
            names.append(events[-1].get("by"))
        found.update(name.strip() for name in names if isinstance(name, str) and name.strip())
    return sorted(found)


def _received(root: Path, prefix: str, base: str, upstream: str) -> Received:
    """What the commits base..upstream changed inside the records root."""
    from wkb_tracker.store.records import is_event_file

    received = Received(commits=int(_out(root, "rev-list", "--count", f"{base}..{upstream}") or 0))
    if not received.commits:
        return received
    listed = _git(root, "diff", "--name-status", "-z", "--no-renames", base, upstream, "--")
    fields = [item for item in listed.stdout.split("\0") if item]
    people: list[str] = []
    events: list[str] = []
    changes = [
        (status, path, path[len(prefix) :])
        for status, path in zip(fields[::2], fields[1::2], strict=False)
        if path.startswith(prefix) and not path.endswith("/.gitkeep")
    ]
    # A visit whose date was edited moves to another file: one removed, one added, same id.
    added_ids = {_visit_id(rel) for status, _path, rel in changes if status == "A"}
    moved = {_visit_id(rel) for status, _p, rel in changes if status == "D"} & added_ids - {None}
    for status, path, rel in changes:
        if status == "D":
            # A manifest goes with its reopen record; a moved visit is told as changed.
            sealed = rel.startswith(SEALED_DIR + "/")
            if rel.startswith(DATA + "/") and not sealed and _visit_id(rel) not in moved:
                received.removed.append(rel)
            continue
        if rel.startswith(VISITS_DIR + "/") and rel.endswith(".yaml"):
            received.visits += 1
            received.visits_changed += status != "A" or _visit_id(rel) in moved
            people.append(path)
        elif rel.startswith(RECTIFICATIONS_DIR + "/") and rel.endswith(".yaml"):
            received.rectifications += 1
            if is_event_file(rel.rsplit("/", 1)[-1]):
                events.append(path)
            elif status == "A":
                received.rectification_items += 1
            else:
                received.rectification_items_changed += 1
            people.append(path)
        elif rel.startswith(ENTITIES_DIR + "/") and rel.endswith(".yaml"):
            if status == "A":
                received.entities_added += 1
            else:
                received.entities_changed += 1
            people.append(path)
        elif rel.startswith(SEALED_DIR + "/history/") and rel.endswith(".reopen.yaml"):
            # a reopening: its record, beside the kept version (which goes without saying)
            received.reopened.append(rel.rsplit("/", 1)[-1].split(".", 1)[0])
            people.append(path)
        elif rel.startswith(SEALED_DIR + "/history/") and rel.endswith(".yaml"):
            continue
        elif rel.startswith(SEALED_DIR + "/") and rel.endswith(".yaml"):
            received.sealed.append(rel.rsplit("/", 1)[-1].removesuffix(".yaml"))
            people.append(path)
        else:
            received.other.append(rel)
    documents = _upstream_documents(root, upstream, people)
    for path in events:
        event = documents.get(path)
        kind = event.get("kind") if isinstance(event, dict) else None
        kind = kind if kind in _EVENT_WORDS else "other"
        received.rectification_events[kind] = received.rectification_events.get(kind, 0) + 1
    received.recorders = _recorders_in(documents)
    return received


def _visit_id(rel: str) -> str | None:
    """The id in a visit file's name (`…_<id>.yaml`), None for any other file."""
    if not (rel.startswith(VISITS_DIR + "/") and rel.endswith(".yaml")):
        return None
    return rel.rsplit("_", 1)[-1].removesuffix(".yaml")


def _add(total: Received, more: Received) -> None:
    total.commits += more.commits
    total.visits += more.visits
    total.rectifications += more.rectifications
    total.visits_changed += more.visits_changed
    total.rectification_items += more.rectification_items
    total.rectification_items_changed += more.rectification_items_changed
    total.entities_added += more.entities_added
    total.entities_changed += more.entities_changed
    for kind, count in more.rectification_events.items():
        total.rectification_events[kind] = total.rectification_events.get(kind, 0) + count
    total.sealed = sorted({*total.sealed, *more.sealed})
    total.reopened = sorted({*total.reopened, *more.reopened})
    total.removed = sorted({*total.removed, *more.removed})
    total.other = sorted({*total.other, *more.other})
    total.recorders = sorted({*total.recorders, *more.recorders})


def _rebase(root: Path, prefix: str, upstream: str) -> None:
    """Replay local commits onto `upstream`; on a conflict abort it and say which files."""
    if _git(root, "merge-base", "HEAD", upstream).returncode != 0:
        raise SyncConflict(
            say(
                "本地与远程 {u} 的记录库历史无关(各自运行过 wkb init?),未同步;请改为 git clone 远程仓库",
                "the local history and {u} are unrelated (wkb init run on both sides?); clone the remote instead",
                u=upstream,
            )
        )
    rebased = _git(root, "rebase", "--quiet", "--no-autostash", upstream)
    if rebased.returncode == 0:
        return
    conflicted = _out(root, "diff", "--name-only", "--diff-filter=U").splitlines()
    _git(root, "rebase", "--abort")
    files = [path.removeprefix(prefix) for path in conflicted] or [
        gitops.first_line(rebased.stderr)
    ]
    raise SyncConflict(
        say(
            "同步冲突:本地与远程都改动了 {f};已撤销合并,本地记录保持原样,未推送。"
            "请与改动者商定后手工处理(或请管理员协助)",
            "sync conflict: {f} changed both here and on the remote; the merge was undone, "
            "local records are as they were, nothing was pushed. Agree with whoever changed it "
            "and resolve by hand (or ask an administrator)",
            f=join_names(files, 3, more=" …"),
        )
    )


def _outgoing(root: Path, prefix: str, upstream: str) -> list[str]:
    """The visit and rectification files the local commits add, change or remove (relative to
    root)."""
    return _records_changed(root, prefix, upstream, "HEAD")


def _records_changed(root: Path, prefix: str, start: str, end: str) -> list[str]:
    """The visit and rectification files added, changed or removed from `start` to `end`
    (relative to root)."""
    # git runs in the root, and a pathspec is relative to the folder git runs in: `:(top)` makes
    # the top-relative `prefix` hold when the root is a sub-folder of the repository.
    changed = _out(
        root, "diff", "--name-only", "--no-renames", "--diff-filter=AMD", "-z", start, end,
        "--", f":(top){prefix}{VISITS_DIR}", f":(top){prefix}{RECTIFICATIONS_DIR}",
    )  # fmt: skip
    return [path.removeprefix(prefix) for path in changed.split("\0") if path]


def _refuse_seal_missing_received(root: Path, prefix: str, base: str, upstream: str) -> None:
    """Push nothing when a local commit seals a month (`wkb month close`) and records of that month
    came in meanwhile that the seal does not hold: a visit recorded before the seal, but which the
    manifest does not list, would need a late reason on every clone (`wkb validate` fails). The
    office reopens and seals the month again, this time with what it has received."""
    sealed = _out(
        root, "diff", "--name-only", "--diff-filter=AM", "-z", upstream, "HEAD",
        "--", f":(top){prefix}{SEALED_DIR}/*.yaml", f":(exclude,top){prefix}{SEALED_DIR}/history",
    )  # fmt: skip
    months = {path.rsplit("/", 1)[-1].removesuffix(".yaml") for path in sealed.split("\0") if path}
    if not months:
        return
    from wkb_tracker.store.outgoing_seals import unapproved_after_seal

    received = _records_changed(root, prefix, base, upstream)
    found = [one for one in unapproved_after_seal(root, received) if one.month in months]
    if not found:
        return
    month = min(one.month for one in found)
    raise SyncConflict(
        say(
            "未推送:本地对 {m} 的封存没有包含刚收到的 {n} 处改动({f});本地记录保持原样",
            "nothing pushed: the local seal of {m} does not hold {n} change(s) just received"
            " ({f}); local records are as they were",
            m=join_names(sorted({one.month for one in found})),
            n=len(found),
            f=join_names([one.path for one in found], 3, more=" …"),
        )
        + "\n"
        + say(
            "请重新封存:wkb month reopen {m} --reason 原因 --approved-by 批准人,再 wkb month"
            " close {m};然后再 wkb sync",
            "seal it again: wkb month reopen {m} --reason REASON --approved-by NAME, then wkb"
            " month close {m}; then wkb sync again",
            m=month,
        )
    )


def _refuse_broken(root: Path, rels: list[str]) -> None:
    """Push nothing while a record file the local commits add or change has problems (a hand edit
    gone wrong: pushed, it would fail `wkb validate` on every clone). Exit 1, like validate's."""
    from wkb_tracker.domain.errors import DataError
    from wkb_tracker.store.outgoing_seals import broken_files

    problems = broken_files(root, rels) if rels else []
    if problems:
        raise DataError(
            say(
                "未推送:本地 {n} 个记录文件有问题,本地记录保持原样。{p}",
                "nothing pushed: {n} local record file(s) have problems; local records are as"
                " they were. {p}",
                n=len({problem.path for problem in problems}),
                p=str(problems[0]),
            )
            + "\n"
            + say(
                "请改正后再 wkb sync(wkb validate 列出全部问题)",
                "correct them, then wkb sync again (wkb validate lists every problem)",
            )
        )


def _refuse_unapproved_after_seal(root: Path, rels: list[str]) -> None:
    """Push nothing when a local commit adds or changes a record dated in a month the remote has
    sealed meanwhile, without the approval the seal asks for (store/outgoing_seals.py): pushed,
    it would fail `wkb validate` on every clone. The local commits stay, rebased."""
    from wkb_tracker.store.outgoing_seals import unapproved_after_seal

    found = unapproved_after_seal(root, rels) if rels else []
    if not found:
        return
    months = sorted({one.month for one in found})
    files = join_names([one.path for one in found], 3, more=" …")
    visits = [one.record_id for one in found if one.visit and not one.sealed]
    sealed = [one.record_id for one in found if one.sealed]
    remedies = []
    if sealed:
        remedies.append(
            say(
                "已封存的走访({i})的修改、作废或删除须办公室先按规定重开该月",
                "a change, void or removal of a sealed visit ({i}) needs the office to reopen the month first",
                i=join_names(sealed, 3, more=" …"),
            )
        )
    if visits:
        remedies.append(
            say(
                "走访经批准后运行 wkb visit edit {i} --late-reason 原因 --approved-by 批准人",
                "for a visit, once approved: wkb visit edit {i} --late-reason REASON --approved-by NAME",
                i=visits[0],
            )
        )
        if len(visits) > 1:  # each one approved on its own: name them all, not one per sync
            remedies[-1] += say(
                "({o} 也一样)", " (and the same for {o})", o=join_names(visits[1:], 3, more=" …")
            )
    # An item a late visit opened is approved with that visit: telling to delete it would lose it.
    rest = [one for one in found if not one.visit and one.opened_by not in visits]
    if rest:
        remedies.append(
            say(
                "整改事项或事件请删除该文件,再带 --late-reason 和 --approved-by 重新记录",
                "for a rectification file: remove it and record it again with --late-reason and --approved-by",
            )
        )
    raise SyncConflict(
        say(
            "未推送:{m} 已由办公室封存,本地 {n} 处改动落在{w}却未经批准({f});本地记录保持原样",
            "nothing pushed: the office sealed {m}, and {n} local change(s) in {w} are not"
            " approved ({f}); local records are as they were",
            m=join_names(months),
            w=say("该月", "it") if len(months) == 1 else say("这些月份", "them"),
            n=len(found),
            f=files,
        )
        + "\n"
        + say(
            "{r};然后再 wkb sync(或请办公室按规定重开该月)",
            "{r}; then wkb sync again (or have the office reopen the month)",
            r=say(";", "; ").join(remedies),
        )
    )


def _makes_commits(root: Path, top: Path, prefix: str, upstream: str) -> bool:
    """Whether this sync will commit (pending record files) or replay local commits (rebase),
    both of which need a git identity. Only receiving (a fast-forward) needs none: a reader
    without an identity can still get the office's records."""
    if any(_is_record(prefix, path) for _status, path in _changed_paths(top)):
        return True
    if _git(root, "rev-parse", "-q", "--verify", upstream).returncode != 0:
        return False  # nothing to rebase onto: a first push replays nothing
    return int(_out(root, "rev-list", "--count", f"{upstream}..HEAD") or 0) > 0


def sync(root: Path, *, person: str) -> SyncResult:
    """Commit pending records, fetch, rebase onto the remote, push; returns what happened.

    Raises UserError (2) for what it refuses before touching anything, RemoteUnreachable (3)
    and SyncConflict (4) as described in the module docstring."""
    top, prefix = _where(root)
    if _operation_under_way(root):
        raise _refuse(
            "仓库中有未完成的 git 操作(rebase/merge),未同步;请先完成或撤销它(git rebase --abort / git merge --abort)",
            "a git rebase or merge is under way; finish or abort it first (git rebase --abort / git merge --abort)",
        )
    _branch, remote, remote_branch, tracked = _branch_and_remote(root)
    gitops.tune_for_many_files(root)  # a clone made with plain `git clone`
    result = SyncResult(remote=remote, branch=remote_branch)
    _fetch(root, remote)  # offline: stop before anything changes here
    upstream = f"refs/remotes/{remote}/{remote_branch}"
    if _makes_commits(root, top, prefix, upstream):
        gitops.require_identity(root)  # before anything is committed or replayed
    result.committed = _commit_pending(root, top, prefix, person)
    for attempt in range(_PUSH_ATTEMPTS):
        if attempt:
            _fetch(root, remote)
        exists = _git(root, "rev-parse", "-q", "--verify", upstream).returncode == 0
        if exists:
            base = _out(root, "merge-base", "HEAD", upstream)
            if base:
                _add(result.received, _received(root, prefix, base, upstream))
            with gitops.repository_locked(root):  # a commit by another wkb waits, and v.v.
                _rebase(root, prefix, upstream)
        ahead = int(
            _out(root, "rev-list", "--count", f"{upstream}..HEAD" if exists else "HEAD") or 0
        )
        if ahead == 0:
            break
        if exists:
            outgoing = _outgoing(root, prefix, upstream)
            _refuse_broken(root, outgoing)
            _refuse_unapproved_after_seal(root, outgoing)
            if base:
                _refuse_seal_missing_received(root, prefix, base, upstream)
            if f"{DATA}/districts.yaml" in result.received.other:
                from wkb_tracker.store.outgoing_seals import leader_changes

                result.warnings = leader_changes(root, outgoing)
        pushing = ["push", "--quiet"] + ([] if tracked else ["-u"])
        pushed = _git(root, *pushing, remote, f"HEAD:refs/heads/{remote_branch}")
        if pushed.returncode == 0:
            result.pushed = ahead
            break
        if attempt + 1 < _PUSH_ATTEMPTS and any(sign in pushed.stderr for sign in _REJECTED):
            continue  # someone pushed in between: fetch and rebase again
        raise RemoteUnreachable(
            say(
                "已收到远程的新记录,但推送到 {r} 失败({w});本地记录完好,稍后再运行 wkb sync",
                "received the remote's records, but pushing to {r} failed ({w}); local records are safe, run wkb sync later",
                r=remote,
                w=gitops.first_line(pushed.stderr),
            )
        )
    return result


# What one incoming event file is, in the summary's words (an unreadable one is "other").
_EVENT_WORDS = {
    "progress": ("{n} 条整改进展", "{n} rectification progress notes"),
    "extend": ("{n} 次整改延期", "{n} rectification extensions"),
    "close": ("{n} 次整改关闭", "{n} rectification closures"),
    "reopen": ("{n} 次整改重新打开", "{n} rectification reopenings"),
    "followup": ("{n} 次回访", "{n} return visits"),
    "other": ("{n} 条其他整改事件", "{n} other rectification events"),
}


def summary(result: SyncResult) -> str:
    """The one line `wkb sync` prints."""
    got = result.received
    parts = []
    added = got.visits - got.visits_changed
    if added:
        parts.append(say("{n} 条走访", "{n} visits", n=added))
    if got.visits_changed:
        parts.append(say("{n} 条走访改动", "{n} changed visits", n=got.visits_changed))
    if got.rectification_items:
        parts.append(say("{n} 个整改事项", "{n} rectification items", n=got.rectification_items))
    if got.rectification_items_changed:
        parts.append(
            say(
                "{n} 个整改事项改动",
                "{n} changed rectification items",
                n=got.rectification_items_changed,
            )
        )
    for kind, (zh, en) in _EVENT_WORDS.items():
        if got.rectification_events.get(kind):
            parts.append(say(zh, en, n=got.rectification_events[kind]))
    if got.entities_added:
        parts.append(say("{n} 个新登记主体", "{n} registered entities", n=got.entities_added))
    if got.entities_changed:
        parts.append(
            say("{n} 个主体登记改动", "{n} changed entity entries", n=got.entities_changed)
        )
    if got.reopened:
        parts.append(say("重开 {m}", "reopened {m}", m=join_names(got.reopened)))
    if got.sealed:
        parts.append(say("封存 {m}", "sealed {m}", m=join_names(got.sealed)))
    if got.removed:  # only by hand (wkb never deletes a record): named, so nobody misses it
        parts.append(
            say(
                "删除 {n} 个记录文件({f})",
                "{n} record files removed ({f})",
                n=len(got.removed),
                f=join_names(got.removed, 3, more=" …"),
            )
        )
    if got.other:  # named: the shared config or the responsibility table changed for everyone
        names = join_names(got.other, 3, more=" …")
        parts.append(say("{n} 个其他文件({f})", "{n} other files ({f})", n=len(got.other), f=names))
    if parts:
        text = say("收到 ", "received ") + join_names(parts)
        if got.recorders:
            text += say(",来自 {p}", " from {p}", p=join_names(got.recorders))
    elif got.commits:
        text = say(
            "收到 {n} 个提交(无记录变动)", "received {n} commits (no record changes)", n=got.commits
        )
    else:
        text = say("没有新记录", "nothing new")
    if result.committed:
        text += say(
            ";先提交了 {n} 个未提交的记录文件",
            "; committed {n} uncommitted record files first",
            n=result.committed,
        )
    text += (
        say(";推送 {n} 个本地提交", "; pushed {n} local commits", n=result.pushed)
        if result.pushed
        else say(";无需推送", "; nothing to push")
    )
    return say(
        "已同步 {r}/{b}:{t}", "synced with {r}/{b}: {t}", r=result.remote, b=result.branch, t=text
    )
