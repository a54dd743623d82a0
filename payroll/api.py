"""Payroll operations API: pay schedules, timesheets, payroll runs (with progress and NACHA), paychecks and paystubs."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from backoffice.api import current_api_user, json_body
from backoffice.errors import Issue, NotFound, ValidationFailed
from backoffice.extensions import db
from backoffice.security.access import require, scoped
from payroll.models import RUN_KINDS, RUN_STATES, TIMESHEET_STATUSES, Paycheck, PaycheckLine, PaySchedule, PayrollRun, \
    Timesheet
from payroll.services import payments, runs, schedules, timesheets
from payroll.services.explain import line_explanations
from payroll.services.paystubs import paystub_pdf

blp = Blueprint("payroll", __name__, url_prefix="/api/v1", description="Payroll operations")


def blueprints() -> list[Blueprint]:
    return [blp]


def _body(schema):
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _maybe_body() -> dict:
    """The JSON body when one was sent (reasons are optional)."""
    from flask import request

    body = json_body() if request.get_data(cache=True) else {}
    return body if isinstance(body, dict) else {}


def _date(data: dict, key: str, issues: list[Issue], required: bool = True) -> date | None:
    v = data.get(key)
    if v is None:
        if required:
            issues.append(Issue(key, "is required", "required"))
        return None
    try:
        return date.fromisoformat(str(v))
    except ValueError:
        issues.append(Issue(key, "must be a date (YYYY-MM-DD)"))
        return None


# ---------------------------------------------------------------- schemas
class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class RunArgs(PageArgs):
    state = fields.String(load_default=None, validate=validate.OneOf(RUN_STATES))
    kind = fields.String(load_default=None, validate=validate.OneOf(RUN_KINDS))


class RunOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    state = fields.String()
    pay_schedule_id = fields.Integer(allow_none=True)
    frequency = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    pay_date = fields.Date()
    description = fields.String()
    prepared_by_id = fields.Integer(allow_none=True)
    approved_by_id = fields.Integer(allow_none=True)
    reverses_run_id = fields.Integer(allow_none=True)
    chunks_total = fields.Integer()
    chunks_done = fields.Integer()
    progress_percent = fields.Integer()
    error = fields.String()
    paycheck_count = fields.Integer()
    total_gross = fields.Decimal(as_string=True)
    total_employee_taxes = fields.Decimal(as_string=True)
    total_employer_taxes = fields.Decimal(as_string=True)
    total_deductions = fields.Decimal(as_string=True)
    total_net = fields.Decimal(as_string=True)


class RunPage(Schema):
    items = fields.List(fields.Nested(RunOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class RunIn(Schema):
    kind = fields.String(validate=validate.OneOf(("regular", "bonus", "correction", "final")),
                         metadata={"description": "regular (default) or an off-cycle kind"})
    schedule_id = fields.Integer(metadata={"description": "regular runs: the pay schedule"})
    period_containing = fields.Date(metadata={"description": "regular runs: any day of the period to pay"})
    pay_date = fields.Date(metadata={"description": "off-cycle runs"})
    frequency = fields.String(metadata={"description": "off-cycle runs: withholding frequency (default biweekly)"})
    description = fields.String()
    items = fields.List(fields.Dict(), metadata={"description": "off-cycle runs: [{engagement_id, code, amount, note}]"})


class ReasonIn(Schema):
    reason = fields.String()


class IssueOut(Schema):
    field = fields.String()
    message = fields.String()
    code = fields.String()


class ChecksOut(Schema):
    run_id = fields.Integer()
    blocking = fields.Boolean()
    issues = fields.List(fields.Nested(IssueOut))


class ProgressOut(Schema):
    state = fields.String()
    chunks_done = fields.Integer()
    chunks_total = fields.Integer()
    percent = fields.Integer()
    error = fields.String()


class LineOut(Schema):
    kind = fields.String()
    code = fields.String()
    state = fields.String()
    amount = fields.Decimal(as_string=True)
    hours = fields.Decimal(as_string=True, allow_none=True)
    rate = fields.Decimal(as_string=True, allow_none=True)
    explanation = fields.List(fields.String())


class PaycheckOut(Schema):
    id = fields.Integer()
    run_id = fields.Integer()
    engagement_id = fields.Integer()
    worker_id = fields.Integer()
    kind = fields.String()
    worker_type = fields.String()
    work_state = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    pay_date = fields.Date()
    gross = fields.Decimal(as_string=True)
    employee_taxes = fields.Decimal(as_string=True)
    employer_taxes = fields.Decimal(as_string=True)
    deductions = fields.Decimal(as_string=True)
    net = fields.Decimal(as_string=True)
    reverses_id = fields.Integer(allow_none=True)
    reissue_of_id = fields.Integer(allow_none=True)


class PaycheckDetail(PaycheckOut):
    lines = fields.List(fields.Nested(LineOut))


class PaycheckArgs(PageArgs):
    run_id = fields.Integer(load_default=None)
    worker_id = fields.Integer(load_default=None)


class PaycheckPage(Schema):
    items = fields.List(fields.Nested(PaycheckOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class TimesheetOut(Schema):
    id = fields.Integer()
    engagement_id = fields.Integer()
    week_start = fields.Date()
    hours_mon = fields.Decimal(as_string=True)
    hours_tue = fields.Decimal(as_string=True)
    hours_wed = fields.Decimal(as_string=True)
    hours_thu = fields.Decimal(as_string=True)
    hours_fri = fields.Decimal(as_string=True)
    hours_sat = fields.Decimal(as_string=True)
    hours_sun = fields.Decimal(as_string=True)
    units = fields.Decimal(as_string=True)
    total_hours = fields.Decimal(as_string=True)
    status = fields.String()
    source = fields.String()
    paid_run_id = fields.Integer(allow_none=True)


class TimesheetIn(Schema):
    engagement_id = fields.Integer(required=True)
    week_start = fields.Date(required=True, metadata={"description": "a Monday"})
    mon = fields.Decimal(as_string=True)
    tue = fields.Decimal(as_string=True)
    wed = fields.Decimal(as_string=True)
    thu = fields.Decimal(as_string=True)
    fri = fields.Decimal(as_string=True)
    sat = fields.Decimal(as_string=True)
    sun = fields.Decimal(as_string=True)
    units = fields.Decimal(as_string=True)
    note = fields.String()


class TimesheetArgs(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(TIMESHEET_STATUSES))
    engagement_id = fields.Integer(load_default=None)


class TimesheetPage(Schema):
    items = fields.List(fields.Nested(TimesheetOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class ScheduleOut(Schema):
    id = fields.Integer()
    name = fields.String()
    frequency = fields.String()
    anchor_start = fields.Date()
    pay_lag_days = fields.Integer()
    active = fields.Boolean()


class ScheduleIn(Schema):
    name = fields.String(required=True)
    frequency = fields.String(required=True, validate=validate.OneOf(schedules.FREQUENCIES))
    anchor_start = fields.Date(required=True)
    pay_lag_days = fields.Integer()
    active = fields.Boolean()


def _page(model, perm, args, filters, order):
    user = current_api_user()
    require(user, perm, "read")
    stmt = scoped(sa.select(model), user, perm)
    count = scoped(sa.select(sa.func.count()).select_from(model), user, perm)
    for f in filters:
        stmt, count = stmt.where(f), count.where(f)
    total = db.session.execute(count).scalar_one()
    rows = db.session.execute(stmt.order_by(order).limit(args["per_page"])
                              .offset((args["page"] - 1) * args["per_page"])).scalars().all()
    return {"items": rows, "page": args["page"], "per_page": args["per_page"], "total": total}


def _one(model, perm, ident):
    user = current_api_user()
    require(user, perm, "read")
    obj = db.session.execute(scoped(sa.select(model).where(model.id == ident), user, perm)).scalar_one_or_none()
    if obj is None:
        raise NotFound(f"{perm} {ident} not found")
    return obj


# ---------------------------------------------------------------- pay schedules
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
        return schedules.create_schedule(json_body())


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


def _ts_action(ident: int, action: str):
    user = current_api_user()
    _one(Timesheet, "timesheet", ident)
    if action == "submit":
        return timesheets.submit_timesheet(ident, user)
    if action == "approve":
        return timesheets.approve_timesheet(ident, user)
    return timesheets.reject_timesheet(ident, user, str(_maybe_body().get("reason") or ""))


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
@blp.doc(**_body(ReasonIn))
@blp.response(200, TimesheetOut)
def reject_timesheet(ident):
    """Send a submitted week back with a reason."""
    return _ts_action(ident, "reject")


# ---------------------------------------------------------------- runs
@blp.route("/payroll-runs")
class RunsView(MethodView):
    @blp.arguments(RunArgs, location="query")
    @blp.response(200, RunPage)
    def get(self, args):
        """Payroll runs, newest first (filter by state and kind)."""
        f = []
        if args["state"]:
            f.append(PayrollRun.state == args["state"])
        if args["kind"]:
            f.append(PayrollRun.kind == args["kind"])
        return _page(PayrollRun, "payroll_run", args, f, PayrollRun.id.desc())

    @blp.doc(**_body(RunIn))
    @blp.response(201, RunOut)
    def post(self):
        """Create a draft run: regular {schedule_id, period_containing} or off-cycle {kind, pay_date, items}."""
        user = current_api_user()
        data = json_body()
        if not isinstance(data, dict):
            raise ValidationFailed([Issue("body", "must be an object")])
        issues: list[Issue] = []
        kind = data.get("kind", "regular")
        if kind == "regular":
            day = _date(data, "period_containing", issues)
            if not isinstance(data.get("schedule_id"), int):
                issues.append(Issue("schedule_id", "is required (a number)", "required"))
            if issues:
                raise ValidationFailed(issues)
            return runs.create_regular_run(data["schedule_id"], day, user)
        pay_date = _date(data, "pay_date", issues)
        if issues:
            raise ValidationFailed(issues)
        return runs.create_off_cycle_run(kind, pay_date, data.get("items") or [], user,
                                         description=str(data.get("description") or ""),
                                         frequency=data.get("frequency") or "biweekly")


@blp.route("/payroll-runs/<int:ident>")
@blp.response(200, RunOut)
def get_run(ident):
    """One run with its totals and calculation progress."""
    return _one(PayrollRun, "payroll_run", ident)


@blp.route("/payroll-runs/<int:ident>/progress")
@blp.response(200, ProgressOut)
def run_progress(ident):
    """Calculation progress (polled by the admin progress bar)."""
    run = _one(PayrollRun, "payroll_run", ident)
    return {"state": run.state, "chunks_done": run.chunks_done, "chunks_total": run.chunks_total,
            "percent": run.progress_percent, "error": run.error}


@blp.route("/payroll-runs/<int:ident>/checks")
@blp.response(200, ChecksOut)
def run_checks(ident):
    """Pre-run checks: every blocking issue (missing W-4/W-9, no bank account, unapproved time, ...)."""
    _one(PayrollRun, "payroll_run", ident)
    issues = runs.pre_run_checks(ident)
    return {"run_id": ident, "blocking": bool(issues), "issues": [i.as_dict() for i in issues]}


def _run_action(ident: int, action: str):
    user = current_api_user()
    _one(PayrollRun, "payroll_run", ident)
    body = _maybe_body() if action == "reverse" else {}
    if action == "calculate":
        return runs.start_calculation(ident, user)
    if action == "approve":
        return runs.approve_run(ident, user)
    if action == "pay":
        return runs.mark_paid(ident, user)
    if action == "resume":
        runs.resume_calculation(ident, user)
        return db.session.get(PayrollRun, ident)
    return runs.reverse_run(ident, user, str((body or {}).get("reason") or ""))


@blp.route("/payroll-runs/<int:ident>/calculate", methods=["POST"])
@blp.response(202, RunOut)
def calculate_run(ident):
    """draft → calculating (refused with every pre-run issue); the chunks are computed by Celery."""
    return _run_action(ident, "calculate")


@blp.route("/payroll-runs/<int:ident>/resume", methods=["POST"])
@blp.response(202, RunOut)
def resume_run(ident):
    """Re-send the chunks not done (after a worker died); safe to repeat."""
    return _run_action(ident, "resume")


@blp.route("/payroll-runs/<int:ident>/approve", methods=["POST"])
@blp.response(200, RunOut)
def approve_run(ident):
    """calculated → approved, by a user other than the preparer."""
    return _run_action(ident, "approve")


@blp.route("/payroll-runs/<int:ident>/pay", methods=["POST"])
@blp.response(200, RunOut)
def pay_run(ident):
    """approved → paid (after the NACHA file); paying twice is refused."""
    return _run_action(ident, "pay")


@blp.route("/payroll-runs/<int:ident>/reverse", methods=["POST"])
@blp.doc(**_body(ReasonIn))
@blp.response(200, RunOut)
def reverse_run(ident):
    """Reverse the whole run by negative paychecks and mirror journal entries; returns the reversal run."""
    return _run_action(ident, "reverse")


@blp.route("/payroll-runs/<int:ident>/nacha")
@blp.response(200, {"type": "string", "format": "binary"}, content_type="text/plain")
def run_nacha(ident):
    """The run's NACHA file (PPD credits, company entry description PAYROLL); made on first request."""
    user = current_api_user()
    _one(PayrollRun, "payroll_run", ident)
    require(user, "payment", "read")
    f = payments.generate_nacha(ident, user)
    return Response(f.content, mimetype="text/plain", headers={
        "Content-Disposition": f'attachment; filename="payroll-run-{ident}-{f.file_id_modifier}.ach"'})


