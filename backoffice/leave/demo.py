"""Demo paid leave: the agency's PTO policy for its leased employees, and the portal's demo worker's sick-leave
request waiting for the client's approver — on top of the sick leave the payroll demo's paid runs accrued
(payroll's RUN_APPROVED_CHUNK hook, chunk by chunk after each approval, the same path as a real run)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.leave import services
from backoffice.leave.models import LeaveBalance, LeaveEntry, LeavePolicy
from backoffice.money import D
from backoffice.security.models import User
from backoffice.workers.models import Engagement


@dataclass(frozen=True)
class _As:
    """A signed-in user as the services see one."""

    id: int | None
    role: str
    worker_id: int | None = None
    is_authenticated: bool = True
    is_active: bool = True


def seed(rng, today: date) -> list[str]:
    if db.session.execute(sa.select(LeavePolicy.id).where(LeavePolicy.kind == "pto").limit(1)).first():
        return []                                   # seeded already
    hr_id = db.session.execute(sa.select(User.id).where(User.role == "hr").order_by(User.id)).scalar()
    hr = _As(hr_id, "hr")
    services.save_policy(hr, {"code": "AGENCY-PTO", "name": "Agency paid time off", "kind": "pto",
                              "engagement_type": "leased_employee", "accrual_rate": D("0.025"),
                              "annual_accrual_cap": D("80"), "balance_cap": D("120"), "allow_advance": True,
                              "advance_limit": D("8"), "approver": "hr", "reasons": ["vacation", "personal"]})
    entries = db.session.execute(sa.select(sa.func.count()).select_from(LeaveEntry)).scalar()
    opened = _opening_balances(rng, hr, today)
    worker = db.session.execute(sa.select(User).where(User.email == "worker@tandem.example")).scalar()
    asked = ""
    if worker is not None and worker.worker_id:
        me = _As(worker.id, "worker", worker.worker_id)
        best = db.session.execute(sa.select(LeaveBalance).join(LeavePolicy).where(
            LeaveBalance.worker_id == worker.worker_id, LeavePolicy.kind == "sick_law")
            .order_by(LeaveBalance.balance.desc())).scalars().first()
        if best is None:
            # No sick-leave law where the demo worker works: the agency's PTO shows the same flow (HR approves).
            pto = db.session.execute(sa.select(LeavePolicy).where(LeavePolicy.code == "AGENCY-PTO")).scalar_one()
            services.adjust_balance(hr, worker.worker_id, pto.id, "16", date(today.year, 1, 1),
                                    "opening balance carried from the previous payroll system")
            best = db.session.execute(sa.select(LeaveBalance).where(
                LeaveBalance.worker_id == worker.worker_id, LeaveBalance.policy_id == pto.id)).scalar_one()
        if best is not None and best.balance >= D("2"):
            day = today + timedelta(days=(7 - today.weekday()) % 7 or 7)       # next Monday
            hours = min(D(8), best.balance.quantize(D("1")))
            sick = best.policy.kind == "sick_law"
            reason, note, what = (("preventive_care", "Dentist appointment", "sick leave") if sick
                                  else ("vacation", "A long weekend", "paid time off"))
            req = services.request_leave(me, {"policy_id": best.policy_id, "start_date": day.isoformat(),
                                              "hours": str(hours), "reason": reason, "note": note})
            asked = f"; worker@ asked for {hours} h of {what} on {day} (request #{req.id}, awaiting approval)"
    extras = _issue19(hr, today) + _normal_day(worker, today)
    return [f"leave: the agency's PTO policy; {entries} ledger entries accrued from the demo's runs; {opened} "
            f"opening sick-leave balances entered by HR{asked}"] + extras


PROGRAM_OF_STATE = {"CA": "ca_pfl", "NY": "ny_pfl", "WA": "wa_pfml", "MA": "ma_pfml", "NJ": "nj_fli", "CO": "co_famli"}


def _issue19(hr, today: date) -> list[str]:
    """Issue 19's remaining parts where a newcomer sees them: every law's policy asks for documentation after 3
    workdays (within the law's own limit; never in CT, IL or Cook County), Colorado's policy front-loads its 48 hours
    (the daily task's grant), and a state family-leave case whose job protection is worked out, not ticked."""
    from backoffice.leave import case_services, front_load_services

    out = []
    laws = db.session.execute(sa.select(LeavePolicy).where(LeavePolicy.kind == "sick_law")).scalars().all()
    for policy in laws:
        services.save_policy(hr, {"documentation_after_days": 3}, policy.id)
    if laws:
        out.append(f"leave: {len(laws)} sick-leave policies ask for a note or statement after 3 workdays (the law's "
                   f"limit applies)")
    co = next((p for p in laws if p.jurisdiction == "CO"), None)
    if co is not None:
        services.save_policy(hr, {"front_load": True}, co.id)
        granted = front_load_services.grant_front_loads(today)
        out.append(f"leave: Colorado's policy front-loads 48 h a year ({granted} grants made; C.R.S. 8-13.3-403(3))")
    eng = db.session.execute(sa.select(Engagement).where(
        Engagement.type == "leased_employee", Engagement.status == "active",
        Engagement.work_state.in_(tuple(PROGRAM_OF_STATE))).order_by(Engagement.id)).scalars().first()
    if eng is not None:
        case = case_services.open_case(hr, {"worker_id": eng.worker_id, "program": PROGRAM_OF_STATE[eng.work_state],
                                            "reason": "bonding", "start_date": today.isoformat(),
                                            "expected_end": (today + timedelta(weeks=8)).isoformat()})
        out.append(f"leave: a {case.program} case for worker {eng.worker_id}, job "
                   f"{'protected' if case.job_protected else 'not protected'} as its rule says (Leaves of absence)")
    return out


def _normal_day(worker, today: date) -> list[str]:
    """A California worker whose normal day is 10 hours (HR records it on the engagement): California's use limit
    of "40 hours or five days" (Lab. Code §246(d)) is 5 × 10 = 50 hours for them. The portal's demo worker when they
    work in California, else the first California leased employee."""
    from backoffice.leave import engine
    from backoffice.workers.services import update_engagement

    stmt = sa.select(Engagement).where(Engagement.type == "leased_employee", Engagement.status == "active",
                                       Engagement.work_state == "CA").order_by(Engagement.id)
    eng = None
    if worker is not None and worker.worker_id:
        eng = db.session.execute(stmt.where(Engagement.worker_id == worker.worker_id)).scalars().first()
    eng = eng or db.session.execute(stmt).scalars().first()
    if eng is None:
        return []
    update_engagement(eng.id, {"normal_day_hours": "10"})
    law = engine.applicable("CA", today, services.employer_size(today))
    limit = law.cap("annual_usage_cap", D("10"))
    return [f"leave: worker {eng.worker_id}'s normal day at {eng.client.name} is 10 hours, so California's use "
            f"limit is {engine.show(limit)} hours (5 days × 10 h; Lab. Code §246(d)) — Engagements, and the "
            f"worker's portal leave page"]


OPENING = 60        # leased employees given an opening balance (carried over from a previous payroll system)


def _opening_balances(rng, hr, today: date) -> int:
    """Opening sick-leave balances, as HR enters them when the agency moves its payroll here: 4 to 40 hours
    under the law of each place a leased employee works (the runs accrue on top of them)."""
    engagements = db.session.execute(sa.select(Engagement).where(
        Engagement.type == "leased_employee", Engagement.status == "active").order_by(Engagement.worker_id,
                                                                                     Engagement.id)
        .limit(OPENING)).scalars().all()
    n = 0
    for eng in engagements:
        for code in services.jurisdictions_of(eng):
            policy = services.law_policy(code)
            held = db.session.execute(sa.select(LeaveBalance.id).where(
                LeaveBalance.worker_id == eng.worker_id, LeaveBalance.policy_id == policy.id)).first()
            if held:
                continue
            services.adjust_balance(hr, eng.worker_id, policy.id, str(rng.randint(4, 40)),
                                    date(today.year, 1, 1), "opening balance carried from the previous payroll system")
            n += 1
    return n
