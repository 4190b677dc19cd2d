"""Measure 14 compliance per leader, district and month; measure 15 counts; measure 17 material.

Pure functions: a Dataset and dates in, plain frozen dataclasses out (no Rich, no I/O). Every count
keeps the ids of the records behind it, so any figure can be traced (`--explain`).

The rules (issue 5), with the choices the notice leaves open:

- 包区服务 (measure 14): "each month, contact innovation entities in the district no fewer than
  2 times". For each leader, each district assigned to them on any day of the period, each calendar
  month of the period:
  * contacts = non-void visits to the district led by that leader, dated in the month, inside the
    period, on or before the snapshot, and on a day the leader was responsible for the district.
    A visit by anyone else (or on a day the district was someone else's) never counts for the
    leader; it is listed in the bureau-wide part instead, never dropped.
  * required = ceil(minimum × days covered ÷ days in the month), where days covered are the days of
    the month that are inside both the period and the leader's assignment(s). A whole month gives
    the minimum; a reassignment on the 16th of a 30-day month gives ceil(2 × 15/30) = 1 to each
    leader; a `--from/--to` period that cuts a month pro-rates the same way.
  * status = met if contacts ≥ required; else short if the calendar month ended before the as-of
    date; else pending.
- The snapshot is the earlier of the as-of date and the period's end. Visits dated after it are not
  counted (the report is "as of" that day); rectification states are taken on it (measure 15): open
  (overdue included), overdue, and closures within the period up to it, on time or late. An item
  belongs to the leader responsible for its district on its opened date.
- 补录 (late entry): a counted visit recorded (`recorded_at`, Asia/Shanghai) more than the grace
  days after the end of its month. It still counts. A visit with a `late_reason` was added to a
  sealed month (post-seal entry); it also counts and is shown as such.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from wkb_tracker.domain.counting import LEAD, NOT_RESPONSIBLE, Decision, decide
from wkb_tracker.domain.counting_rule import PER_LEADER, CountingRule, RuleBook, allocate
from wkb_tracker.domain.dataset import Dataset
from wkb_tracker.domain.dates import SHANGHAI, check_period, month_bounds, months_between
from wkb_tracker.domain.errors import Problem
from wkb_tracker.domain.model import SATISFACTION, UNSATISFIED, Assignment, Rectification, Visit
from wkb_tracker.domain.rectification import (
    CLOSED,
    OVERDUE,
    leader_of,
    needs_followup,
    satisfaction_at,
    state_at,
)

# The return visit's satisfaction (SATISFACTION) as JSON keys, and closures with none yet.
SATISFACTION_KEY = dict(
    zip(SATISFACTION, ("satisfied", "basically_satisfied", "unsatisfied"), strict=True)
)
NO_FOLLOWUP = "no_followup"
SATISFACTION_KEYS = (*SATISFACTION_KEY.values(), NO_FOLLOWUP)

MET = "met"
SHORT = "short"
PENDING = "pending"
NOT_TRACKED = "not_tracked"  # before the root's tracking_start: never short, never assessed
STATUSES = (MET, SHORT, PENDING, NOT_TRACKED)

MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
RANGE = "range"


# -- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """A closed interval of days, with what the user asked for (`kind`, `label`)."""

    first: date
    last: date
    kind: str = RANGE  # month | quarter | year | range
    label: str = ""

    def months(self) -> list[tuple[int, int]]:
        return months_between(self.first, self.last)

    def snapshot(self, as_of: date) -> date:
        """The day whose state a report of the period shows: `as_of`, or the period's last day
        when that is earlier."""
        return min(as_of, self.last)

    def records_window(self, as_of: date) -> tuple[date, date]:
        """The rectification items a report of the period as of `as_of` can count: those not
        settled before (first day, or the snapshot if earlier), opened by the snapshot. The
        loader reads only these (store/record_cache.py answers it without reading files)."""
        snapshot = self.snapshot(as_of)
        return min(self.first, snapshot), snapshot


def make_period(first: date, last: date, kind: str = RANGE) -> Period:
    """A Period with its label: 2026-11, 2026-Q3, 2026, or 2026-11-01..2026-11-20. Refuses one
    that ends before it starts or spans more than MAX_PERIOD_MONTHS (the work grows with it)."""
    check_period(first, last)
    if kind == MONTH:
        label = f"{first:%Y-%m}"
    elif kind == QUARTER:
        label = f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    elif kind == YEAR:
        label = str(first.year)
    else:
        label = f"{first.isoformat()}..{last.isoformat()}"
    return Period(first, last, kind, label)


# -- report objects --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthFigure:
    """One leader × district × calendar month."""

    month: str  # YYYY-MM
    first: date  # the month's first day inside the period
    last: date  # the month's last day inside the period
    days_covered: int  # days of first..last on which the leader held the district
    days_in_month: int
    contacts: int
    required: int
    status: str  # met | short | pending | not_tracked
    visits: tuple[str, ...]  # ids of the counted visits
    ended: bool  # the calendar month ended before the as-of date (its figure is final)
    # A sealed month (official.py): contacts/required/status are the manifest's official figures,
    # `visits` the sealed ones, and `after_seal` the visits added since (封存后补录), not counted.
    sealed: bool = False
    after_seal: tuple[str, ...] = ()
    # Counted because the district's responsible leader was present (陪同, issue 15.2).
    joint: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DistrictFigure:
    district: str
    district_id: str
    months: tuple[MonthFigure, ...]

    @property
    def contacts(self) -> int:
        return sum(m.contacts for m in self.months)

    @property
    def required(self) -> int:
        return sum(m.required for m in self.months)

    @property
    def status(self) -> str:
        return worst(m.status for m in self.months)

    @property
    def after_seal(self) -> int:
        return sum(len(m.after_seal) for m in self.months)


@dataclass(frozen=True, slots=True)
class RectificationFigures:
    """Item ids behind each number at the snapshot date."""

    open: tuple[str, ...] = ()  # opened on or before the snapshot, not closed then (overdue too)
    overdue: tuple[str, ...] = ()
    due_soon: tuple[str, ...] = ()
    closed_on_time: tuple[str, ...] = ()  # closed within the period, up to the snapshot
    closed_late: tuple[str, ...] = ()
    # Issue 15.4 (回访): items closed within the period by the latest return visit's satisfaction
    # (满意 | 基本满意 | 不满意 | none yet), and every item closed at the snapshot whose latest
    # return visit found the entity 不满意 (it needs a follow-up).
    satisfaction: tuple[tuple[str, tuple[str, ...]], ...] = ()
    needs_followup: tuple[str, ...] = ()

    def satisfaction_counts(self) -> dict[str, int]:
        found = dict(self.satisfaction)
        return {key: len(found.get(key, ())) for key in SATISFACTION_KEYS}

    def counts(self) -> dict[str, int]:
        return {
            "open": len(self.open),
            "overdue": len(self.overdue),
            "closed_on_time": len(self.closed_on_time),
            "closed_late": len(self.closed_late),
            "due_soon": len(self.due_soon),
        }

    def ids(self) -> dict[str, list[str]]:
        return {
            "open": list(self.open),
            "overdue": list(self.overdue),
            "closed_on_time": list(self.closed_on_time),
            "closed_late": list(self.closed_late),
            "due_soon": list(self.due_soon),
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    """Measure 17 (考核) material for one leader over the period."""

    months_met: int  # months (ended before the as-of date) in which every district was met
    months_assessed: int  # months of the period held by the leader that ended before as-of
    contacts: int
    closed_on_time: int
    closed_late: int
    on_time_rate: float | None  # closed_on_time / all closures in the period; None if none
    late_entries: int
    # Issue 15.4: closures of the period by the return visit's satisfaction, and items needing
    # a follow-up (closed, latest return visit 不满意).
    satisfaction: dict[str, int] = field(default_factory=dict)
    needs_followup: int = 0


@dataclass(frozen=True, slots=True)
class LeaderFigure:
    leader: str
    title: str
    districts: tuple[DistrictFigure, ...]
    rectifications: RectificationFigures
    late_entries: tuple[str, ...]  # ids of counted visits recorded late (补录)
    post_seal_entries: tuple[str, ...]  # ids of counted visits carrying a late_reason

    @property
    def contacts(self) -> int:
        return sum(d.contacts for d in self.districts)

    @property
    def status(self) -> str:
        return worst(d.status for d in self.districts)

    @property
    def after_seal(self) -> tuple[str, ...]:
        """Ids of visits added to a sealed month after sealing: shown, not counted."""
        return tuple(i for d in self.districts for m in d.months for i in m.after_seal)

    def month_status(self, month: str) -> str | None:
        """The leader's status in one month (worst of their districts), None if none held."""
        found = [m.status for d in self.districts for m in d.months if m.month == month]
        return worst(found) if found else None

    @property
    def assessment(self) -> Assessment:
        """Months are assessed once they have ended (before the as-of date): a month still under
        way is left out for every leader alike, even where it is already met; so is a month no
        district of which was tracked. One pass over the month figures (grouped by month), so a
        long period costs linear time, not quadratic."""
        by_month: dict[str, list[str]] = defaultdict(list)
        for district in self.districts:
            for month in district.months:
                if month.ended:
                    by_month[month.month].append(month.status)
        assessed = [
            worst(statuses)
            for statuses in by_month.values()
            if any(status != NOT_TRACKED for status in statuses)
        ]
        on_time, late = (
            len(self.rectifications.closed_on_time),
            len(self.rectifications.closed_late),
        )
        return Assessment(
            months_met=sum(1 for s in assessed if s == MET),
            months_assessed=len(assessed),
            contacts=self.contacts,
            closed_on_time=on_time,
            closed_late=late,
            on_time_rate=round(on_time / (on_time + late), 4) if on_time + late else None,
            late_entries=len(self.late_entries),
            satisfaction=self.rectifications.satisfaction_counts(),
            needs_followup=len(self.rectifications.needs_followup),
        )


