"""Classification services: questionnaires, evidence, HR sign-off, review threads, re-checks and reclassification."""
from __future__ import annotations

import functools
import hashlib
import re
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from backoffice import validation as v
from backoffice.audit import acting_as
from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, NotFound, PermissionDenied, ValidationFailed, raise_if
from backoffice.extensions import db
from backoffice.security.access import can, require, scoped
from backoffice.workers.assessments import (Assessment, EvidenceAttachment, Recheck, Reclassification,
                                            ReviewMessage, ReviewRequest)
from backoffice.workers.classification import RecheckFacts, ScheduleChange, WeekHours, classify, recheck_triggers
from backoffice.workers.classification.questionnaire import CRITERIA_MAPS, NOT_STATED, SCHEMA, parse_answers
from backoffice.workers.models import Client, Engagement

PERMISSION = "classification"
FILL_ROLES = ("admin", "hr", "client_approver")  # who may fill in a questionnaire (with write permission)
SIGN_OFF_ROLES = ("admin", "hr")  # who may sign off and reclassify
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_MESSAGE_CHARS = 5000
OPEN_ENGAGEMENT_STATUSES = ("pending", "active")


# ------------------------------------------------------------------ access
def _check(user, action: str, model: str = PERMISSION) -> None:
    """`user` None means the system itself (CLI, tasks): no check."""
    if user is not None:
        require(user, model, action)


def _visible(model, ident, user):
    """The row if it exists and `user` may see it (row scopes apply); otherwise NotFound."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        raise NotFound(f"{model.__tablename__} not found") from None
    stmt = sa.select(model).where(model.id == ident)
    if user is not None:
        if not can(user, model.__permission_model__, "read"):
            raise NotFound(f"{model.__tablename__} {ident} not found")
        stmt = scoped(stmt, user, model.__permission_model__)
    row = db.session.execute(stmt).scalar_one_or_none()
    if row is None:
        raise NotFound(f"{model.__tablename__} {ident} not found")
    return row


def get_assessment(assessment_id, user) -> Assessment:
    return _visible(Assessment, assessment_id, user)


def get_review(review_id, user) -> ReviewRequest:
    return _visible(ReviewRequest, review_id, user)


def get_evidence(assessment_id, evidence_id, user) -> EvidenceAttachment:
    att = _visible(EvidenceAttachment, evidence_id, user)
    if att.assessment_id != int(assessment_id):
        raise NotFound(f"evidence {evidence_id} not found")
    get_assessment(assessment_id, user)  # the worker sees evidence only of assessments they may see
    return att


def _engagement_for(engagement_id, user) -> Engagement:
    try:
        ident = int(engagement_id)
    except (TypeError, ValueError):
        raise ValidationFailed([Issue("engagement_id", "must be an id")]) from None
    stmt = sa.select(Engagement).where(Engagement.id == ident)
    if user is not None:
        stmt = scoped(stmt, user, "engagement")
    eng = db.session.execute(stmt).scalar_one_or_none()
    if eng is None:
        raise NotFound(f"engagement {ident} not found")
    return eng


def _audited_as_user(fn):
    """Attribute every audit row the service writes to its `user` (also outside a request: CLI, tasks)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        user = kwargs.get("user")
        if user is None:
            return fn(*args, **kwargs)
        with acting_as(user):
            return fn(*args, **kwargs)
    return wrapper


def _commit() -> None:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


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


def answer_value(answers: dict, path: str):
    group, _, name = path.partition(".")
    return (answers.get(group) or {}).get(name, NOT_STATED)


