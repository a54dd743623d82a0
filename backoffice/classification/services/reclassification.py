"""Classification services: reclassifying an engagement and opening the onboarding steps it needs."""
from __future__ import annotations

from datetime import timedelta

from backoffice import validation as v
from backoffice.classification.models import Reclassification
from backoffice.classification.services.common import (
    OPEN_ENGAGEMENT_STATUSES,
    _audited_as_user,
    _check,
    _engagement_for,
    current_signed,
    get_assessment,
)
from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, PermissionDenied, raise_if
from backoffice.extensions import db
from backoffice.security.access import can
from backoffice.uow import transaction
from backoffice.workers.models import Engagement
from backoffice.workers.services import clean_engagement


# ------------------------------------------------------------------ reclassification
def _onboarding_steps(to_type: str, work_state: str) -> list[str]:
    """The onboarding steps a converted engagement needs (no profile, bank or agreement again)."""
    if to_type == "leased_employee":
        wanted = ["w4", "state_certificate", "i9"]
    else:
        wanted = ["w9"]
    try:
        from backoffice.onboarding.steps import plan_steps
    except ImportError:
        return [s for s in wanted if s != "state_certificate"]
    return [s for s in plan_steps(to_type, work_state) if s in wanted]


def _open_onboarding(new: Engagement, steps: list[str]) -> list[dict]:
    """Open the steps as an onboarding case for the new engagement, or record them as pending tasks."""
    try:
        from backoffice.onboarding.models import OnboardingCase, OnboardingStep
    except ImportError:
        return [{"kind": "onboarding_step", "step": s, "status": "pending",
                 "note": "onboarding is not installed: HR collects this form"} for s in steps]
    now = utcnow()
    case = OnboardingCase(worker_id=new.worker_id, engagement_id=new.id, status="in_progress",
                          current_step=steps[0], step_since=now, invited_at=now)
    case.steps = [OnboardingStep(step=s, position=i, status="pending", summary={}) for i, s in enumerate(steps)]
    db.session.add(case)
    db.session.flush()
    return [{"kind": "onboarding_step", "step": s, "status": "opened", "case_id": case.id} for s in steps]


@_audited_as_user
@transaction()
def reclassify(engagement_id, *, user, to_type: str, effective_date, note: str = "",
               assessment_id=None) -> Reclassification:
    """Convert an engagement to the other type from `effective_date`, in one transaction.

    The old engagement ends the day before; a new one of the new type starts on the date with the same
    worker, client, title, state and rates. To leased employee: the W-4 (and state certificate) and I-9
    onboarding steps open. To contractor: a COBRA qualifying event is recorded for the benefits module (and
    the W-9 step opens). A signed-off assessment of this engagement with that determination is required."""
    _check(user, "create", "classification_reclassification")
    _check(user, "create", "engagement")
    if user is not None and not can(user, "classification_sign_off", "write"):
        raise PermissionDenied("only HR reclassifies an engagement")
    old = _engagement_for(engagement_id, user)
    issues: list[Issue] = []
    to_type = v.choice("to_type", to_type, ("leased_employee", "contractor"), issues)
    eff = v.a_date("effective_date", effective_date, issues)
    if to_type and to_type == old.type:
        issues.append(Issue("to_type", f"the engagement is already a {old.type.replace('_', ' ')}", "same_type"))
    if eff and eff <= old.start_date:
        issues.append(Issue("effective_date", f"must be after the engagement's start date {old.start_date}",
                            "before_start"))
    if eff and old.end_date and eff > old.end_date:
        issues.append(Issue("effective_date", f"is after the engagement's end date {old.end_date}", "after_end"))
    signed = current_signed(old.id)
    if assessment_id not in (None, ""):
        signed = get_assessment(assessment_id, user)
        if signed.engagement_id != old.id or signed.status != "signed_off":
            issues.append(Issue("assessment_id", "must be this engagement's current signed-off assessment"))
    if to_type and (signed is None or signed.signed_determination != to_type):
        issues.append(Issue("to_type", f"needs a signed-off assessment that found a {to_type.replace('_', ' ')}",
                            "not_signed"))
    raise_if(issues)
    if old.status not in OPEN_ENGAGEMENT_STATUSES:
        raise DomainError(f"engagement {old.id} is {old.status}: only a pending or active one is converted")
    new_data = clean_engagement({
        "worker_id": old.worker_id, "client_id": old.client_id, "type": to_type, "title": old.title,
        "work_state": old.work_state, "pay_rate": old.pay_rate, "pay_unit": old.pay_unit,
        "bill_rate": old.bill_rate, "pay_frequency": old.pay_frequency, "pay_schedule_id": old.pay_schedule_id,
        "start_date": eff,
        "end_date": old.end_date, "status": "pending" if to_type == "leased_employee" else "active",
        "overtime_exempt": old.overtime_exempt if to_type == "leased_employee" else False})
    old.end_date = eff - timedelta(days=1)
    old.status = "ended"
    new = Engagement(**new_data)
    new.classification = to_type
    db.session.add(new)
    db.session.flush()
    follow_ups = _open_onboarding(new, _onboarding_steps(to_type, new.work_state))
    if to_type == "contractor":
        from benefits.models import LifeEvent

        event = LifeEvent(worker_id=old.worker_id, engagement_id=old.id, kind="cobra_qualifying_event",
                          event_date=eff, status="open", source="reclassification",
                          notes=(f"Engagement #{old.id} reclassified from leased employee to contractor from "
                                 f"{eff.isoformat()} (new engagement #{new.id}): loss of employee status "
                                 "is a COBRA qualifying event (termination of employment, 29 U.S.C. 1163(2))."))
        db.session.add(event)
        db.session.flush()
        follow_ups.append({"kind": "cobra_event", "life_event_id": event.id, "status": "opened"})
    rec = Reclassification(worker_id=old.worker_id, client_id=old.client_id, from_engagement_id=old.id,
                           to_engagement_id=new.id, from_type=old.type, to_type=to_type, effective_date=eff,
                           assessment_id=signed.id, note=(note or "").strip(), follow_ups=follow_ups,
                           by_id=getattr(user, "id", None))
    db.session.add(rec)
    return rec
