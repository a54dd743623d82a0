"""Benefits API under /api/v1: the plans (with each tier's cost for a worker's client), enrollments (a worker
enrolls only themselves: another worker's id is a 404; HR anyone), a worker's current elections, dependents and
life-event requests. Errors are 422 with the field and the reason."""
from __future__ import annotations

import base64
import binascii

import sqlalchemy as sa
from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from backoffice.api import current_api_user, json_object
from backoffice.clock import clock
from backoffice.errors import Issue, NotFound, raise_if
from backoffice.extensions import db
from backoffice.security.access import require, scoped
from backoffice.validation import is_record_id
from backoffice.workers.models import Worker
from benefits import services as svc
from benefits.models import PLAN_KINDS, Beneficiary, BenefitPlan, Dependent

blp = Blueprint("benefits", __name__, url_prefix="/api/v1", description="Benefits: plans, enrollments, elections")
_MONEY = {"as_string": True, "allow_none": True}


def _body(schema):
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


class TierOut(Schema):
    tier = fields.String()
    monthly_premium = fields.Decimal(as_string=True)
    employer_monthly = fields.Decimal(as_string=True)
    employee_monthly = fields.Decimal(as_string=True)
    per_paycheck_employee = fields.Decimal(as_string=True)
    per_paycheck_employer = fields.Decimal(as_string=True)


class PlanOut(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(PLAN_KINDS)})
    name = fields.String()
    carrier = fields.String()
    network_type = fields.String(allow_none=True)
    plan_year_start = fields.Date()
    plan_year_end = fields.Date()
    deductible_individual = fields.Decimal(**_MONEY)
    deductible_family = fields.Decimal(**_MONEY)
    out_of_pocket_individual = fields.Decimal(**_MONEY)
    out_of_pocket_family = fields.Decimal(**_MONEY)
    waiting_days = fields.Integer()
    hdhp = fields.Boolean()
    active = fields.Boolean()
    max_annual_amount = fields.Decimal(**_MONEY)
    tiers = fields.List(fields.Nested(TierOut))
    eligible = fields.Boolean(allow_none=True)
    reason = fields.String(allow_none=True)


class PlanList(Schema):
    items = fields.List(fields.Nested(PlanOut))


class EnrollmentIn(Schema):
    """An election or a waiver. Health plans: coverage_tier and dependent_ids; 401(k): deferral_percent and/or
    roth_percent (fractions: "0.06" is 6%); accounts: annual_amount; or waive: true with reason."""
    worker_id = fields.Integer(required=True)
    plan_id = fields.Integer(required=True)
    event = fields.String(required=True, metadata={"enum": ["new_hire", "open_enrollment", "life_event"]})
    effective_date = fields.Date()
    coverage_tier = fields.String(metadata={"enum": ["employee", "employee_spouse", "employee_children", "family"]})
    dependent_ids = fields.List(fields.Integer())
    deferral_percent = fields.String()
    roth_percent = fields.String()
    deferral_amount = fields.String(metadata={"description": "dollars a paycheck, instead of deferral_percent"})
    roth_amount = fields.String(metadata={"description": "dollars a paycheck, instead of roth_percent"})
    annual_amount = fields.String()
    waive = fields.Boolean()
    reason = fields.String()
    life_event_id = fields.Integer()


class ElectionOut(Schema):
    id = fields.Integer()
    plan_id = fields.Integer()
    plan_name = fields.String()
    kind = fields.String()
    carrier = fields.String()
    event = fields.String()
    status = fields.String()
    effective_date = fields.String()
    end_date = fields.String(allow_none=True)
    coverage_tier = fields.String(allow_none=True)
    dependent_ids = fields.List(fields.Integer())
    deferral_percent = fields.String(allow_none=True)
    roth_percent = fields.String(allow_none=True)
    deferral_amount = fields.String(allow_none=True)
    roth_amount = fields.String(allow_none=True)
    annual_amount = fields.String(allow_none=True)
    waived = fields.Boolean()
    waive_reason = fields.String()
    employee_monthly = fields.String(allow_none=True)
    employer_monthly = fields.String(allow_none=True)
    per_paycheck_employee = fields.String()
    per_paycheck_employer = fields.String()
    per_paycheck_is_estimate = fields.Boolean()


class ElectionList(Schema):
    items = fields.List(fields.Nested(ElectionOut))


