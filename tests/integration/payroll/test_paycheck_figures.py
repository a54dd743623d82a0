"""paycheck_figures: a stored paycheck's taxable wages and year to date, in the quote's words, for regular
paychecks, contractors with backup withholding, reversals and re-issues."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

WAGES = ("gross", "federal_wages", "social_security_wages", "medicare_wages", "futa_wages", "suta_wages")
OTHERS = ("deferrals_401k", "hsa", "fsa", "supplemental", "qualified_overtime_premium", "dcfsa", "employer_401k")
CODES = ("federal_income_tax", "social_security", "medicare", "futa", "suta")


def _figures(p):
    from payroll.services.paycheck_figures import paycheck_figures

    out = paycheck_figures(p)
    return ({k: str(v) for k, v in out["taxable_wages"].items()}, {k: str(v) for k, v in out["ytd"].items()})


def _paychecks(db, run_id):
    from payroll.models import Paycheck

    return {p.worker_id: p for p in db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run_id))
            .scalars()}


def test_a_reversal_negates_the_taxable_wages_and_takes_its_year_to_date_back(world, db, fixed_clock):
    """Two weeks of 40 h × $25.00 in Texas: $1,000.00 each, every wage base $1,000.00, Additional Medicare's
    $0.00. After week 2 (calculated, not approved) the year to date is $2,000.00. Reversing week 2 gives taxable
    wages of −$1,000.00 and
    leaves $1,000.00 to date (the reversal is dated after both); re-issuing it brings $2,000.00 back."""
    from payroll.services import corrections, runs

    emp = world.worker()
    ytd = {}
    for week in (date(2026, 11, 2), date(2026, 11, 9)):
        world.time(emp, week=week)
        run = world.regular_run(week)
        runs.start_calculation(run.id, world.hr)
        if week == date(2026, 11, 2):
            runs.approve_run(run.id, world.hr2)
        p = _paychecks(db, run.id)[emp.worker_id]
        taxable, ytd[week] = _figures(p)
        assert taxable == {**{c: "1000.00" for c in CODES}, "additional_medicare": "0.00"}
    assert ytd[date(2026, 11, 9)] == {**{k: "2000.00" for k in WAGES}, **{k: "0.00" for k in OTHERS}}

    reversal = corrections.reverse_paycheck(p.id, world.hr, "wrong hours", on=date(2026, 11, 20))
    taxable, after = _figures(reversal)
    assert taxable == {**{c: "-1000.00" for c in CODES}, "additional_medicare": "0.00"}
    assert after == {**{k: "1000.00" for k in WAGES}, **{k: "0.00" for k in OTHERS}}
    # the stored lines carry the sign too (the tax liability report and the filings sum them)
    from payroll.models import PaycheckLine
    stored = dict(db.session.execute(sa.select(PaycheckLine.code, PaycheckLine.taxable_wages).where(
        PaycheckLine.paycheck_id == reversal.id, PaycheckLine.kind == "employee_tax")).all())
    assert str(stored["federal_income_tax"]) == str(stored["social_security"]) == "-1000.00"

    correction = corrections.reissue_paycheck(p.id, world.hr)
    reissued = _paychecks(db, correction.id)[emp.worker_id]
    taxable, after = _figures(reissued)
    assert taxable == {**{c: "1000.00" for c in CODES}, "additional_medicare": "0.00"}
    # The re-issue keeps its original's pay date, 2026-11-20, the reversal's too: paychecks of one day count in
    # the order they were made (original, reversal, re-issue), as on the paystub.
    assert reissued.pay_date == reversal.pay_date == date(2026, 11, 20)
    assert after == {**{k: "2000.00" for k in WAGES}, **{k: "0.00" for k in OTHERS}}


def test_a_contractor_without_a_tin_has_the_payment_as_the_backup_withholding_base(world, db, fixed_clock):
    """A contractor flagged for backup withholding (IRC 3406, 24%), 10 h × $25.00 = $250.00: the base is the
    whole payment, $250.00, and backup withholding $60.00; the W-2 wage bases are not touched."""
    from payroll.services import runs

    con = world.worker(kind="contractor", flagged=True)
    world.time(con, hours=(2, 2, 2, 2, 2, 0, 0))
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    p = _paychecks(db, run.id)[con.worker_id]
    taxable, ytd = _figures(p)
    assert taxable == {"backup_withholding": "250.00"}
    assert p.employee_taxes == 60
    assert ytd["gross"] == "250.00" and ytd["federal_wages"] == ytd["social_security_wages"] == "0.00"


def test_a_paycheck_without_an_engine_input_has_no_figures(db):
    from tests.factories import PaycheckFactory

    assert _figures(PaycheckFactory()) == ({}, {k: "0.00" for k in WAGES + OTHERS})
