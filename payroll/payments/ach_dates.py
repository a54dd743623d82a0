"""When a payroll ACH file can settle: the effective entry date against the ODFI's cut-off, and the descriptive date
(pure: the clock, the cut-off and the banking holidays are passed in).

The effective entry date (batch header positions 70-75) is the day the originator asks the credits to settle: for
payroll, the run's pay date (already moved off weekends and bank holidays by the schedule). The ODFI takes a file
for a given settlement date only up to its cut-off: `days` banking days before the effective date, by `time`
(local time at the bank). A file made after that cannot settle on the pay date: it settles on the first banking
day the cut-off still allows, and somebody must choose that knowingly (the workers are paid late).

The company descriptive date (positions 64-69) is free text the receiver's bank may show on the statement. Nacha
Operating Rules, Appendix Three (as quoted in moov-io/ach's record layout): "the date it would like to see
displayed to the receiver for descriptive purposes ... The RDFI should not assume any specific format. Examples
of possible entries in this field are '011392', '01 92', 'JAN 13', 'JAN 92'". We write the pay date as "MMM DD"
("NOV 13"), the form of the Rules' "JAN 13" example, which reads as a date on a worker's statement.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

DEFAULT_CUTOFF_DAYS = 1
DEFAULT_CUTOFF_TIME = time(17, 0)
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


@dataclass(frozen=True)
class Cutoff:
    """The ODFI's deadline: a file must reach it `days` banking days before the effective date, by `time`."""

    days: int = DEFAULT_CUTOFF_DAYS
    time: time = DEFAULT_CUTOFF_TIME

    def __post_init__(self) -> None:
        if not isinstance(self.days, int) or not 0 <= self.days <= 10:
            raise ValueError(f"NACHA cut-off days must be a whole number of banking days 0-10, not {self.days!r}")


@dataclass(frozen=True)
class EffectiveDatePlan:
    """What a file made at `now` (the bank's local time) can ask for, against the run's pay date."""

    pay_date: date
    now: datetime
    earliest: date          # the first effective date the ODFI still accepts for a file sent now
    deadline: datetime      # when the file must reach the ODFI to settle on the pay date (bank's local time)
    cutoff: Cutoff

    @property
    def on_time(self) -> bool:
        return self.pay_date >= self.earliest

    @property
    def proposed(self) -> date:
        """The pay date when it can still be met, else the next possible banking day."""
        return self.pay_date if self.on_time else self.earliest

    @property
    def problem(self) -> str:
        """Why the pay date cannot be the effective date ('' when it can)."""
        if self.on_time:
            return ""
        when = "is already past" if self.pay_date < self.now.date() else "is too close"
        return (f"the pay date {self.pay_date.isoformat()} {when}: the bank needs the file "
                f"{_days(self.cutoff.days)} before the effective date, by {self.cutoff.time.strftime('%H:%M')} "
                f"(for the pay date: by {self.deadline.strftime('%Y-%m-%d %H:%M')}); the earliest effective "
                f"date now is {self.earliest.isoformat()}")


def _days(n: int) -> str:
    return "the same banking day" if n == 0 else f"{n} banking day{'s' if n != 1 else ''}"


def is_banking_day(d: date, holidays) -> bool:
    return d.weekday() < 5 and d not in holidays


def next_banking_day(d: date, holidays) -> date:
    """The first banking day after `d`."""
    d += timedelta(days=1)
    while not is_banking_day(d, holidays):
        d += timedelta(days=1)
    return d


def previous_banking_day(d: date, holidays) -> date:
    d -= timedelta(days=1)
    while not is_banking_day(d, holidays):
        d -= timedelta(days=1)
    return d


def plan_effective_date(pay_date: date, now: datetime, cutoff: Cutoff, holidays) -> EffectiveDatePlan:
    """Can a file made at `now` (naive, the ODFI's local time) settle on `pay_date`?

    The file is taken today when today is a banking day and the cut-off time has not passed, else on the next
    banking day; it can settle `cutoff.days` banking days after the day it is taken. The deadline for the pay
    date is `cutoff.days` banking days before it, at the cut-off time."""
    taken = now.date()
    if not is_banking_day(taken, holidays) or now.time() > cutoff.time:
        taken = next_banking_day(taken, holidays)
    earliest = taken
    for _ in range(cutoff.days):
        earliest = next_banking_day(earliest, holidays)
    target = pay_date
    while not is_banking_day(target, holidays):     # a pay date is a banking day; be safe if it is not
        target = next_banking_day(target, holidays)
    last_day = target
    for _ in range(cutoff.days):
        last_day = previous_banking_day(last_day, holidays)
    return EffectiveDatePlan(pay_date, now, earliest, datetime.combine(last_day, cutoff.time), cutoff)


def effective_date_problem(effective: date, plan: EffectiveDatePlan, holidays) -> str:
    """Why an explicitly chosen effective date cannot be used ('' when it can)."""
    if not is_banking_day(effective, holidays):
        return f"{effective.isoformat()} is not a banking day (a weekend or a Federal Reserve holiday)"
    if effective < plan.earliest:
        return (f"{effective.isoformat()} is too early: the bank takes a file sent now for "
                f"{plan.earliest.isoformat()} at the earliest")
    if effective < plan.pay_date:
        return (f"{effective.isoformat()} is before the pay date {plan.pay_date.isoformat()}: wages are not paid "
                f"before their pay date")
    return ""


def descriptive_date(pay_date: date) -> str:
    """The company descriptive date for a payroll batch: the pay date as 'MMM DD' ('NOV 13')."""
    return f"{_MONTHS[pay_date.month - 1]} {pay_date.day:02d}"


__all__ = ["Cutoff", "EffectiveDatePlan", "plan_effective_date", "effective_date_problem", "descriptive_date",
           "is_banking_day", "next_banking_day", "previous_banking_day"]
