"""Benefits admin (staff): plans with their tiers and contribution rules, open-enrollment windows (open and close),
enrollments (search, filters, CSV/XLSX), dependents, beneficiaries and life-event approvals. HR writes, finance
and compliance read (the permission matrix); every write goes through benefits.services."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from backoffice.admin import ReadOnlyView, SecureModelView, domain_errors, filtered_list_url, selected_ids
from backoffice.money import D
from backoffice.security.access import can
from backoffice.workers.models import Worker
from benefits import plan_services as plans_svc
from benefits import services as svc
from benefits.models import (
    NETWORK_TYPES,
    PLAN_KINDS,
    VESTING_SCHEDULES,
    RULE_METHODS,
    TIER_LABELS,
    Beneficiary,
    BenefitPlan,
    Carrier,
    ClientContributionRule,
    Dependent,
    Enrollment,
    EnrollmentWindow,
    LifeEvent,
    PlanTier,
)

_PCT = "A fraction: 0.06 is 6%."
VESTING_LABELS = {"immediate": "immediate (100% at once)", "cliff_2": "2-year cliff", "cliff_3": "3-year cliff",
                  "graded_6": "2-to-6-year graded (20% a year)"}


def _choices(values, labels=None):
    return [(x, (labels or {}).get(x, x.replace("_", " "))) for x in values]


def _worker(view, context, model, name):
    label = model.worker.full_name if model.worker else model.worker_id
    return Markup('<a href="{}">{}</a>').format(url_for("workers.details_view", id=model.worker_id), label)


def _percent(view, context, model, name):
    x = getattr(model, name)
    return "" if x is None else f"{(x * 100).normalize():f}%"


def _tiers(view, context, model, name):
    rows = ", ".join(f"{TIER_LABELS[t.tier]} ${t.monthly_premium:,}/mo" for t in model.tiers) or "none"
    link = filtered_list_url("benefit_plan_tier", "plan_id", model.id)
    return Markup('{} · <a href="{}">edit tiers</a>').format(rows, link) if link else rows


def _rules(view, context, model, name):
    link = filtered_list_url("benefit_contribution_rule", "plan_id", model.id)
    text = "; ".join(str(r) for r in model.rules) or "no employer contribution"
    return Markup('{} · <a href="{}">edit rules</a>').format(text, link) if link else text


class BenefitPlanAdmin(SecureModelView):
    """The master plan's plans by plan year; tiers and client rules are edited on their own lists (linked)."""

    permission_model = "benefit_plan"
    column_list = ("id", "kind", "name", "carrier_ref", "network_type", "plan_year_start", "plan_year_end",
                   "waiting_days", "hdhp", "active", "tiers")
    column_searchable_list = ("name", "carrier")
    column_filters = ("kind", "network_type", "plan_year_start", "active", "hdhp")
    column_default_sort = ("plan_year_start", True)
    column_formatters = {"tiers": _tiers, "rules": _rules,
                         **{k: _percent for k in ("match_up_to_1", "match_rate_1", "match_up_to_2", "match_rate_2",
                                                   "default_deferral_percent", "escalation_step",
                                                   "escalation_cap")}}
    column_formatters_export = {"tiers": lambda v, c, m, n: "; ".join(f"{t.tier} {t.monthly_premium}"
                                                                     for t in m.tiers),
                                "rules": lambda v, c, m, n: "; ".join(str(r) for r in m.rules)}
    money_columns = ("deductible_individual", "deductible_family", "out_of_pocket_individual",
                     "out_of_pocket_family", "max_annual_amount")
    column_details_list = plans_svc.PLAN_FIELDS + ("tiers", "rules")
    form_columns = plans_svc.PLAN_FIELDS
    form_choices = {"kind": _choices(PLAN_KINDS), "network_type": [("", "")] + [(x, x) for x in NETWORK_TYPES],
                    "commuter_kind": [("", ""), ("transit", "transit"), ("parking", "parking")],
                    "vesting_schedule": _choices(VESTING_SCHEDULES, VESTING_LABELS)}
    form_args = {"waiting_days": {"description": "At most 90 days (29 CFR 2590.715-2708)."},
                 "match_up_to_1": {"description": _PCT + " Safe harbor: 0.03 at 1, then 0.02 at 0.5."},
                 "default_deferral_percent": {"description": _PCT + " The automatic-enrollment default."},
                 "min_weekly_hours": {"description": "Average hours a week to be eligible (e.g. 30); empty: any."},
                 "vesting_schedule": {"description": "How the 401(k) match vests, by years of service across clients "
                                                     "(a safe-harbor match is immediate)."},
                 "escalation_step": {"description": _PCT + " Automatic escalation each year of an auto-enrolled "
                                                           "worker (IRC 414A: at least 0.01)."},
                 "escalation_cap": {"description": _PCT + " Where escalation stops (IRC 414A: 0.10 to 0.15)."},
                 "match_true_up": {"description": "True up the match after the year on the whole year's pay "
                                                  "(backoffice benefits true-up)."}}
    service_fields = form_columns

    def get_query(self):
        return super().get_query().options(joinedload(BenefitPlan.tiers))

    def service_create(self, data):
        return plans_svc.create_plan(_plain(data))

    def service_update(self, obj, data):
        return plans_svc.update_plan(obj.id, _plain(data))


