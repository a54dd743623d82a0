"""The benefit deduction codes from the database to the engine and back: dependent-care FSA, commuter (with its kind),
529, health_employer; a deemed Roth catch-up recorded as one take of its deduction; the constraints."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backoffice.errors import ValidationFailed
from payroll.engine import calculate_paycheck, tables_for
from payroll.engine.quote_input import parse_input
from payroll.models_deductions import DeductionTake, EmployerContribution, WorkerDeduction
from payroll.services import deductions as svc
from tests.factories import EngagementFactory, PaycheckFactory, PayrollRunFactory, WorkerFactory

D = Decimal
PAY_DATE = date(2026, 6, 5)


def _input(worker_id, run, **extra):
    obj = {"pay_date": PAY_DATE.isoformat(), "pay_frequency": "weekly", "worker_type": "employee",
           "work_state": "TX", "residence_state": "TX", "earnings": [{"code": "salary", "amount": "2000.00"}],
           "w4": {"version": 2020, "filing_status": "single"}, **extra}
    obj.update(svc.deductions_for([worker_id], run)[worker_id])
    inp, issues = parse_input(obj)
    assert not issues, issues
    return inp


def test_dcfsa_commuter_and_529_reach_the_engine_with_their_treatment(db):
    """Weekly $2,000: dcfsa 100 and transit 50 (under 340 × 12 ÷ 52 = 78.46) are pre-tax and FICA-exempt;
    529 40 is after tax. Federal and SS wages 2,000 − 150 = 1,850; employer health coverage 250 is not wages."""
    w = WorkerFactory(payroll_ready=True)
    svc.create_deduction(w.id, {"code": "dcfsa", "amount": "100.00", "start_date": "2026-01-01"})
    svc.create_deduction(w.id, {"code": "commuter", "commuter_kind": "transit", "amount": "50.00",
                                "start_date": "2026-01-01"})
    svc.create_deduction(w.id, {"code": "529", "amount": "40.00", "start_date": "2026-01-01"})
    svc.create_contribution(w.id, {"code": "health_employer", "amount": "250.00", "start_date": "2026-01-01"})
    run = PayrollRunFactory(pay_date=PAY_DATE, frequency="weekly", state="calculating")
    frag = svc.deductions_for([w.id], run)[w.id]
    assert [(x["code"], x.get("options")) for x in frag["pretax_deductions"]] == [
        ("dcfsa", None), ("commuter", {"kind": "transit"})]
    r = calculate_paycheck(_input(w.id, run), tables_for(PAY_DATE))
    assert [(x.code, x.amount) for x in r.deductions] == [("dcfsa", D(100)), ("commuter", D(50)), ("529", D(40))]
    assert r.taxable_wages["federal_income_tax"] == r.taxable_wages["social_security"] == D("1850.00")
    assert [(c.code, c.amount) for c in r.employer_contributions] == [("health_employer", D(250))]
    assert r.ytd.dcfsa == D(100)


def test_a_commuter_deduction_needs_its_kind_and_only_it_has_one(db):
    w = WorkerFactory()
    with pytest.raises(ValidationFailed) as e:
        svc.create_deduction(w.id, {"code": "commuter", "amount": "50.00", "start_date": "2026-01-01"})
    assert [i.field for i in e.value.issues] == ["commuter_kind"]
    with pytest.raises(ValidationFailed) as e:
        svc.create_deduction(w.id, {"code": "dcfsa", "commuter_kind": "parking", "amount": "50.00",
                                    "start_date": "2026-01-01"})
    assert [i.field for i in e.value.issues] == ["commuter_kind"]
    with pytest.raises(ValidationFailed) as e:
        svc.create_contribution(w.id, {"code": "premium_employer_share", "amount": "5.00",
                                       "start_date": "2026-01-01"})
    assert [i.field for i in e.value.issues] == ["code"]
    assert db.session.execute(sa.select(sa.func.count()).select_from(WorkerDeduction)).scalar() == 0


@pytest.mark.parametrize("row", [
    {"code": "dcfsa", "commuter_kind": "transit"},
    {"code": "commuter", "commuter_kind": "bus"},
    {"code": "college"},
])
def test_the_database_refuses_bad_benefit_rows(db, row):
    w = WorkerFactory()
    db.session.add(WorkerDeduction(worker_id=w.id, amount=D(10), start_date=date(2026, 1, 1), **row))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_the_database_refuses_the_old_employer_code(db):
    w = WorkerFactory()
    db.session.add(EmployerContribution(worker_id=w.id, code="premium_employer_share", amount=D(10),
                                        start_date=date(2026, 1, 1)))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_a_deemed_roth_catch_up_is_one_take_of_its_deduction(db):
    """Age 56 in 2026 with no prior-year wages given (treated as over $150,000): YTD deferrals 24,450; 401(k) 10%
    of $2,000 = 200 → pre-tax 50 (to 24,500), deemed Roth 150, both from the one election: one take of 200."""
    w = WorkerFactory(payroll_ready=True)
    eng = EngagementFactory(worker=w)
    d = svc.create_deduction(w.id, {"code": "401k", "percent": "0.10", "start_date": "2026-01-01"})
    run = PayrollRunFactory(pay_date=PAY_DATE, frequency="weekly", state="calculating")
    r = calculate_paycheck(_input(w.id, run, birth_date="1970-03-01", ytd={"deferrals_401k": "24450"}),
                           tables_for(PAY_DATE))
    assert [(x.code, x.amount, x.ref) for x in r.deductions] == [
        ("401k", D(50), f"wd:{d.id}"), ("roth_401k", D(150), f"wd:{d.id}")]
    p = PaycheckFactory(run=run, engagement=eng)
    assert svc.record_taken({w.id: p.id}, {w.id: r}) == 1
    taken = db.session.execute(sa.select(DeductionTake.amount).where(DeductionTake.deduction_id == d.id)).scalars()
    assert list(taken) == [D(200)]
