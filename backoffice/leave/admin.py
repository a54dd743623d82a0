"""Paid leave in the admin: policies (HR edits the agency's PTO and holiday policies and who approves each law's
sick leave), balances, the ledger and requests — each list with search, filters and CSV/XLSX export; a request's
page offers approve / decline / cancel to whoever may decide it (HR, or the client's approver where the policy
says so)."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload
from wtforms import fields as wtf

from backoffice.admin import ReadOnlyView, SecureModelView, domain_errors
from backoffice.extensions import db
from backoffice.clock import clock
from backoffice.leave import case_services, separation_services, services
from backoffice.leave.models import (APPROVERS, CASE_PROGRAMS, CASE_REASONS, ENTRY_KINDS, POLICY_KINDS, REASONS,
                                     REQUEST_STATUSES, LeaveBalance, LeaveCase, LeaveEntry, LeavePolicy, LeaveRequest)
from backoffice.money import fmt_qty
from backoffice.security.access import can

CATEGORY = "Leave"
BADGES = {"submitted": "info", "approved": "success", "paid": "secondary", "declined": "danger",
          "cancelled": "warning"}
VERB_WORDS = {"approve": "Approve", "decline": "Decline", "cancel": "Cancel the request"}


def _qty(view, context, model, name):
    return fmt_qty(getattr(model, name))


def _worker(view, context, model, name):
    return str(model.worker)


def _policy(view, context, model, name):
    return model.policy.name


def _status(view, context, model, name):
    return Markup('<span class="badge badge-{}">{}</span>').format(BADGES.get(model.status, "light"), model.status)


def _explanation(view, context, model, name):
    return Markup("").join(Markup("<div>{}</div>").format(line) for line in (model.explanation or ()))


def _plain(view, context, model, name):
    return "; ".join(model.explanation or ())


class LeavePolicyAdmin(SecureModelView):
    column_list = ("code", "name", "kind", "jurisdiction", "client", "engagement_type", "accrual_rate",
                   "annual_accrual_cap", "balance_cap", "allow_advance", "advance_limit", "approver", "active")
    column_labels = {"accrual_rate": "Hours per hour worked", "annual_accrual_cap": "Yearly accrual cap (h)",
                     "balance_cap": "Balance cap (h)", "advance_limit": "Advance up to (h)",
                     "documentation_after_days": "Note needed after (days)"}
    column_searchable_list = ("code", "name", "jurisdiction")
    column_filters = (sqla_filters.FilterEqual(LeavePolicy.kind, "Kind", options=[(k, k) for k in POLICY_KINDS]),
                      sqla_filters.FilterEqual(LeavePolicy.approver, "Approver",
                                               options=[(a, a) for a in APPROVERS]),
                      "jurisdiction", "active")
    column_default_sort = "name"
    form_columns = ("code", "name", "kind", "jurisdiction", "client", "engagement_type", "accrual_rate",
                    "annual_accrual_cap", "balance_cap", "allow_advance", "advance_limit", "approver", "reasons",
                    "documentation_after_days", "front_load", "active")
    form_overrides = {"kind": wtf.SelectField, "approver": wtf.SelectField, "reasons": wtf.SelectMultipleField}
    form_args = {"kind": {"choices": [(k, k) for k in POLICY_KINDS]},
                 "approver": {"choices": [("hr", "HR"), ("client_approver", "The client's approver")]},
                 "reasons": {"choices": list(REASONS.items())},
                 "jurisdiction": {"description": "sick_law: the law's code (backoffice leave policies)"},
                 "documentation_after_days": {"description": "ask for a note (or the worker's statement) for absences "
                                                             "of more than this many workdays; the law's own limit "
                                                             "applies (never where the law forbids asking)"},
                 "front_load": {"description": "sick_law: grant the law's yearly amount at the start of each policy "
                                               "year instead of accruing (the daily task leave.roll_years grants it)"},
                 "engagement_type": {"description": "empty: every type"}}
    service_fields = form_columns

    def _data(self, data: dict) -> dict:
        out = dict(data)
        out["client_id"] = out.pop("client", None)
        for key in ("jurisdiction", "engagement_type"):
            out[key] = out.get(key) or ""
        return out

    def service_create(self, data):
        return services.save_policy(current_user, self._data(data))

    def service_update(self, obj, data):
        return services.save_policy(current_user, self._data(data), obj.id)


class LeaveBalanceAdmin(ReadOnlyView):
    """Balances by worker and policy; HR settles the selected workers' balances at separation, or gives a
    rehired worker back what the law set aside (list actions)."""

    column_list = ("worker", "policy", "balance", "accrued_this_year", "used_this_year", "policy_year_start",
                   "usable_from")
    column_formatters = {"worker": _worker, "policy": _policy, "balance": _qty, "accrued_this_year": _qty,
                         "used_this_year": _qty}
    column_formatters_export = {"worker": _worker, "policy": _policy}
    column_searchable_list = ("worker.last_name", "worker.first_name", "policy.name")
    column_labels = {"worker.last_name": "worker last name", "worker.first_name": "worker first name",
                     "policy.name": "policy", "balance": "Balance (h)"}
    column_filters = ("policy.name", "policy.jurisdiction", "balance", "policy_year_start")
    column_sortable_list = ("balance", "accrued_this_year", "used_this_year", ("worker", "worker.last_name"),
                            ("policy", "policy.name"))
    column_default_sort = ("balance", True)

    def get_query(self):
        return super().get_query().options(joinedload(LeaveBalance.worker), joinedload(LeaveBalance.policy))

    def is_action_allowed(self, name):
        return super().is_action_allowed(name) and can(current_user, "leave_entry", "create")

    def _workers(self, ids) -> list[int]:
        rows = self.get_query().filter(LeaveBalance.id.in_([int(i) for i in ids if str(i).isdigit()])).all()
        return sorted({b.worker_id for b in rows})

    @action("separate", "Settle at separation (today)",
            "Pay out, set aside or lapse every leave balance of the selected workers, as of today?")
    def action_separate(self, ids):
        for worker_id in self._workers(ids):
            with domain_errors(f"Worker {worker_id}: "):
                entries = separation_services.separate(current_user, worker_id, clock().today())
                flash(f"Worker {worker_id}: " + "; ".join(f"{e.kind} {fmt_qty(-e.hours)} h" for e in entries),
                      "success")

    @action("rehire", "Restore after rehire (today)",
            "Give the selected workers back what was set aside at separation, if within the law's window?")
    def action_rehire(self, ids):
        for worker_id in self._workers(ids):
            with domain_errors(f"Worker {worker_id}: "):
                entries = separation_services.rehire(current_user, worker_id, clock().today())
                flash(f"Worker {worker_id}: {len(entries)} balance(s) looked at; "
                      + "; ".join(e.explanation[0] for e in entries if e.explanation), "success")


class LeaveEntryAdmin(ReadOnlyView):
    column_list = ("on", "worker", "policy", "kind", "hours", "balance_after", "hours_worked", "capped", "run_id",
                   "paycheck_id", "request_id")
    column_details_list = column_list + ("explanation", "created_at")
    column_formatters = {"worker": _worker, "policy": _policy, "hours": _qty, "balance_after": _qty,
                         "hours_worked": _qty, "explanation": _explanation}
    column_formatters_export = {"worker": _worker, "policy": _policy, "explanation": _plain}
    column_export_list = column_list + ("explanation",)
    column_searchable_list = ("worker.last_name", "worker.first_name", "policy.name")
    column_labels = {"worker.last_name": "worker last name", "worker.first_name": "worker first name",
                     "policy.name": "policy", "run_id": "Run", "paycheck_id": "Paycheck", "request_id": "Request"}
    column_filters = (sqla_filters.FilterEqual(LeaveEntry.kind, "Kind", options=[(k, k) for k in ENTRY_KINDS]),
                      "policy.name", "on", "run_id", "capped",
                      sqla_filters.IntEqualFilter(LeaveEntry.worker_id, "Worker id"))
    column_default_sort = ("id", True)

    def get_query(self):
        return super().get_query().options(joinedload(LeaveEntry.worker), joinedload(LeaveEntry.policy))


class LeaveRequestAdmin(ReadOnlyView):
    column_list = ("worker", "policy", "start_date", "end_date", "hours", "reason", "status", "rate", "paid_run_id")
    column_details_list = ("worker", "policy", "engagement", "start_date", "end_date", "hours", "reason", "note",
                           "documentation", "document_name", "status", "decided_by", "decided_at", "decision_note", "rate", "rate_method",
                           "paid_run_id", "created_at")
    column_formatters = {"worker": _worker, "policy": _policy, "status": _status, "hours": _qty,
                         "reason": lambda v, c, m, n: REASONS.get(m.reason, m.reason)}
    column_formatters_export = {"worker": _worker, "policy": _policy}
    column_searchable_list = ("worker.last_name", "worker.first_name", "policy.name", "note")
    column_labels = {"worker.last_name": "worker last name", "worker.first_name": "worker first name",
                     "policy.name": "policy", "paid_run_id": "Paid in run", "rate": "Rate ($/h)",
                     "documentation": "Worker's statement", "document_name": "Uploaded note"}
    column_filters = (sqla_filters.FilterEqual(LeaveRequest.status, "Status",
                                               options=[(s, s) for s in REQUEST_STATUSES]),
                      "policy.name", "start_date", "reason")
    column_sortable_list = ("start_date", "status", "hours", ("worker", "worker.last_name"))
    column_default_sort = ("start_date", True)
    details_template = "admin/leave/request_details.html"

    def get_query(self):
        return super().get_query().options(joinedload(LeaveRequest.worker), joinedload(LeaveRequest.policy))

    def _request(self, ident) -> LeaveRequest:
        req = self.get_one(str(ident)) if str(ident).isdigit() else None
        if req is None:
            abort(404)
        return req

    @expose("/details/")
    def details_view(self):
        """The request's page with the moves this user may make; another client's request is a 404."""
        self._request(request.args.get("id", ""))
        return super().details_view()

    def render(self, template, **kwargs):
        if template == self.details_template and kwargs.get("model") is not None:
            req = kwargs["model"]
            kwargs.update(leave_request=req, moves=services.request_actions(req, current_user), words=VERB_WORDS,
                          reasons=REASONS)
        return super().render(template, **kwargs)

    @expose("/<int:ident>/document")
    def document(self, ident):
        """The note the worker uploaded with the request (a 404 where the user may not see the request)."""
        from flask import Response

        req = self._request(ident)
        if not req.document:
            abort(404)
        name = (req.document_name or f"leave-request-{req.id}").replace('"', "")
        return Response(req.document, mimetype="application/octet-stream",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @expose("/<int:ident>/<string:verb>", methods=["POST"])
    def decide(self, ident, verb):
        """Approve, decline (with the reason typed there) or cancel, from the request's page."""
        if verb not in VERB_WORDS:
            abort(404)
        req = self._request(ident)
        fn = {"approve": services.approve_request, "decline": services.decline_request,
              "cancel": services.cancel_request}[verb]
        with domain_errors("Refused: ", not_found_404=True):
            fn(current_user, req.id, note=request.form.get("note", ""))
            flash(f"Leave request #{req.id}: {db.session.get(LeaveRequest, req.id).status}.", "success")
        return redirect(url_for(".details_view", id=req.id))


