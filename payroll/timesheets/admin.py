"""Timesheets in the admin: the list in names (worker, client, engagement, week, hours), an engagement picker, the
sheet's page with its approval history, and approve / reject / dispute offered only where the state table and the
user's rights allow them."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from backoffice.admin import SecureModelView, domain_errors
from backoffice.admin_access import AJAX_LIMIT, ScopedAjaxLoader
from backoffice.extensions import db
from backoffice.money import fmt_qty
from backoffice.security.access import can, scoped
from backoffice.security.field_policy import may_read
from backoffice.workers.models import Client, Engagement, Worker
from payroll.models import DAYS, TIMESHEET_STATUSES, Timesheet
from payroll.timesheets import services as timesheets

ACTION_WORDS = {"approve": "Approve", "reject": "Reject", "dispute": "Dispute", "submit": "Submit"}
REVIEW_VERBS = ("approve", "reject", "dispute", "submit")
STATUS_BADGES = {"draft": "secondary", "submitted": "info", "approved": "success", "rejected": "danger",
                 "disputed": "warning"}


# ------------------------------------------------------------------------------------------------ the list
def _worker(view, context, model, name):
    eng = model.engagement
    if not can(current_user, "worker", "read"):
        return str(eng.worker)
    return Markup('<a href="{}">{}</a>').format(url_for("workers.details_view", id=eng.worker_id), str(eng.worker))


def _client(view, context, model, name):
    return model.engagement.client.name


def engagement_link(view, context, model, name):
    """The record's engagement by name ("Ana Silva at Northwind, leased, TX"), linked to its page."""
    eng = model.engagement
    return Markup('<a href="{}">{}</a>').format(url_for("engagements.details_view", id=eng.id), str(eng))


def _qty(view, context, model, name):
    return fmt_qty(getattr(model, name))


def _status(view, context, model, name):
    return Markup('<span class="badge badge-{}">{}</span>').format(STATUS_BADGES.get(model.status, "light"),
                                                                    model.status)


def paid_run_link(view, context, model, name):
    if not model.paid_run_id:
        return ""
    if not can(current_user, "payroll_run", "read"):   # a client approver sees the run number, not a link to a 403
        return f"Run #{model.paid_run_id}"
    return Markup('<a href="{}">Run #{}</a>').format(url_for("payroll_desk.detail", run_id=model.paid_run_id),
                                                     model.paid_run_id)


_EXPORT = {"worker": lambda v, c, m, n: str(m.engagement.worker), "client": _client,
           "engagement": lambda v, c, m, n: str(m.engagement), "reason": lambda v, c, m, n: m.reason,
           "total_hours": lambda v, c, m, n: m.total_hours}


class _ClientChoices:
    """The client filter's choices, read when a page lists them (flask-admin keeps a filter's options from start-up
    on): only the clients this user may see, so an approver's list names no other client."""

    def __bool__(self):
        return True

    def __iter__(self):
        stmt = scoped(sa.select(Client.id, Client.name).order_by(Client.name), current_user, "client")
        return iter([(str(i), n) for i, n in db.session.execute(stmt)])


class ClientFilter(sqla_filters.BaseSQLAFilter):
    """Timesheets of one client, picked by name from the clients this user may see."""

    def __init__(self):
        super().__init__(Timesheet.engagement_id, "Client")

    def get_options(self, view):
        return _ClientChoices()

    def apply(self, query, value, alias=None):
        try:
            client_id = int(value)
        except (TypeError, ValueError):
            return query.filter(sa.false())
        return query.filter(Timesheet.engagement_id.in_(
            sa.select(Engagement.id).where(Engagement.client_id == client_id)))

    def operation(self):
        return "is"


class WorkerFilter(sqla_filters.BaseSQLAFilter):
    """Timesheets of workers whose first or last name contains the text."""

    def __init__(self):
        super().__init__(Timesheet.engagement_id, "Worker name")

    def apply(self, query, value, alias=None):
        like = f"%{(value or '').strip()}%"
        return query.filter(Timesheet.engagement_id.in_(
            sa.select(Engagement.id).join(Worker, Worker.id == Engagement.worker_id)
            .where(sa.or_(Worker.first_name.ilike(like), Worker.last_name.ilike(like),
                          (Worker.first_name + " " + Worker.last_name).ilike(like)))))

    def operation(self):
        return "contains"


class EngagementLookup(ScopedAjaxLoader):
    """The engagement picker: search by worker name, client or title; each choice reads "Ana Silva at Northwind,
    leased, TX"; only engagements in the user's row scope, at most AJAX_LIMIT a call."""

    def format(self, model):
        return None if model is None else (model.id, str(model))

    def get_list(self, term, offset=0, limit=AJAX_LIMIT):
        stmt = self._scoped(sa.select(Engagement)).join(Worker, Worker.id == Engagement.worker_id)\
            .join(Client, Client.id == Engagement.client_id)\
            .options(joinedload(Engagement.worker), joinedload(Engagement.client))
        term = (term or "").strip()
        if term:
            like = f"%{term}%"
            fields = [(Worker.first_name, "worker", "first_name"), (Worker.last_name, "worker", "last_name"),
                      (Client.name, "client", "name"), (Engagement.title, "engagement", "title")]
            readable = [col.ilike(like) for col, model, field in fields
                        if may_read(current_user, "admin", model, field)]
            if not readable:
                return []
            stmt = stmt.where(sa.or_(*readable))
        stmt = stmt.order_by(Worker.last_name, Worker.first_name, Engagement.id)
        limit = max(1, min(int(limit or AJAX_LIMIT), AJAX_LIMIT))
        return db.session.execute(stmt.offset(max(0, int(offset or 0))).limit(limit)).scalars().all()


