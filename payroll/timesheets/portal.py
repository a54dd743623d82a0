"""Portal pages for the worker's time: their weeks (status, hours, and why a week came back), one week with its
approval history, fixing a rejected or disputed week and submitting it again; the home page's open tasks."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from backoffice.extensions import db
from backoffice.portal import bp, form_errors
from backoffice.portal.access import own_or_404, own_rows, worker_required
from backoffice.workers.models import Engagement
from payroll.models import DAYS, Timesheet, TimesheetStatus
from payroll.timesheets import services as timesheets

RECENT_WEEKS = 104      # two years of weeks on the list; older ones through the API
STATUS_BADGES = {"approved": "ok", "rejected": "bad", "disputed": "warn", "submitted": "", "draft": ""}
STATUS_WORDS = {"draft": "draft (not sent)", "submitted": "waiting for approval", "approved": "approved",
                "rejected": "rejected: fix and submit again", "disputed": "disputed by the client: fix and submit again"}


def my_timesheets(limit: int = RECENT_WEEKS) -> list[Timesheet]:
    stmt = own_rows(sa.select(Timesheet), "timesheet").options(
        joinedload(Timesheet.engagement).joinedload(Engagement.client))\
        .order_by(Timesheet.week_start.desc(), Timesheet.id.desc()).limit(limit)
    return list(db.session.execute(stmt).scalars())


def sent_back_tasks(worker) -> list[dict]:
    """Open tasks on the portal home: each rejected or disputed week, with the reason."""
    stmt = own_rows(sa.select(Timesheet), "timesheet").where(
        Timesheet.status.in_((TimesheetStatus.REJECTED, TimesheetStatus.DISPUTED)))\
        .options(joinedload(Timesheet.engagement).joinedload(Engagement.client))\
        .order_by(Timesheet.week_start).limit(20)
    return [{"label": f"Fix your time for {ts.engagement.client.name}, week of {ts.week_start} "
                      f"({ts.status}: {ts.reason})", "url": url_for("portal.timesheet", timesheet_id=ts.id)}
            for ts in db.session.execute(stmt).scalars()]


def _form_data(ts: Timesheet) -> dict:
    data = {"engagement_id": ts.engagement_id, "week_start": ts.week_start,
            "note": request.form.get("note", ts.note), "units": request.form.get("units", ts.units)}
    data.update({d: request.form.get(d, "") for d in DAYS})
    return data


@bp.get("/time")
@worker_required
def timesheets_list():
    return render_template("portal/timesheets.html", sheets=my_timesheets(), words=STATUS_WORDS,
                           badges=STATUS_BADGES, active_nav="time")


@bp.route("/time/<int:timesheet_id>", methods=["GET", "POST"])
@worker_required
def timesheet(timesheet_id: int):
    """One week: the hours, why it came back, its history; a form to fix it while the state table allows a save."""
    ts = own_or_404(Timesheet, "timesheet", timesheet_id)
    status = 200
    refused = None
    if request.method == "POST":
        with form_errors(refusals=True) as refused:
            timesheets.save_timesheet(_form_data(ts), current_user)
            if request.form.get("then") == "submit":
                timesheets.submit_timesheet(ts.id, current_user)
                flash("Saved and submitted for approval.", "success")
            else:
                flash("Saved as a draft; submit it when it is right.", "success")
            return redirect(url_for("portal.timesheet", timesheet_id=ts.id))
        status = 422
        ts = own_or_404(Timesheet, "timesheet", timesheet_id)
    moves = timesheets.allowed_actions(ts, current_user)
    return render_template("portal/timesheet.html", ts=ts, history=timesheets.history(ts), moves=moves,
                           days=DAYS, dates=[ts.week_start + timedelta(days=i) for i in range(7)], words=STATUS_WORDS, badges=STATUS_BADGES, refused=refused,
                           form=request.form if request.method == "POST" else None, active_nav="time"), status


@bp.post("/time/<int:timesheet_id>/submit")
@worker_required
def timesheet_submit(timesheet_id: int):
    ts = own_or_404(Timesheet, "timesheet", timesheet_id)
    with form_errors(refusals=True) as refused:
        timesheets.submit_timesheet(ts.id, current_user)
        flash("Submitted for approval.", "success")
    if refused:
        flash(refused.message, "error")
    return redirect(url_for("portal.timesheet", timesheet_id=ts.id))
