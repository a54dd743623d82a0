"""What a client is billed, from approved time and paid paychecks: invoice periods, the hours split the paycheck
used, bill-rate, unit and cost-plus lines, tax and benefit allocation between clients, due dates (pure)."""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Sequence

from backoffice.money import D, ZERO, round_cents

RATE_PLACES = Decimal("0.0001")
OT_FACTOR = D("1.5")          # an overtime hour billed at 1.5 times the bill rate unless the engagement says
DT_FACTOR = D(2)              # a double-time hour at twice the bill rate unless the engagement says
# Biweekly invoice periods are pairs of Monday-to-Sunday weeks counted from this Monday.
BIWEEKLY_ANCHOR = date(2024, 1, 1)
FREQUENCIES = ("weekly", "biweekly", "semimonthly", "monthly")

REGULAR = "regular"
OT_PREMIUM = "overtime_premium"
DT_PREMIUM = "double_time_premium"


# ------------------------------------------------------------------------------------------------ periods
def period_of(frequency: str, day: date) -> tuple[date, date]:
    """The client's invoice period holding `day`: a Monday-to-Sunday week, a pair of weeks from BIWEEKLY_ANCHOR,
    the 1st-15th or 16th-last of a month, or a calendar month."""
    if frequency == "weekly":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if frequency == "biweekly":
        n = (day - BIWEEKLY_ANCHOR).days // 14
        start = BIWEEKLY_ANCHOR + timedelta(days=14 * n)
        return start, start + timedelta(days=13)
    last = calendar.monthrange(day.year, day.month)[1]
    if frequency == "semimonthly":
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=15)
        return day.replace(day=16), day.replace(day=last)
    if frequency == "monthly":
        return day.replace(day=1), day.replace(day=last)
    raise ValueError(f"unknown invoice frequency {frequency!r}")


def is_due(frequency: str, day: date, through: date) -> bool:
    """Work dated `day` is invoiced through `through` when its whole invoice period has ended by then."""
    return period_of(frequency, day)[1] <= through


def due_date(issue_date: date, payment_terms_days: int) -> date:
    """Net N: the invoice is due N days after it is issued."""
    return issue_date + timedelta(days=int(payment_terms_days))


def invoice_number(kind: str, n: int) -> str:
    """"INV-000001" / "CN-000001"."""
    return f"{'CN' if kind == 'credit_note' else 'INV'}-{n:06d}"


# ------------------------------------------------------------------------------------------------ facts
@dataclass(frozen=True, slots=True)
class Rates:
    """An engagement's bill rates: per hour (or per unit for piece and project pay), overtime and double time
    (None: 1.5x and 2x the bill rate)."""

    bill_rate: Decimal
    ot_bill_rate: Decimal | None = None
    dt_bill_rate: Decimal | None = None

    @property
    def overtime(self) -> Decimal:
        return self.ot_bill_rate if self.ot_bill_rate is not None else _rate(self.bill_rate * OT_FACTOR)

    @property
    def double_time(self) -> Decimal:
        return self.dt_bill_rate if self.dt_bill_rate is not None else _rate(self.bill_rate * DT_FACTOR)


def _rate(value: Decimal) -> Decimal:
    return D(value).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Sheet:
    """An approved timesheet paid by a run: its engagement's week of hours (or units), and the paycheck that pays
    it now (the run's paycheck, or its re-issue after a reversal), which its lines name."""

    timesheet_id: int
    engagement_id: int
    worker_id: int
    worker_name: str
    week_start: date
    hours: Decimal
    units: Decimal = ZERO
    paycheck_id: int | None = None


@dataclass(frozen=True, slots=True)
class EarningLine:
    """A paycheck earning line of one engagement, in paycheck order: its label (regular, overtime_premium,
    double_time_premium, piece, ...) and hours."""

    code: str
    hours: Decimal | None


@dataclass(frozen=True, slots=True)
class Split:
    """The hours of one timesheet as its paycheck paid them: straight time, overtime (1.5x) and double time."""

    regular: Decimal
    overtime: Decimal = ZERO
    double_time: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class LineDraft:
    """An invoice line before it is stored (the columns of invoice_lines)."""

    source_key: str
    worker_id: int | None
    engagement_id: int | None
    description: str
    quantity: Decimal
    unit: str
    rate: Decimal
    amount: Decimal
    service_date: date
    timesheet_id: int | None = None
    paycheck_id: int | None = None
    task_completion_id: int | None = None
    breakdown: dict | None = None


