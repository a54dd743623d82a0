"""Where my hour goes: the facts of an engagement's rate breakdown, read the way billing reads them (the client's
terms, the engagement's rates, its most recent billed paycheck, the year's tax rates, the workers' comp class
rate), who may ask for it, and the monthly publication of the agency's margin per hour by kind of work.

The arithmetic is breakdown.py and transparency.py (pure). docs/rate-breakdown.md."""
from __future__ import annotations

import calendar
import re
from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa

from backoffice.billing.services.facts import BILLED_RUN_STATES
from backoffice.errors import DomainError, Issue, NotFound, raise_if
from backoffice.extensions import db
from backoffice.money import ZERO
from backoffice.security.access import require, scoped
from backoffice.security.field_policy import may_read
from backoffice.uow import transaction, unique_or_refuse
from backoffice.voice import breakdown as bd
from backoffice.voice import transparency as tr
from backoffice.voice.models import TransparencyMonth, TransparencyRow
from backoffice.workers.models import Agency, Client, Engagement, StateRegistration
from payroll.engine.tables import supported_tax_years, tables_for
from payroll.engine.workers_comp import HOURS_WORKED_CODES
from payroll.models import Paycheck, PaycheckLine, PayrollRun
from payroll.models_workers_comp import WorkersCompClass
from payroll.services.workers_comp import premiums_for

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
CONTRACTOR_KIND = "Contractors (1099)"
NO_CLASS_KIND = "Leased employees, no workers' comp class"


# ------------------------------------------------------------------------------------------------ who may ask
def engagement_for(user, engagement_id: int) -> Engagement:
    """The engagement, if the user may read it: a worker their own, a client's approver their client's (any other
    id: not found), staff with the engagement right any."""
    require(user, "engagement", "read")
    e = db.session.execute(scoped(sa.select(Engagement).where(Engagement.id == engagement_id), user,
                                  "engagement")).scalar_one_or_none()
    if e is None:
        raise NotFound(f"engagement {engagement_id} not found")
    return e


def rate_breakdown(user, engagement_id: int, today: date) -> bd.Breakdown:
    """The engagement's hour, split (or why it cannot be: 409 naming the reason)."""
    e = engagement_for(user, engagement_id)
    return breakdown_of(e, today)


def breakdown_of(e: Engagement, today: date, through: date | None = None) -> bd.Breakdown:
    try:
        return bd.breakdown(facts_of(e, today, through))
    except bd.NotBillable as exc:
        raise DomainError(exc.message, code=exc.code) from None


def as_json(e: Engagement, b: bd.Breakdown, user=None) -> dict:
    """The API's answer (and the CLI's): the five parts and the bill rate as strings with two decimals. For a
    user the field policy denies the pay rate (a client's approver: with the bill rate it would show the agency's
    margin, docs/security.md) the five parts are withheld (null) — each of them would give the pay rate away."""
    out = {"engagement_id": e.id, "client_name": e.client.name, "engagement_type": e.type,
           "billing_method": b.billing_method, "unit": b.unit, **b.as_json(), "basis": b.basis,
           "paycheck_id": b.paycheck_id, "explanation": list(b.explanation)}
    if user is not None and not may_read(user, "api", "engagement", "pay_rate"):
        out.update({p: None for p in bd.PARTS}, basis=None, paycheck_id=None, explanation=[
            f"The client pays {out['bill_rate']} per {b.unit}.",
            "How it splits is shown to the worker and the agency's staff: it would show the worker's pay rate, "
            "which a client's approver does not see."])
    return out


# ------------------------------------------------------------------------------------------------ facts
def facts_of(e: Engagement, today: date, through: date | None = None) -> bd.HourFacts:
    """The engagement's facts as of `today`: its most recent billed paycheck paid by `through` (default: any)."""
    client: Client = e.client
    pc = last_paycheck(e.id, through)
    employee = e.type == "leased_employee"
    return bd.HourFacts(
        engagement_id=e.id, engagement_type=e.type, pay_unit=e.pay_unit, pay_rate=e.pay_rate,
        billing_method=client.billing_method or "bill_rate", bill_rate=e.bill_rate or ZERO,
        markup_rate=client.markup_rate or ZERO, paycheck=pc,
        statutory=statutory_rates(e.work_state, today) if employee and pc is None else None,
        class_rate=class_rate(e, today) if employee else None)


