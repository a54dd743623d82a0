"""The once-per-period rule for salary: claim a paycheck's days, release them on reversal, explain a refusal."""
from __future__ import annotations

from contextlib import nullcontext
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue
from backoffice.extensions import db
from backoffice.workers.models import Engagement
from payroll.models import PaidSalaryPeriod, PayrollRun

from .common import id_in, is_postgres

SALARY_UNITS = ("week", "year")     # the pay units a regular run pays by the period (earnings_for: "salary")


def overlaps(engagement_ids, start: date, end: date, *, except_run: int | None = None) -> list:
    """Unreleased claims of these engagements that share a day with [start, end] (dates inclusive); rows of
    (engagement_id, period_start, period_end, paycheck_id, run_id). `engagement_ids` is a list or a select."""
    cond = (PaidSalaryPeriod.engagement_id.in_(engagement_ids) if isinstance(engagement_ids, sa.Select)
            else id_in(PaidSalaryPeriod.engagement_id, list(engagement_ids)))
    return list(db.session.execute(sa.select(
        PaidSalaryPeriod.engagement_id, PaidSalaryPeriod.period_start, PaidSalaryPeriod.period_end,
        PaidSalaryPeriod.paycheck_id, PaidSalaryPeriod.run_id).where(
        cond, PaidSalaryPeriod.released_at.is_(None), PaidSalaryPeriod.period_start <= end,
        PaidSalaryPeriod.period_end >= start, PaidSalaryPeriod.run_id != (except_run or 0)).order_by(PaidSalaryPeriod.engagement_id, PaidSalaryPeriod.period_start)))


def _words(row, start: date, end: date) -> str:
    return (f"salary for {start}–{end} overlaps {row.period_start}–{row.period_end}, already paid by paycheck "
            f"#{row.paycheck_id} (run #{row.run_id}); reverse that paycheck first if it was wrong")


def run_issues(run: PayrollRun, in_scope: sa.ColumnElement[bool]) -> list[Issue]:
    """Pre-run check of a regular run: each salaried engagement in scope (in_scope: the run's condition on
    engagements) whose period is already paid."""
    if run.kind != "regular":
        return []
    salaried = sa.select(Engagement.id).where(in_scope, Engagement.pay_unit.in_(SALARY_UNITS))
    return [Issue(f"engagements[{row.engagement_id}]", _words(row, run.period_start, run.period_end),
                  "period_already_paid")
            for row in overlaps(salaried, run.period_start, run.period_end, except_run=run.id)]


def claim(run: PayrollRun, paychecks: list[tuple[int, int]], start: date, end: date) -> None:
    """Claim [start, end] for each (engagement_id, paycheck_id). The database refuses an overlap with an unreleased
    claim (EXCLUDE on PostgreSQL, a trigger on SQLite) even when two calculations race past the pre-run check;
    the refusal becomes a DomainError naming the engagement and both periods. On PostgreSQL the insert runs in a
    savepoint so the transaction can still read what it collided with; a failed SQLite statement leaves the
    transaction usable."""
    if not paychecks:
        return
    rows = [{"engagement_id": e, "paycheck_id": p, "run_id": run.id, "period_start": start, "period_end": end}
            for e, p in paychecks]
    try:
        with db.session.begin_nested() if is_postgres() else nullcontext():
            # one cached statement sent as multi-row INSERTs of 1,000 rows (SQLAlchemy's "insertmanyvalues", which
            # it uses for an executemany with RETURNING; without it, one INSERT a row). A .values(rows) statement
            # was compiled anew for every chunk: ~100 µs of client CPU a claim, 10 µs a worker of a run.
            db.session.connection().execute(sa.insert(PaidSalaryPeriod.__table__).returning(PaidSalaryPeriod.id), rows)
    except IntegrityError as exc:
        clash = overlaps([e for e, _ in paychecks], start, end)
        if not clash:
            raise
        row = clash[0]
        raise DomainError(f"engagement #{row.engagement_id}: {_words(row, start, end)}",
                          code="period_already_paid") from exc


def release(pairs: list[tuple[int, int]]) -> None:
    """A reversal releases the claim of the paycheck it reverses: (reversed paycheck id, reversal paycheck id)."""
    now = utcnow()
    for paycheck_id, by in pairs:
        db.session.execute(sa.update(PaidSalaryPeriod).where(PaidSalaryPeriod.paycheck_id == paycheck_id,
                                                             PaidSalaryPeriod.released_at.is_(None))
                           .values(released_at=now, released_by_paycheck_id=by),
                           execution_options={"synchronize_session": False})


def claim_again(original_paycheck_id: int, run: PayrollRun, new_paycheck_id: int) -> None:
    """A re-issue pays the days its original paid (and whose claim the reversal released)."""
    for old in db.session.execute(sa.select(PaidSalaryPeriod).where(
            PaidSalaryPeriod.paycheck_id == original_paycheck_id).order_by(PaidSalaryPeriod.id)).scalars().all():
        claim(run, [(old.engagement_id, new_paycheck_id)], old.period_start, old.period_end)