# ------------------------------------------------------------------ assessments
@_audited_as_user
def start_assessment(engagement_id, *, user, as_of_date=None, answers: dict | None = None,
                     today: date | None = None) -> Assessment:
    """Open a draft questionnaire for an engagement (HR, or the client approver of that engagement's client)."""
    _check(user, "create")
    if user is not None and user.role not in FILL_ROLES:
        raise PermissionDenied("only HR or the client's approver fills in a classification questionnaire")
    eng = _engagement_for(engagement_id, user)
    issues: list[Issue] = []
    as_of = v.a_date("as_of_date", as_of_date, issues, required_=False) or today or utcnow().date()
    raise_if(issues)
    if eng.status not in OPEN_ENGAGEMENT_STATUSES:
        raise DomainError(f"engagement {eng.id} is {eng.status}: only a pending or active engagement is assessed")
    row = Assessment(engagement_id=eng.id, worker_id=eng.worker_id, client_id=eng.client_id,
                     work_state=eng.work_state, as_of_date=as_of, answers=clean_answers(answers or {}),
                     status="draft", prepared_by_id=getattr(user, "id", None),
                     prepared_role=getattr(user, "role", "system"))
    db.session.add(row)
    _commit()
    return row


def _draft(assessment_id, user) -> Assessment:
    row = get_assessment(assessment_id, user)
    if row.status != "draft":
        raise DomainError(f"assessment {row.id} is {row.status.replace('_', ' ')}: start a new one to change it",
                          code="not_draft")
    return row


@_audited_as_user
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
    _commit()
    return row


@_audited_as_user
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
    _commit()
    return row


@_audited_as_user
def add_evidence(assessment_id, *, user, filename: str, content: bytes, content_type: str = "",
                 description: str = "", answer_path: str = "") -> EvidenceAttachment:
    """Attach a document to a draft (HR or the client approver); its SHA-256 is kept with the bytes."""
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
    _commit()
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
def sign_off(assessment_id, *, user, note: str = "", determination: str | None = None) -> Assessment:
    """HR signs the assessment: frozen, copied to the engagement, the previous signed one superseded."""
    _check(user, "write")
    if user is not None and user.role not in SIGN_OFF_ROLES:
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
    _commit()
    return row


def history(engagement_id: int) -> list[Assessment]:
    """Every assessment of this engagement and of the engagements it was converted from or to, oldest first."""
    ids = _linked_engagements(engagement_id)
    return list(db.session.execute(sa.select(Assessment).where(Assessment.engagement_id.in_(ids))
                                   .order_by(Assessment.as_of_date, Assessment.id)).scalars())


def basis(engagement_id: int) -> Assessment | None:
    """The signed assessment that classifies this engagement: its own, or the one it was converted on."""
    own = current_signed(engagement_id)
    if own is not None:
        return own
    signed = [a for a in history(engagement_id) if a.status == "signed_off"]
    return signed[-1] if signed else None


def _linked_engagements(engagement_id: int) -> set[int]:
    ids, frontier = {engagement_id}, [engagement_id]
    while frontier:
        eid = frontier.pop()
        for r in db.session.execute(sa.select(Reclassification).where(sa.or_(
                Reclassification.from_engagement_id == eid, Reclassification.to_engagement_id == eid))).scalars():
            for other in (r.from_engagement_id, r.to_engagement_id):
                if other not in ids:
                    ids.add(other)
                    frontier.append(other)
    return ids


def reclassifications_for(engagement_id: int) -> list[Reclassification]:
    ids = _linked_engagements(engagement_id)
    return list(db.session.execute(sa.select(Reclassification).where(
        Reclassification.from_engagement_id.in_(ids)).order_by(Reclassification.id)).scalars())


# ------------------------------------------------------------------ review threads
def _message_body(body: str, field: str = "comment") -> str:
    body = (body or "").strip()
    issues = []
    if not body:
        issues.append(Issue(field, "write what you would like HR to look at", "required"))
    elif len(body) > MAX_MESSAGE_CHARS:
        issues.append(Issue(field, f"is longer than {MAX_MESSAGE_CHARS} characters", "too_long"))
    raise_if(issues)
    return body


def _author_name(user) -> str:
    return (getattr(user, "name", "") or getattr(user, "email", "") or "system")[:200]


