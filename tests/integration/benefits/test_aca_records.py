"""ACA records from payroll: hours of service across clients, the monthly 1095-C codes, and eligibility driven by
the look-back status (the window, the e-mail once, coverage kept to the end of the stability period). Figures by
hand in each docstring. The agency's policy is the engine's default: a standard measurement period Nov 1 – Oct 31,
the administrative months Nov – Dec, a stability period Jan 1 – Dec 31."""
from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backoffice.extensions import db as _db
from benefits import aca_services as acas, services as svc
from benefits.aca_models import AcaMonth, AcaPriorHours, AcaWindow
from benefits.models import Enrollment, LifeEvent
from payroll.models import YearToDate
from tests.factories import (ClientFactory, EngagementFactory, PaycheckFactory, PaycheckLineFactory,
                             PayrollRunFactory, WorkerFactory)
from tests.integration.benefits.plans import add_rule, make_plans
from tests.integration.onboarding.support import running_smtp

D = Decimal


def _paycheck(eng, start, end, lines, state="paid"):
    """A paycheck for the period with earning lines [(engagement, code, hours, amount)]."""
    run = PayrollRunFactory(frequency="monthly", period_start=start, period_end=end, pay_date=end, state=state)
    pc = PaycheckFactory(run=run, engagement=eng)
    for e, code, hours, amount in lines:
        PaycheckLineFactory(paycheck=pc, engagement_id=e.id, client_id=e.client_id, code=code, hours=D(hours),
                            amount=D(amount))
    return pc


def _month(eng, key, hours):
    y, m = int(key[:4]), int(key[5:])
    return _paycheck(eng, date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]),
                     [(eng, "regular", hours, D(hours) * 15)])


def _months(first, last):
    out, (y, m) = [], (int(first[:4]), int(first[5:]))
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _worker(start=date(2024, 6, 1), rate="15.00"):
    w = WorkerFactory(payroll_ready=True)
    eng = EngagementFactory(worker=w, start_date=start, pay_frequency="monthly", pay_rate=D(rate))
    return w, eng


def _plans(min_weekly_hours=None):
    """The 2026 plans of tests/integration/benefits/plans.py with the agency paying half the employee-only premium:
    HDHP 420.00 − 210.00 = 210.00 (the lowest-cost self-only share), PPO 600.00 − 300.00 = 300.00."""
    plans = make_plans(2026)
    add_rule(plans["hdhp"], "percent_employee_only", "0.5")
    add_rule(plans["ppo"], "percent_employee_only", "0.5")
    if min_weekly_hours is not None:
        for p in (plans["ppo"], plans["hdhp"]):
            p.min_weekly_hours = D(min_weekly_hours)
    _db.session.commit()
    return plans


def _row(worker, year, month):
    return _db.session.execute(sa.select(AcaMonth).where(AcaMonth.worker_id == worker.id, AcaMonth.year == year,
                                                         AcaMonth.month == month)).scalar_one()


def test_hours_of_service_add_up_across_two_clients_from_paid_payroll_only(db):
    """January 2026, one paycheck for Jan 5–18 with 40.00 h at client A and 35.50 h at client B (regular) and a
    5.00 h overtime premium line (its hours are already on the regular line): 40 + 35.5 = 75.50. A calculated
    (unapproved) run's 80 hours and a contractor engagement's 20 hours do not count."""
    w = WorkerFactory(payroll_ready=True)
    a = EngagementFactory(worker=w, client=ClientFactory(), start_date=date(2025, 1, 1))
    b = EngagementFactory(worker=w, client=ClientFactory(), start_date=date(2025, 1, 1))
    c = EngagementFactory(worker=w, client=ClientFactory(), start_date=date(2025, 1, 1), type="contractor")
    _paycheck(a, date(2026, 1, 5), date(2026, 1, 18), [(a, "regular", "40", "1000"), (b, "regular", "35.5", "887.50"),
                                                       (a, "overtime_premium", "5", "62.50")])
    _paycheck(a, date(2026, 1, 19), date(2026, 1, 25), [(a, "regular", "80", "2000")], state="calculated")
    _paycheck(c, date(2026, 1, 5), date(2026, 1, 18), [(c, "regular", "20", "500")])
    assert acas.monthly_hours(w.id, "2026-01", "2026-02") == {"2026-01": D("75.50"), "2026-02": D("0")}
    assert acas.bulk_monthly_hours("2026-01", "2026-01")[w.id] == {"2026-01": D("75.50")}


