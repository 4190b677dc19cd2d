"""The rectification list on disk (measure 15): open items, add events, find, list, views.

One YAML file per item at `data/rectifications/YYYY/MM/<id>.yaml` (by opened date), created
exclusively and never rewritten. Each change of an item is one more file beside it,
`<id>.<event id>.yaml`, created exclusively and atomically: two clones that each add events to
the same item only add different files, so git merges them without a conflict. Within one clone
the item's file is locked (`storage.locked`) while its history is re-read from disk, the new event
checked against it and written, so a concurrent writer is seen and no event is lost or
contradicted. Items written before (events inside the item's file) are read as they are; their
events join the event files in one history. Items are never deleted.

Functions take what a user typed (names, date texts) and refuse anything wrong with a `UserError`
(exit 2) before a byte is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from wkb_tracker.domain import dates, ids
from wkb_tracker.domain.dataset import Config
from wkb_tracker.domain.errors import DataError, Problem, UserError
from wkb_tracker.domain.i18n import join_names, say
from wkb_tracker.domain.model import (
    MEASURE_NUMBERS,
    RECTIFICATION_SOURCES,
    EventFile,
    Rectification,
    RectificationEvent,
    Visit,
)
from wkb_tracker.domain.policy import Policy
from wkb_tracker.domain.rectification import (
    CLOSE,
    CLOSED,
    EXTEND,
    FOLLOWUP,
    OPEN,
    OVERDUE,
    PROGRESS,
    REOPEN,
    in_order,
    leader_of,
    needs_followup,
    refuse_event,
    satisfaction_at,
    standing,
    state_at,
)
from wkb_tracker.domain.text import clean_text, optional_text
from wkb_tracker.store import records, storage
from wkb_tracker.store.config import read_config
from wkb_tracker.store.policy_files import checked_policy
from wkb_tracker.store.root import RECTIFICATIONS_DIR, is_sealed

VISIT_SOURCE = "visit"
STATUS_FILTERS = ("open", "overdue", "due-soon", "closed", "all")
_STATUS_RANK = {OVERDUE: 0, OPEN: 1, CLOSED: 2}


# -- checking what people type ---------------------------------------------------------------


def _prose(value: str, field: str) -> str:
    """A required free text (problem, note, reason, resolution): line breaks allowed."""
    return clean_text(value, field, required=True, multiline=True)


def check_problem_text(text: str, field: str = "--problem") -> str:
    """A problem's text as it will be stored; refuses what `clean_text` refuses. Call it before
    writing a visit whose problems will become items, so a bad text stops the visit too."""
    return _prose(text, field)


def parse_source(text: str) -> str:
    """The stored source for a typed one: 自查 | 督查 | 考核 | 好差评 | 其他, or an English alias."""
    wanted = text.strip()
    for stored, alias in RECTIFICATION_SOURCES.items():
        if stored == VISIT_SOURCE:
            continue
        if wanted == stored or wanted.lower() == alias:
            return stored
    if wanted.lower() == VISIT_SOURCE:
        raise UserError(
            say(
                "来源为 visit 时请用 --visit 给出走访编号",
                "for source visit, give the visit's id with --visit",
            )
        )
    raise UserError(
        say(
            "未知的来源 --source {t!r}。可选:{v}(或用 --visit 关联走访)",
            "unknown source --source {t!r}. Valid: {v} (or --visit for a visit)",
            t=text,
            v=source_choices(),
        )
    )


def source_choices() -> str:
    return join_names(
        f"{stored}({alias})"
        for stored, alias in RECTIFICATION_SOURCES.items()
        if stored != VISIT_SOURCE
    )


def _measure(number: int | None) -> int | None:
    if number is not None and number not in MEASURE_NUMBERS:
        raise UserError(
            say(
                "--measure {n} 超出范围;措施编号为 1–17",
                "--measure {n} is out of range; measures are numbered 1–17",
                n=number,
            )
        )
    return number


def _day(text: str | None, field: str) -> date:
    """A typed event date (default today); refuses a date in the future."""
    day = dates.today() if text is None else dates.parse_date(text, field=field)
    if day > dates.today():
        raise UserError(
            say(
                "{f} {d} 在未来;请记录已经发生的事",
                "{f} {d} is in the future; record what has happened",
                f=field,
                d=day,
            )
        )
    return day


# -- finding records -------------------------------------------------------------------------


def _glob_one(root: Path, pattern: str) -> str | None:
    for path in sorted(root.glob(pattern)):
        if path.is_file() and not path.name.startswith("."):
            return path.relative_to(root).as_posix()
    return None


def item_rel(root: Path, text: str) -> str:
    """The file of the item with the typed id, relative to root. Refuses a malformed or unknown id."""
    item_id, _year, _month = ids.parse_id(text, ids.RECTIFICATION)
    opened = ids.id_date(item_id)
    if opened is not None:
        rel = records.rectification_path(item_id, opened)
        if (root / rel).is_file():
            return rel
    found = _glob_one(root, f"{RECTIFICATIONS_DIR}/*/*/{item_id}.yaml")
    if found is None:
        raise UserError(
            say(
                "没有编号为 {i} 的整改事项;`wkb rectify list --status all` 可查看全部",
                "there is no rectification item {i}; `wkb rectify list --status all` lists them all",
                i=item_id,
            )
        )
    return found


def _item_from(doc: storage.Document) -> Rectification:
    if doc.problems:
        raise DataError("\n".join(str(p) for p in doc.problems))
    item, problems = records.rectification_from_document(doc)
    if item is None:
        raise DataError("\n".join(str(p) for p in problems))
    return item


def _event_rels(root: Path, rel: str, item_id: str) -> list[str]:
    """The item's event files (`<id>.<event id>.yaml` in its folder), relative to root."""
    folder = rel.rsplit("/", 1)[0]
    prefix = f"{item_id}."
    try:
        names = os.listdir(root / folder)
    except OSError:
        return []
    return sorted(
        f"{folder}/{name}"
        for name in names
        if name.startswith(prefix) and name.endswith(".yaml") and records.is_event_file(name)
    )