# ---------------------------------------------------------------- paychecks
@blp.route("/paychecks")
@blp.arguments(PaycheckArgs, location="query")
@blp.response(200, PaycheckPage)
def list_paychecks(args):
    """Paychecks (a worker sees their own)."""
    f = []
    if args["run_id"]:
        f.append(Paycheck.run_id == args["run_id"])
    if args["worker_id"]:
        f.append(Paycheck.worker_id == args["worker_id"])
    return _page(Paycheck, "paycheck", args, f, Paycheck.id.desc())


@blp.route("/paychecks/<int:ident>")
@blp.response(200, PaycheckDetail)
def get_paycheck(ident):
    """One paycheck with every line and the engine's explanation of it."""
    p = _one(Paycheck, "paycheck", ident)
    words = line_explanations(p)
    lines = db.session.execute(sa.select(PaycheckLine).where(PaycheckLine.paycheck_id == p.id)
                               .order_by(PaycheckLine.id)).scalars().all()
    out = {name: getattr(p, name) for name in PaycheckOut._declared_fields}
    out["lines"] = [{"kind": ln.kind, "code": ln.code, "state": ln.state, "amount": ln.amount, "hours": ln.hours,
                     "rate": ln.rate, "explanation": words.get(ln.id) or ln.explanation or []} for ln in lines]
    return out


@blp.route("/paychecks/<int:ident>/paystub.pdf")
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
def paystub(ident):
    """The paystub PDF: for the worker who owns the paycheck and the roles allowed to read paychecks."""
    _one(Paycheck, "paycheck", ident)
    return Response(paystub_pdf(ident), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="paystub-{ident}.pdf"'})


@blp.route("/paychecks/<int:ident>/reverse", methods=["POST"])
@blp.doc(**_body(ReasonIn))
@blp.response(200, PaycheckOut)
def reverse_paycheck(ident):
    """Reverse one paycheck (a negative paycheck in a reversal run)."""
    user = current_api_user()
    _one(Paycheck, "paycheck", ident)
    return runs.reverse_paycheck(ident, user, str(_maybe_body().get("reason") or ""))


@blp.route("/paychecks/<int:ident>/reissue", methods=["POST"])
@blp.response(201, RunOut)
def reissue_paycheck(ident):
    """Re-issue a reversed paycheck in a correction run (to be approved and paid)."""
    user = current_api_user()
    _one(Paycheck, "paycheck", ident)
    return runs.reissue_paycheck(ident, user)
