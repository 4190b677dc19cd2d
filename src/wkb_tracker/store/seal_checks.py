"""What `wkb validate` checks about sealed months (measure 17: the assessed figures are final).

- every sealed visit, by id wherever its file now is (renamed, moved, copied): unchanged since
  sealing (line endings aside), still present, and where it was sealed;
- visits added to a sealed month afterwards carry a late reason (封存后补录);
- the figures recomputed from the sealed visits equal the manifest's (table or config edits);
- the sealing history is whole: each kept version has its reopen record and vice versa;
- and, in a git repository, a seal is never undone silently: a manifest or history file that
  was ever committed and is now gone, or a manifest edited in place, is reported unless a
  `wkb month reopen` record accounts for it. A `git revert` of the seal commit removes the
  manifest but not the commit that added it, so the history still shows the seal.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from wkb_tracker.domain.dataset import Dataset
from wkb_tracker.domain.errors import Problem
from wkb_tracker.domain.i18n import join_names, say
from wkb_tracker.domain.model import Rectification, RectificationEvent, Visit
from wkb_tracker.store.manifest import HISTORY_DIR, MonthSeals, Seal, hash_matches, read_seal_book
from wkb_tracker.store.root import SEALED_DIR


def check_sealed_months(data: Dataset) -> Iterator[Problem]:
    """Every sealing problem of the records root (see the module docstring)."""
    book, problems = read_seal_book(data.root)
    yield from problems
    if not book:  # nothing sealed: only git may remember a seal that is gone
        yield from check_git_history(data.root, book)
        return
    files_of: dict[str, set[str]] = {}
    by_month: dict[tuple[int, int], list[Visit]] = {}
    for visit in data.visits:
        files_of.setdefault(visit.id, set()).add(visit.path)
        by_month.setdefault((visit.date.year, visit.date.month), []).append(visit)
    if any(seals.current is not None for seals in book.values()):
        _add_left_out_files(data, files_of)
    current = {key: seals.current for key, seals in book.items() if seals.current is not None}
    for key, seals in sorted(book.items()):
        yield from _check_history(seals)
        if seals.current is not None:
            yield from _check_seal(data, seals.current, files_of, by_month.get(key, []))
    yield from check_rectifications(data.root, data.rectifications, current)
    yield from check_git_history(data.root, book)


def check_rectifications(
    root: Path, items: Iterable[Rectification], seals: dict[tuple[int, int], Seal]
) -> Iterator[Problem]:
    """Rectification figures are not in manifests: they stay final because wkb refuses an event
    (or an item) dated in a sealed month without a late reason and an approver. One written on
    another clone before the seal reached it passes that check and arrives by `wkb sync`: dated
    in the sealed month, recorded after the seal, without approval — reported here (measure 17).
    Anything recorded before the seal was part of what was sealed."""
    for _item, _event, problem in _after_seal(root, items, seals):
        yield problem


def _after_seal(
    root: Path, items: Iterable[Rectification], seals: dict[tuple[int, int], Seal]
) -> Iterator[tuple[Rectification, RectificationEvent | None, Problem]]:
    """(item, the event or None for the item itself, the problem) for every unapproved entry
    recorded after the seal of the sealed month it is dated in."""
    from wkb_tracker.store.event_files import event_problem

    for item, event, day, at in _unapproved_in_sealed_months(items, set(seals)):
        seal = seals[(day.year, day.month)]
        if at is None or at <= seal.sealed_at:
            continue
        message = _after_seal_message(day, seal)
        if event is None:
            yield item, None, Problem(item.path, 1, message)
        else:
            yield item, event, event_problem(root, item, event, message, "date")


def _unapproved_in_sealed_months(
    items: Iterable[Rectification], months: set[tuple[int, int]] | None
) -> Iterator[tuple[Rectification, RectificationEvent | None, date, Any]]:
    """Items opened and events (from event files) dated in one of `months` (None: any month)
    without both a late reason and an approver: (item, event or None for the item itself, its
    date, recorded at)."""

    def sealed(day: date) -> bool:
        return months is None or (day.year, day.month) in months

    for item in items:
        if sealed(item.opened) and not (item.late_reason and item.late_approved_by):
            yield item, None, item.opened, item.created_at
        for event in item.events:
            if event.id is None:  # embedded: checked by the store when written, never merged
                continue
            if sealed(event.date) and not (event.late_reason and event.approved_by):
                yield item, event, event.date, event.at


def set_aside_after_seal(
    root: Path, items: Iterable[Rectification]
) -> tuple[list[Rectification], list[Problem]]:
    """`items` without what `unapproved_after_seal` reports — an unapproved event dated in a
    sealed month and recorded after its seal is skipped, an item opened so is left out — and the
    problems. Reports count what was sealed (measure 17: sealed figures are final), exactly as
    if wkb had refused the entry on this clone; fixing the file (approval, or `git rm`) brings it
    back. The item's other events still count."""
    items = list(items)
    found = _suspects(root, items)
    if not found:
        return items, []
    dropped_items = {item.id for item, event, _p in found if event is None}
    dropped_events = {(item.id, event.id) for item, event, _p in found if event is not None}
    kept = []
    for item in items:
        if item.id in dropped_items:
            continue
        if any(item.id == item_id for item_id, _e in dropped_events):
            events = tuple(e for e in item.events if (item.id, e.id) not in dropped_events)
            item = replace(item, events=events)
        kept.append(item)
    return kept, [problem for _i, _e, problem in found]


