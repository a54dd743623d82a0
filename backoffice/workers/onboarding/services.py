"""Onboarding services: invite, accept, each wizard step validated in full and saved in one transaction."""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Mapping

import sqlalchemy as sa

from backoffice import validation as v
from backoffice.audit import AuditLog
from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, NotFound, ValidationFailed, raise_if
from backoffice.extensions import db
from backoffice.periods import age_on
from backoffice.security.models import User
from backoffice.security.services import MIN_PASSWORD
from backoffice.workers.models import Agency, Client, Engagement, Worker
from backoffice.workers.onboarding import documents
from backoffice.workers.onboarding.mail import invitation_message, send_mail
from backoffice.workers.onboarding.models import (I9_CITIZENSHIP, I9Record, Invitation, OnboardingCase,
                                                  OnboardingStep, SignedDocument)
from backoffice.workers.onboarding.steps import (clean_state_certificate, i9_section2_due, plan_steps, rules,
                                                 state_form)
from backoffice.workers.profile import W9_ENTITY_TYPES, TaxProfile

INVITE_FIELDS = ("email", "first_name", "last_name", "client_id", "type", "title", "work_state", "pay_rate",
                 "pay_unit", "bill_rate", "pay_frequency", "start_date")
PROFILE_FIELDS = ("first_name", "middle_name", "last_name", "tin_type", "tin", "birth_date", "phone",
                  "address_line1", "address_line2", "city", "state", "postal_code")
OPEN_STATUSES = ("invited", "in_progress")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _collect(issues: list[Issue], fn, *args, **kwargs):
    """Run a validator that raises ValidationFailed and keep its issues, so every bad field is named at once."""
    try:
        return fn(*args, **kwargs)
    except ValidationFailed as exc:
        issues.extend(exc.issues)
        return None


# ------------------------------------------------------------------ invitations
@dataclass(frozen=True)
class InviteResult:
    invitation: Invitation
    case: OnboardingCase
    link: str
    sent: bool
    error: str | None = None


def _new_invitation(worker: Worker, engagement: Engagement, ttl_hours: int, invited_by_id: int | None):
    token = secrets.token_urlsafe(32)
    inv = Invitation(worker_id=worker.id, engagement_id=engagement.id, email=worker.email,
                     token_hash=hash_token(token), expires_at=utcnow() + timedelta(hours=ttl_hours),
                     invited_by_id=invited_by_id)
    db.session.add(inv)
    return inv, token


def _deliver(inv: Invitation, token: str, config: Mapping, base_url: str) -> tuple[str, bool, str | None]:
    link = f"{base_url.rstrip('/')}/portal/invite/{token}"
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
    inv.sent_at = utcnow()
    db.session.commit()
    return link, True, None


def invite_worker(data: dict, *, config: Mapping, base_url: str, invited_by_id: int | None = None) -> InviteResult:
    """Create (or link) the worker and a pending engagement, open the onboarding case and email the link.

    The records are committed before the email goes out; when sending fails the result says so and HR can
    resend from the board."""
    from backoffice.workers.services import clean_engagement, clean_worker

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
    now = utcnow()
    steps = plan_steps(engagement.type, engagement.work_state)
    case = OnboardingCase(worker_id=worker.id, engagement_id=engagement.id, status="invited",
                          current_step=steps[0], step_since=now, invited_at=now)
    case.steps = [OnboardingStep(step=s, position=i, status="pending", summary={}) for i, s in enumerate(steps)]
    if "i9" in steps:  # the deadline runs from the start date, whether or not section 1 is signed yet
        case.i9_due_date = i9_section2_due(engagement.start_date)
    db.session.add(case)
    inv, token = _new_invitation(worker, engagement, int(config.get("INVITE_TTL_HOURS") or 72), invited_by_id)
    db.session.commit()
    link, sent, error = _deliver(inv, token, config, base_url)
    return InviteResult(inv, case, link, sent, error)


