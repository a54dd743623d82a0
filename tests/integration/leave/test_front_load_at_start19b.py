"""A front-loading policy's grant at the engagement's start: the balance is there on day one, not after the first run
and the next daily task (Cal. Lab. Code 246(d) as amended by SB 616: no accrual is required where 40 hours or five
days are available at the beginning of each year — for a new hire, from the start of employment)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa


@pytest.fixture
def agency(db, make_user):
    """An agency with two California clients and California's sick-leave policy set to front-load."""
    from backoffice.leave import services
    from tests.factories import AgencyFactory, ClientFactory, WorkerFactory

    AgencyFactory()
    hr = make_user("hr")
    policy = services.law_policy("CA")
    services.save_policy(hr, {"front_load": True}, policy.id)
    acme, initech = ClientFactory(name="Acme", state="CA"), ClientFactory(name="Initech", state="CA")
    return policy, acme, initech, WorkerFactory(first_name="Ana", state="CA")


def _engage(worker, client, start: str, **extra):
    from backoffice.workers.services import create_engagement

    return create_engagement({"worker_id": worker.id, "client_id": client.id, "type": "leased_employee",
                              "work_state": "CA", "pay_rate": "25.00", "start_date": start, **extra})


def _entries(db, worker_id):
    from backoffice.leave.models import LeaveEntry

    return [(e.kind, e.on, e.hours) for e in db.session.execute(sa.select(LeaveEntry).where(
        LeaveEntry.worker_id == worker_id).order_by(LeaveEntry.id)).scalars()]


def test_a_new_hire_under_a_front_loading_law_holds_the_grant_on_day_one(db, agency):
    """Hired Wednesday 2 December 2026 at Acme (CA): a 40 h grant dated Dec 2, balance 40 h, before any run. The
    daily task on Dec 3 grants nothing more (this year's grant is made); a second CA engagement at Initech from
    Dec 10 adds nothing (one employer, one grant a year). On January 1, 2027 the 40 h left lapse (no carryover is
    required of front-loaded leave) and 2027's 40 h are granted: balance 40."""
    from backoffice.leave import front_load_services
    from backoffice.leave.models import LeaveBalance

    policy, acme, initech, ana = agency
    _engage(ana, acme, "2026-12-02")
    assert _entries(db, ana.id) == [("grant", date(2026, 12, 2), Decimal("40.0000"))]
    row = db.session.execute(sa.select(LeaveBalance).where(LeaveBalance.worker_id == ana.id)).scalar_one()
    assert (row.balance, row.policy_year_start) == (Decimal("40.0000"), date(2026, 1, 1))
    assert front_load_services.grant_front_loads(date(2026, 12, 3)) == 0
    _engage(ana, initech, "2026-12-10")
    assert len(_entries(db, ana.id)) == 1
    assert front_load_services.grant_front_loads(date(2027, 1, 1)) == 1
    assert _entries(db, ana.id)[-2:] == [("forfeiture", date(2027, 1, 1), Decimal("-40.0000")),
                                         ("grant", date(2027, 1, 1), Decimal("40.0000"))]
    assert row.balance == Decimal("40.0000")


def test_a_ten_hour_day_new_hire_is_granted_fifty_hours_at_the_start(db, agency):
    """The same law with a 10-hour normal day recorded on the engagement: five days × 10 h = 50 h > 40 h, granted
    on the start date, Monday 7 December 2026."""
    policy, acme, initech, ana = agency
    _engage(ana, acme, "2026-12-07", normal_day_hours="10")
    assert _entries(db, ana.id) == [("grant", date(2026, 12, 7), Decimal("50.0000"))]


def test_an_accruing_law_and_a_contractor_get_no_grant_at_the_start(db, agency):
    """Washington's policy accrues (not front-loaded): a WA hire has no balance until a run pays hours; a contractor
    in California is not an employee under the law: no grant."""
    from backoffice.workers.services import create_engagement
    from tests.factories import WorkerFactory

    policy, acme, initech, ana = agency
    ben = WorkerFactory(first_name="Ben", state="WA")
    create_engagement({"worker_id": ben.id, "client_id": acme.id, "type": "leased_employee", "work_state": "WA",
                       "pay_rate": "25.00", "start_date": "2026-12-02"})
    _engage(ana, acme, "2026-12-02", type="contractor")
    assert _entries(db, ben.id) == [] and _entries(db, ana.id) == []
