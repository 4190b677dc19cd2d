"""`wkb import`: an office 台账 (xlsx/csv) → visits and rectification items, checked by the rules
`wkb visit add` and `wkb rectify add` apply (their own functions, called here: no second copy).

Two steps, so that nothing is written unless every row is good:

1. `plan` reads every row and builds the records it would write, collecting each refusal as a
   `file:row: message` problem (row = the spreadsheet's row number). A row is recognised as
   already imported by its **key**, derived from the record's own fields after they were
   parsed and resolved (see `visit_key`, `item_key`), and matched against the records on disk.
2. `write` writes the planned records, one file each, atomically (the store's exclusive create),
   in row order: a visit, then the items its problems open, then their events.

Why keys derived from record fields, not an `import_key:` stored in each record: the record format
stays what every earlier wkb reads; the key is computed after parsing, so a re-exported sheet
(columns moved, dates typed 2026/11/3 instead of a date cell, a full-width space, 东湖 for
东湖高新区) gives the same keys; a visit a clerk already typed with `wkb visit add` is recognised
too (the same contact imported again would count twice for measure 14); a void visit still
counts as present (a voided duplicate does not come back); edits of a summary or participants do
not change the key. After a crash midway, a re-run finds what was written and adds only the rest
(a visit written without its items gets them). Rows with the same key are matched one for one:
two rows for two visits to one entity on one day by one leader stay two visits.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from wkb_tracker.domain import dates
from wkb_tracker.domain.dataset import Config
from wkb_tracker.domain.entities import Entity, Register
from wkb_tracker.domain.errors import Problem, UserError, WkbError
from wkb_tracker.domain.i18n import say
from wkb_tracker.domain.identity import Identities
from wkb_tracker.domain.ledger_columns import (
    ENTITIES,
    RECTIFICATIONS,
    VISITS,
    Columns,
    find_columns,
    is_total_row,
    item_closed,
    measure_numbers,
    normalise_text,
    row_values,
    split_list,
    split_problems,
)
from wkb_tracker.domain.model import Rectification, RectificationEvent, Visit
from wkb_tracker.domain.policy import Policy
from wkb_tracker.store.json_cache import CACHE_DIR
from wkb_tracker.store.ledger_files import Table


class _Line(str):
    """One line of a refused row's message, keeping the message's language-free code: a
    `Problem` reads it (`wkb import --format json`), as it reads a `Phrase`'s."""

    code: str


def _row_problems(file: str, row: int, error: WkbError) -> list[Problem]:
    """A refused row as `file:row: message` problems, one per line of its message."""
    code = getattr(error.message, "code", "problem")
    problems = []
    for text in error.message.splitlines() or [""]:
        line = _Line(text)
        line.code = code
        problems.append(Problem(file, row, line))
    return problems


@dataclass
class PlannedItem:
    item: Rectification
    events: list[RectificationEvent] = field(default_factory=list)
    exists: bool = False  # already on disk (only its missing events are planned)


