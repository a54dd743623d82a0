"""Benefits services: the only place this domain's records change (one transaction each). Offers (eligibility and
cost per tier), elections and waivers (validated, effective-dated, turned into payroll's recurring deductions and
employer contributions), dependents, beneficiaries, life-event requests and HR's decisions, open enrollment."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from backoffice.clock import clock
from backoffice.errors import DomainError, Issue, NotFound, raise_if
from backoffice.extensions import db
from backoffice.money import ZERO, D, round_cents
from backoffice.periods import PayFrequency
from backoffice.uow import transaction
from backoffice import validation as v
from backoffice.workers.models import Engagement, Worker
from benefits.engine import elections as rules
from benefits.aca_models import AcaWindow
from benefits.engine.eligibility import PlanRules, WorkerFacts, check, fmt_day
from benefits.models import (ACCOUNT_KINDS, BENEFICIARY_LEVELS, BENEFICIARY_PLANS, ENROLLMENT_EVENTS,
                             HEALTH_KINDS, QUALIFYING_EVENTS, RELATIONSHIPS, TIER_LABELS, Beneficiary, BenefitPlan,
                             ClientContributionRule, Dependent, Enrollment, EnrollmentWindow, LifeEvent)
from payroll.calendar import schedule_periods
from payroll.models import Paycheck, PayrollRun, PaySchedule, Timesheet
from payroll.models_deductions import EmployerContribution, WorkerDeduction
from payroll.services import deductions as pay

# The deduction and employer-contribution codes an election becomes (paycheck line codes of issue 12).
DEDUCTION_CODE = {"medical": "section125", "dental": "section125", "vision": "section125", "hsa": "hsa",
                  "fsa": "fsa", "dcfsa": "dcfsa", "commuter": "commuter", "529": "529"}
HEALTH_EMPLOYER = "health_employer"
HOURS_LOOKBACK_WEEKS = 13
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = {b"%PDF": "pdf", b"\x89PNG": "png", b"\xff\xd8\xff": "jpg"}
ENROLL_FIELDS = ("worker_id", "plan_id", "event", "effective_date", "coverage_tier", "dependent_ids",
                 "deferral_percent", "roth_percent", "deferral_amount", "roth_amount", "annual_amount", "waive",
                 "reason", "life_event_id")


def _today() -> date:
    return clock().today()


def ref(enrollment_id: int, part: str = "") -> str:
    """The `external_ref` of the payroll rows an enrollment made: "benefit_enrollment:12" (a Roth deferral, the
    second deduction of a 401(k) election, is "benefit_enrollment:12:roth": the column is unique)."""
    return f"benefit_enrollment:{enrollment_id}" + (f":{part}" if part else "")


# --- what a worker is, for benefits ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Context:
    worker: Worker
    engagements: tuple[Engagement, ...]          # active on the day
    hire_date: date | None
    client_id: int | None                        # of the leased engagement (contribution rules)
    periods: int                                 # paychecks a year of the leased engagement
    expected_gross: Decimal | None               # a typical paycheck's gross (for a 401(k) estimate)


def worker_context(worker_id: int, on: date) -> _Context:
    worker = db.session.get(Worker, worker_id)
    if worker is None:
        raise NotFound(f"worker {worker_id} not found")
    all_eng = db.session.execute(sa.select(Engagement).where(Engagement.worker_id == worker_id)
                                 .order_by(Engagement.start_date, Engagement.id)).scalars().all()
    active = tuple(e for e in all_eng if e.start_date <= on and (e.end_date is None or e.end_date >= on)
                   and e.status != "ended") or tuple(e for e in all_eng if e.start_date > on and e.status == "active")
    leased = next((e for e in active if e.type == "leased_employee"), None)
    periods, gross = 26, None
    if leased is not None:
        try:
            periods = PayFrequency(leased.pay_frequency).periods_per_year
        except ValueError:
            periods = 26
        if leased.pay_unit == "hour":
            gross = round_cents(leased.pay_rate * 40 * 52 / periods)
        elif leased.pay_unit in ("year", "salary"):
            gross = round_cents(leased.pay_rate / periods)
    return _Context(worker, active, min((e.start_date for e in all_eng), default=None),
                    leased.client_id if leased else None, periods, gross)


def _average_weekly_hours(worker_id: int, on: date) -> Decimal | None:
    """Average hours a week over the approved timesheets of the last 13 weeks (None when there are none)."""
    days = (Timesheet.hours_mon, Timesheet.hours_tue, Timesheet.hours_wed, Timesheet.hours_thu, Timesheet.hours_fri,
            Timesheet.hours_sat, Timesheet.hours_sun)
    raw = sum((sa.cast(c, sa.BigInteger) for c in days[1:]), sa.cast(days[0], sa.BigInteger))
    row = db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(raw), 0, type_=sa.BigInteger),
                  sa.func.count(Timesheet.week_start.distinct()))
        .join(Engagement, Engagement.id == Timesheet.engagement_id)
        .where(Engagement.worker_id == worker_id, Engagement.type == "leased_employee",
               Timesheet.status == "approved", Timesheet.week_start > on - timedelta(weeks=HOURS_LOOKBACK_WEEKS),
               Timesheet.week_start <= on)).one()
    total, weeks = row
    if not weeks:
        return None
    return D(int(total)) / 100 / weeks      # hundredths of an hour: the casts bypass the column type


def _hdhp_enrollment(worker_id: int, on: date) -> Enrollment | None:
    return db.session.execute(
        sa.select(Enrollment).join(BenefitPlan, BenefitPlan.id == Enrollment.plan_id)
        .where(Enrollment.worker_id == worker_id, BenefitPlan.kind == "medical", BenefitPlan.hdhp.is_(True),
               Enrollment.waived.is_(False), Enrollment.status != "cancelled", Enrollment.effective_date <= on,
               sa.or_(Enrollment.end_date.is_(None), Enrollment.end_date >= on))
        .order_by(Enrollment.effective_date.desc())).scalars().first()


def _plan_rules(plan: BenefitPlan) -> PlanRules:
    return PlanRules(plan.kind, plan.waiting_days, plan.min_weekly_hours, plan.contractors_eligible, plan.hdhp,
                     plan.plan_year_start, plan.plan_year_end)


def _facts(ctx: _Context, on: date, hdhp_elected: bool) -> WorkerFacts:
    return WorkerFacts(tuple(sorted({e.type for e in ctx.engagements})), ctx.hire_date,
                       _average_weekly_hours(ctx.worker.id, on), hdhp_elected)


def rule_for(plan_id: int, client_id: int | None) -> ClientContributionRule | None:
    """The client's contribution rule for the plan, else the agency default, else None."""
    rows = db.session.execute(sa.select(ClientContributionRule).where(
        ClientContributionRule.plan_id == plan_id,
        sa.or_(ClientContributionRule.client_id.is_(None), ClientContributionRule.client_id == client_id))
    ).scalars().all()
    own = [r for r in rows if r.client_id is not None and r.client_id == client_id]
    return (own or [r for r in rows if r.client_id is None] or [None])[0]