def _plain(data: dict) -> dict:
    """Form values as the service reads them (numbers as text, dates as ISO strings)."""
    out = {}
    for k, x in data.items():
        out[k] = x.isoformat() if hasattr(x, "isoformat") else (str(x) if x is not None and not isinstance(
            x, (bool, str, int)) else x)
    return out


class CarrierAdmin(SecureModelView):
    """The carriers the health plans are placed with: where the 834 files go and whose bills are reconciled."""

    permission_model = "benefit_plan"
    column_list = ("code", "name", "receiver_qualifier", "receiver_id", "group_number", "contact_email", "active")
    column_searchable_list = ("code", "name", "group_number")
    column_filters = ("active",)
    column_default_sort = "code"
    form_columns = plans_svc.CARRIER_FIELDS
    form_args = {"code": {"description": "Short code operators type (e.g. SUMMIT): capitals, digits, - or _."},
                 "receiver_id": {"description": "The carrier's interchange receiver id (ISA08), from its "
                                                "trading-partner set-up."},
                 "receiver_qualifier": {"description": "ISA07: ZZ (mutually defined), 30 (FEIN), 01 (DUNS)…"}}
    service_fields = form_columns

    def service_create(self, data):
        return plans_svc.save_carrier(_plain(data))

    def service_update(self, obj, data):
        return plans_svc.save_carrier(_plain(data), obj.id)


class PlanTierAdmin(SecureModelView):
    permission_model = "benefit_plan"
    column_list = ("id", "plan", "tier", "monthly_premium")
    column_filters = ("plan_id", "tier")
    column_default_sort = ("plan_id", False)
    money_columns = ("monthly_premium",)
    form_columns = ("plan", "tier", "monthly_premium")
    form_choices = {"tier": _choices(tuple(TIER_LABELS), TIER_LABELS)}
    form_args = {"monthly_premium": {"description": "The whole premium a month (employee and employer shares)."}}
    service_fields = form_columns

    def service_create(self, data):
        return plans_svc.set_tier(data.get("plan"), data.get("tier"), _plain(data).get("monthly_premium"))

    def service_update(self, obj, data):
        return plans_svc.set_tier(obj.plan_id, obj.tier, _plain(data).get("monthly_premium"))


class ContributionRuleAdmin(SecureModelView):
    """What the employer pays toward each plan: the agency default (no client) and richer rules per client."""

    permission_model = "benefit_plan"
    column_list = ("id", "plan", "client", "method", "value", "note")
    column_labels = {"client": "Client (empty: agency default)"}
    column_filters = ("plan_id", "client_id", "method")
    form_columns = ("plan", "client", "method", "value", "note")
    form_choices = {"method": _choices(RULE_METHODS)}
    form_args = {"value": {"description": "Percent methods: a fraction (0.75 is 75%). Flat: dollars a month."}}
    form_ajax_refs = {"client": {"fields": ("name",), "page_size": 10}}
    service_fields = form_columns

    def service_create(self, data):
        return plans_svc.set_rule(data.get("plan"), data.get("client"), data.get("method"),
                            _plain(data).get("value"), data.get("note") or "")

    def service_update(self, obj, data):
        return plans_svc.set_rule(obj.plan_id, obj.client_id, data.get("method"), _plain(data).get("value"),
                            data.get("note") or "")


