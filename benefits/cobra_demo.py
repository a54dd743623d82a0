"""Demo COBRA: one leased employee with employee + spouse (or family) medical is terminated mid-month two months
ago; cases open for the worker and the spouse, the notice goes out five days later, both elect ten days after it
(the spouse billed on the worker's case), every month billed to today, all paid but the latest, which is due.

Deterministic (no random draw: the enrolled family with the highest worker id) and fast (no PDF is rendered: the
notice is built when it is opened). Dates follow `today`, the demo's day; premiums are billed to the later of it and
the clock's day."""
from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from backoffice.clock import clock
from backoffice.extensions import db
from backoffice.workers.models import Engagement
from benefits import cobra_services as cobra
from benefits.cobra_models import CobraCase, CobraPremium
from benefits.engine import cobra as engine
from benefits.models import PLAN_KINDS, BenefitPlan, Enrollment
from benefits.services import end_elections


def _family_enrollment(before: date) -> Enrollment | None:
    rows = db.session.execute(
        sa.select(Enrollment).join(BenefitPlan, BenefitPlan.id == Enrollment.plan_id)
        .where(BenefitPlan.kind == "medical", Enrollment.status == "active", Enrollment.waived.is_(False),
               Enrollment.coverage_tier.in_(("employee_spouse", "family")), Enrollment.effective_date < before,
               sa.or_(Enrollment.end_date.is_(None), Enrollment.end_date >= before))
        .order_by(Enrollment.worker_id.desc())).scalars()
    return next((e for e in rows if any(d.relationship == "spouse" for d in e.dependents)), None)


def _terminate(worker_id: int, event: date, loss: date) -> None:
    """The engagement ends on the event day; the worker's elections and their payroll rows with the coverage."""
    db.session.execute(sa.update(Engagement).where(Engagement.worker_id == worker_id,
                                                   Engagement.type == "leased_employee",
                                                   Engagement.status == "active")
                       .values(end_date=event, status="terminated"))
    end_elections(worker_id, loss, PLAN_KINDS)


def seed(rng: random.Random, today: date) -> list[str]:
    if db.session.execute(sa.select(CobraCase.id).limit(1)).first():
        return ["COBRA demo already present"]
    month = today.replace(day=1)
    event = engine.add_months(month, -2) + timedelta(days=14)
    enrollment = _family_enrollment(event)
    if enrollment is None:
        return ["COBRA demo: no worker with family medical coverage to terminate"]
    worker_id = enrollment.worker_id
    cases = cobra._open(worker_id, "termination", event, notes="Demo: terminated, family medical.")
    if not cases:
        return ["COBRA demo: no case opened"]
    _terminate(worker_id, event, cases[0].loss_of_coverage)
    notice = event + timedelta(days=5)
    elected = min(notice + timedelta(days=10), today)
    mine = next(c for c in cases if c.dependent_id is None)
    for c in cases:
        c.administrator_notified_on = c.election_notice_sent_on = notice
        c.elected_on, c.status = elected, "elected"
        cobra._apply(c, engine.deadlines(cobra._facts(c)))
        if c is not mine:
            c.billed_with_id = mine.id
    db.session.flush()
    # billed through the later of the demo's day and the real one, so the latest month is still within its grace
    # whenever the demo is loaded (the daily COBRA pass would otherwise end the coverage on the first run)
    through = max(today, clock().today())
    schedule = cobra._schedule(mine, through)
    for n, m in enumerate(schedule, start=1):
        paid = n < len(schedule)
        db.session.add(CobraPremium(case_id=mine.id, coverage_month=m.month, month_number=m.number,
                                    amount_due=m.amount, due_date=m.due_date, grace_end=m.grace_end,
                                    paid_amount=m.amount if paid else None,
                                    paid_on=max(m.due_date, elected) if paid else None))
    db.session.flush()
    for c in cases:
        db.session.refresh(c)
        cobra._refresh_next(c, through)
    db.session.flush()
    due = schedule[-1]
    return [f"COBRA: worker #{worker_id} terminated {event.isoformat()}, {len(cases)} case(s) elected; "
            f"{len(schedule) - 1} premium(s) paid, {due.month:%Y-%m} ({due.amount}) due by {due.grace_end}"]
