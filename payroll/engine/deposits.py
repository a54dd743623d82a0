"""Payroll tax deposit schedule (pure): which deposits are due when, by Pub. 15 section 11 and state rules as data.

Federal (IRS Pub. 15 "Depositing Taxes"; Notice 931):
- The lookback period for year Y is 1 July Y-2 .. 30 June Y-1. Form 941 line 12 totals of $50,000 or less →
  monthly depositor; more → semiweekly; a new employer (no lookback) is monthly.
- Monthly: a month's liabilities are due by the 15th of the next month.
- Semiweekly: paydays Wed, Thu, Fri → the following Wednesday; Sat, Sun, Mon, Tue → the following Friday;
  at least 3 business days after the semiweekly period ends, one more for each legal holiday among them (so: the
  3rd banking day after the Friday or Tuesday that ends the period). A period that spans two quarters makes two
  deposits with the same due date.
- $100,000 next-day rule: liabilities accumulated in a deposit period reaching $100,000 on a day are due the next
  business day; accumulation starts anew the day after. A monthly depositor becomes semiweekly from the next day,
  for the rest of the year and the next one.
- De minimis: a quarter's liability under $2,500 (or the prior quarter's, for a monthly depositor) with no
  next-day obligation may be paid with Form 941 — planned here as one deposit due on the 941's due date.
- FUTA (Pub. 15 section 14): a quarter's liability is deposited by the last day of the month after the quarter
  once the accumulated amount exceeds $500; $500 or less is carried to the next quarter; what is left after the
  fourth quarter is due by January 31 (deposited or paid with Form 940).
- A date that is not a business day moves to the next business day.

States: `deposit_schedules.json` per covered state and tax (SIT withholding, SUI, SPROG programs, LOCAL taxes that
share one rule by law), each a list of tiers chosen by the quarter's total (and the federal schedule); a state's
frequency set by a lookback (a prior year's liability) is measured on the quarter being planned, as the data's
`source` says. Frequencies: annual (each quarter's liability due on one day of the next year), quarterly, monthly
(the next month's `due_day`, N calendar days or N banking days after the month; optionally with the quarter's third month due with
the quarterly return, and months under a floor carried to it), semimonthly (N banking days after the 15th and the
month end, or fixed days), quarter_monthly (periods ending the 7th, 15th, 22nd and last day), semiweekly, weekly (a
week ending on a named day, due N banking days later or on the next named weekday), after_payday; a tier `missing`
plans the deposit with no due date and says why (a state whose rule for that size of employer was not read). The other states and taxes have no data
and say so, with the reason when the data names one (`missing`: e.g. local schedules that differ by city).

Banking days come in as a set of holidays (payroll/calendar.py builds it from the Federal Reserve calendar):
the engine reads no clock and no database."""
from __future__ import annotations

import calendar as _cal
import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from backoffice.errors import DomainError
from backoffice.money import D, ZERO

DATA_FILE = Path(__file__).with_name("data") / "deposit_schedules.json"
MONTHLY, SEMIWEEKLY = "monthly", "semiweekly"


@lru_cache(maxsize=1)
def schedule_data() -> dict:
    return json.loads(DATA_FILE.read_text())


@dataclass(frozen=True)
class FederalRules:
    lookback_threshold: Decimal
    next_day_threshold: Decimal
    de_minimis: Decimal
    futa_threshold: Decimal
    source: str
    authority: str


def federal_rules() -> FederalRules:
    f = schedule_data()["federal"]
    return FederalRules(D(f["lookback_threshold"]), D(f["next_day_threshold"]), D(f["de_minimis"]),
                        D(f["futa_threshold"]), f["source"], f["authority"])


@dataclass(frozen=True)
class Liability:
    """Tax owed because wages were paid on `day` (the pay date); negative for a reversal."""

    day: date
    amount: Decimal


@dataclass(frozen=True)
class Deposit:
    """One deposit: the liabilities from period_start to period_end, due on `due` (None: no schedule data)."""

    period_start: date
    period_end: date
    due: date | None
    amount: Decimal
    rule: str


# ------------------------------------------------------------------------------------------------ calendar
def is_banking_day(d: date, holidays: frozenset[date] | set[date]) -> bool:
    return d.weekday() < 5 and d not in holidays


