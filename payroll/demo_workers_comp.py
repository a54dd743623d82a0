"""Demo workers' comp: the seed rates (payroll/data/workers_comp_rates.csv) and a class code on the demo's leased
engagements by job title, so the demo's runs accrue premium; a few are left without one (the run warns)."""
from __future__ import annotations

import random
from datetime import date

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.workers.models import Engagement
from payroll.services import workers_comp as svc

# the demo clients' job titles (backoffice/workers/demo.py CLIENTS) -> NCCI class code (illustrative: a real agency
# classifies each placement from the client's operations and the worker's duties)
CLASS_BY_TITLE = {
    "warehouse associate": "8292",      # Warehouse NOC
    "medical assistant": "8832",        # Physician and clerical
    "machine operator": "3632",         # Machine shop NOC
    "software engineer": "8810",        # Clerical office employees NOC
    "event staff": "9015",              # Building operation - all other employees (set-up, cleaning)
    "field technician": "9519",         # Electrical apparatus - install, service or repair
    "merchandiser": "8017",             # Store: retail NOC
    "paralegal": "8820",                # Attorney - all employees and clerical
    "CDL driver": "7219",               # Trucking NOC
    "front desk agent": "9052",         # Hotel: all other employees
}
UNCLASSED_EVERY = 40        # one leased engagement in 40 keeps no class code: the run's checks show the warning


def seed(rng: random.Random, today: date) -> list[str]:
    added = svc.seed_rates()
    engs = db.session.execute(sa.select(Engagement.id, Engagement.title).where(
        Engagement.type == "leased_employee", Engagement.wc_class_code.is_(None)).order_by(Engagement.id)).all()
    by_code: dict[str, list[int]] = {}
    left = 0
    for n, (eid, title) in enumerate(engs):
        code = CLASS_BY_TITLE.get(title)
        if code is None or n % UNCLASSED_EVERY == UNCLASSED_EVERY - 1:
            left += 1
            continue
        by_code.setdefault(code, []).append(eid)
    for code, ids in by_code.items():
        for start in range(0, len(ids), 2000):
            db.session.execute(sa.update(Engagement).where(Engagement.id.in_(ids[start:start + 2000]))
                               .values(wc_class_code=code), execution_options={"synchronize_session": False})
    db.session.commit()
    classed = sum(len(v) for v in by_code.values())
    return [f"workers' comp: {added} rates seeded; {classed} leased engagements given a class code, {left} left "
            "without one (the runs warn)"]