def unapproved_after_seal(root: Path, items: Iterable[Rectification]) -> list[Problem]:
    """What `wkb validate` reports about `items` (see `check_rectifications`), for a reader to
    warn with. Cheap when nothing is suspect: a month's manifest is read only when an unapproved
    event or item is dated in a month that has one."""
    return [problem for _item, _event, problem in _suspects(root, list(items))]


def _suspects(
    root: Path, items: list[Rectification]
) -> list[tuple[Rectification, RectificationEvent | None, Problem]]:
    """See `unapproved_after_seal`."""
    latest: dict[tuple[int, int], Any] = {}  # per month: the latest recording of a suspect
    for _item, _event, day, at in _unapproved_in_sealed_months(items, None):
        key = (day.year, day.month)
        if at is not None and (key not in latest or at > latest[key]):
            latest[key] = at
    candidates = set()
    for (year, month), at in latest.items():
        path = root / SEALED_DIR / f"{year:04d}-{month:02d}.yaml"
        if not path.is_file():
            continue
        sealed_at = _sealed_at_hint(path)
        # Most suspects are items opened before their month was sealed: the manifest's head
        # says so without reading the whole file (it lists every visit of the month).
        if sealed_at is None or at > sealed_at:
            candidates.add((year, month))
    if not candidates:
        return []
    book, _problems = read_seal_book(root, candidates)  # broken manifests: warned elsewhere
    seals = {key: seals.current for key, seals in book.items() if seals.current is not None}
    return list(_after_seal(root, items, seals))


def _sealed_at_hint(path: Path) -> Any:
    """`sealed_at` from the head of a manifest as wkb writes it (an aware datetime), else None:
    the caller then reads the manifest properly."""
    import re
    from datetime import datetime

    try:
        with path.open("rb") as stream:
            head = stream.read(4096).decode("utf-8", "replace")
    except OSError:
        return None
    found = re.search(r"^sealed_at: *['\"]?([0-9][0-9:+\- T.]+?)['\"]? *$", head, re.MULTILINE)
    if found is None:
        return None
    try:
        stamp = datetime.fromisoformat(found.group(1))
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else None


