"""Leaves of absence: FMLA eligibility counted from the hours of service the agency paid at every client."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

START = date(2026, 11, 16)          # the leave starts Monday 16 November 2026


def _weeks(engagement, first: date, n: int, hours=(8, 8, 8, 8, 8, 0, 0)):
    from tests.factories import TimesheetFactory

    for i in range(n):
        TimesheetFactory(engagement=engagement, week_start=first + timedelta(weeks=i), hours=hours)


def test_fmla_eligibility_counts_the_hours_worked_at_two_clients(db, make_user):
    """29 CFR 825.110(a): hired Nov 3, 2025 (12 months by Nov 16, 2026). Hours of service in the 12 months before
    Nov 16, 2026: Acme, 18 weeks × 40 = 720 h (weeks of Nov 17, 2025 … Mar 16, 2026); Globex, 14 weeks × 40 = 560 h
    (weeks of Jun 1 … Aug 31, 2026): 720 + 560 = 1,280 ≥ 1,250. With 62 employees within 75 miles: eligible, the job
    protected. Neither client alone reaches 1,250."""
    from backoffice.leave import case_services
    from tests.factories import AgencyFactory, ClientFactory, EngagementFactory, WorkerFactory

    AgencyFactory()
    ana = WorkerFactory(first_name="Ana")
    acme = EngagementFactory(worker=ana, client=ClientFactory(name="Acme"), start_date=date(2025, 11, 3))
    globex = EngagementFactory(worker=ana, client=ClientFactory(name="Globex"), start_date=date(2026, 6, 1))
    _weeks(acme, date(2025, 11, 17), 18)
    _weeks(globex, date(2026, 6, 1), 14)
    assert sorted(case_services.hours_of_service(ana.id, START)) == [("Acme", Decimal("720.00")),
                                                                      ("Globex", Decimal("560.00"))]
    hr = make_user("hr")
    case = case_services.open_case(hr, {"worker_id": ana.id, "program": "fmla", "reason": "own_health",
                                        "start_date": START.isoformat(), "employees_within_75_miles": 62})
    assert (case.eligible, case.job_protected, case.hours_12_months) == (True, True, Decimal("1280.00"))
    assert "720 (Acme) + 560 (Globex) = 1280" in case.explanation[0]


def test_fmla_is_refused_under_1250_hours_and_the_reason_is_stated(db, make_user):
    """Only Acme's 18 weeks × 40 = 720 h in the 12 months: not eligible (825.110(a)(2)); no job protection."""
    from backoffice.leave import case_services
    from tests.factories import AgencyFactory, ClientFactory, EngagementFactory, WorkerFactory

    AgencyFactory()
    ben = WorkerFactory(first_name="Ben")
    acme = EngagementFactory(worker=ben, client=ClientFactory(name="Acme"), start_date=date(2025, 11, 3))
    _weeks(acme, date(2025, 11, 17), 18)
    case = case_services.open_case(make_user("hr"), {"worker_id": ben.id, "program": "fmla", "reason": "bonding",
                                                     "start_date": START, "employees_within_75_miles": 62})
    assert (case.eligible, case.job_protected, case.hours_12_months) == (False, False, Decimal("720.00"))
    assert any(line.startswith("Not met: 720 hours") for line in case.explanation)