# ------------------------------------------------------------------------------------------------ bill rate
def split_hours(sheets: Sequence[Sheet], earnings: Sequence[EarningLine]) -> dict[int, Split]:
    """Each timesheet's regular / overtime / double-time hours as the paycheck split them.

    `sheets` are one engagement's timesheets paid by one paycheck, `earnings` that engagement's earning lines in
    paycheck order. The workweek engine (payroll/engine/workweek.py) writes each week's straight-time lines
    (all hours, at each rate) before that week's overtime and double-time premium lines, weeks in order; so
    walking the lines, a timesheet takes straight-time lines until their hours make its hours, then the premium
    lines that follow. Premium hours are part of the straight-time hours (the premium is the extra half or
    whole), so regular = hours - overtime - double time. A timesheet whose hours the lines do not add up to
    (which the engine never writes) falls back to all hours regular, and any premium hours left go to the last
    timesheet: nothing is lost or billed twice."""
    ordered = sorted((s for s in sheets if s.hours), key=lambda s: s.week_start)
    out = {s.timesheet_id: Split(s.hours) for s in sheets}
    lines = [e for e in earnings if e.code in (REGULAR, OT_PREMIUM, DT_PREMIUM) and e.hours is not None]
    i = 0
    leftover_ot = leftover_dt = ZERO
    for sheet in ordered:
        got = ZERO
        while i < len(lines) and lines[i].code == REGULAR and got < sheet.hours:
            got += lines[i].hours
            i += 1
        ot = dt = ZERO
        while i < len(lines) and lines[i].code != REGULAR:
            if lines[i].code == OT_PREMIUM:
                ot += lines[i].hours
            else:
                dt += lines[i].hours
            i += 1
        if got != sheet.hours or ot + dt > sheet.hours:
            leftover_ot += ot
            leftover_dt += dt
            continue
        out[sheet.timesheet_id] = Split(sheet.hours - ot - dt, ot, dt)
    for e in lines[i:]:
        if e.code == OT_PREMIUM:
            leftover_ot += e.hours
        elif e.code == DT_PREMIUM:
            leftover_dt += e.hours
    if (leftover_ot or leftover_dt) and ordered:
        last = ordered[-1]
        s = out[last.timesheet_id]
        ot, dt = s.overtime + leftover_ot, s.double_time + leftover_dt
        out[last.timesheet_id] = Split(max(last.hours - ot - dt, ZERO), ot, dt)
    return out


def _hours_text(h: Decimal) -> str:
    d = D(h).normalize()
    return f"{d:f}"


def sheet_lines(sheet: Sheet, split: Split, rates: Rates, *, unit_pay: bool = False) -> list[LineDraft]:
    """The bill-rate lines of one timesheet: regular, overtime and double-time hours at the engagement's bill
    rates (each amount rounded once), or, for piece and project pay, its units at the bill rate per unit."""
    week_end = sheet.week_start + timedelta(days=6)
    when = f"week of {sheet.week_start:%b} {sheet.week_start.day}, {sheet.week_start.year}"
    common = dict(worker_id=sheet.worker_id, engagement_id=sheet.engagement_id, timesheet_id=sheet.timesheet_id,
                  paycheck_id=sheet.paycheck_id, service_date=week_end)
    if unit_pay:
        if not sheet.units:
            return []
        rate = rates.bill_rate
        return [LineDraft(f"ts:{sheet.timesheet_id}:units", description=f"{sheet.worker_name}, units, {when}",
                          quantity=sheet.units, unit="unit", rate=rate, amount=round_cents(sheet.units * rate),
                          **common)]
    out = []
    for part, unit, hours, rate, words in (
            ("regular", "hour", split.regular, rates.bill_rate, "regular hours"),
            ("overtime", "overtime_hour", split.overtime, rates.overtime, "overtime hours"),
            ("double_time", "double_time_hour", split.double_time, rates.double_time, "double-time hours")):
        if not hours:
            continue
        out.append(LineDraft(f"ts:{sheet.timesheet_id}:{part}", description=f"{sheet.worker_name}, {words}, {when}",
                             quantity=hours, unit=unit, rate=rate, amount=round_cents(hours * rate), **common))
    return out


@dataclass(frozen=True, slots=True)
class Task:
    """A completed task paid by a run: units at its bill rate per unit (None: the engagement's bill rate), and
    the paycheck that pays it now."""

    task_completion_id: int
    engagement_id: int
    worker_id: int
    worker_name: str
    task_ref: str
    work_date: date
    units: Decimal
    bill_rate: Decimal | None
    paycheck_id: int | None = None