def test_hours_a_prior_provider_paid_add_to_those_paid_here(db):
    """Go-live mid-December 2025: the prior provider reported 120.00 h for November and 60.00 h for December;
    this system paid Dec 15–28 with 64.00 h. November 120.00; December 60 + 64 = 124.00; a worker with prior hours
    only appears in the bulk read too. The same worker and month twice is refused by the database."""
    w, eng = _worker()
    other, _ = _worker()
    for who, month, hours in ((w, date(2025, 11, 1), "120"), (w, date(2025, 12, 1), "60"),
                              (other, date(2025, 11, 1), "30")):
        _db.session.add(AcaPriorHours(worker_id=who.id, month=month, hours=D(hours), source="prior provider"))
    _paycheck(eng, date(2025, 12, 15), date(2025, 12, 28), [(eng, "regular", "64", "960")])
    assert acas.monthly_hours(w.id, "2025-11", "2025-12") == {"2025-11": D("120.00"), "2025-12": D("124.00")}
    assert acas.bulk_monthly_hours("2025-11", "2025-11")[other.id] == {"2025-11": D("30.00")}
    with pytest.raises(IntegrityError), _db.session.begin_nested():
        _db.session.add(AcaPriorHours(worker_id=w.id, month=date(2025, 11, 1), hours=D("1"), source="again"))
        _db.session.flush()


def test_a_pay_period_spanning_two_months_is_split_by_days(db):
    """Jan 26 – Feb 8, 2026 is 14 days, 6 in January and 8 in February: 70 h × 6/14 = 30.00 in January and 40.00
    in February."""
    w, eng = _worker()
    _paycheck(eng, date(2026, 1, 26), date(2026, 2, 8), [(eng, "regular", "70", "1050")])
    assert acas.monthly_hours(w.id, "2026-01", "2026-02") == {"2026-01": D("30.00"), "2026-02": D("40.00")}


def test_a_reversed_paycheck_and_its_reversal_net_to_no_hours(db):
    """A reversal copies the hours with the amounts negated: 40 + (−40) = 0."""
    w, eng = _worker()
    _paycheck(eng, date(2026, 3, 1), date(2026, 3, 31), [(eng, "regular", "40", "600")])
    _paycheck(eng, date(2026, 3, 1), date(2026, 3, 31), [(eng, "regular", "40", "-600")])
    assert acas.monthly_hours(w.id, "2026-03", "2026-03") == {"2026-03": D("0.00")}


@pytest.fixture
def january_2026(fixed_clock):
    fixed_clock.set(date(2026, 1, 31))
    return fixed_clock


