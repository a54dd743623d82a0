"""Year end, separation, rehire, using leave and FMLA eligibility, worked by hand from the law cited."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backoffice.errors import ValidationFailed
from backoffice.leave.engine import applicable, fmla_eligible, rehire, separation, usable, year_end

D = Decimal
ON = date(2026, 6, 1)


def law(code, size=30, on=ON):
    return applicable(code, on, size)


# ------------------------------------------------------------------------------------------------ year end

@pytest.mark.parametrize("code, size, balance, carried, forfeited", [
    ("CA", 30, "60", "60", "0"),       # §246(d): all carries (under the 80 h cap)
    ("WA", 30, "52.5", "40", "12.5"),  # RCW 49.46.210; WAC 296-128-620(5): carryover may be capped at 40
    ("CO", 30, "60", "48", "12"),      # C.R.S. 8-13.3-403: up to 48 carry over
    ("NYC", 120, "70", "56", "14"),    # NYC ESSTA, 100+ employees: 56
    ("SEATTLE", 120, "70", "56", "14"),  # SMC 14.16 Tier 2: 56
    ("NY", 50, "70", "70", "0"),       # §196-b(3): unused leave carries over (use is what is limited)
])
def test_the_anniversary_carries_over_up_to_the_laws_cap(code, size, balance, carried, forfeited):
    result = year_end(law(code, size), D(balance))
    assert (result.carried, result.forfeited, result.balance) == (D(carried), D(forfeited), D(carried))


def test_front_loaded_leave_lapses_where_the_law_needs_no_carryover_but_not_in_washington():
    """CA §246(d): a full front-load at the start of each year needs no carryover: 25 h lapse. WA requires the
    carryover even then (WAC 296-128-620(4)): 25 h carry."""
    assert year_end(law("CA"), D("25"), front_loaded=True).forfeited == D("25")
    assert year_end(law("WA"), D("25"), front_loaded=True).carried == D("25")


def test_a_policy_may_carry_more_than_the_law_requires():
    """WA's floor is 40; an agency policy of 60 carries 52.5 in full."""
    assert year_end(law("WA"), D("52.5"), carryover_cap=D("60")).carried == D("52.5")


# ----------------------------------------------------------------------------------- separation and rehire

def test_sick_leave_is_not_paid_out_at_separation_and_comes_back_on_a_rehire_within_the_window():
    """CA §246: no payout; a rehire within one year restores it. Separated March 31, 2026 with 22.5 h: rehired
    March 31, 2027 (the last day of the year) gets 22.5 back; April 1, 2027 gets nothing."""
    ca = law("CA")
    out = separation(ca, D("22.5"))
    assert (out.payout_hours, out.forfeited_hours) == (D("0"), D("22.5"))
    back = rehire(ca, D("22.5"), date(2026, 3, 31), date(2027, 3, 31))
    assert (back.restored, back.within_window, back.window_ends) == (D("22.5"), True, date(2027, 3, 31))
    late = rehire(ca, D("22.5"), date(2026, 3, 31), date(2027, 4, 1))
    assert (late.restored, late.within_window) == (D("0"), False)


def test_colorado_and_new_york_city_restore_within_six_months_new_york_state_not_at_all():
    """C.R.S. 8-13.3-403 and NYC ESSTA §20-913: six months. Separated March 31, 2026: the window ends
    September 30, 2026 (September has 30 days). Labor Law §196-b has no reinstatement rule."""
    assert rehire(law("CO"), D("10"), date(2026, 3, 31), date(2026, 9, 30)).restored == D("10")
    assert rehire(law("NYC", 120), D("10"), date(2026, 3, 31), date(2026, 10, 1)).restored == D("0")
    assert rehire(law("NY", 50), D("10"), date(2026, 3, 31), date(2026, 4, 15)).restored == D("0")


def test_a_rehire_before_the_separation_is_refused():
    with pytest.raises(ValidationFailed):
        rehire(law("CA"), D("1"), date(2026, 3, 31), date(2026, 3, 1))


# --------------------------------------------------------------------------------------------- using leave

def test_a_request_below_the_minimum_increment_is_charged_the_increment():
    """CA §246: a minimum increment of at most 2 h: 1 h requested → 2 h charged. NY §196-b: at most 4 h: 2 h → 4 h.
    WA WAC 296-128-630: at most 1 h: 0.5 h → 1 h. An employer choosing 1 h in California charges 1 h."""
    assert usable(law("CA"), D("10"), D("1")).charged == D("2")
    assert usable(law("NY", 50), D("10"), D("2")).charged == D("4")
    assert usable(law("WA"), D("10"), D("0.5")).charged == D("1")
    assert usable(law("CA"), D("10"), D("1"), min_increment=D("1")).charged == D("1")
    assert usable(law("CA"), D("10"), D("1"), min_increment=D("3")).charged == D("2")   # capped at the law's 2


