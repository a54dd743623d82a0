"""Demo paid leave: the agency's PTO policy for its leased employees, and the portal's demo worker's sick-leave
request waiting for the client's approver — on top of the sick leave the payroll demo's paid runs accrued
(payroll's RUN_APPROVED hook, the same path as a real run)."""
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
    return [f"leave: the agency's PTO policy; {entries} ledger entries accrued from the demo's runs; {opened} "
            f"opening sick-leave balances entered by HR{asked}"]


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
