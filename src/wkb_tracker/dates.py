"""Dates as clerks type them, and the bureau's clock (Asia/Shanghai).

China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact and needs no
time-zone database (Windows desk machines often have none).
"""

from __future__ import annotations

import calendar
import os
import re
from datetime import date, datetime, timedelta, timezone

from wkb_tracker.errors import UserError
from wkb_tracker.i18n import say

# Patterns are compiled on first use (re caches them): importing this module stays cheap.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

_NUMERIC = r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$"
_MONTH = r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$"
_QUARTER = r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$"
_RELATIVE_WORDS = {
    "today": 0,
    "今天": 0,
    "今日": 0,
    "yesterday": 1,
    "昨天": 1,
    "昨日": 1,
    "前天": 2,
}
_OFFSET = r"^\s*\+?\s*(\d{1,4})\s*(d|day|days|天|日|w|week|weeks|周|m|month|months|个月|月)\s*$"

DATE_FORMS = (
    "2026-11-03, 2026-11-3, 2026/11/3, 2026.11.3, 2026年11月3日, today, yesterday, 今天, 昨天"
)


def now() -> datetime:
    """The current time in Asia/Shanghai (WKB_NOW / WKB_TODAY pin it, for tests and audits)."""
    pinned = os.environ.get("WKB_NOW")
    if pinned:
        return datetime.fromisoformat(pinned).astimezone(SHANGHAI)
    pinned_day = os.environ.get("WKB_TODAY")
    if pinned_day:
        day = date.fromisoformat(pinned_day)
        return datetime(day.year, day.month, day.day, 12, 0, tzinfo=SHANGHAI)
    return datetime.now(SHANGHAI).replace(microsecond=0)


def today() -> date:
    return now().date()


def parse_date(text: str, *, field: str = "--date", reference: date | None = None) -> date:
    """Parse one of DATE_FORMS; refuse anything else with a message naming the field."""
    cleaned = text.strip()
    offset = _RELATIVE_WORDS.get(cleaned.lower())
    if offset is not None:
        return (reference or today()) - timedelta(days=offset)
    match = re.match(_NUMERIC, cleaned)
    if match:
        year, month, day = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise UserError(
        say(
            "{field} 不是有效日期:{text!r}。可用写法:{forms}",
            "{field} is not a valid date: {text!r}. Valid forms: {forms}",
            field=field,
            text=text,
            forms=DATE_FORMS,
        )
    )


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clipped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    from dateutil.relativedelta import relativedelta

    result: date = day + relativedelta(months=months)
    return result


def parse_deadline(text: str, *, opened: date, field: str = "--deadline") -> date:
    """A date, or an offset from `opened`: +30d, 30天, +2w, 2周, +1m, 1个月."""
    match = re.match(_OFFSET, text)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        if unit in ("d", "day", "days", "天", "日"):
            return opened + timedelta(days=amount)
        if unit in ("w", "week", "weeks", "周"):
            return opened + timedelta(weeks=amount)
        return add_months(opened, amount)
    try:
        return parse_date(text, field=field)
    except UserError:
        raise UserError(
            say(
                "{field} 无效:{text!r}。可写日期({forms})或期限(+30d、30天、+2w、1个月)",
                "{field} is invalid: {text!r}. Give a date ({forms}) or a term (+30d, 30天, +2w, 1个月)",
                field=field,
                text=text,
                forms=DATE_FORMS,
            )
        ) from None


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str, *, field: str = "--month") -> tuple[date, date]:
    """`2026-11` (also 2026/11, 2026年11月) → first and last day of that month."""
    match = re.match(_MONTH, text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and 1 <= year <= 9999:
            return month_bounds(year, month)
    raise UserError(
        say(
            "{field} 不是有效月份:{text!r}。请写作 YYYY-MM,如 2026-11",
            "{field} is not a valid month: {text!r}. Write YYYY-MM, e.g. 2026-11",
            field=field,
            text=text,
        )
    )


def parse_quarter(text: str, *, field: str = "--quarter") -> tuple[date, date]:
    match = re.match(_QUARTER, text)
    if match:
        year, quarter = int(match.group(1)), int(match.group(2))
        first = date(year, 3 * quarter - 2, 1)
        return first, month_bounds(year, 3 * quarter)[1]
    raise UserError(
        say(
            "{field} 不是有效季度:{text!r}。请写作 YYYY-Qn,如 2026-Q4",
            "{field} is not a valid quarter: {text!r}. Write YYYY-Qn, e.g. 2026-Q4",
            field=field,
            text=text,
        )
    )


def parse_year(text: str, *, field: str = "--year") -> tuple[date, date]:
    cleaned = text.strip().removesuffix("年")
    if cleaned.isdigit() and len(cleaned) == 4 and cleaned != "0000":
        year = int(cleaned)
        return date(year, 1, 1), date(year, 12, 31)
    raise UserError(
        say(
            "{field} 不是有效年份:{text!r}。请写作 YYYY,如 2026",
            "{field} is not a valid year: {text!r}. Write YYYY, e.g. 2026",
            field=field,
            text=text,
        )
    )


def months_between(first: date, last: date) -> list[tuple[int, int]]:
    """Every (year, month) touched by the closed interval first..last, in order."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
