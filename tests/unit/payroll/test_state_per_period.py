"""The per-period state methods (CA Method B, NYS-50-T-NYS Method II, NC-30, Iowa, Indiana, Louisiana): withholding
never decreases as wages rise within a state, status and pay frequency (hypothesis)."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, income_tax
except ImportError:
    from test_state_helpers import ctx, income_tax

D = Decimal
STATUSES = {"CA": ("single", "married", "head_of_household"), "NY": ("single", "married"),
            "NC": ("single", "married", "head_of_household"), "IA": ("single", "married", "head_of_household"),
            "IN": ("single",), "LA": ("single", "married")}
PERIODS = (260, 52, 26, 24, 12, 4, 2, 1)
wages = st.decimals(min_value=D("0"), max_value=D("60000"), places=2)


@settings(max_examples=300, deadline=None)
@given(state=st.sampled_from(sorted(STATUSES)), data=st.data(), periods=st.sampled_from(PERIODS),
       allowances=st.integers(min_value=0, max_value=12), a=wages, b=wages)
def test_withholding_never_decreases_as_wages_rise(state, data, periods, allowances, a, b):
    """The tables step up at their thresholds (a low-income exemption ends, a whole dollar rounds up) but never
    down: for wages a <= b in the same state, status, frequency and certificate, tax(a) <= tax(b)."""
    status = data.draw(st.sampled_from(STATUSES[state]))
    low, high = sorted((a, b))
    cert = {state: {"filing_status": status, "allowances": allowances}}
    assert (income_tax(ctx(state, periods=periods, gross=str(low), certificate=cert))
            <= income_tax(ctx(state, periods=periods, gross=str(high), certificate=cert)))