@_audited_as_user
def request_review(assessment_id, *, user, comment: str) -> ReviewRequest:
    """The worker asks HR to review a signed assessment; an open request on it gets the comment added."""
    if user is None or user.role != "worker":
        raise PermissionDenied("only the worker asks for a review")
    _check(user, "create", "classification_review")
    row = get_assessment(assessment_id, user)
    if row.status == "draft":
        raise NotFound(f"classification_assessments {row.id} not found")
    body = _message_body(comment)
    review = db.session.execute(sa.select(ReviewRequest).where(
        ReviewRequest.assessment_id == row.id, ReviewRequest.status != "closed")).scalar_one_or_none()
    if review is None:
        review = ReviewRequest(assessment_id=row.id, engagement_id=row.engagement_id, worker_id=row.worker_id,
                               client_id=row.client_id, status="open", opened_by_id=user.id)
        db.session.add(review)
        db.session.flush()
    review.status = "open"
    db.session.add(ReviewMessage(review_id=review.id, author_id=user.id, author_role="worker",
                                 author_name=_author_name(user), body=body))
    _commit()
    return review


@_audited_as_user
def post_message(review_id, *, user, body: str, close: bool = False) -> ReviewMessage:
    """A message in the thread: from the worker (reopens it) or from HR (answers it, or closes it)."""
    review = get_review(review_id, user)
    _check(user, "create", "classification_review_message")
    if review.status == "closed":
        raise DomainError("this review is closed: ask for a new review of the assessment", code="review_closed")
    text = _message_body(body, "body")
    if user.role == "worker":
        if close:
            raise PermissionDenied("HR closes a review")
        review.status = "open"
    else:
        _check(user, "write", "classification_review")
        if user.role not in SIGN_OFF_ROLES:
            raise PermissionDenied("HR answers review requests")
        review.status = "closed" if close else "answered"
        if close:
            review.closed_at = utcnow()
            review.closed_by_id = user.id
    msg = ReviewMessage(review_id=review.id, author_id=user.id, author_role=user.role,
                        author_name=_author_name(user), body=text)
    db.session.add(msg)
    _commit()
    return msg


# ------------------------------------------------------------------ re-checks
def current_signed(engagement_id: int) -> Assessment | None:
    return db.session.execute(sa.select(Assessment).where(
        Assessment.engagement_id == engagement_id, Assessment.status == "signed_off")
        .order_by(Assessment.id.desc()).limit(1)).scalar_one_or_none()


def recheck_facts(eng: Engagement, *, today: date) -> RecheckFacts:
    """What the system knows about a contractor engagement since its signed assessment.

    - approved timesheet hours per week since the assessment date (payroll's Timesheet);
    - this year's contractor income per client from posted paychecks (reversals net out);
    - schedule_set_by from the signed assessment and every assessment run after it."""
    signed = current_signed(eng.id)
    since = signed.as_of_date if signed else eng.start_date
    weekly: list[WeekHours] = []
    income: dict[str, Decimal] = {}
    try:
        from payroll.models import Paycheck, PayrollRun, Timesheet
    except ImportError:  # payroll operations not installed: no hours or income facts
        Timesheet = None
    if Timesheet is not None:
        sheets = db.session.execute(sa.select(Timesheet).where(
            Timesheet.engagement_id == eng.id, Timesheet.status == "approved",
            Timesheet.week_start >= since - timedelta(days=6), Timesheet.week_start <= today)
            .order_by(Timesheet.week_start)).scalars()
        weekly = [WeekHours(t.week_start, t.total_hours) for t in sheets]
        rows = db.session.execute(
            sa.select(Client.name, Paycheck.client_id, Paycheck.gross).join(Client, Client.id == Paycheck.client_id)
            .join(PayrollRun, PayrollRun.id == Paycheck.run_id)
            .where(Paycheck.worker_id == eng.worker_id, Paycheck.worker_type == "contractor",
                   Paycheck.tax_year == today.year, PayrollRun.state.in_(("approved", "paid", "reversed"))))
        for name, client_id, gross in rows:
            key = f"{name} (#{client_id})"
            income[key] = income.get(key, Decimal(0)) + gross
        income = {k: amt for k, amt in income.items() if amt > 0}
    changes: list[ScheduleChange] = []
    runs = db.session.execute(sa.select(Assessment).where(
        Assessment.engagement_id == eng.id, Assessment.result.is_not(None))
        .order_by(Assessment.as_of_date, Assessment.id)).scalars().all()
    later = [a for a in runs if signed is None or a.id > signed.id]
    if later:  # only answers newer than the signed assessment change the picture
        for a in ([signed] if signed else []) + later:
            value = answer_value(a.answers, "behavioral_control.schedule_set_by")
            if value != NOT_STATED:
                changes.append(ScheduleChange(a.as_of_date, value))
    client_key = f"{eng.client.name} (#{eng.client_id})"
    return RecheckFacts(weekly_hours=tuple(weekly), income_by_client=income,
                        engagement_client=client_key if income else None, schedule_changes=tuple(changes))


