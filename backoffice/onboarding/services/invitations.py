"""Onboarding services: invite a worker, resend, check and accept the invitation link."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping

import sqlalchemy as sa

from backoffice import validation as v
from backoffice.audit import AuditLog
from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, raise_if
from backoffice.extensions import db
from backoffice.onboarding.mail import invitation_message, send_mail
from backoffice.onboarding.models import Invitation, OnboardingCase, OnboardingStep
from backoffice.onboarding.services.cases import (
    INVITE_FIELDS,
    OPEN_STATUSES,
    _collect,
    _nf,
    case_for_engagement,
    hash_token,
)
from backoffice.onboarding.steps import i9_section2_due, plan_steps
from backoffice.security.models import User
from backoffice.security.services import MIN_PASSWORD
from backoffice.states import allows, check_move, transition
from backoffice.uow import transaction
from backoffice.workers.models import Agency, Engagement, Worker
from backoffice.workers.services import clean_engagement, clean_worker


@dataclass(frozen=True)
class InviteResult:
    invitation: Invitation
    case: OnboardingCase
    link: str
    sent: bool
    error: str | None = None


def _new_invitation(worker: Worker, engagement: Engagement, ttl_hours: int, invited_by_id: int | None,
                    now: datetime):
    token = secrets.token_urlsafe(32)
    inv = Invitation(worker_id=worker.id, engagement_id=engagement.id, email=worker.email,
                     token_hash=hash_token(token), expires_at=now + timedelta(hours=ttl_hours),
                     invited_by_id=invited_by_id)
    db.session.add(inv)
    return inv, token


def _deliver(inv: Invitation, token: str, config: Mapping, base_url: str | None) -> tuple[str, bool, str | None]:
    # The link's address is the configured BACKOFFICE_BASE_URL, never the request's Host header: a forged Host
    # would otherwise send the worker's single-use token to whoever the attacker names.
    link = f"{(base_url or config['BASE_URL']).rstrip('/')}/portal/invite/{token}"
    eng = inv.engagement
    agency = db.session.execute(sa.select(Agency).limit(1)).scalar_one_or_none()
    label = "leased employee" if eng.type == "leased_employee" else "independent contractor"
    subject, body = invitation_message(first_name=inv.worker.first_name, agency=agency.legal_name if agency else
                                       "Tandem", client=eng.client.name, engagement_label=label, link=link,
                                       expires=inv.expires_at.strftime("%Y-%m-%d %H:%M UTC"))
    try:
        send_mail(config, inv.email, subject, body)
    except DomainError as exc:
        return link, False, exc.message
    with transaction():
        inv.sent_at = utcnow()
    return link, True, None


def invite_worker(data: dict, *, now: datetime, config: Mapping, base_url: str | None = None,
                  invited_by_id: int | None = None) -> InviteResult:
    """Create (or link) the worker and a pending engagement, open the onboarding case `now` and email the link.

    The records are committed before the email goes out; when sending fails the result says so and HR can
    resend from the board."""
    inv, token, case = _open_case(data, now, config, invited_by_id)
    link, sent, error = _deliver(inv, token, config, base_url)
    return InviteResult(inv, case, link, sent, error)


@transaction()
def _open_case(data: dict, now: datetime, config: Mapping,
               invited_by_id: int | None) -> tuple[Invitation, str, OnboardingCase]:
    """The worker (new, or matched by email), a pending engagement, its onboarding case and an invitation."""
    issues: list[Issue] = []
    for k in data:
        if k not in INVITE_FIELDS:
            issues.append(Issue(k, "is not a known field", "unknown_field"))
    v.required(data, ["email", "client_id", "type", "work_state", "pay_rate", "start_date"], issues)
    email = v.email("email", data["email"], issues) if data.get("email") else None
    worker = None
    if email:
        worker = db.session.execute(sa.select(Worker).where(Worker.email == email)).scalar_one_or_none()
    if worker is None:
        v.required(data, ["first_name", "last_name"], issues)
        if data.get("first_name") and data.get("last_name") and email:
            worker_data = _collect(issues, clean_worker, {"first_name": data["first_name"],
                                                          "last_name": data["last_name"], "email": email,
                                                          "status": "onboarding"})
    eng_data = {k: data[k] for k in ("client_id", "type", "title", "work_state", "pay_rate", "pay_unit",
                                     "bill_rate", "pay_frequency", "start_date") if data.get(k) not in (None, "")}
    eng_clean = _collect(issues, clean_engagement, eng_data, partial=True) or {}
    if worker is not None and email:
        open_case = db.session.execute(sa.select(OnboardingCase.id).where(
            OnboardingCase.worker_id == worker.id, OnboardingCase.status.in_(OPEN_STATUSES))).first()
        if open_case:
            issues.append(Issue("email", "this worker already has an onboarding in progress; resend that "
                                         "invitation from the board instead", "duplicate"))
    raise_if(issues)
    if worker is None:
        worker = Worker(**worker_data)
        db.session.add(worker)
        db.session.flush()
    engagement = Engagement(worker_id=worker.id, status="pending", **eng_clean)
    db.session.add(engagement)
    db.session.flush()
    steps = plan_steps(engagement.type, engagement.work_state)
    case = OnboardingCase(worker_id=worker.id, engagement_id=engagement.id, status="invited",
                          current_step=steps[0], step_since=now, invited_at=now)
    case.steps = [OnboardingStep(step=s, position=i, status="pending", summary={}) for i, s in enumerate(steps)]
    if "i9" in steps:  # the deadline runs from the start date, whether or not section 1 is signed yet
        case.i9_due_date = i9_section2_due(engagement.start_date)
    db.session.add(case)
    inv, token = _new_invitation(worker, engagement, int(config.get("INVITE_TTL_HOURS") or 72), invited_by_id, now)
    return inv, token, case


def resend_invitation(case_id: int, *, now: datetime, config: Mapping, base_url: str | None = None,
                      invited_by_id: int | None = None) -> InviteResult:
    """Revoke the case's unused links and send a fresh one (a new token, expiring a TTL after `now`)."""
    inv, token, case = _renew_invitation(case_id, now, config, invited_by_id)
    link, sent, error = _deliver(inv, token, config, base_url)
    return InviteResult(inv, case, link, sent, error)


