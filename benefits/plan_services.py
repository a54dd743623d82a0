"""Benefits plan administration (HR): plans and their plan years, coverage tiers and rates, the employer's
contribution rules per client, and scheduling and opening open-enrollment windows (closing one, which carries
elections over, is an election service: benefits.services.close_enrollment). One transaction each."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backoffice import validation as v
from backoffice.errors import DomainError, Issue, NotFound, ValidationFailed, raise_if
from backoffice.extensions import db
from backoffice.notifications.services import Notice, notify_many
from backoffice.uow import transaction
from backoffice.workers.models import Engagement, Worker
from benefits.engine.eligibility import MAX_WAITING_DAYS
from benefits.models import (COMMUTER_KINDS, HEALTH_KINDS, NETWORK_TYPES, PLAN_KINDS, RULE_METHODS, TIER_LABELS,
                             BenefitPlan, Carrier, ClientContributionRule, EnrollmentWindow, PlanTier,
                             VESTING_SCHEDULES)
from benefits.services import fraction_field, money_field
from payroll.engine.retirement import auto_enroll_percent


# --- open-enrollment windows ------------------------------------------------------------------------------------------

@transaction()
def create_window(plan_year_start: date, opens_on: date, closes_on: date) -> EnrollmentWindow:
    issues = []
    if closes_on < opens_on:
        issues.append(Issue("closes_on", "is before the window opens"))
    if opens_on >= plan_year_start:
        issues.append(Issue("opens_on", "must be before the plan year starts"))
    if db.session.execute(sa.select(EnrollmentWindow.id).where(
            EnrollmentWindow.kind == "open_enrollment", EnrollmentWindow.plan_year_start == plan_year_start)).first():
        issues.append(Issue("plan_year_start", f"there is already an open enrollment for {plan_year_start.year}",
                            "duplicate"))
    raise_if(issues)
    w = EnrollmentWindow(kind="open_enrollment", plan_year_start=plan_year_start, opens_on=opens_on,
                         closes_on=closes_on, status="scheduled")
    db.session.add(w)
    db.session.flush()
    return w


@transaction()
def open_enrollment(window_id: int) -> EnrollmentWindow:
    w = db.session.get(EnrollmentWindow, window_id)
    if w is None:
        raise NotFound(f"enrollment window {window_id} not found")
    if w.status != "scheduled":
        raise DomainError(f"this window is {w.status}; only a scheduled window opens", code="illegal_state")
    w.status = "open"
    db.session.flush()
    notify_window_open(w)
    return w


def notify_window_open(w: EnrollmentWindow) -> int:
    """Tell every active worker with an active engagement that open enrollment is open (once per window and
    worker: the key); the benefits page says which plans they may choose."""
    workers = db.session.execute(sa.select(Worker.id).where(Worker.status == "active", Worker.id.in_(
        sa.select(Engagement.worker_id).where(Engagement.status == "active"))).order_by(Worker.id)).scalars()
    return notify_many(Notice(wid, "enrollment_open", f"enrollment_open:{w.id}:{wid}",
                              f"Open enrollment for {w.plan_year_start.year} is open until {w.closes_on:%b %-d}",
                              f"Choose or change your medical, dental, vision and other plans for the plan year "
                              f"starting {w.plan_year_start:%b %-d, %Y} by {w.closes_on:%b %-d, %Y}.", w.id)
                       for wid in workers)


# --- plans, tiers and contribution rules (HR) -----------------------------------------------------------------

PLAN_FIELDS = ("kind", "name", "carrier", "carrier_id", "network_type", "plan_year_start", "plan_year_end",
               "deductible_individual", "deductible_family", "out_of_pocket_individual", "out_of_pocket_family",
               "waiting_days", "min_weekly_hours", "contractors_eligible", "hdhp", "match_up_to_1", "match_rate_1",
               "match_up_to_2", "match_rate_2", "default_deferral_percent", "max_annual_amount", "commuter_kind",
               "source_note", "vesting_schedule", "escalation_step", "escalation_cap", "match_true_up",
               "active")
_PLAN_MONEY = ("deductible_individual", "deductible_family", "out_of_pocket_individual", "out_of_pocket_family",
               "max_annual_amount", "min_weekly_hours")
_PLAN_FRACTIONS = ("match_up_to_1", "match_rate_1", "match_up_to_2", "match_rate_2", "default_deferral_percent",
                   "escalation_step", "escalation_cap")


CARRIER_FIELDS = ("code", "name", "fein", "receiver_qualifier", "receiver_id", "group_number", "contact_email",
                  "active")


@transaction()
def save_carrier(data: dict, carrier_id: int | None = None) -> Carrier:
    """Create a carrier, or change one (`carrier_id`); every problem named by its field."""
    current = db.session.get(Carrier, carrier_id) if carrier_id is not None else None
    if carrier_id is not None and current is None:
        raise NotFound(f"carrier {carrier_id} not found")
    issues: list[Issue] = [Issue(str(k), "is not a field of a carrier", "unknown_field")
                           for k in sorted(data) if k not in CARRIER_FIELDS]
    out: dict = {}
    text = {k: str(data.get(k) if data.get(k) is not None else "").strip() for k in CARRIER_FIELDS if k in data}
    if "code" in text or current is None:
        code = text.get("code", "").upper()
        if not code or len(code) > 15 or not code.replace("_", "").replace("-", "").isalnum():
            issues.append(Issue("code", "is required: up to 15 letters, digits, - or _"))
        elif db.session.execute(sa.select(Carrier.id).where(Carrier.code == code,
                                                            Carrier.id != getattr(current, "id", 0))).first():
            issues.append(Issue("code", "another carrier has this code", "duplicate"))
        out["code"] = code
    for key, size, required in (("name", 120, True), ("receiver_id", 15, True), ("group_number", 30, False),
                                ("contact_email", 254, False)):
        if key in text or (current is None and required):
            value = text.get(key, "")
            if (required and not value) or len(value) > size:
                issues.append(Issue(key, f"is required (at most {size} characters)" if required
                                    else f"at most {size} characters"))
            out[key] = value
    if "fein" in text:
        fein = text["fein"].replace("-", "")
        if fein and not (fein.isdigit() and len(fein) == 9):
            issues.append(Issue("fein", "must be the carrier's 9-digit employer identification number"))
        out["fein"] = fein
    if "receiver_qualifier" in text:
        qual = text["receiver_qualifier"] or "ZZ"
        if qual not in ("01", "14", "20", "27", "28", "29", "30", "33", "ZZ"):
            issues.append(Issue("receiver_qualifier", "is not an ISA interchange id qualifier (e.g. ZZ, 30, 01)"))
        out["receiver_qualifier"] = qual
    if "active" in data:
        out["active"] = bool(data["active"])
    raise_if(issues)
    row = current or Carrier()
    for key, value in out.items():
        setattr(row, key, value)
    if current is None:
        db.session.add(row)
    db.session.flush()
    return row


def clean_plan(data: dict, current: BenefitPlan | None = None) -> dict:
    """Validated plan fields, every problem named (a partial change when `current` is given)."""
    issues: list[Issue] = []
    for key in sorted(k for k in data if k not in PLAN_FIELDS):
        issues.append(Issue(str(key), "is not a field of a plan", "unknown_field"))
    out: dict = {}
    given = (lambda k: k in data) if current is not None else (lambda k: True)
    if given("kind"):
        out["kind"] = v.choice("kind", data.get("kind"), PLAN_KINDS, issues)
    if given("name"):
        name = str(data.get("name") or "").strip()
        if not name or len(name) > 120:
            issues.append(Issue("name", "is required (at most 120 characters)", "required"))
        out["name"] = name
    for key, size in (("carrier", 120), ("source_note", 500)):
        if key in data:
            out[key] = str(data.get(key) or "").strip()[:size]
    if "carrier_id" in data:
        raw = data.get("carrier_id")
        if raw in (None, ""):
            out["carrier_id"] = None
        elif not str(raw).isdigit() or db.session.get(Carrier, int(raw)) is None:
            issues.append(Issue("carrier_id", "is not a carrier (see Benefits > Carriers)", "not_found"))
        else:
            out["carrier_id"] = int(raw)
    if "commuter_kind" in data:
        out["commuter_kind"] = v.choice("commuter_kind", data["commuter_kind"], COMMUTER_KINDS, issues,
                                        required_=False) or None
    if "network_type" in data:
        out["network_type"] = v.choice("network_type", data["network_type"], NETWORK_TYPES, issues,
                                       required_=False) or None
    for key in ("plan_year_start", "plan_year_end"):
        if given(key):
            out[key] = v.a_date(key, data.get(key), issues)
    for key in _PLAN_MONEY:
        if key in data:
            out[key] = money_field(key, data[key], issues)
    for key in _PLAN_FRACTIONS:
        if key in data:
            out[key] = fraction_field(key, data[key], issues)
    if "waiting_days" in data:
        raw = data.get("waiting_days")
        raw = 0 if raw in (None, "") else raw
        if not (isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit())) or isinstance(raw, bool):
            issues.append(Issue("waiting_days", "must be a whole number of days"))
        elif int(raw) > MAX_WAITING_DAYS:
            issues.append(Issue("waiting_days", "at most 90 days (29 CFR 2590.715-2708)"))
        else:
            out["waiting_days"] = int(raw)
    if "vesting_schedule" in data:
        out["vesting_schedule"] = v.choice("vesting_schedule", data["vesting_schedule"] or "immediate",
                                           VESTING_SCHEDULES, issues)
    for key in ("contractors_eligible", "hdhp", "active", "match_true_up"):
        if key in data:
            out[key] = bool(data[key])
    g = lambda k: out[k] if k in out else getattr(current, k, None)  # noqa: E731 - the value after the change
    if g("plan_year_start") and g("plan_year_end") and g("plan_year_end") < g("plan_year_start"):
        issues.append(Issue("plan_year_end", "is before the plan year starts"))
    for n in ("1", "2"):
        if (g("match_up_to_" + n) is None) != (g("match_rate_" + n) is None):
            issues.append(Issue("match_rate_" + n, f"give match_up_to_{n} and match_rate_{n} together"))
    if g("match_up_to_1") is not None and g("kind") != "401k":
        issues.append(Issue("match_up_to_1", "a match formula is for the 401(k) plan only"))
    if g("commuter_kind") is not None and g("kind") != "commuter":
        issues.append(Issue("commuter_kind", "is for commuter plans only"))
    _check_escalation(g, issues)
    if g("hdhp") and g("kind") != "medical":
        issues.append(Issue("hdhp", "only a medical plan is a high-deductible health plan"))
    if g("name") and g("plan_year_start") and db.session.execute(sa.select(BenefitPlan.id).where(
            BenefitPlan.name == g("name"), BenefitPlan.plan_year_start == g("plan_year_start"),
            BenefitPlan.id != getattr(current, "id", 0))).first():
        issues.append(Issue("name", "another plan of that plan year has this name", "duplicate"))
    raise_if(issues)
    return out


def _check_escalation(g, issues: list[Issue]) -> None:
    """Automatic escalation: step and cap together, on a 401(k) plan with a default percent, within IRC 414A
    (payroll.engine.retirement.auto_enroll_percent says what is out of bounds)."""
    step, cap = g("escalation_step"), g("escalation_cap")
    if step is None and cap is None:
        return
    if step is None or cap is None:
        issues.append(Issue("escalation_cap" if cap is None else "escalation_step",
                            "give escalation_step and escalation_cap together"))
    elif g("kind") != "401k" or g("default_deferral_percent") is None:
        issues.append(Issue("escalation_step", "escalation is for a 401(k) plan with a default_deferral_percent"))
    else:
        try:
            auto_enroll_percent(date(2026, 1, 1), date(2026, 1, 1), g("default_deferral_percent"), step, cap)
        except ValidationFailed as exc:
            names = {"initial": "default_deferral_percent", "step": "escalation_step", "cap": "escalation_cap"}
            issues += [Issue(names.get(i.field, i.field), i.message, i.code) for i in exc.issues]


@transaction()
def create_plan(data: dict) -> BenefitPlan:
    plan = BenefitPlan(**clean_plan(data))
    db.session.add(plan)
    db.session.flush()
    return plan


@transaction()
def update_plan(plan_id: int, data: dict) -> BenefitPlan:
    plan = db.session.get(BenefitPlan, plan_id)
    if plan is None:
        raise NotFound(f"benefit plan {plan_id} not found")
    for k, val in clean_plan(data, plan).items():
        setattr(plan, k, val)
    db.session.flush()
    return plan


@transaction()
def set_tier(plan_id: int, tier: str, monthly_premium) -> PlanTier:
    """Add or re-price a plan's coverage tier (unique per plan and tier, in the database too)."""
    plan = db.session.get(BenefitPlan, plan_id)
    issues: list[Issue] = []
    if plan is None:
        issues.append(Issue("plan_id", "choose the plan", "required"))
    elif plan.kind not in HEALTH_KINDS:
        issues.append(Issue("plan_id", "only medical, dental and vision plans have coverage tiers"))
    t = v.choice("tier", tier, tuple(TIER_LABELS), issues)
    premium = money_field("monthly_premium", monthly_premium, issues)
    if premium is None and not any(i.field == "monthly_premium" for i in issues):
        issues.append(Issue("monthly_premium", "is required", "required"))
    raise_if(issues)
    row = db.session.execute(sa.select(PlanTier).where(PlanTier.plan_id == plan_id, PlanTier.tier == t)
                             ).scalar_one_or_none()
    if row is None:
        row = PlanTier(plan_id=plan_id, tier=t, monthly_premium=premium)
        db.session.add(row)
    else:
        row.monthly_premium = premium
    db.session.flush()
    return row


@transaction()
def set_rule(plan_id: int, client_id: int | None, method: str, value, note: str = "") -> ClientContributionRule:
    """Set what the employer pays toward a plan for a client's workers (`client_id` None: the agency default)."""
    issues: list[Issue] = []
    if db.session.get(BenefitPlan, plan_id) is None:
        issues.append(Issue("plan_id", "choose the plan", "required"))
    m = v.choice("method", method, RULE_METHODS, issues)
    val = money_field("value", value, issues) if m == "flat" else fraction_field("value", value, issues)
    if val is None and not any(i.field == "value" for i in issues):
        issues.append(Issue("value", "is required (a fraction for a percent: 0.75 is 75%; dollars a month for "
                                     "flat)", "required"))
    raise_if(issues)
    row = db.session.execute(sa.select(ClientContributionRule).where(
        ClientContributionRule.plan_id == plan_id,
        ClientContributionRule.client_id.is_(None) if client_id is None
        else ClientContributionRule.client_id == client_id)).scalar_one_or_none()
    if row is None:
        row = ClientContributionRule(plan_id=plan_id, client_id=client_id, method=m, value=val, note=note or "")
        db.session.add(row)
    else:
        row.method, row.value, row.note = m, val, note or row.note
    db.session.flush()
    return row
