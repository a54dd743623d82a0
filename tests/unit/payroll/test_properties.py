"""Invariants of the engine checked over generated paychecks (hypothesis)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice.periods import PayFrequency
from payroll.engine import (Deduction, Earning, PaycheckInput, W4, W4Legacy, YearToDate, calculate_paycheck,
                            load_tables)
from payroll.engine.federal import percentage_method_withholding
from payroll.engine.states import supported_states

D = Decimal
T26 = load_tables(2026)
# Every state the state module covers for 2026 (no certificate on file: each state's documented default).
STATES = sorted(supported_states(2026))

money = st.decimals(min_value=0, max_value=20000, places=2, allow_nan=False, allow_infinity=False)
small = st.decimals(min_value=0, max_value=500, places=2, allow_nan=False, allow_infinity=False)
hours = st.decimals(min_value=0, max_value=80, places=2, allow_nan=False, allow_infinity=False)
rate = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)

w4_2020 = st.builds(W4, filing_status=st.sampled_from(["single", "married_jointly", "head_of_household"]),
                    step2_checkbox=st.booleans(), step3_credits=st.sampled_from([D(0), D(2000), D(4000)]),
                    step4a_other_income=st.sampled_from([D(0), D(5000)]),
                    step4b_deductions=st.sampled_from([D(0), D(12000)]),
                    step4c_extra=st.sampled_from([D(0), D("25.00")]), exempt=st.booleans())
w4_2019 = st.builds(W4Legacy, marital_status=st.sampled_from(["single", "married", "married_single_rate"]),
                    allowances=st.integers(0, 10), additional=st.sampled_from([D(0), D("10.00")]),
                    exempt=st.booleans())
any_w4 = st.one_of(w4_2020, w4_2019)
freqs = st.sampled_from(list(PayFrequency))

earning = st.one_of(
    st.builds(lambda h, r: Earning("regular", hours=h, rate=r), hours, rate),
    st.builds(lambda h, r: Earning("overtime", hours=h, rate=r), hours, rate),
    st.builds(lambda a: Earning("salary", amount=a), money),
    st.builds(lambda a: Earning("bonus", amount=a), money),
    st.builds(lambda a: Earning("commission", amount=a), small),
    st.builds(lambda a: Earning("reimbursement", amount=a), small),
    st.builds(lambda u, r: Earning("piece", units=u, rate=r), hours, rate),
)
pretax = st.lists(st.builds(Deduction, st.sampled_from(["401k", "section125", "hsa", "fsa"]), small), max_size=3)
posttax = st.lists(st.builds(Deduction, st.sampled_from(["roth_401k", "garnishment", "child_support", "other"]),
                             small), max_size=3)
ytds = st.builds(YearToDate, gross=money, social_security_wages=st.decimals(0, 200000, places=2),
                 medicare_wages=st.decimals(0, 300000, places=2), futa_wages=st.decimals(0, 8000, places=2),
                 deferrals_401k=st.decimals(0, 40000, places=2), supplemental=st.decimals(0, 1100000, places=2))


@settings(max_examples=300, deadline=None)
@given(earnings=st.lists(earning, min_size=1, max_size=4), w4=any_w4, freq=freqs, state=st.sampled_from(STATES),
       pre=pretax, post=posttax, ytd=ytds, aggregate=st.booleans())
def test_net_is_gross_less_taxes_less_deductions_and_nothing_is_negative(earnings, w4, freq, state, pre, post, ytd,
                                                                         aggregate):
    inp = PaycheckInput(pay_date=date(2026, 4, 3), pay_frequency=freq, work_state=state, residence_state=state,
                        birth_date=date(1970, 1, 1), earnings=tuple(earnings), w4=w4, pretax_deductions=tuple(pre),
                        posttax_deductions=tuple(post), ytd=ytd, aggregate_supplemental=aggregate)
    r = calculate_paycheck(inp, T26)
    assert r.net == r.gross - sum(t.amount for t in r.employee_taxes) - sum(d.amount for d in r.deductions)
    for line in r.employee_taxes + r.employer_taxes + r.deductions + r.earnings:
        assert line.amount >= 0, line
        assert line.amount == line.amount.quantize(D("0.01"))
        text = line.explanation          # every template renders with its figures
        assert text and all(isinstance(x, str) and "{}" not in x for x in text)
    fit = [t.amount for t in r.employee_taxes if t.code == "federal_income_tax"]
    assert len(fit) == 1 and fit[0] >= 0


@settings(max_examples=300, deadline=None)
@given(w4=any_w4, freq=freqs, a=st.decimals(0, 60000, places=2), b=st.decimals(0, 60000, places=2))
def test_more_wages_never_mean_less_federal_withholding(w4, freq, a, b):
    low, high = sorted((a, b))
    periods = freq.periods_per_year
    assert percentage_method_withholding(low, periods, w4, T26) <= percentage_method_withholding(high, periods, w4,
                                                                                                  T26)


@settings(max_examples=60, deadline=None)
@given(salaries=st.lists(st.decimals(0, 25000, places=2), min_size=26, max_size=26))
def test_social_security_wages_over_a_year_never_exceed_the_base(salaries):
    ytd = YearToDate()
    paid = D(0)
    ss_tax = D(0)
    for i, s in enumerate(salaries):
        day = date(2026, 1, 2).toordinal() + 14 * i
        inp = PaycheckInput(pay_date=date.fromordinal(day), pay_frequency=PayFrequency.BIWEEKLY, work_state="TX",
                            residence_state="TX", earnings=(Earning("salary", amount=s),), w4=W4(), ytd=ytd)
        r = calculate_paycheck(inp, T26)
        ytd = r.ytd
        paid += s
        ss_tax += [t.amount for t in r.employee_taxes if t.code == "social_security"][0]
    assert ytd.social_security_wages == min(paid, T26.ss_wage_base)
    assert ytd.social_security_wages <= D(184500)
    # Per-paycheck rounding may differ from 6.2% of the year's wages by at most half a cent per paycheck.
    assert abs(ss_tax - ytd.social_security_wages * D("0.062")) <= D("0.005") * 26


@settings(max_examples=100, deadline=None)
@given(earnings=st.lists(earning, min_size=1, max_size=3), freq=freqs, flagged=st.booleans(),
       post=st.lists(st.builds(Deduction, st.just("other"), small), max_size=2))
def test_contractor_net_identity_and_backup_withholding_is_24_percent_of_wages(earnings, freq, flagged, post):
    inp = PaycheckInput(pay_date=date(2026, 4, 3), pay_frequency=freq, worker_type="contractor",
                        earnings=tuple(earnings), posttax_deductions=tuple(post), tin_missing_or_flagged=flagged)
    r = calculate_paycheck(inp, T26)
    assert r.net == r.gross - sum(t.amount for t in r.employee_taxes) - sum(d.amount for d in r.deductions)
    assert r.employer_taxes == ()
    wages = sum((e.amount for e in r.earnings if e.code != "reimbursement"), D(0))
    backup = sum((t.amount for t in r.employee_taxes), D(0))
    assert backup == ((wages * D("0.24")).quantize(D("0.01"), rounding="ROUND_HALF_UP") if flagged else 0)
