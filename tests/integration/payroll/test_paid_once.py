"""A salaried period is paid once per engagement, whatever the schedule: a schedule owns its engagements, a schedule
with runs keeps its calendar, and the database refuses a second claim on a paid day."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backoffice.errors import DomainError
from tests.integration.payroll.conftest import NOW, SETTLES, WEEK1

SALARY = "52000"        # a year, paid weekly: 52,000 / 52 = 1,000.00 a week


def _salary_paid(db, engagement_id: int, start: date, end: date) -> Decimal:
    """Salary earnings of non-reversed paychecks whose period touches [start, end]."""
    from payroll.models import Paycheck, PaycheckLine

    reversed_ids = sa.select(Paycheck.reverses_id).where(Paycheck.reverses_id.is_not(None))
    rows = db.session.execute(sa.select(PaycheckLine.amount).join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
                              .where(Paycheck.engagement_id == engagement_id, Paycheck.kind == "regular",
                                     PaycheckLine.code == "salary", Paycheck.period_start <= end,
                                     Paycheck.period_end >= start, Paycheck.id.not_in(reversed_ids))).scalars()
    return sum(rows, Decimal("0.00"))


def _pay(world, run):
    from payroll.services import runs

    runs.start_calculation(run.id, world.hr)
    runs.approve_run(run.id, world.hr2)
    return run


def test_a_second_weekly_schedule_does_not_pay_a_salaried_week_again(db, world):
    """The $1,000-twice story: two weekly schedules anchored on the same Monday; the salaried engagement is on the
    first. Its run pays 52,000 / 52 = 1,000.00 for 2–8 November; the second schedule's run for the same week pays
    it nothing more (it is not that schedule's engagement): 1,000.00 in all, not 2,000.00."""
    from payroll.services import runs
    from tests.factories import PayScheduleFactory

    sal = world.worker(rate=SALARY, unit="year")
    other = PayScheduleFactory(name="Weekly B", frequency="weekly", anchor_start=WEEK1)
    _pay(world, world.regular_run())
    second = runs.create_regular_run(other.id, WEEK1, world.hr)
    try:
        _pay(world, second)
    except DomainError:
        pass                 # refused (nothing to pay) is as good as paying nothing
    db.session.expire_all()
    assert _salary_paid(db, sal.id, WEEK1, WEEK1 + timedelta(days=6)) == Decimal("1000.00")


def test_moving_a_schedules_anchor_after_runs_cannot_pay_a_day_twice(db, world):
    """The anchor-edit story: week 2–8 November is paid (1,000.00); the schedule's anchor is then moved to
    Thursday 5 November, so the next period would be 5–11 November and pay 5–8 November a second time. Either
    guard may stop it; salary for 2–11 November must stay 1,000.00 + at most the 3 new days' share, and no day of
    2–8 November may be in two paychecks: here that means nothing beyond the first 1,000.00 for 2–8 November."""
    from payroll.services import runs
    from payroll.services.schedules import update_schedule

    sal = world.worker(rate=SALARY, unit="year")
    _pay(world, world.regular_run())
    try:
        update_schedule(world.schedule.id, {"anchor_start": "2026-11-05"})
        _pay(world, runs.create_regular_run(world.schedule.id, date(2026, 11, 9), world.hr))
    except DomainError:
        pass
    db.session.expire_all()
    assert _salary_paid(db, sal.id, WEEK1, WEEK1 + timedelta(days=6)) == Decimal("1000.00")


def test_editing_the_anchor_or_frequency_of_a_schedule_with_runs_is_refused_naming_the_field(db, world):
    from payroll.services.schedules import update_schedule

    world.worker(rate=SALARY, unit="year")
    world.regular_run()
    with pytest.raises(DomainError, match="anchor_start"):
        update_schedule(world.schedule.id, {"anchor_start": "2026-11-05"})
    with pytest.raises(DomainError, match="frequency"):
        update_schedule(world.schedule.id, {"frequency": "biweekly"})
    assert update_schedule(world.schedule.id, {"name": "Weekly (Friday pay)", "pay_lag_days": 5}).name \
        == "Weekly (Friday pay)"


def test_a_run_pays_the_engagements_of_its_schedule_not_of_its_frequency(db, world):
    """Two weekly schedules; A's engagement is paid by A's run only, B's by B's only (8 h × $25 = 200.00 each)."""
    from payroll.models import Paycheck
    from payroll.services import runs
    from tests.factories import PayScheduleFactory

    other = PayScheduleFactory(name="Weekly B", frequency="weekly", anchor_start=WEEK1)
    a = world.worker()
    b = world.worker()
    from backoffice.workers.services import update_engagement

    update_engagement(b.id, {"pay_schedule_id": other.id})
    world.time(a, hours=(8, 0, 0, 0, 0, 0, 0))
    world.time(b, hours=(8, 0, 0, 0, 0, 0, 0))
    run_a = _pay(world, world.regular_run())
    run_b = _pay(world, runs.create_regular_run(other.id, WEEK1, world.hr))
    paid = {(p.run_id, p.engagement_id): p.gross for p in db.session.execute(sa.select(Paycheck)).scalars()}
    assert paid == {(run_a.id, a.id): Decimal("200.00"), (run_b.id, b.id): Decimal("200.00")}


def test_an_engagement_moved_onto_an_overlapping_schedule_is_refused_naming_it_and_the_dates(db, world):
    """Paid 2–8 November on the Monday schedule, then moved to a weekly schedule anchored on Thursday: its period
    5–11 November overlaps the paid 5–8 November, so the paycheck is held out of the run (an exception naming the
    engagement and the dates) and the run pays nothing for it."""
    from backoffice.workers.services import update_engagement
    from payroll.models import Paycheck
    from payroll.services import runs
    from tests.factories import PayScheduleFactory

    sal = world.worker(rate=SALARY, unit="year")
    thursday = PayScheduleFactory(name="Weekly Thu", frequency="weekly", anchor_start=date(2026, 11, 5))
    _pay(world, world.regular_run())
    update_engagement(sal.id, {"pay_schedule_id": thursday.id})
    run = runs.create_regular_run(thursday.id, date(2026, 11, 9), world.hr)
    [exc] = runs.paycheck_exceptions(run.id)
    assert (exc.engagement_id, exc.code, exc.held) == (sal.id, "period_already_paid", True)
    assert "2026-11-05" in exc.message and "2026-11-02" in exc.message, exc.message
    runs.start_calculation(run.id, world.hr)
    assert world.db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).first() is None