def _whole_item(root: Path, rel: str, *, strict: bool = True) -> Rectification:
    """The item at `rel` with its whole history: embedded events and its event files. Refuses
    (exit 1) when its file or, when `strict`, any of its event files is broken: the history
    would be unknown. Not `strict`, a broken event file is left out."""
    item = _item_from(storage.read_yaml(root, rel))
    loose: list[EventFile] = []
    problems: list[Problem] = []
    for event_rel in _event_rels(root, rel, item.id):
        doc = storage.read_yaml(root, event_rel)
        found, event_problems = (
            (None, doc.problems) if doc.problems else records.event_file_from_document(doc)
        )
        problems += event_problems
        if found is not None:
            loose.append(found)
    if problems and strict:
        raise DataError("\n".join(str(p) for p in problems))
    if not loose:
        return item
    return replace(item, events=in_order([*item.events, *(one.event for one in loose)]))


def find_item(root: Path, text: str) -> Rectification:
    """The item with the typed id and its whole history (exit 2 if the id is malformed or
    unknown; exit 1 if its file or one of its event files is broken)."""
    return _whole_item(root, item_rel(root, text))


def item_with_readable_events(root: Path, text: str) -> Rectification:
    """Like `find_item`, but a broken event file is left out instead of refused (`wkb validate`
    reports it): for a check of the item's other files, which one broken sibling must not hide."""
    return _whole_item(root, item_rel(root, text), strict=False)


def load_items(
    root: Path,
    *,
    as_of: date | None = None,
    open_only: bool = False,
    known_on: date | None = None,
    months: list[tuple[int, int]] | None = None,
) -> tuple[list[Rectification], list[Problem]]:
    """Readable items, and the problems of the files that could not be read (of the items
    opened in `months` only, when given: see `item_batches`).

    With `as_of`, items opened after it are left out; with `open_only` too, so are items whose
    history had ended closed by then (the cache answers such a question without reading them),
    unless part of that history was recorded after `known_on` (it may have been open then)."""
    from wkb_tracker.store.loader import load_rectifications

    window = None
    if as_of is not None:
        window = (as_of + timedelta(days=1) if open_only else None, as_of)
    items, problems, _temps = load_rectifications(
        root, window=window, known_on=known_on, months=months
    )
    # What reports leave out, lists leave out too: an unapproved entry merged into a sealed
    # month is counted nowhere until it is fixed (measure 17), and is warned about.
    from wkb_tracker.store.root import has_sealing_files

    if has_sealing_files(root):
        from wkb_tracker.store.seal_checks import set_aside_after_seal

        items, set_aside = set_aside_after_seal(root, items)
        problems = [*problems, *set_aside]
    return items, problems


# -- opening items ---------------------------------------------------------------------------


