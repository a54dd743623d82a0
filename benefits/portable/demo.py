"""Demo portable benefits: a few contractors (and one part-time leased employee) get contribution rules — $1.50 an
hour funded by the client, 2% of pay funded by the agency — and the runs the payroll demo already paid are
credited, so the portal and the admin show balances at once (the next run credits again when it is paid)."""
from __future__ import annotations

import random
from datetime import date

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.workers.models import Engagement
from payroll.models import Paycheck, PaycheckLine, PayrollRun

from . import services as svc
from .models import PortableRule


def seed(rng: random.Random, today: date) -> list[str]:
    if db.session.execute(sa.select(PortableRule.id).limit(1)).first():
        return ["portable benefits demo already present"]
    paid_runs = sa.select(PayrollRun.id).where(PayrollRun.state == "paid", PayrollRun.kind != "reversal")
    paid_engagements = sa.select(PaycheckLine.engagement_id).join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id) \
        .where(Paycheck.run_id.in_(paid_runs), PaycheckLine.kind == "earning")

    def pick(kind: str, n: int) -> list[Engagement]:
        base = sa.select(Engagement).where(Engagement.type == kind, Engagement.status == "active")
        rows = db.session.execute(base.where(Engagement.id.in_(paid_engagements)).order_by(Engagement.id)
                                  .limit(n)).scalars().all()
        return rows or db.session.execute(base.order_by(Engagement.id).limit(n)).scalars().all()

    contractors = pick("contractor", 4)
    employees = pick("leased_employee", 30)[-1:]      # one leased employee, as a part-timer's example
    if not contractors:
        return ["portable benefits demo: no contractors; none added"]
    start = date(today.year, 1, 1).isoformat()
    for i, e in enumerate(contractors):
        if i % 2 == 0:
            rule = {"method": "per_hour", "amount_per_hour": "1.50", "funded_by": "client"}
        else:
            rule = {"method": "percent_of_pay", "percent": "0.02", "funded_by": "agency"}
        svc.create_rule({"engagement_id": e.id, "start_date": start, "note": "Demo portable benefits", **rule})
    for e in employees:
        svc.create_rule({"engagement_id": e.id, "method": "percent_of_pay", "percent": "0.02",
                         "funded_by": "agency", "start_date": start, "note": "Demo: part-timer, agency-funded"})
    credits = svc.credit_paid_runs()
    return [f"portable benefits: rules on {len(contractors)} contractor and {len(employees)} employee engagements; "
            f"{credits} credits from the runs already paid"]
