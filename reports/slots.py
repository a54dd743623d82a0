"""When a scheduled report is due (pure: dates in, dates out, no clock): the latest due slot at a moment, the
next one, and the date range a slot's report covers.

A schedule runs daily, weekly on one weekday, or monthly on one day (31 means the month's last day in shorter
months), at an hour in UTC. A slot is the timezone-aware UTC moment it falls due; one report is sent per slot
(the database holds one run per schedule and slot). The report covers whole days before the slot's day: the day
of the slot itself is not over yet.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from backoffice.errors import Issue

FREQUENCIES = ("daily", "weekly", "monthly")
RANGES = ("previous_period", "month_to_date", "quarter_to_date", "year_to_date")
RANGE_WORDS = {"previous_period": "the previous day, week or month", "month_to_date": "month to date",
               "quarter_to_date": "quarter to date", "year_to_date": "year to date"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Cadence:
    frequency: str
    hour: int = 6
    weekday: int | None = None          # 0 Monday … 6 Sunday (weekly)
    day_of_month: int | None = None     # 1 … 31 (monthly; past the month's end: its last day)

    def words(self) -> str:
        at = f"{self.hour:02d}:00 UTC"
        if self.frequency == "weekly":
            return f"every {WEEKDAYS[self.weekday]} at {at}"
        if self.frequency == "monthly":
            return f"monthly on day {self.day_of_month} at {at}"
        return f"daily at {at}"


def check(c: Cadence) -> list[Issue]:
    """What is wrong with a cadence, field by field (empty when it can be scheduled)."""
    issues = []
    if c.frequency not in FREQUENCIES:
        issues.append(Issue("frequency", f"one of {', '.join(FREQUENCIES)}"))
    if not isinstance(c.hour, int) or not 0 <= c.hour <= 23:
        issues.append(Issue("hour", "an hour from 0 to 23 (UTC)"))
    if c.frequency == "weekly" and (c.weekday is None or not 0 <= c.weekday <= 6):
        issues.append(Issue("weekday", "a weekly schedule needs its weekday (Monday … Sunday)"))
    if c.frequency == "monthly" and (c.day_of_month is None or not 1 <= c.day_of_month <= 31):
        issues.append(Issue("day_of_month", "a monthly schedule needs its day, 1 to 31 (31: the last day)"))
    return issues


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


def _month_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _prev_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def latest_slot(c: Cadence, now: datetime) -> datetime:
    """The most recent moment the schedule fell due at or before `now` (timezone-aware UTC)."""
    now = now.astimezone(timezone.utc)
    today = now.date()
    if c.frequency == "daily":
        slot = _at(today, c.hour)
        return slot if slot <= now else slot - timedelta(days=1)
    if c.frequency == "weekly":
        slot = _at(today - timedelta(days=(today.weekday() - c.weekday) % 7), c.hour)
        return slot if slot <= now else slot - timedelta(days=7)
    if c.frequency == "monthly":
        slot = _at(_month_day(today.year, today.month, c.day_of_month), c.hour)
        if slot <= now:
            return slot
        y, m = _prev_month(today.year, today.month)
        return _at(_month_day(y, m, c.day_of_month), c.hour)
    raise ValueError(f"unknown frequency {c.frequency!r}")


def next_slot(c: Cadence, now: datetime) -> datetime:
    """The first moment the schedule falls due after `now`."""
    now = now.astimezone(timezone.utc)
    if c.frequency == "daily":
        return latest_slot(c, now) + timedelta(days=1)
    if c.frequency == "weekly":
        return latest_slot(c, now) + timedelta(days=7)
    last = latest_slot(c, now).date()
    y, m = (last.year + 1, 1) if last.month == 12 else (last.year, last.month + 1)
    return _at(_month_day(y, m, c.day_of_month), c.hour)


def due_slot(c: Cadence, now: datetime, not_before: datetime) -> datetime | None:
    """The slot to run now: the latest one, unless it fell before the schedule existed (`not_before`)."""
    slot = latest_slot(c, now)
    return slot if slot >= not_before else None


def slot_range(c: Cadence, range_kind: str, slot: datetime) -> tuple[date, date]:
    """The days (inclusive) a slot's report covers, ending the day before the slot's day.

    previous_period: daily → that one day; weekly → the seven days before; monthly → the whole previous calendar
    month. month/quarter/year_to_date: from the first day of the month/quarter/year of the last day covered."""
    end = slot.astimezone(timezone.utc).date() - timedelta(days=1)
    if range_kind == "previous_period":
        if c.frequency == "daily":
            return end, end
        if c.frequency == "weekly":
            return end - timedelta(days=6), end
        day = slot.astimezone(timezone.utc).date()
        y, m = _prev_month(day.year, day.month)
        return date(y, m, 1), _month_day(y, m, 31)
    if range_kind == "month_to_date":
        return end.replace(day=1), end
    if range_kind == "quarter_to_date":
        return date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end
    if range_kind == "year_to_date":
        return date(end.year, 1, 1), end
    raise ValueError(f"unknown range {range_kind!r}")
