"""Carrier bills: import a carrier's monthly bill (CSV, all-or-nothing), reconcile it member by member against the
enrollments (benefits/engine/reconcile.py) and keep the variances, let HR or finance mark one explained with a
note, split the pool's monthly cost to clients to the cent, and show how each month's invoice was funded.
See docs/premium-reconciliation.md."""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

import sqlalchemy as sa

from backoffice.audit import record_event
from backoffice.clock import clock
from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, NotFound, raise_if
from backoffice.extensions import db
from backoffice.money import ZERO, D
from backoffice.uow import transaction
from benefits.carriers import CoveredMember, carrier_of, covered_members
from benefits.engine.pool import largest_remainder
from benefits.engine.reconcile import (BillLine, Coverage, Reconciliation, in_force_at_month_end, last_day, month_of,
                                       parse_bill, reconcile as match)
from benefits.models import BenefitPlan, Carrier, Enrollment
from benefits.recon_models import CarrierBill, CarrierBillLine, PremiumVariance
from payroll.models import Paycheck, PayrollRun
from payroll.models_deductions import DeductionTake, WorkerDeduction

MAX_BYTES = 10 * 1024 * 1024
# runs whose paychecks were paid (a reversed run's paychecks were paid too; their reversals carry the negatives)
PAID_RUN_STATES = ("approved", "paid", "reversed")


def _month(value) -> date:
    if isinstance(value, date):
        return value.replace(day=1)
    try:
        return month_of(str(value))
    except ValueError as exc:
        raise_if([Issue("month", str(exc))])




def _plans_by_name(carrier_id: int) -> dict[str, list[BenefitPlan]]:
    out: dict[str, list[BenefitPlan]] = defaultdict(list)
    for p in db.session.execute(sa.select(BenefitPlan).where(BenefitPlan.carrier_id == carrier_id)).scalars():
        out[p.name.casefold()].append(p)
    return out


def _resolve(lines: Iterable[BillLine], carrier: Carrier) -> list[BillLine]:
    """Each line's plan: the carrier's plan of that name whose plan year holds the coverage month."""
    plans = _plans_by_name(carrier.id)
    issues, out = [], []
    for ln in lines:
        hit = [p for p in plans.get(ln.plan.casefold(), ())
               if p.plan_year_start <= last_day(ln.coverage_month) and p.plan_year_end >= ln.coverage_month]
        if not hit:
            issues.append(Issue("plan", f"{ln.plan!r} is not a plan of {carrier.code} in {ln.coverage_month:%Y-%m} "
                                        f"(its plans: {', '.join(sorted({p[0].name for p in plans.values()})) or 'none'})",
                                "not_found", ln.row))
            continue
        out.append(BillLine(**{**ln.__dict__, "plan_id": hit[0].id}))
    raise_if(issues)
    return out


@transaction()
def import_bill(carrier, month, content: bytes, filename: str = "", user_id: int | None = None) -> CarrierBill:
    """Store a carrier's bill for `month` (date or "YYYY-MM") from its CSV bytes; every bad cell is named by row and
    column and nothing is saved when any is bad. The same file (sha256) for the same carrier and month is the bill
    already imported, returned as it is (the database's unique key says so too)."""
    c = carrier_of(carrier)
    m = _month(month)
    if len(content) > MAX_BYTES:
        raise_if([Issue("file", f"larger than {MAX_BYTES // (1024 * 1024)} MB", "too_large")])
    digest = hashlib.sha256(content).hexdigest()
    same = db.session.execute(sa.select(CarrierBill).where(
        CarrierBill.carrier_id == c.id, CarrierBill.month == m, CarrierBill.sha256 == digest)).scalar_one_or_none()
    if same is not None:
        return same
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise_if([Issue("file", "is not UTF-8 text (save the bill as CSV UTF-8)", "invalid", 1)])
    lines = _resolve(parse_bill(text, m), c)
    bill = CarrierBill(carrier_id=c.id, month=m, total=sum((ln.premium for ln in lines), ZERO),
                       line_count=len(lines), filename=(filename or "")[:200], sha256=digest, imported_at=utcnow(),
                       imported_by_id=user_id)
    db.session.add(bill)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as exc:          # the same file imported at the same moment by someone else
        raise DomainError("this bill was imported by another user just now: open the carrier bills list",
                          code="duplicate") from exc
    db.session.execute(sa.insert(CarrierBillLine), [
        {"bill_id": bill.id, "row": ln.row, "member_id": ln.member_id, "last_name": ln.last_name,
         "first_name": ln.first_name, "plan_name": ln.plan, "plan_id": ln.plan_id,
         "coverage_tier": ln.coverage_tier, "coverage_month": ln.coverage_month, "premium": ln.premium,
         "adjustment_type": ln.adjustment_type} for ln in lines])
    return bill


