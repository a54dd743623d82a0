"""Deductions API: a worker's recurring deductions and orders, and the employer's contributions for them.
Staff with the rights read and add; a worker reads their own (another worker's id is a 404)."""
from __future__ import annotations

import sqlalchemy as sa
from marshmallow import Schema, fields

from backoffice.api import current_api_user, json_object
from backoffice.clock import clock
from backoffice.errors import NotFound
from backoffice.extensions import db
from backoffice.security.access import require, scoped
from backoffice.workers.models import Worker
from payroll.api.common import _body, blp
from payroll.models_deductions import (COMMUTER_KINDS, CONTRIBUTION_CODES, DEDUCTION_CODES, DEDUCTION_SOURCES,
                                       DEDUCTION_STATUSES, HSA_COVERAGES, EmployerContribution)
from payroll.services import deductions as svc

_MONEY = {"as_string": True, "allow_none": True}


class DeductionOut(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    code = fields.String()
    amount = fields.Decimal(**_MONEY)
    percent = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "a fraction: 0.06 is 6%"})
    goal = fields.Decimal(**_MONEY)
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    status = fields.String()
    source = fields.String()
    external_ref = fields.String(allow_none=True)
    hsa_coverage = fields.String(allow_none=True)
    commuter_kind = fields.String(allow_none=True)
    note = fields.String()
    case_number = fields.String(allow_none=True)
    issuing_state = fields.String(allow_none=True)
    issuing_agency = fields.String(allow_none=True)
    received_date = fields.Date(allow_none=True)
    supports_other_family = fields.Boolean()
    arrears_over_12_weeks = fields.Boolean()
    payee_name = fields.String(allow_none=True)
    payee_address = fields.String(allow_none=True)
    payee_fips = fields.String(allow_none=True)
    collected = fields.Decimal(as_string=True, metadata={"description": "taken by all paychecks so far"})
    ytd = fields.Decimal(as_string=True, metadata={"description": "taken this year (approved or paid runs)"})
    remaining = fields.Decimal(**_MONEY, metadata={"description": "left of the goal"})


_S = {"allow_none": True}


class DeductionIn(Schema):
    """A deduction: exactly one of amount (per paycheck) and percent (a fraction: 0.06 is 6%, of gross wages; of
    disposable earnings for an order); orders (child_support, garnishment, student_loan, tax_levy) need
    case_number, received_date and payee_name. Validated by the service: each bad field is a 422 naming it."""

    code = fields.String(required=True, metadata={"enum": list(DEDUCTION_CODES)})
    amount = fields.String(**_S, metadata={"description": "money as a string, \"150.00\""})
    percent = fields.String(**_S, metadata={"description": "a fraction as a string, \"0.06\""})
    goal = fields.String(**_S, metadata={"description": "the total to collect (a loan)"})
    start_date = fields.String(required=True, metadata={"format": "date"})
    end_date = fields.String(**_S, metadata={"format": "date"})
    status = fields.String(metadata={"enum": list(DEDUCTION_STATUSES)})
    source = fields.String(metadata={"enum": list(DEDUCTION_SOURCES)})
    external_ref = fields.String(**_S)
    hsa_coverage = fields.String(**_S, metadata={"enum": list(HSA_COVERAGES)})
    commuter_kind = fields.String(**_S, metadata={"enum": list(COMMUTER_KINDS),
                                                  "description": "commuter only: transit or parking"})
    note = fields.String()
    case_number = fields.String(**_S)
    issuing_state = fields.String(**_S)
    issuing_agency = fields.String(**_S)
    received_date = fields.String(**_S, metadata={"format": "date"})
    supports_other_family = fields.Boolean()
    arrears_over_12_weeks = fields.Boolean()
    payee_name = fields.String(**_S)
    payee_address = fields.String(**_S)
    payee_fips = fields.String(**_S)


