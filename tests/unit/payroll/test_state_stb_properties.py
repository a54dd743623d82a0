"""KS ME MN MO MT ND: withholding never falls as wages rise, within a state, year and certificate (hypothesis).

The shared property test in test_state_data covers the 2026 states; this one adds the 2025 files, including
Maine's phased-out standard deduction (the deduction shrinks as wages rise, so taxable wages still rise)."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, income_tax
except ImportError:
    from test_state_helpers import ctx, income_tax

D = Decimal
money = st.decimals(min_value=D("0"), max_value=D("40000"), places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(state_year=st.sampled_from([("ME", 2025), ("MO", 2025), ("MN", 2025), ("ND", 2025), ("MT", 2025),
                                   ("MN", 2026), ("ND", 2026), ("MT", 2026), ("ME", 2026), ("KS", 2025), ("KS", 2026), ("MO", 2026)]),
       gross=money, extra=money, periods=st.sampled_from([12, 24, 26, 52]),
       status=st.sampled_from(["single", "married", "head_of_household", "married_filing_separately"]),
       allowances=st.integers(0, 5))
def test_more_pay_never_means_less_withholding(state_year, gross, extra, periods, status, allowances):
    state, year = state_year
    cert = {state: {"filing_status": status, "allowances": allowances}}
    low = income_tax(ctx(state, year=year, periods=periods, gross=str(gross), certificate=cert))
    high = income_tax(ctx(state, year=year, periods=periods, gross=str(gross + extra), certificate=cert))
    assert D(0) <= low <= high
