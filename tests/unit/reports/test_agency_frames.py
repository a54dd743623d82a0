"""The agency's report frames on hand-built DataFrames: exact cost splits, margin, headcount, mix, benefits."""
from __future__ import annotations

from datetime import date

import pandas as pd

from reports import agency_frames as af


def test_a_week_is_named_by_its_monday_a_month_and_a_quarter_by_number():
    """Thursday 12 Nov 2026: its week starts Monday 9 Nov; November; the fourth quarter."""
    day = date(2026, 11, 12)
    assert af.period_of(day, "week") == "2026-11-09"
    assert af.period_of(day, "month") == "2026-11"
    assert af.period_of(day, "quarter") == "2026-Q4"


def test_allocation_splits_each_total_exactly_with_the_odd_cent_to_the_largest_remainder():
    """$1.00 over three equal weights: 33.33… each, the leftover cent to the first row: 34 + 33 + 33 = 100.
    -$1.00 the same, negative. $0.10 over weights 1:2 = 3.33 and 6.67 → 3 and 7 (6.67 has the larger remainder).
    A group with no weight gives everything to its first row."""
    out = af.allocate([1, 1, 1, 2, 2, 2, 3, 3, 4, 4],
                      [100, 100, 100, -100, -100, -100, 10, 10, 55, 55],
                      [1, 1, 1, 5, 5, 5, 1, 2, 0, 0])
    assert out.tolist() == [34, 33, 33, -34, -33, -33, 3, 7, 55, 0]


def paychecks():
    return pd.DataFrame([
        {"paycheck_id": 1, "pay_date": "2026-11-13", "worker_id": 7, "worker": "Ames, Ann",
         "worker_type": "employee", "engagement_id": pd.NA, "client_id": pd.NA, "client": "", "work_state": "TX",
         "gross": 100000, "employer_taxes": 7650, "benefits": 2000},
        {"paycheck_id": 2, "pay_date": "2026-11-13", "worker_id": 8, "worker": "Cruz, Cy",
         "worker_type": "contractor", "engagement_id": 13, "client_id": 3, "client": "Cobalt", "work_state": "CA",
         "gross": 50000, "employer_taxes": 0, "benefits": 0},
    ])


def earnings():
    return pd.DataFrame([
        {"paycheck_id": 1, "engagement_id": 11, "client_id": 1, "client": "Acme", "state": "TX", "amount": 60000},
        {"paycheck_id": 1, "engagement_id": 12, "client_id": 2, "client": "Bolt", "state": "TX", "amount": 40000},
    ])


def premiums():
    return pd.DataFrame([{"paycheck_id": 1, "engagement_id": 11, "client_id": 1, "client": "Acme", "state": "TX",
                          "premium": 1234}])


def test_a_paycheck_for_two_clients_is_costed_to_each_in_proportion_to_its_earnings():
    """Ann's $1,000.00 paycheck: $600 earned at Acme, $400 at Bolt. Employer taxes $76.50 → 45.90 / 30.60;
    benefits $20.00 → 12.00 / 8.00; Acme's engagement accrued $12.34 of workers' comp. Cy (contractor, no earning
    line naming an engagement) is costed to his paycheck's engagement: $500.00 contractor pay."""
    rows = af.cost_rows(paychecks(), earnings(), premiums())
    got = {r.client: (r.wages, r.contractor_pay, r.employer_taxes, r.benefits, r.workers_comp)
           for r in rows.itertuples()}
    assert got == {"Acme": (60000, 0, 4590, 1200, 1234), "Bolt": (40000, 0, 3060, 800, 0),
                   "Cobalt": (0, 50000, 0, 0, 0)}
    assert rows["wages"].sum() + rows["contractor_pay"].sum() == 150000      # every cent of gross, once


def test_gross_margin_by_client_is_revenue_less_every_cost_with_its_percentage():
    """Acme: invoiced $900.00, credited $50.00 → revenue 850.00; cost 600.00 + 45.90 + 12.00 + 12.34 = 670.24;
    margin 179.76 = 21.1% (179.76 / 850 = 21.148). Bolt: 500.00 − (400.00 + 30.60 + 8.00) = 61.40 = 12.3%
    (12.28). Cobalt: nothing billed yet, −500.00 and no percentage. Totals: revenue 1,350.00, cost 1,170.24,
    margin −258.84 → 1,350.00 − 1,608.84 = −19.2% (−19.17)."""
    revenue = pd.DataFrame([
        {"issue_date": "2026-11-16", "invoice_id": 1, "client_id": 1, "client": "Acme", "worker_id": 7,
         "worker": "Ames, Ann", "state": "TX", "revenue": 90000},
        {"issue_date": "2026-11-20", "invoice_id": 2, "client_id": 1, "client": "Acme", "worker_id": 7,
         "worker": "Ames, Ann", "state": "TX", "revenue": -5000},
        {"issue_date": "2026-11-16", "invoice_id": 3, "client_id": 2, "client": "Bolt", "worker_id": 7,
         "worker": "Ames, Ann", "state": "TX", "revenue": 50000},
    ])
    out = af.gross_margin(af.cost_rows(paychecks(), earnings(), premiums()), revenue, group="client",
                          grain="month")
    got = {r.client: (r.period, r.revenue, r.cost, r.margin, r.margin_pct) for r in out.itertuples()}
    assert got == {"Acme": ("2026-11", 85000, 67024, 17976, "21.1"),
                   "Bolt": ("2026-11", 50000, 43860, 6140, "12.3"),
                   "Cobalt": ("2026-11", 0, 50000, -50000, "")}
    totals = af.margin_totals(out)
    assert (totals["revenue"], totals["cost"], totals["margin"], totals["margin_pct"]) == \
        (135000, 160884, -25884, "-19.2")


