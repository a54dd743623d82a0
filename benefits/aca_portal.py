"""The worker's ACA pages in the portal (attached to backoffice.portal.bp): my full-time status month by month and
why, and the notice (home and benefits pages) when the look-back has opened a window for me."""
from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, url_for
from flask_login import current_user

from backoffice.clock import clock
from backoffice.dates import long_date
from backoffice.extensions import db
from backoffice.money import fmt_usd
from backoffice.portal import bp
from backoffice.portal.access import own_or_404, own_rows, worker_required
from benefits import services
from benefits.aca_admin import STATUS_LABELS
from benefits.aca_models import AcaMonth


@bp.app_context_processor
def _aca_notice():
    """`aca_notice()` in the portal templates: the signed-in worker's open ACA window in words, else None."""
    def aca_notice():
        if not current_user.is_authenticated or getattr(current_user, "role", None) != "worker" \
                or not current_user.worker_id:
            return None
        w = services.aca_window_open(int(current_user.worker_id), clock().today())
        if w is None:
            return None
        return {"reason": w.reason, "closes_on": long_date(w.closes_on), "until": long_date(w.stability_end),
                "url": url_for("portal.benefits_enroll_start"), "aca_url": url_for("portal.aca_status")}
    return {"aca_notice": aca_notice}


@bp.get("/benefits/aca")
@worker_required
def aca_status():
    """My ACA months, newest first, each with its status, hours and the 1095-C codes; the latest one's reasons."""
    rows = db.session.execute(own_rows(sa.select(AcaMonth), "aca_month")
                              .order_by(AcaMonth.year.desc(), AcaMonth.month.desc()).limit(24)).scalars().all()
    return render_template("portal/benefits/aca.html", rows=rows, latest=rows[0] if rows else None,
                           labels=STATUS_LABELS, usd=fmt_usd, active_nav="benefits")


@bp.get("/benefits/aca/<int:month_id>")
@worker_required
def aca_month(month_id: int):
    """One ACA month and why (another worker's: 404)."""
    row = own_or_404(AcaMonth, "aca_month", month_id)
    return render_template("portal/benefits/aca_month.html", row=row, labels=STATUS_LABELS, usd=fmt_usd,
                           active_nav="benefits")