# --- offers ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TierCost:
    tier: str
    monthly_premium: Decimal
    employer_monthly: Decimal
    per_paycheck_employee: Decimal
    per_paycheck_employer: Decimal


@dataclass(frozen=True)
class PlanOffer:
    plan: BenefitPlan
    eligible: bool
    reason: str
    tiers: list
    window: EnrollmentWindow | None


def tier_costs(plan: BenefitPlan, client_id: int | None, periods: int) -> list[TierCost]:
    """Each tier's monthly premium, the employer's monthly share under the client's rule, and both shares per
    paycheck (monthly × 12 / paychecks a year). An account plan has no tiers: [] (its employer amount is in
    `account_employer_monthly`)."""
    rule = rule_for(plan.id, client_id)
    prices = {t.tier: t.monthly_premium for t in plan.tiers}
    out = []
    for t in sorted(plan.tiers, key=lambda t: list(TIER_LABELS).index(t.tier)):
        s = rules.shares(t.monthly_premium, prices.get("employee"), rule.method if rule else None,
                         rule.value if rule else None)
        out.append(TierCost(t.tier, s.monthly_premium, s.employer_monthly,
                            rules.per_paycheck(s.employee_monthly, periods),
                            rules.per_paycheck(s.employer_monthly, periods)))
    return out


def account_employer_monthly(plan: BenefitPlan, client_id: int | None) -> Decimal:
    """What the employer puts into an account a month (a flat rule; e.g. an HSA seed), else zero."""
    rule = rule_for(plan.id, client_id)
    return round_cents(rule.value) if rule is not None and rule.method == "flat" else ZERO


def open_window(on: date, plan_year_start: date | None = None) -> EnrollmentWindow | None:
    stmt = sa.select(EnrollmentWindow).where(EnrollmentWindow.status == "open", EnrollmentWindow.opens_on <= on,
                                             EnrollmentWindow.closes_on >= on)
    if plan_year_start is not None:
        stmt = stmt.where(EnrollmentWindow.plan_year_start == plan_year_start)
    return db.session.execute(stmt.order_by(EnrollmentWindow.plan_year_start)).scalars().first()


def plan_offers(worker_id: int, on: date) -> list[PlanOffer]:
    """Every active plan whose plan year has not ended on `on`, with whether the worker may enroll, why (in
    words), the cost of each tier for the worker's client and pay frequency, and the open enrollment window."""
    ctx = worker_context(worker_id, on)
    plans = db.session.execute(sa.select(BenefitPlan).where(BenefitPlan.active.is_(True),
                                                            BenefitPlan.plan_year_end >= on)
                               .order_by(BenefitPlan.plan_year_start, BenefitPlan.kind, BenefitPlan.name)
                               ).scalars().all()
    hdhp = _hdhp_enrollment(worker_id, on) is not None
    facts = _facts(ctx, on, hdhp)
    aca_window = aca_window_open(worker_id, on)
    out = []
    for plan in plans:
        result = check(_plan_rules(plan), facts if plan.kind != "hsa" else WorkerFacts(
            facts.engagement_types, facts.hire_date, facts.average_weekly_hours,
            hdhp or _hdhp_enrollment(worker_id, max(on, plan.plan_year_start)) is not None), on)
        eligible, reason = result.eligible, result.reason
        if aca_window is not None and _aca_covers(aca_window, plan):
            eligible, reason = True, aca_window.reason     # full time by the look-back: offered, whatever the hours
        out.append(PlanOffer(plan, eligible, reason, tier_costs(plan, ctx.client_id, ctx.periods),
                             open_window(on, plan.plan_year_start)))
    return out


# --- ACA full-time status (benefits.aca_services opens the window) ------------------------------------------------

def aca_window_open(worker_id: int, on: date) -> AcaWindow | None:
    """The worker's open ACA window on `on`: found full time for a stability period, offered medical coverage."""
    return db.session.execute(sa.select(AcaWindow).where(
        AcaWindow.worker_id == worker_id, AcaWindow.status == "open", AcaWindow.opens_on <= on,
        AcaWindow.closes_on >= on).order_by(AcaWindow.stability_start.desc())).scalars().first()


def _aca_covers(w: AcaWindow, plan: BenefitPlan) -> bool:
    return plan.kind in HEALTH_KINDS and plan.plan_year_start <= w.stability_end and plan.plan_year_end >= max(
        w.stability_start, w.opens_on)


def aca_effective(w: AcaWindow, today: date) -> date:
    """Coverage from the stability period's first day, or (chosen after it began) the first of the next month."""
    if today <= w.stability_start:
        return w.stability_start
    return date(today.year + (today.month == 12), today.month % 12 + 1, 1)


# --- validation of an election ----------------------------------------------------------------------------------

def _int_id(key: str, value, issues: list[Issue], required: bool = True) -> int | None:
    if value in (None, ""):
        if required:
            issues.append(Issue(key, "is required", "required"))
        return None
    if not v.is_record_id(value):
        issues.append(Issue(key, "must be a record id (a whole number)"))
        return None
    return int(value)


def fraction_field(key: str, value, issues: list[Issue]) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, (bool, float)):
        issues.append(Issue(key, "give the percent as a fraction in a string (\"0.06\" is 6%)"))
        return None
    try:
        d = D(value)
    except (ValueError, TypeError):
        issues.append(Issue(key, f"not a number: {value!r}"))
        return None
    if d < 0:
        issues.append(Issue(key, "must not be negative"))
    elif d > 1:
        issues.append(Issue(key, "is over 100%: give a fraction of pay, at most 1 (0.06 is 6%)", "over_100"))
    elif d.as_tuple().exponent < -6:
        issues.append(Issue(key, "has more than 6 decimal places"))
    else:
        return d
    return None


