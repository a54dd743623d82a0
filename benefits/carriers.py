"""Who a carrier covers: the member list its enrollment files (X12 834) send and its monthly bills are checked
against. One reader for both, so the file and the reconciliation can never disagree about who is covered.

A member is the subscriber (the worker) or a dependent covered under the worker's election; each has a
`member_id` the agency assigns ("W42" for worker 42, "W42D7" for the worker's dependent 7): carriers echo it on
their bills (it is sent as the member's identifier, never the SSN)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from backoffice.errors import NotFound
from backoffice.extensions import db
from backoffice.workers.models import Engagement, Worker
from benefits.models import BenefitPlan, Carrier, Dependent, Enrollment, PlanTier, enrollment_dependents

ZERO = Decimal("0.00")


def member_id(worker_id: int, dependent_id: int | None = None) -> str:
    """The agency's identifier of a covered member: "W42", or "W42D7" for dependent 7 of worker 42."""
    return f"W{worker_id}" + (f"D{dependent_id}" if dependent_id is not None else "")


@dataclass(frozen=True)
class CoveredMember:
    """One covered person in one plan of the carrier, from one election (`enrollment_id`). Premiums are monthly and
    sit on the subscriber's row only (a dependent's are 0: the carrier bills the subscriber's tier)."""
    member_id: str
    subscriber_id: str
    worker_id: int
    dependent_id: int | None
    relationship: str            # self | spouse | child | domestic_partner
    first_name: str
    last_name: str
    birth_date: date | None
    plan_id: int
    plan_name: str
    plan_kind: str               # medical | dental | vision
    coverage_tier: str
    start: date                  # coverage begins (the election's effective date)
    end: date | None             # coverage ends (inclusive), None while open
    enrollment_id: int | None    # the election it continues (COBRA: the one the beneficiary lost)
    client_id: int | None        # the client of the worker's leased engagement when coverage starts in the window
    monthly_premium: Decimal     # the tier's total premium (subscriber row; 0 on a dependent's)
    employee_monthly: Decimal
    employer_monthly: Decimal
    cobra: bool = False          # continuation coverage (COBRA) rather than active employment


def carrier_by_code(code: str) -> Carrier:
    wanted = (code or "").strip().upper()
    row = db.session.execute(sa.select(Carrier).where(Carrier.code == wanted)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"carrier {code!r} not found (see `backoffice benefits carriers`)")
    return row


def carrier_of(carrier: Carrier | int | str) -> Carrier:
    """A carrier given as itself, its id or its code (NotFound naming it otherwise)."""
    if isinstance(carrier, Carrier):
        return carrier
    if isinstance(carrier, int):
        row = db.session.get(Carrier, carrier)
        if row is None:
            raise NotFound(f"carrier {carrier} not found")
        return row
    return carrier_by_code(str(carrier))


def carriers() -> list[Carrier]:
    return list(db.session.execute(sa.select(Carrier).order_by(Carrier.code)).scalars())


def covered_members(carrier_id: int, first: date, last: date | None = None) -> list[CoveredMember]:
    """Everyone covered by the carrier's plans on any day from `first` to `last` (inclusive; `last` None: `first`
    only), subscribers first then their dependents, ordered by worker and plan. Waived and cancelled elections are
    not coverage; elected COBRA continuation is (`cobra=True`)."""
    last = last or first
    members = _active_members(carrier_id, first, last) + _cobra_members(carrier_id, first, last)
    return sorted(members, key=lambda m: (m.worker_id, m.plan_id, m.start, m.dependent_id is not None,
                                          m.dependent_id or 0))


