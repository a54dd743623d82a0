"""A run pays a worker of a state whose data covers the run's pay date, even when the state is covered only part of
the year (Utah outside June), and holds one whose state does not compute on that date. Georgia and Idaho are
whole-year for 2026 now: their workers are paid in the November run with hand figures."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from payroll.engine.states import states_computed_on, supported_states
from tests.integration.payroll.conftest import WEEK1


def test_the_states_computed_on_a_pay_date_follow_the_dated_versions():
    """Utah's Rev. 4/26 tables apply to periods beginning on or after 1 June 2026 and a pay date carries no period
    start, so a June pay date is refused and July's computes; Oregon is in for a March 2025 pay date (its 2025
    tables, session 23); Ohio is in (the July 2024 tables to 30 September 2025, the October 2025 tables after) for a weekly payroll
    but out for a quarterly one before October (the July 2024 annual formula was not read); Arkansas's 2025 formula
    is in (it refuses only annual net taxable income from $91,300, worker by worker)."""
    assert "UT" not in states_computed_on(date(2026, 6, 12), 26)
    assert len(states_computed_on(date(2026, 6, 12), 26)) == 50
    assert states_computed_on(date(2026, 7, 10), 26) == supported_states(2026) | {"UT"}
    assert len(states_computed_on(date(2026, 7, 10), 26)) == 51
    assert "OR" in states_computed_on(date(2025, 3, 7), 52)
    assert "UT" not in states_computed_on(date(2025, 6, 13), 52)
    assert "OH" in states_computed_on(date(2025, 3, 7), 52)
    assert "OH" not in states_computed_on(date(2025, 3, 31), 4)
    assert "OH" in states_computed_on(date(2025, 12, 31), 4)
    assert "AR" in states_computed_on(date(2025, 3, 7), 52)
    assert {"OH", "UT"} <= states_computed_on(date(2025, 11, 7), 52)


@pytest.fixture
def registered(world):
    from backoffice.workers.models import StateRegistration

    def register(*states):
        for st in states:
            world.db.session.add(StateRegistration(agency_id=world.agency.id, state=st, suta_rate=Decimal("0.03")))
        world.db.session.flush()
    return register


def _state_tax(db, run_id: int, worker_id: int) -> dict[str, str]:
    from payroll.models import Paycheck, PaycheckLine

    rows = db.session.execute(sa.select(PaycheckLine.state, PaycheckLine.amount)
                              .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
                              .where(Paycheck.run_id == run_id, Paycheck.worker_id == worker_id,
                                     PaycheckLine.code == "state_income_tax")).all()
    return {st: str(amount) for st, amount in rows}


def test_georgia_idaho_and_utah_workers_are_paid_in_a_november_2026_run(world, db, registered, fixed_clock):
    """40 h x $25.00 = $1,000.00 weekly, no state certificate (the factory's W-4: single), pay date in November 2026.
    GA (June 2026 guide, 4.99%): 52,000 - 15,000 = 37,000 x 4.99% = 1,846.30 / 52 = 35.5058 -> 35.51.
    ID (EPB00744 revised 07-23-2026, single): 52,000 - 16,100 = 35,900 x 5.3% = 1,902.70 / 52 = 36.59 -> $37.
    UT (Pub 14 Rev. 4/26, weekly, single): 1,000 x 4.45% = 44.50; credit 9 - 1.3% x (1,000 - 180) = 9 - 10.66 < 0
    -> 0; 44.50 -> $45 (whole dollars, half up). Before, all three were held for the whole year."""
    from payroll.services import runs

    registered("GA", "ID", "UT")
    people = {st: world.worker(state=st) for st in ("GA", "ID", "UT")}
    for e in people.values():
        world.time(e, week=WEEK1)
    run = world.regular_run(WEEK1)
    runs.start_calculation(run.id, world.hr)
    assert [x for x in runs.paycheck_exceptions(run.id) if x.code == "unsupported_state"] == []
    got = {st: _state_tax(db, run.id, e.worker_id) for st, e in people.items()}
    assert got == {"GA": {"GA": "35.51"}, "ID": {"ID": "37.00"}, "UT": {"UT": "45.00"}}


def test_a_june_2026_run_pays_a_utah_worker_by_the_period_start(world, db, registered, fixed_clock):
    """The weekly schedule's period 25-31 May 2026 is paid on Friday 5 June (5 days' lag); 1-7 June on 12 June.
    20 h x $25.00 = $500.00, W-4 single. Utah chooses its tables by the period's start (Pub 14), which the run gives:
    May period -> June 2025 tables: 26,000 x 4.5% = 1,170.00 less credit 450 - 1.3% x 16,893 = 230.39 -> 939.61 / 52
    = 18.07 -> $18; June period -> Rev. 4/26: 500 x 4.45% = 22.25 -> 22, less 9 - (320 x 1.3% = 4.16 -> 4) = 5 ->
    $17. Before, both June runs held the worker (the pay date alone could not choose)."""
    from payroll.services import runs

    registered("UT")
    e = world.worker(state="UT")
    got = {}
    for week in (date(2026, 5, 25), date(2026, 6, 1)):
        world.time(e, hours=(4, 4, 4, 4, 4, 0, 0), week=week)
        run = world.regular_run(week)
        assert run.period_start == week and run.pay_date.month == 6
        runs.start_calculation(run.id, world.hr)
        assert [x for x in runs.paycheck_exceptions(run.id) if x.code == "unsupported_state"] == []
        got[week.isoformat()] = _state_tax(db, run.id, e.worker_id)
    assert got == {"2026-05-25": {"UT": "18.00"}, "2026-06-01": {"UT": "17.00"}}
