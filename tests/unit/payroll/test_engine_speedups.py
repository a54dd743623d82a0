"""Issue 18, point 2 (session 13): the engine's speed-ups keep every figure and every word.

FICA, Medicare and FUTA lines carry one deferred step built from their figures (spelled out when read); period tables
derived from a state's annual table are derived once per table and pay frequency; the state context and the result
are built positionally; the age at year end is the difference of the years."""
from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from backoffice.periods import PayFrequency, age_at_year_end, age_on
from payroll.engine import Earning, PaycheckInput, W4, calculate_paycheck, tables_for
from payroll.engine.model import PaycheckResult, YearToDate
from payroll.engine.states import StateContext
from payroll.engine.states.methods_stc import period_rows
from payroll.engine.states.methods_std import vt_period_table
from payroll.engine.states.rules import BracketTable, rules_for_year

D = Decimal


def _paycheck(state: str, pay_date: date, hours: str, rate: str, ytd: YearToDate | None = None):
    inp = PaycheckInput(pay_date=pay_date, pay_frequency=PayFrequency.BIWEEKLY, work_state=state,
                        residence_state=state, earnings=(Earning("regular", hours=D(hours), rate=D(rate)),), w4=W4(),
                        ytd=ytd or YearToDate())
    return calculate_paycheck(inp, tables_for(pay_date))


def _line(lines, code):
    return next(x for x in lines if x.code == code)


def test_social_security_and_medicare_lines_hold_one_deferred_step_and_read_as_the_hand_figures():
    """TX 2026 biweekly 80 h x $25 = $2,000 (no state income tax): social security 2,000 x 6.2% = 124.00 each side,
    Medicare 2,000 x 1.45% = 29.00 each side, no Additional Medicare (far below $200,000)."""
    result = _paycheck("TX", date(2026, 3, 6), "80", "25")
    ss, medicare = _line(result.employee_taxes, "social_security"), _line(result.employee_taxes, "medicare")
    ss_er, medicare_er = _line(result.employer_taxes, "social_security"), _line(result.employer_taxes, "medicare")
    assert (ss.amount, medicare.amount, ss_er.amount, medicare_er.amount) == (D("124.00"), D("29.00"),
                                                                              D("124.00"), D("29.00"))
    assert all(len(x.steps) == 1 and callable(x.steps[0][0]) for x in (ss, medicare, ss_er, medicare_er))
    wages = "Social security and Medicare wages: gross wages $2,000.00 less cafeteria-plan deductions $0.00 = $2,000.00"
    assert ss.explanation[0] == wages and medicare_er.explanation[0] == wages
    assert ss.explanation[1].startswith("Wage base $184,500.00; social security wages so far this year $0.00; "
                                        "taxed this period $2,000.00 of $2,000.00")
    assert ss.explanation[2].startswith("$2,000.00 × 6.2% employee rate = $124.00 (")
    assert ss_er.explanation[2] == "$2,000.00 × 6.2% employer rate = $124.00"
    assert medicare.explanation[1].startswith("$2,000.00 × 1.45% employee rate, no wage base = $29.00 (")
    assert medicare_er.explanation == (wages, "$2,000.00 × 1.45% employer rate = $29.00")
    addl = _line(result.employee_taxes, "additional_medicare")
    assert addl.amount == D("0.00")
    assert addl.explanation[1] == "Wages above the threshold this period $0.00 × 0.9% = $0.00 (employee only, no employer match)"


def test_futa_reads_its_california_credit_reduction_for_2025():
    """CA 2025 biweekly $2,000, no FUTA wages yet: rate 0.6% + the 1.2% credit reduction = 1.8%; 2,000 x 1.8% =
    36.00 (DOL's final 2025 credit reductions). Four steps, the reduction among them; a TX paycheck has three."""
    futa = _line(_paycheck("CA", date(2025, 6, 6), "80", "25").employer_taxes, "futa")
    assert futa.amount == D("36.00") and len(futa.steps) == 1
    words = futa.explanation
    assert len(words) == 4 and words[2].startswith("Credit reduction for CA ") and "rate 1.8%" in words[2]
    assert words[3] == "$2,000.00 × rate = $36.00"
    tx = _line(_paycheck("TX", date(2025, 6, 6), "80", "25").employer_taxes, "futa")
    assert tx.amount == D("12.00") and len(tx.explanation) == 3      # 2,000 x 0.6%


