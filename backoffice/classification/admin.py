"""Admin pages for classification: questionnaires, results, sign-off, evidence, review threads, re-checks, import."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from backoffice.admin import ReadOnlyView, deny, domain_errors, staff_only
from backoffice.classification import labels, recheck_hour
from backoffice.classification.engine.questionnaire import answer_value
from backoffice.classification.models import Assessment, Recheck, ReviewRequest
from backoffice.classification.portal import evidence_pack_response, evidence_response
from backoffice.classification.services import common, questionnaire, rechecks, reclassification, reviews
from backoffice.clock import clock
from backoffice.dates import long_date
from backoffice.errors import Issue
from backoffice.extensions import db
from backoffice.security.access import can, scoped
from backoffice.workers import importer
from backoffice.workers.models import Client, Engagement, Worker


def _errors(issues: list[Issue]) -> dict[str, list[str]]:
    """Issues keyed by form field name (`answers.group.field` is shown on the field `group.field`)."""
    out: dict[str, list[str]] = {}
    for issue in issues:
        name = issue.field[len("answers."):] if issue.field.startswith("answers.") else issue.field
        out.setdefault(name, []).append(issue.message)
    return out


def _link(endpoint: str, **kw):
    def fmt(view, context, model, name):
        return Markup('<a href="{}">#{}</a>').format(url_for(endpoint, **{k: getattr(model, v) for k, v in
                                                                           kw.items()}), model.id)
    return fmt


class AssessmentAdmin(ReadOnlyView):
    permission_model = "classification"
    column_list = ("id", "worker", "client", "engagement_id", "work_state", "as_of_date", "determination", "risk",
                   "status", "signed_determination", "signed_off_at")
    column_searchable_list = (Worker.last_name, Worker.email, Client.name)
    column_filters = ("status", "determination", "risk", "work_state", "signed_determination", "as_of_date",
                      "engagement_id", "worker_id")
    column_sortable_list = ("id", "as_of_date", "determination", "risk", "status", "signed_off_at")
    column_default_sort = ("id", True)
    column_labels = {"engagement_id": "Engagement", "worker_id": "Worker", "signed_determination": "Signed as"}
    column_export_list = ("id", "worker_id", "client_id", "engagement_id", "work_state", "as_of_date",
                          "determination", "risk", "employer_party", "status", "signed_determination",
                          "signed_off_at")
    column_formatters = {"id": _link("classification.detail", assessment_id="id"),
                         "worker": lambda v, c, m, n: m.worker.full_name if m.worker else "",
                         "engagement_id": lambda v, c, m, n: str(m.engagement) if m.engagement else "",
                         "determination": lambda v, c, m, n: labels.RESULT_LABELS.get(m.determination, "not run"),
                         "signed_determination": lambda v, c, m, n: labels.RESULT_LABELS.get(
                             m.signed_determination, "not signed")}
    can_view_details = False

    def get_query(self):
        return super().get_query().options(joinedload(Assessment.worker), joinedload(Assessment.client),
                                           joinedload(Assessment.engagement).joinedload(Engagement.worker),
                                           joinedload(Assessment.engagement).joinedload(Engagement.client))


def _review_about(view, context, model, name):
    if model.assessment_id is None:
        return f"{model.engagement} (unclassified: asks HR to classify)" if model.engagement else ""
    return Markup('<a href="{}">Assessment #{}</a>').format(
        url_for("classification.detail", assessment_id=model.assessment_id), model.assessment_id)


class ReviewAdmin(ReadOnlyView):
    permission_model = "classification_review"
    column_list = ("id", "worker", "assessment_id", "status", "created_at", "updated_at", "closed_at")
    column_searchable_list = (Worker.last_name, Worker.email)
    column_filters = ("status", "created_at")
    column_sortable_list = ("id", "status", "created_at", "updated_at")
    column_default_sort = ("updated_at", True)
    column_labels = {"assessment_id": "About", "updated_at": "Last message"}
    column_formatters = {"id": _link("classification.review", review_id="id"),
                         "worker": lambda v, c, m, n: m.worker.full_name if m.worker else "",
                         "assessment_id": _review_about}
    can_view_details = False

    def get_query(self):
        return super().get_query().options(joinedload(ReviewRequest.worker), joinedload(ReviewRequest.engagement))


class RecheckAdmin(ReadOnlyView):
    permission_model = "classification_recheck"
    column_list = ("id", "worker", "engagement_id", "code", "since", "status", "created_at", "resolved_at",
                   "resolution_note")
    column_searchable_list = (Worker.last_name, "explanation")
    column_filters = ("status", "code", "since", "created_at")
    column_sortable_list = ("id", "code", "since", "status", "created_at")
    column_default_sort = ("id", True)
    column_labels = {"engagement_id": "Engagement", "created_at": "Raised", "resolution_note": "What was done"}
    column_formatters = {"worker": lambda v, c, m, n: m.worker.full_name if m.worker else "",
                         "engagement_id": lambda v, c, m, n: str(m.engagement) if m.engagement else "",
                         "code": lambda v, c, m, n: labels.RECHECK_LABELS.get(m.code, m.code),
                         "since": lambda v, c, m, n: long_date(m.since) if m.since else ""}
    column_formatters_export = {"engagement_id": lambda v, c, m, n: str(m.engagement) if m.engagement else ""}

    def get_query(self):
        return super().get_query().options(joinedload(Recheck.worker),
                                           joinedload(Recheck.engagement).joinedload(Engagement.client),
                                           joinedload(Recheck.engagement).joinedload(Engagement.worker))


class ClassificationView(BaseView):
    """Open re-checks (the menu page), and the questionnaire, result, sign-off, evidence and review pages."""

    def is_accessible(self):
        return staff_only() and can(current_user, "classification", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    def _assessment(self, assessment_id) -> Assessment:
        return common.get_assessment(assessment_id, current_user)

    # ---------------------------------------------------------------- re-checks
    @expose("/")
    def index(self):
        stmt = scoped(sa.select(Recheck).where(Recheck.status == "open").order_by(Recheck.id.desc())
                      .options(joinedload(Recheck.worker), joinedload(Recheck.engagement).joinedload(Engagement.client)),
                      current_user, "classification_recheck")
        rows = db.session.execute(stmt.limit(500)).scalars().all() if can(
            current_user, "classification_recheck", "read") else []
        return self.render("admin/classification/rechecks.html", rows=rows, today=clock().today(),
                           runs=rechecks.last_runs(5), long_date=long_date, labels=labels,
                           recheck_hour=recheck_hour(current_app),
                           can_run=can(current_user, "classification_recheck", "create"),
                           can_resolve=can(current_user, "classification_recheck", "write")
                           and can(current_user, "classification_sign_off", "write"))

    @expose("/rechecks/run", methods=("POST",))
    def run_rechecks(self):
        if not can(current_user, "classification_recheck", "create"):
            abort(403)
        count = rechecks.run_rechecks(today=clock().today(), trigger="manual", user=current_user)
        flash(f"{count} new re-check{'s' if count != 1 else ''} raised.", "success")
        return redirect(url_for(".index"))

    @expose("/rechecks/<int:recheck_id>/resolve", methods=("POST",))
    def resolve(self, recheck_id: int):
        with domain_errors("Not saved: ", not_found_404=True):
            rechecks.resolve_recheck(recheck_id, user=current_user, note=request.form.get("note", ""),
                                status=request.form.get("status", "resolved"))
            flash(f"Re-check #{recheck_id} closed.", "success")
        return redirect(url_for(".index"))

    # ---------------------------------------------------------------- questionnaire
    @expose("/new", methods=("GET", "POST"))
    def new(self):
        if not can(current_user, "classification", "create"):
            abort(403)
        refused = domain_errors(form=True)
        values = {"engagement_id": request.values.get("engagement_id", ""),
                  "as_of_date": request.values.get("as_of_date") or clock().today().isoformat()}
        if request.method == "POST":
            with refused:
                row = questionnaire.start_assessment(values["engagement_id"], user=current_user,
                                           as_of_date=values["as_of_date"], today=clock().today())
                flash(f"Assessment #{row.id} started.", "success")
                return redirect(url_for(".edit", assessment_id=row.id))
        q = (request.args.get("q") or "").strip()
        matches = []
        if q:
            stmt = (sa.select(Engagement).join(Worker).join(Client)
                    .where(Engagement.status.in_(common.OPEN_ENGAGEMENT_STATUSES),
                           sa.or_(Worker.last_name.ilike(f"%{q}%"), Worker.email.ilike(f"%{q}%"),
                                  Client.name.ilike(f"%{q}%")))
                    .order_by(Engagement.id).limit(25))
            matches = db.session.execute(scoped(stmt, current_user, "engagement")).scalars().all()
        chosen = None
        if str(values["engagement_id"]).strip().isdigit():
            chosen = db.session.execute(scoped(sa.select(Engagement).where(
                Engagement.id == int(values["engagement_id"])), current_user, "engagement")).scalar_one_or_none()
        return self.render("admin/classification/new.html", values=values, errors=_errors(refused.issues), q=q,
                           matches=matches, chosen=chosen), (422 if refused else 200)

    @expose("/<int:assessment_id>/edit", methods=("GET", "POST"))
    def edit(self, assessment_id: int):
        row = self._assessment(assessment_id)
        if row.status != "draft":
            return redirect(url_for(".detail", assessment_id=row.id))
        if not can(current_user, "classification", "write"):
            abort(403)
        refused = domain_errors(form=True)
        answers = row.answers
        as_of = row.as_of_date.isoformat()
        if request.method == "POST":
            answers = labels.answers_from_form(request.form)
            as_of = request.form.get("as_of_date", as_of)
            with refused:
                questionnaire.save_answers(row.id, answers, user=current_user, as_of_date=as_of)
                if request.form.get("action") == "run":
                    questionnaire.run_assessment(row.id, user=current_user)
                flash("Answers saved." + (" The tests were run." if request.form.get("action") == "run" else ""),
                      "success")
                target = ".detail" if request.form.get("action") == "run" else ".edit"
                return redirect(url_for(target, assessment_id=row.id))
        deciding = questionnaire.deciding_questions_for(row) if not refused else None
        deciding_fields = list(deciding["fields"]) if deciding else []
        return self.render("admin/classification/edit.html", a=row, form_spec=labels.questionnaire_form(),
                           answers=answers, as_of=as_of, errors=_errors(refused.issues), value_of=answer_value,
                           labels=labels, deciding=deciding, deciding_fields=deciding_fields,
                           only_deciding=bool(deciding_fields) and request.args.get("deciding") == "1"), \
            (422 if refused else 200)

    @expose("/<int:assessment_id>")
    def detail(self, assessment_id: int):
        row = self._assessment(assessment_id)
        review_rows = db.session.execute(scoped(sa.select(ReviewRequest).where(
            ReviewRequest.assessment_id == row.id).order_by(ReviewRequest.id), current_user,
            "classification_review")).scalars().all() if can(current_user, "classification_review", "read") else []
        recheck_rows = db.session.execute(scoped(sa.select(Recheck).where(
            Recheck.engagement_id == row.engagement_id).order_by(Recheck.id.desc()), current_user,
            "classification_recheck")).scalars().all() if can(current_user, "classification_recheck", "read") else []
        signer = can(current_user, "classification_sign_off", "write") and can(current_user, "classification", "write")
        eng = row.engagement
        reclassify_to = None
        if (row.status == "signed_off" and row.signed_determination in ("leased_employee", "contractor")
                and row.signed_determination != eng.type and eng.status in common.OPEN_ENGAGEMENT_STATUSES):
            reclassify_to = row.signed_determination
        return self.render("admin/classification/detail.html", a=row, eng=eng, reviews=review_rows, rechecks=recheck_rows,
                           history=common.history(row.engagement_id),
                           reclassifications=common.reclassifications_for(row.engagement_id),
                           form_spec=labels.questionnaire_form(), value_of=answer_value, labels=labels,
                           can_sign=signer and row.status == "draft" and row.result is not None,
                           can_edit=row.status == "draft" and can(current_user, "classification", "write"),
                           reclassify_to=reclassify_to if signer else None, today=clock().today())

    @expose("/<int:assessment_id>/run", methods=("POST",))
    def run(self, assessment_id: int):
        with domain_errors(not_found_404=True):
            questionnaire.run_assessment(assessment_id, user=current_user)
        return redirect(url_for(".detail", assessment_id=assessment_id))

    @expose("/<int:assessment_id>/sign-off", methods=("POST",))
    def sign_off(self, assessment_id: int):
        with domain_errors("Not signed: ", not_found_404=True):
            questionnaire.sign_off(assessment_id, user=current_user, note=request.form.get("note", ""),
                         determination=request.form.get("determination") or None)
            flash(f"Assessment #{assessment_id} signed off.", "success")
        return redirect(url_for(".detail", assessment_id=assessment_id))

    @expose("/<int:assessment_id>/evidence", methods=("POST",))
    def upload_evidence(self, assessment_id: int):
        upload = request.files.get("file")
        with domain_errors("Not attached: ", not_found_404=True):
            questionnaire.add_evidence(assessment_id, user=current_user, filename=upload.filename if upload else "",
                             content=upload.read() if upload else b"",
                             content_type=upload.mimetype if upload else "",
                             description=request.form.get("description", ""),
                             answer_path=request.form.get("answer_path", ""))
            flash("Evidence attached.", "success")
        return redirect(url_for(".edit", assessment_id=assessment_id))

    @expose("/<int:assessment_id>/evidence/<int:evidence_id>")
    def evidence(self, assessment_id: int, evidence_id: int):
        return evidence_response(common.get_evidence(assessment_id, evidence_id, current_user))

    @expose("/<int:assessment_id>/evidence-pack.pdf")
    def evidence_pack(self, assessment_id: int):
        return evidence_pack_response(self._assessment(assessment_id), current_user)

    @expose("/engagements/<int:engagement_id>/reclassify", methods=("POST",))
    def reclassify(self, engagement_id: int):
        back = request.form.get("assessment_id", "")
        with domain_errors("Not converted: ", not_found_404=True):
            rec = reclassification.reclassify(engagement_id, user=current_user, to_type=request.form.get("to_type", ""),
                                 effective_date=request.form.get("effective_date", ""),
                                 note=request.form.get("note", ""), assessment_id=back or None)
            opened = ", ".join(f.get("step", f["kind"]).replace("_", " ") for f in rec.follow_ups)
            flash(f"Engagement #{rec.from_engagement_id} ends on {rec.from_engagement.end_date.isoformat()}; new "
                  f"{rec.to_type.replace('_', ' ')} engagement #{rec.to_engagement_id} from "
                  f"{rec.effective_date.isoformat()}. Opened: {opened}.", "success")
        if back:
            return redirect(url_for(".detail", assessment_id=back))
        return redirect(url_for("engagements.index_view"))

    # ---------------------------------------------------------------- review threads
    @expose("/reviews/<int:review_id>", methods=("GET", "POST"))
    def review(self, review_id: int):
        review = common.get_review(review_id, current_user)
        refused = domain_errors(form=True)
        if request.method == "POST":
            with refused:
                reviews.post_message(review.id, user=current_user, body=request.form.get("body", ""),
                                 close=request.form.get("close") == "1")
                flash("Reply sent." if request.form.get("close") != "1" else "Reply sent; the review is closed.",
                      "success")
                return redirect(url_for(".review", review_id=review.id))
        return self.render("admin/classification/review.html", review=review, a=review.assessment, labels=labels,
                           error=refused.message if refused.issues else None,
                           can_reply=can(current_user, "classification_sign_off", "write")
                           and review.status != "closed"), \
            (422 if refused else 200)


class WorkerImportView(BaseView):
    """Bulk import of workers and engagements from CSV or XLSX: all rows or none; every bad row named."""

    def is_accessible(self):
        return staff_only() and can(current_user, "worker", "create") and can(current_user, "engagement", "create")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    @expose("/", methods=("GET", "POST"))
    def index(self):
        report = None
        error = None
        refused = domain_errors()       # bad rows are in the report; a refusal (a file it cannot read) is flashed
        dry_run = request.form.get("dry_run") == "1" if request.method == "POST" else True
        if request.method == "POST":
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                error = "Choose a CSV or XLSX file."
            else:
                with refused:
                    report = importer.import_file(upload.read(), upload.filename, dry_run=dry_run,
                                                  user=current_user)
        return self.render("admin/classification/import.html", report=report, error=error, dry_run=dry_run,
                           columns=importer.COLUMNS), (422 if (error or refused or (report and report.issues)) else 200)


def _unclassified_list_url() -> str | None:
    """The engagements list filtered on "classification is empty" (None if this user cannot open it)."""
    from flask_admin.contrib.sqla import filters

    admin = current_app.extensions.get("tandem_admin")
    view = next((v for v in getattr(admin, "_views", ()) if getattr(v, "endpoint", None) == "engagements"), None)
    if view is None or not view.is_accessible():
        return None
    for i, flt in enumerate(getattr(view, "_filters", None) or ()):
        if getattr(getattr(flt, "column", None), "key", None) == "classification" and isinstance(
                flt, filters.FilterEmpty):
            return url_for("engagements.index_view", **{f"flt0_{i}": "1"})
    return None


def dashboard_cards() -> list[dict]:
    """Open engagements no signed assessment classifies; open re-checks and review requests waiting for HR."""
    cards = []
    if staff_only() and can(current_user, "classification", "create") and can(current_user, "engagement", "read"):
        stmt = scoped(sa.select(sa.func.count(Engagement.id)).where(
            Engagement.classification.is_(None), Engagement.status.in_(common.OPEN_ENGAGEMENT_STATUSES)),
            current_user, "engagement")
        cards.append({"label": "Engagements not classified", "value": db.session.execute(stmt).scalar(),
                      "url": _unclassified_list_url() or url_for("classification.new")})
    if staff_only() and can(current_user, "classification_recheck", "read"):
        stmt = scoped(sa.select(sa.func.count(Recheck.id)).where(Recheck.status == "open"), current_user,
                      "classification_recheck")
        cards.append({"label": "Open classification re-checks", "value": db.session.execute(stmt).scalar(),
                      "url": url_for("classification.index")})
    if staff_only() and can(current_user, "classification_review", "read"):
        stmt = scoped(sa.select(sa.func.count(ReviewRequest.id)).where(ReviewRequest.status == "open"),
                      current_user, "classification_review")
        cards.append({"label": "Classification reviews awaiting HR", "value": db.session.execute(stmt).scalar(),
                      "url": url_for("classification_reviews.index_view")})
    return cards


def register(admin) -> None:
    admin.dashboard_hooks.append(dashboard_cards)
    admin.add_view(AssessmentAdmin(Assessment, name="Assessments", category="Classification",
                                   endpoint="classification_assessments"))
    admin.add_view(ClassificationView(name="Open re-checks", category="Classification", endpoint="classification",
                                      url="/admin/classification"))
    admin.add_view(ReviewAdmin(ReviewRequest, name="Review requests", category="Classification",
                               endpoint="classification_reviews"))
    admin.add_view(RecheckAdmin(Recheck, name="All re-checks", category="Classification",
                                endpoint="classification_rechecks"))
    admin.add_view(WorkerImportView(name="Import workers", category="People", endpoint="worker_import",
                                    url="/admin/import-workers"))
