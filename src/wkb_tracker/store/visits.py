"""Visits, the proof behind measure 14 (每月对口联系区内创新主体不少于2次).

Everything a clerk can do to a visit record, without the CLI: turn typed option values into a
checked `Visit`, write it as a new file, find one by id, list and filter, void, and take back an
edited copy only if it still validates. Every refusal is a `UserError` (exit 2) raised before any
file is touched; records are never deleted.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from wkb_tracker.domain import dates, ids
from wkb_tracker.domain.errors import ConcurrentChange, DataError, UserError
from wkb_tracker.domain.i18n import say
from wkb_tracker.domain.model import (
    VISIT_FIELDS,
    VOID_FIELDS,
    Visit,
    VoidMark,
)
from wkb_tracker.domain.policy import Policy
from wkb_tracker.domain.text import clean_text, optional_text
from wkb_tracker.domain.visit_rules import (
    FILE_LABELS,
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
    link_exclusive,
    parse_yaml,
    read_yaml,
    update_locked,
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
                p=", ".join(path.relative_to(root).as_posix() for path in found),
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


# -- listing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitFilter:
    first: date | None = None
    last: date | None = None
    leader: str | None = None
    district_id: str | None = None
    type: str | None = None

    def matches(self, visit: Visit) -> bool:
        return (
            (self.first is None or visit.date >= self.first)
            and (self.last is None or visit.date <= self.last)
            and (self.leader is None or visit.leader == self.leader)
            and (self.district_id is None or visit.district_id == self.district_id)
            and (self.type is None or visit.type == self.type)
        )

    def months(self) -> list[tuple[int, int]] | None:
        """The month folders to read: None (all) unless the start is known."""
        if self.first is None:
            return None
        return dates.months_between(self.first, max(self.last or dates.today(), self.first))


def make_filter(
    policy: Policy,
    *,
    month: str | None = None,
    start: str | None = None,
    end: str | None = None,
    leader: str | None = None,
    district: str | None = None,
    type: str | None = None,
) -> VisitFilter:
    """A filter from typed options; refuses --month with --from/--to, and --from after --to."""
    first = last = None
    if month is not None:
        if start is not None or end is not None:
            raise UserError(
                say(
                    "--month 不能与 --from/--to 同时使用",
                    "--month cannot be combined with --from/--to",
                )
            )
        first, last = dates.parse_month(month)
    if start is not None:
        first = dates.parse_date(start, field="--from")
    if end is not None:
        last = dates.parse_date(end, field="--to")
    if first is not None and last is not None and first > last:
        raise UserError(
            say(
                "--from {a} 晚于 --to {b}",
                "--from {a} is after --to {b}",
                a=first,
                b=last,
            )
        )
    return VisitFilter(
        first=first,
        last=last,
        leader=policy.resolve_leader(leader) if leader is not None else None,
        district_id=policy.resolve_district(district) if district is not None else None,
        type=resolve_type(type) if type is not None else None,
    )


def select(visits: Iterable[Visit], chosen: VisitFilter) -> list[Visit]:
    """The visits `chosen` matches (void ones included), by date, then recording time, then id."""
    return sorted(
        (visit for visit in visits if chosen.matches(visit)),
        key=lambda v: (v.date, v.recorded_at or datetime.min.replace(tzinfo=dates.SHANGHAI), v.id),
    )


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


# -- voiding ----------------------------------------------------------------------------------


def _refuse_sealed(root: Path, rel: str) -> None:
    """A visit of a sealed month is part of the figures sealed for assessment (measure 17): it is
    neither voided nor edited afterwards (wkb validate would report the change)."""
    parts = rel.split("/")  # data/visits/YYYY/MM/…
    if (
        len(parts) >= 4
        and parts[2].isdigit()
        and parts[3].isdigit()
        and is_sealed(root, int(parts[2]), int(parts[3]))
    ):
        raise UserError(
            say(
                "{m} 已封存,其中的走访不能作废或修改(封存保护考核数字);如有错漏请向办公室说明",
                "{m} is sealed: its visits cannot be voided or edited (sealing protects the assessed figures)",
                m=f"{parts[2]}-{parts[3]}",
            )
        )


def void_visit(root: Path, text: str, *, reason: str, by: str) -> Visit:
    """Mark the visit void (reason, who, when) in its own file; it stays on file and stops counting.

    Refuses an empty reason, an unknown id, a visit that is already void, and a file that no
    longer reads as a visit.
    """
    reason = clean_text(reason, "--reason", required=True, multiline=True)
    by = clean_text(by, "--by")
    rel = locate(root, text)
    _refuse_symlink(root, rel)
    _refuse_sealed(root, rel)
    result: list[Visit] = []

    def build(current: bytes) -> str:
        visit = _parse_current(rel, current)
        if visit.void is not None:
            raise UserError(
                say(
                    "{i} 已于 {at} 作废(原因:{r}),不能重复作废",
                    "{i} was already voided at {at} (reason: {r})",
                    i=visit.id,
                    at=visit.void.at,
                    r=visit.void.reason,
                )
            )
        voided = replace(visit, void=VoidMark(reason=reason, by=by, at=dates.now()))
        result.append(voided)
        return render(voided)

    update_locked(root / rel, build)
    return result[-1]


def _parse_current(rel: str, data: bytes) -> Visit:
    value, problems = parse_yaml(data, rel)
    visit, more = (
        visit_from_document(Document(rel, data, value, problems)) if not problems else (None, [])
    )
    if visit is None:
        raise DataError("\n".join(str(problem) for problem in problems + more))
    return visit


def _refuse_symlink(root: Path, rel: str) -> None:
    if (root / rel).is_symlink():
        raise UserError(
            say("{p} 是符号链接,不予修改", "{p} is a symlink; not changed", p=rel),
        )


# -- editing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edited:
    visit: Visit
    changed: bool
    warnings: list[str] = field(default_factory=list)
    old_path: str | None = None  # set when the file was renamed to match a new date or district


def apply_edit(policy: Policy, root: Path, rel: str, original: bytes, edited: bytes) -> Edited:
    """Replace the visit at `rel` with the `edited` text, only if it still validates.

    Refuses (UserError with every reason, file untouched): YAML or field problems, a changed id,
    a date moved to another month, a changed `recorded_at` or `void`, anything `check_visit`
    refuses, and a file that changed on disk since `original` was read.
    """
    old = _parse_current(rel, original)
    value, problems = parse_yaml(edited, rel)
    new, more = (
        visit_from_document(Document(rel, edited, value, problems)) if not problems else (None, [])
    )
    if new is None:
        raise UserError("\n".join(str(problem) for problem in problems + more))
    if new.id != old.id:
        raise UserError(
            say(
                "id 不能修改(原为 {a},改成了 {b})",
                "id cannot change (was {a}, now {b})",
                a=old.id,
                b=new.id,
            )
        )
    if (new.date.year, new.date.month) != (old.date.year, old.date.month):
        raise UserError(
            say(
                "date 只能在同一个月内修改({a:%Y-%m});跨月请作废后重新录入",
                "date can only change within its month ({a:%Y-%m}); to move it, void it and add a new visit",
                a=old.date,
            )
        )
    if new.recorded_at != old.recorded_at:
        raise UserError(say("recorded_at 不能修改", "recorded_at cannot change"))
    if new.void != old.void:
        raise UserError(
            say(
                "void 不能通过编辑修改;作废请用 wkb visit void",
                "void cannot be edited; use wkb visit void",
            )
        )
    warnings = check_visit(policy, _stripped(new), FILE_LABELS)
    new = replace(_stripped(new), path=rel)
    if new == old:
        return Edited(old, False, warnings)
    text = render(new)

    def build(current: bytes) -> str:
        if current != original:
            raise ConcurrentChange(
                say(
                    "{p} 在编辑期间被他人修改,未保存;请重新编辑",
                    "{p} was changed by someone else while you edited; nothing saved, edit again",
                    p=rel,
                )
            )
        return text

    update_locked(root / rel, build)
    wanted = visit_path(new.id, new.date, new.district_id)
    if wanted == rel:
        return Edited(new, True, warnings)
    # The file name carries the date and district: follow the edit. Link then unlink, so a crash
    # in between leaves two copies of one id (wkb validate reports it), never none. Where the
    # file system has no hard links (FAT/exFAT, some shares) the file is renamed instead — the
    # content is already saved, so say what happened rather than fail.
    if link_exclusive(root / rel, root / wanted):
        warnings.append(
            say(
                "此处的文件系统不支持硬链接,已直接改名为 {w}",
                "this file system has no hard links; renamed the file to {w} directly",
                w=wanted,
            )
        )
    else:
        (root / rel).unlink()
    return Edited(replace(new, path=wanted), True, warnings, old_path=rel)


def _stripped(visit: Visit) -> Visit:
    """`visit` with blanks around its texts removed (a `|` block in an editor ends in a newline)."""
    return replace(
        visit,
        district=visit.district.strip(),
        district_id=visit.district_id.strip(),
        leader=visit.leader.strip(),
        entity=visit.entity.strip(),
        type=visit.type.strip(),
        mode=visit.mode.strip(),
        summary=visit.summary.strip(),
        problems=tuple(problem.strip() for problem in visit.problems),
        participants=tuple(name.strip() for name in visit.participants),
        joint_leaders=tuple(name.strip() for name in visit.joint_leaders),
        recorder=visit.recorder.strip(),
        late_reason=visit.late_reason.strip() if visit.late_reason else visit.late_reason,
        late_approved_by=(
            visit.late_approved_by.strip() if visit.late_approved_by else visit.late_approved_by
        ),
    )


def editor_command() -> list[str]:
    """$VISUAL, else $EDITOR, else the platform's plain editor, split like a shell would (no shell)."""
    chosen = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not chosen:
        return ["notepad"] if os.name == "nt" else ["vi"]
    import shlex

    return shlex.split(chosen, posix=os.name != "nt")


