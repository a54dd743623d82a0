"""Leave accrued from the hours an approved run pays, and leave used by the paychecks that pay approved requests.

Called from payroll's RUN_APPROVED hook (an approved run is immutable: reversing it fires PAYCHECKS_REVERSED)
inside the run's own unit of work: the hours of each timesheet the run paid
are grouped by worker and by the sick-leave jurisdictions of the engagement's work site (a worker with hours in
two places accrues under both), then the pure engine accrues them under the law in force each day. The agency's
PTO policies accrue from the same hours. Every accrual is one ledger entry keyed by (run, paycheck, policy) in the
database: a hook fired twice, or a replayed run, accrues nothing twice. A reversed paycheck's accruals and uses
are taken back by reversing entries."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.leave import engine
from backoffice.leave.models import LeaveEntry, LeavePolicy, LeaveRequest
from backoffice.leave.pto import accrue_pto
from backoffice.leave.services import (EMPLOYEE, balance_row, employer_size, hire_date, hours, jurisdictions_of,
                                       law_policy, own_policies_for, post, year_start)
from backoffice.money import ZERO
from backoffice.states import transition
from backoffice.workers.models import Engagement
from payroll.models import DAYS, Paycheck, PayrollAdjustment, PayrollRun, Timesheet


def _days_worked(run: PayrollRun) -> dict[int, dict[int, list[tuple[date, Decimal]]]]:
    """worker id → engagement id → [(day, hours)] of the leased employees' timesheets this run paid."""
    out: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    rows = db.session.execute(
        sa.select(Timesheet, Engagement.worker_id).join(Engagement, Engagement.id == Timesheet.engagement_id)
        .where(Timesheet.paid_run_id == run.id, Engagement.type == EMPLOYEE)
        .order_by(Engagement.worker_id, Timesheet.week_start, Timesheet.id)).all()
    for ts, worker_id in rows:
        for i, d in enumerate(DAYS):
            h = getattr(ts, f"hours_{d}")
            if h:
                out[worker_id][ts.engagement_id].append((ts.week_start + timedelta(days=i), h))
    return out


def _already(kind: str, run_id: int, paycheck_id: int, policy_id: int) -> bool:
    return db.session.execute(sa.select(LeaveEntry.id).where(
        LeaveEntry.kind == kind, LeaveEntry.run_id == run_id, LeaveEntry.paycheck_id == paycheck_id,
        LeaveEntry.policy_id == policy_id)).first() is not None


def _roll_year(row, policy: LeavePolicy, first_day: date, on: date) -> None:
    """Carry the balance over the policy year's anniversary (the law's carryover and balance caps; the agency's
    policy's balance cap) before hours of a new year accrue: carryover and forfeiture entries."""
    start = year_start(first_day, policy)
    if row.policy_year_start >= start:
        return
    if policy.kind == "sick_law":
        law = engine.applicable(policy.jurisdiction, start - timedelta(days=1), employer_size(start))
        result = engine.year_end(law, row.balance)
        carried, forfeited, lines = result.carried, result.forfeited, result.explanation
    else:
        cap = policy.balance_cap
        carried = row.balance if cap is None else min(row.balance, cap)
        forfeited = row.balance - carried
        lines = (f"{policy.name}: {engine.show(carried)} hours carry over"
                 + (f"; {engine.show(forfeited)} over the cap of {engine.show(cap)} are forfeited." if forfeited
                    else "."),)
    if forfeited:
        post(row, "forfeiture", -forfeited, start, explanation=lines)
    post(row, "carryover", ZERO, start, explanation=lines)
    row.policy_year_start, row.accrued_this_year, row.used_this_year = start, ZERO, ZERO


def _accrue_law(run: PayrollRun, paycheck_id: int, worker_id: int, code: str, days: list, size: int,
                hired: date) -> int:
    policy = law_policy(code)
    if _already("accrual", run.id, paycheck_id, policy.id):
        return 0
    days = sorted(days)
    row = balance_row(worker_id, policy, days[0][0])
    _roll_year(row, policy, days[0][0], run.pay_date)
    result = engine.accrue(engine.AccrualInput(
        jurisdiction=code, employer_size=size, hire_date=hired, policy_year_start=row.policy_year_start,
        balance_before=row.balance, accrued_this_year_before=row.accrued_this_year,
        used_this_year_before=row.used_this_year, hours=tuple(days)))
    entry = post(row, "accrual", result.accrued, run.pay_date, explanation=result.explanation, run_id=run.id,
                 paycheck_id=paycheck_id)
    entry.hours_worked, entry.capped = hours(result.hours_worked), result.capped
    row.accrued_this_year = hours(result.accrued_this_year)
    row.usable_from = result.usable_from
    return 1


def _accrue_own(run: PayrollRun, paycheck_id: int, worker_id: int, policy: LeavePolicy, worked: Decimal,
                first_day: date) -> int:
    if policy.kind != "pto" or policy.accrual_rate is None or _already("accrual", run.id, paycheck_id, policy.id):
        return 0
    row = balance_row(worker_id, policy, first_day)
    _roll_year(row, policy, first_day, run.pay_date)
    r = accrue_pto(policy.name, policy.accrual_rate, worked, row.balance, row.accrued_this_year,
                   policy.annual_accrual_cap, policy.balance_cap)
    entry = post(row, "accrual", r.accrued, run.pay_date, explanation=r.explanation, run_id=run.id,
                 paycheck_id=paycheck_id)
    entry.hours_worked, entry.capped = hours(worked), r.capped
    row.accrued_this_year = hours(r.accrued_this_year)
    return 1