def money_field(key: str, value, issues: list[Issue]) -> Decimal | None:
    if value in (None, ""):
        return None
    got = v.amount(key, value, issues)
    return got


def _parse(data: dict) -> dict:
    issues: list[Issue] = []
    if not isinstance(data, dict):
        raise_if([Issue("body", "must be a JSON object")])
    for key in sorted(k for k in data if k not in ENROLL_FIELDS):
        issues.append(Issue(str(key), "is not a field of an enrollment", "unknown_field"))
    out = {"worker_id": _int_id("worker_id", data.get("worker_id"), issues),
           "plan_id": _int_id("plan_id", data.get("plan_id"), issues),
           "life_event_id": _int_id("life_event_id", data.get("life_event_id"), issues, required=False)}
    out["event"] = v.choice("event", data.get("event"), ENROLLMENT_EVENTS, issues)
    out["effective_date"] = v.a_date("effective_date", data.get("effective_date"), issues, required_=False)
    waive = data.get("waive", False)
    if not isinstance(waive, bool):
        issues.append(Issue("waive", "must be true or false"))
        waive = False
    out["waive"] = waive
    reason = data.get("reason") or ""
    if not isinstance(reason, str) or len(reason.strip()) > 300:
        issues.append(Issue("reason", "must be text of at most 300 characters"))
        reason = ""
    out["reason"] = reason.strip()
    if waive and not out["reason"]:
        issues.append(Issue("reason", "a waiver needs its reason (e.g. covered by a spouse's plan)", "required"))
    tier = data.get("coverage_tier")
    out["coverage_tier"] = None if tier in (None, "") else v.choice("coverage_tier", tier, tuple(TIER_LABELS), issues)
    deps = data.get("dependent_ids") or []
    if not isinstance(deps, list) or not all(v.is_record_id(d) for d in deps):
        issues.append(Issue("dependent_ids", "must be a list of dependent ids"))
        deps = []
    out["dependent_ids"] = sorted({int(d) for d in deps})
    out["deferral_percent"] = fraction_field("deferral_percent", data.get("deferral_percent"), issues)
    out["roth_percent"] = fraction_field("roth_percent", data.get("roth_percent"), issues)
    if (out["deferral_percent"] or ZERO) + (out["roth_percent"] or ZERO) > 1:
        issues.append(Issue("roth_percent", "traditional and Roth deferrals together are over 100% of pay",
                            "over_100"))
    for key, pct in (("deferral_amount", "deferral_percent"), ("roth_amount", "roth_percent")):
        out[key] = money_field(key, data.get(key), issues)
        if out[key] is not None and out[key] <= 0:
            issues.append(Issue(key, "must be more than zero (dollars a paycheck)"))
        if out[key] is not None and out[pct] is not None:
            issues.append(Issue(key, f"give {pct} or {key}, not both"))
    out["annual_amount"] = money_field("annual_amount", data.get("annual_amount"), issues)
    raise_if(issues)
    return out


def _window_and_date(d: dict, plan: BenefitPlan, ctx: _Context, today: date, issues: list[Issue]) -> tuple:
    """(effective date, window id, life event id) for the election's event, or an issue naming the field."""
    event, eff = d["event"], d["effective_date"]
    if event == "open_enrollment":
        w = open_window(today, plan.plan_year_start)
        if w is None:
            nxt = db.session.execute(sa.select(EnrollmentWindow).where(
                EnrollmentWindow.plan_year_start == plan.plan_year_start)).scalars().first()
            when = (f"the {plan.plan_year_start.year} window is {nxt.opens_on:%b %-d} to {nxt.closes_on:%b %-d, %Y} "
                    f"({nxt.status})") if nxt else f"no open enrollment is scheduled for {plan.plan_year_start.year}"
            issues.append(Issue("event", f"open enrollment is not open today ({fmt_day(today)}): {when}",
                                "outside_window"))
            return None, None, None
        if eff is not None and eff != plan.plan_year_start:
            issues.append(Issue("effective_date", f"open-enrollment elections take effect when the plan year "
                                                  f"starts, {fmt_day(plan.plan_year_start)}"))
        return plan.plan_year_start, w.id, None
    if event == "new_hire":
        result = check(_plan_rules(plan), _facts(ctx, today, True), today)
        if not result.eligible or result.eligible_from is None:
            return None, None, None          # the eligibility issue names plan_id
        if ctx.hire_date is not None and today > result.new_hire_window_closes:
            issues.append(Issue("event", f"the new-hire window closed on {fmt_day(result.new_hire_window_closes)} "
                                         "(30 days from eligibility); wait for open enrollment or a life event",
                                "outside_window"))
            return None, None, None
        eff = eff or result.eligible_from
        if eff < result.eligible_from:
            issues.append(Issue("effective_date", f"coverage can start no earlier than {fmt_day(result.eligible_from)} "
                                                  "(the waiting period)"))
        return eff, None, None
    if event == "aca_full_time":
        w = aca_window_open(ctx.worker.id, today)
        if w is None or not _aca_covers(w, plan):
            issues.append(Issue("event", "no ACA enrollment window of yours is open for this plan (it opens when the "
                                         "look-back finds you full time)", "outside_window"))
            return None, None, None
        first = aca_effective(w, today)
        eff = eff or first
        if not (first <= eff <= w.stability_end):
            issues.append(Issue("effective_date", f"coverage for your stability period starts between "
                                                  f"{fmt_day(first)} and {fmt_day(w.stability_end)}"))
        return eff, None, None
    # a qualifying life event: HR approved it and its window is still open
    stmt = sa.select(LifeEvent).where(LifeEvent.worker_id == ctx.worker.id, LifeEvent.status == "approved")
    if d["life_event_id"] is not None:
        stmt = stmt.where(LifeEvent.id == d["life_event_id"])
    ev = db.session.execute(stmt.order_by(LifeEvent.event_date.desc())).scalars().first()
    if ev is None:
        issues.append(Issue("event", "no approved life event of yours: report it (with its document) and wait "
                                     "for HR's approval", "outside_window"))
        return None, None, None
    if ev.window_closes_on is not None and today > ev.window_closes_on:
        issues.append(Issue("event", f"the window for your {ev.kind.replace('_', ' ')} on {fmt_day(ev.event_date)} "
                                     f"closed on {fmt_day(ev.window_closes_on)}", "outside_window"))
        return None, None, None
    rule_eff = rules.life_event_window(ev.kind, ev.event_date, today).effective_date
    if eff is not None and eff < rule_eff:
        issues.append(Issue("effective_date", f"a change for your {ev.kind.replace('_', ' ')} takes effect on "
                                              f"{fmt_day(rule_eff)} at the earliest"))
    return (eff or rule_eff), None, ev.id


