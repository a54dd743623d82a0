"""worker_earnings: a worker's timesheets, pieces, tasks and bonuses across engagements become workweek earnings."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace as Row

from payroll.engine.quote import quote
from payroll.services.worktime import engine_earning, worker_earnings

D = Decimal
MON = date(2026, 11, 2)


def eng(id, client_id, rate, unit="hour", type="leased_employee", state="TX", exempt=False):
    return Row(id=id, worker_id=1, client_id=client_id, type=type, work_state=state, pay_rate=D(rate), pay_unit=unit,
               overtime_exempt=exempt)


def sheet(id, week, hours, units="0"):
    return Row(id=id, week_start=week, units=D(units),
               **{f"hours_{d}": D(h) for d, h in zip(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), hours)})


def run(kind="regular", frequency="weekly", end=MON + timedelta(days=6)):
    return Row(kind=kind, frequency=frequency, period_start=end - timedelta(days=6), period_end=end)


def codes(pay):
    return [(e["code"], e["engagement_id"], e["amount"]) for e in pay.earnings]


def test_two_clients_in_one_week_pay_one_overtime_premium_at_the_blended_rate():
    """Client A (engagement 1): Mon-Wed 10 h at $20.00 = $600.00; client B (engagement 2): Thu 8 h, Fri 7 h at
    $30.00 = $450.00. 45 h; regular rate 1,050 ÷ 45 = 23.333…; 5 h × 11.666… = 58.333 → $58.33 on B's line.
    The paycheck engine (the quote) on these earnings: gross 1,050.00 + 58.33 = $1,108.33, qualified overtime
    premium $58.33; its federal withholding is the quote's on the combined earnings by construction."""
    a, b = eng(1, 10, "20.00"), eng(2, 20, "30.00")
    pay = worker_earnings(run(), [a, b], {1: [sheet(11, MON, [10, 10, 10, 0, 0, 0, 0])],
                                          2: [sheet(12, MON, [0, 0, 0, 8, 7, 0, 0])]}, {}, {})
    assert codes(pay) == [("regular", 1, "600.00"), ("regular", 2, "450.00"), ("overtime_premium", 2, "58.33")]
    assert pay.earnings[2]["client_id"] == 20 and pay.earnings[2]["regular_rate"] == "23.3333"
    assert pay.qualified_overtime_premium == D("58.33") and sorted(pay.timesheet_ids) == [11, 12]
    out = quote({"pay_date": "2026-11-13", "pay_frequency": "weekly", "worker_type": "employee", "work_state": "TX",
                 "residence_state": "TX", "earnings": [engine_earning(e) for e in pay.for_worker_type("employee")]})
    assert (out["gross"], out["qualified_overtime_premium"]) == ("1108.33", "58.33")


def test_contractor_pay_is_a_separate_document_without_overtime():
    """Same worker also a contractor at client C (engagement 3): 20 h × $50.00 = $1,000.00 straight, no premium,
    marked worker_type contractor, and not counted in the employee's 45 h."""
    a, b, c = eng(1, 10, "20.00"), eng(2, 20, "30.00"), eng(3, 30, "50.00", type="contractor")
    pay = worker_earnings(run(), [a, b, c], {1: [sheet(11, MON, [10, 10, 10, 0, 0, 0, 0])],
                                             2: [sheet(12, MON, [0, 0, 0, 8, 7, 0, 0])],
                                             3: [sheet(13, MON, [4, 4, 4, 4, 4, 0, 0])]}, {}, {})
    assert [(e["code"], e["amount"]) for e in pay.for_worker_type("contractor")] == [("regular", "1000.00")]
    assert [e["amount"] for e in pay.for_worker_type("employee")] == ["600.00", "450.00", "58.33"]


def test_tasks_pay_per_unit_with_their_minutes_as_hours_and_a_make_up_when_short():
    """Engagement 5 (piece, Texas): 10 tasks on Monday, each 3 units at $1.00 and 60 minutes: $30.00 for 10 h;
    minimum wage 10 × 7.25 = $72.50: make-up $42.50."""
    e = eng(5, 50, "1.00", unit="piece")
    tasks = [Row(id=100 + i, work_date=MON, units=D(3), rate=D(1), amount=D(3), minutes=60) for i in range(10)]
    pay = worker_earnings(run(), [e], {}, {5: tasks}, {})
    assert [(x["code"], x["amount"]) for x in pay.earnings] == [("piece", "30.00"), ("min_wage_makeup", "42.50")]
    assert D(pay.earnings[0]["hours"]) == 10 and pay.task_ids == list(range(100, 110))
    assert engine_earning(pay.earnings[0]) == {"code": "piece", "units": "30.00", "rate": "1"}


def test_a_weeks_bonus_adjustment_enters_the_regular_rate():
    """45 h at $20.00 + a $90.00 bonus adjustment in a weekly run: rate (900 + 90) ÷ 45 = $22.00; premium
    5 × 11 = $55.00; the bonus is paid as a bonus line."""
    e = eng(1, 10, "20.00")
    pay = worker_earnings(run(), [e], {1: [sheet(11, MON, [9, 9, 9, 9, 9, 0, 0])]}, {},
                          {1: [Row(id=7, code="bonus", amount=D("90.00"))]})
    assert [(x["code"], x["amount"]) for x in pay.earnings] == [
        ("regular", "900.00"), ("bonus", "90.00"), ("overtime_premium", "55.00")]
    assert pay.adjustment_ids == [7]


def test_a_biweekly_bonus_reopens_both_weeks():
    """Biweekly run: week 1 40 h, week 2 50 h at $20.00 (no overtime in week 1; week 2 10 h × $10.00 = $100.00).
    A $200.00 commission: $100 a week (29 CFR 778.209(b)); week 2: 100 ÷ 50 = $2.00 more an hour, 10 × ½ × 2 =
    $10.00 extra premium."""
    e = eng(1, 10, "20.00")
    wk2 = MON + timedelta(days=7)
    pay = worker_earnings(run(frequency="biweekly", end=wk2 + timedelta(days=6)), [e],
                          {1: [sheet(11, MON, [8, 8, 8, 8, 8, 0, 0]), sheet(12, wk2, [10, 10, 10, 10, 10, 0, 0])]},
                          {}, {1: [Row(id=8, code="commission", amount=D("200.00"))]})
    assert [(x["code"], x["amount"], x.get("week_start")) for x in pay.earnings] == [
        ("regular", "800.00", MON.isoformat()), ("regular", "1000.00", wk2.isoformat()),
        ("overtime_premium", "100.00", wk2.isoformat()), ("commission", "200.00", wk2.isoformat()),
        ("overtime_premium", "10.00", wk2.isoformat())]


def test_off_cycle_runs_pay_adjustments_only():
    e = eng(1, 10, "20.00")
    pay = worker_earnings(run(kind="bonus"), [e], {1: [sheet(11, MON, [9, 9, 9, 9, 9, 0, 0])]}, {},
                          {1: [Row(id=9, code="bonus", amount=D("500.00"))]})
    assert [(x["code"], x["amount"]) for x in pay.earnings] == [("bonus", "500.00")] and pay.timesheet_ids == []