def accrue_run(run: PayrollRun) -> int:
    """Accrue every leased employee's leave from the hours this approved run pays. Returns the entries written."""
    worked = _days_worked(run)
    if not worked:
        return 0
    paychecks = dict(db.session.execute(sa.select(Paycheck.worker_id, Paycheck.id).where(
        Paycheck.run_id == run.id, Paycheck.worker_type == "employee", Paycheck.worker_id.in_(list(worked)))).all())
    engagements = {e.id: e for e in db.session.execute(sa.select(Engagement).where(
        Engagement.id.in_([eid for by in worked.values() for eid in by]))).scalars()}
    size = employer_size(run.period_end)
    written = 0
    for worker_id, by_engagement in sorted(worked.items()):
        paycheck_id = paychecks.get(worker_id)
        if paycheck_id is None:         # held out of the run: its hours accrue with the run that pays them
            continue
        hired = hire_date(worker_id) or min(d for days in by_engagement.values() for d, _ in days)
        by_place: dict[str, list] = defaultdict(list)
        by_policy: dict[int, tuple[LeavePolicy, Decimal, date]] = {}
        for eid, days in by_engagement.items():
            eng = engagements[eid]
            for code in jurisdictions_of(eng):
                by_place[code].extend(days)
            for policy in own_policies_for(eng):
                p, total, first = by_policy.get(policy.id, (policy, ZERO, days[0][0]))
                by_policy[policy.id] = (p, total + sum((h for _, h in days), ZERO), min(first, days[0][0]))
        for code, days in sorted(by_place.items()):
            merged: dict[date, Decimal] = defaultdict(lambda: ZERO)
            for d, h in days:
                merged[d] += h
            written += _accrue_law(run, paycheck_id, worker_id, code, sorted(merged.items()), size, hired)
        for policy, total, first in by_policy.values():
            written += _accrue_own(run, paycheck_id, worker_id, policy, total, first)
    return written


def use_run(run: PayrollRun) -> int:
    """The approved requests this run's paychecks paid: their hours leave the balance (a `use` entry each) and
    the requests become paid."""
    rows = db.session.execute(
        sa.select(LeaveRequest, PayrollAdjustment.paycheck_id)
        .join(PayrollAdjustment, PayrollAdjustment.id == LeaveRequest.adjustment_id)
        .join(Paycheck, Paycheck.id == PayrollAdjustment.paycheck_id)
        .where(Paycheck.run_id == run.id, LeaveRequest.status == "approved", PayrollAdjustment.status == "applied")
        .order_by(LeaveRequest.id)).all()
    for req, paycheck_id in rows:
        row = balance_row(req.worker_id, req.policy, req.start_date)
        _roll_year(row, req.policy, req.start_date, run.pay_date)
        post(row, "use", -req.hours, run.pay_date, request_id=req.id, run_id=run.id, paycheck_id=paycheck_id,
             explanation=(f"{engine.show(req.hours)} hours of {req.policy.name} taken {req.start_date.isoformat()}"
                          + ("" if req.end_date == req.start_date else f" to {req.end_date.isoformat()}")
                          + f", paid at ${req.rate} an hour ({req.rate_method}).",))
        row.used_this_year = hours(row.used_this_year + req.hours)
        transition(req, "pay")
        req.paid_run_id = run.id
    return len(rows)


def run_approved(run: PayrollRun) -> None:
    """payroll.hooks RUN_APPROVED: accrue from the hours the run pays, then take out the leave it pays — when the
    run's paychecks become final, before its paystubs are rendered (they print the leave lines)."""
    accrue_run(run)
    use_run(run)
    db.session.flush()


def paychecks_reversed(reversal_run: PayrollRun) -> None:
    """payroll.hooks PAYCHECKS_REVERSED: each reversed paycheck's accruals are taken back (`reversal`) and the
    leave it paid goes back to the balance (`restore`), keyed by the reversal paycheck so it happens once."""
    pairs = db.session.execute(sa.select(Paycheck.id, Paycheck.reverses_id).where(
        Paycheck.run_id == reversal_run.id, Paycheck.reverses_id.is_not(None))).all()
    for new_id, orig_id in pairs:
        for entry in db.session.execute(sa.select(LeaveEntry).where(
                LeaveEntry.paycheck_id == orig_id, LeaveEntry.kind.in_(("accrual", "use")))
                .order_by(LeaveEntry.id)).scalars().all():
            kind = "reversal" if entry.kind == "accrual" else "restore"
            if not entry.hours or _already(kind, reversal_run.id, new_id, entry.policy_id):
                continue
            policy = db.session.get(LeavePolicy, entry.policy_id)
            row = balance_row(entry.worker_id, policy, entry.on)
            post(row, kind, -entry.hours, reversal_run.pay_date, run_id=reversal_run.id, paycheck_id=new_id,
                 explanation=(f"Paycheck {orig_id} was reversed: its {entry.kind} of {engine.show(abs(entry.hours))}"
                              f" hours is taken back.",))
            if entry.kind == "accrual":
                row.accrued_this_year = hours(row.accrued_this_year + entry.hours * -1)
            else:
                row.used_this_year = hours(row.used_this_year + entry.hours)
    db.session.flush()


def roll_years(today: date) -> int:
    """Carry every balance whose policy year ended over its anniversary (carryover caps, forfeiture), so balances
    and this year's counts are right on January 1 even before the year's first run. Safe to run every day."""
    from backoffice.leave.models import LeaveBalance
    from backoffice.uow import transaction

    n = 0
    with transaction():
        for row in db.session.execute(sa.select(LeaveBalance).where(
                LeaveBalance.policy_year_start < year_start(today)).order_by(LeaveBalance.id)).scalars().all():
            _roll_year(row, row.policy, today, today)
            n += 1
    return n
