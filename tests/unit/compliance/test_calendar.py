"""The compliance calendar (compliance/engine/calendar.py): due dates of tax years 2025 and 2026 worked out by hand
from the forms' rules, with the weekend and holiday roll (IRC §7503) and each item's status on a day."""
from __future__ import annotations

from datetime import date

from compliance.engine import calendar as cal
from payroll.calendar import holidays_between


def _hol(year):
    return holidays_between(date(year, 1, 1), date(year + 1, 12, 31))


def _due(items, form, quarter=0):
    return next(i for i in items if i.kind == "filing" and i.form == form and i.quarter == quarter)


def test_2025_due_dates_with_the_january_31_weekend_roll():
    """941: Apr 30 (Wed), Jul 31 (Thu), Oct 31 (Fri) 2025; Q4 and the yearly forms Jan 31, 2026 — a Saturday — roll
    to Monday Feb 2. 1095-C: Jan 31 + 30 days = Mar 2, 2026 (Mon); 1094-C electronically Mar 31, 2026 (Tue)."""
    items = cal.year_calendar(2025, date(2025, 1, 1), _hol(2025))
    assert [_due(items, "941", q).due for q in (1, 2, 3, 4)] == [
        date(2025, 4, 30), date(2025, 7, 31), date(2025, 10, 31), date(2026, 2, 2)]
    q4 = _due(items, "941", 4)
    assert q4.nominal == date(2026, 1, 31) and q4.moved
    for form in ("940", "945", "w2", "w3", "1099-nec"):
        assert _due(items, form).due == date(2026, 2, 2), form
    assert _due(items, "1095-c").due == date(2026, 3, 2)
    assert _due(items, "1094-c").due == date(2026, 3, 31)


def test_2026_due_dates():
    """941 Q3: Oct 31, 2026 is a Saturday → Mon Nov 2; Q4 and the yearly forms: Jan 31, 2027 is a Sunday → Mon
    Feb 1; 1095-C Jan 31 + 30 = Mar 2, 2027 (Tue)."""
    items = cal.year_calendar(2026, date(2026, 1, 1), _hol(2026))
    assert [_due(items, "941", q).due for q in (1, 2, 3, 4)] == [
        date(2026, 4, 30), date(2026, 7, 31), date(2026, 11, 2), date(2027, 2, 1)]
    assert _due(items, "w2").due == date(2027, 2, 1)
    assert _due(items, "1095-c").due == date(2027, 3, 2)


def test_a_holiday_after_a_weekend_rolls_to_the_tuesday():
    """Saturday Jul 3, 2027 → Sunday → Monday Jul 5 (Independence Day observed, Federal Reserve K.8) → Tue Jul 6;
    MLK Day Mon Jan 19, 2026 → Tue Jan 20."""
    assert cal.next_business_day(date(2027, 7, 3), _hol(2027)) == date(2027, 7, 6)
    assert cal.next_business_day(date(2026, 1, 19), _hol(2026)) == date(2026, 1, 20)
    assert cal.next_business_day(date(2026, 1, 21), _hol(2026)) == date(2026, 1, 21)


def test_state_reports_each_quarter_and_a_filings_own_due_date():
    """CA wage report Q1 2025: Apr 30; TX Q2 carries its own due date Jul 31 from the state's data; Q4: Jan 31, 2026
    (Sat) → Feb 2."""
    items = cal.year_calendar(2025, date(2025, 1, 1), _hol(2025), forms=(), states=("CA", "TX"), filings=(
        cal.FilingFact("state-wage", 2, "TX", "draft", due_date=date(2025, 7, 31), filing_id=9),))
    ca = [i.due for i in items if i.state == "CA"]
    assert ca == [date(2025, 4, 30), date(2025, 7, 31), date(2025, 10, 31), date(2026, 2, 2)]
    tx2 = next(i for i in items if i.state == "TX" and i.quarter == 2)
    assert (tx2.due, tx2.ref) == (date(2025, 7, 31), 9)


def test_statuses_done_late_due_soon_upcoming():
    """On Jan 20, 2026: 941 Q3 2025 (due Oct 31, 2025) filed Oct 28 → done; Q2 not filed → late; Q4 due Feb 2 is
    within 14 days (Jan 20 + 14 = Feb 3) → due soon; 1095-C Mar 2 → upcoming. A deposit due Jan 15 paid → done,
    one due Jan 16 unpaid → late."""
    filings = (cal.FilingFact("941", 3, "", "filed", date(2025, 10, 28), filing_id=3),
               cal.FilingFact("941", 2, "", "final", filing_id=2))
    deposits = (cal.DepositFact(1, "941", "", date(2025, 12, 1), date(2025, 12, 31), date(2026, 1, 15), "100.00",
                                "paid", date(2026, 1, 14)),
                cal.DepositFact(2, "SIT", "CA", date(2025, 12, 1), date(2025, 12, 31), date(2026, 1, 16), "50.00",
                                "due"))
    items = cal.year_calendar(2025, date(2026, 1, 20), _hol(2025), filings=filings, deposits=deposits)
    assert [_due(items, "941", q).status for q in (1, 2, 3, 4)] == ["late", "late", "done", "due_soon"]
    assert _due(items, "941", 3).done_on == date(2025, 10, 28) and not _due(items, "941", 3).done_late
    assert _due(items, "1095-c").status == "upcoming"
    dep = [(i.ref, i.status, i.what) for i in items if i.kind == "deposit"]
    assert dep == [(1, "done", "941 deposit for 2025-12-01–2025-12-31"),
                   (2, "late", "SIT CA deposit for 2025-12-01–2025-12-31")]