class TimesheetAdmin(SecureModelView):
    column_list = ("worker", "client", "engagement", "week_start", *[f"hours_{d}" for d in DAYS], "total_hours",
                   "units", "status", "reason", "paid_run_id")
    column_labels = {**{f"hours_{d}": d.capitalize() for d in DAYS}, "week_start": "Week of",
                     "total_hours": "Total hours", "paid_run_id": "Paid in run", "reason": "Why sent back"}
    column_formatters = {"worker": _worker, "client": _client, "engagement": engagement_link, "status": _status,
                         "paid_run_id": paid_run_link, "total_hours": _qty, "units": _qty,
                         **{f"hours_{d}": _qty for d in DAYS}, "reason": lambda v, c, m, n: m.reason}
    column_formatters_export = _EXPORT
    column_details_list = ("worker", "client", "engagement", "week_start", *[f"hours_{d}" for d in DAYS],
                           "total_hours", "units", "note", "status", "reason", "source", "submitted_at",
                           "approved_at", "paid_run_id")
    column_sortable_list = ("week_start", "status", ("worker", "engagement.worker.last_name"),
                            ("client", "engagement.client.name"))
    column_searchable_list = ("engagement.worker.last_name", "engagement.worker.first_name",
                              "engagement.client.name", "note")
    column_labels.update({"engagement.worker.last_name": "worker last name",
                          "engagement.worker.first_name": "worker first name",
                          "engagement.client.name": "client", "note": "note"})
    column_filters = (WorkerFilter(), ClientFilter(),
                      sqla_filters.FilterEqual(Timesheet.status, "Status",
                                               options=[(s, s) for s in TIMESHEET_STATUSES]),
                      "week_start", "source",
                      # the links "Timesheets" (engagement page) and "Approve the time" (run page) filter on it
                      sqla_filters.IntEqualFilter(Timesheet.engagement_id, "Engagement"))
    column_default_sort = ("week_start", True)
    form_columns = ("engagement", "week_start", *[f"hours_{d}" for d in DAYS], "units", "note")
    form_ajax_refs = {"engagement": {"fields": ("title",), "page_size": 10, "placeholder": "Worker, client or title"}}
    form_args = {"week_start": {"label": "Week of (a Monday)"}}
    service_fields = form_columns
    details_template = "admin/timesheets/details.html"
    edit_template = "admin/timesheets/edit.html"
    # The bulk actions are offered to those holding the right their service checks; the service still refuses a
    # timesheet whose status does not allow the move.
    action_rights = {"approve": ("timesheet_approval", "write"), "reject": ("timesheet_approval", "write"),
                     "dispute": ("timesheet_dispute", "write"), "submit": ("timesheet_entry", "write")}

    def get_query(self):
        return super().get_query().options(joinedload(Timesheet.engagement).joinedload(Engagement.worker),
                                           joinedload(Timesheet.engagement).joinedload(Engagement.client))

    def _create_ajax_loader(self, name, options):
        if name == "engagement":
            return EngagementLookup(name, self.session, Engagement, **options)
        return super()._create_ajax_loader(name, options)

    def is_action_allowed(self, name):
        right = self.action_rights.get(name)
        return super().is_action_allowed(name) and (right is None or can(current_user, *right))

    def edit_form(self, obj=None):
        """The engagement and the week are what the sheet is: fixed once it exists (shown above the form)."""
        form = super().edit_form(obj)
        del form.engagement
        del form.week_start
        return form

    def _data(self, data):
        out = {"engagement_id": data.get("engagement"), "week_start": data.get("week_start"),
               "units": data.get("units"), "note": data.get("note")}
        out.update({d: data.get(f"hours_{d}") for d in DAYS})
        return out

    def service_create(self, data):
        return timesheets.save_timesheet(self._data(data), current_user)

    def service_update(self, obj, data):
        merged = {**data, "engagement": obj.engagement_id, "week_start": obj.week_start}
        return timesheets.save_timesheet(self._data(merged), current_user)

    # ---- the sheet's page: its history and the moves this user may make
    def _sheet(self, ident) -> Timesheet:
        ts = self.get_one(str(ident)) if str(ident).isdigit() else None
        if ts is None:
            abort(404)
        return ts

    @expose("/details/")
    def details_view(self):
        """flask-admin's details page, with the history and the buttons; another client's sheet is a 404."""
        ident = request.args.get("id", "")
        self._sheet(ident)
        return super().details_view()

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        """Only where saving is allowed (the field policy and the state table); else back to the sheet's page."""
        ident = request.args.get("id", "")
        ts = self._sheet(ident)
        if not self.can_edit:
            abort(403)
        if "save" not in timesheets.allowed_actions(ts, current_user):
            flash(f"{ts} is {ts.status}: approved time is locked.", "error")
            return redirect(url_for(".details_view", id=ts.id))
        return super().edit_view()

    def render(self, template, **kwargs):
        if template == self.details_template and kwargs.get("model") is not None:
            ts = kwargs["model"]
            kwargs.update(sheet=ts, history=timesheets.history(ts),
                          moves=[a for a in timesheets.allowed_actions(ts, current_user) if a in REVIEW_VERBS],
                          words=ACTION_WORDS)
        if template == self.edit_template and kwargs.get("model") is not None:
            kwargs.update(sheet=kwargs["model"])
        return super().render(template, **kwargs)

    @expose("/<int:ident>/<string:verb>", methods=["POST"])
    def review(self, ident, verb):
        """One move from the sheet's page: approve, reject or dispute (with the reason typed there), submit."""
        if verb not in REVIEW_VERBS:
            abort(404)
        ts = self._sheet(ident)
        reason = request.form.get("reason", "")
        with domain_errors("Refused: ", not_found_404=True):
            if verb == "approve":
                timesheets.approve_timesheet(ts.id, current_user)
            elif verb == "reject":
                timesheets.reject_timesheet(ts.id, current_user, reason)
            elif verb == "dispute":
                timesheets.dispute_timesheet(ts.id, current_user, reason)
            else:
                timesheets.submit_timesheet(ts.id, current_user)
            flash(f"{ts}: {db.session.get(Timesheet, ts.id).status}.", "success")
        return redirect(url_for(".details_view", id=ts.id))

    # ---- bulk actions
    @action("approve", "Approve", "Approve the selected timesheets?")
    def action_approve(self, ids):
        done, refusals = 0, []
        for tid in ids:
            with domain_errors(form=True) as refused:    # one summary flash below, not one per timesheet
                timesheets.approve_timesheet(int(tid), current_user)
                done += 1
            if refused:
                refusals.append(f"{self._name(tid)}: {refused.message}")
        if done:
            flash(f"{done} timesheet(s) approved.", "success")
        if refusals:
            flash("Not approved — " + "; ".join(refusals[:20]), "error")

    @action("reject", "Reject (with a reason)")
    def action_reject(self, ids):
        return self._bulk_with_reason("reject", ids)

    @action("dispute", "Dispute (with a reason)")
    def action_dispute(self, ids):
        return self._bulk_with_reason("dispute", ids)

    @action("submit", "Submit", "Submit the selected drafts for approval?")
    def action_submit(self, ids):
        for tid in ids:
            with domain_errors(f"{self._name(tid)}: "):
                timesheets.submit_timesheet(int(tid), current_user)

    def _name(self, tid) -> str:
        ts = db.session.get(Timesheet, int(tid))
        return str(ts) if ts is not None else f"timesheet {tid}"

    def _bulk_with_reason(self, verb: str, ids):
        """Ask one reason for the lot (a page listing the sheets), then reject or dispute each; a sheet whose
        status does not allow it is named with the refusal, the others are done."""
        selected = self.get_query().filter(Timesheet.id.in_([int(i) for i in ids]))\
            .order_by(Timesheet.week_start, Timesheet.id).all()
        return self.render("admin/timesheets/bulk_reason.html", verb=verb, word=ACTION_WORDS[verb],
                           sheets=selected, return_url=request.form.get("url") or url_for(".index_view"))

    @expose("/bulk/<string:verb>", methods=["POST"])
    def bulk(self, verb):
        if verb not in ("reject", "dispute") or not self.is_action_allowed(verb):
            abort(404)
        ids = [int(i) for i in request.form.getlist("rowid") if i.isdigit()]
        reason = request.form.get("reason", "")
        if not reason.strip():
            flash(f"Nothing was {'rejected' if verb == 'reject' else 'disputed'}: give a reason (the worker and HR "
                  "read it).", "error")
            return self._bulk_with_reason(verb, ids), 422
        done, refusals = 0, []
        for tid in ids:
            with domain_errors(form=True, not_found_404=False) as refused:
                (timesheets.reject_timesheet if verb == "reject" else timesheets.dispute_timesheet)(
                    tid, current_user, reason)
                done += 1
            if refused:
                refusals.append(f"{self._name(tid)}: {refused.message}")
        past = "rejected" if verb == "reject" else "disputed"
        if done:
            flash(f"{done} timesheet(s) {past}.", "success")
        if refusals:
            flash(f"Not {past} — " + "; ".join(refusals[:20]), "error")
        return redirect(request.form.get("url") or url_for(".index_view"))


def register(admin) -> TimesheetAdmin:
    admin.app.jinja_env.filters.setdefault("qty", fmt_qty)   # {{ hours|qty }} -> 8.5
    return TimesheetAdmin(Timesheet, name="Timesheets", endpoint="timesheet", category="Payroll")