def resend_invitation(case_id: int, *, config: Mapping, base_url: str,
                      invited_by_id: int | None = None) -> InviteResult:
    """Revoke the case's unused links and send a fresh one (a new token, a new expiry)."""
    case = db.session.get(OnboardingCase, case_id) or _nf("onboarding case", case_id)
    if case.status != "invited":
        raise DomainError("The worker has already accepted the invitation; they sign in with their password.",
                          code="already_accepted")
    now = utcnow()
    for old in db.session.execute(sa.select(Invitation).where(Invitation.engagement_id == case.engagement_id,
                                                              Invitation.accepted_at.is_(None),
                                                              Invitation.revoked_at.is_(None))).scalars():
        old.revoked_at = now
    inv, token = _new_invitation(case.worker, case.engagement, int(config.get("INVITE_TTL_HOURS") or 72),
                                 invited_by_id)
    db.session.commit()
    link, sent, error = _deliver(inv, token, config, base_url)
    return InviteResult(inv, case, link, sent, error)


def check_invitation(token: str, *, now=None) -> Invitation:
    """The invitation for a link, or a DomainError saying plainly why the link cannot be used."""
    now = now or utcnow()
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


def accept_invitation(token: str, password: str, password_confirm: str, *, ip: str = "") -> User:
    """Use the link once: set the worker's password (creating their sign-in) and start the wizard."""
    inv = check_invitation(token)
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
    now = utcnow()
    # Single use even when two requests race: only one conditional update can claim the link.
    claimed = db.session.execute(sa.update(Invitation).where(
        Invitation.id == inv.id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .values(accepted_at=now, accepted_ip=ip or "").execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        db.session.rollback()
        raise DomainError("This invitation link has already been used. Sign in with your email and password "
                          "instead.", code="invitation_used")
    db.session.refresh(inv)
    # The conditional UPDATE bypasses the ORM's audit hook, so the acceptance is logged here.
    db.session.add(AuditLog(user_email=inv.email, action="update", model="invitation", record_id=str(inv.id),
                            ip=ip or "", changes=json.dumps({"accepted_at": {"before": None, "after": now.isoformat()},
                                                             "accepted_ip": {"before": "", "after": ip or ""}})))
    case = case_for_engagement(inv.engagement_id)
    if case.status == "invited":
        case.status = "in_progress"
        case.step_since = now
    db.session.commit()
    return user


# ------------------------------------------------------------------ cases and steps
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
    if case.status not in OPEN_STATUSES:
        raise DomainError("This onboarding is already finished.", code="onboarding_closed")
    if not may_open(case, step):
        raise DomainError("Finish the earlier steps first.", code="step_out_of_order")
    return case.step(step)


def _complete(case: OnboardingCase, row: OnboardingStep, summary: dict | None = None) -> None:
    """Mark a step done and move the case on (not committed here: the caller's transaction does)."""
    now = utcnow()
    row.status = "done"
    row.completed_at = now
    row.summary = dict(summary or {})
    if case.status == "invited":
        case.status = "in_progress"
    following = next_step(case)
    if following != case.current_step:
        case.current_step = following
        case.step_since = now
    if following is None:
        case.status = "completed"
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


def save_profile(case: OnboardingCase, data: dict) -> Worker:
    """Legal name, SSN (or EIN for a contractor's business), birth date and residence address."""
    from backoffice.workers.services import clean_worker

    row = _begin(case, "profile")
    worker = case.worker
    issues: list[Issue] = []
    fields = {k: (str(data.get(k) or "").strip()) for k in PROFILE_FIELDS}
    v.required(fields, ["first_name", "last_name", "tin", "birth_date", "address_line1", "city", "state",
                        "postal_code"], issues)
    fields["tin_type"] = fields["tin_type"] or "ssn"
    if case.engagement.type == "leased_employee" and fields["tin_type"] != "ssn":
        issues.append(Issue("tin_type", "an employee gives a Social Security number (an EIN is for a business)",
                            "invalid_choice"))
    if fields["postal_code"] and not _zip_ok(fields["postal_code"]):
        issues.append(Issue("postal_code", "must be a ZIP code: 5 digits, or ZIP+4 like 94103-1234",
                            "invalid_postal_code"))
    birth = v.a_date("birth_date", fields["birth_date"], [], required_=False) if fields["birth_date"] else None
    if fields["birth_date"] and birth is None:
        issues.append(Issue("birth_date", f"{fields['birth_date']!r} is not a date (YYYY-MM-DD)", "invalid_date"))
    if birth is not None:
        today = date.today()
        minimum = int(rules()["minimum_work_age"])
        if birth >= today:
            issues.append(Issue("birth_date", "must be in the past", "invalid_date"))
        elif age_on(birth, today) < minimum:
            issues.append(Issue("birth_date", f"you must be at least {minimum} years old to work here",
                                "too_young"))
    candidate = {k: val for k, val in fields.items() if k not in ("birth_date",) and (val or k in (
        "middle_name", "address_line2", "phone"))}
    if birth is not None:
        candidate["birth_date"] = birth
    clean = _collect(issues, clean_worker, candidate, partial=True, current=worker)
    raise_if(issues)
    for k, val in clean.items():
        setattr(worker, k, val)
    _complete(case, row, {"tin_type": worker.tin_type, "state": worker.state})
    _commit_or_rollback()
    return worker


def _zip_ok(text: str) -> bool:
    digits = text.replace("-", "")
    return digits.isdigit() and (len(text) == 5 or (len(text) == 10 and text[5] == "-"))


def _w4_profile(worker: Worker, engagement_id: int | None, data: dict, ip: str, user_agent: str) -> TaxProfile:
    """Validate a W-4 (every amount 0 or more, signed) and add it, with a PDF copy, to the session."""
    from backoffice.workers.profile_services import clean_w4

    issues: list[Issue] = []
    signed = _signature(data, issues)
    form = {k: data.get(k) for k in ("filing_status", "step3_credits", "step4a_other_income",
                                     "step4b_deductions", "step4c_extra")}
    form.update(version=2020, step2_checkbox=_flag(data.get("step2_checkbox")), exempt=_flag(data.get("exempt")),
                effective_date=date.today().isoformat())
    clean = _collect(issues, clean_w4, form)
    raise_if(issues)
    previous = _latest_profile(worker.id)
    profile = TaxProfile(worker_id=worker.id, signed_name=signed, signed_at=utcnow(), **clean)
    if previous is not None and previous.state_certificate:
        profile.state_certificate = dict(previous.state_certificate)
    db.session.add(profile)
    _store_copy(worker.id, engagement_id, "w4", "Form W-4, Employee's Withholding Certificate",
                documents.w4_html(worker, clean, signed), signed, ip, user_agent)
    return profile


def save_w4(case: OnboardingCase, data: dict, *, ip: str = "", user_agent: str = "") -> TaxProfile:
    """Form W-4 (2020 and later) in the wizard: every amount 0 or more; signed; a PDF copy kept."""
    row = _begin(case, "w4")
    profile = _w4_profile(case.worker, case.engagement_id, data, ip, user_agent)
    _complete(case, row, {"filing_status": profile.filing_status, "exempt": profile.exempt})
    _commit_or_rollback()
    return profile


def save_w4_update(worker_id: int, data: dict, *, ip: str = "", user_agent: str = "") -> TaxProfile:
    """A new W-4 from the portal after onboarding; it applies to paychecks paid from today."""
    worker = db.session.get(Worker, worker_id) or _nf("worker", worker_id)
    profile = _w4_profile(worker, None, data, ip, user_agent)
    _commit_or_rollback()
    return profile


def _flag(value) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "on", "yes")


def _latest_profile(worker_id: int) -> TaxProfile | None:
    return db.session.execute(sa.select(TaxProfile).where(TaxProfile.worker_id == worker_id)
                              .order_by(TaxProfile.effective_date.desc(), TaxProfile.id.desc()).limit(1))\
        .scalar_one_or_none()


def save_state_certificate(case: OnboardingCase, data: dict, *, ip: str = "",
                           user_agent: str = "") -> TaxProfile:
    """The work state's certificate, stored as {state: fields} on a new TaxProfile row next to the W-4."""
    row = _begin(case, "state_certificate")
    state = case.engagement.work_state
    form = state_form(state)
    if form is None:
        raise DomainError(f"{state} has no withholding certificate to fill in", code="no_state_form")
    cert, issues = clean_state_certificate(form, data)
    signed = _signature(data, issues)
    raise_if(issues)
    w4 = _latest_profile(case.worker_id)
    if w4 is None:
        raise DomainError("Fill in Form W-4 first.", code="step_out_of_order")
    profile = TaxProfile(worker_id=case.worker_id, effective_date=date.today(), w4_version=w4.w4_version,
                         filing_status=w4.filing_status, step2_checkbox=w4.step2_checkbox,
                         step3_credits=w4.step3_credits, step4a_other_income=w4.step4a_other_income,
                         step4b_deductions=w4.step4b_deductions, step4c_extra=w4.step4c_extra, exempt=w4.exempt,
                         allowances=w4.allowances, additional=w4.additional,
                         state_certificate={**(w4.state_certificate or {}), state: cert},
                         signed_name=signed, signed_at=utcnow())
    db.session.add(profile)
    _store_copy(case.worker_id, case.engagement_id, "state_certificate", f"{state} {form.form}, {form.title}",
                documents.state_certificate_html(case.worker, form, cert, signed), signed, ip, user_agent)
    _complete(case, row, {"state": state, "form": form.form})
    _commit_or_rollback()
    return profile


def save_i9_section1(case: OnboardingCase, data: dict, *, ip: str = "", user_agent: str = "") -> I9Record:
    """Form I-9 section 1 (the employee's attestation); section 2 falls due three business days after start."""
    row = _begin(case, "i9")
    issues: list[Issue] = []
    signed = _signature(data, issues)
    status = v.choice("citizenship", data.get("citizenship") or None, I9_CITIZENSHIP, issues)
    number = str(data.get("uscis_number") or "").strip().upper().replace("-", "").replace(" ", "")
    until = None
    if status in ("permanent_resident", "authorized_alien"):
        digits = number[1:] if number.startswith("A") else number
        if not digits:
            issues.append(Issue("uscis_number", "enter your A-Number (USCIS number)", "required"))
        elif not digits.isdigit() or not 7 <= len(digits) <= 9:
            issues.append(Issue("uscis_number", "an A-Number is 7 to 9 digits, e.g. A012345678", "invalid_format"))
    if status == "authorized_alien":
        until = v.a_date("work_authorized_until", data.get("work_authorized_until"), issues)
        if until is not None and until < date.today():
            issues.append(Issue("work_authorized_until", "your work authorization has already expired",
                                "expired"))
    if not _flag(data.get("attest")):
        issues.append(Issue("attest", "tick the box to attest, under penalty of perjury, that this is true",
                            "required"))
    raise_if(issues)
    eng = case.engagement
    due = i9_section2_due(eng.start_date)
    i9 = db.session.execute(sa.select(I9Record).where(I9Record.engagement_id == eng.id)).scalar_one_or_none()
    if i9 is None:
        i9 = I9Record(worker_id=case.worker_id, engagement_id=eng.id)
        db.session.add(i9)
    i9.citizenship = status
    i9.uscis_number = number or None
    i9.work_authorized_until = until
    i9.section1_signed_name = signed
    i9.section1_signed_at = utcnow()
    i9.section1_ip = ip or ""
    i9.start_date = eng.start_date
    i9.section2_due = due
    case.i9_due_date = due
    _store_copy(case.worker_id, case.engagement_id, "i9_section1", "Form I-9, section 1 (employee information and attestation)",
                documents.i9_html(case.worker, status, until, signed), signed, ip, user_agent)
    _complete(case, row, {"citizenship": status, "section2_due": due.isoformat()})
    _commit_or_rollback()
    return i9


def save_w9(case: OnboardingCase, data: dict, *, ip: str = "", user_agent: str = ""):
    """Form W-9: name, entity type, TIN (missing → backup withholding flagged), certification, signature."""
    from backoffice.workers import profile_services
    from backoffice.workers.services import clean_worker

    row = _begin(case, "w9")
    worker = case.worker
    issues: list[Issue] = []
    signed = _signature(data, issues)
    v.required(data, ["legal_name"], issues)
    entity = v.choice("entity_type", data.get("entity_type") or None, W9_ENTITY_TYPES, issues)
    tin_type = v.choice("tin_type", data.get("tin_type") or "ssn", ("ssn", "ein"), issues)
    tin = str(data.get("tin") or "").strip()
    if tin and tin_type:
        _collect(issues, clean_worker, {"tin_type": tin_type, "tin": tin}, partial=True, current=worker)
    if not _flag(data.get("certified")):
        issues.append(Issue("certified", "tick the box to certify the statements of Part II", "required"))
    raise_if(issues)
    backup = (not tin) or worker.tin_flagged
    form_data = {"legal_name": str(data["legal_name"]).strip(), "business_name": data.get("business_name") or "",
                 "entity_type": entity, "tin_type": tin_type, "tin": tin or None, "certified": True,
                 "exempt_payee_code": data.get("exempt_payee_code") or "", "signed_name": signed}
    _store_copy(case.worker_id, case.engagement_id, "w9", "Form W-9, Request for Taxpayer Identification Number and Certification",
                documents.w9_html(worker, form_data, tin[-4:] if tin else "", backup, signed), signed, ip,
                user_agent)
    _complete(case, row, {"backup_withholding": backup, "tin_type": tin_type})
    try:  # the shared service commits the W-9, the step and the copy together
        form = profile_services.save_w9(worker.id, form_data)
    except Exception:
        db.session.rollback()
        raise
    return form


# ------------------------------------------------------------------ direct deposit
def add_manual_account(case: OnboardingCase, data: dict):
    """A deposit account typed in by the worker (routing number validated by its ABA check digit)."""
    from backoffice.workers.profile_services import add_bank_account

    _begin(case, "direct_deposit")
    return add_bank_account(case.worker_id, _account_fields(data), source="manual")


def _account_fields(data: dict) -> dict:
    return {k: data.get(k) for k in ("bank_name", "routing_number", "account_number", "account_type",
                                     "split_kind", "split_amount", "split_percent") if data.get(k) not in (None, "")}


def link_plaid_account(worker_id: int, public_token: str, account_id: str | None, split: dict,
                       *, config: Mapping, institution_name: str = ""):
    """Exchange Plaid Link's public token, read the ACH numbers (Auth) and add the chosen account."""
    from backoffice.workers.profile_services import add_bank_account
    from payroll.payments.plaid_link import PlaidLink

    with PlaidLink.from_config(config) as link:
        access_token, item_id = link.exchange_public_token(public_token)
        accounts = link.auth_numbers(access_token)
    if not accounts:
        raise DomainError("The bank returned no account that can receive direct deposits.", code="no_accounts")
    chosen = next((a for a in accounts if a.account_id == account_id), None) if account_id else None
    if chosen is None:
        chosen = next((a for a in accounts if a.subtype == "checking"), accounts[0])
    data = dict(_account_fields(split))
    data.update(routing_number=chosen.routing, account_number=chosen.account,
                account_type=chosen.subtype if chosen.subtype in ("checking", "savings") else "checking",
                bank_name=(institution_name or chosen.name)[:120])
    return add_bank_account(worker_id, data, source="plaid", plaid={
        "plaid_item_id": item_id, "plaid_access_token": access_token, "plaid_account_id": chosen.account_id})


def finish_direct_deposit(case: OnboardingCase) -> None:
    from backoffice.workers.profile_services import active_accounts, deposit_instructions
    from payroll.payments.splits import validate_instructions

    row = _begin(case, "direct_deposit")
    accounts = active_accounts(case.worker_id)
    if not accounts:
        raise_if([Issue("accounts", "add at least one account (link your bank or enter it by hand)", "required")])
    raise_if(validate_instructions(deposit_instructions(accounts)))
    _complete(case, row, {"accounts": len(accounts), "sources": sorted({a.source for a in accounts})})
    _commit_or_rollback()


# ------------------------------------------------------------------ documents and the agreement
def _store_copy(worker_id: int, engagement_id: int | None, kind: str, title: str, html: str, signed: str, ip: str,
                user_agent: str) -> SignedDocument:
    pdf = documents.render_pdf(html)
    doc = SignedDocument(worker_id=worker_id, engagement_id=engagement_id, kind=kind, title=title,
                         status="signed", pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf),
                         signed_name=signed, signed_at=utcnow(), signed_ip=ip or "",
                         user_agent=(user_agent or "")[:300])
    db.session.add(doc)
    return doc


