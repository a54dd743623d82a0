"""Portal pages for the worker's paychecks: the list, each paystub PDF and its explanation; the home page's pay card."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Response, render_template
from flask_login import current_user

from backoffice.clock import clock
from backoffice.errors import NotFound
from backoffice.extensions import db
from backoffice.portal import bp
from backoffice.portal.access import own_rows, worker_required
from backoffice.security.access import can, scoped
from payroll.models import Paycheck
from payroll.models import released_runs as _released_runs  # the worker's paycheck scope applies the same rule
from payroll.services.paycheck_figures import paycheck_figures
from payroll.services.paystubs import describe, paystub_data
from reports.paystubs import paystub_pdf as render_paystub
from payroll.services.schedules import schedules_of, upcoming


def _released(stmt):
    return stmt.where(Paycheck.run_id.in_(_released_runs()))


# The list and the home card show a paycheck's figures and its run's state: the run in the same statement (not one
# lazy load per run), and not the stored engine input (a JSON document per row that neither page reads).
_LISTED = (sa.orm.joinedload(Paycheck.run), sa.orm.defer(Paycheck.inputs))


def my_paychecks(limit: int | None = None) -> list[Paycheck]:
    stmt = _released(own_rows(sa.select(Paycheck), "paycheck")).options(*_LISTED)\
        .order_by(Paycheck.pay_date.desc(), Paycheck.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.execute(stmt).scalars())


def last_paid() -> Paycheck | None:
    """The latest paycheck that is not a reversal (what the worker last took home)."""
    stmt = _released(own_rows(sa.select(Paycheck).where(Paycheck.kind != "reversal"), "paycheck")).options(*_LISTED)\
        .order_by(Paycheck.pay_date.desc(), Paycheck.id.desc()).limit(1)
    return db.session.execute(stmt).scalar_one_or_none()


def my_paycheck(paycheck_id) -> Paycheck:
    """The worker's own paycheck of a released run, else 404: own_or_404's check and the release in one statement."""
    if not can(current_user, "paycheck", "read"):
        raise NotFound("paycheck not found")
    stmt = _released(scoped(sa.select(Paycheck).where(Paycheck.id == paycheck_id), current_user, "paycheck"))
    paycheck = db.session.execute(stmt).scalar_one_or_none()
    if paycheck is None:
        raise NotFound(f"paycheck {paycheck_id} not found")
    return paycheck


def explanation(paycheck: Paycheck) -> dict:
    """The paystub's lines with the engine's steps, in plain words: why each tax was withheld."""
    return paystub_data(paycheck.id, with_explanations=True)


def next_pay_date(engagements, today: date) -> date | None:
    """The earliest upcoming pay date (from `today` on) over the worker's active engagements' pay schedules."""
    dates = []
    for schedule in schedules_of({e.pay_schedule_id for e in engagements
                                  if e.status in ("active", "pending") and e.pay_schedule_id is not None}):
        dates += [sp.pay_date for sp in upcoming(schedule, today, 3) if sp.pay_date >= today]
    return min(dates) if dates else None


def home_cards(worker, engagements) -> dict:
    """The portal home's pay card: the next pay date and the last net pay."""
    return {"last": last_paid(), "next_pay": next_pay_date(engagements, clock().today())}


@bp.get("/paychecks")
@worker_required
def paychecks():
    return render_template("portal/paychecks.html", paychecks=my_paychecks(), active_nav="paychecks")


@bp.get("/paychecks/<int:paycheck_id>.pdf")
@worker_required
def paystub_pdf(paycheck_id: int):
    paycheck = my_paycheck(paycheck_id)
    return Response(render_paystub(paycheck.id), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="paystub-{paycheck.pay_date}-{paycheck.id}.pdf"',
        "Cache-Control": "private, no-store"})


@bp.get("/paychecks/<int:paycheck_id>")
@worker_required
def paycheck_explanation(paycheck_id: int):
    paycheck = my_paycheck(paycheck_id)
    return render_template("portal/paycheck.html", paycheck=paycheck, stub=explanation(paycheck),
                           figures=paycheck_figures(paycheck), describe=describe, active_nav="paychecks")
