"""ACA full-time status by the look-back measurement method (Treas. Reg. §54.4980H-3) and the monthly method
(§54.4980H-3(c)): monthly hours of service in (already summed across all of the agency's clients), the status on
a day out, with its reasoning in words. Pure: no database, no clock; `as_of` is passed in."""
from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Iterator, Mapping

from backoffice.dates import long_date, parse_date
from backoffice.errors import DomainError, Issue, ValidationFailed
from backoffice.money import D, HOURS, number_problem

# §54.4980H-1(a)(21) and §54.4980H-3(c)(1): 130 hours of service in a calendar month is the monthly equivalent of
# 30 hours a week; a look-back average of at least 130 a month is full time.
FULL_TIME_MONTHLY_HOURS = Decimal(130)
HOURS_PLACES = Decimal("0.01")               # the average is shown to the hundredth, half up
EMPLOYEE_KINDS = ("ongoing", "new_variable_hour", "new_seasonal", "new_part_time", "new_full_time")
NEW_MEASURED_KINDS = ("new_variable_hour", "new_seasonal", "new_part_time")
STATUSES = ("full_time", "not_full_time", "in_initial_measurement")
INITIAL_STARTS = ("first_of_next_month", "start_date")
# §54.4980H-3(d)(1)(ii) and (d)(3)(ii): measurement periods of 3 to 12 consecutive months
MIN_MEASUREMENT_MONTHS, MAX_MEASUREMENT_MONTHS = 3, 12
# §54.4980H-3(d)(1)(vi) and (d)(3)(vi): an administrative period of at most 90 days
MAX_ADMINISTRATIVE_DAYS = 90
# §54.4980H-3(d)(1)(iv): a stability period of at least six consecutive calendar months
MIN_STABILITY_MONTHS = 6
MAX_STABILITY_MONTHS = 24                    # not the regulation's: a longer one is a typo (a house sanity bound)
# §54.4980H-3(f)(1)(ii): 13 weeks without an hour of service (26 for an educational organization, not this
# employer) make the returning employee a new employee; a shorter break of at least 4 weeks that is longer than
# the employment before it does too (the rule of parity, §54.4980H-3(f)(1)(iii)).
NEW_EMPLOYEE_BREAK_WEEKS = 13
PARITY_MIN_WEEKS = 4
MAX_MONTH_HOURS = Decimal(744)               # 31 days × 24 hours: more in one month is a typo


def monthly_status(hours: Decimal) -> bool:
    """The monthly method (§54.4980H-3(c)(1), §54.4980H-1(a)(21)): full time in a calendar month with at least 130
    hours of service in it."""
    return hours >= FULL_TIME_MONTHLY_HOURS