def _active_members(carrier_id: int, first: date, last: date) -> list[CoveredMember]:
    """Coverage through an election of an active worker."""
    rows = db.session.execute(
        sa.select(Enrollment, BenefitPlan, Worker)
        .join(BenefitPlan, BenefitPlan.id == Enrollment.plan_id)
        .join(Worker, Worker.id == Enrollment.worker_id)
        .where(BenefitPlan.carrier_id == carrier_id, Enrollment.waived.is_(False), Enrollment.status != "cancelled",
               Enrollment.coverage_tier.is_not(None), Enrollment.effective_date <= last,
               sa.or_(Enrollment.end_date.is_(None), Enrollment.end_date >= first))
        .order_by(Enrollment.worker_id, BenefitPlan.id, Enrollment.effective_date)).all()
    if not rows:
        return []
    enrollment_ids = [e.id for e, _, _ in rows]
    worker_ids = sorted({e.worker_id for e, _, _ in rows})
    premiums = {(t.plan_id, t.tier): t.monthly_premium for t in db.session.execute(
        sa.select(PlanTier).where(PlanTier.plan_id.in_({p.id for _, p, _ in rows}))).scalars()}
    deps: dict[int, list[Dependent]] = {}
    for eid, dep in db.session.execute(
            sa.select(enrollment_dependents.c.enrollment_id, Dependent)
            .join(Dependent, Dependent.id == enrollment_dependents.c.dependent_id)
            .where(enrollment_dependents.c.enrollment_id.in_(enrollment_ids)).order_by(Dependent.id)).all():
        deps.setdefault(eid, []).append(dep)
    leased: dict[int, list[Engagement]] = {}
    for eng in db.session.execute(sa.select(Engagement).where(
            Engagement.worker_id.in_(worker_ids), Engagement.type == "leased_employee")
            .order_by(Engagement.start_date, Engagement.id)).scalars():
        leased.setdefault(eng.worker_id, []).append(eng)

    def client_on(worker_id: int, day: date) -> int | None:
        engs = leased.get(worker_id, [])
        live = [g for g in engs if g.start_date <= day and (g.end_date is None or g.end_date >= day)]
        pick = (live or [g for g in engs if g.start_date <= day] or engs or [None])[-1]
        return pick.client_id if pick is not None else None

    out: list[CoveredMember] = []
    for e, plan, w in rows:
        sub = member_id(w.id)
        client = client_on(w.id, max(e.effective_date, first))
        common = dict(subscriber_id=sub, worker_id=w.id, plan_id=plan.id, plan_name=plan.name, plan_kind=plan.kind,
                      coverage_tier=e.coverage_tier, start=e.effective_date, end=e.end_date, enrollment_id=e.id,
                      client_id=client)
        out.append(CoveredMember(member_id=sub, dependent_id=None, relationship="self", first_name=w.first_name,
                                 last_name=w.last_name, birth_date=w.birth_date,
                                 monthly_premium=premiums.get((plan.id, e.coverage_tier), ZERO),
                                 employee_monthly=e.employee_monthly or ZERO,
                                 employer_monthly=e.employer_monthly or ZERO, **common))
        for d in deps.get(e.id, []):
            out.append(CoveredMember(member_id=member_id(w.id, d.id), dependent_id=d.id,
                                     relationship=d.relationship, first_name=d.first_name, last_name=d.last_name,
                                     birth_date=d.birth_date, monthly_premium=ZERO, employee_monthly=ZERO,
                                     employer_monthly=ZERO, **common))
    return out


def _cobra_members(carrier_id: int, first: date, last: date) -> list[CoveredMember]:
    """Continuation coverage (COBRA) elected by a qualified beneficiary, from the day after coverage was lost to its
    end (non-payment or the maximum). A dependent who elected with the worker is covered under the worker's tier and
    billed on the worker's case; one who elected alone is their own subscriber at the employee-only rate. The
    continuant pays the whole premium (no client, no employer share)."""
    from benefits.cobra_models import CobraCase

    plans = {p.id: p for p in db.session.execute(
        sa.select(BenefitPlan).where(BenefitPlan.carrier_id == carrier_id)).scalars()}
    if not plans:
        return []
    cases = db.session.execute(sa.select(CobraCase).where(
        CobraCase.elected_on.is_not(None), CobraCase.coverage_start <= last,
        sa.func.coalesce(CobraCase.coverage_end, CobraCase.coverage_max_end) >= first)).scalars().all()
    by_id = {c.id: c for c in cases}
    out: list[CoveredMember] = []
    for c in cases:
        w, dep = c.worker, c.dependent
        together = dep is not None and c.billed_with_id is not None
        payer = by_id.get(c.billed_with_id) if together else None
        for p in c.plans or []:
            plan = plans.get(int(p["plan_id"]))
            if plan is None:
                continue
            tier = next((q["tier"] for q in (payer.plans if payer else []) if q["plan_id"] == p["plan_id"]),
                        p["tier"])
            premium = ZERO if together else Decimal(str(p["monthly_cost"]))
            out.append(CoveredMember(
                member_id=member_id(w.id, dep.id if dep else None),
                subscriber_id=member_id(w.id, None if (dep is None or together) else dep.id),
                worker_id=w.id, dependent_id=dep.id if dep else None,
                relationship=dep.relationship if dep else "self",
                first_name=dep.first_name if dep else w.first_name, last_name=dep.last_name if dep else w.last_name,
                birth_date=dep.birth_date if dep else w.birth_date, plan_id=plan.id, plan_name=plan.name,
                plan_kind=plan.kind, coverage_tier=tier, start=c.coverage_start,
                end=c.coverage_end or c.coverage_max_end, enrollment_id=p.get("enrollment_id"), client_id=None,
                monthly_premium=premium, employee_monthly=premium, employer_monthly=ZERO, cobra=True))
    return out