def agreement_kind(engagement: Engagement) -> str:
    return "contractor_agreement" if engagement.type == "contractor" else "employment_agreement"


def agreement_draft(case: OnboardingCase) -> SignedDocument:
    """The agreement PDF the worker reads and signs; made once, so the bytes signed are the bytes shown."""
    _begin(case, "agreement")
    eng = case.engagement
    kind = agreement_kind(eng)
    doc = db.session.execute(sa.select(SignedDocument).where(
        SignedDocument.engagement_id == eng.id, SignedDocument.kind == kind)
        .order_by(SignedDocument.id.desc()).limit(1)).scalar_one_or_none()
    if doc is not None:
        return doc
    agency = db.session.execute(sa.select(Agency).limit(1)).scalar_one_or_none()
    title, html = documents.agreement_html(case.worker, eng, db.session.get(Client, eng.client_id), agency)
    pdf = documents.render_pdf(html)
    doc = SignedDocument(worker_id=case.worker_id, engagement_id=eng.id, kind=kind, title=title, status="draft",
                         pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf))
    db.session.add(doc)
    _commit_or_rollback()
    return doc


def sign_agreement(case: OnboardingCase, data: dict, *, ip: str = "", user_agent: str = "") -> SignedDocument:
    """Sign the draft: the typed name must be the worker's legal name; the hash shown must be the one stored."""
    row = _begin(case, "agreement")
    doc = agreement_draft(case)
    if doc.status == "signed":
        raise DomainError("This agreement is already signed.", code="already_signed")
    issues: list[Issue] = []
    signed = _signature(data, issues)
    legal = " ".join(p for p in (case.worker.first_name, case.worker.last_name) if p)
    full = case.worker.full_name
    if signed and signed.casefold() not in (legal.casefold(), full.casefold()):
        issues.append(Issue("signed_name", f"type your legal name exactly as in your profile: {full}",
                            "name_mismatch"))
    if not _flag(data.get("agree")):
        issues.append(Issue("agree", "tick the box to agree to sign electronically", "required"))
    if str(data.get("document_sha256") or "") != doc.sha256:
        issues.append(Issue("document_sha256", "the document changed since you opened it; read it again and "
                                               "sign", "stale_document"))
    raise_if(issues)
    doc.status = "signed"
    doc.signed_name = signed
    doc.signed_at = utcnow()
    doc.signed_ip = ip or ""
    doc.user_agent = (user_agent or "")[:300]
    _complete(case, row, {"document_id": doc.id, "sha256": doc.sha256})
    _commit_or_rollback()
    return doc