class DependentIn(Schema):
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    relationship = fields.String(required=True, metadata={"enum": ["spouse", "child", "domestic_partner"]})
    birth_date = fields.Date(required=True)
    ssn = fields.String()


class DependentOut(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    first_name = fields.String()
    last_name = fields.String()
    relationship = fields.String()
    birth_date = fields.Date()
    ssn_masked = fields.String()


class DependentList(Schema):
    items = fields.List(fields.Nested(DependentOut))


class BeneficiaryIn(Schema):
    plan_kind = fields.String(required=True, metadata={"enum": ["401k", "life"]})
    level = fields.String(metadata={"enum": ["primary", "contingent"]})
    name = fields.String()
    relationship = fields.String()
    birth_date = fields.Date()
    dependent_id = fields.Integer()
    share_percent = fields.String(required=True, metadata={"description": "a fraction: \"0.5\" is 50%"})


class BeneficiaryOut(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    plan_kind = fields.String()
    level = fields.String()
    name = fields.String()
    relationship = fields.String()
    dependent_id = fields.Integer(allow_none=True)
    share_percent = fields.Decimal(as_string=True)


class BeneficiaryList(Schema):
    items = fields.List(fields.Nested(BeneficiaryOut))


class LifeEventIn(Schema):
    kind = fields.String(required=True, metadata={"enum": ["marriage", "birth", "adoption", "loss_of_coverage",
                                                           "move", "divorce", "death"]})
    event_date = fields.Date(required=True)
    notes = fields.String()
    document_name = fields.String()
    document_base64 = fields.String(metadata={"description": "the document (PDF, PNG or JPEG), base64"})


class LifeEventOut(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    kind = fields.String()
    event_date = fields.Date()
    status = fields.String()
    document_name = fields.String(allow_none=True)
    window_closes_on = fields.Date(allow_none=True)
    decision_reason = fields.String()


def _own_worker(ident: int, perm: str, action: str = "read") -> None:
    """The worker exists and this user may act on their records (a worker: only themselves); 404 otherwise."""
    user = current_api_user()
    require(user, perm, action)
    if user.role == "worker" and user.worker_id != ident:
        raise NotFound(f"worker {ident} not found")
    if user.role == "client_approver":
        raise NotFound(f"worker {ident} not found")
    if db.session.execute(scoped(sa.select(Worker.id).where(Worker.id == ident), user, "worker")).scalar() is None:
        raise NotFound(f"worker {ident} not found")


def _plan_out(plan: BenefitPlan, worker_id: int | None = None) -> dict:
    out = {name: getattr(plan, name) for name in PlanOut._declared_fields if hasattr(plan, name)
           and name not in ("tiers", "eligible", "reason")}
    today = clock().today()
    client_id, periods = None, 26
    if worker_id is not None:
        offer = next((o for o in svc.plan_offers(worker_id, today) if o.plan.id == plan.id), None)
        ctx = svc.worker_context(worker_id, today)
        client_id, periods = ctx.client_id, ctx.periods
        out["eligible"], out["reason"] = (offer.eligible, offer.reason) if offer else (False, "This plan year ended.")
    out["tiers"] = [{"tier": t.tier, "monthly_premium": t.monthly_premium, "employer_monthly": t.employer_monthly,
                     "employee_monthly": t.monthly_premium - t.employer_monthly,
                     "per_paycheck_employee": t.per_paycheck_employee, "per_paycheck_employer": t.per_paycheck_employer}
                    for t in svc.tier_costs(plan, client_id, periods)]
    return out


@blp.route("/benefit-plans")
@blp.response(200, PlanList)
def list_plans():
    """The plans of the master plan (active ones whose plan year has not ended; `?kind=medical` etc.)."""
    require(current_api_user(), "benefit_plan", "read")
    kind = request.args.get("kind")
    if kind is not None and kind not in PLAN_KINDS:
        raise_if([Issue("kind", f"must be one of {', '.join(PLAN_KINDS)}")])
    stmt = sa.select(BenefitPlan).where(BenefitPlan.active.is_(True),
                                        BenefitPlan.plan_year_end >= clock().today())
    if kind:
        stmt = stmt.where(BenefitPlan.kind == kind)
    plans = db.session.execute(stmt.order_by(BenefitPlan.plan_year_start, BenefitPlan.kind, BenefitPlan.name)
                               ).scalars().all()
    return {"items": [_plan_out(p) for p in plans]}


def _worker_id_arg() -> int | None:
    raw = request.args.get("worker_id")
    if raw in (None, ""):
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and is_record_id(int(raw))):
        raise_if([Issue("worker_id", "must be a worker id (a whole number)")])
    return int(raw)


@blp.route("/benefit-plans/<int:ident>")
@blp.response(200, PlanOut)
def get_plan(ident):
    """One plan with its tiers: monthly premium and the employer's monthly share (for the worker's client with
    `?worker_id=`, else the agency default), and whether that worker may enroll, in words."""
    require(current_api_user(), "benefit_plan", "read")
    plan = db.session.get(BenefitPlan, ident)
    if plan is None:
        raise NotFound(f"benefit plan {ident} not found")
    worker_id = _worker_id_arg()
    if worker_id is not None:
        _own_worker(worker_id, "benefit_plan")
    return _plan_out(plan, worker_id)


@blp.route("/benefit-enrollments", methods=["POST"])
@blp.doc(**_body(EnrollmentIn))
@blp.response(201, ElectionOut)
def post_enrollment():
    """Elect or waive a plan. A worker enrolls only themselves (another worker's id is a 404); HR anyone."""
    data = json_object()
    user = current_api_user()
    require(user, "benefit_enrollment", "create")
    wid = data.get("worker_id")
    if isinstance(wid, int) and not isinstance(wid, bool):
        _own_worker(wid, "benefit_enrollment", "create")
    elif user.role == "worker":
        raise_if([Issue("worker_id", "is required (your own worker id)", "required")])
    e = svc.enroll(data)
    return svc.election_item(e, clock().today(), svc.worker_context(e.worker_id, clock().today()))


@blp.route("/workers/<int:ident>/benefits")
@blp.response(200, ElectionList)
def worker_benefits(ident):
    """The worker's current elections and waivers, with per-paycheck employee and employer amounts."""
    _own_worker(ident, "benefit_enrollment")
    return {"items": svc.current_elections(ident, clock().today())}


@blp.route("/workers/<int:ident>/dependents")
@blp.response(200, DependentList)
def list_dependents(ident):
    _own_worker(ident, "benefit_dependent")
    rows = db.session.execute(sa.select(Dependent).where(Dependent.worker_id == ident, Dependent.active.is_(True))
                              .order_by(Dependent.id)).scalars().all()
    return {"items": rows}


@blp.route("/workers/<int:ident>/dependents", methods=["POST"])
@blp.doc(**_body(DependentIn))
@blp.response(201, DependentOut)
def post_dependent(ident):
    _own_worker(ident, "benefit_dependent", "create")
    return svc.add_dependent(ident, json_object())


@blp.route("/workers/<int:ident>/beneficiaries")
@blp.response(200, BeneficiaryList)
def list_beneficiaries(ident):
    _own_worker(ident, "benefit_dependent")
    rows = db.session.execute(sa.select(Beneficiary).where(Beneficiary.worker_id == ident)
                              .order_by(Beneficiary.plan_kind, Beneficiary.level, Beneficiary.id)).scalars().all()
    return {"items": rows}


@blp.route("/workers/<int:ident>/beneficiaries", methods=["POST"])
@blp.doc(**_body(BeneficiaryIn))
@blp.response(201, BeneficiaryOut)
def post_beneficiary(ident):
    """A primary or contingent beneficiary of the 401(k) or life benefit (one level's shares at most 100%)."""
    _own_worker(ident, "benefit_dependent", "create")
    return svc.add_beneficiary(ident, json_object())


@blp.route("/workers/<int:ident>/life-events", methods=["POST"])
@blp.doc(**_body(LifeEventIn))
@blp.response(201, LifeEventOut)
def post_life_event(ident):
    """Report a qualifying life event with its document (base64); HR approves it and the window opens."""
    _own_worker(ident, "life_event", "create")
    data = dict(json_object())
    name, raw = data.pop("document_name", None), data.pop("document_base64", None)
    document = None
    if raw:
        try:
            document = (str(name or "document"), base64.b64decode(str(raw), validate=True))
        except (binascii.Error, ValueError):
            raise_if([Issue("document_base64", "is not base64")])
    return svc.request_life_event(ident, data, document)


def blueprints() -> list:
    """This domain's API blueprints."""
    return [blp]