def _after_seal_message(day: date, seal: Seal) -> str:
    return say(
        "日期 {d} 在已封存的 {m} 内,却在封存({s})之后才记录,且没有补录原因和批准人:报告不计入此项"
        "(否则会改变该月已封存的整改数字)。请删除此文件,再用 --late-reason 和 --approved-by 重新记录,或按规定重开该月",
        "dated {d}, inside sealed {m}, but recorded after the seal ({s}) without a late reason and"
        " approver: reports leave it out (it would change the month's sealed rectification figures)."
        " Remove this file and record"
        " it again with --late-reason and --approved-by, or reopen the month",
        d=day.isoformat(),
        m=seal.label,
        s=seal.sealed_at.isoformat(),
    )


def _add_left_out_files(data: Dataset, files_of: dict[str, set[str]]) -> None:
    """Visit files the loader left out (outside the month folder of their date, or broken) still
    carry a sealed visit's id: a sealed visit moved to another folder is found there (11.3)."""
    from wkb_tracker.store.loader import record_files
    from wkb_tracker.store.root import VISITS_DIR
    from wkb_tracker.store.storage import read_yaml

    loaded = {path for paths in files_of.values() for path in paths}
    files, _temps = record_files(data.root, VISITS_DIR)
    for rel in files:
        if rel in loaded or not rel.endswith(".yaml"):
            continue
        value = read_yaml(data.root, rel).value
        found = value.get("id") if isinstance(value, dict) else None
        if not isinstance(found, str):  # unreadable: the id in its name is all there is
            found = rel.rsplit("_", 1)[-1].removesuffix(".yaml")
        files_of.setdefault(found, set()).add(rel)


def _check_seal(
    data: Dataset, seal: Seal, files_of: dict[str, set[str]], month_visits: list[Visit]
) -> Iterator[Problem]:
    from wkb_tracker.store.counting_register import with_counting_register
    from wkb_tracker.store.sealing import figure_changes, figures_of

    sealed_ids = set()
    lines: dict[str, list[int]] = {}
    for entry in seal.visits:
        sealed_ids.add(entry.id)
        at_sealed_path = os.path.lexists(data.root / entry.path)
        paths = set(files_of.get(entry.id, ()))
        if at_sealed_path:
            paths.add(entry.path)
        if not paths:
            yield Problem(
                seal.path,
                _entry_line(data.root, seal.path, entry.index, lines),
                say(
                    "{m} 封存后走访 {i} 被删除({p})",
                    "visit {i} was removed after {m} was sealed ({p})",
                    m=seal.label,
                    i=entry.id,
                    p=entry.path,
                ),
            )
            continue
        for path in sorted(paths):
            if not hash_matches(data.root / path, entry.sha256, seal.hash_scheme):
                yield Problem(
                    path,
                    1,
                    say(
                        "{m} 封存后此走访被修改(封存清单 {s})",
                        "changed after {m} was sealed (manifest {s})",
                        m=seal.label,
                        s=seal.path,
                    ),
                )
            if path != entry.path:
                yield Problem(
                    path,
                    1,
                    say(
                        "{m} 封存后走访 {i} 被改名或移动(封存时为 {p})",
                        "visit {i} was renamed or moved after {m} was sealed (sealed as {p})",
                        m=seal.label,
                        i=entry.id,
                        p=entry.path,
                    ),
                )
    present = {visit.id: visit for visit in month_visits}
    if seal.figures is not None:
        # Only the sealed visits: a declared late entry may add to the month, by design.
        sealed_visits = [visit for visit in present.values() if visit.id in sealed_ids]
        month_data = Dataset(data.root, data.config, data.policy, visits=sealed_visits)
        rule = seal.counting_rule(data.monthly_minimum, data.config.monthly_minimum)
        month_data = with_counting_register(data.root, month_data, [rule])
        changes = figure_changes(
            seal.figures, figures_of(month_data, date(seal.year, seal.month, 1), rule)
        )
        if changes:
            yield Problem(
                seal.path,
                seal.figures_line,
                say(
                    "{m} 封存后报告数字变了(分工表、配置或记录被改动):{c}",
                    "the figures of {m} changed after sealing (table, config or records changed): {c}",
                    m=seal.label,
                    c=join_names(changes, 3, sep="; "),
                ),
            )
    for visit_id, visit in present.items():
        if visit_id not in sealed_ids and not visit.late_reason:
            yield Problem(
                visit.path,
                1,
                say(
                    "{m} 封存后补录却没有 late_reason(补录原因)",
                    "added after {m} was sealed without a late_reason",
                    m=seal.label,
                ),
            )


