"""Benefit limits in the pure engine, by hand from the notices: Roth catch-up (SECURE 2.0 §603), 415(c) with the match,
HSA proration by month, dependent-care FSA, commuter, 529, match true-up, vesting, automatic enrollment."""
from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from backoffice.errors import DomainError, ValidationFailed
from backoffice.periods import PayFrequency
from payroll.engine import (Deduction, Earning, PaycheckInput, W4, YearToDate, calculate_paycheck, load_tables,
                            tables_for)
from payroll.engine.model import EmployerContribution
from payroll.engine.quote_input import deduction_kwargs, parse_input
from payroll.engine.retirement import (annual_additions_room, auto_enroll_percent, check_vesting_schedule,
                                       hsa_prorated_limit, match_formula, roth_catch_up_required, true_up,
                                       vested_percent, vesting_schedule, years_of_service)

D = Decimal
T25 = load_tables(2025)
T26 = load_tables(2026)
JUNE = date(2026, 6, 5)


def paycheck(salary, *, pretax=(), posttax=(), employer=(), ytd=YearToDate(), birth=None, prior=None,
             freq=PayFrequency.BIWEEKLY, pay_date=JUNE, t=None):
    inp = PaycheckInput(pay_date=pay_date, pay_frequency=freq, work_state="TX", residence_state="TX",
                        birth_date=birth, earnings=(Earning("salary", amount=D(salary)),), w4=W4("single"),
                        pretax_deductions=tuple(pretax), posttax_deductions=tuple(posttax),
                        employer_contributions=tuple(employer), ytd=ytd, prior_year_fica_wages=prior)
    return calculate_paycheck(inp, t or tables_for(pay_date))


def amounts(result):
    return [(x.code, x.amount) for x in result.deductions]


# --- the year's figures, from the notices --------------------------------------------------------------------

def test_the_benefit_figures_of_2025_and_2026_are_the_notices():
    """Notice 2024-80 (2025): 415(c) $70,000; Roth catch-up threshold $145,000 not enforced (Notice 2023-62).
    Notice 2025-67 (2026): 415(c) $72,000; threshold $150,000, enforced. IRC 129: $5,000 ($2,500 MFS) through 2025,
    $7,500 ($3,750) from 2026 (OBBBA §70404). Rev. Proc. 2024-40 / 2025-32: transit and parking $325 / $340."""
    assert (T25.annual_additions_limit, T25.roth_catch_up_threshold, T25.roth_catch_up_required) == (
        D(70000), D(145000), False)
    assert (T26.annual_additions_limit, T26.roth_catch_up_threshold, T26.roth_catch_up_required) == (
        D(72000), D(150000), True)
    assert (T25.dcfsa_limit, T25.dcfsa_limit_mfs, T26.dcfsa_limit, T26.dcfsa_limit_mfs) == (
        D(5000), D(2500), D(7500), D(3750))
    assert (T25.transit_monthly, T25.parking_monthly, T26.transit_monthly, T26.parking_monthly) == (
        D(325), D(325), D(340), D(340))


# --- Roth catch-up (SECURE 2.0 section 603) ------------------------------------------------------------------

@pytest.mark.parametrize("birth, prior, t, required, why", [
    (date(1970, 3, 1), D(200000), T26, True, "56, $200,000 last year > $150,000"),
    (date(1970, 3, 1), D(150000), T26, False, "exactly $150,000 is not over the threshold"),
    (date(1970, 3, 1), D(0), T26, False, "no wages here last year: not subject"),
    (date(1970, 3, 1), None, T26, True, "unknown wages: the safe side, Roth"),
    (date(1990, 3, 1), D(500000), T26, False, "36: no catch-up at all"),
    (date(1970, 3, 1), D(200000), T25, False, "2025: the transition of Notice 2023-62"),
])
def test_who_must_make_catch_ups_roth(birth, prior, t, required, why):
    assert roth_catch_up_required(birth, prior, t) is required, why


