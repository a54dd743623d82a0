"""COBRA services (one transaction each): open cases from a qualifying event (reclassification's life events, a
terminated engagement, HR's entry on the desk), send the election notice (PDF kept, e-mail after the commit), record
the election or waiver, bill the monthly premiums (once: unique per case and month), record payments, and the daily
pass that expires unelected cases and ends coverage for non-payment after the grace period or at the maximum.
The dates and amounts come from the pure engine, benefits.engine.cobra."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import render_template

from backoffice import validation as v
from backoffice.clock import clock
from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, NotFound, ValidationFailed, raise_if
from backoffice.extensions import db
from backoffice.mailport import send_mail
from backoffice.money import D, round_cents
from backoffice.pdf import render_pdf
from backoffice.uow import transaction
from backoffice.workers.models import Agency, Engagement, Worker
from benefits.cobra_models import OPEN_STATUSES, CobraCase, CobraPremium
from benefits.engine import cobra as engine
from benefits.models import HEALTH_KINDS, TIER_LABELS, BenefitPlan, Dependent, Enrollment, LifeEvent, PlanTier
from benefits.services import end_elections

# The events that make the worker a qualified beneficiary (with the covered spouse and children); the others make
# only dependents qualified beneficiaries (29 U.S.C. 1163).
WORKER_EVENTS = ("termination", "reduction_of_hours", "reclassification")
SPOUSE_EVENTS = ("divorce", "legal_separation")
DEPENDENT_EVENTS = ("death", "medicare_entitlement") + SPOUSE_EVENTS + ("dependent_child",)
# A dependent's relationship -> the qualified beneficiary's kind. A domestic partner is not a qualified
# beneficiary under federal COBRA (29 U.S.C. 1167(3): the covered employee's spouse or dependent child).
BENEFICIARY_OF = {"spouse": "spouse", "child": "child"}
TERMINATION_LOOKBACK_DAYS = 60
# 26 CFR 54.4980B-8 Q&A-5(d): a shortfall of no more than the lesser of $50 or 10% of the amount due is an
# insignificant shortfall: the payment counts as full (the plan may ask for the rest).
SHORTFALL_DOLLARS = D("50.00")
SHORTFALL_FRACTION = D("0.10")


def _today() -> date:
    return clock().today()


def _case(case_id: int, lock: bool = False) -> CobraCase:
    stmt = sa.select(CobraCase).where(CobraCase.id == case_id)
    c = db.session.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()
    if c is None:
        raise NotFound(f"COBRA case {case_id} not found")
    return c


# --- opening cases ----------------------------------------------------------------------------------------------

def _health_enrollments(worker_id: int, on: date) -> list[Enrollment]:
    return list(db.session.execute(
        sa.select(Enrollment).join(BenefitPlan, BenefitPlan.id == Enrollment.plan_id)
        .where(Enrollment.worker_id == worker_id, BenefitPlan.kind.in_(HEALTH_KINDS), Enrollment.waived.is_(False),
               Enrollment.status != "cancelled", Enrollment.effective_date <= on,
               sa.or_(Enrollment.end_date.is_(None), Enrollment.end_date >= on))
        .order_by(BenefitPlan.kind, Enrollment.id)).scalars())


def _tier_cost(plan: BenefitPlan, tier: str) -> Decimal:
    row = db.session.execute(sa.select(PlanTier.monthly_premium).where(PlanTier.plan_id == plan.id,
                                                                       PlanTier.tier == tier)).scalar_one_or_none()
    if row is None:
        raise DomainError(f"plan {plan} has no {TIER_LABELS.get(tier, tier)} rate: add it before opening COBRA")
    return row


def _plans_of(enrollments: list[Enrollment], dependent: Dependent | None) -> tuple[list[dict], str, Decimal]:
    """What the beneficiary had: the worker keeps each election's tier; a dependent alone is priced at each plan's
    employee-only rate (each qualified beneficiary may elect on their own, 29 U.S.C. 1165(a)(2))."""
    plans, total, tier_of_case = [], D("0.00"), None
    for e in enrollments:
        if dependent is not None and dependent not in e.dependents:
            continue
        tier = "employee" if dependent is not None else (e.coverage_tier or "employee")
        cost = _tier_cost(e.plan, tier)
        plans.append({"plan_id": e.plan_id, "name": e.plan.name, "kind": e.plan.kind, "carrier": e.plan.carrier,
                      "tier": tier, "monthly_cost": str(cost), "enrollment_id": e.id})
        total += cost
        if tier_of_case is None or e.plan.kind == "medical":
            tier_of_case = tier
    return plans, tier_of_case or "employee", total


def _facts(c: CobraCase, **override) -> engine.CobraFacts:
    values = dict(event_kind=c.event_kind, event_date=c.event_date, beneficiary=c.beneficiary,
                  loss_rule=c.loss_rule, employer_is_administrator=c.employer_is_administrator,
                  administrator_notified_on=c.administrator_notified_on,
                  election_notice_sent_on=c.election_notice_sent_on, elected_on=c.elected_on)
    if c.disability_onset is not None:
        values["disability"] = engine.Disability(c.disability_onset, c.disability_determined_on,
                                                 c.disability_notified_on)
    values.update(override)
    return engine.CobraFacts(**values)


def _apply(c: CobraCase, d: engine.CobraDeadlines) -> None:
    c.loss_of_coverage, c.coverage_start = d.loss_of_coverage, d.coverage_start
    c.administrator_notice_due, c.election_notice_due = d.administrator_notice_due, d.election_notice_due
    c.election_deadline, c.first_premium_due = d.election_deadline, d.first_premium_due
    c.max_months, c.coverage_max_end, c.disability_extended = d.max_months, d.coverage_max_end, d.disability_extended
    c.explanation = list(d.explanation)


def _beneficiaries(worker_id: int, event_kind: str, covered: list[Dependent],
                   dependent_ids: list[int] | None) -> list[Dependent | None]:
    """Who is a qualified beneficiary of this event (None: the worker)."""
    qualified = [d for d in covered if d.relationship in BENEFICIARY_OF]
    if event_kind in WORKER_EVENTS:
        return [None] + qualified
    if event_kind in SPOUSE_EVENTS:
        return [d for d in qualified if d.relationship == "spouse"]
    if event_kind == "dependent_child":
        return [d for d in qualified if d.relationship == "child" and d.id in (dependent_ids or ())]
    return qualified        # death, the employee's Medicare entitlement: the spouse and children


def _open(worker_id: int, event_kind: str, event_date: date, *, life_event_id: int | None = None,
          dependent_ids: list[int] | None = None, loss_rule: str = "end_of_month", notes: str = "") -> list[CobraCase]:
    enrollments = _health_enrollments(worker_id, event_date)
    if not enrollments:
        return []
    covered = {d.id: d for e in enrollments for d in e.dependents}
    made = []
    for dep in _beneficiaries(worker_id, event_kind, list(covered.values()), dependent_ids):
        exists = db.session.execute(sa.select(CobraCase.id).where(
            CobraCase.worker_id == worker_id, CobraCase.event_kind == event_kind, CobraCase.event_date == event_date,
            CobraCase.dependent_id.is_(None) if dep is None else CobraCase.dependent_id == dep.id)).first()
        if exists:
            continue
        plans, tier, cost = _plans_of(enrollments, dep)
        if not plans:
            continue
        c = CobraCase(worker_id=worker_id, dependent_id=dep.id if dep else None,
                      beneficiary="employee" if dep is None else BENEFICIARY_OF[dep.relationship],
                      life_event_id=life_event_id, event_kind=event_kind, event_date=event_date, loss_rule=loss_rule,
                      employer_is_administrator=True, plans=plans, coverage_tier=tier, monthly_cost=cost,
                      status="pending_notice", notes=notes)
        _apply(c, engine.deadlines(_facts(c)))
        _refresh_next(c, _today())
        db.session.add(c)
        made.append(c)
    db.session.flush()
    if made and event_kind in WORKER_EVENTS + ("death",):      # the worker's own coverage ends with the loss
        end_elections(worker_id, made[0].loss_of_coverage)
    return made


def clean_event(data: dict) -> dict:
    issues: list[Issue] = []
    allowed = {"worker_id", "event_kind", "event_date", "dependent_ids", "loss_rule", "notes"}
    for k in sorted(set(data) - allowed):
        issues.append(Issue(k, "is not a field of a qualifying event", "unknown_field"))
    worker_id = data.get("worker_id")
    if not v.is_record_id(worker_id):
        issues.append(Issue("worker_id", "is required (a worker's id)", "required"))
    kind = v.choice("event_kind", data.get("event_kind"), engine.EVENT_KINDS, issues)
    day = v.a_date("event_date", data.get("event_date"), issues)
    rule = v.choice("loss_rule", data.get("loss_rule") or "end_of_month", engine.LOSS_RULES, issues)
    deps = data.get("dependent_ids") or []
    if not isinstance(deps, list) or not all(v.is_record_id(x) for x in deps):
        issues.append(Issue("dependent_ids", "must be a list of dependent ids"))
        deps = []
    if kind == "dependent_child" and not deps:
        issues.append(Issue("dependent_ids", "name the child who ceased to be a dependent", "required"))
    raise_if(issues)
    return {"worker_id": int(worker_id), "event_kind": kind, "event_date": day, "loss_rule": rule,
            "dependent_ids": [int(x) for x in deps], "notes": str(data.get("notes") or "")[:2000]}


@transaction()
def record_qualifying_event(data: dict) -> list[CobraCase]:
    """HR's entry on the COBRA desk (or the termination sweep): a qualifying event of a worker; it is kept as a
    processed life event of kind `cobra_qualifying_event` and opens a case per qualified beneficiary (the ones that
    exist already are left as they are). A worker without health coverage that day gets no case (422)."""
    d = clean_event(data)
    worker = db.session.get(Worker, d["worker_id"])
    if worker is None:
        raise ValidationFailed([Issue("worker_id", f"no worker {d['worker_id']}", "not_found")])
    for dep_id in d["dependent_ids"]:
        dep = db.session.get(Dependent, dep_id)
        if dep is None or dep.worker_id != worker.id:
            raise ValidationFailed([Issue("dependent_ids", f"{dep_id} is not a dependent of this worker")])
    if not _health_enrollments(worker.id, d["event_date"]):
        raise ValidationFailed([Issue("event_date", "the worker had no medical, dental or vision coverage that "
                                                    "day: nobody loses coverage, no COBRA case", "no_coverage")])
    ev = LifeEvent(worker_id=worker.id, kind="cobra_qualifying_event", event_date=d["event_date"],
                   status="processed", source=d["event_kind"], notes=d["notes"], decided_at=utcnow())
    db.session.add(ev)
    db.session.flush()
    return _open(worker.id, d["event_kind"], d["event_date"], life_event_id=ev.id,
                 dependent_ids=d["dependent_ids"], loss_rule=d["loss_rule"], notes=d["notes"])


@transaction()
def process_open_events() -> list[CobraCase]:
    """The hook for reclassification: every open `cobra_qualifying_event` life event opens its cases (the event's
    `source` names the kind: "reclassification", or any COBRA event kind) and becomes `processed`."""
    events = db.session.execute(sa.select(LifeEvent).where(LifeEvent.kind == "cobra_qualifying_event",
                                                           LifeEvent.status == "open")
                                .order_by(LifeEvent.id).with_for_update()).scalars().all()
    made = []
    for ev in events:
        kind = ev.source if ev.source in engine.EVENT_KINDS else "termination"
        # reclassification dates its event from the first day as a contractor: employee status (and the
        # coverage that went with it) ended the day before, which is the qualifying event's date
        day = ev.event_date - timedelta(days=1) if kind == "reclassification" else ev.event_date
        made += _open(ev.worker_id, kind, day, life_event_id=ev.id, notes=ev.notes)
        ev.status = "processed"
        ev.decided_at = utcnow()
    return made


def sweep_terminations(on: date) -> list[CobraCase]:
    """The termination hook: a leased engagement ended or terminated in the last 60 days, the worker with no other
    active leased engagement after it and health coverage on its last day, and no case yet for that day, opens a
    termination event (the engagement's end date is the event date)."""
    ended = db.session.execute(sa.select(Engagement).where(
        Engagement.type == "leased_employee", Engagement.status.in_(("ended", "terminated")),
        Engagement.end_date.is_not(None), Engagement.end_date <= on,
        Engagement.end_date >= on - timedelta(days=TERMINATION_LOOKBACK_DAYS))).scalars().all()
    made = []
    for eng in ended:
        still = db.session.execute(sa.select(Engagement.id).where(
            Engagement.worker_id == eng.worker_id, Engagement.type == "leased_employee", Engagement.id != eng.id,
            Engagement.status.in_(("active", "pending")),
            sa.or_(Engagement.end_date.is_(None), Engagement.end_date > eng.end_date))).first()
        known = db.session.execute(sa.select(CobraCase.id).where(
            CobraCase.worker_id == eng.worker_id, CobraCase.event_date.between(eng.end_date - timedelta(days=1),
                                                                               eng.end_date + timedelta(days=1)))
        ).first()
        if still or known or not _health_enrollments(eng.worker_id, eng.end_date):
            continue
        made += record_qualifying_event({"worker_id": eng.worker_id, "event_kind": "termination",
                                         "event_date": eng.end_date,
                                         "notes": f"Engagement #{eng.id} ended {eng.end_date.isoformat()}."})
    return made


# --- notice, election, waiver -----------------------------------------------------------------------------------

def agency_name() -> str:
    a = db.session.execute(sa.select(Agency).order_by(Agency.id)).scalars().first()
    return a.legal_name if a is not None else "Tandem"


def election_notice_html(c: CobraCase) -> str:
    """The DOL model election notice, short: the plans and tier, the monthly premium at 102%, every deadline."""
    premium = round_cents(c.monthly_cost * D(engine.rules()["premium"]["percent"]))
    return render_template("benefits/pdf/cobra_election_notice.html", case=c, premium=premium,
                           agency=agency_name(), fmt=engine.fmt_day, tier_labels=TIER_LABELS,
                           event_label=engine.EVENT_LABELS[c.event_kind],
                           at102=lambda cost: engine.monthly_premium(D(cost), 1, False),
                           grace_days=engine.rules()["grace_days"]["days"],
                           first_premium_days=engine.rules()["first_premium_days"]["days"],
                           disability_premium=round_cents(c.monthly_cost * D(engine.rules()["premium"]
                                                                             ["disability_percent"])))


def election_notice_pdf(case_id: int) -> bytes:
    """The notice as sent (kept on the case), else as it would be sent today."""
    c = _case(case_id)
    return c.election_notice_pdf or render_pdf(election_notice_html(c))


def general_notice_pdf(worker_id: int) -> bytes:
    """The COBRA general notice (DOL model, short) of a worker enrolled in a health plan: given at enrollment."""
    worker = db.session.get(Worker, worker_id)
    if worker is None:
        raise NotFound(f"worker {worker_id} not found")
    enrollments = _health_enrollments(worker_id, _today()) or list(db.session.execute(
        sa.select(Enrollment).join(BenefitPlan).where(Enrollment.worker_id == worker_id,
                                                      BenefitPlan.kind.in_(HEALTH_KINDS),
                                                      Enrollment.waived.is_(False))).scalars())
    if not enrollments:
        raise NotFound("the worker is not enrolled in a health plan: no general notice")
    first = min(e.effective_date for e in enrollments)
    return render_pdf(render_template("benefits/pdf/cobra_general_notice.html", worker=worker,
                                      enrollments=enrollments, agency=agency_name(), fmt=engine.fmt_day,
                                      given_on=first, tier_labels=TIER_LABELS))


@dataclass(frozen=True)
class Sent:
    case: CobraCase
    emailed: bool
    message: str


def send_election_notice(case_id: int, on: date | None = None) -> Sent:
    """Send the election notice: the deadlines recomputed from the day it goes (the election window runs 60 days
    from the later of the loss of coverage and the notice), the PDF kept on the case, then an e-mail to the worker
    after the commit (a mail failure leaves the notice sent and says so)."""
    day = on or _today()
    with transaction():
        c = _case(case_id, lock=True)
        if c.status != "pending_notice":
            raise DomainError(f"COBRA case {case_id} is {c.status}: the election notice was sent already")
        c.election_notice_sent_on = day
        if c.administrator_notified_on is None:
            c.administrator_notified_on = day
        _apply(c, engine.deadlines(_facts(c)))
        c.status = "notified"
        _refresh_next(c, day)
        c.election_notice_pdf = render_pdf(election_notice_html(c))
        to, name = c.worker.email, c.beneficiary_name
        subject = f"COBRA continuation coverage: your election notice ({name})"
        body = (f"Coverage under the {agency_name()} health plans for {name} ended on {engine.fmt_day(c.loss_of_coverage)}."
                f"\n\nYou may elect COBRA continuation coverage until {engine.fmt_day(c.election_deadline)}. The "
                f"notice (PDF) is in your portal under Benefits > COBRA; it gives the plans, the monthly premium "
                f"and every deadline.\n")
    try:
        send_mail(to, subject, body)
        return Sent(c, True, f"election notice sent; e-mailed to {to}")
    except DomainError as exc:
        return Sent(c, False, f"election notice sent (PDF in the portal); e-mail not sent: {exc.message}")


def _check_open_window(c: CobraCase, day: date, field: str) -> None:
    if c.status not in ("pending_notice", "notified"):
        raise DomainError(f"COBRA case {c.id} is {c.status}: no election to make")
    if day < c.event_date:
        raise ValidationFailed([Issue(field, "is before the qualifying event")])
    if day > _today():
        raise ValidationFailed([Issue(field, "is in the future")])
    if day > c.election_deadline:
        raise ValidationFailed([Issue(field, f"is after the election deadline, {c.election_deadline.isoformat()} "
                                             "(60 days, 29 U.S.C. 1165(a)(1))", "too_late")])


@transaction()
def record_election(case_id: int, elected_on) -> CobraCase:
    """The beneficiary elects COBRA on `elected_on` (within the election period): the first premium is due 45 days
    later. A dependent whose worker elected for the same event is billed on the worker's case (their tier)."""
    issues: list[Issue] = []
    day = v.a_date("elected_on", elected_on, issues)
    raise_if(issues)
    c = _case(case_id, lock=True)
    _check_open_window(c, day, "elected_on")
    c.elected_on, c.status = day, "elected"
    _apply(c, engine.deadlines(_facts(c)))
    if c.dependent_id is not None:
        c.billed_with_id = _worker_case_elected(c)
    else:
        for dep_case in _dependent_cases(c):
            if dep_case.status == "elected" and dep_case.billed_with_id is None and not dep_case.premiums:
                dep_case.billed_with_id = c.id
    _refresh_next(c, _today())
    return c


@transaction()
def record_disability(case_id: int, data: dict) -> list[CobraCase]:
    """The Social Security Administration found a qualified beneficiary disabled: `onset`, `determined_on` and
    `notified_on` (the day the administrator was told). Recorded on every open case of the same event (the
    extension covers the whole family, 29 U.S.C. 1162(2)(A)) and the deadlines recomputed: 29 months when the
    disability began in the first 60 days of COBRA coverage and the notice came within 60 days of the
    determination and before the 18 months ended; otherwise the case says why not. Returns the cases."""
    issues: list[Issue] = []
    onset = v.a_date("onset", data.get("onset"), issues)
    determined = v.a_date("determined_on", data.get("determined_on"), issues)
    notified = v.a_date("notified_on", data.get("notified_on"), issues)
    if onset and determined and determined < onset:
        issues.append(Issue("determined_on", "is before the disability's onset"))
    if determined and notified and notified < determined:
        issues.append(Issue("notified_on", "is before the determination"))
    if notified and notified > _today():
        issues.append(Issue("notified_on", "is in the future"))
    raise_if(issues)
    c = _case(case_id, lock=True)
    if c.status not in OPEN_STATUSES:
        raise DomainError(f"case #{c.id} is {c.status}: a disability is recorded on an open case")
    family = [c] + [x for x in db.session.execute(sa.select(CobraCase).where(
        CobraCase.worker_id == c.worker_id, CobraCase.event_kind == c.event_kind,
        CobraCase.event_date == c.event_date, CobraCase.id != c.id,
        CobraCase.status.in_(OPEN_STATUSES))).scalars()]
    for x in family:
        x.disability_onset, x.disability_determined_on, x.disability_notified_on = onset, determined, notified
        _apply(x, engine.deadlines(_facts(x)))
        _refresh_next(x, _today())
    db.session.flush()
    return family


def _worker_case_elected(c: CobraCase) -> int | None:
    return db.session.execute(sa.select(CobraCase.id).where(
        CobraCase.worker_id == c.worker_id, CobraCase.dependent_id.is_(None), CobraCase.event_kind == c.event_kind,
        CobraCase.event_date == c.event_date, CobraCase.status == "elected")).scalar_one_or_none()


def _dependent_cases(c: CobraCase) -> list[CobraCase]:
    return list(db.session.execute(sa.select(CobraCase).where(
        CobraCase.worker_id == c.worker_id, CobraCase.dependent_id.is_not(None), CobraCase.event_kind == c.event_kind,
        CobraCase.event_date == c.event_date)).scalars())


@transaction()
def record_waiver(case_id: int, waived_on) -> CobraCase:
    issues: list[Issue] = []
    day = v.a_date("waived_on", waived_on, issues)
    raise_if(issues)
    c = _case(case_id, lock=True)
    _check_open_window(c, day, "waived_on")
    c.waived_on, c.status, c.coverage_end, c.closed_at = day, "waived", c.loss_of_coverage, utcnow()
    _refresh_next(c, _today())
    return c


# --- premiums ---------------------------------------------------------------------------------------------------

def _billable():
    return sa.select(CobraCase).where(CobraCase.status == "elected", CobraCase.billed_with_id.is_(None))


def _schedule(c: CobraCase, through: date) -> list[engine.PremiumMonth]:
    d = engine.deadlines(_facts(c))
    return engine.premium_schedule(d, c.monthly_cost, c.elected_on, through)


@transaction()
def bill_premiums(on: date | None = None) -> int:
    """Bill every elected case each coverage month that has begun by `on` (the months before the election at once,
    due 45 days after it). Safe to run twice: a month billed is skipped, and the database keeps one row per case
    and month. Returns the number of months billed."""
    day = on or _today()
    billed = 0
    for c in db.session.execute(_billable().with_for_update()).scalars().all():
        have = set(db.session.execute(sa.select(CobraPremium.coverage_month)
                                      .where(CobraPremium.case_id == c.id)).scalars())
        for m in _schedule(c, day):
            if m.month in have:
                continue
            db.session.add(CobraPremium(case_id=c.id, coverage_month=m.month, month_number=m.number,
                                        amount_due=m.amount, due_date=m.due_date, grace_end=m.grace_end))
            billed += 1
        db.session.flush()
        _refresh_next(c, day)
    return billed


@transaction()
def record_payment(premium_id: int, amount, paid_on) -> CobraPremium:
    """A premium paid: timely by the grace end (the 45th day after the election for the first payment, 30 days
    from the month's first day after that). A shortfall up to the lesser of $50 or 10% is insignificant and counts
    as full (26 CFR 54.4980B-8 Q&A-5(d)); more is refused, and so is a payment after the grace period."""
    issues: list[Issue] = []
    amt = v.amount("amount", amount, issues, minimum=D("0.01"))
    day = v.a_date("paid_on", paid_on, issues)
    raise_if(issues)
    p = db.session.execute(sa.select(CobraPremium).where(CobraPremium.id == premium_id)
                           .with_for_update()).scalar_one_or_none()
    if p is None:
        raise NotFound(f"COBRA premium {premium_id} not found")
    if p.paid_on is not None:
        raise DomainError(f"the premium for {p.coverage_month:%B %Y} was paid on {p.paid_on.isoformat()}")
    if p.case.status != "elected":
        raise DomainError(f"COBRA case {p.case_id} is {p.case.status}: no payment is taken")
    if day > p.grace_end:
        raise ValidationFailed([Issue("paid_on", f"is after the grace period ended on {p.grace_end.isoformat()} "
                                                 "(26 CFR 54.4980B-8 Q&A-5)", "too_late")])
    if day > _today():
        raise ValidationFailed([Issue("paid_on", "is in the future")])
    allowed_short = min(SHORTFALL_DOLLARS, round_cents(p.amount_due * SHORTFALL_FRACTION))
    if amt < p.amount_due - allowed_short:
        raise ValidationFailed([Issue("amount", f"{amt} is short of the {p.amount_due} due by more than "
                                                f"{allowed_short} (26 CFR 54.4980B-8 Q&A-5(d))", "short")])
    p.paid_amount, p.paid_on = amt, day
    db.session.flush()
    _refresh_next(p.case, _today())
    return p


# --- the daily pass ---------------------------------------------------------------------------------------------

def _nonpayment_end(c: CobraCase, on: date) -> date | None:
    d = engine.deadlines(_facts(c))
    months = [engine.PremiumMonth(p.coverage_month, p.month_number, p.amount_due, p.due_date, p.grace_end)
              for p in c.premiums]
    return engine.nonpayment_end(d, months, {p.coverage_month for p in c.premiums if p.paid_on}, on)


def _close(c: CobraCase, status: str, end: date) -> None:
    c.status, c.coverage_end, c.closed_at = status, end, utcnow()
    for dep in db.session.execute(sa.select(CobraCase).where(CobraCase.billed_with_id == c.id,
                                                             CobraCase.status == "elected")).scalars():
        dep.status, dep.coverage_end, dep.closed_at = status, min(end, dep.coverage_max_end), utcnow()
        _refresh_next(dep, end)


@transaction()
def enforce(on: date | None = None) -> dict:
    """The daily pass: an unelected case past its election deadline expires; an elected one with a premium unpaid
    after its grace period ends (the day after the grace end, not before: the coverage ends with the last month
    paid, or never took effect when the first payment is missing); one past its maximum ends there."""
    day = on or _today()
    out = {"expired": 0, "terminated_nonpayment": 0, "ended": 0}
    for c in db.session.execute(sa.select(CobraCase).where(CobraCase.status.in_(("pending_notice", "notified")),
                                                           CobraCase.election_deadline < day)
                                .with_for_update()).scalars().all():
        c.status, c.coverage_end, c.closed_at = "expired", c.loss_of_coverage, utcnow()
        _refresh_next(c, day)
        out["expired"] += 1
    for c in db.session.execute(_billable().with_for_update()).scalars().all():
        end = _nonpayment_end(c, day)
        if end is not None:
            _close(c, "terminated_nonpayment", end)
            out["terminated_nonpayment"] += 1
        elif day > c.coverage_max_end:
            _close(c, "ended", c.coverage_max_end)
            out["ended"] += 1
        _refresh_next(c, day)
    return out


def run_daily(on: date | None = None) -> dict:
    """What the beat task runs each morning, each step its own transaction: events to cases, terminations swept,
    premiums billed, then coverage ended where it must be."""
    day = on or _today()
    opened = len(process_open_events())
    with transaction():
        opened += len(sweep_terminations(day))
    billed = bill_premiums(day)
    return {"opened": opened, "billed": billed, **enforce(day)}


# --- what is due next -------------------------------------------------------------------------------------------

def next_due(c: CobraCase, on: date) -> tuple[str, date | None]:
    """The next thing the desk must see to on this case, and by when."""
    if c.status == "pending_notice":
        return "send the election notice", c.election_notice_due
    if c.status == "notified":
        return "election deadline", c.election_deadline
    if c.status == "elected":
        if c.billed_with_id is not None:
            return "billed on the worker's case", None
        unpaid = [p for p in c.premiums if p.paid_on is None]
        if unpaid:
            p = min(unpaid, key=lambda p: p.grace_end)
            return f"premium {p.coverage_month:%Y-%m} {p.amount_due} (grace to {p.grace_end.isoformat()})", \
                p.grace_end
        return "coverage ends (maximum)", c.coverage_max_end
    return "", None


def _refresh_next(c: CobraCase, on: date) -> None:
    c.next_action, c.next_due_on = next_due(c, on)


def due_list(on: date, within_days: int | None = None) -> list[dict]:
    """Open cases by what is due next (soonest first); `within_days`: only what is due by `on` + that many days."""
    stmt = sa.select(CobraCase).where(CobraCase.status.in_(OPEN_STATUSES)).order_by(CobraCase.next_due_on,
                                                                                  CobraCase.id)
    if within_days is not None:
        stmt = stmt.where(CobraCase.next_due_on <= on + timedelta(days=within_days))
    out = []
    for c in db.session.execute(stmt).scalars():
        what, when = next_due(c, on)
        if not when:
            continue
        out.append({"case_id": c.id, "worker_id": c.worker_id, "beneficiary": c.beneficiary_name,
                    "status": c.status, "next": what, "due_on": when.isoformat(),
                    "days_left": (when - on).days})
    return out


def case_timeline(c: CobraCase) -> list[tuple[date, str, bool]]:
    """The case's dates in order, each (date, what, done)."""
    rows = [(c.event_date, f"qualifying event: {engine.EVENT_LABELS[c.event_kind]}", True),
            (c.loss_of_coverage, "coverage under the plan ends", True),
            (c.administrator_notice_due, "notice to the plan administrator due "
             f"({'employer' if c.event_kind in engine.EMPLOYER_EVENTS else 'the beneficiary'})",
             c.administrator_notified_on is not None),
            (c.election_notice_due, "election notice due", c.election_notice_sent_on is not None)]
    if c.election_notice_sent_on:
        rows.append((c.election_notice_sent_on, "election notice sent", True))
    rows.append((c.election_deadline, "election deadline", c.status not in ("pending_notice", "notified")))
    if c.elected_on:
        rows.append((c.elected_on, "elected", True))
    if c.waived_on:
        rows.append((c.waived_on, "waived", True))
    if c.first_premium_due:
        rows.append((c.first_premium_due, "first premium due (45 days after the election)",
                     any(p.paid_on for p in c.premiums)))
    for p in c.premiums:
        rows.append((p.grace_end, f"premium {p.coverage_month:%Y-%m} {p.amount_due}: last timely day",
                     p.paid_on is not None))
    rows.append((c.coverage_max_end, f"maximum coverage ends ({c.max_months} months)", False))
    if c.coverage_end:
        rows.append((c.coverage_end, f"coverage ended ({c.status.replace('_', ' ')})", True))
    return sorted(rows, key=lambda r: r[0])

