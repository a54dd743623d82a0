"""HR's onboarding board (who is on which step, since when, I-9 deadlines), the invite form and case pages."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from backoffice.admin import deny, domain_errors, staff_only
from backoffice.clock import clock
from backoffice.extensions import db
from backoffice.geo import STATES
from backoffice.security.access import allowed_actions, can, scoped
from backoffice.workers.models import ENGAGEMENT_TYPES, PAY_FREQUENCIES, PAY_UNITS, Client
from backoffice.onboarding.services import cases, invitations, wizard
from backoffice.onboarding.models import (CASE_STATUSES, OPEN_STATUSES, I9Record, Invitation, OnboardingCase,
                                                  SignedDocument)
from backoffice.onboarding.board import (DEFAULT_STUCK_DAYS, PAGE_SIZE, board_rows, days_on_step,
                                         stuck_since)
from backoffice.onboarding.steps import STEP_LABELS, no_certificate_reason, state_form
from backoffice.workers.profile_services import current_tax_profile

# The right each case action needs (the case page shows a button only for those).
CASE_RIGHTS = {"resend": ("invitation", "create")}


class OnboardingBoard(BaseView):
    """Onboarding: the board, inviting a worker, a case's details, resending the link, I-9 section 2."""

    def is_accessible(self):
        return staff_only() and can(current_user, "onboarding", "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    @expose("/")
    def index(self):
        args = request.args
        try:
            stuck_days = max(0, int(args.get("stuck_days") or DEFAULT_STUCK_DAYS))
            page = max(0, int(args.get("page") or 0))
        except ValueError:
            stuck_days, page = DEFAULT_STUCK_DAYS, 0
        client_id = args.get("client_id") or ""
        if client_id and not client_id.isdigit():
            client_id = ""
        filters = {"q": args.get("q", ""), "status": args.get("status", "") if args.get("status") in CASE_STATUSES
                   else "", "step": args.get("step", "") if args.get("step") in STEP_LABELS else "",
                   "type_": args.get("type", "") if args.get("type") in ENGAGEMENT_TYPES else "",
                   "client_id": client_id, "stuck_only": args.get("stuck") == "1", "stuck_days": stuck_days,
                   "sort": args.get("sort", "since")}
        rows, total = board_rows(now=clock().now(), today=clock().today(), page=page, user=current_user,
                                 **filters)
        clients = db.session.execute(sa.select(Client.id, Client.name).order_by(Client.name)).all()
        return self.render("admin/onboarding/board.html", rows=rows, total=total, page=page, page_size=PAGE_SIZE,
                           filters=filters, args=args, clients=clients, statuses=CASE_STATUSES, steps=STEP_LABELS,
                           types=ENGAGEMENT_TYPES, can_invite=can(current_user, "invitation", "create"))

    @expose("/invite", methods=("GET", "POST"))
    def invite(self):
        if not can(current_user, "invitation", "create"):
            abort(403)
        refused = domain_errors(form=True)
        values = {"type": "contractor", "pay_unit": "hour", "pay_frequency": "biweekly",
                  "start_date": (clock().today() + timedelta(days=7)).isoformat()}
        if request.method == "POST":
            values = {k: (request.form.get(k) or "").strip() for k in cases.INVITE_FIELDS}
            data = {k: val for k, val in values.items() if val != ""}
            with refused:
                result = invitations.invite_worker(data, now=clock().now(), config=current_app.config,
                                           invited_by_id=current_user.id)
                if result.sent:
                    flash(f"Invitation sent to {result.invitation.email}.", "success")
                elif not current_app.config.get("SMTP_HOST") and result.link:
                    # Embedded default (no mail server): HR hands the single-use link over in person.
                    flash(f"No mail server is configured (BACKOFFICE_SMTP_HOST), so nothing was emailed. Give "
                          f"{result.invitation.email} this single-use link: {result.link}", "warning")
                else:
                    flash(f"The worker and engagement are saved, but the email was not sent: {result.error} "
                          f"Use 'Resend invitation' on the case.", "error")
                return redirect(self.get_url(".case", case_id=result.case.id))
        clients = db.session.execute(sa.select(Client.id, Client.name).where(Client.active.is_(True))
                                     .order_by(Client.name)).all()
        return self.render("admin/onboarding/invite.html", values=values, errors=refused.errors, clients=clients,
                           states=STATES, types=ENGAGEMENT_TYPES, units=PAY_UNITS, frequencies=PAY_FREQUENCIES)

    def _case(self, case_id: int) -> OnboardingCase:
        stmt = scoped(sa.select(OnboardingCase).where(OnboardingCase.id == case_id), current_user, "onboarding")
        case = db.session.execute(stmt).scalar_one_or_none()
        if case is None:
            abort(404)
        return case

    @expose("/case/<int:case_id>")
    def case(self, case_id: int, i9_errors: dict | None = None, i9_values: dict | None = None,
             cert_errors: dict | None = None, cert_values: dict | None = None):
        case = self._case(case_id)
        sent = list(db.session.execute(sa.select(Invitation).where(
            Invitation.engagement_id == case.engagement_id).order_by(Invitation.id.desc())).scalars())
        docs = list(db.session.execute(sa.select(SignedDocument).where(
            SignedDocument.engagement_id == case.engagement_id).order_by(SignedDocument.id)).scalars())
        i9 = db.session.execute(sa.select(I9Record).where(I9Record.engagement_id == case.engagement_id))\
            .scalar_one_or_none()
        return self.render("admin/onboarding/case.html", case=case, labels=STEP_LABELS, invitations=sent,
                           documents=docs, i9=i9, i9_errors=i9_errors or {}, i9_values=i9_values or {},
                           now=clock().now(), days=days_on_step(case.step_since, clock().today()),
                           actions=allowed_actions(case, current_user, CASE_RIGHTS),
                           can_i9=can(current_user, "document", "write"),
                           certificates=_certificates(case), cert_form=state_form(case.engagement.work_state),
                           no_cert_reason=no_certificate_reason(case.engagement.work_state),
                           cert_errors=cert_errors or {}, cert_values=cert_values or {},
                           can_correct=can(current_user, "worker", "write")), \
            (422 if (i9_errors or cert_errors) else 200)

    @expose("/case/<int:case_id>/state-certificate", methods=("POST",))
    def state_certificate(self, case_id: int):
        """HR corrects the worker's work-state certificate (a paper form received, or a mistake): a new tax-profile
        row effective today with a PDF copy; the audit log names HR."""
        if not can(current_user, "worker", "write"):
            abort(403)
        case = self._case(case_id)
        values = request.form.to_dict()
        with domain_errors(form=True) as refused:
            wizard.save_state_certificate_update(case.worker_id, case.engagement.work_state, values,
                                                 today=clock().today(), ip=request.remote_addr or "",
                                                 user_agent=request.user_agent.string or "")
            flash(f"{case.engagement.work_state} certificate corrected: it applies to paychecks paid from today.",
                  "success")
        if refused.issues:
            return self.case(case.id, cert_errors=refused.errors, cert_values=values)
        return redirect(self.get_url(".case", case_id=case.id))

    @expose("/case/<int:case_id>/resend", methods=("POST",))
    def resend(self, case_id: int):
        if not can(current_user, "invitation", "create"):
            abort(403)
        case = self._case(case_id)
        with domain_errors():
            result = invitations.resend_invitation(case.id, now=clock().now(), config=current_app.config,
                                           invited_by_id=current_user.id)
            flash(f"A new invitation was sent to {result.invitation.email}." if result.sent else
                  f"A new link was made but the email was not sent: {result.error}", "success" if result.sent
                  else "error")
        return redirect(self.get_url(".case", case_id=case.id))

    @expose("/case/<int:case_id>/i9", methods=("POST",))
    def i9_section2(self, case_id: int):
        if not can(current_user, "document", "write"):
            abort(403)
        case = self._case(case_id)
        i9 = db.session.execute(sa.select(I9Record).where(I9Record.engagement_id == case.engagement_id))\
            .scalar_one_or_none()
        if i9 is None:
            flash("The worker has not signed section 1 yet.", "error")
            return redirect(self.get_url(".case", case_id=case.id))
        values = request.form.to_dict()
        with domain_errors(form=True) as refused:
            wizard.complete_i9_section2(i9.id, values, by_user_id=current_user.id)
            flash("I-9 section 2 recorded.", "success")
        if refused.issues:
            return self.case(case.id, i9_errors=refused.errors, i9_values=values)
        return redirect(self.get_url(".case", case_id=case.id))

    @expose("/document/<int:document_id>.pdf")
    def document(self, document_id: int):
        if not can(current_user, "document", "read"):
            abort(403)
        stmt = scoped(sa.select(SignedDocument).where(SignedDocument.id == document_id), current_user, "document")
        doc = db.session.execute(stmt).scalar_one_or_none()
        if doc is None:
            abort(404)
        return Response(doc.pdf, mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{doc.filename}"',
                                 "X-Content-SHA256": doc.sha256})


