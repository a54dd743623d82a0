"""Benefits pages of the worker portal (attached to backoffice.portal.bp): plans side by side, the enrollment
wizard, current elections and balances, life-event requests and the confirmation PDF."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from backoffice.clock import clock
from backoffice.errors import DomainError, NotFound
from backoffice.extensions import db
from backoffice.money import D, fmt_pct, fmt_usd
from backoffice.pdf import render_pdf
from backoffice.portal import bp, form_errors
from backoffice.portal.access import own_or_404, own_rows, worker_required
from backoffice.security.access import can
from benefits import balances, services, whatif, wizard
from benefits.models import TIER_LABELS, Dependent, Enrollment
from payroll.models import Paycheck, released_runs

DRAFT_KEY = "benefits_draft"
KIND_LABELS = {"medical": "Medical", "dental": "Dental", "vision": "Vision", "401k": "401(k)", "hsa": "HSA",
               "fsa": "Health FSA", "dcfsa": "Dependent care FSA", "commuter": "Commuter (transit and parking)",
               "529": "529 education savings"}
LIFE_EVENT_CHOICES = (("marriage", "Marriage"), ("birth", "Birth"), ("adoption", "Adoption"),
                      ("loss_of_coverage", "Loss of other coverage"), ("move", "Move"), ("divorce", "Divorce"),
                      ("death", "Death of a dependent"))
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def register() -> None:
    """The pages attach to the portal blueprint when this module is imported; the home card through the hook."""


@bp.record_once
def _home_card(state) -> None:
    from backoffice.portal import add_home_hook

    add_home_hook(state.app, home_card, figures=home_card_figures)


def home_card_figures(worker) -> dict:
    return {"elections": services.elections_in_force(worker.id, clock().today())}


def home_card(worker, engagements, figures) -> dict:
    """The portal home's benefits card: how many elections are in force (read with the home's figures)."""
    return {"benefits_card": {"elections": int(figures["elections"]), "url": url_for("portal.benefits")}}


# ------------------------------------------------------------------------------------------------ helpers
def describe_election(item: dict) -> str:
    """An election in words for the lists and the PDF: "Family", "6% traditional, 2% Roth", "$1,200.00 a year"."""
    if item.get("waived"):
        return "Waived" + (f" ({item['waive_reason']})" if item.get("waive_reason") else "")
    parts = []
    if item.get("coverage_tier"):
        parts.append(TIER_LABELS.get(item["coverage_tier"], item["coverage_tier"]))
    for key, label in (("deferral_percent", "traditional"), ("roth_percent", "Roth")):
        if item.get(key) not in (None, "") and D(item[key]):
            parts.append(f"{fmt_pct(D(item[key]))} {label}")
    if item.get("annual_amount") not in (None, ""):
        parts.append(f"{fmt_usd(D(item['annual_amount']))} a year")
    return ", ".join(parts)


def _worker_id() -> int:
    return int(current_user.worker_id)


def _offers(today: date):
    """The offers grouped as a worker compares them: health plans first, then the 401(k), then the accounts."""
    order = list(KIND_LABELS)
    return sorted(services.plan_offers(_worker_id(), today),
                  key=lambda o: (order.index(o.plan.kind) if o.plan.kind in order else len(order), o.plan.name))


def _event_and_date(offers, today: date) -> tuple[str, date]:
    """Open enrollment when a window is open (effective on its plan year's start), else the new-hire window
    (effective today; the service refuses it when the window has closed or the waiting period has not passed)."""
    for o in offers:
        if o.window is not None:
            return "open_enrollment", o.window.plan_year_start
    aca = services.aca_window_open(_worker_id(), today)      # found full time: the stability period's window
    if aca is not None:
        return "aca_full_time", services.aca_effective(aca, today)
    return "new_hire", today


def _last_paycheck() -> Paycheck | None:
    stmt = (sa.select(Paycheck).where(Paycheck.worker_id == _worker_id(), Paycheck.kind == "regular",
                                      Paycheck.worker_type == "employee", Paycheck.run_id.in_(released_runs()))
            .order_by(Paycheck.pay_date.desc(), Paycheck.id.desc()).limit(1))
    return db.session.execute(stmt).scalar_one_or_none()


def _whatif_rows(chosen: str | None, roth: bool = False):
    """The take-home table from the last paycheck's stored engine input; ([], why) when there is none."""
    paycheck = _last_paycheck()
    engine_input = (paycheck.inputs or {}).get("engine") if paycheck is not None else None
    if not engine_input:
        return [], None, "Shown after your first paycheck as an employee."
    percents = set(whatif.PERCENTS)
    try:
        if chosen not in (None, ""):
            p = D(chosen)
            if 0 <= p <= 100:
                percents.add(p)
        return whatif.take_home_table(engine_input, sorted(percents), roth=roth), paycheck, None
    except (DomainError, ValueError) as exc:
        return [], paycheck, getattr(exc, "message", str(exc))


def own_dependent(dependent_id) -> Dependent:
    """One of the signed-in worker's dependents (row scope `benefit_dependent`); another's, or none, is a 404."""
    return own_or_404(Dependent, "benefit_dependent", dependent_id)


def own_enrollment(enrollment_id) -> Enrollment:
    return own_or_404(Enrollment, "benefit_enrollment", enrollment_id)


def _require(permission_model: str, action: str) -> None:
    """A right from the permission table (backoffice/security/permissions.csv), else 403."""
    if not can(current_user, permission_model, action):
        abort(403)


def _my_dependents() -> list[Dependent]:
    return list(db.session.execute(own_rows(sa.select(Dependent), "benefit_dependent")
                                   .where(Dependent.active.is_(True)).order_by(Dependent.id)).scalars())


def _my_beneficiaries():
    from benefits.models import Beneficiary

    if not can(current_user, "benefit_dependent", "read"):     # beneficiaries share the dependents' right
        return []
    return list(db.session.execute(sa.select(Beneficiary).where(Beneficiary.worker_id == _worker_id())
                                   .order_by(Beneficiary.plan_kind, Beneficiary.level, Beneficiary.id)).scalars())


def _my_life_events():
    from benefits.models import LifeEvent

    return list(db.session.execute(own_rows(sa.select(LifeEvent), "life_event")
                                   .order_by(LifeEvent.event_date.desc(), LifeEvent.id.desc())).scalars())


STATUTORY_SLOWEST = "graded_6"     # IRC 411(a)(2)(B)(ii): the slowest graded schedule a plan may have


def employer_vesting(worker_id: int, today: date) -> tuple[D, str]:
    """(vested fraction of the match, how it was found in words) from payroll.engine.retirement: years of service
    counted across every client (elapsed time, Treas. Reg. 1.410(a)-7) on the plan's schedule (BenefitPlan
    vesting_schedule). A worker with no 401(k) election is shown the slowest schedule the law allows, so the figure
    is never more than is vested."""
    from backoffice.workers.models import Engagement
    from benefits.models import BenefitPlan
    from payroll.engine.retirement import vested_percent, years_of_service

    spans = db.session.execute(sa.select(Engagement.start_date, Engagement.end_date)
                               .where(Engagement.worker_id == worker_id)).all()
    years = years_of_service([(s, e) for s, e in spans], today)
    plan = db.session.execute(sa.select(BenefitPlan).join(Enrollment, Enrollment.plan_id == BenefitPlan.id).where(
        Enrollment.worker_id == worker_id, BenefitPlan.kind == "401k", Enrollment.status != "cancelled")
        .order_by(Enrollment.effective_date.desc())).scalars().first()
    schedule = plan.vesting_schedule if plan is not None else None
    fraction = vested_percent(schedule or STATUTORY_SLOWEST, years)
    how = (f"{years} completed {'year' if years == 1 else 'years'} of service with the agency, counted across "
           f"clients, on the plan's {(schedule or '').replace('_', ' ')} schedule" if schedule else
           f"{years} completed {'year' if years == 1 else 'years'} of service with the agency, counted across "
           "clients, on the slowest schedule the law allows (20% after 2 years, 20% more each year to 100% after 6, "
           "IRC 411(a)(2)(B)); your plan's own schedule may vest you faster: ask HR")
    return fraction, how


# ------------------------------------------------------------------------------------------------ the tab
@bp.get("/benefits")
@worker_required
def benefits():
    _require("benefit_enrollment", "read")
    return _index_page(clock().today(), {}, {})


def _index_page(today: date, values: dict, errors: dict, status: int = 200):
    """The tab: elections, offers side by side, 401(k) by source with vesting, accounts, life events."""
    worker_id = _worker_id()
    vested, vesting_how = employer_vesting(worker_id, today)
    return render_template(
        "portal/benefits/index.html", offers=_offers(today), kinds=KIND_LABELS,
        elections=services.current_elections(worker_id, today),
        retirement=balances.retirement_by_source(worker_id, vested * 100), vesting_how=vesting_how,
        accounts=balances.accounts_this_year(worker_id, today.year), year=today.year,
        life_events=_my_life_events(), life_event_choices=LIFE_EVENT_CHOICES, errors=errors, values=values,
        portable_url=_portable_url(), draft=session.get(DRAFT_KEY), usd=fmt_usd, describe=describe_election,
        active_nav="benefits"), status


def _portable_url() -> str | None:
    """HOOK for helper C: the portable-benefit balance page, when its route exists."""
    try:
        return url_for("portal.portable_benefits")
    except Exception:   # noqa: BLE001 - werkzeug BuildError: the page is not there (yet)
        return None


@bp.post("/benefits/life-events")
@worker_required
def life_event_request():
    _require("life_event", "create")
    today = clock().today()
    values = request.form.to_dict()
    upload = request.files.get("document")
    document = None
    if upload is not None and upload.filename:
        content = upload.read(MAX_DOCUMENT_BYTES + 1)
        if len(content) > MAX_DOCUMENT_BYTES:
            return _index_page(today, values, {"document": ["is over 10 MiB"]}, 422)
        document = (upload.filename, content)
    with form_errors() as refused:
        services.request_life_event(_worker_id(), {k: values.get(k, "") for k in ("kind", "event_date", "notes")},
                                    document)
        flash("Your life-event request is sent to HR. You have 30 days from the event to change your elections "
              "(60 for a birth or adoption under some plans); HR tells you when it is approved.")
        return redirect(url_for("portal.benefits") + "#life-events")
    return _index_page(today, values, refused.errors or {"_form": [refused.message]}, 422)


@bp.get("/benefits/enrollments/<int:enrollment_id>")
@worker_required
def benefit_enrollment(enrollment_id: int):
    enrollment = own_enrollment(enrollment_id)
    return render_template("portal/benefits/enrollment.html", e=enrollment, kinds=KIND_LABELS, pct=fmt_pct,
                           usd=fmt_usd, tier_labels=TIER_LABELS, active_nav="benefits")


@bp.get("/benefits/dependents/<int:dependent_id>")
@worker_required
def benefit_dependent(dependent_id: int):
    dependent = own_dependent(dependent_id)
    return render_template("portal/benefits/dependent.html", d=dependent, active_nav="benefits")


# ------------------------------------------------------------------------------------------------ the wizard
def _draft() -> dict:
    draft = session.get(DRAFT_KEY)
    if not draft or draft.get("worker_id") != _worker_id():
        draft = wizard.new_draft(_worker_id())
    return draft


def _save(draft: dict) -> None:
    session[DRAFT_KEY] = draft
    session.modified = True


def _plans_by_kind(offers) -> dict[str, list]:
    out: dict[str, list] = {}
    for o in offers:
        out.setdefault(o.plan.kind, []).append(o)
    return out


def _errors_of(issues, step: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for i in issues:
        if wizard.step_of(i.field) == step:
            out.setdefault(i.field, []).append(i.message)
    return out


def _next(step: str) -> str:
    return wizard.STEPS[min(wizard.STEPS.index(step) + 1, len(wizard.STEPS) - 1)]


@bp.route("/benefits/enroll", methods=["GET"])
@worker_required
def benefits_enroll_start():
    return redirect(url_for("portal.benefits_enroll", step="dependents"))


@bp.post("/benefits/enroll/restart")
@worker_required
def benefits_enroll_restart():
    session.pop(DRAFT_KEY, None)
    return redirect(url_for("portal.benefits_enroll", step="dependents"))


@dataclass
class _Wizard:
    """One request of the wizard: the step, the worker's draft, today's offers and the event they enroll under."""

    step: str
    draft: dict
    offers: list
    event: str
    effective: date

    def page(self, errors: dict | None = None, values: dict | None = None, status: int = 200):
        return _step_page(self, errors or {}, values or {}), status

    def stay(self):
        _save(self.draft)
        return redirect(url_for("portal.benefits_enroll", step=self.step))


@bp.route("/benefits/enroll/<step>", methods=["GET", "POST"])
@worker_required
def benefits_enroll(step: str):
    if step not in wizard.STEPS:
        abort(404)
    _require("benefit_enrollment", "read")
    today = clock().today()
    offers = _offers(today)
    w = _Wizard(step, _draft(), offers, *_event_and_date(offers, today))
    if request.method == "GET":
        issues = wizard.check(w.draft, w.event, w.effective) if step == "review" else []
        return w.page({i.field: [i.message] for i in issues})
    _require("benefit_enrollment", "create")
    if step == "dependents":
        _require("benefit_dependent", "create")
        if request.form.get("action") == "add":
            return _add_dependent(w, request.form.to_dict())
        if request.form.get("action", "").startswith("remove:"):
            wizard.drop_new_dependent(w.draft, request.form["action"].removeprefix("remove:"))
            return w.stay()
    if step == "review":
        return _confirm(w)
    _keep(w, request.form)
    if step == "retirement" and request.form.get("action") == "whatif":   # the table at this percent; stay here
        return w.stay()
    if step not in w.draft["done"]:
        w.draft["done"].append(step)
    _save(w.draft)
    issues = [i for i in wizard.check(w.draft, w.event, w.effective) if wizard.step_of(i.field) == step]
    if issues:
        return w.page(_errors_of(issues, step), request.form.to_dict(), 422)
    return redirect(url_for("portal.benefits_enroll", step=_next(step)))


def _add_dependent(w: _Wizard, form: dict):
    """Keep a typed dependent in the draft once the service's own checks pass (run on the draft, rolled back)."""
    index = len(w.draft["new_dependents"])
    issues = wizard.add_new_dependent(w.draft, form)
    if not issues:
        issues = [i for i in wizard.check(w.draft, w.event, w.effective)
                  if i.field.startswith(f"dependents[{index}]")]
        if issues:              # the service refused it: take it back off the draft and show why
            w.draft["new_dependents"].pop()
    _save(w.draft)
    if not issues:
        flash("Dependent added to your enrollment (saved when you confirm).")
        return w.stay()
    errors: dict[str, list[str]] = {}
    for i in issues:
        errors.setdefault(i.field.removeprefix(f"dependents[{index}]."), []).append(i.message)
    return w.page(errors, form, 422)


def _keep(w: _Wizard, form) -> None:
    """Put one step's answers in the draft; an id that is not one of the worker's own (or on offer) is a 404."""
    if w.step == "tier":
        for c in form.getlist("covered"):
            if c.startswith("d:"):
                own_dependent(c.removeprefix("d:"))
            elif c.removeprefix("n:") not in {d["key"] for d in w.draft["new_dependents"]}:
                raise NotFound("dependent not found")
        wizard.keep_tier(w.draft, form)
    elif w.step == "plans":
        allowed = {str(o.plan.id) for o in w.offers if o.plan.kind in wizard.HEALTH_KINDS}
        if any((form.get(k) or "") and form[k].removeprefix("waive:") not in allowed for k in wizard.HEALTH_KINDS):
            raise NotFound("plan not found")
        wizard.keep_plans(w.draft, form.to_dict())
    elif w.step == "retirement":
        plan_id = form.get("plan_id") or ""
        if plan_id and plan_id not in {str(o.plan.id) for o in w.offers if o.plan.kind == "401k"}:
            raise NotFound("plan not found")
        wizard.keep_retirement(w.draft, form.to_dict())
    elif w.step == "accounts":
        by_kind = {k: v[0].plan.id for k, v in _plans_by_kind(w.offers).items() if k in wizard.ACCOUNT_KINDS}
        wizard.keep_accounts(w.draft, form.to_dict(), by_kind)
    elif w.step == "beneficiaries":
        wizard.keep_beneficiaries(w.draft, form)


def _confirm(w: _Wizard):
    with form_errors(refusals=True) as refused:
        wizard.confirm(w.draft, w.event, w.effective)
        session.pop(DRAFT_KEY, None)
        flash("Your elections are saved. Keep the confirmation PDF.")
        return redirect(url_for("portal.benefits_done"))
    return w.page(refused.errors or {"review": [refused.message]}, None, 422)


def _step_page(w: _Wizard, errors: dict, values: dict):
    step, draft, offers = w.step, w.draft, w.offers
    by_kind = _plans_by_kind(offers)
    existing = _my_dependents()
    ctx = {"step": step, "steps": wizard.STEPS, "titles": wizard.STEP_TITLES, "draft": draft, "offers": offers,
           "by_kind": by_kind, "kinds": KIND_LABELS, "tiers": wizard.TIERS, "tier_labels": wizard.TIER_LABELS,
           "relationships": wizard.RELATIONSHIPS, "existing": existing, "event": w.event, "effective": w.effective,
           "errors": errors, "values": values, "usd": fmt_usd,
           "health_kinds": wizard.HEALTH_KINDS, "account_kinds": wizard.ACCOUNT_KINDS, "step_of": wizard.step_of,
           "active_nav": "benefits"}
    if step == "retirement":
        r = draft.get("retirement") or {}
        roth = bool(r.get("roth_percent") not in (None, "", "0")) and not r.get("deferral_percent")
        rows, paycheck, why = _whatif_rows(r.get("deferral_percent") or r.get("roth_percent"), roth=roth)
        ctx.update(whatif=rows, whatif_paycheck=paycheck, whatif_why=why)
    if step == "review":
        ctx["summary"] = _summary(draft, offers, existing)
    return render_template(f"portal/benefits/step_{step}.html", **ctx)


def _summary(draft: dict, offers, existing) -> dict:
    """What the review step lists: each election with its cost per paycheck for the chosen tier."""
    offer_of = {str(o.plan.id): o for o in offers}
    names = {f"d:{d.id}": f"{d.first_name} {d.last_name}" for d in existing}
    names.update({f"n:{d['key']}": f"{d['first_name']} {d['last_name']}" for d in draft["new_dependents"]})
    health = []
    for kind in wizard.HEALTH_KINDS:
        choice = draft["plans"].get(kind)
        if not choice:
            continue
        if choice.startswith("waive:"):
            health.append({"kind": kind, "waived": True, "reason": draft["waive_reasons"].get(kind, "")})
            continue
        offer = offer_of.get(choice)
        cost = next((t for t in offer.tiers if t.tier == draft["tier"]), None) if offer else None
        health.append({"kind": kind, "waived": False, "plan": offer.plan if offer else None, "cost": cost})
    return {"health": health, "covered": [names.get(c, c) for c in draft["covered"]],
            "retirement": draft.get("retirement") or {},
            "retirement_plan": (offer_of.get(str((draft.get("retirement") or {}).get("plan_id"))) or None),
            "accounts": [(k, offer_of.get(a["plan_id"]), a["annual_amount"]) for k, a in draft["accounts"].items()]}


@bp.get("/benefits/enroll/done")
@worker_required
def benefits_done():
    today = clock().today()
    return render_template("portal/benefits/done.html", elections=services.current_elections(_worker_id(), today),
                           kinds=KIND_LABELS, describe=describe_election, active_nav="benefits")


@bp.get("/benefits/confirmation.pdf")
@worker_required
def benefits_confirmation_pdf():
    """The worker's elections in force today, as a PDF to keep (read back by pdftotext in the tests)."""
    _require("benefit_enrollment", "read")
    from backoffice.workers.portal import current_worker

    today = clock().today()
    worker = current_worker()
    html = render_template("portal/pdf/benefits_confirmation.html", worker=worker, today=today,
                           elections=services.current_elections(worker.id, today), kinds=KIND_LABELS,
                           dependents=_my_dependents(), describe=describe_election, pct=fmt_pct,
                           beneficiaries=_my_beneficiaries())
    return Response(render_pdf(html), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="benefits-confirmation-{today.isoformat()}.pdf"',
        "Cache-Control": "no-store"})