def _render(item: Rectification) -> str:
    """The file text for `item`; refuses text that would not read back exactly as given."""
    return _faithful_text(records.rectification_to_mapping(item), item.path or "item")


def _faithful_text(mapping: dict[str, Any], label: str) -> str:
    """`mapping` as YAML text, refused (exit 2) unless it reads back exactly as given."""
    text = storage.dump_yaml(mapping)
    value, problems = storage.parse_yaml(text.encode("utf-8"), label)
    if problems or value != mapping:
        raise UserError(
            say(
                "文本含无法原样保存的字符,请修改后重试",
                "the text holds characters that cannot be stored as given; please change it",
            )
        )
    return text


def _write_new(root: Path, item: Rectification) -> Rectification:
    """Create the item's file exclusively (a fresh id on the rare collision)."""
    for _attempt in range(5):
        try:
            storage.create_exclusive(root / item.path, _render(item))
            return item
        except FileExistsError:
            fresh = ids.new_id(ids.RECTIFICATION, item.opened)
            item = replace(item, id=fresh, path=records.rectification_path(fresh, item.opened))
    raise UserError(say("无法生成唯一编号,请重试", "could not draw a unique id; try again"))


def write_new_item(root: Path, item: Rectification) -> Rectification:
    """Create a checked item's file (from `build_item` or `items_for_visit`); returns it as
    written (a fresh id on the rare collision)."""
    return _write_new(root, item)


def _new_item(
    *,
    problem: str,
    district: str | None,
    district_id: str | None,
    source: str,
    visit: str | None,
    measure: int | None,
    department: str,
    owner: str,
    opened: date,
    deadline: date,
    recorder: str,
    late_reason: str | None = None,
    late_approved_by: str | None = None,
) -> Rectification:
    item_id = ids.new_id(ids.RECTIFICATION, opened)
    return Rectification(
        id=item_id,
        problem=problem,
        district=district,
        district_id=district_id,
        source=source,
        visit=visit,
        measure=measure,
        department=department,
        owner=owner,
        opened=opened,
        deadline=deadline,
        created_by=recorder,
        created_at=dates.now(),
        events=(),
        path=records.rectification_path(item_id, opened),
        late_reason=late_reason,
        late_approved_by=late_approved_by,
    )


def _term(text: str, start: date) -> date:
    """`dates.parse_deadline`, refusing (exit 2) a term that runs past the last date there is."""
    try:
        return dates.parse_deadline(text, opened=start)
    except (OverflowError, ValueError):
        raise UserError(
            say(
                "--deadline {t} 从 {s} 起算超出了可表示的日期(最晚 9999-12-31)",
                "--deadline {t} from {s} runs past the last date there is (9999-12-31)",
                t=text,
                s=start,
            )
        ) from None


def _deadline(text: str | None, opened: date, config: Config) -> date:
    if text is None or not text.strip():
        try:
            default = opened + timedelta(days=config.rectify_deadline_days)
            # Never a record with a deadline past dates.LAST_DAY (validate would refuse it).
            return dates.check_range(default, field=say("默认期限", "the default deadline"))
        except OverflowError:
            raise UserError(
                say(
                    "默认期限(立项后 {n} 天)超出了可表示的日期;请用 --deadline 给出期限",
                    "the default deadline ({n} days after opening) runs past the last date there "
                    "is; give one with --deadline",
                    n=config.rectify_deadline_days,
                )
            ) from None
    deadline = _term(text, opened)
    if deadline < opened:
        raise UserError(
            say(
                "--deadline {d} 早于立项日期 {o}",
                "--deadline {d} is before the opened date {o}",
                d=deadline,
                o=opened,
            )
        )
    return deadline


def add_item(
    root: Path,
    *,
    problem: str,
    recorder: str,
    visit: str | None = None,
    district: str | None = None,
    source: str | None = None,
    measure: int | None = None,
    department: str | None = None,
    owner: str | None = None,
    opened: str | None = None,
    deadline: str | None = None,
    approved_by: str | None = None,
    late_reason: str | None = None,
    review: str | None = None,
) -> Rectification:
    """Open one item from typed options (`wkb rectify add`); returns it as written.
    What `build_item` refuses is refused before anything is written; so is `review` (the 好差评
    review an item came from, measure 4) on an item of another source."""
    item = build_item(
        root,
        problem=problem,
        recorder=recorder,
        visit=visit,
        district=district,
        source=source,
        measure=measure,
        department=department,
        owner=owner,
        opened=opened,
        deadline=deadline,
        approved_by=approved_by,
        late_reason=late_reason,
    )
    if review is not None:
        if item.source != REVIEW_SOURCE:
            raise UserError(
                say(
                    "--review 只用于来源为 好差评 的事项(加 --source 好差评)",
                    "--review is for items of source 好差评 only (add --source 好差评)",
                )
            )
        item = replace(item, review=_prose(review, "--review"))
    return _write_new(root, item)