class EnrollmentWindowAdmin(SecureModelView):
    """Open enrollment for a plan year: HR schedules it, opens it and closes it (on close, workers who did
    nothing keep their elections or get the plan's default)."""

    permission_model = "benefit_window"
    column_list = ("id", "kind", "plan_year_start", "opens_on", "closes_on", "status", "closed_at")
    column_filters = ("status", "plan_year_start")
    form_columns = ("plan_year_start", "opens_on", "closes_on")
    service_fields = form_columns
    allow_edit = False

    def service_create(self, data):
        return plans_svc.create_window(data["plan_year_start"], data["opens_on"], data["closes_on"])

    def is_action_allowed(self, name):
        return super().is_action_allowed(name) and can(current_user, "benefit_window", "write")

    @action("open", "Open", "Open the selected enrollment windows?")
    def action_open(self, ids):
        for i in ids:
            with domain_errors("Not opened: "):
                plans_svc.open_enrollment(int(i))
                flash(f"Window {i} is open.", "success")

    @action("close", "Close", "Close the selected windows? Workers who did nothing keep their elections or get "
                              "the defaults.")
    def action_close(self, ids):
        """Closing carries every worker's elections over: a task (eager without a broker), one per window."""
        from benefits.tasks import close_enrollment
        for i in ids:
            w = self.get_one(str(i))
            if w is None or w.status != "open":
                flash(f"Window {i} is not open: not closed.", "error")
                continue
            close_enrollment.delay(int(i))
            flash(f"Window {i} is closing: elections are carried into the new plan year and the 401(k) default "
                  "given (see the enrollments list).", "success")


def _effective(view, context, model, name):
    """The date, and for an election effective before the day it was made, the link to its retro preview."""
    made = model.created_at.date() if model.created_at else None
    if made is None or model.waived or model.effective_date >= made:
        return model.effective_date
    return Markup('{} · <a href="{}">retro</a>').format(model.effective_date, url_for(".retro_view", id=model.id))


class EnrollmentAdmin(ReadOnlyView):
    """Every election and waiver (the census): search by worker or plan, filter, export CSV/XLSX."""

    permission_model = "benefit_enrollment"
    column_list = ("id", "worker", "plan", "event", "status", "effective_date", "end_date", "coverage_tier",
                   "deferral_percent", "roth_percent", "annual_amount", "waived", "per_paycheck_employee",
                   "per_paycheck_employer")
    column_searchable_list = (Worker.last_name, Worker.first_name, BenefitPlan.name, "waive_reason")
    column_filters = ("event", "status", "coverage_tier", "waived", "effective_date", "worker_id", "plan_id",
                      BenefitPlan.kind)
    column_default_sort = ("id", True)
    column_formatters = {"worker": _worker, "deferral_percent": _percent, "roth_percent": _percent,
                         "effective_date": _effective}
    column_formatters_export = {"worker": lambda v, c, m, n: m.worker.full_name if m.worker else "",
                                "effective_date": lambda v, c, m, n: m.effective_date}
    money_columns = ("annual_amount", "per_paycheck_employee", "per_paycheck_employer", "employee_monthly",
                     "employer_monthly")
    column_details_list = column_list + ("employee_monthly", "employer_monthly", "pay_periods", "waive_reason",
                                         "life_event_id", "window_id", "replaces_id")

    def get_query(self):
        return super().get_query().options(joinedload(Enrollment.worker), joinedload(Enrollment.plan))

    @expose("/retro/<int:id>", methods=("GET", "POST"))
    def retro_view(self, id):
        """An election effective before it was made: the paychecks since and what it would have deducted, shown
        before HR applies the difference as a one-time deduction on the next paycheck (once: the database keeps
        one retro deduction per enrollment)."""
        enrollment = self.get_one(str(id))
        if enrollment is None:
            abort(404)
        may_apply = can(current_user, "benefit_enrollment", "write")
        if request.method == "POST":
            if not may_apply:
                abort(403)
            with domain_errors("Retro deduction not created: "):
                made = svc.apply_retro(id)
                flash(f"One-time deduction of ${made.amount:,} on the next paycheck." if made
                      else "Nothing to collect: no paycheck since the effective date.", "success")
            return redirect(url_for(".retro_view", id=id))
        rows = svc.retro_preview(id)
        return self.render("admin/benefits/retro.html", enrollment=enrollment, rows=rows,
                           total=sum((D(r["difference"]) for r in rows), D("0.00")),
                           applied=svc.retro_applied(id), may_apply=may_apply)


class DependentAdmin(ReadOnlyView):
    permission_model = "benefit_dependent"
    column_list = ("id", "worker", "first_name", "last_name", "relationship", "birth_date", "ssn_masked", "active")
    column_labels = {"ssn_masked": "SSN"}
    column_searchable_list = ("last_name", "first_name", Worker.last_name)
    column_filters = ("relationship", "active", "worker_id")
    column_formatters = {"worker": _worker}
    column_formatters_export = {"worker": lambda v, c, m, n: m.worker.full_name if m.worker else ""}
    column_details_list = column_list

    def get_query(self):
        return super().get_query().options(joinedload(Dependent.worker))


