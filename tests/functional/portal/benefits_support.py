"""Plans for the portal's benefits tests: a family medical plan whose premiums split evenly per weekly paycheck, a
401(k) with the safe-harbor match, an HDHP with its HSA, and a dental plan only for 30+ hours a week."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from backoffice.extensions import db
from backoffice.money import round_cents

YEAR_START, YEAR_END = date(2026, 1, 1), date(2026, 12, 31)
# Monthly premiums chosen so that a weekly paycheck's share is whole cents: 1,300.00 × 12 / 52 = 300.00 a week,
# half of it (the agency's 50% of the tier) 150.00.
MEDICAL_TIERS = {"employee": "520.00", "employee_spouse": "1040.00", "employee_children": "866.67", "family": "1300.00"}


def make_plans(client_id: int | None = None) -> dict:
    """The plans, each with an agency-default contribution rule (50% of the tier for medical)."""
    from benefits.models import BenefitPlan, ClientContributionRule, PlanTier

    def plan(**kw):
        p = BenefitPlan(plan_year_start=YEAR_START, plan_year_end=YEAR_END, waiting_days=0, active=True, **kw)
        db.session.add(p)
        db.session.flush()
        return p

    medical = plan(kind="medical", name="Tandem PPO Gold", carrier="Blue Shield", network_type="PPO",
                   deductible_individual=Decimal("1500.00"), deductible_family=Decimal("3000.00"),
                   out_of_pocket_individual=Decimal("6000.00"), out_of_pocket_family=Decimal("12000.00"))
    for tier, premium in MEDICAL_TIERS.items():
        db.session.add(PlanTier(plan_id=medical.id, tier=tier, monthly_premium=Decimal(premium)))
    db.session.add(ClientContributionRule(plan_id=medical.id, client_id=None, method="percent_tier",
                                          value=Decimal("0.5")))
    hdhp = plan(kind="medical", name="Tandem HDHP Silver", carrier="Blue Shield", network_type="HDHP", hdhp=True,
                deductible_individual=Decimal("3400.00"), deductible_family=Decimal("6800.00"))
    for tier, premium in MEDICAL_TIERS.items():
        db.session.add(PlanTier(plan_id=hdhp.id, tier=tier, monthly_premium=round_cents(Decimal(premium) / 2)))
    db.session.add(ClientContributionRule(plan_id=hdhp.id, client_id=None, method="percent_tier",
                                          value=Decimal("0.5")))
    dental = plan(kind="dental", name="Tandem Dental", carrier="Delta Dental", min_weekly_hours=Decimal("50"))
    db.session.add(PlanTier(plan_id=dental.id, tier="employee", monthly_premium=Decimal("40.00")))
    k401 = plan(kind="401k", name="Tandem 401(k) MEP", carrier="Fidelity", match_up_to_1=Decimal("0.03"),
                match_rate_1=Decimal("1"), match_up_to_2=Decimal("0.02"), match_rate_2=Decimal("0.5"))
    hsa = plan(kind="hsa", name="Tandem HSA", carrier="HealthEquity", max_annual_amount=Decimal("4400.00"))
    db.session.flush()
    return {"medical": medical, "hdhp": hdhp, "dental": dental, "401k": k401, "hsa": hsa}
