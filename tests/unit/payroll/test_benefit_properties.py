"""Invariants of the benefit limits over a generated year of paychecks (hypothesis): 402(g) with catch-ups and a
birthday during the year, the HSA limit with a coverage change, 415(c) with the match."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice.periods import PayFrequency, age_at_year_end
from payroll.engine import (Deduction, Earning, PaycheckInput, W4, YearToDate, calculate_paycheck, load_tables)
from payroll.engine.model import EmployerContribution

D = Decimal
TABLES = {2025: load_tables(2025), 2026: load_tables(2026)}
FIRST_FRIDAY = {2025: date(2025, 1, 3), 2026: date(2026, 1, 2)}


def pay_dates(year: int, n: int = 26):
    return [FIRST_FRIDAY[year] + timedelta(days=14 * i) for i in range(n)]


def run_year(year, requests, *, birth=None, prior=None, ytd=None, pretax_code="401k", options=None,
             employer=(), salary="12000"):
    """The year's paychecks in order, each starting from the year to date the one before left."""
    ytd = ytd or YearToDate()
    results = []
    for pay_date, req in zip(pay_dates(year), requests):
        inp = PaycheckInput(pay_date=pay_date, pay_frequency=PayFrequency.BIWEEKLY, work_state="TX",
                            residence_state="TX", birth_date=birth, earnings=(Earning("salary", amount=D(salary)),),
                            w4=W4("single"), ytd=ytd, prior_year_fica_wages=prior,
                            pretax_deductions=(Deduction(pretax_code, req, options or {}),) if req else (),
                            employer_contributions=tuple(employer))
        r = calculate_paycheck(inp, TABLES[year])
        results.append(r)
        ytd = r.ytd
    return results


def deferrals(results):
    return sum((x.amount for r in results for x in r.deductions if x.code in ("401k", "roth_401k")), D(0))


requests = st.lists(st.decimals(min_value=0, max_value=3000, places=2), min_size=26, max_size=26)
# Birthdays around the ages where the catch-up changes (49/50, 59/60, 63/64 at the end of 2025 or 2026), on any day.
births = st.builds(lambda y, d: date(y, 1, 1) + timedelta(days=d),
                   st.sampled_from([1961, 1962, 1963, 1965, 1966, 1975, 1976, 1977, 1990]),
                   st.integers(0, 364))
priors = st.sampled_from([None, D(0), D(90000), D(150000), D("150000.01"), D(400000)])


@settings(max_examples=60, deadline=None)
@given(requests, births, priors, st.sampled_from([2025, 2026]))
def test_402g_with_catch_ups_over_a_year_and_a_birthday_during_it(reqs, birth, prior, year):
    """Traditional + Roth deferrals never pass 402(g) + the catch-up the worker's age at 31 December gives (the
    birthday may fall after most paychecks: it counts for the whole year); they reach it exactly when the requests
    add up to it; deemed Roth catch-ups appear only for a worker subject to SECURE 2.0 section 603."""
    t = TABLES[year]
    age = age_at_year_end(birth, year)
    catch_up = t.catch_up_60_63 if 60 <= age <= 63 else t.catch_up_50 if age >= 50 else D(0)
    limit = t.deferral_limit + catch_up
    results = run_year(year, reqs, birth=birth, prior=prior)
    total = deferrals(results)
    assert total <= limit
    assert total == min(sum(reqs, D(0)), limit)
    assert results[-1].ytd.deferrals_401k == total
    roth = sum((x.amount for r in results for x in r.deductions if x.code == "roth_401k"), D(0))
    subject = year == 2026 and catch_up > 0 and (prior is None or prior > t.roth_catch_up_threshold)
    if subject:
        assert total - roth <= t.deferral_limit         # pre-tax stops at 402(g); the catch-up is Roth
    else:
        assert roth == 0


@settings(max_examples=25, deadline=None)
@given(births, st.decimals(min_value=1, max_value=3000, places=2))
def test_deferrals_resume_in_january(birth, request):
    """A worker who reached the 2025 limit defers again from the first paycheck of 2026 (a new year to date)."""
    reqs = [D(3000)] * 26
    r25 = run_year(2025, reqs, birth=birth, prior=D(0))
    age = age_at_year_end(birth, 2025)
    t = TABLES[2025]
    assert deferrals(r25) == t.deferral_limit + (t.catch_up_60_63 if 60 <= age <= 63 else
                                                 t.catch_up_50 if age >= 50 else 0)
    assert r25[-1].deductions[0].amount == 0             # stopped by December
    jan = run_year(2026, [request], birth=birth, prior=D(0))
    assert deferrals(jan) == request


coverages = st.sampled_from(["self_only", "family", "none"])


@settings(max_examples=60, deadline=None)
@given(coverages, coverages, st.integers(1, 12), st.decimals(min_value=0, max_value=800, places=2),
       st.decimals(min_value=0, max_value=200, places=2), st.sampled_from([date(1990, 5, 5), date(1969, 9, 9)]))
def test_hsa_limit_with_a_coverage_change_during_the_year(before, after, change_month, employee, employer_amount,
                                                          birth):
    """Employee and employer HSA together never pass the sum over months of 1/12 of the limit for the coverage on
    each month's first day (IRC 223(b)(2), the age-55 catch-up likewise), and reach it when the requests suffice."""
    t = TABLES[2026]
    months = [before] * (change_month - 1) + [after] * (13 - change_month)
    annual = {"self_only": t.hsa_self_only, "family": t.hsa_family, "none": D(0)}
    catch = t.hsa_catch_up_55 if age_at_year_end(birth, 2026) >= 55 else D(0)
    exact = sum(((annual[m] + (catch if m != "none" else 0)) / 12 for m in months), D(0))
    opts = {"coverage_by_month": months}
    results = run_year(2026, [employee] * 26, pretax_code="hsa", options=opts, birth=birth,
                       employer=[EmployerContribution("hsa_employer", employer_amount, options=opts)])
    taken = sum((x.amount for r in results for x in r.deductions + r.employer_contributions), D(0))
    assert taken <= exact
    assert results[-1].ytd.hsa == taken
    if (employee + employer_amount) * 26 >= exact:
        assert exact - taken < D("0.01")                 # the limit is cut to the cent, never rounded up


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=0, max_value=72000, places=2), st.decimals(min_value=0, max_value=2000, places=2),
       st.decimals(min_value=0, max_value=4000, places=2), births, st.sampled_from([None, D(0), D(400000)]))
def test_415c_with_the_match(employer_ytd, deferral, nonelective, birth, prior):
    """Deferrals that count (catch-ups do not) plus employer 401(k) money never pass 415(c) in 2026, starting from
    any employer year to date under it; the match and a flat employer contribution stop at the room."""
    t = TABLES[2026]
    employer = [EmployerContribution("401k_match", match=((D("0.06"), D(1)),)),
                EmployerContribution("401k_match", nonelective)] if nonelective else \
        [EmployerContribution("401k_match", match=((D("0.06"), D(1)),))]
    results = run_year(2026, [deferral] * 26, birth=birth, prior=prior, ytd=YearToDate(employer_401k=employer_ytd),
                       employer=employer)
    total_deferrals = deferrals(results)
    age = age_at_year_end(birth, 2026)
    counted = min(total_deferrals, t.deferral_limit) if age >= 50 else total_deferrals
    employer_total = results[-1].ytd.employer_401k
    assert employer_total == employer_ytd + sum((c.amount for r in results for c in r.employer_contributions), D(0))
    assert counted + employer_total <= t.annual_additions_limit
