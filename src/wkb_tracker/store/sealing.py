"""Sealed months: after a month is closed, its figures are final (measure 17).

`wkb month close` writes `data/sealed/YYYY-MM.yaml` (format: manifest.py): who sealed it and when,
the id, path and SHA-256 of every visit file of the month, and the report figures at sealing
time — the month's official figures from then on (official.py applies them to reports). Visits
added later are 封存后补录 (after-seal entries): they need a late reason and an approver, are shown
beside the official figures and never change them. `wkb month reopen` is the only way to change
official figures: it keeps the manifest as a version in `data/sealed/history/` with a reopen
record (who, when, why, approved by), and the next `month close` writes a new version.
`wkb validate` checks all of it (seal_checks.py).
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from wkb_tracker.domain.counting_rule import CountingRule
from wkb_tracker.domain.dataset import Dataset
from wkb_tracker.domain.dates import month_bounds, now, today
from wkb_tracker.domain.errors import Problem, UserError
from wkb_tracker.domain.i18n import say
from wkb_tracker.store.loader import record_files
from wkb_tracker.store.manifest import (
    HASH_LF,
    HISTORY_DIR,
    MonthSeals,
    Reopening,
    Seal,
    SealedVisit,
    file_hash,
    read_seal_book,
)
from wkb_tracker.store.root import VISITS_DIR, manifest_path
from wkb_tracker.store.storage import create_exclusive, dump_yaml, read_yaml

__all__ = ["Seal", "SealedVisit", "file_hash", "read_seals", "reopen_month", "seal_month"]


def archived_path(year: int, month: int, version: int) -> str:
    return f"{HISTORY_DIR}/{year:04d}-{month:02d}.v{version}.yaml"


def reopen_record_path(year: int, month: int, version: int) -> str:
    return f"{HISTORY_DIR}/{year:04d}-{month:02d}.v{version}.reopen.yaml"


def _next_version(book: dict[tuple[int, int], MonthSeals], year: int, month: int) -> int:
    seals = book.get((year, month))
    if seals is None:
        return 1
    used = [*seals.archived, *seals.reopenings]
    if seals.current is not None:
        used.append(seals.current.version)
    return max(used, default=0) + 1


def seal_month(
    root: Path,
    year: int,
    month: int,
    *,
    by: str,
    figures: dict[str, Any] | None = None,
    rule: CountingRule | None = None,
) -> Seal:
    """Seal a finished month, with measure 14's rule it is counted under (`rule`), so that a
    later rule never moves it. Refuses an unfinished month and one already sealed."""
    label = f"{year:04d}-{month:02d}"
    last_day = month_bounds(year, month)[1]
    if last_day >= today():
        raise UserError(
            say(
                "{m} 尚未结束(月末 {d}),不能封存;只能封存已结束的月份",
                "{m} has not ended (last day {d}); only finished months can be sealed",
                m=label,
                d=last_day,
            )
        )
    rel = manifest_path(year, month)
    if os.path.lexists(root / rel):
        raise UserError(say("{m} 已经封存({p})", "{m} is already sealed ({p})", m=label, p=rel))
    book, _problems = read_seal_book(root)
    version = _next_version(book, year, month)
    files, _temps = record_files(root, VISITS_DIR, [(year, month)])
    entries = []
    for file in files:
        doc = read_yaml(root, file)
        record_id = doc.value.get("id") if isinstance(doc.value, dict) else None
        if doc.problems or not isinstance(record_id, str):
            raise UserError(
                say(
                    "{m} 有无法读取的走访文件,请先修复再封存:{p}",
                    "{m} has a broken visit file; fix it before sealing: {p}",
                    m=label,
                    p=(doc.problems[0] if doc.problems else file),
                )
            )
        entries.append({"id": record_id, "path": file, "sha256": file_hash(root / file) or ""})
    sealed_at = now()
    manifest: dict[str, Any] = {
        "month": label,
        "version": version,
        "sealed_by": by,
        "sealed_at": sealed_at,
        "hash_scheme": HASH_LF,
        "visits": entries,
    }
    if figures is not None:
        manifest["figures"] = figures
    if rule is not None:
        manifest["rule"] = rule.to_mapping()
    try:
        create_exclusive(root / rel, dump_yaml(manifest))
    except FileExistsError:
        raise UserError(
            say("{m} 已经封存({p})", "{m} is already sealed ({p})", m=label, p=rel)
        ) from None
    visits = tuple(SealedVisit(e["id"], e["path"], e["sha256"], 0) for e in entries)
    return Seal(year, month, by, sealed_at, visits, rel, figures, 1, version, HASH_LF, rule)


def reopen_month(
    root: Path, year: int, month: int, *, by: str, reason: str, approved_by: str
) -> tuple[Reopening, list[str]]:
    """Reopen a sealed month (the only way its official figures may change): the manifest is
    kept unchanged as `history/YYYY-MM.vN.yaml`, a reopen record is written beside it, and the
    current manifest is removed. Returns the record and every path touched (to commit).

    Refuses a month that is not sealed, an unreadable manifest, and an empty reason or approver.
    """
    from wkb_tracker.domain.text import clean_text
    from wkb_tracker.store.manifest import parse_manifest

    label = f"{year:04d}-{month:02d}"
    reason = clean_text(reason, "--reason", required=True, multiline=True)
    approved_by = clean_text(approved_by, "--approved-by", required=True)
    by = clean_text(by, "--by")
    rel = manifest_path(year, month)
    if not os.path.lexists(root / rel):
        raise UserError(
            say(
                "{m} 未封存,无需重开(已封存的月份见 wkb month status)",
                "{m} is not sealed; nothing to reopen (see wkb month status)",
                m=label,
            )
        )
    seal, problems = parse_manifest(root, rel, label, None)
    if seal is None:
        raise UserError(
            say(
                "{m} 的封存清单无法读取,请先修复:{p}",
                "the manifest of {m} cannot be read; fix it first: {p}",
                m=label,
                p=problems[0] if problems else rel,
            )
        )
    data = (root / rel).read_bytes()
    archive = archived_path(year, month, seal.version)
    record_rel = reopen_record_path(year, month, seal.version)
    for taken in (archive, record_rel):
        if os.path.lexists(root / taken) and not (
            taken == archive and (root / taken).read_bytes() == data  # a retry after a crash
        ):
            raise UserError(
                say(
                    "{p} 已存在,未做任何改动(请运行 wkb validate 查看封存历史)",
                    "{p} already exists; nothing changed (run wkb validate to check the sealing history)",
                    p=taken,
                )
            )
    at = now()
    record = {
        "month": label,
        "version": seal.version,
        "reopened_by": by,
        "reopened_at": at,
        "reason": reason,
        "approved_by": approved_by,
    }
    if not os.path.lexists(root / archive):
        create_exclusive(root / archive, data.decode("utf-8"))
    create_exclusive(root / record_rel, dump_yaml(record))
    (root / rel).unlink()
    reopening = Reopening(year, month, seal.version, by, at, reason, approved_by, record_rel)
    return reopening, [rel, archive, record_rel]


def read_seals(root: Path) -> tuple[list[Seal], list[Problem]]:
    """The current seal of every sealed month, with problems for broken sealing files."""
    book, problems = read_seal_book(root)
    seals = [seals.current for _key, seals in sorted(book.items()) if seals.current is not None]
    return seals, problems


def month_figures(root: Path, first: date) -> dict[str, Any]:
    """The month's report figures at sealing time: per leader and district, contacts, required
    and status (measure 14), so a later report can be compared with what was sealed."""
    from wkb_tracker.store.counting_register import with_counting_register
    from wkb_tracker.store.loader import load

    dataset = load(root, months=[(first.year, first.month)])
    rule = dataset.rule_book.for_month(first.year, first.month)
    return figures_of(with_counting_register(root, dataset, [rule]), first)


def month_rule(root: Path, first: date) -> CountingRule:
    """Measure 14's rule in force for the month starting `first` (what a new seal stores)."""
    from wkb_tracker.store.config import read_config
    from wkb_tracker.store.policy_files import load_policy

    policy, _problems = load_policy(root)
    config, _found = read_config(root)
    return Dataset(root, config, policy).rule_book.for_month(first.year, first.month)


