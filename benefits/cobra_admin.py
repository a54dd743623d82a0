"""The COBRA desk (staff): cases with what is due next and by when (filters by status, event, due within N days;
search by name; CSV/XLSX), each case's page with its timeline and the actions (send the election notice, record
the election or waiver, record a payment), a form to record a qualifying event, and the premiums list. Rights as
data: HR writes cases; finance reads them and records payments; compliance reads. Writes go through
benefits.cobra_services."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from backoffice.admin import ReadOnlyView, domain_errors
from backoffice.clock import clock
from backoffice.security.access import can
from backoffice.workers.models import Worker
from benefits import cobra_services as cobra
from benefits.cobra_models import CobraCase, CobraPremium
from benefits.engine.cobra import EVENT_KINDS, EVENT_LABELS, LOSS_RULES
from benefits.models import TIER_LABELS


class DueWithinDays(BaseSQLAFilter):
    """Cases whose next deadline falls within N days of today (overdue ones included)."""

    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) <= clock().today() + timedelta(days=int(value)))

    def operation(self):
        return "within N days"

    def validate(self, value):
        return str(value).isdigit() and int(value) <= 3650

    def clean(self, value):
        return int(value)


def _case_link(view, context, model, name):
    return Markup('<a href="{}">#{}</a>').format(url_for("cobra_case.case_view", id=model.id), model.id)


def _who(view, context, model, name):
    return model.beneficiary_name


def _due(view, context, model, name):
    if model.next_due_on is None:
        return ""
    days = (model.next_due_on - clock().today()).days
    label = f"{model.next_due_on} ({'overdue ' + str(-days) + ' d' if days < 0 else 'in ' + str(days) + ' d'})"
    return Markup('<span class="{}">{}</span>').format("text-danger" if days < 0 else "", label)


class CobraCaseAdmin(ReadOnlyView):
    """The COBRA desk: one row per qualified beneficiary, soonest deadline first."""

    permission_model = "cobra_case"
    column_list = ("id", "beneficiary_name", "worker", "beneficiary", "event_kind", "event_date", "status",
                   "next_action", "next_due_on", "election_deadline", "coverage_max_end", "monthly_cost")
    column_labels = {"beneficiary_name": "Qualified beneficiary", "beneficiary": "Relation",
                     "next_action": "Due next", "next_due_on": "By", "monthly_cost": "Full monthly cost"}
    column_searchable_list = (Worker.last_name, Worker.first_name, "notes")
    column_filters = ("status", "event_kind", "event_date", "next_due_on", "worker_id",
                      DueWithinDays(CobraCase.next_due_on, "Due"))
    column_sortable_list = ("id", "event_date", "status", "next_due_on", "election_deadline", "coverage_max_end")
    column_default_sort = [("next_due_on", False), ("id", False)]
    column_formatters = {"id": _case_link, "beneficiary_name": _who, "next_due_on": _due,
                         "worker": lambda v, c, m, n: m.worker.full_name if m.worker else m.worker_id}
    column_formatters_export = {"beneficiary_name": lambda v, c, m, n: m.beneficiary_name,
                                "worker": lambda v, c, m, n: m.worker.full_name if m.worker else "",
                                "id": lambda v, c, m, n: m.id, "next_due_on": lambda v, c, m, n: m.next_due_on}
    column_export_list = column_list + ("loss_of_coverage", "coverage_start", "election_notice_due",
                                        "election_notice_sent_on", "elected_on", "waived_on", "first_premium_due",
                                        "max_months", "coverage_end")
    money_columns = ("monthly_cost",)
    can_view_details = False
    list_template = "admin/benefits/cobra_list.html"

    def get_query(self):
        return super().get_query().options(joinedload(CobraCase.worker), joinedload(CobraCase.dependent))

    def _may(self, model: str, action: str) -> bool:
        return can(current_user, model, action)

    def due_url(self, days: int) -> str:
        """This list filtered to what is due within `days` days (the filter's index in flask-admin's URL)."""
        i = next(i for i, f in enumerate(self._filters) if isinstance(f, DueWithinDays))
        return url_for(f"{self.endpoint}.index_view", **{f"flt0_{i}": days})

    @expose("/case/<int:id>", methods=("GET",))
    def case_view(self, id):
        c = self.get_one(str(id))
        if c is None:
            abort(404)
        return self.render("admin/benefits/cobra_case.html", case=c, timeline=cobra.case_timeline(c),
                           today=clock().today(), events=EVENT_LABELS, tier_labels=TIER_LABELS,
                           may_write=self._may("cobra_case", "write"),
                           may_pay=self._may("cobra_premium", "write"))

    def _act(self, id, model: str, do):
        if request.method != "POST":
            abort(405)
        if self.get_one(str(id)) is None:
            abort(404)
        if not self._may(model, "write"):
            abort(403)
        with domain_errors("Not done: ", not_found_404=True):
            flash(do(), "success")
        return redirect(url_for(".case_view", id=id))

    @expose("/case/<int:id>/notice", methods=("POST",))
    def notice_view(self, id):
        return self._act(id, "cobra_case", lambda: cobra.send_election_notice(id).message)

    @expose("/case/<int:id>/elect", methods=("POST",))
    def elect_view(self, id):
        day = request.form.get("on") or ""
        if request.form.get("choice") == "waive":
            return self._act(id, "cobra_case", lambda: f"Waived on {cobra.record_waiver(id, day).waived_on}.")
        return self._act(id, "cobra_case", lambda: "Elected; first premium due "
                         f"{cobra.record_election(id, day).first_premium_due}.")

    @expose("/case/<int:id>/disability", methods=("POST",))
    def disability_view(self, id):
        form = {k: request.form.get(k) for k in ("onset", "determined_on", "notified_on")}
        return self._act(id, "cobra_case", lambda: "Disability recorded; coverage may last to "
                         f"{cobra.record_disability(id, form)[0].coverage_max_end}.")

    @expose("/case/<int:id>/pay", methods=("POST",))
    def pay_view(self, id):
        c = self.get_one(str(id))
        premium_id = request.form.get("premium_id", "")
        if c is None or not premium_id.isdigit() or int(premium_id) not in {p.id for p in c.premiums}:
            abort(404)
        return self._act(id, "cobra_premium", lambda: "Payment recorded: " + str(cobra.record_payment(
            int(premium_id), request.form.get("amount"), request.form.get("paid_on"))))

    @expose("/case/<int:id>/notice.pdf")
    def notice_pdf_view(self, id):
        c = self.get_one(str(id))
        if c is None:
            abort(404)
        return cobra.election_notice_pdf(c.id), 200, {
            "Content-Type": "application/pdf", "Content-Disposition": f'inline; filename="cobra-notice-{c.id}.pdf"'}

    @expose("/general-notice/<int:worker_id>.pdf")
    def general_notice_view(self, worker_id):
        with domain_errors("No general notice: ", not_found_404=True):
            return cobra.general_notice_pdf(worker_id), 200, {
                "Content-Type": "application/pdf",
                "Content-Disposition": f'inline; filename="cobra-general-notice-{worker_id}.pdf"'}
        return redirect(url_for(".index_view"))

    @expose("/event/", methods=("GET", "POST"))
    def event_view(self):
        """Record a qualifying event (a termination, a divorce reported, a child turning 26 ...): cases open for
        each qualified beneficiary."""
        if not self._may("cobra_case", "create"):
            abort(403)
        values = request.form.to_dict() if request.method == "POST" else {}
        status = 200
        if request.method == "POST":
            deps = [x.strip() for x in (values.get("dependent_ids") or "").split(",") if x.strip()]
            data = {"worker_id": values.get("worker_id", "").strip() or None, "event_kind": values.get("event_kind"),
                    "event_date": values.get("event_date"), "loss_rule": values.get("loss_rule"),
                    "dependent_ids": [int(x) if x.isdigit() else x for x in deps], "notes": values.get("notes", "")}
            if data["worker_id"] and str(data["worker_id"]).isdigit():
                data["worker_id"] = int(data["worker_id"])
            with domain_errors("Not recorded: ") as refused:
                made = cobra.record_qualifying_event(data)
                flash(f"{len(made)} COBRA case(s) opened." if made else "No new case: they exist already.",
                      "success")
                return redirect(url_for(".index_view"))
            status = 422 if refused else 200
        return self.render("admin/benefits/cobra_event.html", values=values, kinds=EVENT_KINDS,
                           labels=EVENT_LABELS, loss_rules=LOSS_RULES), status

    @expose("/run/", methods=("POST",))
    def run_view(self):
        """Run today's pass now (the beat task does it each morning): bill, expire, end."""
        if not self._may("cobra_case", "write"):
            abort(403)
        with domain_errors("Not run: "):
            r = cobra.run_daily(clock().today())
            flash(f"Opened {r['opened']}, billed {r['billed']} month(s), expired {r['expired']}, ended for "
                  f"non-payment {r['terminated_nonpayment']}, ended at the maximum {r['ended']}.", "success")
        return redirect(url_for(".index_view"))


class CobraPremiumAdmin(ReadOnlyView):
    """Every COBRA premium billed: what is due, by when, what was paid (finance records payments on the case)."""

    permission_model = "cobra_premium"
    column_list = ("id", "case", "coverage_month", "month_number", "amount_due", "due_date", "grace_end",
                   "paid_amount", "paid_on")
    column_filters = ("coverage_month", "due_date", "grace_end", "paid_on", "case_id")
    column_default_sort = [("grace_end", False)]
    column_formatters = {"case": lambda v, c, m, n: Markup('<a href="{}">{}</a>').format(
        url_for("cobra_case.case_view", id=m.case_id), m.case.beneficiary_name)}
    column_formatters_export = {"case": lambda v, c, m, n: f"#{m.case_id} {m.case.beneficiary_name}"}
    money_columns = ("amount_due", "paid_amount")

    def get_query(self):
        return super().get_query().options(joinedload(CobraPremium.case))


def register(admin) -> None:
    cat = "Benefits"
    admin.add_view(CobraCaseAdmin(CobraCase, name="COBRA desk", endpoint="cobra_case", category=cat))
    admin.add_view(CobraPremiumAdmin(CobraPremium, name="COBRA premiums", endpoint="cobra_premium", category=cat))


