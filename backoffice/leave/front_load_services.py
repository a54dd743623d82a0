"""Front-loading: a sick-law policy that grants the law's yearly amount at the start of each policy year instead of
accruing it hour by hour (California 40 hours or five days, Colorado 48, Chicago 40 …: engine.front_load). The
grant is a `grant` ledger entry; where the law does not require the carryover of front-loaded leave, the balance
left from the previous year's grant lapses (a `forfeiture`) as the new grant is made. Hours worked under such a
policy earn nothing more (the accrual passes `front_loaded`)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backoffice.errors import DomainError
from backoffice.extensions import db
from backoffice.leave import engine
from backoffice.leave.models import LeaveBalance, LeaveEntry, LeavePolicy
from backoffice.leave.services import employer_net_income, employer_size, normal_day, post, year_start
from backoffice.uow import transaction


def _granted_since(row: LeaveBalance, since: date) -> bool:
    return db.session.execute(sa.select(LeaveEntry.id).where(
        LeaveEntry.worker_id == row.worker_id, LeaveEntry.policy_id == row.policy_id, LeaveEntry.kind == "grant",
        LeaveEntry.on >= since).limit(1)).first() is not None


def grant_year(row: LeaveBalance, policy: LeavePolicy, start: date, on: date | None = None) -> LeaveEntry | None:
    """The policy year's grant for one balance, dated `on` (default: the year's first day; a worker hired during
    the year: their start) — nothing when this policy year's grant was already made: safe to run twice."""
    if _granted_since(row, start):
        return None
    on = on or start
    law = engine.applicable(policy.jurisdiction, on, employer_size(on), net_income=employer_net_income())
    grant = engine.front_load(law, normal_day(row.worker_id, policy))     # "40 hours or five days"
    lines = grant.explanation
    previous = year_start(start.replace(year=start.year - 1), policy)
    if not grant.carryover_required and row.balance > 0 and _granted_since(row, previous):
        post(row, "forfeiture", -row.balance, on, explanation=(
            f"{engine.show(row.balance)} hours left of last year's front-loaded grant lapse "
            f"({law.source('front_load')}).",))
    return post(row, "grant", grant.hours, on, explanation=lines)


def grant_at_start(eng) -> list[LeaveEntry]:
    """A new leased engagement under a front-loading law's policy: the worker's balance is made and this policy
    year's grant given at the engagement's start, so it is there on day one instead of waiting for the first run
    and the next daily task (workers' ENGAGEMENT_CHANGED hook, in the engagement's unit of work). A worker granted
    this year already (another client, a rehire) gets nothing more."""
    from backoffice.leave.services import balance_row, jurisdictions_of

    codes = [f"{c}-SICK" for c in jurisdictions_of(eng)]
    if not codes:
        return []
    out = []
    for policy in db.session.execute(sa.select(LeavePolicy).where(
            LeavePolicy.code.in_(codes), LeavePolicy.kind == "sick_law", LeavePolicy.front_load.is_(True),
            LeavePolicy.active.is_(True)).order_by(LeavePolicy.id)).scalars():
        try:
            engine.applicable(policy.jurisdiction, eng.start_date, employer_size(eng.start_date),
                              net_income=employer_net_income())
        except DomainError as e:
            if e.code not in ("not_in_force", "not_covered"):
                raise
            continue                     # the law is not in force then, or not for an employer of this size
        row = balance_row(eng.worker_id, policy, eng.start_date)
        entry = grant_year(row, policy, year_start(eng.start_date, policy), on=eng.start_date)
        if entry is not None:
            out.append(entry)
    return out


def grant_front_loads(today: date) -> int:
    """Make this policy year's grant for every balance under a front-loading policy (the daily task, after the
    anniversary's carryover). Returns how many grants were made."""
    from backoffice.leave.accrual_services import roll_years

    roll_years(today)
    n = 0
    with transaction():
        rows = db.session.execute(sa.select(LeaveBalance).join(LeavePolicy).where(
            LeavePolicy.kind == "sick_law", LeavePolicy.front_load.is_(True), LeavePolicy.active.is_(True))
            .order_by(LeaveBalance.id)).scalars().all()
        for row in rows:
            start = year_start(today, row.policy)
            if row.policy_year_start < start:
                continue                 # not rolled (roll_years does it first)
            if grant_year(row, row.policy, start) is not None:
                n += 1
    return n