REVIEW_SOURCE = "好差评"  # measure 4


def build_item(
    root: Path,
    *,
    problem: str,
    recorder: str,
    visit: str | None = None,
    district: str | None = None,
    source: str | None = None,
    measure: int | None = None,
    department: str | None = None,
    owner: str | None = None,
    opened: str | None = None,
    deadline: str | None = None,
    approved_by: str | None = None,
    late_reason: str | None = None,
    policy: Policy | None = None,
    config: Config | None = None,
    check_sealed: bool = True,
) -> Rectification:
    """The item `rectify add` (and `wkb import`) would write, checked, not yet written.

    With `visit`, district, source and opened date come from the visit (conflicting options are
    refused). Without, `source` is required. The department defaults to the district's
    responsible department on the opened date and the owner to its contact person; without a
    district both are required. The deadline defaults to opened + `rectify_deadline_days`.
    Refuses: an unknown visit (or a void one), district or source; an opened date in the future
    or before the district's first table entry; a deadline before the opened date; an opened
    date in a sealed month without both `late_reason` and `approved_by` (unless `check_sealed`
    is off: `wkb import` first looks whether the row is already imported, then applies
    `refuse_sealed_item`).
    """
    if config is None:
        config, _problems = read_config(root)
    if policy is None:
        policy = checked_policy(root)
    problem_text = check_problem_text(problem)
    measure = _measure(measure)
    if visit is not None:
        from wkb_tracker.store.visits import find_visit

        found = find_visit(root, visit)
        if found.is_void:
            raise UserError(
                say(
                    "走访 {i} 已作废,不能据此立项",
                    "visit {i} is void; it cannot open an item",
                    i=found.id,
                )
            )
        if source is not None and source.strip().lower() != VISIT_SOURCE:
            raise UserError(
                say(
                    "--visit 已确定来源为 visit,不能再给 --source {s}",
                    "--visit makes the source visit; --source {s} contradicts it",
                    s=source,
                )
            )
        if district is not None and policy.resolve_district(district) != found.district_id:
            raise UserError(
                say(
                    "--district {d} 与走访 {i} 的区({v})不符",
                    "--district {d} does not match visit {i}'s district ({v})",
                    d=district,
                    i=found.id,
                    v=found.district,
                )
            )
        if opened is not None and dates.parse_date(opened, field="--opened") != found.date:
            raise UserError(
                say(
                    "--opened 与走访 {i} 的日期({v})不符;关联走访的事项以走访日期立项",
                    "--opened does not match visit {i}'s date ({v}); an item from a visit opens on the visit's date",
                    i=found.id,
                    v=found.date,
                )
            )
        district_id: str | None = found.district_id
        stored_source, visit_id, opened_on = VISIT_SOURCE, found.id, found.date
    else:
        if source is None:
            raise UserError(
                say(
                    "请用 --source 给出问题来源,或用 --visit 关联走访。可选:{v}",
                    "give the problem's source with --source, or link a visit with --visit. Valid: {v}",
                    v=source_choices(),
                )
            )
        stored_source, visit_id = parse_source(source), None
        opened_on = _day(opened, "--opened")
        district_id = policy.resolve_district(district) if district is not None else None
    if opened_on > dates.today():
        raise UserError(
            say("立项日期 {d} 在未来", "the opened date {d} is in the future", d=opened_on)
        )
    approval = _approval(approved_by, late_reason)
    if check_sealed:
        _refuse_sealed(
            root, opened_on, approval["approved_by"], approval["late_reason"], opening=True
        )
    sealed = is_sealed(root, opened_on.year, opened_on.month)
    department_text = optional_text(department, "--department")
    owner_text = optional_text(owner, "--owner")
    district_name: str | None = None
    if district_id is not None:
        entry = policy.assignment_on(district_id, opened_on)
        district_name = policy.district_name(district_id)
        if entry is None:
            raise UserError(
                say(
                    "{d} 在 {o} 还没有责任分工(分工表自 {f} 起)",
                    "{d} has no responsibility-table entry on {o} (the table starts {f})",
                    d=district_name,
                    o=opened_on,
                    f=policy.first_entries[district_id].start,
                )
            )
        department_text = department_text or entry.department
        owner_text = owner_text or entry.contact
    elif department_text is None or owner_text is None:
        raise UserError(
            say(
                "没有 --district 的局内事项须给出 --department 和 --owner",
                "an item without --district (bureau-internal) needs --department and --owner",
            )
        )
    item = _new_item(
        problem=problem_text,
        district=district_name,
        district_id=district_id,
        source=stored_source,
        visit=visit_id,
        measure=measure,
        department=department_text,
        owner=owner_text,
        opened=opened_on,
        deadline=_deadline(deadline, opened_on, config),
        recorder=recorder,
        late_reason=approval["late_reason"] if sealed else None,
        late_approved_by=approval["approved_by"] if sealed else None,
    )
    return item


