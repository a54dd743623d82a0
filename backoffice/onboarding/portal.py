"""The invitation link and the onboarding wizard: one page per step, each saved in one transaction."""
from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from backoffice.auth import sign_in
from backoffice.banking.plaid_link import link_settings
from backoffice.clock import clock
from backoffice.extensions import db
from backoffice.geo import STATES
from backoffice.onboarding.models import OPEN_STATUSES, I9Record, OnboardingCase
from backoffice.onboarding.services import agreements, cases, invitations, wizard
from backoffice.workers.services import flag_tin_conflicts
from backoffice.onboarding.steps import STEP_LABELS, no_certificate_reason, state_form
from backoffice.portal import bp, form_errors
from backoffice.security.headers import frameable_by_self
from backoffice.portal.access import own_or_404, own_rows, worker_required
from backoffice.portal.views import client_ip
from backoffice.security.access import can
from backoffice.workers.profile_services import active_accounts

INVITE_ERROR_STATUS = {"invitation_invalid": 404, "invitation_used": 410, "invitation_expired": 410,
                       "invitation_revoked": 410}


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    """Set a password with the emailed link (single use, expiring), then start the wizard signed in."""
    refused = form_errors(refusals=True)
    with refused:
        inv = invitations.check_invitation(token, now=clock().now())
        if request.method == "POST":
            user = invitations.accept_invitation(token, request.form.get("password", ""),
                                                 request.form.get("password_confirm", ""), now=clock().now(),
                                                 ip=client_ip())
            sign_in(user)  # a new server-side session; one this browser had before ends
            return redirect(url_for("portal.onboarding"))
    if refused and not refused.issues:  # the link cannot be used: say why, with the status for that reason
        return render_template("portal/invite.html", link_error=refused.message, hide_nav=True), \
            INVITE_ERROR_STATUS.get(refused.error.code, 400)
    return render_template("portal/invite.html", invitation=inv, errors=refused.errors, hide_nav=True), \
        (422 if refused else 200)


@bp.get("/onboarding/")
@worker_required
def onboarding():
    open_ones = cases.open_cases(current_user.worker_id)
    if not open_ones:
        flash("Your onboarding is complete.")
        return redirect(url_for("portal.home"))
    case = open_ones[0]
    return redirect(url_for("portal.onboarding_step", case_id=case.id, step=cases.next_step(case) or "agreement"))


def _case(case_id: int) -> OnboardingCase:
    return own_or_404(OnboardingCase, "onboarding", case_id)


def _can_write() -> None:
    if not can(current_user, "onboarding", "write"):
        abort(403)


STEP_SAVERS = {"profile": lambda case, data: wizard.save_profile(case, data, today=clock().today()),
               "w4": lambda case, data: wizard.save_w4(case, data, today=clock().today(), ip=client_ip(),
                                                       user_agent=_ua()),
               "state_certificate": lambda case, data: wizard.save_state_certificate(
                   case, data, today=clock().today(), ip=client_ip(), user_agent=_ua()),
               "i9": lambda case, data: wizard.save_i9_section1(case, data, today=clock().today(), ip=client_ip(),
                                                                user_agent=_ua()),
               "w9": lambda case, data: wizard.save_w9(case, data, ip=client_ip(), user_agent=_ua()),
               "agreement": lambda case, data: agreements.sign_agreement(case, data, ip=client_ip(), user_agent=_ua())}


def _ua() -> str:
    return request.user_agent.string or ""


@bp.route("/onboarding/<int:case_id>/<step>", methods=["GET", "POST"])
@worker_required
def onboarding_step(case_id: int, step: str):
    case = _case(case_id)
    if case.step(step) is None:
        abort(404)
    if case.status == "completed":
        flash("Your onboarding is complete.")
        return redirect(url_for("portal.home"))
    if not cases.may_open(case, step):
        return redirect(url_for("portal.onboarding_step", case_id=case.id, step=cases.next_step(case)))
    refused = form_errors()
    values = _initial_values(case, step)
    if request.method == "POST":
        _can_write()
        values = request.form.to_dict()
        with refused:
            if step == "direct_deposit":
                wizard.finish_direct_deposit(case)
            else:
                with flag_tin_conflicts(case.worker_id):   # an SSN on file for someone else: HR is told
                    STEP_SAVERS[step](case, values)
            db.session.refresh(case)
            if case.status == "completed":
                flash("All done: your onboarding is complete.")
                return redirect(url_for("portal.home"))
            flash(f"{STEP_LABELS[step]}: saved.")
            return redirect(url_for("portal.onboarding_step", case_id=case.id, step=cases.next_step(case)))
    return _render_step(case, step, values, refused.errors)