class BeneficiaryAdmin(ReadOnlyView):
    permission_model = "benefit_dependent"
    column_list = ("id", "worker", "plan_kind", "level", "name", "relationship", "share_percent")
    column_filters = ("plan_kind", "level", "worker_id")
    column_searchable_list = ("name",)
    column_formatters = {"worker": _worker, "share_percent": _percent}


class LifeEventAdmin(ReadOnlyView):
    """Life events: the worker's qualifying-event requests to approve (the worker's window opens) or deny with a
    reason, and the COBRA events reclassification records."""

    permission_model = "life_event"
    column_list = ("id", "worker", "kind", "event_date", "status", "document_name", "window_closes_on",
                   "decision_reason", "created_at")
    column_filters = ("kind", "status", "event_date", "worker_id")
    column_searchable_list = (Worker.last_name, Worker.first_name, "notes")
    column_default_sort = ("id", True)
    column_formatters = {"worker": _worker,
                         "document_name": lambda v, c, m, n: Markup('<a href="{}">{}</a>').format(
                             url_for(".document_view", id=m.id), m.document_name) if m.document_name else ""}
    column_formatters_export = {"worker": lambda v, c, m, n: m.worker.full_name if m.worker else "",
                                "document_name": lambda v, c, m, n: m.document_name or ""}
    column_details_list = column_list + ("notes", "decided_at")

    def get_query(self):
        return super().get_query().options(joinedload(LifeEvent.worker))

    def is_action_allowed(self, name):
        return super().is_action_allowed(name) and can(current_user, "life_event", "write")

    @action("approve", "Approve", "Approve the selected requests? Each worker's window opens (30 days; 60 for a "
                                  "birth or adoption).")
    def action_approve(self, ids):
        for i in ids:
            with domain_errors(f"Life event {i} not approved: "):
                ev = svc.decide_life_event(int(i), True, user_id=current_user.id)
                flash(f"Approved: the worker may change elections until {ev.window_closes_on}.", "success")

    @action("deny", "Deny", "Deny the selected requests (you give the reason next)?")
    def action_deny(self, ids):
        return redirect(url_for(".deny_view", ids=",".join(str(i) for i in ids)))

    @expose("/deny/", methods=("GET", "POST"))
    def deny_view(self):
        if not can(current_user, "life_event", "write"):
            abort(403)
        ids = selected_ids()
        if request.method == "POST":
            reason = (request.form.get("reason") or "").strip()
            if not reason:
                flash("reason: a denial needs its reason (the worker reads it)", "error")
            else:
                for i in ids:
                    with domain_errors(f"Life event {i} not denied: "):
                        svc.decide_life_event(i, False, reason, user_id=current_user.id)
                        flash(f"Life event {i} denied.", "success")
                return redirect(url_for(".index_view"))
        return self.render("admin/benefits/deny.html", ids=",".join(map(str, ids)), count=len(ids))

    @expose("/document/<int:id>")
    def document_view(self, id):
        ev = self.get_one(str(id))
        if ev is None or ev.document is None:
            abort(404)
        kind = next((t for magic, t in svc.DOCUMENT_TYPES.items() if ev.document.startswith(magic)), "pdf")
        mime = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}[kind]
        return ev.document, 200, {"Content-Type": mime, "Content-Disposition": "attachment",
                                  "X-Content-Type-Options": "nosniff"}


def register(admin) -> None:
    """Add this domain's views to the admin."""
    cat = "Benefits"
    admin.add_view(BenefitPlanAdmin(BenefitPlan, name="Plans", endpoint="benefit_plan", category=cat))
    admin.add_view(CarrierAdmin(Carrier, name="Carriers", endpoint="benefit_carrier", category=cat))
    admin.add_view(PlanTierAdmin(PlanTier, name="Tiers and rates", endpoint="benefit_plan_tier", category=cat))
    admin.add_view(ContributionRuleAdmin(ClientContributionRule, name="Employer contribution rules",
                                         endpoint="benefit_contribution_rule", category=cat))
    admin.add_view(EnrollmentWindowAdmin(EnrollmentWindow, name="Enrollment windows", endpoint="benefit_window",
                                         category=cat))
    admin.add_view(EnrollmentAdmin(Enrollment, name="Enrollments", endpoint="benefit_enrollment", category=cat))
    admin.add_view(DependentAdmin(Dependent, name="Dependents", endpoint="benefit_dependent", category=cat))
    admin.add_view(BeneficiaryAdmin(Beneficiary, name="Beneficiaries", endpoint="benefit_beneficiary",
                                    category=cat))
    admin.add_view(LifeEventAdmin(LifeEvent, name="Life events", endpoint="benefit_life_event", category=cat))
