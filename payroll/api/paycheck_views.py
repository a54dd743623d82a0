"""Payroll operations API: paychecks, their explained lines and paystub PDF, reversal and reissue."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response

from backoffice.api import current_api_user
from backoffice.clock import clock
from backoffice.extensions import db
from backoffice.security.access import can
from payroll.api.common import _body, _maybe_body, _one, _page, blp
from backoffice.api import json_body
from payroll.api.schemas import (ManualCheckIn, PaycheckArgs, PaycheckDetail, PaycheckOut, PaycheckPage,
                                 PaymentOut, ReasonIn, ReversalRequestOut, RunOut)
from payroll.models import Paycheck, PaycheckLine
from payroll.models_ledger import Payment
from payroll.services import checks, corrections, workers_comp
from payroll.services.explain import line_explanations
from payroll.services.paycheck_figures import paycheck_figures
from reports.paystubs import paystub_pdf


@blp.route("/paychecks")
@blp.arguments(PaycheckArgs, location="query")
@blp.response(200, PaycheckPage)
def list_paychecks(args):
    """Paychecks (a worker sees their own)."""
    f = []
    if args["run_id"]:
        f.append(Paycheck.run_id == args["run_id"])
    if args["worker_id"]:
        f.append(Paycheck.worker_id == args["worker_id"])
    return _page(Paycheck, "paycheck", args, f, Paycheck.id.desc())


@blp.route("/paychecks/<int:ident>")
@blp.response(200, PaycheckDetail)
def get_paycheck(ident):
    """One paycheck with every line and the engine's explanation of it, its taxable wages by tax and its year to
    date after it (the paycheck quote's `taxable_wages` and `ytd` objects)."""
    p = _one(Paycheck, "paycheck", ident)
    words = line_explanations(p)
    lines = db.session.execute(sa.select(PaycheckLine).where(PaycheckLine.paycheck_id == p.id)
                               .order_by(PaycheckLine.id)).scalars().all()
    out = {name: getattr(p, name) for name in PaycheckOut._declared_fields}
    out["lines"] = [{"kind": ln.kind, "code": ln.code, "state": ln.state, "amount": ln.amount, "hours": ln.hours,
                     "rate": ln.rate, "engagement_id": ln.engagement_id, "client_id": ln.client_id,
                     "explanation": words.get(ln.id) or ln.explanation or []} for ln in lines]
    out.update(paycheck_figures(p))
    if can(current_api_user(), "workers_comp_premium", "read"):
        out["workers_comp"] = workers_comp.paycheck_premiums(p.id)
    return out


@blp.route("/paychecks/<int:ident>/paystub.pdf")
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
def paystub(ident):
    """The paystub PDF: for the worker who owns the paycheck and the roles allowed to read paychecks."""
    _one(Paycheck, "paycheck", ident)
    return Response(paystub_pdf(ident), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="paystub-{ident}.pdf"'})


@blp.route("/paychecks/<int:ident>/reverse", methods=["POST"])
@blp.doc(**_body(ReasonIn))
@blp.response(200, PaycheckOut)
def reverse_paycheck(ident):
    """Reverse one paycheck (a negative paycheck in a reversal run). On a paid run this carries out an open
    reversal request made by a different user (409 otherwise)."""
    user = current_api_user()
    _one(Paycheck, "paycheck", ident)
    return corrections.reverse_paycheck(ident, user, str(_maybe_body().get("reason") or ""), on=clock().today())


@blp.route("/paychecks/<int:ident>/reversal-request", methods=["POST"])
@blp.doc(**_body(ReasonIn))
@blp.response(201, ReversalRequestOut)
def request_paycheck_reversal(ident):
    """Request the reversal of one paycheck of a paid run; a different user carries it out with POST .../reverse."""
    user = current_api_user()
    _one(Paycheck, "paycheck", ident)
    return corrections.request_reversal(user, str(_maybe_body().get("reason") or ""), paycheck_id=ident)


@blp.route("/paychecks/<int:ident>/reissue", methods=["POST"])
@blp.response(201, RunOut)
def reissue_paycheck(ident):
    """Re-issue a reversed paycheck in a correction run (to be approved and paid)."""
    user = current_api_user()
    _one(Paycheck, "paycheck", ident)
    return corrections.reissue_paycheck(ident, user)


@blp.route("/paychecks/<int:ident>/manual-check", methods=["POST"])
@blp.doc(**_body(ManualCheckIn))
@blp.response(201, PaymentOut)
def record_manual_check(ident):
    """Record a paper check that paid the paycheck's unpaid net (held, returned, voided or unfiled payments):
    422 naming the field for a bad or duplicate check number or a wrong amount; never put in a NACHA file."""
    user = current_api_user()
    _one(Paycheck, "paycheck", ident)
    return checks.record_manual_check(ident, json_body(), user)


@blp.route("/payments/<int:ident>/void", methods=["POST"])
@blp.doc(**_body(ReasonIn))
@blp.response(200, PaymentOut)
def void_check(ident):
    """Void a recorded paper check: the net is owed again (on a paid run the cash comes back)."""
    user = current_api_user()
    _one(Payment, "payment", ident)
    return checks.void_check(ident, user, str(_maybe_body().get("reason") or ""), on=clock().today())
