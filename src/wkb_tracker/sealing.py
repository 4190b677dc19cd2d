"""Sealed months: after a month is closed, its visits cannot change unnoticed (measure 17).

`wkb month close` writes `data/sealed/YYYY-MM.yaml`: who sealed it and when, the id, path and
SHA-256 of every visit file of the month, and the report figures at sealing time. From then on
`wkb validate` reports any visit of that month that was changed, removed, or added without a
`late_reason`; `wkb visit add` refuses a sealed month unless a late reason is given.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from wkb_tracker.dates import month_bounds, now, today
from wkb_tracker.errors import Problem, UserError
from wkb_tracker.i18n import say
from wkb_tracker.loader import Dataset, record_files
from wkb_tracker.model import Visit
from wkb_tracker.root import SEALED_DIR, VISITS_DIR, manifest_path
from wkb_tracker.schema import Field, check_mapping
from wkb_tracker.storage import MAX_FILE_BYTES, create_exclusive, dump_yaml, read_yaml

MANIFEST_FIELDS = (
    Field("month", "str"),
    Field("sealed_by", "text"),
    Field("sealed_at", "datetime"),
    Field("visits", "list"),
    Field("figures", "mapping", required=False),
)
ENTRY_FIELDS = (Field("id", "str"), Field("path", "str"), Field("sha256", "str"))


@dataclass(frozen=True, slots=True)
class SealedVisit:
    id: str
    path: str
    sha256: str
    line: int


@dataclass(frozen=True, slots=True)
class Seal:
    year: int
    month: int
    sealed_by: str
    sealed_at: datetime
    visits: tuple[SealedVisit, ...]
    path: str
    figures: dict[str, Any] | None = None
    figures_line: int = 1

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def file_hash(path: Path) -> str | None:
    """SHA-256 of a regular record file of sane size; None for anything else (never read)."""
    try:
        status = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_FILE_BYTES:
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sealable_path(text: str) -> bool:
    """A manifest may only name a visit file inside data/visits/ (nothing else is ever read)."""
    parts = text.split("/")
    return (
        text.startswith(VISITS_DIR + "/")
        and ".." not in parts
        and "" not in parts
        and "\\" not in text
    )


def seal_month(
    root: Path, year: int, month: int, *, by: str, figures: dict[str, Any] | None = None
) -> Seal:
    """Seal a finished month. Refuses an unfinished month and one already sealed."""
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
    if (root / rel).exists():
        raise UserError(say("{m} 已经封存({p})", "{m} is already sealed ({p})", m=label, p=rel))
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
        "sealed_by": by,
        "sealed_at": sealed_at,
        "visits": entries,
    }
    if figures is not None:
        manifest["figures"] = figures
    try:
        create_exclusive(root / rel, dump_yaml(manifest))
    except FileExistsError:
        raise UserError(
            say("{m} 已经封存({p})", "{m} is already sealed ({p})", m=label, p=rel)
        ) from None
    visits = tuple(SealedVisit(e["id"], e["path"], e["sha256"], 0) for e in entries)
    return Seal(year, month, by, sealed_at, visits, rel)


def read_seals(root: Path) -> tuple[list[Seal], list[Problem]]:
    """Every manifest under data/sealed/, with problems for broken ones."""
    seals: list[Seal] = []
    problems: list[Problem] = []
    folder = root / SEALED_DIR
    if not folder.is_dir():
        return seals, problems
    for path in sorted(folder.glob("*.yaml")):
        rel = f"{SEALED_DIR}/{path.name}"
        doc = read_yaml(root, rel)
        if doc.problems:
            problems += doc.problems
            continue
        found = check_mapping(doc, doc.value, MANIFEST_FIELDS)
        raw = doc.value
        if not found and f"{raw['month']}.yaml" != path.name:
            found.append(
                doc.problem(
                    say("month 与文件名不符", "month does not match the file name"), "month"
                )
            )
        if found:
            problems += found
            continue
        lines = doc.item_lines("visits")
        visits = []
        for index, entry in enumerate(raw["visits"]):
            bad = check_mapping(doc, entry, ENTRY_FIELDS, "visits", index)
            problems += bad
            line = lines[index] if index < len(lines) else 1
            if not bad and not _sealable_path(entry["path"]):
                message = say(
                    "封存清单只能列出 data/visits/ 下的走访文件:{p}",
                    "a manifest may only list visit files under data/visits/: {p}",
                    p=entry["path"],
                )
                bad = [Problem(rel, line, message)]
                problems += bad
            if not bad:
                visits.append(SealedVisit(entry["id"], entry["path"], entry["sha256"], line))
        year, month = (int(part) for part in str(raw["month"]).split("-"))
        figures = raw.get("figures") if isinstance(raw.get("figures"), dict) else None
        line = doc.line("figures") if figures is not None else 1
        seals.append(
            Seal(year, month, raw["sealed_by"], raw["sealed_at"], tuple(visits), rel, figures, line)
        )
    return seals, problems


def check_sealed_months(data: Dataset) -> Iterator[Problem]:
    """Visits of a sealed month changed, removed, or added without a late reason since sealing."""
    seals, problems = read_seals(data.root)
    yield from problems
    by_month: dict[tuple[int, int], list[Visit]] = {}
    for visit in data.visits:
        by_month.setdefault((visit.date.year, visit.date.month), []).append(visit)
    for seal in seals:
        present = {visit.id: visit for visit in by_month.get((seal.year, seal.month), [])}
        sealed_ids = set()
        for entry in seal.visits:
            sealed_ids.add(entry.id)
            path = data.root / entry.path
            if entry.id not in present and not path.is_file():
                yield Problem(
                    seal.path,
                    entry.line,
                    say(
                        "{m} 封存后走访 {i} 被删除({p})",
                        "visit {i} was removed after {m} was sealed ({p})",
                        m=seal.label,
                        i=entry.id,
                        p=entry.path,
                    ),
                )
            elif os.path.lexists(path) and file_hash(path) != entry.sha256:
                yield Problem(
                    entry.path,
                    1,
                    say(
                        "{m} 封存后此走访被修改(封存清单 {s})",
                        "changed after {m} was sealed (manifest {s})",
                        m=seal.label,
                        s=seal.path,
                    ),
                )
        if seal.figures is not None:
            # Only the sealed visits: a declared late entry may add to the month, by design.
            sealed_visits = [visit for visit in present.values() if visit.id in sealed_ids]
            month_data = Dataset(data.root, data.config, data.policy, visits=sealed_visits)
            changes = figure_changes(
                seal.figures, figures_of(month_data, date(seal.year, seal.month, 1))
            )
            if changes:
                yield Problem(
                    seal.path,
                    seal.figures_line,
                    say(
                        "{m} 封存后报告数字变了(分工表、配置或记录被改动):{c}",
                        "the figures of {m} changed after sealing (table, config or records changed): {c}",
                        m=seal.label,
                        c="; ".join(changes[:3]) + ("…" if len(changes) > 3 else ""),
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


def month_figures(root: Path, first: date) -> dict[str, Any]:
    """The month's report figures at sealing time: per leader and district, contacts, required
    and status (measure 14), so a later report can be compared with what was sealed."""
    from wkb_tracker.loader import load

    return figures_of(load(root, months=[(first.year, first.month)]), first)


def figures_of(dataset: Dataset, first: date) -> dict[str, Any]:
    """The measure-14 figures of the month starting `first`, from records already loaded."""
    from wkb_tracker import compliance
    from wkb_tracker.report_render import report_dict

    report = report_dict(compliance.compute(dataset, compliance.month_of(first), today()))
    return {
        "minimum_per_month": report["minimum_per_month"],
        "summary": report["summary"],
        "leaders": [
            {
                "leader": leader["leader"],
                "status": leader["status"],
                "contacts": leader["contacts"],
                "districts": [
                    {
                        "district": district["district"],
                        "contacts": sum(month["contacts"] for month in district["months"]),
                        "required": sum(month["required"] for month in district["months"]),
                    }
                    for district in leader["districts"]
                ],
            }
            for leader in report["leaders"]
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


def month_statuses(root: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Every month that has visits or a seal, newest first: sealed or not, by whom, when; and
    the problems of manifests that could not be read."""
    seals, problems = read_seals(root)
    sealed = {(seal.year, seal.month): seal for seal in seals}
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
    for key in sorted(set(counts) | set(sealed), reverse=True):
        seal = sealed.get(key)
        rows.append(
            {
                "month": f"{key[0]:04d}-{key[1]:02d}",
                "sealed": seal is not None,
                "visits": counts.get(key, 0),
                "sealed_by": seal.sealed_by if seal else None,
                "sealed_at": seal.sealed_at.isoformat() if seal else None,
            }
        )
    return rows, problems
