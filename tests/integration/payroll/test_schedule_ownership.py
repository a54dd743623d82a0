"""Which schedule an engagement is on: the default, an explicit choice, and what follows a schedule's frequency."""
from __future__ import annotations

from datetime import date

import pytest

from backoffice.errors import ValidationFailed


def test_an_engagement_goes_on_the_first_active_schedule_of_its_frequency_by_default(db):
    from tests.factories import EngagementFactory, PayScheduleFactory

    PayScheduleFactory(name="Old weekly", frequency="weekly", active=False)
    weekly = PayScheduleFactory(name="Weekly", frequency="weekly")
    PayScheduleFactory(name="Weekly B", frequency="weekly")
    e = EngagementFactory(pay_frequency="weekly")
    db.session.flush()
    assert e.pay_schedule_id == weekly.id


def test_a_chosen_schedule_sets_the_frequency_and_an_unknown_one_is_refused_naming_the_field(db):
    from backoffice.workers.services import update_engagement
    from tests.factories import EngagementFactory, PayScheduleFactory

    PayScheduleFactory(name="Weekly", frequency="weekly")
    monthly = PayScheduleFactory(name="Monthly", frequency="monthly", anchor_start=date(2026, 11, 1))
    e = EngagementFactory(pay_frequency="weekly")
    update_engagement(e.id, {"pay_schedule_id": monthly.id})
    assert (e.pay_schedule_id, e.pay_frequency) == (monthly.id, "monthly")
    with pytest.raises(ValidationFailed) as exc:
        update_engagement(e.id, {"pay_schedule_id": 987654})
    assert [i.field for i in exc.value.issues] == ["pay_schedule_id"]


def test_a_new_schedule_adopts_the_engagements_of_its_frequency_that_have_none(db):
    """Engagements made before any biweekly schedule existed are paid by the first one created."""
    from payroll.services.schedules import create_schedule
    from tests.factories import EngagementFactory

    e = EngagementFactory(pay_frequency="biweekly")
    db.session.flush()
    assert e.pay_schedule_id is None
    sched = create_schedule({"name": "Biweekly", "frequency": "biweekly", "anchor_start": "2026-11-02"})
    db.session.expire_all()
    assert e.pay_schedule_id == sched.id


def test_a_schedule_without_runs_may_change_frequency_and_its_engagements_follow(db):
    from payroll.services.schedules import update_schedule
    from tests.factories import EngagementFactory, PayScheduleFactory

    sched = PayScheduleFactory(name="Weekly", frequency="weekly")
    e = EngagementFactory(pay_frequency="weekly")
    db.session.flush()
    update_schedule(sched.id, {"frequency": "biweekly"})
    db.session.expire_all()
    assert (e.pay_schedule_id, e.pay_frequency) == (sched.id, "biweekly")
