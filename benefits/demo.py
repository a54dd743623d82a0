"""Demo benefits: the agency's master plan for plan years 2026 and 2027 (PPO, HMO and HDHP medical, dental, vision,
the 401(k) MEP with the safe-harbor match, HSA, FSA, DCFSA, commuter, 529), an agency default contribution rule and
a richer one for one client, a realistic share of leased employees enrolled (so the next calculated run shows
their deductions), and open enrollment for 2027 opening in November. Carriers and premiums are illustrative.

Deterministic (its own seeded generator: the shared one is left as it was for the domains after this one) and
fast: enrollments, dependents and payroll rows are inserted in bulk, with the same figures the services compute."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from backoffice.db import utcnow
from backoffice.extensions import db
from backoffice.periods import PayFrequency
from backoffice.workers.models import Client, Engagement
from benefits.engine import elections as rules
from benefits.models import (BenefitPlan, Carrier, ClientContributionRule, Dependent, Enrollment, EnrollmentWindow,
                             PlanTier, enrollment_dependents)
from payroll.models_deductions import (CONTRIBUTION_CODES, DEDUCTION_CODES, EmployerContribution,
                                       WorkerDeduction)

D = Decimal
SOURCE = ("Illustrative carriers and premiums, near the 2025 KFF Employer Health Benefits Survey averages; limits "
          "from the IRS: 2026 HSA $4,400/$8,750 and HDHP minimum deductible $1,700/$3,400 (Rev. Proc. 2025-19), "
          "health FSA $3,400 (Rev. Proc. 2025-32), dependent care $7,500 (IRC 129 as amended in 2025), transit "
          "$340 a month (IRC 132(f)), 402(g) $24,500 (Notice 2025-67).")
TIERS = ("employee", "employee_spouse", "employee_children", "family")
MEDICAL = {  # name: (network, premiums by tier, deductible ind/fam, out-of-pocket ind/fam, carrier)
    "Pooled PPO": ("PPO", ("652.00", "1368.00", "1214.00", "1905.00"), ("1000", "2000"), ("6000", "12000"),
                   "Summit Mutual Health (illustrative)"),
    "Pooled HMO": ("HMO", ("521.00", "1094.00", "968.00", "1548.00"), ("500", "1000"), ("4500", "9000"),
                   "Harbor Care HMO (illustrative)"),
    "Pooled HDHP": ("HDHP", ("433.00", "908.00", "805.00", "1286.00"), ("1700", "3400"), ("7000", "14000"),
                    "Summit Mutual Health (illustrative)"),
}
DENTAL = ("38.00", "76.00", "82.00", "121.00")
VISION = ("8.40", "16.20", "17.10", "25.60")
ACCOUNTS = {  # name: (kind, annual limit 2026)
    "Health Savings Account": ("hsa", "8750.00"), "Health FSA": ("fsa", "3400.00"),
    "Dependent Care FSA": ("dcfsa", "7500.00"), "Commuter Transit": ("commuter", "4080.00"),
    "529 Education Savings": ("529", None),
}
NAMES = ("Alex", "Sam", "Jordan", "Riley", "Maya", "Leo", "Ava", "Noah")
DEFERRALS = (D("0.03"), D("0.04"), D("0.06"), D("0.10"))
OPEN_ENROLLMENT = (date(2026, 11, 1), date(2026, 12, 11))    # for plan year 2027
CARRIERS = {  # carrier name on the plans: (code, FEIN, interchange receiver id, group number) — illustrative
    "Summit Mutual Health (illustrative)": ("SUMMIT", "990000001", "SUMMITHLTH", "SMH-100200"),
    "Harbor Care HMO (illustrative)": ("HARBOR", "990000002", "HARBORCARE", "HCH-55010"),
    "Bright Smile Dental (illustrative)": ("BRIGHT", "990000003", "BRIGHTSMILE", "BSD-7781"),
    "ClearView Vision (illustrative)": ("CLEARVIEW", "990000004", "CLEARVIEWVSN", "CVV-3300"),
}


def _carriers(plans: list[BenefitPlan]) -> None:
    """One carrier per insurer named on the health plans, each plan linked to its carrier."""
    made = {}
    for name, (code, fein, receiver, group) in CARRIERS.items():
        made[name] = Carrier(code=code, name=name.replace(" (illustrative)", ""), fein=fein, receiver_id=receiver,
                             group_number=group, contact_email=f"enrollment@{code.lower()}.example")
    db.session.add_all(made.values())
    for p in plans:
        if p.carrier in made:
            p.carrier_ref = made[p.carrier]


def _plans(year: int, bump: Decimal) -> list[BenefitPlan]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    plans = []
    for name, (net, prem, ded, oop, carrier) in MEDICAL.items():
        p = BenefitPlan(kind="medical", name=name, carrier=carrier, network_type=net, plan_year_start=start,
                        plan_year_end=end, deductible_individual=D(ded[0]), deductible_family=D(ded[1]),
                        out_of_pocket_individual=D(oop[0]), out_of_pocket_family=D(oop[1]), waiting_days=30,
                        min_weekly_hours=D(30), hdhp=net == "HDHP", source_note=SOURCE)
        p.tiers = [PlanTier(tier=t, monthly_premium=(D(x) * bump).quantize(D("0.01"))) for t, x in zip(TIERS, prem)]
        plans.append(p)
    for kind, name, prem, carrier in (("dental", "Dental PPO", DENTAL, "Bright Smile Dental (illustrative)"),
                                      ("vision", "Vision", VISION, "ClearView Vision (illustrative)")):
        p = BenefitPlan(kind=kind, name=name, carrier=carrier, plan_year_start=start, plan_year_end=end,
                        waiting_days=30, source_note=SOURCE)
        p.tiers = [PlanTier(tier=t, monthly_premium=(D(x) * bump).quantize(D("0.01"))) for t, x in zip(TIERS, prem)]
        plans.append(p)
    plans.append(BenefitPlan(kind="401k", name="Tandem 401(k) Multiple-Employer Plan",
                             carrier="Pooled plan trustee (illustrative)", plan_year_start=start, plan_year_end=end,
                             match_up_to_1=D("0.03"), match_rate_1=D("1"), match_up_to_2=D("0.02"),
                             match_rate_2=D("0.5"), default_deferral_percent=D("0.03"), source_note=SOURCE,
                             vesting_schedule="immediate", escalation_step=D("0.01"), escalation_cap=D("0.10"),
                             match_true_up=True))
    for name, (kind, limit) in ACCOUNTS.items():
        plans.append(BenefitPlan(kind=kind, name=name, plan_year_start=start, plan_year_end=end,
                                 max_annual_amount=D(limit) if limit else None, source_note=SOURCE,
                                 commuter_kind="transit" if kind == "commuter" else None,
                                 contractors_eligible=kind == "529"))
    return plans


def seed(rng: random.Random, today: date) -> list[str]:
    if db.session.execute(sa.select(BenefitPlan.id).limit(1)).first():
        return ["benefits demo already present"]
    mine = random.Random(2026)  # nosec B311 # demo data, reproducible
    p26, p27 = _plans(2026, D(1)), _plans(2027, D("1.07"))
    _carriers(p26 + p27)
    db.session.add_all(p26 + p27)
    db.session.flush()
    by_name = {p.name: p for p in p26}
    rich = db.session.execute(sa.select(Client.id).order_by(Client.id).limit(1)).scalar()
    rule_rows = []
    for plans in (p26, p27):
        for p in plans:
            if p.kind == "medical":
                rule_rows.append({"plan_id": p.id, "client_id": None, "method": "percent_employee_only",
                                  "value": D("0.70"), "note": "agency default: 70% of the employee-only premium"})
                if rich:
                    rule_rows.append({"plan_id": p.id, "client_id": rich, "method": "percent_tier",
                                      "value": D("0.85"), "note": "client pays 85% of the chosen tier"})
            elif p.kind == "dental":
                rule_rows.append({"plan_id": p.id, "client_id": None, "method": "percent_employee_only",
                                  "value": D("0.50"), "note": "agency default"})
            elif p.kind == "hsa":
                rule_rows.append({"plan_id": p.id, "client_id": None, "method": "flat", "value": D("50"),
                                  "note": "agency seed: $50 a month"})
    db.session.execute(ClientContributionRule.__table__.insert(), rule_rows)
    db.session.add(EnrollmentWindow(kind="open_enrollment", plan_year_start=date(2027, 1, 1),
                                    opens_on=OPEN_ENROLLMENT[0], closes_on=OPEN_ENROLLMENT[1],
                                    status="open" if OPEN_ENROLLMENT[0] <= today <= OPEN_ENROLLMENT[1]
                                    else "scheduled"))
    db.session.flush()
    return [_enroll(mine, today, by_name, rich)]


def _enroll(mine: random.Random, today: date, plans: dict, rich: int | None) -> str:
    """A realistic share of the leased employees who started before today, enrolled for plan year 2026."""
    taken = set(db.session.execute(sa.select(WorkerDeduction.worker_id).where(
        WorkerDeduction.code.in_(("401k", "section125", "hsa")))).scalars())      # the deductions demo's workers
    engs = db.session.execute(sa.select(Engagement.worker_id, Engagement.client_id, Engagement.start_date,
                                        Engagement.pay_frequency, Engagement.pay_rate, Engagement.pay_unit)
                              .where(Engagement.type == "leased_employee", Engagement.status == "active",
                                     Engagement.start_date <= today - timedelta(days=30))
                              .order_by(Engagement.worker_id, Engagement.start_date)).all()
    first: dict[int, tuple] = {}
    for e in engs:
        first.setdefault(e.worker_id, e)
    rule_of = {(r.plan_id, r.client_id): r for r in db.session.execute(sa.select(ClientContributionRule)).scalars()}
    prices = {p.id: {t.tier: t.monthly_premium for t in p.tiers} for p in plans.values()}
    health_employer = "health_employer" in CONTRIBUTION_CODES        # arrives with the benefits-engine branch
    stamp = {"created_at": utcnow(), "updated_at": utcnow()}        # one stamp, not the clock read per row
    enrollments, deps, choices = [], [], []
    for wid, e in first.items():
        if wid in taken:
            continue
        try:
            periods = PayFrequency(e.pay_frequency).periods_per_year
        except ValueError:
            periods = 26
        eff = max(date(2026, 1, 1), e.start_date + timedelta(days=30))
        picks = []
        if mine.random() < 0.6:
            med = plans[mine.choice(("Pooled PPO", "Pooled PPO", "Pooled HMO", "Pooled HDHP"))]
            tier = mine.choices(TIERS, weights=(45, 15, 10, 30))[0]
            picks.append((med, tier))
            if mine.random() < 0.8:
                picks.append((plans["Dental PPO"], tier))
            if mine.random() < 0.5:
                picks.append((plans["Vision"], tier))
            if med.hdhp and mine.random() < 0.6:
                picks.append((plans["Health Savings Account"], "self_only" if tier == "employee" else "family"))
            elif mine.random() < 0.1:
                picks.append((plans["Health FSA"], None))
        if mine.random() < 0.65:
            picks.append((plans["Tandem 401(k) Multiple-Employer Plan"], mine.choice(DEFERRALS)))
        for plan, choice in picks:
            row = {**stamp, "worker_id": wid, "plan_id": plan.id,
                   "event": "new_hire" if e.start_date.year == 2026 else "open_enrollment", "status": "active",
                   "effective_date": eff, "end_date": date(2026, 12, 31),
                   "waived": False, "waive_reason": "", "pay_periods": periods, "coverage_tier": None,
                   "deferral_percent": None, "roth_percent": None, "annual_amount": None, "employee_monthly": None,
                   "employer_monthly": None, "per_paycheck_employee": None, "per_paycheck_employer": None}
            if plan.kind in ("medical", "dental", "vision"):
                rule = rule_of.get((plan.id, e.client_id)) or rule_of.get((plan.id, None))
                s = rules.shares(prices[plan.id][choice], prices[plan.id]["employee"],
                                 rule.method if rule else None, rule.value if rule else None)
                row.update(coverage_tier=choice, employee_monthly=s.employee_monthly,
                           employer_monthly=s.employer_monthly,
                           per_paycheck_employee=rules.per_paycheck(s.employee_monthly, periods),
                           per_paycheck_employer=rules.per_paycheck(s.employer_monthly, periods))
            elif plan.kind == "401k":
                row.update(deferral_percent=choice)
            else:
                annual = D("2400.00") if plan.kind == "hsa" else D("1200.00")
                employer = D("50.00") if plan.kind == "hsa" else D("0.00")
                row.update(annual_amount=annual, employer_monthly=employer,
                           per_paycheck_employee=rules.annual_per_paycheck(annual, periods),
                           per_paycheck_employer=rules.per_paycheck(employer, periods))
            enrollments.append(row)
            choices.append((plan, choice))
    if not enrollments:
        return "benefits: plans for 2026 and 2027; no leased employees to enroll"
    db.session.execute(Enrollment.__table__.insert(), enrollments)
    ids = dict(((r.worker_id, r.plan_id), r.id) for r in db.session.execute(
        sa.select(Enrollment.worker_id, Enrollment.plan_id, Enrollment.id)))
    deductions, contributions, links = [], [], []
    for row, (plan, choice) in zip(enrollments, choices):
        eid = ids[(row["worker_id"], row["plan_id"])]
        base = {**stamp, "worker_id": row["worker_id"], "start_date": row["effective_date"],
                "end_date": row["end_date"], "status": "active", "source": "benefits", "note": plan.name}
        ref = f"benefit_enrollment:{eid}"
        if plan.kind == "401k":
            deductions.append({**base, "code": "401k", "percent": row["deferral_percent"], "amount": None,
                               "hsa_coverage": None, "external_ref": ref})
            contributions.append({**base, "code": "401k_match", "amount": None, "percent": None,
                                  "match_up_to_1": D("0.03"), "match_rate_1": D("1"), "match_up_to_2": D("0.02"),
                                  "match_rate_2": D("0.5"), "hsa_coverage": None, "external_ref": ref})
            continue
        code = {"medical": "section125", "dental": "section125", "vision": "section125"}.get(plan.kind, plan.kind)
        cover = choice if plan.kind == "hsa" else None
        if code in DEDUCTION_CODES and row["per_paycheck_employee"]:
            deductions.append({**base, "code": code, "amount": row["per_paycheck_employee"], "percent": None,
                               "hsa_coverage": cover, "external_ref": ref})
        employer_code = "hsa_employer" if plan.kind == "hsa" else "health_employer" if health_employer else None
        if employer_code and row["per_paycheck_employer"]:
            contributions.append({**base, "code": employer_code, "amount": row["per_paycheck_employer"],
                                  "percent": None, "match_up_to_1": None, "match_rate_1": None,
                                  "match_up_to_2": None, "match_rate_2": None, "hsa_coverage": cover,
                                  "external_ref": ref})
        if plan.kind == "medical" and choice in ("employee_spouse", "family", "employee_children"):
            wid = row["worker_id"]
            people = ([("spouse", 1988)] if choice != "employee_children" else []) + \
                ([("child", 2014), ("child", 2018)] if choice != "employee_spouse" else [])
            for rel, year in people:
                deps.append({**stamp, "worker_id": wid,
                             "first_name": mine.choice(NAMES),
                             "last_name": "Family", "relationship": rel,
                             "birth_date": date(year + mine.randint(-3, 3), mine.randint(1, 12), mine.randint(1, 28)),
                             "ssn": None, "ssn_last4": "", "active": True, "_enrollment": eid})
    if deductions:
        db.session.execute(WorkerDeduction.__table__.insert(), deductions)
    if contributions:
        db.session.execute(EmployerContribution.__table__.insert(), contributions)
    if deps:
        db.session.execute(Dependent.__table__.insert(),
                           [{k: x for k, x in d.items() if k != "_enrollment"} for d in deps])
        dep_ids = db.session.execute(sa.select(Dependent.id).order_by(Dependent.id)).scalars().all()
        links = [{"enrollment_id": d["_enrollment"], "dependent_id": i} for d, i in zip(deps, dep_ids[-len(deps):])]
        db.session.execute(sa.insert(enrollment_dependents), links)
    db.session.flush()
    workers = len({r["worker_id"] for r in enrollments})
    return (f"benefits: 22 plans (2026 and 2027), {workers} leased employees enrolled ({len(enrollments)} "
            f"elections, {len(deductions)} deductions, {len(contributions)} employer contributions, "
            f"{len(deps)} dependents); open enrollment for 2027 {OPEN_ENROLLMENT[0]} to {OPEN_ENROLLMENT[1]}")
