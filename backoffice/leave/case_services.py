"""Leaves of absence: FMLA and state family-leave cases, with FMLA eligibility worked out from the hours of
service the agency paid across every client (the agency is the employer of a leased worker, so each client's hours
count: 29 CFR 825.106 on joint employment, 825.110(c) on hours of service)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from backoffice.dates import parse_date
from backoffice.errors import DomainError, Issue, NotFound, raise_if
from backoffice.extensions import db
from backoffice.leave import engine
from backoffice.leave.models import CASE_PROGRAMS, CASE_REASONS, LeaveCase
from backoffice.leave.services import EMPLOYEE, _require, employer_size, hire_date
from backoffice.money import ZERO
from backoffice.uow import for_update, transaction
from backoffice.validation import is_record_id
from backoffice.workers.models import Client, Engagement, Worker
from payroll.models import DAYS, Timesheet


def hours_of_service(worker_id: int, on: date) -> list[tuple[str, Decimal]]:
    """The worker's approved hours in the 12 months before `on` (29 CFR 825.110(a)(2)), per client, by name."""
    since = on - timedelta(days=365)
    per: dict[str, Decimal] = {}
    rows = db.session.execute(
        sa.select(Timesheet, Client.name).join(Engagement, Engagement.id == Timesheet.engagement_id)
        .join(Client, Client.id == Engagement.client_id)
        .where(Engagement.worker_id == worker_id, Engagement.type == EMPLOYEE, Timesheet.status == "approved",
               Timesheet.week_start > since - timedelta(days=7), Timesheet.week_start < on)
        .order_by(Client.name, Timesheet.week_start)).all()
    for ts, client in rows:
        for i, d in enumerate(DAYS):
            day = ts.week_start + timedelta(days=i)
            if since <= day < on:
                per[client] = per.get(client, ZERO) + (getattr(ts, f"hours_{d}") or ZERO)
    return [(name, h) for name, h in per.items() if h]


def days_worked(worker_id: int, on: date) -> int:
    """Days with approved hours at any client in the 12 months before `on` (New York PFL's 175 days worked)."""
    since = on - timedelta(days=365)
    seen: set[date] = set()
    rows = db.session.execute(
        sa.select(Timesheet).join(Engagement, Engagement.id == Timesheet.engagement_id)
        .where(Engagement.worker_id == worker_id, Engagement.type == EMPLOYEE, Timesheet.status == "approved",
               Timesheet.week_start > since - timedelta(days=7), Timesheet.week_start < on)).scalars()
    for ts in rows:
        for i, d in enumerate(DAYS):
            day = ts.week_start + timedelta(days=i)
            if since <= day < on and (getattr(ts, f"hours_{d}") or ZERO) > 0:
                seen.add(day)
    return len(seen)


def _clean(data: dict) -> tuple[dict, list[Issue]]:
    issues: list[Issue] = []
    allowed = {"worker_id", "program", "reason", "start_date", "expected_end", "employees_within_75_miles",
               "job_protected", "note"}
    issues += [Issue(k, "unknown field", "unknown_field") for k in sorted(set(data) - allowed)]
    out: dict = {}
    worker_id = data.get("worker_id")
    if not is_record_id(worker_id) or db.session.get(Worker, int(worker_id)) is None:
        issues.append(Issue("worker_id", "no such worker", "not_found"))
    else:
        out["worker_id"] = int(worker_id)
    if data.get("program") not in CASE_PROGRAMS:
        issues.append(Issue("program", f"must be one of {', '.join(CASE_PROGRAMS)}"))
    if data.get("reason") not in CASE_REASONS:
        issues.append(Issue("reason", f"must be one of {', '.join(CASE_REASONS)}"))
    for key in ("start_date", "expected_end"):
        value = data.get(key)
        if value in (None, ""):
            if key == "start_date":
                issues.append(Issue(key, "is required", "required"))
            out[key] = None
            continue
        try:
            out[key] = value if isinstance(value, date) else parse_date(str(value))
        except (TypeError, ValueError):
            issues.append(Issue(key, "must be a date (YYYY-MM-DD)", "invalid"))
    if out.get("start_date") and out.get("expected_end") and out["expected_end"] < out["start_date"]:
        issues.append(Issue("expected_end", "is before the start", "before_start"))
    n = data.get("employees_within_75_miles")
    if n not in (None, ""):
        try:
            out["employees_within_75_miles"] = int(n)
            if out["employees_within_75_miles"] < 0:
                raise ValueError
        except (TypeError, ValueError):
            issues.append(Issue("employees_within_75_miles", "must be a whole number", "invalid"))
    elif data.get("program") == "fmla":
        issues.append(Issue("employees_within_75_miles", "the FMLA counts the employees within 75 miles of the "
                                                         "worksite (29 CFR 825.111): give the number", "required"))
    note = str(data.get("note") or "")
    if len(note) > 500:
        issues.append(Issue("note", "at most 500 characters", "too_long"))
    out.update(program=data.get("program"), reason=data.get("reason"), note=note,
               job_protected=bool(data.get("job_protected")))
    return out, issues


