"""The worker's view of their classification (/portal/classification): every test and factor, reviews, the PDF."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from backoffice.db import utcnow
from backoffice.errors import NotFound
from backoffice.extensions import db
from backoffice.portal import add_task_hook, form_errors
from backoffice.portal.access import worker_required
from backoffice.security.access import can, scoped
from backoffice.classification.services import common, reviews
from backoffice.classification import labels
from backoffice.classification.engine.questionnaire import NOT_STATED, allowed_values
from backoffice.classification.models import Assessment, Recheck, ReviewRequest
from backoffice.workers.models import Engagement

bp = Blueprint("classification_portal", __name__, url_prefix="/portal/classification")


def init_app(app) -> None:
    """Register the worker-facing classification pages (called by create_app after the portal)."""
    app.register_blueprint(bp)
    add_task_hook(app, review_tasks, probe=review_tasks_probe)


def review_tasks_probe(worker):
    """review_tasks may have a task: an answered review request of this worker's (through the same scope)."""
    return scoped(sa.select(ReviewRequest.id).where(ReviewRequest.status == "answered",
                                                    ReviewRequest.worker_id == worker.id),
                  current_user, "classification_review").exists()


def review_tasks(worker) -> list[dict]:
    """Home-page tasks: each review request HR has answered and the worker has not read since."""
    stmt = scoped(sa.select(ReviewRequest).where(ReviewRequest.status == "answered").order_by(ReviewRequest.id),
                  current_user, "classification_review")
    return [{"label": f"HR answered your classification review #{r.id}",
             "url": url_for("classification_portal.review", review_id=r.id)}
            for r in db.session.execute(stmt).scalars() if r.worker_id == worker.id]


@bp.errorhandler(NotFound)
def _not_found(exc):
    db.session.rollback()
    return render_template("portal/classification/not_found.html", **_ctx()), 404


def _ctx(**kw) -> dict:
    return {"labels": labels, "active_nav": "engagements", **kw}


def _my_engagement(engagement_id) -> Engagement:
    stmt = scoped(sa.select(Engagement).where(Engagement.id == engagement_id), current_user, "engagement")
    eng = db.session.execute(stmt).scalar_one_or_none() if can(current_user, "engagement", "read") else None
    if eng is None:
        raise NotFound(f"engagement {engagement_id} not found")
    return eng


def _visible_history(engagement_id: int) -> list[Assessment]:
    """The engagement's assessments (and those of engagements it was converted from/to) the worker may see."""
    return [a for a in common.history(engagement_id) if a.status != "draft" and a.worker_id == current_user.worker_id]


# ------------------------------------------------------------------ pages
@bp.get("/")
@worker_required
def index():
    stmt = scoped(sa.select(Engagement), current_user, "engagement").order_by(Engagement.start_date.desc(),
                                                                               Engagement.id)
    rows = []
    for eng in db.session.execute(stmt).scalars():
        rows.append((eng, common.basis(eng.id)))
    return render_template("portal/classification/index.html", **_ctx(rows=rows))


@bp.get("/<int:engagement_id>")
@worker_required
def engagement(engagement_id: int):
    eng = _my_engagement(engagement_id)
    current = common.basis(eng.id)
    if current is not None:
        return redirect(url_for(".assessment", assessment_id=current.id))
    return _engagement_page(eng)


def _engagement_page(eng, comment: str = "", errors: dict | None = None) -> str:
    """An unclassified engagement: what that means, earlier assessments, and a form to ask HR."""
    asked = db.session.execute(scoped(sa.select(ReviewRequest).where(
        ReviewRequest.engagement_id == eng.id, ReviewRequest.assessment_id.is_(None)).order_by(ReviewRequest.id),
        current_user, "classification_review")).scalars().all()
    return render_template("portal/classification/engagement.html",
                           **_ctx(eng=eng, history=_visible_history(eng.id), reviews=asked, comment=comment,
                                  errors=errors or {}))


@bp.post("/<int:engagement_id>/ask")
@worker_required
def ask_hr(engagement_id: int):
    eng = _my_engagement(engagement_id)
    comment = request.form.get("comment", "")
    with form_errors() as refused:
        review = reviews.request_classification(eng.id, user=current_user, comment=comment)
        flash("Your request was sent to HR. You will find their answer here.")
        return redirect(url_for(".review", review_id=review.id))
    return _engagement_page(eng, comment, refused.errors), 422


def _assessment_page(assessment_id, comment: str = "", errors: dict | None = None) -> str:
    a = common.get_assessment(assessment_id, current_user)
    review_rows = db.session.execute(scoped(sa.select(ReviewRequest).where(ReviewRequest.assessment_id == a.id)
                                        .order_by(ReviewRequest.id), current_user, "classification_review"))\
        .scalars().all()
    return render_template("portal/classification/assessment.html",
                           **_ctx(a=a, eng=a.engagement, reviews=review_rows, history=_visible_history(a.engagement_id),
                                  form_spec=labels.questionnaire_form(), comment=comment, errors=errors or {}))