def _coverage(m: CoveredMember) -> Coverage:
    return Coverage(member_id=m.member_id, subscriber_id=m.subscriber_id, worker_id=m.worker_id,
                    dependent_id=m.dependent_id, first_name=m.first_name, last_name=m.last_name, plan_id=m.plan_id,
                    plan_name=m.plan_name, coverage_tier=m.coverage_tier, monthly_premium=m.monthly_premium,
                    start=m.start, end=m.end, client_id=m.client_id)


def expected_coverage(carrier_id: int, months: Iterable[date]) -> dict[date, tuple[Coverage, ...]]:
    """Who the enrollments cover in each month (any day of it: a carrier bills the whole month)."""
    return {m: tuple(_coverage(x) for x in covered_members(carrier_id, m, last_day(m))) for m in set(months)}


def get_bill(bill_id: int) -> CarrierBill:
    bill = db.session.get(CarrierBill, bill_id)
    if bill is None:
        raise NotFound(f"carrier bill {bill_id} not found")
    return bill


def _bill_lines(bill: CarrierBill) -> list[BillLine]:
    return [BillLine(row=x.row, member_id=x.member_id, last_name=x.last_name, first_name=x.first_name,
                     plan=x.plan_name, coverage_tier=x.coverage_tier, coverage_month=x.coverage_month,
                     premium=x.premium, adjustment_type=x.adjustment_type, plan_id=x.plan_id)
            for x in db.session.execute(sa.select(CarrierBillLine).where(CarrierBillLine.bill_id == bill.id)
                                        .order_by(CarrierBillLine.row)).scalars()]


_COMPUTED = ("kind", "member_id", "name", "plan_id", "plan_name", "coverage_month", "billed_tier", "expected_tier",
             "billed_premium", "expected_premium", "amount", "row")


@transaction()
def reconcile(bill_id: int) -> Reconciliation:
    """Match the bill with the enrollments as they are now and keep the variances: a variance a person explained
    keeps its note and stays explained; one no longer found is removed. Returns the engine's result."""
    bill = get_bill(bill_id)
    lines = _bill_lines(bill)
    months = {bill.month} | {ln.coverage_month for ln in lines}
    result = match(bill.month, lines, expected_coverage(bill.carrier_id, months))
    have = {v.key: v for v in db.session.execute(
        sa.select(PremiumVariance).where(PremiumVariance.bill_id == bill.id)).scalars()}
    found = set()
    for v in result.variances:
        found.add(v.key)
        row = have.get(v.key)
        if row is None:
            row = PremiumVariance(bill_id=bill.id, key=v.key)
            db.session.add(row)
        for name in _COMPUTED:
            setattr(row, name, getattr(v, name))
        row.name = (v.name or "")[:250]
        row.reason = v.reason[:500]
        if row.explained_at is None:               # a person's explanation stands
            row.explained = v.explained
    for key, row in have.items():
        if key not in found:
            db.session.delete(row)
    db.session.flush()
    bill.reconciled_at = utcnow()
    bill.expected_total = result.expected_total
    bill.unexplained = db.session.execute(sa.select(sa.func.count()).select_from(PremiumVariance).where(
        PremiumVariance.bill_id == bill.id, PremiumVariance.explained.is_(False))).scalar_one()
    return result


