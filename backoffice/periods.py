"""Pay frequencies and pay periods: dates only, no clock (today is always passed in)."""
from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date, timedelta


class PayFrequency(str, enum.Enum):
    DAILY = "daily"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    SEMIMONTHLY = "semimonthly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"

    @property
    def periods_per_year(self) -> int:
        """Pay periods per year, as in the table printed with Pub 15-T Worksheet 1A."""
        return _PERIODS[self]


_PERIODS = {
    PayFrequency.DAILY: 260,
    PayFrequency.WEEKLY: 52,
    PayFrequency.BIWEEKLY: 26,
    PayFrequency.SEMIMONTHLY: 24,
    PayFrequency.MONTHLY: 12,
    PayFrequency.QUARTERLY: 4,
    PayFrequency.SEMIANNUAL: 2,
    PayFrequency.ANNUAL: 1,
}


@dataclass(frozen=True)
class Period:
    """An inclusive date range."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period end {self.end} is before its start {self.start}")

    def __contains__(self, d: date) -> bool:
        return self.start <= d <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def period_containing(freq: PayFrequency, anchor_start: date, day: date) -> Period:
    """The pay period of `freq` that contains `day`; weekly/biweekly periods are aligned to anchor_start."""
    if freq in (PayFrequency.WEEKLY, PayFrequency.BIWEEKLY, PayFrequency.DAILY):
        length = {PayFrequency.DAILY: 1, PayFrequency.WEEKLY: 7, PayFrequency.BIWEEKLY: 14}[freq]
        offset = (day - anchor_start).days // length
        start = anchor_start + timedelta(days=offset * length)
        return Period(start, start + timedelta(days=length - 1))
    if freq is PayFrequency.SEMIMONTHLY:
        last = calendar.monthrange(day.year, day.month)[1]
        if day.day <= 15:
            return Period(date(day.year, day.month, 1), date(day.year, day.month, 15))
        return Period(date(day.year, day.month, 16), date(day.year, day.month, last))
    months = {PayFrequency.MONTHLY: 1, PayFrequency.QUARTERLY: 3,
              PayFrequency.SEMIANNUAL: 6, PayFrequency.ANNUAL: 12}[freq]
    first_month = ((day.month - 1) // months) * months + 1
    start = date(day.year, first_month, 1)
    return Period(start, _add_months(start, months) - timedelta(days=1))


def next_period(freq: PayFrequency, anchor_start: date, period: Period) -> Period:
    return period_containing(freq, anchor_start, period.end + timedelta(days=1))


def is_business_day(d: date, holidays: frozenset[date] | set[date]) -> bool:
    return d.weekday() < 5 and d not in holidays


def previous_business_day(d: date, holidays: frozenset[date] | set[date]) -> date:
    """Pay dates that fall on a weekend or bank holiday move to the business day before."""
    while not is_business_day(d, holidays):
        d -= timedelta(days=1)
    return d


def add_business_days(d: date, n: int, holidays: frozenset[date] | set[date]) -> date:
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        d += timedelta(days=step)
        if is_business_day(d, holidays):
            remaining -= 1
    return d


def age_on(birth_date: date, on: date) -> int:
    """Whole years of age on a date."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def age_at_year_end(birth_date: date, year: int) -> int:
    """Age attained by 31 December of `year` (the IRS test for catch-up eligibility): every birthday of the year
    has come by then, so it is the difference of the years (age_on(birth_date, date(year, 12, 31)), without the
    date)."""
    return year - birth_date.year