@dataclass
class PlannedRow:
    """One data row: the record it gives (new or found on disk) and what is still to write."""

    row: int
    kind: str
    visit: Visit | None = None
    visit_exists: bool = False
    items: list[PlannedItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    entity: Entity | None = None  # --kind entities: the register entry of the row
    entity_exists: bool = False

    @property
    def new_files(self) -> int:
        return (
            int(self.entity is not None and not self.entity_exists)
            + int(self.visit is not None and not self.visit_exists)
            + sum(not planned.exists for planned in self.items)
            + sum(len(planned.events) for planned in self.items)
        )


@dataclass
class Plan:
    file: str
    kind: str
    columns: Columns
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # path: the file, line: the row
    warnings: list[str] = field(default_factory=list)
    sheet: str | None = None


@dataclass
class Written:
    paths: list[str] = field(default_factory=list)
    visits: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    events: int = 0
    entities: list[str] = field(default_factory=list)


# -- keys ---------------------------------------------------------------------------------------


def visit_key(visit: Visit, identity: Identities | None = None) -> tuple[str, ...]:
    """What makes a row the same contact again: date, district, leader and the entity
    (domain/identity: a visit imported before the register existed, or before two entries were
    merged, is still the same contact as the row naming the registered entry)."""
    who = (identity or Identities(None)).key(visit)
    return (visit.date.isoformat(), visit.district_id, visit.leader, who)


def item_key(item: Rectification) -> tuple[str, ...]:
    """What makes a row the same problem again: for an item opened by a visit, that visit and
    the problem's text; otherwise opened date, district, source and text (all normalised)."""
    text = normalise_text(item.problem)
    if item.visit is not None:
        return ("visit", item.visit, text)
    return ("item", item.opened.isoformat(), item.district_id or "", item.source, text)


class _Pool:
    """Records on disk by key; each one can be claimed by one row only."""

    def __init__(self, records: Sequence[Any], key: Callable[[Any], tuple[str, ...]]) -> None:
        self._by_key: dict[tuple[str, ...], list[Any]] = defaultdict(list)
        for record in sorted(records, key=lambda r: r.id):
            self._by_key[key(record)].append(record)

    def claim(self, key: tuple[str, ...]) -> Any | None:
        found = self._by_key.get(key)
        return found.pop(0) if found else None


# -- reading a row ----------------------------------------------------------------------------


_TIME = re.compile(r"^(\S+)\s+\d{1,2}:\d{2}(?::\d{2})?$")


def _day_text(text: str | None) -> str | None:
    """A date cell's text without a time of day (`2026-11-03 14:30` → `2026-11-03`). A bare
    Excel serial day number (a date cell whose custom Chinese format, say WPS's [DBNum1],
    openpyxl does not know as a date, reads as 46329) becomes its date: day 1 is 1900-01-01 in
    Excel's 1900 date system, whose 1900-02-29 makes 1899-12-30 the day before day 1 from March
    1900 on. Only numbers in 2000…2100 are read so: anything else stays as written."""
    if text is None:
        return None
    cleaned = text.strip()
    if cleaned.isdigit() and _SERIAL_FIRST <= int(cleaned) <= _SERIAL_LAST:
        return (date(1899, 12, 30) + timedelta(days=int(cleaned))).isoformat()
    match = _TIME.match(cleaned)
    return match.group(1) if match else text


_SERIAL_FIRST = 36526  # 2000-01-01
_SERIAL_LAST = 73415  # 2100-12-31


def _leader_text(policy: Policy, text: str | None) -> str | None:
    """A leader cell as the table names the leader: `胡军副局长`, `胡军(副局长)` → `胡军`."""
    if text is None:
        return None
    cleaned = re.sub(r"\s+", "", text)
    for name in policy.leaders:
        rest = re.sub(r"^[((]|[))]$", "", cleaned[len(name) :])
        if cleaned.startswith(name) and (
            not rest or rest in {entry.title for entry in policy.assignments}
        ):
            return name
    return text


def _labels(columns: Columns, kind: str) -> dict[str, str]:
    """Field → the column header it was read from, to name in messages (「走访日期」 for date)."""
    from wkb_tracker.domain.visit_rules import OPTION_LABELS

    by_field = {name: f"「{columns.headers[col]}」" for col, name in columns.fields.items()}
    if kind != VISITS:
        return by_field
    labels = {name: by_field.get(name, label) for name, label in OPTION_LABELS.items()}
    labels["district_id"] = labels["district"]
    labels["late_approved_by"] = by_field.get("approved_by", labels["late_approved_by"])
    labels["participants"] = by_field.get("participants", labels["participants"])
    return labels


def _registered(
    register: Register | None, values: dict[str, str], labels: dict[str, str]
) -> Entity | None:
    """The register entry a visit row names, as `wkb visit add --entity` resolves it (exact
    name, alias, normalised name, unique prefix; an ambiguous name is refused), or by its
    统一社会信用代码 when the row gives one (checked by GB 32100-2015). None: an unknown name,
    kept as written (a visit may name an entity not registered yet), or no register."""
    if register is None or not len(register):
        return None
    from wkb_tracker.domain.credit_code import parse_code
    from wkb_tracker.domain.entities import choose

    code = values.get("credit_code")
    if code:
        found = register.by_code(parse_code(code, labels.get("credit_code", "credit_code")))
        if found is not None:
            return register.canonical(found.id) or found
    name = values.get("entity", "")
    if not name.strip():
        return None
    return choose(register, name, labels.get("entity", "--entity")).entity


def _build_visit_row(
    root: Path,
    policy: Policy,
    config: Config,
    values: dict[str, str],
    labels: dict[str, str],
    recorder: str,
    register: Register | None = None,
) -> tuple[Visit, list[Rectification], list[tuple[str | None, str | None]], list[str]]:
    """The visit a row gives, the items its problems open, each item's (status, resolution)
    cells, and warnings. Refuses what `visit add --problem` refuses."""
    from wkb_tracker.store.rectification_store import items_for_visit
    from wkb_tracker.store.visits import VisitRequest, build_visit

    entity = _registered(register, values, labels)
    if entity is not None:  # the register's name and id; its type and district fill blanks
        values = {**values, "entity": entity.name}
        if entity.type and "type" not in values:
            values["type"] = entity.type
        if entity.district_id and "district" not in values:
            values["district"] = entity.district_id
    request = VisitRequest(
        date=_day_text(values.get("date", "")) or "",
        district=values.get("district", ""),
        entity=values.get("entity", ""),
        entity_id=entity.id if entity is not None else None,
        type=values.get("type", ""),
        leader=_leader_text(policy, values.get("leader")),
        mode=values.get("mode"),
        measures=measure_numbers(values.get("measures", "")),
        summary=values.get("summary", ""),
        problems=split_problems(values.get("problems", "")),
        participants=split_list(values.get("participants", "")),
        recorder=values.get("recorder", recorder),
        late_reason=values.get("late_reason"),
        approved_by=values.get("approved_by"),
    )
    built = build_visit(policy, request, labels=labels)
    visit = built.visit  # a sealed month is checked once the row is known to be new (_plan_row)
    items = items_for_visit(
        policy,
        config,
        visit,
        recorder=visit.recorder,
        deadline=_day_text(values.get("deadline")),
        department=values.get("department"),
        owner=values.get("owner"),
    )
    return visit, items, [(values.get("status"), values.get("resolution"))] * len(items), built.warnings


def _build_item_row(
    root: Path, policy: Policy, config: Config, values: dict[str, str], recorder: str
) -> Rectification:
    from wkb_tracker.store.rectification_store import build_item

    measures = measure_numbers(values.get("measure", ""))
    if len(measures) > 1:
        raise UserError(
            say("一个整改事项只关联一条措施,收到 {m}", "an item names one measure, got {m}", m=values["measure"])
        )
    number: int | None = None
    if measures:
        from wkb_tracker.domain.visit_rules import parse_measure

        number = parse_measure(measures[0], "measure")
    return build_item(
        root,
        problem=values.get("problem", ""),
        recorder=values.get("recorder", recorder),
        visit=values.get("visit"),
        district=values.get("district"),
        source=values.get("source"),
        measure=number,
        department=values.get("department"),
        owner=values.get("owner"),
        opened=_day_text(values.get("opened")),
        deadline=_day_text(values.get("deadline")),
        approved_by=values.get("approved_by"),
        late_reason=values.get("late_reason"),
        policy=policy,
        config=config,
        check_sealed=False,  # after the already-imported check (_plan_row)
    )


def _events(
    root: Path,
    item: Rectification,
    status: str | None,
    resolution: str | None,
    closed_on: str | None,
    values: dict[str, str],
) -> list[RectificationEvent]:
    """The events a row's 状态 / 整改措施 / 办结日期 cells add to `item` (as it is now), checked by
    the rules `rectify close` and `rectify progress` apply. A closed item needs its 办结日期: wkb
    never invents the day a problem was fixed (it decides on-time or late, measure 17)."""
    from wkb_tracker.domain.rectification import CLOSE, PROGRESS, standing
    from wkb_tracker.store.rectification_store import check_event, close_event, progress_event

    closed = item_closed(status) if status is not None else closed_on is not None
    done = standing(item, today=dates.today())
    if closed:
        if done.closed:
            return []
        if closed_on is None:
            raise UserError(
                say(
                    "状态为已办结,但没有办结日期;请填写「办结日期」列",
                    "the status says closed but no closing date is given; fill in a 办结日期 column",
                )
            )
        event = close_event(
            resolution=resolution or say("已办结", "closed"),
            by=item.created_by,
            day=_day_text(closed_on),
            approved_by=values.get("approved_by"),
            late_reason=values.get("late_reason"),
        )
        check_event(root, item, event)
        assert event.kind == CLOSE
        return [event]
    if resolution and not any(
        e.kind == PROGRESS and e.note == resolution.strip() for e in item.events
    ):
        event = progress_event(note=resolution, by=item.created_by)
        check_event(root, item, event)
        return [event]
    return []


# -- the plan ---------------------------------------------------------------------------------


def plan(
    root: Path,
    table: Table,
    kind: str,
    *,
    mapping: dict[str, str],
    defaults: dict[str, str],
    recorder: str,
    visits: Sequence[Visit],
    items: Sequence[Rectification],
    policy: Policy,
    config: Config,
    register: Register | None = None,
) -> Plan:
    """What importing `table` would write, every row checked; nothing is written.

    `visits` and `items` are the records on disk (void visits included); a row whose key
    matches one of them is "already imported". Refuses (UserError) a sheet without a header or
    without a required column; every refused row is a `Problem` (path: the file, line: the row).
    """
    columns = find_columns(kind, table.rows, mapping)
    result = Plan(table.name, kind, columns, warnings=list(table.warnings), sheet=table.sheet)
    labels = _labels(columns, kind)
    if register is None:
        register = Register()
    identity = Identities(register)
    visit_pool = _Pool(visits, lambda visit: visit_key(visit, identity))
    item_pool = _Pool(items, item_key)
    for index in range(columns.header_row, len(table.rows)):
        number = index + 1
        values = row_values(columns, table.rows[index])
        if not values:
            continue  # a blank line between blocks of a 台账
        if is_total_row(table.rows[index]):
            result.warnings.append(
                f"{table.name}:{number}: " + say("合计行,已跳过", "a total line, skipped")
            )
            continue
        values = {**defaults, **values}
        try:
            if kind == ENTITIES:
                planned = _plan_entity_row(policy, register, values, labels, recorder)
            else:
                planned = _plan_row(
                    root, policy, config, kind, values, labels, recorder, visit_pool, item_pool,
                    register, identity,
                )
        except WkbError as error:
            result.problems += _row_problems(table.name, number, error)
            continue
        planned.row = number
        result.rows.append(planned)
        result.warnings += [f"{table.name}:{number}: {warning}" for warning in planned.warnings]
    return result


def _plan_row(
    root: Path,
    policy: Policy,
    config: Config,
    kind: str,
    values: dict[str, str],
    labels: dict[str, str],
    recorder: str,
    visit_pool: _Pool,
    item_pool: _Pool,
    register: Register | None,
    identity: Identities,
) -> PlannedRow:
    closed_on = values.get("closed")
    from wkb_tracker.store.rectification_store import refuse_sealed_item
    from wkb_tracker.store.visits import refuse_sealed_entry

    # A row already imported is recognised before the sealed-month rule is applied: re-running
    # an import after `month close` must say "already imported", not refuse the sealed month.
    if kind == RECTIFICATIONS:
        item = _build_item_row(root, policy, config, values, recorder)
        found = item_pool.claim(item_key(item))
        if found is None:
            refuse_sealed_item(root, item)
        target = found if found is not None else item
        events = _events(root, target, values.get("status"), values.get("resolution"), closed_on, values)
        return PlannedRow(0, kind, items=[PlannedItem(target, events, exists=found is not None)])
    visit, new_items, cells, warnings = _build_visit_row(
        root, policy, config, values, labels, recorder, register
    )
    found_visit = visit_pool.claim(visit_key(visit, identity))
    if found_visit is None:
        refuse_sealed_entry(root, visit)
    row = PlannedRow(
        0,
        kind,
        visit=found_visit or visit,
        visit_exists=found_visit is not None,
        warnings=warnings if found_visit is None else [],
    )
    for item, (status, resolution) in zip(new_items, cells, strict=True):
        if found_visit is not None:
            item = replace(item, visit=found_visit.id)
            on_disk = item_pool.claim(item_key(item))
            if on_disk is not None:
                events = _events(root, on_disk, status, resolution, closed_on, values)
                row.items.append(PlannedItem(on_disk, events, exists=True))
                continue
        refuse_sealed_item(root, item)
        events = _events(root, item, status, resolution, closed_on, values)
        row.items.append(PlannedItem(item, events))
    return row


def _plan_entity_row(
    policy: Policy,
    register: Register,
    values: dict[str, str],
    labels: dict[str, str],
    recorder: str,
) -> PlannedRow:
    """A register entry from a row, checked as `wkb entity add` checks one. A row naming an
    entry already registered (same 统一社会信用代码, or a name or alias with the same name key) is
    recognised and writes nothing; an entry planned from an earlier row of the sheet counts too."""
    from wkb_tracker.domain.credit_code import parse_code
    from wkb_tracker.store.entity_store import EntityRequest, build_entity

    code_text = values.get("credit_code")
    code = parse_code(code_text, labels.get("credit_code", "--code")) if code_text else None
    found = register.by_code(code) if code else None
    if found is None:
        same = register.same_name(values.get("name", ""))
        found = same[0] if len(same) == 1 else None
    if found is not None:
        return PlannedRow(0, ENTITIES, entity=found, entity_exists=True)
    entity = build_entity(
        policy,
        register,
        EntityRequest(
            name=values.get("name", ""),
            aliases=split_list(values.get("aliases", "")),
            code=code,
            district=values.get("district"),
            type=values.get("type"),
            tags=split_list(values.get("tags", "")),
            contact=values.get("contact", ""),
        ),
        by=recorder,
    )
    register.include(entity)  # the sheet's later rows see it (a name given twice is one entry)
    return PlannedRow(0, ENTITIES, entity=entity)


# -- writing ------------------------------------------------------------------------------------

LOCK_FILE = f"{CACHE_DIR}/import.lock"


@contextmanager
def import_lock(root: Path) -> Iterator[None]:
    """Held from reading the records on disk to the last file written: two imports of one sheet
    at the same time in one clone take turns, so the second sees the first one's records (and
    writes nothing twice). A file of its own in the git-ignored cache folder, so no reader of a
    record or of wkb.toml ever waits for it."""
    from wkb_tracker.store.storage import ensure_folder, locked

    path = root / LOCK_FILE
    ensure_folder(path)
    path.touch(exist_ok=True)
    with locked(path):
        yield



def write(root: Path, planned: Plan, written: Written) -> None:
    """Write every new record of `planned`, row by row, into `written` as it goes (so a failure
    midway still tells the caller what to commit). Each file is created atomically and
    exclusively; an item opened by a new visit is linked to the id the visit got on disk."""
    from wkb_tracker.store.rectification_store import record, write_new_item
    from wkb_tracker.store.visits import write_new

    new_entities = [r.entity for r in planned.rows if r.entity is not None and not r.entity_exists]
    if new_entities:
        from wkb_tracker.store.sealed_register import refuse_moving_sealed_figures

        refuse_moving_sealed_figures(root, None, new_entities)
    for row in planned.rows:
        if row.entity is not None and not row.entity_exists:
            from wkb_tracker.store.entity_store import write_new as write_entity

            row.entity = write_entity(root, row.entity)
            written.paths.append(row.entity.path)
            written.entities.append(row.entity.id)
        visit_id: str | None = None
        if row.visit is not None:
            visit = row.visit
            if not row.visit_exists:
                visit = row.visit = write_new(root, visit)
                written.paths.append(visit.path)
                written.visits.append(visit.id)
            visit_id = visit.id
        for entry in row.items:
            item = entry.item
            if not entry.exists:
                if visit_id is not None:
                    item = replace(item, visit=visit_id)
                item = entry.item = write_new_item(root, item)
                written.paths.append(item.path)
                written.items.append(item.id)
            for event in entry.events:
                path = record(root, item.id, event)[1][0].path
                written.paths.append(path)
                written.events += 1
