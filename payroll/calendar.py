"""Pay calendar (pure): US banking holidays from data, pay periods and pay dates moved off weekends and holidays."""
from __future__ import annotations

import calendar as _cal
import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from backoffice.dates import parse_date
from backoffice.errors import DomainError
from backoffice.periods import PayFrequency, Period, next_period, period_containing, previous_business_day

HOLIDAYS_FILE = Path(__file__).with_name("data") / "bank_holidays.json"


@lru_cache(maxsize=1)
def _holiday_data() -> dict:
    return json.loads(HOLIDAYS_FILE.read_text())


def holiday_source() -> str:
    return _holiday_data()["source"]


def bank_holidays(year: int) -> dict[date, str]:
    """Days the Federal Reserve Banks are closed in `year` (observed dates) -> holiday name."""
    rows = _holiday_data()["years"].get(str(year))
    if rows is None:
        raise DomainError(f"no US banking-holiday calendar for {year} in {HOLIDAYS_FILE.name}",
                          code="no_holiday_calendar")
    return {parse_date(r["observed"]): r["name"] for r in rows if r["observed"]}


def holidays_between(start: date, end: date) -> frozenset[date]:
    days: set[date] = set()
    for year in range(start.year, end.year + 1):
        days.update(d for d in bank_holidays(year) if start <= d <= end)
    return frozenset(days)


def pay_date_for(period_end: date, lag_days: int) -> date:
    """`lag_days` after the period end, moved back to the previous banking day (weekend or holiday)."""
    target = period_end + timedelta(days=lag_days)
    holidays = holidays_between(target - timedelta(days=14), target)
    return previous_business_day(target, holidays)


@dataclass(frozen=True)
class ScheduledPeriod:
    """One pay period of a schedule with its pay date (and the unadjusted date when it was moved)."""

    period: Period
    pay_date: date
    unadjusted: date

    @property
    def moved(self) -> bool:
        return self.pay_date != self.unadjusted


def schedule_periods(frequency: str, anchor_start: date, lag_days: int, start: date, end: date
                     ) -> list[ScheduledPeriod]:
    """Every period of the schedule whose pay date falls in [start, end]."""
    freq = PayFrequency(frequency)
    period = period_containing(freq, anchor_start, start - timedelta(days=lag_days + 31))
    out = []
    while True:
        unadjusted = period.end + timedelta(days=lag_days)
        pay = pay_date_for(period.end, lag_days)
        if pay > end and unadjusted > end:
            break
        if start <= pay <= end:
            out.append(ScheduledPeriod(period, pay, unadjusted))
        period = next_period(freq, anchor_start, period)
    return out


@lru_cache(maxsize=512)
def schedule_periods_cached(frequency: str, anchor_start: date, lag_days: int, start: date, end: date
                            ) -> tuple[ScheduledPeriod, ...]:
    """schedule_periods as a tuple, remembered per process: a pure function of its arguments (the holidays are
    the shipped calendar), asked on every portal home for the next pay date (issue 18 point 5)."""
    return tuple(schedule_periods(frequency, anchor_start, lag_days, start, end))


def period_for(frequency: str, anchor_start: date, day: date) -> Period:
    return period_containing(PayFrequency(frequency), anchor_start, day)


@dataclass(frozen=True)
class CalendarDay:
    day: date | None              # None: padding before the 1st / after the last day
    holiday: str = ""
    pay_dates: tuple[str, ...] = ()   # schedule names paying that day
    weekend: bool = False


def month_grid(year: int, month: int, pay_dates: dict[date, list[str]]) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of one month for the HR calendar view: holidays and pay dates marked."""
    holidays = bank_holidays(year)
    weeks = []
    for week in _cal.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for d in week:
            if d.month != month:
                row.append(CalendarDay(None))
            else:
                row.append(CalendarDay(d, holidays.get(d, ""), tuple(pay_dates.get(d, ())), d.weekday() >= 5))
        weeks.append(row)
    return weeks


def banking_day_on_or_after(d: date) -> date:
    """`d` itself when banks are open, else the next banking day (ACH effective dates)."""
    holidays = holidays_between(d, d + timedelta(days=14))
    while d.weekday() >= 5 or d in holidays:
        d += timedelta(days=1)
    return d