def items_for_visit(
    policy: Policy,
    config: Config,
    visit: Visit,
    *,
    recorder: str,
    deadline: str | None = None,
    department: str | None = None,
    owner: str | None = None,
) -> list[Rectification]:
    """The items a visit's problems open (not yet written): one per problem, source visit,
    district and opened date from the visit, department and owner from the table that day
    unless given (a 台账's 责任处室 column), the deadline `rectify_deadline_days` after the visit
    unless given (checked as `rectify add --deadline` is)."""
    entry = policy.assignment_on(visit.district_id, visit.date)
    if entry is None:
        raise UserError(
            say(
                "{d} 在 {o} 没有责任分工,无法立项",
                "{d} has no responsibility-table entry on {o}; cannot open items",
                d=visit.district,
                o=visit.date,
            )
        )
    return [
        _new_item(
            problem=check_problem_text(text),
            district=visit.district,
            district_id=visit.district_id,
            source=VISIT_SOURCE,
            visit=visit.id,
            measure=None,
            department=optional_text(department, "--department") or entry.department,
            owner=optional_text(owner, "--owner") or entry.contact,
            opened=visit.date,
            deadline=_deadline(deadline, visit.date, config),
            recorder=recorder,
            # a visit added to a sealed month was approved as such: so are its items
            late_reason=visit.late_reason,
            late_approved_by=visit.late_approved_by,
        )
        for text in visit.problems
    ]


def approve_items_of_late_visit(root: Path, visit: Visit) -> list[Rectification]:
    """Give the items `visit add --problem` opened from `visit` (source visit, opened on its day)
    the visit's late reason and approver where they have none — what `visit add --late-reason
    --approved-by` would have written: an approved late visit's items carry its approval (measure
    17). Used when a late visit is approved afterwards (`wkb visit edit --late-reason …`); only
    the item's own file changes, never its events. A broken item file is left to validate."""
    folder = records.rectification_path("R", visit.date).rsplit("/", 1)[0]
    prefix = f"R{visit.date:%Y%m%d}-"
    try:
        names = sorted(os.listdir(root / folder))
    except OSError:
        return []
    approved = []
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".yaml")) or records.is_event_file(name):
            continue
        rel = f"{folder}/{name}"
        try:
            item = _item_from(storage.read_yaml(root, rel))
        except DataError:
            continue
        if item.visit != visit.id or item.late_reason or item.late_approved_by:
            continue
        done: list[Rectification] = []

        def build(current: bytes, rel: str = rel, done: list[Rectification] = done) -> str:
            doc = storage.Document(rel, current, *storage.parse_yaml(current, rel))
            now = _item_from(doc)
            changed = replace(
                now, late_reason=visit.late_reason, late_approved_by=visit.late_approved_by
            )
            done.append(changed)
            return _render(changed)

        storage.update_locked(root / rel, build)
        approved += done
    return approved


def open_for_visit(root: Path, visit: Visit, *, recorder: str) -> list[Rectification]:
    """Open one item per problem of `visit` (measure 14 → 15); returns them as written.

    Every item is built and checked before the first is written. Paths are `item.path`.
    """
    config, _problems = read_config(root)
    planned = items_for_visit(checked_policy(root), config, visit, recorder=recorder)
    return [_write_new(root, item) for item in planned]


# -- changing items: one event file added under the item's lock -------------------------------


