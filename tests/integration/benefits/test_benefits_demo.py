"""The benefits demo: the master plan, a realistic share of leased employees enrolled with the services' figures,
payroll's loader handing their deductions to the next run, and open enrollment for 2027 open in November."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from backoffice.cli import main
from benefits import services as svc
from benefits.models import BenefitPlan, Enrollment, EnrollmentWindow
from payroll.models import PayrollRun
from payroll.models_deductions import WorkerDeduction
from payroll.services.deductions import deductions_for


def test_seed_demo_enrolls_leased_employees_and_the_next_run_sees_their_deductions(runner, db):
    result = runner.invoke(main, args=["seed-demo", "--workers", "120", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "benefits: 22 plans" in result.output
    assert "COBRA: worker" in result.output             # one terminated family: elected, a premium paid, one due
    assert db.session.execute(sa.select(sa.func.count()).select_from(BenefitPlan)).scalar() == 22
    rows = db.session.execute(sa.select(Enrollment)).scalars().all()
    by_kind: dict[str, list[Enrollment]] = {}
    for e in rows:
        by_kind.setdefault(e.plan.kind, []).append(e)
    assert {e.coverage_tier for e in by_kind["medical"]} >= {"employee", "family"}
    assert {e.deferral_percent for e in by_kind["401k"]} >= {Decimal("0.03"), Decimal("0.06")}
    assert all(svc._hdhp_enrollment(e.worker_id, e.effective_date) is not None for e in by_kind.get("hsa", []))
    # each medical election costs what the service says for the worker's client and pay frequency
    for e in by_kind["medical"][:10]:
        ctx = svc.worker_context(e.worker_id, date(2026, 11, 22))
        cost = next(t for t in svc.tier_costs(e.plan, ctx.client_id, e.pay_periods) if t.tier == e.coverage_tier)
        assert e.per_paycheck_employee == cost.per_paycheck_employee
        ded = db.session.execute(sa.select(WorkerDeduction).where(
            WorkerDeduction.external_ref == f"benefit_enrollment:{e.id}")).scalar_one()
        assert (ded.code, ded.amount) == ("section125", e.per_paycheck_employee)
    enrolled = sorted({e.worker_id for e in by_kind["medical"]})
    frag = deductions_for(enrolled, PayrollRun(pay_date=date(2026, 12, 4)))
    assert any(item["code"] == "section125" for f in frag.values() for item in f["pretax_deductions"])
    window = db.session.execute(sa.select(EnrollmentWindow)).scalar_one()
    assert (window.plan_year_start, window.status) == (date(2027, 1, 1), "open")