def test_a_traditional_deferral_past_402g_continues_as_roth_for_a_worker_over_the_threshold():
    """2026, age 56, prior-year FICA wages $200,000. YTD deferrals $24,000; 401(k) request $1,000 of a $10,000
    biweekly salary. Pre-tax room 24,500 − 24,000 = 500 → 401(k) $500; the other $500 is a catch-up (room
    32,500 − 24,500 = 8,000) and continues as a deemed Roth deferral, after tax.
    Federal income-tax wages 10,000 − 500 = 9,500; deferrals YTD 24,000 + 1,000 = 25,000."""
    r = paycheck(10000, pretax=[Deduction("401k", D(1000), ref="wd:7")], ytd=YearToDate(deferrals_401k=D(24000)),
                 birth=date(1970, 3, 1), prior=D(200000))
    assert amounts(r) == [("401k", D(500)), ("roth_401k", D(500))]
    assert [x.ref for x in r.deductions] == ["wd:7", "wd:7"]
    assert r.taxable_wages["federal_income_tax"] == D("9500.00")
    assert r.ytd.deferrals_401k == D("25000.00")
    assert any("SECURE 2.0 section 603" in s for s in r.deductions[1].explanation)


def test_under_the_threshold_the_catch_up_stays_pre_tax():
    """Same worker with $150,000 last year (not over): the whole $1,000 is pre-tax; FIT wages 9,000."""
    r = paycheck(10000, pretax=[Deduction("401k", D(1000))], ytd=YearToDate(deferrals_401k=D(24000)),
                 birth=date(1970, 3, 1), prior=D(150000))
    assert amounts(r) == [("401k", D(1000))]
    assert r.taxable_wages["federal_income_tax"] == D("9000.00")


def test_in_2025_catch_ups_may_still_be_pre_tax_whatever_the_wages():
    """2025 (Notice 2023-62 transition): age 55, $300,000 last year, YTD 23,000, request 1,000 → all pre-tax
    (limit 23,500 + 7,500 = 31,000)."""
    r = paycheck(10000, pretax=[Deduction("401k", D(1000))], ytd=YearToDate(deferrals_401k=D(23000)),
                 birth=date(1970, 3, 1), prior=D(300000), pay_date=date(2025, 6, 6))
    assert amounts(r) == [("401k", D(1000))]


def test_the_deemed_roth_stops_at_the_catch_up():
    """2026, age 56, over the threshold, YTD 32,000 (limit 32,500): request 1,000 → pre-tax 0, Roth 500."""
    r = paycheck(10000, pretax=[Deduction("401k", D(1000))], ytd=YearToDate(deferrals_401k=D(32000)),
                 birth=date(1970, 3, 1), prior=D(200000))
    assert amounts(r) == [("401k", D(0)), ("roth_401k", D(500))]
    assert r.ytd.deferrals_401k == D("32500.00")


# --- 415(c): the match stops at the annual additions ----------------------------------------------------------

def test_the_match_stops_at_the_415c_room():
    """2026, age 40. YTD deferrals 24,000, employer 401(k) 47,300; this paycheck defers 500 (reaching 402(g)).
    Match 100% of the first 6% of $20,000 = band 1,200, on the 500 deferred = 500. 415(c) room
    72,000 − 24,500 − 47,300 = 200 → the match is 200; employer 401(k) YTD 47,500."""
    r = paycheck(20000, pretax=[Deduction("401k", D(500))],
                 employer=[EmployerContribution("401k_match", match=((D("0.06"), D(1)),))],
                 ytd=YearToDate(deferrals_401k=D(24000), employer_401k=D(47300)), birth=date(1986, 1, 1))
    assert [(c.code, c.amount) for c in r.employer_contributions] == [("401k_match", D(200))]
    assert r.ytd.employer_401k == D("47500.00")
    assert any("415(c)" in s for s in r.employer_contributions[0].explanation)


def test_catch_ups_are_not_annual_additions():
    """Age 55, prior-year wages $100,000 (pre-tax catch-up allowed). Deferrals YTD 30,000 + 500 = 30,500, of which
    only 24,500 count (the rest are catch-ups, IRC 414(v)(3)(A)): room 72,000 − 24,500 − 47,300 = 200."""
    assert annual_additions_room(D(30500), D(47300), date(1971, 1, 1), T26) == D(200)
    assert annual_additions_room(D(30500), D(47300), date(1990, 1, 1), T26) == D(0)   # no catch-up: all count


