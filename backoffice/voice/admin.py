"""Worker voice in the admin (staff): the published margins per hour by kind of work (publish a month), polls (create, open, close, results: totals only), the proposals board
(answer; overdue flagged), feedback in aggregate (the group-size floor applied) with the agency's responses, the
data-export log, and the agency's settings. No view lists ballots, voters' choices, feedback reporters or
ratings row by row: there is nothing to list that could name them."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import BaseView, expose
from flask_admin.actions import action
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectMultipleField, TextAreaField

from backoffice.admin import ReadOnlyView, SecureModelView, deny, domain_errors, staff_only
from backoffice.clock import clock
from backoffice.extensions import db
from backoffice.security.access import can
from backoffice.voice import breakdown_services, export_services, feedback_services, proposal_services, rules, services
from backoffice.voice.models import DataExport, Poll, Proposal, TransparencyRow
from backoffice.workers.models import ENGAGEMENT_TYPES

TOPICS = {"pay": "Pay", "safety": "Safety", "respect": "Respect", "other": "Other"}


def _poll_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(url_for("voice_polls.results", poll_id=model.id), model.title)


class PollAdmin(SecureModelView):
    """Polls: create a draft, open it, close it; its page shows totals and turnout, never a ballot."""

    permission_model = "poll"
    allow_edit = False
    column_list = ("title", "status", "live_results", "closes_on", "opened_at", "closed_at", "eligible_count")
    column_labels = {"live_results": "Live results", "closes_on": "Closes after", "eligible_count": "Eligible"}
    column_searchable_list = ("title", "question")
    column_filters = ("status", "live_results", "closes_on", "opened_at", "closed_at")
    column_default_sort = ("id", True)
    column_formatters = {"title": _poll_link}
    column_formatters_export = {"title": lambda v, c, m, n: m.title}
    column_details_list = ("title", "question", "options", "eligible_types", "status", "live_results", "closes_on",
                           "opened_at", "closed_at", "eligible_count")
    form_columns = ("title", "question", "options_text", "eligible", "closes_on", "live_results")
    form_extra_fields = {
        "options_text": TextAreaField("Options", description="One option a line (2 to 12)."),
        "eligible": SelectMultipleField("Who may vote", choices=[(t, t.replace("_", " ")) for t in ENGAGEMENT_TYPES],
                                        default=list(ENGAGEMENT_TYPES),
                                        description="Workers with an active engagement of these types."),
    }
    service_fields = ("title", "question", "closes_on", "live_results", "options_text", "eligible")

    def service_create(self, data):
        return services.create_poll(current_user, title=data.get("title"), question=data.get("question") or "",
                                    options=(data.get("options_text") or "").splitlines(),
                                    eligible_types=data.get("eligible") or (),
                                    live_results=bool(data.get("live_results")), closes_on=data.get("closes_on"))

    def _apply_issues(self, form, issues):
        renamed = [type(i)("options_text" if i.field == "options" else
                           "eligible" if i.field == "eligible_types" else i.field, i.message, i.code) for i in issues]
        super()._apply_issues(form, renamed)

    def is_action_allowed(self, name):
        return super().is_action_allowed(name) and self._can("write")

    def _each(self, ids, fn, words):
        done = 0
        for i in ids:
            with domain_errors(f"Poll {i} not {words}: "):
                fn(int(i))
                done += 1
        if done:
            flash(f"{done} poll(s) {words}.", "success")

    @action("open", "Open for voting", "Open the selected draft polls for voting?")
    def action_open(self, ids):
        self._each(ids, lambda i: services.open_poll(current_user, i, clock().now()), "opened")

    @action("close", "Close", "Close the selected polls (no more votes or changes; results published)?")
    def action_close(self, ids):
        self._each(ids, lambda i: services.close_poll(current_user, i, clock().now()), "closed")

    @expose("/results/<int:poll_id>")
    def results(self, poll_id: int):
        poll = db.session.get(Poll, poll_id)
        if poll is None:
            abort(404)
        r = services.tally_poll(poll) if rules.results_refusal(poll.status, poll.live_results) is None else None
        voted = services.tally_poll(poll).votes if poll.status != "draft" else 0
        return self.render("admin/voice/poll.html", poll=poll, results=r, voted=voted,
                           eligible=services.eligible_count(poll), may_write=self._can("write"))

    @expose("/results/<int:poll_id>/<move>", methods=("POST",))
    def move(self, poll_id: int, move: str):
        if not self._can("write") or move not in ("open", "close"):
            abort(403)
        fn = services.open_poll if move == "open" else services.close_poll
        with domain_errors(f"Poll #{poll_id}: "):
            fn(current_user, poll_id, clock().now())
            flash(f"Poll {'opened' if move == 'open' else 'closed'}.", "success")
        return redirect(url_for(".results", poll_id=poll_id), 303)


def _overdue(view, context, model, name):
    if rules.answer_overdue(model.due_date, model.status == "answered", clock().today()):
        return Markup('<span class="badge badge-danger">overdue</span>')
    return ""


def _proposal_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(url_for("voice_proposals.answer", proposal_id=model.id), model.title)


class ProposalBoardAdmin(ReadOnlyView):
    """The proposals board HR shares with workers: signatures against the threshold, the due date, overdue
    answers flagged; each proposal's page takes the agency's public answer."""

    permission_model = "proposal"
    column_list = ("title", "signatures", "threshold", "status", "threshold_reached_on", "due_date", "overdue",
                   "answered_at")
    column_labels = {"threshold_reached_on": "Threshold reached", "due_date": "Answer due", "answered_at": "Answered"}
    column_searchable_list = ("title", "body", "answer")
    column_filters = ("status", "due_date", "threshold_reached_on", "answered_at")
    column_default_sort = [("due_date", False), ("id", True)]
    column_formatters = {"overdue": _overdue, "title": _proposal_link}
    column_formatters_export = {"overdue": lambda v, c, m, n: "yes" if rules.answer_overdue(
        m.due_date, m.status == "answered", clock().today()) else "", "title": lambda v, c, m, n: m.title}
    column_details_list = ("title", "body", "signatures", "threshold", "status", "threshold_reached_on", "due_date",
                           "answer", "answered_at")

    @expose("/answer/<int:proposal_id>", methods=("GET", "POST"))
    def answer(self, proposal_id: int):
        p = db.session.get(Proposal, proposal_id)
        if p is None:
            abort(404)
        errors = {}
        if request.method == "POST":
            if not self._can("write"):
                abort(403)
            with domain_errors(form=True) as refused:
                proposal_services.answer_proposal(current_user, proposal_id, request.form.get("answer"), clock().now())
                flash("The answer is published on the board.", "success")
                return redirect(url_for(".answer", proposal_id=proposal_id), 303)
            errors = refused.errors
            p = db.session.get(Proposal, proposal_id)
        overdue = rules.answer_overdue(p.due_date, p.status == "answered", clock().today())
        return self.render("admin/voice/proposal.html", p=p, overdue=overdue, errors=errors,
                           may_write=self._can("write"), text=request.form.get("answer", p.answer))


class FeedbackView(BaseView):
    """Feedback in aggregate: counts by subject and topic for everything, the reports about the agency, and a
    client's reports only once at least the floor of distinct workers reported on it. The agency's responses."""

    def is_accessible(self):
        return staff_only() and can(current_user, "feedback", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    @expose("/", methods=("GET", "POST"))
    def index(self):
        errors, values = {}, {}
        if request.method == "POST":
            if not can(current_user, "feedback_response", "create"):
                abort(403)
            values = {k: request.form.get(k, "") for k in ("subject", "client_id", "topic", "body")}
            with domain_errors(form=True) as refused:
                feedback_services.respond_to_feedback(current_user, subject=values["subject"], topic=values["topic"],
                                             body=values["body"], client_id=values["client_id"] or None)
                flash("Your response is published to workers.", "success")
                return redirect(url_for(".index"), 303)
            errors = refused.errors
        agg = feedback_services.feedback_aggregate(current_user)
        return self.render("admin/voice/feedback.html", agg=agg, topics=TOPICS, responses=feedback_services.responses(),
                           may_respond=can(current_user, "feedback_response", "create"), errors=errors,
                           values=values), (422 if errors else 200)


def _export_state(view, context, model, name):
    if model.state == "done":
        return Markup('done · <a href="{}">download</a>').format(url_for("voice_exports.download", export_id=model.id))
    return model.state


class DataExportAdmin(ReadOnlyView):
    """The log of data exports: for whom, who asked, when, how far, and whether it was built; a finished ZIP can be
    downloaded (the same check as the API: the data_export right)."""

    permission_model = "data_export"
    column_list = ("id", "worker", "requested_by_id", "state", "done", "total", "size", "created_at", "finished_at",
                   "error")
    column_labels = {"requested_by_id": "Requested by (user)", "size": "Bytes", "created_at": "Requested"}
    column_filters = ("state", "worker_id", "requested_by_id", "created_at", "finished_at")
    column_searchable_list = ("filename", "error")
    column_default_sort = ("id", True)
    column_formatters = {"worker": lambda v, c, m, n: m.worker.full_name if m.worker else m.worker_id,
                         "state": _export_state}
    column_formatters_export = {"worker": lambda v, c, m, n: m.worker.full_name if m.worker else m.worker_id}

    @expose("/download/<int:export_id>")
    def download(self, export_id: int):
        with domain_errors("Not downloaded: ", not_found_404=True) as refused:
            data, name = export_services.export_file(current_user, export_id)
            return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True, download_name=name)
        return redirect(url_for(".index_view")) if refused else abort(404)


class VoiceSettingsView(BaseView):
    """The agency's numbers: the co-signing share, the days to answer, the feedback group-size floor."""

    def is_accessible(self):
        return staff_only() and can(current_user, "voice_settings", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    @expose("/", methods=("GET", "POST"))
    def index(self):
        errors = {}
        if request.method == "POST":
            if not can(current_user, "voice_settings", "write"):
                abort(403)
            f = request.form
            with domain_errors(form=True) as refused:
                services.update_settings(current_user, proposal_threshold_share=f.get("proposal_threshold_share"),
                                         answer_days=f.get("answer_days"),
                                         feedback_min_group=f.get("feedback_min_group"))
                flash("Settings saved.", "success")
                return redirect(url_for(".index"), 303)
            errors = refused.errors
        s = services.settings()
        return self.render("admin/voice/settings.html", s=s, errors=errors, floor=rules.MIN_GROUP,
                           active=proposal_services.active_workers(), may_write=can(current_user, "voice_settings", "write"))


class TransparencyView(BaseView):
    """The agency's margin per hour by kind of work, month by month, as workers read it; publish a month that has
    ended (once)."""

    def is_accessible(self):
        return staff_only() and can(current_user, "transparency", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    @expose("/", methods=("GET", "POST"))
    def index(self):
        errors, month, status = {}, request.form.get("month", ""), 200
        if request.method == "POST":
            if not can(current_user, "transparency", "create"):
                abort(403)
            with domain_errors(form=True) as refused:
                rec = breakdown_services.publish_transparency(current_user, month, clock().today())
                flash(f"{rec.month} is published to workers: {len(rec.rows)} rows from {rec.engagements} "
                      "engagements.", "success")
                return redirect(url_for(".index", month=rec.month), 303)
            errors, status = refused.errors, 422 if refused.issues else 409     # a refusal is flashed
        months = breakdown_services.published_months(current_user)
        wanted = request.args.get("month")
        shown = next((m for m in months if m.month == wanted), months[0] if months else None)
        return self.render("admin/voice/transparency.html", months=months, shown=shown, errors=errors, month=month,
                           may_publish=can(current_user, "transparency", "create")), status


class TransparencyRowAdmin(ReadOnlyView):
    """Every published row, every month: search by kind, filter by month and figures, CSV/XLSX."""

    permission_model = "transparency"
    column_list = ("month_record.month", "kind", "median_margin", "p10_margin", "p90_margin", "median_bill_rate",
                   "engagements", "clients", "workers")
    column_labels = {"month_record.month": "Month", "median_margin": "Median margin / hour",
                     "p10_margin": "10th percentile", "p90_margin": "90th percentile",
                     "median_bill_rate": "Median bill rate"}
    column_searchable_list = ("kind",)
    column_filters = ("month_record.month", "kind", "median_margin", "engagements")
    column_default_sort = [("month_id", True), ("position", False)]


def register(admin) -> None:
    admin.add_view(TransparencyView(name="Published margins", endpoint="voice_transparency", category="Worker voice"))
    admin.add_view(TransparencyRowAdmin(TransparencyRow, name="Published margin rows", endpoint="voice_transparency_rows",
                                        category="Worker voice"))
    admin.add_view(PollAdmin(Poll, name="Polls", endpoint="voice_polls", category="Worker voice"))
    admin.add_view(ProposalBoardAdmin(Proposal, name="Proposals board", endpoint="voice_proposals",
                                      category="Worker voice"))
    admin.add_view(FeedbackView(name="Feedback", endpoint="voice_feedback", category="Worker voice"))
    admin.add_view(DataExportAdmin(DataExport, name="Data exports", endpoint="voice_exports",
                                   category="Worker voice"))
    admin.add_view(VoiceSettingsView(name="Settings", endpoint="voice_settings", category="Worker voice"))
