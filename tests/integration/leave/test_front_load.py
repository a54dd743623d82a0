"""A front-loading sick-leave policy: the law's yearly amount granted at the start of the policy year, hours worked
earning nothing more, last year's grant lapsing where the law requires no carryover."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from tests.integration.leave.conftest import pay_run
from tests.integration.payroll.conftest import WEEK1


def test_colorado_front_load_grants_48_hours_a_year_and_the_unused_grant_lapses(db, world):
    """C.R.S. 8-13.3-403(3): an employer that front-loads 48 hours at the start of each year need not carry them
    over. Week of Nov 2, 2026: 40 h worked would accrue 40 ÷ 30 = 1.3333 h, but earn 0 under the front-load. The daily
    task grants 48 h (balance 48; run twice, still one grant). On January 1, 2027 the 48 h left of 2026's grant
    lapse and 2027's 48 h are granted: balance 48."""
    from backoffice.leave import front_load_services, services
    from backoffice.leave.models import LeaveBalance, LeaveEntry

    emp = world.worker(state="CO", rate="25.00")
    policy = services.law_policy("CO")
    services.save_policy(world.hr, {"front_load": True}, policy.id)
    world.time(emp)
    pay_run(world, WEEK1)
    row = db.session.execute(sa.select(LeaveBalance).where(LeaveBalance.worker_id == emp.worker_id)).scalar_one()
    assert row.balance == Decimal("0")
    assert front_load_services.grant_front_loads(date(2026, 11, 10)) == 1
    assert front_load_services.grant_front_loads(date(2026, 11, 11)) == 0
    assert row.balance == Decimal("48")
    assert front_load_services.grant_front_loads(date(2027, 1, 1)) == 1
    kinds = [(e.kind, e.hours) for e in db.session.execute(sa.select(LeaveEntry).where(
        LeaveEntry.worker_id == emp.worker_id).order_by(LeaveEntry.id)).scalars()]
    assert kinds[-3:] == [("carryover", Decimal("0")), ("forfeiture", Decimal("-48")), ("grant", Decimal("48"))]
    assert (row.balance, row.policy_year_start) == (Decimal("48"), date(2027, 1, 1))


def test_a_law_without_a_front_load_rule_refuses_the_setting(db, world):
    """San Francisco's ordinance holds no front-loading rule (the data has none): the policy must accrue."""
    import pytest

    from backoffice.errors import ValidationFailed
    from backoffice.leave import services

    policy = services.law_policy("SF")
    with pytest.raises(ValidationFailed) as refused:
        services.save_policy(world.hr, {"front_load": True}, policy.id)
    assert [i.code for i in refused.value.issues] == ["no_front_load"]