def _render_event(item_id: str, event: RectificationEvent) -> str:
    """The event file's text; refuses text that would not read back exactly as given."""
    return _faithful_text(records.event_file_mapping(item_id, event), event.path or "event")


def _write_event(root: Path, item: Rectification, event: RectificationEvent) -> RectificationEvent:
    """Create the event's own file exclusively (a fresh event id on the rare collision)."""
    for _attempt in range(5):
        event_id = ids.new_event_id()
        path = records.event_path(item.path, item.id, event_id)
        event = replace(event, id=event_id, path=path, index=None)
        try:
            storage.create_exclusive(root / path, _render_event(item.id, event))
            return event
        except FileExistsError:
            continue
    raise UserError(say("无法生成唯一编号,请重试", "could not draw a unique id; try again"))


def refuse_sealed_item(root: Path, item: Rectification) -> None:
    """Refuse a new item opened in a sealed month without its late reason and approver."""
    _refuse_sealed(root, item.opened, item.late_approved_by, item.late_reason, opening=True)


def _refuse_sealed(
    root: Path,
    day: date,
    approved_by: str | None,
    late_reason: str | None,
    *,
    opening: bool = False,
) -> None:
    """An item opened or an event dated inside a sealed month changes that month's figures
    (measure 17): refused unless someone approves it and says why."""
    if not is_sealed(root, day.year, day.month):
        return
    if approved_by and late_reason:
        return
    raise UserError(
        say(
            "{m} 已封存:{w}日期为 {d} 的整改{k}会改变该月已封存的数字;"
            "如确需补记,请同时给出 --late-reason(原因)和 --approved-by(批准人)",
            "{m} is sealed: {k} dated {d} would change that month's sealed figures; "
            "to record it anyway give both --late-reason and --approved-by",
            m=f"{day.year:04d}-{day.month:02d}",
            d=day,
            w=say("立项", "") if opening else "",
            k=say("事项", "an item opened") if opening else say("事件", "an event"),
        )
    )


def _append(
    root: Path, text: str, make: Callable[[Rectification], Sequence[RectificationEvent]]
) -> tuple[Rectification, tuple[RectificationEvent, ...]]:
    """Add the events `make` builds from the item as it is on disk now, in order, under the
    item's lock: each is checked (check_event) after the history and the events before it, and
    nothing is written unless all pass. Returns the item with the events, and the events (with
    their ids and paths)."""
    rel = item_rel(root, text)
    _item_from(storage.read_yaml(root, rel))  # refuses broken files and symlinks leaving the root
    with storage.locked(root / rel):
        item = _whole_item(root, rel)
        events = tuple(make(item))
        for number, event in enumerate(events):
            check_event(root, item, event, prior=(*item.events, *events[:number]))
        written = tuple(_write_event(root, item, event) for event in events)
    return replace(item, events=in_order([*item.events, *written])), written


def record(
    root: Path, item_id: str, *events: RectificationEvent
) -> tuple[Rectification, tuple[RectificationEvent, ...]]:
    """Add events built in advance (`progress_event`, `close_event`, `followup_event`,
    `reopen_event`) to the item `item_id` names, in order: each re-checked under the item's lock
    against its history on disk and the events before it; none written unless all pass.
    Returns the item with them and the events as written (ids, paths)."""
    return _append(root, item_id, lambda _item: events)


def check_event(
    root: Path,
    item: Rectification,
    event: RectificationEvent,
    *,
    prior: Sequence[RectificationEvent] | None = None,
) -> None:
    """Refuse (UserError) an event the rules refuse after `prior` (default: `item`'s history),
    or one dated in a sealed month without an approver and a reason. The one check before any
    event is written (and before `wkb import` plans one)."""
    refusal = refuse_event(item, event, today=dates.today(), prior=prior)
    if refusal is not None:
        raise UserError(refusal.message)
    _refuse_sealed(root, event.date, event.approved_by, event.late_reason)


def _event(kind: str, day: date, by: str, **fields: Any) -> RectificationEvent:
    return RectificationEvent(kind=kind, date=day, by=by, at=dates.now(), **fields)


def _approval(approved_by: str | None, late_reason: str | None) -> dict[str, str | None]:
    return {
        "approved_by": optional_text(approved_by, "--approved-by"),
        "late_reason": optional_text(late_reason, "--late-reason", multiline=True),
    }