def _check_health(d: dict, plan: BenefitPlan, eff: date, worker_id: int, issues: list[Issue]) -> list[Dependent]:
    if d["waive"]:
        return []
    tiers = {t.tier for t in plan.tiers}
    if d["coverage_tier"] is None:
        issues.append(Issue("coverage_tier", f"choose a tier: {', '.join(sorted(tiers))}", "required"))
        return []
    if d["coverage_tier"] not in tiers:
        issues.append(Issue("coverage_tier", f"{plan.name} has no {TIER_LABELS[d['coverage_tier']].lower()} tier; "
                                             f"it offers {', '.join(sorted(tiers))}"))
        return []
    deps = db.session.execute(sa.select(Dependent).where(Dependent.id.in_(d["dependent_ids"] or [0]))
                              ).scalars().all() if d["dependent_ids"] else []
    found = {x.id: x for x in deps if x.worker_id == worker_id and x.active}
    missing = [i for i in d["dependent_ids"] if i not in found]
    if missing:
        issues.append(Issue("dependent_ids", f"no dependent {', '.join(map(str, missing))} of this worker",
                            "not_found"))
        return []
    for dep in found.values():
        if dep.relationship == "child" and rules.child_too_old(dep.birth_date, eff):
            issues.append(Issue("dependent_ids", f"{dep.full_name} is 26 or older on {fmt_day(eff)}: a child is "
                                                 "covered until their 26th birthday (PHS Act 2714)", "too_old"))
    problem = rules.tier_problem(d["coverage_tier"], [x.relationship for x in found.values()])
    if problem:
        issues.append(Issue("coverage_tier", problem))
    return list(found.values())


def _check_other(d: dict, plan: BenefitPlan, issues: list[Issue]) -> None:
    if plan.kind == "401k":
        if not d["waive"] and not (d["deferral_percent"] or d["roth_percent"] or d.get("deferral_amount")
                                   or d.get("roth_amount")):
            issues.append(Issue("deferral_percent", "give deferral_percent and/or roth_percent (0.06 is 6%), or a "
                                                    "deferral_amount / roth_amount a paycheck, or waive", "required"))
    elif plan.kind in ACCOUNT_KINDS and not d["waive"]:
        if not d["annual_amount"]:
            issues.append(Issue("annual_amount", "give the amount a year to put in", "required"))
        elif plan.max_annual_amount is not None and d["annual_amount"] > plan.max_annual_amount:
            issues.append(Issue("annual_amount", f"is over this plan's limit of {plan.max_annual_amount} a year"))


# --- elections -------------------------------------------------------------------------------------------------

def _same_slot(worker_id: int, plan: BenefitPlan):
    """Enrollments an election replaces: the worker's in the same kind of plan (one medical, one 401(k), ...)."""
    return (sa.select(Enrollment).join(BenefitPlan, BenefitPlan.id == Enrollment.plan_id)
            .where(Enrollment.worker_id == worker_id, BenefitPlan.kind == plan.kind,
                   Enrollment.status != "cancelled"))


def _end_payroll_rows(enrollment_id: int, end: date | None) -> None:
    """End (on `end`) or, when `end` is None or before they start, stop the payroll rows of an enrollment."""
    for model, update in ((WorkerDeduction, pay.update_deduction), (EmployerContribution, pay.update_contribution)):
        rows = db.session.execute(sa.select(model).where(model.external_ref.like(ref(enrollment_id) + "%"))
                                  ).scalars().all()
        for row in rows:
            if row.external_ref not in (ref(enrollment_id), ref(enrollment_id, "roth")):
                continue
            if end is None or end < row.start_date:
                update(row.id, {"status": "ended"})
            elif row.end_date is None or row.end_date > end:
                update(row.id, {"end_date": end.isoformat()})


def end_elections(worker_id: int, last_day: date, kinds: tuple[str, ...] = HEALTH_KINDS) -> list[int]:
    """End the worker's elections of these kinds of plan on `last_day` (coverage lost: a termination, a reduction of
    hours, a reclassification), with their payroll rows; an election not started by then is cancelled. Returns the
    ids of the elections it changed. The caller's transaction holds it."""
    changed = []
    for e in db.session.execute(
            sa.select(Enrollment).join(BenefitPlan, BenefitPlan.id == Enrollment.plan_id)
            .where(Enrollment.worker_id == worker_id, BenefitPlan.kind.in_(kinds), Enrollment.status == "active",
                   sa.or_(Enrollment.end_date.is_(None), Enrollment.end_date > last_day))).scalars().all():
        if e.effective_date > last_day:
            e.status = "cancelled"
            _end_payroll_rows(e.id, None)
        else:
            e.end_date = last_day
            _end_payroll_rows(e.id, last_day)
        changed.append(e.id)
    db.session.flush()
    return changed


def _replace(worker_id: int, plan: BenefitPlan, eff: date) -> int | None:
    """End the elections the new one replaces the day before it starts (cancel those not started yet)."""
    replaced = None
    for old in db.session.execute(_same_slot(worker_id, plan)).scalars().all():
        if old.end_date is not None and old.end_date < eff:
            continue
        if old.effective_date >= eff:
            old.status = "cancelled"
            _end_payroll_rows(old.id, None)
        else:
            old.end_date = eff - timedelta(days=1)
            _end_payroll_rows(old.id, old.end_date)
        replaced = old.id
    db.session.flush()
    return replaced


