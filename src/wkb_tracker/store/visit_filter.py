"""Which visits a list shows: `wkb visit list`'s options as a filter (period, leader, district,
type), the month folders it needs, and the order rows are shown in.

Apart from store/visits.py so that `wkb visit add`, which filters nothing, does not build it
(every frozen dataclass costs start-up time; `visit add` is typed many times a day).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from wkb_tracker.domain import dates
from wkb_tracker.domain.errors import UserError
from wkb_tracker.domain.i18n import say
from wkb_tracker.domain.model import Visit
from wkb_tracker.domain.policy import Policy
from wkb_tracker.domain.visit_rules import resolve_type


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