@transaction()
def open_case(user, data: dict) -> LeaveCase:
    """Open a leave of absence (HR). For the FMLA the eligibility is worked out on the start date — 12 months
    employed, 1,250 hours of service in the 12 months before counted across every client, 50 employees within 75
    miles — and the job is protected when eligible; for a state program the protection comes from the program's
    rule (engine.job_protection: NY PFL, WA PFML, MA PFML, CO FAMLI; CA PFL through the CFRA, NJ FLI through the NJ
    FLA) with the worker's days employed, days worked and hours at every client; only for `other` does HR state it."""
    _require(user, "leave_case", "create")
    clean, issues = _clean(data)
    raise_if(issues)
    case = LeaveCase(status="open", created_by_id=getattr(user, "id", None), **{
        k: clean.get(k) for k in ("worker_id", "program", "reason", "start_date", "expected_end", "note",
                                  "employees_within_75_miles", "job_protected")})
    if clean["program"] == "fmla":
        hired = hire_date(clean["worker_id"]) or clean["start_date"]
        parts = hours_of_service(clean["worker_id"], clean["start_date"])
        result = engine.fmla_eligible(hired, clean["start_date"], parts or ZERO,
                                      clean["employees_within_75_miles"])
        case.eligible, case.job_protected = result.eligible, result.eligible
        case.hours_12_months = result.hours_12_months
        case.explanation = list(result.explanation)
    elif clean["program"] in engine.family_leave_programs():
        # a state program: job protection from its own rule (or its companion law's) and the worker's figures
        hired = hire_date(clean["worker_id"]) or clean["start_date"]
        parts = hours_of_service(clean["worker_id"], clean["start_date"])
        total = sum((h for _, h in parts), ZERO)
        result = engine.job_protection(
            clean["program"], employer_size=employer_size(clean["start_date"]),
            days_employed=(clean["start_date"] - hired).days, hours_12_months=total,
            days_worked_12_months=days_worked(clean["worker_id"], clean["start_date"]))
        case.job_protected = bool(result.protected)
        case.hours_12_months = total
        lines = list(result.explanation)
        if len(parts) > 1:
            lines.insert(0, "Hours in the 12 months before: " + " + ".join(
                f"{engine.show(h)} ({name})" for name, h in parts) + f" = {engine.show(total)}.")
        case.explanation = lines
    db.session.add(case)
    db.session.flush()
    return case


@transaction()
def close_case(user, case_id: int, returned_on) -> LeaveCase:
    """Close a leave of absence on its end date (HR): the worker is back, or the leave ended. The job protection it
    gave ends on that date (LeaveCase.protected_on). `returned_on` is a date or YYYY-MM-DD, on or after the start; a
    case already closed is refused."""
    _require(user, "leave_case", "write")
    case = None
    if is_record_id(case_id):
        case = db.session.execute(for_update(sa.select(LeaveCase).where(LeaveCase.id == case_id))).scalar()
    if case is None:
        raise NotFound(f"leave case {case_id} not found")
    if case.status == "closed":
        raise DomainError(f"the case was closed already, on {case.returned_on.isoformat()}", code="already_closed")
    if not isinstance(returned_on, date):
        try:
            returned_on = parse_date(str(returned_on or "").strip())
        except (TypeError, ValueError):
            raise_if([Issue("returned_on", "must be a date (YYYY-MM-DD)", "invalid")])
    if returned_on < case.start_date:
        raise_if([Issue("returned_on", f"must be on or after the start, {case.start_date.isoformat()}",
                        "before_start")])
    case.status, case.returned_on = "closed", returned_on
    return case


def cases_of(worker_id: int) -> list[LeaveCase]:
    return list(db.session.execute(sa.select(LeaveCase).where(LeaveCase.worker_id == worker_id)
                                   .order_by(LeaveCase.start_date.desc())).scalars())


def _months(start: date, end: date) -> int:
    """Calendar months the leave touches, both ends counted (Nov 16 – Jan 15: November, December, January = 3)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def benefits_continuation(case: LeaveCase) -> list[dict]:
    """The worker's health elections in force during the leave and their share of the premium, which no paycheck
    takes while the leave is unpaid: under the FMLA the agency keeps the group health coverage on the same terms
    (29 CFR 825.209) and the worker still owes their share (825.210). Per election: the plan, the worker's monthly
    share as elected, the months of the leave, what they owe (None until the expected end is known)."""
    from benefits.models import HEALTH_KINDS, BenefitPlan, Enrollment

    end = case.returned_on or case.expected_end
    rows = db.session.execute(
        sa.select(Enrollment, BenefitPlan.name).join(BenefitPlan, BenefitPlan.id == Enrollment.plan_id)
        .where(Enrollment.worker_id == case.worker_id, Enrollment.status == "active",
               Enrollment.waived.is_(False), BenefitPlan.kind.in_(HEALTH_KINDS),
               Enrollment.employee_monthly.is_not(None), Enrollment.effective_date <= (end or case.start_date),
               sa.or_(Enrollment.end_date.is_(None), Enrollment.end_date >= case.start_date))
        .order_by(BenefitPlan.name)).all()
    months = _months(case.start_date, end) if end else None
    return [{"plan": name, "employee_monthly": e.employee_monthly, "months": months,
             "owed": e.employee_monthly * months if months is not None else None} for e, name in rows]