@dataclass(frozen=True, slots=True)
class StrayVisit:
    """A non-void visit in the period that counts for nobody: its leader was not responsible for
    the district on its date (`responsible` is who was, None if nobody was)."""

    id: str
    date: date
    district: str
    district_id: str
    leader: str
    responsible: str | None
    # Why it counts for nobody (counting.REASONS): the leader was not responsible (always so
    # before rules were data), or the rule in force leaves its mode or a same-day repeat out.
    reason: str = NOT_RESPONSIBLE


@dataclass(frozen=True, slots=True)
class BureauPart:
    """What belongs to no leader row: never dropped, shown bureau-wide."""

    visits_not_counted: tuple[StrayVisit, ...] = ()
    rectifications: RectificationFigures = field(default_factory=RectificationFigures)
    void_visits: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SealedMonth:
    """A month whose official figures come from its manifest (official.py)."""

    month: str  # YYYY-MM
    version: int
    sealed_by: str
    sealed_at: datetime


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    as_of: date
    snapshot: date
    minimum_per_month: int
    late_grace_days: int
    leaders: tuple[LeaderFigure, ...]
    bureau: BureauPart
    leader_filter: str | None = None
    # Files skipped while loading (path:line, a language-free code and the message, translated
    # only when shown: `str(problem)` is the `path:line: message` line).
    problems: tuple[Problem, ...] = ()
    known_on: date | None = None  # the day whose knowledge the report reproduces (knowledge.py)
    tracking_start: str | None = None  # YYYY-MM; earlier months are not tracked
    sealed_months: tuple[SealedMonth, ...] = ()  # months shown with their official figures
    # Measure 14's rule each month of the period was counted under (issue 15.1), and who each
    # visit counted for and why (counting.decide), for --explain.
    rules: tuple[tuple[str, CountingRule], ...] = ()
    decisions: tuple[Decision, ...] = ()
    # Visit id → (entity id, registered name) for the visits whose entity is in the register
    # (issue 14.5): `--explain` names who was served. Filled by the CLI, which reads the register.
    entities: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, int]:
        statuses = [leader.status for leader in self.leaders]
        return {
            "leaders": len(self.leaders),
            "met": statuses.count(MET),
            "short": statuses.count(SHORT),
            "pending": statuses.count(PENDING),
            "contacts": sum(leader.contacts for leader in self.leaders),
            "visits_not_counted": len(self.bureau.visits_not_counted),
        }

    @property
    def not_tracked(self) -> int:
        """Leaders none of whose months in the period is tracked yet (tracking_start)."""
        return sum(1 for leader in self.leaders if leader.status == NOT_TRACKED)

    def summary_counts(self) -> dict[str, int]:
        """`summary` and `not_tracked`: the summary every reader of a report receives (the JSON
        view and the figures kept with a sealed month)."""
        counts = dict(self.summary)
        counts["not_tracked"] = self.not_tracked  # added after the first release: keys only grow
        return counts

    def month_labels(self) -> list[str]:
        return [f"{year:04d}-{month:02d}" for year, month in self.period.months()]


