"""Onboarding API: invite a worker (the link goes by email), read the board and one case; file a worker's W-4,
state certificates and W-9 and add deposit accounts (what makes a worker payable)."""
from __future__ import annotations

from contextlib import nullcontext

import sqlalchemy as sa
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from backoffice.api import current_api_user, json_object
from backoffice.api.fields import Day, Days, Id, Number, Page
from backoffice.audit import acting_as
from backoffice.clock import clock
from backoffice.crypto import mask_ein, mask_ssn
from backoffice.errors import NotFound
from backoffice.extensions import db
from backoffice.money import MONEY, RATE
from backoffice.onboarding.board import DEFAULT_STUCK_DAYS, board_rows
from backoffice.onboarding.models import CASE_STATUSES, OnboardingCase
from backoffice.onboarding.services import invitations, tax_forms
from backoffice.onboarding.steps import STEP_LABELS, state_form
from backoffice.security.access import can, require, scoped
from backoffice.security.field_policy import require_writable
from backoffice.workers.models import ENGAGEMENT_TYPES, Worker
from backoffice.workers.profile import SPLIT_KINDS, W9_ENTITY_TYPES, TaxProfile
from backoffice.workers.services import flag_tin_conflicts
from payroll.engine.model import FILING_STATUSES, MARITAL_STATUSES
from payroll.engine.quote_input import MAX_ALLOWANCES, W4_2019_FIELDS, W4_2020_FIELDS

blp = Blueprint("onboarding_api", __name__, url_prefix="/api/v1", description="Invitations and onboarding")


class InvitationIn(Schema):
    email = fields.Email(required=True)
    first_name = fields.String(metadata={"description": "required when no worker has this email"})
    last_name = fields.String()
    client_id = Id(required=True)
    type = fields.String(required=True, validate=validate.OneOf(ENGAGEMENT_TYPES))
    title = fields.String()
    work_state = fields.String(required=True)
    pay_rate = Number(RATE, required=True)
    pay_unit = fields.String()
    bill_rate = Number(RATE)
    pay_frequency = fields.String()
    start_date = Day(required=True)


class InvitationOut(Schema):
    invitation_id = fields.Integer()
    case_id = fields.Integer()
    worker_id = fields.Integer()
    engagement_id = fields.Integer()
    expires_at = fields.DateTime()
    sent = fields.Boolean(metadata={"description": "false when the email could not be sent (see error)"})
    error = fields.String(allow_none=True)


class BoardArgs(Schema):
    q = fields.String(load_default="")
    status = fields.String(load_default="", validate=validate.OneOf(("",) + CASE_STATUSES))
    step = fields.String(load_default="", validate=validate.OneOf([""] + list(STEP_LABELS)))
    type = fields.String(load_default="", validate=validate.OneOf(("",) + ENGAGEMENT_TYPES))
    client_id = Id(load_default=None)
    stuck = fields.Boolean(load_default=False)
    stuck_days = Days(load_default=DEFAULT_STUCK_DAYS)
    page = Page(load_default=0, min=0)


class StepOut(Schema):
    step = fields.String()
    status = fields.String()
    completed_at = fields.DateTime(allow_none=True)


class CaseOut(Schema):
    case_id = fields.Integer()
    worker_id = fields.Integer()
    engagement_id = fields.Integer()
    name = fields.String()
    email = fields.String()
    client = fields.String()
    type = fields.String()
    work_state = fields.String()
    start_date = fields.Date()
    status = fields.String()
    current_step = fields.String(allow_none=True)
    step_since = fields.DateTime()
    days_on_step = fields.Integer()
    stuck = fields.Boolean()
    steps = fields.List(fields.Nested(StepOut))
    i9_due_date = fields.Date(allow_none=True)
    i9 = fields.String(metadata={"description": "'' | due | overdue | done"})


class BoardOut(Schema):
    total = fields.Integer()
    items = fields.List(fields.Nested(CaseOut))


