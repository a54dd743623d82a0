"""ACA full-time status by the look-back measurement method (Treas. Reg. §54.4980H-3) and the monthly method
(§54.4980H-3(c)): monthly hours of service in (already summed across all of the agency's clients), the status on
a day out, with its reasoning in words. Pure: no database, no clock; `as_of` is passed in."""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Mapping

from backoffice.dates import long_date, parse_date
from backoffice.errors import Issue, ValidationFailed
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


# ---------------------------------------------------------------------------------------------------- measure


def measure(inp: MeasureInput) -> MeasureResult:
    """The employee's full-time status on `inp.as_of`, with the period that decides it and the reasoning."""
    raise NotImplementedError  # body follows in the next commit
