"""Manual (paper) checks: a paycheck's unpaid net paid by a check with its number and date, and voiding one.

A check is a Payment with method `check`, recorded `sent` (it is in the worker's hands), so it is never put in a
NACHA file (those take `pending` payments). It takes the place of the paycheck's payments not on their way: held
(no account), returned, voided, or pending and not filed yet; those become `reissued`, the check naming the first
in `reissue_of_id` and keeping its part. Check numbers are unique per agency (the agency's payroll account), by
the database; a voided check keeps its number."""
from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401  (aliased)

from backoffice import validation as v
from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, NotFound, ValidationFailed, raise_if
from backoffice.extensions import db
from backoffice.money import ZERO, fmt_usd
from backoffice.uow import transaction, unique_or_refuse
from backoffice.workers.models import Agency
from payroll.models import Paycheck
from payroll.models_ledger import Payment

from .common import get_run, user_id
from .ledger import Posting, post_entry
from .payments import _claim, _require

CHECK_NUMBER = re.compile(r"^[0-9]{1,20}$")
CHECK_RUN_STATES = ("approved", "paid")


def replaceable(paycheck_id: int) -> list[Payment]:
    """The paycheck's payments a check may take the place of: not on their way to the worker."""
    return list(db.session.execute(sa.select(Payment).where(
        Payment.paycheck_id == paycheck_id,
        sa.or_(Payment.status.in_(("held", "returned", "voided")),
               sa.and_(Payment.status == "pending", Payment.nacha_file_id.is_(None))))
        .order_by(Payment.part, Payment.id)).scalars())


def checks_of(paycheck_id: int) -> list[Payment]:
    return list(db.session.execute(sa.select(Payment).where(Payment.paycheck_id == paycheck_id,
                                                            Payment.method == "check").order_by(Payment.id)).scalars())


def _agency_id(p: Paycheck) -> int:
    agency_id = p.agency_id or db.session.execute(sa.select(Agency.id).order_by(Agency.id).limit(1)).scalar()
    if agency_id is None:
        raise DomainError("no agency is set up: a check is drawn on the agency's payroll account", code="no_agency")
    return agency_id


def _cash(agency_id: int, amount, *, out: bool) -> list[Posting]:
    """Cash out (Dr net pay payable, Cr cash) for a check paid; the mirror for a check voided."""
    if out:
        return [Posting("2400", "", "", agency_id, amount, ZERO), Posting("1000", "", "", agency_id, ZERO, amount)]
    return [Posting("1000", "", "", agency_id, amount, ZERO), Posting("2400", "", "", agency_id, ZERO, amount)]


@transaction()
def record_manual_check(paycheck_id: int, data: dict, user) -> Payment:
    """Record that the paycheck's unpaid net was paid by a paper check {check_number, check_date, amount,
    payment_id?}: the amount must be the unpaid net (of `payment_id` alone when given). On a paid run the cash
    goes out now; on an approved run with the run's other payments when it is marked paid."""
    _require(user, "create")
    p = db.session.get(Paycheck, paycheck_id) if v.is_record_id(paycheck_id) else None
    if p is None:
        raise NotFound(f"paycheck {paycheck_id} not found")
    run = get_run(p.run_id, lock=True)
    if p.kind == "reversal":
        raise DomainError("a reversal is not paid", code="bad_state")
    if run.state not in CHECK_RUN_STATES:
        raise DomainError(f"run #{run.id} is {run.state}: a paycheck is paid once its run is approved",
                          code="bad_state")
    if db.session.execute(sa.select(Paycheck.id).where(Paycheck.reverses_id == p.id)).scalar():
        raise DomainError(f"paycheck {p.id} is reversed: its net is not owed", code="paycheck_reversed")
    if not isinstance(data, dict):
        raise ValidationFailed([Issue("body", "must be an object")])
    issues: list[Issue] = []
    number = str(data.get("check_number") or "").strip()
    if not number:
        issues.append(Issue("check_number", "is required", "required"))
    elif not CHECK_NUMBER.match(number):
        issues.append(Issue("check_number", "must be the number printed on the check (1 to 20 digits)", "invalid"))
    check_date = v.a_date("check_date", data.get("check_date"), issues)
    amount = v.amount("amount", data.get("amount"), issues, minimum=None)
    if amount is not None and amount <= 0:
        issues.append(Issue("amount", "must be above zero", "too_small"))
    todo = replaceable(p.id)
    pid = data.get("payment_id")
    if pid not in (None, ""):
        todo = [x for x in todo if str(x.id) == str(pid)]
        if not todo:
            issues.append(Issue("payment_id", f"payment {pid!r} is not an unpaid payment of paycheck {p.id}",
                                "not_found"))
    elif not todo and not issues:
        raise DomainError(f"paycheck {p.id} has no unpaid net: its payments are on their way (sent or filed in a "
                          "NACHA file); record a return or void a check first", code="nothing_to_pay")
    owed = sum((x.amount for x in todo), ZERO)
    if todo and amount is not None and amount != owed:
        issues.append(Issue("amount", f"must be {fmt_usd(owed)}, the unpaid net of paycheck {p.id} "
                            f"(payments {', '.join(f'#{x.id}' for x in todo)})", "wrong_amount"))
    agency_id = _agency_id(p)
    if number and not any(i.field == "check_number" for i in issues):
        dup = db.session.execute(sa.select(Payment.id).where(Payment.check_agency_id == agency_id,
                                                             Payment.check_number == number)).scalar()
        if dup:
            issues.append(Issue("check_number", f"check no. {number} is already recorded (payment #{dup}); "
                                "a check number is used once, voided or not", "duplicate"))
    raise_if(issues)
    for x in todo:
        _claim(x, (x.status,), "reissued")
    check = Payment(run_id=p.run_id, paycheck_id=p.id, worker_id=p.worker_id, bank_account_id=None,
                    routing_number="", account_last4="", account_type="", amount=owed, status="sent",
                    part=todo[0].part, reissue_of_id=todo[0].id, created_by_id=user_id(user), method="check",
                    check_number=number, check_date=check_date, check_agency_id=agency_id)
    with unique_or_refuse("uq_payments_check_number", f"check no. {number} is already recorded",
                          "duplicate_check_number", columns="payments.check_agency_id, payments.check_number"):
        db.session.add(check)
    if run.state == "paid":
        post_entry("payment", check_date, f"Manual check no. {number} for {p}",
                   _cash(agency_id, owed, out=True), run_id=run.id)
    return check


@transaction()
def void_check(payment_id: int, user, reason: str = "", *, on: date) -> Payment:
    """Void a recorded check (lost, never cashed, wrong amount) on `on`: the net is owed again (pay it by another
    check or release it to an account); on a paid run the cash comes back (Dr cash, Cr net pay payable)."""
    _require(user, "write")
    pay = db.session.get(Payment, payment_id) if v.is_record_id(payment_id) else None
    if pay is None or pay.method != "check":
        raise NotFound(f"check payment {payment_id} not found")
    run = get_run(pay.run_id, lock=True)
    db.session.refresh(pay)
    _claim(pay, ("sent",), "voided")
    pay.voided_at, pay.void_reason = utcnow(), (reason or "")[:200]
    reversed_ = db.session.execute(sa.select(Paycheck.id).where(Paycheck.reverses_id == pay.paycheck_id)).scalar()
    # the check's cash went out when the run was paid; a reversal of its paycheck already took it back
    if run.state == "paid" and not reversed_:
        post_entry("payment", on, f"Void of check no. {pay.check_number} (payment {pay.id})",
                   _cash(pay.check_agency_id, pay.amount, out=False), run_id=run.id)
    return pay