def _entry_line(root: Path, rel: str, index: int, known: dict[str, list[int]]) -> int:
    """The line of the manifest's index-th visit entry: the manifest is parsed for lines only
    when a problem needs one, once per manifest (`known` keeps the lines)."""
    from wkb_tracker.store.storage import read_yaml

    if rel not in known:
        known[rel] = read_yaml(root, rel).item_lines("visits")
    lines = known[rel]
    return lines[index] if index < len(lines) else 1


def _check_history(seals: MonthSeals) -> Iterator[Problem]:
    """Each kept version was reopened (a record says who, why, approved by whom), each reopen
    record keeps its version, and the current manifest is the newest version."""
    for version, seal in sorted(seals.archived.items()):
        if version not in seals.reopenings:
            yield Problem(
                seal.path,
                1,
                say(
                    "{m} 第 {v} 版封存清单被移入历史,却没有重开记录(wkb month reopen)",
                    "version {v} of {m} was moved to the history without a reopen record (wkb month reopen)",
                    m=seals.label,
                    v=version,
                ),
            )
    for version, reopening in sorted(seals.reopenings.items()):
        if version not in seals.archived:
            yield Problem(
                reopening.path,
                1,
                say(
                    "{m} 第 {v} 版的重开记录缺少对应的封存清单 {p}",
                    "the reopen record of version {v} of {m} has no kept manifest {p}",
                    m=seals.label,
                    v=version,
                    p=f"{HISTORY_DIR}/{seals.label}.v{version}.yaml",
                ),
            )
    newest = max([*seals.archived, *seals.reopenings], default=0)
    if seals.current is not None and seals.current.version <= newest:
        yield Problem(
            seals.current.path,
            1,
            say(
                "{m} 当前封存清单的版本 {v} 不比历史版本 {n} 新",
                "the current manifest of {m} is version {v}, not newer than the kept version {n}",
                m=seals.label,
                v=seals.current.version,
                n=newest,
            ),
        )


# -- git history -----------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> tuple[int, str]:
    import subprocess

    done = subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )
    return done.returncode, done.stdout


def _committed_value(root: Path, rev: str, rel: str) -> Any:
    """The parsed YAML of `rel` at commit `rev` (None if absent or unreadable)."""
    from wkb_tracker.store.storage import MAX_FILE_BYTES, parse_yaml

    code, text = _git(root, "show", f"{rev}:./{rel}")
    data = text.encode("utf-8")
    if code != 0 or len(data) > MAX_FILE_BYTES:
        return None
    value, problems = parse_yaml(data, rel)
    return None if problems else value


def _version_of(value: Any) -> int | None:
    if not isinstance(value, dict):
        return None
    version = value.get("version", 1)
    return version if isinstance(version, int) and not isinstance(version, bool) else None


def _label_of(rel: str) -> str | None:
    name = rel.removeprefix(SEALED_DIR + "/")
    if "/" in name or not name.endswith(".yaml"):
        return None
    return name.removesuffix(".yaml")


def _reopened(book: dict[tuple[int, int], MonthSeals], label: str, version: int | None) -> bool:
    from wkb_tracker.store.manifest import parse_label

    key = parse_label(label)
    seals = book.get(key) if key else None
    return seals is not None and version is not None and version in seals.reopenings


