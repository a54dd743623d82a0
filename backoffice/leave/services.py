"""Paid leave: policies, balances and their ledger, and leave requests from the portal to the paycheck.

Every change of a balance is one ledger entry written by `post` (the balance row is locked first); requests move
through REQUEST_MACHINE (submitted → approved → paid, or declined / cancelled). An approved request becomes a
payroll adjustment the next regular run of its engagement pays; the hours leave the balance when that run is approved
(accrual_services.run_approved)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, NotFound, PermissionDenied, raise_if
from backoffice.extensions import db
from backoffice.leave import engine
from backoffice.leave.models import (HOURS, REASONS, SICK_REASONS, LeaveBalance, LeaveEntry, LeavePolicy,
                                     LeaveRequest)
from backoffice.money import HOURS as HOURS_KIND
from backoffice.money import D, ZERO, number_problem, round_cents
from backoffice.security.access import SCOPED_ROLES, can, scoped
from backoffice.states import transition
from backoffice.uow import for_update, transaction
from backoffice.validation import is_record_id
from backoffice.workers.models import Engagement, Worker
from payroll.models import Paycheck, PaycheckLine, PayrollAdjustment

EMPLOYEE = "leased_employee"
# Earning lines that are not pay for hours worked at the regular rate (Cal. Lab. Code 246(l)(2) leaves overtime
# premium pay out of the 90-day rate; leave already paid and reimbursements are not wages for hours worked).
NOT_RATE_WAGES = ("overtime_premium", "double_time_premium", "bonus_overtime_premium", "reimbursement",
                  "sick_leave", "paid_leave")
RATE_HOURS_CODES = ("regular", "piece", "project", "overtime", "double_time")
LOOKBACK_DAYS = 90       # Cal. Lab. Code 246(l)(2): "full pay periods of the prior 90 days of employment"


def hours(value) -> Decimal:
    """Leave hours to four places, half up (the engine's rounding)."""
    return D(value).quantize(HOURS, rounding=ROUND_HALF_UP)


def year_start(on: date, policy: LeavePolicy | None = None) -> date:
    """The first day of the policy year `on` falls in: the calendar year (the laws let the employer pick any fixed
    12 months; the agency uses January 1)."""
    return date(on.year, 1, 1)


# ------------------------------------------------------------------------------------------------ policies
def law_policy(jurisdiction: str) -> LeavePolicy:
    """The sick-leave policy of a jurisdiction's law, created the first time hours are worked there (its figures
    stay in the law data; the row carries who approves and the reasons)."""
    code = f"{jurisdiction.upper()}-SICK"
    policy = db.session.execute(sa.select(LeavePolicy).where(LeavePolicy.code == code)).scalar_one_or_none()
    if policy is None:
        record = engine.load_laws().get(jurisdiction.upper())
        if record is None:
            raise DomainError(f"no sick-leave law is held for {jurisdiction!r}", code="unknown_jurisdiction")
        policy = LeavePolicy(code=code, name=f"{record['name']} (paid sick leave)", kind="sick_law",
                             jurisdiction=jurisdiction.upper(), engagement_type=EMPLOYEE, approver="client_approver",
                             reasons=list(SICK_REASONS), allow_advance=False, advance_limit=ZERO)
        db.session.add(policy)
        db.session.flush()
    return policy


def own_policies_for(engagement) -> list[LeavePolicy]:
    """The agency's own PTO and holiday policies that cover an engagement: agency-wide, its client's, or its
    engagement type's."""
    return list(db.session.execute(sa.select(LeavePolicy).where(
        LeavePolicy.kind.in_(("pto", "holiday")), LeavePolicy.active.is_(True),
        sa.or_(LeavePolicy.client_id.is_(None), LeavePolicy.client_id == engagement.client_id),
        sa.or_(LeavePolicy.engagement_type == "", LeavePolicy.engagement_type == engagement.type))
        .order_by(LeavePolicy.id)).scalars())


def jurisdictions_of(engagement) -> tuple[str, ...]:
    """The sick-leave jurisdictions of an engagement's work site: its state's law and the city's or county's
    (the engagement's own city, else the client's address when it is in the work state)."""
    state = (engagement.work_state or "").upper()
    city = engagement.work_city or ""
    client = getattr(engagement, "client", None)
    if not city and client is not None and (client.state or "").upper() == state:
        city = client.city or ""
    return engine.jurisdictions_for(state, city, engagement.work_county or "")


def normal_day(worker_id: int, policy: LeavePolicy) -> Decimal | None:
    """The worker's normal workday under a sick-leave law, for its caps written "N hours or M days" (Cal. Lab. Code
    246(b)(4), (d)): the longest `normal_day_hours` of their active leased engagements whose work site falls under
    the law (the law takes whichever figure is more, so the longer day); None when none records one, or for the
    agency's own policies (their caps are hours)."""
    if policy.kind != "sick_law":
        return None
    days = [e.normal_day_hours for e in db.session.execute(sa.select(Engagement).where(
        Engagement.worker_id == worker_id, Engagement.type == EMPLOYEE, Engagement.status.in_(("pending", "active")),
        Engagement.normal_day_hours.is_not(None))).scalars() if policy.jurisdiction in jurisdictions_of(e)]
    return max(days) if days else None


POLICY_FIELDS = ("code", "name", "kind", "jurisdiction", "client_id", "engagement_type", "accrual_rate",
                 "annual_accrual_cap", "balance_cap", "allow_advance", "advance_limit", "approver", "reasons",
                 "documentation_after_days", "front_load", "active")


def _policy_issues(data: dict) -> list[Issue]:
    issues = [Issue(k, "cannot be set", "unknown_field") for k in sorted(set(data) - set(POLICY_FIELDS))]
    if data.get("kind") not in ("sick_law", "pto", "holiday"):
        issues.append(Issue("kind", "must be sick_law, pto or holiday"))
    if not (data.get("code") or "").strip():
        issues.append(Issue("code", "is required", "required"))
    if not (data.get("name") or "").strip():
        issues.append(Issue("name", "is required", "required"))
    if data.get("kind") == "sick_law" and (data.get("jurisdiction") or "").upper() not in engine.load_laws():
        issues.append(Issue("jurisdiction", "must be a jurisdiction the law data holds (backoffice leave policies)"))
    if data.get("kind") == "pto" and data.get("accrual_rate") in (None, ""):
        issues.append(Issue("accrual_rate", "a PTO policy earns hours per hour worked: give the rate", "required"))
    if data.get("approver", "hr") not in ("hr", "client_approver"):
        issues.append(Issue("approver", "must be hr or client_approver"))
    if data.get("front_load") and data.get("kind") != "sick_law":
        issues.append(Issue("front_load", "only a sick-leave law's policy front-loads (the law sets the amount)"))
    elif data.get("front_load") and (data.get("jurisdiction") or "").upper() in engine.load_laws():
        laws = [law for law in engine.every_law() if law.jurisdiction == (data.get("jurisdiction") or "").upper()]
        if laws and all(law.front_load_hours is None for law in laws):
            issues.append(Issue("front_load", "this law holds no front-loading rule: the policy must accrue",
                                "no_front_load"))
    for key in ("accrual_rate", "annual_accrual_cap", "balance_cap", "advance_limit"):
        value = data.get(key)
        if value in (None, ""):
            continue
        try:
            if D(str(value)) < 0:
                issues.append(Issue(key, "must not be negative"))
        except (ValueError, ArithmeticError):
            issues.append(Issue(key, "must be a number of hours"))
    unknown = [r for r in data.get("reasons") or () if r not in REASONS]
    if unknown:
        issues.append(Issue("reasons", f"unknown reason categories: {', '.join(map(str, unknown))}"))
    return issues


def _require(user, model: str, action: str) -> None:
    if not can(user, model, action):
        raise PermissionDenied(f"{getattr(user, 'role', 'anonymous')} may not {action} {model.replace('_', ' ')}s")


@transaction()
def save_policy(user, data: dict, policy_id: int | None = None) -> LeavePolicy:
    """Create or change a leave policy (HR): the agency's PTO or holiday policy for everyone, a client or an
    engagement type, or who approves a law's sick leave."""
    _require(user, "leave_policy", "write" if policy_id else "create")
    policy = db.session.get(LeavePolicy, policy_id) if policy_id else LeavePolicy()
    if policy is None:
        raise NotFound(f"leave policy {policy_id} not found")
    merged = {k: getattr(policy, k) for k in POLICY_FIELDS if policy_id} | dict(data)
    merged.setdefault("approver", "hr")
    raise_if(_policy_issues(merged))
    for key in POLICY_FIELDS:
        if key in data:
            value = data[key]
            if key in ("accrual_rate", "annual_accrual_cap", "balance_cap") and value in ("",):
                value = None
            if key == "advance_limit":
                value = D(str(value or 0))
            if key == "jurisdiction":
                value = (value or "").upper()
            setattr(policy, key, value)
    if not policy_id:
        policy.reasons = list(policy.reasons or (SICK_REASONS if policy.kind == "sick_law" else ("vacation", "personal")))
        db.session.add(policy)
    db.session.flush()
    return policy


# ------------------------------------------------------------------------------------------------ balances
def balance_row(worker_id: int, policy: LeavePolicy, on: date, *, lock: bool = True) -> LeaveBalance:
    """The worker's balance under the policy (locked until the unit of work ends), created at zero."""
    stmt = sa.select(LeaveBalance).where(LeaveBalance.worker_id == worker_id, LeaveBalance.policy_id == policy.id)
    row = db.session.execute(for_update(stmt) if lock else stmt).scalar_one_or_none()
    if row is None:
        row = LeaveBalance(worker_id=worker_id, policy_id=policy.id, balance=ZERO, accrued_this_year=ZERO,
                           used_this_year=ZERO, policy_year_start=year_start(on, policy))
        db.session.add(row)
        db.session.flush()
    return row


def post(row: LeaveBalance, kind: str, amount: Decimal, on: date, *, explanation=(), user=None,
         **refs) -> LeaveEntry:
    """One ledger entry and the balance it moves (`amount` signed hours); the caller holds the row's lock."""
    amount = hours(amount)
    row.balance = hours(row.balance + amount)
    entry = LeaveEntry(worker_id=row.worker_id, policy_id=row.policy_id, kind=kind, on=on, hours=amount,
                       balance_after=row.balance, explanation=list(explanation),
                       created_by_id=getattr(user, "id", None), **refs)
    db.session.add(entry)
    return entry


def hire_date(worker_id: int) -> date | None:
    """The day the agency first employed the worker (the earliest leased engagement: the agency is the employer
    across clients, so the waiting periods run from it)."""
    return db.session.execute(sa.select(sa.func.min(Engagement.start_date)).where(
        Engagement.worker_id == worker_id, Engagement.type == EMPLOYEE)).scalar()


@dataclass(frozen=True)
class BalanceView:
    policy_id: int
    policy: str
    kind: str
    jurisdiction: str
    balance: Decimal
    accrued_ytd: Decimal
    used_ytd: Decimal
    pending: Decimal           # approved or submitted, not paid yet
    available: Decimal         # balance − pending
    usable_from: date | None
    policy_year_start: date

    def as_dict(self) -> dict:
        return {"policy": self.policy, "policy_id": self.policy_id, "kind": self.kind,
                "jurisdiction": self.jurisdiction or None, "balance": self.balance, "accrued_ytd": self.accrued_ytd,
                "used_ytd": self.used_ytd, "pending": self.pending, "available": self.available,
                "usable_from": self.usable_from, "policy_year_start": self.policy_year_start}


def pending_hours(worker_id: int, policy_id: int, *, but: int | None = None) -> Decimal:
    """Hours of the worker's requests under the policy that are submitted or approved and not paid yet."""
    stmt = sa.select(LeaveRequest.hours).where(LeaveRequest.worker_id == worker_id,
                                               LeaveRequest.policy_id == policy_id,
                                               LeaveRequest.status.in_(("submitted", "approved")))
    if but is not None:
        stmt = stmt.where(LeaveRequest.id != but)
    return sum(db.session.execute(stmt).scalars(), ZERO)


def balances_of(worker_id: int) -> list[BalanceView]:
    """Every balance of a worker, by policy name."""
    # each balance's pending hours (requests submitted or approved, not yet taken) summed by the database in the
    # same statement: one statement for the portal home's card, not one per balance nor a second one
    pending_hours = sa.select(sa.func.sum(LeaveRequest.hours)).where(
        LeaveRequest.worker_id == worker_id, LeaveRequest.policy_id == LeaveBalance.policy_id,
        LeaveRequest.status.in_(("submitted", "approved"))).scalar_subquery()
    rows = db.session.execute(sa.select(LeaveBalance, LeavePolicy, pending_hours).join(LeavePolicy)
                              .where(LeaveBalance.worker_id == worker_id).order_by(LeavePolicy.name)).all()
    out = []
    for b, p, pending in rows:
        pending = pending or ZERO
        out.append(BalanceView(p.id, p.name, p.kind, p.jurisdiction, b.balance, b.accrued_this_year,
                               b.used_this_year, pending, b.balance - pending, b.usable_from, b.policy_year_start))
    return out


def worker_balances(user, worker_id: int) -> list[BalanceView]:
    """A worker's balances for the API: a worker reads only their own; staff with the leave_balance right any;
    anyone else, or another worker's id, gets 404."""
    if not can(user, "leave_balance", "read") or (
            user.role in SCOPED_ROLES and (user.role != "worker" or int(user.worker_id or 0) != worker_id)):
        raise NotFound(f"worker {worker_id} not found")
    if db.session.get(Worker, worker_id) is None:
        raise NotFound(f"worker {worker_id} not found")
    return balances_of(worker_id)


def ledger_of(worker_id: int, limit: int = 200) -> list[LeaveEntry]:
    return list(db.session.execute(sa.select(LeaveEntry).where(LeaveEntry.worker_id == worker_id)
                                   .order_by(LeaveEntry.on.desc(), LeaveEntry.id.desc()).limit(limit)).scalars())


# ------------------------------------------------------------------------------------------------ requests
def policies_for_worker(worker_id: int) -> list[tuple[LeavePolicy, Engagement]]:
    """The policies a worker may request leave under, each with the engagement that pays it: the sick-leave law
    of each place they work as a leased employee, and the agency's PTO and holiday policies covering them."""
    engagements = db.session.execute(sa.select(Engagement).where(
        Engagement.worker_id == worker_id, Engagement.type == EMPLOYEE, Engagement.status == "active")
        .order_by(Engagement.start_date, Engagement.id)).scalars().all()
    seen: dict[int, tuple[LeavePolicy, Engagement]] = {}
    for eng in engagements:
        codes = jurisdictions_of(eng)
        laws = db.session.execute(sa.select(LeavePolicy).where(
            LeavePolicy.kind == "sick_law", LeavePolicy.active.is_(True),
            LeavePolicy.code.in_([f"{c}-SICK" for c in codes]))).scalars().all() if codes else []
        for p in list(laws) + own_policies_for(eng):
            seen.setdefault(p.id, (p, eng))
    return sorted(seen.values(), key=lambda pe: pe[0].name)


def _number(value, field: str, issues: list[Issue]) -> Decimal | None:
    try:
        d = D(str(value).strip())
    except (ValueError, ArithmeticError):
        issues.append(Issue(field, "must be a number of hours", "invalid"))
        return None
    problem = number_problem(d, HOURS_KIND)
    if problem is not None:
        issues.append(Issue(field, "at most two decimal places" if problem[0] == "too_precise" else problem[1],
                            problem[0]))
        return None
    return d


def _dates(data: dict, issues: list[Issue]) -> tuple[date | None, date | None]:
    from backoffice.dates import parse_date

    out = []
    for key in ("start_date", "end_date"):
        value = data.get(key) or (data.get("start_date") if key == "end_date" else None)
        if isinstance(value, date):
            out.append(value)
            continue
        try:
            out.append(parse_date(str(value)) if value else None)
        except (ValueError, TypeError):
            issues.append(Issue(key, "must be a date (YYYY-MM-DD)", "invalid"))
            out.append(None)
    if out[0] is None and not any(i.field == "start_date" for i in issues):
        issues.append(Issue("start_date", "is required", "required"))
    if out[0] and out[1] and out[1] < out[0]:
        issues.append(Issue("end_date", "is before the first day", "before_start"))
    return out[0], out[1]


def law_of(policy: LeavePolicy, on: date, worker_id: int):
    """The law in force for a sick-law policy on a date (None for the agency's own policies)."""
    if policy.kind != "sick_law":
        return None
    return engine.applicable(policy.jurisdiction, on, employer_size(on), net_income=employer_net_income())


def employer_net_income() -> Decimal | None:
    """The agency's net income in the previous tax year, where New York's test for employers of 4 or fewer needs it
    (Labor Law §196-b(1)(a)): the setting LEAVE_EMPLOYER_NET_INCOME (None when not given)."""
    from flask import current_app

    value = current_app.config.get("LEAVE_EMPLOYER_NET_INCOME") if current_app else None
    return None if value in (None, "") else D(str(value))


def _history_from_hire(worker_id: int, hired: date) -> bool:
    """Whether the worker's time is held here from the hire on (the first approved timesheet in the hire week), so
    a days- or hours-worked threshold can be counted; a worker brought over from another system with an opening
    balance has no such history and is not held to it on missing records."""
    from payroll.models import Timesheet

    first = db.session.execute(sa.select(sa.func.min(Timesheet.week_start)).join(
        Engagement, Engagement.id == Timesheet.engagement_id).where(
        Engagement.worker_id == worker_id, Timesheet.status == "approved")).scalar()
    return first is not None and first <= hired + timedelta(days=6)


def days_worked_in(worker_id: int, jurisdiction: str, since: date, before: date) -> list[tuple[date, Decimal]]:
    """(day, hours) the worker worked in a jurisdiction from `since` to the day before `before`: the approved
    timesheets of the leased engagements whose work site falls under it (for the laws' eligibility thresholds)."""
    from payroll.models import DAYS, Timesheet

    engs = [e for e in db.session.execute(sa.select(Engagement).where(
        Engagement.worker_id == worker_id, Engagement.type == EMPLOYEE)).scalars() if jurisdiction in
        jurisdictions_of(e)]
    per: dict[date, Decimal] = {}
    if not engs:
        return []
    for ts in db.session.execute(sa.select(Timesheet).where(
            Timesheet.engagement_id.in_([e.id for e in engs]), Timesheet.status == "approved",
            Timesheet.week_start > since - timedelta(days=7), Timesheet.week_start < before)).scalars():
        for i, d in enumerate(DAYS):
            day = ts.week_start + timedelta(days=i)
            worked = getattr(ts, f"hours_{d}") or ZERO
            if since <= day < before and worked > 0:
                per[day] = per.get(day, ZERO) + worked
    return sorted(per.items())


def employer_size(on: date) -> int:
    """The agency's employees on a date (the laws' employer-size tiers count every employee of the employer, in
    every client): workers with a leased engagement running that day."""
    return int(db.session.execute(sa.select(sa.func.count(sa.distinct(Engagement.worker_id))).where(
        Engagement.type == EMPLOYEE, Engagement.start_date <= on,
        sa.or_(Engagement.end_date.is_(None), Engagement.end_date >= on))).scalar() or 0)


def _use_issues(policy: LeavePolicy, worker_id: int, amount: Decimal, start: date, *,
                but: int | None = None) -> tuple[list[Issue], tuple[str, ...]]:
    """Whether `amount` hours may be used from `start`: the law's waiting period, yearly use cap and minimum
    increment (engine.usable), the balance less what is already asked for, unless the policy allows an advance."""
    row = db.session.execute(sa.select(LeaveBalance).where(LeaveBalance.worker_id == worker_id,
                                                           LeaveBalance.policy_id == policy.id)).scalar()
    balance = row.balance if row else ZERO
    used = row.used_this_year if row else ZERO
    available = balance - pending_hours(worker_id, policy.id, but=but)
    advance = policy.allow_advance and amount <= available + policy.advance_limit
    law = law_of(policy, start, worker_id)
    if law is not None:
        hired = hire_date(worker_id)
        worked = None
        if hired is not None and (law.eligibility_days is not None or law.eligibility_hours is not None) \
                and _history_from_hire(worker_id, hired):
            worked = days_worked_in(worker_id, policy.jurisdiction, hired, start + timedelta(days=1))
        check = engine.usable(law, available, amount, used_this_year=used, on=start,
                              hire_date=hired, allow_advance=advance, worked=worked,
                              day_hours=normal_day(worker_id, policy))
        return list(check.issues), check.explanation
    if amount > available and not advance:
        return [Issue("hours", f"the balance is {engine.show(available)} hours"
                      + (f" after {engine.show(balance - available)} hours already requested"
                         if balance != available else ""), "insufficient_balance")], ()
    return [], (f"{engine.show(amount)} hours from a balance of {engine.show(available)}.",)


MAX_DOCUMENT_BYTES = 5 * 1024 * 1024


def documentation_rule(policy: LeavePolicy, start: date, end: date) -> engine.Documentation:
    """Whether a request from `start` to `end` must come with documentation: the policy's rule
    (`documentation_after_days`), bounded by the law's (engine.documentation)."""
    law = law_of(policy, start, 0) if policy.kind == "sick_law" else None
    return engine.documentation(law, start, end, policy.documentation_after_days)


@transaction()
def request_leave(user, data: dict) -> LeaveRequest:
    """A worker asks for leave: policy, first and last day, hours, a reason category the policy lists, a note.
    Every problem is reported by field; the balance must cover it (less what is already requested) unless the
    policy allows an advance, and a sick-leave law's waiting period, use cap and minimum increment apply."""
    _require(user, "leave_request", "create")
    if user.role != "worker" or not user.worker_id:
        raise PermissionDenied("only a worker requests their own leave")
    worker_id = int(user.worker_id)
    issues: list[Issue] = []
    unknown = set(data) - {"policy_id", "start_date", "end_date", "hours", "reason", "note", "documentation",
                           "document", "document_name"}
    issues += [Issue(k, "unknown field", "unknown_field") for k in sorted(unknown)]
    options = {p.id: (p, e) for p, e in policies_for_worker(worker_id)}
    try:
        policy_id = int(data.get("policy_id") or 0)
    except (TypeError, ValueError):
        policy_id = 0
    if policy_id not in options:
        issues.append(Issue("policy_id", "choose one of your leave policies", "required"))
    start, end = _dates(data, issues)
    amount = _number(data.get("hours"), "hours", issues) if data.get("hours") not in (None, "") else None
    if amount is None and not any(i.field == "hours" for i in issues):
        issues.append(Issue("hours", "is required", "required"))
    elif amount is not None and amount <= 0:
        issues.append(Issue("hours", "must be more than zero", "too_small"))
    elif amount is not None and start and end and amount > 24 * ((end - start).days + 1):
        issues.append(Issue("hours", "is more than 24 hours a day", "too_large"))
    policy, engagement = options.get(policy_id, (None, None))
    reason = data.get("reason") or ""
    if policy is not None and reason not in (policy.reasons or ()):
        issues.append(Issue("reason", "choose one of the reasons this leave may be used for", "invalid"))
    note = str(data.get("note") or "")
    if len(note) > 500:
        issues.append(Issue("note", "at most 500 characters", "too_long"))
    stated = str(data.get("documentation") or "").strip()
    document = data.get("document") or None
    document_name = str(data.get("document_name") or "")[:200]
    if len(stated) > 500:
        issues.append(Issue("documentation", "at most 500 characters", "too_long"))
    if document is not None and (not isinstance(document, bytes) or len(document) > MAX_DOCUMENT_BYTES):
        issues.append(Issue("document", f"an uploaded note of at most {MAX_DOCUMENT_BYTES // 1024 // 1024} MB",
                            "too_large"))
    raise_if(issues)
    use_issues, _ = _use_issues(policy, worker_id, amount, start)
    docs = documentation_rule(policy, start, end or start)
    if docs.required and not document and len(stated) < 10:
        use_issues.append(Issue("documentation", f"{docs.explanation[-1]} Upload the note, or state the reason in a "
                                                 f"sentence.", "documentation_required"))
    raise_if(use_issues)
    req = LeaveRequest(worker_id=worker_id, policy_id=policy.id, engagement_id=engagement.id, start_date=start,
                       end_date=end or start, hours=amount, reason=reason, note=note, status="submitted",
                       documentation=stated, document=document, document_name=document_name if document else "")
    db.session.add(req)
    db.session.flush()
    return req


def get_request(user, request_id: int, *, lock: bool = False) -> LeaveRequest:
    """A request the user may read (a worker's own; an approver's client's, where the policy names them; staff
    any), else 404."""
    if not is_record_id(request_id) or not can(user, "leave_request", "read"):
        raise NotFound(f"leave request {request_id} not found")
    stmt = scoped(sa.select(LeaveRequest).where(LeaveRequest.id == request_id), user, "leave_request")
    req = db.session.execute(for_update(stmt) if lock else stmt).scalar_one_or_none()
    if req is None:
        raise NotFound(f"leave request {request_id} not found")
    return req


def may_decide(user, req: LeaveRequest) -> bool:
    """HR decides every request; a client's approver those of their client where the policy names them (the row
    scope already hides the rest from them); the worker never decides their own."""
    if user.role == "worker" or not can(user, "leave_request", "write"):
        return False
    if user.role == "client_approver":
        return req.policy.approver == "client_approver"
    return True


def request_actions(req: LeaveRequest, user) -> tuple[str, ...]:
    """The buttons a page shows for a request: its state's moves this user may make."""
    from backoffice.states import allowed

    out = []
    for action in allowed(req):
        if action in ("approve", "decline") and may_decide(user, req):
            out.append(action)
        elif action == "cancel" and (may_decide(user, req) or (
                user.role == "worker" and int(user.worker_id or 0) == req.worker_id)):
            out.append(action)
    return tuple(out)


def base_rate(eng) -> Decimal:
    """The engagement's normal hourly rate: its pay rate, or a salary over 2,080 hours a year (40 a week)."""
    rate = D(eng.pay_rate)
    base = {"year": rate / 2080, "week": rate / 40}.get(eng.pay_unit, rate)
    return base.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def pay_rate(req: LeaveRequest) -> tuple[Decimal, str]:
    """The hourly rate the leave is paid at, and why. California (Lab. Code 246(l)): for a non-exempt employee,
    total wages (without overtime premium pay) divided by total hours worked in the full pay periods of the
    prior 90 days — or the regular rate when there is no such period; the other laws and the agency's policies:
    the employee's normal hourly rate (e.g. RCW 49.46.210(1)(b), "normal hourly compensation"). A salaried
    engagement's hourly rate is its salary over 2,080 hours a year (40 a week)."""
    eng = req.engagement
    base = base_rate(eng)
    if req.policy.kind == "sick_law" and req.policy.jurisdiction in ("CA", "SF", "LA") and not eng.overtime_exempt:
        since = req.start_date - timedelta(days=LOOKBACK_DAYS)
        rows = db.session.execute(
            sa.select(PaycheckLine.code, PaycheckLine.amount, PaycheckLine.hours)
            .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
            .where(Paycheck.worker_id == req.worker_id, Paycheck.worker_type == "employee",
                   Paycheck.period_start >= since, Paycheck.period_end < req.start_date,
                   PaycheckLine.kind == "earning", PaycheckLine.code.not_in(NOT_RATE_WAGES))).all()
        wages = sum((amount for _c, amount, _h in rows), ZERO)
        worked = sum((h or ZERO for c, _a, h in rows if c in RATE_HOURS_CODES), ZERO)
        if worked > 0:
            r = (wages / worked).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
            return r, (f"Cal. Lab. Code 246(l)(2): ${wages} of wages (no overtime premium) ÷ {engine.show(worked)} "
                       f"hours worked in the pay periods of the 90 days before {req.start_date.isoformat()} "
                       f"= ${r} an hour")
        return base, ("Cal. Lab. Code 246(l)(1): no full pay period in the prior 90 days, so the regular rate "
                      f"of ${base} an hour")
    return base, f"the normal hourly rate of ${base}"


@transaction()
def approve_request(user, request_id: int, *, note: str = "") -> LeaveRequest:
    """Approve a submitted request (HR, or the client's approver where the policy says so): the balance is checked
    again, and the leave becomes a pending payroll adjustment — hours × the rate the law sets — that the next
    regular run of the engagement pays."""
    req = get_request(user, request_id, lock=True)
    if not may_decide(user, req):
        raise PermissionDenied(f"{user.role} may not decide this leave request")
    from backoffice.states import check_move

    check_move(req, "approve")
    use_issues, _ = _use_issues(req.policy, req.worker_id, req.hours, req.start_date, but=req.id)
    raise_if(use_issues)
    rate, method = pay_rate(req)
    code = "sick_leave" if req.policy.kind == "sick_law" else "paid_leave"
    days = req.start_date.isoformat() + ("" if req.end_date == req.start_date else f" to {req.end_date.isoformat()}")
    adj = PayrollAdjustment(engagement_id=req.engagement_id, code=code, amount=round_cents(req.hours * rate),
                            hours=req.hours, status="pending", created_by_id=user.id,
                            note=f"{req.policy.name}: {engine.show(req.hours)} h on {days} (leave request "
                                 f"#{req.id})"[:500])
    db.session.add(adj)
    db.session.flush()
    transition(req, "approve")
    req.adjustment_id = adj.id
    req.rate, req.rate_method = rate, method[:300]
    req.decided_by_id, req.decided_at, req.decision_note = user.id, utcnow(), (note or "")[:500]
    return req


@transaction()
def decline_request(user, request_id: int, *, note: str = "") -> LeaveRequest:
    """Decline a submitted request, saying why (the worker reads it)."""
    req = get_request(user, request_id, lock=True)
    if not may_decide(user, req):
        raise PermissionDenied(f"{user.role} may not decide this leave request")
    if not (note or "").strip():
        raise_if([Issue("note", "say why the request is declined", "required")])
    transition(req, "decline")
    req.decided_by_id, req.decided_at, req.decision_note = user.id, utcnow(), note.strip()[:500]
    return req


@transaction()
def cancel_request(user, request_id: int, *, note: str = "") -> LeaveRequest:
    """Withdraw a request not paid yet (the worker, or whoever decides it): an approved one's payroll adjustment
    is cancelled with it, unless a run has already taken it."""
    req = get_request(user, request_id, lock=True)
    own = user.role == "worker" and int(user.worker_id or 0) == req.worker_id
    if not (own or may_decide(user, req)):
        raise PermissionDenied(f"{user.role} may not cancel this leave request")
    if req.adjustment_id:
        adj = db.session.get(PayrollAdjustment, req.adjustment_id)
        if adj.status != "pending" or adj.run_id is not None:
            raise DomainError("a payroll run is already paying this leave: ask HR for a correction",
                              code="leave_in_run")
        adj.status = "cancelled"
    transition(req, "cancel")
    req.decision_note = (note or req.decision_note or "")[:500]
    return req


def requests_of(worker_id: int, limit: int = 100) -> list[LeaveRequest]:
    return list(db.session.execute(sa.select(LeaveRequest).where(LeaveRequest.worker_id == worker_id)
                                   .order_by(LeaveRequest.start_date.desc(), LeaveRequest.id.desc())
                                   .limit(limit)).scalars())


@transaction()
def adjust_balance(user, worker_id: int, policy_id: int, amount, on: date, note: str) -> LeaveEntry:
    """HR sets a balance right by hand (an opening balance carried from another system, a correction): one
    `adjustment` entry with the reason; the balance may not go below zero unless the policy allows advances."""
    _require(user, "leave_entry", "create")
    issues: list[Issue] = []
    policy = db.session.get(LeavePolicy, policy_id) if is_record_id(policy_id) else None
    if policy is None:
        issues.append(Issue("policy_id", "no such leave policy", "not_found"))
    if not is_record_id(worker_id) or db.session.get(Worker, worker_id) is None:
        issues.append(Issue("worker_id", "no such worker", "not_found"))
    value = _number(amount, "hours", issues)
    if value is not None and value == 0:
        issues.append(Issue("hours", "must not be zero", "invalid"))
    if not (note or "").strip():
        issues.append(Issue("note", "say why the balance changes", "required"))
    raise_if(issues)
    row = balance_row(worker_id, policy, on)
    floor = -policy.advance_limit if policy.allow_advance else ZERO
    if row.balance + value < floor:
        raise_if([Issue("hours", f"the balance would be {engine.show(row.balance + value)} hours: below "
                                 f"{engine.show(floor)}", "below_zero")])
    return post(row, "adjustment", value, on, explanation=(note.strip()[:500],), user=user)


def paystub_leave(paycheck) -> list[dict]:
    """payroll.hooks PAYSTUB_LEAVE: per policy, the hours this paycheck accrued and used and the balance after it
    (policies it did not touch: the balance as of its pay date), for the paystub."""
    if paycheck.worker_type != "employee":
        return []
    rows: dict[int, dict] = {}
    names: dict[int, str] = {}
    # the columns read below and the policy's name, as plain rows in one statement (not every entry of the
    # worker's history as an ORM object, then the names apart: the portal's paycheck page; issue 18 point 5)
    for e in db.session.execute(sa.select(LeaveEntry.policy_id, LeaveEntry.paycheck_id, LeaveEntry.run_id,
                                          LeaveEntry.kind, LeaveEntry.hours, LeaveEntry.balance_after, LeaveEntry.on,
                                          LeavePolicy.name)
                                .join(LeavePolicy, LeavePolicy.id == LeaveEntry.policy_id)
                                .where(LeaveEntry.worker_id == paycheck.worker_id, LeaveEntry.on <= paycheck.pay_date)
                                .order_by(LeaveEntry.on, LeaveEntry.id)):
        names[e.policy_id] = e.name
        row = rows.setdefault(e.policy_id, {"policy_id": e.policy_id, "accrued": ZERO, "used": ZERO})
        if e.paycheck_id == paycheck.id or (e.kind in ("reversal", "restore") and e.run_id == paycheck.run_id):
            if e.kind in ("accrual", "reversal"):
                row["accrued"] += e.hours
            elif e.kind in ("use", "restore"):
                row["used"] -= e.hours
        if e.paycheck_id == paycheck.id or e.paycheck_id is None or e.on < paycheck.pay_date:
            row["balance"] = e.balance_after
    return [{"policy": names[pid], "accrued": r["accrued"], "used": r["used"], "balance": r.get("balance", ZERO)}
            for pid, r in sorted(rows.items(), key=lambda kv: names[kv[0]])]