def task_line(task: Task, rates: Rates) -> LineDraft:
    rate = task.bill_rate if task.bill_rate is not None else rates.bill_rate
    return LineDraft(f"task:{task.task_completion_id}", worker_id=task.worker_id, engagement_id=task.engagement_id,
                     description=f"{task.worker_name}, task {task.task_ref}, {task.work_date.isoformat()}",
                     quantity=task.units, unit="unit", rate=rate, amount=round_cents(task.units * rate),
                     service_date=task.work_date, task_completion_id=task.task_completion_id,
                     paycheck_id=task.paycheck_id)


# ------------------------------------------------------------------------------------------------ salary
@dataclass(frozen=True, slots=True)
class SalaryPay:
    """One paycheck's salary at one salaried engagement (pay unit week or year) of a bill-rate client: what it
    paid, and the engagement's pay and bill rates, both per its pay unit."""

    paycheck_id: int
    engagement_id: int
    worker_id: int
    worker_name: str
    period_start: date
    period_end: date
    pay_unit: str
    salary: Decimal
    pay_rate: Decimal
    bill_rate: Decimal


def salary_line(pay: SalaryPay) -> LineDraft | None:
    """The paycheck's salary billed at the engagement's bill rate: salary paid × bill rate ÷ pay rate, rounded
    once. The client is billed the same share of the agreed bill rate as the paycheck paid of the salary (a full
    period, a pro-rated first or last one, a salary correction alike). $52,000 a year paid weekly is $1,000.00 a
    week; billed at $78,000 a year: 1,000.00 × 78,000 ÷ 52,000 = $1,500.00. One line per paycheck and engagement
    (`sal:<paycheck>:<engagement>`); none when the pay rate is zero (no share to take)."""
    if not pay.pay_rate or not pay.salary:
        return None
    amount = round_cents(pay.salary * pay.bill_rate / pay.pay_rate)
    per = "a year" if pay.pay_unit == "year" else "a week"
    period = f"{pay.period_start.isoformat()} to {pay.period_end.isoformat()}"
    return LineDraft(f"sal:{pay.paycheck_id}:{pay.engagement_id}", worker_id=pay.worker_id,
                     engagement_id=pay.engagement_id,
                     description=f"{pay.worker_name}, salary {period}: {pay.salary:,.2f} paid × bill "
                                 f"{pay.bill_rate:,.2f} ÷ pay {pay.pay_rate:,.2f} {per}",
                     quantity=D(1), unit="salary", rate=amount, amount=amount, service_date=pay.period_end,
                     paycheck_id=pay.paycheck_id,
                     breakdown={"salary": str(pay.salary), "pay_rate": str(pay.pay_rate),
                                "bill_rate": str(pay.bill_rate), "per": pay.pay_unit})


# ------------------------------------------------------------------------------------------------ cost-plus
@dataclass(frozen=True, slots=True)
class PaycheckCost:
    """What one paycheck cost the agency: wages by engagement (every client's), employer taxes and benefit
    contributions in total (a paycheck's taxes are computed on the combined wages), workers' comp premium by
    engagement."""

    paycheck_id: int
    worker_id: int
    worker_name: str
    pay_date: date
    period_start: date
    period_end: date
    wages: dict[int, Decimal]                     # engagement id -> earnings at that engagement
    employer_taxes: Decimal
    benefits: Decimal
    workers_comp: dict[int, Decimal] = field(default_factory=dict)
    leave: dict[int, Decimal] = field(default_factory=dict)   # of the wages, paid leave (sick leave, PTO) by engagement


def allocate(total: Decimal, weights: dict[int, Decimal]) -> dict[int, Decimal]:
    """`total` spread over the keys in proportion to their weights, each share rounded to the cent and the last
    key (highest id) taking the rest, so the shares add up to the total to the cent."""
    keys = sorted(weights)
    whole = sum((weights[k] for k in keys), ZERO)
    if not keys:
        return {}
    if not whole:
        return {k: (total if k == keys[-1] else ZERO) for k in keys}
    out, left = {}, total
    for k in keys[:-1]:
        out[k] = round_cents(total * weights[k] / whole)
        left -= out[k]
    out[keys[-1]] = left
    return out


