"""The worker's own details after onboarding: contact details, bank accounts (manual or Plaid), a new Form W-4 with
a live withholding preview, and the signed documents."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from backoffice.banking.plaid_link import PlaidLink, link_settings
from backoffice.clock import clock
from backoffice.errors import DomainError, raise_if
from backoffice.extensions import db
from backoffice.onboarding.models import SignedDocument
from backoffice.onboarding.services.wizard import (
    _account_fields,
    link_plaid_account,
    save_state_certificate_update,
    save_w4_update,
)
from backoffice.onboarding.steps import clean_state_certificate, no_certificate_reason, state_form
from backoffice.onboarding.w4_preview import state_certificate_preview
from backoffice.onboarding.w4_preview import w4_preview as preview
from backoffice.portal import bp, form_errors
from backoffice.portal.access import own_or_404, own_rows, worker_required
from backoffice.portal.views import client_ip
from backoffice.security.access import can
from backoffice.security.field_policy import ALL, require_writable, writable_fields
from backoffice.workers.models import Agency, Engagement
from backoffice.workers.portal import current_worker, my_engagements
from backoffice.workers.profile import BankAccount
from backoffice.workers.profile_services import active_accounts, current_tax_profile
from backoffice.workers.profile_services import add_bank_account as add
from backoffice.workers.profile_services import remove_bank_account as remove
from backoffice.workers.services import WORKER_FIELDS, flag_tin_conflicts, update_worker


@bp.get("/documents")
@worker_required
def documents():
    docs = list(db.session.execute(own_rows(sa.select(SignedDocument), "document")
                                   .order_by(SignedDocument.signed_at.desc(), SignedDocument.id.desc())).scalars())
    return render_template("portal/documents.html", documents=docs, active_nav="documents")


@bp.get("/documents/<int:document_id>.pdf")
@worker_required
def document_pdf(document_id: int):
    doc = own_or_404(SignedDocument, "document", document_id)
    return Response(doc.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{doc.filename}"', "X-Content-SHA256": doc.sha256,
        "Cache-Control": "private, no-store"})


# ------------------------------------------------------------------ profile and bank accounts
# The worker's self-service fields are the field policy's (backoffice/security/field_policy.csv, surface
# "portal"), the same the API grants; here they are only put in the form's order with their labels.
FIELD_LABELS = {"phone": "Phone", "address_line1": "Address", "address_line2": "Address line 2", "city": "City",
                "state": "State (2 letters)", "postal_code": "ZIP code"}


def contact_fields() -> tuple[str, ...]:
    granted = writable_fields(current_user.role, "portal", "worker")
    return tuple(f for f in WORKER_FIELDS if f in granted or ALL in granted)


@bp.route("/profile", methods=["GET", "POST"])
@worker_required
def profile():
    worker = current_worker()
    refused = form_errors()
    fields = contact_fields()
    values = {k: getattr(worker, k) for k in fields}
    if request.method == "POST":
        if not can(current_user, "worker", "write"):
            abort(403)
        values = {k: (request.form.get(k) or "").strip() for k in fields}
        with refused:
            # a posted field outside the policy (a tampered form) is refused by name, never dropped
            require_writable(current_user, "portal", "worker", [k for k in request.form if k in WORKER_FIELDS])
            with flag_tin_conflicts(worker.id):
                update_worker(worker.id, values, self_service=True)
            flash("Your contact details are saved.")
            return redirect(url_for("portal.profile"))
    return _profile_page(worker, values, refused.errors, {}, {})


def _profile_page(worker, values, errors, bank_values, bank_errors, status=None):
    code = status or (422 if (errors or bank_errors) else 200)
    fields = [(name, FIELD_LABELS.get(name, name.replace("_", " ").capitalize())) for name in contact_fields()]
    return render_template("portal/profile.html", worker=worker, values=values, errors=errors, fields=fields,
                           accounts=active_accounts(worker.id), bank_values=bank_values, bank_errors=bank_errors,
                           plaid=link_settings(current_app.config), active_nav="profile"), code


@bp.post("/bank-accounts")
@worker_required
def add_bank_account():

    if not can(current_user, "bank_account", "create"):
        abort(403)
    worker = current_worker()
    data = _account_fields(request.form)
    with form_errors() as refused:
        add(worker.id, data, source="manual")
        flash("Bank account added.")
        return redirect(url_for("portal.profile"))
    values = {k: getattr(worker, k) for k in contact_fields()}
    shown = {k: v for k, v in data.items() if k != "account_number"}
    return _profile_page(worker, values, {}, shown, refused.errors)


@bp.post("/bank-accounts/<int:account_id>/remove")
@worker_required
def remove_bank_account(account_id: int):
    acct = own_or_404(BankAccount, "bank_account", account_id)
    if not can(current_user, "bank_account", "delete"):
        abort(403)
    remove(current_user.worker_id, acct.id)
    flash("Bank account removed. Check that one account still takes the rest of your pay.")
    return redirect(url_for("portal.profile"))


@bp.post("/api/plaid/link-token")
@worker_required
def plaid_link_token():
    agency = db.session.execute(sa.select(Agency.legal_name).order_by(Agency.id).limit(1)).scalar() or "Tandem"
    with PlaidLink.from_config(current_app.config) as link:  # Link shows client_name (at most 30 characters)
        token = link.create_link_token(f"worker-{current_user.worker_id}", client_name=agency[:30])
    return jsonify({"link_token": token})


@bp.post("/api/plaid/exchange")
@worker_required
def plaid_exchange():
    """Plaid Link's onSuccess posts here: {public_token, account_id, institution_name, split_kind, ...}."""
    if not can(current_user, "bank_account", "create"):
        abort(403)
    body = request.get_json(silent=True) or {}
    acct = link_plaid_account(current_user.worker_id, str(body.get("public_token") or ""),
                              body.get("account_id"), body, config=current_app.config,
                              institution_name=str(body.get("institution_name") or ""))
    return jsonify({"id": acct.id, "bank_name": acct.bank_name, "account": acct.masked,
                    "account_type": acct.account_type, "split_kind": acct.split_kind})