def raise_rechecks(engagement_id: int, *, today: date, commit: bool = True) -> list[Recheck]:
    """Evaluate the re-check triggers for one contractor engagement; store each new one (once per assessment)."""
    eng = db.session.get(Engagement, engagement_id)
    if eng is None:
        raise NotFound(f"engagement {engagement_id} not found")
    if eng.type != "contractor" or eng.status not in OPEN_ENGAGEMENT_STATUSES:
        return []
    signed = current_signed(eng.id)
    triggers = recheck_triggers(recheck_facts(eng, today=today))
    existing = {rc.code for rc in db.session.execute(sa.select(Recheck).where(
        Recheck.engagement_id == eng.id,
        Recheck.assessment_id.is_(None) if signed is None else Recheck.assessment_id == signed.id)).scalars()}
    new = []
    for t in triggers:
        if t.code in existing:
            continue
        rc = Recheck(engagement_id=eng.id, worker_id=eng.worker_id, client_id=eng.client_id,
                     assessment_id=signed.id if signed else None, code=t.code, explanation=t.explanation,
                     since=t.since, facts=dict(t.facts), status="open")
        db.session.add(rc)
        new.append(rc)
    if commit:
        _commit()
    return new


def run_rechecks(*, today: date) -> int:
    """Evaluate every open contractor engagement; returns how many new re-checks were raised."""
    ids = db.session.execute(sa.select(Engagement.id).where(
        Engagement.type == "contractor", Engagement.status.in_(OPEN_ENGAGEMENT_STATUSES))
        .order_by(Engagement.id)).scalars().all()
    count = 0
    for eid in ids:
        count += len(raise_rechecks(eid, today=today, commit=False))
    _commit()
    return count


@_audited_as_user
def resolve_recheck(recheck_id, *, user, note: str, status: str = "resolved") -> Recheck:
    _check(user, "write", "classification_recheck")
    if user is not None and user.role not in SIGN_OFF_ROLES:
        raise PermissionDenied("HR resolves re-checks")
    rc = _visible(Recheck, recheck_id, user)
    issues: list[Issue] = []
    v.choice("status", status, ("resolved", "dismissed"), issues)
    if not (note or "").strip():
        issues.append(Issue("note", "say what was done about it", "required"))
    raise_if(issues)
    if rc.status != "open":
        raise DomainError(f"re-check {rc.id} is already {rc.status}")
    rc.status, rc.resolution_note = status, note.strip()
    rc.resolved_at, rc.resolved_by_id = utcnow(), getattr(user, "id", None)
    _commit()
    return rc


# ------------------------------------------------------------------ reclassification
def _onboarding_steps(to_type: str, work_state: str) -> list[str]:
    """The onboarding steps a converted engagement needs (no profile, bank or agreement again)."""
    if to_type == "leased_employee":
        wanted = ["w4", "state_certificate", "i9"]
    else:
        wanted = ["w9"]
    try:
        from backoffice.workers.onboarding.steps import plan_steps
    except ImportError:
        return [s for s in wanted if s != "state_certificate"]
    return [s for s in plan_steps(to_type, work_state) if s in wanted]