def cost_plus_lines(pc: PaycheckCost, engagement_ids: Iterable[int], markup_rate: Decimal) -> list[LineDraft]:
    """One cost-plus line per engagement of the client in this paycheck: wages + employer taxes + benefits +
    workers' comp, plus the markup on their sum (rounded once). When the paycheck pays several engagements
    (clients), the employer taxes and benefits are shared by wages and the breakdown says each share. Paid leave
    the paycheck carries (approved sick leave or PTO, `leave`) is billed on its own line as leave, not as wages
    worked: its share of the employer taxes and benefits goes with it, workers' comp stays with the hours worked."""
    weights: dict[tuple[int, int], Decimal] = {}
    for eid, wages in pc.wages.items():
        leave = min(pc.leave.get(eid, ZERO), wages)
        weights[(eid, 0)] = wages - leave
        if leave:
            weights[(eid, 1)] = leave
    taxes = allocate(pc.employer_taxes, weights)
    benefits = allocate(pc.benefits, weights)
    whole = sum(pc.wages.values(), ZERO)
    shared = len(pc.wages) > 1
    period = f"{pc.period_start.isoformat()} to {pc.period_end.isoformat()}"
    out = []
    for eid in sorted(set(engagement_ids)):
        if pc.wages.get(eid, ZERO) <= 0:
            continue
        for part in (0, 1):
            wages = weights.get((eid, part), ZERO)
            if wages <= 0:
                continue
            wc = pc.workers_comp.get(eid, ZERO) if part == 0 else ZERO
            cost = wages + taxes[(eid, part)] + benefits[(eid, part)] + wc
            markup = round_cents(cost * markup_rate)
            amount = cost + markup
            breakdown = {"leave_pay" if part else "wages": str(wages), "employer_taxes": str(taxes[(eid, part)]),
                         "benefits": str(benefits[(eid, part)]), "workers_comp": str(wc), "cost": str(cost),
                         "markup_rate": str(markup_rate), "markup": str(markup)}
            if shared:
                breakdown["allocation"] = (
                    f"this paycheck paid {whole} of wages at {len(pc.wages)} engagements; this engagement's "
                    f"{pc.wages[eid]} carries the same share of the paycheck's employer taxes {pc.employer_taxes} "
                    f"and benefits {pc.benefits}")
            if part:
                breakdown["note"] = ("approved paid leave (sick leave or PTO) the paycheck paid: wages for time not "
                                     "worked, billed as leave")
                key, what = f"pc:{pc.paycheck_id}:{eid}:leave", f"paid leave in pay {period}"
            else:
                key, what = f"pc:{pc.paycheck_id}:{eid}", f"pay {period}"
            out.append(LineDraft(key, worker_id=pc.worker_id, engagement_id=eid,
                                 description=f"{pc.worker_name}, {what}: cost {cost} + markup {markup}",
                                 quantity=D(1), unit="cost_plus", rate=amount, amount=amount,
                                 service_date=pc.period_end, paycheck_id=pc.paycheck_id, breakdown=breakdown))
    return out


# ------------------------------------------------------------------------------------------------ grouping
@dataclass(frozen=True, slots=True)
class Terms:
    """A client's billing terms."""

    client_id: int
    billing_method: str
    markup_rate: Decimal
    frequency: str
    grouping: str
    payment_terms_days: int
    po_number: str


@dataclass
class InvoiceDraft:
    """One invoice to create: a client, a period (and a worker when invoices are per worker), its lines."""

    client_id: int
    period_start: date
    period_end: date
    worker_id: int | None
    lines: list[LineDraft] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((ln.amount for ln in self.lines), ZERO)


def group_lines(terms: Terms, lines: Iterable[LineDraft], through: date) -> list[InvoiceDraft]:
    """The client's invoices due through `through`: lines whose invoice period has ended, one invoice per period
    (and per worker when the client asks for per-worker invoices), periods in order."""
    drafts: dict[tuple, InvoiceDraft] = {}
    for ln in lines:
        if not is_due(terms.frequency, ln.service_date, through):
            continue
        start, end = period_of(terms.frequency, ln.service_date)
        worker = ln.worker_id if terms.grouping == "per_worker" else None
        key = (start, worker or 0)
        if key not in drafts:
            drafts[key] = InvoiceDraft(terms.client_id, start, end, worker)
        drafts[key].lines.append(ln)
    out = []
    for key in sorted(drafts):
        d = drafts[key]
        d.lines.sort(key=lambda ln: (ln.worker_id or 0, ln.service_date))      # stable: each source's order
        if d.lines:
            out.append(d)
    return out