def _write_payroll_rows(e: Enrollment, plan: BenefitPlan, ctx: _Context) -> None:
    """The recurring deduction and employer contribution rows of an election (source `benefits`)."""
    if e.waived:
        return
    base = {"start_date": e.effective_date.isoformat(), "source": "benefits",
            "end_date": e.end_date.isoformat() if e.end_date else None,
            "note": f"{plan.name}" + (f", {TIER_LABELS[e.coverage_tier].lower()}" if e.coverage_tier else "")}
    if plan.kind == "401k":
        for code, pct, amount, part in (("401k", e.deferral_percent, e.deferral_amount, ""),
                                        ("roth_401k", e.roth_percent, e.roth_amount, "roth")):
            if pct or amount:
                pay.create_deduction(e.worker_id, {**base, "code": code, "external_ref": ref(e.id, part),
                                                   **({"percent": str(pct)} if pct else {"amount": str(amount)})})
        if plan.match:
            match = {f"match_up_to_{i}": str(u) for i, (u, _r) in enumerate(plan.match, 1)}
            match.update({f"match_rate_{i}": str(r) for i, (_u, r) in enumerate(plan.match, 1)})
            pay.create_contribution(e.worker_id, {**base, "code": "401k_match", "external_ref": ref(e.id), **match})
        return
    extra = {}
    if plan.kind == "commuter" and "commuter_kind" in pay.DEDUCTION_FIELDS:      # the field comes with 0092 (B)
        extra["commuter_kind"] = plan.commuter_kind or "transit"
    if plan.kind == "hsa":
        hdhp = _hdhp_enrollment(e.worker_id, e.effective_date)
        extra["hsa_coverage"] = "self_only" if hdhp is None or hdhp.coverage_tier == "employee" else "family"
    if e.per_paycheck_employee:
        pay.create_deduction(e.worker_id, {**base, **extra, "code": DEDUCTION_CODE[plan.kind],
                                           "amount": str(e.per_paycheck_employee), "external_ref": ref(e.id)})
    if e.per_paycheck_employer:
        code = HEALTH_EMPLOYER if plan.kind in HEALTH_KINDS else "hsa_employer" if plan.kind == "hsa" else None
        if code is not None:
            pay.create_contribution(e.worker_id, {**base, **extra, "code": code,
                                                  "amount": str(e.per_paycheck_employer), "external_ref": ref(e.id)})