def test_futa_stops_at_the_wage_base_and_says_so():
    """FUTA wages so far $6,500 of the $7,000 base: 500 of this $2,000 is FUTA wages, 500 x 0.6% = 3.00."""
    futa = _line(_paycheck("TX", date(2026, 6, 5), "80", "25", YearToDate(futa_wages=D("6500"))).employer_taxes,
                 "futa")
    assert futa.amount == D("3.00")
    assert futa.explanation[0].startswith("FUTA wages: $500.00 of $2,000.00 (wage base $7,000.00, FUTA wages so far "
                                          "this year $6,500.00)")


def test_period_rows_are_derived_once_per_table_and_frequency_with_the_printed_figures():
    """A table row over $41,100 with a base of $664 (FYI-104's weekly married example): weekly, 41,100 / 52 =
    790.38 -> $790 and 664 / 52 = 12.769 -> $12.77. The second call gives the same rows object; another table
    with other figures is not answered from the first one's rows."""
    table = BracketTable((D(0), D(41100)), (D(0), D(664)), (D("0.01"), D("0.02")))
    rows = period_rows(table, 52, False)
    assert rows == ((D(0), D("0.00"), D("0.01")), (D(790), D("12.77"), D("0.02")))
    assert period_rows(table, 52, False) is rows
    other = BracketTable((D(0), D(52000)), (D(0), D(520)), (D("0.01"), D("0.02")))
    assert period_rows(other, 52, False)[1][:2] == (D(1000), D("10.00"))      # 52,000 / 52, 520 / 52
    assert period_rows(table, 26, False)[1][:2] == (D(1581), D("25.54"))      # 41,100 / 26 = 1,580.77; 664 / 26


def test_vermont_period_table_is_built_once_per_frequency_with_the_printed_rows():
    """GB-1210 2025 weekly single (test_state_vt): rows start at 74 / 1,024 / 2,375 / 4,875 with bases 31.83,
    120.99 and 310.99; asked again, the same table object."""
    annual = rules_for_year(2025)["VT"].income_tax.tables["single"]
    weekly = vt_period_table(annual, 52)
    assert weekly.overs[1:] == (D(74), D(1024), D(2375), D(4875))
    assert weekly.bases[2:] == (D("31.83"), D("120.99"), D("310.99"))
    assert vt_period_table(annual, 52) is weekly


def test_age_at_year_end_is_every_birthday_of_the_year_come():
    """Born 31 December 1975: 50 at the end of 2025 (turns 50 that day); born 1 January 1976: 49; it equals the age
    on 31 December for birthdays across the year, 29 February included."""
    assert age_at_year_end(date(1975, 12, 31), 2025) == 50
    assert age_at_year_end(date(1976, 1, 1), 2025) == 49
    for born in (date(1960, 2, 29), date(1972, 7, 4), date(2000, 12, 31), date(2001, 1, 1)):
        assert age_at_year_end(born, 2026) == age_on(born, date(2026, 12, 31))


def test_the_positional_builders_follow_the_records_field_order():
    """_employee builds StateContext and PaycheckResult positionally: a field moved in either would be caught here."""
    assert [f.name for f in dataclasses.fields(StateContext)] == [
        "pay_date", "periods_per_year", "work_state", "residence_state", "gross", "supplemental", "pretax",
        "ytd_gross", "certificate", "federal_filing_status", "birth_date", "federal_income_tax", "work_shares",
        "share_measure", "office_state", "remote_for_convenience", "period_start", "period_end", "supplemental_other",
        "employer_size"]
    assert [f.name for f in dataclasses.fields(PaycheckResult)] == [
        "gross", "earnings", "employee_taxes", "employer_taxes", "deductions", "net", "taxable_wages", "ytd",
        "qualified_overtime_premium", "tax_year", "employer_contributions", "state_wages", "local_wages",
        "local_names", "localities"]
    result = _paycheck("NC", date(2026, 3, 6), "80", "25")
    assert result.tax_year == 2026 and result.localities is None and dict(result.local_wages) == {}
    assert result.state_wages[("state_income_tax", "NC")] == D("2000.00")