def _open_onboarding(new: Engagement, steps: list[str]) -> list[dict]:
    """Open the steps as an onboarding case for the new engagement, or record them as pending tasks."""
    try:
        from backoffice.workers.onboarding.models import OnboardingCase, OnboardingStep
    except ImportError:
        return [{"kind": "onboarding_step", "step": s, "status": "pending",
                 "note": "onboarding is not installed: HR collects this form"} for s in steps]
    now = utcnow()
    case = OnboardingCase(worker_id=new.worker_id, engagement_id=new.id, status="in_progress",
                          current_step=steps[0], step_since=now, invited_at=now)
    case.steps = [OnboardingStep(step=s, position=i, status="pending", summary={}) for i, s in enumerate(steps)]
    db.session.add(case)
    db.session.flush()
    return [{"kind": "onboarding_step", "step": s, "status": "opened", "case_id": case.id} for s in steps]


@_audited_as_user
def reclassify(engagement_id, *, user, to_type: str, effective_date, note: str = "",
               assessment_id=None) -> Reclassification:
    """Convert an engagement to the other type from `effective_date`, in one transaction.

    The old engagement ends the day before; a new one of the new type starts on the date with the same
    worker, client, title, state and rates. To leased employee: the W-4 (and state certificate) and I-9
    onboarding steps open. To contractor: a COBRA qualifying event is recorded for the benefits module (and
    the W-9 step opens). A signed-off assessment of this engagement with that determination is required."""
    from backoffice.workers.services import clean_engagement

    _check(user, "create", "classification_reclassification")
    _check(user, "create", "engagement")
    if user is not None and user.role not in SIGN_OFF_ROLES:
        raise PermissionDenied("only HR reclassifies an engagement")
    old = _engagement_for(engagement_id, user)
    issues: list[Issue] = []
    to_type = v.choice("to_type", to_type, ("leased_employee", "contractor"), issues)
    eff = v.a_date("effective_date", effective_date, issues)
    if to_type and to_type == old.type:
        issues.append(Issue("to_type", f"the engagement is already a {old.type.replace('_', ' ')}", "same_type"))
    if eff and eff <= old.start_date:
        issues.append(Issue("effective_date", f"must be after the engagement's start date {old.start_date}",
                            "before_start"))
    if eff and old.end_date and eff > old.end_date:
        issues.append(Issue("effective_date", f"is after the engagement's end date {old.end_date}", "after_end"))
    signed = current_signed(old.id)
    if assessment_id not in (None, ""):
        signed = get_assessment(assessment_id, user)
        if signed.engagement_id != old.id or signed.status != "signed_off":
            issues.append(Issue("assessment_id", "must be this engagement's current signed-off assessment"))
    if to_type and (signed is None or signed.signed_determination != to_type):
        issues.append(Issue("to_type", f"needs a signed-off assessment that found a {to_type.replace('_', ' ')}",
                            "not_signed"))
    raise_if(issues)
    if old.status not in OPEN_ENGAGEMENT_STATUSES:
        raise DomainError(f"engagement {old.id} is {old.status}: only a pending or active one is converted")
    new_data = clean_engagement({
        "worker_id": old.worker_id, "client_id": old.client_id, "type": to_type, "title": old.title,
        "work_state": old.work_state, "pay_rate": old.pay_rate, "pay_unit": old.pay_unit,
        "bill_rate": old.bill_rate, "pay_frequency": old.pay_frequency, "start_date": eff,
        "end_date": old.end_date, "status": "pending" if to_type == "leased_employee" else "active",
        "overtime_exempt": old.overtime_exempt if to_type == "leased_employee" else False})
    try:
        old.end_date = eff - timedelta(days=1)
        old.status = "ended"
        new = Engagement(**new_data)
        new.classification = to_type
        db.session.add(new)
        db.session.flush()
        follow_ups = _open_onboarding(new, _onboarding_steps(to_type, new.work_state))
        if to_type == "contractor":
            from benefits.models import LifeEvent

            event = LifeEvent(worker_id=old.worker_id, engagement_id=old.id, kind="cobra_qualifying_event",
                              event_date=eff, status="open", source="reclassification",
                              notes=(f"Engagement #{old.id} reclassified from leased employee to contractor from "
                                     f"{eff.isoformat()} (new engagement #{new.id}): loss of employee status "
                                     "is a COBRA qualifying event (termination of employment, 29 U.S.C. 1163(2))."))
            db.session.add(event)
            db.session.flush()
            follow_ups.append({"kind": "cobra_event", "life_event_id": event.id, "status": "opened"})
        rec = Reclassification(worker_id=old.worker_id, client_id=old.client_id, from_engagement_id=old.id,
                               to_engagement_id=new.id, from_type=old.type, to_type=to_type, effective_date=eff,
                               assessment_id=signed.id, note=(note or "").strip(), follow_ups=follow_ups,
                               by_id=getattr(user, "id", None))
        db.session.add(rec)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return rec


