"""Elections made through the benefits services reach a paycheck: payroll's loader hands the engine the rows the
enrollments made, and the paycheck's taxable wages follow the tax treatment (hand figures in the docstring)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from benefits import services as svc
from payroll.engine import calculate_paycheck, tables_for
from payroll.engine.quote_input import parse_input
from payroll.services.deductions import deductions_for
from tests.factories import EngagementFactory, PayrollRunFactory, WorkerFactory
from tests.integration.benefits.plans import make_plans

D = Decimal
PAY_DATE = date(2026, 12, 4)


def test_dental_and_a_6_percent_401k_lower_the_right_wages(db, fixed_clock):
    """TX, weekly, $1,000.00 salary. Dental employee-only 32.00 a month, no employer rule: 32 × 12 / 52 = 7.3846…
    → 7.38 a week under section 125. 401(k) 6% of 1,000.00 = 60.00.
    Federal income-tax wages = gross − 401(k) − section 125 = 1,000.00 − 60.00 − 7.38 = 932.62.
    Social Security and Medicare wages = gross − section 125 = 992.62 (a 401(k) deferral is FICA wages, IRC
    3121(v)(1)(A)); Social Security 6.2% = 61.54244 → 61.54, Medicare 1.45% = 14.39299 → 14.39.
    Safe-harbor match: 3% of pay = 30.00 at 100% + the next 2% = 20.00 at 50% = 40.00."""
    plans = make_plans()
    w = WorkerFactory(payroll_ready=True)
    EngagementFactory(worker=w, start_date=date(2026, 11, 16), pay_frequency="weekly", pay_unit="year",
                      pay_rate=D("52000.00"))
    for body in ({"plan_id": plans["dental"].id, "coverage_tier": "employee"},
                 {"plan_id": plans["401k"].id, "deferral_percent": "0.06"}):
        svc.enroll({"worker_id": w.id, "event": "new_hire", "effective_date": "2026-11-30", **body})
    run = PayrollRunFactory(pay_date=PAY_DATE, frequency="weekly", state="calculating")
    obj = {"pay_date": PAY_DATE.isoformat(), "pay_frequency": "weekly", "worker_type": "employee",
           "work_state": "TX", "residence_state": "TX", "earnings": [{"code": "salary", "amount": "1000.00"}],
           "w4": {"version": 2020, "filing_status": "single"}}
    obj.update(deductions_for([w.id], run)[w.id])
    inp, issues = parse_input(obj)
    assert not issues, issues
    r = calculate_paycheck(inp, tables_for(PAY_DATE))
    assert {x.code: x.amount for x in r.deductions} == {"401k": D("60.00"), "section125": D("7.38")}
    assert (r.taxable_wages["federal_income_tax"], r.taxable_wages["social_security"],
            r.taxable_wages["medicare"]) == (D("932.62"), D("992.62"), D("992.62"))
    taxes = {x.code: x.amount for x in r.employee_taxes}
    assert (taxes["social_security"], taxes["medicare"]) == (D("61.54"), D("14.39"))
    assert [(x.code, x.amount) for x in r.employer_contributions] == [("401k_match", D("40.00"))]
