"""Days and working days left in a month, for `wkb due`.

Working days follow the Chinese statutory holiday calendar (法定节假日 and make-up working days,
调休) from the `chinese_calendar` package when it has data for every year asked about; otherwise
plain Monday–Friday. The answer always says which calendar was used, since the two can differ by
several days around Spring Festival and National Day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from wkb_tracker.domain.dates import month_bounds

CHINESE_CALENDAR = "chinese_calendar"
WEEKDAYS = "weekdays"


@dataclass(frozen=True, slots=True)
class DaysLeft:
    """From a day to the end of its month, both included: calendar days and working days."""

    first: date
    last: date
    days: int
    working_days: int
    calendar: str  # chinese_calendar | weekdays


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def _weekday_count(days: list[date]) -> int:
    return sum(1 for day in days if day.weekday() < 5)


def working_days(first: date, last: date) -> tuple[int, str]:
    """(working days in first..last inclusive, calendar used). 0 when last < first.

    Uses `chinese_calendar` when it knows every year of the range; plain weekdays when it does not
    (or is not installed). Never raises for a year outside the package's data.
    """
    days = _days(first, last) if last >= first else []
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - it is a declared dependency
        return _weekday_count(days), WEEKDAYS
    try:
        count = sum(1 for day in days if chinese_calendar.is_workday(day))
        if not days:  # still ask about the year, so an empty range names the right calendar
            chinese_calendar.is_workday(first)
    except NotImplementedError:  # "no available data for year ..."
        return _weekday_count(days), WEEKDAYS
    return count, CHINESE_CALENDAR


def covered_years() -> tuple[int, int] | None:
    """(first, last) year the installed `chinese_calendar` has holiday data for; None without it.
    For a later year `wkb due` falls back to weekdays: a newer chinesecalendar release adds it."""
    try:
        from chinese_calendar import constants
    except ImportError:  # pragma: no cover - it is a declared dependency
        return None
    years = {day.year for day in constants.holidays} | {day.year for day in constants.workdays}
    return (min(years), max(years)) if years else None


def left_in_month(as_of: date) -> DaysLeft:
    """Days left in `as_of`'s month, counting `as_of` itself (a contact today still counts)."""
    last = month_bounds(as_of.year, as_of.month)[1]
    count, calendar = working_days(as_of, last)
    return DaysLeft(as_of, last, (last - as_of).days + 1, count, calendar)
