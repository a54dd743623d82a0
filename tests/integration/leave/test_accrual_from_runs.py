"""Sick leave accrued when a run is approved, from the hours it pays, under the law of the place they were worked;
once per (run, paycheck, policy) whatever fires the hook again."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tests.integration.leave.conftest import pay_run
from tests.integration.payroll.conftest import WEEK1

WEEK2 = date(2026, 11, 9)


def _entries(db, worker_id):
    from backoffice.leave.models import LeaveEntry

    return db.session.execute(sa.select(LeaveEntry).where(LeaveEntry.worker_id == worker_id)
                              .order_by(LeaveEntry.id)).scalars().all()


def _balance(db, worker_id, code):
    from backoffice.leave.models import LeaveBalance, LeavePolicy

    return db.session.execute(sa.select(LeaveBalance).join(LeavePolicy).where(
        LeaveBalance.worker_id == worker_id, LeavePolicy.code == code)).scalar_one()


def test_two_paid_runs_accrue_california_sick_leave_at_one_hour_per_thirty_worked(db, world):
    """Cal. Lab. Code 246(b)(1): one hour per 30 hours worked. Week of Nov 2: 5 × 9 = 45 h → 45 ÷ 30 = 1.5 h.
    Week of Nov 9: 5 × 8 = 40 h → 40 ÷ 30 = 1.3333 h (four places, half up). Balance 1.5 + 1.3333 = 2.8333 h,
    all of it accrued this policy year (January 1); usable from Jan 1 + 89 days = Mar 31, 2026 (hired Jan 1)."""
    emp = world.worker(state="CA", rate="25.00")
    world.time(emp, hours=(9, 9, 9, 9, 9, 0, 0))
    pay_run(world, WEEK1)
    world.time(emp, hours=(8, 8, 8, 8, 8, 0, 0), week=WEEK2)
    pay_run(world, WEEK2)
    entries = _entries(db, emp.worker_id)
    assert [(e.kind, e.hours, e.hours_worked, e.balance_after) for e in entries] == [
        ("accrual", Decimal("1.5000"), Decimal("45.0000"), Decimal("1.5000")),
        ("accrual", Decimal("1.3333"), Decimal("40.0000"), Decimal("2.8333"))]
    assert "246" in " ".join(entries[0].explanation)
    b = _balance(db, emp.worker_id, "CA-SICK")
    assert (b.balance, b.accrued_this_year, b.used_this_year) == (Decimal("2.8333"), Decimal("2.8333"), Decimal("0"))
    assert (b.policy_year_start, b.usable_from) == (date(2026, 1, 1), date(2026, 3, 31))


def test_firing_the_approved_hook_again_accrues_nothing_twice_and_the_database_refuses_a_duplicate(db, world):
    """The hook is called a second time for the same approved run: still one accrual of 40 ÷ 30 = 1.3333 h. A second
    accrual row for the same (run, paycheck, policy) is refused by the unique key itself."""
    from backoffice.leave import accrual_services
    from backoffice.leave.models import LeaveEntry

    emp = world.worker(state="CA")
    world.time(emp)
    run = pay_run(world, WEEK1)
    accrual_services.run_approved(run)
    entries = _entries(db, emp.worker_id)
    assert [(e.kind, e.hours) for e in entries] == [("accrual", Decimal("1.3333"))]
    first = entries[0]
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(LeaveEntry(worker_id=first.worker_id, policy_id=first.policy_id, kind="accrual",
                                      on=first.on, hours=Decimal("1"), balance_after=Decimal("2"),
                                      run_id=first.run_id, paycheck_id=first.paycheck_id, explanation=[]))
            db.session.flush()
    assert _balance(db, emp.worker_id, "CA-SICK").balance == Decimal("1.3333")


def _one_paycheck_two_engagements(state: str, sites: list[tuple]):
    """A worker living in `state` with two engagements (work state, work city, client, the week's hours), both
    weeks paid by one weekly run whose paycheck names the first: the worker and the run."""
    from tests.factories import (AgencyFactory, ClientFactory, EngagementFactory, PaycheckFactory,
                                 PayrollRunFactory, TimesheetFactory, WorkerFactory)

    AgencyFactory()
    ana = WorkerFactory(first_name="Ana", state=state)
    engs = [(EngagementFactory(worker=ana, client=ClientFactory(name=client), work_state=st, work_city=city), hours)
            for st, city, client, hours in sites]
    run = PayrollRunFactory(frequency="weekly", period_start=WEEK1, period_end=date(2026, 11, 8),
                            pay_date=date(2026, 11, 13))
    PaycheckFactory(run=run, engagement=engs[0][0])
    for eng, hours in engs:
        TimesheetFactory(engagement=eng, week_start=WEEK1, hours=hours, paid_run_id=run.id)
    return ana, run


def test_a_worker_with_hours_in_new_york_city_and_seattle_accrues_under_both_cities(db):
    """One paycheck, two engagements in one week. NYC Earned Safe and Sick Time Act (Admin. Code 20-913(b)):
    1 h per 30 worked; 3 × 8 = 24 h → 0.8 h. Seattle PSST (SMC 14.16.020, Tier 1): 1 h per 40; 2 × 8 = 16 h →
    0.4 h. Each city's law supersedes its state's (NY, WA) for those hours, so no NY or WA entry is written."""
    from backoffice.leave import accrual_services

    ana, run = _one_paycheck_two_engagements("NY", [("NY", "New York", "Hudson Media", (8, 8, 8, 0, 0, 0, 0)),
                                                    ("WA", "Seattle", "Sound Freight", (0, 0, 0, 8, 8, 0, 0))])
    assert accrual_services.accrue_run(run) == 2
    got = {(e.policy.jurisdiction, e.hours, e.hours_worked) for e in _entries(db, ana.id)}
    assert got == {("NYC", Decimal("0.8000"), Decimal("24.0000")),
                   ("SEATTLE", Decimal("0.4000"), Decimal("16.0000"))}


def test_two_engagements_under_one_law_accrue_once_on_their_hours_added_up_per_day(db):
    """One paycheck, two Seattle engagements in one week (SMC 14.16.020, 1 h per 40 worked): Monday 8 + 4 h, Tuesday
    8 h, Wednesday 8 h on the second only — 28 h worked in Seattle, one accrual of 28 ÷ 40 = 0.7 h."""
    from backoffice.leave import accrual_services

    ana, run = _one_paycheck_two_engagements("WA", [("WA", "Seattle", "Sound Freight", (8, 8, 0, 0, 0, 0, 0)),
                                                    ("WA", "Seattle", "Pike Bakery", (4, 0, 8, 0, 0, 0, 0))])
    assert accrual_services.accrue_run(run) == 1
    got = [(e.policy.jurisdiction, e.hours, e.hours_worked) for e in _entries(db, ana.id)]
    assert got == [("SEATTLE", Decimal("0.7000"), Decimal("28.0000"))]


def test_one_engagements_sheets_whose_weeks_overlap_accrue_once_on_their_hours_added_up_per_day(db):
    """One Seattle engagement (SMC 14.16.020, 1 h per 40 worked) with two sheets paid by one run, the second's week
    starting on the first's Wednesday: Mon 8, Tue 8, Wed 8 + 4, Thu 8 — 36 h on four days, one accrual of
    36 ÷ 40 = 0.9 h (the days of one engagement's sheets are added up per day as several engagements' are)."""
    from backoffice.leave import accrual_services
    from tests.factories import TimesheetFactory

    ana, run = _one_paycheck_two_engagements("WA", [("WA", "Seattle", "Sound Freight", (8, 8, 8, 0, 0, 0, 0))])
    eng = ana.engagements[0]
    TimesheetFactory(engagement=eng, week_start=WEEK1 + timedelta(days=2), hours=(4, 8, 0, 0, 0, 0, 0),
                     paid_run_id=run.id)
    worked = accrual_services._days_worked(run)[ana.id][eng.id]
    assert worked == [(WEEK1, Decimal("8")), (WEEK1 + timedelta(days=1), Decimal("8")),
                      (WEEK1 + timedelta(days=2), Decimal("12")), (WEEK1 + timedelta(days=3), Decimal("8"))]
    assert accrual_services.accrue_run(run) == 1
    got = [(e.policy.jurisdiction, e.hours, e.hours_worked) for e in _entries(db, ana.id)]
    assert got == [("SEATTLE", Decimal("0.9000"), Decimal("36.0000"))]


def test_the_agencys_pto_policy_accrues_beside_the_law_and_stops_at_its_yearly_cap(db, world):
    """The agency's PTO: 0.025 h per hour worked (1 per 40), yearly cap 1 h. 45 h worked → 45 × 0.025 = 1.125 h,
    stopped at the 1-hour cap; CA sick leave accrues 45 ÷ 30 = 1.5 h beside it."""
    from backoffice.leave import services

    services.save_policy(world.hr, {"code": "PTO", "name": "Agency PTO", "kind": "pto",
                                    "accrual_rate": Decimal("0.025"), "annual_accrual_cap": Decimal("1")})
    emp = world.worker(state="CA")
    world.time(emp, hours=(9, 9, 9, 9, 9, 0, 0))
    pay_run(world, WEEK1)
    got = {(e.policy.code, e.hours, e.capped) for e in _entries(db, emp.worker_id)}
    assert got == {("CA-SICK", Decimal("1.5000"), False), ("PTO", Decimal("1.0000"), True)}


def test_an_exempt_salaried_employee_accrues_on_forty_deemed_hours_a_week(db, world):
    """Cal. Lab. Code 246(b)(2): an exempt employee is deemed to work 40 hours a week. A $1,500-a-week exempt
    salary with no time recorded, one weekly run: 40 ÷ 30 = 1.3333 h, the explanation saying why."""
    emp = world.worker(state="CA", rate="1500.00", unit="week")
    emp.overtime_exempt = True
    pay_run(world, WEEK1)
    [entry] = _entries(db, emp.worker_id)
    assert (entry.hours, entry.hours_worked) == (Decimal("1.3333"), Decimal("40.0000"))
    assert entry.explanation[0].startswith("Exempt and salaried: deemed to work 40 hours a week")


def test_hours_of_a_policy_year_the_balance_has_left_accrue_under_that_year_when_paid_late(db):
    """A CA worker (hired 2025-01-01) is paid for the week of Jan 5, 2026 first: 5 × 8 = 40 h → 40 ÷ 30 = 1.3333 h
    (Cal. Lab. Code 246(b)(1)), the balance's policy year now 2026. A late run then pays the week of Dec 22, 2025:
    its 40 h belong to the 2025 policy year, which accrued nothing before, so they earn another 1.3333 h under that
    year's law. Balance 1.3333 + 1.3333 = 2.6666 h; 2026's accrued-this-year stays 1.3333 (the late hours are 2025's).
    Before, the engine refused the run's approval ("before policy_year_start")."""
    from backoffice.leave import accrual_services
    from tests.factories import (AgencyFactory, ClientFactory, EngagementFactory, PaycheckFactory,
                                 PayrollRunFactory, TimesheetFactory, WorkerFactory)

    AgencyFactory()
    ana = WorkerFactory(first_name="Ana", state="CA")
    eng = EngagementFactory(worker=ana, client=ClientFactory(name="Bay Freight"), work_state="CA",
                            start_date=date(2025, 1, 1))
    january = PayrollRunFactory(frequency="weekly", period_start=date(2026, 1, 5), period_end=date(2026, 1, 11),
                                pay_date=date(2026, 1, 16))
    PaycheckFactory(run=january, engagement=eng)
    TimesheetFactory(engagement=eng, week_start=date(2026, 1, 5), hours=(8, 8, 8, 8, 8, 0, 0), paid_run_id=january.id)
    assert accrual_services.accrue_run(january) == 1
    late = PayrollRunFactory(frequency="weekly", period_start=date(2025, 12, 22), period_end=date(2025, 12, 28),
                             pay_date=date(2026, 1, 23))
    PaycheckFactory(run=late, engagement=eng)
    TimesheetFactory(engagement=eng, week_start=date(2025, 12, 22), hours=(8, 8, 8, 8, 8, 0, 0),
                     paid_run_id=late.id)
    assert accrual_services.accrue_run(late) == 1
    entries = _entries(db, ana.id)
    assert [(e.hours, e.balance_after) for e in entries] == [(Decimal("1.3333"), Decimal("1.3333")),
                                                            (Decimal("1.3333"), Decimal("2.6666"))]
    assert "policy year that began 2025-01-01" in " ".join(entries[1].explanation)
    b = _balance(db, ana.id, "CA-SICK")
    assert (b.policy_year_start, b.accrued_this_year) == (date(2026, 1, 1), Decimal("1.3333"))


def test_hours_where_the_law_covers_no_employer_of_the_agencys_size_accrue_nothing_and_the_run_is_approved(db):
    """Nevada's paid leave (NRS 608.0197) covers employers of 50 or more employees; this agency employs one (the
    worker below), so a week of 40 h in Nevada writes no accrual, and approving the run does not fail on it."""
    from backoffice.leave import accrual_services
    from tests.factories import (AgencyFactory, ClientFactory, EngagementFactory, PaycheckFactory,
                                 PayrollRunFactory, TimesheetFactory, WorkerFactory)

    AgencyFactory()
    vic = WorkerFactory(first_name="Vic", state="NV")
    eng = EngagementFactory(worker=vic, client=ClientFactory(name="Reno Depot"), work_state="NV",
                            start_date=date(2025, 1, 1))
    run = PayrollRunFactory(frequency="weekly", period_start=WEEK1, period_end=date(2026, 11, 8),
                            pay_date=date(2026, 11, 13))
    PaycheckFactory(run=run, engagement=eng)
    TimesheetFactory(engagement=eng, week_start=WEEK1, hours=(8, 8, 8, 8, 8, 0, 0), paid_run_id=run.id)
    assert accrual_services.accrue_run(run) == 0
    assert _entries(db, vic.id) == []


def test_nebraska_hours_start_accruing_after_the_first_eighty_across_runs(db):
    """LB 415 (2025): accrual starts after 80 hours of employment. The agency has 20 leased employees (the 20+ tier).
    Week of Nov 2: 40 h — all count toward the 80, nothing accrues. Week of Nov 9: 5 × 10 = 50 h — 40 more reach
    the 80, the other 10 earn 10 ÷ 30 = 0.3333 h."""
    from backoffice.leave import accrual_services
    from tests.factories import (AgencyFactory, ClientFactory, EngagementFactory, PaycheckFactory,
                                 PayrollRunFactory, TimesheetFactory, WorkerFactory)

    AgencyFactory()
    client = ClientFactory(name="Omaha Steel", state="NE")
    for _ in range(19):
        EngagementFactory(client=client, work_state="TX", start_date=date(2026, 1, 5))
    nel = WorkerFactory(first_name="Nel", state="NE")
    eng = EngagementFactory(worker=nel, client=client, work_state="NE", start_date=date(2026, 11, 2))
    for week, hours in ((WEEK1, (8, 8, 8, 8, 8, 0, 0)), (WEEK2, (10, 10, 10, 10, 10, 0, 0))):
        run = PayrollRunFactory(frequency="weekly", period_start=week, period_end=week + timedelta(days=6),
                                pay_date=week + timedelta(days=11))
        PaycheckFactory(run=run, engagement=eng)
        TimesheetFactory(engagement=eng, week_start=week, hours=hours, paid_run_id=run.id)
        accrual_services.accrue_run(run)
        db.session.flush()
    row = _balance(db, nel.id, "NE-SICK")
    assert row.balance == Decimal("0.3333")
    first, second = [e for e in _entries(db, nel.id) if e.kind == "accrual"]
    assert (first.hours, first.hours_worked, second.hours_worked) == (Decimal("0"), Decimal("40"), Decimal("50"))
    assert any("40 hours of these count toward that start" in line for line in second.explanation)
