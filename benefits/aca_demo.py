"""Demo ACA records: three variable-hour leased employees hired Sep 10, 2025 (one of them splitting the week between
two clients), whose hours of service from Oct 2025 come from the prior payroll provider (`AcaPriorHours`: the
months before go-live were paid elsewhere, and the hours are all the ACA needs); then the monthly ACA records of
2026 are built for every leased employee, so the admin list and the portal show them. Deterministic."""
from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.uow import transaction
from backoffice.workers.models import Client, Engagement, Worker
from benefits import aca_services
from benefits.aca_models import AcaPriorHours
from benefits.engine.service_hours import month_bounds, months_between

D = Decimal
HIRED = date(2025, 9, 10)
# monthly hours of service Oct 2025 – Oct 2026 (13 months): 12-month initial measurement Oct 2025 – Sep 2026
PEOPLE = (("Rosa", "Variable", ("152", "148", "160", "139", "141", "150", "155", "147", "138", "162", "149", "151",
                                "150"), "18.50"),      # Oct 2025 – Sep 2026: 1,792 / 12 = 149.33, full time
          ("Theo", "Variable", ("96", "88", "104", "91", "99", "101", "87", "93", "95", "98", "90", "94", "97"),
           "17.25"),                                   # 1,136 / 12 = 94.67: not full time
          ("Ines", "Variable", ("70", "72", "68", "75", "71", "66", "74", "69", "73", "70", "72", "68", "71"),
           "21.00"))                                   # each at two clients: 2 × 848 / 12 = 141.33, full time
HISTORY = "ACA demo: hours of service reported by the prior payroll provider"


def seed(rng: random.Random, today: date) -> list[str]:
    if db.session.execute(sa.select(Worker.id).where(Worker.email == "rosa.variable@demo.tandem.example")).first():
        return ["ACA demo already present"]
    clients = db.session.execute(sa.select(Client).order_by(Client.id).limit(2)).scalars().all()
    if len(clients) < 2:
        return ["ACA demo: needs two clients"]
    last = f"{today.year:04d}-{today.month - 1:02d}" if today.month > 1 else f"{today.year - 1:04d}-12"
    months = [m for m in months_between("2025-10", last)][:13]
    with transaction():
        engs = _workers(clients)
        _history(engs, months)
    n = aca_services.build_aca_months(2026)
    return [f"ACA: 3 variable-hour workers with hours from {months[0]} to {months[-1]}; {n} ACA months of 2026 built"]


def _workers(clients) -> list[tuple[Engagement, tuple, Engagement | None]]:
    out = []
    for i, (first, last, hours, rate) in enumerate(PEOPLE):
        w = Worker(first_name=first, last_name=last, email=f"{first.lower()}.{last.lower()}@demo.tandem.example",
                   state="IL", city="Chicago", address_line1=f"{100 + i} Demo St", postal_code="60601")
        db.session.add(w)
        db.session.flush()
        eng = Engagement(worker_id=w.id, client_id=clients[0].id, type="leased_employee", title="warehouse associate",
                         work_state="IL", pay_rate=D(rate), pay_unit="hour", pay_frequency="monthly",
                         start_date=HIRED, status="active")
        second = None
        if first == "Ines":
            second = Engagement(worker_id=w.id, client_id=clients[1].id, type="leased_employee",
                                title="event staff", work_state="IL", pay_rate=D(rate), pay_unit="hour",
                                pay_frequency="monthly", start_date=HIRED, status="active")
            db.session.add(second)
        db.session.add(eng)
        db.session.flush()
        out.append((eng, hours, second))
    return out


def _history(engs, months: list[str]) -> None:
    """Each demo worker's hours of service a month as the prior payroll provider reported them (one row per worker
    and month; Ines's are her hours at both clients together)."""
    rows = []
    for idx, key in enumerate(months):
        for eng, hours, second in engs:
            h = D(hours[idx]) * (2 if second is not None else 1)
            rows.append(AcaPriorHours(worker_id=eng.worker_id, month=month_bounds(key)[0], hours=h, source=HISTORY))
    db.session.add_all(rows)
    db.session.flush()


PRIOR_SOURCE = "demo: hours of service reported by the prior payroll provider before the history year"
PRIOR_MONTHLY_HOURS = D("173.33")      # 40 hours a week × 52 ÷ 12


def history(rng: random.Random, today: date, year: int) -> list[str]:
    """`seed-demo --history YEAR`: the year's ACA months from the hours payroll paid in it (1095-C, 1094-C). The
    leased employees hired before the year worked full time under the prior payroll provider: their hours from
    November two years before (the standard measurement period that decides the year's stability period) to
    December of the year before come in as prior hours, so the look-back finds them full time as it would have."""
    first = date(year - 2, 11, 1)
    have = sa.select(AcaPriorHours.worker_id)
    rows = db.session.execute(
        sa.select(Engagement.worker_id, sa.func.min(Engagement.start_date))
        .where(Engagement.type == "leased_employee", Engagement.start_date < date(year, 1, 1),
               Engagement.worker_id.not_in(have))
        .group_by(Engagement.worker_id).order_by(Engagement.worker_id)).all()
    with transaction():
        for worker_id, start in rows:
            month = max(first, start.replace(day=1))
            while month < date(year, 1, 1):
                db.session.add(AcaPriorHours(worker_id=worker_id, month=month, hours=PRIOR_MONTHLY_HOURS,
                                             source=PRIOR_SOURCE))
                month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    n = aca_services.build_aca_months(year)
    return [f"history {year}: prior hours for {len(rows)} leased employees hired before it; "
            f"{n} ACA months built from the hours paid"]