# ------------------------------------------------------------------ W-4 with a live preview
@bp.route("/w4", methods=["GET", "POST"])
@worker_required
def w4():
    worker = current_worker()
    engagement = _employee_engagement()
    refused = form_errors()
    values = _w4_values(worker.id)
    if request.method == "POST" and engagement is not None:
        if not can(current_user, "worker", "write"):
            abort(403)
        values = request.form.to_dict()
        with refused:
            save_w4_update(worker.id, values, today=clock().today(), ip=client_ip(),
                           user_agent=request.user_agent.string)
            flash("Your new Form W-4 is saved; it applies to paychecks paid from today.")
            return redirect(url_for("portal.w4"))
    return render_template("portal/w4.html", worker=worker, engagement=engagement, values=values,
                           errors=refused.errors, preview_url=url_for("portal.w4_preview"), active_nav="w4"), \
        (422 if refused else 200)


def _employee_engagement():
    emps = [e for e in my_engagements() if e.type == "leased_employee" and e.status in ("active", "pending")]
    return emps[0] if emps else None


def _w4_values(worker_id: int) -> dict:
    p = current_tax_profile(worker_id, clock().today())
    if p is None:
        return {"filing_status": "single"}
    return {"filing_status": p.filing_status, "step2_checkbox": p.step2_checkbox, "exempt": p.exempt,
            "step3_credits": p.step3_credits, "step4a_other_income": p.step4a_other_income,
            "step4b_deductions": p.step4b_deductions, "step4c_extra": p.step4c_extra}


