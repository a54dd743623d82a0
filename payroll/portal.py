"""The worker's paychecks (payroll.models.Paycheck), their paystub PDFs and tax explanations, and the next pay date."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backoffice.errors import NotFound
from backoffice.extensions import db
from backoffice.portal.access import own_or_404, own_rows
from payroll.models import Paycheck, PayrollRun
from payroll.scopes import released_runs as _released_runs  # the worker's paycheck scope applies the same rule




def _released(stmt):
    return stmt.where(Paycheck.run_id.in_(_released_runs()))


def my_paychecks(limit: int | None = None) -> list[Paycheck]:
    stmt = _released(own_rows(sa.select(Paycheck), "paycheck"))\
        .order_by(Paycheck.pay_date.desc(), Paycheck.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.execute(stmt).scalars())


def last_paid() -> Paycheck | None:
    """The latest paycheck that is not a reversal (what the worker last took home)."""
    stmt = _released(own_rows(sa.select(Paycheck).where(Paycheck.kind != "reversal"), "paycheck"))\
        .order_by(Paycheck.pay_date.desc(), Paycheck.id.desc()).limit(1)
    return db.session.execute(stmt).scalar_one_or_none()


def my_paycheck(paycheck_id) -> Paycheck:
    paycheck = own_or_404(Paycheck, "paycheck", paycheck_id)
    if db.session.execute(_released_runs().where(PayrollRun.id == paycheck.run_id)).first() is None:
        raise NotFound(f"paycheck {paycheck.id} not found")
    return paycheck


def explanation(paycheck: Paycheck) -> dict:
    """The paystub's lines with the engine's steps, in plain words: why each tax was withheld."""
    from payroll.services.paystubs import paystub_data

    return paystub_data(paycheck.id, with_explanations=True)


def paystub_pdf(paycheck: Paycheck) -> bytes:
    from payroll.services.paystubs import paystub_pdf as render

    return render(paycheck.id)


def next_pay_date(engagements, today: date) -> date | None:
    """The earliest upcoming pay date (from `today` on) over the worker's active engagements' pay schedules."""
    from payroll.services.schedules import schedule_for_frequency, upcoming

    dates = []
    for freq in sorted({e.pay_frequency for e in engagements if e.status in ("active", "pending")}):
        schedule = schedule_for_frequency(freq)
        if schedule is None:
            continue
        dates += [sp.pay_date for sp in upcoming(schedule, today, 3) if sp.pay_date >= today]
    return min(dates) if dates else None
