"""Corrections in the admin: the paycheck page (reverse with four eyes, re-issue, paper checks), reversal
requests, off-cycle runs by form, and pay rate changes with their retro pay."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from backoffice import validation as v
from backoffice.admin import ReadOnlyView, deny, domain_errors, staff_only
from backoffice.clock import clock
from backoffice.errors import DomainError, Issue, raise_if
from backoffice.extensions import db
from backoffice.security.access import can, scoped
from backoffice.workers.models import Client, Engagement, Worker
from payroll.models import (ADJUSTMENT_CODES, EngagementRate, Paycheck, PaycheckHold, PaycheckLine, PayrollRun,
                            ReversalRequest, Timesheet)
from payroll.models_ledger import Payment
from payroll.services import checks, corrections, retro, runs, workers_comp
from payroll.services.paystubs import paystub_data

OFF_CYCLE_LABELS = {"bonus": "Bonus", "correction": "Correction", "final": "Final pay"}
FORM_ROWS = 5            # item rows shown at first; the page adds more on request


def _paycheck_or_404(paycheck_id: int) -> Paycheck:
    p = db.session.execute(scoped(sa.select(Paycheck).where(Paycheck.id == paycheck_id), current_user, "paycheck")
                           ).scalar_one_or_none()
    if p is None:
        abort(404)
    return p


def paycheck_actions(p: Paycheck, run: PayrollRun, user) -> dict:
    """What `user` may do to the paycheck now, with the notes that explain a button not shown. The services
    enforce the same rules; this only keeps buttons off the page that would be refused."""
    s = db.session
    reversed_by = s.execute(sa.select(Paycheck.id).where(Paycheck.reverses_id == p.id)).scalar()
    reissued_by = s.execute(sa.select(Paycheck).where(Paycheck.reissue_of_id == p.id)).scalar()
    may_run = can(user, "payroll_run", "write")
    acts: set[str] = set()
    notes: list[str] = []
    request_ = corrections.open_request(run.id, p.id) if p.kind != "reversal" else None
    if p.kind != "reversal" and not reversed_by and may_run:
        if run.state == "paid":
            if request_ is None:
                acts.add("request_reversal")
            elif request_.requested_by_id == user.id:
                notes.append(f"You requested this reversal (request #{request_.id}: {request_.reason or 'no reason'}"
                             "): a different user must carry it out.")
            else:
                acts.add("reverse")
        elif run.state == "calculated":
            acts.add("reverse")
        elif run.state == "approved":
            notes.append("The run is approved and its deposits are not sent yet: reverse the whole run, or pay it "
                         "first and then reverse this paycheck.")
    if reversed_by and reissued_by is None and may_run and p.kind != "reversal":
        acts.add("reissue")
    if (p.kind != "reversal" and not reversed_by and run.state in checks.CHECK_RUN_STATES
            and can(user, "payment", "create") and checks.replaceable(p.id)):
        acts.add("manual_check")
    return {"actions": acts, "notes": notes, "request": request_, "reversed_by": reversed_by,
            "reissued_by": reissued_by, "can_void": can(user, "payment", "write")}


class CorrectionsView(BaseView):
    """The paycheck page and the correction forms (off-cycle runs, rate changes with retro pay)."""

    def is_accessible(self):
        return staff_only() and can(current_user, "payroll_run", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    @expose("/")
    def index(self):
        return redirect(url_for(".off_cycle"))

    # ------------------------------------------------------------------------------------ the paycheck page
    @expose("/paycheck/<int:paycheck_id>")
    def paycheck(self, paycheck_id):
        p = _paycheck_or_404(paycheck_id)
        run = db.session.get(PayrollRun, p.run_id, populate_existing=True)
        lines = db.session.execute(sa.select(PaycheckLine).where(PaycheckLine.paycheck_id == p.id)
                                   .order_by(PaycheckLine.id)).scalars().all()
        pays = db.session.execute(sa.select(Payment).where(Payment.paycheck_id == p.id).order_by(Payment.id)
                                  ).scalars().all() if can(current_user, "payment", "read") else []
        owed = sum((x.amount for x in checks.replaceable(p.id)), p.net * 0)
        # the paystub with its explanations, exactly as the worker reads it in the portal
        stub, stub_problem = None, ""
        try:
            stub = paystub_data(p.id, with_explanations=True)
        except DomainError as refused:
            stub_problem = refused.message
        held = db.session.execute(sa.select(PaycheckHold).options(joinedload(PaycheckHold.run)).where(
            PaycheckHold.worker_id == p.worker_id,
            sa.or_(PaycheckHold.run_id == p.run_id, PaycheckHold.released_run_id == p.run_id))
            .order_by(PaycheckHold.id)).scalars().all()
        engagement = db.session.execute(sa.select(Engagement).options(
            joinedload(Engagement.worker), joinedload(Engagement.client)).where(Engagement.id == p.engagement_id)
        ).scalar_one_or_none() if p.engagement_id else None
        comp = workers_comp.paycheck_premiums(p.id) if can(current_user, "workers_comp_premium", "read") else []
        return self.render("admin/payroll/paycheck.html", p=p, run=run, lines=lines, payments=pays, owed=owed,
                           today=clock().today(), stub=stub, stub_problem=stub_problem, holds=held,
                           engagement=engagement, comp=comp, **paycheck_actions(p, run, current_user))

    @expose("/paycheck/<int:paycheck_id>/<string:verb>", methods=["POST"])
    def paycheck_act(self, paycheck_id, verb):
        p = _paycheck_or_404(paycheck_id)
        back = url_for(".paycheck", paycheck_id=p.id)
        form = request.form
        with domain_errors("Refused: "):
            if verb == "request_reversal":
                req = corrections.request_reversal(current_user, form.get("reason", ""), paycheck_id=p.id)
                flash(f"Reversal of paycheck #{p.id} requested (request #{req.id}); a different user must carry it "
                      "out.", "success")
            elif verb == "reverse":
                rev = corrections.reverse_paycheck(p.id, current_user, form.get("reason", ""), on=clock().today())
                flash(f"Paycheck #{p.id} reversed by paycheck #{rev.id} (run #{rev.run_id}).", "success")
            elif verb == "reissue":
                run = corrections.reissue_paycheck(p.id, current_user)
                flash(f"Paycheck #{p.id} re-issued in correction run #{run.id}; a different user approves it.",
                      "success")
                return redirect(url_for("payroll_desk.detail", run_id=run.id))
            elif verb == "manual_check":
                pay = checks.record_manual_check(p.id, {k: form.get(k) for k in
                                                        ("check_number", "check_date", "amount", "payment_id")},
                                                 current_user)
                flash(f"Check no. {pay.check_number} of {pay.amount} recorded (payment #{pay.id}).", "success")
            elif verb == "void_check":
                pay = checks.void_check(form.get("payment_id", ""), current_user, form.get("reason", ""),
                                        on=clock().today())
                flash(f"Check no. {pay.check_number} voided; the net is owed again.", "success")
            else:
                abort(404)
        return redirect(back)

    # ------------------------------------------------------------------------------------ off-cycle runs
    @expose("/engagements.json")
    def engagement_lookup(self):
        """Engagements by worker name, email or client, for the off-cycle form (scoped, 20 at most)."""
        if not can(current_user, "payroll_run", "create"):
            abort(403)
        term = (request.args.get("q") or "").strip()[:100]
        stmt = (sa.select(Engagement, Worker, Client).join(Worker, Worker.id == Engagement.worker_id)
                .join(Client, Client.id == Engagement.client_id))
        if term:
            like = f"%{term}%"
            stmt = stmt.where(sa.or_(Worker.last_name.ilike(like), Worker.first_name.ilike(like),
                                     Worker.email.ilike(like), Client.name.ilike(like),
                                     (Worker.first_name + " " + Worker.last_name).ilike(like)))
        stmt = scoped(stmt, current_user, "engagement").order_by(Worker.last_name, Worker.first_name,
                                                                 Engagement.id).limit(20)
        rows = db.session.execute(stmt).all()
        unpaid = _unpaid_hours([e.id for e, _w, _c in rows])
        return jsonify([{"id": e.id, "label": _label(e, w, c), "status": e.status,
                         "end_date": e.end_date.isoformat() if e.end_date else None,
                         "unpaid_approved_hours": str(unpaid.get(e.id, 0))} for e, w, c in rows])

    @expose("/off-cycle", methods=["GET", "POST"])
    def off_cycle(self):
        if not can(current_user, "payroll_run", "create"):
            abort(403)
        form = request.form
        rows = _item_rows(form) if request.method == "POST" else [{} for _ in range(FORM_ROWS)]
        errors: dict[str, str] = {}
        status, past = 200, False
        if request.method == "POST":
            used = [(i, r) for i, r in enumerate(rows) if any((r.get("engagement_id"), r.get("amount")))]
            with domain_errors("Not created: ", form=True) as refused:
                issues: list[Issue] = []
                pay_date = v.a_date("pay_date", form.get("pay_date"), issues)
                if not used:
                    issues.append(Issue("items", "choose at least one worker and amount", "required"))
                raise_if(issues)
                items = [{"engagement_id": _int(r.get("engagement_id")), "code": r.get("code"),
                          "amount": r.get("amount"), "note": r.get("note", "")} for _i, r in used]
                run = runs.create_off_cycle_run(form.get("kind", ""), pay_date, items, current_user,
                                                description=form.get("description", "")[:200], today=clock().today(),
                                                confirm_past_pay_date=form.get("confirm_past_pay_date") == "1")
                flash(f"{OFF_CYCLE_LABELS.get(run.kind, run.kind)} run #{run.id} created as a draft; calculate it, "
                      "then a different user approves it.", "success")
                return redirect(url_for("payroll_desk.detail", run_id=run.id))
            if refused:
                status = 422
                errors = _row_errors(refused.issues, used)
                past = any(i.code == "past_pay_date" for i in refused.issues)    # asked again, with a box to tick
                flash(f"Nothing was created: {len(errors)} field(s) to correct (see below).", "error")
        labels = _labels_for([_int(r.get("engagement_id")) for r in rows])
        return self.render("admin/payroll/off_cycle.html", rows=rows, errors=errors, labels=labels, past_pay_date=past,
                           kinds=OFF_CYCLE_LABELS, codes=ADJUSTMENT_CODES, form=form, today=clock().today()), status

    # ------------------------------------------------------------------------------------ rate changes, retro
    @expose("/engagement/<int:engagement_id>/rate", methods=["GET", "POST"])
    def rate_change(self, engagement_id):
        may_change = can(current_user, "payroll_run", "create")      # others see the history only
        if request.method == "POST" and not may_change:
            abort(403)
        eng = db.session.execute(scoped(sa.select(Engagement).where(Engagement.id == engagement_id), current_user,
                                        "engagement")).scalar_one_or_none()
        if eng is None:
            abort(404)
        errors: dict[str, str] = {}
        status = 200
        if request.method == "POST":
            with domain_errors("Not saved: ", form=True) as refused:
                change = retro.change_rate(eng.id, {k: request.form.get(k) for k in ("rate", "effective_date", "note")},
                                           current_user, today=clock().today())
                if change.retro_status == "pending":
                    flash("Rate saved. It is back-dated over pay already written: check the retro pay below, "
                          "then confirm or dismiss it.", "success")
                else:
                    flash("Rate saved; no pay already written is affected.", "success")
                return redirect(url_for(".retro_page", change_id=change.id))
            if refused:
                status = 422
                errors = {i.field: i.message for i in refused.issues}
                flash(f"Nothing was saved: {len(errors)} field(s) to correct (see below).", "error")
        return self.render("admin/payroll/rate_change.html", eng=eng, errors=errors, form=request.form,
                           history=retro.history(eng.id), today=clock().today(), may_change=may_change), status

    @expose("/rate-change/<int:change_id>")
    def retro_page(self, change_id):
        change = db.session.get(EngagementRate, change_id)
        if change is None or db.session.execute(scoped(sa.select(Engagement.id).where(
                Engagement.id == change.engagement_id), current_user, "engagement")).scalar() is None:
            abort(404)
        result = retro.retro_for(change)
        adjustment = db.session.execute(sa.select(retro.PayrollAdjustment).where(
            retro.PayrollAdjustment.rate_change_id == change.id)).scalar()
        return self.render("admin/payroll/retro.html", change=change, result=result, adjustment=adjustment,
                           may_decide=can(current_user, "payroll_run", "create"))

    @expose("/rate-change/<int:change_id>/<string:verb>", methods=["POST"])
    def retro_act(self, change_id, verb):
        with domain_errors("Refused: "):
            if verb == "confirm":
                adj = retro.confirm_retro(change_id, current_user)
                flash(f"Retro pay of {adj.amount} added (adjustment #{adj.id}); the next run of the engagement pays "
                      "it.", "success")
            elif verb == "dismiss":
                retro.dismiss_retro(change_id, current_user, request.form.get("reason", ""))
                flash("Retro pay dismissed.", "success")
            else:
                abort(404)
        return redirect(url_for(".retro_page", change_id=change_id))


def _row_errors(issues: list[Issue], used: list[tuple[int, dict]]) -> dict[str, str]:
    """The service's issues (items[n] of the items sent) under the form's rows (items[i] of the rows shown)."""
    out: dict[str, str] = {}
    for issue in issues:
        field, message = issue.field, issue.message
        if field.startswith("items[") and "]." in field:
            n = int(field[6:field.index("]")])
            i, row = used[n]
            name = field[field.index("].") + 2:]
            field = f"items[{i}].{name}"
            if name == "engagement_id" and not row.get("engagement_id"):
                message = "choose the worker (type a name, then pick the engagement)"
        out.setdefault(field, message)
    return out


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _item_rows(form) -> list[dict]:
    n = min(max(_int(form.get("rows")) or FORM_ROWS, 1), 50)
    return [{k: form.get(f"items-{i}-{k}", "").strip() for k in ("engagement_id", "code", "amount", "note")}
            for i in range(n)]


def _label(e: Engagement, w: Worker, c: Client) -> str:
    return f"{w.last_name}, {w.first_name} — {c.name} ({e.type.replace('_', ' ')}, {e.work_state}, {e.status})"


def _labels_for(ids) -> dict[int, str]:
    ids = [i for i in ids if i]
    if not ids:
        return {}
    rows = db.session.execute(scoped(sa.select(Engagement, Worker, Client).join(Worker, Worker.id == Engagement.worker_id)
                                     .join(Client, Client.id == Engagement.client_id).where(Engagement.id.in_(ids)),
                                     current_user, "engagement")).all()
    return {e.id: _label(e, w, c) for e, w, c in rows}


def _unpaid_hours(ids: list[int]) -> dict[int, object]:
    """Approved, unpaid hours per engagement: what a final-pay run pays besides its items."""
    if not ids:
        return {}
    out = {}
    for ts in db.session.execute(sa.select(Timesheet).where(Timesheet.engagement_id.in_(ids),
                                                            Timesheet.status == "approved",
                                                            Timesheet.paid_run_id.is_(None))).scalars():
        out[ts.engagement_id] = out.get(ts.engagement_id, 0) + ts.total_hours
    return out


# ------------------------------------------------------------------------------------------------ lists
def _request_target(view, context, model, name):
    if model.paycheck_id:
        return Markup('<a href="{}">paycheck #{}</a>').format(url_for("corrections.paycheck",
                                                                      paycheck_id=model.paycheck_id),
                                                              model.paycheck_id)
    return Markup('<a href="{}">run #{}</a>').format(url_for("payroll_desk.detail", run_id=model.run_id), model.run_id)


class ReversalRequestAdmin(ReadOnlyView):
    """Reversal requests, open and done: who asked, why, who carried it out and the reversal run."""
    column_list = ("id", "run_id", "paycheck_id", "status", "reason", "requested_by_id", "created_at",
                   "approved_by_id", "approved_at", "reversal_run_id")
    column_labels = {"id": "Request", "run_id": "Run", "paycheck_id": "Reverses", "requested_by_id": "Requested by",
                     "approved_by_id": "Carried out by", "approved_at": "Carried out", "reversal_run_id": "Reversal run",
                     "created_at": "Requested"}
    column_filters = ("status", "run_id", "paycheck_id", "requested_by_id", "approved_by_id", "created_at")
    column_searchable_list = ("reason",)
    column_default_sort = ("id", True)
    column_formatters = {"paycheck_id": _request_target}
    column_formatters_export = {}
    can_view_details = False


class EngagementRateAdmin(ReadOnlyView):
    """Every pay rate change with its effective date and the retro decision."""
    column_list = ("id", "engagement_id", "previous_rate", "rate", "effective_date", "retro_status", "retro_amount",
                   "created_by_id", "created_at", "note")
    column_labels = {"id": "Change", "engagement_id": "Engagement", "retro_status": "Retro",
                     "retro_amount": "Retro amount", "created_by_id": "Entered by"}
    column_filters = ("retro_status", "engagement_id", "effective_date", "created_at")
    column_searchable_list = ("note",)
    column_default_sort = ("id", True)
    column_formatters = {"id": lambda v_, c, m, n: Markup('<a href="{}">#{}</a>').format(
        url_for("corrections.retro_page", change_id=m.id), m.id)}
    column_formatters_export = {}
    money_columns = ("retro_amount",)
    can_view_details = False


def register(admin) -> None:
    admin.add_view(CorrectionsView(name="Off-cycle run", endpoint="corrections", url="/admin/corrections",
                                   category="Payroll"))
    admin.add_view(ReversalRequestAdmin(ReversalRequest, name="Reversal requests", endpoint="reversal_request",
                                        category="Payroll"))
    admin.add_view(EngagementRateAdmin(EngagementRate, name="Rate changes", endpoint="engagement_rate",
                                       category="Payroll"))