def _benefits(view, context, model, name):
    rows = case_services.benefits_continuation(model)
    if not rows:
        return "No health election in force during the leave."
    return Markup("").join(Markup("<div>{}: ${} a month{}</div>").format(
        r["plan"], r["employee_monthly"], f" × {r['months']} months = ${r['owed']} owed by the worker (no paycheck "
        f"takes it while the leave is unpaid; 29 CFR 825.210)" if r["owed"] is not None else "") for r in rows)


class LeaveCaseAdmin(SecureModelView):
    """Leaves of absence: HR opens a case (FMLA eligibility is worked out from the hours across clients) and closes
    it from its page with the end date (its job protection ends then)."""

    column_list = ("worker", "program", "reason", "start_date", "expected_end", "status", "eligible",
                   "job_protected", "hours_12_months", "returned_on")
    column_details_list = column_list + ("employees_within_75_miles", "explanation", "benefits", "note",
                                         "created_at")
    column_formatters = {"worker": _worker, "explanation": _explanation, "benefits": _benefits,
                         "program": lambda v, c, m, n: CASE_PROGRAMS.get(m.program, m.program)}
    column_formatters_export = {"worker": _worker, "explanation": _plain}
    column_searchable_list = ("worker.last_name", "worker.first_name", "note")
    column_labels = {"worker.last_name": "worker last name", "worker.first_name": "worker first name",
                     "hours_12_months": "Hours in 12 months", "employees_within_75_miles": "Employees within 75 mi",
                     "benefits": "Health coverage kept during the leave", "returned_on": "Ended (closed) on"}
    column_filters = (sqla_filters.FilterEqual(LeaveCase.program, "Program",
                                               options=list(CASE_PROGRAMS.items())),
                      sqla_filters.FilterEqual(LeaveCase.status, "Status", options=[("open", "open"),
                                                                                  ("closed", "closed")]),
                      "start_date", "eligible", "job_protected")
    column_default_sort = ("start_date", True)
    form_columns = ("worker", "program", "reason", "start_date", "expected_end", "employees_within_75_miles",
                    "job_protected", "note")
    form_overrides = {"program": wtf.SelectField, "reason": wtf.SelectField}
    form_args = {"program": {"choices": list(CASE_PROGRAMS.items())},
                 "reason": {"choices": [(r, r.replace("_", " ")) for r in CASE_REASONS]},
                 "job_protected": {"description": "only for 'Other leave of absence': whether the job is protected "
                                                  "(the FMLA's and each state program's are worked out from its "
                                                  "rule and the worker's hours at every client)"}}
    form_ajax_refs = {"worker": {"fields": ("last_name", "first_name"), "page_size": 10}}
    service_fields = form_columns
    allow_edit = False
    details_template = "admin/leave/case_details.html"

    def get_query(self):
        return super().get_query().options(joinedload(LeaveCase.worker))

    def _case(self, ident) -> LeaveCase:
        case = self.get_one(str(ident)) if str(ident).isdigit() else None
        if case is None:
            abort(404)
        return case

    def render(self, template, **kwargs):
        if template == self.details_template and kwargs.get("model") is not None:
            case = kwargs["model"]
            kwargs.update(leave_case=case, today=clock().today(),
                          may_close=case.status == "open" and self._can("write"))
        return super().render(template, **kwargs)

    @expose("/<int:ident>/close", methods=["POST"])
    def close(self, ident):
        """Close the case on the end date typed on its page (HR; CSRF-checked like every admin form). Its job
        protection ends on that date."""
        if not self._can("write"):
            abort(403)
        case = self._case(ident)
        with domain_errors("Not closed: ", not_found_404=True):
            closed = case_services.close_case(current_user, case.id, request.form.get("returned_on", ""))
            flash(f"Leave case #{closed.id} closed on {closed.returned_on.isoformat()}"
                  + (f": the job was protected through {closed.returned_on.isoformat()}." if closed.job_protected
                     else "."), "success")
        return redirect(url_for(".details_view", id=case.id))

    def service_create(self, data):
        data = dict(data)
        data["worker_id"] = data.pop("worker", None)
        return case_services.open_case(current_user, data)


def register(admin) -> None:
    admin.add_view(LeaveRequestAdmin(LeaveRequest, name="Leave requests", endpoint="leave_requests",
                                     category=CATEGORY))
    admin.add_view(LeaveBalanceAdmin(LeaveBalance, name="Balances", endpoint="leave_balances", category=CATEGORY))
    admin.add_view(LeaveEntryAdmin(LeaveEntry, name="Ledger", endpoint="leave_entries", category=CATEGORY))
    admin.add_view(LeavePolicyAdmin(LeavePolicy, name="Policies", endpoint="leave_policies", category=CATEGORY))
    admin.add_view(LeaveCaseAdmin(LeaveCase, name="Leaves of absence", endpoint="leave_cases", category=CATEGORY))
