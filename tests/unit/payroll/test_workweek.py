"""The FLSA workweek across clients: regular rate, state daily overtime, minimum-wage make-up, multi-week bonus."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice.errors import DomainError
from payroll.engine import Earning
from payroll.engine.earnings import earning_line
from payroll.engine.model import render_steps
from payroll.engine.quote_input import parse_input
from payroll.engine.pay_rules import pay_rules
from payroll.engine.workweek import (MultiWeekBonus, PieceEntry, TimeEntry, WeekBonus, Workweek, compute_workweek,
                                     reopen_for_bonus, workweek_start)

D = Decimal
MON = date(2026, 3, 2)          # a Monday in 2026


def day(i: int) -> date:
    return MON + timedelta(days=i)


def hours(eng: int, client: int, state: str, rate: str, per_day: list) -> tuple[TimeEntry, ...]:
    return tuple(TimeEntry(eng, client, state, day(i), D(h), D(rate)) for i, h in enumerate(per_day) if h)


def lines(result, code):
    return [ln for ln in result.lines if ln.code == code]


def test_hours_at_two_clients_add_up_and_overtime_is_owed_on_the_blended_regular_rate():
    """30 h at $20.00 for client A (Mon-Wed 10 h) + 15 h at $30.00 for client B (Thu 8, Fri 7), Texas:
    straight time 30 × 20 + 15 × 30 = 600 + 450 = $1,050.00; regular rate 1,050 ÷ 45 = 23.3333… (unrounded);
    the 5 h past the 40th fall on Friday at client B: premium 5 × 11.6666… = 58.333… → $58.33 (half up, once).
    Shown as 5 h × $11.67 = $58.33; all 5 hours are over 40, so the qualified premium (box 12 TT) is $58.33."""
    week = Workweek(MON, hours(1, 10, "TX", "20.00", [10, 10, 10]) + hours(2, 20, "TX", "30.00", [0, 0, 0, 8, 7]))
    r = compute_workweek(week)
    assert [(ln.code, ln.engagement_id, ln.amount) for ln in r.lines] == [
        ("regular", 1, D("600.00")), ("regular", 2, D("450.00")), ("overtime_premium", 2, D("58.33"))]
    assert r.regular_rate.quantize(D("0.01")) == D("23.33") and r.regular_rate * 45 == D("1050.000000000000000000000000")
    assert r.straight_time == D("1050.00") and r.total == D("1108.33")
    premium = lines(r, "overtime_premium")[0]
    assert (premium.hours, premium.rate, premium.client_id, premium.qualified_premium) == (
        D(5), D("11.67"), 20, D("58.33"))
    assert r.qualified_overtime_premium == D("58.33")
    assert "$11.67" in render_steps(premium.steps)[0] and "half up" in render_steps(premium.steps)[0]


def test_overtime_hours_belong_to_the_engagement_where_they_fall_in_day_order():
    """Client B first (Mon-Tue 10 h at $30), then client A (Wed-Fri 10 h at $20): 50 h, straight 600 + 600 = 1,200,
    regular rate 24.00; hours 41-50 are Friday's at client A: premium 10 × 12.00 = $120.00 on A's line."""
    week = Workweek(MON, hours(2, 20, "TX", "30.00", [10, 10]) + hours(1, 10, "TX", "20.00", [0, 0, 10, 10, 10]))
    r = compute_workweek(week)
    assert [(ln.engagement_id, ln.hours, ln.amount) for ln in lines(r, "overtime_premium")] == [(1, D(10), D("120.00"))]


def test_piece_worker_with_45_hours_gets_half_the_piece_regular_rate_per_overtime_hour():
    """900 units × $0.60 = $540.00 for 45 h (9 h a day, Texas); regular rate 540 ÷ 45 = $12.00 (29 CFR 778.111(a));
    5 overtime hours × $6.00 = $30.00; minimum wage 45 × 7.25 = 326.25 is met: no make-up. Total $570.00."""
    week = Workweek(MON, pieces=tuple(PieceEntry(7, 3, "TX", day(i), D(180), D("0.60"), D(9)) for i in range(5)))
    r = compute_workweek(week)
    assert [(ln.code, ln.units, ln.hours, ln.amount) for ln in r.lines] == [
        ("piece", D(900), D(45), D("540.00")), ("overtime_premium", None, D(5), D("30.00"))]
    assert r.regular_rate == D(12) and r.min_wage_makeup == 0 and r.total == D("570.00")


def test_a_week_below_the_federal_minimum_wage_gets_a_make_up_line():
    """400 units × $0.50 = $200.00 for 40 h in Texas (the federal $7.25): due 40 × 7.25 = $290.00, make-up $90.00;
    the regular rate is then 290 ÷ 40 = $7.25 (the make-up counts, 29 CFR 778.111(b)); no overtime."""
    week = Workweek(MON, pieces=tuple(PieceEntry(7, 3, "TX", day(i), D(80), D("0.50"), D(8)) for i in range(5)))
    r = compute_workweek(week)
    makeup = lines(r, "min_wage_makeup")
    assert [(m.amount, m.hours) for m in makeup] == [(D("90.00"), D(40))]
    assert r.minimum_wage_due == D("290.00") and r.regular_rate == D("7.25") and r.total == D("290.00")


def test_make_up_enters_the_regular_rate_of_an_overtime_week():
    """400 units × $0.75 = $300.00 for 45 h in Texas: due 45 × 7.25 = $326.25, make-up $26.25; regular rate
    326.25 ÷ 45 = $7.25; premium 5 × 3.625 = 18.125 → $18.13 (half up). Total 326.25 + 18.13 = $344.38."""
    week = Workweek(MON, pieces=tuple(PieceEntry(7, 3, "TX", day(i), D(80), D("0.75"), D(9)) for i in range(5)))
    r = compute_workweek(week)
    assert lines(r, "min_wage_makeup")[0].amount == D("26.25")
    assert lines(r, "overtime_premium")[0].amount == D("18.13")
    assert r.total == D("344.38")


def test_a_state_minimum_wage_above_the_federal_one_sets_the_make_up():
    """Washington 2026 minimum wage $17.13 (RCW 49.46.020): 10 h of tasks paying $100.00 are due 171.30, make-up
    $71.30. The same week in Texas is due 10 × 7.25 = 72.50 < 100: no make-up."""
    wa = compute_workweek(Workweek(MON, pieces=(PieceEntry(7, 3, "WA", day(0), D(100), D(1), D(10)),)))
    tx = compute_workweek(Workweek(MON, pieces=(PieceEntry(7, 3, "TX", day(0), D(100), D(1), D(10)),)))
    assert lines(wa, "min_wage_makeup")[0].amount == D("71.30")
    assert lines(tx, "min_wage_makeup") == []


def test_make_up_goes_to_the_engagement_that_fell_short():
    """Engagement 1: 20 h hourly at $15.00 = $300 (owed 20 × 7.25 = 145); engagement 2: 20 h of pieces $60 (owed 145,
    short $85). Week: owed $290.00, paid $360.00 — the FLSA minimum is a workweek test (29 CFR 776.4), so no make-up,
    although engagement 2 alone was short."""
    r = compute_workweek(Workweek(MON, time=hours(1, 10, "TX", "15.00", [10, 10]),
                                  pieces=(PieceEntry(2, 20, "TX", day(2), D(60), D(1), D(20)),)))
    assert lines(r, "min_wage_makeup") == []
    short = compute_workweek(Workweek(MON, time=hours(1, 10, "TX", "8.00", [10, 10]),
                                      pieces=(PieceEntry(2, 20, "TX", day(2), D(60), D(1), D(20)),)))
    # owed 290; paid 160 + 60 = 220; make-up 70, all on engagement 2 (short 85; engagement 1 paid 160 ≥ 145)
    assert [(m.engagement_id, m.amount) for m in lines(short, "min_wage_makeup")] == [(2, D("70.00"))]


def test_nevada_worker_under_one_and_a_half_times_the_minimum_wage_gets_daily_overtime():
    """NRS 608.018: Nevada minimum wage $12.00 (from 2024-07-01), so daily overtime applies below 1.5 × 12 = $18.00.
    $16.79 an hour, Monday 9 h, Tuesday-Friday 7 h: 37 h, straight 37 × 16.79 = $621.23; regular rate $16.79;
    1 daily overtime hour × 8.395 = 8.395 → $8.40. No hour over 40: no qualified premium."""
    assert pay_rules().minimum_wage("NV", MON).rate == D("12.00")
    r = compute_workweek(Workweek(MON, hours(5, 50, "NV", "16.79", [9, 7, 7, 7, 7])))
    assert lines(r, "regular")[0].amount == D("621.23")
    p = lines(r, "overtime_premium")[0]
    assert (p.hours, p.amount, p.qualified_premium) == (D(1), D("8.40"), D(0))
    assert "NRS 608.018" in render_steps(p.steps)[0]


def test_nevada_worker_at_eighteen_dollars_gets_no_daily_overtime():
    """$18.00 is not below 1.5 × $12.00: the 9-hour Monday is straight time."""
    r = compute_workweek(Workweek(MON, hours(5, 50, "NV", "18.00", [9, 7, 7, 7, 7])))
    assert lines(r, "overtime_premium") == []


def test_colorado_overtime_after_twelve_hours_in_a_day():
    """COMPS Order #39 Rule 4.1.1: 13 h Monday at $20.00, 8 h Tue-Thu: 37 h; 1 h over 12 → 1 × 10.00 = $10.00.
    The same 13-hour day in Texas has no daily rule: no premium."""
    co = compute_workweek(Workweek(MON, hours(1, 10, "CO", "20.00", [13, 8, 8, 8])))
    tx = compute_workweek(Workweek(MON, hours(1, 10, "TX", "20.00", [13, 8, 8, 8])))
    assert [(p.hours, p.amount) for p in lines(co, "overtime_premium")] == [(D(1), D("10.00"))]
    assert lines(tx, "overtime_premium") == []


def test_alaska_overtime_after_eight_hours_in_a_day():
    """AS 23.10.060: 9 h Monday at $20.00 (4 days, 33 h): 1 h × 10.00 = $10.00."""
    r = compute_workweek(Workweek(MON, hours(1, 10, "AK", "20.00", [9, 8, 8, 8])))
    assert [(p.hours, p.amount) for p in lines(r, "overtime_premium")] == [(D(1), D("10.00"))]


def test_california_double_time_over_twelve_and_no_pyramiding():
    """Labor Code 510: Monday 13 h, Tue-Fri 8 h at $20.00 (45 h): Monday 8 straight, 4 at 1.5×, 1 at 2×; straight
    hours 8 + 32 = 40, so no weekly overtime on top. Premiums 4 × 10 = $40.00 and 1 × 20 = $20.00. Hours over 40 = 5:
    qualified 5 × 10 = $50.00, on the double-time line first (its cap 1 × 10 = $10) then $40 on the overtime line."""
    r = compute_workweek(Workweek(MON, hours(1, 10, "CA", "20.00", [13, 8, 8, 8, 8])))
    ot, dt = lines(r, "overtime_premium")[0], lines(r, "double_time_premium")[0]
    assert (ot.hours, ot.amount, dt.hours, dt.amount) == (D(4), D("40.00"), D(1), D("20.00"))
    assert (r.overtime_hours, r.double_time_hours, r.flsa_overtime_hours) == (D(4), D(1), D(5))
    assert (dt.qualified_premium, ot.qualified_premium, r.qualified_overtime_premium) == (
        D("10.00"), D("40.00"), D("50.00"))


def test_california_seventh_consecutive_day():
    """Labor Code 510(a): 6 h each day Monday-Saturday (36 straight), Sunday the seventh day 10 h at $20.00: first
    8 h at 1.5×, 2 h at 2×: premiums 8 × 10 = $80.00, 2 × 20 = $40.00. 46 h: 6 over 40, qualified 6 × 10 = $60.00."""
    r = compute_workweek(Workweek(MON, hours(1, 10, "CA", "20.00", [6, 6, 6, 6, 6, 6, 10])))
    ot, dt = lines(r, "overtime_premium")[0], lines(r, "double_time_premium")[0]
    assert (ot.hours, ot.amount, dt.hours, dt.amount) == (D(8), D("80.00"), D(2), D("40.00"))
    assert r.qualified_overtime_premium == D("60.00")
    six_days = compute_workweek(Workweek(MON, hours(1, 10, "CA", "20.00", [6, 6, 6, 6, 6, 0, 10])))
    # no seventh consecutive day: Sunday is an ordinary day, 2 h over 8 at 1.5× → $20.00
    assert [(p.hours, p.amount) for p in six_days.lines if p.code.endswith("premium")] == [(D(2), D("20.00"))]


def test_a_week_bonus_enters_the_regular_rate():
    """45 h at $20.00 (Texas) + a $90.00 production bonus: straight 900 + 90 = 990; rate 990 ÷ 45 = $22.00;
    premium 5 × 11.00 = $55.00."""
    r = compute_workweek(Workweek(MON, hours(1, 10, "TX", "20.00", [9, 9, 9, 9, 9]),
                                  bonuses=(WeekBonus(1, 10, D(90)),)))
    assert r.regular_rate == D(22) and lines(r, "overtime_premium")[0].amount == D("55.00")


def test_a_bonus_for_four_weeks_reopens_each_overtime_week():
    """29 CFR 778.209(b) (the regulation prints the method, not a worked example): a $400.00 bonus for four weeks of
    40, 45, 50 and 40 h at $20.00 (Texas). Equal per week: $100 each. Week 2: 100 ÷ 45 = 2.2222… more per hour,
    5 overtime h × ½ × 2.2222… = 5.555… → $5.56; week 3: 100 ÷ 50 = 2.00, 10 × ½ × 2 = $10.00; weeks 1 and 4 no
    overtime. Per hour (the regulation's other method): 400 ÷ 175 h = 2.285714… per hour; week 2 5 × ½ × 2.285714 =
    5.714… → $5.71; week 3 10 × ½ × 2.285714 = 11.428… → $11.43."""
    weeks = []
    for w, total in enumerate((40, 45, 50, 40)):
        start = MON + timedelta(weeks=w)
        per = [D(total) / 5] * 5
        weeks.append(compute_workweek(Workweek(start, tuple(TimeEntry(1, 10, "TX", start + timedelta(days=i), h,
                                                                      D(20)) for i, h in enumerate(per)))))
    bonus = MultiWeekBonus(1, 10, D(400))
    by_week = reopen_for_bonus(bonus, weeks)
    assert [(ln.code, ln.week_start, ln.amount) for ln in by_week] == [
        ("bonus", weeks[3].start, D("400.00")),
        ("overtime_premium", weeks[1].start, D("5.56")), ("overtime_premium", weeks[2].start, D("10.00"))]
    assert [ln.qualified_premium for ln in by_week[1:]] == [D("5.56"), D("10.00")]
    by_hour = reopen_for_bonus(bonus, weeks, by="hour")
    assert [ln.amount for ln in by_hour[1:]] == [D("5.71"), D("11.43")]


def test_overtime_exempt_hours_are_straight_time_and_stay_out_of_the_week():
    """An exempt engagement's 30 h at $50 are paid straight (1,500.00) and do not push the 30 non-exempt hours
    of another engagement past 40: no premium."""
    week = Workweek(MON, tuple(TimeEntry(1, 10, "TX", day(i), D(6), D(50), True) for i in range(5))
                    + hours(2, 20, "TX", "20.00", [6, 6, 6, 6, 6]))
    r = compute_workweek(week)
    assert lines(r, "overtime_premium") == [] and r.hours == D(30) and r.total == D("2100.00")


def test_bad_weeks_are_refused():
    with pytest.raises(DomainError, match="Monday"):
        compute_workweek(Workweek(MON + timedelta(days=1)))
    with pytest.raises(DomainError, match="outside"):
        compute_workweek(Workweek(MON, hours(1, 1, "TX", "10", [0, 0, 0, 0, 0, 0, 0, 8])))
    with pytest.raises(DomainError, match="24"):
        compute_workweek(Workweek(MON, hours(1, 1, "TX", "10", [13]) + hours(2, 2, "TX", "10", [12])))


def test_workweek_start_is_the_monday():
    assert workweek_start(date(2026, 3, 8)) == MON and workweek_start(MON) == MON


def test_premium_earnings_reach_the_paycheck_as_regular_wages_with_their_qualified_part():
    """The paycheck engine takes the workweek lines: overtime_premium $58.33 with qualified $58.33; double-time
    premium $20.00 with its FLSA part $10.00; make-up $90.00 with none; all three are regular wages."""
    line, q = earning_line(Earning("overtime_premium", amount=D("58.33"), hours=D(5), regular_rate=D("23.3333"),
                                   qualified_premium=D("58.33")))
    assert (line.amount, q) == (D("58.33"), D("58.33"))
    _, q_dt = earning_line(Earning("double_time_premium", amount=D("20.00"), hours=D(1), regular_rate=D(20)))
    assert q_dt == D("10.00")
    _, q_mw = earning_line(Earning("min_wage_makeup", amount=D("90.00")))
    assert q_mw == 0
    inp, issues = parse_input({"pay_date": "2026-03-13", "pay_frequency": "weekly", "worker_type": "employee",
                               "work_state": "TX", "residence_state": "TX", "earnings": [
                                   {"code": "regular", "hours": "45", "rate": "20"},
                                   {"code": "overtime_premium", "amount": "58.33", "hours": "5",
                                    "regular_rate": "23.3333", "qualified_premium": "58.33"},
                                   {"code": "min_wage_makeup", "amount": "1.00", "hours": "45"}]})
    assert issues == [] and inp.earnings[1].qualified_premium == D("58.33")
    _, bad = parse_input({"pay_date": "2026-03-13", "pay_frequency": "weekly", "worker_type": "employee",
                          "work_state": "TX", "residence_state": "TX", "earnings": [
                              {"code": "overtime_premium", "amount": "5.00", "qualified_premium": "6.00"}]})
    assert [i.field for i in bad] == ["earnings[0].qualified_premium"]


# --- properties --------------------------------------------------------------------------------------------------

_states = st.sampled_from(["TX", "CA", "NV", "CO", "AK", "WA", "FL"])
_hours = st.decimals(min_value=0, max_value=12, places=2)
_rates = st.decimals(min_value=D("0.50"), max_value=60, places=2)


@st.composite
def _weeks(draw):
    time = tuple(TimeEntry(draw(st.integers(1, 3)), 1, draw(_states), day(draw(st.integers(0, 6))), draw(_hours),
                           draw(_rates)) for _ in range(draw(st.integers(0, 6))))
    pieces = tuple(PieceEntry(draw(st.integers(4, 5)), 2, draw(_states), day(draw(st.integers(0, 6))),
                              draw(st.decimals(min_value=0, max_value=300, places=1)), draw(st.decimals(
                                  min_value=D("0.05"), max_value=5, places=2)), draw(_hours))
                   for _ in range(draw(st.integers(0, 4))))
    per_day: dict = {}
    for e in time + pieces:
        per_day[e.day] = per_day.get(e.day, 0) + e.hours
    if any(h > 24 for h in per_day.values()):
        time, pieces = time[:0], pieces
        per_day = {}
        for e in pieces:
            per_day[e.day] = per_day.get(e.day, 0) + e.hours
        if any(h > 24 for h in per_day.values()):
            pieces = ()
    return Workweek(MON, time, pieces)


@settings(max_examples=150, deadline=None)
@given(_weeks())
def test_pay_is_never_below_the_minimum_wage_and_straight_time_is_the_sum_of_entries(week):
    r = compute_workweek(week)
    rules = pay_rules()
    due = sum((e.hours * rules.minimum_wage(e.work_state, e.day).rate for e in week.time + week.pieces), D(0))
    assert r.total >= due.quantize(D("0.01")) - D("0.005")
    straight_entries = sum((e.hours * e.rate for e in week.time), D(0)) + sum((p.units * p.rate for p in week.pieces),
                                                                            D(0))
    assert r.straight_time == straight_entries + r.min_wage_makeup
    assert sum((ln.hours for ln in r.lines if ln.code in ("regular", "piece")), D(0)) == r.hours
    premiums = [ln for ln in r.lines if ln.code.endswith("_premium")]
    # every hour past the 40th is premium time, daily rules can only add to it; the TT part never exceeds a line
    assert r.overtime_hours + r.double_time_hours >= r.flsa_overtime_hours
    assert all(ln.qualified_premium <= ln.amount for ln in premiums)
    assert r.qualified_overtime_premium <= (r.flsa_overtime_hours * r.regular_rate / 2).quantize(D("0.01")) + D("0.01")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["TX", "NY", "FL", "WA", "CA", "NV", "CO"]), st.decimals(min_value=0, max_value=80, places=2),
       st.lists(st.decimals(min_value=0, max_value=16, places=2), min_size=1, max_size=7))
def test_the_common_week_shortcut_gives_exactly_what_the_full_computation_gives(state, rate, per_day):
    """compute_workweek takes a shortcut for one engagement at one rate with no daily rule and no make-up; the
    lines, figures and explanations must be those of the full computation (_compute)."""
    from payroll.engine.workweek import _compute

    week = Workweek(MON, hours(1, 10, state, str(rate), [h for h in per_day]))
    if not week.time:
        return
    fast, full = compute_workweek(week), _compute(week, pay_rules())
    assert fast == full
    assert [render_steps(ln.steps) for ln in fast.lines] == [render_steps(ln.steps) for ln in full.lines]
    assert render_steps(fast.steps) == render_steps(full.steps)


_quarter_hours = st.integers(0, 64).map(lambda q: (D(q) / 4).quantize(D("0.01")))     # 0 to 16 h a day


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["CA", "CO", "NV", "AK", "TX"]), st.decimals(min_value=17, max_value=60, places=2),
       st.one_of(st.just(frozenset(range(7))), st.frozensets(st.integers(0, 6), min_size=1)), st.data())
def test_a_week_with_daily_overtime_takes_the_shortcut_and_gives_what_the_full_computation_gives(state, rate, days,
                                                                                                  data):
    """One engagement at one rate above every minimum wage, one entry a day, hours in quarter hours up to 16 (past
    California's 8 and 12 and Colorado's 12, the seventh consecutive day when all seven are worked, Nevada's rule
    waived at these rates): compute_workweek computes it without _compute's make-up and grouping, through the same
    daily rules, and its lines (in their stored form, numbers as strings), figures and words are _compute's."""
    from payroll.engine.workweek import _compute, _simple_week

    per_day = {i: data.draw(_quarter_hours) for i in sorted(days)}
    week = Workweek(MON, tuple(TimeEntry(1, 10, state, day(i), h, rate) for i, h in per_day.items()))
    rules = pay_rules()
    fast, full = _simple_week(week, rules), _compute(week, rules)
    assert fast is not None
    assert fast == full and compute_workweek(week) == full
    assert [ln.as_earning() for ln in fast.lines] == [ln.as_earning() for ln in full.lines]
    assert [render_steps(ln.steps) for ln in fast.lines] == [render_steps(ln.steps) for ln in full.lines]
    assert render_steps(fast.steps) == render_steps(full.steps)
    assert (str(fast.overtime_hours), str(fast.double_time_hours)) == (str(full.overtime_hours),
                                                                       str(full.double_time_hours))


def test_a_california_week_with_a_long_friday_pays_daily_overtime_through_the_shortcut():
    """CA, $20 an hour, 8 h Monday to Thursday and 13 h on Friday (45 h): Friday's hours 9-12 are daily overtime
    (4 h) and its 13th is double time (1 h); the week's 45 h are 40 straight and 5 premium, so no weekly hours are
    added (no pyramiding). Regular rate 900 ÷ 45 = 20: overtime premium 4 × 10 = 40.00, double time 1 × 20 = 20.00;
    the qualified part is half the rate for the 5 h over 40 = 50.00, latest line first: the double-time line takes
    at most half the rate for its hour, 10.00, and the overtime line the other 40.00."""
    from payroll.engine.workweek import _simple_week

    week = Workweek(MON, hours(1, 10, "CA", "20.00", ["8.00", "8.00", "8.00", "8.00", "13.00"]))
    r = _simple_week(week, pay_rules())
    assert r is not None
    assert (r.hours, r.overtime_hours, r.double_time_hours, r.flsa_overtime_hours) == (45, 4, 1, 5)
    assert [(ln.code, ln.amount, ln.hours, ln.qualified_premium) for ln in r.lines] == [
        ("regular", D("900.00"), 45, 0), ("overtime_premium", D("40.00"), 4, D("40.00")),
        ("double_time_premium", D("20.00"), 1, D("10.00"))]
