"""California's caps written "N hours or M days" in payroll: the engagement's normal workday (normal_day_hours) is
the day the run's accrual, the request checks and the front-load grant read (Cal. Lab. Code 246 as amended by SB
616, Stats. 2023 ch. 309)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backoffice.errors import ValidationFailed
from tests.integration.leave.conftest import pay_run
from tests.integration.payroll.conftest import WEEK1


def _ca_worker(world, make_user, *, day: str | None, opening: str):
    """A California leased employee (hired Jan 1, 2026: past the 90-day wait of §246(c)) with an opening balance,
    and their normal day set by HR on the engagement (None: not recorded)."""
    from backoffice.leave import services
    from backoffice.workers.services import update_engagement

    eng = world.worker(state="CA")
    if day is not None:
        update_engagement(eng.id, {"normal_day_hours": day})
    policy = services.law_policy("CA")
    services.adjust_balance(world.hr, eng.worker_id, policy.id, opening, date(2026, 10, 1), "opening balance")
    return eng, policy, make_user("worker", worker_id=eng.worker_id)


def _ask(user, policy, hours):
    from backoffice.leave import services

    return services.request_leave(user, {"policy_id": str(policy.id), "start_date": "2026-11-16",
                                         "end_date": "2026-11-20", "hours": hours, "reason": "own_illness"})


def test_a_ten_hour_day_makes_californias_use_limit_fifty_hours(db, world, make_user):
    """Lab. Code §246(d) (SB 616): the employer may limit use to "40 hours or five days" a year. A worker whose
    normal day is 10 hours: 5 days × 10 h = 50 h > 40 h, so the limit is 50 h. Balance 60 h, nothing used this year:
    50 h over Mon 16 – Fri 20 November 2026 is accepted (0 + 50 ≤ 50); 52 h is refused on `hours`, "only 50 hours
    are left of the 50-hour yearly use limit"."""
    _eng, policy, user = _ca_worker(world, make_user, day="10", opening="60")
    with pytest.raises(ValidationFailed) as refused:
        _ask(user, policy, "52")
    assert [(i.field, i.code) for i in refused.value.issues] == [("hours", "usage_cap")]
    assert "only 50 hours are left of the 50-hour yearly use limit" in refused.value.issues[0].message
    assert _ask(user, policy, "50").status == "submitted"


def test_without_a_normal_day_californias_use_limit_stays_forty_hours(db, world, make_user):
    """The same worker with no normal day recorded: the hours figure, 40 h, applies (§246(d)); 48 h over the same
    five days is refused, "only 40 hours are left of the 40-hour yearly use limit"."""
    _eng, policy, user = _ca_worker(world, make_user, day=None, opening="60")
    with pytest.raises(ValidationFailed) as refused:
        _ask(user, policy, "48")
    assert "only 40 hours are left of the 40-hour yearly use limit" in refused.value.issues[0].message


def test_a_ten_hour_day_lifts_the_balance_cap_to_one_hundred_hours_in_the_run(db, world, make_user):
    """Lab. Code §246(b)(4) (SB 616): accrual may be capped at "80 hours or 10 days". Two California workers hold
    79 h each and work 40 h the week of 2 November 2026: 40 ÷ 30 = 1.3333 h earned. Without a normal day the cap is
    80 h: 1 h accrues (balance 80, capped). With a 10-hour day the cap is 10 × 10 = 100 h: all 1.3333 h accrue
    (balance 80.3333, not capped)."""
    from backoffice.leave.models import LeaveEntry

    plain, _p, _u = _ca_worker(world, make_user, day=None, opening="79")
    long_day, _p, _u = _ca_worker(world, make_user, day="10", opening="79")
    world.time(plain)
    world.time(long_day)
    pay_run(world, WEEK1)
    got = {}
    for eng in (plain, long_day):
        e = db.session.execute(sa.select(LeaveEntry).where(LeaveEntry.worker_id == eng.worker_id,
                                                           LeaveEntry.kind == "accrual")).scalar_one()
        got[eng.id] = (e.hours, e.balance_after, e.capped)
    assert got[plain.id] == (Decimal("1.0000"), Decimal("80.0000"), True)
    assert got[long_day.id] == (Decimal("1.3333"), Decimal("80.3333"), False)


def test_a_ten_hour_day_makes_californias_front_load_grant_fifty_hours(db, world, make_user):
    """Lab. Code §246(d) (SB 616): no accrual is required where "40 hours or five days" are given at the start of
    each year. A front-loading California policy grants a 10-hour-day worker 5 × 10 = 50 h (a worker with no
    normal day: 40 h)."""
    from backoffice.leave import front_load_services, services
    from backoffice.leave.models import LeaveEntry

    long_day, policy, _u = _ca_worker(world, make_user, day="10", opening="1")
    plain, _p, _u = _ca_worker(world, make_user, day=None, opening="1")
    services.save_policy(world.hr, {"front_load": True}, policy.id)
    assert front_load_services.grant_front_loads(date(2026, 11, 10)) == 2
    grants = dict(db.session.execute(sa.select(LeaveEntry.worker_id, LeaveEntry.hours).where(
        LeaveEntry.kind == "grant")).all())
    assert grants == {long_day.worker_id: Decimal("50.0000"), plain.worker_id: Decimal("40.0000")}


@pytest.mark.parametrize("value, code", [("0", "out_of_range"), ("24.01", "out_of_range"), ("-8", "out_of_range"),
                                         ("ten", "invalid"), ("7.125", "too_precise")])
def test_a_normal_day_outside_more_than_zero_to_twenty_four_hours_is_refused_by_field(db, world, value, code):
    """normal_day_hours must be 0 < h ≤ 24 (a day has 24 hours), to the hundredth."""
    from backoffice.workers.services import update_engagement

    eng = world.worker(state="CA")
    with pytest.raises(ValidationFailed) as refused:
        update_engagement(eng.id, {"normal_day_hours": value})
    assert [(i.field, i.code) for i in refused.value.issues] == [("normal_day_hours", code)]


def test_a_twenty_four_hour_day_is_kept_and_blank_clears_it(db, world):
    """24 is the upper bound and allowed; a blank clears the field (the hours figures apply again)."""
    from backoffice.workers.models import Engagement
    from backoffice.workers.services import update_engagement

    eng = world.worker(state="CA")
    update_engagement(eng.id, {"normal_day_hours": "24"})
    assert db.session.get(Engagement, eng.id).normal_day_hours == Decimal("24.00")
    update_engagement(eng.id, {"normal_day_hours": ""})
    assert db.session.get(Engagement, eng.id).normal_day_hours is None