def test_a_match_under_the_room_is_untouched_and_has_no_415c_words():
    """Biweekly $2,000, 6% deferral 120, safe harbor: 3% = 60 + 50% × 40 = 20 → 80; far from 415(c)."""
    r = paycheck(2000, pretax=[Deduction("401k", percent=D("0.06"))],
                 employer=[EmployerContribution("401k_match", match=match_formula("safe_harbor_basic"))])
    assert r.employer_contributions[0].amount == D("80.00")
    assert not any("415(c)" in s for s in r.employer_contributions[0].explanation)


# --- HSA with a coverage change (IRC 223(b)(2)) ---------------------------------------------------------------

def test_hsa_limit_prorated_by_month():
    """2026: self-only January–May, family June–December: (4,400 × 5 + 8,750 × 7) ÷ 12 = 83,250 ÷ 12 = 6,937.50.
    Age 56: + 1,000 × 12 ÷ 12 = 7,937.50. Not covered January–March, self-only after: 4,400 × 9 ÷ 12 = 3,300."""
    months = ["self_only"] * 5 + ["family"] * 7
    assert hsa_prorated_limit(months, date(1990, 1, 1), T26)[0] == D("6937.50")
    assert hsa_prorated_limit(months, date(1970, 1, 1), T26)[0] == D("7937.50")
    assert hsa_prorated_limit(["none"] * 3 + ["self_only"] * 9, None, T26)[0] == D("3300.00")
    with pytest.raises(ValidationFailed):
        hsa_prorated_limit(["family"] * 11, None, T26)


def test_the_paycheck_hsa_uses_the_prorated_limit():
    """YTD HSA 6,900 (employee + employer); limit 6,937.50 as above; request 100 → 37.50."""
    months = ["self_only"] * 5 + ["family"] * 7
    r = paycheck(3000, pretax=[Deduction("hsa", D(100), {"coverage_by_month": months})], ytd=YearToDate(hsa=D(6900)))
    assert amounts(r) == [("hsa", D("37.50"))]


# --- dependent-care FSA, commuter, 529 ------------------------------------------------------------------------

def test_dependent_care_fsa_is_capped_and_exempt_from_fica():
    """2026 limit 7,500. YTD 7,400, request 200 → 100. Biweekly 3,000: SS wages 3,000 − 100 = 2,900."""
    r = paycheck(3000, pretax=[Deduction("dcfsa", D(200))], ytd=YearToDate(dcfsa=D(7400)))
    assert amounts(r) == [("dcfsa", D(100))]
    assert r.taxable_wages["social_security"] == D("2900.00")
    assert r.taxable_wages["federal_income_tax"] == D("2900.00")
    assert r.ytd.dcfsa == D("7500.00")


def test_dependent_care_fsa_married_filing_separately_and_2025():
    """2026 MFS 3,750: YTD 3,700, request 200 → 50. 2025 limit 5,000: YTD 4,900, request 200 → 100."""
    r = paycheck(3000, pretax=[Deduction("dcfsa", D(200), {"married_filing_separately": True})],
                 ytd=YearToDate(dcfsa=D(3700)))
    assert amounts(r) == [("dcfsa", D(50))]
    r = paycheck(3000, pretax=[Deduction("dcfsa", D(200))], ytd=YearToDate(dcfsa=D(4900)), pay_date=date(2025, 6, 6))
    assert amounts(r) == [("dcfsa", D(100))]


def test_commuter_is_stopped_at_the_monthly_limit():
    """2026 transit $340 a month. Weekly: 340 × 12 ÷ 52 = 78.4615… → 78.46 (cut) a paycheck; request 100 → 78.46.
    Monthly pay: parking 340, request 400 → 340. With 300 already taken this month: room 40."""
    r = paycheck(1500, pretax=[Deduction("commuter", D(100), {"kind": "transit"})], freq=PayFrequency.WEEKLY)
    assert amounts(r) == [("commuter", D("78.46"))]
    assert r.taxable_wages["social_security"] == D("1421.54")
    r = paycheck(6000, pretax=[Deduction("commuter", D(400), {"kind": "parking"})], freq=PayFrequency.MONTHLY)
    assert amounts(r) == [("commuter", D(340))]
    r = paycheck(1500, pretax=[Deduction("commuter", D(100), {"kind": "transit", "month_to_date": D(300)})],
                 freq=PayFrequency.WEEKLY)
    assert amounts(r) == [("commuter", D(40))]


