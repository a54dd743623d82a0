"""Retro pay: an engagement's rate history, the difference a back-dated change makes on pay already written, and
HR's decision on it (confirm: one `retro` adjustment for the next run; dismiss)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401  (aliased)

from backoffice import validation as v
from backoffice.audit import acting_as
from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, NotFound, ValidationFailed, raise_if
from backoffice.extensions import db
from backoffice.money import RATE
from backoffice.uow import for_update, transaction, unique_or_refuse
from backoffice.workers.models import Engagement
from backoffice.workers.services import update_engagement
from payroll.engine.retro import HOURLY_CODES, SALARY_CODE, PaidEarning, RetroResult, retro_differences
from payroll.models import EngagementRate, Paycheck, PaycheckLine, PayrollAdjustment, PayrollRun

from .common import user_id
from .runs import _require

# Runs whose paychecks count as paid at the old rate (a calculated run is paid as it stands unless reversed).
PAID_RUN_STATES = ("calculated", "approved", "paid")


def paid_earnings(engagement_id: int, since: date) -> list[PaidEarning]:
    """The hourly and salary earning lines of the engagement's paychecks whose period ends on or after `since`,
    in runs that pay them, leaving out reversed paychecks (a re-issue counts in their place).

    A paycheck pays a worker across engagements: the earning lines name theirs (`paycheck_lines.engagement_id`)."""
    s = db.session
    reversal = sa.orm.aliased(Paycheck)
    reversed_ = sa.select(reversal.id).where(reversal.reverses_id == Paycheck.id).exists()
    rows = s.execute(
        sa.select(Paycheck.id, Paycheck.pay_date, Paycheck.period_start, Paycheck.period_end, PaycheckLine.code,
                  PaycheckLine.hours, PaycheckLine.rate, PaycheckLine.amount)
        .join(PaycheckLine, PaycheckLine.paycheck_id == Paycheck.id)
        .join(PayrollRun, PayrollRun.id == Paycheck.run_id)
        .where(PaycheckLine.engagement_id == engagement_id, Paycheck.kind.in_(("regular", "reissue")), ~reversed_,
               PayrollRun.state.in_(PAID_RUN_STATES), Paycheck.period_end >= since, PaycheckLine.kind == "earning",
               PaycheckLine.code.in_((*HOURLY_CODES, SALARY_CODE)))
        .order_by(Paycheck.period_start, Paycheck.id, PaycheckLine.id))
    return [PaidEarning(*row) for row in rows]


def retro_for(change: EngagementRate) -> RetroResult:
    """The retro difference of a recorded rate change, from the paychecks as they stand now."""
    return retro_differences(paid_earnings(change.engagement_id, change.effective_date),
                             change.previous_rate if change.previous_rate is not None else change.rate,
                             change.rate, change.effective_date)


def get_change(change_id: int, *, lock: bool = False) -> EngagementRate:
    stmt = sa.select(EngagementRate).where(EngagementRate.id == change_id)
    change = db.session.execute(for_update(stmt) if lock else stmt).scalar_one_or_none()
    if change is None:
        raise NotFound(f"rate change {change_id} not found")
    if lock:
        db.session.refresh(change)
    return change


def history(engagement_id: int) -> list[EngagementRate]:
    return list(db.session.execute(sa.select(EngagementRate).where(EngagementRate.engagement_id == engagement_id)
                                   .order_by(EngagementRate.effective_date.desc(), EngagementRate.id.desc()))
                .scalars())


@transaction()
def change_rate(engagement_id: int, data: dict, user, *, today: date) -> EngagementRate:
    """Record a new pay rate {rate, effective_date, note?} of the engagement, effective on or before `today`, and
    make it the engagement's current rate. Dated in the past with pay already written since, the change waits
    for HR's decision on the retro difference (`pending`); otherwise there is nothing to decide (`none`)."""
    _require(user, "create")
    eng = db.session.get(Engagement, engagement_id) if v.is_record_id(engagement_id) else None
    if eng is None:
        raise NotFound(f"engagement {engagement_id} not found")
    if not isinstance(data, dict):
        raise ValidationFailed([Issue("body", "must be an object")])
    issues: list[Issue] = []
    rate = v.amount("rate", data.get("rate"), issues, kind=RATE)
    effective = v.a_date("effective_date", data.get("effective_date"), issues)
    if effective is not None and effective > today:
        issues.append(Issue("effective_date", f"must be today ({today}) or earlier: a future rate change is entered "
                            "on the day it starts", "future_date"))
    if effective is not None and effective < eng.start_date:
        issues.append(Issue("effective_date", f"is before the engagement starts ({eng.start_date})", "too_early"))
    if rate is not None and rate == eng.pay_rate:
        issues.append(Issue("rate", f"is the current rate ({eng.pay_rate})", "unchanged"))
    raise_if(issues)
    change = EngagementRate(engagement_id=eng.id, rate=rate, previous_rate=eng.pay_rate, effective_date=effective,
                            note=str(data.get("note") or "")[:500], created_by_id=user_id(user))
    eng._rate_change_recorded = True    # payroll.models' history hook: this change is recorded here
    try:
        with acting_as(user):   # the audit log names who changed the rate: four eyes reads it (four_eyes.py)
            update_engagement(eng.id, {"pay_rate": rate})
            db.session.add(change)
            db.session.flush()
    finally:
        eng._rate_change_recorded = False
    result = retro_for(change) if effective < today else None
    # pending when any paycheck already written is owed a difference, even one HR must figure by hand (a period
    # that starts before the effective date): the page shows it, HR confirms or dismisses
    if result is not None and any(ln.difference for p in result.paychecks for ln in p.lines):
        change.retro_status, change.retro_amount = "pending", result.total
    return change