def figures_of(dataset: Dataset, first: date, rule: CountingRule | None = None) -> dict[str, Any]:
    """The measure-14 figures of the month starting `first`, from records already loaded: taken
    from the domain report itself (the same numbers `wkb report --json` shows for the month),
    counted under `rule` (default: the rule in force for the month)."""
    from wkb_tracker.domain import compliance

    sealed = {f"{first:%Y-%m}": rule} if rule is not None else None
    report = compliance.compute(dataset, compliance.month_of(first), today(), sealed_rules=sealed)
    return {
        "minimum_per_month": report.minimum_per_month,
        "summary": report.summary_counts(),
        "leaders": [
            {
                "leader": leader.leader,
                "status": leader.status,
                "contacts": leader.contacts,
                "districts": [
                    {
                        "district": district.district,
                        "contacts": district.contacts,
                        "required": district.required,
                    }
                    for district in leader.districts
                ],
            }
            for leader in report.leaders
        ],
    }


def _figure_table(figures: dict[str, Any]) -> dict[tuple[str, str], tuple[Any, Any]]:
    table = {}
    for leader in figures.get("leaders") or []:
        for district in leader.get("districts") or []:
            key = (str(leader.get("leader")), str(district.get("district")))
            table[key] = (district.get("contacts"), district.get("required"))
    return table


