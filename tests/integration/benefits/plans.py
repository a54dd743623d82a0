"""A small master plan for the benefits tests: plan years 2026 and 2027 with a PPO (and an HDHP) medical plan,
dental, the 401(k) with the safe-harbor match, an HSA and a health FSA. No employer rule on the medical plans
unless a test adds one (the `health_employer` code arrives with the benefits-engine branch)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from backoffice.extensions import db
from benefits.models import BenefitPlan, ClientContributionRule, PlanTier

D = Decimal
PPO_PREMIUMS = {"employee": D("600.00"), "employee_spouse": D("1250.00"), "employee_children": D("1100.00"),
                "family": D("1800.00")}


def make_plans(year: int = 2026, waiting_days: int = 0) -> dict[str, BenefitPlan]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    common = {"plan_year_start": start, "plan_year_end": end, "waiting_days": waiting_days}
    plans = {
        "ppo": BenefitPlan(kind="medical", name="Pooled PPO", carrier="Example Health", network_type="PPO",
                           deductible_individual=D("1000.00"), deductible_family=D("2000.00"), **common),
        "hdhp": BenefitPlan(kind="medical", name="Pooled HDHP", carrier="Example Health", network_type="HDHP",
                            hdhp=True, deductible_individual=D("3300.00"), deductible_family=D("6600.00"), **common),
        "dental": BenefitPlan(kind="dental", name="Dental PPO", carrier="Example Dental", **common),
        "401k": BenefitPlan(kind="401k", name="Tandem 401(k) MEP", match_up_to_1=D("0.03"), match_rate_1=D("1"),
                            match_up_to_2=D("0.02"), match_rate_2=D("0.5"), default_deferral_percent=D("0.03"),
                            **common),
        "hsa": BenefitPlan(kind="hsa", name="HSA", max_annual_amount=D("8750.00"), **common),
        "fsa": BenefitPlan(kind="fsa", name="Health FSA", max_annual_amount=D("3400.00"), **common),
    }
    db.session.add_all(plans.values())
    db.session.flush()
    for tier, premium in PPO_PREMIUMS.items():
        db.session.add(PlanTier(plan_id=plans["ppo"].id, tier=tier, monthly_premium=premium))
    for tier, premium in (("employee", D("420.00")), ("family", D("1250.00"))):   # the HDHP has two tiers only
        db.session.add(PlanTier(plan_id=plans["hdhp"].id, tier=tier, monthly_premium=premium))
    for tier, premium in (("employee", D("32.00")), ("family", D("96.00"))):
        db.session.add(PlanTier(plan_id=plans["dental"].id, tier=tier, monthly_premium=premium))
    db.session.flush()
    for p in plans.values():
        db.session.refresh(p)
    return plans


def add_rule(plan: BenefitPlan, method: str, value: str, client_id: int | None = None) -> ClientContributionRule:
    rule = ClientContributionRule(plan_id=plan.id, client_id=client_id, method=method, value=D(value))
    db.session.add(rule)
    db.session.flush()
    return rule