def test_an_unpaid_leave_keeps_health_coverage_and_states_the_workers_share_owed(db, make_user):
    """29 CFR 825.209/.210: coverage kept, the worker's share still owed. Medical at $120.50 a month (the worker's
    share as elected); leave Nov 16, 2026 – Jan 15, 2027 touches November, December, January: 3 × 120.50 = $361.50.
    A waived dental election is not counted."""
    from backoffice.leave import case_services
    from benefits.models import BenefitPlan, Enrollment
    from tests.factories import AgencyFactory, EngagementFactory, WorkerFactory

    AgencyFactory()
    ana = WorkerFactory(first_name="Ana")
    EngagementFactory(worker=ana, start_date=date(2025, 1, 6))
    year = {"plan_year_start": date(2026, 1, 1), "plan_year_end": date(2026, 12, 31)}
    medical = BenefitPlan(kind="medical", name="Pooled PPO", **year)
    dental = BenefitPlan(kind="dental", name="Dental PPO", **year)
    db.session.add_all([medical, dental])
    db.session.flush()
    db.session.add_all([
        Enrollment(worker_id=ana.id, plan_id=medical.id, event="open_enrollment", effective_date=date(2026, 1, 1),
                   coverage_tier="employee", employee_monthly=Decimal("120.50"), employer_monthly=Decimal("400")),
        Enrollment(worker_id=ana.id, plan_id=dental.id, event="open_enrollment", effective_date=date(2026, 1, 1),
                   waived=True, waive_reason="covered by a spouse's plan")])
    db.session.flush()
    case = case_services.open_case(make_user("hr"), {
        "worker_id": ana.id, "program": "ca_pfl", "reason": "bonding", "start_date": "2026-11-16",
        "expected_end": "2027-01-15", "job_protected": True})
    assert case_services.benefits_continuation(case) == [
        {"plan": "Pooled PPO", "employee_monthly": Decimal("120.50"), "months": 3, "owed": Decimal("361.50")}]


def test_state_programs_job_protection_is_worked_out_not_ticked(db, make_user):
    """Hired Nov 3, 2025; the leave starts Nov 16, 2026: 378 days employed; 720 h (Acme) + 560 h (Globex) = 1,280 h.
    CO FAMLI (C.R.S. 8-13.3-509(1)): 180 days employed → protected. CA PFL protects the job only through the CFRA
    (Gov. Code §12945.2: employer of 5 or more): the agency has 1 employee → not protected, even though HR ticked the
    box. WA PFML (RCW 50A.35.010): 50 employees needed → not protected; the sentence names the two clients' hours."""
    from backoffice.leave import case_services
    from tests.factories import AgencyFactory, ClientFactory, EngagementFactory, WorkerFactory

    AgencyFactory()
    ana = WorkerFactory(first_name="Ana")
    acme = EngagementFactory(worker=ana, client=ClientFactory(name="Acme"), start_date=date(2025, 11, 3))
    globex = EngagementFactory(worker=ana, client=ClientFactory(name="Globex"), start_date=date(2026, 6, 1))
    _weeks(acme, date(2025, 11, 17), 18)
    _weeks(globex, date(2026, 6, 1), 14)
    hr = make_user("hr")
    base = {"worker_id": ana.id, "reason": "family_care", "start_date": START.isoformat(), "job_protected": True}
    co = case_services.open_case(hr, {**base, "program": "co_famli"})
    assert (co.job_protected, co.hours_12_months) == (True, Decimal("1280.00"))
    assert "Met: employed 378 days (180 needed)." in co.explanation
    ca = case_services.open_case(hr, {**base, "program": "ca_pfl"})
    assert ca.job_protected is False
    assert "Not met: the employer has 1 employees (5 needed)." in ca.explanation
    wa = case_services.open_case(hr, {**base, "program": "wa_pfml"})
    assert wa.job_protected is False
    assert wa.explanation[0] == "Hours in the 12 months before: 720 (Acme) + 560 (Globex) = 1280."


def test_new_york_pfl_counts_days_worked_for_a_recent_hire(db, make_user):
    """NY PFL (WCL §203-b; 12 NYCRR 380-2.5): 26 weeks employed or 175 days worked. Hired Aug 3, 2026: 105 days by
    Nov 16; 15 weeks × 5 days = 75 days worked → not protected."""
    from backoffice.leave import case_services
    from tests.factories import AgencyFactory, EngagementFactory, WorkerFactory

    AgencyFactory()
    ben = WorkerFactory(first_name="Ben")
    eng = EngagementFactory(worker=ben, start_date=date(2026, 8, 3))
    _weeks(eng, date(2026, 8, 3), 15)
    assert case_services.days_worked(ben.id, START) == 75
    case = case_services.open_case(make_user("hr"), {"worker_id": ben.id, "program": "ny_pfl", "reason": "bonding",
                                                     "start_date": START.isoformat()})
    assert case.job_protected is False
    assert "Not met: employed 105 days (182 needed) or 75 days worked (175 needed)." in case.explanation
