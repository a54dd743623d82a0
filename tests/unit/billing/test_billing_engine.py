"""The pure billing engine: invoice periods, the paycheck's hours split per timesheet, bill rates, allocation
between clients, grouping and due dates — each against figures worked by hand."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as Dec

import pytest

from backoffice.billing import engine as e

D = Dec


@pytest.mark.parametrize("frequency, day, period", [
    ("weekly", date(2026, 11, 4), (date(2026, 11, 2), date(2026, 11, 8))),              # Wed → Mon–Sun
    # 2024-01-01 to 2026-11-04 is 366 + 365 + 307 = 1,038 days; 1,038 // 14 = 74 pairs: from 2024-01-01 + 1,036 d
    ("biweekly", date(2026, 11, 4), (date(2026, 11, 2), date(2026, 11, 15))),
    ("semimonthly", date(2026, 11, 15), (date(2026, 11, 1), date(2026, 11, 15))),
    ("semimonthly", date(2026, 11, 16), (date(2026, 11, 16), date(2026, 11, 30))),
    ("semimonthly", date(2028, 2, 20), (date(2028, 2, 16), date(2028, 2, 29))),         # leap year
    ("monthly", date(2026, 12, 31), (date(2026, 12, 1), date(2026, 12, 31))),
])
def test_each_frequency_puts_a_day_in_its_invoice_period(frequency, day, period):
    assert e.period_of(frequency, day) == period


def test_a_period_is_due_only_once_it_has_ended():
    assert e.is_due("weekly", date(2026, 11, 4), date(2026, 11, 8))
    assert not e.is_due("weekly", date(2026, 11, 4), date(2026, 11, 7))
    assert not e.is_due("monthly", date(2026, 11, 4), date(2026, 11, 29))


def test_net_thirty_from_november_16_is_december_16_and_numbers_have_six_digits():
    assert e.due_date(date(2026, 11, 16), 30) == date(2026, 12, 16)
    assert (e.invoice_number("invoice", 1), e.invoice_number("credit_note", 42)) == ("INV-000001", "CN-000042")


def test_overtime_and_double_time_bill_rates_default_to_one_and_a_half_and_two_times():
    """$30.00 → $45.00 and $60.00; $25.1235 × 1.5 = 37.68525 → 37.6853 (four places, half up); set rates win."""
    assert (e.Rates(D("30")).overtime, e.Rates(D("30")).double_time) == (D("45.0000"), D("60.0000"))
    assert e.Rates(D("25.1235")).overtime == D("37.6853")
    assert e.Rates(D("30"), D("50"), D("70")).overtime == D("50") and e.Rates(D("30"), D("50"), D("70")).double_time == D("70")


def _sheet(ident, week, hours):
    return e.Sheet(ident, 7, 3, "Ana Lima", week, D(hours))


def test_two_weeks_in_one_paycheck_each_take_their_own_overtime():
    """A biweekly paycheck, week 1 45 h (5 overtime), week 2 38 h (none): lines regular 45, OT premium 5,
    regular 38 — week 1 is 40 + 5, week 2 is 38 + 0."""
    w1, w2 = date(2026, 11, 2), date(2026, 11, 9)
    lines = [e.EarningLine("regular", D(45)), e.EarningLine("overtime_premium", D(5)), e.EarningLine("regular", D(38))]
    split = e.split_hours([_sheet(1, w1, 45), _sheet(2, w2, 38)], lines)
    assert split == {1: e.Split(D(40), D(5), D(0)), 2: e.Split(D(38), D(0), D(0))}


def test_california_double_time_and_a_rate_change_mid_week_stay_with_their_week():
    """Week 1: 14 h on one day at two rates (8 + 6 lines), California: 4 h overtime (8–12), 2 h double time (12+);
    regular = 14 − 4 − 2 = 8. Week 2: 10 h, 2 h daily overtime."""
    w1, w2 = date(2026, 11, 2), date(2026, 11, 9)
    lines = [e.EarningLine("regular", D(8)), e.EarningLine("regular", D(6)),
             e.EarningLine("overtime_premium", D(4)), e.EarningLine("double_time_premium", D(2)),
             e.EarningLine("regular", D(10)), e.EarningLine("overtime_premium", D(2))]
    split = e.split_hours([_sheet(2, w2, 10), _sheet(1, w1, 14)], lines)
    assert split == {1: e.Split(D(8), D(4), D(2)), 2: e.Split(D(8), D(2), D(0))}


def test_a_contractor_paid_both_weeks_on_one_line_bills_every_hour_regular():
    """Contractors get one straight line for the run (no overtime): 30 + 20 h billed as regular on each sheet."""
    split = e.split_hours([_sheet(1, date(2026, 11, 2), 30), _sheet(2, date(2026, 11, 9), 20)],
                          [e.EarningLine("regular", D(50))])
    assert split == {1: e.Split(D(30)), 2: e.Split(D(20))}


def test_bill_rate_lines_round_each_amount_once():
    """37.25 h × $31.33 = 1,167.0425 → 1,167.04; 2.75 overtime h × $46.995 → 129.23625 → 129.24."""
    sheet = _sheet(9, date(2026, 11, 2), "40")
    lines = e.sheet_lines(sheet, e.Split(D("37.25"), D("2.75")), e.Rates(D("31.33"), D("46.995")))
    assert [(ln.unit, ln.amount, ln.source_key) for ln in lines] == [
        ("hour", D("1167.04"), "ts:9:regular"), ("overtime_hour", D("129.24"), "ts:9:overtime")]


def test_shares_are_rounded_once_each_and_the_last_takes_the_rest():
    """100.00 over wages 1 : 1 : 1 → 33.33, 33.33, 33.34 (adds up to 100.00)."""
    assert e.allocate(D("100.00"), {3: D(1), 1: D(1), 2: D(1)}) == {1: D("33.33"), 2: D("33.33"), 3: D("33.34")}


def test_a_cost_plus_line_adds_markup_on_the_whole_cost():
    """Wages 800.00, taxes 61.20, benefits 40.00, comp 9.60 = 910.80; 18.5% markup = 168.498 → 168.50; 1,079.30."""
    pc = e.PaycheckCost(5, 3, "Ana Lima", date(2026, 11, 13), date(2026, 11, 2), date(2026, 11, 8),
                        {7: D("800.00")}, D("61.20"), D("40.00"), {7: D("9.60")})
    [line] = e.cost_plus_lines(pc, [7], D("0.185"))
    assert (line.amount, line.breakdown["cost"], line.breakdown["markup"]) == (D("1079.30"), "910.80", "168.50")
    assert "allocation" not in line.breakdown


def test_per_worker_clients_get_one_invoice_per_worker_and_period():
    terms = e.Terms(1, "bill_rate", D(0), "weekly", "per_worker", 30, "")
    mk = lambda key, worker, day: e.LineDraft(key, worker, 7, "x", D(1), "hour", D(1), D(1), day)   # noqa: E731
    drafts = e.group_lines(terms, [mk("a", 1, date(2026, 11, 8)), mk("b", 2, date(2026, 11, 8)),
                                   mk("c", 1, date(2026, 11, 15)), mk("d", 1, date(2026, 11, 22))],
                           through=date(2026, 11, 15))
    assert [(d.worker_id, d.period_start, [ln.source_key for ln in d.lines]) for d in drafts] == [
        (1, date(2026, 11, 2), ["a"]), (2, date(2026, 11, 2), ["b"]), (1, date(2026, 11, 9), ["c"])]


def _salary(salary, pay_rate, bill_rate, unit="year"):
    return e.SalaryPay(11, 7, 3, "Ana Lima", date(2026, 11, 2), date(2026, 11, 8), unit, D(salary), D(pay_rate),
                       D(bill_rate))


@pytest.mark.parametrize("salary, pay_rate, bill_rate, unit, amount", [
    ("1000.00", "52000", "78000", "year", "1500.00"),       # 1,000.00 × 78,000 ÷ 52,000
    ("961.54", "50000", "75000", "year", "1442.31"),        # 50,000 ÷ 52 = 961.538 → 961.54; × 1.5 = 1,442.31
    ("400.00", "52000", "78000", "year", "600.00"),         # a first week of 2 days of 5: 400.00 × 1.5
    ("2200.00", "1100", "1650", "week", "3300.00"),         # two weeks at $1,100 a week, billed $1,650 a week
    ("1000.00", "52000", "70000", "year", "1346.15"),       # 1,000 × 70,000 ÷ 52,000 = 1,346.1538 → 1,346.15
])
def test_a_salary_is_billed_at_the_bill_rates_share_of_the_pay_rate(salary, pay_rate, bill_rate, unit, amount):
    line = e.salary_line(_salary(salary, pay_rate, bill_rate, unit))
    assert (line.quantity, line.rate, line.amount, line.unit, line.source_key, line.paycheck_id) == (
        D(1), D(amount), D(amount), "salary", "sal:11:7", 11)


def test_a_salary_line_says_its_arithmetic_and_a_zero_pay_rate_bills_nothing():
    line = e.salary_line(_salary("1000.00", "52000", "78000"))
    assert line.description == ("Ana Lima, salary 2026-11-02 to 2026-11-08: 1,000.00 paid × bill 78,000.00 ÷ pay "
                                "52,000.00 a year")
    assert e.salary_line(_salary("1000.00", "0", "78000")) is None


def test_paid_sick_leave_is_billed_to_a_cost_plus_client_on_its_own_line_as_leave():
    """The paycheck of the line above, of whose 800.00 of wages 80.00 is approved sick leave (8 h × $10). Taxes
    61.20 and benefits 40.00 are shared 720 : 80 — 55.08 + 6.12 and 36.00 + 4.00; workers' comp stays with the hours
    worked. Work: 720 + 55.08 + 36.00 + 9.60 = 820.68, markup 18.5% = 151.8258 → 151.83, 972.51. Leave: 80 + 6.12 +
    4.00 = 90.12, markup 16.6722 → 16.67, 106.79. Together 1,079.30, as before."""
    pc = e.PaycheckCost(5, 3, "Ana Lima", date(2026, 11, 13), date(2026, 11, 2), date(2026, 11, 8),
                        {7: D("800.00")}, D("61.20"), D("40.00"), {7: D("9.60")}, {7: D("80.00")})
    work, leave = e.cost_plus_lines(pc, [7], D("0.185"))
    assert (work.source_key, work.amount, work.breakdown["wages"], work.breakdown["cost"]) == (
        "pc:5:7", D("972.51"), "720.00", "820.68")
    assert (leave.source_key, leave.amount, leave.breakdown["leave_pay"], leave.breakdown["employer_taxes"],
            leave.breakdown["workers_comp"]) == ("pc:5:7:leave", D("106.79"), "80.00", "6.12", "0.00")
    assert "paid leave" in leave.description
    assert work.amount + leave.amount == D("1079.30")
