"""Separation and rehire: a law's sick leave set aside and restored inside its window; the agency's PTO paid out."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa


def _setup(db, make_user):
    from backoffice.leave import services
    from tests.factories import AgencyFactory, ClientFactory, EngagementFactory, WorkerFactory

    AgencyFactory()
    ana = WorkerFactory(first_name="Ana", state="CA")
    eng = EngagementFactory(worker=ana, client=ClientFactory(name="Acme", state="CA"), work_state="CA",
                            pay_rate=Decimal("24.00"), start_date=date(2025, 3, 2))
    hr = make_user("hr")
    sick = services.law_policy("CA")
    pto = services.save_policy(hr, {"code": "PTO", "name": "Agency PTO", "kind": "pto",
                                    "accrual_rate": Decimal("0.025")})
    services.adjust_balance(hr, ana.id, sick.id, "20", date(2026, 1, 1), "opening balance")
    services.adjust_balance(hr, ana.id, pto.id, "10", date(2026, 1, 1), "opening balance")
    return ana, eng, hr, sick, pto


def test_at_separation_california_sick_leave_is_set_aside_and_pto_is_paid_out(db, make_user):
    """Cal. Lab. Code 246(g): accrued sick leave is not paid at separation — the 20 h are set aside. The agency's
    PTO is paid: 10 h × $24.00 = $240.00 as a pending paid_leave adjustment. Both balances end at 0."""
    from backoffice.leave import separation_services
    from backoffice.leave.models import LeaveBalance
    from payroll.models import PayrollAdjustment

    ana, eng, hr, sick, pto = _setup(db, make_user)
    entries = separation_services.separate(hr, ana.id, date(2026, 11, 20))
    assert sorted((e.kind, e.hours) for e in entries) == [("payout", Decimal("-10.0000")),
                                                         ("set_aside", Decimal("-20.0000"))]
    adj = db.session.execute(sa.select(PayrollAdjustment).where(PayrollAdjustment.engagement_id == eng.id)).scalar_one()
    assert (adj.code, adj.amount, adj.hours, adj.status) == ("paid_leave", Decimal("240.00"), Decimal("10.00"),
                                                              "pending")
    assert set(db.session.execute(sa.select(LeaveBalance.balance).where(LeaveBalance.worker_id == ana.id))
               .scalars()) == {Decimal("0")}


def test_a_rehire_within_twelve_months_gets_the_sick_leave_back_and_a_later_one_does_not(db, make_user):
    """Cal. Lab. Code 246(f): rehired within one year of separation, the accrued unused sick leave is reinstated.
    Separated Nov 20, 2026: rehired Mar 1, 2027 (inside the window ending Nov 20, 2027) gets the 20 h back; the
    wait was already served (hired Mar 2, 2025), so usable at once."""
    from backoffice.leave import separation_services
    from backoffice.leave.models import LeaveBalance

    ana, eng, hr, sick, pto = _setup(db, make_user)
    separation_services.separate(hr, ana.id, date(2026, 11, 20))
    [entry] = separation_services.rehire(hr, ana.id, date(2027, 3, 1))
    assert (entry.kind, entry.hours) == ("rehire", Decimal("20.0000"))
    b = db.session.execute(sa.select(LeaveBalance).where(LeaveBalance.worker_id == ana.id,
                                                         LeaveBalance.policy_id == sick.id)).scalar_one()
    assert (b.balance, b.usable_from) == (Decimal("20.0000"), date(2027, 3, 1))
    assert separation_services.rehire(hr, ana.id, date(2027, 3, 2)) == []          # nothing set aside any more


def test_a_rehire_after_the_window_restores_nothing(db, make_user):
    """Rehired Dec 1, 2027, after the window ended Nov 20, 2027: 0 h restored, and the entry says why."""
    from backoffice.leave import separation_services

    ana, eng, hr, sick, pto = _setup(db, make_user)
    separation_services.separate(hr, ana.id, date(2026, 11, 20))
    [entry] = separation_services.rehire(hr, ana.id, date(2027, 12, 1))
    assert entry.hours == Decimal("0") and "after the window ended" in entry.explanation[0]


def test_on_the_anniversary_colorado_sick_leave_carries_over_up_to_48_hours(db, make_user):
    """C.R.S. 8-13.3-403(3)(b): up to 48 hours carry over. A 52-hour CO balance of 2026 on Jan 1, 2027: 48 carried,
    4 forfeited; the year's accrued and used counts start at 0. Rolling again the same day changes nothing."""
    from backoffice.leave import accrual_services, services
    from backoffice.leave.models import LeaveBalance
    from tests.factories import AgencyFactory, EngagementFactory, WorkerFactory

    AgencyFactory()
    cy = WorkerFactory(first_name="Cy", state="CO")
    EngagementFactory(worker=cy, work_state="CO")
    policy = services.law_policy("CO")
    services.adjust_balance(make_user("hr"), cy.id, policy.id, "52", date(2026, 3, 1), "opening balance")
    assert accrual_services.roll_years(date(2027, 1, 1)) == 1
    assert accrual_services.roll_years(date(2027, 1, 1)) == 0
    b = db.session.execute(sa.select(LeaveBalance).where(LeaveBalance.worker_id == cy.id)).scalar_one()
    assert (b.balance, b.policy_year_start, b.accrued_this_year) == (Decimal("48.0000"), date(2027, 1, 1),
                                                                     Decimal("0"))
    kinds = [(e.kind, e.hours) for e in services.ledger_of(cy.id)]
    assert ("forfeiture", Decimal("-4.0000")) in kinds


