"""Payroll operations API: payroll runs (create, list, progress, checks, state transitions, NACHA file)."""
from __future__ import annotations

from flask import Response
from flask.views import MethodView

from backoffice import validation as v
from backoffice.api import current_api_user, json_body, json_object
from backoffice.clock import clock
from backoffice.dates import optional_date
from backoffice.errors import Issue, NotFound, ValidationFailed
from backoffice.extensions import db
from backoffice.security.access import require
from payroll.api.common import _body, _maybe_body, _one, _page, blp
from payroll.api.schemas import (ChecksOut, HoldIn, HoldOut, PayHoldsIn, ProgressOut, ReasonIn, ReversalRequestOut,
                                 RunArgs, RunIn, RunOut, RunPage)
from payroll.models import PaycheckHold, PayrollRun
from payroll.services import corrections, holds, payments, runs


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
        """Create a draft run: regular {schedule_id, period_containing} or off-cycle {kind, pay_date, items}.
        A pay date today or already past is a 422 on `pay_date` unless `confirm_past_pay_date` is true."""
        user = current_api_user()
        data = json_body()
        if not isinstance(data, dict):
            raise ValidationFailed([Issue("body", "must be an object")])
        issues: list[Issue] = []
        kind = data.get("kind", "regular")
        confirm = data.get("confirm_past_pay_date", False)
        if not isinstance(confirm, bool):
            issues.append(Issue("confirm_past_pay_date", "must be true or false"))
        past = {"today": clock().today(), "confirm_past_pay_date": confirm is True}
        if kind == "regular":
            day = v.a_date("period_containing", data.get("period_containing"), issues)
            if not isinstance(data.get("schedule_id"), int):
                issues.append(Issue("schedule_id", "is required (a number)", "required"))
            if issues:
                raise ValidationFailed(issues)
            return runs.create_regular_run(data["schedule_id"], day, user, **past)
        pay_date = v.a_date("pay_date", data.get("pay_date"), issues)
        if issues:
            raise ValidationFailed(issues)
        return runs.create_off_cycle_run(kind, pay_date, data.get("items") or [], user,
                                         description=str(data.get("description") or ""),
                                         frequency=data.get("frequency") or "biweekly", **past)


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
    """Run checks: the run-level issues that block it, and every paycheck's exception (missing W-4 or W-9, no bank
    account, unapproved time, unsupported state, ...) with what it does: hold the paycheck or note it."""
    _one(PayrollRun, "payroll_run", ident)
    issues = runs.pre_run_checks(ident)
    return {"run_id": ident, "blocking": bool(issues), "issues": [i.as_dict() for i in issues],
            "exceptions": [e.as_dict() for e in runs.paycheck_exceptions(ident)]}


@blp.route("/payroll-runs/<int:ident>/holds", methods=["POST"])
@blp.doc(**_body(HoldIn))
@blp.response(201, HoldOut)
def hold_paycheck(ident):
    """Hold a worker's paycheck out of a draft run with a reason; the run goes on without it."""
    _one(PayrollRun, "payroll_run", ident)
    data = json_object()
    return holds.hold_paycheck(ident, data.get("worker_id"), str(data.get("reason") or ""), current_api_user())


@blp.route("/payroll-runs/<int:ident>/holds/<int:hold_id>", methods=["DELETE"])
@blp.response(204)
def release_hold(ident, hold_id):
    """Take a hold off a draft run: the worker is paid by it after all."""
    _one(PayrollRun, "payroll_run", ident)
    hold = db.session.get(PaycheckHold, hold_id)
    if hold is None or hold.run_id != ident:
        raise NotFound(f"hold {hold_id} not found")
    holds.release_hold(hold_id, current_api_user())
    return ""


@blp.route("/payroll-runs/<int:ident>/pay-holds", methods=["POST"])
@blp.doc(**_body(PayHoldsIn))
@blp.response(201, RunOut)
def pay_holds(ident):
    """An off-cycle run (kind correction) paying the paychecks held out of this run."""
    _one(PayrollRun, "payroll_run", ident)
    data = json_object()
    issues: list[Issue] = []
    pay_date = v.a_date("pay_date", data.get("pay_date"), issues)
    confirm = data.get("confirm_past_pay_date", False)
    if not isinstance(confirm, bool):
        issues.append(Issue("confirm_past_pay_date", "must be true or false"))
    if issues:
        raise ValidationFailed(issues)
    return holds.pay_holds(ident, pay_date, current_api_user(), today=clock().today(),
                           confirm_past_pay_date=confirm)


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
        run = db.session.get(PayrollRun, ident)
        if run.state in ("approved", "paid"):       # the approval's chunks (the leave accrual) not done yet
            runs.resume_approval(ident, user)
        else:
            runs.resume_calculation(ident, user)
        return db.session.get(PayrollRun, ident)
    return corrections.reverse_run(ident, user, str((body or {}).get("reason") or ""), on=clock().today())


@blp.route("/payroll-runs/<int:ident>/calculate", methods=["POST"])
@blp.response(202, RunOut)
def calculate_run(ident):
    """draft → calculating (refused with every pre-run issue); the chunks are computed by Celery."""
    return _run_action(ident, "calculate")


@blp.route("/payroll-runs/<int:ident>/resume", methods=["POST"])
@blp.response(202, RunOut)
def resume_run(ident):
    """Re-send the chunks not done (after a worker died): a calculating run's calculation, an approved or paid
    run's approval (the leave its chunks accrue); safe to repeat."""
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
    """Reverse the whole run by negative paychecks and mirror journal entries; returns the reversal run. A paid run
    needs two people: this carries out an open reversal request made by a different user (409 otherwise)."""
    return _run_action(ident, "reverse")


@blp.route("/payroll-runs/<int:ident>/reversal-request", methods=["POST"])
@blp.doc(**_body(ReasonIn))
@blp.response(201, ReversalRequestOut)
def request_run_reversal(ident):
    """Request the reversal of a paid run; a different user carries it out with POST .../reverse."""
    user = current_api_user()
    _one(PayrollRun, "payroll_run", ident)
    return corrections.request_reversal(user, str((_maybe_body() or {}).get("reason") or ""), run_id=ident)


@blp.route("/payroll-runs/<int:ident>/nacha")
@blp.doc(parameters=[{"in": "query", "name": "effective_date", "required": False, "schema": {"type": "string",
                      "format": "date"}, "description": "the settlement date to ask for when the pay date is past "
                      "or too close for the bank's cut-off (NACHA_CUTOFF_*); refused (422) otherwise"}])
@blp.response(200, {"type": "string", "format": "binary"}, content_type="text/plain")
def run_nacha(ident):
    """The run's NACHA file (PPD credits, company entry description PAYROLL, descriptive date the pay date),
    made on first request and settling on the run's pay date. When the pay date is past or too close for the
    bank's cut-off the request is refused with 422 on `effective_date`, unless `?effective_date=YYYY-MM-DD` (a
    later banking day the cut-off allows) is given."""
    from flask import request

    user = current_api_user()
    _one(PayrollRun, "payroll_run", ident)
    require(user, "payment", "read")
    effective = optional_date(request.args.get("effective_date"), "effective_date")
    f = payments.generate_nacha(ident, user, now=clock().now(), effective_date=effective)
    return Response(f.content, mimetype="text/plain", headers={
        "Content-Disposition": f'attachment; filename="payroll-run-{ident}-{f.file_id_modifier}.ach"'})
