"""Task completions: validate and record them all-or-nothing (API, CSV import, admin), list them, mark them paid."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backoffice.clock import clock
from backoffice.errors import DomainError, Issue, PermissionDenied, ValidationFailed
from backoffice.extensions import db
from backoffice.money import MONEY, RATE, UNITS, D, NumberKind, number_problem, round_cents
from backoffice.security.access import can, scoped
from backoffice.uow import transaction
from backoffice.validation import is_record_id
from backoffice.workers.models import Engagement
from payroll.services.common import id_in, plain_rows

from .models import TaskCompletion

FIELDS = ("engagement_id", "task_ref", "units", "rate", "completed_at", "minutes")
MAX_MINUTES = 24 * 60
MAX_REF = 100
MAX_ITEMS = 5000            # one request or file; more is split by the sender
TASK_PAY_UNITS = ("piece",)  # an engagement paid per task (piece); hourly/salaried engagements are paid from time


def _number(value, field: str, kind: NumberKind, issues: list, positive: bool) -> Decimal | None:
    if value is None or value == "":
        issues.append((field, "is required", "required"))
        return None
    if isinstance(value, (bool, float)):
        issues.append((field, "give numbers as strings (\"12.50\") or integers, never JSON floats", "invalid"))
        return None
    if not isinstance(value, (int, str, Decimal)):
        issues.append((field, "must be a number", "invalid"))
        return None
    try:
        d = D(value)
    except ValueError:
        issues.append((field, f"{value!r} is not a number", "invalid"))
        return None
    if d < 0 or (positive and d == 0):
        issues.append((field, "must be more than zero" if positive else "must be zero or more", "invalid"))
        return None
    problem = number_problem(d, kind)
    if problem is not None:
        issues.append((field, problem[1], problem[0]))
        return None
    return d


def _completed(value, issues: list) -> tuple[datetime | None, date | None]:
    """ISO 8601 date-time (an offset kept for the local day, then stored in UTC; none = UTC) or a date (noon UTC)."""
    if not isinstance(value, str) or not value.strip():
        issues.append(("completed_at", "is required (ISO 8601, e.g. 2026-03-02T14:30:00-08:00)",
                       "required" if value in (None, "") else "invalid"))
        return None, None
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc), day
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        issues.append(("completed_at", f"{value!r} is not an ISO 8601 date-time", "invalid"))
        return None, None
    day = at.date()                      # the day where the work was done, as the sender wrote it
    at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc), day


def _minutes(value, issues: list) -> int | None:
    if value is None or value == "":
        issues.append(("minutes", "is required", "required"))
        return None
    if isinstance(value, bool) or isinstance(value, float):
        issues.append(("minutes", "must be a whole number of minutes", "invalid"))
        return None
    if isinstance(value, str):
        if not value.strip().isdigit():
            issues.append(("minutes", f"{value!r} is not a whole number of minutes", "invalid"))
            return None
        value = int(value.strip())
    if not isinstance(value, int):
        issues.append(("minutes", "must be a whole number of minutes", "invalid"))
        return None
    if not 1 <= value <= MAX_MINUTES:
        issues.append(("minutes", f"must be from 1 to {MAX_MINUTES} (a day)", "out_of_range"))
        return None
    return value


def clean_task(data: object, engagements: dict, today: date) -> tuple[dict, list[tuple[str, str, str]]]:
    """One task completion's clean values and its problems as (field, message, code). `engagements` holds the
    engagements the user may record tasks for, by id (others read as not found)."""
    problems: list[tuple[str, str, str]] = []
    if not isinstance(data, dict):
        return {}, [("", "must be an object", "invalid")]
    for key in sorted(set(data) - set(FIELDS), key=str):
        problems.append((str(key), "is not a task completion field (" + ", ".join(FIELDS) + ")", "unknown_field"))
    out: dict = {}
    raw_id = data.get("engagement_id")
    eng = None
    if raw_id is None or raw_id == "":
        problems.append(("engagement_id", "is required", "required"))
    else:
        eng_id = int(raw_id) if isinstance(raw_id, str) and raw_id.strip().isdigit() else raw_id
        if not is_record_id(eng_id):
            problems.append(("engagement_id", "must be an engagement number", "invalid"))
        else:
            eng = engagements.get(eng_id)
            if eng is None:
                problems.append(("engagement_id", f"engagement {eng_id} not found", "not_found"))
            elif eng.status == "pending":
                problems.append(("engagement_id", f"engagement {eng.id} has not started", "not_active"))
            elif eng.pay_unit not in TASK_PAY_UNITS:
                problems.append(("engagement_id", f"engagement {eng.id} is paid by the {eng.pay_unit}; task "
                                                  "completions are for engagements paid per piece", "invalid"))
    ref = data.get("task_ref")
    if not isinstance(ref, (str, int)) or isinstance(ref, bool) or not str(ref).strip():
        problems.append(("task_ref", "is required (the task's reference)", "required" if ref in (None, "") else
                         "invalid"))
    elif len(str(ref).strip()) > MAX_REF or not str(ref).strip().isprintable():
        problems.append(("task_ref", f"must be printable text of at most {MAX_REF} characters", "invalid"))
    else:
        out["task_ref"] = str(ref).strip()
    out["units"] = _number(data.get("units"), "units", UNITS, problems, positive=True)
    out["rate"] = _number(data.get("rate"), "rate", RATE, problems, positive=False)
    at, day = _completed(data.get("completed_at"), problems)
    out["completed_at"], out["work_date"] = at, day
    out["minutes"] = _minutes(data.get("minutes"), problems)
    if out["units"] is not None and out["rate"] is not None:
        out["amount"] = round_cents(out["units"] * out["rate"])
        problem = number_problem(out["amount"], MONEY)
        if problem is not None:
            problems.append(("rate", "units × rate " + problem[1], problem[0]))
    if day is not None:
        if day > today + timedelta(days=1):
            problems.append(("completed_at", f"{day} is in the future", "invalid"))
        if eng is not None and (day < eng.start_date or (eng.end_date and day > eng.end_date)):
            problems.append(("completed_at", f"{day} is outside engagement {eng.id} ({eng.start_date} to "
                                             f"{eng.end_date or 'open'})", "outside_engagement"))
    out["engagement_id"] = eng.id if eng is not None else None
    return out, problems


def _allowed_engagements(user, ids: set) -> dict:
    """The engagements among `ids` this user may record tasks for (a worker: their own; an approver: their
    client's; HR: any), by id: one query."""
    ids = {i for i in ids if is_record_id(i)}
    if not ids:
        return {}
    stmt = scoped(sa.select(Engagement).where(id_in(Engagement.id, sorted(ids))), user, "engagement")
    return {e.id: e for e in db.session.execute(stmt).scalars()}


def _raw_ids(items: list) -> set:
    out = set()
    for it in items:
        if isinstance(it, dict):
            v = it.get("engagement_id")
            if isinstance(v, str) and v.strip().isdigit():
                v = int(v.strip())
            if isinstance(v, int) and not isinstance(v, bool):
                out.add(v)
    return out


def check_tasks(items: list, user, *, label=None, today: date | None = None) -> tuple[list[dict], list[Issue]]:
    """Every item's clean values and every issue, duplicates in the batch and against the database included.
    `label(i)` names item i in issues: "items[3]" for the API (the default), a file line for imports."""
    label = label or (lambda i: f"items[{i}]")
    today = today or clock().today()
    engagements = _allowed_engagements(user, _raw_ids(items))
    issues: list[Issue] = []
    cleaned: list[dict] = []
    seen: dict[tuple, int] = {}
    for i, item in enumerate(items):
        clean, problems = clean_task(item, engagements, today)
        where = label(i)
        row = where if isinstance(where, int) else None
        def name(field, where=where):
            if isinstance(where, int) or not where:
                return field or "body"
            return f"{where}.{field}" if field else where
        issues += [Issue(name(f), m, c, row) for f, m, c in problems]
        key = (clean.get("engagement_id"), clean.get("task_ref"))
        if None not in key:
            if key in seen:
                first = label(seen[key])
                issues.append(Issue(name("task_ref"), f"task {key[1]} of engagement {key[0]} is also "
                                                      f"{'on line' if isinstance(first, int) else 'in'} {first}",
                                    "duplicate", row))
            else:
                seen[key] = i
        cleaned.append(clean)
    if seen:
        for eng_id, ref, tid in _existing(list(seen)):
            i = seen[(eng_id, ref)]
            where = label(i)
            issues.append(Issue("task_ref" if isinstance(where, int) or not where else f"{where}.task_ref",
                                f"task {ref} of engagement {eng_id} is already recorded (#{tid})", "duplicate",
                                where if isinstance(where, int) else None))
    return cleaned, issues


def _existing(keys: list[tuple]) -> list[tuple]:
    eng_ids = sorted({k[0] for k in keys})
    refs = sorted({k[1] for k in keys})
    wanted = set(keys)
    out = []
    for start in range(0, len(refs), 1000):
        stmt = sa.select(TaskCompletion.engagement_id, TaskCompletion.task_ref, TaskCompletion.id).where(
            id_in(TaskCompletion.engagement_id, eng_ids), TaskCompletion.task_ref.in_(refs[start:start + 1000]))
        out += [r for r in db.session.execute(stmt) if (r[0], r[1]) in wanted]
    return out


def may_record(user) -> bool:
    return can(user, "task_completion", "create")


@transaction()
def record_tasks(items: list, user, *, source: str = "api", label=None, today: date | None = None,
                 max_items: int = MAX_ITEMS) -> list[TaskCompletion]:
    """All-or-nothing: check every item (raise ValidationFailed with every issue, naming `items[i].field` or the
    file line), else save them all. The database's unique (engagement_id, task_ref) refuses a duplicate that
    arrives at the same moment from elsewhere; that is reported the same way."""
    if not may_record(user):
        raise PermissionDenied("you may not record task completions")
    if not isinstance(items, list) or not items:
        raise ValidationFailed([Issue("items", "give one task completion or a non-empty list", "required")])
    if len(items) > max_items:
        raise ValidationFailed([Issue("items", f"at most {max_items} task completions at once", "too_many")])
    cleaned, issues = check_tasks(items, user, label=label, today=today)
    if issues:
        raise ValidationFailed(issues)
    out = [TaskCompletion(engagement_id=c["engagement_id"], task_ref=c["task_ref"], units=c["units"], rate=c["rate"],
                          amount=c["amount"], completed_at=c["completed_at"], work_date=c["work_date"],
                          minutes=c["minutes"], status="recorded", source=source, created_by_id=user.id)
           for c in cleaned]
    db.session.add_all(out)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise ValidationFailed([Issue("task_ref", "a task in this batch was recorded by someone else just now; "
                                                  "send the batch again", "duplicate")]) from None
    return out


def mark_tasks_paid(run_id: int, ids: list[int]) -> int:
    """Mark the task completions a run paid (inside the run's own transaction). A task already paid is refused:
    nothing is paid twice (and the database's check keeps status and paid_run_id together)."""
    if not ids:
        return 0
    done = db.session.execute(sa.update(TaskCompletion).where(
        id_in(TaskCompletion.id, ids), TaskCompletion.paid_run_id.is_(None)).values(
        status="paid", paid_run_id=run_id), execution_options={"synchronize_session": False}).rowcount
    if done != len(set(ids)):
        raise DomainError(f"{len(set(ids)) - done} task completion(s) are already paid or missing",
                          code="task_already_paid")
    return done


def unpaid_tasks(engagement_ids: list[int], through: date) -> dict[int, list]:
    """Recorded, unpaid task completions of these engagements done on or before `through`, by engagement (rows
    with id, engagement_id, work_date, units, rate, amount, minutes): what a run pays."""
    out: dict[int, list] = {}
    if not engagement_ids:
        return out
    stmt = sa.select(TaskCompletion.id, TaskCompletion.engagement_id, TaskCompletion.work_date, TaskCompletion.units,
                     TaskCompletion.rate, TaskCompletion.amount, TaskCompletion.minutes).where(
        id_in(TaskCompletion.engagement_id, engagement_ids), TaskCompletion.paid_run_id.is_(None),
        TaskCompletion.work_date <= through).order_by(TaskCompletion.work_date, TaskCompletion.id)
    for row in plain_rows(db.session.execute(stmt)):
        out.setdefault(row.engagement_id, []).append(row)
    return out