def _case_json(row: dict) -> dict:
    case, worker, eng = row["case"], row["worker"], row["engagement"]
    return {"case_id": case.id, "worker_id": worker.id, "engagement_id": eng.id, "name": worker.full_name,
            "email": worker.email, "client": row["client"].name, "type": eng.type, "work_state": eng.work_state,
            "start_date": eng.start_date, "status": case.status, "current_step": case.current_step,
            "step_since": case.step_since, "days_on_step": row["days"], "stuck": row["stuck"],
            "steps": [{"step": s.step, "status": s.status, "completed_at": s.completed_at} for s in case.steps],
            "i9_due_date": case.i9_due_date, "i9": row["i9_state"]}


@blp.route("/invitations")
class Invitations(MethodView):
    @blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": InvitationIn}}})
    @blp.response(201, InvitationOut)
    def post(self):
        """Invite a worker for an engagement: creates (or links) the worker and a pending engagement, emails the
        single-use link. Every bad field is named (422)."""
        user = current_api_user()
        require(user, "invitation", "create")
        body = json_object()
        data = {k: (str(v) if k in ("pay_rate", "bill_rate") else v) for k, v in dict(body).items()}
        result = invitations.invite_worker(data, now=clock().now(), config=current_app.config,
                                           invited_by_id=user.id)
        inv = result.invitation
        return {"invitation_id": inv.id, "case_id": result.case.id, "worker_id": inv.worker_id,
                "engagement_id": inv.engagement_id, "expires_at": inv.expires_at, "sent": result.sent,
                "error": result.error}


@blp.route("/onboarding")
class Board(MethodView):
    @blp.arguments(BoardArgs, location="query")
    @blp.response(200, BoardOut)
    def get(self, args):
        """The onboarding board: open cases (or `status`), their step, days on it, stuck flag and I-9 state."""
        user = current_api_user()
        require(user, "onboarding", "read")
        rows, total = board_rows(now=clock().now(), today=clock().today(), q=args["q"], status=args["status"],
                                 step=args["step"], type_=args["type"], client_id=str(args["client_id"] or ""),
                                 stuck_only=args["stuck"], stuck_days=args["stuck_days"], page=args["page"], user=user)
        return {"total": total, "items": [_case_json(r) for r in rows]}


@blp.route("/onboarding/<int:case_id>")
class OneCase(MethodView):
    @blp.response(200, CaseOut)
    def get(self, case_id: int):
        """One onboarding case with every step."""
        user = current_api_user()
        require(user, "onboarding", "read")
        found = db.session.execute(scoped(sa.select(OnboardingCase.id).where(OnboardingCase.id == case_id), user,
                                          "onboarding")).scalar_one_or_none()
        if found is None:
            raise NotFound(f"onboarding case {case_id} not found")
        case = db.session.get(OnboardingCase, case_id)
        rows, _ = board_rows(now=clock().now(), today=clock().today(), status=case.status, q=case.worker.email,
                             user=user)
        row = next((r for r in rows if r["case"].id == case_id), None)
        if row is None:
            raise NotFound(f"onboarding case {case_id} not found")
        return _case_json(row)


# ------------------------------------------------------------------ a worker's payroll forms and deposit accounts
forms_blp = Blueprint("worker_forms_api", __name__, url_prefix="/api/v1",
                      description="A worker's tax forms (W-4, state certificates, W-9) and direct-deposit accounts")
MASK = "****"


