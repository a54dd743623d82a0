"""Demo deductions: 401(k) elections with the safe-harbor match, Section 125 premiums with the employer's share, an
HSA, a child-support order, a creditor garnishment and a loan with a goal — on the first leased employees."""
from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.workers.models import Engagement
from payroll.models_deductions import WorkerDeduction
from payroll.services import deductions as svc

SAFE_HARBOR = {"code": "401k_match", "match_up_to_1": "0.03", "match_rate_1": "1", "match_up_to_2": "0.02",
               "match_rate_2": "0.5"}


def seed(rng: random.Random, today: date) -> list[str]:
    if db.session.execute(sa.select(WorkerDeduction.id).limit(1)).first():
        return ["deductions demo already present"]
    # leased employees on weekly pay who started before the demo's two weeks of runs: the runs withhold these
    ids = list(db.session.execute(sa.select(Engagement.worker_id).where(
        Engagement.type == "leased_employee", Engagement.status == "active", Engagement.pay_frequency == "weekly",
        Engagement.start_date <= today - timedelta(days=21)).order_by(Engagement.id).limit(20)).scalars().unique())
    if len(ids) < 3:
        return ["deductions demo: fewer than three leased employees; none added"]
    start = date(today.year, 1, 1).isoformat()
    a, b, c = ids[0], ids[1], ids[2]
    svc.create_deduction(a, {"code": "401k", "percent": "0.06", "start_date": start, "source": "benefits",
                             "external_ref": f"demo:401k:{a}"})
    svc.create_contribution(a, {**SAFE_HARBOR, "start_date": start, "source": "benefits"})
    svc.create_deduction(a, {"code": "section125", "amount": "45.00", "start_date": start, "source": "benefits",
                             "note": "Medical, employee only (pre-tax)"})
    svc.create_contribution(a, {"code": "health_employer", "amount": "180.00", "start_date": start,
                                "source": "benefits"})
    svc.create_deduction(b, {"code": "401k", "percent": "0.04", "start_date": start, "source": "benefits"})
    svc.create_deduction(b, {"code": "roth_401k", "percent": "0.02", "start_date": start, "source": "benefits"})
    svc.create_contribution(b, {**SAFE_HARBOR, "start_date": start, "source": "benefits"})
    svc.create_deduction(b, {"code": "hsa", "amount": "50.00", "hsa_coverage": "self_only", "start_date": start,
                             "source": "benefits"})
    svc.create_contribution(b, {"code": "hsa_employer", "amount": "25.00", "hsa_coverage": "self_only",
                                "start_date": start, "source": "benefits"})
    svc.create_deduction(c, {"code": "child_support", "amount": "120.00", "start_date": start,
                             "received_date": start, "source": "court_order", "case_number": "TX-OAG-0012345",
                             "issuing_state": "TX", "issuing_agency": "Texas Office of the Attorney General",
                             "supports_other_family": False, "payee_name": "Texas State Disbursement Unit",
                             "payee_address": "P.O. Box 659791, San Antonio, TX 78265", "payee_fips": "48000"})
    svc.create_deduction(c, {"code": "garnishment", "amount": "75.00", "goal": "1200.00", "start_date": start,
                             "received_date": start, "source": "court_order", "case_number": "CV-2026-00871",
                             "issuing_state": "TX", "issuing_agency": "Travis County Justice Court",
                             "payee_name": "Lone Star Credit Recovery LLC", "payee_address": "100 Congress Ave, Austin, TX"})
    svc.create_deduction(c, {"code": "loan", "amount": "50.00", "goal": "400.00", "start_date": start,
                             "note": "Pay advance"})
    return [f"deductions: 401(k) + match for workers {a} and {b}, Section 125 + employer share and an HSA, "
            f"a child-support order, a creditor garnishment and a loan for worker {c}"]
