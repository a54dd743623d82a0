"""Properties of the ACA look-back engine over random policies, start dates and hours (hypothesis)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from benefits.engine.aca import MeasureInput, MeasurementPolicy, add_months, measure


def _months(p: tuple[date, date]) -> int:
    """How many months a period spans (Jan 15 – Jan 14 next year: 12; Jan 1 – Mar 31: 3)."""
    n = 0
    while add_months(p[0], n) <= p[1]:
        n += 1
    return n


@st.composite
def cases(draw):
    standard = draw(st.integers(3, 12))
    initial = draw(st.integers(3, 12))
    policy = MeasurementPolicy(
        standard_start=f"{draw(st.integers(1, 12)):02d}-01", standard_months=standard,
        administrative_days=draw(st.integers(0, 90)),
        stability_months=draw(st.integers(max(6, standard, initial), 24)), initial_months=initial,
        initial_start=draw(st.sampled_from(["first_of_next_month", "start_date"])))
    as_of = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 1500)))
    kind = draw(st.sampled_from(["ongoing", "new_variable_hour", "new_seasonal", "new_part_time",
                                 "new_full_time"]))
    back = 6 * 365 if kind == "ongoing" else draw(st.integers(0, 1500))
    hire = as_of - timedelta(days=back)
    first = date(hire.year, hire.month, 1)
    values = draw(st.lists(st.integers(0, 220), min_size=1, max_size=90))
    hours = {f"{add_months(first, i):%Y-%m}": v for i, v in enumerate(values)}
    return MeasureInput(hire_date=hire, employee_kind=kind, policy=policy,
                        hours={k: Decimal(v) for k, v in hours.items()}, as_of=as_of)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_a_full_time_stability_period_is_never_shorter_than_six_months_nor_than_its_measurement_period(inp):
    """§54.4980H-3(d)(1) and (d)(3): at least six calendar months, not shorter than the measurement period; it
    starts after the measurement period and at most 90 days of administrative period (and holds on as_of)."""
    r = measure(inp)
    assert r.status in ("full_time", "not_full_time", "in_initial_measurement")
    if r.stability_period is None:
        return
    m, s = r.measurement_period, r.stability_period
    assert m[1] < s[0] <= inp.as_of <= s[1]
    assert (s[0] - m[1]).days - 1 <= 90
    if r.status == "full_time":
        assert _months(s) >= max(6, _months(m))
    else:
        assert _months(s) >= 1
