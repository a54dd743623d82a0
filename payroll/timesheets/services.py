"""Timesheets: entered by HR, submitted by the worker or imported; approved, rejected or disputed (with a reason)
by the client's approver or HR; approved time is locked and only approved time is paid. Every move is written to
the timesheet's history (timesheet_events)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from backoffice.db import utcnow
from backoffice.dates import parse_date
from backoffice.errors import DomainError, Issue, NotFound, PermissionDenied, ValidationFailed, raise_if
from backoffice.extensions import db
from backoffice.money import HOURS, UNITS, D, NumberKind, number_problem
from backoffice.notifications.services import notify
from backoffice.security.access import can, scoped
from backoffice.states import check_move, transition
from backoffice.uow import transaction
from backoffice.validation import is_record_id
from backoffice.workers.models import Engagement
from payroll.models import DAYS, TIMESHEET_MACHINE, Timesheet, TimesheetEvent, TimesheetStatus

MAX_DAY_HOURS = D(24)
MAX_REASON = 500


def _move(ts: Timesheet, action: str, user, reason: str = "", *, new: bool = False) -> str:
    """Make the state table's move and write it to the sheet's history (who, when, from which status, why; a new
    sheet comes from no status)."""
    before = None if new or action == "create" else ts.status
    after = transition(ts, "save" if action == "create" else action)
    event = TimesheetEvent(timesheet=ts, action=action, from_status=before, to_status=str(after),
                           reason=reason, user_id=getattr(user, "id", None), at=utcnow())
    db.session.add(event)
    if action in REVIEW_NOTICES:
        _notify_worker(ts, event, user)
    return after


REVIEW_NOTICES = {"approve": ("timesheet_approved", "approved"), "reject": ("timesheet_rejected", "rejected"),
                  "dispute": ("timesheet_disputed", "disputed by the client")}


def _notify_worker(ts: Timesheet, event: TimesheetEvent, user) -> None:
    """Tell the worker their week was approved or sent back, once per review step (the event's id is the key)."""
    db.session.flush()
    kind, words = REVIEW_NOTICES[event.action]
    eng = ts.engagement or db.session.get(Engagement, ts.engagement_id)
    who = getattr(user, "name", "") or getattr(user, "email", "") or "the agency"
    client = eng.client.name if eng.client is not None else "your client"
    body = f"{client}, week of {ts.week_start:%b %-d, %Y}: {words} by {who}."
    if event.reason:
        body += f" Why: {event.reason}"
    notify(eng.worker_id, kind, f"{kind}:{event.id}", f"Your week of {ts.week_start:%b %-d} was {words}",
           body, ts.id)


def _decimal(value, field: str, issues: list[Issue], row: int | None, kind: NumberKind, maximum: Decimal | None):
    """Hours or units: zero when blank; a negative, absurd or too precise figure is an Issue naming the field."""
    if value in (None, ""):
        return D(0)
    try:
        d = D(value if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else str(value))
    except ValueError:
        issues.append(Issue(field, f"{value!r} is not a number", "invalid", row))
        return None
    if d < 0:
        issues.append(Issue(field, "must be zero or more", "invalid", row))
        return None
    problem = number_problem(d, kind)
    if problem is not None:
        issues.append(Issue(field, problem[1], "invalid", row))
        return None
    if maximum is not None and d > maximum:
        issues.append(Issue(field, f"must be at most {maximum}", "invalid", row))
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
    eng = db.session.get(Engagement, eng_id) if is_record_id(eng_id) else None
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
        out[f"hours_{day}"] = _decimal(data.get(day), day, issues, row, HOURS, MAX_DAY_HOURS)
    out["units"] = _decimal(data.get("units"), "units", issues, row, UNITS, None)
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
    """Entering time takes the `timesheet_entry` right (client approvers approve time; they do not enter it), and
    the engagement within the user's row scope (a worker: their own)."""
    if not (can(user, "timesheet", "write") and can(user, "timesheet_entry", "write")):
        raise PermissionDenied("you may not enter timesheets")
    if db.session.execute(scoped(sa.select(Engagement.id).where(Engagement.id == eng.id), user, "engagement")
                          ).scalar() is None:
        raise NotFound("engagement not found")


@transaction()
def save_timesheet(data: dict, user, *, source: str | None = None, new_only: bool = False) -> Timesheet:
    """Create or replace the week's timesheet of an engagement (HR: status draft; worker: draft until submitted).
    An approved timesheet is locked: changing it is refused. `new_only` (starting a new week in the portal): a
    week the engagement already has is a ValidationFailed naming `week_start`, never a silent replacement."""
    clean, issues = clean_timesheet(data)
    raise_if(issues)
    eng = db.session.get(Engagement, clean["engagement_id"])
    _may_enter(user, eng)
    ts = db.session.execute(sa.select(Timesheet).where(Timesheet.engagement_id == eng.id,
                                                       Timesheet.week_start == clean["week_start"])).scalar()
    if ts is not None and new_only:
        raise ValidationFailed([Issue("week_start", f"you already have a timesheet for the week of "
                                                    f"{ts.week_start:%b %-d, %Y} at this engagement ({ts.status}); "
                                                    f"open it from My time instead", "duplicate")])
    action = "save"
    if ts is None:
        ts = Timesheet(engagement_id=eng.id, week_start=clean["week_start"], status=TimesheetStatus.DRAFT)
        db.session.add(ts)
        action = "create"
    else:
        check_move(ts, "save")
    for k, v in clean.items():
        if k not in ("engagement_id", "week_start"):
            setattr(ts, k, v)
    _move(ts, action, user)
    ts.source = source or ("worker" if user.role == "worker" else "hr")
    ts.entered_by_id = user.id
    return ts


@transaction()
def import_timesheets(rows: list[dict], user) -> list[Timesheet]:
    """All-or-nothing: validate every row (each dict may carry its file line number under `line`), raise
    ValidationFailed naming every bad row and field, else save them all as submitted time in one transaction."""
    if not (can(user, "timesheet", "create") and can(user, "timesheet_import", "create")):
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
            if existing is not None and not TIMESHEET_MACHINE.allows(existing, "import"):
                issues.append(Issue("week_start", "that week is already approved (locked)", "timesheet_locked", line))
        cleaned.append(clean)
    if not rows:
        issues.append(Issue("file", "has no timesheet rows", "required"))
    raise_if(issues)
    out = []
    for clean in cleaned:
        ts = db.session.execute(sa.select(Timesheet).where(Timesheet.engagement_id == clean["engagement_id"],
                                                           Timesheet.week_start == clean["week_start"])).scalar()
        new = ts is None
        if new:
            ts = Timesheet(engagement_id=clean["engagement_id"], week_start=clean["week_start"],
                           status=TimesheetStatus.DRAFT)
            db.session.add(ts)
        for k, v in clean.items():
            setattr(ts, k, v)
        _move(ts, "import", user, new=new)
        ts.source, ts.entered_by_id, ts.submitted_at = "import", user.id, utcnow()
        out.append(ts)
    return out


def _get(timesheet_id: int) -> Timesheet:
    ts = db.session.get(Timesheet, timesheet_id)
    if ts is None:
        raise NotFound(f"timesheet {timesheet_id} not found")
    return ts


@transaction()
def submit_timesheet(timesheet_id: int, user) -> Timesheet:
    ts = _get(timesheet_id)
    _may_enter(user, ts.engagement)
    check_move(ts, "submit")
    if ts.total_hours == 0 and ts.units == 0:
        raise DomainError("an empty timesheet cannot be submitted", code="empty_timesheet")
    _move(ts, "submit", user)
    ts.submitted_at = utcnow()
    return ts


def _may_approve(user, ts: Timesheet) -> None:
    """Approving, rejecting and disputing take the `timesheet_approval` right and the timesheet within the user's
    row scope (a client approver: their client's)."""
    if not may_review(user):
        raise PermissionDenied("only HR or the client's approver may approve, reject or dispute time")
    if db.session.execute(scoped(sa.select(Timesheet.id).where(Timesheet.id == ts.id), user, "timesheet")
                          ).scalar() is None:
        raise NotFound(f"timesheet {ts.id} not found")


def may_review(user) -> bool:
    """Whether the user holds the rights to approve, reject and dispute time (rows aside)."""
    return user is not None and can(user, "timesheet", "write") and can(user, "timesheet_approval", "write")


def may_dispute(user) -> bool:
    """Whether the user may dispute time: the client's approver contests it (HR rejects it instead)."""
    return may_review(user) and can(user, "timesheet_dispute", "write")


def may_enter(user) -> bool:
    """Whether the user holds the rights to enter, change and submit time (rows aside)."""
    return user is not None and can(user, "timesheet", "write") and can(user, "timesheet_entry", "write")


@transaction()
def approve_timesheet(timesheet_id: int, user) -> Timesheet:
    """submitted (or an HR draft) → approved; approving twice is refused."""
    ts = _get(timesheet_id)
    _may_approve(user, ts)
    check_move(ts, "approve")
    if ts.status == TimesheetStatus.DRAFT and not can(user, "timesheet_entry", "write"):
        # a draft is approved straight away only by someone who may enter time too (HR); others wait for it
        raise DomainError(f"Timesheet #{ts.id} is draft: it must be submitted first", code="bad_state")
    _move(ts, "approve", user)
    ts.approved_by_id, ts.approved_at = user.id, utcnow()
    return ts


def clean_reason(reason) -> str:
    """A rejection's or dispute's reason: required, at most 500 characters; else ValidationFailed naming `reason`."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise ValidationFailed([Issue("reason", "is required: say what is wrong with the time", "required")])
    if len(text) > MAX_REASON:
        raise ValidationFailed([Issue("reason", f"must be at most {MAX_REASON} characters", "invalid")])
    return text


@transaction()
def reject_timesheet(timesheet_id: int, user, reason: str) -> Timesheet:
    """submitted → rejected, with a reason the worker and HR see: the worker fixes the time and submits again."""
    ts = _get(timesheet_id)
    _may_approve(user, ts)
    check_move(ts, "reject")
    text = clean_reason(reason)
    _move(ts, "reject", user, text)
    ts.rejected_reason = text
    return ts


@transaction()
def dispute_timesheet(timesheet_id: int, user, reason: str) -> Timesheet:
    """submitted → disputed: the client's approver contests the time (hours not worked, the wrong week), with a
    reason; HR and the worker see it, fix the sheet and submit it again."""
    ts = _get(timesheet_id)
    _may_approve(user, ts)
    if not may_dispute(user):
        raise PermissionDenied("only the client's approver may dispute time; HR rejects it with a reason")
    check_move(ts, "dispute")
    text = clean_reason(reason)
    _move(ts, "dispute", user, text)
    ts.disputed_reason = text
    return ts


def approve_many(ids: list[int], user) -> int:
    """Approve several; stops at the first refusal (nothing after it is approved). Returns how many."""
    n = 0
    for tid in ids:
        approve_timesheet(tid, user)
        n += 1
    return n


def reject_many(ids: list[int], user, reason: str) -> tuple[int, list[tuple[int, str]]]:
    """Reject several with one reason, each in its own transaction: returns how many were rejected and, for each
    refused one, its id and the refusal in words (a missing reason refuses them all before any is touched)."""
    clean_reason(reason)
    done, refused = 0, []
    for tid in ids:
        try:
            reject_timesheet(tid, user, reason)
            done += 1
        except DomainError as exc:
            refused.append((tid, exc.message))
    return done, refused


# ---------------------------------------------------------------- what a page shows
def allowed_actions(ts: Timesheet, user) -> tuple[str, ...]:
    """The review and entry moves this user may make on this sheet now: the state table's moves from its status
    (backoffice.states) ∩ the user's rights. A page offers exactly these buttons; the services check the same."""
    out = []
    for action in TIMESHEET_MACHINE.actions(ts.status):
        if action in ("approve", "reject", "dispute") and may_review(user):
            if action == "approve" and ts.status == TimesheetStatus.DRAFT and not may_enter(user):
                continue
            if action == "dispute" and not may_dispute(user):
                continue
            out.append(action)
        elif action in ("submit", "save") and may_enter(user):
            out.append(action)
    return tuple(out)


ENTRY_PAY_UNITS = ("hour", "piece", "project")     # salaried engagements (week, year) are paid by the period
UNIT_PAY_UNITS = ("piece", "project")             # paid by the units a week records (payroll.services.worktime)


def enterable_engagements(user, on: date) -> list[Engagement]:
    """The engagements the user may start a week of time for on `on`: in their row scope (a worker: their own),
    active or pending, paid by the hour, the piece or the project, and not ended before the week of `on` - 4."""
    if not may_enter(user):
        return []
    earliest = on - timedelta(days=on.weekday() + 28)
    stmt = scoped(sa.select(Engagement).where(
        Engagement.status.in_(("active", "pending")), Engagement.pay_unit.in_(ENTRY_PAY_UNITS),
        sa.or_(Engagement.end_date.is_(None), Engagement.end_date >= earliest)), user, "engagement")
    return list(db.session.execute(stmt.options(joinedload(Engagement.client)).order_by(Engagement.id)).scalars())


def history(ts: Timesheet) -> list[TimesheetEvent]:
    """The sheet's approval history, oldest first, with who made each step."""
    return list(db.session.execute(
        sa.select(TimesheetEvent).where(TimesheetEvent.timesheet_id == ts.id)
        .options(joinedload(TimesheetEvent.user)).order_by(TimesheetEvent.id)).scalars())
