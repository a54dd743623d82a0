"""seed-demo shows the portal's new parts to a newcomer: the demo worker has a draft week to finish and submit and
notifications under the bell (their rejected week's, made by the real review service)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa


def test_the_demo_worker_has_a_draft_week_and_notifications(db):
    from backoffice.notifications.models import Notification
    from backoffice.security.models import User
    from backoffice.workers.demo import seed_demo
    from backoffice.workers.models import Engagement
    from payroll.models import Timesheet

    lines = seed_demo(n_workers=60, today=date(2026, 11, 22))
    worker = db.session.execute(sa.select(User).where(User.email == "worker@tandem.example")).scalar_one()
    drafts = db.session.execute(sa.select(Timesheet).join(Engagement).where(
        Engagement.worker_id == worker.worker_id, Timesheet.status == "draft")).scalars().all()
    assert [str(d.total_hours) for d in drafts] == ["23.50"]                 # 8 + 8 + 7.5, Thursday to come
    kinds = set(db.session.execute(sa.select(Notification.kind).where(
        Notification.worker_id == worker.worker_id)).scalars())
    assert "timesheet_rejected" in kinds
    assert any(line.startswith("notifications: the demo worker has") for line in lines), lines[-5:]