def _billable_runs() -> sa.Select:
    return sa.select(PayrollRun.id).where(PayrollRun.state.in_(BILLED_RUN_STATES), PayrollRun.kind != "reversal")


def last_paycheck(engagement_id: int, through: date | None = None) -> bd.PaycheckFigures | None:
    """The most recent paycheck billing bills for the engagement (regular or re-issued, of an approved or paid run,
    not reversed, with earnings at it), paid by `through`, with its figures as the cost-plus invoice reads them."""
    s = db.session
    reversed_ = sa.select(Paycheck.reverses_id).where(Paycheck.reverses_id.is_not(None))
    stmt = (sa.select(Paycheck).join(PaycheckLine, PaycheckLine.paycheck_id == Paycheck.id)
            .where(PaycheckLine.engagement_id == engagement_id, PaycheckLine.kind == "earning",
                   Paycheck.kind.in_(("regular", "reissue")), Paycheck.run_id.in_(_billable_runs()),
                   Paycheck.id.not_in(reversed_))
            .order_by(Paycheck.pay_date.desc(), Paycheck.id.desc()).limit(1))
    if through is not None:
        stmt = stmt.where(Paycheck.pay_date <= through)
    p = s.execute(stmt).scalars().first()
    if p is None:
        return None
    wages: dict[int, object] = defaultdict(lambda: ZERO)
    taxes = benefits = hours = ZERO
    for kind, code, eid, amount, line_hours in s.execute(
            sa.select(PaycheckLine.kind, PaycheckLine.code, PaycheckLine.engagement_id, PaycheckLine.amount,
                      PaycheckLine.hours).where(PaycheckLine.paycheck_id == p.id)):
        if kind == "earning" and eid is not None:
            wages[eid] += amount
            if eid == engagement_id and code in HOURS_WORKED_CODES and line_hours is not None:
                hours += line_hours
        elif kind == "employer_tax":
            taxes += amount
        elif kind == "employer_contribution":
            benefits += amount
    premium = premiums_for([p.id]).get((p.id, engagement_id), ZERO)
    e = s.get(Engagement, engagement_id)
    units = ZERO
    if e is not None and e.pay_unit in bd.UNIT_PAY and e.pay_rate:
        units = wages.get(engagement_id, ZERO) / e.pay_rate      # the units the paycheck paid at the pay rate
    return bd.PaycheckFigures(p.id, p.pay_date, p.period_start, p.period_end, dict(wages), taxes, benefits, premium,
                              hours, units)


def statutory_rates(work_state: str, today: date) -> bd.StatutoryRates | None:
    """The year's employer tax rates (data files of payroll/engine) and the agency's SUTA rate in the state."""
    year = today.year if today.year in supported_tax_years() else max(supported_tax_years())
    t = tables_for(date(year, 1, 1))
    futa = t.futa_net_rate + t.futa_credit_reduction.get(work_state, ZERO)
    agency_id = db.session.execute(sa.select(Agency.id).order_by(Agency.id).limit(1)).scalar()
    suta = None
    if agency_id is not None:
        suta = db.session.execute(sa.select(StateRegistration.suta_rate).where(
            StateRegistration.agency_id == agency_id, StateRegistration.state == work_state)).scalar()
    return bd.StatutoryRates(year, t.ss_employer_rate, t.medicare_employer_rate, futa, suta, work_state)


def _class_row(e: Engagement, day: date) -> WorkersCompClass | None:
    if not e.wc_class_code:
        return None
    return db.session.execute(sa.select(WorkersCompClass).where(
        WorkersCompClass.state == e.work_state, WorkersCompClass.class_code == e.wc_class_code,
        WorkersCompClass.effective_from <= day,
        sa.or_(WorkersCompClass.effective_to.is_(None), WorkersCompClass.effective_to >= day))
        .order_by(WorkersCompClass.effective_from.desc()).limit(1)).scalars().first()


def class_rate(e: Engagement, day: date) -> bd.ClassRate | None:
    """The workers' comp rate in force on the day for the engagement's class code in its work state."""
    r = _class_row(e, day)
    if r is None:
        return None
    return bd.ClassRate(r.state, r.class_code, r.basis, r.rate_per_100, r.rate_per_hour)