@transaction()
def confirm_retro(change_id: int, user) -> PayrollAdjustment:
    """Add the retro difference of a pending rate change as one `retro` adjustment, paid by the next run of the
    engagement. Once: the change must be pending, and the database holds one adjustment per rate change."""
    _require(user, "create")
    change = get_change(change_id, lock=True)
    if change.retro_status != "pending":
        raise DomainError(f"rate change #{change.id} is {change.retro_status}: "
                          + ("its retro pay is already added" if change.retro_status == "confirmed"
                             else "there is no retro pay to confirm"), code=f"retro_{change.retro_status}")
    result = retro_for(change)
    if result.total <= 0:
        raise DomainError(f"the retro difference is {result.total}: a lower rate is not taken back from pay "
                          "already written; dismiss it, or add a correction by hand", code="retro_not_positive")
    adj = PayrollAdjustment(engagement_id=change.engagement_id, code="retro", amount=result.total,
                            note="; ".join(result.explanation)[:500], created_by_id=user_id(user),
                            rate_change_id=change.id)
    with unique_or_refuse("ix_payroll_adjustments_rate_change_id", f"rate change #{change.id}'s retro pay is "
                          "already added", "retro_confirmed", columns="payroll_adjustments.rate_change_id"):
        db.session.add(adj)
    change.retro_status, change.retro_amount = "confirmed", result.total
    change.decided_by_id, change.decided_at = user_id(user), utcnow()
    return adj


@transaction()
def dismiss_retro(change_id: int, user, reason: str = "") -> EngagementRate:
    """No retro pay for this change (e.g. settled another way); the reason goes into the note and the audit log."""
    _require(user, "create")
    change = get_change(change_id, lock=True)
    if change.retro_status != "pending":
        raise DomainError(f"rate change #{change.id} is {change.retro_status}, not pending", code="bad_state")
    change.retro_status = "dismissed"
    change.decided_by_id, change.decided_at = user_id(user), utcnow()
    if reason:
        change.note = (f"{change.note}; " if change.note else "") + f"dismissed: {reason}"[:400]
    return change


def pending_changes() -> list[EngagementRate]:
    return list(db.session.execute(sa.select(EngagementRate).where(EngagementRate.retro_status == "pending")
                                   .order_by(EngagementRate.id)).scalars())
