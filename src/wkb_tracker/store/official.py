"""A sealed month's official figures (measure 17: what was assessed does not move afterwards).

`compliance.compute` counts what the records say now. For each month of the report that was
sealed (`wkb month close`), `apply_seals` replaces each leader × district figure with the one in
the month's manifest: contacts, required and so the status are the official ones. Visits added
to the month after sealing (封存后补录, by id: not listed in the manifest) are kept beside the
figure as `after_seal` and change nothing. Only `wkb month reopen` and a new close change them.

A figure is replaced only where the report covers the whole month up to its end (a range that
cuts a sealed month, or an as-of date inside it, shows the records as they are). With
`known_on`, a seal made after that day is not applied (the report as it could have been made
then); a version reopened by then is not applied either.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from wkb_tracker.domain.compliance import (
    MET,
    NOT_TRACKED,
    SHORT,
    DistrictFigure,
    LeaderFigure,
    MonthFigure,
    Report,
    SealedMonth,
)
from wkb_tracker.domain.counting_rule import CountingRule
from wkb_tracker.domain.dates import month_bounds
from wkb_tracker.domain.errors import Problem
from wkb_tracker.store.manifest import MonthSeals, Seal


def _official_table(seal: Seal) -> dict[tuple[str, str], tuple[int, int]]:
    """(leader, district name) → (contacts, required) from checked manifest figures."""
    table: dict[tuple[str, str], tuple[int, int]] = {}
    for leader in (seal.figures or {}).get("leaders", []):
        for district in leader["districts"]:
            table[(leader["leader"], district["district"])] = (
                district["contacts"],
                district["required"],
            )
    return table


def _sealed_month(
    month: MonthFigure,
    seal: Seal,
    official: tuple[int, int] | None,
    sealed_ids: frozenset[str],
) -> MonthFigure:
    counted = tuple(i for i in month.visits if i in sealed_ids)
    after = tuple(i for i in month.visits if i not in sealed_ids)
    # No figures in the manifest (or none for this row): the sealed visits still are the count.
    contacts, required = official if official is not None else (len(counted), month.required)
    return replace(
        month,
        contacts=contacts,
        required=required,
        status=MET if contacts >= required else SHORT,
        visits=counted,
        sealed=True,
        after_seal=after,
    )


def sealed_rules(
    book: dict[tuple[int, int], MonthSeals],
    *,
    known_on: date | None = None,
    fallback_minimum: int,
    override: int | None = None,
) -> dict[str, CountingRule]:
    """YYYY-MM → measure 14's rule each sealed month was counted under (issue 15.1), for
    `compliance.compute`: a rule dated later, or changed afterwards, never moves a sealed month."""
    rules = {}
    for seals in book.values():
        seal = seals.official(known_on)
        if seal is not None:
            rules[seal.label] = seal.counting_rule(fallback_minimum, override)
    return rules


def apply_seals(
    report: Report, book: dict[tuple[int, int], MonthSeals], *, known_on: date | None = None
) -> Report:
    """`report` with the official figures of every sealed month it covers whole (see above)."""
    in_force: dict[str, Seal] = {}
    for (year, month), seals in book.items():
        seal = seals.official(known_on)
        if seal is None:
            continue
        first, last = month_bounds(year, month)
        if report.period.first <= first and last <= report.snapshot:
            in_force[seal.label] = seal
    if not in_force:
        return report
    tables = {label: _official_table(seal) for label, seal in in_force.items()}
    ids = {label: frozenset(v.id for v in seal.visits) for label, seal in in_force.items()}
    leaders: list[LeaderFigure] = []
    for leader in report.leaders:
        districts: list[DistrictFigure] = []
        for district in leader.districts:
            months = tuple(
                _sealed_month(
                    month,
                    in_force[month.month],
                    tables[month.month].get((leader.leader, district.district)),
                    ids[month.month],
                )
                if month.month in in_force and month.status != NOT_TRACKED
                else month
                for month in district.months
            )
            districts.append(replace(district, months=months))
        leaders.append(replace(leader, districts=tuple(districts)))
    sealed = tuple(
        SealedMonth(label, seal.version, seal.sealed_by, seal.sealed_at)
        for label, seal in sorted(in_force.items())
    )
    return replace(report, leaders=tuple(leaders), sealed_months=sealed)


def official_report(
    root: Path,
    report: Report,
    *,
    known_on: date | None = None,
    read: tuple[dict[tuple[int, int], MonthSeals], list[Problem]] | None = None,
) -> tuple[Report, list[str]]:
    """Read the seals of `root` (unless `read` already holds them) and apply them. Sealing
    files that cannot be read come back as `path:line: message` warnings, also added to the
    report's problems (a broken manifest is never applied, and never a crash)."""
    from wkb_tracker.store.manifest import read_seal_book

    book, problems = read if read is not None else read_seal_book(root, report.period.months())
    found = [str(problem) for problem in problems]
    applied = apply_seals(report, book, known_on=known_on)
    if found:
        applied = replace(applied, problems=(*applied.problems, *problems))
    return applied, found