def _initial_values(case: OnboardingCase, step: str) -> dict:
    w = case.worker
    if step == "profile":
        return {"first_name": w.first_name, "middle_name": w.middle_name, "last_name": w.last_name,
                "tin_type": w.tin_type, "birth_date": w.birth_date.isoformat() if w.birth_date else "",
                "phone": w.phone, "address_line1": w.address_line1, "address_line2": w.address_line2,
                "city": w.city, "state": w.state, "postal_code": w.postal_code}
    if step == "w9":
        return {"legal_name": w.full_name, "entity_type": "individual", "tin_type": w.tin_type}
    if step == "w4":
        return {"filing_status": "single"}
    if step == "state_certificate":
        form = state_form(case.engagement.work_state)
        if form is None:
            return {}
        values = {k: val for k, val in form.default}     # what the state applies without a form, as the start
        values.update({f["name"]: f["choices"][0][0] for f in form.fields
                       if f["type"] == "choice" and f["name"] not in values})
        return values
    return {}


def _render_step(case, step, values, errors, bank_values=None, bank_errors=None):
    ctx = {"case": case, "step": step, "labels": STEP_LABELS, "values": values, "errors": errors,
           "worker": case.worker, "engagement": case.engagement, "hide_nav": False, "active_nav": "home"}
    if step == "state_certificate":
        ctx["form"] = state_form(case.engagement.work_state)
        ctx["no_form_reason"] = no_certificate_reason(case.engagement.work_state)
        ctx["preview_url"] = url_for("portal.state_certificate_preview_api")
    if step == "w4":
        ctx["preview_url"] = url_for("portal.w4_preview")
    if step == "direct_deposit":
        ctx.update(accounts=active_accounts(case.worker_id), plaid=link_settings(current_app.config),
                   bank_values=bank_values or {}, bank_errors=bank_errors or {})
    if step == "agreement":
        ctx["document"] = agreements.agreement_draft(case)
    if step == "profile":
        ctx["states"] = [("", "Choose…")] + [(c, f"{c} — {n}") for c, n in STATES.items()]
    status = 422 if (errors or bank_errors) else 200
    return render_template(f"portal/onboarding/{step}.html", **ctx), status


@bp.post("/onboarding/<int:case_id>/direct_deposit/manual")
@worker_required
def onboarding_manual_account(case_id: int):
    case = _case(case_id)
    _can_write()
    if not can(current_user, "bank_account", "create"):
        abort(403)
    with form_errors() as refused:
        wizard.add_manual_account(case, request.form)
        flash("Bank account added.")
        return redirect(url_for("portal.onboarding_step", case_id=case.id, step="direct_deposit"))
    shown = {k: v for k, v in request.form.items() if k not in ("account_number", "csrf_token")}
    return _render_step(case, "direct_deposit", {}, {}, shown, refused.errors)


@bp.get("/onboarding/<int:case_id>/agreement.pdf")
@worker_required
@frameable_by_self  # shown in an <iframe> on the signing step
def onboarding_agreement_pdf(case_id: int):
    case = _case(case_id)
    if case.step("agreement") is None or not cases.may_open(case, "agreement"):
        abort(404)
    doc = agreements.agreement_draft(case)
    return Response(doc.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{doc.filename}"', "X-Content-SHA256": doc.sha256,
        "Cache-Control": "private, no-store"})


@bp.get("/onboarding/<int:case_id>/status")
@worker_required
def onboarding_status(case_id: int):
    case = _case(case_id)
    return jsonify({"id": case.id, "status": case.status, "current_step": case.current_step,
                    "steps": [{"step": s.step, "status": s.status} for s in case.steps]})


def open_tasks_probe(worker):
    """open_tasks may have a task: an open onboarding case, or an I-9 whose documents HR must still see."""
    return sa.or_(sa.select(OnboardingCase.id).where(OnboardingCase.worker_id == worker.id,
                                                    OnboardingCase.status.in_(OPEN_STATUSES)).exists(),
                  own_rows(sa.select(I9Record.id).where(I9Record.section2_at.is_(None)), "document").exists())


def open_tasks(worker) -> list[dict]:
    """Home-page tasks: each open onboarding case's next step, then each I-9 whose documents HR must still see."""
    tasks = []
    for case in cases.open_cases(worker.id):
        left = [s for s in case.steps if s.status != "done"]
        step = cases.next_step(case)
        if step:
            tasks.append({"label": f"Onboarding for {case.engagement.client.name}: {STEP_LABELS[step]} "
                                   f"({len(left)} step{'s' if len(left) != 1 else ''} left)",
                          "url": url_for("portal.onboarding_step", case_id=case.id, step=step)})
    pending_i9 = db.session.execute(own_rows(sa.select(I9Record).where(I9Record.section2_at.is_(None)), "document")
                                    .order_by(I9Record.section2_due)).scalars()
    for i9 in pending_i9:
        tasks.append({"label": f"Bring your original identity and work-authorization documents (Form I-9 lists) "
                               f"to HR: they must be checked by {i9.section2_due:%A %B %-d, %Y}",
                      "url": url_for("portal.documents")})
    return tasks
