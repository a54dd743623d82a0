"""Payroll admin: pay schedules with a calendar, timesheets with approval, runs (checks, progress, actions, NACHA),
paychecks, payments and the journal."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Response, abort, flash, jsonify, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import defer, joinedload, selectinload

from backoffice.admin import (ReadOnlyView, SecureModelView, deny, domain_errors, filtered_list_url, list_url,
                              staff_only)
from backoffice.clock import clock
from backoffice.dates import parse_date
from backoffice.errors import DomainError, NotFound, ValidationFailed
from backoffice.extensions import db
from backoffice.security.access import can
from backoffice.workers.models import Engagement, Worker
from payroll import admin_corrections, admin_finance, admin_states
from payroll.models import RUN_MACHINE, Paycheck, PayrollRun, PaySchedule
from payroll.models_ledger import NachaFile, Payment
from payroll.services import corrections, holds, payments, run_desk, runs, schedules, workers_comp
from payroll.timesheets import admin as timesheet_admin
from reports.paystubs import paystub_pdf


# ------------------------------------------------------------------------------------------------ schedules
class PayScheduleAdmin(SecureModelView):
    column_list = ("name", "frequency", "anchor_start", "pay_lag_days", "active")
    column_searchable_list = ("name",)
    column_filters = ("frequency", "active")
    form_columns = ("name", "frequency", "anchor_start", "pay_lag_days", "active")
    form_choices = {"frequency": [(f, f) for f in schedules.FREQUENCIES]}
    service_fields = form_columns

    def service_create(self, data):
        return schedules.create_schedule(data)

    def service_update(self, obj, data):
        return schedules.update_schedule(obj.id, data)


class PayCalendarView(BaseView):
    """A month grid of every schedule's pay dates with US banking holidays marked."""

    def is_accessible(self):
        return staff_only() and can(current_user, "pay_schedule", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    @expose("/")
    def index(self):
        today = clock().today()
        try:
            year = int(request.args.get("year", today.year))
            month = int(request.args.get("month", today.month))
            grid = schedules.month_calendar(year, month)
        except (ValueError, DomainError):
            abort(404)
        prev = (year, month - 1) if month > 1 else (year - 1, 12)
        nxt = (year, month + 1) if month < 12 else (year + 1, 1)
        return self.render("admin/payroll/calendar.html", grid=grid, year=year, month=month, prev=prev, nxt=nxt,
                           title=date(year, month, 1).strftime("%B %Y"),
                           schedules=db.session.execute(sa.select(PaySchedule).order_by(PaySchedule.name))
                           .scalars().all())


# ------------------------------------------------------------------------------------------------ runs
def _run_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(url_for("payroll_desk.detail", run_id=model.id), str(model))


class PayrollRunAdmin(ReadOnlyView):
    column_list = ("id", "kind", "state", "description", "period_start", "period_end", "pay_date", "paycheck_count",
                   "total_gross", "total_net", "chunks_done", "chunks_total")
    column_filters = ("state", "kind", "pay_date", "period_start")
    column_searchable_list = ("description",)
    column_default_sort = ("id", True)
    column_formatters = {"id": _run_link}
    column_formatters_export = {}
    money_columns = ("total_gross", "total_net")
    column_labels = {"id": "Run", "paycheck_count": "Paychecks", "total_gross": "Gross", "total_net": "Net",
                     "chunks_done": "Chunks done", "chunks_total": "Chunks"}
    can_view_details = False

    def get_query(self):
        return super().get_query().options(joinedload(PayrollRun.pay_schedule))     # the run's name


class PayrollDeskView(BaseView):
    """Run detail: pre-run checks, progress bar, actions (calculate, approve, pay, reverse) and the NACHA file."""

    def is_accessible(self):
        return staff_only() and can(current_user, "payroll_run", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    def _run(self, run_id: int) -> PayrollRun:
        # always read the row afresh: workers update progress and state from other connections
        run = db.session.get(PayrollRun, run_id, populate_existing=True)
        if run is None:
            abort(404)
        return run

    @expose("/", methods=["GET", "POST"])
    def index(self):
        today = clock().today()
        chosen = {"schedule_id": request.form.get("schedule_id", ""),
                  "period_containing": request.form.get("period_containing") or today.isoformat()}
        warning, status = "", 200
        if request.method == "POST":
            try:
                refused = domain_errors("Refused: ", form=True)
                with refused:
                    run = runs.create_regular_run(int(chosen["schedule_id"]), parse_date(chosen["period_containing"]),
                                                  current_user, today=today,
                                                  confirm_past_pay_date=request.form.get("confirm_past_pay_date") == "1")
                    return redirect(url_for(".detail", run_id=run.id))
                status = 422
                past = [i for i in refused.issues if i.code == "past_pay_date"]
                if past:        # asked again with a box to tick: the warning is the page, not a flash
                    warning = past[0].message.split(". Confirm")[0]
                elif refused.issues:
                    flash("Refused: " + "; ".join(str(i) for i in refused.issues), "error")
            except (KeyError, ValueError):
                flash("Choose a schedule and a date in the period.", "error")
                status = 422
        recent = db.session.execute(sa.select(PayrollRun).options(joinedload(PayrollRun.pay_schedule))
                                    .order_by(PayrollRun.id.desc()).limit(25)).scalars().all()
        scheds = db.session.execute(sa.select(PaySchedule).where(PaySchedule.active.is_(True))
                                    .order_by(PaySchedule.name)).scalars().all()
        return self.render("admin/payroll/runs.html", runs=recent, schedules=scheds, today=today, chosen=chosen,
                           past_warning=warning, can_create=can(current_user, "payroll_run", "create")), status

    @expose("/<int:run_id>")
    def detail(self, run_id):
        run = self._run(run_id)
        # the checks are shown where they gate the next move (calculating, approving): blocking checks and
        # paycheck exceptions in one table, named, with a link to fix each and a hold form
        show_checks = bool({"calculate", "approve"} & set(RUN_MACHINE.actions(run.state)))
        kind = request.args.get("kind", "")[:40]
        problems = run_desk.run_problems(run.id, code=kind)
        try:            # the pay-holds form sent back to confirm a pay date today or past
            asked = parse_date(request.args["holds_pay_date"])
            holds_warning = runs.past_pay_date_issue(asked, clock().today(), False)
        except (KeyError, ValueError):
            asked, holds_warning = None, None
        payable = holds.workers_in_run(run.id, limit=1000) if run.state == "draft" else []
        held = payments.held_payments(run.id)
        returned = db.session.execute(sa.select(Payment).where(Payment.run_id == run.id, Payment.status == "returned")
                                      .order_by(Payment.paycheck_id, Payment.part, Payment.id)).scalars().all()
        reversal = db.session.execute(sa.select(PayrollRun).where(PayrollRun.reverses_run_id == run.id)).scalars().all()
        requests = corrections.open_requests(run.id)
        comp = workers_comp.run_premium(run.id) if can(current_user, "workers_comp_premium", "read") else None
        return self.render("admin/payroll/run_detail.html", run=run, payable=payable, workers_comp=comp,
                           workers_comp_url=list_url("workers_comp_premium", run_id=run.id) if comp else None,
                           open_holds=holds.open_holds(run.id) if run.state not in ("draft", "calculating") else [],
                           holds_runs=db.session.execute(sa.select(PayrollRun).where(
                               PayrollRun.pays_holds_of_run_id == run.id)).scalars().all(),
                           returned=returned, reversal_runs=reversal,
                           held=held,
                           run_request=next((r for r in requests if r.paycheck_id is None), None),
                           paycheck_requests=[r for r in requests if r.paycheck_id is not None],
                           show_checks=show_checks,
                           approval_pending=runs.pending_approval_chunks(run.id)
                           if run.state in ("approved", "paid") else [],
                           actions=runs.run_actions(run, current_user),
                           buttons=run_desk.run_buttons(run, current_user), status=run_desk.run_status(run),
                           problems=problems, kind=kind, fixes=problem_fixes(problems.rows), may=_may_open(),
                           problem_title=run_desk.title, holds_pay_date=asked,
                           holds_warning=holds_warning.message.split(". Confirm")[0] if holds_warning else "",
                           can_resume_approval=can(current_user, *runs.RUN_RIGHTS["resume"]),
                           can_export=can(current_user, "report", "read"))  # the register is the finance export

    @expose("/<int:run_id>/progress.json")
    def progress(self, run_id):
        run = self._run(run_id)
        return jsonify({"state": run.state, "chunks_done": run.chunks_done, "chunks_total": run.chunks_total,
                        "percent": run.progress_percent, "error": run.error, "status": run_desk.run_status(run)})

    @expose("/<int:run_id>/<string:verb>", methods=["POST"])
    def act(self, run_id, verb):
        self._run(run_id)
        try:
            with domain_errors("Refused: "):
                if verb == "calculate":
                    runs.start_calculation(run_id, current_user)
                    # in-process (eager) calculation is done by now: say what the run is, not what was asked
                    flash(run_desk.run_status(self._run(run_id)), "success")
                elif verb == "resume":
                    sent = runs.resume_calculation(run_id, current_user)
                    flash(f"Re-sent {len(sent)} chunk(s).", "success")
                elif verb == "approve":
                    runs.approve_run(run_id, current_user)
                    flash("Run approved.", "success")
                elif verb == "resume_approval":
                    sent = runs.resume_approval(run_id, current_user)
                    flash(f"Re-sent the approval of {len(sent)} chunk(s).", "success")
                elif verb == "nacha":
                    payments.generate_nacha(run_id, current_user, now=clock().now())
                    flash("NACHA file generated.", "success")
                elif verb == "pay":
                    runs.mark_paid(run_id, current_user)
                    flash("Run marked paid.", "success")
                elif verb == "hold":
                    hold = holds.hold_paycheck(run_id, request.form.get("worker_id", type=int),
                                               request.form.get("reason", ""), current_user)
                    flash(f"{hold.worker.full_name}'s paycheck is held out of this run.", "success")
                elif verb == "release_hold":
                    holds.release_hold(request.form.get("hold_id", type=int), current_user)
                    flash("Hold released: the worker is paid by this run.", "success")
                elif verb == "pay_holds":
                    day = request.form.get("pay_date", "")
                    try:
                        new = holds.pay_holds(run_id, parse_date(day), current_user, today=clock().today(),
                                              confirm_past_pay_date=request.form.get("confirm_past_pay_date") == "1")
                    except ValidationFailed as refused:
                        if [i.code for i in refused.issues] != ["past_pay_date"]:
                            raise
                        # asked again on the run page: the date kept, the warning and a box to tick
                        return redirect(url_for(".detail", run_id=run_id, holds_pay_date=day) + "#held-paychecks")
                    flash(f"Off-cycle run #{new.id} pays the held paychecks; calculate and approve it.", "success")
                    return redirect(url_for(".detail", run_id=new.id))
                elif verb == "request_reversal":
                    req = corrections.request_reversal(current_user, request.form.get("reason", ""), run_id=run_id)
                    flash(f"Reversal requested (request #{req.id}); a different user must carry it out.", "success")
                elif verb == "reverse":
                    rev = corrections.reverse_run(run_id, current_user, request.form.get("reason", ""),
                                                  on=clock().today())
                    flash(f"Run reversed by run #{rev.id}.", "success")
                    return redirect(url_for(".detail", run_id=rev.id))
                elif verb == "return":
                    payments.record_return(int(request.form.get("payment_id", 0)), request.form.get("code", ""),
                                           current_user, on=clock().today())
                    flash("Return recorded.", "success")
                elif verb == "reissue-payment":
                    payments.reissue_payment(int(request.form.get("payment_id", 0)), current_user,
                                             bank_account_id=int(request.form["bank_account_id"])
                                             if request.form.get("bank_account_id") else None)
                    flash("Payment re-issued; generate the NACHA file to send it.", "success")
                else:
                    abort(404)
        except ValueError:
            flash("Give a payment id.", "error")
        return redirect(url_for(".detail", run_id=run_id))

    @expose("/<int:run_id>/nacha/<int:file_id>")
    def nacha_download(self, run_id, file_id):
        if not can(current_user, "payment", "read"):
            abort(403)
        f = next((f for f in run_files(run_id) if f.id == file_id), None)
        if f is None:
            abort(404)
        return Response(f.content, mimetype="text/plain", headers={
            "Content-Disposition": f'attachment; filename="payroll-run-{run_id}-{f.file_id_modifier}.ach"'})

    @expose("/paystub/<int:paycheck_id>")
    def paystub(self, paycheck_id):
        if not can(current_user, "paycheck", "read"):
            abort(403)
        try:
            pdf = paystub_pdf(paycheck_id)
        except NotFound:
            abort(404)
        return Response(pdf, mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="paystub-{paycheck_id}.pdf"'})

    @expose("/paycheck/<int:paycheck_id>/<string:verb>", methods=["POST"])
    def paycheck_act(self, paycheck_id, verb):
        p = db.session.get(Paycheck, paycheck_id)
        if p is None:
            abort(404)
        with domain_errors("Refused: "):
            if verb == "request_reversal":
                req = corrections.request_reversal(current_user, request.form.get("reason", ""), paycheck_id=p.id)
                flash(f"Reversal of paycheck #{p.id} requested (request #{req.id}); a different user must carry "
                      "it out.", "success")
            elif verb == "reverse":
                rev = corrections.reverse_paycheck(paycheck_id, current_user, request.form.get("reason", ""),
                                                   on=clock().today())
                flash(f"Paycheck reversed (run #{rev.run_id}).", "success")
            elif verb == "reissue":
                run = corrections.reissue_paycheck(paycheck_id, current_user)
                flash(f"Re-issued in correction run #{run.id}; it needs approval.", "success")
                return redirect(url_for(".detail", run_id=run.id))
            else:
                abort(404)
        return redirect(url_for(".detail", run_id=p.run_id))


def _may_open() -> dict[str, bool]:
    """Which pages the run page may link to for this user (a link to a page that answers 403 is a dead end)."""
    u = current_user
    return {"payments": can(u, "payment", "read"), "nacha": can(u, "payment", "read"),
            "reconciliation": can(u, "payment", "read"), "paychecks": can(u, "paycheck", "read"),
            "workers": can(u, "worker", "read"), "engagements": can(u, "engagement", "read"),
            "hold": can(u, "payroll_run", "write"), "pay_holds": can(u, "payroll_run", "create"),
            "release_payment": can(u, "payment", "create")}


# Onboarding sits above payroll in the domain layers (setup.cfg), so its table is named here, not imported: the
# run page only needs which engagement has an onboarding case, to link HR to it.
_ONBOARDING_CASES = sa.table("onboarding_cases", sa.column("id"), sa.column("engagement_id"), sa.column("worker_id"))


def _onboarding_cases(rows) -> dict[int, int]:
    """{worker id: onboarding case id} for the rows' workers that have a case (the latest one)."""
    ids = sorted({r.worker_id for r in rows if r.worker_id and r.code in _WORKER_GIVES})
    if not ids or not can(current_user, "onboarding", "read"):
        return {}
    c = _ONBOARDING_CASES.c
    return dict(db.session.execute(sa.select(c.worker_id, sa.func.max(c.id)).where(c.worker_id.in_(ids))
                                   .group_by(c.worker_id)).all())


_WORKER_GIVES = {"missing_w4": "the W-4", "missing_w9": "the W-9", "no_bank_account": "a bank account"}


def _fix(row, cases: dict[int, int]) -> tuple[str, str] | None:
    """(label, url) of the page that fixes one run problem, if this user may open it."""
    u = current_user
    worker = row.worker_id
    if row.code in _WORKER_GIVES:
        # the worker gives these themselves (onboarding or the portal): HR chases them from the onboarding case
        what = _WORKER_GIVES[row.code]
        if worker in cases:
            return f"Ask for {what} (onboarding)", url_for("onboarding.case", case_id=cases[worker])
        if can(u, "worker", "read") and worker:
            return f"Ask for {what} (the worker's page)", url_for("workers.details_view", id=worker)
    elif row.code == "unapproved_time" and can(u, "timesheet", "read") and row.engagement_id:
        url = filtered_list_url("timesheet", "engagement_id", row.engagement_id)
        return ("Approve the time", url) if url else None
    elif (row.code == "unclassified" and row.engagement_id and can(u, "classification", "create")
          and can(u, "classification_fill", "create")):
        return "Start the assessment", url_for("classification.new", engagement_id=row.engagement_id)
    elif row.code == "unsupported_state" and row.engagement_id and can(u, "engagement", "write"):
        return "Check the work state", url_for("engagements.edit_view", id=row.engagement_id)
    elif row.code == "no_wc_class" and row.engagement_id and can(u, "engagement", "write"):
        return "Set the class code", url_for("engagements.edit_view", id=row.engagement_id)
    elif row.code == "no_wc_rate" and can(u, "workers_comp_class", "create"):
        return "Add the rate", url_for("workers_comp_class.create_view")
    elif row.code == "no_state_registration" and can(u, "agency", "write"):
        return "Add the state registration", url_for("agency.index_view")
    elif row.code == "period_already_paid" and worker and can(u, "paycheck", "read"):
        url = filtered_list_url("paycheck", "worker_id", worker)
        return ("See the worker's paychecks", url) if url else None
    elif row.code == "negative_net" and row.paycheck_id and can(u, "paycheck", "read"):
        return "Open the paycheck", url_for("corrections.paycheck", paycheck_id=row.paycheck_id)
    elif row.code == "empty_run" and can(u, "engagement", "read"):
        return "Engagements on this schedule", url_for("engagements.index_view")
    return None


def problem_fixes(rows) -> list[tuple[str, str] | None]:
    """The fix link of each row (same order)."""
    cases = _onboarding_cases(rows)
    return [_fix(r, cases) for r in rows]


def run_files(run_id: int):
    return db.session.execute(sa.select(NachaFile).where(NachaFile.run_id == run_id).order_by(NachaFile.id)
                              ).scalars().all()


# ------------------------------------------------------------------------------------------------ paychecks etc.
def _paycheck_links(view, context, model, name):
    stub = url_for("payroll_desk.paystub", paycheck_id=model.id)
    page = url_for("corrections.paycheck", paycheck_id=model.id)
    return Markup('<a href="{}">#{}</a> <a href="{}" title="paystub PDF">PDF</a>').format(page, model.id, stub)


def _paycheck_run(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(url_for("payroll_desk.detail", run_id=model.run_id), str(model.run))


def _paycheck_engagement(view, context, model, name):
    if model.engagement is None:        # a paycheck paying several engagements names each on its lines
        return "several" if model.engagement_id is None else ""
    if not can(current_user, "engagement", "read"):
        return str(model.engagement)
    return Markup('<a href="{}">{}</a>').format(url_for("engagements.details_view", id=model.engagement_id),
                                                str(model.engagement))


def _paycheck_worker(view, context, model, name):
    label = model.worker.full_name if model.worker else model.worker_id
    return Markup('<a href="{}">{}</a>').format(url_for("workers.details_view", id=model.worker_id), label)


class PaycheckAdmin(ReadOnlyView):
    column_list = ("id", "run_id", "kind", "worker_id", "engagement_id", "worker_type", "work_state", "pay_date",
                   "gross", "employee_taxes", "deductions", "net", "employer_taxes", "reverses_id")
    column_filters = ("run_id", "worker_id", "engagement_id", "kind", "worker_type", "work_state", "pay_date")
    # by the worker's name or e-mail (the workers' trigram indexes on PostgreSQL, migration 0100)
    column_searchable_list = (Worker.last_name, Worker.first_name, Worker.email)
    column_default_sort = ("id", True)
    column_formatters = {"id": _paycheck_links, "run_id": _paycheck_run, "worker_id": _paycheck_worker,
                         "engagement_id": _paycheck_engagement}
    column_formatters_export = {}
    column_labels = {"id": "Paycheck", "run_id": "Run", "worker_id": "Worker", "engagement_id": "Engagement",
                     "reverses_id": "Reverses paycheck"}
    money_columns = ("gross", "employee_taxes", "deductions", "net", "employer_taxes")
    column_details_exclude_list = ("inputs",)
    can_view_details = True

    def get_query(self):
        # Names, not ids, on a page of 50 without 150 more queries: one IN query per relation for the page's rows
        # (selectinload), not joins — joined, PostgreSQL joined every row before the OFFSET (page 100 of a
        # million paychecks: 5,050 rows × 5 joins, 80-130 ms) and every match of a search before the sort. Not the
        # stored engine input either (no list shows it).
        return super().get_query().options(
            defer(Paycheck.inputs), selectinload(Paycheck.worker),
            selectinload(Paycheck.run).selectinload(PayrollRun.pay_schedule),
            selectinload(Paycheck.engagement).selectinload(Engagement.worker),
            selectinload(Paycheck.engagement).selectinload(Engagement.client))

    def _apply_search(self, query, count_query, joins, count_joins, search):
        """Each word in the worker's last name, first name or e-mail (those the user may read), as
        `worker_id IN (SELECT id FROM workers WHERE …)`: flask-admin's join made SQLite walk a million paychecks
        looking each worker up (770 ms); the workers' few ids go through the paychecks' worker_id index instead
        (and on PostgreSQL the workers' trigram indexes find them)."""
        fields = [c for c in self.column_searchable_list if self.readable(c)]
        words = search.split()
        if not words or not fields:
            return super()._apply_search(query, count_query, joins, count_joins, search)
        esc = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words]
        matching = sa.select(Worker.id).where(sa.and_(*[sa.or_(*[f.ilike(f"%{w}%", escape="\\") for f in fields])
                                                         for w in esc]))
        found = Paycheck.worker_id.in_(matching)
        return (query.filter(found), None if count_query is None else count_query.filter(found), joins,
                count_joins)

    @expose("/details/")
    def details_view(self):
        """The paycheck page (payroll/admin_corrections.py): lines, payments and the corrections one may make."""
        pid = request.args.get("id", "")
        if not pid.isdigit():
            abort(404)
        return redirect(url_for("corrections.paycheck", paycheck_id=int(pid)))




def register(admin) -> None:
    admin.add_view(PayrollDeskView(name="Payroll runs", endpoint="payroll_desk", url="/admin/payroll-runs",
                                   category="Payroll"))
    admin.add_view(PayrollRunAdmin(PayrollRun, name="All runs", endpoint="payroll_run", category="Payroll"))
    admin.add_view(PaycheckAdmin(Paycheck, name="Paychecks", endpoint="paycheck", category="Payroll"))
    admin.add_view(timesheet_admin.register(admin))          # payroll/timesheets/admin.py
    admin.add_view(PayScheduleAdmin(PaySchedule, name="Pay schedules", endpoint="pay_schedule", category="Payroll"))
    admin.add_view(PayCalendarView(name="Pay calendar", endpoint="pay_calendar", url="/admin/pay-calendar",
                                   category="Payroll"))
    admin_finance.register(admin)   # payments (each with its page: ACH return, re-issue), NACHA files, journal
    admin_corrections.register(admin)
    admin_states.register(admin)    # state coverage (payroll/admin_states.py)
    from payroll.admin_money import register as register_money

    register_money(admin)           # tax deposits, bank return files, payment reconciliation
    from payroll.admin_workers_comp import register as register_workers_comp

    register_workers_comp(admin)    # class codes & rates, premiums by paycheck, the premium report