def test_full_time_and_enrolled_is_1e_with_the_lowest_self_only_share_and_2c(db, january_2026):
    """Hired Jun 1, 2024; 140 h a month Nov 2024 – Oct 2025: average 140 ≥ 130, full time for the stability period
    Jan 1 – Dec 31, 2026. Enrolled in the PPO all January: line 14 1E (every tier offered), line 15 210.00 (the
    HDHP's employee-only 420.00 less the agency's 50%), line 16 2C."""
    plans = _plans()
    w, eng = _worker()
    for key in _months("2024-11", "2025-10"):
        _month(eng, key, "140")
    _db.session.add(Enrollment(worker_id=w.id, plan_id=plans["ppo"].id, event="open_enrollment",
                               effective_date=date(2026, 1, 1), coverage_tier="employee"))
    _db.session.commit()
    assert acas.build_aca_months(2026, 1) >= 1
    row = _row(w, 2026, 1)
    assert (row.status, row.basis, row.line14, row.employee_share, row.line16) == (
        "full_time", "look_back", "1E", D("210.00"), "2C")
    assert (row.stability_start, row.stability_end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert row.average_monthly_hours == D("140.00")


def test_full_time_who_declined_is_affordable_only_by_the_w2_safe_harbor(db, january_2026):
    """Full time (as above), waived coverage. Share 210.00: the poverty-line limit 15,650 × 9.96% ÷ 12 = 129.89 and
    the rate of pay $15.00 × 130 × 9.96% = 194.22 fail; W-2 box 1 wages to date 2,400.00 over 1 month employed
    × 9.96% = 239.04 ≥ 210.00: line 16 2F, line 14 1E, line 15 210.00."""
    plans = _plans()
    w, eng = _worker()
    for key in _months("2024-11", "2025-10"):
        _month(eng, key, "140")
    _db.session.add(Enrollment(worker_id=w.id, plan_id=plans["ppo"].id, event="open_enrollment", waived=True,
                               waive_reason="covered by my spouse", effective_date=date(2026, 1, 1)))
    _db.session.add(YearToDate(worker_id=w.id, tax_year=2026, worker_type="employee", federal_wages=D("2400.00")))
    _db.session.commit()
    acas.build_aca_months(2026, 1)
    row = _row(w, 2026, 1)
    assert (row.status, row.line14, row.employee_share, row.line16) == ("full_time", "1E", D("210.00"), "2F")
    assert any("239.04" in s for s in row.explanation)


def test_not_full_time_is_2b_and_initial_measurement_is_2d(db, january_2026):
    """100 h a month Nov 2024 – Oct 2025: average 100 < 130, not full time: 2B (offered: the plans need no hours,
    1E). Hired Oct 15, 2025 (hourly, a new variable-hour employee): the initial measurement period from Nov 1,
    2025 runs through January 2026: 2D."""
    _plans()
    part, eng = _worker()
    for key in _months("2024-11", "2025-10"):
        _month(eng, key, "100")
    new, _ = _worker(start=date(2025, 10, 15))
    acas.build_aca_months(2026, 1)
    row = _row(part, 2026, 1)
    assert (row.status, row.line14, row.line16) == ("not_full_time", "1E", "2B")
    assert row.average_monthly_hours == D("100.00")
    fresh = _row(new, 2026, 1)
    assert (fresh.status, fresh.line16) == ("in_initial_measurement", "2D")


def test_building_twice_upserts_the_same_rows(db, january_2026):
    _plans()
    w, eng = _worker()
    acas.build_aca_months(2026, 1)
    first = _row(w, 2026, 1).id
    acas.build_aca_months(2026, 1)
    assert _db.session.execute(sa.select(sa.func.count()).select_from(AcaMonth).where(
        AcaMonth.worker_id == w.id)).scalar() == 1
    assert _row(w, 2026, 1).id == first


def _full_time_2025(min_weekly_hours="30"):
    plans = _plans(min_weekly_hours)
    w, eng = _worker()
    for key in _months("2024-11", "2025-10"):
        _month(eng, key, "140")
    return plans, w, eng


def test_a_worker_found_full_time_gets_a_window_an_offer_and_one_email(db, fixed_clock, app):
    """Built for December 2025 on Jan 1, 2026: the look-back (140 h average Nov 2024 – Oct 2025) makes the worker
    full time for Jan 1 – Dec 31, 2026: a window opens Jan 1 – Jan 31, the PPO (which asks 30 hours a week of
    timesheets, none here) is offered with the ACA reason, one e-mail goes out, and building again sends none."""
    fixed_clock.set(date(2026, 1, 1))
    plans, w, _eng = _full_time_2025()
    with running_smtp() as box:
        saved = {k: app.config.get(k) for k in ("SMTP_HOST", "SMTP_PORT")}
        app.config.update(SMTP_HOST=box.host, SMTP_PORT=box.port)
        try:
            acas.build_aca_months(2025, 12)
            assert acas.notify_windows() == 1
            acas.build_aca_months(2025, 12)
            assert acas.notify_windows() == 0
        finally:
            app.config.update(saved)
        assert len(box.messages) == 1
        assert "December 31, 2026" in box.messages[0].get_payload(decode=True).decode()
    windows = _db.session.execute(sa.select(AcaWindow).where(AcaWindow.worker_id == w.id)).scalars().all()
    assert [(x.stability_start, x.stability_end, x.opens_on, x.closes_on) for x in windows] == [
        (date(2026, 1, 1), date(2026, 12, 31), date(2026, 1, 1), date(2026, 1, 31))]
    ppo = next(o for o in svc.plan_offers(w.id, date(2026, 1, 1)) if o.plan.id == plans["ppo"].id)
    assert ppo.eligible and "full time under the look-back" in ppo.reason


def test_coverage_elected_in_the_window_lasts_to_the_end_of_the_stability_period(db, fixed_clock):
    """Enrolled through the ACA window from Jan 1, 2026 (to the plan year's end, Dec 31). Hours fall to 100 a month
    from Nov 2025: building June 2026 ends nothing; building January 2027 (the stability period over, the new
    look-back Nov 2025 – Oct 2026 averaging 100) ends the coverage on Dec 31, 2026 and writes a COBRA qualifying event (reduction of hours)."""
    fixed_clock.set(date(2026, 1, 1))
    plans, w, eng = _full_time_2025()
    acas.build_aca_months(2025, 12)
    e = svc.enroll({"worker_id": w.id, "plan_id": plans["ppo"].id, "event": "aca_full_time",
                    "coverage_tier": "employee"})
    assert (e.effective_date, e.event) == (date(2026, 1, 1), "aca_full_time")
    for key in _months("2025-11", "2026-12"):
        _month(eng, key, "100")
    fixed_clock.set(date(2026, 7, 1))
    acas.build_aca_months(2026, 6)
    _db.session.refresh(e)
    assert e.status == "active" and e.end_date == date(2026, 12, 31)      # the plan year's end, not before
    fixed_clock.set(date(2027, 2, 1))
    acas.build_aca_months(2027, 1)
    _db.session.refresh(e)
    assert (e.status, e.end_date) == ("ended", date(2026, 12, 31))
    ev = _db.session.execute(sa.select(LifeEvent).where(LifeEvent.worker_id == w.id)).scalar_one()
    assert (ev.kind, ev.event_date) == ("cobra_qualifying_event", date(2027, 1, 1))
    assert ev.notes.startswith("reduction_of_hours")
    assert _row(w, 2027, 1).status == "not_full_time"


def test_an_aca_election_outside_a_window_is_refused_naming_the_event(db, fixed_clock):
    from backoffice.errors import ValidationFailed
    fixed_clock.set(date(2026, 1, 1))
    plans = _plans()
    w, _ = _worker()
    with pytest.raises(ValidationFailed) as exc:
        svc.enroll({"worker_id": w.id, "plan_id": plans["ppo"].id, "event": "aca_full_time",
                    "coverage_tier": "employee"})
    assert "event" in {i.field for i in exc.value.issues}


def test_the_cli_builds_a_month_and_says_how_many(runner, db, january_2026):
    """One leased worker hired Jun 1, 2024: January 2026 gives one ACA month; a month 13 is refused by name."""
    from backoffice.cli import main
    _plans()
    w, _ = _worker()
    out = runner.invoke(main, args=["benefits", "aca-months", "--year", "2026", "--month", "1"])
    assert out.exit_code == 0, out.output
    assert "ACA month(s) built for 2026-01" in out.output
    assert _row(w, 2026, 1).status == "not_full_time"
    bad = runner.invoke(main, args=["benefits", "aca-months", "--year", "2026", "--month", "13"])
    assert bad.exit_code != 0 and "--month" in bad.output


def test_the_monthly_task_builds_the_month_just_ended(db, fixed_clock):
    """Run on Feb 1, 2026 (the beat's day), the task builds January 2026."""
    from benefits.tasks import build_aca_months
    fixed_clock.set(date(2026, 2, 1))
    _plans()
    w, _ = _worker()
    assert build_aca_months.apply().get() >= 1
    assert _row(w, 2026, 1).month == 1
