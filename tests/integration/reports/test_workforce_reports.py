"""Headcount and turnover, classification mix, benefits participation and tax liabilities read from the database
through the report catalog (hand figures in each docstring)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest


D = Decimal


@pytest.fixture
def people(db):
    """Acme (TX) and Bolt (CA):
    W1 leased at Acme TX from 5 Jan 2026 (signed leased), and leased at Bolt CA 10–20 Feb (unsigned);
    W2 contractor at Acme TX 1 Feb – 15 Mar 2026, ended (signed as a leased employee: reclassification due);
    W3 contractor at Bolt CA from 1 Jun 2025 (unsigned);
    W4 leased at Bolt CA from 1 Mar 2026, still pending onboarding (not counted);
    W5 leased at Acme TX from 1 Jan 2026 (signed leased).
    Benefits: Gold PPO (medical) — W1 enrolled from 1 Jan ($120.00 a month from W1, $450.00 from the agency),
    W5 waived."""
    from benefits.models import BenefitPlan, Enrollment
    from tests.factories import ClientFactory, EngagementFactory, WorkerFactory

    acme, bolt = ClientFactory(name="Acme", state="TX"), ClientFactory(name="Bolt", state="CA")
    w = [WorkerFactory(state="TX") for _ in range(5)]
    EngagementFactory(worker=w[0], client=acme, work_state="TX", start_date=date(2026, 1, 5),
                      classification="leased_employee")
    EngagementFactory(worker=w[0], client=bolt, work_state="CA", start_date=date(2026, 2, 10),
                      end_date=date(2026, 2, 20), status="ended")
    EngagementFactory(worker=w[1], client=acme, work_state="TX", type="contractor", start_date=date(2026, 2, 1),
                      end_date=date(2026, 3, 15), status="ended", classification="leased_employee")
    EngagementFactory(worker=w[2], client=bolt, work_state="CA", type="contractor", start_date=date(2025, 6, 1))
    EngagementFactory(worker=w[3], client=bolt, work_state="CA", start_date=date(2026, 3, 1), status="pending")
    EngagementFactory(worker=w[4], client=acme, work_state="TX", start_date=date(2026, 1, 1),
                      classification="leased_employee")
    plan = BenefitPlan(kind="medical", name="Gold PPO", plan_year_start=date(2026, 1, 1),
                       plan_year_end=date(2026, 12, 31))
    db.session.add(plan)
    db.session.flush()
    db.session.add_all([
        Enrollment(worker_id=w[0].id, plan_id=plan.id, event="new_hire", effective_date=date(2026, 1, 5),
                   coverage_tier="employee", employee_monthly=D("120.00"), employer_monthly=D("450.00")),
        Enrollment(worker_id=w[4].id, plan_id=plan.id, event="new_hire", effective_date=date(2026, 1, 1),
                   waived=True, waive_reason="covered by spouse")])
    db.session.commit()
    return {"acme": acme, "bolt": bolt, "workers": w}


def _table(name, **args):
    from reports import catalog

    report = catalog.get(name)
    return catalog.sheets(report, catalog.parse_filters(report, args))


def test_headcount_counts_people_once_and_turnover_by_month(db, people):
    """January: on 31 Dec only W3 → 1; hired W1 and W5 → 3 at the end. February: W2 hired (W1's second placement
    is not a hire) → 4. March: W2 leaves on the 15th → 3; turnover 1 / ((4 + 3) / 2) = 28.6%. W4 (pending) is
    never counted."""
    [sheet] = _table("headcount-turnover", start="2026-01-01", end="2026-03-31")
    assert sheet.frame[["month", "headcount_start", "hires", "terminations", "headcount_end", "leased_end",
                        "contractors_end", "turnover_pct"]].values.tolist() == [
        ["2026-01", 1, 2, 0, 3, 2, 1, "0.0"], ["2026-02", 3, 1, 0, 4, 2, 2, "0.0"],
        ["2026-03", 4, 0, 1, 3, 2, 1, "28.6"]]
    [acme] = _table("headcount-turnover", start="2026-03-01", end="2026-03-31", client_id=str(people["acme"].id))
    assert acme.frame[["headcount_start", "terminations", "headcount_end"]].values.tolist() == [[3, 1, 2]]


def test_classification_mix_by_state_on_the_as_of_day(db, people):
    """15 Feb 2026: TX — W1 and W5 leased (signed as such), W2 contractor signed as leased (reclassification due):
    2 + 1 = 3, contractors 33.3%. CA — W1's Bolt placement (leased, unsigned) and W3 (contractor, unsigned): 50.0%."""
    [sheet] = _table("classification-mix", start="2026-01-01", end="2026-02-15", group="state")
    assert sheet.frame.values.tolist() == [["CA", 1, 1, 2, "50.0", 0, 0, 2], ["TX", 2, 1, 3, "33.3", 2, 1, 0]]


def test_benefits_participation_and_monthly_cost_per_plan(db, people):
    """15 Feb 2026: leased employees engaged W1 and W5 → 2 eligible; W1 enrolled, W5 waived → 50.0%;
    $120.00 + $450.00 = $570.00 a month."""
    participation, paid = _table("benefits", start="2026-02-01", end="2026-02-15")
    assert participation.frame.values.tolist() == [["medical", "Gold PPO", 1, 1, 2, "50.0", 12000, 45000, 57000]]
    assert paid.frame.empty                       # no payroll ran: no contributions paid


def test_tax_liabilities_over_a_range_filtered_to_one_state(db, billed):
    """Ann's November paycheck (tests/integration/reports/test_margin_ledger.py): Texas has no income tax, so its
    only line is SUTA, employer 2.7% × 1,187.50 = 32.06."""
    by_tax, by_state = _table("tax-liabilities", start="2026-11-01", end="2026-11-30", state="TX")
    assert by_tax.frame[["jurisdiction", "tax_code", "employee_withheld", "employer"]].values.tolist() == [
        ["TX", "suta", 0, 3206]]
    assert by_state.frame[["jurisdiction", "total"]].values.tolist() == [["TX", 3206]]
