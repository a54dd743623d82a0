"""`seed-demo --history YEAR`: the compliance officer's year as it went — every filing of the past year built,
reviewed, made final and filed on its due date (the demo day is in the next year, so they are all behind us), the
workers' copies cut. The demo's current year stays with the officer to build."""
from __future__ import annotations

import random
from datetime import date

import sqlalchemy as sa

from backoffice.clock import clock_at
from backoffice.extensions import db
from backoffice.security.models import User
from compliance import services as svc


def history(rng: random.Random, today: date, year: int) -> list[str]:
    officer = db.session.execute(sa.select(User.id).where(User.email == "compliance@tandem.example")).scalar()
    built = svc.build_year(year)
    filed = 0
    for r in built:
        f = svc.get(r.filing_id)
        if f.status != "draft":
            continue
        on = min(f.due_date or date(year + 1, 1, 31), today)
        with clock_at(on):
            svc.review(f.id, officer)
            svc.finalize(f.id, officer)
            svc.mark_filed(f.id, f"DEMO-{f.form.upper()}-{year}-{f.id:05d}", filed_on=on, user_id=officer)
        filed += 1
    return [f"history {year}: {filed} filings built, reviewed, made final and filed on their due dates "
            "(Compliance > Filings); the workers' copies are in their portal (Tax forms)"]
