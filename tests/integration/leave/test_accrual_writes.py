"""How a run's accrual writes (bulk statements, not ORM objects): a balance the session already holds is read again
once the accrual has moved it, and each distinct work site's sick-leave jurisdictions are worked out once a run."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

WEEK1 = date(2026, 11, 2)


def _world(db, workers: int, state: str = "CA", city: str = ""):
    from tests.factories import AgencyFactory, ClientFactory, EngagementFactory, WorkerFactory

    AgencyFactory()
    client = ClientFactory(name="Bay Freight")
    return [EngagementFactory(worker=WorkerFactory(first_name=f"W{i}", state=state), client=client,
                              work_state=state, work_city=city, start_date=date(2025, 1, 1))
            for i in range(workers)]


def _run(engagements, week: date, hours):
    from datetime import timedelta

    from tests.factories import PaycheckFactory, PayrollRunFactory, TimesheetFactory

    run = PayrollRunFactory(frequency="weekly", period_start=week, period_end=week + timedelta(days=6),
                            pay_date=week + timedelta(days=11))
    for eng in engagements:
        PaycheckFactory(run=run, engagement=eng)
        TimesheetFactory(engagement=eng, week_start=week, hours=hours, paid_run_id=run.id)
    return run


def test_a_balance_the_session_already_holds_shows_the_second_runs_accrual(db):
    """Cal. Lab. Code 246(b)(1), 1 hour per 30 worked. First run: 5 × 8 = 40 h → 1.3333 h. The balance is then
    loaded as an ORM object in the same session. Second run: 5 × 9 = 45 h → 1.5 h, written by one UPDATE past the
    ORM: the object held reads 1.3333 + 1.5 = 2.8333 h (and 2.8333 accrued this year), not the stale 1.3333."""
    from backoffice.leave import accrual_services
    from backoffice.leave.models import LeaveBalance

    [eng] = _world(db, 1)
    assert accrual_services.accrue_run(_run([eng], WEEK1, (8, 8, 8, 8, 8, 0, 0))) == 1
    second = _run([eng], date(2026, 11, 9), (9, 9, 9, 9, 9, 0, 0))     # made first: the factories commit
    held = db.session.execute(sa.select(LeaveBalance).where(LeaveBalance.worker_id == eng.worker_id)).scalar_one()
    assert held.balance == Decimal("1.3333")
    assert accrual_services.accrue_run(second) == 1
    assert (held.balance, held.accrued_this_year) == (Decimal("2.8333"), Decimal("2.8333"))


def test_three_engagements_at_one_work_site_have_their_jurisdictions_worked_out_once(db, monkeypatch):
    """Three employees working in Seattle for the same client: `jurisdictions_of` (which walks every law the data
    holds) is asked once for the site, not once per engagement, and each accrues under Seattle's PSST (SMC
    14.16.020, 1 h per 40 worked; Seattle supersedes Washington's law for those hours): 4 × 10 = 40 h → 1 h each."""
    from backoffice.leave import accrual_services
    from backoffice.leave.models import LeaveEntry, LeavePolicy

    calls = []
    real = accrual_services.jurisdictions_of
    monkeypatch.setattr(accrual_services, "jurisdictions_of", lambda place: calls.append(place) or real(place))
    engagements = _world(db, 3, state="WA", city="Seattle")
    assert accrual_services.accrue_run(_run(engagements, WEEK1, (10, 10, 10, 10, 0, 0, 0))) == 3
    assert len(calls) == 1
    got = db.session.execute(sa.select(LeavePolicy.jurisdiction, LeaveEntry.hours, LeaveEntry.hours_worked)
                             .join(LeavePolicy, LeavePolicy.id == LeaveEntry.policy_id)).all()
    assert sorted(got) == [("SEATTLE", Decimal("1.0000"), Decimal("40.0000"))] * 3


def test_a_chunks_ids_named_by_several_reads_select_what_the_plain_list_selects(db):
    """IdList writes the array literal once for every statement that names it (PostgreSQL; SQLite gets an IN list):
    of five workers, the three named are found, and the same three by the plain list."""
    from backoffice.workers.models import Worker
    from payroll.services.common import IdList, id_in

    ids = sorted(e.worker_id for e in _world(db, 5))
    chosen = IdList([ids[0], ids[2], ids[4]])
    assert chosen.literal == "{%d,%d,%d}" % (ids[0], ids[2], ids[4])
    for named in (chosen, chosen, list(chosen)):
        found = db.session.execute(sa.select(Worker.id).where(id_in(Worker.id, named)).order_by(Worker.id))
        assert found.scalars().all() == [ids[0], ids[2], ids[4]]