def _typed_event(
    kind: str,
    by: str,
    day: str | None,
    approved_by: str | None,
    late_reason: str | None,
    *,
    day_label: str = "--date",
    **texts: tuple[str, str],
) -> RectificationEvent:
    """An event of `kind` from what a user typed: each text (value, the option it came from)
    cleaned as prose, the day parsed (default today), the sealed-month approval cleaned. Not
    yet checked against an item, not written."""
    fields = {name: _prose(value, label) for name, (value, label) in texts.items()}
    on = _day(day, day_label)
    return _event(kind, on, by, **fields, **_approval(approved_by, late_reason))


def progress_event(
    *,
    note: str,
    by: str,
    day: str | None = None,
    approved_by: str | None = None,
    late_reason: str | None = None,
) -> RectificationEvent:
    """A progress note from typed values (not yet checked against an item, not written)."""
    return _typed_event(PROGRESS, by, day, approved_by, late_reason, note=(note, "--note"))


def extend(
    root: Path,
    item_id: str,
    *,
    deadline: str,
    reason: str,
    by: str,
    approved_by: str | None = None,
    day: str | None = None,
    late_reason: str | None = None,
) -> tuple[Rectification, RectificationEvent]:
    """Extend an open item's deadline. A term (+15d, 2周, 1个月) counts from the deadline in force.
    Refuses a closed item, a deadline that is not later than the one in force, a term past the
    last date there is, and (without an approver) an extension after the deadline has passed."""
    why = _prose(reason, "--reason")
    extra = _approval(approved_by, late_reason)
    on = _day(day, "--date")

    def make(item: Rectification) -> tuple[RectificationEvent]:
        current = standing(item, today=dates.today()).deadline
        new = _term(deadline, current)
        return (_event(EXTEND, on, by, deadline=new, reason=why, **extra),)

    item, (event,) = _append(root, item_id, make)
    return item, event


def close_event(
    *,
    resolution: str,
    by: str,
    day: str | None = None,
    approved_by: str | None = None,
    late_reason: str | None = None,
) -> RectificationEvent:
    """A closure from typed values (not yet checked against an item, not written)."""
    return _typed_event(
        CLOSE, by, day, approved_by, late_reason, resolution=(resolution, "--resolution")
    )


def followup_event(
    *,
    satisfaction: str,
    by: str,
    day: str | None = None,
    note: str | None = None,
    approved_by: str | None = None,
    late_reason: str | None = None,
) -> RectificationEvent:
    """A return visit from typed values (not yet checked against an item, not written)."""
    from wkb_tracker.domain.model import SATISFACTION

    wanted = satisfaction.strip()
    if wanted not in SATISFACTION:
        raise UserError(
            say(
                "--satisfaction {s!r} 无效;可选:{v}",
                "--satisfaction {s!r} is not valid; valid: {v}",
                s=satisfaction,
                v=" | ".join(SATISFACTION),
            )
        )
    event = _typed_event(
        FOLLOWUP,
        by,
        day,
        approved_by,
        late_reason,
        day_label="--followup-date",
        **({"note": (note, "--followup-note")} if note else {}),
    )
    return replace(event, satisfaction=wanted)


def reopen_event(
    *,
    reason: str,
    by: str,
    day: str | None = None,
    approved_by: str | None = None,
    late_reason: str | None = None,
) -> RectificationEvent:
    """A reopening from typed values (not yet checked against an item, not written); the item
    keeps its last deadline (extend it for a new one)."""
    return _typed_event(REOPEN, by, day, approved_by, late_reason, reason=(reason, "--reason"))


# -- views -----------------------------------------------------------------------------------


def item_view(
    item: Rectification, policy: Policy, as_of: date, *, due_soon_days: int
) -> dict[str, Any] | None:
    """The JSON shape of one item as of a date (None if not yet opened then)."""
    state = state_at(item, as_of, due_soon_days=due_soon_days)
    if state is None:
        return None
    return {
        "id": item.id,
        "problem": item.problem,
        "district": item.district,
        "district_id": item.district_id,
        "leader": leader_of(item, policy),
        "department": item.department,
        "owner": item.owner,
        "source": item.source,
        "visit": item.visit,
        "measure": item.measure,
        "opened": item.opened,
        "initial_deadline": item.deadline,
        "deadline": state.deadline,
        "status": state.status,
        "due_soon": state.due_soon,
        "overdue_days": (as_of - state.deadline).days if state.status == OVERDUE else 0,
        "closed": state.closed,
        "closed_late": state.closed_late,
        "extensions": state.extensions,
        "path": item.path,
        "extended_late": state.extended_late,
        # Issue 15.4: the latest return visit's satisfaction, whether it needs a follow-up,
        # and the 好差评 review the item came from.
        "satisfaction": satisfaction_at(item, as_of),
        "needs_followup": needs_followup(item, as_of),
        "review": item.review,
    }


