"""Classification services: re-checks raised when a contractor engagement's facts drift from its sign-off."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from backoffice import validation as v
from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, NotFound, PermissionDenied, raise_if
from backoffice.extensions import db
from backoffice.security.access import can
from backoffice.uow import transaction
from backoffice.classification.services.common import (OPEN_ENGAGEMENT_STATUSES, _audited_as_user, _check,
                                                  _visible, current_signed)
from backoffice.classification.engine.questionnaire import answer_value
from backoffice.classification.models import Assessment, Recheck, RecheckRun
from backoffice.classification.engine import RecheckFacts, ScheduleChange, WeekHours, recheck_triggers
from backoffice.classification.engine.questionnaire import NOT_STATED
from backoffice.money import ZERO
from backoffice.workers.models import Client, Engagement


def recheck_facts(eng: Engagement, *, today: date) -> RecheckFacts:
    """What the system knows about a contractor engagement since its signed assessment.

    - approved timesheet hours per week since the assessment date (payroll's Timesheet);
    - this year's contractor income per client from posted paychecks (reversals net out);
    - schedule_set_by from the signed assessment and every assessment run after it."""
    signed = current_signed(eng.id)
    since = signed.as_of_date if signed else eng.start_date
    weekly: list[WeekHours] = []
    income: dict[str, Decimal] = {}
    income_from: date | None = None
    try:
        from payroll.models import Paycheck, PaycheckLine, Timesheet, released_runs
    except ImportError:  # payroll operations not installed: no hours or income facts
        Timesheet = None
    if Timesheet is not None:
        sheets = db.session.execute(sa.select(Timesheet).where(
            Timesheet.engagement_id == eng.id, Timesheet.status == "approved",
            Timesheet.week_start >= since - timedelta(days=6), Timesheet.week_start <= today)
            .order_by(Timesheet.week_start)).scalars()
        weekly = [WeekHours(t.week_start, t.total_hours) for t in sheets]
        # one payment per person and run: each earning line names the client it was earned at
        rows = db.session.execute(
            sa.select(Client.name, PaycheckLine.client_id, PaycheckLine.amount, Paycheck.pay_date)
            .join(Client, Client.id == PaycheckLine.client_id)
            .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
            .where(Paycheck.worker_id == eng.worker_id, Paycheck.worker_type == "contractor",
                   PaycheckLine.kind == "earning", Paycheck.tax_year == today.year,
                   Paycheck.run_id.in_(released_runs()))).all()
        names: dict[int, str] = {}
        for name, client_id, _gross, _day in rows:     # a client by its name; the id only when two share one
            if client_id not in names:
                names[client_id] = name if name not in names.values() else f"{name} (#{client_id})"
        for _name, client_id, gross, day in rows:
            key = names[client_id]
            income[key] = income.get(key, ZERO) + gross
            income_from = day if income_from is None or day < income_from else income_from
        income = {k: amt for k, amt in income.items() if amt > 0}
    changes: list[ScheduleChange] = []
    runs = db.session.execute(sa.select(Assessment).where(
        Assessment.engagement_id == eng.id, Assessment.result.is_not(None))
        .order_by(Assessment.as_of_date, Assessment.id)).scalars().all()
    later = [a for a in runs if signed is None or a.id > signed.id]
    if later:  # only answers newer than the signed assessment change the picture
        for a in ([signed] if signed else []) + later:
            value = answer_value(a.answers, "behavioral_control.schedule_set_by")
            if value != NOT_STATED:
                changes.append(ScheduleChange(a.as_of_date, value))
    client_key = next((k for k in income if k in (eng.client.name, f"{eng.client.name} (#{eng.client_id})")), None)
    return RecheckFacts(weekly_hours=tuple(weekly), income_by_client=income, engagement_client=client_key,
                        income_from=income_from if income else None, schedule_changes=tuple(changes))


@transaction()
def raise_rechecks(engagement_id: int, *, today: date) -> list[Recheck]:
    """Evaluate the re-check triggers for one contractor engagement; store each new one (once per assessment)."""
    eng = db.session.get(Engagement, engagement_id)
    if eng is None:
        raise NotFound(f"engagement {engagement_id} not found")
    if eng.type != "contractor" or eng.status not in OPEN_ENGAGEMENT_STATUSES:
        return []
    signed = current_signed(eng.id)
    triggers = recheck_triggers(recheck_facts(eng, today=today))
    existing = {rc.code for rc in db.session.execute(sa.select(Recheck).where(
        Recheck.engagement_id == eng.id,
        Recheck.assessment_id.is_(None) if signed is None else Recheck.assessment_id == signed.id)).scalars()}
    new = []
    for t in triggers:
        if t.code in existing:
            continue
        rc = Recheck(engagement_id=eng.id, worker_id=eng.worker_id, client_id=eng.client_id,
                     assessment_id=signed.id if signed else None, code=t.code, explanation=t.explanation,
                     since=t.since, facts=dict(t.facts), status="open")
        db.session.add(rc)
        new.append(rc)
    return new


@transaction()
def run_rechecks(*, today: date, trigger: str = "manual", user=None) -> int:
    """Evaluate every open contractor engagement; returns how many new re-checks were raised. The pass is
    recorded (RecheckRun: when, why, by whom, what it found), so the admin shows when re-checks last ran."""
    return _run(today=today, trigger=trigger, user=user).raised


def _run(*, today: date, trigger: str, user, schedule_day: date | None = None) -> RecheckRun:
    ids = db.session.execute(sa.select(Engagement.id).where(
        Engagement.type == "contractor", Engagement.status.in_(OPEN_ENGAGEMENT_STATUSES))
        .order_by(Engagement.id)).scalars().all()
    run = RecheckRun(as_of_date=today, trigger=trigger, schedule_day=schedule_day, started_at=utcnow(),
                     by_id=getattr(user, "id", None))
    db.session.add(run)
    db.session.flush()      # a second scheduled pass for the same day stops here (uq schedule_day)
    found: dict[str, int] = {}
    for eid in ids:
        for rc in raise_rechecks(eid, today=today):
            found[rc.code] = found.get(rc.code, 0) + 1
    run.engagements_checked, run.raised, run.found = len(ids), sum(found.values()), found
    run.finished_at = utcnow()
    return run


def run_scheduled_rechecks(*, today: date) -> RecheckRun | None:
    """The daily pass (Celery beat): at most once per day; None when today's pass has already run."""
    if db.session.execute(sa.select(RecheckRun.id).where(RecheckRun.schedule_day == today)).first():
        return None
    try:
        with transaction():
            return _run(today=today, trigger="schedule", user=None, schedule_day=today)
    except sa.exc.IntegrityError:       # another worker ran today's pass at the same moment
        return None


def last_runs(limit: int = 5) -> list[RecheckRun]:
    """The latest passes of the re-checks, newest first (the admin's "last ran" panel)."""
    return list(db.session.execute(sa.select(RecheckRun).order_by(RecheckRun.started_at.desc(), RecheckRun.id.desc())
                                   .limit(limit)).scalars())


@_audited_as_user
@transaction()
def resolve_recheck(recheck_id, *, user, note: str, status: str = "resolved") -> Recheck:
    _check(user, "write", "classification_recheck")
    if user is not None and not can(user, "classification_sign_off", "write"):
        raise PermissionDenied("HR resolves re-checks")
    rc = _visible(Recheck, recheck_id, user)
    issues: list[Issue] = []
    v.choice("status", status, ("resolved", "dismissed"), issues)
    if not (note or "").strip():
        issues.append(Issue("note", "say what was done about it", "required"))
    raise_if(issues)
    if rc.status != "open":
        raise DomainError(f"re-check {rc.id} is already {rc.status}")
    rc.status, rc.resolution_note = status, note.strip()
    rc.resolved_at, rc.resolved_by_id = utcnow(), getattr(user, "id", None)
    return rc
