"""The kernel: one rounding rule, exact cents, pay frequencies from Pub 15-T, pay periods and business days."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backoffice.money import D, fmt_usd, from_cents, from_cents_each, round_cents, to_cents
from backoffice.periods import (PayFrequency, Period, add_business_days, age_at_year_end, period_containing,
                                previous_business_day)


@pytest.mark.parametrize("raw,rounded", [("0.005", "0.01"), ("0.004", "0.00"), ("2.675", "2.68"),
                                         ("-0.005", "-0.01"), ("78.0769", "78.08")])
def test_round_half_up_to_the_cent(raw, rounded):
    """Half-up, not banker's rounding: 2.675 → 2.68 (float would give 2.67)."""
    assert round_cents(Decimal(raw)) == Decimal(rounded)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        D(0.1)


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_cents_round_trip(cents):
    assert to_cents(from_cents(cents)) == cents


@given(st.lists(st.integers(min_value=-10**15, max_value=10**15)))
def test_from_cents_each_is_from_cents_of_each(many):
    """The same Decimals, with their two places: 0 → 0.00, -5 → -0.05, 12345 → 123.45."""
    got = from_cents_each(many)
    assert [(v, str(v)) for v in got] == [(from_cents(c), str(from_cents(c))) for c in many]


def test_from_cents_each_keeps_two_places():
    assert [str(v) for v in from_cents_each([0, -5, 12345, 100, -100000])] == ["0.00", "-0.05", "123.45", "1.00",
                                                                               "-1000.00"]


def test_sub_cent_amounts_cannot_be_stored():
    with pytest.raises(ValueError):
        to_cents(Decimal("1.005"))


def test_display_format():
    assert fmt_usd(Decimal("-1234.5")) == "-$1,234.50"


@pytest.mark.parametrize("freq,n", [("daily", 260), ("weekly", 52), ("biweekly", 26), ("semimonthly", 24),
                                    ("monthly", 12), ("quarterly", 4), ("semiannual", 2), ("annual", 1)])
def test_periods_per_year_match_pub_15t(freq, n):
    """The table printed with Worksheet 1A (Pub 15-T 2026)."""
    assert PayFrequency(freq).periods_per_year == n


def test_semimonthly_and_biweekly_periods():
    assert period_containing(PayFrequency.SEMIMONTHLY, date(2026, 1, 1), date(2026, 2, 20)) == \
        Period(date(2026, 2, 16), date(2026, 2, 28))
    # biweekly anchored on Monday 2026-01-05: 2026-01-20 falls in 01-19..02-01
    assert period_containing(PayFrequency.BIWEEKLY, date(2026, 1, 5), date(2026, 1, 20)) == \
        Period(date(2026, 1, 19), date(2026, 2, 1))


def test_pay_date_moves_off_weekends_and_holidays():
    """2026-07-04 is a Saturday; with Friday 07-03 observed as a holiday the pay date moves to Thu 07-02."""
    assert previous_business_day(date(2026, 7, 4), {date(2026, 7, 3)}) == date(2026, 7, 2)


def test_three_business_days_for_i9():
    """A Friday start (2026-11-20): 3 business days later is Wednesday 11-25 (no holiday in between)."""
    assert add_business_days(date(2026, 11, 20), 3, set()) == date(2026, 11, 25)


def test_age_at_year_end_for_catch_up():
    assert age_at_year_end(date(1976, 12, 31), 2026) == 50
    assert age_at_year_end(date(1977, 1, 1), 2026) == 49