def variances(bill_id: int) -> list[PremiumVariance]:
    """The bill's stored variances, current month first then retro, member by member."""
    return list(db.session.execute(sa.select(PremiumVariance).where(PremiumVariance.bill_id == bill_id).order_by(
        PremiumVariance.coverage_month.desc(), PremiumVariance.row.is_(None), PremiumVariance.row,
        PremiumVariance.member_id, PremiumVariance.id)).scalars())


@transaction()
def explain_variance(variance_id: int, note: str, user_id: int | None = None) -> PremiumVariance:
    """Mark a variance explained with a note (who and when are kept; the change is in the audit log)."""
    v = db.session.get(PremiumVariance, variance_id)
    if v is None:
        raise NotFound(f"variance {variance_id} not found")
    note = (note or "").strip()
    raise_if([Issue("note", "say why the variance is explained (the note is kept with it)", "required")]
             if not note else [Issue("note", "is longer than 500 characters", "too_long")] if len(note) > 500 else [])
    v.explained, v.note, v.explained_by_id, v.explained_at = True, note, user_id, utcnow()
    db.session.flush()
    bill = v.bill
    bill.unexplained = db.session.execute(sa.select(sa.func.count()).select_from(PremiumVariance).where(
        PremiumVariance.bill_id == bill.id, PremiumVariance.explained.is_(False))).scalar_one()
    record_event("explained", "premium_bill", bill.id,
                 {"variance_id": v.id, "key": v.key, "amount": str(v.amount), "note": note})
    return v


# --- the pool: allocation to clients and the month's funding ----------------------------------------------------

def latest_bills(carrier_id: int | None, month) -> list[CarrierBill]:
    """The month's bill of each carrier (the latest imported when a corrected file followed the first)."""
    m = _month(month)
    q = sa.select(CarrierBill).where(CarrierBill.month == m)
    if carrier_id is not None:
        q = q.where(CarrierBill.carrier_id == carrier_id)
    out: dict[int, CarrierBill] = {}
    for b in db.session.execute(q.order_by(CarrierBill.imported_at, CarrierBill.id)).scalars():
        out[b.carrier_id] = b
    return [out[k] for k in sorted(out)]


def month_members(carrier_id: int, month: date, subscribers_only: bool = False) -> list[CoveredMember]:
    """The carrier's members in `month` (covered any day of it), one per member and plan: the election in force at
    the month's end (the reconciliation's rule), ordered by worker, plan and dependent."""
    rows = in_force_at_month_end(covered_members(carrier_id, month, last_day(month))).values()
    return sorted((m for m in rows if not subscribers_only or m.dependent_id is None),
                  key=lambda m: (m.worker_id, m.plan_id, m.dependent_id or 0))


def _premium_by_client(carrier_id: int, month: date) -> dict[int | None, object]:
    """Each client's workers' premiums in the month (subscriber rows). COBRA continuants pay their own premium, and
    members with no leased engagement have no client: both fall to None, the agency's own share."""
    weights: dict[int | None, object] = defaultdict(lambda: ZERO)
    for m in month_members(carrier_id, month, subscribers_only=True):
        weights[None if m.cobra else m.client_id] += m.monthly_premium
    return dict(weights)


def pool_allocation(carrier_id: int | None, month) -> list[dict]:
    """The pool's cost for `month` (each carrier's bill total; every carrier with a bill when `carrier_id` is None)
    split to clients to the cent by the largest remainder, in proportion to their workers' premiums that month:
    [{"client_id": int | None, "amount": Decimal}], by client id, None (the agency: COBRA continuants, members with
    no client, or a bill with no enrolled member at all) last. Each carrier's parts add up to its bill exactly.
    The input to client billing (issue 16)."""
    m = _month(month)
    totals: dict[int | None, object] = defaultdict(lambda: ZERO)
    for bill in latest_bills(carrier_id, m):
        weights = _premium_by_client(bill.carrier_id, m)
        if not weights or not any(weights.values()):
            weights = {None: D(1)}
        for client, amount in largest_remainder(bill.total, weights).items():
            totals[client] += amount
    return [{"client_id": k, "amount": totals[k]} for k in sorted(totals, key=lambda k: (k is None, k or 0))]


