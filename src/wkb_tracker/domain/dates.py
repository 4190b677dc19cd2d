"""Dates as clerks type them, and the bureau's clock (Asia/Shanghai).

China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact and needs no
time-zone database (Windows desk machines often have none).

Every date wkb accepts lies in FIRST_DAY..LAST_DAY (2000-01-01..2100-12-31): options, terms,
the WKB_TODAY / WKB_NOW clock, and the dates and timestamps in record files (checked by
`schema`). The notice dates from 2021, so the range holds every real record with room to spare,
and it keeps all of wkb's date arithmetic (a term of 9999 months, a zone offset, a due-soon
window) far inside what Python's dates can hold (years 1..9999): nothing overflows.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta, timezone

from wkb_tracker.domain.errors import UserError
from wkb_tracker.domain.i18n import say

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

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
# A report covers at most this many calendar months (50 years): its work and output grow with
# the months, so a slip of the finger (--to 9999-12-31) is refused rather than left to run.
MAX_PERIOD_MONTHS = 600

DATE_FORMS = (
    "2026-11-03, 2026-11-3, 2026/11/3, 2026.11.3, 2026年11月3日, today, yesterday, 今天, 昨天"
)


def now() -> datetime:
    """The current time in Asia/Shanghai (WKB_NOW / WKB_TODAY pin it, for tests and audits).
    Refuses a pinned value that is not an ISO date/time in the accepted range."""
    pinned = os.environ.get("WKB_NOW")
    if pinned:
        stamp = _pinned("WKB_NOW", pinned, "YYYY-MM-DDTHH:MM:SS+08:00")
        return stamp.astimezone(SHANGHAI) if stamp.tzinfo else stamp.replace(tzinfo=SHANGHAI)
    pinned_day = os.environ.get("WKB_TODAY")
    if pinned_day:
        day = _pinned("WKB_TODAY", pinned_day, "YYYY-MM-DD")
        return datetime(day.year, day.month, day.day, 12, 0, tzinfo=SHANGHAI)
    return datetime.now(SHANGHAI).replace(microsecond=0)


def _pinned(name: str, text: str, form: str) -> datetime:
    """An environment variable's date or time, or a one-line UserError naming it and the form."""
    try:
        value: datetime | None = datetime.fromisoformat(text.strip())
    except ValueError:
        value = None
    if value is not None and in_range(value):
        return value
    raise UserError(
        say(
            "环境变量 {name} 无效:{text!r}。请写作 {form}(日期在 {a} 至 {b} 之间),或不设置",
            "environment variable {name} is invalid: {text!r}. Write {form} (a date from {a} to {b}), or unset it",
            name=name,
            text=text,
            form=form,
            a=FIRST_DAY,
            b=LAST_DAY,
        )
    )


def in_range(value: date) -> bool:
    """Whether a date (or a timestamp's own calendar day) lies in FIRST_DAY..LAST_DAY. For a
    timestamp the day is taken as written, before any zone conversion: converting one near the
    limits of Python's dates is exactly what would overflow."""
    day = value.date() if isinstance(value, datetime) else value
    return FIRST_DAY <= day <= LAST_DAY


def check_range(day: date, *, field: str, text: str | None = None) -> date:
    """`day` if it lies in the accepted range, else a UserError naming the field and the range."""
    if in_range(day):
        return day
    raise UserError(out_of_range_message(field, text if text is not None else day.isoformat()))


def out_of_range_message(field: str, text: str) -> str:
    return say(
        "{field} {text} 超出可用日期范围({a} 至 {b})",
        "{field} {text} is outside the accepted dates ({a} to {b})",
        field=field,
        text=text,
        a=FIRST_DAY,
        b=LAST_DAY,
    )


def today() -> date:
    return now().date()


def iso_groups(text: str) -> tuple[str, ...] | None:
    """`2026-11-03` — the form nearly every date is typed in — split as _NUMERIC splits it, read
    without that regex: its classes holding 年 and 月 take ~0.4 ms to compile, a share of `wkb
    visit add`'s start-up. None for anything else (then _NUMERIC decides)."""
    if len(text) == 10 and text[4] == text[7] == "-" and text.isascii():
        groups = (text[:4], text[5:7], text[8:])
        if all(part.isdigit() for part in groups):
            return groups
    return None


