"""Portal pages for the worker's leave: balances per policy, the request form (built for a phone: the days, the
hours, a reason category), their requests with the decision, and the ledger behind each balance."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from backoffice.leave import case_services, services
from backoffice.leave.models import REASONS
from backoffice.portal import bp, form_errors
from backoffice.portal.access import own_or_404, worker_required
from backoffice.leave.models import LeaveRequest
from backoffice.security.access import can

STATUS_BADGES = {"submitted": "", "approved": "ok", "paid": "ok", "declined": "bad", "cancelled": "warn"}
STATUS_WORDS = {"submitted": "waiting for approval", "approved": "approved: paid with your next paycheck",
                "paid": "paid", "declined": "declined", "cancelled": "cancelled"}
FORM_FIELDS = ("policy_id", "start_date", "end_date", "hours", "reason", "note", "documentation")


def home_balances(worker, engagements) -> dict:
    """The portal home's card: the worker's leave balances (when they have any)."""
    if not can(current_user, "leave_balance", "read"):
        return {}
    rows = services.balances_of(worker.id)
    return {"leave_balances": rows} if rows else {}


@bp.route("/leave", methods=["GET", "POST"])
@worker_required
def leave():
    """Balances, the request form and the worker's requests on one page."""
    worker_id = int(current_user.worker_id)
    status = 200
    refused = None
    if request.method == "POST":
        with form_errors() as refused:
            data = {k: request.form.get(k, "") for k in FORM_FIELDS}
            upload = request.files.get("document")
            if upload is not None and upload.filename:
                data["document"] = upload.read(services.MAX_DOCUMENT_BYTES + 1)
                data["document_name"] = upload.filename
            req = services.request_leave(current_user, data)
            flash(f"Your request for {services.engine.show(req.hours)} hours was sent for approval.", "success")
            return redirect(url_for("portal.leave"))
        status = 422
    options = services.policies_for_worker(worker_id)
    # the normal workday HR recorded per engagement (sick-leave caps written "N hours or M days" read it)
    days = sorted({(eng.client.name, eng.normal_day_hours) for _p, eng in options if eng.normal_day_hours})
    return render_template(
        "portal/leave.html", balances=services.balances_of(worker_id), options=options, reasons=REASONS,
        requests=services.requests_of(worker_id), cases=[(c, case_services.benefits_continuation(c)) for c in case_services.cases_of(worker_id)], words=STATUS_WORDS, badges=STATUS_BADGES, refused=refused, normal_days=days,
        form=request.form if request.method == "POST" else None, active_nav="leave"), status


@bp.get("/leave/ledger")
@worker_required
def leave_ledger():
    """Every accrual, use, carryover and forfeiture behind the balances, with the law's reasoning."""
    return render_template("portal/leave_ledger.html", entries=services.ledger_of(int(current_user.worker_id)),
                           active_nav="leave")


@bp.post("/leave/requests/<int:request_id>/cancel")
@worker_required
def leave_cancel(request_id: int):
    own_or_404(LeaveRequest, "leave_request", request_id)
    with form_errors(refusals=True) as refused:
        services.cancel_request(current_user, request_id)
        flash("Your request was cancelled.", "success")
    if refused:
        flash(refused.message, "error")
    return redirect(url_for("portal.leave"))