def on_or_after(d: date, holidays) -> date:
    while not is_banking_day(d, holidays):
        d += timedelta(days=1)
    return d


def add_banking_days(d: date, n: int, holidays) -> date:
    """The n-th banking day after `d` (n ≥ 1)."""
    while n > 0:
        d += timedelta(days=1)
        if is_banking_day(d, holidays):
            n -= 1
    return d


def month_end(year: int, month: int) -> date:
    return date(year, month, _cal.monthrange(year, month)[1])


def next_month(d: date) -> tuple[int, int]:
    return (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)


def quarter_bounds(d: date) -> tuple[date, date]:
    first = 3 * ((d.month - 1) // 3) + 1
    return date(d.year, first, 1), month_end(d.year, first + 2)


def day_of_next_month(d: date, day: int | str) -> date:
    """`day` ('last' or 1-28) of the month after the month of `d`."""
    y, m = next_month(d)
    return month_end(y, m) if day == "last" else date(y, m, int(day))


def return_due(quarter_end: date, holidays) -> date:
    """Form 941 (and quarterly state returns): the last day of the month after the quarter, as a business day."""
    return on_or_after(day_of_next_month(quarter_end, "last"), holidays)


# ------------------------------------------------------------------------------------------------ federal
def lookback_period(year: int) -> tuple[date, date]:
    """The four quarters ending June 30 of the prior year (Pub. 15: for 2026, 1 July 2024 - 30 June 2025)."""
    return date(year - 2, 7, 1), date(year - 1, 6, 30)


def depositor_schedule(lookback_total: Decimal | None, rules: FederalRules | None = None) -> tuple[str, str]:
    """(monthly | semiweekly, why) from the lookback period's Form 941 line 12 total (None: a new employer)."""
    rules = rules or federal_rules()
    if lookback_total is None:
        return MONTHLY, "new employer (no lookback period): monthly"
    if lookback_total <= rules.lookback_threshold:
        return MONTHLY, f"lookback total {lookback_total} ≤ {rules.lookback_threshold}: monthly"
    return SEMIWEEKLY, f"lookback total {lookback_total} > {rules.lookback_threshold}: semiweekly"


def semiweekly_period(d: date) -> tuple[date, date]:
    """The semiweekly period holding `d`: Wednesday-Friday or Saturday-Tuesday."""
    wd = d.weekday()                       # Mon 0 .. Sun 6
    if wd in (2, 3, 4):
        start = d - timedelta(days=wd - 2)
        return start, start + timedelta(days=2)
    back = (wd - 5) % 7                    # days since Saturday
    start = d - timedelta(days=back)
    return start, start + timedelta(days=3)


def semiweekly_due(d: date, holidays) -> date:
    """Pay day d → the 3rd banking day after its semiweekly period ends (Wed/Thu/Fri → next Wednesday,
    Sat-Tue → next Friday, a day later for each holiday among those three weekdays)."""
    return add_banking_days(semiweekly_period(d)[1], 3, holidays)


def monthly_due(d: date, holidays) -> date:
    return on_or_after(day_of_next_month(d, 15), holidays)


def _sum(xs: Iterable[Decimal]) -> Decimal:
    return sum(xs, ZERO)


def _by_day(liabilities: Iterable[Liability]) -> list[tuple[date, Decimal]]:
    days: dict[date, Decimal] = {}
    for li in liabilities:
        days[li.day] = days.get(li.day, ZERO) + li.amount
    return sorted(days.items())


@dataclass(frozen=True)
class FederalPlan:
    deposits: tuple[Deposit, ...]
    schedule_at_end: str
    became_semiweekly_on: date | None


def federal_deposits(liabilities: Sequence[Liability], *, schedule: str, holidays, rules: FederalRules | None = None,
                     prior_quarter_total: Decimal | None = None) -> FederalPlan:
    """The 941 deposits (or 945: the same rules) for the liabilities given, by the depositor's schedule."""
    rules = rules or federal_rules()
    out: list[Deposit] = []
    became: date | None = None
    quarters: dict[date, list[tuple[date, Decimal]]] = {}
    for day, amount in _by_day(liabilities):
        quarters.setdefault(quarter_bounds(day)[0], []).append((day, amount))
    for q_start, days in sorted(quarters.items()):
        q_end = quarter_bounds(q_start)[1]
        deposits, schedule, switched = _quarter(days, q_start, q_end, schedule, holidays, rules)
        became = became or switched
        total = _sum(a for _, a in days)
        next_day = any(d.rule.startswith("next-day") for d in deposits)
        small_prior = (schedule == MONTHLY and prior_quarter_total is not None
                       and prior_quarter_total < rules.de_minimis)
        if not next_day and total > 0 and (total < rules.de_minimis or small_prior):
            why = (f"quarter total {total} < {rules.de_minimis}" if total < rules.de_minimis
                   else f"prior quarter {prior_quarter_total} < {rules.de_minimis}")
            deposits = [Deposit(q_start, q_end, return_due(q_end, holidays), total,
                                f"de minimis ({why}): may be paid with Form 941, due with it")]
        out += deposits
        prior_quarter_total = total
    return FederalPlan(tuple(out), schedule, became)


def _quarter(days, q_start: date, q_end: date, schedule: str, holidays, rules: FederalRules):
    out: list[Deposit] = []
    became = None
    acc = ZERO
    acc_start: date | None = None
    key: tuple | None = None
    fresh_from = q_start            # the day after the last next-day deposit: a new accumulation starts there

    def period(day: date, sched: str) -> tuple[date, date]:
        if sched == MONTHLY:
            return date(day.year, day.month, 1), month_end(day.year, day.month)
        s, e = semiweekly_period(day)
        return max(s, q_start), min(e, q_end)

    def flush():
        nonlocal acc, acc_start, key
        if key is not None and acc > 0:
            sched, start, end, last = key
            if sched == MONTHLY:
                due, why = monthly_due(end, holidays), f"monthly: the 15th of the month after {end:%B %Y}"
            else:
                due, why = semiweekly_due(last, holidays), (f"semiweekly: paydays {max(start, fresh_from)}..{end} "
                                                           f"→ 3 banking days after the period")
            out.append(Deposit(max(start, fresh_from), end, due, acc, why))
        acc, acc_start, key = ZERO, None, None

    for day, amount in days:
        start, end = period(day, schedule)
        if key is not None and (key[0], key[1], key[2]) != (schedule, start, end):
            flush()
        acc += amount
        acc_start = acc_start or day
        key = (schedule, start, end, day)
        if acc >= rules.next_day_threshold:
            out.append(Deposit(acc_start, day, add_banking_days(day, 1, holidays), acc,
                               f"next-day: {acc} accumulated by {day} ≥ {rules.next_day_threshold}; due the next "
                               f"business day"))
            acc, acc_start, key = ZERO, None, None
            fresh_from = day + timedelta(days=1)
            if schedule == MONTHLY:
                schedule, became = SEMIWEEKLY, day + timedelta(days=1)
    flush()
    return out, schedule, became


def futa_deposits(quarter_totals: Sequence[tuple[date, Decimal]], *, holidays,
                  rules: FederalRules | None = None) -> list[Deposit]:
    """FUTA deposits for a year's quarters given as (any day of the quarter, FUTA liability of the quarter)."""
    rules = rules or federal_rules()
    out: list[Deposit] = []
    acc = ZERO
    start: date | None = None
    last_end: date | None = None
    for day, amount in sorted(quarter_totals):
        q_start, q_end = quarter_bounds(day)
        acc += amount
        start = start or q_start
        last_end = q_end
        if acc > rules.futa_threshold:
            out.append(Deposit(start, q_end, return_due(q_end, holidays), acc,
                               f"FUTA: {acc} accumulated > {rules.futa_threshold}: due the last day of the month "
                               f"after the quarter"))
            acc, start = ZERO, None
    if acc > 0 and last_end is not None and last_end.month == 12:
        out.append(Deposit(start, last_end, return_due(last_end, holidays), acc,
                           f"FUTA: {acc} left after the fourth quarter ≤ {rules.futa_threshold}: deposit or pay "
                           f"with Form 940 by January 31"))
    return out


# ------------------------------------------------------------------------------------------------ states
class NoScheduleData(DomainError):
    def __init__(self, state: str, tax: str, why: str | None = None):
        super().__init__(f"no deposit-schedule data for {tax} in {state}: {why or 'data missing'}",
                         code="no_deposit_data")
        self.state, self.tax, self.why = state, tax, why


def missing_reason(state: str, tax: str) -> str | None:
    """Why the data has no schedule for this state and tax, when it says (`missing` in the data file)."""
    return schedule_data().get("missing", {}).get(state, {}).get(tax)


def state_rules(state: str, tax: str) -> dict:
    rules = schedule_data()["states"].get(state, {}).get(tax)
    if rules is None:
        raise NoScheduleData(state, tax, missing_reason(state, tax))
    return rules


def state_authority(state: str, tax: str) -> str:
    try:
        return state_rules(state, tax)["authority"]
    except NoScheduleData:
        return f"{state} ({tax})"


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def week_bounds(d: date, week_ends: str) -> tuple[date, date]:
    """The seven-day week holding `d` that ends on the weekday named (e.g. Saturday: Sunday-Saturday)."""
    end = d + timedelta(days=(WEEKDAYS.index(week_ends) - d.weekday()) % 7)
    return end - timedelta(days=6), end


def weekly_due(week_end: date, tier: dict, holidays) -> date:
    """A weekly tier's due date: `due_weekday` (the first such weekday after the week ends, moved to a business
    day) or `business_days` banking days after the week ends."""
    if "due_weekday" in tier:
        target = WEEKDAYS.index(tier["due_weekday"])
        return on_or_after(week_end + timedelta(days=(target - week_end.weekday() - 1) % 7 + 1), holidays)
    return add_banking_days(week_end, int(tier.get("business_days", 3)), holidays)


def _monthly_due(end: date, q_end: date, tier: dict, carried: bool, holidays) -> date:
    """A monthly tier's due date for the month ending `end`: December by `december_due`, a month named in
    `month_due` by its own date; the quarter's last month (and a month `carried` below `min_month`) by
    `quarter_month_due` of the month after the quarter, when the state has its quarterly return pay them; N
    banking days (`business_days`) or calendar days (`days_after`) after the month; otherwise `due_day` of the next
    month."""
    if end.month == 12 and tier.get("december_due"):
        m, dd = (int(x) for x in tier["december_due"].split("-"))
        return on_or_after(date(end.year + 1, m, dd), holidays)
    if str(end.month) in tier.get("month_due", {}):
        # one month's own date ("MM-DD", the next such date after the month: Vermont's January by February 23)
        m, dd = (int(x) for x in tier["month_due"][str(end.month)].split("-"))
        return on_or_after(date(end.year + (1 if m <= end.month else 0), m, dd), holidays)
    if "quarter_month_due" in tier and (end == q_end or carried):
        return on_or_after(day_of_next_month(q_end, tier["quarter_month_due"]), holidays)
    if "business_days" in tier and "due_day" not in tier:
        return add_banking_days(end, int(tier["business_days"]), holidays)
    if "days_after" in tier:
        return on_or_after(end + timedelta(days=int(tier["days_after"])), holidays)
    return on_or_after(day_of_next_month(end, tier.get("due_day", 15)), holidays)


def _semimonthly_fixed_due(end: date, tier: dict, holidays) -> date:
    """A semimonthly tier with fixed days: the 1st-15th by `first_half_due` of the same month (a day or 'last'),
    the 16th-last day by `second_half_due` of the next month."""
    if end.day == 15:
        day = tier["first_half_due"]
        first = month_end(end.year, end.month) if day == "last" else date(end.year, end.month, int(day))
        return on_or_after(first, holidays)
    return on_or_after(day_of_next_month(end, tier["second_half_due"]), holidays)


def quarter_monthly_period(d: date, ends: Sequence[int] = (7, 15, 22)) -> tuple[date, date]:
    """The quarter-monthly period holding `d`: by default the 1st-7th, 8th-15th, 16th-22nd, 23rd-last day of its
    month (`ends`: the first three periods' last days, e.g. Kansas's 7th, 15th, 21st)."""
    first = 1
    for last in ends:
        if d.day <= last:
            return date(d.year, d.month, first), date(d.year, d.month, last)
        first = last + 1
    return date(d.year, d.month, first), month_end(d.year, d.month)


def _tier(tiers: list[dict], quarter_total: Decimal, federal_schedule: str) -> dict:
    for t in tiers:
        if "federal" in t and t["federal"] != federal_schedule:
            continue
        if "min_quarter" in t and quarter_total < D(t["min_quarter"]):
            continue
        return t
    return tiers[-1]


def state_deposits(state: str, tax: str, liabilities: Sequence[Liability], *, federal_schedule: str,
                   holidays) -> list[Deposit]:
    """A state's deposits for one tax (SIT, SUI, SPROG) by the tier its quarter's total falls in.
    NoScheduleData when the state has no data for that tax."""
    rules = state_rules(state, tax)
    out: list[Deposit] = []
    quarters: dict[date, list[tuple[date, Decimal]]] = {}
    for day, amount in _by_day(liabilities):
        quarters.setdefault(quarter_bounds(day)[0], []).append((day, amount))
    for q_start, days in sorted(quarters.items()):
        q_end = quarter_bounds(q_start)[1]
        total = _sum(a for _, a in days)
        if total <= 0:
            continue
        t = _tier(rules["tiers"], total, federal_schedule)
        freq = t["frequency"]
        if freq == "missing":
            # the state's rule for this tier was not read: planned, with no due date and the reason said
            out.append(Deposit(q_start, q_end, None, total,
                               f"no deposit-schedule data for {tax} in {state}: {t['why']}"))
            continue
        label = f"{state} {tax} {freq} (quarter total {total})"
        groups: dict[tuple[date, date], list[tuple[date, Decimal]]] = {}
        for day, amount in days:
            if freq in ("quarterly", "annual"):
                g = (q_start, q_end)
            elif freq == "quarter_monthly":
                g = quarter_monthly_period(day, tuple(int(x) for x in t.get("period_ends", (7, 15, 22))))
            elif freq == "monthly":
                g = (date(day.year, day.month, 1), month_end(day.year, day.month))
            elif freq == "semimonthly":
                g = ((date(day.year, day.month, 1), date(day.year, day.month, 15)) if day.day <= 15
                     else (date(day.year, day.month, 16), month_end(day.year, day.month)))
            elif freq == "semiweekly":
                s, e = semiweekly_period(day)
                g = (max(s, q_start), min(e, q_end))
            elif freq == "weekly":
                g = week_bounds(day, t.get("week_ends", "friday"))
                g = (max(g[0], q_start), min(g[1], q_end))
            elif freq == "after_payday":
                g = (day, day)
            else:
                raise DomainError(f"unknown deposit frequency {freq!r} for {state} {tax}", code="bad_deposit_data")
            groups.setdefault(g, []).append((day, amount))
        for (start, end), items in sorted(groups.items()):
            amount = _sum(a for _, a in items)
            if amount <= 0:
                continue
            rule = label
            if freq == "quarterly":
                due = on_or_after(day_of_next_month(end, t.get("due_day", "last")), holidays)
            elif freq == "annual":
                m, dd = (int(x) for x in t["annual_due"].split("-"))
                due = on_or_after(date(end.year + 1, m, dd), holidays)
            elif freq == "monthly":
                carried = "min_month" in t and end != q_end and amount < D(t["min_month"])
                due = _monthly_due(end, q_end, t, carried, holidays)
                if carried:
                    rule = f"{label}; month under {t['min_month']}: paid with the quarterly return"
            elif freq == "weekly":
                due = weekly_due(week_bounds(end, t.get("week_ends", "friday"))[1], t, holidays)
            elif freq == "semimonthly" and "first_half_due" in t:
                due = _semimonthly_fixed_due(end, t, holidays)
            elif freq == "semimonthly":
                due = add_banking_days(end, int(t.get("business_days", 3)), holidays)
            elif freq == "semiweekly":
                due = semiweekly_due(items[-1][0], holidays)
            else:
                due = add_banking_days(end, int(t.get("business_days", 3)), holidays)
            out.append(Deposit(start, end, due, amount, rule))
    return out


__all__ = ["Deposit", "FederalPlan", "FederalRules", "Liability", "MONTHLY", "NoScheduleData", "SEMIWEEKLY",
           "add_banking_days", "depositor_schedule", "federal_deposits", "federal_rules", "futa_deposits",
           "lookback_period", "missing_reason", "monthly_due", "on_or_after", "quarter_bounds",
           "quarter_monthly_period", "return_due", "schedule_data",
           "semiweekly_due", "semiweekly_period", "state_authority", "state_deposits", "state_rules", "week_bounds",
           "weekly_due"]