def test_the_database_refuses_an_overlapping_paid_period_even_past_the_checks(db, world, monkeypatch):
    """The pre-run check is skipped (as a race between two calculations would): the chunk's insert of the paid
    period fails in the database, and the error is a DomainError naming the engagement and both periods."""
    from backoffice.workers.services import update_engagement
    from payroll.services import runs
    from tests.factories import PayScheduleFactory

    sal = world.worker(rate=SALARY, unit="year")
    thursday = PayScheduleFactory(name="Weekly Thu", frequency="weekly", anchor_start=date(2026, 11, 5))
    _pay(world, world.regular_run())
    update_engagement(sal.id, {"pay_schedule_id": thursday.id})
    run = runs.create_regular_run(thursday.id, date(2026, 11, 9), world.hr)
    from payroll.services import paid_periods

    monkeypatch.setattr(paid_periods, "run_issues", lambda *a, **k: [])
    with pytest.raises(DomainError) as exc:
        runs.start_calculation(run.id, world.hr)
    assert exc.value.code == "period_already_paid"
    assert f"engagement #{sal.id}" in str(exc.value) and "2026-11-05" in str(exc.value), str(exc.value)
    db.session.expire_all()
    assert _salary_paid(db, sal.id, WEEK1, date(2026, 11, 11)) == Decimal("1000.00")


def test_a_reversed_salary_paycheck_releases_its_period_for_the_reissue(db, world):
    """Paid 1,000.00 for 2–8 November, reversed (two people), re-issued: the period is paid once again, and the
    re-issue's claim stands while the original's is released."""
    from payroll.models import PaidSalaryPeriod, Paycheck
    from payroll.services import corrections, payments, runs

    sal = world.worker(rate=SALARY, unit="year")
    run = _pay(world, world.regular_run())
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run.id, world.finance)
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    corrections.request_reversal(world.hr, "wrong account", paycheck_id=p.id)
    corrections.reverse_paycheck(p.id, world.hr2, "wrong account", on=NOW.date())
    correction = corrections.reissue_paycheck(p.id, world.hr)
    claims = {(c.paycheck_id, c.released_at is None) for c in db.session.execute(sa.select(PaidSalaryPeriod))
              .scalars()}
    reissue = db.session.execute(sa.select(Paycheck.id).where(Paycheck.run_id == correction.id)).scalar_one()
    assert claims == {(p.id, False), (reissue, True)}
    assert sal.id == p.engagement_id
