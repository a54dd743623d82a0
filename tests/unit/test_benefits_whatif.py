"""The 401(k) what-if of the portal's enrollment wizard: the same paycheck replayed at several deferral percents."""
from __future__ import annotations

from decimal import Decimal

import pytest

from backoffice.errors import DomainError
from benefits.whatif import _with_deferral, take_home_table

# A biweekly $2,000 paycheck in Texas (no state income tax), single, standard W-4, $100 of section 125 premiums,
# and an old 5% 401(k) election the what-if must replace.
PAYCHECK = {"pay_date": "2026-11-20", "pay_frequency": "biweekly", "worker_type": "employee", "work_state": "TX",
            "residence_state": "TX", "earnings": [{"code": "salary", "amount": "2000.00"}],
            "w4": {"version": 2020, "filing_status": "single"},
            "pretax_deductions": [{"code": "section125", "amount": "100.00"}, {"code": "401k", "percent": "0.05"}]}


def test_each_percent_defers_that_share_of_gross_and_the_income_tax_falls_by_the_bracket_rate():
    """Hand calculation. Social Security and Medicare wages are gross − section 125 = 1,900.00 in every row (a 401(k)
    deferral is still FICA wages, IRC 3121(v)(1)(A)): 1,900 × 7.65% = 145.35. Annualized federal wages
    (1,900 − deferral) × 26 stay inside the 12% bracket of Pub 15-T's 2026 single table, so each dollar deferred
    lowers income tax by 12 cents:
      3%: deferral 60.00, take-home change −60.00 + 0.12 × 60.00 = −52.80;
      6%: deferral 120.00, change −120.00 + 0.12 × 120.00 = −105.60."""
    rows = take_home_table(PAYCHECK, [0, 3, 6])
    assert [r.percent for r in rows] == [0, 3, 6]
    assert [r.deferral for r in rows] == [Decimal("0"), Decimal("60.00"), Decimal("120.00")]
    assert [r.change for r in rows] == [Decimal("0.00"), Decimal("-52.80"), Decimal("-105.60")]
    assert {r.taxes - r.federal_income_tax for r in rows} == {Decimal("145.35")}
    assert rows[1].federal_income_tax == rows[0].federal_income_tax - Decimal("7.20")


def test_a_roth_deferral_is_after_tax_so_take_home_falls_by_the_whole_amount():
    """Roth at 6%: 120.00 after income tax, so the income tax is unchanged and take-home falls by exactly 120.00."""
    rows = take_home_table(PAYCHECK, [0, 6], roth=True)
    assert rows[1].deferral == Decimal("120.00")
    assert rows[1].change == Decimal("-120.00")
    assert rows[1].federal_income_tax == rows[0].federal_income_tax


def test_the_replayed_input_keeps_the_other_deductions_and_drops_the_old_election():
    obj = _with_deferral(PAYCHECK, Decimal("6"), roth=False)
    assert obj["pretax_deductions"] == [{"code": "section125", "amount": "100.00"}, {"code": "401k", "percent": "0.06"}]
    assert PAYCHECK["pretax_deductions"][1] == {"code": "401k", "percent": "0.05"}      # the stored input is untouched
    assert "pretax_deductions" not in _with_deferral({**PAYCHECK, "pretax_deductions": [PAYCHECK["pretax_deductions"][1]]},
                                                     Decimal("0"), roth=False)


def test_a_contractors_paycheck_has_no_401k_what_if():
    with pytest.raises(DomainError, match="employee"):
        take_home_table({**PAYCHECK, "worker_type": "contractor"})
