"""Demo notifications: the other demo steps make them through the real services (a paid run: paycheck ready; the
rejected demo week: sent back); this step says what the demo worker will find under the bell."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.notifications.models import Notification
from backoffice.security.models import User


def seed(rng, today: date) -> list[str]:
    worker_id = db.session.execute(sa.select(User.worker_id).where(User.email == "worker@tandem.example")).scalar()
    if worker_id is None:
        return ["notifications: no demo worker"]
    kinds = db.session.execute(sa.select(Notification.kind, sa.func.count()).where(
        Notification.worker_id == worker_id).group_by(Notification.kind).order_by(Notification.kind)).all()
    total = sum(n for _, n in kinds)
    return [f"notifications: the demo worker has {total} under the bell in the portal ("
            + ", ".join(f"{n} {k}" for k, n in kinds) + ")"] if total else ["notifications: none for the demo worker"]