def test_labor_cost_by_state_counts_the_people_paid_and_every_cost():
    """TX: Ann (one person, two clients): 1,000.00 + 76.50 + 20.00 + 12.34 = 1,108.84. CA: Cy 500.00."""
    out = af.labor_cost(af.cost_rows(paychecks(), earnings(), premiums()), group="state", grain="month")
    got = {r.state: (r.workers_paid, r.total_cost) for r in out.itertuples()}
    assert got == {"CA": (1, 50000), "TX": (1, 110884)}


def engagements():
    return pd.DataFrame([
        {"engagement_id": 1, "worker_id": 1, "client_id": 1, "client": "Acme", "state": "TX",
         "type": "leased_employee", "classification": "leased_employee", "start_date": "2026-01-01",
         "end_date": pd.NA},
        {"engagement_id": 2, "worker_id": 2, "client_id": 1, "client": "Acme", "state": "TX", "type": "contractor",
         "classification": "leased_employee", "start_date": "2026-01-15", "end_date": "2026-03-10"},
        {"engagement_id": 3, "worker_id": 3, "client_id": 2, "client": "Bolt", "state": "CA", "type": "contractor",
         "classification": pd.NA, "start_date": "2025-06-01", "end_date": "2026-01-31"},
    ])


def test_headcount_and_turnover_by_month_count_people_hires_and_terminations():
    """January: on 31 Dec only Cy (3) → 1; hired Ann (1) and Bo (2); Cy leaves on 31 Jan (still counted that day)
    → 3 at the end; turnover 1 / ((1 + 3) / 2) = 50.0%. February: 3 at the start, Ann and Bo at the end → 2;
    no one leaves → 0.0%. March: 2 → Bo leaves on 10 Mar → 1; 1 / 1.5 = 66.7%."""
    out = af.headcount_turnover(engagements(), date(2026, 1, 1), date(2026, 3, 31))
    assert out[["month", "headcount_start", "hires", "terminations", "headcount_end", "turnover_pct"]] \
        .values.tolist() == [["2026-01", 1, 2, 1, 3, "50.0"], ["2026-02", 3, 0, 0, 2, "0.0"],
                             ["2026-03", 2, 0, 1, 1, "66.7"]]
    assert out["leased_end"].tolist() == [1, 1, 1] and out["contractors_end"].tolist() == [2, 1, 0]


def test_classification_mix_by_state_shows_contractor_share_and_determinations():
    """On 20 Jan 2026: TX has Ann (leased, signed leased: classified) and Bo (contractor signed as a leased
    employee: reclassification due) → 1 + 1, contractors 50.0%; CA has Cy (contractor, unsigned) → 100.0%."""
    out = af.classification_mix(engagements(), date(2026, 1, 20), group="state")
    assert out.values.tolist() == [["CA", 0, 1, 1, "100.0", 0, 0, 1], ["TX", 1, 1, 2, "50.0", 1, 1, 0]]


def test_benefits_participation_counts_enrolled_and_waived_against_the_eligible():
    """Medical on 1 Dec: two enrolled ($100 + $120 a month from the worker, $400 each from the agency), one waiver;
    four leased employees eligible → 2 / 4 = 50.0%; monthly 220.00 + 800.00 = 1,020.00."""
    def row(worker, waived, ee, er):
        return {"plan_id": 1, "plan": "PPO", "kind": "medical", "worker_id": worker, "waived": waived,
                "status": "active", "effective_date": "2026-01-01", "end_date": pd.NA, "employee_monthly": ee,
                "employer_monthly": er}
    enrollments = pd.DataFrame([row(1, False, 10000, 40000), row(2, False, 12000, 40000), row(3, True, 0, 0)])
    out = af.benefits_participation(enrollments, 4, date(2026, 12, 1))
    assert out.values.tolist() == [["medical", "PPO", 2, 1, 4, "50.0", 22000, 80000, 102000]]


def test_the_ledger_check_shows_where_the_report_and_the_journal_differ():
    """Report: revenue 1,000.00, wages 600.00, margin 400.00. Journal: 4000 credited 1,000.00 (and debited 0),
    6100 debited 590.00 and credited 0 → wages differ by +10.00, margin 1,000 − 590 = 410.00 by −10.00."""
    ledger = pd.DataFrame({"account": ["4000", "6100"], "debit": [0, 59000], "credit": [100000, 0]})
    out = af.ledger_check({"revenue": 100000, "wages": 60000, "margin": 40000}, ledger, {"4000": "Revenue"})
    got = {r.figure: (r.report, r.ledger, r.difference) for r in out.itertuples()}
    assert got["revenue"] == (100000, 100000, 0) and got["wages"] == (60000, 59000, 1000)
    assert got["workers_comp"] == (0, 0, 0) and got["margin"] == (40000, 41000, -1000)
    assert out.loc[0, "account_name"] == "Revenue"
