"""Classification services: questionnaire answers, running the engine, evidence and HR sign-off."""
from __future__ import annotations

import hashlib
import re
from datetime import date

import sqlalchemy as sa

from backoffice import validation as v
from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, PermissionDenied, ValidationFailed, raise_if
from backoffice.extensions import db
from backoffice.security.access import can
from backoffice.uow import transaction
from backoffice.classification.services.common import (MAX_EVIDENCE_BYTES, OPEN_ENGAGEMENT_STATUSES, _audited_as_user,
                                                  _check, _engagement_for, get_assessment)
from backoffice.classification.models import Assessment, EvidenceAttachment, Recheck
from backoffice.classification.engine import classify
from backoffice.classification.engine.questionnaire import CRITERIA_MAPS, NOT_STATED, SCHEMA, parse_answers


# ------------------------------------------------------------------ answers
def clean_answers(raw: dict) -> dict:
    """Validate questionnaire answers against the engine's schema; the stated answers as {group: {field: value}}.

    Blank and `not_stated` values are dropped (missing means not stated). Every bad field is named, as
    `answers.<group>.<field>`."""
    if not isinstance(raw, dict):
        raise ValidationFailed([Issue("answers", "must be an object with the questionnaire groups")])
    _, issues = parse_answers(raw)
    raise_if(issues)
    out: dict = {}
    for group, fields in raw.items():
        kept: dict = {}
        for name, value in (fields or {}).items():
            if name in CRITERIA_MAPS:
                flags = {k: f for k, f in (value or {}).items() if isinstance(f, bool)}
                if flags:
                    kept[name] = flags
            elif isinstance(value, str) and value.strip() and value != NOT_STATED:
                kept[name] = value.strip() if SCHEMA.get(group, {}).get(name, ()) is None else value
        if kept:
            out[group] = kept
    return out


# ------------------------------------------------------------------ assessments
@_audited_as_user
@transaction()
def start_assessment(engagement_id, *, user, today: date, as_of_date=None,
                     answers: dict | None = None) -> Assessment:
    """Open a draft questionnaire for an engagement (a holder of the `classification_fill` right: HR; within
    their row scope), as of `as_of_date` or else `today`."""
    _check(user, "create")
    if user is not None and not can(user, "classification_fill", "create"):
        raise PermissionDenied("only HR fills in a classification questionnaire")
    eng = _engagement_for(engagement_id, user)
    issues: list[Issue] = []
    as_of = v.a_date("as_of_date", as_of_date, issues, required_=False) or today
    raise_if(issues)
    if eng.status not in OPEN_ENGAGEMENT_STATUSES:
        raise DomainError(f"engagement {eng.id} is {eng.status}: only a pending or active engagement is assessed")
    row = Assessment(engagement_id=eng.id, worker_id=eng.worker_id, client_id=eng.client_id,
                     work_state=eng.work_state, as_of_date=as_of, answers=clean_answers(answers or {}),
                     status="draft", prepared_by_id=getattr(user, "id", None),
                     prepared_role=getattr(user, "role", "system"))
    db.session.add(row)
    db.session.flush()          # its id, for a caller that runs it in the same unit of work (the API)
    return row


def _draft(assessment_id, user) -> Assessment:
    row = get_assessment(assessment_id, user)
    if row.status != "draft":
        raise DomainError(f"assessment {row.id} is {row.status.replace('_', ' ')}: start a new one to change it",
                          code="not_draft")
    return row


@_audited_as_user
@transaction()
def save_answers(assessment_id, answers: dict, *, user, as_of_date=None) -> Assessment:
    """Replace a draft's answers (and date); the stored result no longer matches, so it is cleared."""
    _check(user, "write")
    row = _draft(assessment_id, user)
    issues: list[Issue] = []
    as_of = v.a_date("as_of_date", as_of_date, issues, required_=False) if as_of_date not in (None, "") else None
    try:
        cleaned = clean_answers(answers)
    except ValidationFailed as exc:
        issues.extend(exc.issues)
    raise_if(issues)
    if as_of:
        row.as_of_date = as_of
    if cleaned != row.answers or as_of:
        row.answers = cleaned
        row.result = row.rule_set_versions = row.determination = row.risk = row.employer_party = None
        row.run_at = None
    return row


def deciding_questions_for(row: Assessment) -> dict | None:
    """The questions that would decide a draft that needs review: from its stored result, or (when the answers
    changed since the last run) from the engine on the saved answers. Reads only; None when nothing is needed or
    the answers cannot be classified yet."""
    if row.result is not None:
        return row.result.get("deciding_questions")
    try:
        result = classify({"work_state": row.work_state, "as_of_date": row.as_of_date.isoformat(),
                           "answers": row.answers or {}})
    except ValidationFailed:
        return None
    return result.get("deciding_questions")