class W4In(Schema):
    """The paycheck quote's `w4` fields (docs/paycheck-quote.md) plus `effective_date` and `signed_name`."""
    version = fields.Integer(validate=validate.OneOf((2020, 2019)),
                             metadata={"description": "2020 (Form W-4 2020 and later, the default) or 2019"})
    filing_status = fields.String(validate=validate.OneOf(FILING_STATUSES), metadata={"description": "2020 form"})
    step2_checkbox = fields.Boolean(metadata={"description": "2020 form"})
    step3_credits = Number(MONEY, metadata={"description": "2020 form, annual"})
    step4a_other_income = Number(MONEY, metadata={"description": "2020 form, annual"})
    step4b_deductions = Number(MONEY, metadata={"description": "2020 form, annual"})
    step4c_extra = Number(MONEY, metadata={"description": "2020 form, per pay period"})
    marital_status = fields.String(validate=validate.OneOf(MARITAL_STATUSES), metadata={"description": "2019 form"})
    allowances = fields.Integer(validate=validate.Range(min=0, max=MAX_ALLOWANCES),
                                metadata={"description": "2019 form"})
    additional = Number(MONEY, metadata={"description": "2019 form, per pay period"})
    exempt = fields.Boolean(metadata={"description": "claims exemption: nothing else may be filled in"})
    effective_date = Day(metadata={"description": "default today; a worker's own form: today or later"})
    signed_name = fields.String()