@dataclass(frozen=True)
class MeasurementPolicy:
    """The employer's look-back periods (the same for every employee in a category, §54.4980H-3(d)(1)(v)).

    `standard_start` is "MM-01": the first day of the month on which the yearly standard measurement periods start
    (hours are monthly totals, so every period is whole months); a new cycle starts every `stability_months`
    months from it (12: yearly). The administrative period after a measurement period is at most
    `administrative_days` days and ends on the last day of a month (so the stability period starts on the
    first of a month, as coverage months do): it is the whole months that fit in `administrative_days`."""

    standard_start: str = "11-01"
    standard_months: int = 12
    administrative_days: int = 90
    stability_months: int = 12
    initial_months: int = 12
    initial_start: str = "first_of_next_month"

    @property
    def anchor_month(self) -> int:
        return int(self.standard_start[:2])

    def issues(self, prefix: str = "measurement.") -> list[Issue]:
        """What is wrong with the policy against §54.4980H-3's limits, each naming its field and paragraph."""
        out: list[Issue] = []
        s = self.standard_start
        if not (isinstance(s, str) and len(s) == 5 and s[2] == "-" and s[:2].isdigit() and s[3:].isdigit()
                and 1 <= int(s[:2]) <= 12):
            out.append(Issue(prefix + "standard_start", "must be the month and day MM-DD (e.g. 11-01)"))
        elif s[3:] != "01":
            out.append(Issue(prefix + "standard_start", "must be the first of a month (MM-01): hours of service "
                                                       "are monthly totals, so periods are whole months"))
        for name, low, high, para in (
                ("standard_months", MIN_MEASUREMENT_MONTHS, MAX_MEASUREMENT_MONTHS, "§54.4980H-3(d)(1)(ii)"),
                ("initial_months", MIN_MEASUREMENT_MONTHS, MAX_MEASUREMENT_MONTHS, "§54.4980H-3(d)(3)(ii)"),
                ("administrative_days", 0, MAX_ADMINISTRATIVE_DAYS, "§54.4980H-3(d)(1)(vi)"),
                ("stability_months", MIN_STABILITY_MONTHS, MAX_STABILITY_MONTHS, "§54.4980H-3(d)(1)(iv)")):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int):
                out.append(Issue(prefix + name, "must be a whole number", "invalid"))
            elif not low <= v <= high:
                why = ("a house bound: no employer needs a longer one" if name == "stability_months" and v > high
                       else para)
                unit = "days" if name == "administrative_days" else "months"
                out.append(Issue(prefix + name, f"must be between {low} and {high} {unit} ({why})", "out_of_range"))
        sm, st = self.standard_months, self.stability_months
        if (isinstance(sm, int) and isinstance(st, int) and not isinstance(sm, bool) and not isinstance(st, bool)
                and MIN_STABILITY_MONTHS <= st and st < sm):
            out.append(Issue(prefix + "stability_months", f"must not be shorter than the standard measurement "
                             f"period ({sm} months) (§54.4980H-3(d)(1)(iv))", "out_of_range"))
        im = self.initial_months
        if (isinstance(im, int) and isinstance(st, int) and not isinstance(im, bool) and not isinstance(st, bool)
                and MIN_STABILITY_MONTHS <= st and im <= MAX_MEASUREMENT_MONTHS and st < im):
            out.append(Issue(prefix + "stability_months", f"must not be shorter than the initial measurement "
                             f"period ({im} months): a new employee found full time keeps the status for a "
                             "stability period as long as the ongoing employees' (§54.4980H-3(d)(3))",
                             "out_of_range"))
        if self.initial_start not in INITIAL_STARTS:
            out.append(Issue(prefix + "initial_start", "must be one of " + ", ".join(INITIAL_STARTS)))
        return out

    @classmethod
    def from_json(cls, obj: object, prefix: str = "measurement.") -> MeasurementPolicy:
        """The policy from the input's `measurement` object; omitted fields take the defaults above. Raises
        ValidationFailed naming every bad field."""
        if obj is None:
            obj = {}
        if not isinstance(obj, dict):
            raise ValidationFailed([Issue(prefix.rstrip("."), "must be an object")])
        unknown = sorted(set(obj) - set(cls.__dataclass_fields__))
        issues = [Issue(prefix + k, "is not a field of the measurement policy", "unknown") for k in unknown]
        kwargs = {k: v for k, v in obj.items() if k in cls.__dataclass_fields__}
        policy = cls(**kwargs)
        issues += policy.issues(prefix)
        if issues:
            raise ValidationFailed(issues)
        return policy


Period = tuple[date, date]


@dataclass(frozen=True)
class MeasureInput:
    """One employee's facts: `hours` maps "YYYY-MM" to that month's hours of service (all clients summed);
    `breaks` are periods with no hours of service (separation and rehire); `special_leave` periods of special
    unpaid leave (FMLA, USERRA, jury duty, §54.4980H-1(a)(39))."""

    hire_date: date
    employee_kind: str
    policy: MeasurementPolicy
    hours: Mapping[str, Decimal]
    as_of: date
    breaks: tuple[Period, ...] = ()
    special_leave: tuple[Period, ...] = ()

    @classmethod
    def from_json(cls, obj: object, prefix: str = "") -> MeasureInput:
        """The CLI's input object; raises ValidationFailed naming every bad field (`hours[3].month`)."""
        issues: list[Issue] = []
        if not isinstance(obj, dict):
            raise ValidationFailed([Issue(prefix.rstrip(".") or "", "must be an object (one employee)")])
        known = ("hire_date", "employee_kind", "measurement", "hours", "as_of", "breaks", "special_leave")
        issues += [Issue(prefix + k, "is not a field of the input", "unknown") for k in sorted(set(obj) - set(known))]
        hire = _date(obj, "hire_date", prefix, issues)
        as_of = _date(obj, "as_of", prefix, issues)
        kind = obj.get("employee_kind")
        if kind is None:
            issues.append(Issue(prefix + "employee_kind", "is required", "required"))
        elif kind not in EMPLOYEE_KINDS:
            issues.append(Issue(prefix + "employee_kind", "must be one of " + ", ".join(EMPLOYEE_KINDS)))
        policy = None
        try:
            policy = MeasurementPolicy.from_json(obj.get("measurement"), prefix + "measurement.")
        except ValidationFailed as exc:
            issues += exc.issues
        hours = _hours(obj.get("hours"), prefix, issues)
        breaks = _periods(obj.get("breaks"), prefix + "breaks", issues)
        leave = _periods(obj.get("special_leave"), prefix + "special_leave", issues)
        if hire and as_of and as_of < hire:
            issues.append(Issue(prefix + "as_of", "is before the hire date"))
        if hire:
            for i, (start, _end) in enumerate(breaks):
                if start <= hire:
                    issues.append(Issue(f"{prefix}breaks[{i}].start", "must be after the hire date (a break "
                                                                      "follows some employment)"))
        if issues:
            raise ValidationFailed(issues)
        return cls(hire_date=hire, employee_kind=kind, policy=policy, hours=hours, as_of=as_of,
                   breaks=breaks, special_leave=leave)


