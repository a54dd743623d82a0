"""Demo time history for the dashboards: when the demo's approved time was submitted and approved (HR's "time to
approve"), and this week's time from the approver's client waiting for approval, up to three days old (the
approver's "time waiting, by age"). Runs after the payroll demo; touches only timesheets, and none a run pays."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from backoffice.clock import clock
from backoffice.extensions import db
from backoffice.money import D
from backoffice.security.models import User
from backoffice.uow import transaction
from backoffice.workers.models import Engagement
from payroll.models import Timesheet

WAITING = 6     # timesheets of the approver's client left waiting this week


def seed(rng: random.Random, today: date) -> list[str]:
    approver = db.session.execute(sa.select(User).where(User.role == "client_approver")
                                  .order_by(User.id).limit(1)).scalar_one_or_none()
    now = clock().now()
    with transaction():
        stamped = 0
        for ts in db.session.execute(sa.select(Timesheet).where(
                Timesheet.status == "approved", Timesheet.submitted_at.is_(None))).scalars():
            # submitted on the Monday after the week, during the day; approved 0 to 5 days later, never in the future
            submitted = datetime.combine(ts.week_start + timedelta(days=7), time(9), tzinfo=timezone.utc)
            submitted += timedelta(hours=rng.randint(0, 8))
            ts.submitted_at = min(submitted, now)
            ts.approved_at = min(ts.submitted_at + timedelta(days=rng.choice((0, 0, 1, 1, 1, 2, 3, 5)),
                                                             hours=rng.randint(0, 6)), now)
            stamped += 1
        waiting = 0
        if approver is not None and approver.client_id is not None:
            week = today - timedelta(days=today.weekday())      # this week: no run pays it yet
            taken = sa.select(Timesheet.id).where(Timesheet.engagement_id == Engagement.id,
                                                  Timesheet.week_start == week).exists()
            free = db.session.execute(sa.select(Engagement).where(
                Engagement.client_id == approver.client_id, Engagement.status == "active",
                Engagement.type == "leased_employee", Engagement.pay_unit == "hour", ~taken)
                .order_by(Engagement.id).limit(WAITING)).scalars().all()
            for e in free:
                age = rng.randint(0, min(3, today.weekday()))    # entered day by day since Monday
                db.session.add(Timesheet(engagement_id=e.id, week_start=week, status="submitted", source="worker",
                                         submitted_at=now - timedelta(days=age, hours=rng.randint(0, 5)),
                                         **{f"hours_{d}": D(8) for d in ("mon", "tue", "wed", "thu", "fri")}))
                waiting += 1
    return [f"time history: {stamped} approved timesheets dated (submitted, approved); "
            f"{waiting} timesheets of the approver's client waiting for approval"]