def paychecks_left(ctx: _Context, start: date, end: date) -> int:
    """The worker's pay dates from `start` to `end` (the plan year's end): from the leased engagement's pay
    schedule (payroll.calendar), else the year's paychecks prorated by days, rounded up; at least one."""
    leased = next((e for e in ctx.engagements if e.type == "leased_employee"), None)
    schedule = db.session.get(PaySchedule, leased.pay_schedule_id) if leased is not None and \
        leased.pay_schedule_id else None
    if schedule is not None:
        n = len(schedule_periods(schedule.frequency, schedule.anchor_start, schedule.pay_lag_days, start, end))
    else:
        n = -(-ctx.periods * ((end - start).days + 1) // 365)
    return max(1, min(n, ctx.periods))


def _price(e: Enrollment, plan: BenefitPlan, ctx: _Context) -> None:
    e.pay_periods = ctx.periods
    if e.waived:
        return
    if plan.kind in HEALTH_KINDS:
        cost = next(t for t in tier_costs(plan, ctx.client_id, ctx.periods) if t.tier == e.coverage_tier)
        e.employer_monthly = cost.employer_monthly
        e.employee_monthly = cost.monthly_premium - cost.employer_monthly
        e.per_paycheck_employee, e.per_paycheck_employer = cost.per_paycheck_employee, cost.per_paycheck_employer
    elif plan.kind in ACCOUNT_KINDS:      # the year's election over the paychecks left in the plan year
        e.per_paycheck_employee = rules.annual_per_paycheck(
            e.annual_amount, paychecks_left(ctx, e.effective_date, plan.plan_year_end))
        employer = account_employer_monthly(plan, ctx.client_id) if plan.kind == "hsa" else ZERO
        e.employer_monthly = employer
        e.per_paycheck_employer = rules.per_paycheck(employer, ctx.periods)


def _elect(d: dict, plan: BenefitPlan, ctx: _Context, eff: date, *, window_id=None, life_event_id=None,
           dependents=()) -> Enrollment:
    replaced = _replace(ctx.worker.id, plan, eff)
    e = Enrollment(worker_id=ctx.worker.id, plan_id=plan.id, event=d["event"], status="active", effective_date=eff,
                   end_date=plan.plan_year_end, waived=d["waive"], waive_reason=d["reason"] if d["waive"] else "",
                   coverage_tier=None if d["waive"] else d["coverage_tier"],
                   deferral_percent=None if d["waive"] else d["deferral_percent"],
                   roth_percent=None if d["waive"] else d["roth_percent"],
                   deferral_amount=None if d["waive"] else d.get("deferral_amount"),
                   roth_amount=None if d["waive"] else d.get("roth_amount"),
                   annual_amount=None if d["waive"] else d["annual_amount"],
                   window_id=window_id, life_event_id=life_event_id, replaces_id=replaced)
    e.dependents = list(dependents)
    _price(e, plan, ctx)
    db.session.add(e)
    db.session.flush()
    _write_payroll_rows(e, plan, ctx)
    return e


@transaction()
def enroll(data: dict) -> Enrollment:
    """Elect (or waive) one plan for a worker: the API's fields (worker_id, plan_id, event, effective_date,
    coverage_tier, dependent_ids, deferral_percent, roth_percent, annual_amount, waive, reason; life_event_id
    optional). Refused with every issue named (nothing saved) when: outside the event's window, not eligible (an
    HSA without an HDHP election), a tier the plan lacks, another worker's dependent, a child 26 or older, a
    percent over 100%. The election ends the one it replaces the day before it starts and becomes payroll rows
    with external_ref "benefit_enrollment:<id>"."""
    d = _parse(data)
    today = _today()
    plan = db.session.get(BenefitPlan, d["plan_id"])
    if plan is None or not plan.active:
        raise_if([Issue("plan_id", f"no active plan {d['plan_id']}", "not_found")])
    ctx = worker_context(d["worker_id"], today)
    issues: list[Issue] = []
    eff, window_id, event_id = _window_and_date(d, plan, ctx, today, issues)
    on = eff or today
    hdhp = _hdhp_enrollment(ctx.worker.id, on) is not None
    result = check(_plan_rules(plan), _facts(ctx, on, hdhp), on)
    if d["event"] == "aca_full_time" and eff is not None:
        result = dataclasses.replace(result, eligible=True)     # the look-back's full-time status makes it so
    if not result.eligible and not d["waive"] or (eff is None and not issues):
        issues.append(Issue("plan_id", result.reason, "not_eligible"))
    if eff is not None and not (plan.plan_year_start <= eff <= plan.plan_year_end):
        issues.append(Issue("effective_date", f"is outside the plan year {fmt_day(plan.plan_year_start)} to "
                                              f"{fmt_day(plan.plan_year_end)}"))
    deps = []
    if plan.kind in HEALTH_KINDS:
        if eff is not None:
            deps = _check_health(d, plan, eff, ctx.worker.id, issues)
    else:
        for key in ("coverage_tier", "dependent_ids"):
            if d[key]:
                issues.append(Issue(key, f"is for medical, dental and vision plans, not {plan.kind}"))
        _check_other(d, plan, issues)
    raise_if(issues)
    return _elect(d, plan, ctx, eff, window_id=window_id, life_event_id=event_id, dependents=deps)


def _as_str(x) -> str | None:
    return None if x is None else str(x)


def election_item(e: Enrollment, on: date, ctx: _Context | None = None) -> dict:
    """One election as the API shows it; per-paycheck amounts as strings ("123.45"). For a 401(k) percent they
    are an estimate from the worker's rate and pay frequency (the paycheck computes the real figure)."""
    plan = e.plan
    employee, employer = e.per_paycheck_employee, e.per_paycheck_employer
    estimate = False
    if plan.kind == "401k" and not e.waived:
        gross = ctx.expected_gross if ctx is not None else None
        pct = (e.deferral_percent or ZERO) + (e.roth_percent or ZERO)
        dollars = (e.deferral_amount or ZERO) + (e.roth_amount or ZERO)
        if gross and dollars:           # a dollar election is that share of the expected paycheck
            pct += dollars / gross
        if gross is not None:
            employee = round_cents(gross * pct)
            employer = ZERO
            left, deferral = ZERO, pct
            for up_to, rate in plan.match:
                part = min(deferral - left, up_to) if deferral > left else ZERO
                employer += round_cents(gross * max(part, ZERO) * rate)
                left += up_to
            estimate = True
    return {"id": e.id, "plan_id": plan.id, "plan_name": plan.name, "kind": plan.kind, "carrier": plan.carrier,
            "event": e.event, "status": "pending" if e.effective_date > on else e.status,
            "effective_date": e.effective_date.isoformat(), "end_date": _as_str(e.end_date),
            "coverage_tier": e.coverage_tier, "dependent_ids": [x.id for x in e.dependents],
            "deferral_percent": _as_str(e.deferral_percent), "roth_percent": _as_str(e.roth_percent),
            "deferral_amount": _as_str(e.deferral_amount), "roth_amount": _as_str(e.roth_amount),
            "annual_amount": _as_str(e.annual_amount), "waived": e.waived, "waive_reason": e.waive_reason,
            "employee_monthly": _as_str(e.employee_monthly), "employer_monthly": _as_str(e.employer_monthly),
            "per_paycheck_employee": str(employee if employee is not None else ZERO),
            "per_paycheck_employer": str(employer if employer is not None else ZERO),
            "per_paycheck_is_estimate": estimate}


def current_elections(worker_id: int, on: date) -> list[dict]:
    """The worker's elections and waivers in force on `on` or starting later (not cancelled, not ended before)."""
    ctx = worker_context(worker_id, on)
    rows = db.session.execute(
        sa.select(Enrollment).where(Enrollment.worker_id == worker_id, Enrollment.status != "cancelled",
                                    sa.or_(Enrollment.end_date.is_(None), Enrollment.end_date >= on))
        .order_by(Enrollment.effective_date, Enrollment.id)).scalars().all()
    return [election_item(e, on, ctx) for e in rows]


def elections_in_force(worker_id: int, on: date):
    """How many of current_elections(worker_id, on) are elections, not waivers, as a scalar subquery: the portal
    home's card reads it with the home's other figures (no worker context, no plan or dependants per election)."""
    return sa.select(sa.func.count()).select_from(Enrollment).where(
        Enrollment.worker_id == worker_id, Enrollment.status != "cancelled", Enrollment.waived.is_(False),
        sa.or_(Enrollment.end_date.is_(None), Enrollment.end_date >= on)).scalar_subquery()


# --- retro -----------------------------------------------------------------------------------------------------

def _released():
    return PayrollRun.state.in_(("approved", "paid"))


def retro_preview(enrollment_id: int) -> list[dict]:
    """For an election effective in the past: each paycheck since (approved or paid runs) with what the
    election would have deducted (a fixed amount per paycheck, or the percent of the paycheck's gross) against
    what it did deduct under this enrollment (nothing: its rows start now), and the difference."""
    e = db.session.get(Enrollment, enrollment_id)
    if e is None:
        raise NotFound(f"enrollment {enrollment_id} not found")
    if e.waived:
        return []
    created = e.created_at.date() if e.created_at else _today()
    checks = db.session.execute(
        sa.select(Paycheck).join(PayrollRun, PayrollRun.id == Paycheck.run_id)
        .where(Paycheck.worker_id == e.worker_id, Paycheck.worker_type == "employee",
               Paycheck.pay_date >= e.effective_date, Paycheck.pay_date <= created, _released())
        .order_by(Paycheck.pay_date, Paycheck.id)).scalars().all()
    out = []
    for pc in checks:
        if e.per_paycheck_employee and e.plan.kind != "401k":
            would = e.per_paycheck_employee
        else:
            would = (round_cents(pc.gross * ((e.deferral_percent or ZERO) + (e.roth_percent or ZERO)))
                     + (e.deferral_amount or ZERO) + (e.roth_amount or ZERO))
        out.append({"paycheck_id": pc.id, "pay_date": pc.pay_date.isoformat(), "gross": str(pc.gross),
                    "code": "401k" if e.plan.kind == "401k" else DEDUCTION_CODE.get(e.plan.kind, ""),
                    "would_deduct": str(would), "deducted": "0.00", "difference": str(would)})
    return out


def retro_applied(enrollment_id: int) -> WorkerDeduction | None:
    """The one-time retro deduction already created for this enrollment, if any."""
    return db.session.execute(sa.select(WorkerDeduction).where(
        WorkerDeduction.external_ref == ref(enrollment_id, "retro"))).scalar_one_or_none()


@transaction()
def apply_retro(enrollment_id: int) -> WorkerDeduction | None:
    """Collect the retro difference as a one-time deduction on the next paycheck (goal = amount = the total)."""
    rows = retro_preview(enrollment_id)
    total = sum((D(r["difference"]) for r in rows), ZERO)
    if total <= 0:
        return None
    e = db.session.get(Enrollment, enrollment_id)
    return pay.create_deduction(e.worker_id, {
        "code": rows[0]["code"], "amount": str(total), "goal": str(total), "start_date": _today().isoformat(),
        "source": "benefits", "external_ref": ref(enrollment_id, "retro"),
        "note": f"retro for {len(rows)} paycheck(s) since {fmt_day(e.effective_date)}"})


# --- dependents, beneficiaries, life events --------------------------------------------------------------------

DEPENDENT_FIELDS = ("first_name", "last_name", "relationship", "birth_date", "ssn")


@transaction()
def add_dependent(worker_id: int, data: dict) -> Dependent:
    """A spouse, domestic partner or child of the worker; the SSN (optional) is encrypted, shown masked."""
    if db.session.get(Worker, worker_id) is None:
        raise NotFound(f"worker {worker_id} not found")
    issues: list[Issue] = []
    if not isinstance(data, dict):
        raise_if([Issue("body", "must be a JSON object")])
    for key in sorted(k for k in data if k not in DEPENDENT_FIELDS):
        issues.append(Issue(str(key), "is not a field of a dependent", "unknown_field"))
    v.required(data, ["first_name", "last_name"], issues)
    rel = v.choice("relationship", data.get("relationship"), RELATIONSHIPS, issues)
    born = v.a_date("birth_date", data.get("birth_date"), issues)
    if born is not None and born > _today():
        issues.append(Issue("birth_date", "is in the future"))
    ssn = v.ssn("ssn", data["ssn"], issues) if data.get("ssn") else None
    for key in ("first_name", "last_name"):
        if len(str(data.get(key) or "")) > 100:
            issues.append(Issue(key, "must be at most 100 characters"))
    raise_if(issues)
    digits = ssn.replace("-", "") if ssn else None
    dep = Dependent(worker_id=worker_id, first_name=str(data["first_name"]).strip(),
                    last_name=str(data["last_name"]).strip(), relationship=rel, birth_date=born, ssn=digits,
                    ssn_last4=digits[-4:] if digits else "")
    db.session.add(dep)
    db.session.flush()
    return dep


BENEFICIARY_FIELDS = ("plan_kind", "level", "name", "relationship", "birth_date", "dependent_id", "share_percent")


@transaction()
def add_beneficiary(worker_id: int, data: dict) -> Beneficiary:
    """A primary or contingent beneficiary of the worker's 401(k) or life benefit; the shares of one level may not
    add up to more than 100%."""
    if db.session.get(Worker, worker_id) is None:
        raise NotFound(f"worker {worker_id} not found")
    issues: list[Issue] = []
    for key in sorted(k for k in data if k not in BENEFICIARY_FIELDS):
        issues.append(Issue(str(key), "is not a field of a beneficiary", "unknown_field"))
    kind = v.choice("plan_kind", data.get("plan_kind"), BENEFICIARY_PLANS, issues)
    level = v.choice("level", data.get("level") or "primary", BENEFICIARY_LEVELS, issues)
    dep_id = _int_id("dependent_id", data.get("dependent_id"), issues, required=False)
    dep = db.session.get(Dependent, dep_id) if dep_id else None
    if dep_id and (dep is None or dep.worker_id != worker_id):
        issues.append(Issue("dependent_id", f"no dependent {dep_id} of this worker", "not_found"))
        dep = None
    name = str(data.get("name") or (dep.full_name if dep else "")).strip()
    if not name or len(name) > 200:
        issues.append(Issue("name", "is required (at most 200 characters)", "required"))
    share = fraction_field("share_percent", data.get("share_percent"), issues)
    if share is None and "share_percent" not in [i.field for i in issues]:
        issues.append(Issue("share_percent", "is required (a fraction: 0.5 is 50%)", "required"))
    elif share is not None and share <= 0:
        issues.append(Issue("share_percent", "must be more than zero"))
    born = v.a_date("birth_date", data.get("birth_date"), issues, required_=False) if data.get("birth_date") else None
    if share and kind and level and not issues:
        held = sum(db.session.execute(sa.select(Beneficiary.share_percent).where(
            Beneficiary.worker_id == worker_id, Beneficiary.plan_kind == kind, Beneficiary.level == level)).scalars(),
            ZERO)
        if held + share > 1:
            issues.append(Issue("share_percent", f"the {level} shares would add up to {(held + share) * 100:.0f}% "
                                                 "(at most 100%)"))
    raise_if(issues)
    b = Beneficiary(worker_id=worker_id, plan_kind=kind, level=level, name=name,
                    relationship=str(data.get("relationship") or (dep.relationship if dep else ""))[:40],
                    birth_date=born or (dep.birth_date if dep else None), dependent_id=dep.id if dep else None,
                    share_percent=share)
    db.session.add(b)
    db.session.flush()
    return b


@transaction()
def request_life_event(worker_id: int, data: dict, document: tuple[str, bytes] | None) -> LifeEvent:
    """A qualifying life event the worker reports, with its document (PDF, PNG or JPEG, at most 10 MiB), within
    30 days of it (60 for a birth or adoption); HR approves or denies it."""
    if db.session.get(Worker, worker_id) is None:
        raise NotFound(f"worker {worker_id} not found")
    issues: list[Issue] = []
    for key in sorted(k for k in data if k not in ("kind", "event_date", "notes")):
        issues.append(Issue(str(key), "is not a field of a life event", "unknown_field"))
    kind = v.choice("kind", data.get("kind"), QUALIFYING_EVENTS, issues)
    day = v.a_date("event_date", data.get("event_date"), issues)
    today = _today()
    if day is not None and kind is not None:
        if day > today:
            issues.append(Issue("event_date", "is in the future: report the event once it has happened"))
        else:
            closes = rules.life_event_window(kind, day).closes_on
            if today > closes:
                issues.append(Issue("event_date", f"a {kind.replace('_', ' ')} must be reported within "
                                                  f"{rules.LIFE_EVENT_DAYS[kind]} days; that was {fmt_day(closes)}",
                                    "outside_window"))
    notes = data.get("notes") or ""
    if not isinstance(notes, str) or len(notes) > 2000:
        issues.append(Issue("notes", "must be text of at most 2000 characters"))
    name, content = document if document else (None, None)
    if content is not None:
        if len(content) > MAX_DOCUMENT_BYTES:
            issues.append(Issue("document", "is over 10 MiB", "too_large"))
        elif not any(content.startswith(magic) for magic in DOCUMENT_TYPES):
            issues.append(Issue("document", "must be a PDF, PNG or JPEG", "invalid_type"))
    raise_if(issues)
    ev = LifeEvent(worker_id=worker_id, kind=kind, event_date=day, status="requested", source="worker",
                   notes=notes.strip(), document_name=(name or "document")[:200] if content else None,
                   document=content)
    db.session.add(ev)
    db.session.flush()
    return ev


@transaction()
def decide_life_event(event_id: int, approve: bool, reason: str = "", user_id: int | None = None) -> LifeEvent:
    """HR approves (the worker's window opens: 30 days from the approval, 60 for a birth or adoption) or denies
    with a reason."""
    ev = db.session.get(LifeEvent, event_id)
    if ev is None:
        raise NotFound(f"life event {event_id} not found")
    if ev.status != "requested":
        raise DomainError(f"this life event is {ev.status}, not awaiting a decision", code="illegal_state")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise_if([Issue("reason", "a denial needs its reason", "required")])
    today = _today()
    ev.status = "approved" if approve else "denied"
    ev.decision_reason = reason[:500]
    ev.decided_at = clock().now()
    ev.decided_by_id = user_id
    if approve:
        ev.window_closes_on = rules.life_event_window(ev.kind, max(ev.event_date, today)).closes_on
    db.session.flush()
    return ev


# --- open enrollment: closing it ---------------------------------------------------------------------------

# Health FSA and dependent-care FSA elections are made each plan year (they do not carry over here).
NO_ROLLOVER = ("fsa", "dcfsa")


@transaction()
def close_enrollment(window_id: int) -> dict:
    """Close open enrollment. Workers who made no election (or waiver) for a kind of plan in the new plan year
    keep last year's: the plan of the same name in the new year, same tier, dependents, percents and amounts
    (not a health or dependent-care FSA); leased employees with no 401(k) election at all get the 401(k) plan's
    automatic-enrollment default percent. Returns counts."""
    w = db.session.get(EnrollmentWindow, window_id)
    if w is None:
        raise NotFound(f"enrollment window {window_id} not found")
    if w.status != "open":
        raise DomainError(f"this window is {w.status}; only an open window closes", code="illegal_state")
    w.status, w.closed_at = "closed", clock().now()
    new_plans = db.session.execute(sa.select(BenefitPlan).where(BenefitPlan.plan_year_start == w.plan_year_start,
                                                                BenefitPlan.active.is_(True))).scalars().all()
    by_name = {p.name: p for p in new_plans}
    last_day = w.plan_year_start - timedelta(days=1)
    chosen = {(wid, kind) for wid, kind in db.session.execute(
        sa.select(Enrollment.worker_id, BenefitPlan.kind).join(BenefitPlan, BenefitPlan.id == Enrollment.plan_id)
        .where(BenefitPlan.plan_year_start == w.plan_year_start, Enrollment.status != "cancelled"))}
    olds = db.session.execute(
        sa.select(Enrollment).join(BenefitPlan, BenefitPlan.id == Enrollment.plan_id)
        .where(Enrollment.status != "cancelled", Enrollment.effective_date <= last_day,
               sa.or_(Enrollment.end_date.is_(None), Enrollment.end_date >= last_day))
        .order_by(Enrollment.worker_id, Enrollment.id)).scalars().all()
    kept = defaulted = 0
    ctxs: dict[int, _Context] = {}
    for old in olds:
        plan = by_name.get(old.plan.name)
        if plan is None or plan.kind in NO_ROLLOVER or (old.worker_id, plan.kind) in chosen:
            continue
        if plan.kind in HEALTH_KINDS and not old.waived and old.coverage_tier not in {t.tier for t in plan.tiers}:
            continue
        ctx = ctxs.setdefault(old.worker_id, worker_context(old.worker_id, w.plan_year_start))
        d = {"event": "open_enrollment", "waive": old.waived, "reason": old.waive_reason,
             "coverage_tier": old.coverage_tier, "deferral_percent": old.deferral_percent,
             "roth_percent": old.roth_percent, "annual_amount": old.annual_amount,
             "deferral_amount": old.deferral_amount, "roth_amount": old.roth_amount}
        carried = _elect(d, plan, ctx, w.plan_year_start, window_id=w.id,
                         dependents=[x for x in old.dependents if not (
                             x.relationship == "child" and rules.child_too_old(x.birth_date, w.plan_year_start))])
        carried.auto_enrolled = old.auto_enrolled
        chosen.add((old.worker_id, plan.kind))
        kept += 1
    for plan in new_plans:
        if plan.kind != "401k" or not plan.default_deferral_percent:
            continue
        leased = db.session.execute(sa.select(Engagement.worker_id).distinct().where(
            Engagement.type == "leased_employee", Engagement.status == "active",
            sa.or_(Engagement.end_date.is_(None), Engagement.end_date >= w.plan_year_start))).scalars().all()
        for wid in leased:
            if (wid, "401k") in chosen:
                continue
            ctx = ctxs.setdefault(wid, worker_context(wid, w.plan_year_start))
            if not check(_plan_rules(plan), _facts(ctx, w.plan_year_start, False), w.plan_year_start).eligible:
                continue
            default = _elect({"event": "open_enrollment", "waive": False, "reason": "", "coverage_tier": None,
                              "deferral_percent": plan.default_deferral_percent, "roth_percent": None,
                              "annual_amount": None}, plan, ctx, w.plan_year_start, window_id=w.id)
            default.auto_enrolled = True        # escalated each year by retirement_services.escalate_deferrals
            chosen.add((wid, "401k"))
            defaulted += 1
    db.session.flush()
    return {"kept": kept, "defaulted": defaulted}