# ------------------------------------------------------------------ plain-language labels (admin form, portal, PDF)
GROUP_TITLES = {
    "engagement": "The engagement", "behavioral_control": "Who controls how the work is done",
    "financial_control": "Money: pay, tools and expenses", "relationship": "The relationship",
    "independent_business": "The worker's own business", "state_specific": "State rules",
}
QUESTIONS = {
    "engagement.arrangement": "How is the work arranged?",
    "engagement.hiring_entity_type": "What kind of party hires the worker?",
    "engagement.industry": "Industry",
    "engagement.hiring_entity_business": "What is the hiring business's line of business?",
    "engagement.work_performed": "What work does the worker do?",
    "engagement.work_location": "Where is the work done?",
    "engagement.work_in_usual_course_of_hiring_business": "Is the work part of the business's usual line of work?",
    "engagement.integral_to_hiring_business": "Is the work integral to the business?",
    "behavioral_control.schedule_set_by": "Who sets the working schedule?",
    "behavioral_control.methods_controlled_by": "Who decides how the work is done?",
    "behavioral_control.supervision": "How closely is the work supervised?",
    "behavioral_control.training_by_hiring_entity": "Does the business train the worker in its methods?",
    "behavioral_control.may_decline_assignments": "May the worker turn down assignments?",
    "behavioral_control.reporting_required": "Must the worker report regularly to the business?",
    "financial_control.tools_equipment_by": "Who provides the tools and equipment?",
    "financial_control.materials_supplied_by": "Who supplies the materials?",
    "financial_control.worker_investment": "How much has the worker invested in their own business?",
    "financial_control.worker_investment_relative_to_entity": "How does that compare with the business's own?",
    "financial_control.unreimbursed_business_expenses": "Does the worker pay business expenses that are not "
                                                        "reimbursed?",
    "financial_control.pay_basis": "How is the worker paid?",
    "financial_control.pay_rate_set_by": "Who sets the rate of pay?",
    "financial_control.paid_by": "Who pays the worker?",
    "financial_control.profit_or_loss_opportunity": "Can the worker make a profit or a loss?",
    "financial_control.hires_helpers": "Does the worker hire helpers?",
    "financial_control.liable_for_defects_or_losses": "Is the worker liable for defects or losses?",
    "relationship.written_contract": "What written contract is there?",
    "relationship.contract_says_ic": "Does the contract call the worker an independent contractor?",
    "relationship.employee_benefits": "Does the worker get employee benefits?",
    "relationship.insurance_carried_by": "Who carries the insurance for the work?",
    "relationship.duration": "How long is the relationship expected to last?",
    "relationship.exclusivity": "May the worker work for others?",
    "relationship.termination": "How can the relationship be ended?",
    "relationship.liable_if_quits_before_completion": "Is the worker liable if they quit before the job is done?",
    "independent_business.own_business_name_or_entity": "Does the worker have their own business name or entity?",
    "independent_business.licensed_or_registered": "Is the worker's business licensed or registered?",
    "independent_business.advertises_or_markets": "Does the worker advertise their services?",
    "independent_business.other_clients": "Does the worker have other clients?",
    "independent_business.business_location": "Does the worker have their own place of business?",
    "independent_business.customarily_engaged_independent_business_same_nature":
        "Is the worker customarily in an independent business doing this kind of work?",
    "independent_business.skill": "What skill does the work need, and how is it used?",
    "independent_business.previously_employee_of_hiring_entity": "Was the worker an employee of the business "
                                                                  "before?",
    "state_specific.ca_exemption_claimed": "California exemption claimed",
    "state_specific.ca_exemption_conditions_met": "Are the exemption's conditions met?",
    "state_specific.irs_statutory_category": "IRS statutory employee category",
    "state_specific.motor_carrier_faaaa": "Is the hiring business a motor carrier (federal FAAAA)?",
    "state_specific.hiring_entity_is_placement_business": "Is the hiring entity a placement business (Illinois)?",
    "state_specific.lab_2776_criteria": "California business-to-business criteria (Lab. Code 2776)",
    "state_specific.lab_2778_conditions": "California professional-services conditions (Lab. Code 2778)",
    "state_specific.prop22_conditions": "Proposition 22 conditions (Bus. & Prof. Code 7451)",
}
VALUE_LABELS = {
    "hiring_entity": "the business (hiring entity)", "worker": "the worker", "not_stated": "not stated",
    "staffing_firm": "the staffing firm (Tandem)", "end_customer": "the end customer", "yes": "yes", "no": "no",
    "staffing_firm_placement": "placed by a staffing firm with a client", "software_it": "software / IT",
    "ic_agreement": "independent-contractor agreement",
}
DIRECTION_LABELS = {"employee": "points toward employment", "independent_contractor": "points toward "
                    "independent contracting", "neutral": "neutral", "statutory_employee": "statutory employee"}
