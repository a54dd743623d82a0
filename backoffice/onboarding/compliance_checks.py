"""Onboarding's part of the compliance checks (registered with compliance.check_services.add_check_source): every
leased-employee engagement at work in the year and its Form I-9 — missing, section 2 late, authorization expired."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.onboarding.models import I9Record
from backoffice.workers.models import Engagement, Worker
from compliance.engine import checks


def i9_findings(year: int, today: date) -> list[checks.Finding]:
    rows = db.session.execute(
        sa.select(Engagement.id, Engagement.worker_id, Engagement.start_date, Worker.first_name, Worker.last_name,
                  I9Record.id, I9Record.section2_due, I9Record.section2_at, I9Record.work_authorized_until)
        .join(Worker, Worker.id == Engagement.worker_id)
        .outerjoin(I9Record, I9Record.engagement_id == Engagement.id)
        .where(Engagement.type == "leased_employee", Engagement.status.in_(("pending", "active")),
               Engagement.start_date <= min(today, date(year, 12, 31)))
        .order_by(Engagement.id)).all()
    facts = tuple(checks.I9Fact(wid, f"{fn} {ln}", eid, start, i9 is not None, due, done is not None, until)
                  for eid, wid, start, fn, ln, i9, due, done, until in rows)
    return checks.i9s(facts, today)
