"""COBRA in the worker portal (attached to backoffice.portal.bp): the worker's own cases with their deadlines and
premiums, the election notice as sent and the general notice as PDFs. Another worker's case is a 404."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, render_template
from flask_login import current_user

from backoffice.clock import clock
from backoffice.extensions import db
from backoffice.portal import bp
from backoffice.portal.access import own_or_404, own_rows, worker_required
from backoffice.security.access import can
from benefits import cobra_services as cobra
from benefits.cobra_models import CobraCase
from benefits.engine.cobra import EVENT_LABELS, fmt_day
from benefits.models import TIER_LABELS


def _require(model: str) -> None:
    if not can(current_user, model, "read"):
        abort(403)


@bp.get("/benefits/cobra")
@worker_required
def cobra_cases():
    """Every COBRA case of the worker and their family, what is due next, and the premiums billed."""
    _require("cobra_case")
    cases = db.session.execute(own_rows(sa.select(CobraCase), "cobra_case")
                               .order_by(CobraCase.event_date.desc(), CobraCase.id)).scalars().all()
    return render_template("portal/benefits/cobra.html", cases=cases, today=clock().today(), fmt=fmt_day,
                           events=EVENT_LABELS, tier_labels=TIER_LABELS, active_nav="benefits")


def _pdf(data: bytes, name: str) -> Response:
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"})


@bp.get("/benefits/cobra/<case_id>/notice.pdf")
@worker_required
def cobra_notice_pdf(case_id):
    """The election notice of one of the worker's own cases (another's: 404)."""
    c = own_or_404(CobraCase, "cobra_case", case_id)
    return _pdf(cobra.election_notice_pdf(c.id), f"cobra-election-notice-{c.id}.pdf")


@bp.get("/benefits/cobra/general-notice.pdf")
@worker_required
def cobra_general_notice_pdf():
    """The COBRA general notice given at enrollment in a health plan."""
    _require("benefit_enrollment")
    return _pdf(cobra.general_notice_pdf(int(current_user.worker_id)), "cobra-general-notice.pdf")