# ------------------------------------------------------------------------------------------------ transparency
def parse_month(text: str | None) -> tuple[date, date]:
    m = MONTH.match((text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise_if([Issue("month", "a month as YYYY-MM, e.g. 2026-11", "invalid")])
    year, month = int(m.group(1)), int(m.group(2))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _kind_of(e: Engagement, day: date, names: dict) -> str:
    if e.type == "contractor":
        return CONTRACTOR_KIND
    if not e.wc_class_code:
        return NO_CLASS_KIND
    key = (e.work_state, e.wc_class_code)
    if key not in names:
        row = _class_row(e, day)
        names[key] = f"{e.wc_class_code} {row.description}".strip() if row is not None and row.description \
            else f"Class {e.wc_class_code}"
    return names[key]


def margin_samples(start: date, end: date) -> list[tr.MarginSample]:
    """Every hourly engagement active in the month (started by its last day, not ended before its first, not
    pending), its margin per hour as of the month's last day: the same breakdown its worker sees, from its most
    recent paycheck billed by then (or the year's rates before its first). Engagements with nothing to bill (no bill
    rate) are left out."""
    stmt = (sa.select(Engagement).where(
        Engagement.pay_unit == "hour", Engagement.status != "pending", Engagement.start_date <= end,
        sa.or_(Engagement.end_date.is_(None), Engagement.end_date >= start)).order_by(Engagement.id))
    names: dict = {}
    out = []
    for e in db.session.execute(stmt).scalars():
        try:
            b = bd.breakdown(facts_of(e, end, through=end))
        except bd.NotBillable:
            continue
        if b.unit != "hour":
            continue
        out.append(tr.MarginSample(e.id, e.worker_id, e.client_id, _kind_of(e, end, names), b.agency_margin,
                                   b.bill_rate))
    return out


@transaction()
def publish_transparency(user, month: str, today: date) -> TransparencyMonth:
    """Publish a month that has ended: its margins per hour by kind of work under the floor. Once: a published
    month is what workers read, never recomputed."""
    require(user, "transparency", "create")
    return _publish(month, getattr(user, "id", None), today)


def publish_last_month(today: date) -> TransparencyMonth | None:
    """The monthly task: publish the month before `today`'s, unless it is published already (safe to run twice)."""
    last = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    if db.session.execute(sa.select(TransparencyMonth.id).where(TransparencyMonth.month == last)).scalar():
        return None
    return _publish(last, None, today)


@transaction()
def _publish(month: str, user_id: int | None, today: date) -> TransparencyMonth:
    start, end = parse_month(month)
    if end >= today:
        raise DomainError(f"{month} has not ended yet: a month is published once it is over",
                          code="month_not_over")
    label = start.strftime("%Y-%m")
    if db.session.execute(sa.select(TransparencyMonth.id).where(TransparencyMonth.month == label)).scalar():
        raise DomainError(f"{label} is already published", code="already_published")
    samples = margin_samples(start, end)
    summary = tr.summarize(samples)
    rec = TransparencyMonth(month=label, published_by_id=user_id, engagements=len(samples),
                            pooled_kinds=summary.pooled_kinds, hidden_engagements=summary.hidden_engagements,
                            min_clients=summary.min_clients, min_workers=summary.min_workers)
    rec.rows = [TransparencyRow(position=i, kind=r.kind, engagements=r.engagements, workers=r.workers,
                                clients=r.clients, median_margin=r.median, p10_margin=r.p10, p90_margin=r.p90,
                                median_bill_rate=r.median_bill_rate)
                for i, r in enumerate(summary.rows, start=1)]
    db.session.add(rec)
    with unique_or_refuse("uq_voice_transparency_months_month", f"{label} is already published",
                          "already_published", columns="voice_transparency_months.month"):
        db.session.flush()
    return rec


def published_months(user) -> list[TransparencyMonth]:
    """The published months, newest first (workers, client approvers and staff with the right)."""
    require(user, "transparency", "read")
    return list(db.session.execute(scoped(sa.select(TransparencyMonth), user, "transparency")
                                   .order_by(TransparencyMonth.month.desc())).scalars())
