"""Leave requests: asked by the worker, approved by the client's approver, paid by the next run at the rate the
law sets, and taken out of the balance when that run is paid; refused below zero and inside a waiting period."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backoffice.errors import NotFound, PermissionDenied, ValidationFailed
from tests.integration.leave.conftest import pay_run
from tests.integration.payroll.conftest import WEEK1

WEEK2 = date(2026, 11, 9)
THURSDAY = date(2026, 11, 12)


@pytest.fixture
def ana(db, world, make_user):
    """A CA leased employee at $25/h, hired Jan 1, 2026, with a 24-hour opening balance (HR's adjustment) and
    week 1 (40 h) paid: 40 ÷ 30 = 1.3333 h accrued, balance 25.3333 h."""
    from backoffice.leave import services

    eng = world.worker(state="CA", rate="25.00")
    policy = services.law_policy("CA")
    services.adjust_balance(world.hr, eng.worker_id, policy.id, "24", date(2026, 10, 1),
                            "opening balance carried from the previous payroll system")
    world.time(eng)
    pay_run(world, WEEK1)
    user = make_user("worker", worker_id=eng.worker_id)
    approver = make_user("client_approver", client_id=world.client.id)
    return eng, policy, user, approver


def _ask(user, policy, hours="8", day=THURSDAY, reason="own_illness"):
    from backoffice.leave import services

    return services.request_leave(user, {"policy_id": str(policy.id), "start_date": day.isoformat(),
                                         "hours": hours, "reason": reason})


def test_eight_hours_of_sick_leave_approved_are_paid_by_the_next_run_and_leave_the_balance(db, world, ana):
    """Cal. Lab. Code 246(l)(2): wages in the prior 90 days without overtime premium ÷ hours worked =
    1,000.00 ÷ 40 = $25.0000 an hour; 8 h × 25 = $200.00 of sick pay in the week-2 paycheck, beside 4 × 8 = 32 h
    worked (800.00): gross 1,000.00. Approved: 32 ÷ 30 = 1.0667 h accrue and 8 h are used, so the balance goes
    25.3333 + 1.0667 − 8 = 18.4000 h; used this year 8. The paystub's leave line says the same."""
    from backoffice.leave import services
    from backoffice.leave.models import LeaveBalance
    from payroll.models import Paycheck, PaycheckLine

    eng, policy, user, approver = ana
    req = _ask(user, policy)
    assert req.status == "submitted"
    services.approve_request(approver, req.id)
    assert (req.status, req.rate) == ("approved", Decimal("25.0000"))
    assert "246(l)(2)" in req.rate_method
    world.time(eng, hours=(8, 8, 8, 0, 8, 0, 0), week=WEEK2)
    run = pay_run(world, WEEK2)
    check = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    lines = {ln.code: ln.amount for ln in db.session.execute(sa.select(PaycheckLine).where(
        PaycheckLine.paycheck_id == check.id, PaycheckLine.kind == "earning")).scalars()}
    assert lines == {"regular": Decimal("800.00"), "sick_leave": Decimal("200.00")}
    assert check.gross == Decimal("1000.00")
    b = db.session.execute(sa.select(LeaveBalance).where(LeaveBalance.worker_id == eng.worker_id,
                                                         LeaveBalance.policy_id == policy.id)).scalar_one()
    assert (b.balance, b.used_this_year) == (Decimal("18.4000"), Decimal("8.0000"))
    assert (req.status, req.paid_run_id) == ("paid", run.id)
    from payroll.services.paystubs import paystub_data

    assert paystub_data(check.id)["leave"] == [{"policy": policy.name, "accrued": Decimal("1.0667"),
                                                "used": Decimal("8.0000"), "balance": Decimal("18.4000")}]
    assert [(e.kind, e.hours) for e in services.ledger_of(eng.worker_id)][:2] in (
        [("use", Decimal("-8.0000")), ("accrual", Decimal("1.0667"))],
        [("accrual", Decimal("1.0667")), ("use", Decimal("-8.0000"))])


def test_a_request_beyond_the_balance_less_what_is_already_asked_is_refused_by_field(db, world, ana):
    """Balance 25.3333 h. 8 h asked and waiting: 17.3333 h are left, so 20 h more is refused on `hours`
    ("the balance is 17.3333 hours"); the California law gives no advance."""
    eng, policy, user, approver = ana
    _ask(user, policy)
    with pytest.raises(ValidationFailed) as refused:
        _ask(user, policy, hours="20", day=date(2026, 11, 16))
    assert [(i.field, i.code) for i in refused.value.issues] == [("hours", "insufficient_balance")]
    assert "17.3333" in refused.value.issues[0].message


def test_sick_leave_inside_the_ninety_day_waiting_period_is_refused(db, world, make_user):
    """Cal. Lab. Code 246(c): usable from the 90th day of employment. Hired Oct 1, 2026: usable from Oct 1 + 89
    days = Dec 29, 2026; leave on Nov 12 is refused on `date` (waiting_period)."""
    from backoffice.leave import services

    eng = world.worker(state="CA")
    eng.start_date = date(2026, 10, 1)
    policy = services.law_policy("CA")
    services.adjust_balance(world.hr, eng.worker_id, policy.id, "10", date(2026, 10, 1), "opening balance")
    user = make_user("worker", worker_id=eng.worker_id)
    with pytest.raises(ValidationFailed) as refused:
        _ask(user, policy)
    assert [(i.field, i.code) for i in refused.value.issues] == [("date", "waiting_period")]
    assert "2026-12-29" in refused.value.issues[0].message


def test_another_clients_approver_sees_no_request_and_the_worker_cannot_approve_their_own(db, world, ana, make_user):
    """The approver of another client gets a 404 for the request (not theirs); the worker is refused the
    decision; HR may approve."""
    from backoffice.leave import services
    from tests.factories import ClientFactory

    eng, policy, user, approver = ana
    req = _ask(user, policy)
    other = make_user("client_approver", client_id=ClientFactory(name="Initech").id)
    with pytest.raises(NotFound):
        services.approve_request(other, req.id)
    with pytest.raises(PermissionDenied):
        services.approve_request(user, req.id)
    assert services.approve_request(world.hr, req.id).status == "approved"


def test_cancelling_an_approved_request_cancels_its_payroll_adjustment(db, world, ana):
    """Approved, not paid: cancelling it cancels the pending adjustment, so no run pays it; the 8 h are no longer
    held against the balance (available back to 25.3333)."""
    from backoffice.leave import services
    from payroll.models import PayrollAdjustment

    eng, policy, user, approver = ana
    req = services.approve_request(approver, _ask(user, policy).id)
    services.cancel_request(user, req.id)
    assert db.session.get(PayrollAdjustment, req.adjustment_id).status == "cancelled"
    [view] = services.balances_of(eng.worker_id)
    assert (view.balance, view.pending, view.available) == (Decimal("25.3333"), Decimal("0"), Decimal("25.3333"))
