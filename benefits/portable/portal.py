"""Portal page: the worker's portable-benefits account — balance, every credit, use and payout with its
engagement and client, and a payout request (phone-first)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from backoffice.clock import clock
from backoffice.errors import DomainError, ValidationFailed
from backoffice.portal import bp
from backoffice.portal.access import worker_required
from backoffice.security.access import can

from . import services as svc

KIND_WORDS = {"credit": "Contribution", "use": "Used toward a premium", "payout": "Paid out to you",
              "reversal": "Taken back (paycheck reversed)"}


@bp.route("/portable-benefits", methods=("GET", "POST"))
@worker_required
def portable_benefits():
    if not can(current_user, "portable_benefit", "read"):
        return render_template("portal/portable_benefits.html", v=None, words=KIND_WORDS,
                               active_nav="portable")
    errors: dict[str, str] = {}
    if request.method == "POST" and request.form.get("action") == "premiums":
        svc.set_use_for_premiums(current_user.worker_id, request.form.get("use_for_premiums") == "1",
                                 today=clock().today())
        flash("Saved: your balance " + ("will" if request.form.get("use_for_premiums") == "1" else "will not")
              + " be used toward your plan premiums each month.", "success")
        return redirect(url_for("portal.portable_benefits"))
    if request.method == "POST":
        if not can(current_user, "portable_payout", "create"):
            flash("You may not request a payout.", "error")
        else:
            try:
                p = svc.request_payout(current_user.worker_id, {"amount": request.form.get("amount", ""),
                                                                "reason": request.form.get("reason", "")},
                                       current_user, today=clock().today())
                flash(f"Payout of ${p.amount} requested. HR will review it.", "success")
                return redirect(url_for("portal.portable_benefits"))
            except ValidationFailed as exc:
                errors = {i.field: i.message for i in exc.issues}
            except DomainError as exc:
                flash(exc.message, "error")
    view = svc.account_view(current_user.worker_id)
    return render_template("portal/portable_benefits.html", v=view, words=KIND_WORDS, errors=errors,
                           form=request.form, may_request=can(current_user, "portable_payout", "create"),
                           active_nav="portable")


def home_figures(worker) -> dict:
    """home_line's figures, asked with the home's others (none when the role may not read portable benefits)."""
    return svc.home_line_figures(worker.id) if can(current_user, "portable_benefit", "read") else {}


def home_cards(worker, engagements, figures) -> dict:
    """The portal home's line: the portable-benefits balance, when the worker has an account."""
    if not can(current_user, "portable_benefit", "read"):
        return {}
    line = svc.home_line(worker.id, figures)
    return {"portable_balance": line["balance"]} if line else {}