# ------------------------------------------------------------------ HR: I-9 section 2
I9_LISTS = {"A": 1, "B": 1, "C": 1}


def complete_i9_section2(i9_id: int, data: dict, *, by_user_id: int) -> I9Record:
    """HR examined the documents: one from List A, or one from List B and one from List C."""
    i9 = db.session.get(I9Record, i9_id) or _nf("I-9", i9_id)
    if i9.section2_at is not None:
        raise DomainError("Section 2 is already complete.", code="already_complete")
    issues: list[Issue] = []
    docs = []
    given = {lst: str(data.get(f"list_{lst.lower()}_title") or "").strip() for lst in I9_LISTS}
    if given["A"] and (given["B"] or given["C"]):
        issues.append(Issue("list_a_title", "give one List A document, or one List B and one List C document — "
                                            "not both", "invalid"))
    elif not given["A"] and not (given["B"] and given["C"]):
        field = "list_b_title" if not given["B"] else "list_c_title"
        issues.append(Issue(field if (given["B"] or given["C"]) else "list_a_title",
                            "give one List A document, or one List B and one List C document", "required"))
    for lst, title in given.items():
        if not title:
            continue
        number = str(data.get(f"list_{lst.lower()}_number") or "").strip()
        if not number:
            issues.append(Issue(f"list_{lst.lower()}_number", "the document number is required", "required"))
        expires = v.a_date(f"list_{lst.lower()}_expires", data.get(f"list_{lst.lower()}_expires"), issues,
                           required_=False)
        if expires is not None and expires < i9.start_date:
            issues.append(Issue(f"list_{lst.lower()}_expires", "the document had expired before the start date",
                                "expired"))
        docs.append({"list": lst, "title": title, "issuer": str(data.get(f"list_{lst.lower()}_issuer") or ""),
                     "number_last4": number[-4:], "expires": expires.isoformat() if expires else None})
    raise_if(issues)
    i9.section2_documents = docs
    i9.section2_by_id = by_user_id
    i9.section2_at = utcnow()
    _commit_or_rollback()
    return i9
