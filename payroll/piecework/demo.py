"""Demo desk work: the demo worker's second placement, remote claims review paid per task, with a week of tasks
recorded (paid by the next biweekly run once runs pay tasks)."""
from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from backoffice.audit import acting_as
from backoffice.extensions import db
from backoffice.money import D
from backoffice.security.models import User
from backoffice.uow import transaction
from backoffice.workers.models import Client, Engagement, Worker
from payroll.models import PaySchedule

from .models import TaskCompletion
from .services import record_tasks

TITLE = "remote claims review (per task)"
RATE = D("6.50")           # per claim reviewed


def seed(rng: random.Random, today: date) -> list[str]:
    if db.session.execute(sa.select(TaskCompletion.id).limit(1)).first():
        return ["task demo already present"]
    hr = db.session.execute(sa.select(User).where(User.email == "hr@tandem.example")).scalar_one_or_none()
    me = db.session.execute(sa.select(User).where(User.email == "worker@tandem.example")).scalar_one_or_none()
    schedule = db.session.execute(sa.select(PaySchedule).where(PaySchedule.name == "Biweekly")).scalar()
    client = db.session.execute(sa.select(Client).order_by(Client.id).limit(1)).scalar()
    if not (hr and me and me.worker_id and schedule and client):
        return ["task demo: demo users, schedule or client missing"]
    worker = db.session.get(Worker, me.worker_id)
    monday = today - timedelta(days=today.weekday() + 7)         # last full week
    with transaction():
        eng = Engagement(worker_id=worker.id, client_id=client.id, type="leased_employee", title=TITLE,
                         work_state=worker.state, pay_rate=RATE, pay_unit="piece", bill_rate=D("9.75"),
                         pay_frequency=schedule.frequency, pay_schedule_id=schedule.id,
                         start_date=monday - timedelta(days=28), status="active")
        db.session.add(eng)
        db.session.flush()
    items = []
    n = 1000
    for day in range(5):
        for _ in range(rng.randint(3, 6)):
            n += 1
            items.append({"engagement_id": eng.id, "task_ref": f"CLM-{n}", "units": str(rng.randint(1, 3)),
                          "rate": str(RATE), "completed_at": (monday + timedelta(days=day)).isoformat(),
                          "minutes": rng.randint(20, 55)})
    with acting_as(hr):
        saved = record_tasks(items, hr, source="api", today=today)
    total = sum((t.amount for t in saved), D(0))
    return [f"tasks: engagement #{eng.id} ({TITLE}) with {len(saved)} task completions worth {total}"]