@transaction()
def _renew_invitation(case_id: int, now: datetime, config: Mapping,
                      invited_by_id: int | None) -> tuple[Invitation, str, OnboardingCase]:
    case = db.session.get(OnboardingCase, case_id) or _nf("onboarding case", case_id)
    check_move(case, "resend")
    for old in db.session.execute(sa.select(Invitation).where(Invitation.engagement_id == case.engagement_id,
                                                              Invitation.accepted_at.is_(None),
                                                              Invitation.revoked_at.is_(None))).scalars():
        old.revoked_at = now
    inv, token = _new_invitation(case.worker, case.engagement, int(config.get("INVITE_TTL_HOURS") or 72),
                                 invited_by_id, now)
    return inv, token, case


def check_invitation(token: str, *, now: datetime) -> Invitation:
    """The invitation for a link, or a DomainError saying plainly why the link cannot be used (expired by `now`)."""
    inv = db.session.execute(sa.select(Invitation).where(Invitation.token_hash == hash_token(token or "")))\
        .scalar_one_or_none()
    if inv is None:
        raise DomainError("This invitation link is not valid. Check that you copied the whole link, or ask HR "
                          "for a new one.", code="invitation_invalid")
    if inv.accepted_at is not None:
        raise DomainError("This invitation link has already been used. Sign in with your email and password "
                          "instead.", code="invitation_used")
    if inv.revoked_at is not None:
        raise DomainError("This invitation link was replaced by a newer one. Use the link in the latest email "
                          "from HR.", code="invitation_revoked")
    if inv.expires_at <= now:
        raise DomainError(f"This invitation link expired on {inv.expires_at:%Y-%m-%d %H:%M} UTC. Ask HR to send "
                          f"you a new one.", code="invitation_expired")
    return inv


@transaction()
def accept_invitation(token: str, password: str, password_confirm: str, *, now: datetime, ip: str = "") -> User:
    """Use the link once (`now`, before it expires): set the worker's password (creating their sign-in) and start
    the wizard."""
    inv = check_invitation(token, now=now)
    issues: list[Issue] = []
    if len(password or "") < MIN_PASSWORD:
        issues.append(Issue("password", f"must be at least {MIN_PASSWORD} characters", "too_short"))
    if (password or "") != (password_confirm or ""):
        issues.append(Issue("password_confirm", "does not match the password", "mismatch"))
    user = db.session.execute(sa.select(User).where(sa.or_(User.worker_id == inv.worker_id,
                                                           User.email == inv.email))).scalars().first()
    if user is not None and (user.role != "worker" or user.worker_id != inv.worker_id):
        issues.append(Issue("email", "this email belongs to another account; ask HR for help", "duplicate"))
    raise_if(issues)
    worker = inv.worker
    if user is None:
        user = User(email=inv.email, role="worker", name=worker.full_name, worker_id=worker.id, active=True)
        db.session.add(user)
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    # Single use even when two requests race: only one conditional update can claim the link.
    claimed = db.session.execute(sa.update(Invitation).where(
        Invitation.id == inv.id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .values(accepted_at=now, accepted_ip=ip or "").execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise DomainError("This invitation link has already been used. Sign in with your email and password "
                          "instead.", code="invitation_used")
    db.session.refresh(inv)
    # The conditional UPDATE bypasses the ORM's audit hook, so the acceptance is logged here.
    db.session.add(AuditLog(user_email=inv.email, action="update", model="invitation", record_id=str(inv.id),
                            ip=ip or "", changes=json.dumps({"accepted_at": {"before": None, "after": now.isoformat()},
                                                             "accepted_ip": {"before": "", "after": ip or ""}})))
    case = case_for_engagement(inv.engagement_id)
    if allows(case, "start"):
        transition(case, "start")
        case.step_since = now
    return user