def run_editor(path: Path) -> None:
    """Open `path` in the user's editor and wait; refuses when the editor is missing or fails."""
    command = editor_command()
    try:
        import subprocess

        finished = subprocess.run([*command, str(path)], check=False)
    except OSError as error:
        raise UserError(
            say(
                "无法启动编辑器 {e}:{why}。请设置环境变量 EDITOR",
                "cannot start the editor {e}: {why}. Set the EDITOR environment variable",
                e=command[0] if command else "",
                why=error.strerror or str(error),
            )
        ) from None
    if finished.returncode != 0:
        raise UserError(
            say(
                "编辑器退出码 {n},未做任何修改",
                "the editor exited with status {n}; nothing changed",
                n=finished.returncode,
            )
        )


def edit_visit(
    policy: Policy,
    root: Path,
    text: str,
    *,
    editor: Callable[[Path], None] = run_editor,
) -> Edited:
    """Open a temp copy of the visit in `editor`, then keep the change only if it validates.

    On refusal the record is left as it was and the edited copy is kept, its path in the message.
    """
    rel = locate(root, text)
    _refuse_symlink(root, rel)
    _refuse_sealed(root, rel)
    original = (root / rel).read_bytes()
    old = _parse_current(rel, original)
    if old.void is not None:
        raise UserError(
            say(
                "{i} 已作废,不能再编辑;如需更正请重新录入",
                "{i} is void and cannot be edited; add a new visit instead",
                i=old.id,
            )
        )
    import tempfile

    from wkb_tracker.store.leftovers import EDIT_DIR, edit_copy_prefix
    from wkb_tracker.store.storage import ensure_folder

    # In the root, not /tmp: a killed edit leaves its copy where `wkb validate --fix` looks.
    ensure_folder(root / EDIT_DIR / "copy")
    handle, name = tempfile.mkstemp(
        prefix=edit_copy_prefix(old.id), suffix=".yaml", dir=root / EDIT_DIR
    )
    copy = Path(name)
    with os.fdopen(handle, "wb") as stream:
        stream.write(original)
    try:
        editor(copy)
        edited = copy.read_bytes()
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    if edited == original:
        copy.unlink(missing_ok=True)
        return Edited(old, False)
    try:
        result = apply_edit(policy, root, rel, original, edited)
    except UserError as error:
        raise UserError(
            error.message
            + "\n"
            + say(
                "记录未改动;你的修改保留在 {c}",
                "the record is unchanged; your edited copy is kept at {c}",
                c=copy,
            )
        ) from None
    copy.unlink(missing_ok=True)
    return result


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
