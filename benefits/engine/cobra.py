"""COBRA deadlines, maximum coverage and premiums for one qualified beneficiary: pure (facts in, frozen result out).

Every period comes from benefits/engine/data/cobra_rules.json, which names the statute or regulation of each;
the explanation says which rule gave each date. Days are calendar days; "N days after D" is D + N (the deadline
day itself still counts as timely). A month period ends the day before the same day N months on (Mar 31 + 1 month
is Apr 30; a day a month lacks is clamped to the month's last day)."""
from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from backoffice.errors import Issue, ValidationFailed

DATA = Path(__file__).resolve().parent / "data" / "cobra_rules.json"

EVENT_KINDS = ("termination", "reduction_of_hours", "reclassification", "divorce", "legal_separation",
               "dependent_child", "death", "medicare_entitlement")
EVENT_LABELS = {"termination": "termination of employment", "reduction_of_hours": "reduction of hours below "
                "eligibility", "reclassification": "reclassification to contractor (end of employee status)",
                "divorce": "divorce", "legal_separation": "legal separation",
                "dependent_child": "a child ceasing to be a dependent (age 26)", "death": "death of the employee",
                "medicare_entitlement": "the employee's Medicare entitlement"}
# The employer tells the administrator of these (1166(a)(2)); the beneficiary of the others (1166(a)(3)).
EMPLOYER_EVENTS = ("termination", "reduction_of_hours", "reclassification", "death", "medicare_entitlement")
BENEFICIARIES = ("employee", "spouse", "child")
LOSS_RULES = ("end_of_month", "event_date")
CENT = Decimal("0.01")


@lru_cache(maxsize=1)
def rules() -> dict:
    with DATA.open(encoding="utf-8") as fh:
        return json.load(fh)