class ContributionIn(Schema):
    """An employer contribution: exactly one of amount, percent (of gross wages) and a match (match_up_to_1 with
    match_rate_1, optionally a second tier) for 401k_match; rates are fractions."""

    code = fields.String(required=True, metadata={"enum": list(CONTRIBUTION_CODES)})
    amount = fields.String(**_S)
    percent = fields.String(**_S)
    match_up_to_1 = fields.String(**_S)
    match_rate_1 = fields.String(**_S)
    match_up_to_2 = fields.String(**_S)
    match_rate_2 = fields.String(**_S)
    hsa_coverage = fields.String(**_S, metadata={"enum": list(HSA_COVERAGES)})
    start_date = fields.String(required=True, metadata={"format": "date"})
    end_date = fields.String(**_S, metadata={"format": "date"})
    status = fields.String()
    source = fields.String()
    external_ref = fields.String(**_S)
    note = fields.String()


class DeductionList(Schema):
    items = fields.List(fields.Nested(DeductionOut))


class ContributionOut(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    code = fields.String()
    amount = fields.Decimal(**_MONEY)
    percent = fields.Decimal(as_string=True, allow_none=True)
    match_up_to_1 = fields.Decimal(as_string=True, allow_none=True)
    match_rate_1 = fields.Decimal(as_string=True, allow_none=True)
    match_up_to_2 = fields.Decimal(as_string=True, allow_none=True)
    match_rate_2 = fields.Decimal(as_string=True, allow_none=True)
    hsa_coverage = fields.String(allow_none=True)
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    status = fields.String()
    source = fields.String()
    external_ref = fields.String(allow_none=True)
    note = fields.String()


class ContributionList(Schema):
    items = fields.List(fields.Nested(ContributionOut))


def _visible_worker(ident: int, perm: str) -> None:
    """The worker, if this user may see their records (a worker: only themselves); 404 otherwise."""
    user = current_api_user()
    require(user, perm, "read")
    if user.role == "worker" and user.worker_id != ident:
        raise NotFound(f"worker {ident} not found")
    if db.session.execute(scoped(sa.select(Worker.id).where(Worker.id == ident), user, "worker")).scalar() is None:
        raise NotFound(f"worker {ident} not found")


def _deduction_out(row: dict) -> dict:
    rec = row["record"]
    out = {name: getattr(rec, name) for name in DeductionOut._declared_fields if hasattr(rec, name)}
    out.update(collected=row["collected"], ytd=row["ytd"], remaining=row["remaining"])
    return out


@blp.route("/workers/<int:ident>/deductions")
@blp.response(200, DeductionList)
def list_deductions(ident):
    """The worker's deductions and orders with what was taken (in all, and this year)."""
    _visible_worker(ident, "worker_deduction")
    summary = svc.worker_summary(ident, clock().today().year)
    return {"items": [_deduction_out(r) for r in summary["deductions"]]}


@blp.route("/workers/<int:ident>/deductions", methods=["POST"])
@blp.doc(**_body(DeductionIn))
@blp.response(201, DeductionOut)
def add_deduction(ident):
    """Add a recurring deduction or an order (HR; the benefits domain writes elections through the service)."""
    require(current_api_user(), "worker_deduction", "create")
    _visible_worker(ident, "worker_deduction")
    rec = svc.create_deduction(ident, json_object())
    return _deduction_out({"record": rec, "collected": 0, "ytd": 0,
                           "remaining": rec.goal if rec.goal is not None else None})


@blp.route("/workers/<int:ident>/employer-contributions")
@blp.response(200, ContributionList)
def list_contributions(ident):
    """What the employer contributes for the worker (401(k) match, HSA, premiums)."""
    _visible_worker(ident, "employer_contribution")
    rows = db.session.execute(scoped(sa.select(EmployerContribution).where(EmployerContribution.worker_id == ident)
                                     .order_by(EmployerContribution.id), current_api_user(),
                                     "employer_contribution")).scalars().all()
    return {"items": rows}


@blp.route("/workers/<int:ident>/employer-contributions", methods=["POST"])
@blp.doc(**_body(ContributionIn))
@blp.response(201, ContributionOut)
def add_contribution(ident):
    require(current_api_user(), "employer_contribution", "create")
    _visible_worker(ident, "employer_contribution")
    return svc.create_contribution(ident, json_object())