def _certificates(case: OnboardingCase) -> list[dict]:
    """The worker's state certificates in effect today, each line labelled as on its form."""
    profile = current_tax_profile(case.worker_id, clock().today())
    out = []
    for code, cert in sorted(((profile.state_certificate or {}) if profile else {}).items()):
        form = state_form(code)
        labels = {f["name"]: f for f in form.fields} if form else {}
        lines = []
        for name, value in cert.items():
            f = labels.get(name, {})
            if f.get("type") == "choice":
                value = dict(map(tuple, f["choices"])).get(value, value)
            lines.append((f.get("label", name), value))
        out.append({"state": code, "form": form.form if form else "", "effective_date": profile.effective_date,
                    "signed_name": profile.signed_name, "lines": lines})
    return out


def dashboard_cards() -> list[dict]:
    if not (staff_only() and can(current_user, "onboarding", "read")):
        return []
    today = clock().today()
    open_ = OnboardingCase.status.in_(OPEN_STATUSES)
    count = db.session.execute(sa.select(sa.func.count(OnboardingCase.id)).where(open_)).scalar()
    stuck = db.session.execute(sa.select(sa.func.count(OnboardingCase.id)).where(
        open_, OnboardingCase.step_since < stuck_since(today, DEFAULT_STUCK_DAYS))).scalar()
    overdue = db.session.execute(sa.select(sa.func.count(I9Record.id)).where(
        I9Record.section2_at.is_(None), I9Record.section2_due < today)).scalar()
    has_section1 = sa.select(I9Record.id).where(I9Record.engagement_id == OnboardingCase.engagement_id).exists()
    overdue += db.session.execute(sa.select(sa.func.count(OnboardingCase.id)).where(
        open_, OnboardingCase.i9_due_date < today, ~has_section1)).scalar()
    board = url_for("onboarding.index")
    return [{"label": "Onboarding in progress", "value": count, "url": board},
            {"label": f"Onboarding stuck > {DEFAULT_STUCK_DAYS} days", "value": stuck, "url": board},
            {"label": "I-9 section 2 overdue", "value": overdue, "url": board}]


def register(admin) -> None:
    admin.add_view(OnboardingBoard(name="Onboarding", endpoint="onboarding", url="/admin/onboarding",
                                   category="People"))
    admin.dashboard_hooks.append(dashboard_cards)