@bp.post("/api/w4-preview")
@worker_required
def w4_preview():
    """JSON in (the W-4 fields as typed, optional gross and engagement_id), the quote's withholding out."""

    body = request.get_json(silent=True) or {}
    worker = current_worker()
    if body.get("engagement_id"):
        engagement = own_or_404(Engagement, "engagement", body["engagement_id"])
    else:
        engagement = _employee_engagement()
    if engagement is None:
        raise DomainError("You have no employee engagement to preview withholding for.", code="no_engagement")
    today = clock().today()
    profile = current_tax_profile(worker.id, today)
    cert = dict(profile.state_certificate) if profile and profile.state_certificate else None
    return jsonify(preview(worker, engagement, body, state_certificate=cert, pay_date=today))


# ------------------------------------------------------------------ state withholding certificate with a what-if
def _certificate_state(engagement) -> str:
    """The state whose certificate the page shows: `?state=` (e.g. CO's optional DR 0004), else the work state."""
    asked = (request.values.get("state") or "").strip().upper()
    if asked:
        return asked if state_form(asked) is not None else abort(404)
    return engagement.work_state.upper() if engagement is not None else ""


@bp.route("/state-certificate", methods=["GET", "POST"])
@worker_required
def state_certificate():
    """The worker's state withholding certificate after onboarding: the state's own form (from onboarding's data),
    signed, with a PDF copy, and the per-paycheck what-if."""
    worker = current_worker()
    engagement = _employee_engagement()
    state = _certificate_state(engagement)
    form = state_form(state) if state else None
    refused = form_errors()
    on_file = _certificate_on_file(worker.id, state)
    values = dict(on_file or {})
    if form is not None and not values:
        values = {k: val for k, val in form.default}
        values.update({f["name"]: f["choices"][0][0] for f in form.fields
                       if f["type"] == "choice" and f["name"] not in values})
    if request.method == "POST" and form is not None and engagement is not None:
        if not can(current_user, "worker", "write"):
            abort(403)
        values = request.form.to_dict()
        with refused:
            save_state_certificate_update(worker.id, state, values, today=clock().today(), ip=client_ip(),
                                          user_agent=request.user_agent.string)
            flash(f"Your {state} {form.form} is saved; it applies to paychecks paid from today.")
            return redirect(url_for("portal.state_certificate", state=state))
    reason = no_certificate_reason(state) if state else "You have no employee engagement."
    return render_template("portal/state_certificate.html", worker=worker, engagement=engagement, form=form,
                           state=state, values=values, errors=refused.errors, on_file=on_file,
                           no_form_reason=reason, preview_url=url_for("portal.state_certificate_preview_api"),
                           active_nav="w4"), (422 if refused else 200)


def _certificate_on_file(worker_id: int, state: str) -> dict | None:
    p = current_tax_profile(worker_id, clock().today())
    return dict(p.state_certificate[state]) if p and state and state in (p.state_certificate or {}) else None


@bp.post("/api/state-certificate-preview")
@worker_required
def state_certificate_preview_api():
    """JSON in (the state form's fields as typed, optional gross), the state withholding per paycheck out: with the
    certificate on file (or the state's no-certificate default) and with the one typed. Bad fields: 422 naming
    them."""
    body = request.get_json(silent=True) or {}
    worker = current_worker()
    engagement = _employee_engagement()
    if engagement is None:
        raise DomainError("You have no employee engagement to preview withholding for.", code="no_engagement")
    form = state_form(engagement.work_state)
    if form is None:
        raise DomainError(no_certificate_reason(engagement.work_state), code="no_state_form")
    typed, issues = clean_state_certificate(form, {k: ("true" if val is True else val) for k, val in body.items()})
    raise_if(issues)
    today = clock().today()
    profile = current_tax_profile(worker.id, today)
    w4 = profile.w4_json() if profile is not None else {}
    return jsonify(state_certificate_preview(worker, engagement, w4, typed,
                                             _certificate_on_file(worker.id, form.state), pay_date=today,
                                             gross=body.get("gross")))
