"""Onboarding services, shared part: cases and their steps (lookup, order, begin, complete), field checks, copies."""
from __future__ import annotations

import hashlib

import sqlalchemy as sa

from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, NotFound, ValidationFailed
from backoffice.extensions import db
from backoffice.pdf import render_pdf
from backoffice.onboarding.models import OPEN_STATUSES, OnboardingCase, OnboardingStep, SignedDocument
from backoffice.states import allows, check_move, transition

INVITE_FIELDS = ("email", "first_name", "last_name", "client_id", "type", "title", "work_state", "pay_rate",
                 "pay_unit", "bill_rate", "pay_frequency", "start_date")
PROFILE_FIELDS = ("first_name", "middle_name", "last_name", "tin_type", "tin", "birth_date", "phone",
                  "address_line1", "address_line2", "city", "state", "postal_code")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _collect(issues: list[Issue], fn, *args, **kwargs):
    """Run a validator that raises ValidationFailed and keep its issues, so every bad field is named at once."""
    try:
        return fn(*args, **kwargs)
    except ValidationFailed as exc:
        issues.extend(exc.issues)
        return None


def _nf(kind, ident):
    raise NotFound(f"{kind} {ident} not found")


def case_for_engagement(engagement_id: int) -> OnboardingCase:
    case = db.session.execute(sa.select(OnboardingCase).where(OnboardingCase.engagement_id == engagement_id))\
        .scalar_one_or_none()
    return case or _nf("onboarding case for engagement", engagement_id)


def open_cases(worker_id: int) -> list[OnboardingCase]:
    return list(db.session.execute(sa.select(OnboardingCase).where(
        OnboardingCase.worker_id == worker_id, OnboardingCase.status.in_(OPEN_STATUSES))
        .order_by(OnboardingCase.id)).scalars())


def next_step(case: OnboardingCase) -> str | None:
    return next((s.step for s in case.steps if s.status != "done"), None)


def may_open(case: OnboardingCase, step: str) -> bool:
    """A step can be opened when it is done or is the next one to do (the wizard goes in order)."""
    row = case.step(step)
    if row is None:
        return False
    return row.status == "done" or step == next_step(case)


def _begin(case: OnboardingCase, step: str) -> OnboardingStep:
    check_move(case, "save_step")
    if not may_open(case, step):
        raise DomainError("Finish the earlier steps first.", code="step_out_of_order")
    return case.step(step)


def _complete(case: OnboardingCase, row: OnboardingStep, summary: dict | None = None) -> None:
    """Mark a step done and move the case on (not committed here: the caller's transaction does)."""
    now = utcnow()
    row.status = "done"
    row.completed_at = now
    row.summary = dict(summary or {})
    if allows(case, "start"):
        transition(case, "start")
    following = next_step(case)
    if following != case.current_step:
        case.current_step = following
        case.step_since = now
    if following is None:
        transition(case, "complete")
        case.completed_at = now
        eng = case.engagement
        if eng.status == "pending":
            eng.status = "active"
        if case.worker.status == "onboarding":
            case.worker.status = "active"


def _commit_or_rollback() -> None:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def _signature(data: dict, issues: list[Issue]) -> str:
    name = " ".join(str(data.get("signed_name") or "").split())
    if not name:
        issues.append(Issue("signed_name", "type your full legal name to sign", "required"))
    return name


def _flag(value) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "on", "yes")


def _store_copy(worker_id: int, engagement_id: int | None, kind: str, title: str, html: str, signed: str, ip: str,
                user_agent: str) -> SignedDocument:
    pdf = render_pdf(html)
    doc = SignedDocument(worker_id=worker_id, engagement_id=engagement_id, kind=kind, title=title,
                         status="signed", pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf),
                         signed_name=signed, signed_at=utcnow(), signed_ip=ip or "",
                         user_agent=(user_agent or "")[:300])
    db.session.add(doc)
    return doc
