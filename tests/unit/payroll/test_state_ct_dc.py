"""The District of Columbia stays refused for 2025 and 2026, with the reason in its data file (Connecticut is computed:\ntest_state_ct.py)."""
from __future__ import annotations

from datetime import date

import pytest

from payroll.engine.states import UnsupportedState

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, lines
except ImportError:
    from test_state_helpers import ctx, lines


@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize("state, reason", [("DC", "FR-230")])
def test_refused_with_the_reason_never_a_silent_zero(state, reason, year):
    with pytest.raises(UnsupportedState, match=reason) as err:
        lines(ctx(state, year=year, pay_date=date(year, 4, 3)))
    assert state in str(err.value)