def test_529_is_after_tax():
    """529 $100 from biweekly $2,000: no wage base changes (FIT and SS wages 2,000); net falls by 100."""
    base = paycheck(2000)
    r = paycheck(2000, posttax=[Deduction("529", D(100))])
    assert amounts(r) == [("529", D(100))]
    assert r.taxable_wages["federal_income_tax"] == r.taxable_wages["social_security"] == D("2000.00")
    assert base.net - r.net == D(100)


def test_a_year_without_the_figure_fails_closed():
    """A year whose data gives no dependent-care, commuter or 415(c) figure refuses the deduction (no guessing)."""
    t = dataclasses.replace(T26, dcfsa_limit=None, transit_monthly=None, annual_additions_limit=None)
    with pytest.raises(DomainError, match="dependent-care"):
        paycheck(3000, pretax=[Deduction("dcfsa", D(10))], t=t)
    with pytest.raises(DomainError, match="132"):
        paycheck(3000, pretax=[Deduction("commuter", D(10), {"kind": "transit"})], t=t)
    with pytest.raises(DomainError, match="415"):
        paycheck(3000, pretax=[Deduction("401k", D(100))],
                 employer=[EmployerContribution("401k_match", match=((D("0.03"), D(1)),))], t=t)


def test_health_employer_is_not_wages_and_old_inputs_replay_under_the_new_code():
    r = paycheck(2000, employer=[EmployerContribution("health_employer", D(250))])
    assert [(c.code, c.amount) for c in r.employer_contributions] == [("health_employer", D(250))]
    assert r.taxable_wages["federal_income_tax"] == D("2000.00")
    old = deduction_kwargs({"employer_contributions": [{"code": "premium_employer_share", "amount": "250.00"}]})
    assert old["employer_contributions"][0].code == "health_employer"


def test_the_quote_names_bad_benefit_options():
    obj = {"pay_date": "2026-06-05", "pay_frequency": "weekly", "worker_type": "employee", "work_state": "TX",
           "residence_state": "TX",
           "earnings": [{"code": "salary", "amount": "1000"}], "prior_year_fica_wages": "-5",
           "pretax_deductions": [{"code": "commuter", "amount": "50", "options": {"kind": "bus"}},
                                 {"code": "hsa", "amount": "50", "options": {"coverage_by_month": ["family"] * 11}},
                                 {"code": "dcfsa", "amount": "50", "options": {"married_filing_separately": "yes"}}]}
    inp, issues = parse_input(obj)
    fields = {i.field for i in issues}
    assert inp is None
    assert {"pretax_deductions[0].options.kind", "pretax_deductions[1].options.coverage_by_month",
            "pretax_deductions[2].options.married_filing_separately", "prior_year_fica_wages"} <= fields


def test_the_quote_accepts_the_new_codes():
    obj = {"pay_date": "2026-06-05", "pay_frequency": "weekly", "worker_type": "employee", "work_state": "TX",
           "residence_state": "TX",
           "birth_date": "1970-03-01", "prior_year_fica_wages": "200000",
           "earnings": [{"code": "salary", "amount": "1000"}],
           "pretax_deductions": [{"code": "dcfsa", "amount": "50"},
                                 {"code": "commuter", "amount": "20", "options": {"kind": "parking",
                                                                                "month_to_date": "10"}}],
           "posttax_deductions": [{"code": "529", "amount": "25"}],
           "employer_contributions": [{"code": "health_employer", "amount": "100"}],
           "ytd": {"dcfsa": "100", "employer_401k": "0"}}
    inp, issues = parse_input(obj)
    assert issues == []
    assert inp.prior_year_fica_wages == D(200000)
    r = calculate_paycheck(inp, T26)
    assert amounts(r) == [("dcfsa", D(50)), ("commuter", D(20)), ("529", D(25))]


# --- match true-up ----------------------------------------------------------------------------------------------

def test_true_up_of_a_front_loaded_deferral():
    """Safe harbor basic (100% of 3% + 50% of next 2%), pay $100,000, deferrals $24,500, match paid $3,000 per
    paycheck before the deferrals stopped. Annual match 3,000 + 50% × 2,000 = 4,000 → true-up 1,000; with 415(c)
    room 400 → 400. A 2% deferrer ($2,000) was matched 2,000 already → 0."""
    f = match_formula("safe_harbor_basic")
    assert true_up(D(100000), D(24500), D(3000), f) == D(1000)
    assert true_up(D(100000), D(24500), D(3000), f, room_415c=D(400)) == D(400)
    assert true_up(D(100000), D(2000), D(2000), f) == D(0)
    assert true_up(D(100000), D(24500), D(4500), f) == D(0)          # over-paid: not taken back here


