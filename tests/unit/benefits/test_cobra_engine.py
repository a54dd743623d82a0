"""COBRA deadlines, maximum coverage and premiums (benefits.engine.cobra), each date counted by hand."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backoffice.errors import ValidationFailed
from benefits.engine.cobra import (CobraFacts, Disability, deadlines, monthly_premium, nonpayment_end, period_end,
                                   premium_schedule)


def test_termination_mid_month_gives_the_employer_deadlines_and_18_months():
    """Termination Mar 15, 2026; the plan ends coverage at the month's end: lost Mar 31, COBRA from Apr 1.
    Employer -> administrator: Mar 15 + 30 = Apr 14 (1166(a)(2)). The agency is the administrator: election notice
    Mar 15 + 44 = Apr 28 (2590.606-4(b)(2)). Election: Apr 28 + 60 = Jun 27 (Apr 28 +2 = Apr 30, +31 = May 31,
    +27 = Jun 27). 18 months from Apr 1, 2026: to Sep 30, 2027."""
    d = deadlines(CobraFacts("termination", date(2026, 3, 15)))
    assert d.loss_of_coverage == date(2026, 3, 31)
    assert d.coverage_start == date(2026, 4, 1)
    assert d.administrator_notice_due == date(2026, 4, 14)
    assert d.administrator_notice_by == "employer"
    assert d.election_notice_due == date(2026, 4, 28)
    assert d.election_deadline == date(2026, 6, 27)
    assert (d.max_months, d.coverage_max_end) == (18, date(2027, 9, 30))
    assert any("1166(a)(2)" in s for s in d.explanation)


def test_a_leap_february_counts_its_29th_day():
    """Termination Feb 10, 2028 (a leap year): lost Feb 29, 2028, COBRA from Mar 1, 2028. Administrator:
    Feb 10 + 30 = Mar 11 (19 days to Feb 29, then 11). Election notice Feb 10 + 44 = Mar 25. Election Mar 25 + 60 =
    May 24 (6 to Mar 31, 30 to Apr 30, 24). 18 months from Mar 1, 2028: to Aug 31, 2029."""
    d = deadlines(CobraFacts("termination", date(2028, 2, 10)))
    assert d.loss_of_coverage == date(2028, 2, 29)
    assert d.administrator_notice_due == date(2028, 3, 11)
    assert d.election_notice_due == date(2028, 3, 25)
    assert d.election_deadline == date(2028, 5, 24)
    assert d.coverage_max_end == date(2029, 8, 31)


def test_divorce_on_feb_29_is_the_spouses_to_report_and_lasts_36_months():
    """Divorce Feb 29, 2028, a plan that ends coverage on the event day: lost Feb 29, COBRA from Mar 1, 2028.
    The beneficiary tells the administrator within 60 days: Feb 29 + 60 = Apr 29 (31 to Mar 31, 29). Told Apr 10:
    election notice by Apr 24 (+14, 1166(c)); sent Apr 20: election Apr 20 + 60 = Jun 19 (10, 31, 19).
    36 months from Mar 1, 2028: to Feb 28, 2031."""
    d = deadlines(CobraFacts("divorce", date(2028, 2, 29), beneficiary="spouse", loss_rule="event_date",
                             administrator_notified_on=date(2028, 4, 10), election_notice_sent_on=date(2028, 4, 20)))
    assert d.loss_of_coverage == date(2028, 2, 29)
    assert d.administrator_notice_by == "qualified_beneficiary"
    assert d.administrator_notice_due == date(2028, 4, 29)
    assert d.election_notice_due == date(2028, 4, 24)
    assert d.election_deadline == date(2028, 6, 19)
    assert (d.max_months, d.coverage_max_end) == (36, date(2031, 2, 28))


def test_a_month_period_from_the_31st_ends_the_day_before_the_clamped_day():
    """Jan 31, 2027 + 18 months = Jul 31, 2028: the period ends Jul 30, 2028. Jan 31, 2027 + 1 month = Feb 28:
    ends Feb 27."""
    assert period_end(date(2027, 1, 31), 18) == date(2028, 7, 30)
    assert period_end(date(2027, 1, 31), 1) == date(2027, 2, 27)


def test_disability_within_60_days_told_in_time_extends_to_29_months():
    """Termination Mar 15, 2026, COBRA from Apr 1; disabled from May 1 (within the first 60 days: to May 30),
    determined Jul 1, administrator told Aug 15 (by Jul 1 + 60 = Aug 30): 29 months from Apr 1, 2026 = to
    Aug 31, 2028."""
    d = deadlines(CobraFacts("termination", date(2026, 3, 15),
                             disability=Disability(date(2026, 5, 1), date(2026, 7, 1), date(2026, 8, 15))))
    assert (d.max_months, d.coverage_max_end, d.disability_extended) == (29, date(2028, 8, 31), True)


def test_disability_notice_too_late_or_onset_too_late_keeps_18_months():
    """Told Sep 1 (Aug 30 was the last day): 18 months. Disabled from May 31 (the 61st day): 18 months."""
    late = deadlines(CobraFacts("termination", date(2026, 3, 15),
                                disability=Disability(date(2026, 5, 1), date(2026, 7, 1), date(2026, 9, 1))))
    onset = deadlines(CobraFacts("termination", date(2026, 3, 15),
                                 disability=Disability(date(2026, 5, 31), date(2026, 7, 1), date(2026, 7, 2))))
    assert (late.max_months, late.coverage_max_end, late.disability_extended) == (18, date(2027, 9, 30), False)
    assert (onset.max_months, onset.disability_extended) == (18, False)


def test_second_event_extends_the_spouse_to_36_months_but_not_the_employee():
    """Termination Mar 15, 2026; divorce Jan 10, 2027 within the 18 months: the spouse's coverage runs 36 months from
    Apr 1, 2026, to Mar 31, 2029 (Q&A-4(b)); the employee keeps 18 months (to Sep 30, 2027)."""
    spouse = deadlines(CobraFacts("termination", date(2026, 3, 15), beneficiary="spouse",
                                  second_event_kind="divorce", second_event_date=date(2027, 1, 10)))
    employee = deadlines(CobraFacts("termination", date(2026, 3, 15), second_event_kind="divorce",
                                    second_event_date=date(2027, 1, 10)))
    assert (spouse.max_months, spouse.coverage_max_end) == (36, date(2029, 3, 31))
    assert (employee.max_months, employee.coverage_max_end) == (18, date(2027, 9, 30))


def test_medicare_before_the_termination_gives_dependents_36_months_from_medicare():
    """The employee's Medicare from Jan 1, 2026, termination Mar 15, 2026 (less than 18 months later): the spouse is
    covered to Jan 1, 2026 + 36 months - 1 day = Dec 31, 2028 (1162(2)(A)(v)), longer than 18 months (Sep 30, 2027).
    """
    d = deadlines(CobraFacts("termination", date(2026, 3, 15), beneficiary="spouse",
                             medicare_entitlement_on=date(2026, 1, 1)))
    assert d.coverage_max_end == date(2028, 12, 31)
    assert d.max_months == 33       # Apr 1, 2026 .. Dec 31, 2028


def test_premium_is_102_percent_and_150_in_disability_months_19_to_29():
    """600.00 x 1.02 = 612.00; x 1.50 = 900.00 (months 19-29 only). 1,234.57 x 1.02 = 1,259.2614 -> 1,259.26."""
    assert monthly_premium(Decimal("600.00"), 18, True) == Decimal("612.00")
    assert monthly_premium(Decimal("600.00"), 19, True) == Decimal("900.00")
    assert monthly_premium(Decimal("600.00"), 29, True) == Decimal("900.00")
    assert monthly_premium(Decimal("600.00"), 19, False) == Decimal("612.00")
    assert monthly_premium(Decimal("1234.57"), 1, False) == Decimal("1259.26")


def _elected():
    return deadlines(CobraFacts("termination", date(2026, 3, 15), elected_on=date(2026, 5, 20)))


def test_first_payment_covers_the_months_before_the_election_and_is_due_45_days_after():
    """Elected May 20, 2026: first payment due May 20 + 45 = Jul 4 (11 to May 31, 30 to Jun 30, 4), covering April
    and May. June is due Jun 1, timely to max(Jun 1 + 30 = Jul 1, Jul 4) = Jul 4; July due Jul 1, timely to Jul 31."""
    d = _elected()
    s = premium_schedule(d, Decimal("600.00"), date(2026, 5, 20), date(2026, 7, 31))
    assert [(m.month, m.due_date, m.grace_end) for m in s] == [
        (date(2026, 4, 1), date(2026, 7, 4), date(2026, 7, 4)),
        (date(2026, 5, 1), date(2026, 7, 4), date(2026, 7, 4)),
        (date(2026, 6, 1), date(2026, 6, 1), date(2026, 7, 4)),
        (date(2026, 7, 1), date(2026, 7, 1), date(2026, 7, 31))]
    assert d.first_premium_due == date(2026, 7, 4)
    assert {m.amount for m in s} == {Decimal("612.00")}


def test_unpaid_first_payment_voids_coverage_only_after_day_45():
    """Nothing paid: on Jul 3 and Jul 4 (the 45th day) still timely; on Jul 5 coverage never took effect: it ended
    with the plan's, Mar 31, 2026."""
    d = _elected()
    s = premium_schedule(d, Decimal("600.00"), date(2026, 5, 20), date(2026, 7, 5))
    assert nonpayment_end(d, s, set(), date(2026, 7, 3)) is None
    assert nonpayment_end(d, s, set(), date(2026, 7, 4)) is None
    assert nonpayment_end(d, s, set(), date(2026, 7, 5)) == date(2026, 3, 31)


