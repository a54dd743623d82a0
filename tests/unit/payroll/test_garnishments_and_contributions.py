"""Several garnishments on one paycheck (priority and the shared CCPA limits), percent deductions, goals, and the
employer's contributions (401(k) match, HSA within the one limit) — every figure by hand in the docstring.

Sources: 15 U.S.C. 1673(a) and (b)(2); DOL WHD Fact Sheet #30 "The Federal Wage Garnishment Law" (multiple
garnishments: support first; ordinary garnishments only up to 25% less what support takes, nothing when support
takes 25% or more); 31 U.S.C. 3720D(b)(1) (15% for administrative wage garnishment); IRC 401(k)(12)(B)(i)
(safe-harbor match: 100% of the first 3% + 50% of the next 2%); IRC 223(b) (one HSA limit, employer + employee)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice.periods import PayFrequency
from payroll.engine import Earning, PaycheckInput, W4, YearToDate, calculate_paycheck, load_tables
from payroll.engine.deductions import apply_posttax, ccpa_ordinary_limit, ccpa_support_limit
from payroll.engine.model import Deduction, EmployerContribution
from payroll.engine.quote import quote
from payroll.engine.quote_input import deduction_kwargs, parse_input

D = Decimal
PAY_DATE = date(2026, 6, 5)
T26 = load_tables(2026)
SAFE_HARBOR = ((D("0.03"), D("1")), (D("0.02"), D("0.5")))


def paycheck(earnings, *, freq=PayFrequency.WEEKLY, ytd=YearToDate(), pretax=(), posttax=(), employer=()):
    inp = PaycheckInput(pay_date=PAY_DATE, pay_frequency=freq, worker_type="employee", work_state="TX",
                        residence_state="TX", earnings=tuple(earnings), w4=W4("single"),
                        pretax_deductions=tuple(pretax), posttax_deductions=tuple(posttax),
                        employer_contributions=tuple(employer), ytd=ytd)
    return calculate_paycheck(inp, T26)


def weekly_1000():
    return [Earning("salary", amount=D(1000))]


def biweekly_2000():
    return [Earning("regular", hours=D(80), rate=D(25))]


def line(lines, code):
    found = [x for x in lines if x.code == code]
    assert len(found) == 1, (code, lines)
    return found[0]


def test_child_support_comes_before_a_creditor_garnishment_and_shares_the_ccpa_limit():
    """TX, weekly $1,000 salary, Single: FIT 78.08, SS 62.00, Medicare 14.50 (see test_paycheck), so disposable
    earnings = 1,000 − 154.58 = 845.42.
    The creditor order is listed first, but support goes first (Fact Sheet #30).
    Support (supports another family, 50%): limit 422.71; asks 150.00 → 150.00.
    Creditor: CCPA limit = lesser of 25% × 845.42 = 211.355 and 845.42 − 30 × 7.25 (217.50) = 627.92 → 211.35
    (a legal maximum is cut to the cent, never rounded up past the law); less support 150.00 → 61.35 of the 100.00
    asked. Net = 1,000 − 154.58 − 150.00 − 61.35 = 634.07."""
    r = paycheck(weekly_1000(), posttax=[
        Deduction("garnishment", D(100), ref="wd:2"),
        Deduction("child_support", D(150), {"supports_other_family": True}, ref="wd:1")])
    assert [(x.code, x.amount, x.ref) for x in r.deductions] == [
        ("child_support", D("150.00"), "wd:1"), ("garnishment", D("61.35"), "wd:2")]
    assert r.net == D("634.07")
    assert any("Less support withheld this period $150.00: $61.35" in s for s in r.deductions[1].explanation)


def test_no_creditor_garnishment_when_support_takes_a_quarter_or_more():
    """Same paycheck: disposable 845.42, ordinary limit 211.35. Support asks 250.00 (≤ the 50% limit 422.71), which
    is more than 211.35, so the creditor order gets 0.00 (Fact Sheet #30). Net = 1,000 − 154.58 − 250 = 595.42."""
    r = paycheck(weekly_1000(), posttax=[Deduction("child_support", D(250)), Deduction("garnishment", D(100))])
    assert [(x.code, x.amount) for x in r.deductions] == [("child_support", D("250.00")), ("garnishment", D("0.00"))]
    assert r.net == D("595.42")


def test_support_order_is_capped_at_its_own_ccpa_limit_and_may_be_a_percent():
    """Disposable 845.42. An order of 70% of disposable earnings = 591.794 → 591.79 asks more than the 60% limit of
    a worker with no other family who is over 12 weeks in arrears (60% + 5% = 65%): 845.42 × 0.65 = 549.523 →
    549.52 (cut to the cent)."""
    r = paycheck(weekly_1000(), posttax=[Deduction("child_support", percent=D("0.70"), options={
        "supports_other_family": False, "arrears_over_12_weeks": True})])
    assert r.deductions[0].amount == D("549.52")
    assert r.deductions[0].explanation[0] == "70% of disposable earnings $845.42 = $591.79"


def test_student_loan_is_at_most_15_percent_and_counts_toward_the_25_percent():
    """Weekly disposable earnings 1,000.00 (given directly). Ordinary CCPA limit: lesser of 250.00 and
    1,000 − 217.50 = 782.50 → 250.00. Student-loan order (received first) asks 200.00: within 250.00 but at most
    15% = 150.00. The creditor order received later asks 200.00: room left 250 − 150 = 100.00. A tax levy asks 300.00:
    outside the CCPA, taken in full from the 1,000 − 250 left."""
    lines, roth = apply_posttax((Deduction("student_loan", D(200)), Deduction("garnishment", D(200)),
                                 Deduction("tax_levy", D(300))),
                                wages=D(1000), disposable=D(1000), available=D(1000), deferred=D(0),
                                ytd=YearToDate(), birth_date=None, periods=52, t=T26)
    assert [(x.code, x.amount) for x in lines] == [("student_loan", D("150.00")), ("garnishment", D("100.00")),
                                                   ("tax_levy", D("300.00"))]
    assert roth == 0


def test_a_loan_with_a_goal_stops_at_the_balance_left():
    """A loan repaid at 100.00 a paycheck with 35.50 left of its goal takes 35.50 and says the goal is reached.
    Net = 1,000 − 154.58 − 35.50 = 809.92."""
    r = paycheck(weekly_1000(), posttax=[Deduction("loan", D(100), goal_remaining=D("35.50"), ref="wd:7")])
    loan = line(r.deductions, "loan")
    assert loan.amount == D("35.50")
    assert loan.explanation[0] == ("Balance left to collect $35.50 (the goal is reached with this paycheck): "
                                   "$35.50 instead of $100.00")
    assert r.net == D("809.92")


def test_401k_at_6_percent_gets_the_safe_harbor_match_of_4_percent():
    """Biweekly 80 h × $25 = 2,000. Deferral 6% × 2,000 = 120.00 (pre-tax).
    Match: first 3% of pay = 60.00, deferral in it 60.00 × 100% = 60.00; next 2% = 40.00, deferral in it 40.00
    × 50% = 20.00; total 80.00 = 4% of pay. The match is not wages: net pay is unchanged by it."""
    r = paycheck(biweekly_2000(), freq=PayFrequency.BIWEEKLY, pretax=[Deduction("401k", percent=D("0.06"))],
                 employer=[EmployerContribution("401k_match", match=SAFE_HARBOR, ref="ec:3")])
    assert line(r.deductions, "401k").amount == D("120.00")
    match = line(r.employer_contributions, "401k_match")
    assert (match.amount, match.ref) == (D("80.00"), "ec:3")
    assert r.employer_contribution_total == D("80.00")
    without = paycheck(biweekly_2000(), freq=PayFrequency.BIWEEKLY, pretax=[Deduction("401k", percent=D("0.06"))])
    assert without.net == r.net and without.taxable_wages == r.taxable_wages


def test_the_match_follows_the_deferral_actually_taken():
    """Roth counts: 3% traditional (60.00) + 3% Roth (60.00) = 120.00 → match 80.00 as above.
    A worker 50.00 short of the 2026 402(g) limit (24,500; born 1990, no catch-up) asking 6% has 50.00 taken, all
    in the first 3% band (60.00): match 50.00."""
    r = paycheck(biweekly_2000(), freq=PayFrequency.BIWEEKLY, pretax=[Deduction("401k", percent=D("0.03"))],
                 posttax=[Deduction("roth_401k", percent=D("0.03"))],
                 employer=[EmployerContribution("401k_match", match=SAFE_HARBOR)])
    assert line(r.employer_contributions, "401k_match").amount == D("80.00")
    capped = paycheck(biweekly_2000(), freq=PayFrequency.BIWEEKLY, ytd=YearToDate(deferrals_401k=D(24450)),
                      pretax=[Deduction("401k", percent=D("0.06"))],
                      employer=[EmployerContribution("401k_match", match=SAFE_HARBOR)])
    assert line(capped.deductions, "401k").amount == D("50.00")
    assert line(capped.employer_contributions, "401k_match").amount == D("50.00")


def test_employer_hsa_shares_the_hsa_limit_with_the_employee():
    """2026 self-only HSA limit 4,400 (Rev. Proc. 2025-19). So far this year 4,300 (employee + employer).
    Employee asks 75.00: room 100.00, fits. Employer gives 50.00: room left 100 − 75 = 25.00 → 25.00.
    Year to date after: 4,300 + 75 + 25 = 4,400."""
    r = paycheck(biweekly_2000(), freq=PayFrequency.BIWEEKLY, ytd=YearToDate(hsa=D(4300)),
                 pretax=[Deduction("hsa", D(75), {"coverage": "self_only"})],
                 employer=[EmployerContribution("hsa_employer", D(50), options={"coverage": "self_only"})])
    assert line(r.deductions, "hsa").amount == D("75.00")
    assert line(r.employer_contributions, "hsa_employer").amount == D("25.00")
    assert r.ytd.hsa == D("4400.00")


PAYLOAD = {"pay_date": "2026-06-05", "pay_frequency": "biweekly", "worker_type": "employee",
           "work_state": "TX", "residence_state": "TX",
           "earnings": [{"code": "regular", "hours": "80", "rate": "25.00"}],
           "pretax_deductions": [{"code": "401k", "percent": "0.06", "ref": "wd:1"},
                                 {"code": "section125", "amount": "35.00", "ref": "wd:2"}],
           "posttax_deductions": [{"code": "loan", "amount": "100", "goal_remaining": "40", "ref": "wd:3"},
                                  {"code": "child_support", "percent": "0.1", "ref": "wd:4",
                                   "options": {"supports_other_family": False}}],
           "employer_contributions": [
               {"code": "401k_match", "ref": "ec:1", "match": [{"up_to_percent": "0.03", "match_percent": "1"},
                                                               {"up_to_percent": "0.02", "match_percent": "0.5"}]},
               {"code": "health_employer", "amount": "250.00", "ref": "ec:2"}]}


def test_the_quote_takes_percent_goal_ref_and_employer_contributions():
    """401(k) 6% of 2,000 = 120.00; match 80.00 (as above); employer premium 250.00; loan 40.00 (its goal)."""
    out = quote(PAYLOAD)
    assert [(x["code"], x["amount"], x["ref"]) for x in out["employer_contributions"]] == [
        ("401k_match", "80.00", "ec:1"), ("health_employer", "250.00", "ec:2")]
    by_code = {x["code"]: x for x in out["deductions"]}
    assert by_code["401k"]["amount"] == "120.00" and by_code["loan"]["amount"] == "40.00"


def test_the_fast_run_parser_agrees_with_the_validating_one():
    inp, issues = parse_input(PAYLOAD)
    assert not issues
    kw = deduction_kwargs(PAYLOAD)
    assert kw["pretax_deductions"] == inp.pretax_deductions
    assert kw["posttax_deductions"] == inp.posttax_deductions
    assert kw["employer_contributions"] == inp.employer_contributions


def test_bad_deduction_fields_are_named():
    bad = dict(PAYLOAD, pretax_deductions=[{"code": "401k", "amount": "10", "percent": "0.05"},
                                           {"code": "401k", "percent": "1.5"}],
               posttax_deductions=[{"code": "loan"}],
               employer_contributions=[{"code": "hsa_employer", "match": [{"up_to_percent": "0.03",
                                                                           "match_percent": "1"}]},
                                       {"code": "bonus_match", "amount": "1"}])
    _, issues = parse_input(bad)
    fields = {(i.field, i.code) for i in issues}
    assert ("pretax_deductions[0].amount", "invalid") in fields          # both amount and percent
    assert any(f == "pretax_deductions[1].percent" for f, _ in fields)   # above 100%
    assert ("posttax_deductions[0].amount", "required") in fields        # neither
    assert ("employer_contributions[0].match", "invalid") in fields      # a match formula on an HSA contribution
    assert ("employer_contributions[1].code", "invalid") in fields
    contractor = {"pay_date": "2026-06-05", "pay_frequency": "weekly", "worker_type": "contractor",
                  "earnings": [{"code": "salary", "amount": "500"}],
                  "employer_contributions": [{"code": "health_employer", "amount": "1"}]}
    _, issues = parse_input(contractor)
    assert [i.field for i in issues] == ["employer_contributions"]

_cents = st.decimals(min_value=0, max_value=3000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(disposable=_cents, support=_cents, creditor=_cents, student=_cents, other_family=st.booleans(),
       arrears=st.booleans(), periods=st.sampled_from([52, 26, 24, 12]), available=_cents)
def test_orders_never_exceed_the_ccpa_limits_nor_the_net(disposable, support, creditor, student, other_family,
                                                         arrears, periods, available):
    """Whatever the orders ask: support ≤ its limit; creditor + student loan ≤ the ordinary limit less support
    (never below zero); the student loan ≤ 15%; everything together ≤ what is left of the pay."""
    lines, _ = apply_posttax((Deduction("garnishment", creditor), Deduction("student_loan", student),
                              Deduction("child_support", support, {"supports_other_family": other_family,
                                                                   "arrears_over_12_weeks": arrears})),
                             wages=disposable, disposable=disposable, available=available, deferred=D(0),
                             ytd=YearToDate(), birth_date=None, periods=periods, t=T26)
    got = {x.code: x.amount for x in lines}
    assert [x.code for x in lines][0] == "child_support"
    assert got["child_support"] <= ccpa_support_limit(disposable, other_family, arrears, T26)[0]
    ordinary = ccpa_ordinary_limit(disposable, periods, T26)[0]
    assert got["garnishment"] + got["student_loan"] <= max(ordinary - got["child_support"], D(0))
    assert got["student_loan"] <= disposable * D("0.15")
    assert sum(got.values()) <= available
    assert all(v >= 0 for v in got.values())
