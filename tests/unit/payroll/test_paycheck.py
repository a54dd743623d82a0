"""Whole paychecks: FICA wage base, Additional Medicare, 402(g), FUTA/SUTA, garnishments, contractors — by hand."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backoffice.errors import DomainError
from backoffice.periods import PayFrequency
from payroll.engine import (Deduction, Earning, PaycheckInput, W4, YearToDate, calculate_paycheck, load_tables,
                            tables_for)

D = Decimal
PAY_DATE = date(2026, 6, 5)
T26 = load_tables(2026)


def paycheck(earnings, *, freq=PayFrequency.WEEKLY, state="TX", w4=W4("single"), ytd=YearToDate(), pretax=(),
             posttax=(), birth=None, suta=None, worker="employee", tin=False, pay_date=PAY_DATE, **kw):
    inp = PaycheckInput(pay_date=pay_date, pay_frequency=freq, worker_type=worker, work_state=state,
                        residence_state=state, birth_date=birth, earnings=tuple(earnings), w4=w4,
                        pretax_deductions=tuple(pretax), posttax_deductions=tuple(posttax), ytd=ytd, suta_rate=suta,
                        tin_missing_or_flagged=tin, **kw)
    return calculate_paycheck(inp, tables_for(pay_date))


def salary(amount):
    return Earning("salary", amount=D(amount))


def tax(result, code, employer=False):
    lines = result.employer_taxes if employer else result.employee_taxes
    found = [x.amount for x in lines if x.code == code]
    assert len(found) == 1, (code, lines)
    return found[0]


def test_simple_weekly_paycheck_in_a_state_without_income_tax():
    """TX, weekly $1,000 salary + $50 reimbursement, Single std.
    FIT: 1c 52,000 − 8,600 = 43,400; 1,240 + 12% × 23,500 = 4,060 ÷ 52 = 78.0769 → 78.08.
    SS 1,000 × 6.2% = 62.00; Medicare 1,000 × 1.45% = 14.50. Net = 1,050 − 154.58 = 895.42."""
    r = paycheck([salary(1000), Earning("reimbursement", amount=D(50))])
    assert r.gross == D("1050.00")
    assert (tax(r, "federal_income_tax"), tax(r, "social_security"), tax(r, "medicare"),
            tax(r, "additional_medicare")) == (D("78.08"), D("62.00"), D("14.50"), D("0.00"))
    assert r.net == D("895.42")
    assert r.ytd.gross == D("1000.00")                     # the reimbursement is paid but is not wages
    assert (tax(r, "social_security", True), tax(r, "medicare", True)) == (D("62.00"), D("14.50"))
    assert tax(r, "futa", True) == D("6.00")             # 1,000 × 0.6%
    assert not [x for x in r.employer_taxes if x.code == "additional_medicare"]


def test_401k_and_section125_tax_treatment():
    """TX, biweekly $2,000, 401(k) $100, Section 125 $50.
    FIT wages 2,000 − 150 = 1,850: 1c 48,100; 1i 39,500; 1,240 + 12% × 19,600 = 3,592 ÷ 26 = 138.1538 → 138.15.
    FICA wages 2,000 − 50 = 1,950 (401(k) stays in): SS 120.90; Medicare 28.275 → 28.28 (half-up).
    Net = 2,000 − 138.15 − 120.90 − 28.28 − 150 = 1,562.67."""
    r = paycheck([Earning("regular", hours=D(80), rate=D(25))], freq=PayFrequency.BIWEEKLY,
                 pretax=[Deduction("401k", D(100)), Deduction("section125", D(50))])
    assert r.taxable_wages["federal_income_tax"] == D("1850.00")
    assert r.taxable_wages["social_security"] == D("1950.00")
    assert (tax(r, "federal_income_tax"), tax(r, "social_security"), tax(r, "medicare")) == \
        (D("138.15"), D("120.90"), D("28.28"))
    assert r.net == D("1562.67")
    assert r.ytd.deferrals_401k == D("100.00")


def test_social_security_wage_base_crossing():
    """2026 base $184,500. YTD SS wages 180,000 + this $10,000 → only 4,500 taxed: 4,500 × 6.2% = 279.00 (employee
    and employer); Medicare on all 10,000 = 145.00; YTD SS wages end exactly at 184,500; next week: 0."""
    ytd = YearToDate(social_security_wages=D(180000), medicare_wages=D(180000), futa_wages=D(7000))
    r = paycheck([salary(10000)], ytd=ytd)
    assert tax(r, "social_security") == D("279.00") == tax(r, "social_security", True)
    assert tax(r, "medicare") == D("145.00")
    assert r.ytd.social_security_wages == D("184500.00")
    r2 = paycheck([salary(10000)], ytd=r.ytd)
    assert tax(r2, "social_security") == D("0.00")
    assert tax(r2, "futa", True) == D("0.00")


def test_additional_medicare_starts_above_200000():
    """YTD Medicare wages 195,000 + 10,000: 5,000 above $200,000 × 0.9% = 45.00 (employee only).
    Already above (YTD 250,000): all 10,000 × 0.9% = 90.00. Exactly reaching 200,000: 0."""
    r = paycheck([salary(10000)], ytd=YearToDate(medicare_wages=D(195000), social_security_wages=D(184500)))
    assert tax(r, "additional_medicare") == D("45.00")
    assert tax(r, "medicare", True) == D("145.00")
    r = paycheck([salary(10000)], ytd=YearToDate(medicare_wages=D(250000), social_security_wages=D(184500)))
    assert tax(r, "additional_medicare") == D("90.00")
    r = paycheck([salary(10000)], ytd=YearToDate(medicare_wages=D(190000), social_security_wages=D(184500)))
    assert tax(r, "additional_medicare") == D("0.00")


def test_402g_limit_stops_traditional_and_roth_deferrals():
    """Age 40 (born 1986): limit $24,500; YTD 24,000 → 401(k) request 1,000 capped at 500; Roth 100 → 0."""
    r = paycheck([salary(5000)], birth=date(1986, 2, 1), ytd=YearToDate(deferrals_401k=D(24000)),
                 pretax=[Deduction("401k", D(1000))], posttax=[Deduction("roth_401k", D(100))])
    amounts = {d.code: d.amount for d in r.deductions}
    assert amounts == {"401k": D("500.00"), "roth_401k": D("0.00")}
    assert r.ytd.deferrals_401k == D("24500.00")
    assert any("capped" in s for s in r.deductions[0].explanation)


def test_402g_super_catch_up_age_61():
    """Born 1965-05-05 → 61 at 31 Dec 2026: 24,500 + 11,250 = 35,750; YTD 35,000 → request 1,000 capped at 750.
    Prior-year FICA wages $120,000 are under the $150,000 Roth catch-up threshold: the catch-up may stay pre-tax."""
    r = paycheck([salary(5000)], birth=date(1965, 5, 5), ytd=YearToDate(deferrals_401k=D(35000)),
                 pretax=[Deduction("401k", D(1000))], prior_year_fica_wages=D(120000))
    assert r.deductions[0].amount == D("750.00")


def test_hsa_stops_at_the_family_limit():
    """2026 family limit $8,750, under 55; YTD 8,700 → request 100 capped at 50; exempt from FICA too."""
    r = paycheck([salary(2000)], ytd=YearToDate(hsa=D(8700)), pretax=[Deduction("hsa", D(100))])
    assert r.deductions[0].amount == D("50.00")
    assert r.taxable_wages["social_security"] == D("1950.00")


def test_futa_credit_reduction_state_and_suta():
    """CA: FUTA YTD 6,500, wages 1,000 → 500 taxable × (0.6% + 1.2% credit reduction carried from 2025) = 9.00.
    SUTA: CA wage base $7,000 (state data), YTD 6,000 → 1,000 × 3.4% = 34.00."""
    r = paycheck([salary(1000)], state="CA", ytd=YearToDate(futa_wages=D(6500), suta_wages=D(6000)),
                 suta=D("0.034"))
    assert tax(r, "futa", True) == D("9.00")
    assert tax(r, "suta", True) == D("34.00")
    assert r.ytd.futa_wages == D("7000.00") and r.ytd.suta_wages == D("7000.00")


def test_futa_without_credit_reduction():
    """TX: 7,000 × 0.6% would be 42.00; YTD 0, wages 1,000 → 6.00."""
    assert tax(paycheck([salary(1000)]), "futa", True) == D("6.00")


def test_garnishment_limited_by_ccpa():
    """TX weekly $400, Single std: FIT 1c 20,800; 1i 12,200; 10% × (12,200 − 7,500) = 470 ÷ 52 = 9.04;
    SS 24.80; Medicare 5.80. Disposable 400 − 39.64 = 360.36. Limit: lesser of 25% = 90.09 and
    360.36 − 217.50 = 142.86 → 90.09. Requested 150 → 90.09."""
    r = paycheck([salary(400)], posttax=[Deduction("garnishment", D(150))])
    assert tax(r, "federal_income_tax") == D("9.04")
    assert r.deductions[0].amount == D("90.09")
    assert r.net == D("400.00") - D("39.64") - D("90.09")


def test_child_support_comes_first_and_shrinks_the_ordinary_limit():
    """Same $400 week, disposable 360.36: support 50% limit = 180.18, requested 100 → 100; ordinary limit 90.09
    less support 100 → nothing left for the creditor garnishment."""
    r = paycheck([salary(400)], posttax=[Deduction("garnishment", D(50)), Deduction("child_support", D(100))])
    amounts = {d.code: d.amount for d in r.deductions}
    assert amounts == {"child_support": D("100.00"), "garnishment": D("0.00")}


def test_qualified_overtime_premium_accumulates_for_box_12_tt():
    r = paycheck([Earning("regular", hours=D(40), rate=D(20)), Earning("overtime", hours=D(6), rate=D(30))],
                 ytd=YearToDate(qualified_overtime_premium=D("100.00")))
    assert r.qualified_overtime_premium == D("60.00")     # 6 h × $10 (half of $20)
    assert r.ytd.qualified_overtime_premium == D("160.00")


def test_exempt_employee_has_no_federal_income_tax_but_fica():
    r = paycheck([salary(1000)], w4=W4("single", exempt=True))
    assert tax(r, "federal_income_tax") == D("0.00")
    assert tax(r, "social_security") == D("62.00")


def test_no_w4_on_file_is_single_with_no_adjustments():
    """Pub 15-T: an employee without a W-4 is withheld as Single, no Step 2-4 entries: same as W4("single")."""
    assert tax(paycheck([salary(1000)], w4=None), "federal_income_tax") == D("78.08")


def test_contractor_backup_withholding_only_when_tin_missing_or_flagged():
    """1099 payment $1,000: TIN flagged → 24% = 240.00; otherwise nothing withheld; never FICA/FUTA."""
    r = paycheck([Earning("salary", amount=D(1000))], worker="contractor", w4=None, tin=True)
    assert [(x.code, x.amount) for x in r.employee_taxes] == [("backup_withholding", D("240.00"))]
    assert r.employer_taxes == () and r.net == D("760.00")
    r = paycheck([Earning("salary", amount=D(1000))], worker="contractor", w4=None)
    assert r.employee_taxes == () and r.net == D("1000.00")


def test_uncovered_state_is_an_explicit_error_naming_it():
    """Utah's June 2025 pay dates are covered only with the pay period's start (the tables change for periods
    beginning on or after 1 June; this input gives none): refused, never a silent zero. (Oregon 2025 was the example
    until its tables were added in session 23.)"""
    with pytest.raises(DomainError, match="UT"):
        paycheck([salary(1000)], state="UT", pay_date=date(2025, 6, 13))


def test_tables_must_match_the_pay_date_year():
    inp = PaycheckInput(pay_date=PAY_DATE, pay_frequency=PayFrequency.WEEKLY, work_state="TX",
                        residence_state="TX", earnings=(salary(1000),))
    with pytest.raises(DomainError):
        calculate_paycheck(inp, load_tables(2025))


def test_2025_paycheck_uses_2025_wage_base():
    """2025 SS base $176,100: YTD 176,000 + 1,000 → 100 × 6.2% = 6.20."""
    r = paycheck([salary(1000)], pay_date=date(2025, 12, 5),
                 ytd=YearToDate(social_security_wages=D(176000), medicare_wages=D(176000)))
    assert tax(r, "social_security") == D("6.20")


def test_each_state_line_carries_the_wages_it_was_computed_on():
    """Biweekly $2,000 with a 401(k) deferral of $100 and a Section 125 premium of $50 (W-2 box 16 and the state
    wage reports read these wages).
    Pennsylvania taxes 401(k) deferrals (PA Personal Income Tax Guide, Compensation: elective deferrals are not
    excluded) but not Section 125 premiums: PA wages 2,000 − 50 = 1,950; at 3.07% = 59.865 → 59.87.
    California excludes both from its wages (as federal income tax does): 2,000 − 150 = 1,850."""
    pretax = [Deduction("401k", D(100)), Deduction("section125", D(50))]
    pa = paycheck([Earning("regular", hours=D(80), rate=D(25))], freq=PayFrequency.BIWEEKLY, state="PA",
                  pretax=pretax)
    assert pa.state_wages[("state_income_tax", "PA")] == D("1950.00")
    assert tax(pa, "state_income_tax") == D("59.87")
    ca = paycheck([Earning("regular", hours=D(80), rate=D(25))], freq=PayFrequency.BIWEEKLY, state="CA",
                  pretax=pretax)
    assert ca.state_wages[("state_income_tax", "CA")] == D("1850.00")
    assert pa.taxable_wages["federal_income_tax"] == ca.taxable_wages["federal_income_tax"] == D("1850.00")