class W4Out(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    effective_date = fields.Date()
    version = fields.Integer()
    filing_status = fields.String()
    step2_checkbox = fields.Boolean()
    step3_credits = fields.Decimal(as_string=True)
    step4a_other_income = fields.Decimal(as_string=True)
    step4b_deductions = fields.Decimal(as_string=True)
    step4c_extra = fields.Decimal(as_string=True)
    marital_status = fields.String()
    allowances = fields.Integer()
    additional = fields.Decimal(as_string=True)
    exempt = fields.Boolean()
    signed_name = fields.String()
    state_certificates = fields.Dict(keys=fields.String(), values=fields.Dict(),
                                     metadata={"description": "the state certificates in effect with it"})


class StateCertificateIn(Schema):
    """The state's certificate fields plus `effective_date`: a state with a form in onboarding's data takes that
    form's fields only (CA DE 4: filing_status, allowances, additional_allowances, additional, exempt; see
    docs/api.md); any other state the fields the engine reads."""
    filing_status = fields.String()
    allowances = fields.Integer(validate=validate.Range(min=0, max=MAX_ALLOWANCES))
    additional_allowances = fields.Integer(validate=validate.Range(min=0, max=MAX_ALLOWANCES))
    dependents = fields.Integer(validate=validate.Range(min=0, max=MAX_ALLOWANCES))
    personal_exemptions = fields.Integer(validate=validate.Range(min=0, max=MAX_ALLOWANCES))
    adopted_dependents = fields.Integer(validate=validate.Range(min=0, max=MAX_ALLOWANCES),
                                        metadata={"description": "IN WH-4 line 7"})
    rate_table = fields.String(metadata={"description": "NJ-W4 line 3: A to E"})
    withholding_code = fields.String(metadata={"description": "CT-W4 line 1: A to F"})
    county = fields.String(metadata={"description": "MD MW507, IN WH-4: the county code of onboarding's data"})
    additional = Number(MONEY, metadata={"description": "extra withholding per pay period"})
    annual_allowance = Number(MONEY)
    reduction = Number(MONEY, metadata={"description": "less withholding per pay period: CT-W4 line 3, a negative "
                                                       "L-4 line 7 (without its sign)"})
    fixed_withholding = Number(MONEY, metadata={"description": "MO W-4 line 3: withheld each pay period instead of "
                                                               "the standard calculation"})
    nonresident_alien = fields.Boolean(metadata={"description": "NC-4 NRA: a nonresident alien"})
    percentage = fields.String(metadata={"description": "AZ A-4: the elected rate, e.g. \"2.0\""})
    exempt = fields.Boolean()
    reciprocity = fields.Boolean()
    effective_date = Day(metadata={"description": "default today; a worker's own form: today or later"})
    signed_name = fields.String()


class StateCertificateOut(Schema):
    worker_id = fields.Integer()
    tax_profile_id = fields.Integer()
    state = fields.String()
    form = fields.String(allow_none=True, metadata={"description": "the state's form, e.g. DE 4"})
    effective_date = fields.Date()
    signed_name = fields.String()
    certificate = fields.Dict()


class StateCertificatesArgs(Schema):
    on = Day(metadata={"description": "the day the certificates are in effect (default today)"})


class W9In(Schema):
    legal_name = fields.String(required=True)
    business_name = fields.String()
    entity_type = fields.String(required=True, validate=validate.OneOf(W9_ENTITY_TYPES))
    exempt_payee_code = fields.String()
    tin_type = fields.String(validate=validate.OneOf(("ssn", "ein")))
    tin = fields.String(metadata={"description": "SSN or EIN; stored encrypted on the worker, never returned"})
    certified = fields.Boolean(metadata={"description": "Part II signed; false (or no TIN) flags backup "
                                                        "withholding at 24%"})
    signed_name = fields.String()


class W9Out(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    legal_name = fields.String()
    business_name = fields.String()
    entity_type = fields.String()
    exempt_payee_code = fields.String()
    tin_type = fields.String()
    tin = fields.String(metadata={"description": "masked: ***-**-6789 (SSN) or **-***6789 (EIN)"})
    certified = fields.Boolean()
    backup_withholding = fields.Boolean()
    signed_name = fields.String()


class BankAccountIn(Schema):
    bank_name = fields.String()
    routing_number = fields.String(required=True, metadata={"description": "9 digits, ABA check digit; "
                                                                           "write-only"})
    account_number = fields.String(required=True, metadata={"description": "write-only, returned masked"})
    account_type = fields.String(validate=validate.OneOf(("checking", "savings")))
    split_kind = fields.String(validate=validate.OneOf(SPLIT_KINDS), metadata={
        "description": "remainder (default: takes the rest, replacing the previous remainder account), percent "
                       "or fixed"})
    split_amount = Number(MONEY, metadata={"description": "split_kind fixed"})
    split_percent = Number(MONEY, metadata={"description": "split_kind percent (the percents at most 100)"})
    priority = fields.Integer(validate=validate.Range(min=0, max=tax_forms.MAX_PRIORITY))


class BankAccountOut(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    bank_name = fields.String()
    routing_number = fields.String(metadata={"description": "masked: ****0015"})
    account_number = fields.String(metadata={"description": "masked: ****6789"})
    account_type = fields.String()
    split_kind = fields.String()
    split_amount = fields.Decimal(as_string=True, allow_none=True)
    split_percent = fields.Decimal(as_string=True, allow_none=True)
    priority = fields.Integer()
    source = fields.String()
    status = fields.String()


def _form_user(worker_id: int, model: str, action: str):
    """The caller, when they may reach this worker (a worker: only themselves; anyone else's id is 404, as on
    GET /workers/<id>) and `action` records of `model`."""
    user = current_api_user()
    require(user, "worker", "read")
    found = db.session.execute(scoped(sa.select(Worker.id).where(Worker.id == worker_id), user, "worker")) \
        .scalar_one_or_none()
    if found is None:
        raise NotFound(f"worker {worker_id} not found")
    require(user, model, action)
    return user


def _form_body(user, model: str, known) -> dict:
    body = json_object()
    require_writable(user, "api", model, [k for k in body if k in known])
    return body


def _self_service(user) -> bool:
    """The worker typing their own form (HR, who create workers, enter forms received on paper)."""
    return not can(user, "worker", "create")


def _w4_json(p: TaxProfile) -> dict:
    return {"id": p.id, "worker_id": p.worker_id, "effective_date": p.effective_date, "signed_name": p.signed_name,
            **p.w4_json(), "state_certificates": dict(p.state_certificate or {})}


def _masked(number: str) -> str:
    return MASK + (number or "")[-4:]


@forms_blp.route("/workers/<int:worker_id>/w4", methods=["PUT"])
@forms_blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": W4In}}})
@forms_blp.response(200, W4Out)
def put_w4(worker_id: int):
    """File a Form W-4 for the worker, effective from `effective_date` (default today): the paycheck quote's `w4`
    fields. A new row each time (the history is kept); the state certificates on file carry over. Every bad field
    is named (422): unknown fields, JSON types, amounts, an exempt form with anything else filled in."""
    user = _form_user(worker_id, "worker", "write")
    body = _form_body(user, "tax_profile", W4_2020_FIELDS + W4_2019_FIELDS + tax_forms.W4_EXTRA_FIELDS)
    with acting_as(user):
        profile = tax_forms.put_w4(worker_id, body, today=clock().today(), self_service=_self_service(user))
    return _w4_json(profile)


@forms_blp.route("/workers/<int:worker_id>/state-certificates/<state>", methods=["PUT"])
@forms_blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": StateCertificateIn}}})
@forms_blp.response(200, StateCertificateOut)
def put_state_certificate(worker_id: int, state: str):
    """File the worker's withholding certificate for `state` (e.g. CA: DE 4), effective from `effective_date`:
    the state's form fields where the state has a form (docs/api.md), else the fields the engine reads. The state
    must be one whose withholding the engine computes and that has a certificate (TX: no income tax, 422); the
    worker must have a W-4 effective that day (409)."""
    user = _form_user(worker_id, "worker", "write")
    body = _form_body(user, "tax_profile", tax_forms.ENGINE_CERTIFICATE_FIELDS + tax_forms.W4_EXTRA_FIELDS)
    with acting_as(user):
        profile = tax_forms.put_state_certificate(worker_id, state, body, today=clock().today(),
                                                  self_service=_self_service(user))
    code = state.strip().upper()
    form = state_form(code)
    return {"worker_id": worker_id, "tax_profile_id": profile.id, "state": code, "form": form.form if form else None,
            "effective_date": profile.effective_date, "certificate": profile.state_certificate[code]}


@forms_blp.route("/workers/<int:worker_id>/state-certificates", methods=["GET"])
@forms_blp.arguments(StateCertificatesArgs, location="query")
@forms_blp.response(200, StateCertificateOut(many=True))
def get_state_certificates(args, worker_id: int):
    """The worker's state withholding certificates in effect on `on` (default today), one per state. A worker sees
    only their own (anyone else's id is 404); HR corrects one with PUT (a new, audited tax-profile row)."""
    _form_user(worker_id, "worker", "read")
    return tax_forms.state_certificates(worker_id, on=args.get("on") or clock().today())


@forms_blp.route("/workers/<int:worker_id>/w9", methods=["PUT"])
@forms_blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": W9In}}})
@forms_blp.response(200, W9Out)
def put_w9(worker_id: int):
    """File a Form W-9 (contractors). The TIN is write-only: stored encrypted on the worker, returned masked;
    without a TIN, or not certified, backup withholding (24%) is flagged."""
    user = _form_user(worker_id, "worker", "write")
    body = _form_body(user, "w9_form", tax_forms.W9_FIELDS)
    self_service = _self_service(user)
    with acting_as(user), (flag_tin_conflicts(worker_id) if self_service else nullcontext()):
        form = tax_forms.put_w9(worker_id, body, self_service=self_service)
    masked = mask_ein(form.tin_last4) if form.tin_type == "ein" else mask_ssn(form.tin_last4)
    return {**{k: getattr(form, k) for k in W9Out._declared_fields if k != "tin"}, "tin": masked}


@forms_blp.route("/workers/<int:worker_id>/bank-accounts", methods=["POST"])
@forms_blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": BankAccountIn}}})
@forms_blp.response(201, BankAccountOut)
def post_bank_account(worker_id: int):
    """Add a direct-deposit account and its share of net pay. The numbers are write-only: the answer shows them
    masked (****6789). The worker's accounts must still split net pay: one remainder account, percents at most
    100 (422 naming the field otherwise)."""
    user = _form_user(worker_id, "bank_account", "create")
    body = _form_body(user, "bank_account", tax_forms.BANK_FIELDS)
    with acting_as(user):
        acct = tax_forms.post_bank_account(worker_id, body)
    out = {k: getattr(acct, k) for k in BankAccountOut._declared_fields if k not in ("routing_number",
                                                                                      "account_number")}
    return {**out, "routing_number": _masked(acct.routing_number), "account_number": MASK + acct.account_last4}
