"""The 401(k) plan's yearly mechanics: automatic escalation of auto-enrolled workers (IRC 414A) and the match's
year-end true-up, over the pure rules of payroll.engine.retirement."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.money import ZERO
from backoffice.uow import transaction
from backoffice.workers.models import Worker
from benefits import services as svc
from benefits.models import BenefitPlan, Enrollment
from payroll.engine.retirement import auto_enroll_percent, true_up
from payroll.models import YearToDate


def _in_force(on: date):
    return sa.and_(Enrollment.status == "active", Enrollment.effective_date <= on,
                   sa.or_(Enrollment.end_date.is_(None), Enrollment.end_date >= on))


@transaction()
def escalate_deferrals(on: date) -> int:
    """Raise each auto-enrolled worker's 401(k) percent to what the plan's escalation gives on `on`: the plan's
    default from the first day the worker was auto-enrolled, plus the step on each anniversary, at most the cap
    (payroll.engine.retirement.auto_enroll_percent). A new election replaces the old from `on` (its payroll rows
    end the day before). A worker who chose their own percent is not auto-enrolled and is left alone. Run daily;
    a second run on the same day changes nothing. Returns how many were raised."""
    rows = db.session.execute(
        sa.select(Enrollment, BenefitPlan).join(BenefitPlan, BenefitPlan.id == Enrollment.plan_id).where(
            BenefitPlan.kind == "401k", BenefitPlan.escalation_step.is_not(None),
            BenefitPlan.default_deferral_percent.is_not(None), Enrollment.auto_enrolled.is_(True),
            Enrollment.waived.is_(False), _in_force(on)).order_by(Enrollment.worker_id, Enrollment.id)).all()
    raised = 0
    for e, plan in rows:
        first = db.session.execute(sa.select(sa.func.min(Enrollment.effective_date)).join(
            BenefitPlan, BenefitPlan.id == Enrollment.plan_id).where(
            Enrollment.worker_id == e.worker_id, BenefitPlan.kind == "401k",
            Enrollment.auto_enrolled.is_(True))).scalar()
        target = auto_enroll_percent(first, on, plan.default_deferral_percent, plan.escalation_step,
                                     plan.escalation_cap)
        if target <= (e.deferral_percent or ZERO):
            continue
        ctx = svc.worker_context(e.worker_id, on)
        new = svc._elect({"event": e.event, "waive": False, "reason": "", "coverage_tier": None,
                          "deferral_percent": target, "roth_percent": e.roth_percent, "annual_amount": None},
                         plan, ctx, on)
        new.auto_enrolled = True
        raised += 1
    db.session.flush()
    return raised


def true_up_due(year: int) -> list[dict]:
    """The match true-up each worker is owed for `year` under a plan with `match_true_up`: the formula on the whole
    year's pay and deferrals (the employee year to date: gross, 401(k) deferrals, employer 401(k) money paid) less
    the match paid per paycheck (payroll.engine.retirement.true_up). Only workers owed something are listed."""
    plans = db.session.execute(sa.select(BenefitPlan).where(
        BenefitPlan.kind == "401k", BenefitPlan.match_true_up.is_(True),
        BenefitPlan.plan_year_start <= date(year, 12, 31), BenefitPlan.plan_year_end >= date(year, 1, 1))).scalars()
    out = []
    for plan in plans:
        tiers = plan.match_tiers
        if not tiers:
            continue
        members = sa.select(Enrollment.worker_id).where(Enrollment.plan_id == plan.id, Enrollment.waived.is_(False))
        for ytd, worker in db.session.execute(
                sa.select(YearToDate, Worker).join(Worker, Worker.id == YearToDate.worker_id).where(
                    YearToDate.tax_year == year, YearToDate.worker_type == "employee",
                    YearToDate.worker_id.in_(members)).order_by(YearToDate.worker_id)).all():
            due = true_up(ytd.gross, ytd.deferrals_401k, ytd.employer_401k, tiers)
            if due > 0:
                out.append({"worker_id": worker.id, "worker": worker.full_name, "plan": plan.name,
                            "year_pay": ytd.gross, "deferrals": ytd.deferrals_401k, "match_paid": ytd.employer_401k,
                            "true_up": due})
    return out


def total(rows: list[dict]) -> Decimal:
    return sum((r["true_up"] for r in rows), ZERO)
