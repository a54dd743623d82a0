"""Demo premium reconciliation: the SUMMIT carrier's bill for the demo's month, written as a CSV to the instance
folder (instance/demo/SUMMIT-YYYY-MM-bill.csv, the layout of docs/premium-reconciliation.md), imported and
reconciled, with exactly three variances to look at: one enrolled member the carrier left off, one member it
bills who is not enrolled, and one subscriber billed $25.00 over the tier's premium. Deterministic: the members
are picked by worker id."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from backoffice.extensions import db
from backoffice.workers.models import Engagement
from benefits import recon_services as recon
from benefits.engine.reconcile import COLUMNS
from benefits.models import BenefitPlan, Carrier, PlanTier
from benefits.recon_models import CarrierBill

CARRIER = "SUMMIT"
OVERBILLED = Decimal("25.00")


def bill_rows(carrier_id: int, month: date) -> tuple[list[list[str]], dict[str, str]] | None:
    """The demo bill's rows (header first) and which member plays which part; None when the carrier covers fewer
    than two subscribers that month or no other leased employee can be the extra member."""
    members = recon.month_members(carrier_id, month)
    subs = [m for m in members if m.dependent_id is None]
    if len(subs) < 2:
        return None
    alone = [m for m in subs if m.coverage_tier == "employee"]
    missing = (alone or subs)[0]
    overbilled = next(m for m in subs if m is not missing)
    covered = {m.worker_id for m in members}
    extra_worker = db.session.execute(
        sa.select(Engagement.worker_id).where(Engagement.type == "leased_employee",
                                              Engagement.worker_id.not_in(covered or {-1}))
        .order_by(Engagement.worker_id).limit(1)).scalar()
    plan = db.session.get(BenefitPlan, overbilled.plan_id)
    rate = db.session.execute(sa.select(PlanTier.monthly_premium).where(
        PlanTier.plan_id == plan.id, PlanTier.tier == "employee")).scalar()
    if extra_worker is None or rate is None:
        return None
    rows = [list(COLUMNS)]
    for m in members:
        if m.subscriber_id == missing.subscriber_id and m.plan_id == missing.plan_id:
            continue
        premium = m.monthly_premium + (OVERBILLED if m is overbilled else 0)
        rows.append([m.member_id, m.last_name, m.first_name, m.plan_name, m.coverage_tier, f"{month:%Y-%m}",
                     f"{premium:.2f}" if m.dependent_id is None else "0.00", "current"])
    rows.append([f"W{extra_worker}", "Extra", "Member", plan.name, "employee", f"{month:%Y-%m}", f"{rate:.2f}",
                 "current"])
    return rows, {"missing": missing.member_id, "overbilled": overbilled.member_id, "extra": f"W{extra_worker}"}


def seed(rng, today: date) -> list[str]:
    if db.session.execute(sa.select(CarrierBill.id).limit(1)).first():
        return ["premium reconciliation demo already present"]
    carrier_id = db.session.execute(sa.select(Carrier.id).where(Carrier.code == CARRIER)).scalar()
    if carrier_id is None:
        return []
    month = min(today.replace(day=1), date(2026, 12, 1))         # the demo's enrollments run through 2026
    made = bill_rows(carrier_id, month)
    if made is None:
        return [f"premium reconciliation: {CARRIER} covers too few members in {month:%Y-%m} for a demo bill"]
    rows, parts = made
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    content = buf.getvalue().encode()
    path = Path(current_app.instance_path) / "demo" / f"{CARRIER}-{month:%Y-%m}-bill.csv"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        where = str(path)
    except OSError:                                               # a read-only instance folder: import it anyway
        where = "(not written: the instance folder is read-only)"
    bill = recon.import_bill(CARRIER, month, content, filename=path.name)
    result = recon.reconcile(bill.id)
    return [f"premium reconciliation: {CARRIER} bill for {month:%Y-%m} ({bill.line_count} lines) at {where}, "
            f"reconciled: {len(result.unexplained)} variances (missing {parts['missing']}, extra {parts['extra']}, "
            f"{parts['overbilled']} billed ${OVERBILLED} over its tier); "
            f"`backoffice benefits reconcile --carrier {CARRIER} --month {month:%Y-%m} --bill {where}`"]
