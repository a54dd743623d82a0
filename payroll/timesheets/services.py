"""Timesheets: entered by HR, submitted by the worker or imported; approved by the client's approver or HR;
approved time is locked and only approved time is paid."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from backoffice.db import utcnow
from backoffice.dates import parse_date
from backoffice.errors import DomainError, Issue, NotFound, PermissionDenied, raise_if
from backoffice.extensions import db
from backoffice.money import D
from backoffice.security.access import can
from backoffice.workers.models import Engagement
from payroll.models import DAYS, Timesheet

MAX_DAY_HOURS = D(24)
EDITABLE = ("draft", "submitted", "rejected")


def _decimal(value, field: str, issues: list[Issue], row: int | None, places: int, maximum: Decimal | None):
    if value in (None, ""):
        return D(0)
    try:
        d = D(str(value))
    except ValueError:
        issues.append(Issue(field, f"{value!r} is not a number", "invalid", row))
        return None
    if not d.is_finite() or d < 0:
        issues.append(Issue(field, "must be zero or more", "invalid", row))
        return None
    if maximum is not None and d > maximum:
        issues.append(Issue(field, f"must be at most {maximum}", "invalid", row))
        return None
    if d != d.quantize(Decimal(1).scaleb(-places)):
        issues.append(Issue(field, f"at most {places} decimal places", "invalid", row))
        return None
    return d


def clean_timesheet(data: dict, *, row: int | None = None) -> tuple[dict, list[Issue]]:
    """Validate one timesheet {engagement_id, week_start, mon..sun (hours), units?, note?}; returns the clean
    values and every issue (with `row` set, for imports). Does not touch the database except to look up the
    engagement."""
    issues: list[Issue] = []
    out: dict = {}
    allowed = {"engagement_id", "week_start", "units", "note", *DAYS}
    for key in sorted(set(data) - allowed):
        issues.append(Issue(key, "is not a timesheet field", "unknown_field", row))
    eng_id = data.get("engagement_id")
    try:
        eng_id = int(eng_id)
    except (TypeError, ValueError):
        issues.append(Issue("engagement_id", "is required (a number)", "required", row))
        eng_id = None
    eng = db.session.get(Engagement, eng_id) if eng_id is not None else None
    if eng_id is not None and eng is None:
        issues.append(Issue("engagement_id", f"engagement {eng_id} not found", "not_found", row))
    week = data.get("week_start")
    if isinstance(week, str):
        try:
            week = parse_date(week)
        except ValueError as exc:
            issues.append(Issue("week_start", str(exc), "invalid", row))
            week = None
    elif week is not None and not isinstance(week, date):
        issues.append(Issue("week_start", "must be a date", "invalid", row))
        week = None
    if week is None and "week_start" not in [i.field for i in issues]:
        issues.append(Issue("week_start", "is required", "required", row))
    elif week is not None and week.weekday() != 0:
        issues.append(Issue("week_start", f"{week} is a {week:%A}; a timesheet week starts on Monday", "invalid", row))
    for day in DAYS:
        out[f"hours_{day}"] = _decimal(data.get(day), day, issues, row, 2, MAX_DAY_HOURS)
    out["units"] = _decimal(data.get("units"), "units", issues, row, 4, None)
    out["note"] = str(data.get("note") or "")[:500]
    if eng is not None and week is not None:
        week_end = week + timedelta(days=6)
        if week_end < eng.start_date or (eng.end_date and week > eng.end_date):
            issues.append(Issue("week_start", f"engagement {eng.id} runs {eng.start_date} to "
                                              f"{eng.end_date or 'open'}; no work in the week of {week}",
                                "outside_engagement", row))
        if eng.end_date or eng.start_date > week:
            for i, day in enumerate(DAYS):
                d = week + timedelta(days=i)
                if out[f"hours_{day}"] and (d < eng.start_date or (eng.end_date and d > eng.end_date)):
                    issues.append(Issue(day, f"{d} is outside the engagement", "outside_engagement", row))
    out["engagement_id"], out["week_start"] = eng_id, week
    return out, issues


def _may_enter(user, eng: Engagement) -> None:
    if not can(user, "timesheet", "write"):
        raise PermissionDenied("you may not enter timesheets")
    if user.role == "worker" and eng.worker_id != user.worker_id:
        raise NotFound("engagement not found")
    if user.role == "client_approver":
        raise PermissionDenied("client approvers approve time; they do not enter it")


def save_timesheet(data: dict, user, *, source: str | None = None) -> Timesheet:
    """Create or replace the week's timesheet of an engagement (HR: status draft; worker: draft until submitted).
    An approved timesheet is locked: changing it is refused."""
    clean, issues = clean_timesheet(data)
    raise_if(issues)
    eng = db.session.get(Engagement, clean["engagement_id"])
    _may_enter(user, eng)
    ts = db.session.execute(sa.select(Timesheet).where(Timesheet.engagement_id == eng.id,
                                                       Timesheet.week_start == clean["week_start"])).scalar()
    if ts is not None and ts.status not in EDITABLE:
        raise DomainError(f"timesheet #{ts.id} is {ts.status}: approved time is locked", code="timesheet_locked")
    if ts is None:
        ts = Timesheet(engagement_id=eng.id, week_start=clean["week_start"])
        db.session.add(ts)
    for k, v in clean.items():
        if k not in ("engagement_id", "week_start"):
            setattr(ts, k, v)
    ts.status = "draft"
    ts.source = source or ("worker" if user.role == "worker" else "hr")
    ts.entered_by_id = user.id
    db.session.commit()
    return ts


def import_timesheets(rows: list[dict], user) -> list[Timesheet]:
    """All-or-nothing: validate every row (each dict may carry its file line number under `line`), raise
    ValidationFailed naming every bad row and field, else save them all as submitted time in one transaction."""
    if not can(user, "timesheet", "create") or user.role in ("worker", "client_approver"):
        raise PermissionDenied("you may not import timesheets")
    issues: list[Issue] = []
    cleaned = []
    seen: dict[tuple, int] = {}
    for i, row in enumerate(rows):
        line = row.get("line", i + 1)
        data = {k: v for k, v in row.items() if k != "line"}
        clean, row_issues = clean_timesheet(data, row=line)
        issues += row_issues
        key = (clean["engagement_id"], clean["week_start"])
        if not row_issues:
            if key in seen:
                issues.append(Issue("week_start", f"same engagement and week as line {seen[key]}", "duplicate", line))
            seen[key] = line
            existing = db.session.execute(sa.select(Timesheet.status).where(
                Timesheet.engagement_id == key[0], Timesheet.week_start == key[1])).scalar()
            if existing is not None and existing not in EDITABLE:
                issues.append(Issue("week_start", "that week is already approved (locked)", "timesheet_locked", line))
        cleaned.append(clean)
    if not rows:
        issues.append(Issue("file", "has no timesheet rows", "required"))
    raise_if(issues)
    out = []
    for clean in cleaned:
        ts = db.session.execute(sa.select(Timesheet).where(Timesheet.engagement_id == clean["engagement_id"],
                                                           Timesheet.week_start == clean["week_start"])).scalar()
        if ts is None:
            ts = Timesheet(engagement_id=clean["engagement_id"], week_start=clean["week_start"])
            db.session.add(ts)
        for k, v in clean.items():
            setattr(ts, k, v)
        ts.status, ts.source, ts.entered_by_id, ts.submitted_at = "submitted", "import", user.id, utcnow()
        out.append(ts)
    db.session.commit()
    return out


def _get(timesheet_id: int) -> Timesheet:
    ts = db.session.get(Timesheet, timesheet_id)
    if ts is None:
        raise NotFound(f"timesheet {timesheet_id} not found")
    return ts


def submit_timesheet(timesheet_id: int, user) -> Timesheet:
    ts = _get(timesheet_id)
    _may_enter(user, ts.engagement)
    if ts.status not in ("draft", "rejected"):
        raise DomainError(f"timesheet #{ts.id} is {ts.status}; only a draft can be submitted", code="bad_state")
    if ts.total_hours == 0 and ts.units == 0:
        raise DomainError("an empty timesheet cannot be submitted", code="empty_timesheet")
    ts.status, ts.submitted_at = "submitted", utcnow()
    db.session.commit()
    return ts


def _may_approve(user, ts: Timesheet) -> None:
    if user is None or not can(user, "timesheet", "write") or user.role == "worker":
        raise PermissionDenied("only HR or the client's approver may approve time")
    if user.role == "client_approver" and ts.engagement.client_id != user.client_id:
        raise NotFound(f"timesheet {ts.id} not found")


def approve_timesheet(timesheet_id: int, user) -> Timesheet:
    """submitted (or an HR draft) → approved; approving twice is refused."""
    ts = _get(timesheet_id)
    _may_approve(user, ts)
    if ts.status == "approved":
        raise DomainError(f"timesheet #{ts.id} is already approved", code="already_approved")
    if ts.status == "rejected" or (ts.status == "draft" and user.role == "client_approver"):
        raise DomainError(f"timesheet #{ts.id} is {ts.status}; it must be submitted first", code="bad_state")
    ts.status, ts.approved_by_id, ts.approved_at = "approved", user.id, utcnow()
    db.session.commit()
    return ts


def reject_timesheet(timesheet_id: int, user, reason: str) -> Timesheet:
    ts = _get(timesheet_id)
    _may_approve(user, ts)
    if ts.status != "submitted":
        raise DomainError(f"timesheet #{ts.id} is {ts.status}; only submitted time can be rejected", code="bad_state")
    if not (reason or "").strip():
        raise DomainError("give a reason for the rejection", code="reason_required")
    ts.status, ts.rejected_reason = "rejected", reason.strip()[:500]
    db.session.commit()
    return ts


def approve_many(ids: list[int], user) -> int:
    """Approve several; stops at the first refusal (nothing after it is approved). Returns how many."""
    n = 0
    for tid in ids:
        approve_timesheet(tid, user)
        n += 1
    return n
