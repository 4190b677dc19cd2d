"""The pre-commit check: validate what a commit changes, and the invariants those changes can
break, instead of the whole records root (issue 17.3: the hook must not cost a clerk seconds per
visit).

What is checked, for the files staged in a records root (`git diff --cached`):

- each staged visit, item and event file as `wkb validate` checks it (bytes, YAML, fields, names
  against the table, id and place, the entity a visit names); the other files of their months,
  when they must be read (below), with the parse of unchanged bytes reused (store/checked.py);
- duplicate ids among the visits of each month a staged visit is in (an id carries its date, and
  a visit is only counted from the month folder of its date);
- the whole history of each item a staged item or event file belongs to (its file and every event
  file beside it), and that a staged item's visit exists;
- the problems reported are those of the staged files (and of the histories they join).

Anything a staged change could break further away makes it a full `wkb validate`: a record file
deleted or renamed (an item may name a deleted visit), a staged file in a sealed month or under
`data/sealed/` (seals are checked against every sealed visit), the policy files, `wkb.toml`, or
anything else under `data/` (the entity register among them). `wkb validate` itself always checks everything.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wkb_tracker.domain.errors import Problem
from wkb_tracker.store.root import RECTIFICATIONS_DIR, VISITS_DIR, is_sealed

_RECORD_DIRS = (f"{VISITS_DIR}/", f"{RECTIFICATIONS_DIR}/")


@dataclass(frozen=True)
class Staged:
    """The record files a commit adds or changes (root-relative), or `full` when the commit
    touches anything a per-file check cannot vouch for."""

    files: tuple[str, ...]
    full: bool


def staged_changes(root: Path) -> Staged:
    """What the index holds for `root` beyond HEAD (everything, in a repository without commits)."""
    changes = cached_changes(root, "--relative", "--", ".")
    if changes is None:  # no git, or not a repository: check everything
        return Staged((), True)
    return changes_of(root, changes)


def cached_changes(folder: Path, *options: str) -> list[tuple[str, str]] | None:
    """(git status letter, path) of every change the index holds beyond HEAD (against the empty
    tree before the first commit), paths relative to the repository's top unless `options` say
    otherwise; None when git cannot tell (no git, not a repository, an unreadable index)."""
    listed = subprocess.run(
        ["git", "-C", str(folder), "diff", "--cached", "--name-status", "-z", "--no-renames",
         *options],
        capture_output=True,
        check=False,
    )  # fmt: skip
    if listed.returncode != 0:
        return None
    fields = listed.stdout.decode("utf-8", "surrogateescape").split("\0")
    return [(status, path) for status, path in zip(fields[0::2], fields[1::2], strict=False)]


def changes_of(root: Path, changes: list[tuple[str, str]]) -> Staged:
    """`Staged` for a commit of `changes`: (git status letter, path relative to root) pairs."""
    files: list[str] = []
    for status, rel in changes:
        if not rel:
            continue
        if not rel.startswith("data/") and rel != "wkb.toml":
            continue  # not read by wkb (README, scripts, …)
        if status[:1] not in ("A", "M") or not _is_record_path(rel):
            return Staged((), True)
        if _in_sealed_month(root, rel):
            return Staged((), True)
        files.append(rel)
    return Staged(tuple(sorted(files)), False)


def _is_record_path(rel: str) -> bool:
    """`data/visits/YYYY/MM/NAME.yaml` or the same under data/rectifications."""
    if not rel.startswith(_RECORD_DIRS) or not rel.endswith(".yaml"):
        return False
    parts = rel.split("/")
    return (
        len(parts) == 5
        and len(parts[2]) == 4
        and parts[2].isdigit()
        and len(parts[3]) == 2
        and parts[3].isdigit()
    )


def _in_sealed_month(root: Path, rel: str) -> bool:
    parts = rel.split("/")
    return is_sealed(root, int(parts[2]), int(parts[3]))


def check_staged(root: Path, files: tuple[str, ...]) -> tuple[list[Problem], int]:
    """The problems of the staged record `files` (see the module docstring), sorted, and how
    many records were checked."""
    from wkb_tracker.domain.dataset import Dataset
    from wkb_tracker.store.changed_records import read_changed
    from wkb_tracker.store.config import read_config
    from wkb_tracker.store.loader import item_from_doc, load_visits, read_doc, visit_from_doc
    from wkb_tracker.store.policy_files import load_policy
    from wkb_tracker.store.validation import VALIDATORS, check_sealed_months

    config, problems = read_config(root)
    policy, policy_problems = load_policy(root)
    problems += policy_problems
    # Every staged visit, and the whole history of every staged item or event file, read (and
    # reported) as validate reads them: the staged files are parsed here (a few small files:
    # quicker than opening the reuse table); the reuse table only when whole months are read
    # (below).
    changed = read_changed(
        root,
        files,
        lambda root, rel: visit_from_doc(read_doc(root, rel)),
        lambda root, rel: item_from_doc(read_doc(root, rel)),
    )
    problems += changed.problems + changed.orphans
    staged_records, items, item_files = changed.visits, changed.items, changed.item_files
    # The months of the staged visits (their duplicates) and of the visits staged items name
    # (whether those exist): every file read, as validate reads it, the parses of unchanged
    # bytes reused. (Not the record cache: a commit has just changed that month's folder,
    # which the record cache would scan and store again — several times the cost.)
    visits_staged = [rel for rel in files if rel.startswith(VISITS_DIR + "/")]
    months = {(int(rel.split("/")[2]), int(rel.split("/")[3])) for rel in visits_staged}
    for item in items:
        if item.visit and len(item.visit) >= 9 and item.visit[1:9].isdigit():
            months.add((int(item.visit[1:5]), int(item.visit[5:7])))
    if items or not _no_copy_can_outrank(root, staged_records):
        from wkb_tracker.store.checked import CheckedFiles

        checked = CheckedFiles(root, by_folder=False)  # a month's files: one query each
        try:
            visits, found, _temps = load_visits(root, sorted(months), cache=False, checked=checked)
        finally:
            checked.close()
        problems += found
    else:
        visits = list(staged_records.values())
    wanted = set(visits_staged)
    staged_visits = [visit for visit in visits if visit.path in wanted]
    if any(visit.entity_id for visit in staged_visits):  # the entity each names must exist
        from wkb_tracker.store.entity_links import visit_problems
        from wkb_tracker.store.entity_store import load_register

        register, _register_problems = load_register(root)  # the register's own: full validate
        problems += visit_problems(root, register, staged_visits)
    # The checks run on the staged visits and the visits staged items name; the other visits of
    # those months were read for their ids (duplicates, above), their own checks were their
    # commits'. Every validator is per record but for the visit ids items name.
    named = {item.visit for item in items if item.visit}
    checked_visits = [visit for visit in visits if visit.path in wanted or visit.id in named]
    data = Dataset(
        root, config, policy, visits=checked_visits, rectifications=items, problems=problems
    )
    mine = set(files) | set(item_files)
    found_all = list(problems)
    for validator in VALIDATORS:
        if validator is not check_sealed_months:  # a sealed month's change is a full validate
            found_all += validator(data)
    # Other records of those months were read for context; their problems were the commits'
    # that added them. Problems not about a record (the table, wkb.toml) are always shown.
    kept = sorted({p for p in found_all if p.path in mine or not p.path.startswith(_RECORD_DIRS)})
    return kept, len(visits_staged) + len(items)


def _no_copy_can_outrank(root: Path, staged: dict[str, Any]) -> bool:
    """True when no other visit file of their months can make a staged visit a reported copy,
    so the months need not be read. Of several files with one id, the one at its own path
    (`visit_path`) counts, else the first by path (store/duplicates.py); a copy that does not
    count is reported at its own path, which the check shows only for staged files. A staged
    visit at its own path can be outranked only by another file at *its* own path with the same
    id — a name ending `_<id>.yaml` in the same folder. (A staged visit elsewhere, or such a
    name: the months are read.)"""
    from wkb_tracker.store.records import visit_path

    names: dict[str, str] = {}  # folder → its file names, each followed by "/" (never in one)
    for rel, visit in staged.items():
        if rel != visit_path(visit.id, visit.date, visit.district_id):
            return False
        folder = rel.rpartition("/")[0]
        if folder not in names:
            try:
                names[folder] = "/".join(os.listdir(root / folder)) + "/"
            except OSError:
                return False
        if names[folder].count(f"_{visit.id}.yaml/") > 1:  # its own name, and another
            return False
    return True