def _enrollment_ids(carrier_id: int | None):
    q = sa.select(Enrollment.id).join(BenefitPlan, BenefitPlan.id == Enrollment.plan_id)
    return q.where(BenefitPlan.carrier_id == carrier_id) if carrier_id is not None else \
        q.where(BenefitPlan.carrier_id.is_not(None))


def employee_deductions(carrier_id: int | None, first: date, last: date) -> dict[date, object]:
    """The deductions workers' paychecks actually took for the carrier's elections, by the month of the pay date
    (deduction_takes of the payroll rows whose external_ref is "benefit_enrollment:<id>"; paid runs only)."""
    ref = sa.literal("benefit_enrollment:") + sa.cast(Enrollment.id, sa.String)
    ids = _enrollment_ids(carrier_id).subquery()
    rows = db.session.execute(
        sa.select(DeductionTake.pay_date, DeductionTake.amount)
        .join(WorkerDeduction, WorkerDeduction.id == DeductionTake.deduction_id)
        .join(Enrollment, WorkerDeduction.external_ref == ref)
        .join(ids, ids.c.id == Enrollment.id)
        .join(Paycheck, Paycheck.id == DeductionTake.paycheck_id)
        .join(PayrollRun, PayrollRun.id == Paycheck.run_id)
        .where(DeductionTake.pay_date >= first, DeductionTake.pay_date <= last,
               PayrollRun.state.in_(PAID_RUN_STATES))).all()
    out: dict[date, object] = defaultdict(lambda: ZERO)
    for day, amount in rows:
        out[day.replace(day=1)] += amount
    return dict(out)


def _employer_monthly(carrier_id: int | None, month: date) -> object:
    carrier_ids = [carrier_id] if carrier_id is not None else list(db.session.execute(
        sa.select(Carrier.id).order_by(Carrier.id)).scalars())
    return sum((m.employer_monthly for cid in carrier_ids for m in month_members(cid, month, subscribers_only=True)
                if not m.cobra), ZERO)


def monthly_funding(carrier_id: int | None, last_month, months: int = 12) -> list[dict]:
    """For each month with a bill, from `months` months before `last_month` to it: the carrier invoice (the bills'
    totals), the employee deductions paychecks took for those elections (by pay date), the employer contributions
    the elections carry (each election's employer_monthly: the employer contribution lines of a paycheck name no
    election, so they cannot be split by carrier), and the client charges, the rest — so that employee deductions
    + employer contributions + client charges = the carrier invoice, to the cent."""
    end = _month(last_month)
    start = end
    for _ in range(months - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    q = sa.select(CarrierBill.month).where(CarrierBill.month >= start, CarrierBill.month <= end).distinct()
    if carrier_id is not None:
        q = q.where(CarrierBill.carrier_id == carrier_id)
    billed = sorted(db.session.execute(q).scalars())
    taken = employee_deductions(carrier_id, start, last_day(end))
    rows = []
    for m in billed:
        invoice = sum((b.total for b in latest_bills(carrier_id, m)), ZERO)
        employee = taken.get(m, ZERO)
        employer = _employer_monthly(carrier_id, m)
        rows.append({"month": m, "carrier_invoice": invoice, "employee_deductions": employee,
                     "employer_contributions": employer, "client_charges": invoice - employee - employer})
    return rows


def today_month() -> date:
    return clock().today().replace(day=1)


def variance_line(v: PremiumVariance) -> str:
    """One variance as the command line prints it (tab-separated): kind, member, plan, month, amount, explained or
    UNEXPLAINED, the reason (and the note of a person's explanation)."""
    state = "explained" if v.explained else "UNEXPLAINED"
    why = v.reason + (f" — note: {v.note}" if v.note else "")
    return "\t".join((v.kind, v.member_id, v.plan_name, f"{v.coverage_month:%Y-%m}", f"{v.amount:.2f}", state, why))