@_audited_as_user
@transaction()
def run_assessment(assessment_id, *, user) -> Assessment:
    """Classify the draft's answers with the engine and store the full result."""
    _check(user, "write")
    row = _draft(assessment_id, user)
    result = classify({"work_state": row.work_state, "as_of_date": row.as_of_date.isoformat(),
                       "answers": row.answers, "reference": f"assessment-{row.id}"})
    row.result = result
    row.rule_set_versions = dict(result["rule_set_versions"])
    row.determination = result["determination"]
    row.risk = result["risk"]
    row.employer_party = result["employer"]["party"]
    row.run_at = utcnow()
    return row


@_audited_as_user
@transaction()
def add_evidence(assessment_id, *, user, filename: str, content: bytes, content_type: str = "",
                 description: str = "", answer_path: str = "") -> EvidenceAttachment:
    """Attach a document to a draft (HR); its SHA-256 is kept with the bytes."""
    _check(user, "create", "classification_evidence")
    row = _draft(assessment_id, user)
    issues: list[Issue] = []
    name = re.sub(r"[^A-Za-z0-9._() -]", "_", (filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if not name:
        issues.append(Issue("file", "choose a file to attach", "required"))
    if not content:
        issues.append(Issue("file", "the file is empty", "required"))
    elif len(content) > MAX_EVIDENCE_BYTES:
        issues.append(Issue("file", f"is larger than {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB", "too_large"))
    if answer_path and answer_path not in {f"{g}.{f}" for g, fs in SCHEMA.items() for f in fs} | {
            f"state_specific.{m}" for m in CRITERIA_MAPS}:
        issues.append(Issue("answer_path", f"{answer_path!r} is not a questionnaire field", "invalid_choice"))
    if len(description or "") > 500:
        issues.append(Issue("description", "is longer than 500 characters", "too_long"))
    raise_if(issues)
    att = EvidenceAttachment(assessment_id=row.id, worker_id=row.worker_id, client_id=row.client_id,
                             answer_path=answer_path or "", description=(description or "").strip(),
                             filename=name[:200], content_type=(content_type or "application/octet-stream")[:100],
                             size=len(content), sha256=hashlib.sha256(content).hexdigest(), content=content,
                             uploaded_by_id=getattr(user, "id", None), uploaded_role=getattr(user, "role", "system"))
    db.session.add(att)
    return att


def _signable(engine: str, chosen: str, note: str) -> str | None:
    """Why HR may not sign `chosen` when the engine found `engine` (None when allowed); see docs."""
    if chosen not in ("leased_employee", "contractor"):
        return "choose leased employee or contractor: 'needs review' cannot be signed"
    if chosen == engine:
        return None
    if chosen == "contractor" and engine == "leased_employee":
        return "the tests found an employee: the engagement cannot be signed off as a contractor"
    if not note.strip():
        return "explain in the note why the signed determination differs from the engine's"
    return None


@_audited_as_user
@transaction()
def sign_off(assessment_id, *, user, note: str = "", determination: str | None = None) -> Assessment:
    """HR signs the assessment: frozen, copied to the engagement, the previous signed one superseded."""
    _check(user, "write")
    if user is not None and not can(user, "classification_sign_off", "write"):
        raise PermissionDenied("only HR signs off a classification")
    row = _draft(assessment_id, user)
    if row.result is None:
        raise DomainError("run the assessment before signing it off", code="not_run")
    note = (note or "").strip()
    chosen = determination or row.determination
    problem = _signable(row.determination, chosen, note)
    if problem:
        raise ValidationFailed([Issue("determination", problem, "not_allowed")])
    previous = db.session.execute(sa.select(Assessment).where(
        Assessment.engagement_id == row.engagement_id, Assessment.status == "signed_off")).scalars().all()
    row.status = "signed_off"
    row.signed_determination = chosen
    row.signed_off_by_id = getattr(user, "id", None)
    row.signed_off_at = utcnow()
    row.sign_off_note = note
    db.session.flush()
    for old in previous:
        old.status = "superseded"
        old.superseded_by_id = row.id
    row.engagement.classification = chosen
    for rc in db.session.execute(sa.select(Recheck).where(Recheck.engagement_id == row.engagement_id,
                                                          Recheck.status == "open")).scalars():
        rc.status = "resolved"
        rc.resolved_at = utcnow()
        rc.resolved_by_id = getattr(user, "id", None)
        rc.resolution_note = f"re-assessed: assessment #{row.id} signed off"
    return row
