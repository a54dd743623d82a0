"""Services for tax forms and deposit accounts: validate every field, write in one transaction, audited."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backoffice import validation as v
from backoffice.banking.routing import compact_account_number, compact_routing_number, validate_bank_account
from backoffice.banking.splits import DepositInstruction, validate_instructions
from backoffice.db import utcnow
from backoffice.errors import Issue, NotFound, raise_if
from backoffice.extensions import db
from backoffice.money import CENT
from backoffice.uow import transaction
from backoffice.workers.models import Worker
from backoffice.workers.profile import (
    SPLIT_KINDS,
    W4_2019_MARITAL,
    W4_FILING_STATUSES,
    W9_ENTITY_TYPES,
    BankAccount,
    TaxProfile,
    W9Form,
)
from backoffice.workers.services import update_worker


def _worker(worker_id: int) -> Worker:
    w = db.session.get(Worker, worker_id)
    if w is None:
        raise NotFound(f"worker {worker_id} not found")
    return w


def current_tax_profile(worker_id: int, on: date) -> TaxProfile | None:
    return db.session.execute(
        sa.select(TaxProfile).where(TaxProfile.worker_id == worker_id, TaxProfile.effective_date <= on)
        .order_by(TaxProfile.effective_date.desc(), TaxProfile.id.desc()).limit(1)).scalar_one_or_none()


def clean_w4(data: dict, *, today: date) -> dict:
    """Validate a W-4 (2020+ or 2019) as submitted; amounts are never negative; effective `today` unless dated."""
    issues: list[Issue] = []
    version = data.get("version", data.get("w4_version", 2020))
    try:
        version = int(version)
    except (TypeError, ValueError):
        version = None
    if version not in (2019, 2020):
        raise_if([Issue("version", "must be 2020 (2020 and later forms) or 2019 (2019 and earlier)")])
    out: dict = {"w4_version": version}
    if version == 2020:
        out["filing_status"] = v.choice("filing_status", data.get("filing_status"), W4_FILING_STATUSES, issues)
        out["step2_checkbox"] = bool(data.get("step2_checkbox", False))
        out["exempt"] = bool(data.get("exempt", False))
        for f in ("step3_credits", "step4a_other_income", "step4b_deductions", "step4c_extra"):
            out[f] = v.amount(f, data.get(f, "0") or "0", issues)
    else:
        out["filing_status"] = v.choice("marital_status", data.get("marital_status"), W4_2019_MARITAL, issues)
        try:
            allowances = int(data.get("allowances", 0))
            if allowances < 0:
                raise ValueError
            out["allowances"] = allowances
        except (TypeError, ValueError):
            issues.append(Issue("allowances", "must be a whole number, 0 or more"))
        out["additional"] = v.amount("additional", data.get("additional", "0") or "0", issues)
        out["exempt"] = bool(data.get("exempt", False))
    cert = data.get("state_certificate") or {}
    if not isinstance(cert, dict):
        issues.append(Issue("state_certificate", "must be an object of the state form's fields"))
    out["state_certificate"] = cert if isinstance(cert, dict) else {}
    out["effective_date"] = v.a_date("effective_date", data.get("effective_date") or today,
                                     issues)
    raise_if(issues)
    return out


@transaction()
def save_w4(worker_id: int, data: dict, *, today: date, signed_name: str = "") -> TaxProfile:
    """A new W-4 row; without `state_certificate` in `data` the certificates of the W-4 it follows carry over."""
    _worker(worker_id)
    clean = clean_w4(data, today=today)
    if "state_certificate" not in data:
        previous = current_tax_profile(worker_id, clean["effective_date"]) or db.session.execute(
            sa.select(TaxProfile).where(TaxProfile.worker_id == worker_id)
            .order_by(TaxProfile.effective_date, TaxProfile.id).limit(1)).scalar_one_or_none()
        clean["state_certificate"] = dict(previous.state_certificate or {}) if previous is not None else {}
    profile = TaxProfile(worker_id=worker_id, signed_name=signed_name, signed_at=utcnow(), **clean)
    db.session.add(profile)
    return profile


@transaction()
def save_w9(worker_id: int, data: dict, *, self_service: bool = False) -> W9Form:
    """Record a W-9; a missing TIN or an uncertified form flags backup withholding (24%). `self_service`: the
    worker is typing (an SSN on file for someone else is refused without saying so: workers.services)."""
    worker = _worker(worker_id)
    issues: list[Issue] = []
    v.required(data, ["legal_name", "entity_type"], issues)
    entity = v.choice("entity_type", data.get("entity_type"), W9_ENTITY_TYPES, issues)
    tin_type = v.choice("tin_type", data.get("tin_type") or "ssn", ("ssn", "ein"), issues)
    tin = data.get("tin")
    digits = None
    if tin:
        digits = (v.ein if tin_type == "ein" else v.ssn)("tin", tin, issues)
    raise_if(issues)
    if digits:
        update_worker(worker.id, {"tin_type": tin_type, "tin": digits}, self_service=self_service)
    certified = bool(data.get("certified"))
    form = W9Form(worker_id=worker.id, legal_name=str(data["legal_name"]).strip(),
                  business_name=str(data.get("business_name") or "").strip(), entity_type=entity,
                  exempt_payee_code=str(data.get("exempt_payee_code") or ""), tin_type=tin_type,
                  tin_last4=(digits or "").replace("-", "")[-4:], certified=certified,
                  backup_withholding=(not digits) or (not certified) or worker.tin_flagged,
                  signed_name=str(data.get("signed_name") or data["legal_name"]), signed_at=utcnow())
    db.session.add(form)
    return form


def active_accounts(worker_id: int) -> list[BankAccount]:
    return list(db.session.execute(
        sa.select(BankAccount).where(BankAccount.worker_id == worker_id, BankAccount.status == "active")
        .order_by(BankAccount.priority, BankAccount.id)).scalars())


def deposit_instructions(accounts: list[BankAccount]) -> list[DepositInstruction]:
    return [DepositInstruction(account_key=str(a.id), kind=a.split_kind, priority=a.priority,
                               amount=a.split_amount, percent=a.split_percent) for a in accounts]


@transaction()
def add_bank_account(worker_id: int, data: dict, *, source: str = "manual", plaid: dict | None = None) -> BankAccount:
    """Add a deposit account (manual entry validated by check digit, or from Plaid Auth).

    The worker's accounts must still split any net pay afterwards (one remainder account, percents ≤ 100)."""
    _worker(worker_id)
    issues = validate_bank_account(data.get("routing_number"), data.get("account_number"))
    kind = v.choice("split_kind", data.get("split_kind") or "remainder", SPLIT_KINDS, issues)
    acct_type = v.choice("account_type", data.get("account_type") or "checking", ("checking", "savings"), issues)
    amount = percent = None
    if kind == "fixed":
        amount = v.amount("split_amount", data.get("split_amount"), issues, minimum=CENT)
    if kind == "percent":
        percent = v.amount("split_percent", data.get("split_percent"), issues, minimum=CENT)
        if percent is not None and percent > 100:
            issues.append(Issue("split_percent", "must be at most 100"))
            percent = None
    raise_if(issues)
    existing = active_accounts(worker_id)
    if kind == "remainder":
        for acct in existing:  # the new account takes over the remainder
            if acct.split_kind == "remainder":
                acct.status = "replaced"
        existing = [a for a in existing if a.status == "active"]
    account_no = compact_account_number(data["account_number"])
    acct = BankAccount(worker_id=worker_id, bank_name=str(data.get("bank_name") or "").strip(),
                       routing_number=compact_routing_number(data["routing_number"]), account_number=account_no,
                       account_last4=account_no[-4:], account_type=acct_type, split_kind=kind, split_amount=amount,
                       split_percent=percent, priority=int(data.get("priority") or len(existing)), source=source,
                       **(plaid or {}))
    planned = existing + [acct]
    problems = validate_instructions(
        [DepositInstruction(account_key=str(i), kind=a.split_kind, priority=a.priority, amount=a.split_amount,
                            percent=a.split_percent) for i, a in enumerate(planned)])
    raise_if(problems)
    db.session.add(acct)
    return acct


@transaction()
def remove_bank_account(worker_id: int, account_id: int) -> None:
    acct = db.session.get(BankAccount, account_id)
    if acct is None or acct.worker_id != worker_id:
        raise NotFound(f"bank account {account_id} not found")
    acct.status = "closed"