# --- vesting --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("schedule, years, vested", [
    ("graded_6", 1, "0"), ("graded_6", 2, "0.2"), ("graded_6", D("4.5"), "0.6"), ("graded_6", 6, "1"),
    ("graded_6", 10, "1"), ("cliff_3", D("2.99"), "0"), ("cliff_3", 3, "1"), ("immediate", 0, "1"),
])
def test_vested_percent_follows_the_schedule(schedule, years, vested):
    """IRC 411(a)(2)(B): 20% after 2 years, +20% a year to 100% after 6; or 100% after 3."""
    assert vested_percent(schedule, years) == D(vested)


def test_a_schedule_slower_than_the_law_is_refused():
    assert check_vesting_schedule(vesting_schedule("cliff_3")) == vesting_schedule("cliff_3")
    with pytest.raises(ValidationFailed) as e:
        check_vesting_schedule([(0, D(0)), (4, D(1))])                       # a 4-year cliff
    assert "411(a)(2)(B)" in e.value.issues[0].message
    with pytest.raises(ValidationFailed):                                    # graded 3-to-7
        check_vesting_schedule([(0, D(0)), (3, D("0.2")), (4, D("0.4")), (5, D("0.6")), (6, D("0.8")), (7, D(1))])


def test_years_of_service_count_every_client_once():
    """Client A 2020-01-01..2021-06-30 and client B 2021-06-01..2022-12-31 overlap: 2020-01-01..2022-12-31 =
    366 + 365 + 365 = 1,096 days; client C from 2024-01-01, open, to 2026-01-01 = 366 + 365 + 1 = 732 days.
    1,828 days ÷ 365 = 5 completed years."""
    periods = [(date(2020, 1, 1), date(2021, 6, 30)), (date(2021, 6, 1), date(2022, 12, 31)), (date(2024, 1, 1), None)]
    assert years_of_service(periods, date(2026, 1, 1)) == 5
    assert years_of_service(periods, date(2019, 1, 1)) == 0


# --- automatic enrollment (IRC 414A) --------------------------------------------------------------------------

def test_auto_enroll_escalates_on_each_anniversary_up_to_the_cap():
    start = date(2024, 3, 15)
    f = lambda on: auto_enroll_percent(start, on, D("0.03"), D("0.01"), D("0.10"))  # noqa: E731
    assert f(date(2024, 3, 15)) == D("0.03")
    assert f(date(2025, 3, 14)) == D("0.03")
    assert f(date(2025, 3, 15)) == D("0.04")
    assert f(date(2033, 3, 15)) == D("0.10")         # 3% + 9 = 12% → the 10% cap


@pytest.mark.parametrize("initial, step, cap, field", [
    ("0.02", "0.01", "0.10", "initial"), ("0.11", "0.01", "0.15", "initial"), ("0.03", "0.01", "0.16", "cap"),
    ("0.03", "0.01", "0.09", "cap"), ("0.03", "0", "0.10", "step"),
])
def test_auto_enroll_outside_414a_is_refused_naming_the_field(initial, step, cap, field):
    with pytest.raises(ValidationFailed) as e:
        auto_enroll_percent(date(2026, 1, 1), date(2026, 6, 1), D(initial), D(step), D(cap))
    assert [i.field for i in e.value.issues] == [field]


def test_deferrals_stop_where_employer_money_leaves_no_415c_room():
    """2026: employer 401(k) money so far 50,000 leaves 72,000 − 50,000 = 22,000 for deferrals (under 24,500, and
    no catch-up on top). YTD deferrals 21,800, request 500 → 200, even at 56."""
    r = paycheck(10000, pretax=[Deduction("401k", D(500))], birth=date(1970, 3, 1), prior=D(0),
                 ytd=YearToDate(deferrals_401k=D(21800), employer_401k=D(50000)))
    assert amounts(r) == [("401k", D(200))]
    assert any("415(c)" in s for s in r.deductions[0].explanation)
