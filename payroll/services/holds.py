"""Paycheck holds: HR holds a worker's paycheck out of a draft run with a reason, the run goes on without it, and
an off-cycle run made from the holds pays them later (time, salary and adjustments the held run would have paid).
Nothing is paid twice: held time stays unmarked until a run pays it (timesheets.paid_run_id), salary days are
claimed once (paid_salary_periods), and a hold is released to one run only (a conditional UPDATE)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backoffice.audit import record_event
from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, NotFound, ValidationFailed
from backoffice.extensions import db
from backoffice.uow import transaction, unique_or_refuse
from backoffice.validation import is_record_id
from backoffice.workers.models import Engagement, Worker
from payroll.models import PaycheckHold, PayrollAdjustment, PayrollRun

from . import calc, four_eyes
from .common import get_run, user_id
from .runs import _require, past_pay_date_issue


@transaction()
def hold_paycheck(run_id: int, worker_id, reason: str, user) -> PaycheckHold:
    """Hold the worker's paycheck out of a draft run (refused once the run is calculated: reverse the paycheck
    instead). The worker must be paid by the run; the reason is required."""
    _require(user)
    run = get_run(run_id, lock=True)
    if run.state != "draft":
        raise DomainError(f"run #{run.id} is {run.state}: holds are set before calculation; reverse the paycheck "
                          "instead", code="run_not_draft")
    reason = (reason or "").strip()
    issues = []
    if not reason:
        issues.append(Issue("reason", "say why the paycheck is held", "required"))
    worker = db.session.get(Worker, worker_id) if is_record_id(worker_id) else None
    if worker is None or not db.session.execute(sa.select(Engagement.id).where(
            calc.in_scope(run), Engagement.worker_id == worker.id)).first():
        issues.append(Issue("worker_id", f"worker {worker_id!r} is not paid by run #{run.id}", "not_found"))
    if issues:
        raise ValidationFailed(issues)
    hold = PaycheckHold(run_id=run.id, worker_id=worker.id, code="held_by_hr", reason=reason[:500],
                        created_by_id=user_id(user))
    with unique_or_refuse("uq_paycheck_holds_run_worker", f"{worker.full_name}'s paycheck is already held",
                          "already_held", columns="paycheck_holds.run_id, paycheck_holds.worker_id"):
        db.session.add(hold)
        db.session.flush()
    record_event("held", "paycheck_hold", hold.id, {"run_id": run.id, "worker_id": worker.id, "reason": reason})
    return hold


@transaction()
def release_hold(hold_id: int, user) -> None:
    """Take a hold off a run that is still a draft: the worker is paid by it after all."""
    _require(user)
    hold = db.session.get(PaycheckHold, hold_id) if is_record_id(hold_id) else None
    if hold is None:
        raise NotFound(f"hold {hold_id} not found")
    run = get_run(hold.run_id, lock=True)
    if run.state != "draft":
        raise DomainError(f"run #{run.id} is {run.state}: its holds are paid by an off-cycle run now",
                          code="run_not_draft")
    record_event("released", "paycheck_hold", hold.id, {"run_id": run.id, "worker_id": hold.worker_id})
    db.session.delete(hold)


def workers_in_run(run_id: int, *, limit: int = 1000) -> list[tuple[int, str]]:
    """(worker id, "Last, First") of the workers a draft run pays and that are not held, by name (the hold form)."""
    run = get_run(run_id)
    held = sa.select(PaycheckHold.worker_id).where(PaycheckHold.run_id == run.id)
    return [(w.id, f"{w.last_name}, {w.first_name}") for w in db.session.execute(
        sa.select(Worker.id, Worker.last_name, Worker.first_name).where(
            Worker.id.in_(sa.select(Engagement.worker_id).where(calc.in_scope(run))), Worker.id.not_in(held))
        .order_by(Worker.last_name, Worker.first_name, Worker.id).limit(limit))]


def open_holds(run_id: int) -> list[PaycheckHold]:
    return list(db.session.execute(sa.select(PaycheckHold).where(
        PaycheckHold.run_id == run_id, PaycheckHold.released_run_id.is_(None)).order_by(PaycheckHold.id)).scalars())


@transaction()
def pay_holds(run_id: int, pay_date: date, user, *, description: str = "", today: date | None = None,
              confirm_past_pay_date: bool = False) -> PayrollRun:
    """A draft off-cycle run (kind correction) paying the paychecks held out of run `run_id` once it is
    calculated: the held workers' approved unpaid time up to its period end, their salary for its period and
    their pending adjustments. Each hold is released to one run only. A pay date on or before `today` is refused
    with a warning on `pay_date` unless `confirm_past_pay_date` (runs.past_pay_date_issue)."""
    _require(user, "create")
    orig = get_run(run_id, lock=True)
    if orig.state in ("draft", "calculating"):
        raise DomainError(f"run #{orig.id} is {orig.state}: calculate it first (holds can still be released)",
                          code="run_not_calculated")
    if not isinstance(pay_date, date):
        raise ValidationFailed([Issue("pay_date", "is required", "required")])
    past = past_pay_date_issue(pay_date, today, confirm_past_pay_date)
    if past is not None:
        raise ValidationFailed([past])
    holds = open_holds(orig.id)
    if not holds:
        raise DomainError(f"run #{orig.id} has no held paycheck left to pay", code="no_holds")
    run = PayrollRun(kind="correction", state="draft", frequency=orig.frequency, pay_schedule_id=orig.pay_schedule_id,
                     period_start=orig.period_start, period_end=orig.period_end, pay_date=pay_date,
                     pays_holds_of_run_id=orig.id, chunk_size=orig.chunk_size,
                     description=description or f"Held paychecks of run #{orig.id}", prepared_by_id=user_id(user))
    db.session.add(run)
    db.session.flush()
    ids = [h.id for h in holds]
    done = db.session.execute(sa.update(PaycheckHold).where(PaycheckHold.id.in_(ids),
                                                            PaycheckHold.released_run_id.is_(None))
                              .values(released_run_id=run.id), execution_options={"synchronize_session": False})
    if done.rowcount != len(ids):      # another request released some of them first
        raise DomainError(f"the holds of run #{orig.id} were just given to another run", code="holds_taken")
    workers = [h.worker_id for h in holds]
    if orig.kind != "regular":         # an off-cycle run's adjustments move with their held workers
        db.session.execute(sa.update(PayrollAdjustment).where(
            PayrollAdjustment.run_id == orig.id, PayrollAdjustment.status == "pending",
            PayrollAdjustment.engagement_id.in_(sa.select(Engagement.id).where(Engagement.worker_id.in_(workers))))
            .values(run_id=run.id), execution_options={"synchronize_session": False})
    four_eyes.record(run.id, user, "created")
    record_event("pays_holds", "payroll_run", run.id, {"of_run_id": orig.id, "workers": workers,
                                                       "at": utcnow().isoformat()})
    return run