@bp.get("/assessments/<int:assessment_id>")
@worker_required
def assessment(assessment_id: int):
    return _assessment_page(assessment_id)


def _deciding_answers(assessment_id: int) -> str:
    """The worker's answers to the questions that would decide a needs-review result, as lines for HR (only the
    questions the result names, only allowed values; "I don't know" is left out)."""
    a = common.get_assessment(assessment_id, current_user)
    fields = ((a.result or {}).get("deciding_questions") or {}).get("fields") or []
    lines = []
    for path in fields:
        value = request.form.get(f"deciding.{path}", "")
        if value and value != NOT_STATED and value in (allowed_values(path) or ()):
            lines.append(f"{labels.question(path)} {labels.humanize(value)}")
    return ("The worker answers the questions that would decide this:\n" + "\n".join(lines)) if lines else ""


@bp.post("/assessments/<int:assessment_id>/review")
@worker_required
def request_review(assessment_id: int):
    comment = request.form.get("comment", "")
    offered = _deciding_answers(assessment_id)
    if offered:
        comment = f"{comment.strip()}\n\n{offered}".strip()
    with form_errors() as refused:
        review = reviews.request_review(assessment_id, user=current_user, comment=comment)
        flash("Your request was sent to HR. You will find their answer here.")
        return redirect(url_for(".review", review_id=review.id))
    return _assessment_page(assessment_id, comment, refused.errors), 422


@bp.route("/reviews/<int:review_id>", methods=("GET", "POST"))
@worker_required
def review(review_id: int):
    review = common.get_review(review_id, current_user)
    refused = form_errors(refusals=True)
    if request.method == "POST":
        with refused:
            reviews.post_message(review.id, user=current_user, body=request.form.get("body", ""))
            flash("Message sent.")
            return redirect(url_for(".review", review_id=review.id))
    return render_template("portal/classification/review.html", **_ctx(review=review, a=review.assessment,
                                                                         error=refused.message or None)), \
        (422 if refused else 200)


@bp.get("/assessments/<int:assessment_id>/evidence/<int:evidence_id>")
@worker_required
def evidence(assessment_id: int, evidence_id: int):
    att = common.get_evidence(assessment_id, evidence_id, current_user)
    return evidence_response(att)


@bp.get("/assessments/<int:assessment_id>/evidence-pack.pdf")
@worker_required
def evidence_pack(assessment_id: int):
    return evidence_pack_response(common.get_assessment(assessment_id, current_user), current_user)


# ------------------------------------------------------------------ evidence pack (shared with the admin)
def evidence_pack_context(a: Assessment, user) -> dict:
    """Everything an auditor needs about one assessment: answers, evidence, findings, sign-off, history."""
    history = [h for h in common.history(a.engagement_id)
               if h.status != "draft" or (user.role != "worker" and h.id == a.id)]
    review_rows: list = []
    if can(user, "classification_review", "read"):
        ids = [h.id for h in history]
        review_rows = db.session.execute(scoped(sa.select(ReviewRequest).where(ReviewRequest.assessment_id.in_(ids))
                                            .order_by(ReviewRequest.id), user, "classification_review")).scalars().all()
    recheck_rows: list = []
    if can(user, "classification_recheck", "read"):
        recheck_rows = db.session.execute(scoped(sa.select(Recheck).where(Recheck.engagement_id == a.engagement_id)
                                             .order_by(Recheck.id), user, "classification_recheck")).scalars().all()
    return {"a": a, "eng": a.engagement, "worker": a.worker, "client": a.client, "form_spec": labels.questionnaire_form(),
            "history": history, "reviews": review_rows, "rechecks": recheck_rows, "labels": labels,
            "reclassifications": common.reclassifications_for(a.engagement_id), "generated_at": utcnow(),
            "generated_by": user.email}


def render_evidence_pack(a: Assessment, user) -> bytes:
    from reports.pdf import render_html_to_pdf

    html = render_template("pdf/evidence_pack.html", **evidence_pack_context(a, user))
    return render_html_to_pdf(html)


def evidence_response(att) -> Response:
    """An evidence file as a download (never rendered inline: it is whatever the uploader sent)."""
    return Response(att.content, mimetype=att.content_type, headers={
        "Content-Disposition": f'attachment; filename="{att.filename}"', "X-Content-SHA256": att.sha256,
        "X-Content-Type-Options": "nosniff"})


def evidence_pack_response(a: Assessment, user) -> Response:
    pdf = render_evidence_pack(a, user)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="classification-evidence-{a.id}.pdf"'})