def test_a_missed_later_month_ends_coverage_after_its_30_day_grace_and_not_before():
    """April-July paid, August unpaid: due Aug 1, timely to Aug 31. Aug 30 and Aug 31: covered; Sep 1: coverage ends
    Jul 31, the last paid month's end."""
    d = _elected()
    s = premium_schedule(d, Decimal("600.00"), date(2026, 5, 20), date(2026, 9, 1))
    paid = {date(2026, m, 1) for m in (4, 5, 6, 7)}
    assert nonpayment_end(d, s, paid, date(2026, 8, 30)) is None
    assert nonpayment_end(d, s, paid, date(2026, 8, 31)) is None
    assert nonpayment_end(d, s, paid, date(2026, 9, 1)) == date(2026, 7, 31)


def test_schedule_stops_at_the_maximum_coverage():
    """18 months from Apr 1, 2026: the last month billed is September 2027 (month 18)."""
    d = _elected()
    s = premium_schedule(d, Decimal("600.00"), date(2026, 5, 20), date(2028, 12, 31))
    assert (len(s), s[-1].month, s[-1].number) == (18, date(2027, 9, 1), 18)


def test_bad_facts_name_the_field():
    with pytest.raises(ValidationFailed) as e:
        deadlines(CobraFacts("fired", date(2026, 3, 15), beneficiary="cousin"))
    assert {i.field for i in e.value.issues} == {"event_kind", "beneficiary"}
    with pytest.raises(ValidationFailed) as e:
        deadlines(CobraFacts("divorce", date(2026, 3, 15)))
    assert [i.field for i in e.value.issues] == ["beneficiary"]