def figure_changes(sealed: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """How the month's figures differ from those sealed: 'leader district: contacts 2→0, ...'."""
    before, after = _figure_table(sealed), _figure_table(now)
    changes = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            (was_contacts, was_required), (contacts, required) = (
                before.get(key, ("-", "-")),
                after.get(key, ("-", "-")),
            )
            changes.append(
                say(
                    "{l} {d}:联系 {a}→{b},应联系 {c}→{e}",
                    "{l} {d}: contacts {a}→{b}, required {c}→{e}",
                    l=key[0],
                    d=key[1],
                    a=was_contacts,
                    b=contacts,
                    c=was_required,
                    e=required,
                )
            )
    return changes


def months_to_seal(root: Path, day: date, grace: int, tracking_start: str | None) -> list[str]:
    """Months not sealed whose 补录 window (`late_grace_days` after the month's end) has closed
    by `day`, from `tracking_start` on, oldest first (at most the last 12): what `wkb remind`
    asks the office to seal."""
    rows, _problems = month_statuses(root)
    ready = []
    for row in rows:
        year, month = int(row["month"][:4]), int(row["month"][5:7])
        if row["state"] == "sealed" or (tracking_start and row["month"] < tracking_start):
            continue
        if month_bounds(year, month)[1] + timedelta(days=grace) < day:
            ready.append(row["month"])
    return sorted(ready)[-12:]


def month_statuses(root: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Every month that has visits or anything about sealing, newest first: sealed, reopened or
    unsealed, by whom, when, which version, and each reopening; and the problems of sealing
    files that could not be read."""
    book, problems = read_seal_book(root)
    counts: dict[tuple[int, int], int] = {}
    base = root / VISITS_DIR

    def listing(folder: Path) -> list[Path]:
        """A folder's entries; one that cannot be listed is reported, never counted as empty."""
        try:
            return list(folder.iterdir())
        except OSError as error:
            why = error.strerror or str(error)
            rel = folder.relative_to(root).as_posix()
            problems.append(
                Problem(rel, 1, say("无法读取文件夹:", "cannot read this folder: ") + why)
            )
            return []

    for year_dir in listing(base) if base.is_dir() else []:
        if not (year_dir.is_dir() and year_dir.name.isdigit()):
            continue
        for month_dir in listing(year_dir):
            if month_dir.is_dir() and month_dir.name.isdigit():
                key = (int(year_dir.name), int(month_dir.name))
                counts[key] = sum(
                    1
                    for p in listing(month_dir)
                    if p.suffix == ".yaml" and not p.name.startswith(".")
                )
    rows = []
    for key in sorted(set(counts) | set(book), reverse=True):
        seals = book.get(key)
        seal = seals.current if seals else None
        reopenings = sorted(seals.reopenings.values(), key=lambda r: r.version) if seals else []
        state = "sealed" if seal else "reopened" if reopenings else "unsealed"
        rows.append(
            {
                "month": f"{key[0]:04d}-{key[1]:02d}",
                "sealed": seal is not None,
                "visits": counts.get(key, 0),
                "sealed_by": seal.sealed_by if seal else None,
                "sealed_at": seal.sealed_at.isoformat() if seal else None,
                "state": state,
                "version": seal.version if seal else None,
                "versions": len(seals.versions()) if seals else 0,
                "reopenings": [
                    {
                        "version": reopening.version,
                        "reopened_by": reopening.by,
                        "reopened_at": reopening.at.isoformat(),
                        "reason": reopening.reason,
                        "approved_by": reopening.approved_by,
                    }
                    for reopening in reopenings
                ],
            }
        )
    return rows, problems
