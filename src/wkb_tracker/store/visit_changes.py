"""Changing a visit already on file: void it (`wkb visit void`) or edit it in an editor
(`wkb visit edit`), only while its month is not sealed and only into a copy that still validates.
Records are never deleted; a voided visit stays on file and stops counting.

Apart from store/visits.py so that `wkb visit add` does not import it (start-up time).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from wkb_tracker.domain import dates
from wkb_tracker.domain.errors import ConcurrentChange, UserError
from wkb_tracker.domain.i18n import say
from wkb_tracker.domain.model import Rectification, Visit, VoidMark
from wkb_tracker.domain.policy import Policy
from wkb_tracker.domain.text import clean_text
from wkb_tracker.domain.visit_rules import FILE_LABELS, check_visit
from wkb_tracker.store.records import visit_from_document, visit_path
from wkb_tracker.store.root import is_sealed, record_month
from wkb_tracker.store.storage import Document, link_exclusive, parse_yaml, update_locked
from wkb_tracker.store.visits import locate, parse_current, render

# -- voiding ----------------------------------------------------------------------------------


def _refuse_sealed(root: Path, rel: str) -> None:
    """A visit of a sealed month is part of the figures sealed for assessment (measure 17): it is
    neither voided nor edited afterwards (wkb validate would report the change)."""
    month = record_month(rel)
    if month is not None and is_sealed(root, *month):
        raise _sealed_error(f"{month[0]:04d}-{month[1]:02d}")


def _sealed_error(label: str) -> UserError:
    return UserError(
        say(
            "{m} 已封存,其中的走访不能作废或修改(封存保护考核数字);如有错漏请向办公室说明",
            "{m} is sealed: its visits cannot be voided or edited (sealing protects the assessed figures)",
            m=label,
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
        visit = parse_current(rel, current)
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


# -- approving a late entry ------------------------------------------------------------------


def approve_late_visit(
    root: Path, text: str, *, reason: str, approved_by: str
) -> tuple[Visit, list[Rectification]]:
    """Record the late reason and approver of a visit that its sealed month's manifest does not
    list: one recorded on a clone before the seal reached it, now refused by `wkb validate` and by
    `wkb sync` (measure 17). It becomes the declared late entry `visit add --late-reason
    --approved-by` would have written — shown beside the sealed figures, never changing them.

    Refuses a visit the manifest lists (it is part of the sealed figures: only `month reopen`
    changes those), a visit whose month is not sealed (nothing to approve: `visit edit`), one
    that already carries a late reason, and an empty reason or approver. The items the visit's
    problems opened get the same approval (as `visit add --late-reason` gives them); returned
    with the visit."""
    from wkb_tracker.store.manifest import read_seal_book

    reason = clean_text(reason, "--late-reason", required=True, multiline=True)
    approved_by = clean_text(approved_by, "--approved-by", required=True)
    rel = locate(root, text)
    _refuse_symlink(root, rel)
    result: list[Visit] = []

    def build(current: bytes) -> str:
        visit = parse_current(rel, current)
        month = (visit.date.year, visit.date.month)
        label = f"{visit.date:%Y-%m}"
        book, _problems = read_seal_book(root, [month])  # a broken manifest: validate says so
        seal = book[month].current if month in book else None
        if seal is None:
            raise UserError(
                say(
                    "{m} 未封存,{i} 不需要补录批准",
                    "{m} is not sealed: {i} needs no late approval",
                    m=label,
                    i=visit.id,
                )
            )
        if any(entry.id == visit.id for entry in seal.visits):
            raise _sealed_error(label)
        if visit.late_reason:
            raise UserError(
                say(
                    "{i} 已有补录原因:{r}(批准人 {p})",
                    "{i} already has a late reason: {r} (approved by {p})",
                    i=visit.id,
                    r=visit.late_reason,
                    p=visit.late_approved_by or "—",
                )
            )
        approved = replace(visit, late_reason=reason, late_approved_by=approved_by)
        result.append(approved)
        return render(approved)

    update_locked(root / rel, build)
    from wkb_tracker.store.rectification_store import approve_items_of_late_visit

    return result[-1], approve_items_of_late_visit(root, result[-1])


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
    old = parse_current(rel, original)
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
    old = parse_current(rel, original)
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
