"""Classification's part of the compliance checks (registered with compliance.check_services.add_check_source):
the re-checks still open."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backoffice.classification.models import Recheck
from backoffice.extensions import db
from backoffice.workers.models import Worker
from compliance.engine import checks


def open_recheck_findings(year: int, today: date) -> list[checks.Finding]:
    rows = db.session.execute(
        sa.select(Recheck, Worker.first_name, Worker.last_name).join(Worker, Worker.id == Recheck.worker_id)
        .where(Recheck.status == "open", Recheck.since <= min(today, date(year, 12, 31)))   # open in that year
        .order_by(Recheck.id)).all()
    return checks.open_rechecks(tuple(checks.RecheckFact(r.worker_id, f"{fn} {ln}", r.engagement_id, r.code,
                                                         r.explanation, r.since) for r, fn, ln in rows))
