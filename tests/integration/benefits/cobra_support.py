"""A terminated worker with employee + spouse PPO coverage (1,250.00 a month; the spouse alone 600.00) for the
COBRA tests: enrollment from Jan 1, 2026 (made directly: the election service is tested elsewhere)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from backoffice.extensions import db
from benefits.models import Dependent, Enrollment
from tests.factories import EngagementFactory, WorkerFactory
from tests.integration.benefits.plans import make_plans


def covered_couple(end: date | None = None, status: str = "active", plans: dict | None = None):
    plans = plans or make_plans()
    w = WorkerFactory(payroll_ready=True)
    EngagementFactory(worker=w, start_date=date(2025, 6, 2), pay_frequency="biweekly", pay_rate=Decimal("25.00"),
                      end_date=end, status=status)
    spouse = Dependent(worker_id=w.id, first_name="Ana", last_name=w.last_name, relationship="spouse",
                       birth_date=date(1986, 2, 3))
    db.session.add(spouse)
    db.session.flush()
    e = Enrollment(worker_id=w.id, plan_id=plans["ppo"].id, event="new_hire", status="active",
                   effective_date=date(2026, 1, 1), coverage_tier="employee_spouse",
                   employee_monthly=Decimal("1250.00"), employer_monthly=Decimal("0.00"))
    e.dependents.append(spouse)
    db.session.add(e)
    db.session.flush()
    return w, spouse, e, plans