@dataclass(frozen=True)
class MeasureResult:
    status: str                                  # full_time | not_full_time | in_initial_measurement
    average_monthly_hours: Decimal
    measurement_period: Period | None
    stability_period: Period | None
    explanation: tuple[str, ...]

    def as_json(self) -> dict:
        def period(p):
            return None if p is None else {"start": p[0].isoformat(), "end": p[1].isoformat()}
        return {"status": self.status, "average_monthly_hours": str(self.average_monthly_hours),
                "measurement_period": period(self.measurement_period),
                "stability_period": period(self.stability_period),
                "explanation": list(self.explanation)}


# ---------------------------------------------------------------------------------------------------- input


def _date(obj: dict, key: str, prefix: str, issues: list[Issue]) -> date | None:
    if obj.get(key) is None:
        issues.append(Issue(prefix + key, "is required", "required"))
        return None
    try:
        return parse_date(obj[key])
    except ValueError as exc:
        issues.append(Issue(prefix + key, f"must be a date YYYY-MM-DD ({exc})"))
        return None


def _hours(raw: object, prefix: str, issues: list[Issue]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    if raw is None:
        return out
    if not isinstance(raw, list):
        issues.append(Issue(prefix + "hours", 'must be a list of {"month": "YYYY-MM", "hours": "130.5"}'))
        return out
    for i, row in enumerate(raw):
        p = f"{prefix}hours[{i}]"
        if not isinstance(row, dict):
            issues.append(Issue(p, 'must be an object {"month": "YYYY-MM", "hours": "130.5"}'))
            continue
        month = row.get("month")
        if not _is_month(month):
            issues.append(Issue(p + ".month", "must be a month YYYY-MM"))
            month = None
        elif month in out:
            issues.append(Issue(p + ".month", f"{month} is given twice: give each month's total once "
                                              "(the hours of all clients summed)", "duplicate"))
            month = None
        value = row.get("hours")
        try:
            if isinstance(value, (int, str, Decimal)) and not isinstance(value, bool):
                number = D(value)
            else:
                raise TypeError
        except (TypeError, ValueError):
            issues.append(Issue(p + ".hours", "must be a number of hours, e.g. \"130.5\""))
            continue
        problem = number_problem(number, HOURS)
        if problem is None and number < 0:
            problem = ("too_small", "must not be negative")
        if problem is None and number > MAX_MONTH_HOURS:
            problem = ("too_large", f"must be at most {MAX_MONTH_HOURS} (the hours in a month)")
        if problem:
            issues.append(Issue(p + ".hours", problem[1], problem[0]))
        elif month:
            out[month] = number
    return out


def _periods(raw: object, path: str, issues: list[Issue]) -> tuple[Period, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        issues.append(Issue(path, 'must be a list of {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}'))
        return ()
    out = []
    for i, row in enumerate(raw):
        p = f"{path}[{i}]"
        if not isinstance(row, dict):
            issues.append(Issue(p, 'must be an object {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}'))
            continue
        start = _date(row, "start", p + ".", issues)
        end = _date(row, "end", p + ".", issues)
        if start and end:
            if end < start:
                issues.append(Issue(p + ".end", "is before the start"))
            else:
                out.append((start, end))
    return tuple(out)


def _is_month(value: object) -> bool:
    return (isinstance(value, str) and len(value) == 7 and value[4] == "-" and value[:4].isdigit()
            and value[5:].isdigit() and 1 <= int(value[5:]) <= 12 and int(value[:4]) >= 1900)


# ---------------------------------------------------------------------------------------------------- dates


def add_months(day: date, months: int) -> date:
    """The same day `months` months later (earlier when negative), the last day of the month when it has fewer."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def first_of_next_month(day: date) -> date:
    return month_end(day) + timedelta(days=1)


def _month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _span(p: Period) -> str:
    return f"{long_date(p[0])} to {long_date(p[1])}"


def _hours_text(value: Decimal) -> str:
    return f"{value.quantize(HOURS_PLACES, ROUND_HALF_UP):,}"


# ---------------------------------------------------------------------------------------------------- measure


@dataclass(frozen=True)
class _Test:
    """One measurement period worked out: its months, hours and average, and the periods that follow it."""

    kind: str                                    # "initial" | "standard"
    measurement: Period
    administrative: Period | None                # None when the stability period follows at once
    stability: Period
    total: Decimal
    months: Decimal                              # the months averaged over (less special unpaid leave)
    full_time: bool
    sentences: tuple[str, ...] = field(default=())

    @property
    def average(self) -> Decimal:
        if not self.months:
            return Decimal("0.00")
        return (self.total / self.months).quantize(HOURS_PLACES, ROUND_HALF_UP)


@dataclass(frozen=True)
class _Start:
    """Where the employee's measurement starts: the hire date, or the return after a break that makes a new
    employee, with the sentences that say why."""

    day: date
    rehired: bool
    sentences: tuple[str, ...]


def measure(inp: MeasureInput) -> MeasureResult:
    """The employee's full-time status on `inp.as_of`, with the period that decides it and the reasoning in words.

    Raises ValidationFailed for a policy out of the regulation's limits or an `ongoing` employee who has not yet
    been employed through a standard measurement period (each naming the field)."""
    issues = inp.policy.issues()
    if issues:
        raise ValidationFailed(issues)
    start = _start_date(inp)
    said = ["Hours of service are each month's total across all of the agency's clients (an hour of service is "
            "each hour the employee is paid, or entitled to payment, for work or for time off)."]
    said += start.sentences
    kind = inp.employee_kind
    standard = _standard_in_effect(inp, start.day)
    if kind == "ongoing" and standard is None:
        if not start.rehired:
            first = _first_standard_stability(inp, start.day)
            raise ValidationFailed([Issue("employee_kind", (
                f"the employee is not an ongoing employee on {inp.as_of.isoformat()}: an ongoing employee has been "
                "employed through a complete standard measurement period (§54.4980H-1(a)(31)), and the first "
                f"stability period after one this employee worked through begins on {first.isoformat()}; give "
                "the new "
                "employee's kind (new_variable_hour, new_seasonal, new_part_time or new_full_time)"))])
        kind = "new_variable_hour"
        said.append("Being a new employee on return, and not yet through a standard measurement period, the "
                    "employee is measured as a new variable-hour employee (an initial measurement period).")
    if kind == "new_full_time" and standard is None:
        return _monthly(inp, start, said)
    if kind in NEW_MEASURED_KINDS:
        return _new_measured(inp, start, kind, standard, said)
    return _result(standard, said, inp)


def _start_date(inp: MeasureInput) -> _Start:
    """The start date to measure from: a break without hours of service of at least 13 weeks, or of at least
    4 weeks and longer than the employment before it (the rule of parity), makes the returning employee a new
    employee with a new start date (§54.4980H-3(d)(6)); a shorter break leaves a continuing employee."""
    start, rehired, said = inp.hire_date, False, []
    for b_start, b_end in sorted(inp.breaks):
        if b_start > inp.as_of:                 # a break after the day asked about changes nothing about it
            continue
        if b_end >= inp.as_of:
            said.append(f"The employee has had no hours of service since {long_date(b_start)} (a break running "
                        f"to {long_date(b_end)}); the status below holds while the employee remains employed.")
            continue
        if b_start < start:
            continue
        days = (b_end - b_start).days + 1
        weeks = Decimal(days) / 7
        before = (b_start - start).days
        returned = b_end + timedelta(days=1)
        if days >= NEW_EMPLOYEE_BREAK_WEEKS * 7:
            said.append(f"A break of {weeks:.1f} weeks without hours of service ({_span((b_start, b_end))}) is at "
                        f"least {NEW_EMPLOYEE_BREAK_WEEKS} weeks: the employee is treated as a new employee from "
                        f"the return on {long_date(returned)} (§54.4980H-3(d)(6)).")
            start, rehired = returned, True
        elif days >= PARITY_MIN_WEEKS * 7 and days > before:
            said.append(f"A break of {weeks:.1f} weeks ({_span((b_start, b_end))}) is at least "
                        f"{PARITY_MIN_WEEKS} weeks and longer than the {before / 7:.1f} weeks of employment "
                        f"before it: by the rule of parity the employee is a new employee from the return on "
                        f"{long_date(returned)} (§54.4980H-3(d)(6)).")
            start, rehired = returned, True
        else:
            said.append(f"A break of {weeks:.1f} weeks ({_span((b_start, b_end))}) is shorter than "
                        f"{NEW_EMPLOYEE_BREAK_WEEKS} weeks and the rule of parity does not apply (it needs at least "
                        f"{PARITY_MIN_WEEKS} weeks and longer than the {before / 7:.1f} weeks worked before it): "
                        "the employee continues, and the break's months count with the hours worked in them "
                        "(§54.4980H-3(d)(6)).")
    return _Start(start, rehired, tuple(said))


# ------------------------------------------------------------------------------ measurement periods


def _average(inp: MeasureInput, kind: str, period: Period, months: int, employed_from: date) -> tuple:
    """(total, months averaged over, sentences) for a measurement period of `months` months starting on
    period[0]: the calendar months from the period's first (hours are monthly totals; an initial measurement
    period that starts on a start date in mid-month counts that month whole, its hours all being on or after
    the start date). Special unpaid leave is left out of the average, in proportion to the days of each month it
    covers (§54.4980H-3(d)(6): the average without the leave, used for the whole period, is the same as
    crediting the leave at that average)."""
    total = Decimal(0)
    divisor = Decimal(0)
    counted, missing, leave_notes = [], [], []
    for n in range(months):
        first = add_months(period[0].replace(day=1), n)
        last = month_end(first)
        key = _month_key(first)
        hours = inp.hours.get(key)
        if hours is None:
            missing.append(key)
            hours = Decimal(0)
        leave_days = _leave_days(inp.special_leave, max(first, employed_from, period[0]), min(last, period[1]))
        share = Decimal(1)
        if leave_days:
            share = Decimal(1) - Decimal(leave_days) / Decimal(last.day)
            leave_notes.append(f"{key} ({leave_days} of {last.day} days)")
        total += hours
        divisor += share
        counted.append(f"{key} {_hours_text(hours)}")
    said = [f"Months counted: {', '.join(counted)}."]
    if missing:
        said.append("No hours were reported for " + ", ".join(missing) + ": counted as 0 hours.")
    if leave_notes:
        said.append("Special unpaid leave (FMLA, USERRA or jury duty) is left out of the average "
                    "(§54.4980H-3(d)(6)): " + ", ".join(leave_notes) + f"; the average is over "
                    f"{divisor.quantize(HOURS_PLACES, ROUND_HALF_UP)} months.")
    return total, divisor, said


def _leave_days(leave: tuple[Period, ...], first: date, last: date) -> int:
    days = set()
    for start, end in leave:
        lo, hi = max(start, first), min(end, last)
        for i in range((hi - lo).days + 1):
            days.add(lo + timedelta(days=i))
    return len(days)


def _verdict(total: Decimal, months: Decimal) -> bool:
    """Full time when the average is at least 130 a month; compared as total >= 130 × months, so an average of
    129.996 (shown as 130.00) is not full time."""
    return months > 0 and total >= FULL_TIME_MONTHLY_HOURS * months


def _administrative_end(measure_end: date, budget_days: int, cap: date | None = None) -> date:
    """The last day of the administrative period: the last month end within `budget_days` days after the
    measurement period (and on or before `cap`), so that the stability period starts on the first of a month;
    the measurement period's own last day when no month end fits (no administrative period)."""
    latest = measure_end + timedelta(days=max(budget_days, 0))
    if cap is not None and latest > cap:
        latest = cap
    end = latest if latest == month_end(latest) else latest.replace(day=1) - timedelta(days=1)
    return max(end, measure_end)


def _test(inp: MeasureInput, kind: str, measurement: Period, months: int, admin_end: date,
          stability_months: int, employed_from: date, label: str) -> _Test:
    total, divisor, said = _average(inp, kind, measurement, months, employed_from)
    full = _verdict(total, divisor)
    admin = (measurement[1] + timedelta(days=1), admin_end) if admin_end > measurement[1] else None
    stab_start = admin_end + timedelta(days=1)
    stability = (stab_start, add_months(stab_start, stability_months) - timedelta(days=1))
    average = (total / divisor).quantize(HOURS_PLACES, ROUND_HALF_UP) if divisor else Decimal("0.00")
    intro = [f"{label}: {_span(measurement)} ({months} months)."]
    said.append(f"Total {_hours_text(total)} hours; average {average} a month against "
                f"{FULL_TIME_MONTHLY_HOURS} (§54.4980H-1(a)(21)): "
                + ("full time." if full else "not full time."))
    return _Test(kind, measurement, admin, stability, total, divisor, full, tuple(intro + said))


def _standard_tests(inp: MeasureInput, start: date) -> list[_Test]:
    """The standard measurement periods the employee was employed through entirely (from `start`), whose
    stability periods have begun by as_of, oldest first. The cycle repeats every `stability_months` months from
    `standard_start` (12: yearly)."""
    p = inp.policy
    anchor = date(2000, p.anchor_month, 1)
    months_since = (inp.as_of.year - anchor.year) * 12 + inp.as_of.month - anchor.month
    k_last = months_since // p.stability_months
    out = []
    for k in range(k_last - 3, k_last + 1):
        m_start = add_months(anchor, k * p.stability_months)
        m_end = add_months(m_start, p.standard_months) - timedelta(days=1)
        if m_start < start or m_end >= inp.as_of:
            continue
        admin_end = _administrative_end(m_end, p.administrative_days)
        if admin_end >= inp.as_of:
            continue
        out.append(_test(inp, "standard", (m_start, m_end), p.standard_months, admin_end, p.stability_months,
                         start, "Standard measurement period"))
    return out


def _standard_in_effect(inp: MeasureInput, start: date) -> _Test | None:
    for t in reversed(_standard_tests(inp, start)):
        if t.stability[0] <= inp.as_of <= t.stability[1]:
            return t
    return None


def _first_standard_stability(inp: MeasureInput, start: date) -> date:
    """The first day of the first stability period that follows a standard measurement period the employee is
    employed through entirely (those starting on or after `start`)."""
    p = inp.policy
    anchor = date(2000, p.anchor_month, 1)
    months_since = (start.year - anchor.year) * 12 + start.month - anchor.month
    k = months_since // p.stability_months
    while True:
        m_start = add_months(anchor, k * p.stability_months)
        if m_start >= start:
            m_end = add_months(m_start, p.standard_months) - timedelta(days=1)
            return _administrative_end(m_end, p.administrative_days) + timedelta(days=1)
        k += 1


# ------------------------------------------------------------------------------ the kinds of employee


def _new_measured(inp: MeasureInput, start: _Start, kind: str, standard: _Test | None,
                  said: list[str]) -> MeasureResult:
    """A new variable-hour, seasonal or part-time employee (§54.4980H-3(d)(3)): the initial measurement period,
    its administrative period (capped), its stability period; then the standard periods (§54.4980H-3(d)(4))."""
    p = inp.policy
    day = start.day
    imp_start = day if p.initial_start == "start_date" or day.day == 1 else first_of_next_month(day)
    imp_end = add_months(imp_start, p.initial_months) - timedelta(days=1)
    before = (imp_start - day).days
    anniversary = add_months(day, 12)
    cap = month_end(anniversary if anniversary.day == 1 else first_of_next_month(anniversary))
    admin_end = _administrative_end(imp_end, p.administrative_days - before, cap)
    words = kind.removeprefix("new_").replace("_", "-")
    said.append(f"A new {words} employee starting on {long_date(day)}: an initial measurement period of "
                f"{p.initial_months} months from "
                + ("the start date" if imp_start == day else f"the first of the next month, {long_date(imp_start)}")
                + " (§54.4980H-3(d)(3)).")
    initial = _test(inp, "initial", (imp_start, imp_end), p.initial_months, admin_end, p.stability_months, day,
                    "Initial measurement period")
    first_standard = _first_standard_stability(inp, day)
    if not initial.full_time:
        # not full time: a stability period no longer than the initial measurement period plus one month, and
        # not past the start of the first standard stability period that applies to the employee (d)(3)
        short = min(p.stability_months, p.initial_months + 1)
        end = add_months(initial.stability[0], short) - timedelta(days=1)
        if first_standard > initial.stability[0]:
            end = min(end, first_standard - timedelta(days=1))
        initial = _replace_stability(initial, (initial.stability[0], end))
    admin_words = _admin_sentence(initial, p.administrative_days, before, cap)
    if initial.full_time and initial.stability[0] <= inp.as_of <= initial.stability[1]:
        return _result(initial, said, inp, admin_words, standard_note=standard)
    if standard is not None:
        return _result(standard, said, inp, extra=[
            "The employee has been employed through an entire standard measurement period and is tested in it "
            f"(§54.4980H-3(d)(4)); the initial measurement period ({_span(initial.measurement)}) averaged "
            f"{initial.average} ({'full time' if initial.full_time else 'not full time'})."])
    if initial.stability[0] <= inp.as_of <= initial.stability[1]:
        return _result(initial, said, inp, admin_words)
    if inp.as_of < initial.stability[0]:
        in_progress = [s for s in initial.sentences if not s.startswith("Total ")]
        so_far = [m for m in inp.hours if _month_key(imp_start) <= m <= _month_key(min(inp.as_of, imp_end))]
        hours = sum((inp.hours[m] for m in so_far), Decimal(0))
        average = (hours / len(so_far)).quantize(HOURS_PLACES, ROUND_HALF_UP) if so_far else Decimal("0.00")
        return MeasureResult("in_initial_measurement", average, initial.measurement, None, tuple(
            said + in_progress[:1]
            + [f"On {long_date(inp.as_of)} the initial measurement is still under way: {len(so_far)} month(s) "
               f"reported so far, averaging {average} a month (not yet a determination)."]
            + admin_words
            + [f"The status is decided for a stability period from {long_date(initial.stability[0])}."]))
    return _result(initial, said, inp, admin_words + [
        f"The initial stability period ended on {long_date(initial.stability[1])} and the first standard "
        f"stability period for this employee begins on {long_date(first_standard)}: the last determination "
        "(not full time) stands until then."], outside=True)


def _replace_stability(t: _Test, stability: Period) -> _Test:
    return _Test(t.kind, t.measurement, t.administrative, stability, t.total, t.months, t.full_time, t.sentences)


def _admin_sentence(t: _Test, budget: int, before: int, cap: date) -> list[str]:
    out = []
    if before:
        out.append(f"The {before} days from the start date to the initial measurement period count toward the "
                   f"{budget}-day administrative period (§54.4980H-3(d)(3)(vi)).")
    adm = t.administrative
    out.append((f"Administrative period {_span(adm)} ({(adm[1] - adm[0]).days + 1} days)"
                if adm else "No administrative period")
               + f"; the initial measurement and administrative periods end no later than {long_date(cap)}, the "
                 "last day of the first calendar month beginning on or after the first anniversary of the start "
                 "date (§54.4980H-3(d)(3)(vi)).")
    return out


def _monthly(inp: MeasureInput, start: _Start, said: list[str]) -> MeasureResult:
    """A new employee reasonably expected to be full time: full time from the start (§54.4980H-3(d)(2)), each
    month by the monthly method (130 hours in the month, §54.4980H-3(c)) until employed through a standard
    measurement period."""
    day = start.day
    key = _month_key(inp.as_of)
    month = (inp.as_of.replace(day=1), month_end(inp.as_of))
    first_full = day if day.day == 1 else first_of_next_month(day)
    lnap_end = month_end(add_months(first_full, 2))
    said.append(f"A new employee reasonably expected to be full time, starting on {long_date(day)}: full time "
                "from the start, each calendar month by the monthly method (at least 130 hours of service in the "
                "month, §54.4980H-3(c)), until employed through an entire standard measurement period "
                "(§54.4980H-3(d)(2)).")
    if inp.as_of <= lnap_end:
        said.append(f"{long_date(inp.as_of)} falls in the limited non-assessment period, the first three full "
                    f"calendar months of employment (to {long_date(lnap_end)}): no §4980H payment for them if "
                    f"coverage is offered by {long_date(lnap_end + timedelta(days=1))} (§54.4980H-4(c)(2)).")
    hours = inp.hours.get(key)
    if hours is None:
        said.append(f"No hours are reported for {key} yet: the employee is full time as expected at hire.")
        return MeasureResult("full_time", Decimal("0.00"), month, None, tuple(said))
    full = monthly_status(hours)
    said.append(f"Hours in {key}: {_hours_text(hours)} against {FULL_TIME_MONTHLY_HOURS}: "
                + ("full time." if full else "not full time for that month."))
    return MeasureResult("full_time" if full else "not_full_time", hours.quantize(HOURS_PLACES, ROUND_HALF_UP),
                         month, None, tuple(said))


def _result(t: _Test, said: list[str], inp: MeasureInput, admin_words: list[str] | None = None,
            extra: list[str] = (), standard_note: _Test | None = None, outside: bool = False) -> MeasureResult:
    p = inp.policy
    out = list(said) + list(t.sentences)
    if t.kind == "standard":
        adm = t.administrative
        out.append((f"Administrative period {_span(adm)} ({(adm[1] - adm[0]).days + 1} days, at most "
                    f"{p.administrative_days})" if adm else "No administrative period")
                   + " (§54.4980H-3(d)(1)).")
    else:
        out += admin_words or []
    out += list(extra)
    months = ((t.stability[1].year - t.stability[0].year) * 12 + t.stability[1].month - t.stability[0].month
              + 1)
    if t.full_time:
        why = ("as long as the ongoing employees' stability period, §54.4980H-3(d)(3)" if t.kind == "initial"
               else f"at least six months and not shorter than the {p.standard_months}-month measurement period, "
                    "§54.4980H-3(d)(1)")
        out.append(f"Stability period {_span(t.stability)} ({months} months, {why}): full time for all of it "
                   "while employed, whatever the hours worked in it.")
        now = inp.hours.get(_month_key(inp.as_of))
        if now is not None and not monthly_status(now):
            out.append(f"The {_hours_text(now)} hours in {_month_key(inp.as_of)} are below 130, but the status "
                       "is fixed for the stability period and is tested again in the next measurement period.")
    elif t.kind == "initial":
        out.append(f"Stability period {_span(t.stability)} ({months} months: not more than one month longer than "
                   "the initial measurement period, and not past the start of the employee's first standard "
                   "stability period, §54.4980H-3(d)(3)): not full time.")
    else:
        out.append(f"Stability period {_span(t.stability)} ({months} months): not full time for it.")
    if standard_note is not None and not standard_note.full_time:
        out.append(f"The standard measurement period {_span(standard_note.measurement)} averaged "
                   f"{standard_note.average} (not full time), but a full-time initial determination holds for the "
                   "whole initial stability period (§54.4980H-3(d)(4)).")
    status = "full_time" if t.full_time else "not_full_time"
    return MeasureResult(status, t.average, t.measurement, None if outside else t.stability, tuple(out))


# ---------------------------------------------------------------------------------------------------- JSON face


def measure_json(payload: object) -> dict | list:
    """`backoffice benefits aca-measure`: one input object or a list in, the same shape out. Like the paycheck
    quote, a list is all or nothing: every bad field of every item is named (`[2].hours[3].month`) and nothing is
    measured."""
    if not isinstance(payload, list):
        return measure(MeasureInput.from_json(payload)).as_json()
    issues: list[Issue] = []
    inputs = []
    for i, item in enumerate(payload):
        try:
            inputs.append(MeasureInput.from_json(item, f"[{i}]."))
        except ValidationFailed as exc:
            issues += exc.issues
    if not payload:
        issues.append(Issue("", "the list is empty", "required"))
    if issues:
        raise ValidationFailed(issues)
    out = []
    for i, inp in enumerate(inputs):
        try:
            out.append(measure(inp).as_json())
        except ValidationFailed as exc:
            issues += [Issue(f"[{i}]." + x.field, x.message, x.code) for x in exc.issues]
    if issues:
        raise ValidationFailed(issues)
    return out


def measure_lines(lines: Iterable[str]) -> Iterator[dict]:
    """JSON Lines: one input object per line in, one result per line out; a refused line gives
    `{"line": N, "error": ..., "message": ..., "issues": [...]}` in its place and the rest go on."""
    for n, text in enumerate(lines, 1):
        if not text.strip():
            continue
        try:
            obj = json.loads(text, parse_float=Decimal)
            if not isinstance(obj, dict):
                raise ValidationFailed([Issue("", "each line is one employee: a JSON object", "invalid")])
            yield measure_json(obj)
        except json.JSONDecodeError as exc:
            yield {"line": n, "error": "invalid_json", "message": f"not JSON: {exc.msg} (column {exc.colno})"}
        except DomainError as exc:
            body = exc.as_dict() if isinstance(exc, ValidationFailed) else {"error": exc.code, "message": exc.message}
            yield {"line": n, **body}
