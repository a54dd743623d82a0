"""Separation and rehire: what happens to each leave balance when a worker leaves the agency, and what comes back
when they are rehired within the law's window (the pure rules: engine.separation, engine.rehire).

A sick-leave law's balance is paid out where the law says so, else set aside (a `set_aside` entry) and restored
by a rehire inside the window (a `rehire` entry); the agency's PTO is paid out (accrued vacation is wages earned:
e.g. Cal. Lab. Code 227.3), holidays lapse. A payout is a pending payroll adjustment the engagement's final or next
run pays."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from backoffice.errors import DomainError, Issue, raise_if
from backoffice.extensions import db
from backoffice.leave import engine
from backoffice.leave.models import LeaveBalance, LeaveEntry, LeavePolicy
from backoffice.leave.services import (EMPLOYEE, _require, balance_row, base_rate, employer_size, hire_date, post)
from backoffice.money import ZERO, round_cents
from backoffice.uow import transaction
from backoffice.validation import is_record_id
from backoffice.workers.models import Engagement, Worker
from payroll.models import PayrollAdjustment


def _last_engagement(worker_id: int):
    return db.session.execute(sa.select(Engagement).where(Engagement.worker_id == worker_id,
                                                          Engagement.type == EMPLOYEE)
                              .order_by(Engagement.start_date.desc(), Engagement.id.desc())).scalars().first()


@transaction()
def separate(user, worker_id: int, on: date) -> list[LeaveEntry]:
    """Close every positive balance of a worker who leaves on `on`: paid out, set aside or lapsed, each with the
    rule's sentence. An advance still owed (a negative balance) is left as it is."""
    _require(user, "leave_entry", "create")
    return _separate(user, worker_id, on)


def _separate(user, worker_id: int, on: date) -> list[LeaveEntry]:
    if not is_record_id(worker_id) or db.session.get(Worker, worker_id) is None:
        raise_if([Issue("worker_id", "no such worker", "not_found")])
    rows = db.session.execute(sa.select(LeaveBalance).join(LeavePolicy).where(
        LeaveBalance.worker_id == worker_id, LeaveBalance.balance > 0).order_by(LeavePolicy.name)).scalars().all()
    if not rows:
        raise DomainError("no leave balance to settle", code="nothing_to_settle")
    eng = _last_engagement(worker_id)
    out = []
    for b in rows:
        row = balance_row(worker_id, b.policy, on)
        policy = row.policy
        if policy.kind == "sick_law":
            law = engine.applicable(policy.jurisdiction, on, employer_size(on))
            sep = engine.separation(law, row.balance)
            payout, lines = sep.payout_hours, sep.explanation
        elif policy.kind == "pto":
            payout = row.balance
            lines = (f"{engine.show(payout)} hours of {policy.name} are paid out at separation: accrued paid time "
                     f"off is wages earned (e.g. Cal. Lab. Code 227.3).",)
        else:
            payout, lines = ZERO, (f"{engine.show(row.balance)} hours of {policy.name} lapse at separation.",)
        if payout > 0:
            if eng is None:
                raise DomainError("the worker has no leased engagement to pay the payout through", code="no_engagement")
            rate = base_rate(eng)
            db.session.add(PayrollAdjustment(
                engagement_id=eng.id, code="sick_leave" if policy.kind == "sick_law" else "paid_leave",
                amount=round_cents(payout * rate), hours=payout.quantize(Decimal("0.01")), status="pending",
                created_by_id=getattr(user, "id", None),
                note=f"{policy.name}: {engine.show(payout)} h paid out at separation on {on.isoformat()}"[:500]))
            out.append(post(row, "payout", -payout, on, explanation=lines + (f"At ${rate} an hour.",), user=user))
        rest = row.balance
        if rest > 0:
            kind = "set_aside" if policy.kind == "sick_law" else "forfeiture"
            out.append(post(row, kind, -rest, on, explanation=lines, user=user))
    return out


@transaction()
def rehire(user, worker_id: int, on: date) -> list[LeaveEntry]:
    """Give a rehired worker back what each law set aside at separation, when the rehire falls inside its window
    (engine.rehire), with the waiting period already served counted."""
    _require(user, "leave_entry", "create")
    return _rehire(user, worker_id, on)


def _pending_set_asides(worker_id: int) -> dict[int, LeaveEntry]:
    pending: dict[int, LeaveEntry] = {}
    for e in db.session.execute(sa.select(LeaveEntry).where(
            LeaveEntry.worker_id == worker_id, LeaveEntry.kind.in_(("set_aside", "rehire")))
            .order_by(LeaveEntry.id)).scalars():
        if e.kind == "set_aside":
            pending[e.policy_id] = e
        else:
            pending.pop(e.policy_id, None)
    return pending


def _rehire(user, worker_id: int, on: date) -> list[LeaveEntry]:
    out = []
    pending = _pending_set_asides(worker_id)     # a set-aside not yet given back, per policy
    hired = hire_date(worker_id)
    for policy_id, e in sorted(pending.items()):
        policy = db.session.get(LeavePolicy, policy_id)
        law = engine.applicable(policy.jurisdiction, e.on, employer_size(e.on))
        result = engine.rehire(law, -e.hours, e.on, on, hired_on=hired if hired and hired <= e.on else None)
        row = balance_row(worker_id, policy, on)
        entry = post(row, "rehire", result.restored, on, explanation=result.explanation, user=user)
        if result.usable_from is not None:
            row.usable_from = result.usable_from
        out.append(entry)
    return out


ENDED = ("ended", "terminated")


def engagement_changed(eng, previous: dict | None) -> None:
    """The workers domain's hook: settle the leave when a worker's last leased engagement ends, restore it when a
    worker with leave set aside starts a new one, and make a front-loading law's grant when one starts. Runs in the engagement change's unit of work (the user who made
    the change was allowed to; the entries name them)."""
    if eng.type != EMPLOYEE:
        return
    from flask_login import current_user

    user = current_user if getattr(current_user, "is_authenticated", False) else None
    if previous is None:
        if eng.status in ("pending", "active") and _pending_set_asides(eng.worker_id):
            _rehire(user, eng.worker_id, eng.start_date)
        if eng.status in ("pending", "active"):
            from backoffice.leave.front_load_services import grant_at_start

            grant_at_start(eng)          # a front-loading law's grant is there on day one
        return
    if eng.status in ENDED and previous.get("status") not in ENDED:
        on = eng.end_date or eng.start_date
        others = db.session.execute(sa.select(Engagement.id).where(
            Engagement.worker_id == eng.worker_id, Engagement.type == EMPLOYEE, Engagement.id != eng.id,
            Engagement.status.in_(("pending", "active")),
            sa.or_(Engagement.end_date.is_(None), Engagement.end_date > on))).first()
        if others is not None:
            return                       # still employed by the agency at another client: nothing to settle
        has_balance = db.session.execute(sa.select(LeaveBalance.id).where(
            LeaveBalance.worker_id == eng.worker_id, LeaveBalance.balance > 0).limit(1)).first()
        if has_balance is not None:
            _separate(user, eng.worker_id, on)
