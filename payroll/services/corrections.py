"""Corrections to posted pay: reversal of a run or one paycheck by negative entries, re-issue, retro pay."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from backoffice.db import utcnow
from backoffice.errors import DomainError, NotFound
from backoffice.extensions import db
from backoffice.money import ZERO, D
from backoffice.states import check_move, transition
from backoffice.uow import transaction, unique_or_refuse
from payroll import hooks
from payroll.models import Paycheck, PaycheckLine, PayrollAdjustment, PayrollRun, ReversalRequest

from . import calc, deductions, four_eyes, paid_periods, workers_comp
from .common import bulk_insert, cents, get_run, refuse_while_approving, units4, user_id
from .ledger import mirror, post_entry, postings_for_paychecks
from .runs import _require


def _reversible(paycheck_ids: list[int]) -> list[Paycheck]:
    already = set(db.session.execute(sa.select(Paycheck.reverses_id).where(
        Paycheck.reverses_id.in_(paycheck_ids))).scalars())
    return [p for p in db.session.execute(sa.select(Paycheck).where(Paycheck.id.in_(paycheck_ids))
                                          .order_by(Paycheck.id)).scalars() if p.id not in already]


def _new_run_like(orig: PayrollRun, kind: str, state: str, user, reason: str, on: date) -> PayrollRun:
    run = PayrollRun(kind=kind, state=state, frequency=orig.frequency, period_start=orig.period_start,
                     period_end=orig.period_end, pay_date=on, reverses_run_id=orig.id if kind == "reversal" else None,
                     description=f"{'Reversal' if kind == 'reversal' else 'Re-issue'} of run #{orig.id}",
                     reason=reason[:500], prepared_by_id=user_id(user), chunk_size=orig.chunk_size)
    db.session.add(run)
    db.session.flush()
    four_eyes.record(run.id, user, "created")
    return run


def _copy_paychecks(originals: list[Paycheck], run: PayrollRun, kind: str, sign: int, on: date) -> list[tuple]:
    """Insert negated (sign -1, kind reversal) or copied (sign 1, kind reissue) paychecks with their lines and
    YTD effect; returns the ledger input for them."""
    s = db.session
    lines_by = defaultdict(list)
    for ln in s.execute(sa.select(PaycheckLine).where(PaycheckLine.paycheck_id.in_([p.id for p in originals]))
                        .order_by(PaycheckLine.id)).scalars():
        lines_by[ln.paycheck_id].append(ln)
    ledger = []
    now = utcnow()
    copied = []          # (original id, new id): the workers' comp premium follows the paycheck
    for p in originals:
        new = Paycheck(run_id=run.id, engagement_id=p.engagement_id, worker_id=p.worker_id, client_id=p.client_id,
                       agency_id=p.agency_id, kind=kind, worker_type=p.worker_type, work_state=p.work_state,
                       period_start=p.period_start, period_end=p.period_end, pay_date=on if sign < 0 else p.pay_date,
                       tax_year=p.tax_year, gross=sign * p.gross, employee_taxes=sign * p.employee_taxes,
                       employer_taxes=sign * p.employer_taxes, deductions=sign * p.deductions, net=sign * p.net,
                       qualified_overtime_premium=sign * p.qualified_overtime_premium,
                       reverses_id=p.id if sign < 0 else None, reissue_of_id=p.id if sign > 0 else None,
                       inputs={"copy_of": p.id, "ytd_delta": p.inputs.get("ytd_delta", {})}, created_at=now)
        s.add(new)
        s.flush()
        if sign < 0:        # the reversed paycheck's salary days are free to be paid again (re-issue, correction)
            paid_periods.release([(p.id, new.id)])
        else:
            paid_periods.claim_again(p.id, run, new.id)
        deductions.copy_takes(p.id, new.id, sign)      # goals and remittance follow the paycheck
        rows = [(new.id, ln.kind, ln.code, ln.state, cents(sign * ln.amount), units4(ln.hours), units4(ln.rate),
                 cents(sign * ln.taxable_wages) if ln.taxable_wages is not None else None, ln.explanation,
                 ln.engagement_id, ln.client_id, ln.locality)
                for ln in lines_by[p.id]]
        bulk_insert("paycheck_lines", calc.LINE_COLUMNS, rows)
        calc.apply_ytd_delta(p.worker_id, p.tax_year, {k: D(v) for k, v in
                                                       p.inputs.get("ytd_delta", {}).items()}, sign,
                            p.worker_type)
        ledger.append((p.worker_type, p.agency_id, sign * p.gross, sign * p.net,
                       [(ln.kind, ln.code, ln.state, sign * ln.amount) for ln in lines_by[p.id]]))
        copied.append((p.id, new.id))
    premiums = workers_comp.copy_premiums(copied, run.id, sign,
                                          {p.id: (on if sign < 0 else p.pay_date) for p in originals})
    for (orig_id, _new_id), entry in zip(copied, ledger):
        entry[4].extend(premiums.get(orig_id, ()))
    return ledger


def _reverse(orig_run: PayrollRun, paychecks: list[Paycheck], user, reason: str, on: date) -> PayrollRun:
    if not paychecks:
        raise DomainError("nothing to reverse: every paycheck is already reversed", code="already_reversed")
    run = _new_run_like(orig_run, "reversal", "paid", user, reason, on)
    ledger = _copy_paychecks(paychecks, run, "reversal", -1, on)
    hooks.fire(hooks.PAYCHECKS_REVERSED, run)   # e.g. benefits takes back the reversed pay's portable credits
    post_entry("reversal", on, f"Reversal of run {orig_run.id}" + (f": {reason}" if reason else ""),
               postings_for_paychecks(ledger), run_id=run.id)
    if orig_run.state == "paid":        # the money had gone out: mirror the cash side too
        from .payments import payment_postings

        post_entry("reversal", on, f"Reversal of direct deposits of run {orig_run.id}",
                   [p for p in _mirror_payment(payment_postings(orig_run.id, [p.id for p in paychecks]))],
                   run_id=run.id)
    run.paycheck_count = len(paychecks)
    run.total_gross = -sum((p.gross for p in paychecks), ZERO)
    run.total_employee_taxes = -sum((p.employee_taxes for p in paychecks), ZERO)
    run.total_employer_taxes = -sum((p.employer_taxes for p in paychecks), ZERO)
    run.total_deductions = -sum((p.deductions for p in paychecks), ZERO)
    run.total_net = -sum((p.net for p in paychecks), ZERO)
    run.calculated_at = run.approved_at = run.paid_at = utcnow()
    return run


def _mirror_payment(postings):
    return mirror(postings)


@transaction()
def reverse_run(run_id: int, user, reason: str = "", *, on: date) -> PayrollRun:
    """Reverse a whole calculated, approved or paid run on `on`: a reversal run with a negative paycheck for every
    paycheck not reversed yet, mirror journal entries, YTD taken back; the run becomes `reversed`. A paid run's
    money has gone out: its reversal carries out an open request (request_reversal) made by a different user."""
    _require(user)
    run = get_run(run_id, lock=True)
    check_move(run, "reverse")
    if run.kind == "reversal":
        raise DomainError("a reversal run cannot itself be reversed; re-issue the paychecks instead",
                          code="bad_state")
    refuse_while_approving(run, "reversed")
    request = _second_person(run, user) if run.state == "paid" else None
    reason = reason or (request.reason if request else "")
    ids = list(db.session.execute(sa.select(Paycheck.id).where(Paycheck.run_id == run.id,
                                                               Paycheck.kind != "reversal")).scalars())
    rev = _reverse(run, _reversible(ids), user, reason, on)
    transition(run, "reverse")
    run.reversed_at = utcnow()
    run.reversed_by_id = user_id(user)
    _done(request, user, rev)
    return rev


def _paycheck_to_reverse(paycheck_id: int) -> tuple[Paycheck, PayrollRun, list[Paycheck]]:
    """The paycheck, its run (locked) and what of it is still reversible; refused when there is nothing to
    reverse (unknown, itself a reversal, already reversed, or a run state that allows no reversal)."""
    p = db.session.get(Paycheck, paycheck_id)
    if p is None:
        raise NotFound(f"paycheck {paycheck_id} not found")
    if p.kind == "reversal":
        raise DomainError("a reversal cannot be reversed", code="bad_state")
    run = get_run(p.run_id, lock=True)
    check_move(run, "reverse_paycheck")
    refuse_while_approving(run, "reversed")
    todo = _reversible([p.id])
    if not todo:
        raise DomainError(f"paycheck {p.id} is already reversed", code="already_reversed")
    return p, run, todo


@transaction()
def reverse_paycheck(paycheck_id: int, user, reason: str = "", *, on: date) -> Paycheck:
    """Reverse one paycheck of a calculated/approved/paid run by a negative paycheck in a new reversal run dated
    `on`. On a paid run it carries out an open request for that paycheck made by a different user."""
    _require(user)
    p, run, todo = _paycheck_to_reverse(paycheck_id)
    request = _second_person(run, user, paycheck_id=p.id) if run.state == "paid" else None
    rev_run = _reverse(run, todo, user, reason or (request.reason if request else ""), on)
    _done(request, user, rev_run)
    return db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == rev_run.id)).scalar_one()


# ------------------------------------------------------------------------------------------------ two people
@transaction()
def request_reversal(user, reason: str = "", *, run_id: int | None = None,
                     paycheck_id: int | None = None) -> ReversalRequest:
    """Ask for a paid run (run_id) or one of its paychecks (paycheck_id) to be reversed. The money has gone out:
    a different user carries the request out with reverse_run / reverse_paycheck. Asking twice returns the open
    request."""
    _require(user)
    if (run_id is None) == (paycheck_id is None):
        raise DomainError("name either the run or one paycheck to reverse", code="bad_request")
    if paycheck_id is not None:
        _p, run, _todo = _paycheck_to_reverse(paycheck_id)
    else:
        run = get_run(run_id, lock=True)
        check_move(run, "reverse")
        if run.kind == "reversal":
            raise DomainError("a reversal run cannot itself be reversed; re-issue the paychecks instead",
                              code="bad_state")
    if run.state != "paid":
        raise DomainError(f"run #{run.id} is {run.state}, not paid: no money has gone out, so it is reversed "
                          "directly, without a request", code="no_request_needed")
    open_ = _open_request(run.id, paycheck_id)
    if open_ is not None:
        return open_
    req = ReversalRequest(run_id=run.id, paycheck_id=paycheck_id, reason=(reason or "")[:500],
                          requested_by_id=user_id(user))
    db.session.add(req)
    db.session.flush()
    return req


def open_requests(run_id: int) -> list[ReversalRequest]:
    return list(db.session.execute(sa.select(ReversalRequest).where(
        ReversalRequest.run_id == run_id, ReversalRequest.status == "open").order_by(ReversalRequest.id)).scalars())


def open_request(run_id: int, paycheck_id: int | None = None) -> ReversalRequest | None:
    """The open request to reverse the run (paycheck_id None) or that one paycheck of it."""
    return _open_request(run_id, paycheck_id)


def _open_request(run_id: int, paycheck_id: int | None) -> ReversalRequest | None:
    cond = (ReversalRequest.paycheck_id.is_(None) if paycheck_id is None
            else ReversalRequest.paycheck_id == paycheck_id)
    return db.session.execute(sa.select(ReversalRequest).where(
        ReversalRequest.run_id == run_id, cond, ReversalRequest.status == "open")).scalars().first()


def _second_person(run: PayrollRun, user, *, paycheck_id: int | None = None) -> ReversalRequest:
    """The open request a reversal of paid money carries out; refused without one, or by its own requester."""
    what = f"paycheck #{paycheck_id} of paid run #{run.id}" if paycheck_id else f"paid run #{run.id}"
    req = _open_request(run.id, paycheck_id)
    if req is None:
        raise DomainError(f"reversing {what} takes two people: request the reversal first, then a different user "
                          "carries it out", code="reversal_needs_request")
    if req.requested_by_id == user_id(user):
        raise DomainError(f"you requested it (reversal request #{req.id} for {what}): a different user must carry "
                          "out the reversal", code="reversal_same_person")
    return req


def _done(request: ReversalRequest | None, user, reversal_run: PayrollRun) -> None:
    if request is not None:
        request.status = "done"
        request.approved_by_id = user_id(user)
        request.approved_at = utcnow()
        request.reversal_run_id = reversal_run.id


@transaction()
def reissue_paycheck(paycheck_id: int, user) -> PayrollRun:
    """Re-issue a reversed paycheck: a correction run (state calculated) holding a copy of it, to be approved by
    a second user, filed in a NACHA file and paid like any run."""
    _require(user)
    p = db.session.get(Paycheck, paycheck_id)
    if p is None:
        raise NotFound(f"paycheck {paycheck_id} not found")
    orig_run = get_run(p.run_id, lock=True)         # the checks below hold until the commit
    if not db.session.execute(sa.select(Paycheck.id).where(Paycheck.reverses_id == p.id)).scalar():
        raise DomainError(f"paycheck {p.id} is not reversed; reverse it before re-issuing", code="not_reversed")
    if db.session.execute(sa.select(Paycheck.id).where(Paycheck.reissue_of_id == p.id)).scalar():
        raise DomainError(f"paycheck {p.id} is already re-issued", code="already_reissued")
    run = _new_run_like(orig_run, "correction", "calculated", user, "", p.pay_date)
    with unique_or_refuse("ix_paychecks_reissue_of_id", f"paycheck {p.id} is already re-issued", "already_reissued",
                          columns="paychecks.reissue_of_id"):      # and the database allows one re-issue only
        ledger = _copy_paychecks([p], run, "reissue", 1, p.pay_date)
    post_entry("reissue", p.pay_date, f"Re-issue of paycheck {p.id}", postings_for_paychecks(ledger), run_id=run.id)
    run.paycheck_count = 1
    run.total_gross, run.total_employee_taxes, run.total_employer_taxes = p.gross, p.employee_taxes, p.employer_taxes
    run.total_deductions, run.total_net = p.deductions, p.net
    run.calculated_at = utcnow()
    return run


# ------------------------------------------------------------------------------------------------ retro pay
@transaction()
def record_rate_change(engagement_id: int, new_rate, effective_date: date, user, *, today: date
                       ) -> PayrollAdjustment | None:
    """Change an engagement's pay rate from `effective_date` and, when pay already written since then is owed a
    positive difference, confirm it at once as a pending `retro` adjustment the next run pays (the API's and
    the tests' one step; the admin shows HR the difference per paycheck first: services/retro.py)."""
    from . import retro

    change = retro.change_rate(engagement_id, {"rate": new_rate, "effective_date": effective_date}, user,
                               today=today)
    if change.retro_status != "pending" or not change.retro_amount or change.retro_amount <= 0:
        return None
    return retro.confirm_retro(change.id, user)
