"""Payroll operations API: pay schedules and timesheets (list, one with its history, create, submit, approve, reject,
dispute)."""
from __future__ import annotations

from flask.views import MethodView

from backoffice.api import current_api_user, json_body, json_object
from backoffice.errors import Issue, ValidationFailed
from backoffice.security.access import require
from payroll.api.common import _body, _maybe_body, _one, _page, blp
from payroll.api.schemas import (PageArgs, RequiredReasonIn, ScheduleIn, ScheduleOut, TimesheetArgs,
                                 TimesheetDetailOut, TimesheetIn, TimesheetOut, TimesheetPage)
from payroll.models import PaySchedule, Timesheet
from payroll.services import schedules
from payroll.timesheets import services as timesheets


@blp.route("/pay-schedules")
class SchedulesView(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, ScheduleOut(many=True))
    def get(self, args):
        """Pay schedules."""
        return _page(PaySchedule, "pay_schedule", args, [], PaySchedule.id)["items"]

    @blp.doc(**_body(ScheduleIn))
    @blp.response(201, ScheduleOut)
    def post(self):
        """Create a pay schedule (frequency, first period start, days from period end to pay date)."""
        require(current_api_user(), "pay_schedule", "create")
        return schedules.create_schedule(json_object())


# ---------------------------------------------------------------- timesheets
@blp.route("/timesheets")
class TimesheetsView(MethodView):
    @blp.arguments(TimesheetArgs, location="query")
    @blp.response(200, TimesheetPage)
    def get(self, args):
        """Timesheets (a worker sees their own; a client approver their client's)."""
        f = []
        if args["status"]:
            f.append(Timesheet.status == args["status"])
        if args["engagement_id"]:
            f.append(Timesheet.engagement_id == args["engagement_id"])
        return _page(Timesheet, "timesheet", args, f, Timesheet.id.desc())

    @blp.doc(**_body(TimesheetIn))
    @blp.response(201, TimesheetOut)
    def post(self):
        """Enter or replace a week's time (HR, or the worker for their own engagement). Approved time is locked."""
        user = current_api_user()
        require(user, "timesheet", "write")
        body = json_body()
        if not isinstance(body, dict):
            raise ValidationFailed([Issue("body", "must be an object")])
        return timesheets.save_timesheet(body, user)


@blp.route("/timesheets/<int:ident>")
@blp.response(200, TimesheetDetailOut)
def timesheet_detail(ident):
    """One week with its reasons and approval history (`history`: who entered, submitted, approved, rejected or
    disputed it, when and why). Another worker's or client's sheet is a 404."""
    ts = _one(Timesheet, "timesheet", ident)
    ts.history = timesheets.history(ts)
    return ts


def _reason() -> str:
    """The body's `reason` (a string); anything else is a 422 naming `reason`."""
    reason = _maybe_body().get("reason")
    if reason is not None and not isinstance(reason, str):
        raise ValidationFailed([Issue("reason", "must be text", "invalid")])
    return reason or ""


def _ts_action(ident: int, action: str):
    user = current_api_user()
    _one(Timesheet, "timesheet", ident)
    if action == "submit":
        return timesheets.submit_timesheet(ident, user)
    if action == "approve":
        return timesheets.approve_timesheet(ident, user)
    if action == "dispute":
        return timesheets.dispute_timesheet(ident, user, _reason())
    return timesheets.reject_timesheet(ident, user, _reason())


@blp.route("/timesheets/<int:ident>/submit", methods=["POST"])
@blp.response(200, TimesheetOut)
def submit_timesheet(ident):
    """Submit a draft week for approval."""
    return _ts_action(ident, "submit")


@blp.route("/timesheets/<int:ident>/approve", methods=["POST"])
@blp.response(200, TimesheetOut)
def approve_timesheet(ident):
    """Approve a week (the client's approver or HR); approved time is locked and paid by the next run."""
    return _ts_action(ident, "approve")


@blp.route("/timesheets/<int:ident>/reject", methods=["POST"])
@blp.doc(**_body(RequiredReasonIn))
@blp.response(200, TimesheetOut)
def reject_timesheet(ident):
    """Send a submitted week back to the worker with a reason (`{"reason": ...}`, required: 422 naming `reason`)."""
    return _ts_action(ident, "reject")


@blp.route("/timesheets/<int:ident>/dispute", methods=["POST"])
@blp.doc(**_body(RequiredReasonIn))
@blp.response(200, TimesheetOut)
def dispute_timesheet(ident):
    """The client's approver disputes a submitted week with a reason (`{"reason": ...}`, required: 422 naming
    `reason`); HR and the worker fix it and submit it again."""
    return _ts_action(ident, "dispute")