RESULT_LABELS = {"employee": "employee", "independent_contractor": "independent contractor",
                 "statutory_employee": "statutory employee", "inconclusive": "could not decide",
                 "leased_employee": "leased employee (W-2)", "contractor": "independent contractor (1099)",
                 "needs_review": "needs review"}


def humanize(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{humanize(k)}: {'yes' if f else 'no'}" for k, f in value.items()) or "not stated"
    text = str(value)
    return VALUE_LABELS.get(text) or text.replace("_", " ")


def question(path: str) -> str:
    return QUESTIONS.get(path) or path.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def questionnaire_form() -> list[dict]:
    """The questionnaire as form groups: [{group, title, fields: [{path, name, label, kind, choices|criteria}]}]."""
    out = []
    for group, fields in SCHEMA.items():
        items = []
        for name, allowed in fields.items():
            path = f"{group}.{name}"
            if allowed is None:
                items.append({"path": path, "name": name, "label": question(path), "kind": "text"})
            else:
                items.append({"path": path, "name": name, "label": question(path), "kind": "choice",
                              "choices": [(a, humanize(a)) for a in allowed]})
        if group == "state_specific":
            for name, keys in CRITERIA_MAPS.items():
                path = f"{group}.{name}"
                items.append({"path": path, "name": name, "label": question(path), "kind": "criteria",
                              "criteria": [(k, humanize(k)) for k in keys]})
        out.append({"group": group, "title": GROUP_TITLES[group], "fields": items})
    return out


def answers_from_form(form) -> dict:
    """Form fields named `group.field` (and `group.map.key` = yes/no/blank) to the answers JSON."""
    answers: dict = {}
    for key in form.keys():
        parts = key.split(".")
        if parts[0] not in SCHEMA:
            continue
        value = form.get(key, "")
        if len(parts) == 2:
            answers.setdefault(parts[0], {})[parts[1]] = value
        elif len(parts) == 3 and value in ("yes", "no"):
            answers.setdefault(parts[0], {}).setdefault(parts[1], {})[parts[2]] = value == "yes"
    return answers