def detail_view(
    item: Rectification, policy: Policy, as_of: date, *, due_soon_days: int
) -> dict[str, Any]:
    """`item_view` plus who opened it and the whole recorded history (every event, any date)."""
    view = item_view(item, policy, as_of, due_soon_days=due_soon_days)
    if view is None:  # asked about a day before it was opened
        view = {
            **(item_view(item, policy, item.opened, due_soon_days=due_soon_days) or {}),
            "status": None,
            "deadline": item.deadline,
            "due_soon": False,
            "overdue_days": 0,
            "closed": None,
            "closed_late": None,
            "extensions": 0,
            "extended_late": False,
        }
    return {
        **view,
        "as_of": as_of,
        "created_by": item.created_by,
        "created_at": item.created_at,
        "events": [_event_view(event) for event in item.events],
    }


def _event_view(event: RectificationEvent) -> dict[str, Any]:
    """An event as stored, plus (for an event in its own file) its id and file."""
    view = records.event_to_mapping(event)
    if event.id is not None:
        view["id"], view["path"] = event.id, event.path
    return view


def select(
    items: Iterable[Rectification],
    policy: Policy,
    *,
    as_of: date,
    due_soon_days: int,
    status: str = "open",
    district: str | None = None,
    leader: str | None = None,
    department: str | None = None,
) -> list[dict[str, Any]]:
    """Views of the items opened by `as_of` that match, most urgent first.

    status: open = not closed (overdue included); overdue; due-soon (open, not overdue, deadline
    within `due_soon_days`); closed; all. Refuses an unknown status, district, leader or department.
    """
    items = list(items)
    wanted = ItemFilter(policy, status, district, leader, department)
    wanted.check_department({item.department for item in items})
    views = list(wanted.views(items, as_of=as_of, due_soon_days=due_soon_days))
    views.sort(key=view_order)
    return views


def view_order(view: dict[str, Any]) -> tuple[int, date, date, str]:
    """Most urgent first: overdue, open, closed; then by deadline, opened date and id."""
    return (_STATUS_RANK[view["status"]], view["deadline"], view["opened"], view["id"])


class ItemFilter:
    """`rectify list`'s filters, checked: refuses an unknown status, district or leader at once,
    and an unknown department once every item's department is known (`check_department`)."""

    def __init__(
        self,
        policy: Policy,
        status: str,
        district: str | None,
        leader: str | None,
        department: str | None,
    ) -> None:
        if status not in STATUS_FILTERS:
            raise UserError(
                say(
                    "未知的状态 {s};可选:{v}",
                    "unknown status {s}; valid: {v}",
                    s=status,
                    v=" | ".join(STATUS_FILTERS),
                )
            )
        self.policy = policy
        self.status = status
        self.district_id = policy.resolve_district(district) if district is not None else None
        self.leader = policy.resolve_leader(leader) if leader is not None else None
        self.given_department = department
        self.department = department.strip() if department is not None else None

    def check_department(self, item_departments: set[str]) -> None:
        if self.department is None:
            return
        known = {a.department for a in self.policy.assignments} | item_departments
        if self.department not in known:
            raise UserError(
                say(
                    "未知的责任部门 --department {d!r}。可选:{v}",
                    "unknown department --department {d!r}. Valid: {v}",
                    d=self.given_department,
                    v=join_names(sorted(known)),
                )
            )

    def views(
        self, items: Iterable[Rectification], *, as_of: date, due_soon_days: int
    ) -> Iterator[dict[str, Any]]:
        """The views of the matching items, in the order of `items`."""
        for item in items:
            if self.district_id is not None and item.district_id != self.district_id:
                continue
            if self.department is not None and item.department != self.department:
                continue
            view = item_view(item, self.policy, as_of, due_soon_days=due_soon_days)
            if view is None or (self.leader is not None and view["leader"] != self.leader):
                continue
            if _matches(view, self.status):
                yield view


def _matches(view: dict[str, Any], status: str) -> bool:
    if status == "all":
        return True
    if status == "open":
        return bool(view["status"] != CLOSED)
    if status == "due-soon":
        return bool(view["due_soon"])
    return bool(view["status"] == status)
