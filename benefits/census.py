"""The benefits census (one row per worker and election in force on a day) and participation and cost by plan and
by client, with their charts — read-only queries for the admin's census page and its CSV/XLSX."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from backoffice.charts import Bar, Chart
from backoffice.extensions import db
from backoffice.money import ZERO
from backoffice.workers.models import Client, Engagement, Worker
from benefits.models import BenefitPlan, Enrollment, enrollment_dependents

COLUMNS = (("worker_id", "Worker id"), ("worker", "Worker"), ("client", "Client"), ("plan", "Plan"),
           ("kind", "Kind"), ("tier", "Coverage tier"), ("dependents", "Dependents"),
           ("employee_per_paycheck", "Employee per paycheck"), ("employer_per_paycheck", "Employer per paycheck"),
           ("effective_date", "Effective date"))


def _in_force(on: date):
    return sa.and_(Enrollment.status == "active", Enrollment.waived.is_(False), Enrollment.effective_date <= on,
                   sa.or_(Enrollment.end_date.is_(None), Enrollment.end_date >= on))


def census_rows(on: date) -> list[dict]:
    """One row per worker and election in force on `on` (waivers left out): worker, the client(s) of their active
    engagements that day, plan and kind, tier, dependents covered, employee and employer per paycheck (Decimal),
    effective date. Ordered by worker name, then plan."""
    s = db.session
    deps = (sa.select(enrollment_dependents.c.enrollment_id, sa.func.count().label("n"))
            .group_by(enrollment_dependents.c.enrollment_id).subquery())
    rows = s.execute(sa.select(Enrollment, Worker.first_name, Worker.last_name, BenefitPlan.name, BenefitPlan.kind,
                               sa.func.coalesce(deps.c.n, 0))
                     .join(Worker, Worker.id == Enrollment.worker_id).join(BenefitPlan, BenefitPlan.id == Enrollment.plan_id)
                     .outerjoin(deps, deps.c.enrollment_id == Enrollment.id).where(_in_force(on))
                     .order_by(Worker.last_name, Worker.first_name, Worker.id, BenefitPlan.name, Enrollment.id)).all()
    clients: dict[int, list[str]] = defaultdict(list)
    for worker_id, name in s.execute(sa.select(Engagement.worker_id, Client.name).join(
            Client, Client.id == Engagement.client_id).where(
            Engagement.worker_id.in_({r[0].worker_id for r in rows} or {-1}), Engagement.start_date <= on,
            sa.or_(Engagement.end_date.is_(None), Engagement.end_date >= on)).order_by(Client.name)).all():
        if name not in clients[worker_id]:
            clients[worker_id].append(name)
    return [{"enrollment_id": e.id, "worker_id": e.worker_id, "worker": f"{first} {last}",
             "client": ", ".join(clients.get(e.worker_id, [])), "plan": plan, "kind": kind,
             "tier": e.coverage_tier or "", "dependents": int(n),
             "employee_per_paycheck": e.per_paycheck_employee or ZERO,
             "employer_per_paycheck": e.per_paycheck_employer or ZERO, "effective_date": e.effective_date}
            for e, first, last, plan, kind, n in rows]


def summary(rows: list[dict]) -> dict:
    """Participation (workers enrolled) and cost per paycheck (employee and employer) by plan and by client; a
    worker at two clients counts under each client named on their row."""
    by_plan: dict[str, dict] = defaultdict(lambda: {"workers": set(), "employee": ZERO, "employer": ZERO})
    by_client: dict[str, dict] = defaultdict(lambda: {"workers": set(), "employee": ZERO, "employer": ZERO})
    for r in rows:
        for key, table in ((r["plan"], by_plan), *(((c, by_client) for c in (r["client"] or "—").split(", ")))):
            t = table[key]
            t["workers"].add(r["worker_id"])
            t["employee"] += r["employee_per_paycheck"]
            t["employer"] += r["employer_per_paycheck"]
    out = {}
    for name, table in (("by_plan", by_plan), ("by_client", by_client)):
        out[name] = [{"label": k, "workers": len(v["workers"]), "employee": v["employee"], "employer": v["employer"]}
                     for k, v in sorted(table.items())]
    return out


def charts(rows: list[dict]) -> list[Chart]:
    """Participation by plan (workers) and cost per paycheck by client (employee and employer shares)."""
    s = summary(rows)
    return [
        Chart("benefits_participation", "Participation by plan",
              tuple(Bar(r["label"], (Decimal(r["workers"]),)) for r in s["by_plan"]), series=("Workers",),
              category="Plan", empty="No elections in force."),
        Chart("benefits_cost_by_plan", "Cost per paycheck by plan",
              tuple(Bar(r["label"], (r["employee"], r["employer"])) for r in s["by_plan"]),
              series=("Employee", "Employer"), unit="usd", category="Plan", empty="No elections in force."),
        Chart("benefits_cost_by_client", "Cost per paycheck by client",
              tuple(Bar(r["label"], (r["employee"], r["employer"])) for r in s["by_client"]),
              series=("Employee", "Employer"), unit="usd", category="Client", empty="No elections in force."),
    ]
