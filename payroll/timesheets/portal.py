"""Portal pages for the worker's time: start a new week (pick the engagement and the week, then a day-by-day grid,
with the units done for piece- or project-paid work), their weeks (status, who approved and when, why a week came
back), one week with its approval history, fixing a rejected or disputed week and submitting it again; the home
page's open tasks. Every write goes through payroll.timesheets.services."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from backoffice.clock import clock
from backoffice.dates import parse_date
from backoffice.extensions import db
from backoffice.security.models import User
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


def sent_back_probe(worker):
    """sent_back_tasks may have a task: a rejected or disputed week among the worker's own."""
    return own_rows(sa.select(Timesheet.id), "timesheet").where(
        Timesheet.status.in_((TimesheetStatus.REJECTED, TimesheetStatus.DISPUTED))).exists()


def sent_back_tasks(worker) -> list[dict]:
    """Open tasks on the portal home: each rejected or disputed week, with the reason."""
    # no eager loading: such weeks are rare, and their engagement and client are the ones the home page has
    # loaded already (the session's identity map answers); the options cost more than the statement on every visit
    stmt = own_rows(sa.select(Timesheet), "timesheet").where(
        Timesheet.status.in_((TimesheetStatus.REJECTED, TimesheetStatus.DISPUTED)))\
        .order_by(Timesheet.week_start).limit(20)
    return [{"label": f"Fix your time for {ts.engagement.client.name}, week of {ts.week_start} "
                      f"({ts.status}: {ts.reason})", "url": url_for("portal.timesheet", timesheet_id=ts.id)}
            for ts in db.session.execute(stmt).scalars()]


def _form_data(ts: Timesheet) -> dict:
    data = {"engagement_id": ts.engagement_id, "week_start": ts.week_start,
            "note": request.form.get("note", ts.note), "units": request.form.get("units", ts.units)}
    data.update({d: request.form.get(d, "") for d in DAYS})
    return data


def approvers(sheets) -> dict[int, str]:
    """The names of the people who approved these sheets, by user id (one query)."""
    ids = {ts.approved_by_id for ts in sheets if ts.approved_by_id}
    if not ids:
        return {}
    return {u.id: u.name or u.email for u in db.session.execute(sa.select(User).where(User.id.in_(ids))).scalars()}


@bp.get("/time")
@worker_required
def timesheets_list():
    sheets = my_timesheets()
    return render_template("portal/timesheets.html", sheets=sheets, words=STATUS_WORDS, approvers=approvers(sheets),
                           badges=STATUS_BADGES, may_start=bool(timesheets.may_enter(current_user)), active_nav="time")


WEEKS_BACK, WEEKS_AHEAD = 4, 1      # the weeks offered on the new-week page (any Monday may still be typed in)


def week_choices(today: date) -> list[date]:
    monday = today - timedelta(days=today.weekday())
    return [monday + timedelta(days=7 * i) for i in range(WEEKS_AHEAD, -WEEKS_BACK - 1, -1)]


def _picked(engagements: list[Engagement], args) -> tuple[Engagement | None, date | None, dict]:
    """The engagement and week chosen on the new-week page (from the query string or the form); errors by field."""
    errors: dict[str, list[str]] = {}
    eng = week = None
    raw = args.get("engagement_id")
    if raw:
        eng = next((e for e in engagements if str(e.id) == str(raw)), None)
        if eng is None:
            errors["engagement_id"] = ["pick one of your engagements paid by the hour, piece or project"]
    raw_week = args.get("week_start")
    if raw_week:
        try:
            week = parse_date(raw_week)
        except ValueError as exc:
            errors["week_start"] = [str(exc)]
        else:
            if week.weekday() != 0:
                errors["week_start"] = [f"{week} is a {week:%A}; a timesheet week starts on Monday"]
                week = None
    return eng, week, errors


@bp.route("/time/new", methods=["GET", "POST"])
@worker_required
def timesheet_new():
    """Start a week: first the engagement and the week (a GET form), then the grid of that engagement's week
    (hours per day; the units done when it is paid by the piece or project); save a draft or save and submit.
    A week the engagement already has is refused, naming the week."""
    today = clock().today()
    engagements = timesheets.enterable_engagements(current_user, today)
    source = request.form if request.method == "POST" else request.args
    eng, week, errors = _picked(engagements, source)
    refused = None
    status = 200
    if request.method == "POST" and eng is not None and week is not None and not errors:
        data = {"engagement_id": eng.id, "week_start": week, "note": request.form.get("note", ""),
                **{d: request.form.get(d, "") for d in DAYS}}
        if eng.pay_unit in timesheets.UNIT_PAY_UNITS:
            data["units"] = request.form.get("units", "")
        with form_errors(refusals=True) as refused:
            ts = timesheets.save_timesheet(data, current_user, new_only=True)
            if request.form.get("then") == "submit":
                timesheets.submit_timesheet(ts.id, current_user)
                flash("Saved and submitted for approval.", "success")
            else:
                flash("Saved as a draft; submit it when it is right.", "success")
            return redirect(url_for("portal.timesheet", timesheet_id=ts.id), 303)
        status = 422
        errors.update(refused.errors if refused else {})
    elif request.method == "POST":
        status = 422
        errors.setdefault("engagement_id" if eng is None else "week_start", ["is required"])
    grid = eng is not None and week is not None and not errors.get("week_start") and not errors.get(
        "engagement_id") and not request.args.get("change")
    return render_template("portal/timesheet_new.html", engagements=engagements, eng=eng, week=week,
                           weeks=week_choices(today), grid=grid, errors=errors, refused=refused, days=DAYS,
                           dates=[week + timedelta(days=i) for i in range(7)] if week else [],
                           units=bool(eng and eng.pay_unit in timesheets.UNIT_PAY_UNITS),
                           form=request.form if request.method == "POST" else None, active_nav="time"), status


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
                           approved_by=approvers([ts]).get(ts.approved_by_id), days=DAYS,
                           units=ts.engagement.pay_unit in timesheets.UNIT_PAY_UNITS or bool(ts.units), dates=[ts.week_start + timedelta(days=i) for i in range(7)], words=STATUS_WORDS, badges=STATUS_BADGES, refused=refused,
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
