"""The 401(k) plan's yearly mechanics: automatic escalation of auto-enrolled workers (IRC 414A) and the match's
year-end true-up, through the database; the plan's escalation design checked with the field named."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backoffice.errors import ValidationFailed
from backoffice.extensions import db as _db
from benefits import plan_services, retirement_services as rs, services as svc
from benefits.models import Enrollment
from payroll.models import YearToDate
from payroll.models_deductions import WorkerDeduction
from tests.factories import EngagementFactory, WorkerFactory
from tests.integration.benefits.plans import make_plans

D = Decimal


def _leased():
    w = WorkerFactory(payroll_ready=True)
    EngagementFactory(worker=w, start_date=date(2025, 1, 6), pay_frequency="biweekly", pay_rate=D("25.00"))
    return w


def test_an_auto_enrolled_worker_is_raised_a_point_on_each_anniversary_up_to_the_cap(db, fixed_clock):
    """First auto-enrolled on Jun 1, 2025 at the plan's 3% default (the 2025 plan year); carried into 2026 at 3%.
    With a 1-point step and a 10% cap (IRC 414A), on Jun 1, 2026 (one anniversary) the percent is 4%: a new
    election from that day, the old one's 401(k) row ending May 31. Running again that day changes nothing; a worker
    who chose their own 3% is left alone."""
    old_plans, plans = make_plans(2025), make_plans(2026)
    plan = plans["401k"]
    plan.escalation_step, plan.escalation_cap = D("0.01"), D("0.10")
    auto, chooser = _leased(), _leased()
    _db.session.add(Enrollment(worker_id=auto.id, plan_id=old_plans["401k"].id, event="open_enrollment",
                               status="active", effective_date=date(2025, 6, 1), end_date=date(2025, 12, 31),
                               deferral_percent=D("0.03"), auto_enrolled=True))
    fixed_clock.set(date(2026, 1, 5))
    for w in (auto, chooser):
        e = svc.enroll({"worker_id": w.id, "plan_id": plan.id, "event": "new_hire", "deferral_percent": "0.03",
                        "effective_date": "2026-01-05"})
        e.auto_enrolled = w is auto
    _db.session.flush()
    assert rs.escalate_deferrals(date(2026, 5, 31)) == 0                 # no anniversary yet
    fixed_clock.set(date(2026, 6, 1))
    assert rs.escalate_deferrals(date(2026, 6, 1)) == 1
    assert rs.escalate_deferrals(date(2026, 6, 1)) == 0
    rows = _db.session.execute(sa.select(Enrollment).where(Enrollment.worker_id == auto.id, Enrollment.plan_id
                                                           == plan.id).order_by(Enrollment.id)).scalars().all()
    assert [(e.effective_date, e.end_date, e.deferral_percent, e.auto_enrolled) for e in rows] == [
        (date(2026, 1, 5), date(2026, 5, 31), D("0.03"), True), (date(2026, 6, 1), date(2026, 12, 31), D("0.04"), True)]
    deferrals = _db.session.execute(sa.select(WorkerDeduction.percent, WorkerDeduction.start_date,
                                              WorkerDeduction.end_date).where(
        WorkerDeduction.worker_id == auto.id, WorkerDeduction.code == "401k").order_by(WorkerDeduction.id)).all()
    assert [tuple(r) for r in deferrals] == [(D("0.03"), date(2026, 1, 5), date(2026, 5, 31)),
                                             (D("0.04"), date(2026, 6, 1), date(2026, 12, 31))]
    mine = _db.session.execute(sa.select(Enrollment.deferral_percent).where(Enrollment.worker_id == chooser.id)
                               ).scalars().all()
    assert mine == [D("0.03")]


def test_the_match_true_up_is_the_formula_on_the_year_less_the_match_paid(db, fixed_clock):
    """Safe-harbor match (100% of the first 3% of pay, 50% of the next 2%) on a year's pay of 52,000.00 with
    deferrals of 5,200.00 (10%, front-loaded): 1,560.00 + 520.00 = 2,080.00 due for the year; 1,300.00 was matched
    per paycheck, so the true-up is 780.00. A worker matched in full is not listed."""
    plans = make_plans(2026)
    plans["401k"].match_true_up = True
    fixed_clock.set(date(2026, 1, 5))
    short, full = _leased(), _leased()
    for w, paid in ((short, "1300.00"), (full, "2080.00")):
        svc.enroll({"worker_id": w.id, "plan_id": plans["401k"].id, "event": "new_hire", "deferral_percent": "0.10",
                    "effective_date": "2026-01-05"})
        _db.session.add(YearToDate(worker_id=w.id, tax_year=2026, worker_type="employee", **{
            f: {"gross": D("52000.00"), "deferrals_401k": D("5200.00"), "employer_401k": D(paid)}.get(f, D("0.00"))
            for f in YearToDate.YTD_FIELDS + ("net",)}))
    _db.session.flush()
    rows = rs.true_up_due(2026)
    assert [(r["worker_id"], r["true_up"]) for r in rows] == [(short.id, D("780.00"))]


@pytest.mark.parametrize("change, field", [({"escalation_step": "0.01"}, "escalation_cap"),
                                           ({"escalation_step": "0.01", "escalation_cap": "0.20"}, "escalation_cap"),
                                           ({"vesting_schedule": "cliff_9"}, "vesting_schedule")])
def test_a_plan_outside_the_law_is_refused_naming_the_field(db, change, field):
    """IRC 414A caps escalation at 15%; a cap without a step (or the reverse) and an unknown vesting schedule are
    refused naming the field (the check runs before anything is set on the plan)."""
    plan = make_plans(2026)["401k"]
    _db.session.flush()
    with pytest.raises(ValidationFailed) as exc:
        plan_services.update_plan(plan.id, change)
    assert field in [i.field for i in exc.value.issues]


def test_escalation_runs_daily_and_both_are_on_the_command_line(app, runner, db, fixed_clock):
    """The Celery beat runs escalation every day; `backoffice benefits escalate` and `true-up` answer (an empty
    agency: no one raised, only the CSV header)."""
    assert app.extensions["celery"].conf.beat_schedule["benefits-escalation-daily"]["task"] == \
        "benefits.escalate_deferrals"
    out = runner.invoke(args=["benefits", "escalate", "--on", "2026-06-01"])
    assert out.exit_code == 0 and "0 worker(s) raised on 2026-06-01" in out.output
    out = runner.invoke(args=["benefits", "true-up", "--year", "2026"])
    assert out.exit_code == 0 and "worker_id,worker,plan,year_pay,deferrals,match_paid,true_up\n" in out.output


def test_a_deferral_may_be_dollars_a_paycheck_but_not_both_ways(db, fixed_clock):
    """$100.00 of traditional 401(k) a paycheck and 2% Roth: a 401k deduction of a fixed 100.00 and a roth_401k
    deduction of 2% of gross. A percent and an amount for the same deferral are refused naming the amount, nothing
    saved; so is a zero amount."""
    plans = make_plans(2026)
    fixed_clock.set(date(2026, 1, 5))
    w = _leased()
    base = {"worker_id": w.id, "plan_id": plans["401k"].id, "event": "new_hire", "effective_date": "2026-01-05"}
    for bad, field in (({"deferral_percent": "0.05", "deferral_amount": "100.00"}, "deferral_amount"),
                       ({"roth_amount": "0"}, "roth_amount")):
        with pytest.raises(ValidationFailed) as exc:
            svc.enroll({**base, **bad})
        assert field in [i.field for i in exc.value.issues]
    e = svc.enroll({**base, "deferral_amount": "100.00", "roth_percent": "0.02"})
    rows = _db.session.execute(sa.select(WorkerDeduction.code, WorkerDeduction.amount, WorkerDeduction.percent)
                               .where(WorkerDeduction.worker_id == w.id).order_by(WorkerDeduction.code)).all()
    assert [tuple(r) for r in rows] == [("401k", D("100.00"), None), ("roth_401k", None, D("0.02"))]
    item = next(x for x in svc.current_elections(w.id, date(2026, 1, 5)) if x["id"] == e.id)
    assert (item["deferral_amount"], item["roth_percent"]) == ("100.00", "0.020000")


def test_an_account_election_is_spread_over_the_pay_dates_left_on_the_workers_schedule(db, fixed_clock):
    """A biweekly schedule anchored Mon Jan 5, 2026, paid 5 days after each period: pay dates Jan 23 + 14 days,
    so Nov 27, Dec 11 and Dec 25 (Christmas: paid Thu Dec 24). An FSA of 3,300.00 from Dec 1 has two pay dates left
    in the plan year (Dec 11, Dec 24): 1,650.00 a paycheck."""
    from tests.factories import PayScheduleFactory

    plans = make_plans(2026)
    fixed_clock.set(date(2026, 11, 20))
    w = WorkerFactory(payroll_ready=True)
    sched = PayScheduleFactory(frequency="biweekly", anchor_start=date(2026, 1, 5), pay_lag_days=5)
    EngagementFactory(worker=w, start_date=date(2026, 11, 16), pay_frequency="biweekly", pay_rate=D("25.00"),
                      pay_schedule_id=sched.id)
    e = svc.enroll({"worker_id": w.id, "plan_id": plans["fsa"].id, "event": "new_hire",
                    "effective_date": "2026-12-01", "annual_amount": "3300.00"})
    assert e.per_paycheck_employee == D("1650.00")
