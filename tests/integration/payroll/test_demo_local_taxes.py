"""seed-demo's paid run shows the local taxes and programs that compute: Philadelphia's wage tax, an Indiana county
tax, Oregon's Paid Leave, statewide transit and TriMet lines, and a week at two Ohio work sites; and no demo
paycheck is held for a place."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa


def _lines(run_id: int, **where) -> list[tuple]:
    """The run's paycheck lines with these column values, as (kind, code, locality, taxable wages, amount)."""
    from backoffice.extensions import db
    from payroll.models import Paycheck, PaycheckLine

    q = sa.select(PaycheckLine.kind, PaycheckLine.code, PaycheckLine.locality, PaycheckLine.taxable_wages,
                  PaycheckLine.amount).join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id).where(
        Paycheck.run_id == run_id, *(getattr(PaycheckLine, k) == v for k, v in where.items()))
    return sorted(tuple(r) for r in db.session.execute(q))


def test_the_demo_paid_run_shows_philadelphia_indiana_county_and_oregon_lines_with_nothing_held(db):
    """`seed-demo --workers 200` (seed 42, today 2026-11-22); the weekly run paid on 2026-11-13 (hours of the week of
    2 November). Each line checked by hand from the paycheck's hours and rate (overtime premium = half the rate):

    Philadelphia (PSD 510101, resident 3.735% from 1 July 2026, on all wages):
      40 h x $33.28 = $1,331.20; x 0.03735 = $49.72032 -> $49.72
      43 h x $25.02 = $1,075.86 + 3 h x $12.51 = $37.53 -> $1,113.39; x 0.03735 = $41.5851 -> $41.59
    Indiana, Allen County (Fort Wayne, the county on the address; 1.59%; no WH-4 on file, so no exemptions):
      45 h x $37.40 = $1,683.00 + 5 h x $18.70 = $93.50 -> $1,776.50; x 0.0159 = $28.24635 -> $28.25
    Oregon, Portland (TriMet district), wages 43 h x $26.62 = $1,144.66 + 3 h x $13.31 = $39.93 -> $1,184.59:
      Paid Leave Oregon, worker 0.6%: $7.10754 -> $7.11; employer 0.4%: $4.73836 -> $4.74
      statewide transit tax 0.1%: $1.18459 -> $1.18; TriMet (employer) 0.8237%: $9.757468 -> $9.76
    Two Ohio work sites (lives in Cleveland, no school district tax; 47 h at the Cleveland site Monday to Friday and
    12 h of weekend shifts at a Columbus site, all at $45.98): gross 47 x 45.98 = $2,161.06 + 12 x 45.98 = $551.76
    + overtime premiums $160.93 (7 h) and $275.88 (12 h) = $3,149.63, split by the 59 hours worked (the premium
    hours are already in them): Columbus 12/59 = $640.6027... -> $640.60, Cleveland the rest $2,509.03.
      Columbus 2.5% x $640.60 = $16.015 -> $16.02 on $640.60
      Cleveland 2.5% x $2,509.03 = $62.72575 -> $62.73 (the Columbus share's resident tax is not withheld: no
      residence-city request), on the whole $3,149.63
    """
    from backoffice.workers.demo import seed_demo
    from payroll.models import PaycheckHold, PayrollRun

    seed_demo(n_workers=200, today=date(2026, 11, 22))
    paid = db.session.execute(sa.select(PayrollRun).where(PayrollRun.state == "paid")).scalar_one()
    assert paid.pay_date == date(2026, 11, 13)
    assert _lines(paid.id, locality="PA-510101") == [
        ("employee_tax", "local_income_tax", "PA-510101", Decimal("1113.39"), Decimal("41.59")),
        ("employee_tax", "local_income_tax", "PA-510101", Decimal("1331.20"), Decimal("49.72"))]
    assert _lines(paid.id, locality="IN-COUNTY") == [
        ("employee_tax", "local_income_tax", "IN-COUNTY", Decimal("1776.50"), Decimal("28.25"))]
    wages = Decimal("1184.59")
    assert _lines(paid.id, state="OR", kind="employee_tax", code="state_pfml") == [
        ("employee_tax", "state_pfml", "", wages, Decimal("7.11"))]
    assert _lines(paid.id, state="OR", kind="employer_tax", code="state_pfml_employer") == [
        ("employer_tax", "state_pfml_employer", "", wages, Decimal("4.74"))]
    assert _lines(paid.id, locality="OR-STT") == [("employee_tax", "transit_tax", "OR-STT", wages, Decimal("1.18"))]
    assert _lines(paid.id, locality="OR-TRIMET") == [
        ("employer_tax", "transit_tax", "OR-TRIMET", wages, Decimal("9.76"))]
    assert _lines(paid.id, locality="OH-COLUMBUS", taxable_wages=Decimal("640.60")) == [
        ("employee_tax", "local_income_tax", "OH-COLUMBUS", Decimal("640.60"), Decimal("16.02"))]
    assert _lines(paid.id, locality="OH-CLEVELAND") == [
        ("employee_tax", "local_income_tax", "OH-CLEVELAND", Decimal("3149.63"), Decimal("62.73"))]
    # every demo paycheck computes: the only hold in the demo's runs is the one HR placed on purpose
    assert db.session.execute(sa.select(PaycheckHold.code)).scalars().all() == ["held_by_hr"]
