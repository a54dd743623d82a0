"""Classification API: an engagement's questionnaire answered, stored and run through the engine in one request;
HR's sign-off, which classifies the engagement (and so lets payroll pay it)."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from backoffice.api import current_api_user, json_object
from backoffice.api.fields import Day
from backoffice.classification.models import DETERMINATIONS
from backoffice.classification.services import questionnaire
from backoffice.clock import clock
from backoffice.errors import Issue, ValidationFailed, raise_if
from backoffice.uow import transaction

blp = Blueprint("classification_api", __name__, url_prefix="/api/v1",
                description="Classification assessments of engagements and HR's sign-off")

ASSESSMENT_FIELDS = ("answers", "as_of_date")
SIGN_OFF_FIELDS = ("note", "determination")
MAX_NOTE = 2000


class AssessmentIn(Schema):
    answers = fields.Dict(required=True, metadata={
        "description": "the questionnaire: {group: {field: answer}}, the `answers` of POST "
                       "/api/v1/classification-assessments (docs/classification.md)"})
    as_of_date = Day(metadata={"description": "the day the tests are applied as of (default today)"})


class SignOffIn(Schema):
    note = fields.String(metadata={"description": "required when the signed determination differs from the "
                                                 "engine's"})
    determination = fields.String(validate=validate.OneOf(("leased_employee", "contractor")), metadata={
        "description": "default: the engine's; an employee finding cannot be signed as a contractor"})


class AssessmentOut(Schema):
    id = fields.Integer()
    engagement_id = fields.Integer()
    worker_id = fields.Integer()
    client_id = fields.Integer()
    work_state = fields.String()
    as_of_date = fields.Date()
    status = fields.String(metadata={"description": "draft (run, not signed), signed_off or superseded"})
    answers = fields.Dict()
    determination = fields.String(allow_none=True, validate=validate.OneOf(DETERMINATIONS),
                                  metadata={"description": "the engine's"})
    risk = fields.String(allow_none=True)
    employer_party = fields.String(allow_none=True)
    rule_set_versions = fields.Dict(allow_none=True)
    result = fields.Dict(allow_none=True, metadata={
        "description": "the engine's full result with its reasoning test by test and factor by factor (the "
                       "answer of POST /api/v1/classification-assessments)"})
    run_at = fields.DateTime(allow_none=True)
    prepared_by_id = fields.Integer(allow_none=True)
    signed_determination = fields.String(allow_none=True)
    signed_off_by_id = fields.Integer(allow_none=True)
    signed_off_at = fields.DateTime(allow_none=True)
    sign_off_note = fields.String()


def _body(allowed) -> dict:
    body = json_object()
    raise_if([Issue(str(k), "unknown field", "unknown") for k in body if k not in allowed])
    return body


@blp.route("/engagements/<int:engagement_id>/assessments", methods=["POST"])
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": AssessmentIn}}})
@blp.response(201, AssessmentOut)
def post_assessment(engagement_id: int):
    """Assess an engagement's classification: the questionnaire answers are stored and run through the engine
    (IRS common law, DOL economic reality, the work state's test) in one unit of work; the answer is the stored
    assessment with the engine's determination, risk and reasoning. HR (the `classification_fill` right); a
    pending or active engagement (409 otherwise); every bad answer named (422, `answers.<group>.<field>`)."""
    user = current_api_user()
    body = _body(ASSESSMENT_FIELDS)
    if "answers" not in body:
        raise ValidationFailed([Issue("answers", "is required", "required")])
    with transaction():
        row = questionnaire.start_assessment(engagement_id, user=user, today=clock().today(),
                                             as_of_date=body.get("as_of_date"), answers=body["answers"])
        row = questionnaire.run_assessment(row.id, user=user)
    return row


@blp.route("/assessments/<int:assessment_id>/sign-off", methods=["POST"])
@blp.doc(requestBody={"required": False, "content": {"application/json": {"schema": SignOffIn}}})
@blp.response(200, AssessmentOut)
def sign_off_assessment(assessment_id: int):
    """HR signs the assessment off: it is frozen, its determination (the engine's, or another with a note) is
    copied to the engagement, and the engagement's previous signed assessment is superseded. A second sign-off,
    or one of an assessment not run, is refused (409); `contractor` against an employee finding is 422."""
    user = current_api_user()
    body = _body(SIGN_OFF_FIELDS) if _has_body() else {}
    issues = []
    note = body.get("note") or ""
    if not isinstance(note, str):
        issues.append(Issue("note", "must be a string", "invalid_type"))
    elif len(note) > MAX_NOTE:
        issues.append(Issue("note", f"is longer than {MAX_NOTE} characters", "too_long"))
    determination = body.get("determination")
    if determination is not None and determination not in ("leased_employee", "contractor"):
        issues.append(Issue("determination", "must be leased_employee or contractor", "invalid_choice"))
    raise_if(issues)
    return questionnaire.sign_off(assessment_id, user=user, note=note, determination=determination)


def _has_body() -> bool:
    return bool(request.get_data(cache=True).strip())