def parse_date(
    text: str, *, field: str = "--date", reference: date | None = None, bounded: bool = True
) -> date:
    """Parse one of DATE_FORMS; refuse anything else, or a date outside FIRST_DAY..LAST_DAY,
    with a message naming the field. `bounded=False` only to name a date already written
    somewhere (to find and withdraw it), never for a date that is stored or computed with."""
    cleaned = text.strip()
    offset = _RELATIVE_WORDS.get(cleaned.lower())
    if offset is not None:
        return check_range((reference or today()) - timedelta(days=offset), field=field)
    groups = iso_groups(cleaned)
    if groups is None:
        match = re.match(_NUMERIC, cleaned)
        groups = match.groups() if match else None
    if groups:
        year, month, day = (int(part) for part in groups)
        try:
            parsed = date(year, month, day)
        except ValueError:
            parsed = None
        if parsed is not None:
            return check_range(parsed, field=field) if bounded else parsed
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
    """A date, or an offset from `opened`: +30d, 30天, +2w, 2周, +1m, 1个月. Refuses a result
    outside FIRST_DAY..LAST_DAY (whatever `opened` is: the sum is never left to overflow)."""
    match = re.match(_OFFSET, text)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        try:
            if unit in ("d", "day", "days", "天", "日"):
                result = opened + timedelta(days=amount)
            elif unit in ("w", "week", "weeks", "周"):
                result = opened + timedelta(weeks=amount)
            else:
                result = add_months(opened, amount)
        except (OverflowError, ValueError):  # past year 9999
            raise UserError(out_of_range_message(field, f"{opened} {text.strip()}")) from None
        return check_range(result, field=field, text=f"{result} ({opened} {text.strip()})")
    if _looks_like_date(text):
        return parse_date(text, field=field)  # its own message, e.g. out of range
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


def _looks_like_date(text: str) -> bool:
    match = re.match(_NUMERIC, text.strip())
    if match is None:
        return False
    year, month, day = (int(part) for part in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def month_bounds(year: int, month: int) -> tuple[date, date]:
    import calendar  # here: `wkb visit add` never needs it (start-up time)

    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str, *, field: str = "--month") -> tuple[date, date]:
    """`2026-11` (also 2026/11, 2026年11月) → first and last day of that month."""
    match = re.match(_MONTH, text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and FIRST_DAY.year <= year <= LAST_DAY.year:
            return month_bounds(year, month)
        if 1 <= month <= 12:
            raise UserError(out_of_range_message(field, text.strip()))
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
        if not FIRST_DAY.year <= year <= LAST_DAY.year:
            raise UserError(out_of_range_message(field, text.strip()))
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
    if cleaned.isdigit() and len(cleaned) == 4:
        year = int(cleaned)
        if not FIRST_DAY.year <= year <= LAST_DAY.year:
            raise UserError(out_of_range_message(field, text.strip()))
        return date(year, 1, 1), date(year, 12, 31)
    raise UserError(
        say(
            "{field} 不是有效年份:{text!r}。请写作 YYYY,如 2026",
            "{field} is not a valid year: {text!r}. Write YYYY, e.g. 2026",
            field=field,
            text=text,
        )
    )


def check_period(first: date, last: date, *, field: str = "--from/--to") -> None:
    """Refuses a period that ends before it starts, or covers more than MAX_PERIOD_MONTHS
    calendar months."""
    if last < first:
        raise UserError(
            say(
                "{field}:结束日 {t} 早于起始日 {f}",
                "{field}: {t} is before {f}",
                field=field,
                t=last,
                f=first,
            )
        )
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if months > MAX_PERIOD_MONTHS:
        raise UserError(
            say(
                "统计期 {f} 至 {t} 跨 {n} 个月,超过上限 {m} 个月({y} 年);请分段统计",
                "the period {f} to {t} spans {n} months, more than the limit of {m} ({y} years); report it in parts",
                f=first,
                t=last,
                n=months,
                m=MAX_PERIOD_MONTHS,
                y=MAX_PERIOD_MONTHS // 12,
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