def worst(statuses: Iterable[str]) -> str:
    """short > pending > met (an empty set is met); months not tracked count only when no
    month is tracked."""
    found = set(statuses)
    if found == {NOT_TRACKED}:
        return NOT_TRACKED
    if SHORT in found:
        return SHORT
    if PENDING in found:
        return PENDING
    return MET


# -- the computation -------------------------------------------------------------------------


def _overlap(first: date, last: date, assignment: Assignment) -> int:
    start = max(first, assignment.start)
    end = last if assignment.end is None else min(last, assignment.end)
    return max(0, (end - start).days + 1)


def required_contacts(minimum: int, covered: int, days_in_month: int) -> int:
    """ceil(minimum × covered ÷ days_in_month) in exact integer arithmetic."""
    return -(-minimum * covered // days_in_month)


def is_late_entry(visit: Visit, grace_days: int) -> bool:
    """Recorded (Asia/Shanghai date) more than `grace_days` after the end of the visit's month."""
    if visit.recorded_at is None:
        return False
    month_end = month_bounds(visit.date.year, visit.date.month)[1]
    recorded = visit.recorded_at.astimezone(SHANGHAI).date()
    return (recorded - month_end).days > grace_days


def _rectification_figures(
    items: list[Rectification], period: Period, snapshot: date, due_soon_days: int
) -> RectificationFigures:
    lists: dict[str, list[str]] = defaultdict(list)
    for item in sorted(items, key=lambda i: (i.opened, i.id)):
        state = state_at(item, snapshot, due_soon_days=due_soon_days)
        if state is None:
            continue
        if state.status == CLOSED:
            satisfaction = satisfaction_at(item, snapshot)
            if satisfaction == UNSATISFIED:
                lists["needs_followup"].append(item.id)
            if state.closed is not None and period.first <= state.closed <= snapshot:
                lists["closed_late" if state.closed_late else "closed_on_time"].append(item.id)
                lists[SATISFACTION_KEY.get(satisfaction or "", NO_FOLLOWUP)].append(item.id)
            continue
        lists["open"].append(item.id)
        if state.status == OVERDUE:
            lists["overdue"].append(item.id)
        elif state.due_soon:
            lists["due_soon"].append(item.id)
    return RectificationFigures(
        open=tuple(lists["open"]),
        overdue=tuple(lists["overdue"]),
        due_soon=tuple(lists["due_soon"]),
        closed_on_time=tuple(lists["closed_on_time"]),
        closed_late=tuple(lists["closed_late"]),
        satisfaction=tuple((key, tuple(lists[key])) for key in SATISFACTION_KEYS),
        needs_followup=tuple(lists["needs_followup"]),
    )


def _days_held(first: date, last: date, entries: Iterable[Assignment]) -> int:
    """Days of first..last on which at least one of `entries` was in force (a leader holding two
    districts at once holds the month once, for `per: leader_month`)."""
    days: set[int] = set()
    for entry in entries:
        start = max(first, entry.start)
        end = last if entry.end is None else min(last, entry.end)
        days.update(range(start.toordinal(), end.toordinal() + 1))
    return len(days)


def compute(
    dataset: Dataset,
    period: Period,
    as_of: date,
    *,
    leader: str | None = None,
    sealed_rules: Mapping[str, CountingRule] | None = None,
) -> Report:
    """The compliance report for `period` as of `as_of` (optionally one leader only).

    `dataset` must hold at least the visits of the period's months and all rectifications
    (`loader.load(root, months=period.months())`). Leaders come in the order of the
    responsibility table; a leader appears if they held any district on any day of the period.
    Each month is counted under measure 14's rule in force on its first day, or, for a sealed
    month, the rule it was sealed under (`sealed_rules`, by YYYY-MM): a later rule never moves it.
    """
    policy = dataset.policy
    book: RuleBook = dataset.rule_book
    sealed_rules = sealed_rules or {}

    # Asked once per visit (counting.decide) and per leader-district-month: each month's rule
    # is looked up (seal manifest, then the rule book) once, not formatted and scanned every time.
    rules: dict[tuple[int, int], CountingRule] = {}

    def rule_of(year: int, month: int) -> CountingRule:
        found = rules.get((year, month))
        if found is None:
            key = f"{year:04d}-{month:02d}"
            found = rules[(year, month)] = sealed_rules.get(key) or book.for_month(year, month)
        return found

    snapshot = period.snapshot(as_of)
    in_force = max(snapshot, period.first)  # an as-of day before the period: its first month
    minimum = rule_of(in_force.year, in_force.month).minimum
    grace = dataset.config.late_grace_days
    tracked_from = dataset.config.tracking_month

    # Who held what in the period: leader → district → their entries for it.
    held: dict[str, dict[str, list[Assignment]]] = defaultdict(lambda: defaultdict(list))
    for entry in policy.assignments:
        if _overlap(period.first, period.last, entry) > 0:
            held[entry.leader][entry.district_id].append(entry)

    counted: dict[tuple[str, str, str], list[Visit]] = defaultdict(list)
    joint: set[str] = set()
    strays: list[StrayVisit] = []
    voids: list[str] = []
    live: list[Visit] = []
    for visit in sorted(dataset.visits, key=lambda v: (v.date, v.id)):
        if not (period.first <= visit.date <= snapshot):
            continue
        if visit.is_void:
            if leader is None or visit.leader == leader:
                voids.append(visit.id)
            continue
        live.append(visit)
    decisions = []
    for decision in decide(
        live, policy, lambda day: rule_of(day.year, day.month), dataset.register
    ):
        visit = decision.visit
        # With --leader: the visits he led, and those that count for him as present (陪同).
        if leader is not None and leader not in (visit.leader, decision.leader):
            continue
        decisions.append(decision)
        if decision.leader is not None:
            counted[(decision.leader, visit.district_id, f"{visit.date:%Y-%m}")].append(visit)
            if decision.role != LEAD:
                joint.add(visit.id)
        else:
            strays.append(
                StrayVisit(
                    visit.id,
                    visit.date,
                    visit.district,
                    visit.district_id,
                    visit.leader,
                    decision.responsible,
                    decision.reason or NOT_RESPONSIBLE,
                )
            )

    items_of: dict[str | None, list[Rectification]] = defaultdict(list)
    for item in dataset.rectifications:
        items_of[leader_of(item, policy)].append(item)

    leaders: list[LeaderFigure] = []
    for name in policy.leaders:
        if name not in held or (leader is not None and name != leader):
            continue
        districts = []
        late: list[str] = []
        post_seal: list[str] = []
        pooled = _pooled_requirements(
            name, held[name], counted, period, rule_of, policy.district_ids
        )
        for district_id in policy.district_ids:
            entries = held[name].get(district_id)
            if not entries:
                continue
            months = []
            for year, month in period.months():
                month_first, month_last = month_bounds(year, month)
                first, last = max(month_first, period.first), min(month_last, period.last)
                covered = sum(_overlap(first, last, entry) for entry in entries)
                if covered == 0:
                    continue
                key = f"{year:04d}-{month:02d}"
                visits = counted.get((name, district_id, key), [])
                days_in_month = calendar.monthrange(year, month)[1]
                rule = rule_of(year, month)
                if rule.per == PER_LEADER:
                    required = pooled[(key, district_id)]
                else:
                    required = rule.required(covered, days_in_month)
                if tracked_from is not None and (year, month) < tracked_from:
                    # Before tracking started nothing was required of anyone: shown, not judged.
                    required, status = 0, NOT_TRACKED
                elif len(visits) >= required:
                    status = MET
                elif month_last < as_of:
                    status = SHORT
                else:
                    status = PENDING
                months.append(
                    MonthFigure(
                        key,
                        first,
                        last,
                        covered,
                        days_in_month,
                        len(visits),
                        required,
                        status,
                        tuple(v.id for v in visits),
                        month_last < as_of,
                        joint=tuple(v.id for v in visits if v.id in joint),
                    )
                )
                late += [v.id for v in visits if is_late_entry(v, grace)]
                post_seal += [v.id for v in visits if v.late_reason]
            districts.append(DistrictFigure(entries[0].district, district_id, tuple(months)))
        leaders.append(
            LeaderFigure(
                leader=name,
                title=policy.title_of(name, snapshot),
                districts=tuple(districts),
                rectifications=_rectification_figures(
                    items_of.get(name, []), period, snapshot, dataset.config.due_soon_days
                ),
                late_entries=tuple(late),
                post_seal_entries=tuple(post_seal),
            )
        )

    # Items nobody in the report answers for: no district, nobody responsible on the opened
    # date, or a leader who held no district in the period. With --leader, only that leader's.
    shown = {figure.leader for figure in leaders}
    orphans = [
        item
        for owner, items in items_of.items()
        if owner not in shown and (leader is None or owner == leader)
        for item in items
    ]
    bureau = BureauPart(
        visits_not_counted=tuple(strays),
        rectifications=_rectification_figures(
            orphans, period, snapshot, dataset.config.due_soon_days
        ),
        void_visits=tuple(voids),
    )
    return Report(
        period=period,
        as_of=as_of,
        snapshot=snapshot,
        minimum_per_month=minimum,
        late_grace_days=grace,
        leaders=tuple(leaders),
        bureau=bureau,
        leader_filter=leader,
        problems=tuple(dataset.problems),
        known_on=dataset.known_on,
        tracking_start=dataset.config.tracking_start,
        rules=tuple(
            (f"{year:04d}-{month:02d}", rule_of(year, month)) for year, month in period.months()
        ),
        decisions=tuple(decisions),
    )


def _pooled_requirements(
    name: str,
    entries_by_district: Mapping[str, list[Assignment]],
    counted: Mapping[tuple[str, str, str], list[Visit]],
    period: Period,
    rule_of: Callable[[int, int], CountingRule],
    district_ids: list[str],
) -> dict[tuple[str, str], int]:
    """For months counted `per: leader_month`: the leader's requirement for the month (the
    minimum pro-rated over the days he held any district), split over his district rows
    (counting_rule.allocate) so that each row still adds up. (month, district id) → required."""
    result: dict[tuple[str, str], int] = {}
    for year, month in period.months():
        rule = rule_of(year, month)
        if rule.per != PER_LEADER:
            continue
        month_first, month_last = month_bounds(year, month)
        first, last = max(month_first, period.first), min(month_last, period.last)
        key = f"{year:04d}-{month:02d}"
        rows = []
        for district_id in district_ids:
            entries = entries_by_district.get(district_id)
            if not entries:
                continue
            covered = sum(_overlap(first, last, entry) for entry in entries)
            if covered:
                contacts = len(counted.get((name, district_id, key), []))
                rows.append((district_id, contacts, covered))
        if not rows:
            continue
        held = _days_held(first, last, [e for d, _c, _v in rows for e in entries_by_district[d]])
        total = rule.required(held, calendar.monthrange(year, month)[1])
        shares = allocate(total, [(contacts, covered) for _d, contacts, covered in rows])
        for (district_id, _contacts, _covered), share in zip(rows, shares, strict=True):
            result[(key, district_id)] = share
    return result


# -- what is still due this month ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DueDistrict:
    leader: str
    title: str
    district: str
    district_id: str
    contacts: int
    required: int
    visits: tuple[str, ...]

    @property
    def missing(self) -> int:
        return self.required - self.contacts


@dataclass(frozen=True, slots=True)
class DueItem:
    """A rectification item overdue or due soon on the as-of date."""

    id: str
    problem: str
    district: str | None
    leader: str | None
    department: str
    owner: str
    deadline: date
    status: str  # overdue | due_soon
    days: int  # overdue: days past the deadline; due_soon: days until it (0 = today)


@dataclass(frozen=True, slots=True)
class DueReport:
    as_of: date
    month: str
    days_left: int  # as_of to month end, both included
    working_days_left: int
    calendar: str  # chinese_calendar | weekdays
    minimum_per_month: int
    districts: tuple[DueDistrict, ...]
    items: tuple[DueItem, ...]
    leader_filter: str | None = None
    problems: tuple[Problem, ...] = ()
    known_on: date | None = None
    # Closed items whose latest return visit found the entity 不满意 (issue 15.4): status
    # `followup`, `days` since that return visit.
    followups: tuple[DueItem, ...] = ()


def due(dataset: Dataset, as_of: date, *, leader: str | None = None) -> DueReport:
    """What is still needed in `as_of`'s month: each leader × district below its requirement so
    far, and every rectification item overdue or due soon on `as_of`.

    `dataset` must hold the visits of that month and all rectifications.
    """
    from wkb_tracker.domain.workdays import left_in_month

    first, last = month_bounds(as_of.year, as_of.month)
    report = compute(dataset, make_period(first, last, MONTH), as_of, leader=leader)
    rows = [
        DueDistrict(
            figure.leader,
            figure.title,
            district.district,
            district.district_id,
            month.contacts,
            month.required,
            month.visits,
        )
        for figure in report.leaders
        for district in figure.districts
        for month in district.months
        if month.contacts < month.required
    ]
    items: list[DueItem] = []
    followups: list[DueItem] = []
    for item in dataset.rectifications:
        owner = leader_of(item, dataset.policy)
        if leader is not None and owner != leader:
            continue
        state = state_at(item, as_of, due_soon_days=dataset.config.due_soon_days)
        if state is not None and state.status == CLOSED and needs_followup(item, as_of):
            followups.append(_due_item(item, owner, state.deadline, "followup", as_of))
        if state is None or state.status == CLOSED:
            continue
        if state.status == OVERDUE:
            items.append(_due_item(item, owner, state.deadline, "overdue", as_of))
        elif state.due_soon:
            items.append(_due_item(item, owner, state.deadline, "due_soon", as_of))
    items.sort(key=lambda i: (i.status != "overdue", i.deadline, i.id))
    left = left_in_month(as_of)
    return DueReport(
        as_of=as_of,
        month=f"{as_of:%Y-%m}",
        days_left=left.days,
        working_days_left=left.working_days,
        calendar=left.calendar,
        minimum_per_month=report.minimum_per_month,
        districts=tuple(rows),
        items=tuple(items),
        followups=tuple(sorted(followups, key=lambda i: i.id)),
        leader_filter=leader,
        problems=report.problems,
        known_on=dataset.known_on,
    )


def _due_item(
    item: Rectification, owner: str | None, deadline: date, status: str, as_of: date
) -> DueItem:
    days = (as_of - deadline).days if status == "overdue" else (deadline - as_of).days
    if status == "followup":  # closed: its deadline no longer counts down
        days = 0
    return DueItem(
        item.id,
        item.problem,
        item.district,
        owner,
        item.department,
        item.owner,
        deadline,
        status,
        days,
    )


def month_of(day: date) -> Period:
    first, last = month_bounds(day.year, day.month)
    return make_period(first, last, MONTH)
