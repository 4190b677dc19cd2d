"""Visits, the proof behind measure 14 (每月对口联系区内创新主体不少于2次).

A new visit, without the CLI: turn typed option values into a checked `Visit` and write it as a
new file; find one by id; its JSON view. Every refusal is a `UserError` (exit 2) raised before
any file is touched; records are never deleted. Listing and filtering are in store/visit_filter.py,
voiding and editing in store/visit_changes.py: `wkb visit add` (typed many times a day) imports
only this module, and every frozen dataclass a module makes costs start-up time.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from wkb_tracker.domain import dates, ids
from wkb_tracker.domain.errors import DataError, UserError
from wkb_tracker.domain.i18n import join_names, say
from wkb_tracker.domain.model import (
    VISIT_FIELDS,
    VOID_FIELDS,
    Visit,
)
from wkb_tracker.domain.policy import Policy
from wkb_tracker.domain.text import clean_text, optional_text
from wkb_tracker.domain.visit_rules import (
    OPTION_LABELS,
    check_visit,
    clean_list,
    parse_measure,
    parse_visit_date,
    resolve_mode,
    resolve_type,
)
from wkb_tracker.store.records import visit_from_document, visit_path, visit_to_mapping
from wkb_tracker.store.root import VISITS_DIR, is_sealed
from wkb_tracker.store.schema import Field, every_field, field_values
from wkb_tracker.store.storage import (
    Document,
    create_exclusive,
    dump_yaml,
    parse_yaml,
    read_yaml,
)

DEFAULT_MODE = "实地走访"
CREATE_ATTEMPTS = 8  # fresh ids to try when a file name is taken (practically never more than 1)

# -- a new visit ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitRequest:
    """Option values as typed. Only `date`, `district`, `entity` and `type` are required."""

    date: str
    district: str
    entity: str
    type: str
    leader: str | None = None
    mode: str | None = None
    measures: Sequence[str | int] = ()
    summary: str = ""
    problems: Sequence[str] = ()
    participants: Sequence[str] = ()
    recorder: str = ""
    late_reason: str | None = None
    approved_by: str | None = None  # who approved an entry into a sealed month
    joint_leaders: Sequence[str] = ()  # --with: other leaders present (陪同)
    entity_id: str | None = None  # the register entry `entity` was resolved to (issue 14.2)


@dataclass(frozen=True)
class NewVisit:
    """A checked new visit and the warnings it gives (the CLI shows them after writing it)."""

    visit: Visit
    warnings: list[str] = field(default_factory=list)


def build_visit(
    policy: Policy,
    request: VisitRequest,
    *,
    recorded_at: datetime | None = None,
    labels: dict[str, str] = OPTION_LABELS,
) -> NewVisit:
    """A checked Visit from typed values (aliases and prefixes resolved, defaults filled in).

    Refuses (UserError naming the option, or the field's name in `labels`: `wkb import` names
    the column) an unparseable or future date, a date before the district's first table entry,
    an unknown or ambiguous district, an unknown leader, type or mode, an empty entity, a measure
    outside 1–17, and any text over MAX_TEXT characters.
    """
    day = parse_visit_date(request.date, labels["date"])
    district_id = policy.resolve_district(request.district, field=labels["district"])
    district = policy.district_name(district_id)
    if request.leader is None or not request.leader.strip():
        entry = policy.assignment_on(district_id, day)
        leader = entry.leader if entry is not None else ""
    else:
        leader = policy.resolve_leader(request.leader, field=labels["leader"])
    measures = tuple(dict.fromkeys(parse_measure(m, labels["measures"]) for m in request.measures))
    late_reason = (
        clean_text(request.late_reason, labels["late_reason"], multiline=True)
        if request.late_reason is not None
        else ""
    )
    visit = Visit(
        id=ids.new_id(ids.VISIT, day),
        date=day,
        district=district,
        district_id=district_id,
        leader=leader,
        entity=clean_text(request.entity, labels["entity"], required=True),
        entity_id=request.entity_id,
        type=resolve_type(request.type, labels["type"]),
        mode=resolve_mode(request.mode, labels["mode"]) if request.mode else DEFAULT_MODE,
        measures=measures,
        summary=clean_text(request.summary, labels["summary"], multiline=True),
        problems=clean_list(request.problems, labels["problems"], multiline=True),
        participants=clean_list(request.participants, labels["participants"], multiline=False),
        recorder=clean_text(request.recorder, labels["recorder"]),
        recorded_at=recorded_at or dates.now(),
        late_reason=late_reason or None,
        late_approved_by=optional_text(request.approved_by, labels["late_approved_by"]),
        joint_leaders=tuple(
            dict.fromkeys(
                policy.resolve_leader(name, field=labels["joint_leaders"])
                for name in request.joint_leaders
            )
        ),
    )
    warnings = check_visit(policy, visit, labels)
    return NewVisit(visit, warnings)


def render(visit: Visit) -> str:
    """The file text of `visit`. `storage.dump_yaml` writes text that reads back as exactly the
    values given (tests/test_emitter.py proves it over arbitrary text), so no re-parse is needed
    here and `wkb visit add` never loads a YAML library."""
    return dump_yaml(visit_to_mapping(visit))


def write_new(root: Path, visit: Visit) -> Visit:
    """Create the visit's file exclusively and atomically; returns the visit with its final id and
    path. A taken name (same id drawn twice) gets a fresh id; an existing file is never touched."""
    for _attempt in range(CREATE_ATTEMPTS):
        rel = visit_path(visit.id, visit.date, visit.district_id)
        path = root / rel
        suffix = f"_{visit.id}.yaml"
        try:
            taken = path.parent.is_dir() and any(
                name.endswith(suffix) for name in os.listdir(path.parent)
            )
        except OSError as error:  # a month folder that cannot be read is not written into
            raise UserError(
                say(
                    "无法读取文件夹 {p}:{e};未写入任何内容",
                    "cannot read the folder {p}: {e}; nothing written",
                    p=path.parent.relative_to(root).as_posix(),
                    e=error.strerror or str(error),
                )
            ) from None
        if not taken:
            text = render(visit)
            try:
                create_exclusive(path, text)
            except FileExistsError:
                pass
            else:
                return replace(visit, path=rel)
        visit = replace(visit, id=ids.new_id(ids.VISIT, visit.date))
    raise UserError(  # pragma: no cover - needs CREATE_ATTEMPTS id collisions in a row
        say("无法生成不重复的编号,请重试", "could not draw an unused id; try again")
    )


def add_visit(policy: Policy, root: Path, request: VisitRequest) -> NewVisit:
    """Check and write a new visit (nothing is written when anything is refused)."""
    built = check_new(policy, root, request)
    return NewVisit(write_new(root, built.visit), built.warnings)


def check_new(policy: Policy, root: Path, request: VisitRequest) -> NewVisit:
    """The checked visit `add_visit` would write, without writing it: refuses all it refuses."""
    built = build_visit(policy, request)
    refuse_sealed_entry(root, built.visit)
    return built


def refuse_sealed_entry(root: Path, visit: Visit) -> None:
    """A sealed month (wkb month close) takes a visit only as a declared, approved late entry
    (封存后补录, issue 10.7): shown beside the official figures, never changing them."""
    day = visit.date
    if is_sealed(root, day.year, day.month) and not (visit.late_reason and visit.late_approved_by):
        raise UserError(
            say(
                "{m} 已封存,只能补录:请同时用 --late-reason 说明补录原因、--approved-by 写明批准人",
                "{m} is sealed: record this visit only as an approved late entry, with both --late-reason and --approved-by",
                m=f"{day:%Y-%m}",
            )
        )


# -- finding ----------------------------------------------------------------------------------


def locate(root: Path, text: str) -> str:
    """The file (relative to root) of the visit with id `text`.

    Refuses a malformed id before any path is built from it (so `/`, `..` never reach the file
    system), an id with no file, and an id held by two files (run `wkb validate`).
    """
    visit_id, year, month = ids.parse_id(text, ids.VISIT)
    pattern = f"*_{visit_id}.yaml"
    base = root / VISITS_DIR
    found = sorted((base / f"{year:04d}" / f"{month:02d}").glob(pattern))
    if not found:  # a visit whose date was moved is still in a month folder
        found = sorted(base.glob(f"*/*/{pattern}"))
    inside = root.resolve()
    found = [path for path in found if path.resolve().is_relative_to(inside)]
    if not found:
        raise UserError(
            say(
                "没有编号为 {i} 的走访记录",
                "no visit with id {i}",
                i=visit_id,
            )
        )
    if len(found) > 1:
        raise UserError(
            say(
                "编号 {i} 对应多个文件:{p};请先运行 wkb validate",
                "id {i} is held by several files: {p}; run wkb validate first",
                i=visit_id,
                p=join_names(path.relative_to(root).as_posix() for path in found),
            )
        )
    return found[0].relative_to(root).as_posix()


def _read(root: Path, rel: str) -> tuple[Visit, bytes]:
    doc = read_yaml(root, rel)
    visit, problems = visit_from_document(doc) if not doc.problems else (None, doc.problems)
    if visit is None:
        raise DataError("\n".join(str(problem) for problem in problems))
    return visit, doc.data


def find_visit(root: Path, text: str) -> Visit:
    """The visit with id `text` (UserError if malformed or absent, DataError if its file is bad)."""
    return _read(root, locate(root, text))[0]


def parse_current(rel: str, data: bytes) -> Visit:
    """The visit in `data`, the bytes just read from `rel` (DataError if they are not one)."""
    value, problems = parse_yaml(data, rel)
    visit, more = (
        visit_from_document(Document(rel, data, value, problems)) if not problems else (None, [])
    )
    if visit is None:
        raise DataError("\n".join(str(problem) for problem in problems + more))
    return visit


# -- the JSON view ----------------------------------------------------------------------------


def visit_view(visit: Visit) -> dict[str, Any]:
    """The public JSON shape of a visit (add, show, list, reports): plain JSON values only. The
    keys are `VISIT_FIELDS` in order, the void mark spread into `void` (true/false) and
    `void_reason`/`void_by`/`void_at`, then `path`."""
    view = field_values(visit, VISIT_FIELDS, keep=_not_void, iso=True)
    view["void"] = visit.void is not None
    marked = (
        field_values(visit.void, VOID_FIELDS, keep=every_field, iso=True)
        if visit.void is not None
        else dict.fromkeys(spec.name for spec in VOID_FIELDS)
    )
    view.update((f"void_{name}", value) for name, value in marked.items())
    view["path"] = visit.path
    return view


def _not_void(spec: Field, value: Any) -> bool:
    """The void mark is spread after the other fields (`void`, `void_reason`, …)."""
    return spec.name != "void"


# -- git --------------------------------------------------------------------------------------


def commit_message(visit: Visit, action: str = "", by: str = "") -> str:
    """`visit: 胡军 东湖高新区 2026-11-03 (V20261103-7KQF2M) by 张三`; action `void`/`edit` after
    `visit`; `by` the person who made the change (the recorder unless given)."""
    from wkb_tracker.store.gitops import commit_message as message

    return message(
        f"visit {action}".strip(),
        f"{visit.leader} {visit.district} {visit.date:%Y-%m-%d}",
        by or visit.recorder,
        [visit.id],
    )
