"""Onboarding services: the wizard's form steps (profile, W-4, state certificate, I-9, W-9, direct deposit)."""
from __future__ import annotations

from datetime import date
from typing import Mapping

import sqlalchemy as sa

from backoffice import validation as v
from backoffice.banking.plaid_link import PlaidLink
from backoffice.banking.splits import validate_instructions
from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, raise_if
from backoffice.extensions import db
from backoffice.onboarding import documents
from backoffice.onboarding.models import I9_CITIZENSHIP, I9Record, OnboardingCase
from backoffice.onboarding.services.cases import (
    PROFILE_FIELDS,
    _begin,
    _collect,
    _complete,
    _flag,
    _nf,
    _signature,
    _store_copy,
)
from backoffice.onboarding.steps import clean_state_certificate, i9_section2_due, rules, state_form
from backoffice.periods import age_on
from backoffice.uow import transaction
from backoffice.workers import profile_services
from backoffice.workers.models import Worker
from backoffice.workers.profile import W9_ENTITY_TYPES, TaxProfile
from backoffice.workers.profile_services import active_accounts, add_bank_account, clean_w4, deposit_instructions
from backoffice.workers.services import clean_worker


@transaction()
def save_profile(case: OnboardingCase, data: dict, *, today: date) -> Worker:
    """Legal name, SSN (or EIN for a contractor's business), birth date (in the past, of working age on `today`)
    and residence address."""
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
    birth = v.a_date("birth_date", fields["birth_date"], issues, required_=False)
    if birth is not None:
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
    clean = _collect(issues, clean_worker, candidate, partial=True, current=worker, self_service=True)
    raise_if(issues)
    for k, val in clean.items():
        setattr(worker, k, val)
    _complete(case, row, {"tin_type": worker.tin_type, "state": worker.state})
    return worker


def _zip_ok(text: str) -> bool:
    digits = text.replace("-", "")
    return digits.isdigit() and (len(text) == 5 or (len(text) == 10 and text[5] == "-"))


def _w4_profile(worker: Worker, engagement_id: int | None, data: dict, ip: str, user_agent: str,
                today: date) -> TaxProfile:
    """Validate a W-4 (every amount 0 or more, signed) and add it, effective `today`, with a PDF copy, to the
    session."""
    issues: list[Issue] = []
    signed = _signature(data, issues)
    form = {k: data.get(k) for k in ("filing_status", "step3_credits", "step4a_other_income",
                                     "step4b_deductions", "step4c_extra")}
    form.update(version=2020, step2_checkbox=_flag(data.get("step2_checkbox")), exempt=_flag(data.get("exempt")))
    clean = _collect(issues, clean_w4, form, today=today)
    raise_if(issues)
    previous = _latest_profile(worker.id)
    profile = TaxProfile(worker_id=worker.id, signed_name=signed, signed_at=utcnow(), **clean)
    if previous is not None and previous.state_certificate:
        profile.state_certificate = dict(previous.state_certificate)
    db.session.add(profile)
    _store_copy(worker.id, engagement_id, "w4", "Form W-4, Employee's Withholding Certificate",
                documents.w4_html(worker, clean, signed), signed, ip, user_agent)
    return profile


@transaction()
def save_w4(case: OnboardingCase, data: dict, *, today: date, ip: str = "", user_agent: str = "") -> TaxProfile:
    """Form W-4 (2020 and later) in the wizard: every amount 0 or more; signed; a PDF copy kept."""
    row = _begin(case, "w4")
    profile = _w4_profile(case.worker, case.engagement_id, data, ip, user_agent, today)
    _complete(case, row, {"filing_status": profile.filing_status, "exempt": profile.exempt})
    return profile


@transaction()
def save_w4_update(worker_id: int, data: dict, *, today: date, ip: str = "", user_agent: str = "") -> TaxProfile:
    """A new W-4 from the portal after onboarding; it applies to paychecks paid from today."""
    worker = db.session.get(Worker, worker_id) or _nf("worker", worker_id)
    profile = _w4_profile(worker, None, data, ip, user_agent, today)
    return profile


def _latest_profile(worker_id: int) -> TaxProfile | None:
    return db.session.execute(sa.select(TaxProfile).where(TaxProfile.worker_id == worker_id)
                              .order_by(TaxProfile.effective_date.desc(), TaxProfile.id.desc()).limit(1))\
        .scalar_one_or_none()