def _sealing_log(root: Path) -> dict[str, list[tuple[str, str]]]:
    """path → [(commit, status A/M/D)], newest first, for every file git ever recorded under
    data/sealed (one git call, renames seen as delete + add)."""
    code, out = _git(
        root, "log", "--no-renames", "--relative", "--format=>%H", "--name-status", "--", SEALED_DIR
    )
    changes: dict[str, list[tuple[str, str]]] = {}
    if code != 0:
        return changes
    commit = ""
    for line in out.splitlines():
        if line.startswith(">"):
            commit = line[1:].strip()
        elif "\t" in line:
            status, _tab, path = line.partition("\t")
            changes.setdefault(path.strip(), []).append((commit, status.strip()[:1]))
    return changes


def check_git_history(root: Path, book: dict[tuple[int, int], MonthSeals]) -> Iterator[Problem]:
    """Sealing files that git says were committed, and that are gone or were edited in place
    without a reopen record. Nothing to check outside a git repository (or without git).
    A few git calls whatever the number of sealed months (the hook runs this on every commit)."""
    from wkb_tracker.store.gitops import in_repository

    if not in_repository(root):
        return
    code, _head = _git(root, "rev-parse", "--verify", "-q", "HEAD")
    if code != 0:
        return  # no commit yet
    changes = _sealing_log(root)
    # `status --porcelain` names paths from the repository's top; the root may be a sub-folder.
    _code, prefix = _git(root, "rev-parse", "--show-prefix")
    code, out = _git(root, "status", "--porcelain", "--no-renames", "--", SEALED_DIR)
    dirty = (
        {line[3:].strip().removeprefix(prefix.strip()) for line in out.splitlines()}
        if code == 0
        else set()
    )
    for rel, history in sorted(changes.items()):
        if not rel.endswith(".yaml") or not any(status == "A" for _c, status in history):
            continue
        label = _label_of(rel)
        if os.path.lexists(root / rel):
            if label is not None:
                edits = [commit for commit, status in history if status == "M"]
                yield from _edited_in_place(root, book, rel, label, edits, rel in dirty)
            continue
        commit = history[0][0]
        if label is None:
            if rel.startswith(HISTORY_DIR + "/"):
                yield Problem(
                    rel,
                    1,
                    say(
                        "封存历史文件已被删除或撤销(git 历史中在 {c} 提交过)",
                        "a sealing history file was removed or reverted (git history: {c})",
                        c=commit[:10],
                    ),
                )
            continue
        value = _committed_value(root, commit, rel) or _committed_value(root, commit + "^", rel)
        if not _reopened(book, label, _version_of(value)):
            yield Problem(
                rel,
                1,
                say(
                    "{m} 的封存清单已被删除或撤销(git 历史中在 {c} 提交过),却没有 wkb month reopen 记录;"
                    "请从 git 历史恢复,或按规定重开",
                    "the manifest of {m} was removed or reverted (git history: {c}) without a wkb month "
                    "reopen record; restore it from git history, or reopen the month properly",
                    m=label,
                    c=commit[:10],
                ),
            )


def _edited_in_place(
    root: Path,
    book: dict[tuple[int, int], MonthSeals],
    rel: str,
    label: str,
    edits: list[str],
    dirty: bool,
) -> Iterator[Problem]:
    """A current manifest only ever changes by reopen + close (a newer version); any other
    difference between commits (`edits`), or between the last commit and the working tree
    (`dirty`), is reported."""
    from wkb_tracker.store.storage import read_yaml

    pairs: list[tuple[Any, Any, str]] = [
        (_committed_value(root, c + "^", rel), _committed_value(root, c, rel), c[:10])
        for c in edits
    ]
    if dirty:
        committed = _committed_value(root, "HEAD", rel)
        current = read_yaml(root, rel).value
        if committed is not None and current != committed:
            pairs.append((committed, current, say("工作区", "working tree")))
    for before, after, where in pairs:
        old, new = _version_of(before), _version_of(after)
        if old is not None and new is not None and new > old and _reopened(book, label, old):
            continue
        yield Problem(
            rel,
            1,
            say(
                "{m} 的封存清单在封存后被改动({w}),却没有 wkb month reopen 记录",
                "the manifest of {m} was edited after sealing ({w}) without a wkb month reopen record",
                m=label,
                w=where,
            ),
        )