def _days(key: str, sub: str | None = None) -> int:
    r = rules()[key]
    return (r[sub] if sub else r)["days"]


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def add_months(d: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (Jan 31 + 1 = Feb 28/29)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def period_end(start: date, months: int) -> date:
    """The last day of a period of `months` months that begins on `start` (Apr 1 + 18 months ends Sep 30 of the
    next year; Mar 15 + 18 months ends Sep 14)."""
    return add_months(start, months) - timedelta(days=1)


def fmt_day(d: date) -> str:
    return f"{d:%b} {d.day}, {d.year}"


@dataclass(frozen=True)
class Disability:
    """The Social Security Administration found the beneficiary disabled from `onset`, determined on
    `determined_on`; the administrator was told on `notified_on`."""

    onset: date
    determined_on: date
    notified_on: date


@dataclass(frozen=True)
class CobraFacts:
    event_kind: str
    event_date: date
    beneficiary: str = "employee"                # employee | spouse | child
    loss_rule: str = "end_of_month"              # the plan's: coverage ends at the end of the event's month, or on it
    employer_is_administrator: bool = True       # the agency administers its own plan (29 CFR 2590.606-4(b)(2))
    administrator_notified_on: date | None = None
    election_notice_sent_on: date | None = None
    elected_on: date | None = None
    medicare_entitlement_on: date | None = None  # the covered employee's, when before the event
    disability: Disability | None = None
    second_event_kind: str | None = None
    second_event_date: date | None = None

    def issues(self) -> list[Issue]:
        out = []
        if self.event_kind not in EVENT_KINDS:
            out.append(Issue("event_kind", f"must be one of {', '.join(EVENT_KINDS)}"))
        if self.beneficiary not in BENEFICIARIES:
            out.append(Issue("beneficiary", f"must be one of {', '.join(BENEFICIARIES)}"))
        elif self.beneficiary == "employee" and self.event_kind in ("divorce", "legal_separation",
                                                                  "dependent_child", "death"):
            out.append(Issue("beneficiary", f"the employee is not a qualified beneficiary of {self.event_kind}"))
        if self.loss_rule not in LOSS_RULES:
            out.append(Issue("loss_rule", f"must be one of {', '.join(LOSS_RULES)}"))
        if self.elected_on is not None and self.elected_on < self.event_date:
            out.append(Issue("elected_on", "an election comes after the qualifying event"))
        if self.second_event_kind is not None and (self.second_event_kind not in rules()["second_event"]["events"]
                                                   or self.second_event_date is None):
            out.append(Issue("second_event_kind", "a second event is a death, divorce, legal separation, a child "
                                                  "ceasing to be a dependent or Medicare entitlement, with its date"))
        return out


@dataclass(frozen=True)
class CobraDeadlines:
    event_kind: str
    event_date: date
    loss_of_coverage: date            # the last day of active coverage under the plan
    coverage_start: date              # the first day of COBRA coverage
    administrator_notice_due: date
    administrator_notice_by: str      # employer | qualified_beneficiary
    election_notice_due: date
    election_deadline: date
    first_premium_due: date | None    # once elected
    max_months: int
    coverage_max_end: date
    disability_extended: bool
    explanation: tuple[str, ...]


def deadlines(f: CobraFacts) -> CobraDeadlines:
    """Every deadline of one qualified beneficiary's case, each with its rule in the explanation."""
    issues = f.issues()
    if issues:
        raise ValidationFailed(issues)
    r = rules()
    why: list[str] = []
    ev = f.event_date
    loss = month_end(ev) if f.loss_rule == "end_of_month" else ev
    start = loss + timedelta(days=1)
    why.append(f"Qualifying event: {EVENT_LABELS[f.event_kind]} on {fmt_day(ev)}; the plan ends coverage "
               + ("at the end of that month" if f.loss_rule == "end_of_month" else "on the event day")
               + f", {fmt_day(loss)}; COBRA coverage would begin {fmt_day(start)}.")

    if f.event_kind in EMPLOYER_EVENTS:
        by, days = "employer", _days("administrator_notice_days", "employer")
        admin_due = ev + timedelta(days=days)
        why.append(f"The employer tells the plan administrator by {fmt_day(admin_due)}: {days} days after the "
                   "event (29 U.S.C. 1166(a)(2)).")
    else:
        by, days = "qualified_beneficiary", _days("administrator_notice_days", "qualified_beneficiary")
        admin_due = max(ev, loss) + timedelta(days=days)
        why.append(f"The employee or beneficiary tells the plan administrator by {fmt_day(admin_due)}: {days} days "
                   "after the later of the event and the loss of coverage (29 U.S.C. 1166(a)(3); 29 CFR "
                   "2590.606-3(b)).")

    if f.administrator_notified_on is not None and (by == "qualified_beneficiary" or not f.employer_is_administrator):
        days = _days("election_notice_days", "after_administrator_notified")
        notice_due = f.administrator_notified_on + timedelta(days=days)
        why.append(f"Election notice due {fmt_day(notice_due)}: {days} days after the administrator was told on "
                   f"{fmt_day(f.administrator_notified_on)} (29 U.S.C. 1166(c)).")
    elif f.employer_is_administrator and by == "employer":
        days = _days("election_notice_days", "employer_is_administrator")
        notice_due = ev + timedelta(days=days)
        why.append(f"Election notice due {fmt_day(notice_due)}: {days} days after the event, the employer being "
                   "the plan administrator (29 CFR 2590.606-4(b)(2)).")
    else:
        days = _days("election_notice_days", "after_administrator_notified")
        notice_due = admin_due + timedelta(days=days)
        why.append(f"Election notice due {fmt_day(notice_due)}: {days} days after the administrator's notice is "
                   f"due (29 U.S.C. 1166(c)); sooner when it comes sooner.")

    days = r["election_period_days"]["days"]
    notice_day = f.election_notice_sent_on or notice_due
    election_deadline = max(loss, notice_day) + timedelta(days=days)
    why.append(f"Election by {fmt_day(election_deadline)}: {days} days after the later of the loss of coverage "
               f"({fmt_day(loss)}) and the election notice ({fmt_day(notice_day)}"
               + ("" if f.election_notice_sent_on else ", its due date until it is sent") + ") (29 U.S.C. 1165(a)(1)).")

    first_due = None
    if f.elected_on is not None:
        days = r["first_premium_days"]["days"]
        first_due = f.elected_on + timedelta(days=days)
        why.append(f"Elected {fmt_day(f.elected_on)}: the first premium (every month up to then) is due by "
                   f"{fmt_day(first_due)}, {days} days after the election (29 U.S.C. 1162(3)); each later month "
                   f"within {r['grace_days']['days']} days of its first day (26 CFR 54.4980B-8 Q&A-5).")

    months = r["maximum_months"][f.event_kind]
    max_end = period_end(start, months)
    why.append(f"Maximum coverage {months} months, to {fmt_day(max_end)} ("
               + ("29 U.S.C. 1162(2)(A)(i): termination or reduction of hours" if months == 18
                  else "29 U.S.C. 1162(2)(A)(iv)") + "; 26 CFR 54.4980B-7 Q&A-4; measured from the loss of coverage "
               "as the plan provides).")
    extended = False
    if months == 18 and f.disability is not None:
        max_end, extended = _disability(f, start, max_end, why)
    if months == 18 and f.second_event_kind is not None and f.beneficiary != "employee":
        max_end, months = _second_event(f, start, max_end, months, why)
    if (months == 18 and f.beneficiary != "employee" and f.medicare_entitlement_on is not None
            and f.event_kind in ("termination", "reduction_of_hours", "reclassification")
            and add_months(f.medicare_entitlement_on, 18) > ev and f.medicare_entitlement_on <= ev):
        m = r["medicare_before_event"]["months"]
        medicare_end = period_end(f.medicare_entitlement_on, m)
        if medicare_end > max_end:
            max_end = medicare_end
            why.append(f"The employee became entitled to Medicare on {fmt_day(f.medicare_entitlement_on)}, less "
                       f"than 18 months before the event: the {f.beneficiary}'s coverage lasts {m} months from then, "
                       f"to {fmt_day(medicare_end)} (29 U.S.C. 1162(2)(A)(v)).")
    if extended and max_end > period_end(start, 29):
        extended = False        # a 36-month second event replaced the disability months
    max_months = _months_between(start, max_end)
    return CobraDeadlines(f.event_kind, ev, loss, start, admin_due, by, notice_due, election_deadline, first_due,
                          max_months, max_end, extended, tuple(why))


def _months_between(start: date, end: date) -> int:
    """Whole months from `start` through `end` (Apr 1 .. Sep 30 next year is 18)."""
    n = 0
    while period_end(start, n + 1) <= end:
        n += 1
    return n


def _disability(f: CobraFacts, start: date, max_end: date, why: list[str]) -> tuple[date, bool]:
    r = rules()["disability_extension"]
    dis = f.disability
    first_days_end = start + timedelta(days=r["first_days"] - 1)
    notice_by = min(max(dis.determined_on, f.event_date, start - timedelta(days=1)) + timedelta(days=r["notice_days"]),
                    max_end)
    if dis.onset > first_days_end:
        why.append(f"No disability extension: the disability began {fmt_day(dis.onset)}, after the first "
                   f"{r['first_days']} days of COBRA coverage (to {fmt_day(first_days_end)}).")
        return max_end, False
    if dis.notified_on > notice_by:
        why.append(f"No disability extension: the administrator was told on {fmt_day(dis.notified_on)}, after "
                   f"{fmt_day(notice_by)} (60 days after the determination and before the 18 months end, "
                   "29 CFR 2590.606-3(e)).")
        return max_end, False
    end = period_end(start, r["months"])
    why.append(f"Disability extension to {r['months']} months, to {fmt_day(end)}: disabled from "
               f"{fmt_day(dis.onset)} (within the first {r['first_days']} days), determined "
               f"{fmt_day(dis.determined_on)}, notice {fmt_day(dis.notified_on)} (29 U.S.C. 1162(2)(A)); "
               "months 19 to 29 cost up to 150% (29 U.S.C. 1162(3)).")
    return end, True


def _second_event(f: CobraFacts, start: date, max_end: date, months: int, why: list[str]) -> tuple[date, int]:
    r = rules()["second_event"]
    second = f.second_event_date
    if not (f.event_date < second <= max_end):
        why.append(f"The {f.second_event_kind} on {fmt_day(second)} is outside the coverage period: no extension.")
        return max_end, months
    end = period_end(start, r["months"])
    why.append(f"Second qualifying event ({EVENT_LABELS[f.second_event_kind]}) on {fmt_day(second)} within the "
               f"period: the {f.beneficiary}'s coverage extends to {r['months']} months after the first event, to "
               f"{fmt_day(end)} (29 U.S.C. 1162(2)(A)(ii); 26 CFR 54.4980B-7 Q&A-4(b)).")
    return end, r["months"]


# --- premiums ----------------------------------------------------------------------------------------------------

def _half_up(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def monthly_premium(plan_cost: Decimal, month_number: int, disability_extended: bool) -> Decimal:
    """The COBRA premium of coverage month `month_number` (1 is the first): 102% of the plan's whole monthly cost
    for the tier, 150% in months 19-29 of a disability extension (29 U.S.C. 1162(3)); half up to the cent."""
    p = rules()["premium"]
    pct = Decimal(p["percent"])
    if disability_extended and p["disability_from_month"] <= month_number <= p["disability_to_month"]:
        pct = Decimal(p["disability_percent"])
    return _half_up(plan_cost * pct)


@dataclass(frozen=True)
class PremiumMonth:
    month: date              # the first day of the coverage month
    number: int              # 1 for the first month of COBRA coverage
    amount: Decimal
    due_date: date
    grace_end: date          # the last day a payment is timely


def premium_schedule(d: CobraDeadlines, plan_cost: Decimal, elected_on: date, through: date) -> list[PremiumMonth]:
    """The coverage months from the start of COBRA coverage to `through` (and not past the maximum), each with its
    amount, due date and last timely day. Months that began by the election are part of the first payment, due 45
    days after the election; a later month is due on its first day, timely for 30 days (and never before the first
    payment's deadline: 26 CFR 54.4980B-8 Q&A-5(b))."""
    r = rules()
    first_due = elected_on + timedelta(days=r["first_premium_days"]["days"])
    out = []
    month = d.coverage_start.replace(day=1)
    n = 1
    while month <= min(through, d.coverage_max_end):
        if month <= elected_on:
            due = grace = first_due
        else:
            due = month
            grace = max(month + timedelta(days=r["grace_days"]["days"]), first_due)
        out.append(PremiumMonth(month, n, monthly_premium(plan_cost, n, d.disability_extended), due, grace))
        month = add_months(month, 1)
        n += 1
    return out


def nonpayment_end(d: CobraDeadlines, schedule: list[PremiumMonth], paid: set[date], on: date) -> date | None:
    """The day coverage ends for non-payment as seen on `on`, or None while every month past its grace is paid.
    An unpaid first payment: COBRA coverage never took effect (it ends on the loss of coverage). A later month
    unpaid after its grace: coverage ends on the last day of the month before it (26 CFR 54.4980B-7 Q&A-1(a)(2))."""
    for m in schedule:
        if m.month not in paid and on > m.grace_end:
            return d.loss_of_coverage if m.number == 1 else m.month - timedelta(days=1)
    return None
