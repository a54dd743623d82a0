"""The demo shows where the hour goes: `seed-demo` publishes last month's margins, and the demo worker's
engagement has a breakdown whose parts add up to its bill rate."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa


def test_the_demo_publishes_last_month_and_the_demo_worker_sees_a_breakdown(db):
    from backoffice.security.models import User
    from backoffice.voice.breakdown_services import rate_breakdown
    from backoffice.voice.models import TransparencyMonth
    from backoffice.workers.demo import seed_demo
    from backoffice.workers.models import Engagement

    lines = seed_demo(n_workers=40, today=date(2026, 11, 22))
    [month] = db.session.execute(sa.select(TransparencyMonth)).scalars().all()
    assert month.month == "2026-10" and month.engagements > 0
    assert any(line.startswith("voice: margins per hour for 2026-10 published") for line in lines)
    for row in month.rows:                       # every row shown meets the floor
        assert row.clients >= 3 and row.workers >= 5
    worker = db.session.execute(sa.select(User).where(User.email == "worker@tandem.example")).scalar_one()
    eng = db.session.execute(sa.select(Engagement).where(Engagement.worker_id == worker.worker_id)
                             .order_by(Engagement.id)).scalars().first()
    b = rate_breakdown(worker, eng.id, date(2026, 11, 22))
    assert b.bill_rate > 0 and sum(b.parts().values()) == b.bill_rate