def test_ending_the_last_engagement_settles_the_leave_and_a_new_one_restores_it(db, make_user):
    """No list action: HR ends Ana's only engagement on Nov 20, 2026 (workers' update_engagement) — her 20 h of
    California sick leave are set aside (Lab. Code 246(g)) and her 10 h of PTO paid out (10 × $24.00 = $240.00). A
    new engagement starting Mar 1, 2027 (inside the year of 246(f)) gives the 20 h back on its start date."""
    from backoffice.leave.models import LeaveBalance, LeaveEntry
    from backoffice.workers import services as workers
    from payroll.models import PayrollAdjustment

    ana, eng, hr, sick, pto = _setup(db, make_user)
    workers.update_engagement(eng.id, {"status": "ended", "end_date": "2026-11-20"})
    kinds = sorted((e.kind, e.hours, e.on) for e in db.session.execute(sa.select(LeaveEntry).where(
        LeaveEntry.worker_id == ana.id, LeaveEntry.kind.in_(("set_aside", "payout")))).scalars())
    assert kinds == [("payout", Decimal("-10.0000"), date(2026, 11, 20)),
                     ("set_aside", Decimal("-20.0000"), date(2026, 11, 20))]
    adj = db.session.execute(sa.select(PayrollAdjustment).where(PayrollAdjustment.engagement_id == eng.id)).scalar_one()
    assert (adj.code, adj.amount) == ("paid_leave", Decimal("240.00"))
    new = workers.create_engagement({"worker_id": ana.id, "client_id": eng.client_id, "type": "leased_employee",
                                     "work_state": "CA", "pay_rate": "25", "pay_unit": "hour",
                                     "start_date": "2027-03-01", "status": "active"})
    [back] = db.session.execute(sa.select(LeaveEntry).where(LeaveEntry.worker_id == ana.id,
                                                            LeaveEntry.kind == "rehire")).scalars().all()
    assert (back.hours, back.on) == (Decimal("20.0000"), date(2027, 3, 1))
    b = db.session.execute(sa.select(LeaveBalance).where(LeaveBalance.worker_id == ana.id,
                                                         LeaveBalance.policy_id == sick.id)).scalar_one()
    assert b.balance == Decimal("20.0000") and new.id != eng.id


def test_ending_one_of_two_engagements_settles_nothing(db, make_user):
    """The agency still employs Ana at Globex: ending the Acme engagement is no separation (the leave is the
    worker's across clients)."""
    from backoffice.leave.models import LeaveEntry
    from backoffice.workers import services as workers
    from tests.factories import ClientFactory, EngagementFactory

    ana, eng, hr, sick, pto = _setup(db, make_user)
    EngagementFactory(worker=ana, client=ClientFactory(name="Globex", state="CA"), work_state="CA",
                      start_date=date(2026, 6, 1))
    workers.update_engagement(eng.id, {"status": "ended", "end_date": "2026-11-20"})
    assert db.session.execute(sa.select(LeaveEntry).where(LeaveEntry.worker_id == ana.id,
                                                          LeaveEntry.kind == "set_aside")).first() is None
