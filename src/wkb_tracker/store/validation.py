"""Cross-record checks: small pure functions over a Dataset, each returning Problems.

Structural checks (YAML, fields, types) happen while loading; these look at meaning: names that
must exist in the policy, files that must sit where their date says. (Ids are made unique by the
loader itself, which reports every copy: see duplicates.py.)
`VALIDATORS` is the explicit list `wkb validate` runs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path

from wkb_tracker.domain.dataset import Dataset
from wkb_tracker.domain.dates import today
from wkb_tracker.domain.errors import Problem
from wkb_tracker.domain.i18n import say
from wkb_tracker.domain.ids import RECTIFICATION, VISIT, is_valid_id
from wkb_tracker.domain.model import MEASURE_NUMBERS, RECTIFICATION_SOURCES, Rectification
from wkb_tracker.domain.visit_rules import visit_findings
from wkb_tracker.store.records import rectification_path
from wkb_tracker.store.root import DISTRICTS_FILE, MEASURES_FILE
from wkb_tracker.store.storage import node_line


def _at(root: Path, rel: str, message: str, *keys: str | int) -> Problem:
    """A Problem at the line of `keys` in `rel` (the file is re-read only because it is wrong)."""
    try:
        text = (root / rel).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return Problem(rel, 1, message)
    return Problem(rel, node_line(text, *keys), message)


def check_visit_rules(data: Dataset) -> Iterator[Problem]:
    """Every visit against the one visit rule set (domain/visit_rules.py): what `visit add` and
    `visit edit` refuse is reported here at the line of the field."""
    day = today()
    for visit in data.visits:
        for where, message in visit_findings(data.policy, visit, today=day):
            yield _at(data.root, visit.path, message, *where)


def check_visit_places(data: Dataset) -> Iterator[Problem]:
    """A visit file is named after its id. (One outside the month folder of its date never gets
    this far: the loader leaves it out and reports it.)"""
    for visit in data.visits:
        if not is_valid_id(visit.id, VISIT):
            yield _at(
                data.root,
                visit.path,
                say("编号格式不对:{i}", "malformed id: {i}", i=visit.id),
                "id",
            )
        elif not visit.path.endswith(f"_{visit.id}.yaml"):
            yield _at(
                data.root,
                visit.path,
                say("文件名与编号 {i} 不符", "file name does not match id {i}", i=visit.id),
                "id",
            )


def check_rectification_fields(data: Dataset) -> Iterator[Problem]:
    """Names, sources, measures, dates and places of rectification items."""
    visit_ids = {visit.id for visit in data.visits}
    return rectification_field_problems(data, data.rectifications, visit_ids)


def rectification_field_problems(
    data: Dataset, items: Iterable[Rectification], visit_ids: Collection[str]
) -> Iterator[Problem]:
    """`check_rectification_fields` for `items`, the visits being those of `visit_ids`."""
    names = data.policy.district_ids_by_name
    for item in items:
        if not is_valid_id(item.id, RECTIFICATION):
            yield _at(
                data.root, item.path, say("编号格式不对:{i}", "malformed id: {i}", i=item.id), "id"
            )
        elif item.path != rectification_path(item.id, item.opened):
            yield _at(
                data.root,
                item.path,
                say(
                    "文件应位于 {p}",
                    "file should be at {p}",
                    p=rectification_path(item.id, item.opened),
                ),
                "opened",
            )
        if item.district is not None and item.district not in names:
            yield _at(
                data.root,
                item.path,
                say("未知的区 {d}", "unknown district {d}", d=item.district),
                "district",
            )
        elif item.district is not None and names[item.district] != item.district_id:
            yield _at(
                data.root,
                item.path,
                say("district_id 应为 {i}", "district_id should be {i}", i=names[item.district]),
                "district_id",
            )
        if item.source not in RECTIFICATION_SOURCES:
            yield _at(
                data.root,
                item.path,
                say(
                    "未知的来源 {s};可选:{v}",
                    "unknown source {s}; valid: {v}",
                    s=item.source,
                    v=" | ".join(RECTIFICATION_SOURCES),
                ),
                "source",
            )
        if item.source == "visit" and not item.visit:
            yield _at(
                data.root,
                item.path,
                say("来源为 visit 时须填写 visit 编号", "source visit needs a visit id"),
                "visit",
            )
        if item.visit and item.visit not in visit_ids:
            yield _at(
                data.root,
                item.path,
                say("未知的走访编号 {v}", "unknown visit id {v}", v=item.visit),
                "visit",
            )
        if item.measure is not None and item.measure not in MEASURE_NUMBERS:
            yield _at(
                data.root,
                item.path,
                say("措施编号 {n} 超出 1–17", "measure {n} is outside 1–17", n=item.measure),
                "measure",
            )
        if item.deadline < item.opened:
            yield _at(
                data.root,
                item.path,
                say("整改期限早于立项日期", "deadline is before the opened date"),
                "deadline",
            )
        for event in item.events:
            if event.date < item.opened:
                from wkb_tracker.store.event_files import event_problem

                message = say("事件日期早于立项日期", "event date is before the opened date")
                yield event_problem(data.root, item, event, message, "date")


def check_rectification_histories(data: Dataset) -> Iterator[Problem]:
    """Each item's history is a valid sequence (measure 15): no closing or extending a closed item,
    no reopening an open one, extensions move the deadline later, no event dated in the future, and
    changes of status in date order, no late extension without an approver in an event file. Events
    merged from two clones that conflict (both closed the item) are reported at their own files.
    (Event dates before the opened date: check_rectification_fields.)
    """
    if not data.rectifications:
        return  # (the pre-commit check of a visit need not load the history rules)
    from wkb_tracker.store.event_files import history_problems

    day = today()
    for item in data.rectifications:
        yield from history_problems(data.root, item, today=day)


def check_sealed_months(data: Dataset) -> Iterator[Problem]:
    """The sealing checks (store/seal_checks.py), imported when they run: the pre-commit check
    skips them (a change in a sealed month runs the full validate) and need not load them."""
    from wkb_tracker.store.seal_checks import check_sealed_months as check

    return check(data)


Validator = Callable[[Dataset], Iterable[Problem]]
NEEDS_POLICY: set[Validator] = {check_visit_rules, check_rectification_fields}
# validate after new files only (validate_run._check_added) runs these by hand on the new
# records: a validator added here must be added there (tests/test_validate_reuse.py holds the
# list it covers; the pre-commit hook, staged.check_staged, runs this list itself).
VALIDATORS: list[Validator] = [
    check_visit_rules,
    check_visit_places,
    check_rectification_fields,
    check_rectification_histories,
    check_sealed_months,
]


def validate(data: Dataset) -> list[Problem]:
    """Every problem: those found while loading, then each validator's, sorted by path and line."""
    problems = list(data.problems)
    policy_broken = any(problem.path in (MEASURES_FILE, DISTRICTS_FILE) for problem in problems)
    for validator in VALIDATORS:
        if policy_broken and validator in NEEDS_POLICY:
            continue  # every record would be "unknown" against a broken table: fix that first
        problems.extend(validator(data))
    return sorted(set(problems))


def problems_without_items(data: Dataset) -> list[str]:
    """Visits (not void) whose recorded problems have no rectification item: not an error (a
    clerk may add a visit with --no-rectify, or a crash may have come between the visit and its
    items), but measure 15 wants problems on the list, so `wkb validate` names them."""
    linked = {item.visit for item in data.rectifications if item.visit}
    return sorted(v.id for v in data.visits if v.problems and not v.is_void and v.id not in linked)
