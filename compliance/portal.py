"""Compliance pages of the worker portal (they attach to backoffice.portal.bp): "Tax forms" — my W-2, W-2c,
1099-NEC and 1095-C copies by year, each as a PDF; my consent to electronic delivery (give, withdraw)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user

from backoffice.extensions import db
from backoffice.portal import bp
from backoffice.portal.access import own_or_404, own_rows, worker_required
from backoffice.portal.views import client_ip
from compliance import copy_services
from compliance.models import DeliveryConsent, FilingCopy


@bp.get("/tax-forms")
@worker_required
def tax_forms():
    """My copies, newest year first, and whether I get them by e-mail."""
    rows = db.session.execute(own_rows(sa.select(FilingCopy), "filing_copy")
                              .order_by(FilingCopy.tax_year.desc(), FilingCopy.form, FilingCopy.id)).scalars().all()
    wid = int(current_user.worker_id)
    history = db.session.execute(sa.select(DeliveryConsent).where(DeliveryConsent.worker_id == wid)
                                 .order_by(DeliveryConsent.given_at.desc())).scalars().all()
    years: dict[int, list] = {}
    for r in rows:
        years.setdefault(r.tax_year, []).append(r)
    return render_template("portal/tax_forms.html", years=years, consent=copy_services.consent_of(wid),
                           history=history, names=copy_services.COPY_FORMS, active_nav="tax_forms")


@bp.get("/tax-forms/<int:copy_id>.pdf")
@worker_required
def tax_form_pdf(copy_id: int):
    """My copy as a PDF (another worker's: 404)."""
    copy = own_or_404(FilingCopy, "filing_copy", copy_id)
    pdf = copy_services.copy_pdf(copy)
    name = copy_services.COPY_FORMS.get(copy.form, copy.form).lower()
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{copy.tax_year}-{name}-{copy.id}.pdf"'})


@bp.post("/tax-forms/consent")
@worker_required
def tax_forms_consent():
    """Consent to receive my tax forms electronically (recorded with the time and address)."""
    copy_services.give_consent(int(current_user.worker_id), current_user.id, client_ip())
    flash("Thank you: your tax forms will be posted here and announced by e-mail, not mailed on paper.", "success")
    return redirect(url_for("portal.tax_forms"))


@bp.post("/tax-forms/consent/withdraw")
@worker_required
def tax_forms_withdraw():
    """Withdraw my consent: paper copies from now on."""
    copy_services.withdraw_consent(int(current_user.worker_id), current_user.id)
    flash("Your consent is withdrawn: your next tax forms will be mailed on paper.", "success")
    return redirect(url_for("portal.tax_forms"))


def register() -> None:
    """The pages attach at import (above)."""
