"""Kansas 2025 and 2026: refused, not guessed - the KW-100 tables in force since 1 July 2024 could not be read."""
from __future__ import annotations

import pytest

from payroll.engine.states import UnsupportedState, partially_supported_states, supported_states

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, income_tax
except ImportError:
    from test_state_helpers import ctx, income_tax


@pytest.mark.parametrize("year", [2025, 2026])
def test_kansas_is_refused_naming_the_missing_kw_100_tables(year):
    with pytest.raises(UnsupportedState, match="KS.*KW-100"):
        income_tax(ctx("KS", year=year))
    assert "KS" not in supported_states(year) and "KS" not in partially_supported_states(year)