def _state_profile(worker: Worker, engagement_id: int | None, state: str, data: dict, ip: str, user_agent: str,
                   today: date) -> tuple[TaxProfile, object]:
    """Validate `state`'s certificate (its form's fields, signed) and add it, effective `today`, on a new TaxProfile
    row copying the latest W-4 (the other states' certificates kept), with a PDF copy, to the session."""
    form = state_form(state)
    if form is None:
        raise DomainError(f"{state} has no withholding certificate to fill in", code="no_state_form")
    cert, issues = clean_state_certificate(form, data)
    signed = _signature(data, issues)
    raise_if(issues)
    w4 = _latest_profile(worker.id)
    if w4 is None:
        raise DomainError("Fill in Form W-4 first.", code="step_out_of_order")
    profile = TaxProfile(worker_id=worker.id, effective_date=today, w4_version=w4.w4_version,
                         filing_status=w4.filing_status, step2_checkbox=w4.step2_checkbox,
                         step3_credits=w4.step3_credits, step4a_other_income=w4.step4a_other_income,
                         step4b_deductions=w4.step4b_deductions, step4c_extra=w4.step4c_extra, exempt=w4.exempt,
                         allowances=w4.allowances, additional=w4.additional,
                         state_certificate={**(w4.state_certificate or {}), form.state: cert},
                         signed_name=signed, signed_at=utcnow())
    db.session.add(profile)
    _store_copy(worker.id, engagement_id, "state_certificate", f"{form.state} {form.form}, {form.title}",
                documents.state_certificate_html(worker, form, cert, signed), signed, ip, user_agent)
    return profile, form


@transaction()
def save_state_certificate(case: OnboardingCase, data: dict, *, today: date, ip: str = "",
                           user_agent: str = "") -> TaxProfile:
    """The work state's certificate, stored as {state: fields} on a new TaxProfile row (effective `today`) next to
    the W-4."""
    row = _begin(case, "state_certificate")
    state = case.engagement.work_state
    profile, form = _state_profile(case.worker, case.engagement_id, state, data, ip, user_agent, today)
    _complete(case, row, {"state": state, "form": form.form})
    return profile


@transaction()
def save_state_certificate_update(worker_id: int, state: str, data: dict, *, today: date, ip: str = "",
                                  user_agent: str = "") -> TaxProfile:
    """A new state certificate from the portal after onboarding (or an optional one, CO DR 0004); it applies to
    paychecks paid from today."""
    worker = db.session.get(Worker, worker_id) or _nf("worker", worker_id)
    profile, _ = _state_profile(worker, None, state.upper(), data, ip, user_agent, today)
    return profile


@transaction()
def save_i9_section1(case: OnboardingCase, data: dict, *, today: date, ip: str = "",
                     user_agent: str = "") -> I9Record:
    """Form I-9 section 1 (the employee's attestation; a work authorization must not have expired by `today`);
    section 2 falls due three business days after start."""
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
        if until is not None and until < today:
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
    return i9


@transaction()
def save_w9(case: OnboardingCase, data: dict, *, ip: str = "", user_agent: str = ""):
    """Form W-9: name, entity type, TIN (missing → backup withholding flagged), certification, signature."""

    row = _begin(case, "w9")
    worker = case.worker
    issues: list[Issue] = []
    signed = _signature(data, issues)
    v.required(data, ["legal_name"], issues)
    entity = v.choice("entity_type", data.get("entity_type") or None, W9_ENTITY_TYPES, issues)
    tin_type = v.choice("tin_type", data.get("tin_type") or "ssn", ("ssn", "ein"), issues)
    tin = str(data.get("tin") or "").strip()
    if tin and tin_type:
        _collect(issues, clean_worker, {"tin_type": tin_type, "tin": tin}, partial=True, current=worker,
                 self_service=True)
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
    return profile_services.save_w9(worker.id, form_data)  # joins this transaction: W-9, step and copy together


# ------------------------------------------------------------------ direct deposit
def add_manual_account(case: OnboardingCase, data: dict):
    """A deposit account typed in by the worker (routing number validated by its ABA check digit)."""
    _begin(case, "direct_deposit")
    return add_bank_account(case.worker_id, _account_fields(data), source="manual")


def _account_fields(data: dict) -> dict:
    return {k: data.get(k) for k in ("bank_name", "routing_number", "account_number", "account_type",
                                     "split_kind", "split_amount", "split_percent") if data.get(k) not in (None, "")}


def link_plaid_account(worker_id: int, public_token: str, account_id: str | None, split: dict,
                       *, config: Mapping, institution_name: str = ""):
    """Exchange Plaid Link's public token, read the ACH numbers (Auth) and add the chosen account."""

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


@transaction()
def finish_direct_deposit(case: OnboardingCase) -> None:

    row = _begin(case, "direct_deposit")
    accounts = active_accounts(case.worker_id)
    if not accounts:
        raise_if([Issue("accounts", "add at least one account (link your bank or enter it by hand)", "required")])
    raise_if(validate_instructions(deposit_instructions(accounts)))
    _complete(case, row, {"accounts": len(accounts), "sources": sorted({a.source for a in accounts})})


I9_LISTS = {"A": 1, "B": 1, "C": 1}


@transaction()
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
    return i9