def test_the_yearly_use_limit_and_the_balance_refuse_a_request_field_by_field():
    """CA §246(d): use may be limited to 40 h a year: 36 used, 8 requested → only 4 left. Balance 6 < 8 too."""
    result = usable(law("CA"), D("6"), D("8"), used_this_year=D("36"))
    assert not result.allowed
    assert [i.code for i in result.issues] == ["usage_cap", "insufficient_balance"]
    assert "only 4 hours are left of the 40-hour yearly use limit" in result.issues[0].message


def test_an_advance_lets_the_balance_go_below_zero_only_when_the_policy_allows_it():
    assert not usable(law("WA"), D("3"), D("8")).allowed
    advanced = usable(law("WA"), D("3"), D("8"), allow_advance=True)
    assert advanced.allowed and advanced.charged == D("8")
    assert "the balance goes to -5 hours" in " ".join(advanced.explanation)


def test_leave_before_the_waiting_period_ends_is_refused():
    """WA: hired March 2, 2026, usable from May 31, 2026; a request for May 30 is refused."""
    result = usable(law("WA"), D("10"), D("8"), on=date(2026, 5, 30), hire_date=date(2026, 3, 2))
    assert [i.code for i in result.issues] == ["waiting_period"]
    assert usable(law("WA"), D("10"), D("8"), on=date(2026, 5, 31), hire_date=date(2026, 3, 2)).allowed


# -------------------------------------------------------------------------------------------------- FMLA

def test_fmla_counts_hours_from_two_clients():
    """29 CFR 825.110(a): 12 months, 1,250 hours in the 12 months before the leave, 50 employees within 75 miles.
    Hired February 10, 2025; leave starts March 2, 2026: 12 full months (13 calendar months less one, as March 2
    is before the 10th). Hours: 700 at client A + 600 at client B = 1,300 ≥ 1,250; neither alone is enough.
    60 employees within 75 miles: eligible."""
    result = fmla_eligible(date(2025, 2, 10), date(2026, 3, 2), [("Acme", D("700")), ("Birch", D("600"))], 60)
    assert (result.eligible, result.months_employed, result.hours_12_months) == (True, 12, D("1300"))
    assert "700 (Acme) + 600 (Birch) = 1300" in result.explanation[0]
    alone = fmla_eligible(date(2025, 2, 10), date(2026, 3, 2), D("700"), 60)
    assert not alone.eligible


def test_fmla_refuses_each_unmet_test_by_name():
    """Hired April 1, 2025, leave March 2, 2026: April 1 → March 1 is 11 months (< 12). 700 + 500 = 1,200
    hours (< 1,250). 49 employees (< 50). All three fail."""
    result = fmla_eligible(date(2025, 4, 1), date(2026, 3, 2), [("A", D("700")), ("B", D("500"))], 49)
    assert not result.eligible and result.months_employed == 11
    assert sum(line.startswith("Not met") for line in result.explanation) == 3


def test_a_rehire_within_the_window_counts_the_wait_already_served():
    """CA §246(c): usable from hire date + 89 days. Hired January 5, 2026, separated February 4 (30 days served),
    rehired June 1, 2026 (within a year): 89 − 30 = 59 days left → July 30, 2026. Rehired after the window (April 1,
    2027) the whole wait starts again: April 1 + 89 = June 29, 2027."""
    ca = law("CA")
    back = rehire(ca, D("2"), date(2026, 2, 4), date(2026, 6, 1), hired_on=date(2026, 1, 5))
    assert (back.restored, back.usable_from) == (D("2"), date(2026, 7, 30))
    late = rehire(ca, D("2"), date(2026, 2, 4), date(2027, 4, 1), hired_on=date(2026, 1, 5))
    assert (late.restored, late.usable_from) == (D("0"), date(2027, 6, 29))


def test_an_exempt_employee_is_deemed_to_work_forty_hours_a_week_or_the_shorter_normal_week():
    """CA §246(b)(2), CO 8-13.3-403(2)(b): 40 h a week unless the normal week is shorter. Two weeks: 80 h; a 30-hour
    normal week: 60 h. Washington makes no such assumption (exempt employees are outside RCW 49.46): None."""
    from backoffice.leave.engine import deemed_hours

    assert deemed_hours(law("CA"), 2) == D("80")
    assert deemed_hours(law("CO"), 2, D("30")) == D("60")
    assert deemed_hours(law("WA"), 2) is None
